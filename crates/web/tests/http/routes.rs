//! 科普主题线路 and 打卡: venues and their rotating codes, routes, check-ins and their
//! refusals, review of flagged check-ins, the passport and certificates, and who may do
//! what where.

use axum::http::{Method, StatusCode};
use domain::role::Role;
use domain::totp;
use serde_json::{Value, json};
use store::on_both_backends;
use store::testing::Backend;

use crate::pages::{csrf_of, form, page};
use crate::support::{TestApp, TestResponse};

on_both_backends!(
    a_venue_is_made_in_the_admins_area_and_its_secret_is_shown_once,
    each_venue_rule_is_refused_with_its_message,
    the_display_shows_the_totp_code_and_rotation_ends_the_old_keys,
    each_route_rule_is_refused_and_published_stops_are_frozen,
    a_visitor_checks_in_and_each_refusal_says_why,
    repeated_and_out_of_order_scans_earn_nothing_new,
    a_flagged_check_in_waits_for_review_and_a_rejected_stop_can_be_earned_again,
    a_relayed_code_is_flagged_as_impossible_travel,
    ten_refused_codes_in_an_hour_are_answered_429,
    the_daily_cap_holds,
    a_completed_route_gives_one_certificate_that_anyone_can_verify,
    another_areas_admin_can_neither_see_nor_change_anything,
    the_pages_carry_a_visitor_from_the_screen_to_the_certificate,
    faults_found_from_outside_are_refused_cleanly,
    a_venue_may_show_its_own_stamp_image,
);

/// Admins of 三门峡 (city), 湖滨区 (county) and 郑州 (another city), a visitor logged in
/// by SMS, and the test app.
struct Place {
    t: TestApp,
    city: String,
    county: String,
    other: String,
    visitor: String,
}

async fn place(backend: Backend) -> Place {
    let t = TestApp::new(backend).await;
    let city = t
        .user(
            "13800000101",
            "三门峡管理员",
            Role::CityAdmin,
            Some("411200"),
        )
        .await;
    let county = t
        .user(
            "13800000102",
            "湖滨管理员",
            Role::CountyAdmin,
            Some("411202"),
        )
        .await;
    let other = t
        .user("13800000103", "郑州管理员", Role::CityAdmin, Some("410100"))
        .await;
    let visitor = t.log_in("13900000101").await;
    Place {
        t,
        city,
        county,
        other,
        visitor,
    }
}

/// A venue body in 湖滨区 near (111.19, 34.77), shifted east by `east` degrees.
fn venue_body(name: &str, east: f64) -> Value {
    json!({
        "name": name,
        "address": "三门峡市湖滨区",
        "region_code": "411202",
        "lon": 111.19 + east,
        "lat": 34.77,
        "venue_type": "科技馆",
        "opening_hours": "周三至周日 9:30—16:30",
    })
}

