//! 科普视频征集与展播: a contest is data (DESIGN.md §8). Its settings are checked here as a
//! whole, once, with a Chinese message by field path; what an administrator leaves out comes
//! from the shipped template (三门峡 2024); what may change after the first submission, and
//! which status moves are allowed, are decided here too.

use std::collections::BTreeSet;

use chrono::{Datelike, Duration, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::FieldErrors;
use crate::text::{bounded, given, nfc};

vocabulary!(
    /// Where a contest stands.
    ContestStatus {
        /// 草稿
        Draft = "draft" / "草稿",
        /// 征集中
        Open = "open" / "征集中",
        /// 评审中
        Judging = "judging" / "评审中",
        /// 评审结束
        Closed = "closed" / "评审结束",
        /// 已公布
        Published = "published" / "已公布",
    }
);

vocabulary!(
    /// How a work is entered.
    EntryMode {
        /// 单位推荐
        Unit = "unit" / "单位推荐",
        /// 个人自荐 (`self` on the wire: a Rust keyword as a variant name)
        #[serde(rename = "self")]
        OwnNomination = "self" / "个人自荐",
    }
);

vocabulary!(
    /// How an entry's judges' totals make its expert score.
    Aggregation {
        /// 平均分
        Mean = "mean" / "平均分",
        /// 中位数
        Median = "median" / "中位数",
        /// 去掉一个最高分和一个最低分后的平均分
        TrimmedMean = "trimmed_mean" / "去掉最高最低分后的平均分",
    }
);

vocabulary!(
    /// Whether judges' totals are normalised.
    Normalise {
        /// 不校正
        None = "none" / "不校正",
        /// 标准分校正
        Zscore = "zscore" / "标准分校正",
    }
);

vocabulary!(
    /// At which level a judge from the entrant's area must stand aside.
    ConflictRegion {
        /// 不按地区回避
        None = "none" / "不按地区回避",
        /// 同一县区回避
        County = "county" / "同一县区回避",
        /// 同一市回避
        City = "city" / "同一市回避",
        /// 同一省回避
        Province = "province" / "同一省回避",
    }
);

vocabulary!(
    /// When the public sees the vote counts.
    ShowCounts {
        /// 实时显示
        Live = "live" / "实时显示",
        /// 投票结束后显示
        AfterClose = "after_close" / "投票结束后显示",
    }
);

/// The video file rules (DESIGN.md §8, "File checks").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct FileRules {
    /// Always `mp4`.
    pub container: String,
    /// Displayed width to height, `W:H`.
    pub aspect: String,
    /// Least displayed height, in pixels.
    pub min_height: i64,
    /// Largest file, in bytes.
    pub max_bytes: i64,
    /// Shortest, in seconds (inclusive).
    pub min_seconds: i64,
    /// Longest, in seconds (inclusive).
    pub max_seconds: i64,
    /// The work was made on or after this day.
    pub made_after: NaiveDate,
    /// The declared broadcast date is on or before this day, when set.
    pub made_before: Option<NaiveDate>,
}

/// A scoring criterion.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Criterion {
    /// Key (`scientific`), lower-case letters, digits and `_`.
    pub key: String,
    /// 名称 (科学性).
    pub name: String,
    /// Weight in per cent; the weights sum to 100.
    pub weight: i64,
}

/// The optional public vote.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PublicVote {
    /// Share of the final score, 0–100.
    pub weight: i64,
    /// First day of voting.
    pub from: NaiveDate,
    /// Last day of voting.
    pub to: NaiveDate,
    /// Votes a phone may give one entry a day.
    pub per_entry_per_day: i64,
    /// Votes a phone may give in all a day.
    pub per_day: i64,
    /// When the public sees the counts.
    pub show_counts: ShowCounts,
}

/// An award and how many entries get it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Award {
    /// Key (`first`).
    pub key: String,
    /// 名称 (一等奖).
    pub name: String,
    /// How many.
    pub count: i64,
}

/// A contest's settings, whole and consistent (the contest JSON without id, status and
/// version).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ContestSettings {
    /// 名称
    pub name: String,
    /// 主题
    pub theme: String,
    /// The organiser's division.
    pub region_code: String,
    /// Where entrants must be; `None`: anyone.
    pub entrant_region: Option<String>,
    /// 征集开始
    pub submit_from: NaiveDate,
    /// 征集截止
    pub submit_to: NaiveDate,
    /// 评审开始
    pub judge_from: NaiveDate,
    /// 评审结束
    pub judge_to: NaiveDate,
    /// 类别（专业领域）
    pub fields: Vec<String>,
    /// 参赛方式
    pub entry_modes: Vec<EntryMode>,
    /// 作品文件要求
    pub file_rules: FileRules,
    /// Whether the work must have been broadcast (platform and URL).
    pub require_broadcast: bool,
    /// Whether a signed or sealed PDF of the form is required.
    pub require_signed_form: bool,
    /// Most submitted entries per recommending unit; `None`: 不限.
    pub max_entries_per_unit: Option<i64>,
    /// 评分标准
    pub criteria: Vec<Criterion>,
    /// Judges given each entry.
    pub judges_per_entry: i64,
    /// Scores an entry needs to be ranked.
    pub min_scores: i64,
    /// 地区回避
    pub conflict_region: ConflictRegion,
    /// Judges do not see who entered.
    pub blind: bool,
    /// 汇总方式
    pub aggregation: Aggregation,
    /// 评分校正
    pub normalise: Normalise,
    /// Judges with fewer scores are left raw.
    pub normalise_min_scores: i64,
    /// 公众投票
    pub public_vote: Option<PublicVote>,
    /// 奖项
    pub awards: Vec<Award>,
    /// 公示天数
    pub publicity_days: i64,
    /// Whether the public ranking shows scores.
    pub show_scores: bool,
}

