//! The 活动项目汇总表 (序号, 项目名称, 举办单位, 活动时间, 活动地点, 负责人, 联系电话, 备注):
//! exported for an administrator's area and filters, and imported from the same table as
//! drafts. The export reads activities a page at a time into a constant-memory worksheet
//! written to an unnamed temporary file, which the web layer streams: memory does not grow
//! with the number of rows.

use std::io::{Cursor, Seek, SeekFrom};

use calamine::{Data, Reader, Xlsx};
use chrono::{DateTime, Utc};
use domain::activity::{ActivityDraft, ActivityFields};
use domain::campaign::BEIJING;
use domain::region::RegionPath;
use domain::review::Status;
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};
use serde::Deserialize;
use store::entities::activity;
use store::sea_orm::{ColumnTrait, Condition};

use crate::scope::{area_condition, scope_condition};
use crate::{Actor, App, AppError};

/// The table's columns and their widths in characters (Chinese counts double).
pub const COLUMNS: [(&str, f64); 8] = [
    ("序号", 6.0),
    ("项目名称", 40.0),
    ("举办单位", 30.0),
    ("活动时间", 36.0),
    ("活动地点", 40.0),
    ("负责人", 10.0),
    ("联系电话", 15.0),
    ("备注", 16.0),
];

/// Largest import accepted.
pub const IMPORT_MAX_BYTES: usize = 10 * 1024 * 1024;
/// Most rows in one import.
pub const IMPORT_MAX_ROWS: usize = 5000;

/// Filters of an export, as in the query string.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// A division within the actor's area (their widest area when absent).
    #[param(pattern = r"^\d{6}$")]
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    pub region: Option<String>,
    /// One review state (every state but draft when absent).
    #[param(value_type = Option<domain::review::Status>)]
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    pub status: Option<String>,
    /// One section.
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    pub section: Option<String>,
    /// Activities starting on or after this date or time (as in the public list).
    #[param(format = Date)]
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    pub from: Option<String>,
    /// Activities starting before the end of this date, or before this time.
    #[param(format = Date)]
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    pub to: Option<String>,
}

/// A finished export: a temporary file (already unlinked) and its length.
pub struct ExportFile {
    /// Positioned at its start.
    pub file: std::fs::File,
    /// Bytes.
    pub len: u64,
    /// Rows written, heading excluded.
    pub rows: u64,
}

fn time_range(start: Option<DateTime<Utc>>, end: Option<DateTime<Utc>>) -> String {
    let f = |t: DateTime<Utc>| {
        t.with_timezone(&BEIJING)
            .format("%Y-%m-%d %H:%M")
            .to_string()
    };
    match (start, end) {
        (Some(s), Some(e)) => format!("{} 至 {}", f(s), f(e)),
        (Some(s), None) => f(s),
        _ => String::new(),
    }
}

fn xlsx_error(e: XlsxError) -> AppError {
    AppError::internal(format!("xlsx: {e}"))
}

/// A workbook of one sheet: `head` in bold, then `rows` as text, each column as wide as its
/// longest line (within reason).
pub(crate) fn simple_sheet(
    name: &str,
    head: &[&str],
    rows: &[Vec<String>],
) -> Result<Vec<u8>, AppError> {
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let sheet = workbook.add_worksheet();
    sheet.set_name(name).map_err(xlsx_error)?;
    for (col, title) in (0_u16..).zip(head) {
        sheet
            .write_string_with_format(0, col, *title, &bold)
            .map_err(xlsx_error)?;
        let widest = rows
            .iter()
            .filter_map(|r| r.get(usize::from(col)))
            .map(|v| v.chars().count())
            .chain([title.chars().count() * 2])
            .max()
            .unwrap_or(8);
        let width = u32::try_from(widest.clamp(8, 60)).unwrap_or(60);
        sheet
            .set_column_width(col, f64::from(width))
            .map_err(xlsx_error)?;
    }
    for (row, values) in (1_u32..).zip(rows) {
        for (col, value) in (0_u16..).zip(values) {
            sheet.write_string(row, col, value).map_err(xlsx_error)?;
        }
    }
    workbook.save_to_buffer().map_err(xlsx_error)
}

fn heading(sheet: &mut Worksheet, bold: &Format) -> Result<(), XlsxError> {
    for (col, (name, width)) in (0_u16..).zip(COLUMNS) {
        sheet.set_column_width(col, width)?;
        sheet.write_string_with_format(0, col, name, bold)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

/// What an import created.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Imported {
    /// 导入的活动数
    pub created: usize,
    /// The new drafts' ids, in the table's order.
    pub ids: Vec<i64>,
    /// The rows skipped as repeats (with `on_duplicate=skip`), as the spreadsheet numbers them.
    pub skipped: Vec<usize>,
}

/// What an import does with a row that repeats an activity (the same first host, name and
/// start) already there, or an earlier row of the table.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OnDuplicate {
    /// Import nothing and list the repeats (the default).
    #[default]
    Refuse,
    /// Import the other rows.
    Skip,
    /// Import every row, repeats too.
    Import,
}

