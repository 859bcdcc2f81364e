//! 打卡点: a place where visitors check in with the code its screen shows.

use sea_orm::entity::prelude::*;

/// A row of `venues`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "venues")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub name: String,
    pub address: String,
    /// The county's (or city's) code.
    pub region_code: String,
    pub province_code: Option<String>,
    pub city_code: Option<String>,
    pub county_code: Option<String>,
    /// WGS-84.
    pub lon: f64,
    pub lat: f64,
    /// The operating organisation.
    pub org_id: Option<i64>,
    pub venue_type: Option<String>,
    pub opening_hours: String,
    /// `off`, `flag` or `require`.
    pub geofence_mode: String,
    pub radius_m: i64,
    pub period_s: i64,
    pub digits: i64,
    pub grace_steps: i64,
    /// The TOTP secret, base32. Never answered after creation or rotation, never logged.
    pub secret: String,
    /// SHA-256 (hex) of the display page's key.
    pub display_key_hash: String,
    pub created_by: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i64,
    /// The stored key of the venue's own stamp image (a square PNG), if it uploaded one.
    pub stamp_image: Option<String>,
}

/// No relations are declared; joins are written where they are needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
