//! 科普主题线路 and 打卡 (DESIGN.md §7.1): administrators create venues and routes in their
//! area; a venue's screen shows its rotating code; a logged-in visitor checks in and earns
//! stamps; flagged check-ins wait for an administrator of the route's area; a completed
//! route gives a certificate anyone can verify.

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, Utc};
use domain::FieldErrors;
use domain::region::{RegionLevel, RegionPath};
use domain::routes::{
    self as rules, CertificateStatus, CodeRule, Fix, Flag, Geofence, GeofenceMode, Outcome,
    Refusal, RouteDefaults, RouteInput, RouteSettings, RouteStatus, SkipReason, StampState, StopAt,
    StopPlace, VenueInput, VenueSettings,
};
use domain::totp;
use serde::{Deserialize, Serialize};
use store::entities::InArea;
use store::entities::{certificate, route, route_stop, stamp, venue};
use store::sea_orm::{ColumnTrait, Condition, TransactionTrait};
use utoipa::ToSchema;

use crate::paging::{Page, Paged};
use crate::regions::locate;
use crate::scope::{area_condition, scope_condition};
use crate::{Actor, App, AppError, random_hex, same_secret, sha256_hex};

/// A published route a venue belongs to.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RouteRef {
    /// Route id.
    pub id: i64,
    /// 线路名称
    pub name: String,
}

/// 打卡点 as anyone sees it: never its secret or display key.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VenueView {
    /// Id.
    pub id: i64,
    /// 名称
    pub name: String,
    /// 地址
    pub address: String,
    /// 所在地区
    pub region_code: String,
    /// 经度 (WGS-84)
    pub lon: f64,
    /// 纬度 (WGS-84)
    pub lat: f64,
    /// 运营单位
    pub org_id: Option<i64>,
    /// 场地类型
    pub venue_type: Option<String>,
    /// 开放时间
    pub opening_hours: String,
    /// 打卡范围
    pub geofence: Geofence,
    /// 打卡码规则
    pub code: CodeRule,
    /// The published routes it belongs to.
    pub routes: Vec<RouteRef>,
    /// The venue's own stamp image (a square PNG), when it uploaded one: its address.
    pub stamp_image: Option<String>,
    /// Version, for `If-Match`.
    pub version: i64,
}

/// A venue's secret and display address, shown once: at creation and at rotation.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VenueKeys {
    /// The TOTP secret (base32, upper case, no padding).
    pub code_secret: String,
    /// `otpauth://totp/…`, to provision an offline display.
    pub otpauth_uri: String,
    /// `/venues/{id}/display?key=…`: the venue's screen.
    pub display_url: String,
}

/// A venue just created, with its keys (this once).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VenueCreated {
    /// The venue.
    #[serde(flatten)]
    pub venue: VenueView,
    /// Its keys.
    #[serde(flatten)]
    pub keys: VenueKeys,
}

/// The code a venue's screen shows now.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CodeView {
    /// 打卡码
    pub code: String,
    /// The TOTP step.
    pub step: i64,
    /// Seconds per step.
    pub period_s: i64,
    /// When the next code takes over.
    pub valid_until: DateTime<Utc>,
    /// The check-in link the QR code carries.
    pub checkin_url: String,
    /// The venue's name.
    pub venue_name: String,
    /// The published routes it belongs to.
    pub routes: Vec<RouteRef>,
}

/// A stop as a route shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StopView {
    /// 站序 (from 1).
    pub no: i64,
    /// Its venue.
    pub venue_id: i64,
    /// The venue's name.
    pub name: String,
    /// The venue's address.
    pub address: String,
    /// 经度
    pub lon: f64,
    /// 纬度
    pub lat: f64,
    /// The venue's opening hours.
    pub opening_hours: String,
    /// 说明
    pub note: String,
}

/// A route's counts.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RouteStats {
    /// Visitors holding at least one stamp.
    pub visitors: u64,
    /// Valid certificates given.
    pub completions: u64,
}

/// A stamp of the caller's on a route.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MyStamp {
    /// 站序
    pub no: i64,
    /// Its venue.
    pub venue_id: i64,
    /// When.
    pub at: DateTime<Utc>,
    /// `counted`, `pending` or `rejected`.
    pub state: StampState,
}

/// The caller's standing on a route.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MyProgress {
    /// Stamps.
    pub stamps: Vec<MyStamp>,
    /// Counted stamps.
    pub counted: i64,
    /// Stamps needed.
    pub required: i64,
    /// Whether a certificate may be taken.
    pub completed: bool,
    /// The certificate's serial, once taken.
    pub certificate: Option<String>,
}

/// 科普主题线路 as the API answers it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RouteView {
    /// Id.
    pub id: i64,
    /// 名称
    pub name: String,
    /// 主题
    pub theme: String,
    /// 简介 (sanitised HTML)
    pub description: String,
    /// 所属地区
    pub region_code: String,
    /// 活动季
    pub campaign_id: i64,
    /// 联名打卡活动
    pub activity_id: Option<i64>,
    /// 开始日期
    pub from: chrono::NaiveDate,
    /// 结束日期
    pub to: chrono::NaiveDate,
    /// 须按顺序打卡
    pub sequential: bool,
    /// 完成所需站数
    pub complete_at: i64,
    /// 证书颁发单位
    pub issuer: String,
    /// 防作弊设置
    pub anti_abuse: rules::AntiAbuse,
    /// `draft`, `published` or `closed`.
    pub status: RouteStatus,
    /// The stops, in order.
    pub stops: Vec<StopView>,
    /// Counts.
    pub stats: RouteStats,
    /// Version, for `If-Match`.
    pub version: i64,
    /// Whether the caller administers the route's area (sees its check-ins, decides the
    /// flagged ones).
    pub manageable: bool,
    /// The caller's stamps (a logged-in caller only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub me: Option<MyProgress>,
}

/// The route list's filters.
#[derive(Debug, Clone, Default, Deserialize, ToSchema, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct RouteQuery {
    /// Routes whose area, or any stop, lies in this division.
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    #[param(pattern = r"^\d{6}$")]
    pub region: Option<String>,
    /// Words in the name or theme.
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    pub q: Option<String>,
    /// Page (from 1).
    pub page: Option<i64>,
    /// Per page (1–100).
    pub per_page: Option<i64>,
}

/// A check-in as the visitor sends it.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckinInput {
    /// 打卡点
    pub venue_id: i64,
    /// The code read off the venue's screen.
    pub code: String,
    /// 经度 (WGS-84, from the browser).
    pub lon: Option<f64>,
    /// 纬度.
    pub lat: Option<f64>,
    /// The reported accuracy in metres.
    pub accuracy_m: Option<f64>,
}

/// A stamp a check-in earned.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StampEarned {
    /// 线路
    pub route_id: i64,
    /// 站序
    pub no: i64,
    /// `counted` or `pending`.
    pub state: StampState,
}

/// A route on which a check-in earned nothing.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Skipped {
    /// 线路
    pub route_id: i64,
    /// 站序
    pub no: i64,
    /// `already` or `order`.
    pub reason: SkipReason,
    /// The stop to visit first (order only).
    pub next_no: Option<i64>,
}

/// What a check-in did.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CheckinView {
    /// The check-in (null when nothing new was earned and nothing recorded).
    pub id: Option<i64>,
    /// 打卡点
    pub venue_id: i64,
    /// When.
    pub at: DateTime<Utc>,
    /// Why it waits for review, if it does.
    pub flags: Vec<Flag>,
    /// New stamps.
    pub stamps: Vec<StampEarned>,
    /// Routes where nothing new was earned.
    pub skipped: Vec<Skipped>,
}

/// A stamp in the visitor's passport.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PassportStamp {
    /// 站序
    pub no: i64,
    /// The venue's name.
    pub venue_name: String,
    /// When.
    pub at: DateTime<Utc>,
    /// `counted`, `pending` or `rejected`.
    pub state: StampState,
    /// The venue's own stamp image, when it uploaded one (else the page draws a seal).
    pub stamp_image: Option<String>,
}

/// One route in the visitor's passport (`/me/stamps`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PassportRoute {
    /// 线路
    pub route_id: i64,
    /// 线路名称
    pub name: String,
    /// Stamps.
    pub stamps: Vec<PassportStamp>,
    /// Stops not stamped yet: (no, venue name).
    pub missing: Vec<String>,
    /// Counted stamps.
    pub counted: i64,
    /// Stamps needed.
    pub required: i64,
    /// Whether a certificate may be taken.
    pub completed: bool,
    /// The certificate's serial, once taken.
    pub certificate: Option<String>,
}

/// A check-in as the administrators of the route's area list it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CheckinRowView {
    /// Id.
    pub id: i64,
    /// 打卡点
    pub venue_id: i64,
    /// The venue's name.
    pub venue_name: String,
    /// When.
    pub at: DateTime<Utc>,
    /// Flags.
    pub flags: Vec<Flag>,
    /// Its stamp's state on this route.
    pub state: StampState,
    /// The visitor's phone, masked (`139****0101`).
    pub visitor: String,
    /// Why an administrator decided it as they did, when they gave a reason.
    pub review_reason: Option<String>,
}

