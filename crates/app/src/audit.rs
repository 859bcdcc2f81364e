//! The audit log: what was done, by whom, where. Written in the same transaction as the
//! action; read by administrators of the area it happened in.

use chrono::{DateTime, Utc};
use domain::region::RegionPath;
use serde::Serialize;
use store::entities::audit;
use store::sea_orm::sea_query::{Expr, ExprTrait};
use store::sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect,
};

use crate::{Actor, App, AppError};

/// An audit entry as shown to administrators.
#[derive(Debug, Clone, Serialize)]
pub struct AuditEntry {
    /// When.
    pub at: DateTime<Utc>,
    /// Who.
    pub actor_id: Option<i64>,
    /// What.
    pub action: String,
    /// On what kind of record.
    pub target_kind: String,
    /// Which.
    pub target_id: String,
    /// Details.
    pub detail: serde_json::Value,
}

/// Records an action.
#[expect(
    clippy::too_many_arguments,
    reason = "one flat record, named at every call"
)]
pub async fn record(
    db: &impl ConnectionTrait,
    at: DateTime<Utc>,
    actor_id: Option<i64>,
    action: &str,
    target_kind: &str,
    target_id: &str,
    path: &RegionPath,
    detail: serde_json::Value,
) -> Result<(), AppError> {
    audit::ActiveModel {
        at: Set(at),
        actor_id: Set(actor_id),
        action: Set(action.to_owned()),
        target_kind: Set(target_kind.to_owned()),
        target_id: Set(target_id.to_owned()),
        province_code: Set(path.province.clone()),
        city_code: Set(path.city.clone()),
        county_code: Set(path.county.clone()),
        detail: Set(detail.to_string()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The condition "lies within one of the areas this actor governs", applied in queries
/// over any table with `province_code`, `city_code` and `county_code` columns.
pub fn scope_condition<C: ColumnTrait>(
    actor: &Actor,
    province: C,
    city: C,
    county: C,
) -> Condition {
    use domain::region::RegionLevel;
    let mut any = Condition::any();
    for grant in &actor.grants {
        match grant.role.governs() {
            Some(None) => return Condition::all(),
            Some(Some(RegionLevel::Province)) => {
                any = any.add(province.eq(grant.region_code.clone()))
            }
            Some(Some(RegionLevel::City)) => any = any.add(city.eq(grant.region_code.clone())),
            Some(Some(RegionLevel::County)) => any = any.add(county.eq(grant.region_code.clone())),
            None => {}
        }
    }
    if any.is_empty() {
        // Someone who governs nowhere sees nothing.
        return Condition::all().add(Expr::val(1).eq(0));
    }
    any
}

/// The condition "lies within the division at `path`" (the whole country when empty), over
/// a table's `province_code`, `city_code` and `county_code` columns.
pub fn area_condition<C: ColumnTrait>(
    path: &RegionPath,
    province: C,
    city: C,
    county: C,
) -> Condition {
    match (&path.county, &path.city, &path.province) {
        (Some(c), _, _) => Condition::all().add(county.eq(c.clone())),
        (None, Some(c), _) => Condition::all().add(city.eq(c.clone())),
        (None, None, Some(c)) => Condition::all().add(province.eq(c.clone())),
        (None, None, None) => Condition::all(),
    }
}

impl App {
    /// The latest audit entries in the actor's areas.
    pub async fn audit_log(&self, actor: &Actor, limit: u64) -> Result<Vec<AuditEntry>, AppError> {
        if !actor.is_admin() {
            return Err(AppError::Forbidden("只有管理员可以查看操作记录".to_owned()));
        }
        let scope = scope_condition(
            actor,
            audit::Column::ProvinceCode,
            audit::Column::CityCode,
            audit::Column::CountyCode,
        );
        let rows = audit::Entity::find()
            .filter(scope)
            .order_by_desc(audit::Column::Id)
            .limit(limit)
            .all(&self.db)
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| AuditEntry {
                at: r.at,
                actor_id: r.actor_id,
                action: r.action,
                target_kind: r.target_kind,
                target_id: r.target_id,
                detail: serde_json::from_str(&r.detail).unwrap_or(serde_json::Value::Null),
            })
            .collect())
    }
}
