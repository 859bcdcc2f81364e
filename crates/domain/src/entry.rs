//! 报名表: an entry of the video contest, exactly the seed's form (DESIGN.md §8, "The entry
//! form"). A draft saves anything (within sane bounds); submitting checks every field
//! against the contest's settings and lists every problem at once, by field, in Chinese.
//! What only storage knows (the submitter's memberships, the unit's region, the file's
//! measurements) arrives as [`EntryFacts`].

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::FieldErrors;
use crate::activity::phone_like;
use crate::contest::{ContestSettings, EntryMode};
use crate::text::{forbidden_control, given, nfc};

vocabulary!(
    /// Where an entry stands.
    EntryStatus {
        /// 草稿
        Draft = "draft" / "草稿",
        /// 已提交
        Submitted = "submitted" / "已提交",
        /// 已通过形式审查
        Accepted = "accepted" / "已通过形式审查",
        /// 已退回修改
        Returned = "returned" / "已退回修改",
        /// 已撤回
        Withdrawn = "withdrawn" / "已撤回",
        /// 已取消资格
        Disqualified = "disqualified" / "已取消资格",
    }
);

impl EntryStatus {
    /// Whether an entry in this state holds its work against a second entry of it (DESIGN.md
    /// §8: submitted, accepted or returned; drafts and withdrawn entries do not).
    pub fn holds_the_work(self) -> bool {
        matches!(
            self,
            EntryStatus::Submitted | EntryStatus::Accepted | EntryStatus::Returned
        )
    }

    /// Whether the entrant may still change it.
    pub fn editable(self) -> bool {
        matches!(self, EntryStatus::Draft | EntryStatus::Returned)
    }
}

/// A credited author (主创人员), in credit order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Author {
    /// 姓名
    pub name: String,
    /// 单位
    #[serde(default)]
    pub unit: Option<String>,
}

/// The 报名表 as saved: every field optional until submission.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EntryForm {
    /// 作品名称（2–50字）
    pub title: Option<String>,
    /// 类别（专业领域），比赛所列之一
    pub field: Option<String>,
    /// 播出时间 `YYYY-MM-DD`
    #[schema(value_type = Option<String>, format = Date)]
    pub broadcast_date: Option<String>,
    /// 参赛方式 `unit` 或 `self`
    pub entry_mode: Option<String>,
    /// 单位推荐：推荐单位（本人所在的单位）
    pub unit_id: Option<i64>,
    /// 个人自荐：个人姓名（须与手写签字姓名一致）
    pub person_name: Option<String>,
    /// 个人自荐：所在地区
    pub region_code: Option<String>,
    /// 联系人
    pub contact_name: Option<String>,
    /// 联系电话（手机或座机）
    pub contact_phone: Option<String>,
    /// 播出平台
    pub platform: Option<String>,
    /// 播出网址
    pub platform_url: Option<String>,
    /// 内容简介（包含的科学原理、揭示的现象等，200字以内）
    pub introduction: Option<String>,
    /// 创新点（内容、形式的创新等，100字以内）
    pub innovation: Option<String>,
    /// 传播效果（点击、转发量等，100字以内）
    pub reach: Option<String>,
    /// 作者承诺
    pub pledge: Option<bool>,
    /// 主创人员，按署名顺序（第一位为第一作者）
    pub authors: Option<Vec<Author>>,
    /// 制作单位，按署名顺序（单位推荐时第一位须为推荐单位）
    pub producing_units: Option<Vec<i64>>,
    /// 作品视频（上传后的文件编号）
    pub video: Option<i64>,
    /// 签字或盖章的报名表 PDF（上传后的文件编号）
    pub signed_form: Option<i64>,
}