/// The flagged-check-in list's filters.
#[derive(Debug, Clone, Default, Deserialize, ToSchema, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct CheckinQuery {
    /// Only flagged check-ins.
    pub flagged: Option<bool>,
    /// Page (from 1).
    pub page: Option<i64>,
    /// Per page (1–100).
    pub per_page: Option<i64>,
}

/// An administrator's decision on a flagged check-in.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckinDecision {
    /// `accept` or `reject`.
    pub decision: String,
    /// Why (required to reject).
    #[serde(default)]
    pub reason: Option<String>,
}

/// A check-in after review.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CheckinReviewed {
    /// Id.
    pub id: i64,
    /// 打卡点
    pub venue_id: i64,
    /// When.
    pub at: DateTime<Utc>,
    /// Flags.
    pub flags: Vec<Flag>,
    /// `counted` or `rejected`.
    pub state: StampState,
    /// Its stamps' new states.
    pub stamps: Vec<StampEarned>,
}

/// What a visitor asks a certificate with.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CertificateRequest {
    /// 证书上的姓名 (2–20 characters; the account's name when absent).
    #[serde(default)]
    pub name: Option<String>,
}

/// 完成证书 as shown: the holder's name masked unless the holder asks.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CertificateView {
    /// `KP` + year + 10 characters.
    pub serial: String,
    /// 持有人 (张*明 to anyone but the holder).
    pub holder_name: String,
    /// 线路
    pub route_id: i64,
    /// 线路名称
    pub route_name: String,
    /// 颁发单位
    pub issuer: String,
    /// When the route was completed.
    pub completed_at: DateTime<Utc>,
    /// `valid` or `revoked`.
    pub status: CertificateStatus,
    /// Why it was revoked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revoked_reason: Option<String>,
}

/// A revocation.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevokeInput {
    /// Why (required).
    pub reason: String,
}

/// The routes of an area in the statistics (`stats.routes`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct RouteCounts {
    /// Published routes of the area.
    pub published: u64,
    /// Check-ins that stamped them (rejected ones left out).
    pub checkins: u64,
    /// Visitors holding a stamp on them.
    pub visitors: u64,
    /// Valid certificates given on them.
    pub completions: u64,
    /// Stamps waiting for an administrator's review (flagged check-ins).
    pub pending: u64,
    /// Those, by route (most first).
    pub pending_by_route: Vec<PendingCount>,
    /// Those, by venue (most first).
    pub pending_by_venue: Vec<PendingCount>,
}

/// A check-in venue on the science map.
#[derive(Debug, Clone, PartialEq)]
pub struct MappedVenue {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// WGS-84 (longitude, latitude).
    pub point: (f64, f64),
    /// A published route that holds it (where its mark leads).
    pub route_id: i64,
}

/// Stamps waiting for review at one route or venue.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct PendingCount {
    /// The route's or venue's id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// Stamps waiting.
    pub pending: u64,
}

/// Sums `(key, n)` by key, named by `names`, most first.
fn pending_list(
    rows: impl Iterator<Item = (i64, i64)>,
    names: Vec<(i64, String)>,
) -> Vec<PendingCount> {
    let mut sums = std::collections::BTreeMap::<i64, u64>::new();
    for (id, n) in rows {
        *sums.entry(id).or_default() += u64::try_from(n).unwrap_or_default();
    }
    let names: std::collections::HashMap<i64, String> = names.into_iter().collect();
    let mut out: Vec<PendingCount> = sums
        .into_iter()
        .map(|(id, pending)| PendingCount {
            id,
            name: names.get(&id).cloned().unwrap_or_default(),
            pending,
        })
        .collect();
    out.sort_by(|a, b| b.pending.cmp(&a.pending).then(a.id.cmp(&b.id)));
    out
}

fn venue_scope(actor: &Actor) -> Condition {
    scope_condition(
        actor,
        venue::Column::ProvinceCode,
        venue::Column::CityCode,
        venue::Column::CountyCode,
    )
}

fn route_scope(actor: &Actor) -> Condition {
    scope_condition(
        actor,
        route::Column::ProvinceCode,
        route::Column::CityCode,
        route::Column::CountyCode,
    )
}

fn settings_of_venue(v: &venue::Model) -> VenueSettings {
    VenueSettings {
        name: v.name.clone(),
        address: v.address.clone(),
        region_code: v.region_code.clone(),
        lon: v.lon,
        lat: v.lat,
        org_id: v.org_id,
        venue_type: v.venue_type.clone(),
        opening_hours: v.opening_hours.clone(),
        geofence: geofence_of(v),
        code: CodeRule {
            period_s: v.period_s,
            digits: v.digits,
            grace_steps: v.grace_steps,
        },
    }
}

fn geofence_of(v: &venue::Model) -> Geofence {
    Geofence {
        mode: GeofenceMode::parse(&v.geofence_mode).unwrap_or(GeofenceMode::Off),
        radius_m: v.radius_m,
    }
}

fn date(raw: &str) -> chrono::NaiveDate {
    chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d").unwrap_or_default()
}

fn settings_of_route(r: &route::Model, stops: &[route_stop::Model]) -> RouteSettings {
    RouteSettings {
        name: r.name.clone(),
        theme: r.theme.clone(),
        description: r.description.clone(),
        region_code: r.region_code.clone(),
        campaign_id: r.campaign_id,
        activity_id: r.activity_id,
        from: date(&r.from_date),
        to: date(&r.to_date),
        sequential: r.sequential,
        complete_at: r.complete_at,
        issuer: r.issuer.clone(),
        anti_abuse: rules::AntiAbuse {
            max_speed_kmh: r.max_speed_kmh,
            max_checkins_per_day: r.max_checkins_per_day,
        },
        stops: stops
            .iter()
            .map(|s| rules::Stop {
                venue_id: s.venue_id,
                note: s.note.clone(),
            })
            .collect(),
    }
}

fn flags_of(raw: &str) -> Vec<Flag> {
    raw.split(',').filter_map(Flag::parse).collect()
}

fn state_of(raw: &str) -> StampState {
    StampState::parse(raw).unwrap_or(StampState::Pending)
}

fn stops_at(stops: &[route_stop::Model]) -> Vec<StopAt> {
    stops
        .iter()
        .map(|s| StopAt {
            no: s.no,
            venue_id: s.venue_id,
        })
        .collect()
}

/// Where a stamp image is received before it is checked.
#[derive(Debug)]
pub struct StampSlot {
    /// The venue.
    pub venue_id: i64,
    /// A temporary file to stream into.
    pub temp_path: std::path::PathBuf,
    /// The most bytes accepted.
    pub max_bytes: u64,
}

/// The random part of a stamp image's key: a new upload is a new address (and ETag).
fn stamp_version(key: &str) -> &str {
    key.rsplit('-')
        .next()
        .and_then(|s| s.strip_suffix(".png"))
        .unwrap_or(key)
}

/// The address of a venue's stamp image, when it has one.
fn stamp_image_url(venue_id: i64, key: Option<&str>) -> Option<String> {
    key.map(|k| format!("/venues/{venue_id}/stamp.png?v={}", stamp_version(k)))
}

fn not_found_venue() -> AppError {
    AppError::NotFound("未找到该打卡点".to_owned())
}

fn not_found_route() -> AppError {
    AppError::NotFound("未找到该线路".to_owned())
}

/// The start of the Beijing day holding `at`.
fn day_start(at: DateTime<Utc>) -> DateTime<Utc> {
    let day = domain::campaign::beijing_date(at);
    day.and_hms_opt(0, 0, 0)
        .map_or(at, |t| t.and_utc() - Duration::hours(8))
}

impl App {
    /// The routes of the division at `path`, counted (routes whose own area lies there).
    pub(crate) async fn route_counts(&self, path: &RegionPath) -> Result<RouteCounts, AppError> {
        let area = area_condition(
            path,
            route::Column::ProvinceCode,
            route::Column::CityCode,
            route::Column::CountyCode,
        );
        let (published, checkins, visitors, completions) =
            store::routes::area_counts(&self.db, area.clone()).await?;
        let pending = store::routes::pending_counts(&self.db, area).await?;
        // Names are read only when something waits.
        let (by_route, by_venue) = if pending.is_empty() {
            (Vec::new(), Vec::new())
        } else {
            let routes: Vec<i64> = pending.iter().map(|(r, _, _)| *r).collect();
            let venues: Vec<i64> = pending.iter().map(|(_, v, _)| *v).collect();
            (
                pending_list(
                    pending.iter().map(|(r, _, n)| (*r, *n)),
                    store::routes::route_names(&self.db, routes).await?,
                ),
                pending_list(
                    pending.iter().map(|(_, v, n)| (*v, *n)),
                    store::routes::venue_names(&self.db, venues).await?,
                ),
            )
        };
        Ok(RouteCounts {
            published,
            checkins,
            visitors,
            completions,
            pending: by_route.iter().map(|p| p.pending).sum(),
            pending_by_route: by_route,
            pending_by_venue: by_venue,
        })
    }

