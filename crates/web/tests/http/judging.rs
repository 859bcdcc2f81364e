//! 评审: the panel (experts only), conflicts of interest refused with their reason, the
//! automatic assignment around conflicts with its shortfalls, the blind view, score sheets
//! drafted, submitted and locked, recusal with a replacement, and the administrators' scope.

use app::fixtures::{mp4, set_created};
use axum::http::{Method, StatusCode};
use domain::role::Role;
use serde_json::{Value, json};
use store::on_both_backends;
use store::testing::Backend;

use crate::support::{TestApp, TestResponse};

on_both_backends!(
    judges_score_blind_and_stand_aside_when_they_conflict,
    each_kind_of_conflict_is_refused_by_hand_and_avoided_automatically
);

struct Judge {
    token: String,
    user: i64,
    org: i64,
}

async fn id_of(t: &TestApp, token: &str) -> i64 {
    t.get_as(token, "/api/v1/me").await.json()["id"]
        .as_i64()
        .unwrap()
}

async fn org(t: &TestApp, token: &str, name: &str, region: &str) -> i64 {
    org_under(t, token, name, region, None).await
}

/// An organisation made by `token`, under `parent` where one is given.
async fn org_under(t: &TestApp, token: &str, name: &str, region: &str, parent: Option<i64>) -> i64 {
    let r = t
        .post(
            "/api/v1/orgs",
            Some(token),
            json!({"name": name, "kind": "other", "region_code": region, "parent_id": parent}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    r.json()["id"].as_i64().unwrap()
}

/// An expert whose organisation (made by them) lies in `region`.
async fn expert(t: &TestApp, phone: &str, name: &str, org_name: &str, region: &str) -> Judge {
    let token = t.user(phone, name, Role::Expert, None).await;
    let user = id_of(t, &token).await;
    let org = org(t, &token, org_name, region).await;
    Judge { token, user, org }
}

fn video(salt: usize) -> Vec<u8> {
    let mut v = mp4(240, 1920, 1080, false, 1000 + salt);
    set_created(&mut v, 1_748_736_000);
    v
}

/// Makes, fills, submits and has accepted an entry of `token`'s; answers its id.
async fn accepted_entry(
    t: &TestApp,
    admin: &str,
    cid: i64,
    token: &str,
    form: Value,
    salt: usize,
) -> i64 {
    let base = format!("/api/v1/contests/{cid}/entries");
    let e = t.post(&base, Some(token), form).await;
    assert_eq!(e.status, StatusCode::CREATED, "{}", e.text);
    let id = e.json()["id"].as_i64().unwrap();
    let v = t
        .multipart(
            token,
            &format!("{base}/{id}/media"),
            &[("kind", "video")],
            "v.mp4",
            video(salt),
        )
        .await;
    assert_eq!(v.status, StatusCode::CREATED, "{}", v.text);
    let f = t
        .multipart(
            token,
            &format!("{base}/{id}/media"),
            &[("kind", "signed_form")],
            "f.pdf",
            b"%PDF-1.4\n%%EOF\n".to_vec(),
        )
        .await;
    let r = t
        .patch(
            token,
            &format!("{base}/{id}"),
            Some(1),
            json!({"video": v.json()["id"], "signed_form": f.json()["id"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = t
        .post(&format!("{base}/{id}/submit"), Some(token), json!({}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = t
        .post(
            &format!("{base}/{id}/screening"),
            Some(admin),
            json!({"decision": "accept"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    id
}

fn form(mode: Value, title: &str, person: &str) -> Value {
    let mut f = json!({
        "title": title, "field": "生态保护", "contact_name": person, "contact_phone": "13900000401",
        "introduction": "白天鹅为何选择三门峡越冬", "innovation": "航拍与动画结合", "reach": "抖音播放十万次",
        "pledge": true, "authors": [{"name": person}],
    });
    for (k, v) in mode.as_object().unwrap() {
        f[k] = v.clone();
    }
    f
}

async fn judges_score_blind_and_stand_aside_when_they_conflict(backend: Backend) {
    let t = TestApp::new(backend).await;
    let admin = t
        .user(
            "13800000401",
            "三门峡市科协",
            Role::CityAdmin,
            Some("411200"),
        )
        .await;
    let other_admin = t
        .user("13800000402", "郑州市科协", Role::CityAdmin, Some("410100"))
        .await;
    let r = t
        .post(
            "/api/v1/contests",
            Some(&admin),
            json!({"name": "2026年三门峡市科普视频征集", "region_code": "411200", "submit_from": "2026-07-01", "submit_to": "2026-07-15"}),
        )
        .await;
    let cid = r.json()["id"].as_i64().unwrap();
    let path = |rest: &str| format!("/api/v1/contests/{cid}{rest}");
    t.post(&path("/status"), Some(&admin), json!({"status": "open"}))
        .await;

    // Entry A: a person of 湖滨区 (411202); entry B: a unit of 陕州区 (411203).
    let person = t.log_in("13900000401").await;
    let unit_member = t.log_in("13900000402").await;
    let unit = org(&t, &unit_member, "陕州区融媒体中心", "411203").await;
    let a = accepted_entry(
        &t,
        &admin,
        cid,
        &person,
        form(
            json!({"entry_mode": "self", "person_name": "刘莎", "region_code": "411202"}),
            "黄河湿地的冬候鸟",
            "刘莎",
        ),
        0,
    )
    .await;
    let b = accepted_entry(
        &t,
        &admin,
        cid,
        &unit_member,
        form(
            json!({"entry_mode": "unit", "unit_id": unit, "producing_units": [unit]}),
            "地坑院的秘密",
            "王强",
        ),
        1,
    )
    .await;

    // The panel: experts only, each once, only by the contest's own administrators.
    let j1 = expert(&t, "13700000401", "张一", "湖滨区科技馆", "411202").await;
    let j2 = expert(&t, "13700000402", "李二", "陕州区科协", "411203").await;
    let j3 = expert(&t, "13700000403", "王三", "郑州大学", "410102").await;
    let j4 = Judge {
        org: unit,
        ..expert(&t, "13700000404", "赵四", "赵四的单位", "410102").await
    };
    let add = |j: &Judge| json!({"user_id": j.user, "org_id": j.org});
    let r = t
        .post(
            &path("/judges"),
            Some(&admin),
            json!({"user_id": id_of(&t, &person).await, "org_id": unit}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.field("user_id"),
        "该账号不是评审专家（须先授予“评审专家”角色）"
    );
    let r = t.post(&path("/judges"), Some(&other_admin), add(&j1)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.message(), "只能管理本辖区举办的比赛");
    let mut panel = Vec::new();
    for j in [&j1, &j2, &j3, &j4] {
        let r = t.post(&path("/judges"), Some(&admin), add(j)).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        panel.push(r.json()["id"].as_i64().unwrap());
    }
    let [p1, p2, p3, p4] = [panel[0], panel[1], panel[2], panel[3]];
    let r = t.post(&path("/judges"), Some(&admin), add(&j1)).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.message(), "该专家已在本比赛的评审专家库中");
    let listed = t.get_as(&admin, &path("/judges")).await.json();
    assert_eq!(listed[0]["org_name"], "湖滨区科技馆");
    assert_eq!(listed[0]["region_code"], "411202");
    assert_eq!(
        t.get_as(&other_admin, &path("/judges")).await.status,
        StatusCode::FORBIDDEN
    );

    // By hand, a conflicted judge is refused with the reason, next to judge_id.
    let conflicted = |r: &TestResponse, reason: &str| {
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
        assert_eq!(r.json()["error"]["code"], "conflict_of_interest");
        assert_eq!(r.field("judge_id"), reason);
    };
    let r = t
        .post(
            &path("/assignments"),
            Some(&admin),
            json!({"judge_id": p1, "entry_id": a}),
        )
        .await;
    conflicted(&r, "评审专家与作品来自同一地区，须回避");
    let r = t
        .post(
            &path("/assignments"),
            Some(&admin),
            json!({"judge_id": p4, "entry_id": b}),
        )
        .await;
    conflicted(&r, "评审专家与作品报送单位存在利益关系，须回避");
    // Automatically only once judging has begun.
    let r = t.post(&path("/assignments"), Some(&admin), json!({})).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.message(), "比赛进入“评审中”后才能自动分配评审");
    t.post(&path("/status"), Some(&admin), json!({"status": "judging"}))
        .await;
    let r = t.post(&path("/assignments"), Some(&admin), json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let got = r.json();
    let judges_of = |v: &Value, entry: i64| {
        let mut j: Vec<i64> = v
            .as_array()
            .unwrap()
            .iter()
            .filter(|x| x["entry_id"] == entry && x["state"] != "recused")
            .map(|x| x["judge_id"].as_i64().unwrap())
            .collect();
        j.sort_unstable();
        j
    };
    // Three judges each: A has every judge but 湖滨区's; B lacks 陕州区's and its own unit's.
    assert_eq!(judges_of(&got["assignments"], a), [p2, p3, p4]);
    assert_eq!(judges_of(&got["assignments"], b), [p1, p3]);
    assert_eq!(
        got["shortfalls"],
        json!([{"entry_id": b, "needed": 1, "eligible": 2}])
    );
    // Run again, it keeps what there is.
    let again = t
        .post(&path("/assignments"), Some(&admin), json!({}))
        .await
        .json();
    assert_eq!(again["assignments"].as_array().unwrap().len(), 5);

    // The judge's queue is blind; an entry not theirs does not exist for them.
    let queue = t
        .get_as(&j2.token, &format!("/api/v1/me/reviews?contest={cid}"))
        .await
        .json();
    assert_eq!(queue.as_array().unwrap().len(), 1);
    assert_eq!(queue[0]["entry_id"], a);
    assert_eq!(queue[0]["title"], "黄河湿地的冬候鸟");
    let blind = t.get_as(&j2.token, &path(&format!("/entries/{a}"))).await;
    assert_eq!(blind.status, StatusCode::OK);
    for hidden in [
        "刘莎",
        "13900000401",
        "person_name",
        "authors",
        "contact",
        "entrant_user_id",
        "unit_id",
    ] {
        assert!(
            !blind.text.contains(hidden),
            "the blind view shows {hidden}: {}",
            blind.text
        );
    }
    let video_url = blind.json()["video_url"].as_str().unwrap().to_owned();
    assert_eq!(t.get_as(&j2.token, &video_url).await.status, StatusCode::OK);
    assert_eq!(
        t.get_as(&j2.token, &path(&format!("/entries/{b}")))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        t.get_as(&j2.token, &path(&format!("/entries/{a}/history")))
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // The score sheet: every problem by criterion; a draft may be partial; submitting locks.
    let sheet = |token: &str, entry: i64, body: Value| {
        let p = path(&format!("/entries/{entry}/scores"));
        let token = token.to_owned();
        let t = &t;
        async move { t.call(Method::PUT, &p, Some(&token), Some(body)).await }
    };
    let r = sheet(
        &j2.token,
        a,
        json!({"scores": {"scientific": 90, "beauty": 5, "reach": 101}, "submit": true}),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.field("scores.creative"), "请为“创意表现”评分");
    assert_eq!(r.field("scores.beauty"), "没有这项评分标准");
    assert_eq!(r.field("scores.reach"), "“传播价值”的分数须在0至100之间");
    let r = sheet(&j2.token, a, json!({"scores": {"scientific": 90}})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["total"], Value::Null);
    assert_eq!(r.json()["submitted"], false);
    let r = sheet(&j2.token, a, json!({"scores": {"scientific": 90, "creative": 80, "production": 70, "reach": 60}, "comment": "科学性强", "submit": true})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["total"], 80.0, "40/30/20/10: 36 + 24 + 14 + 6");
    assert_eq!(r.json()["submitted"], true);
    let r = sheet(
        &j2.token,
        a,
        json!({"scores": {"scientific": 100, "creative": 100, "production": 100, "reach": 100}}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.message(), "评分已提交，不能再修改");
    let r = sheet(&j2.token, b, json!({"scores": {"scientific": 90}})).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // Another judge sees only their own sheet, and only their own assignments.
    let theirs = t
        .get_as(&j3.token, &format!("/api/v1/me/reviews?contest={cid}"))
        .await
        .json();
    assert!(
        theirs
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["scores"] == json!({}))
    );
    let own = t.get_as(&j3.token, &path("/assignments")).await.json();
    assert!(own.as_array().unwrap().iter().all(|x| x["judge_id"] == p3));
    assert_eq!(
        t.get_as(&person, &path("/assignments")).await.status,
        StatusCode::FORBIDDEN
    );

    // Recusal: a reason; a replacement where one is eligible.
    let r = t
        .post(
            &path(&format!("/entries/{a}/recusal")),
            Some(&j4.token),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.field("reason"), "请写明回避的理由");
    let r = t
        .post(
            &path(&format!("/entries/{a}/recusal")),
            Some(&j4.token),
            json!({"reason": "与作者相识"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["recused"]["state"], "recused");
    assert_eq!(
        r.json()["replacement"],
        Value::Null,
        "nobody else is eligible for A"
    );
    assert_eq!(
        t.get_as(&j4.token, &path(&format!("/entries/{a}")))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let j5 = expert(&t, "13700000405", "孙五", "洛阳市科技馆", "410302").await;
    let p5 = t
        .post(&path("/judges"), Some(&admin), add(&j5))
        .await
        .json()["id"]
        .as_i64()
        .unwrap();
    let r = t
        .post(
            &path(&format!("/entries/{b}/recusal")),
            Some(&j3.token),
            json!({"reason": "出差"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["replacement"]["judge_id"], p5);
    let all = t.get_as(&admin, &path("/assignments")).await.json();
    assert_eq!(judges_of(&all, b), [p1, p5]);

    // Unassigning: not once scored; not by another area.
    let r = t
        .call(
            Method::DELETE,
            &path(&format!("/assignments/{p2}/{a}")),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.message(), "该专家已提交评分，不能取消分配");
    let r = t
        .call(
            Method::DELETE,
            &path(&format!("/assignments/{p3}/{a}")),
            Some(&other_admin),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = t
        .call(
            Method::DELETE,
            &path(&format!("/assignments/{p3}/{a}")),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(judges_of(&r.json(), a), [p2]);

    // Once the contest is closed, sheets are locked.
    let r = sheet(&j1.token, b, json!({"scores": {"scientific": 70}})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    t.post(&path("/status"), Some(&admin), json!({"status": "closed"}))
        .await;
    let r = sheet(&j1.token, b, json!({"scores": {"scientific": 75}})).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.message(), "比赛不在评审中，评分已锁定");
}

/// Each kind of conflict through the API, by hand (422 with the reason beside `judge_id`)
/// and automatically (the conflicted judge is never assigned): the judge who entered the
/// work; a judge of a producing unit that is not the recommending one; of the recommending
/// unit's parent; of its child; and a judge of the entry's own county. A judge with none
/// of these is assigned.
async fn each_kind_of_conflict_is_refused_by_hand_and_avoided_automatically(backend: Backend) {
    let t = TestApp::new(backend).await;
    let admin = t
        .user(
            "13800000411",
            "三门峡市科协",
            Role::CityAdmin,
            Some("411200"),
        )
        .await;
    let r = t
        .post(
            "/api/v1/contests",
            Some(&admin),
            json!({"name": "2026年三门峡市科普视频征集", "region_code": "411200", "submit_from": "2026-07-01",
                   "submit_to": "2026-07-15", "judges_per_entry": 6}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let cid = r.json()["id"].as_i64().unwrap();
    let path = |rest: &str| format!("/api/v1/contests/{cid}{rest}");
    t.post(&path("/status"), Some(&admin), json!({"status": "open"}))
        .await;

    // The recommending unit (陕州区, 411203) sits under a parent (渑池县) and has a child
    // (卢氏县); a second producing unit is of 义马市. Every county differs from the unit's.
    let parent_judge = expert(&t, "13700000411", "钱父", "渑池县融媒体集团", "411221").await;
    let member = t.log_in("13900000411").await;
    let unit = org_under(
        &t,
        &member,
        "陕州区融媒体中心",
        "411203",
        Some(parent_judge.org),
    )
    .await;
    let child_judge = {
        let j = expert(&t, "13700000412", "孙子", "孙子的单位", "411224").await;
        let child = org_under(&t, &j.token, "陕州区融媒体中心卢氏站", "411224", Some(unit)).await;
        Judge { org: child, ..j }
    };
    let producer_judge = expert(&t, "13700000413", "周制", "义马动画工作室", "411281").await;
    // An expert of 灵宝市 who is also an entrant (their own work, self mode, from 湖滨区).
    let entrant_judge = expert(&t, "13700000414", "吴参", "灵宝市科协", "411282").await;
    // Of 陕州区 (411203), the unit's own county.
    let city_judge = expert(&t, "13700000415", "郑县", "陕州区科技馆", "411203").await;
    // Nothing to do with either entry.
    let free_judge = expert(&t, "13700000416", "王清", "武汉科技馆", "420102").await;

    let unit_entry = accepted_entry(
        &t,
        &admin,
        cid,
        &member,
        form(
            json!({"entry_mode": "unit", "unit_id": unit, "producing_units": [unit, producer_judge.org]}),
            "地坑院的秘密",
            "王强",
        ),
        10,
    )
    .await;
    let own_entry = accepted_entry(
        &t,
        &admin,
        cid,
        &entrant_judge.token,
        form(
            json!({"entry_mode": "self", "person_name": "吴参", "region_code": "411202"}),
            "黄河鲤鱼的洄游",
            "吴参",
        ),
        11,
    )
    .await;

    let mut panel = Vec::new();
    for j in [
        &parent_judge,
        &child_judge,
        &producer_judge,
        &entrant_judge,
        &city_judge,
        &free_judge,
    ] {
        let r = t
            .post(
                &path("/judges"),
                Some(&admin),
                json!({"user_id": j.user, "org_id": j.org}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        panel.push(r.json()["id"].as_i64().unwrap());
    }
    let [p_parent, p_child, p_producer, p_entrant, p_city, p_free] =
        [panel[0], panel[1], panel[2], panel[3], panel[4], panel[5]];

    let party = "评审专家与作品报送单位存在利益关系，须回避";
    let refusals = [
        (
            p_parent,
            unit_entry,
            party,
            "the recommending unit's parent",
        ),
        (p_child, unit_entry, party, "the recommending unit's child"),
        (p_producer, unit_entry, party, "a producing unit"),
        (
            p_city,
            unit_entry,
            "评审专家与作品来自同一地区，须回避",
            "the same county",
        ),
        (
            p_entrant,
            own_entry,
            "评审专家是该作品的报送人，须回避",
            "the entrant",
        ),
    ];
    for (judge, entry, reason, kind) in refusals {
        let r = t
            .post(
                &path("/assignments"),
                Some(&admin),
                json!({"judge_id": judge, "entry_id": entry}),
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{kind}: {}",
            r.text
        );
        assert_eq!(r.json()["error"]["code"], "conflict_of_interest", "{kind}");
        assert_eq!(r.field("judge_id"), reason, "{kind}");
    }
    // Refused, nothing was assigned.
    let held = t.get_as(&admin, &path("/assignments")).await.json();
    assert_eq!(held, json!([]));

    // Automatically: the unit's entry gets the entrant-judge and the free judge only; the
    // entrant's own entry every judge but themselves.
    t.post(&path("/status"), Some(&admin), json!({"status": "judging"}))
        .await;
    let r = t.post(&path("/assignments"), Some(&admin), json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let got = r.json();
    let judges_of = |entry: i64| {
        let mut j: Vec<i64> = got["assignments"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|x| x["entry_id"] == entry)
            .map(|x| x["judge_id"].as_i64().unwrap())
            .collect();
        j.sort_unstable();
        j
    };
    assert_eq!(judges_of(unit_entry), [p_entrant, p_free]);
    assert_eq!(
        judges_of(own_entry),
        [p_parent, p_child, p_producer, p_city, p_free]
    );
    assert_eq!(
        got["shortfalls"],
        json!([{"entry_id": unit_entry, "needed": 4, "eligible": 2},
               {"entry_id": own_entry, "needed": 1, "eligible": 5}])
    );
    // The entrant-judge's queue holds the unit's entry, never their own.
    let queue = t
        .get_as(
            &entrant_judge.token,
            &format!("/api/v1/me/reviews?contest={cid}"),
        )
        .await
        .json();
    assert_eq!(queue.as_array().unwrap().len(), 1);
    assert_eq!(queue[0]["entry_id"], unit_entry);
    let r = t
        .call(
            Method::PUT,
            &path(&format!("/entries/{own_entry}/scores")),
            Some(&entrant_judge.token),
            Some(json!({"scores": {"scientific": 100, "creative": 100, "production": 100, "reach": 100}})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
    assert_eq!(r.message(), "未找到分配给您评审的该作品");
}
