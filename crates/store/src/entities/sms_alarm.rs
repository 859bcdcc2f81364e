//! An alarm raised by the SMS pumping watch: few logins for the codes sent, or one number
//! prefix asking for many codes.

use sea_orm::entity::prelude::*;

/// A row of `sms_alarms`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "sms_alarms")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// `low_completion` or `prefix_burst`.
    pub kind: String,
    /// What it is about: `all`, or the number prefix.
    pub subject: String,
    /// What was measured, in Chinese, for the admin page.
    pub detail: String,
    pub raised_at: DateTimeUtc,
}

/// No relations are declared; joins are written where they are needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
