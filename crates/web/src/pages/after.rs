//! After the activity, in the browser: the host's supplement form (with photo uploads and
//! the 拟推优 mark), the recommendation chain with each level's opinion and its printable
//! form, and the administrators' dashboard with its charts, tables and export.

use app::nominations::{OpinionInput, Target};
use app::{Actor, App, AppError};
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::rejection::PathRejection;
use axum::extract::{Multipart, Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use domain::FieldErrors;
use serde_json::{Value, json};

use super::charts::{self, Bar};
use super::{
    Layout, PageSession, activity_id, error_page, expired, form_value, query_pairs, see_other,
};
use crate::error::{ApiError, classify};

/// The messages of a refusal, by field, for showing next to each field.
fn field_errors(err: &AppError) -> FieldErrors {
    match err {
        AppError::Validation { fields, .. } => fields.clone(),
        other => FieldErrors::single("", classify(other).2),
    }
}

/// A refusal in one sentence.
fn sentence(err: &AppError) -> String {
    field_errors(err)
        .iter()
        .map(|(_, m)| m)
        .collect::<Vec<_>>()
        .join("；")
}

/// Template filters.
mod filters {
    use serde_json::Value;

    /// The items of a JSON array (none for anything else), for `{% for x in v|items %}`.
    #[askama::filter_fn]
    pub fn items(v: &Value, _: &dyn askama::Values) -> askama::Result<Vec<Value>> {
        Ok(v.as_array().cloned().unwrap_or_default())
    }
}

// ---------------------------------------------------------------------------------------
// The supplement form.

#[derive(Template, WebTemplate)]
#[template(path = "supplement.html")]
struct SupplementPage {
    layout: Layout,
    a: Value,
    s: Value,
    links: String,
    errors: FieldErrors,
    saved: bool,
    days_left: Option<i64>,
    nomination: Option<Value>,
    /// The summary's parts, by key and name.
    parts: &'static [(&'static str, &'static str)],
    /// The campaign's reminder days, as the form says them (`7、3、1`).
    reminder_days: String,
}

impl SupplementPage {
    fn ids(&self, field: &str) -> Vec<i64> {
        self.s[field]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_i64).collect())
            .unwrap_or_default()
    }

    fn summary(&self, key: &str) -> &str {
        self.s["summary"][key].as_str().unwrap_or("")
    }
}

