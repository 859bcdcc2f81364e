//! People, identified by their phone number.

use sea_orm::entity::prelude::*;

/// A row of `users`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Mainland mobile number, unique.
    #[sea_orm(unique)]
    pub phone: String,
    /// Name given at first login; none until then.
    pub name: Option<String>,
    /// When the account was made.
    pub created_at: DateTimeUtc,
    /// When a national administrator disabled the account; none while it is usable.
    pub disabled_at: Option<DateTimeUtc>,
    /// Whether the account has logged in with an SMS code (may vote).
    pub phone_verified: bool,
}

/// No relations are declared; joins are written where they are needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
