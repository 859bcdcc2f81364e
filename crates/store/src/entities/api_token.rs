//! Bearer tokens, stored only as hashes.

use sea_orm::entity::prelude::*;

/// A row of `api_tokens`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "api_tokens")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub user_id: i64,
    /// SHA-256 of the token, hex.
    #[sea_orm(unique)]
    pub token_hash: String,
    /// What it is for (命令行, 登录, ...).
    pub label: String,
    pub created_at: DateTimeUtc,
    /// Stops working after this, if set.
    pub expires_at: Option<DateTimeUtc>,
    /// Last seen in a request.
    pub last_used_at: Option<DateTimeUtc>,
    /// Revoked by its owner.
    pub revoked_at: Option<DateTimeUtc>,
}

/// No relations are declared; joins are written where they are needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
