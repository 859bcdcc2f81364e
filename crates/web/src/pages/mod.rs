//! Server-rendered pages. They work without JavaScript; `static/app.js` enhances them.

mod account;
mod activities;
mod audit;
mod charts;
mod contest_admin;
mod contests;
mod evaluations;
mod home;
mod import;
mod map;
mod nominations;
mod portal;
mod posts;
mod resources;
mod review;
mod routes;
mod stats;
mod supplements;

use app::{App, AppError};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};

use crate::caller::{session_cookie, session_set_cookie};
use crate::error::{ApiError, classify};

/// Every page route; `upload_limit` bounds the supplement's video uploads.
pub fn routes(upload_limit: usize, resource_limit: usize) -> Router<App> {
    Router::new()
        .route("/", get(home::home))
        .route("/login", get(account::login_page).post(account::log_in))
        .route("/login/code", post(account::send_code))
        .route("/logout", post(account::log_out))
        .route(
            "/account/profile",
            get(account::profile_page).post(account::save_profile),
        )
        .route("/account/close", post(account::close_account))
        .route("/my/activities", get(activities::mine))
        .route(
            "/my/import",
            get(import::page)
                .post(import::preview)
                .layer(DefaultBodyLimit::max(
                    app::exports::IMPORT_MAX_BYTES + 64 * 1024,
                )),
        )
        .route("/my/import/confirm", post(import::confirm))
        .route("/my/activities/new", post(activities::create))
        .route(
            "/my/activities/{id}/edit",
            get(activities::edit).post(activities::save),
        )
        .route(
            "/my/activities/{id}/poster",
            post(activities::poster).layer(DefaultBodyLimit::max(4 * 1024 * 1024)),
        )
        .route("/my/activities/{id}/{action}", post(activities::act))
        .route(
            "/my/activities/{id}/supplement",
            get(supplements::supplement).post(supplements::save_supplement),
        )
        .route(
            "/my/activities/{id}/supplement/media",
            post(supplements::supplement_media).layer(DefaultBodyLimit::max(upload_limit)),
        )
        .route("/nominations", get(nominations::nominations))
        .route(
            "/nominations/activity/{id}",
            get(nominations::nomination).post(nominations::nominate),
        )
        .route("/nominations/{id}/print", get(nominations::print))
        .route("/dashboard", get(stats::dashboard))
        .route("/review", get(review::queue))
        .route("/review/decisions", post(review::decide_many))
        .route("/review/{id}", get(review::item).post(review::decide))
        .route("/notifications", get(review::notifications))
        .route("/admin/sms", get(account::sms_watch))
        .route("/admin/audit", get(audit::audit_log))
        .route("/activities", get(portal::list))
        .route("/activities/{id}", get(portal::item))
        .route("/activities/{id}/calendar.ics", get(portal::item_calendar))
        .route("/orgs/{id}", get(portal::org))
        .route("/map", get(portal::map))
        .route("/online-ip", get(posts::online).post(posts::register))
        .route(
            "/online-ip/import",
            post(posts::import).layer(DefaultBodyLimit::max(
                app::exports::IMPORT_MAX_BYTES + 64 * 1024,
            )),
        )
        .route(
            "/resources",
            get(resources::resources).post(resources::create),
        )
        .route(
            "/resources/{id}/files",
            post(resources::upload).layer(DefaultBodyLimit::max(resource_limit)),
        )
        .route("/resources/{id}/publish", post(resources::publish))
        .route("/resources/{id}/delete", post(resources::delete))
        .route(
            "/evaluations",
            get(evaluations::list).post(evaluations::create),
        )
        .route("/evaluations/{id}", get(evaluations::results))
        .route("/evaluations/{id}/judged", post(evaluations::judge))
        .route("/evaluations/{id}/freeze", post(evaluations::freeze))
        .route("/evaluations/{id}/publish", post(evaluations::publish))
        .route("/evaluations/{id}/counted", get(evaluations::counted))
        .route("/contests", get(contest_admin::contests))
        .route("/contests/{id}", get(contests::contest))
        .route("/contests/{id}/status", post(contest_admin::move_status))
        .route(
            "/contests/{id}/screening",
            get(contest_admin::screening).post(contest_admin::screen),
        )
        .route(
            "/contests/{id}/assignment",
            get(contest_admin::assignment).post(contest_admin::assign),
        )
        .route(
            "/contests/{id}/scoring",
            get(contest_admin::scoring).post(contest_admin::publish),
        )
        .route("/contests/{id}/entries", post(contests::new_entry))
        .route(
            "/contests/{id}/entries/{eid}",
            get(contests::entry).post(contests::save_entry),
        )
        .route("/contests/{id}/entries/{eid}/print", get(contests::print))
        .route("/contests/{id}/entries/{eid}/vote", post(contests::vote))
        .route(
            "/contests/{id}/entries/{eid}/score",
            get(contests::score_sheet).post(contests::save_sheet),
        )
        .route(
            "/contests/{id}/entries/{eid}/recusal",
            post(contests::recuse),
        )
        .route("/me/reviews", get(contests::my_reviews))
        .route("/contests/{id}/showcase", get(contests::showcase))
        .route("/videos", get(contests::videos))
        .route("/routes", get(routes::routes))
        .route("/routes/{id}", get(routes::route))
        .route("/routes/{id}/certificate", post(routes::take_certificate))
        .route("/routes/{id}/checkins", get(routes::route_checkins))
        .route(
            "/routes/{id}/checkins/{checkin}/review",
            post(routes::review_checkin),
        )
        .route("/checkin", get(routes::checkin_page).post(routes::check_in))
        .route("/venues/{id}/display", get(routes::display))
        .route("/venues/{id}/stamp.png", get(routes::stamp_image))
        .route("/me/stamps", get(routes::stamps))
        .route("/certificates/{serial}", get(routes::certificate))
        .route(
            "/static/app.js",
            get(|| async {
                asset(
                    "text/javascript; charset=utf-8",
                    include_str!("../../static/app.js"),
                )
            }),
        )
        .route(
            "/static/print.css",
            get(|| async {
                asset(
                    "text/css; charset=utf-8",
                    include_str!("../../static/print.css"),
                )
            }),
        )
        .route(
            "/favicon.ico",
            get(|| async {
                (
                    [
                        (header::CONTENT_TYPE, "image/x-icon"),
                        (header::CACHE_CONTROL, "public, max-age=86400"),
                    ],
                    &include_bytes!("../../static/favicon.ico")[..],
                )
                    .into_response()
            }),
        )
        .route(
            "/static/app.css",
            get(|| async {
                asset(
                    "text/css; charset=utf-8",
                    include_str!("../../static/app.css"),
                )
            }),
        )
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response()
}

