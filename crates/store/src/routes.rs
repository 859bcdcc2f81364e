//! 科普主题线路 and 打卡: venues, routes and their stops, check-ins, every attempt, stamps and
//! certificates. Queries only; who may act, and where, arrives as a `Condition`.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Statement,
};

use crate::entities::{
    certificate, checkin, checkin_attempt, route, route_stop, stamp, user, venue,
};

/// A venue's columns as written (everything but its keys, creator and version).
pub struct VenueColumns {
    pub name: String,
    pub address: String,
    pub region_code: String,
    pub province_code: Option<String>,
    pub city_code: Option<String>,
    pub county_code: Option<String>,
    pub lon: f64,
    pub lat: f64,
    pub org_id: Option<i64>,
    pub venue_type: Option<String>,
    pub opening_hours: String,
    pub geofence_mode: String,
    pub radius_m: i64,
    pub period_s: i64,
    pub digits: i64,
    pub grace_steps: i64,
}

impl VenueColumns {
    fn set(self, row: &mut venue::ActiveModel, at: DateTime<Utc>) {
        row.name = Set(self.name);
        row.address = Set(self.address);
        row.region_code = Set(self.region_code);
        row.province_code = Set(self.province_code);
        row.city_code = Set(self.city_code);
        row.county_code = Set(self.county_code);
        row.lon = Set(self.lon);
        row.lat = Set(self.lat);
        row.org_id = Set(self.org_id);
        row.venue_type = Set(self.venue_type);
        row.opening_hours = Set(self.opening_hours);
        row.geofence_mode = Set(self.geofence_mode);
        row.radius_m = Set(self.radius_m);
        row.period_s = Set(self.period_s);
        row.digits = Set(self.digits);
        row.grace_steps = Set(self.grace_steps);
        row.updated_at = Set(at);
    }
}

/// Inserts a venue at version 1 with its keys; its row.
pub async fn insert_venue(
    db: &impl ConnectionTrait,
    columns: VenueColumns,
    secret: String,
    display_key_hash: String,
    created_by: i64,
    at: DateTime<Utc>,
) -> Result<venue::Model, DbErr> {
    let mut row = venue::ActiveModel {
        secret: Set(secret),
        display_key_hash: Set(display_key_hash),
        created_by: Set(created_by),
        created_at: Set(at),
        version: Set(1),
        ..Default::default()
    };
    columns.set(&mut row, at);
    row.insert(db).await
}

/// A venue by id.
pub async fn venue(db: &impl ConnectionTrait, id: i64) -> Result<Option<venue::Model>, DbErr> {
    venue::Entity::find_by_id(id).one(db).await
}

/// A venue by id, if it lies within `scope`.
pub async fn venue_within(
    db: &impl ConnectionTrait,
    id: i64,
    scope: Condition,
) -> Result<Option<venue::Model>, DbErr> {
    venue::Entity::find_by_id(id).filter(scope).one(db).await
}

/// Venues by id, in no particular order.
pub async fn venues(db: &impl ConnectionTrait, ids: Vec<i64>) -> Result<Vec<venue::Model>, DbErr> {
    venue::Entity::find()
        .filter(venue::Column::Id.is_in(ids))
        .all(db)
        .await
}

/// Writes a venue's columns if it is still at `version` and within `scope`, moving it to
/// the next version; whether it was.
pub async fn update_venue_at_version(
    db: &impl ConnectionTrait,
    id: i64,
    version: i64,
    scope: Condition,
    columns: VenueColumns,
    at: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let mut update = <venue::ActiveModel as Default>::default();
    columns.set(&mut update, at);
    update.version = Set(version.saturating_add(1));
    let result = venue::Entity::update_many()
        .set(update)
        .filter(venue::Column::Id.eq(id))
        .filter(venue::Column::Version.eq(version))
        .filter(scope)
        .exec(db)
        .await?;
    Ok(result.rows_affected > 0)
}

/// Replaces a venue's secret and display key (hash), if it lies within `scope`; whether it
/// did.
pub async fn set_venue_secret(
    db: &impl ConnectionTrait,
    id: i64,
    scope: Condition,
    secret: String,
    display_key_hash: String,
    at: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = venue::Entity::update_many()
        .col_expr(venue::Column::Secret, Expr::val(secret))
        .col_expr(venue::Column::DisplayKeyHash, Expr::val(display_key_hash))
        .col_expr(venue::Column::UpdatedAt, Expr::val(at))
        .filter(venue::Column::Id.eq(id))
        .filter(scope)
        .exec(db)
        .await?;
    Ok(result.rows_affected > 0)
}

