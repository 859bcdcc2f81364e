//! 科普主题线路: ordered stops over venues, with a window and a completion rule.

use sea_orm::entity::prelude::*;

/// A row of `routes`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "routes")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub name: String,
    pub theme: String,
    /// Sanitised rich text.
    pub description: String,
    /// The route's area (`000000`: the whole country).
    pub region_code: String,
    pub province_code: Option<String>,
    pub city_code: Option<String>,
    pub county_code: Option<String>,
    pub campaign_id: i64,
    pub activity_id: Option<i64>,
    /// First day, `YYYY-MM-DD` (Asia/Shanghai).
    pub from_date: String,
    /// Last day.
    pub to_date: String,
    pub sequential: bool,
    pub complete_at: i64,
    pub issuer: String,
    pub max_speed_kmh: Option<i64>,
    pub max_checkins_per_day: i64,
    /// `draft`, `published` or `closed`.
    pub status: String,
    pub created_by: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i64,
}

/// No relations are declared; joins are written where they are needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
