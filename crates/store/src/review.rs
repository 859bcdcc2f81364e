//! Review (审核) rows: the queue of activities awaiting a decision, and the transitions an
//! activity went through.

use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};

use crate::entities::{activity, review_hour, transition};

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
    // The earliest due first (what waits longest past its time), then by submission.
    let rows = select
        .order_by(
            Expr::col(activity::Column::ReviewDueAt).is_null(),
            sea_orm::Order::Asc,
        )
        .order_by_asc(activity::Column::ReviewDueAt)
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

/// Counts one decision that took `hours` in a province's histogram.
pub async fn count_decision(
    db: &impl ConnectionTrait,
    campaign_id: i64,
    province_code: &str,
    level: &str,
    hours: i64,
) -> Result<(), DbErr> {
    let row = review_hour::ActiveModel {
        campaign_id: sea_orm::ActiveValue::Set(campaign_id),
        province_code: sea_orm::ActiveValue::Set(province_code.to_owned()),
        level: sea_orm::ActiveValue::Set(level.to_owned()),
        hours: sea_orm::ActiveValue::Set(hours),
        n: sea_orm::ActiveValue::Set(1),
    };
    review_hour::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([
                review_hour::Column::CampaignId,
                review_hour::Column::ProvinceCode,
                review_hour::Column::Level,
                review_hour::Column::Hours,
            ])
            .value(
                review_hour::Column::N,
                Expr::col((review_hour::Entity, review_hour::Column::N)).add(1),
            )
            .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// A campaign's decision-time histograms at `level` for the provinces matching `filter`.
pub async fn decision_hours(
    db: &impl ConnectionTrait,
    campaign_id: i64,
    level: &str,
    filter: Condition,
) -> Result<Vec<review_hour::Model>, DbErr> {
    review_hour::Entity::find()
        .filter(review_hour::Column::CampaignId.eq(campaign_id))
        .filter(review_hour::Column::Level.eq(level))
        .filter(filter)
        .all(db)
        .await
}

/// How many activities wait in `status` past their due time at `now`, per province, among
/// those matching `filter`.
pub async fn overdue_by_province(
    db: &impl ConnectionTrait,
    status: &str,
    now: DateTime<Utc>,
    filter: Condition,
) -> Result<Vec<(Option<String>, i64)>, DbErr> {
    activity::Entity::find()
        .select_only()
        .column(activity::Column::ProvinceCode)
        .column_as(activity::Column::Id.count(), "n")
        .filter(activity::Column::Status.eq(status))
        .filter(activity::Column::ReviewDueAt.lte(now))
        .filter(filter)
        .group_by(activity::Column::ProvinceCode)
        .into_tuple()
        .all(db)
        .await
}

/// A rejection of one of an organisation's activities, with its reason.
#[derive(Debug, Clone, sea_orm::FromQueryResult)]
pub struct Rejection {
    pub activity_id: i64,
    pub name: String,
    pub campaign_id: i64,
    pub to_status: String,
    pub reason: Option<String>,
    pub at: DateTime<Utc>,
}

/// The latest `limit` rejections (moves into any of `rejected`) of the activities whose
/// first host is `org_id`, newest first.
pub async fn rejections_of(
    db: &impl ConnectionTrait,
    org_id: i64,
    rejected: &[&str],
    limit: u64,
) -> Result<Vec<Rejection>, DbErr> {
    use sea_orm::sea_query::{Alias, Query};
    let mut query = Query::select();
    query
        .expr_as(
            Expr::col((transition::Entity, transition::Column::ActivityId)),
            Alias::new("activity_id"),
        )
        .expr_as(
            Expr::col((activity::Entity, activity::Column::Name)),
            Alias::new("name"),
        )
        .expr_as(
            Expr::col((activity::Entity, activity::Column::CampaignId)),
            Alias::new("campaign_id"),
        )
        .expr_as(
            Expr::col((transition::Entity, transition::Column::ToStatus)),
            Alias::new("to_status"),
        )
        .expr_as(
            Expr::col((transition::Entity, transition::Column::Reason)),
            Alias::new("reason"),
        )
        .expr_as(
            Expr::col((transition::Entity, transition::Column::At)),
            Alias::new("at"),
        )
        .from(transition::Entity)
        .inner_join(
            activity::Entity,
            Expr::col((activity::Entity, activity::Column::Id))
                .equals((transition::Entity, transition::Column::ActivityId)),
        )
        .and_where(Expr::col((activity::Entity, activity::Column::FirstHostId)).eq(org_id))
        .and_where(
            Expr::col((transition::Entity, transition::Column::ToStatus))
                .is_in(rejected.iter().copied()),
        )
        .order_by(
            (transition::Entity, transition::Column::Id),
            sea_orm::Order::Desc,
        )
        .limit(limit);
    Rejection::find_by_statement(db.get_database_backend().build(&query))
        .all(db)
        .await
}
