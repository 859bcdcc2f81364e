//! Every review transition: who, when, from, to, why; and the draft as submitted.

use sea_orm::entity::prelude::*;

/// A row of `activity_transitions`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "activity_transitions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub activity_id: i64,
    pub at: DateTimeUtc,
    pub actor_id: Option<i64>,
    /// From state.
    pub from_status: String,
    /// To state.
    pub to_status: String,
    /// Reason given.
    pub reason: Option<String>,
    /// The draft at a submission, for showing reviewers what changed.
    #[sea_orm(column_type = "Text", nullable)]
    pub snapshot: Option<String>,
}

/// No relations are declared; joins are written where they are needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
