//! The public list's queries (活动列表): conditions and reads tuned for 1,000,000 activities
//! (see docs/PERFORMANCE.md). Which activities are public, and how a query's filters read,
//! is app's; this module turns them into SQL.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, Query};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, Order, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, QueryTrait, Select,
};

use crate::entities::activity::{Column, Entity, Model};
use crate::entities::{activity_region, activity_session, listing, org, region, stat_count};

/// Activities with their own point in the box, or a session's: ids from two indexed
/// ranges (`(lat, lon)` of activities and of sessions), so that no other row is read.
pub fn near_box(lon: (f64, f64), lat: (f64, f64)) -> Condition {
    let sessions_in_box = Query::select()
        .column(activity_session::Column::ActivityId)
        .from(activity_session::Entity)
        .and_where(Expr::col(activity_session::Column::Lat).between(lat.0, lat.1))
        .and_where(Expr::col(activity_session::Column::Lon).between(lon.0, lon.1))
        .to_owned();
    let in_box = Query::select()
        .column(Column::Id)
        .from(Entity)
        .and_where(Expr::col(Column::Lat).between(lat.0, lat.1))
        .and_where(Expr::col(Column::Lon).between(lon.0, lon.1))
        .union(sea_orm::sea_query::UnionType::Distinct, sessions_in_box)
        .to_owned();
    Condition::all().add(Column::Id.in_subquery(in_box))
}

/// The id and own point of every activity matching `filter` (no other column is read).
pub async fn points_matching(
    db: &impl ConnectionTrait,
    filter: Condition,
) -> Result<Vec<(i64, Option<f64>, Option<f64>)>, DbErr> {
    Entity::find()
        .select_only()
        .column(Column::Id)
        .column(Column::Lon)
        .column(Column::Lat)
        .filter(filter)
        .into_tuple()
        .all(db)
        .await
}

/// The sessions' points inside the box, by activity.
pub async fn session_points_in(
    db: &impl ConnectionTrait,
    lon: (f64, f64),
    lat: (f64, f64),
) -> Result<Vec<(i64, (f64, f64))>, DbErr> {
    let rows: Vec<(i64, f64, f64)> = activity_session::Entity::find()
        .select_only()
        .column(activity_session::Column::ActivityId)
        .column(activity_session::Column::Lon)
        .column(activity_session::Column::Lat)
        .filter(activity_session::Column::Lat.between(lat.0, lat.1))
        .filter(activity_session::Column::Lon.between(lon.0, lon.1))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, lon, lat)| (id, (lon, lat)))
        .collect())
}

/// "Listed under this division": a probe of `activity_regions` per row (`probe`, for a
/// division with many activities) or the list of its activity ids (for one with few).
pub fn within_division(code: &str, probe: bool) -> Condition {
    if probe {
        Condition::all().add(Expr::exists(
            Query::select()
                .expr(Expr::val(1))
                .from(activity_region::Entity)
                .and_where(
                    Expr::col((activity_region::Entity, activity_region::Column::ActivityId))
                        .equals((Entity, Column::Id)),
                )
                .and_where(Expr::col(activity_region::Column::Code).eq(code))
                .to_owned(),
        ))
    } else {
        Condition::all().add(
            Column::Id.in_subquery(
                Query::select()
                    .column(activity_region::Column::ActivityId)
                    .from(activity_region::Entity)
                    .and_where(Expr::col(activity_region::Column::Code).eq(code))
                    .to_owned(),
            ),
        )
    }
}

/// Which of `ids` match `filter`.
pub async fn ids_matching(
    db: &impl ConnectionTrait,
    filter: Condition,
    ids: Vec<i64>,
) -> Result<Vec<i64>, DbErr> {
    Entity::find()
        .filter(filter)
        .filter(Column::Id.is_in(ids))
        .select_only()
        .column(Column::Id)
        .into_tuple::<i64>()
        .all(db)
        .await
}

/// Every activity matching `filter` (a near-me box keeps this small).
pub async fn matching(db: &impl ConnectionTrait, filter: Condition) -> Result<Vec<Model>, DbErr> {
    Entity::find().filter(filter).all(db).await
}

/// The points of the sessions of these activities, by activity.
pub async fn session_points(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i64>,
) -> Result<Vec<(i64, (f64, f64))>, DbErr> {
    Ok(activity_session::Entity::find()
        .filter(activity_session::Column::ActivityId.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|s| Some((s.activity_id, s.lon.zip(s.lat)?)))
        .collect())
}

