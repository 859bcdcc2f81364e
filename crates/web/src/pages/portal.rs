//! The public portal's pages: the list with its filters, an activity, an organisation, and
//! the science map. They work without JavaScript; the map's "near me" enhances.

use app::portal_context::Reference;
use app::public::PublicQuery;
use app::{App, AppError};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use domain::activity::{AUDIENCES, ActivityDraft, MODES, VENUE_TYPES};

use super::PageError;
use super::map::{self, Ground, Place};
use super::review::{beijing_at, beijing_time};
use super::{Layout, PageParams, PageSession, activity_id};

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
    /// Over by now: marked 已结束 (lists put these after the upcoming and ongoing ones).
    pub(super) ended: bool,
    /// The distance is from its division's centre (no point of its own).
    pub(super) estimated: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "activities.html")]
struct ListPage {
    layout: Layout,
    cards: Vec<Card>,
    total: u64,
    q: String,
    sections: Vec<Choice>,
    regions: RegionChoices,
    reservable: String,
    audiences: Vec<Choice>,
    venues: Vec<Choice>,
    modes: Vec<Choice>,
    from: String,
    to: String,
    prev: Option<String>,
    next: Option<String>,
    ics: String,
}

impl ListPage {
    /// The filters in force, by their Chinese names, for the folded 筛选 control.
    fn active(&self) -> String {
        let mut out: Vec<String> = [
            &self.regions.provinces,
            &self.regions.cities,
            &self.regions.counties,
            &self.sections,
            &self.audiences,
            &self.venues,
            &self.modes,
        ]
        .into_iter()
        .flat_map(|list| list.iter().filter(|c| c.selected).map(|c| c.label.clone()))
        .collect();
        if !self.q.trim().is_empty() {
            out.insert(0, format!("“{}”", self.q.trim()));
        }
        match self.reservable.as_str() {
            "true" => out.push("支持预约".to_owned()),
            "false" => out.push("无需预约".to_owned()),
            _ => {}
        }
        match (self.from.as_str(), self.to.as_str()) {
            ("", "") => {}
            (from, "") => out.push(format!("{from}起")),
            ("", to) => out.push(format!("{to}前")),
            (from, to) => out.push(format!("{from}至{to}")),
        }
        out.join("、")
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "activity.html")]
struct ItemPage {
    layout: Layout,
    id: i64,
    /// The activity's fields, as the public sees them.
    a: ActivityDraft,
    when: String,
    section: String,
    sessions: Vec<(String, String)>,
    hosts: Vec<(i64, String)>,
    co_hosts: Vec<(i64, String)>,
    audiences: String,
    map_link: Option<String>,
    /// The place on a small map, and links to it in the providers' maps.
    ground: Option<Ground>,
    links: Option<map::Links>,
    /// After the event: photos and videos (media ids) and media reports.
    photos: Vec<i64>,
    videos: Vec<i64>,
    media_links: Vec<String>,
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
    venues: Vec<app::public::Venue>,
    /// The check-in venues of published routes drawn on the map.
    stops: Vec<app::routes::MappedVenue>,
    ground: Ground,
    /// The place as typed.
    near: String,
    within_km: String,
    error: Option<String>,
    /// Nothing here is still to come: the finished ones are shown, marked.
    only_past: bool,
}

/// A list or map page's query: the API's filters, and the form's three region selects.
/// Blank fields are absent (a form sends every field).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct PortalParams {
    #[serde(
        default,
        deserialize_with = "blank",
        skip_serializing_if = "Option::is_none"
    )]
    q: Option<String>,
    #[serde(
        default,
        deserialize_with = "blank",
        skip_serializing_if = "Option::is_none"
    )]
    section: Option<String>,
    #[serde(
        default,
        deserialize_with = "blank",
        skip_serializing_if = "Option::is_none"
    )]
    region: Option<String>,
    #[serde(
        default,
        deserialize_with = "blank",
        skip_serializing_if = "Option::is_none"
    )]
    province: Option<String>,
    #[serde(
        default,
        deserialize_with = "blank",
        skip_serializing_if = "Option::is_none"
    )]
    city: Option<String>,
    #[serde(
        default,
        deserialize_with = "blank",
        skip_serializing_if = "Option::is_none"
    )]
    county: Option<String>,
    #[serde(
        default,
        deserialize_with = "blank",
        skip_serializing_if = "Option::is_none"
    )]
    from: Option<String>,
    #[serde(
        default,
        deserialize_with = "blank",
        skip_serializing_if = "Option::is_none"
    )]
    to: Option<String>,
    #[serde(
        default,
        deserialize_with = "blank",
        skip_serializing_if = "Option::is_none"
    )]
    mode: Option<String>,
    #[serde(
        default,
        deserialize_with = "blank",
        skip_serializing_if = "Option::is_none"
    )]
    audience: Option<String>,
    #[serde(
        default,
        deserialize_with = "blank",
        skip_serializing_if = "Option::is_none"
    )]
    venue_type: Option<String>,
    #[serde(
        default,
        deserialize_with = "blank",
        skip_serializing_if = "Option::is_none"
    )]
    reservable: Option<String>,
    #[serde(
        default,
        deserialize_with = "blank",
        skip_serializing_if = "Option::is_none"
    )]
    near: Option<String>,
    #[serde(
        default,
        deserialize_with = "blank",
        skip_serializing_if = "Option::is_none"
    )]
    within_km: Option<String>,
    #[serde(
        default,
        deserialize_with = "blank",
        skip_serializing_if = "Option::is_none"
    )]
    page: Option<String>,
    #[serde(
        default,
        deserialize_with = "blank",
        skip_serializing_if = "Option::is_none"
    )]
    per_page: Option<String>,
}

