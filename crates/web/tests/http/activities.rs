//! Publishing and review (DESIGN.md §4–5), through the API, on both backends.

use axum::http::{Method, StatusCode};
use domain::role::Role;
use serde_json::{Value, json};
use store::testing::Backend;

use crate::support::{TestApp, TestResponse, jpeg, png};
use store::on_both_backends;

on_both_backends!(
    a_photo_says_who_agreed_to_be_shown,
    an_administrators_list_shows_phones_masked,
    a_draft_saves_anything_and_is_private,
    submit_lists_every_problem_at_once,
    an_activity_goes_through_rejection_to_approval,
    versions_guard_every_write,
    states_refuse_out_of_order_actions,
    national_organisations_go_straight_to_national_review,
    posters_are_checked_by_decoding,
    the_queue_shows_only_the_admins_area,
    bulk_decisions_report_each_activity,
    bulk_decisions_in_the_page_report_each_activity,
    an_activity_is_copied_into_a_new_draft,
    videos_are_parsed_for_length_and_size,
    another_province_sees_nothing_through_any_endpoint,
    the_documented_examples_are_what_the_server_does,
    every_write_of_an_activity_keeps_every_invariant,
);

pub(crate) struct World {
    pub t: TestApp,
    pub host: String,
    pub org: i64,
    pub henan: String,
    pub shaanxi: String,
    pub city: String,
    pub national: String,
}

pub(crate) async fn world(backend: Backend) -> World {
    world_with(backend, |_| {}).await
}

/// The same world with some settings changed.
pub(crate) async fn world_with(backend: Backend, adjust: impl FnOnce(&mut app::Config)) -> World {
    let t = TestApp::with_config(backend, adjust).await;
    let host = t.log_in("13800138000").await;
    let org = t
        .post(
            "/api/v1/orgs",
            Some(&host),
            json!({"name": "三门峡市科技馆", "kind": "venue", "region_code": "411202"}),
        )
        .await
        .json()["id"]
        .as_i64()
        .unwrap();
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
    let city = t
        .user(
            "13900000004",
            "三门峡市管理员",
            Role::CityAdmin,
            Some("411200"),
        )
        .await;
    let national = t
        .user("13900000001", "全国管理员", Role::NationalAdmin, None)
        .await;
    World {
        t,
        host,
        org,
        henan,
        shaanxi,
        city,
        national,
    }
}

pub(crate) fn complete(org: i64) -> Value {
    json!({
        "name": "走进天文馆：秋夜观星",
        "section": "exhibition",
        "start": "2026-09-15T19:00:00+08:00",
        "end": "2026-09-15T21:30:00+08:00",
        "region_code": "411202",
        "address": "三门峡市湖滨区科技馆三楼",
        "mode": "offline",
        "venue_type": "科技馆",
        "audiences": ["青少年", "社会公众"],
        "expected_participants": 120,
        "details": "<p>带领青少年认识秋季星空。</p>",
        "funding_yuan": 3500.5,
        "scientist_count": 3,
        "scientists": [{"name": "李天文", "title": "研究员", "unit": "紫金山天文台"}],
        "contact_name": "王老师",
        "contact_phone": "0398-2812345",
        "hosts": [org],
        "sessions": [{"start": "2026-09-16T19:00:00+08:00", "end": "2026-09-16T21:00:00+08:00", "region_code": "411203", "address": "陕州区文化广场"}]
    })
}

/// A complete activity with its poster, ready to submit.
pub(crate) async fn ready(w: &World) -> (i64, i64) {
    let made =
        w.t.post("/api/v1/activities", Some(&w.host), complete(w.org))
            .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    let id = made.json()["id"].as_i64().unwrap();
    let poster =
        w.t.upload(&w.host, id, "poster", "poster.png", png(600, 350))
            .await;
    assert_eq!(poster.status, StatusCode::CREATED, "{}", poster.text);
    let poster_id = poster.json()["id"].as_i64().unwrap();
    let patched =
        w.t.patch(
            &w.host,
            &format!("/api/v1/activities/{id}"),
            Some(1),
            json!({"poster": poster_id}),
        )
        .await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.text);
    (id, patched.json()["version"].as_i64().unwrap())
}

pub(crate) async fn act(
    w: &World,
    token: &str,
    id: i64,
    action: &str,
    body: Value,
) -> TestResponse {
    w.t.post(
        &format!("/api/v1/activities/{id}/{action}"),
        Some(token),
        body,
    )
    .await
}

