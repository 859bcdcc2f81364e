//! 千万IP创科普 at `/online-ip`: the posts registered by host organisations, and for their
//! members the form that registers one (the same command as `POST /api/v1/online-posts`).

use app::posts::{PostQuery, PostView};
use app::{App, AppError};
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use domain::posts::{Platform, PostInput, PostKind};
use serde::Deserialize;

use super::{
    Layout, PageError, PageParams, PageSession, SignedIn, expired, field_errors, see_other,
};

/// What the member typed, kept when the form is refused.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PostForm {
    #[serde(default)]
    platform: String,
    #[serde(default)]
    url: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    published_at: String,
    #[serde(default)]
    hashtag_confirmed: Option<String>,
    #[serde(default)]
    org_id: Option<i64>,
    #[serde(default, rename = "_csrf")]
    csrf: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "online_ip.html")]
struct OnlinePage {
    layout: Layout,
    posts: Vec<PostView>,
    total: u64,
    platform: String,
    orgs: Vec<(i64, String)>,
    signed_in: bool,
    form: PostForm,
    errors: domain::FieldErrors,
    registered: bool,
    /// What the last import did.
    imported: Option<app::posts::PostImport>,
    /// Why the last import was refused as a whole.
    import_error: String,
}

impl OnlinePage {
    fn platforms(&self) -> Vec<(&'static str, &'static str)> {
        Platform::ALL
            .iter()
            .map(|p| (p.as_str(), p.label()))
            .collect()
    }

    fn kinds(&self) -> Vec<(&'static str, &'static str)> {
        PostKind::ALL
            .iter()
            .map(|k| (k.as_str(), k.label()))
            .collect()
    }

    fn error(&self, field: &str) -> &str {
        self.errors.get(field).unwrap_or_default()
    }

    fn when(&self, p: &PostView) -> String {
        p.published_at
            .with_timezone(&domain::campaign::BEIJING)
            .format("%Y-%m-%d %H:%M")
            .to_string()
    }
}

/// The list's filters.
#[derive(Debug, Default, Deserialize)]
pub struct OnlineParams {
    #[serde(default)]
    platform: Option<String>,
    #[serde(default)]
    region: Option<String>,
    #[serde(default)]
    page: Option<i64>,
    #[serde(default)]
    registered: Option<String>,
}

async fn online_page(
    app: &App,
    session: &PageSession,
    platform: Option<String>,
    region: Option<String>,
    page: Option<i64>,
) -> Result<OnlinePage, AppError> {
    let actor = session.actor(app).await?;
    let listed = app
        .posts(
            None,
            PostQuery {
                platform: platform.clone().filter(|p| !p.is_empty()),
                region: region.filter(|r| !r.is_empty()),
                page,
                per_page: Some(20),
                ..PostQuery::default()
            },
        )
        .await?;
    let orgs = match &actor {
        Some(a) => app
            .orgs_of(a)
            .await?
            .into_iter()
            .map(|o| (o.id, o.name))
            .collect(),
        None => Vec::new(),
    };
    Ok(OnlinePage {
        layout: session.layout(app).await?,
        posts: listed.items,
        total: listed.total,
        platform: platform.unwrap_or_default(),
        orgs,
        signed_in: actor.is_some(),
        form: PostForm::default(),
        errors: domain::FieldErrors::new(),
        registered: false,
        imported: None,
        import_error: String::new(),
    })
}

/// `GET /online-ip`.
pub async fn online(
    State(app): State<App>,
    headers: HeaderMap,
    PageParams(params): PageParams<OnlineParams>,
) -> Result<Response, PageError> {
    let session = PageSession::ensure(&app, &headers).await?;
    let mut page = online_page(&app, &session, params.platform, params.region, params.page).await?;
    page.registered = params.registered.is_some();
    Ok(session.attach(&app, page.into_response()))
}

/// `POST /online-ip`: registers a post; the form again, with every problem beside its
/// field and nothing typed lost, when it is refused.
pub async fn register(
    State(app): State<App>,
    SignedIn { session, actor }: SignedIn,
    Form(form): Form<PostForm>,
) -> Result<Response, PageError> {
    if !session.accepts(&form.csrf) {
        return Err(expired().into());
    }
    let input = PostInput {
        platform: Some(form.platform.clone()),
        url: Some(form.url.clone()),
        title: Some(form.title.clone()),
        kind: Some(form.kind.clone()),
        published_at: Some(form.published_at.clone()),
        hashtag_confirmed: Some(form.hashtag_confirmed.is_some()),
        org_id: form.org_id,
        ..PostInput::default()
    };
    match app.register_post(&actor, input).await {
        Ok(_) => Ok(see_other("/online-ip?registered=1")),
        Err(e) => {
            let status = crate::error::classify(&e).0;
            let mut page = online_page(&app, &session, None, None, None).await?;
            page.errors = field_errors(&e);
            page.form = form;
            Ok((status, page).into_response())
        }
    }
}

/// Refusals without a field, for the form's summary.
impl OnlinePage {
    fn chosen(&self, id: i64) -> bool {
        self.form.org_id == Some(id)
    }

    fn general_error(&self) -> &str {
        self.errors.get("").unwrap_or_default()
    }
}

impl OnlinePage {
    /// A refused row in one line: its messages.
    fn row_problems(&self, row: &app::posts::RowErrors) -> String {
        row.fields.values().cloned().collect::<Vec<_>>().join("；")
    }

    fn import_columns(&self) -> String {
        domain::posts::IMPORT_COLUMNS.join("、")
    }
}

/// `POST /online-ip/import`, multipart: `_csrf`, `org_id` (optional), `file` (xlsx): the
/// same command as `POST /api/v1/online-posts/import`; the page answers with what was
/// registered and each refused row.
pub async fn import(
    State(app): State<App>,
    SignedIn { session, actor }: SignedIn,
    multipart: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, PageError> {
    let outcome = match multipart {
        Err(_) => Err(AppError::Malformed("上传格式不正确".to_owned())),
        Ok(multipart) => match crate::api::posts::read_import(multipart, Some(&session.csrf)).await
        {
            Err(crate::error::ApiError::App(e)) => Err(e),
            Err(crate::error::ApiError::Http(_, _, message)) => Err(AppError::Malformed(message)),
            Ok((org_id, file)) => app.import_posts(&actor, file, org_id).await,
        },
    };
    let mut page = online_page(&app, &session, None, None, None).await?;
    match outcome {
        Ok(done) => {
            page.imported = Some(done);
            Ok(page.into_response())
        }
        Err(e @ (AppError::Forbidden(_) | AppError::Unauthenticated(_))) => Err(e.into()),
        Err(e) => {
            let status = crate::error::classify(&e).0;
            page.import_error = format!("未导入：{}", super::sentence(&e));
            Ok((status, page).into_response())
        }
    }
}
