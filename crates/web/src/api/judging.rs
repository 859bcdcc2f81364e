//! 评审: the video contest's panel, assignments, recusals and score sheets (DESIGN.md §8;
//! API.md "The video contest").

use app::App;
use app::judging::{
    AssignAnswer, AssignInput, AssignmentView, BlindEntryView, JudgeInput, JudgeView, RecusalInput,
    RecusalView, ReviewQuery, SheetInput, SheetView,
};
use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;

use crate::caller::Authed;
use crate::error::ApiError;

/// `POST /api/v1/contests/{id}/judges`.
#[utoipa::path(post, path = "/api/v1/contests/{id}/judges", operation_id = "add_judge", security(("bearer" = [])), params(("id" = i64, Path)), request_body = JudgeInput, responses((status = 201, description = "专家库中的评审专家", body = JudgeView), (status = 403, description = "不是举办地区的管理员"), (status = 409, description = "已在专家库中"), (status = 422, description = "该账号没有评审专家角色（error.fields.user_id）；单位或地区不存在")))]
pub async fn add_judge(
    State(app): State<App>,
    Authed(actor): Authed,
    id: Result<Path<i64>, PathRejection>,
    body: Result<Json<JudgeInput>, JsonRejection>,
) -> Result<(StatusCode, Json<JudgeView>), ApiError> {
    let Path(id) = id?;
    let Json(body) = body?;
    Ok((
        StatusCode::CREATED,
        Json(app.add_judge(&actor, id, body).await?),
    ))
}

