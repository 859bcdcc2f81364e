//! 评审: the video contest's panel of judges, who judges which entry, recusals, and the
//! judges' score sheets (DESIGN.md §8, "Judges and assignment"; API.md "The video contest").
//! Conflicts of interest and the automatic assignment are `domain::judging`'s; the sheet's
//! arithmetic is `domain::scoring`'s. A judge sees entries blind: no entrant, unit, authors,
//! producing units or contact.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use domain::contest::{ContestSettings, ContestStatus};
use domain::entry::{EntryForm, EntryStatus};
use domain::judging::{self, Assignment, Judge, Parties};
use serde::{Deserialize, Serialize};
use store::entities::{
    InArea, contest, contest_assignment as assignment, contest_entry as entry,
    contest_judge as judge,
};
use store::sea_orm::{Condition, TransactionTrait};
use utoipa::ToSchema;

use crate::contests::{scope, settings_of, status_of};
use crate::{Actor, App, AppError};

/// A judge on the panel.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct JudgeView {
    /// The panel entry's id (`judge_id` in assignments).
    pub id: i64,
    /// The judge's account.
    pub user_id: i64,
    /// Their name.
    pub name: Option<String>,
    /// Their organisation.
    pub org_id: i64,
    /// Its name.
    pub org_name: String,
    /// Their region.
    pub region_code: String,
}

/// A judge to add.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct JudgeInput {
    /// An account with the `expert` role.
    pub user_id: i64,
    /// Their organisation.
    pub org_id: i64,
    /// Their region (default: the organisation's).
    #[serde(default)]
    pub region_code: Option<String>,
}

/// An assignment.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AssignmentView {
    /// The panel entry.
    pub judge_id: i64,
    /// The entry.
    pub entry_id: i64,
    /// `assigned`, `scored` or `recused`.
    pub state: String,
    /// Made by hand.
    pub manual: bool,
}

fn assignment_view(a: &assignment::Model) -> AssignmentView {
    AssignmentView {
        judge_id: a.judge_id,
        entry_id: a.entry_id,
        state: a.state.clone(),
        manual: a.manual,
    }
}

/// An entry given fewer judges than asked for.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ShortfallView {
    /// The entry.
    pub entry_id: i64,
    /// Judges still needed.
    pub needed: usize,
    /// Eligible judges there were.
    pub eligible: usize,
}

/// What an automatic assignment came to.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Assigned {
    /// Every standing assignment, old and new.
    pub assignments: Vec<AssignmentView>,
    /// Entries that could not be given enough judges.
    pub shortfalls: Vec<ShortfallView>,
}

/// `{}` for the automatic assignment, or `{judge_id, entry_id}` for one by hand.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignInput {
    /// The panel entry (by hand).
    #[serde(default)]
    pub judge_id: Option<i64>,
    /// The entry (by hand).
    #[serde(default)]
    pub entry_id: Option<i64>,
}

/// What an assignment request answered: the automatic one's outcome, or the one made.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(untagged)]
pub enum AssignAnswer {
    /// The automatic assignment.
    Auto(Assigned),
    /// One made by hand.
    Manual(AssignmentView),
}

/// A recusal.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecusalInput {
    /// Why.
    #[serde(default)]
    pub reason: Option<String>,
}

/// What a recusal came to.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RecusalView {
    /// The assignment, now `recused`.
    pub recused: AssignmentView,
    /// The judge assigned in its place, where one was eligible.
    pub replacement: Option<AssignmentView>,
}

/// A score sheet as the judge sends it.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SheetInput {
    /// Scores (0–100) by criterion key.
    pub scores: BTreeMap<String, f64>,
    /// A comment for the organisers (never public).
    #[serde(default)]
    pub comment: Option<String>,
    /// Submit (locks the sheet); otherwise saved as a draft.
    #[serde(default)]
    pub submit: Option<bool>,
}

/// A judge's score sheet for an entry.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SheetView {
    /// The panel entry.
    pub judge_id: i64,
    /// The entry.
    pub entry_id: i64,
    /// Scores by criterion key.
    pub scores: BTreeMap<String, f64>,
    /// Σ weight × score / 100, once every criterion is scored.
    pub total: Option<f64>,
    /// The comment.
    pub comment: Option<String>,
    /// Submitted (locked).
    pub submitted: bool,
}

