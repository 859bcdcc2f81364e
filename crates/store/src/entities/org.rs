//! The organisation registry (单位库).

use sea_orm::entity::prelude::*;

/// A row of `orgs`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "orgs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Full name as on the official seal.
    pub name: String,
    /// The key names are compared by (`domain::text::name_key`): twins share it.
    pub name_key: Option<String>,
    /// Wire name of its kind.
    pub kind: String,
    /// Wire name of its level.
    pub level: String,
    /// Its division.
    pub region_code: String,
    /// Province of its division (for scope queries).
    pub province_code: Option<String>,
    /// City of its division.
    pub city_code: Option<String>,
    /// County of its division.
    pub county_code: Option<String>,
    /// The organisation it belongs to (its system).
    pub parent_id: Option<i64>,
    /// 统一社会信用代码.
    #[sea_orm(unique)]
    pub credit_code: Option<String>,
    /// `pending`, `certified` or `rejected`.
    pub status: String,
    /// Reason given with the last certification decision.
    pub status_reason: Option<String>,
    /// Certified by a national administrator (needed for the national level to count).
    pub national_certified: bool,
    /// Who decided.
    pub decided_by: Option<i64>,
    pub decided_at: Option<DateTimeUtc>,
    /// Who applied.
    pub created_by: Option<i64>,
    pub created_at: DateTimeUtc,
}

/// No relations are declared; joins are written where they are needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
