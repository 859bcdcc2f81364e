//! The command that writes an activity's fields (创建、修改、导入): what the JSON API, the
//! filling form and the spreadsheet import all build, read by one set of parsers with one
//! set of Chinese messages.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{ActivityDraft, Scientist, SessionDraft, parse_count, parse_time, parse_yuan};
use crate::FieldErrors;

/// A value a client may send as itself or as the text a person typed (a form's field, a
/// spreadsheet's cell); the text is read by the domain's parser, with its one message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum Typed<T> {
    /// The value itself.
    Value(T),
    /// The value as typed (blank text is no value).
    Text(String),
}

use crate::text::given;

/// One session (场次) as sent: times may be typed text.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SessionFields {
    /// 开始时间：RFC 3339, or Beijing time `2026-09-15T19:00` / `2026-09-15 19:00`.
    pub start: Option<String>,
    /// 结束时间, read as `start`.
    pub end: Option<String>,
    /// 所在地区 (division code).
    pub region_code: Option<String>,
    /// 地址
    pub address: Option<String>,
    /// 经度 (WGS-84); the division's centre when absent.
    pub lon: Option<f64>,
    /// 纬度 (WGS-84).
    pub lat: Option<f64>,
}

/// The fields of an activity as a client writes them. Every field may be left out (kept
/// as stored), `null` (cleared) or given; amounts, counts and times may be sent as text,
/// which the same parsers read for the API, the form and the import.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(examples(ActivityFields::example))]
pub struct ActivityFields {
    /// 活动季 (only when creating; the current campaign when absent).
    #[serde(
        default,
        deserialize_with = "given",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<i64>)]
    pub campaign_id: Option<Option<i64>>,
    /// 活动名称
    #[serde(default, deserialize_with = "given")]
    #[schema(value_type = Option<String>)]
    pub name: Option<Option<String>>,
    /// 板块 key (one of the campaign's sections)
    #[serde(default, deserialize_with = "given")]
    #[schema(value_type = Option<String>)]
    pub section: Option<Option<String>>,
    /// 开始时间：RFC 3339, or Beijing time `2026-09-15T19:00`
    #[serde(default, deserialize_with = "given")]
    #[schema(value_type = Option<String>)]
    pub start: Option<Option<String>>,
    /// 结束时间, read as `start`
    #[serde(default, deserialize_with = "given")]
    #[schema(value_type = Option<String>)]
    pub end: Option<Option<String>>,
    /// 所在地区 (division code)
    #[serde(default, deserialize_with = "given")]
    #[schema(value_type = Option<String>)]
    pub region_code: Option<Option<String>>,
    /// 活动举办地址
    #[serde(default, deserialize_with = "given")]
    #[schema(value_type = Option<String>)]
    pub address: Option<Option<String>>,
    /// `offline`, `online` or `both`
    #[serde(default, deserialize_with = "given")]
    #[schema(value_type = Option<super::Mode>)]
    pub mode: Option<Option<String>>,
    /// 活动网址
    #[serde(default, deserialize_with = "given")]
    #[schema(value_type = Option<String>)]
    pub online_url: Option<Option<String>>,
    /// 场地类型
    #[serde(default, deserialize_with = "given")]
    #[schema(value_type = Option<super::VenueType>)]
    pub venue_type: Option<Option<String>>,
    /// 面向对象
    #[serde(default, deserialize_with = "given")]
    #[schema(value_type = Option<Vec<super::Audience>>)]
    pub audiences: Option<Option<Vec<String>>>,
    /// 支持预约
    #[serde(default, deserialize_with = "given")]
    #[schema(value_type = Option<bool>)]
    pub reservable: Option<Option<bool>>,
    /// 预约链接
    #[serde(default, deserialize_with = "given")]
    #[schema(value_type = Option<String>)]
    pub reservation_url: Option<Option<String>>,
    /// 预计参与人数 (a whole number, or its text)
    #[serde(default, deserialize_with = "given")]
    #[schema(value_type = Option<Typed<i64>>)]
    pub expected_participants: Option<Option<Typed<i64>>>,
    /// 宣传图 (the id of a poster uploaded to this activity)
    #[serde(default, deserialize_with = "given")]
    #[schema(value_type = Option<Typed<i64>>)]
    pub poster: Option<Option<Typed<i64>>>,
    /// 活动详情 (HTML; only harmless formatting is kept)
    #[serde(default, deserialize_with = "given")]
    #[schema(value_type = Option<String>)]
    pub details: Option<Option<String>>,
    /// 活动经费 in yuan (`3500`, `3500.50`, or its text)
    #[serde(default, deserialize_with = "given")]
    #[schema(value_type = Option<Typed<f64>>)]
    pub funding_yuan: Option<Option<Typed<f64>>>,
    /// 科技工作者参与人数
    #[serde(default, deserialize_with = "given")]
    #[schema(value_type = Option<Typed<i64>>)]
    pub scientist_count: Option<Option<Typed<i64>>>,
    /// 主要参与科技工作者
    #[serde(default, deserialize_with = "given")]
    #[schema(value_type = Option<Vec<Scientist>>)]
    pub scientists: Option<Option<Vec<Scientist>>>,
    /// 负责人
    #[serde(default, deserialize_with = "given")]
    #[schema(value_type = Option<String>)]
    pub contact_name: Option<Option<String>>,
    /// 联系电话
    #[serde(default, deserialize_with = "given")]
    #[schema(value_type = Option<String>)]
    pub contact_phone: Option<Option<String>>,
    /// 活动组织架构 (organisation ids, top first)
    #[serde(default, deserialize_with = "given")]
    #[schema(value_type = Option<Vec<i64>>)]
    pub org_chain: Option<Option<Vec<i64>>>,
    /// 主办单位 (organisation ids; the first is the publisher's own)
    #[serde(default, deserialize_with = "given")]
    #[schema(value_type = Option<Vec<i64>>)]
    pub hosts: Option<Option<Vec<i64>>>,
    /// 承办单位 (organisation ids)
    #[serde(default, deserialize_with = "given")]
    #[schema(value_type = Option<Vec<i64>>)]
    pub co_hosts: Option<Option<Vec<i64>>>,
    /// 场次 (replaces all sessions)
    #[serde(default, deserialize_with = "given")]
    #[schema(value_type = Option<Vec<SessionFields>>)]
    pub sessions: Option<Option<Vec<SessionFields>>>,
    /// 经度 (WGS-84); the division's centre when absent
    #[serde(default, deserialize_with = "given")]
    #[schema(value_type = Option<f64>)]
    pub lon: Option<Option<f64>>,
    /// 纬度 (WGS-84)
    #[serde(default, deserialize_with = "given")]
    #[schema(value_type = Option<f64>)]
    pub lat: Option<Option<f64>>,
}

