//! 考评 pages: the schemes an administrator evaluates with (or reads, once the level above
//! published them); the builder, prefilled from the shipped templates; the results table
//! with every figure linked to the activities it counted, the judged scores entered on the
//! same page, freezing, publishing and the export. Every form feeds the same command as the
//! API and shows its message beside the field; scope is the commands'.

use app::evaluations::{
    CountedQuery, CountedView, JudgedInput, ResultsView, SchemeQuery, SchemeView,
};
use app::{Actor, App, AppError};
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::FieldErrors;
use domain::evaluation::{
    IndicatorInput, IndicatorKind, KeywordIn, Measure, SchemeInput, Subjects,
};
use serde::Deserialize;

use super::{Layout, PageError, PageParams, PageSession, SignedIn, expired, field_errors};

fn id_of(id: Result<Path<i64>, PathRejection>) -> Result<i64, PageError> {
    id.map(|Path(v)| v)
        .map_err(|_| AppError::NotFound("未找到该页面".to_owned()).into())
}

/// One indicator row of the builder, as typed.
#[derive(Debug, Clone, Default)]
pub struct RowForm {
    key: String,
    name: String,
    weight: String,
    kind: String,
    measure: String,
    keyword: String,
    keyword_in: String,
    target: String,
}

impl RowForm {
    fn blank(&self) -> bool {
        [
            &self.key,
            &self.name,
            &self.weight,
            &self.measure,
            &self.keyword,
            &self.target,
        ]
        .iter()
        .all(|v| v.trim().is_empty())
    }

    fn of(i: &IndicatorInput) -> RowForm {
        RowForm {
            key: i.key.clone().unwrap_or_default(),
            name: i.name.clone().unwrap_or_default(),
            weight: i.weight.map(|w| w.to_string()).unwrap_or_default(),
            kind: i.kind.clone().unwrap_or_default(),
            measure: i.measure.clone().unwrap_or_default(),
            keyword: i.keyword.clone().unwrap_or_default(),
            keyword_in: i.keyword_in.clone().unwrap_or_default(),
            target: i.target.map(|t| t.to_string()).unwrap_or_default(),
        }
    }
}

/// The builder's form, as typed.
#[derive(Debug, Clone, Default)]
pub struct BuilderForm {
    name: String,
    region_code: String,
    subjects: String,
    commend_top: String,
    rows: Vec<RowForm>,
}

/// Blank rows offered below the typed ones.
const SPARE_ROWS: usize = 3;

impl BuilderForm {
    fn from_pairs(pairs: &[(String, String)]) -> (BuilderForm, String) {
        let mut f = BuilderForm::default();
        let mut csrf = String::new();
        for (k, v) in pairs {
            match k.as_str() {
                "_csrf" => csrf = v.clone(),
                "name" => f.name = v.clone(),
                "region_code" => f.region_code = v.clone(),
                "subjects" => f.subjects = v.clone(),
                "commend_top" => f.commend_top = v.clone(),
                other => {
                    let Some((i, field)) = other
                        .strip_prefix("indicators[")
                        .and_then(|r| r.split_once("]."))
                    else {
                        continue;
                    };
                    let Ok(i) = i.parse::<usize>() else { continue };
                    if i >= 40 {
                        continue;
                    }
                    if f.rows.len() <= i {
                        f.rows.resize(i + 1, RowForm::default());
                    }
                    let row = &mut f.rows[i];
                    let slot = match field {
                        "key" => &mut row.key,
                        "name" => &mut row.name,
                        "weight" => &mut row.weight,
                        "kind" => &mut row.kind,
                        "measure" => &mut row.measure,
                        "keyword" => &mut row.keyword,
                        "keyword_in" => &mut row.keyword_in,
                        "target" => &mut row.target,
                        _ => continue,
                    };
                    *slot = v.clone();
                }
            }
        }
        f.rows.retain(|r| !r.blank());
        (f, csrf)
    }

