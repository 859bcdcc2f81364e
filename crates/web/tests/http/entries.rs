//! 报名表, the video contest's entry: a draft saves anything, files are checked by parsing
//! (every broken rule at once, nothing stored on refusal), submitting lists every problem at
//! once, one work enters once, and the 形式审查, withdrawal and disqualification each say
//! why. The MP4s are written here (app::fixtures), and parsed by the server's own crate.

use app::fixtures::{mp4, set_created};
use axum::http::StatusCode;
use domain::role::Role;
use serde_json::{Value, json};
use store::on_both_backends;
use store::testing::Backend;

use crate::support::{TestApp, TestResponse};

on_both_backends!(
    an_entrant_fills_the_form_and_submits_it,
    each_file_rule_is_refused_with_its_message,
    one_work_enters_once_and_only_its_author_or_unit_enters_it,
    screening_returning_withdrawing_and_disqualifying_each_say_why,
);

/// 三门峡's city admin, 郑州's city admin, an entrant, a second entrant, and a contest
/// open for entries (test clock 2026-07-01).
struct Contest {
    t: TestApp,
    admin: String,
    other_admin: String,
    entrant: String,
    second: String,
    id: i64,
}

async fn contest(backend: Backend, extra: Value) -> Contest {
    let t = TestApp::new(backend).await;
    let admin = t
        .user(
            "13800000301",
            "三门峡市科协",
            Role::CityAdmin,
            Some("411200"),
        )
        .await;
    let other_admin = t
        .user("13800000302", "郑州市科协", Role::CityAdmin, Some("410100"))
        .await;
    let entrant = t.log_in("13900000301").await;
    let second = t.log_in("13900000302").await;
    let mut body = json!({
        "name": "2026年三门峡市科普视频征集与展播",
        "region_code": "411200",
        "submit_from": "2026-07-01",
        "submit_to": "2026-07-15",
    });
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    let r = t.post("/api/v1/contests", Some(&admin), body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let id = r.json()["id"].as_i64().unwrap();
    let r = t
        .post(
            &format!("/api/v1/contests/{id}/status"),
            Some(&admin),
            json!({"status": "open"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    Contest {
        t,
        admin,
        other_admin,
        entrant,
        second,
        id,
    }
}

impl Contest {
    fn path(&self, rest: &str) -> String {
        format!("/api/v1/contests/{}{rest}", self.id)
    }

    async fn new_entry(&self, token: &str, body: Value) -> Value {
        let r = self.t.post(&self.path("/entries"), Some(token), body).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        r.json()
    }

    async fn upload(
        &self,
        token: &str,
        entry: i64,
        kind: &str,
        name: &str,
        bytes: Vec<u8>,
    ) -> TestResponse {
        self.t
            .multipart(
                token,
                &self.path(&format!("/entries/{entry}/media")),
                &[("kind", kind)],
                name,
                bytes,
            )
            .await
    }

    async fn edit(&self, token: &str, entry: i64, body: Value) -> TestResponse {
        let version = self
            .t
            .get_as(token, &self.path(&format!("/entries/{entry}")))
            .await
            .json()["version"]
            .as_i64()
            .unwrap();
        self.t
            .patch(
                token,
                &self.path(&format!("/entries/{entry}")),
                Some(version),
                body,
            )
            .await
    }

    async fn act(&self, token: &str, entry: i64, what: &str, body: Value) -> TestResponse {
        self.t
            .post(
                &self.path(&format!("/entries/{entry}/{what}")),
                Some(token),
                body,
            )
            .await
    }

    /// A self-nominated entry by `token` named `person`, filled in and with its video
    /// (`video`) and signed form uploaded; not submitted.
    async fn filled(&self, token: &str, person: &str, title: &str, video: Vec<u8>) -> i64 {
        let e = self.new_entry(token, self_form(person, title)).await;
        let id = e["id"].as_i64().unwrap();
        let v = self.upload(token, id, "video", "work.mp4", video).await;
        assert_eq!(v.status, StatusCode::CREATED, "{}", v.text);
        let f = self
            .upload(token, id, "signed_form", "form.pdf", pdf())
            .await;
        assert_eq!(f.status, StatusCode::CREATED, "{}", f.text);
        let r = self
            .edit(
                token,
                id,
                json!({"video": v.json()["id"], "signed_form": f.json()["id"]}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        id
    }
}

/// A good video: 4 minutes, 1920×1080, made in 2025.
fn good_video(salt: u8) -> Vec<u8> {
    let mut v = mp4(240, 1920, 1080, false, 2000 + usize::from(salt));
    set_created(&mut v, 1_748_736_000); // 2025-06-01
    v
}

fn pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".to_vec()
}

/// The seed's form filled in by a person entering for themselves.
fn self_form(person: &str, title: &str) -> Value {
    json!({
        "title": title,
        "field": "生态保护",
        "entry_mode": "self",
        "person_name": person,
        "region_code": "411202",
        "contact_name": person,
        "contact_phone": "13900000301",
        "introduction": "白天鹅为何选择三门峡越冬：湿地、水温与食物。",
        "innovation": "航拍与动画结合",
        "reach": "抖音播放十万次",
        "pledge": true,
        "authors": [{"name": person, "unit": "三门峡市广播电视台"}],
    })
}

async fn an_entrant_fills_the_form_and_submits_it(backend: Backend) {
    let c = contest(backend, json!({})).await;
    // A draft saves anything: here only a title.
    let e = c
        .new_entry(&c.entrant, json!({"title": "黄河湿地的冬候鸟"}))
        .await;
    assert_eq!(e["status"], "draft");
    assert_eq!(e["version"], 1);
    assert_eq!(e["editable"], true);
    let id = e["id"].as_i64().unwrap();
    let path = c.path(&format!("/entries/{id}"));

    // Submitting now lists every problem at once, each by its field, in Chinese.
    let r = c.act(&c.entrant, id, "submit", json!({})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(r.field("field"), "请选择类别（专业领域）");
    assert_eq!(r.field("introduction"), "请填写内容简介");
    assert_eq!(r.field("pledge"), "请阅读并确认作者承诺");
    assert_eq!(r.field("video"), "请上传作品视频");
    assert_eq!(
        r.field("signed_form"),
        "请上传签字（个人）或盖章（单位）的报名表 PDF"
    );
    assert_eq!(r.field("entry_mode"), "请选择参赛方式");
    assert!(
        r.json()["error"]["fields"].get("title").is_none(),
        "the title is fine"
    );

    // Edits need the version: none is 428, an old one 409, nothing changes.
    let r =
        c.t.patch(&c.entrant, &path, None, json!({"field": "生态保护"}))
            .await;
    assert_eq!(r.status, StatusCode::PRECONDITION_REQUIRED);
    let r =
        c.t.patch(&c.entrant, &path, Some(7), json!({"field": "生态保护"}))
            .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.message(), "报名表已在别处修改，请刷新后重试");
    // A draft keeps even what would not pass, within its bounds.
    let r =
        c.t.patch(
            &c.entrant,
            &path,
            Some(1),
            json!({"introduction": "长".repeat(300)}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["version"], 2);
    let r =
        c.t.patch(
            &c.entrant,
            &path,
            Some(2),
            json!({"introduction": "长".repeat(2001)}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.field("introduction"), "不能超过2000个字");
    // Others cannot change it: another person does not even see it.
    let r =
        c.t.patch(&c.second, &path, Some(2), json!({"title": "别人的"}))
            .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    let r = c
        .edit(&c.entrant, id, self_form("刘莎", "黄河湿地的冬候鸟"))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = c.act(&c.entrant, id, "submit", json!({})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.field("video"), "请上传作品视频");

    // The files: the video measured as displayed, its SHA-256; the signed form a PDF.
    let video = good_video(0);
    let sha = app::sha256_of_bytes(&video);
    let v = c
        .upload(&c.entrant, id, "video", "冬候鸟.mp4", video.clone())
        .await;
    assert_eq!(v.status, StatusCode::CREATED, "{}", v.text);
    let v = v.json();
    assert_eq!(v["kind"], "video");
    assert_eq!(v["sha256"], sha);
    assert_eq!(v["bytes"], video.len());
    assert_eq!(
        (v["width"].as_i64(), v["height"].as_i64()),
        (Some(1920), Some(1080))
    );
    assert_eq!(v["seconds"], 240.0);
    assert_eq!(v["created_at"], "2025-06-01T00:00:00Z");
    // The entrant fetches it back, a range at a time as a player does.
    let url = v["url"].as_str().unwrap().to_owned();
    let whole = c.t.get_as(&c.entrant, &url).await;
    assert_eq!(whole.status, StatusCode::OK);
    assert_eq!(whole.bytes, video);
    assert_eq!(whole.header("content-type"), "video/mp4");
    let f = c
        .upload(&c.entrant, id, "signed_form", "报名表.pdf", pdf())
        .await;
    assert_eq!(f.status, StatusCode::CREATED, "{}", f.text);
    // A file of another entry is not this entry's.
    let r = c
        .edit(
            &c.entrant,
            id,
            json!({"video": v["id"], "signed_form": f.json()["id"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);

    let r = c.act(&c.entrant, id, "submit", json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let s = r.json();
    assert_eq!(s["status"], "submitted");
    assert_eq!(s["editable"], false);
    assert_eq!(s["duration_seconds"], 240.0);
    assert_eq!(
        (s["width"].as_i64(), s["height"].as_i64()),
        (Some(1920), Some(1080))
    );
    assert!(s["submitted_at"].is_string() && s["pledged_at"].is_string());
    // The contest's file rules, criteria, modes and vote weight are frozen from now on.
    let contest = c.t.get(&c.path("")).await.json();
    assert_eq!(contest["frozen"], true);
    let version = contest["version"].as_i64().unwrap();
    let r =
        c.t.patch(
            &c.admin,
            &c.path(""),
            Some(version),
            json!({"file_rules": {"max_seconds": 600}, "criteria": [{"key": "scientific", "name": "科学性", "weight": 100}]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert_eq!(
        r.message(),
        "已有作品提交，文件要求、评分标准不能再修改（文件要求、评分标准、参赛方式和网络投票比重自首件作品提交起冻结）"
    );
    let r =
        c.t.patch(
            &c.admin,
            &c.path(""),
            Some(version),
            json!({"entry_modes": ["unit"]}),
        )
        .await;
    assert_eq!(
        r.message(),
        "已有作品提交，参赛方式不能再修改（文件要求、评分标准、参赛方式和网络投票比重自首件作品提交起冻结）"
    );
    // How the results are computed may still change (until they are published).
    let r =
        c.t.patch(
            &c.admin,
            &c.path(""),
            Some(version),
            json!({"aggregation": "median"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["aggregation"], "median");

    // Once submitted it no longer changes, and is not submitted twice.
    let r = c.edit(&c.entrant, id, json!({"title": "改个名字"})).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.message(), "此作品的状态为“已提交”，报名表不能再修改");
    let r = c.act(&c.entrant, id, "submit", json!({})).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let r = c
        .upload(&c.entrant, id, "video", "again.mp4", good_video(1))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);

    // The admin sees it with every field; another area's admin does not.
    let list = c.t.get_as(&c.admin, &c.path("/entries")).await.json();
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["contact_phone"], "13900000301");
    assert_eq!(
        c.t.get_as(&c.other_admin, &c.path("/entries")).await.json()["total"],
        0
    );
    assert_eq!(
        c.t.get_as(&c.other_admin, &path).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        c.t.get_as(&c.other_admin, &url).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(c.t.get(&path).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        c.t.get_as(&c.second, &c.path("/entries")).await.json()["total"],
        0
    );

    let history =
        c.t.get_as(&c.entrant, &c.path(&format!("/entries/{id}/history")))
            .await
            .json();
    assert_eq!(history[0]["from"], Value::Null);
    assert_eq!(history[0]["to"], "draft");
    assert_eq!(history[1]["from"], "draft");
    assert_eq!(history[1]["to"], "submitted");
}

/// A refused upload: what it is, its bytes, and the status, rule keys and message expected.
type Case = (
    &'static str,
    Vec<u8>,
    StatusCode,
    &'static [&'static str],
    &'static str,
);

async fn each_file_rule_is_refused_with_its_message(backend: Backend) {
    let c = contest(backend, json!({"file_rules": {"max_bytes": 600_000}})).await;
    let e = c.new_entry(&c.entrant, json!({})).await;
    let id = e["id"].as_i64().unwrap();
    let refused = |r: &TestResponse| -> (StatusCode, Vec<String>, String) {
        let body = r.json();
        assert_eq!(body["error"]["code"], "file_rules", "{}", r.text);
        let rules = body["error"]["rules"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect();
        (r.status, rules, r.field("file"))
    };
    let made = |seconds: u32, w: u16, h: u16, rotated: bool| {
        let mut v = mp4(seconds, w, h, rotated, 1000);
        set_created(&mut v, 1_748_736_000);
        v
    };
    let cases: Vec<Case> = vec![
        (
            "a 2-minute video",
            made(120, 1920, 1080, false),
            StatusCode::UNPROCESSABLE_ENTITY,
            &["duration"],
            "时长须为 180 至 300 秒（此视频约 120 秒）",
        ),
        (
            "5 min 1 s",
            made(301, 1920, 1080, false),
            StatusCode::UNPROCESSABLE_ENTITY,
            &["duration"],
            "时长须为 180 至 300 秒（此视频约 301 秒）",
        ),
        (
            "a 4:3",
            made(240, 1440, 1080, false),
            StatusCode::UNPROCESSABLE_ENTITY,
            &["aspect"],
            "画幅比例须为 16:9（此视频显示为 1440×1080）",
        ),
        (
            "a 720p",
            made(240, 1280, 720, false),
            StatusCode::UNPROCESSABLE_ENTITY,
            &["resolution"],
            "分辨率须为 1080p 以上（此视频高 720 像素）",
        ),
        (
            "a portrait phone video",
            made(240, 1920, 1080, true),
            StatusCode::UNPROCESSABLE_ENTITY,
            &["aspect"],
            "画幅比例须为 16:9（此视频显示为 1080×1920）",
        ),
        (
            "made before the date",
            {
                let mut v = mp4(240, 1920, 1080, false, 1000);
                set_created(&mut v, 1_717_200_000);
                v
            },
            StatusCode::UNPROCESSABLE_ENTITY,
            &["made_after"],
            "作品须为 2025-01-01 以后完成的（此文件创建于 2024-06-01）",
        ),
        (
            "several at once",
            made(120, 960, 720, false),
            StatusCode::UNPROCESSABLE_ENTITY,
            &["aspect", "resolution", "duration"],
            "画幅比例须为 16:9（此视频显示为 960×720）；分辨率须为 1080p 以上（此视频高 720 像素）；时长须为 180 至 300 秒（此视频约 120 秒）",
        ),
        (
            "a PNG named .mp4",
            crate::support::png(64, 64),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            &["container"],
            "文件不是 MP4 视频（按文件内容识别，与文件名无关）",
        ),
        (
            "an oversized file",
            mp4(240, 1920, 1080, false, 700_000),
            StatusCode::PAYLOAD_TOO_LARGE,
            &["size"],
            "视频不能超过 585 KB",
        ),
    ];
    for (what, bytes, status, rules, message) in cases {
        let r = c.upload(&c.entrant, id, "video", "work.mp4", bytes).await;
        let (got, keys, text) = refused(&r);
        assert_eq!(got, status, "{what}: {}", r.text);
        assert_eq!(keys, rules, "{what}");
        assert_eq!(text, message, "{what}");
    }
    let r = c
        .upload(
            &c.entrant,
            id,
            "signed_form",
            "form.pdf",
            b"<html>not a pdf</html>".to_vec(),
        )
        .await;
    assert_eq!(
        refused(&r),
        (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            vec!["container".to_owned()],
            "报名表须为 PDF 文件（按文件内容识别，与文件名无关）".to_owned()
        )
    );
    let r = c
        .upload(&c.entrant, id, "poster", "x.mp4", good_video(0))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.field("kind"),
        "kind 须为 video（作品视频）或 signed_form（签字盖章的报名表）"
    );

    // Nothing was stored by any refusal, not even a temporary file.
    let entry =
        c.t.get_as(&c.entrant, &c.path(&format!("/entries/{id}")))
            .await
            .json();
    assert_eq!(entry["media"], json!([]));
    let incoming = c.t.data_dir.join("incoming");
    let left = std::fs::read_dir(&incoming).map(|d| d.count()).unwrap_or(0);
    assert_eq!(left, 0, "temporary files left in {}", incoming.display());

    // The boundaries pass: exactly 3:00 and 5:00.
    for seconds in [180, 300] {
        let r = c
            .upload(
                &c.entrant,
                id,
                "video",
                "work.mp4",
                made(seconds, 1920, 1080, false),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{seconds} s: {}", r.text);
        assert_eq!(r.json()["seconds"], f64::from(seconds));
    }
    // So do 4K and a file that gives no creation time.
    let r = c
        .upload(
            &c.entrant,
            id,
            "video",
            "4k.mp4",
            mp4(200, 3840, 2160, false, 1000),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);

    // Someone else may not upload to this entry.
    let r = c
        .upload(&c.second, id, "video", "work.mp4", good_video(2))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

async fn one_work_enters_once_and_only_its_author_or_unit_enters_it(backend: Backend) {
    let c = contest(backend, json!({"max_entries_per_unit": 1})).await;
    let first = c
        .filled(&c.entrant, "刘莎", "黄河湿地的冬候鸟", good_video(0))
        .await;
    assert_eq!(
        c.act(&c.entrant, first, "submit", json!({})).await.status,
        StatusCode::OK
    );

    // The same file from someone else: 409, saying nothing of the other entry.
    let copy = c.filled(&c.second, "王强", "冬候鸟", good_video(0)).await;
    let r = c.act(&c.second, copy, "submit", json!({})).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert_eq!(r.json()["error"]["code"], "duplicate_work");
    assert_eq!(
        r.message(),
        "该作品已报送本次征集（同一视频文件、同一播出网址，或作品名称与第一作者相同），不能重复报送"
    );
    assert!(!r.text.contains("刘莎") && !r.text.contains(&first.to_string()));
    assert_eq!(
        c.t.get_as(&c.second, &c.path(&format!("/entries/{copy}")))
            .await
            .json()["status"],
        "draft",
        "a refused submission changes nothing"
    );
    // The same title with the same first author, spelled with other spaces and widths.
    let retitled = c
        .filled(&c.second, "刘莎", " 黄河湿地的冬候鸟 ", good_video(1))
        .await;
    let r = c.act(&c.second, retitled, "submit", json!({})).await;
    assert_eq!(r.json()["error"]["code"], "duplicate_work", "{}", r.text);
    // The same platform URL, written differently.
    let own = c.filled(&c.entrant, "刘莎", "白天鹅", good_video(2)).await;
    c.edit(
        &c.entrant,
        own,
        json!({"platform_url": "https://www.douyin.com/video/7312?from=share"}),
    )
    .await;
    assert_eq!(
        c.act(&c.entrant, own, "submit", json!({})).await.status,
        StatusCode::OK
    );
    let same_url = c.filled(&c.second, "王强", "天鹅湖", good_video(3)).await;
    c.edit(
        &c.second,
        same_url,
        json!({"platform_url": "HTTP://douyin.com/video/7312/"}),
    )
    .await;
    let r = c.act(&c.second, same_url, "submit", json!({})).await;
    assert_eq!(r.json()["error"]["code"], "duplicate_work", "{}", r.text);
    // Once the first is withdrawn, its work is free again.
    let r = c.act(&c.entrant, first, "withdraw", json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["status"], "withdrawn");
    let r = c.act(&c.second, copy, "submit", json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);

    // Self mode: the first author is the person.
    let wrong = c.filled(&c.second, "王强", "豫西的秋", good_video(4)).await;
    c.edit(
        &c.second,
        wrong,
        json!({"authors": [{"name": "赵敏"}, {"name": "王强"}]}),
    )
    .await;
    let r = c.act(&c.second, wrong, "submit", json!({})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.field("authors"),
        "个人自荐只能由第一制作人提交：第一位主创人员须为本人"
    );
    // ... from inside the contest's area.
    c.edit(
        &c.second,
        wrong,
        json!({"authors": [{"name": "王强"}], "region_code": "410102"}),
    )
    .await;
    let r = c.act(&c.second, wrong, "submit", json!({})).await;
    assert_eq!(r.field("region_code"), "所在地区不在本次征集的范围内");

    // Unit mode: the submitter belongs to the unit, which is the first producing unit.
    let unit =
        c.t.post(
            "/api/v1/orgs",
            Some(&c.entrant),
            json!({"name": "三门峡市广播电视台", "kind": "other", "region_code": "411202"}),
        )
        .await;
    assert_eq!(unit.status, StatusCode::CREATED, "{}", unit.text);
    let unit = unit.json()["id"].as_i64().unwrap();
    let as_unit =
        json!({"entry_mode": "unit", "unit_id": unit, "person_name": null, "region_code": null});
    c.edit(&c.second, wrong, as_unit.clone()).await;
    let r = c.act(&c.second, wrong, "submit", json!({})).await;
    assert_eq!(
        r.field("unit_id"),
        "只能以本人所在的单位推荐（单位推荐的作品只能由第一作者提交）"
    );
    let by_unit = c
        .filled(&c.entrant, "刘莎", "湿地四季", good_video(5))
        .await;
    c.edit(&c.entrant, by_unit, as_unit.clone()).await;
    c.edit(
        &c.entrant,
        by_unit,
        json!({"producing_units": [unit + 1000, unit]}),
    )
    .await;
    let r = c.act(&c.entrant, by_unit, "submit", json!({})).await;
    assert_eq!(
        r.field("producing_units"),
        "多家单位共同制作的作品只能由第一制作单位推荐：第一制作单位须为推荐单位"
    );
    c.edit(&c.entrant, by_unit, json!({"producing_units": [unit]}))
        .await;
    let r = c.act(&c.entrant, by_unit, "submit", json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    // max_entries_per_unit = 1.
    let more = c
        .filled(&c.entrant, "刘莎", "湿地的夜", good_video(6))
        .await;
    c.edit(&c.entrant, more, as_unit).await;
    let r = c.act(&c.entrant, more, "submit", json!({})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.field("unit_id"),
        "每个单位最多报送1件作品，该单位已报送1件"
    );
}

async fn screening_returning_withdrawing_and_disqualifying_each_say_why(backend: Backend) {
    let c = contest(backend, json!({})).await;
    let id = c
        .filled(&c.entrant, "刘莎", "黄河湿地的冬候鸟", good_video(0))
        .await;
    assert_eq!(
        c.act(&c.entrant, id, "screening", json!({"decision": "accept"}))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let r = c
        .act(&c.admin, id, "screening", json!({"decision": "accept"}))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.message(), "只能审查已提交的作品（此作品的状态为“草稿”）");
    assert_eq!(
        c.act(&c.entrant, id, "submit", json!({})).await.status,
        StatusCode::OK
    );

    // Another area's admin cannot reach it; the entrant cannot screen their own.
    let r = c
        .act(
            &c.other_admin,
            id,
            "screening",
            json!({"decision": "accept"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = c
        .act(&c.entrant, id, "screening", json!({"decision": "accept"}))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.message(), "只有举办地区的管理员可以审查作品");

    // Returning needs a reason; the entrant fixes it and submits again.
    let r = c
        .act(&c.admin, id, "screening", json!({"decision": "return"}))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.field("reason"), "退回修改须写明理由，以便作者修改");
    let r = c
        .act(&c.admin, id, "screening", json!({"decision": "reject"}))
        .await;
    assert_eq!(
        r.field("decision"),
        "decision 须为 accept（通过）或 return（退回修改）"
    );
    let r = c
        .act(
            &c.admin,
            id,
            "screening",
            json!({"decision": "return", "reason": "报名表未盖章"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["status"], "returned");
    let r = c
        .edit(&c.entrant, id, json!({"reach": "抖音播放二十万次"}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    // A returned entry still holds its work.
    let copy = c.filled(&c.second, "王强", "冬候鸟", good_video(0)).await;
    assert_eq!(
        c.act(&c.second, copy, "submit", json!({})).await.json()["error"]["code"],
        "duplicate_work"
    );
    assert_eq!(
        c.act(&c.entrant, id, "submit", json!({})).await.status,
        StatusCode::OK
    );
    let r = c
        .act(&c.admin, id, "screening", json!({"decision": "accept"}))
        .await;
    assert_eq!(r.json()["status"], "accepted");

    // Disqualifying needs a reason, and frees the work.
    let r = c.act(&c.admin, id, "disqualify", json!({})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.field("reason"), "取消资格须写明理由");
    let r = c
        .act(&c.other_admin, id, "disqualify", json!({"reason": "抄袭"}))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = c
        .act(
            &c.admin,
            id,
            "disqualify",
            json!({"reason": "与已播出作品雷同"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["status"], "disqualified");
    let r = c.act(&c.entrant, id, "withdraw", json!({})).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.message(), "此作品的状态为“已取消资格”，不能撤回");
    assert_eq!(
        c.act(&c.second, copy, "submit", json!({})).await.status,
        StatusCode::OK
    );

    // Once judging begins, an entry can no longer be withdrawn.
    let r =
        c.t.post(
            &c.path("/status"),
            Some(&c.admin),
            json!({"status": "judging"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = c.act(&c.second, copy, "withdraw", json!({})).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.message(), "评审已经开始，作品不能再撤回");
    // Nor returned: the entrant could not fix it.
    let r = c
        .act(
            &c.admin,
            copy,
            "screening",
            json!({"decision": "return", "reason": "画面模糊"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(
        r.message(),
        "征集已结束，作者无法再修改，不能退回；请通过或取消资格"
    );

    let history =
        c.t.get_as(&c.entrant, &c.path(&format!("/entries/{id}/history")))
            .await
            .json();
    let moves: Vec<(String, String)> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["to"].as_str().unwrap().to_owned(),
                m["reason"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    assert_eq!(
        moves,
        [
            ("draft", ""),
            ("submitted", ""),
            ("returned", "报名表未盖章"),
            ("submitted", ""),
            ("accepted", ""),
            ("disqualified", "与已播出作品雷同"),
        ]
        .map(|(a, b)| (a.to_owned(), b.to_owned()))
    );
    assert_eq!(history[2]["actor"], "三门峡市科协");
    assert_eq!(
        c.t.get_as(&c.second, &c.path(&format!("/entries/{id}/history")))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}