/// File rules as an administrator writes them: anything left out is the template's.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FileRulesInput {
    /// Only `mp4`.
    pub container: Option<String>,
    /// `W:H`, e.g. `16:9`.
    pub aspect: Option<String>,
    /// Least displayed height.
    pub min_height: Option<i64>,
    /// Largest file in bytes.
    pub max_bytes: Option<i64>,
    /// Shortest, seconds.
    pub min_seconds: Option<i64>,
    /// Longest, seconds.
    pub max_seconds: Option<i64>,
    /// `YYYY-MM-DD` (default: 1 January of the year before submit_from).
    #[schema(value_type = Option<String>, format = Date)]
    pub made_after: Option<String>,
    /// `YYYY-MM-DD` or null (default: submit_from, the notice's day).
    #[serde(default, deserialize_with = "given")]
    #[schema(value_type = Option<String>, format = Date)]
    pub made_before: Option<Option<String>>,
}

/// A criterion as written.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CriterionInput {
    /// Key.
    pub key: Option<String>,
    /// 名称
    pub name: Option<String>,
    /// Weight, per cent.
    pub weight: Option<i64>,
}

/// The public vote as written.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublicVoteInput {
    /// Share of the final score, 0–100.
    pub weight: Option<i64>,
    /// `YYYY-MM-DD` (default: the judging window's first day).
    #[schema(value_type = Option<String>, format = Date)]
    pub from: Option<String>,
    /// `YYYY-MM-DD` (default: the judging window's last day).
    #[schema(value_type = Option<String>, format = Date)]
    pub to: Option<String>,
    /// Default 1.
    pub per_entry_per_day: Option<i64>,
    /// Default 10.
    pub per_day: Option<i64>,
    /// `live` or `after_close` (default).
    pub show_counts: Option<String>,
}

/// An award as written.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AwardInput {
    /// Key.
    pub key: Option<String>,
    /// 名称
    pub name: Option<String>,
    /// How many (at least 1).
    pub count: Option<i64>,
}

/// A contest as an administrator writes it (create: `name, region_code, submit_from,
/// submit_to` required; an edit: the parts it changes). Anything left out at creation comes
/// from the shipped template.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContestInput {
    /// 名称（2–100字）
    pub name: Option<String>,
    /// 主题
    pub theme: Option<String>,
    /// 主办方所在地区
    pub region_code: Option<String>,
    /// 参赛者须在的地区；null：不限（默认同主办地区）
    #[serde(default, deserialize_with = "given")]
    #[schema(value_type = Option<String>)]
    pub entrant_region: Option<Option<String>>,
    /// 征集开始 `YYYY-MM-DD`
    #[schema(value_type = Option<String>, format = Date)]
    pub submit_from: Option<String>,
    /// 征集截止 `YYYY-MM-DD`
    #[schema(value_type = Option<String>, format = Date)]
    pub submit_to: Option<String>,
    /// 评审开始（默认征集截止次日）
    #[schema(value_type = Option<String>, format = Date)]
    pub judge_from: Option<String>,
    /// 评审结束（默认评审开始后第10天）
    #[schema(value_type = Option<String>, format = Date)]
    pub judge_to: Option<String>,
    /// 类别（专业领域）
    pub fields: Option<Vec<String>>,
    /// `unit`, `self`
    pub entry_modes: Option<Vec<String>>,
    /// 作品文件要求
    #[serde(default, deserialize_with = "crate::text::object")]
    pub file_rules: Option<FileRulesInput>,
    /// 须已播出
    pub require_broadcast: Option<bool>,
    /// 须上传签字盖章的报名表
    pub require_signed_form: Option<bool>,
    /// 每个单位最多报送（null：不限）
    #[serde(default, deserialize_with = "given")]
    #[schema(value_type = Option<i64>)]
    pub max_entries_per_unit: Option<Option<i64>>,
    /// 评分标准
    pub criteria: Option<Vec<CriterionInput>>,
    /// 每件作品的评审专家数
    pub judges_per_entry: Option<i64>,
    /// 参与排名所需的最少评分数
    pub min_scores: Option<i64>,
    /// `none`, `county`, `city`, `province`
    pub conflict_region: Option<String>,
    /// 匿名评审
    pub blind: Option<bool>,
    /// `mean`, `median`, `trimmed_mean`
    pub aggregation: Option<String>,
    /// `none`, `zscore`
    pub normalise: Option<String>,
    /// 评分数少于此数的专家不校正
    pub normalise_min_scores: Option<i64>,
    /// 公众投票（null：不设）
    #[serde(default, deserialize_with = "given")]
    #[schema(value_type = Option<PublicVoteInput>)]
    pub public_vote: Option<Option<PublicVoteInput>>,
    /// 奖项
    pub awards: Option<Vec<AwardInput>>,
    /// 公示天数
    pub publicity_days: Option<i64>,
    /// 公开排名显示分数
    pub show_scores: Option<bool>,
}

/// The shipped template: the 三门峡 2024 contest as the seed describes it (attachment 3 of
/// seeds/000), with our proposed defaults where the seed is silent.
pub const TEMPLATE_SANMENXIA_2024: &str =
    include_str!("../../../config/contests/sanmenxia-2024.json");

/// The template's settings.
pub fn template() -> Result<ContestSettings, String> {
    serde_json::from_str(TEMPLATE_SANMENXIA_2024).map_err(|e| format!("contest template: {e}"))
}

fn parse_day(raw: &str, label: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
        .map_err(|_| format!("{label}格式应为 年-月-日，如 2026-09-15"))
}

fn is_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 32
        && key
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// Whether `aspect` is `W:H` with two positive whole numbers.
pub fn aspect_of(aspect: &str) -> Option<(u32, u32)> {
    let (w, h) = aspect.split_once(':')?;
    let (w, h): (u32, u32) = (w.trim().parse().ok()?, h.trim().parse().ok()?);
    (w > 0 && h > 0).then_some((w, h))
}