/// The import's choice.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ImportQuery {
    /// `refuse` (default; also when blank), `skip` or `import`.
    #[param(inline)]
    #[serde(default, deserialize_with = "blank_or_choice")]
    pub on_duplicate: Option<OnDuplicate>,
}

/// A choice, or none when the parameter is blank (a form's unset select sends it empty).
fn blank_or_choice<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<OnDuplicate>, D::Error> {
    match domain::text::blank_as_none(d)? {
        None => Ok(None),
        Some(raw) => OnDuplicate::deserialize(serde::de::value::StrDeserializer::<D::Error>::new(
            raw.trim(),
        ))
        .map(Some),
    }
}

/// One row of an import as its preview shows it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ImportRow {
    /// The spreadsheet's row number.
    pub row: usize,
    /// 项目名称
    pub name: String,
    /// 举办单位
    pub host: String,
    /// 活动时间, as written
    pub time: String,
    /// 活动地点
    pub address: String,
    /// What keeps the row from being imported, by column.
    pub problems: Vec<String>,
    /// The activity it repeats (same first host, name and start).
    pub duplicate_of: Option<i64>,
    /// The earlier row of the table it repeats.
    pub repeats_row: Option<usize>,
}

impl ImportRow {
    /// What the row repeats, in words; none when it repeats nothing.
    pub fn repeats(&self) -> Option<String> {
        match (self.duplicate_of, self.repeats_row) {
            (Some(id), _) => Some(format!("与已有活动“{}”（编号{id}）重复", self.name)),
            (None, Some(row)) => Some(format!("与本表第{row}行重复")),
            (None, None) => None,
        }
    }
}

/// What an import would do.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ImportPreview {
    /// Every row, in the table's order.
    pub rows: Vec<ImportRow>,
    /// Rows that would be imported as they are.
    pub ready: usize,
    /// Rows that repeat an activity or an earlier row.
    pub duplicates: usize,
    /// Rows with problems (nothing is imported while any remains).
    pub with_problems: usize,
}

impl ImportPreview {
    fn of(rows: Vec<ImportRow>) -> ImportPreview {
        let with_problems = rows.iter().filter(|r| !r.problems.is_empty()).count();
        let duplicates = rows
            .iter()
            .filter(|r| r.problems.is_empty() && r.repeats().is_some())
            .count();
        ImportPreview {
            ready: rows.len() - with_problems - duplicates,
            duplicates,
            with_problems,
            rows,
        }
    }
}

impl App {
    /// `GET /api/v1/exports/activities.xlsx`: the table for the actor's area and filters.
    pub async fn export_activities(
        &self,
        actor: &Actor,
        q: ExportQuery,
    ) -> Result<ExportFile, AppError> {
        let code = q.region.clone().unwrap_or_else(|| App::home_region(actor));
        let located = self.govern_region(actor, &code).await?;
        let status = match q.status.as_deref() {
            None | Some("") => None,
            Some(s) => Some(Status::parse(s).map_err(AppError::Malformed)?),
        };
        let mut query = Condition::all()
            .add(scope_condition(
                actor,
                activity::Column::ProvinceCode,
                activity::Column::CityCode,
                activity::Column::CountyCode,
            ))
            .add(area_condition(
                &located.path,
                activity::Column::ProvinceCode,
                activity::Column::CityCode,
                activity::Column::CountyCode,
            ));
        query = match status {
            Some(s) => query.add(activity::Column::Status.eq(s.as_str())),
            None => query.add(activity::Column::Status.ne(Status::Draft.as_str())),
        };
        if let Some(section) = q.section.as_deref().filter(|s| !s.is_empty()) {
            query = query.add(activity::Column::Section.eq(section));
        }
        let (from, to) = crate::activities::time_bounds(q.from.as_deref(), q.to.as_deref())?;
        if let Some(from) = from {
            query = query.add(activity::Column::StartAt.gte(from));
        }
        if let Some(to) = to {
            query = query.add(activity::Column::StartAt.lt(to));
        }
        self.record_alone(
            Some(actor),
            crate::audit::Event::ok(
                "export.activities",
                "region",
                &code,
                &located.path,
                serde_json::json!({
                    "status": q.status, "section": q.section, "from": q.from, "to": q.to,
                    "personal": ["contact_name", "contact_phone"],
                }),
            ),
        )
        .await?;
        let tmp_dir = self.config.data_dir.join("tmp");
        std::fs::create_dir_all(&tmp_dir).map_err(AppError::internal)?;
        let (tx, rx) = tokio::sync::mpsc::channel::<Vec<[String; 7]>>(2);
        let writer = tokio::task::spawn_blocking(move || write_table(&tmp_dir, rx));
        let mut after = 0_i64;
        loop {
            let rows = store::activities::page_after(&self.db, query.clone(), after, 1000).await?;
            let Some(last) = rows.last() else { break };
            after = last.id;
            let hosts: Vec<i64> = rows.iter().filter_map(|r| r.first_host_id).collect();
            let names: std::collections::HashMap<i64, String> =
                self.org_names(&hosts).await?.into_iter().collect();
            let mut page = Vec::with_capacity(rows.len());
            for r in rows {
                let draft: ActivityDraft =
                    serde_json::from_str(&r.data).map_err(AppError::internal)?;
                let status = Status::parse(&r.status).map_err(AppError::internal)?;
                page.push([
                    r.name,
                    r.first_host_id
                        .and_then(|h| names.get(&h).cloned())
                        .unwrap_or_default(),
                    time_range(r.start_at, r.end_at),
                    draft.address.unwrap_or_default(),
                    draft.contact_name.unwrap_or_default(),
                    draft.contact_phone.unwrap_or_default(),
                    status.label().to_owned(),
                ]);
            }
            if tx.send(page).await.is_err() {
                break;
            }
        }
        drop(tx);
        writer.await.map_err(AppError::internal)?
    }

