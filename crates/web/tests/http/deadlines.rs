//! Review deadlines (issue 16): a review is due after the campaign's working days; its
//! reviewers are reminded the morning before, once across two instances; past its time a
//! province review is escalated to the national administrators, who may decide it or urge
//! the province; each province's decision times match a hand computation. On both backends.

use axum::http::StatusCode;
use chrono::{Duration, TimeZone, Utc};
use serde_json::{Value, json};
use store::testing::Backend;

use crate::activities::{World, act, complete, world};
use crate::public::attach_poster;

store::on_both_backends!(
    a_review_past_its_due_time_is_escalated_and_each_reminder_sent_once,
    decision_times_per_province_match_a_hand_computation,
);

/// A complete activity of the world's host, submitted: in province review.
pub(crate) async fn submitted(w: &World, changes: Value) -> i64 {
    let mut body = complete(w.org);
    if let (Some(b), Some(c)) = (body.as_object_mut(), changes.as_object()) {
        for (k, v) in c {
            b.insert(k.clone(), v.clone());
        }
    }
    let made = w.t.post("/api/v1/activities", Some(&w.host), body).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    let id = made.json()["id"].as_i64().unwrap();
    attach_poster(w, id).await;
    let s = act(w, &w.host, id, "submit", json!({})).await;
    assert_eq!(s.status, StatusCode::OK, "{}", s.text);
    id
}

async fn notes(w: &World, token: &str, kind: &str) -> Vec<Value> {
    let r = w.t.get_as(token, "/api/v1/notifications").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["kind"] == kind)
        .cloned()
        .collect()
}

/// Runs the due jobs on two instances at once.
async fn both_run(w: &World, other: &crate::support::TestApp) {
    let (a, b) = tokio::join!(w.t.app.run_due_jobs(), other.app.run_due_jobs());
    a.unwrap();
    b.unwrap();
}

fn china(m: u32, d: u32, h: u32) -> chrono::DateTime<Utc> {
    domain::campaign::BEIJING
        .with_ymd_and_hms(2026, m, d, h, 0, 0)
        .unwrap()
        .to_utc()
}

