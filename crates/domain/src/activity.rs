//! An activity (活动) as its host fills it in, and the rules of the platform's filling guide
//! (《全国科普日平台活动填报指南》): what a draft may hold, and what submitting requires.

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::FieldErrors;
use crate::campaign::{CampaignRules, Thresholds, beijing_date};
use crate::text::bounded;

mod fields;
pub use fields::{ActivityFields, SessionFields, Typed};

/// A vocabulary as an OpenAPI string enum, from the constant that defines it (the rule
/// lives once: the schema is read off the same list the checks use).
macro_rules! vocabulary {
    ($(#[$doc:meta])* $name:ident, $values:expr) => {
        $(#[$doc])*
        pub struct $name;

        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .enum_values(Some($values))
                    .into()
            }
        }

        impl utoipa::ToSchema for $name {}
    };
}

vocabulary!(
    /// 场地类型: one of [`VENUE_TYPES`].
    VenueType,
    VENUE_TYPES
);
vocabulary!(
    /// 面向对象: one of [`AUDIENCES`].
    Audience,
    AUDIENCES
);
vocabulary!(
    /// 线上/线下: one of the keys of [`MODES`].
    Mode,
    MODES.map(|(key, _)| key)
);

/// 场地类型
pub const VENUE_TYPES: [&str; 13] = [
    "科技馆",
    "博物馆",
    "科普教育基地",
    "流动科普设施",
    "学校",
    "高校及科研院所",
    "社区",
    "企业",
    "园区",
    "公园及户外",
    "农村",
    "线上平台",
    "其他",
];

/// 面向对象
pub const AUDIENCES: [&str; 8] = [
    "青少年",
    "农民",
    "产业工人",
    "老年人",
    "领导干部和公务员",
    "社区居民",
    "科技工作者",
    "社会公众",
];

/// 线上/线下
pub const MODES: [(&str, &str); 3] = [
    ("offline", "线下"),
    ("online", "线上"),
    ("both", "线上线下结合"),
];

/// The Chinese name of a mode key (the key itself when it is none of [`MODES`]).
pub fn mode_label(key: &str) -> &str {
    MODES
        .iter()
        .find(|(m, _)| *m == key)
        .map_or(key, |(_, label)| label)
}

/// A named science worker taking part (added one by one).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Scientist {
    /// 姓名
    pub name: String,
    /// 职称
    pub title: String,
    /// 单位
    pub unit: String,
}

/// One session (场次): another place or date of the same activity.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct SessionDraft {
    /// Start.
    pub start: Option<DateTime<FixedOffset>>,
    /// End.
    pub end: Option<DateTime<FixedOffset>>,
    /// Division code.
    pub region_code: Option<String>,
    /// Address.
    pub address: Option<String>,
    /// Longitude (WGS-84).
    pub lon: Option<f64>,
    /// Latitude (WGS-84).
    pub lat: Option<f64>,
}

/// Everything a host has typed. A draft saves whatever is there; [`submit_problems`] says
/// what is missing or wrong before review.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(examples(ActivityDraft::example))]
pub struct ActivityDraft {
    /// 活动名称
    pub name: Option<String>,
    /// 板块 key
    pub section: Option<String>,
    /// 开始时间
    pub start: Option<DateTime<FixedOffset>>,
    /// 结束时间
    pub end: Option<DateTime<FixedOffset>>,
    /// 所在地区
    pub region_code: Option<String>,
    /// 活动举办地址
    pub address: Option<String>,
    /// `offline`, `online` or `both`
    #[schema(value_type = Option<Mode>)]
    pub mode: Option<String>,
    /// 活动网址
    pub online_url: Option<String>,
    /// 场地类型
    #[schema(value_type = Option<VenueType>)]
    pub venue_type: Option<String>,
    /// 面向对象
    #[schema(value_type = Vec<Audience>)]
    pub audiences: Vec<String>,
    /// 支持预约
    pub reservable: bool,
    /// 预约链接
    pub reservation_url: Option<String>,
    /// 预计参与人数
    pub expected_participants: Option<i64>,
    /// 宣传图 (media id)
    pub poster: Option<i64>,
    /// 活动详情 (sanitised HTML)
    pub details: Option<String>,
    /// 活动经费 (yuan, two decimals)
    pub funding_yuan: Option<f64>,
    /// 科技工作者参与人数
    pub scientist_count: Option<i64>,
    /// 主要参与科技工作者
    pub scientists: Vec<Scientist>,
    /// 负责人 (absent from what the public sees)
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact_name: Option<String>,
    /// 联系电话 (absent from what the public sees)
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact_phone: Option<String>,
    /// 活动组织架构 (org ids, top first)
    pub org_chain: Vec<i64>,
    /// 主办单位 (org ids)
    pub hosts: Vec<i64>,
    /// 承办单位 (org ids)
    pub co_hosts: Vec<i64>,
    /// 场次
    pub sessions: Vec<SessionDraft>,
    /// Longitude (WGS-84); the region's centre when absent.
    pub lon: Option<f64>,
    /// Latitude.
    pub lat: Option<f64>,
}