/// The settings `input` makes over `base` (the template at creation, the contest's own
/// settings on an edit), checked as a whole; every broken rule at once, by field path.
/// `creating` asks for the four fields a new contest must name.
pub fn settle(
    input: &ContestInput,
    base: &ContestSettings,
    creating: bool,
) -> Result<ContestSettings, FieldErrors> {
    let mut errors = FieldErrors::new();
    let mut s = base.clone();
    if creating {
        for (field, given, label) in [
            ("name", input.name.is_some(), "名称"),
            ("region_code", input.region_code.is_some(), "主办方所在地区"),
            ("submit_from", input.submit_from.is_some(), "征集开始日期"),
            ("submit_to", input.submit_to.is_some(), "征集截止日期"),
        ] {
            if !given {
                errors.add(field, format!("请填写{label}"));
            }
        }
    }
    if let Some(name) = &input.name
        && let Some(v) = errors.take("name", bounded(name, "名称", 2, 100))
    {
        s.name = v;
    }
    if let Some(theme) = &input.theme
        && let Some(v) = errors.take("theme", bounded(theme, "主题", 0, 100))
    {
        s.theme = v;
    }
    if let Some(code) = &input.region_code {
        s.region_code = code.trim().to_owned();
        // A new contest's entrants are from its own area unless it says otherwise.
        if creating && input.entrant_region.is_none() {
            s.entrant_region = Some(s.region_code.clone());
        }
    }
    if let Some(region) = &input.entrant_region {
        s.entrant_region = region
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(str::to_owned);
    }
    let submit_from = input
        .submit_from
        .as_deref()
        .map(|r| errors.take("submit_from", parse_day(r, "征集开始日期")));
    let submit_to = input
        .submit_to
        .as_deref()
        .map(|r| errors.take("submit_to", parse_day(r, "征集截止日期")));
    if let Some(Some(d)) = submit_from {
        s.submit_from = d;
    }
    if let Some(Some(d)) = submit_to {
        s.submit_to = d;
    }
    let shifted = creating && (submit_from.is_some() || submit_to.is_some());
    // A new contest's judging follows its own submission window (三门峡: the day after, ten
    // days), and its works date from 1 January of the year before the notice up to it.
    if shifted {
        s.judge_from = s
            .submit_to
            .checked_add_signed(Duration::days(1))
            .unwrap_or(s.submit_to);
        s.judge_to = s
            .judge_from
            .checked_add_signed(Duration::days(9))
            .unwrap_or(s.judge_from);
        s.file_rules.made_after =
            NaiveDate::from_ymd_opt(s.submit_from.year().saturating_sub(1), 1, 1)
                .unwrap_or(s.submit_from);
        s.file_rules.made_before = Some(s.submit_from);
    }
    if let Some(raw) = &input.judge_from
        && let Some(d) = errors.take("judge_from", parse_day(raw, "评审开始日期"))
    {
        s.judge_from = d;
    }
    if let Some(raw) = &input.judge_to
        && let Some(d) = errors.take("judge_to", parse_day(raw, "评审结束日期"))
    {
        s.judge_to = d;
    }
    if let Some(fields) = &input.fields {
        let mut seen = BTreeSet::new();
        let mut list = Vec::new();
        for f in fields {
            let f = nfc(f).trim().to_owned();
            if f.is_empty() || f.chars().count() > 20 {
                errors.add("fields", "每个类别须为1至20个字");
            } else if !seen.insert(f.clone()) {
                errors.add("fields", format!("类别“{f}”重复"));
            } else {
                list.push(f);
            }
        }
        if list.is_empty() {
            errors.add("fields", "请至少列出一个类别（专业领域）");
        }
        s.fields = list;
    }
    if let Some(modes) = &input.entry_modes {
        let mut list = Vec::new();
        for m in modes {
            match EntryMode::parse(m.trim()) {
                Some(mode) if !list.contains(&mode) => list.push(mode),
                Some(_) => errors.add("entry_modes", "参赛方式重复"),
                None => errors.add(
                    "entry_modes",
                    "参赛方式须为 unit（单位推荐）或 self（个人自荐）",
                ),
            }
        }
        if modes.is_empty() {
            errors.add("entry_modes", "请至少允许一种参赛方式");
        }
        s.entry_modes = list;
    }
    if let Some(rules) = &input.file_rules {
        settle_file_rules(rules, &mut s.file_rules, &mut errors);
    }
    if let Some(v) = input.require_broadcast {
        s.require_broadcast = v;
    }
    if let Some(v) = input.require_signed_form {
        s.require_signed_form = v;
    }
    if let Some(v) = input.max_entries_per_unit {
        s.max_entries_per_unit = v;
    }
    if let Some(list) = &input.criteria {
        s.criteria = settle_criteria(list, &mut errors);
    }
    if let Some(v) = input.judges_per_entry {
        s.judges_per_entry = v;
    }
    if let Some(v) = input.min_scores {
        s.min_scores = v;
    }
    if let Some(raw) = &input.conflict_region {
        match ConflictRegion::parse(raw.trim()) {
            Some(v) => s.conflict_region = v,
            None => errors.add(
                "conflict_region",
                "地区回避须为 none、county、city 或 province",
            ),
        }
    }
    if let Some(v) = input.blind {
        s.blind = v;
    }
    if let Some(raw) = &input.aggregation {
        match Aggregation::parse(raw.trim()) {
            Some(v) => s.aggregation = v,
            None => errors.add(
                "aggregation",
                "汇总方式须为 mean（平均分）、median（中位数）或 trimmed_mean（去掉最高最低分）",
            ),
        }
    }
    if let Some(raw) = &input.normalise {
        match Normalise::parse(raw.trim()) {
            Some(v) => s.normalise = v,
            None => errors.add("normalise", "评分校正须为 none 或 zscore"),
        }
    }
    if let Some(v) = input.normalise_min_scores {
        s.normalise_min_scores = v;
    }
    if let Some(vote) = &input.public_vote {
        s.public_vote = vote
            .as_ref()
            .and_then(|v| settle_vote(v, s.public_vote.as_ref(), &s, &mut errors));
    }
    if let Some(list) = &input.awards {
        s.awards = settle_awards(list, &mut errors);
    }
    if let Some(v) = input.publicity_days {
        s.publicity_days = v;
    }
    if let Some(v) = input.show_scores {
        s.show_scores = v;
    }
    check_whole(&s, &mut errors);
    if errors.is_empty() {
        Ok(s)
    } else {
        Err(errors)
    }
}

