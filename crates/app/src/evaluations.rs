//! 考评: an administrator's evaluation of the level below (the divisions directly under
//! their region, or the organisations registered in it). The measured figures are read from
//! the rollups every write keeps (`domain::stats`), plus a few grouped counts of small tables
//! (posts, nominations, summaries); only a topic's count scans, and only the evaluated
//! area's approved activities. The judged parts are entered by the evaluators; the results
//! can be frozen, published to the level below, and exported.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use domain::activity::ActivityDraft;
use domain::evaluation::{
    self as rules, Indicator, IndicatorKind, KeywordIn, Measure, SchemeInput, SchemeSettings,
    Subjects,
};
use domain::region::{NATIONAL, RegionLevel, RegionPath};
use domain::review::Status;
use domain::stats::{dim, org_scope};
use serde::{Deserialize, Serialize};
use store::entities::{InArea, activity, evaluation_scheme as scheme, online_post};
use store::evaluations::GroupBy;
use store::sea_orm::{ColumnTrait, Condition, TransactionTrait};
use utoipa::{IntoParams, ToSchema};

use crate::paging::{Page, Paged};
use crate::regions::locate;
use crate::scope::{area_condition, scope_condition};
use crate::{Actor, App, AppError};

/// A scheme as answered.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SchemeView {
    /// Id.
    pub id: i64,
    /// The campaign evaluated.
    pub campaign_id: i64,
    /// The evaluating division.
    pub region_code: String,
    /// Its name.
    pub region_name: String,
    /// The settings.
    #[serde(flatten)]
    pub settings: SchemeSettings,
    /// The results are frozen (judged scores no longer change).
    pub frozen: bool,
    /// Published to the level below.
    pub published: bool,
    /// When it was frozen.
    pub frozen_at: Option<DateTime<Utc>>,
    /// Whether the caller evaluates with it (enters scores, freezes, publishes).
    pub manageable: bool,
    /// Created.
    pub created_at: DateTime<Utc>,
}

/// A subject of an evaluation: a division or an organisation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SubjectView {
    /// The division's code (`areas`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// The organisation's id (`units`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub org_id: Option<i64>,
    /// Its name.
    pub name: String,
}

impl SubjectView {
    /// How the subject is written in the query string and stored with a judged score: the
    /// division's code, or `org:ID`.
    pub fn key(&self) -> String {
        match (self.org_id, &self.code) {
            (Some(id), _) => org_scope(id),
            (None, Some(code)) => code.clone(),
            (None, None) => String::new(),
        }
    }
}

/// One subject's row of the results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ResultRow {
    /// Who.
    pub subject: SubjectView,
    /// Each indicator's score, 0–100 (a judged indicator not yet scored is absent).
    pub scores: BTreeMap<String, f64>,
    /// Each measured indicator's figure as counted (absent: nothing to count against, such
    /// as a quota never set).
    pub figures: BTreeMap<String, f64>,
    /// The evaluators' comments on judged indicators.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub comments: BTreeMap<String, String>,
    /// Σ weight × score / 100, to 0.01.
    pub total: f64,
    /// 1 is best; equal totals share a rank.
    pub rank: usize,
    /// Named in the commendation list.
    pub commended: bool,
}

/// An indicator as a column of the results, with what its figure means.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct IndicatorColumn {
    /// Key.
    pub key: String,
    /// 名称.
    pub name: String,
    /// Weight (per cent).
    pub weight: i64,
    /// `measured` or `judged`.
    pub kind: IndicatorKind,
    /// The measure.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub measure: Option<Measure>,
    /// The measure's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub measure_name: Option<String>,
    /// Exactly what the figure counts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub definition: Option<String>,
    /// The keyword (`topic_count`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keyword: Option<String>,
    /// The figure that scores 100, when set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<f64>,
}

/// An activity in the commendation list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CommendedActivity {
    /// The activity.
    pub activity_id: i64,
    /// Its name.
    pub name: String,
    /// The subject it counts for.
    pub subject: String,
    /// How far its nomination has come: `open` (推荐中) or `final` (获评优秀).
    pub nomination: String,
}

/// 表扬: the best-ranked subjects, and the nominated activities of the evaluated area.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, ToSchema)]
pub struct Commendations {
    /// Subjects ranked within the scheme's `commend_top`, best first.
    pub subjects: Vec<SubjectView>,
    /// Activities nominated (not stopped) among the subjects', awarded first.
    pub activities: Vec<CommendedActivity>,
}

/// `GET /api/v1/evaluation-schemes/{id}/results`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ResultsView {
    /// The scheme.
    pub scheme_id: i64,
    /// Its name.
    pub name: String,
    /// The campaign evaluated.
    pub campaign_id: i64,
    /// Frozen: these are the results as frozen, not recomputed.
    pub frozen: bool,
    /// Published to the level below.
    pub published: bool,
    /// When the figures were read.
    pub computed_at: DateTime<Utc>,
    /// The indicators, in order.
    pub indicators: Vec<IndicatorColumn>,
    /// One row per subject, best first.
    pub rows: Vec<ResultRow>,
    /// 表扬名单.
    pub commendations: Commendations,
}