/// An entry as its judge sees it: blind, without entrant, unit, authors, producing units or
/// contact.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BlindEntryView {
    /// The entry.
    pub entry_id: i64,
    /// The contest.
    pub contest_id: i64,
    /// 作品名称
    pub title: Option<String>,
    /// 类别
    pub field: Option<String>,
    /// 内容简介
    pub introduction: Option<String>,
    /// 创新点
    pub innovation: Option<String>,
    /// 传播效果
    pub reach: Option<String>,
    /// The video's measured duration.
    pub duration_seconds: Option<f64>,
    /// Where the judge plays the video.
    pub video_url: Option<String>,
    /// The judge's scores so far.
    pub scores: BTreeMap<String, f64>,
    /// Their total, once every criterion is scored.
    pub total: Option<f64>,
    /// Whether their sheet is submitted.
    pub submitted: bool,
    /// Their own comment.
    pub comment: Option<String>,
}

/// `GET /api/v1/me/reviews`'s filter.
#[derive(Debug, Clone, Default, Deserialize, ToSchema, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ReviewQuery {
    /// Only this contest's entries.
    pub contest: Option<i64>,
}

fn scores_of(a: &assignment::Model) -> Result<BTreeMap<String, f64>, AppError> {
    match a.scores.as_deref() {
        None => Ok(BTreeMap::new()),
        Some(raw) => serde_json::from_str(raw).map_err(AppError::internal),
    }
}

/// An entry's blind view for the judge holding `a`.
pub(crate) fn blind_view(
    e: &entry::Model,
    form: &EntryForm,
    a: Option<&assignment::Model>,
) -> Result<BlindEntryView, AppError> {
    Ok(BlindEntryView {
        entry_id: e.id,
        contest_id: e.contest_id,
        title: form.title.clone(),
        field: form.field.clone(),
        introduction: form.introduction.clone(),
        innovation: form.innovation.clone(),
        reach: form.reach.clone(),
        duration_seconds: e.duration_seconds,
        video_url: form.video.map(|v| {
            format!(
                "/api/v1/contests/{}/entries/{}/media/{v}",
                e.contest_id, e.id
            )
        }),
        scores: a.map(scores_of).transpose()?.unwrap_or_default(),
        total: a.and_then(|a| a.total),
        submitted: a.is_some_and(|a| a.submitted),
        comment: a.and_then(|a| a.comment.clone()),
    })
}

fn sheet_view(a: &assignment::Model) -> Result<SheetView, AppError> {
    Ok(SheetView {
        judge_id: a.judge_id,
        entry_id: a.entry_id,
        scores: scores_of(a)?,
        total: a.total,
        comment: a.comment.clone(),
        submitted: a.submitted,
    })
}

/// The new assignments `domain::judging::assign` makes for `parties` given what is `held`
/// (standing assignments kept; a judge who stood aside is never given the entry again),
/// and the shortfalls.
fn plan(
    cid: i64,
    judges: &[Judge],
    parties: &[Parties],
    held: &[assignment::Model],
    settings: &ContestSettings,
) -> (Vec<Assignment>, Vec<judging::Shortfall>) {
    let (recused, standing): (Vec<_>, Vec<_>) = held.iter().partition(|a| a.state == "recused");
    let pairs = |v: Vec<&assignment::Model>| -> Vec<Assignment> {
        v.into_iter()
            .map(|a| Assignment {
                judge: a.judge_id,
                entry: a.entry_id,
            })
            .collect()
    };
    judging::assign(
        cid,
        judges,
        parties,
        &pairs(standing),
        &pairs(recused),
        usize::try_from(settings.judges_per_entry).unwrap_or(0),
        settings.conflict_region,
    )
}

fn not_assigned() -> AppError {
    AppError::NotFound("未找到分配给您评审的该作品".to_owned())
}

