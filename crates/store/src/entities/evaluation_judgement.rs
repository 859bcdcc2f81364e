//! A judged score (0–100) of one indicator for one subject of a 考评方案, with its comment.

use sea_orm::entity::prelude::*;

/// A row of `evaluation_judgements`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "evaluation_judgements")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub scheme_id: i64,
    /// The subject: a division code, or `org:ID`.
    pub subject: String,
    /// The indicator's key.
    pub key: String,
    pub score: f64,
    #[sea_orm(column_type = "Text", nullable)]
    pub comment: Option<String>,
    pub judged_by: i64,
    pub at: DateTimeUtc,
}

/// No relations are declared; joins are written where they are needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
