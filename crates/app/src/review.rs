//! Reviewing activities: the queue, decisions (one or in bulk), and what changed since the
//! last decision. A provincial administrator decides only their province's activities; a
//! national administrator the national step. Scope is applied in the queries themselves.

use chrono::{DateTime, Utc};
use domain::activity::ActivityDraft;
use domain::region::RegionLevel;
use domain::review::{ReviewLevel, Status, Verdict, parse_reason};
use domain::role::Role;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use store::entities::InArea;
use store::entities::activity as entity;
use store::sea_orm::sea_query::{Expr, ExprTrait, LikeExpr};
use store::sea_orm::{ColumnTrait, Condition, TransactionTrait};
use utoipa::ToSchema;

use crate::activities::{ActivityView, Standing, parse_time, standing};
use crate::paging::{Page, Paged};
use crate::{Actor, App, AppError};

/// A decision as sent.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(examples(
    json!({"decision": "approve"}),
    json!({"decision": "reject", "reason": "活动地址与所在地区不一致，请核对后重新提交"})
))]
pub struct DecisionInput {
    /// `approve` or `reject`.
    #[schema(value_type = domain::review::Verdict, required = true)]
    pub decision: Option<String>,
    /// Required to reject.
    pub reason: Option<String>,
}

/// A bulk decision as sent.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({"ids": [1024, 1025, 1031], "decision": "approve"})))]
pub struct BulkDecisionInput {
    /// The activities.
    #[serde(default)]
    pub ids: Vec<i64>,
    /// `approve` or `reject`.
    #[schema(value_type = Option<domain::review::Verdict>)]
    pub decision: Option<String>,
    /// One reason for all.
    pub reason: Option<String>,
}

/// Filters of the review queue.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct QueueQuery {
    /// `province_review` or `national_review`; default: whatever waits for this admin.
    #[param(pattern = "^(province_review|national_review)$")]
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    pub status: Option<String>,
    /// A division within the admin's area.
    #[param(pattern = r"^\d{6}$")]
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    pub region: Option<String>,
    /// Section key.
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    pub section: Option<String>,
    /// Words in the name.
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    pub q: Option<String>,
    /// Held from (date or time).
    #[param(format = Date)]
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    pub from: Option<String>,
    /// Held until.
    #[param(format = Date)]
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    pub to: Option<String>,
    /// Page.
    #[param(minimum = 1, maximum = 1_000_000_000)]
    pub page: Option<i64>,
    /// Page size.
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<i64>,
}

/// What one activity of a bulk decision came to.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct BulkOutcome {
    /// The activity.
    pub id: i64,
    /// Whether it was decided.
    pub ok: bool,
    /// Its state after the decision.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    /// Why it was not decided.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

fn parse_verdict(raw: Option<&str>) -> Result<Verdict, AppError> {
    match raw {
        Some("approve") => Ok(Verdict::Approve),
        Some("reject") => Ok(Verdict::Reject),
        _ => Err(AppError::invalid_field(
            "decision",
            "请选择“通过”（approve）或“不通过”（reject）",
        )),
    }
}

/// The condition "waits for this admin's decision": province review in their provinces, or
/// national review for a national admin.
fn awaiting(actor: &Actor, status: Option<Status>, now: DateTime<Utc>) -> Condition {
    let mut any = Condition::any();
    for grant in &actor.grants {
        match grant.role {
            Role::ProvinceAdmin if status.is_none_or(|s| s == Status::ProvinceReview) => {
                any = any.add(
                    Condition::all()
                        .add(entity::Column::Status.eq(Status::ProvinceReview.as_str()))
                        .add(entity::Column::ProvinceCode.eq(grant.region_code.clone())),
                );
            }
            Role::NationalAdmin => {
                if status.is_none_or(|s| s == Status::NationalReview) {
                    any = any.add(entity::Column::Status.eq(Status::NationalReview.as_str()));
                }
                // A province review past its due time is escalated to the nation.
                if status.is_none_or(|s| s == Status::ProvinceReview) {
                    any = any.add(
                        Condition::all()
                            .add(entity::Column::Status.eq(Status::ProvinceReview.as_str()))
                            .add(entity::Column::ReviewDueAt.lte(now)),
                    );
                }
            }
            _ => {}
        }
    }
    if any.is_empty() {
        return Condition::all().add(Expr::val(1).eq(0));
    }
    any
}

