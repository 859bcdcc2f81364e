//! A campaign (one edition of 全国科普日, or a province's or city's own): its sections,
//! windows, thresholds and limits. Every rule of the season is data here, never code.

use chrono::{Datelike, Days, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::FieldErrors;

/// The shipped national rules (the 2024 edition), from which an empty database's current
/// campaign is built and which supply every number a new campaign leaves out.
pub const SHIPPED_RULES: &str = include_str!("../../../config/campaign-national.json");

/// A section (板块).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Section {
    /// Stable key used on the wire (`exhibition`).
    pub key: String,
    /// Chinese name (千馆展览探未来).
    pub name: String,
}

/// Real participants an activity must reach to be put forward as excellent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Thresholds {
    /// For offline activities, and those both offline and online.
    pub offline: u32,
    /// For online-only activities.
    pub online: u32,
}

/// How many photos a supplement holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PhotoRule {
    /// At least.
    pub min: u32,
    /// At most.
    pub max: u32,
}

/// How many videos a supplement may hold, and how long each may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct VideoRule {
    /// At most this many.
    pub max: u32,
    /// Each at most this many seconds.
    pub max_seconds: u32,
}

/// When each level's summary (工作总结) is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SummaryDeadlines {
    /// 举办单位
    pub unit: NaiveDate,
    /// 县级
    pub county: NaiveDate,
    /// 市级 and provincial societies
    pub city: NaiveDate,
    /// 省级
    pub province: NaiveDate,
}

/// How many nominations each level may pass up; `None` is no limit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NominationLimits {
    /// 县级
    pub county: Option<u32>,
    /// 市级
    pub city: Option<u32>,
    /// 省级
    pub province: Option<u32>,
}

/// A campaign's rules, consistent as a whole once built by [`CampaignInput::into_rules`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CampaignRules {
    /// The edition's year; need not be unique.
    pub year: i32,
    /// 主题
    pub theme: String,
    /// The area it is run for: `000000` for the national campaign.
    pub region_code: String,
    /// 板块
    pub sections: Vec<Section>,
    /// First day an activity may be held.
    pub activity_from: NaiveDate,
    /// Last day an activity may be held.
    pub activity_to: NaiveDate,
    /// First day activities may be published.
    pub publish_from: NaiveDate,
    /// 集中活动期 start.
    pub focus_from: NaiveDate,
    /// 集中活动期 end.
    pub focus_to: NaiveDate,
    /// Activities held until this day are counted.
    pub count_to: NaiveDate,
    /// Days after an activity's end within which its supplement must be complete.
    pub supplement_days: u32,
    /// Excellent-activity thresholds.
    pub thresholds: Thresholds,
    /// Supplement photos.
    pub photos: PhotoRule,
    /// Supplement videos.
    pub videos: VideoRule,
    /// Media report links a supplement needs at least.
    pub media_links_min: u32,
    /// Summary deadlines by level.
    pub summary_deadlines: SummaryDeadlines,
    /// Nomination limits by level.
    pub nomination_limits: NominationLimits,
    /// Days before the supplement deadline at which hosts are reminded (largest first).
    #[serde(default = "default_reminder_days")]
    pub reminder_days: Vec<u32>,
    /// Working days each review level has to decide (stored before they were configurable:
    /// the shipped rules').
    #[serde(default = "default_review_days")]
    pub review_days: crate::deadline::ReviewDays,
    /// Weekdays that are not working days (法定节假日), for review deadlines.
    #[serde(default)]
    pub holidays: Vec<NaiveDate>,
    /// Weekend days that are working days (调休).
    #[serde(default)]
    pub workdays: Vec<NaiveDate>,
}

fn default_review_days() -> crate::deadline::ReviewDays {
    shipped_rules()
        .map(|r| r.review_days)
        .unwrap_or(crate::deadline::ReviewDays {
            province: 0,
            national: 0,
        })
}

