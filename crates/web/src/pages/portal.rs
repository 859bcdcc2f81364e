//! The public portal's pages: the list with its filters, an activity, an organisation, and
//! the science map. They work without JavaScript; the map's "near me" enhances.

use app::public::PublicQuery;
use app::{App, AppError};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use domain::activity::{AUDIENCES, MODES, VENUE_TYPES};
use serde_json::Value;

use super::review::{beijing, beijing_time};
use super::{Layout, PageSession, activity_id, error_page};

/// A filter choice.
pub struct Choice {
    value: String,
    label: String,
    selected: bool,
}

fn choices(
    items: impl IntoIterator<Item = (String, String)>,
    current: Option<&str>,
) -> Vec<Choice> {
    items
        .into_iter()
        .map(|(value, label)| Choice {
            selected: current == Some(value.as_str()),
            value,
            label,
        })
        .collect()
}

/// One activity as a card in a list.
pub struct Card {
    pub(super) id: i64,
    pub(super) name: String,
    pub(super) when: String,
    pub(super) place: String,
    pub(super) section: String,
    pub(super) distance: Option<f64>,
    pub(super) lon: Option<f64>,
    pub(super) lat: Option<f64>,
}

#[derive(Template, WebTemplate)]
#[template(path = "activities.html")]
struct ListPage {
    layout: Layout,
    cards: Vec<Card>,
    total: u64,
    q: String,
    sections: Vec<Choice>,
    provinces: Vec<Choice>,
    audiences: Vec<Choice>,
    venues: Vec<Choice>,
    modes: Vec<Choice>,
    from: String,
    to: String,
    prev: Option<String>,
    next: Option<String>,
    ics: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "activity.html")]
struct ItemPage {
    layout: Layout,
    a: Value,
    when: String,
    section: String,
    sessions: Vec<(String, String)>,
    hosts: Vec<(i64, String)>,
    co_hosts: Vec<(i64, String)>,
    audiences: String,
    map_link: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "org.html")]
struct OrgPage {
    layout: Layout,
    org: app::orgs::OrgView,
    kind: String,
    status: String,
    cards: Vec<Card>,
}

#[derive(Template, WebTemplate)]
#[template(path = "map.html")]
struct MapPage {
    layout: Layout,
    cards: Vec<Card>,
    points: Vec<(f64, f64, i64, String)>,
    near: String,
    within_km: String,
    centre: Option<(f64, f64)>,
    tile_url: String,
    error: Option<String>,
}

/// The query of a page: the API's filters, with the region picked at the finest level.
fn query_of(raw: &str) -> Result<PublicQuery, AppError> {
    let p = super::query_pairs(raw);
    let get = |k: &str| p.iter().rev().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let number = |k: &str| {
        get(k)
            .map(|v| {
                v.parse::<i64>()
                    .map_err(|_| AppError::Malformed(format!("{k} 须为整数")))
            })
            .transpose()
    };
    let region = get("county")
        .or_else(|| get("city"))
        .or_else(|| get("province"))
        .or_else(|| get("region"));
    Ok(PublicQuery {
        q: get("q"),
        section: get("section"),
        region,
        from: get("from"),
        to: get("to"),
        mode: get("mode"),
        audience: get("audience"),
        venue_type: get("venue_type"),
        reservable: get("reservable"),
        near: get("near"),
        within_km: get("within_km"),
        page: number("page")?,
        per_page: number("per_page")?,
    })
}

pub(super) fn card(a: &app::public::Summary, sections: &[domain::campaign::Section]) -> Card {
    let section = a.section.as_deref().unwrap_or_default();
    Card {
        id: a.id,
        name: a.name.clone(),
        when: a.start.map(beijing_time).unwrap_or_default(),
        place: a.address.clone().unwrap_or_else(|| "线上活动".to_owned()),
        section: sections
            .iter()
            .find(|s| s.key == section)
            .map(|s| s.name.clone())
            .unwrap_or_default(),
        distance: a.distance_km,
        lon: a.lon,
        lat: a.lat,
    }
}

