//! Statistics rollups: one count or sum per campaign, division and dimension value.

use sea_orm::entity::prelude::*;

/// A row of `stat_counts`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "stat_counts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub campaign_id: i64,
    /// Division code (`000000`: the nation).
    #[sea_orm(primary_key, auto_increment = false)]
    pub scope_code: String,
    /// Dimension (`status`, `section`, `audience`, `venue`, `mode`, `sum`).
    #[sea_orm(primary_key, auto_increment = false)]
    pub dim: String,
    /// Value of the dimension.
    #[sea_orm(primary_key, auto_increment = false)]
    pub key: String,
    /// Count or sum.
    pub n: i64,
}

/// No relations are declared; joins are written where they are needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
