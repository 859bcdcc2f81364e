//! Login by SMS code, the caller's account and tokens.

use app::App;
use app::auth::{SmsWatch, TokenInfo};
use app::users::{AccountAction, Me};
use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{FromRequestParts, Path, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::{Deserialize, Serialize};

use crate::caller::{Authed, client_ip};
use crate::error::ApiError;

/// The client's address as an extractor.
pub struct ClientIp(pub String);

impl FromRequestParts<App> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(client_ip(parts, app)))
    }
}

/// Body of `POST /api/v1/auth/sms-codes`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct CodeRequest {
    /// 手机号 (11 digits, starting with 1)
    #[serde(default)]
    #[schema(required = true, pattern = r"^1\d{10}$")]
    phone: String,
}

/// Body of `POST /api/v1/auth/sessions`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct LoginRequest {
    /// 手机号
    #[serde(default)]
    #[schema(required = true, pattern = r"^1\d{10}$")]
    phone: String,
    /// 短信验证码 (6 digits)
    #[serde(default)]
    #[schema(required = true, pattern = r"^\d{6}$")]
    code: String,
}

/// `POST /api/v1/auth/sms-codes`: sends a login code.
#[utoipa::path(post, path = "/api/v1/auth/sms-codes", security(()), request_body = CodeRequest, responses((status = 202, description = "已发送", body = CodeSent), (status = 422, description = "手机号格式不正确"), (status = 429, description = "超过频率限制（带 Retry-After）")))]
pub async fn send_code(
    State(app): State<App>,
    ClientIp(ip): ClientIp,
    body: Result<Json<CodeRequest>, JsonRejection>,
) -> Result<(StatusCode, Json<CodeSent>), ApiError> {
    let Json(input) = body?;
    let retry_after = app.request_code(&input.phone, &ip).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(CodeSent {
            sent: true,
            retry_after,
        }),
    ))
}

/// A login code was sent.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CodeSent {
    /// Always true.
    sent: bool,
    /// Seconds before another code may be asked for.
    retry_after: i64,
}

/// A bearer token for the API.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TokenIssued {
    /// `Authorization: Bearer <token>`; shown once.
    token: String,
}

/// `POST /api/v1/auth/sessions`: a code for a bearer token.
#[utoipa::path(post, path = "/api/v1/auth/sessions", security(()), request_body = LoginRequest, responses((status = 200, description = "{token}", body = TokenIssued), (status = 401, description = "验证码错误或已过期"), (status = 429, description = "手机号已锁定")))]
pub async fn log_in(
    State(app): State<App>,
    body: Result<Json<LoginRequest>, JsonRejection>,
) -> Result<Json<TokenIssued>, ApiError> {
    let Json(input) = body?;
    let token = app.log_in_for_token(&input.phone, &input.code).await?;
    Ok(Json(TokenIssued { token }))
}

/// `GET /api/v1/me`.
#[utoipa::path(get, path = "/api/v1/me", security(("bearer" = [])), responses((status = 200, description = "{id, name, phone, roles, orgs}", body = app::users::Me), (status = 401, description = "未登录")))]
pub async fn me(State(app): State<App>, Authed(actor): Authed) -> Result<Json<Me>, ApiError> {
    Ok(Json(app.me(&actor).await?))
}

/// `POST /api/v1/me/closure {"confirm": "注销账号"}`: the caller closes their own account —
/// phone and name removed for good, every session and token ended.
#[utoipa::path(post, path = "/api/v1/me/closure", security(("bearer" = [])), request_body = app::users::CloseAccount, responses((status = 200, description = "已注销", body = app::users::AccountClosed), (status = 401, description = "未登录"), (status = 409, description = "管理员账号须先撤销角色"), (status = 422, description = "未输入确认文字")))]
pub async fn close_account(
    State(app): State<App>,
    Authed(actor): Authed,
    body: Result<Json<app::users::CloseAccount>, JsonRejection>,
) -> Result<Json<app::users::AccountClosed>, ApiError> {
    let Json(command) = body?;
    Ok(Json(app.close_account(&actor, command).await?))
}