async fn a_draft_saves_anything_and_is_private(backend: Backend) {
    let w = world(backend).await;
    let empty =
        w.t.post("/api/v1/activities", Some(&w.host), json!({}))
            .await;
    assert_eq!(empty.status, StatusCode::CREATED);
    let draft = empty.json();
    assert_eq!(draft["status"], "draft");
    assert_eq!(draft["version"], 1);
    assert_eq!(
        draft["campaign_id"],
        w.t.get("/api/v1/campaigns/current").await.json()["id"]
    );
    assert_eq!(draft["eligible_for_excellence"], false);
    assert_eq!(draft["eligibility_reasons"][0], "活动尚未通过审核");

    let partial =
        w.t.post(
            "/api/v1/activities",
            Some(&w.host),
            json!({"name": "科", "mode": "online"}),
        )
        .await;
    assert_eq!(
        partial.status,
        StatusCode::CREATED,
        "a draft saves a too-short name; submit will say so"
    );

    let wrong = w.t.post("/api/v1/activities", Some(&w.host), json!({"section": "sports", "venue_type": "体育馆", "region_code": "999999", "hosts": [4242]})).await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(wrong.field("section"), "板块须为本届活动的板块之一");
    assert_eq!(wrong.field("venue_type"), "场地类型不在可选范围内");
    assert_eq!(wrong.field("region_code"), "所选地区不存在");
    assert_eq!(
        wrong.field("hosts"),
        "所选单位不存在，请从单位库中选择或先登记该单位"
    );
    let malformed =
        w.t.post(
            "/api/v1/activities",
            Some(&w.host),
            json!({"start": "明天上午"}),
        )
        .await;
    // A time that does not read is the form's field error, with the form's words.
    assert_eq!(malformed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        malformed.field("start"),
        "时间格式应为 年-月-日 时:分",
        "{}",
        malformed.text
    );
    let malformed =
        w.t.post(
            "/api/v1/activities",
            Some(&w.host),
            json!({"audiences": "青少年"}),
        )
        .await;
    assert_eq!(malformed.status, StatusCode::BAD_REQUEST);
    assert!(
        malformed.message().starts_with("活动字段不正确"),
        "{}",
        malformed.text
    );

    let made =
        w.t.post("/api/v1/activities", Some(&w.host), complete(w.org))
            .await
            .json();
    let path = format!("/api/v1/activities/{}", made["id"]);
    assert_eq!(made["contact_phone"], "0398-2812345");
    assert_eq!(made["expected_meets_threshold"], true);
    assert_eq!(made["sessions"][0]["region_code"], "411203");
    assert!(
        made["lon"].as_f64().is_some(),
        "a point from the county's centre"
    );
    let public = w.t.get(&path).await;
    assert_eq!(public.status, StatusCode::NOT_FOUND);
    assert_eq!(public.message(), "未找到该活动");
    assert_eq!(
        w.t.get_as(&w.shaanxi, &path).await.status,
        StatusCode::NOT_FOUND
    );
    let admin = w.t.get_as(&w.henan, &path).await;
    assert_eq!(admin.status, StatusCode::OK);
    assert_eq!(admin.json()["contact_phone"], "0398-2812345");
    assert_eq!(
        w.t.post("/api/v1/activities", None, json!({})).await.status,
        StatusCode::UNAUTHORIZED
    );
}

