//! 评审结果, 公示 and 展播: the video contest's results, computed by `domain::scoring` from
//! the submitted score sheets and the counted votes, always naming the method that made
//! them; administrators see them as a draft at any time; publishing them for 公示 closes
//! the contest, and then the public sees the awarded entries (scores only where the contest
//! shows them; never contacts, judges or comments), as last recomputed (a disqualification
//! during 公示 moves the awards).

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use domain::contest::{Aggregation, ContestStatus, Normalise};
use domain::entry::{EntryForm, EntryStatus};
use domain::scoring::{EntryTally, Total};
use serde::{Deserialize, Serialize};
use store::entities::{InArea, contest, contest_entry as entry};
use store::sea_orm::{Condition, TransactionTrait};
use utoipa::ToSchema;

use crate::contests::{scope, settings_of, status_of};
use crate::{Actor, App, AppError};

/// The method that made the results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ResultsMethod {
    /// `mean`, `median` or `trimmed_mean`.
    pub aggregation: Aggregation,
    /// `none` or `zscore`.
    pub normalise: Normalise,
    /// Judges with fewer scores are left raw.
    pub normalise_min_scores: i64,
    /// The public vote's weight (0 without a vote).
    pub vote_weight: i64,
}

/// An award as shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AwardRef {
    /// Key.
    pub key: String,
    /// 名称, e.g. 一等奖.
    pub name: String,
}

/// An entry's place.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RankedEntry {
    /// 1, 2, …
    pub rank: usize,
    /// The entry.
    pub entry_id: i64,
    /// 作品名称
    pub title: Option<String>,
    /// 类别
    pub field: Option<String>,
    /// Who entered it: the person (self mode) or the recommending unit.
    pub entrant: String,
    /// Its award.
    pub award: Option<AwardRef>,
    /// E (hidden from the public unless the contest shows scores).
    pub expert_score: Option<f64>,
    /// V.
    pub vote_score: Option<f64>,
    /// F.
    pub final_score: Option<f64>,
    /// Votes counted.
    pub votes: Option<i64>,
    /// Submitted score sheets.
    pub scores_count: Option<usize>,
}

/// An entry with too few scores to be ranked (待评).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct UnrankedEntry {
    /// The entry.
    pub entry_id: i64,
    /// 作品名称
    pub title: Option<String>,
    /// Submitted score sheets.
    pub scores_count: usize,
}

/// A contest's results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ResultsView {
    /// `draft`, `publicity` or `final`.
    pub stage: String,
    /// When they were computed.
    pub computed_at: DateTime<Utc>,
    /// The method that made them.
    pub method: ResultsMethod,
    /// The last day of 公示 (publicity stage onwards).
    #[schema(value_type = Option<String>, format = Date)]
    pub publicity_until: Option<NaiveDate>,
    /// The ranked entries, best first.
    pub ranking: Vec<RankedEntry>,
    /// The entries not yet ranked.
    pub unranked: Vec<UnrankedEntry>,
}

/// A stage to publish.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StageInput {
    /// `publicity` (公示) or `final` (最终结果).
    pub stage: String,
}

/// A winner in the showcase.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ShowcaseEntry {
    /// The entry.
    pub entry_id: i64,
    /// 作品名称
    pub title: Option<String>,
    /// 类别
    pub field: Option<String>,
    /// Who entered it.
    pub entrant: String,
    /// Its award.
    pub award: Option<AwardRef>,
    /// 内容简介
    pub introduction: Option<String>,
    /// Where to play it (byte ranges served).
    pub video_url: Option<String>,
    /// Its duration.
    pub duration_seconds: Option<f64>,
}

/// One judge's submitted totals, before and after z-score normalisation: what the results
/// page draws to show why normalisation matters (a harsh judge's totals sit low until they
/// are moved to the panel's mean and spread).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct JudgeSpread {
    /// The panel entry.
    pub judge_id: i64,
    /// The judge's name.
    pub name: Option<String>,
    /// Their submitted totals (accepted entries only).
    pub points: Vec<SpreadPoint>,
    /// The mean of their raw totals (0 without any).
    pub raw_mean: f64,
    /// The mean after z-score normalisation.
    pub normalised_mean: f64,
    /// Fewer totals than `normalise_min_scores`: left raw by z-score normalisation.
    pub left_raw: bool,
}

