//! The host's side: "my activities" and the filling form (填报), with every field, every
//! error next to its field in Chinese, and nothing typed lost when something is wrong.

use app::activities::ActivityView;
use app::regions::RegionView;
use app::{Actor, App, AppError};
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::rejection::PathRejection;
use axum::extract::{Multipart, Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, FixedOffset};
use domain::FieldErrors;
use domain::activity::{
    AUDIENCES, ActivityDraft, ActivityFields, MODES, Scientist, SessionFields, Typed, VENUE_TYPES,
};
use domain::review::Status;

use super::{Layout, PageSession, activity_id, error_page, expired, form_value, see_other};
use crate::error::{ApiError, classify};

/// An `<option>` or a checkbox.
pub struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

fn options(items: impl IntoIterator<Item = (String, String)>, selected: &[&str]) -> Vec<Opt> {
    items
        .into_iter()
        .map(|(value, label)| Opt {
            selected: selected.contains(&value.as_str()),
            value,
            label,
        })
        .collect()
}

/// The form's values as text, exactly as typed or as stored.
#[derive(Default, Clone)]
pub struct Values {
    name: String,
    section: String,
    start: String,
    end: String,
    province: String,
    city: String,
    county: String,
    address: String,
    mode: String,
    online_url: String,
    venue_type: String,
    audiences: Vec<String>,
    reservable: bool,
    reservation_url: String,
    expected_participants: String,
    details: String,
    funding_yuan: String,
    scientist_count: String,
    contact_name: String,
    contact_phone: String,
    org_chain: String,
    hosts: String,
    co_hosts: String,
    /// Register the names the registry does not know (asked for, never a side effect).
    register_new: bool,
    poster: String,
    scientists: Vec<[String; 3]>,
    sessions: Vec<[String; 4]>,
}

#[derive(Template, WebTemplate)]
#[template(path = "activity_form.html")]
struct FormPage {
    layout: Layout,
    id: i64,
    version: i64,
    status: Status,
    status_label: String,
    review_reason: Option<String>,
    v: Values,
    errors: FieldErrors,
    error_links: Vec<ErrorLink>,
    notice: Option<String>,
    sections: Vec<Opt>,
    provinces: Vec<Opt>,
    cities: Vec<Opt>,
    counties: Vec<Opt>,
    modes: Vec<Opt>,
    venue_types: Vec<Opt>,
    audiences: Vec<Opt>,
    session_rows: Vec<SessionRow>,
    blank_regions: Vec<Opt>,
    poster_url: Option<String>,
}

/// One line of the form's error summary: a link to the field, its name and its message.
pub struct ErrorLink {
    anchor: String,
    label: String,
    message: String,
}

impl ErrorLink {
    /// The summary's lines, in the form's order, each linking to the control to correct.
    fn all(errors: &FieldErrors) -> Vec<ErrorLink> {
        const ORDER: [&str; 25] = [
            "poster",
            "section",
            "name",
            "start",
            "end",
            "region_code",
            "mode",
            "address",
            "online_url",
            "venue_type",
            "audiences",
            "reservable",
            "reservation_url",
            "expected_participants",
            "funding_yuan",
            "details",
            "scientist_count",
            "scientists",
            "contact_name",
            "contact_phone",
            "org_chain",
            "hosts",
            "co_hosts",
            "sessions",
            "lon",
        ];
        let mut links: Vec<(usize, ErrorLink)> = errors
            .iter()
            .map(|(key, message)| {
                let field = key.split('[').next().unwrap_or(key);
                let anchor = match field {
                    "poster" => "poster-file".to_owned(),
                    "region_code" => "province".to_owned(),
                    "mode" => "mode-offline".to_owned(),
                    "reservable" => "reservable".to_owned(),
                    "audiences" | "scientists" | "sessions" => format!("{field}-field"),
                    "lon" | "lat" => "address".to_owned(),
                    other => other.to_owned(),
                };
                let label = field_name(key);
                let place = ORDER
                    .iter()
                    .position(|f| *f == field)
                    .unwrap_or(ORDER.len());
                (
                    place,
                    ErrorLink {
                        anchor,
                        label,
                        message: message.to_owned(),
                    },
                )
            })
            .collect();
        links.sort_by_key(|(place, _)| *place);
        links.into_iter().map(|(_, link)| link).collect()
    }
}

/// A session's row in the form, with its region choices.
pub struct SessionRow {
    start: String,
    end: String,
    address: String,
    regions: Vec<Opt>,
}