/// The reminder days of campaigns stored before they were configurable: the shipped
/// rules' (which name them, so this never recurses).
fn default_reminder_days() -> Vec<u32> {
    shipped_rules().map(|r| r.reminder_days).unwrap_or_default()
}

/// A section as sent by a national administrator.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct SectionInput {
    /// Key.
    #[serde(default)]
    pub key: String,
    /// Name.
    #[serde(default)]
    pub name: String,
}

/// A campaign as sent to `POST /api/v1/campaigns`: everything beyond the window, theme,
/// year and sections is optional and derived or defaulted.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CampaignInput {
    /// Year.
    pub year: Option<i64>,
    /// Theme.
    pub theme: Option<String>,
    /// Scope; `000000` or absent for national.
    pub region_code: Option<String>,
    /// Sections.
    pub sections: Option<Vec<SectionInput>>,
    /// Activity window start.
    pub activity_from: Option<NaiveDate>,
    /// Activity window end.
    pub activity_to: Option<NaiveDate>,
    /// Publishing opens.
    pub publish_from: Option<NaiveDate>,
    /// Focus start.
    pub focus_from: Option<NaiveDate>,
    /// Focus end.
    pub focus_to: Option<NaiveDate>,
    /// Counted until.
    pub count_to: Option<NaiveDate>,
    /// Supplement days.
    pub supplement_days: Option<i64>,
    /// `{offline, online}`.
    pub thresholds: Option<ThresholdsInput>,
    /// `{min, max}`.
    pub photos: Option<PhotosInput>,
    /// `{max, max_seconds}`.
    pub videos: Option<VideosInput>,
    /// Media links at least.
    pub media_links_min: Option<i64>,
    /// Summary deadlines, each optional.
    pub summary_deadlines: Option<DeadlinesInput>,
    /// Nomination limits, each optional (null: none).
    pub nomination_limits: Option<LimitsInput>,
    /// Reminder days before the supplement deadline.
    pub reminder_days: Option<Vec<i64>>,
    /// Working days each review level has: `{province, national}`.
    pub review_days: Option<ReviewDaysInput>,
    /// Weekdays off (法定节假日).
    pub holidays: Option<Vec<NaiveDate>>,
    /// Weekend days worked (调休).
    pub workdays: Option<Vec<NaiveDate>>,
    /// Make it the current campaign of its scope.
    pub current: Option<bool>,
}

/// `{offline, online}` as sent.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ThresholdsInput {
    /// Offline.
    pub offline: Option<i64>,
    /// Online.
    pub online: Option<i64>,
}

/// `{min, max}` as sent.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PhotosInput {
    /// Min.
    pub min: Option<i64>,
    /// Max.
    pub max: Option<i64>,
}

/// `{max, max_seconds}` as sent.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VideosInput {
    /// Max.
    pub max: Option<i64>,
    /// Max seconds.
    pub max_seconds: Option<i64>,
}

/// Summary deadlines as sent.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeadlinesInput {
    /// Unit.
    pub unit: Option<NaiveDate>,
    /// County.
    pub county: Option<NaiveDate>,
    /// City.
    pub city: Option<NaiveDate>,
    /// Province.
    pub province: Option<NaiveDate>,
}

/// Review days as sent.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewDaysInput {
    /// 省级审核 (working days).
    pub province: Option<i64>,
    /// 全国审核 (working days).
    pub national: Option<i64>,
}

/// Nomination limits as sent.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LimitsInput {
    /// County.
    pub county: Option<i64>,
    /// City.
    pub city: Option<i64>,
    /// Province.
    pub province: Option<i64>,
}

/// The calendar day in China (UTC+8, no daylight saving) at an instant: campaign years
/// and deadlines are reckoned in it.
pub fn beijing_date(at: chrono::DateTime<chrono::Utc>) -> NaiveDate {
    (at + chrono::Duration::hours(8)).date_naive()
}

/// China's time zone (UTC+8 all year).
pub const BEIJING: chrono::FixedOffset = match chrono::FixedOffset::east_opt(8 * 3600) {
    Some(offset) => offset,
    None => panic!("UTC+8 is a valid offset"),
};

