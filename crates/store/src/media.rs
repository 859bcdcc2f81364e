//! Uploaded files' rows (图片、视频): what each activity holds, and the sweep of uploads
//! nothing names.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Expr, Func};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect,
};

use crate::entities::media::{ActiveModel, Column, Entity, Model};

/// How many files an activity holds and their total size in bytes.
pub async fn usage(db: &impl ConnectionTrait, activity_id: i64) -> Result<(u64, u64), DbErr> {
    let (files, stored): (Option<i64>, Option<i64>) = Entity::find()
        .select_only()
        .column_as(Column::Id.count(), "files")
        // SUM of a bigint is numeric on PostgreSQL: cast back.
        .column_as(
            Expr::from(Func::cast_as(
                Func::sum(Expr::col(Column::Bytes)),
                Alias::new("BIGINT"),
            )),
            "stored",
        )
        .filter(Column::ActivityId.eq(activity_id))
        .into_tuple()
        .one(db)
        .await?
        .unwrap_or_default();
    let count = |n: Option<i64>| u64::try_from(n.unwrap_or(0)).unwrap_or(0);
    Ok((count(files), count(stored)))
}

/// A stored file as it is recorded.
pub struct Stored {
    /// The activity it was uploaded to.
    pub activity_id: i64,
    /// Who uploaded it.
    pub owner_id: i64,
    /// `poster`, `photo`, `video` or `evidence`.
    pub kind: String,
    /// Where the file is kept.
    pub storage_key: String,
    /// Its media type.
    pub content_type: String,
    /// Its size.
    pub bytes: i64,
    /// An image's width.
    pub width: Option<i32>,
    /// An image's height.
    pub height: Option<i32>,
    /// A video's length.
    pub seconds: Option<f64>,
    /// When.
    pub created_at: DateTime<Utc>,
    /// The host's answer on the consent of the people shown.
    pub consent: Option<String>,
    /// A photo's capture time (EXIF).
    pub taken_at: Option<DateTime<Utc>>,
    /// A photo's (lat, lon) (EXIF).
    pub position: Option<(f64, f64)>,
    /// A photo's perceptual hash.
    pub phash: Option<u64>,
}

/// Records a stored file; its row.
pub async fn add(db: &impl ConnectionTrait, s: Stored) -> Result<Model, DbErr> {
    ActiveModel {
        activity_id: Set(s.activity_id),
        owner_id: Set(s.owner_id),
        kind: Set(s.kind),
        storage_key: Set(s.storage_key),
        content_type: Set(s.content_type),
        bytes: Set(s.bytes),
        width: Set(s.width),
        height: Set(s.height),
        seconds: Set(s.seconds),
        created_at: Set(s.created_at),
        consent: Set(s.consent),
        taken_at: Set(s.taken_at),
        gps_lat: Set(s.position.map(|p| p.0)),
        gps_lon: Set(s.position.map(|p| p.1)),
        phash: Set(s.phash.map(|h| h as i64)),
        phash_a: Set(s.phash.map(|h| domain::evidence::parts(h)[0])),
        phash_b: Set(s.phash.map(|h| domain::evidence::parts(h)[1])),
        phash_c: Set(s.phash.map(|h| domain::evidence::parts(h)[2])),
        phash_d: Set(s.phash.map(|h| domain::evidence::parts(h)[3])),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// Photos of activities other than `activity_id` sharing a part of `hash`: the candidates
/// for a near copy (the caller measures the distance).
pub async fn sharing_hash_part(
    db: &impl ConnectionTrait,
    activity_id: i64,
    hash: u64,
) -> Result<Vec<Model>, DbErr> {
    let [a, b, c, d] = domain::evidence::parts(hash);
    Entity::find()
        .filter(Column::ActivityId.ne(activity_id))
        .filter(
            sea_orm::Condition::any()
                .add(Column::PhashA.eq(a))
                .add(Column::PhashB.eq(b))
                .add(Column::PhashC.eq(c))
                .add(Column::PhashD.eq(d)),
        )
        .limit(200)
        .all(db)
        .await
}

/// Files by id.
pub async fn by_ids(db: &impl ConnectionTrait, ids: &[i64]) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .filter(Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await
}

/// A file by id.
pub async fn by_id(db: &impl ConnectionTrait, id: i64) -> Result<Option<Model>, DbErr> {
    Entity::find_by_id(id).one(db).await
}

/// A file its uploader may still discard: theirs and not yet settled.
pub async fn unsettled_of(
    db: &impl ConnectionTrait,
    id: i64,
    owner_id: i64,
) -> Result<Option<Model>, DbErr> {
    Entity::find_by_id(id)
        .filter(Column::OwnerId.eq(owner_id))
        .filter(Column::Settled.eq(false))
        .one(db)
        .await
}

/// Up to `limit` unsettled uploads made before `cutoff`, oldest first.
pub async fn unsettled_before(
    db: &impl ConnectionTrait,
    cutoff: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .filter(Column::Settled.eq(false))
        .filter(Column::CreatedAt.lt(cutoff))
        .order_by_asc(Column::Id)
        .limit(limit)
        .all(db)
        .await
}

/// Marks an upload settled: something names it, and the sweep never looks at it again.
pub async fn settle(db: &impl ConnectionTrait, id: i64) -> Result<(), DbErr> {
    Entity::update_many()
        .col_expr(Column::Settled, Expr::value(true))
        .filter(Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Deletes an upload's row if it is still unsettled.
pub async fn delete_unsettled(db: &impl ConnectionTrait, id: i64) -> Result<(), DbErr> {
    Entity::delete_many()
        .filter(Column::Id.eq(id))
        .filter(Column::Settled.eq(false))
        .exec(db)
        .await?;
    Ok(())
}

/// Deletes an upload's row.
pub async fn delete(db: &impl ConnectionTrait, id: i64) -> Result<(), DbErr> {
    Entity::delete_by_id(id).exec(db).await?;
    Ok(())
}
