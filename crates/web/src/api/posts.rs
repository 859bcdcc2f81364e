//! 千万IP创科普 online posts.

use app::App;
use app::paging::Paged;
use app::posts::{PostModeration, PostQuery, PostView};
use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use domain::posts::PostInput;

use crate::api::routes::object_body;
use crate::caller::{Authed, Caller};
use crate::error::ApiError;

/// `POST /api/v1/online-posts`.
#[utoipa::path(post, path = "/api/v1/online-posts", operation_id = "create_online_post", security(("bearer" = [])), request_body = PostInput, responses((status = 201, description = "已登记的作品", body = PostView), (status = 409, description = "同一链接已在本届登记")))]
pub async fn create(
    State(app): State<App>,
    Authed(actor): Authed,
    body: Result<Json<serde_json::Value>, JsonRejection>,
) -> Result<(StatusCode, Json<PostView>), ApiError> {
    let body: PostInput = object_body(body?.0)?;
    Ok((
        StatusCode::CREATED,
        Json(app.register_post(&actor, body).await?),
    ))
}

/// `GET /api/v1/online-posts`.
#[utoipa::path(get, path = "/api/v1/online-posts", operation_id = "list_online_posts", security((), ("bearer" = [])), params(PostQuery), responses((status = 200, description = "{items, total, page, per_page}（公开的作品；管理员另见本辖区隐藏的）", body = Paged<PostView>)))]
pub async fn list(
    State(app): State<App>,
    Caller(actor): Caller,
    query: Result<Query<PostQuery>, QueryRejection>,
) -> Result<Json<Paged<PostView>>, ApiError> {
    let Query(query) = query?;
    Ok(Json(app.posts(actor.as_ref(), query).await?))
}

/// `PATCH /api/v1/online-posts/{id}`.
#[utoipa::path(patch, path = "/api/v1/online-posts/{id}", operation_id = "update_online_post", security(("bearer" = [])), params(("id" = i64, Path)), request_body = PostInput, responses((status = 200, description = "修改后的作品", body = PostView)))]
pub async fn update(
    State(app): State<App>,
    Authed(actor): Authed,
    id: Result<Path<i64>, PathRejection>,
    body: Result<Json<serde_json::Value>, JsonRejection>,
) -> Result<Json<PostView>, ApiError> {
    let Path(id) = id?;
    let body: PostInput = object_body(body?.0)?;
    Ok(Json(app.update_post(&actor, id, body).await?))
}

/// `DELETE /api/v1/online-posts/{id}`.
#[utoipa::path(delete, path = "/api/v1/online-posts/{id}", operation_id = "delete_online_post", security(("bearer" = [])), params(("id" = i64, Path)), responses((status = 200, description = "已删除")))]
pub async fn delete(
    State(app): State<App>,
    Authed(actor): Authed,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let Path(id) = id?;
    app.delete_post(&actor, id).await?;
    Ok(Json(serde_json::json!({"deleted": id})))
}

/// `POST /api/v1/online-posts/{id}/moderation`.
#[utoipa::path(post, path = "/api/v1/online-posts/{id}/moderation", operation_id = "moderate_online_post", security(("bearer" = [])), params(("id" = i64, Path)), request_body = PostModeration, responses((status = 200, description = "处理后的作品", body = PostView)))]
pub async fn moderate(
    State(app): State<App>,
    Authed(actor): Authed,
    id: Result<Path<i64>, PathRejection>,
    body: Result<Json<PostModeration>, JsonRejection>,
) -> Result<Json<PostView>, ApiError> {
    let Path(id) = id?;
    let Json(body) = body?;
    Ok(Json(app.moderate_post(&actor, id, body).await?))
}

