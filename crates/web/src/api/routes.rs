//! 科普主题线路 and 打卡: venues, routes, check-ins, the passport and certificates.

use app::App;
use app::AppError;
use app::paging::Paged;
use app::routes::{
    CertificateRequest, CertificateView, CheckinDecision, CheckinInput, CheckinQuery,
    CheckinReviewed, CheckinRowView, CheckinView, CodeView, PassportRoute, RevokeInput, RouteQuery,
    RouteView, VenueCreated, VenueKeys, VenueView,
};
use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use domain::routes::{RouteInput, RouteStatus, VenueInput};
use serde::Deserialize;

use crate::api::activities::if_match;
use crate::api::media::{multipart_error, stream_field};
use crate::caller::{Authed, Caller};
use crate::error::ApiError;

/// `If-Match` on a venue's, route's or contest's PATCH, for the OpenAPI document.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Header)]
#[expect(dead_code, reason = "describes a header read by if_match")]
pub struct VersionOfRecord {
    /// The record's `version` (also `"3"` or `W/"3"`); a stale one is refused with 409.
    #[param(rename = "If-Match", minimum = 1)]
    if_match: i64,
}

/// A body that must be a JSON object (serde would read an array as a struct's fields in
/// order): 400 otherwise, or when its fields do not read.
pub(crate) fn object_body<T: serde::de::DeserializeOwned>(
    body: serde_json::Value,
) -> Result<T, ApiError> {
    if !body.is_object() {
        return Err(app::AppError::Malformed("请求体须为 JSON 对象".to_owned()).into());
    }
    serde_json::from_value(body)
        .map_err(|e| app::AppError::Malformed(format!("请求体字段不正确：{e}")).into())
}

/// The version a PATCH names: 428 without one.
pub(crate) fn required_version(headers: &HeaderMap) -> Result<i64, ApiError> {
    if_match(headers)?.ok_or_else(|| {
        ApiError::Http(
            StatusCode::PRECONDITION_REQUIRED,
            "precondition_required",
            "修改须带 If-Match 请求头（记录的 version）".to_owned(),
        )
    })
}

/// `POST /api/v1/venues`.
#[utoipa::path(post, path = "/api/v1/venues", security(("bearer" = [])), request_body = VenueInput, responses((status = 201, description = "打卡点，及仅此一次显示的密钥与显示地址", body = VenueCreated)))]
pub async fn create_venue(
    State(app): State<App>,
    Authed(actor): Authed,
    body: Result<Json<serde_json::Value>, JsonRejection>,
) -> Result<(StatusCode, Json<VenueCreated>), ApiError> {
    let body: VenueInput = object_body(body?.0)?;
    Ok((
        StatusCode::CREATED,
        Json(app.create_venue(&actor, body).await?),
    ))
}

