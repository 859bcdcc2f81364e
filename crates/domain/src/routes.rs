//! 科普主题线路 and 打卡: venues (打卡点) that show a rotating code, routes over them, what a
//! check-in earns, and the completion certificate (完成证书). The rules and their Chinese
//! messages live here once; the API and the pages both reach them through `app::routes`.

use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::FieldErrors;
use crate::geo::{Point, distance_km};
use crate::region::{self, RegionLevel, RegionPath};
use crate::text::{bounded, given, nfc};

vocabulary!(
    /// How a venue's geofence treats the visitor's location.
    GeofenceMode {
        /// 不核对位置
        Off = "off" / "不核对位置",
        /// 位置不符时标记待审
        Flag = "flag" / "位置不符时标记待审",
        /// 必须在范围内
        Require = "require" / "必须在范围内",
    }
);

vocabulary!(
    /// Where a route stands.
    RouteStatus {
        /// 草稿
        Draft = "draft" / "草稿",
        /// 已发布
        Published = "published" / "已发布",
        /// 已结束
        Closed = "closed" / "已结束",
    }
);

vocabulary!(
    /// Why a check-in waits for an administrator.
    Flag {
        /// 未提供位置
        NoLocation = "no_location" / "未提供位置",
        /// 不在打卡范围内
        OutsideGeofence = "outside_geofence" / "不在打卡范围内",
        /// 移动速度异常
        ImpossibleTravel = "impossible_travel" / "移动速度异常",
    }
);

vocabulary!(
    /// A stamp's standing.
    StampState {
        /// 已计入
        Counted = "counted" / "已计入",
        /// 待审核
        Pending = "pending" / "待审核",
        /// 未通过
        Rejected = "rejected" / "未通过",
    }
);

vocabulary!(
    /// Why a check-in earned no stamp on a route.
    SkipReason {
        /// 该站已打卡
        Already = "already" / "该站已打卡",
        /// 须按顺序打卡
        Order = "order" / "须按顺序打卡",
    }
);

vocabulary!(
    /// A certificate's standing.
    CertificateStatus {
        /// 有效
        Valid = "valid" / "有效",
        /// 已撤销
        Revoked = "revoked" / "已撤销",
    }
);

/// A venue's geofence.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Geofence {
    /// `off`, `flag` or `require`.
    pub mode: GeofenceMode,
    /// 打卡范围半径（米，50–5000）
    pub radius_m: i64,
}

/// A venue's code: how often it changes, how long it is, how late it is still taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CodeRule {
    /// 刷新周期（秒，15–86400；超过300秒须选择“必须在范围内”）
    pub period_s: i64,
    /// 位数（6–8）
    pub digits: i64,
    /// 容许的过期周期数（0–4）
    pub grace_steps: i64,
}

impl Default for Geofence {
    fn default() -> Self {
        Geofence {
            mode: GeofenceMode::Off,
            radius_m: 300,
        }
    }
}

impl Default for CodeRule {
    fn default() -> Self {
        CodeRule {
            period_s: 30,
            digits: 6,
            grace_steps: 1,
        }
    }
}

/// A venue as stored: every field checked.
#[derive(Debug, Clone, PartialEq)]
pub struct VenueSettings {
    /// 名称
    pub name: String,
    /// 地址
    pub address: String,
    /// 所在地区 (a county's or a city's code).
    pub region_code: String,
    /// 经度 (WGS-84).
    pub lon: f64,
    /// 纬度 (WGS-84).
    pub lat: f64,
    /// The operating organisation.
    pub org_id: Option<i64>,
    /// 场地类型
    pub venue_type: Option<String>,
    /// 开放时间
    pub opening_hours: String,
    /// 打卡范围
    pub geofence: Geofence,
    /// 打卡码
    pub code: CodeRule,
}

/// A geofence as written: either part may be left out (kept, or the default).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GeofenceInput {
    /// `off`, `flag` or `require`.
    #[schema(value_type = Option<GeofenceMode>)]
    pub mode: Option<String>,
    /// 50–5000 metres.
    pub radius_m: Option<i64>,
}

/// A code rule as written: any part may be left out.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CodeRuleInput {
    /// 15–86400 seconds.
    pub period_s: Option<i64>,
    /// 6–8.
    pub digits: Option<i64>,
    /// 0–4.
    pub grace_steps: Option<i64>,
}

/// 打卡点 as an administrator writes it (create: the required fields given; edit: what is
/// given replaces what is stored, `null` clears an optional field).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(examples(VenueInput::example))]
pub struct VenueInput {
    /// 名称（2–50字）
    pub name: Option<String>,
    /// 地址
    pub address: Option<String>,
    /// 所在地区（县级或市级代码）
    pub region_code: Option<String>,
    /// 经度（WGS-84，73–136）
    pub lon: Option<f64>,
    /// 纬度（WGS-84，3–54）
    pub lat: Option<f64>,
    /// 运营单位
    #[serde(default, deserialize_with = "given")]
    #[schema(value_type = Option<i64>)]
    pub org_id: Option<Option<i64>>,
    /// 场地类型
    #[serde(default, deserialize_with = "given")]
    #[schema(value_type = Option<String>)]
    pub venue_type: Option<Option<String>>,
    /// 开放时间（如 周三至周日 9:30—16:30）
    #[serde(default, deserialize_with = "given")]
    #[schema(value_type = Option<String>)]
    pub opening_hours: Option<Option<String>>,
    /// 打卡范围
    #[serde(default, deserialize_with = "crate::text::object")]
    pub geofence: Option<GeofenceInput>,
    /// 打卡码
    #[serde(default, deserialize_with = "crate::text::object")]
    pub code: Option<CodeRuleInput>,
}

/// Longitudes a venue may have (mainland China and around).
pub const LON_RANGE: (f64, f64) = (73.0, 136.0);
/// Latitudes a venue may have.
pub const LAT_RANGE: (f64, f64) = (3.0, 54.0);

