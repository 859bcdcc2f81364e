//! After the activity: statistics, nominations, reminders, quotas, summaries, exports and
//! import, through the API, on both backends.

use std::io::Cursor;

use axum::http::{Method, StatusCode};
use calamine::{Reader, Xlsx};
use domain::role::Role;
use serde_json::{Value, json};
use store::testing::Backend;

use crate::activities::{World, act, world};
use crate::public::publish;
use crate::supplements::{full, put};
use crate::support::{TestResponse, sheet};

store::on_both_backends!(
    statistics_follow_every_write_and_stay_in_scope,
    a_nomination_climbs_the_levels,
    a_stopped_nomination_stays_stopped_and_a_level_may_start,
    nomination_limits_come_from_the_campaign,
    excellent_units_are_recommended_the_same_way,
    reminders_are_sent_once_across_instances,
    media_links_are_checked_once_in_the_background,
    a_link_into_the_servers_own_network_is_never_fetched,
    quotas_count_approved_activities_in_their_scope,
    summaries_are_tracked_by_the_level_above,
    summary_attachments_are_uploaded_checked_and_kept_in_scope,
    the_supplement_page_follows_the_campaign_and_keeps_what_was_typed,
    exports_hold_exactly_the_scope,
    import_creates_drafts_or_reports_every_bad_row,
);

