//! Turning errors into responses, in one place.
//!
//! Policy: the API answers API.md's body `{"error": {"code", "message", "fields"?}}` with the
//! status of the error's class; pages answer a friendly Chinese page. Extractor rejections
//! (bad JSON, wrong content type, unparsable query or path) are mapped here too, so that bad
//! input never meets axum's plain-text defaults and never a 500. A 500 is logged once with
//! its cause and shows none of it.

use std::any::Any;

use app::AppError;
use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

/// An error answered as API.md's JSON body.
#[derive(Debug)]
pub enum ApiError {
    /// A use case's refusal or failure.
    App(AppError),
    /// An HTTP-level refusal with no use-case class of its own (413, 415, 428).
    Http(StatusCode, &'static str, String),
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        ApiError::App(e)
    }
}

/// Status, stable code and user-facing message of a use-case error.
pub fn classify(err: &AppError) -> (StatusCode, &'static str, String) {
    let (status, code) = match err {
        AppError::Malformed(_) => (StatusCode::BAD_REQUEST, "malformed"),
        AppError::Unauthenticated(_) => (StatusCode::UNAUTHORIZED, "unauthenticated"),
        AppError::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden"),
        AppError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
        AppError::Conflict { .. } => (StatusCode::CONFLICT, "conflict"),
        AppError::Validation { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "validation"),
        AppError::Refused { code, .. } => (StatusCode::UNPROCESSABLE_ENTITY, *code),
        AppError::Clash { code, .. } => (StatusCode::CONFLICT, *code),
        AppError::Barred { code, .. } => (StatusCode::FORBIDDEN, *code),
        AppError::Limited { code, .. } => (StatusCode::TOO_MANY_REQUESTS, *code),
        AppError::FileRules { refusal, .. } => (
            match refusal {
                app::error::FileRefusal::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
                app::error::FileRefusal::Unsupported => StatusCode::UNSUPPORTED_MEDIA_TYPE,
                app::error::FileRefusal::Invalid => StatusCode::UNPROCESSABLE_ENTITY,
            },
            "file_rules",
        ),
        AppError::TooMany { .. } => (StatusCode::TOO_MANY_REQUESTS, "too_many_requests"),
        AppError::TooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, "too_large"),
        AppError::Unsupported(_) => (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type"),
        AppError::Unavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
        AppError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
    };
    let message = match err {
        AppError::Internal(cause) => {
            tracing::error!(%cause, "internal error");
            "服务器内部错误，请稍后重试".to_owned()
        }
        other => other.to_string(),
    };
    app::audit::note_refusal(&message);
    (status, code, message)
}

/// API.md's error body: `{"error": {"code", "message", "fields"?}}`.
#[derive(Debug, Serialize, ToSchema)]
#[schema(examples(json!({"error": {
    "code": "validation",
    "message": "提交的内容有误，请按提示修改",
    "fields": {
        "expected_participants": "预计参与人数须为整数",
        "start": "时间格式应为 年-月-日 时:分"
    }
}})))]
pub struct ErrorBody {
    /// What went wrong.
    pub error: ErrorDetail,
}

/// What went wrong, in Chinese for people and as a stable code for programs.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// `malformed`, `unauthenticated`, `forbidden`, `not_found`, `conflict`, `validation`,
    /// `too_many_requests`, `too_large`, `unsupported_media_type`, `precondition_required`,
    /// `unavailable` or `internal`; or a reason where one helps the client (API.md):
    /// `code_invalid`, `code_expired`, `location_required`, `outside_geofence`,
    /// `no_active_route`, `file_rules`, `duplicate_work`, `conflict_of_interest`,
    /// `not_sms_verified`, `already_voted`, `vote_limit`.
    pub code: String,
    /// 给人看的说明
    pub message: String,
    /// Each field's problem (422 only).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<std::collections::BTreeMap<String, String>>)]
    pub fields: Option<domain::FieldErrors>,
    /// The record that already exists (a conflict over a duplicate only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub existing_id: Option<i64>,
    /// Its page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub existing_url: Option<String>,
    /// Every file rule an upload broke (`container`, `size`, `video_track`, `aspect`,
    /// `resolution`, `duration`, `made_after`), beside `fields.file`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rules: Option<Vec<String>>,
}

impl ErrorDetail {
    fn new(code: &str, message: String) -> Self {
        ErrorDetail {
            code: code.to_owned(),
            message,
            fields: None,
            existing_id: None,
            existing_url: None,
            rules: None,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let err = match self {
            ApiError::Http(status, code, message) => {
                let error = ErrorDetail::new(code, message);
                return (status, Json(ErrorBody { error })).into_response();
            }
            ApiError::App(err) => err,
        };
        let (status, code, message) = classify(&err);
        let mut error = ErrorDetail::new(code, message);
        match &err {
            AppError::Validation { fields, .. } => error.fields = Some(fields.clone()),
            AppError::Refused { field, message, .. } => {
                error.fields = Some(domain::FieldErrors::single(field, message.clone()));
            }
            AppError::FileRules { rules, message, .. } => {
                error.fields = Some(domain::FieldErrors::single("file", message.clone()));
                error.rules = Some(rules.iter().map(|r| (*r).to_owned()).collect());
            }
            AppError::Conflict {
                existing_id: Some(id),
                ..
            } => {
                error.existing_id = Some(*id);
                error.existing_url = Some(format!("/orgs/{id}"));
            }
            _ => {}
        }
        let mut response = (status, Json(ErrorBody { error })).into_response();
        if let AppError::TooMany { retry_after, .. } | AppError::Limited { retry_after, .. } = &err
            && let Ok(value) = HeaderValue::from_str(&retry_after.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        response
    }
}

fn short(detail: &str) -> String {
    detail.chars().take(200).collect()
}

/// A JSON body that could not be read: bad syntax or types (400), no JSON content type
/// (415), too large (413).
impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        let detail = short(&rejection.body_text());
        match rejection {
            JsonRejection::MissingJsonContentType(_) => ApiError::Http(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "请求须为 JSON（Content-Type: application/json）".to_owned(),
            ),
            other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => ApiError::Http(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                "请求内容过大".to_owned(),
            ),
            JsonRejection::JsonDataError(_) => ApiError::App(AppError::Malformed(format!(
                "JSON 字段类型或取值不正确：{detail}"
            ))),
            _ => ApiError::App(AppError::Malformed(format!("JSON 格式不正确：{detail}"))),
        }
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        ApiError::App(AppError::Malformed(format!(
            "查询参数不正确：{}",
            short(&rejection.body_text())
        )))
    }
}

impl From<PathRejection> for ApiError {
    fn from(_: PathRejection) -> Self {
        ApiError::App(AppError::NotFound("未找到该资源".to_owned()))
    }
}

/// Answers 500 to a panic, without its message.
pub fn panic_response(_: Box<dyn Any + Send + 'static>) -> Response {
    tracing::error!("handler panicked");
    ApiError::App(AppError::internal("panic")).into_response()
}