    /// The command's input, and the problems of numbers that do not parse (beside their
    /// field, as the command's own would be).
    fn input(&self) -> (SchemeInput, FieldErrors) {
        let mut errors = FieldErrors::new();
        let opt = |v: &str| (!v.trim().is_empty()).then(|| v.trim().to_owned());
        let mut indicators = Vec::new();
        for (i, r) in self.rows.iter().enumerate() {
            let weight = match r.weight.trim() {
                "" => None,
                w => w.parse::<i64>().map(Some).unwrap_or_else(|_| {
                    errors.add(
                        &format!("indicators[{i}].weight"),
                        "权重须为0至100之间的整数",
                    );
                    None
                }),
            };
            let target = match r.target.trim() {
                "" => None,
                t => t.parse::<f64>().map(Some).unwrap_or_else(|_| {
                    errors.add(&format!("indicators[{i}].target"), "目标值须为大于0的数");
                    None
                }),
            };
            indicators.push(IndicatorInput {
                key: opt(&r.key),
                name: opt(&r.name),
                weight,
                kind: opt(&r.kind),
                measure: opt(&r.measure),
                keyword: opt(&r.keyword),
                keyword_in: opt(&r.keyword_in),
                target,
            });
        }
        let commend_top = match self.commend_top.trim() {
            "" => None,
            n => n.parse::<i64>().map(Some).unwrap_or_else(|_| {
                errors.add("commend_top", "表扬名额须在0至100之间");
                None
            }),
        };
        (
            SchemeInput {
                name: opt(&self.name),
                campaign_id: None,
                region_code: opt(&self.region_code),
                subjects: opt(&self.subjects),
                indicators: Some(indicators),
                commend_top,
            },
            errors,
        )
    }

    fn of(input: &SchemeInput) -> BuilderForm {
        BuilderForm {
            name: input.name.clone().unwrap_or_default(),
            region_code: input.region_code.clone().unwrap_or_default(),
            subjects: input.subjects.clone().unwrap_or_default(),
            commend_top: input.commend_top.map(|n| n.to_string()).unwrap_or_default(),
            rows: input
                .indicators
                .as_deref()
                .unwrap_or_default()
                .iter()
                .map(RowForm::of)
                .collect(),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "evaluations.html")]
struct ListPage {
    layout: Layout,
    items: Vec<SchemeView>,
    /// Whether the visitor may build a scheme (an administrator).
    may_build: bool,
    form: BuilderForm,
    errors: FieldErrors,
    /// The divisions the visitor administers: (code, name).
    regions: Vec<(String, String)>,
}

impl ListPage {
    /// The rows to show: those typed, then blank ones.
    fn rows(&self) -> Vec<(usize, RowForm)> {
        self.form
            .rows
            .iter()
            .cloned()
            .chain(std::iter::repeat_n(RowForm::default(), SPARE_ROWS))
            .enumerate()
            .collect()
    }

    fn error(&self, i: &usize, field: &str) -> Option<&str> {
        self.errors.get(&format!("indicators[{i}].{field}"))
    }

    fn measures(&self) -> &'static [Measure] {
        Measure::ALL
    }

    fn subjects_options(&self) -> &'static [Subjects] {
        Subjects::ALL
    }

    fn kinds(&self) -> &'static [IndicatorKind] {
        IndicatorKind::ALL
    }

    fn keyword_places(&self) -> &'static [KeywordIn] {
        KeywordIn::ALL
    }
}

/// The list page's query: a template to prefill the builder with.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    template: Option<String>,
}

async fn list_page(
    app: &App,
    session: &PageSession,
    actor: &Actor,
    form: BuilderForm,
    errors: FieldErrors,
) -> Result<ListPage, AppError> {
    let items = app
        .schemes(
            actor,
            SchemeQuery {
                page: None,
                per_page: Some(100),
            },
        )
        .await?
        .items;
    let mut regions = Vec::new();
    for g in &actor.grants {
        if g.role.governs().is_some() && !regions.iter().any(|(c, _)| c == &g.region_code) {
            regions.push((
                g.region_code.clone(),
                app.region_name(&g.region_code).await?,
            ));
        }
    }
    let mut form = form;
    if form.region_code.is_empty() {
        form.region_code = App::home_region(actor);
    }
    Ok(ListPage {
        layout: session.layout(app).await?,
        items,
        may_build: actor.is_admin(),
        form,
        errors,
        regions,
    })
}

