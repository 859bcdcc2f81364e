//! The `kepu` command line, run as a person would run it, on SQLite and PostgreSQL.
#![expect(
    clippy::unwrap_used,
    reason = "a test fails loudly where its setup does"
)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use store::testing::{Backend, TestDb};

store::on_both_backends!(
    users_tokens_and_the_server,
    refusals_say_what_is_wrong,
    configuration_layers,
    the_demo_fills_every_state,
    bench_data_is_realistic_and_repeatable,
    a_reminder_survives_a_crash_and_is_sent_once,
    the_development_sms_sender_is_announced,
    the_audit_trail_is_verified_purged_and_exported,
    the_log_holds_no_phone_code_token_or_cookie,
    a_backup_under_load_restores_on_the_same_backend,
    sqlite_durability_is_a_setting,
);

/// SQLite to PostgreSQL: the same two commands move an embedded installation.
#[tokio::test]
async fn a_backup_of_sqlite_restores_on_postgresql() {
    round_trip(Backend::Sqlite, Backend::Postgres).await;
}

struct Env {
    db: TestDb,
    dir: PathBuf,
}

impl Env {
    async fn new(backend: Backend) -> Env {
        let db = TestDb::new(backend).await;
        let dir = std::env::temp_dir().join(format!("kepu-cli-{}", app::random_hex(8).unwrap()));
        std::fs::create_dir_all(&dir).unwrap();
        Env { db, dir }
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

    fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().unwrap()
    }

    fn serve(&self, extra_env: &[(&str, &str)]) -> (Server, u16) {
        self.serve_with(&["serve"], extra_env)
    }