/// One total of one judge.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SpreadPoint {
    /// The entry.
    pub entry_id: i64,
    /// t as the judge gave it.
    pub raw: f64,
    /// t′ after z-score normalisation over the whole panel.
    pub normalised: f64,
}

/// Each judge's totals before and after normalisation, and the method the results use.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SpreadView {
    /// The method the results use (the chart always shows z-scores, to compare).
    pub method: ResultsMethod,
    /// One row per judge on the panel, in panel order.
    pub judges: Vec<JudgeSpread>,
}

fn method_of(settings: &domain::contest::ContestSettings) -> ResultsMethod {
    ResultsMethod {
        aggregation: settings.aggregation,
        normalise: settings.normalise,
        normalise_min_scores: settings.normalise_min_scores,
        vote_weight: settings.public_vote.as_ref().map_or(0, |v| v.weight),
    }
}

fn mean_of(xs: impl Iterator<Item = f64>) -> f64 {
    let (sum, n) = xs.fold((0.0, 0usize), |(s, n), x| (s + x, n + 1));
    if n == 0 { 0.0 } else { sum / n as f64 }
}

fn not_published() -> AppError {
    AppError::NotFound("该比赛的结果尚未公布".to_owned())
}

fn stored(row: &contest::Model) -> Result<Option<ResultsView>, AppError> {
    match (&row.results_stage, &row.results) {
        (Some(_), Some(raw)) => serde_json::from_str(raw)
            .map(Some)
            .map_err(AppError::internal),
        _ => Ok(None),
    }
}

/// The results as the public sees them: awarded entries only, scores only where shown.
fn public(mut r: ResultsView, show_scores: bool) -> ResultsView {
    r.unranked.clear();
    r.ranking.retain(|e| e.award.is_some());
    if !show_scores {
        for e in &mut r.ranking {
            e.expert_score = None;
            e.vote_score = None;
            e.final_score = None;
            e.votes = None;
            e.scores_count = None;
        }
    }
    r
}

