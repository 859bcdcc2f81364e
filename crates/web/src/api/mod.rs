//! The JSON API (API.md). Handlers are thin: extract, call one `app` function, answer.

pub(crate) mod auth;
pub(crate) mod campaigns;
pub(crate) mod orgs;
pub(crate) mod regions;
pub(crate) mod system;

use app::App;
use axum::Router;
use axum::routing::{delete, get, post};

/// Every API route.
pub fn routes() -> Router<App> {
    Router::new()
        .route("/healthz", get(system::healthz))
        .route("/api/openapi.json", get(crate::openapi::document))
        .route("/api/v1/regions", get(regions::list).post(regions::add))
        .route("/api/v1/campaigns", post(campaigns::create))
        .route("/api/v1/campaigns/current", get(campaigns::current))
        .route("/api/v1/campaigns/{id}", get(campaigns::one))
        .route("/api/v1/auth/sms-codes", post(auth::send_code))
        .route("/api/v1/auth/sessions", post(auth::log_in))
        .route("/api/v1/me", get(auth::me))
        .route("/api/v1/me/tokens", get(auth::tokens))
        .route("/api/v1/me/tokens/{id}", delete(auth::revoke_token))
        .route("/api/v1/orgs", get(orgs::search).post(orgs::apply))
        .route("/api/v1/orgs/{id}", get(orgs::one))
        .route("/api/v1/orgs/{id}/certification", post(orgs::certify))
        .route("/api/v1/orgs/{id}/members", post(orgs::add_member))
        .route("/api/v1/audit", get(system::audit))
}