    /// The 打卡点 of published routes for the science map, where they are: within `km` of
    /// `point` when given (at most `limit`), each with a route that holds it.
    pub async fn mapped_venues(
        &self,
        around: Option<((f64, f64), f64)>,
        limit: u64,
    ) -> Result<Vec<MappedVenue>, AppError> {
        let bounds = around.map(|(point, km)| crate::public::Near { point, km }.bounds());
        let rows = store::routes::mapped_venues(&self.db, bounds, limit).await?;
        Ok(rows
            .into_iter()
            .filter(|(v, _)| {
                around
                    .is_none_or(|(point, km)| domain::geo::distance_km(point, (v.lon, v.lat)) <= km)
            })
            .map(|(v, route_id)| MappedVenue {
                id: v.id,
                name: v.name,
                point: (v.lon, v.lat),
                route_id,
            })
            .collect())
    }

    /// Deletes the check-in attempts older than `[checkin] attempts_kept_days` (the log of
    /// addresses, user agents and positions that the refused-code limit and abuse reviews
    /// read). Runs with the background jobs once a day; answers how many went.
    pub async fn purge_checkin_attempts(&self) -> Result<u64, AppError> {
        let before = self.clock.now()
            - chrono::Duration::days(self.config.checkin.attempts_kept_days.max(1));
        Ok(store::routes::purge_attempts_before(&self.db, before).await?)
    }

    fn display_url(&self, id: i64, key: &str) -> String {
        format!("/venues/{id}/display?key={key}")
    }

    /// New keys for a venue: the secret (base32) and the display key, with the hash stored.
    fn new_keys(
        &self,
        id: i64,
        name: &str,
        code: CodeRule,
    ) -> Result<(VenueKeys, String, String), AppError> {
        let mut secret = [0u8; totp::SECRET_BYTES];
        getrandom::fill(&mut secret).map_err(|e| AppError::internal(format!("OS RNG: {e}")))?;
        let key = random_hex(16)?;
        let hash = sha256_hex(&key);
        let encoded = totp::base32(&secret);
        let keys = VenueKeys {
            otpauth_uri: totp::otpauth_uri(
                &format!("{name}（{id}）"),
                "全国科普日",
                &secret,
                u32::try_from(code.period_s).unwrap_or(30),
                u32::try_from(code.digits).unwrap_or(6),
            ),
            code_secret: encoded.clone(),
            display_url: self.display_url(id, &key),
        };
        Ok((keys, encoded, hash))
    }

    /// Checks a venue's division (a county's or a city's, existing) into `errors`; its
    /// path when good.
    async fn venue_division(
        &self,
        code: Option<&str>,
        errors: &mut FieldErrors,
    ) -> Option<RegionPath> {
        let code = code?;
        let Ok(code) = domain::region::parse_code(code) else {
            return None;
        };
        match locate(&self.db, &code).await {
            Ok(Some(found))
                if matches!(found.level, Some(RegionLevel::County | RegionLevel::City)) =>
            {
                Some(found.path)
            }
            Ok(Some(_)) => {
                errors.add("region_code", rules::VENUE_REGION_LEVEL);
                None
            }
            Ok(None) => {
                errors.add("region_code", "所选地区不存在");
                None
            }
            Err(e) => {
                tracing::error!(error = %e, "region lookup failed");
                errors.add("region_code", "暂时无法核对地区，请稍后再试");
                None
            }
        }
    }

    async fn check_org(
        &self,
        org_id: Option<i64>,
        errors: &mut FieldErrors,
    ) -> Result<(), AppError> {
        if let Some(id) = org_id
            && store::orgs::find(&self.db, id).await?.is_none()
        {
            errors.add("org_id", "所选运营单位不存在");
        }
        Ok(())
    }

    async fn venue_view(&self, v: venue::Model) -> Result<VenueView, AppError> {
        let routes = store::routes::published_routes_of_venue(&self.db, v.id)
            .await?
            .into_iter()
            .map(|(id, name)| RouteRef { id, name })
            .collect();
        let geofence = geofence_of(&v);
        Ok(VenueView {
            id: v.id,
            name: v.name,
            address: v.address,
            region_code: v.region_code,
            lon: v.lon,
            lat: v.lat,
            org_id: v.org_id,
            venue_type: v.venue_type,
            opening_hours: v.opening_hours,
            geofence,
            code: CodeRule {
                period_s: v.period_s,
                digits: v.digits,
                grace_steps: v.grace_steps,
            },
            routes,
            stamp_image: stamp_image_url(v.id, v.stamp_image.as_deref()),
            version: v.version,
        })
    }

    /// Where a stamp image is being received: checked for scope before the first byte.
    pub async fn begin_stamp_upload(&self, actor: &Actor, id: i64) -> Result<StampSlot, AppError> {
        self.stamp_venue(actor, id).await?;
        let tmp = self.config.data_dir.join("incoming");
        tokio::fs::create_dir_all(&tmp)
            .await
            .map_err(AppError::internal)?;
        Ok(StampSlot {
            venue_id: id,
            temp_path: tmp.join(crate::random_hex(16)?),
            max_bytes: self.config.checkin.stamp_image_max_bytes,
        })
    }

    /// `POST /api/v1/venues/{id}/stamp-image`: checks the streamed image by its content (a
    /// PNG, decoded, square, within the sizes), stores it and shows it in the passports in
    /// place of the drawn seal. The temporary file is removed whatever happens.
    pub async fn finish_stamp_upload(
        &self,
        actor: &Actor,
        slot: StampSlot,
    ) -> Result<VenueView, AppError> {
        let result = self.store_stamp_image(actor, &slot).await;
        tokio::fs::remove_file(&slot.temp_path).await.ok();
        result
    }

    async fn store_stamp_image(
        &self,
        actor: &Actor,
        slot: &StampSlot,
    ) -> Result<VenueView, AppError> {
        let limits = &self.config.checkin;
        let path = slot.temp_path.clone();
        let mut head = [0u8; 8];
        let n = {
            use std::io::Read;
            std::fs::File::open(&path)
                .and_then(|mut f| f.read(&mut head))
                .map_err(AppError::internal)?
        };
        if n == 0 {
            return Err(AppError::invalid_field("file", "请选择要上传的印章图片"));
        }
        if head.get(..n) != Some(b"\x89PNG\r\n\x1a\n".as_slice()) {
            return Err(AppError::Unsupported(
                "印章图片须为 PNG 格式（按文件内容识别）".to_owned(),
            ));
        }
        let decode_mib = self.config.media.decode_max_mib;
        let found = {
            let _turn = self.decodes.acquire().await.map_err(AppError::internal)?;
            tokio::task::spawn_blocking(move || {
                crate::resources::inspect_resource(&path, decode_mib)
            })
            .await
            .map_err(AppError::internal)??
        };
        let side = |v: Option<i32>| u32::try_from(v.unwrap_or(0)).unwrap_or(0);
        rules::check_stamp_image(
            side(found.width),
            side(found.height),
            limits.stamp_image_min_px,
            limits.stamp_image_max_px,
        )
        .map_err(|m| AppError::invalid_field("file", m))?;
        let key = format!(
            "venues/{}/stamp-{}.png",
            slot.venue_id,
            crate::random_hex(8)?
        );
        self.files.put_file(&key, &slot.temp_path).await?;
        let replaced = self
            .set_stamp_image(actor, slot.venue_id, Some(key.clone()))
            .await;
        match replaced {
            Ok(view) => Ok(view),
            Err(e) => {
                self.files.delete(&key).await.ok();
                Err(e)
            }
        }
    }

    /// `DELETE /api/v1/venues/{id}/stamp-image`: back to the drawn seal.
    pub async fn remove_stamp_image(&self, actor: &Actor, id: i64) -> Result<VenueView, AppError> {
        self.stamp_venue(actor, id).await?;
        self.set_stamp_image(actor, id, None).await
    }

    async fn set_stamp_image(
        &self,
        actor: &Actor,
        id: i64,
        key: Option<String>,
    ) -> Result<VenueView, AppError> {
        let now = self.clock.now();
        let txn = self.db.begin().await?;
        let Some(before) =
            store::routes::set_stamp_image(&txn, id, venue_scope(actor), key.clone(), now).await?
        else {
            return Err(not_found_venue());
        };
        let v = store::routes::venue(&txn, id)
            .await?
            .ok_or_else(not_found_venue)?;
        crate::audit::record(
            &txn,
            now,
            Some(actor),
            crate::audit::Event::ok(
                if key.is_some() {
                    "venue.stamp_image"
                } else {
                    "venue.stamp_image_removed"
                },
                "venue",
                id,
                &v.area(),
                serde_json::json!({}),
            ),
        )
        .await?;
        txn.commit().await?;
        if let Some(old) = before {
            // The old image is no longer shown; a failure here leaves an orphan, not a fault.
            if let Err(e) = self.files.delete(&old).await {
                tracing::warn!(error = %e, "old stamp image not removed");
            }
        }
        self.venue_view(v).await
    }

    /// The venue an administrator of its area may give a stamp image to.
    async fn stamp_venue(&self, actor: &Actor, id: i64) -> Result<venue::Model, AppError> {
        match store::routes::venue_within(&self.db, id, venue_scope(actor)).await? {
            Some(v) => Ok(v),
            None => Err(match store::routes::venue(&self.db, id).await? {
                Some(_) => {
                    AppError::Forbidden("只有本辖区管理员可以设置打卡点的印章图片".to_owned())
                }
                None => not_found_venue(),
            }),
        }
    }

