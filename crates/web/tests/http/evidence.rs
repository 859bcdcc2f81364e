//! Evidence checks on supplements (issue 16): flags for the reviewing administrator read from
//! what each photo said of itself at upload — a photo taken two years before, one taken
//! 300 km away, the same photo reused by another host resized to 80% and re-saved at
//! quality 70 — while a fresh photo is not flagged, and the public copy carries no GPS.
//! On both backends.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use store::testing::Backend;

use crate::activities::{World, world};
use crate::public::publish;
use crate::support::jpeg;

store::on_both_backends!(photos_are_checked_for_time_place_and_reuse_and_lose_their_gps,);

/// 三门峡市湖滨区, where the world's activities are held.
const SANMENXIA: (f64, f64) = (34.77, 111.19);

async fn photo(w: &World, token: &str, id: i64, kind: &str, bytes: Vec<u8>) -> i64 {
    let r = w.t.upload(token, id, kind, "照片.jpg", bytes).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    r.json()["id"].as_i64().unwrap()
}

async fn save(w: &World, token: &str, id: i64, photos: &[i64], evidence: i64) -> Value {
    let r = w
        .t
        .call(
            Method::PUT,
            &format!("/api/v1/activities/{id}/supplement"),
            Some(token),
            Some(json!({
                "participants": 120,
                "media_links": ["https://news.example.cn/kepu/1"],
                "photos": photos,
                "videos": [],
                "evidence_photo": evidence,
                "summary": {"basic": "到场120人", "outcomes": "激发兴趣", "highlights": "观测", "resources": "讲义", "lessons": "预约"}
            })),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.json()
}

fn kinds(flags: &Value, media: i64) -> Vec<String> {
    flags
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["media_id"] == media)
        .map(|f| f["kind"].as_str().unwrap().to_owned())
        .collect()
}

async fn photos_are_checked_for_time_place_and_reuse_and_lose_their_gps(backend: Backend) {
    let w = world(backend).await;
    let a = publish(&w, json!({"name": "秋夜观星"})).await;
    let (lat, lon) = SANMENXIA;
    // Held 2026-09-15 19:00 – 21:30 (and a session the next evening).
    let fresh_bytes =
        app::fixtures::photo_jpeg(1, 1200, 800, 92, Some(("2026:09:15 20:00:00", lat, lon)));
    let old = photo(
        &w,
        &w.host,
        a,
        "photo",
        app::fixtures::photo_jpeg(2, 1200, 800, 92, Some(("2024:09:15 20:00:00", lat, lon))),
    )
    .await;
    // About 300 km east of 三门峡 (a degree of longitude there is about 91 km).
    let far = photo(
        &w,
        &w.host,
        a,
        "photo",
        app::fixtures::photo_jpeg(
            3,
            1200,
            800,
            92,
            Some(("2026:09:15 20:10:00", lat, lon + 3.28)),
        ),
    )
    .await;
    let fresh = photo(&w, &w.host, a, "photo", fresh_bytes.clone()).await;
    let evidence = photo(&w, &w.host, a, "evidence", jpeg(800, 600)).await;
    let saved = save(&w, &w.host, a, &[old, far, fresh], evidence).await;
    let flags = &saved["flags"];
    assert_eq!(kinds(flags, old), ["photo_time"], "{flags}");
    assert_eq!(
        flags
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["media_id"] == old)
            .unwrap()["detail"],
        "照片拍摄于2024-09-15，活动时间为2026-09-15至2026-09-16"
    );
    assert_eq!(kinds(flags, far), ["photo_place"], "{flags}");
    let far_detail = flags
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["media_id"] == far)
        .unwrap()["detail"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        far_detail.starts_with("照片拍摄地点距活动地点约"),
        "{far_detail}"
    );
    assert!(
        kinds(flags, fresh).is_empty(),
        "a fresh photo is not flagged: {flags}"
    );
    assert!(kinds(flags, evidence).is_empty(), "{flags}");
    // The reviewing province sees the same flags; nobody else sees the supplement.
    let seen =
        w.t.get_as(&w.henan, &format!("/api/v1/activities/{a}/supplement"))
            .await
            .json();
    assert_eq!(seen["flags"], *flags);
    let outside =
        w.t.get_as(&w.shaanxi, &format!("/api/v1/activities/{a}/supplement"))
            .await;
    assert_eq!(outside.status, StatusCode::NOT_FOUND);

    // GPS never reaches the public copy: the stored photo has no EXIF at all.
    let public = w.t.get(&format!("/api/v1/media/{far}")).await;
    assert_eq!(public.status, StatusCode::OK);
    assert_eq!(
        domain::evidence::read_jpeg_exif(&public.bytes),
        domain::evidence::PhotoFacts::default()
    );
    assert!(
        !public.bytes.windows(4).any(|w| w == b"Exif"),
        "no EXIF segment"
    );
    assert!(
        image::load_from_memory(&public.bytes).is_ok(),
        "still a photo"
    );

    // Another host re-posts the fresh photo, resized to 80% and re-saved at quality 70.
    let other = w.t.log_in("13800138777").await;
    let org =
        w.t.post(
            "/api/v1/orgs",
            Some(&other),
            json!({"name": "陕州区文化馆", "kind": "venue", "region_code": "411203"}),
        )
        .await
        .json()["id"]
            .as_i64()
            .unwrap();
    let b = {
        let other_world = World {
            t: w.t.restart().await,
            host: other.clone(),
            org,
            henan: w.henan.clone(),
            shaanxi: w.shaanxi.clone(),
            city: w.city.clone(),
            national: w.national.clone(),
        };
        publish(
            &other_world,
            json!({"name": "陕州区观星", "region_code": "411203", "sessions": []}),
        )
        .await
    };
    let copy = photo(
        &w,
        &other,
        b,
        "photo",
        app::fixtures::resaved(&fresh_bytes, 0.8, 70),
    )
    .await;
    let p2 = photo(
        &w,
        &other,
        b,
        "photo",
        app::fixtures::photo_jpeg(4, 1200, 800, 90, None),
    )
    .await;
    let p3 = photo(
        &w,
        &other,
        b,
        "photo",
        app::fixtures::photo_jpeg(5, 1200, 800, 90, None),
    )
    .await;
    let ev = photo(&w, &other, b, "evidence", jpeg(800, 600)).await;
    let saved = save(&w, &other, b, &[copy, p2, p3], ev).await;
    let flags = &saved["flags"];
    assert_eq!(kinds(flags, copy), ["photo_reused"], "{flags}");
    assert_eq!(
        flags
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["media_id"] == copy)
            .unwrap()["detail"],
        format!("与活动“秋夜观星”（编号{a}）的照片相同或相近")
    );
    assert!(
        kinds(flags, p2).is_empty() && kinds(flags, p3).is_empty(),
        "other scenes: {flags}"
    );
}
