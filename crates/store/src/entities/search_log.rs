//! The change log the search index follows: one row per change to what is public.

use sea_orm::entity::prelude::*;

/// A row of `search_log`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "search_log")]
pub struct Model {
    /// Id, increasing: the index remembers the last one it applied.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The activity to (re)index or remove.
    pub activity_id: i64,
    pub at: DateTimeUtc,
}

/// No relations are declared; joins are written where they are needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
