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
            method: ResultsMethod {
                aggregation: settings.aggregation,
                normalise: settings.normalise,
                normalise_min_scores: settings.normalise_min_scores,
                vote_weight: settings.public_vote.as_ref().map_or(0, |v| v.weight),
            },
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
