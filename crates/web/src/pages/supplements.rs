//! The host's supplement form (活动补充信息), with photo uploads and the 拟推优 mark.

use app::activities::ActivityView;
use app::supplements::SupplementView;
use app::{Actor, App, AppError};
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::rejection::PathRejection;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use domain::FieldErrors;
use domain::activity::Typed;
use domain::supplement::{Summary, SupplementFields};

use super::PageError;
use super::SignedIn;
use super::{
    Layout, PageParams, PageSession, activity_id, error_page, expired, form_value, see_other,
};
use crate::error::ApiError;

use super::field_errors;

#[derive(Template, WebTemplate)]
#[template(path = "supplement.html")]
struct SupplementPage {
    layout: Layout,
    a: ActivityView,
    /// The supplement as saved: what is missing, the deadline, the link checks.
    stored: SupplementView,
    /// What the form shows: as saved, or as typed when it was refused.
    s: SupplementFields,
    links: String,
    errors: FieldErrors,
    saved: bool,
    days_left: Option<i64>,
    nomination: Option<app::nominations::NominationView>,
    /// The summary's parts, by key and name.
    parts: &'static [(&'static str, &'static str)],
    /// The campaign's reminder days, as the form says them (`7、3、1`).
    reminder_days: String,
}

impl SupplementPage {
    /// The answers a host gives about the people shown, in the form's order.
    fn consents(&self) -> [domain::consent::Consent; 3] {
        domain::consent::Consent::ALL
    }
}

impl SupplementPage {
    /// Past its deadline: still fillable, no longer eligible, so 拟推优 is not offered.
    fn expired(&self) -> bool {
        self.days_left.is_some_and(|n| n < 0)
    }

    fn summary(&self, key: &str) -> &str {
        let s = &self.s.summary;
        match key {
            "basic" => &s.basic,
            "outcomes" => &s.outcomes,
            "highlights" => &s.highlights,
            "resources" => &s.resources,
            _ => &s.lessons,
        }
        .as_deref()
        .unwrap_or("")
    }
}

async fn supplement_page(
    app: &App,
    session: &PageSession,
    actor: &Actor,
    id: i64,
    typed: Option<SupplementFields>,
    errors: FieldErrors,
    saved: bool,
) -> Result<Response, AppError> {
    let a = app.activity(Some(actor), id).await?;
    let stored = app.supplement_to_fill(actor, id).await?;
    let s = typed.unwrap_or_else(|| stored.supplement.clone().into());
    let links = s.media_links.join("\n");
    let days_left = stored.days_left(domain::campaign::beijing_date(app.clock.now()));
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let nomination = app.activity_nomination(actor, id).await?;
    let reminder_days = app
        .campaign_rules(a.campaign_id)
        .await?
        .reminder_days
        .iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join("、");
    Ok((
        status,
        SupplementPage {
            layout: session.layout(app).await?,
            a,
            stored,
            s,
            links,
            errors,
            saved,
            days_left,
            nomination,
            parts: &domain::supplement::SUMMARY_PARTS,
            reminder_days,
        },
    )
        .into_response())
}

/// What the supplement page is told after a save or an upload (`?saved=1`, `?error=…`).
#[derive(Debug, Default, serde::Deserialize)]
pub struct SupplementParams {
    saved: Option<String>,
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    error: Option<String>,
}

/// `GET /my/activities/{id}/supplement`.
pub async fn supplement(
    State(app): State<App>,
    SignedIn { session, actor }: SignedIn,
    id: Result<Path<i64>, PathRejection>,
    PageParams(params): PageParams<SupplementParams>,
) -> Result<Response, PageError> {
    let id = activity_id(id)?;
    let saved = params.saved.as_deref() == Some("1");
    let error = params
        .error
        .map(|m| FieldErrors::single("upload", m))
        .unwrap_or_default();
    Ok(supplement_page(&app, &session, &actor, id, None, error, saved).await?)
}

/// The supplement as the form sent it (the use case reads its typed text).
fn supplement_from_form(form: &[(String, String)]) -> SupplementFields {
    let ids = |key: &str| -> Vec<i64> {
        form.iter()
            .filter(|(k, _)| k == key)
            .filter_map(|(_, v)| v.parse().ok())
            .collect()
    };
    let text = |key: &str| Some(form_value(form, key).to_owned()).filter(|t| !t.is_empty());
    SupplementFields {
        participants: Some(Typed::Text(form_value(form, "participants").to_owned())),
        media_links: form_value(form, "media_links")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect(),
        photos: ids("photos"),
        videos: ids("videos"),
        evidence_photo: form_value(form, "evidence_photo").parse::<i64>().ok(),
        summary: Summary {
            basic: text("basic"),
            outcomes: text("outcomes"),
            highlights: text("highlights"),
            resources: text("resources"),
            lessons: text("lessons"),
        },
    }
}

/// `POST /my/activities/{id}/supplement`: saves what was typed, complete or not; a refusal
/// shows the form again with every message next to its field and nothing lost.
pub async fn save_supplement(
    State(app): State<App>,
    SignedIn { session, actor }: SignedIn,
    id: Result<Path<i64>, PathRejection>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let id = activity_id(id)?;
    if !session.accepts(form_value(&form, "_csrf")) {
        return Err(expired().into());
    }
    let body = supplement_from_form(&form);
    match app.put_supplement(&actor, id, body.clone()).await {
        Ok(_) => {}
        Err(e @ AppError::Validation { .. }) => {
            return Ok(supplement_page(
                &app,
                &session,
                &actor,
                id,
                Some(body),
                field_errors(&e),
                false,
            )
            .await?);
        }
        Err(e) => return Err(e.into()),
    }
    let intended = form_value(&form, "excellence_intent") == "on";
    app.set_excellence_intent(&actor, id, intended).await?;
    Ok(see_other(&format!(
        "/my/activities/{id}/supplement?saved=1"
    )))
}

/// `POST /my/activities/{id}/supplement/media`: uploads a photo, video or evidence photo and
/// attaches it to the supplement at once.
pub async fn supplement_media(
    State(app): State<App>,
    headers: HeaderMap,
    id: Result<Path<i64>, PathRejection>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let back = |id: i64, error: Option<String>| match error {
        None => see_other(&format!("/my/activities/{id}/supplement")),
        Some(m) => see_other(&format!(
            "/my/activities/{id}/supplement?error={}",
            urlencoding::encode(&m)
        )),
    };
    let id = match activity_id(id) {
        Ok(id) => id,
        Err(e) => return error_page(&e),
    };
    let result: Result<Response, ApiError> = async {
        let Some((session, actor)) = PageSession::signed_in(&app, &headers).await? else {
            return Ok(see_other("/login"));
        };
        let mut multipart = multipart
            .map_err(|_| ApiError::from(AppError::Malformed("上传格式不正确".to_owned())))?;
        let media =
            crate::api::media::receive(&app, &actor, id, &mut multipart, Some(&session.csrf))
                .await?;
        let kind = app::media::MediaKind::parse(&media.kind)?;
        if let Err(e) = app.add_supplement_media(&actor, id, media.id, kind).await {
            // A refused request leaves nothing behind.
            app.discard_upload(&actor, media.id).await?;
            return Err(e.into());
        }
        Ok(back(id, None))
    }
    .await;
    // Someone who may not fill this supplement gets the refusal itself, not the form.
    super::upload_answer(result, |m| back(id, Some(m)))
}