/// Blank text is no value.
fn text_value(raw: &str) -> Option<&str> {
    Some(raw.trim()).filter(|t| !t.is_empty())
}

fn read_count(
    field: &str,
    value: Option<Typed<i64>>,
    errors: &mut FieldErrors,
) -> Option<Option<i64>> {
    match value {
        None => Some(None),
        Some(Typed::Value(n)) => Some(Some(n)),
        Some(Typed::Text(raw)) => match text_value(&raw).map(|t| parse_count(field, t)) {
            None => Some(None),
            Some(Ok(n)) => Some(Some(n)),
            Some(Err(m)) => {
                errors.add(field, m);
                None
            }
        },
    }
}

fn read_time(
    field: &str,
    raw: Option<String>,
    errors: &mut FieldErrors,
) -> Option<Option<chrono::DateTime<chrono::FixedOffset>>> {
    match raw.as_deref().and_then(text_value).map(parse_time) {
        None => Some(None),
        Some(Ok(t)) => Some(Some(t)),
        Some(Err(m)) => {
            errors.add(field, m);
            None
        }
    }
}

impl ActivityFields {
    /// Reads a JSON body: unknown fields and wrong types are one message naming the field.
    pub fn from_json(body: serde_json::Value) -> Result<Self, String> {
        if !body.is_object() {
            return Err("请求体须为 JSON 对象".to_owned());
        }
        serde_json::from_value(body).map_err(|e| format!("活动字段不正确：{e}"))
    }

