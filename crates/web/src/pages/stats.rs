//! The administrators' dashboard: charts, tables and the export.

use app::App;
use app::stats::{Counts, StatsView};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Response};

use super::PageError;
use super::SignedIn;
use super::charts::{self, Bar};
use super::{Layout, PageParams};

/// A table with its chart.
struct Panel {
    id: &'static str,
    title: &'static str,
    /// What the first column names (按板块（已通过） → 板块).
    column: &'static str,
    rows: Vec<Bar>,
    chart: String,
}

impl Panel {
    fn new(id: &'static str, title: &'static str, rows: Vec<Bar>) -> Panel {
        let column = title.trim_start_matches('按');
        Panel {
            id,
            title,
            column: column.split('（').next().unwrap_or(column),
            chart: charts::bars(title, &rows),
            rows,
        }
    }
}

struct QuotaLine {
    allocated: i64,
    name: String,
    section: String,
    count: i64,
    target: i64,
    percent: i64,
    bar: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    layout: Layout,
    code: String,
    name: String,
    parent: Option<String>,
    s: StatsView,
    panels: Vec<Panel>,
    region_chart: String,
    /// The divisions below with any activity, most first; those with none, folded.
    busy: Vec<app::stats::RegionCount>,
    idle: Vec<app::stats::RegionCount>,
    quotas: Vec<QuotaLine>,
    topic: String,
    /// The divisions below on a map: symbols sized by approved activities, coloured by
    /// the completion of their quota, each a link to its own dashboard.
    region_map: String,
    /// What the map's colours mean (HTML).
    map_legend: String,
    /// Each province's time to a decision at the province level, and its overdue reviews
    /// (province and national administrators).
    review_times: Option<app::review::ReviewTimesView>,
}

fn counted(map: &Counts, label: impl Fn(&str) -> String) -> Vec<Bar> {
    let mut rows: Vec<Bar> = map.iter().map(|(k, v)| (label(k), *v)).collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    rows
}

/// The dashboard's query: the area and a keyword to count.
#[derive(Debug, Default, serde::Deserialize)]
pub struct DashboardParams {
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    region: Option<String>,
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    topic: Option<String>,
}

/// `GET /dashboard?region=CODE&topic=关键词`.
pub async fn dashboard(
    State(app): State<App>,
    SignedIn { session, actor }: SignedIn,
    PageParams(params): PageParams<DashboardParams>,
) -> Result<Response, PageError> {
    let region = params.region.as_deref();
    let topic = params.topic.clone().unwrap_or_default();
    let s = app.stats(&actor, region, Some(&topic)).await?;
    let code = s.region.code.clone();
    let campaign = app.current_campaign().await?;
    let section_name = |k: &str| {
        campaign
            .rules
            .section(k)
            .map_or_else(|| k.to_owned(), |s| s.name.clone())
    };
    let status_name = |k: &str| {
        domain::review::Status::parse(k).map_or_else(|_| k.to_owned(), |s| s.label().to_owned())
    };
    let mode_name = |k: &str| domain::activity::mode_label(k).to_owned();
    let panels = vec![
        Panel::new(
            "by-status",
            "按审核状态",
            counted(&s.by_status, status_name),
        ),
        Panel::new(
            "by-section",
            "按板块（已通过）",
            counted(&s.by_section, section_name),
        ),
        Panel::new(
            "by-audience",
            "按面向对象（已通过）",
            counted(&s.by_audience, str::to_owned),
        ),
        Panel::new(
            "by-venue",
            "按场所类型（已通过）",
            counted(&s.by_venue_type, str::to_owned),
        ),
        Panel::new(
            "by-mode",
            "按活动形式（已通过）",
            counted(&s.by_mode, mode_name),
        ),
    ];
    let (mut busy, idle): (Vec<_>, Vec<_>) = s
        .by_region
        .iter()
        .cloned()
        .partition(|r| r.count > 0 || r.submitted > 0);
    busy.sort_by(|a, b| {
        (b.count, b.submitted)
            .cmp(&(a.count, a.submitted))
            .then_with(|| a.code.cmp(&b.code))
    });
    let region_rows: Vec<Bar> = busy
        .iter()
        .filter(|r| r.count > 0)
        .map(|r| (r.name.clone(), r.count))
        .collect();
    let quotas = s
        .quotas
        .iter()
        .map(|q| QuotaLine {
            allocated: q.allocated_to_children,
            bar: charts::progress(&q.name, q.count, q.target),
            section: match domain::stats::QuotaMeasure::parse(&q.measure) {
                Some(domain::stats::QuotaMeasure::OnlinePosts) => "千万IP创科普网络作品".to_owned(),
                _ => q
                    .section
                    .as_deref()
                    .map_or_else(|| "全部板块".to_owned(), section_name),
            },
            percent: q.percent,
            name: q.name.clone(),
            count: q.count,
            target: q.target,
        })
        .collect();
    let located = app::regions::locate(&app.db, &code).await?;
    let parent = located.and_then(|l| match l.level {
        Some(domain::region::RegionLevel::County) => l.path.city,
        Some(domain::region::RegionLevel::City) => l.path.province,
        Some(domain::region::RegionLevel::Province) => Some(domain::region::NATIONAL.to_owned()),
        None => None,
    });
    let parent = parent.filter(|p| {
        app::App::home_region(&actor) != code
            && (actor.is_national_admin() || p != domain::region::NATIONAL)
    });
    let name = app.region_name(&code).await?;
    let mut symbols = Vec::new();
    for r in &s.by_region {
        let Some(point) = app::regions::locate(&app.db, &r.code)
            .await?
            .and_then(|l| l.point)
        else {
            continue;
        };
        let percent = s
            .quotas
            .iter()
            .find(|q| {
                q.target_kind == "region"
                    && q.target_ref == r.code
                    && q.section.is_none()
                    && q.measure == domain::stats::QuotaMeasure::Activities.as_str()
            })
            .map(|q| q.percent);
        symbols.push(charts::Symbol {
            name: r.name.clone(),
            point,
            value: r.count,
            percent,
            colour_says: percent.map_or_else(
                || "未下达任务指标".to_owned(),
                |p| format!("完成任务指标{p}%"),
            ),
            href: format!("/dashboard?region={}", r.code),
        });
    }
    let region_map = charts::symbol_map(
        "各下级地区已通过的活动数（圆的大小）与任务指标完成率（颜色），点击进入该地区",
        &symbols,
    );
    let map_legend = charts::symbol_legend("颜色：任务指标完成率");
    let review_times = app
        .review_times(&actor, app::review::ReviewTimesQuery::default())
        .await
        .ok()
        .filter(|t| !t.provinces.is_empty());
    Ok(DashboardPage {
        review_times,
        region_map,
        map_legend,
        layout: session.layout(&app).await?,
        region_chart: charts::bars("按下级地区（已通过）", &region_rows),
        busy,
        idle,
        code,
        name,
        parent,
        panels,
        quotas,
        topic,
        s,
    }
    .into_response())
}
