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

/// The browser protections every answer carries: `nosniff` and a referrer policy always; a
/// content security policy and frame refusal on pages; `no-store` on what a signed-in person
/// is answered; HSTS when configured behind TLS. Pages have no inline scripts or styles, so
/// the policy needs no `unsafe-inline`.
#[derive(Debug, Clone)]
pub struct Protections {
    csp: axum::http::HeaderValue,
    hsts: Option<axum::http::HeaderValue>,
}

impl Protections {
    /// The policy for this configuration: images also from the map's tile host.
    pub fn new(config: &app::Config) -> Protections {
        let tiles = tile_origin(&config.map.tile_url)
            .map(|origin| format!(" {origin}"))
            .unwrap_or_default();
        let csp = format!(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:{tiles}; \
             object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
        );
        let hsts = (config.hsts_seconds > 0)
            .then(|| format!("max-age={}; includeSubDomains", config.hsts_seconds))
            .and_then(|v| axum::http::HeaderValue::from_str(&v).ok());
        Protections {
            csp: axum::http::HeaderValue::from_str(&csp)
                .unwrap_or_else(|_| axum::http::HeaderValue::from_static("default-src 'self'")),
            hsts,
        }
    }
}

/// `scheme://host[:port]` of a tile URL template, if it has one.
fn tile_origin(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let host = rest.split(['/', '?']).next()?;
    (matches!(scheme, "http" | "https")
        && !host.is_empty()
        && !host.contains(['{', '}', ' ', ';', '\'']))
    .then(|| format!("{scheme}://{host}"))
}

/// Middleware: adds the protections to every answer.
pub async fn protect(
    axum::extract::State(protections): axum::extract::State<std::sync::Arc<Protections>>,
    request: Request,
    next: Next,
) -> Response {
    use axum::http::HeaderValue;
    let headers = request.headers();
    let signed_in = headers.contains_key(header::AUTHORIZATION)
        || crate::caller::session_cookie(headers).is_some();
    let asset = request.uri().path().starts_with("/static/");
    let mut response = next.run(request).await;
    let html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let h = response.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    if html {
        h.insert(header::CONTENT_SECURITY_POLICY, protections.csp.clone());
        h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    }
    if signed_in && !asset {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if let Some(hsts) = &protections.hsts {
        h.insert(header::STRICT_TRANSPORT_SECURITY, hsts.clone());
    }
    response
}