/// `GET /evaluations`: the schemes, and the builder (prefilled from `?template=`).
pub async fn list(
    State(app): State<App>,
    SignedIn { session, actor }: SignedIn,
    PageParams(q): PageParams<ListQuery>,
) -> Result<Response, PageError> {
    let form = match q.template.as_deref().and_then(domain::evaluation::template) {
        Some(t) => BuilderForm::of(&t.map_err(AppError::internal)?),
        None => BuilderForm::default(),
    };
    Ok(list_page(&app, &session, &actor, form, FieldErrors::new())
        .await?
        .into_response())
}

/// `POST /evaluations`: the same command as `POST /api/v1/evaluation-schemes`; to the
/// results when made, else the builder again with every problem beside its field and
/// everything typed still there.
pub async fn create(
    State(app): State<App>,
    SignedIn { session, actor }: SignedIn,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let (form, csrf) = BuilderForm::from_pairs(&pairs);
    if !session.accepts(&csrf) {
        return Err(expired().into());
    }
    let (input, mut errors) = form.input();
    let outcome = if errors.is_empty() {
        app.create_scheme(&actor, input).await
    } else {
        Err(AppError::invalid(errors.clone()))
    };
    match outcome {
        Ok(s) => Ok(Redirect::to(&format!("/evaluations/{}", s.id)).into_response()),
        Err(e @ (AppError::Unauthenticated(_) | AppError::Forbidden(_))) => Err(e.into()),
        Err(e) => {
            errors = field_errors(&e);
            let status = crate::error::classify(&e).0;
            let page = list_page(&app, &session, &actor, form, errors).await?;
            Ok((status, page).into_response())
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "evaluation.html")]
struct ResultsPage {
    layout: Layout,
    scheme: SchemeView,
    results: ResultsView,
    /// The answer to the last action: (message, whether it went through).
    notice: Option<(String, bool)>,
    /// The judged scores as typed for one subject, with their problems, when refused.
    typed: Option<Typed>,
}

/// What was typed in one subject's scoring form.
#[derive(Debug, Clone, Default)]
struct Typed {
    subject: String,
    scores: Vec<(String, String)>,
    comments: Vec<(String, String)>,
    errors: FieldErrors,
}

impl ResultsPage {
    fn judged(&self) -> Vec<&app::evaluations::IndicatorColumn> {
        self.results
            .indicators
            .iter()
            .filter(|i| i.kind == IndicatorKind::Judged)
            .collect()
    }

    fn may_judge(&self) -> bool {
        self.scheme.manageable && !self.results.frozen
    }

    /// A measured figure links to its activities when it counts activities.
    fn countable(&self, i: &app::evaluations::IndicatorColumn) -> bool {
        i.measure.is_some_and(|m| {
            m.cell().is_some()
                || matches!(
                    m,
                    Measure::TopicCount | Measure::Nominated | Measure::Awarded
                )
        })
    }

    fn number(v: &f64) -> String {
        if v.fract() == 0.0 {
            format!("{v:.0}")
        } else {
            format!("{v:.2}")
        }
    }

    fn figure(&self, row: &app::evaluations::ResultRow, key: &str) -> Option<String> {
        row.figures.get(key).map(Self::number)
    }

    fn score(&self, row: &app::evaluations::ResultRow, key: &str) -> Option<String> {
        row.scores.get(key).map(Self::number)
    }

    /// What was typed in one of a subject's fields (`scores` or `comments`), when its form
    /// was refused.
    fn typed<'a>(
        &'a self,
        row: &app::evaluations::ResultRow,
        pick: fn(&'a Typed) -> &'a [(String, String)],
        key: &str,
    ) -> Option<String> {
        let t = self
            .typed
            .as_ref()
            .filter(|t| t.subject == row.subject.key())?;
        Some(
            pick(t)
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.clone())
                .unwrap_or_default(),
        )
    }

    /// The value to show in a scoring field: as typed when refused, else as stored.
    fn typed_score(&self, row: &app::evaluations::ResultRow, key: &str) -> String {
        self.typed(row, |t| &t.scores, key)
            .or_else(|| self.score(row, key))
            .unwrap_or_default()
    }

    fn typed_comment(&self, row: &app::evaluations::ResultRow, key: &str) -> String {
        self.typed(row, |t| &t.comments, key)
            .or_else(|| row.comments.get(key).cloned())
            .unwrap_or_default()
    }

    fn typed_error(&self, row: &app::evaluations::ResultRow, field: &str) -> Option<&str> {
        self.typed
            .as_ref()
            .filter(|t| t.subject == row.subject.key())
            .and_then(|t| t.errors.get(field))
    }

    fn subject_key(row: &app::evaluations::ResultRow) -> String {
        row.subject.key()
    }

    /// An id-safe form of the subject key.
    fn dom(row: &app::evaluations::ResultRow) -> String {
        row.subject.key().replace(':', "-")
    }

    fn computed(&self) -> String {
        super::review::beijing_time(self.results.computed_at)
    }
}

