//! The video contest's results, 公示 and showcase, and its public vote (DESIGN.md §8; API.md
//! "The video contest").

use app::App;
use app::results::{ResultsView, ShowcaseEntry, StageInput};
use app::votes::{VoidInput, Voided, VoteView};
use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::StatusCode;

use crate::caller::{Authed, Caller};
use crate::error::ApiError;

/// `GET /api/v1/contests/{id}/results`.
#[utoipa::path(get, path = "/api/v1/contests/{id}/results", operation_id = "contest_results", security((), ("bearer" = [])), params(("id" = i64, Path)), responses((status = 200, description = "结果：管理员随时可见（未公布时 stage = draft）；公布后所有人可见获奖作品（show_scores 为否时不含分数）", body = ResultsView), (status = 404, description = "结果尚未公布")))]
pub async fn results(
    State(app): State<App>,
    Caller(actor): Caller,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Json<ResultsView>, ApiError> {
    let Path(id) = id?;
    Ok(Json(app.results(actor.as_ref(), id).await?))
}

/// `POST /api/v1/contests/{id}/results`.
#[utoipa::path(post, path = "/api/v1/contests/{id}/results", operation_id = "publish_results", security(("bearer" = [])), params(("id" = i64, Path)), request_body = StageInput, responses((status = 200, description = "公布的结果", body = ResultsView), (status = 403, description = "不是举办地区的管理员"), (status = 409, description = "公示须在评审结束后；最终结果须在公示之后"), (status = 422, description = "未知的 stage")))]
pub async fn publish(
    State(app): State<App>,
    Authed(actor): Authed,
    id: Result<Path<i64>, PathRejection>,
    body: Result<Json<StageInput>, JsonRejection>,
) -> Result<Json<ResultsView>, ApiError> {
    let Path(id) = id?;
    let Json(body) = body?;
    Ok(Json(app.publish_results(&actor, id, body).await?))
}

/// `GET /api/v1/contests/{id}/showcase`.
#[utoipa::path(get, path = "/api/v1/contests/{id}/showcase", operation_id = "contest_showcase", security(()), params(("id" = i64, Path)), responses((status = 200, description = "获奖作品展播", body = Vec<ShowcaseEntry>), (status = 404, description = "结果尚未公布")))]
pub async fn showcase(
    State(app): State<App>,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Json<Vec<ShowcaseEntry>>, ApiError> {
    let Path(id) = id?;
    Ok(Json(app.showcase(id).await?))
}

/// `POST /api/v1/contests/{id}/entries/{eid}/votes`.
#[utoipa::path(post, path = "/api/v1/contests/{id}/entries/{eid}/votes", operation_id = "vote", security(("bearer" = [])), params(("id" = i64, Path), ("eid" = i64, Path)), responses((status = 201, description = "{entry_id, votes_left_today}", body = VoteView), (status = 401, description = "未登录"), (status = 403, description = "未用短信验证码登录过（error.code = not_sms_verified）"), (status = 404, description = "不在投票中"), (status = 409, description = "今天已为该作品投过票（error.code = already_voted）"), (status = 429, description = "今天的票已投完，或同一网络投票过多（error.code = vote_limit，Retry-After）")))]
pub async fn vote(
    State(app): State<App>,
    Authed(actor): Authed,
    ids: Result<Path<(i64, i64)>, PathRejection>,
) -> Result<(StatusCode, Json<VoteView>), ApiError> {
    let Path((id, eid)) = ids?;
    Ok((StatusCode::CREATED, Json(app.vote(&actor, id, eid).await?)))
}

/// `POST /api/v1/contests/{id}/votes/void`.
#[utoipa::path(post, path = "/api/v1/contests/{id}/votes/void", operation_id = "void_votes", security(("bearer" = [])), params(("id" = i64, Path)), request_body = VoidInput, responses((status = 200, description = "{voided}", body = Voided), (status = 403, description = "不是举办地区的管理员"), (status = 422, description = "未写理由；未指定地址或时间；地址格式不正确")))]
pub async fn void(
    State(app): State<App>,
    Authed(actor): Authed,
    id: Result<Path<i64>, PathRejection>,
    body: Result<Json<VoidInput>, JsonRejection>,
) -> Result<Json<Voided>, ApiError> {
    let Path(id) = id?;
    let Json(body) = body?;
    Ok(Json(app.void_votes(&actor, id, body).await?))
}

macro_rules! contest_export {
    ($name:ident, $path:literal, $op:literal, $method:ident, $file:literal, $what:literal) => {
        #[doc = concat!("`GET ", $path, "`.")]
        #[utoipa::path(get, path = $path, operation_id = $op, security(("bearer" = [])), params(("id" = i64, Path)), responses((status = 200, description = $what, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 403, description = "不是举办地区的管理员"), (status = 404, description = "比赛不存在")))]
        pub async fn $name(
            State(app): State<App>,
            Authed(actor): Authed,
            id: Result<Path<i64>, PathRejection>,
        ) -> Result<axum::response::Response, ApiError> {
            let Path(id) = id?;
            let bytes = app.$method(&actor, id).await?;
            let len = bytes.len() as u64;
            Ok(super::xlsx_download(
                $file,
                axum::body::Body::from(bytes),
                Some(len),
            ))
        }
    };
}

contest_export!(
    export_entries,
    "/api/v1/contests/{id}/exports/entries.xlsx",
    "export_contest_entries",
    contest_entries_xlsx,
    "报名汇总表.xlsx",
    "报名汇总表（报名表的全部字段，含联系方式）"
);
contest_export!(
    export_scores,
    "/api/v1/contests/{id}/exports/scores.xlsx",
    "export_contest_scores",
    contest_scores_xlsx,
    "评分表.xlsx",
    "评分表（作品 × 专家 × 评分项，总分）"
);
contest_export!(
    export_results,
    "/api/v1/contests/{id}/exports/results.xlsx",
    "export_contest_results",
    contest_results_xlsx,
    "评审结果.xlsx",
    "评审结果（名次、奖项、分数和计算方法）"
);