/// `PUT /api/v1/evaluation-schemes/{id}/judged`.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct JudgedInput {
    /// The division scored (`areas`).
    #[serde(default)]
    pub subject_code: Option<String>,
    /// The organisation scored (`units`).
    #[serde(default)]
    pub subject_org_id: Option<i64>,
    /// The judged indicator's key.
    #[serde(default)]
    pub key: Option<String>,
    /// 0–100.
    #[serde(default)]
    pub score: Option<f64>,
    /// 评语.
    #[serde(default)]
    pub comment: Option<String>,
}

/// Filters of the list of schemes.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SchemeQuery {
    /// Page.
    #[param(minimum = 1, maximum = 1_000_000_000)]
    pub page: Option<i64>,
    /// Page size.
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<i64>,
}

/// Which figure's activities to list.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CountedQuery {
    /// The subject: a division's code, or `org:ID`.
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    pub subject: Option<String>,
    /// The measured indicator's key.
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    pub key: Option<String>,
}

/// An activity counted in a figure, with what it added.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CountedActivity {
    /// The activity.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// What it added to the figure (1 for a count; participants or links for a sum).
    pub adds: i64,
}

/// `GET /api/v1/evaluation-schemes/{id}/counted`: the activities a figure counted.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CountedView {
    /// The subject.
    pub subject: SubjectView,
    /// The indicator.
    pub indicator: IndicatorColumn,
    /// Σ adds: the figure as counted from these activities (for a share or a completion
    /// rate, its numerator).
    pub sum: i64,
    /// The activities, by id.
    pub activities: Vec<CountedActivity>,
}

fn not_found() -> AppError {
    AppError::NotFound("未找到该考评方案".to_owned())
}

fn settings_of(row: &scheme::Model) -> Result<SchemeSettings, AppError> {
    serde_json::from_str(&row.settings).map_err(AppError::internal)
}

fn manage_scope(actor: &Actor) -> Condition {
    scope_condition(
        actor,
        scheme::Column::ProvinceCode,
        scheme::Column::CityCode,
        scheme::Column::CountyCode,
    )
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn column(i: &Indicator) -> IndicatorColumn {
    IndicatorColumn {
        key: i.key.clone(),
        name: i.name.clone(),
        weight: i.weight,
        kind: i.kind,
        measure: i.measure,
        measure_name: i.measure.map(|m| m.label().to_owned()),
        definition: i.measure.map(|m| {
            let d = m.definition();
            match (&i.keyword, i.keyword_in) {
                (Some(k), Some(KeywordIn::Name)) => format!("名称含“{k}”的审核通过活动数"),
                (Some(k), _) => format!("名称或活动内容含“{k}”的审核通过活动数"),
                _ => d.to_owned(),
            }
        }),
        keyword: i.keyword.clone(),
        target: i.target,
    }
}

/// What the subjects of a scheme are, and how its counts group.
struct Subjecting {
    subjects: Vec<SubjectView>,
    group: GroupBy,
    /// The evaluated area (over activities): where a topic or a nomination is looked for.
    path: RegionPath,
    /// The summary scope kinds that answer for a subject.
    summary_kinds: &'static [&'static str],
}

impl Subjecting {
    fn keys(&self) -> Vec<String> {
        self.subjects.iter().map(SubjectView::key).collect()
    }

    /// The subject a grouped count's key (a division code, or an org id as text) is for.
    fn scope_of(&self, grouped: &str) -> String {
        match self.group {
            GroupBy::Org => grouped.parse::<i64>().map(org_scope).unwrap_or_default(),
            _ => grouped.to_owned(),
        }
    }

    /// How quotas and summaries name the subjects: a division's code, an organisation's id.
    fn refs(&self) -> Vec<String> {
        self.subjects
            .iter()
            .map(|s| {
                s.org_id
                    .map_or_else(|| s.code.clone().unwrap_or_default(), |id| id.to_string())
            })
            .collect()
    }

    fn org_ids(&self) -> Vec<i64> {
        self.subjects.iter().filter_map(|s| s.org_id).collect()
    }

    /// The condition "counts for one of the subjects", over activities.
    fn activities(&self) -> Condition {
        match self.group {
            GroupBy::Org => {
                Condition::all().add(activity::Column::FirstHostId.is_in(self.org_ids()))
            }
            _ => area_condition(
                &self.path,
                activity::Column::ProvinceCode,
                activity::Column::CityCode,
                activity::Column::CountyCode,
            ),
        }
    }
}

impl App {
    fn scheme_view(
        &self,
        row: &scheme::Model,
        region_name: String,
        actor: &Actor,
    ) -> Result<SchemeView, AppError> {
        Ok(SchemeView {
            id: row.id,
            campaign_id: row.campaign_id,
            region_code: row.region_code.clone(),
            region_name,
            settings: settings_of(row)?,
            frozen: row.frozen,
            published: row.published,
            frozen_at: row.frozen_at,
            manageable: actor.governs(&row.area()),
            created_at: row.created_at,
        })
    }

