//! 推优: the host unit recommends its own eligible activity (or an organisation itself, for
//! 优秀组织单位); the county, city, province and national levels in turn pass it up or stop
//! it, each within its area and its campaign limit. The chain's rules are in
//! `domain::nomination`; this module finds who acts at which level and stores the opinions.

use chrono::{DateTime, NaiveDate, Utc};
use domain::nomination::{self, Decision, Level, State};
use domain::region::RegionPath;
use domain::role::Role;
use serde::{Deserialize, Serialize};
use serde_json::json;
use store::entities::InArea;
use store::entities::{activity, nomination as entity};
use store::sea_orm::{ColumnTrait, Condition, TransactionTrait};
use utoipa::ToSchema;

use crate::paging::{Page, Paged};
use crate::scope::scope_condition;
use crate::{Actor, App, AppError};

/// A level's opinion as sent.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({
    "opinion": "活动覆盖青少年236人，专家阵容强，同意推荐为优秀活动",
    "decision": "pass"
})))]
pub struct OpinionInput {
    /// 推荐意见 (not blank)
    #[serde(default)]
    #[schema(required = true, min_length = 1, max_length = 500)]
    pub opinion: String,
    /// `pass` (the default) or `stop`.
    #[serde(default)]
    #[schema(value_type = Option<Decision>)]
    pub decision: Option<String>,
}

/// One level's opinion on a nomination.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OpinionView {
    /// The level that gave it.
    pub level: Level,
    /// The level's Chinese name.
    pub level_label: String,
    /// 推荐意见
    pub opinion: String,
    /// Passed up or stopped.
    pub decision: Decision,
    /// Who gave it.
    pub by: Option<String>,
    /// When.
    pub at: DateTime<Utc>,
    /// The day, in Beijing (as the form is dated).
    pub date: NaiveDate,
}

/// The recommendation form's fixed facts (推荐表).
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct NominationForm {
    /// 活动名称 (activities only)
    pub activity_name: Option<String>,
    /// 单位名称
    pub unit_name: Option<String>,
    /// 联系人
    pub contact_name: Option<String>,
    /// 联系电话
    pub contact_phone: Option<String>,
    /// 主要内容
    pub content: Option<String>,
    /// 活动时间 (Beijing time, start to end; activities only)
    pub time: Option<String>,
    /// 活动地点 (the address, or 线上活动)
    pub place: Option<String>,
    /// 实际参与人数 (from the supplement)
    pub participants: Option<i64>,
}

impl NominationForm {
    /// What the nomination is called in a list: the activity's name, or the unit's.
    pub fn title(&self) -> &str {
        self.activity_name
            .as_deref()
            .or(self.unit_name.as_deref())
            .unwrap_or("")
    }
}

/// A nomination (推优) with every level's opinion.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NominationView {
    /// 推荐 id
    pub id: i64,
    /// 活动季 id
    pub campaign_id: i64,
    /// `activity` or `org`.
    pub target_kind: String,
    /// The activity's or organisation's id.
    pub target_id: i64,
    /// The highest level that has acted.
    pub level: Level,
    /// Its Chinese name.
    pub level_label: String,
    /// Where it stands.
    pub status: State,
    /// Its Chinese name.
    pub status_label: String,
    /// On the national final list.
    #[serde(rename = "final")]
    pub is_final: bool,
    /// The form's fixed facts.
    pub form: NominationForm,
    /// Every level's opinion, lowest first.
    pub opinions: Vec<OpinionView>,
    /// 创建时间
    pub created_at: DateTime<Utc>,
    /// 修改时间
    pub updated_at: DateTime<Utc>,
}

impl NominationView {
    /// The view as a line of an administrator's list: the contact's phone masked; the
    /// nomination's own page and its 推荐表 show it whole.
    pub(crate) fn listed(mut self) -> NominationView {
        self.form.contact_phone = self.form.contact_phone.as_deref().map(domain::phone::mask);
        self
    }
}

/// An approved activity with a complete supplement that an association may put forward.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Candidate {
    /// 活动 id
    pub id: i64,
    /// 活动名称
    pub name: String,
    /// Its nomination's level, if it has one.
    pub nomination_level: Option<Level>,
    /// Its nomination's state, if it has one.
    pub nomination_status: Option<State>,
}

