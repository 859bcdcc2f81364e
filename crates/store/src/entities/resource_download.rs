//! A download counted: one per file, day and address (kept as a keyed hash, never the
//! address itself).

use sea_orm::entity::prelude::*;

/// A row of `resource_downloads`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "resource_downloads")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub file_id: i64,
    /// The Beijing date, `YYYY-MM-DD`.
    pub day: String,
    /// HMAC-SHA256 of the address under the server's key, hex.
    pub address_key: String,
}

/// No relations are declared; joins are written where they are needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