    /// A venue's stamp image to send: (stored key, ETag), when it has one.
    pub async fn stamp_image(&self, id: i64) -> Result<(String, String), AppError> {
        let key = store::routes::venue(&self.db, id)
            .await?
            .and_then(|v| v.stamp_image)
            .ok_or_else(|| AppError::NotFound("该打卡点没有上传印章图片".to_owned()))?;
        let etag = format!("\"{}\"", stamp_version(&key));
        Ok((key, etag))
    }

    /// `POST /api/v1/venues`: an administrator adds a venue in their area; its keys are
    /// answered this once.
    pub async fn create_venue(
        &self,
        actor: &Actor,
        input: VenueInput,
    ) -> Result<VenueCreated, AppError> {
        if !actor.is_admin() {
            return Err(AppError::Forbidden("只有管理员可以创建打卡点".to_owned()));
        }
        let mut errors = FieldErrors::new();
        let path = self
            .venue_division(input.region_code.as_deref(), &mut errors)
            .await;
        self.check_org(input.org_id.flatten(), &mut errors).await?;
        let settings = input.apply(None, &mut errors);
        let (Some(settings), Some(path)) = (settings, path) else {
            return Err(AppError::invalid(errors));
        };
        if !errors.is_empty() {
            return Err(AppError::invalid(errors));
        }
        if !actor.governs(&path) {
            return Err(AppError::Forbidden("只能在本辖区内创建打卡点".to_owned()));
        }
        let now = self.clock.now();
        let txn = self.db.begin().await?;
        let row = store::routes::insert_venue(
            &txn,
            venue_columns(&settings, &path),
            String::new(),
            String::new(),
            actor.user_id,
            now,
        )
        .await?;
        let (keys, secret, hash) = self.new_keys(row.id, &row.name, settings.code)?;
        store::routes::set_venue_secret(&txn, row.id, Condition::all(), secret, hash, now).await?;
        crate::audit::record(
            &txn,
            now,
            Some(actor),
            crate::audit::Event::ok(
                "venue.create",
                "venue",
                row.id,
                &path,
                serde_json::json!({"name": row.name, "region_code": row.region_code}),
            ),
        )
        .await?;
        txn.commit().await?;
        Ok(VenueCreated {
            venue: self.venue_view(row).await?,
            keys,
        })
    }

    /// `GET /api/v1/venues/{id}`: anyone.
    pub async fn venue(&self, id: i64) -> Result<VenueView, AppError> {
        let v = store::routes::venue(&self.db, id)
            .await?
            .ok_or_else(not_found_venue)?;
        self.venue_view(v).await
    }

    /// `PATCH /api/v1/venues/{id}`: an administrator of its area, at the version seen.
    pub async fn update_venue(
        &self,
        actor: &Actor,
        id: i64,
        version: i64,
        input: VenueInput,
    ) -> Result<VenueView, AppError> {
        let scope = venue_scope(actor);
        let Some(old) = store::routes::venue_within(&self.db, id, scope.clone()).await? else {
            return Err(match store::routes::venue(&self.db, id).await? {
                Some(_) => AppError::Forbidden("只能修改本辖区内的打卡点".to_owned()),
                None => not_found_venue(),
            });
        };
        let mut errors = FieldErrors::new();
        let path = match input.region_code.as_deref() {
            Some(code) => self.venue_division(Some(code), &mut errors).await,
            None => Some(old.area()),
        };
        self.check_org(input.org_id.flatten(), &mut errors).await?;
        let base = settings_of_venue(&old);
        let settings = input.apply(Some(&base), &mut errors);
        let (Some(settings), Some(path)) = (settings, path) else {
            return Err(AppError::invalid(errors));
        };
        if !errors.is_empty() {
            return Err(AppError::invalid(errors));
        }
        if !actor.governs(&path) {
            return Err(AppError::Forbidden("只能把打卡点设在本辖区内".to_owned()));
        }
        let now = self.clock.now();
        let txn = self.db.begin().await?;
        let columns = venue_columns(&settings, &path);
        if !store::routes::update_venue_at_version(&txn, id, version, scope, columns, now).await? {
            return Err(AppError::conflict(
                "打卡点已被他人修改（版本已变），请刷新后重试",
            ));
        }
        crate::audit::record(
            &txn,
            now,
            Some(actor),
            crate::audit::Event::ok(
                "venue.update",
                "venue",
                id,
                &path,
                serde_json::json!({"version": [version, version + 1], "name": settings.name}),
            ),
        )
        .await?;
        txn.commit().await?;
        self.venue(id).await
    }

    /// `POST /api/v1/venues/{id}/code-secret`: an administrator of the venue's area or a
    /// member of its organisation replaces the secret and the display key; the old ones stop
    /// working at once.
    pub async fn rotate_venue_secret(&self, actor: &Actor, id: i64) -> Result<VenueKeys, AppError> {
        let orgs: Vec<i64> = store::orgs::of_member(&self.db, actor.user_id)
            .await?
            .into_iter()
            .map(|o| o.id)
            .collect();
        let allowed = Condition::any()
            .add(venue_scope(actor))
            .add(venue::Column::OrgId.is_in(orgs));
        let Some(v) = store::routes::venue_within(&self.db, id, allowed.clone()).await? else {
            return Err(match store::routes::venue(&self.db, id).await? {
                Some(_) => AppError::Forbidden(
                    "只有本辖区管理员或打卡点运营单位的成员可以更换打卡码密钥".to_owned(),
                ),
                None => not_found_venue(),
            });
        };
        let code = settings_of_venue(&v).code;
        let (keys, secret, hash) = self.new_keys(v.id, &v.name, code)?;
        let now = self.clock.now();
        let txn = self.db.begin().await?;
        if !store::routes::set_venue_secret(&txn, id, allowed, secret, hash, now).await? {
            return Err(not_found_venue());
        }
        crate::audit::record(
            &txn,
            now,
            Some(actor),
            crate::audit::Event::ok(
                "venue.rotate",
                "venue",
                id,
                &v.area(),
                serde_json::json!({}),
            ),
        )
        .await?;
        txn.commit().await?;
        Ok(keys)
    }

    /// `GET /api/v1/venues/{id}/code?key=`: the code the venue's screen shows now; 404 with a
    /// wrong key.
    pub async fn venue_code(&self, id: i64, key: &str) -> Result<CodeView, AppError> {
        let v = store::routes::venue(&self.db, id)
            .await?
            .filter(|v| same_secret(&v.display_key_hash, &sha256_hex(key)))
            .ok_or_else(|| AppError::NotFound("打卡点不存在或显示地址已失效".to_owned()))?;
        let secret =
            totp::from_base32(&v.secret).ok_or_else(|| AppError::internal("venue secret"))?;
        let period = u32::try_from(v.period_s).unwrap_or(30);
        let digits = u32::try_from(v.digits).unwrap_or(6);
        let now = self.clock.now().timestamp();
        let step = totp::step_at(now, period);
        let code = totp::code(&secret, step, digits);
        let step = i64::try_from(step).unwrap_or(i64::MAX);
        let valid_until = DateTime::from_timestamp((step + 1) * v.period_s, 0).unwrap_or_default();
        let routes = store::routes::published_routes_of_venue(&self.db, v.id)
            .await?
            .into_iter()
            .map(|(id, name)| RouteRef { id, name })
            .collect();
        Ok(CodeView {
            checkin_url: format!("{}/checkin?v={}&c={code}", self.config.site_url(), v.id),
            code,
            step,
            period_s: v.period_s,
            valid_until,
            venue_name: v.name,
            routes,
        })
    }

    /// The defaults of a new route in `campaign_id` (or the current campaign) over the
    /// division `region_code`.
    async fn route_defaults(
        &self,
        campaign_id: Option<i64>,
        region_code: Option<&str>,
    ) -> Result<RouteDefaults, AppError> {
        let campaign = match campaign_id {
            Some(id) => self
                .campaign(id)
                .await
                .map_err(|_| AppError::invalid_field("campaign_id", "所选活动季不存在"))?,
            None => self.current_campaign().await?,
        };
        let name = match region_code {
            Some(code) => self.region_name(code).await.unwrap_or_default(),
            None => String::new(),
        };
        Ok(RouteDefaults {
            campaign_id: campaign.id,
            from: campaign.rules.focus_from,
            to: campaign.rules.focus_to,
            issuer: rules::association_of(&name),
        })
    }

    /// Checks a route's division and its stops' venues into `errors`; the division's path.
    async fn route_places(
        &self,
        settings: &RouteSettings,
        errors: &mut FieldErrors,
    ) -> Result<Option<RegionPath>, AppError> {
        let Some(found) = locate(&self.db, &settings.region_code).await? else {
            errors.add("region_code", "所选地区不存在");
            return Ok(None);
        };
        let ids: Vec<i64> = settings.stops.iter().map(|s| s.venue_id).collect();
        let venues = store::routes::venues(&self.db, ids).await?;
        let paths: Vec<(Option<&str>, RegionPath)> = settings
            .stops
            .iter()
            .map(|s| {
                let v = venues.iter().find(|v| v.id == s.venue_id);
                (
                    v.map(|v| v.name.as_str()),
                    v.map(|v| v.area()).unwrap_or_default(),
                )
            })
            .collect();
        let places: Vec<StopPlace<'_>> = paths
            .iter()
            .map(|(name, path)| StopPlace { name: *name, path })
            .collect();
        if let Err(message) = rules::stops_within(&settings.region_code, found.level, &places) {
            errors.add("stops", message);
        }
        if let Some(activity) = settings.activity_id
            && store::activities::by_id(&self.db, activity)
                .await?
                .is_none()
        {
            errors.add("activity_id", "所选活动不存在");
        }
        Ok(Some(found.path))
    }

