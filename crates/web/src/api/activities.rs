//! Activities: drafts, edits, submission, withdrawal, review, history, notifications.

use app::App;
use app::AppError;
use app::activities::ActivityView;
use app::paging::{Page, Paged};
use app::review::{BulkDecisionInput, DecisionInput, FieldChange, QueueQuery};
use app::supplements::SupplementView;
use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use domain::activity::ActivityFields;
use domain::supplement::SupplementFields;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::caller::{Authed, Caller};
use crate::error::ApiError;

type Answer = Result<Json<ActivityView>, ApiError>;

/// Paging parameters.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PageQuery {
    #[param(minimum = 1, maximum = 1_000_000_000)]
    page: Option<i64>,
    #[param(minimum = 1, maximum = 100)]
    per_page: Option<i64>,
}

/// `If-Match` when a write must name the version it saw (PATCH), for the OpenAPI document.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Header)]
#[expect(dead_code, reason = "describes a header read by if_match")]
pub struct VersionRequired {
    /// 活动的 version (also `"3"` or `W/"3"`); a stale one is refused with 409.
    #[param(rename = "If-Match", minimum = 1)]
    if_match: i64,
}

/// `If-Match` where a write may name the version it saw, for the OpenAPI document.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Header)]
#[expect(dead_code, reason = "describes a header read by if_match")]
pub struct VersionSeen {
    /// 活动的 version; when given, a stale one is refused with 409.
    #[param(rename = "If-Match", minimum = 1, nullable = false)]
    if_match: Option<i64>,
}

/// The version in `If-Match` (`3`, `"3"` or `W/"3"`); `None` when absent.
pub(crate) fn if_match(headers: &HeaderMap) -> Result<Option<i64>, ApiError> {
    let Some(value) = headers.get(header::IF_MATCH) else {
        return Ok(None);
    };
    let text = value.to_str().unwrap_or_default().trim();
    let text = text.strip_prefix("W/").unwrap_or(text).trim_matches('"');
    text.parse()
        .map(Some)
        .map_err(|_| AppError::Malformed("If-Match 须为活动的版本号（整数）".to_owned()).into())
}

/// `POST /api/v1/activities`: a draft from any subset of the fields.
#[utoipa::path(post, path = "/api/v1/activities", operation_id = "create_activity", security(("bearer" = [])), request_body = domain::activity::ActivityFields, responses((status = 201, description = "草稿", body = app::activities::ActivityView), (status = 422, description = "字段格式错误")))]
pub async fn create(
    State(app): State<App>,
    Authed(actor): Authed,
    body: Result<Json<Value>, JsonRejection>,
) -> Result<(StatusCode, Json<ActivityView>), ApiError> {
    let Json(body) = body?;
    let fields = ActivityFields::from_json(body).map_err(AppError::Malformed)?;
    Ok((
        StatusCode::CREATED,
        Json(app.create_activity(&actor, fields).await?),
    ))
}

/// `GET /api/v1/activities/{id}`.
#[utoipa::path(get, path = "/api/v1/activities/{id}", operation_id = "get_activity", security((), ("bearer" = [])), params(("id" = i64, Path)), responses((status = 200, description = "活动", body = app::activities::ActivityView), (status = 404, description = "不存在或无权查看")))]
pub async fn one(
    State(app): State<App>,
    Caller(actor): Caller,
    id: Result<Path<i64>, PathRejection>,
) -> Answer {
    let Path(id) = id?;
    Ok(Json(app.activity(actor.as_ref(), id).await?))
}