impl App {
    /// The parties of each entry (its entrant, its units and their parents, its region).
    async fn parties_of(&self, entries: &[entry::Model]) -> Result<Vec<Parties>, AppError> {
        let mut out = Vec::with_capacity(entries.len());
        for e in entries {
            let form: EntryForm = serde_json::from_str(&e.form).map_err(AppError::internal)?;
            let mut orgs: BTreeSet<i64> = form.producing_units.iter().flatten().copied().collect();
            if let Some(unit) = e.unit_id {
                orgs.insert(unit);
            }
            let ids: Vec<i64> = orgs.iter().copied().collect();
            let found = store::orgs::find_many(&self.db, &ids).await?;
            let org_parents = found.iter().filter_map(|o| o.parent_id).collect();
            let region_code = match e.unit_id {
                Some(unit) => found
                    .iter()
                    .find(|o| o.id == unit)
                    .map(|o| o.region_code.clone())
                    .unwrap_or_default(),
                None => form.region_code.clone().unwrap_or_default(),
            };
            out.push(Parties {
                entry: e.id,
                entrant_user_id: e.entrant_user_id,
                orgs,
                org_parents,
                region_code,
            });
        }
        Ok(out)
    }

    /// The panel as `domain::judging` reads it.
    async fn panel(&self, cid: i64) -> Result<(Vec<judge::Model>, Vec<Judge>), AppError> {
        let rows = store::judging::judges(&self.db, cid).await?;
        let ids: Vec<i64> = rows.iter().map(|j| j.org_id).collect();
        let parents: HashMap<i64, Option<i64>> = store::orgs::find_many(&self.db, &ids)
            .await?
            .into_iter()
            .map(|o| (o.id, o.parent_id))
            .collect();
        let judges = rows
            .iter()
            .map(|j| Judge {
                id: j.id,
                user_id: j.user_id,
                org_id: j.org_id,
                org_parent: parents.get(&j.org_id).copied().flatten(),
                region_code: j.region_code.clone(),
            })
            .collect();
        Ok((rows, judges))
    }

    /// `POST /api/v1/contests/{id}/judges`.
    pub async fn add_judge(
        &self,
        actor: &Actor,
        cid: i64,
        input: JudgeInput,
    ) -> Result<JudgeView, AppError> {
        let contest = self
            .contest_in_scope(actor, cid, "只能管理本辖区举办的比赛")
            .await?;
        let expert = store::users::roles_of(&self.db, input.user_id)
            .await?
            .iter()
            .any(|r| r.role == domain::role::Role::Expert.as_str());
        if !expert {
            return Err(AppError::invalid_field(
                "user_id",
                "该账号不是评审专家（须先授予“评审专家”角色）",
            ));
        }
        let Some(org) = store::orgs::find(&self.db, input.org_id).await? else {
            return Err(AppError::invalid_field("org_id", "所选单位不存在"));
        };
        let region_code = match input.region_code.as_deref().map(str::trim) {
            None | Some("") => org.region_code.clone(),
            Some(raw) => {
                let (code, _) = self
                    .locate_for("region_code", raw)
                    .await
                    .map_err(|m| AppError::invalid_field("region_code", m))?;
                code
            }
        };
        let now = self.clock.now();
        let txn = self.db.begin().await?;
        let row = store::judging::add_judge(
            &txn,
            cid,
            input.user_id,
            org.id,
            region_code,
            actor.user_id,
            now,
        )
        .await
        .map_err(AppError::conflict_if_unique(
            "该专家已在本比赛的评审专家库中",
        ))?;
        crate::audit::record(
            &txn,
            now,
            Some(actor),
            crate::audit::Event::ok(
                "contest.judge",
                "contest",
                cid,
                &contest.area(),
                serde_json::json!({"user_id": input.user_id, "org_id": org.id}),
            ),
        )
        .await?;
        txn.commit().await?;
        let names = store::users::names_of(&self.db, &[row.user_id]).await?;
        Ok(JudgeView {
            id: row.id,
            user_id: row.user_id,
            name: names.get(&row.user_id).cloned().flatten(),
            org_id: row.org_id,
            org_name: org.name,
            region_code: row.region_code,
        })
    }