    /// `POST /api/v1/routes`: an administrator makes a draft route in their area.
    pub async fn create_route(
        &self,
        actor: &Actor,
        input: RouteInput,
    ) -> Result<RouteView, AppError> {
        if !actor.is_admin() {
            return Err(AppError::Forbidden("只有管理员可以创建线路".to_owned()));
        }
        let defaults = self
            .route_defaults(input.campaign_id, input.region_code.as_deref())
            .await?;
        let mut errors = FieldErrors::new();
        let Some(settings) = input.apply(None, &defaults, &mut errors) else {
            return Err(AppError::invalid(errors));
        };
        let path = self.route_places(&settings, &mut errors).await?;
        let Some(path) = path.filter(|_| errors.is_empty()) else {
            return Err(AppError::invalid(errors));
        };
        if !actor.governs(&path) {
            return Err(AppError::Forbidden("只能在本辖区内创建线路".to_owned()));
        }
        let now = self.clock.now();
        let txn = self.db.begin().await?;
        let stops = settings
            .stops
            .iter()
            .map(|s| (s.venue_id, s.note.clone()))
            .collect();
        let row = store::routes::insert_route(
            &txn,
            route_columns(&settings, &path),
            RouteStatus::Draft.as_str(),
            actor.user_id,
            now,
            stops,
        )
        .await?;
        crate::audit::record(
            &txn,
            now,
            Some(actor),
            crate::audit::Event::ok(
                "route.create",
                "route",
                row.id,
                &path,
                serde_json::json!({"name": row.name, "stops": settings.stops.len()}),
            ),
        )
        .await?;
        txn.commit().await?;
        self.route_view(row, Some(actor)).await
    }

    /// A route within the actor's area: 404 when there is none, 403 when it is elsewhere.
    async fn route_in_scope(
        &self,
        actor: &Actor,
        id: i64,
        refusal: &str,
    ) -> Result<route::Model, AppError> {
        match store::routes::route_within(&self.db, id, route_scope(actor)).await? {
            Some(r) => Ok(r),
            None => Err(match store::routes::route(&self.db, id).await? {
                Some(_) => AppError::Forbidden(refusal.to_owned()),
                None => not_found_route(),
            }),
        }
    }

    /// `PATCH /api/v1/routes/{id}`: stops, order and completion are frozen once published.
    pub async fn update_route(
        &self,
        actor: &Actor,
        id: i64,
        version: i64,
        input: RouteInput,
    ) -> Result<RouteView, AppError> {
        let old = self
            .route_in_scope(actor, id, "只能修改本辖区内的线路")
            .await?;
        if old.status != RouteStatus::Draft.as_str() && input.touches_stops() {
            return Err(AppError::conflict(
                "线路已发布，站点、顺序和完成条件不能再修改",
            ));
        }
        let stops = store::routes::stops(&self.db, id).await?;
        let base = settings_of_route(&old, &stops);
        let defaults = self
            .route_defaults(
                Some(input.campaign_id.unwrap_or(old.campaign_id)),
                input.region_code.as_deref().or(Some(&old.region_code)),
            )
            .await?;
        let stops_changed = input.stops.is_some();
        let mut errors = FieldErrors::new();
        let Some(settings) = input.apply(Some(&base), &defaults, &mut errors) else {
            return Err(AppError::invalid(errors));
        };
        let path = self.route_places(&settings, &mut errors).await?;
        let Some(path) = path.filter(|_| errors.is_empty()) else {
            return Err(AppError::invalid(errors));
        };
        if !actor.governs(&path) {
            return Err(AppError::Forbidden("只能把线路设在本辖区内".to_owned()));
        }
        let now = self.clock.now();
        let txn = self.db.begin().await?;
        let columns = Some(route_columns(&settings, &path));
        if !store::routes::update_route_at_version(
            &txn,
            id,
            version,
            route_scope(actor),
            columns,
            None,
            now,
        )
        .await?
        {
            return Err(AppError::conflict(
                "线路已被他人修改（版本已变），请刷新后重试",
            ));
        }
        if stops_changed {
            let stops = settings
                .stops
                .iter()
                .map(|s| (s.venue_id, s.note.clone()))
                .collect();
            store::routes::replace_stops(&txn, id, stops).await?;
        }
        crate::audit::record(
            &txn,
            now,
            Some(actor),
            crate::audit::Event::ok(
                "route.update",
                "route",
                id,
                &path,
                serde_json::json!({"version": [version, version + 1], "name": settings.name}),
            ),
        )
        .await?;
        txn.commit().await?;
        let row = store::routes::route(&self.db, id)
            .await?
            .ok_or_else(not_found_route)?;
        self.route_view(row, Some(actor)).await
    }

    /// `POST /api/v1/routes/{id}/publish` and `/close`: draft → published → closed.
    pub async fn move_route(
        &self,
        actor: &Actor,
        id: i64,
        to: RouteStatus,
    ) -> Result<RouteView, AppError> {
        let old = self
            .route_in_scope(actor, id, "只能发布或结束本辖区内的线路")
            .await?;
        let from = RouteStatus::parse(&old.status).unwrap_or(RouteStatus::Draft);
        let allowed = matches!(
            (from, to),
            (RouteStatus::Draft, RouteStatus::Published)
                | (RouteStatus::Published, RouteStatus::Closed)
        );
        if !allowed {
            return Err(AppError::conflict(format!(
                "线路当前为“{}”，不能改为“{}”",
                from.label(),
                to.label()
            )));
        }
        let now = self.clock.now();
        let txn = self.db.begin().await?;
        if !store::routes::update_route_at_version(
            &txn,
            id,
            old.version,
            route_scope(actor),
            None,
            Some(to.as_str()),
            now,
        )
        .await?
        {
            return Err(AppError::conflict("线路已被他人修改，请刷新后重试"));
        }
        crate::audit::record(
            &txn,
            now,
            Some(actor),
            crate::audit::Event::ok(
                "route.move",
                "route",
                id,
                &old.area(),
                serde_json::json!({"status": [from.as_str(), to.as_str()]}),
            ),
        )
        .await?;
        txn.commit().await?;
        let row = store::routes::route(&self.db, id)
            .await?
            .ok_or_else(not_found_route)?;
        self.route_view(row, Some(actor)).await
    }

    /// `GET /api/v1/routes/{id}`: anyone once published; administrators of its area always;
    /// a logged-in caller also sees their own stamps.
    pub async fn route(&self, caller: Option<&Actor>, id: i64) -> Result<RouteView, AppError> {
        let row = store::routes::route(&self.db, id)
            .await?
            .ok_or_else(not_found_route)?;
        if row.status == RouteStatus::Draft.as_str()
            && !caller.is_some_and(|a| a.governs(&row.area()))
        {
            return Err(not_found_route());
        }
        self.route_view(row, caller).await
    }

    async fn route_view(
        &self,
        row: route::Model,
        caller: Option<&Actor>,
    ) -> Result<RouteView, AppError> {
        let stops = store::routes::stops(&self.db, row.id).await?;
        let venues =
            store::routes::venues(&self.db, stops.iter().map(|s| s.venue_id).collect()).await?;
        let stop_views = stops
            .iter()
            .map(|s| {
                let v = venues.iter().find(|v| v.id == s.venue_id);
                StopView {
                    no: s.no,
                    venue_id: s.venue_id,
                    name: v.map(|v| v.name.clone()).unwrap_or_default(),
                    address: v.map(|v| v.address.clone()).unwrap_or_default(),
                    lon: v.map_or(0.0, |v| v.lon),
                    lat: v.map_or(0.0, |v| v.lat),
                    opening_hours: v.map(|v| v.opening_hours.clone()).unwrap_or_default(),
                    note: s.note.clone(),
                }
            })
            .collect();
        let me = match caller {
            Some(actor) => {
                let held =
                    store::routes::held_stamps(&self.db, actor.user_id, vec![row.id]).await?;
                let pairs: Vec<(i64, StampState)> =
                    held.iter().map(|s| (s.no, state_of(&s.state))).collect();
                let p = rules::progress(&stops_at(&stops), row.complete_at, &pairs);
                let certificate = store::routes::certificate_of(&self.db, row.id, actor.user_id)
                    .await?
                    .map(|c| c.serial);
                Some(MyProgress {
                    stamps: held
                        .iter()
                        .map(|s| MyStamp {
                            no: s.no,
                            venue_id: s.venue_id,
                            at: s.at,
                            state: state_of(&s.state),
                        })
                        .collect(),
                    counted: p.counted,
                    required: p.required,
                    completed: p.completed,
                    certificate,
                })
            }
            None => None,
        };
        let stats = RouteStats {
            visitors: store::routes::route_visitors(&self.db, row.id).await?,
            completions: store::routes::route_completions(&self.db, row.id).await?,
        };
        let settings = settings_of_route(&row, &stops);
        let manageable = caller.is_some_and(|a| a.governs(&row.area()));
        Ok(RouteView {
            manageable,
            id: row.id,
            name: row.name,
            theme: row.theme,
            description: row.description,
            region_code: row.region_code,
            campaign_id: row.campaign_id,
            activity_id: row.activity_id,
            from: settings.from,
            to: settings.to,
            sequential: row.sequential,
            complete_at: row.complete_at,
            issuer: row.issuer,
            anti_abuse: settings.anti_abuse,
            status: RouteStatus::parse(&row.status).unwrap_or(RouteStatus::Draft),
            stops: stop_views,
            stats,
            version: row.version,
            me,
        })
    }

