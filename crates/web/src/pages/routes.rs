//! 科普主题线路 pages: the routes, a route with its numbered stops, the check-in page, a
//! venue's screen, the visitor's passport and the printable certificate. Server-rendered
//! and working without JavaScript; the location prompt only enhances the check-in.

use std::fmt::Write as _;

use app::routes::{
    CertificateRequest, CertificateView, CheckinInput, CheckinView, CodeView, PassportRoute,
    RouteQuery, RouteView, VenueView,
};
use app::{App, AppError};
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use domain::routes::{GeofenceMode, StampState};
use serde::Deserialize;

use super::map::{self, Ground, Place};
use super::{
    Layout, PageError, PageParams, PageSession, SignedIn, expired, field_errors, see_other,
};

/// A QR code as an SVG path over a square of `size` modules (the quiet zone included).
pub struct Qr {
    /// Modules on a side.
    pub size: usize,
    /// The dark modules.
    pub path: String,
}

/// The QR code of `text` (error correction M); `None` when it cannot be encoded.
pub fn qr(text: &str) -> Option<Qr> {
    let code =
        qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M).ok()?;
    let width = code.width();
    let quiet = 4;
    let mut path = String::new();
    for (i, colour) in code.to_colors().iter().enumerate() {
        if *colour == qrcode::Color::Dark {
            let (x, y) = (i % width + quiet, i / width + quiet);
            let _ = write!(path, "M{x} {y}h1v1h-1z");
        }
    }
    Some(Qr {
        size: width + 2 * quiet,
        path,
    })
}

fn id_of(id: Result<Path<i64>, PathRejection>, what: &str) -> Result<i64, PageError> {
    id.map(|Path(id)| id)
        .map_err(|_| AppError::NotFound(format!("未找到该{what}")).into())
}

/// Beijing date and time, as a page shows a moment.
fn when(at: chrono::DateTime<chrono::Utc>) -> String {
    at.with_timezone(&domain::campaign::BEIJING)
        .format("%Y年%-m月%-d日 %H:%M")
        .to_string()
}

fn day(d: chrono::NaiveDate) -> String {
    d.format("%-m月%-d日").to_string()
}

#[derive(Template, WebTemplate)]
#[template(path = "routes.html")]
struct RoutesPage {
    layout: Layout,
    q: String,
    routes: Vec<RouteView>,
    total: u64,
    ground: Ground,
}

impl RoutesPage {
    fn window(&self, r: &RouteView) -> String {
        format!("{}—{}", day(r.from), day(r.to))
    }
}

/// The search box of `/routes`.
#[derive(Debug, Default, Deserialize)]
pub struct RoutesParams {
    #[serde(default)]
    q: Option<String>,
    #[serde(default)]
    region: Option<String>,
    #[serde(default)]
    page: Option<i64>,
}

/// `GET /routes`: published routes, with all their stops on one map.
pub async fn routes(
    State(app): State<App>,
    headers: HeaderMap,
    PageParams(params): PageParams<RoutesParams>,
) -> Result<Response, PageError> {
    let session = PageSession::read(&app, &headers).await?;
    let q = params.q.unwrap_or_default();
    let listed = app
        .routes(
            None,
            RouteQuery {
                region: params.region.filter(|r| !r.trim().is_empty()),
                q: Some(q.clone()).filter(|q| !q.trim().is_empty()),
                page: params.page,
                per_page: Some(20),
            },
        )
        .await?;
    let places: Vec<Place> = listed
        .items
        .iter()
        .flat_map(|r| {
            r.stops.iter().map(move |s| Place {
                point: (s.lon, s.lat),
                href: format!("/routes/{}", r.id),
                name: format!("{}·{}", r.name, s.name),
                venue: true,
                number: None,
            })
        })
        .collect();
    let reference = app.reference().await?;
    Ok(RoutesPage {
        layout: session.layout(&app).await?,
        q,
        total: listed.total,
        ground: map::draw(&app.config.map, &places, None, false, &reference.divisions),
        routes: listed.items,
    }
    .into_response())
}

