//! 宣传资源库 at `/resources`: published resources to download, and for the national and
//! provincial administrators who manage them, the forms that create a draft, upload its
//! files, publish it and delete it (the same commands as `/api/v1/resources`).

use app::resources::{ResourceQuery, ResourceView, may_manage_resources};
use app::{App, AppError};
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::rejection::PathRejection;
use axum::extract::{Multipart, Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use domain::resources::{ResourceInput, ResourceKind};
use serde::Deserialize;

use super::{
    Layout, PageError, PageParams, PageSession, SignedIn, error_page, expired, field_errors,
    see_other, sentence,
};
use crate::error::ApiError;

/// What the administrator typed, kept when the form is refused.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ResourceForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    usage_note: String,
    /// Comma- or space-separated.
    #[serde(default)]
    tags: String,
    #[serde(default, rename = "_csrf")]
    csrf: String,
}

/// A form that only confirms (publish, delete).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ActionForm {
    #[serde(default, rename = "_csrf")]
    csrf: String,
    /// The box "确认删除" (delete only).
    #[serde(default)]
    confirm: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "resources.html")]
struct ResourcesPage {
    layout: Layout,
    resources: Vec<ResourceView>,
    total: u64,
    kind: String,
    q: String,
    manager: bool,
    form: ResourceForm,
    errors: domain::FieldErrors,
    notice: String,
    problem: String,
}

impl ResourcesPage {
    fn kinds(&self) -> Vec<(&'static str, &'static str)> {
        ResourceKind::ALL
            .iter()
            .map(|k| (k.as_str(), k.label()))
            .collect()
    }

    fn error(&self, field: &str) -> &str {
        self.errors.get(field).unwrap_or_default()
    }

    fn size(&self, bytes: &i64) -> String {
        let bytes = *bytes as f64;
        if bytes >= 1024.0 * 1024.0 {
            format!("{:.1} MB", bytes / 1024.0 / 1024.0)
        } else {
            format!("{:.0} KB", (bytes / 1024.0).max(1.0))
        }
    }

    fn accepts(&self, r: &ResourceView) -> String {
        r.kind.formats_message()
    }
}

/// The list's filters, and what the last action said.
#[derive(Debug, Default, Deserialize)]
pub struct ResourceParams {
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    q: Option<String>,
    #[serde(default)]
    page: Option<i64>,
    #[serde(default)]
    done: Option<String>,
    #[serde(default)]
    error: Option<String>,
}

async fn resources_page(
    app: &App,
    session: &PageSession,
    kind: Option<String>,
    q: Option<String>,
    page: Option<i64>,
) -> Result<ResourcesPage, AppError> {
    let actor = session.actor(app).await?;
    let listed = app
        .resources(
            actor.as_ref(),
            ResourceQuery {
                kind: kind.clone().filter(|k| !k.is_empty()),
                q: q.clone().filter(|q| !q.trim().is_empty()),
                page,
                per_page: Some(20),
                ..ResourceQuery::default()
            },
        )
        .await?;
    Ok(ResourcesPage {
        layout: session.layout(app).await?,
        resources: listed.items,
        total: listed.total,
        kind: kind.unwrap_or_default(),
        q: q.unwrap_or_default(),
        manager: actor.as_ref().is_some_and(may_manage_resources),
        form: ResourceForm::default(),
        errors: domain::FieldErrors::new(),
        notice: String::new(),
        problem: String::new(),
    })
}

fn notice_of(done: Option<&str>) -> &'static str {
    match done {
        Some("created") => "资源已创建为草稿：请上传文件，再发布。",
        Some("uploaded") => "文件已上传。",
        Some("published") => "资源已发布，所有人都可以下载。",
        Some("deleted") => "资源及其文件已删除。",
        _ => "",
    }
}

/// `GET /resources`.
pub async fn resources(
    State(app): State<App>,
    headers: HeaderMap,
    PageParams(params): PageParams<ResourceParams>,
) -> Result<Response, PageError> {
    let session = PageSession::ensure(&app, &headers).await?;
    let mut page = resources_page(&app, &session, params.kind, params.q, params.page).await?;
    page.notice = notice_of(params.done.as_deref()).to_owned();
    page.problem = params
        .error
        .map(|e| e.chars().take(300).collect())
        .unwrap_or_default();
    Ok(session.attach(&app, page.into_response()))
}