async fn supplement_page(
    app: &App,
    session: &PageSession,
    actor: &Actor,
    id: i64,
    typed: Option<Value>,
    errors: FieldErrors,
    saved: bool,
) -> Result<Response, AppError> {
    let a = app.activity(Some(actor), id).await?;
    let stored = app.supplement_to_fill(actor, id).await?;
    let s = typed.unwrap_or_else(|| stored.clone());
    let links = s["media_links"]
        .as_array()
        .map(|l| {
            l.iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default();
    let today = domain::campaign::beijing_date(app.clock.now());
    let days_left = stored["deadline"]
        .as_str()
        .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .map(|d| (d - today).num_days());
    let mut s = s;
    for key in ["missing", "complete", "deadline", "link_checks"] {
        s[key] = stored[key].clone();
    }
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let nomination = app.activity_nomination(actor, id).await?;
    let reminder_days = app
        .campaign(a["campaign_id"].as_i64().unwrap_or_default())
        .await?
        .rules
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

/// `GET /my/activities/{id}/supplement`.
pub async fn supplement(
    State(app): State<App>,
    headers: HeaderMap,
    id: Result<Path<i64>, PathRejection>,
    RawQuery(raw): RawQuery,
) -> Response {
    let result = async {
        let id = activity_id(id)?;
        let Some((session, actor)) = PageSession::signed_in(&app, &headers).await? else {
            return Ok(see_other("/login"));
        };
        let saved = raw.as_deref().is_some_and(|q| q.contains("saved=1"));
        let error = query_pairs(raw.as_deref().unwrap_or(""))
            .into_iter()
            .find(|(k, _)| k == "error")
            .map(|(_, m)| FieldErrors::single("upload", m))
            .unwrap_or_default();
        supplement_page(&app, &session, &actor, id, None, error, saved).await
    }
    .await;
    result.unwrap_or_else(|e| error_page(&e))
}

/// The supplement as the form sent it; unreadable numbers become field errors.
fn supplement_from_form(form: &[(String, String)]) -> (Value, FieldErrors) {
    let mut errors = FieldErrors::new();
    let ids = |key: &str| -> Vec<i64> {
        form.iter()
            .filter(|(k, _)| k == key)
            .filter_map(|(_, v)| v.parse().ok())
            .collect()
    };
    let participants = match form_value(form, "participants").trim() {
        "" => Value::Null,
        raw => match raw.parse::<i64>() {
            Ok(n) => json!(n),
            Err(_) => {
                errors.add("participants", "实际参与人数须为不小于0的整数");
                Value::Null
            }
        },
    };
    let links: Vec<&str> = form_value(form, "media_links")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let mut summary = serde_json::Map::new();
    for (key, _) in domain::supplement::SUMMARY_PARTS {
        summary.insert(key.to_owned(), json!(form_value(form, key)));
    }
    let evidence = form_value(form, "evidence_photo").parse::<i64>().ok();
    let body = json!({
        "participants": participants,
        "media_links": links,
        "photos": ids("photos"),
        "videos": ids("videos"),
        "evidence_photo": evidence,
        "summary": summary,
    });
    (body, errors)
}

/// `POST /my/activities/{id}/supplement`: saves what was typed, complete or not; a refusal
/// shows the form again with every message next to its field and nothing lost.
pub async fn save_supplement(
    State(app): State<App>,
    headers: HeaderMap,
    id: Result<Path<i64>, PathRejection>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let result = async {
        let id = activity_id(id)?;
        let Some((session, actor)) = PageSession::signed_in(&app, &headers).await? else {
            return Ok(see_other("/login"));
        };
        if !session.accepts(form_value(&form, "_csrf")) {
            return Err(expired());
        }
        let (body, errors) = supplement_from_form(&form);
        if !errors.is_empty() {
            return supplement_page(&app, &session, &actor, id, Some(body), errors, false).await;
        }
        match app.put_supplement(&actor, id, body.clone()).await {
            Ok(_) => {}
            Err(e @ AppError::Validation { .. }) => {
                return supplement_page(
                    &app,
                    &session,
                    &actor,
                    id,
                    Some(body),
                    field_errors(&e),
                    false,
                )
                .await;
            }
            Err(e) => return Err(e),
        }
        let intended = form_value(&form, "excellence_intent") == "on";
        app.set_excellence_intent(&actor, id, intended).await?;
        Ok(see_other(&format!(
            "/my/activities/{id}/supplement?saved=1"
        )))
    }
    .await;
    result.unwrap_or_else(|e| error_page(&e))
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
    match result {
        Ok(r) => r,
        // Someone who may not fill this supplement gets the refusal itself, not the form.
        Err(ApiError::App(
            e @ (AppError::Forbidden(_) | AppError::NotFound(_) | AppError::Unauthenticated(_)),
        )) => error_page(&e),
        Err(ApiError::App(e)) => back(id, Some(format!("文件未上传：{}", sentence(&e)))),
        Err(ApiError::Http(_, _, message)) => back(id, Some(format!("文件未上传：{message}"))),
    }
}

// ---------------------------------------------------------------------------------------
// Nominations.

#[derive(Template, WebTemplate)]
#[template(path = "nominations.html")]
struct NominationsPage {
    layout: Layout,
    candidates: Vec<Value>,
    items: Vec<Value>,
}

/// `GET /nominations`: eligible activities of the area and the nominations under way.
pub async fn nominations(State(app): State<App>, headers: HeaderMap) -> Response {
    let result = async {
        let Some((session, actor)) = PageSession::signed_in(&app, &headers).await? else {
            return Ok(see_other("/login"));
        };
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
        Ok::<_, AppError>(
            NominationsPage {
                layout: session.layout(&app).await?,
                candidates,
                items,
            }
            .into_response(),
        )
    }
    .await;
    result.unwrap_or_else(|e| error_page(&e))
}

#[derive(Template, WebTemplate)]
#[template(path = "nomination.html")]
struct NominationPage {
    layout: Layout,
    a: Value,
    n: Option<Value>,
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
    headers: HeaderMap,
    id: Result<Path<i64>, PathRejection>,
    RawQuery(raw): RawQuery,
) -> Response {
    let result = async {
        let id = activity_id(id)?;
        let Some((session, actor)) = PageSession::signed_in(&app, &headers).await? else {
            return Ok(see_other("/login"));
        };
        let done = raw.as_deref().is_some_and(|q| q.contains("done=1"));
        nomination_page(&app, &session, &actor, id, None, done).await
    }
    .await;
    result.unwrap_or_else(|e| error_page(&e))
}

/// `POST /nominations/activity/{id}`: the actor's level gives its opinion.
pub async fn nominate(
    State(app): State<App>,
    headers: HeaderMap,
    id: Result<Path<i64>, PathRejection>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let result = async {
        let id = activity_id(id)?;
        let Some((session, actor)) = PageSession::signed_in(&app, &headers).await? else {
            return Ok(see_other("/login"));
        };
        if !session.accepts(form_value(&form, "_csrf")) {
            return Err(expired());
        }
        let input = OpinionInput {
            opinion: form_value(&form, "opinion").to_owned(),
            decision: Some(form_value(&form, "decision").to_owned()).filter(|d| !d.is_empty()),
        };
        match app.nominate(&actor, Target::Activity(id), input).await {
            Ok(_) => Ok(see_other(&format!("/nominations/activity/{id}?done=1"))),
            Err(e @ (AppError::Validation { .. } | AppError::Conflict { .. })) => {
                nomination_page(&app, &session, &actor, id, Some(sentence(&e)), false).await
            }
            Err(e) => Err(e),
        }
    }
    .await;
    result.unwrap_or_else(|e| error_page(&e))
}

#[derive(Template, WebTemplate)]
#[template(path = "nomination_print.html")]
struct PrintPage {
    n: Value,
}

/// `GET /nominations/{id}/print`: the recommendation form (推荐表) as a clean page.
pub async fn print(
    State(app): State<App>,
    headers: HeaderMap,
    id: Result<Path<i64>, PathRejection>,
) -> Response {
    let result = async {
        let id = activity_id(id)?;
        let Some((_, actor)) = PageSession::signed_in(&app, &headers).await? else {
            return Ok(see_other("/login"));
        };
        let n = app.nomination_for(&actor, id).await?;
        Ok::<_, AppError>(PrintPage { n }.into_response())
    }
    .await;
    result.unwrap_or_else(|e| error_page(&e))
}

// ---------------------------------------------------------------------------------------
// The dashboard.

/// A table with its chart.
struct Panel {
    id: &'static str,
    title: &'static str,
    rows: Vec<Bar>,
    chart: String,
}

impl Panel {
    fn new(id: &'static str, title: &'static str, rows: Vec<Bar>) -> Panel {
        Panel {
            id,
            title,
            chart: charts::bars(title, &rows),
            rows,
        }
    }
}

struct QuotaLine {
    allocated: i64,
    name: String,
    section: String,
    count: i64,
    target: i64,
    percent: i64,
    bar: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    layout: Layout,
    code: String,
    name: String,
    parent: Option<String>,
    s: Value,
    panels: Vec<Panel>,
    regions: Vec<Value>,
    region_chart: String,
    quotas: Vec<QuotaLine>,
    topic: String,
}

fn counted(map: &Value, label: impl Fn(&str) -> String) -> Vec<Bar> {
    let mut rows: Vec<Bar> = map
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| (label(k), v.as_i64().unwrap_or(0)))
                .collect()
        })
        .unwrap_or_default();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    rows
}