impl Candidate {
    /// Where its nomination stands, as a person reads it; none when not nominated.
    pub fn standing(&self) -> Option<String> {
        self.nomination_level
            .zip(self.nomination_status)
            .map(|(l, s)| format!("{} · {}", l.label(), s.label()))
    }
}

/// What is recommended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// An activity (优秀活动).
    Activity(i64),
    /// An organisation (优秀组织单位).
    Org(i64),
}

impl Target {
    fn kind(self) -> &'static str {
        match self {
            Target::Activity(_) => "activity",
            Target::Org(_) => "org",
        }
    }

    fn id(self) -> i64 {
        match self {
            Target::Activity(id) | Target::Org(id) => id,
        }
    }
}

/// What a nomination needs to know about its target.
struct Subject {
    campaign_id: i64,
    path: RegionPath,
    /// The organisation whose members act as the unit.
    unit: Option<i64>,
    owner: Option<i64>,
    /// Why it cannot be recommended; empty when it can.
    ineligible: Vec<String>,
    /// Shown to the public: an unknown or unseen target is 404, not 403.
    visible: bool,
}

fn level_of(role: Role) -> Option<Level> {
    match role {
        Role::CountyAdmin => Some(Level::County),
        Role::CityAdmin => Some(Level::City),
        Role::ProvinceAdmin => Some(Level::Province),
        Role::NationalAdmin => Some(Level::National),
        Role::Host | Role::Expert => None,
    }
}

/// The division a level acts for, in a target's path.
fn level_region(level: Level, path: &RegionPath) -> Option<String> {
    match level {
        Level::County => path.county.clone(),
        Level::City => path.city.clone(),
        Level::Province => path.province.clone(),
        Level::National => Some(domain::region::NATIONAL.to_owned()),
        Level::Unit => None,
    }
}

impl App {
    async fn subject(&self, actor: &Actor, target: Target) -> Result<Subject, AppError> {
        match target {
            Target::Activity(id) => {
                let row = self.find_activity(id).await?;
                let rules = self.campaign_rules(row.campaign_id).await?;
                let path = row.area();
                let visible = row.status == domain::review::Status::Approved.as_str()
                    || row.owner_id == actor.user_id
                    || actor.governs(&path);
                Ok(Subject {
                    campaign_id: row.campaign_id,
                    unit: row.first_host_id,
                    owner: Some(row.owner_id),
                    ineligible: self.eligibility(&row, &rules).await?,
                    path,
                    visible,
                })
            }
            Target::Org(id) => {
                let o = store::orgs::find(&self.db, id)
                    .await?
                    .ok_or_else(|| AppError::NotFound("未找到该单位".to_owned()))?;
                let campaign = self.current_campaign().await?;
                let ineligible = if o.status == domain::org::OrgStatus::Certified.as_str() {
                    Vec::new()
                } else {
                    vec!["单位尚未通过认证".to_owned()]
                };
                Ok(Subject {
                    campaign_id: campaign.id,
                    path: o.area(),
                    unit: Some(o.id),
                    owner: None,
                    ineligible,
                    visible: true,
                })
            }
        }
    }

    /// The levels at which the actor may speak for this subject.
    async fn levels_held(&self, actor: &Actor, s: &Subject) -> Result<Vec<Level>, AppError> {
        let mut held: Vec<Level> = actor
            .grants
            .iter()
            .filter(|g| {
                g.role
                    .governs()
                    .is_some_and(|level| s.path.is_within(&g.region_code, level))
            })
            .filter_map(|g| level_of(g.role))
            .collect();
        let member = match s.unit {
            Some(unit) => self.is_member(actor.user_id, unit).await?,
            None => false,
        };
        if member || s.owner == Some(actor.user_id) {
            held.push(Level::Unit);
        }
        Ok(held)
    }

    async fn find_nomination(
        &self,
        campaign_id: i64,
        target: Target,
    ) -> Result<Option<entity::Model>, AppError> {
        Ok(store::nominations::find(&self.db, campaign_id, target.kind(), target.id()).await?)
    }

