//! kepu's HTTP layer: the router, extractors, thin handlers (extract, call one `app`
//! function, render), server-rendered pages and the JSON API of API.md.

mod api;
mod caller;
mod edge;
mod error;
mod openapi;
mod pages;
mod security;
mod trail;

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
    let resource_limit = usize::try_from(app.config.resources.largest())
        .unwrap_or(usize::MAX)
        .saturating_add(1024 * 1024);
    Router::new()
        .merge(api::routes(upload_limit, resource_limit))
        .merge(pages::routes(upload_limit, resource_limit))
        // After routing, so that the route is known.
        .route_layer(axum::middleware::from_fn_with_state(
            app.clone(),
            trail::within_origin,
        ))
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
        .layer(axum::middleware::from_fn(edge::speak_the_contract))
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
/// peer address available for per-address limits. A connection that does not send a whole
/// request head within `header_read_seconds` — a slow sender, or a kept-alive connection
/// left idle — is closed, so that idle sockets cannot pile up. On shutdown, requests in
/// flight are finished and then the connections closed.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: App,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use axum::extract::ConnectInfo;
    use tower::ServiceExt;

    let head_timeout = std::time::Duration::from_secs(app.config.header_read_seconds.max(1));
    let router = router(app);
    // Tasks watch `stop` to begin a graceful close, and each holds a `done` receiver: when
    // all are dropped, every connection has ended.
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(());
    let (done_tx, done_rx) = tokio::sync::watch::channel(());
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    // Out of file descriptors and the like: wait a little, keep serving.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        stream.set_nodelay(true).ok();
        let router = router.clone();
        let service =
            hyper::service::service_fn(move |mut request: Request<hyper::body::Incoming>| {
                request.extensions_mut().insert(ConnectInfo(peer));
                router.clone().oneshot(request)
            });
        let mut stop = stop_rx.clone();
        let done = done_rx.clone();
        tokio::spawn(async move {
            let connection = hyper::server::conn::http1::Builder::new()
                .timer(hyper_util::rt::TokioTimer::new())
                .header_read_timeout(head_timeout)
                .serve_connection(hyper_util::rt::TokioIo::new(stream), service);
            let mut connection = std::pin::pin!(connection);
            tokio::select! {
                result = connection.as_mut() => {
                    if let Err(e) = result {
                        tracing::debug!(error = %e, %peer, "connection ended");
                    }
                }
                _ = stop.changed() => {
                    connection.as_mut().graceful_shutdown();
                    connection.await.ok();
                }
            }
            drop(done);
        });
    }
    drop(listener);
    drop(stop_rx);
    stop_tx.send(()).ok();
    drop(done_rx);
    done_tx.closed().await;
    Ok(())
}
