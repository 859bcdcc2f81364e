//! The OpenAPI document of the JSON API, at `/api/openapi.json`.

use axum::Json;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::schema::{AnyOfBuilder, ObjectBuilder, Schema, SchemaType, Type};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{Content, OpenApi as Document, Ref, RefOr, Response};
use utoipa::{Modify, OpenApi};

use crate::api;
use crate::error::ErrorBody;

/// The refusals every operation may answer besides those it documents itself.
const COMMON: [(&str, &str); 2] = [
    (
        "400",
        "请求格式不正确（参数、路径或请求体无法解析，或含不允许的控制字符）",
    ),
    ("503", "服务繁忙，请稍后重试"),
];

/// The refusals of an operation that needs a signed-in caller.
const SIGNED_IN: [(&str, &str); 2] = [
    ("401", "未登录、令牌无效或已过期"),
    ("403", "无权进行此操作或超出管辖范围"),
];

/// The refusal of an operation on a named record.
const NAMED: [(&str, &str); 1] = [("404", "不存在或无权查看")];

/// The refusal of an operation whose query names a division.
const NAMES_REGION: [(&str, &str); 1] = [("404", "未找到该区划")];

/// The refusals of an operation that takes a body.
const WITH_BODY: [(&str, &str); 3] = [
    ("413", "请求内容过大"),
    ("415", "请求内容类型不支持"),
    ("422", "字段错误，fields 列出每个字段的问题"),
];

/// Completes the document: the bearer scheme; on every operation the refusals it shares
/// with the others, each with API.md's error body; and schemas flattened into a view that
/// do not forbid the view's own fields.
struct Completion;

impl Modify for Completion {
    fn modify(&self, doc: &mut Document) {
        if let Some(components) = doc.components.as_mut() {
            components.add_security_scheme(
                "bearer",
                SecurityScheme::Http(
                    HttpBuilder::new()
                        .scheme(HttpAuthScheme::Bearer)
                        .description(Some("POST /api/v1/auth/sessions 取得的令牌"))
                        .build(),
                ),
            );
            let parts: Vec<String> = components
                .schemas
                .values()
                .filter_map(|schema| match schema {
                    RefOr::T(Schema::AllOf(all)) => Some(all.items.iter()),
                    _ => None,
                })
                .flatten()
                .filter_map(|item| match item {
                    RefOr::Ref(r) => r
                        .ref_location
                        .strip_prefix("#/components/schemas/")
                        .map(str::to_owned),
                    RefOr::T(_) => None,
                })
                .collect();
            for name in parts {
                if let Some(RefOr::T(Schema::Object(part))) = components.schemas.get_mut(&name) {
                    part.additional_properties = None;
                }
            }
        }
        for (path, item) in doc.paths.paths.iter_mut() {
            let named = path.contains('{');
            for (takes_body, op) in [
                (false, item.get.as_mut()),
                (true, item.put.as_mut()),
                (true, item.post.as_mut()),
                (false, item.delete.as_mut()),
                (true, item.patch.as_mut()),
            ] {
                if let Some(op) = op {
                    refusals(op, named, takes_body);
                }
            }
        }
    }
}

/// A query parameter given empty is the same as one not given (a form's blank filter), so
/// each text parameter also accepts the empty string.
fn blank_is_absent(op: &mut Operation) {
    for p in op.parameters.iter_mut().flatten() {
        if p.parameter_in != ParameterIn::Query {
            continue;
        }
        let text = match &p.schema {
            // The vocabularies the queries name are all string enums.
            Some(RefOr::Ref(_)) => true,
            Some(RefOr::T(Schema::Object(o))) => o.schema_type == SchemaType::new(Type::String),
            _ => false,
        };
        if let Some(schema) = p.schema.take_if(|_| text) {
            let blank = ObjectBuilder::new()
                .schema_type(Type::String)
                .enum_values(Some([""]));
            p.schema = Some(AnyOfBuilder::new().item(schema).item(blank).into());
        }
    }
}