    /// `GET /api/v1/routes`: published routes whose area, or any stop, lies in `region`.
    pub async fn routes(
        &self,
        caller: Option<&Actor>,
        query: RouteQuery,
    ) -> Result<Paged<RouteView>, AppError> {
        let page = Page::parse(query.page, query.per_page)?;
        let mut filter =
            Condition::all().add(route::Column::Status.eq(RouteStatus::Published.as_str()));
        if let Some(code) = query.region.as_deref() {
            let code = domain::region::parse_code(code).map_err(AppError::Malformed)?;
            let found = locate(&self.db, &code)
                .await?
                .ok_or_else(|| AppError::NotFound("未找到该区划".to_owned()))?;
            let own = area_condition(
                &found.path,
                route::Column::ProvinceCode,
                route::Column::CityCode,
                route::Column::CountyCode,
            );
            let stops = store::routes::with_a_stop_within(area_condition(
                &found.path,
                venue::Column::ProvinceCode,
                venue::Column::CityCode,
                venue::Column::CountyCode,
            ));
            filter = filter.add(Condition::any().add(own).add(stops));
        }
        if let Some(q) = query.q.as_deref() {
            let q = q.trim();
            if q.chars().count() > 50 {
                return Err(AppError::Malformed("搜索词不能超过50个字".to_owned()));
            }
            filter = filter.add(
                Condition::any()
                    .add(route::Column::Name.contains(q))
                    .add(route::Column::Theme.contains(q)),
            );
        }
        let (rows, total) =
            store::routes::page_of_routes(&self.db, filter, page.offset(), page.per_page).await?;
        let mut items = Vec::with_capacity(rows.len());
        for row in rows {
            items.push(self.route_view(row, caller).await?);
        }
        Ok(Paged {
            items,
            total,
            page: page.page,
            per_page: page.per_page,
        })
    }

    /// Logs an attempt; a failure to log is itself logged and does not change the answer.
    async fn log_attempt(
        &self,
        user_id: i64,
        venue_id: Option<i64>,
        outcome: &str,
        fix: Option<Fix>,
    ) {
        let origin = crate::audit::origin();
        let attempt = store::routes::Attempt {
            at: self.clock.now(),
            user_id,
            venue_id,
            outcome: outcome.to_owned(),
            ip: origin.ip.unwrap_or_default(),
            user_agent: origin.user_agent.unwrap_or_default(),
            fix: fix.map(|f| (f.point.0, f.point.1, f.accuracy_m)),
        };
        if let Err(e) = store::routes::log_attempt(self.db.writer(), attempt).await {
            tracing::error!(error = %e, "check-in attempt not logged");
        }
    }

    async fn refuse_checkin(
        &self,
        user_id: i64,
        venue_id: Option<i64>,
        fix: Option<Fix>,
        refusal: Refusal,
    ) -> AppError {
        self.log_attempt(user_id, venue_id, refusal.code(), fix)
            .await;
        AppError::Refused {
            code: refusal.code(),
            field: refusal.field(),
            message: refusal.message(),
        }
    }

    /// `POST /api/v1/checkins`: a logged-in visitor checks in at a venue with the code its
    /// screen shows. 201 with the new stamps; 200 with nothing recorded when nothing is new.
    pub async fn check_in(
        &self,
        actor: &Actor,
        input: CheckinInput,
    ) -> Result<(bool, CheckinView), AppError> {
        let now = self.clock.now();
        let user = actor.user_id;
        let fix = match (input.lon, input.lat) {
            (Some(lon), Some(lat))
                if lon.is_finite()
                    && lat.is_finite()
                    && (-180.0..=180.0).contains(&lon)
                    && (-90.0..=90.0).contains(&lat) =>
            {
                Some(Fix {
                    point: (lon, lat),
                    accuracy_m: input.accuracy_m.filter(|a| a.is_finite() && *a >= 0.0),
                })
            }
            (None, None) => None,
            _ => {
                return Err(AppError::invalid_field(
                    "location",
                    "位置须同时包含有效的经度和纬度",
                ));
            }
        };
        let limits = &self.config.checkin;
        let window = Duration::seconds(limits.refused_window_secs.max(1));
        let today = domain::campaign::beijing_date(now)
            .format("%Y-%m-%d")
            .to_string();
        let (visitor, venue, routes) = store::routes::checkin_context(
            &self.db,
            user,
            input.venue_id,
            &today,
            now - window,
            day_start(now),
        )
        .await?;
        if visitor.refused >= u64::try_from(limits.refused_codes.max(1)).unwrap_or(u64::MAX) {
            self.log_attempt(user, Some(input.venue_id), "rate_limited", fix)
                .await;
            let oldest = visitor.oldest_refused.unwrap_or(now);
            let retry_after = (oldest + window - now).num_seconds().max(1);
            return Err(AppError::TooMany {
                message: format!(
                    "打卡码错误次数过多，请{}分钟后再试",
                    (retry_after + 59) / 60
                ),
                retry_after,
            });
        }
        let Some(v) = venue else {
            self.log_attempt(user, None, "not_found", fix).await;
            return Err(not_found_venue());
        };
        let secret =
            totp::from_base32(&v.secret).ok_or_else(|| AppError::internal("venue secret"))?;
        match totp::verify(
            &secret,
            now.timestamp(),
            u32::try_from(v.period_s).unwrap_or(30),
            u32::try_from(v.digits).unwrap_or(6),
            u32::try_from(v.grace_steps).unwrap_or(1),
            &input.code,
        ) {
            totp::Verdict::Accepted { .. } => {}
            totp::Verdict::Expired => {
                return Err(self
                    .refuse_checkin(user, Some(v.id), fix, Refusal::CodeExpired)
                    .await);
            }
            totp::Verdict::Invalid => {
                return Err(self
                    .refuse_checkin(user, Some(v.id), fix, Refusal::CodeInvalid)
                    .await);
            }
        }
        let here = (v.lon, v.lat);
        let mut flags = Vec::new();
        match rules::geofence(geofence_of(&v), here, fix) {
            Ok(flag) => flags.extend(flag),
            Err(refusal) => return Err(self.refuse_checkin(user, Some(v.id), fix, refusal).await),
        }
        if routes.is_empty() {
            return Err(self
                .refuse_checkin(user, Some(v.id), fix, Refusal::NoActiveRoute)
                .await);
        }
        let cap = routes
            .iter()
            .map(|r| r.max_checkins_per_day)
            .min()
            .unwrap_or(30);
        if visitor.today >= u64::try_from(cap.max(1)).unwrap_or(u64::MAX) {
            self.log_attempt(user, Some(v.id), "daily_limit", fix).await;
            let tomorrow = day_start(now) + Duration::days(1);
            return Err(AppError::TooMany {
                message: format!("今日打卡次数已达上限（{cap}次），请明天再来"),
                retry_after: (tomorrow - now).num_seconds().max(1),
            });
        }
        let speed = routes.iter().filter_map(|r| r.max_speed_kmh).min();
        let previous = visitor.last.map(|(at, point)| (point, at));
        if rules::impossible_travel(previous, here, now, speed) {
            flags.push(Flag::ImpossibleTravel);
        }
        let state = if flags.is_empty() {
            StampState::Counted
        } else {
            StampState::Pending
        };
        // Two scans at once: the second insert meets the unique stamp and is read again.
        for _ in 0..2 {
            let route_ids: Vec<i64> = routes.iter().map(|r| r.id).collect();
            let all_stops = store::routes::stops_held(&self.db, user, &route_ids).await?;
            let mut earned = Vec::new();
            let mut skipped = Vec::new();
            for r in &routes {
                let stops: Vec<StopAt> = all_stops
                    .iter()
                    .filter(|s| s.route_id == r.id)
                    .map(|s| StopAt {
                        no: s.no,
                        venue_id: s.venue_id,
                    })
                    .collect();
                let holding: BTreeSet<i64> = all_stops
                    .iter()
                    .filter(|s| s.route_id == r.id && s.held.is_some())
                    .map(|s| s.no)
                    .collect();
                match rules::plan(&stops, r.sequential, &holding, v.id) {
                    Some(Outcome::Stamp { no }) => earned.push(StampEarned {
                        route_id: r.id,
                        no,
                        state,
                    }),
                    Some(Outcome::Skip {
                        no,
                        reason,
                        next_no,
                    }) => skipped.push(Skipped {
                        route_id: r.id,
                        no,
                        reason,
                        next_no,
                    }),
                    None => {}
                }
            }
            if earned.is_empty() {
                self.log_attempt(user, Some(v.id), "nothing_new", fix).await;
                return Ok((
                    false,
                    CheckinView {
                        id: None,
                        venue_id: v.id,
                        at: now,
                        flags: Vec::new(),
                        stamps: Vec::new(),
                        skipped,
                    },
                ));
            }
            let origin = crate::audit::origin();
            let txn = self.db.begin().await?;
            let recorded = store::routes::record_stamped(
                &txn,
                store::routes::NewCheckin {
                    user_id: user,
                    venue_id: v.id,
                    at: now,
                    flags: flags
                        .iter()
                        .map(|f| f.as_str())
                        .collect::<Vec<_>>()
                        .join(","),
                    state: state.as_str().to_owned(),
                    fix: fix.map(|f| (f.point.0, f.point.1, f.accuracy_m)),
                    stamps: earned.iter().map(|s| (s.route_id, s.no)).collect(),
                },
                origin.ip.unwrap_or_default(),
                origin.user_agent.unwrap_or_default(),
            )
            .await;
            let id = match recorded {
                Ok(id) => id,
                Err(e) if store::is_unique_violation(&e) => continue,
                Err(e) => return Err(e.into()),
            };
            txn.commit().await?;
            return Ok((
                true,
                CheckinView {
                    id: Some(id),
                    venue_id: v.id,
                    at: now,
                    flags,
                    stamps: earned,
                    skipped,
                },
            ));
        }
        Err(AppError::conflict("打卡正在处理中，请稍后刷新查看"))
    }

