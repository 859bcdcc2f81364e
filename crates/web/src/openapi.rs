//! The OpenAPI document of the JSON API, at `/api/openapi.json`.

use axum::Json;
use utoipa::openapi::path::{HttpMethod, Operation};
use utoipa::openapi::{Content, OpenApi as Document, Ref, RefOr, Response};
use utoipa::{Modify, OpenApi};

use crate::api;
use crate::error::ErrorBody;

/// The refusals any operation may answer besides those it documents itself, with why.
const COMMON: [(&str, &str); 3] = [
    ("400", "请求格式不正确（参数、路径或请求体无法解析）"),
    ("401", "未登录、令牌无效或已过期"),
    ("503", "服务繁忙，请稍后重试"),
];

/// The refusals of an operation that takes a body.
const WITH_BODY: [(&str, &str); 3] = [
    ("413", "请求内容过大"),
    ("415", "请求内容类型不支持"),
    ("422", "字段错误，fields 列出每个字段的问题"),
];

/// Gives every refusal API.md's error body, and documents the refusals every operation
/// shares, so that a client generated from the document knows each answer's shape.
struct Refusals;

impl Modify for Refusals {
    fn modify(&self, doc: &mut Document) {
        for item in doc.paths.paths.values_mut() {
            for (method, op) in [
                (HttpMethod::Get, item.get.as_mut()),
                (HttpMethod::Put, item.put.as_mut()),
                (HttpMethod::Post, item.post.as_mut()),
                (HttpMethod::Delete, item.delete.as_mut()),
                (HttpMethod::Patch, item.patch.as_mut()),
            ] {
                if let Some(op) = op {
                    refusals(op, !matches!(method, HttpMethod::Get | HttpMethod::Delete));
                }
            }
        }
    }
}

fn refusals(op: &mut Operation, takes_body: bool) {
    let extra = COMMON.iter().chain(WITH_BODY.iter().filter(|_| takes_body));
    for (status, why) in extra {
        op.responses
            .responses
            .entry((*status).to_owned())
            .or_insert_with(|| RefOr::T(Response::new(*why)));
    }
    for (status, response) in &mut op.responses.responses {
        let refused = status.starts_with('4') || status.starts_with('5');
        if let (true, RefOr::T(response)) = (refused, response)
            && response.content.is_empty()
        {
            response.content.insert(
                "application/json".to_owned(),
                Content::new(Some(Ref::from_schema_name("ErrorBody"))),
            );
        }
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "kepu 全国科普日平台 API",
        description = "See API.md for the contract: paths, fields, vocabularies and status codes."
    ),
    paths(
        api::system::healthz,
        api::system::audit,
        api::regions::list,
        api::regions::add,
        api::campaigns::current,
        api::campaigns::one,
        api::campaigns::create,
        api::auth::send_code,
        api::auth::log_in,
        api::auth::me,
        api::auth::tokens,
        api::auth::revoke_token,
        api::auth::end_user_sessions,
        api::auth::disable_user,
        api::auth::enable_user,
        api::auth::sms_watch,
        api::orgs::search,
        api::orgs::one,
        api::orgs::apply,
        api::orgs::certify,
        api::orgs::add_member,
        api::activities::create,
        api::activities::one,
        api::activities::update,
        api::activities::submit,
        api::activities::withdraw,
        api::activities::copy,
        api::activities::confirm_host,
        api::activities::decide,
        api::activities::history,
        api::activities::changes,
        api::activities::mine,
        api::activities::queue,
        api::activities::decide_many,
        api::activities::notifications,
        api::activities::read,
        api::activities::put_supplement,
        api::activities::supplement,
        api::media::upload,
        api::public::list,
        api::public::calendar,
        api::media::download,
        api::nominations::intent,
        api::nominations::nominate_activity,
        api::nominations::activity_nomination,
        api::nominations::nominate_org,
        api::nominations::nominations,
        api::nominations::nomination,
        api::nominations::nomination_form,
        api::stats::stats,
        api::stats::stats_xlsx,
        api::exports::export_activities,
        api::exports::import_activities,
        api::quotas::set_quota,
        api::quotas::delete_quota,
        api::summaries::summaries,
        api::summaries::remind_summaries,
        api::summaries::summary,
        api::summaries::put_summary,
        api::summaries::upload_summary_file,
        api::summaries::summary_file,
        api::summaries::delete_summary_file,
    ),
    components(schemas(ErrorBody)),
    modifiers(&Refusals)
)]
struct ApiDoc;

/// `GET /api/openapi.json`.
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