    /// Reads an import: each row as the preview shows it (its problems, and the activity or
    /// earlier row it repeats: same first host, name and start), with the command it makes
    /// when it reads. Nothing is written.
    async fn read_import(
        &self,
        bytes: Vec<u8>,
    ) -> Result<Vec<(ImportRow, Option<ActivityFields>)>, AppError> {
        if bytes.len() > IMPORT_MAX_BYTES {
            return Err(AppError::TooLarge(format!(
                "导入文件不能超过{}MB",
                IMPORT_MAX_BYTES / 1024 / 1024
            )));
        }
        let rows = tokio::task::spawn_blocking(move || read_table(bytes))
            .await
            .map_err(AppError::internal)??;
        let campaign = self.current_campaign().await?;
        let mut seen: Vec<(i64, String, DateTime<Utc>, usize)> = Vec::new();
        let mut out = Vec::with_capacity(rows.len());
        for (number, cells) in rows {
            let cell = |i: usize| {
                cells
                    .get(i)
                    .map(|s| s.trim().to_owned())
                    .unwrap_or_default()
            };
            let mut row = ImportRow {
                row: number,
                name: cell(1),
                host: cell(2),
                time: cell(3),
                address: cell(4),
                problems: Vec::new(),
                duplicate_of: None,
                repeats_row: None,
            };
            let fields = match self.draft_from_row(&cells, &campaign.rules).await {
                Ok(fields) => Some(fields),
                Err(problems) => {
                    row.problems = problems;
                    None
                }
            };
            // The same first host, name and start: a row already imported, or twice here.
            let key = fields.as_ref().and_then(|f| {
                let host = f.hosts.clone().flatten()?.first().copied()?;
                let start = f.start.clone().flatten()?;
                let start = DateTime::parse_from_rfc3339(&start).ok()?.to_utc();
                Some((host, f.name.clone().flatten()?, start))
            });
            if let Some((host, name, start)) = key {
                row.duplicate_of =
                    store::activities::same_as(&self.db, campaign.id, host, &name, start).await?;
                row.repeats_row = seen
                    .iter()
                    .find(|(h, n, s, _)| *h == host && *n == name && *s == start)
                    .map(|(.., r)| *r);
                seen.push((host, name, start, number));
            }
            out.push((row, fields));
        }
        Ok(out)
    }

    /// `POST /api/v1/imports/activities/preview`: what an import would do, row by row, with
    /// each row's problems and the activities it repeats; nothing is written.
    pub async fn preview_import(
        &self,
        actor: &Actor,
        bytes: Vec<u8>,
    ) -> Result<ImportPreview, AppError> {
        // Anyone signed in may import (the drafts are theirs); the actor is for symmetry
        // with the import itself.
        let _ = actor;
        let rows: Vec<ImportRow> = self
            .read_import(bytes)
            .await?
            .into_iter()
            .map(|(r, _)| r)
            .collect();
        Ok(ImportPreview::of(rows))
    }

