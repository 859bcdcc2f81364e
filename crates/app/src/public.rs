//! What the public sees: approved activities only, filtered and paged, and as calendar
//! events. Nothing personal (phone numbers, reviewers' reasons) ever leaves here.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use domain::activity::audience_bit;
use domain::review::Status;
use serde::Deserialize;
use store::entities::{activity as entity, listing, supplement};
use store::sea_orm::sea_query::{Expr, ExprTrait};
use store::sea_orm::{ColumnTrait, Condition, Order};

use crate::activities::{Standing, parse_time};
use crate::paging::{Page, Paged};
use crate::{App, AppError};

/// The most ranked ids a search hands to the list's other filters, and the deepest a
/// search pages.
const SEARCH_LIMIT: usize = 2_000;

/// The public filters of API.md (`GET /api/v1/activities`), as sent.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PublicQuery {
    /// Chinese full-text search.
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    pub q: Option<String>,
    /// Section key.
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    pub section: Option<String>,
    /// A division: matches it and everything under it, through the activity or any session.
    #[param(pattern = r"^\d{6}$")]
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    pub region: Option<String>,
    /// Held on or after this day.
    #[param(format = Date)]
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    pub from: Option<String>,
    /// Held on or before this day.
    #[param(format = Date)]
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    pub to: Option<String>,
    /// `offline` (includes both), `online` (includes both) or `both`.
    #[param(value_type = Option<domain::activity::Mode>)]
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    pub mode: Option<String>,
    /// One audience.
    #[param(value_type = Option<domain::activity::Audience>)]
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    pub audience: Option<String>,
    /// One venue type.
    #[param(value_type = Option<domain::activity::VenueType>)]
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    pub venue_type: Option<String>,
    /// `true` or `false` (`1` or `0`).
    #[param(pattern = "^(true|false|1|0)$")]
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    pub reservable: Option<String>,
    /// `LON,LAT` (WGS-84); only with `within_km` (either alone is refused with 400).
    #[param(
        pattern = r"^-?(180(\.0+)?|1[0-7]\d(\.\d{1,6})?|\d{1,2}(\.\d{1,6})?),-?(90(\.0+)?|[0-8]?\d(\.\d{1,6})?)$"
    )]
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    pub near: Option<String>,
    /// With `near`: 0 < km ≤ 500.
    #[param(pattern = r"^(500|[1-4]\d\d(\.\d{1,3})?|[1-9]\d?(\.\d{1,3})?)$")]
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    pub within_km: Option<String>,
    /// Page.
    #[param(minimum = 1, maximum = 1_000_000_000)]
    pub page: Option<i64>,
    /// Page size.
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<i64>,
}

fn malformed(message: impl Into<String>) -> AppError {
    AppError::Malformed(message.into())
}

fn nonempty(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

pub use domain::geo::distance_km as haversine_km;

/// The near-me circle of a query.
pub struct Near {
    /// WGS-84 (longitude, latitude).
    pub point: (f64, f64),
    /// The distance asked for.
    pub km: f64,
}

impl Near {
    /// The box around the circle: longitude and latitude ranges, in degrees.
    pub fn bounds(&self) -> ((f64, f64), (f64, f64)) {
        let dlat = self.km / 111.0;
        let dlon = self.km / (111.0 * self.point.1.to_radians().cos().max(0.01));
        let (lon, lat) = self.point;
        ((lon - dlon, lon + dlon), (lat - dlat, lat + dlat))
    }
}

/// A query's filters, checked: the division and section apart (the list's index serves
/// them), every other filter as a condition on activities.
struct Filters {
    /// The division (`None`: the nation).
    region: Option<String>,
    /// Ending on or after this moment (also a bound of the list's index range).
    from: Option<DateTime<Utc>>,
    section: Option<String>,
    /// The other filters.
    cond: Condition,
    near: Option<Near>,
}

/// A page of public activities as stored rows, in the list's order, before their views.
#[derive(Debug)]
pub struct Listed {
    /// The page's activities.
    pub rows: Vec<entity::Model>,
    /// How many match in all.
    pub total: u64,
    /// The page.
    pub page: Page,
    /// With `near`: each row's distance in kilometres.
    pub distances: Option<std::collections::HashMap<i64, f64>>,
}

/// What a list shows of an activity (a card), read from its row and the address in its
/// data, without building its whole view.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Summary {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Start.
    pub start: Option<DateTime<Utc>>,
    /// End.
    pub end: Option<DateTime<Utc>>,
    /// Address (`None` online).
    pub address: Option<String>,
    /// Section key.
    pub section: Option<String>,
    /// WGS-84 longitude.
    pub lon: Option<f64>,
    /// WGS-84 latitude.
    pub lat: Option<f64>,
    /// With `near`: the distance in kilometres.
    pub distance_km: Option<f64>,
    /// The activity gave its own point; otherwise it stands at its division's centre, and a
    /// distance is an estimate.
    pub own_point: bool,
}