/// An edit of a draft: the fields it names (null clears one).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EntryEdit {
    /// 作品名称
    #[serde(default, deserialize_with = "given")]
    #[schema(value_type = Option<String>)]
    pub title: Option<Option<String>>,
    /// 类别
    #[serde(default, deserialize_with = "given")]
    #[schema(value_type = Option<String>)]
    pub field: Option<Option<String>>,
    /// 播出时间
    #[serde(default, deserialize_with = "given")]
    #[schema(value_type = Option<String>, format = Date)]
    pub broadcast_date: Option<Option<String>>,
    /// 参赛方式
    #[serde(default, deserialize_with = "given")]
    #[schema(value_type = Option<String>)]
    pub entry_mode: Option<Option<String>>,
    /// 推荐单位
    #[serde(default, deserialize_with = "given")]
    #[schema(value_type = Option<i64>)]
    pub unit_id: Option<Option<i64>>,
    /// 个人姓名
    #[serde(default, deserialize_with = "given")]
    #[schema(value_type = Option<String>)]
    pub person_name: Option<Option<String>>,
    /// 所在地区
    #[serde(default, deserialize_with = "given")]
    #[schema(value_type = Option<String>)]
    pub region_code: Option<Option<String>>,
    /// 联系人
    #[serde(default, deserialize_with = "given")]
    #[schema(value_type = Option<String>)]
    pub contact_name: Option<Option<String>>,
    /// 联系电话
    #[serde(default, deserialize_with = "given")]
    #[schema(value_type = Option<String>)]
    pub contact_phone: Option<Option<String>>,
    /// 播出平台
    #[serde(default, deserialize_with = "given")]
    #[schema(value_type = Option<String>)]
    pub platform: Option<Option<String>>,
    /// 播出网址
    #[serde(default, deserialize_with = "given")]
    #[schema(value_type = Option<String>)]
    pub platform_url: Option<Option<String>>,
    /// 内容简介
    #[serde(default, deserialize_with = "given")]
    #[schema(value_type = Option<String>)]
    pub introduction: Option<Option<String>>,
    /// 创新点
    #[serde(default, deserialize_with = "given")]
    #[schema(value_type = Option<String>)]
    pub innovation: Option<Option<String>>,
    /// 传播效果
    #[serde(default, deserialize_with = "given")]
    #[schema(value_type = Option<String>)]
    pub reach: Option<Option<String>>,
    /// 作者承诺
    #[serde(default, deserialize_with = "given")]
    #[schema(value_type = Option<bool>)]
    pub pledge: Option<Option<bool>>,
    /// 主创人员
    #[serde(default, deserialize_with = "given")]
    #[schema(value_type = Option<Vec<Author>>)]
    pub authors: Option<Option<Vec<Author>>>,
    /// 制作单位
    #[serde(default, deserialize_with = "given")]
    #[schema(value_type = Option<Vec<i64>>)]
    pub producing_units: Option<Option<Vec<i64>>>,
    /// 作品视频
    #[serde(default, deserialize_with = "given")]
    #[schema(value_type = Option<i64>)]
    pub video: Option<Option<i64>>,
    /// 签字报名表
    #[serde(default, deserialize_with = "given")]
    #[schema(value_type = Option<i64>)]
    pub signed_form: Option<Option<i64>>,
}

/// The most characters a draft keeps in any text field, and the most list items: a draft
/// saves anything a person types, but not without end.
pub const DRAFT_TEXT_MAX: usize = 2000;
/// The most authors or producing units a draft keeps.
pub const DRAFT_LIST_MAX: usize = 50;

fn clean(raw: Option<String>) -> Option<String> {
    raw.map(|v| nfc(&v).trim().to_owned())
        .filter(|v| !v.is_empty())
}

impl EntryForm {
    /// The form with `edit` applied (a field named replaces the saved one; null clears it),
    /// or the problems that stop even a draft from being saved: text beyond
    /// [`DRAFT_TEXT_MAX`] characters, lists beyond [`DRAFT_LIST_MAX`], control characters.
    pub fn with(&self, edit: EntryEdit) -> Result<EntryForm, FieldErrors> {
        let mut f = self.clone();
        macro_rules! set {
            ($($name:ident),+) => { $(if let Some(v) = edit.$name { f.$name = v; })+ };
        }
        set!(
            title,
            field,
            broadcast_date,
            entry_mode,
            unit_id,
            person_name,
            region_code,
            contact_name,
            contact_phone,
            platform,
            platform_url,
            introduction,
            innovation,
            reach,
            pledge,
            authors,
            producing_units,
            video,
            signed_form
        );
        f.normalise();
        let mut errors = FieldErrors::new();
        for (name, value) in f.texts() {
            if let Some(v) = value {
                if v.chars().count() > DRAFT_TEXT_MAX {
                    errors.add(name, format!("不能超过{DRAFT_TEXT_MAX}个字"));
                } else if v.chars().any(|c| forbidden_control(c) && c != '\n') {
                    errors.add(name, "含有不可见的控制字符，请删除后重试");
                }
            }
        }
        if f.authors.as_ref().is_some_and(|a| a.len() > DRAFT_LIST_MAX) {
            errors.add("authors", format!("主创人员最多{DRAFT_LIST_MAX}人"));
        }
        if f.producing_units
            .as_ref()
            .is_some_and(|u| u.len() > DRAFT_LIST_MAX)
        {
            errors.add("producing_units", format!("制作单位最多{DRAFT_LIST_MAX}个"));
        }
        errors.into_result().map(|()| f)
    }

