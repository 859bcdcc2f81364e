//! One valid input per variant of every target, from which libFuzzer grows the rest.

use serde_json::json;

use crate::http::{multipart_body, png};

fn picked(pick: u8, rest: &[u8]) -> Vec<u8> {
    let mut out = vec![pick];
    out.extend_from_slice(rest);
    out
}

fn picked_json(pick: u8, body: &serde_json::Value) -> Vec<u8> {
    picked(pick, body.to_string().as_bytes())
}

fn jpeg(width: u32, height: u32) -> Vec<u8> {
    let image = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 200) as u8, 90, (y % 200) as u8])
    });
    let mut bytes = std::io::Cursor::new(Vec::new());
    image
        .write_to(&mut bytes, image::ImageFormat::Jpeg)
        .expect("a JPEG encodes");
    bytes.into_inner()
}

/// The seeds, by target.
pub fn seeds() -> Vec<(&'static str, Vec<Vec<u8>>)> {
    let mut activity = crate::http::complete(1, "科普讲座：人工智能与未来生活");
    activity["sessions"] = json!([{"start": "2026-09-16T19:00:00+08:00", "end": "2026-09-16T21:00:00+08:00", "region_code": "411203", "address": "陕州区文化广场"}]);
    let bodies = vec![
        picked_json(0, &activity),
        picked_json(
            1,
            &json!({"name": "改名后的活动", "expected_participants": 80}),
        ),
        picked_json(
            2,
            &json!({"year": 2027, "theme": "科学精神", "sections": [{"key": "exhibition", "name": "展览"}], "activity_from": "2027-08-01", "activity_to": "2027-09-30", "thresholds": {"offline": 50, "online": 100}, "supplement_days": 10}),
        ),
        picked_json(
            3,
            &json!({"participants": 100, "media_links": ["https://example.cn/v/1"], "photos": [], "videos": [], "evidence_photo": null, "summary": {"basic": "基本情况", "outcomes": "主要成效", "highlights": "", "resources": "", "lessons": ""}}),
        ),
        picked_json(
            4,
            &json!({"name": "灵宝市青少年活动中心", "kind": "venue", "region_code": "411282", "credit_code": "91350100M000100Y43"}),
        ),
        picked_json(
            5,
            &json!({"decision": "reject", "reason": "活动地点不明确"}),
        ),
        picked_json(
            6,
            &json!({"ids": [1, 2], "decision": "approve", "reason": ""}),
        ),
    ];
    let multipart = vec![
        picked(
            0,
            &multipart_body(
                &[("kind", "photo"), ("consent", "adults")],
                "a.png",
                &png(40, 30),
            ),
        ),
        picked(
            0,
            &multipart_body(&[("kind", "poster")], "p.png", &png(600, 350)),
        ),
        picked(
            0,
            &multipart_body(
                &[("kind", "video"), ("consent", "guardians")],
                "v.mp4",
                &app::fixtures::mp4(5, 320, 240, false, 256),
            ),
        ),
        picked(
            1,
            &multipart_body(&[("consent", "nobody")], "s.jpg", &jpeg(64, 48)),
        ),
    ];
    let query = vec![
        picked(0, "q=科普&region=410000&page=1&per_page=10".as_bytes()),
        picked(
            0,
            b"near=111.2,34.77&within_km=50&from=2026-09-01&to=2026-09-30",
        ),
        picked(1, "q=天文&section=exhibition".as_bytes()),
        picked(2, "near=三门峡&within_km=50".as_bytes()),
        picked(3, b"status=province_review&page=1"),
        picked(
            4,
            b"from=2026-01-01&to=2026-12-31&action=activity.decide&page=1",
        ),
        picked(5, b"region=410000"),
        picked(6, b"page=2&per_page=5"),
    ];
    let if_match = vec![picked(0, b"1"), picked(0, b"W/\"3\""), picked(1, b"\"2\"")];
    let identifiers = vec![
        b"13800138000".to_vec(),
        b"+86 13900000002".to_vec(),
        b"91350100M000100Y43".to_vec(),
        b"410000".to_vec(),
    ];
    let sanitiser = vec![
        b"<p>Hello <b>world</b><script>alert(1)</script></p>".to_vec(),
        b"<img src=x onerror=alert(1)><a href=\"javascript:alert(1)\">x</a>".to_vec(),
        b"<table><tr><td><a href=\"https://kepu.example.cn\">link</a></td></tr></table>".to_vec(),
        "<p style=\"color:red\">科普<svg onload=alert(1)></svg></p>"
            .as_bytes()
            .to_vec(),
    ];
    let ical = vec![
        "走进天文馆：秋夜观星\0三门峡市湖滨区科技馆三楼\0<p>带领青少年认识秋季星空。</p>"
            .as_bytes()
            .to_vec(),
        "名称, 带逗号; 和分号\\ 反斜杠\n换行\0地点\0"
            .as_bytes()
            .to_vec(),
        "很长的名称".repeat(30).into_bytes(),
    ];
    let image = vec![
        picked(0, &png(600, 350)),
        picked(1, &jpeg(100, 80)),
        picked(2, &png(10, 10)),
    ];
    let mp4 = vec![
        picked(0, &app::fixtures::mp4(10, 320, 240, false, 512)),
        picked(0, &app::fixtures::mp4(10, 1280, 720, true, 512)),
        picked(1, &app::fixtures::mp4(3, 320, 240, false, 128)),
        picked(1, b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"),
    ];
    let xlsx = vec![crate::files::workbook(3), crate::files::workbook(0)];
    let search = vec![
        picked(0, "科普 讲座".as_bytes()),
        picked(0, b"robot"),
        picked(1, &[0, 2, 3]),
        picked(1, &[2, 0, 4]),
    ];
    vec![
        ("bodies", bodies),
        ("multipart", multipart),
        ("query", query),
        ("if_match", if_match),
        ("identifiers", identifiers),
        ("sanitiser", sanitiser),
        ("ical", ical),
        ("image", image),
        ("mp4", mp4),
        ("xlsx", xlsx),
        ("search", search),
    ]
}