async fn stats(w: &World, token: &str, query: &str) -> Value {
    let r = w.t.get_as(token, &format!("/api/v1/stats{query}")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.json()
}

fn region_count(s: &Value, code: &str) -> i64 {
    s["by_region"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == code)
        .map(|r| r["count"].as_i64().unwrap())
        .unwrap_or_else(|| panic!("{code} not in {}", s["by_region"]))
}

/// An approved activity with a complete supplement (120 participants), eligible.
async fn eligible(w: &World, name: &str) -> i64 {
    let id = publish(w, json!({"name": name})).await;
    let body = full(w, &w.host, id, 120).await;
    let r = put(w, &w.host, id, body).await;
    assert_eq!(r.json()["complete"], true, "{}", r.text);
    id
}

async fn nominate(w: &World, token: &str, id: i64, body: Value) -> TestResponse {
    w.t.post(
        &format!("/api/v1/activities/{id}/nominations"),
        Some(token),
        body,
    )
    .await
}

async fn county(w: &World) -> String {
    w.t.user(
        "13900000005",
        "湖滨区管理员",
        Role::CountyAdmin,
        Some("411202"),
    )
    .await
}

async fn statistics_follow_every_write_and_stay_in_scope(backend: Backend) {
    let w = world(backend).await;
    w.t.post("/api/v1/activities", Some(&w.host), json!({"name": "草稿"}))
        .await;
    let id = publish(&w, json!({})).await;

    let nation = stats(&w, &w.national, "").await;
    assert_eq!(nation["by_status"]["approved"], 1, "{nation}");
    assert_eq!(nation["by_status"]["draft"], 1);
    assert_eq!(nation["by_section"]["exhibition"], 1);
    assert_eq!(nation["by_audience"]["青少年"], 1);
    assert_eq!(nation["by_venue_type"]["科技馆"], 1);
    assert_eq!(nation["by_mode"]["offline"], 1);
    assert_eq!(nation["participants"]["expected"], 120);
    assert_eq!(nation["funding_yuan"], 3501);
    assert_eq!(nation["scientists"], 3);
    assert_eq!(region_count(&nation, "410000"), 1);
    assert_eq!(region_count(&nation, "610000"), 0);

    // Drill down: province → city → county.
    let henan = stats(&w, &w.henan, "").await;
    assert_eq!(henan["region"]["code"], "410000");
    assert_eq!(region_count(&henan, "411200"), 1);
    let city = stats(&w, &w.henan, "?region=411200").await;
    assert_eq!(region_count(&city, "411202"), 1);
    assert_eq!(region_count(&city, "411203"), 0);

    let body = full(&w, &w.host, id, 150).await;
    put(&w, &w.host, id, body).await;
    let nation = stats(&w, &w.national, "?topic=观星").await;
    assert_eq!(nation["participants"]["real"], 150);
    assert_eq!(nation["topic"]["count"], 1);
    assert_eq!(
        stats(&w, &w.national, "?topic=食品安全").await["topic"]["count"],
        0
    );

    // A withdrawal takes it out of every count but the state's.
    act(&w, &w.host, id, "withdraw", json!({})).await;
    let nation = stats(&w, &w.national, "").await;
    assert_eq!(nation["by_status"]["draft"], 2, "{nation}");
    assert_eq!(nation["by_status"].get("approved"), None);
    assert_eq!(nation["by_section"], json!({}));
    assert_eq!(nation["participants"]["real"], 0);
    assert_eq!(region_count(&nation, "410000"), 0);

    // Every table exports to a spreadsheet.
    let book =
        w.t.get_as(&w.henan, "/api/v1/stats.xlsx?region=411200")
            .await;
    assert_eq!(book.status, StatusCode::OK, "{}", book.text);
    let mut reader: Xlsx<_> =
        calamine::open_workbook_from_rs(Cursor::new(book.bytes.clone())).unwrap();
    assert_eq!(
        reader.sheet_names(),
        [
            "总计",
            "按地区",
            "按状态",
            "按板块",
            "按对象",
            "按场所",
            "按形式",
            "任务指标"
        ]
    );
    let by_region = reader.worksheet_range("按地区").unwrap();
    let hubin: Vec<String> = by_region
        .rows()
        .find(|r| r[0] == "湖滨区")
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(hubin, ["湖滨区", "0", "0"], "withdrawn: nothing approved");
    let outside =
        w.t.get_as(&w.shaanxi, "/api/v1/stats.xlsx?region=411200")
            .await;
    assert_eq!(outside.status, StatusCode::FORBIDDEN);

    // The rollups kept by each write equal a recount from scratch.
    let kept = stats(&w, &w.national, "").await;
    app::stats::rebuild(&w.t.app.db).await.unwrap();
    assert_eq!(stats(&w, &w.national, "").await, kept);
    // A database upgraded from before the rollups is counted when a server starts on it.
    use store::sea_orm::EntityTrait;
    store::entities::stat_count::Entity::delete_many()
        .exec(&w.t.app.db)
        .await
        .unwrap();
    let upgraded = w.t.restart().await;
    let recounted = upgraded.get_as(&w.national, "/api/v1/stats").await.json();
    assert_eq!(recounted, kept);

    let outside = w.t.get_as(&w.shaanxi, "/api/v1/stats?region=410000").await;
    assert_eq!(outside.status, StatusCode::FORBIDDEN);
    assert_eq!(outside.message(), "无权查看该地区的数据");
    let host = w.t.get_as(&w.host, "/api/v1/stats").await;
    assert_eq!(host.status, StatusCode::FORBIDDEN);
    assert_eq!(host.message(), "只有管理员可以查看统计");
    let bad = w.t.get_as(&w.national, "/api/v1/stats?region=12").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}

async fn a_nomination_climbs_the_levels(backend: Backend) {
    let w = world(backend).await;
    let county = county(&w).await;
    let id = publish(&w, json!({})).await;

    let early = nominate(&w, &w.host, id, json!({"opinion": "同意推荐"})).await;
    assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        early
            .field("eligibility")
            .contains("活动补充信息尚未填报完整"),
        "{}",
        early.text
    );
    let body = full(&w, &w.host, id, 120).await;
    put(&w, &w.host, id, body).await;

    let empty = nominate(&w, &w.host, id, json!({"opinion": " "})).await;
    assert_eq!(empty.field("opinion"), "请填写推荐意见");
    let stop = nominate(
        &w,
        &w.host,
        id,
        json!({"opinion": "不推", "decision": "stop"}),
    )
    .await;
    assert_eq!(stop.field("decision"), "举办单位只能推荐，不能终止");

    let unit = nominate(&w, &w.host, id, json!({"opinion": "本单位推荐"})).await;
    assert_eq!(unit.status, StatusCode::CREATED, "{}", unit.text);
    assert_eq!(unit.json()["level"], "unit");
    assert_eq!(unit.json()["status"], "open");
    let again = nominate(&w, &w.host, id, json!({"opinion": "再推"})).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(
        again.message(),
        "该推荐已由举办单位提出意见，须由更高一级继续"
    );
    let outside = nominate(&w, &w.shaanxi, id, json!({"opinion": "越权"})).await;
    assert_eq!(outside.status, StatusCode::FORBIDDEN);
    assert_eq!(outside.message(), "只有举办单位或所在地区的科协可以推荐");

    for (token, level) in [
        (&county, "county"),
        (&w.city, "city"),
        (&w.henan, "province"),
    ] {
        let r = nominate(&w, token, id, json!({"opinion": "同意推荐"})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        assert_eq!(r.json()["level"], level);
    }
    let last = nominate(&w, &w.national, id, json!({"opinion": "列入名单"})).await;
    let n = last.json();
    assert_eq!(n["status"], "final");
    assert_eq!(n["final"], true);
    let levels: Vec<&str> = n["opinions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["level"].as_str().unwrap())
        .collect();
    assert_eq!(levels, ["unit", "county", "city", "province", "national"]);
    let done = nominate(&w, &w.national, id, json!({"opinion": "再次"})).await;
    assert_eq!(done.message(), "该推荐已列入全国最终名单");

    // The recommendation form, read back by a spreadsheet reader.
    let nid = n["id"].as_i64().unwrap();
    let form =
        w.t.get_as(&w.henan, &format!("/api/v1/nominations/{nid}/form.xlsx"))
            .await;
    assert_eq!(form.status, StatusCode::OK);
    let rows = sheet(&form.bytes);
    assert_eq!(rows[0], ["活动名称", "走进天文馆：秋夜观星", ""]);
    assert_eq!(rows[1], ["单位名称", "三门峡市科技馆", ""]);
    // The activity's time, place and real participants stand in the form (issue 18,
    // finding 10), and each opinion's date in a column of its own.
    assert_eq!(
        rows[2],
        ["活动时间", "2026-09-15 19:00 至 2026-09-15 21:30", ""]
    );
    assert_eq!(rows[3], ["活动地点", "三门峡市湖滨区科技馆三楼", ""]);
    assert_eq!(rows[4][0], "实际参与人数");
    assert!(rows[4][1].parse::<i64>().is_ok(), "{:?}", rows[4]);
    assert_eq!(rows[6], ["联系电话", "0398-2812345", ""]);
    assert_eq!(rows[9][0], "县级意见");
    assert!(rows[9][1].starts_with("同意推荐（推荐）"), "{:?}", rows[9]);
    assert_eq!(rows[9][2], "2026-07-01");
    let hidden =
        w.t.get_as(&w.shaanxi, &format!("/api/v1/nominations/{nid}/form.xlsx"))
            .await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);

    // Lists hold only the area's nominations.
    let henan =
        w.t.get_as(&w.henan, "/api/v1/nominations?status=final")
            .await
            .json();
    assert_eq!(henan["total"], 1);
    // A list shows the contact's phone masked; the form itself (above) holds it whole.
    assert_eq!(henan["items"][0]["form"]["contact_phone"], "039****2345");
    let shaanxi = w.t.get_as(&w.shaanxi, "/api/v1/nominations").await.json();
    assert_eq!(shaanxi["total"], 0);
    let host = w.t.get_as(&w.host, "/api/v1/nominations").await;
    assert_eq!(host.status, StatusCode::FORBIDDEN);
}

async fn a_stopped_nomination_stays_stopped_and_a_level_may_start(backend: Backend) {
    let w = world(backend).await;
    let county = county(&w).await;
    let stopped = eligible(&w, "被终止的活动").await;
    nominate(&w, &w.host, stopped, json!({"opinion": "推荐"})).await;
    let r = nominate(
        &w,
        &county,
        stopped,
        json!({"opinion": "材料不足", "decision": "stop"}),
    )
    .await;
    assert_eq!(r.json()["status"], "stopped", "{}", r.text);
    let later = nominate(&w, &w.henan, stopped, json!({"opinion": "推荐"})).await;
    assert_eq!(later.status, StatusCode::CONFLICT);
    assert_eq!(later.message(), "该推荐已被县级终止，不能继续推荐");

    // A province starts the chain where nobody below did.
    let direct = eligible(&w, "省级直推的活动").await;
    let r = nominate(&w, &w.henan, direct, json!({"opinion": "省级推荐"})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.json()["level"], "province");
    let below = nominate(&w, &county, direct, json!({"opinion": "补推"})).await;
    assert_eq!(below.message(), "该推荐已由省级提出意见，须由更高一级继续");
    let bad = nominate(
        &w,
        &w.national,
        direct,
        json!({"opinion": "好", "decision": "maybe"}),
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.field("decision").contains("pass"));
}

async fn nomination_limits_come_from_the_campaign(backend: Backend) {
    let w = world(backend).await;
    let made = w
        .t
        .post(
            "/api/v1/campaigns",
            Some(&w.national),
            json!({"year": 2026, "theme": "限额测试", "sections": [{"key": "exhibition", "name": "千馆展览探未来"}],
                   "activity_from": "2026-08-01", "activity_to": "2026-10-31",
                   "nomination_limits": {"county": 1}, "current": true}),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    let county = county(&w).await;
    let first = eligible(&w, "第一个活动").await;
    let second = eligible(&w, "第二个活动").await;
    let ok = nominate(&w, &county, first, json!({"opinion": "推荐"})).await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.text);
    let over = nominate(&w, &county, second, json!({"opinion": "推荐"})).await;
    assert_eq!(over.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        over.field("decision"),
        "县级推荐名额已用完（本活动季限1项）"
    );
    // Stopping is always possible.
    let stop = nominate(
        &w,
        &county,
        second,
        json!({"opinion": "名额已满", "decision": "stop"}),
    )
    .await;
    assert_eq!(stop.status, StatusCode::CREATED, "{}", stop.text);
}

async fn excellent_units_are_recommended_the_same_way(backend: Backend) {
    let w = world(backend).await;
    let path = format!("/api/v1/orgs/{}/nominations", w.org);
    let early =
        w.t.post(&path, Some(&w.host), json!({"opinion": "本单位组织得力"}))
            .await;
    assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        early.field("eligibility"),
        "不符合推优条件：单位尚未通过认证"
    );
    let certified =
        w.t.post(
            &format!("/api/v1/orgs/{}/certification", w.org),
            Some(&w.henan),
            json!({"decision": "approve"}),
        )
        .await;
    assert_eq!(certified.status, StatusCode::OK, "{}", certified.text);
    let unit =
        w.t.post(&path, Some(&w.host), json!({"opinion": "本单位组织得力"}))
            .await;
    assert_eq!(unit.status, StatusCode::CREATED, "{}", unit.text);
    assert_eq!(unit.json()["target_kind"], "org");
    let city =
        w.t.post(&path, Some(&w.city), json!({"opinion": "同意"}))
            .await;
    assert_eq!(city.json()["level"], "city", "{}", city.text);
    let stranger =
        w.t.post(&path, Some(&w.shaanxi), json!({"opinion": "同意"}))
            .await;
    assert_eq!(stranger.status, StatusCode::FORBIDDEN);
}

