//! The publicity resource library: resources, their files (streamed in, checked by
//! content), and downloads with their Chinese names, ETag and Range.

use app::paging::Paged;
use app::resources::{ResourceFileView, ResourceQuery, ResourceView};
use app::{Actor, App, AppError};
use axum::Json;
use axum::body::Body;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::resources::ResourceInput;

use crate::api::media::{multipart_error, stream_field};
use crate::api::routes::object_body;
use crate::caller::{Authed, Caller};
use crate::error::ApiError;

/// A resource file's upload, for the OpenAPI document.
#[derive(serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[expect(
    dead_code,
    reason = "describes a multipart body; read field by field as it streams"
)]
pub(crate) struct ResourceUpload {
    /// 下载文件名（默认为上传文件的文件名）
    name: Option<String>,
    /// The file: its format is found from its content.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// `POST /api/v1/resources`.
#[utoipa::path(post, path = "/api/v1/resources", operation_id = "create_resource", security(("bearer" = [])), request_body = ResourceInput, responses((status = 201, description = "草稿", body = ResourceView), (status = 403, description = "只有全国管理员（全国活动季）或本省管理员（本省活动季）可以管理"), (status = 422, description = "类别未知、标题不是2–100字等")))]
pub async fn create(
    State(app): State<App>,
    Authed(actor): Authed,
    body: Result<Json<serde_json::Value>, JsonRejection>,
) -> Result<(StatusCode, Json<ResourceView>), ApiError> {
    let body: ResourceInput = object_body(body?.0)?;
    Ok((
        StatusCode::CREATED,
        Json(app.create_resource(&actor, body).await?),
    ))
}

/// `GET /api/v1/resources`.
#[utoipa::path(get, path = "/api/v1/resources", operation_id = "list_resources", security((), ("bearer" = [])), params(ResourceQuery), responses((status = 200, description = "{items, total, page, per_page}（已发布的资源；管理员另见自己管理的草稿）", body = Paged<ResourceView>), (status = 400, description = "参数无法解析")))]
pub async fn list(
    State(app): State<App>,
    Caller(actor): Caller,
    query: Result<Query<ResourceQuery>, QueryRejection>,
) -> Result<Json<Paged<ResourceView>>, ApiError> {
    let Query(query) = query?;
    Ok(Json(app.resources(actor.as_ref(), query).await?))
}

/// `GET /api/v1/resources/{id}`.
#[utoipa::path(get, path = "/api/v1/resources/{id}", operation_id = "get_resource", security((), ("bearer" = [])), params(("id" = i64, Path)), responses((status = 200, description = "资源及其文件", body = ResourceView), (status = 404, description = "不存在，或尚未发布")))]
pub async fn get(
    State(app): State<App>,
    Caller(actor): Caller,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Json<ResourceView>, ApiError> {
    let Path(id) = id?;
    Ok(Json(app.resource(actor.as_ref(), id).await?))
}

/// `POST /api/v1/resources/{id}/publish`.
#[utoipa::path(post, path = "/api/v1/resources/{id}/publish", operation_id = "publish_resource", security(("bearer" = [])), params(("id" = i64, Path)), responses((status = 200, description = "已发布", body = ResourceView), (status = 403, description = "不是本辖区的资源"), (status = 404, description = "不存在"), (status = 422, description = "还没有文件")))]
pub async fn publish(
    State(app): State<App>,
    Authed(actor): Authed,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Json<ResourceView>, ApiError> {
    let Path(id) = id?;
    Ok(Json(app.publish_resource(&actor, id).await?))
}

/// `DELETE /api/v1/resources/{id}`.
#[utoipa::path(delete, path = "/api/v1/resources/{id}", operation_id = "delete_resource", security(("bearer" = [])), params(("id" = i64, Path)), responses((status = 200, description = "已删除（连同全部文件）"), (status = 403, description = "不是本辖区的资源"), (status = 404, description = "不存在")))]
pub async fn delete(
    State(app): State<App>,
    Authed(actor): Authed,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let Path(id) = id?;
    app.delete_resource(&actor, id).await?;
    Ok(Json(serde_json::json!({"deleted": id})))
}

/// `POST /api/v1/resources/{id}/files`, multipart: `name` (optional) and `file`.
#[utoipa::path(post, path = "/api/v1/resources/{id}/files", operation_id = "upload_resource_file", security(("bearer" = [])), request_body(content = ResourceUpload, content_type = "multipart/form-data"), params(("id" = i64, Path)), responses((status = 201, description = "{id, name, format, bytes, width?, height?, seconds?}", body = ResourceFileView), (status = 403, description = "不是本辖区的资源"), (status = 413, description = "超过该类别的大小上限"), (status = 415, description = "该类别不接受此格式（按内容识别）"), (status = 422, description = "SVG 含有脚本、事件处理或外部引用（error.code = file_rules）；文件损坏")))]
pub async fn upload(
    State(app): State<App>,
    Authed(actor): Authed,
    id: Result<Path<i64>, PathRejection>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<(StatusCode, Json<ResourceFileView>), ApiError> {
    let Path(id) = id?;
    let mut multipart = crate::api::media::multipart_body(multipart)?;
    let view = receive(&app, &actor, id, &mut multipart, None).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// The longest `name` field read.
const NAME_MAX_BYTES: usize = 1024;

/// Reads `name` (and, from a page, `_csrf` matching `csrf`) and streams `file` to a
/// temporary file chunk by chunk, then hands it to `app` to check and store. `name` may
/// come before or after the file.
pub(crate) async fn receive(
    app: &App,
    actor: &Actor,
    id: i64,
    multipart: &mut Multipart,
    csrf: Option<&str>,
) -> Result<ResourceFileView, ApiError> {
    let mut csrf_ok = csrf.is_none();
    let mut name = None;
    let mut slot = None;
    let mut uploaded_name = None;
    let read: Result<(), ApiError> = async {
        while let Some(mut field) = multipart.next_field().await.map_err(multipart_error)? {
            match field.name() {
                Some("_csrf") => {
                    let sent = field.text().await.map_err(multipart_error)?;
                    csrf_ok = csrf.is_some_and(|expected| app::same_secret(&sent, expected));
                }
                Some("name") => {
                    let mut raw = Vec::new();
                    while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
                        raw.extend_from_slice(&chunk);
                        if raw.len() > NAME_MAX_BYTES {
                            return Err(
                                AppError::invalid_field("name", "文件名不能超过100个字").into()
                            );
                        }
                    }
                    let text = String::from_utf8(raw)
                        .map_err(|_| AppError::invalid_field("name", "文件名须为 UTF-8 文字"))?;
                    name = Some(text);
                }
                Some("file") if slot.is_none() => {
                    if !csrf_ok {
                        return Err(
                            AppError::Forbidden("页面已过期，请刷新页面后重试".to_owned()).into(),
                        );
                    }
                    uploaded_name = field.file_name().map(str::to_owned);
                    let begun = app.begin_resource_upload(actor, id).await?;
                    let max = begun.max_bytes;
                    let limit = app.config.resources.too_large_message(begun.kind);
                    stream_field(&mut field, &begun.temp_path, max, || {
                        AppError::TooLarge(limit.clone())
                    })
                    .await?;
                    slot = Some(begun);
                }
                _ => {}
            }
        }
        Ok(())
    }
    .await;
    let slot =
        crate::api::media::slot_of(read, slot, |s| &s.temp_path, "请选择要上传的文件").await?;
    Ok(app
        .finish_resource_upload(actor, slot, name, uploaded_name)
        .await?)
}

/// `Content-Disposition` for a download: an ASCII fallback name and the real one in UTF-8
/// (RFC 6266, RFC 8187).
pub(crate) fn attachment(name: &str) -> String {
    let fallback: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded = urlencoding::encode(name);
    format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

/// The one byte range a `Range` header asks for, within `size` bytes: `None` to send the
/// whole file (no header, several ranges, or one we do not read), `Some(Err(()))` when it
/// cannot be satisfied.
pub(crate) fn requested_range(value: &str, size: u64) -> Option<Result<(u64, u64), ()>> {
    let spec = value.trim().strip_prefix("bytes=")?;
    if spec.contains(',') {
        return None;
    }
    let (start, end) = spec.trim().split_once('-')?;
    let (start, end) = (start.trim(), end.trim());
    let range = if start.is_empty() {
        let suffix: u64 = end.parse().ok()?;
        if suffix == 0 || size == 0 {
            return Some(Err(()));
        }
        (size.saturating_sub(suffix), size - 1)
    } else {
        let start: u64 = start.parse().ok()?;
        let end: u64 = if end.is_empty() {
            size.saturating_sub(1)
        } else {
            end.parse::<u64>().ok()?.min(size.saturating_sub(1))
        };
        if start >= size {
            return Some(Err(()));
        }
        if end < start {
            return None;
        }
        (start, end)
    };
    Some(Ok(range))
}

/// A stored file to send.
pub(crate) struct Stored<'a> {
    /// Its key in the file store.
    pub key: &'a str,
    /// Its strong validator (without quotes).
    pub etag: &'a str,
    /// Its size.
    pub bytes: i64,
    /// Its content type.
    pub content_type: &'a str,
    /// `Content-Disposition`.
    pub disposition: String,
}

/// What [`serve_stored`] answered.
pub(crate) struct Served {
    /// The answer.
    pub response: Response,
    /// Whether it carries the file (200 or 206), not a 304 or 416.
    pub body_sent: bool,
}

/// A stored file with its ETag (304 to `If-None-Match`) and one byte range when asked
/// (206; 416 beyond the file; `If-Range` honoured): what a video player seeking needs.
pub(crate) async fn serve_stored(
    app: &App,
    headers: &HeaderMap,
    file: Stored<'_>,
) -> Result<Served, ApiError> {
    let etag = format!("\"{}\"", file.etag);
    let size = u64::try_from(file.bytes).unwrap_or(0);
    let header_of = |name: header::HeaderName| headers.get(name).and_then(|v| v.to_str().ok());
    let common = [
        (header::ETAG, etag.clone()),
        (header::ACCEPT_RANGES, "bytes".to_owned()),
        (header::CACHE_CONTROL, "no-cache".to_owned()),
    ];
    if header_of(header::IF_NONE_MATCH)
        .is_some_and(|v| v.trim() == "*" || v.split(',').any(|t| t.trim() == etag))
    {
        return Ok(Served {
            response: (StatusCode::NOT_MODIFIED, common).into_response(),
            body_sent: false,
        });
    }
    // A range applies only to the version the client already holds part of.
    let range_allowed = header_of(header::IF_RANGE).is_none_or(|v| v.trim() == etag);
    let range = header_of(header::RANGE)
        .filter(|_| range_allowed)
        .and_then(|v| requested_range(v, size));
    let disposition = file.disposition;
    let (status, body, length, content_range) = match range {
        Some(Err(())) => {
            return Ok(Served {
                response: (
                    StatusCode::RANGE_NOT_SATISFIABLE,
                    common,
                    [(header::CONTENT_RANGE, format!("bytes */{size}"))],
                )
                    .into_response(),
                body_sent: false,
            });
        }
        Some(Ok((start, end))) => (
            StatusCode::PARTIAL_CONTENT,
            app.files.get_range(file.key, start..end + 1).await?,
            end + 1 - start,
            Some(format!("bytes {start}-{end}/{size}")),
        ),
        None => (StatusCode::OK, app.files.get(file.key).await?, size, None),
    };
    let mut response = (
        status,
        common,
        [
            (header::CONTENT_TYPE, file.content_type.to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CONTENT_LENGTH, length.to_string()),
        ],
        Body::from_stream(body),
    )
        .into_response();
    if let Some(value) = content_range
        && let Ok(value) = header::HeaderValue::from_str(&value)
    {
        response.headers_mut().insert(header::CONTENT_RANGE, value);
    }
    Ok(Served {
        response,
        body_sent: true,
    })
}

/// `GET /api/v1/resources/{id}/files/{fid}`: the file as an attachment with its Chinese
/// name, its ETag, and one byte range when asked (206); counted once per address, file and
/// day.
#[utoipa::path(get, path = "/api/v1/resources/{id}/files/{fid}", operation_id = "download_resource_file", security((), ("bearer" = [])), params(("id" = i64, Path), ("fid" = i64, Path)), responses((status = 200, description = "文件（Content-Disposition: attachment，带中文文件名）", content((super::Binary = "image/png"), (super::Binary = "image/jpeg"), (super::Binary = "image/svg+xml"), (super::Binary = "application/pdf"), (super::Binary = "video/mp4"), (super::Binary = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"), (super::Binary = "application/vnd.openxmlformats-officedocument.presentationml.presentation"), (super::Binary = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))), (status = 206, description = "所请求的字节范围", content((super::Binary = "image/png"), (super::Binary = "image/jpeg"), (super::Binary = "image/svg+xml"), (super::Binary = "application/pdf"), (super::Binary = "video/mp4"), (super::Binary = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"), (super::Binary = "application/vnd.openxmlformats-officedocument.presentationml.presentation"), (super::Binary = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))), (status = 304, description = "未改变（If-None-Match）"), (status = 404, description = "不存在，或资源尚未发布"), (status = 416, description = "字节范围超出文件")))]
pub async fn download(
    State(app): State<App>,
    Caller(actor): Caller,
    method: Method,
    headers: HeaderMap,
    ids: Result<Path<(i64, i64)>, PathRejection>,
) -> Result<Response, ApiError> {
    let Path((id, fid)) = ids?;
    let file = app.resource_file(actor.as_ref(), id, fid).await?;
    let served = serve_stored(
        &app,
        &headers,
        Stored {
            key: &file.storage_key,
            etag: &file.etag,
            bytes: file.bytes,
            content_type: &file.content_type,
            disposition: attachment(&file.name),
        },
    )
    .await?;
    if method == Method::GET && served.body_sent {
        app.count_resource_download(file.id).await?;
    }
    let mut response = served.response;
    // An SVG opened directly runs nothing even if a check were ever missed.
    if let Ok(value) =
        header::HeaderValue::from_str("sandbox; default-src 'none'; style-src 'unsafe-inline'")
    {
        response
            .headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, value);
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chinese_name_is_sent_twice_as_rfc_6266_asks() {
        assert_eq!(
            attachment("全国科普日 标识.svg"),
            "attachment; filename=\"_____ __.svg\"; filename*=UTF-8''%E5%85%A8%E5%9B%BD%E7%A7%91%E6%99%AE%E6%97%A5%20%E6%A0%87%E8%AF%86.svg"
        );
        assert_eq!(
            attachment("a\"b\\c.pdf"),
            "attachment; filename=\"a_b_c.pdf\"; filename*=UTF-8''a%22b%5Cc.pdf"
        );
    }

    #[test]
    fn ranges_are_read_as_rfc_9110_says() {
        assert_eq!(requested_range("bytes=0-99", 1000), Some(Ok((0, 99))));
        assert_eq!(requested_range("bytes=900-", 1000), Some(Ok((900, 999))));
        assert_eq!(requested_range("bytes=-100", 1000), Some(Ok((900, 999))));
        assert_eq!(
            requested_range("bytes=990-2000", 1000),
            Some(Ok((990, 999)))
        );
        assert_eq!(requested_range("bytes=1000-", 1000), Some(Err(())));
        assert_eq!(requested_range("bytes=-0", 1000), Some(Err(())));
        assert_eq!(requested_range("bytes=0-1,5-6", 1000), None);
        assert_eq!(requested_range("bytes=5-1", 1000), None);
        assert_eq!(requested_range("items=0-1", 1000), None);
        assert_eq!(requested_range("bytes=x-1", 1000), None);
    }
}
