use axum::http::StatusCode;
use domain::role::Role;
use serde_json::{Value, json};
use store::testing::Backend;

use crate::support::TestApp;
use store::on_both_backends;

on_both_backends!(
    applying_makes_a_pending_entry_and_a_member,
    duplicates_point_to_the_existing_entry,
    every_wrong_field_is_listed,
    autocomplete_puts_certified_first,
    certification_follows_the_area,
    members_are_added_by_phone,
    the_audit_log_is_read_within_the_area,
);

fn sanmenxia_association() -> Value {
    json!({"name": "三门峡市科学技术协会", "kind": "association", "region_code": "411200"})
}

async fn apply(t: &TestApp, token: &str, body: Value) -> crate::support::TestResponse {
    t.post("/api/v1/orgs", Some(token), body).await
}

async fn applying_makes_a_pending_entry_and_a_member(backend: Backend) {
    let t = TestApp::new(backend).await;
    let host = t.log_in("13800138000").await;
    let made = apply(&t, &host, json!({"name": " 三门峡市科学技术协会 ", "kind": "association", "region_code": "411200", "credit_code": "91350100M000100Y43"})).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    let org = made.json();
    assert_eq!(org["status"], "pending");
    assert_eq!(org["name"], "三门峡市科学技术协会");
    assert_eq!(org["level"], "city", "derived from the region");
    assert_eq!(org["credit_code"], "91350100M000100Y43");
    let me = t.get_as(&host, "/api/v1/me").await.json();
    assert_eq!(
        me["orgs"],
        json!([{"id": org["id"], "name": "三门峡市科学技术协会"}])
    );

    let child = apply(&t, &host, json!({"name": "湖滨区科协", "kind": "association", "region_code": "411202", "parent_id": org["id"], "level": "county"})).await;
    assert_eq!(child.status, StatusCode::CREATED, "{}", child.text);
    assert_eq!(child.json()["parent_id"], org["id"]);

    assert_eq!(
        t.post("/api/v1/orgs", None, sanmenxia_association())
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
}

async fn duplicates_point_to_the_existing_entry(backend: Backend) {
    let t = TestApp::new(backend).await;
    let host = t.log_in("13800138000").await;
    let first = apply(&t, &host, json!({"name": "三门峡市科学技术协会", "kind": "association", "region_code": "411200", "credit_code": "91350100M000100Y43"})).await;
    let id = first.json()["id"].as_i64().unwrap();

    let same_name = apply(&t, &host, sanmenxia_association()).await;
    assert_eq!(same_name.status, StatusCode::CONFLICT);
    assert_eq!(same_name.json()["error"]["existing_id"], id);
    assert_eq!(
        same_name.json()["error"]["existing_url"],
        format!("/orgs/{id}")
    );
    assert!(
        same_name.message().contains("已在该地区登记"),
        "{}",
        same_name.text
    );

    let same_code = apply(&t, &host, json!({"name": "另一个名称", "kind": "other", "region_code": "411202", "credit_code": "91350100m000100y43"})).await;
    assert_eq!(same_code.status, StatusCode::CONFLICT);
    assert_eq!(same_code.json()["error"]["existing_id"], id);
    assert!(
        same_code
            .message()
            .starts_with("该统一社会信用代码已由“三门峡市科学技术协会”登记"),
        "{}",
        same_code.text
    );

    let elsewhere = apply(
        &t,
        &host,
        json!({"name": "三门峡市科学技术协会", "kind": "association", "region_code": "411202"}),
    )
    .await;
    assert_eq!(
        elsewhere.status,
        StatusCode::CREATED,
        "the same name in another region is another entry"
    );
}

async fn every_wrong_field_is_listed(backend: Backend) {
    let t = TestApp::new(backend).await;
    let host = t.log_in("13800138000").await;
    let r = apply(&t, &host, json!({"name": "科", "kind": "club", "region_code": "999999", "level": "village", "credit_code": "91350100M000100Y44", "parent_id": 424242})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.field("name"), "单位全称至少2个字");
    assert_eq!(r.field("kind"), "单位类型不在可选范围内");
    assert_eq!(r.field("region_code"), "所选地区不存在");
    assert_eq!(
        r.field("level"),
        "单位级别须为 national、province、city、county 或 grassroots"
    );
    assert_eq!(
        r.field("credit_code"),
        "统一社会信用代码校验位不正确，请核对"
    );
    assert_eq!(r.field("parent_id"), "所选上级单位不存在");
    let r = apply(&t, &host, json!({})).await;
    assert_eq!(r.field("name"), "请填写单位全称");
    assert_eq!(r.field("region_code"), "请选择所在地区");
    let r = apply(&t, &host, json!({"name": "科普", "unknown": 1})).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}

async fn autocomplete_puts_certified_first(backend: Backend) {
    let t = TestApp::new(backend).await;
    let host = t.log_in("13800138000").await;
    let national = t
        .user("13900000001", "国家管理员", Role::NationalAdmin, None)
        .await;
    let mut ids = Vec::new();
    for (name, region) in [
        ("陕州区科普协会", "411203"),
        ("三门峡市科普教育基地", "411200"),
        ("灵宝市科普志愿者协会", "411282"),
        ("无关单位", "411200"),
    ] {
        ids.push(
            apply(
                &t,
                &host,
                json!({"name": name, "kind": "society", "region_code": region}),
            )
            .await
            .json()["id"]
                .as_i64()
                .unwrap(),
        );
    }
    t.post(
        &format!("/api/v1/orgs/{}/certification", ids[2]),
        Some(&national),
        json!({"decision": "approve"}),
    )
    .await;
    t.post(
        &format!("/api/v1/orgs/{}/certification", ids[1]),
        Some(&national),
        json!({"decision": "reject", "reason": "名称与公章不符"}),
    )
    .await;

    let hits = t
        .get(&format!("/api/v1/orgs?q={}", urlencoding::encode("科普")))
        .await;
    assert_eq!(hits.status, StatusCode::OK);
    let names: Vec<String> = hits
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        names,
        ["灵宝市科普志愿者协会", "陕州区科普协会"],
        "certified first, rejected never"
    );
    assert_eq!(hits.json()[0]["status"], "certified");
    assert_eq!(hits.json()[0]["region_code"], "411282");

    let limited = t
        .get(&format!(
            "/api/v1/orgs?q={}&limit=1",
            urlencoding::encode("科普")
        ))
        .await
        .json();
    assert_eq!(limited.as_array().unwrap().len(), 1);
    let wildcard = t.get("/api/v1/orgs?q=%25").await.json();
    assert_eq!(wildcard, json!([]), "% is matched literally");
    for bad in [
        "/api/v1/orgs?q=a&limit=0",
        "/api/v1/orgs?q=a&limit=51",
        "/api/v1/orgs?q=a&limit=ten",
    ] {
        assert_eq!(t.get(bad).await.status, StatusCode::BAD_REQUEST, "{bad}");
    }
}

