//! 报名表: an entry of a video contest, its form kept whole as JSON (checked by
//! `domain::entry`), with what lists, limits and results need beside it.

use sea_orm::entity::prelude::*;

/// A row of `contest_entries`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "contest_entries")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub contest_id: i64,
    /// Who made it (the only one who may change or submit it).
    pub entrant_user_id: i64,
    /// `draft`, `submitted`, `accepted`, `returned`, `withdrawn` or `disqualified`.
    pub status: String,
    /// `domain::entry::EntryForm` as JSON.
    pub form: String,
    /// The recommending unit (unit mode), as last submitted; for `max_entries_per_unit` and
    /// for the unit's members to see it.
    pub unit_id: Option<i64>,
    /// The video's measured duration, width and height (as displayed), at submission.
    pub duration_seconds: Option<f64>,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub submitted_at: Option<DateTimeUtc>,
    /// When the entrant made the 作者承诺 (the pledge), and from which address; the account
    /// is `entrant_user_id`.
    pub pledged_at: Option<DateTimeUtc>,
    pub pledge_ip: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// Optimistic lock (`If-Match`).
    pub version: i64,
}

/// No relations are declared; joins are written where they are needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
