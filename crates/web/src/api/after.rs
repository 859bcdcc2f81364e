//! After the activity: 拟推优, nominations, statistics, quotas, summaries, exports, import.

use app::exports::{ExportQuery, IMPORT_MAX_BYTES};
use app::nominations::{OpinionInput, Target};
use app::paging::Page;
use app::quotas::QuotaInput;
use app::summaries::SummaryInput;
use app::{App, AppError};
use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::rejection::{BytesRejection, JsonRejection, PathRejection, QueryRejection};
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::caller::Authed;
use crate::error::ApiError;

type Answer = Result<Json<Value>, ApiError>;

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// `PUT /api/v1/activities/{id}/excellence-intent` body.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IntentInput {
    intended: bool,
}

/// `PUT /api/v1/activities/{id}/excellence-intent {intended}`: the host marks it 拟推优.
#[utoipa::path(put, path = "/api/v1/activities/{id}/excellence-intent", params(("id" = i64, Path)), responses((status = 200, description = "活动")))]
pub async fn intent(
    State(app): State<App>,
    Authed(actor): Authed,
    id: Result<Path<i64>, PathRejection>,
    body: Result<Json<IntentInput>, JsonRejection>,
) -> Answer {
    let (Path(id), Json(body)) = (id?, body?);
    Ok(Json(
        app.set_excellence_intent(&actor, id, body.intended).await?,
    ))
}

async fn nominate(
    app: &App,
    actor: &app::Actor,
    target: Target,
    body: OpinionInput,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let (created, view) = app.nominate(actor, target, body).await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(view)))
}

/// `POST /api/v1/activities/{id}/nominations {opinion, decision?}`.
#[utoipa::path(post, path = "/api/v1/activities/{id}/nominations", params(("id" = i64, Path)), responses((status = 201, description = "推荐及各级意见"), (status = 200, description = "推荐及各级意见"), (status = 409, description = "已被终止、已列入最终名单或本级已提出意见"), (status = 422, description = "不符合推优条件、名额已满或意见为空")))]
pub async fn nominate_activity(
    State(app): State<App>,
    Authed(actor): Authed,
    id: Result<Path<i64>, PathRejection>,
    body: Result<Json<OpinionInput>, JsonRejection>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let (Path(id), Json(body)) = (id?, body?);
    nominate(&app, &actor, Target::Activity(id), body).await
}

/// `GET /api/v1/activities/{id}/nominations`: the activity's nomination, or null.
#[utoipa::path(get, path = "/api/v1/activities/{id}/nominations", params(("id" = i64, Path)), responses((status = 200, description = "推荐或 null")))]
pub async fn activity_nomination(
    State(app): State<App>,
    Authed(actor): Authed,
    id: Result<Path<i64>, PathRejection>,
) -> Answer {
    let Path(id) = id?;
    Ok(Json(json!(app.activity_nomination(&actor, id).await?)))
}

/// `POST /api/v1/orgs/{id}/nominations {opinion, decision?}`: 优秀组织单位.
#[utoipa::path(post, path = "/api/v1/orgs/{id}/nominations", params(("id" = i64, Path)), responses((status = 201, description = "推荐及各级意见")))]
pub async fn nominate_org(
    State(app): State<App>,
    Authed(actor): Authed,
    id: Result<Path<i64>, PathRejection>,
    body: Result<Json<OpinionInput>, JsonRejection>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let (Path(id), Json(body)) = (id?, body?);
    nominate(&app, &actor, Target::Org(id), body).await
}

/// Filters of the nominations list.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NominationsQuery {
    status: Option<String>,
    kind: Option<String>,
    page: Option<i64>,
    per_page: Option<i64>,
}

/// `GET /api/v1/nominations?status=open|stopped|final&kind=activity|org`.
#[utoipa::path(get, path = "/api/v1/nominations", responses((status = 200, description = "辖区内的推荐")))]
pub async fn nominations(
    State(app): State<App>,
    Authed(actor): Authed,
    q: Result<Query<NominationsQuery>, QueryRejection>,
) -> Answer {
    let Query(q) = q?;
    let page = Page::parse(q.page, q.per_page)?;
    let list = app
        .nominations(&actor, q.status.as_deref(), q.kind.as_deref(), page)
        .await?;
    Ok(Json(json!(list)))
}