    fn serve_with(&self, args: &[&str], extra_env: &[(&str, &str)]) -> (Server, u16) {
        let port = free_port();
        let mut command = self.command(args);
        command
            .env("KEPU_BIND", format!("127.0.0.1:{port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        for (k, v) in extra_env {
            command.env(k, v);
        }
        let server = Server(command.spawn().unwrap());
        wait_for(port);
        (server, port)
    }
}

impl Drop for Env {
    fn drop(&mut self) {
        std::fs::remove_dir_all(&self.dir).ok();
    }
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        self.0.kill().ok();
        self.0.wait().ok();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn wait_for(port: u16) {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(30) {
        if http(port, "GET", "/healthz", None, None).0 == 200 {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("the server did not answer on port {port}");
}

/// A minimal HTTP/1.1 client: status and body.
fn http(
    port: u16,
    method: &str,
    path: &str,
    token: Option<&str>,
    json: Option<&str>,
) -> (u16, String) {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return (0, String::new());
    };
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    let body = json.unwrap_or("");
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n{auth}Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).ok();
    let status = response
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

async fn users_tokens_and_the_server(backend: Backend) {
    let env = Env::new(backend).await;
    let migrated = env.run(&["migrate"]);
    assert!(migrated.status.success(), "{}", stderr(&migrated));

    let added = env.run(&[
        "user",
        "add",
        "--phone",
        "13900000001",
        "--name",
        "国家管理员",
        "--role",
        "national_admin",
    ]);
    assert!(added.status.success(), "{}", stderr(&added));
    let added = env.run(&[
        "user",
        "add",
        "--phone",
        "13900000002",
        "--name",
        "三门峡市管理员",
        "--role",
        "city_admin",
        "--region",
        "411200",
    ]);
    assert!(added.status.success(), "{}", stderr(&added));

    let issued = env.run(&["token", "issue", "--phone", "13900000002"]);
    assert!(issued.status.success(), "{}", stderr(&issued));
    let out = stdout(&issued);
    assert_eq!(out.lines().count(), 1, "only the token is printed: {out:?}");
    let token = out.trim();
    assert!(token.starts_with("kp_") && token.len() > 40);

    let (_server, port) = env.serve(&[]);
    let (status, body) = http(port, "GET", "/api/v1/me", Some(token), None);
    assert_eq!(status, 200, "{body}");
    let me: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(me["name"], "三门峡市管理员");
    assert_eq!(
        me["roles"],
        serde_json::json!([{"role": "city_admin", "region_code": "411200"}])
    );
    let (status, body) = http(port, "GET", "/", None, None);
    assert_eq!(status, 200);
    assert!(body.contains("千馆展览探未来"));
}

async fn refusals_say_what_is_wrong(backend: Backend) {
    let env = Env::new(backend).await;
    let cases: [(&[&str], &str); 5] = [
        (
            &[
                "user",
                "add",
                "--phone",
                "13900000003",
                "--name",
                "县管理员",
                "--role",
                "county_admin",
            ],
            "县级管理员须指定所辖地区（--region）",
        ),
        (
            &[
                "user",
                "add",
                "--phone",
                "13900000003",
                "--name",
                "省管理员",
                "--role",
                "province_admin",
                "--region",
                "411200",
            ],
            "省级管理员所辖地区须为省级区划",
        ),
        (
            &["user", "add", "--phone", "123", "--name", "某人"],
            "手机号格式不正确",
        ),
        (
            &[
                "user",
                "add",
                "--phone",
                "13900000003",
                "--name",
                "某人",
                "--role",
                "root",
            ],
            "未知角色“root”",
        ),
        (
            &["token", "issue", "--phone", "13900000009"],
            "没有手机号为 139****0009 的用户",
        ),
    ];
    for (args, message) in cases {
        let output = env.run(args);
        assert!(!output.status.success(), "{args:?} should fail");
        assert!(
            stderr(&output).contains(message),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(
            stdout(&output).is_empty(),
            "{args:?} prints nothing on stdout"
        );
    }
}

async fn configuration_layers(backend: Backend) {
    let env = Env::new(backend).await;
    let file = env.dir.join("kepu.toml");
    std::fs::write(&file, "[login]\ncodes_per_phone_per_window = 3\n").unwrap();
    let port = free_port();
    let _server = Server(
        env.command(&["serve", "--config", file.to_str().unwrap()])
            .env("KEPU_BIND", format!("127.0.0.1:{port}"))
            .env("KEPU__LOGIN__CODES_PER_IP_PER_HOUR", "2")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    wait_for(port);
    let send = |phone: &str| {
        http(
            port,
            "POST",
            "/api/v1/auth/sms-codes",
            None,
            Some(&format!("{{\"phone\": \"{phone}\"}}")),
        )
        .0
    };
    // The file allows three codes a minute per phone; the environment two an hour per address.
    assert_eq!(send("13800138000"), 202);
    assert_eq!(send("13800138000"), 202);
    assert_eq!(send("13800138001"), 429);
    let outbox = std::fs::read_to_string(env.dir.join("sms-outbox.log")).unwrap();
    assert_eq!(outbox.lines().count(), 2);
    assert!(
        outbox
            .lines()
            .all(|l| l.starts_with("13800138000 ") && l.len() == 18)
    );

    let baidu = env
        .command(&["migrate"])
        .env("KEPU__MAP__TILE_DATUM", "bd09")
        .output()
        .unwrap();
    assert!(!baidu.status.success());
    assert!(
        stderr(&baidu).contains("百度瓦片不是标准 XYZ 瓦片"),
        "{}",
        stderr(&baidu)
    );

    let missing = env.run(&["--config", "/nonexistent/kepu.toml", "migrate"]);
    assert!(!missing.status.success());
    assert!(stderr(&missing).contains("配置文件不存在"));
}

#[test]
fn the_default_database_is_sqlite_in_the_data_folder() {
    let dir = std::env::temp_dir().join(format!("kepu-cli-{}", app::random_hex(8).unwrap()));
    let output = Command::new(env!("CARGO_BIN_EXE_kepu"))
        .arg("migrate")
        .env_remove("KEPU_DATABASE_URL")
        .env("KEPU_DATA_DIR", &dir)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(Path::new(&dir.join("kepu.db")).exists());
    std::fs::remove_dir_all(&dir).ok();
}

async fn the_demo_fills_every_state(backend: Backend) {
    let env = Env::new(backend).await;
    let (server, port) = env.serve_with(&["serve", "--demo"], &[]);
    let token = |phone: &str| {
        stdout(&env.run(&["token", "issue", "--phone", phone]))
            .trim()
            .to_owned()
    };
    let (province, national) = (token("13900000001"), token("13900000000"));
    let queue = |t: &str| {
        let (status, body) = http(port, "GET", "/api/v1/review-queue", Some(t), None);
        assert_eq!(status, 200, "{body}");
        serde_json::from_str::<serde_json::Value>(&body).unwrap()["total"]
            .as_u64()
            .unwrap()
    };
    assert_eq!(queue(&province), 1, "one waits for the province");
    assert_eq!(queue(&national), 1, "one waits for the nation");
    let public = (1..=6)
        .filter(|id| http(port, "GET", &format!("/api/v1/activities/{id}"), None, None).0 == 200)
        .count();
    assert_eq!(public, 2, "two are approved and public");
    let mine = http(
        port,
        "GET",
        "/api/v1/my/activities",
        Some(&token("13800000000")),
        None,
    )
    .1;
    let statuses: Vec<String> = serde_json::from_str::<serde_json::Value>(&mine).unwrap()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["status"].as_str().unwrap().to_owned())
        .collect();
    for status in [
        "draft",
        "province_review",
        "province_rejected",
        "national_review",
        "approved",
    ] {
        assert!(
            statuses.iter().any(|s| s == status),
            "{status} in {statuses:?}"
        );
    }
    drop(server);
    // A second start with --demo on a filled database adds nothing.
    let (_again, port) = env.serve_with(&["serve", "--demo"], &[]);
    let mine = http(
        port,
        "GET",
        "/api/v1/my/activities",
        Some(&token("13800000000")),
        None,
    )
    .1;
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&mine).unwrap()["total"],
        6
    );
}

async fn bench_data_is_realistic_and_repeatable(backend: Backend) {
    let env = Env::new(backend).await;
    let made = env.run(&["bench-data", "--activities", "600"]);
    assert!(made.status.success(), "{}", stderr(&made));
    assert!(
        stderr(&made).contains("已生成 600 个活动"),
        "{}",
        stderr(&made)
    );
    let (_server, port) = env.serve(&[]);
    let list = |q: &str| {
        let (status, body) = http(port, "GET", &format!("/api/v1/activities?{q}"), None, None);
        assert_eq!(status, 200, "{body}");
        serde_json::from_str::<serde_json::Value>(&body).unwrap()
    };
    let approved = list("per_page=100")["total"].as_u64().unwrap();
    assert!(
        (360..=480).contains(&approved),
        "about 70% approved: {approved}"
    );
    assert!(
        list("region=440000")["total"].as_u64().unwrap()
            > list("region=540000")["total"].as_u64().unwrap(),
        "广东 has more than 西藏"
    );
    assert!(
        list("q=%E5%A4%A9%E6%96%87")["total"].as_u64().unwrap() > 0,
        "searchable: 天文"
    );
    let first = list("per_page=1")["items"][0]["name"]
        .as_str()
        .unwrap()
        .to_owned();
    let again = Env::new(backend).await;
    assert!(
        again
            .run(&["bench-data", "--activities", "600"])
            .status
            .success()
    );
    let (_second, port2) = again.serve(&[]);
    let (_, body) = http(port2, "GET", "/api/v1/activities?per_page=1", None, None);
    let same: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        same["items"][0]["name"], first,
        "a fixed seed makes the same data"
    );
}

/// Reminder texts in the outbox.
fn texts(env: &Env) -> usize {
    std::fs::read_to_string(env.dir.join("sms-outbox.log"))
        .unwrap_or_default()
        .lines()
        .filter(|l| l.contains("补充信息还有"))
        .count()
}

/// Waits up to 20 s for `check`.
fn eventually(check: impl Fn() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(20) {
        if check() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    false
}

async fn a_reminder_survives_a_crash_and_is_sent_once(backend: Backend) {
    use store::sea_orm::{ActiveModelTrait, ActiveValue::Set};
    let env = Env::new(backend).await;
    // Schedule: an approved activity that ended four days ago (supplement due in six days,
    // so the seven-day reminder is due now), marked 拟推优 by its host.
    let id = {
        let config = app::Config {
            database_url: Some(env.db.url.clone()),
            data_dir: env.dir.clone(),
            ..app::Config::default()
        };
        let sms = std::sync::Arc::new(app::sms::OutboxSender::new(&env.dir));
        let app = app::App::start(config, std::sync::Arc::new(app::SystemClock), sms)
            .await
            .unwrap();
        let owner = app
            .add_user("13800138000", "王老师", None, None, None)
            .await
            .unwrap();
        let campaign = app.current_campaign().await.unwrap();
        let now = chrono::Utc::now();
        let row = store::entities::activity::ActiveModel {
            campaign_id: Set(campaign.id),
            owner_id: Set(owner),
            status: Set("approved".to_owned()),
            version: Set(1),
            data: Set("{}".to_owned()),
            name: Set("社区科普日".to_owned()),
            start_at: Set(Some(now - chrono::Duration::days(4))),
            end_at: Set(Some(now - chrono::Duration::days(4))),
            reservable: Set(false),
            created_at: Set(now),
            updated_at: Set(now),
            audience_mask: Set(0),
            excellence_intent: Set(false),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .unwrap();
        let host = app::Actor {
            user_id: owner,
            name: None,
            grants: Vec::new(),
            phone_verified: false,
        };
        app.set_excellence_intent(&host, row.id, true)
            .await
            .unwrap();
        row.id
    };
    assert!(id > 0);

    // Stop: a server whose worker would first run in an hour is killed before sending.
    let (server, _) = env.serve(&[("KEPU__JOBS_EVERY_SECONDS", "3600")]);
    drop(server);
    assert_eq!(texts(&env), 0, "nothing was sent before the crash");

    // Restart two instances at once: the reminder goes out, once.
    let (first, _) = env.serve(&[("KEPU__JOBS_EVERY_SECONDS", "1")]);
    let (second, _) = env.serve(&[("KEPU__JOBS_EVERY_SECONDS", "1")]);
    assert!(
        eventually(|| texts(&env) >= 1),
        "the reminder was never sent"
    );
    std::thread::sleep(Duration::from_secs(3));
    drop((first, second));
    let (_third, _) = env.serve(&[("KEPU__JOBS_EVERY_SECONDS", "1")]);
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(texts(&env), 1, "sent exactly once");
}

/// THREAT-MODEL.md S8: the development SMS sender writes every login code to a file and sends
/// none; a server started with it says so, so that nobody runs it in production unawares.
async fn the_development_sms_sender_is_announced(backend: Backend) {
    let env = Env::new(backend).await;
    let port = free_port();
    let mut command = env.command(&["serve"]);
    command
        .env("KEPU_BIND", format!("127.0.0.1:{port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let mut server = Server(command.spawn().unwrap());
    wait_for(port);
    server.0.kill().ok();
    let mut said = String::new();
    server
        .0
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut said)
        .unwrap();
    assert!(
        said.contains("短信服务商为 outbox（仅供开发）") && said.contains("sms-outbox.log"),
        "{said}"
    );
}

/// `kepu audit verify` finds one flipped byte; `purge` refuses anything younger than the
/// retention; `export` writes CSV with a byte-order mark, or JSON lines.
async fn the_audit_trail_is_verified_purged_and_exported(backend: Backend) {
    use store::sea_orm::{ConnectionTrait, Statement};
    let env = Env::new(backend).await;
    for (phone, role, region) in [
        ("13900000001", "province_admin", "410000"),
        ("13900000002", "city_admin", "411200"),
    ] {
        let out = env.run(&[
            "user",
            "add",
            "--phone",
            phone,
            "--name",
            "管理员",
            "--role",
            role,
            "--region",
            region,
        ]);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let out = env.run(&["audit", "verify"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("操作记录完整"), "{}", stderr(&out));
    assert!(stderr(&out).contains("哈希链无断点"), "{}", stderr(&out));

    let out = env.run(&["audit", "export", "--format", "csv"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(out.stdout.starts_with(b"\xEF\xBB\xBF"), "a byte-order mark");
    let text = stdout(&out);
    let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let grants = reader
        .records()
        .map(Result::unwrap)
        .filter(|r| &r[5] == "user.grant")
        .count();
    assert_eq!(grants, 2, "{text}");
    let out = env.run(&[
        "audit",
        "export",
        "--format",
        "jsonl",
        "--from",
        "2000-01-01",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    for line in stdout(&out).lines() {
        let entry: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(entry["hash"].as_str().unwrap().len(), 64);
    }
    let out = env.run(&["audit", "export", "--format", "xml"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("--format 须为 csv 或 jsonl"),
        "{}",
        stderr(&out)
    );

    // Nothing younger than 180 days is purged, and the refusal says why.
    let out = env.run(&["audit", "purge", "--before", "2099-01-01"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("操作记录至少保留180天"),
        "{}",
        stderr(&out)
    );

    // One flipped byte, made behind the triggers' back, is found and named.
    let db = store::connect(&env.db.url).await.unwrap();
    let conn = db.writer();
    let backend_kind = conn.get_database_backend();
    let run = |sql: String| Statement::from_string(backend_kind, sql);
    let victim: i64 = conn
        .query_one_raw(run(
            "SELECT MIN(id) AS id FROM audit_events WHERE action = 'user.grant'".to_owned(),
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get("", "id")
        .unwrap();
    let unguard = match backend_kind {
        store::sea_orm::DbBackend::Postgres => {
            vec!["ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only"]
        }
        _ => vec!["DROP TRIGGER audit_events_no_update"],
    };
    for sql in unguard {
        conn.execute_raw(run(sql.to_owned())).await.unwrap();
    }
    conn.execute_raw(run(format!(
        "UPDATE audit_events SET detail = REPLACE(detail, '410000', '410001') WHERE id = {victim}"
    )))
    .await
    .unwrap();
    let out = env.run(&["audit", "verify"]);
    assert!(!out.status.success(), "a changed entry fails the check");
    assert!(
        stderr(&out).contains(&format!(
            "操作记录第 {victim} 条有问题：记录内容与其哈希不符"
        )),
        "{}",
        stderr(&out)
    );
}

/// A server's log, at its most talkative (`debug`), after a person asks for a code, gets it
/// wrong until the phone locks, logs in on another phone, uses the token and a browser
/// session: the log holds neither phone number, no code, no token and no cookie — only the
/// masked phone where it names one.
async fn the_log_holds_no_phone_code_token_or_cookie(backend: Backend) {
    let env = Env::new(backend).await;
    let port = free_port();
    let log_path = env.dir.join("server.log");
    let mut command = env.command(&["serve"]);
    command
        .env("KEPU_BIND", format!("127.0.0.1:{port}"))
        .env("RUST_LOG", "debug")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log_path).unwrap());
    let server = Server(command.spawn().unwrap());
    wait_for(port);
    let code_of = |phone: &str| -> String {
        let outbox = std::fs::read_to_string(env.dir.join("sms-outbox.log")).unwrap();
        outbox
            .lines()
            .rev()
            .find_map(|l| l.strip_prefix(&format!("{phone} ")))
            .unwrap()
            .to_owned()
    };
    let ask = |phone: &str| {
        http(
            port,
            "POST",
            "/api/v1/auth/sms-codes",
            None,
            Some(&format!("{{\"phone\": \"{phone}\"}}")),
        )
        .0
    };
    let try_code = |phone: &str, code: &str| {
        http(
            port,
            "POST",
            "/api/v1/auth/sessions",
            None,
            Some(&format!("{{\"phone\": \"{phone}\", \"code\": \"{code}\"}}")),
        )
    };
    // Wrong codes until the phone locks (its warning names the phone, masked).
    let locked = "13712345678";
    assert_eq!(ask(locked), 202);
    let sent_to_locked = code_of(locked);
    for _ in 0..5 {
        assert_ne!(try_code(locked, "000000").0, 200);
    }
    // A login that works, a token used, a browser session begun.
    let phone = "13698765432";
    assert_eq!(ask(phone), 202);
    let code = code_of(phone);
    let (status, body) = try_code(phone, &code);
    assert_eq!(status, 200, "{body}");
    let token: serde_json::Value = serde_json::from_str(&body).unwrap();
    let token = token["token"].as_str().unwrap().to_owned();
    assert_eq!(http(port, "GET", "/api/v1/me", Some(&token), None).0, 200);
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        stream,
        "GET /login HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut page = String::new();
    stream.read_to_string(&mut page).ok();
    let cookie = page
        .lines()
        .find_map(|l| l.strip_prefix("set-cookie: kepu_session="))
        .and_then(|v| v.split(';').next())
        .unwrap_or_default()
        .to_owned();
    assert!(!cookie.is_empty(), "{page}");
    drop(server);
    let log = std::fs::read_to_string(&log_path).unwrap();
    assert!(log.lines().count() > 10, "the log was captured: {log}");
    for (what, secret) in [
        ("a phone", locked),
        ("a phone", phone),
        ("a code", sent_to_locked.as_str()),
        ("a code", code.as_str()),
        ("a token", token.as_str()),
        ("a cookie", cookie.as_str()),
    ] {
        assert!(
            !log.contains(secret),
            "the log holds {what}: {secret}\n{log}"
        );
    }
    assert!(
        !log.contains("Bearer"),
        "the log holds an Authorization header"
    );
    assert!(
        log.contains("137****5678"),
        "the lock's warning names the phone masked: {log}"
    );
}

async fn a_backup_under_load_restores_on_the_same_backend(backend: Backend) {
    round_trip(backend, backend).await;
}

/// `manifest.json` of a backup folder.
fn manifest(dir: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap()
}

/// A server with the demo campaign (posters included) takes writes from a client while
/// `kepu backup` runs; the backup restores into an empty database of `to`, where every
/// write acknowledged before the backup began is found, every table's rows and every file
/// equal the archive's (a backup of the restored installation has the same digests), the
/// audit chain verifies, and a second restore, or a damaged archive, is refused.
async fn round_trip(from: Backend, to: Backend) {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Arc, Mutex};
    let src = Env::new(from).await;
    let (server, port) = src.serve_with(&["serve", "--demo"], &[]);
    let out = src.run(&[
        "user",
        "add",
        "--phone",
        "13800138555",
        "--name",
        "负载",
        "--role",
        "host",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let token = stdout(&src.run(&["token", "issue", "--phone", "13800138555"]))
        .trim()
        .to_owned();
    let acknowledged: Arc<Mutex<Vec<i64>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (acknowledged, stop, token) = (acknowledged.clone(), stop.clone(), token.clone());
        std::thread::spawn(move || {
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                n += 1;
                let body = format!("{{\"name\": \"备份期间的草稿{n}\"}}");
                let (status, answer) = http(
                    port,
                    "POST",
                    "/api/v1/activities",
                    Some(&token),
                    Some(&body),
                );
                if status == 201 {
                    let v: serde_json::Value = serde_json::from_str(&answer).unwrap();
                    acknowledged.lock().unwrap().push(v["id"].as_i64().unwrap());
                }
            }
        })
    };
    while acknowledged.lock().unwrap().len() < 5 {
        std::thread::sleep(Duration::from_millis(20));
    }
    let before: Vec<i64> = acknowledged.lock().unwrap().clone();
    let archive = src.dir.join("backup");
    let out = src.run(&["backup", "--out", archive.to_str().unwrap()]);
    stop.store(true, Ordering::Relaxed);
    writer.join().unwrap();
    drop(server);
    assert!(
        acknowledged.lock().unwrap().len() > before.len(),
        "writes went on while the backup ran"
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("备份完成"), "{}", stderr(&out));
    let taken = manifest(&archive);
    assert!(
        !taken["files"].as_array().unwrap().is_empty(),
        "the demo's posters are in it"
    );
    assert_eq!(
        taken["backend"],
        if from == Backend::Sqlite {
            "sqlite"
        } else {
            "postgres"
        }
    );

    // Refused: a folder that is not empty.
    let again = src.run(&["backup", "--out", archive.to_str().unwrap()]);
    assert!(!again.status.success());
    assert!(stderr(&again).contains("不是空的"), "{}", stderr(&again));

    let dst = Env::new(to).await;
    let out = dst.run(&["restore", "--from", archive.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("恢复完成"), "{}", stderr(&out));
    // Every write acknowledged before the backup began is there.
    let db = store::connect(&dst.db.url).await.unwrap();
    for id in &before {
        assert!(
            store::activities::by_id(&db, *id).await.unwrap().is_some(),
            "activity {id}, acknowledged before the backup, was restored"
        );
    }
    // The restored installation backs up to the same rows and files.
    let second = dst.dir.join("backup-again");
    let out = dst.run(&["backup", "--out", second.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let again = manifest(&second);
    for (a, b) in taken["tables"]
        .as_array()
        .unwrap()
        .iter()
        .zip(again["tables"].as_array().unwrap())
    {
        assert_eq!(a["name"], b["name"]);
        assert_eq!(a["rows"], b["rows"], "{}", a["name"]);
        assert_eq!(
            a["rows_digest"], b["rows_digest"],
            "table {} equal row by row",
            a["name"]
        );
    }
    assert_eq!(taken["files"], again["files"], "file by file");
    let verified = dst.run(&["audit", "verify"]);
    assert!(verified.status.success(), "{}", stderr(&verified));
    // The restored server serves the demo's public activities, found by search.
    let (server, port) = dst.serve(&[]);
    let (status, body) = http(
        port,
        "GET",
        "/api/v1/activities?q=%E7%A7%91%E6%99%AE",
        None,
        None,
    );
    assert_eq!(status, 200, "{body}");
    let found: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert!(
        found["total"].as_i64().unwrap() > 0,
        "the index was rebuilt: {body}"
    );
    drop(server);

    // Refused: a database that is not empty.
    let out = dst.run(&["restore", "--from", archive.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("目标数据库不是空的"),
        "{}",
        stderr(&out)
    );
    // Refused before writing anything: a damaged archive.
    let table = archive.join("tables").join("activities.jsonl");
    let mut bytes = std::fs::read(&table).unwrap();
    let last = bytes.len() - 2;
    bytes[last] ^= 1;
    std::fs::write(&table, bytes).unwrap();
    let empty = Env::new(to).await;
    let out = empty.run(&["restore", "--from", archive.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("表 activities 的文件校验和不符：备份已损坏"),
        "{}",
        stderr(&out)
    );
}

/// `sqlite_synchronous`: `full` is taken, anything but `normal` or `full` refused with why.
async fn sqlite_durability_is_a_setting(backend: Backend) {
    let env = Env::new(backend).await;
    let out = env
        .command(&["migrate"])
        .env("KEPU__SQLITE_SYNCHRONOUS", "full")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let out = env
        .command(&["migrate"])
        .env("KEPU__SQLITE_SYNCHRONOUS", "fast")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("sqlite_synchronous 须为 normal 或 full，收到“fast”"),
        "{}",
        stderr(&out)
    );
}
