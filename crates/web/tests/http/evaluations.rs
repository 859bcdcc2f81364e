//! 考评: a city evaluates its counties and its units with the 唐山 scheme on a generated
//! campaign, each figure checked against the test's own count; a worked example's ranking,
//! totals and commendations by hand; 蒲城's food-safety count; freezing, publishing, the
//! export, and scope. On both backends.

use std::collections::BTreeMap;

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use store::testing::Backend;

use crate::activities::{World, act, complete, world, world_with};
use crate::public::attach_poster;
use crate::supplements::{full, put};
use crate::support::sheet;

store::on_both_backends!(
    the_tangshan_scheme_counts_every_figure_as_the_activities_show,
    a_worked_example_ranks_totals_and_commends_as_computed_by_hand,
    a_scheme_is_refused_beside_each_broken_rule_and_stays_in_its_area,
    a_hosts_record_counts_three_campaigns_of_history,
);

const COUNTIES: [&str; 3] = ["411202", "411203", "411221"];

/// What the test generated, counted by itself: per subject (a county code or `org:ID`),
/// per measure.
#[derive(Default, Debug)]
struct Expected {
    approved: BTreeMap<String, i64>,
    media_links: BTreeMap<String, i64>,
    with_scientists: BTreeMap<String, i64>,
    joint: BTreeMap<String, i64>,
    posts: BTreeMap<String, i64>,
    food_safety: BTreeMap<String, i64>,
}

fn add(map: &mut BTreeMap<String, i64>, keys: &[&str], n: i64) {
    for k in keys {
        *map.entry((*k).to_owned()).or_insert(0) += n;
    }
}

struct Generated {
    w: World,
    units: Vec<i64>,
    expected: Expected,
}

/// Twelve units, four in each of three counties of 三门峡; each unit holds one to three
/// approved activities (sections, science workers and names varied), half of them with a
/// complete supplement (one media link each); some units registered posts; one activity per
/// county waits in review and counts nowhere.
async fn generate(backend: Backend) -> Generated {
    // One person registers all twelve units today.
    let w = world_with(backend, |c| c.org_applications_per_day = 20).await;
    let mut expected = Expected::default();
    let mut units = Vec::new();
    for u in 0..12_usize {
        let county = COUNTIES[u / 4];
        let org =
            w.t.post(
                "/api/v1/orgs",
                Some(&w.host),
                json!({"name": format!("考评单位{u:02}"), "kind": "school", "region_code": county}),
            )
            .await;
        assert_eq!(org.status, StatusCode::CREATED, "{}", org.text);
        units.push(org.json()["id"].as_i64().unwrap());
    }
    let campaign = w.t.get("/api/v1/campaigns/current").await.json();
    let day = campaign["activity_from"].as_str().unwrap().to_owned();
    for (u, org) in units.iter().enumerate() {
        let county = COUNTIES[u / 4];
        let unit = format!("org:{org}");
        let keys = [county, unit.as_str()];
        for k in 0..(1 + u % 3) {
            let joint = (u + k) % 2 == 0;
            let scientists = if (u + k) % 3 == 1 { 0 } else { 2 };
            let food = (u + k) % 4 == 0;
            let name = if food {
                format!("食品安全进社区{u}-{k}")
            } else {
                format!("科普讲座{u}-{k}")
            };
            let mut body = complete(*org);
            let b = body.as_object_mut().unwrap();
            b.insert("name".into(), json!(name));
            b.insert("region_code".into(), json!(county));
            b.insert(
                "section".into(),
                json!(if joint { "joint_action" } else { "lecture" }),
            );
            b.insert("scientist_count".into(), json!(scientists));
            if scientists == 0 {
                b.insert("scientists".into(), json!([]));
            }
            b.insert("sessions".into(), json!([]));
            let id = approve(&w, body).await;
            add(&mut expected.approved, &keys, 1);
            add(&mut expected.joint, &keys, i64::from(joint));
            add(
                &mut expected.with_scientists,
                &keys,
                i64::from(scientists > 0),
            );
            add(&mut expected.food_safety, &keys, i64::from(food));
            if (u + k) % 2 == 1 {
                let s = full(&w, &w.host, id, 100 + u as i64).await;
                let saved = put(&w, &w.host, id, s).await;
                assert_eq!(saved.json()["complete"], true, "{}", saved.text);
                add(&mut expected.media_links, &keys, 1);
            }
        }
        for p in 0..(u % 3) {
            let r =
                w.t.post(
                    "/api/v1/online-posts",
                    Some(&w.host),
                    json!({
                        "platform": "douyin",
                        "url": format!("https://www.douyin.com/video/{u}{p}7"),
                        "title": "三分钟看懂秋夜星空",
                        "kind": "content",
                        "published_at": format!("{day}T19:30:00+08:00"),
                        "hashtag_confirmed": true,
                        "org_id": org,
                    }),
                )
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
            add(&mut expected.posts, &keys, 1);
        }
    }
    // Waiting in review: counted by nobody's approved figures, though its name holds the
    // keyword.
    for (c, county) in COUNTIES.iter().enumerate() {
        let mut body = complete(units[c * 4]);
        let b = body.as_object_mut().unwrap();
        b.insert("name".into(), json!("食品安全审核中"));
        b.insert("region_code".into(), json!(county));
        b.insert("sessions".into(), json!([]));
        let made = w.t.post("/api/v1/activities", Some(&w.host), body).await;
        let id = made.json()["id"].as_i64().unwrap();
        attach_poster(&w, id).await;
        let submitted = act(&w, &w.host, id, "submit", json!({})).await;
        assert_eq!(submitted.status, StatusCode::OK, "{}", submitted.text);
    }
    Generated { w, units, expected }
}