/// One field that differs between the submission under review and the one decided before.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FieldChange {
    /// The field's name, as in the activity's fields.
    pub field: String,
    /// Its value at the last decision (any of the field's types).
    #[schema(value_type = Object)]
    pub before: Value,
    /// Its value now.
    #[schema(value_type = Object)]
    pub after: Value,
}

impl FieldChange {
    /// The field's Chinese name.
    pub fn label(&self) -> &str {
        domain::activity::field_label(&self.field)
    }
    /// The value before, as a person reads it.
    pub fn before_text(&self) -> String {
        shown(&self.before)
    }
    /// The value now, as a person reads it.
    pub fn after_text(&self) -> String {
        shown(&self.after)
    }
}

fn shown(v: &Value) -> String {
    match v {
        Value::Null => "（空）".to_owned(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

impl App {
    /// `POST /api/v1/activities/{id}/decisions`.
    pub async fn decide_activity(
        &self,
        actor: &Actor,
        id: i64,
        input: DecisionInput,
        if_match: Option<i64>,
    ) -> Result<ActivityView, AppError> {
        let verdict = parse_verdict(input.decision.as_deref())?;
        let reason = parse_reason(verdict, input.reason.as_deref())
            .map_err(|m| AppError::invalid_field("reason", m))?;
        let row = self.find_activity(id).await?;
        if standing(Some(actor), &row) == Standing::Public {
            return Err(AppError::NotFound("未找到该活动".to_owned()));
        }
        if if_match.is_some_and(|v| v != row.version) {
            return Err(AppError::conflict(
                "活动已被修改（版本号不一致），请刷新后再操作",
            ));
        }
        let status = Status::parse(&row.status).map_err(AppError::internal)?;
        let level = self.review_level(actor, &row, status)?;
        let to = status.decide(level, verdict).map_err(AppError::conflict)?;
        let now = self.clock.now();
        let txn = self.db.begin().await?;
        let audited = crate::activities::Audited {
            action: "activity.decide",
            detail: json!({"from": row.status, "to": to.as_str(), "reason": reason}),
        };
        let change = crate::activities::Change::Move {
            to,
            reason: reason.clone(),
            snapshot: false,
        };
        self.write_activity(&txn, actor, Some(&row), change, Some(audited))
            .await?;
        let text = match &reason {
            Some(r) => format!("您的活动“{}”{}：{r}", row.name, to.label()),
            None => format!("您的活动“{}”{}", row.name, to.label()),
        };
        crate::notifications::notify(
            &txn,
            now,
            row.owner_id,
            "review.decision",
            Some(row.id),
            text,
        )
        .await?;
        txn.commit().await?;
        self.activity(Some(actor), id).await
    }

    /// Which level this admin decides at for this activity, or why not.
    fn review_level(
        &self,
        actor: &Actor,
        row: &entity::Model,
        status: Status,
    ) -> Result<ReviewLevel, AppError> {
        let province_admin = actor.grants.iter().any(|g| {
            g.role == Role::ProvinceAdmin
                && row.province_code.as_deref() == Some(g.region_code.as_str())
        });
        let escalated = row
            .review_due_at
            .is_some_and(|due| domain::deadline::overdue(due, self.clock.now()));
        match status.reviewer() {
            Some(ReviewLevel::Province) if province_admin => Ok(ReviewLevel::Province),
            // Overdue, a province review may be decided by the nation.
            Some(ReviewLevel::Province) if escalated && actor.is_national_admin() => {
                Ok(ReviewLevel::Province)
            }
            Some(ReviewLevel::National) if actor.is_national_admin() => Ok(ReviewLevel::National),
            Some(_) if province_admin || actor.is_national_admin() => Err(AppError::conflict(
                format!("活动当前为“{}”，不在您的审核环节", status.label()),
            )),
            None => Err(AppError::conflict(format!(
                "活动当前为“{}”，无需审核",
                status.label()
            ))),
            Some(_) => Err(AppError::Forbidden(
                "只有活动所在省的省级管理员或全国管理员可以审核".to_owned(),
            )),
        }
    }

    /// Bulk decisions with one reason: each activity decided on its own, each result reported.
    pub async fn decide_many(
        &self,
        actor: &Actor,
        input: BulkDecisionInput,
    ) -> Result<Vec<BulkOutcome>, AppError> {
        if !actor.is_admin() {
            return Err(AppError::Forbidden(
                "只有各级科协管理员可以审核活动".to_owned(),
            ));
        }
        if input.ids.is_empty() || input.ids.len() > 100 {
            return Err(AppError::invalid_field("ids", "请选择1至100个活动"));
        }
        let verdict = parse_verdict(input.decision.as_deref())?;
        parse_reason(verdict, input.reason.as_deref())
            .map_err(|m| AppError::invalid_field("reason", m))?;
        let mut results = Vec::with_capacity(input.ids.len());
        for id in input.ids {
            let one = DecisionInput {
                decision: input.decision.clone(),
                reason: input.reason.clone(),
            };
            results.push(match self.decide_activity(actor, id, one, None).await {
                Ok(activity) => BulkOutcome {
                    id,
                    ok: true,
                    status: Some(activity.status),
                    message: None,
                },
                Err(AppError::Internal(cause)) => return Err(AppError::Internal(cause)),
                Err(e) => {
                    // Each refused item is recorded: its own transaction rolled back.
                    let nowhere = domain::region::RegionPath::default();
                    let refused = crate::audit::Event {
                        action: "activity.decide",
                        target_kind: "activity",
                        target_id: id.to_string(),
                        area: &nowhere,
                        outcome: crate::audit::Outcome::of(&e),
                        detail: serde_json::json!({
                            "decision": input.decision, "bulk": true, "message": e.to_string(),
                        }),
                    };
                    self.record_alone(Some(actor), refused).await?;
                    BulkOutcome {
                        id,
                        ok: false,
                        status: None,
                        message: Some(e.to_string()),
                    }
                }
            });
        }
        Ok(results)
    }

    /// What still waits one level down and will reach this admin's queue: for a national
    /// administrator, the activities in provincial review; `None` for anyone else.
    pub async fn waiting_below(&self, actor: &Actor) -> Result<Option<u64>, AppError> {
        if !actor.is_national_admin() {
            return Ok(None);
        }
        let below =
            Condition::all().add(entity::Column::Status.eq(Status::ProvinceReview.as_str()));
        Ok(Some(store::review::count(&self.db, below).await?))
    }

    /// `GET /api/v1/review-queue`: what waits for this admin's decision, in their area only.
    pub async fn review_queue(
        &self,
        actor: &Actor,
        query: QueueQuery,
    ) -> Result<Paged<ActivityView>, AppError> {
        if !actor.is_admin() {
            return Err(AppError::Forbidden("只有管理员可以查看审核队列".to_owned()));
        }
        let page = Page::parse(query.page, query.per_page)?;
        let status = match query.status.as_deref().filter(|s| !s.is_empty()) {
            None => None,
            Some(raw) => match Status::parse(raw) {
                Ok(s) if s.reviewer().is_some() => Some(s),
                _ => {
                    return Err(AppError::Malformed(
                        "状态只能是省级审核中或全国审核中".to_owned(),
                    ));
                }
            },
        };
        let mut select = Condition::all().add(awaiting(actor, status, self.clock.now()));
        if let Some(region) = query.region.as_deref().filter(|r| !r.is_empty()) {
            let code = domain::region::parse_code(region).map_err(AppError::Malformed)?;
            let located = crate::regions::locate(&self.db, &code)
                .await?
                .ok_or_else(|| AppError::NotFound("未找到该区划".to_owned()))?;
            let column = match located.level {
                None => None,
                Some(RegionLevel::Province) => Some(entity::Column::ProvinceCode),
                Some(RegionLevel::City) => Some(entity::Column::CityCode),
                Some(RegionLevel::County) => Some(entity::Column::CountyCode),
            };
            if let Some(column) = column {
                select = select.add(column.eq(code));
            }
        }
        if let Some(section) = query.section.as_deref().filter(|s| !s.is_empty()) {
            select = select.add(entity::Column::Section.eq(section));
        }
        if let Some(q) = query.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
            let pattern = format!(
                "%{}%",
                q.replace('\\', "\\\\")
                    .replace('%', "\\%")
                    .replace('_', "\\_")
            );
            select = select
                .add(Expr::col(entity::Column::Name).like(LikeExpr::new(pattern).escape('\\')));
        }
        if let Some(from) = query.from.as_deref().filter(|s| !s.is_empty()) {
            select = select.add(entity::Column::EndAt.gte(parse_time(from)?));
        }
        if let Some(to) = query.to.as_deref().filter(|s| !s.is_empty()) {
            select = select
                .add(entity::Column::StartAt.lte(parse_time(to)? + chrono::Duration::days(1)));
        }
        let (rows, total) =
            store::review::queue(&self.db, select, page.offset(), page.per_page).await?;
        let mut items = Vec::with_capacity(rows.len());
        for row in &rows {
            items.push(self.view_for(actor, row).await?.listed());
        }
        Ok(Paged {
            items,
            total,
            page: page.page,
            per_page: page.per_page,
        })
    }

    /// `GET /api/v1/activities/{id}/changes`: on re-review, each field that differs between
    /// the submission under review and the one decided before it.
    pub async fn changes_since_last_decision(
        &self,
        actor: &Actor,
        id: i64,
    ) -> Result<Vec<FieldChange>, AppError> {
        let row = self.find_activity(id).await?;
        if standing(Some(actor), &row) == Standing::Public {
            return Err(AppError::NotFound("未找到该活动".to_owned()));
        }
        let submissions = store::review::last_submissions(&self.db, id, 2).await?;
        let [current, previous] = submissions.as_slice() else {
            return Ok(Vec::new());
        };
        let parse = |s: &str| {
            serde_json::from_str::<ActivityDraft>(s)
                .ok()
                .and_then(|d| serde_json::to_value(d).ok())
        };
        let (Some(Value::Object(before)), Some(Value::Object(after))) =
            (parse(previous), parse(current))
        else {
            return Err(AppError::internal("unreadable snapshot"));
        };
        Ok(after
            .iter()
            .filter(|(k, v)| before.get(*k) != Some(*v))
            .map(|(k, v)| FieldChange {
                field: k.clone(),
                before: before.get(k).cloned().unwrap_or(Value::Null),
                after: v.clone(),
            })
            .collect())
    }
}

/// One province's review times (`GET /api/v1/review-times`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProvinceReviewTimes {
    /// 省级区划代码
    pub code: String,
    /// Its name.
    pub name: String,
    /// Decisions taken at the level.
    pub decided: i64,
    /// Median hours from entering the review to its decision (nearest rank).
    pub median_hours: Option<i64>,
    /// 90th-percentile hours (nearest rank).
    pub p90_hours: Option<i64>,
    /// Reviews at the level waiting past their due time now.
    pub overdue: i64,
}

/// `GET /api/v1/review-times`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReviewTimesView {
    /// The campaign.
    pub campaign_id: i64,
    /// `province` or `national`.
    pub level: String,
    /// The working days the level has.
    pub days: u32,
    /// Each province in the caller's area.
    pub provinces: Vec<ProvinceReviewTimes>,
}