fn present(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

fn check_url(errors: &mut FieldErrors, field: &str, label: &str, value: &Option<String>) {
    if let Some(url) = present(value) {
        let scheme_ok = url.starts_with("http://") || url.starts_with("https://");
        if !scheme_ok || url.chars().count() > 500 || url.chars().any(char::is_whitespace) {
            errors.add(
                field,
                format!("{label}须为以 http:// 或 https:// 开头的有效网址"),
            );
        }
    }
}

fn check_max(
    errors: &mut FieldErrors,
    field: &str,
    label: &str,
    value: &Option<String>,
    max: usize,
) {
    if let Some(v) = present(value) {
        errors.take(field, bounded(v, label, 0, max));
    }
}

fn check_count(errors: &mut FieldErrors, field: &str, label: &str, value: Option<i64>) {
    if value.is_some_and(|v| !(0..=100_000_000).contains(&v)) {
        errors.add(field, format!("{label}须为不小于0的整数"));
    }
}

/// Whether a phone number someone may call: a mobile or a landline with area code.
pub fn phone_like(raw: &str) -> bool {
    let digits = raw.chars().filter(char::is_ascii_digit).count();
    (7..=20).contains(&digits)
        && raw
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '-' | ' ' | '+' | '(' | ')' | '转'))
}

/// Organisations one list (组织架构, 主办单位, 承办单位) may name.
pub const MAX_ORGS: usize = 20;

/// The problem with a list of `count` organisations for `field`, if it names too many.
pub fn org_list_problem(field: &str, count: usize) -> Option<String> {
    (count > MAX_ORGS).then(|| format!("{}最多{MAX_ORGS}个", field_label(field)))
}

/// The one message for an amount that is not a number (the form, the API and the import).
pub const YUAN_FORMAT: &str = "活动经费须为金额，如 3500 或 3500.50";

/// The one message for a time that cannot be read.
pub const TIME_FORMAT: &str = "时间格式应为 年-月-日 时:分";

/// An amount in yuan as typed: digits with an optional decimal part (`3500`, `3500.50`,
/// `3,500`). `NaN`, `inf`, exponents and anything else are refused, never read as nothing.
pub fn parse_yuan(raw: &str) -> Result<f64, String> {
    let cleaned: String = raw
        .trim()
        .chars()
        .filter(|c| *c != ',' && *c != '，')
        .collect();
    let (whole, fraction) = cleaned.split_once('.').unwrap_or((&cleaned, ""));
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if whole.is_empty() || whole.len() > 12 || !digits(whole) || !digits(fraction) {
        return Err(YUAN_FORMAT.to_owned());
    }
    let value: f64 = cleaned.parse().map_err(|_| YUAN_FORMAT.to_owned())?;
    funding_fen(value)?;
    Ok(value)
}

