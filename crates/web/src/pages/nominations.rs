//! The recommendation chain (推优) with each level's opinion, and its printable form.

use app::activities::ActivityView;
use app::nominations::{Candidate, NominationView, OpinionInput, Target};
use app::{Actor, App, AppError};
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::PageError;
use super::SignedIn;
use super::{Layout, PageSession, activity_id, expired, form_value, see_other};

use super::sentence;

#[derive(Template, WebTemplate)]
#[template(path = "nominations.html")]
struct NominationsPage {
    layout: Layout,
    candidates: Vec<Candidate>,
    items: Vec<NominationView>,
}

/// `GET /nominations`: eligible activities of the area and the nominations under way.
pub async fn nominations(
    State(app): State<App>,
    SignedIn { session, actor }: SignedIn,
) -> Result<Response, PageError> {
    let candidates = app.nomination_candidates(&actor, 100).await?;
    let items = app
        .nominations(
            &actor,
            None,
            None,
            app::paging::Page::parse(Some(1), Some(100))?,
        )
        .await?
        .items;
    Ok(NominationsPage {
        layout: session.layout(&app).await?,
        candidates,
        items,
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "nomination.html")]
struct NominationPage {
    layout: Layout,
    a: ActivityView,
    n: Option<NominationView>,
    error: Option<String>,
    done: bool,
}

async fn nomination_page(
    app: &App,
    session: &PageSession,
    actor: &Actor,
    id: i64,
    error: Option<String>,
    done: bool,
) -> Result<Response, AppError> {
    let a = app.activity(Some(actor), id).await?;
    let n = app.activity_nomination(actor, id).await?;
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok((
        status,
        NominationPage {
            layout: session.layout(app).await?,
            a,
            n,
            error,
            done,
        },
    )
        .into_response())
}

/// `GET /nominations/activity/{id}`: the chain so far and the form for the next level.
pub async fn nomination(
    State(app): State<App>,
    SignedIn { session, actor }: SignedIn,
    id: Result<Path<i64>, PathRejection>,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    let id = activity_id(id)?;
    let done = raw.as_deref().is_some_and(|q| q.contains("done=1"));
    Ok(nomination_page(&app, &session, &actor, id, None, done).await?)
}

/// `POST /nominations/activity/{id}`: the actor's level gives its opinion.
pub async fn nominate(
    State(app): State<App>,
    SignedIn { session, actor }: SignedIn,
    id: Result<Path<i64>, PathRejection>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let id = activity_id(id)?;
    if !session.accepts(form_value(&form, "_csrf")) {
        return Err(expired().into());
    }
    let input = OpinionInput {
        opinion: form_value(&form, "opinion").to_owned(),
        decision: Some(form_value(&form, "decision").to_owned()).filter(|d| !d.is_empty()),
    };
    match app.nominate(&actor, Target::Activity(id), input).await {
        Ok(_) => Ok(see_other(&format!("/nominations/activity/{id}?done=1"))),
        Err(e @ (AppError::Validation { .. } | AppError::Conflict { .. })) => {
            Ok(nomination_page(&app, &session, &actor, id, Some(sentence(&e)), false).await?)
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "nomination_print.html")]
struct PrintPage {
    n: NominationView,
}

/// `GET /nominations/{id}/print`: the recommendation form (推荐表) as a clean page.
pub async fn print(
    State(app): State<App>,
    SignedIn { actor, .. }: SignedIn,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Response, PageError> {
    let id = activity_id(id)?;
    let n = app.nomination_for(&actor, id).await?;
    Ok(PrintPage { n }.into_response())
}
