//! The video contest's administration pages (DESIGN.md §8): the contest list, 形式审查
//! (accept, return with a reason, disqualify), the panel and who judges what (the automatic
//! assignment with its shortfalls, by hand with the conflict named beside the field), and
//! the draft results with each judge's totals drawn before and after normalisation, and
//! publication. Every form feeds the same command as the API and shows its message; scope
//! is the commands' (an administrator of another area gets 403).

use std::collections::HashMap;

use app::contests::{ContestMove, ContestQuery, ContestView};
use app::entries::{EntryQuery, EntryView, ReasonInput, ScreeningInput};
use app::judging::{AssignAnswer, AssignInput, AssignmentView, JudgeView, ShortfallView};
use app::results::{ResultsView, SpreadView, StageInput};
use app::{Actor, App, AppError};
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use domain::contest::ContestStatus;
use serde::Deserialize;

use super::charts::{Strip, strips};
use super::{Layout, PageError, PageParams, PageSession, SignedIn, expired, field_errors};

fn id_of(id: Result<Path<i64>, PathRejection>) -> Result<i64, PageError> {
    id.map(|Path(v)| v)
        .map_err(|_| AppError::NotFound("未找到该页面".to_owned()).into())
}

/// What every administration page shows on top: the contest, its tabs, and the status
/// moves open to it.
struct AdminHead {
    c: ContestView,
    tab: &'static str,
    moves: Vec<ContestStatus>,
    /// The answer to the last action: (message, whether it went through).
    notice: Option<(String, bool)>,
}

impl AdminHead {
    fn move_label(&self, to: &ContestStatus) -> &'static str {
        match (self.c.status, to) {
            (_, ContestStatus::Open) => "开始征集",
            (ContestStatus::Closed, ContestStatus::Judging) => "重新开放评分",
            (_, ContestStatus::Judging) => "截止征集，开始评审",
            (_, ContestStatus::Closed) => "结束评审",
            _ => to.label(),
        }
    }
}

async fn head(
    app: &App,
    actor: &Actor,
    cid: i64,
    tab: &'static str,
) -> Result<AdminHead, AppError> {
    let c = app.contest(Some(actor), cid).await?;
    if !c.manageable {
        return Err(AppError::Forbidden("只能管理本辖区举办的比赛".to_owned()));
    }
    let moves = ContestStatus::ALL
        .iter()
        .copied()
        .filter(|to| domain::contest::may_move(c.status, *to).is_ok())
        .collect();
    Ok(AdminHead {
        c,
        tab,
        moves,
        notice: None,
    })
}

fn answered<T>(outcome: &Result<T, AppError>, ok: &str) -> (StatusCode, (String, bool)) {
    match outcome {
        Ok(_) => (StatusCode::OK, (ok.to_owned(), true)),
        Err(e) => (crate::error::classify(e).0, (super::sentence(e), false)),
    }
}

/// The command's answer, but a refusal of the person (not signed in, not theirs to manage)
/// answered by the page as a whole rather than beside the form.
fn beside_form<T>(outcome: Result<T, AppError>) -> Result<Result<T, AppError>, PageError> {
    match outcome {
        Err(e @ (AppError::Unauthenticated(_) | AppError::Forbidden(_))) => Err(e.into()),
        other => Ok(other),
    }
}

// ---------------------------------------------------------------------------------------
// The list.

#[derive(Template, WebTemplate)]
#[template(path = "contests.html")]
struct ContestsPage {
    layout: Layout,
    items: Vec<ContestView>,
}

/// `GET /contests`: the contests the visitor may see (drafts only to their administrators),
/// with the administration links where the visitor administers them.
pub async fn contests(State(app): State<App>, headers: HeaderMap) -> Result<Response, PageError> {
    let session = PageSession::ensure(&app, &headers).await?;
    let actor = session.actor(&app).await?;
    let items = app
        .contests(
            actor.as_ref(),
            ContestQuery {
                per_page: Some(100),
                ..ContestQuery::default()
            },
        )
        .await?
        .items;
    let page = ContestsPage {
        layout: session.layout(&app).await?,
        items,
    };
    Ok(session.attach(&app, page.into_response()))
}

