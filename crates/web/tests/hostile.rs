//! The hostile battery, on both backends: every route of the router, each with a valid
//! baseline request, crossed with hostile mutations of its path, query, headers and body
//! (oversized, truncated and deeply nested JSON; wrong types; NUL; lone surrogates; bidi and
//! zero-width characters; 10,000-character strings; SQL- and query-syntax-looking strings;
//! traversal in names and path segments; image bombs and broken files; forged Host and
//! X-Forwarded-For; huge page numbers).
//!
//! Every answer must be a 4xx with the contract's error body (`{"error": {"code", "message"}}`
//! under `/api/`, an HTML page elsewhere), a page's redirect to one of our own paths, or a
//! correct 2xx, within 2 s (10 s for uploads). A refused request changes nothing in the
//! database or the data folder, and the server answers normally afterwards. Every problem is
//! collected and listed at the end, so that one run names them all.
//!
//! A probe that could end the whole process (an allocation the allocator refuses aborts, it
//! does not panic) runs in a child process of this test binary, so that it cannot take the
//! battery down with it. `KEPU_HOSTILE_VERBOSE=1` prints every answer.
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test fails loudly where its setup does"
)]

#[path = "http/support.rs"]
#[allow(
    dead_code,
    reason = "the harness is shared with the http tests; this battery uses part of it"
)]
mod support;

use std::collections::{BTreeMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::io::{Cursor, Read, Write};
use std::net::SocketAddr;
use std::path::Path;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, HeaderValue, Method, Request, StatusCode};
use domain::role::Role;
use http_body_util::BodyExt;
use serde_json::{Value, json};
use store::sea_orm::{ConnectionTrait, DbBackend, QueryResult, Statement};
use store::testing::Backend;
use tower::ServiceExt;

use support::{TestApp, TestResponse, jpeg, png};

store::on_both_backends!(hostile_inputs_are_refused_cleanly);

/// The fewest distinct requests the battery may send (the issue asks for 300).
const AT_LEAST: usize = 300;
/// How long an answer may take.
const QUICK: Duration = Duration::from_secs(2);
/// How long an upload's answer may take.
const UPLOAD: Duration = Duration::from_secs(10);
/// A request not answered in this long is a hang (and is given up).
const HANG: Duration = Duration::from_secs(60);
/// Stands for an activity's current version, filled in just before a request is sent.
const VERSION: &str = "hostileversionmark";
/// Stands for a string in a JSON text, replaced by bytes no serialiser would write.
const MARK: &str = "@@MARK@@";
const BOUNDARY: &str = "hostile-boundary-7MA4YWxkTrZu0gW";
const EVIL: &str = "evil.example";
const SQL: &str = "' OR '1'='1'; DROP TABLE activities; --";
const QUERY_SYNTAX: &str = "name:* OR 1=1 AND \"unterminated ~2 ^9 [a TO *";
const TRAVERSAL: &str = "../../../../etc/passwd";
/// Environment variable that makes the battery print every answer.
const VERBOSE: &str = "KEPU_HOSTILE_VERBOSE";
/// Environment variable that makes the ignored child test run, naming its backend.
const CHILD: &str = "KEPU_HOSTILE_CHILD_BACKEND";

// ---------------------------------------------------------------------------------------
// The world the battery runs in.

#[derive(Clone)]
struct Session {
    cookie: String,
    csrf: String,
}

struct World {
    t: TestApp,
    host: String,
    org: i64,
    pending_org: i64,
    henan: String,
    city: String,
    national: String,
    outsider: String,
    host_browser: Session,
    admin_browser: Session,
    national_browser: Session,
    outsider_browser: Session,
    visitor: Session,
    draft: i64,
    approved: i64,
    poster: i64,
    review: i64,
    review_page: i64,
    in_review: i64,
    token_id: i64,
    quota: i64,
    summary_file: i64,
    doomed_summary_file: i64,
    notification: i64,
    campaign: i64,
    /// An account the battery may end the sessions of, disable and enable.
    bystander: i64,
    /// Themed routes and check-in: venues, routes, a flagged check-in, a certificate.
    trail: Trail,
    /// A post of the host's organisation, and another the battery may delete.
    post: i64,
    doomed_post: i64,
    /// A published resource with one file, and two drafts the battery may delete.
    resource: i64,
    resource_file: i64,
    doomed_resource: i64,
    doomed_page_resource: i64,
}

/// The 打卡 part of the world.
#[derive(Default)]
struct Trail {
    /// A venue on two published routes, its secret and its display key.
    venue: i64,
    secret: Vec<u8>,
    key: String,
    /// A venue the battery may rotate the keys of.
    spare_venue: i64,
    /// A published route, completed by the outsider (who holds its certificate).
    route: i64,
    /// A published route with a flagged check-in of the outsider's.
    flagged_route: i64,
    /// The flagged check-in.
    checkin: i64,
    /// A draft route.
    draft: i64,
    /// The outsider's certificate.
    serial: String,
    /// A draft video contest of 三门峡.
    contest: i64,
    /// A contest of 三门峡 open for entries, the outsider's draft entry to it with its video
    /// uploaded (and that video), and a second entry of theirs, submitted.
    open_contest: i64,
    entry: i64,
    entry_video: i64,
    submitted_entry: i64,
    /// A contest of 三门峡 being judged, an accepted entry, the expert judging it (their
    /// token and panel id), and a second expert not on the panel (account and organisation).
    judged_contest: i64,
    judged_entry: i64,
    judge_token: String,
    judge: i64,
    candidate: i64,
    candidate_org: i64,
    /// A 考评 scheme of 三门峡 (the 唐山 template over its counties).
    scheme: i64,
}

