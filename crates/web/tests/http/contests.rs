//! 科普视频征集与展播, the contest as data: created from the shipped template in the admin's
//! area, every inconsistency named by its field path, drafts private, edits with If-Match,
//! and the status moves with their reasons.

use axum::http::{Method, StatusCode};
use domain::role::Role;
use serde_json::{Value, json};
use store::on_both_backends;
use store::testing::Backend;

use crate::support::{TestApp, TestResponse};

on_both_backends!(
    an_admin_makes_a_contest_from_the_template,
    every_inconsistency_is_refused_by_its_field,
    a_contest_moves_through_its_statuses,
    edits_need_the_version_and_stay_in_the_area,
);

/// 三门峡's city admin, 湖滨区's county admin, 郑州's city admin, and a visitor.
struct Org {
    t: TestApp,
    city: String,
    county: String,
    other: String,
    visitor: String,
}

async fn org(backend: Backend) -> Org {
    let t = TestApp::new(backend).await;
    let city = t
        .user(
            "13800000201",
            "三门峡市科协",
            Role::CityAdmin,
            Some("411200"),
        )
        .await;
    let county = t
        .user(
            "13800000202",
            "湖滨区科协",
            Role::CountyAdmin,
            Some("411202"),
        )
        .await;
    let other = t
        .user("13800000203", "郑州市科协", Role::CityAdmin, Some("410100"))
        .await;
    let visitor = t.log_in("13900000201").await;
    Org {
        t,
        city,
        county,
        other,
        visitor,
    }
}

/// A contest body around the test clock (2026-07-01): entries from today for two weeks.
fn body() -> Value {
    json!({
        "name": "2026年三门峡市科普视频征集与展播",
        "region_code": "411200",
        "submit_from": "2026-07-01",
        "submit_to": "2026-07-15",
    })
}

async fn create(o: &Org, token: &str, body: Value) -> TestResponse {
    o.t.post("/api/v1/contests", Some(token), body).await
}

async fn an_admin_makes_a_contest_from_the_template(backend: Backend) {
    let o = org(backend).await;
    let r = create(&o, &o.city, body()).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let c = r.json();
    assert_eq!(c["status"], "draft");
    assert_eq!(c["version"], 1);
    assert_eq!(
        c["entrant_region"], "411200",
        "entrants from the organiser's area"
    );
    // What was left out is the 三门峡 2024 contest's, around this contest's own dates.
    assert_eq!(c["judge_from"], "2026-07-16");
    assert_eq!(c["judge_to"], "2026-07-25");
    assert_eq!(c["fields"].as_array().unwrap().len(), 26);
    assert_eq!(c["fields"][0], "新质生产力");
    assert_eq!(c["entry_modes"], json!(["unit", "self"]));
    assert_eq!(
        c["file_rules"],
        json!({"container": "mp4", "aspect": "16:9", "min_height": 1080, "max_bytes": 314572800,
               "min_seconds": 180, "max_seconds": 300, "made_after": "2025-01-01", "made_before": "2026-07-01"})
    );
    assert_eq!(
        c["criteria"],
        json!([{"key": "scientific", "name": "科学性", "weight": 40},
               {"key": "creative", "name": "创意表现", "weight": 30},
               {"key": "production", "name": "制作质量", "weight": 20},
               {"key": "reach", "name": "传播价值", "weight": 10}])
    );
    assert_eq!(c["require_signed_form"], true);
    assert_eq!(c["judges_per_entry"], 3);
    assert_eq!(c["min_scores"], 2);
    assert_eq!(c["conflict_region"], "county");
    assert_eq!(c["blind"], true);
    assert_eq!(c["aggregation"], "mean");
    assert_eq!(c["normalise"], "none");
    assert_eq!(c["public_vote"], Value::Null);
    assert_eq!(c["publicity_days"], 7);
    assert_eq!(
        c["awards"][0],
        json!({"key": "first", "name": "一等奖", "count": 3})
    );
    let id = c["id"].as_i64().unwrap();

    // A draft is the organisers' own: the public and other areas do not learn of it.
    let path = format!("/api/v1/contests/{id}");
    assert_eq!(o.t.get(&path).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        o.t.get_as(&o.other, &path).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(o.t.get_as(&o.city, &path).await.json()["manageable"], true);
    assert_eq!(o.t.get("/api/v1/contests").await.json()["total"], 0);
    assert_eq!(
        o.t.get_as(&o.city, "/api/v1/contests").await.json()["total"],
        1
    );

    // Only administrators, and only for their own area.
    let r = create(&o, &o.visitor, body()).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.message(), "只有管理员可以举办比赛");
    let r = create(&o, &o.other, body()).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.message(), "只能为本辖区举办比赛");
    let r = create(&o, &o.county, body()).await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "a county does not hold its city's contest"
    );
    let mut own = body();
    own["region_code"] = json!("411202");
    own["entrant_region"] = Value::Null;
    let r = create(&o, &o.county, own).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(
        r.json()["entrant_region"],
        Value::Null,
        "null: anyone may enter"
    );
}

