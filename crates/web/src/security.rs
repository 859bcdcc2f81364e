//! The cross-site check on unsafe methods for cookie-authenticated requests: a request
//! whose `Origin` names another site, or that the browser marks `Sec-Fetch-Site:
//! cross-site`, is refused. Bearer requests carry no cookie and are not checked.

use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;

/// Middleware: refuses cross-site unsafe requests that carry cookies.
pub async fn cross_site_check(request: Request, next: Next) -> Response {
    let headers = request.headers();
    let has_cookie = headers.contains_key(header::COOKIE);
    let has_bearer = headers.contains_key(header::AUTHORIZATION);
    if request.method().is_safe() || !has_cookie || has_bearer {
        return next.run(request).await;
    }
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let origin_ok = match headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        None => true,
        Some(origin) => origin.split_once("://").map(|(_, rest)| rest) == Some(host),
    };
    let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    if origin_ok && fetch_site != Some("cross-site") {
        return next.run(request).await;
    }
    ApiError::Http(
        StatusCode::FORBIDDEN,
        "forbidden",
        "跨站请求已被拒绝".to_owned(),
    )
    .into_response()
}