/// `GET /api/v1/me/tokens`: the caller's tokens (never the tokens themselves).
#[utoipa::path(get, path = "/api/v1/me/tokens", security(("bearer" = [])), responses((status = 200, description = "令牌列表", body = Vec<app::auth::TokenInfo>)))]
pub async fn tokens(
    State(app): State<App>,
    Authed(actor): Authed,
) -> Result<Json<Vec<TokenInfo>>, ApiError> {
    Ok(Json(app.list_tokens(&actor).await?))
}

/// `DELETE /api/v1/me/tokens/{id}`: revokes one of the caller's tokens.
#[utoipa::path(delete, path = "/api/v1/me/tokens/{id}", security(("bearer" = [])), params(("id" = i64, Path)), responses((status = 204, description = "已吊销"), (status = 404, description = "不存在")))]
pub async fn revoke_token(
    State(app): State<App>,
    Authed(actor): Authed,
    id: Result<Path<i64>, PathRejection>,
) -> Result<StatusCode, ApiError> {
    let Path(id) = id?;
    app.revoke_token(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `DELETE /api/v1/users/{id}/sessions`: a national administrator ends every browser
/// session and revokes every token of an account, at once.
#[utoipa::path(delete, path = "/api/v1/users/{id}/sessions", security(("bearer" = [])), params(("id" = i64, Path)), responses((status = 200, description = "{user_id, disabled, sessions_ended}", body = app::users::AccountAction), (status = 403, description = "仅全国管理员"), (status = 404, description = "未找到该用户")))]
pub async fn end_user_sessions(
    State(app): State<App>,
    Authed(actor): Authed,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Json<AccountAction>, ApiError> {
    let Path(id) = id?;
    Ok(Json(app.act_on_account(Some(&actor), id, None).await?))
}

/// `POST /api/v1/users/{id}/disable`: a national administrator disables an account; its
/// sessions and tokens end at once and it cannot log in until enabled.
#[utoipa::path(post, path = "/api/v1/users/{id}/disable", security(("bearer" = [])), params(("id" = i64, Path)), responses((status = 200, description = "{user_id, disabled, sessions_ended}", body = app::users::AccountAction), (status = 403, description = "仅全国管理员"), (status = 404, description = "未找到该用户"), (status = 409, description = "不能停用自己的账号")))]
pub async fn disable_user(
    State(app): State<App>,
    Authed(actor): Authed,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Json<AccountAction>, ApiError> {
    let Path(id) = id?;
    Ok(Json(
        app.act_on_account(Some(&actor), id, Some(true)).await?,
    ))
}

/// `POST /api/v1/users/{id}/enable`: a national administrator enables a disabled account.
#[utoipa::path(post, path = "/api/v1/users/{id}/enable", security(("bearer" = [])), params(("id" = i64, Path)), responses((status = 200, description = "{user_id, disabled, sessions_ended}", body = app::users::AccountAction), (status = 403, description = "仅全国管理员"), (status = 404, description = "未找到该用户")))]
pub async fn enable_user(
    State(app): State<App>,
    Authed(actor): Authed,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Json<AccountAction>, ApiError> {
    let Path(id) = id?;
    Ok(Json(
        app.act_on_account(Some(&actor), id, Some(false)).await?,
    ))
}

/// `GET /api/v1/sms/watch`: codes sent today against the budget, the last hour's logins,
/// and the pumping alarms (national administrators).
#[utoipa::path(get, path = "/api/v1/sms/watch", security(("bearer" = [])), responses((status = 200, description = "{sent_today, daily_budget, sent_last_hour, logins_last_hour, alarms}", body = app::auth::SmsWatch), (status = 403, description = "仅全国管理员")))]
pub async fn sms_watch(
    State(app): State<App>,
    Authed(actor): Authed,
) -> Result<Json<SmsWatch>, ApiError> {
    Ok(Json(app.sms_watch(&actor).await?))
}