/// The posts' import, for the OpenAPI document.
#[derive(serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[expect(dead_code, reason = "describes a multipart body")]
pub(crate) struct PostsUpload {
    /// 登记单位（默认本人所在的第一个单位）
    org_id: Option<i64>,
    /// xlsx：序号、平台、作品链接、标题、参与形式、发布时间、已带话题#千万IP创科普#
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// `POST /api/v1/online-posts/import`, multipart: `org_id` (optional) and `file` (xlsx).
#[utoipa::path(post, path = "/api/v1/online-posts/import", operation_id = "import_online_posts", security(("bearer" = [])), request_body(content = PostsUpload, content_type = "multipart/form-data"), responses((status = 200, description = "{created, ids, errors: [{row, fields}]}：合格的行已登记，有问题的行逐行说明", body = app::posts::PostImport), (status = 403, description = "不是该单位的成员"), (status = 413, description = "文件过大"), (status = 422, description = "表头不符或表中没有作品")))]
pub async fn import(
    State(app): State<App>,
    Authed(actor): Authed,
    multipart: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Json<app::posts::PostImport>, ApiError> {
    let multipart = crate::api::media::multipart_body(multipart)?;
    let (org_id, file) = read_import(multipart, None).await?;
    Ok(Json(app.import_posts(&actor, file, org_id).await?))
}

/// Reads a posts' import: `org_id` (optional), `file` (at most the import limit) and, from a
/// page, `_csrf` matching `csrf` (before the file).
pub(crate) async fn read_import(
    mut multipart: axum::extract::Multipart,
    csrf: Option<&str>,
) -> Result<(Option<i64>, Vec<u8>), ApiError> {
    use crate::api::media::multipart_error;
    let mut csrf_ok = csrf.is_none();
    let mut org_id = None;
    let mut file = None;
    while let Some(mut field) = multipart.next_field().await.map_err(multipart_error)? {
        match field.name() {
            Some("_csrf") => {
                let sent = field.text().await.map_err(multipart_error)?;
                csrf_ok = csrf.is_some_and(|expected| app::same_secret(&sent, expected));
            }
            Some("org_id") => {
                let raw = field.text().await.map_err(multipart_error)?;
                let raw = raw.trim();
                if !raw.is_empty() {
                    org_id = Some(raw.parse::<i64>().map_err(|_| {
                        app::AppError::invalid_field("org_id", "登记单位须为单位编号")
                    })?);
                }
            }
            Some("file") => {
                if !csrf_ok {
                    return Err(app::AppError::Forbidden(
                        "页面已过期，请刷新页面后重试".to_owned(),
                    )
                    .into());
                }
                let mut bytes = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
                    bytes.extend_from_slice(&chunk);
                    if bytes.len() > app::exports::IMPORT_MAX_BYTES {
                        return Err(app::AppError::TooLarge(format!(
                            "导入文件不能超过{}MB",
                            app::exports::IMPORT_MAX_BYTES / 1024 / 1024
                        ))
                        .into());
                    }
                }
                file = Some(bytes);
            }
            _ => {}
        }
    }
    let file = file
        .filter(|f| !f.is_empty())
        .ok_or_else(|| app::AppError::invalid_field("file", "请选择要导入的 xlsx 文件"))?;
    Ok((org_id, file))
}

/// `GET /api/v1/online-posts.xlsx`.
#[utoipa::path(get, path = "/api/v1/online-posts.xlsx", operation_id = "export_online_posts", security(("bearer" = [])), params(PostQuery), responses((status = 200, description = "本辖区的作品表（含已隐藏的及理由）", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 403, description = "不是管理员")))]
pub async fn export(
    State(app): State<App>,
    Authed(actor): Authed,
    query: Result<Query<PostQuery>, QueryRejection>,
) -> Result<axum::response::Response, ApiError> {
    let Query(query) = query?;
    let bytes = app.posts_xlsx(&actor, query).await?;
    let len = bytes.len() as u64;
    Ok(super::xlsx_download(
        "千万IP创科普作品.xlsx",
        axum::body::Body::from(bytes),
        Some(len),
    ))
}
