//! A co-host's confirmation, by one of its members, that it takes part in an activity.

use sea_orm::entity::prelude::*;

/// A row of `host_confirmations`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "host_confirmations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub activity_id: i64,
    /// The organisation named as host or co-host.
    #[sea_orm(primary_key, auto_increment = false)]
    pub org_id: i64,
    /// The member who confirmed.
    pub user_id: i64,
    pub confirmed_at: DateTimeUtc,
}

/// No relations are declared; joins are written where they are needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
