//! Browser sessions: the cookie holds a random id, the table its hash.

use sea_orm::entity::prelude::*;

/// A row of `web_sessions`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "web_sessions")]
pub struct Model {
    /// SHA-256 of the cookie value, hex.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id_hash: String,
    /// The logged-in user, or none for a visitor who has only been given a CSRF token.
    pub user_id: Option<i64>,
    /// CSRF token for this session's forms.
    pub csrf_token: String,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    /// Last seen: the session ends after `session_idle_minutes` without a request.
    pub last_seen_at: Option<DateTimeUtc>,
}

/// No relations are declared; joins are written where they are needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