    /// `GET /api/v1/me/stamps`: every route the visitor has stamps or a certificate on.
    pub async fn my_stamps(&self, actor: &Actor) -> Result<Vec<PassportRoute>, AppError> {
        let stamps = store::routes::stamps_of_user(&self.db, actor.user_id).await?;
        let certificates = store::routes::certificates_of_user(&self.db, actor.user_id).await?;
        let mut route_ids: Vec<i64> = stamps.iter().map(|s| s.route_id).collect();
        route_ids.extend(certificates.iter().map(|c| c.route_id));
        route_ids.sort_unstable();
        route_ids.dedup();
        let all_stops = store::routes::stops_of(&self.db, route_ids.clone()).await?;
        let venues =
            store::routes::venues(&self.db, all_stops.iter().map(|s| s.venue_id).collect()).await?;
        let venue_name = |id: i64| {
            venues
                .iter()
                .find(|v| v.id == id)
                .map(|v| v.name.clone())
                .unwrap_or_default()
        };
        let mut out = Vec::new();
        for id in route_ids.into_iter().rev() {
            let Some(r) = store::routes::route(&self.db, id).await? else {
                continue;
            };
            let stops: Vec<route_stop::Model> = all_stops
                .iter()
                .filter(|s| s.route_id == id)
                .cloned()
                .collect();
            let mine: Vec<&stamp::Model> = stamps.iter().filter(|s| s.route_id == id).collect();
            // A rejected stop earned again shows the new stamp only.
            let shown: Vec<&stamp::Model> = mine
                .iter()
                .copied()
                .filter(|s| {
                    s.state != StampState::Rejected.as_str()
                        || !mine
                            .iter()
                            .any(|o| o.no == s.no && o.state != StampState::Rejected.as_str())
                })
                .collect();
            let pairs: Vec<(i64, StampState)> =
                shown.iter().map(|s| (s.no, state_of(&s.state))).collect();
            let p = rules::progress(&stops_at(&stops), r.complete_at, &pairs);
            let missing = p
                .missing
                .iter()
                .map(|no| {
                    let name = stops
                        .iter()
                        .find(|s| s.no == *no)
                        .map(|s| venue_name(s.venue_id))
                        .unwrap_or_default();
                    format!("第{no}站 {name}")
                })
                .collect();
            out.push(PassportRoute {
                route_id: id,
                name: r.name,
                stamps: shown
                    .iter()
                    .map(|s| PassportStamp {
                        no: s.no,
                        venue_name: venue_name(s.venue_id),
                        at: s.at,
                        state: state_of(&s.state),
                        stamp_image: venues
                            .iter()
                            .find(|v| v.id == s.venue_id)
                            .and_then(|v| stamp_image_url(v.id, v.stamp_image.as_deref())),
                    })
                    .collect(),
                missing,
                counted: p.counted,
                required: p.required,
                completed: p.completed,
                certificate: certificates
                    .iter()
                    .find(|c| c.route_id == id)
                    .map(|c| c.serial.clone()),
            });
        }
        Ok(out)
    }

    /// `GET /api/v1/routes/{id}/checkins`: the check-ins that stamped a route, for the
    /// administrators of its area; visitors' phones masked.
    pub async fn route_checkins(
        &self,
        actor: &Actor,
        id: i64,
        query: CheckinQuery,
    ) -> Result<Paged<CheckinRowView>, AppError> {
        let page = Page::parse(query.page, query.per_page)?;
        self.route_in_scope(actor, id, "只能查看本辖区内线路的打卡记录")
            .await?;
        let (rows, total) = store::routes::checkins_of_route(
            &self.db,
            id,
            query.flagged.unwrap_or(false),
            page.offset(),
            page.per_page,
        )
        .await?;
        let venues =
            store::routes::venues(&self.db, rows.iter().map(|r| r.checkin.venue_id).collect())
                .await?;
        let items = rows
            .into_iter()
            .map(|r| CheckinRowView {
                id: r.checkin.id,
                venue_id: r.checkin.venue_id,
                venue_name: venues
                    .iter()
                    .find(|v| v.id == r.checkin.venue_id)
                    .map(|v| v.name.clone())
                    .unwrap_or_default(),
                at: r.checkin.at,
                flags: flags_of(&r.checkin.flags),
                state: state_of(&r.stamp_state),
                visitor: domain::phone::mask(&r.phone),
                review_reason: r.checkin.review_reason.clone(),
            })
            .collect();
        Ok(Paged {
            items,
            total,
            page: page.page,
            per_page: page.per_page,
        })
    }

    /// `GET /api/v1/routes/{id}/checkins.xlsx`: every check-in that stamped the route, for
    /// the administrators of its area, the visitors' phones masked.
    pub async fn route_checkins_xlsx(&self, actor: &Actor, id: i64) -> Result<Vec<u8>, AppError> {
        let route = self
            .route_in_scope(actor, id, "只能导出本辖区内线路的打卡记录")
            .await?;
        let mut rows = Vec::new();
        let mut page = 1;
        loop {
            let listed = self
                .route_checkins(
                    actor,
                    id,
                    CheckinQuery {
                        flagged: Some(false),
                        page: Some(page),
                        per_page: Some(100),
                    },
                )
                .await?;
            let done = listed.items.len() < 100;
            for c in listed.items {
                rows.push(vec![
                    c.at.with_timezone(&domain::campaign::BEIJING)
                        .format("%Y-%m-%d %H:%M:%S")
                        .to_string(),
                    c.venue_name,
                    c.visitor,
                    c.flags
                        .iter()
                        .map(|f| f.label())
                        .collect::<Vec<_>>()
                        .join("、"),
                    c.state.label().to_owned(),
                    c.review_reason.unwrap_or_default(),
                ]);
            }
            if done {
                break;
            }
            page += 1;
        }
        self.record_alone(
            Some(actor),
            crate::audit::Event::ok(
                "export.route_checkins",
                "route",
                id,
                &route.area(),
                serde_json::json!({"rows": rows.len()}),
            ),
        )
        .await?;
        crate::exports::simple_sheet(
            "打卡记录",
            &[
                "打卡时间",
                "打卡点",
                "游客（已遮蔽）",
                "标记",
                "状态",
                "审核理由",
            ],
            &rows,
        )
    }

    /// `POST /api/v1/checkins/{id}/review`: an administrator of the area of a route it
    /// stamped accepts a flagged check-in (its stamps count) or rejects it with a reason (its
    /// stamps are gone; the stops can be earned again).
    pub async fn review_checkin(
        &self,
        actor: &Actor,
        id: i64,
        input: CheckinDecision,
    ) -> Result<CheckinReviewed, AppError> {
        let not_found = || AppError::NotFound("未找到该打卡记录".to_owned());
        let c = store::routes::checkin(&self.db, id)
            .await?
            .ok_or_else(not_found)?;
        let stamps = store::routes::stamps_of_checkin(&self.db, id).await?;
        let route_ids: Vec<i64> = stamps.iter().map(|s| s.route_id).collect();
        let governed =
            store::routes::routes_within(&self.db, route_ids, route_scope(actor)).await?;
        let Some(first) = governed.first() else {
            return Err(AppError::Forbidden(
                "只能审核本辖区内线路的打卡记录".to_owned(),
            ));
        };
        let state = match input.decision.as_str() {
            "accept" => StampState::Counted,
            "reject" => StampState::Rejected,
            _ => {
                return Err(AppError::invalid_field(
                    "decision",
                    "审核结果须为 accept（通过）或 reject（不通过）",
                ));
            }
        };
        let reason = domain::text::reason(
            input.reason.as_deref(),
            state == StampState::Rejected,
            "不通过时须填写理由",
        )
        .map_err(|m| AppError::invalid_field("reason", m))?;
        let now = self.clock.now();
        let txn = self.db.begin().await?;
        if !store::routes::decide_checkin(
            &txn,
            id,
            state.as_str(),
            actor.user_id,
            now,
            reason.clone(),
        )
        .await?
        {
            return Err(AppError::conflict("该打卡记录已审核或无需审核"));
        }
        crate::audit::record(
            &txn,
            now,
            Some(actor),
            crate::audit::Event::ok(
                "checkin.review",
                "checkin",
                id,
                &first.area(),
                serde_json::json!({"decision": input.decision, "reason": reason}),
            ),
        )
        .await?;
        txn.commit().await?;
        let stamps = store::routes::stamps_of_checkin(&self.db, id).await?;
        Ok(CheckinReviewed {
            id,
            venue_id: c.venue_id,
            at: c.at,
            flags: flags_of(&c.flags),
            state,
            stamps: stamps
                .iter()
                .map(|s| StampEarned {
                    route_id: s.route_id,
                    no: s.no,
                    state: state_of(&s.state),
                })
                .collect(),
        })
    }

