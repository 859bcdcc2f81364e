//! The OpenAPI document of the JSON API, at `/api/openapi.json`.

use axum::Json;
use utoipa::OpenApi;

use crate::api;

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
    )
)]
struct ApiDoc;

/// `GET /api/openapi.json`.
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