/// `POST /contests/{id}/status`: the same command as the API's status move; back to the
/// page it came from with the answer.
pub async fn move_status(
    State(app): State<App>,
    SignedIn { session, actor }: SignedIn,
    id: Result<Path<i64>, PathRejection>,
    Form(form): Form<StatusForm>,
) -> Result<Response, PageError> {
    let cid = id_of(id)?;
    if !session.accepts(&form.csrf) {
        return Err(expired().into());
    }
    let outcome = app
        .move_contest(
            &actor,
            cid,
            ContestMove {
                status: form.status.clone(),
            },
        )
        .await;
    let outcome = beside_form(outcome)?;
    let (status, notice) = answered(&outcome, "比赛状态已更新");
    let mut page = screening_page(&app, &session, &actor, cid, ScreeningQuery::default()).await?;
    page.head.notice = Some(notice);
    Ok((status, page).into_response())
}

/// The status form.
#[derive(Debug, Deserialize)]
pub struct StatusForm {
    #[serde(default)]
    status: String,
    #[serde(default, rename = "_csrf")]
    csrf: String,
}

// ---------------------------------------------------------------------------------------
// 形式审查.

/// The screening page's filter.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScreeningQuery {
    /// `submitted` (the default), `accepted`, `returned`, `disqualified`, `withdrawn` or
    /// `all`.
    #[serde(default)]
    status: Option<String>,
    /// Page (from 1).
    #[serde(default)]
    page: Option<i64>,
}

#[derive(Template, WebTemplate)]
#[template(path = "contest_screening.html")]
struct ScreeningPage {
    layout: Layout,
    head: AdminHead,
    status: String,
    items: Vec<EntryView>,
    total: u64,
    page: u64,
    pages: u64,
    /// The answer beside one entry: (entry, message, whether it went through).
    answer: Option<(i64, String, bool)>,
    /// The reason as typed, kept when refused.
    typed_reason: String,
}

impl ScreeningPage {
    fn answer_for(&self, entry: &i64) -> Option<&(i64, String, bool)> {
        self.answer.as_ref().filter(|(e, _, _)| e == entry)
    }

    fn reason_for(&self, entry: &i64) -> &str {
        match &self.answer {
            Some((e, _, false)) if e == entry => &self.typed_reason,
            _ => "",
        }
    }

    fn statuses(&self) -> Vec<(&'static str, &'static str)> {
        vec![
            ("submitted", "待审查"),
            ("accepted", "已通过"),
            ("returned", "已退回"),
            ("disqualified", "已取消资格"),
            ("withdrawn", "已撤回"),
            ("all", "全部"),
        ]
    }

    /// When it was submitted, in Beijing time.
    fn submitted(&self, e: &EntryView) -> String {
        e.submitted_at
            .map(super::review::beijing_time)
            .unwrap_or_default()
    }

    /// Where to play the video the form names.
    fn video_url<'a>(&self, e: &'a EntryView) -> Option<&'a str> {
        let id = e.form.video?;
        e.media.iter().find(|m| m.id == id).map(|m| m.url.as_str())
    }

    /// Where to read the signed form the form names.
    fn signed_form_url<'a>(&self, e: &'a EntryView) -> Option<&'a str> {
        let id = e.form.signed_form?;
        e.media.iter().find(|m| m.id == id).map(|m| m.url.as_str())
    }

    fn entrant(&self, e: &EntryView) -> String {
        match (&e.form.entry_mode.as_deref(), &e.form.person_name) {
            (Some("self"), Some(n)) => format!("个人自荐 · {n}"),
            (Some("unit"), _) => "单位推荐".to_owned(),
            _ => String::new(),
        }
    }
}

