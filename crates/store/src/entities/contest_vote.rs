//! A public vote for a contest entry: who, the day it counts for (Asia/Shanghai), the
//! address it came from, and whether an administrator voided it.

use sea_orm::entity::prelude::*;

/// A row of `contest_votes`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "contest_votes")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub contest_id: i64,
    pub entry_id: i64,
    /// The voter's account (SMS-verified).
    pub user_id: i64,
    /// The Asia/Shanghai day it counts for, `YYYY-MM-DD`.
    pub day: String,
    /// The client's address.
    pub ip: String,
    pub at: DateTimeUtc,
    /// Voided by an administrator (not counted).
    pub voided: bool,
    pub void_reason: Option<String>,
}

/// No relations are declared; joins are written where they are needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
