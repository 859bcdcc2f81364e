//! The instruction-count guard's fixed mix (issue 19): what `/healthz`, a list, an activity
//! page, a search, the JSON list, a create and a statistics read cost, counted by valgrind's
//! callgrind in instructions rather than seconds, so that a 3% rise shows whatever else the
//! machine is doing. `scripts/instructions` drives it; run alone it only prints the mix.
//!
//! - `instructions prepare DIR`: a SQLite database of `ACTIVITIES` activities from
//!   `kepu bench-data`'s generator, indexed and counted, with a host and a national
//!   administrator and their tokens (natively: setting up is not measured).
//! - `instructions measure DIR`: starts the app on a copy of that folder, warms every
//!   operation as it will be measured, then runs each `ROUNDS` times (`/healthz` and the create more)
//!   between `measure_start` and `measure_stop`, which callgrind is told to zero before and dump before. Each dump then
//!   holds one operation's instructions, over every thread (the database's worker threads
//!   included). Kept answers (public lists, the JSON list, statistics) are off: the guard
//!   counts computing an answer, not finding a kept one.
#![expect(clippy::unwrap_used, reason = "a benchmark fails loudly")]

use std::hint::black_box;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use app::sms::OutboxSender;
use app::{App, Config, TestClock};
use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Method, Request, header};
use chrono::{TimeZone, Utc};
use http_body_util::BodyExt;
use sea_orm::ConnectionTrait;
use tower::ServiceExt;

/// Activities in the measured database: enough for full pages, a ranked search and a
/// statistics table; few enough that preparing takes seconds.
const ACTIVITIES: u64 = 3_000;
/// Each operation's repetitions inside one measurement (`/healthz`, whose count is small
/// beside what varies between runs, and a create, five times as many).
const ROUNDS: usize = 20;

fn config(dir: &Path) -> Config {
    Config {
        data_dir: dir.to_path_buf(),
        kept_public_answers: 0,
        kept_public_megabytes: 0,
        kept_stats_answers: 0,
        // Kept by the clock on the wall: under callgrind, fifty times slower, a refresh
        // would fall into whichever operation runs when it expires.
        reference_seconds: 86_400,
        ..Config::default()
    }
}

fn clock() -> Arc<TestClock> {
    // During the 2026 campaign's registration, as the tests' clock.
    Arc::new(TestClock::new(
        Utc.with_ymd_and_hms(2026, 7, 1, 2, 0, 0).unwrap(),
    ))
}

async fn start(dir: &Path) -> App {
    let sms = Arc::new(OutboxSender::new(dir));
    App::start(config(dir), clock(), sms).await.unwrap()
}

async fn send(
    router: &Router,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<&str>,
) -> (u16, axum::body::Bytes) {
    let mut builder = Request::builder().method(method).uri(path);
    if let Some(token) = token {
        builder = builder.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    let body = match body {
        Some(json) => {
            builder = builder.header(header::CONTENT_TYPE, "application/json");
            Body::from(json.to_owned())
        }
        None => Body::empty(),
    };
    let mut request = builder.body(body).unwrap();
    let addr: SocketAddr = "127.0.0.1:40000".parse().unwrap();
    request.extensions_mut().insert(ConnectInfo(addr));
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status().as_u16();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, bytes)
}

async fn prepare(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    let app = start(dir).await;
    app.bench_data(ACTIVITIES).await.unwrap();
    app.reindex().await.unwrap();
    app::stats::rebuild(&app.db).await.unwrap();
    let router = web::router(app.clone());
    let host = app
        .add_user("13800138000", "测量用户", None, None, None)
        .await
        .unwrap();
    let host_token = app.issue_token(host, "measure", None).await.unwrap();
    let (status, body) = send(
        &router,
        Method::POST,
        "/api/v1/orgs",
        Some(&host_token),
        Some(r#"{"name": "三门峡市科技馆", "kind": "venue", "region_code": "411202"}"#),
    )
    .await;
    assert_eq!(status, 201, "{}", String::from_utf8_lossy(&body));
    let org: serde_json::Value = serde_json::from_slice(&body).unwrap();
    let national = app
        .add_user(
            "13900000001",
            "全国管理员",
            Some(domain::role::Role::NationalAdmin),
            None,
            None,
        )
        .await
        .unwrap();
    let national_token = app.issue_token(national, "measure", None).await.unwrap();
    let (_, list) = send(
        &router,
        Method::GET,
        "/api/v1/activities?per_page=5",
        None,
        None,
    )
    .await;
    let list: serde_json::Value = serde_json::from_slice(&list).unwrap();
    let activity = list["items"][2]["id"].as_i64().unwrap();
    let state = serde_json::json!({
        "host_token": host_token,
        "national_token": national_token,
        "org": org["id"],
        "activity": activity,
    });
    std::fs::write(dir.join("measure.json"), state.to_string()).unwrap();
    // The write-ahead log emptied into the database: measured writes never run into a
    // checkpoint, whose progress depends on where concurrent readers happen to be.
    app.db
        .writer()
        .execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)")
        .await
        .unwrap();
    println!("prepared {ACTIVITIES} activities in {}", dir.display());
}

