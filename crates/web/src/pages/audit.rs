//! `/admin/audit`: the audit trail for administrators, within their areas — filters, pages,
//! and the CSV download with the same filters.

use app::App;
use app::audit::{AuditEntry, AuditQuery};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::{Layout, PageError, PageParams, SignedIn};

/// The filter form as typed: every field text, so that a wrong value is shown back with
/// its reason rather than refused before the page.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AuditForm {
    from: Option<String>,
    to: Option<String>,
    actor: Option<String>,
    action: Option<String>,
    target: Option<String>,
    outcome: Option<String>,
    page: Option<String>,
}

impl AuditForm {
    fn text(v: &Option<String>) -> String {
        v.as_deref().map(str::trim).unwrap_or_default().to_owned()
    }

    /// The query it stands for, or the reason it does not stand for one.
    fn query(&self) -> Result<AuditQuery, String> {
        let number = |name: &str, v: &Option<String>| -> Result<Option<i64>, String> {
            match Self::text(v).as_str() {
                "" => Ok(None),
                t => t
                    .parse::<i64>()
                    .map(Some)
                    .map_err(|_| format!("{name}须为数字，收到“{t}”")),
            }
        };
        let some = |v: &Option<String>| Some(Self::text(v)).filter(|s| !s.is_empty());
        Ok(AuditQuery {
            from: some(&self.from),
            to: some(&self.to),
            actor: number("操作人编号", &self.actor)?,
            action: some(&self.action),
            target: some(&self.target),
            outcome: some(&self.outcome),
            page: number("页码", &self.page)?,
            per_page: Some(50),
        })
    }

    /// The filters as a query string (for the download and the pager), with `page` set.
    fn link(&self, page: Option<u64>) -> String {
        let mut pairs = url_pairs(self);
        if let Some(p) = page {
            pairs.push(("page".to_owned(), p.to_string()));
        }
        pairs
            .iter()
            .map(|(k, v)| format!("{k}={}", urlencoding::encode(v)))
            .collect::<Vec<_>>()
            .join("&")
    }
}

fn url_pairs(f: &AuditForm) -> Vec<(String, String)> {
    [
        ("from", &f.from),
        ("to", &f.to),
        ("actor", &f.actor),
        ("action", &f.action),
        ("target", &f.target),
        ("outcome", &f.outcome),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), AuditForm::text(v)))
    .filter(|(_, v)| !v.is_empty())
    .collect()
}

#[derive(Template, WebTemplate)]
#[template(path = "audit_log.html")]
struct AuditPage {
    layout: Layout,
    form: AuditForm,
    /// The divisions the page's entries name, by code.
    places: std::collections::BTreeMap<String, String>,
    items: Vec<AuditEntry>,
    total: u64,
    page: u64,
    pages: u64,
    refusal: Option<String>,
}

impl AuditPage {
    fn when(at: &chrono::DateTime<chrono::Utc>) -> String {
        at.with_timezone(&domain::campaign::BEIJING)
            .format("%Y-%m-%d %H:%M:%S")
            .to_string()
    }

    /// An action by its Chinese name; a refused request by its route.
    fn action_name(action: &str) -> String {
        domain::audit::action_label(action).map_or_else(|| action.to_owned(), str::to_owned)
    }

    /// Roles recorded as codes (`province_admin,host`), by their Chinese names.
    fn role_names(roles: &str) -> String {
        roles
            .split(',')
            .map(|r| domain::role::Role::parse(r.trim()).map_or(r.trim(), |r| r.label()))
            .collect::<Vec<_>>()
            .join("、")
    }

    fn target_name(kind: &str) -> &str {
        domain::audit::target_label(kind)
    }

    /// A division by its name (the code when unknown), 全国 for none.
    fn place(&self, code: &Option<String>) -> String {
        match code.as_deref() {
            None | Some("000000") => "全国".to_owned(),
            Some(c) => self.places.get(c).cloned().unwrap_or_else(|| c.to_owned()),
        }
    }

    fn actions() -> &'static [(&'static str, &'static str)] {
        &domain::audit::ACTIONS
    }

    fn action_groups() -> &'static [(&'static str, &'static str)] {
        &domain::audit::GROUPS
    }

    fn outcome_label(outcome: &str) -> &'static str {
        match outcome {
            "ok" => "成功",
            "denied" => "拒绝",
            _ => "无效",
        }
    }

    fn value(v: &Option<String>) -> String {
        AuditForm::text(v)
    }

    fn download(&self) -> String {
        self.form.link(None)
    }

    fn page_link(&self, page: u64) -> String {
        self.form.link(Some(page))
    }
}

/// `GET /admin/audit`: the trail in the administrator's areas, newest first.
pub async fn audit_log(
    State(app): State<App>,
    SignedIn { session, actor }: SignedIn,
    PageParams(form): PageParams<AuditForm>,
) -> Result<Response, PageError> {
    if !actor.is_admin() {
        return Err(app::AppError::Forbidden("只有管理员可以查看操作记录".to_owned()).into());
    }
    let layout = session.layout(&app).await?;
    let answer = match form.query() {
        Ok(q) => app
            .audit_log(&actor, &q)
            .await
            .map_err(|e| super::sentence(&e)),
        Err(reason) => Err(reason),
    };
    let (items, total, page, per_page, refusal) = match answer {
        Ok(p) => (p.items, p.total, p.page, p.per_page, None),
        Err(reason) => (Vec::new(), 0, 1, 50, Some(reason)),
    };
    let status = if refusal.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let mut places = std::collections::BTreeMap::new();
    for code in items.iter().filter_map(|e| e.region_code.clone()) {
        if !places.contains_key(&code)
            && let Ok(name) = app.region_name(&code).await
        {
            places.insert(code, name);
        }
    }
    let page = AuditPage {
        layout,
        form,
        places,
        items,
        total,
        page,
        pages: total.div_ceil(per_page.max(1)).max(1),
        refusal,
    };
    Ok((status, page).into_response())
}
