//! 活动补充信息 and eligibility for excellence, through the API, on both backends.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use store::testing::Backend;

use crate::activities::{World, world};
use crate::public::publish;
use crate::support::{TestResponse, jpeg};

store::on_both_backends!(
    a_supplement_is_saved_incomplete_and_completed,
    broken_rules_are_refused,
    eligibility_follows_time_and_thresholds,
    the_public_sees_photos_and_reports_after_the_event_but_no_evidence,
    a_photo_upload_never_undoes_an_edit_made_meanwhile,
    a_photo_taken_out_of_the_supplement_is_no_longer_public,
);

pub(crate) async fn put(w: &World, token: &str, id: i64, body: Value) -> TestResponse {
    w.t.call(
        Method::PUT,
        &format!("/api/v1/activities/{id}/supplement"),
        Some(token),
        Some(body),
    )
    .await
}

/// The ids in a JSON array.
fn ids(list: &Value) -> Vec<i64> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_i64().unwrap())
        .collect()
}

pub(crate) async fn upload(w: &World, token: &str, id: i64, kind: &str) -> i64 {
    let r = w.t.upload(token, id, kind, "p.jpg", jpeg(800, 600)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    r.json()["id"].as_i64().unwrap()
}

pub(crate) async fn full(w: &World, token: &str, id: i64, participants: i64) -> Value {
    let mut photos = Vec::new();
    for _ in 0..3 {
        photos.push(upload(w, token, id, "photo").await);
    }
    json!({
        "participants": participants,
        "media_links": ["https://news.example.cn/kepu/1"],
        "photos": photos,
        "videos": [],
        "evidence_photo": upload(w, token, id, "evidence").await,
        "summary": {"basic": "到场青少年120人", "outcomes": "激发兴趣", "highlights": "天文望远镜观测", "resources": "讲义一份", "lessons": "提前预约"}
    })
}

async fn a_supplement_is_saved_incomplete_and_completed(backend: Backend) {
    let w = world(backend).await;
    let draft =
        w.t.post(
            "/api/v1/activities",
            Some(&w.host),
            json!({"name": "未审核活动"}),
        )
        .await
        .json()["id"]
            .as_i64()
            .unwrap();
    let early = put(&w, &w.host, draft, json!({})).await;
    assert_eq!(early.status, StatusCode::CONFLICT);
    assert_eq!(early.message(), "活动通过审核后才能填报补充信息");

    let id = publish(&w, json!({})).await;
    assert_eq!(
        put(&w, &w.henan, id, json!({})).await.message(),
        "只有活动的发布者可以填报补充信息"
    );
    let stranger = w.t.log_in("13800138009").await;
    assert_eq!(
        put(&w, &stranger, id, json!({})).await.status,
        StatusCode::NOT_FOUND
    );

    let empty = put(&w, &w.host, id, json!({"participants": 30})).await;
    assert_eq!(empty.status, StatusCode::OK, "{}", empty.text);
    let e = empty.json();
    assert_eq!(e["complete"], false);
    assert_eq!(e["deadline"], "2026-09-25");
    assert!(
        e["missing"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m == "至少3张活动照片（已有0张）")
    );
    assert!(
        e["missing"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m == "活动总结：基本情况")
    );

    let body = full(&w, &w.host, id, 120).await;
    let done = put(&w, &w.host, id, body).await.json();
    assert_eq!(done["complete"], true, "{done}");
    assert_eq!(done["missing"], json!([]));
    let activity = w.t.get(&format!("/api/v1/activities/{id}")).await.json();
    assert_eq!(
        activity["eligible_for_excellence"], true,
        "{}",
        activity["eligibility_reasons"]
    );
    assert_eq!(activity["eligibility_reasons"], json!([]));
    assert_eq!(
        w.t.get_as(&w.host, &format!("/api/v1/activities/{id}/supplement"))
            .await
            .json()["participants"],
        120
    );
}

async fn broken_rules_are_refused(backend: Backend) {
    let w = world(backend).await;
    let id = publish(&w, json!({})).await;
    let other = publish(&w, json!({"name": "另一个活动"})).await;
    let foreign = upload(&w, &w.host, other, "photo").await;
    let r = put(
        &w,
        &w.host,
        id,
        json!({"participants": -5, "media_links": ["javascript:alert(1)"], "photos": [foreign]}),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.field("participants"), "实际参与人数须为不小于0的整数");
    assert_eq!(
        r.field("media_links"),
        "媒体报道链接“javascript:alert(1)”须为以 http:// 或 https:// 开头的网址"
    );
    assert_eq!(r.field("photos"), "活动照片须为上传到本活动的照片");
    let video =
        w.t.upload(
            &w.host,
            id,
            "video",
            "v.mp4",
            app::fixtures::mp4(60, 1280, 720, false, 1024),
        )
        .await
        .json()["id"]
            .clone();
    let r = put(
        &w,
        &w.host,
        id,
        json!({"videos": [video.clone(), video.clone(), video.clone(), video]}),
    )
    .await;
    assert_eq!(r.field("videos"), "活动视频最多3段");
    let r = put(&w, &w.host, id, json!({"photos": [1, 2], "colour": "red"})).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        w.t.get_as(&w.host, &format!("/api/v1/activities/{id}/supplement"))
            .await
            .json()["complete"],
        false,
        "nothing was saved"
    );
}

