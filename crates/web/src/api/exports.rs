//! The activity table (活动项目汇总表): exported for an area, imported as drafts.

use app::exports::{ExportQuery, IMPORT_MAX_BYTES};
use app::{App, AppError};
use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::xlsx_download;
use crate::caller::Authed;
use crate::error::ApiError;

/// `GET /api/v1/exports/activities.xlsx?region=&status=&section=`: streamed from a
/// temporary file written in constant memory.
#[utoipa::path(get, path = "/api/v1/exports/activities.xlsx", security(("bearer" = [])), params(app::exports::ExportQuery), responses((status = 200, description = "活动项目汇总表 xlsx", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn export_activities(
    State(app): State<App>,
    Authed(actor): Authed,
    q: Result<Query<ExportQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(q) = q?;
    let export = app.export_activities(&actor, q).await?;
    let file = tokio::fs::File::from_std(export.file);
    let body = Body::from_stream(tokio_util::io::ReaderStream::new(file));
    Ok(xlsx_download("活动项目汇总表.xlsx", body, Some(export.len)))
}

/// `POST /api/v1/imports/activities.xlsx` with the xlsx as the body: drafts in bulk.
#[utoipa::path(post, path = "/api/v1/imports/activities.xlsx", security(("bearer" = [])), request_body(content = crate::api::Binary, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), responses((status = 201, description = "{created, ids}", body = app::exports::Imported), (status = 422, description = "按行列出的错误，未导入任何活动")))]
pub async fn import_activities(
    State(app): State<App>,
    Authed(actor): Authed,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, Json<app::exports::Imported>), ApiError> {
    let body = body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::TooLarge(format!(
                "导入文件不能超过{}MB",
                IMPORT_MAX_BYTES / 1024 / 1024
            ))
        } else {
            AppError::Malformed("无法读取上传的文件".to_owned())
        }
    })?;
    let answer = app.import_activities(&actor, body.to_vec()).await?;
    Ok((StatusCode::CREATED, Json(answer)))
}