/// Parses the shipped rules file.
pub fn shipped_rules() -> Result<CampaignRules, String> {
    serde_json::from_str(SHIPPED_RULES).map_err(|e| format!("config/campaign-national.json: {e}"))
}

impl CampaignRules {
    /// These rules moved to another year, month and day kept (the shipped 2024 rules
    /// become this year's national campaign on an empty database).
    pub fn for_year(&self, year: i32) -> CampaignRules {
        let shift = |d: NaiveDate| d.with_year(d.year() + year - self.year).unwrap_or(d);
        let mut rules = self.clone();
        rules.year = year;
        if year != self.year {
            // Holidays fall on other days in another year.
            rules.holidays.clear();
            rules.workdays.clear();
        }
        for date in [
            &mut rules.activity_from,
            &mut rules.activity_to,
            &mut rules.publish_from,
            &mut rules.focus_from,
            &mut rules.focus_to,
            &mut rules.count_to,
            &mut rules.summary_deadlines.unit,
            &mut rules.summary_deadlines.county,
            &mut rules.summary_deadlines.city,
            &mut rules.summary_deadlines.province,
        ] {
            *date = shift(*date);
        }
        rules
    }

    /// The campaign's working days.
    pub fn calendar(&self) -> crate::deadline::Calendar<'_> {
        crate::deadline::Calendar {
            holidays: &self.holidays,
            workdays: &self.workdays,
        }
    }

    /// Whether `key` is one of this campaign's sections.
    pub fn section(&self, key: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.key == key)
    }

    /// Every inconsistency, by field.
    pub fn problems(&self) -> FieldErrors {
        let mut errors = FieldErrors::new();
        if !(2000..=2100).contains(&self.year) {
            errors.add("year", "年份须在2000至2100之间");
        }
        errors.take("theme", crate::text::bounded(&self.theme, "主题", 1, 200));
        check_sections(&self.sections, &mut errors);
        if self.activity_to < self.activity_from {
            errors.add("activity_to", "活动结束日期不能早于开始日期");
        }
        if self.publish_from > self.activity_to {
            errors.add("publish_from", "开放填报日期不能晚于活动结束日期");
        }
        if self.focus_to < self.focus_from {
            errors.add("focus_to", "集中活动期的结束日期不能早于开始日期");
        }
        if self.focus_from < self.activity_from || self.focus_to > self.activity_to {
            errors.add("focus_from", "集中活动期须在活动时间范围内");
        }
        if self.count_to < self.activity_to {
            errors.add("count_to", "统计截止日期不能早于活动结束日期");
        }
        let d = &self.summary_deadlines;
        if d.unit < self.activity_from {
            errors.add("summary_deadlines", "工作总结截止日期不能早于活动开始日期");
        } else if !(d.unit <= d.county && d.county <= d.city && d.city <= d.province) {
            errors.add(
                "summary_deadlines",
                "工作总结截止日期须按单位、县、市、省的顺序不早于下一级",
            );
        }
        if self.photos.min > self.photos.max {
            errors.add("photos", "照片数量下限不能大于上限");
        }
        errors
    }
}

fn check_sections(sections: &[Section], errors: &mut FieldErrors) {
    if sections.is_empty() {
        errors.add("sections", "至少需要一个板块");
    }
    for (i, section) in sections.iter().enumerate() {
        let key_ok = !section.key.is_empty()
            && section.key.len() <= 32
            && section
                .key
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !key_ok {
            errors.add(
                "sections",
                format!("第{}个板块的标识须为1至32位小写字母、数字或下划线", i + 1),
            );
        } else if sections.iter().take(i).any(|s| s.key == section.key) {
            errors.add("sections", format!("板块标识“{}”重复", section.key));
        }
        if section.name.trim().is_empty() || section.name.chars().count() > 50 {
            errors.add("sections", format!("第{}个板块的名称须为1至50个字", i + 1));
        }
    }
}

