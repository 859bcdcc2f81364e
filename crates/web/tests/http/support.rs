//! The test harness: a real `App` on a fresh database (SQLite or PostgreSQL), its router
//! driven without a socket, a clock the test moves, and the SMS outbox read like a person
//! would read their phone.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use app::sms::OutboxSender;
use app::{App, Config, TestClock};
use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use chrono::{TimeZone, Utc};
use domain::role::Role;
use http_body_util::BodyExt;
use serde_json::Value;
use store::testing::{Backend, TestDb};
use tower::ServiceExt;

/// One running application under test.
pub struct TestApp {
    pub app: App,
    pub router: Router,
    pub clock: Arc<TestClock>,
    pub data_dir: PathBuf,
    db: Arc<TestDb>,
}

/// An answer, read whole.
pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub text: String,
    pub bytes: Vec<u8>,
}

impl TestResponse {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }

    /// The `error.message` of an API error body.
    pub fn message(&self) -> String {
        self.json()["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// The message for one field of a 422 body.
    pub fn field(&self, name: &str) -> String {
        self.json()["error"]["fields"][name]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    pub fn header(&self, name: &str) -> String {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    }

    /// The session cookie this answer sets, if any.
    pub fn session_cookie(&self) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|v| {
                v.strip_prefix("kepu_session=")
                    .and_then(|rest| rest.split(';').next())
                    .filter(|c| !c.is_empty())
                    .map(str::to_owned)
            })
    }
}

fn temp_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kepu-test-{}", app::random_hex(8).unwrap()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

impl TestApp {
    /// An app with the default configuration, its clock at 2026-07-01 10:00 Beijing time.
    pub async fn new(backend: Backend) -> TestApp {
        TestApp::with_config(backend, |_| {}).await
    }

    /// An app with adjusted configuration.
    pub async fn with_config(backend: Backend, adjust: impl FnOnce(&mut Config)) -> TestApp {
        let db = Arc::new(TestDb::new(backend).await);
        let clock = Arc::new(TestClock::new(
            Utc.with_ymd_and_hms(2026, 7, 1, 2, 0, 0).unwrap(),
        ));
        let data_dir = temp_dir();
        let mut config = Config {
            data_dir: data_dir.clone(),
            database_url: Some(db.url.clone()),
            ..Config::default()
        };
        adjust(&mut config);
        TestApp::start(db, clock, config).await
    }

    async fn start(db: Arc<TestDb>, clock: Arc<TestClock>, config: Config) -> TestApp {
        let data_dir = config.data_dir.clone();
        let sms = Arc::new(OutboxSender::new(&data_dir));
        let app = App::start(config, clock.clone(), sms)
            .await
            .expect("app starts");
        TestApp {
            router: web::router(app.clone()),
            app,
            clock,
            data_dir,
            db,
        }
    }

    /// A second instance on the same database, data folder and clock: what a restart, or
    /// another server behind the load balancer, sees.
    pub async fn restart(&self) -> TestApp {
        self.restart_with(|_| {}).await
    }

    /// Another instance on the same database with some settings changed.
    pub async fn restart_with(&self, adjust: impl FnOnce(&mut Config)) -> TestApp {
        let mut config = (*self.app.config).clone();
        adjust(&mut config);
        TestApp::start(self.db.clone(), self.clock.clone(), config).await
    }

    /// Sends a request from `ip`.
    pub async fn send(&self, ip: &str, request: Request<Body>) -> TestResponse {
        let mut request = request;
        let addr: SocketAddr = format!("{ip}:40000").parse().unwrap();
        request.extensions_mut().insert(ConnectInfo(addr));
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        TestResponse {
            status,
            headers,
            text: String::from_utf8_lossy(&bytes).into_owned(),
            bytes: bytes.to_vec(),
        }
    }

    /// A JSON request with an optional bearer token.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> TestResponse {
        let mut builder = Request::builder().method(method).uri(path);
        if let Some(token) = token {
            builder = builder.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let body = match body {
            Some(json) => {
                builder = builder.header(header::CONTENT_TYPE, "application/json");
                Body::from(json.to_string())
            }
            None => Body::empty(),
        };
        self.send("127.0.0.1", builder.body(body).unwrap()).await
    }