/// A contest of 三门峡 named `name`, open for entries from today for two weeks.
async fn open_contest(w: &World, name: &str) -> i64 {
    let today = w.t.app.clock.now().date_naive();
    let contest = made(
        &w.t,
        &w.city,
        "/api/v1/contests",
        json!({"name": name, "region_code": "411200", "submit_from": today.to_string(),
                "submit_to": (today + chrono::Duration::days(14)).to_string()}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    made(
        &w.t,
        &w.city,
        &format!("/api/v1/contests/{contest}/status"),
        json!({"status": "open"}),
    )
    .await;
    contest
}

/// A contest of 三门峡 open from today, the outsider's draft entry with its video, and a
/// submitted one: (contest, draft, its video, submitted).
async fn entries(w: &World) -> (i64, i64, i64, i64) {
    let contest = open_contest(w, "敌意测试征集").await;
    let base = format!("/api/v1/contests/{contest}/entries");
    let form = |title: &str| {
        json!({"title": title, "field": "生态保护", "entry_mode": "self", "person_name": "刘莎",
               "region_code": "411202", "contact_name": "刘莎", "contact_phone": "13900000301",
               "introduction": "敌意测试简介", "innovation": "敌意测试", "reach": "敌意测试",
               "pledge": true, "authors": [{"name": "刘莎"}]})
    };
    let video = |salt: usize| {
        let mut v = app::fixtures::mp4(240, 1920, 1080, false, 1000 + salt);
        app::fixtures::set_created(&mut v, 1_748_736_000);
        v
    };
    let upload = |entry: i64, kind: &'static str, name: &'static str, bytes: Vec<u8>| {
        let path = format!("{base}/{entry}/media");
        async move {
            let r =
                w.t.multipart(&w.outsider, &path, &[("kind", kind)], name, bytes)
                    .await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
            r.json()["id"].as_i64().unwrap()
        }
    };
    let draft = made(&w.t, &w.outsider, &base, form("敌意测试作品")).await["id"]
        .as_i64()
        .unwrap();
    let draft_video = upload(draft, "video", "作品.mp4", video(0)).await;
    let second = made(&w.t, &w.outsider, &base, form("敌意测试作品二")).await;
    let id = second["id"].as_i64().unwrap();
    let v = upload(id, "video", "作品.mp4", video(1)).await;
    let f = upload(
        id,
        "signed_form",
        "报名表.pdf",
        b"%PDF-1.4\n%%EOF\n".to_vec(),
    )
    .await;
    let r =
        w.t.patch(
            &w.outsider,
            &format!("{base}/{id}"),
            Some(second["version"].as_i64().unwrap()),
            json!({"video": v, "signed_form": f}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    made(&w.t, &w.outsider, &format!("{base}/{id}/submit"), json!({})).await;
    (contest, draft, draft_video, id)
}

/// A contest of 三门峡 being judged: (contest, an accepted entry, the judging expert's token,
/// their panel id, another expert's account, their organisation).
async fn judged(w: &World) -> (i64, i64, String, i64, i64, i64) {
    let contest = open_contest(w, "敌意测试评审").await;
    let base = format!("/api/v1/contests/{contest}/entries");
    let e = made(&w.t, &w.outsider, &base, json!({"title": "敌意测试评审作品", "field": "生态保护", "entry_mode": "self",
        "person_name": "刘莎", "region_code": "411202", "contact_name": "刘莎", "contact_phone": "13900000301",
        "introduction": "敌意测试", "innovation": "敌意测试", "reach": "敌意测试", "pledge": true, "authors": [{"name": "刘莎"}]}))
    .await;
    let id = e["id"].as_i64().unwrap();
    let mut files = Vec::new();
    let mut v = app::fixtures::mp4(240, 1920, 1080, false, 3000);
    app::fixtures::set_created(&mut v, 1_748_736_000);
    for (kind, name, bytes) in [
        ("video", "作品.mp4", v),
        ("signed_form", "报名表.pdf", b"%PDF-1.4\n%%EOF\n".to_vec()),
    ] {
        let r =
            w.t.multipart(
                &w.outsider,
                &format!("{base}/{id}/media"),
                &[("kind", kind)],
                name,
                bytes,
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        files.push(r.json()["id"].as_i64().unwrap());
    }
    let r =
        w.t.patch(
            &w.outsider,
            &format!("{base}/{id}"),
            Some(1),
            json!({"video": files[0], "signed_form": files[1]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    made(&w.t, &w.outsider, &format!("{base}/{id}/submit"), json!({})).await;
    made(
        &w.t,
        &w.city,
        &format!("{base}/{id}/screening"),
        json!({"decision": "accept"}),
    )
    .await;
    let mut experts = Vec::new();
    for (phone, name) in [
        ("13700000901", "敌意测试专家甲"),
        ("13700000902", "敌意测试专家乙"),
    ] {
        let token = w.t.user(phone, name, Role::Expert, None).await;
        let user = w.t.get_as(&token, "/api/v1/me").await.json()["id"]
            .as_i64()
            .unwrap();
        let org = made(
            &w.t,
            &token,
            "/api/v1/orgs",
            json!({"name": format!("{name}的单位"), "kind": "other", "region_code": "410102"}),
        )
        .await["id"]
            .as_i64()
            .unwrap();
        experts.push((token, user, org));
    }
    let judge = made(
        &w.t,
        &w.city,
        &format!("/api/v1/contests/{contest}/judges"),
        json!({"user_id": experts[0].1, "org_id": experts[0].2}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    made(
        &w.t,
        &w.city,
        &format!("/api/v1/contests/{contest}/status"),
        json!({"status": "judging"}),
    )
    .await;
    made(
        &w.t,
        &w.city,
        &format!("/api/v1/contests/{contest}/assignments"),
        json!({}),
    )
    .await;
    (
        contest,
        id,
        experts[0].0.clone(),
        judge,
        experts[1].1,
        experts[1].2,
    )
}

fn complete(org: i64, name: &str) -> Value {
    json!({
        "name": name,
        "section": "exhibition",
        "start": "2026-09-15T19:00:00+08:00",
        "end": "2026-09-15T21:30:00+08:00",
        "region_code": "411202",
        "address": "三门峡市湖滨区科技馆三楼",
        "mode": "offline",
        "venue_type": "科技馆",
        "audiences": ["青少年", "社会公众"],
        "expected_participants": 120,
        "details": "<p>带领青少年认识秋季星空。</p>",
        "funding_yuan": 3500.5,
        "scientist_count": 3,
        "scientists": [{"name": "李天文", "title": "研究员", "unit": "紫金山天文台"}],
        "contact_name": "王老师",
        "contact_phone": "0398-2812345",
        "hosts": [org],
        "sessions": [{"start": "2026-09-16T19:00:00+08:00", "end": "2026-09-16T21:00:00+08:00", "region_code": "411203", "address": "陕州区文化广场"}]
    })
}

async fn made(t: &TestApp, token: &str, path: &str, body: Value) -> Value {
    let answer = t.post(path, Some(token), body).await;
    assert!(
        answer.status.is_success(),
        "{path}: {} {}",
        answer.status,
        answer.text
    );
    answer.json()
}

/// The 唐山 template as a scheme of 三门峡's counties.
fn scheme_body() -> Value {
    let mut t: Value = serde_json::from_str(domain::evaluation::TEMPLATE_TANGSHAN).unwrap();
    t["region_code"] = json!("411200");
    t
}

/// A complete activity with its poster, in `province_review`.
async fn submitted(w: &World, name: &str) -> i64 {
    let id = made(&w.t, &w.host, "/api/v1/activities", complete(w.org, name)).await["id"]
        .as_i64()
        .unwrap();
    let poster =
        w.t.upload(&w.host, id, "poster", "p.png", png(600, 350))
            .await;
    assert_eq!(poster.status, StatusCode::CREATED, "{}", poster.text);
    let patched =
        w.t.patch(
            &w.host,
            &format!("/api/v1/activities/{id}"),
            Some(1),
            json!({"poster": poster.json()["id"]}),
        )
        .await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.text);
    let sent = made(
        &w.t,
        &w.host,
        &format!("/api/v1/activities/{id}/submit"),
        json!({}),
    )
    .await;
    assert_eq!(sent["status"], "province_review", "{sent}");
    id
}

fn csrf_of(page: &TestResponse) -> String {
    let marker = "name=\"_csrf\" value=\"";
    let start = page.text.find(marker).expect("page has a CSRF field") + marker.len();
    page.text[start..].split('"').next().unwrap().to_owned()
}

async fn with_cookie(
    t: &TestApp,
    method: Method,
    path: &str,
    cookie: &str,
    form: &str,
) -> TestResponse {
    let mut builder = Request::builder()
        .method(method)
        .uri(path)
        .header("cookie", format!("kepu_session={cookie}"));
    if !form.is_empty() {
        builder = builder.header("content-type", "application/x-www-form-urlencoded");
    }
    t.send(
        "127.0.0.1",
        builder.body(Body::from(form.to_owned())).unwrap(),
    )
    .await
}

/// Logs a person in through the login forms; answers their browser session.
async fn browser(t: &TestApp, phone: &str) -> Session {
    let login = t.get("/login").await;
    let visitor = login.session_cookie().unwrap();
    let csrf = csrf_of(&login);
    let form = format!("phone={phone}&_csrf={csrf}");
    with_cookie(t, Method::POST, "/login/code", &visitor, &form).await;
    let code = t.last_code(phone);
    let form = format!("phone={phone}&code={code}&_csrf={csrf}");
    let cookie = with_cookie(t, Method::POST, "/login", &visitor, &form)
        .await
        .session_cookie()
        .unwrap();
    let page = with_cookie(t, Method::GET, "/my/activities", &cookie, "").await;
    Session {
        csrf: csrf_of(&page),
        cookie,
    }
}

async fn world(backend: Backend) -> World {
    let t = TestApp::new(backend).await;
    let host = t.log_in("13800138000").await;
    let org = made(
        &t,
        &host,
        "/api/v1/orgs",
        json!({"name": "三门峡市科技馆", "kind": "venue", "region_code": "411202"}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let henan = t
        .user(
            "13900000002",
            "河南省管理员",
            Role::ProvinceAdmin,
            Some("410000"),
        )
        .await;
    let city = t
        .user(
            "13900000004",
            "三门峡市管理员",
            Role::CityAdmin,
            Some("411200"),
        )
        .await;
    let national = t
        .user("13900000001", "全国管理员", Role::NationalAdmin, None)
        .await;
    let outsider = t.log_in("13800138111").await;
    let pending_org = made(
        &t,
        &outsider,
        "/api/v1/orgs",
        json!({"name": "待认证科普中心", "kind": "venue", "region_code": "411202"}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let host_browser = browser(&t, "13800138000").await;
    let admin_browser = browser(&t, "13900000002").await;
    let national_browser = browser(&t, "13900000001").await;
    let outsider_browser = browser(&t, "13800138111").await;
    let bystander = t
        .app
        .add_user("13700000009", "旁观用户", Some(Role::Host), None, None)
        .await
        .unwrap();
    let login = t.get("/login").await;
    let visitor = Session {
        cookie: login.session_cookie().unwrap(),
        csrf: csrf_of(&login),
    };
    let mut w = World {
        t,
        host,
        org,
        pending_org,
        henan,
        city,
        national,
        outsider,
        host_browser,
        admin_browser,
        national_browser,
        outsider_browser,
        visitor,
        draft: 0,
        approved: 0,
        poster: 0,
        review: 0,
        review_page: 0,
        in_review: 0,
        token_id: 0,
        quota: 0,
        summary_file: 0,
        doomed_summary_file: 0,
        trail: Trail::default(),
        post: 0,
        doomed_post: 0,
        resource: 0,
        resource_file: 0,
        doomed_resource: 0,
        doomed_page_resource: 0,
        notification: 1,
        campaign: 0,
        bystander,
    };
    // An approved activity, and three waiting for the province.
    let approved = submitted(&w, "走进天文馆：秋夜观星").await;
    for (token, who) in [(&w.henan, "province"), (&w.national, "nation")] {
        let decided = made(
            &w.t,
            token,
            &format!("/api/v1/activities/{approved}/decisions"),
            json!({"decision": "approve"}),
        )
        .await;
        assert!(decided["status"].is_string(), "{who}: {decided}");
    }
    let shown =
        w.t.get(&format!("/api/v1/activities/{approved}"))
            .await
            .json();
    assert_eq!(shown["status"], "approved", "{shown}");
    w.approved = approved;
    w.poster = shown["poster"].as_i64().unwrap();
    w.review = submitted(&w, "科普讲座：待省级审核").await;
    w.review_page = submitted(&w, "科普展览：待省级审核").await;
    w.in_review = submitted(&w, "科普游园：待撤回").await;
    w.draft = made(
        &w.t,
        &w.host,
        "/api/v1/activities",
        json!({"name": "敌意测试草稿", "section": "exhibition", "region_code": "411202", "hosts": [w.org]}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    // A token of the host's that the battery may revoke.
    let me = w.t.get_as(&w.host, "/api/v1/me").await.json();
    let host_id = me["id"].as_i64().unwrap();
    w.t.app
        .issue_token(host_id, "敌意测试", None)
        .await
        .unwrap();
    let tokens = w.t.get_as(&w.host, "/api/v1/me/tokens").await.json();
    w.token_id = tokens
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["label"] == "敌意测试")
        .and_then(|t| t["id"].as_i64())
        .unwrap();
    let quota =
        w.t.call(
            Method::PUT,
            "/api/v1/quotas",
            Some(&w.henan),
            Some(json!({"target_kind": "region", "target_ref": "411200", "target": 2})),
        )
        .await;
    assert_eq!(quota.status, StatusCode::OK, "{}", quota.text);
    w.quota = quota.json()["id"].as_i64().unwrap();
    let path = "/api/v1/summaries/city/411200/files";
    for slot in 0..2 {
        let up =
            w.t.multipart(
                &w.city,
                path,
                &[("consent", "adults")],
                "现场.png",
                png(80, 60),
            )
            .await;
        assert_eq!(up.status, StatusCode::CREATED, "{}", up.text);
        let id = up.json()["id"].as_i64().unwrap();
        if slot == 0 {
            w.summary_file = id;
        } else {
            w.doomed_summary_file = id;
        }
    }
    let notes = w.t.get_as(&w.host, "/api/v1/notifications").await.json();
    if let Some(id) = notes["items"][0]["id"].as_i64() {
        w.notification = id;
    }
    w.campaign = w.t.get("/api/v1/campaigns/current").await.json()["id"]
        .as_i64()
        .unwrap();
    w.trail = trail(&w).await;
    for (slot, url) in [
        (0, "https://www.douyin.com/video/700"),
        (1, "https://www.douyin.com/video/701"),
    ] {
        let id = made(
            &w.t,
            &w.host,
            "/api/v1/online-posts",
            json!({"platform": "douyin", "url": url, "title": "敌意测试原有作品", "kind": "content", "published_at": "2026-09-16T19:30:00+08:00", "hashtag_confirmed": true}),
        )
        .await["id"]
            .as_i64()
            .unwrap();
        if slot == 0 {
            w.post = id;
        } else {
            w.doomed_post = id;
        }
    }
    let resource = |title: &'static str| {
        let w = &w;
        async move {
            made(
                &w.t,
                &w.national,
                "/api/v1/resources",
                json!({"kind": "logo", "title": title}),
            )
            .await["id"]
                .as_i64()
                .unwrap()
        }
    };
    let (published, doomed, doomed_page) = (
        resource("敌意测试标识").await,
        resource("敌意测试草稿").await,
        resource("敌意测试页面草稿").await,
    );
    let file =
        w.t.multipart(
            &w.national,
            &format!("/api/v1/resources/{published}/files"),
            &[],
            "标识.png",
            png(40, 30),
        )
        .await;
    assert_eq!(file.status, StatusCode::CREATED, "{}", file.text);
    made(
        &w.t,
        &w.national,
        &format!("/api/v1/resources/{published}/publish"),
        json!({}),
    )
    .await;
    w.resource = published;
    w.resource_file = file.json()["id"].as_i64().unwrap();
    w.doomed_resource = doomed;
    w.doomed_page_resource = doomed_page;
    w
}

/// Venues, routes, check-ins and a certificate, made as an admin and a visitor would.
async fn trail(w: &World) -> Trail {
    let venue = |name: &str, east: f64, mode: &str| json!({"name": name, "address": "三门峡市湖滨区", "region_code": "411202", "lon": 111.19 + east, "lat": 34.77, "geofence": {"mode": mode}});
    let mut made_venues = Vec::new();
    for (name, east, mode) in [
        ("敌意测试甲馆", 0.0, "off"),
        ("敌意测试乙馆", 0.001, "off"),
        ("敌意测试丙园", 0.002, "flag"),
        ("敌意测试丁馆", 0.003, "off"),
    ] {
        let v = made(&w.t, &w.city, "/api/v1/venues", venue(name, east, mode)).await;
        let secret = domain::totp::from_base32(v["code_secret"].as_str().unwrap()).unwrap();
        let key = v["display_url"]
            .as_str()
            .unwrap()
            .split("key=")
            .nth(1)
            .unwrap()
            .to_owned();
        made_venues.push((v["id"].as_i64().unwrap(), secret, key));
    }
    let route = |name: &str, stops: &[i64]| json!({"name": name, "region_code": "411200", "from": "2026-06-01", "to": "2026-12-31", "stops": stops.iter().map(|v| json!({"venue_id": v})).collect::<Vec<_>>()});
    let ids: Vec<i64> = made_venues.iter().map(|v| v.0).collect();
    let mut published = Vec::new();
    for (name, stops) in [
        ("敌意测试线路", vec![ids[0], ids[1]]),
        ("敌意测试待审线路", vec![ids[2], ids[0]]),
    ] {
        let id = made(&w.t, &w.city, "/api/v1/routes", route(name, &stops)).await["id"]
            .as_i64()
            .unwrap();
        let r =
            w.t.post(
                &format!("/api/v1/routes/{id}/publish"),
                Some(&w.city),
                json!({}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        published.push(id);
    }
    let draft = made(
        &w.t,
        &w.city,
        "/api/v1/routes",
        route("敌意测试草稿线路", &[ids[0], ids[1]]),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let now = w.t.app.clock.now().timestamp();
    let code = |secret: &[u8]| domain::totp::code(secret, domain::totp::step_at(now, 30), 6);
    let mut checkin = 0;
    for (id, secret, _) in &made_venues[..3] {
        let r =
            w.t.post(
                "/api/v1/checkins",
                Some(&w.outsider),
                json!({"venue_id": id, "code": code(secret)}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        if !r.json()["flags"].as_array().unwrap().is_empty() {
            checkin = r.json()["id"].as_i64().unwrap();
        }
    }
    let cert =
        w.t.post(
            &format!("/api/v1/routes/{}/certificate", published[0]),
            Some(&w.outsider),
            json!({"name": "敌意测试"}),
        )
        .await;
    assert_eq!(cert.status, StatusCode::CREATED, "{}", cert.text);
    let (venue, secret, key) = made_venues[0].clone();
    let contest = made(
        &w.t,
        &w.city,
        "/api/v1/contests",
        json!({"name": "敌意测试比赛", "region_code": "411200", "submit_from": "2026-08-28", "submit_to": "2026-09-15"}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let (open_contest, entry, entry_video, submitted_entry) = entries(w).await;
    let judged = judged(w).await;
    let scheme = made(&w.t, &w.city, "/api/v1/evaluation-schemes", scheme_body()).await["id"]
        .as_i64()
        .unwrap();
    Trail {
        scheme,
        judged_contest: judged.0,
        judged_entry: judged.1,
        judge_token: judged.2,
        judge: judged.3,
        candidate: judged.4,
        candidate_org: judged.5,
        open_contest,
        entry,
        entry_video,
        submitted_entry,
        contest,
        venue,
        secret,
        key,
        spare_venue: made_venues[3].0,
        route: published[0],
        flagged_route: published[1],
        checkin,
        draft,
        serial: cert.json()["serial"].as_str().unwrap().to_owned(),
    }
}

// ---------------------------------------------------------------------------------------
// The table of endpoints: every route, a valid baseline request for each.

#[derive(Clone)]
enum Who {
    Anon,
    Bearer(String),
    Browser(Session),
}

#[derive(Clone)]
struct Part {
    name: String,
    filename: Option<Vec<u8>>,
    data: Vec<u8>,
}

#[derive(Clone)]
enum Payload {
    Empty,
    Json(Value),
    Form(Vec<(String, String)>),
    Multipart(Vec<Part>),
    Xlsx(Vec<u8>),
}

#[derive(Clone)]
struct Endpoint {
    /// The route as the router declares it.
    route: &'static str,
    method: Method,
    /// Values for the route's `{…}` segments, in order.
    slots: Vec<String>,
    query: String,
    payload: Payload,
    who: Who,
    /// The record (table, id) whose current version the request carries (If-Match, or the
    /// form's `version`).
    version_of: Option<(&'static str, i64)>,
}

impl Endpoint {
    fn path(&self, slots: &[String]) -> String {
        let mut out = String::new();
        let mut rest = self.route;
        let mut values = slots.iter();
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let close = rest[open..].find('}').unwrap() + open;
            out.push_str(values.next().expect("a value for every segment"));
            rest = &rest[close + 1..];
        }
        out.push_str(rest);
        out
    }

    fn upload(&self) -> bool {
        matches!(self.payload, Payload::Multipart(_) | Payload::Xlsx(_))
    }

    fn versioned(self, id: i64) -> Endpoint {
        self.versioned_in("activities", id)
    }

    fn versioned_in(mut self, table: &'static str, id: i64) -> Endpoint {
        self.version_of = Some((table, id));
        self
    }
}

fn ep(
    route: &'static str,
    method: Method,
    slots: &[String],
    query: &str,
    payload: Payload,
    who: &Who,
) -> Endpoint {
    Endpoint {
        route,
        method,
        slots: slots.to_vec(),
        query: query.to_owned(),
        payload,
        who: who.clone(),
        version_of: None,
    }
}

/// A query string from pairs, encoded.
fn qs(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", urlencoding::encode(k), urlencoding::encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn form(session: &Session, pairs: &[(&str, &str)]) -> Payload {
    let mut out = vec![("_csrf".to_owned(), session.csrf.clone())];
    out.extend(
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
    );
    Payload::Form(out)
}

fn part(name: &str, value: &str) -> Part {
    Part {
        name: name.to_owned(),
        filename: None,
        data: value.as_bytes().to_vec(),
    }
}

fn file_part(filename: &str, data: Vec<u8>) -> Part {
    Part {
        name: "file".to_owned(),
        filename: Some(filename.as_bytes().to_vec()),
        data,
    }
}

fn endpoints(w: &World) -> Vec<Endpoint> {
    use Payload::{Empty, Json, Multipart, Xlsx};
    let get = Method::GET;
    let post = Method::POST;
    let anon = Who::Anon;
    let host = Who::Bearer(w.host.clone());
    let henan = Who::Bearer(w.henan.clone());
    let city = Who::Bearer(w.city.clone());
    let national = Who::Bearer(w.national.clone());
    let outsider = Who::Bearer(w.outsider.clone());
    let host_page = Who::Browser(w.host_browser.clone());
    let admin_page = Who::Browser(w.admin_browser.clone());
    let national_page = Who::Browser(w.national_browser.clone());
    let s = |v: i64| vec![v.to_string()];
    let none: &[String] = &[];
    let public_query = qs(&[
        ("q", "观星"),
        ("section", "exhibition"),
        ("region", "410000"),
        ("from", "2026-08-01"),
        ("to", "2026-10-01"),
        ("mode", "offline"),
        ("audience", "青少年"),
        ("venue_type", "科技馆"),
        ("near", "111.2,34.77"),
        ("within_km", "50"),
        ("page", "1"),
        ("per_page", "20"),
    ]);
    let bad_row = xlsx_table(&[[
        "1",
        "敌意测试讲座",
        "不存在的单位",
        "九月二十日",
        "",
        "",
        "",
        "",
    ]]);
    vec![
        // System, regions, campaigns.
        ep("/healthz", get.clone(), none, "", Empty, &anon),
        ep("/api/openapi.json", get.clone(), none, "", Empty, &anon),
        ep("/api/v1/regions", get.clone(), none, "parent=411200", Empty, &anon),
        ep(
            "/api/v1/regions",
            post.clone(),
            none,
            "",
            Json(json!({"code": "411298", "name": "敌意测试区", "parent_code": "411200", "level": "county", "longitude": 111.2, "latitude": 34.77})),
            &national,
        ),
        ep(
            "/api/v1/campaigns",
            post.clone(),
            none,
            "",
            Json(json!({"year": 2027, "theme": "敌意测试", "sections": [{"key": "exhibition", "name": "展览"}], "activity_from": "2027-08-01", "activity_to": "2027-09-30", "thresholds": {"offline": 50, "online": 100}, "supplement_days": 10})),
            &national,
        ),
        ep("/api/v1/campaigns/current", get.clone(), none, "", Empty, &anon),
        ep("/api/v1/campaigns/{id}", get.clone(), &s(w.campaign), "", Empty, &anon),
        // Login and the account.
        ep(
            "/api/v1/auth/sms-codes",
            post.clone(),
            none,
            "",
            Json(json!({"phone": "13700000001"})),
            &anon,
        ),
        ep(
            "/api/v1/auth/sessions",
            post.clone(),
            none,
            "",
            Json(json!({"phone": "13700000002", "code": "000000"})),
            &anon,
        ),
        ep("/api/v1/me", get.clone(), none, "", Empty, &host),
        ep("/api/v1/me/tokens", get.clone(), none, "", Empty, &host),
        // Closing the account, with words that do not close it: the battery's host stays.
        ep(
            "/api/v1/me/closure",
            post.clone(),
            none,
            "",
            Json(json!({"confirm": "注销"})),
            &host,
        ),
        ep("/api/v1/me/tokens/{id}", Method::DELETE, &s(w.token_id), "", Empty, &host),
        ep(
            "/api/v1/users/{id}/sessions",
            Method::DELETE,
            &s(w.bystander),
            "",
            Empty,
            &national,
        ),
        ep("/api/v1/users/{id}/disable", post.clone(), &s(w.bystander), "", Empty, &national),
        ep("/api/v1/users/{id}/enable", post.clone(), &s(w.bystander), "", Empty, &national),
        ep("/api/v1/sms/watch", get.clone(), none, "", Empty, &national),
        // Organisations.
        ep("/api/v1/orgs", get.clone(), none, &qs(&[("q", "科技馆"), ("limit", "10")]), Empty, &anon),
        ep(
            "/api/v1/orgs",
            post.clone(),
            none,
            "",
            Json(json!({"name": "敌意测试科普中心", "kind": "venue", "region_code": "411202", "level": "county"})),
            &outsider,
        ),
        ep("/api/v1/orgs/{id}", get.clone(), &s(w.org), "", Empty, &anon),
        ep("/api/v1/orgs/{id}/record", get.clone(), &s(w.org), "", Empty, &henan),
        ep(
            "/api/v1/orgs/{id}/certification",
            post.clone(),
            &s(w.pending_org),
            "",
            Json(json!({"decision": "reject", "reason": "材料不全"})),
            &henan,
        ),
        ep(
            "/api/v1/orgs/{id}/members",
            post.clone(),
            &s(w.org),
            "",
            Json(json!({"phone": "13700000003"})),
            &host,
        ),
        ep("/api/v1/audit", get.clone(), none, "limit=50", Empty, &henan),
        ep(
            "/api/v1/audit-log",
            get.clone(),
            none,
            "from=2026-07-01&to=2026-07-02&actor=1&action=activity.&target=activity:1&outcome=ok&page=1&per_page=20",
            Empty,
            &henan,
        ),
        ep(
            "/api/v1/exports/audit-log.csv",
            get.clone(),
            none,
            "from=2026-07-01&action=quota.set&outcome=denied",
            Empty,
            &henan,
        ),
        // Activities.
        ep("/api/v1/activities", get.clone(), none, &public_query, Empty, &anon),
        ep(
            "/api/v1/activities",
            post.clone(),
            none,
            "",
            Json(json!({"name": "敌意测试活动", "section": "exhibition", "region_code": "411202", "details": "说明", "audiences": ["青少年"], "funding_yuan": 100, "hosts": [w.org], "scientists": [{"name": "李天文", "title": "研究员", "unit": "紫金山天文台"}]})),
            &host,
        ),
        ep("/api/v1/activities.ics", get.clone(), none, &public_query, Empty, &anon),
        ep("/api/v1/activities/{id}", get.clone(), &s(w.draft), "", Empty, &host),
        ep(
            "/api/v1/activities/{id}",
            Method::PATCH,
            &s(w.draft),
            "",
            Json(json!({"name": "敌意测试草稿（改）", "details": "说明", "funding_yuan": 100, "audiences": ["青少年"], "hosts": [w.org], "start": "2026-09-15T19:00:00+08:00", "sessions": [{"start": "2026-09-16T19:00:00+08:00", "end": "2026-09-16T21:00:00+08:00", "region_code": "411203", "address": "陕州区文化广场"}]})),
            &host,
        )
        .versioned(w.draft),
        ep("/api/v1/activities/{id}/submit", post.clone(), &s(w.draft), "", Empty, &host),
        ep("/api/v1/activities/{id}/withdraw", post.clone(), &s(w.in_review), "", Empty, &host),
        ep("/api/v1/activities/{id}/copy", post.clone(), &s(w.approved), "", Empty, &host),
        ep(
            "/api/v1/activities/{id}/hosts/{org_id}/confirmation",
            post.clone(),
            &[w.approved.to_string(), w.org.to_string()],
            "",
            Empty,
            &host,
        ),
        ep("/api/v1/activities/{id}/supplement", get.clone(), &s(w.approved), "", Empty, &host),
        ep(
            "/api/v1/activities/{id}/supplement",
            Method::PUT,
            &s(w.approved),
            "",
            Json(json!({"participants": 100, "media_links": ["https://example.cn/v/1"], "photos": [], "videos": [], "evidence_photo": null, "summary": {"basic": "基本情况", "outcomes": "主要成效", "highlights": "", "resources": "", "lessons": ""}})),
            &host,
        ),
        ep(
            "/api/v1/activities/{id}/decisions",
            post.clone(),
            &s(w.review),
            "",
            Json(json!({"decision": "reject", "reason": "材料不全"})),
            &henan,
        ),
        ep("/api/v1/activities/{id}/history", get.clone(), &s(w.approved), "", Empty, &host),
        ep("/api/v1/activities/{id}/changes", get.clone(), &s(w.approved), "", Empty, &henan),
        ep("/api/v1/my/activities", get.clone(), none, "page=1&per_page=20", Empty, &host),
        ep("/api/v1/review-times", get.clone(), none, &qs(&[("level", "province")]), Empty, &henan),
        ep("/api/v1/activities/{id}/review-reminder", post.clone(), &s(w.review), "", Empty, &national),
        ep(
            "/api/v1/review-queue",
            get.clone(),
            none,
            &qs(&[
                ("status", "province_review"),
                ("region", "411200"),
                ("section", "exhibition"),
                ("q", "科普"),
                ("from", "2026-08-01"),
                ("to", "2026-10-01"),
                ("page", "1"),
                ("per_page", "20"),
            ]),
            Empty,
            &henan,
        ),
        ep(
            "/api/v1/review-queue/decisions",
            post.clone(),
            none,
            "",
            Json(json!({"ids": [w.draft], "decision": "approve", "reason": ""})),
            &henan,
        ),
        ep("/api/v1/notifications", get.clone(), none, "page=1&per_page=20", Empty, &host),
        ep(
            "/api/v1/notifications/{id}/read",
            post.clone(),
            &s(w.notification),
            "",
            Empty,
            &host,
        ),
        // Media.
        ep(
            "/api/v1/activities/{id}/media",
            post.clone(),
            &s(w.approved),
            "",
            Multipart(vec![
                part("kind", "photo"),
                part("consent", "adults"),
                file_part("现场.png", png(40, 30)),
            ]),
            &host,
        ),
        ep("/api/v1/media/{id}", get.clone(), &s(w.poster), "size=thumb", Empty, &anon),
        // After the activity.
        ep(
            "/api/v1/activities/{id}/excellence-intent",
            Method::PUT,
            &s(w.approved),
            "",
            Json(json!({"intended": true})),
            &host,
        ),
        ep("/api/v1/activities/{id}/nominations", get.clone(), &s(w.approved), "", Empty, &host),
        ep(
            "/api/v1/activities/{id}/nominations",
            post.clone(),
            &s(w.approved),
            "",
            Json(json!({"opinion": "推荐本活动", "decision": "pass"})),
            &host,
        ),
        ep(
            "/api/v1/orgs/{id}/nominations",
            post.clone(),
            &s(w.org),
            "",
            Json(json!({"opinion": "推荐该单位"})),
            &henan,
        ),
        ep(
            "/api/v1/nominations",
            get.clone(),
            none,
            "kind=activity&status=final&page=1&per_page=20",
            Empty,
            &henan,
        ),
        ep("/api/v1/nominations/{id}", get.clone(), &s(1), "", Empty, &henan),
        ep("/api/v1/nominations/{id}/form.xlsx", get.clone(), &s(1), "", Empty, &henan),
        ep("/api/v1/stats", get.clone(), none, &qs(&[("region", "410000"), ("topic", "科普")]), Empty, &henan),
        ep("/api/v1/stats.xlsx", get.clone(), none, "region=410000", Empty, &henan),
        ep(
            "/api/v1/exports/activities.xlsx",
            get.clone(),
            none,
            "region=410000&status=approved&section=exhibition&from=2026-08-01&to=2026-10-01",
            Empty,
            &henan,
        ),
        ep("/api/v1/imports/activities.xlsx", post.clone(), none, "on_duplicate=skip", Xlsx(bad_row.clone()), &host),
        ep("/api/v1/imports/activities/preview", post.clone(), none, "", Xlsx(bad_row.clone()), &host),
        ep("/api/v1/imports/activities-template.xlsx", get.clone(), none, "", Empty, &anon),
        ep(
            "/api/v1/quotas",
            Method::PUT,
            none,
            "",
            Json(json!({"target_kind": "region", "target_ref": "411200", "section": "lecture", "target": 2, "include_system": false})),
            &henan,
        ),
        ep("/api/v1/quotas/{id}", Method::DELETE, &s(w.quota), "", Empty, &henan),
        // 千万IP创科普 online posts.
        ep(
            "/api/v1/online-posts",
            post.clone(),
            none,
            "",
            Json(json!({"platform": "douyin", "url": "https://www.douyin.com/video/1?utm_source=x", "title": "敌意测试作品", "kind": "content", "published_at": "2026-09-16T19:30:00+08:00", "hashtag_confirmed": true, "org_id": w.org, "metrics": {"views": 10, "likes": 1, "shares": 0, "comments": 0, "as_of": "2026-09-20"}})),
            &host,
        ),
        ep("/api/v1/online-posts", get.clone(), none, &qs(&[("region", "411200"), ("platform", "douyin"), ("kind", "content"), ("q", "敌意"), ("page", "1"), ("per_page", "20")]), Empty, &anon),
        ep("/api/v1/online-posts.xlsx", get.clone(), none, &qs(&[("region", "411200"), ("platform", "douyin"), ("kind", "content"), ("q", "敌意")]), Empty, &city),
        ep(
            "/api/v1/online-posts/import",
            post.clone(),
            none,
            "",
            Multipart(vec![
                part("org_id", &w.org.to_string()),
                file_part(
                    "作品.xlsx",
                    support::workbook(
                        &domain::posts::IMPORT_COLUMNS,
                        &[&["1", "抖音", "https://www.douyin.com/video/7001", "敌意测试导入", "发布内容", "2026-09-16 19:30", "是"]],
                    ),
                ),
            ]),
            &host,
        ),
        ep("/api/v1/online-posts/{id}", Method::PATCH, &s(w.post), "", Json(json!({"title": "敌意测试作品（改）"})), &host),
        ep("/api/v1/online-posts/{id}", Method::DELETE, &s(w.doomed_post), "", Empty, &host),
        ep("/api/v1/online-posts/{id}/moderation", post.clone(), &s(w.post), "", Json(json!({"decision": "hide", "reason": "敌意测试"})), &henan),
        ep("/online-ip", get.clone(), none, &qs(&[("platform", "douyin"), ("page", "1")]), Empty, &anon),
        ep(
            "/online-ip/import",
            post.clone(),
            none,
            "",
            Multipart(vec![
                part("_csrf", &w.host_browser.csrf),
                file_part(
                    "作品.xlsx",
                    support::workbook(
                        &domain::posts::IMPORT_COLUMNS,
                        &[&["1", "知乎", "https://www.zhihu.com/question/7002", "敌意测试页面导入", "互动问答", "2026-09-16 19:30", "是"]],
                    ),
                ),
            ]),
            &host_page,
        ),
        ep(
            "/online-ip",
            post.clone(),
            none,
            "",
            form(&w.host_browser, &[("platform", "zhihu"), ("url", "https://www.zhihu.com/question/2"), ("title", "敌意测试问答"), ("kind", "qa"), ("published_at", "2026-09-16T19:30"), ("hashtag_confirmed", "true")]),
            &host_page,
        ),
        // The publicity resource library.
        ep(
            "/api/v1/resources",
            post.clone(),
            none,
            "",
            Json(json!({"kind": "poster", "title": "敌意测试海报", "description": "说明", "usage_note": "规范", "tags": ["敌意"]})),
            &national,
        ),
        ep("/api/v1/resources", get.clone(), none, &qs(&[("campaign", &w.campaign.to_string()), ("kind", "logo"), ("q", "敌意"), ("page", "1"), ("per_page", "20")]), Empty, &anon),
        ep("/api/v1/resources/{id}", get.clone(), &s(w.resource), "", Empty, &anon),
        ep("/api/v1/resources/{id}", Method::DELETE, &s(w.doomed_resource), "", Empty, &national),
        ep(
            "/api/v1/resources/{id}/files",
            post.clone(),
            &s(w.resource),
            "",
            Multipart(vec![part("name", "敌意测试标识"), file_part("标识.png", png(40, 30))]),
            &national,
        ),
        ep(
            "/api/v1/resources/{id}/files/{fid}",
            get.clone(),
            &[w.resource.to_string(), w.resource_file.to_string()],
            "",
            Empty,
            &anon,
        ),
        ep("/api/v1/resources/{id}/publish", post.clone(), &s(w.resource), "", Empty, &national),
        ep("/resources", get.clone(), none, &qs(&[("kind", "logo"), ("q", "敌意"), ("page", "1")]), Empty, &anon),
        ep(
            "/resources",
            post.clone(),
            none,
            "",
            form(&w.national_browser, &[("kind", "document"), ("title", "敌意测试文档"), ("tags", "敌意，测试")]),
            &national_page,
        ),
        ep(
            "/resources/{id}/files",
            post.clone(),
            &s(w.resource),
            "",
            Multipart(vec![
                part("_csrf", &w.national_browser.csrf),
                file_part("标识.png", png(40, 30)),
            ]),
            &national_page,
        ),
        ep(
            "/resources/{id}/publish",
            post.clone(),
            &s(w.resource),
            "",
            form(&w.national_browser, &[]),
            &national_page,
        ),
        ep(
            "/resources/{id}/delete",
            post.clone(),
            &s(w.doomed_page_resource),
            "",
            form(&w.national_browser, &[("confirm", "1")]),
            &national_page,
        ),
        // The video contest.
        ep(
            "/api/v1/contests",
            post.clone(),
            none,
            "",
            Json(json!({"name": "敌意测试新比赛", "region_code": "411200", "submit_from": "2026-08-28", "submit_to": "2026-09-15",
                        "criteria": [{"key": "scientific", "name": "科学性", "weight": 60}, {"key": "creative", "name": "创意表现", "weight": 40}],
                        "file_rules": {"aspect": "16:9", "min_seconds": 60, "max_seconds": 600, "made_after": "2025-01-01"},
                        "public_vote": {"weight": 20, "from": "2026-09-16", "to": "2026-09-20"}, "aggregation": "median"})),
            &city,
        ),
        ep("/api/v1/contests", get.clone(), none, &qs(&[("q", "敌意"), ("page", "1"), ("per_page", "20")]), Empty, &anon),
        ep("/api/v1/contests/{id}", get.clone(), &s(w.trail.contest), "", Empty, &city),
        ep(
            "/api/v1/contests/{id}",
            Method::PATCH,
            &s(w.trail.contest),
            "",
            Json(json!({"theme": "科普视频", "judges_per_entry": 5, "entrant_region": null})),
            &city,
        )
        .versioned_in("contests", w.trail.contest),
        ep("/api/v1/contests/{id}/status", post.clone(), &s(w.trail.contest), "", Json(json!({"status": "open"})), &city),
        ep("/api/v1/evaluation-schemes", post.clone(), none, "", Json(scheme_body()), &city),
        ep("/api/v1/evaluation-schemes", get.clone(), none, &qs(&[("page", "1"), ("per_page", "20")]), Empty, &city),
        ep("/api/v1/evaluation-schemes/{id}", get.clone(), &s(w.trail.scheme), "", Empty, &city),
        ep("/api/v1/evaluation-schemes/{id}/results", get.clone(), &s(w.trail.scheme), "", Empty, &city),
        ep("/api/v1/evaluation-schemes/{id}/results.xlsx", get.clone(), &s(w.trail.scheme), "", Empty, &city),
        ep("/api/v1/evaluation-schemes/{id}/counted", get.clone(), &s(w.trail.scheme), &qs(&[("subject", "411202"), ("key", "publicity")]), Empty, &city),
        ep(
            "/api/v1/evaluation-schemes/{id}/judged",
            Method::PUT,
            &s(w.trail.scheme),
            "",
            Json(json!({"subject_code": "411202", "key": "mobilisation", "score": 80, "comment": "组织有力"})),
            &city,
        ),
        ep("/api/v1/evaluation-schemes/{id}/freeze", post.clone(), &s(w.trail.scheme), "", Empty, &city),
        ep("/api/v1/evaluation-schemes/{id}/publish", post.clone(), &s(w.trail.scheme), "", Empty, &city),
        ep(
            "/api/v1/contests/{id}/entries",
            post.clone(),
            &s(w.trail.open_contest),
            "",
            Json(json!({"title": "敌意测试新作品", "authors": [{"name": "刘莎", "unit": "三门峡市广播电视台"}], "producing_units": [w.org], "pledge": false})),
            &outsider,
        ),
        ep("/api/v1/contests/{id}/entries", get.clone(), &s(w.trail.open_contest), &qs(&[("status", "submitted"), ("page", "1"), ("per_page", "20")]), Empty, &city),
        ep("/api/v1/contests/{id}/entries/{eid}", get.clone(), &[w.trail.open_contest.to_string(), w.trail.entry.to_string()], "", Empty, &outsider),
        ep(
            "/api/v1/contests/{id}/entries/{eid}",
            Method::PATCH,
            &[w.trail.open_contest.to_string(), w.trail.entry.to_string()],
            "",
            Json(json!({"introduction": "敌意测试简介", "platform_url": "https://www.douyin.com/video/1", "unit_id": null})),
            &outsider,
        )
        .versioned_in("contest_entries", w.trail.entry),
        ep(
            "/api/v1/contests/{id}/entries/{eid}/media",
            post.clone(),
            &[w.trail.open_contest.to_string(), w.trail.entry.to_string()],
            "",
            Multipart(vec![part("kind", "signed_form"), file_part("报名表.pdf", b"%PDF-1.4\n%%EOF\n".to_vec())]),
            &outsider,
        ),
        ep(
            "/api/v1/contests/{id}/entries/{eid}/media/{mid}",
            get.clone(),
            &[w.trail.open_contest.to_string(), w.trail.entry.to_string(), w.trail.entry_video.to_string()],
            "",
            Empty,
            &outsider,
        ),
        ep("/api/v1/contests/{id}/entries/{eid}/submit", post.clone(), &[w.trail.open_contest.to_string(), w.trail.entry.to_string()], "", Empty, &outsider),
        ep("/api/v1/contests/{id}/entries/{eid}/history", get.clone(), &[w.trail.open_contest.to_string(), w.trail.entry.to_string()], "", Empty, &outsider),
        ep(
            "/api/v1/contests/{id}/entries/{eid}/screening",
            post.clone(),
            &[w.trail.open_contest.to_string(), w.trail.submitted_entry.to_string()],
            "",
            Json(json!({"decision": "return", "reason": "敌意测试理由"})),
            &city,
        ),
        ep(
            "/api/v1/contests/{id}/entries/{eid}/disqualify",
            post.clone(),
            &[w.trail.open_contest.to_string(), w.trail.submitted_entry.to_string()],
            "",
            Json(json!({"reason": "敌意测试理由"})),
            &city,
        ),
        ep("/api/v1/contests/{id}/entries/{eid}/withdraw", post.clone(), &[w.trail.open_contest.to_string(), w.trail.submitted_entry.to_string()], "", Empty, &outsider),
        ep(
            "/api/v1/contests/{id}/judges",
            post.clone(),
            &s(w.trail.judged_contest),
            "",
            Json(json!({"user_id": w.trail.candidate, "org_id": w.trail.candidate_org, "region_code": "410102"})),
            &city,
        ),
        ep("/api/v1/contests/{id}/judges", get.clone(), &s(w.trail.judged_contest), "", Empty, &city),
        ep("/api/v1/contests/{id}/assignments", post.clone(), &s(w.trail.judged_contest), "", Json(json!({})), &city),
        ep("/api/v1/contests/{id}/assignments", get.clone(), &s(w.trail.judged_contest), "", Empty, &city),
        ep(
            "/api/v1/contests/{id}/assignments/{judge_id}/{entry_id}",
            Method::DELETE,
            &[w.trail.judged_contest.to_string(), w.trail.judge.to_string(), w.trail.judged_entry.to_string()],
            "",
            Empty,
            &city,
        ),
        ep(
            "/api/v1/contests/{id}/entries/{eid}/scores",
            Method::PUT,
            &[w.trail.judged_contest.to_string(), w.trail.judged_entry.to_string()],
            "",
            Json(json!({"scores": {"scientific": 90, "creative": 80}, "comment": "敌意测试评语", "submit": false})),
            &Who::Bearer(w.trail.judge_token.clone()),
        ),
        ep(
            "/api/v1/contests/{id}/entries/{eid}/recusal",
            post.clone(),
            &[w.trail.judged_contest.to_string(), w.trail.judged_entry.to_string()],
            "",
            Json(json!({"reason": "敌意测试回避"})),
            &Who::Bearer(w.trail.judge_token.clone()),
        ),
        ep("/api/v1/contests/{id}/results", get.clone(), &s(w.trail.judged_contest), "", Empty, &city),
        ep("/api/v1/contests/{id}/results", post.clone(), &s(w.trail.judged_contest), "", Json(json!({"stage": "publicity"})), &city),
        ep("/api/v1/contests/{id}/showcase", get.clone(), &s(w.trail.judged_contest), "", Empty, &anon),
        ep(
            "/api/v1/contests/{id}/entries/{eid}/votes",
            post.clone(),
            &[w.trail.judged_contest.to_string(), w.trail.judged_entry.to_string()],
            "",
            Empty,
            &outsider,
        ),
        ep(
            "/api/v1/contests/{id}/votes/void",
            post.clone(),
            &s(w.trail.judged_contest),
            "",
            Json(json!({"ip": "10.1.2.3", "from": "2026-07-01T00:00:00+08:00", "to": "2026-07-02T00:00:00+08:00", "reason": "敌意测试作废"})),
            &city,
        ),
        ep("/api/v1/contests/{id}/exports/entries.xlsx", get.clone(), &s(w.trail.judged_contest), "", Empty, &city),
        ep("/api/v1/contests/{id}/exports/scores.xlsx", get.clone(), &s(w.trail.judged_contest), "", Empty, &city),
        ep("/api/v1/contests/{id}/exports/results.xlsx", get.clone(), &s(w.trail.judged_contest), "", Empty, &city),
        ep("/api/v1/me/reviews", get.clone(), none, &qs(&[("contest", &w.trail.judged_contest.to_string())]), Empty, &Who::Bearer(w.trail.judge_token.clone())),
        // Themed routes and check-in.
        ep(
            "/api/v1/venues",
            post.clone(),
            none,
            "",
            Json(json!({"name": "敌意测试新馆", "address": "三门峡市湖滨区", "region_code": "411202", "lon": 111.2, "lat": 34.77, "venue_type": "科技馆", "opening_hours": "9:00—17:00", "geofence": {"mode": "flag", "radius_m": 300}, "code": {"period_s": 30, "digits": 6, "grace_steps": 1}})),
            &city,
        ),
        ep("/api/v1/venues/{id}", get.clone(), &s(w.trail.venue), "", Empty, &anon),
        ep(
            "/api/v1/venues/{id}",
            Method::PATCH,
            &s(w.trail.venue),
            "",
            Json(json!({"opening_hours": "周三至周日 9:30—16:30", "geofence": {"radius_m": 200}})),
            &city,
        )
        .versioned_in("venues", w.trail.venue),
        ep("/api/v1/venues/{id}/code-secret", post.clone(), &s(w.trail.spare_venue), "", Empty, &city),
        ep("/api/v1/venues/{id}/code", get.clone(), &s(w.trail.venue), &qs(&[("key", &w.trail.key)]), Empty, &anon),
        ep(
            "/api/v1/venues/{id}/stamp-image",
            post.clone(),
            &s(w.trail.spare_venue),
            "",
            Multipart(vec![file_part("印章.png", png(128, 128))]),
            &city,
        ),
        ep("/api/v1/venues/{id}/stamp-image", Method::DELETE, &s(w.trail.spare_venue), "", Empty, &city),
        ep(
            "/api/v1/routes",
            post.clone(),
            none,
            "",
            Json(json!({"name": "敌意测试新线路", "region_code": "411200", "from": "2026-09-15", "to": "2026-09-25", "sequential": true, "complete_at": 2, "issuer": "三门峡市科学技术协会", "anti_abuse": {"max_speed_kmh": 120, "max_checkins_per_day": 30}, "stops": [{"venue_id": w.trail.venue, "note": "起点"}, {"venue_id": w.trail.spare_venue}]})),
            &city,
        ),
        ep("/api/v1/routes", get.clone(), none, &qs(&[("region", "411200"), ("q", "敌意"), ("page", "1"), ("per_page", "20")]), Empty, &anon),
        ep("/api/v1/routes/{id}", get.clone(), &s(w.trail.route), "", Empty, &outsider),
        ep(
            "/api/v1/routes/{id}",
            Method::PATCH,
            &s(w.trail.draft),
            "",
            Json(json!({"theme": "走进科技场馆", "stops": [{"venue_id": w.trail.spare_venue}, {"venue_id": w.trail.venue}]})),
            &city,
        )
        .versioned_in("routes", w.trail.draft),
        ep("/api/v1/routes/{id}/publish", post.clone(), &s(w.trail.draft), "", Empty, &city),
        ep("/api/v1/routes/{id}/close", post.clone(), &s(w.trail.draft), "", Empty, &city),
        ep("/api/v1/routes/{id}/checkins", get.clone(), &s(w.trail.flagged_route), &qs(&[("flagged", "true"), ("page", "1")]), Empty, &city),
        ep("/api/v1/routes/{id}/checkins.xlsx", get.clone(), &s(w.trail.flagged_route), "", Empty, &city),
        ep("/api/v1/routes/{id}/certificate", post.clone(), &s(w.trail.route), "", Json(json!({"name": "敌意测试"})), &outsider),
        ep(
            "/api/v1/checkins",
            post.clone(),
            none,
            "",
            Json(json!({"venue_id": w.trail.venue, "code": domain::totp::code(&w.trail.secret, domain::totp::step_at(w.t.app.clock.now().timestamp(), 30), 6), "lon": 111.19, "lat": 34.77, "accuracy_m": 20})),
            &outsider,
        ),
        ep("/api/v1/checkins/{id}/review", post.clone(), &s(w.trail.checkin), "", Json(json!({"decision": "reject", "reason": "敌意测试"})), &city),
        ep("/api/v1/me/stamps", get.clone(), none, "", Empty, &outsider),
        ep("/api/v1/certificates/{serial}", get.clone(), std::slice::from_ref(&w.trail.serial), "", Empty, &anon),
        ep("/api/v1/certificates/{serial}/revoke", post.clone(), std::slice::from_ref(&w.trail.serial), "", Json(json!({"reason": "敌意测试撤销"})), &city),
        ep("/api/v1/summaries", get.clone(), none, "region=410000", Empty, &henan),
        ep(
            "/api/v1/summaries/reminders",
            post.clone(),
            none,
            "",
            Json(json!({"region": "410000"})),
            &henan,
        ),
        ep(
            "/api/v1/summaries/{kind}/{ref}",
            get.clone(),
            &["city".to_owned(), "411200".to_owned()],
            "",
            Empty,
            &city,
        ),
        ep(
            "/api/v1/summaries/{kind}/{ref}",
            Method::PUT,
            &["city".to_owned(), "411200".to_owned()],
            "",
            Json(json!({"key_activities": "举办活动30场", "mobilisation": "", "service": "", "publicity": "", "attachments": ["https://example.cn/a"], "submit": false})),
            &city,
        ),
        ep(
            "/api/v1/summaries/{kind}/{ref}/files",
            post.clone(),
            &["city".to_owned(), "411200".to_owned()],
            "",
            Multipart(vec![part("consent", "adults"), file_part("现场.png", png(40, 30))]),
            &city,
        ),
        ep("/api/v1/summary-files/{id}", get.clone(), &s(w.summary_file), "", Empty, &city),
        ep(
            "/api/v1/summary-files/{id}",
            Method::DELETE,
            &s(w.doomed_summary_file),
            "",
            Empty,
            &city,
        ),
        // Unknown paths.
        ep("/api/v1/no-such-route", get.clone(), none, "", Empty, &anon),
        ep("/no-such-page", get.clone(), none, "", Empty, &anon),
        // Pages.
        ep("/", get.clone(), none, "", Empty, &anon),
        ep("/login", get.clone(), none, "", Empty, &anon),
        ep(
            "/login",
            post.clone(),
            none,
            "",
            form(&w.visitor, &[("phone", "13700000004"), ("code", "000000")]),
            &Who::Browser(w.visitor.clone()),
        ),
        ep(
            "/login/code",
            post.clone(),
            none,
            "",
            form(&w.visitor, &[("phone", "13700000005")]),
            &Who::Browser(w.visitor.clone()),
        ),
        ep(
            "/logout",
            post.clone(),
            none,
            "",
            form(&w.outsider_browser, &[]),
            &Who::Browser(w.outsider_browser.clone()),
        ),
        ep("/account/profile", get.clone(), none, "", Empty, &host_page),
        ep(
            "/account/profile",
            post.clone(),
            none,
            "",
            form(&w.host_browser, &[("name", "王老师")]),
            &host_page,
        ),
        ep(
            "/account/close",
            post.clone(),
            none,
            "",
            form(&w.host_browser, &[("confirm", "注销")]),
            &host_page,
        ),
        ep("/my/activities", get.clone(), none, "submitted=1", Empty, &host_page),
        ep(
            "/my/activities/new",
            post.clone(),
            none,
            "",
            form(&w.host_browser, &[]),
            &host_page,
        ),
        ep("/my/activities/{id}/edit", get.clone(), &s(w.draft), "", Empty, &host_page),
        ep(
            "/my/activities/{id}/edit",
            post.clone(),
            &s(w.draft),
            "",
            form(
                &w.host_browser,
                &[
                    ("version", VERSION),
                    ("action", "save"),
                    ("name", "敌意测试草稿"),
                    ("section", "exhibition"),
                    ("start", "2026-09-15T19:00"),
                    ("end", "2026-09-15T21:00"),
                    ("province", "410000"),
                    ("city", "411200"),
                    ("county", "411202"),
                    ("address", "三门峡市湖滨区科技馆三楼"),
                    ("mode", "offline"),
                    ("venue_type", "科技馆"),
                    ("audiences", "青少年"),
                    ("expected_participants", "100"),
                    ("details", "说明"),
                    ("funding_yuan", "3500"),
                    ("scientist_count", "1"),
                    ("scientist_name", "李天文"),
                    ("scientist_title", "研究员"),
                    ("scientist_unit", "紫金山天文台"),
                    ("contact_name", "王老师"),
                    ("contact_phone", "0398-2812345"),
                    ("hosts", "三门峡市科技馆"),
                ],
            ),
            &host_page,
        )
        .versioned(w.draft),
        ep(
            "/my/activities/{id}/poster",
            post.clone(),
            &s(w.draft),
            "",
            Multipart(vec![
                part("_csrf", &w.host_browser.csrf),
                part("kind", "poster"),
                file_part("poster.png", png(600, 350)),
            ]),
            &host_page,
        ),
        ep(
            "/my/activities/{id}/{action}",
            post.clone(),
            &[w.draft.to_string(), "submit".to_owned()],
            "",
            form(&w.host_browser, &[]),
            &host_page,
        ),
        ep(
            "/my/activities/{id}/supplement",
            get.clone(),
            &s(w.approved),
            "saved=1",
            Empty,
            &host_page,
        ),
        ep(
            "/my/activities/{id}/supplement",
            post.clone(),
            &s(w.approved),
            "",
            form(
                &w.host_browser,
                &[
                    ("participants", "100"),
                    ("media_links", "https://example.cn/v/1"),
                    ("basic", "基本情况"),
                    ("outcomes", "主要成效"),
                    ("excellence_intent", "on"),
                ],
            ),
            &host_page,
        ),
        ep(
            "/my/activities/{id}/supplement/media",
            post.clone(),
            &s(w.approved),
            "",
            Multipart(vec![
                part("_csrf", &w.host_browser.csrf),
                part("kind", "photo"),
                part("consent", "adults"),
                file_part("现场.png", png(40, 30)),
            ]),
            &host_page,
        ),
        ep("/nominations", get.clone(), none, "", Empty, &admin_page),
        ep("/nominations/activity/{id}", get.clone(), &s(w.approved), "", Empty, &admin_page),
        ep(
            "/nominations/activity/{id}",
            post.clone(),
            &s(w.approved),
            "",
            form(&w.admin_browser, &[("opinion", "推荐"), ("decision", "pass")]),
            &admin_page,
        ),
        ep("/nominations/{id}/print", get.clone(), &s(1), "", Empty, &admin_page),
        ep("/dashboard", get.clone(), none, "region=410000", Empty, &admin_page),
        ep(
            "/review",
            get.clone(),
            none,
            &qs(&[("status", "province_review"), ("q", "科普"), ("page", "1")]),
            Empty,
            &admin_page,
        ),
        ep(
            "/review/decisions",
            post.clone(),
            none,
            "",
            form(
                &w.admin_browser,
                &[("ids", &w.draft.to_string()), ("decision", "approve"), ("reason", "")],
            ),
            &admin_page,
        ),
        ep("/review/{id}", get.clone(), &s(w.review_page), "", Empty, &admin_page),
        ep(
            "/review/{id}",
            post.clone(),
            &s(w.review_page),
            "",
            form(&w.admin_browser, &[("decision", "reject"), ("reason", "材料不全")]),
            &admin_page,
        ),
        ep("/notifications", get.clone(), none, "", Empty, &host_page),
        ep("/my/import", get.clone(), none, "", Empty, &host_page),
        ep(
            "/my/import",
            post.clone(),
            none,
            "",
            Multipart(vec![
                part("_csrf", &w.host_browser.csrf),
                file_part("活动项目汇总表.xlsx", bad_row.clone()),
            ]),
            &host_page,
        ),
        ep(
            "/my/import/confirm",
            post.clone(),
            none,
            "",
            form(
                &w.host_browser,
                &[("token", "00000000000000000000000000000000"), ("on_duplicate", "skip")],
            ),
            &host_page,
        ),
        ep("/activities/{id}/calendar.ics", get.clone(), &s(w.approved), "", Empty, &anon),
        ep("/favicon.ico", get.clone(), none, "", Empty, &anon),
        ep(
            "/admin/audit",
            get.clone(),
            none,
            "from=2026-07-01&to=2026-07-02&actor=1&action=activity.&target=activity:1&outcome=ok&page=1",
            Empty,
            &admin_page,
        ),
        ep(
            "/admin/sms",
            get.clone(),
            none,
            "",
            Empty,
            &Who::Browser(w.national_browser.clone()),
        ),
        ep(
            "/activities",
            get.clone(),
            none,
            &qs(&[("q", "观星"), ("section", "exhibition"), ("region", "410000"), ("page", "1")]),
            Empty,
            &anon,
        ),
        ep("/activities/{id}", get.clone(), &s(w.approved), "", Empty, &anon),
        ep("/orgs/{id}", get.clone(), &s(w.org), "", Empty, &anon),
        ep("/map", get.clone(), none, &qs(&[("near", "三门峡"), ("within_km", "50")]), Empty, &anon),
        ep("/routes", get.clone(), none, &qs(&[("q", "敌意"), ("region", "411200"), ("page", "1")]), Empty, &anon),
        ep("/routes/{id}", get.clone(), &s(w.trail.route), "", Empty, &Who::Browser(w.outsider_browser.clone())),
        ep(
            "/routes/{id}/certificate",
            post.clone(),
            &s(w.trail.route),
            "",
            form(&w.outsider_browser, &[("name", "敌意测试")]),
            &Who::Browser(w.outsider_browser.clone()),
        ),
        ep(
            "/checkin",
            get.clone(),
            none,
            &qs(&[("v", &w.trail.venue.to_string()), ("c", "123456")]),
            Empty,
            &Who::Browser(w.outsider_browser.clone()),
        ),
        ep(
            "/checkin",
            post.clone(),
            none,
            "",
            form(
                &w.outsider_browser,
                &[
                    ("venue_id", &w.trail.venue.to_string()),
                    ("code", &domain::totp::code(&w.trail.secret, domain::totp::step_at(w.t.app.clock.now().timestamp(), 30), 6)),
                    ("lon", "111.19"),
                    ("lat", "34.77"),
                    ("accuracy_m", "20"),
                ],
            ),
            &Who::Browser(w.outsider_browser.clone()),
        ),
        ep("/venues/{id}/display", get.clone(), &s(w.trail.venue), &qs(&[("key", &w.trail.key)]), Empty, &anon),
        ep("/venues/{id}/stamp.png", get.clone(), &s(w.trail.venue), &qs(&[("v", "0")]), Empty, &anon),
        ep("/me/stamps", get.clone(), none, "", Empty, &Who::Browser(w.outsider_browser.clone())),
        // The video contest's pages.
        ep("/contests/{id}", get.clone(), &s(w.trail.open_contest), "", Empty, &Who::Browser(w.outsider_browser.clone())),
        ep(
            "/contests/{id}/entries",
            post.clone(),
            &s(w.trail.open_contest),
            "",
            form(&w.outsider_browser, &[]),
            &Who::Browser(w.outsider_browser.clone()),
        ),
        ep(
            "/contests/{id}/entries/{eid}",
            get.clone(),
            &[w.trail.open_contest.to_string(), w.trail.entry.to_string()],
            "",
            Empty,
            &Who::Browser(w.outsider_browser.clone()),
        ),
        ep(
            "/contests/{id}/entries/{eid}",
            post.clone(),
            &[w.trail.open_contest.to_string(), w.trail.entry.to_string()],
            "",
            form(
                &w.outsider_browser,
                &[("version", VERSION), ("action", "save"), ("title", "敌意测试作品"), ("entry_mode", "self"), ("unit_id", ""),
                  ("authors", "刘莎，三门峡市广播电视台\n王强"), ("producing_units", ""), ("pledge", "1"), ("video", ""), ("introduction", "敌意测试简介")],
            ),
            &Who::Browser(w.outsider_browser.clone()),
        )
        .versioned_in("contest_entries", w.trail.entry),
        ep(
            "/contests/{id}/entries/{eid}/print",
            get.clone(),
            &[w.trail.open_contest.to_string(), w.trail.entry.to_string()],
            "",
            Empty,
            &Who::Browser(w.outsider_browser.clone()),
        ),
        ep("/contests/{id}/showcase", get.clone(), &s(w.trail.judged_contest), "", Empty, &anon),
        ep("/videos", get.clone(), none, "", Empty, &anon),
        ep(
            "/contests/{id}/entries/{eid}/vote",
            post.clone(),
            &[w.trail.judged_contest.to_string(), w.trail.judged_entry.to_string()],
            "",
            form(&w.outsider_browser, &[]),
            &Who::Browser(w.outsider_browser.clone()),
        ),
        ep("/me/reviews", get.clone(), none, "", Empty, &Who::Browser(w.outsider_browser.clone())),
        ep(
            "/contests/{id}/entries/{eid}/score",
            get.clone(),
            &[w.trail.judged_contest.to_string(), w.trail.judged_entry.to_string()],
            "",
            Empty,
            &Who::Browser(w.outsider_browser.clone()),
        ),
        ep(
            "/contests/{id}/entries/{eid}/score",
            post.clone(),
            &[w.trail.judged_contest.to_string(), w.trail.judged_entry.to_string()],
            "",
            form(&w.outsider_browser, &[("action", "save"), ("scientific", "90"), ("comment", "敌意测试")]),
            &Who::Browser(w.outsider_browser.clone()),
        ),
        ep(
            "/contests/{id}/entries/{eid}/recusal",
            post.clone(),
            &[w.trail.judged_contest.to_string(), w.trail.judged_entry.to_string()],
            "",
            form(&w.outsider_browser, &[("reason", "敌意测试")]),
            &Who::Browser(w.outsider_browser.clone()),
        ),
        ep("/contests", get.clone(), none, "", Empty, &anon),
        // The administration pages, on the contest being judged: each baseline is refused
        // (409) or changes nothing that the other lines need.
        ep(
            "/contests/{id}/status",
            post.clone(),
            &s(w.trail.judged_contest),
            "",
            form(&w.national_browser, &[("status", "open")]),
            &national_page,
        ),
        ep(
            "/contests/{id}/screening",
            get.clone(),
            &s(w.trail.judged_contest),
            &qs(&[("status", "accepted"), ("page", "1")]),
            Empty,
            &national_page,
        ),
        ep(
            "/contests/{id}/screening",
            post.clone(),
            &s(w.trail.judged_contest),
            "",
            form(
                &w.national_browser,
                &[("entry_id", &w.trail.judged_entry.to_string()), ("decision", "accept"), ("reason", "敌意测试"), ("status", "accepted")],
            ),
            &national_page,
        ),
        ep("/contests/{id}/assignment", get.clone(), &s(w.trail.judged_contest), "", Empty, &national_page),
        ep(
            "/contests/{id}/assignment",
            post.clone(),
            &s(w.trail.judged_contest),
            "",
            form(&w.national_browser, &[("action", "auto"), ("phone", ""), ("judge_id", ""), ("entry_id", "")]),
            &national_page,
        ),
        ep("/contests/{id}/scoring", get.clone(), &s(w.trail.judged_contest), "", Empty, &national_page),
        ep(
            "/contests/{id}/scoring",
            post.clone(),
            &s(w.trail.judged_contest),
            "",
            form(&w.national_browser, &[("stage", "final")]),
            &national_page,
        ),
        // 考评 pages, as the national administrator (who governs 三门峡).
        ep("/evaluations", get.clone(), none, &qs(&[("template", "tangshan")]), Empty, &national_page),
        ep(
            "/evaluations",
            post.clone(),
            none,
            "",
            form(
                &w.national_browser,
                &[("name", "敌意测试考评"), ("region_code", "411200"), ("subjects", "areas"), ("commend_top", "3"),
                  ("indicators[0].key", "volume"), ("indicators[0].name", "数量规模"), ("indicators[0].weight", "100"),
                  ("indicators[0].kind", "measured"), ("indicators[0].measure", "approved"), ("indicators[0].target", "")],
            ),
            &national_page,
        ),
        ep("/evaluations/{id}", get.clone(), &s(w.trail.scheme), "", Empty, &national_page),
        ep(
            "/evaluations/{id}/counted",
            get.clone(),
            &s(w.trail.scheme),
            &qs(&[("subject", "411202"), ("key", "publicity")]),
            Empty,
            &national_page,
        ),
        ep(
            "/evaluations/{id}/judged",
            post.clone(),
            &s(w.trail.scheme),
            "",
            form(&w.national_browser, &[("subject", "411202"), ("score.mobilisation", "80"), ("comment.mobilisation", "敌意测试")]),
            &national_page,
        ),
        ep("/evaluations/{id}/freeze", post.clone(), &s(w.trail.scheme), "", form(&w.national_browser, &[]), &national_page),
        ep("/evaluations/{id}/publish", post.clone(), &s(w.trail.scheme), "", form(&w.national_browser, &[]), &national_page),
        ep(
            "/routes/{id}/checkins",
            get.clone(),
            &s(w.trail.flagged_route),
            &qs(&[("flagged", "1"), ("page", "1"), ("done", "accept")]),
            Empty,
            &national_page,
        ),
        ep(
            "/routes/{id}/checkins/{checkin}/review",
            post.clone(),
            &[w.trail.flagged_route.to_string(), w.trail.checkin.to_string()],
            "",
            form(&w.national_browser, &[("decision", "reject"), ("reason", "敌意测试"), ("flagged", "1")]),
            &national_page,
        ),
        ep("/certificates/{serial}", get.clone(), std::slice::from_ref(&w.trail.serial), "", Empty, &anon),
        ep("/static/app.js", get.clone(), none, "", Empty, &anon),
        ep("/static/print.css", get.clone(), none, "", Empty, &anon),
        ep("/static/app.css", get, none, "", Empty, &anon),
    ]
}

/// The routes the router declares, read from its source, so that a route added without a
/// line in the table above fails the battery.
fn declared_routes() -> Vec<String> {
    let mut out = Vec::new();
    for source in [
        include_str!("../src/api/mod.rs"),
        include_str!("../src/pages/mod.rs"),
    ] {
        let mut rest = source;
        while let Some(at) = rest.find(".route(") {
            rest = &rest[at + ".route(".len()..];
            let trimmed = rest.trim_start();
            if let Some(inner) = trimmed.strip_prefix('"') {
                out.push(inner.split('"').next().unwrap_or_default().to_owned());
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// Probes: one request each, named by its route and mutation.

#[derive(Clone)]
struct Probe {
    route: &'static str,
    mutation: String,
    method: Method,
    path: String,
    query: String,
    headers: Vec<(String, Vec<u8>)>,
    body: Vec<u8>,
    version_of: Option<(&'static str, i64)>,
    upload: bool,
}

impl Probe {
    fn uri(&self) -> String {
        if self.query.is_empty() {
            self.path.clone()
        } else {
            format!("{}?{}", self.path, self.query)
        }
    }

    fn api(&self) -> bool {
        self.path.starts_with("/api/")
    }

    fn named(&self, mutation: impl Into<String>) -> Probe {
        let mut p = self.clone();
        p.mutation = mutation.into();
        p
    }

    fn set_header(&mut self, name: &str, value: impl Into<Vec<u8>>) {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self.headers.push((name.to_owned(), value.into()));
    }

    fn drop_header(&mut self, name: &str) {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
    }

    fn key(&self) -> u64 {
        let mut h = DefaultHasher::new();
        self.method.as_str().hash(&mut h);
        self.uri().hash(&mut h);
        self.headers.hash(&mut h);
        self.body.hash(&mut h);
        h.finish()
    }
}

fn form_body(pairs: &[(String, String)]) -> Vec<u8> {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", urlencoding::encode(k), urlencoding::encode(v)))
        .collect::<Vec<_>>()
        .join("&")
        .into_bytes()
}

fn multipart_body(parts: &[Part]) -> Vec<u8> {
    let mut body = Vec::new();
    for p in parts {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        body.extend_from_slice(b"Content-Disposition: form-data; name=\"");
        body.extend_from_slice(p.name.as_bytes());
        body.push(b'"');
        if let Some(filename) = &p.filename {
            body.extend_from_slice(b"; filename=\"");
            body.extend_from_slice(filename);
            body.extend_from_slice(b"\"\r\nContent-Type: application/octet-stream");
        }
        body.extend_from_slice(b"\r\n\r\n");
        body.extend_from_slice(&p.data);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

fn baseline(e: &Endpoint) -> Probe {
    let mut p = Probe {
        route: e.route,
        mutation: "baseline".to_owned(),
        method: e.method.clone(),
        path: e.path(&e.slots),
        query: e.query.clone(),
        headers: Vec::new(),
        body: Vec::new(),
        version_of: e.version_of,
        upload: e.upload(),
    };
    match &e.who {
        Who::Anon => {}
        Who::Bearer(token) => p.set_header("authorization", format!("Bearer {token}")),
        Who::Browser(s) => p.set_header("cookie", format!("kepu_session={}", s.cookie)),
    }
    match &e.payload {
        Payload::Empty => {}
        Payload::Json(v) => {
            p.set_header("content-type", "application/json");
            p.body = serde_json::to_vec(v).unwrap();
        }
        Payload::Form(pairs) => {
            p.set_header("content-type", "application/x-www-form-urlencoded");
            p.body = form_body(pairs);
        }
        Payload::Multipart(parts) => {
            p.set_header(
                "content-type",
                format!("multipart/form-data; boundary={BOUNDARY}"),
            );
            p.body = multipart_body(parts);
        }
        Payload::Xlsx(bytes) => {
            p.set_header("content-type", "application/octet-stream");
            p.body = bytes.clone();
        }
    }
    if e.method == Method::PATCH && e.version_of.is_some() {
        p.set_header("if-match", VERSION);
    }
    p
}

/// Hostile path segments, already encoded for a URI.
fn segments() -> Vec<(&'static str, String)> {
    [
        ("overflow", "99999999999999999999"),
        ("i64-max", "9223372036854775807"),
        ("negative", "-1"),
        ("float", "1.5e3"),
        ("word", "abc"),
        ("traversal", "..%2F..%2F..%2F..%2Fetc%2Fpasswd"),
        ("dot-dot", ".."),
        ("sql", "1%27%20OR%20%271%27%3D%271"),
        ("nul", "%00"),
        ("lone-surrogate", "%ED%A0%80"),
        ("bidi", "%E2%80%AE1"),
        ("zero-width", "1%E2%80%8B"),
    ]
    .into_iter()
    .map(|(n, v)| (n, v.to_owned()))
    .chain(std::iter::once(("10k", "9".repeat(10_000))))
    .collect()
}

fn path_probes(e: &Endpoint, base: &Probe) -> Vec<Probe> {
    let mut out = Vec::new();
    for i in 0..e.slots.len() {
        for (name, value) in segments() {
            // The second segment of a route gets the sharpest few only.
            if i > 0
                && ![
                    "overflow",
                    "word",
                    "traversal",
                    "nul",
                    "lone-surrogate",
                    "10k",
                ]
                .contains(&name)
            {
                continue;
            }
            let mut slots = e.slots.clone();
            slots[i] = value;
            let mut p = base.named(format!("path[{i}]-{name}"));
            p.path = e.path(&slots);
            out.push(p);
        }
    }
    for (name, suffix) in [
        ("path-traversal-suffix", "/../../../../etc/passwd"),
        (
            "path-encoded-traversal-suffix",
            "/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        ),
        ("path-backslash-traversal", "/..%5C..%5Cwindows%5Cwin.ini"),
    ] {
        let mut p = base.named(name);
        p.path = format!("{}{suffix}", base.path);
        out.push(p);
    }
    out
}

/// A query with `extra`'s keys replacing the baseline's.
fn merged_query(base: &str, extra: &str) -> String {
    let keys: HashSet<&str> = extra
        .split('&')
        .filter_map(|pair| pair.split('=').next())
        .collect();
    let kept = base
        .split('&')
        .filter(|pair| !pair.is_empty())
        .filter(|pair| !keys.contains(pair.split('=').next().unwrap_or_default()));
    kept.chain(std::iter::once(extra))
        .collect::<Vec<_>>()
        .join("&")
}

fn query_probes(e: &Endpoint, base: &Probe) -> Vec<Probe> {
    let enc = |s: &str| urlencoding::encode(s).into_owned();
    // 10,000 characters; a URI holds at most 64 KB, so mostly ASCII.
    let ten_k = enc(&format!("{}{}", "科".repeat(2_000), "a".repeat(8_000)));
    let mut generic: Vec<(&str, String)> = vec![
        ("query-nul", "q=%00".to_owned()),
        (
            "query-unknown-params",
            "__proto__=1&constructor%5Bprototype%5D=2".to_owned(),
        ),
    ];
    if e.method == Method::GET {
        generic.extend([
            ("page-overflow", "page=99999999999999999999".to_owned()),
            ("page-i64-max", "page=9223372036854775807".to_owned()),
            ("page-zero", "page=0".to_owned()),
            ("page-negative", "page=-1".to_owned()),
            ("per-page-negative", "per_page=-1".to_owned()),
            (
                "per-page-overflow",
                "per_page=99999999999999999999".to_owned(),
            ),
            ("per-page-101", "per_page=101".to_owned()),
            (
                "page-huge-per-page-max",
                "page=92233720368547758&per_page=100".to_owned(),
            ),
            ("page-words", "page=abc&per_page=1e3".to_owned()),
            ("q-sql", format!("q={}", enc(SQL))),
            ("q-query-syntax", format!("q={}", enc(QUERY_SYNTAX))),
            ("q-like-wildcards", "q=%25%25_%5C%25".to_owned()),
            ("q-lone-surrogate", "q=%ED%A0%80".to_owned()),
            ("q-invalid-utf8", "q=%FF%FE".to_owned()),
            (
                "q-bidi-zero-width",
                format!("q={}", enc("\u{202E}科普\u{200B}\u{FEFF}")),
            ),
            ("q-10k", format!("q={ten_k}")),
            (
                "region-traversal",
                "region=..%2F..%2F..%2Fetc%2Fpasswd".to_owned(),
            ),
            ("repeated-params", "page=1&page=2&q=a&q=b".to_owned()),
            ("array-params", "section%5B%5D=x&region%5B0%5D=y".to_owned()),
            ("broken-percent-encoding", "q=%zz%&%=x".to_owned()),
            ("query-60k", format!("pad={}", "a".repeat(60_000))),
        ]);
    }
    let mut out: Vec<Probe> = generic
        .into_iter()
        .map(|(name, extra)| {
            let mut p = base.named(name);
            p.query = merged_query(&base.query, &extra);
            p
        })
        .collect();
    // Each parameter of the baseline, made hostile in turn.
    let keys: Vec<String> = base
        .query
        .split('&')
        .filter_map(|pair| pair.split_once('=').map(|(k, _)| k.to_owned()))
        .collect();
    for key in keys {
        for (name, value) in [
            ("sql", enc(SQL)),
            ("traversal", enc(TRAVERSAL)),
            ("10k", ten_k.clone()),
            ("lone-surrogate", "%ED%A0%80".to_owned()),
        ] {
            let mut p = base.named(format!("param-{key}-{name}"));
            p.query = merged_query(&base.query, &format!("{key}={value}"));
            out.push(p);
        }
    }
    if e.route == "/api/v1/activities" || e.route == "/api/v1/activities.ics" || e.route == "/map" {
        for (name, extra) in [
            ("near-nan", "near=NaN,NaN&within_km=50"),
            ("near-out-of-range", "near=181,-91&within_km=50"),
            ("near-overflow", "near=1e309,1e309&within_km=50"),
            ("near-one-number", "near=111.2&within_km=50"),
            ("within-zero", "near=111.2,34.77&within_km=0"),
            ("within-negative", "near=111.2,34.77&within_km=-5"),
            ("within-infinite", "near=111.2,34.77&within_km=1e309"),
            ("within-nan", "near=111.2,34.77&within_km=NaN"),
            ("date-impossible", "from=2024-02-30&to=2024-13-01"),
            ("date-huge-year", "from=99999-01-01&to=-0001-01-01"),
            ("date-reversed", "from=2026-10-01&to=2026-08-01"),
        ] {
            let mut p = base.named(name);
            p.query = merged_query(&base.query, extra);
            out.push(p);
        }
    }
    out
}

// JSON mutations.

fn map_values(v: &Value, f: &dyn Fn(&Value) -> Option<Value>) -> Value {
    match v {
        Value::Array(items) => Value::Array(items.iter().map(|i| map_values(i, f)).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), map_values(v, f)))
                .collect(),
        ),
        leaf => f(leaf).unwrap_or_else(|| leaf.clone()),
    }
}

fn strings(v: &Value, f: &dyn Fn(&str) -> String) -> Value {
    map_values(v, &|leaf| leaf.as_str().map(|s| Value::String(f(s))))
}

fn numbers(v: &Value, to: &Value) -> Value {
    map_values(v, &|leaf| leaf.is_number().then(|| to.clone()))
}

fn arrays(v: &Value, f: &dyn Fn(&[Value]) -> Value) -> Value {
    match v {
        Value::Array(items) => f(items),
        Value::Object(map) => {
            Value::Object(map.iter().map(|(k, v)| (k.clone(), arrays(v, f))).collect())
        }
        leaf => leaf.clone(),
    }
}

fn replace_bytes(haystack: &[u8], needle: &[u8], with: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(haystack.len());
    let mut i = 0;
    while i < haystack.len() {
        if haystack[i..].starts_with(needle) {
            out.extend_from_slice(with);
            i += needle.len();
        } else {
            out.push(haystack[i]);
            i += 1;
        }
    }
    out
}

fn json_probes(base: &Probe, v: &Value) -> Vec<Probe> {
    let text = serde_json::to_vec(v).unwrap();
    let raw = |name: &str, body: Vec<u8>| {
        let mut p = base.named(name);
        p.body = body;
        p
    };
    let as_json = |name: &str, value: Value| raw(name, serde_json::to_vec(&value).unwrap());
    let marked = |with: &[u8]| {
        let text = serde_json::to_vec(&strings(v, &|_| MARK.to_owned())).unwrap();
        replace_bytes(&text, MARK.as_bytes(), with)
    };
    let padded = |bytes: usize| {
        let mut big = v.clone();
        if let Some(map) = big.as_object_mut() {
            map.insert("pad".to_owned(), json!("a".repeat(bytes)));
        }
        serde_json::to_vec(&big).unwrap()
    };
    let first_key = v
        .as_object()
        .and_then(|m| m.keys().next().cloned())
        .unwrap_or_else(|| "name".to_owned());
    let deep_inside = {
        let mut s = format!("{{\"{first_key}\": ");
        s.push_str(&"[".repeat(5_000));
        s.push_str(&"]".repeat(5_000));
        s.push('}');
        s.into_bytes()
    };
    let mut duplicate = format!("{{\"{first_key}\": \"dup\", ").into_bytes();
    duplicate.extend_from_slice(&text[1..]);
    let mut nul_key = v.clone();
    if let Some(map) = nul_key.as_object_mut() {
        map.insert("a\u{0}b".to_owned(), json!(1));
    }
    let mut mass = v.clone();
    if let Some(map) = mass.as_object_mut() {
        for (k, val) in [
            ("id", json!(1)),
            ("status", json!("approved")),
            ("version", json!(999)),
            ("owner_id", json!(1)),
            ("campaign_id", json!(999_999)),
            ("role", json!("national_admin")),
            ("__proto__", json!({"admin": true})),
        ] {
            map.insert(k.to_owned(), val);
        }
    }
    let top_nulls = match v {
        Value::Object(map) => Value::Object(map.keys().map(|k| (k.clone(), Value::Null)).collect()),
        other => other.clone(),
    };
    let half = text.len() / 2;
    let mut out = vec![
        raw("json-empty-body", Vec::new()),
        raw("json-truncated", text[..half].to_vec()),
        raw("json-truncated-last-byte", text[..text.len() - 1].to_vec()),
        raw("json-null", b"null".to_vec()),
        raw("json-array", b"[]".to_vec()),
        raw("json-string", "\"科普\"".as_bytes().to_vec()),
        raw("json-number-out-of-range", b"1e400".to_vec()),
        raw(
            "json-deep-array",
            format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)).into_bytes(),
        ),
        raw(
            "json-deep-object",
            format!("{}1{}", "{\"a\":".repeat(50_000), "}".repeat(50_000)).into_bytes(),
        ),
        raw("json-deep-inside", deep_inside),
        raw("json-oversized-3mb", padded(3 * 1024 * 1024)),
        raw("json-oversized-9mb", padded(9 * 1024 * 1024)),
        raw(
            "json-trailing-garbage",
            [text.as_slice(), b"}{\"x\":1}"].concat(),
        ),
        raw(
            "json-comment",
            [b"/* x */".as_slice(), text.as_slice()].concat(),
        ),
        raw(
            "json-bom",
            ["\u{FEFF}".as_bytes(), text.as_slice()].concat(),
        ),
        as_json("json-nul", strings(v, &|s| format!("{s}\u{0}"))),
        as_json("json-nul-in-key", nul_key),
        raw("json-lone-surrogate", marked(b"\\ud800")),
        raw("json-lone-low-surrogate", marked(b"x\\udc00y")),
        raw("json-invalid-utf8", marked(b"\xff\xfe")),
        raw("json-raw-control-character", marked(b"a\x01b")),
        as_json(
            "json-bidi",
            strings(v, &|s| format!("\u{202E}{s}\u{202C}\u{2066}")),
        ),
        as_json(
            "json-zero-width",
            strings(v, &|s| format!("\u{200B}{s}\u{FEFF}\u{200D}")),
        ),
        as_json("json-10k", strings(v, &|_| "科".repeat(10_000))),
        as_json("json-10k-ascii", strings(v, &|_| "a".repeat(10_000))),
        as_json("json-sql", strings(v, &|_| SQL.to_owned())),
        as_json(
            "json-query-syntax",
            strings(v, &|_| QUERY_SYNTAX.to_owned()),
        ),
        as_json("json-traversal", strings(v, &|_| TRAVERSAL.to_owned())),
        as_json(
            "json-html",
            strings(v, &|_| {
                "<script>alert(1)</script><img src=x onerror=alert(1)>".to_owned()
            }),
        ),
        as_json(
            "json-objects-for-values",
            map_values(v, &|_| Some(json!({}))),
        ),
        as_json(
            "json-arrays-for-values",
            map_values(v, &|_| Some(json!([1]))),
        ),
        as_json(
            "json-strings-for-values",
            map_values(v, &|leaf| (!leaf.is_string()).then(|| json!("1"))),
        ),
        as_json(
            "json-bools-for-values",
            map_values(v, &|_| Some(json!(true))),
        ),
        as_json(
            "json-numbers-for-values",
            map_values(v, &|_| Some(json!(7))),
        ),
        as_json("json-nulls", top_nulls),
        as_json("json-huge-float", numbers(v, &json!(1e308))),
        as_json("json-u64-max", numbers(v, &json!(u64::MAX))),
        as_json("json-i64-min", numbers(v, &json!(i64::MIN))),
        as_json("json-negative", numbers(v, &json!(-1))),
        as_json("json-fraction", numbers(v, &json!(0.5))),
        // As many elements as fit in about 300 KB an array, so that the body stays under
        // the JSON limit and reaches the use case.
        as_json(
            "json-huge-arrays",
            arrays(v, &|items| {
                let one = items.first().cloned().unwrap_or(json!(1));
                let each = serde_json::to_string(&one).unwrap().len() + 1;
                Value::Array(vec![one; (300_000 / each).max(1_000)])
            }),
        ),
        raw("json-duplicate-keys", duplicate),
        as_json("json-mass-assignment", mass),
    ];
    let mut plain = base.named("json-wrong-content-type");
    plain.set_header("content-type", "text/plain");
    out.push(plain);
    let mut bare = base.named("json-no-content-type");
    bare.drop_header("content-type");
    out.push(bare);
    let mut latin = base.named("json-declared-latin1");
    latin.set_header("content-type", "application/json; charset=latin1");
    latin.body = marked(b"caf\xe9");
    out.push(latin);
    out
}

/// Bodies sent where none is expected.
fn unexpected_body_probes(base: &Probe) -> Vec<Probe> {
    let mut out = Vec::new();
    for (name, body) in [
        ("body-json-nul", b"{\"reason\": \"\\u0000\"}".to_vec()),
        (
            "body-json-deep",
            format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)).into_bytes(),
        ),
        (
            "body-json-9mb",
            format!("\"{}\"", "a".repeat(9 * 1024 * 1024)).into_bytes(),
        ),
    ] {
        let mut p = base.named(name);
        p.set_header("content-type", "application/json");
        p.body = body;
        out.push(p);
    }
    out
}

fn form_probes(base: &Probe, pairs: &[(String, String)]) -> Vec<Probe> {
    let kept = |k: &str| k == "_csrf" || k == "version";
    let mapped = |f: &dyn Fn(&str) -> String| -> Vec<u8> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| (k.clone(), if kept(k) { v.clone() } else { f(v) }))
            .collect();
        form_body(&pairs)
    };
    let raw_values = |raw: &str| -> Vec<u8> {
        pairs
            .iter()
            .map(|(k, v)| {
                let value = if kept(k) {
                    urlencoding::encode(v).into_owned()
                } else {
                    raw.to_owned()
                };
                format!("{}={value}", urlencoding::encode(k))
            })
            .collect::<Vec<_>>()
            .join("&")
            .into_bytes()
    };
    let with = |name: &str, body: Vec<u8>| {
        let mut p = base.named(name);
        p.body = body;
        p
    };
    let without_csrf: Vec<(String, String)> = pairs
        .iter()
        .filter(|(k, _)| k != "_csrf")
        .cloned()
        .collect();
    let forged_csrf: Vec<(String, String)> = pairs
        .iter()
        .map(|(k, v)| {
            if k == "_csrf" {
                (k.clone(), "0".repeat(32))
            } else {
                (k.clone(), v.clone())
            }
        })
        .collect();
    let mut doubled = pairs.to_vec();
    doubled.extend(
        pairs
            .iter()
            .filter(|(k, _)| k != "_csrf")
            .map(|(k, _)| (k.clone(), "第二个值".to_owned())),
    );
    let mut out = vec![
        with("form-empty", Vec::new()),
        with("form-no-csrf", form_body(&without_csrf)),
        with("form-forged-csrf", form_body(&forged_csrf)),
        with("form-nul", raw_values("%00")),
        with("form-invalid-utf8", raw_values("%FF%FE")),
        with("form-lone-surrogate", raw_values("%ED%A0%80")),
        with("form-bidi", mapped(&|v| format!("\u{202E}{v}\u{202C}"))),
        with(
            "form-zero-width",
            mapped(&|v| format!("\u{200B}{v}\u{FEFF}")),
        ),
        with("form-10k", mapped(&|_| "科".repeat(10_000))),
        with("form-sql", mapped(&|_| SQL.to_owned())),
        with("form-query-syntax", mapped(&|_| QUERY_SYNTAX.to_owned())),
        with("form-traversal", mapped(&|_| TRAVERSAL.to_owned())),
        with(
            "form-overflow-numbers",
            mapped(&|_| "99999999999999999999".to_owned()),
        ),
        with("form-nan", mapped(&|_| "NaN".to_owned())),
        with("form-duplicate-keys", form_body(&doubled)),
        with(
            "form-broken-encoding",
            [form_body(pairs).as_slice(), b"&%zz=%&=&&==&a=%E4%B8"].concat(),
        ),
        with(
            "form-oversized-9mb",
            [
                form_body(pairs).as_slice(),
                b"&pad=",
                "a".repeat(9 * 1024 * 1024).as_bytes(),
            ]
            .concat(),
        ),
        with(
            "form-200k-fields",
            [
                form_body(pairs).as_slice(),
                "&ids=1".repeat(200_000).as_bytes(),
            ]
            .concat(),
        ),
    ];
    if pairs.iter().any(|(k, _)| k == "version") {
        let overflow: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| {
                if k == "version" {
                    (k.clone(), "99999999999999999999".to_owned())
                } else {
                    (k.clone(), v.clone())
                }
            })
            .collect();
        out.push(with("form-version-overflow", form_body(&overflow)));
    }
    let mut as_json = base.named("form-sent-as-json");
    as_json.set_header("content-type", "application/json");
    out.push(as_json);
    let mut as_multipart = base.named("form-sent-as-multipart");
    as_multipart.set_header("content-type", "multipart/form-data; boundary=nothing");
    out.push(as_multipart);
    out
}

// Uploads.

/// A PNG header (IHDR) of any size with an empty image after it (as in the http tests'
/// hardening.rs): enough for a decoder to read the size.
fn png_header(width: u32, height: u32, depth: u8, colour: u8) -> Vec<u8> {
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for b in bytes {
            crc ^= u32::from(*b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
    fn chunk(out: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
        out.extend_from_slice(&u32::try_from(data.len()).unwrap().to_be_bytes());
        let mut body = kind.to_vec();
        body.extend_from_slice(data);
        out.extend_from_slice(&body);
        out.extend_from_slice(&crc32(&body).to_be_bytes());
    }
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = width.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[depth, colour, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(
        &mut out,
        b"IDAT",
        &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
    );
    chunk(&mut out, b"IEND", &[]);
    out
}

/// A real JPEG whose frame header claims 65500×65500.
fn jpeg_huge_frame() -> Vec<u8> {
    let mut bytes = jpeg(64, 48);
    if let Some(at) = bytes.windows(2).position(|w| w == [0xFF, 0xC0]) {
        // Marker, length (2), precision (1), height (2), width (2).
        for offset in [at + 5, at + 7] {
            bytes[offset] = 0xFF;
            bytes[offset + 1] = 0xDC;
        }
    }
    bytes
}

fn upload_probes(base: &Probe, parts: &[Part]) -> Vec<Probe> {
    let has_kind = parts.iter().any(|p| p.name == "kind");
    let build = |name: &str, parts: Vec<Part>| {
        let mut p = base.named(name);
        p.body = multipart_body(&parts);
        p
    };
    let with_file = |filename: &[u8], data: Vec<u8>, kind: Option<&str>| -> Vec<Part> {
        parts
            .iter()
            .map(|p| {
                if p.name == "file" {
                    Part {
                        name: "file".to_owned(),
                        filename: Some(filename.to_vec()),
                        data: data.clone(),
                    }
                } else if p.name == "kind"
                    && let Some(kind) = kind
                {
                    part("kind", kind)
                } else {
                    p.clone()
                }
            })
            .collect()
    };
    let with_kind = |kind: &str| with_file(b"p.png", png(40, 30), Some(kind));
    let whole = jpeg(600, 350);
    let cut = whole[..whole.len() * 6 / 10].to_vec();
    let mut disguised = png(40, 30);
    disguised.extend_from_slice(b"<html><script>alert(1)</script></html>");
    let mut broken_crc = png(40, 30);
    let n = broken_crc.len();
    broken_crc[n - 20] ^= 0xFF;
    let mp4 = app::fixtures::mp4(60, 1280, 720, false, 1024);
    let mp4_cut = mp4[..mp4.len() / 2].to_vec();
    let mut oversized = png(40, 30);
    oversized.resize(3 * 1024 * 1024, 0);
    let mut out = vec![
        build("upload-png-bomb-30000", with_file(b"bomb.png", png_header(30_000, 30_000, 1, 0), Some("photo"))),
        build("upload-png-bomb-rgba", with_file(b"bomb.png", png_header(11_800, 11_800, 8, 6), Some("photo"))),
        build("upload-png-bomb-poster", with_file(b"bomb.png", png_header(11_999, 11_999, 1, 0), Some("poster"))),
        build("upload-png-u32-dims", with_file(b"bomb.png", png_header(u32::MAX, u32::MAX, 16, 6), Some("photo"))),
        build("upload-jpeg-huge-frame", with_file(b"bomb.jpg", jpeg_huge_frame(), Some("photo"))),
        build("upload-jpeg-truncated", with_file(b"cut.jpg", cut.clone(), Some("photo"))),
        build("upload-jpeg-truncated-poster", with_file(b"cut.jpg", cut, Some("poster"))),
        build("upload-png-html-appended", with_file(b"a.png", disguised, Some("photo"))),
        build("upload-png-broken-crc", with_file(b"a.png", broken_crc, Some("photo"))),
        build("upload-html-named-png", with_file(b"a.png", b"<!doctype html><script>alert(1)</script>".to_vec(), Some("photo"))),
        build("upload-svg-script", with_file(b"a.svg", b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"><script>alert(2)</script></svg>".to_vec(), Some("photo"))),
        build("upload-empty-file", with_file(b"empty.png", Vec::new(), Some("photo"))),
        build("upload-mp4-truncated", with_file(b"v.mp4", mp4_cut, Some("video"))),
        build("upload-mp4-as-photo", with_file(b"v.png", mp4, Some("photo"))),
        build("upload-oversized-3mb-poster", with_file(b"big.png", oversized, Some("poster"))),
        build("upload-filename-traversal", with_file(TRAVERSAL.as_bytes(), png(40, 30), None)),
        build("upload-filename-windows-traversal", with_file(b"..\\..\\..\\windows\\win.ini", png(40, 30), None)),
        build("upload-filename-absolute", with_file(b"/etc/passwd", png(40, 30), None)),
        build("upload-filename-10k", with_file(format!("{}.png", "a".repeat(10_000)).as_bytes(), png(40, 30), None)),
        build("upload-filename-bidi", with_file("\u{202E}gnp.exe".as_bytes(), png(40, 30), None)),
        build("upload-filename-nul", with_file(b"a\0.png", png(40, 30), None)),
        build("upload-filename-invalid-utf8", with_file(b"a\xff\xfe.png", png(40, 30), None)),
        build("upload-filename-header-injection", with_file(b"a.png\"\r\nContent-Type: text/html\r\n\r\n<script>", png(40, 30), None)),
        build("upload-no-file", parts.iter().filter(|p| p.name != "file").cloned().collect()),
        build(
            "upload-two-files",
            [parts.to_vec(), vec![file_part("b.png", png(40, 30))]].concat(),
        ),
        build(
            "upload-50k-fields",
            (0..50_000)
                .map(|i| part(&format!("x{i}"), "1"))
                .chain(parts.iter().cloned())
                .collect(),
        ),
    ];
    if has_kind {
        out.push(build("upload-kind-traversal", with_kind(TRAVERSAL)));
        out.push(build("upload-kind-10k", with_kind(&"k".repeat(10_000))));
        out.push(build("upload-kind-sql", with_kind(SQL)));
        out.push(build("upload-kind-nul", with_kind("photo\0")));
        out.push(build(
            "upload-kind-missing",
            parts.iter().filter(|p| p.name != "kind").cloned().collect(),
        ));
        out.push(build(
            "upload-consent-missing",
            parts
                .iter()
                .filter(|p| p.name != "consent")
                .cloned()
                .collect(),
        ));
        out.push(build(
            "upload-consent-sql",
            parts
                .iter()
                .map(|p| {
                    if p.name == "consent" {
                        part("consent", SQL)
                    } else {
                        p.clone()
                    }
                })
                .collect(),
        ));
        let mut reordered: Vec<Part> = parts.iter().filter(|p| p.name != "kind").cloned().collect();
        reordered.push(part("kind", "photo"));
        out.push(build("upload-file-before-kind", reordered));
    }
    let body = multipart_body(parts);
    let mut truncated = base.named("upload-truncated-body");
    truncated.body = body[..body.len() - 100].to_vec();
    out.push(truncated);
    let mut no_boundary = base.named("upload-missing-boundary");
    no_boundary.set_header("content-type", "multipart/form-data");
    out.push(no_boundary);
    let mut other_boundary = base.named("upload-wrong-boundary");
    other_boundary.set_header("content-type", "multipart/form-data; boundary=other");
    out.push(other_boundary);
    let mut as_json = base.named("upload-sent-as-json");
    as_json.set_header("content-type", "application/json");
    as_json.body = b"{\"kind\": \"photo\", \"file\": \"AAAA\"}".to_vec();
    out.push(as_json);
    let mut declared = base.named("upload-declared-3gb");
    declared.set_header("content-length", "3000000000");
    out.push(declared);
    out
}

fn xlsx_table(rows: &[[&str; 8]]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let head = [
        "序号",
        "项目名称",
        "举办单位",
        "活动时间",
        "活动地点",
        "负责人",
        "联系电话",
        "备注",
    ];
    for (c, h) in (0_u16..).zip(head) {
        sheet.write_string(0, c, h).unwrap();
    }
    for (r, row) in (1_u32..).zip(rows) {
        for (c, v) in (0_u16..).zip(row) {
            sheet.write_string(r, c, *v).unwrap();
        }
    }
    book.save_to_buffer().unwrap()
}

/// A workbook whose first sheet is `sheet`, and whatever entries `extra` names beside it.
fn xlsx_with_sheet(sheet: &[u8], extra: &[(&str, &[u8])]) -> Vec<u8> {
    xlsx_writing_sheet(&|out| out.write_all(sheet).unwrap(), extra)
}

/// A workbook whose first sheet `sheet` writes.
fn xlsx_writing_sheet(sheet: &dyn Fn(&mut dyn Write), extra: &[(&str, &[u8])]) -> Vec<u8> {
    let template = xlsx_table(&[]);
    let mut archive = zip::ZipArchive::new(Cursor::new(template)).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let deflated = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let name = entry.name().to_owned();
        let mut data = Vec::new();
        entry.read_to_end(&mut data).unwrap();
        out.start_file(name.as_str(), deflated).unwrap();
        if name == "xl/worksheets/sheet1.xml" {
            sheet(&mut out);
        } else {
            out.write_all(&data).unwrap();
        }
    }
    for (name, data) in extra {
        out.start_file(*name, deflated).unwrap();
        out.write_all(data).unwrap();
    }
    out.finish().unwrap().into_inner()
}

const SHEET_HEAD: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">";

/// A sheet whose text inflates to 256 MB from a few hundred kilobytes (built once).
fn xlsx_zip_bomb() -> Vec<u8> {
    static BOMB: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    BOMB.get_or_init(build_zip_bomb).clone()
}

fn build_zip_bomb() -> Vec<u8> {
    xlsx_writing_sheet(
        &|out| {
            let head =
                format!("{SHEET_HEAD}<sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>");
            out.write_all(head.as_bytes()).unwrap();
            let spaces = vec![b' '; 1024 * 1024];
            for _ in 0..256 {
                out.write_all(&spaces).unwrap();
            }
            out.write_all(b"</t></is></c></row></sheetData></worksheet>")
                .unwrap();
        },
        &[],
    )
}

/// A sheet of two cells, A1 and XFD1048576: a reader that makes the sheet's whole rectangle
/// asks for 17 billion cells.
fn xlsx_dimension_bomb() -> Vec<u8> {
    let sheet = format!(
        "{SHEET_HEAD}<dimension ref=\"A1:XFD1048576\"/><sheetData>\
         <row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>序号</t></is></c></row>\
         <row r=\"1048576\"><c r=\"XFD1048576\" t=\"inlineStr\"><is><t>x</t></is></c></row>\
         </sheetData></worksheet>"
    );
    xlsx_with_sheet(sheet.as_bytes(), &[])
}

fn good_row<'a>(name: &'a str, host: &'a str) -> [&'a str; 8] {
    [
        "1",
        name,
        host,
        "2026-09-20 09:00 至 2026-09-20 11:00",
        "湖滨区文化中心",
        "张老师",
        "13800138011",
        "",
    ]
}

fn xlsx_probes(base: &Probe) -> Vec<Probe> {
    let with = |name: &str, body: Vec<u8>| {
        let mut p = base.named(name);
        p.body = body;
        p
    };
    let valid = xlsx_table(&[good_row("社区科普讲座", "三门峡市科技馆")]);
    let ten_k = "科".repeat(10_000);
    let many: Vec<[&str; 8]> = (0..5_001)
        .map(|_| good_row("社区科普讲座", "三门峡市科技馆"))
        .collect();
    let mut oversized = valid.clone();
    oversized.resize(11 * 1024 * 1024, 0);
    let mut out = vec![
        with("xlsx-empty", Vec::new()),
        with("xlsx-truncated", valid[..valid.len() / 2].to_vec()),
        with(
            "xlsx-html",
            b"<html><body><table><tr><td>1</td></tr></table></body></html>".to_vec(),
        ),
        with("xlsx-png", png(40, 30)),
        with("xlsx-zip-bomb", xlsx_zip_bomb()),
        with(
            "xlsx-zip-traversal-entry",
            xlsx_with_sheet(
                &xlsx_sheet_of(&valid),
                &[("../../../../tmp/kepu-hostile-escape", b"escaped".as_slice())],
            ),
        ),
        with(
            "xlsx-nul-in-valid-row",
            xlsx_table(&[good_row("科普\u{0}讲座", "三门峡市科技馆")]),
        ),
        with(
            "xlsx-bidi-in-valid-row",
            xlsx_table(&[good_row("科普\u{202E}讲座", "三门峡市科技馆")]),
        ),
        with(
            "xlsx-zero-width-in-valid-row",
            xlsx_table(&[good_row("科普\u{200B}讲座", "三门峡市科技馆")]),
        ),
        with(
            "xlsx-10k-in-valid-row",
            xlsx_table(&[good_row(&ten_k, "三门峡市科技馆")]),
        ),
        with(
            "xlsx-sql-in-valid-row",
            xlsx_table(&[good_row(SQL, "三门峡市科技馆")]),
        ),
        with(
            "xlsx-formula-in-valid-row",
            xlsx_table(&[good_row(
                "=HYPERLINK(\"http://evil.example\",\"点击\")",
                "三门峡市科技馆",
            )]),
        ),
        with(
            "xlsx-traversal-host",
            xlsx_table(&[good_row("社区科普讲座", TRAVERSAL)]),
        ),
        with(
            "xlsx-10k-host",
            xlsx_table(&[good_row("社区科普讲座", &ten_k)]),
        ),
        with("xlsx-5001-rows", xlsx_table(&many)),
        with("xlsx-oversized-11mb", oversized),
    ];
    let mut as_json = base.named("xlsx-sent-as-json");
    as_json.set_header("content-type", "application/json");
    out.push(as_json);
    out
}

/// The first sheet's XML of a workbook.
fn xlsx_sheet_of(book: &[u8]) -> Vec<u8> {
    let mut archive = zip::ZipArchive::new(Cursor::new(book.to_vec())).unwrap();
    let mut entry = archive.by_name("xl/worksheets/sheet1.xml").unwrap();
    let mut out = Vec::new();
    entry.read_to_end(&mut out).unwrap();
    out
}

fn header_probes(e: &Endpoint, base: &Probe) -> Vec<Probe> {
    let mut out = Vec::new();
    let mut forged = base.named("forged-host");
    forged.set_header("host", EVIL);
    forged.set_header("x-forwarded-host", EVIL);
    forged.set_header("x-forwarded-proto", "https");
    forged.set_header(
        "forwarded",
        format!("for=203.0.113.9;host={EVIL};proto=https"),
    );
    out.push(forged);
    let mut xff = base.named("forged-x-forwarded-for");
    xff.set_header("x-forwarded-for", "203.0.113.9, 10.0.0.1");
    xff.set_header("x-real-ip", "203.0.113.9");
    xff.set_header("forwarded", "for=\"[2001:db8::1]\"");
    out.push(xff);
    let mut hostile_xff = base.named("hostile-x-forwarded-for");
    hostile_xff.set_header(
        "x-forwarded-for",
        format!(
            "' OR 1=1 --, {TRAVERSAL}, 999.999.999.999, ::ffff:zzz, {}",
            "1.1.1.1, ".repeat(2_000)
        ),
    );
    out.push(hostile_xff);
    let mut long_host = base.named("host-10k");
    long_host.set_header("host", format!("{}.example", "a".repeat(10_000)));
    out.push(long_host);
    let wrong = match e.method {
        Method::GET => Method::DELETE,
        Method::DELETE | Method::PUT | Method::PATCH => Method::POST,
        _ => Method::PUT,
    };
    let mut other = base.named(format!("wrong-method-{wrong}"));
    other.method = wrong;
    out.push(other);
    let authed = !matches!(e.who, Who::Anon);
    if authed {
        let mut anon = base.named("anonymous");
        anon.drop_header("authorization");
        anon.drop_header("cookie");
        out.push(anon);
    }
    for (name, value) in [
        ("bearer-sql", format!("Bearer {SQL}")),
        ("bearer-10k", format!("Bearer {}", "a".repeat(10_000))),
        ("auth-basic", "Basic YWRtaW46YWRtaW4=".to_owned()),
    ] {
        if authed || name == "bearer-sql" {
            let mut p = base.named(name);
            p.drop_header("cookie");
            p.set_header("authorization", value);
            out.push(p);
        }
    }
    for (name, value) in [
        ("cookie-10k", format!("kepu_session={}", "a".repeat(10_000))),
        ("cookie-sql", format!("kepu_session={SQL}")),
    ] {
        let mut p = base.named(name);
        p.drop_header("authorization");
        p.set_header("cookie", value);
        out.push(p);
    }
    if let Who::Browser(_) = e.who
        && e.method != Method::GET
    {
        let mut cross = base.named("cross-site-origin");
        cross.set_header("origin", format!("https://{EVIL}"));
        cross.set_header("sec-fetch-site", "cross-site");
        out.push(cross);
    }
    if let Who::Bearer(_) = e.who
        && e.method != Method::GET
        && e.route.starts_with("/api/")
    {
        // The API by cookie: without the CSRF header a write is refused.
        let mut cookie = base.named("api-write-by-cookie-without-csrf-header");
        cookie.drop_header("authorization");
        cookie.set_header("cookie", format!("kepu_session={}", COOKIE_SLOT));
        out.push(cookie);
    }
    let takes_version = e.method == Method::PATCH
        || e.route.ends_with("/submit")
        || e.route.ends_with("/withdraw")
        || e.route.ends_with("/decisions");
    if takes_version && e.route.starts_with("/api/") {
        for (name, value) in [
            ("if-match-sql", "1 OR 1=1".to_owned()),
            ("if-match-overflow", "99999999999999999999".to_owned()),
            ("if-match-negative", "-1".to_owned()),
            ("if-match-10k", "9".repeat(10_000)),
        ] {
            let mut p = base.named(name);
            p.set_header("if-match", value);
            out.push(p);
        }
    }
    if !base.body.is_empty() {
        let mut lie = base.named("content-length-3gb");
        lie.set_header("content-length", "3000000000");
        out.push(lie);
        let mut short = base.named("content-length-short");
        short.set_header("content-length", "1");
        out.push(short);
    }
    out
}

/// Filled with the host's browser session when the probes are made.
const COOKIE_SLOT: &str = "@@COOKIE@@";

fn probes(e: &Endpoint, host_cookie: &str) -> Vec<Probe> {
    let base = baseline(e);
    let mut out = path_probes(e, &base);
    out.extend(query_probes(e, &base));
    match &e.payload {
        Payload::Empty => {
            if e.method != Method::GET && e.method != Method::DELETE {
                out.extend(unexpected_body_probes(&base));
            }
        }
        Payload::Json(v) => out.extend(json_probes(&base, v)),
        Payload::Form(pairs) => out.extend(form_probes(&base, pairs)),
        Payload::Multipart(parts) => out.extend(upload_probes(&base, parts)),
        Payload::Xlsx(_) => out.extend(xlsx_probes(&base)),
    }
    // Last: the probes that leave the baseline's request as it is and so may carry it out.
    out.extend(header_probes(e, &base));
    for p in &mut out {
        for (_, value) in &mut p.headers {
            if value
                .windows(COOKIE_SLOT.len())
                .any(|w| w == COOKIE_SLOT.as_bytes())
            {
                *value = replace_bytes(value, COOKIE_SLOT.as_bytes(), host_cookie.as_bytes());
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// Sending, judging, fingerprints.

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    bytes: Vec<u8>,
}

impl Answer {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }

    fn header(&self, name: &str) -> String {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    }
}

async fn query_rows(t: &TestApp, sql: &str) -> Vec<QueryResult> {
    let db = &t.app.db;
    db.query_all_raw(Statement::from_string(
        db.get_database_backend(),
        sql.to_owned(),
    ))
    .await
    .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

async fn current_version(t: &TestApp, table: &str, id: i64) -> i64 {
    query_rows(t, &format!("SELECT version FROM {table} WHERE id = {id}"))
        .await
        .first()
        .and_then(|r| r.try_get::<i64>("", "version").ok())
        .unwrap_or(1)
}

async fn deliver(t: &TestApp, probe: &Probe) -> (Result<Answer, String>, Duration) {
    let mut body = probe.body.clone();
    let mut headers = probe.headers.clone();
    if let Some((table, id)) = probe.version_of {
        let version = current_version(t, table, id).await.to_string();
        body = replace_bytes(&body, VERSION.as_bytes(), version.as_bytes());
        for (_, value) in &mut headers {
            *value = replace_bytes(value, VERSION.as_bytes(), version.as_bytes());
        }
    }
    let mut builder = Request::builder()
        .method(probe.method.clone())
        .uri(probe.uri());
    for (name, value) in &headers {
        let value = HeaderValue::from_bytes(value)
            .unwrap_or_else(|e| panic!("{} [{}]: header {name}: {e}", probe.route, probe.mutation));
        builder = builder.header(name.as_str(), value);
    }
    let mut request = builder.body(Body::from(body)).unwrap_or_else(|e| {
        panic!(
            "{} [{}]: the request cannot be built: {e}",
            probe.route, probe.mutation
        )
    });
    request
        .extensions_mut()
        .insert(ConnectInfo(SocketAddr::from(([127, 0, 0, 1], 40000))));
    let started = Instant::now();
    let answered = tokio::time::timeout(HANG, async {
        let response = t
            .router
            .clone()
            .oneshot(request)
            .await
            .unwrap_or_else(|e| match e {});
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response
            .into_body()
            .collect()
            .await
            .map_err(|e| format!("the answer's body broke off: {e}"))?
            .to_bytes()
            .to_vec();
        Ok::<Answer, String>(Answer {
            status,
            headers,
            bytes,
        })
    })
    .await;
    let took = started.elapsed();
    match answered {
        Ok(answer) => (answer, took),
        Err(_) => (Err(format!("no answer within {HANG:?}: a hang")), took),
    }
}

/// What is wrong with an answer, if anything.
fn judge(p: &Probe, a: &Answer) -> Vec<String> {
    let mut problems = Vec::new();
    let s = a.status;
    let ctype = a.header("content-type");
    if s.is_server_error() {
        problems.push(format!("{s}: a server error"));
    } else if s.is_client_error() {
        if p.api() {
            let body: Option<Value> = serde_json::from_slice(&a.bytes).ok();
            let good = body.as_ref().is_some_and(|b| {
                b["error"]["code"].as_str().is_some_and(|c| !c.is_empty())
                    && b["error"]["message"]
                        .as_str()
                        .is_some_and(|m| !m.is_empty())
            });
            if !good || !ctype.starts_with("application/json") {
                problems.push(format!(
                    "{s} without the contract's error body (content-type {ctype:?})"
                ));
            }
        } else if !ctype.starts_with("text/html") {
            problems.push(format!("{s} is not an HTML page (content-type {ctype:?})"));
        }
        if p.api() && s == StatusCode::TOO_MANY_REQUESTS && a.header("retry-after").is_empty() {
            problems.push("429 without Retry-After".to_owned());
        }
    } else if s.is_redirection() {
        let to = a.header("location");
        if p.api() {
            problems.push(format!("{s}: the API answered a redirect to {to:?}"));
        } else if !to.starts_with('/') || to.starts_with("//") {
            problems.push(format!("{s}: a redirect off the site, to {to:?}"));
        }
    } else if s.is_success() {
        if p.api()
            && ctype.starts_with("application/json")
            && serde_json::from_slice::<Value>(&a.bytes).is_err()
        {
            problems.push(format!("{s} with a body that is not JSON"));
        }
    } else {
        problems.push(format!("{s}: an unexpected status"));
    }
    if p.mutation == "forged-host" {
        let needle = EVIL.as_bytes();
        let echoed = a.bytes.windows(needle.len()).any(|w| w == needle)
            || a.headers
                .values()
                .any(|v| v.as_bytes().windows(needle.len()).any(|w| w == needle));
        if echoed {
            problems.push("the forged Host is echoed in the answer".to_owned());
        }
    }
    if p.mutation == "json-mass-assignment"
        && s.is_success()
        && (p.route == "/api/v1/activities" || p.route == "/api/v1/activities/{id}")
    {
        let body: Value = serde_json::from_slice(&a.bytes).unwrap_or(Value::Null);
        if body["status"] != "draft" {
            problems.push(format!("a client-sent status was taken: {body}"));
        }
    }
    problems
}

/// Whether the answer refuses the request: a 4xx, or a page's redirect that carries an error
/// or sends a visitor to log in.
fn refused(a: &Answer) -> bool {
    let to = a.header("location");
    a.status.is_client_error()
        || (a.status.is_redirection() && (to.contains("error=") || to == "/login"))
}

/// Every row of every table (as text, sorted) and every file in the data folder.
type Print = BTreeMap<String, Vec<String>>;

/// Tables left out of the fingerprint: they change, rightly, when a request is refused.
const SKIPPED_TABLES: &[(&str, &str)] = &[
    (
        "login_locks",
        "counts wrong login codes: a refused login is what it counts",
    ),
    (
        "audit_events",
        "records every refusal of a signed-in person: a refused request is what it records \
         (tests/http/audit.rs and the matrix check what it records)",
    ),
    (
        "checkin_attempts",
        "logs every check-in attempt, refused ones included: a refused code is what the \
         limit of ten an hour counts (tests/http/routes.rs checks it)",
    ),
];

/// Tables of which only the number of rows is compared.
const COUNTED_TABLES: &[(&str, &str)] = &[(
    "regions",
    "3,349 shipped divisions, read after every request, would double the battery's time; \
     the API only ever adds a division, which changes the count",
)];

/// Columns left out of the fingerprint.
const SKIPPED_COLUMNS: &[(&str, &str, &str)] = &[
    (
        "api_tokens",
        "last_used_at",
        "a bearer token's use is noted when it is presented, before the request is judged",
    ),
    (
        "web_sessions",
        "last_seen_at",
        "a browser session's last request is noted, so that idle sessions end",
    ),
    (
        "sms_codes",
        "used_at",
        "wrong codes void the phone's codes when they lock it: the lock is the refusal",
    ),
];

/// Rows left out of the fingerprint.
const SKIPPED_ROWS: &[(&str, &str, &str)] = &[(
    "web_sessions",
    "user_id IS NOT NULL",
    "a visitor's session (no user) is begun by any page that carries a form",
)];

/// Folders of the data folder left out of the fingerprint.
const SKIPPED_FOLDERS: &[(&str, &str)] = &[(
    "search",
    "the search index is derived data: it catches up with the database on a search and \
     merges its segments in the background (ADR 0002)",
)];

/// One statement that reads every table's rows as text, `(t, r)`; the schema does not
/// change while the battery runs.
async fn print_statement(t: &TestApp) -> String {
    let sqlite = t.app.db.get_database_backend() == DbBackend::Sqlite;
    let tables_sql = if sqlite {
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
    } else {
        "SELECT CAST(table_name AS TEXT) AS name FROM information_schema.tables \
         WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1"
    };
    let mut parts = Vec::new();
    for row in query_rows(t, tables_sql).await {
        let table: String = row.try_get("", "name").unwrap();
        if SKIPPED_TABLES.iter().any(|(name, _)| *name == table) {
            continue;
        }
        if COUNTED_TABLES.iter().any(|(name, _)| *name == table) {
            parts.push(format!(
                "SELECT '{table}' AS t, CAST(COUNT(*) AS TEXT) AS r FROM \"{table}\""
            ));
            continue;
        }
        let columns_sql = if sqlite {
            format!("SELECT name FROM pragma_table_info('{table}') ORDER BY cid")
        } else {
            format!(
                "SELECT CAST(column_name AS TEXT) AS name FROM information_schema.columns \
                 WHERE table_schema = current_schema() AND table_name = '{table}' \
                 ORDER BY ordinal_position"
            )
        };
        let columns: Vec<String> = query_rows(t, &columns_sql)
            .await
            .iter()
            .map(|r| r.try_get::<String>("", "name").unwrap())
            .filter(|c| {
                !SKIPPED_COLUMNS
                    .iter()
                    .any(|(tb, col, _)| *tb == table && col == c)
            })
            .collect();
        if columns.is_empty() {
            continue;
        }
        let text = columns
            .iter()
            .map(|c| format!("COALESCE(CAST(\"{c}\" AS TEXT), '∅')"))
            .collect::<Vec<_>>()
            .join(" || '|' || ");
        let filter = SKIPPED_ROWS
            .iter()
            .find(|(tb, _, _)| *tb == table)
            .map(|(_, keep, _)| format!(" WHERE {keep}"))
            .unwrap_or_default();
        parts.push(format!(
            "SELECT '{table}' AS t, {text} AS r FROM \"{table}\"{filter}"
        ));
    }
    parts.join(" UNION ALL ")
}

fn files(dir: &Path, root: &Path, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .display()
            .to_string();
        if SKIPPED_FOLDERS.iter().any(|(folder, _)| name == *folder) {
            continue;
        }
        if path.is_dir() {
            files(&path, root, out);
        } else {
            let size = entry.metadata().map(|m| m.len()).unwrap_or_default();
            out.push(format!("{name} ({size} bytes)"));
        }
    }
}

async fn fingerprint(t: &TestApp, statement: &str) -> Print {
    let mut print = Print::new();
    for row in query_rows(t, statement).await {
        let table: String = row.try_get("", "t").unwrap();
        let text = row
            .try_get::<String>("", "r")
            .unwrap_or_else(|e| format!("<unreadable row: {e}>"));
        print.entry(table).or_default().push(text);
    }
    for rows in print.values_mut() {
        rows.sort();
    }
    let mut listed = Vec::new();
    files(&t.data_dir, &t.data_dir, &mut listed);
    listed.sort();
    print.insert("(files in the data folder)".to_owned(), listed);
    print
}

fn short(text: &str, n: usize) -> String {
    let mut out: String = text.chars().take(n).collect();
    if text.chars().count() > n {
        out.push('…');
    }
    out
}

fn difference(before: &Print, after: &Print) -> Option<String> {
    let mut out = Vec::new();
    let keys: std::collections::BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    for key in keys {
        let b = before.get(key).map(Vec::as_slice).unwrap_or_default();
        let a = after.get(key).map(Vec::as_slice).unwrap_or_default();
        if a == b {
            continue;
        }
        let in_b: HashSet<&String> = b.iter().collect();
        let in_a: HashSet<&String> = a.iter().collect();
        let added: Vec<String> = a
            .iter()
            .filter(|r| !in_b.contains(r))
            .take(3)
            .map(|r| short(r, 240))
            .collect();
        let removed: Vec<String> = b
            .iter()
            .filter(|r| !in_a.contains(r))
            .take(3)
            .map(|r| short(r, 240))
            .collect();
        out.push(format!(
            "{key}: {} → {} rows; now {added:?}; before {removed:?}",
            b.len(),
            a.len()
        ));
    }
    (!out.is_empty()).then(|| out.join("\n        "))
}

/// One probe's outcome.
struct Outcome {
    probe: String,
    status: Option<StatusCode>,
    took: Duration,
    upload: bool,
}

fn describe(p: &Probe) -> String {
    format!(
        "{} {} [{}] (route {})",
        p.method,
        short(&p.uri(), 160),
        p.mutation,
        p.route
    )
}

#[derive(Default)]
struct Report {
    outcomes: Vec<Outcome>,
    failures: Vec<String>,
    notes: Vec<String>,
}

impl Report {
    async fn run(&mut self, t: &TestApp, p: &Probe) -> Option<Answer> {
        let (answer, took) = deliver(t, p).await;
        let name = describe(p);
        match answer {
            Err(problem) => {
                self.failures.push(format!("{name}: {problem}"));
                self.outcomes.push(Outcome {
                    probe: name,
                    status: None,
                    took,
                    upload: p.upload,
                });
                None
            }
            Ok(a) => {
                for problem in judge(p, &a) {
                    self.failures.push(format!(
                        "{name}: {problem}; answer: {}",
                        short(&a.text(), 300)
                    ));
                }
                let invisible = ['\u{202E}', '\u{200B}', '\u{FEFF}', '\u{200D}', '\u{2066}'];
                if std::env::var_os(VERBOSE).is_some() {
                    println!("{} {took:?} {name}", a.status);
                }
                if a.status.is_success()
                    && p.method != Method::GET
                    && (p.mutation.contains("bidi") || p.mutation.contains("zero-width"))
                    && a.text().contains(invisible)
                {
                    self.notes.push(format!(
                        "{name}: {} and the answer carries the invisible characters",
                        a.status
                    ));
                }
                self.outcomes.push(Outcome {
                    probe: name,
                    status: Some(a.status),
                    took,
                    upload: p.upload,
                });
                Some(a)
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// The battery.

async fn hostile_inputs_are_refused_cleanly(backend: Backend) {
    let started = Instant::now();
    let w = world(backend).await;
    let table = endpoints(&w);

    // Every route the router declares has a line in the table.
    let covered: HashSet<&str> = table.iter().map(|e| e.route).collect();
    let missing: Vec<String> = declared_routes()
        .into_iter()
        .filter(|r| !covered.contains(r.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "routes without a line in the battery: {missing:?}"
    );

    let mut seen = HashSet::new();
    let mut all: Vec<Probe> = Vec::new();
    for e in &table {
        for p in probes(e, &w.host_browser.cookie) {
            if seen.insert(p.key()) {
                all.push(p);
            }
        }
    }
    let mut per_route: BTreeMap<String, usize> = BTreeMap::new();
    for p in &all {
        *per_route
            .entry(format!("{} {}", baseline_method(&table, p), p.route))
            .or_default() += 1;
    }
    let (reads, writes): (Vec<Probe>, Vec<Probe>) =
        all.into_iter().partition(|p| p.method == Method::GET);
    let built = started.elapsed();

    let statement = print_statement(&w.t).await;
    let mut report = Report::default();
    let mut printing = Duration::ZERO;

    // Reads first, then writes. A refused request changes nothing: the fingerprint after it
    // is compared with the one before (taken again only when the request before was not
    // refused, and so may rightly have changed something).
    let mut before: Option<Print> = None;
    for p in reads.iter().chain(&writes) {
        if before.is_none() {
            let clock = Instant::now();
            before = Some(fingerprint(&w.t, &statement).await);
            printing += clock.elapsed();
        }
        let answer = report.run(&w.t, p).await;
        match answer {
            Some(a) if refused(&a) => {
                let clock = Instant::now();
                let after = fingerprint(&w.t, &statement).await;
                printing += clock.elapsed();
                if let Some(changed) = before.as_ref().and_then(|b| difference(b, &after)) {
                    report.failures.push(format!(
                        "{}: refused with {}{} yet changed:\n        {changed}\n      answer: {}",
                        describe(p),
                        a.status,
                        match a.header("location") {
                            to if to.is_empty() => String::new(),
                            to => format!(
                                " (to {})",
                                short(
                                    &urlencoding::decode(&to)
                                        .map(|d| d.into_owned())
                                        .unwrap_or(to),
                                    200
                                )
                            ),
                        },
                        short(&a.text(), 200)
                    ));
                }
                before = Some(after);
            }
            _ => before = None,
        }
    }

    // A probe that may end the process runs in a child process.
    let clock = Instant::now();
    let (child_problem, child_output) = tokio::task::spawn_blocking(move || run_child(backend))
        .await
        .unwrap();
    if !child_output.contains("CHILD-DONE") {
        clean_up_after_child(&child_output).await;
    }
    if let Some(problem) = child_problem {
        report.failures.push(problem);
    }
    let child = clock.elapsed();

    // The server stays up, and answers as before.
    let health = w.t.get("/healthz").await;
    if health.status != StatusCode::OK {
        report.failures.push(format!(
            "after the battery /healthz answers {}",
            health.status
        ));
    }
    let me = w.t.get_as(&w.henan, "/api/v1/me").await;
    if me.status != StatusCode::OK || me.json()["name"] != "河南省管理员" {
        report.failures.push(format!(
            "after the battery /api/v1/me answers {} {}",
            me.status, me.text
        ));
    }
    let fresh =
        w.t.post(
            "/api/v1/activities",
            Some(&w.host),
            json!({"name": "战后草稿", "section": "lecture"}),
        )
        .await;
    if fresh.status != StatusCode::CREATED {
        report.failures.push(format!(
            "after the battery a new draft answers {} {}",
            fresh.status, fresh.text
        ));
    }
    let page = with_cookie(
        &w.t,
        Method::GET,
        "/my/activities",
        &w.host_browser.cookie,
        "",
    )
    .await;
    if page.status != StatusCode::OK {
        report.failures.push(format!(
            "after the battery /my/activities answers {}",
            page.status
        ));
    }
    // A forged X-Forwarded-For is never taken for the caller's address (no proxy is trusted).
    let addresses: Vec<String> = query_rows(&w.t, "SELECT DISTINCT ip FROM sms_codes")
        .await
        .iter()
        .map(|r| r.try_get::<String>("", "ip").unwrap())
        .collect();
    if addresses.iter().any(|ip| ip != "127.0.0.1") {
        report.failures.push(format!(
            "a forged X-Forwarded-For was taken for the caller's address: {addresses:?}"
        ));
    }

    // The report.
    let count = report.outcomes.len();
    let mut by_class: BTreeMap<String, usize> = BTreeMap::new();
    for o in &report.outcomes {
        let class = o
            .status
            .map_or_else(|| "none".to_owned(), |s| format!("{}xx", s.as_u16() / 100));
        *by_class.entry(class).or_default() += 1;
    }
    let mut slowest: Vec<&Outcome> = report.outcomes.iter().collect();
    slowest.sort_by_key(|o| std::cmp::Reverse(o.took));
    for o in &report.outcomes {
        let bound = if o.upload { UPLOAD } else { QUICK };
        if o.took > bound {
            report.failures.push(format!(
                "{}: answered in {:?}, over {bound:?}",
                o.probe, o.took
            ));
        }
    }
    let thin: Vec<(&String, &usize)> = per_route.iter().filter(|(_, n)| **n < 5).collect();
    let mut families: BTreeMap<String, usize> = BTreeMap::new();
    for p in reads.iter().chain(&writes) {
        let family = p
            .mutation
            .split(['-', '['])
            .next()
            .unwrap_or_default()
            .to_owned();
        *families.entry(family).or_default() += 1;
    }
    println!(
        "hostile battery on {backend:?}: {count} distinct requests over {} endpoints \
         ({} reads, {} writes); answers {by_class:?}; set-up and generation {built:?}, \
         fingerprints {printing:?}, child process {child:?}, total {:?}",
        table.len(),
        reads.len(),
        writes.len(),
        started.elapsed()
    );
    println!("mutations by family: {families:?}");
    println!("slowest answers:");
    for o in slowest.iter().take(8) {
        println!("  {:?} {} → {:?}", o.took, o.probe, o.status);
    }
    if !report.notes.is_empty() {
        println!(
            "notes ({}; not failures): invisible characters accepted and stored",
            report.notes.len()
        );
        for n in &report.notes {
            println!("  {n}");
        }
    }
    assert!(
        count >= AT_LEAST,
        "only {count} requests, fewer than {AT_LEAST}"
    );
    assert!(thin.is_empty(), "routes with fewer than 5 probes: {thin:?}");
    if !report.failures.is_empty() {
        for f in &report.failures {
            println!("FAIL {f}");
        }
        panic!(
            "{} problems in {count} hostile requests on {backend:?} (listed above)",
            report.failures.len()
        );
    }
}

fn baseline_method(table: &[Endpoint], p: &Probe) -> String {
    table
        .iter()
        .find(|e| {
            e.route == p.route && (e.method == p.method || p.mutation.starts_with("wrong-method"))
        })
        .map_or_else(|| p.method.to_string(), |e| e.method.to_string())
}

// ---------------------------------------------------------------------------------------
// The child process: probes that could end the whole process.

/// Runs `process_killing_probes` in a child process of this test binary; answers what went
/// wrong, if anything, and what the child printed.
fn run_child(backend: Backend) -> (Option<String>, String) {
    let exe = std::env::current_exe().unwrap();
    let name = match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    let dir = std::env::temp_dir().join(format!("kepu-hostile-{}", app::random_hex(6).unwrap()));
    std::fs::create_dir_all(&dir).unwrap();
    let (out_path, err_path) = (dir.join("stdout"), dir.join("stderr"));
    let mut child = std::process::Command::new(exe)
        .args([
            "process_killing_probes",
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD, name)
        .stdout(std::fs::File::create(&out_path).unwrap())
        .stderr(std::fs::File::create(&err_path).unwrap())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if started.elapsed() > Duration::from_secs(180) {
            child.kill().ok();
            child.wait().ok();
            break None;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let output = format!(
        "{}{}",
        std::fs::read_to_string(&out_path).unwrap_or_default(),
        std::fs::read_to_string(&err_path).unwrap_or_default()
    );
    std::fs::remove_dir_all(&dir).ok();
    // The child's own lines, without its backtrace's frames.
    let tail: String = {
        let lines: Vec<&str> = output
            .lines()
            .filter(|l| {
                let l = l.trim_start();
                let frame = l
                    .split(':')
                    .next()
                    .is_some_and(|n| n.parse::<u32>().is_ok());
                !l.starts_with("at ") && !frame && !l.is_empty()
            })
            .collect();
        lines[lines.len().saturating_sub(8)..].join("\n        ")
    };
    let probe = "POST /api/v1/imports/activities.xlsx [xlsx-dimension-bomb: a 6 KB workbook with \
                 cells A1 and XFD1048576]";
    let problem = match status {
        None => Some(format!(
            "{probe}: no answer in 180 s (the child was stopped)"
        )),
        Some(s) if s.success() && output.contains("CHILD-DONE") => None,
        Some(s) => Some(format!(
            "{probe}: the server process died or failed ({s}):\n        {tail}"
        )),
    };
    (problem, output)
}

/// Removes the database and data folder of a child that died before it could.
async fn clean_up_after_child(output: &str) {
    let said = |prefix: &str| {
        output
            .lines()
            .find_map(|l| l.split_once(prefix).map(|(_, rest)| rest))
            .map(str::trim)
            .map(str::to_owned)
    };
    if let Some(dir) = said("CHILD-DIR ") {
        std::fs::remove_dir_all(dir).ok();
    }
    let Some(url) = said("CHILD-DB ") else {
        return;
    };
    if let Some(path) = url.strip_prefix("sqlite://") {
        let file = path.split('?').next().unwrap_or_default();
        for suffix in ["", "-wal", "-shm"] {
            std::fs::remove_file(format!("{file}{suffix}")).ok();
        }
        return;
    }
    let name = url.rsplit('/').next().unwrap_or_default();
    let ours = name
        .strip_prefix("kepu_test_")
        .is_some_and(|rest| !rest.is_empty() && rest.chars().all(|c| c.is_ascii_hexdigit()));
    if !ours {
        return;
    }
    let admin = std::env::var("KEPU_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned());
    if let Ok(db) = store::sea_orm::Database::connect(&admin).await {
        db.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .await
            .ok();
        db.close().await.ok();
    }
}

#[tokio::test]
#[ignore = "run by the hostile battery in a child process, so that a probe that aborts the process cannot take the battery down with it"]
async fn process_killing_probes() {
    let Ok(which) = std::env::var(CHILD) else {
        return;
    };
    let backend = if which == "postgres" {
        Backend::Postgres
    } else {
        Backend::Sqlite
    };
    let t = TestApp::new(backend).await;
    // Named, so that the battery can remove them if this process dies.
    println!(
        "CHILD-DB {}",
        t.app.config.database_url.clone().unwrap_or_default()
    );
    println!("CHILD-DIR {}", t.data_dir.display());
    let host = t.log_in("13800138000").await;
    let bomb = xlsx_dimension_bomb();
    println!("CHILD-SENDING {} bytes", bomb.len());
    let started = Instant::now();
    let answer = t
        .post_bytes(&host, "/api/v1/imports/activities.xlsx", bomb)
        .await;
    let took = started.elapsed();
    println!(
        "CHILD-ANSWER {} in {took:?}: {}",
        answer.status, answer.text
    );
    assert!(
        answer.status.is_client_error(),
        "a 4xx was expected: {} {}",
        answer.status,
        answer.text
    );
    let body: Value = serde_json::from_str(&answer.text).unwrap_or(Value::Null);
    assert!(
        body["error"]["message"].is_string(),
        "the contract's error body: {}",
        answer.text
    );
    assert!(took <= UPLOAD, "answered in {took:?}");
    let mine = t.get_as(&host, "/api/v1/my/activities").await;
    assert_eq!(mine.json()["total"], 0, "nothing imported");
    assert_eq!(t.get("/healthz").await.status, StatusCode::OK);
    println!("CHILD-DONE");
}