async fn every_inconsistency_is_refused_by_its_field(backend: Backend) {
    let o = org(backend).await;
    let r = create(&o, &o.city, json!({})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.field("name"), "请填写名称");
    assert_eq!(r.field("region_code"), "请填写主办方所在地区");
    assert_eq!(r.field("submit_from"), "请填写征集开始日期");
    assert_eq!(r.field("submit_to"), "请填写征集截止日期");

    let mut bad = body();
    bad["submit_to"] = json!("2026-06-01");
    bad["criteria"] = json!([{"key": "scientific", "name": "科学性", "weight": 50},
                             {"key": "creative", "name": "创意表现", "weight": 30}]);
    bad["file_rules"] = json!({"aspect": "16x9", "min_seconds": 400});
    bad["public_vote"] = json!({"weight": 120});
    bad["aggregation"] = json!("max");
    bad["normalise"] = json!("minmax");
    bad["conflict_region"] = json!("town");
    bad["judges_per_entry"] = json!(0);
    bad["min_scores"] = json!(0);
    bad["entrant_region"] = json!("999999");
    let r = create(&o, &o.city, bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(r.field("submit_to"), "征集截止日期不能早于开始日期");
    assert_eq!(r.field("criteria"), "评分标准的权重合计须为100（现为80）");
    assert_eq!(
        r.field("file_rules.aspect"),
        "画幅比例须写作“宽:高”，如 16:9"
    );
    assert_eq!(
        r.field("file_rules.min_seconds"),
        "最短时长不能超过最长时长"
    );
    assert_eq!(
        r.field("public_vote.weight"),
        "公众投票所占比重须在0至100之间"
    );
    assert_eq!(
        r.field("aggregation"),
        "汇总方式须为 mean（平均分）、median（中位数）或 trimmed_mean（去掉最高最低分）"
    );
    assert_eq!(r.field("normalise"), "评分校正须为 none 或 zscore");
    assert_eq!(
        r.field("conflict_region"),
        "地区回避须为 none、county、city 或 province"
    );
    assert_eq!(r.field("judges_per_entry"), "每件作品的评审专家数须为1至50");
    assert_eq!(r.field("min_scores"), "参与排名所需的评分数须至少为1");

    let mut dup = body();
    dup["criteria"] = json!([{"key": "scientific", "name": "科学性", "weight": 50},
                             {"key": "scientific", "name": "创意", "weight": 50}]);
    let r = create(&o, &o.city, dup).await;
    assert_eq!(r.field("criteria"), "评分标准的键名“scientific”重复");
    let mut region = body();
    region["entrant_region"] = json!("999999");
    let r = create(&o, &o.city, region).await;
    assert_eq!(r.field("entrant_region"), "参赛者所在地区不存在");
    let mut wrong_type = body();
    wrong_type["judges_per_entry"] = json!("三");
    let r = create(&o, &o.city, wrong_type).await;
    assert_eq!(
        r.status,
        StatusCode::BAD_REQUEST,
        "a wrong JSON type is malformed"
    );
    let mut unknown = body();
    unknown["prize_money"] = json!(1000);
    let r = create(&o, &o.city, unknown).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        o.t.get_as(&o.city, "/api/v1/contests").await.json()["total"],
        0,
        "nothing refused was kept"
    );
}

