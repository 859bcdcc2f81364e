//! The public list of activities and its calendar feed.

use app::App;
use app::public::PublicQuery;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use futures::StreamExt;

use crate::error::ApiError;

/// `GET /api/v1/activities`: approved activities, filtered and paged.
#[utoipa::path(get, path = "/api/v1/activities", operation_id = "list_activities", security(()), params(app::public::PublicQuery), responses((status = 200, description = "{items, total, page, per_page}（仅已通过的活动）", body = app::paging::Paged<app::activities::ActivityView>), (status = 400, description = "参数无法解析或超出范围")))]
pub async fn list(
    State(app): State<App>,
    query: Result<Query<PublicQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(query) = query?;
    // Sent as kept: the same JSON as `Json<Paged<ActivityView>>` would write.
    let body = app.public_activities_json(&query).await?;
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

/// Events fetched per round while a feed streams.
const FEED_ROUND: i64 = 100;

/// The feed's parameters for the OpenAPI document: the list's filters, with `page` and
/// `per_page` read (integers) but ignored, since a calendar holds every matching event.
pub struct FeedParams;

impl utoipa::IntoParams for FeedParams {
    fn into_params(
        parameter_in_provider: impl Fn() -> Option<utoipa::openapi::path::ParameterIn>,
    ) -> Vec<utoipa::openapi::path::Parameter> {
        use utoipa::openapi::{ObjectBuilder, RefOr, Schema, Type};
        <PublicQuery as utoipa::IntoParams>::into_params(parameter_in_provider)
            .into_iter()
            .map(|mut p| {
                if p.name == "page" || p.name == "per_page" {
                    p.description =
                        Some("日历订阅不分页：此参数被忽略，返回全部符合条件的活动".to_owned());
                    p.schema = Some(RefOr::T(Schema::Object(
                        ObjectBuilder::new().schema_type(Type::Integer).build(),
                    )));
                }
                p
            })
            .collect()
    }
}

/// `GET /api/v1/activities.ics`: the same filters as a calendar, one event per activity:
/// every matching one (a calendar app does not page), upcoming and ongoing unless `from` or
/// `to` says otherwise, streamed a hundred at a time.
#[utoipa::path(get, path = "/api/v1/activities.ics", security(()), params(FeedParams), responses((status = 200, description = "text/calendar：全部符合条件的活动（不分页；未给 from/to 时为未结束的活动）", content_type = "text/calendar"), (status = 400, description = "参数无法解析或超出范围")))]
pub async fn calendar(
    State(app): State<App>,
    query: Result<Query<PublicQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(mut query) = query?;
    query.page = None;
    query.per_page = Some(FEED_ROUND);
    if query.from.is_none() && query.to.is_none() {
        let today = domain::campaign::beijing_date(app.clock.now());
        query.from = Some(today.format("%Y-%m-%d").to_string());
    }
    // The first round is read before anything is sent: a filter that does not read is a
    // 400 with its reason, never a calendar cut short.
    let first = app.public_activities(&query).await?;
    let rounds = first.total.div_ceil(FEED_ROUND.unsigned_abs()).max(1);
    // Absolute links come from the configured address, never from the Host header.
    let base = app.config.site_url();
    let host = app::ical::host_of(&base).to_owned();
    let now = app.clock.now();
    let head = app::ical::opening() + &app::ical::events(&first.items, &base, now, &host);
    let rest = futures::stream::unfold(2_u64, move |round| {
        let (app, mut query, base, host) = (app.clone(), query.clone(), base.clone(), host.clone());
        async move {
            if round > rounds {
                return None;
            }
            query.page = i64::try_from(round).ok();
            let chunk = match app.public_activities(&query).await {
                Ok(page) => Ok(app::ical::events(&page.items, &base, now, &host)),
                Err(e) => Err(std::io::Error::other(e.to_string())),
            };
            Some((chunk, round + 1))
        }
    });
    let body = futures::stream::once(async move { Ok::<_, std::io::Error>(head) })
        .chain(rest)
        .chain(futures::stream::once(async { Ok(app::ical::closing()) }));
    Ok((
        [(header::CONTENT_TYPE, "text/calendar; charset=utf-8")],
        axum::body::Body::from_stream(body),
    )
        .into_response())
}