    /// `POST /api/v1/imports/activities.xlsx?on_duplicate=`: each row of the table becomes a
    /// draft of the actor's. Every row is checked first; if any is wrong nothing is created
    /// and the errors are answered by row number (as the spreadsheet numbers them). A row
    /// that repeats an activity (same first host, name and start) refuses the import unless
    /// the caller chose to skip such rows or to import them anyway.
    pub async fn import_activities(
        &self,
        actor: &Actor,
        bytes: Vec<u8>,
        on_duplicate: OnDuplicate,
    ) -> Result<Imported, AppError> {
        let read = self.read_import(bytes).await?;
        let mut problems = domain::FieldErrors::new();
        for (row, _) in &read {
            if !row.problems.is_empty() {
                problems.add(
                    &format!("row {}", row.row),
                    format!("第{}行：{}", row.row, row.problems.join("；")),
                );
            }
        }
        if !problems.is_empty() {
            return Err(AppError::Validation {
                message: format!(
                    "{}行有错误，未导入任何活动；请修改后重新上传",
                    problems.iter().count()
                ),
                fields: problems,
            });
        }
        if on_duplicate == OnDuplicate::Refuse {
            let mut repeated = domain::FieldErrors::new();
            for (row, _) in &read {
                if let Some(what) = row.repeats() {
                    repeated.add(
                        &format!("row {}", row.row),
                        format!("第{}行：{what}", row.row),
                    );
                }
            }
            if !repeated.is_empty() {
                return Err(AppError::Validation {
                    message: format!(
                        "{}行与已有活动重复，未导入任何活动；请选择跳过重复的行或仍然导入",
                        repeated.iter().count()
                    ),
                    fields: repeated,
                });
            }
        }
        let mut ids = Vec::with_capacity(read.len());
        let mut skipped = Vec::new();
        for (row, fields) in read {
            let Some(fields) = fields else { continue };
            if on_duplicate == OnDuplicate::Skip && row.repeats().is_some() {
                skipped.push(row.row);
                continue;
            }
            ids.push(self.create_activity(actor, fields).await?.id);
        }
        let nowhere = RegionPath::default();
        self.record_alone(
            Some(actor),
            crate::audit::Event::ok(
                "activity.import",
                "activity",
                ids.first().copied().unwrap_or_default(),
                &nowhere,
                serde_json::json!({"created": ids.len(), "ids": ids, "skipped_rows": skipped}),
            ),
        )
        .await?;
        Ok(Imported {
            created: ids.len(),
            ids,
            skipped,
        })
    }

