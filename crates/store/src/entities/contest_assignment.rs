//! Who judges which entry, and that judge's score sheet for it.

use sea_orm::entity::prelude::*;

/// A row of `contest_assignments`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "contest_assignments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub contest_id: i64,
    /// The panel entry (`contest_judges.id`).
    pub judge_id: i64,
    pub entry_id: i64,
    /// `assigned`, `scored` or `recused`.
    pub state: String,
    /// Made by an administrator by hand (not by the automatic assignment).
    pub manual: bool,
    /// Scores by criterion key, as JSON (a draft may hold some).
    pub scores: Option<String>,
    /// Σ weight × score / 100, once every criterion is scored.
    pub total: Option<f64>,
    /// The judge's comment (never public).
    pub comment: Option<String>,
    /// Submitted: locked.
    pub submitted: bool,
    /// Why the judge stood aside.
    pub recusal_reason: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// No relations are declared; joins are written where they are needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