fn in_range(
    errors: &mut FieldErrors,
    field: &str,
    value: i64,
    (min, max): (i64, i64),
    message: &str,
) -> i64 {
    if !(min..=max).contains(&value) {
        errors.add(field, message);
    }
    value
}

impl VenueInput {
    /// A venue as the documentation shows it.
    pub fn example() -> VenueInput {
        VenueInput {
            name: Some("三门峡市科技馆".to_owned()),
            address: Some("三门峡市湖滨区六峰路".to_owned()),
            region_code: Some("411202".to_owned()),
            lon: Some(111.2),
            lat: Some(34.77),
            org_id: None,
            venue_type: Some(Some("科技馆".to_owned())),
            opening_hours: Some(Some("周三至周日 9:30—16:30".to_owned())),
            geofence: Some(GeofenceInput {
                mode: Some("flag".to_owned()),
                radius_m: Some(300),
            }),
            code: Some(CodeRuleInput {
                period_s: Some(30),
                digits: Some(6),
                grace_steps: Some(1),
            }),
        }
    }

    /// The venue this input makes of `base` (nothing when creating), every problem added to
    /// `errors` under its field's path; `None` when there is any.
    pub fn apply(
        self,
        base: Option<&VenueSettings>,
        errors: &mut FieldErrors,
    ) -> Option<VenueSettings> {
        let name = match (self.name, base) {
            (Some(raw), _) => errors.take("name", bounded(&raw, "名称", 2, 50)),
            (None, Some(b)) => Some(b.name.clone()),
            (None, None) => errors.take("name", Err("请填写名称".to_owned())),
        };
        let address = match (self.address, base) {
            (Some(raw), _) => errors.take("address", bounded(&raw, "地址", 2, 100)),
            (None, Some(b)) => Some(b.address.clone()),
            (None, None) => errors.take("address", Err("请填写地址".to_owned())),
        };
        let region_code = match (self.region_code, base) {
            (Some(raw), _) => errors.take("region_code", region::parse_code(&raw)),
            (None, Some(b)) => Some(b.region_code.clone()),
            (None, None) => errors.take("region_code", Err("请选择所在地区".to_owned())),
        };
        let lon = match (self.lon, base) {
            (Some(v), _) if v.is_finite() && (LON_RANGE.0..=LON_RANGE.1).contains(&v) => Some(v),
            (Some(_), _) => errors.take("lon", Err("经度须在73至136之间（WGS-84）".to_owned())),
            (None, Some(b)) => Some(b.lon),
            (None, None) => errors.take("lon", Err("请在地图上选择位置（经度）".to_owned())),
        };
        let lat = match (self.lat, base) {
            (Some(v), _) if v.is_finite() && (LAT_RANGE.0..=LAT_RANGE.1).contains(&v) => Some(v),
            (Some(_), _) => errors.take("lat", Err("纬度须在3至54之间（WGS-84）".to_owned())),
            (None, Some(b)) => Some(b.lat),
            (None, None) => errors.take("lat", Err("请在地图上选择位置（纬度）".to_owned())),
        };
        let org_id = match self.org_id {
            Some(v) => v,
            None => base.and_then(|b| b.org_id),
        };
        let venue_type = match self.venue_type {
            Some(Some(raw)) if raw.trim().is_empty() => None,
            Some(Some(raw)) => {
                let value = nfc(raw.trim());
                if crate::activity::VENUE_TYPES.contains(&value.as_str()) {
                    Some(value)
                } else {
                    errors.add("venue_type", format!("未知场地类型“{value}”"));
                    None
                }
            }
            Some(None) => None,
            None => base.and_then(|b| b.venue_type.clone()),
        };
        let opening_hours = match self.opening_hours {
            Some(Some(raw)) if raw.trim().is_empty() => String::new(),
            Some(Some(raw)) => errors
                .take("opening_hours", bounded(&raw, "开放时间", 1, 100))
                .unwrap_or_default(),
            Some(None) => String::new(),
            None => base.map(|b| b.opening_hours.clone()).unwrap_or_default(),
        };
        let old_fence = base.map(|b| b.geofence).unwrap_or_default();
        let fence_in = self.geofence.unwrap_or_default();
        let mode = match fence_in.mode {
            Some(raw) => GeofenceMode::parse(&raw).unwrap_or_else(|| {
                errors.add(
                    "geofence.mode",
                    "打卡范围方式须为 off（不核对）、flag（标记待审）或 require（必须在范围内）",
                );
                old_fence.mode
            }),
            None => old_fence.mode,
        };
        let radius_m = in_range(
            errors,
            "geofence.radius_m",
            fence_in.radius_m.unwrap_or(old_fence.radius_m),
            (50, 5000),
            "打卡范围半径须为50至5000米",
        );
        let old_code = base.map(|b| b.code).unwrap_or_default();
        let code_in = self.code.unwrap_or_default();
        let period_s = in_range(
            errors,
            "code.period_s",
            code_in.period_s.unwrap_or(old_code.period_s),
            (15, 86_400),
            "刷新周期须为15至86400秒",
        );
        if period_s > 300 && mode != GeofenceMode::Require {
            errors.add(
                "code.period_s",
                "刷新周期超过300秒时，打卡范围须设为“必须在范围内”（长期有效的打卡码与印在纸上无异）",
            );
        }
        let digits = in_range(
            errors,
            "code.digits",
            code_in.digits.unwrap_or(old_code.digits),
            (6, 8),
            "打卡码位数须为6至8位",
        );
        let grace_steps = in_range(
            errors,
            "code.grace_steps",
            code_in.grace_steps.unwrap_or(old_code.grace_steps),
            (0, 4),
            "容许的过期周期数须为0至4",
        );
        if !errors.is_empty() {
            return None;
        }
        Some(VenueSettings {
            name: name?,
            address: address?,
            region_code: region_code?,
            lon: lon?,
            lat: lat?,
            org_id,
            venue_type,
            opening_hours,
            geofence: Geofence { mode, radius_m },
            code: CodeRule {
                period_s,
                digits,
                grace_steps,
            },
        })
    }
}