    fn certificate_view(
        &self,
        c: certificate::Model,
        route_name: String,
        caller: Option<&Actor>,
    ) -> CertificateView {
        let holder = caller.is_some_and(|a| a.user_id == c.user_id);
        CertificateView {
            holder_name: if holder {
                c.holder_name
            } else {
                rules::mask_name(&c.holder_name)
            },
            serial: c.serial,
            route_id: c.route_id,
            route_name,
            issuer: c.issuer,
            completed_at: c.completed_at,
            status: CertificateStatus::parse(&c.status).unwrap_or(CertificateStatus::Valid),
            revoked_reason: c.revoked_reason,
        }
    }

    /// `POST /api/v1/routes/{id}/certificate`: the visitor's certificate, made the first time
    /// (true) once the route is complete; the same one afterwards.
    pub async fn take_certificate(
        &self,
        actor: &Actor,
        route_id: i64,
        input: CertificateRequest,
    ) -> Result<(bool, CertificateView), AppError> {
        let r = store::routes::route(&self.db, route_id)
            .await?
            .filter(|r| r.status != RouteStatus::Draft.as_str())
            .ok_or_else(not_found_route)?;
        if let Some(c) = store::routes::certificate_of(&self.db, route_id, actor.user_id).await? {
            return Ok((false, self.certificate_view(c, r.name, Some(actor))));
        }
        let stops = store::routes::stops(&self.db, route_id).await?;
        let held = store::routes::held_stamps(&self.db, actor.user_id, vec![route_id]).await?;
        let pairs: Vec<(i64, StampState)> =
            held.iter().map(|s| (s.no, state_of(&s.state))).collect();
        let p = rules::progress(&stops_at(&stops), r.complete_at, &pairs);
        let venues =
            store::routes::venues(&self.db, stops.iter().map(|s| s.venue_id).collect()).await?;
        let names: Vec<(i64, String)> = stops
            .iter()
            .map(|s| {
                (
                    s.no,
                    venues
                        .iter()
                        .find(|v| v.id == s.venue_id)
                        .map(|v| v.name.clone())
                        .unwrap_or_default(),
                )
            })
            .collect();
        if let Some((field, message)) = p.not_complete(&names) {
            return Err(AppError::invalid_field(field, message));
        }
        let raw = match input.name {
            Some(name) => name,
            None => store::users::find(&self.db, actor.user_id)
                .await?
                .and_then(|u| u.name)
                .unwrap_or_default(),
        };
        let holder = rules::holder_name(&raw).map_err(|m| AppError::invalid_field("name", m))?;
        let completed_at = held
            .iter()
            .filter(|s| s.state == StampState::Counted.as_str())
            .map(|s| s.at)
            .max()
            .unwrap_or_else(|| self.clock.now());
        let year = domain::campaign::beijing_date(completed_at)
            .format("%Y")
            .to_string();
        let year: i32 = year.parse().unwrap_or(2026);
        let now = self.clock.now();
        for _ in 0..3 {
            let mut random = [0u8; 7];
            getrandom::fill(&mut random).map_err(|e| AppError::internal(format!("OS RNG: {e}")))?;
            let serial = rules::serial(year, &random);
            let txn = self.db.begin().await?;
            let made = store::routes::insert_certificate(
                &txn,
                store::routes::NewCertificate {
                    serial,
                    route_id,
                    user_id: actor.user_id,
                    holder_name: holder.clone(),
                    issuer: r.issuer.clone(),
                    completed_at,
                    issued_at: now,
                },
            )
            .await;
            match made {
                Ok(c) => {
                    crate::audit::record(
                        &txn,
                        now,
                        Some(actor),
                        crate::audit::Event::ok(
                            "certificate.issue",
                            "certificate",
                            &c.serial,
                            &r.area(),
                            serde_json::json!({"route_id": route_id}),
                        ),
                    )
                    .await?;
                    txn.commit().await?;
                    return Ok((true, self.certificate_view(c, r.name, Some(actor))));
                }
                Err(e) if store::is_unique_violation(&e) => {
                    drop(txn);
                    // Asked twice at once: the other request made it.
                    if let Some(c) =
                        store::routes::certificate_of(&self.db, route_id, actor.user_id).await?
                    {
                        return Ok((false, self.certificate_view(c, r.name, Some(actor))));
                    }
                }
                Err(e) => return Err(e.into()),
            }
        }
        Err(AppError::internal("no free certificate serial"))
    }

    /// `GET /api/v1/certificates/{serial}`: anyone may verify; the holder's name is masked
    /// unless the holder asks.
    pub async fn certificate(
        &self,
        caller: Option<&Actor>,
        serial: &str,
    ) -> Result<CertificateView, AppError> {
        let not_found = || AppError::NotFound("未找到该证书，请核对证书编号".to_owned());
        let serial = rules::parse_serial(serial).ok_or_else(not_found)?;
        let c = store::routes::certificate(&self.db, &serial)
            .await?
            .ok_or_else(not_found)?;
        let name = store::routes::route(&self.db, c.route_id)
            .await?
            .map(|r| r.name)
            .unwrap_or_default();
        Ok(self.certificate_view(c, name, caller))
    }

    /// `POST /api/v1/certificates/{serial}/revoke`: an administrator of the route's area,
    /// with a reason.
    pub async fn revoke_certificate(
        &self,
        actor: &Actor,
        serial: &str,
        input: RevokeInput,
    ) -> Result<CertificateView, AppError> {
        let not_found = || AppError::NotFound("未找到该证书".to_owned());
        let serial = rules::parse_serial(serial).ok_or_else(not_found)?;
        let c = store::routes::certificate(&self.db, &serial)
            .await?
            .ok_or_else(not_found)?;
        let r = self
            .route_in_scope(actor, c.route_id, "只能撤销本辖区内线路的证书")
            .await?;
        let reason = domain::text::bounded(&input.reason, "撤销理由", 2, 500)
            .map_err(|m| AppError::invalid_field("reason", m))?;
        let now = self.clock.now();
        let txn = self.db.begin().await?;
        if !store::routes::revoke_certificate(&txn, c.id, reason.clone(), actor.user_id, now)
            .await?
        {
            return Err(AppError::conflict("该证书已撤销"));
        }
        crate::audit::record(
            &txn,
            now,
            Some(actor),
            crate::audit::Event::ok(
                "certificate.revoke",
                "certificate",
                &c.serial,
                &r.area(),
                serde_json::json!({"reason": reason}),
            ),
        )
        .await?;
        txn.commit().await?;
        self.certificate(Some(actor), &serial).await
    }
}

fn venue_columns(s: &VenueSettings, path: &RegionPath) -> store::routes::VenueColumns {
    store::routes::VenueColumns {
        name: s.name.clone(),
        address: s.address.clone(),
        region_code: s.region_code.clone(),
        province_code: path.province.clone(),
        city_code: path.city.clone(),
        county_code: path.county.clone(),
        lon: s.lon,
        lat: s.lat,
        org_id: s.org_id,
        venue_type: s.venue_type.clone(),
        opening_hours: s.opening_hours.clone(),
        geofence_mode: s.geofence.mode.as_str().to_owned(),
        radius_m: s.geofence.radius_m,
        period_s: s.code.period_s,
        digits: s.code.digits,
        grace_steps: s.code.grace_steps,
    }
}

fn route_columns(s: &RouteSettings, path: &RegionPath) -> store::routes::RouteColumns {
    store::routes::RouteColumns {
        name: s.name.clone(),
        theme: s.theme.clone(),
        description: s.description.clone(),
        region_code: s.region_code.clone(),
        province_code: path.province.clone(),
        city_code: path.city.clone(),
        county_code: path.county.clone(),
        campaign_id: s.campaign_id,
        activity_id: s.activity_id,
        from_date: s.from.format("%Y-%m-%d").to_string(),
        to_date: s.to.format("%Y-%m-%d").to_string(),
        sequential: s.sequential,
        complete_at: s.complete_at,
        issuer: s.issuer.clone(),
        max_speed_kmh: s.anti_abuse.max_speed_kmh,
        max_checkins_per_day: s.anti_abuse.max_checkins_per_day,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_beijing_day_starts_at_16_utc() {
        let at = DateTime::parse_from_rfc3339("2026-09-15T01:00:00+08:00")
            .unwrap_or_default()
            .with_timezone(&Utc);
        assert_eq!(day_start(at).to_rfc3339(), "2026-09-14T16:00:00+00:00");
    }
}
