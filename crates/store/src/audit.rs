//! The audit trail's rows (操作记录): written in the transaction of the action they record.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, Condition, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect,
};

use crate::entities::audit::{ActiveModel, Column, Entity, Model};

/// One recorded action.
pub struct Entry<'a> {
    /// When.
    pub at: DateTime<Utc>,
    /// Who (none for the system).
    pub actor_id: Option<i64>,
    /// What, e.g. `activity.decide`.
    pub action: &'a str,
    /// The kind of record acted on.
    pub target_kind: &'a str,
    /// Its id.
    pub target_id: &'a str,
    /// Where it lies: province, city and county codes.
    pub area: [Option<String>; 3],
    /// What changed, as JSON text.
    pub detail: String,
}

/// Appends an entry.
pub async fn append(db: &impl ConnectionTrait, e: Entry<'_>) -> Result<(), DbErr> {
    let [province, city, county] = e.area;
    ActiveModel {
        at: Set(e.at),
        actor_id: Set(e.actor_id),
        action: Set(e.action.to_owned()),
        target_kind: Set(e.target_kind.to_owned()),
        target_id: Set(e.target_id.to_owned()),
        province_code: Set(province),
        city_code: Set(city),
        county_code: Set(county),
        detail: Set(e.detail),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The latest `limit` entries within `scope` (the reader's areas), newest first.
pub async fn latest(
    db: &impl ConnectionTrait,
    scope: Condition,
    limit: u64,
) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .filter(scope)
        .order_by_desc(Column::Id)
        .limit(limit)
        .all(db)
        .await
}