/// The review-times query.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReviewTimesQuery {
    /// `province` (default) or `national`.
    #[param(pattern = "^(province|national)$")]
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    pub level: Option<String>,
}

/// `POST /api/v1/activities/{id}/review-reminder`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Reminded {
    /// The reviewers reminded.
    pub reminded: usize,
}

impl App {
    /// `GET /api/v1/review-times`: per province of the caller's area, the median and
    /// 90th-percentile time to a decision at the level, and how many wait past their due
    /// time now.
    pub async fn review_times(
        &self,
        actor: &Actor,
        query: ReviewTimesQuery,
    ) -> Result<ReviewTimesView, AppError> {
        if !actor.is_admin() {
            return Err(AppError::Forbidden("只有管理员可以查看审核时效".to_owned()));
        }
        let (level, status) = match query.level.as_deref().unwrap_or("province") {
            "province" => (ReviewLevel::Province, Status::ProvinceReview),
            "national" => (ReviewLevel::National, Status::NationalReview),
            _ => {
                return Err(AppError::Malformed(
                    "审核层级只能是 province 或 national".to_owned(),
                ));
            }
        };
        let campaign = self.current_campaign().await?;
        let mut provinces: Vec<(String, String)> = Vec::new();
        for r in self.regions_under(None).await? {
            let path = domain::region::RegionPath {
                province: Some(r.code.clone()),
                ..Default::default()
            };
            if actor.governs(&path) {
                provinces.push((r.code, r.name));
            }
        }
        let codes: Vec<String> = provinces.iter().map(|p| p.0.clone()).collect();
        let histograms = store::review::decision_hours(
            &self.db,
            campaign.id,
            level.as_str(),
            Condition::all()
                .add(store::entities::review_hour::Column::ProvinceCode.is_in(codes.clone())),
        )
        .await?;
        let overdue: std::collections::HashMap<String, i64> = store::review::overdue_by_province(
            &self.db,
            status.as_str(),
            self.clock.now(),
            Condition::all()
                .add(entity::Column::CampaignId.eq(campaign.id))
                .add(entity::Column::ProvinceCode.is_in(codes)),
        )
        .await?
        .into_iter()
        .filter_map(|(code, n)| code.map(|c| (c, n)))
        .collect();
        let mut out = Vec::with_capacity(provinces.len());
        for (code, name) in provinces {
            let histogram: std::collections::BTreeMap<i64, i64> = histograms
                .iter()
                .filter(|h| h.province_code == code)
                .map(|h| (h.hours, h.n))
                .collect();
            out.push(ProvinceReviewTimes {
                decided: histogram.values().sum(),
                median_hours: domain::deadline::percentile(&histogram, 50),
                p90_hours: domain::deadline::percentile(&histogram, 90),
                overdue: overdue.get(&code).copied().unwrap_or(0),
                code,
                name,
            });
        }
        Ok(ReviewTimesView {
            campaign_id: campaign.id,
            level: level.as_str().to_owned(),
            days: campaign.rules.review_days.of(level),
            provinces: out,
        })
    }

