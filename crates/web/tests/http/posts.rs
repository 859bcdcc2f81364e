//! 千万IP创科普 online posts: registration by an organisation's members, the platforms'
//! hosts, duplicates after normalisation, the counting window, moderation in scope, and the
//! statistics.

use axum::http::{Method, StatusCode};
use domain::role::Role;
use serde_json::{Value, json};
use store::on_both_backends;
use store::testing::Backend;

use crate::support::TestApp;

on_both_backends!(
    a_member_registers_a_post_and_it_is_counted,
    each_post_rule_is_refused_with_its_message,
    admins_moderate_only_in_their_area,
    members_import_posts_from_a_table,
    posts_count_towards_quotas,
);

struct Unit {
    t: TestApp,
    member: String,
    org: i64,
    outsider: String,
    county: String,
    other_county: String,
    /// A day inside the campaign's counting window.
    day: String,
}

async fn unit(backend: Backend) -> Unit {
    let t = TestApp::new(backend).await;
    let member = t.log_in("13800138701").await;
    let org = t
        .post(
            "/api/v1/orgs",
            Some(&member),
            json!({"name": "湖滨区科技馆", "kind": "venue", "region_code": "411202"}),
        )
        .await
        .json()["id"]
        .as_i64()
        .unwrap();
    let outsider = t.log_in("13800138702").await;
    let county = t
        .user(
            "13900000701",
            "湖滨区科协",
            Role::CountyAdmin,
            Some("411202"),
        )
        .await;
    let other_county = t
        .user(
            "13900000702",
            "陕州区科协",
            Role::CountyAdmin,
            Some("411203"),
        )
        .await;
    let campaign = t.get("/api/v1/campaigns/current").await.json();
    let day = campaign["activity_from"].as_str().unwrap().to_owned();
    Unit {
        t,
        member,
        org,
        outsider,
        county,
        other_county,
        day,
    }
}

fn post(u: &Unit, url: &str) -> Value {
    json!({
        "platform": "douyin",
        "url": url,
        "title": "三分钟看懂秋夜星空",
        "kind": "content",
        "published_at": format!("{}T19:30:00+08:00", u.day),
        "hashtag_confirmed": true,
    })
}

async fn a_member_registers_a_post_and_it_is_counted(backend: Backend) {
    let u = unit(backend).await;
    let r =
        u.t.post(
            "/api/v1/online-posts",
            Some(&u.member),
            post(&u, "https://www.douyin.com/video/741/?utm_source=wx"),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let made = r.json();
    assert_eq!(made["org_id"], u.org);
    assert_eq!(made["org_name"], "湖滨区科技馆");
    assert_eq!(made["region_code"], "411202");
    assert_eq!(made["status"], "visible");
    // The same work again, written differently.
    let r =
        u.t.post(
            "/api/v1/online-posts",
            Some(&u.member),
            post(&u, "http://douyin.com/video/741"),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.message(), "该作品链接已登记过（同一作品只计一次）");
    let mut qa = post(&u, "https://www.zhihu.com/question/1/answer/2");
    qa["platform"] = json!("zhihu");
    qa["kind"] = json!("qa");
    let r = u.t.post("/api/v1/online-posts", Some(&u.member), qa).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);

    let list = u.t.get("/api/v1/online-posts?platform=douyin").await.json();
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["title"], "三分钟看懂秋夜星空");
    for region in ["411202", "411200", "410000"] {
        let stats =
            u.t.get_as(&u.county, &format!("/api/v1/stats?region={region}"))
                .await;
        if region != "411202" {
            assert_eq!(
                stats.status,
                StatusCode::FORBIDDEN,
                "a county admin reads its county only"
            );
            continue;
        }
        let stats = stats.json();
        assert_eq!(stats["online_posts"]["total"], 2, "{stats}");
        assert_eq!(stats["online_posts"]["by_platform"]["douyin"], 1);
        assert_eq!(stats["online_posts"]["by_kind"]["qa"], 1);
    }
    let other =
        u.t.get_as(&u.other_county, "/api/v1/stats?region=411203")
            .await
            .json();
    assert_eq!(other["online_posts"]["total"], 0);

    // Edited and deleted by the unit's members only.
    let id = made["id"].as_i64().unwrap();
    let path = format!("/api/v1/online-posts/{id}");
    let r =
        u.t.patch(&u.outsider, &path, None, json!({"title": "别人的标题"}))
            .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.message(), "只能修改本单位登记的作品");
    let r =
        u.t.patch(&u.member, &path, None, json!({"title": "秋夜星空三分钟"}))
            .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["title"], "秋夜星空三分钟");
    let r =
        u.t.call(Method::DELETE, &path, Some(&u.outsider), None)
            .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = u.t.call(Method::DELETE, &path, Some(&u.member), None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(u.t.get("/api/v1/online-posts").await.json()["total"], 1);
}

