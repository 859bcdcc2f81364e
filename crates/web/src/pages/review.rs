//! The reviewers' side: the queue with filters and bulk decisions, one activity with what
//! changed since the last decision; and everyone's notifications.

use app::review::{BulkDecisionInput, DecisionInput, QueueQuery};
use app::{App, AppError};
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::PageError;
use super::SignedIn;
use super::{Layout, PageSession, activity_id, expired, form_value, see_other};

#[derive(Template, WebTemplate)]
#[template(path = "review_queue.html")]
struct QueuePage {
    layout: Layout,
    items: Vec<Value>,
    total: u64,
    q: QueueQuery,
    results: Vec<app::review::BulkOutcome>,
    refusal: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "review_item.html")]
struct ItemPage {
    layout: Layout,
    a: Value,
    changes: Vec<(String, String, String)>,
    history: Vec<HistoryLine>,
    when: String,
    error: Option<String>,
}

/// One transition as a person reads it.
struct HistoryLine {
    at: String,
    actor: String,
    from: String,
    to: String,
    reason: Option<String>,
}

/// An RFC 3339 time shown in Beijing time (`2026-09-15 19:00`).
pub fn beijing(raw: &Value) -> String {
    raw.as_str()
        .and_then(|r| chrono::DateTime::parse_from_rfc3339(r).ok())
        .map(|t| beijing_time(t.to_utc()))
        .unwrap_or_default()
}

/// A moment in Beijing time, to the minute.
pub fn beijing_time(t: chrono::DateTime<chrono::Utc>) -> String {
    t.with_timezone(&domain::campaign::BEIJING)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

fn label(status: Option<&str>) -> String {
    status
        .and_then(|s| domain::review::Status::parse(s).ok())
        .map_or_else(String::new, |s| s.label().to_owned())
}

#[derive(Template, WebTemplate)]
#[template(path = "notifications.html")]
struct NotesPage {
    layout: Layout,
    items: Vec<app::notifications::Notification>,
    unread: u64,
}

fn show(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => "（空）".to_owned(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

/// `GET /review`: the queue; the filters are the API's.
pub async fn queue(
    State(app): State<App>,
    SignedIn { session, actor }: SignedIn,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    let q: QueueQuery = serde_urlencoded_from(raw.as_deref().unwrap_or(""))?;
    let paged = app.review_queue(&actor, q.clone()).await?;
    Ok(QueuePage {
        layout: session.layout(&app).await?,
        items: paged.items,
        total: paged.total,
        q,
        results: Vec::new(),
        refusal: None,
    }
    .into_response())
}

fn serde_urlencoded_from(raw: &str) -> Result<QueueQuery, AppError> {
    let pairs: Vec<(String, String)> = super::query_pairs(raw);
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .filter(|v| !v.is_empty())
    };
    let number = |k: &str| {
        get(k)
            .map(|v| {
                v.parse::<i64>()
                    .map_err(|_| AppError::Malformed(format!("{k} 须为整数")))
            })
            .transpose()
    };
    Ok(QueueQuery {
        status: get("status"),
        region: get("region"),
        section: get("section"),
        q: get("q"),
        from: get("from"),
        to: get("to"),
        page: number("page")?,
        per_page: number("per_page")?,
    })
}

/// `POST /review/decisions`: bulk approve or reject with one reason.
pub async fn decide_many(
    State(app): State<App>,
    SignedIn { session, actor }: SignedIn,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    if !session.accepts(form_value(&form, "_csrf")) {
        return Err(expired().into());
    }
    let ids = form
        .iter()
        .filter(|(k, _)| k == "ids")
        .filter_map(|(_, v)| v.parse().ok())
        .collect();
    let input = BulkDecisionInput {
        ids,
        decision: Some(form_value(&form, "decision").to_owned()),
        reason: Some(form_value(&form, "reason").to_owned()),
    };
    let (results, refusal) = match app.decide_many(&actor, input).await {
        Ok(r) => (r, None),
        Err(AppError::Validation { fields, .. }) => (
            Vec::new(),
            Some(fields.iter().map(|(_, m)| m).collect::<Vec<_>>().join("；")),
        ),
        Err(e) => return Err(e.into()),
    };
    let q = QueueQuery::default();
    let paged = app.review_queue(&actor, q.clone()).await?;
    Ok(QueuePage {
        layout: session.layout(&app).await?,
        items: paged.items,
        total: paged.total,
        q,
        results,
        refusal,
    }
    .into_response())
}

async fn item_page(
    app: &App,
    session: &PageSession,
    actor: &app::Actor,
    id: i64,
    error: Option<String>,
) -> Result<Response, AppError> {
    let a = app.activity(Some(actor), id).await?;
    let changes = app
        .changes_since_last_decision(actor, id)
        .await?
        .into_iter()
        .map(|c| {
            (
                domain::activity::field_label(c["field"].as_str().unwrap_or_default()).to_owned(),
                show(c.get("before")),
                show(c.get("after")),
            )
        })
        .collect();
    let history = app
        .activity_history(actor, id)
        .await?
        .iter()
        .map(|h| HistoryLine {
            at: beijing_time(h.at),
            actor: h.actor.clone().unwrap_or_else(|| "系统".to_owned()),
            from: label(Some(&h.from)),
            to: label(Some(&h.to)),
            reason: h.reason.clone(),
        })
        .collect();
    let when = format!("{} 至 {}", beijing(&a["start"]), beijing(&a["end"]));
    Ok(ItemPage {
        layout: session.layout(app).await?,
        a,
        changes,
        history,
        when,
        error,
    }
    .into_response())
}

/// `GET /review/{id}`.
pub async fn item(
    State(app): State<App>,
    SignedIn { session, actor }: SignedIn,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Response, PageError> {
    let id = activity_id(id)?;
    Ok(item_page(&app, &session, &actor, id, None).await?)
}

/// `POST /review/{id}`: one decision.
pub async fn decide(
    State(app): State<App>,
    SignedIn { session, actor }: SignedIn,
    id: Result<Path<i64>, PathRejection>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let id = activity_id(id)?;
    if !session.accepts(form_value(&form, "_csrf")) {
        return Err(expired().into());
    }
    let input = DecisionInput {
        decision: Some(form_value(&form, "decision").to_owned()),
        reason: Some(form_value(&form, "reason").to_owned()),
    };
    match app.decide_activity(&actor, id, input, None).await {
        Ok(_) => Ok(see_other("/review")),
        Err(AppError::Validation { fields, .. }) => {
            let message = fields.iter().map(|(_, m)| m).collect::<Vec<_>>().join("；");
            let page = item_page(&app, &session, &actor, id, Some(message)).await?;
            Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// `GET /notifications`: the person's notifications; opening them marks them read.
pub async fn notifications(
    State(app): State<App>,
    SignedIn { session, actor }: SignedIn,
) -> Result<Response, PageError> {
    let (paged, unread) = app
        .notifications(&actor, app::paging::Page::parse(Some(1), Some(50))?)
        .await?;
    for n in paged.items.iter().filter(|n| !n.read) {
        app.mark_read(&actor, n.id).await?;
    }
    Ok(NotesPage {
        layout: session.layout(&app).await?,
        items: paged.items,
        unread,
    }
    .into_response())
}