/// A non-negative count from input, or the default when absent.
fn count(
    errors: &mut FieldErrors,
    field: &str,
    label: &str,
    value: Option<i64>,
    default: u32,
) -> u32 {
    match value {
        None => default,
        Some(v) => match u32::try_from(v) {
            Ok(v) => v,
            Err(_) => {
                errors.add(field, format!("{label}不能为负数或过大"));
                default
            }
        },
    }
}

/// An optional limit from input: absent or null is no limit.
fn limit(errors: &mut FieldErrors, field: &str, value: Option<i64>) -> Option<u32> {
    value.and_then(|v| match u32::try_from(v) {
        Ok(v) => Some(v),
        Err(_) => {
            errors.add(field, "推荐名额不能为负数");
            None
        }
    })
}

impl CampaignInput {
    /// Builds consistent rules from this input, taking every omitted number from
    /// `defaults` and deriving omitted dates from the activity window. Lists every
    /// problem at once.
    pub fn into_rules(self, defaults: &CampaignRules) -> Result<CampaignRules, FieldErrors> {
        let mut errors = FieldErrors::new();
        let year = match self.year.map(i32::try_from) {
            Some(Ok(year)) => year,
            Some(Err(_)) => {
                errors.add("year", "年份须在2000至2100之间");
                defaults.year
            }
            None => {
                errors.add("year", "请填写年份");
                defaults.year
            }
        };
        if self.theme.is_none() {
            errors.add("theme", "请填写主题");
        }
        if self.sections.is_none() {
            errors.add("sections", "至少需要一个板块");
        }
        let (Some(from), Some(to)) = (self.activity_from, self.activity_to) else {
            if self.activity_from.is_none() {
                errors.add("activity_from", "请填写活动开始日期");
            }
            if self.activity_to.is_none() {
                errors.add("activity_to", "请填写活动结束日期");
            }
            return Err(errors);
        };
        let after = |days: u64| to.checked_add_days(Days::new(days)).unwrap_or(to);
        let thresholds = self.thresholds.unwrap_or_default();
        let photos = self.photos.unwrap_or_default();
        let videos = self.videos.unwrap_or_default();
        let deadlines = self.summary_deadlines.unwrap_or_default();
        let limits = self.nomination_limits.unwrap_or_default();
        let rules = CampaignRules {
            year,
            theme: self.theme.unwrap_or_default().trim().to_owned(),
            region_code: self
                .region_code
                .unwrap_or_else(|| crate::region::NATIONAL.to_owned()),
            sections: self
                .sections
                .unwrap_or_default()
                .into_iter()
                .map(|s| Section {
                    key: s.key.trim().to_owned(),
                    name: s.name.trim().to_owned(),
                })
                .collect(),
            activity_from: from,
            activity_to: to,
            publish_from: self.publish_from.unwrap_or(from),
            focus_from: self.focus_from.unwrap_or(from),
            focus_to: self.focus_to.unwrap_or(to),
            count_to: self.count_to.unwrap_or_else(|| after(10)),
            supplement_days: count(
                &mut errors,
                "supplement_days",
                "补充信息期限",
                self.supplement_days,
                defaults.supplement_days,
            ),
            thresholds: Thresholds {
                offline: count(
                    &mut errors,
                    "thresholds",
                    "线下人数门槛",
                    thresholds.offline,
                    defaults.thresholds.offline,
                ),
                online: count(
                    &mut errors,
                    "thresholds",
                    "线上人数门槛",
                    thresholds.online,
                    defaults.thresholds.online,
                ),
            },
            photos: PhotoRule {
                min: count(
                    &mut errors,
                    "photos",
                    "照片数量",
                    photos.min,
                    defaults.photos.min,
                ),
                max: count(
                    &mut errors,
                    "photos",
                    "照片数量",
                    photos.max,
                    defaults.photos.max,
                ),
            },
            videos: VideoRule {
                max: count(
                    &mut errors,
                    "videos",
                    "视频数量",
                    videos.max,
                    defaults.videos.max,
                ),
                max_seconds: count(
                    &mut errors,
                    "videos",
                    "视频时长",
                    videos.max_seconds,
                    defaults.videos.max_seconds,
                ),
            },
            media_links_min: count(
                &mut errors,
                "media_links_min",
                "媒体报道链接数量",
                self.media_links_min,
                defaults.media_links_min,
            ),
            summary_deadlines: SummaryDeadlines {
                unit: deadlines.unit.unwrap_or_else(|| after(3)),
                county: deadlines.county.unwrap_or_else(|| after(5)),
                city: deadlines.city.unwrap_or_else(|| after(7)),
                province: deadlines.province.unwrap_or_else(|| after(10)),
            },
            nomination_limits: NominationLimits {
                county: limit(&mut errors, "nomination_limits", limits.county),
                city: limit(&mut errors, "nomination_limits", limits.city),
                province: limit(&mut errors, "nomination_limits", limits.province),
            },
            reminder_days: match self.reminder_days {
                None => defaults.reminder_days.clone(),
                Some(days) => {
                    let mut days: Vec<u32> = days
                        .into_iter()
                        .filter_map(|d| match u32::try_from(d) {
                            Ok(d) if (1..=60).contains(&d) => Some(d),
                            _ => {
                                errors.add("reminder_days", "提醒天数须在1至60之间");
                                None
                            }
                        })
                        .collect();
                    days.sort_unstable_by(|a, b| b.cmp(a));
                    days.dedup();
                    days
                }
            },
            review_days: {
                let given = self.review_days.unwrap_or_default();
                let mut days = |given: Option<i64>, default: u32| match given.map(u32::try_from) {
                    None => default,
                    Some(Ok(d)) if d <= 30 => d,
                    Some(_) => {
                        errors.add("review_days", "审核时限须为0至30个工作日");
                        default
                    }
                };
                crate::deadline::ReviewDays {
                    province: days(given.province, defaults.review_days.province),
                    national: days(given.national, defaults.review_days.national),
                }
            },
            holidays: self.holidays.unwrap_or_else(|| defaults.holidays.clone()),
            workdays: self.workdays.unwrap_or_else(|| defaults.workdays.clone()),
        };
        for (field, message) in rules.problems().iter() {
            errors.add(field, message);
        }
        errors.into_result().map(|()| rules)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn input(json: &str) -> CampaignInput {
        serde_json::from_str(json).unwrap()
    }

    const MINIMAL: &str = r#"{"year": 2026, "theme": "科学让生活更美好",
        "sections": [{"key": "main", "name": "主场活动"}],
        "activity_from": "2026-05-01", "activity_to": "2026-05-31"}"#;