/// Sets (or, with `None`, removes) a venue's stamp image, if it lies within `scope`; the key
/// it replaces, or `None` when the venue is not there or not within `scope` (the outer
/// `Option`).
pub async fn set_stamp_image(
    db: &impl ConnectionTrait,
    id: i64,
    scope: Condition,
    key: Option<String>,
    at: DateTime<Utc>,
) -> Result<Option<Option<String>>, DbErr> {
    let Some(before) = venue_within(db, id, scope.clone()).await? else {
        return Ok(None);
    };
    let result = venue::Entity::update_many()
        .col_expr(venue::Column::StampImage, Expr::val(key))
        .col_expr(venue::Column::UpdatedAt, Expr::val(at))
        .filter(venue::Column::Id.eq(id))
        .filter(scope)
        .exec(db)
        .await?;
    Ok((result.rows_affected > 0).then_some(before.stamp_image))
}

/// The published routes holding a venue: (id, name).
pub async fn published_routes_of_venue(
    db: &impl ConnectionTrait,
    venue_id: i64,
) -> Result<Vec<(i64, String)>, DbErr> {
    let stops = Query::select()
        .column(route_stop::Column::RouteId)
        .from(route_stop::Entity)
        .and_where(Expr::col(route_stop::Column::VenueId).eq(venue_id))
        .to_owned();
    let rows = route::Entity::find()
        .filter(route::Column::Status.eq("published"))
        .filter(route::Column::Id.in_subquery(stops))
        .order_by_asc(route::Column::Id)
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.name)).collect())
}

/// A route's columns as written (everything but its status, creator and version).
pub struct RouteColumns {
    pub name: String,
    pub theme: String,
    pub description: String,
    pub region_code: String,
    pub province_code: Option<String>,
    pub city_code: Option<String>,
    pub county_code: Option<String>,
    pub campaign_id: i64,
    pub activity_id: Option<i64>,
    pub from_date: String,
    pub to_date: String,
    pub sequential: bool,
    pub complete_at: i64,
    pub issuer: String,
    pub max_speed_kmh: Option<i64>,
    pub max_checkins_per_day: i64,
}

impl RouteColumns {
    fn set(self, row: &mut route::ActiveModel) {
        row.name = Set(self.name);
        row.theme = Set(self.theme);
        row.description = Set(self.description);
        row.region_code = Set(self.region_code);
        row.province_code = Set(self.province_code);
        row.city_code = Set(self.city_code);
        row.county_code = Set(self.county_code);
        row.campaign_id = Set(self.campaign_id);
        row.activity_id = Set(self.activity_id);
        row.from_date = Set(self.from_date);
        row.to_date = Set(self.to_date);
        row.sequential = Set(self.sequential);
        row.complete_at = Set(self.complete_at);
        row.issuer = Set(self.issuer);
        row.max_speed_kmh = Set(self.max_speed_kmh);
        row.max_checkins_per_day = Set(self.max_checkins_per_day);
    }
}

/// Inserts a route at version 1 in `status`, and its stops; the route's row.
pub async fn insert_route(
    db: &impl ConnectionTrait,
    columns: RouteColumns,
    status: &str,
    created_by: i64,
    at: DateTime<Utc>,
    stops: Vec<(i64, String)>,
) -> Result<route::Model, DbErr> {
    let mut row = route::ActiveModel {
        status: Set(status.to_owned()),
        created_by: Set(created_by),
        created_at: Set(at),
        updated_at: Set(at),
        version: Set(1),
        ..Default::default()
    };
    columns.set(&mut row);
    let row = row.insert(db).await?;
    replace_stops(db, row.id, stops).await?;
    Ok(row)
}