/// A page's query string as a typed struct, read by axum-extra's `Query` (repeated keys,
/// `+` as space); one that does not read is the page's 400 with the reason.
pub struct PageParams<T>(pub T);

impl<T, S> axum::extract::FromRequestParts<S> for PageParams<T>
where
    T: serde::de::DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = PageError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        axum_extra::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| PageParams(q.0))
            .map_err(|e| {
                // A person never sees the query's parameter names: what did not read is
                // named by what it means, or the page says the address is off.
                let detail = e.body_text();
                let what = [
                    ("page", "页码须为整数"),
                    ("decided", "处理结果的编号不正确"),
                    ("province", "省份选择不正确"),
                    ("within_km", "范围须为公里数"),
                ]
                .into_iter()
                .find(|(name, _)| detail.contains(&format!("{name}:")))
                .map_or("请返回上一页重新选择", |(_, m)| m);
                tracing::debug!(%detail, "a page's query did not read");
                AppError::Malformed(format!("地址中的条件无法识别：{what}")).into()
            })
    }
}

/// The first value of a form field, or "".
pub fn form_value<'a>(form: &'a [(String, String)], key: &str) -> &'a str {
    form.iter()
        .find(|(k, _)| k == key)
        .map_or("", |(_, v)| v.as_str())
}

/// The activity id in a page's path; a 404 page when it is not a number.
pub fn activity_id(id: Result<Path<i64>, PathRejection>) -> Result<i64, AppError> {
    id.map(|Path(id)| id)
        .map_err(|_| AppError::NotFound("未找到该活动".to_owned()))
}

