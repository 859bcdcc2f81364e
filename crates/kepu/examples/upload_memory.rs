//! Benchmark: how much a 300 MB video upload raises the server's memory.
//!
//! `cargo run --release --example upload_memory` (after `cargo build --release`): starts
//! the release `kepu serve` on SQLite in a temporary folder, uploads a 300 MB MP4 (its
//! `moov` at the end, as phones write it) over a plain socket, first to an activity, then
//! to a video-contest entry (checked against the contest's file rules and hashed), and
//! prints for each the server's resident memory before, its peak (VmHWM) after, and the
//! rise.
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a benchmark fails loudly"
)]

use std::io::{BufWriter, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn status_kb(pid: u32, key: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with(key)).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

fn request(port: u16, head: &str, body: &[u8]) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (
        status,
        response
            .split_once("\r\n\r\n")
            .map(|(_, b)| b.to_owned())
            .unwrap_or_default(),
    )
}

fn main() {
    let bin = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/release/kepu");
    assert!(
        bin.exists(),
        "build the release binary first: cargo build --release"
    );
    let dir = std::env::temp_dir().join(format!("kepu-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let env = |c: &mut Command| {
        c.env("KEPU_DATA_DIR", &dir)
            .env_remove("KEPU_DATABASE_URL")
            .env("RUST_LOG", "warn");
    };
    // An account made with the CLI (`extra`: its role), and a bearer token of it.
    let account = |phone: &str, name: &str, extra: &[&str]| {
        let mut add = Command::new(&bin);
        env(&mut add);
        assert!(
            add.args(["user", "add", "--phone", phone, "--name", name])
                .args(extra)
                .stdout(Stdio::null())
                .status()
                .unwrap()
                .success()
        );
        let mut issue = Command::new(&bin);
        env(&mut issue);
        let out = issue
            .args(["token", "issue", "--phone", phone])
            .output()
            .unwrap()
            .stdout;
        String::from_utf8(out).unwrap().trim().to_owned()
    };
    let token = account("13800138000", "测试", &[]);
    let token = token.as_str();
    let admin = account(
        "13900139000",
        "三门峡市科协",
        &["--role", "city_admin", "--region", "411200"],
    );
    let admin = admin.as_str();
    let mut serve = Command::new(&bin);
    env(&mut serve);
    let mut server = serve
        .arg("serve")
        .env("KEPU_BIND", format!("127.0.0.1:{port}"))
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "server did not start"
        );
        std::thread::sleep(Duration::from_millis(100));
    }

    let body = "{\"name\": \"视频上传内存测试\"}";
    let head = format!(
        "POST /api/v1/activities HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    let (status, created) = request(port, &head, body.as_bytes());
    assert_eq!(status, 201, "{created}");
    let id: serde_json::Value = serde_json::from_str(&created).unwrap();
    let id = id["id"].as_i64().unwrap();

    let size: u64 = 300 * 1024 * 1024 - 4096;
    // An activity's video is at most 180 s; a contest's 180–300 s.
    let write = |name: &str, seconds: u32| {
        let path = dir.join(name);
        app::fixtures::write_large_mp4(
            &mut BufWriter::new(std::fs::File::create(&path).unwrap()),
            seconds,
            size,
        )
        .unwrap();
        path
    };
    let pid = server.id();
    let video = write("activity.mp4", 170);
    let activity = upload(
        pid,
        port,
        token,
        &format!("/api/v1/activities/{id}/media"),
        &video,
    );
    std::fs::remove_file(&video).ok();
    let video = write("contest.mp4", 240);

    // A contest of 三门峡 open for entries, and an entry of the same person's.
    let today = chrono::Utc::now()
        .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap())
        .date_naive();
    let body = serde_json::json!({"name": "上传内存测试征集", "region_code": "411200",
        "submit_from": today.to_string(), "submit_to": (today + chrono::Duration::days(10)).to_string()})
    .to_string();
    let json = |path: &str, token: &str, body: &str| {
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        let (status, answer) = request(port, &head, body.as_bytes());
        assert!((200..300).contains(&status), "{path}: {status} {answer}");
        serde_json::from_str::<serde_json::Value>(&answer).unwrap()
    };
    let contest = json("/api/v1/contests", admin, &body)["id"]
        .as_i64()
        .unwrap();
    json(
        &format!("/api/v1/contests/{contest}/status"),
        admin,
        r#"{"status": "open"}"#,
    );
    let entry = json(&format!("/api/v1/contests/{contest}/entries"), token, "{}")["id"]
        .as_i64()
        .unwrap();
    let contest_upload = upload(
        pid,
        port,
        token,
        &format!("/api/v1/contests/{contest}/entries/{entry}/media"),
        &video,
    );
    server.kill().ok();
    server.wait().ok();
    std::fs::remove_dir_all(&dir).ok();

    for (what, (length, elapsed, rss_before, hwm_after)) in
        [("activity", activity), ("contest entry", contest_upload)]
    {
        let rise_mb = hwm_after.saturating_sub(rss_before) as f64 / 1024.0;
        println!(
            "{what} upload: {:.1} MB in {:.2} s; server RSS before {:.1} MB, peak {:.1} MB, rise {rise_mb:.1} MB (limit 64 MB)",
            length as f64 / 1048576.0,
            elapsed.as_secs_f64(),
            rss_before as f64 / 1024.0,
            hwm_after as f64 / 1024.0
        );
        assert!(rise_mb < 64.0, "{what}: memory rose by {rise_mb:.1} MB");
    }
}

/// Streams `video` as multipart `kind=video` to `path`, resetting the server's peak RSS
/// first: (bytes sent, time taken, RSS before, peak after), in KiB for memory.
fn upload(pid: u32, port: u16, token: &str, path: &str, video: &Path) -> (u64, Duration, u64, u64) {
    let boundary = "kepu-bench-boundary";
    let before = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nvideo\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"consent\"\r\n\r\nadults\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.mp4\"\r\nContent-Type: video/mp4\r\n\r\n"
    );
    let after = format!("\r\n--{boundary}--\r\n");
    let length = before.len() as u64 + std::fs::metadata(video).unwrap().len() + after.len() as u64;
    // Reset the peak (VmHWM) to the current RSS, so that the peak read after the upload
    // is the upload's own.
    std::fs::write(format!("/proc/{pid}/clear_refs"), "5")
        .expect("reset the peak RSS (needs Linux)");
    let rss_before = status_kb(pid, "VmRSS:");
    let started = Instant::now();
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(stream, "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAuthorization: Bearer {token}\r\nContent-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {length}\r\n\r\n{before}").unwrap();
    let mut file = std::fs::File::open(video).unwrap();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf).unwrap();
        if n == 0 {
            break;
        }
        stream.write_all(&buf[..n]).unwrap();
    }
    stream.write_all(after.as_bytes()).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let elapsed = started.elapsed();
    let hwm_after = status_kb(pid, "VmHWM:");
    assert!(response.starts_with("HTTP/1.1 201"), "{path}: {response}");
    (length, elapsed, rss_before, hwm_after)
}
