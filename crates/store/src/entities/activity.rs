//! Activities: the host's draft as JSON (domain::activity::ActivityDraft), with the columns lists and scope filter on.

use sea_orm::entity::prelude::*;

/// A row of `activities`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "activities")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The campaign whose rules it is checked against.
    pub campaign_id: i64,
    /// The user who created it.
    pub owner_id: i64,
    /// Review state (wire name).
    pub status: String,
    /// Optimistic-concurrency version, raised by every write.
    pub version: i64,
    /// The draft, serialised.
    #[sea_orm(column_type = "Text")]
    pub data: String,
    /// Name (empty until given).
    pub name: String,
    /// Section key.
    pub section: Option<String>,
    pub start_at: Option<DateTimeUtc>,
    pub end_at: Option<DateTimeUtc>,
    pub region_code: Option<String>,
    /// Province of the division.
    pub province_code: Option<String>,
    /// City of the division.
    pub city_code: Option<String>,
    /// County of the division.
    pub county_code: Option<String>,
    pub mode: Option<String>,
    pub venue_type: Option<String>,
    pub reservable: bool,
    pub expected_participants: Option<i64>,
    /// First host organisation.
    pub first_host_id: Option<i64>,
    /// Longitude (WGS-84).
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    /// Last submitted.
    pub submitted_at: Option<DateTimeUtc>,
    /// Last decided.
    pub decided_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    /// Last changed.
    pub updated_at: DateTimeUtc,
    /// One bit per audience, in the order of `domain::activity::AUDIENCES`.
    pub audience_mask: i64,
    /// The host means to put it forward as excellent (拟推优): reminders also go by SMS.
    pub excellence_intent: bool,
    /// When it entered the review it waits in (none when it waits in none).
    pub review_entered_at: Option<DateTimeUtc>,
    /// When that review is due (the campaign's working days for the level).
    pub review_due_at: Option<DateTimeUtc>,
}

/// No relations are declared; joins are written where they are needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