async fn screening_page(
    app: &App,
    session: &PageSession,
    actor: &Actor,
    cid: i64,
    q: ScreeningQuery,
) -> Result<ScreeningPage, AppError> {
    let head = head(app, actor, cid, "screening").await?;
    let status = q.status.unwrap_or_else(|| "submitted".to_owned());
    let listed = app
        .entries(
            actor,
            cid,
            EntryQuery {
                status: (status != "all").then(|| status.clone()),
                page: q.page,
                per_page: Some(20),
            },
        )
        .await?;
    let items: Vec<EntryView> = listed
        .items
        .into_iter()
        .filter(|e| status != "all" || e.status.as_str() != "draft")
        .collect();
    let per_page = listed.per_page.max(1);
    Ok(ScreeningPage {
        layout: session.layout(app).await?,
        head,
        status,
        items,
        total: listed.total,
        page: listed.page,
        pages: listed.total.div_ceil(per_page),
        answer: None,
        typed_reason: String::new(),
    })
}

/// `GET /contests/{id}/screening`.
pub async fn screening(
    State(app): State<App>,
    SignedIn { session, actor }: SignedIn,
    id: Result<Path<i64>, PathRejection>,
    PageParams(q): PageParams<ScreeningQuery>,
) -> Result<Response, PageError> {
    let cid = id_of(id)?;
    Ok(screening_page(&app, &session, &actor, cid, q)
        .await?
        .into_response())
}

/// A 形式审查 decision from the page.
#[derive(Debug, Deserialize)]
pub struct ScreeningForm {
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    entry_id: Option<String>,
    /// `accept`, `return` or `disqualify`.
    #[serde(default)]
    decision: String,
    #[serde(default)]
    reason: String,
    /// The list the decision was made from.
    #[serde(default)]
    status: Option<String>,
    #[serde(default, rename = "_csrf")]
    csrf: String,
}

/// `POST /contests/{id}/screening`: accept or return (`…/screening`) or disqualify
/// (`…/disqualify`), the same commands as the API's; the list again with the answer
/// beside the entry.
pub async fn screen(
    State(app): State<App>,
    SignedIn { session, actor }: SignedIn,
    id: Result<Path<i64>, PathRejection>,
    Form(form): Form<ScreeningForm>,
) -> Result<Response, PageError> {
    let cid = id_of(id)?;
    if !session.accepts(&form.csrf) {
        return Err(expired().into());
    }
    let reason = (!form.reason.trim().is_empty()).then(|| form.reason.clone());
    let entry_id = picked(&form.entry_id, "entry_id", "作品").unwrap_or(0);
    let outcome = if form.decision == "disqualify" {
        app.disqualify_entry(&actor, cid, entry_id, ReasonInput { reason })
            .await
    } else {
        app.screen_entry(
            &actor,
            cid,
            entry_id,
            ScreeningInput {
                decision: form.decision.clone(),
                reason,
            },
        )
        .await
    };
    let outcome = beside_form(outcome)?;
    let done = match form.decision.as_str() {
        "accept" => "已通过形式审查",
        "return" => "已退回，参赛者修改后可再次提交",
        _ => "已取消参赛资格，评审结果已重新计算",
    };
    let (status, (message, ok)) = answered(&outcome, done);
    let q = ScreeningQuery {
        status: form.status.clone(),
        page: None,
    };
    let mut page = screening_page(&app, &session, &actor, cid, q).await?;
    if ok || !page.items.iter().any(|e| e.id == entry_id) {
        // Done (the entry has left the list it was in), or refused for an entry not in the
        // list (moved meanwhile, or never there): the answer on top.
        page.head.notice = Some((message, ok));
    } else {
        page.answer = Some((entry_id, message, ok));
        page.typed_reason = form.reason;
    }
    Ok((status, page).into_response())
}

// ---------------------------------------------------------------------------------------
// The panel and who judges what.

#[derive(Template, WebTemplate)]
#[template(path = "contest_assignment.html")]
struct AssignmentPage {
    layout: Layout,
    head: AdminHead,
    judges: Vec<JudgeView>,
    rows: Vec<AssignRow>,
    shortfalls: Vec<ShortfallView>,
    errors: domain::FieldErrors,
    typed_phone: String,
    picked_judge: Option<i64>,
    picked_entry: Option<i64>,
    per_entry: i64,
}

