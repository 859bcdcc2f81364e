//! 活动补充信息 rows: an activity's supplement, the media it may name, and the checks of its
//! media links.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use crate::entities::{link_check, media, supplement};

/// The supplement of an activity, if it has one.
pub async fn find(
    db: &impl ConnectionTrait,
    activity_id: i64,
) -> Result<Option<supplement::Model>, DbErr> {
    supplement::Entity::find_by_id(activity_id).one(db).await
}

/// The supplements of several activities (a page of a list).
pub async fn of_activities(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i64>,
) -> Result<Vec<supplement::Model>, DbErr> {
    supplement::Entity::find()
        .filter(supplement::Column::ActivityId.is_in(ids))
        .all(db)
        .await
}

/// The supplement as it will be stored.
pub struct Saved {
    /// The activity.
    pub activity_id: i64,
    /// The supplement as JSON text.
    pub data: String,
    /// 实际参与人数, as a column for the statistics.
    pub participants: Option<i64>,
    /// When it first became complete.
    pub completed_at: Option<DateTime<Utc>>,
    /// Whether it was completed by its deadline.
    pub on_time: bool,
    /// Now.
    pub updated_at: DateTime<Utc>,
}

/// Writes the supplement, replacing the stored one.
pub async fn save(db: &impl ConnectionTrait, s: Saved) -> Result<(), DbErr> {
    let model = supplement::ActiveModel {
        activity_id: Set(s.activity_id),
        data: Set(s.data),
        participants: Set(s.participants),
        completed_at: Set(s.completed_at),
        on_time: Set(Some(s.on_time)),
        updated_at: Set(s.updated_at),
    };
    supplement::Entity::insert(model)
        .on_conflict(
            OnConflict::column(supplement::Column::ActivityId)
                .update_columns([
                    supplement::Column::Data,
                    supplement::Column::Participants,
                    supplement::Column::CompletedAt,
                    supplement::Column::OnTime,
                    supplement::Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// The files uploaded to an activity.
pub async fn media_of(
    db: &impl ConnectionTrait,
    activity_id: i64,
) -> Result<Vec<media::Model>, DbErr> {
    media::Entity::find()
        .filter(media::Column::ActivityId.eq(activity_id))
        .all(db)
        .await
}

/// Adds a link to check for an activity, unless it is there; whether it was added.
pub async fn add_link_check(
    db: &impl ConnectionTrait,
    activity_id: i64,
    url: &str,
) -> Result<bool, DbErr> {
    let inserted = link_check::Entity::insert(link_check::ActiveModel {
        activity_id: Set(activity_id),
        url: Set(url.to_owned()),
        checked_at: Set(None),
        reachable: Set(None),
        detail: Set(None),
    })
    .on_conflict_do_nothing_on([link_check::Column::ActivityId, link_check::Column::Url])
    .exec_without_returning(db)
    .await?;
    Ok(matches!(inserted, sea_orm::TryInsertResult::Inserted(n) if n > 0))
}

/// Records what checking a link found.
pub async fn checked_link(
    db: &impl ConnectionTrait,
    activity_id: i64,
    url: &str,
    at: DateTime<Utc>,
    reachable: bool,
    detail: String,
) -> Result<(), DbErr> {
    use sea_orm::sea_query::Expr;
    link_check::Entity::update_many()
        .col_expr(link_check::Column::CheckedAt, Expr::value(Some(at)))
        .col_expr(link_check::Column::Reachable, Expr::value(Some(reachable)))
        .col_expr(link_check::Column::Detail, Expr::value(Some(detail)))
        .filter(link_check::Column::ActivityId.eq(activity_id))
        .filter(link_check::Column::Url.eq(url))
        .exec(db)
        .await?;
    Ok(())
}

/// The checks of an activity's media links.
pub async fn link_checks(
    db: &impl ConnectionTrait,
    activity_id: i64,
) -> Result<Vec<link_check::Model>, DbErr> {
    link_check::Entity::find()
        .filter(link_check::Column::ActivityId.eq(activity_id))
        .all(db)
        .await
}
