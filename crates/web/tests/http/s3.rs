//! Uploads in S3-compatible object storage (the `s3` feature), against a local S3 server
//! at `KEPU_TEST_S3_URL` (scripts/test starts moto's server there).
#![cfg(feature = "s3")]

use std::io::{Read, Write};

use axum::http::StatusCode;
use serde_json::json;
use store::testing::Backend;

use crate::support::{TestApp, png};
use store::on_both_backends;

on_both_backends!(uploads_go_to_object_storage);

fn endpoint() -> String {
    std::env::var("KEPU_TEST_S3_URL").unwrap_or_else(|_| "http://127.0.0.1:5055".to_owned())
}

/// Creates a bucket with a plain request (the local server checks no signature).
fn create_bucket(name: &str) {
    let url = endpoint();
    let host = url.trim_start_matches("http://");
    let mut stream =
        std::net::TcpStream::connect(host).unwrap_or_else(|e| panic!("no S3 server at {url}: {e}"));
    write!(
        stream,
        "PUT /{name} HTTP/1.1\r\nHost: {host}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}

async fn uploads_go_to_object_storage(backend: Backend) {
    let bucket = format!("kepu-{}", app::random_hex(6).unwrap());
    create_bucket(&bucket);
    let t = TestApp::with_config(backend, |c| {
        c.storage.kind = "s3".to_owned();
        c.storage.s3_bucket = bucket.clone();
        c.storage.s3_endpoint = endpoint();
        c.storage.s3_region = "us-east-1".to_owned();
        c.storage.s3_access_key_id = "test".to_owned();
        c.storage.s3_secret_access_key = serde_json::from_str("\"test\"").unwrap();
    })
    .await;
    let host = t.log_in("13800138000").await;
    let id = t
        .post(
            "/api/v1/activities",
            Some(&host),
            json!({"name": "对象存储"}),
        )
        .await
        .json()["id"]
        .as_i64()
        .unwrap();
    let poster = png(600, 350);
    let stored = t.upload(&host, id, "poster", "p.png", poster.clone()).await;
    assert_eq!(stored.status, StatusCode::CREATED, "{}", stored.text);
    let fetched = t
        .get_as(&host, stored.json()["url"].as_str().unwrap())
        .await;
    assert_eq!(fetched.status, StatusCode::OK);
    assert_eq!(fetched.header("content-type"), "image/png");
    assert_eq!(
        fetched.text.len(),
        String::from_utf8_lossy(&poster).len(),
        "the same bytes come back"
    );

    // A video larger than one part goes up in parts.
    let video = app::fixtures::mp4(60, 1280, 720, false, 12 * 1024 * 1024);
    let stored = t.upload(&host, id, "video", "v.mp4", video).await;
    assert_eq!(stored.status, StatusCode::CREATED, "{}", stored.text);
    let fetched = t
        .get_as(&host, stored.json()["url"].as_str().unwrap())
        .await;
    assert_eq!(fetched.status, StatusCode::OK);
    assert!(fetched.text.len() > 12 * 1024 * 1024);
    assert!(
        !t.data_dir.join("uploads").join(id.to_string()).exists(),
        "nothing was written to the local uploads folder"
    );
}