/// A time as typed in a form or sent by a client: RFC 3339 (`2026-09-15T19:00:00+08:00`),
/// or a Beijing wall-clock time `2026-09-15T19:00` / `2026-09-15 19:00[:ss]`.
pub fn parse_time(raw: &str) -> Result<DateTime<FixedOffset>, String> {
    let raw = raw.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(raw) {
        return Ok(t);
    }
    let beijing = FixedOffset::east_opt(8 * 3600).ok_or_else(|| TIME_FORMAT.to_owned())?;
    [
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M:%S",
    ]
    .iter()
    .find_map(|f| chrono::NaiveDateTime::parse_from_str(raw, f).ok())
    .and_then(|t| t.and_local_timezone(beijing).single())
    .ok_or_else(|| TIME_FORMAT.to_owned())
}

/// A whole number as typed (people, counts, an upload's id): the one message for a value
/// that is not one, whichever way it came (form, API, import).
pub fn parse_count(field: &str, raw: &str) -> Result<i64, String> {
    raw.trim()
        .parse::<i64>()
        .map_err(|_| format!("{}须为整数", field_label(field)))
}

/// Funding in yuan as whole fen (分), refusing negatives and more than two decimals.
pub fn funding_fen(yuan: f64) -> Result<i64, String> {
    let fen = (yuan * 100.0).round();
    if !yuan.is_finite() || !(0.0..=1e11).contains(&yuan) {
        return Err("活动经费须为不小于0的金额".to_owned());
    }
    if (yuan * 100.0 - fen).abs() > 1e-6 {
        return Err("活动经费最多保留两位小数".to_owned());
    }
    // In range: checked above.
    #[expect(clippy::cast_possible_truncation, reason = "bounded by 1e13 fen")]
    Ok(fen as i64)
}

/// Cleans the rich-text details: only harmless formatting survives. The result is a fixed
/// point (cleaning it again changes nothing): one pass may leave markup that the HTML parser
/// reads differently the next time (an `<h6>` inside an `<h6>`), so passes repeat until
/// nothing changes.
pub fn sanitise_details(html: &str) -> String {
    let cleaner = {
        let mut b = ammonia::Builder::default();
        b.link_rel(Some("noopener noreferrer nofollow"));
        b
    };
    let mut clean = cleaner.clean(html).to_string();
    // Each pass only removes or re-nests markup; a handful always settles it.
    for _ in 0..8 {
        let again = cleaner.clean(&clean).to_string();
        if again == clean {
            break;
        }
        clean = again;
    }
    clean
}

/// The visible text of sanitised details.
pub fn visible_text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&nbsp;", " ").trim().to_owned()
}