impl App {
    /// The results of contest `row` as they stand now (`stage` as published, else draft).
    pub(crate) async fn compute_results(
        &self,
        row: &contest::Model,
    ) -> Result<ResultsView, AppError> {
        let settings = settings_of(row)?;
        let cid = row.id;
        let entries = store::entries::all_of(
            &self.db,
            cid,
            store::entries::in_status(&[EntryStatus::Accepted.as_str()]),
        )
        .await?;
        let sheets =
            store::judging::assignments(&self.db, cid, store::judging::submitted()).await?;
        let votes = store::votes::counts(&self.db, cid).await?;
        let heaviest = settings
            .criteria
            .iter()
            .max_by_key(|c| c.weight)
            .map(|c| c.key.clone())
            .unwrap_or_default();
        let mut totals = Vec::with_capacity(sheets.len());
        let mut heaviest_raw: HashMap<i64, Vec<f64>> = HashMap::new();
        for s in &sheets {
            let Some(total) = s.total else { continue };
            totals.push(Total {
                judge: s.judge_id,
                entry: s.entry_id,
                total,
            });
            let scores: BTreeMap<String, f64> = s
                .scores
                .as_deref()
                .map(serde_json::from_str)
                .transpose()
                .map_err(AppError::internal)?
                .unwrap_or_default();
            if let Some(v) = scores.get(&heaviest) {
                heaviest_raw.entry(s.entry_id).or_default().push(*v);
            }
        }
        // Only accepted entries are ranked: a disqualified entry's sheets fall away.
        let accepted: HashMap<i64, &entry::Model> = entries.iter().map(|e| (e.id, e)).collect();
        totals.retain(|t| accepted.contains_key(&t.entry));
        let mut order: Vec<&entry::Model> = entries.iter().collect();
        order.sort_by_key(|e| (e.submitted_at, e.id));
        let tallies: Vec<EntryTally> = order
            .iter()
            .enumerate()
            .map(|(i, e)| EntryTally {
                entry: e.id,
                submitted: i64::try_from(i).unwrap_or(i64::MAX),
                heaviest_mean: heaviest_raw
                    .get(&e.id)
                    .map(|v| v.iter().sum::<f64>() / v.len().max(1) as f64)
                    .unwrap_or(0.0),
                votes: votes.get(&e.id).copied().unwrap_or(0),
            })
            .collect();
        let (placed, unranked) = domain::scoring::rank(&settings, &totals, &tallies);
        let names = self.entrants(&entries).await?;
        let forms: HashMap<i64, EntryForm> = entries
            .iter()
            .map(|e| {
                Ok((
                    e.id,
                    serde_json::from_str(&e.form).map_err(AppError::internal)?,
                ))
            })
            .collect::<Result<_, AppError>>()?;
        let award_of = |key: &Option<String>| {
            key.as_ref().and_then(|k| {
                settings
                    .awards
                    .iter()
                    .find(|a| &a.key == k)
                    .map(|a| AwardRef {
                        key: a.key.clone(),
                        name: a.name.clone(),
                    })
            })
        };
        let ranking = placed
            .iter()
            .map(|p| {
                let form = forms.get(&p.entry);
                RankedEntry {
                    rank: p.rank,
                    entry_id: p.entry,
                    title: form.and_then(|f| f.title.clone()),
                    field: form.and_then(|f| f.field.clone()),
                    entrant: names.get(&p.entry).cloned().unwrap_or_default(),
                    award: award_of(&p.award),
                    expert_score: Some(p.expert_score),
                    vote_score: Some(p.vote_score),
                    final_score: Some(p.final_score),
                    votes: Some(p.votes),
                    scores_count: Some(p.scores_count),
                }
            })
            .collect();
        let unranked = unranked
            .iter()
            .map(|u| UnrankedEntry {
                entry_id: u.entry,
                title: forms.get(&u.entry).and_then(|f| f.title.clone()),
                scores_count: u.scores_count,
            })
            .collect();
        let previous = stored(row)?;
        Ok(ResultsView {
            stage: row
                .results_stage
                .clone()
                .unwrap_or_else(|| "draft".to_owned()),
            computed_at: self.clock.now(),
            method: method_of(&settings),
            publicity_until: previous.and_then(|p| p.publicity_until),
            ranking,
            unranked,
        })
    }

    /// Who entered each entry: the person in self mode, the recommending unit's name in
    /// unit mode.
    async fn entrants(&self, entries: &[entry::Model]) -> Result<HashMap<i64, String>, AppError> {
        let units: Vec<i64> = entries.iter().filter_map(|e| e.unit_id).collect();
        let unit_names: HashMap<i64, String> = store::orgs::find_many(&self.db, &units)
            .await?
            .into_iter()
            .map(|o| (o.id, o.name))
            .collect();
        entries
            .iter()
            .map(|e| {
                let name = match e.unit_id {
                    Some(u) => unit_names.get(&u).cloned().unwrap_or_default(),
                    None => {
                        let form: EntryForm =
                            serde_json::from_str(&e.form).map_err(AppError::internal)?;
                        form.person_name.unwrap_or_default()
                    }
                };
                Ok((e.id, name))
            })
            .collect()
    }

    /// `GET /api/v1/contests/{id}/results`: to its administrators at any stage (as they
    /// stand now); to anyone once published (awarded entries only).
    pub async fn results(&self, caller: Option<&Actor>, cid: i64) -> Result<ResultsView, AppError> {
        let row = store::contests::find(&self.db, cid)
            .await?
            .ok_or_else(|| AppError::NotFound("未找到该比赛".to_owned()))?;
        if caller.is_some_and(|a| a.governs(&row.area())) {
            return self.compute_results(&row).await;
        }
        let settings = settings_of(&row)?;
        let published = stored(&row)?.ok_or_else(not_published)?;
        Ok(public(published, settings.show_scores))
    }

