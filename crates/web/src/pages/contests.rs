//! 科普视频征集与展播 pages: a contest's rules, the entrant's 报名表 (the same commands as
//! `PATCH …/entries/{eid}` and `POST …/submit`, every problem beside its field, nothing
//! typed lost), the printable filled form, and the showcase of winners (DESIGN.md §8).

use app::contests::ContestView;
use app::entries::{EntryAnswer, EntryQuery, EntryView};
use app::results::{ResultsView, ShowcaseEntry};
use app::{App, AppError};
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use domain::contest::ContestStatus;
use domain::entry::{Author, EntryEdit, EntryForm};
use serde::Deserialize;

use super::{Layout, PageError, PageSession, SignedIn, expired, field_errors, see_other};

fn ids<T>(ids: Result<Path<T>, PathRejection>) -> Result<T, PageError> {
    ids.map(|Path(v)| v)
        .map_err(|_| AppError::NotFound("未找到该页面".to_owned()).into())
}

fn size_of(c: &ContestView) -> String {
    domain::contest::size_text(c.settings.file_rules.max_bytes)
}

#[derive(Template, WebTemplate)]
#[template(path = "contest.html")]
struct ContestPage {
    layout: Layout,
    c: ContestView,
    signed_in: bool,
    mine: Vec<EntryView>,
    taking: bool,
    results: Option<ResultsView>,
    ballot: Vec<app::votes::BallotEntry>,
    /// The answer to the last vote: (entry, message, whether it was counted).
    vote_notice: Option<(i64, String, bool)>,
}

impl ContestPage {
    fn vote_message(&self, entry: &i64) -> Option<&(i64, String, bool)> {
        self.vote_notice.as_ref().filter(|(e, _, _)| e == entry)
    }

    fn modes(&self) -> String {
        self.c
            .settings
            .entry_modes
            .iter()
            .map(|m| m.label())
            .collect::<Vec<_>>()
            .join("、")
    }

    fn max_size(&self) -> String {
        size_of(&self.c)
    }

    fn awards(&self) -> String {
        self.c
            .settings
            .awards
            .iter()
            .map(|a| format!("{} {} 名", a.name, a.count))
            .collect::<Vec<_>>()
            .join("，")
    }
}

async fn contest_page(app: &App, session: &PageSession, id: i64) -> Result<ContestPage, AppError> {
    let actor = session.actor(app).await?;
    let c = app.contest(actor.as_ref(), id).await?;
    let mine = match &actor {
        Some(a) => app
            .entries(
                a,
                id,
                EntryQuery {
                    per_page: Some(100),
                    ..EntryQuery::default()
                },
            )
            .await?
            .items
            .into_iter()
            .filter(|e| e.entrant_user_id == a.user_id)
            .collect(),
        None => Vec::new(),
    };
    let today = domain::campaign::beijing_date(app.clock.now());
    let taking = domain::contest::takes_entries(c.status, &c.settings, today);
    let results = match app.results(None, id).await {
        Ok(r) => Some(r),
        Err(AppError::NotFound(_)) => None,
        Err(e) => return Err(e),
    };
    let page = ContestPage {
        layout: session.layout(app).await?,
        signed_in: actor.is_some(),
        c,
        mine,
        taking,
        results,
        ballot: app.ballot(id).await?,
        vote_notice: None,
    };
    Ok(page)
}

