//! 工作总结: one per campaign and scope.

use sea_orm::entity::prelude::*;

/// A row of `summaries`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "summaries")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub campaign_id: i64,
    /// Scope kind (`unit`, `county`, `city`, `society`, `province`).
    pub scope_kind: String,
    /// Organisation id or division code.
    pub scope_ref: String,
    /// Province of the scope.
    pub province_code: Option<String>,
    /// City of the scope.
    pub city_code: Option<String>,
    /// County of the scope.
    pub county_code: Option<String>,
    /// The summary, as JSON.
    #[sea_orm(column_type = "Text")]
    pub data: String,
    pub author_id: i64,
    /// Submitted (none while a draft).
    pub submitted_at: Option<DateTimeUtc>,
    /// Last saved.
    pub updated_at: DateTimeUtc,
}

/// No relations are declared; joins are written where they are needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