/// The message when a venue's division is not a county or a city.
pub const VENUE_REGION_LEVEL: &str = "打卡点所在地区须为县级或市级行政区";

/// A route's anti-abuse settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AntiAbuse {
    /// 两次打卡间的最高合理速度（公里/小时）；null 不检查
    pub max_speed_kmh: Option<i64>,
    /// 每人每天最多打卡次数
    pub max_checkins_per_day: i64,
}

impl Default for AntiAbuse {
    fn default() -> Self {
        AntiAbuse {
            max_speed_kmh: Some(120),
            max_checkins_per_day: 30,
        }
    }
}

/// Anti-abuse settings as written.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AntiAbuseInput {
    /// 1–2000 km/h; `null` switches the check off.
    #[serde(default, deserialize_with = "given")]
    #[schema(value_type = Option<i64>)]
    pub max_speed_kmh: Option<Option<i64>>,
    /// 1–500.
    pub max_checkins_per_day: Option<i64>,
}

/// One stop as written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StopInput {
    /// 打卡点
    pub venue_id: i64,
    /// 说明（可选）
    #[serde(default)]
    pub note: Option<String>,
}

/// One stop as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stop {
    /// 打卡点
    pub venue_id: i64,
    /// 说明
    pub note: String,
}

/// A route as stored: every field checked except where its venues lie (`stops_within`).
#[derive(Debug, Clone, PartialEq)]
pub struct RouteSettings {
    /// 名称
    pub name: String,
    /// 主题
    pub theme: String,
    /// 简介 (sanitised rich text)
    pub description: String,
    /// The route's area.
    pub region_code: String,
    /// Its campaign.
    pub campaign_id: i64,
    /// The 联名打卡 activity, if registered.
    pub activity_id: Option<i64>,
    /// First day (Asia/Shanghai).
    pub from: NaiveDate,
    /// Last day.
    pub to: NaiveDate,
    /// Stops must be stamped in order.
    pub sequential: bool,
    /// Stamps needed for completion.
    pub complete_at: i64,
    /// 证书颁发单位
    pub issuer: String,
    /// Anti-abuse settings.
    pub anti_abuse: AntiAbuse,
    /// The stops, in order.
    pub stops: Vec<Stop>,
}

/// What a route takes when its writer leaves it out.
#[derive(Debug, Clone)]
pub struct RouteDefaults {
    /// The current campaign.
    pub campaign_id: i64,
    /// The campaign's focus window.
    pub from: NaiveDate,
    /// The campaign's focus window.
    pub to: NaiveDate,
    /// The association of the route's area (三门峡市科学技术协会).
    pub issuer: String,
}

/// 科普主题线路 as an administrator writes it (create, or the parts an edit changes).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(examples(RouteInput::example))]
pub struct RouteInput {
    /// 名称（2–50字）
    pub name: Option<String>,
    /// 主题
    #[serde(default, deserialize_with = "given")]
    #[schema(value_type = Option<String>)]
    pub theme: Option<Option<String>>,
    /// 简介（富文本，自动清理）
    #[serde(default, deserialize_with = "given")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
    /// 线路所属地区（每个打卡点须在其中）
    pub region_code: Option<String>,
    /// 活动季（默认当前）
    pub campaign_id: Option<i64>,
    /// 对应的联名打卡活动
    #[serde(default, deserialize_with = "given")]
    #[schema(value_type = Option<i64>)]
    pub activity_id: Option<Option<i64>>,
    /// 开始日期（默认活动季集中活动期首日）
    #[schema(value_type = Option<String>, format = Date)]
    pub from: Option<String>,
    /// 结束日期
    #[schema(value_type = Option<String>, format = Date)]
    pub to: Option<String>,
    /// 须按顺序打卡
    pub sequential: Option<bool>,
    /// 完成所需站数（默认全部）
    pub complete_at: Option<i64>,
    /// 证书颁发单位（默认线路所属地区的科协）
    #[serde(default, deserialize_with = "given")]
    #[schema(value_type = Option<String>)]
    pub issuer: Option<Option<String>>,
    /// 防作弊设置
    #[serde(default, deserialize_with = "crate::text::object")]
    pub anti_abuse: Option<AntiAbuseInput>,
    /// 打卡点，按顺序（2–30个，不可重复）
    pub stops: Option<Vec<StopInput>>,
}

/// The association that issues a route's certificates when the route names none: the
/// science and technology association of its division (三门峡市科学技术协会).
pub fn association_of(division_name: &str) -> String {
    if division_name.is_empty() || division_name == "全国" {
        "中国科学技术协会".to_owned()
    } else {
        format!("{division_name}科学技术协会")
    }
}

/// Most stops on a route.
pub const MAX_STOPS: usize = 30;

fn parse_date(field: &str, label: &str, raw: &str, errors: &mut FieldErrors) -> Option<NaiveDate> {
    errors.take(
        field,
        NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
            .map_err(|_| format!("{label}格式应为 年-月-日，如 2026-09-15")),
    )
}

impl RouteInput {
    /// A route as the documentation shows it.
    pub fn example() -> RouteInput {
        RouteInput {
            name: Some("科技场馆科普游".to_owned()),
            theme: Some(Some("走进科技场馆".to_owned())),
            region_code: Some("411200".to_owned()),
            from: Some("2026-09-15".to_owned()),
            to: Some("2026-09-25".to_owned()),
            sequential: Some(false),
            complete_at: Some(3),
            stops: Some(
                (1..=4)
                    .map(|venue_id| StopInput {
                        venue_id,
                        note: None,
                    })
                    .collect(),
            ),
            ..RouteInput::default()
        }
    }

    /// Whether this edit changes the stops (frozen once a route is published).
    pub fn touches_stops(&self) -> bool {
        self.stops.is_some() || self.complete_at.is_some() || self.sequential.is_some()
    }