    /// `POST /api/v1/evaluation-schemes`: an administrator of `region_code` defines how the
    /// level below is evaluated.
    pub async fn create_scheme(
        &self,
        actor: &Actor,
        input: SchemeInput,
    ) -> Result<SchemeView, AppError> {
        if !actor.is_admin() {
            return Err(AppError::Forbidden("只有管理员可以制定考评方案".to_owned()));
        }
        let settings = rules::settle(&input).map_err(AppError::invalid)?;
        let code = input
            .region_code
            .as_deref()
            .map(str::trim)
            .unwrap_or_default();
        let located = match domain::region::parse_code(code) {
            Ok(code) => locate(&self.db, &code).await?,
            Err(_) => None,
        }
        .ok_or_else(|| AppError::invalid_field("region_code", "所选地区不存在"))?;
        if !actor.governs(&located.path) {
            return Err(AppError::Forbidden(
                "只能考评本辖区的下级地区或单位".to_owned(),
            ));
        }
        if settings.subjects == Subjects::Areas && located.level == Some(RegionLevel::County) {
            return Err(AppError::invalid_field(
                "subjects",
                "县级没有下级地区，请选择“本地区单位”（units）",
            ));
        }
        let campaign_id = match input.campaign_id {
            Some(id) => {
                store::campaigns::find(&self.db, id)
                    .await?
                    .ok_or_else(|| AppError::invalid_field("campaign_id", "所选活动季不存在"))?
                    .id
            }
            None => self.current_campaign().await?.id,
        };
        let code = if located.level.is_none() {
            NATIONAL.to_owned()
        } else {
            located.path.codes().last().unwrap_or_default()
        };
        let now = self.clock.now();
        let txn = self.db.begin().await?;
        let row = store::evaluations::insert(
            &txn,
            store::evaluations::NewScheme {
                campaign_id,
                region_code: code.clone(),
                province_code: located.path.province.clone(),
                city_code: located.path.city.clone(),
                county_code: located.path.county.clone(),
                name: settings.name.clone(),
                settings: serde_json::to_string(&settings).map_err(AppError::internal)?,
            },
            actor.user_id,
            now,
        )
        .await?;
        crate::audit::record(
            &txn,
            now,
            Some(actor),
            crate::audit::Event::ok(
                "evaluation.create",
                "evaluation_scheme",
                row.id,
                &located.path,
                serde_json::json!({"name": row.name, "region_code": code}),
            ),
        )
        .await?;
        txn.commit().await?;
        let name = self.region_name(&row.region_code).await?;
        self.scheme_view(&row, name, actor)
    }

    /// The condition "the caller may read this scheme": they evaluate with it, or it is
    /// published and they administer a division below its region.
    async fn readable(&self, actor: &Actor) -> Result<Condition, AppError> {
        let mut above = BTreeSet::new();
        for g in &actor.grants {
            if g.role.governs().is_none() || g.region_code == NATIONAL {
                continue;
            }
            if let Some(l) = locate(&self.db, &g.region_code).await? {
                above.extend(l.path.codes().filter(|c| *c != g.region_code));
                above.insert(NATIONAL.to_owned());
            }
        }
        let mut any = Condition::any().add(manage_scope(actor));
        if !above.is_empty() {
            any = any.add(
                Condition::all()
                    .add(scheme::Column::Published.eq(true))
                    .add(scheme::Column::RegionCode.is_in(above)),
            );
        }
        Ok(any)
    }

    async fn scheme_row(&self, actor: &Actor, id: i64) -> Result<scheme::Model, AppError> {
        let readable = self.readable(actor).await?;
        store::evaluations::find_within(&self.db, id, readable)
            .await?
            .ok_or_else(not_found)
    }

    /// A scheme the caller evaluates with; a refusal when it is one they only read.
    async fn managed_scheme(&self, actor: &Actor, id: i64) -> Result<scheme::Model, AppError> {
        match store::evaluations::find_within(&self.db, id, manage_scope(actor)).await? {
            Some(row) => Ok(row),
            None => {
                self.scheme_row(actor, id).await?;
                Err(AppError::Forbidden(
                    "只有制定考评方案的地区的管理员可以评分、冻结或公布".to_owned(),
                ))
            }
        }
    }

    /// `GET /api/v1/evaluation-schemes/{id}`.
    pub async fn scheme(&self, actor: &Actor, id: i64) -> Result<SchemeView, AppError> {
        let row = self.scheme_row(actor, id).await?;
        let name = self.region_name(&row.region_code).await?;
        self.scheme_view(&row, name, actor)
    }

    /// `GET /api/v1/evaluation-schemes`: the schemes the caller evaluates with or may read,
    /// newest first.
    pub async fn schemes(
        &self,
        actor: &Actor,
        query: SchemeQuery,
    ) -> Result<Paged<SchemeView>, AppError> {
        let page = Page::parse(query.page, query.per_page)?;
        let readable = self.readable(actor).await?;
        let (rows, total) =
            store::evaluations::page(&self.db, readable, page.offset(), page.per_page).await?;
        let mut items = Vec::with_capacity(rows.len());
        for row in &rows {
            let name = self.region_name(&row.region_code).await?;
            items.push(self.scheme_view(row, name, actor)?);
        }
        Ok(Paged {
            items,
            total,
            page: page.page,
            per_page: page.per_page,
        })
    }

