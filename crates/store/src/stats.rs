//! The statistics rollups (`stat_counts`) and the public list's index (`listings`): cells
//! and rows kept beside every write, in its transaction. What a cell means is
//! `domain::stats`'s; this module only reads and writes them.

use std::collections::{BTreeMap, HashMap};

use domain::stats::{Cell, Listing};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, LikeExpr, OnConflict, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter,
};

use crate::entities::{activity, activity_region, listing, stat_count};

/// The divisions an activity is found under.
pub async fn listed_codes(
    db: &impl ConnectionTrait,
    activity_id: i64,
) -> Result<Vec<String>, DbErr> {
    Ok(activity_region::Entity::find()
        .filter(activity_region::Column::ActivityId.eq(activity_id))
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.code)
        .collect())
}

/// The divisions each of these activities is found under.
pub async fn listed_codes_of(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i64>,
) -> Result<HashMap<i64, Vec<String>>, DbErr> {
    let mut listed: HashMap<i64, Vec<String>> = HashMap::new();
    for r in activity_region::Entity::find()
        .filter(activity_region::Column::ActivityId.is_in(ids))
        .all(db)
        .await?
    {
        listed.entry(r.activity_id).or_default().push(r.code);
    }
    Ok(listed)
}

/// Removes an activity from the public list's index.
pub async fn unlist(db: &impl ConnectionTrait, activity_id: i64) -> Result<(), DbErr> {
    listing::Entity::delete_many()
        .filter(listing::Column::ActivityId.eq(activity_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Writes rows of the public list's index.
pub async fn list(db: &impl ConnectionTrait, rows: Vec<(i64, Listing)>) -> Result<(), DbErr> {
    // 200 rows of 4 values stay well under SQLite's limit on bound variables.
    for chunk in rows.chunks(200) {
        listing::Entity::insert_many(chunk.iter().map(|(id, (code, section, end))| {
            listing::ActiveModel {
                activity_id: Set(*id),
                code: Set(code.clone()),
                section: Set(section.clone()),
                end_at: Set(*end),
            }
        }))
        .exec_without_returning(db)
        .await?;
    }
    Ok(())
}

/// Adds `cells` (each a difference) to a campaign's rollups, in key order, so that
/// concurrent writers never deadlock.
pub async fn add(
    db: &impl ConnectionTrait,
    campaign_id: i64,
    cells: BTreeMap<Cell, i64>,
) -> Result<(), DbErr> {
    let cells: Vec<_> = cells.into_iter().collect();
    // 150 cells of 5 values stay well under SQLite's limit on bound variables.
    for chunk in cells.chunks(150) {
        let mut insert = Query::insert();
        insert.into_table(stat_count::Entity).columns([
            stat_count::Column::CampaignId,
            stat_count::Column::ScopeCode,
            stat_count::Column::Dim,
            stat_count::Column::Key,
            stat_count::Column::N,
        ]);
        for ((scope, d, key), n) in chunk {
            insert.values_panic([
                campaign_id.into(),
                scope.clone().into(),
                (*d).into(),
                key.clone().into(),
                (*n).into(),
            ]);
        }
        insert.on_conflict(
            OnConflict::columns([
                stat_count::Column::CampaignId,
                stat_count::Column::ScopeCode,
                stat_count::Column::Dim,
                stat_count::Column::Key,
            ])
            .value(
                stat_count::Column::N,
                Expr::col((stat_count::Entity, stat_count::Column::N))
                    .add(Expr::col((Alias::new("excluded"), stat_count::Column::N))),
            )
            .to_owned(),
        );
        db.execute(&insert).await?;
    }
    Ok(())
}

/// Empties the rollups and the list's index (before a recount).
pub async fn clear(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    stat_count::Entity::delete_many().exec(db).await?;
    listing::Entity::delete_many().exec(db).await?;
    Ok(())
}

/// What a database holds that the rollups depend on: (any rollup, any activity, any
/// listing, any approved activity `approved`).
pub async fn presence(
    db: &impl ConnectionTrait,
    approved: &str,
) -> Result<(bool, bool, bool, bool), DbErr> {
    let counted = stat_count::Entity::find().one(db).await?.is_some();
    let activities = activity::Entity::find().one(db).await?.is_some();
    let listed = listing::Entity::find().one(db).await?.is_some();
    let approved = activity::Entity::find()
        .filter(activity::Column::Status.eq(approved))
        .one(db)
        .await?
        .is_some();
    Ok((counted, activities, listed, approved))
}

/// A campaign's cells for one division.
pub async fn cells_of(
    db: &impl ConnectionTrait,
    campaign_id: i64,
    scope: &str,
) -> Result<Vec<stat_count::Model>, DbErr> {
    stat_count::Entity::find()
        .filter(stat_count::Column::CampaignId.eq(campaign_id))
        .filter(stat_count::Column::ScopeCode.eq(scope))
        .all(db)
        .await
}

/// A campaign's cells of some dimensions for several scopes (divisions or `org:ID`), in
/// chunks that stay under every backend's limit on bound values.
pub async fn cells_for(
    db: &impl ConnectionTrait,
    campaign_id: i64,
    dims: &[&str],
    scopes: &[String],
) -> Result<Vec<stat_count::Model>, DbErr> {
    let mut out = Vec::new();
    for chunk in scopes.chunks(5000) {
        out.extend(
            stat_count::Entity::find()
                .filter(stat_count::Column::CampaignId.eq(campaign_id))
                .filter(stat_count::Column::Dim.is_in(dims.iter().copied()))
                .filter(stat_count::Column::ScopeCode.is_in(chunk.iter().cloned()))
                .all(db)
                .await?,
        );
    }
    Ok(out)
}

/// One scope's cells of one dimension in every campaign (a unit's history).
pub async fn cells_across_campaigns(
    db: &impl ConnectionTrait,
    scope: &str,
    dims: &[&str],
) -> Result<Vec<stat_count::Model>, DbErr> {
    stat_count::Entity::find()
        .filter(stat_count::Column::ScopeCode.eq(scope))
        .filter(stat_count::Column::Dim.is_in(dims.iter().copied()))
        .all(db)
        .await
}

/// A campaign's cells of one dimension for several divisions.
pub async fn cells_in(
    db: &impl ConnectionTrait,
    campaign_id: i64,
    dim: &str,
    scopes: impl IntoIterator<Item = String>,
) -> Result<Vec<stat_count::Model>, DbErr> {
    stat_count::Entity::find()
        .filter(stat_count::Column::CampaignId.eq(campaign_id))
        .filter(stat_count::Column::Dim.eq(dim))
        .filter(stat_count::Column::ScopeCode.is_in(scopes))
        .all(db)
        .await
}

/// How many of a campaign's activities in `status` within `area` have a name containing
/// `keyword` (a scan: cheap for a county or a city).
pub async fn named_with(
    db: &impl ConnectionTrait,
    campaign_id: i64,
    status: &str,
    area: Condition,
    keyword: &str,
) -> Result<u64, DbErr> {
    let escaped = keyword
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    activity::Entity::find()
        .filter(activity::Column::CampaignId.eq(campaign_id))
        .filter(activity::Column::Status.eq(status))
        .filter(
            Expr::col(activity::Column::Name)
                .like(LikeExpr::new(format!("%{escaped}%")).escape('\\')),
        )
        .filter(area)
        .count(db)
        .await
}
