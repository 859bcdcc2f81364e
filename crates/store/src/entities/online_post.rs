//! 千万IP创科普: a post on another platform, registered by a host organisation.

use sea_orm::entity::prelude::*;

/// A row of `online_posts`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "online_posts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub campaign_id: i64,
    /// The posting organisation.
    pub org_id: i64,
    /// The organisation's division and its path.
    pub region_code: String,
    pub province_code: Option<String>,
    pub city_code: Option<String>,
    pub county_code: Option<String>,
    /// Wire name (`douyin`, …).
    pub platform: String,
    /// The link as given.
    pub url: String,
    /// The link as compared (unique in the campaign).
    pub url_key: String,
    pub title: String,
    /// `content`, `qa` or `interaction`.
    pub kind: String,
    pub published_at: DateTimeUtc,
    pub activity_id: Option<i64>,
    /// Self-reported figures, JSON.
    pub metrics: Option<String>,
    /// `visible` or `hidden`.
    pub status: String,
    pub hidden_reason: Option<String>,
    pub created_by: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// No relations are declared; joins are written where they are needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