    /// `POST /api/v1/activities/{id}/nominations` and `POST /api/v1/orgs/{id}/nominations`:
    /// the actor's level adds its opinion and passes the nomination up or stops it.
    pub async fn nominate(
        &self,
        actor: &Actor,
        target: Target,
        input: OpinionInput,
    ) -> Result<(bool, NominationView), AppError> {
        let s = self.subject(actor, target).await?;
        let held = self.levels_held(actor, &s).await?;
        if held.is_empty() {
            return Err(if s.visible {
                AppError::Forbidden("只有举办单位或所在地区的科协可以推荐".to_owned())
            } else {
                AppError::NotFound("未找到该活动".to_owned())
            });
        }
        let decision = match input.decision.as_deref() {
            None | Some("pass") => Decision::Pass,
            Some("stop") => Decision::Stop,
            Some(other) => {
                return Err(AppError::invalid_field(
                    "decision",
                    format!("推荐决定须为 pass（推荐）或 stop（终止），收到“{other}”"),
                ));
            }
        };
        if let Some(problem) = nomination::opinion_problem(&input.opinion) {
            return Err(AppError::invalid_field("opinion", problem));
        }
        let existing = self.find_nomination(s.campaign_id, target).await?;
        let current = match &existing {
            Some(n) => Some((
                Level::parse(&n.level).map_err(AppError::internal)?,
                State::parse(&n.status).map_err(AppError::internal)?,
            )),
            None => None,
        };
        let level = nomination::acting_level(current, &held).map_err(AppError::conflict)?;
        if level == Level::Unit && decision == Decision::Stop {
            return Err(AppError::invalid_field(
                "decision",
                "举办单位只能推荐，不能终止",
            ));
        }
        if decision == Decision::Pass && !s.ineligible.is_empty() {
            return Err(AppError::invalid_field(
                "eligibility",
                format!("不符合推优条件：{}", s.ineligible.join("；")),
            ));
        }
        let region = level_region(level, &s.path);
        if decision == Decision::Pass {
            let rules = self.campaign_rules(s.campaign_id).await?;
            let passed = self
                .passed_at(s.campaign_id, target.kind(), level, region.as_deref())
                .await?;
            if let Some(problem) =
                nomination::limit_problem(level, &rules.nomination_limits, passed)
            {
                return Err(AppError::invalid_field("decision", problem));
            }
        }
        let now = self.clock.now();
        let state = nomination::after(level, decision);
        let txn = self.db.begin().await?;
        let nomination_id = match &existing {
            None => {
                let new = store::nominations::New {
                    campaign_id: s.campaign_id,
                    kind: target.kind(),
                    target_id: target.id(),
                    area: [
                        s.path.province.clone(),
                        s.path.city.clone(),
                        s.path.county.clone(),
                    ],
                    level: level.as_str(),
                    status: state.as_str(),
                    at: now,
                };
                store::nominations::create(&txn, new).await.map_err(
                    AppError::conflict_if_unique("该推荐刚被他人提交，请刷新后再操作"),
                )?
            }
            Some(n) => {
                let moved = store::nominations::advance(
                    &txn,
                    n.id,
                    &n.level,
                    level.as_str(),
                    state.as_str(),
                    State::Open.as_str(),
                    now,
                )
                .await?;
                if !moved {
                    return Err(AppError::conflict("该推荐刚被他人处理，请刷新后再操作"));
                }
                n.id
            }
        };
        let given = store::nominations::Opinion {
            nomination_id,
            level: level.as_str(),
            region_code: region,
            actor_id: actor.user_id,
            opinion: input.opinion.trim().to_owned(),
            decision: decision.as_str(),
            at: now,
        };
        store::nominations::add_opinion(&txn, given).await?;
        crate::audit::record(
            &txn,
            now,
            Some(actor),
            crate::audit::Event::ok(
                "nomination.opinion",
                target.kind(),
                target.id(),
                &s.path,
                json!({"level": level.as_str(), "decision": decision.as_str()}),
            ),
        )
        .await?;
        if let Target::Activity(id) = target
            && let Some(row) = store::activities::by_id(&txn, id).await?
        {
            self.schedule_texts(&txn, &row).await?;
        }
        txn.commit().await?;
        let view = self.nomination_view(nomination_id).await?;
        Ok((existing.is_none(), view))
    }

    /// How many a level has passed up in its division this campaign.
    async fn passed_at(
        &self,
        campaign_id: i64,
        kind: &str,
        level: Level,
        region: Option<&str>,
    ) -> Result<u64, AppError> {
        Ok(store::nominations::passed(
            &self.db,
            campaign_id,
            kind,
            level.as_str(),
            Decision::Pass.as_str(),
            region,
        )
        .await?)
    }

