//! The home page.

use app::campaigns::CampaignView;
use app::public::PublicQuery;
use app::{App, AppError};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;

use super::{Layout, PageSession, error_page};

#[derive(Template, WebTemplate)]
#[template(path = "home.html")]
struct HomePage {
    layout: Layout,
    campaign: CampaignView,
    focus: String,
    window: String,
    counters: app::public::Counters,
    /// What is on in the coming seven days.
    week: Vec<super::portal::Card>,
    week_link: String,
}

fn span(from: NaiveDate, to: NaiveDate) -> String {
    format!("{}—{}", from.format("%-m月%-d日"), to.format("%-m月%-d日"))
}

/// `GET /`: the current campaign's theme and sections.
pub async fn home(State(app): State<App>, headers: HeaderMap) -> Response {
    render(&app, &headers)
        .await
        .unwrap_or_else(|e| error_page(&e))
}

async fn render(app: &App, headers: &HeaderMap) -> Result<Response, AppError> {
    let session = PageSession::read(app, headers).await?;
    let reference = app.reference().await?;
    let campaign = reference.campaign.clone();
    let rules = &reference.campaign.rules;
    let today = domain::campaign::beijing_date(app.clock.now());
    let (from, to) = (
        today.format("%Y-%m-%d").to_string(),
        (today + chrono::Duration::days(6))
            .format("%Y-%m-%d")
            .to_string(),
    );
    let week = app
        .public_listed(&PublicQuery {
            from: Some(from.clone()),
            to: Some(to.clone()),
            per_page: Some(6),
            ..PublicQuery::default()
        })
        .await?
        .summaries()
        .iter()
        .map(|a| super::portal::card(a, &rules.sections, app.clock.now()))
        .collect();
    let page = HomePage {
        layout: session.layout(app).await?,
        focus: span(rules.focus_from, rules.focus_to),
        window: span(rules.activity_from, rules.activity_to),
        counters: app.counters().await?,
        week,
        week_link: format!("/activities?from={from}&to={to}"),
        campaign,
    };
    Ok(page.into_response())
}