async fn results_page(
    app: &App,
    session: &PageSession,
    actor: &Actor,
    id: i64,
) -> Result<ResultsPage, AppError> {
    let scheme = app.scheme(actor, id).await?;
    let results = app.evaluation_results(actor, id).await?;
    Ok(ResultsPage {
        layout: session.layout(app).await?,
        scheme,
        results,
        notice: None,
        typed: None,
    })
}

/// `GET /evaluations/{id}`.
pub async fn results(
    State(app): State<App>,
    SignedIn { session, actor }: SignedIn,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Response, PageError> {
    let id = id_of(id)?;
    Ok(results_page(&app, &session, &actor, id)
        .await?
        .into_response())
}

/// `POST /evaluations/{id}/judged`: one subject's judged scores (each a call of the same
/// command as `PUT /api/v1/evaluation-schemes/{id}/judged`); blank fields are left as they
/// are. Refused, the page again with what was typed and each problem beside its field.
pub async fn judge(
    State(app): State<App>,
    SignedIn { session, actor }: SignedIn,
    id: Result<Path<i64>, PathRejection>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let id = id_of(id)?;
    let value = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    if !session.accepts(&value("_csrf")) {
        return Err(expired().into());
    }
    let subject = value("subject");
    let scores: Vec<(String, String)> = pairs
        .iter()
        .filter_map(|(k, v)| k.strip_prefix("score.").map(|k| (k.to_owned(), v.clone())))
        .collect();
    let comments: Vec<(String, String)> = pairs
        .iter()
        .filter_map(|(k, v)| {
            k.strip_prefix("comment.")
                .map(|k| (k.to_owned(), v.clone()))
        })
        .collect();
    let (code, org) = match subject.strip_prefix("org:") {
        Some(org) => (None, org.parse::<i64>().ok()),
        None => (Some(subject.clone()), None),
    };
    let mut errors = FieldErrors::new();
    let mut status = StatusCode::OK;
    let mut saved = 0;
    for (key, raw) in &scores {
        if raw.trim().is_empty() {
            continue;
        }
        let score = match raw.trim().parse::<f64>() {
            Ok(s) => s,
            Err(_) => {
                errors.add(&format!("score.{key}"), "分数须在0至100之间");
                status = StatusCode::UNPROCESSABLE_ENTITY;
                continue;
            }
        };
        let comment = comments
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, c)| c.clone())
            .filter(|c| !c.trim().is_empty());
        let outcome = app
            .judge_evaluation(
                &actor,
                id,
                JudgedInput {
                    subject_code: code.clone(),
                    subject_org_id: org,
                    key: Some(key.clone()),
                    score: Some(score),
                    comment,
                },
            )
            .await;
        match outcome {
            Ok(_) => saved += 1,
            Err(e @ (AppError::Unauthenticated(_) | AppError::Forbidden(_))) => {
                return Err(e.into());
            }
            Err(e) => {
                status = crate::error::classify(&e).0;
                for (field, message) in field_errors(&e).iter() {
                    let field = match field {
                        "score" => format!("score.{key}"),
                        "comment" => format!("comment.{key}"),
                        "" | "key" | "subject_code" | "subject_org_id" => "subject".to_owned(),
                        other => other.to_owned(),
                    };
                    errors.add(&field, message);
                }
            }
        }
    }
    let mut page = results_page(&app, &session, &actor, id).await?;
    if errors.is_empty() {
        page.notice = Some((format!("已保存{saved}项评分"), true));
    } else {
        page.notice = Some(("评分未全部保存，请按提示修改".to_owned(), false));
        page.typed = Some(Typed {
            subject,
            scores,
            comments,
            errors,
        });
    }
    Ok((status, page).into_response())
}