    /// The route this input makes of `base` (nothing when creating), every problem added to
    /// `errors`; `None` when there is any.
    pub fn apply(
        self,
        base: Option<&RouteSettings>,
        defaults: &RouteDefaults,
        errors: &mut FieldErrors,
    ) -> Option<RouteSettings> {
        let name = match (self.name, base) {
            (Some(raw), _) => errors.take("name", bounded(&raw, "线路名称", 2, 50)),
            (None, Some(b)) => Some(b.name.clone()),
            (None, None) => errors.take("name", Err("请填写线路名称".to_owned())),
        };
        let theme = match self.theme {
            Some(Some(raw)) if !raw.trim().is_empty() => errors
                .take("theme", bounded(&raw, "主题", 1, 50))
                .unwrap_or_default(),
            Some(_) => String::new(),
            None => base.map(|b| b.theme.clone()).unwrap_or_default(),
        };
        let description = match self.description {
            Some(Some(raw)) => {
                if raw.chars().count() > 20_000 {
                    errors.add("description", "简介不能超过20000字");
                }
                crate::activity::sanitise_details(&raw)
            }
            Some(None) => String::new(),
            None => base.map(|b| b.description.clone()).unwrap_or_default(),
        };
        let region_code = match (self.region_code, base) {
            (Some(raw), _) => errors.take("region_code", region::parse_code(&raw)),
            (None, Some(b)) => Some(b.region_code.clone()),
            (None, None) => errors.take("region_code", Err("请选择线路所属地区".to_owned())),
        };
        let campaign_id = self
            .campaign_id
            .or(base.map(|b| b.campaign_id))
            .unwrap_or(defaults.campaign_id);
        let activity_id = match self.activity_id {
            Some(v) => v,
            None => base.and_then(|b| b.activity_id),
        };
        let from = match self.from {
            Some(raw) => parse_date("from", "开始日期", &raw, errors),
            None => Some(base.map_or(defaults.from, |b| b.from)),
        };
        let to = match self.to {
            Some(raw) => parse_date("to", "结束日期", &raw, errors),
            None => Some(base.map_or(defaults.to, |b| b.to)),
        };
        if let (Some(f), Some(t)) = (from, to)
            && t < f
        {
            errors.add("to", "结束日期不能早于开始日期");
        }
        let sequential = self
            .sequential
            .or(base.map(|b| b.sequential))
            .unwrap_or(false);
        let stops: Vec<Stop> = match self.stops {
            Some(list) => list
                .into_iter()
                .map(|s| Stop {
                    venue_id: s.venue_id,
                    note: s.note.map(|n| nfc(n.trim())).unwrap_or_default(),
                })
                .collect(),
            None => base.map(|b| b.stops.clone()).unwrap_or_default(),
        };
        if stops.len() < 2 {
            errors.add("stops", "线路至少需要2个打卡点");
        } else if stops.len() > MAX_STOPS {
            errors.add("stops", format!("线路最多{MAX_STOPS}个打卡点"));
        }
        let mut seen = BTreeSet::new();
        if let Some((no, _)) = stops
            .iter()
            .enumerate()
            .find(|(_, s)| !seen.insert(s.venue_id))
        {
            errors.add(
                "stops",
                format!(
                    "第{}站与前面的站点是同一个打卡点，同一打卡点不能出现两次",
                    no + 1
                ),
            );
        }
        if let Some((no, _)) = stops
            .iter()
            .enumerate()
            .find(|(_, s)| s.note.chars().count() > 200)
        {
            errors.add("stops", format!("第{}站的说明不能超过200字", no + 1));
        }
        let count = i64::try_from(stops.len()).unwrap_or(i64::MAX);
        let complete_at = match (self.complete_at, base) {
            (Some(n), _) => n,
            // "All" stays all when the stops change.
            (None, Some(b)) if b.complete_at == i64::try_from(b.stops.len()).unwrap_or(0) => count,
            (None, Some(b)) => b.complete_at,
            (None, None) => count,
        };
        if !(1..=count.max(1)).contains(&complete_at) {
            errors.add(
                "complete_at",
                format!("完成所需站数须在1至{}之间", count.max(1)),
            );
        }
        let issuer = match self.issuer {
            Some(Some(raw)) if !raw.trim().is_empty() => errors
                .take("issuer", bounded(&raw, "证书颁发单位", 2, 50))
                .unwrap_or_default(),
            Some(_) => defaults.issuer.clone(),
            None => base.map_or_else(|| defaults.issuer.clone(), |b| b.issuer.clone()),
        };
        let old_abuse = base.map(|b| b.anti_abuse).unwrap_or_default();
        let abuse_in = self.anti_abuse.unwrap_or_default();
        let max_speed_kmh = match abuse_in.max_speed_kmh {
            Some(v) => v,
            None => old_abuse.max_speed_kmh,
        };
        if let Some(v) = max_speed_kmh
            && !(1..=2000).contains(&v)
        {
            errors.add(
                "anti_abuse.max_speed_kmh",
                "最高合理速度须为1至2000公里/小时，或留空不检查",
            );
        }
        let max_checkins_per_day = in_range(
            errors,
            "anti_abuse.max_checkins_per_day",
            abuse_in
                .max_checkins_per_day
                .unwrap_or(old_abuse.max_checkins_per_day),
            (1, 500),
            "每人每天打卡次数上限须为1至500",
        );
        if !errors.is_empty() {
            return None;
        }
        Some(RouteSettings {
            name: name?,
            theme,
            description,
            region_code: region_code?,
            campaign_id,
            activity_id,
            from: from?,
            to: to?,
            sequential,
            complete_at,
            issuer,
            anti_abuse: AntiAbuse {
                max_speed_kmh,
                max_checkins_per_day,
            },
            stops,
        })
    }
}

