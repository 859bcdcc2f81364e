//! Login by phone and code, the name asked at the first login, and logout.

use app::{App, AppError};
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use super::PageError;
use super::SignedIn;
use super::{Layout, PageParams, PageSession, error_page, expired, see_other};
use crate::api::auth::ClientIp;
use crate::caller::session_set_cookie;
use crate::error::{ApiError, classify};

#[derive(Template, WebTemplate, Default)]
#[template(path = "login.html")]
struct LoginPage {
    layout: Layout,
    /// Where to go once logged in (a path of ours), kept through the form.
    next: String,
    phone: String,
    wait: i64,
    notice: Option<String>,
    phone_error: Option<String>,
    code_error: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "profile.html")]
struct ProfilePage {
    layout: Layout,
    /// Where to go once the name is saved.
    next: String,
    name: String,
    name_error: Option<String>,
    /// Whether the person may close the account here (administrators may not).
    closable: bool,
    /// Why the last attempt to close it was refused.
    close_error: Option<String>,
}

impl ProfilePage {
    fn close_words(&self) -> &'static str {
        app::users::CLOSE_ACCOUNT_WORDS
    }
}

/// The account-closing form as posted.
#[derive(Debug, Deserialize)]
pub struct CloseForm {
    #[serde(default)]
    confirm: String,
    #[serde(default, rename = "_csrf")]
    csrf: String,
}

/// A login form as posted.
#[derive(Debug, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    next: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    code: String,
    #[serde(default, rename = "_csrf")]
    csrf: String,
}

/// A profile form as posted.
#[derive(Debug, Deserialize)]
pub struct ProfileForm {
    #[serde(default)]
    next: String,
    #[serde(default)]
    name: String,
    #[serde(default, rename = "_csrf")]
    csrf: String,
}

/// A form carrying only its CSRF token.
#[derive(Debug, Deserialize)]
pub struct TokenForm {
    #[serde(default, rename = "_csrf")]
    csrf: String,
}

fn wants_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json"))
}

/// Where a page asks to go after login: one of our own paths, never another site.
#[derive(Debug, Default, Deserialize)]
pub struct NextParams {
    #[serde(default)]
    next: Option<String>,
}

/// `next` if it is a path of this site (`/…`, not `//…` nor `/\…`), else empty.
fn local_path(next: &str) -> String {
    let next = next.trim();
    let local = next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && !next.chars().any(|c| c.is_control() || c == '\\');
    if local {
        next.to_owned()
    } else {
        String::new()
    }
}

fn or_home(next: &str) -> &str {
    if next.is_empty() { "/" } else { next }
}

/// `GET /login?next=`.
pub async fn login_page(
    State(app): State<App>,
    headers: HeaderMap,
    PageParams(params): PageParams<NextParams>,
) -> Result<Response, PageError> {
    let next = local_path(params.next.as_deref().unwrap_or_default());
    let session = PageSession::ensure(&app, &headers).await?;
    if session.user_id.is_some() {
        return Ok(see_other(or_home(&next)));
    }
    let page = LoginPage {
        layout: session.layout(&app).await?,
        next,
        ..Default::default()
    };
    Ok(session.attach(&app, page.into_response()))
}

/// `POST /login/code`: sends a code; answers JSON to the page's script, a page otherwise.
pub async fn send_code(
    State(app): State<App>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    let json = wants_json(&headers);
    let session = match PageSession::read(&app, &headers).await {
        Ok(s) if s.accepts(&form.csrf) => s,
        Ok(_) => return respond_error(json, &expired()),
        Err(e) => return respond_error(json, &e),
    };
    let result = app.request_code(&form.phone, &ip).await;
    if json {
        return match result {
            Ok(wait) => (
                StatusCode::ACCEPTED,
                axum::Json(json!({"sent": true, "retry_after": wait})),
            )
                .into_response(),
            Err(e) => ApiError::App(e).into_response(),
        };
    }
    let layout = match session.layout(&app).await {
        Ok(l) => l,
        Err(e) => return error_page(&e),
    };
    let mut page = LoginPage {
        layout,
        next: local_path(&form.next),
        phone: form.phone.trim().to_owned(),
        ..Default::default()
    };
    match result {
        Ok(wait) => {
            page.wait = wait;
            page.notice = Some("验证码已发送，请查收短信（5分钟内有效）".to_owned());
            page.into_response()
        }
        Err(e) => {
            let (status, _, message) = classify(&e);
            page.phone_error = Some(field_message(&e, "phone").unwrap_or(message));
            (status, page).into_response()
        }
    }
}