fn with_page(raw: &str, page: u64) -> String {
    let mut p: Vec<(String, String)> = super::query_pairs(raw)
        .into_iter()
        .filter(|(k, _)| k != "page")
        .collect();
    p.push(("page".to_owned(), page.to_string()));
    p.iter()
        .map(|(k, v)| format!("{}={}", urlencoding::encode(k), urlencoding::encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// `GET /activities`.
pub async fn list(State(app): State<App>, headers: HeaderMap, RawQuery(raw): RawQuery) -> Response {
    let result = async {
        let raw = raw.unwrap_or_default();
        let session = PageSession::read(&app, &headers).await?;
        let query = query_of(&raw)?;
        let listed = app.public_listed(&query).await?;
        let reference = app.reference().await?;
        let rules = &reference.campaign.rules;
        let provinces = reference
            .provinces
            .iter()
            .map(|r| (r.code.clone(), r.name.clone()));
        let current_province = query
            .region
            .as_deref()
            .map(|r| format!("{}0000", r.get(..2).unwrap_or_default()));
        let (total, page) = (listed.total, listed.page.page);
        let last = total.div_ceil(listed.page.per_page.max(1));
        Ok::<_, AppError>(
            ListPage {
                layout: session.layout(&app).await?,
                cards: listed
                    .summaries()
                    .iter()
                    .map(|a| card(a, &rules.sections))
                    .collect(),
                total,
                q: query.q.clone().unwrap_or_default(),
                sections: choices(
                    rules
                        .sections
                        .iter()
                        .map(|s| (s.key.clone(), s.name.clone())),
                    query.section.as_deref(),
                ),
                provinces: choices(provinces, current_province.as_deref()),
                audiences: choices(
                    AUDIENCES.iter().map(|a| ((*a).to_owned(), (*a).to_owned())),
                    query.audience.as_deref(),
                ),
                venues: choices(
                    VENUE_TYPES
                        .iter()
                        .map(|a| ((*a).to_owned(), (*a).to_owned())),
                    query.venue_type.as_deref(),
                ),
                modes: choices(
                    MODES
                        .iter()
                        .map(|(k, l)| ((*k).to_owned(), (*l).to_owned())),
                    query.mode.as_deref(),
                ),
                from: query.from.clone().unwrap_or_default(),
                to: query.to.clone().unwrap_or_default(),
                prev: (page > 1).then(|| with_page(&raw, page - 1)),
                next: (page < last).then(|| with_page(&raw, page + 1)),
                ics: format!("/api/v1/activities.ics?{raw}"),
            }
            .into_response(),
        )
    }
    .await;
    result.unwrap_or_else(|e| error_page(&e))
}

/// `GET /activities/{id}`: an approved activity (its host and admins in its area see it
/// before approval too).
pub async fn item(
    State(app): State<App>,
    headers: HeaderMap,
    id: Result<Path<i64>, PathRejection>,
) -> Response {
    let result = async {
        let id = activity_id(id)?;
        let session = PageSession::read(&app, &headers).await?;
        let actor = session.actor(&app).await?;
        let mut a = app.activity(None, id).await.or(match &actor {
            Some(actor) => app.activity(Some(actor), id).await,
            None => Err(AppError::NotFound("未找到该活动".to_owned())),
        })?;
        // The public page never shows contacts, even to those who may see them elsewhere.
        if let Some(obj) = a.as_object_mut() {
            obj.remove("contact_phone");
            obj.remove("contact_name");
            obj.remove("review_reason");
        }
        let rules = app
            .campaign_rules(a["campaign_id"].as_i64().unwrap_or_default())
            .await?;
        let ids = |key: &str| {
            a[key]
                .as_array()
                .map(|v| v.iter().filter_map(Value::as_i64).collect::<Vec<_>>())
                .unwrap_or_default()
        };
        let (hosts, co_hosts) = (ids("hosts"), ids("co_hosts"));
        let names = app
            .org_names(&[hosts.as_slice(), co_hosts.as_slice()].concat())
            .await?;
        let sessions = a["sessions"]
            .as_array()
            .map(|list| {
                list.iter()
                    .map(|s| {
                        (
                            format!("{} 至 {}", beijing(&s["start"]), beijing(&s["end"])),
                            s["address"].as_str().unwrap_or_default().to_owned(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        Ok::<_, AppError>(
            ItemPage {
                layout: session.layout(&app).await?,
                when: format!("{} 至 {}", beijing(&a["start"]), beijing(&a["end"])),
                section: rules
                    .section(a["section"].as_str().unwrap_or_default())
                    .map(|s| s.name.clone())
                    .unwrap_or_default(),
                sessions,
                audiences: a["audiences"]
                    .as_array()
                    .map(|v| {
                        v.iter()
                            .filter_map(Value::as_str)
                            .collect::<Vec<_>>()
                            .join("、")
                    })
                    .unwrap_or_default(),
                map_link: a["lon"]
                    .as_f64()
                    .zip(a["lat"].as_f64())
                    .map(|(lon, lat)| format!("/map?near={lon},{lat}&within_km=30")),
                hosts: names
                    .iter()
                    .filter(|(id, _)| hosts.contains(id))
                    .cloned()
                    .collect(),
                co_hosts: names
                    .into_iter()
                    .filter(|(id, _)| co_hosts.contains(id))
                    .collect(),
                a,
            }
            .into_response(),
        )
    }
    .await;
    result.unwrap_or_else(|e| error_page(&e))
}

/// `GET /orgs/{id}`.
pub async fn org(
    State(app): State<App>,
    headers: HeaderMap,
    id: Result<Path<i64>, PathRejection>,
) -> Response {
    let result = async {
        let Ok(Path(id)) = id else {
            return Err(AppError::NotFound("未找到该单位".to_owned()));
        };
        let session = PageSession::read(&app, &headers).await?;
        let org = app.org(id).await?;
        if org.status == "rejected" {
            return Err(AppError::NotFound("未找到该单位".to_owned()));
        }
        let reference = app.reference().await?;
        let rules = &reference.campaign.rules;
        let cards = app
            .org_activities(id)
            .await?
            .iter()
            .map(|a| card(a, &rules.sections))
            .collect();
        let kind = domain::org::OrgKind::parse(&org.kind)
            .map(|k| k.label().to_owned())
            .unwrap_or_default();
        let status = domain::org::OrgStatus::parse(&org.status)
            .map(|s| s.label().to_owned())
            .unwrap_or_default();
        Ok::<_, AppError>(
            OrgPage {
                layout: session.layout(&app).await?,
                org,
                kind,
                status,
                cards,
            }
            .into_response(),
        )
    }
    .await;
    result.unwrap_or_else(|e| error_page(&e))
}

/// `GET /map?near=LON,LAT&within_km=N`: the science map. Without a place it shows the
/// latest activities nationwide; points are drawn on a plain ground (tiles when configured).
pub async fn map(State(app): State<App>, headers: HeaderMap, RawQuery(raw): RawQuery) -> Response {
    let result = async {
        let raw = raw.unwrap_or_default();
        let session = PageSession::read(&app, &headers).await?;
        let mut query = query_of(&raw)?;
        if query.near.is_some() && query.within_km.is_none() {
            query.within_km = Some("30".to_owned());
        }
        query.per_page = Some(100);
        let (listed, error) = match app.public_listed(&query).await {
            Ok(p) => (p, None),
            Err(AppError::Malformed(m)) => (
                app.public_listed(&PublicQuery {
                    per_page: Some(100),
                    ..Default::default()
                })
                .await?,
                Some(m),
            ),
            Err(e) => return Err(e),
        };
        let reference = app.reference().await?;
        let rules = &reference.campaign.rules;
        let cards: Vec<Card> = listed
            .summaries()
            .iter()
            .map(|a| card(a, &rules.sections))
            .collect();
        let centre = query
            .near
            .as_deref()
            .and_then(|n| n.split_once(','))
            .and_then(|(a, b)| Some((a.trim().parse().ok()?, b.trim().parse().ok()?)));
        let km = query
            .within_km
            .as_deref()
            .and_then(|k| k.parse::<f64>().ok());
        let points = project(&cards, centre.zip(km));
        Ok::<_, AppError>(
            MapPage {
                layout: session.layout(&app).await?,
                points,
                near: query.near.clone().unwrap_or_default(),
                within_km: query.within_km.clone().unwrap_or_default(),
                centre,
                tile_url: app.config.map_tile_url.clone(),
                error,
                cards,
            }
            .into_response(),
        )
    }
    .await;
    result.unwrap_or_else(|e| error_page(&e))
}

/// Positions on a 1000×600 ground: around the chosen place, the circle of `km` filling
/// the ground; otherwise the points' bounding box, padded.
fn project(cards: &[Card], around: Option<((f64, f64), f64)>) -> Vec<(f64, f64, i64, String)> {
    let located: Vec<(f64, f64, &Card)> = cards
        .iter()
        .filter_map(|c| Some((c.lon?, c.lat?, c)))
        .collect();
    let ((min_lon, max_lon), (min_lat, max_lat)) = match around {
        Some(((lon, lat), km)) => {
            let dlat = km / 111.0;
            let dlon = km / (111.0 * lat.to_radians().cos().max(0.01));
            ((lon - dlon, lon + dlon), (lat - dlat, lat + dlat))
        }
        None => (
            located
                .iter()
                .map(|p| p.0)
                .fold((f64::MAX, f64::MIN), |(a, b), v| (a.min(v), b.max(v))),
            located
                .iter()
                .map(|p| p.1)
                .fold((f64::MAX, f64::MIN), |(a, b), v| (a.min(v), b.max(v))),
        ),
    };
    let span_lon = (max_lon - min_lon).max(0.05);
    let span_lat = (max_lat - min_lat).max(0.05);
    located
        .iter()
        .map(|(lon, lat, c)| {
            let x = 50.0 + (lon - min_lon) / span_lon * 900.0;
            let y = 550.0 - (lat - min_lat) / span_lat * 500.0;
            (
                (x * 10.0).round() / 10.0,
                (y * 10.0).round() / 10.0,
                c.id,
                c.name.clone(),
            )
        })
        .collect()
}