/// Callgrind zeroes its counts when this is entered (`--zero-before`).
#[inline(never)]
fn measure_start(name: &str) {
    black_box(name);
}

/// Callgrind writes the counts since `measure_start` when this is entered (`--dump-before`).
/// Its signature differs from `measure_start`'s, so that the two are never folded into one.
#[inline(never)]
fn measure_stop(name: &str, rounds: usize) {
    black_box((name, rounds));
}

struct Op {
    name: &'static str,
    method: Method,
    path: String,
    token: Option<String>,
    body: Option<String>,
    expect: u16,
    rounds: usize,
}

async fn measure(prepared: &Path) {
    let dir: PathBuf = prepared.with_extension("run");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for entry in std::fs::read_dir(prepared).unwrap() {
        let entry = entry.unwrap();
        copy_all(&entry.path(), &dir.join(entry.file_name()));
    }
    let state: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("measure.json")).unwrap()).unwrap();
    let host = state["host_token"].as_str().unwrap().to_owned();
    let national = state["national_token"].as_str().unwrap().to_owned();
    let activity = state["activity"].as_i64().unwrap();
    let draft = serde_json::json!({
        "name": "测量用草稿", "section": "exhibition", "region_code": "411202", "hosts": [state["org"]]
    })
    .to_string();
    let app = start(&dir).await;
    let router = web::router(app.clone());
    let get = |name, path: String, token: Option<&String>| Op {
        name,
        method: Method::GET,
        path,
        token: token.cloned(),
        body: None,
        expect: 200,
        rounds: ROUNDS,
    };
    let ops = [
        // The server's own floor, as `scripts/bench` measures every page against it.
        Op {
            rounds: 5 * ROUNDS,
            ..get("healthz", "/healthz".into(), None)
        },
        get("list", "/activities".into(), None),
        get("activity", format!("/activities/{activity}"), None),
        get("search", "/activities?q=%E7%A7%91%E6%99%AE".into(), None),
        get("json-list", "/api/v1/activities".into(), None),
        Op {
            name: "create",
            method: Method::POST,
            path: "/api/v1/activities".into(),
            token: Some(host.clone()),
            body: Some(draft),
            expect: 201,
            // Many round trips to the database's thread each: how often the request is
            // polled before each answer varies, and averages out over more of them.
            rounds: 5 * ROUNDS,
        },
        get("stats", "/api/v1/stats".into(), Some(&national)),
    ];
    // Every pooled connection opened now, by requests at once: a pool that opened one
    // inside a measurement (whenever a returning connection was not back in time) put a
    // schema parse into that operation's count.
    for op in ops.iter().filter(|op| op.method == Method::GET) {
        let burst: Vec<_> = (0..16).map(|_| run(&router, op)).collect();
        futures::future::join_all(burst).await;
    }
    // Warmed as measured, so that every pooled connection has prepared its statements.
    for op in &ops {
        for _ in 0..op.rounds {
            run(&router, op).await;
        }
    }
    // The warm-up's creates are in the search log: the index takes them in now, not in the
    // first measured search.
    app.catch_up_search().await.unwrap();
    // And the warm-up's writes checkpointed, as after preparing.
    app.db
        .writer()
        .execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)")
        .await
        .unwrap();
    for op in &ops {
        measure_start(op.name);
        for _ in 0..op.rounds {
            black_box(run(&router, op).await);
        }
        measure_stop(op.name, op.rounds);
        println!("{} {}", op.name, op.rounds);
    }
}

async fn run(router: &Router, op: &Op) -> axum::body::Bytes {
    let (status, body) = send(
        router,
        op.method.clone(),
        &op.path,
        op.token.as_deref(),
        op.body.as_deref(),
    )
    .await;
    // Read as text only to say why: the count is the server's, not the harness's.
    if status != op.expect {
        panic!(
            "{} {}: {status} {}",
            op.name,
            op.path,
            String::from_utf8_lossy(&body)
        );
    }
    body
}

fn copy_all(from: &Path, to: &Path) {
    if from.is_dir() {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            copy_all(&entry.path(), &to.join(entry.file_name()));
        }
    } else {
        std::fs::copy(from, to).unwrap();
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(what), Some(dir)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: instructions prepare|measure DIR");
        std::process::exit(2);
    };
    let dir = PathBuf::from(dir);
    // One worker thread: the fewer threads, the fewer instructions that depend on how
    // callgrind happens to interleave them.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    match what.as_str() {
        "prepare" => runtime.block_on(prepare(&dir)),
        "measure" => runtime.block_on(measure(&dir)),
        _ => {
            eprintln!("usage: instructions prepare|measure DIR");
            std::process::exit(2);
        }
    }
}