    /// Keeps an uploaded table for its preview's confirmation (the import page), and answers
    /// its token with the preview. Only a table that reads is kept; kept tables older than
    /// a day are removed.
    pub async fn stage_import(
        &self,
        actor: &Actor,
        bytes: Vec<u8>,
    ) -> Result<(String, ImportPreview), AppError> {
        let preview = self.preview_import(actor, bytes.clone()).await?;
        let dir = self.config.data_dir.join("tmp");
        let token = crate::random_hex(16)?;
        let path = dir.join(format!("import-{}-{token}.xlsx", actor.user_id));
        tokio::task::spawn_blocking(move || -> std::io::Result<()> {
            std::fs::create_dir_all(&dir)?;
            let day = std::time::Duration::from_secs(24 * 3600);
            for entry in std::fs::read_dir(&dir)?.flatten() {
                let name = entry.file_name();
                let old = entry
                    .metadata()
                    .and_then(|m| m.modified())
                    .is_ok_and(|t| t.elapsed().unwrap_or_default() > day);
                if old && name.to_string_lossy().starts_with("import-") {
                    let _ = std::fs::remove_file(entry.path());
                }
            }
            std::fs::write(&path, bytes)?;
            Ok(())
        })
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)?;
        Ok((token, preview))
    }

    /// Imports a table kept by [`App::stage_import`] for this actor, then forgets it.
    pub async fn import_staged(
        &self,
        actor: &Actor,
        token: &str,
        on_duplicate: OnDuplicate,
    ) -> Result<Imported, AppError> {
        let gone = || AppError::NotFound("预览已过期，请重新上传表格".to_owned());
        if token.len() != 32 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(gone());
        }
        let path = self
            .config
            .data_dir
            .join("tmp")
            .join(format!("import-{}-{token}.xlsx", actor.user_id));
        let bytes = tokio::fs::read(&path).await.map_err(|_| gone())?;
        let imported = self.import_activities(actor, bytes, on_duplicate).await?;
        let _ = tokio::fs::remove_file(&path).await;
        Ok(imported)
    }

    /// `GET /api/v1/imports/activities-template.xlsx`: the table to fill, with its columns
    /// and one example row (the same columns the export writes and the import reads).
    pub fn import_template(&self) -> Result<Vec<u8>, AppError> {
        let mut workbook = Workbook::new();
        let bold = Format::new().set_bold();
        let hint = Format::new()
            .set_italic()
            .set_font_color(rust_xlsxwriter::Color::Gray);
        let sheet = workbook.add_worksheet();
        sheet.set_name("活动项目汇总表").map_err(xlsx_error)?;
        for (col, (name, width)) in (0_u16..).zip(COLUMNS) {
            sheet.set_column_width(col, width).map_err(xlsx_error)?;
            sheet
                .write_string_with_format(0, col, name, &bold)
                .map_err(xlsx_error)?;
        }
        let example = [
            "1",
            "（示例，导入前请删除本行）社区科普讲座",
            "单位库中的单位全称",
            "2026-09-20 09:00 至 2026-09-20 11:00",
            "活动举办地址",
            "负责人姓名",
            "联系电话",
            "",
        ];
        for (col, value) in (0_u16..).zip(example) {
            sheet
                .write_string_with_format(1, col, value, &hint)
                .map_err(xlsx_error)?;
        }
        workbook.save_to_buffer().map_err(xlsx_error)
    }

    /// A draft from one row, or its problems by column.
    async fn draft_from_row(
        &self,
        cells: &[String],
        rules: &domain::campaign::CampaignRules,
    ) -> Result<ActivityFields, Vec<String>> {
        let cell = |i: usize| cells.get(i).map(|s| s.trim()).unwrap_or_default();
        let mut errors = Vec::new();
        let name = cell(1);
        if name.is_empty() {
            errors.push("项目名称：请填写".to_owned());
        }
        let (start, end) = match parse_range(cell(3)) {
            Ok(range) => range,
            Err(e) => {
                errors.push(format!("活动时间：{e}"));
                (None, None)
            }
        };
        let hosts = match cell(2) {
            "" => Vec::new(),
            host => match self.search_orgs(host, 5).await {
                Ok(found) => match found.into_iter().find(|o| o.name == host) {
                    Some(o) => vec![o.id],
                    None => {
                        errors.push(format!(
                            "举办单位：单位库中没有“{host}”，请先在单位库中登记"
                        ));
                        Vec::new()
                    }
                },
                Err(e) => {
                    errors.push(format!("举办单位：{e}"));
                    Vec::new()
                }
            },
        };
        let filled = |s: &str| Some(Some(s.to_owned()).filter(|s| !s.is_empty()));
        let fields = ActivityFields {
            name: filled(name),
            start: Some(start),
            end: Some(end),
            address: filled(cell(4)),
            contact_name: filled(cell(5)),
            contact_phone: filled(cell(6)),
            hosts: Some(Some(hosts)),
            ..ActivityFields::default()
        };
        let mut draft = ActivityDraft::default();
        let problems = fields.clone().apply(&mut draft);
        let format = domain::activity::format_problems(&draft, rules);
        for (field, message) in problems.iter().chain(format.iter()) {
            let label = domain::activity::field_label(field);
            errors.push(format!("{label}：{message}"));
        }
        if errors.is_empty() {
            Ok(fields)
        } else {
            Err(errors)
        }
    }
}

impl App {
    /// `GET /api/v1/nominations/{id}/form.xlsx`: the recommendation form (推荐表) with each
    /// level's opinion and date.
    pub async fn nomination_form_xlsx(&self, actor: &Actor, id: i64) -> Result<Vec<u8>, AppError> {
        let view = self.nomination_for(actor, id).await?;
        let area = RegionPath::default();
        self.record_alone(
            Some(actor),
            crate::audit::Event::ok(
                "export.nomination_form",
                "nomination",
                id,
                &area,
                serde_json::json!({"personal": ["contact_name", "contact_phone"]}),
            ),
        )
        .await?;
        let form = &view.form;
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        let mut lines: Vec<(String, String, String)> = [
            ("活动名称", text(&form.activity_name)),
            ("单位名称", text(&form.unit_name)),
            ("活动时间", text(&form.time)),
            ("活动地点", text(&form.place)),
            (
                "实际参与人数",
                form.participants.map(|n| n.to_string()).unwrap_or_default(),
            ),
            ("联系人", text(&form.contact_name)),
            ("联系电话", text(&form.contact_phone)),
            ("主要内容", text(&form.content)),
        ]
        .into_iter()
        .map(|(label, value)| (label.to_owned(), value, String::new()))
        .collect();
        // Each level's opinion with its decision, and its date in a column of its own.
        for o in &view.opinions {
            lines.push((
                format!("{}意见", o.level_label),
                format!("{}（{}）", o.opinion, o.decision.label()),
                o.date.format("%Y-%m-%d").to_string(),
            ));
        }
        let mut workbook = Workbook::new();
        let bold = Format::new().set_bold();
        let wrap = Format::new().set_text_wrap();
        let sheet = workbook.add_worksheet();
        sheet.set_name("推荐表").map_err(xlsx_error)?;
        sheet.set_column_width(0, 16).map_err(xlsx_error)?;
        sheet.set_column_width(1, 80).map_err(xlsx_error)?;
        sheet.set_column_width(2, 14).map_err(xlsx_error)?;
        for (row, (label, value, date)) in (0_u32..).zip(&lines) {
            sheet
                .write_string_with_format(row, 0, label, &bold)
                .map_err(xlsx_error)?;
            sheet
                .write_string_with_format(row, 1, value, &wrap)
                .map_err(xlsx_error)?;
            if !date.is_empty() {
                sheet.write_string(row, 2, date).map_err(xlsx_error)?;
            }
        }
        workbook.save_to_buffer().map_err(xlsx_error)
    }
}

