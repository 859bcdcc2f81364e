//! What administrators and users did, and what they were refused: append-only and
//! hash-chained (see `crate::audit`), readable by administrators of the same area.

use sea_orm::entity::prelude::*;

/// A row of `audit_events`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// When (UTC, to the microsecond).
    pub at: DateTimeUtc,
    /// Who (none for the system or the command line).
    pub actor_id: Option<i64>,
    /// Their roles at the time, comma-separated (`province_admin`, `host`…).
    pub actor_role: Option<String>,
    /// The divisions their administrator roles govern, comma-separated.
    pub actor_region: Option<String>,
    /// What (`org.certify`, `campaign.create`…), or the route of a refused request.
    pub action: String,
    /// Target table.
    pub target_kind: String,
    pub target_id: String,
    /// Province of the target (for scope).
    pub province_code: Option<String>,
    /// City of the target.
    pub city_code: Option<String>,
    /// County of the target.
    pub county_code: Option<String>,
    /// The client's address.
    pub ip: Option<String>,
    /// The client's user agent (at most 256 characters).
    #[sea_orm(column_type = "Text", nullable)]
    pub user_agent: Option<String>,
    /// The request's id (`X-Request-Id`).
    pub request_id: Option<String>,
    /// The route: method and path template.
    pub route: Option<String>,
    /// `ok`, `denied` or `invalid`.
    pub outcome: String,
    /// What changed (before → after), or why it was refused, as JSON.
    #[sea_orm(column_type = "Text")]
    pub detail: String,
    /// The hash of the row before (64 zeros for the first).
    pub prev_hash: String,
    /// SHA-256 over `prev_hash` and every other field of this row.
    pub hash: String,
}

/// No relations are declared; joins are written where they are needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