impl Summary {
    fn of(row: &entity::Model, distance_km: Option<f64>) -> Summary {
        /// The one field of the stored data a card needs (the rest is skipped unread).
        #[derive(Deserialize)]
        struct Place {
            address: Option<String>,
            lon: Option<f64>,
            lat: Option<f64>,
        }
        let place = serde_json::from_str::<Place>(&row.data).ok();
        let own_point = place
            .as_ref()
            .is_some_and(|p| p.lon.is_some() && p.lat.is_some());
        let address = place.and_then(|p| p.address);
        Summary {
            id: row.id,
            name: row.name.clone(),
            start: row.start_at,
            end: row.end_at,
            address,
            section: row.section.clone(),
            lon: row.lon,
            lat: row.lat,
            distance_km,
            own_point,
        }
    }
}

/// A science venue (科技馆、博物馆、科普基地) as the map shows it.
#[derive(Debug, Clone)]
pub struct Venue {
    /// The organisation's id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// WGS-84 (longitude, latitude): where it holds an activity in its own division.
    pub point: (f64, f64),
}

impl Listed {
    /// The page's cards.
    pub fn summaries(&self) -> Vec<Summary> {
        self.rows
            .iter()
            .map(|r| {
                let d = self.distances.as_ref().and_then(|m| m.get(&r.id)).copied();
                Summary::of(r, d.map(tenths))
            })
            .collect()
    }
}

impl App {
    /// The science venues hosting the listed activities (organisations of the venue kind,
    /// not refused), each at the first of those activities held in its own division: an
    /// organisation's record has no point of its own, and a venue that hosts an activity
    /// elsewhere is not placed there.
    pub async fn venues_of(&self, listed: &Listed) -> Result<Vec<Venue>, AppError> {
        #[derive(Deserialize)]
        struct Hosts {
            #[serde(default)]
            hosts: Vec<i64>,
        }
        let hosted: Vec<(&entity::Model, Vec<i64>)> = listed
            .rows
            .iter()
            .filter_map(|r| Some((r, serde_json::from_str::<Hosts>(&r.data).ok()?.hosts)))
            .collect();
        let mut ids: Vec<i64> = hosted.iter().flat_map(|(_, h)| h.iter().copied()).collect();
        ids.sort_unstable();
        ids.dedup();
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let venues = store::public::venues_among(
            &self.db,
            ids,
            domain::org::OrgKind::Venue.as_str(),
            domain::org::OrgStatus::Rejected.as_str(),
        )
        .await?;
        Ok(venues
            .into_iter()
            .filter_map(|v| {
                let (row, _) = hosted.iter().find(|(row, hosts)| {
                    hosts.contains(&v.id)
                        && row.lon.is_some()
                        && row.lat.is_some()
                        && [&row.county_code, &row.city_code, &row.province_code]
                            .iter()
                            .any(|code| code.as_deref() == Some(v.region_code.as_str()))
                })?;
                Some(Venue {
                    id: v.id,
                    name: v.name,
                    point: (row.lon?, row.lat?),
                })
            })
            .collect())
    }

