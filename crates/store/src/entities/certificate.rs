//! 完成证书: one per visitor and route.

use sea_orm::entity::prelude::*;

/// A row of `certificates`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "certificates")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// `KP` + year + 10 base32 characters.
    pub serial: String,
    pub route_id: i64,
    pub user_id: i64,
    pub holder_name: String,
    pub issuer: String,
    pub completed_at: DateTimeUtc,
    pub issued_at: DateTimeUtc,
    /// `valid` or `revoked`.
    pub status: String,
    pub revoked_reason: Option<String>,
    pub revoked_by: Option<i64>,
    pub revoked_at: Option<DateTimeUtc>,
}

/// No relations are declared; joins are written where they are needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