    /// A nomination with its target's name and every level's opinion.
    pub async fn nomination_view(&self, id: i64) -> Result<NominationView, AppError> {
        let n = store::nominations::by_id(&self.db, id)
            .await?
            .ok_or_else(|| AppError::NotFound("未找到该推荐".to_owned()))?;
        let opinions = store::nominations::opinions(&self.db, id).await?;
        let mut levels = Vec::with_capacity(opinions.len());
        for o in opinions {
            let by = store::users::find(&self.db, o.actor_id)
                .await?
                .and_then(|u| u.name);
            let level = Level::parse(&o.level).map_err(AppError::internal)?;
            levels.push(OpinionView {
                level,
                level_label: level.label().to_owned(),
                opinion: o.opinion,
                decision: Decision::parse(&o.decision).map_err(AppError::internal)?,
                by,
                at: o.at,
                date: domain::campaign::beijing_date(o.at),
            });
        }
        let form = self.form_facts(&n).await?;
        let level = Level::parse(&n.level).map_err(AppError::internal)?;
        let status = State::parse(&n.status).map_err(AppError::internal)?;
        Ok(NominationView {
            id: n.id,
            campaign_id: n.campaign_id,
            target_kind: n.target_kind,
            target_id: n.target_id,
            level,
            level_label: level.label().to_owned(),
            status,
            status_label: status.label().to_owned(),
            is_final: status == State::Final,
            form,
            opinions: levels,
            created_at: n.created_at,
            updated_at: n.updated_at,
        })
    }

    /// The recommendation form's fixed facts: 活动名称, 单位名称, 联系人, 联系电话, 主要内容.
    async fn form_facts(&self, n: &entity::Model) -> Result<NominationForm, AppError> {
        if n.target_kind == "activity" {
            let row = self.find_activity(n.target_id).await?;
            let draft: domain::activity::ActivityDraft =
                serde_json::from_str(&row.data).map_err(AppError::internal)?;
            let unit = match row.first_host_id {
                Some(h) => self
                    .org_names(&[h])
                    .await?
                    .into_iter()
                    .next()
                    .map(|(_, name)| name),
                None => None,
            };
            let content = draft
                .details
                .as_deref()
                .map(domain::activity::visible_text)
                .unwrap_or_default();
            let at = |t: Option<chrono::DateTime<chrono::FixedOffset>>| {
                t.map(|t| {
                    t.with_timezone(&domain::campaign::BEIJING)
                        .format("%Y-%m-%d %H:%M")
                        .to_string()
                })
            };
            let time = match (at(draft.start), at(draft.end)) {
                (Some(start), Some(end)) => Some(format!("{start} 至 {end}")),
                (start, end) => start.or(end),
            };
            let participants = store::supplements::find(&self.db, row.id)
                .await?
                .and_then(|s| s.participants);
            Ok(NominationForm {
                activity_name: Some(row.name),
                unit_name: unit,
                contact_name: draft.contact_name,
                contact_phone: draft.contact_phone,
                content: Some(content),
                time,
                place: Some(draft.address.unwrap_or_else(|| "线上活动".to_owned())),
                participants,
            })
        } else {
            let o = store::orgs::find(&self.db, n.target_id).await?;
            Ok(NominationForm {
                unit_name: o.map(|o| o.name),
                ..NominationForm::default()
            })
        }
    }

    /// `GET /api/v1/nominations?status=&level=&kind=`: the nominations of the actor's areas.
    pub async fn nominations(
        &self,
        actor: &Actor,
        status: Option<&str>,
        kind: Option<&str>,
        page: Page,
    ) -> Result<Paged<NominationView>, AppError> {
        if !actor.is_admin() {
            return Err(AppError::Forbidden("只有管理员可以查看推荐名单".to_owned()));
        }
        let mut query = Condition::all().add(scope_condition(
            actor,
            entity::Column::ProvinceCode,
            entity::Column::CityCode,
            entity::Column::CountyCode,
        ));
        if let Some(status) = status {
            State::parse(status).map_err(AppError::Malformed)?;
            query = query.add(entity::Column::Status.eq(status));
        }
        if let Some(kind) = kind {
            if !matches!(kind, "activity" | "org") {
                return Err(AppError::Malformed(
                    "kind 须为 activity（优秀活动）或 org（优秀组织单位）".to_owned(),
                ));
            }
            query = query.add(entity::Column::TargetKind.eq(kind));
        }
        let (rows, total) =
            store::nominations::page(&self.db, query, page.offset(), page.per_page).await?;
        let mut items = Vec::with_capacity(rows.len());
        for r in rows {
            items.push(self.nomination_view(r.id).await?.listed());
        }
        Ok(Paged {
            items,
            total,
            page: page.page,
            per_page: page.per_page,
        })
    }