/// Replaces a route's stops with `stops` (venue, note), numbered from 1.
pub async fn replace_stops(
    db: &impl ConnectionTrait,
    route_id: i64,
    stops: Vec<(i64, String)>,
) -> Result<(), DbErr> {
    route_stop::Entity::delete_many()
        .filter(route_stop::Column::RouteId.eq(route_id))
        .exec(db)
        .await?;
    if stops.is_empty() {
        return Ok(());
    }
    let rows = stops
        .into_iter()
        .zip(1_i64..)
        .map(|((venue_id, note), no)| route_stop::ActiveModel {
            route_id: Set(route_id),
            no: Set(no),
            venue_id: Set(venue_id),
            note: Set(note),
            ..Default::default()
        });
    route_stop::Entity::insert_many(rows)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// A route by id.
pub async fn route(db: &impl ConnectionTrait, id: i64) -> Result<Option<route::Model>, DbErr> {
    route::Entity::find_by_id(id).one(db).await
}

/// A route by id, if it lies within `scope`.
pub async fn route_within(
    db: &impl ConnectionTrait,
    id: i64,
    scope: Condition,
) -> Result<Option<route::Model>, DbErr> {
    route::Entity::find_by_id(id).filter(scope).one(db).await
}

/// The routes among `ids` that lie within `scope`.
pub async fn routes_within(
    db: &impl ConnectionTrait,
    ids: Vec<i64>,
    scope: Condition,
) -> Result<Vec<route::Model>, DbErr> {
    route::Entity::find()
        .filter(route::Column::Id.is_in(ids))
        .filter(scope)
        .all(db)
        .await
}

/// A route's stops, in order.
pub async fn stops(
    db: &impl ConnectionTrait,
    route_id: i64,
) -> Result<Vec<route_stop::Model>, DbErr> {
    route_stop::Entity::find()
        .filter(route_stop::Column::RouteId.eq(route_id))
        .order_by_asc(route_stop::Column::No)
        .all(db)
        .await
}

/// The stops of several routes, by route and number.
pub async fn stops_of(
    db: &impl ConnectionTrait,
    route_ids: Vec<i64>,
) -> Result<Vec<route_stop::Model>, DbErr> {
    route_stop::Entity::find()
        .filter(route_stop::Column::RouteId.is_in(route_ids))
        .order_by_asc(route_stop::Column::RouteId)
        .order_by_asc(route_stop::Column::No)
        .all(db)
        .await
}

/// Writes a route's columns (when given) and status (when given) if it is still at
/// `version` and within `scope`, moving it to the next version; whether it was.
pub async fn update_route_at_version(
    db: &impl ConnectionTrait,
    id: i64,
    version: i64,
    scope: Condition,
    columns: Option<RouteColumns>,
    status: Option<&str>,
    at: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let mut update = <route::ActiveModel as Default>::default();
    if let Some(columns) = columns {
        columns.set(&mut update);
    }
    if let Some(status) = status {
        update.status = Set(status.to_owned());
    }
    update.updated_at = Set(at);
    update.version = Set(version.saturating_add(1));
    let result = route::Entity::update_many()
        .set(update)
        .filter(route::Column::Id.eq(id))
        .filter(route::Column::Version.eq(version))
        .filter(scope)
        .exec(db)
        .await?;
    Ok(result.rows_affected > 0)
}

/// A page of routes matching `filter`, newest window first; and how many match.
pub async fn page_of_routes(
    db: &impl ConnectionTrait,
    filter: Condition,
    offset: u64,
    limit: u64,
) -> Result<(Vec<route::Model>, u64), DbErr> {
    let total = route::Entity::find()
        .filter(filter.clone())
        .count(db)
        .await?;
    let rows = route::Entity::find()
        .filter(filter)
        .order_by_desc(route::Column::FromDate)
        .order_by_asc(route::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await?;
    Ok((rows, total))
}

/// The condition "some stop's venue lies within `venue_area`", for the route list's region
/// filter (a route is found under a division where any of its stops is).
pub fn with_a_stop_within(venue_area: Condition) -> Condition {
    let venues = Query::select()
        .column(venue::Column::Id)
        .from(venue::Entity)
        .cond_where(venue_area)
        .to_owned();
    let stops = Query::select()
        .column(route_stop::Column::RouteId)
        .from(route_stop::Entity)
        .and_where(Expr::col(route_stop::Column::VenueId).in_subquery(venues))
        .to_owned();
    Condition::all().add(route::Column::Id.in_subquery(stops))
}

/// A check-in attempt as logged.
pub struct Attempt {
    /// When.
    pub at: DateTime<Utc>,
    /// Who.
    pub user_id: i64,
    /// Where, if the venue was found.
    pub venue_id: Option<i64>,
    /// What came of it.
    pub outcome: String,
    /// From which address.
    pub ip: String,
    /// With which browser.
    pub user_agent: String,
    /// The reported position and accuracy.
    pub fix: Option<(f64, f64, Option<f64>)>,
}

/// Logs an attempt.
pub async fn log_attempt(db: &impl ConnectionTrait, a: Attempt) -> Result<(), DbErr> {
    checkin_attempt::Entity::insert(checkin_attempt::ActiveModel {
        at: Set(a.at),
        user_id: Set(a.user_id),
        venue_id: Set(a.venue_id),
        outcome: Set(a.outcome),
        ip: Set(a.ip),
        user_agent: Set(a.user_agent),
        lon: Set(a.fix.map(|f| f.0)),
        lat: Set(a.fix.map(|f| f.1)),
        accuracy_m: Set(a.fix.and_then(|f| f.2)),
        ..Default::default()
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// A visitor's stamps that are not rejected, on the routes `route_ids`.
pub async fn held_stamps(
    db: &impl ConnectionTrait,
    user_id: i64,
    route_ids: Vec<i64>,
) -> Result<Vec<stamp::Model>, DbErr> {
    stamp::Entity::find()
        .filter(stamp::Column::UserId.eq(user_id))
        .filter(stamp::Column::RouteId.is_in(route_ids))
        .filter(stamp::Column::State.ne("rejected"))
        .order_by_asc(stamp::Column::RouteId)
        .order_by_asc(stamp::Column::No)
        .all(db)
        .await
}

/// Every stamp a visitor holds or held (rejected ones too), newest route first.
pub async fn stamps_of_user(
    db: &impl ConnectionTrait,
    user_id: i64,
) -> Result<Vec<stamp::Model>, DbErr> {
    stamp::Entity::find()
        .filter(stamp::Column::UserId.eq(user_id))
        .order_by_desc(stamp::Column::RouteId)
        .order_by_asc(stamp::Column::No)
        .order_by_asc(stamp::Column::Id)
        .all(db)
        .await
}

/// A check-in as recorded, with the stamps it earns: (route, stop number).
pub struct NewCheckin {
    /// Who.
    pub user_id: i64,
    /// Where.
    pub venue_id: i64,
    /// When.
    pub at: DateTime<Utc>,
    /// Flags, comma-separated.
    pub flags: String,
    /// `counted` or `pending`.
    pub state: String,
    /// The reported position and accuracy.
    pub fix: Option<(f64, f64, Option<f64>)>,
    /// The stamps: (route, stop number).
    pub stamps: Vec<(i64, i64)>,
}

/// A check-in by id.
pub async fn checkin(db: &impl ConnectionTrait, id: i64) -> Result<Option<checkin::Model>, DbErr> {
    checkin::Entity::find_by_id(id).one(db).await
}

/// The stamps a check-in earned.
pub async fn stamps_of_checkin(
    db: &impl ConnectionTrait,
    checkin_id: i64,
) -> Result<Vec<stamp::Model>, DbErr> {
    stamp::Entity::find()
        .filter(stamp::Column::CheckinId.eq(checkin_id))
        .order_by_asc(stamp::Column::RouteId)
        .all(db)
        .await
}

/// Decides a pending check-in: its state, and its stamps', become `state`; whether it was
/// still pending.
pub async fn decide_checkin(
    db: &impl ConnectionTrait,
    id: i64,
    state: &str,
    by: i64,
    at: DateTime<Utc>,
    reason: Option<String>,
) -> Result<bool, DbErr> {
    let result = checkin::Entity::update_many()
        .col_expr(checkin::Column::State, Expr::val(state))
        .col_expr(checkin::Column::ReviewedBy, Expr::val(by))
        .col_expr(checkin::Column::ReviewedAt, Expr::val(at))
        .col_expr(checkin::Column::ReviewReason, Expr::val(reason))
        .filter(checkin::Column::Id.eq(id))
        .filter(checkin::Column::State.eq("pending"))
        .exec(db)
        .await?;
    if result.rows_affected == 0 {
        return Ok(false);
    }
    stamp::Entity::update_many()
        .col_expr(stamp::Column::State, Expr::val(state))
        .filter(stamp::Column::CheckinId.eq(id))
        .filter(stamp::Column::State.eq("pending"))
        .exec(db)
        .await?;
    Ok(true)
}

/// A check-in as an administrator lists it.
pub struct CheckinRow {
    /// The check-in.
    pub checkin: checkin::Model,
    /// Its stamp's state on this route.
    pub stamp_state: String,
    /// The visitor's phone.
    pub phone: String,
}

/// A page of the check-ins that stamped a route (only flagged ones when asked), newest
/// first; and how many there are.
pub async fn checkins_of_route(
    db: &impl ConnectionTrait,
    route_id: i64,
    flagged: bool,
    offset: u64,
    limit: u64,
) -> Result<(Vec<CheckinRow>, u64), DbErr> {
    let stamped = Query::select()
        .column(stamp::Column::CheckinId)
        .from(stamp::Entity)
        .and_where(Expr::col(stamp::Column::RouteId).eq(route_id))
        .to_owned();
    let mut filter = Condition::all().add(checkin::Column::Id.in_subquery(stamped));
    if flagged {
        filter = filter.add(checkin::Column::Flags.ne(""));
    }
    let total = checkin::Entity::find()
        .filter(filter.clone())
        .count(db)
        .await?;
    let rows = checkin::Entity::find()
        .filter(filter)
        .order_by_desc(checkin::Column::At)
        .order_by_desc(checkin::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let users: Vec<i64> = rows.iter().map(|r| r.user_id).collect();
    let stamps = stamp::Entity::find()
        .filter(stamp::Column::CheckinId.is_in(ids))
        .filter(stamp::Column::RouteId.eq(route_id))
        .all(db)
        .await?;
    let phones = user::Entity::find()
        .filter(user::Column::Id.is_in(users))
        .all(db)
        .await?;
    Ok((
        rows.into_iter()
            .map(|c| CheckinRow {
                stamp_state: stamps
                    .iter()
                    .find(|s| s.checkin_id == c.id)
                    .map(|s| s.state.clone())
                    .unwrap_or_default(),
                phone: phones
                    .iter()
                    .find(|u| u.id == c.user_id)
                    .map(|u| u.phone.clone())
                    .unwrap_or_default(),
                checkin: c,
            })
            .collect(),
        total,
    ))
}

/// How many visitors hold a stamp that is not rejected on a route.
pub async fn route_visitors(db: &impl ConnectionTrait, route_id: i64) -> Result<u64, DbErr> {
    let rows: Vec<i64> = stamp::Entity::find()
        .select_only()
        .column(stamp::Column::UserId)
        .distinct()
        .filter(stamp::Column::RouteId.eq(route_id))
        .filter(stamp::Column::State.ne("rejected"))
        .into_tuple()
        .all(db)
        .await?;
    Ok(u64::try_from(rows.len()).unwrap_or(u64::MAX))
}

/// How many valid certificates a route has given.
pub async fn route_completions(db: &impl ConnectionTrait, route_id: i64) -> Result<u64, DbErr> {
    certificate::Entity::find()
        .filter(certificate::Column::RouteId.eq(route_id))
        .filter(certificate::Column::Status.eq("valid"))
        .count(db)
        .await
}

/// A visitor's certificate for a route.
pub async fn certificate_of(
    db: &impl ConnectionTrait,
    route_id: i64,
    user_id: i64,
) -> Result<Option<certificate::Model>, DbErr> {
    certificate::Entity::find()
        .filter(certificate::Column::RouteId.eq(route_id))
        .filter(certificate::Column::UserId.eq(user_id))
        .one(db)
        .await
}

/// Every certificate a visitor holds.
pub async fn certificates_of_user(
    db: &impl ConnectionTrait,
    user_id: i64,
) -> Result<Vec<certificate::Model>, DbErr> {
    certificate::Entity::find()
        .filter(certificate::Column::UserId.eq(user_id))
        .all(db)
        .await
}

/// A certificate by serial.
pub async fn certificate(
    db: &impl ConnectionTrait,
    serial: &str,
) -> Result<Option<certificate::Model>, DbErr> {
    certificate::Entity::find()
        .filter(certificate::Column::Serial.eq(serial))
        .one(db)
        .await
}

/// A certificate as issued.
pub struct NewCertificate {
    pub serial: String,
    pub route_id: i64,
    pub user_id: i64,
    pub holder_name: String,
    pub issuer: String,
    pub completed_at: DateTime<Utc>,
    pub issued_at: DateTime<Utc>,
}

/// Inserts a valid certificate (a unique violation when the visitor already has one for
/// the route, or the serial is taken).
pub async fn insert_certificate(
    db: &impl ConnectionTrait,
    new: NewCertificate,
) -> Result<certificate::Model, DbErr> {
    certificate::ActiveModel {
        serial: Set(new.serial),
        route_id: Set(new.route_id),
        user_id: Set(new.user_id),
        holder_name: Set(new.holder_name),
        issuer: Set(new.issuer),
        completed_at: Set(new.completed_at),
        issued_at: Set(new.issued_at),
        status: Set("valid".to_owned()),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// Revokes a valid certificate; whether it was valid.
pub async fn revoke_certificate(
    db: &impl ConnectionTrait,
    id: i64,
    reason: String,
    by: i64,
    at: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = certificate::Entity::update_many()
        .col_expr(certificate::Column::Status, Expr::val("revoked"))
        .col_expr(certificate::Column::RevokedReason, Expr::val(reason))
        .col_expr(certificate::Column::RevokedBy, Expr::val(by))
        .col_expr(certificate::Column::RevokedAt, Expr::val(at))
        .filter(certificate::Column::Id.eq(id))
        .filter(certificate::Column::Status.eq("valid"))
        .exec(db)
        .await?;
    Ok(result.rows_affected > 0)
}

/// The position of the check-in log: the newest check-in's id (0 when none), which every
/// stamp earned moves (kept statistics are keyed by it).
pub async fn checkin_position(db: &impl ConnectionTrait) -> Result<i64, DbErr> {
    crate::last_id::<checkin::Entity>(db, checkin::Column::Id).await
}

/// The routes of an area, counted: (published routes, check-ins that stamped them and were
/// not rejected, visitors holding a stamp on them, valid certificates).
pub async fn area_counts(
    db: &impl ConnectionTrait,
    area: Condition,
) -> Result<(u64, u64, u64, u64), DbErr> {
    let in_area = || {
        Query::select()
            .column(route::Column::Id)
            .from(route::Entity)
            .cond_where(area.clone())
            .and_where(Expr::col(route::Column::Status).ne("draft"))
            .to_owned()
    };
    let published = route::Entity::find()
        .filter(area.clone())
        .filter(route::Column::Status.eq("published"))
        .count(db)
        .await?;
    // Counted in the database: the distinct check-ins and visitors are never fetched.
    let (stamped, visitors): (i64, i64) = stamp::Entity::find()
        .select_only()
        .expr_as(
            sea_orm::sea_query::Func::count_distinct(Expr::col(stamp::Column::CheckinId)),
            "checkins",
        )
        .expr_as(
            sea_orm::sea_query::Func::count_distinct(Expr::col(stamp::Column::UserId)),
            "visitors",
        )
        .filter(stamp::Column::RouteId.in_subquery(in_area()))
        .filter(stamp::Column::State.ne("rejected"))
        .into_tuple()
        .one(db)
        .await?
        .unwrap_or_default();
    let completions = certificate::Entity::find()
        .filter(certificate::Column::RouteId.in_subquery(in_area()))
        .filter(certificate::Column::Status.eq("valid"))
        .count(db)
        .await?;
    let n = |v: i64| u64::try_from(v).unwrap_or_default();
    Ok((published, n(stamped), n(visitors), completions))
}

/// Stamps waiting for review (`pending`) on the area's routes, counted by route and venue:
/// `(route_id, venue_id, n)`.
pub async fn pending_counts(
    db: &impl ConnectionTrait,
    area: Condition,
) -> Result<Vec<(i64, i64, i64)>, DbErr> {
    let in_area = Query::select()
        .column(route::Column::Id)
        .from(route::Entity)
        .cond_where(area)
        .to_owned();
    stamp::Entity::find()
        .select_only()
        .column(stamp::Column::RouteId)
        .column(stamp::Column::VenueId)
        .column_as(stamp::Column::Id.count(), "n")
        .filter(stamp::Column::State.eq("pending"))
        .filter(stamp::Column::RouteId.in_subquery(in_area))
        .group_by(stamp::Column::RouteId)
        .group_by(stamp::Column::VenueId)
        .into_tuple()
        .all(db)
        .await
}

/// The names of these routes.
pub async fn route_names(
    db: &impl ConnectionTrait,
    ids: Vec<i64>,
) -> Result<Vec<(i64, String)>, DbErr> {
    route::Entity::find()
        .select_only()
        .column(route::Column::Id)
        .column(route::Column::Name)
        .filter(route::Column::Id.is_in(ids))
        .into_tuple()
        .all(db)
        .await
}

/// The names of these venues.
pub async fn venue_names(
    db: &impl ConnectionTrait,
    ids: Vec<i64>,
) -> Result<Vec<(i64, String)>, DbErr> {
    venue::Entity::find()
        .select_only()
        .column(venue::Column::Id)
        .column(venue::Column::Name)
        .filter(venue::Column::Id.is_in(ids))
        .into_tuple()
        .all(db)
        .await
}

/// Deletes the check-in attempts logged before `before`; how many.
pub async fn purge_attempts_before(
    db: &impl ConnectionTrait,
    before: DateTime<Utc>,
) -> Result<u64, DbErr> {
    Ok(checkin_attempt::Entity::delete_many()
        .filter(checkin_attempt::Column::At.lt(before))
        .exec(db)
        .await?
        .rows_affected)
}

/// Venues on a published route, within the box `(lon range, lat range)` when given, by id;
/// each with the first published route that holds it: `(venue, route_id)`.
pub async fn mapped_venues(
    db: &impl ConnectionTrait,
    bounds: Option<((f64, f64), (f64, f64))>,
    limit: u64,
) -> Result<Vec<(venue::Model, i64)>, DbErr> {
    let published = || {
        Query::select()
            .column(route::Column::Id)
            .from(route::Entity)
            .and_where(Expr::col(route::Column::Status).eq("published"))
            .to_owned()
    };
    let on_routes = Query::select()
        .column(route_stop::Column::VenueId)
        .from(route_stop::Entity)
        .and_where(Expr::col(route_stop::Column::RouteId).in_subquery(published()))
        .to_owned();
    let mut find = venue::Entity::find().filter(venue::Column::Id.in_subquery(on_routes));
    if let Some(((lon_min, lon_max), (lat_min, lat_max))) = bounds {
        find = find
            .filter(venue::Column::Lon.between(lon_min, lon_max))
            .filter(venue::Column::Lat.between(lat_min, lat_max));
    }
    let venues = find
        .order_by_asc(venue::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    let ids: Vec<i64> = venues.iter().map(|v| v.id).collect();
    let firsts: Vec<(i64, i64)> = route_stop::Entity::find()
        .select_only()
        .column(route_stop::Column::VenueId)
        .column_as(route_stop::Column::RouteId.min(), "route_id")
        .filter(route_stop::Column::VenueId.is_in(ids))
        .filter(route_stop::Column::RouteId.in_subquery(published()))
        .group_by(route_stop::Column::VenueId)
        .into_tuple()
        .all(db)
        .await?;
    let firsts: std::collections::HashMap<i64, i64> = firsts.into_iter().collect();
    Ok(venues
        .into_iter()
        .filter_map(|v| firsts.get(&v.id).copied().map(|r| (v, r)))
        .collect())
}

/// What a check-in needs to know of the visitor, read in one statement.
#[derive(Debug, Clone, Default)]
pub struct VisitorState {
    /// Refused codes (`code_invalid`, `code_expired`) since the window's start.
    pub refused: u64,
    /// The oldest of those.
    pub oldest_refused: Option<DateTime<Utc>>,
    /// Check-ins recorded since the day's start, rejected ones included.
    pub today: u64,
    /// The latest check-in that was not rejected: when, and its venue's point.
    pub last: Option<(DateTime<Utc>, (f64, f64))>,
}

/// What a check-in reads before it decides, in one statement (a check-in is on the busiest
/// path): the visitor's state (refused codes since `refused_since`, check-ins since
/// `day_start`, the latest check-in that was not rejected), the venue, and the routes
/// containing it that are published and open on `day` (`YYYY-MM-DD`), by id.
pub async fn checkin_context(
    db: &impl ConnectionTrait,
    user_id: i64,
    venue_id: i64,
    day: &str,
    refused_since: DateTime<Utc>,
    day_start: DateTime<Utc>,
) -> Result<(VisitorState, Option<venue::Model>, Vec<route::Model>), DbErr> {
    use sea_orm::FromQueryResult;
    // `$n` parameters: SQLite reads them by number as PostgreSQL does.
    let sql = format!(
        "SELECT \
        (SELECT count(*) FROM checkin_attempts WHERE user_id = $1 AND at >= $2 \
          AND outcome IN ('code_invalid', 'code_expired')) AS refused, \
        (SELECT min(at) FROM checkin_attempts WHERE user_id = $1 AND at >= $2 \
          AND outcome IN ('code_invalid', 'code_expired')) AS oldest_refused, \
        (SELECT count(*) FROM checkins WHERE user_id = $1 AND at >= $3) AS today, \
        l.at AS last_at, lv.lon AS last_lon, lv.lat AS last_lat, {}, {} \
        FROM (SELECT 1 AS one) AS o \
        LEFT JOIN (SELECT at, venue_id FROM checkins WHERE user_id = $1 AND state <> 'rejected' \
          ORDER BY at DESC, id DESC LIMIT 1) AS l ON 1 = 1 \
        LEFT JOIN venues AS lv ON lv.id = l.venue_id \
        LEFT JOIN venues AS v ON v.id = $4 \
        LEFT JOIN routes AS r ON r.status = 'published' AND r.from_date <= $5 \
          AND r.to_date >= $5 \
          AND r.id IN (SELECT route_id FROM route_stops WHERE venue_id = v.id) \
        ORDER BY r.id",
        crate::columns_of::<venue::Entity>("v", "v_"),
        crate::columns_of::<route::Entity>("r", "r_"),
    );
    let stmt = Statement::from_sql_and_values(
        db.get_database_backend(),
        sql,
        [
            user_id.into(),
            refused_since.into(),
            day_start.into(),
            venue_id.into(),
            day.into(),
        ],
    );
    let rows = db.query_all_raw(stmt).await?;
    let Some(row) = rows.first() else {
        return Ok((VisitorState::default(), None, Vec::new()));
    };
    let n = |v: i64| u64::try_from(v).unwrap_or_default();
    let last_at: Option<DateTime<Utc>> = row.try_get("", "last_at")?;
    let lon: Option<f64> = row.try_get("", "last_lon")?;
    let lat: Option<f64> = row.try_get("", "last_lat")?;
    let state = VisitorState {
        refused: n(row.try_get("", "refused")?),
        oldest_refused: row.try_get("", "oldest_refused")?,
        today: n(row.try_get("", "today")?),
        last: match (last_at, lon, lat) {
            (Some(at), Some(lon), Some(lat)) => Some((at, (lon, lat))),
            _ => None,
        },
    };
    let venue = match row.try_get::<Option<i64>>("", "v_id")? {
        Some(_) => Some(venue::Model::from_query_result(row, "v_")?),
        None => None,
    };
    let mut routes = Vec::new();
    for row in &rows {
        if row.try_get::<Option<i64>>("", "r_id")?.is_some() {
            routes.push(route::Model::from_query_result(row, "r_")?);
        }
    }
    Ok((state, venue, routes))
}

/// A stop of a route, with the state of the visitor's stamp on it if they hold one (not
/// rejected).
#[derive(Debug, Clone)]
pub struct StopHeld {
    /// The route.
    pub route_id: i64,
    /// The stop's number.
    pub no: i64,
    /// Its venue.
    pub venue_id: i64,
    /// The visitor's stamp's state, when held.
    pub held: Option<String>,
}

/// The stops of the routes `route_ids` in order, each with the visitor's stamp on it, in one
/// statement.
pub async fn stops_held(
    db: &impl ConnectionTrait,
    user_id: i64,
    route_ids: &[i64],
) -> Result<Vec<StopHeld>, DbErr> {
    if route_ids.is_empty() {
        return Ok(Vec::new());
    }
    let list: Vec<String> = (0..route_ids.len())
        .map(|i| format!("${}", i + 2))
        .collect();
    let sql = format!(
        "SELECT s.route_id, s.\"no\", s.venue_id, h.state AS held FROM route_stops AS s \
         LEFT JOIN stamps AS h ON h.route_id = s.route_id AND h.\"no\" = s.\"no\" \
           AND h.user_id = $1 AND h.state <> 'rejected' \
         WHERE s.route_id IN ({}) ORDER BY s.route_id, s.\"no\"",
        list.join(", ")
    );
    let mut values: Vec<sea_orm::Value> = vec![user_id.into()];
    values.extend(route_ids.iter().map(|id| sea_orm::Value::from(*id)));
    let stmt = Statement::from_sql_and_values(db.get_database_backend(), sql, values);
    db.query_all_raw(stmt)
        .await?
        .into_iter()
        .map(|row| {
            Ok(StopHeld {
                route_id: row.try_get("", "route_id")?,
                no: row.try_get("", "no")?,
                venue_id: row.try_get("", "venue_id")?,
                held: row.try_get("", "held")?,
            })
        })
        .collect()
}

/// Records a check-in, its stamps and its attempt; the check-in's id. A stamp already held
/// makes it fail with a unique violation (two scans at once), and then nothing is recorded.
/// One round trip where the database allows it: a single statement on PostgreSQL, and on
/// SQLite one batch inside the caller's transaction (`db` must be one there).
pub async fn record_stamped(
    db: &impl ConnectionTrait,
    new: NewCheckin,
    ip: String,
    user_agent: String,
) -> Result<i64, DbErr> {
    let backend = db.get_database_backend();
    let (lon, lat, accuracy) = match new.fix {
        Some((lon, lat, accuracy)) => (Some(lon), Some(lat), accuracy),
        None => (None, None, None),
    };
    let mut values: Vec<sea_orm::Value> = vec![
        new.user_id.into(),
        new.venue_id.into(),
        new.at.into(),
        new.flags.into(),
        new.state.into(),
        lon.into(),
        lat.into(),
        accuracy.into(),
        ip.into(),
        user_agent.into(),
    ];
    let mut pairs = Vec::new();
    for (route_id, no) in new.stamps {
        let i = values.len();
        pairs.push((i + 1, i + 2));
        values.push(route_id.into());
        values.push(no.into());
    }
    let checkin = "INSERT INTO checkins (user_id, venue_id, at, flags, state, lon, lat, accuracy_m) \
                   VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
    let attempt = "INSERT INTO checkin_attempts \
                   (at, user_id, venue_id, outcome, ip, user_agent, lon, lat, accuracy_m) \
                   VALUES ($3, $1, $2, 'stamped', $9, $10, $6, $7, $8)";
    let sql = if backend == sea_orm::DbBackend::Postgres {
        let rows: Vec<String> = pairs
            .iter()
            .map(|(r, n)| format!("(${r}::bigint, ${n}::bigint)"))
            .collect();
        format!(
            "WITH c AS ({checkin} RETURNING id), \
             s AS (INSERT INTO stamps (user_id, route_id, \"no\", venue_id, checkin_id, at, state) \
               SELECT $1, p.route_id, p.n, $2, c.id, $3, $5 FROM c, (VALUES {}) AS p (route_id, n)), \
             a AS ({attempt}) \
             SELECT id FROM c",
            rows.join(", ")
        )
    } else {
        // The check-in just inserted is the visitor's newest: ids only grow, and the
        // caller's transaction holds the database.
        let rows: Vec<String> = pairs
            .iter()
            .map(|(r, n)| {
                format!(
                    "($1, ${r}, ${n}, $2, (SELECT max(id) FROM checkins WHERE user_id = $1), $3, $5)"
                )
            })
            .collect();
        format!(
            "{checkin} RETURNING id; \
             INSERT INTO stamps (user_id, route_id, \"no\", venue_id, checkin_id, at, state) VALUES {}; \
             {attempt}",
            rows.join(", ")
        )
    };
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(backend, sql, values))
        .await?;
    let row = rows.first().ok_or_else(|| DbErr::RecordNotInserted)?;
    row.try_get("", "id")
}
