//! Targets that speak HTTP: the input goes through the real router to a real app on an
//! embedded database made once per process, signed in with tokens as a client would be.
//! Whatever the input, the answer is below 500, and an API refusal says why.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, OnceLock};

use app::sms::OutboxSender;
use app::{App, Config, TestClock};
use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderValue, Method, Request, StatusCode, Uri, header};
use chrono::{TimeZone, Utc};
use domain::role::Role;
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

/// The boundary the multipart target's bodies are read with.
pub const BOUNDARY: &str = "kepu-fuzz";

struct Harness {
    runtime: tokio::runtime::Runtime,
    router: Router,
    _dir: tempfile::TempDir,
    host: String,
    city: String,
    province: String,
    national: String,
    draft: i64,
    approved: i64,
    review: i64,
    /// Requests come from ever-new addresses, so that a per-address limit answers 429 to
    /// the limit's own test, not to the fuzzer.
    next_ip: AtomicU32,
}

struct Answer {
    status: StatusCode,
    body: Vec<u8>,
}

static HARNESS: OnceLock<Harness> = OnceLock::new();

fn harness() -> &'static Harness {
    HARNESS.get_or_init(Harness::new)
}

/// A complete activity of `org`.
pub(crate) fn complete(org: i64, name: &str) -> Value {
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
    })
}

/// A multipart body of text fields then `file`.
pub fn multipart_body(fields: &[(&str, &str)], filename: &str, bytes: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// A small PNG, encoded for real.
pub fn png(width: u32, height: u32) -> Vec<u8> {
    let image = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
    });
    let mut bytes = std::io::Cursor::new(Vec::new());
    image
        .write_to(&mut bytes, image::ImageFormat::Png)
        .expect("a PNG encodes");
    bytes.into_inner()
}

impl Harness {
    fn new() -> Harness {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("a runtime");
        let dir = tempfile::tempdir().expect("a data folder");
        let config = Config {
            data_dir: dir.path().to_path_buf(),
            org_applications_per_day: u64::MAX,
            ..Config::default()
        };
        let mut config = config;
        config.media.activity_max_files = u64::MAX;
        config.media.activity_max_bytes = u64::MAX;
        let clock = Arc::new(TestClock::new(
            Utc.with_ymd_and_hms(2026, 7, 1, 2, 0, 0)
                .single()
                .expect("a time"),
        ));
        let sms = Arc::new(OutboxSender::new(dir.path()));
        let app = runtime
            .block_on(App::start(config, clock, sms))
            .expect("the app starts");
        let router = web::router(app.clone());
        let mut h = Harness {
            runtime,
            router,
            _dir: dir,
            host: String::new(),
            city: String::new(),
            province: String::new(),
            national: String::new(),
            draft: 0,
            approved: 0,
            review: 0,
            next_ip: AtomicU32::new(1),
        };
        h.host = h.token(&app, "13800138000", "主办方", Role::Host, None);
        h.city = h.token(
            &app,
            "13900000004",
            "市管理员",
            Role::CityAdmin,
            Some("411200"),
        );
        h.province = h.token(
            &app,
            "13900000002",
            "省管理员",
            Role::ProvinceAdmin,
            Some("410000"),
        );
        h.national = h.token(&app, "13900000001", "全国管理员", Role::NationalAdmin, None);
        let org = h.made(
            &h.host,
            "/api/v1/orgs",
            json!({"name": "三门峡市科技馆", "kind": "venue", "region_code": "411202"}),
        );
        h.approved = h.submitted(org, "走进天文馆：秋夜观星");
        for token in [&h.province, &h.national] {
            h.made(
                token,
                &format!("/api/v1/activities/{}/decisions", h.approved),
                json!({"decision": "approve"}),
            );
        }
        h.review = h.submitted(org, "科普讲座：待省级审核");
        h.draft = h.made(
            &h.host,
            "/api/v1/activities",
            complete(org, "科普展览：草稿"),
        );
        h
    }

