//! 考评: evaluation schemes, judged scores, and the few grouped counts an evaluation reads
//! besides the rollups (posts, nominations, summaries, a topic's activities). Queries only;
//! who may see or change which scheme arrives here as a `Condition` over
//! `evaluation_schemes`, applied in the query itself.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, LikeExpr, OnConflict, Query};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr,
    EntityTrait, FromQueryResult, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::entities::{
    activity, evaluation_judgement as judgement, evaluation_scheme as scheme, nomination,
    online_post, summary,
};

/// A scheme's columns as written.
pub struct NewScheme {
    /// The campaign evaluated.
    pub campaign_id: i64,
    /// The evaluating division and its path.
    pub region_code: String,
    pub province_code: Option<String>,
    pub city_code: Option<String>,
    pub county_code: Option<String>,
    /// 名称
    pub name: String,
    /// The settings, as JSON.
    pub settings: String,
}

/// Inserts a scheme, neither frozen nor published.
pub async fn insert(
    db: &impl ConnectionTrait,
    new: NewScheme,
    created_by: i64,
    at: DateTime<Utc>,
) -> Result<scheme::Model, DbErr> {
    scheme::ActiveModel {
        campaign_id: Set(new.campaign_id),
        region_code: Set(new.region_code),
        province_code: Set(new.province_code),
        city_code: Set(new.city_code),
        county_code: Set(new.county_code),
        name: Set(new.name),
        settings: Set(new.settings),
        frozen: Set(false),
        published: Set(false),
        frozen_results: Set(None),
        frozen_at: Set(None),
        created_by: Set(created_by),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// A scheme by id, if it matches `filter` (the caller's scope, or what the level below
/// sees once published).
pub async fn find_within(
    db: &impl ConnectionTrait,
    id: i64,
    filter: Condition,
) -> Result<Option<scheme::Model>, DbErr> {
    scheme::Entity::find_by_id(id).filter(filter).one(db).await
}

/// The schemes matching `filter`, newest first, with their total.
pub async fn page(
    db: &impl ConnectionTrait,
    filter: Condition,
    offset: u64,
    limit: u64,
) -> Result<(Vec<scheme::Model>, u64), DbErr> {
    let query = scheme::Entity::find().filter(filter);
    let total = query.clone().count(db).await?;
    let rows = query
        .order_by_desc(scheme::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await?;
    Ok((rows, total))
}

/// Freezes a scheme with its results as they stand, unless it is frozen already (then
/// nothing changes and the answer is false).
pub async fn freeze(
    db: &impl ConnectionTrait,
    id: i64,
    results: String,
    at: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let done = scheme::Entity::update_many()
        .col_expr(scheme::Column::Frozen, Expr::value(true))
        .col_expr(scheme::Column::FrozenResults, Expr::value(results))
        .col_expr(scheme::Column::FrozenAt, Expr::value(at))
        .col_expr(scheme::Column::UpdatedAt, Expr::value(at))
        .filter(scheme::Column::Id.eq(id))
        .filter(scheme::Column::Frozen.eq(false))
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

/// Publishes a frozen scheme to the level below; false when it was already published.
pub async fn publish(db: &impl ConnectionTrait, id: i64, at: DateTime<Utc>) -> Result<bool, DbErr> {
    let done = scheme::Entity::update_many()
        .col_expr(scheme::Column::Published, Expr::value(true))
        .col_expr(scheme::Column::UpdatedAt, Expr::value(at))
        .filter(scheme::Column::Id.eq(id))
        .filter(scheme::Column::Frozen.eq(true))
        .filter(scheme::Column::Published.eq(false))
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

/// A judged score as entered.
pub struct Judged<'a> {
    pub scheme_id: i64,
    /// A division code or `org:ID`.
    pub subject: &'a str,
    pub key: &'a str,
    pub score: f64,
    pub comment: Option<String>,
    pub by: i64,
    pub at: DateTime<Utc>,
}

/// Enters (or replaces) a judged score.
pub async fn judge(db: &impl ConnectionTrait, j: Judged<'_>) -> Result<(), DbErr> {
    let row = judgement::ActiveModel {
        scheme_id: Set(j.scheme_id),
        subject: Set(j.subject.to_owned()),
        key: Set(j.key.to_owned()),
        score: Set(j.score),
        comment: Set(j.comment),
        judged_by: Set(j.by),
        at: Set(j.at),
        ..Default::default()
    };
    judgement::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([
                judgement::Column::SchemeId,
                judgement::Column::Subject,
                judgement::Column::Key,
            ])
            .update_columns([
                judgement::Column::Score,
                judgement::Column::Comment,
                judgement::Column::JudgedBy,
                judgement::Column::At,
            ])
            .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// A scheme's judged scores.
pub async fn judgements(
    db: &impl ConnectionTrait,
    scheme_id: i64,
) -> Result<Vec<judgement::Model>, DbErr> {
    judgement::Entity::find()
        .filter(judgement::Column::SchemeId.eq(scheme_id))
        .all(db)
        .await
}

/// How the counts below are grouped: by a division column (each subject a division one
/// level below the evaluating one), or by organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupBy {
    /// `province_code`
    Province,
    /// `city_code`
    City,
    /// `county_code`
    County,
    /// The organisation (a post's `org_id`; an activity's first host).
    Org,
}

#[derive(Debug, FromQueryResult)]
struct Grouped {
    subject: Option<String>,
    n: i64,
}

fn post_group(by: GroupBy) -> Expr {
    match by {
        GroupBy::Province => Expr::col(online_post::Column::ProvinceCode),
        GroupBy::City => Expr::col(online_post::Column::CityCode),
        GroupBy::County => Expr::col(online_post::Column::CountyCode),
        GroupBy::Org => Expr::col(online_post::Column::OrgId).cast_as(Alias::new("text")),
    }
}

/// Visible posts of a campaign within `area`, counted per subject (a division code, or an
/// organisation's id as text).
pub async fn posts_by(
    db: &impl ConnectionTrait,
    campaign_id: i64,
    by: GroupBy,
    area: Condition,
) -> Result<Vec<(String, i64)>, DbErr> {
    let rows = online_post::Entity::find()
        .select_only()
        .column_as(post_group(by), "subject")
        .column_as(online_post::Column::Id.count(), "n")
        .filter(online_post::Column::CampaignId.eq(campaign_id))
        .filter(online_post::Column::Status.eq("visible"))
        .filter(area)
        .group_by(post_group(by))
        .into_model::<Grouped>()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|g| g.subject.map(|s| (s, g.n)))
        .collect())
}

#[derive(Debug, FromQueryResult)]
struct GroupedState {
    subject: Option<String>,
    status: String,
    n: i64,
}

fn activity_group(by: GroupBy) -> Expr {
    let column = match by {
        GroupBy::Province => activity::Column::ProvinceCode,
        GroupBy::City => activity::Column::CityCode,
        GroupBy::County => activity::Column::CountyCode,
        GroupBy::Org => {
            return Expr::col((activity::Entity, activity::Column::FirstHostId))
                .cast_as(Alias::new("text"));
        }
    };
    Expr::col((activity::Entity, column))
}

/// A campaign's nominations of activities within `area` (a condition over `activities`),
/// counted per subject and nomination state.
pub async fn nominations_by(
    db: &impl ConnectionTrait,
    campaign_id: i64,
    by: GroupBy,
    area: Condition,
) -> Result<Vec<(String, String, i64)>, DbErr> {
    let mut query = Query::select();
    query
        .expr_as(activity_group(by), Alias::new("subject"))
        .expr_as(
            Expr::col((nomination::Entity, nomination::Column::Status)),
            Alias::new("status"),
        )
        .expr_as(
            Expr::col((nomination::Entity, nomination::Column::Id)).count(),
            Alias::new("n"),
        )
        .from(nomination::Entity)
        .inner_join(
            activity::Entity,
            Expr::col((activity::Entity, activity::Column::Id))
                .equals((nomination::Entity, nomination::Column::TargetId)),
        )
        .and_where(Expr::col((nomination::Entity, nomination::Column::CampaignId)).eq(campaign_id))
        .and_where(Expr::col((nomination::Entity, nomination::Column::TargetKind)).eq("activity"))
        .cond_where(area)
        .add_group_by([
            activity_group(by),
            Expr::col((nomination::Entity, nomination::Column::Status)),
        ]);
    let rows = GroupedState::find_by_statement(db.get_database_backend().build(&query))
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|g| g.subject.map(|s| (s, g.status, g.n)))
        .collect())
}