use domain::text::blank_as_none as blank;

/// The filters of a page, with the region picked at the finest level the form's selects
/// agree on (a city left over from another province is ignored).
fn query_of(p: &PortalParams, reference: &Reference) -> Result<PublicQuery, AppError> {
    let number = |k: &str, v: &Option<String>| {
        v.as_deref()
            .map(|v| {
                v.parse::<i64>()
                    .map_err(|_| AppError::Malformed(format!("{k}须为整数")))
            })
            .transpose()
    };
    let province = p.province.clone();
    let city = p
        .city
        .clone()
        .filter(|c| province.as_deref().is_none_or(|p| reference.is_child(p, c)));
    let county = p.county.clone().filter(|c| match (&city, &province) {
        (Some(city), _) => reference.is_child(city, c),
        (None, Some(_)) => false,
        (None, None) => true,
    });
    Ok(PublicQuery {
        q: p.q.clone(),
        section: p.section.clone(),
        region: county.or(city).or(province).or_else(|| p.region.clone()),
        from: p.from.clone(),
        to: p.to.clone(),
        mode: p.mode.clone(),
        audience: p.audience.clone(),
        venue_type: p.venue_type.clone(),
        reservable: p.reservable.clone(),
        near: p.near.clone(),
        within_km: p.within_km.clone(),
        page: number("页码", &p.page)?,
        per_page: number("每页条数", &p.per_page)?,
    })
}

/// The region selects of the list: each level's choices under the one chosen above it.
struct RegionChoices {
    provinces: Vec<Choice>,
    cities: Vec<Choice>,
    counties: Vec<Choice>,
}

fn region_choices(reference: &Reference, region: Option<&str>) -> RegionChoices {
    let chain = region.map(|r| reference.ancestry(r)).unwrap_or_default();
    let level = |parent: Option<&str>, depth: usize| {
        choices(
            reference
                .children(parent)
                .map(|d| (d.code.clone(), d.name.clone())),
            chain.get(depth).map(|d| d.code.as_str()),
        )
    };
    let below = |depth: usize| match chain.get(depth) {
        Some(d) => level(Some(d.code.as_str()), depth + 1),
        None => Vec::new(),
    };
    RegionChoices {
        provinces: level(None, 0),
        cities: below(0),
        counties: below(1),
    }
}

pub(super) fn card(
    a: &app::public::Summary,
    sections: &[domain::campaign::Section],
    now: chrono::DateTime<chrono::Utc>,
) -> Card {
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
        ended: a.end.is_some_and(|end| end < now),
        estimated: !a.own_point,
    }
}

/// The calendar feed of the filters a list shows (the API's names, region resolved).
fn ics_params(q: &PublicQuery) -> PortalParams {
    PortalParams {
        q: q.q.clone(),
        section: q.section.clone(),
        region: q.region.clone(),
        from: q.from.clone(),
        to: q.to.clone(),
        mode: q.mode.clone(),
        audience: q.audience.clone(),
        venue_type: q.venue_type.clone(),
        reservable: q.reservable.clone(),
        near: q.near.clone(),
        within_km: q.within_km.clone(),
        ..PortalParams::default()
    }
}

fn with_page(params: &PortalParams, page: u64) -> String {
    let mut p = params.clone();
    p.page = Some(page.to_string());
    serde_html_form::to_string(&p).unwrap_or_default()
}