async fn submit_lists_every_problem_at_once(backend: Backend) {
    let w = world(backend).await;
    let id =
        w.t.post(
            "/api/v1/activities",
            Some(&w.host),
            json!({"name": "科", "mode": "both", "reservable": true}),
        )
        .await
        .json()["id"]
            .as_i64()
            .unwrap();
    let r = act(&w, &w.host, id, "submit", json!({})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let expected = [
        ("name", "活动名称至少2个字"),
        ("section", "请选择板块"),
        ("start", "请填写活动开始时间"),
        ("end", "请填写活动结束时间"),
        ("region_code", "请选择所在地区"),
        ("venue_type", "请选择场地类型"),
        ("audiences", "请至少选择一类面向对象"),
        ("expected_participants", "请填写预计参与人数"),
        ("poster", "请上传活动宣传图"),
        ("details", "请填写活动详情"),
        ("funding_yuan", "请填写活动经费（无经费请填0）"),
        ("scientist_count", "请填写科技工作者参与人数"),
        ("contact_name", "请填写负责人"),
        ("contact_phone", "请填写联系电话"),
        ("hosts", "请至少选择一个主办单位"),
        ("address", "线下活动须填写活动举办地址"),
        ("online_url", "线上活动须填写活动网址"),
        ("reservation_url", "支持预约的活动须填写第三方预约链接"),
    ];
    for (field, message) in expected {
        assert_eq!(r.field(field), message, "{field}");
    }
    assert_eq!(
        w.t.get_as(&w.host, &format!("/api/v1/activities/{id}"))
            .await
            .json()["status"],
        "draft",
        "nothing changed"
    );

    let mut outside = complete(w.org);
    outside["start"] = json!("2026-10-02T09:00:00+08:00");
    outside["end"] = json!("2026-10-01T09:00:00+08:00");
    let id =
        w.t.post("/api/v1/activities", Some(&w.host), outside)
            .await
            .json()["id"]
            .as_i64()
            .unwrap();
    let r = act(&w, &w.host, id, "submit", json!({})).await;
    assert_eq!(
        r.field("start"),
        "活动时间须在2026年8月2日至2026年9月30日之间"
    );
    assert_eq!(
        r.field("end"),
        "活动时间须在2026年8月2日至2026年9月30日之间"
    );
}

async fn an_activity_goes_through_rejection_to_approval(backend: Backend) {
    let w = world(backend).await;
    let (id, _) = ready(&w).await;
    let path = format!("/api/v1/activities/{id}");
    let submitted = act(&w, &w.host, id, "submit", json!({})).await;
    assert_eq!(submitted.status, StatusCode::OK, "{}", submitted.text);
    assert_eq!(submitted.json()["status"], "province_review");

    // Another province neither sees nor decides it; the city sees it but does not decide.
    let other = act(
        &w,
        &w.shaanxi,
        id,
        "decisions",
        json!({"decision": "approve"}),
    )
    .await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
    let city = act(&w, &w.city, id, "decisions", json!({"decision": "approve"})).await;
    assert_eq!(city.status, StatusCode::FORBIDDEN);
    assert_eq!(
        city.message(),
        "只有活动所在省的省级管理员或全国管理员可以审核"
    );
    let national_early = act(
        &w,
        &w.national,
        id,
        "decisions",
        json!({"decision": "approve"}),
    )
    .await;
    assert_eq!(national_early.status, StatusCode::CONFLICT);
    assert_eq!(
        national_early.message(),
        "活动当前为“省级审核中”，不在您的审核环节"
    );

    let no_reason = act(&w, &w.henan, id, "decisions", json!({"decision": "reject"})).await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(no_reason.field("reason"), "审核不通过时须填写理由");
    let rejected = act(
        &w,
        &w.henan,
        id,
        "decisions",
        json!({"decision": "reject", "reason": "活动地址不够具体"}),
    )
    .await;
    assert_eq!(rejected.status, StatusCode::OK);
    assert_eq!(rejected.json()["status"], "province_rejected");

    let notes = w.t.get_as(&w.host, "/api/v1/notifications").await.json();
    assert_eq!(notes["unread"], 1);
    assert_eq!(
        notes["items"][0]["text"],
        "您的活动“走进天文馆：秋夜观星”省级审核不通过：活动地址不够具体"
    );
    let mine = w.t.get_as(&w.host, &path).await.json();
    assert_eq!(mine["review_reason"], "活动地址不够具体");

    let version = mine["version"].as_i64().unwrap();
    let fixed =
        w.t.patch(
            &w.host,
            &path,
            Some(version),
            json!({"address": "三门峡市湖滨区六峰路科技馆三楼天象厅"}),
        )
        .await;
    assert_eq!(fixed.status, StatusCode::OK);
    assert_eq!(
        act(&w, &w.host, id, "submit", json!({})).await.json()["status"],
        "province_review"
    );
    let changes =
        w.t.get_as(&w.henan, &format!("{path}/changes"))
            .await
            .json();
    assert_eq!(
        changes,
        json!([{"field": "address", "before": "三门峡市湖滨区科技馆三楼", "after": "三门峡市湖滨区六峰路科技馆三楼天象厅"}])
    );

    assert_eq!(
        act(
            &w,
            &w.henan,
            id,
            "decisions",
            json!({"decision": "approve"})
        )
        .await
        .json()["status"],
        "national_review"
    );
    let approved = act(
        &w,
        &w.national,
        id,
        "decisions",
        json!({"decision": "approve", "reason": "内容充实"}),
    )
    .await;
    assert_eq!(approved.json()["status"], "approved");

    let public = w.t.get(&path).await;
    assert_eq!(public.status, StatusCode::OK);
    assert!(
        public.json().get("contact_phone").is_none() && public.json().get("contact_name").is_none(),
        "{}",
        public.text
    );
    assert!(public.json().get("review_reason").is_none());
    assert!(!public.text.contains("0398-2812345"));

    let history = w.t.get_as(&w.host, &format!("{path}/history")).await.json();
    let steps: Vec<(String, String)> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["from"].as_str().unwrap().to_owned(),
                h["to"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        steps,
        [
            ("draft", "province_review"),
            ("province_review", "province_rejected"),
            ("province_rejected", "province_review"),
            ("province_review", "national_review"),
            ("national_review", "approved")
        ]
        .map(|(a, b)| (a.to_owned(), b.to_owned()))
    );
    assert_eq!(history[1]["reason"], "活动地址不够具体");
    assert_eq!(history[1]["actor"], "河南省管理员");
    assert_eq!(
        w.t.get(&format!("{path}/history")).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        w.t.get_as(&w.shaanxi, &format!("{path}/history"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // Changing an approved activity: withdraw first; the edit re-enters review from the province.
    let in_review =
        w.t.patch(
            &w.host,
            &path,
            Some(approved.json()["version"].as_i64().unwrap()),
            json!({"name": "秋夜观星"}),
        )
        .await;
    assert_eq!(in_review.status, StatusCode::CONFLICT);
    assert_eq!(
        in_review.message(),
        "活动当前为“已通过”，不能修改；请先撤回"
    );
    let withdrawn = act(&w, &w.host, id, "withdraw", json!({})).await;
    assert_eq!(withdrawn.json()["status"], "draft");
    assert_eq!(
        w.t.get(&path).await.status,
        StatusCode::NOT_FOUND,
        "no longer public"
    );
    assert_eq!(
        act(&w, &w.host, id, "submit", json!({})).await.json()["status"],
        "province_review"
    );

    let audit = w.t.get_as(&w.henan, "/api/v1/audit").await.json();
    assert!(
        audit
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "activity.decide"
                && e["target_id"].as_str() == Some(&*id.to_string()))
    );
}

async fn versions_guard_every_write(backend: Backend) {
    let w = world(backend).await;
    let id =
        w.t.post(
            "/api/v1/activities",
            Some(&w.host),
            json!({"name": "科学之夜"}),
        )
        .await
        .json()["id"]
            .as_i64()
            .unwrap();
    let path = format!("/api/v1/activities/{id}");
    let missing =
        w.t.patch(&w.host, &path, None, json!({"name": "科学之夜·天文"}))
            .await;
    assert_eq!(missing.status, StatusCode::PRECONDITION_REQUIRED);
    assert_eq!(
        missing.message(),
        "修改活动须带 If-Match 请求头（活动的 version）"
    );
    let first =
        w.t.patch(&w.host, &path, Some(1), json!({"name": "科学之夜·天文"}))
            .await;
    assert_eq!(first.json()["version"], 2);
    let stale =
        w.t.patch(&w.host, &path, Some(1), json!({"name": "覆盖别人的修改"}))
            .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert_eq!(
        stale.message(),
        "活动已被修改（版本号不一致），请刷新后再操作"
    );
    assert_eq!(
        w.t.get_as(&w.host, &path).await.json()["name"],
        "科学之夜·天文",
        "nothing changed"
    );
    let cleared =
        w.t.patch(
            &w.host,
            &path,
            Some(2),
            json!({"name": null, "details": "<p>新内容</p>"}),
        )
        .await
        .json();
    assert!(cleared["name"].is_null(), "null clears a field");
    assert_eq!(cleared["details"], "<p>新内容</p>");
    let other = w.t.log_in("13800138009").await;
    assert_eq!(
        w.t.patch(&other, &path, Some(3), json!({"name": "x"}))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let admin =
        w.t.patch(&w.henan, &path, Some(3), json!({"name": "x"}))
            .await;
    assert_eq!(
        admin.status,
        StatusCode::NOT_FOUND,
        "a draft without a region lies in no province"
    );
    let campaign =
        w.t.patch(&w.host, &path, Some(3), json!({"campaign_id": 99}))
            .await;
    assert_eq!(
        campaign.field("campaign_id"),
        "活动所属的活动季创建后不能更改"
    );
    let bad =
        w.t.patch(&w.host, &path, Some(3), json!({"colour": "red"}))
            .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let request = axum::http::Request::builder()
        .method(Method::POST)
        .uri(format!("{path}/submit"))
        .header("authorization", format!("Bearer {}", w.host))
        .header("if-match", "\"1\"")
        .body(axum::body::Body::empty())
        .unwrap();
    assert_eq!(
        w.t.send("127.0.0.1", request).await.status,
        StatusCode::CONFLICT
    );
}

async fn states_refuse_out_of_order_actions(backend: Backend) {
    let w = world(backend).await;
    let (id, _) = ready(&w).await;
    let early = act(
        &w,
        &w.henan,
        id,
        "decisions",
        json!({"decision": "approve"}),
    )
    .await;
    assert_eq!(early.status, StatusCode::CONFLICT);
    assert_eq!(early.message(), "活动当前为“草稿”，无需审核");
    let withdraw = act(&w, &w.host, id, "withdraw", json!({})).await;
    assert_eq!(withdraw.status, StatusCode::CONFLICT);
    assert_eq!(withdraw.message(), "活动当前为“草稿”，无需撤回");
    let submitted = act(&w, &w.host, id, "submit", json!({})).await.json();
    let again = act(&w, &w.host, id, "submit", json!({})).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(again.message(), "活动当前为“省级审核中”，不能重复提交");
    let edit =
        w.t.patch(
            &w.host,
            &format!("/api/v1/activities/{id}"),
            submitted["version"].as_i64(),
            json!({"name": "改名"}),
        )
        .await;
    assert_eq!(edit.status, StatusCode::CONFLICT);
    let by_admin = act(&w, &w.henan, id, "withdraw", json!({})).await;
    assert_eq!(by_admin.status, StatusCode::FORBIDDEN);
    assert_eq!(
        by_admin.message(),
        "只有活动的发布者可以修改、提交或撤回活动"
    );
    let bad = act(&w, &w.henan, id, "decisions", json!({"decision": "maybe"})).await;
    assert_eq!(
        bad.field("decision"),
        "请选择“通过”（approve）或“不通过”（reject）"
    );
}

async fn national_organisations_go_straight_to_national_review(backend: Backend) {
    let w = world(backend).await;
    let society = w.t.post("/api/v1/orgs", Some(&w.host), json!({"name": "中国天文学会", "kind": "society", "region_code": "110000", "level": "national"})).await.json();
    let made =
        w.t.post("/api/v1/activities", Some(&w.host), {
            let mut body = complete(society["id"].as_i64().unwrap());
            body["hosts"] = json!([society["id"], w.org]);
            body
        })
        .await
        .json();
    let id = made["id"].as_i64().unwrap();
    let poster =
        w.t.upload(&w.host, id, "poster", "p.jpg", jpeg(600, 350))
            .await
            .json();
    w.t.patch(
        &w.host,
        &format!("/api/v1/activities/{id}"),
        Some(1),
        json!({"poster": poster["id"]}),
    )
    .await;
    // Not yet certified by a national admin: the province reviews it.
    assert_eq!(
        act(&w, &w.host, id, "submit", json!({})).await.json()["status"],
        "province_review"
    );
    act(&w, &w.host, id, "withdraw", json!({})).await;
    w.t.post(
        &format!("/api/v1/orgs/{}/certification", society["id"]),
        Some(&w.national),
        json!({"decision": "approve"}),
    )
    .await;
    assert_eq!(
        act(&w, &w.host, id, "submit", json!({})).await.json()["status"],
        "national_review"
    );
}

async fn posters_are_checked_by_decoding(backend: Backend) {
    let w = world(backend).await;
    let id =
        w.t.post(
            "/api/v1/activities",
            Some(&w.host),
            json!({"name": "海报测试"}),
        )
        .await
        .json()["id"]
            .as_i64()
            .unwrap();
    let wrong_size =
        w.t.upload(&w.host, id, "poster", "poster.png", png(601, 350))
            .await;
    assert_eq!(wrong_size.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        wrong_size.field("poster"),
        "海报尺寸须为600×350像素（当前为601×350像素）"
    );
    let named_wrong =
        w.t.upload(&w.host, id, "poster", "poster.jpg", png(600, 350))
            .await;
    assert_eq!(
        named_wrong.status,
        StatusCode::CREATED,
        "the type comes from the content, not the name"
    );
    let json = named_wrong.json();
    assert_eq!(
        (
            json["width"].as_i64(),
            json["height"].as_i64(),
            json["kind"].as_str()
        ),
        (Some(600), Some(350), Some("poster"))
    );
    let fetched = w.t.get_as(&w.host, json["url"].as_str().unwrap()).await;
    assert_eq!(fetched.status, StatusCode::OK);
    assert_eq!(fetched.header("content-type"), "image/png");
    assert_eq!(
        w.t.get(json["url"].as_str().unwrap()).await.status,
        StatusCode::NOT_FOUND,
        "not public before approval"
    );

    let text =
        w.t.upload(
            &w.host,
            id,
            "poster",
            "poster.png",
            "这不是图片".as_bytes().to_vec(),
        )
        .await;
    assert_eq!(text.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(text.message(), "仅支持 jpg、jpeg、png 格式的图片");
    let mut truncated = png(600, 350);
    truncated.truncate(truncated.len() / 2);
    let broken =
        w.t.upload(&w.host, id, "poster", "poster.png", truncated)
            .await;
    assert_eq!(broken.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        broken.field("file"),
        "图片已损坏或无法识别，请重新导出后上传"
    );
    let mut big = png(600, 350);
    big.resize(2 * 1024 * 1024 + 1, 0);
    let too_big = w.t.upload(&w.host, id, "poster", "poster.png", big).await;
    assert_eq!(too_big.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(too_big.message(), "宣传图不能超过2MB");
    let kind =
        w.t.upload(&w.host, id, "banner", "poster.png", png(600, 350))
            .await;
    assert_eq!(
        kind.field("kind"),
        "kind 须为 poster、photo、video 或 evidence"
    );

    let photo =
        w.t.upload(&w.host, id, "photo", "photo.jpg", jpeg(1600, 1200))
            .await;
    assert_eq!(photo.status, StatusCode::CREATED, "{}", photo.text);
    let thumb =
        w.t.get_as(
            &w.host,
            &format!("{}?size=thumb", photo.json()["url"].as_str().unwrap()),
        )
        .await;
    assert_eq!(thumb.status, StatusCode::OK);
    assert_eq!(thumb.header("content-type"), "image/jpeg");
    let not_video =
        w.t.upload(&w.host, id, "video", "clip.mp4", jpeg(10, 10))
            .await;
    assert_eq!(not_video.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(not_video.message(), "仅支持 MP4 格式的视频");

    // Someone else's upload cannot be attached, nor can a photo serve as the poster.
    let other =
        w.t.post(
            "/api/v1/activities",
            Some(&w.host),
            json!({"name": "另一个活动"}),
        )
        .await
        .json()["id"]
            .as_i64()
            .unwrap();
    let stolen =
        w.t.patch(
            &w.host,
            &format!("/api/v1/activities/{other}"),
            Some(1),
            json!({"poster": json["id"]}),
        )
        .await;
    assert_eq!(stolen.field("poster"), "宣传图须为上传到本活动的海报图片");
    let photo_as_poster =
        w.t.patch(
            &w.host,
            &format!("/api/v1/activities/{id}"),
            Some(1),
            json!({"poster": photo.json()["id"]}),
        )
        .await;
    assert_eq!(
        photo_as_poster.field("poster"),
        "宣传图须为上传到本活动的海报图片"
    );
    let stranger = w.t.log_in("13800138009").await;
    assert_eq!(
        w.t.upload(&stranger, id, "poster", "p.png", png(600, 350))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

async fn the_queue_shows_only_the_admins_area(backend: Backend) {
    let w = world(backend).await;
    let (henan_id, _) = ready(&w).await;
    act(&w, &w.host, henan_id, "submit", json!({})).await;
    let xian =
        w.t.post(
            "/api/v1/orgs",
            Some(&w.host),
            json!({"name": "西安市科技馆", "kind": "venue", "region_code": "610100"}),
        )
        .await
        .json()["id"]
            .as_i64()
            .unwrap();
    let mut body = complete(xian);
    body["region_code"] = json!("610113");
    body["name"] = json!("西安食品安全讲座");
    body["section"] = json!("lecture");
    body["sessions"] = json!([]);
    let shaanxi_id =
        w.t.post("/api/v1/activities", Some(&w.host), body)
            .await
            .json()["id"]
            .as_i64()
            .unwrap();
    let poster =
        w.t.upload(&w.host, shaanxi_id, "poster", "p.png", png(600, 350))
            .await
            .json();
    w.t.patch(
        &w.host,
        &format!("/api/v1/activities/{shaanxi_id}"),
        Some(1),
        json!({"poster": poster["id"]}),
    )
    .await;
    act(&w, &w.host, shaanxi_id, "submit", json!({})).await;

    let ids = |r: &TestResponse| {
        r.json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["id"].as_i64().unwrap())
            .collect::<Vec<_>>()
    };
    let henan = w.t.get_as(&w.henan, "/api/v1/review-queue").await;
    assert_eq!(ids(&henan), [henan_id]);
    assert_eq!(henan.json()["total"], 1);
    assert_eq!(
        ids(&w.t.get_as(&w.shaanxi, "/api/v1/review-queue").await),
        [shaanxi_id]
    );
    assert_eq!(
        ids(&w.t.get_as(&w.national, "/api/v1/review-queue").await),
        Vec::<i64>::new(),
        "nothing has reached the national step"
    );
    assert_eq!(
        ids(&w
            .t
            .get_as(&w.henan, "/api/v1/review-queue?region=610000")
            .await),
        Vec::<i64>::new(),
        "a filter cannot widen the area"
    );
    assert_eq!(
        ids(&w
            .t
            .get_as(&w.shaanxi, "/api/v1/review-queue?section=lecture")
            .await),
        [shaanxi_id]
    );
    assert_eq!(
        ids(&w
            .t
            .get_as(&w.shaanxi, "/api/v1/review-queue?section=exhibition")
            .await),
        Vec::<i64>::new()
    );
    let q = format!("/api/v1/review-queue?q={}", urlencoding::encode("食品安全"));
    assert_eq!(ids(&w.t.get_as(&w.shaanxi, &q).await), [shaanxi_id]);
    assert_eq!(
        ids(&w
            .t
            .get_as(
                &w.henan,
                "/api/v1/review-queue?region=411202&from=2026-09-15&to=2026-09-15"
            )
            .await),
        [henan_id]
    );
    assert_eq!(
        ids(&w
            .t
            .get_as(&w.henan, "/api/v1/review-queue?from=2026-09-20")
            .await),
        Vec::<i64>::new()
    );
    for bad in [
        "/api/v1/review-queue?per_page=0",
        "/api/v1/review-queue?page=0",
        "/api/v1/review-queue?status=approved",
        "/api/v1/review-queue?from=yesterday",
        "/api/v1/review-queue?region=abc",
    ] {
        assert_eq!(
            w.t.get_as(&w.henan, bad).await.status,
            StatusCode::BAD_REQUEST,
            "{bad}"
        );
    }
    let host = w.t.get_as(&w.host, "/api/v1/review-queue").await;
    assert_eq!(host.status, StatusCode::FORBIDDEN);
    assert_eq!(host.message(), "只有管理员可以查看审核队列");
    assert_eq!(
        w.t.get_as(&w.henan, &format!("/api/v1/activities/{shaanxi_id}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

async fn bulk_decisions_report_each_activity(backend: Backend) {
    let w = world(backend).await;
    let (a, _) = ready(&w).await;
    let (b, _) = ready(&w).await;
    let (c, _) = ready(&w).await;
    for id in [a, b] {
        act(&w, &w.host, id, "submit", json!({})).await;
    }
    let no_reason =
        w.t.post(
            "/api/v1/review-queue/decisions",
            Some(&w.henan),
            json!({"ids": [a, b], "decision": "reject"}),
        )
        .await;
    assert_eq!(no_reason.field("reason"), "审核不通过时须填写理由");
    let results =
        w.t.post(
            "/api/v1/review-queue/decisions",
            Some(&w.henan),
            json!({"ids": [a, b, c, 999_999], "decision": "approve", "reason": "同意"}),
        )
        .await;
    assert_eq!(results.status, StatusCode::OK, "{}", results.text);
    let r = results.json();
    assert_eq!(
        r[0],
        json!({"id": a, "ok": true, "status": "national_review"})
    );
    assert_eq!(r[1]["ok"], true);
    assert_eq!(
        r[2],
        json!({"id": c, "ok": false, "message": "活动当前为“草稿”，无需审核"})
    );
    assert_eq!(
        r[3],
        json!({"id": 999_999, "ok": false, "message": "未找到该活动"})
    );
    let empty =
        w.t.post(
            "/api/v1/review-queue/decisions",
            Some(&w.henan),
            json!({"ids": [], "decision": "approve"}),
        )
        .await;
    assert_eq!(empty.field("ids"), "请选择1至100个活动");
}

async fn an_activity_is_copied_into_a_new_draft(backend: Backend) {
    let w = world(backend).await;
    let (id, _) = ready(&w).await;
    let copy = act(&w, &w.host, id, "copy", json!({})).await;
    assert_eq!(copy.status, StatusCode::CREATED, "{}", copy.text);
    let c = copy.json();
    assert_ne!(c["id"].as_i64(), Some(id));
    assert_eq!(c["status"], "draft");
    assert_eq!(c["name"], "走进天文馆：秋夜观星");
    assert!(c["start"].is_null() && c["poster"].is_null());
    assert_eq!(c["sessions"][0]["address"], "陕州区文化广场");
    assert!(c["sessions"][0]["start"].is_null());
    let mine =
        w.t.get_as(&w.host, "/api/v1/my/activities?per_page=1")
            .await
            .json();
    assert_eq!(mine["total"], 2);
    assert_eq!(mine["items"][0]["id"], c["id"]);
    assert_eq!(mine["per_page"], 1);
    assert_eq!(
        act(&w, &w.henan, id, "copy", json!({})).await.status,
        StatusCode::NOT_FOUND
    );
}

async fn videos_are_parsed_for_length_and_size(backend: Backend) {
    use app::fixtures::mp4;
    let w = world(backend).await;
    let id =
        w.t.post(
            "/api/v1/activities",
            Some(&w.host),
            json!({"name": "视频测试"}),
        )
        .await
        .json()["id"]
            .as_i64()
            .unwrap();
    let ok =
        w.t.upload(
            &w.host,
            id,
            "video",
            "clip.mp4",
            mp4(150, 1920, 1080, false, 64 * 1024),
        )
        .await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.text);
    let v = ok.json();
    assert_eq!(
        (
            v["width"].as_i64(),
            v["height"].as_i64(),
            v["seconds"].as_f64()
        ),
        (Some(1920), Some(1080), Some(150.0))
    );
    let fetched = w.t.get_as(&w.host, v["url"].as_str().unwrap()).await;
    assert_eq!(fetched.header("content-type"), "video/mp4");

    let upright =
        w.t.upload(
            &w.host,
            id,
            "video",
            "phone.mp4",
            mp4(30, 1920, 1080, true, 1024),
        )
        .await
        .json();
    assert_eq!(
        (upright["width"].as_i64(), upright["height"].as_i64()),
        (Some(1080), Some(1920)),
        "a phone's rotation is applied"
    );

    // The campaign's limit: three minutes.
    let long =
        w.t.upload(
            &w.host,
            id,
            "video",
            "long.mp4",
            mp4(181, 1280, 720, false, 1024),
        )
        .await;
    assert_eq!(long.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(long.field("file"), "每段视频不超过180秒（当前约181秒）");
    let mut broken = mp4(60, 1280, 720, false, 0);
    broken.truncate(60);
    let broken = w.t.upload(&w.host, id, "video", "broken.mp4", broken).await;
    assert_eq!(broken.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(broken.field("file"), "视频文件已损坏或无法识别");
}

async fn another_province_sees_nothing_through_any_endpoint(backend: Backend) {
    let w = world(backend).await;
    let (id, version) = ready(&w).await;
    let photo =
        w.t.upload(&w.host, id, "photo", "p.jpg", jpeg(800, 600))
            .await
            .json();
    act(&w, &w.host, id, "submit", json!({})).await;
    let path = format!("/api/v1/activities/{id}");
    for read in [
        path.clone(),
        format!("{path}/history"),
        format!("{path}/changes"),
        photo["url"].as_str().unwrap().to_owned(),
    ] {
        let r = w.t.get_as(&w.shaanxi, &read).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{read}: {}", r.text);
    }
    for action in ["decisions", "withdraw", "submit", "copy"] {
        let r = act(&w, &w.shaanxi, id, action, json!({"decision": "approve"})).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{action}: {}", r.text);
    }
    assert_eq!(
        w.t.patch(&w.shaanxi, &path, Some(version + 1), json!({"name": "x"}))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        w.t.upload(&w.shaanxi, id, "photo", "p.jpg", jpeg(10, 10))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let bulk =
        w.t.post(
            "/api/v1/review-queue/decisions",
            Some(&w.shaanxi),
            json!({"ids": [id], "decision": "approve"}),
        )
        .await
        .json();
    assert_eq!(bulk[0]["ok"], false);
    for list in [
        "/api/v1/review-queue",
        "/api/v1/my/activities",
        "/api/v1/audit",
    ] {
        assert!(
            !w.t.get_as(&w.shaanxi, list)
                .await
                .text
                .contains("走进天文馆"),
            "{list}"
        );
    }
    assert_eq!(
        w.t.get_as(&w.henan, &path).await.json()["status"],
        "province_review",
        "still waiting, untouched"
    );
}

/// The queue page's bulk decision shows each activity's outcome, and a refusal of the whole
/// request (nothing chosen) as one message.
async fn bulk_decisions_in_the_page_report_each_activity(backend: Backend) {
    use crate::pages::{csrf_of, form, page, sign_in};
    let w = world(backend).await;
    let (a, _) = ready(&w).await;
    let (c, _) = ready(&w).await;
    act(&w, &w.host, a, "submit", json!({})).await;
    let cookie = sign_in(&w.t, "13900000002").await;
    let queue = page(&w.t, "/review", &cookie).await;
    assert_eq!(queue.status, StatusCode::OK);
    let csrf = csrf_of(&queue);
    let decided = form(
        &w.t,
        "/review/decisions",
        &cookie,
        &format!("_csrf={csrf}&ids={a}&ids={c}&decision=approve&reason=%E5%90%8C%E6%84%8F"),
    )
    .await;
    assert_eq!(decided.status, StatusCode::OK);
    assert!(
        decided.text.contains(&format!("活动 {a}：已处理")),
        "{}",
        decided.text
    );
    assert!(
        decided
            .text
            .contains(&format!("活动 {c}：活动当前为“草稿”")),
        "{}",
        decided.text
    );
    let none = form(
        &w.t,
        "/review/decisions",
        &cookie,
        &format!("_csrf={csrf}&decision=approve"),
    )
    .await;
    assert!(none.text.contains("请选择1至100个活动"), "{}", none.text);
}

/// The OpenAPI document's examples are real: the activity example creates a draft that,
/// with its poster, submits; the decision example decides it; the view example has the
/// real view's fields; the error example is the server's answer to the mistakes it shows.
async fn the_documented_examples_are_what_the_server_does(backend: Backend) {
    let w = world(backend).await;
    let doc = w.t.get("/api/openapi.json").await.json();
    let example = |name: &str, i: usize| -> Value {
        let found = doc["components"]["schemas"][name]["examples"][i].clone();
        assert!(found.is_object(), "{name} has an example {i}");
        found
    };
    for name in [
        "ActivityFields",
        "ActivityView",
        "DecisionInput",
        "BulkDecisionInput",
        "SupplementFields",
        "OpinionInput",
        "ErrorBody",
    ] {
        example(name, 0);
    }

    // The error example is what two mistakes in the activity example get.
    let mut wrong = example("ActivityFields", 0);
    wrong["hosts"] = json!([w.org]);
    wrong["start"] = json!("2026-02-30 14:00");
    wrong["expected_participants"] = json!("约200人");
    let refused = w.t.post("/api/v1/activities", Some(&w.host), wrong).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.json(), example("ErrorBody", 0));

    let mut fields = example("ActivityFields", 0);
    fields["hosts"] = json!([w.org]);
    let made = w.t.post("/api/v1/activities", Some(&w.host), fields).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    let id = made.json()["id"].as_i64().unwrap();
    let early = act(&w, &w.host, id, "submit", json!({})).await;
    assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY);
    let missing: Vec<String> = early.json()["error"]["fields"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    assert_eq!(missing, ["poster"], "only the poster is left to add");
    let poster =
        w.t.upload(&w.host, id, "poster", "poster.png", png(600, 350))
            .await;
    let poster = poster.json()["id"].as_i64().unwrap();
    let path = format!("/api/v1/activities/{id}");
    let patched =
        w.t.patch(&w.host, &path, Some(1), json!({"poster": poster}))
            .await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.text);
    let submitted = act(&w, &w.host, id, "submit", json!({})).await;
    assert_eq!(submitted.status, StatusCode::OK, "{}", submitted.text);

    let decided = act(&w, &w.henan, id, "decisions", example("DecisionInput", 0)).await;
    assert_eq!(decided.status, StatusCode::OK, "{}", decided.text);
    assert_eq!(decided.json()["status"], "national_review");
    let decided = act(
        &w,
        &w.national,
        id,
        "decisions",
        example("DecisionInput", 0),
    )
    .await;
    assert_eq!(decided.json()["status"], "approved");

    // The view example names exactly the fields the host's own view has.
    let keys = |v: &Value| {
        let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    let mine = w.t.get_as(&w.host, &path).await.json();
    assert_eq!(keys(&example("ActivityView", 0)), keys(&mine));
}

/// Every change to an activity goes through one write path, which moves the search log
/// once, keeps the counts equal to a recount, records a decision in the audit log and
/// its history; a refused write moves nothing.
async fn every_write_of_an_activity_keeps_every_invariant(backend: Backend) {
    let w = world(backend).await;
    let db = &w.t.app.db;
    let position = || async { store::search::log::position(db).await.unwrap() };
    let start = position().await;
    let (id, version) = ready(&w).await;
    assert_eq!(
        position().await,
        start + 2,
        "the create and the poster's edit"
    );
    let path = format!("/api/v1/activities/{id}");

    let stale =
        w.t.patch(&w.host, &path, Some(version - 1), json!({"name": "旧版本"}))
            .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert_eq!(position().await, start + 2, "a refused write moves nothing");

    let submitted = act(&w, &w.host, id, "submit", json!({})).await;
    assert_eq!(submitted.status, StatusCode::OK, "{}", submitted.text);
    let rejected = act(
        &w,
        &w.henan,
        id,
        "decisions",
        json!({"decision": "reject", "reason": "请补充场地说明"}),
    )
    .await;
    assert_eq!(rejected.status, StatusCode::OK, "{}", rejected.text);
    let resubmitted = act(&w, &w.host, id, "submit", json!({})).await;
    assert_eq!(resubmitted.status, StatusCode::OK, "{}", resubmitted.text);
    for admin in [&w.henan, &w.national] {
        let approved = act(&w, admin, id, "decisions", json!({"decision": "approve"})).await;
        assert_eq!(approved.status, StatusCode::OK, "{}", approved.text);
    }
    assert_eq!(
        w.t.get_as(&w.host, &path).await.json()["status"],
        "approved"
    );
    let intent =
        w.t.call(
            Method::PUT,
            &format!("{path}/excellence-intent"),
            Some(&w.host),
            Some(json!({"intended": true})),
        )
        .await;
    assert_eq!(intent.status, StatusCode::OK, "{}", intent.text);
    assert_eq!(
        position().await,
        start + 8,
        "one entry for each of the eight writes"
    );

    let history = w.t.get_as(&w.host, &format!("{path}/history")).await.json();
    let moves: Vec<(&str, &str)> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (h["from"].as_str().unwrap(), h["to"].as_str().unwrap()))
        .collect();
    assert_eq!(
        moves,
        [
            ("draft", "province_review"),
            ("province_review", "province_rejected"),
            ("province_rejected", "province_review"),
            ("province_review", "national_review"),
            ("national_review", "approved"),
        ]
    );
    let audit =
        w.t.get_as(&w.national, "/api/v1/audit?limit=10")
            .await
            .json();
    let target = json!(id.to_string());
    let decisions: Vec<&Value> = audit
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "activity.decide" && e["target_id"] == target)
        .collect();
    assert_eq!(decisions.len(), 3, "{audit}");
    assert_eq!(decisions[2]["detail"]["reason"], "请补充场地说明");

    let counted = w.t.get_as(&w.national, "/api/v1/stats").await.json();
    app::stats::rebuild(db).await.unwrap();
    let recounted = w.t.get_as(&w.national, "/api/v1/stats").await.json();
    assert_eq!(counted, recounted, "the kept counts are a recount's");
}

/// In an administrator's list the contact's phone is masked (PIPL: only what the task
/// needs); the activity's own page shows it whole to the administrators of its area.
async fn an_administrators_list_shows_phones_masked(backend: Backend) {
    let w = world(backend).await;
    let (id, _) = ready(&w).await;
    let r = act(&w, &w.host, id, "submit", json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let queue = w.t.get_as(&w.henan, "/api/v1/review-queue").await;
    assert_eq!(queue.status, StatusCode::OK, "{}", queue.text);
    let item = &queue.json()["items"][0];
    assert_eq!(item["id"], id);
    assert_eq!(item["contact_phone"], "039****2345");
    assert!(!queue.text.contains("0398-2812345"), "{}", queue.text);
    let one =
        w.t.get_as(&w.henan, &format!("/api/v1/activities/{id}"))
            .await;
    assert_eq!(one.json()["contact_phone"], "0398-2812345");
}

/// A photo, video or evidence photo is refused unless the host says who agreed to be shown
/// (children under 14: their guardians, PIPL 第三十一条); the answer is stored with the file.
/// A poster needs none.
async fn a_photo_says_who_agreed_to_be_shown(backend: Backend) {
    let w = world(backend).await;
    let (id, _) = ready(&w).await;
    let path = format!("/api/v1/activities/{id}/media");
    let none =
        w.t.multipart(
            &w.host,
            &path,
            &[("kind", "photo")],
            "p.jpg",
            jpeg(800, 600),
        )
        .await;
    assert_eq!(
        none.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        none.text
    );
    assert_eq!(
        none.field("consent"),
        "请确认画面中可识别人员的同意情况：含14岁以下儿童的，须取得其监护人同意"
    );
    let odd =
        w.t.multipart(
            &w.host,
            &path,
            &[("kind", "video"), ("consent", "yes")],
            "v.mp4",
            jpeg(8, 6),
        )
        .await;
    assert_eq!(odd.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", odd.text);
    assert_eq!(
        odd.field("consent"),
        "同意情况须为 nobody、adults 或 guardians，收到“yes”"
    );
    let (files_before, _) = store::media::usage(&w.t.app.db, id).await.unwrap();
    assert_eq!(
        files_before, 1,
        "refused uploads stored nothing (the poster only)"
    );
    let ok =
        w.t.multipart(
            &w.host,
            &path,
            &[("kind", "photo"), ("consent", "guardians")],
            "p.jpg",
            jpeg(800, 600),
        )
        .await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.text);
    assert_eq!(ok.json()["consent"], "guardians");
    let poster =
        w.t.multipart(
            &w.host,
            &path,
            &[("kind", "poster")],
            "p.png",
            png(600, 350),
        )
        .await;
    assert_eq!(poster.status, StatusCode::CREATED, "{}", poster.text);
    assert_eq!(poster.json()["consent"], serde_json::Value::Null);
}
