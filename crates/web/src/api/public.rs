//! The public list of activities and its calendar feed.

use app::App;
use app::activities::ActivityView;
use app::paging::Paged;
use app::public::PublicQuery;
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;

/// `GET /api/v1/activities`: approved activities, filtered and paged.
#[utoipa::path(get, path = "/api/v1/activities", operation_id = "list_activities", security(()), params(app::public::PublicQuery), responses((status = 200, description = "{items, total, page, per_page}（仅已通过的活动）", body = app::paging::Paged<app::activities::ActivityView>), (status = 400, description = "参数无法解析或超出范围")))]
pub async fn list(
    State(app): State<App>,
    query: Result<Query<PublicQuery>, QueryRejection>,
) -> Result<Json<Paged<ActivityView>>, ApiError> {
    let Query(query) = query?;
    Ok(Json(app.public_activities(&query).await?))
}

/// `GET /api/v1/activities.ics`: the same filters as a calendar, one event per activity.
#[utoipa::path(get, path = "/api/v1/activities.ics", security(()), params(app::public::PublicQuery), responses((status = 200, description = "text/calendar", content_type = "text/calendar")))]
pub async fn calendar(
    State(app): State<App>,
    query: Result<Query<PublicQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(mut query) = query?;
    query.per_page = Some(query.per_page.unwrap_or(100));
    let page = app.public_activities(&query).await?;
    // Absolute links come from the configured address, never from the Host header.
    let base = app.config.site_url();
    let host = base.split_once("://").map_or(base.as_str(), |(_, h)| h);
    let body = app::ical::calendar(&page.items, &base, app.clock.now(), host);
    Ok((
        [(header::CONTENT_TYPE, "text/calendar; charset=utf-8")],
        body,
    )
        .into_response())
}
