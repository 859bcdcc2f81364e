//! A key one work is known by (`sha256`, `url` or `title`), held by the entry that submitted
//! it while that entry is submitted, accepted or returned; unique per contest.

use sea_orm::entity::prelude::*;

/// A row of `contest_work_claims`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "contest_work_claims")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub contest_id: i64,
    /// `sha256`, `url` or `title`.
    pub kind: String,
    pub key: String,
    pub entry_id: i64,
}

/// No relations are declared; joins are written where they are needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