/// The refusal of a form whose session token does not match (an old or forged page).
pub fn expired() -> AppError {
    AppError::Forbidden("页面已过期，请刷新页面后重试".to_owned())
}

/// What every page's header needs.
#[derive(Debug, Clone, Default)]
pub struct Layout {
    /// The logged-in person's name (or a placeholder until they give it).
    pub user_name: Option<String>,
    /// The session's CSRF token for the page's forms.
    pub csrf: String,
    /// Whether to show the reviewers' link.
    pub is_admin: bool,
    /// Whether to show the national administrators' links.
    pub is_national: bool,
    /// Unread notifications.
    pub unread: u64,
}

/// The browser session behind a page request.
#[derive(Debug, Clone, Default)]
pub struct PageSession {
    /// The cookie value.
    pub cookie: Option<String>,
    /// Set when the session was made by this request: the cookie must be sent.
    pub fresh: bool,
    /// CSRF token.
    pub csrf: String,
    /// The logged-in user.
    pub user_id: Option<i64>,
}

impl PageSession {
    /// Reads the session, if the browser has a live one.
    pub async fn read(app: &App, headers: &HeaderMap) -> Result<PageSession, AppError> {
        let Some(cookie) = session_cookie(headers) else {
            return Ok(PageSession::default());
        };
        Ok(match app.session(&cookie).await? {
            Some(s) => PageSession {
                cookie: Some(cookie),
                fresh: false,
                csrf: s.csrf_token,
                user_id: s.user_id,
            },
            None => PageSession::default(),
        })
    }

    /// Reads the session, starting a visitor's session if there is none (pages with forms).
    pub async fn ensure(app: &App, headers: &HeaderMap) -> Result<PageSession, AppError> {
        let session = PageSession::read(app, headers).await?;
        if session.cookie.is_some() {
            return Ok(session);
        }
        let (cookie, csrf) = app.start_session(None).await?;
        Ok(PageSession {
            cookie: Some(cookie),
            fresh: true,
            csrf,
            user_id: None,
        })
    }

    /// The session and the person logged in; `None` for a visitor (pages send them to
    /// `/login`).
    pub async fn signed_in(
        app: &App,
        headers: &HeaderMap,
    ) -> Result<Option<(PageSession, app::Actor)>, AppError> {
        let session = PageSession::read(app, headers).await?;
        Ok(session.actor(app).await?.map(|a| (session, a)))
    }

    /// The logged-in person, if any.
    pub async fn actor(&self, app: &App) -> Result<Option<app::Actor>, AppError> {
        match self.user_id {
            Some(id) => app.actor(id).await,
            None => Ok(None),
        }
    }

    /// Whether a submitted form carries this session's token.
    pub fn accepts(&self, sent: &str) -> bool {
        self.cookie.is_some() && app::same_secret(sent, &self.csrf)
    }

    /// The header data for a page.
    pub async fn layout(&self, app: &App) -> Result<Layout, AppError> {
        let Some(actor) = self.actor(app).await? else {
            return Ok(Layout {
                csrf: self.csrf.clone(),
                ..Layout::default()
            });
        };
        let unread = app
            .notifications(
                &actor,
                app::paging::Page {
                    page: 1,
                    per_page: 1,
                },
            )
            .await?
            .1;
        Ok(Layout {
            user_name: Some(
                actor
                    .name
                    .clone()
                    .unwrap_or_else(|| "未命名用户".to_owned()),
            ),
            csrf: self.csrf.clone(),
            is_admin: actor.is_admin(),
            is_national: actor.is_national_admin(),
            unread,
        })
    }

