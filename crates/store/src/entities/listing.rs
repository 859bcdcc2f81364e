//! The public list's index: one row per approved activity and division it is listed under
//! (the nation included), so that a page of a division (and section) is one index range in
//! the list's order, however rare the division's activities are among all.

use sea_orm::entity::prelude::*;

/// A row of `listings`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "listings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub activity_id: i64,
    /// A division code (`000000` for the nation).
    #[sea_orm(primary_key, auto_increment = false)]
    pub code: String,
    /// Section key.
    pub section: String,
    /// When the activity ends.
    pub end_at: DateTimeUtc,
}

/// No relations are declared; joins are written where they are needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
