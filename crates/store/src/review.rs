//! Review (审核) rows: the queue of activities awaiting a decision, and the transitions an
//! activity went through.

use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};

use crate::entities::{activity, transition};

/// A page of the activities matching `filter` (what waits for a reviewer, in their area,
/// with the queue's filters), oldest submission first; and how many match in all.
pub async fn queue(
    db: &impl ConnectionTrait,
    filter: Condition,
    offset: u64,
    limit: u64,
) -> Result<(Vec<activity::Model>, u64), DbErr> {
    let select = activity::Entity::find().filter(filter);
    let total = select.clone().count(db).await?;
    let rows = select
        .order_by_asc(activity::Column::SubmittedAt)
        .order_by_asc(activity::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await?;
    Ok((rows, total))
}

/// How many activities match `filter` (what waits one level down, for a reviewer to see
/// what is coming).
pub async fn count(db: &impl ConnectionTrait, filter: Condition) -> Result<u64, DbErr> {
    activity::Entity::find().filter(filter).count(db).await
}

/// The snapshots of an activity's last `n` submissions, newest first.
pub async fn last_submissions(
    db: &impl ConnectionTrait,
    activity_id: i64,
    n: u64,
) -> Result<Vec<String>, DbErr> {
    Ok(transition::Entity::find()
        .filter(transition::Column::ActivityId.eq(activity_id))
        .filter(transition::Column::Snapshot.is_not_null())
        .order_by_desc(transition::Column::Id)
        .limit(n)
        .all(db)
        .await?
        .into_iter()
        .filter_map(|t| t.snapshot)
        .collect())
}

/// One state change of an activity, as recorded.
pub struct Transition {
    /// The activity.
    pub activity_id: i64,
    /// When.
    pub at: chrono::DateTime<chrono::Utc>,
    /// Who.
    pub actor_id: Option<i64>,
    /// The state before.
    pub from_status: String,
    /// The state after.
    pub to_status: String,
    /// The reviewer's reason.
    pub reason: Option<String>,
    /// The draft as submitted (submissions only).
    pub snapshot: Option<String>,
}

/// Records a state change.
pub async fn record(db: &impl ConnectionTrait, t: Transition) -> Result<(), DbErr> {
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    transition::ActiveModel {
        activity_id: Set(t.activity_id),
        at: Set(t.at),
        actor_id: Set(t.actor_id),
        from_status: Set(t.from_status),
        to_status: Set(t.to_status),
        reason: Set(t.reason),
        snapshot: Set(t.snapshot),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Every state change of an activity, oldest first.
pub async fn history(
    db: &impl ConnectionTrait,
    activity_id: i64,
) -> Result<Vec<transition::Model>, DbErr> {
    transition::Entity::find()
        .filter(transition::Column::ActivityId.eq(activity_id))
        .order_by_asc(transition::Column::Id)
        .all(db)
        .await
}

/// The reason given with an activity's last state change, if any.
pub async fn last_reason(
    db: &impl ConnectionTrait,
    activity_id: i64,
) -> Result<Option<String>, DbErr> {
    Ok(transition::Entity::find()
        .filter(transition::Column::ActivityId.eq(activity_id))
        .order_by_desc(transition::Column::Id)
        .one(db)
        .await?
        .and_then(|t| t.reason))
}

/// The history rows of an activity that keep a snapshot of its content.
pub async fn snapshots_of(
    db: &impl ConnectionTrait,
    activity_id: i64,
) -> Result<Vec<transition::Model>, DbErr> {
    transition::Entity::find()
        .filter(transition::Column::ActivityId.eq(activity_id))
        .filter(transition::Column::Snapshot.is_not_null())
        .all(db)
        .await
}

/// Replaces a history row's snapshot.
pub async fn set_snapshot(
    db: &impl ConnectionTrait,
    id: i64,
    snapshot: String,
) -> Result<(), DbErr> {
    use sea_orm::sea_query::Expr;
    transition::Entity::update_many()
        .col_expr(transition::Column::Snapshot, Expr::value(snapshot))
        .filter(transition::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}