    /// The panel form's lookup: the expert with this mobile number, at the first
    /// organisation they belong to (region: the organisation's), as the `JudgeInput` the
    /// panel command takes. For the contest's administrators only; each problem names the
    /// `phone` field.
    pub async fn panel_candidate(
        &self,
        actor: &Actor,
        cid: i64,
        phone: &str,
    ) -> Result<JudgeInput, AppError> {
        self.contest_in_scope(actor, cid, "只能管理本辖区举办的比赛")
            .await?;
        let phone =
            domain::phone::Phone::parse(phone).map_err(|m| AppError::invalid_field("phone", m))?;
        let user = store::users::find_by_phone(&self.db, phone.as_str())
            .await?
            .ok_or_else(|| AppError::invalid_field("phone", "没有使用该手机号的账号"))?;
        let org = store::orgs::of_member(&self.db, user.id)
            .await?
            .into_iter()
            .next()
            .ok_or_else(|| {
                AppError::invalid_field("phone", "该专家尚未加入任何单位，无法核对利益冲突")
            })?;
        Ok(JudgeInput {
            user_id: user.id,
            org_id: org.id,
            region_code: None,
        })
    }

    /// `GET /api/v1/contests/{id}/judges`.
    pub async fn judges(&self, actor: &Actor, cid: i64) -> Result<Vec<JudgeView>, AppError> {
        self.contest_in_scope(actor, cid, "只能管理本辖区举办的比赛")
            .await?;
        let rows = store::judging::judges(&self.db, cid).await?;
        let users: Vec<i64> = rows.iter().map(|j| j.user_id).collect();
        let orgs: Vec<i64> = rows.iter().map(|j| j.org_id).collect();
        let names = store::users::names_of(&self.db, &users).await?;
        let org_names: HashMap<i64, String> = store::orgs::find_many(&self.db, &orgs)
            .await?
            .into_iter()
            .map(|o| (o.id, o.name))
            .collect();
        Ok(rows
            .into_iter()
            .map(|j| JudgeView {
                id: j.id,
                name: names.get(&j.user_id).cloned().flatten(),
                org_name: org_names.get(&j.org_id).cloned().unwrap_or_default(),
                user_id: j.user_id,
                org_id: j.org_id,
                region_code: j.region_code,
            })
            .collect())
    }

    /// `POST /api/v1/contests/{id}/assignments`: `{}` assigns automatically (the contest
    /// judging); `{judge_id, entry_id}` assigns by hand, refused with the reason when the
    /// judge conflicts.
    pub async fn assign(
        &self,
        actor: &Actor,
        cid: i64,
        input: AssignInput,
    ) -> Result<AssignAnswer, AppError> {
        let contest = self
            .contest_in_scope(actor, cid, "只能管理本辖区举办的比赛")
            .await?;
        let status = status_of(&contest)?;
        let settings = settings_of(&contest)?;
        match (input.judge_id, input.entry_id) {
            (None, None) => {
                if status != ContestStatus::Judging {
                    return Err(AppError::conflict("比赛进入“评审中”后才能自动分配评审"));
                }
                self.assign_all(actor, &contest, &settings)
                    .await
                    .map(AssignAnswer::Auto)
            }
            (Some(j), Some(e)) => {
                if matches!(status, ContestStatus::Draft | ContestStatus::Published) {
                    return Err(AppError::conflict(format!(
                        "比赛{}，不能分配评审",
                        if status == ContestStatus::Draft {
                            "尚未开始征集"
                        } else {
                            "结果已公布"
                        }
                    )));
                }
                self.assign_one(actor, &contest, &settings, j, e)
                    .await
                    .map(AssignAnswer::Manual)
            }
            (None, Some(_)) => Err(AppError::invalid_field(
                "judge_id",
                "手动分配须同时选择评审专家和作品",
            )),
            (Some(_), None) => Err(AppError::invalid_field(
                "entry_id",
                "手动分配须同时选择评审专家和作品",
            )),
        }
    }

    /// The accepted entries of contest `cid`, in submission order.
    async fn accepted(&self, cid: i64) -> Result<Vec<entry::Model>, AppError> {
        let mut rows = store::entries::all_of(
            &self.db,
            cid,
            store::entries::in_status(&[EntryStatus::Accepted.as_str()]),
        )
        .await?;
        rows.sort_by_key(|e| (e.submitted_at, e.id));
        Ok(rows)
    }