/// Creates, submits and approves at both levels; the activity's id.
async fn approve(w: &World, body: Value) -> i64 {
    let made = w.t.post("/api/v1/activities", Some(&w.host), body).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    let id = made.json()["id"].as_i64().unwrap();
    attach_poster(w, id).await;
    let submitted = act(w, &w.host, id, "submit", json!({})).await;
    assert_eq!(submitted.status, StatusCode::OK, "{}", submitted.text);
    act(w, &w.henan, id, "decisions", json!({"decision": "approve"})).await;
    let done = act(
        w,
        &w.national,
        id,
        "decisions",
        json!({"decision": "approve"}),
    )
    .await;
    assert_eq!(done.json()["status"], "approved", "{}", done.text);
    id
}

fn tangshan(subjects: &str) -> Value {
    let mut t: Value = serde_json::from_str(domain::evaluation::TEMPLATE_TANGSHAN).unwrap();
    t["region_code"] = json!("411200");
    t["subjects"] = json!(subjects);
    t["name"] = json!(format!("2026年三门峡市全国科普日考评（{subjects}）"));
    t
}

async fn create(w: &World, token: &str, body: Value) -> i64 {
    let r =
        w.t.post("/api/v1/evaluation-schemes", Some(token), body)
            .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    r.json()["id"].as_i64().unwrap()
}

async fn results(w: &World, token: &str, id: i64) -> Value {
    let r =
        w.t.get_as(token, &format!("/api/v1/evaluation-schemes/{id}/results"))
            .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.json()
}

async fn judge(w: &World, token: &str, id: i64, body: Value) -> crate::support::TestResponse {
    w.t.call(
        Method::PUT,
        &format!("/api/v1/evaluation-schemes/{id}/judged"),
        Some(token),
        Some(body),
    )
    .await
}

fn row<'a>(r: &'a Value, subject: &str) -> &'a Value {
    r["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|row| {
            row["subject"]["code"] == subject
                || row["subject"]["org_id"]
                    .as_i64()
                    .is_some_and(|id| format!("org:{id}") == subject)
        })
        .unwrap_or_else(|| panic!("{subject} not in {r}"))
}

