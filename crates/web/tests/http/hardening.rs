//! Faults found by probing the server from outside (issue 11), each reproduced here, on
//! both backends.

use axum::http::{Method, StatusCode};
use futures::future::join_all;
use serde_json::json;
use store::testing::Backend;

use crate::activities::{World, world};
use store::on_both_backends;

on_both_backends!(
    concurrent_writers_are_all_served,
    control_characters_are_refused_at_the_edge,
    the_first_host_is_the_callers_own_organisation,
    a_refused_form_registers_nothing,
    the_calendar_never_takes_the_host_header,
    answers_carry_the_browser_protections,
    bad_numbers_and_dates_are_refused_alike,
    the_address_limit_holds_under_concurrency,
    stored_images_carry_nothing_but_the_image,
    broken_images_are_refused,
    image_bombs_are_refused_from_the_header,
    look_alike_names_are_the_same_name,
    pages_hold_no_inline_code,
    bodies_are_bounded_in_size_and_time,
    the_new_limits_are_settings_and_each_refuses,
    slow_and_idle_connections_are_closed,
    what_the_contract_run_found_is_read_or_refused_with_a_reason,
);

/// Finding 1: 32 concurrent creates and edits by one host, with anonymous readers beside
/// them. On SQLite every write used to wait 30 s for a connection and answer 500.
async fn concurrent_writers_are_all_served(backend: Backend) {
    let w: World = world(backend).await;
    let draft = json!({"name": "并发草稿", "section": "exhibition", "region_code": "411202", "hosts": [w.org]});
    let first =
        w.t.post("/api/v1/activities", Some(&w.host), draft.clone())
            .await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text);
    let creates = (0..32).map(|_| w.t.post("/api/v1/activities", Some(&w.host), draft.clone()));
    let reads = (0..8).map(|_| w.t.get("/"));
    let (created, read) = tokio::join!(join_all(creates), join_all(reads));
    for answer in &created {
        assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.text);
    }
    for answer in &read {
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    }
    // Each writer edits its own draft, all at once.
    let edits = created.iter().enumerate().map(|(i, made)| {
        let id = made.json()["id"].as_i64().unwrap();
        let t = &w.t;
        let host = &w.host;
        async move {
            t.patch(
                host,
                &format!("/api/v1/activities/{id}"),
                Some(1),
                json!({"name": format!("并发草稿{i}")}),
            )
            .await
        }
    });
    for answer in join_all(edits).await {
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    }
    let mine =
        w.t.call(
            Method::GET,
            "/api/v1/my/activities?per_page=100",
            Some(&w.host),
            None,
        )
        .await;
    assert_eq!(mine.status, StatusCode::OK, "{}", mine.text);
    assert_eq!(mine.json()["total"], 33, "{}", mine.text);
}

/// Finding 2: a NUL byte (or any other control character) in a query, a form or a JSON
/// body is refused at the edge with a Chinese reason; on PostgreSQL it used to answer 500.
async fn control_characters_are_refused_at_the_edge(backend: Backend) {
    let w: World = world(backend).await;
    for path in [
        "/api/v1/activities?section=%00",
        "/api/v1/activities.ics?section=%00",
        "/api/v1/orgs?q=%00",
        "/activities?section=%00",
        "/map?section=%00",
        "/api/v1/activities?q=%E7%A7%91%01",
    ] {
        let answer = w.t.get(path).await;
        assert_eq!(
            answer.status,
            StatusCode::BAD_REQUEST,
            "{path}: {}",
            answer.text
        );
        assert!(answer.text.contains("控制字符"), "{path}: {}", answer.text);
    }
    for path in [
        "/api/v1/review-queue?q=%00",
        "/api/v1/review-queue?section=%00",
        "/api/v1/stats?topic=%00",
        "/api/v1/nominations?kind=%00",
        "/api/v1/exports/activities.xlsx?section=%00",
    ] {
        let answer = w.t.get_as(&w.henan, path).await;
        assert_eq!(
            answer.status,
            StatusCode::BAD_REQUEST,
            "{path}: {}",
            answer.text
        );
        assert_eq!(answer.json()["error"]["code"], "malformed", "{path}");
        assert!(
            answer.message().contains("控制字符"),
            "{path}: {}",
            answer.text
        );
    }
    // In a JSON body, escaped: nothing is written.
    let made =
        w.t.post(
            "/api/v1/activities",
            Some(&w.host),
            json!({"name": "夜\u{0}观星"}),
        )
        .await;
    assert_eq!(made.status, StatusCode::BAD_REQUEST, "{}", made.text);
    assert!(made.message().contains("控制字符"), "{}", made.text);
    let mine = w.t.get_as(&w.host, "/api/v1/my/activities").await;
    assert_eq!(mine.json()["total"], 0, "{}", mine.text);
    // A newline and a tab in a long text are ordinary.
    let fine =
        w.t.post(
            "/api/v1/activities",
            Some(&w.host),
            json!({"name": "观星", "details": "第一行\n第二行\t完"}),
        )
        .await;
    assert_eq!(fine.status, StatusCode::CREATED, "{}", fine.text);
}