    /// A nomination for someone who may see it: the target's unit or an admin of its area.
    pub async fn nomination_for(&self, actor: &Actor, id: i64) -> Result<NominationView, AppError> {
        let n = store::nominations::by_id(&self.db, id)
            .await?
            .ok_or_else(|| AppError::NotFound("未找到该推荐".to_owned()))?;
        let target = match n.target_kind.as_str() {
            "activity" => Target::Activity(n.target_id),
            _ => Target::Org(n.target_id),
        };
        let s = self.subject(actor, target).await?;
        if self.levels_held(actor, &s).await?.is_empty() {
            return Err(AppError::NotFound("未找到该推荐".to_owned()));
        }
        self.nomination_view(id).await
    }

    /// The nomination of an activity, if any, for its host or an admin of its area.
    pub async fn activity_nomination(
        &self,
        actor: &Actor,
        activity_id: i64,
    ) -> Result<Option<NominationView>, AppError> {
        let target = Target::Activity(activity_id);
        let s = self.subject(actor, target).await?;
        if self.levels_held(actor, &s).await?.is_empty() {
            return Err(AppError::NotFound("未找到该活动".to_owned()));
        }
        match self.find_nomination(s.campaign_id, target).await? {
            Some(n) => Ok(Some(self.nomination_view(n.id).await?)),
            None => Ok(None),
        }
    }

    /// Approved activities of the actor's areas whose supplement is complete, newest first,
    /// each with its nomination if it has one: what an association may put forward.
    pub async fn nomination_candidates(
        &self,
        actor: &Actor,
        limit: u64,
    ) -> Result<Vec<Candidate>, AppError> {
        if !actor.is_admin() {
            return Err(AppError::Forbidden("只有管理员可以查看推荐名单".to_owned()));
        }
        let mine = Condition::all()
            .add(activity::Column::Status.eq(domain::review::Status::Approved.as_str()))
            .add(scope_condition(
                actor,
                activity::Column::ProvinceCode,
                activity::Column::CityCode,
                activity::Column::CountyCode,
            ));
        let rows = store::activities::with_complete_supplement(&self.db, mine, limit).await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let n = self
                .find_nomination(row.campaign_id, Target::Activity(row.id))
                .await?;
            let (level, status) = match n {
                Some(n) => (
                    Some(Level::parse(&n.level).map_err(AppError::internal)?),
                    Some(State::parse(&n.status).map_err(AppError::internal)?),
                ),
                None => (None, None),
            };
            out.push(Candidate {
                id: row.id,
                name: row.name,
                nomination_level: level,
                nomination_status: status,
            });
        }
        Ok(out)
    }

    /// `PUT /api/v1/activities/{id}/excellence-intent {intended}`: the host marks (or
    /// unmarks) the activity 拟推优, which turns on text reminders for its supplement.
    pub async fn set_excellence_intent(
        &self,
        actor: &Actor,
        id: i64,
        intended: bool,
    ) -> Result<crate::activities::ActivityView, AppError> {
        let row = self.find_activity(id).await?;
        if row.owner_id != actor.user_id {
            return Err(if actor.governs(&row.area()) {
                AppError::Forbidden("只有活动的发布者可以标记拟推优".to_owned())
            } else {
                AppError::NotFound("未找到该活动".to_owned())
            });
        }
        // The mark and its reminders commit together.
        let txn = self.db.begin().await?;
        let change = crate::activities::Change::ExcellenceIntent(intended);
        self.write_activity(&txn, actor, Some(&row), change, None)
            .await?;
        txn.commit().await?;
        self.activity(Some(actor), id).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_admin_role_acts_at_its_level() {
        assert_eq!(level_of(Role::CountyAdmin), Some(Level::County));
        assert_eq!(level_of(Role::NationalAdmin), Some(Level::National));
        assert_eq!(level_of(Role::Host), None);
        let path = RegionPath {
            province: Some("110000".into()),
            city: Some("110100".into()),
            county: None,
        };
        assert_eq!(level_region(Level::County, &path), None);
        assert_eq!(level_region(Level::City, &path).as_deref(), Some("110100"));
    }
}
