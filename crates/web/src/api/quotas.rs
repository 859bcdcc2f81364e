//! Task targets (任务指标) for the areas and organisations below.

use app::App;
use app::quotas::QuotaInput;
use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::StatusCode;

use crate::caller::Authed;
use crate::error::ApiError;

/// `PUT /api/v1/quotas {target_kind, target_ref, section?, target, include_system?}`.
#[utoipa::path(put, path = "/api/v1/quotas", security(("bearer" = [])), request_body = app::quotas::QuotaInput, responses((status = 200, description = "指标及进度", body = app::quotas::QuotaProgress)))]
pub async fn set_quota(
    State(app): State<App>,
    Authed(actor): Authed,
    body: Result<Json<QuotaInput>, JsonRejection>,
) -> Result<Json<app::quotas::QuotaProgress>, ApiError> {
    let Json(body) = body?;
    Ok(Json(app.set_quota(&actor, body).await?))
}

/// `DELETE /api/v1/quotas/{id}`.
#[utoipa::path(delete, path = "/api/v1/quotas/{id}", security(("bearer" = [])), params(("id" = i64, Path)), responses((status = 204, description = "已删除")))]
pub async fn delete_quota(
    State(app): State<App>,
    Authed(actor): Authed,
    id: Result<Path<i64>, PathRejection>,
) -> Result<StatusCode, ApiError> {
    let Path(id) = id?;
    app.delete_quota(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
