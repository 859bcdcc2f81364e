//! The organisation registry (单位库): organisations and their members. Queries only; who
//! may apply, certify or add a member is the use case's to decide.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, LikeExpr, OnConflict};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::entities::{org, org_member};

/// An organisation to insert (undecided).
pub struct NewOrg {
    /// Full name.
    pub name: String,
    /// Its name key.
    pub name_key: String,
    /// Wire name of its kind.
    pub kind: String,
    /// Wire name of its level.
    pub level: String,
    /// Its division.
    pub region_code: String,
    /// Province of its division.
    pub province_code: Option<String>,
    /// City of its division.
    pub city_code: Option<String>,
    /// County of its division.
    pub county_code: Option<String>,
    /// The organisation it belongs to.
    pub parent_id: Option<i64>,
    /// 统一社会信用代码.
    pub credit_code: Option<String>,
    /// Its initial status.
    pub status: String,
    /// Who applied.
    pub created_by: Option<i64>,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// Inserts an organisation.
pub async fn add(db: &impl ConnectionTrait, new: NewOrg) -> Result<org::Model, DbErr> {
    org::ActiveModel {
        name_key: Set(Some(new.name_key)),
        name: Set(new.name),
        kind: Set(new.kind),
        level: Set(new.level),
        region_code: Set(new.region_code),
        province_code: Set(new.province_code),
        city_code: Set(new.city_code),
        county_code: Set(new.county_code),
        parent_id: Set(new.parent_id),
        credit_code: Set(new.credit_code),
        status: Set(new.status),
        status_reason: Set(None),
        national_certified: Set(false),
        decided_by: Set(None),
        decided_at: Set(None),
        created_by: Set(new.created_by),
        created_at: Set(new.created_at),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// The organisation with this id.
pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<org::Model>, DbErr> {
    org::Entity::find_by_id(id).one(db).await
}

/// The organisations with these ids, in no particular order.
pub async fn find_many(db: &impl ConnectionTrait, ids: &[i64]) -> Result<Vec<org::Model>, DbErr> {
    org::Entity::find()
        .filter(org::Column::Id.is_in(ids.to_vec()))
        .all(db)
        .await
}

/// The organisations whose parent is one of `parents`.
pub async fn children_of(
    db: &impl ConnectionTrait,
    parents: Vec<i64>,
) -> Result<Vec<org::Model>, DbErr> {
    org::Entity::find()
        .filter(org::Column::ParentId.is_in(parents))
        .all(db)
        .await
}

/// An organisation registered with this credit code.
pub async fn find_by_credit_code(
    db: &impl ConnectionTrait,
    code: &str,
) -> Result<Option<org::Model>, DbErr> {
    org::Entity::find()
        .filter(org::Column::CreditCode.eq(code))
        .one(db)
        .await
}

/// An organisation with this name key in `region_code`.
pub async fn find_by_name_key_in(
    db: &impl ConnectionTrait,
    name_key: &str,
    region_code: &str,
) -> Result<Option<org::Model>, DbErr> {
    org::Entity::find()
        .filter(org::Column::NameKey.eq(name_key))
        .filter(org::Column::RegionCode.eq(region_code))
        .one(db)
        .await
}

/// An organisation with this name key whose status is not `excluded`, one whose status is
/// `preferred` first.
pub async fn find_by_name_key(
    db: &impl ConnectionTrait,
    name_key: &str,
    excluded: &str,
    preferred: &str,
) -> Result<Option<org::Model>, DbErr> {
    org::Entity::find()
        .filter(org::Column::NameKey.eq(name_key))
        .filter(org::Column::Status.ne(excluded))
        .order_by_asc(Expr::col(org::Column::Status).ne(preferred))
        .one(db)
        .await
}

/// Up to `limit` organisations whose name contains `q` (taken literally) and whose status is
/// not `excluded`: those whose status is `preferred` first, then by name.
pub async fn search_by_name(
    db: &impl ConnectionTrait,
    q: &str,
    excluded: &str,
    preferred: &str,
    limit: u64,
) -> Result<Vec<org::Model>, DbErr> {
    let pattern = format!(
        "%{}%",
        q.replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    );
    org::Entity::find()
        .filter(Expr::col(org::Column::Name).like(LikeExpr::new(pattern).escape('\\')))
        .filter(org::Column::Status.ne(excluded))
        .order_by_asc(Expr::col(org::Column::Status).ne(preferred))
        .order_by_asc(org::Column::Name)
        .limit(limit)
        .all(db)
        .await
}

/// How many organisations `user_id` applied for after `since`.
pub async fn count_created_since(
    db: &impl ConnectionTrait,
    user_id: i64,
    since: DateTime<Utc>,
) -> Result<u64, DbErr> {
    org::Entity::find()
        .filter(org::Column::CreatedBy.eq(user_id))
        .filter(org::Column::CreatedAt.gt(since))
        .count(db)
        .await
}

/// Up to `limit` organisations without a name key.
pub async fn without_name_key(
    db: &impl ConnectionTrait,
    limit: u64,
) -> Result<Vec<org::Model>, DbErr> {
    org::Entity::find()
        .filter(org::Column::NameKey.is_null())
        .limit(limit)
        .all(db)
        .await
}

/// Saves an organisation's name key.
pub async fn set_name_key(db: &impl ConnectionTrait, id: i64, key: String) -> Result<(), DbErr> {
    org::Entity::update_many()
        .col_expr(org::Column::NameKey, Expr::value(key))
        .filter(org::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// A certification decision.
pub struct Decided {
    /// The new status.
    pub status: String,
    /// The reason given.
    pub reason: Option<String>,
    /// Whether a national administrator certified it.
    pub national_certified: bool,
    /// Who decided.
    pub by: i64,
    /// When.
    pub at: DateTime<Utc>,
}

/// Saves a certification decision on `found`.
pub async fn decide(
    db: &impl ConnectionTrait,
    found: org::Model,
    decided: Decided,
) -> Result<org::Model, DbErr> {
    let mut row: org::ActiveModel = found.into();
    row.status = Set(decided.status);
    row.status_reason = Set(decided.reason);
    row.national_certified = Set(decided.national_certified);
    row.decided_by = Set(Some(decided.by));
    row.decided_at = Set(Some(decided.at));
    row.update(db).await
}

/// Whether `user_id` is a member of `org_id`.
pub async fn is_member(
    db: &impl ConnectionTrait,
    org_id: i64,
    user_id: i64,
) -> Result<bool, DbErr> {
    Ok(org_member::Entity::find_by_id((org_id, user_id))
        .one(db)
        .await?
        .is_some())
}

/// Makes `user_id` a member of `org_id` (a duplicate is a unique violation).
pub async fn add_member(
    db: &impl ConnectionTrait,
    org_id: i64,
    user_id: i64,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    org_member::ActiveModel {
        org_id: Set(org_id),
        user_id: Set(user_id),
        added_at: Set(at),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Makes `user_id` a member of `org_id` unless already; how many rows were added (0 or 1).
pub async fn add_member_if_absent(
    db: &impl ConnectionTrait,
    org_id: i64,
    user_id: i64,
    at: DateTime<Utc>,
) -> Result<u64, DbErr> {
    org_member::Entity::insert(org_member::ActiveModel {
        org_id: Set(org_id),
        user_id: Set(user_id),
        added_at: Set(at),
    })
    .on_conflict(
        OnConflict::columns([org_member::Column::OrgId, org_member::Column::UserId])
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await
}

/// The organisations `user_id` is a member of, by id.
pub async fn of_member(db: &impl ConnectionTrait, user_id: i64) -> Result<Vec<org::Model>, DbErr> {
    let member_of: Vec<i64> = org_member::Entity::find()
        .filter(org_member::Column::UserId.eq(user_id))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.org_id)
        .collect();
    org::Entity::find()
        .filter(org::Column::Id.is_in(member_of))
        .order_by_asc(org::Column::Id)
        .all(db)
        .await
}

/// The organisations lying within `area` (a condition over `orgs`), in any state but
/// `rejected`, by id.
pub async fn within(
    db: &impl ConnectionTrait,
    area: sea_orm::Condition,
    rejected: &str,
) -> Result<Vec<org::Model>, DbErr> {
    org::Entity::find()
        .filter(area)
        .filter(org::Column::Status.ne(rejected))
        .order_by_asc(org::Column::Id)
        .all(db)
        .await
}