/// Finding 3: a host could name another organisation as first host and so skip the
/// province's review. The first host must be one of the caller's own organisations; a
/// co-host named by an outsider stays unconfirmed until one of its members confirms.
async fn the_first_host_is_the_callers_own_organisation(backend: Backend) {
    let w: World = world(backend).await;
    // A certified national society that the host does not belong to.
    let member = w.t.log_in("13800138111").await;
    let society = w.t.post("/api/v1/orgs", Some(&member), json!({"name": "中国天文学会", "kind": "society", "region_code": "110000", "level": "national"})).await;
    assert_eq!(society.status, StatusCode::CREATED, "{}", society.text);
    let society = society.json()["id"].as_i64().unwrap();
    let certified =
        w.t.post(
            &format!("/api/v1/orgs/{society}/certification"),
            Some(&w.national),
            json!({"decision": "approve"}),
        )
        .await;
    assert_eq!(certified.status, StatusCode::OK, "{}", certified.text);
    // Another host's county organisation.
    let other = w.t.log_in("13800138222").await;
    let county =
        w.t.post(
            "/api/v1/orgs",
            Some(&other),
            json!({"name": "陕州区科协", "kind": "association", "region_code": "411203"}),
        )
        .await
        .json()["id"]
            .as_i64()
            .unwrap();
    for first in [society, county] {
        let mut body = crate::activities::complete(first);
        body["hosts"] = json!([first]);
        let refused = w.t.post("/api/v1/activities", Some(&w.host), body).await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            refused.text
        );
        assert_eq!(refused.field("hosts"), "第一主办单位须为您所在的单位");
    }
    let mine = w.t.get_as(&w.host, "/api/v1/my/activities").await;
    assert_eq!(mine.json()["total"], 0, "a refused request changes nothing");
    // Named second, the society is listed as unconfirmed, and the province reviews it.
    let mut body = crate::activities::complete(w.org);
    body["hosts"] = json!([w.org, society]);
    let made = w.t.post("/api/v1/activities", Some(&w.host), body).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    assert_eq!(
        made.json()["unconfirmed_hosts"],
        json!([society]),
        "{}",
        made.text
    );
    let id = made.json()["id"].as_i64().unwrap();
    crate::public::attach_poster(&w, id).await;
    let submitted = crate::activities::act(&w, &w.host, id, "submit", json!({})).await;
    assert_eq!(
        submitted.json()["status"],
        "province_review",
        "{}",
        submitted.text
    );
    // Only a member of the society may confirm it.
    let path = format!("/api/v1/activities/{id}/hosts/{society}/confirmation");
    let outsider = w.t.post(&path, Some(&other), json!({})).await;
    assert_eq!(outsider.status, StatusCode::FORBIDDEN, "{}", outsider.text);
    assert!(outsider.message().contains("成员"), "{}", outsider.text);
    let unnamed =
        w.t.post(
            &format!("/api/v1/activities/{id}/hosts/{county}/confirmation"),
            Some(&other),
            json!({}),
        )
        .await;
    assert_eq!(unnamed.status, StatusCode::NOT_FOUND, "{}", unnamed.text);
    let confirmed = w.t.post(&path, Some(&member), json!({})).await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.text);
    assert_eq!(
        confirmed.json()["unconfirmed_hosts"],
        json!([]),
        "{}",
        confirmed.text
    );
}

