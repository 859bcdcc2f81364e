//! 宣传资源库: drafts published by the campaign's administrators, files checked by their
//! content (an SVG with script refused), downloads with their Chinese names, ETag and Range,
//! counted once per address and day, and who manages which campaign's resources.

use std::io::{Cursor, Write};

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use domain::role::Role;
use serde_json::{Value, json};
use store::on_both_backends;
use store::testing::Backend;

use crate::pages::{csrf_of, form, page, sign_in};
use crate::support::{TestApp, TestResponse, png};

on_both_backends!(
    a_published_resource_downloads_with_its_chinese_name,
    each_file_rule_is_refused_with_its_message,
    only_the_campaigns_administrators_manage_its_resources,
    an_administrator_manages_resources_on_the_page,
);

const LOGO: &str = r##"<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 40"><defs><linearGradient id="g"><stop offset="0" stop-color="#1a56db"/></linearGradient></defs><rect width="120" height="40" fill="url(#g)"/><text x="8" y="26" fill="#fff">全国科普日</text></svg>"##;

fn docx(extra: Option<&str>) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file("[Content_Types].xml", stored).unwrap();
    zip.write_all(b"<Types/>").unwrap();
    zip.start_file("word/document.xml", stored).unwrap();
    zip.write_all(b"<w:document/>").unwrap();
    if let Some(name) = extra {
        zip.start_file(name, stored).unwrap();
        zip.write_all(b"macro").unwrap();
    }
    zip.finish().unwrap().into_inner()
}

async fn create(t: &TestApp, token: &str, body: Value) -> TestResponse {
    t.post("/api/v1/resources", Some(token), body).await
}

async fn upload(t: &TestApp, token: &str, id: i64, name: &str, bytes: Vec<u8>) -> TestResponse {
    t.multipart(
        token,
        &format!("/api/v1/resources/{id}/files"),
        &[],
        name,
        bytes,
    )
    .await
}

async fn fetch(t: &TestApp, ip: &str, path: &str, headers: &[(&str, &str)]) -> TestResponse {
    let mut request = Request::builder().uri(path);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    t.send(ip, request.body(Body::empty()).unwrap()).await
}