/// One accepted entry and its judges.
struct AssignRow {
    entry_id: i64,
    title: String,
    judges: Vec<AssignedJudge>,
    standing: usize,
}

struct AssignedJudge {
    judge_id: i64,
    name: String,
    state: String,
    manual: bool,
}

impl AssignedJudge {
    fn state_label(&self) -> &'static str {
        match self.state.as_str() {
            "scored" => "已评分",
            "recused" => "已回避",
            _ => "待评分",
        }
    }
}

impl AssignmentPage {
    fn error(&self, field: &str) -> &str {
        self.errors.get(field).unwrap_or_default()
    }

    fn judge_picked(&self, id: &i64) -> bool {
        self.picked_judge == Some(*id)
    }

    fn entry_picked(&self, id: &i64) -> bool {
        self.picked_entry == Some(*id)
    }
}

async fn assignment_page(
    app: &App,
    session: &PageSession,
    actor: &Actor,
    cid: i64,
) -> Result<AssignmentPage, AppError> {
    let head = head(app, actor, cid, "assignment").await?;
    let judges = app.judges(actor, cid).await?;
    let mut accepted = Vec::new();
    let mut page = 1;
    loop {
        let listed = app
            .entries(
                actor,
                cid,
                EntryQuery {
                    status: Some("accepted".to_owned()),
                    page: Some(page),
                    per_page: Some(100),
                },
            )
            .await?;
        let n = listed.items.len();
        accepted.extend(listed.items);
        if n < 100 || accepted.len() as u64 >= listed.total {
            break;
        }
        page += 1;
    }
    let names: HashMap<i64, String> = judges
        .iter()
        .map(|j| {
            (
                j.id,
                j.name
                    .clone()
                    .unwrap_or_else(|| format!("专家{}", j.user_id)),
            )
        })
        .collect();
    let mut by_entry: HashMap<i64, Vec<AssignmentView>> = HashMap::new();
    for a in app.assignments(actor, cid).await? {
        by_entry.entry(a.entry_id).or_default().push(a);
    }
    let rows = accepted
        .iter()
        .map(|e| {
            let held = by_entry.remove(&e.id).unwrap_or_default();
            AssignRow {
                entry_id: e.id,
                title: e
                    .form
                    .title
                    .clone()
                    .unwrap_or_else(|| "（未命名作品）".to_owned()),
                standing: held.iter().filter(|a| a.state != "recused").count(),
                judges: held
                    .into_iter()
                    .map(|a| AssignedJudge {
                        name: names.get(&a.judge_id).cloned().unwrap_or_default(),
                        judge_id: a.judge_id,
                        state: a.state,
                        manual: a.manual,
                    })
                    .collect(),
            }
        })
        .collect();
    let per_entry = head.c.settings.judges_per_entry;
    Ok(AssignmentPage {
        layout: session.layout(app).await?,
        head,
        judges,
        rows,
        shortfalls: Vec::new(),
        errors: domain::FieldErrors::new(),
        typed_phone: String::new(),
        picked_judge: None,
        picked_entry: None,
        per_entry,
    })
}