fn figure(r: &Value, subject: &str, key: &str) -> f64 {
    row(r, subject)["figures"][key]
        .as_f64()
        .unwrap_or_else(|| panic!("{subject}.{key} in {}", row(r, subject)))
}

fn get(map: &BTreeMap<String, i64>, k: &str) -> f64 {
    map.get(k).copied().unwrap_or(0) as f64
}

/// Each score and total recomputed from the figures the way the scheme's definition says,
/// independently of the server's arithmetic.
fn check_scores(r: &Value) {
    let indicators = r["indicators"].as_array().unwrap();
    let rows = r["rows"].as_array().unwrap();
    for row in rows {
        let mut total = 0.0;
        for i in indicators {
            let key = i["key"].as_str().unwrap();
            let weight = i["weight"].as_f64().unwrap();
            let score = row["scores"][key].as_f64();
            if i["kind"] == "measured" {
                let f = row["figures"][key].as_f64();
                let best = rows
                    .iter()
                    .filter_map(|o| o["figures"][key].as_f64())
                    .fold(0.0, f64::max);
                let want = match (f, i["measure"].as_str().unwrap()) {
                    (None, _) => 0.0,
                    (Some(f), "approved_vs_quota") => f.min(100.0),
                    (Some(_), _) if best == 0.0 => 0.0,
                    (Some(f), _) => 100.0 * f / best,
                };
                let got = score.unwrap();
                assert!((got - want).abs() < 0.006, "{key}: {got} ≠ {want} in {row}");
            }
            total += weight * score.unwrap_or(0.0) / 100.0;
        }
        let got = row["total"].as_f64().unwrap();
        assert!((got - total).abs() < 0.02, "total {got} ≠ {total} in {row}");
    }
}