/// Problems that stop even a draft from being saved: values out of any range, unknown
/// vocabulary, malformed links and numbers. Completeness is not required.
pub fn format_problems(d: &ActivityDraft, campaign: &CampaignRules) -> FieldErrors {
    let mut e = FieldErrors::new();
    check_max(&mut e, "name", "活动名称", &d.name, 100);
    if let Some(section) = present(&d.section)
        && campaign.section(section).is_none()
    {
        e.add("section", "板块须为本届活动的板块之一");
    }
    if let Some(mode) = present(&d.mode)
        && !MODES.iter().any(|(m, _)| *m == mode)
    {
        e.add(
            "mode",
            "活动形式须为线下（offline）、线上（online）或线上线下结合（both）",
        );
    }
    if let Some(venue) = present(&d.venue_type)
        && !VENUE_TYPES.contains(&venue)
    {
        e.add("venue_type", "场地类型不在可选范围内");
    }
    for (i, audience) in d.audiences.iter().enumerate() {
        if !AUDIENCES.contains(&audience.as_str()) {
            e.add("audiences", format!("面向对象“{audience}”不在可选范围内"));
        } else if d.audiences.iter().take(i).any(|a| a == audience) {
            e.add("audiences", format!("面向对象“{audience}”重复"));
        }
    }
    check_url(&mut e, "online_url", "活动网址", &d.online_url);
    check_url(&mut e, "reservation_url", "预约链接", &d.reservation_url);
    check_max(&mut e, "address", "活动举办地址", &d.address, 200);
    check_count(
        &mut e,
        "expected_participants",
        "预计参与人数",
        d.expected_participants,
    );
    check_count(
        &mut e,
        "scientist_count",
        "科技工作者参与人数",
        d.scientist_count,
    );
    if let Some(yuan) = d.funding_yuan {
        e.take("funding_yuan", funding_fen(yuan));
    }
    if d.details
        .as_deref()
        .is_some_and(|t| t.chars().count() > 20_000)
    {
        e.add("details", "活动详情不能超过20000个字");
    }
    check_max(&mut e, "contact_name", "负责人", &d.contact_name, 30);
    if let Some(phone) = present(&d.contact_phone)
        && !phone_like(phone)
    {
        e.add(
            "contact_phone",
            "联系电话格式不正确，请填写手机号或带区号的座机号",
        );
    }
    if d.scientists.len() > 200 {
        e.add("scientists", "科技工作者名单最多200人");
    }
    for (i, s) in d.scientists.iter().enumerate() {
        let field = format!("scientists[{i}]");
        if let Err(m) = bounded(&s.name, "科技工作者姓名", 1, 30) {
            e.add(&field, m);
        } else if bounded(&s.title, "职称", 0, 50).is_err()
            || bounded(&s.unit, "单位", 0, 100).is_err()
        {
            e.add(&field, "职称不能超过50个字，单位不能超过100个字");
        }
    }
    for (field, ids) in [
        ("org_chain", &d.org_chain),
        ("hosts", &d.hosts),
        ("co_hosts", &d.co_hosts),
    ] {
        let label = field_label(field);
        if let Some(problem) = org_list_problem(field, ids.len()) {
            e.add(field, problem);
        } else if ids
            .iter()
            .enumerate()
            .any(|(i, id)| ids.iter().take(i).any(|x| x == id))
        {
            e.add(field, format!("{label}有重复"));
        }
    }
    if d.sessions.len() > 100 {
        e.add("sessions", "场次最多100个");
    }
    for (i, s) in d.sessions.iter().enumerate() {
        let field = format!("sessions[{i}]");
        check_max(&mut e, &field, "场次地址", &s.address, 200);
        if let (Some(start), Some(end)) = (s.start, s.end)
            && end < start
        {
            e.add(&field, "场次结束时间不能早于开始时间");
        }
        check_point(&mut e, &field, s.lon, s.lat);
    }
    check_point(&mut e, "lon", d.lon, d.lat);
    e
}

fn check_point(e: &mut FieldErrors, field: &str, lon: Option<f64>, lat: Option<f64>) {
    match (lon, lat) {
        (None, None) => {}
        (Some(lon), Some(lat)) if (73.0..=136.0).contains(&lon) && (3.0..=54.0).contains(&lat) => {}
        (Some(_), Some(_)) => e.add(field, "坐标不在中国范围内"),
        _ => e.add(field, "经度和纬度须同时填写"),
    }
}

fn window_message(campaign: &CampaignRules) -> String {
    let f = |d: NaiveDate| d.format("%Y年%-m月%-d日").to_string();
    format!(
        "活动时间须在{}至{}之间",
        f(campaign.activity_from),
        f(campaign.activity_to)
    )
}

fn within_window(at: DateTime<FixedOffset>, campaign: &CampaignRules) -> bool {
    let day = beijing_date(at.to_utc());
    (campaign.activity_from..=campaign.activity_to).contains(&day)
}