impl App {
    /// `GET /api/v1/stats.xlsx?region=CODE`: every table of the statistics, one sheet each.
    pub async fn stats_xlsx(
        &self,
        actor: &Actor,
        region: Option<&str>,
    ) -> Result<Vec<u8>, AppError> {
        let s = self.stats(actor, region, None).await?;
        let campaign = self.current_campaign().await?;
        let mut workbook = Workbook::new();
        let bold = Format::new().set_bold();
        let mut table =
            |name: &str, head: &[&str], rows: Vec<Vec<Cell>>| -> Result<(), XlsxError> {
                let sheet = workbook.add_worksheet();
                sheet.set_name(name)?;
                for (col, h) in (0_u16..).zip(head) {
                    sheet.set_column_width(col, 20)?;
                    sheet.write_string_with_format(0, col, *h, &bold)?;
                }
                for (row, cells) in (1_u32..).zip(rows) {
                    for (col, cell) in (0_u16..).zip(cells) {
                        match cell {
                            Cell::Number(n) => sheet.write_number(row, col, n as f64)?,
                            Cell::Text(t) => sheet.write_string(row, col, t)?,
                        };
                    }
                }
                Ok(())
            };
        let pairs = |v: &crate::stats::Counts, label: &dyn Fn(&str) -> String| -> Vec<Vec<Cell>> {
            v.iter()
                .map(|(k, n)| vec![Cell::Text(label(k)), Cell::Number(*n)])
                .collect()
        };
        let same = |k: &str| k.to_owned();
        let status =
            |k: &str| Status::parse(k).map_or_else(|_| k.to_owned(), |s| s.label().to_owned());
        let section = |k: &str| {
            campaign
                .rules
                .section(k)
                .map_or_else(|| k.to_owned(), |s| s.name.clone())
        };
        let regions = s
            .by_region
            .iter()
            .map(|r| {
                vec![
                    Cell::Text(r.name.clone()),
                    Cell::Number(r.count),
                    Cell::Number(r.submitted),
                ]
            })
            .collect();
        let totals = vec![
            vec![
                Cell::Text("预计参与人数".into()),
                Cell::Number(s.participants.expected),
            ],
            vec![
                Cell::Text("实际参与人数".into()),
                Cell::Number(s.participants.real),
            ],
            vec![
                Cell::Text("经费（元）".into()),
                Cell::Number(s.funding_yuan),
            ],
            vec![
                Cell::Text("参与科技工作者".into()),
                Cell::Number(s.scientists),
            ],
            vec![
                Cell::Text("已提交工作总结".into()),
                Cell::Number(i64::try_from(s.summaries.submitted).unwrap_or(i64::MAX)),
            ],
        ];
        let quotas = s
            .quotas
            .iter()
            .map(|q| {
                vec![
                    Cell::Text(q.name.clone()),
                    Cell::Text(
                        q.section
                            .as_deref()
                            .map_or_else(|| "全部".to_owned(), section),
                    ),
                    Cell::Number(q.target),
                    Cell::Number(q.count),
                    Cell::Number(q.percent),
                ]
            })
            .collect();
        (|| -> Result<(), XlsxError> {
            table("总计", &["项目", "数量"], totals)?;
            table("按地区", &["地区", "已通过", "已提交"], regions)?;
            table("按状态", &["状态", "数量"], pairs(&s.by_status, &status))?;
            table(
                "按板块",
                &["板块", "已通过"],
                pairs(&s.by_section, &section),
            )?;
            table(
                "按对象",
                &["面向对象", "已通过"],
                pairs(&s.by_audience, &same),
            )?;
            table(
                "按场所",
                &["场所类型", "已通过"],
                pairs(&s.by_venue_type, &same),
            )?;
            table(
                "按形式",
                &["活动形式", "已通过"],
                pairs(&s.by_mode, &|k: &str| {
                    domain::activity::mode_label(k).to_owned()
                }),
            )?;
            table(
                "任务指标",
                &["对象", "板块", "指标", "已完成", "完成率%"],
                quotas,
            )
        })()
        .map_err(xlsx_error)?;
        workbook.save_to_buffer().map_err(xlsx_error)
    }
}