    /// The query's filters, checked; a malformed or unknown value is a 400 with its reason.
    async fn public_filters(&self, q: &PublicQuery) -> Result<Filters, AppError> {
        let mut cond = Condition::all();
        let section = nonempty(&q.section).map(str::to_owned);
        let mut region = None;
        if let Some(raw) = nonempty(&q.region) {
            let code = domain::region::parse_code(raw).map_err(malformed)?;
            let located = crate::regions::locate(&self.db, &code)
                .await?
                .ok_or_else(|| AppError::NotFound("未找到该区划".to_owned()))?;
            if located.level.is_some() {
                region = Some(code);
            }
        }
        let from = nonempty(&q.from).map(parse_time).transpose()?;
        if let Some(from) = from {
            cond = cond.add(entity::Column::EndAt.gte(from));
        }
        if let Some(to) = nonempty(&q.to) {
            cond =
                cond.add(entity::Column::StartAt.lt(parse_time(to)? + chrono::Duration::days(1)));
        }
        match nonempty(&q.mode) {
            None => {}
            Some("offline") => cond = cond.add(entity::Column::Mode.is_in(["offline", "both"])),
            Some("online") => cond = cond.add(entity::Column::Mode.is_in(["online", "both"])),
            Some("both") => cond = cond.add(entity::Column::Mode.eq("both")),
            Some(_) => return Err(malformed("活动形式只能是线下、线上或线上线下结合")),
        }
        if let Some(audience) = nonempty(&q.audience) {
            let bit = audience_bit(audience)
                .ok_or_else(|| malformed(format!("面向对象“{audience}”不在可选范围内")))?;
            cond = cond.add(Expr::col(entity::Column::AudienceMask).bit_and(bit).ne(0));
        }
        if let Some(venue) = nonempty(&q.venue_type) {
            if !domain::activity::VENUE_TYPES.contains(&venue) {
                return Err(malformed(format!("场地类型“{venue}”不在可选范围内")));
            }
            cond = cond.add(entity::Column::VenueType.eq(venue));
        }
        match nonempty(&q.reservable) {
            None => {}
            Some("true" | "1") => cond = cond.add(entity::Column::Reservable.eq(true)),
            Some("false" | "0") => cond = cond.add(entity::Column::Reservable.eq(false)),
            Some(_) => return Err(malformed("是否支持预约只能是“是”或“否”")),
        }
        let near = match (nonempty(&q.near), nonempty(&q.within_km)) {
            (None, None) => None,
            (Some(_), None) | (None, Some(_)) => {
                return Err(malformed("位置与范围须同时给出"));
            }
            (Some(near), Some(km)) => Some(parse_near(near, km)?),
        };
        Ok(Filters {
            region,
            from,
            section,
            cond,
            near,
        })
    }

    /// The condition of a search or a near-me query: approved, the filters, the section,
    /// the division, and the near-me box.
    async fn public_condition(&self, f: &Filters, searched: bool) -> Result<Condition, AppError> {
        // With a search the ids come ranked from the index: the state is then tested on
        // each of those rows (an expression no index serves), so that the planner looks
        // the ids up by key instead of walking every approved activity.
        let mut cond = if searched {
            Condition::all().add(Expr::cust(format!(
                "(activities.status || '') = '{}'",
                Status::Approved.as_str()
            )))
        } else {
            Condition::all().add(entity::Column::Status.eq(Status::Approved.as_str()))
        };
        cond = cond.add(f.cond.clone());
        if let Some(section) = &f.section {
            cond = cond.add(entity::Column::Section.eq(section.as_str()));
        }
        if let Some(code) = &f.region {
            cond = cond.add(self.within_division(code).await?);
        }
        if let Some(near) = &f.near {
            // A bounding box first (indexed columns), the exact distance after.
            let (lon, lat) = near.bounds();
            cond = cond.add(store::public::near_box(lon, lat));
        }
        Ok(cond)
    }

    /// `GET /api/v1/activities`: approved activities, upcoming and ongoing first (ending
    /// soonest first), then past ones (latest first); by distance with `near`; by relevance
    /// with `q`.
    pub async fn public_activities(
        &self,
        q: &PublicQuery,
    ) -> Result<Paged<crate::activities::ActivityView>, AppError> {
        let listed = self.public_listed(q).await?;
        self.public_page(&listed).await
    }

    /// `GET /api/v1/activities` as sent: the JSON of [`App::public_activities`], kept like
    /// the rows it is made from, so that a kept answer costs no query beyond the log's
    /// position and no serialising.
    pub async fn public_activities_json(&self, q: &PublicQuery) -> Result<bytes::Bytes, AppError> {
        let (stamp, position) = self.public_stamp().await?;
        let key = format!("{q:?}");
        let kept = self
            .public_json
            .get_or_compute(stamp, key, async {
                let listed = self.listed_at(q, stamp, position).await?;
                let page = self.public_page(&listed).await?;
                serde_json::to_vec(&page)
                    .map(bytes::Bytes::from)
                    .map_err(AppError::internal)
            })
            .await?;
        Ok(bytes::Bytes::clone(&kept))
    }

