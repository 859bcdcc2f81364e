//! 活动补充信息: what a host adds after the activity, what makes it complete, and when an
//! activity may be put forward as excellent (推优).

use chrono::{DateTime, Days, Utc};
use serde::{Deserialize, Serialize};

use crate::FieldErrors;
use crate::campaign::{CampaignRules, beijing_date};
use crate::review::Status;

/// The structured summary (活动总结).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Summary {
    /// 基本情况
    pub basic: Option<String>,
    /// 主要成效
    pub outcomes: Option<String>,
    /// 特色亮点
    pub highlights: Option<String>,
    /// 可复用科普资源
    pub resources: Option<String>,
    /// 工作体会
    pub lessons: Option<String>,
}

/// A supplement as stored; may be incomplete.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Supplement {
    /// 实际参与人数
    pub participants: Option<i64>,
    /// 媒体报道链接
    pub media_links: Vec<String>,
    /// 活动照片 (media ids)
    pub photos: Vec<i64>,
    /// 活动视频 (media ids)
    pub videos: Vec<i64>,
    /// 参与人数佐证照片 (media id)
    pub evidence_photo: Option<i64>,
    /// 活动总结
    pub summary: Summary,
}

/// The one message for a number of participants that is not one.
pub const PARTICIPANTS_FORMAT: &str = "实际参与人数须为不小于0的整数";

/// A supplement as a client writes it (`PUT /api/v1/activities/{id}/supplement`, the
/// supplement form): the whole supplement, with the number of participants as a number or
/// as typed text.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(examples(SupplementFields::example))]
pub struct SupplementFields {
    /// 实际参与人数 (a whole number, or its text; blank is none)
    #[schema(value_type = Option<crate::activity::Typed<i64>>)]
    #[serde(default)]
    pub participants: Option<crate::activity::Typed<i64>>,
    /// 媒体报道链接
    #[serde(default)]
    pub media_links: Vec<String>,
    /// 活动照片 (media ids uploaded to this activity)
    #[serde(default)]
    pub photos: Vec<i64>,
    /// 活动视频 (media ids uploaded to this activity)
    #[serde(default)]
    pub videos: Vec<i64>,
    /// 参与人数佐证照片 (media id)
    #[serde(default)]
    pub evidence_photo: Option<i64>,
    /// 活动总结
    #[serde(default)]
    pub summary: Summary,
}

impl SupplementFields {
    /// A complete supplement for an offline activity (the OpenAPI document's example): the
    /// photo, video and evidence ids are those uploaded to the activity beforehand.
    pub fn example() -> SupplementFields {
        let text = |t: &str| Some(t.to_owned());
        SupplementFields {
            participants: Some(crate::activity::Typed::Value(236)),
            media_links: vec!["https://www.kepu.gov.cn/news/2026-09-21/quantum.html".to_owned()],
            photos: vec![101, 102, 103],
            videos: vec![104],
            evidence_photo: Some(105),
            summary: Summary {
                basic: text("9月20日下午在金水区科技馆报告厅举办，236名师生和居民参加。"),
                outcomes: text("现场答疑40余个问题，发放科普读物300册。"),
                highlights: text("专家用光学实验演示量子叠加，学生亲手操作。"),
                resources: text("讲座视频已上传区科协科普资源库。"),
                lessons: text("报名人数超出预期，下次提前开放线上预约。"),
            },
        }
    }

    /// Reads a JSON body: unknown fields and wrong types are one message naming the field.
    pub fn from_json(body: serde_json::Value) -> Result<Self, String> {
        serde_json::from_value(body).map_err(|e| format!("补充信息字段不正确：{e}"))
    }

    /// The supplement these fields describe, or the problems of its typed text by field.
    pub fn read(self) -> Result<Supplement, FieldErrors> {
        use crate::activity::Typed;
        let participants = match self.participants {
            None => None,
            Some(Typed::Value(n)) => Some(n),
            Some(Typed::Text(t)) if t.trim().is_empty() => None,
            Some(Typed::Text(t)) => match t.trim().parse::<i64>() {
                Ok(n) => Some(n),
                Err(_) => return Err(FieldErrors::single("participants", PARTICIPANTS_FORMAT)),
            },
        };
        Ok(Supplement {
            participants,
            media_links: self.media_links,
            photos: self.photos,
            videos: self.videos,
            evidence_photo: self.evidence_photo,
            summary: self.summary,
        })
    }