    /// Writes the given fields into `draft`, reading typed text with the domain's parsers.
    /// The problems are by field (`sessions[2]` for a session's time); fields that did not
    /// read are left as they were.
    pub fn apply(self, draft: &mut ActivityDraft) -> FieldErrors {
        let mut errors = FieldErrors::new();
        let d = draft;
        for (slot, value) in [
            (&mut d.name, self.name),
            (&mut d.section, self.section),
            (&mut d.region_code, self.region_code),
            (&mut d.address, self.address),
            (&mut d.mode, self.mode),
            (&mut d.online_url, self.online_url),
            (&mut d.venue_type, self.venue_type),
            (&mut d.reservation_url, self.reservation_url),
            (&mut d.details, self.details),
            (&mut d.contact_name, self.contact_name),
            (&mut d.contact_phone, self.contact_phone),
        ] {
            if let Some(v) = value {
                *slot = v;
            }
        }
        for (field, slot, value) in [
            ("start", &mut d.start, self.start),
            ("end", &mut d.end, self.end),
        ] {
            if let Some(raw) = value
                && let Some(t) = read_time(field, raw, &mut errors)
            {
                *slot = t;
            }
        }
        for (field, slot, value) in [
            (
                "expected_participants",
                &mut d.expected_participants,
                self.expected_participants,
            ),
            (
                "scientist_count",
                &mut d.scientist_count,
                self.scientist_count,
            ),
            ("poster", &mut d.poster, self.poster),
        ] {
            if let Some(v) = value
                && let Some(n) = read_count(field, v, &mut errors)
            {
                *slot = n;
            }
        }
        if let Some(v) = self.funding_yuan {
            match v {
                None => d.funding_yuan = None,
                Some(Typed::Value(y)) => d.funding_yuan = Some(y),
                Some(Typed::Text(raw)) => match text_value(&raw).map(parse_yuan) {
                    None => d.funding_yuan = None,
                    Some(Ok(y)) => d.funding_yuan = Some(y),
                    Some(Err(m)) => errors.add("funding_yuan", m),
                },
            }
        }
        for (slot, value) in [
            (&mut d.org_chain, self.org_chain),
            (&mut d.hosts, self.hosts),
            (&mut d.co_hosts, self.co_hosts),
        ] {
            if let Some(v) = value {
                *slot = v.unwrap_or_default();
            }
        }
        if let Some(v) = self.audiences {
            d.audiences = v.unwrap_or_default();
        }
        if let Some(v) = self.reservable {
            d.reservable = v.unwrap_or_default();
        }
        if let Some(v) = self.scientists {
            d.scientists = v.unwrap_or_default();
        }
        if let Some(v) = self.lon {
            d.lon = v;
        }
        if let Some(v) = self.lat {
            d.lat = v;
        }
        if let Some(v) = self.sessions {
            let mut sessions = Vec::new();
            for (i, s) in v.unwrap_or_default().into_iter().enumerate() {
                let key = format!("sessions[{i}]");
                let start = read_time(&key, s.start, &mut errors).flatten();
                let end = read_time(&key, s.end, &mut errors).flatten();
                sessions.push(SessionDraft {
                    start,
                    end,
                    region_code: s.region_code,
                    address: s.address,
                    lon: s.lon,
                    lat: s.lat,
                });
            }
            d.sessions = sessions;
        }
        errors
    }

    /// Leaves the field a problem is reported under (`start`, `sessions[2]`, `hosts`…)
    /// unchanged, so that the rest can be saved without it; false for a key that names no
    /// field (then nothing may be saved around it).
    pub fn forget(&mut self, key: &str) -> bool {
        let field = key.split('[').next().unwrap_or(key);
        macro_rules! clear {
            ($($name:ident),*) => {
                match field {
                    $(stringify!($name) => { self.$name = None; true })*
                    "lon" | "lat" => { self.lon = None; self.lat = None; true }
                    _ => false,
                }
            };
        }
        clear!(
            campaign_id,
            name,
            section,
            start,
            end,
            region_code,
            address,
            mode,
            online_url,
            venue_type,
            audiences,
            reservable,
            reservation_url,
            expected_participants,
            poster,
            details,
            funding_yuan,
            scientist_count,
            scientists,
            contact_name,
            contact_phone,
            org_chain,
            hosts,
            co_hosts,
            sessions
        )
    }

    /// The problems of the typed text alone (amounts, counts, times), with the messages
    /// [`ActivityFields::apply`] gives; for a form that must know before it acts on other
    /// fields (registering organisations).
    pub fn typed_text_problems(&self) -> FieldErrors {
        self.clone().apply(&mut ActivityDraft::default())
    }
}

impl ActivityFields {
    /// Every field of [`ActivityDraft::example`], as a client sends it to create the
    /// activity (the OpenAPI document's example).
    pub fn example() -> ActivityFields {
        ActivityFields::from(ActivityDraft::example())
    }
}

