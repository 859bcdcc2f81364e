//! A stamp: a visitor's stop on a route, earned by a check-in.

use sea_orm::entity::prelude::*;

/// A row of `stamps`. At most one stamp that is not rejected per visitor, route and stop.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "stamps")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub user_id: i64,
    pub route_id: i64,
    pub no: i64,
    pub venue_id: i64,
    pub checkin_id: i64,
    pub at: DateTimeUtc,
    /// `counted`, `pending` or `rejected`.
    pub state: String,
}

/// No relations are declared; joins are written where they are needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
