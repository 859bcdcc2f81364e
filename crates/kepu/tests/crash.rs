//! A crash test, on SQLite and on PostgreSQL. Hosts create, edit, submit and upload while
//! provincial and national administrators decide, all at once, against the real binary; the
//! server is killed with SIGKILL at random moments and restarted on the same database and
//! data folder. After each restart every write that was answered 2xx is there (a decision
//! together with its history row, an upload with its file), SQLite's file passes
//! `PRAGMA integrity_check`, and no answer was ever a 5xx.
//!
//! A write whose answer never arrived (the server died first) may or may not have happened;
//! the checks allow either, and nothing else. The kill moments come from a seed printed at
//! the start (`KEPU_CRASH_SEED=<hex>` repeats them; the clients' interleaving still varies).
#![expect(
    clippy::unwrap_used,
    reason = "a test fails loudly where its setup does"
)]

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU16, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use store::testing::{Backend, TestDb};

store::on_both_backends!(
    acknowledged_writes_survive_sigkill,
    acknowledged_checkins_survive_sigkill
);

/// Kills per backend.
const KILLS: usize = 4;
/// The clients write for a random time in this range (milliseconds) before each kill.
const LOAD_MS: (u64, u64) = (1_500, 4_000);
/// The longest wait for one answer; a slower one counts as never arrived.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(20);
/// The longest wait for a (re)started server to answer `/healthz`.
const START_TIMEOUT: Duration = Duration::from_secs(60);

// ---------------------------------------------------------------------------------------
// The binary, its database and data folder

struct Env {
    backend: Backend,
    db: TestDb,
    dir: PathBuf,
}

