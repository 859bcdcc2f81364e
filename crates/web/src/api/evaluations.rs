//! 考评: evaluation schemes and their results (the issue "Evaluation and oversight"; API.md
//! as the contract writes it).

use app::App;
use app::evaluations::{
    CountedQuery, CountedView, JudgedInput, ResultsView, SchemeQuery, SchemeView,
};
use app::paging::Paged;
use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use domain::evaluation::SchemeInput;

use crate::api::routes::object_body;
use crate::caller::Authed;
use crate::error::ApiError;

/// `POST /api/v1/evaluation-schemes`.
#[utoipa::path(post, path = "/api/v1/evaluation-schemes", operation_id = "create_evaluation_scheme", security(("bearer" = [])), request_body = SchemeInput, responses((status = 201, description = "考评方案", body = SchemeView), (status = 403, description = "不是 region_code 地区的管理员"), (status = 422, description = "权重合计不是100、键名重复、未知的统计项、主题活动数缺关键词、地区不存在等（error.fields 按字段路径，如 indicators[2].measure）")))]
pub async fn create(
    State(app): State<App>,
    Authed(actor): Authed,
    body: Result<Json<serde_json::Value>, JsonRejection>,
) -> Result<(StatusCode, Json<SchemeView>), ApiError> {
    let body: SchemeInput = object_body(body?.0)?;
    Ok((
        StatusCode::CREATED,
        Json(app.create_scheme(&actor, body).await?),
    ))
}

/// `GET /api/v1/evaluation-schemes`.
#[utoipa::path(get, path = "/api/v1/evaluation-schemes", operation_id = "list_evaluation_schemes", security(("bearer" = [])), params(SchemeQuery), responses((status = 200, description = "本辖区制定的考评方案，以及上级已公布的考评", body = Paged<SchemeView>)))]
pub async fn list(
    State(app): State<App>,
    Authed(actor): Authed,
    query: Result<Query<SchemeQuery>, QueryRejection>,
) -> Result<Json<Paged<SchemeView>>, ApiError> {
    let Query(query) = query?;
    Ok(Json(app.schemes(&actor, query).await?))
}

/// `GET /api/v1/evaluation-schemes/{id}`.
#[utoipa::path(get, path = "/api/v1/evaluation-schemes/{id}", operation_id = "get_evaluation_scheme", security(("bearer" = [])), params(("id" = i64, Path)), responses((status = 200, description = "考评方案", body = SchemeView), (status = 404, description = "不存在，或不是本辖区的（未公布的）考评")))]
pub async fn get(
    State(app): State<App>,
    Authed(actor): Authed,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Json<SchemeView>, ApiError> {
    let Path(id) = id?;
    Ok(Json(app.scheme(&actor, id).await?))
}

/// `GET /api/v1/evaluation-schemes/{id}/results`.
#[utoipa::path(get, path = "/api/v1/evaluation-schemes/{id}/results", operation_id = "evaluation_results", security(("bearer" = [])), params(("id" = i64, Path)), responses((status = 200, description = "每个考评对象的统计数（figures）、各项得分（scores，0–100）、总分和名次；表扬名单", body = ResultsView), (status = 404, description = "不存在，或不是本辖区的（未公布的）考评")))]
pub async fn results(
    State(app): State<App>,
    Authed(actor): Authed,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Json<ResultsView>, ApiError> {
    let Path(id) = id?;
    Ok(Json(app.evaluation_results(&actor, id).await?))
}

/// `GET /api/v1/evaluation-schemes/{id}/counted`.
#[utoipa::path(get, path = "/api/v1/evaluation-schemes/{id}/counted", operation_id = "evaluation_counted", security(("bearer" = [])), params(("id" = i64, Path), CountedQuery), responses((status = 200, description = "一项统计数所计的活动（与统计口径完全一致）", body = CountedView), (status = 403, description = "不是制定方案的地区的管理员"), (status = 422, description = "指标或考评对象不属于本方案")))]
pub async fn counted(
    State(app): State<App>,
    Authed(actor): Authed,
    id: Result<Path<i64>, PathRejection>,
    query: Result<Query<CountedQuery>, QueryRejection>,
) -> Result<Json<CountedView>, ApiError> {
    let Path(id) = id?;
    let Query(query) = query?;
    Ok(Json(app.evaluation_counted(&actor, id, query).await?))
}

/// `PUT /api/v1/evaluation-schemes/{id}/judged`.
#[utoipa::path(put, path = "/api/v1/evaluation-schemes/{id}/judged", operation_id = "judge_evaluation", security(("bearer" = [])), params(("id" = i64, Path)), request_body = JudgedInput, responses((status = 200, description = "评分后的考评结果", body = ResultsView), (status = 403, description = "不是制定方案的地区的管理员"), (status = 409, description = "考评结果已冻结"), (status = 422, description = "分数不在0–100、指标不是评审打分的、考评对象不属于本方案、评语过长")))]
pub async fn judge(
    State(app): State<App>,
    Authed(actor): Authed,
    id: Result<Path<i64>, PathRejection>,
    body: Result<Json<serde_json::Value>, JsonRejection>,
) -> Result<Json<ResultsView>, ApiError> {
    let Path(id) = id?;
    let body: JudgedInput = object_body(body?.0)?;
    Ok(Json(app.judge_evaluation(&actor, id, body).await?))
}

/// `POST /api/v1/evaluation-schemes/{id}/freeze`.
#[utoipa::path(post, path = "/api/v1/evaluation-schemes/{id}/freeze", operation_id = "freeze_evaluation", security(("bearer" = [])), params(("id" = i64, Path)), responses((status = 200, description = "冻结的考评结果（不再随数据变化，评分不能再修改）", body = ResultsView), (status = 403, description = "不是制定方案的地区的管理员"), (status = 409, description = "已经冻结")))]
pub async fn freeze(
    State(app): State<App>,
    Authed(actor): Authed,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Json<ResultsView>, ApiError> {
    let Path(id) = id?;
    Ok(Json(app.freeze_evaluation(&actor, id).await?))
}

/// `POST /api/v1/evaluation-schemes/{id}/publish`.
#[utoipa::path(post, path = "/api/v1/evaluation-schemes/{id}/publish", operation_id = "publish_evaluation", security(("bearer" = [])), params(("id" = i64, Path)), responses((status = 200, description = "冻结（如尚未冻结）并向下级公布的考评结果", body = ResultsView), (status = 403, description = "不是制定方案的地区的管理员"), (status = 409, description = "已经公布")))]
pub async fn publish(
    State(app): State<App>,
    Authed(actor): Authed,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Json<ResultsView>, ApiError> {
    let Path(id) = id?;
    Ok(Json(app.publish_evaluation(&actor, id).await?))
}

/// `GET /api/v1/evaluation-schemes/{id}/results.xlsx`.
#[utoipa::path(get, path = "/api/v1/evaluation-schemes/{id}/results.xlsx", operation_id = "export_evaluation_results", security(("bearer" = [])), params(("id" = i64, Path)), responses((status = 200, description = "考评结果表（名次、考评对象、各项统计数与得分、总分、表扬）", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 404, description = "不存在，或不是本辖区的（未公布的）考评")))]
pub async fn results_xlsx(
    State(app): State<App>,
    Authed(actor): Authed,
    id: Result<Path<i64>, PathRejection>,
) -> Result<axum::response::Response, ApiError> {
    let Path(id) = id?;
    let bytes = app.evaluation_xlsx(&actor, id).await?;
    let len = bytes.len() as u64;
    Ok(super::xlsx_download(
        "考评结果.xlsx",
        axum::body::Body::from(bytes),
        Some(len),
    ))
}
