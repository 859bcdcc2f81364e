//! The video contest's judges and assignments (with their score sheets). Queries only; who
//! may change what arrives as a `Condition` over the contest (an administrator's area) or
//! as the judge's own account, applied in the query.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr,
    EntityTrait, QueryFilter, QueryOrder,
};

use crate::entities::{contest, contest_assignment as assignment, contest_judge as judge};

/// The condition "the contest matches `scope`", over a table's `contest_id`.
pub fn contest_in<C: ColumnTrait>(column: C, scope: Condition) -> Condition {
    Condition::all().add(
        column.in_subquery(
            Query::select()
                .column(contest::Column::Id)
                .from(contest::Entity)
                .cond_where(scope)
                .to_owned(),
        ),
    )
}

/// Adds a judge to contest `contest_id`'s panel (already on it: a unique violation).
pub async fn add_judge(
    db: &impl ConnectionTrait,
    contest_id: i64,
    user_id: i64,
    org_id: i64,
    region_code: String,
    added_by: i64,
    at: DateTime<Utc>,
) -> Result<judge::Model, DbErr> {
    judge::ActiveModel {
        contest_id: Set(contest_id),
        user_id: Set(user_id),
        org_id: Set(org_id),
        region_code: Set(region_code),
        added_by: Set(added_by),
        created_at: Set(at),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// Contest `contest_id`'s panel, in the order they were added.
pub async fn judges(
    db: &impl ConnectionTrait,
    contest_id: i64,
) -> Result<Vec<judge::Model>, DbErr> {
    judge::Entity::find()
        .filter(judge::Column::ContestId.eq(contest_id))
        .order_by_asc(judge::Column::Id)
        .all(db)
        .await
}

/// `user_id`'s place on contest `contest_id`'s panel, if they have one.
pub async fn judge_of(
    db: &impl ConnectionTrait,
    contest_id: i64,
    user_id: i64,
) -> Result<Option<judge::Model>, DbErr> {
    judge::Entity::find()
        .filter(judge::Column::ContestId.eq(contest_id))
        .filter(judge::Column::UserId.eq(user_id))
        .one(db)
        .await
}

/// Contest `contest_id`'s assignments matching `filter`, oldest first.
pub async fn assignments(
    db: &impl ConnectionTrait,
    contest_id: i64,
    filter: Condition,
) -> Result<Vec<assignment::Model>, DbErr> {
    assignment::Entity::find()
        .filter(assignment::Column::ContestId.eq(contest_id))
        .filter(filter)
        .order_by_asc(assignment::Column::Id)
        .all(db)
        .await
}

/// The condition "of the panel entry `judge_id`".
pub fn of_judge(judge_id: i64) -> Condition {
    Condition::all().add(assignment::Column::JudgeId.eq(judge_id))
}

/// The condition "of entry `entry_id`".
pub fn of_entry(entry_id: i64) -> Condition {
    Condition::all().add(assignment::Column::EntryId.eq(entry_id))
}

/// The condition "submitted" (a locked sheet of a standing assignment).
pub fn submitted() -> Condition {
    Condition::all()
        .add(assignment::Column::Submitted.eq(true))
        .add(assignment::Column::State.ne("recused"))
}

/// The condition "not recused".
pub fn standing() -> Condition {
    Condition::all().add(assignment::Column::State.ne("recused"))
}

/// Assigns entry `entry_id` to the panel entry `judge_id` if the contest matches `scope`
/// (already assigned: a unique violation); whether it did.
pub async fn assign(
    db: &impl ConnectionTrait,
    contest_id: i64,
    judge_id: i64,
    entry_id: i64,
    manual: bool,
    scope: Condition,
    at: DateTime<Utc>,
) -> Result<Option<assignment::Model>, DbErr> {
    let allowed = contest::Entity::find_by_id(contest_id)
        .filter(scope)
        .one(db)
        .await?
        .is_some();
    if !allowed {
        return Ok(None);
    }
    assignment::ActiveModel {
        contest_id: Set(contest_id),
        judge_id: Set(judge_id),
        entry_id: Set(entry_id),
        state: Set("assigned".to_owned()),
        manual: Set(manual),
        submitted: Set(false),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    }
    .insert(db)
    .await
    .map(Some)
}

/// Removes an assignment not yet submitted, if the contest matches `scope`; whether it did.
pub async fn unassign(
    db: &impl ConnectionTrait,
    contest_id: i64,
    judge_id: i64,
    entry_id: i64,
    scope: Condition,
) -> Result<bool, DbErr> {
    let result = assignment::Entity::delete_many()
        .filter(assignment::Column::ContestId.eq(contest_id))
        .filter(assignment::Column::JudgeId.eq(judge_id))
        .filter(assignment::Column::EntryId.eq(entry_id))
        .filter(assignment::Column::Submitted.eq(false))
        .filter(contest_in(assignment::Column::ContestId, scope))
        .exec(db)
        .await?;
    Ok(result.rows_affected > 0)
}

/// A score sheet as written.
pub struct Sheet {
    /// Scores by criterion, as JSON.
    pub scores: String,
    pub total: Option<f64>,
    pub comment: Option<String>,
    pub submitted: bool,
    pub at: DateTime<Utc>,
}

/// Writes assignment `id`'s score sheet if it is not submitted nor recused, and the contest
/// is `judging`; whether it did.
pub async fn save_sheet(db: &impl ConnectionTrait, id: i64, sheet: Sheet) -> Result<bool, DbErr> {
    let state = if sheet.submitted {
        "scored"
    } else {
        "assigned"
    };
    let result = assignment::Entity::update_many()
        .col_expr(assignment::Column::Scores, Expr::val(sheet.scores))
        .col_expr(assignment::Column::Total, Expr::val(sheet.total))
        .col_expr(assignment::Column::Comment, Expr::val(sheet.comment))
        .col_expr(assignment::Column::Submitted, Expr::val(sheet.submitted))
        .col_expr(assignment::Column::State, Expr::val(state))
        .col_expr(assignment::Column::UpdatedAt, Expr::val(sheet.at))
        .filter(assignment::Column::Id.eq(id))
        .filter(assignment::Column::Submitted.eq(false))
        .filter(assignment::Column::State.eq("assigned"))
        .filter(contest_in(
            assignment::Column::ContestId,
            Condition::all().add(contest::Column::Status.eq("judging")),
        ))
        .exec(db)
        .await?;
    Ok(result.rows_affected > 0)
}

/// Marks assignment `id` recused with `reason`, if it is still only assigned; whether it did.
pub async fn recuse(
    db: &impl ConnectionTrait,
    id: i64,
    reason: String,
    at: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = assignment::Entity::update_many()
        .col_expr(assignment::Column::State, Expr::val("recused"))
        .col_expr(assignment::Column::RecusalReason, Expr::val(reason))
        .col_expr(assignment::Column::UpdatedAt, Expr::val(at))
        .filter(assignment::Column::Id.eq(id))
        .filter(assignment::Column::State.eq("assigned"))
        .filter(assignment::Column::Submitted.eq(false))
        .exec(db)
        .await?;
    Ok(result.rows_affected > 0)
}

/// `user_id`'s places on panels (of contest `contest_id` only, when given).
pub async fn panels_of(
    db: &impl ConnectionTrait,
    user_id: i64,
    contest_id: Option<i64>,
) -> Result<Vec<judge::Model>, DbErr> {
    let mut query = judge::Entity::find().filter(judge::Column::UserId.eq(user_id));
    if let Some(c) = contest_id {
        query = query.filter(judge::Column::ContestId.eq(c));
    }
    query.order_by_asc(judge::Column::Id).all(db).await
}