/// Everything that stops an activity from being submitted, listed at once, with the
/// format problems included.
pub fn submit_problems(d: &ActivityDraft, campaign: &CampaignRules) -> FieldErrors {
    let mut e = format_problems(d, campaign);
    match present(&d.name) {
        None => e.add("name", "请填写活动名称"),
        Some(name) => {
            e.take("name", bounded(name, "活动名称", 2, 100));
        }
    }
    let required: [(&str, bool, &str); 10] = [
        ("section", present(&d.section).is_none(), "请选择板块"),
        ("start", d.start.is_none(), "请填写活动开始时间"),
        ("end", d.end.is_none(), "请填写活动结束时间"),
        (
            "region_code",
            present(&d.region_code).is_none(),
            "请选择所在地区",
        ),
        ("mode", present(&d.mode).is_none(), "请选择线上或线下"),
        (
            "venue_type",
            present(&d.venue_type).is_none(),
            "请选择场地类型",
        ),
        (
            "audiences",
            d.audiences.is_empty(),
            "请至少选择一类面向对象",
        ),
        (
            "expected_participants",
            d.expected_participants.is_none(),
            "请填写预计参与人数",
        ),
        ("poster", d.poster.is_none(), "请上传活动宣传图"),
        (
            "details",
            d.details
                .as_deref()
                .is_none_or(|t| visible_text(t).is_empty()),
            "请填写活动详情",
        ),
    ];
    for (field, missing, message) in required {
        if missing {
            e.add(field, message);
        }
    }
    let more: [(&str, bool, &str); 5] = [
        (
            "funding_yuan",
            d.funding_yuan.is_none(),
            "请填写活动经费（无经费请填0）",
        ),
        (
            "scientist_count",
            d.scientist_count.is_none(),
            "请填写科技工作者参与人数",
        ),
        (
            "contact_name",
            present(&d.contact_name).is_none(),
            "请填写负责人",
        ),
        (
            "contact_phone",
            present(&d.contact_phone).is_none(),
            "请填写联系电话",
        ),
        ("hosts", d.hosts.is_empty(), "请至少选择一个主办单位"),
    ];
    for (field, missing, message) in more {
        if missing {
            e.add(field, message);
        }
    }
    // Which of the address and the link is needed follows from the mode: with no mode yet
    // there is one message (choose it), never two that ask for both.
    if let Some(mode) = present(&d.mode) {
        if mode != "online" && present(&d.address).is_none() {
            e.add("address", "线下活动须填写活动举办地址");
        }
        if mode != "offline" && present(&d.online_url).is_none() {
            e.add("online_url", "线上活动须填写活动网址");
        }
    }
    if d.reservable && present(&d.reservation_url).is_none() {
        e.add("reservation_url", "支持预约的活动须填写第三方预约链接");
    }
    for (field, at) in [("start", d.start), ("end", d.end)] {
        if at.is_some_and(|at| !within_window(at, campaign)) {
            e.add(field, window_message(campaign));
        }
    }
    if let (Some(start), Some(end)) = (d.start, d.end)
        && end < start
    {
        e.add("end", "活动结束时间不能早于开始时间");
    }
    for (i, s) in d.sessions.iter().enumerate() {
        let field = format!("sessions[{i}]");
        if s.start.is_none() || s.end.is_none() || present(&s.region_code).is_none() {
            e.add(&field, "每个场次须填写开始时间、结束时间和所在地区");
        } else if [s.start, s.end]
            .into_iter()
            .flatten()
            .any(|at| !within_window(at, campaign))
        {
            e.add(&field, window_message(campaign));
        }
    }
    e
}

/// One bit per audience, in the order of [`AUDIENCES`], for filtering in queries.
pub fn audience_mask(audiences: &[String]) -> i64 {
    AUDIENCES
        .iter()
        .enumerate()
        .filter(|(_, a)| audiences.iter().any(|x| x == *a))
        .fold(0, |mask, (i, _)| mask | (1 << i))
}

/// The bit of one audience, if it is one.
pub fn audience_bit(audience: &str) -> Option<i64> {
    AUDIENCES
        .iter()
        .position(|a| *a == audience)
        .map(|i| 1 << i)
}

/// Whether `participants` reach the excellent-activity threshold for `mode`: online-only
/// activities use the online threshold; offline and both use the offline one.
pub fn meets_threshold(participants: i64, mode: &str, thresholds: &Thresholds) -> bool {
    let needed = if mode == "online" {
        thresholds.online
    } else {
        thresholds.offline
    };
    participants >= i64::from(needed)
}