fn respond_error(json: bool, err: &AppError) -> Response {
    if json {
        let (status, code, message) = classify(err);
        (
            status,
            axum::Json(json!({"error": {"code": code, "message": message}})),
        )
            .into_response()
    } else {
        error_page(err)
    }
}

fn field_message(err: &AppError, field: &str) -> Option<String> {
    match err {
        AppError::Validation { fields, .. } => fields.get(field).map(str::to_owned),
        _ => None,
    }
}

/// `POST /login`: checks the code, rotates the session and logs the person in.
pub async fn log_in(
    State(app): State<App>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    let session = match PageSession::read(&app, &headers).await {
        Ok(s) if s.accepts(&form.csrf) => s,
        Ok(_) => return error_page(&expired()),
        Err(e) => return error_page(&e),
    };
    match app.verify_code(&form.phone, &form.code).await {
        Ok(logged_in) => {
            let result = async {
                if let Some(old) = &session.cookie {
                    app.end_session(old).await?;
                }
                let (cookie, _) = app.start_session(Some(logged_in.user_id)).await?;
                Ok::<_, AppError>(cookie)
            }
            .await;
            let cookie = match result {
                Ok(c) => c,
                Err(e) => return error_page(&e),
            };
            let next = local_path(&form.next);
            let target = if logged_in.needs_name {
                if next.is_empty() {
                    "/account/profile".to_owned()
                } else {
                    format!("/account/profile?next={}", urlencoding::encode(&next))
                }
            } else {
                or_home(&next).to_owned()
            };
            let mut response = see_other(&target);
            if let Ok(value) = HeaderValue::from_str(&session_set_cookie(&app, Some(&cookie))) {
                response.headers_mut().append(header::SET_COOKIE, value);
            }
            tracing::info!(user_id = logged_in.user_id, "logged in through the browser");
            response
        }
        Err(e) => {
            let layout = match session.layout(&app).await {
                Ok(l) => l,
                Err(e) => return error_page(&e),
            };
            let (status, _, message) = classify(&e);
            let mut page = LoginPage {
                layout,
                next: local_path(&form.next),
                phone: form.phone.trim().to_owned(),
                ..Default::default()
            };
            match field_message(&e, "phone") {
                Some(m) => page.phone_error = Some(m),
                None => page.code_error = Some(message),
            }
            (status, page).into_response()
        }
    }
}

/// `GET /account/profile?next=`.
pub async fn profile_page(
    State(app): State<App>,
    headers: HeaderMap,
    PageParams(params): PageParams<NextParams>,
) -> Result<Response, PageError> {
    let session = PageSession::read(&app, &headers).await?;
    let Some(user_id) = session.user_id else {
        return Ok(see_other("/login"));
    };
    let actor = app.actor(user_id).await?;
    let closable = actor.as_ref().is_some_and(|a| !a.is_admin());
    let name = actor.and_then(|a| a.name).unwrap_or_default();
    Ok(ProfilePage {
        layout: session.layout(&app).await?,
        next: local_path(params.next.as_deref().unwrap_or_default()),
        name,
        name_error: None,
        closable,
        close_error: None,
    }
    .into_response())
}