    fn normalise(&mut self) {
        for v in [
            &mut self.title,
            &mut self.field,
            &mut self.broadcast_date,
            &mut self.entry_mode,
            &mut self.person_name,
            &mut self.region_code,
            &mut self.contact_name,
            &mut self.contact_phone,
            &mut self.platform,
            &mut self.platform_url,
            &mut self.introduction,
            &mut self.innovation,
            &mut self.reach,
        ] {
            *v = clean(v.take());
        }
        if let Some(authors) = &mut self.authors {
            for a in authors.iter_mut() {
                a.name = nfc(&a.name).trim().to_owned();
                a.unit = clean(a.unit.take());
            }
        }
    }

    fn texts(&self) -> [(&'static str, Option<&str>); 13] {
        [
            ("title", self.title.as_deref()),
            ("field", self.field.as_deref()),
            ("broadcast_date", self.broadcast_date.as_deref()),
            ("entry_mode", self.entry_mode.as_deref()),
            ("person_name", self.person_name.as_deref()),
            ("region_code", self.region_code.as_deref()),
            ("contact_name", self.contact_name.as_deref()),
            ("contact_phone", self.contact_phone.as_deref()),
            ("platform", self.platform.as_deref()),
            ("platform_url", self.platform_url.as_deref()),
            ("introduction", self.introduction.as_deref()),
            ("innovation", self.innovation.as_deref()),
            ("reach", self.reach.as_deref()),
        ]
    }

    /// The entry mode, when it names a known one.
    pub fn mode(&self) -> Option<EntryMode> {
        self.entry_mode.as_deref().and_then(EntryMode::parse)
    }
}

/// What only storage knows, for the submission check.
#[derive(Debug, Clone, Default)]
pub struct EntryFacts {
    /// Whether the submitter is a member of `unit_id`.
    pub member_of_unit: bool,
    /// Whether `unit_id` (unit mode) or `region_code` (self mode) lies inside the contest's
    /// `entrant_region` (true when the contest takes anyone).
    pub inside_entrant_region: bool,
    /// Whether `region_code` names a division.
    pub region_exists: bool,
    /// Whether every producing unit is a registered organisation.
    pub producing_units_exist: bool,
    /// The unit's entries already submitted, accepted or returned (for
    /// `max_entries_per_unit`), this one not counted.
    pub unit_entries: i64,
    /// Whether `video` is this entrant's uploaded video for this entry.
    pub video_uploaded: bool,
    /// Whether `signed_form` is this entrant's uploaded PDF for this entry.
    pub signed_form_uploaded: bool,
}

fn within(
    errors: &mut FieldErrors,
    field: &str,
    label: &str,
    value: Option<&str>,
    min: usize,
    max: usize,
) {
    match value {
        None => errors.add(field, format!("请填写{label}")),
        Some(v) => {
            let n = v.chars().count();
            if n < min {
                errors.add(field, format!("{label}至少{min}个字"));
            } else if n > max {
                errors.add(field, format!("{label}不能超过{max}个字（现为{n}字）"));
            }
        }
    }
}

/// Every problem that stops `form` from being submitted to a contest with `settings` on
/// `today` (Asia/Shanghai), by field, at once.
pub fn submit_problems(
    form: &EntryForm,
    settings: &ContestSettings,
    facts: &EntryFacts,
    today: NaiveDate,
) -> FieldErrors {
    let mut e = FieldErrors::new();
    within(&mut e, "title", "作品名称", form.title.as_deref(), 2, 50);
    match form.field.as_deref() {
        None => e.add("field", "请选择类别（专业领域）"),
        Some(f) if !settings.fields.iter().any(|x| x == f) => {
            e.add("field", "所选类别不在本次征集的专业领域之中")
        }
        Some(_) => {}
    }
    within(
        &mut e,
        "introduction",
        "内容简介",
        form.introduction.as_deref(),
        1,
        200,
    );
    within(
        &mut e,
        "innovation",
        "创新点",
        form.innovation.as_deref(),
        1,
        100,
    );
    within(&mut e, "reach", "传播效果", form.reach.as_deref(), 1, 100);
    within(
        &mut e,
        "contact_name",
        "联系人",
        form.contact_name.as_deref(),
        2,
        20,
    );
    match form.contact_phone.as_deref() {
        None => e.add("contact_phone", "请填写联系电话"),
        Some(p) if !phone_like(p) => e.add(
            "contact_phone",
            "联系电话格式不正确，请填写手机号或带区号的座机号（如 0398-2977619）",
        ),
        Some(_) => {}
    }
    if form.pledge != Some(true) {
        e.add("pledge", "请阅读并确认作者承诺");
    }
    let authors = form.authors.as_deref().unwrap_or_default();
    if authors.is_empty() {
        e.add("authors", "请至少填写一位主创人员（第一位为第一作者）");
    } else if authors.len() > 20 {
        e.add("authors", "主创人员最多20人");
    } else if authors
        .iter()
        .any(|a| a.name.is_empty() || a.name.chars().count() > 20)
    {
        e.add("authors", "每位主创人员须填写1至20个字的姓名");
    }
    if form.video.is_none() {
        e.add("video", "请上传作品视频");
    } else if !facts.video_uploaded {
        e.add("video", "作品视频须为本报名表上传的文件");
    }
    if settings.require_signed_form {
        if form.signed_form.is_none() {
            e.add(
                "signed_form",
                "请上传签字（个人）或盖章（单位）的报名表 PDF",
            );
        } else if !facts.signed_form_uploaded {
            e.add("signed_form", "报名表须为本报名表上传的 PDF 文件");
        }
    }
    broadcast_problems(form, settings, today, &mut e);
    match form.mode() {
        None if form.entry_mode.is_none() => e.add("entry_mode", "请选择参赛方式"),
        None => e.add(
            "entry_mode",
            "参赛方式须为 unit（单位推荐）或 self（个人自荐）",
        ),
        Some(mode) if !settings.entry_modes.contains(&mode) => {
            e.add("entry_mode", format!("本次征集不接受{}", mode.label()))
        }
        Some(EntryMode::Unit) => unit_problems(form, settings, facts, &mut e),
        Some(EntryMode::OwnNomination) => self_problems(form, authors, facts, &mut e),
    }
    e
}

fn broadcast_problems(
    form: &EntryForm,
    settings: &ContestSettings,
    today: NaiveDate,
    e: &mut FieldErrors,
) {
    let rules = &settings.file_rules;
    match form.broadcast_date.as_deref() {
        None if settings.require_broadcast => e.add("broadcast_date", "请填写播出时间"),
        None => {}
        Some(raw) => match NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
            Err(_) => e.add("broadcast_date", "播出时间格式应为 年-月-日，如 2024-06-01"),
            Ok(d) => {
                let latest = rules.made_before.unwrap_or(today);
                if d < rules.made_after || d > latest {
                    e.add(
                        "broadcast_date",
                        format!("播出时间须在 {} 至 {} 之间", rules.made_after, latest),
                    );
                }
            }
        },
    }
    if settings.require_broadcast {
        if form.platform.is_none() {
            e.add("platform", "请填写播出平台");
        }
        if form.platform_url.is_none() {
            e.add("platform_url", "请填写播出网址");
        }
    }
    if let Some(url) = form.platform_url.as_deref() {
        let lower = url.to_ascii_lowercase();
        let host = lower
            .strip_prefix("https://")
            .or_else(|| lower.strip_prefix("http://"))
            .unwrap_or_default();
        if host.is_empty() || host.starts_with('/') {
            e.add("platform_url", "播出网址须以 http:// 或 https:// 开头");
        }
    }
}