/// The Chinese label of a draft field, as forms and change lists show it.
pub fn field_label(field: &str) -> &str {
    match field {
        "name" => "活动名称",
        "section" => "板块",
        "start" => "开始时间",
        "end" => "结束时间",
        "region_code" => "所在地区",
        "address" => "活动举办地址",
        "mode" => "线上/线下",
        "online_url" => "活动网址",
        "venue_type" => "场地类型",
        "audiences" => "面向对象",
        "reservable" => "支持预约",
        "reservation_url" => "预约链接",
        "expected_participants" => "预计参与人数",
        "poster" => "宣传图",
        "details" => "活动详情",
        "funding_yuan" => "活动经费（元）",
        "scientist_count" => "科技工作者参与人数",
        "scientists" => "主要参与科技工作者",
        "contact_name" => "负责人",
        "contact_phone" => "联系电话",
        "org_chain" => "活动组织架构",
        "hosts" => "主办单位",
        "co_hosts" => "承办单位",
        "sessions" => "场次",
        "lon" | "lat" => "坐标",
        other => other,
    }
}

impl ActivityDraft {
    /// A complete activity as a county host would file it (the OpenAPI document's example):
    /// a lecture in 郑州市金水区 during the 2026 campaign, hosted by organisation 1; the
    /// poster is uploaded once the draft exists.
    pub fn example() -> ActivityDraft {
        let at = |h: u32| {
            chrono::FixedOffset::east_opt(8 * 3600).and_then(|tz| {
                chrono::NaiveDate::from_ymd_opt(2026, 9, 20)?
                    .and_hms_opt(h, 0, 0)?
                    .and_local_timezone(tz)
                    .single()
            })
        };
        ActivityDraft {
            name: Some("走进量子世界——金水区科普日专家报告会".to_owned()),
            section: Some("lecture".to_owned()),
            start: at(14),
            end: at(16),
            region_code: Some("410105".to_owned()),
            address: Some("郑州市金水区文化路科技馆报告厅".to_owned()),
            mode: Some("offline".to_owned()),
            venue_type: Some("科技馆".to_owned()),
            audiences: vec!["青少年".to_owned(), "社会公众".to_owned()],
            expected_participants: Some(200),
            details: Some("<p>邀请高校物理学者讲解量子计算的原理与应用，现场答疑。</p>".to_owned()),
            funding_yuan: Some(3500.0),
            scientist_count: Some(2),
            scientists: vec![Scientist {
                name: "张明".to_owned(),
                title: "教授".to_owned(),
                unit: "郑州大学物理学院".to_owned(),
            }],
            contact_name: Some("李老师".to_owned()),
            contact_phone: Some("0371-65812345".to_owned()),
            hosts: vec![1],
            ..ActivityDraft::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::campaign::shipped_rules;

    fn campaign() -> CampaignRules {
        shipped_rules().unwrap().for_year(2026)
    }

    fn at(s: &str) -> Option<DateTime<FixedOffset>> {
        Some(DateTime::parse_from_rfc3339(s).unwrap())
    }

    #[test]
    fn the_documented_example_is_complete_but_for_its_poster() {
        let example = ActivityDraft::example();
        assert!(format_problems(&example, &campaign()).is_empty());
        let missing = submit_problems(&example, &campaign());
        assert_eq!(
            missing.iter().map(|(k, _)| k).collect::<Vec<_>>(),
            ["poster"],
            "{missing:?}"
        );
    }

    fn complete() -> ActivityDraft {
        ActivityDraft {
            name: Some("走进天文馆：秋夜观星".to_owned()),
            section: Some("exhibition".to_owned()),
            start: at("2026-09-15T19:00:00+08:00"),
            end: at("2026-09-15T21:30:00+08:00"),
            region_code: Some("411202".to_owned()),
            address: Some("三门峡市湖滨区科技馆".to_owned()),
            mode: Some("offline".to_owned()),
            venue_type: Some("科技馆".to_owned()),
            audiences: vec!["青少年".to_owned(), "社会公众".to_owned()],
            expected_participants: Some(120),
            poster: Some(1),
            details: Some("<p>带领青少年认识秋季星空。</p>".to_owned()),
            funding_yuan: Some(3500.5),
            scientist_count: Some(3),
            contact_name: Some("王老师".to_owned()),
            contact_phone: Some("0398-2812345".to_owned()),
            hosts: vec![1],
            ..Default::default()
        }
    }

    #[test]
    fn amounts_are_digits_or_refused() {
        assert_eq!(parse_yuan("3500"), Ok(3500.0));
        assert_eq!(parse_yuan(" 3,500.50 "), Ok(3500.5));
        for bad in [
            "NaN", "nan", "inf", "-inf", "1e400", "1e3", "-5", "", "3.5.0", "三千",
        ] {
            assert_eq!(parse_yuan(bad), Err(YUAN_FORMAT.to_owned()), "{bad}");
        }
        assert_eq!(
            parse_yuan("1.005"),
            Err("活动经费最多保留两位小数".to_owned())
        );
    }

    #[test]
    fn times_are_read_in_beijing_time() {
        let t = parse_time("2026-09-15T19:00").unwrap();
        assert_eq!(t.to_rfc3339(), "2026-09-15T19:00:00+08:00");
        assert_eq!(parse_time("2026-09-15 19:00").unwrap(), t);
        assert_eq!(parse_time("2026-09-15T11:00:00Z").unwrap(), t);
        for bad in ["2026-02-30T10:00", "202609-15T10:00", "明天", ""] {
            assert_eq!(parse_time(bad), Err(TIME_FORMAT.to_owned()), "{bad}");
        }
    }

    #[test]
    fn a_complete_activity_has_no_problems() {
        assert_eq!(
            submit_problems(&complete(), &campaign()),
            FieldErrors::new()
        );
    }

    #[test]
    fn an_empty_draft_lists_every_required_field_at_once() {
        let e = submit_problems(&ActivityDraft::default(), &campaign());
        for field in [
            "name",
            "section",
            "start",
            "end",
            "region_code",
            "mode",
            "venue_type",
            "audiences",
            "expected_participants",
            "poster",
            "details",
            "funding_yuan",
            "scientist_count",
            "contact_name",
            "contact_phone",
            "hosts",
        ] {
            assert!(e.get(field).is_some(), "{field} missing from {e:?}");
        }
        assert_eq!(e.get("name"), Some("请填写活动名称"));
        // With no mode yet, one message asks for it; none asks for both an address and a
        // link (issue 18, finding 7: an empty form showed both).
        assert_eq!(e.get("mode"), Some("请选择线上或线下"));
        assert_eq!(e.get("address"), None);
        assert_eq!(e.get("online_url"), None);
        assert!(
            format_problems(&ActivityDraft::default(), &campaign()).is_empty(),
            "a draft saves anything"
        );
    }

    #[test]
    fn the_mode_decides_address_and_link() {
        let mut d = complete();
        d.mode = Some("online".to_owned());
        d.address = None;
        let e = submit_problems(&d, &campaign());
        assert_eq!(e.get("online_url"), Some("线上活动须填写活动网址"));
        assert_eq!(e.get("address"), None);
        d.mode = Some("both".to_owned());
        let e = submit_problems(&d, &campaign());
        assert_eq!(e.get("address"), Some("线下活动须填写活动举办地址"));
        d.online_url = Some("ftp://example.com".to_owned());
        assert_eq!(
            submit_problems(&d, &campaign()).get("online_url"),
            Some("活动网址须为以 http:// 或 https:// 开头的有效网址")
        );
    }

    #[test]
    fn dates_lie_in_the_window_and_in_order() {
        let mut d = complete();
        d.start = at("2026-07-31T09:00:00+08:00");
        d.end = at("2026-07-30T09:00:00+08:00");
        let e = submit_problems(&d, &campaign());
        assert_eq!(
            e.get("start"),
            Some("活动时间须在2026年8月2日至2026年9月30日之间")
        );
        assert_eq!(
            e.get("end"),
            Some("活动时间须在2026年8月2日至2026年9月30日之间")
        );
        d.start = at("2026-09-16T09:00:00+08:00");
        d.end = at("2026-09-15T09:00:00+08:00");
        assert_eq!(
            submit_problems(&d, &campaign()).get("end"),
            Some("活动结束时间不能早于开始时间")
        );
        // The last evening of the window counts in Beijing time, whatever offset is sent.
        d.start = at("2026-09-30T15:00:00Z");
        d.end = at("2026-09-30T15:30:00Z");
        assert_eq!(submit_problems(&d, &campaign()).get("start"), None);
        d.end = at("2026-09-30T16:30:00Z");
        assert!(submit_problems(&d, &campaign()).get("end").is_some());
    }

    #[test]
    fn vocabulary_and_numbers_are_checked_even_in_drafts() {
        let d = ActivityDraft {
            section: Some("sports".to_owned()),
            mode: Some("hybrid".to_owned()),
            venue_type: Some("体育馆".to_owned()),
            audiences: vec!["青少年".to_owned(), "青少年".to_owned()],
            expected_participants: Some(-1),
            funding_yuan: Some(10.005),
            contact_phone: Some("call me".to_owned()),
            name: Some("科".repeat(101)),
            ..Default::default()
        };
        let e = format_problems(&d, &campaign());
        assert_eq!(e.get("section"), Some("板块须为本届活动的板块之一"));
        assert!(e.get("mode").is_some());
        assert_eq!(e.get("venue_type"), Some("场地类型不在可选范围内"));
        assert_eq!(e.get("audiences"), Some("面向对象“青少年”重复"));
        assert_eq!(
            e.get("expected_participants"),
            Some("预计参与人数须为不小于0的整数")
        );
        assert_eq!(e.get("funding_yuan"), Some("活动经费最多保留两位小数"));
        assert_eq!(
            e.get("contact_phone"),
            Some("联系电话格式不正确，请填写手机号或带区号的座机号")
        );
        assert_eq!(e.get("name"), Some("活动名称不能超过100个字"));
    }

    #[test]
    fn reservable_needs_a_link() {
        let mut d = complete();
        d.reservable = true;
        assert_eq!(
            submit_problems(&d, &campaign()).get("reservation_url"),
            Some("支持预约的活动须填写第三方预约链接")
        );
    }

    #[test]
    fn sessions_need_time_and_place() {
        let mut d = complete();
        d.sessions = vec![SessionDraft {
            region_code: Some("411203".to_owned()),
            ..Default::default()
        }];
        assert_eq!(
            submit_problems(&d, &campaign()).get("sessions[0]"),
            Some("每个场次须填写开始时间、结束时间和所在地区")
        );
    }

    #[test]
    fn details_are_sanitised() {
        let clean = sanitise_details(
            "<p onclick=\"x()\">科普<script>alert(1)</script><a href=\"javascript:x\">链接</a></p>",
        );
        assert!(
            !clean.contains("script")
                && !clean.contains("onclick")
                && !clean.contains("javascript"),
            "{clean}"
        );
        assert!(clean.contains("科普"));
        // Found by the fuzz target `sanitiser`: one pass left a heading inside a heading.
        let input = "<sth2)><headersrik/p><ble><h6><//eh0t)></s</\u{16}><P\0<ble><h6><//k==";
        let once = ammonia::clean(input);
        assert_ne!(ammonia::clean(&once), once, "one pass is not a fixed point");
        let clean = sanitise_details(input);
        assert_eq!(sanitise_details(&clean), clean);
        let mut d = complete();
        d.details = Some("<p> </p>".to_owned());
        assert_eq!(
            submit_problems(&d, &campaign()).get("details"),
            Some("请填写活动详情")
        );
    }

    #[test]
    fn thresholds_follow_the_mode() {
        let t = Thresholds {
            offline: 50,
            online: 100,
        };
        assert!(meets_threshold(50, "offline", &t));
        assert!(!meets_threshold(49, "offline", &t));
        assert!(!meets_threshold(99, "online", &t));
        assert!(meets_threshold(100, "online", &t));
        assert!(
            !meets_threshold(
                60,
                "both",
                &Thresholds {
                    offline: 80,
                    online: 10
                }
            ),
            "both is held to the offline threshold"
        );
    }

    #[test]
    fn funding_is_counted_in_fen() {
        assert_eq!(funding_fen(3500.5), Ok(350_050));
        assert_eq!(funding_fen(0.0), Ok(0));
        assert!(funding_fen(-1.0).is_err());
    }
}
