//! A judge on a video contest's panel: an `expert` account, with the organisation and region
//! that decide their conflicts of interest.

use sea_orm::entity::prelude::*;

/// A row of `contest_judges`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "contest_judges")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub contest_id: i64,
    /// The judge's account.
    pub user_id: i64,
    /// Their organisation.
    pub org_id: i64,
    /// Their region (six digits).
    pub region_code: String,
    /// The administrator who added them.
    pub added_by: i64,
    pub created_at: DateTimeUtc,
}

/// No relations are declared; joins are written where they are needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
