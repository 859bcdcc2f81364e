//! Notifications (通知): the rows a decision, a nomination or a reminder leaves for one
//! person. Queries only; who may read or mark them is the use case's to decide.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::entities::notification::{ActiveModel, Column, Entity, Model};

/// A new, unread notification for `user_id`.
pub async fn add(
    db: &impl ConnectionTrait,
    at: DateTime<Utc>,
    user_id: i64,
    kind: &str,
    activity_id: Option<i64>,
    text: String,
) -> Result<(), DbErr> {
    ActiveModel {
        user_id: Set(user_id),
        at: Set(at),
        kind: Set(kind.to_owned()),
        activity_id: Set(activity_id),
        text: Set(text),
        read_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// One page of a person's notifications, newest first.
pub struct PageOf {
    /// The page's rows.
    pub rows: Vec<Model>,
    /// How many the person has.
    pub total: u64,
    /// How many are unread.
    pub unread: u64,
}

/// `limit` of `user_id`'s notifications from `offset`, newest first, with the counts.
pub async fn page_of(
    db: &impl ConnectionTrait,
    user_id: i64,
    offset: u64,
    limit: u64,
) -> Result<PageOf, DbErr> {
    let mine = Entity::find().filter(Column::UserId.eq(user_id));
    let total = mine.clone().count(db).await?;
    let unread = mine
        .clone()
        .filter(Column::ReadAt.is_null())
        .count(db)
        .await?;
    let rows = mine
        .order_by_desc(Column::Id)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await?;
    Ok(PageOf {
        rows,
        total,
        unread,
    })
}

/// Marks notification `id` read if it is `user_id`'s; whether it was.
pub async fn mark_read(
    db: &impl ConnectionTrait,
    id: i64,
    user_id: i64,
    at: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = Entity::update_many()
        .col_expr(Column::ReadAt, Expr::value(Some(at)))
        .filter(Column::Id.eq(id))
        .filter(Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    Ok(result.rows_affected > 0)
}