/// Finding 4: the form with 5,000 unknown host names was refused, yet made the caller a
/// member of 5,001 new organisations. A refused form changes nothing, and unknown names
/// are never registered as a side effect.
async fn a_refused_form_registers_nothing(backend: Backend) {
    use crate::pages::{csrf_of, form, hidden_of, new_draft_form};
    let w: World = world(backend).await;
    let (cookie, edit, shown) = new_draft_form(&w.t, "13800138000").await;
    assert!(edit.ends_with("/edit"), "{edit}");
    // The form saves what reads (issue 18): each answer carries the version to send next.
    let version = std::cell::Cell::new(1_i64);
    let save = |hosts: String| {
        let body = format!(
            "_csrf={}&version={}&action=save&name={}&hosts={}",
            csrf_of(&shown),
            version.get(),
            urlencoding::encode("观星夜"),
            urlencoding::encode(&hosts)
        );
        let (t, cookie, edit, version) = (&w.t, &cookie, &edit, &version);
        async move {
            let answer = form(t, edit, cookie, &body).await;
            version.set(hidden_of(&answer, "version").parse().unwrap());
            answer
        }
    };
    let registered = || async {
        let query = urlencoding::encode("不存在的单位");
        w.t.get(&format!("/api/v1/orgs?q={query}")).await.json()
    };
    let names: Vec<String> = (0..5000).map(|i| format!("不存在的单位{i}")).collect();
    // The form saves what reads (issue 18): the name is kept, the hosts are not, and the
    // page says so (200, since something was saved); no organisation is registered.
    let refused = save(names.join("\n")).await;
    assert_eq!(refused.status, StatusCode::OK);
    assert!(
        refused.text.contains("主办单位最多20个"),
        "{}",
        refused.text
    );
    assert_eq!(registered().await, json!([]));
    // Three unknown names, otherwise fine: still nothing is registered without asking.
    let refused = save("三门峡市科技馆\n不存在的单位甲\n不存在的单位乙".to_owned()).await;
    assert_eq!(refused.status, StatusCode::OK);
    assert!(
        refused.text.contains("单位库中没有“不存在的单位甲”"),
        "{}",
        refused.text
    );
    assert_eq!(registered().await, json!([]));
    // Asked to register, but another field does not read (an impossible date, a count in
    // words): the form is refused with that field's message and registers nothing.
    for (field, value, message) in [
        ("start", "2026-02-30T09:00", "时间格式应为 年-月-日 时:分"),
        ("expected_participants", "一百", "预计参与人数须为整数"),
    ] {
        let body = format!(
            "_csrf={}&version={}&action=save&name={}&hosts={}&register_new=on&{field}={}",
            csrf_of(&shown),
            version.get(),
            urlencoding::encode("观星夜"),
            urlencoding::encode("三门峡市科技馆\n不存在的单位丙"),
            urlencoding::encode(value)
        );
        let refused = form(&w.t, &edit, &cookie, &body).await;
        version.set(hidden_of(&refused, "version").parse().unwrap());
        assert_eq!(refused.status, StatusCode::OK, "{field}");
        assert!(refused.text.contains(message), "{field}: {}", refused.text);
        assert!(
            refused
                .text
                .contains("其他栏目改好后再保存，才会登记新单位"),
            "{field}: {}",
            refused.text
        );
        assert_eq!(registered().await, json!([]), "{field}");
        // The API refuses the same value with the same message.
        let api =
            w.t.post(
                "/api/v1/activities",
                Some(&w.host),
                json!({"name": "观星夜", field: value}),
            )
            .await;
        assert_eq!(api.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", api.text);
        assert_eq!(api.field(field), message);
    }
}

/// Finding 9: absolute URLs in the calendar came from the Host header.
async fn the_calendar_never_takes_the_host_header(backend: Backend) {
    let w: World = world(backend).await;
    crate::public::publish(&w, json!({})).await;
    let request = axum::http::Request::builder()
        .uri("/api/v1/activities.ics")
        .header("host", "evil.example")
        .header("x-forwarded-proto", "https")
        .header("x-forwarded-host", "evil.example")
        .body(axum::body::Body::empty())
        .unwrap();
    let feed = w.t.send("127.0.0.1", request).await;
    assert_eq!(feed.status, StatusCode::OK);
    assert!(feed.text.contains("BEGIN:VEVENT"), "{}", feed.text);
    assert!(!feed.text.contains("evil.example"), "{}", feed.text);
    assert!(
        feed.text.contains("URL:http://127.0.0.1:8080/activities/"),
        "{}",
        feed.text
    );
}

/// Finding 10: pages carry a content security policy and the other protections; signed-in
/// answers are never stored by a cache.
async fn answers_carry_the_browser_protections(backend: Backend) {
    let w: World = world(backend).await;
    for path in ["/", "/activities", "/login", "/map", "/no-such-page"] {
        let answer = w.t.get(path).await;
        let csp = answer.header("content-security-policy");
        assert!(csp.contains("default-src 'self'"), "{path}: {csp}");
        assert!(csp.contains("script-src 'self'"), "{path}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(
            csp.contains("object-src 'none'") && csp.contains("base-uri 'none'"),
            "{path}: {csp}"
        );
        assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
        assert_eq!(answer.header("x-frame-options"), "DENY", "{path}");
        assert_eq!(answer.header("x-content-type-options"), "nosniff", "{path}");
        assert_eq!(
            answer.header("referrer-policy"),
            "strict-origin-when-cross-origin",
            "{path}"
        );
    }
    let api = w.t.get("/api/v1/activities").await;
    assert_eq!(api.header("x-content-type-options"), "nosniff");
    assert_eq!(
        api.header("referrer-policy"),
        "strict-origin-when-cross-origin"
    );
    let me = w.t.get_as(&w.host, "/api/v1/me").await;
    assert_eq!(me.status, StatusCode::OK);
    assert!(
        me.header("cache-control").contains("no-store"),
        "{}",
        me.header("cache-control")
    );
    let cookie = crate::pages::sign_in(&w.t, "13800138000").await;
    let mine = crate::pages::page(&w.t, "/my/activities", &cookie).await;
    assert!(mine.header("cache-control").contains("no-store"));
}

/// Finding 11: NaN and infinity in the form replaced the stored amount with nothing; the
/// export ignored an impossible date; concurrent code requests overshot the address limit.
async fn bad_numbers_and_dates_are_refused_alike(backend: Backend) {
    use crate::pages::{csrf_of, form, page, sign_in};
    let w: World = world(backend).await;
    let made =
        w.t.post(
            "/api/v1/activities",
            Some(&w.host),
            json!({"name": "经费测试", "funding_yuan": 1000}),
        )
        .await;
    let id = made.json()["id"].as_i64().unwrap();
    let cookie = sign_in(&w.t, "13800138000").await;
    let edit = format!("/my/activities/{id}/edit");
    for bad in ["NaN", "inf", "-inf", "1e400"] {
        let shown = page(&w.t, &edit, &cookie).await;
        let version =
            w.t.get_as(&w.host, &format!("/api/v1/activities/{id}"))
                .await
                .json()["version"]
                .as_i64()
                .unwrap();
        let body = format!(
            "_csrf={}&version={version}&action=save&name={}&funding_yuan={bad}",
            csrf_of(&shown),
            urlencoding::encode("经费测试")
        );
        let refused = form(&w.t, &edit, &cookie, &body).await;
        assert_eq!(refused.status, StatusCode::OK, "{bad}");
        assert!(
            refused
                .text
                .contains("活动经费须为金额，如 3500 或 3500.50"),
            "{bad}"
        );
        let stored =
            w.t.get_as(&w.host, &format!("/api/v1/activities/{id}"))
                .await
                .json();
        assert_eq!(stored["funding_yuan"], 1000.0, "{bad}: {stored}");
        // The form saved the rest (issue 18): the API goes on from the version it left.
        let version = stored["version"].as_i64().unwrap();
        // The API answers the same value with the same message.
        let api =
            w.t.patch(
                &w.host,
                &format!("/api/v1/activities/{id}"),
                Some(version),
                json!({"funding_yuan": bad}),
            )
            .await;
        assert_eq!(
            api.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{bad}: {}",
            api.text
        );
        assert_eq!(
            api.field("funding_yuan"),
            "活动经费须为金额，如 3500 或 3500.50",
            "{bad}"
        );
    }
    // An impossible date: the same message from the form, the API and the import.
    let time_format = "时间格式应为 年-月-日 时:分";
    let shown = page(&w.t, &edit, &cookie).await;
    let version =
        w.t.get_as(&w.host, &format!("/api/v1/activities/{id}"))
            .await
            .json()["version"]
            .as_i64()
            .unwrap();
    let body = format!(
        "_csrf={}&version={version}&action=save&name={}&start=2026-02-30T09:00",
        csrf_of(&shown),
        urlencoding::encode("经费测试")
    );
    let refused = form(&w.t, &edit, &cookie, &body).await;
    assert_eq!(refused.status, StatusCode::OK);
    assert!(refused.text.contains(time_format), "the form");
    let version = crate::pages::hidden_of(&refused, "version");
    let api =
        w.t.patch(
            &w.host,
            &format!("/api/v1/activities/{id}"),
            Some(version.parse().unwrap()),
            json!({"start": "2026-02-30 09:00"}),
        )
        .await;
    assert_eq!(api.field("start"), time_format, "the API: {}", api.text);
    let row = [
        "1",
        "经费测试",
        "三门峡市科技馆",
        "2026-02-30 09:00 至 2026-03-01 09:00",
        "",
        "",
        "",
        "",
    ];
    let import =
        w.t.post_bytes(
            &w.host,
            "/api/v1/imports/activities.xlsx",
            crate::associations::table(&[row]),
        )
        .await;
    assert_eq!(
        import.field("row 2"),
        format!("第2行：活动时间：{time_format}"),
        "the import: {}",
        import.text
    );

    let export =
        w.t.get_as(&w.henan, "/api/v1/exports/activities.xlsx?from=2024-02-30")
            .await;
    assert_eq!(export.status, StatusCode::BAD_REQUEST, "{}", export.text);
    assert!(
        export.message().contains("“2024-02-30”格式不正确"),
        "{}",
        export.text
    );
}

/// Finding 11: 100 concurrent code requests from one address, for different phones, send
/// exactly the address's limit.
async fn the_address_limit_holds_under_concurrency(backend: Backend) {
    let t = crate::support::TestApp::new(backend).await;
    let limit = t.app.config.login.codes_per_ip_per_hour;
    let asks = (0..100).map(|i| {
        t.post(
            "/api/v1/auth/sms-codes",
            None,
            json!({"phone": format!("1370000{i:04}")}),
        )
    });
    let answers = join_all(asks).await;
    let sent = answers
        .iter()
        .filter(|a| a.status == StatusCode::ACCEPTED)
        .count();
    for a in &answers {
        assert!(
            a.status == StatusCode::ACCEPTED || a.status == StatusCode::TOO_MANY_REQUESTS,
            "{}",
            a.text
        );
    }
    assert_eq!(sent as i64, limit as i64);
    assert_eq!(t.outbox().len() as i64, limit as i64);
}

/// A PNG header (IHDR) of any size with an empty image after it: enough for a decoder to
/// read the size, which must be refused before anything is decoded.
fn png_header(width: u32, height: u32, depth: u8, colour: u8) -> Vec<u8> {
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for b in bytes {
            crc ^= u32::from(*b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
    fn chunk(out: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut body = kind.to_vec();
        body.extend_from_slice(data);
        out.extend_from_slice(&body);
        out.extend_from_slice(&crc32(&body).to_be_bytes());
    }
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = width.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[depth, colour, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(
        &mut out,
        b"IDAT",
        &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
    );
    chunk(&mut out, b"IEND", &[]);
    out
}

/// A JPEG carrying an EXIF block with a GPS position.
fn jpeg_with_gps(width: u32, height: u32) -> Vec<u8> {
    let plain = crate::support::jpeg(width, height);
    // TIFF, big-endian: IFD0 with one entry pointing at a GPS IFD holding GPSLatitudeRef "N".
    let mut tiff = b"MM\x00\x2a\x00\x00\x00\x08".to_vec();
    tiff.extend_from_slice(&[
        0x00, 0x01, 0x88, 0x25, 0x00, 0x04, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x1a,
    ]);
    tiff.extend_from_slice(&[0, 0, 0, 0]);
    tiff.extend_from_slice(&[
        0x00, 0x01, 0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x02, b'N', 0, 0, 0,
    ]);
    tiff.extend_from_slice(&[0, 0, 0, 0]);
    tiff.extend_from_slice(b"GPS-SECRET-PLACE");
    let mut app1 = b"Exif\x00\x00".to_vec();
    app1.extend_from_slice(&tiff);
    let mut out = plain[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&((app1.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(&app1);
    out.extend_from_slice(&plain[2..]);
    out
}

/// Findings 5 and 7: a photo's EXIF (its GPS position) and anything appended after an image
/// were served to anyone, byte for byte; stored files now are re-encoded, and served as
/// their recorded type only, with `nosniff` and a name of ours.
async fn stored_images_carry_nothing_but_the_image(backend: Backend) {
    let w: World = world(backend).await;
    let id = crate::public::publish(&w, json!({})).await;
    let photo = jpeg_with_gps(800, 600);
    assert!(photo.windows(16).any(|x| x == b"GPS-SECRET-PLACE"));
    let up = w.t.upload(&w.host, id, "photo", "gps.jpg", photo).await;
    assert_eq!(up.status, StatusCode::CREATED, "{}", up.text);
    // Named in the supplement, the photo is public.
    let named =
        crate::supplements::put(&w, &w.host, id, json!({"photos": [up.json()["id"]]})).await;
    assert_eq!(named.status, StatusCode::OK, "{}", named.text);
    let served = w.t.get(&format!("/api/v1/media/{}", up.json()["id"])).await;
    assert_eq!(served.status, StatusCode::OK);
    assert!(
        !served.bytes.windows(4).any(|x| x == b"Exif"),
        "EXIF served"
    );
    assert!(!served.bytes.windows(16).any(|x| x == b"GPS-SECRET-PLACE"));
    let decoded = image::load_from_memory(&served.bytes).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (800, 600));
    assert_eq!(served.header("content-type"), "image/jpeg");
    assert_eq!(served.header("x-content-type-options"), "nosniff");
    assert!(
        served
            .header("content-disposition")
            .starts_with("inline; filename=\"media-")
    );
    // A PNG with an HTML document after it: accepted as the image, never served with it.
    let mut disguised = crate::support::png(600, 350);
    disguised.extend_from_slice(b"<html><script>alert(1)</script></html>");
    let up = w.t.upload(&w.host, id, "photo", "a.png", disguised).await;
    assert_eq!(up.status, StatusCode::CREATED, "{}", up.text);
    // Named in the supplement, the photo is public.
    let named =
        crate::supplements::put(&w, &w.host, id, json!({"photos": [up.json()["id"]]})).await;
    assert_eq!(named.status, StatusCode::OK, "{}", named.text);
    let served = w.t.get(&format!("/api/v1/media/{}", up.json()["id"])).await;
    assert!(!served.text.contains("<script>"), "appended HTML served");
    assert_eq!(served.header("content-type"), "image/png");
    image::load_from_memory(&served.bytes).unwrap();
}

/// Finding 7: a JPEG cut short was accepted as a poster and as a photo.
async fn broken_images_are_refused(backend: Backend) {
    let w: World = world(backend).await;
    let made =
        w.t.post(
            "/api/v1/activities",
            Some(&w.host),
            json!({"name": "截断图片"}),
        )
        .await;
    let id = made.json()["id"].as_i64().unwrap();
    let whole = crate::support::jpeg(600, 350);
    let cut = whole[..whole.len() * 6 / 10].to_vec();
    for kind in ["poster", "photo"] {
        let refused = w.t.upload(&w.host, id, kind, "cut.jpg", cut.clone()).await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{kind}: {}",
            refused.text
        );
        let field = if kind == "poster" { "poster" } else { "file" };
        assert_eq!(
            refused.field(field),
            "图片不完整（缺少结束标记），请重新导出后上传",
            "{kind}: {}",
            refused.text
        );
    }
    let whole = w.t.upload(&w.host, id, "poster", "whole.jpg", whole).await;
    assert_eq!(whole.status, StatusCode::CREATED, "{}", whole.text);
}

/// Finding 6: images whose size is a memory bomb are refused from their header, before
/// decoding; an activity holds a bounded number of files.
async fn image_bombs_are_refused_from_the_header(backend: Backend) {
    let w: World = world(backend).await;
    let made =
        w.t.post(
            "/api/v1/activities",
            Some(&w.host),
            json!({"name": "图片炸弹"}),
        )
        .await;
    let id = made.json()["id"].as_i64().unwrap();
    for (bomb, size) in [
        (png_header(11_999, 11_999, 1, 0), "11999×11999"),
        (png_header(11_800, 11_800, 8, 2), "11800×11800"),
        (png_header(30_000, 30_000, 1, 0), "30000×30000"),
    ] {
        let refused = w.t.upload(&w.host, id, "photo", "bomb.png", bomb).await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{size}: {}",
            refused.text
        );
        assert!(
            refused
                .field("file")
                .starts_with(&format!("图片过大：{size}像素")),
            "{}",
            refused.text
        );
    }
    let poster =
        w.t.upload(
            &w.host,
            id,
            "poster",
            "bomb.png",
            png_header(11_999, 11_999, 1, 0),
        )
        .await;
    assert_eq!(
        poster.field("poster"),
        "海报尺寸须为600×350像素（当前为11999×11999像素）"
    );
    // At most the configured number of files per activity.
    let t = w.t.restart_with(|c| c.media.activity_max_files = 2).await;
    for _ in 0..2 {
        let up = t
            .upload(&w.host, id, "photo", "p.png", crate::support::png(40, 30))
            .await;
        assert_eq!(up.status, StatusCode::CREATED, "{}", up.text);
    }
    let third = t
        .upload(&w.host, id, "photo", "p.png", crate::support::png(40, 30))
        .await;
    assert_eq!(
        third.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        third.text
    );
    assert_eq!(third.field("file"), "每个活动最多上传2个文件");
}

/// Finding 8: look-alike twins of an organisation's name were each accepted as new, and
/// direction overrides and zero-width joiners were stored in names.
async fn look_alike_names_are_the_same_name(backend: Backend) {
    let w: World = world(backend).await;
    let other = w.t.log_in("13800138333").await;
    for twin in [
        "三门峡市科技馆\u{200B}",
        "三门峡市\u{3000}科技馆",
        "\u{FEFF}三门峡市科技馆",
        "三门峡市科\u{00AD}技馆",
    ] {
        let applied =
            w.t.post(
                "/api/v1/orgs",
                Some(&other),
                json!({"name": twin, "kind": "venue", "region_code": "411202"}),
            )
            .await;
        assert!(
            applied.status == StatusCode::CONFLICT
                || applied.status == StatusCode::UNPROCESSABLE_ENTITY,
            "{twin:?}: {}",
            applied.text
        );
        if applied.status == StatusCode::CONFLICT {
            assert_eq!(applied.json()["error"]["existing_id"], w.org, "{twin:?}");
        } else {
            assert!(
                applied.field("name").contains("不可见"),
                "{twin:?}: {}",
                applied.text
            );
        }
    }
    let wide =
        w.t.post(
            "/api/v1/orgs",
            Some(&other),
            json!({"name": "ＡＢＣ科普中心", "kind": "venue", "region_code": "411202"}),
        )
        .await;
    assert_eq!(wide.status, StatusCode::CREATED, "{}", wide.text);
    let narrow =
        w.t.post(
            "/api/v1/orgs",
            Some(&other),
            json!({"name": "ABC科普中心", "kind": "venue", "region_code": "411202"}),
        )
        .await;
    assert_eq!(narrow.status, StatusCode::CONFLICT, "{}", narrow.text);
    assert!(
        narrow.message().contains("已在该地区登记"),
        "{}",
        narrow.text
    );
    for (field, value) in [
        ("name", "观星\u{202E}夜"),
        ("contact_name", "王\u{200D}老师"),
    ] {
        let refused =
            w.t.post("/api/v1/activities", Some(&w.host), json!({field: value}))
                .await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}: {}",
            refused.text
        );
        assert!(
            refused.field(field).contains("不可见的格式字符"),
            "{field}: {}",
            refused.text
        );
    }
    // Text is stored in NFC.
    let made =
        w.t.post(
            "/api/v1/activities",
            Some(&w.host),
            json!({"name": "Cafe\u{301}科普"}),
        )
        .await;
    assert_eq!(made.json()["name"], "Caf\u{e9}科普");
}

/// What the pages' content security policy would block: an inline script or style, an
/// event-handler attribute or a `javascript:` link. Answers the first found.
fn inline_code(html: &str) -> Option<String> {
    let lower = html.to_lowercase();
    for (i, _) in lower.match_indices("<script") {
        let tag = &lower[i..lower[i..].find('>').map_or(lower.len(), |e| i + e)];
        if !tag.contains(" src=") {
            return Some(tag.to_owned());
        }
    }
    for needle in [
        "<style",
        " style=",
        "javascript:",
        " onclick=",
        " onload=",
        " onerror=",
        " onchange=",
        " onsubmit=",
        " oninput=",
        " onmouseover=",
    ] {
        if let Some(i) = lower.find(needle) {
            return Some(lower[i..].chars().take(80).collect());
        }
    }
    None
}

/// Finding 10: every page, public or signed in, holds no inline code, so the policy
/// `script-src 'self'; style-src 'self'` (no `unsafe-inline`) breaks nothing; adding an
/// inline `<script>` to any template fails here.
async fn pages_hold_no_inline_code(backend: Backend) {
    use crate::pages::{page, sign_in};
    let w: World = world(backend).await;
    let id = crate::public::publish(&w, json!({})).await;
    let draft =
        w.t.post("/api/v1/activities", Some(&w.host), json!({"name": "草稿"}))
            .await
            .json()["id"]
            .as_i64()
            .unwrap();
    let host = sign_in(&w.t, "13800138000").await;
    let province = sign_in(&w.t, "13900000002").await;
    let mut pages: Vec<(String, Option<&str>)> = [
        "/".to_owned(),
        "/activities".to_owned(),
        format!("/activities/{id}"),
        "/map".to_owned(),
        "/login".to_owned(),
        format!("/orgs/{}", w.org),
        "/no-such-page".to_owned(),
    ]
    .into_iter()
    .map(|p| (p, None))
    .collect();
    for p in [
        "/my/activities",
        &format!("/my/activities/{draft}/edit"),
        &format!("/my/activities/{id}/supplement"),
        "/notifications",
        "/account/profile",
    ] {
        pages.push((p.to_owned(), Some(host.as_str())));
    }
    for p in ["/review", "/dashboard", "/nominations"] {
        pages.push((p.to_owned(), Some(province.as_str())));
    }
    for (path, cookie) in pages {
        let answer = match cookie {
            Some(c) => page(&w.t, &path, c).await,
            None => w.t.get(&path).await,
        };
        assert!(
            answer.header("content-type").starts_with("text/html"),
            "{path}: {}",
            answer.header("content-type")
        );
        assert!(
            answer
                .header("content-security-policy")
                .contains("script-src 'self'"),
            "{path}"
        );
        assert_eq!(inline_code(&answer.text), None, "{path} holds inline code");
    }
    assert!(inline_code("<p>x</p><script>alert(1)</script>").is_some());
    assert!(inline_code("<p style=\"color:red\">x</p>").is_some());
    assert!(inline_code("<script src=\"/static/app.js\" defer></script>").is_none());
}

/// Finding 11: connections declaring huge bodies stayed open, and a body that stopped
/// arriving was waited for without end.
async fn bodies_are_bounded_in_size_and_time(backend: Backend) {
    use axum::body::Body;
    use axum::http::{Request, header};
    let w: World = world(backend).await;
    let made =
        w.t.post("/api/v1/activities", Some(&w.host), json!({"name": "上传"}))
            .await;
    let id = made.json()["id"].as_i64().unwrap();
    let huge = Request::builder()
        .method(Method::POST)
        .uri(format!("/api/v1/activities/{id}/media"))
        .header(header::AUTHORIZATION, format!("Bearer {}", w.host))
        .header(header::CONTENT_TYPE, "multipart/form-data; boundary=x")
        .header(header::CONTENT_LENGTH, "3000000000")
        .body(Body::empty())
        .unwrap();
    let refused = w.t.send("127.0.0.1", huge).await;
    assert_eq!(
        refused.status,
        StatusCode::PAYLOAD_TOO_LARGE,
        "{}",
        refused.text
    );
    assert!(
        refused.message().starts_with("请求内容过大"),
        "{}",
        refused.text
    );
    // A JSON body that sends a little and then stalls is given up after the idle time.
    let t = w.t.restart_with(|c| c.body_idle_seconds = 1).await;
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<axum::body::Bytes, std::io::Error>>(1);
    tx.send(Ok(axum::body::Bytes::from_static(b"{\"name\": \"")))
        .await
        .unwrap();
    let stalled = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/activities")
        .header(header::AUTHORIZATION, format!("Bearer {}", w.host))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from_stream(tokio_stream_of(rx)))
        .unwrap();
    let answer = t.send("127.0.0.1", stalled).await;
    drop(tx);
    assert_eq!(
        answer.status,
        StatusCode::REQUEST_TIMEOUT,
        "{}",
        answer.text
    );
    assert!(answer.message().contains("未能完整接收"), "{}", answer.text);
    let mine = t.get_as(&w.host, "/api/v1/my/activities").await;
    assert_eq!(mine.json()["total"], 1, "nothing written");
}

/// A stream of what a channel receives.
fn tokio_stream_of<T: Send + 'static>(
    mut rx: tokio::sync::mpsc::Receiver<T>,
) -> impl futures::Stream<Item = T> + Send + 'static {
    futures::stream::poll_fn(move |cx| rx.poll_recv(cx))
}