    fn token(
        &self,
        app: &App,
        phone: &str,
        name: &str,
        role: Role,
        region: Option<&str>,
    ) -> String {
        self.runtime.block_on(async {
            let id = app
                .add_user(phone, name, Some(role), region, None)
                .await
                .expect("a user");
            app.issue_token(id, "fuzz", None).await.expect("a token")
        })
    }

    /// POSTs JSON that must succeed; answers the `id` it made.
    fn made(&self, token: &str, path: &str, body: Value) -> i64 {
        let answer = self.send(
            Method::POST,
            path,
            Some(token),
            Some("application/json"),
            None,
            body.to_string().into_bytes(),
        );
        assert!(
            answer.status.is_success(),
            "set-up {path}: {} {}",
            answer.status,
            String::from_utf8_lossy(&answer.body)
        );
        serde_json::from_slice::<Value>(&answer.body).expect("JSON")["id"]
            .as_i64()
            .unwrap_or_default()
    }

    /// A complete activity with its poster, waiting for the province.
    fn submitted(&self, org: i64, name: &str) -> i64 {
        let id = self.made(&self.host, "/api/v1/activities", complete(org, name));
        let poster = self.send(
            Method::POST,
            &format!("/api/v1/activities/{id}/media"),
            Some(&self.host),
            Some(&format!("multipart/form-data; boundary={BOUNDARY}")),
            None,
            multipart_body(&[("kind", "poster")], "p.png", &png(600, 350)),
        );
        assert_eq!(poster.status, StatusCode::CREATED, "set-up poster");
        let poster = serde_json::from_slice::<Value>(&poster.body).expect("JSON")["id"].clone();
        let patched = self.send(
            Method::PATCH,
            &format!("/api/v1/activities/{id}"),
            Some(&self.host),
            Some("application/json"),
            Some(HeaderValue::from(1)),
            json!({"poster": poster}).to_string().into_bytes(),
        );
        assert_eq!(patched.status, StatusCode::OK, "set-up poster named");
        self.made(
            &self.host,
            &format!("/api/v1/activities/{id}/submit"),
            json!({}),
        );
        id
    }