/// A cell of a statistics sheet.
enum Cell {
    Text(String),
    Number(i64),
}

/// Writes the heading and every page sent, then saves the workbook to an unnamed file.
fn write_table(
    dir: &std::path::Path,
    mut pages: tokio::sync::mpsc::Receiver<Vec<[String; 7]>>,
) -> Result<ExportFile, AppError> {
    let mut workbook = Workbook::new();
    workbook.set_tempdir(dir).map_err(xlsx_error)?;
    let bold = Format::new().set_bold();
    let sheet = workbook.add_worksheet_with_constant_memory();
    sheet.set_name("活动项目汇总表").map_err(xlsx_error)?;
    heading(sheet, &bold).map_err(xlsx_error)?;
    let mut row = 0_u32;
    while let Some(page) = pages.blocking_recv() {
        for cells in page {
            row += 1;
            sheet
                .write_number(row, 0, f64::from(row))
                .map_err(xlsx_error)?;
            for (col, text) in (1_u16..).zip(cells.iter()) {
                if !text.is_empty() {
                    sheet.write_string(row, col, text).map_err(xlsx_error)?;
                }
            }
        }
    }
    let mut file = tempfile::tempfile_in(dir).map_err(AppError::internal)?;
    workbook.save_to_writer(&mut file).map_err(xlsx_error)?;
    let len = file.seek(SeekFrom::End(0)).map_err(AppError::internal)?;
    file.seek(SeekFrom::Start(0)).map_err(AppError::internal)?;
    Ok(ExportFile {
        file,
        len,
        rows: u64::from(row),
    })
}

/// The rows of the first sheet under a heading that names the table's columns, with their
/// spreadsheet row numbers; blank rows skipped.
/// The most a workbook may hold once inflated: a zip bomb is refused before it is parsed.
pub const IMPORT_MAX_INFLATED: u64 = 64 * 1024 * 1024;

/// Inflates every part of the workbook into nothing, counting, and refuses it past
/// `IMPORT_MAX_INFLATED` (the sizes a zip declares are not trusted).
fn refuse_zip_bomb(bytes: &[u8]) -> Result<(), AppError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(unreadable)?;
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let entry = archive.by_index(i).map_err(unreadable)?;
        let room = IMPORT_MAX_INFLATED - total;
        total += std::io::copy(
            &mut std::io::Read::take(entry, room + 1),
            &mut std::io::sink(),
        )
        .map_err(unreadable)?;
        if total > IMPORT_MAX_INFLATED {
            return Err(AppError::TooLarge(format!(
                "导入文件解压后超过{}MB，请检查文件或分批导入",
                IMPORT_MAX_INFLATED / 1024 / 1024
            )));
        }
    }
    Ok(())
}

/// A workbook that is not one, whatever the reader's complaint.
fn unreadable<E>(_: E) -> AppError {
    AppError::Unsupported("无法读取该文件：请上传 .xlsx 格式的活动项目汇总表".to_owned())
}

/// The numbered rows of an import workbook's first sheet, refusing a zip bomb, a sheet
/// longer than [`IMPORT_MAX_ROWS`] and anything that is not an xlsx. Public for the fuzz
/// targets.
pub fn read_table(bytes: Vec<u8>) -> Result<Vec<(usize, Vec<String>)>, AppError> {
    read_sheet(bytes, &COLUMNS.map(|c| c.0), "表中没有活动")
}