fn settle_file_rules(input: &FileRulesInput, rules: &mut FileRules, errors: &mut FieldErrors) {
    if let Some(c) = &input.container {
        rules.container = c.trim().to_ascii_lowercase();
    }
    if let Some(a) = &input.aspect {
        rules.aspect = a.trim().to_owned();
    }
    if let Some(v) = input.min_height {
        rules.min_height = v;
    }
    if let Some(v) = input.max_bytes {
        rules.max_bytes = v;
    }
    if let Some(v) = input.min_seconds {
        rules.min_seconds = v;
    }
    if let Some(v) = input.max_seconds {
        rules.max_seconds = v;
    }
    if let Some(raw) = &input.made_after
        && let Some(d) = errors.take("file_rules.made_after", parse_day(raw, "作品完成时间下限"))
    {
        rules.made_after = d;
    }
    if let Some(raw) = &input.made_before {
        rules.made_before = match raw.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
            None => None,
            Some(r) => errors.take("file_rules.made_before", parse_day(r, "作品完成时间上限")),
        };
    }
}

fn settle_criteria(list: &[CriterionInput], errors: &mut FieldErrors) -> Vec<Criterion> {
    let mut out = Vec::new();
    for c in list {
        let key = c.key.as_deref().unwrap_or_default().trim().to_owned();
        let name = nfc(c.name.as_deref().unwrap_or_default()).trim().to_owned();
        if !is_key(&key) {
            errors.add(
                "criteria",
                "每项评分标准须有键名（小写字母、数字或下划线，如 scientific）",
            );
        }
        if name.is_empty() || name.chars().count() > 20 {
            errors.add("criteria", "每项评分标准须有1至20个字的名称");
        }
        out.push(Criterion {
            key,
            name,
            weight: c.weight.unwrap_or(0),
        });
    }
    out
}

fn settle_awards(list: &[AwardInput], errors: &mut FieldErrors) -> Vec<Award> {
    let mut out = Vec::new();
    for a in list {
        let key = a.key.as_deref().unwrap_or_default().trim().to_owned();
        let name = nfc(a.name.as_deref().unwrap_or_default()).trim().to_owned();
        if !is_key(&key) || name.is_empty() || name.chars().count() > 20 {
            errors.add(
                "awards",
                "每个奖项须有键名（小写字母、数字或下划线）和1至20个字的名称",
            );
        }
        out.push(Award {
            key,
            name,
            count: a.count.unwrap_or(0),
        });
    }
    out
}

fn settle_vote(
    input: &PublicVoteInput,
    before: Option<&PublicVote>,
    s: &ContestSettings,
    errors: &mut FieldErrors,
) -> Option<PublicVote> {
    let mut vote = before.cloned().unwrap_or(PublicVote {
        weight: 0,
        from: s.judge_from,
        to: s.judge_to,
        per_entry_per_day: 1,
        per_day: 10,
        show_counts: ShowCounts::AfterClose,
    });
    match input.weight {
        Some(w) => vote.weight = w,
        None if before.is_none() => {
            errors.add("public_vote.weight", "请填写公众投票所占比重（0–100）")
        }
        None => {}
    }
    if let Some(raw) = &input.from
        && let Some(d) = errors.take("public_vote.from", parse_day(raw, "投票开始日期"))
    {
        vote.from = d;
    }
    if let Some(raw) = &input.to
        && let Some(d) = errors.take("public_vote.to", parse_day(raw, "投票结束日期"))
    {
        vote.to = d;
    }
    if let Some(v) = input.per_entry_per_day {
        vote.per_entry_per_day = v;
    }
    if let Some(v) = input.per_day {
        vote.per_day = v;
    }
    if let Some(raw) = &input.show_counts {
        match ShowCounts::parse(raw.trim()) {
            Some(v) => vote.show_counts = v,
            None => errors.add(
                "public_vote.show_counts",
                "票数显示方式须为 live（实时）或 after_close（投票结束后）",
            ),
        }
    }
    Some(vote)
}

