use axum::http::StatusCode;
use domain::role::Role;
use serde_json::json;
use store::testing::Backend;

use crate::support::TestApp;
use store::on_both_backends;

on_both_backends!(
    an_empty_database_gets_this_years_campaign,
    national_admin_configures_a_campaign,
    inconsistent_campaigns_are_refused,
    only_national_admins_configure
);

fn minimal() -> serde_json::Value {
    json!({"year": 2026, "theme": "科学点亮生活", "region_code": "610000",
           "sections": [{"key": "main", "name": "主场活动"}, {"key": "campus", "name": "校园科普"}],
           "activity_from": "2026-05-10", "activity_to": "2026-05-31"})
}

async fn an_empty_database_gets_this_years_campaign(backend: Backend) {
    let t = TestApp::new(backend).await;
    let current = t.get("/api/v1/campaigns/current").await;
    assert_eq!(current.status, StatusCode::OK);
    let c = current.json();
    assert_eq!(c["year"], 2026);
    assert_eq!(c["theme"], "提升全民科学素质 协力建设科技强国");
    assert_eq!(c["current"], true);
    let keys: Vec<&str> = c["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["key"].as_str().unwrap())
        .collect();
    assert_eq!(
        keys,
        ["exhibition", "lecture", "online_ip", "joint_action", "more"]
    );
    assert_eq!(c["sections"][2]["name"], "千万IP创科普");
    assert_eq!(
        (c["activity_from"].as_str(), c["activity_to"].as_str()),
        (Some("2026-08-02"), Some("2026-09-30"))
    );
    assert_eq!(
        (
            c["publish_from"].as_str(),
            c["focus_from"].as_str(),
            c["focus_to"].as_str()
        ),
        (Some("2026-08-21"), Some("2026-09-15"), Some("2026-09-25"))
    );
    assert_eq!(c["count_to"], "2026-10-10");
    assert_eq!(c["thresholds"], json!({"offline": 50, "online": 100}));
    assert_eq!(c["supplement_days"], 10);
    assert_eq!(c["photos"], json!({"min": 3, "max": 10}));
    assert_eq!(c["videos"], json!({"max": 3, "max_seconds": 180}));
    assert_eq!(c["media_links_min"], 1);

    // A restart does not make a second one.
    let again = t.restart().await;
    assert_eq!(
        again.get("/api/v1/campaigns/current").await.json()["id"],
        c["id"]
    );
}

async fn national_admin_configures_a_campaign(backend: Backend) {
    let t = TestApp::new(backend).await;
    let national = t
        .user("13900000001", "国家管理员", Role::NationalAdmin, None)
        .await;
    let made = t
        .post("/api/v1/campaigns", Some(&national), minimal())
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    let c = made.json();
    assert_eq!(c["region_code"], "610000");
    assert_eq!(c["publish_from"], "2026-05-10");
    assert_eq!(c["count_to"], "2026-06-10");
    assert_eq!(c["thresholds"]["offline"], 50);
    assert_eq!(c["current"], false);
    let id = c["id"].as_i64().unwrap();
    assert_eq!(
        t.get(&format!("/api/v1/campaigns/{id}")).await.json()["theme"],
        "科学点亮生活"
    );

    let mut national_edition = minimal();
    national_edition["region_code"] = json!("000000");
    national_edition["current"] = json!(true);
    national_edition["thresholds"] = json!({"offline": 80, "online": 200});
    // The home page keeps the current campaign for a few seconds; a new one made through
    // the same instance shows at once.
    assert!(!t.get("/").await.text.contains("科学点亮生活"));
    let replaced = t
        .post("/api/v1/campaigns", Some(&national), national_edition)
        .await;
    assert_eq!(replaced.status, StatusCode::CREATED, "{}", replaced.text);
    assert!(t.get("/").await.text.contains("科学点亮生活"));
    let current = t.get("/api/v1/campaigns/current").await.json();
    assert_eq!(current["id"], replaced.json()["id"]);
    assert_eq!(current["thresholds"], json!({"offline": 80, "online": 200}));
    assert_eq!(
        t.get("/api/v1/campaigns/9999").await.status,
        StatusCode::NOT_FOUND
    );
}

async fn inconsistent_campaigns_are_refused(backend: Backend) {
    let t = TestApp::new(backend).await;
    let national = t
        .user("13900000001", "国家管理员", Role::NationalAdmin, None)
        .await;
    let mut reversed = minimal();
    reversed["activity_to"] = json!("2026-05-01");
    let r = t.post("/api/v1/campaigns", Some(&national), reversed).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.field("activity_to"), "活动结束日期不能早于开始日期");

    let mut duplicate = minimal();
    duplicate["sections"] = json!([{"key": "main", "name": "一"}, {"key": "main", "name": "二"}]);
    let r = t
        .post("/api/v1/campaigns", Some(&national), duplicate)
        .await;
    assert_eq!(r.field("sections"), "板块标识“main”重复");

    let mut empty = minimal();
    empty["sections"] = json!([{"key": "", "name": "一"}]);
    let r = t.post("/api/v1/campaigns", Some(&national), empty).await;
    assert_eq!(
        r.field("sections"),
        "第1个板块的标识须为1至32位小写字母、数字或下划线"
    );

    let mut negative = minimal();
    negative["supplement_days"] = json!(-3);
    negative["videos"] = json!({"max": -1});
    let r = t.post("/api/v1/campaigns", Some(&national), negative).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.field("supplement_days"), "补充信息期限不能为负数或过大");
    assert_eq!(r.field("videos"), "视频数量不能为负数或过大");

    let mut unknown_region = minimal();
    unknown_region["region_code"] = json!("999999");
    let r = t
        .post("/api/v1/campaigns", Some(&national), unknown_region)
        .await;
    assert_eq!(r.field("region_code"), "所选地区不存在");

    let r = t
        .post("/api/v1/campaigns", Some(&national), json!({}))
        .await;
    assert_eq!(r.field("theme"), "请填写主题");
    assert_eq!(r.field("activity_from"), "请填写活动开始日期");

    let r = t
        .post(
            "/api/v1/campaigns",
            Some(&national),
            json!({"year": "二〇二六"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.message().starts_with("JSON 字段类型或取值不正确"),
        "{}",
        r.text
    );
}

async fn only_national_admins_configure(backend: Backend) {
    let t = TestApp::new(backend).await;
    let province = t
        .user(
            "13900000002",
            "省管理员",
            Role::ProvinceAdmin,
            Some("610000"),
        )
        .await;
    let r = t
        .post("/api/v1/campaigns", Some(&province), minimal())
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.message(), "仅全国管理员可以执行此操作");
    let r = t.post("/api/v1/campaigns", None, minimal()).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.message(), "请先登录");
}
