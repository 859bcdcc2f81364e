//! Every division an activity lies in, through itself or any of its sessions.

use sea_orm::entity::prelude::*;

/// A row of `activity_regions`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "activity_regions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub activity_id: i64,
    /// A division code (province, city or county).
    #[sea_orm(primary_key, auto_increment = false)]
    pub code: String,
}

/// No relations are declared; joins are written where they are needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