    /// Each judge's submitted totals of accepted entries before and after z-score
    /// normalisation (over the whole panel, judges with fewer than `normalise_min_scores`
    /// totals left raw, as `domain::scoring::normalised` moves them): for the contest's
    /// administrators only, since it names the judges beside their scores.
    pub async fn judge_spread(&self, actor: &Actor, cid: i64) -> Result<SpreadView, AppError> {
        let row = self
            .contest_in_scope(actor, cid, "只能查看本辖区举办的比赛的评分")
            .await?;
        let settings = settings_of(&row)?;
        let panel = self.judges(actor, cid).await?;
        let accepted: std::collections::HashSet<i64> = store::entries::all_of(
            &self.db,
            cid,
            store::entries::in_status(&[EntryStatus::Accepted.as_str()]),
        )
        .await?
        .iter()
        .map(|e| e.id)
        .collect();
        let totals: Vec<Total> =
            store::judging::assignments(&self.db, cid, store::judging::submitted())
                .await?
                .iter()
                .filter(|s| accepted.contains(&s.entry_id))
                .filter_map(|s| {
                    s.total.map(|total| Total {
                        judge: s.judge_id,
                        entry: s.entry_id,
                        total,
                    })
                })
                .collect();
        let moved =
            domain::scoring::normalised(&totals, Normalise::Zscore, settings.normalise_min_scores);
        let judges = panel
            .into_iter()
            .map(|j| {
                let points: Vec<SpreadPoint> = totals
                    .iter()
                    .zip(&moved)
                    .filter(|(t, _)| t.judge == j.id)
                    .map(|(t, m)| SpreadPoint {
                        entry_id: t.entry,
                        raw: t.total,
                        normalised: m.total,
                    })
                    .collect();
                JudgeSpread {
                    judge_id: j.id,
                    name: j.name,
                    raw_mean: mean_of(points.iter().map(|p| p.raw)),
                    normalised_mean: mean_of(points.iter().map(|p| p.normalised)),
                    left_raw: (points.len() as i64) < settings.normalise_min_scores,
                    points,
                }
            })
            .collect();
        Ok(SpreadView {
            method: method_of(&settings),
            judges,
        })
    }

    /// `POST /api/v1/contests/{id}/results`: `publicity` (the contest closed; it becomes
    /// `published`, 公示 for `publicity_days`), then `final`.
    pub async fn publish_results(
        &self,
        actor: &Actor,
        cid: i64,
        input: StageInput,
    ) -> Result<ResultsView, AppError> {
        let row = self
            .contest_in_scope(actor, cid, "只能管理本辖区举办的比赛")
            .await?;
        let status = status_of(&row)?;
        let settings = settings_of(&row)?;
        let now = self.clock.now();
        let (stage, moves) = match input.stage.trim() {
            "publicity" => {
                if status != ContestStatus::Closed || row.results_stage.is_some() {
                    return Err(AppError::conflict(
                        "评审结束（比赛为“评审结束”状态）后才能公示结果",
                    ));
                }
                ("publicity", Some(("closed", "published")))
            }
            "final" => {
                if row.results_stage.as_deref() != Some("publicity") {
                    return Err(AppError::conflict("须先公示结果，公示期满后再发布最终结果"));
                }
                ("final", None)
            }
            _ => {
                return Err(AppError::invalid_field(
                    "stage",
                    "stage 须为 publicity（公示）或 final（最终结果）",
                ));
            }
        };
        let mut results = self.compute_results(&row).await?;
        results.stage = stage.to_owned();
        if stage == "publicity" {
            results.publicity_until = Some(
                domain::campaign::beijing_date(now)
                    + chrono::Duration::days(settings.publicity_days.max(1) - 1),
            );
        }
        let txn = self.db.begin().await?;
        if !store::contests::set_results(
            &txn,
            cid,
            scope(actor),
            stage,
            serde_json::to_string(&results).map_err(AppError::internal)?,
            moves,
            now,
        )
        .await?
        {
            return Err(AppError::conflict("比赛状态已被他人修改，请刷新后重试"));
        }
        crate::audit::record(
            &txn,
            now,
            Some(actor),
            crate::audit::Event::ok(
                "contest.results",
                "contest",
                cid,
                &row.area(),
                serde_json::json!({"stage": stage, "ranked": results.ranking.len()}),
            ),
        )
        .await?;
        txn.commit().await?;
        Ok(results)
    }

