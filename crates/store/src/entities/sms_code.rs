//! Login codes sent by SMS, stored only as hashes; also the durable record the send limits count.

use sea_orm::entity::prelude::*;

/// A row of `sms_codes`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "sms_codes")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Phone it was sent to.
    pub phone: String,
    /// SHA-256 of phone and code, hex.
    pub code_hash: String,
    /// Client address that asked for it.
    pub ip: String,
    pub created_at: DateTimeUtc,
    /// Stops working.
    pub expires_at: DateTimeUtc,
    /// Used (or voided) at.
    pub used_at: Option<DateTimeUtc>,
    /// When this code completed a login (a used code may also have been voided).
    pub verified_at: Option<DateTimeUtc>,
}

/// No relations are declared; joins are written where they are needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