    /// The minimal campaign with more fields added before its closing brace.
    fn with(extra: &str) -> String {
        let body = MINIMAL.trim_end().strip_suffix('}').unwrap();
        format!("{body}{extra}}}")
    }

    #[test]
    fn a_campaign_stored_before_reminder_days_takes_the_shipped_ones() {
        let mut stored = serde_json::to_value(shipped_rules().unwrap()).unwrap();
        stored.as_object_mut().unwrap().remove("reminder_days");
        let rules: CampaignRules = serde_json::from_value(stored).unwrap();
        assert_eq!(rules.reminder_days, [7, 3, 1]);
    }

    #[test]
    fn the_shipped_rules_are_the_2024_edition_and_consistent() {
        let rules = shipped_rules().unwrap();
        assert!(rules.problems().is_empty(), "{:?}", rules.problems());
        assert_eq!(rules.sections.len(), 5);
        assert_eq!(rules.activity_from, date("2024-08-02"));
        assert_eq!(
            rules.thresholds,
            Thresholds {
                offline: 50,
                online: 100
            }
        );
        assert_eq!(rules.photos, PhotoRule { min: 3, max: 10 });
        assert_eq!(
            rules.videos,
            VideoRule {
                max: 3,
                max_seconds: 180
            }
        );
    }