/// The limits added for issue 11 are settings, and each refuses with its message.
async fn the_new_limits_are_settings_and_each_refuses(backend: Backend) {
    let w: World = world(backend).await;
    let t =
        w.t.restart_with(|c| {
            c.org_applications_per_day = 2;
            c.media.activity_max_bytes = 1;
            c.media.stored_max_side = 100;
            c.hsts_seconds = 3600;
        })
        .await;
    // Organisations one account may apply for in a day.
    let person = t.log_in("13800138444").await;
    for name in ["甲科普中心", "乙科普中心"] {
        let applied = t
            .post(
                "/api/v1/orgs",
                Some(&person),
                json!({"name": name, "kind": "venue", "region_code": "411202"}),
            )
            .await;
        assert_eq!(applied.status, StatusCode::CREATED, "{}", applied.text);
    }
    let third = t
        .post(
            "/api/v1/orgs",
            Some(&person),
            json!({"name": "丙科普中心", "kind": "venue", "region_code": "411202"}),
        )
        .await;
    assert_eq!(
        third.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        third.text
    );
    assert_eq!(third.message(), "今日登记单位的次数已达上限，请明天再试");
    // Photos are stored scaled to the longest side allowed, and an activity's bytes are capped.
    let id = t
        .post("/api/v1/activities", Some(&w.host), json!({"name": "限额"}))
        .await
        .json()["id"]
        .as_i64()
        .unwrap();
    let up = t
        .upload(
            &w.host,
            id,
            "photo",
            "wide.png",
            crate::support::png(400, 200),
        )
        .await;
    assert_eq!(up.status, StatusCode::CREATED, "{}", up.text);
    assert_eq!(
        (up.json()["width"].clone(), up.json()["height"].clone()),
        (json!(100), json!(50))
    );
    let stored = t
        .get_as(&w.host, &format!("/api/v1/media/{}", up.json()["id"]))
        .await;
    let decoded = image::load_from_memory(&stored.bytes).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (100, 50));
    let full = t
        .upload(
            &w.host,
            id,
            "photo",
            "more.png",
            crate::support::png(40, 30),
        )
        .await;
    assert_eq!(full.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", full.text);
    assert!(
        full.message().starts_with("本活动的文件已达"),
        "{}",
        full.text
    );
    // HSTS only when configured.
    assert_eq!(
        t.get("/").await.header("strict-transport-security"),
        "max-age=3600; includeSubDomains"
    );
    assert_eq!(w.t.get("/").await.header("strict-transport-security"), "");
}

