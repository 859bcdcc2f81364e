//! 科普视频征集: a contest, its settings kept whole as JSON (checked by `domain::contest`).

use sea_orm::entity::prelude::*;

/// A row of `contests`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "contests")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// 名称 (also inside `settings`; kept here for lists and search).
    pub name: String,
    /// The organiser's division.
    pub region_code: String,
    pub province_code: Option<String>,
    pub city_code: Option<String>,
    pub county_code: Option<String>,
    /// `draft`, `open`, `judging`, `closed` or `published`.
    pub status: String,
    /// `domain::contest::ContestSettings` as JSON.
    pub settings: String,
    /// Set at the first submission: file rules, criteria, modes and the vote weight freeze.
    pub frozen: bool,
    pub created_by: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// Optimistic lock (`If-Match`).
    pub version: i64,
    /// `publicity` or `final` once results are published.
    pub results_stage: Option<String>,
    /// The results as last computed since publication (JSON), for the public.
    pub results: Option<String>,
}

/// No relations are declared; joins are written where they are needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
