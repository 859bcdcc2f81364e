//! Divisions.

use app::App;
use app::regions::{NewRegion, RegionView};
use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use serde::Deserialize;

use crate::caller::Authed;
use crate::error::ApiError;

/// Query of `GET /api/v1/regions`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegionQuery {
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    parent: Option<String>,
}

/// `GET /api/v1/regions?parent=CODE`: the divisions directly under CODE (provinces without).
#[utoipa::path(get, path = "/api/v1/regions", operation_id = "list_regions", security(()), params(("parent" = Option<String>, Query, description = "上级区划代码；省级区划不填", pattern = r"^\d{6}$")), responses((status = 200, description = "[{code, name, level, parent_code}]", body = Vec<app::regions::RegionView>), (status = 400, description = "代码格式错误"), (status = 404, description = "上级区划不存在")))]
pub async fn list(
    State(app): State<App>,
    query: Result<Query<RegionQuery>, QueryRejection>,
) -> Result<Json<Vec<RegionView>>, ApiError> {
    let Query(query) = query?;
    Ok(Json(app.regions_under(query.parent.as_deref()).await?))
}

/// `POST /api/v1/regions`: a national administrator adds a division.
#[utoipa::path(post, path = "/api/v1/regions", security(("bearer" = [])), request_body = app::regions::NewRegion, responses((status = 201, description = "新增的区划", body = app::regions::RegionView), (status = 403, description = "仅全国管理员"), (status = 409, description = "代码已存在"), (status = 422, description = "字段错误")))]
pub async fn add(
    State(app): State<App>,
    Authed(actor): Authed,
    body: Result<Json<NewRegion>, JsonRejection>,
) -> Result<(StatusCode, Json<RegionView>), ApiError> {
    let Json(input) = body?;
    Ok((
        StatusCode::CREATED,
        Json(app.add_region(&actor, input).await?),
    ))
}
