//! Health and the audit log.

use app::App;
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use serde::Deserialize;

use crate::caller::Authed;
use crate::error::ApiError;

/// `GET /healthz`: 200 when the server and its database answer.
#[utoipa::path(get, path = "/healthz", security(()), responses((status = 200, description = "服务与数据库正常", content_type = "text/plain"), (status = 503, description = "数据库无响应", content_type = "text/plain")))]
pub async fn healthz(State(app): State<App>) -> (StatusCode, &'static str) {
    match app.ping().await {
        Ok(_) => (StatusCode::OK, "ok"),
        Err(e) => {
            tracing::error!(error = %e, "health check: database did not answer");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}

/// Query of `GET /api/v1/audit`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    #[param(minimum = 1, maximum = 200)]
    limit: Option<u64>,
}

/// `GET /api/v1/audit?limit=`: the latest admin actions in the caller's areas.
#[utoipa::path(get, path = "/api/v1/audit", security(("bearer" = [])), params(AuditQuery), responses((status = 200, description = "操作记录，最新在前", body = Vec<app::audit::AuditEntry>)))]
pub async fn audit(
    State(app): State<App>,
    Authed(actor): Authed,
    query: Result<Query<AuditQuery>, QueryRejection>,
) -> Result<Json<Vec<app::audit::AuditEntry>>, ApiError> {
    let Query(query) = query?;
    let limit = query.limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(app::AppError::Malformed("limit 须在1至200之间".to_owned()).into());
    }
    Ok(Json(app.audit_log(&actor, limit).await?))
}