fn texts_with(t: &crate::support::TestApp, words: &str) -> usize {
    t.outbox().iter().filter(|l| l.contains(words)).count()
}

async fn reminders(w: &World, token: &str) -> usize {
    w.t.get_as(token, "/api/v1/notifications").await.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["kind"] == "supplement.reminder")
        .count()
}

async fn reminders_are_sent_once_across_instances(backend: Backend) {
    let w = world(backend).await;
    // Ends 2026-09-15: supplement due 2026-09-25; reminders on 9-18, 9-22 and 9-24.
    let marked = publish(&w, json!({})).await;
    let plain = publish(&w, json!({"name": "未标记的活动"})).await;
    let r =
        w.t.call(
            Method::PUT,
            &format!("/api/v1/activities/{marked}/excellence-intent"),
            Some(&w.host),
            Some(json!({"intended": true})),
        )
        .await;
    assert_eq!(r.json()["excellence_intent"], true, "{}", r.text);
    assert_eq!(
        w.t.app.run_due_jobs().await.unwrap(),
        0,
        "nothing is due in July"
    );

    // The review deadlines' jobs of both come due in July, moot (both were decided).
    w.t.clock.advance(chrono::Duration::days(30));
    w.t.app.run_due_jobs().await.unwrap();
    assert_eq!(reminders(&w, &w.henan).await, 0);
    // 2026-09-18 10:00 in China: the 7-day reminders are due. Two instances race for them.
    w.t.clock.advance(chrono::Duration::days(49));
    let other = w.t.restart().await;
    let (a, b) = tokio::join!(w.t.app.run_due_jobs(), other.app.run_due_jobs());
    assert_eq!(a.unwrap() + b.unwrap(), 3, "two in-app, one text");
    assert_eq!(texts_with(&w.t, "还有7天截止"), 1, "{:?}", w.t.outbox());
    assert_eq!(texts_with(&w.t, "未标记的活动"), 0);
    let host = w.t.log_in("13800138000").await;
    assert_eq!(reminders(&w, &host).await, 2);

    // After a restart nothing is sent again.
    let restarted = w.t.restart().await;
    assert_eq!(restarted.app.run_due_jobs().await.unwrap(), 0);

    // 9-24: the 3-day reminders were missed while down; only the 1-day ones go out.
    w.t.clock.advance(chrono::Duration::days(6));
    restarted.app.run_due_jobs().await.unwrap();
    assert_eq!(texts_with(&w.t, "还有3天截止"), 0);
    assert_eq!(texts_with(&w.t, "还有1天截止"), 1);
    let host = w.t.log_in("13800138000").await;
    assert_eq!(reminders(&w, &host).await, 4);

    // A complete supplement stops reminders; so does the deadline.
    let body = full(&w, &host, plain, 80).await;
    put(&w, &host, plain, body).await;
    w.t.clock.advance(chrono::Duration::days(3));
    restarted.app.run_due_jobs().await.unwrap();
    assert_eq!(reminders(&w, &host).await, 4);
}