    /// Adds the cookie to a response when the session is new.
    pub fn attach(&self, app: &App, mut response: Response) -> Response {
        if self.fresh
            && let Some(cookie) = &self.cookie
            && let Ok(value) = HeaderValue::from_str(&session_set_cookie(app, Some(cookie)))
        {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
        response
    }
}

/// A page with a heading and a sentence: errors, confirmations.
#[derive(Template, WebTemplate)]
#[template(path = "message.html")]
pub struct MessagePage {
    layout: Layout,
    heading: String,
    text: String,
}

impl MessagePage {
    /// A page that tells the person something, with the site's frame for nobody signed in.
    pub fn new(heading: &str, text: &str) -> MessagePage {
        MessagePage {
            layout: Layout::default(),
            heading: heading.to_owned(),
            text: text.to_owned(),
        }
    }
}

/// Renders an error as a friendly page with the error's status.
pub fn error_page(err: &AppError) -> Response {
    let (status, _, text) = classify(err);
    refusal_page(status, text)
}

/// A page handler's refusal, answered as the error page with its status: handlers return
/// `Result<Response, PageError>` and use `?` on any use case.
#[derive(Debug)]
pub struct PageError(pub AppError);

impl From<AppError> for PageError {
    fn from(err: AppError) -> Self {
        PageError(err)
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        error_page(&self.0)
    }
}

/// The signed-in person and their browser session, as an extractor: anyone else is sent to
/// the login page (and a failure to read the session is the error page).
pub struct SignedIn {
    /// The session (its CSRF token for the page's forms).
    pub session: PageSession,
    /// Who is signed in.
    pub actor: app::Actor,
}

impl axum::extract::FromRequestParts<App> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        app: &App,
    ) -> Result<Self, Self::Rejection> {
        match PageSession::signed_in(app, &parts.headers).await {
            Ok(Some((session, actor))) => Ok(SignedIn { session, actor }),
            Ok(None) => Err(see_other("/login")),
            Err(e) => Err(error_page(&e)),
        }
    }
}

/// The page for a refusal with its status: an `AppError` (through `error_page`), or one made
/// before any page handler ran (a method the route does not take, a body too large, a form
/// that does not read).
pub fn refusal_page(status: StatusCode, text: String) -> Response {
    let heading = match status {
        StatusCode::NOT_FOUND => "页面不存在",
        StatusCode::FORBIDDEN => "无权访问",
        StatusCode::UNAUTHORIZED => "请先登录",
        StatusCode::TOO_MANY_REQUESTS => "操作过于频繁",
        s if s.is_server_error() => "服务暂时不可用",
        _ => "无法完成操作",
    };
    (
        status,
        MessagePage {
            layout: Layout::default(),
            heading: heading.to_owned(),
            text,
        },
    )
        .into_response()
}

/// Redirects after a form post.
pub fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// Unknown paths: JSON under `/api/`, a page elsewhere.
pub async fn not_found(State(_): State<App>, request: Request) -> Response {
    let err = AppError::NotFound("您访问的页面不存在".to_owned());
    if request.uri().path().starts_with("/api/") {
        ApiError::App(AppError::NotFound("接口不存在".to_owned())).into_response()
    } else {
        error_page(&err)
    }
}

/// The messages of a refusal, by field, for showing next to each field.
pub(crate) fn field_errors(err: &app::AppError) -> domain::FieldErrors {
    match err {
        app::AppError::Validation { fields, .. } => fields.clone(),
        app::AppError::Refused { field, message, .. } => {
            domain::FieldErrors::single(field, message.clone())
        }
        app::AppError::FileRules { message, .. } => {
            domain::FieldErrors::single("file", message.clone())
        }
        other => domain::FieldErrors::single("", crate::error::classify(other).2),
    }
}

/// What a page's upload form answers: the upload's own answer when it went through; the
/// refusal's page for someone who may not upload there at all; otherwise the form's page
/// again (`back`), told "文件未上传：…" and why.
pub(crate) fn upload_answer(
    result: Result<Response, ApiError>,
    back: impl FnOnce(String) -> Response,
) -> Response {
    match result {
        Ok(r) => r,
        Err(ApiError::App(
            e @ (AppError::Forbidden(_) | AppError::NotFound(_) | AppError::Unauthenticated(_)),
        )) => error_page(&e),
        Err(ApiError::App(e)) => back(format!("文件未上传：{}", sentence(&e))),
        Err(ApiError::Http(_, _, message)) => back(format!("文件未上传：{message}")),
    }
}

/// A refusal in one sentence.
pub(crate) fn sentence(err: &app::AppError) -> String {
    field_errors(err)
        .iter()
        .map(|(_, m)| m)
        .collect::<Vec<_>>()
        .join("；")
}