/// `PATCH /api/v1/activities/{id}` with `If-Match: <version>`.
#[utoipa::path(patch, path = "/api/v1/activities/{id}", security(("bearer" = [])), request_body = domain::activity::ActivityFields, params(("id" = i64, Path), VersionRequired), responses((status = 200, description = "修改后的活动", body = app::activities::ActivityView), (status = 409, description = "版本过期或状态不允许"), (status = 428, description = "缺少 If-Match")))]
pub async fn update(
    State(app): State<App>,
    Authed(actor): Authed,
    headers: HeaderMap,
    id: Result<Path<i64>, PathRejection>,
    body: Result<Json<Value>, JsonRejection>,
) -> Answer {
    let Path(id) = id?;
    let Some(version) = if_match(&headers)? else {
        return Err(ApiError::Http(
            StatusCode::PRECONDITION_REQUIRED,
            "precondition_required",
            "修改活动须带 If-Match 请求头（活动的 version）".to_owned(),
        ));
    };
    let Json(body) = body?;
    let fields = ActivityFields::from_json(body).map_err(AppError::Malformed)?;
    Ok(Json(
        app.update_activity(&actor, id, version, fields).await?,
    ))
}

/// `POST /api/v1/activities/{id}/submit`.
#[utoipa::path(post, path = "/api/v1/activities/{id}/submit", security(("bearer" = [])), params(("id" = i64, Path), VersionSeen), responses((status = 200, description = "进入审核", body = app::activities::ActivityView), (status = 409, description = "状态不允许或版本过期"), (status = 422, description = "列出全部缺漏与错误")))]
pub async fn submit(
    State(app): State<App>,
    Authed(actor): Authed,
    headers: HeaderMap,
    id: Result<Path<i64>, PathRejection>,
) -> Answer {
    let Path(id) = id?;
    Ok(Json(
        app.submit_activity(&actor, id, if_match(&headers)?).await?,
    ))
}

/// `POST /api/v1/activities/{id}/withdraw`.
#[utoipa::path(post, path = "/api/v1/activities/{id}/withdraw", security(("bearer" = [])), params(("id" = i64, Path), VersionSeen), responses((status = 200, description = "回到草稿", body = app::activities::ActivityView), (status = 409, description = "状态不允许")))]
pub async fn withdraw(
    State(app): State<App>,
    Authed(actor): Authed,
    headers: HeaderMap,
    id: Result<Path<i64>, PathRejection>,
) -> Answer {
    let Path(id) = id?;
    Ok(Json(
        app.withdraw_activity(&actor, id, if_match(&headers)?)
            .await?,
    ))
}

/// `POST /api/v1/activities/{id}/copy`: a new draft from this one.
#[utoipa::path(post, path = "/api/v1/activities/{id}/copy", security(("bearer" = [])), params(("id" = i64, Path)), responses((status = 201, description = "新草稿", body = app::activities::ActivityView)))]
pub async fn copy(
    State(app): State<App>,
    Authed(actor): Authed,
    id: Result<Path<i64>, PathRejection>,
) -> Result<(StatusCode, Json<ActivityView>), ApiError> {
    let Path(id) = id?;
    Ok((
        StatusCode::CREATED,
        Json(app.copy_activity(&actor, id).await?),
    ))
}

/// `POST /api/v1/activities/{id}/decisions`.
#[utoipa::path(post, path = "/api/v1/activities/{id}/decisions", security(("bearer" = [])), request_body = app::review::DecisionInput, params(("id" = i64, Path), VersionSeen), responses((status = 200, description = "新状态", body = app::activities::ActivityView), (status = 403, description = "不在审核范围"), (status = 409, description = "状态不对"), (status = 422, description = "不通过未填理由")))]
pub async fn decide(
    State(app): State<App>,
    Authed(actor): Authed,
    headers: HeaderMap,
    id: Result<Path<i64>, PathRejection>,
    body: Result<Json<DecisionInput>, JsonRejection>,
) -> Answer {
    let (Path(id), Json(input)) = (id?, body?);
    Ok(Json(
        app.decide_activity(&actor, id, input, if_match(&headers)?)
            .await?,
    ))
}

