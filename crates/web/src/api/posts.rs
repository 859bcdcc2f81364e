//! 千万IP创科普 online posts.

use app::App;
use app::paging::Paged;
use app::posts::{PostModeration, PostQuery, PostView};
use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use domain::posts::PostInput;

use crate::api::routes::object_body;
use crate::caller::{Authed, Caller};
use crate::error::ApiError;

/// `POST /api/v1/online-posts`.
#[utoipa::path(post, path = "/api/v1/online-posts", operation_id = "create_online_post", security(("bearer" = [])), request_body = PostInput, responses((status = 201, description = "已登记的作品", body = PostView), (status = 409, description = "同一链接已在本届登记")))]
pub async fn create(
    State(app): State<App>,
    Authed(actor): Authed,
    body: Result<Json<serde_json::Value>, JsonRejection>,
) -> Result<(StatusCode, Json<PostView>), ApiError> {
    let body: PostInput = object_body(body?.0)?;
    Ok((
        StatusCode::CREATED,
        Json(app.register_post(&actor, body).await?),
    ))
}

/// `GET /api/v1/online-posts`.
#[utoipa::path(get, path = "/api/v1/online-posts", operation_id = "list_online_posts", security((), ("bearer" = [])), params(PostQuery), responses((status = 200, description = "{items, total, page, per_page}（公开的作品；管理员另见本辖区隐藏的）", body = Paged<PostView>)))]
pub async fn list(
    State(app): State<App>,
    Caller(actor): Caller,
    query: Result<Query<PostQuery>, QueryRejection>,
) -> Result<Json<Paged<PostView>>, ApiError> {
    let Query(query) = query?;
    Ok(Json(app.posts(actor.as_ref(), query).await?))
}

/// `PATCH /api/v1/online-posts/{id}`.
#[utoipa::path(patch, path = "/api/v1/online-posts/{id}", operation_id = "update_online_post", security(("bearer" = [])), params(("id" = i64, Path)), request_body = PostInput, responses((status = 200, description = "修改后的作品", body = PostView)))]
pub async fn update(
    State(app): State<App>,
    Authed(actor): Authed,
    id: Result<Path<i64>, PathRejection>,
    body: Result<Json<serde_json::Value>, JsonRejection>,
) -> Result<Json<PostView>, ApiError> {
    let Path(id) = id?;
    let body: PostInput = object_body(body?.0)?;
    Ok(Json(app.update_post(&actor, id, body).await?))
}

/// `DELETE /api/v1/online-posts/{id}`.
#[utoipa::path(delete, path = "/api/v1/online-posts/{id}", operation_id = "delete_online_post", security(("bearer" = [])), params(("id" = i64, Path)), responses((status = 200, description = "已删除")))]
pub async fn delete(
    State(app): State<App>,
    Authed(actor): Authed,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let Path(id) = id?;
    app.delete_post(&actor, id).await?;
    Ok(Json(serde_json::json!({"deleted": id})))
}

/// `POST /api/v1/online-posts/{id}/moderation`.
#[utoipa::path(post, path = "/api/v1/online-posts/{id}/moderation", operation_id = "moderate_online_post", security(("bearer" = [])), params(("id" = i64, Path)), request_body = PostModeration, responses((status = 200, description = "处理后的作品", body = PostView)))]
pub async fn moderate(
    State(app): State<App>,
    Authed(actor): Authed,
    id: Result<Path<i64>, PathRejection>,
    body: Result<Json<PostModeration>, JsonRejection>,
) -> Result<Json<PostView>, ApiError> {
    let Path(id) = id?;
    let Json(body) = body?;
    Ok(Json(app.moderate_post(&actor, id, body).await?))
}
