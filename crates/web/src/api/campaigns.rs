//! Campaigns.

use app::App;
use app::campaigns::CampaignView;
use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use domain::campaign::CampaignInput;

use crate::caller::Authed;
use crate::error::ApiError;

/// `GET /api/v1/campaigns/current`: the current national campaign.
#[utoipa::path(get, path = "/api/v1/campaigns/current", security(()), responses((status = 200, description = "当前全国活动季", body = app::campaigns::CampaignView)))]
pub async fn current(State(app): State<App>) -> Result<Json<CampaignView>, ApiError> {
    Ok(Json(app.current_campaign().await?))
}

/// `GET /api/v1/campaigns/{id}`.
#[utoipa::path(get, path = "/api/v1/campaigns/{id}", operation_id = "get_campaign", security(()), params(("id" = i64, Path)), responses((status = 200, description = "活动季", body = app::campaigns::CampaignView), (status = 404, description = "不存在")))]
pub async fn one(
    State(app): State<App>,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Json<CampaignView>, ApiError> {
    let Path(id) = id?;
    Ok(Json(app.campaign(id).await?))
}

/// `POST /api/v1/campaigns`: a national administrator configures a campaign.
#[utoipa::path(post, path = "/api/v1/campaigns", operation_id = "create_campaign", security(("bearer" = [])), request_body = domain::campaign::CampaignInput, responses((status = 201, description = "新活动季", body = app::campaigns::CampaignView), (status = 403, description = "仅全国管理员"), (status = 422, description = "配置不一致（日期顺序、板块重复或为空、负数）")))]
pub async fn create(
    State(app): State<App>,
    Authed(actor): Authed,
    body: Result<Json<CampaignInput>, JsonRejection>,
) -> Result<(StatusCode, Json<CampaignView>), ApiError> {
    let Json(input) = body?;
    Ok((
        StatusCode::CREATED,
        Json(app.create_campaign(&actor, input).await?),
    ))
}
