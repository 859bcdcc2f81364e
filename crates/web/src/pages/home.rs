//! The home page.

use app::campaigns::CampaignView;
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
    let page = HomePage {
        layout: session.layout(app).await?,
        focus: span(rules.focus_from, rules.focus_to),
        window: span(rules.activity_from, rules.activity_to),
        counters: app.counters().await?,
        campaign,
    };
    Ok(page.into_response())
}