    async fn assign_all(
        &self,
        actor: &Actor,
        contest: &contest::Model,
        settings: &ContestSettings,
    ) -> Result<Assigned, AppError> {
        let cid = contest.id;
        let (_, judges) = self.panel(cid).await?;
        let entries = self.accepted(cid).await?;
        let parties = self.parties_of(&entries).await?;
        let now = self.clock.now();
        let txn = self.db.begin().await?;
        let held = store::judging::assignments(&txn, cid, Condition::all()).await?;
        let (new, short) = plan(cid, &judges, &parties, &held, settings);
        for a in &new {
            let made =
                store::judging::assign(&txn, cid, a.judge, a.entry, false, scope(actor), now)
                    .await?;
            if made.is_none() {
                return Err(AppError::Forbidden("只能管理本辖区举办的比赛".to_owned()));
            }
        }
        crate::audit::record(
            &txn,
            now,
            Some(actor),
            crate::audit::Event::ok(
                "contest.assign",
                "contest",
                cid,
                &contest.area(),
                serde_json::json!({"new": new.len(), "shortfalls": short.len()}),
            ),
        )
        .await?;
        txn.commit().await?;
        let standing =
            store::judging::assignments(&self.db, cid, store::judging::standing()).await?;
        Ok(Assigned {
            assignments: standing.iter().map(assignment_view).collect(),
            shortfalls: short
                .into_iter()
                .map(|s| ShortfallView {
                    entry_id: s.entry,
                    needed: s.needed,
                    eligible: s.eligible,
                })
                .collect(),
        })
    }

    async fn assign_one(
        &self,
        actor: &Actor,
        contest: &contest::Model,
        settings: &ContestSettings,
        judge_id: i64,
        entry_id: i64,
    ) -> Result<AssignmentView, AppError> {
        let cid = contest.id;
        let (_, judges) = self.panel(cid).await?;
        let Some(judge) = judges.iter().find(|j| j.id == judge_id) else {
            return Err(AppError::invalid_field(
                "judge_id",
                "该评审专家不在本比赛的专家库中",
            ));
        };
        let accepted = store::entries::find_within(
            &self.db,
            cid,
            entry_id,
            store::entries::in_status(&[EntryStatus::Accepted.as_str()]),
        )
        .await?;
        let Some(entry) = accepted else {
            return Err(AppError::invalid_field(
                "entry_id",
                "只能分配本比赛已通过形式审查的作品",
            ));
        };
        let parties = self.parties_of(std::slice::from_ref(&entry)).await?;
        if let Some(reason) = parties
            .first()
            .and_then(|p| judging::conflict(judge, p, settings.conflict_region))
        {
            return Err(AppError::Refused {
                code: "conflict_of_interest",
                field: "judge_id",
                message: reason,
            });
        }
        let now = self.clock.now();
        let txn = self.db.begin().await?;
        let made = store::judging::assign(&txn, cid, judge_id, entry_id, true, scope(actor), now)
            .await
            .map_err(AppError::conflict_if_unique(
                "该专家已分配过此作品（包括已回避的）",
            ))?
            .ok_or_else(|| AppError::Forbidden("只能管理本辖区举办的比赛".to_owned()))?;
        crate::audit::record(
            &txn,
            now,
            Some(actor),
            crate::audit::Event::ok(
                "contest.assign",
                "contest",
                cid,
                &contest.area(),
                serde_json::json!({"judge_id": judge_id, "entry_id": entry_id, "manual": true}),
            ),
        )
        .await?;
        txn.commit().await?;
        Ok(assignment_view(&made))
    }

