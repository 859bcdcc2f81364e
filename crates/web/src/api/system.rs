//! Health and the audit log.

use app::App;
use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures::StreamExt;
use serde::Deserialize;

use crate::caller::Authed;
use crate::error::ApiError;

/// `GET /healthz`: 200 when the server and its database answer.
#[utoipa::path(get, path = "/healthz", security(()), responses((status = 200, description = "服务与数据库正常", content_type = "text/plain"), (status = 503, description = "数据库无响应", content_type = "text/plain")))]
pub async fn healthz(State(app): State<App>) -> (StatusCode, &'static str) {
    match app.ping().await {
        Ok(_) => (StatusCode::OK, "ok"),
        Err(e) => {
            tracing::error!(error = %e, "health check: database did not answer");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}

/// Query of `GET /api/v1/audit`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    #[param(minimum = 1, maximum = 200)]
    limit: Option<u64>,
}

/// `GET /api/v1/audit?limit=`: the latest admin actions in the caller's areas.
#[utoipa::path(get, path = "/api/v1/audit", security(("bearer" = [])), params(AuditQuery), responses((status = 200, description = "操作记录，最新在前", body = Vec<app::audit::AuditEntry>)))]
pub async fn audit(
    State(app): State<App>,
    Authed(actor): Authed,
    query: Result<Query<AuditQuery>, QueryRejection>,
) -> Result<Json<Vec<app::audit::AuditEntry>>, ApiError> {
    let Query(query) = query?;
    let limit = query.limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(app::AppError::Malformed("limit 须在1至200之间".to_owned()).into());
    }
    Ok(Json(app.audit_latest(&actor, limit).await?))
}

/// `GET /api/v1/audit-log?from=&to=&actor=&action=&target=&outcome=&page=&per_page=`: the
/// audit trail in the caller's areas, newest first.
#[utoipa::path(get, path = "/api/v1/audit-log", security(("bearer" = [])), params(app::audit::AuditQuery), responses((status = 200, description = "操作记录，最新在前", body = app::paging::Paged<app::audit::AuditEntry>), (status = 400, description = "日期、结果或分页参数有误"), (status = 403, description = "仅管理员")))]
pub async fn audit_log(
    State(app): State<App>,
    Authed(actor): Authed,
    query: Result<Query<app::audit::AuditQuery>, QueryRejection>,
) -> Result<Json<app::paging::Paged<app::audit::AuditEntry>>, ApiError> {
    let Query(query) = query?;
    Ok(Json(app.audit_log(&actor, &query).await?))
}

/// `GET /api/v1/exports/audit-log.csv?from=&to=&actor=&action=&target=&outcome=`: every
/// matching entry in the caller's areas, oldest first, as CSV (UTF-8 with a byte-order mark,
/// so that Excel reads it as such), streamed a batch at a time: memory does not grow with
/// the log. The export is itself recorded.
#[utoipa::path(get, path = "/api/v1/exports/audit-log.csv", security(("bearer" = [])), params(app::audit::AuditQuery), responses((status = 200, description = "操作记录 CSV（UTF-8，带 BOM）", content_type = "text/csv"), (status = 400, description = "日期或结果参数有误"), (status = 403, description = "仅管理员")))]
pub async fn audit_log_csv(
    State(app): State<App>,
    Authed(actor): Authed,
    query: Result<Query<app::audit::AuditQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(query) = query?;
    let filter = app.begin_audit_export(&actor, &query).await?;
    let head = app::audit::csv_line(&app::audit::CSV_HEADER.map(str::to_owned));
    let mut first = b"\xEF\xBB\xBF".to_vec();
    first.extend_from_slice(&head);
    // State: the id read up to, or `None` once the last batch has gone.
    let rows = futures::stream::unfold(Some(0_i64), move |after| {
        let app = app.clone();
        let filter = filter.clone();
        async move {
            let after = after?;
            match app.audit_batch(filter, after).await {
                Ok(batch) if batch.is_empty() => None,
                Ok(batch) => {
                    let last = batch.last().map_or(after, |e| e.id);
                    let mut chunk = Vec::new();
                    for e in &batch {
                        chunk.extend_from_slice(&app::audit::csv_line(&e.csv_row()));
                    }
                    Some((Ok::<_, std::io::Error>(Bytes::from(chunk)), Some(last)))
                }
                Err(e) => {
                    // The status has gone: the download ends short, and the cause is logged.
                    tracing::error!(error = %e, "audit export stopped");
                    Some((Err(std::io::Error::other("audit export stopped")), None))
                }
            }
        }
    });
    let body = futures::stream::once(async move { Ok(Bytes::from(first)) }).chain(rows);
    let disposition = format!(
        "attachment; filename=\"audit-log.csv\"; filename*=UTF-8''{}",
        urlencoding::encode("操作记录.csv")
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        Body::from_stream(body),
    )
        .into_response())
}