async fn certification_follows_the_area(backend: Backend) {
    let t = TestApp::new(backend).await;
    let host = t.log_in("13800138000").await;
    let henan = t
        .user(
            "13900000002",
            "河南省管理员",
            Role::ProvinceAdmin,
            Some("410000"),
        )
        .await;
    let shaanxi = t
        .user(
            "13900000003",
            "陕西省管理员",
            Role::ProvinceAdmin,
            Some("610000"),
        )
        .await;
    let county = t
        .user(
            "13900000004",
            "陕州区管理员",
            Role::CountyAdmin,
            Some("411203"),
        )
        .await;
    let national = t
        .user("13900000001", "国家管理员", Role::NationalAdmin, None)
        .await;
    let org = apply(
        &t,
        &host,
        json!({"name": "湖滨区青少年科技中心", "kind": "venue", "region_code": "411202"}),
    )
    .await
    .json();
    let path = format!("/api/v1/orgs/{}/certification", org["id"]);

    for (token, who) in [(&shaanxi, "another province"), (&county, "another county")] {
        let r = t
            .post(&path, Some(token), json!({"decision": "approve"}))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{who}");
        assert_eq!(r.message(), "该单位不在您的管辖范围内");
    }
    let r = t
        .post(&path, Some(&host), json!({"decision": "approve"}))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.message(), "只有管理员可以认证单位");

    let r = t
        .post(
            &path,
            Some(&henan),
            json!({"decision": "reject", "reason": "  "}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.field("reason"), "不通过时须填写理由");
    let r = t
        .post(&path, Some(&henan), json!({"decision": "maybe"}))
        .await;
    assert_eq!(
        r.field("decision"),
        "请选择“通过”（approve）或“不通过”（reject）"
    );

    let r = t
        .post(
            &path,
            Some(&henan),
            json!({"decision": "reject", "reason": "名称与公章不符"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["status"], "rejected");
    assert_eq!(r.json()["status_reason"], "名称与公章不符");
    let r = t
        .post(&path, Some(&henan), json!({"decision": "approve"}))
        .await;
    assert_eq!(r.json()["status"], "certified");
    assert_eq!(r.json()["national_certified"], false);
    let r = t
        .post(&path, Some(&national), json!({"decision": "approve"}))
        .await;
    assert_eq!(r.json()["national_certified"], true);
    assert_eq!(
        t.post(
            "/api/v1/orgs/99999/certification",
            Some(&national),
            json!({"decision": "approve"})
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
}

async fn members_are_added_by_phone(backend: Backend) {
    let t = TestApp::new(backend).await;
    let host = t.log_in("13800138000").await;
    let stranger = t.log_in("13800138001").await;
    let org = apply(&t, &host, sanmenxia_association()).await.json();
    let path = format!("/api/v1/orgs/{}/members", org["id"]);
    let r = t
        .post(&path, Some(&stranger), json!({"phone": "13800138002"}))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.message(), "只有本单位成员可以添加成员");
    let r = t
        .post(&path, Some(&host), json!({"phone": "1380013"}))
        .await;
    assert_eq!(r.field("phone"), "手机号格式不正确，应为11位中国大陆手机号");
    let r = t
        .post(&path, Some(&host), json!({"phone": "13800138002"}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let r = t
        .post(&path, Some(&host), json!({"phone": "13800138002"}))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.message(), "该手机号已是本单位成员");
    // The colleague sees the organisation at their first login.
    let colleague = t.log_in("13800138002").await;
    assert_eq!(
        t.get_as(&colleague, "/api/v1/me").await.json()["orgs"][0]["id"],
        org["id"]
    );
}

async fn the_audit_log_is_read_within_the_area(backend: Backend) {
    let t = TestApp::new(backend).await;
    let host = t.log_in("13800138000").await;
    let henan = t
        .user(
            "13900000002",
            "河南省管理员",
            Role::ProvinceAdmin,
            Some("410000"),
        )
        .await;
    let shaanxi = t
        .user(
            "13900000003",
            "陕西省管理员",
            Role::ProvinceAdmin,
            Some("610000"),
        )
        .await;
    let org = apply(&t, &host, sanmenxia_association()).await.json();
    t.post(
        &format!("/api/v1/orgs/{}/certification", org["id"]),
        Some(&henan),
        json!({"decision": "approve"}),
    )
    .await;
    let seen = t.get_as(&henan, "/api/v1/audit").await.json();
    let actions: Vec<&str> = seen
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    // Newest first; the oldest is the grant of 河南's own role, made by the command line.
    assert_eq!(actions, ["org.certify", "org.apply", "user.grant"]);
    let theirs = t.get_as(&shaanxi, "/api/v1/audit").await.json();
    let actions: Vec<&str> = theirs
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["user.grant"], "陕西 sees only its own grant");
    let r = t.get_as(&host, "/api/v1/audit").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.message(), "只有管理员可以查看操作记录");
}