    /// The page of a public query as stored rows (pages draw their cards from these).
    /// Answers are kept until the search log moves (every change to what is public moves
    /// it) and for the minute (upcoming activities become past ones as time passes).
    pub async fn public_listed(&self, q: &PublicQuery) -> Result<Arc<Listed>, AppError> {
        let (stamp, position) = self.public_stamp().await?;
        self.listed_at(q, stamp, position).await
    }

    /// The stamp public answers are kept under, and the log position it holds.
    async fn public_stamp(&self) -> Result<(i64, i64), AppError> {
        let position = self.log_position().await?;
        let minute = self.clock.now().timestamp().div_euclid(60);
        // One stamp that grows with either (the minute above the log's position), so that
        // a new minute drops the last one's answers instead of leaving them to age out.
        let stamp = minute
            .saturating_mul(1 << 32)
            .saturating_add(position.clamp(0, i64::from(u32::MAX)));
        Ok((stamp, position))
    }

    async fn listed_at(
        &self,
        q: &PublicQuery,
        stamp: i64,
        position: i64,
    ) -> Result<Arc<Listed>, AppError> {
        let page = Page::parse(q.page, q.per_page)?;
        let key = format!("{q:?}");
        self.public_answers
            .get_or_compute(stamp, key, async {
                let filters = self.public_filters(q).await?;
                if let Some(text) = nonempty(&q.q) {
                    self.searched(text, &filters, page, position).await
                } else if filters.near.is_some() {
                    self.nearest(&filters, page).await
                } else {
                    self.in_order(q, &filters, page).await
                }
            })
            .await
    }

    /// Relevance order. Alone, a search pages through the index's ranking; with other
    /// filters, they narrow the [`SEARCH_LIMIT`] best ids (ids only). Only the page's rows
    /// are loaded, and only approved ones are shown even while the index catches up.
    async fn searched(
        &self,
        text: &str,
        f: &Filters,
        page: Page,
        position: i64,
    ) -> Result<Listed, AppError> {
        let narrowed = f.region.is_some() || f.section.is_some() || !f.cond.is_empty();
        let wanted =
            usize::try_from(page.offset().saturating_add(page.per_page)).unwrap_or(usize::MAX);
        let (ordered, total) = if narrowed {
            let found = self.search_ids(text, SEARCH_LIMIT, position).await?;
            let allowed: std::collections::HashSet<i64> = store::public::ids_matching(
                &self.db,
                self.public_condition(f, true).await?,
                found.ids.clone(),
            )
            .await?
            .into_iter()
            .collect();
            let ordered: Vec<i64> = found
                .ids
                .iter()
                .copied()
                .filter(|id| allowed.contains(id))
                .collect();
            let total = ordered.len() as u64;
            (ordered, total)
        } else {
            let found = self
                .search_ids(text, wanted.min(SEARCH_LIMIT), position)
                .await?;
            (found.ids.clone(), found.total as u64)
        };
        let slice = page_of(&ordered, page).to_vec();
        let mut rows = store::activities::by_ids(&self.db, slice.clone()).await?;
        rows.retain(|r| r.status == Status::Approved.as_str());
        rows.sort_by_key(|r| slice.iter().position(|id| *id == r.id));
        Ok(Listed {
            rows,
            total,
            page,
            distances: None,
        })
    }

    /// Nearest first, over the candidates in the near-me box.
    async fn nearest(&self, f: &Filters, page: Page) -> Result<Listed, AppError> {
        let Some(near) = &f.near else {
            return Err(AppError::internal("near-me without a place"));
        };
        // Ids and points first (thousands in a city at national scale); rows for the page.
        let found =
            store::public::points_matching(&self.db, self.public_condition(f, false).await?)
                .await?;
        let (lon, lat) = near.bounds();
        let mut sessions: std::collections::HashMap<i64, Vec<(f64, f64)>> =
            std::collections::HashMap::new();
        // A session outside the box is farther than the distance asked for.
        for (id, p) in store::public::session_points_in(&self.db, lon, lat).await? {
            sessions.entry(id).or_default().push(p);
        }
        let mut near_ids: Vec<(f64, i64)> = found
            .iter()
            .filter_map(|(id, lon, lat)| {
                lon.zip(*lat)
                    .into_iter()
                    .chain(sessions.get(id).into_iter().flatten().copied())
                    .map(|p| haversine_km(near.point, p))
                    .min_by(f64::total_cmp)
                    .filter(|d| *d <= near.km)
                    .map(|d| (d, *id))
            })
            .collect();
        near_ids.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let total = near_ids.len() as u64;
        let slice = page_of(&near_ids, page).to_vec();
        let ids: Vec<i64> = slice.iter().map(|(_, id)| *id).collect();
        let mut rows = store::activities::by_ids(&self.db, ids.clone()).await?;
        rows.sort_by_key(|r| ids.iter().position(|id| *id == r.id));
        Ok(Listed {
            rows,
            total,
            page,
            distances: Some(slice.into_iter().map(|(d, id)| (id, d)).collect()),
        })
    }