/// `GET /api/v1/contests/{id}/judges`.
#[utoipa::path(get, path = "/api/v1/contests/{id}/judges", operation_id = "list_judges", security(("bearer" = [])), params(("id" = i64, Path)), responses((status = 200, description = "专家库", body = Vec<JudgeView>), (status = 403, description = "不是举办地区的管理员")))]
pub async fn judges(
    State(app): State<App>,
    Authed(actor): Authed,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Json<Vec<JudgeView>>, ApiError> {
    let Path(id) = id?;
    Ok(Json(app.judges(&actor, id).await?))
}

/// `POST /api/v1/contests/{id}/assignments`.
#[utoipa::path(post, path = "/api/v1/contests/{id}/assignments", operation_id = "assign_judges", security(("bearer" = [])), params(("id" = i64, Path)), request_body = AssignInput, responses((status = 200, description = "{} 自动分配：{assignments, shortfalls}", body = AssignAnswer), (status = 201, description = "{judge_id, entry_id} 手动分配：新的分配", body = AssignAnswer), (status = 403, description = "不是举办地区的管理员"), (status = 409, description = "比赛不在评审中（自动分配）；已分配过"), (status = 422, description = "利益冲突须回避（error.code = conflict_of_interest，原因在 error.fields.judge_id）；专家不在专家库；作品未通过形式审查")))]
pub async fn assign(
    State(app): State<App>,
    Authed(actor): Authed,
    id: Result<Path<i64>, PathRejection>,
    body: Result<Json<AssignInput>, JsonRejection>,
) -> Result<(StatusCode, Json<AssignAnswer>), ApiError> {
    let Path(id) = id?;
    let Json(body) = body?;
    let answer = app.assign(&actor, id, body).await?;
    let status = match answer {
        AssignAnswer::Auto(_) => StatusCode::OK,
        AssignAnswer::Manual(_) => StatusCode::CREATED,
    };
    Ok((status, Json(answer)))
}

/// `GET /api/v1/contests/{id}/assignments`.
#[utoipa::path(get, path = "/api/v1/contests/{id}/assignments", operation_id = "list_assignments", security(("bearer" = [])), params(("id" = i64, Path)), responses((status = 200, description = "管理员：全部分配；评审专家：本人的", body = Vec<AssignmentView>), (status = 403, description = "既不是本比赛的评审专家，也不是举办地区的管理员"), (status = 404, description = "比赛不存在")))]
pub async fn assignments(
    State(app): State<App>,
    Authed(actor): Authed,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Json<Vec<AssignmentView>>, ApiError> {
    let Path(id) = id?;
    Ok(Json(app.assignments(&actor, id).await?))
}

/// `DELETE /api/v1/contests/{id}/assignments/{judge_id}/{entry_id}`.
#[utoipa::path(delete, path = "/api/v1/contests/{id}/assignments/{judge_id}/{entry_id}", operation_id = "unassign_judge", security(("bearer" = [])), params(("id" = i64, Path), ("judge_id" = i64, Path), ("entry_id" = i64, Path)), responses((status = 200, description = "已取消分配", body = Vec<AssignmentView>), (status = 403, description = "不是举办地区的管理员"), (status = 404, description = "没有这项分配"), (status = 409, description = "专家已提交评分")))]
pub async fn unassign(
    State(app): State<App>,
    Authed(actor): Authed,
    ids: Result<Path<(i64, i64, i64)>, PathRejection>,
) -> Result<Json<Vec<AssignmentView>>, ApiError> {
    let Path((id, judge, entry)) = ids?;
    app.unassign(&actor, id, judge, entry).await?;
    Ok(Json(app.assignments(&actor, id).await?))
}

/// `POST /api/v1/contests/{id}/entries/{eid}/recusal`.
#[utoipa::path(post, path = "/api/v1/contests/{id}/entries/{eid}/recusal", operation_id = "recuse", security(("bearer" = [])), params(("id" = i64, Path), ("eid" = i64, Path)), request_body = RecusalInput, responses((status = 200, description = "已回避，并自动补派（如有符合条件的专家）", body = RecusalView), (status = 404, description = "未分配给本人"), (status = 409, description = "评分已提交"), (status = 422, description = "未写理由（error.fields.reason）")))]
pub async fn recusal(
    State(app): State<App>,
    Authed(actor): Authed,
    ids: Result<Path<(i64, i64)>, PathRejection>,
    body: Result<Json<RecusalInput>, JsonRejection>,
) -> Result<Json<RecusalView>, ApiError> {
    let Path((id, eid)) = ids?;
    let Json(body) = body?;
    Ok(Json(app.recuse(&actor, id, eid, body).await?))
}

/// `PUT /api/v1/contests/{id}/entries/{eid}/scores`.
#[utoipa::path(put, path = "/api/v1/contests/{id}/entries/{eid}/scores", operation_id = "put_scores", security(("bearer" = [])), params(("id" = i64, Path), ("eid" = i64, Path)), request_body = SheetInput, responses((status = 200, description = "{judge_id, entry_id, scores, total, submitted}（total = Σ 权重 × 分数 / 100）", body = SheetView), (status = 404, description = "未分配给本人"), (status = 409, description = "已提交，或比赛不在评审中"), (status = 422, description = "缺少评分项、未知评分项或分数不在0–100（error.fields 为 scores.{key}）")))]
pub async fn scores(
    State(app): State<App>,
    Authed(actor): Authed,
    ids: Result<Path<(i64, i64)>, PathRejection>,
    body: Result<Json<SheetInput>, JsonRejection>,
) -> Result<Json<SheetView>, ApiError> {
    let Path((id, eid)) = ids?;
    let Json(body) = body?;
    Ok(Json(app.put_scores(&actor, id, eid, body).await?))
}

/// `GET /api/v1/me/reviews?contest=ID`.
#[utoipa::path(get, path = "/api/v1/me/reviews", operation_id = "my_reviews", security(("bearer" = [])), params(ReviewQuery), responses((status = 200, description = "分配给本人的作品（评审视图）", body = Vec<BlindEntryView>)))]
pub async fn my_reviews(
    State(app): State<App>,
    Authed(actor): Authed,
    query: Result<Query<ReviewQuery>, QueryRejection>,
) -> Result<Json<Vec<BlindEntryView>>, ApiError> {
    let Query(query) = query?;
    Ok(Json(app.my_reviews(&actor, query).await?))
}