async fn each_post_rule_is_refused_with_its_message(backend: Backend) {
    let u = unit(backend).await;
    let send = |token: &str, body: Value| {
        let t = &u.t;
        let token = token.to_owned();
        async move { t.post("/api/v1/online-posts", Some(&token), body).await }
    };
    let r = send(&u.member, post(&u, "https://weibo.com/123/abc")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.field("url"),
        "链接不是抖音的网址（应为 douyin.com、iesdouyin.com 等域名）"
    );
    let mut body = post(&u, "javascript:alert(1)");
    body["hashtag_confirmed"] = json!(false);
    body["published_at"] = json!("2030-01-01");
    body["title"] = json!("短");
    body["kind"] = json!("repost");
    let r = send(&u.member, body).await;
    assert_eq!(
        r.field("url"),
        "链接须为以 http:// 或 https:// 开头的完整网址"
    );
    assert_eq!(
        r.field("hashtag_confirmed"),
        "请确认作品已带话题 #千万IP创科普#（未带话题的作品不计入）"
    );
    assert!(
        r.field("published_at")
            .starts_with("发布时间须在本届活动的统计期内"),
        "{}",
        r.text
    );
    assert_eq!(r.field("title"), "标题至少2个字");
    assert!(!r.field("kind").is_empty());
    let mut body = post(&u, "https://douyin.com/video/9");
    body["platform"] = json!("tiktok");
    assert_eq!(
        send(&u.member, body).await.field("platform"),
        "未知平台“tiktok”"
    );
    // Only for one's own organisation.
    let mut body = post(&u, "https://douyin.com/video/9");
    body["org_id"] = json!(u.org);
    let r = send(&u.outsider, body).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.message(), "只能以本人所在单位的名义登记作品");
    let r = send(&u.outsider, post(&u, "https://douyin.com/video/9")).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.message(), "请先加入或申请一个单位，再以单位名义登记作品");
    assert_eq!(
        u.t.get("/api/v1/online-posts").await.json()["total"],
        0,
        "nothing was stored"
    );
}