async fn media_links_are_checked_once_in_the_background(backend: Backend) {
    let w = world(backend).await;
    // The news site of this test is on this machine: an intranet deployment's setting.
    let intranet =
        w.t.restart_with(|c| c.link_checks_reach_private_addresses = true)
            .await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let site = axum::Router::new().route("/news", axum::routing::get(|| async { "报道" }));
    tokio::spawn(async move { axum::serve(listener, site).await });
    let id = publish(&w, json!({})).await;
    let good = format!("http://127.0.0.1:{port}/news");
    let missing = format!("http://127.0.0.1:{port}/gone");
    let r = put(&w, &w.host, id, json!({"media_links": [good, missing]})).await;
    assert_eq!(
        r.json()["link_checks"][0]["reachable"],
        Value::Null,
        "{}",
        r.text
    );
    assert_eq!(intranet.app.run_due_jobs().await.unwrap(), 2);
    let s =
        w.t.get_as(&w.host, &format!("/api/v1/activities/{id}/supplement"))
            .await
            .json();
    let checks = s["link_checks"].as_array().unwrap();
    let of = |url: &str| checks.iter().find(|c| c["url"] == url).unwrap().clone();
    assert_eq!(of(&good)["reachable"], true);
    assert_eq!(of(&missing)["reachable"], false);
    assert_eq!(of(&missing)["detail"], "404");
    put(&w, &w.host, id, json!({"media_links": [good]})).await;
    assert_eq!(
        intranet.app.run_due_jobs().await.unwrap(),
        0,
        "each link is checked once"
    );
}