/// `GET /api/v1/nominations/{id}`.
#[utoipa::path(get, path = "/api/v1/nominations/{id}", params(("id" = i64, Path)), responses((status = 200, description = "推荐及各级意见")))]
pub async fn nomination(
    State(app): State<App>,
    Authed(actor): Authed,
    id: Result<Path<i64>, PathRejection>,
) -> Answer {
    let Path(id) = id?;
    Ok(Json(app.nomination_for(&actor, id).await?))
}

fn xlsx_download(name: &str, body: Body, len: Option<u64>) -> Response {
    let disposition = format!(
        "attachment; filename=\"export.xlsx\"; filename*=UTF-8''{}",
        urlencoding::encode(name)
    );
    let mut response = (
        [
            (header::CONTENT_TYPE, XLSX.to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        body,
    )
        .into_response();
    if let Some(len) = len {
        response
            .headers_mut()
            .insert(header::CONTENT_LENGTH, header::HeaderValue::from(len));
    }
    response
}

/// `GET /api/v1/nominations/{id}/form.xlsx`: the recommendation form.
#[utoipa::path(get, path = "/api/v1/nominations/{id}/form.xlsx", params(("id" = i64, Path)), responses((status = 200, description = "推荐表 xlsx")))]
pub async fn nomination_form(
    State(app): State<App>,
    Authed(actor): Authed,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Response, ApiError> {
    let Path(id) = id?;
    let bytes = app.nomination_form_xlsx(&actor, id).await?;
    let len = u64::try_from(bytes.len()).ok();
    Ok(xlsx_download("推荐表.xlsx", Body::from(bytes), len))
}

/// The statistics' parameters.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatsQuery {
    region: Option<String>,
    topic: Option<String>,
}

/// `GET /api/v1/stats?region=CODE&topic=关键词`.
#[utoipa::path(get, path = "/api/v1/stats", responses((status = 200, description = "按状态、板块、地区、对象、场所、形式的统计"), (status = 403, description = "非管理员或超出辖区")))]
pub async fn stats(
    State(app): State<App>,
    Authed(actor): Authed,
    q: Result<Query<StatsQuery>, QueryRejection>,
) -> Answer {
    let Query(q) = q?;
    Ok(Json(
        app.stats(&actor, q.region.as_deref(), q.topic.as_deref())
            .await?,
    ))
}

/// `GET /api/v1/stats.xlsx?region=CODE`: the statistics' tables, one sheet each.
#[utoipa::path(get, path = "/api/v1/stats.xlsx", responses((status = 200, description = "统计表 xlsx")))]
pub async fn stats_xlsx(
    State(app): State<App>,
    Authed(actor): Authed,
    q: Result<Query<RegionQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(q) = q?;
    let bytes = app.stats_xlsx(&actor, q.region.as_deref()).await?;
    let len = u64::try_from(bytes.len()).ok();
    Ok(xlsx_download("活动统计.xlsx", Body::from(bytes), len))
}

/// `GET /api/v1/exports/activities.xlsx?region=&status=&section=`: streamed from a
/// temporary file written in constant memory.
#[utoipa::path(get, path = "/api/v1/exports/activities.xlsx", responses((status = 200, description = "活动项目汇总表 xlsx")))]
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
#[utoipa::path(post, path = "/api/v1/imports/activities.xlsx", responses((status = 201, description = "{created, ids}"), (status = 422, description = "按行列出的错误，未导入任何活动")))]
pub async fn import_activities(
    State(app): State<App>,
    Authed(actor): Authed,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
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

/// `PUT /api/v1/quotas {target_kind, target_ref, section?, target, include_system?}`.
#[utoipa::path(put, path = "/api/v1/quotas", responses((status = 200, description = "指标及进度")))]
pub async fn set_quota(
    State(app): State<App>,
    Authed(actor): Authed,
    body: Result<Json<QuotaInput>, JsonRejection>,
) -> Answer {
    let Json(body) = body?;
    Ok(Json(app.set_quota(&actor, body).await?))
}

/// `DELETE /api/v1/quotas/{id}`.
#[utoipa::path(delete, path = "/api/v1/quotas/{id}", params(("id" = i64, Path)), responses((status = 204, description = "已删除")))]
pub async fn delete_quota(
    State(app): State<App>,
    Authed(actor): Authed,
    id: Result<Path<i64>, PathRejection>,
) -> Result<StatusCode, ApiError> {
    let Path(id) = id?;
    app.delete_quota(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The division whose summaries are listed or reminded.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegionQuery {
    region: Option<String>,
}

/// `GET /api/v1/summaries?region=CODE`: who below has submitted, late, or not.
#[utoipa::path(get, path = "/api/v1/summaries", responses((status = 200, description = "下级工作总结提交情况")))]
pub async fn summaries(
    State(app): State<App>,
    Authed(actor): Authed,
    q: Result<Query<RegionQuery>, QueryRejection>,
) -> Answer {
    let Query(q) = q?;
    let code = q.region.unwrap_or_else(|| App::home_region(&actor));
    Ok(Json(app.summaries_below(&actor, &code).await?))
}

/// `POST /api/v1/summaries/reminders {region}`.
#[utoipa::path(post, path = "/api/v1/summaries/reminders", responses((status = 200, description = "{reminded}")))]
pub async fn remind_summaries(
    State(app): State<App>,
    Authed(actor): Authed,
    body: Result<Json<RegionQuery>, JsonRejection>,
) -> Answer {
    let Json(body) = body?;
    let code = body.region.unwrap_or_else(|| App::home_region(&actor));
    Ok(Json(app.remind_summaries(&actor, &code).await?))
}

/// `GET /api/v1/summaries/{kind}/{ref}`.
#[utoipa::path(get, path = "/api/v1/summaries/{kind}/{ref}", params(("kind" = String, Path), ("ref" = String, Path)), responses((status = 200, description = "工作总结")))]
pub async fn summary(
    State(app): State<App>,
    Authed(actor): Authed,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Answer {
    let Path((kind, reference)) = path?;
    Ok(Json(app.summary(&actor, &kind, &reference).await?))
}

/// `PUT /api/v1/summaries/{kind}/{ref}`: saved as a draft, or submitted with `submit`.
#[utoipa::path(put, path = "/api/v1/summaries/{kind}/{ref}", params(("kind" = String, Path), ("ref" = String, Path)), responses((status = 200, description = "工作总结"), (status = 422, description = "缺少内容或链接不正确")))]
pub async fn put_summary(
    State(app): State<App>,
    Authed(actor): Authed,
    path: Result<Path<(String, String)>, PathRejection>,
    body: Result<Json<SummaryInput>, JsonRejection>,
) -> Answer {
    let (Path((kind, reference)), Json(body)) = (path?, body?);
    Ok(Json(
        app.put_summary(&actor, &kind, &reference, body).await?,
    ))
}

/// `POST /api/v1/summaries/{kind}/{ref}/files`, multipart `file`: a photo, video or slides
/// attached to the summary, streamed to a temporary file and checked by parsing it.
#[utoipa::path(post, path = "/api/v1/summaries/{kind}/{ref}/files", params(("kind" = String, Path), ("ref" = String, Path)), responses((status = 201, description = "{id, kind, name, bytes, url}"), (status = 413, description = "文件过大"), (status = 415, description = "文件类型不支持")))]
pub async fn upload_summary_file(
    State(app): State<App>,
    Authed(actor): Authed,
    path: Result<Path<(String, String)>, PathRejection>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let Path((kind, reference)) = path?;
    let mut multipart = multipart.map_err(|e| {
        ApiError::from(AppError::Malformed(format!(
            "须以 multipart/form-data 上传：{}",
            e.body_text()
        )))
    })?;
    while let Some(mut field) = multipart
        .next_field()
        .await
        .map_err(|e| AppError::Malformed(format!("上传中断：{}", e.body_text())))?
    {
        if field.name() != Some("file") {
            continue;
        }
        let name = field.file_name().unwrap_or_default().to_owned();
        let slot = app.begin_summary_upload(&actor, &kind, &reference).await?;
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
#[utoipa::path(get, path = "/api/v1/summary-files/{id}", params(("id" = i64, Path)), responses((status = 200, description = "文件"), (status = 404, description = "不存在或无权查看")))]
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
#[utoipa::path(delete, path = "/api/v1/summary-files/{id}", params(("id" = i64, Path)), responses((status = 204, description = "已删除")))]
pub async fn delete_summary_file(
    State(app): State<App>,
    Authed(actor): Authed,
    id: Result<Path<i64>, PathRejection>,
) -> Result<StatusCode, ApiError> {
    let Path(id) = id?;
    app.delete_summary_file(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