    /// Recomputes contest `cid`'s published results after a change that moves them (a
    /// disqualification, a vote voided, a method changed); nothing before publication.
    pub(crate) async fn refresh_results(&self, cid: i64) -> Result<(), AppError> {
        let Some(row) = store::contests::find(&self.db, cid).await? else {
            return Ok(());
        };
        if row.results_stage.is_none() {
            return Ok(());
        }
        let mut results = self.compute_results(&row).await?;
        if let Some(before) = stored(&row)? {
            results.publicity_until = before.publicity_until;
        }
        store::contests::refresh_results(
            &self.db,
            cid,
            serde_json::to_string(&results).map_err(AppError::internal)?,
        )
        .await?;
        Ok(())
    }

    /// The awarded entries of a published contest, as `domain` ranks them.
    async fn awarded(&self, row: &contest::Model) -> Result<Vec<RankedEntry>, AppError> {
        let Some(results) = stored(row)? else {
            return Err(not_published());
        };
        Ok(results
            .ranking
            .into_iter()
            .filter(|e| e.award.is_some())
            .collect())
    }

    /// `GET /api/v1/contests/{id}/showcase`: the winners, with their players.
    pub async fn showcase(&self, cid: i64) -> Result<Vec<ShowcaseEntry>, AppError> {
        let row = store::contests::find(&self.db, cid)
            .await?
            .ok_or_else(|| AppError::NotFound("未找到该比赛".to_owned()))?;
        let awarded = self.awarded(&row).await?;
        let mut out = Vec::with_capacity(awarded.len());
        for a in awarded {
            let Some(e) =
                store::entries::find_within(&self.db, cid, a.entry_id, Condition::all()).await?
            else {
                continue;
            };
            let form: EntryForm = serde_json::from_str(&e.form).map_err(AppError::internal)?;
            out.push(ShowcaseEntry {
                entry_id: e.id,
                title: a.title,
                field: a.field,
                entrant: a.entrant,
                award: a.award,
                introduction: form.introduction,
                video_url: form
                    .video
                    .map(|v| format!("/api/v1/contests/{cid}/entries/{}/media/{v}", e.id)),
                duration_seconds: e.duration_seconds,
            });
        }
        Ok(out)
    }

    /// Whether entry `eid` of contest `cid` is awarded in its published results (the
    /// public may play its video).
    pub(crate) async fn is_awarded(&self, cid: i64, eid: i64) -> Result<bool, AppError> {
        let Some(row) = store::contests::find(&self.db, cid).await? else {
            return Ok(false);
        };
        if row.results_stage.is_none() {
            return Ok(false);
        }
        Ok(self.awarded(&row).await?.iter().any(|e| e.entry_id == eid))
    }
}

/// A Beijing time as the sheets show it.
fn beijing(at: DateTime<Utc>) -> String {
    at.with_timezone(&domain::campaign::BEIJING)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

fn two(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.2}")).unwrap_or_default()
}