/// `GET /activities`.
pub async fn list(
    State(app): State<App>,
    headers: HeaderMap,
    PageParams(params): PageParams<PortalParams>,
) -> Result<Response, PageError> {
    let session = PageSession::read(&app, &headers).await?;
    let reference = app.reference().await?;
    let query = query_of(&params, &reference)?;
    let listed = app.public_listed(&query).await?;
    let rules = &reference.campaign.rules;
    let (total, page) = (listed.total, listed.page.page);
    let last = total.div_ceil(listed.page.per_page.max(1));
    Ok(ListPage {
        layout: session.layout(&app).await?,
        cards: listed
            .summaries()
            .iter()
            .map(|a| card(a, &rules.sections, app.clock.now()))
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
        regions: region_choices(&reference, query.region.as_deref()),
        reservable: query.reservable.clone().unwrap_or_default(),
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
        prev: (page > 1).then(|| with_page(&params, page - 1)),
        next: (page < last).then(|| with_page(&params, page + 1)),
        ics: format!(
            "/api/v1/activities.ics?{}",
            serde_html_form::to_string(ics_params(&query)).unwrap_or_default()
        ),
    }
    .into_response())
}

/// `GET /activities/{id}`: an approved activity (its host and admins in its area see it
/// before approval too).
pub async fn item(
    State(app): State<App>,
    headers: HeaderMap,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Response, PageError> {
    let id = activity_id(id)?;
    let session = PageSession::read(&app, &headers).await?;
    let actor = session.actor(&app).await?;
    let a = app.activity_page(actor.as_ref(), id).await?;
    let rules = app.campaign_rules(a.campaign_id).await?;
    let f = &a.fields;
    let names = app
        .org_names(&[f.hosts.as_slice(), f.co_hosts.as_slice()].concat())
        .await?;
    let sessions = f
        .sessions
        .iter()
        .map(|s| {
            (
                format!("{} 至 {}", beijing_at(s.start), beijing_at(s.end)),
                s.address.clone().unwrap_or_default(),
            )
        })
        .collect();
    let point = f.lon.zip(f.lat);
    let name = f.name.clone().unwrap_or_default();
    let after = a.after.clone();
    let (photos, videos, media_links) = after
        .map(|x| (x.photos, x.videos, x.media_links))
        .unwrap_or_default();
    let reference = app.reference().await?;
    Ok(ItemPage {
        layout: session.layout(&app).await?,
        id,
        ground: point.map(|p| {
            map::draw(
                &app.config.map,
                &[Place::activity(p, id, &name)],
                Some((p, 2.0)),
                false,
                &reference.divisions,
            )
        }),
        links: point.map(|p| map::links(p, &name)),
        photos,
        videos,
        media_links,
        when: format!("{} 至 {}", beijing_at(f.start), beijing_at(f.end)),
        section: rules
            .section(f.section.as_deref().unwrap_or_default())
            .map(|s| s.name.clone())
            .unwrap_or_default(),
        sessions,
        audiences: f.audiences.join("、"),
        map_link: point.map(|(lon, lat)| format!("/map?near={lon},{lat}&within_km=30")),
        hosts: names
            .iter()
            .filter(|(id, _)| f.hosts.contains(id))
            .cloned()
            .collect(),
        co_hosts: names
            .iter()
            .filter(|(id, _)| f.co_hosts.contains(id))
            .cloned()
            .collect(),
        a: a.fields.clone(),
    }
    .into_response())
}

/// `GET /orgs/{id}`.
pub async fn org(
    State(app): State<App>,
    headers: HeaderMap,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Response, PageError> {
    let Ok(Path(id)) = id else {
        return Err(AppError::NotFound("未找到该单位".to_owned()).into());
    };
    let session = PageSession::read(&app, &headers).await?;
    let org = app.org(id).await?;
    if org.status == "rejected" {
        return Err(AppError::NotFound("未找到该单位".to_owned()).into());
    }
    let reference = app.reference().await?;
    let rules = &reference.campaign.rules;
    let cards = app
        .org_activities(id)
        .await?
        .iter()
        .map(|a| card(a, &rules.sections, app.clock.now()))
        .collect();
    let kind = domain::org::OrgKind::parse(&org.kind)
        .map(|k| k.label().to_owned())
        .unwrap_or_default();
    let status = domain::org::OrgStatus::parse(&org.status)
        .map(|s| s.label().to_owned())
        .unwrap_or_default();
    Ok(OrgPage {
        layout: session.layout(&app).await?,
        org,
        kind,
        status,
        cards,
    }
    .into_response())
}

/// `GET /activities/{id}/calendar.ics`: the one activity as a calendar (加入日历), to
/// whoever may see its page.
pub async fn item_calendar(
    State(app): State<App>,
    headers: HeaderMap,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Response, PageError> {
    let id = activity_id(id)?;
    let session = PageSession::read(&app, &headers).await?;
    let actor = session.actor(&app).await?;
    let a = app.activity_page(actor.as_ref(), id).await?;
    let base = app.config.site_url();
    let body = app::ical::calendar(
        std::slice::from_ref(&a),
        &base,
        app.clock.now(),
        app::ical::host_of(&base),
    );
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                "text/calendar; charset=utf-8".to_owned(),
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"activity-{id}.ics\""),
            ),
        ],
        body,
    )
        .into_response())
}