/// A campaign's summaries of `kind` for any of `refs`.
pub async fn summaries_of(
    db: &impl ConnectionTrait,
    campaign_id: i64,
    kind: &str,
    refs: Vec<String>,
) -> Result<Vec<summary::Model>, DbErr> {
    summary::Entity::find()
        .filter(summary::Column::CampaignId.eq(campaign_id))
        .filter(summary::Column::ScopeKind.eq(kind))
        .filter(summary::Column::ScopeRef.is_in(refs))
        .all(db)
        .await
}

/// A campaign's activities in `status` within `area` whose name, or (with `in_data`) whose
/// stored form, contains `keyword`: the candidates of a topic count, which the caller
/// narrows to the name or the details exactly. A scan of the area's activities: the keyword
/// is the evaluator's, so no rollup can hold it.
pub async fn with_keyword(
    db: &impl ConnectionTrait,
    campaign_id: i64,
    status: &str,
    area: Condition,
    keyword: &str,
    in_data: bool,
) -> Result<Vec<activity::Model>, DbErr> {
    let escaped = keyword
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    let like = || LikeExpr::new(format!("%{escaped}%")).escape('\\');
    let mut matches = Condition::any().add(Expr::col(activity::Column::Name).like(like()));
    if in_data {
        matches = matches.add(Expr::col(activity::Column::Data).like(like()));
    }
    activity::Entity::find()
        .filter(activity::Column::CampaignId.eq(campaign_id))
        .filter(activity::Column::Status.eq(status))
        .filter(area)
        .filter(matches)
        .all(db)
        .await
}