    /// The number of participants as the form shows it.
    pub fn participants_text(&self) -> String {
        match &self.participants {
            None => String::new(),
            Some(crate::activity::Typed::Value(n)) => n.to_string(),
            Some(crate::activity::Typed::Text(t)) => t.clone(),
        }
    }
}

impl From<Supplement> for SupplementFields {
    fn from(s: Supplement) -> Self {
        SupplementFields {
            participants: s.participants.map(crate::activity::Typed::Value),
            media_links: s.media_links,
            photos: s.photos,
            videos: s.videos,
            evidence_photo: s.evidence_photo,
            summary: s.summary,
        }
    }
}

/// What the store knows of a media id named in a supplement.
#[derive(Debug, Clone, PartialEq)]
pub struct MediaFact {
    /// Id.
    pub id: i64,
    /// `photo`, `video`, `evidence`, `poster`.
    pub kind: String,
    /// A video's length.
    pub seconds: Option<f64>,
}

/// The summary's parts, by key, with their Chinese names, in the order of the form.
pub const SUMMARY_PARTS: [(&str, &str); 5] = [
    ("basic", "基本情况"),
    ("outcomes", "主要成效"),
    ("highlights", "特色亮点"),
    ("resources", "可复用科普资源"),
    ("lessons", "工作体会"),
];

impl Summary {
    fn parts(&self) -> [(&str, &str, &Option<String>); 5] {
        let [a, b, c, d, e] = SUMMARY_PARTS;
        [
            (a.0, a.1, &self.basic),
            (b.0, b.1, &self.outcomes),
            (c.0, c.1, &self.highlights),
            (d.0, d.1, &self.resources),
            (e.0, e.1, &self.lessons),
        ]
    }
}

/// Problems that stop a supplement from being saved at all. `media` describes every id the
/// supplement names that was uploaded to this activity (unknown ids are missing from it).
pub fn problems(s: &Supplement, rules: &CampaignRules, media: &[MediaFact]) -> FieldErrors {
    let mut e = FieldErrors::new();
    if s.participants
        .is_some_and(|n| !(0..=100_000_000).contains(&n))
    {
        e.add("participants", PARTICIPANTS_FORMAT);
    }
    if s.media_links.len() > 20 {
        e.add("media_links", "媒体报道链接最多20条");
    }
    for link in &s.media_links {
        let ok = (link.starts_with("http://") || link.starts_with("https://"))
            && link.chars().count() <= 500
            && !link.contains(char::is_whitespace);
        if !ok {
            e.add(
                "media_links",
                format!(
                    "媒体报道链接“{}”须为以 http:// 或 https:// 开头的网址",
                    link.chars().take(60).collect::<String>()
                ),
            );
        }
    }
    let kind_of = |id: i64| media.iter().find(|m| m.id == id);
    if s.photos.len() > rules.photos.max as usize {
        e.add("photos", format!("活动照片最多{}张", rules.photos.max));
    } else if s
        .photos
        .iter()
        .any(|id| kind_of(*id).is_none_or(|m| m.kind != "photo"))
    {
        e.add("photos", "活动照片须为上传到本活动的照片");
    }
    if s.videos.len() > rules.videos.max as usize {
        e.add("videos", format!("活动视频最多{}段", rules.videos.max));
    } else if s
        .videos
        .iter()
        .any(|id| kind_of(*id).is_none_or(|m| m.kind != "video"))
    {
        e.add("videos", "活动视频须为上传到本活动的视频");
    } else if s.videos.iter().filter_map(|id| kind_of(*id)).any(|m| {
        m.seconds
            .is_some_and(|sec| sec > f64::from(rules.videos.max_seconds))
    }) {
        e.add(
            "videos",
            format!("每段视频不超过{}秒", rules.videos.max_seconds),
        );
    }
    if let Some(id) = s.evidence_photo
        && kind_of(id).is_none_or(|m| m.kind != "evidence")
    {
        e.add(
            "evidence_photo",
            "参与人数佐证照片须为上传到本活动的佐证照片",
        );
    }
    for (key, label, text) in s.summary.parts() {
        if text.as_deref().is_some_and(|t| t.chars().count() > 5000) {
            e.add(
                &format!("summary.{key}"),
                format!("{label}不能超过5000个字"),
            );
        }
    }
    e
}

