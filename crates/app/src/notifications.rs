//! Notifications: left for a person by a decision, a nomination or a reminder, in the same
//! transaction; read and marked read by that person only.

use chrono::{DateTime, Utc};
use serde::Serialize;
use store::entities::notification;
use store::sea_orm::sea_query::Expr;
use store::sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};

use crate::paging::{Page, Paged};
use crate::{Actor, App, AppError};

/// Leaves a notification for a user, through the caller's connection or transaction.
pub(crate) async fn notify(
    db: &impl ConnectionTrait,
    at: chrono::DateTime<chrono::Utc>,
    user_id: i64,
    kind: &str,
    activity_id: Option<i64>,
    text: String,
) -> Result<(), AppError> {
    notification::ActiveModel {
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

/// A notification as its reader sees it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Notification {
    /// Its id, to mark it read.
    pub id: i64,
    /// When it was left.
    pub at: DateTime<Utc>,
    /// What it is about (`decision`, `nomination`, `supplement.reminder`, …).
    pub kind: String,
    /// The activity it concerns, if any.
    pub activity_id: Option<i64>,
    /// The sentence shown.
    pub text: String,
    /// Whether it has been read.
    pub read: bool,
}

impl App {
    /// The caller's notifications, newest first, with the unread count.
    pub async fn notifications(
        &self,
        actor: &Actor,
        page: Page,
    ) -> Result<(Paged<Notification>, u64), AppError> {
        let mine =
            notification::Entity::find().filter(notification::Column::UserId.eq(actor.user_id));
        let total = mine.clone().count(&self.db).await?;
        let unread = mine
            .clone()
            .filter(notification::Column::ReadAt.is_null())
            .count(&self.db)
            .await?;
        let rows = mine
            .order_by_desc(notification::Column::Id)
            .offset(page.offset())
            .limit(page.per_page)
            .all(&self.db)
            .await?;
        let items = rows
            .into_iter()
            .map(|n| Notification {
                id: n.id,
                at: n.at,
                kind: n.kind,
                activity_id: n.activity_id,
                text: n.text,
                read: n.read_at.is_some(),
            })
            .collect();
        Ok((
            Paged {
                items,
                total,
                page: page.page,
                per_page: page.per_page,
            },
            unread,
        ))
    }

    /// Marks one of the caller's notifications read.
    pub async fn mark_read(&self, actor: &Actor, id: i64) -> Result<(), AppError> {
        let result = notification::Entity::update_many()
            .col_expr(
                notification::Column::ReadAt,
                Expr::value(Some(self.clock.now())),
            )
            .filter(notification::Column::Id.eq(id))
            .filter(notification::Column::UserId.eq(actor.user_id))
            .exec(&self.db)
            .await?;
        if result.rows_affected == 0 {
            return Err(AppError::NotFound("未找到该通知".to_owned()));
        }
        Ok(())
    }
}
