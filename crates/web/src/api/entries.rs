//! 报名表: entries of the video contest, their files and their history (DESIGN.md §8; API.md
//! "The video contest").

use app::App;
use app::entries::{
    EntryAnswer, EntryFileKind, EntryMediaView, EntryMoveView, EntryQuery, EntryView, ReasonInput,
    ScreeningInput,
};
use app::paging::Paged;
use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use domain::entry::EntryEdit;

use crate::api::media::{multipart_body, multipart_error, slot_of, stream_field};
use crate::api::resources::{Stored, serve_stored};
use crate::api::routes::{VersionOfRecord, object_body, required_version};
use crate::caller::{Authed, Caller};
use crate::error::ApiError;

/// An entry's file upload (multipart).
#[derive(utoipa::ToSchema)]
#[expect(
    dead_code,
    reason = "describes a multipart body; read field by field as it streams"
)]
pub(crate) struct EntryUpload {
    /// `video` (作品视频) or `signed_form` (签字或盖章的报名表 PDF), before `file`.
    kind: String,
    /// The file: an MP4 checked against the contest's file rules by parsing it, or a PDF.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// `POST /api/v1/contests/{id}/entries`.
#[utoipa::path(post, path = "/api/v1/contests/{id}/entries", operation_id = "create_entry", security(("bearer" = [])), params(("id" = i64, Path)), request_body = EntryEdit, responses((status = 201, description = "草稿状态的报名表", body = EntryView), (status = 404, description = "比赛不存在"), (status = 409, description = "比赛不在征集期内"), (status = 422, description = "超出草稿的长度上限或含控制字符（error.fields）")))]
pub async fn create(
    State(app): State<App>,
    Authed(actor): Authed,
    id: Result<Path<i64>, PathRejection>,
    body: Result<Json<serde_json::Value>, JsonRejection>,
) -> Result<(StatusCode, Json<EntryView>), ApiError> {
    let Path(id) = id?;
    let body: EntryEdit = object_body(body?.0)?;
    Ok((
        StatusCode::CREATED,
        Json(app.create_entry(&actor, id, body).await?),
    ))
}

/// `GET /api/v1/contests/{id}/entries`.
#[utoipa::path(get, path = "/api/v1/contests/{id}/entries", operation_id = "list_entries", security(("bearer" = [])), params(("id" = i64, Path), EntryQuery), responses((status = 200, description = "作品（管理员：全部；其他人：本人填写或本单位推荐的）", body = Paged<EntryView>), (status = 404, description = "比赛不存在")))]
pub async fn list(
    State(app): State<App>,
    Authed(actor): Authed,
    id: Result<Path<i64>, PathRejection>,
    query: Result<Query<EntryQuery>, QueryRejection>,
) -> Result<Json<Paged<EntryView>>, ApiError> {
    let (Path(id), Query(query)) = (id?, query?);
    Ok(Json(app.entries(&actor, id, query).await?))
}

/// `GET /api/v1/contests/{id}/entries/{eid}`.
#[utoipa::path(get, path = "/api/v1/contests/{id}/entries/{eid}", operation_id = "get_entry", security(("bearer" = [])), params(("id" = i64, Path), ("eid" = i64, Path)), responses((status = 200, description = "报名表（分配给评审专家的作品：隐去报送人、单位、作者和联系方式的评审视图）", body = EntryAnswer), (status = 404, description = "不存在或无权查看")))]
pub async fn get(
    State(app): State<App>,
    Authed(actor): Authed,
    ids: Result<Path<(i64, i64)>, PathRejection>,
) -> Result<Json<EntryAnswer>, ApiError> {
    let Path((id, eid)) = ids?;
    Ok(Json(app.entry(&actor, id, eid).await?))
}

/// `PATCH /api/v1/contests/{id}/entries/{eid}` with `If-Match`.
#[utoipa::path(patch, path = "/api/v1/contests/{id}/entries/{eid}", operation_id = "update_entry", security(("bearer" = [])), params(("id" = i64, Path), ("eid" = i64, Path), VersionOfRecord), request_body = EntryEdit, responses((status = 200, description = "修改后的报名表（新的 version）", body = EntryView), (status = 403, description = "不是填写人"), (status = 404, description = "不存在或无权查看"), (status = 409, description = "版本已过期，或作品已提交"), (status = 422, description = "超出草稿的长度上限或含控制字符"), (status = 428, description = "缺少 If-Match")))]
pub async fn update(
    State(app): State<App>,
    Authed(actor): Authed,
    headers: HeaderMap,
    ids: Result<Path<(i64, i64)>, PathRejection>,
    body: Result<Json<serde_json::Value>, JsonRejection>,
) -> Result<Json<EntryView>, ApiError> {
    let Path((id, eid)) = ids?;
    let version = required_version(&headers)?;
    let body: EntryEdit = object_body(body?.0)?;
    Ok(Json(
        app.update_entry(&actor, id, eid, version, body).await?,
    ))
}

/// `POST /api/v1/contests/{id}/entries/{eid}/media`, multipart `kind` then `file`.
#[utoipa::path(post, path = "/api/v1/contests/{id}/entries/{eid}/media", operation_id = "upload_entry_media", security(("bearer" = [])), request_body(content = EntryUpload, content_type = "multipart/form-data"), params(("id" = i64, Path), ("eid" = i64, Path)), responses((status = 201, description = "{id, kind, bytes, sha256, width?, height?, seconds?, created_at?}（宽高为旋转后显示的尺寸）", body = EntryMediaView), (status = 403, description = "不是填写人"), (status = 409, description = "作品已提交，不能再上传"), (status = 413, description = "超过大小上限（error.code = file_rules，error.rules = [\"size\"]）"), (status = 415, description = "按内容识别不是 MP4 或 PDF（error.rules = [\"container\"]）"), (status = 422, description = "不符合文件要求：error.rules 列出全部不符合的规则，error.fields.file 为中文说明")))]
pub async fn upload(
    State(app): State<App>,
    Authed(actor): Authed,
    ids: Result<Path<(i64, i64)>, PathRejection>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<(StatusCode, Json<EntryMediaView>), ApiError> {
    let Path((id, eid)) = ids?;
    let mut multipart = multipart_body(multipart)?;
    let mut kind = None;
    let mut slot = None;
    let read: Result<(), ApiError> = async {
        while let Some(mut field) = multipart.next_field().await.map_err(multipart_error)? {
            match field.name() {
                Some("kind") => {
                    kind = Some(EntryFileKind::parse(
                        &field.text().await.map_err(multipart_error)?,
                    )?);
                }
                Some("file") if slot.is_none() => {
                    let Some(kind) = kind else {
                        return Err(app::AppError::invalid_field(
                            "kind",
                            "请先提供 kind 字段（video 或 signed_form），再提供 file",
                        )
                        .into());
                    };
                    let begun = app.begin_entry_upload(&actor, id, eid, kind).await?;
                    let result =
                        stream_field(&mut field, &begun.temp_path, begun.max_bytes, || {
                            begun.too_large()
                        })
                        .await;
                    slot = Some(begun);
                    result?;
                }
                _ => {}
            }
        }
        Ok(())
    }
    .await;
    let slot = slot_of(read, slot, |s| &s.temp_path, "请选择要上传的文件").await?;
    let view = app.finish_entry_upload(&actor, slot).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// `GET /api/v1/contests/{id}/entries/{eid}/media/{mid}`.
#[utoipa::path(get, path = "/api/v1/contests/{id}/entries/{eid}/media/{mid}", operation_id = "download_entry_media", security((), ("bearer" = [])), params(("id" = i64, Path), ("eid" = i64, Path), ("mid" = i64, Path)), responses((status = 200, description = "文件", content((super::Binary = "video/mp4"), (super::Binary = "application/pdf"))), (status = 206, description = "所请求的字节范围", content((super::Binary = "video/mp4"), (super::Binary = "application/pdf"))), (status = 304, description = "未改变（If-None-Match）"), (status = 404, description = "不存在或无权查看"), (status = 416, description = "字节范围超出文件")))]
pub async fn download(
    State(app): State<App>,
    Caller(actor): Caller,
    headers: HeaderMap,
    ids: Result<Path<(i64, i64, i64)>, PathRejection>,
) -> Result<Response, ApiError> {
    let Path((id, eid, mid)) = ids?;
    let file = app.entry_file(actor.as_ref(), id, eid, mid).await?;
    let extension = if file.kind == "video" { "mp4" } else { "pdf" };
    let served = serve_stored(
        &app,
        &headers,
        Stored {
            key: &file.storage_key,
            etag: &file.sha256,
            bytes: file.bytes,
            content_type: &file.content_type,
            disposition: format!("inline; filename=\"entry-{eid}-{mid}.{extension}\""),
        },
    )
    .await?;
    Ok(served.response)
}

/// `POST /api/v1/contests/{id}/entries/{eid}/submit`.
#[utoipa::path(post, path = "/api/v1/contests/{id}/entries/{eid}/submit", operation_id = "submit_entry", security(("bearer" = [])), params(("id" = i64, Path), ("eid" = i64, Path)), responses((status = 200, description = "已提交", body = EntryView), (status = 403, description = "不是填写人"), (status = 404, description = "不存在或无权查看"), (status = 409, description = "同一作品已报送（error.code = duplicate_work）；比赛不在征集期内；作品不是草稿或退回状态"), (status = 422, description = "一次列出全部缺少或不符合要求的字段（error.fields）")))]
pub async fn submit(
    State(app): State<App>,
    Authed(actor): Authed,
    ids: Result<Path<(i64, i64)>, PathRejection>,
) -> Result<Json<EntryView>, ApiError> {
    let Path((id, eid)) = ids?;
    Ok(Json(app.submit_entry(&actor, id, eid).await?))
}

/// `POST /api/v1/contests/{id}/entries/{eid}/withdraw`.
#[utoipa::path(post, path = "/api/v1/contests/{id}/entries/{eid}/withdraw", operation_id = "withdraw_entry", security(("bearer" = [])), params(("id" = i64, Path), ("eid" = i64, Path)), responses((status = 200, description = "已撤回", body = EntryView), (status = 403, description = "不是填写人"), (status = 404, description = "不存在或无权查看"), (status = 409, description = "评审已经开始，或已撤回、已取消资格")))]
pub async fn withdraw(
    State(app): State<App>,
    Authed(actor): Authed,
    ids: Result<Path<(i64, i64)>, PathRejection>,
) -> Result<Json<EntryView>, ApiError> {
    let Path((id, eid)) = ids?;
    Ok(Json(app.withdraw_entry(&actor, id, eid).await?))
}

/// `POST /api/v1/contests/{id}/entries/{eid}/screening`.
#[utoipa::path(post, path = "/api/v1/contests/{id}/entries/{eid}/screening", operation_id = "screen_entry", security(("bearer" = [])), params(("id" = i64, Path), ("eid" = i64, Path)), request_body = ScreeningInput, responses((status = 200, description = "审查后的作品", body = EntryView), (status = 403, description = "不是举办地区的管理员"), (status = 404, description = "不存在或无权查看"), (status = 409, description = "作品不是已提交状态；征集已结束时不能退回"), (status = 422, description = "退回未写理由（error.fields.reason）；未知的 decision")))]
pub async fn screen(
    State(app): State<App>,
    Authed(actor): Authed,
    ids: Result<Path<(i64, i64)>, PathRejection>,
    body: Result<Json<ScreeningInput>, JsonRejection>,
) -> Result<Json<EntryView>, ApiError> {
    let Path((id, eid)) = ids?;
    let Json(body) = body?;
    Ok(Json(app.screen_entry(&actor, id, eid, body).await?))
}

/// `POST /api/v1/contests/{id}/entries/{eid}/disqualify`.
#[utoipa::path(post, path = "/api/v1/contests/{id}/entries/{eid}/disqualify", operation_id = "disqualify_entry", security(("bearer" = [])), params(("id" = i64, Path), ("eid" = i64, Path)), request_body = ReasonInput, responses((status = 200, description = "已取消资格", body = EntryView), (status = 403, description = "不是举办地区的管理员"), (status = 404, description = "不存在或无权查看"), (status = 409, description = "作品尚未提交，或已撤回、已取消资格"), (status = 422, description = "未写理由（error.fields.reason）")))]
pub async fn disqualify(
    State(app): State<App>,
    Authed(actor): Authed,
    ids: Result<Path<(i64, i64)>, PathRejection>,
    body: Result<Json<ReasonInput>, JsonRejection>,
) -> Result<Json<EntryView>, ApiError> {
    let Path((id, eid)) = ids?;
    let Json(body) = body?;
    Ok(Json(app.disqualify_entry(&actor, id, eid, body).await?))
}

/// `GET /api/v1/contests/{id}/entries/{eid}/history`.
#[utoipa::path(get, path = "/api/v1/contests/{id}/entries/{eid}/history", operation_id = "entry_history", security(("bearer" = [])), params(("id" = i64, Path), ("eid" = i64, Path)), responses((status = 200, description = "[{at, actor, from, to, reason}]", body = Vec<EntryMoveView>), (status = 404, description = "不存在或无权查看")))]
pub async fn history(
    State(app): State<App>,
    Authed(actor): Authed,
    ids: Result<Path<(i64, i64)>, PathRejection>,
) -> Result<Json<Vec<EntryMoveView>>, ApiError> {
    let Path((id, eid)) = ids?;
    Ok(Json(app.entry_history(&actor, id, eid).await?))
}
