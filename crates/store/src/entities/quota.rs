//! 任务指标: a target of approved activities for a division or an organisation.

use sea_orm::entity::prelude::*;

/// A row of `quotas`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "quotas")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub campaign_id: i64,
    /// `region` or `org`.
    pub target_kind: String,
    /// Division code or organisation id.
    pub target_ref: String,
    /// Section key, or empty for all.
    pub section: String,
    /// What it counts: `activities` (approved ones) or `online_posts` (visible ones).
    pub measure: String,
    /// Target count.
    pub target: i64,
    /// An organisation counts its subordinate units too.
    pub include_system: bool,
    /// Province of the target.
    pub province_code: Option<String>,
    /// City of the target.
    pub city_code: Option<String>,
    /// County of the target.
    pub county_code: Option<String>,
    /// Who set it.
    pub set_by: i64,
    /// Last set.
    pub updated_at: DateTimeUtc,
}

/// No relations are declared; joins are written where they are needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
