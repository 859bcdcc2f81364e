//! Bulk import of activities (批量导入): the template, an upload previewed row by row with
//! each row's problems and repeats, and nothing written until the person confirms.

use app::exports::{IMPORT_MAX_BYTES, ImportPreview, OnDuplicate};
use app::{App, AppError};
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::{Layout, PageError, SignedIn, expired, form_value, see_other};

#[derive(Template, WebTemplate)]
#[template(path = "import.html")]
struct ImportPage {
    layout: Layout,
    preview: Option<ImportPreview>,
    token: String,
    error: Option<String>,
}

/// `GET /my/import`: the template and the upload.
pub async fn page(
    State(app): State<App>,
    SignedIn { session, .. }: SignedIn,
) -> Result<Response, PageError> {
    Ok(ImportPage {
        layout: session.layout(&app).await?,
        preview: None,
        token: String::new(),
        error: None,
    }
    .into_response())
}

/// `POST /my/import` (multipart `_csrf`, `file`): the preview; nothing is imported.
pub async fn preview(
    State(app): State<App>,
    SignedIn { session, actor }: SignedIn,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, PageError> {
    let layout = session.layout(&app).await?;
    let read = async {
        let mut multipart = multipart
            .map_err(|_| AppError::Malformed("上传格式不正确，请重新选择文件".to_owned()))?;
        let mut csrf = String::new();
        let mut bytes = None;
        while let Some(field) = multipart.next_field().await.map_err(unread)? {
            match field.name() {
                Some("_csrf") => csrf = field.text().await.map_err(unread)?,
                Some("file") => {
                    if !session.accepts(&csrf) {
                        return Err(expired());
                    }
                    bytes = Some(field.bytes().await.map_err(unread)?);
                }
                _ => {}
            }
        }
        let bytes = bytes
            .filter(|b| !b.is_empty())
            .ok_or_else(|| AppError::invalid_field("file", "请选择要导入的表格文件"))?;
        app.stage_import(&actor, bytes.to_vec()).await
    }
    .await;
    let (status, preview, token, error) = match read {
        Ok((token, preview)) => (StatusCode::OK, Some(preview), token, None),
        Err(AppError::Validation { message, fields }) => {
            let detail: Vec<&str> = fields.iter().map(|(_, m)| m).collect();
            let text = if detail.is_empty() {
                message
            } else {
                detail.join("；")
            };
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                String::new(),
                Some(text),
            )
        }
        Err(e @ (AppError::Malformed(_) | AppError::TooLarge(_) | AppError::Unsupported(_))) => {
            let (status, _, message) = crate::error::classify(&e);
            (status, None, String::new(), Some(message))
        }
        Err(other) => return Err(other.into()),
    };
    Ok((
        status,
        ImportPage {
            layout,
            preview,
            token,
            error,
        },
    )
        .into_response())
}

/// `POST /my/import/confirm` (`_csrf`, `token`, `on_duplicate`): imports what was previewed.
pub async fn confirm(
    State(app): State<App>,
    SignedIn { session, actor }: SignedIn,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    if !session.accepts(form_value(&form, "_csrf")) {
        return Err(expired().into());
    }
    let choice = match form_value(&form, "on_duplicate") {
        "skip" => OnDuplicate::Skip,
        "import" => OnDuplicate::Import,
        _ => OnDuplicate::Refuse,
    };
    let done = app
        .import_staged(&actor, form_value(&form, "token"), choice)
        .await?;
    Ok(see_other(&format!(
        "/my/activities?imported={}&skipped={}",
        done.created,
        done.skipped.len()
    )))
}

fn unread(e: axum::extract::multipart::MultipartError) -> AppError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        AppError::TooLarge(format!(
            "导入文件不能超过{}MB",
            IMPORT_MAX_BYTES / 1024 / 1024
        ))
    } else {
        AppError::Malformed("上传未完成，请重新选择文件".to_owned())
    }
}