/// `GET /contests/{id}/assignment`.
pub async fn assignment(
    State(app): State<App>,
    SignedIn { session, actor }: SignedIn,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Response, PageError> {
    let cid = id_of(id)?;
    Ok(assignment_page(&app, &session, &actor, cid)
        .await?
        .into_response())
}

/// An action on the assignment page.
#[derive(Debug, Deserialize)]
pub struct AssignmentForm {
    /// `add_judge` (by `phone`), `auto`, `assign` (`judge_id`, `entry_id`) or `unassign`.
    #[serde(default)]
    action: String,
    #[serde(default)]
    phone: String,
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    judge_id: Option<String>,
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    entry_id: Option<String>,
    #[serde(default, rename = "_csrf")]
    csrf: String,
}

fn picked(raw: &Option<String>, field: &str, what: &str) -> Result<i64, AppError> {
    raw.as_deref()
        .and_then(|v| v.trim().parse().ok())
        .ok_or_else(|| AppError::invalid_field(field, format!("请选择{what}")))
}

/// `POST /contests/{id}/assignment`: adds a judge to the panel, assigns automatically or
/// by hand, or takes an assignment back: the same commands as the API's.
pub async fn assign(
    State(app): State<App>,
    SignedIn { session, actor }: SignedIn,
    id: Result<Path<i64>, PathRejection>,
    Form(form): Form<AssignmentForm>,
) -> Result<Response, PageError> {
    let cid = id_of(id)?;
    if !session.accepts(&form.csrf) {
        return Err(expired().into());
    }
    let mut shortfalls = Vec::new();
    let outcome: Result<&'static str, AppError> = match form.action.as_str() {
        "add_judge" => {
            async {
                let input = app.panel_candidate(&actor, cid, &form.phone).await?;
                app.add_judge(&actor, cid, input)
                    .await
                    .map_err(|e| match e {
                        AppError::Validation { fields, .. } if fields.get("user_id").is_some() => {
                            AppError::invalid_field(
                                "phone",
                                fields.get("user_id").unwrap_or_default(),
                            )
                        }
                        other => other,
                    })?;
                Ok("已加入评审专家组")
            }
            .await
        }
        "auto" => match app.assign(&actor, cid, AssignInput::default()).await {
            Ok(AssignAnswer::Auto(done)) => {
                shortfalls = done.shortfalls;
                Ok(if shortfalls.is_empty() {
                    "已自动分配，每件作品的评审专家都已足额"
                } else {
                    "已自动分配；部分作品可回避后的专家不足，见下方提示"
                })
            }
            Ok(AssignAnswer::Manual(_)) => Ok("已分配"),
            Err(e) => Err(e),
        },
        "assign" => {
            async {
                let judge_id = picked(&form.judge_id, "judge_id", "评审专家")?;
                let entry_id = picked(&form.entry_id, "entry_id", "作品")?;
                app.assign(
                    &actor,
                    cid,
                    AssignInput {
                        judge_id: Some(judge_id),
                        entry_id: Some(entry_id),
                    },
                )
                .await?;
                Ok("已分配")
            }
            .await
        }
        "unassign" => {
            async {
                let judge_id = picked(&form.judge_id, "judge_id", "评审专家")?;
                let entry_id = picked(&form.entry_id, "entry_id", "作品")?;
                app.unassign(&actor, cid, judge_id, entry_id).await?;
                Ok("已取消该分配")
            }
            .await
        }
        _ => Err(AppError::invalid_field("action", "未知的操作")),
    };
    let outcome = beside_form(outcome)?;
    let mut page = assignment_page(&app, &session, &actor, cid).await?;
    page.shortfalls = shortfalls;
    let status = match outcome {
        Ok(message) => {
            page.head.notice = Some((message.to_owned(), true));
            StatusCode::OK
        }
        Err(e) => {
            let status = crate::error::classify(&e).0;
            page.errors = field_errors(&e);
            page.typed_phone = form.phone;
            page.picked_judge = form.judge_id.and_then(|v| v.parse().ok());
            page.picked_entry = form.entry_id.and_then(|v| v.parse().ok());
            page.head.notice = Some((
                match &e {
                    AppError::Validation { .. } | AppError::Refused { .. } => {
                        "未能完成，请按提示修改".to_owned()
                    }
                    other => super::sentence(other),
                },
                false,
            ));
            status
        }
    };
    Ok((status, page).into_response())
}

// ---------------------------------------------------------------------------------------
// Results, the judges' spread, publication.