/// `POST /account/close`: the person closes their own account, having typed the words; the
/// browser's session ends with it.
pub async fn close_account(
    State(app): State<App>,
    headers: HeaderMap,
    Form(form): Form<CloseForm>,
) -> Result<Response, PageError> {
    let session = PageSession::read(&app, &headers).await?;
    if !session.accepts(&form.csrf) {
        return Err(expired().into());
    }
    let Some(actor) = session.actor(&app).await? else {
        return Ok(see_other("/login"));
    };
    let command = app::users::CloseAccount {
        confirm: form.confirm.clone(),
    };
    match app.close_account(&actor, command).await {
        Ok(_) => {
            let response = (
                StatusCode::OK,
                super::MessagePage::new(
                    "账号已注销",
                    "您的手机号和姓名已从平台删除，所有登录已退出。您以本单位名义发布的活动仍归本单位所有。",
                ),
            )
                .into_response();
            Ok(signed_out(&app, response))
        }
        Err(e) => {
            let message = field_message(&e, "confirm").unwrap_or_else(|| classify(&e).2);
            let page = ProfilePage {
                layout: session.layout(&app).await?,
                next: String::new(),
                name: actor.name.clone().unwrap_or_default(),
                name_error: None,
                closable: !actor.is_admin(),
                close_error: Some(message),
            };
            let status = classify(&e).0;
            Ok((status, page).into_response())
        }
    }
}

/// `response`, with the browser told to forget its session cookie.
fn signed_out(app: &App, mut response: Response) -> Response {
    if let Ok(value) = HeaderValue::from_str(&session_set_cookie(app, None)) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// `POST /account/profile`: saves the name.
pub async fn save_profile(
    State(app): State<App>,
    headers: HeaderMap,
    Form(form): Form<ProfileForm>,
) -> Result<Response, PageError> {
    let session = PageSession::read(&app, &headers).await?;
    if !session.accepts(&form.csrf) {
        return Err(expired().into());
    }
    let Some(actor) = session.actor(&app).await? else {
        return Ok(see_other("/login"));
    };
    match app.set_name(&actor, &form.name).await {
        Ok(()) => Ok(see_other(or_home(&local_path(&form.next)))),
        Err(e) => {
            let message = field_message(&e, "name").unwrap_or_else(|| classify(&e).2);
            let page = ProfilePage {
                layout: session.layout(&app).await?,
                next: local_path(&form.next),
                name: form.name.clone(),
                name_error: Some(message),
                closable: !actor.is_admin(),
                close_error: None,
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

/// `POST /logout`.
pub async fn log_out(
    State(app): State<App>,
    headers: HeaderMap,
    Form(form): Form<TokenForm>,
) -> Result<Response, PageError> {
    let session = PageSession::read(&app, &headers).await?;
    if !session.accepts(&form.csrf) {
        return Err(expired().into());
    }
    if let Some(cookie) = &session.cookie {
        app.end_session(cookie).await?;
    }
    Ok(signed_out(&app, see_other("/")))
}

#[derive(Template, WebTemplate)]
#[template(path = "sms_watch.html")]
struct SmsWatchPage {
    layout: Layout,
    watch: app::auth::SmsWatch,
}

impl SmsWatchPage {
    fn when(at: &chrono::DateTime<chrono::Utc>) -> String {
        at.with_timezone(&domain::campaign::BEIJING)
            .format("%Y-%m-%d %H:%M")
            .to_string()
    }

    fn kind_name(kind: &str) -> &'static str {
        match kind {
            "low_completion" => "登录完成率过低",
            "prefix_burst" => "号段集中获取",
            _ => "其他",
        }
    }
}

/// `/admin/sms`: the national administrators' SMS watch — today's codes against the
/// budget, the last hour, and the pumping alarms.
pub async fn sms_watch(
    State(app): State<App>,
    SignedIn { session, actor }: SignedIn,
) -> Result<Response, PageError> {
    let watch = app.sms_watch(&actor).await?;
    Ok(SmsWatchPage {
        layout: session.layout(&app).await?,
        watch,
    }
    .into_response())
}