async fn a_published_resource_downloads_with_its_chinese_name(backend: Backend) {
    let t = TestApp::new(backend).await;
    let national = t
        .user("13900000801", "全国科协", Role::NationalAdmin, None)
        .await;
    let made = create(
        &t,
        &national,
        json!({"kind": "logo", "title": "全国科普日标识", "usage_note": "请勿改变标识的比例和颜色", "tags": ["标识", "标识", "2026"]}),
    )
    .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    let r = made.json();
    assert_eq!(r["status"], "draft");
    assert_eq!(r["files"], json!([]));
    assert_eq!(r["tags"], json!(["标识", "2026"]));
    let id = r["id"].as_i64().unwrap();
    let one = format!("/api/v1/resources/{id}");

    // A draft is its managers' alone.
    assert_eq!(t.get(&one).await.status, StatusCode::NOT_FOUND);
    assert_eq!(t.get("/api/v1/resources").await.json()["total"], 0);
    let early = t
        .post(&format!("{one}/publish"), Some(&national), json!({}))
        .await;
    assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(early.field("files"), "请先上传至少一个文件，再发布");

    let svg = upload(
        &t,
        &national,
        id,
        "全国科普日标识.svg",
        LOGO.as_bytes().to_vec(),
    )
    .await;
    assert_eq!(svg.status, StatusCode::CREATED, "{}", svg.text);
    assert_eq!(svg.json()["format"], "svg");
    assert_eq!(svg.json()["name"], "全国科普日标识.svg");
    assert_eq!(svg.json()["bytes"], LOGO.len());
    let raster = t
        .multipart(
            &national,
            &format!("{one}/files"),
            &[("name", "标识（横版）")],
            "logo-h.png",
            png(40, 20),
        )
        .await;
    assert_eq!(raster.status, StatusCode::CREATED, "{}", raster.text);
    assert_eq!(raster.json()["name"], "标识（横版）.png");
    assert_eq!(raster.json()["width"], 40);
    assert_eq!(raster.json()["height"], 20);

    let published = t
        .post(&format!("{one}/publish"), Some(&national), json!({}))
        .await;
    assert_eq!(published.status, StatusCode::OK, "{}", published.text);
    assert_eq!(published.json()["status"], "published");
    let listed = t.get("/api/v1/resources?kind=logo&q=标识").await.json();
    assert_eq!(listed["total"], 1);
    assert_eq!(listed["items"][0]["files"].as_array().unwrap().len(), 2);
    assert_eq!(listed["items"][0]["manageable"], false);
    assert_eq!(
        t.get("/api/v1/resources?kind=video").await.json()["total"],
        0
    );
    assert_eq!(
        t.get("/api/v1/resources?kind=flyer").await.message(),
        "未知资源类别“flyer”"
    );

    let file = format!(
        "/api/v1/resources/{id}/files/{}",
        svg.json()["id"].as_i64().unwrap()
    );
    let whole = fetch(&t, "10.0.0.1", &file, &[]).await;
    assert_eq!(whole.status, StatusCode::OK);
    assert_eq!(whole.bytes, LOGO.as_bytes());
    assert_eq!(whole.header("content-type"), "image/svg+xml");
    assert_eq!(whole.header("accept-ranges"), "bytes");
    assert!(
        whole.header("content-disposition").starts_with("attachment; filename=\"")
            && whole.header("content-disposition").ends_with(
                "filename*=UTF-8''%E5%85%A8%E5%9B%BD%E7%A7%91%E6%99%AE%E6%97%A5%E6%A0%87%E8%AF%86.svg"
            ),
        "{}",
        whole.header("content-disposition")
    );
    assert!(whole.header("content-security-policy").contains("sandbox"));
    let etag = whole.header("etag");
    assert!(etag.starts_with('"') && etag.len() == 66, "{etag}");

    let part = fetch(&t, "10.0.0.1", &file, &[("range", "bytes=0-9")]).await;
    assert_eq!(part.status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(part.bytes, &LOGO.as_bytes()[..10]);
    assert_eq!(
        part.header("content-range"),
        format!("bytes 0-9/{}", LOGO.len())
    );
    let tail = fetch(&t, "10.0.0.1", &file, &[("range", "bytes=-5")]).await;
    assert_eq!(tail.bytes, &LOGO.as_bytes()[LOGO.len() - 5..]);
    // A range of a version the client does not hold is the whole file.
    let stale = fetch(
        &t,
        "10.0.0.1",
        &file,
        &[("range", "bytes=0-9"), ("if-range", "\"old\"")],
    )
    .await;
    assert_eq!(stale.status, StatusCode::OK);
    assert_eq!(stale.bytes.len(), LOGO.len());
    let past = fetch(
        &t,
        "10.0.0.1",
        &file,
        &[("range", &format!("bytes={}-", LOGO.len()))],
    )
    .await;
    assert_eq!(past.status, StatusCode::RANGE_NOT_SATISFIABLE);
    assert_eq!(
        past.header("content-range"),
        format!("bytes */{}", LOGO.len())
    );
    let unchanged = fetch(&t, "10.0.0.1", &file, &[("if-none-match", &etag)]).await;
    assert_eq!(unchanged.status, StatusCode::NOT_MODIFIED);
    assert!(unchanged.bytes.is_empty());

    // Counted once per address and day, however often it is fetched.
    let counted = |v: &Value| v["files"][0]["downloads"].as_i64().unwrap();
    assert_eq!(counted(&t.get(&one).await.json()), 1);
    fetch(&t, "10.0.0.2", &file, &[]).await;
    fetch(&t, "10.0.0.2", &file, &[]).await;
    let after = t.get(&one).await.json();
    assert_eq!(counted(&after), 2);
    assert_eq!(after["downloads"], 2);
    // A new day counts the same address again.
    t.clock.advance(chrono::Duration::days(1));
    fetch(&t, "10.0.0.2", &file, &[]).await;
    assert_eq!(counted(&t.get(&one).await.json()), 3);
    assert_eq!(t.app.purge_download_records().await.unwrap(), 0);
    t.clock.advance(chrono::Duration::days(2));
    assert_eq!(t.app.purge_download_records().await.unwrap(), 3);
    assert_eq!(counted(&t.get(&one).await.json()), 3);

    let request = Request::builder()
        .method(Method::DELETE)
        .uri(&one)
        .body(Body::empty())
        .unwrap();
    assert_eq!(
        t.send("127.0.0.1", request).await.status,
        StatusCode::UNAUTHORIZED
    );
    let deleted = t.call(Method::DELETE, &one, Some(&national), None).await;
    assert_eq!(deleted.status, StatusCode::OK, "{}", deleted.text);
    assert_eq!(t.get(&file).await.status, StatusCode::NOT_FOUND);
    assert_eq!(t.get(&one).await.message(), "未找到该宣传资源");
}

async fn each_file_rule_is_refused_with_its_message(backend: Backend) {
    let t = TestApp::with_config(backend, |c| c.resources.image_max_bytes = 4096).await;
    let national = t
        .user("13900000811", "全国科协", Role::NationalAdmin, None)
        .await;
    let make = |kind: &'static str| {
        let t = &t;
        let national = &national;
        async move {
            create(t, national, json!({"kind": kind, "title": "测试资源"}))
                .await
                .json()["id"]
                .as_i64()
                .unwrap()
        }
    };
    let (logo, poster, video, template) = (
        make("logo").await,
        make("poster").await,
        make("video").await,
        make("template").await,
    );

    for (svg, says) in [
        (
            r#"<svg xmlns="http://www.w3.org/2000/svg"><script>fetch('/api/v1/me')</script></svg>"#,
            "SVG 文件含有脚本（script），存在安全风险，请删除后重新导出上传",
        ),
        (
            r#"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>"#,
            "SVG 文件含有事件处理属性（onload），存在安全风险，请删除后重新导出上传",
        ),
        (
            r#"<svg xmlns="http://www.w3.org/2000/svg"><image href="https://evil.example/x.png"/></svg>"#,
            "SVG 文件含有外部引用（href），存在安全风险，请删除后重新导出上传",
        ),
    ] {
        let refused = upload(&t, &national, logo, "logo.svg", svg.as_bytes().to_vec()).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{svg}");
        assert_eq!(refused.json()["error"]["code"], "file_rules");
        assert_eq!(refused.field("file"), says);
    }
    let broken = upload(&t, &national, logo, "logo.svg", b"<svg><g></svg>".to_vec()).await;
    assert_eq!(broken.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        broken.field("file").contains("不是完整的 XML"),
        "{}",
        broken.text
    );

    // Formats are found from the content, whatever the name says.
    let svg_poster = upload(
        &t,
        &national,
        poster,
        "poster.png",
        LOGO.as_bytes().to_vec(),
    )
    .await;
    assert_eq!(svg_poster.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(
        svg_poster.message(),
        "海报仅接受PNG 图片、JPEG 图片、PDF 文档（此文件为SVG 矢量图）"
    );
    let png_video = upload(&t, &national, video, "promo.mp4", png(8, 8)).await;
    assert_eq!(png_video.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(
        png_video.message(),
        "宣传片仅接受MP4 视频（此文件为PNG 图片）"
    );
    let text = upload(&t, &national, template, "a.docx", b"hello".to_vec()).await;
    assert_eq!(text.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(
        text.message().starts_with("无法识别的文件格式"),
        "{}",
        text.text
    );
    let cut = upload(
        &t,
        &national,
        template,
        "a.pdf",
        b"%PDF-1.7\n1 0 obj".to_vec(),
    )
    .await;
    assert_eq!(cut.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(cut.field("file"), "PDF 文件不完整，请重新导出后上传");
    let macro_doc = upload(
        &t,
        &national,
        template,
        "a.docx",
        docx(Some("word/vbaProject.bin")),
    )
    .await;
    assert_eq!(macro_doc.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        macro_doc.field("file"),
        "文件含有宏，请另存为不含宏的文档（docx、pptx、xlsx）后上传"
    );
    let truncated_png = {
        let mut bytes = png(30, 30);
        bytes.truncate(bytes.len() / 2);
        bytes
    };
    let half = upload(&t, &national, poster, "p.png", truncated_png).await;
    assert_eq!(half.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(half.field("file"), "图片已损坏或无法识别，请重新导出后上传");
    let big = upload(
        &t,
        &national,
        poster,
        "p.jpg",
        crate::support::jpeg(600, 600),
    )
    .await;
    assert_eq!(big.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(big.message(), "海报的文件不能超过4KB");
    // Nothing refused was kept.
    for id in [logo, poster, video] {
        let r = t
            .get_as(&national, &format!("/api/v1/resources/{id}"))
            .await
            .json();
        assert_eq!(r["files"], json!([]), "{r}");
    }
    let fine = upload(&t, &national, template, "方案模板", docx(None)).await;
    assert_eq!(fine.status, StatusCode::CREATED, "{}", fine.text);
    assert_eq!(fine.json()["format"], "docx");
    assert_eq!(fine.json()["name"], "方案模板.docx");
    let named = t
        .multipart(
            &national,
            &format!("/api/v1/resources/{template}/files"),
            &[("name", "../etc/passwd")],
            "a.docx",
            docx(None),
        )
        .await;
    assert_eq!(named.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(named.field("name"), "文件名不能含有 / 或 \\");

    // The resource's own fields.
    let bad = create(
        &t,
        &national,
        json!({"kind": "flyer", "title": "海", "tags": ["a"]}),
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.field("kind").starts_with("类别须为 poster（海报）"));
    assert_eq!(bad.field("title"), "标题至少2个字");
    let too_many: Vec<String> = (0..11).map(|i| format!("标签{i}")).collect();
    let bad = create(
        &t,
        &national,
        json!({"kind": "logo", "title": "标识", "tags": too_many}),
    )
    .await;
    assert_eq!(bad.field("tags"), "标签至多10个");
    let nested = create(&t, &national, json!(["logo", "标识"])).await;
    assert_eq!(nested.status, StatusCode::BAD_REQUEST);
}

async fn only_the_campaigns_administrators_manage_its_resources(backend: Backend) {
    let t = TestApp::new(backend).await;
    let national = t
        .user("13900000821", "全国科协", Role::NationalAdmin, None)
        .await;
    let henan = t
        .user(
            "13900000822",
            "河南省科协",
            Role::ProvinceAdmin,
            Some("410000"),
        )
        .await;
    let shaanxi = t
        .user(
            "13900000823",
            "陕西省科协",
            Role::ProvinceAdmin,
            Some("610000"),
        )
        .await;
    let city = t
        .user(
            "13900000824",
            "三门峡市科协",
            Role::CityAdmin,
            Some("411200"),
        )
        .await;
    let member = t.log_in("13800138821").await;

    // 河南's own campaign.
    let mut edition = t.get("/api/v1/campaigns/current").await.json();
    let national_campaign = edition["id"].as_i64().unwrap();
    let obj = edition.as_object_mut().unwrap();
    obj.remove("id");
    obj.insert("region_code".into(), json!("410000"));
    obj.insert("current".into(), json!(true));
    let made = t.post("/api/v1/campaigns", Some(&national), edition).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    let henan_campaign = made.json()["id"].as_i64().unwrap();

    let body = json!({"kind": "poster", "title": "河南科普日海报"});
    let mine = create(&t, &henan, body.clone()).await;
    assert_eq!(mine.status, StatusCode::CREATED, "{}", mine.text);
    assert_eq!(mine.json()["campaign_id"], henan_campaign);
    let id = mine.json()["id"].as_i64().unwrap();

    let message = "只有全国管理员可以管理全国活动季的宣传资源，省级管理员管理本省活动季的宣传资源";
    let mut on_national = body.clone();
    on_national["campaign_id"] = json!(national_campaign);
    let refused = create(&t, &henan, on_national).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(refused.message(), message);
    for who in [&shaanxi, &city, &member] {
        let mut on_henan = body.clone();
        on_henan["campaign_id"] = json!(henan_campaign);
        let refused = create(&t, who, on_henan).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.text);
        assert_eq!(refused.message(), message);
    }
    assert_eq!(create(&t, &city, body.clone()).await.message(), message);

    // Another province's draft is not there for them; once published it is not theirs.
    let path = format!("/api/v1/resources/{id}");
    for attempt in [
        upload(&t, &shaanxi, id, "p.png", png(8, 8)).await,
        t.post(&format!("{path}/publish"), Some(&shaanxi), json!({}))
            .await,
        t.call(Method::DELETE, &path, Some(&shaanxi), None).await,
        t.get_as(&shaanxi, &path).await,
    ] {
        assert_eq!(attempt.status, StatusCode::NOT_FOUND, "{}", attempt.text);
        assert_eq!(attempt.message(), "未找到该宣传资源");
    }
    assert_eq!(
        t.get_as(&shaanxi, "/api/v1/resources").await.json()["total"],
        0
    );
    let listed = t.get_as(&henan, "/api/v1/resources").await.json();
    assert_eq!(listed["total"], 1);
    assert_eq!(listed["items"][0]["manageable"], true);
    // The national administrator manages every campaign's.
    assert_eq!(
        upload(&t, &national, id, "p.png", png(8, 8)).await.status,
        StatusCode::CREATED
    );
    assert_eq!(
        t.post(&format!("{path}/publish"), Some(&henan), json!({}))
            .await
            .status,
        StatusCode::OK
    );
    for attempt in [
        upload(&t, &shaanxi, id, "p.png", png(8, 8)).await,
        t.call(Method::DELETE, &path, Some(&shaanxi), None).await,
        upload(&t, &city, id, "p.png", png(8, 8)).await,
    ] {
        assert_eq!(attempt.status, StatusCode::FORBIDDEN, "{}", attempt.text);
        assert_eq!(attempt.message(), message);
    }
    let seen = t.get_as(&shaanxi, &path).await.json();
    assert_eq!(seen["manageable"], false);
    assert_eq!(seen["files"].as_array().unwrap().len(), 1);
}

async fn an_administrator_manages_resources_on_the_page(backend: Backend) {
    let t = TestApp::new(backend).await;
    t.user("13900000831", "全国科协", Role::NationalAdmin, None)
        .await;
    let cookie = sign_in(&t, "13900000831").await;
    let list = page(&t, "/resources", &cookie).await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.text.contains("新建资源"));
    let csrf = csrf_of(&list);
    // A refused form keeps what was typed, with the message beside its field.
    let refused = form(
        &t,
        "/resources",
        &cookie,
        &format!("_csrf={csrf}&kind=logo&title=%E6%A0%87&description=%E6%A8%AA%E7%89%88&tags="),
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text.contains("标题至少2个字"));
    assert!(refused.text.contains(">横版</textarea>"));
    let made = form(
        &t,
        "/resources",
        &cookie,
        &format!("_csrf={csrf}&kind=logo&title=%E7%A7%91%E6%99%AE%E6%97%A5%E6%A0%87%E8%AF%86&tags=%E6%A0%87%E8%AF%86%EF%BC%8C2026"),
    )
    .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.text);
    let id = t
        .get_as(
            &t.user("13900000832", "全国科协二", Role::NationalAdmin, None)
                .await,
            "/api/v1/resources",
        )
        .await
        .json()["items"][0]["id"]
        .as_i64()
        .unwrap();
    // Deleting asks for the box to be ticked first.
    let unconfirmed = form(
        &t,
        &format!("/resources/{id}/delete"),
        &cookie,
        &format!("_csrf={csrf}"),
    )
    .await;
    assert_eq!(unconfirmed.status, StatusCode::SEE_OTHER);
    assert!(unconfirmed.header("location").contains("error="));
    let shown = page(&t, &unconfirmed.header("location"), &cookie).await;
    assert!(
        shown
            .text
            .contains("请勾选“确认删除此资源及其全部文件”后再删除")
    );
    let no_file = form(
        &t,
        &format!("/resources/{id}/publish"),
        &cookie,
        &format!("_csrf={csrf}"),
    )
    .await;
    let shown = page(&t, &no_file.header("location"), &cookie).await;
    assert!(
        shown.text.contains("未发布：请先上传至少一个文件，再发布"),
        "{}",
        shown.text
    );
    let gone = form(
        &t,
        &format!("/resources/{id}/delete"),
        &cookie,
        &format!("_csrf={csrf}&confirm=1"),
    )
    .await;
    assert_eq!(gone.header("location"), "/resources?done=deleted");
    assert!(
        page(&t, "/resources?done=deleted", &cookie)
            .await
            .text
            .contains("资源及其文件已删除")
    );
    // The public sees no management forms.
    let public = t.get("/resources").await;
    assert_eq!(public.status, StatusCode::OK);
    assert!(!public.text.contains("新建资源"));
}