impl Env {
    async fn new(backend: Backend) -> Env {
        let db = TestDb::new(backend).await;
        let dir = std::env::temp_dir().join(format!("kepu-crash-{}", app::random_hex(8).unwrap()));
        std::fs::create_dir_all(&dir).unwrap();
        Env { backend, db, dir }
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_kepu"));
        command
            .args(args)
            .env("KEPU_DATABASE_URL", &self.db.url)
            .env("KEPU_DATA_DIR", &self.dir)
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null());
        command
    }

    /// Runs a command that must succeed; answers its standard output, trimmed.
    fn run(&self, args: &[&str]) -> String {
        let output = self.command(args).output().unwrap();
        assert!(
            output.status.success(),
            "kepu {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).trim().to_owned()
    }

    /// The SQLite file, when that is the backend.
    fn sqlite_path(&self) -> Option<String> {
        (self.backend == Backend::Sqlite).then(|| {
            let path = self.db.url.trim_start_matches("sqlite://");
            path.split('?').next().unwrap_or(path).to_owned()
        })
    }

    /// Starts `kepu serve` (start number `n`) on a fresh port and waits for `/healthz`.
    fn start(&self, n: usize) -> Server {
        let port = free_port();
        let log = self.dir.join(format!("server-{n}.log"));
        let child = self
            .command(&["serve"])
            .env("KEPU_BIND", format!("127.0.0.1:{port}"))
            .stdout(Stdio::null())
            .stderr(File::create(&log).unwrap())
            .spawn()
            .unwrap();
        let mut server = Server { child, port, log };
        let start = Instant::now();
        loop {
            if let Outcome::Answer(r) = send(port, "GET", "/healthz", None, None, &Payload::None)
                && r.status == 200
            {
                return server;
            }
            if let Ok(Some(status)) = server.child.try_wait() {
                panic!(
                    "start {n}: the server exited with {status} before answering /healthz\n{}",
                    server.log_tail()
                );
            }
            assert!(
                start.elapsed() < START_TIMEOUT,
                "start {n}: the server did not answer /healthz within {START_TIMEOUT:?}\n{}",
                server.log_tail()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Env {
    fn drop(&mut self) {
        std::fs::remove_dir_all(&self.dir).ok();
    }
}

struct Server {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl Server {
    /// SIGKILL (what `Child::kill` sends on Unix), after checking the server was still up.
    fn sigkill(&mut self) {
        if let Ok(Some(status)) = self.child.try_wait() {
            panic!(
                "the server exited by itself ({status}) before it was killed\n{}",
                self.log_tail()
            );
        }
        self.child.kill().unwrap();
        let status = self.child.wait().unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::process::ExitStatusExt;
            assert_eq!(
                status.signal(),
                Some(9),
                "the server was to die of SIGKILL, it ended with {status}\n{}",
                self.log_tail()
            );
        }
        #[cfg(not(unix))]
        let _ = status;
    }

    /// The end of this server's log, for a failure message.
    fn log_tail(&self) -> String {
        let log = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        let tail = lines[lines.len().saturating_sub(40)..].join("\n");
        format!("--- {} (last 40 lines) ---\n{tail}", self.log.display())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `PRAGMA integrity_check` on the file, opened read-only while no server runs.
async fn integrity_check(path: &str) -> String {
    use store::sea_orm::{ConnectionTrait, Database, DbBackend, Statement};
    let db = Database::connect(format!("sqlite://{path}?mode=ro"))
        .await
        .unwrap();
    let rows = db
        .query_all_raw(Statement::from_string(
            DbBackend::Sqlite,
            "PRAGMA integrity_check",
        ))
        .await
        .unwrap();
    let lines: Vec<String> = rows
        .iter()
        .map(|r| r.try_get_by_index::<String>(0).unwrap())
        .collect();
    db.close().await.ok();
    lines.join("\n")
}

// ---------------------------------------------------------------------------------------
// A small HTTP/1.1 client that tells "no answer" from "not sent"

enum Payload<'a> {
    None,
    Json(&'a Value),
    /// A multipart upload: `kind`, then `file`.
    File {
        kind: &'a str,
        bytes: &'a [u8],
    },
}

struct Reply {
    status: u16,
    body: Vec<u8>,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body)
            .chars()
            .take(600)
            .collect()
    }
}

enum Outcome {
    /// No connection: the request certainly did nothing.
    NotSent,
    /// Sent, but no complete answer came back: it may or may not have happened.
    NoAnswer,
    Answer(Reply),
}

fn send(
    port: u16,
    method: &str,
    path: &str,
    token: Option<&str>,
    if_match: Option<i64>,
    payload: &Payload<'_>,
) -> Outcome {
    const BOUNDARY: &str = "kepu-crash-boundary-5Gd0sQwX";
    let address = SocketAddr::from(([127, 0, 0, 1], port));
    let Ok(mut stream) = TcpStream::connect_timeout(&address, Duration::from_secs(2)) else {
        return Outcome::NotSent;
    };
    stream.set_read_timeout(Some(ANSWER_TIMEOUT)).ok();
    stream.set_write_timeout(Some(ANSWER_TIMEOUT)).ok();
    let (content_type, body) = match payload {
        Payload::None => (None, Vec::new()),
        Payload::Json(v) => (
            Some("application/json".to_owned()),
            v.to_string().into_bytes(),
        ),
        Payload::File { kind, bytes } => {
            let mut body = format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\n{kind}\r\n\
                 --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{kind}.jpg\"\r\n\
                 Content-Type: image/jpeg\r\n\r\n"
            )
            .into_bytes();
            body.extend_from_slice(bytes);
            body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
            (
                Some(format!("multipart/form-data; boundary={BOUNDARY}")),
                body,
            )
        }
    };
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    if let Some(t) = token {
        head.push_str(&format!("Authorization: Bearer {t}\r\n"));
    }
    if let Some(v) = if_match {
        head.push_str(&format!("If-Match: {v}\r\n"));
    }
    if let Some(c) = content_type {
        head.push_str(&format!("Content-Type: {c}\r\n"));
    }
    head.push_str("\r\n");
    if stream.write_all(head.as_bytes()).is_err() || stream.write_all(&body).is_err() {
        return Outcome::NoAnswer;
    }
    let mut raw = Vec::new();
    if stream.read_to_end(&mut raw).is_err() {
        return Outcome::NoAnswer;
    }
    parse_reply(&raw).map_or(Outcome::NoAnswer, Outcome::Answer)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// A complete answer, or `None` when it was cut short.
fn parse_reply(raw: &[u8]) -> Option<Reply> {
    let end = find(raw, b"\r\n\r\n")?;
    let head = std::str::from_utf8(&raw[..end]).ok()?;
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let (mut length, mut chunked) = (None, false);
    for line in lines {
        if let Some((name, value)) = line.split_once(':') {
            let (name, value) = (name.trim().to_ascii_lowercase(), value.trim());
            if name == "content-length" {
                length = value.parse::<usize>().ok();
            } else if name == "transfer-encoding" && value.eq_ignore_ascii_case("chunked") {
                chunked = true;
            }
        }
    }
    let rest = &raw[end + 4..];
    let body = if chunked {
        dechunk(rest)?
    } else if let Some(n) = length {
        rest.get(..n)?.to_vec()
    } else {
        rest.to_vec()
    };
    Some(Reply { status, body })
}

fn dechunk(mut rest: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line = find(rest, b"\r\n")?;
        let size = std::str::from_utf8(&rest[..line]).ok()?;
        let size = usize::from_str_radix(size.split(';').next()?.trim(), 16).ok()?;
        rest = &rest[line + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(rest.get(..size)?);
        rest = rest.get(size + 2..)?;
    }
}

// ---------------------------------------------------------------------------------------
// What the clients were told

/// The fields the hosts edit.
#[derive(Clone, Debug, PartialEq)]
struct Fields {
    name: Option<String>,
    expected_participants: Option<i64>,
    poster: Option<i64>,
}

impl Fields {
    fn of(activity: &Value) -> Fields {
        Fields {
            name: activity["name"].as_str().map(str::to_owned),
            expected_participants: activity["expected_participants"].as_i64(),
            poster: activity["poster"].as_i64(),
        }
    }
}

/// An activity as a 2xx answer showed it.
#[derive(Clone, Debug)]
struct Seen {
    version: i64,
    status: String,
    fields: Fields,
    /// Which answer: who, doing what.
    by: String,
}

impl Seen {
    fn of(activity: &Value, by: &str) -> Option<Seen> {
        Some(Seen {
            version: activity["version"].as_i64()?,
            status: activity["status"].as_str()?.to_owned(),
            fields: Fields::of(activity),
            by: by.to_owned(),
        })
    }
}

/// A change of status, as in the history.
#[derive(Clone, Debug, PartialEq)]
struct Step {
    from: String,
    to: String,
    reason: Option<String>,
}

#[derive(Clone, Debug, Default)]
struct Tracked {
    /// The highest version a 2xx answer showed.
    seen: Option<Seen>,
    /// Acknowledged submissions and decisions, with who was told.
    steps: Vec<(Step, String)>,
    /// Writes to it that were sent but never answered.
    unanswered: i64,
    /// The fields of edits never answered: any of them may be what is stored.
    attempted: Vec<Fields>,
}

#[derive(Clone, Debug)]
struct Upload {
    id: i64,
    activity: i64,
    kind: &'static str,
    width: Option<i64>,
    height: Option<i64>,
    by: String,
}

#[derive(Default)]
struct Ledger {
    activities: BTreeMap<i64, Tracked>,
    uploads: Vec<Upload>,
    /// Acknowledged writes by kind.
    acked: BTreeMap<&'static str, usize>,
    /// Writes sent and never answered.
    unanswered: usize,
    /// Every 5xx: who, what, the body.
    server_errors: Vec<String>,
    /// 4xx answers by "METHOD route status": how many, and the first body.
    refusals: BTreeMap<String, (usize, String)>,
}

impl Ledger {
    fn seen(&mut self, id: i64, answer: &Value, by: &str) {
        let Some(seen) = Seen::of(answer, by) else {
            return;
        };
        let tracked = self.activities.entry(id).or_default();
        if tracked
            .seen
            .as_ref()
            .is_none_or(|s| seen.version > s.version)
        {
            tracked.seen = Some(seen);
        }
    }
}

// ---------------------------------------------------------------------------------------
// The clients

struct Host {
    name: String,
    phone: String,
    region: &'static str,
    org_name: &'static str,
    token: String,
    org: i64,
}

struct Admin {
    name: &'static str,
    /// The status this admin decides.
    stage: &'static str,
    token: String,
}

/// What became of a write.
enum Written {
    /// Answered 2xx: it must survive any crash.
    Acked(Reply),
    /// Answered 4xx, or never sent: it changed nothing.
    Refused,
    /// Sent, and answered 5xx or not at all: it may or may not have happened.
    Unknown,
}

struct Shared {
    port: AtomicU16,
    paused: AtomicBool,
    parked: AtomicUsize,
    stop: AtomicBool,
    ledger: Mutex<Ledger>,
    /// A day within the campaign's window.
    date: String,
    poster: Vec<u8>,
    photo: Vec<u8>,
}

impl Shared {
    /// The clients' state against the server on `port`, running.
    fn new(port: u16, date: String, poster: Vec<u8>, photo: Vec<u8>) -> Shared {
        Shared {
            port: AtomicU16::new(port),
            paused: AtomicBool::new(false),
            parked: AtomicUsize::new(0),
            stop: AtomicBool::new(false),
            ledger: Mutex::new(Ledger::default()),
            date,
            poster,
            photo,
        }
    }

    /// Parks while paused; false once the test is over.
    fn next_round(&self) -> bool {
        if self.paused.load(Ordering::SeqCst) {
            self.parked.fetch_add(1, Ordering::SeqCst);
            while self.paused.load(Ordering::SeqCst) && !self.stop.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(5));
            }
            self.parked.fetch_sub(1, Ordering::SeqCst);
        }
        !self.stop.load(Ordering::SeqCst)
    }

    /// Waits until every client is parked between two requests.
    fn pause(&self, clients: usize) {
        self.paused.store(true, Ordering::SeqCst);
        let start = Instant::now();
        while self.parked.load(Ordering::SeqCst) < clients {
            assert!(
                start.elapsed() < ANSWER_TIMEOUT * 2,
                "the clients did not stop within {:?}",
                ANSWER_TIMEOUT * 2
            );
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// One request; 5xx and 4xx answers are noted.
    fn call(
        &self,
        who: &str,
        method: &str,
        path: &str,
        token: &str,
        if_match: Option<i64>,
        payload: &Payload<'_>,
    ) -> Outcome {
        let port = self.port.load(Ordering::SeqCst);
        let outcome = send(port, method, path, Some(token), if_match, payload);
        match &outcome {
            Outcome::Answer(r) if r.status >= 500 => {
                self.ledger.lock().unwrap().server_errors.push(format!(
                    "{who}: {method} {path} answered {}: {}",
                    r.status,
                    r.text()
                ));
            }
            Outcome::Answer(r) if r.status >= 400 => {
                let route: Vec<&str> = path
                    .split('?')
                    .next()
                    .unwrap_or(path)
                    .split('/')
                    .map(|s| {
                        if s.chars().all(|c| c.is_ascii_digit()) && !s.is_empty() {
                            "{id}"
                        } else {
                            s
                        }
                    })
                    .collect();
                let key = format!("{method} {} {}", route.join("/"), r.status);
                let mut ledger = self.ledger.lock().unwrap();
                let entry = ledger.refusals.entry(key).or_insert((0, r.text()));
                entry.0 += 1;
            }
            Outcome::NotSent => std::thread::sleep(Duration::from_millis(20)),
            _ => {}
        }
        outcome
    }

    /// A read: its JSON when answered 200.
    fn read(&self, who: &str, path: &str, token: &str) -> Option<Value> {
        match self.call(who, "GET", path, token, None, &Payload::None) {
            Outcome::Answer(r) if r.status == 200 => Some(r.json()),
            _ => None,
        }
    }

    /// A write. One sent and never answered (or answered 5xx) is counted against
    /// `activity`, whose version it may have moved.
    #[expect(clippy::too_many_arguments, reason = "a request's parts, named")]
    fn write(
        &self,
        who: &str,
        activity: Option<i64>,
        method: &str,
        path: &str,
        token: &str,
        if_match: Option<i64>,
        payload: &Payload<'_>,
    ) -> Written {
        match self.call(who, method, path, token, if_match, payload) {
            Outcome::NotSent => Written::Refused,
            Outcome::Answer(r) if (200..300).contains(&r.status) => Written::Acked(r),
            Outcome::Answer(r) if r.status < 500 => Written::Refused,
            Outcome::Answer(_) | Outcome::NoAnswer => {
                let mut ledger = self.ledger.lock().unwrap();
                ledger.unanswered += 1;
                if let Some(id) = activity {
                    ledger.activities.entry(id).or_default().unanswered += 1;
                }
                Written::Unknown
            }
        }
    }

    fn acked(&self, kind: &'static str) {
        *self.ledger.lock().unwrap().acked.entry(kind).or_default() += 1;
    }

    /// Uploads a poster or a photo; answers the media id when acknowledged.
    fn upload(&self, host: &Host, activity: i64, kind: &'static str) -> Option<i64> {
        let bytes = if kind == "poster" {
            &self.poster
        } else {
            &self.photo
        };
        let path = format!("/api/v1/activities/{activity}/media");
        let Written::Acked(reply) = self.write(
            &host.name,
            None,
            "POST",
            &path,
            &host.token,
            None,
            &Payload::File { kind, bytes },
        ) else {
            return None;
        };
        let media = reply.json();
        let id = media["id"].as_i64()?;
        self.ledger.lock().unwrap().uploads.push(Upload {
            id,
            activity,
            kind,
            width: media["width"].as_i64(),
            height: media["height"].as_i64(),
            by: format!("{} uploading a {kind}", host.name),
        });
        self.acked("upload");
        Some(id)
    }
}

fn activity_body(host: &Host, date: &str, name: &str, expected: i64) -> Value {
    json!({
        "name": name,
        "section": "exhibition",
        "start": format!("{date}T19:00:00+08:00"),
        "end": format!("{date}T21:30:00+08:00"),
        "region_code": host.region,
        "address": format!("{}三楼报告厅", host.org_name),
        "mode": "offline",
        "venue_type": "科技馆",
        "audiences": ["青少年", "社会公众"],
        "expected_participants": expected,
        "details": "<p>带领青少年认识秋季星空。</p>",
        "funding_yuan": 3500.5,
        "scientist_count": 1,
        "scientists": [{"name": "李天文", "title": "研究员", "unit": "紫金山天文台"}],
        "contact_name": "王老师",
        "contact_phone": "0398-2812345",
        "hosts": [host.org],
    })
}

/// A host: creates drafts; picks a draft or a rejected activity, maybe uploads a poster or a
/// photo, edits it and usually submits it.
fn host_client(shared: &Shared, host: &Host, mut rng: Rng) {
    let who = host.name.as_str();
    let mut made = 0;
    let mut edits = 0;
    while shared.next_round() {
        let Some(mine) = shared.read(who, "/api/v1/my/activities?per_page=100", &host.token) else {
            continue;
        };
        let editable: Vec<&Value> = mine["items"]
            .as_array()
            .map(|items| {
                items
                    .iter()
                    .filter(|a| {
                        matches!(
                            a["status"].as_str(),
                            Some("draft" | "province_rejected" | "national_rejected")
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        if editable.is_empty() || rng.percent(20) {
            made += 1;
            let name = format!("{}科普开放日{made}号", host.org_name);
            let expected = 50 + rng.below(500);
            let body = activity_body(host, &shared.date, &name, expected);
            let written = shared.write(
                who,
                None,
                "POST",
                "/api/v1/activities",
                &host.token,
                None,
                &Payload::Json(&body),
            );
            if let Written::Acked(reply) = written {
                let made = reply.json();
                if let Some(id) = made["id"].as_i64() {
                    shared
                        .ledger
                        .lock()
                        .unwrap()
                        .seen(id, &made, &format!("{who} creating it"));
                    shared.acked("create");
                }
            }
            continue;
        }
        let chosen = editable[usize::try_from(rng.below(editable.len() as i64)).unwrap()];
        let (Some(id), Some(mut version), Some(status)) = (
            chosen["id"].as_i64(),
            chosen["version"].as_i64(),
            chosen["status"].as_str().map(str::to_owned),
        ) else {
            continue;
        };
        let mut poster = chosen["poster"].as_i64();
        if poster.is_none() || rng.percent(30) {
            match shared.upload(host, id, "poster") {
                Some(media) => poster = Some(media),
                None => continue,
            }
        }
        if rng.percent(25) {
            shared.upload(host, id, "photo");
        }
        edits += 1;
        let fields = Fields {
            name: Some(format!("{}科普开放日·第{edits}次修改", host.org_name)),
            expected_participants: Some(50 + rng.below(900)),
            poster,
        };
        let patch = json!({
            "name": fields.name,
            "expected_participants": fields.expected_participants,
            "poster": fields.poster,
        });
        let path = format!("/api/v1/activities/{id}");
        match shared.write(
            who,
            Some(id),
            "PATCH",
            &path,
            &host.token,
            Some(version),
            &Payload::Json(&patch),
        ) {
            Written::Acked(reply) => {
                let edited = reply.json();
                version = edited["version"].as_i64().unwrap_or(version);
                shared.ledger.lock().unwrap().seen(
                    id,
                    &edited,
                    &format!("{who} editing it (version {version})"),
                );
                shared.acked("edit");
            }
            Written::Unknown => {
                let mut ledger = shared.ledger.lock().unwrap();
                ledger
                    .activities
                    .entry(id)
                    .or_default()
                    .attempted
                    .push(fields);
                continue;
            }
            Written::Refused => continue,
        }
        if !rng.percent(75) {
            continue;
        }
        let path = format!("/api/v1/activities/{id}/submit");
        if let Written::Acked(reply) = shared.write(
            who,
            Some(id),
            "POST",
            &path,
            &host.token,
            Some(version),
            &Payload::None,
        ) {
            let by = format!("{who} submitting it at version {version}");
            let mut ledger = shared.ledger.lock().unwrap();
            ledger.seen(id, &reply.json(), &by);
            let step = Step {
                from: status,
                to: "province_review".to_owned(),
                reason: None,
            };
            ledger
                .activities
                .entry(id)
                .or_default()
                .steps
                .push((step, by));
            drop(ledger);
            shared.acked("submit");
        }
    }
}

/// An administrator: decides what waits in their queue, approving or rejecting at random.
fn admin_client(shared: &Shared, admin: &Admin, mut rng: Rng) {
    let who = admin.name;
    let mut rejected = 0;
    let queue = format!("/api/v1/review-queue?status={}&per_page=100", admin.stage);
    while shared.next_round() {
        let Some(waiting) = shared.read(who, &queue, &admin.token) else {
            continue;
        };
        let items = waiting["items"].as_array().cloned().unwrap_or_default();
        if items.is_empty() {
            std::thread::sleep(Duration::from_millis(30));
            continue;
        }
        let chosen = &items[usize::try_from(rng.below(items.len() as i64)).unwrap()];
        let (Some(id), Some(version)) = (chosen["id"].as_i64(), chosen["version"].as_i64()) else {
            continue;
        };
        let approve = rng.percent(60);
        let reason = (!approve).then(|| {
            rejected += 1;
            format!("{who}第{rejected}次退回：请补充活动安排")
        });
        let to = match (admin.stage, approve) {
            ("province_review", true) => "national_review",
            ("province_review", false) => "province_rejected",
            (_, true) => "approved",
            (_, false) => "national_rejected",
        };
        let body = json!({
            "decision": if approve { "approve" } else { "reject" },
            "reason": reason,
        });
        let path = format!("/api/v1/activities/{id}/decisions");
        if let Written::Acked(reply) = shared.write(
            who,
            Some(id),
            "POST",
            &path,
            &admin.token,
            Some(version),
            &Payload::Json(&body),
        ) {
            let by = format!("{who} deciding {} → {to} at version {version}", admin.stage);
            let mut ledger = shared.ledger.lock().unwrap();
            ledger.seen(id, &reply.json(), &by);
            let step = Step {
                from: admin.stage.to_owned(),
                to: to.to_owned(),
                reason,
            };
            ledger
                .activities
                .entry(id)
                .or_default()
                .steps
                .push((step, by));
            drop(ledger);
            shared.acked("decision");
        }
    }
}

/// The client threads; dropping them stops and joins them (also when the test fails).
struct Clients {
    shared: Arc<Shared>,
    threads: Vec<JoinHandle<()>>,
}

impl Clients {
    fn stop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        self.shared.paused.store(false, Ordering::SeqCst);
        for thread in self.threads.drain(..) {
            thread.join().ok();
        }
    }
}

impl Drop for Clients {
    fn drop(&mut self) {
        self.stop();
    }
}

// ---------------------------------------------------------------------------------------
// Checking the restarted server against what the clients were told

fn verify(shared: &Shared, token: &str) -> Vec<String> {
    let (activities, uploads) = {
        let ledger = shared.ledger.lock().unwrap();
        (ledger.activities.clone(), ledger.uploads.clone())
    };
    let who = "checker";
    let mut problems = Vec::new();
    for (id, tracked) in &activities {
        let Some(seen) = &tracked.seen else {
            continue; // only writes that were never answered
        };
        let now = match shared.call(
            who,
            "GET",
            &format!("/api/v1/activities/{id}"),
            token,
            None,
            &Payload::None,
        ) {
            Outcome::Answer(r) if r.status == 200 => r.json(),
            Outcome::Answer(r) => {
                problems.push(format!(
                    "activity {id} is gone: the answer to {} showed version {} ({}), \
                     now GET answers {}: {}",
                    seen.by,
                    seen.version,
                    seen.status,
                    r.status,
                    r.text()
                ));
                continue;
            }
            _ => {
                problems.push(format!(
                    "activity {id}: the restarted server did not answer"
                ));
                continue;
            }
        };
        let Some(current) = Seen::of(&now, "the restarted server") else {
            problems.push(format!("activity {id}: no version or status in {now}"));
            continue;
        };
        if current.version < seen.version {
            problems.push(format!(
                "activity {id}: LOST WRITE — the answer to {} showed version {} ({}, {:?}); \
                 after the restart it is at version {} ({}, {:?})",
                seen.by,
                seen.version,
                seen.status,
                seen.fields,
                current.version,
                current.status,
                current.fields
            ));
        } else if current.version == seen.version {
            if current.status != seen.status || current.fields != seen.fields {
                problems.push(format!(
                    "activity {id} at version {}: the answer to {} showed {} {:?}; \
                     after the restart it shows {} {:?}",
                    seen.version, seen.by, seen.status, seen.fields, current.status, current.fields
                ));
            }
        } else {
            if current.version - seen.version > tracked.unanswered {
                problems.push(format!(
                    "activity {id}: at version {} after the restart, {} past the last \
                     acknowledged one ({}, to {}), but only {} writes to it went unanswered",
                    current.version,
                    current.version - seen.version,
                    seen.version,
                    seen.by,
                    tracked.unanswered
                ));
            }
            if current.fields != seen.fields && !tracked.attempted.contains(&current.fields) {
                problems.push(format!(
                    "activity {id}: fields {:?} after the restart are neither the acknowledged \
                     {:?} (answer to {}) nor those of an unanswered edit {:?}",
                    current.fields, seen.fields, seen.by, tracked.attempted
                ));
            }
        }
        let history = match shared.call(
            who,
            "GET",
            &format!("/api/v1/activities/{id}/history"),
            token,
            None,
            &Payload::None,
        ) {
            Outcome::Answer(r) if r.status == 200 => r.json(),
            Outcome::Answer(r) => {
                problems.push(format!(
                    "activity {id}: GET history answered {}: {}",
                    r.status,
                    r.text()
                ));
                continue;
            }
            _ => {
                problems.push(format!("activity {id}: no answer for its history"));
                continue;
            }
        };
        let rows: Vec<Step> = history
            .as_array()
            .map(|rows| {
                rows.iter()
                    .map(|h| Step {
                        from: h["from"].as_str().unwrap_or_default().to_owned(),
                        to: h["to"].as_str().unwrap_or_default().to_owned(),
                        reason: h["reason"].as_str().map(str::to_owned),
                    })
                    .collect()
            })
            .unwrap_or_default();
        for (i, (step, by)) in tracked.steps.iter().enumerate() {
            let acked = tracked.steps.iter().filter(|(s, _)| s == step).count();
            if tracked.steps[..i].iter().any(|(s, _)| s == step) {
                continue; // counted at its first occurrence
            }
            let present = rows.iter().filter(|r| *r == step).count();
            if present < acked {
                problems.push(format!(
                    "activity {id}: LOST HISTORY ROW — {} → {} (reason {:?}) was answered 2xx \
                     {acked} time(s) (first to {by}) but the history has it {present} time(s); \
                     history after the restart: {rows:?}",
                    step.from, step.to, step.reason
                ));
            }
        }
        let last = rows.last().map_or("draft", |r| r.to.as_str());
        if last != current.status {
            problems.push(format!(
                "activity {id}: status {} after the restart, but its last history row goes to \
                 {last}; history: {rows:?}",
                current.status
            ));
        }
    }
    for upload in &uploads {
        let path = format!("/api/v1/media/{}", upload.id);
        match shared.call(who, "GET", &path, token, None, &Payload::None) {
            Outcome::Answer(r) if r.status == 200 => match image::load_from_memory(&r.body) {
                Ok(picture) => {
                    let size = (i64::from(picture.width()), i64::from(picture.height()));
                    let expected = (upload.width, upload.height);
                    if expected != (Some(size.0), Some(size.1)) {
                        problems.push(format!(
                            "{} {} of activity {} (answer to {}): acknowledged as {expected:?}, \
                             served as {size:?}",
                            upload.kind, upload.id, upload.activity, upload.by
                        ));
                    }
                }
                Err(e) => problems.push(format!(
                    "{} {} of activity {} (answer to {}): the served file ({} bytes) does not \
                     decode: {e}",
                    upload.kind,
                    upload.id,
                    upload.activity,
                    upload.by,
                    r.body.len()
                )),
            },
            Outcome::Answer(r) => problems.push(format!(
                "LOST UPLOAD — {} {} of activity {} (answer to {}): GET {path} answers {}: {}",
                upload.kind,
                upload.id,
                upload.activity,
                upload.by,
                r.status,
                r.text()
            )),
            _ => problems.push(format!("GET {path}: no answer from the restarted server")),
        }
    }
    problems
}

// ---------------------------------------------------------------------------------------
// Randomness: a small PRNG (xorshift64*), seeded from the OS or KEPU_CRASH_SEED

struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// 0 ≤ n < bound.
    fn below(&mut self, bound: i64) -> i64 {
        let bound = u64::try_from(bound.max(1)).unwrap();
        i64::try_from(self.next() % bound).unwrap()
    }

    fn percent(&mut self, p: i64) -> bool {
        self.below(100) < p
    }

    fn between(&mut self, (low, high): (u64, u64)) -> u64 {
        low + self.next() % (high - low + 1)
    }
}

fn seed() -> u64 {
    let raw = std::env::var("KEPU_CRASH_SEED").unwrap_or_else(|_| app::random_hex(8).unwrap());
    u64::from_str_radix(raw.trim().trim_start_matches("0x"), 16).unwrap()
}

fn jpeg(width: u32, height: u32) -> Vec<u8> {
    let picture = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 200) as u8, 90, (y % 200) as u8])
    });
    let mut bytes = std::io::Cursor::new(Vec::new());
    picture
        .write_to(&mut bytes, image::ImageFormat::Jpeg)
        .unwrap();
    bytes.into_inner()
}

// ---------------------------------------------------------------------------------------
// The test

async fn acknowledged_writes_survive_sigkill(backend: Backend) {
    let began = Instant::now();
    let seed = seed();
    eprintln!("crash test on {backend:?}: seed {seed:x} (KEPU_CRASH_SEED={seed:x} to repeat)");
    let mut rng = Rng::new(seed);
    let env = Env::new(backend).await;

    // People, through the command line.
    env.run(&["migrate"]);
    let mut admins = Vec::new();
    for (phone, name, role, region, stage) in [
        (
            "13900000002",
            "河南省管理员",
            "province_admin",
            Some("410000"),
            "province_review",
        ),
        (
            "13900000003",
            "陕西省管理员",
            "province_admin",
            Some("610000"),
            "province_review",
        ),
        (
            "13900000001",
            "全国管理员",
            "national_admin",
            None,
            "national_review",
        ),
    ] {
        let mut args = vec![
            "user", "add", "--phone", phone, "--name", name, "--role", role,
        ];
        if let Some(r) = region {
            args.extend(["--region", r]);
        }
        env.run(&args);
        let token = env.run(&["token", "issue", "--phone", phone]);
        admins.push(Admin { name, stage, token });
    }
    let national = admins[2].token.clone();
    let mut hosts = Vec::new();
    for (i, (region, org_name)) in [
        ("411202", "湖滨区青少年科技馆"),
        ("411203", "陕州区科普教育基地"),
        ("610102", "新城区科学探索馆"),
        ("610103", "碑林区自然博物馆"),
    ]
    .into_iter()
    .enumerate()
    {
        let phone = format!("1380013800{}", i + 1);
        let name = format!("主办方{}", i + 1);
        env.run(&[
            "user", "add", "--phone", &phone, "--name", &name, "--role", "host",
        ]);
        let token = env.run(&["token", "issue", "--phone", &phone]);
        hosts.push(Host {
            name,
            phone,
            region,
            org_name,
            token,
            org: 0,
        });
    }

    let mut server = env.start(0);
    let port = server.port;
    // Each host's organisation, and a day inside the campaign's window.
    for host in &mut hosts {
        let body = json!({"name": host.org_name, "kind": "venue", "region_code": host.region});
        let Outcome::Answer(made) = send(
            port,
            "POST",
            "/api/v1/orgs",
            Some(&host.token),
            None,
            &Payload::Json(&body),
        ) else {
            panic!(
                "no answer to {} ({}) registering {}",
                host.name, host.phone, host.org_name
            );
        };
        assert_eq!(made.status, 201, "{}", made.text());
        host.org = made.json()["id"].as_i64().unwrap();
    }
    let Outcome::Answer(campaign) = send(
        port,
        "GET",
        "/api/v1/campaigns/current",
        None,
        None,
        &Payload::None,
    ) else {
        panic!("no answer for the current campaign");
    };
    assert_eq!(campaign.status, 200, "{}", campaign.text());
    let date = campaign.json()["activity_from"]
        .as_str()
        .unwrap()
        .get(..10)
        .unwrap()
        .to_owned();

    let shared = Arc::new(Shared::new(port, date, jpeg(600, 350), jpeg(800, 600)));
    let mut clients = Clients {
        shared: shared.clone(),
        threads: Vec::new(),
    };
    for host in hosts {
        let (shared, rng) = (shared.clone(), Rng::new(rng.next()));
        clients
            .threads
            .push(std::thread::spawn(move || host_client(&shared, &host, rng)));
    }
    for admin in admins {
        let (shared, rng) = (shared.clone(), Rng::new(rng.next()));
        clients.threads.push(std::thread::spawn(move || {
            admin_client(&shared, &admin, rng)
        }));
    }
    let count = clients.threads.len();

    let mut checks = Vec::new();
    for round in 1..=KILLS {
        let load = rng.between(LOAD_MS);
        std::thread::sleep(Duration::from_millis(load));
        server.sigkill();
        let killed = began.elapsed();
        shared.pause(count);
        if let Some(path) = env.sqlite_path() {
            let check = integrity_check(&path).await;
            assert_eq!(
                check, "ok",
                "{backend:?}, kill {round} (seed {seed:x}): PRAGMA integrity_check on {path}"
            );
        }
        let check_began = Instant::now();
        server = env.start(round);
        shared.port.store(server.port, Ordering::SeqCst);
        let problems = verify(&shared, &national);
        let server_errors = shared.ledger.lock().unwrap().server_errors.clone();
        if !problems.is_empty() || !server_errors.is_empty() {
            clients.stop();
            let mut report =
                format!("{backend:?}, after kill {round} at {killed:?} (seed {seed:x}):\n");
            if !problems.is_empty() {
                report.push_str(&format!(
                    "{} acknowledged write(s) missing or wrong (the first 30):\n  {}\n",
                    problems.len(),
                    problems[..problems.len().min(30)].join("\n  ")
                ));
            }
            if !server_errors.is_empty() {
                report.push_str(&format!(
                    "{} answer(s) were 5xx:\n  {}\n",
                    server_errors.len(),
                    server_errors.join("\n  ")
                ));
            }
            panic!("{report}{}", server.log_tail());
        }
        checks.push(format!(
            "kill {round} after {load} ms of load; restart and check took {:?}",
            check_began.elapsed()
        ));
        shared.paused.store(false, Ordering::SeqCst);
    }
    clients.stop();
    let ledger = shared.ledger.lock().unwrap();
    let acked = |kind: &str| ledger.acked.get(kind).copied().unwrap_or(0);
    let refusals: Vec<String> = ledger
        .refusals
        .iter()
        .map(|(k, (n, first))| format!("{k} × {n} (first: {first})"))
        .collect();
    eprintln!(
        "crash test on {backend:?} (seed {seed:x}) took {:?}: {KILLS} kills; {} activities; \
         acknowledged {} creates, {} edits, {} submits, {} decisions, {} uploads; \
         {} writes never answered; 0 × 5xx\n  {}\n  4xx answers: {}",
        began.elapsed(),
        ledger.activities.len(),
        acked("create"),
        acked("edit"),
        acked("submit"),
        acked("decision"),
        acked("upload"),
        ledger.unanswered,
        checks.join("\n  "),
        if refusals.is_empty() {
            "none".to_owned()
        } else {
            refusals.join("\n    ")
        },
    );
    assert!(
        ledger.server_errors.is_empty(),
        "5xx answers during the load:\n  {}",
        ledger.server_errors.join("\n  ")
    );
    for kind in ["create", "edit", "submit", "decision", "upload"] {
        assert!(
            acked(kind) >= 3,
            "{backend:?}: only {} acknowledged {kind} writes: the load did too little to test \
             anything (4xx answers: {refusals:?})",
            acked(kind)
        );
    }
}

// ---------------------------------------------------------------------------------------
// Check-ins: a 201 means the stamp survives kill -9

/// Venues on the route (and stamps each visitor can earn).
const VENUES: usize = 24;
/// Visitors, shared out among the client threads.
const VISITORS: usize = 48;
/// Client threads checking in.
const CHECKIN_THREADS: usize = 6;

struct Venue {
    id: i64,
    name: String,
    secret: Vec<u8>,
}

struct Visitor {
    phone: String,
    token: String,
}

/// Each visitor's stamps the server acknowledged (201) or showed held (200): venue indexes.
type Held = Mutex<BTreeMap<usize, BTreeSet<usize>>>;

fn code_now(secret: &[u8]) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    domain::totp::code(
        secret,
        domain::totp::step_at(i64::try_from(now).unwrap(), 30),
        6,
    )
}

fn checkin_client(
    shared: &Shared,
    venues: &[Venue],
    visitors: &[(usize, Visitor)],
    held: &Held,
    mut rng: Rng,
) {
    while shared.next_round() {
        let (v, visitor) = &visitors[usize::try_from(rng.below(visitors.len() as i64)).unwrap()];
        let missing: Vec<usize> = {
            let held = held.lock().unwrap();
            (0..venues.len())
                .filter(|i| !held.get(v).is_some_and(|h| h.contains(i)))
                .collect()
        };
        // Mostly a stop not yet stamped; sometimes one again (answered 200, nothing new).
        let at = if missing.is_empty() || rng.percent(10) {
            usize::try_from(rng.below(venues.len() as i64)).unwrap()
        } else {
            missing[usize::try_from(rng.below(missing.len() as i64)).unwrap()]
        };
        let venue = &venues[at];
        let body = json!({"venue_id": venue.id, "code": code_now(&venue.secret)});
        let who = format!("visitor {}", visitor.phone);
        match shared.write(
            &who,
            None,
            "POST",
            "/api/v1/checkins",
            &visitor.token,
            None,
            &Payload::Json(&body),
        ) {
            Written::Acked(r) => {
                if r.status == 201 {
                    shared.acked("checkin");
                } else {
                    shared.acked("again");
                }
                held.lock().unwrap().entry(*v).or_default().insert(at);
            }
            Written::Refused | Written::Unknown => {}
        }
    }
}

/// Every stamp a visitor was told of is in their passport, counted.
fn verify_stamps(
    shared: &Shared,
    venues: &[Venue],
    visitors: &[Visitor],
    held: &Held,
) -> Vec<String> {
    let held = held.lock().unwrap().clone();
    let mut problems = Vec::new();
    for (v, stops) in held {
        let visitor = &visitors[v];
        let Some(passport) = shared.read("checker", "/api/v1/me/stamps", &visitor.token) else {
            problems.push(format!(
                "visitor {}: /api/v1/me/stamps did not answer",
                visitor.phone
            ));
            continue;
        };
        let stamped: BTreeSet<String> = passport
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|route| route["stamps"].as_array().cloned().unwrap_or_default())
            .filter(|s| s["state"] == "counted")
            .filter_map(|s| s["venue_name"].as_str().map(str::to_owned))
            .collect();
        for at in stops {
            if !stamped.contains(&venues[at].name) {
                problems.push(format!(
                    "visitor {}: the stamp of {} was acknowledged and is gone",
                    visitor.phone, venues[at].name
                ));
            }
        }
    }
    problems
}

