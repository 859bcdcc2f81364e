//! 考评: a level's evaluation of the level below (DESIGN.md "Evaluation"; the issue
//! "Evaluation and oversight"). A scheme names what is evaluated (the divisions directly
//! under the evaluating region, or the organisations registered in it) and its indicators,
//! weighted to 100: each either *measured* from the platform (a fixed vocabulary of
//! measures, each with its definition) or *judged* 0–100 by the evaluating administrators.
//! Everything here is pure: the figures come in, the scores, totals and ranks go out.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::FieldErrors;
use crate::text::nfc;

vocabulary!(
    /// Who a scheme evaluates.
    Subjects {
        /// The divisions directly under the evaluating region.
        Areas = "areas" / "下级地区",
        /// The organisations registered in the evaluating region.
        Units = "units" / "本地区单位",
    }
);

vocabulary!(
    /// How an indicator is scored.
    IndicatorKind {
        /// Computed from the platform's figures.
        Measured = "measured" / "平台统计",
        /// Scored 0–100 by the evaluating administrators.
        Judged = "judged" / "评审打分",
    }
);

vocabulary!(
    /// What a measured indicator counts (each defined in `Measure::definition`).
    Measure {
        /// 审核通过的活动数占任务指标的百分比
        ApprovedVsQuota = "approved_vs_quota" / "任务指标完成率",
        /// 审核通过的活动数
        Approved = "approved" / "审核通过的活动数",
        /// 按时补充完整活动信息的活动所占百分比
        SupplementOnTimeShare = "supplement_on_time_share" / "按时补充活动信息的比例",
        /// 活动实际参与人数之和
        Participants = "participants" / "实际参与人数",
        /// 媒体报道链接数
        MediaLinks = "media_links" / "媒体报道数",
        /// 联合行动的活动数
        JointActions = "joint_actions" / "联合行动活动数",
        /// 千万IP创科普作品数
        OnlinePosts = "online_posts" / "千万IP创科普作品数",
        /// 有科技工作者参与的活动数
        WithScientists = "with_scientists" / "科技工作者参与的活动数",
        /// 推优的活动数
        Nominated = "nominated" / "推优活动数",
        /// 获评优秀的活动数
        Awarded = "awarded" / "获评优秀活动数",
        /// 按时提交活动总结（是为1，否为0）
        SummaryOnTime = "summary_on_time" / "按时提交活动总结",
        /// 名称或内容含关键词的审核通过活动数
        TopicCount = "topic_count" / "主题活动数",
    }
);

vocabulary!(
    /// Where `topic_count` looks for its keyword.
    KeywordIn {
        /// 活动名称或活动内容
        NameOrDetails = "name_or_details" / "活动名称或内容",
        /// 仅活动名称 (蒲城: “务必在【活动名称】中体现‘食品安全’四个字”)
        Name = "name" / "活动名称",
    }
);

/// The section whose approved activities `joint_actions` counts: 联合行动, by the key API.md
/// gives the shipped campaign's section.
pub const JOINT_ACTION_SECTION: &str = "joint_action";