    #[test]
    fn the_shipped_rules_move_to_another_year() {
        let rules = shipped_rules().unwrap().for_year(2026);
        assert_eq!(rules.year, 2026);
        assert_eq!(rules.activity_from, date("2026-08-02"));
        assert_eq!(rules.count_to, date("2026-10-10"));
        assert_eq!(rules.summary_deadlines.province, date("2026-10-10"));
        assert!(rules.problems().is_empty());
    }

    #[test]
    fn a_campaign_given_only_its_window_is_consistent() {
        let rules = input(MINIMAL)
            .into_rules(&shipped_rules().unwrap())
            .unwrap();
        assert_eq!(rules.publish_from, date("2026-05-01"));
        assert_eq!(
            (rules.focus_from, rules.focus_to),
            (date("2026-05-01"), date("2026-05-31"))
        );
        assert_eq!(rules.count_to, date("2026-06-10"));
        assert_eq!(rules.summary_deadlines.unit, date("2026-06-03"));
        assert_eq!(rules.summary_deadlines.province, date("2026-06-10"));
        assert_eq!(rules.thresholds.offline, 50);
        assert_eq!(rules.region_code, "000000");
    }

    #[test]
    fn missing_required_fields_are_all_listed() {
        let errors = input("{}")
            .into_rules(&shipped_rules().unwrap())
            .unwrap_err();
        for field in ["year", "theme", "sections", "activity_from", "activity_to"] {
            assert!(errors.get(field).is_some(), "{field}: {errors:?}");
        }
    }

    #[test]
    fn dates_out_of_order_are_refused() {
        let json = MINIMAL.replace("\"2026-05-31\"", "\"2026-04-30\"");
        let errors = input(&json)
            .into_rules(&shipped_rules().unwrap())
            .unwrap_err();
        assert_eq!(
            errors.get("activity_to"),
            Some("活动结束日期不能早于开始日期")
        );

        let json = with(", \"focus_from\": \"2026-04-01\"");
        let errors = input(&json)
            .into_rules(&shipped_rules().unwrap())
            .unwrap_err();
        assert_eq!(
            errors.get("focus_from"),
            Some("集中活动期须在活动时间范围内")
        );
    }

    #[test]
    fn duplicate_or_empty_section_keys_are_refused() {
        let dup = MINIMAL.replace(
            r#"[{"key": "main", "name": "主场活动"}]"#,
            r#"[{"key": "main", "name": "主场活动"}, {"key": "main", "name": "分会场"}]"#,
        );
        let errors = input(&dup)
            .into_rules(&shipped_rules().unwrap())
            .unwrap_err();
        assert_eq!(errors.get("sections"), Some("板块标识“main”重复"));

        let empty = MINIMAL.replace(r#""key": "main""#, r#""key": """#);
        let errors = input(&empty)
            .into_rules(&shipped_rules().unwrap())
            .unwrap_err();
        assert_eq!(
            errors.get("sections"),
            Some("第1个板块的标识须为1至32位小写字母、数字或下划线")
        );

        let none = MINIMAL.replace(r#"[{"key": "main", "name": "主场活动"}]"#, "[]");
        let errors = input(&none)
            .into_rules(&shipped_rules().unwrap())
            .unwrap_err();
        assert_eq!(errors.get("sections"), Some("至少需要一个板块"));
    }

    #[test]
    fn negative_numbers_are_refused() {
        let json = with(
            r#", "supplement_days": -1, "thresholds": {"offline": -5},
            "photos": {"min": 5, "max": 2}, "nomination_limits": {"city": -1}"#,
        );
        let errors = input(&json)
            .into_rules(&shipped_rules().unwrap())
            .unwrap_err();
        assert_eq!(
            errors.get("supplement_days"),
            Some("补充信息期限不能为负数或过大")
        );
        assert_eq!(
            errors.get("thresholds"),
            Some("线下人数门槛不能为负数或过大")
        );
        assert_eq!(errors.get("photos"), Some("照片数量下限不能大于上限"));
        assert_eq!(errors.get("nomination_limits"), Some("推荐名额不能为负数"));
    }
}
