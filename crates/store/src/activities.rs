//! Activity rows (活动): reads and writes of the activity table that the use cases in
//! `app::activities`, exports and the demo need. Rules and authorisation stay in app; a
//! caller's area arrives here as a `Condition` and is applied in the query.

use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};

use crate::entities::activity::{Column, Entity, Model};
use crate::entities::supplement;

/// An activity by id.
pub async fn by_id(db: &impl ConnectionTrait, id: i64) -> Result<Option<Model>, DbErr> {
    Entity::find_by_id(id).one(db).await
}

/// Sets or clears the 拟推优 mark.
pub async fn set_excellence_intent(
    db: &impl ConnectionTrait,
    id: i64,
    intended: bool,
) -> Result<(), DbErr> {
    Entity::update_many()
        .col_expr(Column::ExcellenceIntent, Expr::value(intended))
        .filter(Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Up to `limit` activities matching `filter` whose supplement is complete, newest first.
pub async fn with_complete_supplement(
    db: &impl ConnectionTrait,
    filter: Condition,
    limit: u64,
) -> Result<Vec<Model>, DbErr> {
    let complete = Query::select()
        .column(supplement::Column::ActivityId)
        .from(supplement::Entity)
        .and_where(Expr::col(supplement::Column::CompletedAt).is_not_null())
        .to_owned();
    Entity::find()
        .filter(filter)
        .filter(Expr::col(Column::Id).in_subquery(complete))
        .order_by_desc(Column::Id)
        .limit(limit)
        .all(db)
        .await
}

/// How many activities there are, in any state.
pub async fn count(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    Entity::find().count(db).await
}

/// The activities with these ids (those that exist).
pub async fn by_ids(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i64>,
) -> Result<Vec<Model>, DbErr> {
    Entity::find().filter(Column::Id.is_in(ids)).all(db).await
}

/// Up to `limit` activities matching `filter` with an id above `after`, by id: one step of
/// a walk through a large set in constant memory.
pub async fn page_after(
    db: &impl ConnectionTrait,
    filter: Condition,
    after: i64,
    limit: u64,
) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .filter(filter)
        .filter(Column::Id.gt(after))
        .order_by_asc(Column::Id)
        .limit(limit)
        .all(db)
        .await
}
