//! The browser login over plain HTTP: sessions, CSRF, the cross-site check, rotation.
//! (The same flow in a real Chromium is in e2e/login.test.mjs.)

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use store::testing::Backend;

use crate::support::{TestApp, TestResponse};
use store::on_both_backends;

on_both_backends!(
    the_home_page_shows_the_campaign,
    a_person_logs_in_through_the_forms,
    forms_without_the_session_token_are_refused,
    cookie_api_writes_need_the_csrf_header,
    wrong_codes_are_shown_next_to_the_field,
    the_cookie_is_secure_when_configured,
);

async fn the_cookie_is_secure_when_configured(backend: Backend) {
    let plain = TestApp::new(backend).await;
    assert!(
        !plain
            .get("/login")
            .await
            .header("set-cookie")
            .contains("Secure")
    );
    let secure = TestApp::with_config(backend, |c| c.cookie_secure = true).await;
    let cookie = secure.get("/login").await.header("set-cookie");
    assert!(
        cookie.contains("; Secure")
            && cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
}

pub(crate) fn csrf_of(page: &TestResponse) -> String {
    hidden_of(page, "_csrf")
}

/// The value of the hidden input `name` of a page (its form's version, its CSRF token).
pub(crate) fn hidden_of(page: &TestResponse, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = page
        .text
        .find(&marker)
        .unwrap_or_else(|| panic!("page has a {name} field"))
        + marker.len();
    page.text[start..].split('"').next().unwrap().to_owned()
}

pub(crate) async fn form(t: &TestApp, path: &str, cookie: &str, body: &str) -> TestResponse {
    let request = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header(header::COOKIE, format!("kepu_session={cookie}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body.to_owned()))
        .unwrap();
    t.send("127.0.0.1", request).await
}

/// Logs a person in through the login forms; answers the session cookie.
pub(crate) async fn sign_in(t: &TestApp, phone: &str) -> String {
    let login = t.get("/login").await;
    let visitor = login.session_cookie().unwrap();
    let csrf = csrf_of(&login);
    form(
        t,
        "/login/code",
        &visitor,
        &format!("phone={phone}&_csrf={csrf}"),
    )
    .await;
    let code = t.last_code(phone);
    let body = format!("phone={phone}&code={code}&_csrf={csrf}");
    form(t, "/login", &visitor, &body)
        .await
        .session_cookie()
        .unwrap()
}

pub(crate) async fn page(t: &TestApp, path: &str, cookie: &str) -> TestResponse {
    let request = Request::builder()
        .uri(path)
        .header(header::COOKIE, format!("kepu_session={cookie}"))
        .body(Body::empty())
        .unwrap();
    t.send("127.0.0.1", request).await
}

async fn the_home_page_shows_the_campaign(backend: Backend) {
    let t = TestApp::new(backend).await;
    let home = t.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    for text in [
        "提升全民科学素质 协力建设科技强国",
        "千馆展览探未来",
        "万场报告话前沿",
        "千万IP创科普",
        "联合行动",
        "更多活动",
        "9月15日—9月25日",
        "登录",
    ] {
        assert!(home.text.contains(text), "home shows {text}");
    }
    assert!(
        home.header("set-cookie").is_empty(),
        "no session is made for a visitor who only reads"
    );
}

async fn a_person_logs_in_through_the_forms(backend: Backend) {
    let t = TestApp::new(backend).await;
    let login = t.get("/login").await;
    assert_eq!(login.status, StatusCode::OK);
    let visitor = login
        .session_cookie()
        .expect("the login page starts a session");
    assert!(
        login.header("set-cookie").contains("HttpOnly")
            && login.header("set-cookie").contains("SameSite=Lax")
    );
    let csrf = csrf_of(&login);

    let sent = form(
        &t,
        "/login/code",
        &visitor,
        &format!("phone=13800138000&_csrf={csrf}"),
    )
    .await;
    assert_eq!(sent.status, StatusCode::OK);
    assert!(sent.text.contains("验证码已发送"));
    assert!(
        sent.text.contains("value=\"13800138000\""),
        "the phone typed is kept"
    );
    let code = t.last_code("13800138000");

    let logged_in = form(
        &t,
        "/login",
        &visitor,
        &format!("phone=13800138000&code={code}&_csrf={csrf}"),
    )
    .await;
    assert_eq!(logged_in.status, StatusCode::SEE_OTHER);
    assert_eq!(
        logged_in.header("location"),
        "/account/profile",
        "a first login asks for the name"
    );
    let session = logged_in.session_cookie().expect("a new session cookie");
    assert_ne!(session, visitor, "the session id is rotated at login");
    assert_eq!(
        page(&t, "/account/profile", &visitor).await.status,
        StatusCode::SEE_OTHER,
        "the old id is dead"
    );

    let profile = page(&t, "/account/profile", &session).await;
    assert!(profile.text.contains("首次登录，请填写您的姓名"));
    let csrf = csrf_of(&profile);
    let empty = form(
        &t,
        "/account/profile",
        &session,
        &format!("name=&_csrf={csrf}"),
    )
    .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.text.contains("请填写姓名"));
    let saved = form(
        &t,
        "/account/profile",
        &session,
        &format!("name={}&_csrf={csrf}", urlencoding::encode("张科普")),
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let home = page(&t, "/", &session).await;
    assert!(
        home.text
            .contains("<a href=\"/account/profile\" id=\"current-user\" class=\"user\">张科普</a>"),
        "{}",
        home.text
    );

    let out = form(&t, "/logout", &session, &format!("_csrf={csrf}")).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert!(!page(&t, "/", &session).await.text.contains("张科普"));
}

async fn forms_without_the_session_token_are_refused(backend: Backend) {
    let t = TestApp::new(backend).await;
    let login = t.get("/login").await;
    let visitor = login.session_cookie().unwrap();
    let forged = form(
        &t,
        "/login/code",
        &visitor,
        "phone=13800138000&_csrf=forged",
    )
    .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert!(forged.text.contains("页面已过期，请刷新页面后重试"));
    assert!(
        std::fs::read_to_string(t.data_dir.join("sms-outbox.log"))
            .unwrap_or_default()
            .is_empty(),
        "no code was sent"
    );

    // A cross-site post carrying the cookie is refused before any handler runs.
    let csrf = csrf_of(&login);
    let request = Request::builder()
        .method(Method::POST)
        .uri("/login/code")
        .header(header::HOST, "kepu.example")
        .header(header::ORIGIN, "https://evil.example")
        .header(header::COOKIE, format!("kepu_session={visitor}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!("phone=13800138000&_csrf={csrf}")))
        .unwrap();
    let cross = t.send("127.0.0.1", request).await;
    assert_eq!(cross.status, StatusCode::FORBIDDEN);
    // A page's refusal is a page (the API's is the JSON error body: security.rs tests).
    assert!(cross.header("content-type").starts_with("text/html"));
    assert!(cross.text.contains("跨站请求已被拒绝"), "{}", cross.text);
    let request = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/auth/sms-codes")
        .header(header::HOST, "kepu.example")
        .header(header::ORIGIN, "https://evil.example")
        .header(header::COOKIE, format!("kepu_session={visitor}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(r#"{"phone":"13800138000"}"#))
        .unwrap();
    let cross_api = t.send("127.0.0.1", request).await;
    assert_eq!(cross_api.status, StatusCode::FORBIDDEN);
    assert_eq!(cross_api.message(), "跨站请求已被拒绝");
}

async fn cookie_api_writes_need_the_csrf_header(backend: Backend) {
    let t = TestApp::new(backend).await;
    let login = t.get("/login").await;
    let visitor = login.session_cookie().unwrap();
    let csrf = csrf_of(&login);
    form(
        &t,
        "/login/code",
        &visitor,
        &format!("phone=13800138000&_csrf={csrf}"),
    )
    .await;
    let code = t.last_code("13800138000");
    let session = form(
        &t,
        "/login",
        &visitor,
        &format!("phone=13800138000&code={code}&_csrf={csrf}"),
    )
    .await
    .session_cookie()
    .unwrap();
    let csrf = csrf_of(&page(&t, "/account/profile", &session).await);

    let me = page(&t, "/api/v1/me", &session).await;
    assert_eq!(me.status, StatusCode::OK, "reads need no token");
    let body = r#"{"name": "某某科普基地", "kind": "venue", "region_code": "411202"}"#;
    let without = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/orgs")
        .header(header::COOKIE, format!("kepu_session={session}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body))
        .unwrap();
    let refused = t.send("127.0.0.1", without).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(
        refused.message(),
        "缺少或错误的 CSRF 令牌，请刷新页面后重试"
    );
    let with = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/orgs")
        .header(header::COOKIE, format!("kepu_session={session}"))
        .header("x-csrf-token", csrf)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body))
        .unwrap();
    assert_eq!(t.send("127.0.0.1", with).await.status, StatusCode::CREATED);
}

async fn wrong_codes_are_shown_next_to_the_field(backend: Backend) {
    let t = TestApp::new(backend).await;
    let login = t.get("/login").await;
    let visitor = login.session_cookie().unwrap();
    let csrf = csrf_of(&login);
    let wrong = form(
        &t,
        "/login",
        &visitor,
        &format!("phone=13800138000&code=000000&_csrf={csrf}"),
    )
    .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(
        wrong
            .text
            .contains("<p class=\"field-error\" id=\"login-error\">验证码错误或已过期</p>"),
        "{}",
        wrong.text
    );
    assert!(wrong.text.contains("value=\"13800138000\""));
    let bad_phone = form(
        &t,
        "/login/code",
        &visitor,
        &format!("phone=123&_csrf={csrf}"),
    )
    .await;
    assert_eq!(bad_phone.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad_phone.text.contains("手机号格式不正确"));
}

/// A host signed in through the forms who opens a new draft's form, as a person does from
/// 我的活动: (cookie, the form's path, the form page).
pub(crate) async fn new_draft_form(t: &TestApp, phone: &str) -> (String, String, TestResponse) {
    let cookie = sign_in(t, phone).await;
    let list = page(t, "/my/activities", &cookie).await;
    let made = form(
        t,
        "/my/activities/new",
        &cookie,
        &format!("_csrf={}", csrf_of(&list)),
    )
    .await;
    let edit = made.header("location");
    let shown = page(t, &edit, &cookie).await;
    (cookie, edit, shown)
}
