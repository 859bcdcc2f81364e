//! The publicity resource library: queries only. Who manages which resources arrives here
//! as a `Condition` over `resources`, applied in the query itself.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait,
    TransactionSession, TransactionTrait,
};

use crate::entities::{resource, resource_download, resource_file};

/// A new resource's columns.
pub struct NewResource {
    pub campaign_id: i64,
    pub province_code: Option<String>,
    pub kind: String,
    pub title: String,
    pub description: String,
    pub usage_note: String,
    /// JSON list.
    pub tags: String,
    pub created_by: i64,
}

/// Inserts a draft.
pub async fn insert(
    db: &impl ConnectionTrait,
    new: NewResource,
    at: DateTime<Utc>,
) -> Result<resource::Model, DbErr> {
    resource::ActiveModel {
        campaign_id: Set(new.campaign_id),
        province_code: Set(new.province_code),
        kind: Set(new.kind),
        title: Set(new.title),
        description: Set(new.description),
        usage_note: Set(new.usage_note),
        tags: Set(new.tags),
        status: Set("draft".to_owned()),
        created_by: Set(new.created_by),
        created_at: Set(at),
        updated_at: Set(at),
        published_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// A resource by id.
pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<resource::Model>, DbErr> {
    resource::Entity::find_by_id(id).one(db).await
}

/// A resource by id, if it lies within `scope`.
pub async fn find_in(
    db: &impl ConnectionTrait,
    id: i64,
    scope: Condition,
) -> Result<Option<resource::Model>, DbErr> {
    resource::Entity::find_by_id(id).filter(scope).one(db).await
}

/// Publishes a resource within `scope` that has at least one file; whether it did.
pub async fn publish_in(
    db: &impl ConnectionTrait,
    id: i64,
    scope: Condition,
    at: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let has_files = resource_file::Entity::find()
        .select_only()
        .column(resource_file::Column::Id)
        .filter(resource_file::Column::ResourceId.eq(id))
        .limit(1)
        .into_query();
    let result = resource::Entity::update_many()
        .col_expr(resource::Column::Status, Expr::val("published"))
        .col_expr(resource::Column::PublishedAt, Expr::val(at))
        .col_expr(resource::Column::UpdatedAt, Expr::val(at))
        .filter(resource::Column::Id.eq(id))
        .filter(resource::Column::Status.eq("draft"))
        .filter(Expr::exists(has_files))
        .filter(scope)
        .exec(db)
        .await?;
    Ok(result.rows_affected > 0)
}

/// Deletes a resource within `scope`, with its files' rows and their download counts; the
/// resource and its files' storage keys (for the files to be removed after the commit).
pub async fn delete_in(
    db: &impl TransactionTrait,
    id: i64,
    scope: Condition,
) -> Result<Option<(resource::Model, Vec<String>)>, DbErr> {
    let txn = db.begin().await?;
    let Some(row) = find_in(&txn, id, scope).await? else {
        return Ok(None);
    };
    let files = files_of(&txn, vec![id]).await?;
    let ids: Vec<i64> = files.iter().map(|f| f.id).collect();
    resource_download::Entity::delete_many()
        .filter(resource_download::Column::FileId.is_in(ids))
        .exec(&txn)
        .await?;
    resource_file::Entity::delete_many()
        .filter(resource_file::Column::ResourceId.eq(id))
        .exec(&txn)
        .await?;
    resource::Entity::delete_by_id(id).exec(&txn).await?;
    txn.commit().await?;
    Ok(Some((
        row,
        files.into_iter().map(|f| f.storage_key).collect(),
    )))
}

/// A page of resources matching `filter`, newest first; and how many match.
pub async fn page(
    db: &impl ConnectionTrait,
    filter: Condition,
    offset: u64,
    limit: u64,
) -> Result<(Vec<resource::Model>, u64), DbErr> {
    let total = resource::Entity::find()
        .filter(filter.clone())
        .count(db)
        .await?;
    let rows = resource::Entity::find()
        .filter(filter)
        .order_by_desc(resource::Column::UpdatedAt)
        .order_by_desc(resource::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await?;
    Ok((rows, total))
}

/// The files of these resources, oldest first.
pub async fn files_of(
    db: &impl ConnectionTrait,
    resources: Vec<i64>,
) -> Result<Vec<resource_file::Model>, DbErr> {
    resource_file::Entity::find()
        .filter(resource_file::Column::ResourceId.is_in(resources))
        .order_by_asc(resource_file::Column::Id)
        .all(db)
        .await
}

/// A file of a resource.
pub async fn file(
    db: &impl ConnectionTrait,
    resource_id: i64,
    file_id: i64,
) -> Result<Option<resource_file::Model>, DbErr> {
    resource_file::Entity::find_by_id(file_id)
        .filter(resource_file::Column::ResourceId.eq(resource_id))
        .one(db)
        .await
}

/// A new file's columns.
pub struct NewFile {
    pub name: String,
    pub format: String,
    pub content_type: String,
    pub bytes: i64,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub seconds: Option<f64>,
    pub storage_key: String,
    pub etag: String,
}

/// Records a stored file of a resource within `scope` holding fewer than `max_files`
/// files; `Err(n)` with the files it holds when it is full, `Ok(None)` when the resource
/// is gone or out of scope.
pub async fn add_file_in(
    db: &impl TransactionTrait,
    resource_id: i64,
    scope: Condition,
    max_files: u64,
    new: NewFile,
    at: DateTime<Utc>,
) -> Result<Result<Option<resource_file::Model>, u64>, DbErr> {
    let txn = db.begin().await?;
    if find_in(&txn, resource_id, scope).await?.is_none() {
        return Ok(Ok(None));
    }
    let held = resource_file::Entity::find()
        .filter(resource_file::Column::ResourceId.eq(resource_id))
        .count(&txn)
        .await?;
    if held >= max_files {
        return Ok(Err(held));
    }
    let row = resource_file::ActiveModel {
        resource_id: Set(resource_id),
        name: Set(new.name),
        format: Set(new.format),
        content_type: Set(new.content_type),
        bytes: Set(new.bytes),
        width: Set(new.width),
        height: Set(new.height),
        seconds: Set(new.seconds),
        storage_key: Set(new.storage_key),
        etag: Set(new.etag),
        downloads: Set(0),
        created_at: Set(at),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    resource::Entity::update_many()
        .col_expr(resource::Column::UpdatedAt, Expr::val(at))
        .filter(resource::Column::Id.eq(resource_id))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(Ok(Some(row)))
}

/// Counts a download of `file_id` by `address_key` on `day`, once: whether it counted.
pub async fn count_download(
    db: &impl TransactionTrait,
    file_id: i64,
    day: &str,
    address_key: &str,
) -> Result<bool, DbErr> {
    let txn = db.begin().await?;
    let inserted = resource_download::Entity::insert(resource_download::ActiveModel {
        file_id: Set(file_id),
        day: Set(day.to_owned()),
        address_key: Set(address_key.to_owned()),
        ..Default::default()
    })
    .on_conflict(
        sea_orm::sea_query::OnConflict::columns([
            resource_download::Column::FileId,
            resource_download::Column::Day,
            resource_download::Column::AddressKey,
        ])
        .do_nothing()
        .to_owned(),
    )
    .exec_without_returning(&txn)
    .await?;
    if inserted == 0 {
        return Ok(false);
    }
    resource_file::Entity::update_many()
        .col_expr(
            resource_file::Column::Downloads,
            Expr::col(resource_file::Column::Downloads).add(1),
        )
        .filter(resource_file::Column::Id.eq(file_id))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(true)
}

/// Of these resources, the ids within `scope`.
pub async fn ids_within(
    db: &impl ConnectionTrait,
    ids: Vec<i64>,
    scope: Condition,
) -> Result<Vec<i64>, DbErr> {
    resource::Entity::find()
        .select_only()
        .column(resource::Column::Id)
        .filter(resource::Column::Id.is_in(ids))
        .filter(scope)
        .into_tuple()
        .all(db)
        .await
}

/// Deletes the download records of days before `day`; how many.
pub async fn purge_downloads_before(db: &impl ConnectionTrait, day: &str) -> Result<u64, DbErr> {
    Ok(resource_download::Entity::delete_many()
        .filter(resource_download::Column::Day.lt(day))
        .exec(db)
        .await?
        .rows_affected)
}