/// Finding 11: connections that never finish a request head (or sit idle after one) were
/// held open indefinitely. Over a real socket: a slow sender and an idle kept-alive
/// connection are both closed after `header_read_seconds`; a prompt request is served.
async fn slow_and_idle_connections_are_closed(backend: Backend) {
    use std::io::{Read, Write};
    let t = crate::support::TestApp::with_config(backend, |c| c.header_read_seconds = 1).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(web::serve(listener, t.app.clone(), async {
        stopped.await.ok();
    }));
    let outcome = tokio::task::spawn_blocking(move || {
        let closed_within = |stream: &mut std::net::TcpStream| -> Option<Vec<u8>> {
            // Everything the server sends, until it closes (None: still open after 10 s).
            stream
                .set_read_timeout(Some(std::time::Duration::from_secs(10)))
                .unwrap();
            let mut got = Vec::new();
            let mut buf = [0u8; 4096];
            loop {
                match stream.read(&mut buf) {
                    Ok(0) => return Some(got),
                    Ok(n) => got.extend_from_slice(&buf[..n]),
                    Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return Some(got),
                    Err(_) => return None,
                }
            }
        };
        let mut slow = std::net::TcpStream::connect(addr).unwrap();
        slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: kepu\r\n")
            .unwrap();
        let slow_answer = closed_within(&mut slow);
        let mut idle = std::net::TcpStream::connect(addr).unwrap();
        idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: kepu\r\n\r\n")
            .unwrap();
        let idle_answer = closed_within(&mut idle);
        (slow_answer, idle_answer)
    })
    .await
    .unwrap();
    let (slow_answer, idle_answer) = outcome;
    let slow_answer = slow_answer.expect("a half-sent head is not waited for");
    assert!(
        !String::from_utf8_lossy(&slow_answer).contains("200 OK"),
        "nothing is served from half a head"
    );
    let idle_answer = idle_answer.expect("an idle kept-alive connection is closed");
    assert!(
        String::from_utf8_lossy(&idle_answer).starts_with("HTTP/1.1 200 OK"),
        "the prompt request was served before the idle close: {}",
        String::from_utf8_lossy(&idle_answer)
    );
    stop.send(()).unwrap();
    server.await.unwrap().unwrap();
}

