//! An entry's history: who moved it, when, from and to which status, and why.

use sea_orm::entity::prelude::*;

/// A row of `contest_entry_transitions`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "contest_entry_transitions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub entry_id: i64,
    pub at: DateTimeUtc,
    pub actor_id: i64,
    /// None when the entry was made.
    pub from_status: Option<String>,
    pub to_status: String,
    pub reason: Option<String>,
}

/// No relations are declared; joins are written where they are needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
