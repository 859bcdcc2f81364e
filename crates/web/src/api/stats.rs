//! Statistics of an area, as JSON and as a workbook.

use app::App;
use axum::Json;
use axum::body::Body;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;

use super::{RegionQuery, xlsx_download};
use crate::caller::Authed;
use crate::error::ApiError;

/// The statistics' parameters.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct StatsQuery {
    #[param(pattern = r"^\d{6}$")]
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    region: Option<String>,
    #[param(max_length = 20)]
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    topic: Option<String>,
}

/// `GET /api/v1/stats?region=CODE&topic=关键词`.
#[utoipa::path(get, path = "/api/v1/stats", security(("bearer" = [])), params(StatsQuery), responses((status = 200, description = "按状态、板块、地区、对象、场所、形式的统计", body = app::stats::StatsView), (status = 403, description = "非管理员或超出辖区")))]
pub async fn stats(
    State(app): State<App>,
    Authed(actor): Authed,
    q: Result<Query<StatsQuery>, QueryRejection>,
) -> Result<Json<app::stats::StatsView>, ApiError> {
    let Query(q) = q?;
    Ok(Json(
        app.stats(&actor, q.region.as_deref(), q.topic.as_deref())
            .await?,
    ))
}

/// `GET /api/v1/stats.xlsx?region=CODE`: the statistics' tables, one sheet each.
#[utoipa::path(get, path = "/api/v1/stats.xlsx", security(("bearer" = [])), params(super::RegionQuery), responses((status = 200, description = "统计表 xlsx", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn stats_xlsx(
    State(app): State<App>,
    Authed(actor): Authed,
    q: Result<Query<RegionQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(q) = q?;
    let bytes = app.stats_xlsx(&actor, q.region.as_deref()).await?;
    let len = u64::try_from(bytes.len()).ok();
    Ok(xlsx_download("活动统计.xlsx", Body::from(bytes), len))
}