fn unit_problems(
    form: &EntryForm,
    settings: &ContestSettings,
    facts: &EntryFacts,
    e: &mut FieldErrors,
) {
    let Some(unit) = form.unit_id else {
        e.add("unit_id", "单位推荐须选择推荐单位");
        return;
    };
    if !facts.member_of_unit {
        e.add(
            "unit_id",
            "只能以本人所在的单位推荐（单位推荐的作品只能由第一作者提交）",
        );
    } else if !facts.inside_entrant_region {
        e.add("unit_id", "推荐单位不在本次征集的范围内");
    }
    if let Some(units) = &form.producing_units {
        if units.first() != Some(&unit) {
            e.add(
                "producing_units",
                "多家单位共同制作的作品只能由第一制作单位推荐：第一制作单位须为推荐单位",
            );
        } else if !facts.producing_units_exist {
            e.add("producing_units", "制作单位须为已登记的单位");
        }
    }
    if let Some(max) = settings.max_entries_per_unit
        && facts.unit_entries >= max
    {
        e.add(
            "unit_id",
            format!(
                "每个单位最多报送{max}件作品，该单位已报送{}件",
                facts.unit_entries
            ),
        );
    }
}

fn self_problems(form: &EntryForm, authors: &[Author], facts: &EntryFacts, e: &mut FieldErrors) {
    match form.person_name.as_deref() {
        None => e.add("person_name", "个人自荐须填写个人姓名"),
        Some(name) => {
            let n = name.chars().count();
            if !(2..=20).contains(&n) {
                e.add("person_name", "个人姓名须为2至20个字");
            } else if authors.first().is_some_and(|a| a.name != name) {
                e.add(
                    "authors",
                    "个人自荐只能由第一制作人提交：第一位主创人员须为本人",
                );
            }
        }
    }
    match form.region_code.as_deref() {
        None => e.add("region_code", "个人自荐须选择所在地区"),
        Some(_) if !facts.region_exists => e.add("region_code", "所选地区不存在"),
        Some(_) if !facts.inside_entrant_region => {
            e.add("region_code", "所在地区不在本次征集的范围内")
        }
        Some(_) => {}
    }
}