/// Found by schemathesis over the OpenAPI document (issue 13; `scripts/contract` failed on
/// each before the fix): an array read as an empty request, `120.0` refused where JSON
/// means 120, query values nobody defined accepted, an unknown division answering 400 on
/// some lists and 404 on others.
async fn what_the_contract_run_found_is_read_or_refused_with_a_reason(backend: Backend) {
    let w: World = world(backend).await;
    for (path, token) in [
        ("/api/v1/activities", &w.host),
        ("/api/v1/review-queue/decisions", &w.henan),
    ] {
        let r =
            w.t.call(Method::POST, path, Some(token), Some(json!([])))
                .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{path}: {}", r.text);
        assert_eq!(r.message(), "请求体须为 JSON 对象", "{path}");
    }
    let made =
        w.t.post(
            "/api/v1/activities",
            Some(&w.host),
            json!({"name": "整数", "expected_participants": 120.0}),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    assert_eq!(made.json()["expected_participants"], 120);
    let half =
        w.t.post(
            "/api/v1/activities",
            Some(&w.host),
            json!({"expected_participants": 120.5}),
        )
        .await;
    assert_eq!(half.status, StatusCode::BAD_REQUEST, "{}", half.text);
    assert!(
        half.message().starts_with("活动字段不正确"),
        "{}",
        half.text
    );
    let kind =
        w.t.get_as(&w.national, "/api/v1/nominations?kind=venue")
            .await;
    assert_eq!(kind.status, StatusCode::BAD_REQUEST, "{}", kind.text);
    assert_eq!(
        kind.message(),
        "kind 须为 activity（优秀活动）或 org（优秀组织单位）"
    );
    let blank =
        w.t.get_as(&w.national, "/api/v1/nominations?kind=&status=")
            .await;
    assert_eq!(blank.status, StatusCode::OK, "{}", blank.text);
    let size = w.t.get("/api/v1/media/1?size=big").await;
    assert_eq!(size.status, StatusCode::BAD_REQUEST, "{}", size.text);
    assert_eq!(size.message(), "size 只能为 thumb（缩略图）");
    for (path, token) in [
        ("/api/v1/activities?region=419999", None),
        ("/api/v1/review-queue?region=419999", Some(&w.henan)),
        ("/api/v1/stats?region=419999", Some(&w.national)),
    ] {
        let r = match token {
            Some(t) => w.t.get_as(t, path).await,
            None => w.t.get(path).await,
        };
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}: {}", r.text);
        assert_eq!(r.message(), "未找到该区划", "{path}");
    }
}
