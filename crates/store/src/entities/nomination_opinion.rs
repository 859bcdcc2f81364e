//! One level's opinion on a nomination.

use sea_orm::entity::prelude::*;

/// A row of `nomination_opinions`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "nomination_opinions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub nomination_id: i64,
    /// Level (`unit`, `county`, `city`, `province`, `national`).
    pub level: String,
    /// The division the level acted for (none for the unit).
    pub region_code: Option<String>,
    pub actor_id: i64,
    #[sea_orm(column_type = "Text")]
    pub opinion: String,
    /// `pass` or `stop`.
    pub decision: String,
    pub at: DateTimeUtc,
}

/// No relations are declared; joins are written where they are needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