vocabulary!(
    /// A 形式审查 (formal review) decision.
    Screening {
        /// 通过
        Accept = "accept" / "通过",
        /// 退回修改
        Return = "return" / "退回修改",
    }
);

/// A reason someone gives (returning, disqualifying, a recusal): required, at most 500
/// characters; trimmed.
pub fn reason_given(reason: Option<&str>, missing: &str) -> Result<String, FieldErrors> {
    let reason = reason.map(|r| nfc(r).trim().to_owned()).unwrap_or_default();
    if reason.is_empty() {
        return Err(FieldErrors::single("reason", missing));
    }
    let n = reason.chars().count();
    if n > 500 {
        return Err(FieldErrors::single(
            "reason",
            format!("理由不能超过500个字（现为{n}字）"),
        ));
    }
    if reason.chars().any(|c| forbidden_control(c) && c != '\n') {
        return Err(FieldErrors::single(
            "reason",
            "含有不可见的控制字符，请删除后重试",
        ));
    }
    Ok(reason)
}

/// Why a move of an entry is refused: a field's problem (422) or the state it is in (409).
#[derive(Debug, Clone, PartialEq)]
pub enum MoveRefused {
    /// The request is wrong (a reason missing): by field.
    Invalid(FieldErrors),
    /// The entry or the contest is not in a state that allows it.
    State(String),
}

/// 形式审查: where `decision` takes a `submitted` entry of a contest in `contest` status,
/// and the reason to keep. Returning needs a reason, and the contest still taking entries
/// (`taking`), for the entrant to fix it.
pub fn screen(
    entry: EntryStatus,
    taking: bool,
    decision: Screening,
    reason: Option<&str>,
) -> Result<(EntryStatus, Option<String>), MoveRefused> {
    let reason = match decision {
        Screening::Accept => reason
            .map(|r| nfc(r).trim().to_owned())
            .filter(|r| !r.is_empty()),
        Screening::Return => Some(
            reason_given(reason, "退回修改须写明理由，以便作者修改")
                .map_err(MoveRefused::Invalid)?,
        ),
    };
    if entry != EntryStatus::Submitted {
        return Err(MoveRefused::State(format!(
            "只能审查已提交的作品（此作品的状态为“{}”）",
            entry.label()
        )));
    }
    if decision == Screening::Return && !taking {
        return Err(MoveRefused::State(
            "征集已结束，作者无法再修改，不能退回；请通过或取消资格".to_owned(),
        ));
    }
    let to = match decision {
        Screening::Accept => EntryStatus::Accepted,
        Screening::Return => EntryStatus::Returned,
    };
    Ok((to, reason))
}

/// Whether the entrant may withdraw an entry in `entry` status while the contest is in
/// `contest` status: before judging begins, and not once withdrawn or disqualified.
pub fn may_withdraw(
    entry: EntryStatus,
    contest: crate::contest::ContestStatus,
) -> Result<(), String> {
    use crate::contest::ContestStatus as C;
    if matches!(entry, EntryStatus::Withdrawn | EntryStatus::Disqualified) {
        return Err(format!("此作品的状态为“{}”，不能撤回", entry.label()));
    }
    if !matches!(contest, C::Draft | C::Open) {
        return Err("评审已经开始，作品不能再撤回".to_owned());
    }
    Ok(())
}