impl Measure {
    /// What the figure is, exactly as counted (shown beside every figure).
    pub fn definition(self) -> &'static str {
        match self {
            Measure::ApprovedVsQuota => {
                "本次活动审核通过的活动数 ÷ 下达的任务指标数 × 100（没有任务指标时不计）"
            }
            Measure::Approved => "本次活动审核通过（已发布）的活动数",
            Measure::SupplementOnTimeShare => {
                "审核通过的活动中，在补充截止时间前提交完整活动信息的活动所占百分比"
            }
            Measure::Participants => "审核通过的活动补充的实际参与人数之和",
            Measure::MediaLinks => "审核通过的活动补充的媒体报道链接数之和",
            Measure::JointActions => "审核通过的活动中属于联合行动的活动数",
            Measure::OnlinePosts => "登记的千万IP创科普作品数（未被隐藏的）",
            Measure::WithScientists => "审核通过的活动中科技工作者参与人数大于0的活动数",
            Measure::Nominated => "推优（拟推优及以上）的活动数",
            Measure::Awarded => "最终获评优秀的活动数",
            Measure::SummaryOnTime => "在截止时间前提交了活动总结为1，否则为0",
            Measure::TopicCount => "名称或活动内容含关键词的审核通过活动数",
        }
    }

    /// The rollup cell (dimension, key) a figure is read from, for the measures the rollups
    /// hold: a count or sum over the subject's approved activities. `approved_vs_quota`
    /// and `supplement_on_time_share` read theirs over the approved count.
    pub fn cell(self) -> Option<(&'static str, &'static str)> {
        use crate::stats::dim;
        Some(match self {
            Measure::Approved | Measure::ApprovedVsQuota => (dim::STATUS, "approved"),
            Measure::SupplementOnTimeShare => (dim::SUM, "supplement_on_time"),
            Measure::Participants => (dim::SUM, "real"),
            Measure::MediaLinks => (dim::SUM, "media_links"),
            Measure::JointActions => (dim::SECTION, JOINT_ACTION_SECTION),
            Measure::WithScientists => (dim::SUM, "with_scientists"),
            Measure::OnlinePosts
            | Measure::Nominated
            | Measure::Awarded
            | Measure::SummaryOnTime
            | Measure::TopicCount => return None,
        })
    }

    /// Whether the figure is already a percentage (scored as it stands, up to 100, unless
    /// the indicator sets a target).
    pub fn is_share(self) -> bool {
        matches!(
            self,
            Measure::ApprovedVsQuota | Measure::SupplementOnTimeShare
        )
    }
}

/// An indicator of a scheme.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Indicator {
    /// Key (lower-case letters, digits, underscores), unique in the scheme.
    pub key: String,
    /// 名称, e.g. 组织动员.
    pub name: String,
    /// Weight in per cent; the weights sum to 100.
    pub weight: i64,
    /// `measured` or `judged`.
    pub kind: IndicatorKind,
    /// What a measured indicator counts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measure: Option<Measure>,
    /// The keyword of `topic_count`, e.g. 食品安全.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keyword: Option<String>,
    /// Where `topic_count` looks for it (default: the name or the details).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keyword_in: Option<KeywordIn>,
    /// The figure that scores 100 (above it, still 100); without one, counts score against
    /// the best subject's figure and percentages as they stand.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<f64>,
}

/// An indicator as sent: everything optional, checked as a whole by [`settle`].
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IndicatorInput {
    /// Key.
    #[serde(default)]
    pub key: Option<String>,
    /// 名称.
    #[serde(default)]
    pub name: Option<String>,
    /// Weight (per cent).
    #[serde(default)]
    pub weight: Option<i64>,
    /// `measured` or `judged`.
    #[serde(default)]
    pub kind: Option<String>,
    /// The measure (measured indicators).
    #[serde(default)]
    pub measure: Option<String>,
    /// The keyword (`topic_count`).
    #[serde(default)]
    pub keyword: Option<String>,
    /// `name_or_details` (default) or `name` (`topic_count`).
    #[serde(default)]
    pub keyword_in: Option<String>,
    /// The figure that scores 100.
    #[serde(default)]
    pub target: Option<f64>,
}

/// A scheme's settings as kept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SchemeSettings {
    /// 名称, e.g. 2024年唐山市全国科普日活动考评.
    pub name: String,
    /// `areas` or `units`.
    pub subjects: Subjects,
    /// The indicators, in order.
    pub indicators: Vec<Indicator>,
    /// How many of the best-ranked subjects the commendation list (表扬) names (ties at the
    /// last place included).
    #[serde(default = "default_commend_top")]
    pub commend_top: i64,
}

fn default_commend_top() -> i64 {
    3
}

/// A scheme as sent (`POST /api/v1/evaluation-schemes`).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SchemeInput {
    /// 名称.
    #[serde(default)]
    pub name: Option<String>,
    /// The campaign evaluated (default: the current one).
    #[serde(default)]
    pub campaign_id: Option<i64>,
    /// The evaluating region (six digits).
    #[serde(default)]
    pub region_code: Option<String>,
    /// `areas` or `units`.
    #[serde(default)]
    pub subjects: Option<String>,
    /// The indicators.
    #[serde(default)]
    pub indicators: Option<Vec<IndicatorInput>>,
    /// How many of the best-ranked subjects to commend (default 3).
    #[serde(default)]
    pub commend_top: Option<i64>,
}

