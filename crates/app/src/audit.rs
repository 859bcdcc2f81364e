//! The audit log: what was done, by whom, where. Written in the same transaction as the
//! action; read by administrators of the area it happened in.

use chrono::{DateTime, Utc};
use domain::region::RegionPath;
use serde::Serialize;
use store::entities::audit;
use store::sea_orm::ConnectionTrait;

use crate::{Actor, App, AppError};

/// An audit entry as shown to administrators.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
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
pub(crate) async fn record(
    db: &impl ConnectionTrait,
    at: DateTime<Utc>,
    actor_id: Option<i64>,
    action: &str,
    target_kind: &str,
    target_id: &str,
    path: &RegionPath,
    detail: serde_json::Value,
) -> Result<(), AppError> {
    let entry = store::audit::Entry {
        at,
        actor_id,
        action,
        target_kind,
        target_id,
        area: [
            path.province.clone(),
            path.city.clone(),
            path.county.clone(),
        ],
        detail: detail.to_string(),
    };
    Ok(store::audit::append(db, entry).await?)
}

impl App {
    /// The latest audit entries in the actor's areas.
    pub async fn audit_log(&self, actor: &Actor, limit: u64) -> Result<Vec<AuditEntry>, AppError> {
        if !actor.is_admin() {
            return Err(AppError::Forbidden("只有管理员可以查看操作记录".to_owned()));
        }
        let scope = crate::scope::scope_condition(
            actor,
            audit::Column::ProvinceCode,
            audit::Column::CityCode,
            audit::Column::CountyCode,
        );
        let rows = store::audit::latest(&self.db, scope, limit).await?;
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