    async fn subjecting(
        &self,
        row: &scheme::Model,
        settings: &SchemeSettings,
    ) -> Result<Subjecting, AppError> {
        let path = row.area();
        match settings.subjects {
            Subjects::Areas => {
                let level = locate(&self.db, &row.region_code)
                    .await?
                    .ok_or_else(|| AppError::internal("scheme region"))?
                    .level;
                let (group, kinds): (GroupBy, &'static [&'static str]) = match level {
                    None => (GroupBy::Province, &["province"]),
                    Some(RegionLevel::Province) => (GroupBy::City, &["city"]),
                    Some(RegionLevel::City) => (GroupBy::County, &["county"]),
                    Some(RegionLevel::County) => {
                        return Err(AppError::internal("a county has no areas below"));
                    }
                };
                let subjects = self
                    .regions_under(Some(&row.region_code))
                    .await?
                    .into_iter()
                    .map(|r| SubjectView {
                        code: Some(r.code),
                        org_id: None,
                        name: r.name,
                    })
                    .collect();
                Ok(Subjecting {
                    subjects,
                    group,
                    path,
                    summary_kinds: kinds,
                })
            }
            Subjects::Units => {
                let area = area_condition(
                    &path,
                    store::entities::org::Column::ProvinceCode,
                    store::entities::org::Column::CityCode,
                    store::entities::org::Column::CountyCode,
                );
                let subjects =
                    store::orgs::within(&self.db, area, domain::org::OrgStatus::Rejected.as_str())
                        .await?
                        .into_iter()
                        .map(|o| SubjectView {
                            code: None,
                            org_id: Some(o.id),
                            name: o.name,
                        })
                        .collect();
                Ok(Subjecting {
                    subjects,
                    group: GroupBy::Org,
                    path,
                    summary_kinds: &["unit", "society"],
                })
            }
        }
    }

    /// Every measured figure of every subject, by subject key and indicator key.
    async fn figures(
        &self,
        row: &scheme::Model,
        settings: &SchemeSettings,
        who: &Subjecting,
    ) -> Result<HashMap<String, BTreeMap<String, f64>>, AppError> {
        let keys = who.keys();
        let mut out: HashMap<String, BTreeMap<String, f64>> =
            keys.iter().map(|k| (k.clone(), BTreeMap::new())).collect();
        let measured: Vec<(&Indicator, Measure)> = settings
            .indicators
            .iter()
            .filter_map(|i| i.measure.map(|m| (i, m)))
            .collect();
        let rolled = measured.iter().any(|(_, m)| m.cell().is_some());
        let mut cells: HashMap<(String, String, String), i64> = HashMap::new();
        if rolled {
            for c in store::stats::cells_for(
                &self.db,
                row.campaign_id,
                &[dim::STATUS, dim::SUM, dim::SECTION],
                &keys,
            )
            .await?
            {
                cells.insert((c.scope_code, c.dim, c.key), c.n);
            }
        }
        let cell = |subject: &str, (d, k): (&str, &str)| {
            cells
                .get(&(subject.to_owned(), d.to_owned(), k.to_owned()))
                .copied()
                .unwrap_or(0) as f64
        };
        let approved_cell = (dim::STATUS, Status::Approved.as_str());
        for (indicator, measure) in &measured {
            let put = |out: &mut HashMap<String, BTreeMap<String, f64>>, subject: &str, v: f64| {
                if let Some(f) = out.get_mut(subject) {
                    f.insert(indicator.key.clone(), round2(v));
                }
            };
            match measure {
                Measure::ApprovedVsQuota => {
                    let kind = if who.group == GroupBy::Org {
                        "org"
                    } else {
                        "region"
                    };
                    let refs = who.refs();
                    for q in store::quotas::for_refs(
                        &self.db,
                        row.campaign_id,
                        kind,
                        "",
                        domain::stats::QuotaMeasure::Activities.as_str(),
                        refs,
                    )
                    .await?
                    {
                        if q.target > 0 {
                            let subject = who.scope_of(&q.target_ref);
                            let approved = cell(&subject, approved_cell);
                            put(&mut out, &subject, 100.0 * approved / q.target as f64);
                        }
                    }
                }
                Measure::SupplementOnTimeShare => {
                    for k in &keys {
                        let approved = cell(k, approved_cell);
                        let on_time = measure.cell().map_or(0.0, |c| cell(k, c));
                        let share = if approved > 0.0 {
                            100.0 * on_time / approved
                        } else {
                            0.0
                        };
                        put(&mut out, k, share);
                    }
                }
                Measure::OnlinePosts => {
                    let filter = match who.group {
                        GroupBy::Org => {
                            Condition::all().add(online_post::Column::OrgId.is_in(who.org_ids()))
                        }
                        _ => area_condition(
                            &who.path,
                            online_post::Column::ProvinceCode,
                            online_post::Column::CityCode,
                            online_post::Column::CountyCode,
                        ),
                    };
                    for k in &keys {
                        put(&mut out, k, 0.0);
                    }
                    for (g, n) in
                        store::evaluations::posts_by(&self.db, row.campaign_id, who.group, filter)
                            .await?
                    {
                        put(&mut out, &who.scope_of(&g), n as f64);
                    }
                }
                Measure::Nominated | Measure::Awarded => {
                    for k in &keys {
                        put(&mut out, k, 0.0);
                    }
                    let mut counts: HashMap<String, i64> = HashMap::new();
                    for (g, state, n) in store::evaluations::nominations_by(
                        &self.db,
                        row.campaign_id,
                        who.group,
                        who.activities(),
                    )
                    .await?
                    {
                        let counts_here = match measure {
                            Measure::Awarded => state == domain::nomination::State::Final.as_str(),
                            _ => state != domain::nomination::State::Stopped.as_str(),
                        };
                        if counts_here {
                            *counts.entry(who.scope_of(&g)).or_insert(0) += n;
                        }
                    }
                    for (k, n) in counts {
                        put(&mut out, &k, n as f64);
                    }
                }
                Measure::SummaryOnTime => {
                    let rules = self.campaign_rules(row.campaign_id).await?;
                    for k in &keys {
                        put(&mut out, k, 0.0);
                    }
                    let refs = who.refs();
                    for kind in who.summary_kinds {
                        let due = crate::summaries::deadline(kind, &rules);
                        for s in store::evaluations::summaries_of(
                            &self.db,
                            row.campaign_id,
                            kind,
                            refs.clone(),
                        )
                        .await?
                        {
                            let on_time = s.submitted_at.is_some_and(|at| {
                                due.is_none_or(|d| domain::campaign::beijing_date(at) <= d)
                            });
                            if on_time {
                                put(&mut out, &who.scope_of(&s.scope_ref), 1.0);
                            }
                        }
                    }
                }
                Measure::TopicCount => {
                    for k in &keys {
                        put(&mut out, k, 0.0);
                    }
                    let mut counts: HashMap<String, i64> = HashMap::new();
                    for a in self.topic_activities(row, indicator, who).await? {
                        if let Some(k) = subject_of(&a, who.group) {
                            *counts.entry(k).or_insert(0) += 1;
                        }
                    }
                    for (k, n) in counts {
                        put(&mut out, &k, n as f64);
                    }
                }
                m => {
                    let Some(c) = m.cell() else { continue };
                    for k in &keys {
                        put(&mut out, k, cell(k, c));
                    }
                }
            }
        }
        Ok(out)
    }

    /// The evaluated subjects' approved activities whose name (or details) holds a topic
    /// indicator's keyword, exactly.
    async fn topic_activities(
        &self,
        row: &scheme::Model,
        indicator: &Indicator,
        who: &Subjecting,
    ) -> Result<Vec<activity::Model>, AppError> {
        let Some(keyword) = indicator.keyword.as_deref() else {
            return Ok(Vec::new());
        };
        let name_only = indicator.keyword_in == Some(KeywordIn::Name);
        let candidates = store::evaluations::with_keyword(
            &self.db,
            row.campaign_id,
            Status::Approved.as_str(),
            who.activities(),
            keyword,
            !name_only,
        )
        .await?;
        let mut out = Vec::new();
        for a in candidates {
            let hit = a.name.contains(keyword)
                || (!name_only && {
                    let draft: ActivityDraft =
                        serde_json::from_str(&a.data).map_err(AppError::internal)?;
                    draft
                        .details
                        .as_deref()
                        .is_some_and(|d| d.contains(keyword))
                });
            if hit {
                out.push(a);
            }
        }
        Ok(out)
    }

    /// The results as they stand now (never the frozen copy).
    async fn compute_evaluation(&self, row: &scheme::Model) -> Result<ResultsView, AppError> {
        let settings = settings_of(row)?;
        let who = self.subjecting(row, &settings).await?;
        let figures = self.figures(row, &settings, &who).await?;
        let mut judged: HashMap<(String, String), (f64, Option<String>)> = HashMap::new();
        for j in store::evaluations::judgements(&self.db, row.id).await? {
            judged.insert((j.subject, j.key), (j.score, j.comment));
        }
        // The best figure of each measured indicator, for counts scored against the best.
        let mut best: BTreeMap<&str, f64> = BTreeMap::new();
        for f in figures.values() {
            for (k, v) in f {
                let b = best.entry(k.as_str()).or_insert(0.0);
                *b = b.max(*v);
            }
        }
        let mut rows: Vec<ResultRow> = Vec::with_capacity(who.subjects.len());
        for s in &who.subjects {
            let key = s.key();
            let mine = figures.get(&key).cloned().unwrap_or_default();
            let mut scores = BTreeMap::new();
            let mut comments = BTreeMap::new();
            for i in &settings.indicators {
                match i.kind {
                    IndicatorKind::Measured => {
                        let v = mine.get(&i.key).copied();
                        let b = best.get(i.key.as_str()).copied().unwrap_or(0.0);
                        let score = v.map_or(0.0, |v| rules::measured_score(i, v, b));
                        scores.insert(i.key.clone(), round2(score));
                    }
                    IndicatorKind::Judged => {
                        if let Some((score, comment)) = judged.get(&(key.clone(), i.key.clone())) {
                            scores.insert(i.key.clone(), round2(*score));
                            if let Some(c) = comment {
                                comments.insert(i.key.clone(), c.clone());
                            }
                        }
                    }
                }
            }
            let total = round2(rules::total(&settings.indicators, &scores));
            rows.push(ResultRow {
                subject: s.clone(),
                scores,
                figures: mine,
                comments,
                total,
                rank: 0,
                commended: false,
            });
        }
        let totals: Vec<f64> = rows.iter().map(|r| r.total).collect();
        for (r, rank) in rows.iter_mut().zip(rules::ranks(&totals)) {
            r.rank = rank;
            r.commended = rules::commended(rank, r.total, settings.commend_top);
        }
        rows.sort_by(|a, b| {
            a.rank
                .cmp(&b.rank)
                .then_with(|| a.subject.name.cmp(&b.subject.name))
        });
        let commendations = self.commendations(row, &who, &rows).await?;
        Ok(ResultsView {
            scheme_id: row.id,
            name: row.name.clone(),
            campaign_id: row.campaign_id,
            frozen: false,
            published: false,
            computed_at: self.clock.now(),
            indicators: settings.indicators.iter().map(column).collect(),
            rows,
            commendations,
        })
    }

    async fn commendations(
        &self,
        row: &scheme::Model,
        who: &Subjecting,
        rows: &[ResultRow],
    ) -> Result<Commendations, AppError> {
        let subjects = rows
            .iter()
            .filter(|r| r.commended)
            .map(|r| r.subject.clone())
            .collect();
        let names: HashMap<String, String> = who
            .subjects
            .iter()
            .map(|s| (s.key(), s.name.clone()))
            .collect();
        let mut activities = Vec::new();
        for (a, state) in store::evaluations::nominated_activities(
            &self.db,
            row.campaign_id,
            who.activities(),
            domain::nomination::State::Stopped.as_str(),
        )
        .await?
        {
            let Some(subject) = subject_of(&a, who.group).and_then(|k| names.get(&k).cloned())
            else {
                continue;
            };
            activities.push(CommendedActivity {
                activity_id: a.id,
                name: a.name,
                subject,
                nomination: state,
            });
        }
        let final_state = domain::nomination::State::Final.as_str();
        activities.sort_by(|a, b| {
            (b.nomination == final_state)
                .cmp(&(a.nomination == final_state))
                .then(a.activity_id.cmp(&b.activity_id))
        });
        Ok(Commendations {
            subjects,
            activities,
        })
    }

    /// `GET /api/v1/evaluation-schemes/{id}/results`: recomputed on demand for its
    /// evaluators until frozen; as frozen afterwards, and to the level below once published.
    pub async fn evaluation_results(
        &self,
        actor: &Actor,
        id: i64,
    ) -> Result<ResultsView, AppError> {
        let row = self.scheme_row(actor, id).await?;
        self.results_of(&row).await
    }

    async fn results_of(&self, row: &scheme::Model) -> Result<ResultsView, AppError> {
        let mut view = match &row.frozen_results {
            Some(kept) if row.frozen => serde_json::from_str(kept).map_err(AppError::internal)?,
            _ => self.compute_evaluation(row).await?,
        };
        view.frozen = row.frozen;
        view.published = row.published;
        Ok(view)
    }

    /// `PUT /api/v1/evaluation-schemes/{id}/judged`: an evaluator enters (or corrects) one
    /// subject's score on a judged indicator, until the results are frozen.
    pub async fn judge_evaluation(
        &self,
        actor: &Actor,
        id: i64,
        input: JudgedInput,
    ) -> Result<ResultsView, AppError> {
        let row = self.managed_scheme(actor, id).await?;
        let settings = settings_of(&row)?;
        let mut errors = domain::FieldErrors::new();
        let key = input.key.as_deref().map(str::trim).unwrap_or_default();
        match settings.indicators.iter().find(|i| i.key == key) {
            None if key.is_empty() => errors.add("key", "请选择评分的指标"),
            None => errors.add("key", format!("考评方案中没有指标“{key}”")),
            Some(i) if i.kind != IndicatorKind::Judged => {
                errors.add("key", format!("“{}”是平台统计的指标，不能打分", i.name))
            }
            Some(_) => {}
        }
        match input.score {
            None => errors.add("score", "请填写分数"),
            Some(s) if !(s.is_finite() && (0.0..=100.0).contains(&s)) => {
                errors.add("score", "分数须在0至100之间")
            }
            Some(_) => {}
        }
        let comment = input
            .comment
            .as_deref()
            .map(|c| domain::text::nfc(c).trim().to_owned())
            .filter(|c| !c.is_empty());
        if comment.as_ref().is_some_and(|c| c.chars().count() > 500) {
            errors.add("comment", "评语不超过500字");
        }
        let who = self.subjecting(&row, &settings).await?;
        let subject = match (&input.subject_code, input.subject_org_id, settings.subjects) {
            (Some(code), None, Subjects::Areas) => who
                .subjects
                .iter()
                .find(|s| s.code.as_deref() == Some(code.trim())),
            (None, Some(org), Subjects::Units) => {
                who.subjects.iter().find(|s| s.org_id == Some(org))
            }
            _ => None,
        };
        let field = if settings.subjects == Subjects::Areas {
            "subject_code"
        } else {
            "subject_org_id"
        };
        if subject.is_none() {
            errors.add(
                field,
                if settings.subjects == Subjects::Areas {
                    "请选择本方案考评的下级地区（subject_code）"
                } else {
                    "请选择本方案考评的单位（subject_org_id）"
                },
            );
        }
        errors.into_result().map_err(AppError::invalid)?;
        let (Some(subject), Some(score)) = (subject, input.score) else {
            return Err(AppError::internal("checked above"));
        };
        if row.frozen {
            return Err(AppError::conflict("考评结果已冻结，评分不能再修改"));
        }
        let now = self.clock.now();
        let txn = self.db.begin().await?;
        // Frozen in between: the freeze's row lock (or SQLite's writer lock) orders them.
        let still_open = store::evaluations::find_within(
            &txn,
            id,
            Condition::all().add(scheme::Column::Frozen.eq(false)),
        )
        .await?
        .is_some();
        if !still_open {
            return Err(AppError::conflict("考评结果已冻结，评分不能再修改"));
        }
        let subject_key = subject.key();
        store::evaluations::judge(
            &txn,
            store::evaluations::Judged {
                scheme_id: id,
                subject: &subject_key,
                key,
                score,
                comment,
                by: actor.user_id,
                at: now,
            },
        )
        .await?;
        crate::audit::record(
            &txn,
            now,
            Some(actor),
            crate::audit::Event::ok(
                "evaluation.judge",
                "evaluation_scheme",
                id,
                &row.area(),
                serde_json::json!({"subject": subject_key, "key": key, "score": score}),
            ),
        )
        .await?;
        txn.commit().await?;
        self.results_of(&row).await
    }

    /// `POST /api/v1/evaluation-schemes/{id}/freeze`: keeps the results as they stand; the
    /// judged scores no longer change.
    pub async fn freeze_evaluation(&self, actor: &Actor, id: i64) -> Result<ResultsView, AppError> {
        let row = self.managed_scheme(actor, id).await?;
        if row.frozen {
            return Err(AppError::conflict("考评结果已经冻结"));
        }
        self.freeze_now(actor, &row).await?;
        let row = self.managed_scheme(actor, id).await?;
        self.results_of(&row).await
    }

    async fn freeze_now(&self, actor: &Actor, row: &scheme::Model) -> Result<bool, AppError> {
        let view = self.compute_evaluation(row).await?;
        let now = self.clock.now();
        let txn = self.db.begin().await?;
        let done = store::evaluations::freeze(
            &txn,
            row.id,
            serde_json::to_string(&view).map_err(AppError::internal)?,
            now,
        )
        .await?;
        if done {
            crate::audit::record(
                &txn,
                now,
                Some(actor),
                crate::audit::Event::ok(
                    "evaluation.freeze",
                    "evaluation_scheme",
                    row.id,
                    &row.area(),
                    serde_json::json!({"rows": view.rows.len()}),
                ),
            )
            .await?;
        }
        txn.commit().await?;
        Ok(done)
    }

    /// `POST /api/v1/evaluation-schemes/{id}/publish`: freezes the results (if not yet) and
    /// publishes them to the administrators of the level below.
    pub async fn publish_evaluation(
        &self,
        actor: &Actor,
        id: i64,
    ) -> Result<ResultsView, AppError> {
        let row = self.managed_scheme(actor, id).await?;
        if row.published {
            return Err(AppError::conflict("考评结果已经公布"));
        }
        if !row.frozen {
            self.freeze_now(actor, &row).await?;
        }
        let now = self.clock.now();
        let txn = self.db.begin().await?;
        if store::evaluations::publish(&txn, id, now).await? {
            crate::audit::record(
                &txn,
                now,
                Some(actor),
                crate::audit::Event::ok(
                    "evaluation.publish",
                    "evaluation_scheme",
                    id,
                    &row.area(),
                    serde_json::json!({}),
                ),
            )
            .await?;
        }
        txn.commit().await?;
        let row = self.managed_scheme(actor, id).await?;
        self.results_of(&row).await
    }

    /// `GET /api/v1/evaluation-schemes/{id}/results.xlsx`: the whole table, as the page
    /// shows it, with each figure beside its score.
    pub async fn evaluation_xlsx(&self, actor: &Actor, id: i64) -> Result<Vec<u8>, AppError> {
        let row = self.scheme_row(actor, id).await?;
        let view = self.results_of(&row).await?;
        let mut head: Vec<String> = vec!["名次".into(), "考评对象".into()];
        for i in &view.indicators {
            if i.kind == IndicatorKind::Measured {
                head.push(format!("{}（统计数）", i.name));
            }
            head.push(format!("{}（得分，权重{}%）", i.name, i.weight));
        }
        head.push("总分".into());
        head.push("表扬".into());
        let mut rows: Vec<Vec<String>> = Vec::with_capacity(view.rows.len() + 2);
        for r in &view.rows {
            let mut line = vec![r.rank.to_string(), r.subject.name.clone()];
            for i in &view.indicators {
                if i.kind == IndicatorKind::Measured {
                    line.push(
                        r.figures
                            .get(&i.key)
                            .map(|v| number(*v))
                            .unwrap_or_else(|| "—".into()),
                    );
                }
                line.push(
                    r.scores
                        .get(&i.key)
                        .map(|v| number(*v))
                        .unwrap_or_else(|| "待评".into()),
                );
            }
            line.push(number(r.total));
            line.push(if r.commended {
                "是".into()
            } else {
                String::new()
            });
            rows.push(line);
        }
        rows.push(vec![format!(
            "{}；{}；计算时间 {}",
            if view.frozen {
                "结果已冻结"
            } else {
                "结果未冻结（随数据更新）"
            },
            view.indicators
                .iter()
                .filter_map(|i| i.definition.as_ref().map(|d| format!("{}：{d}", i.name)))
                .collect::<Vec<_>>()
                .join("；"),
            view.computed_at
                .with_timezone(&domain::campaign::BEIJING)
                .format("%Y-%m-%d %H:%M")
        )]);
        self.record_alone(
            Some(actor),
            crate::audit::Event::ok(
                "export.evaluation",
                "evaluation_scheme",
                id,
                &row.area(),
                serde_json::json!({"rows": view.rows.len()}),
            ),
        )
        .await?;
        let head: Vec<&str> = head.iter().map(String::as_str).collect();
        crate::exports::simple_sheet("考评结果", &head, &rows)
    }

    /// `GET /api/v1/evaluation-schemes/{id}/counted?subject=&key=`: the activities a
    /// measured figure counted, found by the very facts the rollups count, for its
    /// evaluators.
    pub async fn evaluation_counted(
        &self,
        actor: &Actor,
        id: i64,
        query: CountedQuery,
    ) -> Result<CountedView, AppError> {
        let row = self.managed_scheme(actor, id).await?;
        let settings = settings_of(&row)?;
        let who = self.subjecting(&row, &settings).await?;
        let key = query.key.as_deref().unwrap_or_default();
        let indicator = settings
            .indicators
            .iter()
            .find(|i| i.key == key && i.kind == IndicatorKind::Measured)
            .ok_or_else(|| AppError::invalid_field("key", "请选择本方案的平台统计指标"))?;
        let wanted = query.subject.as_deref().unwrap_or_default();
        let subject = who
            .subjects
            .iter()
            .find(|s| s.key() == wanted)
            .ok_or_else(|| AppError::invalid_field("subject", "请选择本方案的考评对象"))?
            .clone();
        let measure = indicator
            .measure
            .ok_or_else(|| AppError::internal("measured"))?;
        // The subject alone, counted as the whole table counts it.
        let one = Subjecting {
            path: match subject.org_id {
                Some(_) => who.path.clone(),
                None => locate(&self.db, wanted)
                    .await?
                    .map(|l| l.path)
                    .unwrap_or_default(),
            },
            subjects: vec![subject.clone()],
            group: who.group,
            summary_kinds: who.summary_kinds,
        };
        let within = one.activities();
        let mut activities = Vec::new();
        match measure {
            Measure::TopicCount => {
                for a in self.topic_activities(&row, indicator, &one).await? {
                    activities.push(CountedActivity {
                        id: a.id,
                        name: a.name,
                        adds: 1,
                    });
                }
            }
            Measure::Nominated | Measure::Awarded => {
                for (a, state) in store::evaluations::nominated_activities(
                    &self.db,
                    row.campaign_id,
                    within,
                    domain::nomination::State::Stopped.as_str(),
                )
                .await?
                {
                    if measure == Measure::Nominated
                        || state == domain::nomination::State::Final.as_str()
                    {
                        activities.push(CountedActivity {
                            id: a.id,
                            name: a.name,
                            adds: 1,
                        });
                    }
                }
            }
            m => {
                let Some((d, k)) = m.cell() else {
                    return Err(AppError::invalid_field(
                        "key",
                        "该指标统计的不是活动（千万IP创科普作品或工作总结），请在相应页面查看",
                    ));
                };
                let scope = subject.key();
                for a in store::evaluations::approved_in(&self.db, row.campaign_id, within).await? {
                    let facts = crate::stats::facts(&self.db, &a).await?;
                    let adds = facts
                        .cells()
                        .get(&(scope.clone(), d, k.to_owned()))
                        .copied()
                        .unwrap_or(0);
                    if adds != 0 {
                        activities.push(CountedActivity {
                            id: a.id,
                            name: a.name,
                            adds,
                        });
                    }
                }
            }
        }
        activities.sort_by_key(|a| a.id);
        Ok(CountedView {
            sum: activities.iter().map(|a| a.adds).sum(),
            subject,
            indicator: column(indicator),
            activities,
        })
    }
}

/// The subject an activity counts for: its division one level below the evaluating one,
/// or its first host.
fn subject_of(a: &activity::Model, group: GroupBy) -> Option<String> {
    match group {
        GroupBy::Province => a.province_code.clone(),
        GroupBy::City => a.city_code.clone(),
        GroupBy::County => a.county_code.clone(),
        GroupBy::Org => a.first_host_id.map(org_scope),
    }
}

fn number(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.2}")
    }
}