impl From<ActivityDraft> for ActivityFields {
    /// Every field of a stored draft, given (a copy's content).
    fn from(d: ActivityDraft) -> Self {
        let time = |t: Option<chrono::DateTime<chrono::FixedOffset>>| t.map(|t| t.to_rfc3339());
        ActivityFields {
            campaign_id: None,
            name: Some(d.name),
            section: Some(d.section),
            start: Some(time(d.start)),
            end: Some(time(d.end)),
            region_code: Some(d.region_code),
            address: Some(d.address),
            mode: Some(d.mode),
            online_url: Some(d.online_url),
            venue_type: Some(d.venue_type),
            audiences: Some(Some(d.audiences)),
            reservable: Some(Some(d.reservable)),
            reservation_url: Some(d.reservation_url),
            expected_participants: Some(d.expected_participants.map(Typed::Value)),
            poster: Some(d.poster.map(Typed::Value)),
            details: Some(d.details),
            funding_yuan: Some(d.funding_yuan.map(Typed::Value)),
            scientist_count: Some(d.scientist_count.map(Typed::Value)),
            scientists: Some(Some(d.scientists)),
            contact_name: Some(d.contact_name),
            contact_phone: Some(d.contact_phone),
            org_chain: Some(Some(d.org_chain)),
            hosts: Some(Some(d.hosts)),
            co_hosts: Some(Some(d.co_hosts)),
            sessions: Some(Some(
                d.sessions
                    .into_iter()
                    .map(|s| SessionFields {
                        start: time(s.start),
                        end: time(s.end),
                        region_code: s.region_code,
                        address: s.address,
                        lon: s.lon,
                        lat: s.lat,
                    })
                    .collect(),
            )),
            lon: Some(d.lon),
            lat: Some(d.lat),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn absent_keeps_null_clears_and_text_is_read() {
        let mut d = ActivityDraft {
            name: Some("旧名".into()),
            address: Some("旧址".into()),
            funding_yuan: Some(1.0),
            ..Default::default()
        };
        let f = ActivityFields::from_json(json!({
            "address": null, "funding_yuan": "3,500.50", "expected_participants": 120,
            "start": "2026-09-15T19:00", "scientist_count": " "
        }))
        .unwrap();
        assert!(f.apply(&mut d).is_empty());
        assert_eq!(d.name.as_deref(), Some("旧名"));
        assert_eq!(d.address, None);
        assert_eq!(d.funding_yuan, Some(3500.5));
        assert_eq!(d.expected_participants, Some(120));
        assert_eq!(d.start.unwrap().to_rfc3339(), "2026-09-15T19:00:00+08:00");
        assert_eq!(d.scientist_count, None);
    }

    #[test]
    fn forgetting_the_fields_with_problems_leaves_the_rest_to_save() {
        let mut f = ActivityFields::from_json(json!({
            "name": "机器人科普体验营", "start": "202609-15T09:00", "funding_yuan": "NaN",
            "sessions": [{"start": "2026-09-15T09:00"}, {"start": "明天"}]
        }))
        .unwrap();
        let problems = f.typed_text_problems();
        for (key, _) in problems.iter() {
            assert!(f.forget(key), "{key} names a field");
        }
        assert!(f.typed_text_problems().is_empty());
        assert!(!f.forget("nonsense"));
        let mut d = ActivityDraft::default();
        assert!(f.apply(&mut d).is_empty());
        assert_eq!(d.name.as_deref(), Some("机器人科普体验营"));
        assert_eq!((d.start, d.funding_yuan, d.sessions.len()), (None, None, 0));
    }

    #[test]
    fn one_message_for_each_bad_text() {
        let f = ActivityFields::from_json(json!({
            "funding_yuan": "NaN", "expected_participants": "很多",
            "sessions": [{"start": "202609-15"}]
        }))
        .unwrap();
        let e = f.typed_text_problems();
        assert_eq!(e.get("funding_yuan"), Some(crate::activity::YUAN_FORMAT));
        assert_eq!(e.get("expected_participants"), Some("预计参与人数须为整数"));
        assert_eq!(e.get("sessions[0]"), Some(crate::activity::TIME_FORMAT));
    }

    #[test]
    fn unknown_fields_and_wrong_types_name_the_field() {
        let e = ActivityFields::from_json(json!({"audiences": "青少年"})).unwrap_err();
        assert!(e.starts_with("活动字段不正确"), "{e}");
        let e = ActivityFields::from_json(json!({"colour": 1})).unwrap_err();
        assert!(e.contains("colour"), "{e}");
        assert_eq!(
            ActivityFields::from_json(json!([1])).unwrap_err(),
            "请求体须为 JSON 对象"
        );
    }

    #[test]
    fn a_draft_round_trips_through_its_fields() {
        let d = ActivityDraft {
            name: Some("天文夜".into()),
            start: crate::activity::parse_time("2026-09-15T19:00").ok(),
            funding_yuan: Some(12.5),
            hosts: vec![3, 4],
            sessions: vec![SessionDraft {
                address: Some("馆内".into()),
                start: crate::activity::parse_time("2026-09-16 09:00").ok(),
                ..Default::default()
            }],
            ..Default::default()
        };
        let mut back = ActivityDraft::default();
        assert!(ActivityFields::from(d.clone()).apply(&mut back).is_empty());
        assert_eq!(back, d);
    }
}