/// Whether an administrator may disqualify an entry in `entry` status, and the reason to
/// keep: at any time, with a reason, once it was submitted.
pub fn disqualify(entry: EntryStatus, reason: Option<&str>) -> Result<String, MoveRefused> {
    let reason = reason_given(reason, "取消资格须写明理由").map_err(MoveRefused::Invalid)?;
    if !entry.holds_the_work() {
        return Err(MoveRefused::State(format!(
            "此作品的状态为“{}”，不能取消资格",
            entry.label()
        )));
    }
    Ok(reason)
}

/// The keys one work is known by across a contest's entries (DESIGN.md §8: the same file,
/// the same platform URL, or the same title with the same first author): the URL with its
/// scheme and `www.` dropped, host lower-cased, query, fragment and trailing slash dropped;
/// and the title with the first author, each by [`crate::text::name_key`].
pub fn work_keys(form: &EntryForm) -> (Option<String>, Option<String>) {
    let url = form.platform_url.as_deref().and_then(|raw| {
        let raw = raw.trim();
        let lower = raw.to_ascii_lowercase();
        let rest = if lower.starts_with("https://") {
            raw.get(8..)?
        } else if lower.starts_with("http://") {
            raw.get(7..)?
        } else {
            return None;
        };
        let rest = rest.split(['?', '#']).next().unwrap_or_default();
        let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
        let host = host.to_ascii_lowercase();
        let host = host.strip_prefix("www.").unwrap_or(&host);
        if host.is_empty() {
            return None;
        }
        Some(format!("{host}/{}", path.trim_end_matches('/')))
    });
    let title = match (form.title.as_deref(), form.authors.as_deref()) {
        (Some(title), Some([first, ..])) if !first.name.is_empty() => Some(format!(
            "{}\u{1f}{}",
            crate::text::name_key(title),
            crate::text::name_key(&first.name)
        )),
        _ => None,
    };
    (url, title)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn screening_returns_only_with_a_reason_while_entries_are_taken() {
        use EntryStatus as S;
        assert_eq!(
            screen(S::Submitted, true, Screening::Accept, None),
            Ok((S::Accepted, None))
        );
        assert_eq!(
            screen(S::Submitted, true, Screening::Return, Some(" 画面模糊 ")),
            Ok((S::Returned, Some("画面模糊".to_owned())))
        );
        let Err(MoveRefused::Invalid(e)) =
            screen(S::Submitted, true, Screening::Return, Some("  "))
        else {
            panic!("a return without a reason passed")
        };
        assert_eq!(e.get("reason"), Some("退回修改须写明理由，以便作者修改"));
        assert_eq!(
            screen(S::Submitted, false, Screening::Return, Some("画面模糊")),
            Err(MoveRefused::State(
                "征集已结束，作者无法再修改，不能退回；请通过或取消资格".to_owned()
            ))
        );
        assert_eq!(
            screen(S::Draft, true, Screening::Accept, None),
            Err(MoveRefused::State(
                "只能审查已提交的作品（此作品的状态为“草稿”）".to_owned()
            ))
        );
    }

    #[test]
    fn withdrawal_ends_when_judging_begins_and_disqualifying_needs_a_reason() {
        use crate::contest::ContestStatus as C;
        use EntryStatus as S;
        assert_eq!(may_withdraw(S::Accepted, C::Open), Ok(()));
        assert_eq!(
            may_withdraw(S::Accepted, C::Judging),
            Err("评审已经开始，作品不能再撤回".to_owned())
        );
        assert_eq!(
            may_withdraw(S::Withdrawn, C::Open),
            Err("此作品的状态为“已撤回”，不能撤回".to_owned())
        );
        assert_eq!(disqualify(S::Accepted, Some("抄袭")), Ok("抄袭".to_owned()));
        assert!(matches!(
            disqualify(S::Accepted, None),
            Err(MoveRefused::Invalid(_))
        ));
        assert!(matches!(
            disqualify(S::Draft, Some("抄袭")),
            Err(MoveRefused::State(_))
        ));
        let long = "长".repeat(501);
        let Err(MoveRefused::Invalid(e)) = disqualify(S::Accepted, Some(&long)) else {
            panic!("a 501-character reason passed")
        };
        assert_eq!(e.get("reason"), Some("理由不能超过500个字（现为501字）"));
    }
    use crate::contest::template;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn facts() -> EntryFacts {
        EntryFacts {
            member_of_unit: true,
            inside_entrant_region: true,
            region_exists: true,
            producing_units_exist: true,
            unit_entries: 0,
            video_uploaded: true,
            signed_form_uploaded: true,
        }
    }

    /// The seed's form filled in by a unit, as 三门峡 2024 asked.
    fn unit_form() -> EntryForm {
        EntryForm {
            title: Some("黄河湿地的冬候鸟".into()),
            field: Some("生态保护".into()),
            broadcast_date: Some("2024-06-01".into()),
            entry_mode: Some("unit".into()),
            unit_id: Some(7),
            contact_name: Some("马诚坤".into()),
            contact_phone: Some("0398-2977619".into()),
            introduction: Some("白天鹅为何选择三门峡越冬".into()),
            innovation: Some("航拍与动画结合".into()),
            reach: Some("抖音播放十万次".into()),
            pledge: Some(true),
            authors: Some(vec![Author {
                name: "刘莎".into(),
                unit: Some("三门峡市广播电视台".into()),
            }]),
            producing_units: Some(vec![7, 9]),
            video: Some(1),
            signed_form: Some(2),
            ..EntryForm::default()
        }
    }

    #[test]
    fn the_seeds_form_passes() {
        let e = submit_problems(
            &unit_form(),
            &template().unwrap(),
            &facts(),
            day("2024-09-01"),
        );
        assert!(e.is_empty(), "{e:?}");
    }

    #[test]
    fn an_empty_form_lists_every_missing_field_at_once() {
        let e = submit_problems(
            &EntryForm::default(),
            &template().unwrap(),
            &facts(),
            day("2024-09-01"),
        );
        for (field, message) in [
            ("title", "请填写作品名称"),
            ("field", "请选择类别（专业领域）"),
            ("introduction", "请填写内容简介"),
            ("innovation", "请填写创新点"),
            ("reach", "请填写传播效果"),
            ("contact_name", "请填写联系人"),
            ("contact_phone", "请填写联系电话"),
            ("pledge", "请阅读并确认作者承诺"),
            ("authors", "请至少填写一位主创人员（第一位为第一作者）"),
            ("video", "请上传作品视频"),
            (
                "signed_form",
                "请上传签字（个人）或盖章（单位）的报名表 PDF",
            ),
            ("entry_mode", "请选择参赛方式"),
        ] {
            assert_eq!(e.get(field), Some(message), "{field}");
        }
    }

    #[test]
    fn lengths_are_the_forms_in_characters() {
        let mut f = unit_form();
        f.introduction = Some("科".repeat(201));
        f.innovation = Some("新".repeat(101));
        f.reach = Some("传".repeat(100));
        f.title = Some("鸟".into());
        let e = submit_problems(&f, &template().unwrap(), &facts(), day("2024-09-01"));
        assert_eq!(
            e.get("introduction"),
            Some("内容简介不能超过200个字（现为201字）")
        );
        assert_eq!(
            e.get("innovation"),
            Some("创新点不能超过100个字（现为101字）")
        );
        assert_eq!(e.get("reach"), None, "100 characters is allowed");
        assert_eq!(e.get("title"), Some("作品名称至少2个字"));
    }

    #[test]
    fn a_unit_entry_comes_from_the_first_producing_unit_and_a_member() {
        let mut f = unit_form();
        f.producing_units = Some(vec![9, 7]);
        let mut outsider = facts();
        outsider.member_of_unit = false;
        let e = submit_problems(&f, &template().unwrap(), &outsider, day("2024-09-01"));
        assert_eq!(
            e.get("producing_units"),
            Some("多家单位共同制作的作品只能由第一制作单位推荐：第一制作单位须为推荐单位")
        );
        assert_eq!(
            e.get("unit_id"),
            Some("只能以本人所在的单位推荐（单位推荐的作品只能由第一作者提交）")
        );
        let mut capped = template().unwrap();
        capped.max_entries_per_unit = Some(3);
        let mut full = facts();
        full.unit_entries = 3;
        let e = submit_problems(&unit_form(), &capped, &full, day("2024-09-01"));
        assert_eq!(
            e.get("unit_id"),
            Some("每个单位最多报送3件作品，该单位已报送3件")
        );
    }

    #[test]
    fn a_self_nomination_comes_from_the_first_author() {
        let mut f = unit_form();
        f.entry_mode = Some("self".into());
        f.unit_id = None;
        f.producing_units = None;
        f.person_name = Some("张三".into());
        f.region_code = Some("411202".into());
        let e = submit_problems(&f, &template().unwrap(), &facts(), day("2024-09-01"));
        assert_eq!(
            e.get("authors"),
            Some("个人自荐只能由第一制作人提交：第一位主创人员须为本人")
        );
        f.authors = Some(vec![Author {
            name: "张三".into(),
            unit: None,
        }]);
        assert!(submit_problems(&f, &template().unwrap(), &facts(), day("2024-09-01")).is_empty());
        let mut away = facts();
        away.inside_entrant_region = false;
        let e = submit_problems(&f, &template().unwrap(), &away, day("2024-09-01"));
        assert_eq!(e.get("region_code"), Some("所在地区不在本次征集的范围内"));
        let mut units_only = template().unwrap();
        units_only.entry_modes = vec![EntryMode::Unit];
        let e = submit_problems(&f, &units_only, &facts(), day("2024-09-01"));
        assert_eq!(e.get("entry_mode"), Some("本次征集不接受个人自荐"));
    }

    #[test]
    fn the_broadcast_date_lies_in_the_contests_window() {
        let mut f = unit_form();
        f.broadcast_date = Some("2022-12-31".into());
        let e = submit_problems(&f, &template().unwrap(), &facts(), day("2024-09-01"));
        assert_eq!(
            e.get("broadcast_date"),
            Some("播出时间须在 2023-01-01 至 2024-08-28 之间")
        );
        f.broadcast_date = Some("2024/08/01".into());
        assert!(
            submit_problems(&f, &template().unwrap(), &facts(), day("2024-09-01"))
                .get("broadcast_date")
                .is_some()
        );
        let mut broadcast = template().unwrap();
        broadcast.require_broadcast = true;
        let mut f = unit_form();
        f.platform_url = Some("ftp://example.com/v".into());
        let e = submit_problems(&f, &broadcast, &facts(), day("2024-09-01"));
        assert_eq!(e.get("platform"), Some("请填写播出平台"));
        assert_eq!(
            e.get("platform_url"),
            Some("播出网址须以 http:// 或 https:// 开头")
        );
    }

    #[test]
    fn a_draft_saves_anything_within_bounds_and_null_clears() {
        let saved = EntryForm::default()
            .with(EntryEdit {
                title: Some(Some("  鸟 ".into())),
                contact_phone: Some(Some("随便写".into())),
                ..EntryEdit::default()
            })
            .unwrap();
        assert_eq!(
            saved.title.as_deref(),
            Some("鸟"),
            "trimmed, kept though too short"
        );
        assert_eq!(saved.contact_phone.as_deref(), Some("随便写"));
        let cleared = saved
            .with(EntryEdit {
                title: Some(None),
                ..EntryEdit::default()
            })
            .unwrap();
        assert_eq!(cleared.title, None);
        assert_eq!(
            cleared.contact_phone.as_deref(),
            Some("随便写"),
            "untouched"
        );
        let e = saved
            .with(EntryEdit {
                introduction: Some(Some("字".repeat(DRAFT_TEXT_MAX + 1))),
                reach: Some(Some("a\u{0007}b".into())),
                ..EntryEdit::default()
            })
            .unwrap_err();
        assert_eq!(e.get("introduction"), Some("不能超过2000个字"));
        assert_eq!(e.get("reach"), Some("含有不可见的控制字符，请删除后重试"));
    }

    #[test]
    fn one_work_is_known_by_its_url_and_by_its_title_with_the_first_author() {
        let mut a = unit_form();
        a.platform_url = Some("https://www.Douyin.com/video/741/?utm_source=wx#top".into());
        let mut b = unit_form();
        b.platform_url = Some("http://douyin.com/video/741".into());
        b.title = Some(" 黄河湿地的 冬候鸟 ".into());
        b.authors = Some(vec![Author {
            name: "刘 莎".into(),
            unit: None,
        }]);
        assert_eq!(work_keys(&a), work_keys(&b));
        assert_eq!(work_keys(&a).0.as_deref(), Some("douyin.com/video/741"));
        let mut c = unit_form();
        c.authors = Some(vec![Author {
            name: "王五".into(),
            unit: None,
        }]);
        assert_ne!(
            work_keys(&a).1,
            work_keys(&c).1,
            "another first author: another work"
        );
        c.platform_url = Some("ftp://douyin.com/video/741".into());
        assert_eq!(work_keys(&c).0, None);
        assert_eq!(work_keys(&EntryForm::default()), (None, None));
    }

    #[test]
    fn which_states_hold_the_work() {
        use EntryStatus::*;
        let holding: Vec<EntryStatus> = EntryStatus::ALL
            .iter()
            .copied()
            .filter(|s| s.holds_the_work())
            .collect();
        assert_eq!(holding, [Submitted, Accepted, Returned]);
        assert!(Draft.editable() && Returned.editable() && !Submitted.editable());
    }
}
