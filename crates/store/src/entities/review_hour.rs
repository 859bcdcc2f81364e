//! Decision times: how many reviews of a campaign, in a province, at a level, took so many
//! whole hours from entering the review to its decision.

use sea_orm::entity::prelude::*;

/// A row of `review_hours`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "review_hours")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub campaign_id: i64,
    /// The activity's province.
    #[sea_orm(primary_key, auto_increment = false)]
    pub province_code: String,
    /// `province` or `national`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub level: String,
    /// Whole hours to the decision.
    #[sea_orm(primary_key, auto_increment = false)]
    pub hours: i64,
    /// Decisions.
    pub n: i64,
}

/// No relations are declared; joins are written where they are needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
