//! 任务指标: targets set for divisions or organisations, and the counts their progress is
//! read from. Queries only; who may set or see a target is the use case's to decide (its
//! scope arrives here as a `Condition`).

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder,
};

use crate::entities::{activity, quota, stat_count};

/// A target as set.
pub struct NewQuota {
    /// Its campaign.
    pub campaign_id: i64,
    /// `region` or `org`.
    pub target_kind: String,
    /// Division code or organisation id.
    pub target_ref: String,
    /// Section key, or empty for all.
    pub section: String,
    /// `activities` or `online_posts`.
    pub measure: String,
    /// Target count.
    pub target: i64,
    /// An organisation counts its subordinate units too.
    pub include_system: bool,
    /// Province of the target.
    pub province_code: Option<String>,
    /// City of the target.
    pub city_code: Option<String>,
    /// County of the target.
    pub county_code: Option<String>,
    /// Who set it.
    pub set_by: i64,
    /// When.
    pub updated_at: DateTime<Utc>,
}

/// Inserts a target, or replaces the number, system flag, setter and time of the one with
/// the same campaign, kind, reference and section; answers the row as saved.
pub async fn set(db: &impl ConnectionTrait, new: NewQuota) -> Result<Option<quota::Model>, DbErr> {
    let model = quota::ActiveModel {
        campaign_id: Set(new.campaign_id),
        target_kind: Set(new.target_kind.clone()),
        target_ref: Set(new.target_ref.clone()),
        section: Set(new.section.clone()),
        measure: Set(new.measure.clone()),
        target: Set(new.target),
        include_system: Set(new.include_system),
        province_code: Set(new.province_code),
        city_code: Set(new.city_code),
        county_code: Set(new.county_code),
        set_by: Set(new.set_by),
        updated_at: Set(new.updated_at),
        ..Default::default()
    };
    quota::Entity::insert(model)
        .on_conflict(
            OnConflict::columns([
                quota::Column::CampaignId,
                quota::Column::TargetKind,
                quota::Column::TargetRef,
                quota::Column::Section,
                quota::Column::Measure,
            ])
            .update_columns([
                quota::Column::Target,
                quota::Column::IncludeSystem,
                quota::Column::SetBy,
                quota::Column::UpdatedAt,
            ])
            .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    quota::Entity::find()
        .filter(quota::Column::CampaignId.eq(new.campaign_id))
        .filter(quota::Column::TargetKind.eq(new.target_kind))
        .filter(quota::Column::TargetRef.eq(new.target_ref))
        .filter(quota::Column::Section.eq(new.section))
        .filter(quota::Column::Measure.eq(new.measure))
        .one(db)
        .await
}

/// Deletes target `id` if it satisfies `scope`; the row deleted, if it did.
pub async fn delete_within(
    db: &impl ConnectionTrait,
    id: i64,
    scope: Condition,
) -> Result<Option<quota::Model>, DbErr> {
    let Some(row) = quota::Entity::find()
        .filter(quota::Column::Id.eq(id))
        .filter(scope)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    quota::Entity::delete_by_id(row.id).exec(db).await?;
    Ok(Some(row))
}

/// The targets of a campaign that satisfy both `scope` and `area`, by kind and reference.
pub async fn within(
    db: &impl ConnectionTrait,
    campaign_id: i64,
    scope: Condition,
    area: Condition,
) -> Result<Vec<quota::Model>, DbErr> {
    quota::Entity::find()
        .filter(quota::Column::CampaignId.eq(campaign_id))
        .filter(scope)
        .filter(area)
        .order_by_asc(quota::Column::TargetKind)
        .order_by_asc(quota::Column::TargetRef)
        .all(db)
        .await
}

/// The targets of a campaign of this kind and section set for any of `refs`.
pub async fn for_refs(
    db: &impl ConnectionTrait,
    campaign_id: i64,
    kind: &str,
    section: &str,
    measure: &str,
    refs: Vec<String>,
) -> Result<Vec<quota::Model>, DbErr> {
    quota::Entity::find()
        .filter(quota::Column::CampaignId.eq(campaign_id))
        .filter(quota::Column::TargetKind.eq(kind))
        .filter(quota::Column::Section.eq(section))
        .filter(quota::Column::Measure.eq(measure))
        .filter(quota::Column::TargetRef.is_in(refs))
        .all(db)
        .await
}

/// The rolled-up count of a campaign in a division for one dimension and key, if any.
pub async fn rollup(
    db: &impl ConnectionTrait,
    campaign_id: i64,
    scope_code: &str,
    dim: &str,
    key: &str,
) -> Result<Option<i64>, DbErr> {
    Ok(stat_count::Entity::find()
        .filter(stat_count::Column::CampaignId.eq(campaign_id))
        .filter(stat_count::Column::ScopeCode.eq(scope_code))
        .filter(stat_count::Column::Dim.eq(dim))
        .filter(stat_count::Column::Key.eq(key))
        .one(db)
        .await?
        .map(|c| c.n))
}

/// How many activities of a campaign in `status` have one of `hosts` as first host (in
/// `section` when given).
pub async fn count_hosted(
    db: &impl ConnectionTrait,
    campaign_id: i64,
    status: &str,
    hosts: Vec<i64>,
    section: Option<&str>,
) -> Result<u64, DbErr> {
    let mut query = activity::Entity::find()
        .filter(activity::Column::CampaignId.eq(campaign_id))
        .filter(activity::Column::Status.eq(status))
        .filter(activity::Column::FirstHostId.is_in(hosts));
    if let Some(section) = section {
        query = query.filter(activity::Column::Section.eq(section));
    }
    query.count(db).await
}
