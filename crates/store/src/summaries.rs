//! 工作总结 rows: one summary per campaign and scope (a unit, or a county's, city's or
//! province's association), and its attachments.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};

use crate::entities::{org, org_member, summary, summary_file, user_role};

/// The summary of a scope in a campaign, if any.
pub async fn find(
    db: &impl ConnectionTrait,
    campaign_id: i64,
    kind: &str,
    reference: &str,
) -> Result<Option<summary::Model>, DbErr> {
    summary::Entity::find()
        .filter(summary::Column::CampaignId.eq(campaign_id))
        .filter(summary::Column::ScopeKind.eq(kind))
        .filter(summary::Column::ScopeRef.eq(reference))
        .one(db)
        .await
}

/// A summary as saved.
pub struct Saved<'a> {
    /// 活动季
    pub campaign_id: i64,
    /// `unit`, `society`, `county`, `city` or `province`.
    pub kind: &'a str,
    /// The organisation id or division code.
    pub reference: &'a str,
    /// Where it lies: province, city and county codes.
    pub area: [Option<String>; 3],
    /// The text as JSON.
    pub data: String,
    /// Who wrote it last.
    pub author_id: i64,
    /// When it was submitted, if it was.
    pub submitted_at: Option<DateTime<Utc>>,
    /// Now.
    pub updated_at: DateTime<Utc>,
}

/// Writes a summary, replacing the scope's stored one.
pub async fn save(db: &impl ConnectionTrait, s: Saved<'_>) -> Result<(), DbErr> {
    let [province, city, county] = s.area;
    let model = summary::ActiveModel {
        campaign_id: Set(s.campaign_id),
        scope_kind: Set(s.kind.to_owned()),
        scope_ref: Set(s.reference.to_owned()),
        province_code: Set(province),
        city_code: Set(city),
        county_code: Set(county),
        data: Set(s.data),
        author_id: Set(s.author_id),
        submitted_at: Set(s.submitted_at),
        updated_at: Set(s.updated_at),
        ..Default::default()
    };
    summary::Entity::insert(model)
        .on_conflict(
            OnConflict::columns([
                summary::Column::CampaignId,
                summary::Column::ScopeKind,
                summary::Column::ScopeRef,
            ])
            .update_columns([
                summary::Column::Data,
                summary::Column::AuthorId,
                summary::Column::SubmittedAt,
                summary::Column::UpdatedAt,
            ])
            .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// An attachment as stored.
pub struct NewFile {
    /// The summary.
    pub summary_id: i64,
    /// Who uploaded it.
    pub owner_id: i64,
    /// `photo`, `video` or `slides`.
    pub kind: String,
    /// Its (cleaned) name.
    pub name: String,
    /// Where the file is kept.
    pub storage_key: String,
    /// Its media type.
    pub content_type: String,
    /// Its size.
    pub bytes: i64,
    /// Who agreed to be shown, for photos and videos.
    pub consent: Option<String>,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// Records an attachment; its row.
pub async fn add_file(db: &impl ConnectionTrait, f: NewFile) -> Result<summary_file::Model, DbErr> {
    summary_file::ActiveModel {
        summary_id: Set(f.summary_id),
        owner_id: Set(f.owner_id),
        kind: Set(f.kind),
        name: Set(f.name),
        storage_key: Set(f.storage_key),
        content_type: Set(f.content_type),
        bytes: Set(f.bytes),
        created_at: Set(f.created_at),
        consent: Set(f.consent),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// An attachment with its summary.
pub async fn file_with_summary(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<(summary_file::Model, summary::Model)>, DbErr> {
    let Some(f) = summary_file::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    Ok(summary::Entity::find_by_id(f.summary_id)
        .one(db)
        .await?
        .map(|s| (f, s)))
}

/// Deletes an attachment's row.
pub async fn delete_file(db: &impl ConnectionTrait, id: i64) -> Result<(), DbErr> {
    summary_file::Entity::delete_by_id(id).exec(db).await?;
    Ok(())
}

/// A summary's attachments, in the order uploaded.
pub async fn files_of(
    db: &impl ConnectionTrait,
    summary_id: i64,
) -> Result<Vec<summary_file::Model>, DbErr> {
    summary_file::Entity::find()
        .filter(summary_file::Column::SummaryId.eq(summary_id))
        .order_by_asc(summary_file::Column::Id)
        .all(db)
        .await
}

/// The organisations registered in exactly this division and not rejected (`rejected`).
pub async fn units_in(
    db: &impl ConnectionTrait,
    code: &str,
    rejected: &str,
) -> Result<Vec<org::Model>, DbErr> {
    org::Entity::find()
        .filter(org::Column::RegionCode.eq(code))
        .filter(org::Column::Status.ne(rejected))
        .order_by_asc(org::Column::Id)
        .all(db)
        .await
}

/// The members of an organisation.
pub async fn members_of(db: &impl ConnectionTrait, org_id: i64) -> Result<Vec<i64>, DbErr> {
    Ok(org_member::Entity::find()
        .filter(org_member::Column::OrgId.eq(org_id))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.user_id)
        .collect())
}

/// The people holding one of `roles` for a division.
pub async fn holders_of(
    db: &impl ConnectionTrait,
    code: &str,
    roles: &[&str],
) -> Result<Vec<i64>, DbErr> {
    Ok(user_role::Entity::find()
        .filter(user_role::Column::RegionCode.eq(code))
        .filter(user_role::Column::Role.is_in(roles.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.user_id)
        .collect())
}

/// Submitted summaries of a campaign within `area`.
pub async fn submitted_within(
    db: &impl ConnectionTrait,
    campaign_id: i64,
    area: Condition,
) -> Result<u64, DbErr> {
    summary::Entity::find()
        .filter(summary::Column::CampaignId.eq(campaign_id))
        .filter(summary::Column::SubmittedAt.is_not_null())
        .filter(area)
        .count(db)
        .await
}