pub(crate) fn is_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 32
        && key
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

fn indicator_field(i: usize, name: &str) -> String {
    format!("indicators[{i}].{name}")
}

/// The settings a scheme input makes, checked as a whole: every problem at once, each under
/// its field (`indicators` for the whole list, `indicators[i].field` for one indicator).
pub fn settle(input: &SchemeInput) -> Result<SchemeSettings, FieldErrors> {
    let mut errors = FieldErrors::new();
    let name = nfc(input.name.as_deref().unwrap_or_default())
        .trim()
        .to_owned();
    if name.chars().count() < 2 || name.chars().count() > 60 {
        errors.add("name", "考评名称须为2至60个字");
    }
    let subjects = match input.subjects.as_deref().map(str::trim) {
        None | Some("") => {
            errors.add(
                "subjects",
                "请选择考评对象：下级地区（areas）或本地区单位（units）",
            );
            None
        }
        Some(raw) => Subjects::parse(raw).or_else(|| {
            errors.add(
                "subjects",
                "考评对象须为 areas（下级地区）或 units（本地区单位）",
            );
            None
        }),
    };
    let list = input.indicators.as_deref().unwrap_or_default();
    if list.is_empty() {
        errors.add("indicators", "请至少设置一项考评指标");
    }
    if list.len() > 30 {
        errors.add("indicators", "考评指标最多30项");
    }
    let mut indicators = Vec::with_capacity(list.len());
    let mut keys = BTreeSet::new();
    for (i, raw) in list.iter().enumerate() {
        let key = raw.key.as_deref().unwrap_or_default().trim().to_owned();
        if !is_key(&key) {
            errors.add(
                &indicator_field(i, "key"),
                "键名须为小写字母、数字或下划线（如 mobilisation），不超过32个字符",
            );
        } else if !keys.insert(key.clone()) {
            errors.add(&indicator_field(i, "key"), format!("键名“{key}”重复"));
        }
        let iname = nfc(raw.name.as_deref().unwrap_or_default())
            .trim()
            .to_owned();
        if iname.is_empty() || iname.chars().count() > 20 {
            errors.add(&indicator_field(i, "name"), "指标名称须为1至20个字");
        }
        let weight = raw.weight.unwrap_or(0);
        if !(0..=100).contains(&weight) {
            errors.add(&indicator_field(i, "weight"), "权重须在0至100之间");
        }
        let kind = match raw.kind.as_deref().map(str::trim) {
            Some(k) => IndicatorKind::parse(k).or_else(|| {
                errors.add(
                    &indicator_field(i, "kind"),
                    "指标类型须为 measured（平台统计）或 judged（评审打分）",
                );
                None
            }),
            None => {
                errors.add(&indicator_field(i, "kind"), "请选择指标类型");
                None
            }
        };
        let given_measure = raw
            .measure
            .as_deref()
            .map(str::trim)
            .filter(|m| !m.is_empty());
        let measure = match given_measure {
            Some(m) => Measure::parse(m).or_else(|| {
                errors.add(&indicator_field(i, "measure"), format!("未知的统计项“{m}”"));
                None
            }),
            None => None,
        };
        let keyword = raw
            .keyword
            .as_deref()
            .map(|k| nfc(k).trim().to_owned())
            .filter(|k| !k.is_empty());
        match kind {
            Some(IndicatorKind::Measured) if given_measure.is_none() => {
                errors.add(&indicator_field(i, "measure"), "平台统计的指标须选择统计项");
            }
            Some(IndicatorKind::Judged) if given_measure.is_some() => {
                errors.add(&indicator_field(i, "measure"), "评审打分的指标不选统计项");
            }
            _ => {}
        }
        if measure == Some(Measure::TopicCount) {
            match &keyword {
                None => errors.add(
                    &indicator_field(i, "keyword"),
                    "主题活动数须填写关键词（如“食品安全”）",
                ),
                Some(k) if k.chars().count() > 20 => {
                    errors.add(&indicator_field(i, "keyword"), "关键词不超过20个字");
                }
                Some(_) => {}
            }
        } else if keyword.is_some() {
            errors.add(&indicator_field(i, "keyword"), "只有“主题活动数”需要关键词");
        }
        let keyword_in = match raw.keyword_in.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(_) if measure != Some(Measure::TopicCount) => {
                errors.add(
                    &indicator_field(i, "keyword_in"),
                    "只有“主题活动数”需要选择关键词的查找范围",
                );
                None
            }
            Some(w) => KeywordIn::parse(w).or_else(|| {
                errors.add(
                    &indicator_field(i, "keyword_in"),
                    "关键词的查找范围须为 name（活动名称）或 name_or_details（活动名称或内容）",
                );
                None
            }),
        };
        if let Some(t) = raw.target
            && !(t.is_finite() && t > 0.0)
        {
            errors.add(&indicator_field(i, "target"), "目标值须为大于0的数");
        }
        if kind == Some(IndicatorKind::Judged) && raw.target.is_some() {
            errors.add(&indicator_field(i, "target"), "评审打分的指标没有目标值");
        }
        if let Some(kind) = kind {
            indicators.push(Indicator {
                key,
                name: iname,
                weight,
                kind,
                measure,
                keyword,
                keyword_in,
                target: raw.target,
            });
        }
    }
    let total = list
        .iter()
        .fold(0_i64, |sum, i| sum.saturating_add(i.weight.unwrap_or(0)));
    if !list.is_empty() && total != 100 {
        errors.add(
            "indicators",
            format!("各项指标的权重合计须为100（现为{total}）"),
        );
    }
    let commend_top = input.commend_top.unwrap_or_else(default_commend_top);
    if !(0..=100).contains(&commend_top) {
        errors.add("commend_top", "表扬名额须在0至100之间");
    }
    match (errors.into_result(), subjects) {
        (Ok(()), Some(subjects)) => Ok(SchemeSettings {
            name,
            subjects,
            indicators,
            commend_top,
        }),
        (Err(e), _) => Err(e),
        (Ok(()), None) => Err(FieldErrors::single("subjects", "请选择考评对象")),
    }
}

