//! Notifications: left for a person by a decision, a nomination or a reminder, in the same
//! transaction; read and marked read by that person only.

use chrono::{DateTime, Utc};
use serde::Serialize;
use store::sea_orm::ConnectionTrait;

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
    Ok(store::notifications::add(db, at, user_id, kind, activity_id, text).await?)
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
        let store::notifications::PageOf {
            rows,
            total,
            unread,
        } = store::notifications::page_of(&self.db, actor.user_id, page.offset(), page.per_page)
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
        if !store::notifications::mark_read(&self.db, id, actor.user_id, self.clock.now()).await? {
            return Err(AppError::NotFound("未找到该通知".to_owned()));
        }
        Ok(())
    }
}
