//! A stop of a route: its number and its venue.

use sea_orm::entity::prelude::*;

/// A row of `route_stops`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "route_stops")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub route_id: i64,
    /// From 1, in the route's order.
    pub no: i64,
    pub venue_id: i64,
    pub note: String,
}

/// No relations are declared; joins are written where they are needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
