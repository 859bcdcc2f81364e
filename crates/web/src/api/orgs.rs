//! The organisation registry.

use app::App;
use app::orgs::{CertificationInput, OrgHit, OrgInput, OrgView};
use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::Deserialize;

use crate::caller::Authed;
use crate::error::ApiError;

/// Query of the autocomplete.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SearchQuery {
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    q: Option<String>,
    #[param(minimum = 1, maximum = 50)]
    limit: Option<u64>,
}

/// Body of `POST /api/v1/orgs/{id}/members`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct MemberInput {
    /// The colleague's phone number.
    #[serde(default)]
    #[schema(required = true, pattern = r"^1\d{10}$")]
    phone: String,
}

/// `GET /api/v1/orgs?q=TEXT&limit=10`: autocomplete, certified first.
#[utoipa::path(get, path = "/api/v1/orgs", security(()), params(SearchQuery), responses((status = 200, description = "[{id, name, region_code, status}]", body = Vec<app::orgs::OrgHit>), (status = 400, description = "参数错误")))]
pub async fn search(
    State(app): State<App>,
    query: Result<Query<SearchQuery>, QueryRejection>,
) -> Result<Json<Vec<OrgHit>>, ApiError> {
    let Query(query) = query?;
    let limit = query.limit.unwrap_or(10);
    if !(1..=50).contains(&limit) {
        return Err(app::AppError::Malformed("limit 须在1至50之间".to_owned()).into());
    }
    Ok(Json(
        app.search_orgs(query.q.as_deref().unwrap_or(""), limit)
            .await?,
    ))
}

/// `GET /api/v1/orgs/{id}`.
#[utoipa::path(get, path = "/api/v1/orgs/{id}", operation_id = "get_org", security(()), params(("id" = i64, Path)), responses((status = 200, description = "单位", body = app::orgs::OrgView), (status = 404, description = "不存在")))]
pub async fn one(
    State(app): State<App>,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Json<OrgView>, ApiError> {
    let Path(id) = id?;
    Ok(Json(app.org(id).await?))
}

/// `GET /api/v1/orgs/{id}/record`: the host's track record.
#[utoipa::path(get, path = "/api/v1/orgs/{id}/record", operation_id = "org_record", security(("bearer" = [])), params(("id" = i64, Path)), responses((status = 200, description = "单位的历史记录：提交、通过、退回（含理由）、按时补充率、推优与获评，按活动季", body = app::record::TrackRecord), (status = 404, description = "不存在，或不在本辖区且不是本单位成员")))]
pub async fn record(
    State(app): State<App>,
    crate::caller::Authed(actor): crate::caller::Authed,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Json<app::record::TrackRecord>, ApiError> {
    let Path(id) = id?;
    Ok(Json(app.track_record(&actor, id).await?))
}

/// `POST /api/v1/orgs`: applies for a registry entry.
#[utoipa::path(post, path = "/api/v1/orgs", security(("bearer" = [])), request_body = app::orgs::OrgInput, responses((status = 201, description = "待认证的单位", body = app::orgs::OrgView), (status = 409, description = "同地区同名或信用代码重复（含 existing_id）"), (status = 422, description = "字段错误"), (status = 429, description = "今日登记单位的次数已达上限（带 Retry-After）")))]
pub async fn apply(
    State(app): State<App>,
    Authed(actor): Authed,
    body: Result<Json<OrgInput>, JsonRejection>,
) -> Result<(StatusCode, Json<OrgView>), ApiError> {
    let Json(input) = body?;
    Ok((
        StatusCode::CREATED,
        Json(app.apply_org(&actor, input).await?),
    ))
}

/// `POST /api/v1/orgs/{id}/certification`.
#[utoipa::path(post, path = "/api/v1/orgs/{id}/certification", security(("bearer" = [])), request_body = app::orgs::CertificationInput, params(("id" = i64, Path)), responses((status = 200, description = "认证后的单位", body = app::orgs::OrgView), (status = 403, description = "不在管辖范围"), (status = 422, description = "不通过未填理由")))]
pub async fn certify(
    State(app): State<App>,
    Authed(actor): Authed,
    id: Result<Path<i64>, PathRejection>,
    body: Result<Json<CertificationInput>, JsonRejection>,
) -> Result<Json<OrgView>, ApiError> {
    let (Path(id), Json(input)) = (id?, body?);
    Ok(Json(app.certify_org(&actor, id, input).await?))
}

/// `POST /api/v1/orgs/{id}/members`: a member adds a colleague by phone.
#[utoipa::path(post, path = "/api/v1/orgs/{id}/members", security(("bearer" = [])), request_body = MemberInput, params(("id" = i64, Path)), responses((status = 201, description = "已添加", body = MemberAdded), (status = 403, description = "非本单位成员"), (status = 409, description = "已是成员")))]
pub async fn add_member(
    State(app): State<App>,
    Authed(actor): Authed,
    id: Result<Path<i64>, PathRejection>,
    body: Result<Json<MemberInput>, JsonRejection>,
) -> Result<(StatusCode, Json<MemberAdded>), ApiError> {
    let (Path(id), Json(input)) = (id?, body?);
    app.add_member(&actor, id, &input.phone).await?;
    Ok((
        StatusCode::CREATED,
        Json(MemberAdded {
            org_id: id,
            added: true,
        }),
    ))
}

/// A colleague was added to an organisation.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct MemberAdded {
    /// The organisation.
    org_id: i64,
    /// Always true.
    added: bool,
}