/// The first sheet of an uploaded workbook whose first row is `columns`: each non-empty row
/// (past the first, numbering, column) with its number as the spreadsheet shows it. A table
/// with no such row is refused with `empty`.
pub fn read_sheet(
    bytes: Vec<u8>,
    columns: &[&str],
    empty: &str,
) -> Result<Vec<(usize, Vec<String>)>, AppError> {
    refuse_zip_bomb(&bytes)?;
    let mut book: Xlsx<_> =
        calamine::open_workbook_from_rs(Cursor::new(bytes)).map_err(unreadable)?;
    let first = book
        .sheet_names()
        .first()
        .cloned()
        .ok_or_else(|| AppError::Malformed("文件中没有工作表".to_owned()))?;
    // Cells are read one at a time and placed in a table no wider than the columns and no
    // longer than the most rows, so that a sparse sheet naming a far corner allocates nothing.
    let width = columns.len();
    let last_row = IMPORT_MAX_ROWS + 1;
    let mut table: Vec<Vec<String>> = Vec::new();
    let mut too_many_rows = 0_usize;
    {
        let mut cells = book.worksheet_cells_reader(&first).map_err(unreadable)?;
        while let Some(cell) = cells.next_cell().map_err(unreadable)? {
            let (row, col) = cell.get_position();
            let (row, col) = (row as usize, col as usize);
            if col >= width {
                continue;
            }
            let value = text_of(&Data::from(cell.get_value().clone()));
            if row >= last_row {
                if !value.trim().is_empty() {
                    too_many_rows = too_many_rows.max(row);
                }
                continue;
            }
            if table.len() <= row {
                table.resize(row + 1, vec![String::new(); width]);
            }
            if let Some(slot) = table.get_mut(row).and_then(|r| r.get_mut(col)) {
                *slot = value;
            }
        }
    }
    if too_many_rows > 0 {
        return Err(AppError::invalid_field(
            "file",
            format!(
                "一次最多导入{IMPORT_MAX_ROWS}行（本表至少{}行），请分批导入",
                too_many_rows
            ),
        ));
    }
    let mut rows = table.into_iter();
    let head: Vec<String> = rows.next().unwrap_or_default();
    for (i, name) in columns.iter().enumerate() {
        if head.get(i).map(|h| h.trim()) != Some(*name) {
            return Err(AppError::invalid_field(
                "file",
                format!(
                    "第1行须为表头：{}（第{}列应为“{name}”）",
                    columns.join("、"),
                    i + 1
                ),
            ));
        }
    }
    let out: Vec<(usize, Vec<String>)> = rows
        .enumerate()
        .map(|(i, cells)| (i + 2, cells))
        .filter(|(_, cells)| cells.iter().skip(1).any(|c| !c.trim().is_empty()))
        .collect();
    if out.is_empty() {
        return Err(AppError::invalid_field("file", empty));
    }
    if out.len() > IMPORT_MAX_ROWS {
        return Err(AppError::invalid_field(
            "file",
            format!(
                "一次最多导入{IMPORT_MAX_ROWS}行（本表{}行），请分批导入",
                out.len()
            ),
        ));
    }
    Ok(out)
}

fn text_of(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) => {
            if f.fract() == 0.0 && f.abs() < 1e15 {
                format!("{f:.0}")
            } else {
                f.to_string()
            }
        }
        Data::DateTime(dt) => excel_time(dt.as_f64()),
        other => other.to_string(),
    }
}

/// An Excel serial date (days since 1899-12-30) as `2026-09-20 09:00`.
fn excel_time(serial: f64) -> String {
    let base = chrono::NaiveDate::from_ymd_opt(1899, 12, 30)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .unwrap_or_default();
    let minutes = (serial * 24.0 * 60.0).round() as i64;
    (base + chrono::Duration::minutes(minutes))
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// `2026-09-20 09:00 至 2026-09-20 17:00` (Beijing time) into RFC 3339 times.
fn parse_range(raw: &str) -> Result<(Option<String>, Option<String>), String> {
    if raw.is_empty() {
        return Ok((None, None));
    }
    let parts: Vec<&str> = raw.split(['至', '~', '～']).map(str::trim).collect();
    // The one parser and message of the form and the API.
    let parse = |s: &str| domain::activity::parse_time(s).map(|t| t.to_rfc3339());
    let whole = "请写成“开始时间 至 结束时间”，如 2026-09-20 09:00 至 2026-09-20 17:00";
    match parts.as_slice() {
        [start, end] => Ok((Some(parse(start)?), Some(parse(end)?))),
        // One time alone (a date cell of a spreadsheet): the start; the end is filled in
        // on the form later.
        [start] => parse(start)
            .map(|start| (Some(start), None))
            .map_err(|_| whole.to_owned()),
        _ => Err(whole.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_time_range_reads_as_written() {
        let (s, e) = parse_range("2026-09-20 09:00 至 2026-09-20 17:00").unwrap();
        assert_eq!(s.as_deref(), Some("2026-09-20T09:00:00+08:00"));
        assert_eq!(e.as_deref(), Some("2026-09-20T17:00:00+08:00"));
        assert!(
            parse_range("明天上午")
                .unwrap_err()
                .contains("开始时间 至 结束时间")
        );
        // The form's and the API's message, word for word.
        for bad in [
            "2026-09-20 至 2026-09-21",
            "2026-02-30 09:00 至 2026-03-01 09:00",
        ] {
            assert_eq!(
                parse_range(bad).unwrap_err(),
                domain::activity::TIME_FORMAT,
                "{bad}"
            );
        }
    }

    #[test]
    fn an_excel_date_reads_as_a_time() {
        assert_eq!(excel_time(46285.375), "2026-09-20 09:00");
    }

    #[test]
    fn the_exported_time_is_beijing_time() {
        let s = DateTime::parse_from_rfc3339("2026-09-20T01:00:00Z")
            .unwrap()
            .to_utc();
        assert_eq!(
            time_range(Some(s), Some(s)),
            "2026-09-20 09:00 至 2026-09-20 09:00"
        );
    }
}
