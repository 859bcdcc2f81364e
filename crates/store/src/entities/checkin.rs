//! A check-in that earned at least one stamp.

use sea_orm::entity::prelude::*;

/// A row of `checkins`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "checkins")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub user_id: i64,
    pub venue_id: i64,
    pub at: DateTimeUtc,
    /// Flags, comma-separated wire names (empty: none).
    pub flags: String,
    /// `counted`, `pending` (flagged, not reviewed) or `rejected`.
    pub state: String,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub accuracy_m: Option<f64>,
    pub reviewed_by: Option<i64>,
    pub reviewed_at: Option<DateTimeUtc>,
    pub review_reason: Option<String>,
}

/// No relations are declared; joins are written where they are needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