/// A stop's venue as found, for the rule that every stop lies in the route's area.
pub struct StopPlace<'a> {
    /// Its venue's name, where the venue exists.
    pub name: Option<&'a str>,
    /// Where it lies.
    pub path: &'a RegionPath,
}

/// Every stop's venue exists and lies within the route's division (`code` at `level`;
/// `None`: the whole country); the message names the first stop that does not.
pub fn stops_within(
    code: &str,
    level: Option<RegionLevel>,
    places: &[StopPlace<'_>],
) -> Result<(), String> {
    for (no, place) in places.iter().enumerate() {
        let Some(name) = place.name else {
            return Err(format!("第{}站的打卡点不存在", no + 1));
        };
        if !place.path.is_within(code, level) {
            return Err(format!("第{}站“{name}”不在线路所属地区内", no + 1));
        }
    }
    Ok(())
}

/// Whether a route's window holds `day`.
pub fn open_on(from: NaiveDate, to: NaiveDate, day: NaiveDate) -> bool {
    from <= day && day <= to
}

/// A position the browser reported.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fix {
    /// The point (WGS-84).
    pub point: Point,
    /// The accuracy in metres (95 % confidence), if reported.
    pub accuracy_m: Option<f64>,
}

/// A check-in refused, with the machine-readable code API.md names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The code is not one of the accepted steps' nor a recent one's.
    CodeInvalid,
    /// The code belonged to a step that is past.
    CodeExpired,
    /// The venue requires a location and none came.
    LocationRequired,
    /// The venue requires a location inside its fence.
    OutsideGeofence {
        /// How far away the fix was, in metres.
        metres: i64,
    },
    /// No published route holding the venue is open today.
    NoActiveRoute,
}

impl Refusal {
    /// `error.code`.
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::CodeInvalid => "code_invalid",
            Refusal::CodeExpired => "code_expired",
            Refusal::LocationRequired => "location_required",
            Refusal::OutsideGeofence { .. } => "outside_geofence",
            Refusal::NoActiveRoute => "no_active_route",
        }
    }

    /// The field the message belongs beside.
    pub fn field(&self) -> &'static str {
        match self {
            Refusal::CodeInvalid | Refusal::CodeExpired => "code",
            Refusal::LocationRequired | Refusal::OutsideGeofence { .. } => "location",
            Refusal::NoActiveRoute => "venue_id",
        }
    }

    /// The Chinese message.
    pub fn message(&self) -> String {
        match self {
            Refusal::CodeInvalid => "打卡码不正确，请核对现场屏幕上的打卡码".to_owned(),
            Refusal::CodeExpired => "打卡码已过期，请扫描现场最新的打卡码".to_owned(),
            Refusal::LocationRequired => {
                "该打卡点需要核对您的位置，请允许浏览器获取位置后重试".to_owned()
            }
            Refusal::OutsideGeofence { metres } => {
                format!("您当前不在打卡点范围内（相距约{metres}米），请到现场后再打卡")
            }
            Refusal::NoActiveRoute => "该打卡点目前没有正在进行的线路".to_owned(),
        }
    }
}

/// What the geofence makes of a check-in: refused, flagged, or plainly accepted.
pub fn geofence(fence: Geofence, venue: Point, fix: Option<Fix>) -> Result<Option<Flag>, Refusal> {
    let Some(fix) = fix else {
        return match fence.mode {
            GeofenceMode::Off => Ok(None),
            GeofenceMode::Flag => Ok(Some(Flag::NoLocation)),
            GeofenceMode::Require => Err(Refusal::LocationRequired),
        };
    };
    if fence.mode == GeofenceMode::Off {
        return Ok(None);
    }
    // A radius' worth of poor accuracy is forgiven, never more.
    let radius = fence.radius_m as f64;
    let slack = fix
        .accuracy_m
        .filter(|a| a.is_finite() && *a > 0.0)
        .unwrap_or(0.0);
    let metres = distance_km(venue, fix.point) * 1000.0;
    if metres <= radius + slack.min(radius) {
        return Ok(None);
    }
    match fence.mode {
        GeofenceMode::Require => Err(Refusal::OutsideGeofence {
            #[expect(clippy::cast_possible_truncation, reason = "a distance on Earth")]
            metres: metres.round() as i64,
        }),
        _ => Ok(Some(Flag::OutsideGeofence)),
    }
}

/// Distance below which two check-ins are never a relay.
pub const TRAVEL_MIN_KM: f64 = 1.0;

/// Whether getting from the previous check-in's venue to this one took a speed over
/// `max_speed_kmh` across at least a kilometre (a code relayed by chat, not a visit).
pub fn impossible_travel(
    previous: Option<(Point, DateTime<Utc>)>,
    here: Point,
    now: DateTime<Utc>,
    max_speed_kmh: Option<i64>,
) -> bool {
    let (Some((there, then)), Some(max)) = (previous, max_speed_kmh) else {
        return false;
    };
    let km = distance_km(there, here);
    if km < TRAVEL_MIN_KM {
        return false;
    }
    let hours = (now - then).num_milliseconds().max(0) as f64 / 3_600_000.0;
    hours <= 0.0 || km / hours > max as f64
}

/// A stop as the check-in sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StopAt {
    /// Its number, from 1.
    pub no: i64,
    /// Its venue.
    pub venue_id: i64,
}

/// What a check-in at a venue does on one route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// A new stamp at stop `no`.
    Stamp {
        /// The stop.
        no: i64,
    },
    /// No stamp.
    Skip {
        /// The stop.
        no: i64,
        /// Why.
        reason: SkipReason,
        /// The stop to visit first (order only).
        next_no: Option<i64>,
    },
}

