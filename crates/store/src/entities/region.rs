//! Administrative divisions (行政区划).

use sea_orm::entity::prelude::*;

/// A row of `regions`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "regions")]
pub struct Model {
    /// Six-digit code.
    #[sea_orm(primary_key, auto_increment = false)]
    pub code: String,
    /// Official name.
    pub name: String,
    /// `province`, `city` or `county`.
    pub level: String,
    /// The division one level up; none for a province.
    pub parent_code: Option<String>,
    /// WGS-84 longitude of a representative point.
    pub longitude: f64,
    /// WGS-84 latitude.
    pub latitude: f64,
    /// `exact`, `parent` (borrowed from an ancestor) or `admin` (added by an administrator).
    pub coordinate_source: String,
}

/// No relations are declared; joins are written where they are needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