/// `POST /resources`: a new draft; the form again, with every problem beside its field and
/// nothing typed lost, when it is refused.
pub async fn create(
    State(app): State<App>,
    SignedIn { session, actor }: SignedIn,
    Form(form): Form<ResourceForm>,
) -> Result<Response, PageError> {
    if !session.accepts(&form.csrf) {
        return Err(expired().into());
    }
    let tags: Vec<String> = form
        .tags
        .split([',', '，', '、', ' ', '\u{3000}'])
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect();
    let input = ResourceInput {
        campaign_id: None,
        kind: Some(form.kind.clone()),
        title: Some(form.title.clone()),
        description: Some(form.description.clone()),
        usage_note: Some(form.usage_note.clone()),
        tags: Some(tags),
    };
    match app.create_resource(&actor, input).await {
        Ok(r) => Ok(see_other(&format!(
            "/resources?done=created#resource-{}",
            r.id
        ))),
        Err(e @ (AppError::Forbidden(_) | AppError::NotFound(_))) => Ok(error_page(&e)),
        Err(e) => {
            let status = crate::error::classify(&e).0;
            let mut page = resources_page(&app, &session, None, None, None).await?;
            page.errors = field_errors(&e);
            page.form = form;
            Ok((status, page).into_response())
        }
    }
}

fn resource_id(id: Result<Path<i64>, PathRejection>) -> Result<i64, AppError> {
    id.map(|Path(id)| id)
        .map_err(|_| AppError::NotFound("未找到该宣传资源".to_owned()))
}

fn back(id: i64, outcome: Result<&str, String>) -> Response {
    match outcome {
        Ok(done) => see_other(&format!("/resources?done={done}#resource-{id}")),
        Err(m) => see_other(&format!(
            "/resources?error={}#resource-{id}",
            urlencoding::encode(&m)
        )),
    }
}

/// `POST /resources/{id}/files`, multipart: `_csrf`, `name` (optional), `file`.
pub async fn upload(
    State(app): State<App>,
    headers: HeaderMap,
    id: Result<Path<i64>, PathRejection>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let id = match resource_id(id) {
        Ok(id) => id,
        Err(e) => return error_page(&e),
    };
    let result: Result<Response, ApiError> = async {
        let Some((session, actor)) = PageSession::signed_in(&app, &headers).await? else {
            return Ok(see_other("/login"));
        };
        let mut multipart = multipart
            .map_err(|_| ApiError::from(AppError::Malformed("上传格式不正确".to_owned())))?;
        crate::api::resources::receive(&app, &actor, id, &mut multipart, Some(&session.csrf))
            .await?;
        Ok(back(id, Ok("uploaded")))
    }
    .await;
    super::upload_answer(result, |m| back(id, Err(m)))
}

/// `POST /resources/{id}/publish`.
pub async fn publish(
    State(app): State<App>,
    SignedIn { session, actor }: SignedIn,
    id: Result<Path<i64>, PathRejection>,
    Form(form): Form<ActionForm>,
) -> Result<Response, PageError> {
    let id = resource_id(id)?;
    if !session.accepts(&form.csrf) {
        return Err(expired().into());
    }
    match app.publish_resource(&actor, id).await {
        Ok(_) => Ok(back(id, Ok("published"))),
        Err(e @ (AppError::Forbidden(_) | AppError::NotFound(_))) => Ok(error_page(&e)),
        Err(e) => Ok(back(id, Err(format!("未发布：{}", sentence(&e))))),
    }
}

/// `POST /resources/{id}/delete`: only with the box "确认删除" ticked.
pub async fn delete(
    State(app): State<App>,
    SignedIn { session, actor }: SignedIn,
    id: Result<Path<i64>, PathRejection>,
    Form(form): Form<ActionForm>,
) -> Result<Response, PageError> {
    let id = resource_id(id)?;
    if !session.accepts(&form.csrf) {
        return Err(expired().into());
    }
    if form.confirm.is_none() {
        return Ok(back(
            id,
            Err("未删除：请勾选“确认删除此资源及其全部文件”后再删除".to_owned()),
        ));
    }
    match app.delete_resource(&actor, id).await {
        Ok(()) => Ok(see_other("/resources?done=deleted")),
        Err(e) => Ok(error_page(&e)),
    }
}