/// `GET /contests/{id}`.
pub async fn contest(
    State(app): State<App>,
    headers: HeaderMap,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Response, PageError> {
    let id = ids(id)?;
    let session = PageSession::ensure(&app, &headers).await?;
    let page = contest_page(&app, &session, id).await?;
    Ok(session.attach(&app, page.into_response()))
}

/// `POST /contests/{id}/entries/{eid}/vote`: the same command as the API's vote; the page
/// again with the answer beside the entry.
pub async fn vote(
    State(app): State<App>,
    SignedIn { session, actor }: SignedIn,
    ids_: Result<Path<(i64, i64)>, PathRejection>,
    Form(form): Form<CsrfOnly>,
) -> Result<Response, PageError> {
    let (cid, eid) = ids(ids_)?;
    if !session.accepts(&form.csrf) {
        return Err(expired().into());
    }
    let (status, notice) = match app.vote(&actor, cid, eid).await {
        Ok(v) => (
            axum::http::StatusCode::OK,
            (
                eid,
                format!("投票成功，今天还可以投 {} 票", v.votes_left_today),
                true,
            ),
        ),
        Err(e @ (AppError::Unauthenticated(_) | AppError::NotFound(_))) => return Err(e.into()),
        Err(e) => (crate::error::classify(&e).0, (eid, e.to_string(), false)),
    };
    let mut page = contest_page(&app, &session, cid).await?;
    page.vote_notice = Some(notice);
    Ok((status, page).into_response())
}

/// A form with only its CSRF token.
#[derive(Debug, Deserialize)]
pub struct CsrfOnly {
    #[serde(default, rename = "_csrf")]
    csrf: String,
}

/// `POST /contests/{id}/entries`: starts a draft, then shows it.
pub async fn new_entry(
    State(app): State<App>,
    SignedIn { session, actor }: SignedIn,
    id: Result<Path<i64>, PathRejection>,
    Form(form): Form<CsrfOnly>,
) -> Result<Response, PageError> {
    let id = ids(id)?;
    if !session.accepts(&form.csrf) {
        return Err(expired().into());
    }
    let e = app.create_entry(&actor, id, EntryEdit::default()).await?;
    Ok(see_other(&format!("/contests/{id}/entries/{}", e.id)))
}

/// The 报名表 as typed (every field as text), kept when it is refused.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct EntryFields {
    #[serde(default)]
    title: String,
    #[serde(default)]
    field: String,
    #[serde(default)]
    entry_mode: String,
    #[serde(default)]
    unit_id: String,
    #[serde(default)]
    person_name: String,
    #[serde(default)]
    region_code: String,
    #[serde(default)]
    authors: String,
    /// 制作单位: full names as in the registry, one a line, in credit order.
    #[serde(default)]
    producing_units: String,
    #[serde(default)]
    contact_name: String,
    #[serde(default)]
    contact_phone: String,
    #[serde(default)]
    broadcast_date: String,
    #[serde(default)]
    platform: String,
    #[serde(default)]
    platform_url: String,
    #[serde(default)]
    introduction: String,
    #[serde(default)]
    innovation: String,
    #[serde(default)]
    reach: String,
    #[serde(default)]
    pledge: Option<String>,
    #[serde(skip)]
    pledged: bool,
    #[serde(default)]
    video: String,
    #[serde(default)]
    signed_form: String,
}

fn text(v: &Option<String>) -> String {
    v.clone().unwrap_or_default()
}

fn number(v: Option<i64>) -> String {
    v.map(|n| n.to_string()).unwrap_or_default()
}

