//! 拟推优 and nominations (优秀活动, 优秀组织单位): each level's opinion, the list, the form.

use app::App;
use app::activities::ActivityView;
use app::nominations::{NominationView, OpinionInput, Target};
use app::paging::{Page, Paged};
use axum::Json;
use axum::body::Body;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::xlsx_download;
use crate::caller::Authed;
use crate::error::ApiError;

/// `PUT /api/v1/activities/{id}/excellence-intent` body.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IntentInput {
    intended: bool,
}

/// `PUT /api/v1/activities/{id}/excellence-intent {intended}`: the host marks it 拟推优.
#[utoipa::path(put, path = "/api/v1/activities/{id}/excellence-intent", security(("bearer" = [])), request_body = IntentInput, params(("id" = i64, Path)), responses((status = 200, description = "活动", body = app::activities::ActivityView)))]
pub async fn intent(
    State(app): State<App>,
    Authed(actor): Authed,
    id: Result<Path<i64>, PathRejection>,
    body: Result<Json<IntentInput>, JsonRejection>,
) -> Result<Json<ActivityView>, ApiError> {
    let (Path(id), Json(body)) = (id?, body?);
    Ok(Json(
        app.set_excellence_intent(&actor, id, body.intended).await?,
    ))
}

async fn nominate(
    app: &App,
    actor: &app::Actor,
    target: Target,
    body: OpinionInput,
) -> Result<(StatusCode, Json<NominationView>), ApiError> {
    let (created, view) = app.nominate(actor, target, body).await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(view)))
}

/// `POST /api/v1/activities/{id}/nominations {opinion, decision?}`.
#[utoipa::path(post, path = "/api/v1/activities/{id}/nominations", security(("bearer" = [])), request_body = app::nominations::OpinionInput, params(("id" = i64, Path)), responses((status = 201, description = "推荐及各级意见", body = app::nominations::NominationView), (status = 200, description = "推荐及各级意见", body = app::nominations::NominationView), (status = 409, description = "已被终止、已列入最终名单或本级已提出意见"), (status = 422, description = "不符合推优条件、名额已满或意见为空")))]
pub async fn nominate_activity(
    State(app): State<App>,
    Authed(actor): Authed,
    id: Result<Path<i64>, PathRejection>,
    body: Result<Json<OpinionInput>, JsonRejection>,
) -> Result<(StatusCode, Json<NominationView>), ApiError> {
    let (Path(id), Json(body)) = (id?, body?);
    nominate(&app, &actor, Target::Activity(id), body).await
}

/// `GET /api/v1/activities/{id}/nominations`: the activity's nomination, or null.
#[utoipa::path(get, path = "/api/v1/activities/{id}/nominations", security(("bearer" = [])), params(("id" = i64, Path)), responses((status = 200, description = "推荐或 null", body = Option<app::nominations::NominationView>)))]
pub async fn activity_nomination(
    State(app): State<App>,
    Authed(actor): Authed,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Json<Option<NominationView>>, ApiError> {
    let Path(id) = id?;
    Ok(Json(app.activity_nomination(&actor, id).await?))
}

/// `POST /api/v1/orgs/{id}/nominations {opinion, decision?}`: 优秀组织单位.
#[utoipa::path(post, path = "/api/v1/orgs/{id}/nominations", security(("bearer" = [])), request_body = app::nominations::OpinionInput, params(("id" = i64, Path)), responses((status = 201, description = "推荐及各级意见", body = app::nominations::NominationView), (status = 200, description = "本级意见已记入已有的推荐", body = app::nominations::NominationView), (status = 409, description = "已被终止、已列入最终名单或本级已提出意见")))]
pub async fn nominate_org(
    State(app): State<App>,
    Authed(actor): Authed,
    id: Result<Path<i64>, PathRejection>,
    body: Result<Json<OpinionInput>, JsonRejection>,
) -> Result<(StatusCode, Json<NominationView>), ApiError> {
    let (Path(id), Json(body)) = (id?, body?);
    nominate(&app, &actor, Target::Org(id), body).await
}

/// Filters of the nominations list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct NominationsQuery {
    #[param(value_type = Option<domain::nomination::State>)]
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    status: Option<String>,
    #[param(pattern = "^(activity|org)$")]
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    kind: Option<String>,
    #[param(minimum = 1, maximum = 1_000_000_000)]
    page: Option<i64>,
    #[param(minimum = 1, maximum = 100)]
    per_page: Option<i64>,
}

/// `GET /api/v1/nominations?status=open|stopped|final&kind=activity|org`.
#[utoipa::path(get, path = "/api/v1/nominations", security(("bearer" = [])), params(NominationsQuery), responses((status = 200, description = "辖区内的推荐", body = app::paging::Paged<app::nominations::NominationView>)))]
pub async fn nominations(
    State(app): State<App>,
    Authed(actor): Authed,
    q: Result<Query<NominationsQuery>, QueryRejection>,
) -> Result<Json<Paged<NominationView>>, ApiError> {
    let Query(q) = q?;
    let page = Page::parse(q.page, q.per_page)?;
    let list = app
        .nominations(&actor, q.status.as_deref(), q.kind.as_deref(), page)
        .await?;
    Ok(Json(list))
}

/// `GET /api/v1/nominations/{id}`.
#[utoipa::path(get, path = "/api/v1/nominations/{id}", security(("bearer" = [])), params(("id" = i64, Path)), responses((status = 200, description = "推荐及各级意见", body = app::nominations::NominationView)))]
pub async fn nomination(
    State(app): State<App>,
    Authed(actor): Authed,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Json<NominationView>, ApiError> {
    let Path(id) = id?;
    Ok(Json(app.nomination_for(&actor, id).await?))
}

/// `GET /api/v1/nominations/{id}/form.xlsx`: the recommendation form.
#[utoipa::path(get, path = "/api/v1/nominations/{id}/form.xlsx", security(("bearer" = [])), params(("id" = i64, Path)), responses((status = 200, description = "推荐表 xlsx", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn nomination_form(
    State(app): State<App>,
    Authed(actor): Authed,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Response, ApiError> {
    let Path(id) = id?;
    let bytes = app.nomination_form_xlsx(&actor, id).await?;
    let len = u64::try_from(bytes.len()).ok();
    Ok(xlsx_download("推荐表.xlsx", Body::from(bytes), len))
}