/// `GET /api/v1/venues/{id}`.
#[utoipa::path(get, path = "/api/v1/venues/{id}", security((), ("bearer" = [])), params(("id" = i64, Path)), responses((status = 200, description = "打卡点（不含密钥）", body = VenueView)))]
pub async fn venue(
    State(app): State<App>,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Json<VenueView>, ApiError> {
    let Path(id) = id?;
    Ok(Json(app.venue(id).await?))
}

/// `PATCH /api/v1/venues/{id}` with `If-Match`.
#[utoipa::path(patch, path = "/api/v1/venues/{id}", security(("bearer" = [])), request_body = VenueInput, params(("id" = i64, Path), VersionOfRecord), responses((status = 200, description = "修改后的打卡点", body = VenueView), (status = 409, description = "版本过期"), (status = 428, description = "缺少 If-Match")))]
pub async fn update_venue(
    State(app): State<App>,
    Authed(actor): Authed,
    headers: HeaderMap,
    id: Result<Path<i64>, PathRejection>,
    body: Result<Json<serde_json::Value>, JsonRejection>,
) -> Result<Json<VenueView>, ApiError> {
    let Path(id) = id?;
    let version = required_version(&headers)?;
    let body: VenueInput = object_body(body?.0)?;
    Ok(Json(app.update_venue(&actor, id, version, body).await?))
}

/// `POST /api/v1/venues/{id}/code-secret`.
#[utoipa::path(post, path = "/api/v1/venues/{id}/code-secret", security(("bearer" = [])), params(("id" = i64, Path)), responses((status = 200, description = "新的密钥与显示地址（旧的立即失效）", body = VenueKeys)))]
pub async fn rotate_secret(
    State(app): State<App>,
    Authed(actor): Authed,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Json<VenueKeys>, ApiError> {
    let Path(id) = id?;
    Ok(Json(app.rotate_venue_secret(&actor, id).await?))
}

/// A stamp image upload (multipart).
#[derive(utoipa::ToSchema)]
#[expect(
    dead_code,
    reason = "describes a multipart body; read field by field as it streams"
)]
pub(crate) struct StampUpload {
    /// The image: a square PNG (found from its content), 64–2048 pixels, up to 200 KB.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// `POST /api/v1/venues/{id}/stamp-image`, multipart `file`: the venue's own stamp image,
/// shown in passports in place of the drawn seal.
#[utoipa::path(post, path = "/api/v1/venues/{id}/stamp-image", operation_id = "upload_stamp_image", security(("bearer" = [])), request_body(content = StampUpload, content_type = "multipart/form-data"), params(("id" = i64, Path)), responses((status = 201, description = "打卡点（stamp_image 为图片地址）", body = VenueView), (status = 403, description = "不是本辖区的打卡点"), (status = 413, description = "超过大小上限（200 KB）"), (status = 415, description = "不是 PNG（按内容识别）"), (status = 422, description = "不是正方形、边长不在范围内或图片损坏（error.fields.file）")))]
pub async fn upload_stamp_image(
    State(app): State<App>,
    Authed(actor): Authed,
    id: Result<Path<i64>, PathRejection>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<(StatusCode, Json<VenueView>), ApiError> {
    let Path(id) = id?;
    let mut multipart = crate::api::media::multipart_body(multipart)?;
    let mut slot = None;
    let read: Result<(), ApiError> = async {
        while let Some(mut field) = multipart.next_field().await.map_err(multipart_error)? {
            if field.name() == Some("file") && slot.is_none() {
                let begun = app.begin_stamp_upload(&actor, id).await?;
                let max = begun.max_bytes;
                let result = stream_field(&mut field, &begun.temp_path, max, || {
                    AppError::TooLarge(format!("印章图片不能超过 {} KB", max / 1024))
                })
                .await;
                slot = Some(begun);
                result?;
            }
        }
        Ok(())
    }
    .await;
    let slot =
        crate::api::media::slot_of(read, slot, |s| &s.temp_path, "请选择要上传的印章图片").await?;
    let view = app.finish_stamp_upload(&actor, slot).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// `DELETE /api/v1/venues/{id}/stamp-image`: back to the drawn seal.
#[utoipa::path(delete, path = "/api/v1/venues/{id}/stamp-image", operation_id = "remove_stamp_image", security(("bearer" = [])), params(("id" = i64, Path)), responses((status = 200, description = "打卡点（stamp_image 为空）", body = VenueView), (status = 403, description = "不是本辖区的打卡点")))]
pub async fn remove_stamp_image(
    State(app): State<App>,
    Authed(actor): Authed,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Json<VenueView>, ApiError> {
    let Path(id) = id?;
    Ok(Json(app.remove_stamp_image(&actor, id).await?))
}

/// The display key.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DisplayKey {
    /// The key from the display address.
    pub key: String,
}

/// `GET /api/v1/venues/{id}/code?key=`.
#[utoipa::path(get, path = "/api/v1/venues/{id}/code", security(()), params(("id" = i64, Path), DisplayKey), responses((status = 200, description = "当前打卡码", body = CodeView)))]
pub async fn code(
    State(app): State<App>,
    id: Result<Path<i64>, PathRejection>,
    query: Result<Query<DisplayKey>, QueryRejection>,
) -> Result<Json<CodeView>, ApiError> {
    let Path(id) = id?;
    let Query(query) = query?;
    Ok(Json(app.venue_code(id, &query.key).await?))
}

/// `POST /api/v1/routes`.
#[utoipa::path(post, path = "/api/v1/routes", security(("bearer" = [])), request_body = RouteInput, responses((status = 201, description = "草稿线路", body = RouteView)))]
pub async fn create_route(
    State(app): State<App>,
    Authed(actor): Authed,
    body: Result<Json<serde_json::Value>, JsonRejection>,
) -> Result<(StatusCode, Json<RouteView>), ApiError> {
    let body: RouteInput = object_body(body?.0)?;
    Ok((
        StatusCode::CREATED,
        Json(app.create_route(&actor, body).await?),
    ))
}

/// `GET /api/v1/routes`.
#[utoipa::path(get, path = "/api/v1/routes", security((), ("bearer" = [])), params(RouteQuery), responses((status = 200, description = "{items, total, page, per_page}（仅已发布的线路）", body = Paged<RouteView>)))]
pub async fn routes(
    State(app): State<App>,
    Caller(actor): Caller,
    query: Result<Query<RouteQuery>, QueryRejection>,
) -> Result<Json<Paged<RouteView>>, ApiError> {
    let Query(query) = query?;
    Ok(Json(app.routes(actor.as_ref(), query).await?))
}

/// `GET /api/v1/routes/{id}`.
#[utoipa::path(get, path = "/api/v1/routes/{id}", security((), ("bearer" = [])), params(("id" = i64, Path)), responses((status = 200, description = "线路；登录时含本人的打卡进度 me", body = RouteView)))]
pub async fn route(
    State(app): State<App>,
    Caller(actor): Caller,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Json<RouteView>, ApiError> {
    let Path(id) = id?;
    Ok(Json(app.route(actor.as_ref(), id).await?))
}

/// `PATCH /api/v1/routes/{id}` with `If-Match`.
#[utoipa::path(patch, path = "/api/v1/routes/{id}", security(("bearer" = [])), request_body = RouteInput, params(("id" = i64, Path), VersionOfRecord), responses((status = 200, description = "修改后的线路", body = RouteView), (status = 409, description = "版本过期，或线路已发布而修改了站点"), (status = 428, description = "缺少 If-Match")))]
pub async fn update_route(
    State(app): State<App>,
    Authed(actor): Authed,
    headers: HeaderMap,
    id: Result<Path<i64>, PathRejection>,
    body: Result<Json<serde_json::Value>, JsonRejection>,
) -> Result<Json<RouteView>, ApiError> {
    let Path(id) = id?;
    let version = required_version(&headers)?;
    let body: RouteInput = object_body(body?.0)?;
    Ok(Json(app.update_route(&actor, id, version, body).await?))
}

/// `POST /api/v1/routes/{id}/publish`.
#[utoipa::path(post, path = "/api/v1/routes/{id}/publish", security(("bearer" = [])), params(("id" = i64, Path)), responses((status = 200, description = "已发布的线路", body = RouteView), (status = 409, description = "状态不允许")))]
pub async fn publish_route(
    State(app): State<App>,
    Authed(actor): Authed,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Json<RouteView>, ApiError> {
    let Path(id) = id?;
    Ok(Json(
        app.move_route(&actor, id, RouteStatus::Published).await?,
    ))
}

/// `POST /api/v1/routes/{id}/close`.
#[utoipa::path(post, path = "/api/v1/routes/{id}/close", security(("bearer" = [])), params(("id" = i64, Path)), responses((status = 200, description = "已结束的线路", body = RouteView), (status = 409, description = "状态不允许")))]
pub async fn close_route(
    State(app): State<App>,
    Authed(actor): Authed,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Json<RouteView>, ApiError> {
    let Path(id) = id?;
    Ok(Json(app.move_route(&actor, id, RouteStatus::Closed).await?))
}

/// `POST /api/v1/checkins`.
#[utoipa::path(post, path = "/api/v1/checkins", security(("bearer" = [])), request_body = CheckinInput, responses((status = 201, description = "获得新的打卡印章", body = CheckinView), (status = 200, description = "打卡码正确但没有新的印章（未记录）", body = CheckinView), (status = 404, description = "打卡点不存在"), (status = 422, description = "error.code：code_invalid、code_expired、location_required、outside_geofence 或 no_active_route"), (status = 429, description = "打卡码错误过多，或今日打卡已达上限（Retry-After）")))]
pub async fn check_in(
    State(app): State<App>,
    Authed(actor): Authed,
    body: Result<Json<CheckinInput>, JsonRejection>,
) -> Result<(StatusCode, Json<CheckinView>), ApiError> {
    let Json(body) = body?;
    let (created, view) = app.check_in(&actor, body).await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(view)))
}

/// `GET /api/v1/me/stamps`.
#[utoipa::path(get, path = "/api/v1/me/stamps", security(("bearer" = [])), responses((status = 200, description = "我的打卡印章与证书", body = Vec<PassportRoute>)))]
pub async fn my_stamps(
    State(app): State<App>,
    Authed(actor): Authed,
) -> Result<Json<Vec<PassportRoute>>, ApiError> {
    Ok(Json(app.my_stamps(&actor).await?))
}

/// `GET /api/v1/routes/{id}/checkins`.
#[utoipa::path(get, path = "/api/v1/routes/{id}/checkins", security(("bearer" = [])), params(("id" = i64, Path), CheckinQuery), responses((status = 200, description = "线路的打卡记录（手机号已遮蔽）", body = Paged<CheckinRowView>)))]
pub async fn route_checkins(
    State(app): State<App>,
    Authed(actor): Authed,
    id: Result<Path<i64>, PathRejection>,
    query: Result<Query<CheckinQuery>, QueryRejection>,
) -> Result<Json<Paged<CheckinRowView>>, ApiError> {
    let Path(id) = id?;
    let Query(query) = query?;
    Ok(Json(app.route_checkins(&actor, id, query).await?))
}

/// `POST /api/v1/checkins/{id}/review`.
#[utoipa::path(post, path = "/api/v1/checkins/{id}/review", security(("bearer" = [])), params(("id" = i64, Path)), request_body = CheckinDecision, responses((status = 200, description = "审核后的打卡记录及其印章", body = CheckinReviewed), (status = 409, description = "已审核")))]
pub async fn review_checkin(
    State(app): State<App>,
    Authed(actor): Authed,
    id: Result<Path<i64>, PathRejection>,
    body: Result<Json<CheckinDecision>, JsonRejection>,
) -> Result<Json<CheckinReviewed>, ApiError> {
    let Path(id) = id?;
    let Json(body) = body?;
    Ok(Json(app.review_checkin(&actor, id, body).await?))
}

/// `POST /api/v1/routes/{id}/certificate`.
#[utoipa::path(post, path = "/api/v1/routes/{id}/certificate", security(("bearer" = [])), params(("id" = i64, Path)), request_body(content = CertificateRequest, description = "可省略"), responses((status = 201, description = "完成证书", body = CertificateView), (status = 200, description = "已领取过的证书", body = CertificateView), (status = 422, description = "尚未完成（fields.stamps 列出缺少的站点）或仍有待审核的打卡")))]
pub async fn take_certificate(
    State(app): State<App>,
    Authed(actor): Authed,
    id: Result<Path<i64>, PathRejection>,
    body: Option<Json<CertificateRequest>>,
) -> Result<(StatusCode, Json<CertificateView>), ApiError> {
    let Path(id) = id?;
    let body = body.map(|Json(b)| b).unwrap_or_default();
    let (created, view) = app.take_certificate(&actor, id, body).await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(view)))
}

/// `GET /api/v1/certificates/{serial}`.
#[utoipa::path(get, path = "/api/v1/certificates/{serial}", security((), ("bearer" = [])), params(("serial" = String, Path, description = "证书编号（KP + 年份 + 10 位字母数字）", pattern = r"^[A-Za-z0-9]{1,32}$")), responses((status = 200, description = "证书核验（持有人姓名对他人遮蔽）", body = CertificateView)))]
pub async fn certificate(
    State(app): State<App>,
    Caller(actor): Caller,
    serial: Result<Path<String>, PathRejection>,
) -> Result<Json<CertificateView>, ApiError> {
    let Path(serial) = serial?;
    Ok(Json(app.certificate(actor.as_ref(), &serial).await?))
}

/// `POST /api/v1/certificates/{serial}/revoke`.
#[utoipa::path(post, path = "/api/v1/certificates/{serial}/revoke", security(("bearer" = [])), params(("serial" = String, Path, description = "证书编号（KP + 年份 + 10 位字母数字）", pattern = r"^[A-Za-z0-9]{1,32}$")), request_body = RevokeInput, responses((status = 200, description = "已撤销的证书", body = CertificateView), (status = 409, description = "已撤销")))]
pub async fn revoke_certificate(
    State(app): State<App>,
    Authed(actor): Authed,
    serial: Result<Path<String>, PathRejection>,
    body: Result<Json<RevokeInput>, JsonRejection>,
) -> Result<Json<CertificateView>, ApiError> {
    let Path(serial) = serial?;
    let Json(body) = body?;
    Ok(Json(app.revoke_certificate(&actor, &serial, body).await?))
}

/// `GET /api/v1/routes/{id}/checkins.xlsx`.
#[utoipa::path(get, path = "/api/v1/routes/{id}/checkins.xlsx", operation_id = "export_route_checkins", security(("bearer" = [])), params(("id" = i64, Path)), responses((status = 200, description = "线路的打卡记录（手机号已遮蔽）", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 403, description = "不是本辖区的线路")))]
pub async fn export_checkins(
    State(app): State<App>,
    Authed(actor): Authed,
    id: Result<Path<i64>, PathRejection>,
) -> Result<axum::response::Response, ApiError> {
    let Path(id) = id?;
    let bytes = app.route_checkins_xlsx(&actor, id).await?;
    let len = bytes.len() as u64;
    Ok(super::xlsx_download(
        "打卡记录.xlsx",
        axum::body::Body::from(bytes),
        Some(len),
    ))
}
