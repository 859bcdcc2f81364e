use axum::http::StatusCode;
use domain::role::Role;
use serde_json::json;
use store::testing::Backend;

use crate::support::TestApp;
use store::on_both_backends;

on_both_backends!(
    provinces_and_children,
    bad_parents,
    national_admin_adds_a_division
);

async fn provinces_and_children(backend: Backend) {
    let t = TestApp::new(backend).await;
    let provinces = t.get("/api/v1/regions").await;
    assert_eq!(provinces.status, StatusCode::OK);
    let list = provinces.json();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 31);
    assert!(
        list.iter()
            .all(|r| r["level"] == "province" && r["parent_code"].is_null())
    );
    assert!(
        list.iter()
            .any(|r| r["code"] == "410000" && r["name"] == "河南省")
    );

    let counties = t.get("/api/v1/regions?parent=411200").await.json();
    let names: Vec<&str> = counties
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"湖滨区") && names.contains(&"灵宝市"),
        "{names:?}"
    );
    assert!(
        counties
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["parent_code"] == "411200" && r["level"] == "county")
    );
}

async fn bad_parents(backend: Backend) {
    let t = TestApp::new(backend).await;
    let malformed = t.get("/api/v1/regions?parent=41a200").await;
    assert_eq!(malformed.status, StatusCode::BAD_REQUEST);
    assert_eq!(malformed.message(), "区划代码应为6位数字");
    let unknown = t.get("/api/v1/regions?parent=999999").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(unknown.message(), "未找到该区划");
    let unknown_param = t.get("/api/v1/regions?paren=411200").await;
    assert_eq!(unknown_param.status, StatusCode::BAD_REQUEST);
    assert!(
        unknown_param.message().starts_with("查询参数不正确"),
        "{}",
        unknown_param.text
    );
}

async fn national_admin_adds_a_division(backend: Backend) {
    let t = TestApp::new(backend).await;
    let national = t
        .user("13900000001", "国家管理员", Role::NationalAdmin, None)
        .await;
    let province = t
        .user(
            "13900000002",
            "省管理员",
            Role::ProvinceAdmin,
            Some("410000"),
        )
        .await;
    let zone = json!({"code": "411299", "name": "三门峡经济开发区", "parent_code": "411200"});

    let refused = t
        .post("/api/v1/regions", Some(&province), zone.clone())
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(refused.message(), "仅全国管理员可以执行此操作");

    let added = t
        .post("/api/v1/regions", Some(&national), zone.clone())
        .await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.text);
    assert_eq!(added.json()["level"], "county");
    let children = t.get("/api/v1/regions?parent=411200").await.json();
    assert!(
        children
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["code"] == "411299")
    );

    let again = t.post("/api/v1/regions", Some(&national), zone).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(again.message(), "区划代码 411299 已存在");

    let under_county = t
        .post(
            "/api/v1/regions",
            Some(&national),
            json!({"code": "411298", "name": "某街道", "parent_code": "411202"}),
        )
        .await;
    assert_eq!(under_county.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        under_county.field("parent_code"),
        "县级区划下不能再添加区划"
    );

    let bad = t
        .post(
            "/api/v1/regions",
            Some(&national),
            json!({"code": "12", "name": "", "parent_code": "999999"}),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.field("code"), "区划代码应为6位数字");
    assert_eq!(bad.field("name"), "请填写区划名称");
    assert_eq!(bad.field("parent_code"), "所选地区不存在");

    // Jurisdiction follows the tree, not the digits: the city's admin governs the new zone.
    let city = t
        .user("13900000003", "市管理员", Role::CityAdmin, Some("411200"))
        .await;
    let host = t.log_in("13900000004").await;
    let org = t
        .post(
            "/api/v1/orgs",
            Some(&host),
            json!({"name": "开发区科普协会", "kind": "association", "region_code": "411299"}),
        )
        .await;
    assert_eq!(org.status, StatusCode::CREATED, "{}", org.text);
    let id = org.json()["id"].as_i64().unwrap();
    let certified = t
        .post(
            &format!("/api/v1/orgs/{id}/certification"),
            Some(&city),
            json!({"decision": "approve"}),
        )
        .await;
    assert_eq!(certified.status, StatusCode::OK, "{}", certified.text);
    assert_eq!(certified.json()["status"], "certified");
}