/// The score (0–100) of a measured figure: against the indicator's target when it has one
/// (100 × figure / target, at most 100); otherwise a percentage as it stands (at most
/// 100), a yes/no (`summary_on_time`) as 0 or 100, and a count against the best subject's
/// (100 × figure / best; 0 when nobody has any).
pub fn measured_score(indicator: &Indicator, figure: f64, best: f64) -> f64 {
    let figure = figure.max(0.0);
    let score = match (indicator.target, indicator.measure) {
        (Some(target), _) => 100.0 * figure / target,
        (None, Some(m)) if m.is_share() => figure,
        (None, Some(Measure::SummaryOnTime)) => 100.0 * figure.min(1.0),
        _ if best > 0.0 => 100.0 * figure / best,
        _ => 0.0,
    };
    score.clamp(0.0, 100.0)
}

/// Whether a subject at `rank` with `total` is commended, with `top` places: within them
/// (ties at the last place included) and with something to commend (a total above 0).
pub fn commended(rank: usize, total: f64, top: i64) -> bool {
    total > 0.0 && usize::try_from(top).is_ok_and(|top| rank <= top)
}

/// A subject's total: Σ weight × score / 100, a missing score counted as 0.
pub fn total(indicators: &[Indicator], scores: &BTreeMap<String, f64>) -> f64 {
    indicators
        .iter()
        .map(|i| i.weight as f64 * scores.get(&i.key).copied().unwrap_or(0.0) / 100.0)
        .sum()
}

/// Ranks by total, best first: equal totals (to 0.01) share a rank and the next rank skips
/// (1, 1, 3). Answers each position's rank, in the order of `totals`.
pub fn ranks(totals: &[f64]) -> Vec<usize> {
    let rounded: Vec<i64> = totals.iter().map(|t| (t * 100.0).round() as i64).collect();
    rounded
        .iter()
        .map(|t| 1 + rounded.iter().filter(|o| *o > t).count())
        .collect()
}

