//! Uploaded files, checked by decoding, attached only when named by their activity.

use sea_orm::entity::prelude::*;

/// A row of `media`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "media")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The activity it was uploaded to.
    pub activity_id: i64,
    /// Who uploaded it.
    pub owner_id: i64,
    /// `poster`, `photo`, `video` or `evidence`.
    pub kind: String,
    /// Key in the file store.
    pub storage_key: String,
    /// Detected content type.
    pub content_type: String,
    /// Size in bytes.
    pub bytes: i64,
    /// Width in pixels.
    pub width: Option<i32>,
    /// Height in pixels.
    pub height: Option<i32>,
    /// Duration of a video.
    pub seconds: Option<f64>,
    pub created_at: DateTimeUtc,
    /// Found attached after the grace period, so never checked again.
    pub settled: bool,
    /// The host's answer on the consent of the people shown (`nobody`, `adults`,
    /// `guardians`); none for posters and for files stored before it was asked.
    pub consent: Option<String>,
    /// When the photo was taken, from its original EXIF (private).
    pub taken_at: Option<DateTimeUtc>,
    /// Where, from its original EXIF (private; never in the stored file).
    pub gps_lat: Option<f64>,
    pub gps_lon: Option<f64>,
    /// Its 64-bit difference hash, and the hash's four 16-bit parts.
    pub phash: Option<i64>,
    pub phash_a: Option<i64>,
    pub phash_b: Option<i64>,
    pub phash_c: Option<i64>,
    pub phash_d: Option<i64>,
}

/// No relations are declared; joins are written where they are needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
