//! The audit trail's part in the HTTP layer: each routed request runs within its origin
//! (address, user agent, request id, route), which the use cases' audit records read; and a
//! refused request of a signed-in person — any write, or a read answered 403 — is recorded
//! after its own transaction rolled back, with the refusal's message.
//!
//! The anonymous are not recorded here: a refusal without an identity says nothing about a
//! person, and recording it would let anyone fill the log (their attempts meet the edge's
//! limits instead). Failed logins are recorded by the login use case.

use app::App;
use app::audit::{Origin, Outcome};
use axum::extract::{MatchedPath, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;

use crate::caller::client_ip;

/// Runs the request within its origin and records its refusal, if it was refused.
pub async fn within_origin(State(app): State<App>, request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let header = |name: &str| {
        parts
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let origin = Origin {
        ip: Some(client_ip(&parts, &app)),
        user_agent: header(header::USER_AGENT.as_str()),
        request_id: header("x-request-id"),
        route: parts
            .extensions
            .get::<MatchedPath>()
            .map(|m| format!("{} {}", parts.method, m.as_str())),
    };
    let write = !parts.method.is_safe();
    let path = parts.uri.path().to_owned();
    let request = Request::from_parts(parts, body);
    let (response, seen) = app::audit::within(origin.clone(), next.run(request)).await;
    let Some(actor) = seen.caller else {
        return response;
    };
    let status = response.status();
    let refused_by_redirect = status.is_redirection()
        && response
            .headers()
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|l| l.contains("error="));
    let outcome = match status {
        StatusCode::FORBIDDEN => Some(Outcome::Denied),
        StatusCode::UNAUTHORIZED | StatusCode::NOT_FOUND if write => Some(Outcome::Denied),
        StatusCode::BAD_REQUEST
        | StatusCode::CONFLICT
        | StatusCode::PAYLOAD_TOO_LARGE
        | StatusCode::UNSUPPORTED_MEDIA_TYPE
        | StatusCode::UNPROCESSABLE_ENTITY
        | StatusCode::PRECONDITION_REQUIRED
            if write =>
        {
            Some(Outcome::Invalid)
        }
        _ if write && refused_by_redirect => Some(Outcome::Invalid),
        _ => None,
    };
    if let Some(outcome) = outcome {
        let record = app.record_refusal(
            &actor,
            outcome,
            &path,
            status.as_u16(),
            seen.refusal.as_deref(),
        );
        // The answer stands either way; a record that could not be written is logged.
        if let (Err(e), _) = app::audit::within(origin, record).await {
            tracing::error!(error = %e, "a refusal could not be recorded");
        }
    }
    response
}