    /// `DELETE /api/v1/contests/{id}/assignments/{judge_id}/{entry_id}`: an assignment not
    /// yet scored.
    pub async fn unassign(
        &self,
        actor: &Actor,
        cid: i64,
        judge_id: i64,
        entry_id: i64,
    ) -> Result<(), AppError> {
        let contest = self
            .contest_in_scope(actor, cid, "只能管理本辖区举办的比赛")
            .await?;
        let now = self.clock.now();
        let txn = self.db.begin().await?;
        if !store::judging::unassign(&txn, cid, judge_id, entry_id, scope(actor)).await? {
            let held = store::judging::assignments(
                &txn,
                cid,
                store::judging::of_judge(judge_id).add(store::judging::of_entry(entry_id)),
            )
            .await?;
            return Err(if held.is_empty() {
                AppError::NotFound("未找到该评审分配".to_owned())
            } else {
                AppError::conflict("该专家已提交评分，不能取消分配")
            });
        }
        crate::audit::record(
            &txn,
            now,
            Some(actor),
            crate::audit::Event::ok(
                "contest.unassign",
                "contest",
                cid,
                &contest.area(),
                serde_json::json!({"judge_id": judge_id, "entry_id": entry_id}),
            ),
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// `GET /api/v1/contests/{id}/assignments`: all to the contest's administrators; a
    /// judge's own to them.
    pub async fn assignments(
        &self,
        actor: &Actor,
        cid: i64,
    ) -> Result<Vec<AssignmentView>, AppError> {
        let contest = store::contests::find(&self.db, cid)
            .await?
            .ok_or_else(|| AppError::NotFound("未找到该比赛".to_owned()))?;
        let filter = if actor.governs(&contest.area()) {
            Condition::all()
        } else {
            match store::judging::judge_of(&self.db, cid, actor.user_id).await? {
                Some(j) => store::judging::of_judge(j.id),
                None => {
                    return Err(AppError::Forbidden(
                        "只有本比赛的评审专家和举办地区的管理员可以查看评审分配".to_owned(),
                    ));
                }
            }
        };
        Ok(store::judging::assignments(&self.db, cid, filter)
            .await?
            .iter()
            .map(assignment_view)
            .collect())
    }

    /// The caller's standing assignment to entry `eid` of contest `cid`, and their panel
    /// entry; 404 when they have none.
    async fn my_assignment(
        &self,
        actor: &Actor,
        cid: i64,
        eid: i64,
    ) -> Result<assignment::Model, AppError> {
        let judge = store::judging::judge_of(&self.db, cid, actor.user_id)
            .await?
            .ok_or_else(not_assigned)?;
        store::judging::assignments(
            &self.db,
            cid,
            store::judging::of_judge(judge.id)
                .add(store::judging::of_entry(eid))
                .add(store::judging::standing()),
        )
        .await?
        .into_iter()
        .next()
        .ok_or_else(not_assigned)
    }

    /// `POST /api/v1/contests/{id}/entries/{eid}/recusal`: the assigned judge stands aside
    /// (before submitting a sheet), with a reason; another eligible judge is assigned in
    /// their place where there is one.
    pub async fn recuse(
        &self,
        actor: &Actor,
        cid: i64,
        eid: i64,
        input: RecusalInput,
    ) -> Result<RecusalView, AppError> {
        let mine = self.my_assignment(actor, cid, eid).await?;
        let reason = domain::entry::reason_given(input.reason.as_deref(), "请写明回避的理由")
            .map_err(AppError::invalid)?;
        if mine.submitted {
            return Err(AppError::conflict("评分已提交，不能再回避"));
        }
        let contest = store::contests::find(&self.db, cid)
            .await?
            .ok_or_else(|| AppError::NotFound("未找到该比赛".to_owned()))?;
        let settings = settings_of(&contest)?;
        let (_, judges) = self.panel(cid).await?;
        let entry = store::entries::find_within(&self.db, cid, eid, Condition::all())
            .await?
            .ok_or_else(not_assigned)?;
        let parties = self.parties_of(std::slice::from_ref(&entry)).await?;
        let now = self.clock.now();
        let txn = self.db.begin().await?;
        if !store::judging::recuse(&txn, mine.id, reason.clone(), now).await? {
            return Err(AppError::conflict("该分配已变化，请刷新后重试"));
        }
        let held = store::judging::assignments(&txn, cid, store::judging::of_entry(eid)).await?;
        let (new, _) = plan(cid, &judges, &parties, &held, &settings);
        let mut replacement = None;
        if let Some(a) = new.first() {
            replacement =
                store::judging::assign(&txn, cid, a.judge, a.entry, false, Condition::all(), now)
                    .await?
                    .map(|m| assignment_view(&m));
        }
        crate::audit::record(
            &txn,
            now,
            Some(actor),
            crate::audit::Event::ok(
                "contest.recusal",
                "contest",
                cid,
                &contest.area(),
                serde_json::json!({"entry_id": eid, "reason": reason, "replacement": replacement.as_ref().map(|r| r.judge_id)}),
            ),
        )
        .await?;
        txn.commit().await?;
        let mut recused = assignment_view(&mine);
        recused.state = "recused".to_owned();
        Ok(RecusalView {
            recused,
            replacement,
        })
    }

    /// `PUT /api/v1/contests/{id}/entries/{eid}/scores`: the assigned judge's sheet, while the
    /// contest is judging; locked once submitted.
    pub async fn put_scores(
        &self,
        actor: &Actor,
        cid: i64,
        eid: i64,
        input: SheetInput,
    ) -> Result<SheetView, AppError> {
        let mine = self.my_assignment(actor, cid, eid).await?;
        if mine.submitted {
            return Err(AppError::conflict("评分已提交，不能再修改"));
        }
        let contest = store::contests::find(&self.db, cid)
            .await?
            .ok_or_else(not_assigned)?;
        if status_of(&contest)? != ContestStatus::Judging {
            return Err(AppError::conflict("比赛不在评审中，评分已锁定"));
        }
        let settings = settings_of(&contest)?;
        let submit = input.submit.unwrap_or(false);
        let total = domain::scoring::score_sheet(&settings.criteria, &input.scores, submit)
            .map_err(AppError::invalid)?;
        let comment = input
            .comment
            .map(|c| domain::text::nfc(&c).trim().to_owned())
            .filter(|c| !c.is_empty());
        if let Some(c) = &comment {
            let n = c.chars().count();
            if n > 1000 {
                return Err(AppError::invalid_field(
                    "comment",
                    format!("评语不能超过1000个字（现为{n}字）"),
                ));
            }
        }
        let now = self.clock.now();
        let saved = store::judging::save_sheet(
            &self.db,
            mine.id,
            store::judging::Sheet {
                scores: serde_json::to_string(&input.scores).map_err(AppError::internal)?,
                total,
                comment,
                submitted: submit,
                at: now,
            },
        )
        .await?;
        if !saved {
            return Err(AppError::conflict("评分已锁定（已提交或比赛已结束评审）"));
        }
        let row = self.my_assignment(actor, cid, eid).await?;
        sheet_view(&row)
    }

    /// `GET /api/v1/me/reviews`: the caller's assigned entries, blind, with their sheets.
    pub async fn my_reviews(
        &self,
        actor: &Actor,
        query: ReviewQuery,
    ) -> Result<Vec<BlindEntryView>, AppError> {
        let panels = store::judging::panels_of(&self.db, actor.user_id, query.contest).await?;
        let mut out = Vec::new();
        for judge in panels {
            let held = store::judging::assignments(
                &self.db,
                judge.contest_id,
                store::judging::of_judge(judge.id).add(store::judging::standing()),
            )
            .await?;
            for a in held {
                let Some(e) = store::entries::find_within(
                    &self.db,
                    judge.contest_id,
                    a.entry_id,
                    Condition::all(),
                )
                .await?
                else {
                    continue;
                };
                let form: EntryForm = serde_json::from_str(&e.form).map_err(AppError::internal)?;
                out.push(blind_view(&e, &form, Some(&a))?);
            }
        }
        Ok(out)
    }

    /// The caller's standing assignment to entry `eid`, if they judge it (for the blind
    /// view of `GET …/entries/{eid}`).
    pub(crate) async fn judged_by(
        &self,
        actor: &Actor,
        cid: i64,
        eid: i64,
    ) -> Result<Option<assignment::Model>, AppError> {
        match self.my_assignment(actor, cid, eid).await {
            Ok(a) => Ok(Some(a)),
            Err(AppError::NotFound(_)) => Ok(None),
            Err(e) => Err(e),
        }
    }
}
