//! What administrators and users did, readable by admins of the same area.

use sea_orm::entity::prelude::*;

/// A row of `audit_log`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub at: DateTimeUtc,
    /// Who (none for the system or the command line).
    pub actor_id: Option<i64>,
    /// What (`org.certify`, `campaign.create`, ...).
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
    /// Details as JSON.
    #[sea_orm(column_type = "Text")]
    pub detail: String,
}

/// No relations are declared; joins are written where they are needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