/// A stop as the route page shows it, with the visitor's stamp.
struct StopLine {
    no: i64,
    name: String,
    address: String,
    hours: String,
    note: String,
    stamp: Option<StampState>,
    venue_id: i64,
}

#[derive(Template, WebTemplate)]
#[template(path = "route.html")]
struct RoutePage {
    layout: Layout,
    route: RouteView,
    stops: Vec<StopLine>,
    ground: Ground,
    signed_in: bool,
    name_error: Option<String>,
    stamps_error: Option<String>,
}

impl RoutePage {
    fn window(&self) -> String {
        format!("{}至{}", day(self.route.from), day(self.route.to))
    }

    fn counted(&self) -> i64 {
        self.route.me.as_ref().map_or(0, |m| m.counted)
    }

    fn completed(&self) -> bool {
        self.route.me.as_ref().is_some_and(|m| m.completed)
    }

    fn certificate(&self) -> Option<&str> {
        self.route.me.as_ref()?.certificate.as_deref()
    }
}

async fn route_page(
    app: &App,
    session: &PageSession,
    id: i64,
    errors: Option<domain::FieldErrors>,
) -> Result<RoutePage, AppError> {
    let actor = session.actor(app).await?;
    let route = app.route(actor.as_ref(), id).await?;
    let stops: Vec<StopLine> = route
        .stops
        .iter()
        .map(|s| StopLine {
            no: s.no,
            name: s.name.clone(),
            address: s.address.clone(),
            hours: s.opening_hours.clone(),
            note: s.note.clone(),
            stamp: route
                .me
                .as_ref()
                .and_then(|m| m.stamps.iter().find(|st| st.no == s.no))
                .map(|st| st.state),
            venue_id: s.venue_id,
        })
        .collect();
    let places: Vec<Place> = route
        .stops
        .iter()
        .map(|s| Place {
            point: (s.lon, s.lat),
            href: format!("#stop-{}", s.no),
            name: format!("第{}站 {}", s.no, s.name),
            venue: true,
            number: Some(s.no),
        })
        .collect();
    let reference = app.reference().await?;
    let errors = errors.unwrap_or_default();
    Ok(RoutePage {
        layout: session.layout(app).await?,
        ground: map::draw(&app.config.map, &places, None, false, &reference.divisions),
        signed_in: actor.is_some(),
        name_error: errors.get("name").map(str::to_owned),
        stamps_error: errors
            .get("stamps")
            .or_else(|| errors.get(""))
            .map(str::to_owned),
        route,
        stops,
    })
}