/// Creates a venue as `token`; answers (id, secret bytes, display key).
async fn make_venue(p: &Place, token: &str, body: Value) -> (i64, Vec<u8>, String) {
    let r = p.t.post("/api/v1/venues", Some(token), body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let v = r.json();
    let secret = totp::from_base32(v["code_secret"].as_str().unwrap()).unwrap();
    let key = v["display_url"]
        .as_str()
        .unwrap()
        .split("key=")
        .nth(1)
        .unwrap()
        .to_owned();
    (v["id"].as_i64().unwrap(), secret, key)
}

/// The code a screen shows now (30-second steps, six digits) `steps` steps from now.
fn code_at(p: &Place, secret: &[u8], steps: i64) -> String {
    let now = p.t.app.clock.now().timestamp() + steps * 30;
    totp::code(secret, totp::step_at(now, 30), 6)
}

/// A published route over `venues` in 三门峡, open around the test clock (2026-07-01).
async fn make_route(p: &Place, venues: &[i64], extra: Value) -> i64 {
    let mut body = json!({
        "name": "科技场馆科普游",
        "region_code": "411200",
        "from": "2026-06-01",
        "to": "2026-12-31",
        "sequential": false,
        "stops": venues.iter().map(|v| json!({"venue_id": v})).collect::<Vec<_>>(),
    });
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    let r = p.t.post("/api/v1/routes", Some(&p.city), body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let id = r.json()["id"].as_i64().unwrap();
    let published =
        p.t.post(
            &format!("/api/v1/routes/{id}/publish"),
            Some(&p.city),
            json!({}),
        )
        .await;
    assert_eq!(published.status, StatusCode::OK, "{}", published.text);
    id
}

/// The city's statistics' `routes` block.
async fn route_stats(p: &Place) -> Value {
    p.t.get_as(&p.city, "/api/v1/stats?region=411200")
        .await
        .json()["routes"]
        .clone()
}

async fn post_route(p: &Place, body: Value) -> TestResponse {
    p.t.post("/api/v1/routes", Some(&p.city), body).await
}

async fn check_in(p: &Place, token: &str, body: Value) -> TestResponse {
    p.t.post("/api/v1/checkins", Some(token), body).await
}

fn error_code(r: &TestResponse) -> String {
    r.json()["error"]["code"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

async fn a_venue_is_made_in_the_admins_area_and_its_secret_is_shown_once(backend: Backend) {
    let p = place(backend).await;
    let r =
        p.t.post(
            "/api/v1/venues",
            Some(&p.county),
            venue_body("三门峡市科技馆", 0.0),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let v = r.json();
    let secret = v["code_secret"].as_str().unwrap();
    assert_eq!(secret.len(), 32, "20 bytes in base32");
    assert!(
        v["otpauth_uri"]
            .as_str()
            .unwrap()
            .contains(&format!("secret={secret}"))
    );
    assert!(
        v["display_url"]
            .as_str()
            .unwrap()
            .starts_with(&format!("/venues/{}/display?key=", v["id"]))
    );
    assert_eq!(v["geofence"], json!({"mode": "off", "radius_m": 300}));
    assert_eq!(
        v["code"],
        json!({"period_s": 30, "digits": 6, "grace_steps": 1})
    );
    // Never again: not to the public, not to the admin.
    let id = v["id"].as_i64().unwrap();
    for token in [None, Some(p.county.as_str())] {
        let again =
            p.t.call(Method::GET, &format!("/api/v1/venues/{id}"), token, None)
                .await;
        assert_eq!(again.status, StatusCode::OK);
        assert!(!again.text.contains(secret));
        assert!(again.json().get("code_secret").is_none());
        assert!(again.json().get("display_url").is_none());
    }
    // Outside the admin's area.
    let mut elsewhere = venue_body("郑州科技馆", 0.0);
    elsewhere["region_code"] = json!("410105");
    let r = p.t.post("/api/v1/venues", Some(&p.county), elsewhere).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.message(), "只能在本辖区内创建打卡点");
    // Not an admin at all.
    let r =
        p.t.post("/api/v1/venues", Some(&p.visitor), venue_body("某馆", 0.0))
            .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.message(), "只有管理员可以创建打卡点");
}

async fn each_venue_rule_is_refused_with_its_message(backend: Backend) {
    let p = place(backend).await;
    let mut body = venue_body("馆", 0.0);
    body["lon"] = json!(140.0);
    body["lat"] = json!(2.0);
    body["geofence"] = json!({"mode": "flag", "radius_m": 5001});
    body["code"] = json!({"period_s": 14, "digits": 9, "grace_steps": 5});
    let r = p.t.post("/api/v1/venues", Some(&p.city), body).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    for (field, message) in [
        ("name", "名称至少2个字"),
        ("lon", "经度须在73至136之间（WGS-84）"),
        ("lat", "纬度须在3至54之间（WGS-84）"),
        ("geofence.radius_m", "打卡范围半径须为50至5000米"),
        ("code.period_s", "刷新周期须为15至86400秒"),
        ("code.digits", "打卡码位数须为6至8位"),
        ("code.grace_steps", "容许的过期周期数须为0至4"),
    ] {
        assert_eq!(r.field(field), message, "{field}: {}", r.text);
    }
    // A long-lived code needs a required fence.
    let mut body = venue_body("三门峡市科技馆", 0.0);
    body["code"] = json!({"period_s": 3600});
    let r =
        p.t.post("/api/v1/venues", Some(&p.city), body.clone())
            .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.field("code.period_s").contains("必须在范围内"),
        "{}",
        r.text
    );
    body["geofence"] = json!({"mode": "require"});
    let r = p.t.post("/api/v1/venues", Some(&p.city), body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    // A province is not a venue's division; an unknown division is refused.
    let mut body = venue_body("三门峡市科技馆", 0.0);
    body["region_code"] = json!("410000");
    let r =
        p.t.post("/api/v1/venues", Some(&p.city), body.clone())
            .await;
    assert_eq!(r.field("region_code"), "打卡点所在地区须为县级或市级行政区");
    body["region_code"] = json!("419999");
    let r = p.t.post("/api/v1/venues", Some(&p.city), body).await;
    assert_eq!(r.field("region_code"), "所选地区不存在");
    // Edits need the version and refuse a stale one.
    let (id, _, _) = make_venue(&p, &p.city, venue_body("三门峡市博物馆", 0.0)).await;
    let path = format!("/api/v1/venues/{id}");
    let r =
        p.t.patch(&p.city, &path, None, json!({"name": "新名称"}))
            .await;
    assert_eq!(r.status, StatusCode::PRECONDITION_REQUIRED);
    let r =
        p.t.patch(
            &p.city,
            &path,
            Some(1),
            json!({"geofence": {"mode": "nowhere"}}),
        )
        .await;
    assert_eq!(
        r.field("geofence.mode"),
        "打卡范围方式须为 off（不核对）、flag（标记待审）或 require（必须在范围内）"
    );
    let r =
        p.t.patch(&p.city, &path, Some(1), json!({"name": "三门峡博物馆"}))
            .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["version"], 2);
    let r =
        p.t.patch(&p.city, &path, Some(1), json!({"name": "又一名称"}))
            .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.message(), "打卡点已被他人修改（版本已变），请刷新后重试");
}

async fn the_display_shows_the_totp_code_and_rotation_ends_the_old_keys(backend: Backend) {
    let p = place(backend).await;
    let (id, secret, key) = make_venue(&p, &p.county, venue_body("三门峡市科技馆", 0.0)).await;
    let route = make_route(
        &p,
        &[
            id,
            make_venue(&p, &p.county, venue_body("甲馆", 0.01)).await.0,
        ],
        json!({}),
    )
    .await;
    let shown =
        p.t.get(&format!("/api/v1/venues/{id}/code?key={key}"))
            .await;
    assert_eq!(shown.status, StatusCode::OK, "{}", shown.text);
    let shown = shown.json();
    assert_eq!(shown["code"], json!(code_at(&p, &secret, 0)));
    assert_eq!(shown["period_s"], 30);
    assert!(
        shown["checkin_url"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/checkin?v={id}&c={}", code_at(&p, &secret, 0)))
    );
    assert_eq!(shown["routes"][0]["id"], route);
    let wrong = p.t.get(&format!("/api/v1/venues/{id}/code?key=nope")).await;
    assert_eq!(wrong.status, StatusCode::NOT_FOUND);
    // Rotation: the old display key and the old secret's codes stop at once.
    let r =
        p.t.post(
            &format!("/api/v1/venues/{id}/code-secret"),
            Some(&p.city),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let new_secret = totp::from_base32(r.json()["code_secret"].as_str().unwrap()).unwrap();
    assert_ne!(new_secret, secret);
    let old =
        p.t.get(&format!("/api/v1/venues/{id}/code?key={key}"))
            .await;
    assert_eq!(old.status, StatusCode::NOT_FOUND);
    let r = check_in(
        &p,
        &p.visitor,
        json!({"venue_id": id, "code": code_at(&p, &secret, 0)}),
    )
    .await;
    assert_eq!(error_code(&r), "code_invalid", "{}", r.text);
    let r = check_in(
        &p,
        &p.visitor,
        json!({"venue_id": id, "code": code_at(&p, &new_secret, 0)}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    // A visitor may not rotate.
    let r =
        p.t.post(
            &format!("/api/v1/venues/{id}/code-secret"),
            Some(&p.visitor),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

async fn each_route_rule_is_refused_and_published_stops_are_frozen(backend: Backend) {
    let p = place(backend).await;
    let a = make_venue(&p, &p.county, venue_body("甲馆", 0.0)).await.0;
    let b = make_venue(&p, &p.county, venue_body("乙馆", 0.01)).await.0;
    let c = make_venue(&p, &p.county, venue_body("丙馆", 0.02)).await.0;
    let mut zhengzhou = venue_body("郑州馆", 0.0);
    zhengzhou["region_code"] = json!("410105");
    zhengzhou["lon"] = json!(113.66);
    let z = make_venue(&p, &p.other, zhengzhou).await.0;
    let route = |stops: Vec<i64>, extra: Value| -> Value {
        let mut body = json!({
            "name": "人文自然科普游",
            "region_code": "411200",
            "stops": stops.iter().map(|v| json!({"venue_id": v})).collect::<Vec<_>>(),
        });
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        body
    };
    let r = post_route(&p, route(vec![a], json!({}))).await;
    assert_eq!(r.field("stops"), "线路至少需要2个打卡点");
    let r = post_route(&p, route(vec![a, b, a], json!({}))).await;
    assert_eq!(
        r.field("stops"),
        "第3站与前面的站点是同一个打卡点，同一打卡点不能出现两次"
    );
    let r = post_route(&p, route(vec![a, z], json!({}))).await;
    assert_eq!(r.field("stops"), "第2站“郑州馆”不在线路所属地区内");
    let r = post_route(&p, route(vec![a, 99_999], json!({}))).await;
    assert_eq!(r.field("stops"), "第2站的打卡点不存在");
    let r = post_route(
        &p,
        route(
            vec![a, b],
            json!({"complete_at": 3, "from": "2026-09-25", "to": "2026-09-15", "name": "线"}),
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.field("complete_at"), "完成所需站数须在1至2之间");
    assert_eq!(r.field("to"), "结束日期不能早于开始日期");
    assert_eq!(r.field("name"), "线路名称至少2个字");
    // Defaults: the campaign's focus window, every stop, the area's association.
    let r = post_route(&p, route(vec![a, b, c], json!({}))).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let made = r.json();
    assert_eq!(made["status"], "draft");
    assert_eq!(made["complete_at"], 3);
    assert_eq!(made["issuer"], "三门峡市科学技术协会");
    assert_eq!(made["stops"][1]["name"], "乙馆");
    let id = made["id"].as_i64().unwrap();
    // A draft is the admins' only.
    assert_eq!(
        p.t.get(&format!("/api/v1/routes/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        p.t.get("/api/v1/routes?region=411200").await.json()["total"],
        0
    );
    let path = format!("/api/v1/routes/{id}");
    let r =
        p.t.patch(
            &p.city,
            &path,
            Some(1),
            json!({"stops": [{"venue_id": c}, {"venue_id": a}]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["complete_at"], 2, "all stays all");
    let r =
        p.t.post(&format!("{path}/publish"), Some(&p.city), json!({}))
            .await;
    assert_eq!(r.json()["status"], "published");
    let r =
        p.t.patch(
            &p.city,
            &path,
            Some(3),
            json!({"stops": [{"venue_id": a}, {"venue_id": b}]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.message(), "线路已发布，站点、顺序和完成条件不能再修改");
    let r =
        p.t.patch(&p.city, &path, Some(3), json!({"theme": "走进场馆"}))
            .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r =
        p.t.post(&format!("{path}/publish"), Some(&p.city), json!({}))
            .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.message(), "线路当前为“已发布”，不能改为“已发布”");
    // Public, and found under any division one of its stops lies in.
    assert_eq!(p.t.get(&path).await.status, StatusCode::OK);
    for region in ["411200", "411202", "410000"] {
        let list = p.t.get(&format!("/api/v1/routes?region={region}")).await;
        assert_eq!(list.json()["total"], 1, "{region}: {}", list.text);
    }
    assert_eq!(
        p.t.get("/api/v1/routes?region=410100").await.json()["total"],
        0
    );
    assert_eq!(p.t.get("/api/v1/routes?q=人文").await.json()["total"], 1);
    let venue = p.t.get(&format!("/api/v1/venues/{a}")).await.json();
    assert_eq!(
        venue["routes"],
        json!([{"id": id, "name": "人文自然科普游"}])
    );
}

async fn a_visitor_checks_in_and_each_refusal_says_why(backend: Backend) {
    let p = place(backend).await;
    let (a, secret, _) = make_venue(&p, &p.county, venue_body("甲馆", 0.0)).await;
    let (b, _, _) = make_venue(&p, &p.county, venue_body("乙馆", 0.01)).await;
    let mut fenced = venue_body("丙园", 0.02);
    fenced["geofence"] = json!({"mode": "require", "radius_m": 200});
    let (c, secret_c, _) = make_venue(&p, &p.county, fenced).await;
    let (lonely, secret_l, _) = make_venue(&p, &p.county, venue_body("不在线路上的馆", 0.03)).await;
    let route = make_route(&p, &[a, b, c], json!({})).await;

    let anonymous =
        p.t.post(
            "/api/v1/checkins",
            None,
            json!({"venue_id": a, "code": "000000"}),
        )
        .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);

    let cases = [
        (
            code_at(&p, &secret, -2),
            "code_expired",
            "打卡码已过期，请扫描现场最新的打卡码",
        ),
        (
            code_at(&p, &secret, -21),
            "code_expired",
            "打卡码已过期，请扫描现场最新的打卡码",
        ),
        (
            code_at(&p, &secret, 2),
            "code_invalid",
            "打卡码不正确，请核对现场屏幕上的打卡码",
        ),
        (
            "12345".to_owned(),
            "code_invalid",
            "打卡码不正确，请核对现场屏幕上的打卡码",
        ),
    ];
    for (code, expected, message) in cases {
        let r = check_in(&p, &p.visitor, json!({"venue_id": a, "code": code})).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
        assert_eq!(error_code(&r), expected);
        assert_eq!(r.field("code"), message);
    }
    // A refused check-in changes nothing.
    let me =
        p.t.get_as(&p.visitor, &format!("/api/v1/routes/{route}"))
            .await
            .json();
    assert_eq!(me["me"]["stamps"], json!([]));

    let r = check_in(
        &p,
        &p.visitor,
        json!({"venue_id": c, "code": code_at(&p, &secret_c, 0)}),
    )
    .await;
    assert_eq!(error_code(&r), "location_required");
    assert_eq!(
        r.field("location"),
        "该打卡点需要核对您的位置，请允许浏览器获取位置后重试"
    );
    let r = check_in(&p, &p.visitor, json!({"venue_id": c, "code": code_at(&p, &secret_c, 0), "lon": 111.21, "lat": 34.78, "accuracy_m": 30})).await;
    assert_eq!(error_code(&r), "outside_geofence");
    assert!(
        r.field("location").starts_with("您当前不在打卡点范围内"),
        "{}",
        r.text
    );
    let r = check_in(
        &p,
        &p.visitor,
        json!({"venue_id": lonely, "code": code_at(&p, &secret_l, 0)}),
    )
    .await;
    assert_eq!(error_code(&r), "no_active_route");
    assert_eq!(r.field("venue_id"), "该打卡点目前没有正在进行的线路");

    // The code of the step before (grace) and of the step after are good.
    let r = check_in(
        &p,
        &p.visitor,
        json!({"venue_id": a, "code": code_at(&p, &secret, -1)}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let body = r.json();
    assert!(body["id"].as_i64().is_some());
    assert_eq!(
        body["stamps"],
        json!([{"route_id": route, "no": 1, "state": "counted"}])
    );
    assert_eq!(body["flags"], json!([]));
    // Half an hour later (2 km away: no relay).
    p.t.clock.advance(chrono::Duration::minutes(30));
    let r = check_in(&p, &p.visitor, json!({"venue_id": c, "code": code_at(&p, &secret_c, 1), "lon": 111.2101, "lat": 34.7701, "accuracy_m": 15})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.json()["flags"], json!([]));

    // A closed route takes no more check-ins.
    p.t.post(
        &format!("/api/v1/routes/{route}/close"),
        Some(&p.city),
        json!({}),
    )
    .await;
    let secret_b = make_venue_secret(&p, b).await;
    let r = check_in(
        &p,
        &p.visitor,
        json!({"venue_id": b, "code": code_at(&p, &secret_b, 0)}),
    )
    .await;
    assert_eq!(error_code(&r), "no_active_route");

    // The passport.
    let passport = p.t.get_as(&p.visitor, "/api/v1/me/stamps").await;
    assert_eq!(passport.status, StatusCode::OK);
    let passport = passport.json();
    assert_eq!(passport[0]["route_id"], route);
    assert_eq!(passport[0]["counted"], 2);
    assert_eq!(passport[0]["stamps"][0]["venue_name"], "甲馆");
    assert_eq!(passport[0]["missing"], json!(["第2站 乙馆"]));
}

/// Rotates a venue's secret (as its city's admin) and answers the new one.
async fn make_venue_secret(p: &Place, id: i64) -> Vec<u8> {
    let r =
        p.t.post(
            &format!("/api/v1/venues/{id}/code-secret"),
            Some(&p.city),
            json!({}),
        )
        .await;
    totp::from_base32(r.json()["code_secret"].as_str().unwrap()).unwrap()
}

async fn repeated_and_out_of_order_scans_earn_nothing_new(backend: Backend) {
    let p = place(backend).await;
    let (a, sa, _) = make_venue(&p, &p.county, venue_body("甲馆", 0.0)).await;
    let (b, sb, _) = make_venue(&p, &p.county, venue_body("乙馆", 0.001)).await;
    let (c, sc, _) = make_venue(&p, &p.county, venue_body("丙馆", 0.002)).await;
    let free = make_route(&p, &[a, b, c], json!({"name": "自由线路"})).await;
    let guided = make_route(
        &p,
        &[a, b, c],
        json!({"name": "研学线路", "sequential": true}),
    )
    .await;

    // At the third stop first: the free route stamps, the guided one says where to begin.
    let r = check_in(
        &p,
        &p.visitor,
        json!({"venue_id": c, "code": code_at(&p, &sc, 0)}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let body = r.json();
    assert_eq!(
        body["stamps"],
        json!([{"route_id": free, "no": 3, "state": "counted"}])
    );
    assert_eq!(
        body["skipped"],
        json!([{"route_id": guided, "no": 3, "reason": "order", "next_no": 1}])
    );
    // The same scan again: 200, nothing recorded.
    let r = check_in(
        &p,
        &p.visitor,
        json!({"venue_id": c, "code": code_at(&p, &sc, 0)}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let body = r.json();
    assert_eq!(body["id"], Value::Null);
    assert_eq!(body["stamps"], json!([]));
    assert_eq!(
        body["skipped"][0],
        json!({"route_id": free, "no": 3, "reason": "already", "next_no": null})
    );
    // In order, the guided route stamps too.
    for (v, s) in [(a, &sa), (b, &sb), (c, &sc)] {
        p.t.clock.advance(chrono::Duration::seconds(60));
        let r = check_in(
            &p,
            &p.visitor,
            json!({"venue_id": v, "code": code_at(&p, s, 0)}),
        )
        .await;
        assert!(r.status.is_success(), "{}", r.text);
    }
    let g =
        p.t.get_as(&p.visitor, &format!("/api/v1/routes/{guided}"))
            .await
            .json();
    assert_eq!(g["me"]["counted"], 3);
    assert_eq!(g["me"]["completed"], true);
    assert_eq!(g["stats"]["visitors"], 1);
}

/// A venue in 湖滨区 whose geofence flags, and a route over it and another.
async fn flagged_setup(p: &Place) -> (i64, Vec<u8>, i64, Vec<u8>, i64) {
    let mut body = venue_body("湖滨公园", 0.0);
    body["geofence"] = json!({"mode": "flag", "radius_m": 100});
    let (a, sa, _) = make_venue(p, &p.county, body).await;
    let (b, sb, _) = make_venue(p, &p.county, venue_body("乙馆", 0.001)).await;
    let route = make_route(p, &[a, b], json!({})).await;
    (a, sa, b, sb, route)
}

async fn a_flagged_check_in_waits_for_review_and_a_rejected_stop_can_be_earned_again(
    backend: Backend,
) {
    let p = place(backend).await;
    let (a, sa, b, sb, route) = flagged_setup(&p).await;
    let r = check_in(
        &p,
        &p.visitor,
        json!({"venue_id": a, "code": code_at(&p, &sa, 0)}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.json()["flags"], json!(["no_location"]));
    assert_eq!(r.json()["stamps"][0]["state"], "pending");
    let first = r.json()["id"].as_i64().unwrap();
    // Pending counts as held: the next stop stamps, but no certificate yet.
    p.t.clock.advance(chrono::Duration::seconds(60));
    let r = check_in(
        &p,
        &p.visitor,
        json!({"venue_id": b, "code": code_at(&p, &sb, 0)}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let cert =
        p.t.post(
            &format!("/api/v1/routes/{route}/certificate"),
            Some(&p.visitor),
            json!({"name": "张三明"}),
        )
        .await;
    assert_eq!(cert.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        cert.field("stamps"),
        "还有1个打卡记录正在审核，审核通过后即可领取证书"
    );
    // The statistics show what waits, by route and by venue.
    let stats = route_stats(&p).await;
    assert_eq!(stats["pending"], 1, "{stats}");
    assert_eq!(
        stats["pending_by_route"],
        json!([{"id": route, "name": "科技场馆科普游", "pending": 1}])
    );
    assert_eq!(
        stats["pending_by_venue"],
        json!([{"id": a, "name": "湖滨公园", "pending": 1}])
    );

    // The admins of the area see it, the phone masked.
    let list =
        p.t.get_as(
            &p.county,
            &format!("/api/v1/routes/{route}/checkins?flagged=true"),
        )
        .await;
    assert_eq!(
        list.status,
        StatusCode::FORBIDDEN,
        "a county admin does not govern a city's route"
    );
    let list =
        p.t.get_as(
            &p.city,
            &format!("/api/v1/routes/{route}/checkins?flagged=true"),
        )
        .await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.text);
    let list = list.json();
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["visitor"], "139****0101");
    assert_eq!(list["items"][0]["flags"], json!(["no_location"]));
    assert!(!list.to_string().contains("13900000101"));
    // The export: the same rows, the phone masked; only the area's admins get it.
    let export =
        p.t.get_as(&p.city, &format!("/api/v1/routes/{route}/checkins.xlsx"))
            .await;
    assert_eq!(export.status, StatusCode::OK, "{}", export.text);
    let rows = crate::support::sheet(&export.bytes);
    assert_eq!(rows.len(), 3, "a heading and two check-ins: {rows:?}");
    assert!(
        rows.iter()
            .any(|r| r.contains(&"139****0101".to_owned()) && r.contains(&"未提供位置".to_owned())),
        "{rows:?}"
    );
    assert!(!format!("{rows:?}").contains("13900000101"));
    for outsider in [&p.county, &p.other] {
        let r =
            p.t.get_as(outsider, &format!("/api/v1/routes/{route}/checkins.xlsx"))
                .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert_eq!(r.message(), "只能导出本辖区内线路的打卡记录");
    }

    let review = format!("/api/v1/checkins/{first}/review");
    let r =
        p.t.post(&review, Some(&p.city), json!({"decision": "reject"}))
            .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.field("reason"), "不通过时须填写理由");
    let r =
        p.t.post(&review, Some(&p.city), json!({"decision": "maybe"}))
            .await;
    assert_eq!(
        r.field("decision"),
        "审核结果须为 accept（通过）或 reject（不通过）"
    );
    let r =
        p.t.post(&review, Some(&p.other), json!({"decision": "accept"}))
            .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r =
        p.t.post(
            &review,
            Some(&p.city),
            json!({"decision": "reject", "reason": "截图打卡"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["state"], "rejected");
    assert_eq!(r.json()["stamps"][0]["state"], "rejected");
    let r =
        p.t.post(&review, Some(&p.city), json!({"decision": "accept"}))
            .await;
    assert_eq!(r.status, StatusCode::CONFLICT);

    // The stop is free again: a new check-in, with a location this time, is counted.
    p.t.clock.advance(chrono::Duration::seconds(60));
    let r = check_in(&p, &p.visitor, json!({"venue_id": a, "code": code_at(&p, &sa, 0), "lon": 111.1901, "lat": 34.7701, "accuracy_m": 10})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.json()["stamps"][0]["state"], "counted");
    // Outside the fence in flag mode: accepted, flagged, and accepted by review — on the
    // administrators' page this time, where the same rules answer next to the field.
    let other = p.t.log_in("13900000102").await;
    let r = check_in(&p, &other, json!({"venue_id": a, "code": code_at(&p, &sa, 0), "lon": 111.3, "lat": 34.77, "accuracy_m": 10})).await;
    assert_eq!(r.json()["flags"], json!(["outside_geofence"]));
    let id = r.json()["id"].as_i64().unwrap();
    let admin = crate::pages::sign_in(&p.t, "13800000101").await;
    let route_page = page(&p.t, &format!("/routes/{route}"), &admin).await;
    assert!(
        route_page.text.contains("管理打卡记录"),
        "the area's admin is led to the check-ins"
    );
    let visitor_page = page(
        &p.t,
        &format!("/routes/{route}"),
        &crate::pages::sign_in(&p.t, "13900000103").await,
    )
    .await;
    assert!(!visitor_page.text.contains("管理打卡记录"));
    let list = page(&p.t, &format!("/routes/{route}/checkins"), &admin).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.text);
    assert!(list.text.contains("不在打卡范围内"), "the flag, in Chinese");
    assert!(list.text.contains("139****0102"));
    assert!(!list.text.contains("13900000102"), "the phone is masked");
    let csrf = csrf_of(&list);
    let action = format!("/routes/{route}/checkins/{id}/review");
    let r = form(
        &p.t,
        &action,
        &admin,
        &format!("decision=reject&reason=&flagged=1&_csrf={csrf}"),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text.contains("不通过时须填写理由"), "{}", r.text);
    let outsider_admin = crate::pages::sign_in(&p.t, "13800000103").await;
    let outsider_list = page(&p.t, &format!("/routes/{route}/checkins"), &outsider_admin).await;
    assert_eq!(outsider_list.status, StatusCode::FORBIDDEN);
    assert!(
        outsider_list
            .text
            .contains("只能查看本辖区内线路的打卡记录")
    );
    let outsider_csrf = csrf_of(&page(&p.t, "/routes", &outsider_admin).await);
    let r = form(
        &p.t,
        &action,
        &outsider_admin,
        &format!("decision=accept&_csrf={outsider_csrf}"),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = form(
        &p.t,
        &action,
        &admin,
        &format!("decision=accept&reason=&flagged=1&_csrf={csrf}"),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let done = page(&p.t, &r.header("location"), &admin).await;
    assert!(done.text.contains("已通过，该次打卡的印章已计入。"));
    assert!(
        !done.text.contains(&format!("/checkins/{id}/review")),
        "a decided check-in has no buttons any more"
    );
    assert!(done.text.contains("已计入"));
    let cert =
        p.t.post(
            &format!("/api/v1/routes/{route}/certificate"),
            Some(&p.visitor),
            json!({"name": "张三明"}),
        )
        .await;
    assert_eq!(cert.status, StatusCode::CREATED, "{}", cert.text);
}

async fn a_relayed_code_is_flagged_as_impossible_travel(backend: Backend) {
    let p = place(backend).await;
    let (a, sa, _) = make_venue(&p, &p.county, venue_body("湖滨馆", 0.0)).await;
    let mut far = venue_body("灵宝馆", 0.0);
    far["region_code"] = json!("411282");
    far["lon"] = json!(110.89);
    far["lat"] = json!(34.52);
    let (b, sb, _) = make_venue(&p, &p.city, far).await;
    let route = make_route(&p, &[a, b], json!({})).await;
    let r = check_in(
        &p,
        &p.visitor,
        json!({"venue_id": a, "code": code_at(&p, &sa, 0)}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED);
    // About 40 km in five minutes.
    p.t.clock.advance(chrono::Duration::minutes(5));
    let r = check_in(
        &p,
        &p.visitor,
        json!({"venue_id": b, "code": code_at(&p, &sb, 0)}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.json()["flags"], json!(["impossible_travel"]));
    assert_eq!(
        r.json()["stamps"],
        json!([{"route_id": route, "no": 2, "state": "pending"}])
    );
    // At a bus's pace it is a visit.
    let other = p.t.log_in("13900000102").await;
    check_in(
        &p,
        &other,
        json!({"venue_id": a, "code": code_at(&p, &sa, 0)}),
    )
    .await;
    p.t.clock.advance(chrono::Duration::minutes(60));
    let r = check_in(
        &p,
        &other,
        json!({"venue_id": b, "code": code_at(&p, &sb, 0)}),
    )
    .await;
    assert_eq!(r.json()["flags"], json!([]), "{}", r.text);
}

async fn ten_refused_codes_in_an_hour_are_answered_429(backend: Backend) {
    let p = place(backend).await;
    let (a, sa, _) = make_venue(&p, &p.county, venue_body("甲馆", 0.0)).await;
    let (b, _, _) = make_venue(&p, &p.county, venue_body("乙馆", 0.001)).await;
    make_route(&p, &[a, b], json!({})).await;
    let wrong = if code_at(&p, &sa, 0) == "000000" {
        "111111"
    } else {
        "000000"
    };
    for _ in 0..10 {
        let r = check_in(&p, &p.visitor, json!({"venue_id": a, "code": wrong})).await;
        assert_eq!(error_code(&r), "code_invalid");
    }
    let r = check_in(
        &p,
        &p.visitor,
        json!({"venue_id": a, "code": code_at(&p, &sa, 0)}),
    )
    .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.text);
    assert_eq!(r.message(), "打卡码错误次数过多，请60分钟后再试");
    let wait: i64 = r.header("retry-after").parse().unwrap();
    assert!((3500..=3600).contains(&wait), "{wait}");
    // Others are not held up, and an hour later the visitor is not either.
    let other = p.t.log_in("13900000102").await;
    let r = check_in(
        &p,
        &other,
        json!({"venue_id": a, "code": code_at(&p, &sa, 0)}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED);
    p.t.clock.advance(chrono::Duration::seconds(3601));
    let r = check_in(
        &p,
        &p.visitor,
        json!({"venue_id": a, "code": code_at(&p, &sa, 0)}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
}

async fn the_daily_cap_holds(backend: Backend) {
    let p = place(backend).await;
    let mut venues = Vec::new();
    for i in 0..3 {
        venues.push(
            make_venue(
                &p,
                &p.county,
                venue_body(&format!("馆{i}号"), 0.001 * f64::from(i)),
            )
            .await,
        );
    }
    let ids: Vec<i64> = venues.iter().map(|v| v.0).collect();
    make_route(&p, &ids, json!({"anti_abuse": {"max_checkins_per_day": 2}})).await;
    for (id, secret, _) in &venues[..2] {
        let r = check_in(
            &p,
            &p.visitor,
            json!({"venue_id": id, "code": code_at(&p, secret, 0)}),
        )
        .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    }
    let (id, secret, _) = &venues[2];
    let r = check_in(
        &p,
        &p.visitor,
        json!({"venue_id": id, "code": code_at(&p, secret, 0)}),
    )
    .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.message(), "今日打卡次数已达上限（2次），请明天再来");
    // The next Beijing day (the clock is at 10:00 Beijing time).
    p.t.clock.advance(chrono::Duration::hours(14));
    let r = check_in(
        &p,
        &p.visitor,
        json!({"venue_id": id, "code": code_at(&p, secret, 0)}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
}

async fn a_completed_route_gives_one_certificate_that_anyone_can_verify(backend: Backend) {
    let p = place(backend).await;
    let mut venues = Vec::new();
    for (i, name) in ["青岛科技馆", "贝壳博物馆", "海底世界", "啤酒博物馆"]
        .iter()
        .enumerate()
    {
        venues.push(make_venue(&p, &p.county, venue_body(name, 0.001 * i as f64)).await);
    }
    let ids: Vec<i64> = venues.iter().map(|v| v.0).collect();
    let route = make_route(&p, &ids, json!({"complete_at": 3})).await;
    // The science map shows the route's venues where they are, leading to the route.
    let map = p.t.get("/map").await;
    assert!(
        map.text.contains("id=\"map-stops\"")
            && map
                .text
                .contains(&format!("href=\"/routes/{route}\">青岛科技馆")),
        "{}",
        map.text
    );
    assert!(
        !p.t.get("/map?near=87.6,43.8&within_km=10")
            .await
            .text
            .contains("map-stops")
    );
    let certificate = format!("/api/v1/routes/{route}/certificate");
    let (id, secret, _) = &venues[0];
    check_in(
        &p,
        &p.visitor,
        json!({"venue_id": id, "code": code_at(&p, secret, 0)}),
    )
    .await;
    assert_eq!(
        route_stats(&p).await,
        json!({"published": 1, "checkins": 1, "visitors": 1, "completions": 0, "pending": 0, "pending_by_route": [], "pending_by_venue": []})
    );
    let r =
        p.t.post(&certificate, Some(&p.visitor), json!({"name": "张三明"}))
            .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.field("stamps"),
        "尚未完成：还需再打卡2站（未打卡：第2站贝壳博物馆、第3站海底世界、第4站啤酒博物馆）"
    );
    for (id, secret, _) in &venues[1..3] {
        p.t.clock.advance(chrono::Duration::seconds(60));
        let r = check_in(
            &p,
            &p.visitor,
            json!({"venue_id": id, "code": code_at(&p, secret, 0)}),
        )
        .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    }
    // No name on the account and none given.
    let r = p.t.post(&certificate, Some(&p.visitor), json!({})).await;
    assert_eq!(r.field("name"), "请填写证书上的姓名");
    let r =
        p.t.post(&certificate, Some(&p.visitor), json!({"name": "张三明"}))
            .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let cert = r.json();
    let serial = cert["serial"].as_str().unwrap().to_owned();
    assert!(
        domain::routes::parse_serial(&serial).is_some() && serial.starts_with("KP2026"),
        "{serial}"
    );
    assert_eq!(cert["holder_name"], "张三明");
    assert_eq!(cert["issuer"], "三门峡市科学技术协会");
    assert_eq!(cert["status"], "valid");
    // Again: the same one.
    let again =
        p.t.post(&certificate, Some(&p.visitor), json!({"name": "李四"}))
            .await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.json()["serial"], serial.as_str());
    // Anyone verifies it, the name masked; the holder sees it whole. No phone anywhere.
    let public = p.t.get(&format!("/api/v1/certificates/{serial}")).await;
    assert_eq!(public.status, StatusCode::OK);
    assert_eq!(public.json()["holder_name"], "张*明");
    assert_eq!(public.json()["route_name"], "科技场馆科普游");
    assert!(!public.text.contains("139"));
    let own =
        p.t.get_as(
            &p.visitor,
            &format!("/api/v1/certificates/{}", serial.to_lowercase()),
        )
        .await;
    assert_eq!(own.json()["holder_name"], "张三明");
    assert_eq!(
        p.t.get("/api/v1/certificates/KP2026AAAAAAAAAA")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let me =
        p.t.get_as(&p.visitor, &format!("/api/v1/routes/{route}"))
            .await
            .json();
    assert_eq!(me["me"]["certificate"], serial.as_str());
    assert_eq!(me["stats"]["completions"], 1);
    // The statistics follow the check-ins (not audited) as well as the certificate (audited).
    assert_eq!(
        route_stats(&p).await,
        json!({"published": 1, "checkins": 3, "visitors": 1, "completions": 1, "pending": 0, "pending_by_route": [], "pending_by_venue": []})
    );
    // The log of attempts is kept half a year (configuration), then deleted.
    assert_eq!(p.t.app.purge_checkin_attempts().await.unwrap(), 0);
    p.t.clock.advance(chrono::Duration::days(184));
    assert_eq!(p.t.app.purge_checkin_attempts().await.unwrap(), 3);
    p.t.clock.advance(chrono::Duration::days(-184));
    // Revocation: a reason, by the route's area only.
    let revoke = format!("/api/v1/certificates/{serial}/revoke");
    let r =
        p.t.post(&revoke, Some(&p.other), json!({"reason": "打卡作弊"}))
            .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.message(), "只能撤销本辖区内线路的证书");
    let r =
        p.t.post(&revoke, Some(&p.city), json!({"reason": " "}))
            .await;
    assert_eq!(r.field("reason"), "请填写撤销理由");
    let r =
        p.t.post(&revoke, Some(&p.city), json!({"reason": "打卡作弊"}))
            .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["status"], "revoked");
    let public =
        p.t.get(&format!("/api/v1/certificates/{serial}"))
            .await
            .json();
    assert_eq!(public["status"], "revoked");
    assert_eq!(public["revoked_reason"], "打卡作弊");
    let r =
        p.t.post(&revoke, Some(&p.city), json!({"reason": "打卡作弊"}))
            .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
}

async fn another_areas_admin_can_neither_see_nor_change_anything(backend: Backend) {
    let p = place(backend).await;
    let (a, sa, _) = make_venue(&p, &p.county, venue_body("甲馆", 0.0)).await;
    let (b, _, _) = make_venue(&p, &p.county, venue_body("乙馆", 0.001)).await;
    let route = make_route(&p, &[a, b], json!({})).await;
    check_in(
        &p,
        &p.visitor,
        json!({"venue_id": a, "code": code_at(&p, &sa, 0)}),
    )
    .await;
    let r =
        p.t.patch(
            &p.other,
            &format!("/api/v1/venues/{a}"),
            Some(1),
            json!({"name": "改名"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.message(), "只能修改本辖区内的打卡点");
    let r =
        p.t.post(
            &format!("/api/v1/venues/{a}/code-secret"),
            Some(&p.other),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r =
        p.t.patch(
            &p.other,
            &format!("/api/v1/routes/{route}"),
            Some(2),
            json!({"theme": "改"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.message(), "只能修改本辖区内的线路");
    let r =
        p.t.post(
            &format!("/api/v1/routes/{route}/close"),
            Some(&p.other),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r =
        p.t.get_as(&p.other, &format!("/api/v1/routes/{route}/checkins"))
            .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.message(), "只能查看本辖区内线路的打卡记录");
    // A draft of another area is not even seen.
    let draft = p
        .t
        .post("/api/v1/routes", Some(&p.city), json!({"name": "草稿线路", "region_code": "411200", "stops": [{"venue_id": a}, {"venue_id": b}]}))
        .await
        .json()["id"]
        .as_i64()
        .unwrap();
    assert_eq!(
        p.t.get_as(&p.other, &format!("/api/v1/routes/{draft}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // A route of another area cannot take this area's venues either.
    let r = p
        .t
        .post("/api/v1/routes", Some(&p.other), json!({"name": "越界线路", "region_code": "411200", "stops": [{"venue_id": a}, {"venue_id": b}]}))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.message(), "只能在本辖区内创建线路");
}

/// The visitor's way through the pages, without JavaScript: the screen shows a code and a
/// QR of the check-in link; the link sends a visitor who is not logged in to the login
/// and back with the code kept; the form tells a stale code has expired, stamps a good
/// one, and the route page then offers the certificate, which prints with its status.
async fn the_pages_carry_a_visitor_from_the_screen_to_the_certificate(backend: Backend) {
    let p = place(backend).await;
    let (a, sa, key) = make_venue(&p, &p.county, venue_body("三门峡市科技馆", 0.0)).await;
    let (b, sb, _) = make_venue(&p, &p.county, venue_body("三门峡市博物馆", 0.001)).await;
    let route = make_route(&p, &[a, b], json!({"theme": "走进科技场馆"})).await;

    let screen = p.t.get(&format!("/venues/{a}/display?key={key}")).await;
    assert_eq!(screen.status, StatusCode::OK);
    let code = code_at(&p, &sa, 0);
    assert!(
        screen
            .text
            .contains(&format!("{} {}", &code[..3], &code[3..])),
        "the digits"
    );
    assert!(screen.text.contains("<meta http-equiv=\"refresh\""));
    assert!(screen.text.contains("打卡二维码"));
    assert!(
        screen.text.contains("科技场馆科普游"),
        "the routes it belongs to"
    );
    assert_eq!(screen.header("cache-control"), "no-store");
    assert_eq!(
        p.t.get(&format!("/venues/{a}/display?key=wrong"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    let link = format!("/checkin?v={a}&c={code}");
    let r = p.t.get(&link).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let to = r.header("location");
    assert_eq!(to, format!("/login?next={}", urlencoding::encode(&link)));
    // Logging in through that page comes back to the check-in link (via the name, the
    // first time).
    let login = p.t.get(&to).await;
    let visitor = login.session_cookie().unwrap();
    let csrf = csrf_of(&login);
    assert!(
        login.text.contains("name=\"next\""),
        "the login form keeps where to go"
    );
    let next = urlencoding::encode(&link).into_owned();
    form(
        &p.t,
        "/login/code",
        &visitor,
        &format!("phone=13900000109&next={next}&_csrf={csrf}"),
    )
    .await;
    let sms = p.t.last_code("13900000109");
    let r = form(
        &p.t,
        "/login",
        &visitor,
        &format!("phone=13900000109&code={sms}&next={next}&_csrf={csrf}"),
    )
    .await;
    let cookie = r.session_cookie().unwrap();
    assert_eq!(
        r.header("location"),
        format!("/account/profile?next={next}")
    );
    let profile = page(&p.t, &r.header("location"), &cookie).await;
    let csrf = csrf_of(&profile);
    let r = form(
        &p.t,
        "/account/profile",
        &cookie,
        &format!(
            "name={}&next={next}&_csrf={csrf}",
            urlencoding::encode("张三明")
        ),
    )
    .await;
    assert_eq!(r.header("location"), link);

    let checkin = page(&p.t, &link, &cookie).await;
    assert_eq!(checkin.status, StatusCode::OK);
    assert!(
        checkin.text.contains(&format!("value=\"{code}\"")),
        "the code is kept"
    );
    let csrf = csrf_of(&checkin);
    let stale = code_at(&p, &sa, -3);
    let r = form(
        &p.t,
        "/checkin",
        &cookie,
        &format!("venue_id={a}&code={stale}&lon=&lat=&accuracy_m=&_csrf={csrf}"),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text.contains("打卡码已过期，请扫描现场最新的打卡码"),
        "{}",
        r.text
    );
    let r = form(
        &p.t,
        "/checkin",
        &cookie,
        &format!("venue_id={a}&code={code}&lon=&lat=&accuracy_m=&_csrf={csrf}"),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(r.text.contains("打卡成功"));
    assert!(r.text.contains("获得“科技场馆科普游”第1站印章"));
    let r = form(
        &p.t,
        "/checkin",
        &cookie,
        &format!("venue_id={b}&code={}&_csrf={csrf}", code_at(&p, &sb, 0)),
    )
    .await;
    assert!(r.text.contains("第2站印章"), "{}", r.text);

    let shown = page(&p.t, &format!("/routes/{route}"), &cookie).await;
    assert!(shown.text.contains("已集 2 / 2 枚"));
    assert!(shown.text.contains("领取完成证书"));
    let csrf = csrf_of(&shown);
    let r = form(
        &p.t,
        &format!("/routes/{route}/certificate"),
        &cookie,
        &format!("name=&_csrf={csrf}"),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let cert_path = r.header("location");
    let mine = page(&p.t, &cert_path, &cookie).await;
    assert!(mine.text.contains("证书有效"));
    assert!(mine.text.contains("张三明"));
    assert!(mine.text.contains("三门峡市科学技术协会"));
    let public = p.t.get(&cert_path).await;
    assert!(public.text.contains("张*明") && !public.text.contains("张三明"));
    let passport = page(&p.t, "/me/stamps", &cookie).await;
    assert!(
        passport.text.contains("第1站 三门峡市科技馆"),
        "{}",
        passport.text
    );
    assert!(passport.text.contains("查看完成证书"));
    let list = p.t.get("/routes?q=科技").await;
    assert!(
        list.text.contains("科技场馆科普游")
            && list.text.contains("三门峡市科技馆 → 三门峡市博物馆")
    );
    // A login link never leads away from the site.
    let away = p.t.get("/login?next=//evil.example").await;
    assert!(!away.text.contains("evil.example"));
}

/// What schemathesis found against the first build of these endpoints, each answered with a
/// 4xx and a reason now: a version at i64::MAX (was a 500: the next version overflowed), a
/// nested object sent as an array and a body that is an array (were read as the fields in
/// order), a check-in at no venue (an undocumented 404, now documented), and a serial with
/// control characters (refused as malformed, and documented by its pattern).
async fn faults_found_from_outside_are_refused_cleanly(backend: Backend) {
    let p = place(backend).await;
    let (id, _, _) = make_venue(&p, &p.city, venue_body("三门峡市科技馆", 0.0)).await;
    let r =
        p.t.patch(
            &p.city,
            &format!("/api/v1/venues/{id}"),
            Some(i64::MAX),
            json!({"name": "新名称"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    let mut body = venue_body("甲馆", 0.0);
    body["geofence"] = json!([null, null]);
    let r = p.t.post("/api/v1/venues", Some(&p.city), body).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
    assert!(r.message().contains("须为 JSON 对象"), "{}", r.text);
    let r =
        p.t.post("/api/v1/venues", Some(&p.city), json!(["甲馆", "地址"]))
            .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.message(), "请求体须为 JSON 对象");
    let r = check_in(&p, &p.visitor, json!({"venue_id": 0, "code": ""})).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.message(), "未找到该打卡点");
    let r =
        p.t.post(
            "/api/v1/certificates/KP%08x/revoke",
            Some(&p.city),
            json!({"reason": "作弊"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let doc = p.t.get("/api/openapi.json").await.json();
    assert_eq!(
        doc["paths"]["/api/v1/certificates/{serial}"]["get"]["parameters"][0]["schema"]["pattern"],
        "^[A-Za-z0-9]{1,32}$"
    );
}

/// A venue's own stamp image (DESIGN.md §7.1): a square PNG up to 200 KB, checked by
/// decoding, shown in the passport in place of the drawn seal; only the area's admins set it.
async fn a_venue_may_show_its_own_stamp_image(backend: Backend) {
    use crate::support::{jpeg, png};
    let p = place(backend).await;
    let (a, sa, _) = make_venue(&p, &p.county, venue_body("三门峡市科技馆", 0.0)).await;
    let (b, _, _) = make_venue(&p, &p.county, venue_body("三门峡市博物馆", 0.001)).await;
    make_route(&p, &[a, b], json!({})).await;
    let path = format!("/api/v1/venues/{a}/stamp-image");
    let r =
        p.t.multipart(&p.county, &path, &[], "stamp.png", jpeg(256, 256))
            .await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{}", r.text);
    assert_eq!(r.message(), "印章图片须为 PNG 格式（按文件内容识别）");
    let r =
        p.t.multipart(&p.county, &path, &[], "stamp.png", png(300, 200))
            .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.field("file"), "印章图片须为正方形（此图为 300×200 像素）");
    let r =
        p.t.multipart(&p.county, &path, &[], "stamp.png", png(32, 32))
            .await;
    assert_eq!(
        r.field("file"),
        "印章图片边长须在 64 至 2048 像素之间（此图为 32 像素）"
    );
    let mut big = png(256, 256);
    big.resize(210 * 1024, 0);
    let r = p.t.multipart(&p.county, &path, &[], "stamp.png", big).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(r.message(), "印章图片不能超过 200 KB");
    let mut broken = png(256, 256);
    broken.truncate(60);
    let r =
        p.t.multipart(&p.county, &path, &[], "stamp.png", broken)
            .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let r =
        p.t.multipart(&p.other, &path, &[], "stamp.png", png(256, 256))
            .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.message(), "只有本辖区管理员可以设置打卡点的印章图片");
    assert_eq!(
        p.t.get(&format!("/api/v1/venues/{a}")).await.json()["stamp_image"],
        Value::Null,
        "nothing refused was kept"
    );

    let r =
        p.t.multipart(&p.county, &path, &[], "印章.png", png(256, 256))
            .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let url = r.json()["stamp_image"].as_str().unwrap().to_owned();
    assert!(
        url.starts_with(&format!("/venues/{a}/stamp.png?v=")),
        "{url}"
    );
    let image = p.t.get(&url).await;
    assert_eq!(image.status, StatusCode::OK);
    assert_eq!(image.header("content-type"), "image/png");
    let decoded = image::load_from_memory(&image.bytes).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (256, 256));
    let etag = image.header("etag");
    let again =
        p.t.send(
            "127.0.0.1",
            axum::http::Request::builder()
                .uri(&url)
                .header("if-none-match", &etag)
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);

    // The visitor's passport shows it in place of the drawn seal.
    let r = check_in(
        &p,
        &p.visitor,
        json!({"venue_id": a, "code": code_at(&p, &sa, 0)}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let passport = p.t.get_as(&p.visitor, "/api/v1/me/stamps").await.json();
    assert_eq!(passport[0]["stamps"][0]["stamp_image"], url.as_str());
    let visitor = crate::pages::sign_in(&p.t, "13900000101").await;
    let page_html = page(&p.t, "/me/stamps", &visitor).await.text;
    assert!(
        page_html.contains(&format!("<img src=\"{}\"", url.replace('&', "&amp;"))),
        "{page_html}"
    );
    assert!(
        page_html.contains("第1站 三门峡市科技馆 印章"),
        "the image has its words for a screen reader"
    );

    // Removed: back to the drawn seal, and the image is gone.
    let r = p.t.call(Method::DELETE, &path, Some(&p.other), None).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = p.t.call(Method::DELETE, &path, Some(&p.county), None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["stamp_image"], Value::Null);
    assert_eq!(p.t.get(&url).await.status, StatusCode::NOT_FOUND);
    let page_html = page(&p.t, "/me/stamps", &visitor).await.text;
    assert!(page_html.contains("<svg viewBox=\"0 0 120 120\""));
}
