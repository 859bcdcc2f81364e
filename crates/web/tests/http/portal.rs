//! The portal's pages as a visitor uses them: the region drill-down of the list, the science
//! map by place name or coordinates, with tiles in their provider's datum, and the activity
//! page's map.

use axum::http::StatusCode;
use domain::geo::{Datum, from_wgs84};
use serde_json::json;
use store::testing::Backend;

use crate::activities::world;
use crate::public::publish;
use store::on_both_backends;

on_both_backends!(
    the_list_drills_down_from_province_to_county,
    the_map_finds_a_place_by_name_or_coordinates,
    tiles_and_provider_links_use_the_providers_datum,
    the_public_page_shows_no_contacts_even_to_the_host,
);

fn count(page: &str) -> String {
    let start = page.find(r#"id="result-count">"#).expect("a count") + 18;
    page[start..].split('<').next().unwrap().to_owned()
}

fn selected(page: &str, code: &str) -> bool {
    page.contains(&format!(r#"<option value="{code}" selected>"#))
}

async fn the_list_drills_down_from_province_to_county(backend: Backend) {
    let w = world(backend).await;
    // 三门峡市湖滨区 (with a session in 陕州区), and 郑州市中原区.
    publish(&w, json!({})).await;
    publish(
        &w,
        json!({"region_code": "410102", "address": "郑州市中原区", "sessions": []}),
    )
    .await;

    let province =
        w.t.get("/activities?province=410000&city=&county=")
            .await
            .text;
    assert_eq!(count(&province), "共 2 个");
    assert!(selected(&province, "410000"));
    for city in ["410100", "411200"] {
        assert!(
            province.contains(&format!(r#"<option value="{city}">"#)),
            "{city} to choose"
        );
    }
    assert!(
        !province.contains(r#"<option value="411202">"#),
        "no county before a city"
    );

    let city =
        w.t.get("/activities?province=410000&city=411200")
            .await
            .text;
    assert_eq!(count(&city), "共 1 个");
    assert!(selected(&city, "410000") && selected(&city, "411200"));
    assert!(city.contains(r#"<option value="411202">湖滨区</option>"#));

    let in_county = |code: &'static str| {
        let t = &w.t;
        async move {
            t.get(&format!(
                "/activities?province=410000&city=411200&county={code}"
            ))
            .await
            .text
        }
    };
    assert_eq!(count(&in_county("411202").await), "共 1 个");
    assert_eq!(
        count(&in_county("411203").await),
        "共 1 个",
        "by its session"
    );
    assert_eq!(count(&in_county("411221").await), "共 0 个", "渑池县");

    // A city left selected while the province changed is ignored, not searched.
    let moved =
        w.t.get("/activities?province=610000&city=411200&county=411202")
            .await
            .text;
    assert_eq!(count(&moved), "共 0 个");
    assert!(selected(&moved, "610000") && !selected(&moved, "411200"));
    assert!(moved.contains(r#"<option value="610100">西安市</option>"#));

    let reservable =
        w.t.get("/activities?province=410000&reservable=true")
            .await
            .text;
    assert_eq!(count(&reservable), "共 0 个");
    assert!(selected(&reservable, "true"));
    let wrong = w.t.get("/activities?reservable=maybe").await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    assert!(
        wrong.text.contains("是否支持预约只能是“是”或“否”"),
        "{}",
        wrong.text
    );
}

async fn the_map_finds_a_place_by_name_or_coordinates(backend: Backend) {
    let w = world(backend).await;
    let sanmenxia = publish(&w, json!({"sessions": [], "lon": 111.19, "lat": 34.77})).await;
    let zhengzhou = publish(
        &w,
        json!({"region_code": "410102", "address": "郑州市中原区", "sessions": [], "name": "郑州科普讲座"}),
    )
    .await;
    let link = |id: i64| format!(r#"href="/activities/{id}""#);

    let by_name =
        w.t.get("/map?near=%E4%B8%89%E9%97%A8%E5%B3%A1&within_km=30")
            .await;
    assert_eq!(by_name.status, StatusCode::OK);
    assert!(
        by_name.text.contains(&link(sanmenxia)),
        "三门峡 names the city"
    );
    assert!(!by_name.text.contains(&link(zhengzhou)));
    assert!(
        by_name.text.contains(r#"value="三门峡""#),
        "the place stays as typed"
    );
    assert!(
        by_name.text.contains(r#"id="me""#),
        "the chosen place is marked"
    );
    assert!(
        !by_name.text.contains("<image"),
        "no tiles without a provider"
    );

    // 三门峡市科技馆 hosts both; it is drawn where it holds one in its own district only.
    let venue = format!(r#"href="/orgs/{}""#, w.org);
    assert!(by_name.text.contains(&venue) && by_name.text.contains(r#"class="venue""#));
    assert!(by_name.text.contains("科普场馆"));

    let by_point = w.t.get("/map?near=113.62,34.75").await.text;
    assert!(by_point.contains(&link(zhengzhou)) && !by_point.contains(&link(sanmenxia)));
    assert!(
        !by_point.contains(&venue),
        "not placed at its activity in 郑州"
    );
    assert!(
        by_point.contains("公里（按区县中心估算） · "),
        "distances shown, and said to be estimates"
    );

    let unknown =
        w.t.get("/map?near=%E7%81%AB%E6%98%9F%E5%9F%BA%E5%9C%B0&within_km=30")
            .await;
    assert_eq!(unknown.status, StatusCode::OK);
    assert!(
        unknown.text.contains("未找到地点“火星基地”"),
        "{}",
        unknown.text
    );
    assert!(
        unknown.text.contains(r#"value="火星基地""#),
        "what was typed is kept"
    );
    assert!(unknown.text.contains(&link(sanmenxia)) && unknown.text.contains(&link(zhengzhou)));

    let far = w.t.get("/map?near=111,34&within_km=900").await.text;
    assert!(far.contains("范围须大于0且不超过500公里"));

    let none = w.t.get("/map?near=87.6,43.8&within_km=10").await.text;
    assert!(none.contains(r#"id="map-none""#), "乌鲁木齐: nothing near");

    let home = w.t.get("/").await.text;
    assert!(home.contains(r#"id="home-near-form""#) && home.contains(r#"action="/map""#));
}

async fn tiles_and_provider_links_use_the_providers_datum(backend: Backend) {
    let w = world(backend).await;
    let point = (111.19, 34.77);
    let id = publish(&w, json!({"sessions": [], "lon": point.0, "lat": point.1})).await;
    let tiled =
        w.t.restart_with(|c| {
            c.map.tile_url = "https://tiles.example/{z}/{x}/{y}.png?key=k&style=1".to_owned();
            c.map.tile_datum = "gcj02".to_owned();
            c.map.attribution = "审图号：GS(2026)1号".to_owned();
        })
        .await;
    let map = tiled.get("/map?near=111.19,34.77&within_km=10").await.text;
    assert!(map.contains(r#"<image class="tile" href="https://tiles.example/"#));
    assert!(
        map.contains("?key=k&#38;style=1"),
        "the URL's query is kept, escaped"
    );
    assert!(map.contains("审图号：GS(2026)1号"));
    // The chosen place and the activity at the same spot are drawn together, in the middle.
    assert!(map.contains(r#"class="me" cx="500" cy="300""#), "{map}");
    assert!(map.contains(r#"class="point" cx="500" cy="300""#));

    // The same ground without tiles differs only in what is under the points.
    let plain = w.t.get("/map?near=111.19,34.77&within_km=10").await.text;
    assert!(!plain.contains("<image") && !plain.contains("审图号"));

    let page = tiled.get(&format!("/activities/{id}")).await.text;
    let gcj = from_wgs84(point, Datum::Gcj02);
    let bd = from_wgs84(point, Datum::Bd09);
    assert!(
        page.contains(&format!("position={:.6},{:.6}", gcj.0, gcj.1)),
        "高德: GCJ-02"
    );
    assert!(
        page.contains(&format!("location={:.6},{:.6}", bd.1, bd.0)),
        "百度: BD-09"
    );
    assert!(page.contains(r#"id="place-ground""#) && page.contains("<image class=\"tile\""));
}

/// The public page of an activity never shows its contacts or review remarks, even to the
/// host and administrators who may open it before approval; the host's list offers exactly
/// what the state allows.
async fn the_public_page_shows_no_contacts_even_to_the_host(backend: Backend) {
    use crate::activities::{act, complete};
    use crate::pages::{page, sign_in};
    let w = world(backend).await;
    let approved = publish(&w, json!({})).await;
    let made =
        w.t.post("/api/v1/activities", Some(&w.host), complete(w.org))
            .await;
    let rejected = made.json()["id"].as_i64().unwrap();
    crate::public::attach_poster(&w, rejected).await;
    act(&w, &w.host, rejected, "submit", json!({})).await;
    let refused = act(
        &w,
        &w.henan,
        rejected,
        "decisions",
        json!({"decision": "reject", "reason": "请补充活动地址的门牌号"}),
    )
    .await;
    assert_eq!(
        refused.json()["status"],
        "province_rejected",
        "{}",
        refused.text
    );

    let cookie = sign_in(&w.t, "13800138000").await;
    for id in [approved, rejected] {
        let shown = page(&w.t, &format!("/activities/{id}"), &cookie).await;
        assert_eq!(shown.status, StatusCode::OK, "{id}");
        assert!(shown.text.contains("走进天文馆"), "{id}");
        assert!(
            !shown.text.contains("0398-2812345"),
            "{id}: no contact phone"
        );
        assert!(
            !shown.text.contains("请补充活动地址的门牌号"),
            "{id}: no remark"
        );
    }
    assert_eq!(
        w.t.get(&format!("/activities/{rejected}")).await.status,
        StatusCode::NOT_FOUND,
        "the public does not see a rejected activity"
    );
    let anonymous = w.t.get(&format!("/activities/{approved}")).await;
    assert!(!anonymous.text.contains("0398-2812345"));

    // The host's list: edit and submit for the rejected one, supplement and withdraw for
    // the approved one, and the remark where the host can read it.
    let mine = page(&w.t, "/my/activities", &cookie).await.text;
    let item = |id: i64| {
        let start = mine.find(&format!(r#"data-id="{id}""#)).expect("listed");
        let end = mine[start..].find("</li>").unwrap() + start;
        mine[start..end].to_owned()
    };
    let r = item(rejected);
    assert!(
        r.contains(&format!("/my/activities/{rejected}/edit")),
        "{r}"
    );
    assert!(
        r.contains(&format!("/my/activities/{rejected}/submit")),
        "{r}"
    );
    assert!(
        !r.contains("/withdraw") && !r.contains("/supplement"),
        "{r}"
    );
    assert!(r.contains("审核意见：请补充活动地址的门牌号"), "{r}");
    let a = item(approved);
    assert!(
        a.contains(&format!("/my/activities/{approved}/supplement")),
        "{a}"
    );
    assert!(
        a.contains(&format!("/my/activities/{approved}/withdraw")),
        "{a}"
    );
    assert!(!a.contains("/edit") && !a.contains("/submit"), "{a}");
}
