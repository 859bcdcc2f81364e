use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use store::testing::Backend;

use crate::support::TestApp;
use store::on_both_backends;

on_both_backends!(health_and_openapi, bad_input_gets_a_clear_4xx);

async fn health_and_openapi(backend: Backend) {
    let t = TestApp::new(backend).await;
    let health = t.get("/healthz").await;
    assert_eq!(health.status, StatusCode::OK);
    assert!(!health.header("x-request-id").is_empty());
    let doc = t.get("/api/openapi.json").await;
    assert_eq!(doc.status, StatusCode::OK);
    let doc = doc.json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/healthz",
        "/api/v1/regions",
        "/api/v1/campaigns",
        "/api/v1/campaigns/current",
        "/api/v1/auth/sms-codes",
        "/api/v1/auth/sessions",
        "/api/v1/me",
        "/api/v1/orgs",
        "/api/v1/orgs/{id}/certification",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} is documented");
    }
    // A generated client names each call by its operationId: two operations
    // sharing one (two handlers both called `update`) collide in the client.
    let mut seen = std::collections::BTreeMap::<String, Vec<String>>::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if let Some(id) = op["operationId"].as_str() {
                seen.entry(id.to_owned())
                    .or_default()
                    .push(format!("{} {path}", method.to_uppercase()));
            }
        }
    }
    let shared: Vec<_> = seen.into_iter().filter(|(_, ops)| ops.len() > 1).collect();
    assert!(
        shared.is_empty(),
        "operationIds shared by several operations: {shared:?}"
    );
}

async fn bad_input_gets_a_clear_4xx(backend: Backend) {
    let t = TestApp::new(backend).await;
    let token = t.log_in("13800138000").await;
    let json_request = |body: &'static str, content_type: &'static str| {
        Request::builder()
            .method(Method::POST)
            .uri("/api/v1/orgs")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(body))
            .unwrap()
    };
    let broken = t
        .send("127.0.0.1", json_request("{\"name\": ", "application/json"))
        .await;
    assert_eq!(broken.status, StatusCode::BAD_REQUEST);
    assert_eq!(broken.json()["error"]["code"], "malformed");
    assert!(
        broken.message().starts_with("JSON 格式不正确"),
        "{}",
        broken.text
    );

    let wrong_type = t
        .send(
            "127.0.0.1",
            json_request("name=x", "application/x-www-form-urlencoded"),
        )
        .await;
    assert_eq!(wrong_type.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(
        wrong_type.message(),
        "请求须为 JSON（Content-Type: application/json）"
    );

    let huge = "x".repeat(3 * 1024 * 1024);
    let request = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/orgs")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(format!("{{\"name\": \"{huge}\"}}")))
        .unwrap();
    let too_large = t.send("127.0.0.1", request).await;
    assert_eq!(too_large.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(too_large.message(), "请求内容过大");

    let not_a_number = t.get("/api/v1/orgs/abc").await;
    assert_eq!(not_a_number.status, StatusCode::NOT_FOUND);
    assert_eq!(not_a_number.json()["error"]["code"], "not_found");
    let missing = t.get("/api/v1/nothing-here").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.message(), "接口不存在");
    let page = t.get("/no-such-page").await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.text.contains("页面不存在"));
}
