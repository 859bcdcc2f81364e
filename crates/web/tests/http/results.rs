//! 网络投票, 评审结果, 公示 and 展播: only SMS-verified accounts vote, within their limits;
//! the results mix the vote share in by weight and name their method; voiding votes and
//! disqualifying recompute them; the public sees only awarded entries, without scores, and
//! plays the winners' videos a byte range at a time.

use app::fixtures::{mp4, set_created};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use domain::role::Role;
use serde_json::{Value, json};
use store::on_both_backends;
use store::testing::Backend;

use crate::support::{TestApp, TestResponse};

on_both_backends!(
    the_vote_and_the_results_from_draft_to_showcase,
    one_address_votes_within_its_hourly_limit,
    the_contest_list_shows_the_public_no_drafts_and_no_administration
);

async fn vote_from(t: &TestApp, ip: &str, token: &str, path: &str) -> TestResponse {
    let request = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap();
    t.send(ip, request).await
}

/// Enters, submits and has accepted a self-nominated entry: its id and its video's URL.
async fn accepted(
    t: &TestApp,
    admin: &str,
    cid: i64,
    phone: &str,
    title: &str,
    salt: usize,
) -> (i64, String) {
    let token = t.log_in(phone).await;
    let base = format!("/api/v1/contests/{cid}/entries");
    let e = t
        .post(&base, Some(&token), json!({"title": title, "field": "生态保护", "entry_mode": "self", "person_name": "刘莎",
            "region_code": "411202", "contact_name": "刘莎", "contact_phone": phone, "introduction": format!("{title}的简介"),
            "innovation": "航拍", "reach": "十万次", "pledge": true, "authors": [{"name": "刘莎"}]}))
        .await;
    assert_eq!(e.status, StatusCode::CREATED, "{}", e.text);
    let id = e.json()["id"].as_i64().unwrap();
    let mut video = mp4(240, 1920, 1080, false, 4000 + salt);
    set_created(&mut video, 1_748_736_000);
    let v = t
        .multipart(
            &token,
            &format!("{base}/{id}/media"),
            &[("kind", "video")],
            "v.mp4",
            video,
        )
        .await;
    let f = t
        .multipart(
            &token,
            &format!("{base}/{id}/media"),
            &[("kind", "signed_form")],
            "f.pdf",
            b"%PDF-1.4\n%%EOF\n".to_vec(),
        )
        .await;
    let r = t
        .patch(
            &token,
            &format!("{base}/{id}"),
            Some(1),
            json!({"video": v.json()["id"], "signed_form": f.json()["id"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        t.post(&format!("{base}/{id}/submit"), Some(&token), json!({}))
            .await
            .status,
        StatusCode::OK
    );
    let r = t
        .post(
            &format!("{base}/{id}/screening"),
            Some(admin),
            json!({"decision": "accept"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    (id, v.json()["url"].as_str().unwrap().to_owned())
}

async fn the_vote_and_the_results_from_draft_to_showcase(backend: Backend) {
    let t = TestApp::new(backend).await;
    let admin = t
        .user(
            "13800000501",
            "三门峡市科协",
            Role::CityAdmin,
            Some("411200"),
        )
        .await;
    let other_admin = t
        .user("13800000502", "郑州市科协", Role::CityAdmin, Some("410100"))
        .await;
    let r = t
        .post(
            "/api/v1/contests",
            Some(&admin),
            json!({"name": "2026年三门峡市科普视频征集", "region_code": "411200", "submit_from": "2026-07-01", "submit_to": "2026-07-15",
                   "judges_per_entry": 2, "min_scores": 2,
                   "public_vote": {"weight": 20, "from": "2026-07-01", "to": "2026-07-20", "per_entry_per_day": 1, "per_day": 2},
                   "awards": [{"key": "first", "name": "一等奖", "count": 1}, {"key": "second", "name": "二等奖", "count": 1}]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let cid = r.json()["id"].as_i64().unwrap();
    let path = |rest: &str| format!("/api/v1/contests/{cid}{rest}");
    t.post(&path("/status"), Some(&admin), json!({"status": "open"}))
        .await;
    let (a, a_video) = accepted(&t, &admin, cid, "13900000501", "黄河湿地的冬候鸟", 0).await;
    let (b, _) = accepted(&t, &admin, cid, "13900000502", "地坑院的秘密", 1).await;
    let (c, c_video) = accepted(&t, &admin, cid, "13900000503", "仰韶彩陶", 2).await;
    let votes = |e: i64| path(&format!("/entries/{e}/votes"));

    // Only an account that logged in by SMS votes; /me says which.
    let unverified = t
        .user("13700000501", "没用短信登录", Role::Expert, None)
        .await;
    assert_eq!(
        t.get_as(&unverified, "/api/v1/me").await.json()["phone_verified"],
        false
    );
    let r = t.post(&votes(a), Some(&unverified), json!({})).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.json()["error"]["code"], "not_sms_verified");
    assert_eq!(r.message(), "投票前请先用手机短信验证码登录一次");
    assert_eq!(
        t.post(&votes(a), None, json!({})).await.status,
        StatusCode::UNAUTHORIZED
    );
    let voter = t.log_in("13900000509").await;
    assert_eq!(
        t.get_as(&voter, "/api/v1/me").await.json()["phone_verified"],
        true
    );

    // One vote per entry and day, two a day in all.
    let r = t.post(&votes(a), Some(&voter), json!({})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.json(), json!({"entry_id": a, "votes_left_today": 1}));
    let r = t.post(&votes(a), Some(&voter), json!({})).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.json()["error"]["code"], "already_voted");
    assert_eq!(
        r.message(),
        "今天已为该作品投过票（每件作品每天最多1票），明天再来吧"
    );
    assert_eq!(
        t.post(&votes(b), Some(&voter), json!({})).await.json()["votes_left_today"],
        0
    );
    let r = t.post(&votes(c), Some(&voter), json!({})).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.json()["error"]["code"], "vote_limit");
    assert_eq!(r.message(), "今天的2票已经投完，明天再来吧");
    // Until midnight in Beijing (the test clock stands at 2026-07-01 08:00 Beijing, give or
    // take the logins' minutes).
    let wait: i64 = r.header("retry-after").parse().unwrap();
    assert!((50_000..=57_600).contains(&wait), "Retry-After {wait}");
    // Two more votes for A, from another address.
    for phone in ["13900000510", "13900000511"] {
        let token = t.log_in(phone).await;
        let r = vote_from(&t, "10.0.0.7", &token, &votes(a)).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    }

    // Two judges score every entry alike on every criterion: E(A) = 70, E(B) = 80, E(C) = 61.
    let mut judges = Vec::new();
    for (phone, name, region) in [
        ("13700000502", "张评", "410102"),
        ("13700000503", "李评", "410302"),
    ] {
        let token = t.user(phone, name, Role::Expert, None).await;
        let user = t.get_as(&token, "/api/v1/me").await.json()["id"]
            .as_i64()
            .unwrap();
        let org = t
            .post(
                "/api/v1/orgs",
                Some(&token),
                json!({"name": format!("{name}的单位"), "kind": "other", "region_code": region}),
            )
            .await
            .json()["id"]
            .as_i64()
            .unwrap();
        let r = t
            .post(
                &path("/judges"),
                Some(&admin),
                json!({"user_id": user, "org_id": org}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        judges.push(token);
    }
    // While it takes entries the province's statistics count it as open (asked at the
    // province, so the city's figures below are not read from the statistics cache).
    let province = t
        .user(
            "13800000499",
            "河南省科协",
            Role::ProvinceAdmin,
            Some("410000"),
        )
        .await;
    let stats = t
        .get_as(&province, "/api/v1/stats?region=410000")
        .await
        .json();
    assert_eq!(stats["contests"]["open"], 1, "{stats}");
    assert_eq!(stats["contests"]["entries_submitted"], 3, "{stats}");
    t.post(&path("/status"), Some(&admin), json!({"status": "judging"}))
        .await;
    let r = t.post(&path("/assignments"), Some(&admin), json!({})).await;
    assert_eq!(r.json()["shortfalls"], json!([]), "{}", r.text);
    let all = |v: f64| json!({"scores": {"scientific": v, "creative": v, "production": v, "reach": v}, "submit": true});
    for (entry, marks) in [(a, [70.0, 70.0]), (b, [80.0, 80.0]), (c, [60.0, 62.0])] {
        for (judge, mark) in judges.iter().zip(marks) {
            let r = t
                .call(
                    Method::PUT,
                    &path(&format!("/entries/{entry}/scores")),
                    Some(judge),
                    Some(all(mark)),
                )
                .await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        }
    }

    // The draft: F = 0.8 E + 0.2 V with V = 100 × votes / most votes. A's 3 votes to B's 1
    // lift A (56 + 20 = 76) over B (64 + 6.67): the vote share changes the winner.
    let placed = |r: &Value| -> Vec<(i64, String)> {
        r["ranking"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["entry_id"].as_i64().unwrap(),
                    e["award"]["key"].as_str().unwrap_or("").to_owned(),
                )
            })
            .collect()
    };
    let draft = t.get_as(&admin, &path("/results")).await.json();
    assert_eq!(draft["stage"], "draft");
    assert_eq!(
        draft["method"],
        json!({"aggregation": "mean", "normalise": "none", "normalise_min_scores": 3, "vote_weight": 20})
    );
    assert_eq!(
        placed(&draft),
        [
            (a, "first".to_owned()),
            (b, "second".to_owned()),
            (c, String::new())
        ]
    );
    let first = &draft["ranking"][0];
    assert_eq!(
        (first["expert_score"].as_f64(), first["votes"].as_i64()),
        (Some(70.0), Some(3))
    );
    assert!((first["final_score"].as_f64().unwrap() - 76.0).abs() < 1e-9);
    assert!(
        (draft["ranking"][1]["final_score"].as_f64().unwrap() - (64.0 + 20.0 / 3.0)).abs() < 1e-9
    );
    assert_eq!(t.get(&path("/results")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        t.get(&path("/showcase")).await.status,
        StatusCode::NOT_FOUND
    );

    // Voiding the votes from 10.0.0.7 (with a reason) recomputes: B wins.
    let r = t
        .post(
            &path("/votes/void"),
            Some(&admin),
            json!({"ip": "10.0.0.7"}),
        )
        .await;
    assert_eq!(r.field("reason"), "请写明作废的理由");
    let r = t
        .post(
            &path("/votes/void"),
            Some(&admin),
            json!({"reason": "刷票"}),
        )
        .await;
    assert_eq!(
        r.field("ip"),
        "请至少指定一个地址或一段时间，以免作废全部投票"
    );
    assert_eq!(
        t.post(
            &path("/votes/void"),
            Some(&other_admin),
            json!({"ip": "10.0.0.7", "reason": "刷票"})
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    let r = t
        .post(
            &path("/votes/void"),
            Some(&admin),
            json!({"ip": "10.0.0.7", "reason": "同一网络集中刷票"}),
        )
        .await;
    assert_eq!(r.json(), json!({"voided": 2}), "{}", r.text);
    assert_eq!(
        placed(&t.get_as(&admin, &path("/results")).await.json()),
        [
            (b, "first".to_owned()),
            (a, "second".to_owned()),
            (c, String::new())
        ]
    );

    // 公示 only once judging is closed; final only after 公示.
    let results_path = path("/results");
    let publish = |stage: &str| t.post(&results_path, Some(&admin), json!({"stage": stage}));
    let r = publish("publicity").await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(
        r.message(),
        "评审结束（比赛为“评审结束”状态）后才能公示结果"
    );
    let r = publish("final").await;
    assert_eq!(r.message(), "须先公示结果，公示期满后再发布最终结果");
    t.post(&path("/status"), Some(&admin), json!({"status": "closed"}))
        .await;
    let r = t
        .post(
            &path("/results"),
            Some(&other_admin),
            json!({"stage": "publicity"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = publish("publicity").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["publicity_until"], "2026-07-07");
    assert_eq!(t.get(&path("")).await.json()["status"], "published");

    // The public sees the awarded entries, without scores, contacts or judges.
    let public = t.get(&path("/results")).await;
    assert_eq!(public.status, StatusCode::OK);
    let p = public.json();
    assert_eq!(
        placed(&p),
        [(b, "first".to_owned()), (a, "second".to_owned())]
    );
    assert_eq!(p["ranking"][0]["expert_score"], Value::Null);
    assert_eq!(p["ranking"][0]["entrant"], "刘莎");
    assert_eq!(p["unranked"], json!([]));
    for hidden in ["13900000", "张评", "李评", "comment"] {
        assert!(
            !public.text.contains(hidden),
            "public results show {hidden}"
        );
    }
    let show = t.get(&path("/showcase")).await.json();
    assert_eq!(show[0]["entry_id"], b);
    assert_eq!(show[1]["award"]["name"], "二等奖");
    assert_eq!(show[1]["introduction"], "黄河湿地的冬候鸟的简介");
    // The public plays a winner's video a range at a time; a non-winner's stays private
    // once the vote (while which every accepted entry plays) is over.
    let c_during_vote = t.get(&c_video).await;
    assert_eq!(
        c_during_vote.status,
        StatusCode::OK,
        "on the ballot until 2026-07-20"
    );
    t.clock.advance(chrono::Duration::days(20));
    let ranged = Request::builder()
        .uri(&a_video)
        .header(header::RANGE, "bytes=0-99")
        .body(Body::empty())
        .unwrap();
    let r = t.send("127.0.0.1", ranged).await;
    assert_eq!(r.status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(r.bytes.len(), 100);
    assert!(r.header("content-range").starts_with("bytes 0-99/"));
    assert_eq!(t.get(&c_video).await.status, StatusCode::NOT_FOUND);

    // Disqualifying the winner during 公示 moves the awards: C is now second.
    let r = t
        .post(
            &path(&format!("/entries/{b}/disqualify")),
            Some(&admin),
            json!({"reason": "与已播出作品雷同"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        placed(&t.get(&path("/results")).await.json()),
        [(a, "first".to_owned()), (c, "second".to_owned())]
    );
    assert_eq!(t.get(&c_video).await.status, StatusCode::OK);

    let r = publish("final").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(t.get(&path("/results")).await.json()["stage"], "final");

    // The three sheets, to the contest's administrators only.
    let sheet = |name: &'static str| {
        let p = path(&format!("/exports/{name}.xlsx"));
        let admin = admin.clone();
        let t = &t;
        async move {
            let r = t.get_as(&admin, &p).await;
            assert_eq!(r.status, StatusCode::OK, "{name}: {}", r.text);
            crate::support::sheet(&r.bytes)
        }
    };
    let entries = sheet("entries").await;
    assert_eq!(entries[0][2], "作品名称");
    assert_eq!(entries.len(), 4, "a heading and three entries");
    let row_a = entries.iter().find(|r| r[1] == a.to_string()).unwrap();
    assert_eq!(row_a[2], "黄河湿地的冬候鸟");
    assert_eq!(row_a[15], "13900000501", "the contact phone, whole");
    assert_eq!(row_a[13], "1920×1080");
    let scores = sheet("scores").await;
    assert_eq!(scores[0][3], "科学性（40%）");
    assert_eq!(
        scores.len(),
        7,
        "a heading and two judges for each of three entries"
    );
    assert!(scores.iter().skip(1).all(|r| r[8] == "已提交"));
    let ranking = sheet("results").await;
    assert_eq!(
        ranking[1][..6],
        [
            "1",
            &a.to_string(),
            "黄河湿地的冬候鸟",
            "生态保护",
            "刘莎",
            "一等奖"
        ]
    );
    // B disqualified, 10.0.0.7's votes void: A has the most votes left (1), so V(A) = 100.
    assert_eq!(ranking[1][6..9], ["70.00", "100.00", "76.00"]);
    assert!(ranking.last().unwrap()[0].starts_with("计算方法：平均分"));
    // The statistics count the area's contest: B (disqualified) was received but is no
    // longer accepted; the two votes from 10.0.0.7 are void.
    let stats = t.get_as(&admin, "/api/v1/stats?region=411200").await.json();
    assert_eq!(
        stats["contests"],
        json!({"contests": 1, "open": 0, "entries_submitted": 3, "entries": 3, "accepted": 2, "votes": 2})
    );
    let stats = t
        .get_as(&other_admin, "/api/v1/stats?region=410100")
        .await
        .json();
    assert_eq!(stats["contests"]["contests"], 0);
    let r = t.get_as(&other_admin, &path("/exports/entries.xlsx")).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.message(), "只能导出本辖区举办的比赛");
}

/// The per-address limit (`votes_per_address_per_hour`, here 2): a third voter from the same
/// address within the hour is refused with 429 `vote_limit`, the reason and a Retry-After,
/// and nothing is counted; another address votes; an hour later the address votes again.
async fn one_address_votes_within_its_hourly_limit(backend: Backend) {
    let t = TestApp::with_config(backend, |c| c.contests.votes_per_address_per_hour = 2).await;
    let admin = t
        .user(
            "13800000521",
            "三门峡市科协",
            Role::CityAdmin,
            Some("411200"),
        )
        .await;
    let r = t
        .post(
            "/api/v1/contests",
            Some(&admin),
            json!({"name": "2026年三门峡市科普视频征集", "region_code": "411200", "submit_from": "2026-07-01", "submit_to": "2026-07-15",
                   "public_vote": {"weight": 20, "from": "2026-07-01", "to": "2026-07-20", "per_entry_per_day": 1, "per_day": 5}}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let cid = r.json()["id"].as_i64().unwrap();
    t.post(
        &format!("/api/v1/contests/{cid}/status"),
        Some(&admin),
        json!({"status": "open"}),
    )
    .await;
    let (a, _) = accepted(&t, &admin, cid, "13900000521", "黄河湿地的冬候鸟", 20).await;
    let votes = format!("/api/v1/contests/{cid}/entries/{a}/votes");
    let mut voters = Vec::new();
    for phone in ["13900000522", "13900000523", "13900000524", "13900000525"] {
        voters.push(t.log_in(phone).await);
    }
    for v in &voters[..2] {
        let r = vote_from(&t, "10.0.0.9", v, &votes).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    }
    let r = vote_from(&t, "10.0.0.9", &voters[2], &votes).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.text);
    assert_eq!(r.json()["error"]["code"], "vote_limit");
    assert_eq!(r.message(), "同一网络一小时内最多投2票，请稍后再试");
    assert_eq!(r.header("retry-after"), "3600");
    // Nothing was counted for the refused vote (the area's statistics, read for the first
    // time here, count the votes).
    let stats = t.get_as(&admin, "/api/v1/stats?region=411200").await.json();
    assert_eq!(stats["contests"]["votes"], 2, "{stats}");
    // Another address is not held to this one's count.
    let r = vote_from(&t, "10.0.0.10", &voters[3], &votes).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    // An hour on, the address votes again.
    t.clock.advance(chrono::Duration::minutes(61));
    let r = vote_from(&t, "10.0.0.9", &voters[2], &votes).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
}

/// `/contests` to the public: contests past their draft, each linked, without the
/// administrators' links; a draft is not there.
async fn the_contest_list_shows_the_public_no_drafts_and_no_administration(backend: Backend) {
    let t = TestApp::new(backend).await;
    let admin = t
        .user(
            "13800000531",
            "三门峡市科协",
            Role::CityAdmin,
            Some("411200"),
        )
        .await;
    let mut ids = Vec::new();
    for name in ["2026年三门峡市科普视频征集", "尚未发布的征集草稿"] {
        let r = t
            .post(
                "/api/v1/contests",
                Some(&admin),
                json!({"name": name, "region_code": "411200", "submit_from": "2026-07-01", "submit_to": "2026-07-15"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        ids.push(r.json()["id"].as_i64().unwrap());
    }
    t.post(
        &format!("/api/v1/contests/{}/status", ids[0]),
        Some(&admin),
        json!({"status": "open"}),
    )
    .await;
    let page = t.get("/contests").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.text.contains("2026年三门峡市科普视频征集"),
        "{}",
        page.text
    );
    assert!(
        page.text
            .contains(&format!("href=\"/contests/{}\"", ids[0]))
    );
    assert!(!page.text.contains("尚未发布的征集草稿"));
    assert!(
        !page.text.contains("/screening"),
        "no administration links for the public"
    );
    let home = t.get("/").await;
    assert!(
        home.text.contains("href=\"/contests\""),
        "the home page leads to the contests"
    );
}