/// Authors as the form shows them: one a line, "姓名，单位".
fn authors_text(authors: &Option<Vec<Author>>) -> String {
    authors
        .iter()
        .flatten()
        .map(|a| match &a.unit {
            Some(u) => format!("{}，{u}", a.name),
            None => a.name.clone(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The 报名表's 制作单位 as names, one a line, in credit order.
async fn unit_names(app: &App, ids: &Option<Vec<i64>>) -> Result<String, AppError> {
    let ids = ids.clone().unwrap_or_default();
    Ok(app
        .org_names(&ids)
        .await?
        .into_iter()
        .map(|(_, name)| name)
        .collect::<Vec<_>>()
        .join("\n"))
}

/// The 制作单位 typed (names, one a line) as organisation ids from the registry; none
/// typed clears the list (a unit entry is then produced by its recommending unit alone).
/// A name the registry does not know is refused beside the field.
async fn producing_units(
    app: &App,
    actor: &app::Actor,
    typed: &str,
) -> Result<Option<Vec<i64>>, AppError> {
    let names: Vec<String> = typed
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    if names.is_empty() {
        return Ok(None);
    }
    app.resolve_org_names(actor, &names, None, false)
        .await
        .map(Some)
        .map_err(|m| {
            AppError::invalid_field(
                "producing_units",
                m.replace("，或勾选“登记为新单位”后保存", "")
                    .replace("、从单位库中选择", ""),
            )
        })
}

impl EntryFields {
    fn of(f: &EntryForm) -> EntryFields {
        EntryFields {
            title: text(&f.title),
            field: text(&f.field),
            entry_mode: text(&f.entry_mode),
            unit_id: number(f.unit_id),
            person_name: text(&f.person_name),
            region_code: text(&f.region_code),
            authors: authors_text(&f.authors),
            // Names are filled in by the page, which reads them (`with_unit_names`).
            producing_units: String::new(),
            contact_name: text(&f.contact_name),
            contact_phone: text(&f.contact_phone),
            broadcast_date: text(&f.broadcast_date),
            platform: text(&f.platform),
            platform_url: text(&f.platform_url),
            introduction: text(&f.introduction),
            innovation: text(&f.innovation),
            reach: text(&f.reach),
            pledge: None,
            pledged: f.pledge == Some(true),
            video: number(f.video),
            signed_form: number(f.signed_form),
        }
    }

    /// The edit these fields make: every field named (an empty one clears it). A number
    /// that does not parse is refused beside its field.
    fn edit(&self) -> Result<EntryEdit, domain::FieldErrors> {
        let mut errors = domain::FieldErrors::new();
        let mut id = |name: &str, raw: &str| -> Option<i64> {
            let raw = raw.trim();
            if raw.is_empty() {
                return None;
            }
            raw.parse().map(Some).unwrap_or_else(|_| {
                errors.add(name, "请重新选择");
                None
            })
        };
        let unit_id = id("unit_id", &self.unit_id);
        let video = id("video", &self.video);
        let signed_form = id("signed_form", &self.signed_form);
        let some = |s: &str| Some(Some(s.to_owned()).filter(|v| !v.trim().is_empty()));
        let authors: Vec<Author> = self
            .authors
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(|l| match l.split_once(['，', ',', '/', '（']) {
                Some((name, unit)) => Author {
                    name: name.trim().to_owned(),
                    unit: Some(unit.trim().trim_end_matches('）').to_owned())
                        .filter(|u| !u.is_empty()),
                },
                None => Author {
                    name: l.to_owned(),
                    unit: None,
                },
            })
            .collect();
        let edit = EntryEdit {
            title: some(&self.title),
            field: some(&self.field),
            broadcast_date: some(&self.broadcast_date),
            entry_mode: some(&self.entry_mode),
            unit_id: Some(unit_id),
            person_name: some(&self.person_name),
            region_code: some(&self.region_code),
            contact_name: some(&self.contact_name),
            contact_phone: some(&self.contact_phone),
            platform: some(&self.platform),
            platform_url: some(&self.platform_url),
            introduction: some(&self.introduction),
            innovation: some(&self.innovation),
            reach: some(&self.reach),
            pledge: Some(Some(self.pledge.is_some())),
            authors: Some(Some(authors).filter(|a| !a.is_empty())),
            // Read from the names by `producing_units` (the registry is asked).
            producing_units: None,
            video: Some(video),
            signed_form: Some(signed_form),
        };
        errors.into_result().map(|()| edit)
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "contest_entry.html")]
struct EntryPage {
    layout: Layout,
    c: ContestView,
    e: EntryView,
    v: EntryFields,
    orgs: Vec<(i64, String)>,
    regions: Vec<(String, String)>,
    errors: domain::FieldErrors,
    notice: String,
}

impl EntryPage {
    fn error(&self, field: &str) -> &str {
        self.errors.get(field).unwrap_or_default()
    }

    fn has(&self, field: &str) -> bool {
        self.errors.get(field).is_some()
    }

    fn max_size(&self) -> String {
        size_of(&self.c)
    }

    fn modes(&self) -> Vec<(&'static str, &'static str)> {
        self.c
            .settings
            .entry_modes
            .iter()
            .map(|m| (m.as_str(), m.label()))
            .collect()
    }

    /// The named video as measured: "已上传：1920×1080，4分0秒".
    fn video_summary(&self) -> String {
        let Some(id) = self.e.form.video else {
            return String::new();
        };
        match self.e.media.iter().find(|m| m.id == id) {
            Some(m) => {
                let secs = m.seconds.unwrap_or(0.0).round() as i64;
                format!(
                    "已上传：{}×{}，{}分{}秒",
                    m.width.unwrap_or(0),
                    m.height.unwrap_or(0),
                    secs / 60,
                    secs % 60
                )
            }
            None => String::new(),
        }
    }
}

async fn entry_page(
    app: &App,
    session: &PageSession,
    actor: &app::Actor,
    cid: i64,
    eid: i64,
) -> Result<EntryPage, AppError> {
    let c = app.contest(Some(actor), cid).await?;
    let e = match app.entry(actor, cid, eid).await? {
        EntryAnswer::Full(e) => *e,
        EntryAnswer::Blind(_) => return Err(AppError::NotFound("未找到该作品".to_owned())),
    };
    let orgs = app
        .orgs_of(actor)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    let mut regions = Vec::new();
    if let Some(code) = c.settings.entrant_region.as_deref() {
        for r in app.regions_under(Some(code)).await? {
            regions.push((r.code, r.name));
        }
    }
    let mut v = EntryFields::of(&e.form);
    v.producing_units = unit_names(app, &e.form.producing_units).await?;
    Ok(EntryPage {
        layout: session.layout(app).await?,
        v,
        c,
        e,
        orgs,
        regions,
        errors: domain::FieldErrors::new(),
        notice: String::new(),
    })
}

/// `GET /contests/{id}/entries/{eid}`: the entrant's 报名表.
pub async fn entry(
    State(app): State<App>,
    SignedIn { session, actor }: SignedIn,
    ids_: Result<Path<(i64, i64)>, PathRejection>,
) -> Result<Response, PageError> {
    let (cid, eid) = ids(ids_)?;
    let page = entry_page(&app, &session, &actor, cid, eid).await?;
    Ok(page.into_response())
}

/// What the form posts besides the fields.
#[derive(Debug, Deserialize)]
pub struct EntryPost {
    #[serde(flatten)]
    fields: EntryFields,
    #[serde(default)]
    version: i64,
    #[serde(default)]
    action: String,
    #[serde(default, rename = "_csrf")]
    csrf: String,
}

/// `POST /contests/{id}/entries/{eid}`: saves the draft (`action=save`) or saves and submits
/// it (`action=submit`); the form again with every problem beside its field when refused.
pub async fn save_entry(
    State(app): State<App>,
    SignedIn { session, actor }: SignedIn,
    ids_: Result<Path<(i64, i64)>, PathRejection>,
    Form(form): Form<EntryPost>,
) -> Result<Response, PageError> {
    let (cid, eid) = ids(ids_)?;
    if !session.accepts(&form.csrf) {
        return Err(expired().into());
    }
    let saved = match form.fields.edit() {
        Err(fields) => Err(AppError::invalid(fields)),
        Ok(mut edit) => match producing_units(&app, &actor, &form.fields.producing_units).await {
            Ok(units) => {
                edit.producing_units = Some(units);
                app.update_entry(&actor, cid, eid, form.version, edit).await
            }
            Err(e) => Err(e),
        },
    };
    let outcome = match saved {
        Ok(_) if form.action == "submit" => app
            .submit_entry(&actor, cid, eid)
            .await
            .map(|_| "已提交报名，请等待形式审查"),
        Ok(_) => Ok("草稿已保存"),
        Err(e) => Err(e),
    };
    match outcome {
        Ok(done) => {
            let mut page = entry_page(&app, &session, &actor, cid, eid).await?;
            page.notice = done.to_owned();
            Ok(page.into_response())
        }
        Err(
            e @ (AppError::Forbidden(_) | AppError::NotFound(_) | AppError::Unauthenticated(_)),
        ) => Err(e.into()),
        Err(e) => {
            let status = crate::error::classify(&e).0;
            let mut page = entry_page(&app, &session, &actor, cid, eid).await?;
            let mut fields = form.fields;
            fields.pledged = fields.pledge.is_some();
            page.v = fields;
            page.errors = field_errors(&e);
            if page.errors.get("").is_some() || !matches!(e, AppError::Validation { .. }) {
                page.notice = super::sentence(&e);
                page.errors = domain::FieldErrors::new();
            } else {
                page.notice = "报名表未提交，请按提示修改（已填写的内容已保留）".to_owned();
            }
            Ok((status, page).into_response())
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "contest_entry_print.html")]
struct PrintPage {
    c: ContestView,
    e: EntryView,
    v: EntryFields,
    unit: String,
    mode: String,
}

/// `GET /contests/{id}/entries/{eid}/print`: the filled 报名表 to print, sign or seal, and
/// upload.
pub async fn print(
    State(app): State<App>,
    SignedIn { actor, .. }: SignedIn,
    ids_: Result<Path<(i64, i64)>, PathRejection>,
) -> Result<Response, PageError> {
    let (cid, eid) = ids(ids_)?;
    let c = app.contest(Some(&actor), cid).await?;
    let e = match app.entry(&actor, cid, eid).await? {
        EntryAnswer::Full(e) => *e,
        EntryAnswer::Blind(_) => return Err(AppError::NotFound("未找到该作品".to_owned()).into()),
    };
    let unit = match e.form.unit_id {
        Some(u) => app
            .orgs_of(&actor)
            .await?
            .into_iter()
            .find(|o| o.id == u)
            .map(|o| o.name)
            .unwrap_or_default(),
        None => String::new(),
    };
    let mode = e
        .form
        .mode()
        .map(|m| m.label().to_owned())
        .unwrap_or_default();
    let mut v = EntryFields::of(&e.form);
    v.producing_units = unit_names(&app, &e.form.producing_units).await?;
    Ok(PrintPage {
        v,
        c,
        e,
        unit,
        mode,
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "showcase.html")]
struct ShowcasePage {
    layout: Layout,
    contests: Vec<(ContestView, Vec<ShowcaseEntry>)>,
}

/// `GET /contests/{id}/showcase`: the winners of one contest, with players.
pub async fn showcase(
    State(app): State<App>,
    headers: HeaderMap,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Response, PageError> {
    let id = ids(id)?;
    let session = PageSession::ensure(&app, &headers).await?;
    let c = app.contest(None, id).await?;
    let winners = app.showcase(id).await?;
    let page = ShowcasePage {
        layout: session.layout(&app).await?,
        contests: vec![(c, winners)],
    };
    Ok(session.attach(&app, page.into_response()))
}

/// `GET /videos`: every published contest's winners.
pub async fn videos(State(app): State<App>, headers: HeaderMap) -> Result<Response, PageError> {
    let session = PageSession::ensure(&app, &headers).await?;
    let listed = app
        .contests(
            None,
            app::contests::ContestQuery {
                per_page: Some(50),
                ..Default::default()
            },
        )
        .await?;
    let mut contests = Vec::new();
    for c in listed.items {
        if c.status != ContestStatus::Published {
            continue;
        }
        let winners = app.showcase(c.id).await?;
        contests.push((c, winners));
    }
    let page = ShowcasePage {
        layout: session.layout(&app).await?,
        contests,
    };
    Ok(session.attach(&app, page.into_response()))
}

#[derive(Template, WebTemplate)]
#[template(path = "my_reviews.html")]
struct ReviewsPage {
    layout: Layout,
    items: Vec<app::judging::BlindEntryView>,
}

/// `GET /me/reviews`: the entries assigned to the judge, blind.
pub async fn my_reviews(
    State(app): State<App>,
    SignedIn { session, actor }: SignedIn,
) -> Result<Response, PageError> {
    let items = app
        .my_reviews(&actor, app::judging::ReviewQuery::default())
        .await?;
    Ok(ReviewsPage {
        layout: session.layout(&app).await?,
        items,
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "score_sheet.html")]
struct SheetPage {
    layout: Layout,
    b: app::judging::BlindEntryView,
    criteria: Vec<domain::contest::Criterion>,
    /// The scores as typed, by criterion key.
    typed: std::collections::BTreeMap<String, String>,
    comment: String,
    errors: domain::FieldErrors,
    notice: String,
}

impl SheetPage {
    fn value(&self, key: &str) -> String {
        self.typed.get(key).cloned().unwrap_or_default()
    }

    fn error(&self, key: &str) -> &str {
        self.errors
            .get(&format!("scores.{key}"))
            .unwrap_or_default()
    }

    fn error_of(&self, field: &str) -> &str {
        self.errors.get(field).unwrap_or_default()
    }
}

async fn sheet_page(
    app: &App,
    session: &PageSession,
    actor: &app::Actor,
    cid: i64,
    eid: i64,
) -> Result<SheetPage, AppError> {
    let b = match app.entry(actor, cid, eid).await? {
        EntryAnswer::Blind(b) => *b,
        EntryAnswer::Full(_) => {
            return Err(AppError::NotFound("未找到分配给您评审的该作品".to_owned()));
        }
    };
    let c = app.contest(Some(actor), cid).await?;
    let typed = b
        .scores
        .iter()
        .map(|(k, v)| (k.clone(), format!("{v}")))
        .collect();
    let comment = b.comment.clone().unwrap_or_default();
    Ok(SheetPage {
        layout: session.layout(app).await?,
        b,
        criteria: c.settings.criteria,
        typed,
        comment,
        errors: domain::FieldErrors::new(),
        notice: String::new(),
    })
}

/// `GET /contests/{id}/entries/{eid}/score`: the judge's score sheet.
pub async fn score_sheet(
    State(app): State<App>,
    SignedIn { session, actor }: SignedIn,
    ids_: Result<Path<(i64, i64)>, PathRejection>,
) -> Result<Response, PageError> {
    let (cid, eid) = ids(ids_)?;
    Ok(sheet_page(&app, &session, &actor, cid, eid)
        .await?
        .into_response())
}

/// `POST /contests/{id}/entries/{eid}/score`: the same command as `PUT …/scores`; the sheet
/// again with each problem beside its criterion.
pub async fn save_sheet(
    State(app): State<App>,
    SignedIn { session, actor }: SignedIn,
    ids_: Result<Path<(i64, i64)>, PathRejection>,
    Form(form): Form<std::collections::BTreeMap<String, String>>,
) -> Result<Response, PageError> {
    let (cid, eid) = ids(ids_)?;
    if !form.get("_csrf").is_some_and(|t| session.accepts(t)) {
        return Err(expired().into());
    }
    let contest = app.contest(Some(&actor), cid).await?;
    let mut errors = domain::FieldErrors::new();
    let mut scores = std::collections::BTreeMap::new();
    let mut typed = std::collections::BTreeMap::new();
    for c in &contest.settings.criteria {
        let raw = form.get(&c.key).map(|v| v.trim()).unwrap_or_default();
        typed.insert(c.key.clone(), raw.to_owned());
        if raw.is_empty() {
            continue;
        }
        match raw.parse::<f64>() {
            Ok(v) => {
                scores.insert(c.key.clone(), v);
            }
            Err(_) => errors.add(
                &format!("scores.{}", c.key),
                format!("“{}”的分数须为0至100之间的数", c.name),
            ),
        }
    }
    let submit = form.get("action").is_some_and(|a| a == "submit");
    let comment = form.get("comment").cloned().unwrap_or_default();
    let outcome = if errors.is_empty() {
        app.put_scores(
            &actor,
            cid,
            eid,
            app::judging::SheetInput {
                scores,
                comment: Some(comment.clone()),
                submit: Some(submit),
            },
        )
        .await
        .map(|_| ())
    } else {
        Err(AppError::invalid(errors))
    };
    match outcome {
        Ok(()) => {
            let mut page = sheet_page(&app, &session, &actor, cid, eid).await?;
            page.comment = comment;
            page.notice = if submit {
                "评分已提交"
            } else {
                "评分草稿已保存"
            }
            .to_owned();
            Ok(page.into_response())
        }
        Err(e @ (AppError::NotFound(_) | AppError::Forbidden(_))) => Err(e.into()),
        Err(e) => {
            let status = crate::error::classify(&e).0;
            let mut page = sheet_page(&app, &session, &actor, cid, eid).await?;
            page.typed = typed;
            page.comment = comment;
            if matches!(e, AppError::Validation { .. }) {
                page.errors = field_errors(&e);
                page.notice = "评分未保存，请按提示修改".to_owned();
            } else {
                page.notice = super::sentence(&e);
            }
            Ok((status, page).into_response())
        }
    }
}

/// The recusal form.
#[derive(Debug, Deserialize)]
pub struct RecusalForm {
    #[serde(default)]
    reason: String,
    #[serde(default, rename = "_csrf")]
    csrf: String,
}

/// `POST /contests/{id}/entries/{eid}/recusal`: the judge stands aside, with a reason.
pub async fn recuse(
    State(app): State<App>,
    SignedIn { session, actor }: SignedIn,
    ids_: Result<Path<(i64, i64)>, PathRejection>,
    Form(form): Form<RecusalForm>,
) -> Result<Response, PageError> {
    let (cid, eid) = ids(ids_)?;
    if !session.accepts(&form.csrf) {
        return Err(expired().into());
    }
    let input = app::judging::RecusalInput {
        reason: Some(form.reason),
    };
    match app.recuse(&actor, cid, eid, input).await {
        Ok(_) => Ok(see_other("/me/reviews")),
        Err(e @ AppError::Validation { .. }) => {
            let status = crate::error::classify(&e).0;
            let mut page = sheet_page(&app, &session, &actor, cid, eid).await?;
            page.errors = field_errors(&e);
            Ok((status, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
