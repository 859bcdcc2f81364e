//! What every public page shows beside its own data: the current campaign (theme, sections)
//! and the provinces of the region filter. Read once and kept for `reference_seconds`, so
//! that a list page costs the queries of its list only; a change made through this instance
//! is seen at once, one made through another instance within those seconds.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::campaigns::CampaignView;
use crate::regions::RegionView;
use crate::{App, AppError};

/// The reference data of the public pages.
#[derive(Debug, Clone)]
pub struct Reference {
    /// The current national campaign.
    pub campaign: CampaignView,
    /// The provinces, in code order.
    pub provinces: Vec<RegionView>,
}

/// The reference data last read, and when.
pub(crate) type Kept = Arc<std::sync::RwLock<Option<(Instant, Arc<Reference>)>>>;

impl App {
    /// The reference data, read again when older than `reference_seconds`.
    pub async fn reference(&self) -> Result<Arc<Reference>, AppError> {
        let fresh = Duration::from_secs(self.config.reference_seconds);
        if let Ok(kept) = self.reference.read()
            && let Some((at, reference)) = kept.as_ref()
            && at.elapsed() < fresh
        {
            return Ok(reference.clone());
        }
        let reference = Arc::new(Reference {
            campaign: self.current_campaign().await?,
            provinces: self.regions_under(None).await?,
        });
        if let Ok(mut kept) = self.reference.write() {
            *kept = Some((Instant::now(), reference.clone()));
        }
        Ok(reference)
    }

    /// Drops the kept reference data (after a change to campaigns or divisions).
    pub(crate) fn forget_reference(&self) {
        if let Ok(mut kept) = self.reference.write() {
            *kept = None;
        }
    }
}