impl App {
    /// `GET /api/v1/contests/{id}/exports/entries.xlsx`: the 报名汇总表, every submitted
    /// entry with every field of the form, contact included.
    pub async fn contest_entries_xlsx(&self, actor: &Actor, cid: i64) -> Result<Vec<u8>, AppError> {
        let contest = self
            .contest_in_scope(actor, cid, "只能导出本辖区举办的比赛")
            .await?;
        let entries = store::entries::all_of(&self.db, cid, Condition::all()).await?;
        let entries: Vec<&entry::Model> = entries
            .iter()
            .filter(|e| e.status != EntryStatus::Draft.as_str())
            .collect();
        let owned: Vec<entry::Model> = entries.iter().map(|e| (*e).clone()).collect();
        let names = self.entrants(&owned).await?;
        let unit_ids: Vec<i64> = owned
            .iter()
            .filter_map(|e| serde_json::from_str::<EntryForm>(&e.form).ok())
            .flat_map(|f| f.producing_units.unwrap_or_default())
            .collect();
        let org_names: HashMap<i64, String> = store::orgs::find_many(&self.db, &unit_ids)
            .await?
            .into_iter()
            .map(|o| (o.id, o.name))
            .collect();
        let mut rows = Vec::with_capacity(owned.len());
        for (i, e) in owned.iter().enumerate() {
            let f: EntryForm = serde_json::from_str(&e.form).map_err(AppError::internal)?;
            let status = EntryStatus::parse(&e.status).map_or("", |s| s.label());
            let mode = f.mode().map_or("", |m| m.label());
            rows.push(vec![
                (i + 1).to_string(),
                e.id.to_string(),
                f.title.clone().unwrap_or_default(),
                f.field.clone().unwrap_or_default(),
                mode.to_owned(),
                names.get(&e.id).cloned().unwrap_or_default(),
                f.region_code.clone().unwrap_or_default(),
                f.authors
                    .iter()
                    .flatten()
                    .map(|a| match &a.unit {
                        Some(u) => format!("{}（{u}）", a.name),
                        None => a.name.clone(),
                    })
                    .collect::<Vec<_>>()
                    .join("、"),
                f.producing_units
                    .iter()
                    .flatten()
                    .map(|u| org_names.get(u).cloned().unwrap_or_default())
                    .collect::<Vec<_>>()
                    .join("、"),
                f.broadcast_date.clone().unwrap_or_default(),
                f.platform.clone().unwrap_or_default(),
                f.platform_url.clone().unwrap_or_default(),
                e.duration_seconds
                    .map(|s| format!("{s:.0}"))
                    .unwrap_or_default(),
                match (e.width, e.height) {
                    (Some(w), Some(h)) => format!("{w}×{h}"),
                    _ => String::new(),
                },
                f.contact_name.clone().unwrap_or_default(),
                f.contact_phone.clone().unwrap_or_default(),
                f.introduction.clone().unwrap_or_default(),
                f.innovation.clone().unwrap_or_default(),
                f.reach.clone().unwrap_or_default(),
                status.to_owned(),
                e.submitted_at.map(beijing).unwrap_or_default(),
            ]);
        }
        self.record_alone(
            Some(actor),
            crate::audit::Event::ok(
                "export.contest_entries",
                "contest",
                cid,
                &contest.area(),
                serde_json::json!({"rows": rows.len()}),
            ),
        )
        .await?;
        crate::exports::simple_sheet(
            "报名汇总表",
            &[
                "序号",
                "作品编号",
                "作品名称",
                "类别",
                "参赛方式",
                "推荐单位或个人",
                "所在地区",
                "主创人员",
                "制作单位",
                "播出时间",
                "播出平台",
                "播出网址",
                "时长（秒）",
                "分辨率",
                "联系人",
                "联系电话",
                "内容简介",
                "创新点",
                "传播效果",
                "状态",
                "提交时间",
            ],
            &rows,
        )
    }

