//! A file of a publicity resource.

use sea_orm::entity::prelude::*;

/// A row of `resource_files`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "resource_files")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub resource_id: i64,
    /// The name it downloads under.
    pub name: String,
    /// The format found in its content (`png`, `svg`, `docx`, …).
    pub format: String,
    pub content_type: String,
    pub bytes: i64,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub seconds: Option<f64>,
    pub storage_key: String,
    /// A strong validator: the SHA-256 of the content, hex.
    pub etag: String,
    /// Downloads counted (one per address and day).
    pub downloads: i64,
    pub created_at: DateTimeUtc,
}

/// No relations are declared; joins are written where they are needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
