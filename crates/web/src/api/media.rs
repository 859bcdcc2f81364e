//! Uploads, streamed to a temporary file chunk by chunk (memory stays bounded whatever the
//! size), then checked by decoding; and downloads of what the caller may see.

use app::media::{MediaKind, MediaView, too_large};
use app::{Actor, App, AppError};
use axum::Json;
use axum::body::Body;
use axum::extract::multipart::MultipartError;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tokio::io::AsyncWriteExt;

use super::MediaUpload;
use crate::caller::{Authed, Caller};
use crate::error::ApiError;

pub(crate) fn multipart_error(err: MultipartError) -> ApiError {
    if err.status() == StatusCode::PAYLOAD_TOO_LARGE {
        AppError::TooLarge("上传的文件过大".to_owned()).into()
    } else {
        AppError::Malformed(format!("上传内容格式不正确：{}", err.body_text())).into()
    }
}

/// What reading an upload's fields came to: a failed read removes the temporary file it had
/// begun (`temp` of the slot); a read that met no file is refused with `missing` (the
/// `file` field's message).
pub(crate) async fn slot_of<S>(
    read: Result<(), ApiError>,
    slot: Option<S>,
    temp: impl Fn(&S) -> &std::path::Path,
    missing: &str,
) -> Result<S, ApiError> {
    if let Err(e) = read {
        if let Some(slot) = &slot {
            tokio::fs::remove_file(temp(slot)).await.ok();
        }
        return Err(e);
    }
    slot.ok_or_else(|| AppError::invalid_field("file", missing).into())
}

/// The multipart body of an upload, or the 400 that says it must be one.
pub(crate) fn multipart_body(
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Multipart, ApiError> {
    multipart.map_err(|e| {
        ApiError::from(AppError::Malformed(format!(
            "须以 multipart/form-data 上传：{}",
            e.body_text()
        )))
    })
}

/// `POST /api/v1/activities/{id}/media`, multipart with `kind` (and, for a photo, video or
/// evidence photo, `consent`) then `file`.
#[utoipa::path(post, path = "/api/v1/activities/{id}/media", security(("bearer" = [])), request_body(content = MediaUpload, content_type = "multipart/form-data"), params(("id" = i64, Path)), responses((status = 201, description = "{id, kind, url, width?, height?, seconds?}", body = app::media::MediaView), (status = 413, description = "文件过大"), (status = 415, description = "文件类型不支持"), (status = 422, description = "尺寸、时长等不符合要求")))]
pub async fn upload(
    State(app): State<App>,
    Authed(actor): Authed,
    id: Result<Path<i64>, PathRejection>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<(StatusCode, Json<MediaView>), ApiError> {
    let Path(id) = id?;
    let mut multipart = multipart_body(multipart)?;
    let view = receive(&app, &actor, id, &mut multipart, None).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// Reads `kind` (and, for a page's form, `_csrf` matching `csrf`) then streams `file` to a
/// temporary file chunk by chunk and hands it to `app` to check and store.
/// A multipart `consent` field: who agreed to be shown in the photo or video that follows.
pub(crate) async fn consent_field(
    field: axum::extract::multipart::Field<'_>,
) -> Result<domain::consent::Consent, ApiError> {
    let raw = field.text().await.map_err(multipart_error)?;
    Ok(domain::consent::Consent::parse(&raw).map_err(|m| AppError::invalid_field("consent", m))?)
}

pub(crate) async fn receive(
    app: &App,
    actor: &Actor,
    id: i64,
    multipart: &mut Multipart,
    csrf: Option<&str>,
) -> Result<MediaView, ApiError> {
    let mut kind = None;
    let mut consent = None;
    let mut csrf_ok = csrf.is_none();
    while let Some(mut field) = multipart.next_field().await.map_err(multipart_error)? {
        match field.name() {
            Some("_csrf") => {
                let sent = field.text().await.map_err(multipart_error)?;
                csrf_ok = csrf.is_some_and(|expected| app::same_secret(&sent, expected));
            }
            Some("kind") => {
                kind = Some(MediaKind::parse(
                    &field.text().await.map_err(multipart_error)?,
                )?)
            }
            Some("consent") => consent = Some(consent_field(field).await?),
            Some("file") => {
                if !csrf_ok {
                    return Err(
                        AppError::Forbidden("页面已过期，请刷新页面后重试".to_owned()).into(),
                    );
                }
                let Some(kind) = kind else {
                    return Err(
                        AppError::invalid_field("kind", "请先提供 kind 字段，再提供 file").into(),
                    );
                };
                let slot = app.begin_upload(actor, id, kind, consent).await?;
                let written = stream_field(&mut field, &slot.temp_path, slot.max_bytes, || {
                    too_large(&slot)
                })
                .await?;
                return Ok(app.finish_upload(actor, slot, written).await?);
            }
            _ => {}
        }
    }
    Err(AppError::invalid_field("file", "请选择要上传的文件").into())
}

/// Streams a multipart field into `path` chunk by chunk, refusing it past `max` bytes
/// (the partial file is removed); answers the bytes written.
pub(crate) async fn stream_field(
    field: &mut axum::extract::multipart::Field<'_>,
    path: &std::path::Path,
    max: u64,
    too_big: impl Fn() -> AppError,
) -> Result<u64, ApiError> {
    let mut file = tokio::fs::File::create(path)
        .await
        .map_err(AppError::internal)?;
    let mut written: u64 = 0;
    let streamed: Result<(), ApiError> = async {
        while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
            written += chunk.len() as u64;
            if written > max {
                return Err(too_big().into());
            }
            file.write_all(&chunk).await.map_err(AppError::internal)?;
        }
        file.flush().await.map_err(AppError::internal)?;
        Ok(())
    }
    .await;
    drop(file);
    if let Err(e) = streamed {
        tokio::fs::remove_file(path).await.ok();
        return Err(e);
    }
    Ok(written)
}

/// Query of a download.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct MediaQuery {
    /// `thumb` for a photo's thumbnail.
    #[param(pattern = "^thumb$")]
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    size: Option<String>,
}

/// `GET /api/v1/media/{id}` (`?size=thumb` for a photo's thumbnail).
#[utoipa::path(get, path = "/api/v1/media/{id}", security((), ("bearer" = [])), params(MediaQuery, ("id" = i64, Path)), responses((status = 200, description = "文件", content((super::Binary = "image/jpeg"), (super::Binary = "image/png"), (super::Binary = "video/mp4"))), (status = 404, description = "不存在或无权查看")))]
pub async fn download(
    State(app): State<App>,
    Caller(actor): Caller,
    id: Result<Path<i64>, PathRejection>,
    query: Result<Query<MediaQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let (Path(id), Query(query)) = (id?, query?);
    let thumb = match query.size.as_deref() {
        None => false,
        Some("thumb") => true,
        Some(_) => {
            return Err(AppError::Malformed("size 只能为 thumb（缩略图）".to_owned()).into());
        }
    };
    let (stream, content_type) = app.media_file(actor.as_ref(), id, thumb).await?;
    let body = Body::from_stream(stream);
    // A stored file is only ever what its recorded type says: shown inline as such, with a
    // name of our making (the global layer adds `nosniff`).
    let extension = match content_type.as_str() {
        "image/jpeg" => "jpg",
        "image/png" => "png",
        "video/mp4" => "mp4",
        _ => "bin",
    };
    let suffix = if thumb { "-thumb" } else { "" };
    Ok((
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "private, max-age=3600".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"media-{id}{suffix}.{extension}\""),
            ),
        ],
        body,
    )
        .into_response())
}
