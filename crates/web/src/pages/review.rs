//! The reviewers' side: the queue with filters and bulk decisions, one activity with what
//! changed since the last decision; and everyone's notifications.

use app::activities::ActivityView;
use app::review::FieldChange;
use app::review::{BulkDecisionInput, DecisionInput, QueueQuery};
use app::{App, AppError};
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};

use super::PageError;
use super::SignedIn;
use super::{Layout, PageParams, PageSession, activity_id, expired, form_value, see_other};

#[derive(Template, WebTemplate)]
#[template(path = "review_queue.html")]
struct QueuePage {
    layout: Layout,
    items: Vec<ActivityView>,
    total: u64,
    q: QueueFilters,
    choices: Choices,
    results: Vec<app::review::BulkOutcome>,
    refusal: Option<String>,
    decided: Option<String>,
    waiting_below: Option<u64>,
}

/// The queue page's filters as a person chooses them: the area by the same cascade as the
/// activity form, the section by its Chinese name; read into the API's [`QueueQuery`].
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QueueFilters {
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    status: Option<String>,
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    province: Option<String>,
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    city: Option<String>,
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    county: Option<String>,
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    section: Option<String>,
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    q: Option<String>,
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    from: Option<String>,
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    to: Option<String>,
    page: Option<i64>,
    /// The activity just decided on this page (its confirmation).
    decided: Option<i64>,
}

impl QueueFilters {
    fn query(&self) -> QueueQuery {
        QueueQuery {
            status: self.status.clone(),
            region: [&self.county, &self.city, &self.province]
                .into_iter()
                .find_map(Clone::clone),
            section: self.section.clone(),
            q: self.q.clone(),
            from: self.from.clone(),
            to: self.to.clone(),
            page: self.page,
            per_page: None,
        }
    }
}

/// The filters' choices: the divisions of the admin's area by level, and the sections.
#[derive(Default)]
struct Choices {
    provinces: Vec<super::activities::Opt>,
    cities: Vec<super::activities::Opt>,
    counties: Vec<super::activities::Opt>,
    sections: Vec<super::activities::Opt>,
}

impl Choices {
    async fn of(app: &App, actor: &app::Actor, f: &QueueFilters) -> Result<Choices, AppError> {
        let pick = |list: Vec<app::regions::RegionView>, chosen: &Option<String>| {
            list.into_iter()
                .map(|r| super::activities::Opt {
                    selected: chosen.as_deref() == Some(r.code.as_str()),
                    value: r.code,
                    label: r.name,
                })
                .collect::<Vec<_>>()
        };
        // A national administrator chooses among all provinces; anyone else among theirs.
        let mine: Vec<String> = actor
            .grants
            .iter()
            .filter(|g| g.region_code.len() == 6)
            .map(|g| format!("{}0000", &g.region_code[..2]))
            .collect();
        let provinces = app
            .regions_under(None)
            .await?
            .into_iter()
            .filter(|r| actor.is_national_admin() || mine.contains(&r.code))
            .collect();
        let under = |code: &Option<String>| {
            let code = code.clone();
            async move {
                match code {
                    Some(c) => app.regions_under(Some(&c)).await.unwrap_or_default(),
                    None => Vec::new(),
                }
            }
        };
        let rules = app.campaign(app.current_campaign().await?.id).await?.rules;
        Ok(Choices {
            provinces: pick(provinces, &f.province),
            cities: pick(under(&f.province).await, &f.city),
            counties: pick(under(&f.city).await, &f.county),
            sections: rules
                .sections
                .iter()
                .map(|s| super::activities::Opt {
                    selected: f.section.as_deref() == Some(s.key.as_str()),
                    value: s.key.clone(),
                    label: s.name.clone(),
                })
                .collect(),
        })
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "review_item.html")]
struct ItemPage {
    layout: Layout,
    a: ActivityView,
    changes: Vec<FieldChange>,
    history: Vec<HistoryLine>,
    when: String,
    error: Option<String>,
    /// The first host's track record, when the reviewer may see it.
    record: Option<app::record::TrackRecord>,
}

impl ItemPage {
    fn due(&self) -> Option<String> {
        self.a.review_due_at.map(domain::deadline::due_text)
    }

    fn percent(rate: &f64) -> String {
        format!("{:.0}%", rate * 100.0)
    }
}

/// One transition as a person reads it.
struct HistoryLine {
    at: String,
    actor: String,
    from: String,
    to: String,
    reason: Option<String>,
}

/// A filled-in time in Beijing time, to the minute; blank when not filled.
pub fn beijing_at(
    t: impl std::borrow::Borrow<Option<chrono::DateTime<chrono::FixedOffset>>>,
) -> String {
    t.borrow()
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

/// `GET /review`: the queue, filtered by the API's filters as a person chooses them.
pub async fn queue(
    State(app): State<App>,
    SignedIn { session, actor }: SignedIn,
    PageParams(f): PageParams<QueueFilters>,
) -> Result<Response, PageError> {
    let decided = match f.decided {
        Some(id) => app
            .activity(Some(&actor), id)
            .await
            .ok()
            .map(|a| format!("已处理“{}”，当前状态：{}", a.title(), a.status_label)),
        None => None,
    };
    queue_page(&app, &session, &actor, f, Vec::new(), None, decided).await
}

async fn queue_page(
    app: &App,
    session: &PageSession,
    actor: &app::Actor,
    f: QueueFilters,
    results: Vec<app::review::BulkOutcome>,
    refusal: Option<String>,
    decided: Option<String>,
) -> Result<Response, PageError> {
    let paged = app.review_queue(actor, f.query()).await?;
    Ok(QueuePage {
        layout: session.layout(app).await?,
        items: paged.items,
        total: paged.total,
        choices: Choices::of(app, actor, &f).await?,
        q: f,
        results,
        refusal,
        decided,
        waiting_below: app.waiting_below(actor).await?,
    }
    .into_response())
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
    queue_page(
        &app,
        &session,
        &actor,
        QueueFilters::default(),
        results,
        refusal,
        None,
    )
    .await
}

async fn item_page(
    app: &App,
    session: &PageSession,
    actor: &app::Actor,
    id: i64,
    error: Option<String>,
) -> Result<Response, AppError> {
    let a = app.activity(Some(actor), id).await?;
    let changes = app.changes_since_last_decision(actor, id).await?;
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
    let when = format!(
        "{} 至 {}",
        beijing_at(a.fields.start),
        beijing_at(a.fields.end)
    );
    let record = match a.fields.hosts.first() {
        Some(org) => app.track_record(actor, *org).await.ok(),
        None => None,
    };
    Ok(ItemPage {
        layout: session.layout(app).await?,
        a,
        changes,
        history,
        when,
        error,
        record,
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
        Ok(_) => Ok(see_other(&format!("/review?decided={id}"))),
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