async fn acknowledged_checkins_survive_sigkill(backend: Backend) {
    let began = Instant::now();
    let seed = seed();
    eprintln!(
        "check-in crash test on {backend:?}: seed {seed:x} (KEPU_CRASH_SEED={seed:x} to repeat)"
    );
    let mut rng = Rng::new(seed ^ 0x00c4_ec14);
    let env = Env::new(backend).await;
    env.run(&["migrate"]);
    env.run(&[
        "user",
        "add",
        "--phone",
        "13900000011",
        "--name",
        "三门峡市管理员",
        "--role",
        "city_admin",
        "--region",
        "411200",
    ]);
    let admin = env.run(&["token", "issue", "--phone", "13900000011"]);
    let mut visitors = Vec::new();
    for i in 0..VISITORS {
        let phone = format!("1370000{i:04}");
        env.run(&[
            "user",
            "add",
            "--phone",
            &phone,
            "--name",
            &format!("游客{i}"),
        ]);
        let token = env.run(&["token", "issue", "--phone", &phone]);
        visitors.push(Visitor { phone, token });
    }

    let mut server = env.start(0);
    let port = server.port;
    let made = |path: &str, body: &Value| -> Value {
        let Outcome::Answer(r) = send(port, "POST", path, Some(&admin), None, &Payload::Json(body))
        else {
            panic!("no answer to POST {path}");
        };
        assert!(
            (200..300).contains(&r.status),
            "POST {path}: {} {}",
            r.status,
            r.text()
        );
        r.json()
    };
    let mut venues = Vec::new();
    for i in 0..VENUES {
        let name = format!("打卡点{i:02}");
        let v = made(
            "/api/v1/venues",
            &json!({"name": name, "address": "三门峡市", "region_code": if i % 2 == 0 { "411202" } else { "411203" },
                    "lon": 111.1 + i as f64 * 0.01, "lat": 34.7, "geofence": {"mode": "off"}}),
        );
        venues.push(Venue {
            id: v["id"].as_i64().unwrap(),
            name,
            secret: domain::totp::from_base32(v["code_secret"].as_str().unwrap()).unwrap(),
        });
    }
    let today = domain::campaign::beijing_date(chrono::Utc::now());
    let route = made(
        "/api/v1/routes",
        &json!({"name": "崩溃测试线路", "region_code": "411200",
                "from": (today - chrono::Duration::days(1)).to_string(),
                "to": (today + chrono::Duration::days(1)).to_string(),
                "sequential": false,
                "anti_abuse": {"max_checkins_per_day": 500, "max_speed_kmh": null},
                "stops": venues.iter().map(|v| json!({"venue_id": v.id})).collect::<Vec<_>>()}),
    );
    let route = route["id"].as_i64().unwrap();
    made(&format!("/api/v1/routes/{route}/publish"), &json!({}));

    let shared = Arc::new(Shared::new(port, today.to_string(), Vec::new(), Vec::new()));
    let venues = Arc::new(venues);
    let held: Arc<Held> = Arc::new(Mutex::new(BTreeMap::new()));
    let mut clients = Clients {
        shared: shared.clone(),
        threads: Vec::new(),
    };
    let mut mine: Vec<Vec<(usize, Visitor)>> = (0..CHECKIN_THREADS).map(|_| Vec::new()).collect();
    for (i, v) in visitors.iter().enumerate() {
        mine[i % CHECKIN_THREADS].push((
            i,
            Visitor {
                phone: v.phone.clone(),
                token: v.token.clone(),
            },
        ));
    }
    for group in mine {
        let (shared, venues, held, rng) = (
            shared.clone(),
            venues.clone(),
            held.clone(),
            Rng::new(rng.next()),
        );
        clients.threads.push(std::thread::spawn(move || {
            checkin_client(&shared, &venues, &group, &held, rng)
        }));
    }
    let count = clients.threads.len();
    let mut checks = Vec::new();
    for round in 1..=KILLS {
        let load = rng.between((300, 1_500));
        std::thread::sleep(Duration::from_millis(load));
        server.sigkill();
        shared.pause(count);
        if let Some(path) = env.sqlite_path() {
            let check = integrity_check(&path).await;
            assert_eq!(check, "ok", "{backend:?}, kill {round} (seed {seed:x})");
        }
        server = env.start(round);
        shared.port.store(server.port, Ordering::SeqCst);
        let problems = verify_stamps(&shared, &venues, &visitors, &held);
        let server_errors = shared.ledger.lock().unwrap().server_errors.clone();
        if !problems.is_empty() || !server_errors.is_empty() {
            clients.stop();
            panic!(
                "{backend:?}, after kill {round} (seed {seed:x}):\n  {}\n  5xx: {server_errors:?}\n{}",
                problems[..problems.len().min(30)].join("\n  "),
                server.log_tail()
            );
        }
        let stamps: usize = held.lock().unwrap().values().map(BTreeSet::len).sum();
        checks.push(format!(
            "kill {round} after {load} ms: {stamps} stamps held, all there"
        ));
        shared.paused.store(false, Ordering::SeqCst);
    }
    clients.stop();
    let ledger = shared.ledger.lock().unwrap();
    let acked = |kind: &str| ledger.acked.get(kind).copied().unwrap_or(0);
    let refusals: Vec<String> = ledger
        .refusals
        .iter()
        .map(|(k, (n, first))| format!("{k} × {n} (first: {first})"))
        .collect();
    eprintln!(
        "check-in crash test on {backend:?} (seed {seed:x}) took {:?}: {KILLS} kills; \
         {} check-ins answered 201, {} answered 200 (held already); {} never answered; 0 × 5xx\n  {}\n  4xx: {refusals:?}",
        began.elapsed(),
        acked("checkin"),
        acked("again"),
        ledger.unanswered,
        checks.join("\n  "),
    );
    assert!(
        ledger.server_errors.is_empty(),
        "{:?}",
        ledger.server_errors
    );
    assert!(
        acked("checkin") >= 20,
        "{backend:?}: only {} check-ins were acknowledged: the load tested too little (4xx: {refusals:?})",
        acked("checkin")
    );
}
