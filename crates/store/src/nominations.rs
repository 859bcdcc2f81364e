//! 推优 rows: nominations (one per campaign and target) and each level's opinion.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::entities::{nomination, nomination_opinion as opinion};

/// The nomination of a target (`activity` or `org`) in a campaign, if any.
pub async fn find(
    db: &impl ConnectionTrait,
    campaign_id: i64,
    kind: &str,
    target_id: i64,
) -> Result<Option<nomination::Model>, DbErr> {
    nomination::Entity::find()
        .filter(nomination::Column::CampaignId.eq(campaign_id))
        .filter(nomination::Column::TargetKind.eq(kind))
        .filter(nomination::Column::TargetId.eq(target_id))
        .one(db)
        .await
}

/// Whether an activity has been nominated (in any campaign).
pub async fn activity_nominated(
    db: &impl ConnectionTrait,
    activity_id: i64,
) -> Result<bool, DbErr> {
    Ok(nomination::Entity::find()
        .filter(nomination::Column::TargetKind.eq("activity"))
        .filter(nomination::Column::TargetId.eq(activity_id))
        .one(db)
        .await?
        .is_some())
}

/// A nomination by id.
pub async fn by_id(db: &impl ConnectionTrait, id: i64) -> Result<Option<nomination::Model>, DbErr> {
    nomination::Entity::find_by_id(id).one(db).await
}

/// A new nomination.
pub struct New<'a> {
    /// 活动季
    pub campaign_id: i64,
    /// `activity` or `org`.
    pub kind: &'a str,
    /// The activity's or organisation's id.
    pub target_id: i64,
    /// Where it lies: province, city and county codes.
    pub area: [Option<String>; 3],
    /// The level that acted.
    pub level: &'a str,
    /// Its state after that level.
    pub status: &'a str,
    /// Now.
    pub at: DateTime<Utc>,
}

/// Inserts a nomination; its id. A second one for the same target is a unique violation.
pub async fn create(db: &impl ConnectionTrait, n: New<'_>) -> Result<i64, DbErr> {
    let [province, city, county] = n.area;
    Ok(nomination::ActiveModel {
        campaign_id: Set(n.campaign_id),
        target_kind: Set(n.kind.to_owned()),
        target_id: Set(n.target_id),
        province_code: Set(province),
        city_code: Set(city),
        county_code: Set(county),
        level: Set(n.level.to_owned()),
        status: Set(n.status.to_owned()),
        created_at: Set(n.at),
        updated_at: Set(n.at),
        ..Default::default()
    }
    .insert(db)
    .await?
    .id)
}

/// Moves an open nomination from level `from` to `level` and `status`, only if nobody
/// moved it meanwhile; whether it moved.
pub async fn advance(
    db: &impl ConnectionTrait,
    id: i64,
    from: &str,
    level: &str,
    status: &str,
    open: &str,
    at: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let moved = nomination::Entity::update_many()
        .col_expr(nomination::Column::Level, Expr::value(level))
        .col_expr(nomination::Column::Status, Expr::value(status))
        .col_expr(nomination::Column::UpdatedAt, Expr::value(at))
        .filter(nomination::Column::Id.eq(id))
        .filter(nomination::Column::Level.eq(from))
        .filter(nomination::Column::Status.eq(open))
        .exec(db)
        .await?;
    Ok(moved.rows_affected > 0)
}

/// A level's opinion.
pub struct Opinion<'a> {
    /// The nomination.
    pub nomination_id: i64,
    /// The level.
    pub level: &'a str,
    /// The division it acted for (none for the unit and the nation).
    pub region_code: Option<String>,
    /// Who.
    pub actor_id: i64,
    /// 推荐意见
    pub opinion: String,
    /// `pass` or `stop`.
    pub decision: &'a str,
    /// When.
    pub at: DateTime<Utc>,
}

/// Records a level's opinion.
pub async fn add_opinion(db: &impl ConnectionTrait, o: Opinion<'_>) -> Result<(), DbErr> {
    opinion::ActiveModel {
        nomination_id: Set(o.nomination_id),
        level: Set(o.level.to_owned()),
        region_code: Set(o.region_code),
        actor_id: Set(o.actor_id),
        opinion: Set(o.opinion),
        decision: Set(o.decision.to_owned()),
        at: Set(o.at),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// A nomination's opinions, in the order given.
pub async fn opinions(
    db: &impl ConnectionTrait,
    nomination_id: i64,
) -> Result<Vec<opinion::Model>, DbErr> {
    opinion::Entity::find()
        .filter(opinion::Column::NominationId.eq(nomination_id))
        .order_by_asc(opinion::Column::Id)
        .all(db)
        .await
}

/// How many of a campaign's nominations of `kind` a level passed up, in `region` when given.
pub async fn passed(
    db: &impl ConnectionTrait,
    campaign_id: i64,
    kind: &str,
    level: &str,
    pass: &str,
    region: Option<&str>,
) -> Result<u64, DbErr> {
    let of_campaign = Query::select()
        .column(nomination::Column::Id)
        .from(nomination::Entity)
        .and_where(Expr::col(nomination::Column::CampaignId).eq(campaign_id))
        .and_where(Expr::col(nomination::Column::TargetKind).eq(kind))
        .to_owned();
    let mut query = opinion::Entity::find()
        .filter(opinion::Column::Level.eq(level))
        .filter(opinion::Column::Decision.eq(pass))
        .filter(Expr::col(opinion::Column::NominationId).in_subquery(of_campaign));
    if let Some(region) = region {
        query = query.filter(opinion::Column::RegionCode.eq(region));
    }
    query.count(db).await
}

/// A page of the nominations matching `filter` (the reader's areas and the list's
/// filters), latest change first; and how many match.
pub async fn page(
    db: &impl ConnectionTrait,
    filter: Condition,
    offset: u64,
    limit: u64,
) -> Result<(Vec<nomination::Model>, u64), DbErr> {
    let query = nomination::Entity::find().filter(filter);
    let total = query.clone().count(db).await?;
    let rows = query
        .order_by_desc(nomination::Column::UpdatedAt)
        .order_by_desc(nomination::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await?;
    Ok((rows, total))
}
