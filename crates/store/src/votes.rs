//! The video contest's public vote: one row per vote, counted by entry unless voided.
//! Queries only; the limits are the use case's, counted here.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr,
    EntityTrait, FromQueryResult, PaginatorTrait, QueryFilter, QuerySelect,
};

use crate::entities::{contest_vote as vote, user};

#[derive(FromQueryResult)]
struct Count {
    entry_id: i64,
    n: i64,
}

/// Contest `contest_id`'s counted votes, by entry.
pub async fn counts(
    db: &impl ConnectionTrait,
    contest_id: i64,
) -> Result<HashMap<i64, i64>, DbErr> {
    let rows = vote::Entity::find()
        .select_only()
        .column(vote::Column::EntryId)
        .column_as(vote::Column::Id.count(), "n")
        .filter(vote::Column::ContestId.eq(contest_id))
        .filter(vote::Column::Voided.eq(false))
        .group_by(vote::Column::EntryId)
        .into_model::<Count>()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|c| (c.entry_id, c.n)).collect())
}

/// Takes `user_id`'s row lock for the rest of the transaction (PostgreSQL; SQLite has one
/// writer), so that one person's votes are counted one after another.
pub async fn lock_voter(db: &impl ConnectionTrait, user_id: i64) -> Result<(), DbErr> {
    user::Entity::update_many()
        .col_expr(
            user::Column::PhoneVerified,
            Expr::col(user::Column::PhoneVerified),
        )
        .filter(user::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

/// How many of `user_id`'s counted votes in contest `contest_id` fall on `day` (for
/// `entry_id` only, when given).
pub async fn of_voter_on(
    db: &impl ConnectionTrait,
    contest_id: i64,
    user_id: i64,
    day: &str,
    entry_id: Option<i64>,
) -> Result<u64, DbErr> {
    let mut q = vote::Entity::find()
        .filter(vote::Column::ContestId.eq(contest_id))
        .filter(vote::Column::UserId.eq(user_id))
        .filter(vote::Column::Day.eq(day))
        .filter(vote::Column::Voided.eq(false));
    if let Some(e) = entry_id {
        q = q.filter(vote::Column::EntryId.eq(e));
    }
    q.count(db).await
}

/// How many votes in contest `contest_id` came from `ip` since `since`.
pub async fn from_address_since(
    db: &impl ConnectionTrait,
    contest_id: i64,
    ip: &str,
    since: DateTime<Utc>,
) -> Result<u64, DbErr> {
    vote::Entity::find()
        .filter(vote::Column::ContestId.eq(contest_id))
        .filter(vote::Column::Ip.eq(ip))
        .filter(vote::Column::At.gte(since))
        .count(db)
        .await
}

/// Records a vote.
pub async fn add(
    db: &impl ConnectionTrait,
    contest_id: i64,
    entry_id: i64,
    user_id: i64,
    day: String,
    ip: String,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    vote::ActiveModel {
        contest_id: Set(contest_id),
        entry_id: Set(entry_id),
        user_id: Set(user_id),
        day: Set(day),
        ip: Set(ip),
        at: Set(at),
        voided: Set(false),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The votes to void: from `ip` (when given) within `from`..`to` (each when given).
pub fn matching(
    ip: Option<&str>,
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
) -> Condition {
    let mut c = Condition::all();
    if let Some(ip) = ip {
        c = c.add(vote::Column::Ip.eq(ip));
    }
    if let Some(from) = from {
        c = c.add(vote::Column::At.gte(from));
    }
    if let Some(to) = to {
        c = c.add(vote::Column::At.lte(to));
    }
    c
}

/// Voids contest `contest_id`'s counted votes matching `filter` with `reason`, if the
/// contest matches `scope`; how many.
pub async fn void(
    db: &impl ConnectionTrait,
    contest_id: i64,
    scope: Condition,
    filter: Condition,
    reason: String,
) -> Result<u64, DbErr> {
    let result = vote::Entity::update_many()
        .col_expr(vote::Column::Voided, Expr::val(true))
        .col_expr(vote::Column::VoidReason, Expr::val(reason))
        .filter(vote::Column::ContestId.eq(contest_id))
        .filter(vote::Column::Voided.eq(false))
        .filter(crate::judging::contest_in(vote::Column::ContestId, scope))
        .filter(filter)
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}

/// Marks `user_id` as having logged in with an SMS code.
pub async fn mark_phone_verified(db: &impl ConnectionTrait, user_id: i64) -> Result<(), DbErr> {
    user::Entity::update_many()
        .col_expr(user::Column::PhoneVerified, Expr::val(true))
        .filter(user::Column::Id.eq(user_id))
        .filter(user::Column::PhoneVerified.eq(false))
        .exec(db)
        .await?;
    Ok(())
}