    /// `POST /api/v1/activities/{id}/review-reminder`: a national administrator reminds a
    /// province's reviewers of an overdue province review (in-app).
    pub async fn remind_review(&self, actor: &Actor, id: i64) -> Result<Reminded, AppError> {
        actor.require_national_admin()?;
        let row = self.find_activity(id).await?;
        let now = self.clock.now();
        let overdue = row.status == Status::ProvinceReview.as_str()
            && row
                .review_due_at
                .is_some_and(|due| domain::deadline::overdue(due, now));
        if !overdue {
            return Err(AppError::conflict("只能催办已超时的省级审核"));
        }
        let admins = match &row.province_code {
            Some(code) => {
                store::users::holding(&self.db, Role::ProvinceAdmin.as_str(), Some(code)).await?
            }
            None => Vec::new(),
        };
        let txn = self.db.begin().await?;
        for user in &admins {
            crate::notifications::notify(
                &txn,
                now,
                *user,
                "review.urged",
                Some(id),
                format!(
                    "全国管理员催办：活动“{}”的省级审核已超时，请尽快审核",
                    row.name
                ),
            )
            .await?;
        }
        crate::audit::record(
            &txn,
            now,
            Some(actor),
            crate::audit::Event::ok(
                "activity.review_reminder",
                "activity",
                id,
                &row.area(),
                json!({"reminded": admins.len()}),
            ),
        )
        .await?;
        txn.commit().await?;
        Ok(Reminded {
            reminded: admins.len(),
        })
    }
}