/// THREAT-MODEL.md O3: a host's media link is fetched by the server, which then shows
/// whether it answered. Pointed at the server's own network (a loopback port, a name that
/// resolves there), it would let any host probe that network; it is refused unfetched.
async fn a_link_into_the_servers_own_network_is_never_fetched(backend: Backend) {
    let w = world(backend).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let hits = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counted = hits.clone();
    let site = axum::Router::new().fallback(move || {
        counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        async { "内部管理页面" }
    });
    tokio::spawn(async move { axum::serve(listener, site).await });
    let id = publish(&w, json!({})).await;
    let links = [
        format!("http://127.0.0.1:{port}/admin"),
        format!("http://localhost:{port}/admin"),
        format!("http://[::ffff:127.0.0.1]:{port}/admin"),
        "http://169.254.169.254/latest/meta-data/".to_owned(),
    ];
    let r = put(&w, &w.host, id, json!({"media_links": links})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(w.t.app.run_due_jobs().await.unwrap(), 4);
    let s =
        w.t.get_as(&w.host, &format!("/api/v1/activities/{id}/supplement"))
            .await
            .json();
    for check in s["link_checks"].as_array().unwrap() {
        assert_eq!(check["reachable"], false, "{check}");
        assert_eq!(check["detail"], "链接指向内部网络地址，不予访问", "{check}");
    }
    assert_eq!(
        hits.load(std::sync::atomic::Ordering::SeqCst),
        0,
        "nothing was fetched"
    );
}

async fn quotas_count_approved_activities_in_their_scope(backend: Backend) {
    let w = world(backend).await;
    let set = |token: String, body: Value| {
        let t = &w.t;
        async move {
            t.call(Method::PUT, "/api/v1/quotas", Some(&token), Some(body))
                .await
        }
    };
    let city = set(
        w.henan.clone(),
        json!({"target_kind": "region", "target_ref": "411200", "target": 2}),
    )
    .await;
    assert_eq!(city.status, StatusCode::OK, "{}", city.text);
    assert_eq!(city.json()["count"], 0);
    publish(&w, json!({})).await;
    let lecture = set(
        w.henan.clone(),
        json!({"target_kind": "region", "target_ref": "411200", "section": "lecture", "target": 1}),
    )
    .await;
    assert_eq!(lecture.json()["count"], 0);
    let org = set(
        w.city.clone(),
        json!({"target_kind": "org", "target_ref": w.org, "target": 1, "include_system": true}),
    )
    .await;
    assert_eq!(org.json()["count"], 1, "{}", org.text);
    assert_eq!(org.json()["met"], true);

    let s = stats(&w, &w.henan, "").await;
    let quotas = s["quotas"].as_array().unwrap();
    assert_eq!(quotas.len(), 3, "{s}");
    let region = quotas
        .iter()
        .find(|q| q["target_ref"] == "411200" && q["section"].is_null())
        .unwrap();
    assert_eq!(region["count"], 1);
    assert_eq!(region["percent"], 50);
    assert_eq!(region["name"], "三门峡市");

    let outside = set(
        w.shaanxi.clone(),
        json!({"target_kind": "region", "target_ref": "411200", "target": 5}),
    )
    .await;
    assert_eq!(outside.status, StatusCode::FORBIDDEN);
    assert_eq!(
        outside.message(),
        "只能为本辖区内的下级地区或单位设置任务指标"
    );
    // Nor for one's own division: its target comes from the level above.
    let own = set(
        w.city.clone(),
        json!({"target_kind": "region", "target_ref": "411200", "target": 99}),
    )
    .await;
    assert_eq!(own.status, StatusCode::FORBIDDEN);
    assert_eq!(own.message(), "只能为本辖区内的下级地区或单位设置任务指标");
    let kept = stats(&w, &w.henan, "").await;
    assert!(
        kept["quotas"]
            .as_array()
            .unwrap()
            .iter()
            .all(|q| q["target"] != 99),
        "the refused target changed nothing: {kept}"
    );
    let zero = set(
        w.henan.clone(),
        json!({"target_kind": "region", "target_ref": "411200", "target": 0}),
    )
    .await;
    assert_eq!(zero.field("target"), "指标须为1至1000000之间的整数");
    let section = set(
        w.henan.clone(),
        json!({"target_kind": "region", "target_ref": "411200", "section": "cooking", "target": 3}),
    )
    .await;
    assert_eq!(section.field("section"), "所选板块不存在");
    let host = set(
        w.host.clone(),
        json!({"target_kind": "region", "target_ref": "411202", "target": 3}),
    )
    .await;
    assert_eq!(host.status, StatusCode::FORBIDDEN);

    let id = region["id"].as_i64().unwrap();
    let gone =
        w.t.call(
            Method::DELETE,
            &format!("/api/v1/quotas/{id}"),
            Some(&w.shaanxi),
            None,
        )
        .await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    let deleted =
        w.t.call(
            Method::DELETE,
            &format!("/api/v1/quotas/{id}"),
            Some(&w.henan),
            None,
        )
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    assert_eq!(
        stats(&w, &w.henan, "").await["quotas"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

async fn summaries_are_tracked_by_the_level_above(backend: Backend) {
    let w = world(backend).await;
    let luoyang =
        w.t.user(
            "13900000006",
            "洛阳市管理员",
            Role::CityAdmin,
            Some("410300"),
        )
        .await;
    let path = "/api/v1/summaries/city/411200";
    let put_summary = |token: String, body: Value| {
        let t = &w.t;
        async move { t.call(Method::PUT, path, Some(&token), Some(body)).await }
    };
    let early = put_summary(
        w.city.clone(),
        json!({"key_activities": "举办活动30场", "submit": true}),
    )
    .await;
    assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        early.field("mobilisation"),
        "提交前请填写“动员企业、园区、高校、学会情况”"
    );
    let draft = put_summary(w.city.clone(), json!({"key_activities": "举办活动30场"})).await;
    assert_eq!(draft.json()["status"], "draft", "{}", draft.text);
    let link = put_summary(w.city.clone(), json!({"attachments": ["ftp://x"]})).await;
    assert!(link.field("attachments").contains("http"));
    let full = json!({"key_activities": "举办活动30场", "mobilisation": "动员高校5所", "service": "服务科技工作者200人",
                      "publicity": "打卡点12个", "attachments": ["https://pan.example.cn/slides"], "submit": true});
    let done = put_summary(w.city.clone(), full.clone()).await;
    assert_eq!(done.json()["status"], "submitted", "{}", done.text);
    assert_eq!(
        done.json()["deadline"],
        "2026-09-30",
        "the campaign's city deadline"
    );
    let other = put_summary(w.henan.clone(), full.clone()).await;
    assert_eq!(other.status, StatusCode::FORBIDDEN);
    assert_eq!(
        other.message(),
        "只有本级科协管理员可以填报本地区的工作总结"
    );

    let list =
        w.t.get_as(&w.henan, "/api/v1/summaries?region=410000")
            .await
            .json();
    let status = |code: &str| {
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["scope_ref"] == code)
            .unwrap()["status"]
            .clone()
    };
    assert_eq!(status("411200"), "submitted");
    assert_eq!(status("410300"), "missing");
    assert_eq!(status("410000"), "missing");
    assert_eq!(
        w.t.get_as(&w.shaanxi, "/api/v1/summaries?region=410000")
            .await
            .status,
        StatusCode::FORBIDDEN
    );

    let reminded =
        w.t.post(
            "/api/v1/summaries/reminders",
            Some(&w.henan),
            json!({"region": "410000"}),
        )
        .await;
    assert_eq!(reminded.json()["reminded"], 1, "{}", reminded.text);
    let note = w.t.get_as(&luoyang, "/api/v1/notifications").await.json();
    assert!(
        note["items"][0]["text"]
            .as_str()
            .unwrap()
            .contains("洛阳市的科普日工作总结"),
        "{note}"
    );

    // A county sees its units; a unit's member writes the unit's summary.
    let county = county(&w).await;
    let units =
        w.t.get_as(&county, "/api/v1/summaries?region=411202")
            .await
            .json();
    let unit = units["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["scope_kind"] == "unit")
        .unwrap()
        .clone();
    assert_eq!(unit["name"], "三门峡市科技馆");
    assert_eq!(unit["status"], "missing");
    let reminded =
        w.t.post(
            "/api/v1/summaries/reminders",
            Some(&county),
            json!({"region": "411202"}),
        )
        .await;
    assert_eq!(
        reminded.json()["reminded"],
        1,
        "the unit's member: {}",
        reminded.text
    );
    let org_path = format!("/api/v1/summaries/unit/{}", w.org);
    let unit_done =
        w.t.call(Method::PUT, &org_path, Some(&w.host), Some(full.clone()))
            .await;
    assert_eq!(
        unit_done.json()["status"],
        "submitted",
        "{}",
        unit_done.text
    );
    let stranger = w.t.log_in("13800138077").await;
    let refused =
        w.t.call(Method::PUT, &org_path, Some(&stranger), Some(full.clone()))
            .await;
    assert_eq!(
        refused.message(),
        "只有本单位的成员可以填报本单位的工作总结"
    );

    // Read now, so that the figures are kept: the next summary must still be counted.
    let before = stats(&w, &w.henan, "").await;
    assert_eq!(before["summaries"]["submitted"], 2, "{before}");
    // Past the deadline, a submission counts as late.
    w.t.clock.advance(chrono::Duration::days(120));
    let luoyang = w.t.log_in("13900000006").await;
    let late =
        w.t.call(
            Method::PUT,
            "/api/v1/summaries/city/410300",
            Some(&luoyang),
            Some(full),
        )
        .await;
    assert_eq!(late.json()["status"], "late", "{}", late.text);
    let s = stats(&w, &w.t.log_in("13900000002").await, "").await;
    assert_eq!(s["summaries"]["submitted"], 3);
}

async fn exports_hold_exactly_the_scope(backend: Backend) {
    let w = world(backend).await;
    publish(&w, json!({"name": "三门峡活动一"})).await;
    publish(
        &w,
        json!({"name": "三门峡活动二", "region_code": "411203", "sessions": []}),
    )
    .await;
    publish(
        &w,
        json!({"name": "西安活动", "region_code": "610102", "sessions": []}),
    )
    .await;
    w.t.post(
        "/api/v1/activities",
        Some(&w.host),
        json!({"name": "草稿不导出"}),
    )
    .await;

    let henan =
        w.t.get_as(&w.henan, "/api/v1/exports/activities.xlsx")
            .await;
    assert_eq!(henan.status, StatusCode::OK, "{}", henan.text);
    assert!(
        henan
            .header("content-disposition")
            .contains("filename*=UTF-8''")
    );
    let rows = sheet(&henan.bytes);
    assert_eq!(
        rows[0],
        [
            "序号",
            "项目名称",
            "举办单位",
            "活动时间",
            "活动地点",
            "负责人",
            "联系电话",
            "备注"
        ]
    );
    let names: Vec<&str> = rows[1..].iter().map(|r| r[1].as_str()).collect();
    assert_eq!(names, ["三门峡活动一", "三门峡活动二"]);
    assert_eq!(rows[1][0], "1");
    assert_eq!(rows[1][2], "三门峡市科技馆");
    assert_eq!(rows[1][3], "2026-09-15 19:00 至 2026-09-15 21:30");
    assert_eq!(rows[1][5], "王老师");
    assert_eq!(rows[1][7], "已通过");

    let county =
        w.t.get_as(&w.henan, "/api/v1/exports/activities.xlsx?region=411203")
            .await;
    assert_eq!(sheet(&county.bytes).len(), 2);
    let all =
        w.t.get_as(&w.national, "/api/v1/exports/activities.xlsx")
            .await;
    assert_eq!(sheet(&all.bytes).len(), 4);
    let drafts =
        w.t.get_as(&w.national, "/api/v1/exports/activities.xlsx?status=draft")
            .await;
    assert_eq!(sheet(&drafts.bytes).len(), 2, "drafts only when asked for");
    let outside =
        w.t.get_as(&w.shaanxi, "/api/v1/exports/activities.xlsx?region=410000")
            .await;
    assert_eq!(outside.status, StatusCode::FORBIDDEN);
    assert_eq!(outside.message(), "无权查看该地区的数据");
    let host = w.t.get_as(&w.host, "/api/v1/exports/activities.xlsx").await;
    assert_eq!(host.status, StatusCode::FORBIDDEN);
}

pub(crate) fn table(rows: &[[&str; 8]]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let head = [
        "序号",
        "项目名称",
        "举办单位",
        "活动时间",
        "活动地点",
        "负责人",
        "联系电话",
        "备注",
    ];
    for (c, h) in (0_u16..).zip(head) {
        sheet.write_string(0, c, h).unwrap();
    }
    for (r, row) in (1_u32..).zip(rows) {
        for (c, v) in (0_u16..).zip(row) {
            sheet.write_string(r, c, *v).unwrap();
        }
    }
    book.save_to_buffer().unwrap()
}

async fn import_creates_drafts_or_reports_every_bad_row(backend: Backend) {
    let w = world(backend).await;
    let url = "/api/v1/imports/activities.xlsx";
    let good = [
        "1",
        "社区科普讲座",
        "三门峡市科技馆",
        "2026-09-20 09:00 至 2026-09-20 11:00",
        "湖滨区文化中心",
        "张老师",
        "13800138011",
        "",
    ];
    let bad_time = ["2", "科普展览", "", "九月二十日", "", "", "", ""];
    let unknown_host = ["3", "科普游园", "不存在的单位", "", "", "", "", ""];
    let r =
        w.t.post_bytes(&w.host, url, table(&[good, bad_time, unknown_host]))
            .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(r.message(), "2行有错误，未导入任何活动；请修改后重新上传");
    assert!(
        r.field("row 3").starts_with("第3行：活动时间："),
        "{}",
        r.text
    );
    assert!(
        r.field("row 4").contains("单位库中没有“不存在的单位”"),
        "{}",
        r.text
    );
    let mine = w.t.get_as(&w.host, "/api/v1/my/activities").await.json();
    assert_eq!(mine["total"], 0, "nothing is created when a row is wrong");

    let ok =
        w.t.post_bytes(
            &w.host,
            url,
            table(&[good, ["2", "科普展览", "", "", "", "", "", ""]]),
        )
        .await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.text);
    assert_eq!(ok.json()["created"], 2);
    let id = ok.json()["ids"][0].as_i64().unwrap();
    let made =
        w.t.get_as(&w.host, &format!("/api/v1/activities/{id}"))
            .await
            .json();
    assert_eq!(made["status"], "draft");
    assert_eq!(made["contact_phone"], "13800138011");
    assert_eq!(made["hosts"], json!([w.org]));
    assert_eq!(made["start"], "2026-09-20T09:00:00+08:00");

    let junk =
        w.t.post_bytes(&w.host, url, b"not a spreadsheet".to_vec())
            .await;
    assert_eq!(junk.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(
        junk.message(),
        "无法读取该文件：请上传 .xlsx 格式的活动项目汇总表"
    );
    let mut wrong = rust_xlsxwriter::Workbook::new();
    wrong.add_worksheet().write_string(0, 0, "名称").unwrap();
    let headless =
        w.t.post_bytes(&w.host, url, wrong.save_to_buffer().unwrap())
            .await;
    assert_eq!(headless.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        headless.field("file").contains("第1列应为“序号”"),
        "{}",
        headless.text
    );
    let huge =
        w.t.post_bytes(&w.host, url, vec![0; 11 * 1024 * 1024])
            .await;
    assert_eq!(huge.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(huge.message(), "导入文件不能超过10MB");
}

fn pptx() -> Vec<u8> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file("[Content_Types].xml", stored).unwrap();
    zip.write_all(b"<Types/>").unwrap();
    zip.start_file("ppt/presentation.xml", stored).unwrap();
    zip.write_all(b"<p:presentation/>").unwrap();
    zip.finish().unwrap().into_inner()
}

async fn summary_attachments_are_uploaded_checked_and_kept_in_scope(backend: Backend) {
    let w = world(backend).await;
    let path = "/api/v1/summaries/city/411200/files";
    // Photos and videos say who agreed to be shown; slides are documents and need not.
    let send = |name: &'static str, bytes: Vec<u8>| {
        let (t, token) = (&w.t, w.city.clone());
        let shows_people = !name.ends_with(".pdf") && !name.ends_with(".pptx");
        async move {
            let consent: &[(&str, &str)] = if shows_people {
                &[("consent", "guardians")]
            } else {
                &[]
            };
            t.multipart(&token, path, consent, name, bytes).await
        }
    };
    let unanswered =
        w.t.multipart(
            &w.city,
            path,
            &[],
            "现场.png",
            crate::support::png(800, 600),
        )
        .await;
    assert_eq!(unanswered.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(unanswered.field("consent"), domain::consent::MISSING);
    let unknown =
        w.t.multipart(
            &w.city,
            path,
            &[("consent", "yes")],
            "现场.png",
            crate::support::png(8, 6),
        )
        .await;
    assert_eq!(
        unknown.field("consent"),
        "同意情况须为 nobody、adults 或 guardians，收到“yes”"
    );
    let photo = send("现场.png", crate::support::png(800, 600)).await;
    assert_eq!(photo.status, StatusCode::CREATED, "{}", photo.text);
    assert_eq!(photo.json()["kind"], "photo");
    assert_eq!(photo.json()["name"], "现场.png");
    assert_eq!(photo.json()["consent"], "guardians");
    // A right-to-left override would show "exe.png" as "gnp.exe" backwards: it is dropped.
    let disguised = send("\u{202E}gnp.exe\u{200B}.png", crate::support::png(800, 600)).await;
    assert_eq!(disguised.status, StatusCode::CREATED, "{}", disguised.text);
    assert_eq!(disguised.json()["name"], "gnp.exe.png");
    let id = disguised.json()["id"].as_i64().unwrap();
    let removed =
        w.t.call(
            Method::DELETE,
            &format!("/api/v1/summary-files/{id}"),
            Some(&w.city),
            None,
        )
        .await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT);
    let pdf = send(
        "总结.pdf",
        b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".to_vec(),
    )
    .await;
    assert_eq!(pdf.json()["kind"], "slides", "{}", pdf.text);
    assert_eq!(pdf.json()["consent"], serde_json::Value::Null);
    let slides = send("汇报.pptx", pptx()).await;
    assert_eq!(slides.json()["kind"], "slides", "{}", slides.text);
    let video = send("v.mp4", app::fixtures::mp4(60, 1280, 720, false, 1024)).await;
    assert_eq!(video.json()["kind"], "video", "{}", video.text);
    assert_eq!(video.json()["consent"], "guardians");

    let cut = send("半截.pdf", b"%PDF-1.4\n1 0 obj<<".to_vec()).await;
    assert_eq!(cut.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(cut.field("file"), "PDF 文件不完整，请重新导出后上传");
    let text = send("说明.txt", b"hello".to_vec()).await;
    assert_eq!(text.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(
        text.message(),
        "附件仅支持 jpg、png 图片，mp4 视频，pdf、pptx 演示文稿"
    );
    let other =
        w.t.multipart(&w.henan, path, &[], "p.png", crate::support::png(10, 10))
            .await;
    assert_eq!(other.status, StatusCode::FORBIDDEN);

    let summary =
        w.t.get_as(&w.city, "/api/v1/summaries/city/411200")
            .await
            .json();
    let files = summary["files"].as_array().unwrap();
    assert_eq!(files.len(), 4, "{summary}");
    assert_eq!(summary["status"], "draft");
    let url = pdf.json()["url"].as_str().unwrap().to_owned();
    let read = w.t.get_as(&w.henan, &url).await;
    assert_eq!(read.status, StatusCode::OK);
    assert!(read.bytes.starts_with(b"%PDF-"));
    assert_eq!(read.header("content-type"), "application/pdf");
    assert_eq!(
        w.t.get_as(&w.shaanxi, &url).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        w.t.get_as(&w.host, &url).await.status,
        StatusCode::NOT_FOUND
    );
    let not_writer = w.t.call(Method::DELETE, &url, Some(&w.henan), None).await;
    assert_eq!(not_writer.status, StatusCode::NOT_FOUND);
    let removed = w.t.call(Method::DELETE, &url, Some(&w.city), None).await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT);
    let summary =
        w.t.get_as(&w.city, "/api/v1/summaries/city/411200")
            .await
            .json();
    assert_eq!(summary["files"].as_array().unwrap().len(), 3);
}

async fn the_supplement_page_follows_the_campaign_and_keeps_what_was_typed(backend: Backend) {
    use crate::pages::{csrf_of, form, page, sign_in};
    let w = world(backend).await;
    let made = w
        .t
        .post(
            "/api/v1/campaigns",
            Some(&w.national),
            json!({"year": 2026, "theme": "提醒测试", "sections": [{"key": "exhibition", "name": "千馆展览探未来"}],
                   "activity_from": "2026-08-01", "activity_to": "2026-10-31",
                   "reminder_days": [2, 5], "current": true}),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    let id = publish(&w, json!({})).await;
    let cookie = sign_in(&w.t, "13800138000").await;
    let path = format!("/my/activities/{id}/supplement");
    let shown = page(&w.t, &path, &cookie).await;
    assert_eq!(shown.status, StatusCode::OK, "{}", shown.text);
    assert!(shown.text.contains("截止前5、2天会短信提醒"));
    for (_, label) in domain::supplement::SUMMARY_PARTS {
        assert!(shown.text.contains(label), "{label}");
    }
    let body = format!(
        "_csrf={}&participants=abc&basic={}",
        csrf_of(&shown),
        urlencoding::encode("到场120人")
    );
    let refused = form(&w.t, &path, &cookie, &body).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text.contains("实际参与人数须为不小于0的整数"));
    assert!(refused.text.contains("到场120人"), "what was typed is kept");
}
