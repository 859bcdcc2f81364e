//! An entry's files: its video (checked against the contest's file rules by parsing) and
//! its signed or sealed form (a PDF).

use sea_orm::entity::prelude::*;

/// A row of `contest_entry_media`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "contest_entry_media")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub contest_id: i64,
    pub entry_id: i64,
    /// Who uploaded it.
    pub owner_id: i64,
    /// `video` or `signed_form`.
    pub kind: String,
    /// Key in the file store.
    pub storage_key: String,
    pub content_type: String,
    pub bytes: i64,
    /// SHA-256 of the bytes, lower-case hex (one work once per contest).
    pub sha256: String,
    /// Displayed width and height (after the rotation matrix), duration: videos only.
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub seconds: Option<f64>,
    /// mvhd's creation time, when the file gives one.
    pub made_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

/// No relations are declared; joins are written where they are needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