async fn eligibility_follows_time_and_thresholds(backend: Backend) {
    let w = world(backend).await;
    let id = publish(&w, json!({})).await;
    let online = publish(&w, json!({"name": "线上直播", "mode": "online", "online_url": "https://live.example.cn", "address": null})).await;
    let body = full(&w, &w.host, online, 99).await;
    put(&w, &w.host, online, body).await;
    let r =
        w.t.get(&format!("/api/v1/activities/{online}"))
            .await
            .json();
    assert_eq!(
        r["eligibility_reasons"],
        json!(["实际参与人数未达到线上活动100人的要求"])
    );

    // Completed after the tenth day from the end (2026-09-15): not on time.
    w.t.clock.advance(chrono::Duration::days(87)); // 2026-09-26
    let host = w.t.log_in("13800138000").await;
    let body = full(&w, &host, id, 200).await;
    assert_eq!(put(&w, &host, id, body).await.json()["complete"], true);
    let r = w.t.get(&format!("/api/v1/activities/{id}")).await.json();
    assert_eq!(r["eligible_for_excellence"], false);
    assert_eq!(
        r["eligibility_reasons"],
        json!(["活动补充信息未在活动结束后10日内填报完整"])
    );
}

async fn the_public_sees_photos_and_reports_after_the_event_but_no_evidence(backend: Backend) {
    let w = world(backend).await;
    let id = publish(&w, json!({})).await;
    let before = w.t.get(&format!("/activities/{id}")).await.text;
    assert!(!before.contains("活动回顾"), "nothing to look back on yet");
    // Read once, so that the list's answer is kept: it must still follow the supplement.
    let kept = w.t.get("/api/v1/activities").await.json();
    assert_eq!(kept["items"][0]["id"], json!(id));
    assert!(kept["items"][0]["after"].is_null(), "{kept}");
    let body = full(&w, &w.host, id, 120).await;
    let evidence = body["evidence_photo"].as_i64().unwrap();
    let photos = ids(&body["photos"]);
    assert_eq!(put(&w, &w.host, id, body).await.status, StatusCode::OK);

    let public = w.t.get(&format!("/api/v1/activities/{id}")).await.json();
    assert_eq!(public["after"]["photos"], json!(photos));
    assert_eq!(
        public["after"]["media_links"],
        json!(["https://news.example.cn/kepu/1"])
    );
    let text = public.to_string();
    for private in [
        r#""evidence_photo""#,
        r#""participants""#,
        "天文望远镜观测",
        "到场青少年",
    ] {
        assert!(!text.contains(private), "{private} is not public: {text}");
    }
    let listed = w.t.get("/api/v1/activities").await.json();
    assert_eq!(listed["items"][0]["after"]["photos"], json!(photos));

    let page = w.t.get(&format!("/activities/{id}")).await.text;
    assert!(page.contains("活动回顾"));
    for p in &photos {
        assert!(page.contains(&format!(r#"src="/api/v1/media/{p}?size=thumb""#)));
    }
    assert!(
        page.contains(r#"<a href="https://news.example.cn/kepu/1" rel="noopener nofollow ugc">"#)
    );
    assert!(!page.contains(&format!("/api/v1/media/{evidence}\"")));

    let thumb =
        w.t.get(&format!("/api/v1/media/{}?size=thumb", photos[0]))
            .await;
    assert_eq!(thumb.status, StatusCode::OK);
    assert_eq!(thumb.headers["content-type"], "image/jpeg");
    let hidden = w.t.get(&format!("/api/v1/media/{evidence}")).await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);
    assert_eq!(hidden.message(), "未找到该文件");
    let own =
        w.t.get_as(&w.host, &format!("/api/v1/media/{evidence}"))
            .await;
    assert_eq!(own.status, StatusCode::OK, "the host sees their evidence");
    let admin =
        w.t.get_as(&w.city, &format!("/api/v1/media/{evidence}"))
            .await;
    assert_eq!(
        admin.status,
        StatusCode::OK,
        "so does an administrator of its area"
    );
}

/// A photo uploaded through the supplement page is added to the supplement as it stands when
/// the upload finishes: an edit saved while the file was on its way is kept. (The page used
/// to read the supplement, upload, then write back what it had read plus the photo.)
async fn a_photo_upload_never_undoes_an_edit_made_meanwhile(backend: Backend) {
    use crate::pages::{csrf_of, page, sign_in};
    let w = world(backend).await;
    let id = publish(&w, json!({})).await;
    let cookie = sign_in(&w.t, "13800138000").await;
    let form = format!("/my/activities/{id}/supplement");
    let csrf = csrf_of(&page(&w.t, &form, &cookie).await);
    let page_upload = |n: u32| {
        let (w, cookie, csrf) = (&w, cookie.clone(), csrf.clone());
        async move {
            let boundary = "kepu-supplement-boundary";
            let mut body = format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{csrf}\r\n\
                 --{boundary}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nphoto\r\n\
                 --{boundary}\r\nContent-Disposition: form-data; name=\"consent\"\r\n\r\nadults\r\n\
                 --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"p{n}.jpg\"\r\n\
                 Content-Type: image/jpeg\r\n\r\n"
            )
            .into_bytes();
            body.extend_from_slice(&jpeg(800 + n, 600));
            body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
            let request = axum::http::Request::builder()
                .method(Method::POST)
                .uri(format!("/my/activities/{id}/supplement/media"))
                .header("cookie", format!("kepu_session={cookie}"))
                .header(
                    "content-type",
                    format!("multipart/form-data; boundary={boundary}"),
                )
                .body(axum::body::Body::from(body))
                .unwrap();
            w.t.send("127.0.0.1", request).await
        }
    };
    // How long an upload takes here; the edit then starts 1 ms later each round, from 30 ms
    // before the upload ends to 10 ms after, so that it lands in the upload's last steps
    // (where the page used to write back what it had read).
    let started = std::time::Instant::now();
    page_upload(1000).await;
    let took = u32::try_from(started.elapsed().as_millis()).unwrap_or(u32::MAX);
    let delayed_put = |delay: u32, edit: Value| {
        let w = &w;
        async move {
            tokio::time::sleep(std::time::Duration::from_millis(u64::from(delay))).await;
            put(w, &w.host, id, edit).await
        }
    };
    for round in 0..40_u32 {
        let participants = 100 + i64::from(round);
        let edit = json!({
            "participants": participants,
            "media_links": [],
            "photos": [],
            "videos": [],
            "evidence_photo": null,
            "summary": {"basic": format!("第{round}次修改")},
        });
        let (uploaded, edited) = futures::future::join(
            page_upload(round),
            delayed_put((took + round).saturating_sub(30), edit),
        )
        .await;
        assert_eq!(uploaded.status, StatusCode::SEE_OTHER, "{}", uploaded.text);
        assert!(
            !uploaded.header("location").contains("error"),
            "{}",
            uploaded.header("location")
        );
        assert_eq!(edited.status, StatusCode::OK, "{}", edited.text);
        let after =
            w.t.get_as(&w.host, &format!("/api/v1/activities/{id}/supplement"))
                .await
                .json();
        assert_eq!(
            after["participants"], participants,
            "round {round}: the upload undid the edit: {after}"
        );
        assert_eq!(after["summary"]["basic"], format!("第{round}次修改"));
    }
    // And an upload alone adds its photo to what is there.
    let before =
        w.t.get_as(&w.host, &format!("/api/v1/activities/{id}/supplement"))
            .await
            .json();
    page_upload(99).await;
    let after =
        w.t.get_as(&w.host, &format!("/api/v1/activities/{id}/supplement"))
            .await
            .json();
    assert_eq!(
        after["photos"].as_array().unwrap().len(),
        before["photos"].as_array().unwrap().len() + 1
    );
    assert_eq!(after["participants"], before["participants"]);
}

/// A photo the host takes out of the supplement (a child's face, the wrong event) stops
/// being public at once, even though its number is known; the host and the area's
/// administrators still reach it until it is deleted. An upload never named is not public
/// either.
async fn a_photo_taken_out_of_the_supplement_is_no_longer_public(backend: Backend) {
    let w = world(backend).await;
    let id = publish(&w, json!({})).await;
    let mut body = full(&w, &w.host, id, 120).await;
    let photos = ids(&body["photos"]);
    let spare = upload(&w, &w.host, id, "photo").await;
    assert_eq!(
        put(&w, &w.host, id, body.clone()).await.status,
        StatusCode::OK
    );
    let file = |p: i64| format!("/api/v1/media/{p}");
    assert_eq!(w.t.get(&file(photos[0])).await.status, StatusCode::OK);
    let never_named = w.t.get(&file(spare)).await;
    assert_eq!(never_named.status, StatusCode::NOT_FOUND);
    assert_eq!(never_named.message(), "未找到该文件");

    body["photos"] = json!([photos[1], photos[2], spare]);
    assert_eq!(put(&w, &w.host, id, body).await.status, StatusCode::OK);
    for size in ["", "?size=thumb"] {
        let removed = w.t.get(&format!("{}{size}", file(photos[0]))).await;
        assert_eq!(removed.status, StatusCode::NOT_FOUND, "{size}");
        assert_eq!(removed.message(), "未找到该文件");
    }
    assert_eq!(w.t.get(&file(spare)).await.status, StatusCode::OK);
    for who in [&w.host, &w.city] {
        let kept = w.t.get_as(who, &file(photos[0])).await;
        assert_eq!(kept.status, StatusCode::OK);
    }
}