/// Each judge's totals as a strip chart, before (`normalised` false) or after z-score
/// normalisation; judges left raw are starred.
fn chart(spread: &SpreadView, normalised: bool) -> String {
    let rows: Vec<Strip> = spread
        .judges
        .iter()
        .map(|j| {
            let name = j
                .name
                .clone()
                .unwrap_or_else(|| format!("专家{}", j.judge_id));
            Strip {
                label: if j.left_raw { format!("{name}*") } else { name },
                points: j
                    .points
                    .iter()
                    .map(|p| {
                        let v = if normalised { p.normalised } else { p.raw };
                        (v, format!("作品 {}：{v:.1}", p.entry_id))
                    })
                    .collect(),
                mark: (!j.points.is_empty()).then_some(if normalised {
                    j.normalised_mean
                } else {
                    j.raw_mean
                }),
            }
        })
        .collect();
    let title = if normalised {
        "标准分校正后：每位专家给出的总分，红线为其平均分"
    } else {
        "校正前：每位专家给出的总分，红线为其平均分"
    };
    strips(title, &rows)
}

#[derive(Template, WebTemplate)]
#[template(path = "contest_scoring.html")]
struct ScoringPage {
    layout: Layout,
    head: AdminHead,
    results: ResultsView,
    spread: SpreadView,
    /// The judges' totals as given (SVG).
    before: String,
    /// After z-score normalisation (SVG).
    after: String,
}

impl ScoringPage {
    fn score(v: &Option<f64>) -> String {
        v.map(|x| format!("{x:.2}")).unwrap_or_default()
    }

    fn method_label(&self) -> String {
        let m = &self.results.method;
        let mut s = format!(
            "{}，{}",
            m.aggregation.label(),
            if m.normalise == domain::contest::Normalise::Zscore {
                format!(
                    "标准分校正（评分少于 {} 份的专家不校正）",
                    m.normalise_min_scores
                )
            } else {
                "不校正".to_owned()
            }
        );
        if m.vote_weight > 0 {
            s.push_str(&format!("，网络投票占 {}%", m.vote_weight));
        }
        s
    }

    fn may_publicise(&self) -> bool {
        self.head.c.status == ContestStatus::Closed
    }

    fn may_finalise(&self) -> bool {
        self.results.stage == "publicity"
    }
}

async fn scoring_page(
    app: &App,
    session: &PageSession,
    actor: &Actor,
    cid: i64,
) -> Result<ScoringPage, AppError> {
    let head = head(app, actor, cid, "scoring").await?;
    let results = app.results(Some(actor), cid).await?;
    let spread = app.judge_spread(actor, cid).await?;
    Ok(ScoringPage {
        layout: session.layout(app).await?,
        head,
        before: chart(&spread, false),
        after: chart(&spread, true),
        results,
        spread,
    })
}

/// `GET /contests/{id}/scoring`: the results as they stand, with the judges' spread.
pub async fn scoring(
    State(app): State<App>,
    SignedIn { session, actor }: SignedIn,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Response, PageError> {
    let cid = id_of(id)?;
    Ok(scoring_page(&app, &session, &actor, cid)
        .await?
        .into_response())
}

/// The publication form.
#[derive(Debug, Deserialize)]
pub struct PublishForm {
    #[serde(default)]
    stage: String,
    #[serde(default, rename = "_csrf")]
    csrf: String,
}

/// `POST /contests/{id}/scoring`: publishes the results for 公示, then as final: the same
/// command as `POST …/results`.
pub async fn publish(
    State(app): State<App>,
    SignedIn { session, actor }: SignedIn,
    id: Result<Path<i64>, PathRejection>,
    Form(form): Form<PublishForm>,
) -> Result<Response, PageError> {
    let cid = id_of(id)?;
    if !session.accepts(&form.csrf) {
        return Err(expired().into());
    }
    let outcome = app
        .publish_results(
            &actor,
            cid,
            StageInput {
                stage: form.stage.clone(),
            },
        )
        .await;
    let outcome = beside_form(outcome)?;
    let done = if form.stage == "final" {
        "最终结果已公布"
    } else {
        "评审结果已进入公示"
    };
    let (status, notice) = answered(&outcome, done);
    let mut page = scoring_page(&app, &session, &actor, cid).await?;
    page.head.notice = Some(notice);
    Ok((status, page).into_response())
}