/// `GET /routes/{id}`: the route, its numbered stops on the map, and the visitor's stamps.
pub async fn route(
    State(app): State<App>,
    headers: HeaderMap,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Response, PageError> {
    let id = id_of(id, "线路")?;
    let session = PageSession::ensure(&app, &headers).await?;
    let page = route_page(&app, &session, id, None).await?;
    Ok(session.attach(&app, page.into_response()))
}

/// The certificate form.
#[derive(Debug, Deserialize)]
pub struct CertificateForm {
    #[serde(default)]
    name: String,
    #[serde(default, rename = "_csrf")]
    csrf: String,
}

/// `POST /routes/{id}/certificate`: takes the certificate, then shows it.
pub async fn take_certificate(
    State(app): State<App>,
    SignedIn { session, actor }: SignedIn,
    id: Result<Path<i64>, PathRejection>,
    Form(form): Form<CertificateForm>,
) -> Result<Response, PageError> {
    let id = id_of(id, "线路")?;
    if !session.accepts(&form.csrf) {
        return Err(expired().into());
    }
    let name = Some(form.name.trim().to_owned()).filter(|n| !n.is_empty());
    match app
        .take_certificate(&actor, id, CertificateRequest { name })
        .await
    {
        Ok((_, c)) => Ok(see_other(&format!("/certificates/{}", c.serial))),
        Err(e @ AppError::Validation { .. }) => {
            let page = route_page(&app, &session, id, Some(field_errors(&e))).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "checkin.html")]
struct CheckinPage {
    layout: Layout,
    venue: VenueView,
    code: String,
    asks_location: bool,
    code_error: Option<String>,
    location_error: Option<String>,
    other_error: Option<String>,
    result: Option<CheckinResult>,
}

/// What a check-in earned, as the page says it.
struct CheckinResult {
    new: bool,
    lines: Vec<String>,
    pending: bool,
}

impl CheckinPage {
    fn route_name(&self, id: i64) -> String {
        self.venue
            .routes
            .iter()
            .find(|r| r.id == id)
            .map(|r| r.name.clone())
            .unwrap_or_default()
    }
}

/// The check-in link's parameters.
#[derive(Debug, Default, Deserialize)]
pub struct CheckinParams {
    #[serde(default)]
    v: Option<i64>,
    #[serde(default)]
    c: Option<String>,
}

/// `GET /checkin?v=&c=`: the check-in page; a visitor not logged in logs in first and comes
/// back with the code kept.
pub async fn checkin_page(
    State(app): State<App>,
    headers: HeaderMap,
    PageParams(params): PageParams<CheckinParams>,
) -> Result<Response, PageError> {
    let Some(venue_id) = params.v else {
        return Err(AppError::NotFound("请扫描打卡点现场屏幕上的二维码".to_owned()).into());
    };
    let code: String = params
        .c
        .unwrap_or_default()
        .chars()
        .filter(char::is_ascii_digit)
        .take(8)
        .collect();
    let session = PageSession::read(&app, &headers).await?;
    if session.user_id.is_none() {
        let back = format!("/checkin?v={venue_id}&c={code}");
        return Ok(see_other(&format!(
            "/login?next={}",
            urlencoding::encode(&back)
        )));
    }
    let venue = app.venue(venue_id).await?;
    Ok(CheckinPage {
        layout: session.layout(&app).await?,
        asks_location: venue.geofence.mode != GeofenceMode::Off,
        venue,
        code,
        code_error: None,
        location_error: None,
        other_error: None,
        result: None,
    }
    .into_response())
}

/// The check-in form.
#[derive(Debug, Deserialize)]
pub struct CheckinForm {
    venue_id: i64,
    #[serde(default)]
    code: String,
    #[serde(default)]
    lon: String,
    #[serde(default)]
    lat: String,
    #[serde(default)]
    accuracy_m: String,
    #[serde(default, rename = "_csrf")]
    csrf: String,
}

fn number(raw: &str) -> Option<f64> {
    raw.trim().parse::<f64>().ok().filter(|v| v.is_finite())
}

/// `POST /checkin`: the same command as `POST /api/v1/checkins`, answered as a page.
pub async fn check_in(
    State(app): State<App>,
    SignedIn { session, actor }: SignedIn,
    Form(form): Form<CheckinForm>,
) -> Result<Response, PageError> {
    if !session.accepts(&form.csrf) {
        return Err(expired().into());
    }
    let venue = app.venue(form.venue_id).await?;
    let input = CheckinInput {
        venue_id: form.venue_id,
        code: form.code.trim().to_owned(),
        lon: number(&form.lon),
        lat: number(&form.lat),
        accuracy_m: number(&form.accuracy_m),
    };
    let mut page = CheckinPage {
        layout: session.layout(&app).await?,
        asks_location: venue.geofence.mode != GeofenceMode::Off,
        code: input.code.clone(),
        venue,
        code_error: None,
        location_error: None,
        other_error: None,
        result: None,
    };
    match app.check_in(&actor, input).await {
        Ok((new, view)) => {
            page.result = Some(result_of(&page, new, &view));
            page.code = String::new();
            Ok(page.into_response())
        }
        Err(e) => {
            let status = crate::error::classify(&e).0;
            let errors = field_errors(&e);
            page.code_error = errors.get("code").map(str::to_owned);
            page.location_error = errors.get("location").map(str::to_owned);
            if page.code_error.is_none() && page.location_error.is_none() {
                page.other_error =
                    Some(errors.iter().map(|(_, m)| m).collect::<Vec<_>>().join("；"));
            }
            Ok((status, page).into_response())
        }
    }
}

fn result_of(page: &CheckinPage, new: bool, view: &CheckinView) -> CheckinResult {
    let mut lines: Vec<String> = view
        .stamps
        .iter()
        .map(|s| {
            format!(
                "获得“{}”第{}站印章{}",
                page.route_name(s.route_id),
                s.no,
                if s.state == StampState::Pending {
                    "（待审核）"
                } else {
                    ""
                }
            )
        })
        .collect();
    lines.extend(view.skipped.iter().map(|s| match s.next_no {
        Some(next) => format!(
            "“{}”须按顺序打卡：请先到第{next}站",
            page.route_name(s.route_id)
        ),
        None => format!("“{}”第{}站已打过卡", page.route_name(s.route_id), s.no),
    }));
    CheckinResult {
        new,
        pending: view.stamps.iter().any(|s| s.state == StampState::Pending),
        lines,
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "venue_display.html")]
struct DisplayPage {
    code: CodeView,
    qr: Option<Qr>,
    refresh: i64,
}

impl DisplayPage {
    fn digits(&self) -> String {
        let chars: Vec<char> = self.code.code.chars().collect();
        let half = chars.len() / 2;
        let (a, b) = chars.split_at(half);
        format!(
            "{} {}",
            a.iter().collect::<String>(),
            b.iter().collect::<String>()
        )
    }
}

/// The display key.
#[derive(Debug, Default, Deserialize)]
pub struct DisplayParams {
    #[serde(default)]
    key: String,
}

/// `GET /venues/{id}/display?key=`: the venue's screen; refreshes itself at each step.
pub async fn display(
    State(app): State<App>,
    id: Result<Path<i64>, PathRejection>,
    PageParams(params): PageParams<DisplayParams>,
) -> Result<Response, PageError> {
    let id = id_of(id, "打卡点")?;
    let code = app.venue_code(id, &params.key).await?;
    let refresh = (code.valid_until - app.clock.now())
        .num_seconds()
        .clamp(1, 86_400);
    let qr = qr(&code.checkin_url);
    let mut response = DisplayPage { qr, refresh, code }.into_response();
    response.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    response.headers_mut().insert(
        axum::http::header::REFERRER_POLICY,
        axum::http::HeaderValue::from_static("no-referrer"),
    );
    Ok(response)
}

/// A seal in the passport.
struct Seal {
    no: i64,
    name: String,
    /// The name as it fits in the ring: one or two lines of at most six characters.
    lines: Vec<(String, i64)>,
    date: String,
    state: StampState,
    /// The venue's own image, drawn in place of the seal.
    image: Option<String>,
}

/// A venue's name set in a seal's ring: up to six characters on one line, otherwise two
/// lines of equal length, cut at twelve characters with an ellipsis; each with its height.
fn seal_lines(name: &str) -> Vec<(String, i64)> {
    let chars: Vec<char> = name.chars().collect();
    if chars.len() <= 6 {
        return vec![(name.to_owned(), 52)];
    }
    let shown: Vec<char> = if chars.len() > 12 {
        chars.iter().take(11).copied().chain(['…']).collect()
    } else {
        chars
    };
    let half = shown.len().div_ceil(2);
    vec![
        (shown.iter().take(half).collect(), 42),
        (shown.iter().skip(half).collect(), 58),
    ]
}

#[derive(Template, WebTemplate)]
#[template(path = "stamps.html")]
struct StampsPage {
    layout: Layout,
    routes: Vec<(PassportRoute, Vec<Seal>)>,
}

/// `GET /me/stamps`: the visitor's passport.
pub async fn stamps(
    State(app): State<App>,
    SignedIn { session, actor }: SignedIn,
) -> Result<Response, PageError> {
    let routes = app
        .my_stamps(&actor)
        .await?
        .into_iter()
        .map(|r| {
            let seals = r
                .stamps
                .iter()
                .map(|s| Seal {
                    no: s.no,
                    lines: seal_lines(&s.venue_name),
                    name: s.venue_name.clone(),
                    date: s
                        .at
                        .with_timezone(&domain::campaign::BEIJING)
                        .format("%Y.%m.%d")
                        .to_string(),
                    state: s.state,
                    image: s.stamp_image.clone(),
                })
                .collect();
            (r, seals)
        })
        .collect();
    Ok(StampsPage {
        layout: session.layout(&app).await?,
        routes,
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "certificate.html")]
struct CertificatePage {
    certificate: CertificateView,
    completed: String,
    qr: Option<Qr>,
    url: String,
}

impl CertificatePage {
    fn valid(&self) -> bool {
        self.certificate.status == domain::routes::CertificateStatus::Valid
    }
}

/// `GET /certificates/{serial}`: printable, with a QR of its own address; the holder's name
/// masked unless the holder is looking.
pub async fn certificate(
    State(app): State<App>,
    headers: HeaderMap,
    serial: Result<Path<String>, PathRejection>,
) -> Result<Response, PageError> {
    let Ok(Path(serial)) = serial else {
        return Err(AppError::NotFound("未找到该证书".to_owned()).into());
    };
    let session = PageSession::read(&app, &headers).await?;
    let actor = session.actor(&app).await?;
    let certificate = app.certificate(actor.as_ref(), &serial).await?;
    let url = format!(
        "{}/certificates/{}",
        app.config.site_url(),
        certificate.serial
    );
    Ok(CertificatePage {
        completed: when(certificate.completed_at),
        qr: qr(&url),
        url,
        certificate,
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "route_checkins.html")]
struct RouteCheckinsPage {
    layout: Layout,
    route: RouteView,
    flagged: bool,
    rows: Vec<app::routes::CheckinRowView>,
    total: u64,
    page: i64,
    pages: i64,
    notice: String,
    /// The check-in whose decision was refused, and why.
    refused: Option<(i64, String)>,
}

impl RouteCheckinsPage {
    fn when(&self, at: &chrono::DateTime<chrono::Utc>) -> String {
        when(*at)
    }

    fn flags(&self, row: &app::routes::CheckinRowView) -> String {
        row.flags
            .iter()
            .map(|f| f.label())
            .collect::<Vec<_>>()
            .join("、")
    }

    fn error_for(&self, id: &i64) -> Option<&str> {
        self.refused
            .as_ref()
            .filter(|(r, _)| r == id)
            .map(|(_, m)| m.as_str())
    }

    fn link(&self, page: i64) -> String {
        format!(
            "/routes/{}/checkins?flagged={}&page={page}",
            self.route.id,
            if self.flagged { 1 } else { 0 }
        )
    }
}

/// The administrators' check-in list's parameters.
#[derive(Debug, Default, Deserialize)]
pub struct RouteCheckinsParams {
    #[serde(default)]
    flagged: Option<String>,
    #[serde(default)]
    page: Option<i64>,
    #[serde(default)]
    done: Option<String>,
}

async fn route_checkins_page(
    app: &App,
    session: &PageSession,
    actor: &app::Actor,
    id: i64,
    params: RouteCheckinsParams,
    refused: Option<(i64, String)>,
) -> Result<RouteCheckinsPage, AppError> {
    // The flagged ones first: they are what an administrator comes for.
    let flagged = params.flagged.as_deref() != Some("0");
    let listed = app
        .route_checkins(
            actor,
            id,
            app::routes::CheckinQuery {
                flagged: Some(flagged),
                page: params.page,
                per_page: Some(50),
            },
        )
        .await?;
    let route = app.route(Some(actor), id).await?;
    let per_page = i64::try_from(listed.per_page.max(1)).unwrap_or(50);
    let total = i64::try_from(listed.total).unwrap_or(i64::MAX);
    let notice = match params.done.as_deref() {
        Some("accept") => "已通过，该次打卡的印章已计入。",
        Some("reject") => "已驳回，该次打卡的印章已作废，游客可重新打卡。",
        _ => "",
    };
    Ok(RouteCheckinsPage {
        layout: session.layout(app).await?,
        route,
        flagged,
        total: listed.total,
        page: i64::try_from(listed.page).unwrap_or(1),
        pages: ((total + per_page - 1) / per_page).max(1),
        rows: listed.items,
        notice: notice.to_owned(),
        refused,
    })
}

/// `GET /routes/{id}/checkins?flagged=`: the route's check-ins for the administrators of its
/// area, flagged ones first, each pending one with its accept and reject buttons.
pub async fn route_checkins(
    State(app): State<App>,
    SignedIn { session, actor }: SignedIn,
    id: Result<Path<i64>, PathRejection>,
    PageParams(params): PageParams<RouteCheckinsParams>,
) -> Result<Response, PageError> {
    let id = id_of(id, "线路")?;
    let page = route_checkins_page(&app, &session, &actor, id, params, None).await?;
    Ok(page.into_response())
}

/// The decision form of a flagged check-in.
#[derive(Debug, Deserialize)]
pub struct ReviewForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    flagged: Option<String>,
    #[serde(default, rename = "_csrf")]
    csrf: String,
}

/// `POST /routes/{id}/checkins/{checkin}/review`: accepts or rejects a flagged check-in.
pub async fn review_checkin(
    State(app): State<App>,
    SignedIn { session, actor }: SignedIn,
    ids: Result<Path<(i64, i64)>, PathRejection>,
    Form(form): Form<ReviewForm>,
) -> Result<Response, PageError> {
    let Ok(Path((route_id, checkin_id))) = ids else {
        return Err(AppError::NotFound("未找到该打卡记录".to_owned()).into());
    };
    if !session.accepts(&form.csrf) {
        return Err(expired().into());
    }
    let decision = app::routes::CheckinDecision {
        decision: form.decision.clone(),
        reason: Some(form.reason.trim().to_owned()).filter(|r| !r.is_empty()),
    };
    let flagged = form.flagged.clone();
    match app.review_checkin(&actor, checkin_id, decision).await {
        Ok(_) => Ok(see_other(&format!(
            "/routes/{route_id}/checkins?flagged={}&done={}",
            flagged.as_deref().unwrap_or("1"),
            if form.decision == "reject" {
                "reject"
            } else {
                "accept"
            }
        ))),
        Err(e @ (AppError::Validation { .. } | AppError::Conflict { .. })) => {
            let status = if matches!(e, AppError::Conflict { .. }) {
                StatusCode::CONFLICT
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            let message = match &e {
                AppError::Validation { .. } => {
                    let fields = field_errors(&e);
                    fields
                        .get("reason")
                        .or_else(|| fields.get("decision"))
                        .unwrap_or("请检查填写的内容")
                        .to_owned()
                }
                other => other.to_string(),
            };
            let params = RouteCheckinsParams {
                flagged,
                ..Default::default()
            };
            let page = route_checkins_page(
                &app,
                &session,
                &actor,
                route_id,
                params,
                Some((checkin_id, message)),
            )
            .await?;
            Ok((status, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// `GET /venues/{id}/stamp.png`: a venue's own stamp image (public: it is shown in every
/// passport); a new upload has a new address, so it may be kept long.
pub async fn stamp_image(
    State(app): State<App>,
    headers: HeaderMap,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Response, PageError> {
    use axum::http::{HeaderValue, header};
    let id = id_of(id, "打卡点")?;
    let (key, etag) = app.stamp_image(id).await?;
    let cache = HeaderValue::from_static("public, max-age=604800");
    let tag = HeaderValue::from_str(&etag).map_err(AppError::internal)?;
    if headers
        .get(header::IF_NONE_MATCH)
        .is_some_and(|v| v.as_bytes() == etag.as_bytes())
    {
        return Ok((
            StatusCode::NOT_MODIFIED,
            [(header::ETAG, tag), (header::CACHE_CONTROL, cache)],
        )
            .into_response());
    }
    let stream = app.files.get(&key).await?;
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("image/png")),
            (header::ETAG, tag),
            (header::CACHE_CONTROL, cache),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
        ],
        axum::body::Body::from_stream(stream),
    )
        .into_response())
}
