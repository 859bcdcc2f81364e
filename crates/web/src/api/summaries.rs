//! Work summaries (工作总结) of units and associations, with their files and reminders.

use app::summaries::{SummaryFile, SummaryInput, SummaryView};
use app::{App, AppError};
use axum::Json;
use axum::body::Body;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::{Answer, MultipartFile, RegionQuery, SummaryScope};
use crate::caller::Authed;
use crate::error::ApiError;

/// `GET /api/v1/summaries?region=CODE`: who below has submitted, late, or not.
#[utoipa::path(get, path = "/api/v1/summaries", security(("bearer" = [])), params(RegionQuery), responses((status = 200, description = "下级工作总结提交情况", body = app::summaries::SummariesBelow)))]
pub async fn summaries(
    State(app): State<App>,
    Authed(actor): Authed,
    q: Result<Query<RegionQuery>, QueryRejection>,
) -> Result<Json<app::summaries::SummariesBelow>, ApiError> {
    let Query(q) = q?;
    let code = q.region.unwrap_or_else(|| App::home_region(&actor));
    Ok(Json(app.summaries_below(&actor, &code).await?))
}

/// `POST /api/v1/summaries/reminders {region}`.
#[utoipa::path(post, path = "/api/v1/summaries/reminders", security(("bearer" = [])), request_body = RegionQuery, responses((status = 200, description = "{reminded}", body = app::summaries::Reminded), (status = 404, description = "未找到该区划")))]
pub async fn remind_summaries(
    State(app): State<App>,
    Authed(actor): Authed,
    body: Result<Json<RegionQuery>, JsonRejection>,
) -> Result<Json<app::summaries::Reminded>, ApiError> {
    let Json(body) = body?;
    let code = body.region.unwrap_or_else(|| App::home_region(&actor));
    Ok(Json(app.remind_summaries(&actor, &code).await?))
}

/// `GET /api/v1/summaries/{kind}/{ref}`.
#[utoipa::path(get, path = "/api/v1/summaries/{kind}/{ref}", security(("bearer" = [])), params(("kind" = SummaryScope, Path, description = "unit（单位）、county、city 或 province"), ("ref" = String, Path, description = "单位 id 或地区代码", pattern = r"^\d{1,19}$")), responses((status = 200, description = "工作总结", body = app::summaries::SummaryView)))]
pub async fn summary(
    State(app): State<App>,
    Authed(actor): Authed,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Answer<SummaryView> {
    let Path((kind, reference)) = path?;
    Ok(Json(app.summary(&actor, &kind, &reference).await?))
}

/// `PUT /api/v1/summaries/{kind}/{ref}`: saved as a draft, or submitted with `submit`.
#[utoipa::path(put, path = "/api/v1/summaries/{kind}/{ref}", security(("bearer" = [])), request_body = app::summaries::SummaryInput, params(("kind" = SummaryScope, Path, description = "unit（单位）、county、city 或 province"), ("ref" = String, Path, description = "单位 id 或地区代码", pattern = r"^\d{1,19}$")), responses((status = 200, description = "工作总结", body = app::summaries::SummaryView), (status = 422, description = "缺少内容或链接不正确")))]
pub async fn put_summary(
    State(app): State<App>,
    Authed(actor): Authed,
    path: Result<Path<(String, String)>, PathRejection>,
    body: Result<Json<SummaryInput>, JsonRejection>,
) -> Answer<SummaryView> {
    let (Path((kind, reference)), Json(body)) = (path?, body?);
    Ok(Json(
        app.put_summary(&actor, &kind, &reference, body).await?,
    ))
}

/// `POST /api/v1/summaries/{kind}/{ref}/files`, multipart `consent` then `file`: a photo,
/// video or slides attached to the summary, streamed to a temporary file and checked by
/// parsing it. A photo or video needs `consent` (nobody, adults or guardians); slides do not.
#[utoipa::path(post, path = "/api/v1/summaries/{kind}/{ref}/files", security(("bearer" = [])), request_body(content = MultipartFile, content_type = "multipart/form-data"), params(("kind" = SummaryScope, Path, description = "unit（单位）、county、city 或 province"), ("ref" = String, Path, description = "单位 id 或地区代码", pattern = r"^\d{1,19}$")), responses((status = 201, description = "{id, kind, name, bytes, url}", body = app::summaries::SummaryFile), (status = 413, description = "文件过大"), (status = 415, description = "文件类型不支持")))]
pub async fn upload_summary_file(
    State(app): State<App>,
    Authed(actor): Authed,
    path: Result<Path<(String, String)>, PathRejection>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<(StatusCode, Json<SummaryFile>), ApiError> {
    let Path((kind, reference)) = path?;
    let mut multipart = crate::api::media::multipart_body(multipart)?;
    let mut consent = None;
    while let Some(mut field) = multipart
        .next_field()
        .await
        .map_err(|e| AppError::Malformed(format!("上传中断：{}", e.body_text())))?
    {
        match field.name() {
            Some("consent") => {
                consent = Some(crate::api::media::consent_field(field).await?);
                continue;
            }
            Some("file") => {}
            _ => continue,
        }
        let name = field.file_name().unwrap_or_default().to_owned();
        let slot = app
            .begin_summary_upload(&actor, &kind, &reference, consent)
            .await?;
        let max = slot.max_bytes;
        let written = crate::api::media::stream_field(&mut field, &slot.temp_path, max, || {
            AppError::TooLarge(format!("附件不能超过{}MB", max / (1024 * 1024)))
        })
        .await?;
        let view = app
            .finish_summary_upload(&actor, slot, written, &name)
            .await?;
        return Ok((StatusCode::CREATED, Json(view)));
    }
    Err(AppError::invalid_field("file", "请选择要上传的文件").into())
}

/// `GET /api/v1/summary-files/{id}`: for the summary's writers and its area's admins.
#[utoipa::path(get, path = "/api/v1/summary-files/{id}", security(("bearer" = [])), params(("id" = i64, Path)), responses((status = 200, description = "文件", content((super::Binary = "image/jpeg"), (super::Binary = "image/png"), (super::Binary = "video/mp4"), (super::Binary = "application/pdf"), (super::Binary = "application/vnd.openxmlformats-officedocument.presentationml.presentation"))), (status = 404, description = "不存在或无权查看")))]
pub async fn summary_file(
    State(app): State<App>,
    Authed(actor): Authed,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Response, ApiError> {
    let Path(id) = id?;
    let (stream, content_type) = app.summary_file(&actor, id).await?;
    // Slides download; photos and videos show inline, always as their recorded type.
    let disposition = if content_type.starts_with("image/") || content_type == "video/mp4" {
        format!("inline; filename=\"summary-file-{id}\"")
    } else {
        format!("attachment; filename=\"summary-file-{id}\"")
    };
    Ok((
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "private, max-age=3600".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        Body::from_stream(stream),
    )
        .into_response())
}

/// `DELETE /api/v1/summary-files/{id}`: the summary's writers only.
#[utoipa::path(delete, path = "/api/v1/summary-files/{id}", security(("bearer" = [])), params(("id" = i64, Path)), responses((status = 204, description = "已删除")))]
pub async fn delete_summary_file(
    State(app): State<App>,
    Authed(actor): Authed,
    id: Result<Path<i64>, PathRejection>,
) -> Result<StatusCode, ApiError> {
    let Path(id) = id?;
    app.delete_summary_file(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