async fn admins_moderate_only_in_their_area(backend: Backend) {
    let u = unit(backend).await;
    let id =
        u.t.post(
            "/api/v1/online-posts",
            Some(&u.member),
            post(&u, "https://v.douyin.com/abc"),
        )
        .await
        .json()["id"]
            .as_i64()
            .unwrap();
    let path = format!("/api/v1/online-posts/{id}/moderation");
    let r =
        u.t.post(
            &path,
            Some(&u.other_county),
            json!({"decision": "hide", "reason": "与科普无关"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.message(), "只能处理本辖区单位登记的作品");
    let r =
        u.t.post(&path, Some(&u.county), json!({"decision": "hide"}))
            .await;
    assert_eq!(r.field("reason"), "隐藏作品须填写理由");
    let r =
        u.t.post(
            &path,
            Some(&u.county),
            json!({"decision": "hide", "reason": "与科普无关"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["status"], "hidden");
    assert_eq!(
        u.t.get("/api/v1/online-posts").await.json()["total"],
        0,
        "hidden from the public"
    );
    let seen = u.t.get_as(&u.county, "/api/v1/online-posts").await.json();
    assert_eq!(seen["total"], 1, "the area's admins still see it");
    // The area's export carries it with the reason; another area's has nothing of it.
    let export = u.t.get_as(&u.county, "/api/v1/online-posts.xlsx").await;
    assert_eq!(export.status, StatusCode::OK, "{}", export.text);
    let rows = crate::support::sheet(&export.bytes);
    assert_eq!(rows.len(), 2, "a heading and the post: {rows:?}");
    assert_eq!(rows[0][0], "平台");
    assert_eq!(rows[1][0], "抖音");
    assert_eq!(rows[1][8], "与科普无关", "{rows:?}");
    let other =
        u.t.get_as(&u.other_county, "/api/v1/online-posts.xlsx")
            .await;
    assert_eq!(
        crate::support::sheet(&other.bytes).len(),
        1,
        "only the heading"
    );
    let member = u.t.get_as(&u.member, "/api/v1/online-posts.xlsx").await;
    assert_eq!(member.status, StatusCode::FORBIDDEN);
    assert_eq!(member.message(), "只有管理员可以导出作品表");
    assert_eq!(seen["items"][0]["hidden_reason"], "与科普无关");
    assert_eq!(
        u.t.get_as(&u.other_county, "/api/v1/online-posts")
            .await
            .json()["total"],
        0
    );
    let stats =
        u.t.get_as(&u.county, "/api/v1/stats?region=411202")
            .await
            .json();
    assert_eq!(
        stats["online_posts"]["total"], 0,
        "hidden posts are not counted"
    );
    let r =
        u.t.post(&path, Some(&u.county), json!({"decision": "show"}))
            .await;
    assert_eq!(r.json()["status"], "visible");
    assert_eq!(u.t.get("/api/v1/online-posts").await.json()["total"], 1);
}

/// The import table: `head`, then `rows`.
fn posts_table(head: &[&str], rows: &[[&str; 7]]) -> Vec<u8> {
    let rows: Vec<&[&str]> = rows.iter().map(|r| r.as_slice()).collect();
    crate::support::workbook(head, &rows)
}

async fn members_import_posts_from_a_table(backend: Backend) {
    let u = unit(backend).await;
    let at = format!("{} 19:30", u.day);
    let rows = [
        [
            "1",
            "抖音",
            "https://www.douyin.com/video/900",
            "三分钟看懂秋夜星空",
            "发布内容",
            at.as_str(),
            "是",
        ],
        [
            "2",
            "weibo",
            "https://weibo.com/123/abc",
            "问答：月亮为什么有阴晴圆缺",
            "互动问答",
            u.day.as_str(),
            "是",
        ],
        [
            "3",
            "快手",
            "https://www.douyin.com/video/901",
            "走进科技馆",
            "发布内容",
            at.as_str(),
            "是",
        ],
        [
            "4",
            "推特",
            "https://x.com/a/1",
            "海外平台",
            "发布内容",
            at.as_str(),
            "是",
        ],
        [
            "5",
            "抖音",
            "https://douyin.com/video/900/?utm_source=wx",
            "同一作品",
            "发布内容",
            at.as_str(),
            "是",
        ],
        [
            "6",
            "知乎",
            "https://www.zhihu.com/question/9",
            "过早的作品",
            "作品互动",
            "2020-01-01",
            "否",
        ],
    ];
    let table = posts_table(&domain::posts::IMPORT_COLUMNS, &rows);
    let path = "/api/v1/online-posts/import";
    let org = u.org.to_string();
    let first =
        u.t.multipart(
            &u.member,
            path,
            &[("org_id", &org)],
            "作品.xlsx",
            table.clone(),
        )
        .await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text);
    let answer = first.json();
    assert_eq!(answer["created"], 2, "{answer}");
    let errors = answer["errors"].as_array().unwrap();
    let rows_refused: Vec<i64> = errors.iter().map(|e| e["row"].as_i64().unwrap()).collect();
    assert_eq!(rows_refused, vec![4, 5, 6, 7]);
    assert!(
        errors[0]["fields"]["url"]
            .as_str()
            .unwrap()
            .starts_with("链接不是快手的网址")
    );
    assert_eq!(
        errors[1]["fields"]["platform"],
        "未知平台“推特”，请填写如“抖音”“微博”"
    );
    assert_eq!(errors[2]["fields"]["url"], domain::posts::DUPLICATE_URL);
    assert!(
        errors[3]["fields"]["published_at"]
            .as_str()
            .unwrap()
            .starts_with("发布时间须在本届活动的统计期内")
    );
    assert_eq!(
        errors[3]["fields"]["hashtag_confirmed"],
        "请确认作品已带话题 #千万IP创科普#（未带话题的作品不计入）"
    );
    let listed = u.t.get("/api/v1/online-posts").await.json();
    assert_eq!(listed["total"], 2);
    // The same table again registers nothing twice.
    let again =
        u.t.multipart(&u.member, path, &[], "作品.xlsx", table.clone())
            .await
            .json();
    assert_eq!(again["created"], 0);
    assert_eq!(again["errors"][0]["row"], 2);
    assert_eq!(
        again["errors"][0]["fields"]["url"],
        domain::posts::DUPLICATE_URL
    );
    // Only for one's own organisation, and only the agreed table.
    let outsider =
        u.t.multipart(
            &u.outsider,
            path,
            &[("org_id", &org)],
            "作品.xlsx",
            table.clone(),
        )
        .await;
    assert_eq!(outsider.status, StatusCode::FORBIDDEN);
    assert_eq!(outsider.message(), "只能以本人所在单位的名义登记作品");
    let wrong =
        u.t.multipart(
            &u.member,
            path,
            &[],
            "作品.xlsx",
            posts_table(&["序号", "链接"], &[]),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        wrong
            .field("file")
            .starts_with("第1行须为表头：序号、平台、作品链接"),
        "{}",
        wrong.text
    );
    let empty =
        u.t.multipart(
            &u.member,
            path,
            &[],
            "作品.xlsx",
            posts_table(&domain::posts::IMPORT_COLUMNS, &[]),
        )
        .await;
    assert_eq!(empty.field("file"), "表中没有作品");
    assert_eq!(u.t.get("/api/v1/online-posts").await.json()["total"], 2);

    // The same through the page, signed in as a person would be.
    let cookie = crate::pages::sign_in(&u.t, "13800138701").await;
    let online = crate::pages::page(&u.t, "/online-ip", &cookie).await;
    assert!(online.text.contains("从表格批量登记"));
    let csrf = crate::pages::csrf_of(&online);
    let rows = [
        [
            "1",
            "知乎",
            "https://www.zhihu.com/question/77",
            "页面导入的问答",
            "互动问答",
            at.as_str(),
            "是",
        ],
        [
            "2",
            "抖音",
            "https://www.douyin.com/video/900",
            "又一次",
            "发布内容",
            at.as_str(),
            "是",
        ],
    ];
    let shown = page_import(
        &u.t,
        &cookie,
        &csrf,
        posts_table(&domain::posts::IMPORT_COLUMNS, &rows),
    )
    .await;
    assert_eq!(shown.status, StatusCode::OK, "{}", shown.text);
    assert!(
        shown.text.contains("已登记 1 件作品；以下 1 行未登记"),
        "{}",
        shown.text
    );
    assert!(
        shown
            .text
            .contains(&format!("第3行：{}", domain::posts::DUPLICATE_URL))
    );
    let wrong = page_import(&u.t, &cookie, &csrf, posts_table(&["序号"], &[])).await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        wrong.text.contains("未导入：第1行须为表头"),
        "{}",
        wrong.text
    );
    let forged = page_import(
        &u.t,
        &cookie,
        "forged",
        posts_table(&domain::posts::IMPORT_COLUMNS, &rows),
    )
    .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert_eq!(u.t.get("/api/v1/online-posts").await.json()["total"], 3);
}

/// The page's import form, sent as a browser would.
async fn page_import(
    t: &TestApp,
    cookie: &str,
    csrf: &str,
    table: Vec<u8>,
) -> crate::support::TestResponse {
    use axum::body::Body;
    use axum::http::{Request, header};
    let boundary = "kepu-page-import-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{csrf}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"作品.xlsx\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(&table);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let request = Request::builder()
        .method(Method::POST)
        .uri("/online-ip/import")
        .header(header::COOKIE, format!("kepu_session={cookie}"))
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .unwrap();
    t.send("127.0.0.1", request).await
}

/// A quota may count an area's or a unit's visible posts instead of approved activities.
async fn posts_count_towards_quotas(backend: Backend) {
    let u = unit(backend).await;
    let city =
        u.t.user(
            "13900000703",
            "三门峡市科协",
            Role::CityAdmin,
            Some("411200"),
        )
        .await;
    let set = |token: &str, body: Value| {
        let t = &u.t;
        let token = token.to_owned();
        async move {
            t.call(Method::PUT, "/api/v1/quotas", Some(&token), Some(body))
                .await
        }
    };
    let r = set(
        &city,
        json!({"target_kind": "region", "target_ref": "411202", "measure": "videos", "target": 2}),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.field("measure"),
        "指标类型须为活动（activities）或网络作品（online_posts）"
    );
    let r = set(
        &city,
        json!({"target_kind": "region", "target_ref": "411202", "measure": "online_posts",
               "section": "lecture", "target": 2}),
    )
    .await;
    assert_eq!(r.field("section"), "网络作品指标不分板块，请不要选择板块");
    let region = set(
        &city,
        json!({"target_kind": "region", "target_ref": "411202", "measure": "online_posts", "target": 2}),
    )
    .await;
    assert_eq!(region.status, StatusCode::OK, "{}", region.text);
    assert_eq!(region.json()["measure"], "online_posts");
    assert_eq!(region.json()["count"], 0);
    // The activities target of the same county is a different target.
    let activities = set(
        &city,
        json!({"target_kind": "region", "target_ref": "411202", "target": 5}),
    )
    .await;
    assert_eq!(activities.json()["measure"], "activities");
    assert_ne!(activities.json()["id"], region.json()["id"]);

    let first =
        u.t.post(
            "/api/v1/online-posts",
            Some(&u.member),
            post(&u, "https://www.douyin.com/video/901"),
        )
        .await
        .json();
    u.t.post(
        "/api/v1/online-posts",
        Some(&u.member),
        post(&u, "https://www.douyin.com/video/902"),
    )
    .await;
    let org = set(
        &u.county,
        json!({"target_kind": "org", "target_ref": u.org, "measure": "online_posts", "target": 3}),
    )
    .await;
    assert_eq!(org.status, StatusCode::OK, "{}", org.text);
    assert_eq!(org.json()["count"], 2);
    assert_eq!(org.json()["met"], false);
    // A hidden post stops counting.
    let hide = format!("/api/v1/online-posts/{}/moderation", first["id"]);
    let r =
        u.t.post(
            &hide,
            Some(&u.county),
            json!({"decision": "hide", "reason": "与科普无关"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let stats =
        u.t.get_as(&city, "/api/v1/stats?region=411200")
            .await
            .json();
    let quotas = stats["quotas"].as_array().unwrap();
    let posts = quotas
        .iter()
        .find(|q| q["target_kind"] == "region" && q["measure"] == "online_posts")
        .unwrap();
    assert_eq!(posts["count"], 1, "{stats}");
    assert_eq!(posts["target"], 2);
    let activities = quotas
        .iter()
        .find(|q| q["target_kind"] == "region" && q["measure"] == "activities")
        .unwrap();
    assert_eq!(activities["count"], 0);
}