/// The rules that hold between fields, on the settings as they would be.
fn check_whole(s: &ContestSettings, errors: &mut FieldErrors) {
    if s.submit_to < s.submit_from {
        errors.add("submit_to", "征集截止日期不能早于开始日期");
    }
    if s.judge_from < s.submit_to {
        errors.add("judge_from", "评审开始日期不能早于征集截止日期");
    }
    if s.judge_to < s.judge_from {
        errors.add("judge_to", "评审结束日期不能早于开始日期");
    }
    let r = &s.file_rules;
    if r.container != "mp4" {
        errors.add("file_rules.container", "作品格式目前只支持 mp4");
    }
    if aspect_of(&r.aspect).is_none() {
        errors.add("file_rules.aspect", "画幅比例须写作“宽:高”，如 16:9");
    }
    if !(1..=100_000).contains(&r.min_height) {
        errors.add(
            "file_rules.min_height",
            "最低分辨率（高度）须为1至100000像素",
        );
    }
    if !(1..=MAX_FILE_BYTES).contains(&r.max_bytes) {
        errors.add("file_rules.max_bytes", "文件大小上限须为1字节至10 GB");
    }
    if r.min_seconds < 1 {
        errors.add("file_rules.min_seconds", "最短时长须至少1秒");
    }
    if r.max_seconds < r.min_seconds {
        errors.add("file_rules.min_seconds", "最短时长不能超过最长时长");
    }
    if r.made_before.is_some_and(|b| b < r.made_after) {
        errors.add("file_rules.made_before", "作品完成时间上限不能早于下限");
    }
    if s.entry_modes.is_empty() {
        errors.add("entry_modes", "请至少允许一种参赛方式");
    }
    if s.fields.is_empty() {
        errors.add("fields", "请至少列出一个类别（专业领域）");
    }
    if s.max_entries_per_unit.is_some_and(|n| n < 1) {
        errors.add(
            "max_entries_per_unit",
            "每个单位最多报送数须至少为1，或留空表示不限",
        );
    }
    if s.criteria.is_empty() {
        errors.add("criteria", "请至少设置一项评分标准");
    }
    let mut keys = BTreeSet::new();
    for c in &s.criteria {
        if !keys.insert(c.key.as_str()) {
            errors.add("criteria", format!("评分标准的键名“{}”重复", c.key));
        }
        if !(0..=100).contains(&c.weight) {
            errors.add("criteria", "每项评分标准的权重须在0至100之间");
        }
    }
    let total = s
        .criteria
        .iter()
        .fold(0_i64, |sum, c| sum.saturating_add(c.weight));
    if !s.criteria.is_empty() && total != 100 {
        errors.add(
            "criteria",
            format!("评分标准的权重合计须为100（现为{total}）"),
        );
    }
    if !(1..=50).contains(&s.judges_per_entry) {
        errors.add("judges_per_entry", "每件作品的评审专家数须为1至50");
    }
    if s.min_scores < 1 {
        errors.add("min_scores", "参与排名所需的评分数须至少为1");
    }
    if s.normalise_min_scores < 1 {
        errors.add("normalise_min_scores", "须至少为1");
    }
    if let Some(v) = &s.public_vote {
        if !(0..=100).contains(&v.weight) {
            errors.add("public_vote.weight", "公众投票所占比重须在0至100之间");
        }
        if v.to < v.from {
            errors.add("public_vote.to", "投票结束日期不能早于开始日期");
        }
        if v.per_entry_per_day < 1 || v.per_day < v.per_entry_per_day {
            errors.add(
                "public_vote.per_day",
                "每日投票数须至少为1，且不少于对同一作品的每日投票数",
            );
        }
    }
    let mut award_keys = BTreeSet::new();
    for a in &s.awards {
        if !award_keys.insert(a.key.as_str()) {
            errors.add("awards", format!("奖项的键名“{}”重复", a.key));
        }
        if a.count < 1 {
            errors.add("awards", "每个奖项的名额须至少为1");
        }
    }
    if !(0..=60).contains(&s.publicity_days) {
        errors.add("publicity_days", "公示天数须为0至60天");
    }
}

/// The settings that freeze at the first submission (DESIGN.md §8: file rules, criteria,
/// weights, entry modes and the vote weight); the field paths an edit changed among them.
pub fn frozen_changes(before: &ContestSettings, after: &ContestSettings) -> Vec<&'static str> {
    let mut out = Vec::new();
    if before.file_rules != after.file_rules {
        out.push("file_rules");
    }
    if before.criteria != after.criteria {
        out.push("criteria");
    }
    if before.entry_modes != after.entry_modes {
        out.push("entry_modes");
    }
    if before.public_vote.as_ref().map(|v| v.weight) != after.public_vote.as_ref().map(|v| v.weight)
    {
        out.push("public_vote.weight");
    }
    out
}

/// Whether an administrator may move a contest from `from` to `to` by its status (results
/// publication moves `closed` to `published` through the results, not here).
pub fn may_move(from: ContestStatus, to: ContestStatus) -> Result<(), String> {
    use ContestStatus::{Closed, Draft, Judging, Open, Published};
    match (from, to) {
        (Draft, Open) | (Open, Judging) | (Judging, Closed) | (Closed, Judging) => Ok(()),
        (Closed, Published) => Err("公布结果请通过“公示结果”进行".to_owned()),
        (Published, Judging) => Err("结果已公布，不能重新评审".to_owned()),
        (f, t) if f == t => Err(format!("比赛已是“{}”状态", t.label())),
        (f, t) => Err(format!("比赛不能从“{}”改为“{}”", f.label(), t.label())),
    }
}

/// Whether a contest in `status` takes entries on `today` (Asia/Shanghai).
pub fn takes_entries(status: ContestStatus, s: &ContestSettings, today: NaiveDate) -> bool {
    status == ContestStatus::Open && s.submit_from <= today && today <= s.submit_to
}

/// What parsing an uploaded video found (DESIGN.md §8, "File checks").
#[derive(Debug, Clone, Default, PartialEq)]
pub struct VideoFacts {
    /// Bytes stored.
    pub bytes: u64,
    /// Whether a track's handler is `vide`.
    pub video_track: bool,
    /// Displayed width and height (after the track's rotation matrix).
    pub width: u32,
    /// Displayed height.
    pub height: u32,
    /// The video track's duration (mdhd duration / timescale).
    pub seconds: f64,
    /// mvhd's creation time, when it is not zero.
    pub created: Option<chrono::DateTime<chrono::Utc>>,
}