    /// Upcoming and ongoing (ending soonest first), then past (latest first), read from the
    /// list's index of the division (the nation by default) and section: the page's ids are
    /// two ranges of an index in the list's order (the other filters probe each activity met
    /// on the way), and only the page's rows are loaded.
    async fn in_order(&self, q: &PublicQuery, f: &Filters, page: Page) -> Result<Listed, AppError> {
        let now: DateTime<Utc> = self.clock.now();
        let code = f.region.as_deref().unwrap_or(domain::region::NATIONAL);
        let listed = store::public::listed(
            code,
            f.section.as_deref(),
            f.from,
            (!f.cond.is_empty()).then(|| f.cond.clone()),
        );
        let upcoming = store::public::ending(listed.clone(), now, true);
        let past = store::public::ending(listed, now, false);
        let mut rows = self
            .rows_in_order(upcoming.clone(), Order::Asc, page.offset(), page.per_page)
            .await?;
        let wanted = page.per_page.saturating_sub(rows.len() as u64);
        if wanted > 0 {
            // The page reaches past the upcoming ones: how many there are is known from
            // this page unless it began beyond them.
            let ahead = if rows.is_empty() && page.offset() > 0 {
                store::public::count(&self.db, upcoming.clone()).await?
            } else {
                page.offset() + rows.len() as u64
            };
            let skip = page.offset().saturating_sub(ahead);
            rows.extend(
                self.rows_in_order(past.clone(), Order::Desc, skip, wanted)
                    .await?,
            );
        }
        let total = match self.listed_total(q).await? {
            Some(total) => total,
            None => {
                store::public::count(&self.db, upcoming).await?
                    + store::public::count(&self.db, past).await?
            }
        };
        Ok(Listed {
            rows,
            total,
            page,
            distances: None,
        })
    }

    /// The activities of a range of listings, in order of their end (then id).
    async fn rows_in_order(
        &self,
        listed: store::sea_orm::Select<listing::Entity>,
        order: Order,
        offset: u64,
        limit: u64,
    ) -> Result<Vec<entity::Model>, AppError> {
        Ok(store::public::rows_in_order(&self.db, listed, order, offset, limit).await?)
    }

    /// "Listed under this division": for a division with many activities, a probe of
    /// `activity_regions` per row met along the list's index (few rows are read before a
    /// page fills); for one with few, the list of its activity ids (read once).
    async fn within_division(&self, code: &str) -> Result<Condition, AppError> {
        let listed = self.listed_count(code, domain::stats::ALL).await?;
        Ok(store::public::within_division(
            code,
            listed > self.config.region_probe_above,
        ))
    }

