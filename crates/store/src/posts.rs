//! 千万IP创科普 online posts: queries only; who may register, change or moderate a post, and
//! where, is the use case's to decide (its scope arrives here as a `Condition`).

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::entities::online_post::{self, Column, Entity, Model};

/// A post's columns as written.
pub struct PostColumns {
    pub platform: String,
    pub url: String,
    pub url_key: String,
    pub title: String,
    pub kind: String,
    pub published_at: DateTime<Utc>,
    pub activity_id: Option<i64>,
    pub metrics: Option<String>,
}

impl PostColumns {
    fn set(self, row: &mut online_post::ActiveModel) {
        row.platform = Set(self.platform);
        row.url = Set(self.url);
        row.url_key = Set(self.url_key);
        row.title = Set(self.title);
        row.kind = Set(self.kind);
        row.published_at = Set(self.published_at);
        row.activity_id = Set(self.activity_id);
        row.metrics = Set(self.metrics);
    }
}

/// Where a post is registered from.
pub struct PostOwner {
    pub campaign_id: i64,
    pub org_id: i64,
    pub region_code: String,
    pub province_code: Option<String>,
    pub city_code: Option<String>,
    pub county_code: Option<String>,
    pub created_by: i64,
}

/// Inserts a visible post (a unique violation when its link is registered in the campaign).
pub async fn insert(
    db: &impl ConnectionTrait,
    owner: PostOwner,
    columns: PostColumns,
    at: DateTime<Utc>,
) -> Result<Model, DbErr> {
    let mut row = online_post::ActiveModel {
        campaign_id: Set(owner.campaign_id),
        org_id: Set(owner.org_id),
        region_code: Set(owner.region_code),
        province_code: Set(owner.province_code),
        city_code: Set(owner.city_code),
        county_code: Set(owner.county_code),
        status: Set("visible".to_owned()),
        created_by: Set(owner.created_by),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    };
    columns.set(&mut row);
    row.insert(db).await
}

/// A post by id.
pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<Model>, DbErr> {
    Entity::find_by_id(id).one(db).await
}

/// Writes a post's columns if it belongs to one of `orgs`; whether it did.
pub async fn update_of(
    db: &impl ConnectionTrait,
    id: i64,
    orgs: Vec<i64>,
    columns: PostColumns,
    at: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let mut update = <online_post::ActiveModel as Default>::default();
    columns.set(&mut update);
    update.updated_at = Set(at);
    let result = Entity::update_many()
        .set(update)
        .filter(Column::Id.eq(id))
        .filter(Column::OrgId.is_in(orgs))
        .exec(db)
        .await?;
    Ok(result.rows_affected > 0)
}

/// Deletes a post if it belongs to one of `orgs`; the row deleted.
pub async fn delete_of(
    db: &impl ConnectionTrait,
    id: i64,
    orgs: Vec<i64>,
) -> Result<Option<Model>, DbErr> {
    let Some(row) = Entity::find_by_id(id)
        .filter(Column::OrgId.is_in(orgs))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    Entity::delete_by_id(id).exec(db).await?;
    Ok(Some(row))
}

/// Hides or shows a post within `scope`; whether it did.
pub async fn moderate(
    db: &impl ConnectionTrait,
    id: i64,
    scope: Condition,
    status: &str,
    reason: Option<String>,
    at: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = Entity::update_many()
        .col_expr(Column::Status, Expr::val(status))
        .col_expr(Column::HiddenReason, Expr::val(reason))
        .col_expr(Column::UpdatedAt, Expr::val(at))
        .filter(Column::Id.eq(id))
        .filter(scope)
        .exec(db)
        .await?;
    Ok(result.rows_affected > 0)
}

/// A page of posts matching `filter`, newest first; and how many match.
pub async fn page(
    db: &impl ConnectionTrait,
    filter: Condition,
    offset: u64,
    limit: u64,
) -> Result<(Vec<Model>, u64), DbErr> {
    let total = Entity::find().filter(filter.clone()).count(db).await?;
    let rows = Entity::find()
        .filter(filter)
        .order_by_desc(Column::PublishedAt)
        .order_by_desc(Column::Id)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await?;
    Ok((rows, total))
}

/// Visible posts of a campaign matching `filter` (an area, or organisations), counted.
pub async fn count_visible(
    db: &impl ConnectionTrait,
    campaign_id: i64,
    filter: Condition,
) -> Result<u64, DbErr> {
    Entity::find()
        .filter(Column::CampaignId.eq(campaign_id))
        .filter(Column::Status.eq("visible"))
        .filter(filter)
        .count(db)
        .await
}

/// Visible posts matching `filter`, counted by platform and kind.
pub async fn counts(
    db: &impl ConnectionTrait,
    filter: Condition,
) -> Result<Vec<(String, String, i64)>, DbErr> {
    Entity::find()
        .select_only()
        .column(Column::Platform)
        .column(Column::Kind)
        .column_as(Column::Id.count(), "n")
        .filter(filter)
        .filter(Column::Status.eq("visible"))
        .group_by(Column::Platform)
        .group_by(Column::Kind)
        .into_tuple()
        .all(db)
        .await
}
