//! The activity table (活动项目汇总表): exported for an area, imported as drafts.

use app::exports::{ExportQuery, IMPORT_MAX_BYTES, ImportQuery};
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

/// The uploaded table, or the reason it could not be read.
fn table_of(body: Result<Bytes, BytesRejection>) -> Result<Vec<u8>, AppError> {
    body.map(|b| b.to_vec()).map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::TooLarge(format!(
                "导入文件不能超过{}MB",
                IMPORT_MAX_BYTES / 1024 / 1024
            ))
        } else {
            AppError::Malformed("无法读取上传的文件".to_owned())
        }
    })
}

/// `POST /api/v1/imports/activities.xlsx?on_duplicate=` with the xlsx as the body: drafts
/// in bulk.
#[utoipa::path(post, path = "/api/v1/imports/activities.xlsx", security(("bearer" = [])), params(app::exports::ImportQuery), request_body(content = crate::api::Binary, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), responses((status = 201, description = "{created, ids, skipped}", body = app::exports::Imported), (status = 422, description = "按行列出的错误或重复，未导入任何活动")))]
pub async fn import_activities(
    State(app): State<App>,
    Authed(actor): Authed,
    q: Result<Query<ImportQuery>, QueryRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, Json<app::exports::Imported>), ApiError> {
    let Query(q) = q?;
    let answer = app
        .import_activities(&actor, table_of(body)?, q.on_duplicate.unwrap_or_default())
        .await?;
    Ok((StatusCode::CREATED, Json(answer)))
}

/// `POST /api/v1/imports/activities/preview` with the xlsx as the body: every row with its
/// problems and what it repeats; nothing is written.
#[utoipa::path(post, path = "/api/v1/imports/activities/preview", security(("bearer" = [])), request_body(content = crate::api::Binary, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), responses((status = 200, description = "逐行预览", body = app::exports::ImportPreview)))]
pub async fn preview_import(
    State(app): State<App>,
    Authed(actor): Authed,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<app::exports::ImportPreview>, ApiError> {
    Ok(Json(app.preview_import(&actor, table_of(body)?).await?))
}

/// `GET /api/v1/imports/activities-template.xlsx`: the table to fill in.
#[utoipa::path(get, path = "/api/v1/imports/activities-template.xlsx", security(()), responses((status = 200, description = "导入模板 xlsx", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn import_template(State(app): State<App>) -> Result<Response, ApiError> {
    let bytes = app.import_template()?;
    let len = bytes.len() as u64;
    Ok(xlsx_download(
        "活动导入模板.xlsx",
        Body::from(bytes),
        Some(len),
    ))
}
