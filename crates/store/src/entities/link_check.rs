//! Reachability of a supplement's media report links, checked in the background.

use sea_orm::entity::prelude::*;

/// A row of `link_checks`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "link_checks")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub activity_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub url: String,
    /// Checked (none while waiting).
    pub checked_at: Option<DateTimeUtc>,
    /// Answered with a success status.
    pub reachable: Option<bool>,
    /// Status or error.
    pub detail: Option<String>,
}

/// No relations are declared; joins are written where they are needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