/// The shipped templates: 唐山's seven indicators (seeds/003: 组织动员、数量规模、活动宣传、
/// 效果亮点、开展科技志愿、联合行动、网络活动情况; the weights are our proposal, the seed
/// names none) and 蒲城's food-safety count per unit (seeds/004).
pub const TEMPLATE_TANGSHAN: &str = include_str!("../../../config/evaluations/tangshan-2024.json");
/// See [`TEMPLATE_TANGSHAN`].
pub const TEMPLATE_PUCHENG_FOOD_SAFETY: &str =
    include_str!("../../../config/evaluations/pucheng-food-safety.json");

/// A template's scheme input, by name (`tangshan`, `pucheng_food_safety`).
pub fn template(name: &str) -> Option<Result<SchemeInput, String>> {
    let raw = match name {
        "tangshan" => TEMPLATE_TANGSHAN,
        "pucheng_food_safety" => TEMPLATE_PUCHENG_FOOD_SAFETY,
        _ => return None,
    };
    Some(serde_json::from_str(raw).map_err(|e| format!("evaluation template {name}: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn measured(key: &str, weight: i64, measure: &str) -> IndicatorInput {
        IndicatorInput {
            key: Some(key.into()),
            name: Some(key.into()),
            weight: Some(weight),
            kind: Some("measured".into()),
            measure: Some(measure.into()),
            ..IndicatorInput::default()
        }
    }

    fn input(indicators: Vec<IndicatorInput>) -> SchemeInput {
        SchemeInput {
            name: Some("2024年唐山市全国科普日活动考评".into()),
            region_code: Some("130200".into()),
            subjects: Some("areas".into()),
            indicators: Some(indicators),
            ..SchemeInput::default()
        }
    }

    #[test]
    fn the_templates_settle() {
        for name in ["tangshan", "pucheng_food_safety"] {
            let s = settle(&template(name).unwrap().unwrap()).unwrap();
            assert_eq!(
                s.indicators.iter().map(|i| i.weight).sum::<i64>(),
                100,
                "{name}"
            );
        }
        let t = settle(&template("tangshan").unwrap().unwrap()).unwrap();
        let names: Vec<&str> = t.indicators.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "组织动员",
                "数量规模",
                "活动宣传",
                "效果亮点",
                "开展科技志愿",
                "联合行动",
                "网络活动情况"
            ]
        );
        let p = settle(&template("pucheng_food_safety").unwrap().unwrap()).unwrap();
        assert_eq!(p.subjects, Subjects::Units);
        assert!(
            p.indicators
                .iter()
                .any(|i| i.measure == Some(Measure::TopicCount)
                    && i.keyword.as_deref() == Some("食品安全")
                    && i.keyword_in == Some(KeywordIn::Name))
        );
        assert!(template("nowhere").is_none());
    }

    #[test]
    fn each_scheme_rule_is_refused_beside_its_field() {
        let e = settle(&input(vec![
            measured("approved", 60, "approved"),
            measured("posts", 30, "online_posts"),
        ]))
        .unwrap_err();
        assert_eq!(
            e.get("indicators"),
            Some("各项指标的权重合计须为100（现为90）")
        );
        let e = settle(&input(vec![
            measured("approved", 50, "approved"),
            measured("approved", 50, "online_posts"),
        ]))
        .unwrap_err();
        assert_eq!(e.get("indicators[1].key"), Some("键名“approved”重复"));
        let e = settle(&input(vec![measured("approved", 100, "visitors")])).unwrap_err();
        assert_eq!(
            e.get("indicators[0].measure"),
            Some("未知的统计项“visitors”")
        );
        let e = settle(&input(vec![measured("food", 100, "topic_count")])).unwrap_err();
        assert_eq!(
            e.get("indicators[0].keyword"),
            Some("主题活动数须填写关键词（如“食品安全”）")
        );
        let mut judged = measured("mobilisation", 100, "approved");
        judged.kind = Some("judged".into());
        let e = settle(&input(vec![judged])).unwrap_err();
        assert_eq!(
            e.get("indicators[0].measure"),
            Some("评审打分的指标不选统计项")
        );
        let mut no_measure = measured("volume", 100, "");
        no_measure.measure = None;
        let e = settle(&input(vec![no_measure])).unwrap_err();
        assert_eq!(
            e.get("indicators[0].measure"),
            Some("平台统计的指标须选择统计项")
        );
        let mut bad = input(vec![measured("Bad Key", 100, "approved")]);
        bad.subjects = Some("towns".into());
        bad.name = Some("考".into());
        let e = settle(&bad).unwrap_err();
        assert_eq!(
            e.get("indicators[0].key"),
            Some("键名须为小写字母、数字或下划线（如 mobilisation），不超过32个字符")
        );
        assert_eq!(
            e.get("subjects"),
            Some("考评对象须为 areas（下级地区）或 units（本地区单位）")
        );
        assert_eq!(e.get("name"), Some("考评名称须为2至60个字"));
        let mut target = measured("approved", 100, "approved");
        target.target = Some(0.0);
        assert_eq!(
            settle(&input(vec![target]))
                .unwrap_err()
                .get("indicators[0].target"),
            Some("目标值须为大于0的数")
        );
        let e = settle(&input(Vec::new())).unwrap_err();
        assert_eq!(e.get("indicators"), Some("请至少设置一项考评指标"));
    }

    fn indicator(measure: Measure, target: Option<f64>) -> Indicator {
        Indicator {
            key: "k".into(),
            name: "k".into(),
            weight: 100,
            kind: IndicatorKind::Measured,
            measure: Some(measure),
            keyword: None,
            keyword_in: None,
            target,
        }
    }

    #[test]
    fn measured_figures_score_against_the_target_the_best_or_as_a_share() {
        // A count against the best subject: 12 of a best 16 is 75.
        assert_eq!(
            measured_score(&indicator(Measure::Approved, None), 12.0, 16.0),
            75.0
        );
        // Against a target of 20: 12 is 60; 30 is capped at 100.
        assert_eq!(
            measured_score(&indicator(Measure::Approved, Some(20.0)), 12.0, 16.0),
            60.0
        );
        assert_eq!(
            measured_score(&indicator(Measure::Approved, Some(20.0)), 30.0, 30.0),
            100.0
        );
        // A percentage as it stands, capped: 80 % of the quota is 80; 130 % is 100.
        assert_eq!(
            measured_score(&indicator(Measure::ApprovedVsQuota, None), 80.0, 130.0),
            80.0
        );
        assert_eq!(
            measured_score(&indicator(Measure::ApprovedVsQuota, None), 130.0, 130.0),
            100.0
        );
        // Yes or no.
        assert_eq!(
            measured_score(&indicator(Measure::SummaryOnTime, None), 1.0, 1.0),
            100.0
        );
        assert_eq!(
            measured_score(&indicator(Measure::SummaryOnTime, None), 0.0, 1.0),
            0.0
        );
        // Nobody has any: 0, not a division by zero.
        assert_eq!(
            measured_score(&indicator(Measure::MediaLinks, None), 0.0, 0.0),
            0.0
        );
    }

    #[test]
    fn totals_weigh_the_scores_and_equal_totals_share_a_rank() {
        let settled = settle(&template("tangshan").unwrap().unwrap()).unwrap();
        let all_fifty: BTreeMap<String, f64> = settled
            .indicators
            .iter()
            .map(|i| (i.key.clone(), 50.0))
            .collect();
        assert!((total(&settled.indicators, &all_fifty) - 50.0).abs() < 1e-9);
        // A missing (not yet judged) score counts 0.
        let mut partial = all_fifty.clone();
        let first = settled.indicators[0].clone();
        partial.remove(&first.key);
        let expected = 50.0 - first.weight as f64 * 50.0 / 100.0;
        assert!((total(&settled.indicators, &partial) - expected).abs() < 1e-9);
        assert_eq!(ranks(&[70.0, 85.5, 70.004, 60.0]), [2, 1, 2, 4]);
        assert_eq!(ranks(&[]), Vec::<usize>::new());
        // Commended: within the places, ties at the last included, never with nothing.
        assert!(commended(3, 12.5, 3));
        assert!(!commended(4, 12.5, 3));
        assert!(!commended(1, 0.0, 3));
    }
}