    fn send(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        content_type: Option<&str>,
        if_match: Option<HeaderValue>,
        body: Vec<u8>,
    ) -> Answer {
        let uri = path
            .parse::<Uri>()
            .expect("a URI (the targets send no other)");
        let mut builder = Request::builder().method(method).uri(uri);
        if let Some(token) = token {
            builder = builder.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        if let Some(kind) = content_type {
            builder = builder.header(header::CONTENT_TYPE, kind);
        }
        if let Some(value) = if_match {
            builder = builder.header(header::IF_MATCH, value);
        }
        let mut request = builder.body(Body::from(body)).expect("a request");
        let n = self.next_ip.fetch_add(1, Ordering::Relaxed);
        let [_, a, b, c] = n.to_be_bytes();
        let addr = SocketAddr::from(([10, a, b, c.max(1)], 40000));
        request.extensions_mut().insert(ConnectInfo(addr));
        self.runtime.block_on(async {
            let response = self
                .router
                .clone()
                .oneshot(request)
                .await
                .expect("the router answers");
            let status = response.status();
            let body = response
                .into_body()
                .collect()
                .await
                .map(|b| b.to_bytes().to_vec())
                .unwrap_or_default();
            Answer { status, body }
        })
    }
}

/// The promise every answer keeps: below 500, and an API refusal carries its reason.
fn judged(what: &str, answer: &Answer) {
    let text = String::from_utf8_lossy(&answer.body);
    assert!(
        !answer.status.is_server_error(),
        "{what}: {} {text}",
        answer.status
    );
    if answer.status.is_client_error() && what.contains("/api/") {
        let message = serde_json::from_slice::<Value>(&answer.body)
            .ok()
            .and_then(|v| v["error"]["message"].as_str().map(str::to_owned))
            .unwrap_or_default();
        assert!(
            !message.trim().is_empty(),
            "{what}: {} without a message: {text}",
            answer.status
        );
    }
}

/// The current version of an activity, for `If-Match`.
fn version(h: &Harness, id: i64) -> i64 {
    let answer = h.send(
        Method::GET,
        &format!("/api/v1/activities/{id}"),
        Some(&h.host),
        None,
        None,
        Vec::new(),
    );
    serde_json::from_slice::<Value>(&answer.body).expect("JSON")["version"]
        .as_i64()
        .unwrap_or(1)
}

/// JSON bodies of the activity, campaign, supplement, organisation and decision writes; the
/// first byte picks the endpoint.
pub fn bodies(data: &[u8]) {
    let h = harness();
    let (pick, body) = crate::split(data, 7);
    let (method, path, token, versioned) = match pick {
        0 => (
            Method::POST,
            "/api/v1/activities".to_owned(),
            &h.host,
            false,
        ),
        1 => (
            Method::PATCH,
            format!("/api/v1/activities/{}", h.draft),
            &h.host,
            true,
        ),
        2 => (
            Method::POST,
            "/api/v1/campaigns".to_owned(),
            &h.national,
            false,
        ),
        3 => (
            Method::PUT,
            format!("/api/v1/activities/{}/supplement", h.approved),
            &h.host,
            false,
        ),
        4 => (Method::POST, "/api/v1/orgs".to_owned(), &h.host, false),
        5 => (
            Method::POST,
            format!("/api/v1/activities/{}/decisions", h.review),
            &h.province,
            false,
        ),
        _ => (
            Method::POST,
            "/api/v1/review-queue/decisions".to_owned(),
            &h.province,
            false,
        ),
    };
    let if_match = versioned.then(|| HeaderValue::from(version(h, h.draft)));
    let answer = h.send(
        method.clone(),
        &path,
        Some(token),
        Some("application/json"),
        if_match,
        body.to_vec(),
    );
    judged(&format!("{method} {path}"), &answer);
}

/// Multipart bodies of a media upload and a summary attachment, read with [`BOUNDARY`].
pub fn multipart(data: &[u8]) {
    let h = harness();
    let (pick, body) = crate::split(data, 2);
    let (path, token) = match pick {
        0 => (format!("/api/v1/activities/{}/media", h.draft), &h.host),
        _ => ("/api/v1/summaries/city/411200/files".to_owned(), &h.city),
    };
    let answer = h.send(
        Method::POST,
        &path,
        Some(token),
        Some(&format!("multipart/form-data; boundary={BOUNDARY}")),
        None,
        body.to_vec(),
    );
    judged(&format!("POST {path}"), &answer);
}

/// Query strings of the lists, the map (near me), the review queue, the audit log and the
/// calendar.
pub fn query(data: &[u8]) {
    let h = harness();
    let (pick, rest) = crate::split(data, 7);
    let (path, token) = match pick {
        0 => ("/api/v1/activities", None),
        1 => ("/activities", None),
        2 => ("/map", None),
        3 => ("/api/v1/review-queue", Some(&h.province)),
        4 => ("/api/v1/audit-log", Some(&h.national)),
        5 => ("/api/v1/activities.ics", None),
        _ => ("/api/v1/my/activities", Some(&h.host)),
    };
    let target = format!("{path}?{}", String::from_utf8_lossy(rest));
    if target.parse::<Uri>().is_err() {
        // Not a request target: no server passes it on.
        return;
    }
    let answer = h.send(
        Method::GET,
        &target,
        token.map(String::as_str),
        None,
        None,
        Vec::new(),
    );
    judged(&format!("GET {path}"), &answer);
}

/// `If-Match` on an edit and on a submission.
pub fn if_match(data: &[u8]) {
    let h = harness();
    let (pick, rest) = crate::split(data, 2);
    let Ok(value) = HeaderValue::from_bytes(rest) else {
        // Not a header value: no server passes it on.
        return;
    };
    let (method, path, body) = match pick {
        0 => (
            Method::PATCH,
            format!("/api/v1/activities/{}", h.draft),
            json!({"expected_participants": 150}).to_string(),
        ),
        _ => (
            Method::POST,
            format!("/api/v1/activities/{}/submit", h.draft),
            String::new(),
        ),
    };
    let answer = h.send(
        method.clone(),
        &path,
        Some(&h.host),
        Some("application/json"),
        Some(value),
        body.into_bytes(),
    );
    judged(&format!("{method} {path}"), &answer);
}