/// `GET /dashboard?region=CODE&topic=关键词`.
pub async fn dashboard(
    State(app): State<App>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    let result = async {
        let Some((session, actor)) = PageSession::signed_in(&app, &headers).await? else {
            return Ok(see_other("/login"));
        };
        let pairs = query_pairs(raw.as_deref().unwrap_or(""));
        let region = pairs
            .iter()
            .find(|(k, _)| k == "region")
            .map(|(_, v)| v.as_str());
        let topic = pairs
            .iter()
            .find(|(k, _)| k == "topic")
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        let s = app.stats(&actor, region, Some(&topic)).await?;
        let code = s["region"]["code"].as_str().unwrap_or_default().to_owned();
        let campaign = app.current_campaign().await?;
        let section_name = |k: &str| {
            campaign
                .rules
                .section(k)
                .map_or_else(|| k.to_owned(), |s| s.name.clone())
        };
        let status_name = |k: &str| {
            domain::review::Status::parse(k).map_or_else(|_| k.to_owned(), |s| s.label().to_owned())
        };
        let mode_name = |k: &str| {
            domain::activity::MODES
                .iter()
                .find(|(m, _)| *m == k)
                .map_or_else(|| k.to_owned(), |(_, l)| (*l).to_owned())
        };
        let panels = vec![
            Panel::new(
                "by-status",
                "按审核状态",
                counted(&s["by_status"], status_name),
            ),
            Panel::new(
                "by-section",
                "按板块（已通过）",
                counted(&s["by_section"], section_name),
            ),
            Panel::new(
                "by-audience",
                "按面向对象（已通过）",
                counted(&s["by_audience"], str::to_owned),
            ),
            Panel::new(
                "by-venue",
                "按场所类型（已通过）",
                counted(&s["by_venue_type"], str::to_owned),
            ),
            Panel::new(
                "by-mode",
                "按活动形式（已通过）",
                counted(&s["by_mode"], mode_name),
            ),
        ];
        let regions: Vec<Value> = s["by_region"].as_array().cloned().unwrap_or_default();
        let region_rows: Vec<Bar> = regions
            .iter()
            .map(|r| {
                (
                    r["name"].as_str().unwrap_or_default().to_owned(),
                    r["count"].as_i64().unwrap_or(0),
                )
            })
            .collect();
        let quotas = s["quotas"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|q| {
                let name = q["name"].as_str().unwrap_or_default().to_owned();
                let count = q["count"].as_i64().unwrap_or(0);
                let target = q["target"].as_i64().unwrap_or(0);
                QuotaLine {
                    allocated: q["allocated_to_children"].as_i64().unwrap_or(0),
                    bar: charts::progress(&name, count, target),
                    section: q["section"]
                        .as_str()
                        .map(section_name)
                        .unwrap_or_else(|| "全部板块".to_owned()),
                    percent: q["percent"].as_i64().unwrap_or(0),
                    name,
                    count,
                    target,
                }
            })
            .collect();
        let located = app::regions::locate(&app.db, &code).await?;
        let parent = located.and_then(|l| match l.level {
            Some(domain::region::RegionLevel::County) => l.path.city,
            Some(domain::region::RegionLevel::City) => l.path.province,
            Some(domain::region::RegionLevel::Province) => {
                Some(domain::region::NATIONAL.to_owned())
            }
            None => None,
        });
        let parent = parent.filter(|p| {
            app::App::home_region(&actor) != code
                && (actor.is_national_admin() || p != domain::region::NATIONAL)
        });
        let name = app.region_name(&code).await?;
        Ok::<_, AppError>(
            DashboardPage {
                layout: session.layout(&app).await?,
                region_chart: charts::bars("按下级地区（已通过）", &region_rows),
                code,
                name,
                parent,
                panels,
                regions,
                quotas,
                topic,
                s,
            }
            .into_response(),
        )
    }
    .await;
    result.unwrap_or_else(|e| error_page(&e))
}