/// What is still missing for the supplement to be complete, in Chinese; empty when complete.
pub fn missing(s: &Supplement, rules: &CampaignRules) -> Vec<String> {
    let mut out = Vec::new();
    if s.participants.is_none() {
        out.push("实际参与人数".to_owned());
    }
    if (s.media_links.len() as u64) < u64::from(rules.media_links_min) {
        out.push(format!("至少{}条媒体报道链接", rules.media_links_min));
    }
    if (s.photos.len() as u64) < u64::from(rules.photos.min) {
        out.push(format!(
            "至少{}张活动照片（已有{}张）",
            rules.photos.min,
            s.photos.len()
        ));
    }
    if s.evidence_photo.is_none() {
        out.push("参与人数佐证照片".to_owned());
    }
    for (_, label, text) in s.summary.parts() {
        if text.as_deref().is_none_or(|t| t.trim().is_empty()) {
            out.push(format!("活动总结：{label}"));
        }
    }
    out
}

/// The last calendar day (China time) on which the supplement may be completed.
pub fn deadline(end: DateTime<Utc>, rules: &CampaignRules) -> chrono::NaiveDate {
    deadline_after(end, rules.supplement_days)
}

fn deadline_after(end: DateTime<Utc>, days: u32) -> chrono::NaiveDate {
    let end_day = beijing_date(end);
    end_day
        .checked_add_days(Days::new(u64::from(days)))
        .unwrap_or(end_day)
}

/// Whether a supplement completed at `done` was on time for an activity ending at `end`
/// with `days` (the campaign's `supplement_days`) to complete it.
pub fn completed_on_time(done: DateTime<Utc>, end: DateTime<Utc>, days: u32) -> bool {
    beijing_date(done) <= deadline_after(end, days)
}