/// A size as people read it: whole megabytes where it is whole (`300 MB`), else one decimal
/// (`1.5 MB`), and kilobytes below a megabyte (`585 KB`).
pub fn size_text(bytes: i64) -> String {
    const MB: i64 = 1024 * 1024;
    if bytes >= MB && bytes % MB == 0 {
        format!("{} MB", bytes / MB)
    } else if bytes >= MB {
        format!("{:.1} MB", bytes as f64 / MB as f64)
    } else {
        format!("{} KB", bytes / 1024)
    }
}

/// The largest `file_rules.max_bytes` a contest may set (10 GB).
pub const MAX_FILE_BYTES: i64 = 10 << 30;

/// The `size` rule's key and message (a video over `max_bytes`; an upload is cut off there).
pub fn size_problem(rules: &FileRules) -> (&'static str, String) {
    (
        "size",
        format!("视频不能超过 {}", size_text(rules.max_bytes)),
    )
}

/// Every file rule the video breaks, each with its key (API.md: `size`, `video_track`,
/// `aspect`, `resolution`, `duration`, `made_after`) and its Chinese message, at once. The
/// container rule (`ftyp` first, a `moov`) is decided before anything is parsed.
pub fn file_rule_problems(rules: &FileRules, v: &VideoFacts) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    if v.bytes > u64::try_from(rules.max_bytes).unwrap_or(0) {
        out.push(size_problem(rules));
    }
    if !v.video_track {
        out.push(("video_track", "文件中没有视频轨道".to_owned()));
        return out;
    }
    if let Some((w, h)) = aspect_of(&rules.aspect) {
        // Displayed width : height within 1% of W : H.
        let want = f64::from(w) / f64::from(h);
        let got = f64::from(v.width) / f64::from(v.height.max(1));
        if v.height == 0 || ((got - want) / want).abs() > 0.01 {
            out.push((
                "aspect",
                format!(
                    "画幅比例须为 {}（此视频显示为 {}×{}）",
                    rules.aspect, v.width, v.height
                ),
            ));
        }
    }
    if i64::from(v.height) < rules.min_height {
        out.push((
            "resolution",
            format!(
                "分辨率须为 {}p 以上（此视频高 {} 像素）",
                rules.min_height, v.height
            ),
        ));
    }
    let (min, max) = (rules.min_seconds as f64, rules.max_seconds as f64);
    if !(min..=max).contains(&v.seconds) {
        out.push((
            "duration",
            format!(
                "时长须为 {} 至 {} 秒（此视频约 {} 秒）",
                rules.min_seconds,
                rules.max_seconds,
                v.seconds.round()
            ),
        ));
    }
    if let Some(created) = v.created {
        let made = created
            .with_timezone(&crate::campaign::BEIJING)
            .date_naive();
        if made < rules.made_after {
            out.push((
                "made_after",
                format!(
                    "作品须为 {} 以后完成的（此文件创建于 {made}）",
                    rules.made_after
                ),
            ));
        }
    }
    out
}

/// Seconds from 1904-01-01 (the MP4 epoch) to 1970-01-01.
const MP4_EPOCH_OFFSET: i64 = 2_082_844_800;

