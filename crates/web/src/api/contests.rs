//! 科普视频征集与展播: contests (DESIGN.md §8; API.md "The video contest").

use app::App;
use app::contests::{ContestMove, ContestQuery, ContestView};
use app::paging::Paged;
use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use domain::contest::ContestInput;

use crate::api::routes::{VersionOfRecord, object_body, required_version};
use crate::caller::{Authed, Caller};
use crate::error::ApiError;

/// `POST /api/v1/contests`.
#[utoipa::path(post, path = "/api/v1/contests", operation_id = "create_contest", security(("bearer" = [])), request_body = ContestInput, responses((status = 201, description = "草稿状态的比赛（未填写的设置取自三门峡2024模板）", body = ContestView), (status = 403, description = "不是本辖区的管理员"), (status = 422, description = "设置不一致：权重合计不是100、键名重复、日期顺序不对、最短时长超过最长时长、画幅比例不是 W:H、投票比重不在0–100、未知的汇总方式等（error.fields 按字段路径）")))]
pub async fn create(
    State(app): State<App>,
    Authed(actor): Authed,
    body: Result<Json<serde_json::Value>, JsonRejection>,
) -> Result<(StatusCode, Json<ContestView>), ApiError> {
    let body: ContestInput = object_body(body?.0)?;
    Ok((
        StatusCode::CREATED,
        Json(app.create_contest(&actor, body).await?),
    ))
}

/// `GET /api/v1/contests`.
#[utoipa::path(get, path = "/api/v1/contests", operation_id = "list_contests", security((), ("bearer" = [])), params(ContestQuery), responses((status = 200, description = "比赛（草稿仅本辖区管理员可见）", body = Paged<ContestView>)))]
pub async fn list(
    State(app): State<App>,
    Caller(actor): Caller,
    query: Result<Query<ContestQuery>, QueryRejection>,
) -> Result<Json<Paged<ContestView>>, ApiError> {
    let Query(query) = query?;
    Ok(Json(app.contests(actor.as_ref(), query).await?))
}

/// `GET /api/v1/contests/{id}`.
#[utoipa::path(get, path = "/api/v1/contests/{id}", operation_id = "get_contest", security((), ("bearer" = [])), params(("id" = i64, Path)), responses((status = 200, description = "比赛", body = ContestView), (status = 404, description = "不存在，或是其他地区的草稿")))]
pub async fn get(
    State(app): State<App>,
    Caller(actor): Caller,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Json<ContestView>, ApiError> {
    let Path(id) = id?;
    Ok(Json(app.contest(actor.as_ref(), id).await?))
}

/// `PATCH /api/v1/contests/{id}` with `If-Match`.
#[utoipa::path(patch, path = "/api/v1/contests/{id}", operation_id = "update_contest", security(("bearer" = [])), params(("id" = i64, Path), VersionOfRecord), request_body = ContestInput, responses((status = 200, description = "修改后的比赛", body = ContestView), (status = 409, description = "版本已过期；已有作品提交后修改文件要求、评分标准、参赛方式或投票比重；结果已公布"), (status = 422, description = "设置不一致"), (status = 428, description = "缺少 If-Match")))]
pub async fn update(
    State(app): State<App>,
    Authed(actor): Authed,
    headers: HeaderMap,
    id: Result<Path<i64>, PathRejection>,
    body: Result<Json<serde_json::Value>, JsonRejection>,
) -> Result<Json<ContestView>, ApiError> {
    let Path(id) = id?;
    let version = required_version(&headers)?;
    let body: ContestInput = object_body(body?.0)?;
    Ok(Json(app.update_contest(&actor, id, version, body).await?))
}

/// `POST /api/v1/contests/{id}/status`.
#[utoipa::path(post, path = "/api/v1/contests/{id}/status", operation_id = "move_contest", security(("bearer" = [])), params(("id" = i64, Path)), request_body = ContestMove, responses((status = 200, description = "比赛的新状态", body = ContestView), (status = 409, description = "不允许的状态变化（原因在 error.message）"), (status = 422, description = "未知的状态")))]
pub async fn move_status(
    State(app): State<App>,
    Authed(actor): Authed,
    id: Result<Path<i64>, PathRejection>,
    body: Result<Json<ContestMove>, JsonRejection>,
) -> Result<Json<ContestView>, ApiError> {
    let Path(id) = id?;
    let Json(body) = body?;
    Ok(Json(app.move_contest(&actor, id, body).await?))
}
