//! Campaigns (活动季): a year's rules for a scope, one of them current. Queries only; who
//! may configure one is the use case's to decide.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder,
};

use crate::entities::campaign::{ActiveModel, Column, Entity, Model};

/// How many current campaigns `region_code` has.
pub async fn count_current(db: &impl ConnectionTrait, region_code: &str) -> Result<u64, DbErr> {
    Entity::find()
        .filter(Column::RegionCode.eq(region_code))
        .filter(Column::IsCurrent.eq(true))
        .count(db)
        .await
}

/// The newest current campaign of `region_code`.
pub async fn current(db: &impl ConnectionTrait, region_code: &str) -> Result<Option<Model>, DbErr> {
    Entity::find()
        .filter(Column::RegionCode.eq(region_code))
        .filter(Column::IsCurrent.eq(true))
        .order_by_desc(Column::Id)
        .one(db)
        .await
}

/// The campaign with this id.
pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<Model>, DbErr> {
    Entity::find_by_id(id).one(db).await
}

/// Makes every campaign of `region_code` no longer current.
pub async fn clear_current(db: &impl ConnectionTrait, region_code: &str) -> Result<(), DbErr> {
    Entity::update_many()
        .col_expr(Column::IsCurrent, Expr::value(false))
        .filter(Column::RegionCode.eq(region_code))
        .exec(db)
        .await?;
    Ok(())
}

/// Inserts a campaign; `rules` is its rules as JSON.
pub async fn add(
    db: &impl ConnectionTrait,
    at: DateTime<Utc>,
    year: i32,
    region_code: &str,
    current: bool,
    rules: String,
) -> Result<Model, DbErr> {
    ActiveModel {
        year: Set(year),
        region_code: Set(region_code.to_owned()),
        is_current: Set(current),
        rules: Set(rules),
        created_at: Set(at),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// The ids of the campaigns of `year` or before.
pub async fn ids_up_to_year(db: &impl ConnectionTrait, year: i32) -> Result<Vec<i64>, DbErr> {
    Ok(Entity::find()
        .filter(Column::Year.lte(year))
        .all(db)
        .await?
        .into_iter()
        .map(|c| c.id)
        .collect())
}