/// Why an activity cannot be put forward as excellent; empty when it can: approved, its
/// supplement complete by the deadline, and real participants at the threshold of its mode.
pub fn eligibility_reasons(
    status: Status,
    mode: Option<&str>,
    end: Option<DateTime<Utc>>,
    completed_at: Option<DateTime<Utc>>,
    participants: Option<i64>,
    rules: &CampaignRules,
) -> Vec<String> {
    let mut reasons = Vec::new();
    if status != Status::Approved {
        reasons.push("活动尚未通过审核".to_owned());
    }
    match (completed_at, end) {
        (None, _) => reasons.push("活动补充信息尚未填报完整".to_owned()),
        (Some(done), Some(end)) if !completed_on_time(done, end, rules.supplement_days) => {
            reasons.push(format!(
                "活动补充信息未在活动结束后{}日内填报完整",
                rules.supplement_days
            ));
        }
        _ => {}
    }
    let needed = if mode == Some("online") {
        rules.thresholds.online
    } else {
        rules.thresholds.offline
    };
    if participants.is_none_or(|n| n < i64::from(needed)) {
        let kind = if mode == Some("online") {
            "线上"
        } else {
            "线下"
        };
        reasons.push(format!("实际参与人数未达到{kind}活动{needed}人的要求"));
    }
    reasons
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::campaign::shipped_rules;

    fn rules() -> CampaignRules {
        shipped_rules().unwrap().for_year(2026)
    }

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    #[test]
    fn the_documented_example_is_complete() {
        let example = SupplementFields::example().read().unwrap();
        let kind = |id: i64| match id {
            101..=103 => "photo",
            104 => "video",
            _ => "evidence",
        };
        let media: Vec<MediaFact> = (101..=105)
            .map(|id| MediaFact {
                id,
                kind: kind(id).to_owned(),
                seconds: (id == 104).then_some(95.0),
            })
            .collect();
        assert!(problems(&example, &rules(), &media).is_empty());
        assert!(missing(&example, &rules()).is_empty());
    }

    fn complete() -> Supplement {
        Supplement {
            participants: Some(80),
            media_links: vec!["https://news.example.cn/a".to_owned()],
            photos: vec![1, 2, 3],
            videos: vec![4],
            evidence_photo: Some(5),
            summary: Summary {
                basic: Some("基本情况".to_owned()),
                outcomes: Some("成效".to_owned()),
                highlights: Some("亮点".to_owned()),
                resources: Some("资源".to_owned()),
                lessons: Some("体会".to_owned()),
            },
        }
    }

    fn media() -> Vec<MediaFact> {
        let mut m: Vec<MediaFact> = (1..=3)
            .map(|id| MediaFact {
                id,
                kind: "photo".to_owned(),
                seconds: None,
            })
            .collect();
        m.push(MediaFact {
            id: 4,
            kind: "video".to_owned(),
            seconds: Some(120.0),
        });
        m.push(MediaFact {
            id: 5,
            kind: "evidence".to_owned(),
            seconds: None,
        });
        m
    }

    #[test]
    fn a_complete_supplement() {
        assert!(problems(&complete(), &rules(), &media()).is_empty());
        assert!(missing(&complete(), &rules()).is_empty());
    }

    #[test]
    fn an_empty_supplement_may_be_saved_and_says_what_is_missing() {
        assert!(problems(&Supplement::default(), &rules(), &[]).is_empty());
        let m = missing(&Supplement::default(), &rules());
        assert!(m.contains(&"实际参与人数".to_owned()));
        assert!(m.contains(&"至少3张活动照片（已有0张）".to_owned()));
        assert!(m.contains(&"活动总结：工作体会".to_owned()));
    }

    #[test]
    fn broken_rules_are_refused() {
        let mut s = complete();
        s.participants = Some(-1);
        s.media_links = vec!["ftp://x".to_owned()];
        s.photos = (1..=11).collect();
        s.videos = vec![1];
        s.evidence_photo = Some(1);
        let e = problems(&s, &rules(), &media());
        assert_eq!(e.get("participants"), Some("实际参与人数须为不小于0的整数"));
        assert_eq!(
            e.get("media_links"),
            Some("媒体报道链接“ftp://x”须为以 http:// 或 https:// 开头的网址")
        );
        assert_eq!(e.get("photos"), Some("活动照片最多10张"));
        assert_eq!(e.get("videos"), Some("活动视频须为上传到本活动的视频"));
        assert_eq!(
            e.get("evidence_photo"),
            Some("参与人数佐证照片须为上传到本活动的佐证照片")
        );
        let mut long = media();
        long[3].seconds = Some(181.0);
        assert_eq!(
            problems(&complete(), &rules(), &long).get("videos"),
            Some("每段视频不超过180秒")
        );
        let mut many = complete();
        many.videos = vec![4, 4, 4, 4];
        assert_eq!(
            problems(&many, &rules(), &media()).get("videos"),
            Some("活动视频最多3段")
        );
    }

    #[test]
    fn eligibility_needs_approval_a_timely_supplement_and_the_threshold() {
        let r = rules();
        let end = at("2026-09-15T12:00:00+08:00");
        let ok = eligibility_reasons(
            Status::Approved,
            Some("offline"),
            Some(end),
            Some(at("2026-09-25T23:00:00+08:00")),
            Some(50),
            &r,
        );
        assert!(ok.is_empty(), "{ok:?}");
        let late = eligibility_reasons(
            Status::Approved,
            Some("offline"),
            Some(end),
            Some(at("2026-09-26T00:30:00+08:00")),
            Some(50),
            &r,
        );
        assert_eq!(late, ["活动补充信息未在活动结束后10日内填报完整"]);
        let online = eligibility_reasons(
            Status::Approved,
            Some("online"),
            Some(end),
            Some(end),
            Some(99),
            &r,
        );
        assert_eq!(online, ["实际参与人数未达到线上活动100人的要求"]);
        let both = eligibility_reasons(
            Status::Approved,
            Some("both"),
            Some(end),
            Some(end),
            Some(49),
            &r,
        );
        assert_eq!(
            both,
            ["实际参与人数未达到线下活动50人的要求"],
            "both is held to the offline threshold"
        );
        let draft = eligibility_reasons(Status::Draft, Some("offline"), Some(end), None, None, &r);
        assert_eq!(
            draft,
            [
                "活动尚未通过审核",
                "活动补充信息尚未填报完整",
                "实际参与人数未达到线下活动50人的要求"
            ]
        );
    }
}