    /// A request with a raw body (an uploaded spreadsheet) and a bearer token.
    pub async fn post_bytes(&self, token: &str, path: &str, bytes: Vec<u8>) -> TestResponse {
        let request = Request::builder()
            .method(Method::POST)
            .uri(path)
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "application/octet-stream")
            .body(Body::from(bytes))
            .unwrap();
        self.send("127.0.0.1", request).await
    }

    /// The lines of the SMS outbox.
    pub fn outbox(&self) -> Vec<String> {
        std::fs::read_to_string(self.data_dir.join("sms-outbox.log"))
            .unwrap_or_default()
            .lines()
            .map(str::to_owned)
            .collect()
    }

    pub async fn get(&self, path: &str) -> TestResponse {
        self.call(Method::GET, path, None, None).await
    }

    pub async fn get_as(&self, token: &str, path: &str) -> TestResponse {
        self.call(Method::GET, path, Some(token), None).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> TestResponse {
        self.call(Method::POST, path, token, Some(body)).await
    }

    /// The newest code the outbox holds for `phone`, as the person would read it.
    pub fn last_code(&self, phone: &str) -> String {
        let outbox =
            std::fs::read_to_string(self.data_dir.join("sms-outbox.log")).unwrap_or_default();
        outbox
            .lines()
            .filter_map(|line| line.split_once(' '))
            .filter(|(p, _)| *p == phone)
            .map(|(_, code)| code.to_owned())
            .next_back()
            .unwrap_or_else(|| panic!("no code for {phone} in the outbox"))
    }

    /// Logs in through the API as a person would, answering a bearer token.
    pub async fn log_in(&self, phone: &str) -> String {
        let sent = self
            .post(
                "/api/v1/auth/sms-codes",
                None,
                serde_json::json!({"phone": phone}),
            )
            .await;
        assert_eq!(sent.status, StatusCode::ACCEPTED, "{}", sent.text);
        let code = self.last_code(phone);
        let session = self
            .post(
                "/api/v1/auth/sessions",
                None,
                serde_json::json!({"phone": phone, "code": code}),
            )
            .await;
        assert_eq!(session.status, StatusCode::OK, "{}", session.text);
        self.clock.advance(chrono::Duration::seconds(61));
        session.json()["token"].as_str().unwrap().to_owned()
    }

    /// Adds a user with a role, as `kepu user add` does, and answers a token for them.
    pub async fn user(&self, phone: &str, name: &str, role: Role, region: Option<&str>) -> String {
        let id = self
            .app
            .add_user(phone, name, Some(role), region, None)
            .await
            .unwrap();
        self.app.issue_token(id, "测试", None).await.unwrap()
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if Arc::strong_count(&self.db) == 1 {
            std::fs::remove_dir_all(&self.data_dir).ok();
        }
    }
}

/// A PNG of the given size, encoded for real.
pub fn png(width: u32, height: u32) -> Vec<u8> {
    let image = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
    });
    let mut bytes = std::io::Cursor::new(Vec::new());
    image.write_to(&mut bytes, image::ImageFormat::Png).unwrap();
    bytes.into_inner()
}

/// A workbook of one sheet: `head` as its first row, then `rows`, every cell a string.
pub fn workbook(head: &[&str], rows: &[&[&str]]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, name) in (0_u16..).zip(head) {
        sheet.write_string(0, c, *name).unwrap();
    }
    for (r, row) in (1_u32..).zip(rows) {
        for (c, value) in (0_u16..).zip(row.iter()) {
            sheet.write_string(r, c, *value).unwrap();
        }
    }
    book.save_to_buffer().unwrap()
}

/// A JPEG of the given size.
pub fn jpeg(width: u32, height: u32) -> Vec<u8> {
    let image = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 200) as u8, 90, (y % 200) as u8])
    });
    let mut bytes = std::io::Cursor::new(Vec::new());
    image
        .write_to(&mut bytes, image::ImageFormat::Jpeg)
        .unwrap();
    bytes.into_inner()
}

impl TestApp {
    /// Uploads a file to an activity as multipart `kind` (with `consent` = `adults` unless a
    /// poster) then `file`.
    pub async fn upload(
        &self,
        token: &str,
        activity: i64,
        kind: &str,
        filename: &str,
        bytes: Vec<u8>,
    ) -> TestResponse {
        let path = format!("/api/v1/activities/{activity}/media");
        // A photo, video or evidence photo says who agreed to be shown.
        let fields: &[(&str, &str)] = if kind == "poster" {
            &[("kind", kind)]
        } else {
            &[("kind", kind), ("consent", "adults")]
        };
        self.multipart(token, &path, fields, filename, bytes).await
    }

    /// A multipart POST with text fields, then `file`.
    pub async fn multipart(
        &self,
        token: &str,
        path: &str,
        fields: &[(&str, &str)],
        filename: &str,
        bytes: Vec<u8>,
    ) -> TestResponse {
        let boundary = "kepu-test-boundary-7MA4YWxkTrZu0gW";
        let mut body = Vec::new();
        for (name, value) in fields {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
                )
                .as_bytes(),
            );
        }
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(&bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let request = Request::builder()
            .method(Method::POST)
            .uri(path)
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(Body::from(body))
            .unwrap();
        self.send("127.0.0.1", request).await
    }

    /// A PATCH with `If-Match`.
    pub async fn patch(
        &self,
        token: &str,
        path: &str,
        version: Option<i64>,
        body: Value,
    ) -> TestResponse {
        let mut builder = Request::builder()
            .method(Method::PATCH)
            .uri(path)
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "application/json");
        if let Some(v) = version {
            builder = builder.header(header::IF_MATCH, v.to_string());
        }
        self.send(
            "127.0.0.1",
            builder.body(Body::from(body.to_string())).unwrap(),
        )
        .await
    }
}

/// The first sheet of a workbook, as text: row by row, cell by cell (an empty cell as "").
pub fn sheet(bytes: &[u8]) -> Vec<Vec<String>> {
    use calamine::{Data, Reader, Xlsx};
    let mut book: Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).expect("a real xlsx");
    let range = book.worksheet_range_at(0).unwrap().unwrap();
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}
