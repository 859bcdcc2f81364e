//! Sessions (场次) of activities, each with its own place and time.

use sea_orm::entity::prelude::*;

/// A row of `activity_sessions`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "activity_sessions")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Activity.
    pub activity_id: i64,
    /// Order within the activity.
    pub position: i32,
    /// Start.
    pub start_at: Option<DateTimeUtc>,
    /// End.
    pub end_at: Option<DateTimeUtc>,
    /// Division.
    pub region_code: Option<String>,
    /// Province.
    pub province_code: Option<String>,
    /// City.
    pub city_code: Option<String>,
    /// County.
    pub county_code: Option<String>,
    /// Address.
    pub address: Option<String>,
    /// Longitude.
    pub lon: Option<f64>,
    /// Latitude.
    pub lat: Option<f64>,
}

/// No relations are declared; joins are written where they are needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