async fn a_review_past_its_due_time_is_escalated_and_each_reminder_sent_once(backend: Backend) {
    let w = world(backend).await;
    let other = w.t.restart().await;
    // Wednesday 2026-07-01 10:00 in China; the campaign gives a province 3 working days.
    w.t.clock.set(china(7, 1, 10) + Duration::minutes(5));
    let id = submitted(&w, json!({})).await;
    let seen =
        w.t.get_as(&w.henan, &format!("/api/v1/activities/{id}"))
            .await
            .json();
    // Thursday, Friday, Monday: due at the end of Monday 07-06.
    assert_eq!(seen["review_due_at"], "2026-07-06T16:00:00Z", "{seen}");
    assert_eq!(seen["overdue"], false);
    let own =
        w.t.get_as(&w.host, &format!("/api/v1/activities/{id}"))
            .await
            .json();
    assert!(
        own.get("review_due_at").is_none() && own.get("overdue").is_none(),
        "{own}"
    );

    // The day before the last day, 09:00: the province's reviewers are reminded, once.
    w.t.clock.set(china(7, 5, 8));
    both_run(&w, &other).await;
    assert!(
        notes(&w, &w.henan, "review.reminder").await.is_empty(),
        "not yet"
    );
    w.t.clock.set(china(7, 5, 9) + Duration::minutes(30));
    both_run(&w, &other).await;
    both_run(&w, &other).await;
    let reminded = notes(&w, &w.henan, "review.reminder").await;
    assert_eq!(reminded.len(), 1, "{reminded:?}");
    assert_eq!(
        reminded[0]["text"],
        "活动“走进天文馆：秋夜观星”的审核将于2026-07-06 24:00到期，请及时审核"
    );
    assert!(
        notes(&w, &w.shaanxi, "review.reminder").await.is_empty(),
        "another province's admin"
    );

    // Not yet overdue: the national administrators neither see it nor may decide it.
    let queue = w.t.get_as(&w.national, "/api/v1/review-queue").await.json();
    assert_eq!(queue["total"], 0, "{queue}");
    let early = act(
        &w,
        &w.national,
        id,
        "decisions",
        json!({"decision": "approve"}),
    )
    .await;
    assert_eq!(early.status, StatusCode::CONFLICT);
    assert_eq!(early.message(), "活动当前为“省级审核中”，不在您的审核环节");
    let urge_early =
        w.t.post(
            &format!("/api/v1/activities/{id}/review-reminder"),
            Some(&w.national),
            json!({}),
        )
        .await;
    assert_eq!(urge_early.status, StatusCode::CONFLICT);
    assert_eq!(urge_early.message(), "只能催办已超时的省级审核");

    // Overdue: escalated, and the national administrators told once.
    w.t.clock.set(china(7, 7, 0) + Duration::minutes(1));
    both_run(&w, &other).await;
    both_run(&w, &other).await;
    let escalated = notes(&w, &w.national, "review.overdue").await;
    assert_eq!(escalated.len(), 1, "{escalated:?}");
    assert_eq!(
        escalated[0]["text"],
        "河南省的活动“走进天文馆：秋夜观星”省级审核已超时（应于2026-07-06 24:00前审核），可由全国管理员直接审核或催办"
    );
    let queue = w.t.get_as(&w.national, "/api/v1/review-queue").await.json();
    assert_eq!(queue["total"], 1, "{queue}");
    assert_eq!(queue["items"][0]["id"], id);
    assert_eq!(queue["items"][0]["overdue"], true);
    let times = w.t.get_as(&w.national, "/api/v1/review-times").await.json();
    let henan = times["provinces"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["code"] == "410000")
        .unwrap()
        .clone();
    assert_eq!(henan["overdue"], 1, "{times}");

    // Urged: the province's reviewers hear of it; only a national administrator may urge.
    let refused =
        w.t.post(
            &format!("/api/v1/activities/{id}/review-reminder"),
            Some(&w.henan),
            json!({}),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(refused.message(), "仅全国管理员可以执行此操作");
    let urged =
        w.t.post(
            &format!("/api/v1/activities/{id}/review-reminder"),
            Some(&w.national),
            json!({}),
        )
        .await;
    assert_eq!(urged.status, StatusCode::OK, "{}", urged.text);
    assert_eq!(urged.json()["reminded"], 1);
    assert_eq!(notes(&w, &w.henan, "review.urged").await.len(), 1);

    // The nation decides it in the province's place; it then waits for the national review,
    // due after that level's 5 working days.
    let decided = act(
        &w,
        &w.national,
        id,
        "decisions",
        json!({"decision": "approve"}),
    )
    .await;
    assert_eq!(decided.status, StatusCode::OK, "{}", decided.text);
    assert_eq!(decided.json()["status"], "national_review");
    assert_eq!(decided.json()["overdue"], false);
    // From Tuesday 07-07 00:01: Wed, Thu, Fri, Mon, Tue → the end of Tuesday 07-14.
    assert_eq!(decided.json()["review_due_at"], "2026-07-14T16:00:00Z");
    // The old reminders are moot: nothing more is sent for the province review.
    w.t.clock.set(china(7, 20, 12));
    both_run(&w, &other).await;
    assert_eq!(notes(&w, &w.national, "review.overdue").await.len(), 1);
}

async fn decision_times_per_province_match_a_hand_computation(backend: Backend) {
    let w = world(backend).await;
    let start = w.t.app.clock.now();
    // Five of Henan's and one of Shaanxi's, all submitted now.
    let mut henan = Vec::new();
    for i in 0..5 {
        henan.push(submitted(&w, json!({"name": format!("审核用时{i}")})).await);
    }
    let shaanxi = submitted(
        &w,
        json!({"name": "陕西审核用时", "region_code": "610102", "sessions": []}),
    )
    .await;
    let waiting = submitted(&w, json!({"name": "一直等待"})).await;
    // Henan decides after 1, 2, 2, 5 and 8 hours (two rejections among them); Shaanxi
    // after 30.
    for (id, hours, decision) in [
        (henan[0], 1, "approve"),
        (henan[1], 2, "reject"),
        (henan[2], 2, "approve"),
        (henan[3], 5, "approve"),
        (henan[4], 8, "reject"),
    ] {
        w.t.clock
            .set(start + Duration::hours(hours) + Duration::minutes(10));
        let body = if decision == "reject" {
            json!({"decision": "reject", "reason": "材料不全"})
        } else {
            json!({"decision": "approve"})
        };
        let r = act(&w, &w.henan, id, "decisions", body).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    }
    w.t.clock
        .set(start + Duration::hours(30) + Duration::minutes(10));
    let r = act(
        &w,
        &w.shaanxi,
        shaanxi,
        "decisions",
        json!({"decision": "approve"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    // A week on, the one still waiting is overdue.
    w.t.clock.set(start + Duration::days(7));
    let _ = waiting;

    let times = w.t.get_as(&w.national, "/api/v1/review-times").await;
    assert_eq!(times.status, StatusCode::OK, "{}", times.text);
    let times = times.json();
    assert_eq!(times["level"], "province");
    assert_eq!(times["days"], 3);
    let province = |code: &str| {
        times["provinces"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["code"] == code)
            .cloned()
            .unwrap_or_else(|| panic!("{code} in {times}"))
    };
    // By hand, nearest rank: Henan's five times 1, 2, 2, 5, 8 → the median is the 3rd (2),
    // the 90th percentile the 5th (8); Shaanxi's one: 30 both.
    let h = province("410000");
    assert_eq!(
        (
            h["decided"].clone(),
            h["median_hours"].clone(),
            h["p90_hours"].clone(),
            h["overdue"].clone()
        ),
        (json!(5), json!(2), json!(8), json!(1)),
        "{h}"
    );
    let s = province("610000");
    assert_eq!(
        (
            s["decided"].clone(),
            s["median_hours"].clone(),
            s["p90_hours"].clone(),
            s["overdue"].clone()
        ),
        (json!(1), json!(30), json!(30), json!(0)),
        "{s}"
    );
    assert_eq!(province("110000")["median_hours"], Value::Null);
    // A province's administrator sees their own province only.
    let own = w.t.get_as(&w.henan, "/api/v1/review-times").await.json();
    let codes: Vec<&str> = own["provinces"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["410000"]);
    let host = w.t.get_as(&w.host, "/api/v1/review-times").await;
    assert_eq!(host.status, StatusCode::FORBIDDEN);
    assert_eq!(host.message(), "只有管理员可以查看审核时效");
    let bad =
        w.t.get_as(&w.national, "/api/v1/review-times?level=county")
            .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad.message(), "审核层级只能是 province 或 national");
}