/// mvhd's creation time from the payload of a `moov` box (its children), when mvhd is there
/// and the time is not zero: version 0 stores it in 4 bytes, version 1 in 8 (mp4parse skips
/// it, so it is read here).
pub fn mvhd_created(moov: &[u8]) -> Option<chrono::DateTime<chrono::Utc>> {
    let mut rest = moov;
    while rest.len() >= 8 {
        let size = usize::try_from(u32::from_be_bytes(rest.get(..4)?.try_into().ok()?)).ok()?;
        let kind = rest.get(4..8)?;
        if size < 8 || size > rest.len() {
            return None;
        }
        if kind == b"mvhd" {
            let body = rest.get(8..size)?;
            let version = *body.first()?;
            let seconds = match version {
                0 => u64::from(u32::from_be_bytes(body.get(4..8)?.try_into().ok()?)),
                1 => u64::from_be_bytes(body.get(4..12)?.try_into().ok()?),
                _ => return None,
            };
            if seconds == 0 {
                return None;
            }
            let unix = i64::try_from(seconds).ok()?.checked_sub(MP4_EPOCH_OFFSET)?;
            return chrono::DateTime::from_timestamp(unix, 0);
        }
        rest = rest.get(size..)?;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn new_contest() -> ContestInput {
        ContestInput {
            name: Some("2026年三门峡市科普视频征集与展播".to_owned()),
            region_code: Some("411200".to_owned()),
            submit_from: Some("2026-08-28".to_owned()),
            submit_to: Some("2026-09-15".to_owned()),
            ..ContestInput::default()
        }
    }

    #[test]
    fn the_template_is_the_seeds_contest() {
        let t = template().unwrap();
        assert_eq!(t.name, "2024年三门峡市科普视频征集与展播");
        assert_eq!(t.fields.len(), 26);
        assert_eq!(t.fields.first().map(String::as_str), Some("新质生产力"));
        assert_eq!(t.fields.last().map(String::as_str), Some("防灾减灾"));
        assert_eq!(t.file_rules.max_bytes, 314_572_800);
        assert_eq!(
            (t.file_rules.min_seconds, t.file_rules.max_seconds),
            (180, 300)
        );
        assert_eq!(t.file_rules.made_after, day("2023-01-01"));
        assert_eq!(t.file_rules.made_before, Some(day("2024-08-28")));
        let weights: Vec<(&str, i64)> = t
            .criteria
            .iter()
            .map(|c| (c.key.as_str(), c.weight))
            .collect();
        assert_eq!(
            weights,
            [
                ("scientific", 40),
                ("creative", 30),
                ("production", 20),
                ("reach", 10)
            ]
        );
        assert!(t.require_signed_form && t.blind && t.public_vote.is_none());
        // The template is itself consistent.
        assert!(settle(&ContestInput::default(), &t, false).is_ok());
    }

    #[test]
    fn a_new_contest_fills_in_from_the_template_around_its_own_dates() {
        let s = settle(&new_contest(), &template().unwrap(), true).unwrap();
        assert_eq!(s.entrant_region.as_deref(), Some("411200"));
        assert_eq!(
            (s.judge_from, s.judge_to),
            (day("2026-09-16"), day("2026-09-25"))
        );
        assert_eq!(s.file_rules.made_after, day("2025-01-01"));
        assert_eq!(s.file_rules.made_before, Some(day("2026-08-28")));
        assert_eq!(s.criteria.len(), 4);
    }

    #[test]
    fn a_new_contest_names_its_four_required_fields() {
        let e = settle(&ContestInput::default(), &template().unwrap(), true).unwrap_err();
        assert_eq!(e.get("name"), Some("请填写名称"));
        assert_eq!(e.get("region_code"), Some("请填写主办方所在地区"));
        assert_eq!(e.get("submit_from"), Some("请填写征集开始日期"));
        assert_eq!(e.get("submit_to"), Some("请填写征集截止日期"));
    }

    #[test]
    fn every_inconsistency_is_named_at_once() {
        let mut input = new_contest();
        input.submit_to = Some("2026-08-01".to_owned());
        input.criteria = Some(vec![
            CriterionInput {
                key: Some("scientific".into()),
                name: Some("科学性".into()),
                weight: Some(50),
            },
            CriterionInput {
                key: Some("scientific".into()),
                name: Some("创意".into()),
                weight: Some(30),
            },
        ]);
        input.file_rules = Some(FileRulesInput {
            aspect: Some("16x9".into()),
            min_seconds: Some(400),
            ..FileRulesInput::default()
        });
        input.public_vote = Some(Some(PublicVoteInput {
            weight: Some(120),
            ..PublicVoteInput::default()
        }));
        input.aggregation = Some("max".into());
        input.normalise = Some("minmax".into());
        input.conflict_region = Some("town".into());
        input.judges_per_entry = Some(0);
        input.min_scores = Some(0);
        input.entry_modes = Some(vec!["team".into()]);
        let e = settle(&input, &template().unwrap(), true).unwrap_err();
        assert_eq!(e.get("submit_to"), Some("征集截止日期不能早于开始日期"));
        assert_eq!(e.get("criteria"), Some("评分标准的键名“scientific”重复"));
        assert_eq!(
            e.get("file_rules.aspect"),
            Some("画幅比例须写作“宽:高”，如 16:9")
        );
        assert_eq!(
            e.get("file_rules.min_seconds"),
            Some("最短时长不能超过最长时长")
        );
        assert_eq!(
            e.get("public_vote.weight"),
            Some("公众投票所占比重须在0至100之间")
        );
        assert!(e.get("aggregation").is_some());
        assert_eq!(e.get("normalise"), Some("评分校正须为 none 或 zscore"));
        assert_eq!(
            e.get("conflict_region"),
            Some("地区回避须为 none、county、city 或 province")
        );
        assert_eq!(
            e.get("judges_per_entry"),
            Some("每件作品的评审专家数须为1至50")
        );
        assert_eq!(e.get("min_scores"), Some("参与排名所需的评分数须至少为1"));
        assert_eq!(
            e.get("entry_modes"),
            Some("参赛方式须为 unit（单位推荐）或 self（个人自荐）")
        );
    }

    #[test]
    fn weights_must_sum_to_a_hundred() {
        let mut input = new_contest();
        input.criteria = Some(vec![
            CriterionInput {
                key: Some("scientific".into()),
                name: Some("科学性".into()),
                weight: Some(60),
            },
            CriterionInput {
                key: Some("creative".into()),
                name: Some("创意".into()),
                weight: Some(30),
            },
        ]);
        let e = settle(&input, &template().unwrap(), true).unwrap_err();
        assert_eq!(
            e.get("criteria"),
            Some("评分标准的权重合计须为100（现为90）")
        );
        let mut input = new_contest();
        input.criteria = Some(vec![CriterionInput {
            key: Some("".into()),
            name: Some("科学性".into()),
            weight: Some(100),
        }]);
        let e = settle(&input, &template().unwrap(), true).unwrap_err();
        assert_eq!(
            e.get("criteria"),
            Some("每项评分标准须有键名（小写字母、数字或下划线，如 scientific）")
        );
    }

    #[test]
    fn huge_weights_are_refused_not_overflowed() {
        let mut input = new_contest();
        input.criteria = Some(vec![
            CriterionInput {
                key: Some("a".into()),
                name: Some("甲".into()),
                weight: Some(i64::MAX),
            },
            CriterionInput {
                key: Some("b".into()),
                name: Some("乙".into()),
                weight: Some(i64::MAX),
            },
        ]);
        let e = settle(&input, &template().unwrap(), true).unwrap_err();
        assert_eq!(e.get("criteria"), Some("每项评分标准的权重须在0至100之间"));
    }

    fn hd(seconds: f64) -> VideoFacts {
        VideoFacts {
            bytes: 200 << 20,
            video_track: true,
            width: 1920,
            height: 1080,
            seconds,
            created: None,
        }
    }

    #[test]
    fn the_seeds_file_rules_hold_at_their_edges() {
        let rules = template().unwrap().file_rules;
        for ok in [180.0, 240.0, 300.0] {
            assert!(file_rule_problems(&rules, &hd(ok)).is_empty(), "{ok}");
        }
        for bad in [179.0, 301.0] {
            let p = file_rule_problems(&rules, &hd(bad));
            assert_eq!(
                p.iter().map(|(k, _)| *k).collect::<Vec<_>>(),
                ["duration"],
                "{bad}"
            );
        }
        assert_eq!(
            file_rule_problems(&rules, &hd(179.0))[0].1,
            "时长须为 180 至 300 秒（此视频约 179 秒）"
        );
    }

    #[test]
    fn every_broken_rule_is_listed_at_once() {
        let rules = template().unwrap().file_rules;
        // A phone's upright 1280×720: displayed 720×1280, short, too big, made in 2022.
        let v = VideoFacts {
            bytes: 400 << 20,
            video_track: true,
            width: 720,
            height: 1280,
            seconds: 30.0,
            created: chrono::DateTime::from_timestamp(1_656_633_600, 0),
        };
        let keys: Vec<&str> = file_rule_problems(&rules, &v)
            .iter()
            .map(|(k, _)| *k)
            .collect();
        assert_eq!(keys, ["size", "aspect", "duration", "made_after"]);
        let v = VideoFacts {
            width: 1280,
            height: 720,
            ..hd(200.0)
        };
        let p = file_rule_problems(&rules, &v);
        assert_eq!(
            p,
            [(
                "resolution",
                "分辨率须为 1080p 以上（此视频高 720 像素）".to_owned()
            )]
        );
        let no_video = VideoFacts {
            video_track: false,
            ..hd(200.0)
        };
        assert_eq!(file_rule_problems(&rules, &no_video)[0].0, "video_track");
        // 16:9 within 1%: 1920×1088 (a common encoder padding) passes, 1920×1100 does not.
        assert!(
            file_rule_problems(
                &rules,
                &VideoFacts {
                    height: 1088,
                    ..hd(200.0)
                }
            )
            .is_empty()
        );
        assert_eq!(
            file_rule_problems(
                &rules,
                &VideoFacts {
                    height: 1100,
                    ..hd(200.0)
                }
            )[0]
            .0,
            "aspect"
        );
    }

    #[test]
    fn the_creation_time_is_read_from_mvhd_in_both_versions() {
        fn mvhd(version: u8, created: u64) -> Vec<u8> {
            let mut body = vec![version, 0, 0, 0];
            if version == 0 {
                body.extend_from_slice(&u32::try_from(created).unwrap().to_be_bytes());
                body.extend_from_slice(&[0; 92]);
            } else {
                body.extend_from_slice(&created.to_be_bytes());
                body.extend_from_slice(&[0; 104]);
            }
            let mut out = u32::try_from(body.len() + 8)
                .unwrap()
                .to_be_bytes()
                .to_vec();
            out.extend_from_slice(b"mvhd");
            out.extend_from_slice(&body);
            out
        }
        let mut trak = 16u32.to_be_bytes().to_vec();
        trak.extend_from_slice(b"trak");
        trak.extend_from_slice(&[0; 8]);
        // 2024-06-01T00:00:00Z is 1717200000 since 1970.
        let since_1904 = 1_717_200_000 + 2_082_844_800;
        for version in [0, 1] {
            let moov = [trak.clone(), mvhd(version, since_1904)].concat();
            assert_eq!(
                mvhd_created(&moov).map(|t| t.timestamp()),
                Some(1_717_200_000),
                "version {version}"
            );
        }
        assert_eq!(mvhd_created(&mvhd(0, 0)), None, "zero: unknown");
        assert_eq!(mvhd_created(&[0, 0, 0, 9, b'm', b'v']), None, "truncated");
        assert_eq!(mvhd_created(&[0xff; 64]), None, "garbage");
    }

    #[test]
    fn aspects_are_width_to_height() {
        assert_eq!(aspect_of("16:9"), Some((16, 9)));
        assert_eq!(aspect_of(" 4 : 3 "), Some((4, 3)));
        for bad in ["16x9", "16:", ":9", "0:9", "16:9:1", "a:b", ""] {
            assert_eq!(aspect_of(bad), None, "{bad}");
        }
    }

    #[test]
    fn frozen_settings_are_named() {
        let t = template().unwrap();
        let mut after = t.clone();
        after.fields.push("天文".into());
        after.aggregation = Aggregation::Median;
        assert!(
            frozen_changes(&t, &after).is_empty(),
            "fields and aggregation may change"
        );
        after.file_rules.max_seconds = 600;
        after.criteria[0].weight = 50;
        after.entry_modes = vec![EntryMode::Unit];
        assert_eq!(
            frozen_changes(&t, &after),
            ["file_rules", "criteria", "entry_modes"]
        );
    }

    #[test]
    fn the_status_moves_and_the_refused_ones_say_why() {
        use ContestStatus::*;
        for (f, t) in [
            (Draft, Open),
            (Open, Judging),
            (Judging, Closed),
            (Closed, Judging),
        ] {
            assert!(may_move(f, t).is_ok(), "{f:?} → {t:?}");
        }
        assert_eq!(
            may_move(Draft, Judging).unwrap_err(),
            "比赛不能从“草稿”改为“评审中”"
        );
        assert_eq!(may_move(Open, Open).unwrap_err(), "比赛已是“征集中”状态");
        assert_eq!(
            may_move(Closed, Published).unwrap_err(),
            "公布结果请通过“公示结果”进行"
        );
        assert_eq!(
            may_move(Published, Judging).unwrap_err(),
            "结果已公布，不能重新评审"
        );
        assert_eq!(
            may_move(Published, Draft).unwrap_err(),
            "比赛不能从“已公布”改为“草稿”"
        );
    }

    #[test]
    fn entries_are_taken_only_while_open_and_inside_the_window() {
        let s = settle(&new_contest(), &template().unwrap(), true).unwrap();
        assert!(takes_entries(ContestStatus::Open, &s, day("2026-08-28")));
        assert!(takes_entries(ContestStatus::Open, &s, day("2026-09-15")));
        assert!(!takes_entries(ContestStatus::Open, &s, day("2026-09-16")));
        assert!(!takes_entries(ContestStatus::Open, &s, day("2026-08-27")));
        assert!(!takes_entries(ContestStatus::Draft, &s, day("2026-09-01")));
    }
}
