//! 考评方案: a level's evaluation of the level below, its settings kept whole as JSON
//! (checked by `domain::evaluation`).

use sea_orm::entity::prelude::*;

/// A row of `evaluation_schemes`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "evaluation_schemes")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The campaign evaluated.
    pub campaign_id: i64,
    /// The evaluating division.
    pub region_code: String,
    pub province_code: Option<String>,
    pub city_code: Option<String>,
    pub county_code: Option<String>,
    /// 名称 (also inside `settings`).
    pub name: String,
    /// `domain::evaluation::SchemeSettings` as JSON.
    #[sea_orm(column_type = "Text")]
    pub settings: String,
    /// Frozen: the results are kept as computed then, and judged scores no longer change.
    pub frozen: bool,
    /// Published to the level below.
    pub published: bool,
    /// The results as frozen (JSON).
    #[sea_orm(column_type = "Text", nullable)]
    pub frozen_results: Option<String>,
    pub frozen_at: Option<DateTimeUtc>,
    pub created_by: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// No relations are declared; joins are written where they are needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