async fn a_contest_moves_through_its_statuses(backend: Backend) {
    let o = org(backend).await;
    let id = create(&o, &o.city, body()).await.json()["id"]
        .as_i64()
        .unwrap();
    let path = format!("/api/v1/contests/{id}/status");
    let go = |token: &str, status: &str| {
        let t = &o.t;
        let token = token.to_owned();
        let path = path.clone();
        let status = status.to_owned();
        async move { t.post(&path, Some(&token), json!({"status": status})).await }
    };
    let r = go(&o.city, "judging").await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.message(), "比赛不能从“草稿”改为“评审中”");
    let r = go(&o.city, "finished").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.field("status"),
        "状态须为 open（征集中）、judging（评审中）或 closed（评审结束）"
    );
    let r = go(&o.other, "open").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.message(), "只能管理本辖区举办的比赛");
    let r = go(&o.city, "open").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["status"], "open");
    // Once open, the public sees it.
    assert_eq!(
        o.t.get(&format!("/api/v1/contests/{id}")).await.status,
        StatusCode::OK
    );
    assert_eq!(o.t.get("/api/v1/contests").await.json()["total"], 1);
    let r = go(&o.city, "open").await;
    assert_eq!(r.message(), "比赛已是“征集中”状态");
    assert_eq!(go(&o.city, "judging").await.json()["status"], "judging");
    assert_eq!(go(&o.city, "closed").await.json()["status"], "closed");
    // Scoring reopens; publication goes through the results.
    assert_eq!(go(&o.city, "judging").await.json()["status"], "judging");
    assert_eq!(go(&o.city, "closed").await.json()["status"], "closed");
    let r = go(&o.city, "published").await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.message(), "公布结果请通过“公示结果”进行");

    // A contest whose submission window is over cannot open.
    let mut late = body();
    late["submit_from"] = json!("2026-06-01");
    late["submit_to"] = json!("2026-06-15");
    let late = create(&o, &o.city, late).await.json()["id"]
        .as_i64()
        .unwrap();
    let r =
        o.t.post(
            &format!("/api/v1/contests/{late}/status"),
            Some(&o.city),
            json!({"status": "open"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(
        r.message(),
        "征集截止日期已过，不能开始征集；请先修改征集时间"
    );
}

async fn edits_need_the_version_and_stay_in_the_area(backend: Backend) {
    let o = org(backend).await;
    let id = create(&o, &o.city, body()).await.json()["id"]
        .as_i64()
        .unwrap();
    let path = format!("/api/v1/contests/{id}");
    let r =
        o.t.call(
            Method::PATCH,
            &path,
            Some(&o.city),
            Some(json!({"aggregation": "median"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::PRECONDITION_REQUIRED);
    let r =
        o.t.patch(&o.other, &path, Some(1), json!({"aggregation": "median"}))
            .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.message(), "只能修改本辖区举办的比赛");
    let r =
        o.t.patch(
            &o.city,
            &path,
            Some(1),
            json!({"aggregation": "median", "public_vote": {"weight": 30}}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let c = r.json();
    assert_eq!(c["aggregation"], "median");
    assert_eq!(c["version"], 2);
    assert_eq!(c["public_vote"]["weight"], 30);
    assert_eq!(
        c["public_vote"]["from"], "2026-07-16",
        "the vote runs with the judging by default"
    );
    assert_eq!(c["public_vote"]["per_day"], 10);
    assert_eq!(
        c["criteria"].as_array().unwrap().len(),
        4,
        "what the edit leaves out stays"
    );
    let r =
        o.t.patch(&o.city, &path, Some(1), json!({"theme": "迟到的修改"}))
            .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.message(), "比赛已被他人修改，请刷新后重试");
    let r =
        o.t.patch(
            &o.city,
            &path,
            Some(2),
            json!({"criteria": [{"key": "scientific", "name": "科学性", "weight": 90}]}),
        )
        .await;
    assert_eq!(r.field("criteria"), "评分标准的权重合计须为100（现为90）");
    let r =
        o.t.patch(&o.city, &path, Some(2), json!({"region_code": "410100"}))
            .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "not moved out of the area");
    assert_eq!(
        o.t.get_as(&o.city, &path).await.json()["version"],
        2,
        "nothing refused was written"
    );
}