    /// Approved activities listed under a division (`000000`: all), for a section or `all`,
    /// summed over campaigns.
    async fn listed_count(&self, scope: &str, key: &str) -> Result<u64, AppError> {
        let n = self
            .rollup_sum(scope, domain::stats::dim::LISTED, key)
            .await?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// A rollup cell summed over campaigns.
    async fn rollup_sum(&self, scope: &str, d: &str, key: &str) -> Result<i64, AppError> {
        Ok(store::public::rollup_sum(&self.db, scope, d, key).await?)
    }

    /// The number of public activities matching a query whose only filters are a division
    /// and a section, from the rollups (summed over campaigns); `None` for other queries.
    async fn listed_total(&self, q: &PublicQuery) -> Result<Option<u64>, AppError> {
        let others = [
            &q.q,
            &q.from,
            &q.to,
            &q.mode,
            &q.audience,
            &q.venue_type,
            &q.reservable,
            &q.near,
            &q.within_km,
        ];
        if others.iter().any(|f| nonempty(f).is_some()) {
            return Ok(None);
        }
        let scope = nonempty(&q.region).unwrap_or(domain::region::NATIONAL);
        let key = nonempty(&q.section).unwrap_or(domain::stats::ALL);
        Ok(Some(self.listed_count(scope, key).await?))
    }

    /// The public views of a page's rows.
    async fn public_page(
        &self,
        listed: &Listed,
    ) -> Result<Paged<crate::activities::ActivityView>, AppError> {
        let Listed {
            rows,
            total,
            page,
            distances,
        } = listed;
        let supplements: std::collections::HashMap<i64, supplement::Model> =
            store::supplements::of_activities(&self.db, rows.iter().map(|r| r.id))
                .await?
                .into_iter()
                .map(|s| (s.activity_id, s))
                .collect();
        let mut items = Vec::with_capacity(rows.len());
        for row in rows {
            let mut v = self
                .view_given(row, Standing::Public, supplements.get(&row.id))
                .await?;
            if let Some(d) = distances.as_ref().and_then(|m| m.get(&row.id)) {
                v.distance_km = Some(tenths(*d));
            }
            items.push(v);
        }
        Ok(Paged {
            items,
            total: *total,
            page: page.page,
            per_page: page.per_page,
        })
    }
}

/// A distance as shown: to 100 m.
fn tenths(km: f64) -> f64 {
    (km * 10.0).round() / 10.0
}

/// The slice of `items` a page shows.
fn page_of<T>(items: &[T], page: Page) -> &[T] {
    let start = usize::try_from(page.offset())
        .unwrap_or(usize::MAX)
        .min(items.len());
    let end = start
        .saturating_add(usize::try_from(page.per_page).unwrap_or(0))
        .min(items.len());
    items.get(start..end).unwrap_or_default()
}

/// `near` (`LON,LAT`) and `within_km`, checked.
pub fn parse_near(near: &str, km: &str) -> Result<Near, AppError> {
    let parts: Vec<f64> = near
        .split(',')
        .map(|p| p.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|_| malformed("位置须为地名或“经度,纬度”"))?;
    let [lon, lat] = parts.as_slice() else {
        return Err(malformed("位置须为地名或“经度,纬度”"));
    };
    if !(-180.0..=180.0).contains(lon) || !(-90.0..=90.0).contains(lat) {
        return Err(malformed("位置的经纬度超出范围"));
    }
    let km: f64 = km.parse().map_err(|_| malformed("范围须为公里数"))?;
    if !(km > 0.0 && km <= 500.0) {
        return Err(malformed("范围须大于0且不超过500公里"));
    }
    Ok(Near {
        point: (*lon, *lat),
        km,
    })
}

/// The home page's live counters.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Counters {
    /// Approved activities.
    pub activities: u64,
    /// Provinces with at least one.
    pub provinces: u64,
    /// Cities with at least one.
    pub cities: u64,
    /// Expected participants, summed.
    pub expected_participants: i64,
}

impl App {
    /// Counts over approved activities, for the home page, from the rollups: divisions
    /// count where an activity or one of its sessions is held.
    pub async fn counters(&self) -> Result<Counters, AppError> {
        let national = domain::region::NATIONAL;
        let activities = self.listed_count(national, domain::stats::ALL).await?;
        let expected = self
            .rollup_sum(national, domain::stats::dim::SUM, "expected")
            .await?;
        let (dim, all) = (domain::stats::dim::LISTED, domain::stats::ALL);
        let provinces = store::public::divisions_with(&self.db, "province", dim, all).await?;
        let cities = store::public::divisions_with(&self.db, "city", dim, all).await?;
        Ok(Counters {
            activities,
            provinces: u64::try_from(provinces).unwrap_or(0),
            cities: u64::try_from(cities).unwrap_or(0),
            expected_participants: expected,
        })
    }

    /// The approved activities an organisation hosts (as first host), newest first.
    pub async fn org_activities(&self, org_id: i64) -> Result<Vec<Summary>, AppError> {
        let rows = store::public::hosted_by(&self.db, org_id, Status::Approved.as_str()).await?;
        Ok(rows.iter().map(|r| Summary::of(r, None)).collect())
    }
}
