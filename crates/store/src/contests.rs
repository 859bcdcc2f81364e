//! 科普视频征集: contests. Queries only; who may see or change which contest arrives here
//! as a `Condition` over `contests`, applied in the query itself.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::entities::contest;

/// A contest's columns as written (create or edit).
pub struct ContestColumns {
    /// 名称
    pub name: String,
    /// The organiser's division and its path.
    pub region_code: String,
    pub province_code: Option<String>,
    pub city_code: Option<String>,
    pub county_code: Option<String>,
    /// The settings, as JSON.
    pub settings: String,
}

/// Inserts a contest in `draft`.
pub async fn insert(
    db: &impl ConnectionTrait,
    columns: ContestColumns,
    created_by: i64,
    at: DateTime<Utc>,
) -> Result<contest::Model, DbErr> {
    contest::ActiveModel {
        name: Set(columns.name),
        region_code: Set(columns.region_code),
        province_code: Set(columns.province_code),
        city_code: Set(columns.city_code),
        county_code: Set(columns.county_code),
        status: Set("draft".to_owned()),
        settings: Set(columns.settings),
        frozen: Set(false),
        created_by: Set(created_by),
        created_at: Set(at),
        updated_at: Set(at),
        version: Set(1),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// A contest by id.
pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<contest::Model>, DbErr> {
    contest::Entity::find_by_id(id).one(db).await
}

/// A contest by id, if it matches `filter` (a scope, or what the public sees).
pub async fn find_within(
    db: &impl ConnectionTrait,
    id: i64,
    filter: Condition,
) -> Result<Option<contest::Model>, DbErr> {
    contest::Entity::find_by_id(id).filter(filter).one(db).await
}

/// Writes a contest's columns if it is still at `version` and within `scope`, moving it to
/// the next version; whether it was.
pub async fn update_at_version(
    db: &impl ConnectionTrait,
    id: i64,
    version: i64,
    scope: Condition,
    columns: ContestColumns,
    at: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = contest::Entity::update_many()
        .col_expr(contest::Column::Name, Expr::val(columns.name))
        .col_expr(contest::Column::RegionCode, Expr::val(columns.region_code))
        .col_expr(
            contest::Column::ProvinceCode,
            Expr::val(columns.province_code),
        )
        .col_expr(contest::Column::CityCode, Expr::val(columns.city_code))
        .col_expr(contest::Column::CountyCode, Expr::val(columns.county_code))
        .col_expr(contest::Column::Settings, Expr::val(columns.settings))
        .col_expr(contest::Column::UpdatedAt, Expr::val(at))
        .col_expr(
            contest::Column::Version,
            Expr::val(version.saturating_add(1)),
        )
        .filter(contest::Column::Id.eq(id))
        .filter(contest::Column::Version.eq(version))
        .filter(scope)
        .exec(db)
        .await?;
    Ok(result.rows_affected > 0)
}

/// Moves a contest from `from` to `to` if it is still in `from` and within `scope`; whether
/// it did.
pub async fn move_status(
    db: &impl ConnectionTrait,
    id: i64,
    scope: Condition,
    from: &str,
    to: &str,
    at: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = contest::Entity::update_many()
        .col_expr(contest::Column::Status, Expr::val(to))
        .col_expr(contest::Column::UpdatedAt, Expr::val(at))
        .col_expr(
            contest::Column::Version,
            Expr::col(contest::Column::Version).add(1),
        )
        .filter(contest::Column::Id.eq(id))
        .filter(contest::Column::Status.eq(from))
        .filter(scope)
        .exec(db)
        .await?;
    Ok(result.rows_affected > 0)
}

/// A page of the contests matching `filter`, newest first; and how many there are.
pub async fn page(
    db: &impl ConnectionTrait,
    filter: Condition,
    offset: u64,
    limit: u64,
) -> Result<(Vec<contest::Model>, u64), DbErr> {
    let query = contest::Entity::find().filter(filter);
    let total = query.clone().count(db).await?;
    let rows = query
        .order_by_desc(contest::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await?;
    Ok((rows, total))
}

/// The condition "not a draft" (what the public may see).
pub fn not_draft() -> Condition {
    Condition::all().add(contest::Column::Status.ne("draft"))
}

/// The condition "named like `q`".
pub fn named_like(q: &str) -> Condition {
    Condition::all().add(contest::Column::Name.contains(q))
}

/// Writes contest `id`'s published results (`stage`, the results as JSON) if it matches
/// `filter`, moving it from `from` to `to` when given; whether it did.
pub async fn set_results(
    db: &impl ConnectionTrait,
    id: i64,
    filter: Condition,
    stage: &str,
    results: String,
    moves: Option<(&str, &str)>,
    at: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let mut update = contest::Entity::update_many()
        .col_expr(contest::Column::ResultsStage, Expr::val(stage))
        .col_expr(contest::Column::Results, Expr::val(results))
        .col_expr(contest::Column::UpdatedAt, Expr::val(at))
        .col_expr(
            contest::Column::Version,
            Expr::col(contest::Column::Version).add(1),
        )
        .filter(contest::Column::Id.eq(id))
        .filter(filter);
    if let Some((from, to)) = moves {
        update = update
            .col_expr(contest::Column::Status, Expr::val(to))
            .filter(contest::Column::Status.eq(from));
    }
    Ok(update.exec(db).await?.rows_affected > 0)
}

/// Replaces contest `id`'s published results (recomputed after a change), keeping its stage.
pub async fn refresh_results(
    db: &impl ConnectionTrait,
    id: i64,
    results: String,
) -> Result<(), DbErr> {
    contest::Entity::update_many()
        .col_expr(contest::Column::Results, Expr::val(results))
        .filter(contest::Column::Id.eq(id))
        .filter(contest::Column::ResultsStage.is_not_null())
        .exec(db)
        .await?;
    Ok(())
}

/// The contests of an area (`area` over `contests`) in the statistics: contests past their
/// draft, entries received (not drafts, not withdrawn), entries accepted, votes counted.
pub async fn area_counts(db: &impl ConnectionTrait, area: Condition) -> Result<AreaCounts, DbErr> {
    use crate::entities::{contest_entry as entry, contest_vote as vote};
    let live = Condition::all().add(area).add(not_draft());
    let by_status: Vec<(String, i64)> = contest::Entity::find()
        .select_only()
        .column(contest::Column::Status)
        .column_as(contest::Column::Id.count(), "n")
        .filter(live.clone())
        .group_by(contest::Column::Status)
        .into_tuple()
        .all(db)
        .await?;
    let count = |n: i64| u64::try_from(n).unwrap_or(0);
    let contests = by_status.iter().map(|(_, n)| count(*n)).sum();
    let open = by_status
        .iter()
        .filter(|(s, _)| s == "open")
        .map(|(_, n)| count(*n))
        .sum();
    let in_live = || crate::judging::contest_in(entry::Column::ContestId, live.clone());
    let entries = entry::Entity::find()
        .filter(in_live())
        .filter(entry::Column::Status.is_not_in(["draft", "withdrawn"]))
        .count(db)
        .await?;
    let accepted = entry::Entity::find()
        .filter(in_live())
        .filter(entry::Column::Status.eq("accepted"))
        .count(db)
        .await?;
    let votes = vote::Entity::find()
        .filter(crate::judging::contest_in(
            vote::Column::ContestId,
            live.clone(),
        ))
        .filter(vote::Column::Voided.eq(false))
        .count(db)
        .await?;
    Ok(AreaCounts {
        contests,
        open,
        entries,
        accepted,
        votes,
    })
}

/// An area's video contests counted (`store::contests::area_counts`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AreaCounts {
    /// Contests past their draft.
    pub contests: u64,
    /// Contests taking entries (`open`).
    pub open: u64,
    /// Entries received: submitted, accepted, returned or disqualified.
    pub entries: u64,
    /// Entries accepted by 形式审查.
    pub accepted: u64,
    /// Votes counted, not voided.
    pub votes: u64,
}
