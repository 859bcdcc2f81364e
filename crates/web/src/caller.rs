//! Who is calling: a bearer token, a browser session cookie, or nobody.
//!
//! Cookie-authenticated API writes must carry the session's CSRF token in `X-CSRF-Token`;
//! bearer requests carry no cookie and need none. Forms carry it as `_csrf` and are checked
//! by [`check_form_csrf`].

use std::net::SocketAddr;

use app::{Actor, App, AppError};
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};

use crate::error::ApiError;

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "kepu_session";

/// The caller, if logged in.
pub struct Caller(pub Option<Actor>);

/// A caller who must be logged in (401 otherwise).
pub struct Authed(pub Actor);

/// The value of the session cookie, if the request has one (read by axum-extra's cookie
/// jar, as browsers send it).
pub fn session_cookie(headers: &HeaderMap) -> Option<String> {
    CookieJar::from_headers(headers)
        .get(SESSION_COOKIE)
        .map(|c| c.value().to_owned())
        .filter(|v| !v.is_empty() && v.len() <= 128)
}

/// The `Set-Cookie` value for a session (empty value and `Max-Age=0` to clear it).
pub fn session_set_cookie(app: &App, value: Option<&str>) -> String {
    let seconds = match value {
        Some(_) => app.config.login.session_max_hours * 3600,
        None => 0,
    };
    Cookie::build((SESSION_COOKIE, value.unwrap_or_default().to_owned()))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(app.config.cookie_secure)
        .max_age(cookie::time::Duration::seconds(seconds))
        .build()
        .to_string()
}

/// The client's address, for per-address limits: the socket's peer, or behind a configured
/// trusted proxy the address its `Forwarded` / `X-Forwarded-For` headers name (see
/// `app::net`).
pub fn client_ip(parts: &Parts, app: &App) -> String {
    let Some(ConnectInfo(peer)) = parts.extensions.get::<ConnectInfo<SocketAddr>>() else {
        return "unknown".to_owned();
    };
    let values = |name: &str| -> Vec<&str> {
        parts
            .headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect()
    };
    app.trusted_proxies
        .client(peer.ip(), &values("forwarded"), &values("x-forwarded-for"))
        .to_string()
}

fn bearer(headers: &HeaderMap) -> Option<Result<String, ApiError>> {
    let value = headers.get(header::AUTHORIZATION)?;
    let token = value
        .to_str()
        .ok()
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty() && t.len() <= 256);
    Some(token.map(str::to_owned).ok_or_else(|| {
        ApiError::App(AppError::Unauthenticated(
            "Authorization 须为 “Bearer 令牌” 格式".to_owned(),
        ))
    }))
}

impl FromRequestParts<App> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        if let Some(token) = bearer(&parts.headers) {
            let actor = app.actor_for_token(&token?).await?;
            return match actor {
                Some(actor) => Ok(Caller(Some(actor))),
                None => Err(AppError::Unauthenticated("登录已失效，请重新登录".to_owned()).into()),
            };
        }
        let Some(cookie) = session_cookie(&parts.headers) else {
            return Ok(Caller(None));
        };
        let Some(session) = app.session(&cookie).await? else {
            return Ok(Caller(None));
        };
        let Some(user_id) = session.user_id else {
            return Ok(Caller(None));
        };
        if !parts.method.is_safe() {
            let sent = parts
                .headers
                .get("x-csrf-token")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if !app::same_secret(sent, &session.csrf_token) {
                return Err(AppError::Forbidden(
                    "缺少或错误的 CSRF 令牌，请刷新页面后重试".to_owned(),
                )
                .into());
            }
        }
        Ok(Caller(app.actor(user_id).await?))
    }
}

impl FromRequestParts<App> for Authed {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        match Caller::from_request_parts(parts, app).await?.0 {
            Some(actor) => Ok(Authed(actor)),
            None => Err(AppError::login_required().into()),
        }
    }
}