async fn the_tangshan_scheme_counts_every_figure_as_the_activities_show(backend: Backend) {
    let g = generate(backend).await;
    let w = &g.w;
    let e = &g.expected;
    // 任务指标: the counties' and the units' targets.
    for (c, target) in COUNTIES.iter().zip([10, 8, 6]) {
        let q =
            w.t.call(
                Method::PUT,
                "/api/v1/quotas",
                Some(&w.city),
                Some(json!({"target_kind": "region", "target_ref": c, "target": target})),
            )
            .await;
        assert_eq!(q.status, StatusCode::OK, "{}", q.text);
    }
    for org in &g.units {
        let q =
            w.t.call(
                Method::PUT,
                "/api/v1/quotas",
                Some(&w.city),
                Some(json!({"target_kind": "org", "target_ref": org, "target": 2})),
            )
            .await;
        assert_eq!(q.status, StatusCode::OK, "{}", q.text);
    }

    let areas = create(w, &w.city, tangshan("areas")).await;
    let r = results(w, &w.city, areas).await;
    assert_eq!(r["frozen"], false);
    assert_eq!(r["published"], false);
    // Every division directly under 三门峡 is a subject (its development zone too), the
    // three with activities among them.
    assert_eq!(r["rows"].as_array().unwrap().len(), 7, "{r}");
    for (c, target) in COUNTIES.iter().zip([10.0, 8.0, 6.0]) {
        let volume = 100.0 * get(&e.approved, c) / target;
        assert!((figure(&r, c, "volume") - volume).abs() < 0.006, "{c}");
        assert_eq!(figure(&r, c, "publicity"), get(&e.media_links, c), "{c}");
        assert_eq!(
            figure(&r, c, "volunteers"),
            get(&e.with_scientists, c),
            "{c}"
        );
        assert_eq!(figure(&r, c, "joint"), get(&e.joint, c), "{c}");
        assert_eq!(figure(&r, c, "online"), get(&e.posts, c), "{c}");
    }
    // A county without a quota has no completion figure, and scores 0 on it.
    assert!(row(&r, "411224")["figures"].get("volume").is_none(), "{r}");
    assert_eq!(row(&r, "411224")["scores"]["volume"], 0.0);
    check_scores(&r);
    // Each figure's activities, counted exactly as the figure.
    for c in COUNTIES {
        for key in ["publicity", "volunteers", "joint"] {
            let counted =
                w.t.get_as(
                    &w.city,
                    &format!("/api/v1/evaluation-schemes/{areas}/counted?subject={c}&key={key}"),
                )
                .await;
            assert_eq!(counted.status, StatusCode::OK, "{}", counted.text);
            assert_eq!(
                counted.json()["sum"].as_f64().unwrap(),
                figure(&r, c, key),
                "{c} {key}: {}",
                counted.text
            );
        }
    }
    let posts =
        w.t.get_as(
            &w.city,
            &format!("/api/v1/evaluation-schemes/{areas}/counted?subject=411202&key=online"),
        )
        .await;
    assert_eq!(posts.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        posts.field("key"),
        "该指标统计的不是活动（千万IP创科普作品或工作总结），请在相应页面查看"
    );

    // The judged parts.
    for (c, (m, h)) in COUNTIES
        .iter()
        .zip([(90.0, 85.0), (70.0, 95.0), (60.0, 40.0)])
    {
        for (key, score) in [("mobilisation", m), ("highlights", h)] {
            let j = judge(
                w,
                &w.city,
                areas,
                json!({"subject_code": c, "key": key, "score": score, "comment": "材料翔实"}),
            )
            .await;
            assert_eq!(j.status, StatusCode::OK, "{}", j.text);
        }
    }
    let r = results(w, &w.city, areas).await;
    assert_eq!(row(&r, "411202")["scores"]["mobilisation"], 90.0);
    assert_eq!(row(&r, "411202")["comments"]["highlights"], "材料翔实");
    check_scores(&r);
    let ranks: Vec<i64> = r["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row["rank"].as_i64().unwrap())
        .collect();
    assert!(
        ranks.windows(2).all(|p| p[0] <= p[1]),
        "best first: {ranks:?}"
    );

    // The units: the same template over the twelve organisations (and the world's own).
    let units = create(w, &w.city, tangshan("units")).await;
    let r = results(w, &w.city, units).await;
    assert_eq!(r["rows"].as_array().unwrap().len(), 13, "{r}");
    for org in &g.units {
        let k = format!("org:{org}");
        let volume = 100.0 * get(&e.approved, &k) / 2.0;
        assert!((figure(&r, &k, "volume") - volume).abs() < 0.006, "{k}");
        assert_eq!(figure(&r, &k, "publicity"), get(&e.media_links, &k), "{k}");
        assert_eq!(
            figure(&r, &k, "volunteers"),
            get(&e.with_scientists, &k),
            "{k}"
        );
        assert_eq!(figure(&r, &k, "joint"), get(&e.joint, &k), "{k}");
        assert_eq!(figure(&r, &k, "online"), get(&e.posts, &k), "{k}");
    }
    check_scores(&r);

    // 蒲城: each unit's food-safety count is its approved activities named 食品安全.
    let mut pucheng: Value =
        serde_json::from_str(domain::evaluation::TEMPLATE_PUCHENG_FOOD_SAFETY).unwrap();
    pucheng["region_code"] = json!("411200");
    let food = create(w, &w.city, pucheng).await;
    let r = results(w, &w.city, food).await;
    let key = r["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["measure"] == "topic_count")
        .unwrap()["key"]
        .as_str()
        .unwrap()
        .to_owned();
    for org in &g.units {
        let k = format!("org:{org}");
        assert_eq!(figure(&r, &k, &key), get(&e.food_safety, &k), "{k}");
        let counted =
            w.t.get_as(
                &w.city,
                &format!("/api/v1/evaluation-schemes/{food}/counted?subject={k}&key={key}"),
            )
            .await;
        assert!(
            counted.json()["activities"]
                .as_array()
                .unwrap()
                .iter()
                .all(|a| a["name"].as_str().unwrap().contains("食品安全")),
            "{}",
            counted.text
        );
        assert_eq!(
            counted.json()["sum"].as_f64().unwrap(),
            get(&e.food_safety, &k)
        );
    }

    // Rebuilt from scratch, the rollups give the same figures.
    app::stats::rebuild(&w.t.app.db).await.unwrap();
    let again = results(w, &w.city, units).await;
    for org in &g.units {
        let k = format!("org:{org}");
        assert_eq!(
            row(&again, &k)["figures"],
            row(&results(w, &w.city, units).await, &k)["figures"]
        );
        assert_eq!(
            figure(&again, &k, "publicity"),
            get(&e.media_links, &k),
            "{k}"
        );
    }
}

async fn a_worked_example_ranks_totals_and_commends_as_computed_by_hand(backend: Backend) {
    let g = generate(backend).await;
    let w = &g.w;
    // Approved: 411202 has 1+2+3+1 = 7, 411203 2+3+1+2 = 8, 411221 3+1+2+3 = 9.
    assert_eq!(g.expected.approved["411202"], 7);
    assert_eq!(g.expected.approved["411203"], 8);
    assert_eq!(g.expected.approved["411221"], 9);
    let scheme = create(
        w,
        &w.city,
        json!({
            "name": "手算示例",
            "region_code": "411200",
            "subjects": "areas",
            "commend_top": 1,
            "indicators": [
                {"key": "volume", "name": "数量规模", "weight": 60, "kind": "measured", "measure": "approved", "target": 8},
                {"key": "mobilisation", "name": "组织动员", "weight": 40, "kind": "judged"}
            ]
        }),
    )
    .await;
    for (c, s) in COUNTIES.iter().zip([100, 50, 70]) {
        let j = judge(
            w,
            &w.city,
            scheme,
            json!({"subject_code": c, "key": "mobilisation", "score": s}),
        )
        .await;
        assert_eq!(j.status, StatusCode::OK, "{}", j.text);
    }
    // A unit's activity nominated: it is named in the commendations.
    let nominated = {
        let id = approve(w, {
            let mut b = complete(g.units[0]);
            b["region_code"] = json!("411202");
            b["sessions"] = json!([]);
            b["name"] = json!("推优的天文活动");
            b
        })
        .await;
        let s = full(w, &w.host, id, 120).await;
        put(w, &w.host, id, s).await;
        let n =
            w.t.post(
                &format!("/api/v1/activities/{id}/nominations"),
                Some(&w.host),
                json!({"opinion": "本单位推荐"}),
            )
            .await;
        assert_eq!(n.status, StatusCode::CREATED, "{}", n.text);
        id
    };
    let r = results(w, &w.city, scheme).await;
    // By hand (411202 now 8 approved with the nominated one):
    // 411202: 60 × 8/8 + 40 × 100% = 100; 411203: 60 × 8/8 + 40 × 50% = 80;
    // 411221: 60 × 100% (9 ≥ 8) + 40 × 70% = 88; the other four: 0, sharing rank 4.
    let total = |c: &str| row(&r, c)["total"].as_f64().unwrap();
    let rank = |c: &str| row(&r, c)["rank"].as_i64().unwrap();
    assert_eq!(total("411202"), 100.0);
    assert_eq!(total("411221"), 88.0);
    assert_eq!(total("411203"), 80.0);
    assert_eq!((rank("411202"), rank("411221"), rank("411203")), (1, 2, 3));
    for c in ["411224", "411271", "411281", "411282"] {
        assert_eq!((total(c), rank(c)), (0.0, 4), "{c}");
    }
    assert_eq!(
        r["commendations"]["subjects"],
        json!([{"code": "411202", "name": "湖滨区"}])
    );
    assert_eq!(
        r["commendations"]["activities"],
        json!([{"activity_id": nominated, "name": "推优的天文活动", "subject": "湖滨区", "nomination": "open"}])
    );

    // The export opens with a real reader and holds what the page shows.
    let x =
        w.t.get_as(
            &w.city,
            &format!("/api/v1/evaluation-schemes/{scheme}/results.xlsx"),
        )
        .await;
    assert_eq!(x.status, StatusCode::OK, "{}", x.text);
    let rows = sheet(&x.bytes);
    assert_eq!(
        rows[0],
        [
            "名次",
            "考评对象",
            "数量规模（统计数）",
            "数量规模（得分，权重60%）",
            "组织动员（得分，权重40%）",
            "总分",
            "表扬"
        ]
    );
    assert_eq!(rows[1], ["1", "湖滨区", "8", "100", "100", "100", "是"]);
    assert_eq!(rows[2], ["2", "渑池县", "9", "100", "70", "88", ""]);
    assert_eq!(rows[3], ["3", "陕州区", "8", "100", "50", "80", ""]);
    assert!(rows[4][4] == "待评", "{:?}", rows[4]);

    // Frozen: kept as it stood; judged scores no longer change.
    let f =
        w.t.post(
            &format!("/api/v1/evaluation-schemes/{scheme}/freeze"),
            Some(&w.city),
            json!({}),
        )
        .await;
    assert_eq!(f.status, StatusCode::OK, "{}", f.text);
    assert_eq!(f.json()["frozen"], true);
    let late = judge(
        w,
        &w.city,
        scheme,
        json!({"subject_code": "411203", "key": "mobilisation", "score": 100}),
    )
    .await;
    assert_eq!(late.status, StatusCode::CONFLICT);
    assert_eq!(late.message(), "考评结果已冻结，评分不能再修改");
    approve(w, {
        let mut b = complete(g.units[4]);
        b["region_code"] = json!("411203");
        b["sessions"] = json!([]);
        b
    })
    .await;
    let kept = results(w, &w.city, scheme).await;
    assert_eq!(
        row(&kept, "411203")["figures"]["volume"],
        8.0,
        "frozen figures stay"
    );

    // Not yet published: the county below sees nothing; published, it reads the ranking.
    let county =
        w.t.user(
            "13900000031",
            "湖滨区科协",
            domain::role::Role::CountyAdmin,
            Some("411202"),
        )
        .await;
    let hidden =
        w.t.get_as(
            &county,
            &format!("/api/v1/evaluation-schemes/{scheme}/results"),
        )
        .await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);
    assert_eq!(hidden.message(), "未找到该考评方案");
    let p =
        w.t.post(
            &format!("/api/v1/evaluation-schemes/{scheme}/publish"),
            Some(&w.city),
            json!({}),
        )
        .await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.text);
    assert_eq!(p.json()["published"], true);
    let seen = results(w, &county, scheme).await;
    assert_eq!(row(&seen, "411202")["rank"], 1);
    let mine =
        w.t.get_as(&county, "/api/v1/evaluation-schemes")
            .await
            .json();
    assert_eq!(mine["items"][0]["manageable"], false, "{mine}");
    let not_theirs = judge(
        w,
        &county,
        scheme,
        json!({"subject_code": "411202", "key": "mobilisation", "score": 100}),
    )
    .await;
    assert_eq!(not_theirs.status, StatusCode::FORBIDDEN);
    assert_eq!(
        not_theirs.message(),
        "只有制定考评方案的地区的管理员可以评分、冻结或公布"
    );
    let again =
        w.t.post(
            &format!("/api/v1/evaluation-schemes/{scheme}/publish"),
            Some(&w.city),
            json!({}),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(again.message(), "考评结果已经公布");
}

async fn a_scheme_is_refused_beside_each_broken_rule_and_stays_in_its_area(backend: Backend) {
    let w = world(backend).await;
    let mut bad = tangshan("areas");
    bad["indicators"][0]["weight"] = json!(25);
    let r =
        w.t.post("/api/v1/evaluation-schemes", Some(&w.city), bad)
            .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.field("indicators"),
        "各项指标的权重合计须为100（现为110）"
    );
    let mut unknown = tangshan("areas");
    unknown["indicators"][1]["measure"] = json!("visitors");
    let r =
        w.t.post("/api/v1/evaluation-schemes", Some(&w.city), unknown)
            .await;
    assert_eq!(r.field("indicators[1].measure"), "未知的统计项“visitors”");
    let mut twice = tangshan("areas");
    twice["indicators"][1]["key"] = json!("mobilisation");
    let r =
        w.t.post("/api/v1/evaluation-schemes", Some(&w.city), twice)
            .await;
    assert_eq!(r.field("indicators[1].key"), "键名“mobilisation”重复");
    let r =
        w.t.post(
            "/api/v1/evaluation-schemes",
            Some(&w.host),
            tangshan("areas"),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.message(), "只有管理员可以制定考评方案");
    let r =
        w.t.post(
            "/api/v1/evaluation-schemes",
            Some(&w.shaanxi),
            tangshan("areas"),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.message(), "只能考评本辖区的下级地区或单位");
    let mut county = tangshan("areas");
    county["region_code"] = json!("411202");
    let r =
        w.t.post("/api/v1/evaluation-schemes", Some(&w.city), county)
            .await;
    assert_eq!(
        r.field("subjects"),
        "县级没有下级地区，请选择“本地区单位”（units）"
    );
    let list =
        w.t.get_as(&w.city, "/api/v1/evaluation-schemes")
            .await
            .json();
    assert_eq!(list["total"], 0, "nothing refused was kept: {list}");

    let id = create(&w, &w.city, tangshan("areas")).await;
    // Another province's administrator learns nothing of it, not even that it exists.
    for path in [
        format!("/api/v1/evaluation-schemes/{id}"),
        format!("/api/v1/evaluation-schemes/{id}/results"),
        format!("/api/v1/evaluation-schemes/{id}/results.xlsx"),
    ] {
        let r = w.t.get_as(&w.shaanxi, &path).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(r.message(), "未找到该考评方案");
    }
    let r = judge(
        &w,
        &w.shaanxi,
        id,
        json!({"subject_code": "411202", "key": "mobilisation", "score": 50}),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let other =
        w.t.get_as(&w.shaanxi, "/api/v1/evaluation-schemes")
            .await
            .json();
    assert_eq!(other["total"], 0);
    // The province above sees and manages it.
    let above =
        w.t.get_as(&w.henan, &format!("/api/v1/evaluation-schemes/{id}"))
            .await;
    assert_eq!(above.json()["manageable"], true, "{}", above.text);

    // Judged scores: each rule beside its field; nothing refused is kept.
    for (body, field, message) in [
        (
            json!({"subject_code": "411202", "key": "mobilisation", "score": 101}),
            "score",
            "分数须在0至100之间",
        ),
        (
            json!({"subject_code": "411202", "key": "volume", "score": 50}),
            "key",
            "“数量规模”是平台统计的指标，不能打分",
        ),
        (
            json!({"subject_code": "411202", "key": "nothing", "score": 50}),
            "key",
            "考评方案中没有指标“nothing”",
        ),
        (
            json!({"subject_code": "610102", "key": "mobilisation", "score": 50}),
            "subject_code",
            "请选择本方案考评的下级地区（subject_code）",
        ),
        (
            json!({"subject_org_id": w.org, "key": "mobilisation", "score": 50}),
            "subject_code",
            "请选择本方案考评的下级地区（subject_code）",
        ),
    ] {
        let r = judge(&w, &w.city, id, body.clone()).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(r.field(field), message, "{body}");
    }
    let r = results(&w, &w.city, id).await;
    assert!(
        r["rows"]
            .as_array()
            .unwrap()
            .iter()
            .all(|row| row["scores"].get("mobilisation").is_none()),
        "{r}"
    );
}

/// Makes a campaign labelled `year` current, its activity window around the test's dates.
async fn campaign(w: &World, year: i64) -> i64 {
    let r = w
        .t
        .post(
            "/api/v1/campaigns",
            Some(&w.national),
            json!({"year": year, "theme": format!("{year}年全国科普日"), "sections": [{"key": "exhibition", "name": "千馆展览探未来"}],
                   "activity_from": "2026-08-01", "activity_to": "2026-10-31", "current": true}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    r.json()["id"].as_i64().unwrap()
}

async fn reject(w: &World, id: i64, reason: &str) {
    let r = act(
        w,
        &w.henan,
        id,
        "decisions",
        json!({"decision": "reject", "reason": reason}),
    )
    .await;
    assert_eq!(r.json()["status"], "province_rejected", "{}", r.text);
}

async fn a_hosts_record_counts_three_campaigns_of_history(backend: Backend) {
    let w = world(backend).await;
    // This year's campaign: two approved (one supplemented on time), one rejected, a draft.
    let first = approve(&w, complete(w.org)).await;
    let s = full(&w, &w.host, first, 120).await;
    put(&w, &w.host, first, s).await;
    approve(&w, complete(w.org)).await;
    let rejected = crate::deadlines::submitted(&w, json!({"name": "材料不全的活动"})).await;
    reject(&w, rejected, "缺少活动方案").await;
    w.t.post("/api/v1/activities", Some(&w.host), json!({"name": "草稿"}))
        .await;
    // A second campaign: one approved, one rejected.
    campaign(&w, 2025).await;
    approve(&w, complete(w.org)).await;
    let poster = crate::deadlines::submitted(&w, json!({"name": "海报模糊的活动"})).await;
    w.t.clock.advance(chrono::Duration::minutes(5));
    reject(&w, poster, "海报不清晰").await;
    // A third: one approved, supplemented on time and nominated by the unit.
    campaign(&w, 2024).await;
    let nominated = approve(&w, complete(w.org)).await;
    let s = full(&w, &w.host, nominated, 120).await;
    put(&w, &w.host, nominated, s).await;
    let n =
        w.t.post(
            &format!("/api/v1/activities/{nominated}/nominations"),
            Some(&w.host),
            json!({"opinion": "本单位推荐"}),
        )
        .await;
    assert_eq!(n.status, StatusCode::CREATED, "{}", n.text);

    let r =
        w.t.get_as(&w.henan, &format!("/api/v1/orgs/{}/record", w.org))
            .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = r.json();
    // By hand: submitted 3 + 2 + 1, approved 2 + 1 + 1, rejected 1 + 1 + 0; on time 2 of
    // the 4 approved; one nominated, none awarded.
    assert_eq!(
        (
            r["submitted"].clone(),
            r["approved"].clone(),
            r["rejected"].clone()
        ),
        (json!(6), json!(4), json!(2)),
        "{r}"
    );
    assert_eq!(r["supplement_on_time_rate"], 0.5);
    assert_eq!(
        (r["nominated"].clone(), r["awarded"].clone()),
        (json!(1), json!(0))
    );
    let years: Vec<(i64, i64, i64, i64)> = r["campaigns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["year"].as_i64().unwrap(),
                c["submitted"].as_i64().unwrap(),
                c["approved"].as_i64().unwrap(),
                c["rejected"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        years,
        [(2026, 3, 2, 1), (2025, 2, 1, 1), (2024, 1, 1, 0)],
        "{r}"
    );
    let reasons: Vec<&str> = r["rejections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["reason"].as_str().unwrap())
        .collect();
    assert_eq!(reasons, ["海报不清晰", "缺少活动方案"]);
    // Its members see it; an administrator elsewhere, or another host, does not.
    let own =
        w.t.get_as(&w.host, &format!("/api/v1/orgs/{}/record", w.org))
            .await;
    assert_eq!(own.status, StatusCode::OK);
    for token in [&w.shaanxi, &w.t.log_in("13800138555").await] {
        let r =
            w.t.get_as(token, &format!("/api/v1/orgs/{}/record", w.org))
                .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert_eq!(r.message(), "未找到该单位");
    }
}
