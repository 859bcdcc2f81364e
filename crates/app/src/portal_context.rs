//! What every public page shows beside its own data: the current campaign (theme, sections)
//! and the divisions (the list's region drill-down, the map's places by name). Read once and
//! kept for `reference_seconds`, so that a list page costs the queries of its list only; a
//! change made through this instance is seen at once, one made through another instance
//! within those seconds.

use std::sync::Arc;
use std::time::{Duration, Instant};

use domain::region::RegionLevel;

use crate::campaigns::CampaignView;
use crate::{App, AppError};

/// The reference data of the public pages.
#[derive(Debug, Clone)]
pub struct Reference {
    /// The current national campaign.
    pub campaign: CampaignView,
    /// Every division, in code order.
    pub divisions: Vec<Division>,
}

/// A division as the public pages use it.
#[derive(Debug, Clone)]
pub struct Division {
    /// Six-digit code.
    pub code: String,
    /// Name.
    pub name: String,
    /// The division one level up; none for a province.
    pub parent: Option<String>,
    /// Province, city or county.
    pub level: RegionLevel,
    /// WGS-84 (longitude, latitude) of a representative point.
    pub point: (f64, f64),
    /// That point on the Web Mercator world (`domain::geo::web_mercator`), worked out once:
    /// every map draws thousands of divisions.
    pub world: (f64, f64),
    /// Characters in the name (the width of its label).
    pub glyphs: usize,
}

impl Division {
    /// A division at `point` (WGS-84), with its world point and name width worked out.
    pub fn new(
        code: String,
        name: String,
        parent: Option<String>,
        level: RegionLevel,
        point: (f64, f64),
    ) -> Division {
        Division {
            world: domain::geo::web_mercator(point),
            glyphs: name.chars().count(),
            code,
            name,
            parent,
            level,
            point,
        }
    }
}

impl Reference {
    /// The divisions directly under `parent` (the provinces for none), in code order.
    pub fn children<'a>(&'a self, parent: Option<&'a str>) -> impl Iterator<Item = &'a Division> {
        self.divisions
            .iter()
            .filter(move |d| d.parent.as_deref() == parent)
    }

    /// Whether `code` lies directly under `parent`.
    pub fn is_child(&self, parent: &str, code: &str) -> bool {
        self.children(Some(parent)).any(|d| d.code == code)
    }

    /// The division of `code` and those above it, the province first; empty when unknown.
    pub fn ancestry(&self, code: &str) -> Vec<&Division> {
        let mut chain = Vec::new();
        let mut next = Some(code);
        while let Some(code) = next {
            let Some(d) = self.divisions.iter().find(|d| d.code == code) else {
                break;
            };
            if chain.len() > 3 {
                break;
            }
            chain.push(d);
            next = d.parent.as_deref();
        }
        chain.reverse();
        chain
    }

    /// The division a person means by `name`: its full name (杭州市), or the name it starts
    /// with (杭州); the coarser division first when several share it.
    pub fn named(&self, name: &str) -> Option<&Division> {
        let name = name.trim();
        if name.is_empty() {
            return None;
        }
        let pick = |matches: &dyn Fn(&Division) -> bool| {
            self.divisions
                .iter()
                .filter(|d| matches(d))
                .min_by_key(|d| d.level)
        };
        pick(&|d| d.name == name).or_else(|| pick(&|d| d.name.starts_with(name)))
    }
}

/// The reference data last read, and when; and the turn of the one request that reads it
/// again once it is old (the others go on with the old copy meanwhile, so that 32 requests
/// arriving at expiry do not all read every division at once).
#[derive(Default)]
pub(crate) struct Kept {
    last: std::sync::RwLock<Option<(Instant, Arc<Reference>)>>,
    reading: tokio::sync::Mutex<()>,
}

impl Kept {
    fn last(&self) -> Option<(Instant, Arc<Reference>)> {
        self.last.read().ok().and_then(|k| k.clone())
    }
}

impl App {
    /// The reference data, read again when older than `reference_seconds`.
    pub async fn reference(&self) -> Result<Arc<Reference>, AppError> {
        let fresh = Duration::from_secs(self.config.reference_seconds);
        let kept = &self.reference;
        let last = kept.last();
        if let Some((at, reference)) = &last
            && at.elapsed() < fresh
        {
            return Ok(reference.clone());
        }
        let _turn = match (kept.reading.try_lock(), &last) {
            (Ok(turn), _) => turn,
            (Err(_), Some((_, old))) => return Ok(old.clone()),
            (Err(_), None) => kept.reading.lock().await,
        };
        // Another request may have read it while this one waited for its turn.
        if let Some((at, reference)) = kept.last()
            && at.elapsed() < fresh
        {
            return Ok(reference);
        }
        let divisions = store::regions::all(&self.db)
            .await?
            .into_iter()
            .map(|r| {
                Division::new(
                    r.code,
                    r.name,
                    r.parent_code,
                    RegionLevel::parse(&r.level).unwrap_or(RegionLevel::County),
                    (r.longitude, r.latitude),
                )
            })
            .collect();
        let reference = Arc::new(Reference {
            campaign: self.current_campaign().await?,
            divisions,
        });
        if let Ok(mut last) = kept.last.write() {
            *last = Some((Instant::now(), reference.clone()));
        }
        Ok(reference)
    }

    /// Drops the kept reference data (after a change to campaigns or divisions).
    pub(crate) fn forget_reference(&self) {
        if let Ok(mut last) = self.reference.last.write() {
            *last = None;
        }
    }
}