/// The list's index of one division: its section, what ended before `from`, and the
/// activities matching `filter` (probed per row) left out.
pub fn listed(
    code: &str,
    section: Option<&str>,
    from: Option<DateTime<Utc>>,
    filter: Option<Condition>,
) -> Select<listing::Entity> {
    let mut listed = listing::Entity::find().filter(listing::Column::Code.eq(code));
    if let Some(section) = section {
        listed = listed.filter(listing::Column::Section.eq(section));
    }
    if let Some(from) = from {
        listed = listed.filter(listing::Column::EndAt.gte(from));
    }
    if let Some(filter) = filter {
        listed = listed.filter(Expr::exists(
            Query::select()
                .expr(Expr::val(1))
                .from(Entity)
                .and_where(
                    Expr::col((Entity, Column::Id))
                        .equals((listing::Entity, listing::Column::ActivityId)),
                )
                .cond_where(filter)
                .to_owned(),
        ));
    }
    listed
}

/// The part of a list ending at or after `now` (`upcoming`) or before it.
pub fn ending(
    listed: Select<listing::Entity>,
    now: DateTime<Utc>,
    upcoming: bool,
) -> Select<listing::Entity> {
    if upcoming {
        listed.filter(listing::Column::EndAt.gte(now))
    } else {
        listed.filter(listing::Column::EndAt.lt(now))
    }
}

/// How many listings a part of the list holds.
pub async fn count(
    db: &impl ConnectionTrait,
    listed: Select<listing::Entity>,
) -> Result<u64, DbErr> {
    listed.count(db).await
}

/// The activities of a range of listings, in order of their end (then id).
pub async fn rows_in_order(
    db: &impl ConnectionTrait,
    listed: Select<listing::Entity>,
    order: Order,
    offset: u64,
    limit: u64,
) -> Result<Vec<Model>, DbErr> {
    let ids = listed
        .select_only()
        .column(listing::Column::ActivityId)
        .order_by(listing::Column::EndAt, order.clone())
        .order_by(listing::Column::ActivityId, order.clone())
        .offset(offset)
        .limit(limit)
        .into_query();
    let mut rows = Entity::find()
        .filter(Column::Id.in_subquery(ids))
        .all(db)
        .await?;
    rows.sort_by_key(|r| (r.end_at, r.id));
    if matches!(order, Order::Desc) {
        rows.reverse();
    }
    Ok(rows)
}

/// A rollup cell summed over campaigns.
pub async fn rollup_sum(
    db: &impl ConnectionTrait,
    scope: &str,
    dim: &str,
    key: &str,
) -> Result<i64, DbErr> {
    Ok(stat_count::Entity::find()
        .select_only()
        .column_as(sum_as_bigint(stat_count::Column::N), "n")
        .filter(stat_count::Column::ScopeCode.eq(scope))
        .filter(stat_count::Column::Dim.eq(dim))
        .filter(stat_count::Column::Key.eq(key))
        .into_tuple::<Option<i64>>()
        .one(db)
        .await?
        .flatten()
        .unwrap_or(0))
}

/// SUM as a BIGINT (a numeric on PostgreSQL otherwise), 0 for none.
fn sum_as_bigint(col: impl sea_orm::sea_query::IntoColumnRef) -> Expr {
    Expr::from(Func::cast_as(
        Func::coalesce([Expr::col(col).sum(), Expr::val(0)]),
        Alias::new("BIGINT"),
    ))
}

/// How many divisions of `level` have a positive cell `dim`/`key` (divisions with
/// activities listed).
pub async fn divisions_with(
    db: &impl ConnectionTrait,
    level: &str,
    dim: &str,
    key: &str,
) -> Result<i64, DbErr> {
    let of_level = Query::select()
        .column(region::Column::Code)
        .from(region::Entity)
        .and_where(Expr::col(region::Column::Level).eq(level))
        .to_owned();
    Ok(stat_count::Entity::find()
        .select_only()
        .column_as(
            Expr::col(stat_count::Column::ScopeCode).count_distinct(),
            "n",
        )
        .filter(stat_count::Column::Dim.eq(dim))
        .filter(stat_count::Column::Key.eq(key))
        .filter(stat_count::Column::N.gt(0))
        .filter(Expr::col(stat_count::Column::ScopeCode).in_subquery(of_level))
        .into_tuple::<i64>()
        .one(db)
        .await?
        .unwrap_or(0))
}

/// Up to 100 activities in `status` an organisation hosts first, newest first.
pub async fn hosted_by(
    db: &impl ConnectionTrait,
    org_id: i64,
    status: &str,
) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .filter(Column::Status.eq(status))
        .filter(Column::FirstHostId.eq(org_id))
        .order_by_desc(Column::StartAt)
        .limit(100)
        .all(db)
        .await
}

/// The venues (`kind`) among these organisations that are not `rejected`, by id.
pub async fn venues_among(
    db: &impl ConnectionTrait,
    ids: Vec<i64>,
    kind: &str,
    rejected: &str,
) -> Result<Vec<org::Model>, DbErr> {
    org::Entity::find()
        .filter(org::Column::Id.is_in(ids))
        .filter(org::Column::Kind.eq(kind))
        .filter(org::Column::Status.ne(rejected))
        .order_by_asc(org::Column::Id)
        .all(db)
        .await
}
