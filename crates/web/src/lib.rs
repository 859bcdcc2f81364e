//! kepu's HTTP layer: the router, extractors, thin handlers (extract, call one `app`
//! function, render), server-rendered pages and the JSON API of API.md.

mod api;
mod caller;
mod edge;
mod error;
mod openapi;
mod pages;
mod security;

use axum::Router;
use axum::http::{HeaderName, Request};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

pub use app::App;
pub use error::ApiError;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The whole application: pages, API, static files, with request ids, tracing, the
/// cross-site check and a panic guard that answers 500 without details.
pub fn router(app: App) -> Router {
    // Room for the largest upload plus the multipart framing around it.
    let upload_limit = usize::try_from(app.config.media.video_max_bytes)
        .unwrap_or(usize::MAX)
        .saturating_add(1024 * 1024);
    Router::new()
        .merge(api::routes(upload_limit))
        .merge(pages::routes(upload_limit))
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn(edge::refuse_control_characters))
        .layer(axum::middleware::from_fn(move |request, next| {
            edge::refuse_declared_oversize(upload_limit, request, next)
        }))
        // A body that stops arriving is given up, not waited for with a connection held.
        .layer(tower_http::timeout::RequestBodyTimeoutLayer::new(
            std::time::Duration::from_secs(app.config.body_idle_seconds.max(1)),
        ))
        .layer(axum::middleware::from_fn(security::cross_site_check))
        .layer(axum::middleware::from_fn_with_state(
            std::sync::Arc::new(security::Protections::new(&app.config)),
            security::protect,
        ))
        .layer(CatchPanicLayer::custom(error::panic_response))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request<_>| {
            let id = req.headers().get(&REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-");
            tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), id = %id)
        }))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .with_state(app)
}

/// Serves the application on `listener` until `shutdown` completes, with each request's
/// peer address available for per-address limits.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: App,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        router(app).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
