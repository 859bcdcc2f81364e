//! The jobs table: reminders and link checks, scheduled once by key and claimed by a
//! worker with a lease, so that any number of instances may run the worker.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};

use crate::entities::job::{ActiveModel, Column, Entity, Model};

/// Schedules a job unless one with the same key exists.
pub async fn schedule(
    db: &impl ConnectionTrait,
    key: String,
    kind: &str,
    run_at: DateTime<Utc>,
    payload: String,
) -> Result<(), DbErr> {
    Entity::insert(ActiveModel {
        key: Set(key),
        kind: Set(kind.to_owned()),
        run_at: Set(run_at),
        payload: Set(payload),
        claimed_until: Set(None),
        attempts: Set(0),
        done_at: Set(None),
        outcome: Set(None),
        ..Default::default()
    })
    .on_conflict_do_nothing_on([Column::Key])
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// A job nobody holds: never claimed, or its lease ran out.
fn free(now: DateTime<Utc>) -> Condition {
    Condition::any()
        .add(Column::ClaimedUntil.is_null())
        .add(Column::ClaimedUntil.lt(now))
}

/// Up to `limit` jobs due by `now` that nobody holds, the longest due first.
pub async fn due(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .filter(Column::DoneAt.is_null())
        .filter(Column::RunAt.lte(now))
        .filter(free(now))
        .order_by_asc(Column::RunAt)
        .limit(limit)
        .all(db)
        .await
}

/// Claims a job until `lease` (counting an attempt) if nobody holds it; whether it did.
pub async fn claim(
    db: &impl ConnectionTrait,
    id: i64,
    now: DateTime<Utc>,
    lease: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let claimed = Entity::update_many()
        .col_expr(Column::ClaimedUntil, Expr::value(Some(lease)))
        .col_expr(Column::Attempts, Expr::col(Column::Attempts).add(1))
        .filter(Column::Id.eq(id))
        .filter(Column::DoneAt.is_null())
        .filter(free(now))
        .exec(db)
        .await?;
    Ok(claimed.rows_affected == 1)
}

/// Puts a held job back to run at `retry_at`.
pub async fn retry(
    db: &impl ConnectionTrait,
    id: i64,
    lease: DateTime<Utc>,
    retry_at: DateTime<Utc>,
) -> Result<(), DbErr> {
    Entity::update_many()
        .col_expr(Column::RunAt, Expr::value(retry_at))
        .col_expr(
            Column::ClaimedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(Column::Id.eq(id))
        .filter(Column::ClaimedUntil.eq(lease))
        .exec(db)
        .await?;
    Ok(())
}

/// Marks a job done if the lease `lease` still holds it; whether it did.
pub async fn finish(
    db: &impl ConnectionTrait,
    id: i64,
    lease: DateTime<Utc>,
    at: DateTime<Utc>,
    outcome: &str,
) -> Result<bool, DbErr> {
    let done = Entity::update_many()
        .col_expr(Column::DoneAt, Expr::value(Some(at)))
        .col_expr(Column::Outcome, Expr::value(Some(outcome.to_owned())))
        .filter(Column::Id.eq(id))
        .filter(Column::DoneAt.is_null())
        .filter(Column::ClaimedUntil.eq(lease))
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}