/// What checking in at `venue_id` earns on a route whose stops are `stops` (in order), for
/// a visitor holding stamps (counted or pending) at the stops `held`; `None` when the venue
/// is not on the route.
pub fn plan(
    stops: &[StopAt],
    sequential: bool,
    held: &BTreeSet<i64>,
    venue_id: i64,
) -> Option<Outcome> {
    let stop = stops.iter().find(|s| s.venue_id == venue_id)?;
    if held.contains(&stop.no) {
        return Some(Outcome::Skip {
            no: stop.no,
            reason: SkipReason::Already,
            next_no: None,
        });
    }
    if sequential
        && let Some(first) = stops
            .iter()
            .filter(|s| s.no < stop.no)
            .find(|s| !held.contains(&s.no))
    {
        return Some(Outcome::Skip {
            no: stop.no,
            reason: SkipReason::Order,
            next_no: Some(first.no),
        });
    }
    Some(Outcome::Stamp { no: stop.no })
}

/// A visitor's standing on a route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    /// Stamps counted.
    pub counted: i64,
    /// Stamps waiting for review.
    pub pending: i64,
    /// Stamps needed.
    pub required: i64,
    /// Counted stamps enough and none pending.
    pub completed: bool,
    /// Stops without a counted or pending stamp, in order.
    pub missing: Vec<i64>,
}

/// The standing of a visitor with `stamps` (stop number and state) on a route of `stops`
/// stops that completes at `complete_at`.
pub fn progress(stops: &[StopAt], complete_at: i64, stamps: &[(i64, StampState)]) -> Progress {
    let count = |state| {
        i64::try_from(stamps.iter().filter(|(_, s)| *s == state).count()).unwrap_or(i64::MAX)
    };
    let counted = count(StampState::Counted);
    let pending = count(StampState::Pending);
    let missing = stops
        .iter()
        .filter(|s| {
            !stamps
                .iter()
                .any(|(no, st)| *no == s.no && *st != StampState::Rejected)
        })
        .map(|s| s.no)
        .collect();
    Progress {
        counted,
        pending,
        required: complete_at,
        completed: counted >= complete_at && pending == 0,
        missing,
    }
}

impl Progress {
    /// Why no certificate yet: under `stamps` (the missing stops, named) or as the message.
    pub fn not_complete(&self, names: &[(i64, String)]) -> Option<(&'static str, String)> {
        if self.counted + self.pending < self.required {
            let named: Vec<String> = self
                .missing
                .iter()
                .map(|no| {
                    let name = names
                        .iter()
                        .find(|(n, _)| n == no)
                        .map(|(_, name)| name.as_str())
                        .unwrap_or_default();
                    format!("第{no}站{name}")
                })
                .collect();
            return Some((
                "stamps",
                format!(
                    "尚未完成：还需再打卡{}站（未打卡：{}）",
                    self.required - self.counted - self.pending,
                    named.join("、")
                ),
            ));
        }
        if self.pending > 0 {
            return Some((
                "stamps",
                format!(
                    "还有{}个打卡记录正在审核，审核通过后即可领取证书",
                    self.pending
                ),
            ));
        }
        if !self.completed {
            return Some(("stamps", "尚未完成全部打卡".to_owned()));
        }
        None
    }
}

/// Characters of a certificate serial after `KP` and the year.
pub const SERIAL_RANDOM: usize = 10;

/// A certificate serial: `KP`, the four-digit year, ten base32 characters from `random`
/// (at least seven bytes from the operating system's generator).
pub fn serial(year: i32, random: &[u8]) -> String {
    let tail: String = crate::totp::base32(random)
        .chars()
        .take(SERIAL_RANDOM)
        .collect();
    format!("KP{year:04}{tail}")
}

/// Reads a serial as typed (either case, spaces dropped); `None` when it cannot be one.
pub fn parse_serial(raw: &str) -> Option<String> {
    let s: String = raw
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let ok = s.is_ascii()
        && s.len() == 2 + 4 + SERIAL_RANDOM
        && s.starts_with("KP")
        && s[2..6].bytes().all(|b| b.is_ascii_digit())
        && s[6..]
            .bytes()
            .all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b));
    ok.then_some(s)
}

/// The holder's name as the public sees it: 张*明, 李*.
pub fn mask_name(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    match chars.as_slice() {
        [] => String::new(),
        [_] => "*".to_owned(),
        [first, _] => format!("{first}*"),
        [first, .., last] => format!("{first}*{last}"),
    }
}

