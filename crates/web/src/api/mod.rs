//! The JSON API (API.md). Handlers are thin: extract, call one `app` function, answer.

pub(crate) mod activities;
pub(crate) mod auth;
pub(crate) mod campaigns;
pub(crate) mod contests;
pub(crate) mod entries;
pub(crate) mod evaluations;
pub(crate) mod exports;
pub(crate) mod judging;
pub(crate) mod media;
pub(crate) mod nominations;
pub(crate) mod orgs;
pub(crate) mod posts;
pub(crate) mod public;
pub(crate) mod quotas;
pub(crate) mod regions;
pub(crate) mod resources;
pub(crate) mod results;
pub(crate) mod routes;
pub(crate) mod stats;
pub(crate) mod summaries;
pub(crate) mod system;

use app::App;
use axum::Router;
use axum::body::Body;
use axum::extract::DefaultBodyLimit;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, patch, post, put};

/// A JSON answer or the contract's error.
type Answer<T = serde_json::Value> = Result<axum::Json<T>, crate::error::ApiError>;

/// The workbook content type.
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A workbook as a download.
pub(crate) fn xlsx_download(name: &str, body: Body, len: Option<u64>) -> Response {
    let disposition = format!(
        "attachment; filename=\"export.xlsx\"; filename*=UTF-8''{}",
        urlencoding::encode(name)
    );
    let mut response = (
        [
            (header::CONTENT_TYPE, XLSX.to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        body,
    )
        .into_response();
    if let Some(len) = len {
        response
            .headers_mut()
            .insert(header::CONTENT_LENGTH, header::HeaderValue::from(len));
    }
    response
}

/// An activity's media upload, for the OpenAPI document: `kind` first, then `file` (the
/// file streams to storage as it arrives, so its kind must be known before).
#[derive(serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[expect(
    dead_code,
    reason = "describes a multipart body; read field by field as it streams"
)]
pub(crate) struct MediaUpload {
    /// What the file is.
    kind: MediaKindName,
    /// For a photo, video or evidence photo (required for them, before `file`): whether
    /// nobody is recognisable, everyone recognisable agreed (no child under 14), or children
    /// under 14 are shown with their guardians' consent.
    consent: Option<domain::consent::Consent>,
    /// The file (JPEG, PNG or MP4).
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// `poster`, `photo`, `video` or `evidence`.
#[derive(serde::Deserialize, utoipa::ToSchema)]
#[expect(non_camel_case_types, reason = "the wire names")]
pub(crate) enum MediaKindName {
    /// 宣传图
    poster,
    /// 活动照片
    photo,
    /// 活动视频
    video,
    /// 参与人数佐证照片
    evidence,
}

/// Whose summary: a unit's, or a county's, city's or province's association.
#[derive(utoipa::ToSchema)]
#[expect(dead_code, reason = "a vocabulary for the OpenAPI document")]
#[expect(non_camel_case_types, reason = "the wire names")]
pub(crate) enum SummaryScope {
    /// 单位 (the organisation's id as `ref`)
    unit,
    /// 县级科协 (the division code as `ref`)
    county,
    /// 市级科协
    city,
    /// 省级科协
    province,
}

/// Bytes of a file (a workbook sent, an image or a video answered), for the OpenAPI
/// document.
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, format = Binary)]
#[expect(dead_code, reason = "describes a binary body")]
pub(crate) struct Binary(Vec<u8>);

/// A summary's attachment, for the OpenAPI document.
#[derive(serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[expect(dead_code, reason = "describes a multipart body; read as it streams")]
pub(crate) struct MultipartFile {
    /// For a photo or a video (required for them, before `file`): whether nobody is
    /// recognisable, everyone recognisable agreed (no child under 14), or children under 14
    /// are shown with their guardians' consent. Slides need none.
    consent: Option<domain::consent::Consent>,
    /// The file (photo, video, PDF or PPTX).
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// A division whose summaries or statistics are asked for.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct RegionQuery {
    /// 地区代码 (six digits; the caller's own area when absent).
    #[param(pattern = r"^\d{6}$")]
    #[schema(pattern = r"^(\d{6})?$")]
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    pub(crate) region: Option<String>,
}

