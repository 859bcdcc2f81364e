//! Every check-in attempt, refused ones included, for review and for the limits.

use sea_orm::entity::prelude::*;

/// A row of `checkin_attempts`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "checkin_attempts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub at: DateTimeUtc,
    pub user_id: i64,
    pub venue_id: Option<i64>,
    /// `stamped`, `nothing_new`, a refusal's code (`code_invalid`, …), `rate_limited` or
    /// `daily_limit`.
    pub outcome: String,
    pub ip: String,
    pub user_agent: String,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub accuracy_m: Option<f64>,
}

/// No relations are declared; joins are written where they are needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