#[derive(Template, WebTemplate)]
#[template(path = "my_activities.html")]
struct MyPage {
    layout: Layout,
    items: Vec<ActivityView>,
    notice: Option<String>,
}

fn local(at: Option<DateTime<FixedOffset>>) -> String {
    at.map(|t| {
        (t.to_utc() + chrono::Duration::hours(8))
            .format("%Y-%m-%dT%H:%M")
            .to_string()
    })
    .unwrap_or_default()
}

fn lines(names: &[(i64, String)]) -> String {
    names
        .iter()
        .map(|(_, n)| n.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

async fn logged_in(
    app: &App,
    headers: &HeaderMap,
) -> Result<(PageSession, Option<Actor>), AppError> {
    let session = PageSession::read(app, headers).await?;
    let actor = session.actor(app).await?;
    Ok((session, actor))
}

impl Values {
    async fn from_draft(app: &App, d: &ActivityDraft) -> Result<Values, AppError> {
        let (mut province, mut city, mut county) = (String::new(), String::new(), String::new());
        if let Some(code) = &d.region_code
            && let Ok((_, located)) = app.locate_for("region_code", code).await
        {
            province = located.path.province.unwrap_or_default();
            city = located.path.city.unwrap_or_default();
            county = located.path.county.unwrap_or_default();
        }
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        let number = |v: Option<i64>| v.map(|n| n.to_string()).unwrap_or_default();
        Ok(Values {
            name: text(&d.name),
            section: text(&d.section),
            start: local(d.start),
            end: local(d.end),
            province,
            city,
            county,
            address: text(&d.address),
            mode: text(&d.mode),
            online_url: text(&d.online_url),
            venue_type: text(&d.venue_type),
            audiences: d.audiences.clone(),
            reservable: d.reservable,
            reservation_url: text(&d.reservation_url),
            expected_participants: number(d.expected_participants),
            details: text(&d.details),
            funding_yuan: d.funding_yuan.map(|f| f.to_string()).unwrap_or_default(),
            scientist_count: number(d.scientist_count),
            contact_name: text(&d.contact_name),
            contact_phone: text(&d.contact_phone),
            org_chain: lines(&app.org_names(&d.org_chain).await?),
            hosts: lines(&app.org_names(&d.hosts).await?),
            co_hosts: lines(&app.org_names(&d.co_hosts).await?),
            register_new: false,
            poster: d.poster.map(|p| p.to_string()).unwrap_or_default(),
            scientists: d
                .scientists
                .iter()
                .map(|s| [s.name.clone(), s.title.clone(), s.unit.clone()])
                .collect(),
            sessions: d
                .sessions
                .iter()
                .map(|s| {
                    [
                        local(s.start),
                        local(s.end),
                        text(&s.region_code),
                        text(&s.address),
                    ]
                })
                .collect(),
        })
    }

    fn from_form(pairs: &[(String, String)]) -> Values {
        let get = |k: &str| {
            pairs
                .iter()
                .find(|(n, _)| n == k)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        let all = |k: &str| {
            pairs
                .iter()
                .filter(|(n, _)| n == k)
                .map(|(_, v)| v.clone())
                .collect::<Vec<_>>()
        };
        let rows = |keys: &[&str]| {
            let columns: Vec<Vec<String>> = keys.iter().map(|k| all(k)).collect();
            let count = columns.iter().map(Vec::len).max().unwrap_or(0);
            (0..count)
                .map(move |i| {
                    columns
                        .iter()
                        .map(|c| c.get(i).cloned().unwrap_or_default())
                        .collect::<Vec<_>>()
                })
                .collect::<Vec<_>>()
        };
        Values {
            name: get("name"),
            section: get("section"),
            start: get("start"),
            end: get("end"),
            province: get("province"),
            city: get("city"),
            county: get("county"),
            address: get("address"),
            mode: get("mode"),
            online_url: get("online_url"),
            venue_type: get("venue_type"),
            audiences: all("audiences"),
            reservable: !get("reservable").is_empty(),
            reservation_url: get("reservation_url"),
            expected_participants: get("expected_participants"),
            details: get("details"),
            funding_yuan: get("funding_yuan"),
            scientist_count: get("scientist_count"),
            contact_name: get("contact_name"),
            contact_phone: get("contact_phone"),
            org_chain: get("org_chain"),
            hosts: get("hosts"),
            co_hosts: get("co_hosts"),
            register_new: !get("register_new").is_empty(),
            poster: get("poster"),
            scientists: rows(&["scientist_name", "scientist_title", "scientist_unit"])
                .into_iter()
                .filter(|r| r.iter().any(|c| !c.trim().is_empty()))
                .map(|r| [r[0].clone(), r[1].clone(), r[2].clone()])
                .collect(),
            sessions: rows(&[
                "session_start",
                "session_end",
                "session_region",
                "session_address",
            ])
            .into_iter()
            .filter(|r| r.iter().any(|c| !c.trim().is_empty()))
            .map(|r| [r[0].clone(), r[1].clone(), r[2].clone(), r[3].clone()])
            .collect(),
        }
    }

    /// The command these values describe: every field of the form, times, amounts and
    /// counts as typed (the use case reads them, with the same messages for the form, the
    /// API and the import). Organisation names are looked up (and registered only when
    /// asked and everything else reads); names that cannot be are reported by field.
    async fn to_fields(&self, app: &App, actor: &Actor) -> (ActivityFields, FieldErrors) {
        let mut e = FieldErrors::new();
        let text = |s: &str| Some(Some(s.trim().to_owned()).filter(|s| !s.is_empty()));
        let typed = |s: &str| Some(Some(Typed::Text(s.trim().to_owned())));
        let raw = |s: &str| Some(Some(s.trim().to_owned()));
        let region = [&self.county, &self.city, &self.province]
            .into_iter()
            .find(|c| !c.trim().is_empty())
            .map(|c| c.trim().to_owned());
        let mut fields = ActivityFields {
            campaign_id: None,
            name: text(&self.name),
            section: text(&self.section),
            start: raw(&self.start),
            end: raw(&self.end),
            region_code: Some(region.clone()),
            address: text(&self.address),
            mode: text(&self.mode),
            online_url: text(&self.online_url),
            venue_type: text(&self.venue_type),
            audiences: Some(Some(self.audiences.clone())),
            reservable: Some(Some(self.reservable)),
            reservation_url: text(&self.reservation_url),
            expected_participants: typed(&self.expected_participants),
            poster: typed(&self.poster),
            details: text(&self.details),
            funding_yuan: Some(Some(Typed::Text(self.funding_yuan.trim().to_owned()))),
            scientist_count: typed(&self.scientist_count),
            scientists: Some(Some(
                self.scientists
                    .iter()
                    .map(|[n, t, u]| Scientist {
                        name: n.trim().to_owned(),
                        title: t.trim().to_owned(),
                        unit: u.trim().to_owned(),
                    })
                    .collect(),
            )),
            contact_name: text(&self.contact_name),
            contact_phone: text(&self.contact_phone),
            org_chain: None,
            hosts: None,
            co_hosts: None,
            sessions: Some(Some(
                self.sessions
                    .iter()
                    .map(|[start, end, region, address]| SessionFields {
                        start: Some(start.trim().to_owned()),
                        end: Some(end.trim().to_owned()),
                        region_code: text(region).flatten(),
                        address: text(address).flatten(),
                        lon: None,
                        lat: None,
                    })
                    .collect(),
            )),
            lon: None,
            lat: None,
        };
        // The values the use case reads from text, checked by its own reader first, so that
        // their messages stand beside their fields before any name is looked up.
        for (field, message) in fields.typed_text_problems().iter() {
            e.add(field, message);
        }
        for (field, raw) in [
            ("org_chain", &self.org_chain),
            ("hosts", &self.hosts),
            ("co_hosts", &self.co_hosts),
        ] {
            let names: Vec<String> = raw
                .split(['\n', '、', ',', '，', ';', '；'])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect();
            // Counted before anything is looked up: a refused form registers nothing.
            if let Some(problem) = domain::activity::org_list_problem(field, names.len()) {
                e.add(field, problem);
                continue;
            }
            // New organisations only when asked, and only when the rest of the form reads.
            // Asked to register, but something else does not read yet: those problems are
            // shown first, and the names wait (nothing is registered by a refused form).
            if self.register_new && !e.is_empty() {
                if !names.is_empty() {
                    e.add(field, "其他栏目改好后再保存，才会登记新单位");
                }
                continue;
            }
            let register = self.register_new;
            match app
                .resolve_org_names(actor, &names, region.as_deref(), register)
                .await
            {
                Ok(ids) => {
                    let slot = match field {
                        "org_chain" => &mut fields.org_chain,
                        "hosts" => &mut fields.hosts,
                        _ => &mut fields.co_hosts,
                    };
                    *slot = Some(Some(ids));
                }
                Err(m) => e.add(field, m),
            }
        }
        (fields, e)
    }
}

impl FormPage {
    async fn build(
        app: &App,
        layout: Layout,
        row: &ActivityView,
        v: Values,
        errors: FieldErrors,
        notice: Option<String>,
    ) -> Result<FormPage, AppError> {
        let rules = app.campaign(row.campaign_id).await?.rules;
        let regions = |list: Vec<RegionView>| {
            list.into_iter()
                .map(|r| (r.code, r.name))
                .collect::<Vec<_>>()
        };
        let provinces = regions(app.regions_under(None).await?);
        let cities = if v.province.is_empty() {
            Vec::new()
        } else {
            regions(
                app.regions_under(Some(&v.province))
                    .await
                    .unwrap_or_default(),
            )
        };
        let counties = if v.city.is_empty() {
            Vec::new()
        } else {
            regions(app.regions_under(Some(&v.city)).await.unwrap_or_default())
        };
        let mut session_regions = Vec::new();
        if !v.province.is_empty() {
            for city in app
                .regions_under(Some(&v.province))
                .await
                .unwrap_or_default()
            {
                let children = app
                    .regions_under(Some(&city.code))
                    .await
                    .unwrap_or_default();
                session_regions.push(city);
                session_regions.extend(children);
            }
        }
        let poster_url = v
            .poster
            .trim()
            .parse::<i64>()
            .ok()
            .map(|id| format!("/api/v1/media/{id}"));
        let audiences: Vec<&str> = v.audiences.iter().map(String::as_str).collect();
        Ok(FormPage {
            layout,
            id: row.id,
            version: row.version,
            status: row.status,
            status_label: row.status_label.clone(),
            review_reason: row.review_reason().map(str::to_owned),
            sections: options(
                rules
                    .sections
                    .iter()
                    .map(|s| (s.key.clone(), s.name.clone())),
                &[&v.section],
            ),
            provinces: options(provinces, &[&v.province]),
            cities: options(cities, &[&v.city]),
            counties: options(counties, &[&v.county]),
            modes: options(
                MODES
                    .iter()
                    .map(|(k, l)| ((*k).to_owned(), (*l).to_owned())),
                &[&v.mode],
            ),
            venue_types: options(
                VENUE_TYPES
                    .iter()
                    .map(|t| ((*t).to_owned(), (*t).to_owned())),
                &[&v.venue_type],
            ),
            audiences: options(
                AUDIENCES.iter().map(|t| ((*t).to_owned(), (*t).to_owned())),
                &audiences,
            ),
            session_rows: v
                .sessions
                .iter()
                .map(|[start, end, region, address]| SessionRow {
                    start: start.clone(),
                    end: end.clone(),
                    address: address.clone(),
                    regions: options(
                        session_regions
                            .iter()
                            .map(|r| (r.code.clone(), r.name.clone())),
                        &[region],
                    ),
                })
                .collect(),
            blank_regions: options(
                session_regions
                    .iter()
                    .map(|r| (r.code.clone(), r.name.clone())),
                &[],
            ),
            poster_url,
            error_links: ErrorLink::all(&errors),
            errors,
            notice,
            v,
        })
    }
}

/// The Chinese name of the field a problem is reported under (`sessions[1]` is 第2个场次).
fn field_name(key: &str) -> String {
    match key
        .strip_prefix("sessions[")
        .and_then(|k| k.strip_suffix(']'))
    {
        Some(i) => format!("第{}个场次", i.parse::<usize>().map_or(0, |i| i + 1)),
        None => domain::activity::field_label(key.split('[').next().unwrap_or(key)).to_owned(),
    }
}

/// What a partial save tells the person: that the rest was saved, which fields were not
/// (by their Chinese names, with the text they typed where the page cannot show it), and
/// that nothing was submitted.
fn not_saved_notice(not_saved: &FieldErrors, v: &Values, submit: bool) -> String {
    let typed = |key: &str| match key {
        "start" => v.start.as_str(),
        "end" => v.end.as_str(),
        _ => "",
    };
    let names: Vec<String> = not_saved
        .iter()
        .map(|(key, _)| {
            let name = field_name(key);
            match typed(key) {
                "" => format!("“{name}”"),
                text => format!("“{name}”（您填写的“{text}”）"),
            }
        })
        .collect();
    let submitted = if submit { "，尚未提交审核" } else { "" };
    format!(
        "其他内容已保存{submitted}。以下{}项未保存，仍为原来的内容：{}。请按栏目下的提示修改后再保存。",
        names.len(),
        names.join("、")
    )
}

fn page_result(result: Result<Response, AppError>) -> Response {
    result.unwrap_or_else(|e| error_page(&e))
}

/// `GET /my/activities`.
pub async fn mine(
    State(app): State<App>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    page_result(
        async {
            let (session, actor) = logged_in(&app, &headers).await?;
            let Some(actor) = actor else {
                return Ok(see_other("/login"));
            };
            let page = app::paging::Page::parse(Some(1), Some(100))?;
            let items = app.my_activities(&actor, page).await?.items;
            let query = query.unwrap_or_default();
            let said = |key: &str| {
                query
                    .split('&')
                    .find_map(|p| p.strip_prefix(key)?.strip_prefix('='))
                    .and_then(|v| v.parse::<u64>().ok())
            };
            let notice = if said("submitted").is_some() {
                Some("已提交审核，审核结果将通过通知告诉您".to_owned())
            } else {
                said("imported").map(|n| match said("skipped").unwrap_or(0) {
                    0 => format!("已导入{n}项活动，均为草稿，请逐条补充后提交审核"),
                    skipped => format!(
                        "已导入{n}项活动，跳过重复的{skipped}行；导入的活动均为草稿，请逐条补充后提交审核"
                    ),
                })
            };
            Ok(MyPage {
                layout: session.layout(&app).await?,
                items,
                notice,
            }
            .into_response())
        }
        .await,
    )
}

/// `POST /my/activities/new`: a new draft, then its form.
pub async fn create(
    State(app): State<App>,
    headers: HeaderMap,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    page_result(
        async {
            let (session, actor) = logged_in(&app, &headers).await?;
            let Some(actor) = actor else {
                return Ok(see_other("/login"));
            };
            if !session.accepts(form_value(&form, "_csrf")) {
                return Err(expired());
            }
            let made = app
                .create_activity(&actor, ActivityFields::default())
                .await?;
            Ok(see_other(&format!("/my/activities/{}/edit", made.id)))
        }
        .await,
    )
}

/// `GET /my/activities/{id}/edit`.
pub async fn edit(
    State(app): State<App>,
    headers: HeaderMap,
    id: Result<Path<i64>, PathRejection>,
) -> Response {
    page_result(
        async {
            let id = activity_id(id)?;
            let (session, actor) = logged_in(&app, &headers).await?;
            let Some(actor) = actor else {
                return Ok(see_other("/login"));
            };
            let row = app.activity(Some(&actor), id).await?;
            let values = Values::from_draft(&app, &row.fields).await?;
            let page = FormPage::build(
                &app,
                session.layout(&app).await?,
                &row,
                values,
                FieldErrors::new(),
                None,
            )
            .await?;
            Ok(page.into_response())
        }
        .await,
    )
}

/// `POST /my/activities/{id}/edit`: save (保存草稿) or save and submit (提交审核).
pub async fn save(
    State(app): State<App>,
    headers: HeaderMap,
    id: Result<Path<i64>, PathRejection>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    page_result(
        async {
            let id = activity_id(id)?;
            let (session, actor) = logged_in(&app, &headers).await?;
            let Some(actor) = actor else {
                return Ok(see_other("/login"));
            };
            if !session.accepts(form_value(&form, "_csrf")) {
                return Err(expired());
            }
            let version: i64 = form_value(&form, "version")
                .parse()
                .map_err(|_| AppError::Malformed("缺少版本号".to_owned()))?;
            let submit = form_value(&form, "action") == "submit";
            let values = Values::from_form(&form);
            let (fields, pending) = values.to_fields(&app, &actor).await;
            // Every field that reads is saved; one that does not stays as it was stored,
            // its typed text on the page beside its message, and the notice names it.
            // 200 whenever the draft was saved (wholly or around its problems): a 422 means
            // nothing changed.
            let (errors, notice, saved) = match app
                .save_what_reads(&actor, id, version, fields, pending)
                .await
            {
                Ok(kept) if kept.not_saved.is_empty() && submit => {
                    match app
                        .submit_activity(&actor, id, Some(kept.view.version))
                        .await
                    {
                        Ok(_) => return Ok(see_other("/my/activities?submitted=1")),
                        Err(AppError::Validation { fields, .. }) => (
                            fields,
                            "草稿已保存，但还有以下内容需要补充或修改，请按提示处理后再提交"
                                .to_owned(),
                            true,
                        ),
                        Err(other) => return Err(other),
                    }
                }
                Ok(kept) if kept.not_saved.is_empty() => {
                    (FieldErrors::new(), "草稿已保存".to_owned(), true)
                }
                Ok(kept) => {
                    let notice = not_saved_notice(&kept.not_saved, &values, submit);
                    (kept.not_saved, notice, true)
                }
                Err(AppError::Validation { fields, .. }) => {
                    (fields, "未能保存，请按提示修改后再保存".to_owned(), false)
                }
                Err(other) => return Err(other),
            };
            let notice = Some(notice);
            let row = app.activity(Some(&actor), id).await?;
            let status = if saved {
                StatusCode::OK
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            let page = FormPage::build(
                &app,
                session.layout(&app).await?,
                &row,
                values,
                errors,
                notice,
            )
            .await?;
            Ok((status, page).into_response())
        }
        .await,
    )
}

/// `POST /my/activities/{id}/{action}`: submit, withdraw or copy from the list.
pub async fn act(
    State(app): State<App>,
    headers: HeaderMap,
    path: Result<Path<(i64, String)>, PathRejection>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    page_result(
        async {
            let Ok(Path((id, action))) = path else {
                return Err(AppError::NotFound("未找到该活动".to_owned()));
            };
            let (session, actor) = logged_in(&app, &headers).await?;
            let Some(actor) = actor else {
                return Ok(see_other("/login"));
            };
            if !session.accepts(form_value(&form, "_csrf")) {
                return Err(expired());
            }
            match action.as_str() {
                "submit" => match app.submit_activity(&actor, id, None).await {
                    Ok(_) => Ok(see_other("/my/activities")),
                    Err(AppError::Validation { .. }) => {
                        Ok(see_other(&format!("/my/activities/{id}/edit")))
                    }
                    Err(e) => Err(e),
                },
                "withdraw" => app
                    .withdraw_activity(&actor, id, None)
                    .await
                    .map(|_| see_other("/my/activities")),
                "copy" => app
                    .copy_activity(&actor, id)
                    .await
                    .map(|c| see_other(&format!("/my/activities/{}/edit", c.id))),
                _ => Err(AppError::NotFound("未找到该操作".to_owned())),
            }
        }
        .await,
    )
}

/// `POST /my/activities/{id}/poster`: the poster form without JavaScript (multipart
/// `_csrf`, `kind`, `file`); uploads, attaches and returns to the form.
pub async fn poster(
    State(app): State<App>,
    headers: HeaderMap,
    id: Result<Path<i64>, PathRejection>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let result: Result<Response, ApiError> = async {
        let id = activity_id(id)?;
        let (session, actor) = logged_in(&app, &headers).await?;
        let Some(actor) = actor else {
            return Ok(see_other("/login"));
        };
        let mut multipart = multipart
            .map_err(|_| ApiError::from(AppError::Malformed("上传格式不正确".to_owned())))?;
        let media =
            crate::api::media::receive(&app, &actor, id, &mut multipart, Some(&session.csrf))
                .await?;
        let attached = async {
            if media.kind != "poster" {
                return Err(AppError::invalid_field("poster", "此处只能上传宣传图"));
            }
            let row = app.activity(Some(&actor), id).await?;
            let poster = ActivityFields {
                poster: Some(Some(Typed::Value(media.id))),
                ..ActivityFields::default()
            };
            app.update_activity(&actor, id, row.version, poster).await
        }
        .await;
        if let Err(e) = attached {
            // A refused request leaves nothing behind.
            app.discard_upload(&actor, media.id).await?;
            return Err(e.into());
        }
        Ok(see_other(&format!("/my/activities/{id}/edit")))
    }
    .await;
    match result {
        Ok(r) => r,
        Err(ApiError::App(e)) => {
            let (status, _, message) = classify(&e);
            let message = match &e {
                AppError::Validation { fields, .. } => fields
                    .iter()
                    .next()
                    .map(|(_, m)| m.to_owned())
                    .unwrap_or(message),
                _ => message,
            };
            error_page(&AppError::Malformed(format!("宣传图未上传：{message}")))
                .into_response()
                .map_status(status)
        }
        Err(ApiError::Http(status, _, message)) => {
            error_page(&AppError::Malformed(message)).map_status(status)
        }
    }
}

trait MapStatus {
    fn map_status(self, status: StatusCode) -> Response;
}

impl MapStatus for Response {
    fn map_status(mut self, status: StatusCode) -> Response {
        *self.status_mut() = status;
        self
    }
}