/// `GET /map?near=PLACE&within_km=N`: the science map. The place is `经度,纬度` (WGS-84,
/// as a browser gives it) or a division's name; without one it shows the latest activities
/// nationwide.
pub async fn map(
    State(app): State<App>,
    headers: HeaderMap,
    PageParams(params): PageParams<PortalParams>,
) -> Result<Response, PageError> {
    let session = PageSession::read(&app, &headers).await?;
    let reference = app.reference().await?;
    let mut query = query_of(&params, &reference)?;
    // The map shows what one can still go to; finished activities only when asked for, or,
    // marked 已结束, when nothing here is still to come.
    let upcoming_only = query.from.is_none() && query.to.is_none();
    if upcoming_only {
        query.from = Some(today(&app));
    }
    let typed = query.near.take().unwrap_or_default();
    let (near, place_error) = match place(&reference, &typed) {
        Ok(near) => (near, None),
        Err(message) => (None, Some(message)),
    };
    query.near = near;
    if query.near.is_none() {
        query.within_km = None;
    } else if query.within_km.is_none() {
        query.within_km = Some("30".to_owned());
    }
    query.per_page = Some(100);
    let (mut listed, error) = match app.public_listed(&query).await {
        Ok(p) => (p, place_error),
        Err(AppError::Malformed(m)) => (nationwide(&app).await?, Some(m)),
        Err(e) => return Err(e.into()),
    };
    let mut only_past = false;
    if upcoming_only && listed.rows.is_empty() {
        query.from = None;
        if let Ok(past) = app.public_listed(&query).await
            && !past.rows.is_empty()
        {
            (listed, only_past) = (past, true);
        }
    }
    let rules = &reference.campaign.rules;
    let cards: Vec<Card> = listed
        .summaries()
        .iter()
        .map(|a| card(a, &rules.sections, app.clock.now()))
        .collect();
    let venues = app.venues_of(&listed).await?;
    let around = if error.is_none() {
        app::public::parse_near(
            query.near.as_deref().unwrap_or_default(),
            query.within_km.as_deref().unwrap_or_default(),
        )
        .ok()
        .map(|n| (n.point, n.km))
    } else {
        None
    };
    // The check-in venues where they are (within the circle when one is asked for).
    let stops = app.mapped_venues(around, 200).await?;
    let mut drawn: Vec<Place> = stops.iter().map(Place::checkin_venue).collect();
    drawn.extend(places(&cards, &venues));
    Ok(MapPage {
        layout: session.layout(&app).await?,
        ground: map::draw(&app.config.map, &drawn, around, true, &reference.divisions),
        venues,
        stops,
        near: typed,
        within_km: query.within_km.clone().unwrap_or_default(),
        error,
        only_past,
        cards,
    }
    .into_response())
}

/// The map's place as typed: coordinates as they are (checked with the other filters), a
/// division's name as its point.
fn place(reference: &Reference, typed: &str) -> Result<Option<String>, String> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Ok(None);
    }
    if typed.contains(|c: char| c.is_ascii_digit()) {
        return Ok(Some(typed.to_owned()));
    }
    reference
        .named(typed)
        .map(|d| Some(format!("{},{}", d.point.0, d.point.1)))
        .ok_or_else(|| format!("未找到地点“{typed}”：请输入地名（如“杭州”）或“经度,纬度”"))
}

/// Today in Beijing, as a list's `from` takes it.
fn today(app: &App) -> String {
    domain::campaign::beijing_date(app.clock.now())
        .format("%Y-%m-%d")
        .to_string()
}

/// The upcoming and ongoing activities nationwide, for a map whose place could not be used.
async fn nationwide(app: &App) -> Result<std::sync::Arc<app::public::Listed>, AppError> {
    app.public_listed(&PublicQuery {
        from: Some(today(app)),
        per_page: Some(100),
        ..Default::default()
    })
    .await
}

/// The venues, then the cards that have a point, as places to draw (activities on top).
fn places(cards: &[Card], venues: &[app::public::Venue]) -> Vec<Place> {
    venues
        .iter()
        .map(Place::venue)
        .chain(
            cards
                .iter()
                .filter_map(|c| Some(Place::activity((c.lon?, c.lat?), c.id, &c.name))),
        )
        .collect()
}
