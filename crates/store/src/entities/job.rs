//! Background jobs: claimed by one worker at a time, done once.

use sea_orm::entity::prelude::*;

/// A row of `jobs`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "jobs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Unique key: scheduling the same job twice is a no-op.
    pub key: String,
    pub kind: String,
    pub run_at: DateTimeUtc,
    /// Arguments, as JSON.
    #[sea_orm(column_type = "Text")]
    pub payload: String,
    /// Claimed by a worker until then.
    pub claimed_until: Option<DateTimeUtc>,
    /// Tries so far.
    pub attempts: i64,
    pub done_at: Option<DateTimeUtc>,
    /// What happened.
    pub outcome: Option<String>,
}

/// No relations are declared; joins are written where they are needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