fn refusals(op: &mut Operation, named: bool, takes_body: bool) {
    blank_is_absent(op);
    let queries: Vec<&str> = op
        .parameters
        .iter()
        .flatten()
        .filter(|p| p.parameter_in == ParameterIn::Query)
        .map(|p| p.name.as_str())
        .collect();
    let names_region = queries.iter().any(|q| matches!(*q, "region" | "parent"));
    let security = op.security.as_deref().unwrap_or_default();
    let anyone = SecurityRequirement::default();
    // Signed in unless one of its security requirements is empty (anyone may call it); a
    // token is read, and may be refused, wherever one is accepted.
    let signed_in = !security.is_empty() && !security.contains(&anyone);
    let reads_token = security.iter().any(|r| *r != anyone);
    let extra = COMMON
        .iter()
        .chain(SIGNED_IN.iter().filter(|_| signed_in))
        .chain(
            SIGNED_IN
                .iter()
                .take(1)
                .filter(|_| reads_token && !signed_in),
        )
        .chain(NAMED.iter().filter(|_| named))
        .chain(NAMES_REGION.iter().filter(|_| names_region))
        .chain(
            WITH_BODY
                .iter()
                .filter(|_| takes_body && op.request_body.is_some()),
        );
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
        api::system::audit_log,
        api::system::audit_log_csv,
        api::regions::list,
        api::regions::add,
        api::campaigns::current,
        api::campaigns::one,
        api::campaigns::create,
        api::auth::send_code,
        api::auth::log_in,
        api::auth::me,
        api::auth::close_account,
        api::auth::tokens,
        api::auth::revoke_token,
        api::auth::end_user_sessions,
        api::auth::disable_user,
        api::auth::enable_user,
        api::auth::sms_watch,
        api::orgs::search,
        api::orgs::record,
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
        api::activities::review_times,
        api::activities::remind_review,
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
        api::exports::preview_import,
        api::exports::import_template,
        api::quotas::set_quota,
        api::quotas::delete_quota,
        api::summaries::summaries,
        api::summaries::remind_summaries,
        api::summaries::summary,
        api::summaries::put_summary,
        api::summaries::upload_summary_file,
        api::summaries::summary_file,
        api::summaries::delete_summary_file,
        api::evaluations::create,
        api::evaluations::list,
        api::evaluations::get,
        api::evaluations::results,
        api::evaluations::results_xlsx,
        api::evaluations::counted,
        api::evaluations::judge,
        api::evaluations::freeze,
        api::evaluations::publish,
        api::contests::create,
        api::contests::list,
        api::contests::get,
        api::contests::update,
        api::contests::move_status,
        api::entries::create,
        api::entries::list,
        api::entries::get,
        api::entries::update,
        api::entries::upload,
        api::entries::download,
        api::entries::submit,
        api::entries::withdraw,
        api::entries::screen,
        api::entries::disqualify,
        api::entries::history,
        api::judging::add_judge,
        api::judging::judges,
        api::judging::assign,
        api::judging::assignments,
        api::judging::unassign,
        api::judging::recusal,
        api::judging::scores,
        api::judging::my_reviews,
        api::results::results,
        api::results::publish,
        api::results::showcase,
        api::results::vote,
        api::results::void,
        api::results::export_entries,
        api::results::export_scores,
        api::results::export_results,
        api::routes::create_venue,
        api::routes::venue,
        api::routes::update_venue,
        api::routes::rotate_secret,
        api::routes::upload_stamp_image,
        api::routes::remove_stamp_image,
        api::routes::code,
        api::routes::create_route,
        api::routes::routes,
        api::routes::route,
        api::routes::update_route,
        api::routes::publish_route,
        api::routes::close_route,
        api::routes::check_in,
        api::routes::my_stamps,
        api::routes::route_checkins,
        api::routes::export_checkins,
        api::routes::review_checkin,
        api::routes::take_certificate,
        api::routes::certificate,
        api::routes::revoke_certificate,
        api::posts::create,
        api::posts::list,
        api::posts::export,
        api::posts::update,
        api::posts::delete,
        api::posts::moderate,
        api::posts::import,
        api::resources::create,
        api::resources::list,
        api::resources::get,
        api::resources::publish,
        api::resources::delete,
        api::resources::upload,
        api::resources::download,
    ),
    components(schemas(ErrorBody, api::SummaryScope)),
    modifiers(&Completion)
)]
struct ApiDoc;

/// `GET /api/openapi.json`.
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
