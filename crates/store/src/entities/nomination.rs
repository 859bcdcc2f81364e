//! 推优: an activity or an organising unit recommended up the levels.

use sea_orm::entity::prelude::*;

/// A row of `nominations`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "nominations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub campaign_id: i64,
    /// `activity` or `org`.
    pub target_kind: String,
    /// The activity or organisation.
    pub target_id: i64,
    pub province_code: Option<String>,
    pub city_code: Option<String>,
    pub county_code: Option<String>,
    /// The highest level that has given its opinion.
    pub level: String,
    /// `open` (passed up), `stopped` or `final`.
    pub status: String,
    pub created_at: DateTimeUtc,
    /// Last opinion.
    pub updated_at: DateTimeUtc,
}

/// No relations are declared; joins are written where they are needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
