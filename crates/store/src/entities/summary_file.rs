//! Photos, videos and slides attached to a 工作总结.

use sea_orm::entity::prelude::*;

/// A row of `summary_files`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "summary_files")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The summary.
    pub summary_id: i64,
    /// Who uploaded it.
    pub owner_id: i64,
    /// `photo`, `video` or `slides`.
    pub kind: String,
    /// The file name as uploaded.
    pub name: String,
    /// Where the file is stored.
    pub storage_key: String,
    /// MIME type found by inspection.
    pub content_type: String,
    pub bytes: i64,
    pub created_at: DateTimeUtc,
    /// Who agreed to be shown (`domain::consent::Consent`), for photos and videos.
    pub consent: Option<String>,
}

/// No relations are declared; joins are written where they are needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
