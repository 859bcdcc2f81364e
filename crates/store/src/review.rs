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