/// Every API route.
pub fn routes(upload_limit: usize, resource_limit: usize) -> Router<App> {
    Router::new()
        .route("/healthz", get(system::healthz))
        .route("/api/openapi.json", get(crate::openapi::document))
        .route("/api/v1/regions", get(regions::list).post(regions::add))
        .route("/api/v1/campaigns", post(campaigns::create))
        .route("/api/v1/campaigns/current", get(campaigns::current))
        .route("/api/v1/campaigns/{id}", get(campaigns::one))
        .route("/api/v1/auth/sms-codes", post(auth::send_code))
        .route("/api/v1/auth/sessions", post(auth::log_in))
        .route("/api/v1/me", get(auth::me))
        .route("/api/v1/me/closure", post(auth::close_account))
        .route("/api/v1/me/tokens", get(auth::tokens))
        .route("/api/v1/me/tokens/{id}", delete(auth::revoke_token))
        .route(
            "/api/v1/users/{id}/sessions",
            delete(auth::end_user_sessions),
        )
        .route("/api/v1/users/{id}/disable", post(auth::disable_user))
        .route("/api/v1/users/{id}/enable", post(auth::enable_user))
        .route("/api/v1/sms/watch", get(auth::sms_watch))
        .route("/api/v1/orgs", get(orgs::search).post(orgs::apply))
        .route("/api/v1/orgs/{id}", get(orgs::one))
        .route("/api/v1/orgs/{id}/record", get(orgs::record))
        .route("/api/v1/orgs/{id}/certification", post(orgs::certify))
        .route("/api/v1/orgs/{id}/members", post(orgs::add_member))
        .route("/api/v1/audit", get(system::audit))
        .route("/api/v1/audit-log", get(system::audit_log))
        .route("/api/v1/exports/audit-log.csv", get(system::audit_log_csv))
        .route(
            "/api/v1/activities",
            get(public::list).post(activities::create),
        )
        .route("/api/v1/activities.ics", get(public::calendar))
        .route(
            "/api/v1/activities/{id}",
            get(activities::one).patch(activities::update),
        )
        .route("/api/v1/activities/{id}/submit", post(activities::submit))
        .route(
            "/api/v1/activities/{id}/withdraw",
            post(activities::withdraw),
        )
        .route("/api/v1/activities/{id}/copy", post(activities::copy))
        .route(
            "/api/v1/activities/{id}/hosts/{org_id}/confirmation",
            post(activities::confirm_host),
        )
        .route(
            "/api/v1/activities/{id}/supplement",
            get(activities::supplement).put(activities::put_supplement),
        )
        .route(
            "/api/v1/activities/{id}/decisions",
            post(activities::decide),
        )
        .route("/api/v1/activities/{id}/history", get(activities::history))
        .route("/api/v1/activities/{id}/changes", get(activities::changes))
        .route("/api/v1/my/activities", get(activities::mine))
        .route("/api/v1/review-queue", get(activities::queue))
        .route("/api/v1/review-times", get(activities::review_times))
        .route(
            "/api/v1/activities/{id}/review-reminder",
            post(activities::remind_review),
        )
        .route(
            "/api/v1/review-queue/decisions",
            post(activities::decide_many),
        )
        .route("/api/v1/notifications", get(activities::notifications))
        .route("/api/v1/notifications/{id}/read", post(activities::read))
        .route(
            "/api/v1/activities/{id}/media",
            post(media::upload).layer(DefaultBodyLimit::max(upload_limit)),
        )
        .route("/api/v1/media/{id}", get(media::download))
        .route(
            "/api/v1/activities/{id}/excellence-intent",
            put(nominations::intent),
        )
        .route(
            "/api/v1/activities/{id}/nominations",
            get(nominations::activity_nomination).post(nominations::nominate_activity),
        )
        .route(
            "/api/v1/orgs/{id}/nominations",
            post(nominations::nominate_org),
        )
        .route("/api/v1/nominations", get(nominations::nominations))
        .route("/api/v1/nominations/{id}", get(nominations::nomination))
        .route(
            "/api/v1/nominations/{id}/form.xlsx",
            get(nominations::nomination_form),
        )
        .route("/api/v1/stats", get(stats::stats))
        .route("/api/v1/stats.xlsx", get(stats::stats_xlsx))
        .route(
            "/api/v1/exports/activities.xlsx",
            get(exports::export_activities),
        )
        .route(
            "/api/v1/imports/activities.xlsx",
            post(exports::import_activities)
                .layer(DefaultBodyLimit::max(app::exports::IMPORT_MAX_BYTES)),
        )
        .route(
            "/api/v1/imports/activities/preview",
            post(exports::preview_import)
                .layer(DefaultBodyLimit::max(app::exports::IMPORT_MAX_BYTES)),
        )
        .route(
            "/api/v1/imports/activities-template.xlsx",
            get(exports::import_template),
        )
        .route(
            "/api/v1/evaluation-schemes",
            get(evaluations::list).post(evaluations::create),
        )
        .route("/api/v1/evaluation-schemes/{id}", get(evaluations::get))
        .route(
            "/api/v1/evaluation-schemes/{id}/results",
            get(evaluations::results),
        )
        .route(
            "/api/v1/evaluation-schemes/{id}/results.xlsx",
            get(evaluations::results_xlsx),
        )
        .route(
            "/api/v1/evaluation-schemes/{id}/counted",
            get(evaluations::counted),
        )
        .route(
            "/api/v1/evaluation-schemes/{id}/judged",
            put(evaluations::judge),
        )
        .route(
            "/api/v1/evaluation-schemes/{id}/freeze",
            post(evaluations::freeze),
        )
        .route(
            "/api/v1/evaluation-schemes/{id}/publish",
            post(evaluations::publish),
        )
        .route(
            "/api/v1/contests",
            get(contests::list).post(contests::create),
        )
        .route(
            "/api/v1/contests/{id}",
            get(contests::get).patch(contests::update),
        )
        .route("/api/v1/contests/{id}/status", post(contests::move_status))
        .route(
            "/api/v1/contests/{id}/entries",
            get(entries::list).post(entries::create),
        )
        .route(
            "/api/v1/contests/{id}/entries/{eid}",
            get(entries::get).patch(entries::update),
        )
        .route(
            "/api/v1/contests/{id}/entries/{eid}/media",
            // The contest's own max_bytes is enforced while streaming (413); this bounds
            // the body at the most any contest may set.
            post(entries::upload).layer(DefaultBodyLimit::max(
                usize::try_from(domain::contest::MAX_FILE_BYTES + (1 << 20)).unwrap_or(usize::MAX),
            )),
        )
        .route(
            "/api/v1/contests/{id}/entries/{eid}/media/{mid}",
            get(entries::download),
        )
        .route(
            "/api/v1/contests/{id}/entries/{eid}/submit",
            post(entries::submit),
        )
        .route(
            "/api/v1/contests/{id}/entries/{eid}/withdraw",
            post(entries::withdraw),
        )
        .route(
            "/api/v1/contests/{id}/entries/{eid}/screening",
            post(entries::screen),
        )
        .route(
            "/api/v1/contests/{id}/entries/{eid}/disqualify",
            post(entries::disqualify),
        )
        .route(
            "/api/v1/contests/{id}/entries/{eid}/history",
            get(entries::history),
        )
        .route(
            "/api/v1/contests/{id}/judges",
            get(judging::judges).post(judging::add_judge),
        )
        .route(
            "/api/v1/contests/{id}/assignments",
            get(judging::assignments).post(judging::assign),
        )
        .route(
            "/api/v1/contests/{id}/assignments/{judge_id}/{entry_id}",
            delete(judging::unassign),
        )
        .route(
            "/api/v1/contests/{id}/entries/{eid}/recusal",
            post(judging::recusal),
        )
        .route(
            "/api/v1/contests/{id}/entries/{eid}/scores",
            put(judging::scores),
        )
        .route("/api/v1/me/reviews", get(judging::my_reviews))
        .route(
            "/api/v1/contests/{id}/results",
            get(results::results).post(results::publish),
        )
        .route("/api/v1/contests/{id}/showcase", get(results::showcase))
        .route(
            "/api/v1/contests/{id}/entries/{eid}/votes",
            post(results::vote),
        )
        .route("/api/v1/contests/{id}/votes/void", post(results::void))
        .route(
            "/api/v1/contests/{id}/exports/entries.xlsx",
            get(results::export_entries),
        )
        .route(
            "/api/v1/contests/{id}/exports/scores.xlsx",
            get(results::export_scores),
        )
        .route(
            "/api/v1/contests/{id}/exports/results.xlsx",
            get(results::export_results),
        )
        .route("/api/v1/venues", post(routes::create_venue))
        .route(
            "/api/v1/venues/{id}",
            get(routes::venue).patch(routes::update_venue),
        )
        .route(
            "/api/v1/venues/{id}/code-secret",
            post(routes::rotate_secret),
        )
        .route("/api/v1/venues/{id}/code", get(routes::code))
        .route(
            "/api/v1/venues/{id}/stamp-image",
            post(routes::upload_stamp_image).delete(routes::remove_stamp_image),
        )
        .route(
            "/api/v1/routes",
            get(routes::routes).post(routes::create_route),
        )
        .route(
            "/api/v1/routes/{id}",
            get(routes::route).patch(routes::update_route),
        )
        .route("/api/v1/routes/{id}/publish", post(routes::publish_route))
        .route("/api/v1/routes/{id}/close", post(routes::close_route))
        .route("/api/v1/routes/{id}/checkins", get(routes::route_checkins))
        .route(
            "/api/v1/routes/{id}/checkins.xlsx",
            get(routes::export_checkins),
        )
        .route(
            "/api/v1/routes/{id}/certificate",
            post(routes::take_certificate),
        )
        .route("/api/v1/checkins", post(routes::check_in))
        .route("/api/v1/checkins/{id}/review", post(routes::review_checkin))
        .route("/api/v1/me/stamps", get(routes::my_stamps))
        .route("/api/v1/certificates/{serial}", get(routes::certificate))
        .route(
            "/api/v1/certificates/{serial}/revoke",
            post(routes::revoke_certificate),
        )
        .route("/api/v1/online-posts", get(posts::list).post(posts::create))
        .route("/api/v1/online-posts.xlsx", get(posts::export))
        .route(
            "/api/v1/online-posts/import",
            post(posts::import).layer(DefaultBodyLimit::max(
                app::exports::IMPORT_MAX_BYTES + 64 * 1024,
            )),
        )
        .route(
            "/api/v1/online-posts/{id}",
            patch(posts::update).delete(posts::delete),
        )
        .route(
            "/api/v1/online-posts/{id}/moderation",
            post(posts::moderate),
        )
        .route(
            "/api/v1/resources",
            get(resources::list).post(resources::create),
        )
        .route(
            "/api/v1/resources/{id}",
            get(resources::get).delete(resources::delete),
        )
        .route(
            "/api/v1/resources/{id}/files",
            post(resources::upload).layer(DefaultBodyLimit::max(resource_limit)),
        )
        .route(
            "/api/v1/resources/{id}/files/{fid}",
            get(resources::download),
        )
        .route("/api/v1/resources/{id}/publish", post(resources::publish))
        .route("/api/v1/quotas", put(quotas::set_quota))
        .route("/api/v1/quotas/{id}", delete(quotas::delete_quota))
        .route("/api/v1/summaries", get(summaries::summaries))
        .route(
            "/api/v1/summaries/reminders",
            post(summaries::remind_summaries),
        )
        .route(
            "/api/v1/summaries/{kind}/{ref}",
            get(summaries::summary).put(summaries::put_summary),
        )
        .route(
            "/api/v1/summaries/{kind}/{ref}/files",
            post(summaries::upload_summary_file).layer(DefaultBodyLimit::max(upload_limit)),
        )
        .route(
            "/api/v1/summary-files/{id}",
            get(summaries::summary_file).delete(summaries::delete_summary_file),
        )
}