/// A campaign's approved activities matching `filter` (one subject's), by id.
pub async fn approved_in(
    db: &impl ConnectionTrait,
    campaign_id: i64,
    filter: Condition,
) -> Result<Vec<activity::Model>, DbErr> {
    activity::Entity::find()
        .filter(activity::Column::CampaignId.eq(campaign_id))
        .filter(activity::Column::Status.eq("approved"))
        .filter(filter)
        .order_by_asc(activity::Column::Id)
        .all(db)
        .await
}

/// A campaign's nominated activities matching `filter` (over `activities`), with their
/// nomination's state, leaving out those in state `stopped`.
pub async fn nominated_activities(
    db: &impl ConnectionTrait,
    campaign_id: i64,
    filter: Condition,
    stopped: &str,
) -> Result<Vec<(activity::Model, String)>, DbErr> {
    let nominations = nomination::Entity::find()
        .filter(nomination::Column::CampaignId.eq(campaign_id))
        .filter(nomination::Column::TargetKind.eq("activity"))
        .filter(nomination::Column::Status.ne(stopped))
        .all(db)
        .await?;
    let states: std::collections::HashMap<i64, String> = nominations
        .into_iter()
        .map(|n| (n.target_id, n.status))
        .collect();
    let mut out = Vec::new();
    let ids: Vec<i64> = states.keys().copied().collect();
    for chunk in ids.chunks(5000) {
        for a in activity::Entity::find()
            .filter(activity::Column::Id.is_in(chunk.iter().copied()))
            .filter(filter.clone())
            .order_by_asc(activity::Column::Id)
            .all(db)
            .await?
        {
            let state = states.get(&a.id).cloned().unwrap_or_default();
            out.push((a, state));
        }
    }
    Ok(out)
}

/// The approved activities whose first host is `org_id`, in any campaign, newest first, at
/// most `limit`.
pub async fn approved_of_org(
    db: &impl ConnectionTrait,
    org_id: i64,
    limit: u64,
) -> Result<Vec<activity::Model>, DbErr> {
    activity::Entity::find()
        .filter(activity::Column::FirstHostId.eq(org_id))
        .filter(activity::Column::Status.eq("approved"))
        .order_by_desc(activity::Column::Id)
        .limit(limit)
        .all(db)
        .await
}
