//! 活动补充信息: one per activity, as JSON (domain::supplement::Supplement).

use sea_orm::entity::prelude::*;

/// A row of `supplements`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "supplements")]
pub struct Model {
    /// The activity.
    #[sea_orm(primary_key, auto_increment = false)]
    pub activity_id: i64,
    /// The supplement, serialised.
    #[sea_orm(column_type = "Text")]
    pub data: String,
    /// Real participants (for eligibility and statistics).
    pub participants: Option<i64>,
    /// When it first became complete; cleared if it stops being complete.
    pub completed_at: Option<DateTimeUtc>,
    /// Whether it was completed by its deadline, decided when saved (none: saved before
    /// this was kept, decided from the campaign's rules when counted).
    pub on_time: Option<bool>,
    /// Last saved.
    pub updated_at: DateTimeUtc,
}

/// No relations are declared; joins are written where they are needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