/// The name printed on a certificate (2–20 characters).
pub fn holder_name(raw: &str) -> Result<String, String> {
    bounded(raw, "证书上的姓名", 2, 20)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn venue() -> VenueInput {
        VenueInput::example()
    }

    fn defaults() -> RouteDefaults {
        RouteDefaults {
            campaign_id: 1,
            from: NaiveDate::from_ymd_opt(2026, 9, 15).unwrap_or_default(),
            to: NaiveDate::from_ymd_opt(2026, 9, 25).unwrap_or_default(),
            issuer: "三门峡市科学技术协会".to_owned(),
        }
    }

    fn refused(input: VenueInput) -> FieldErrors {
        let mut errors = FieldErrors::new();
        assert!(input.apply(None, &mut errors).is_none());
        errors
    }

    #[test]
    fn a_venue_takes_the_defaults_it_leaves_out() {
        let mut errors = FieldErrors::new();
        let v = VenueInput {
            geofence: None,
            code: None,
            ..venue()
        }
        .apply(None, &mut errors);
        assert!(errors.is_empty(), "{errors:?}");
        let v = v.unwrap();
        assert_eq!(v.geofence, Geofence::default());
        assert_eq!(v.code, CodeRule::default());
    }

    #[test]
    fn each_venue_rule_has_its_message() {
        let e = refused(VenueInput {
            name: Some("馆".to_owned()),
            lon: Some(140.0),
            lat: Some(60.0),
            geofence: Some(GeofenceInput {
                mode: Some("flag".to_owned()),
                radius_m: Some(20),
            }),
            code: Some(CodeRuleInput {
                period_s: Some(10),
                digits: Some(9),
                grace_steps: Some(5),
            }),
            ..venue()
        });
        assert_eq!(e.get("name"), Some("名称至少2个字"));
        assert_eq!(e.get("lon"), Some("经度须在73至136之间（WGS-84）"));
        assert_eq!(e.get("lat"), Some("纬度须在3至54之间（WGS-84）"));
        assert_eq!(
            e.get("geofence.radius_m"),
            Some("打卡范围半径须为50至5000米")
        );
        assert_eq!(e.get("code.period_s"), Some("刷新周期须为15至86400秒"));
        assert_eq!(e.get("code.digits"), Some("打卡码位数须为6至8位"));
        assert_eq!(e.get("code.grace_steps"), Some("容许的过期周期数须为0至4"));
    }

    #[test]
    fn a_long_period_needs_a_required_fence() {
        let long = |mode: &str| VenueInput {
            geofence: Some(GeofenceInput {
                mode: Some(mode.to_owned()),
                radius_m: None,
            }),
            code: Some(CodeRuleInput {
                period_s: Some(3600),
                ..CodeRuleInput::default()
            }),
            ..venue()
        };
        assert!(
            refused(long("flag"))
                .get("code.period_s")
                .unwrap_or_default()
                .contains("必须在范围内")
        );
        let mut errors = FieldErrors::new();
        assert!(
            long("require").apply(None, &mut errors).is_some(),
            "{errors:?}"
        );
    }

    fn route(stops: Vec<i64>) -> RouteInput {
        RouteInput {
            stops: Some(
                stops
                    .into_iter()
                    .map(|venue_id| StopInput {
                        venue_id,
                        note: None,
                    })
                    .collect(),
            ),
            complete_at: None,
            ..RouteInput::example()
        }
    }

    fn route_errors(input: RouteInput) -> FieldErrors {
        let mut errors = FieldErrors::new();
        assert!(input.apply(None, &defaults(), &mut errors).is_none());
        errors
    }

    #[test]
    fn each_route_rule_has_its_message() {
        assert_eq!(
            route_errors(route(vec![1])).get("stops"),
            Some("线路至少需要2个打卡点")
        );
        assert_eq!(
            route_errors(route((1..=31).collect())).get("stops"),
            Some("线路最多30个打卡点")
        );
        assert_eq!(
            route_errors(route(vec![1, 2, 1])).get("stops"),
            Some("第3站与前面的站点是同一个打卡点，同一打卡点不能出现两次")
        );
        let e = route_errors(RouteInput {
            complete_at: Some(5),
            from: Some("2026-09-25".to_owned()),
            to: Some("2026-09-15".to_owned()),
            name: Some("线".to_owned()),
            ..route(vec![1, 2, 3, 4])
        });
        assert_eq!(e.get("complete_at"), Some("完成所需站数须在1至4之间"));
        assert_eq!(e.get("to"), Some("结束日期不能早于开始日期"));
        assert_eq!(e.get("name"), Some("线路名称至少2个字"));
        let e = route_errors(RouteInput {
            from: Some("9月15日".to_owned()),
            ..route(vec![1, 2])
        });
        assert_eq!(
            e.get("from"),
            Some("开始日期格式应为 年-月-日，如 2026-09-15")
        );
    }

    #[test]
    fn a_route_defaults_to_the_focus_window_all_stops_and_the_area_association() {
        let mut errors = FieldErrors::new();
        let r = RouteInput {
            from: None,
            to: None,
            ..route(vec![4, 5, 6])
        }
        .apply(None, &defaults(), &mut errors)
        .unwrap();
        assert_eq!(r.complete_at, 3);
        assert_eq!(r.from, defaults().from);
        assert_eq!(r.issuer, "三门峡市科学技术协会");
        assert_eq!(r.anti_abuse, AntiAbuse::default());
        // "All" follows the stops when an edit changes them.
        let edited = route(vec![4, 5, 6, 7])
            .apply(Some(&r), &defaults(), &mut errors)
            .unwrap();
        assert_eq!(edited.complete_at, 4);
    }

    #[test]
    fn stops_must_lie_in_the_route_area() {
        let inside = RegionPath {
            province: Some("410000".to_owned()),
            city: Some("411200".to_owned()),
            county: Some("411202".to_owned()),
        };
        let outside = RegionPath {
            province: Some("410000".to_owned()),
            city: Some("410100".to_owned()),
            county: None,
        };
        let places = [
            StopPlace {
                name: Some("甲馆"),
                path: &inside,
            },
            StopPlace {
                name: Some("乙馆"),
                path: &outside,
            },
        ];
        assert_eq!(
            stops_within("411200", Some(RegionLevel::City), &places),
            Err("第2站“乙馆”不在线路所属地区内".to_owned())
        );
        assert_eq!(
            stops_within("410000", Some(RegionLevel::Province), &places),
            Ok(())
        );
    }

    #[test]
    fn the_geofence_table() {
        let v = (111.2, 34.77);
        let fence = |mode| Geofence {
            mode,
            radius_m: 300,
        };
        let near = Some(Fix {
            point: (111.2, 34.772),
            accuracy_m: Some(20.0),
        });
        // About 1.1 km north.
        let far = Some(Fix {
            point: (111.2, 34.78),
            accuracy_m: Some(50.0),
        });
        let poor = Some(Fix {
            point: (111.2, 34.775),
            accuracy_m: Some(400.0),
        });
        assert_eq!(geofence(fence(GeofenceMode::Off), v, None), Ok(None));
        assert_eq!(geofence(fence(GeofenceMode::Off), v, far), Ok(None));
        assert_eq!(
            geofence(fence(GeofenceMode::Flag), v, None),
            Ok(Some(Flag::NoLocation))
        );
        assert_eq!(
            geofence(fence(GeofenceMode::Flag), v, far),
            Ok(Some(Flag::OutsideGeofence))
        );
        assert_eq!(geofence(fence(GeofenceMode::Flag), v, near), Ok(None));
        assert_eq!(
            geofence(fence(GeofenceMode::Require), v, None),
            Err(Refusal::LocationRequired)
        );
        assert!(matches!(
            geofence(fence(GeofenceMode::Require), v, far),
            Err(Refusal::OutsideGeofence { metres }) if (1000..1200).contains(&metres)
        ));
        // 556 m away with 400 m accuracy: inside 300 + min(400, 300).
        assert_eq!(geofence(fence(GeofenceMode::Require), v, poor), Ok(None));
    }

    #[test]
    fn travel_faster_than_allowed_over_a_kilometre_is_flagged() {
        let t0 = Utc.with_ymd_and_hms(2026, 9, 15, 2, 0, 0).unwrap();
        let a = (111.2, 34.77);
        let b = (112.45, 34.62); // about 115 km away
        let minutes = |m| t0 + chrono::Duration::minutes(m);
        assert!(impossible_travel(Some((a, t0)), b, minutes(10), Some(120)));
        assert!(!impossible_travel(Some((a, t0)), b, minutes(70), Some(120)));
        assert!(!impossible_travel(Some((a, t0)), b, minutes(10), None));
        assert!(!impossible_travel(
            Some((a, t0)),
            (111.205, 34.77),
            minutes(0),
            Some(120)
        ));
        assert!(!impossible_travel(None, b, minutes(0), Some(120)));
    }

    #[test]
    fn stamps_follow_the_order_and_pending_counts_as_held() {
        let stops: Vec<StopAt> = (1..=3)
            .map(|no| StopAt {
                no,
                venue_id: no * 10,
            })
            .collect();
        let held = |v: &[i64]| v.iter().copied().collect::<BTreeSet<i64>>();
        assert_eq!(
            plan(&stops, false, &held(&[]), 30),
            Some(Outcome::Stamp { no: 3 })
        );
        assert_eq!(
            plan(&stops, true, &held(&[1]), 30),
            Some(Outcome::Skip {
                no: 3,
                reason: SkipReason::Order,
                next_no: Some(2)
            })
        );
        assert_eq!(
            plan(&stops, true, &held(&[1, 2]), 30),
            Some(Outcome::Stamp { no: 3 })
        );
        assert_eq!(
            plan(&stops, false, &held(&[3]), 30),
            Some(Outcome::Skip {
                no: 3,
                reason: SkipReason::Already,
                next_no: None
            })
        );
        assert_eq!(plan(&stops, false, &held(&[]), 99), None);
    }

    #[test]
    fn completion_needs_enough_counted_and_none_pending() {
        let stops: Vec<StopAt> = (1..=4).map(|no| StopAt { no, venue_id: no }).collect();
        let p = progress(
            &stops,
            3,
            &[
                (1, StampState::Counted),
                (2, StampState::Counted),
                (4, StampState::Rejected),
            ],
        );
        assert!(!p.completed);
        assert_eq!(p.missing, vec![3, 4]);
        let names = vec![(3, "青岛科技馆".to_owned()), (4, "贝壳博物馆".to_owned())];
        assert_eq!(
            p.not_complete(&names),
            Some((
                "stamps",
                "尚未完成：还需再打卡1站（未打卡：第3站青岛科技馆、第4站贝壳博物馆）".to_owned()
            ))
        );
        let p = progress(
            &stops,
            3,
            &[
                (1, StampState::Counted),
                (2, StampState::Counted),
                (3, StampState::Pending),
            ],
        );
        assert_eq!(
            p.not_complete(&names).map(|(_, m)| m),
            Some("还有1个打卡记录正在审核，审核通过后即可领取证书".to_owned())
        );
        let p = progress(
            &stops,
            3,
            &[
                (1, StampState::Counted),
                (2, StampState::Counted),
                (3, StampState::Counted),
            ],
        );
        assert!(p.completed);
        assert_eq!(p.not_complete(&names), None);
    }

    #[test]
    fn serials_and_masked_names() {
        let s = serial(2026, &[0xff; 7]);
        assert_eq!(s, "KP20267777777777");
        assert_eq!(s.len(), 16);
        assert_eq!(parse_serial("kp2026 77777 77777"), Some(s));
        assert_eq!(parse_serial("KP2026777777771Y"), None);
        assert_eq!(parse_serial("KP26"), None);
        // Sixteen bytes that are not sixteen ASCII characters are no serial (never a panic).
        assert_eq!(parse_serial("KP€€€€AB"), None);
        assert_eq!(parse_serial("KP2€2677777777"), None);
        assert_eq!(mask_name("张三明"), "张*明");
        assert_eq!(mask_name("欧阳小明"), "欧*明");
        assert_eq!(mask_name("李四"), "李*");
        assert_eq!(holder_name("张"), Err("证书上的姓名至少2个字".to_owned()));
    }
}

/// A venue's own stamp image (DESIGN.md §7.1: a square PNG): its displayed size must be
/// square, with sides between `min_px` and `max_px`. The message names what is wrong.
pub fn check_stamp_image(width: u32, height: u32, min_px: u32, max_px: u32) -> Result<(), String> {
    if width != height {
        return Err(format!(
            "印章图片须为正方形（此图为 {width}×{height} 像素）"
        ));
    }
    if width < min_px || width > max_px {
        return Err(format!(
            "印章图片边长须在 {min_px} 至 {max_px} 像素之间（此图为 {width} 像素）"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod stamp_image_tests {
    use super::check_stamp_image;

    #[test]
    fn a_stamp_image_must_be_square_and_within_the_sizes() {
        assert!(check_stamp_image(256, 256, 64, 2048).is_ok());
        assert_eq!(
            check_stamp_image(300, 200, 64, 2048).unwrap_err(),
            "印章图片须为正方形（此图为 300×200 像素）"
        );
        assert_eq!(
            check_stamp_image(32, 32, 64, 2048).unwrap_err(),
            "印章图片边长须在 64 至 2048 像素之间（此图为 32 像素）"
        );
        assert!(check_stamp_image(4096, 4096, 64, 2048).is_err());
    }
}
