//! Browser sessions and bearer tokens (登录状态): rows found by the hash of what the
//! client holds, never by the secret itself. The limits (idle time, lifetime) are the use
//! case's, passed in as instants.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter, QueryOrder,
};

use crate::entities::{api_token, web_session};

/// A bearer token as issued.
pub struct NewToken<'a> {
    /// Whose.
    pub user_id: i64,
    /// SHA-256 of the token, hex.
    pub token_hash: String,
    /// What it is for.
    pub label: &'a str,
    /// Now.
    pub created_at: DateTime<Utc>,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
}

/// Records a token.
pub async fn add_token(db: &impl ConnectionTrait, t: NewToken<'_>) -> Result<(), DbErr> {
    api_token::ActiveModel {
        user_id: Set(t.user_id),
        token_hash: Set(t.token_hash),
        label: Set(t.label.to_owned()),
        created_at: Set(t.created_at),
        expires_at: Set(Some(t.expires_at)),
        last_used_at: Set(None),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Records that a token was used.
pub async fn token_used(
    db: &impl ConnectionTrait,
    id: i64,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    api_token::Entity::update_many()
        .col_expr(api_token::Column::LastUsedAt, Expr::value(Some(at)))
        .filter(api_token::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// A user's tokens, newest first.
pub async fn tokens_of(
    db: &impl ConnectionTrait,
    user_id: i64,
) -> Result<Vec<api_token::Model>, DbErr> {
    api_token::Entity::find()
        .filter(api_token::Column::UserId.eq(user_id))
        .order_by_desc(api_token::Column::Id)
        .all(db)
        .await
}

/// Revokes token `id` if it is `user_id`'s; whether it was.
pub async fn revoke_token(
    db: &impl ConnectionTrait,
    id: i64,
    user_id: i64,
    at: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = api_token::Entity::update_many()
        .col_expr(api_token::Column::RevokedAt, Expr::value(Some(at)))
        .filter(api_token::Column::Id.eq(id))
        .filter(api_token::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    Ok(result.rows_affected > 0)
}

/// A browser session as begun.
pub struct NewSession {
    /// SHA-256 of the cookie, hex.
    pub id_hash: String,
    /// Who (none for a visitor).
    pub user_id: Option<i64>,
    /// Its CSRF token.
    pub csrf_token: String,
    /// Now.
    pub created_at: DateTime<Utc>,
    /// When it ends at the latest.
    pub expires_at: DateTime<Utc>,
}

/// Deletes sessions that have expired, then records a new one.
pub async fn begin(db: &impl ConnectionTrait, s: NewSession) -> Result<(), DbErr> {
    web_session::Entity::delete_many()
        .filter(web_session::Column::ExpiresAt.lt(s.created_at))
        .exec(db)
        .await?;
    web_session::ActiveModel {
        id_hash: Set(s.id_hash),
        user_id: Set(s.user_id),
        csrf_token: Set(s.csrf_token),
        created_at: Set(s.created_at),
        expires_at: Set(s.expires_at),
        last_seen_at: Set(Some(s.created_at)),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The session with this hash, if it began after `begun_after` and was seen after
/// `seen_after`.
pub async fn live(
    db: &impl ConnectionTrait,
    id_hash: String,
    begun_after: DateTime<Utc>,
    seen_after: DateTime<Utc>,
) -> Result<Option<web_session::Model>, DbErr> {
    web_session::Entity::find_by_id(id_hash)
        .filter(web_session::Column::CreatedAt.gt(begun_after))
        .filter(web_session::Column::LastSeenAt.gt(seen_after))
        .one(db)
        .await
}

/// Records that a session was seen.
pub async fn seen(
    db: &impl ConnectionTrait,
    id_hash: String,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    web_session::Entity::update_many()
        .col_expr(web_session::Column::LastSeenAt, Expr::value(Some(at)))
        .filter(web_session::Column::IdHash.eq(id_hash))
        .exec(db)
        .await?;
    Ok(())
}

/// Ends one session.
pub async fn end(db: &impl ConnectionTrait, id_hash: String) -> Result<(), DbErr> {
    web_session::Entity::delete_by_id(id_hash).exec(db).await?;
    Ok(())
}

/// Ends every session of a user and revokes every live token; how many in all.
pub async fn end_all_of(
    db: &impl ConnectionTrait,
    user_id: i64,
    at: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let sessions = web_session::Entity::delete_many()
        .filter(web_session::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    let tokens = api_token::Entity::update_many()
        .col_expr(api_token::Column::RevokedAt, Expr::value(Some(at)))
        .filter(api_token::Column::UserId.eq(user_id))
        .filter(api_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(sessions.rows_affected + tokens.rows_affected)
}