    /// `GET /api/v1/contests/{id}/exports/scores.xlsx`: the score sheet, one row per entry
    /// and judge, a column per criterion, and the total.
    pub async fn contest_scores_xlsx(&self, actor: &Actor, cid: i64) -> Result<Vec<u8>, AppError> {
        let contest = self
            .contest_in_scope(actor, cid, "只能导出本辖区举办的比赛")
            .await?;
        let settings = crate::contests::settings_of(&contest)?;
        let judges = store::judging::judges(&self.db, cid).await?;
        let users: Vec<i64> = judges.iter().map(|j| j.user_id).collect();
        let names = store::users::names_of(&self.db, &users).await?;
        let judge_name: HashMap<i64, String> = judges
            .iter()
            .map(|j| {
                let name = names.get(&j.user_id).cloned().flatten();
                (j.id, name.unwrap_or_else(|| format!("专家{}", j.id)))
            })
            .collect();
        let entries = store::entries::all_of(&self.db, cid, Condition::all()).await?;
        let titles: HashMap<i64, String> = entries
            .iter()
            .map(|e| {
                let f: EntryForm = serde_json::from_str(&e.form).unwrap_or_default();
                (e.id, f.title.unwrap_or_default())
            })
            .collect();
        let sheets = store::judging::assignments(&self.db, cid, store::judging::standing()).await?;
        let mut rows = Vec::with_capacity(sheets.len());
        for s in &sheets {
            let scores: BTreeMap<String, f64> = s
                .scores
                .as_deref()
                .map(serde_json::from_str)
                .transpose()
                .map_err(AppError::internal)?
                .unwrap_or_default();
            let mut row = vec![
                s.entry_id.to_string(),
                titles.get(&s.entry_id).cloned().unwrap_or_default(),
                judge_name.get(&s.judge_id).cloned().unwrap_or_default(),
            ];
            for c in &settings.criteria {
                row.push(
                    scores
                        .get(&c.key)
                        .map(|v| format!("{v}"))
                        .unwrap_or_default(),
                );
            }
            row.push(two(s.total));
            row.push(if s.submitted { "已提交" } else { "草稿" }.to_owned());
            row.push(s.comment.clone().unwrap_or_default());
            rows.push(row);
        }
        let heads: Vec<String> = ["作品编号", "作品名称", "评审专家"]
            .into_iter()
            .map(str::to_owned)
            .chain(
                settings
                    .criteria
                    .iter()
                    .map(|c| format!("{}（{}%）", c.name, c.weight)),
            )
            .chain(["总分", "状态", "评语"].into_iter().map(str::to_owned))
            .collect();
        let head: Vec<&str> = heads.iter().map(String::as_str).collect();
        self.record_alone(
            Some(actor),
            crate::audit::Event::ok(
                "export.contest_scores",
                "contest",
                cid,
                &contest.area(),
                serde_json::json!({"rows": rows.len()}),
            ),
        )
        .await?;
        crate::exports::simple_sheet("评分表", &head, &rows)
    }

    /// `GET /api/v1/contests/{id}/exports/results.xlsx`: the ranking as it stands, with the
    /// method that made it, and the entries not yet ranked.
    pub async fn contest_results_xlsx(&self, actor: &Actor, cid: i64) -> Result<Vec<u8>, AppError> {
        let contest = self
            .contest_in_scope(actor, cid, "只能导出本辖区举办的比赛")
            .await?;
        let r = self.compute_results(&contest).await?;
        let mut rows: Vec<Vec<String>> = r
            .ranking
            .iter()
            .map(|e| {
                vec![
                    e.rank.to_string(),
                    e.entry_id.to_string(),
                    e.title.clone().unwrap_or_default(),
                    e.field.clone().unwrap_or_default(),
                    e.entrant.clone(),
                    e.award.as_ref().map(|a| a.name.clone()).unwrap_or_default(),
                    two(e.expert_score),
                    two(e.vote_score),
                    two(e.final_score),
                    e.votes.map(|v| v.to_string()).unwrap_or_default(),
                    e.scores_count.map(|v| v.to_string()).unwrap_or_default(),
                ]
            })
            .collect();
        for u in &r.unranked {
            rows.push(vec![
                "待评".to_owned(),
                u.entry_id.to_string(),
                u.title.clone().unwrap_or_default(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                u.scores_count.to_string(),
            ]);
        }
        rows.push(vec![format!(
            "计算方法：{}，{}（少于{}个评分的专家不校正），网络投票占{}%；计算时间 {}",
            r.method.aggregation.label(),
            r.method.normalise.label(),
            r.method.normalise_min_scores,
            r.method.vote_weight,
            beijing(r.computed_at)
        )]);
        self.record_alone(
            Some(actor),
            crate::audit::Event::ok(
                "export.contest_results",
                "contest",
                cid,
                &contest.area(),
                serde_json::json!({"rows": r.ranking.len()}),
            ),
        )
        .await?;
        crate::exports::simple_sheet(
            "评审结果",
            &[
                "名次",
                "作品编号",
                "作品名称",
                "类别",
                "报送者",
                "奖项",
                "专家分",
                "投票分",
                "最终得分",
                "票数",
                "评分数",
            ],
            &rows,
        )
    }
}