/// `GET /api/v1/activities/{id}/history`.
#[utoipa::path(get, path = "/api/v1/activities/{id}/history", security(("bearer" = [])), params(("id" = i64, Path)), responses((status = 200, description = "[{at, actor, from, to, reason}]", body = Vec<app::activities::HistoryEntry>)))]
pub async fn history(
    State(app): State<App>,
    Authed(actor): Authed,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Json<Vec<app::activities::HistoryEntry>>, ApiError> {
    let Path(id) = id?;
    Ok(Json(app.activity_history(&actor, id).await?))
}

/// `GET /api/v1/activities/{id}/changes`: fields changed since the last decided submission.
#[utoipa::path(get, path = "/api/v1/activities/{id}/changes", security(("bearer" = [])), params(("id" = i64, Path)), responses((status = 200, description = "[{field, before, after}]", body = Vec<app::review::FieldChange>)))]
pub async fn changes(
    State(app): State<App>,
    Authed(actor): Authed,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Json<Vec<FieldChange>>, ApiError> {
    let Path(id) = id?;
    Ok(Json(app.changes_since_last_decision(&actor, id).await?))
}

/// `GET /api/v1/my/activities`.
#[utoipa::path(get, path = "/api/v1/my/activities", security(("bearer" = [])), params(PageQuery), responses((status = 200, description = "我的活动（分页）", body = app::paging::Paged<app::activities::ActivityView>)))]
pub async fn mine(
    State(app): State<App>,
    Authed(actor): Authed,
    query: Result<Query<PageQuery>, QueryRejection>,
) -> Result<Json<Paged<ActivityView>>, ApiError> {
    let Query(q) = query?;
    let page = Page::parse(q.page, q.per_page)?;
    Ok(Json(app.my_activities(&actor, page).await?))
}

/// `GET /api/v1/review-queue`.
#[utoipa::path(get, path = "/api/v1/review-queue", security(("bearer" = [])), params(app::review::QueueQuery), responses((status = 200, description = "待本管理员审核的活动（分页，仅限辖区）", body = app::paging::Paged<app::activities::ActivityView>)))]
pub async fn queue(
    State(app): State<App>,
    Authed(actor): Authed,
    query: Result<Query<QueueQuery>, QueryRejection>,
) -> Result<Json<Paged<ActivityView>>, ApiError> {
    let Query(q) = query?;
    Ok(Json(app.review_queue(&actor, q).await?))
}

/// `GET /api/v1/review-times`.
#[utoipa::path(get, path = "/api/v1/review-times", operation_id = "review_times", security(("bearer" = [])), params(app::review::ReviewTimesQuery), responses((status = 200, description = "辖区内各省的审核用时（中位数、90百分位，小时）和当前超时数", body = app::review::ReviewTimesView), (status = 400, description = "未知的审核层级"), (status = 403, description = "不是管理员")))]
pub async fn review_times(
    State(app): State<App>,
    Authed(actor): Authed,
    query: Result<Query<app::review::ReviewTimesQuery>, QueryRejection>,
) -> Result<Json<app::review::ReviewTimesView>, ApiError> {
    let Query(q) = query?;
    Ok(Json(app.review_times(&actor, q).await?))
}

/// `POST /api/v1/activities/{id}/review-reminder`.
#[utoipa::path(post, path = "/api/v1/activities/{id}/review-reminder", operation_id = "remind_review", security(("bearer" = [])), params(("id" = i64, Path)), responses((status = 200, description = "已提醒该省的审核人员", body = app::review::Reminded), (status = 403, description = "不是全国管理员"), (status = 409, description = "不是已超时的省级审核")))]
pub async fn remind_review(
    State(app): State<App>,
    Authed(actor): Authed,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Json<app::review::Reminded>, ApiError> {
    let Path(id) = id?;
    Ok(Json(app.remind_review(&actor, id).await?))
}

/// `POST /api/v1/review-queue/decisions`: one decision and reason for several activities.
#[utoipa::path(post, path = "/api/v1/review-queue/decisions", security(("bearer" = [])), request_body = app::review::BulkDecisionInput, responses((status = 200, description = "[{id, ok, status | message}]", body = Vec<app::review::BulkOutcome>)))]
pub async fn decide_many(
    State(app): State<App>,
    Authed(actor): Authed,
    body: Result<Json<BulkDecisionInput>, JsonRejection>,
) -> Result<Json<Vec<app::review::BulkOutcome>>, ApiError> {
    let Json(input) = body?;
    Ok(Json(app.decide_many(&actor, input).await?))
}

/// `GET /api/v1/notifications`: paged, with `unread`.
#[utoipa::path(get, path = "/api/v1/notifications", security(("bearer" = [])), params(PageQuery), responses((status = 200, description = "通知（分页）与未读数", body = Notifications)))]
pub async fn notifications(
    State(app): State<App>,
    Authed(actor): Authed,
    query: Result<Query<PageQuery>, QueryRejection>,
) -> Result<Json<Notifications>, ApiError> {
    let Query(q) = query?;
    let (page, unread) = app
        .notifications(&actor, Page::parse(q.page, q.per_page)?)
        .await?;
    Ok(Json(Notifications { page, unread }))
}

/// A page of notifications with how many are unread.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Notifications {
    /// The page.
    #[serde(flatten)]
    page: Paged<app::notifications::Notification>,
    /// 未读数
    unread: u64,
}

/// `POST /api/v1/notifications/{id}/read`.
#[utoipa::path(post, path = "/api/v1/notifications/{id}/read", security(("bearer" = [])), params(("id" = i64, Path)), responses((status = 204, description = "已读")))]
pub async fn read(
    State(app): State<App>,
    Authed(actor): Authed,
    id: Result<Path<i64>, PathRejection>,
) -> Result<StatusCode, ApiError> {
    let Path(id) = id?;
    app.mark_read(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `PUT /api/v1/activities/{id}/supplement`: saved as often as needed; `complete` and
/// `missing` say what remains.
#[utoipa::path(put, path = "/api/v1/activities/{id}/supplement", security(("bearer" = [])), request_body = domain::supplement::SupplementFields, params(("id" = i64, Path)), responses((status = 200, description = "补充信息与 complete", body = app::supplements::SupplementView), (status = 409, description = "活动尚未通过审核"), (status = 422, description = "照片、视频数量或时长、链接、人数不符合要求")))]
pub async fn put_supplement(
    State(app): State<App>,
    Authed(actor): Authed,
    id: Result<Path<i64>, PathRejection>,
    body: Result<Json<Value>, JsonRejection>,
) -> Result<Json<SupplementView>, ApiError> {
    let (Path(id), Json(body)) = (id?, body?);
    let fields = SupplementFields::from_json(body).map_err(AppError::Malformed)?;
    Ok(Json(app.put_supplement(&actor, id, fields).await?))
}

/// `GET /api/v1/activities/{id}/supplement`.
#[utoipa::path(get, path = "/api/v1/activities/{id}/supplement", security(("bearer" = [])), params(("id" = i64, Path)), responses((status = 200, description = "补充信息、缺项与截止日期", body = app::supplements::SupplementView)))]
pub async fn supplement(
    State(app): State<App>,
    Authed(actor): Authed,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Json<SupplementView>, ApiError> {
    let Path(id) = id?;
    Ok(Json(app.supplement(Some(&actor), id).await?))
}

/// `POST /api/v1/activities/{id}/hosts/{org_id}/confirmation`: a member of a named host or
/// co-host confirms that it takes part.
#[utoipa::path(post, path = "/api/v1/activities/{id}/hosts/{org_id}/confirmation", security(("bearer" = [])), params(("id" = i64, Path), ("org_id" = i64, Path)), responses((status = 200, description = "活动（unconfirmed_hosts 为仍待确认的单位）", body = app::activities::ActivityView), (status = 403, description = "不是该单位的成员"), (status = 404, description = "活动不存在或该单位不是其主办、承办单位")))]
pub async fn confirm_host(
    State(app): State<App>,
    Authed(actor): Authed,
    ids: Result<Path<(i64, i64)>, PathRejection>,
) -> Answer {
    let Path((id, org_id)) = ids?;
    Ok(Json(app.confirm_host(&actor, id, org_id).await?))
}