/// The freeze and publish forms.
#[derive(Debug, Deserialize)]
pub struct ActionForm {
    #[serde(default, rename = "_csrf")]
    csrf: String,
}

/// `POST /evaluations/{id}/freeze` and `…/publish`: the same commands as the API's.
async fn act(
    app: &App,
    session: &PageSession,
    actor: &Actor,
    id: i64,
    publish: bool,
) -> Result<Response, PageError> {
    let outcome = if publish {
        app.publish_evaluation(actor, id).await
    } else {
        app.freeze_evaluation(actor, id).await
    };
    let (status, notice) = match outcome {
        Ok(_) => (
            StatusCode::OK,
            (
                if publish {
                    "考评结果已冻结并向下级公布"
                } else {
                    "考评结果已冻结"
                }
                .to_owned(),
                true,
            ),
        ),
        Err(e @ (AppError::Unauthenticated(_) | AppError::Forbidden(_))) => {
            return Err(e.into());
        }
        Err(e) => (crate::error::classify(&e).0, (super::sentence(&e), false)),
    };
    let mut page = results_page(app, session, actor, id).await?;
    page.notice = Some(notice);
    Ok((status, page).into_response())
}

/// `POST /evaluations/{id}/freeze`.
pub async fn freeze(
    State(app): State<App>,
    SignedIn { session, actor }: SignedIn,
    id: Result<Path<i64>, PathRejection>,
    Form(form): Form<ActionForm>,
) -> Result<Response, PageError> {
    let id = id_of(id)?;
    if !session.accepts(&form.csrf) {
        return Err(expired().into());
    }
    act(&app, &session, &actor, id, false).await
}

/// `POST /evaluations/{id}/publish`.
pub async fn publish(
    State(app): State<App>,
    SignedIn { session, actor }: SignedIn,
    id: Result<Path<i64>, PathRejection>,
    Form(form): Form<ActionForm>,
) -> Result<Response, PageError> {
    let id = id_of(id)?;
    if !session.accepts(&form.csrf) {
        return Err(expired().into());
    }
    act(&app, &session, &actor, id, true).await
}

#[derive(Template, WebTemplate)]
#[template(path = "evaluation_counted.html")]
struct CountedPage {
    layout: Layout,
    scheme: SchemeView,
    counted: CountedView,
}

/// `GET /evaluations/{id}/counted?subject=&key=`: the activities one figure counted.
pub async fn counted(
    State(app): State<App>,
    SignedIn { session, actor }: SignedIn,
    id: Result<Path<i64>, PathRejection>,
    PageParams(q): PageParams<CountedQuery>,
) -> Result<Response, PageError> {
    let id = id_of(id)?;
    let scheme = app.scheme(&actor, id).await?;
    let counted = app.evaluation_counted(&actor, id, q).await?;
    Ok(CountedPage {
        layout: session.layout(&app).await?,
        scheme,
        counted,
    }
    .into_response())
}
