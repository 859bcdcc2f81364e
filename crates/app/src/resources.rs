//! The publicity resource library (宣传资源库, DESIGN.md §8.1). A national administrator
//! manages the national campaign's resources, a province's administrators their
//! campaign's; drafts are theirs alone, published resources are everyone's. A file is
//! streamed to a temporary file, its format found from its content (never its name),
//! checked by parsing it, and only then stored; downloads are counted once per address,
//! file and day.

use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use domain::FieldErrors;
use domain::region::{NATIONAL, RegionLevel, RegionPath};
use domain::resources::{FileFormat, ResourceInput, ResourceKind, ResourceStatus};
use serde::{Deserialize, Serialize};
use store::entities::{resource, resource_file};
use store::sea_orm::sea_query::{Expr, ExprTrait};
use store::sea_orm::{ColumnTrait, Condition};
use utoipa::ToSchema;

use crate::paging::{Page, Paged};
use crate::{Actor, App, AppError};

/// A file of a resource, as the API answers it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ResourceFileView {
    /// Id.
    pub id: i64,
    /// 下载文件名
    pub name: String,
    /// 格式（按内容识别）
    pub format: FileFormat,
    /// 字节数
    pub bytes: i64,
    /// 宽（像素，图片）
    #[serde(skip_serializing_if = "Option::is_none")]
    pub width: Option<i32>,
    /// 高（像素，图片）
    #[serde(skip_serializing_if = "Option::is_none")]
    pub height: Option<i32>,
    /// 时长（秒，视频）
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seconds: Option<f64>,
    /// 下载次数（同一地址每天计一次）
    pub downloads: i64,
    /// 下载地址
    pub url: String,
}

/// A resource, as the API answers it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ResourceView {
    /// Id.
    pub id: i64,
    /// 所属活动季
    pub campaign_id: i64,
    /// 类别
    pub kind: ResourceKind,
    /// 标题
    pub title: String,
    /// 说明
    pub description: String,
    /// 使用规范
    pub usage_note: String,
    /// 标签
    pub tags: Vec<String>,
    /// `draft` or `published`.
    pub status: ResourceStatus,
    /// 文件
    pub files: Vec<ResourceFileView>,
    /// 全部文件的下载次数
    pub downloads: i64,
    /// 发布时间
    pub published_at: Option<DateTime<Utc>>,
    /// Whether the caller may upload to, publish or delete it.
    pub manageable: bool,
}

/// The resource list's filters.
#[derive(Debug, Clone, Default, Deserialize, ToSchema, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ResourceQuery {
    /// 活动季
    pub campaign: Option<i64>,
    /// 类别
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    pub kind: Option<String>,
    /// Words in the title, description or tags.
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    pub q: Option<String>,
    /// Page (from 1).
    pub page: Option<i64>,
    /// Per page (1–100).
    pub per_page: Option<i64>,
}

/// Where an upload to a resource may be streamed, and how large it may grow.
#[derive(Debug)]
pub struct ResourceSlot {
    /// The resource.
    pub resource_id: i64,
    /// Its kind.
    pub kind: ResourceKind,
    /// A temporary file to stream into.
    pub temp_path: PathBuf,
    /// The most bytes accepted.
    pub max_bytes: u64,
}

/// A stored file to send: its row (name, type, size, ETag).
pub type ResourceFile = resource_file::Model;

/// The condition "a resource this actor manages": national administrators every one,
/// province administrators their province's; nobody else any.
fn managed(actor: &Actor) -> Condition {
    let mut any = Condition::any();
    for grant in &actor.grants {
        match grant.role.governs() {
            Some(None) => return Condition::all(),
            Some(Some(RegionLevel::Province)) => {
                any = any.add(resource::Column::ProvinceCode.eq(grant.region_code.clone()))
            }
            _ => {}
        }
    }
    if any.is_empty() {
        return Condition::all().add(Expr::val(1).eq(0));
    }
    any
}

/// Whether the actor manages any resources (a national or a province's administrator).
pub fn may_manage_resources(actor: &Actor) -> bool {
    actor.grants.iter().any(|g| {
        matches!(
            g.role.governs(),
            Some(None) | Some(Some(RegionLevel::Province))
        )
    })
}

/// The condition "the public sees it, or this caller manages it".
fn visible(caller: Option<&Actor>) -> Condition {
    let published =
        Condition::all().add(resource::Column::Status.eq(ResourceStatus::Published.as_str()));
    match caller {
        Some(actor) if actor.is_admin() => Condition::any().add(published).add(managed(actor)),
        _ => published,
    }
}

fn not_found() -> AppError {
    AppError::NotFound("未找到该宣传资源".to_owned())
}

fn out_of_scope() -> AppError {
    AppError::Forbidden(
        "只有全国管理员可以管理全国活动季的宣传资源，省级管理员管理本省活动季的宣传资源".to_owned(),
    )
}

fn path_of(r: &resource::Model) -> RegionPath {
    RegionPath {
        province: r.province_code.clone(),
        city: None,
        county: None,
    }
}

fn file_view(f: resource_file::Model) -> ResourceFileView {
    ResourceFileView {
        url: format!("/api/v1/resources/{}/files/{}", f.resource_id, f.id),
        id: f.id,
        name: f.name,
        format: FileFormat::parse(&f.format).unwrap_or(FileFormat::Pdf),
        bytes: f.bytes,
        width: f.width,
        height: f.height,
        seconds: f.seconds,
        downloads: f.downloads,
    }
}

impl App {
    /// The campaign a new resource belongs to and its province: the one named, or the
    /// actor's own (national administrators the national one, a province's administrators
    /// their province's current one). Refuses an actor who does not manage it.
    async fn resource_campaign(
        &self,
        actor: &Actor,
        campaign_id: Option<i64>,
    ) -> Result<(i64, Option<String>), AppError> {
        let campaign = match campaign_id {
            Some(id) => store::campaigns::find(&self.db, id)
                .await?
                .ok_or_else(|| AppError::invalid_field("campaign_id", "未找到该活动季"))?,
            None if actor.is_national_admin() => store::campaigns::current(&self.db, NATIONAL)
                .await?
                .ok_or_else(|| AppError::NotFound("当前没有进行中的全国活动".to_owned()))?,
            None => {
                let province = actor
                    .grants
                    .iter()
                    .find(|g| g.role.governs() == Some(Some(RegionLevel::Province)));
                let Some(province) = province else {
                    return Err(out_of_scope());
                };
                store::campaigns::current(&self.db, &province.region_code)
                    .await?
                    .ok_or_else(|| {
                        AppError::invalid_field(
                            "campaign_id",
                            "本省尚无当前活动季，请先由全国管理员设立，或指定活动季",
                        )
                    })?
            }
        };
        let path = crate::regions::locate(&self.db, &campaign.region_code)
            .await?
            .map(|l| l.path)
            .unwrap_or_default();
        let province = path.province.clone();
        let allowed = actor.is_national_admin()
            || province.as_deref().is_some_and(|p| {
                actor.grants.iter().any(|g| {
                    g.role.governs() == Some(Some(RegionLevel::Province)) && g.region_code == p
                })
            });
        if !allowed {
            return Err(out_of_scope());
        }
        Ok((campaign.id, province))
    }

    async fn resource_views(
        &self,
        caller: Option<&Actor>,
        rows: Vec<resource::Model>,
    ) -> Result<Vec<ResourceView>, AppError> {
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let mut files = store::resources::files_of(&self.db, ids).await?;
        let manageable: Vec<i64> = match caller.filter(|a| a.is_admin()) {
            Some(actor) => {
                let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
                store::resources::ids_within(&self.db, ids, managed(actor)).await?
            }
            None => Vec::new(),
        };
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let (mine, rest): (Vec<_>, Vec<_>) =
                files.into_iter().partition(|f| f.resource_id == r.id);
            files = rest;
            let files: Vec<ResourceFileView> = mine.into_iter().map(file_view).collect();
            out.push(ResourceView {
                id: r.id,
                campaign_id: r.campaign_id,
                kind: ResourceKind::parse(&r.kind).unwrap_or(ResourceKind::Document),
                title: r.title,
                description: r.description,
                usage_note: r.usage_note,
                tags: serde_json::from_str(&r.tags).unwrap_or_default(),
                status: ResourceStatus::parse(&r.status).unwrap_or(ResourceStatus::Draft),
                downloads: files.iter().map(|f| f.downloads).sum(),
                files,
                published_at: r.published_at,
                manageable: manageable.contains(&r.id),
            });
        }
        Ok(out)
    }

    async fn resource_view(
        &self,
        caller: Option<&Actor>,
        row: resource::Model,
    ) -> Result<ResourceView, AppError> {
        self.resource_views(caller, vec![row])
            .await?
            .pop()
            .ok_or_else(not_found)
    }

    /// `POST /api/v1/resources`: a draft, in a campaign the actor manages.
    pub async fn create_resource(
        &self,
        actor: &Actor,
        input: ResourceInput,
    ) -> Result<ResourceView, AppError> {
        let campaign_id = input.campaign_id;
        let mut errors = FieldErrors::new();
        let settings = input.apply(&mut errors);
        let (campaign_id, province) = self.resource_campaign(actor, campaign_id).await?;
        let Some(s) = settings.filter(|_| errors.is_empty()) else {
            return Err(AppError::invalid(errors));
        };
        let now = self.clock.now();
        let txn = store::sea_orm::TransactionTrait::begin(&self.db).await?;
        let row = store::resources::insert(
            &txn,
            store::resources::NewResource {
                campaign_id,
                province_code: province,
                kind: s.kind.as_str().to_owned(),
                title: s.title,
                description: s.description,
                usage_note: s.usage_note,
                tags: serde_json::to_string(&s.tags).map_err(AppError::internal)?,
                created_by: actor.user_id,
            },
            now,
        )
        .await?;
        crate::audit::record(
            &txn,
            now,
            Some(actor),
            crate::audit::Event::ok(
                "resource.create",
                "resource",
                row.id,
                &path_of(&row),
                serde_json::json!({"kind": row.kind, "title": row.title, "campaign_id": campaign_id}),
            ),
        )
        .await?;
        txn.commit().await?;
        self.resource_view(Some(actor), row).await
    }

    /// The resource `id` if the actor manages it: 404 when there is none the actor may
    /// see, 403 when it is published but someone else's.
    async fn managed_resource(&self, actor: &Actor, id: i64) -> Result<resource::Model, AppError> {
        if let Some(row) = store::resources::find_in(&self.db, id, managed(actor)).await? {
            return Ok(row);
        }
        match store::resources::find_in(&self.db, id, visible(Some(actor))).await? {
            Some(_) => Err(out_of_scope()),
            None => Err(not_found()),
        }
    }

    /// Checks that the actor manages the resource and prepares a temporary file for an
    /// upload as large as the resource's kind takes.
    pub async fn begin_resource_upload(
        &self,
        actor: &Actor,
        id: i64,
    ) -> Result<ResourceSlot, AppError> {
        let row = self.managed_resource(actor, id).await?;
        let kind = ResourceKind::parse(&row.kind).ok_or_else(not_found)?;
        let tmp = self.config.data_dir.join("incoming");
        tokio::fs::create_dir_all(&tmp)
            .await
            .map_err(AppError::internal)?;
        Ok(ResourceSlot {
            resource_id: id,
            kind,
            temp_path: tmp.join(crate::random_hex(16)?),
            max_bytes: self.config.resources.max_bytes(kind),
        })
    }

    /// Checks the streamed file by its content, stores it and records it under its
    /// download name (`name` as typed, else the uploaded file's). The temporary file is
    /// removed whatever happens.
    pub async fn finish_resource_upload(
        &self,
        actor: &Actor,
        slot: ResourceSlot,
        name: Option<String>,
        uploaded_name: Option<String>,
    ) -> Result<ResourceFileView, AppError> {
        let result = self
            .store_resource_file(actor, &slot, name, uploaded_name)
            .await;
        tokio::fs::remove_file(&slot.temp_path).await.ok();
        result
    }

    async fn store_resource_file(
        &self,
        actor: &Actor,
        slot: &ResourceSlot,
        name: Option<String>,
        uploaded_name: Option<String>,
    ) -> Result<ResourceFileView, AppError> {
        let bytes = tokio::fs::metadata(&slot.temp_path)
            .await
            .map_err(AppError::internal)?
            .len();
        if bytes == 0 {
            return Err(AppError::invalid_field("file", "请选择要上传的文件"));
        }
        let path = slot.temp_path.clone();
        let decode_mib = self.config.media.decode_max_mib;
        let found = {
            // Decodes wait their turn: a burst of large images never multiplies the memory.
            let _turn = self.decodes.acquire().await.map_err(AppError::internal)?;
            tokio::task::spawn_blocking(move || inspect_resource(&path, decode_mib))
                .await
                .map_err(AppError::internal)??
        };
        if !slot.kind.takes(found.format) {
            return Err(AppError::Unsupported(format!(
                "{}（此文件为{}）",
                slot.kind.formats_message(),
                found.format.label()
            )));
        }
        let name = domain::resources::download_name(
            name.as_deref(),
            uploaded_name.as_deref(),
            found.format,
        )
        .map_err(|m| AppError::invalid_field("name", m))?;
        let path = slot.temp_path.clone();
        let etag = tokio::task::spawn_blocking(move || crate::sha256_of_file(&path))
            .await
            .map_err(AppError::internal)??;
        let key = format!(
            "resources/{}/{}.{}",
            slot.resource_id,
            crate::random_hex(16)?,
            found.format.extensions().first().copied().unwrap_or("bin")
        );
        self.files.put_file(&key, &slot.temp_path).await?;
        let now = self.clock.now();
        let recorded = store::resources::add_file_in(
            &self.db,
            slot.resource_id,
            managed(actor),
            self.config.resources.max_files,
            store::resources::NewFile {
                name,
                format: found.format.as_str().to_owned(),
                content_type: found.format.content_type().to_owned(),
                bytes: i64::try_from(bytes).unwrap_or(i64::MAX),
                width: found.width,
                height: found.height,
                seconds: found.seconds,
                storage_key: key.clone(),
                etag,
            },
            now,
        )
        .await;
        let recorded = match recorded {
            Ok(recorded) => recorded,
            Err(e) => {
                // The file was stored first: a row that could not be written leaves no file.
                self.files.delete(&key).await.ok();
                return Err(e.into());
            }
        };
        let row = match recorded {
            Ok(Some(row)) => row,
            refused => {
                self.files.delete(&key).await?;
                return Err(match refused {
                    Err(held) => AppError::invalid_field(
                        "file",
                        format!("每项资源最多{held}个文件，请先删除不用的资源再上传"),
                    ),
                    _ => not_found(),
                });
            }
        };
        let resource = store::resources::find(&self.db, slot.resource_id)
            .await?
            .ok_or_else(not_found)?;
        self.record_alone(
            Some(actor),
            crate::audit::Event::ok(
                "resource.file",
                "resource",
                slot.resource_id,
                &path_of(&resource),
                serde_json::json!({"file_id": row.id, "format": row.format, "bytes": row.bytes, "name": row.name}),
            ),
        )
        .await?;
        Ok(file_view(row))
    }

    /// `POST /api/v1/resources/{id}/publish`.
    pub async fn publish_resource(&self, actor: &Actor, id: i64) -> Result<ResourceView, AppError> {
        let row = self.managed_resource(actor, id).await?;
        if row.status == ResourceStatus::Published.as_str() {
            return self.resource_view(Some(actor), row).await;
        }
        let now = self.clock.now();
        let txn = store::sea_orm::TransactionTrait::begin(&self.db).await?;
        if !store::resources::publish_in(&txn, id, managed(actor), now).await? {
            return Err(AppError::invalid_field(
                "files",
                "请先上传至少一个文件，再发布",
            ));
        }
        crate::audit::record(
            &txn,
            now,
            Some(actor),
            crate::audit::Event::ok(
                "resource.publish",
                "resource",
                id,
                &path_of(&row),
                serde_json::json!({}),
            ),
        )
        .await?;
        txn.commit().await?;
        let row = store::resources::find(&self.db, id)
            .await?
            .ok_or_else(not_found)?;
        self.resource_view(Some(actor), row).await
    }

    /// `DELETE /api/v1/resources/{id}`: the resource, its files and their counts.
    pub async fn delete_resource(&self, actor: &Actor, id: i64) -> Result<(), AppError> {
        self.managed_resource(actor, id).await?;
        let Some((row, keys)) = store::resources::delete_in(&self.db, id, managed(actor)).await?
        else {
            return Err(not_found());
        };
        self.record_alone(
            Some(actor),
            crate::audit::Event::ok(
                "resource.delete",
                "resource",
                id,
                &path_of(&row),
                serde_json::json!({"title": row.title, "files": keys.len()}),
            ),
        )
        .await?;
        for key in keys {
            self.files.delete(&key).await?;
        }
        Ok(())
    }

    /// `GET /api/v1/resources`: published resources; administrators also see the drafts
    /// they manage.
    pub async fn resources(
        &self,
        caller: Option<&Actor>,
        query: ResourceQuery,
    ) -> Result<Paged<ResourceView>, AppError> {
        let page = Page::parse(query.page, query.per_page)?;
        let mut filter = Condition::all().add(visible(caller));
        if let Some(campaign) = query.campaign {
            filter = filter.add(resource::Column::CampaignId.eq(campaign));
        }
        if let Some(k) = query.kind.as_deref() {
            let k = ResourceKind::parse(k.trim())
                .ok_or_else(|| AppError::Malformed(format!("未知资源类别“{k}”")))?;
            filter = filter.add(resource::Column::Kind.eq(k.as_str()));
        }
        if let Some(q) = query.q.as_deref() {
            if q.chars().count() > 50 {
                return Err(AppError::Malformed("搜索词不能超过50个字".to_owned()));
            }
            let q = q.trim();
            filter = filter.add(
                Condition::any()
                    .add(resource::Column::Title.contains(q))
                    .add(resource::Column::Description.contains(q))
                    .add(resource::Column::Tags.contains(q)),
            );
        }
        let (rows, total) =
            store::resources::page(&self.db, filter, page.offset(), page.per_page).await?;
        Ok(Paged {
            items: self.resource_views(caller, rows).await?,
            total,
            page: page.page,
            per_page: page.per_page,
        })
    }

    /// `GET /api/v1/resources/{id}`: anyone once published; its managers before.
    pub async fn resource(
        &self,
        caller: Option<&Actor>,
        id: i64,
    ) -> Result<ResourceView, AppError> {
        let row = store::resources::find_in(&self.db, id, visible(caller))
            .await?
            .ok_or_else(not_found)?;
        self.resource_view(caller, row).await
    }

    /// A file the caller may download (of a published resource, or one they manage).
    pub async fn resource_file(
        &self,
        caller: Option<&Actor>,
        id: i64,
        file_id: i64,
    ) -> Result<ResourceFile, AppError> {
        store::resources::find_in(&self.db, id, visible(caller))
            .await?
            .ok_or_else(not_found)?;
        store::resources::file(&self.db, id, file_id)
            .await?
            .ok_or_else(|| AppError::NotFound("未找到该文件".to_owned()))
    }

    /// Counts a download of the file by the current request's address, once a day (Beijing
    /// time). The address is kept only hashed with the file and the day.
    pub async fn count_resource_download(&self, file_id: i64) -> Result<(), AppError> {
        let ip = crate::audit::origin().ip.unwrap_or_default();
        let day = domain::campaign::beijing_date(self.clock.now()).to_string();
        let key = crate::sha256_hex(&format!("{file_id}|{day}|{ip}"));
        store::resources::count_download(&self.db, file_id, &day, &key).await?;
        Ok(())
    }

    /// Forgets download records of days before yesterday: they only ever served to count
    /// an address once a day. Runs with the background jobs; answers how many went.
    pub async fn purge_download_records(&self) -> Result<u64, AppError> {
        let yesterday =
            domain::campaign::beijing_date(self.clock.now()) - chrono::Duration::days(1);
        Ok(store::resources::purge_downloads_before(&self.db, &yesterday.to_string()).await?)
    }
}

/// What a resource file was found to be.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    /// The format, from its content.
    pub format: FileFormat,
    /// Width in pixels (images, videos).
    pub width: Option<i32>,
    /// Height in pixels.
    pub height: Option<i32>,
    /// Duration (videos).
    pub seconds: Option<f64>,
}

impl Found {
    fn plain(format: FileFormat) -> Found {
        Found {
            format,
            width: None,
            height: None,
            seconds: None,
        }
    }
}

fn unrecognised() -> AppError {
    AppError::Unsupported(
        "无法识别的文件格式；宣传资源接受 PNG、JPEG、SVG 图片，PDF、Word、PowerPoint、Excel 文档和 MP4 视频"
            .to_owned(),
    )
}

/// Finds a resource file's format from its content and checks it by parsing: images are
/// decoded under a memory limit, PDFs must end with their marker, OOXML files must be the
/// zip they claim (and carry no macros), MP4s must parse with a video track, and an SVG
/// must be well-formed XML with no script, event handler or external reference. Public
/// for the fuzz targets.
pub fn inspect_resource(path: &Path, decode_max_mib: u64) -> Result<Found, AppError> {
    let mut file = std::fs::File::open(path).map_err(AppError::internal)?;
    let mut head = [0u8; 512];
    let n = file.read(&mut head).map_err(AppError::internal)?;
    let head = head.get(..n).unwrap_or_default();
    if head.starts_with(b"\x89PNG\r\n\x1a\n") || head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return inspect_image(path, decode_max_mib);
    }
    if head.starts_with(b"%PDF-") {
        crate::media::check_pdf_end(&mut file)?;
        return Ok(Found::plain(FileFormat::Pdf));
    }
    if head.starts_with(b"PK\x03\x04") {
        return inspect_ooxml(path).map(Found::plain);
    }
    if head.get(4..8) == Some(b"ftyp".as_slice()) {
        let video = crate::media::inspect_video(path, u32::MAX)?;
        return Ok(Found {
            format: FileFormat::Mp4,
            width: video.width,
            height: video.height,
            seconds: video.seconds,
        });
    }
    let text = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let text = text.trim_ascii_start();
    if text.starts_with(b"<") {
        check_svg(BufReader::new(
            std::fs::File::open(path).map_err(AppError::internal)?,
        ))?;
        return Ok(Found::plain(FileFormat::Svg));
    }
    Err(unrecognised())
}

fn broken_image() -> AppError {
    AppError::invalid_field("file", "图片已损坏或无法识别，请重新导出后上传")
}

/// Decodes a PNG or JPEG whole, under a memory limit, to prove it is one; the file is kept
/// as uploaded (an official poster is offered as its designer made it).
fn inspect_image(path: &Path, decode_max_mib: u64) -> Result<Found, AppError> {
    let reader = image::ImageReader::open(path)
        .map_err(AppError::internal)?
        .with_guessed_format()
        .map_err(AppError::internal)?;
    let format = match reader.format() {
        Some(image::ImageFormat::Png) => FileFormat::Png,
        Some(image::ImageFormat::Jpeg) => FileFormat::Jpeg,
        _ => return Err(unrecognised()),
    };
    if format == FileFormat::Jpeg && !crate::media::ends_with_eoi(path)? {
        return Err(AppError::invalid_field(
            "file",
            "图片不完整（缺少结束标记），请重新导出后上传",
        ));
    }
    let (width, height) = reader.into_dimensions().map_err(|_| broken_image())?;
    // RGBA at most: what a whole decode of this size needs.
    let needs = u64::from(width) * u64::from(height) * 4;
    if needs > decode_max_mib * 1024 * 1024 {
        return Err(AppError::invalid_field(
            "file",
            format!(
                "图片像素过多（{width}×{height}），无法校验；请导出为不超过{}万像素的图片，或上传 PDF",
                decode_max_mib * 1024 * 1024 / 4 / 10_000
            ),
        ));
    }
    let mut reader = image::ImageReader::open(path)
        .map_err(AppError::internal)?
        .with_guessed_format()
        .map_err(AppError::internal)?;
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(decode_max_mib * 1024 * 1024);
    reader.limits(limits);
    reader.decode().map_err(|_| broken_image())?;
    Ok(Found {
        format,
        width: Some(i32::try_from(width).unwrap_or(i32::MAX)),
        height: Some(i32::try_from(height).unwrap_or(i32::MAX)),
        seconds: None,
    })
}

/// An OOXML document (DOCX, PPTX, XLSX) read as the zip it is: its content-types part and
/// its main part must be there, and no macro project.
fn inspect_ooxml(path: &Path) -> Result<FileFormat, AppError> {
    let broken = || AppError::invalid_field("file", "文件已损坏或无法识别，请重新导出后上传");
    let archive = zip::ZipArchive::new(std::fs::File::open(path).map_err(AppError::internal)?)
        .map_err(|_| broken())?;
    let names: Vec<&str> = archive.file_names().collect();
    if names
        .iter()
        .any(|n| n.to_ascii_lowercase().ends_with("vbaproject.bin"))
    {
        return Err(AppError::invalid_field(
            "file",
            "文件含有宏，请另存为不含宏的文档（docx、pptx、xlsx）后上传",
        ));
    }
    if !names.contains(&"[Content_Types].xml") {
        return Err(unrecognised());
    }
    let format = if names.contains(&"word/document.xml") {
        FileFormat::Docx
    } else if names.contains(&"ppt/presentation.xml") {
        FileFormat::Pptx
    } else if names.contains(&"xl/workbook.xml") {
        FileFormat::Xlsx
    } else {
        return Err(unrecognised());
    };
    Ok(format)
}

fn svg_refused(what: &str) -> AppError {
    AppError::Refused {
        code: "file_rules",
        field: "file",
        message: format!("SVG 文件{what}，存在安全风险，请删除后重新导出上传"),
    }
}

/// Whether a reference stays inside the file: a fragment, or an embedded raster image.
fn internal_reference(value: &str) -> bool {
    let v = value.trim().to_ascii_lowercase();
    v.is_empty()
        || v.starts_with('#')
        || v.starts_with("data:image/png")
        || v.starts_with("data:image/jpeg")
        || v.starts_with("data:image/gif")
        || v.starts_with("data:image/webp")
}

/// Every `url(…)` in a style names a fragment of this file, and nothing imports or runs.
fn style_problem(value: &str) -> Option<&'static str> {
    let lower = value.to_ascii_lowercase();
    if lower.contains("javascript:") || lower.contains("expression(") {
        return Some("含有脚本");
    }
    if lower.contains("@import") {
        return Some("含有外部引用（@import）");
    }
    let mut rest = lower.as_str();
    while let Some(at) = rest.find("url(") {
        rest = rest.get(at + 4..).unwrap_or_default();
        let target = rest.trim_start().trim_start_matches(['"', '\'']);
        let end = target.find(')').unwrap_or(target.len());
        if !internal_reference(
            target
                .get(..end)
                .unwrap_or_default()
                .trim_end_matches(['"', '\'']),
        ) {
            return Some("含有外部引用（url）");
        }
    }
    None
}

/// A well-formed SVG with no script, event handler or external reference. Public for the
/// fuzz targets.
pub fn check_svg(source: impl std::io::BufRead) -> Result<(), AppError> {
    use quick_xml::events::Event;
    let broken = || {
        AppError::invalid_field(
            "file",
            "SVG 文件格式不正确（不是完整的 XML），请重新导出后上传",
        )
    };
    let mut reader = quick_xml::Reader::from_reader(source);
    reader.config_mut().check_end_names = true;
    let mut buf = Vec::new();
    let mut depth = 0usize;
    let mut root_seen = false;
    let mut in_style = false;
    loop {
        let event = reader.read_event_into(&mut buf).map_err(|_| broken())?;
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let local = e.local_name().as_ref().to_ascii_lowercase();
                if depth == 0 {
                    if root_seen || local != "svg" {
                        return Err(AppError::Unsupported(
                            "文件不是 SVG 图形（根元素须为 svg）".to_owned(),
                        ));
                    }
                    root_seen = true;
                }
                match local.as_str() {
                    "script" => return Err(svg_refused("含有脚本（script）")),
                    "foreignobject" | "iframe" | "embed" | "object" => {
                        return Err(svg_refused("含有嵌入的外部内容（foreignObject 等）"));
                    }
                    _ => {}
                }
                for attr in e.attributes() {
                    let attr = attr.map_err(|_| broken())?;
                    let key = attr.key.local_name().as_ref().to_ascii_lowercase();
                    let value = attr
                        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .map_err(|_| broken())?;
                    if key.starts_with("on") {
                        return Err(svg_refused(&format!("含有事件处理属性（{key}）")));
                    }
                    if matches!(key.as_str(), "href" | "src") && !internal_reference(&value) {
                        return Err(svg_refused("含有外部引用（href）"));
                    }
                    if let Some(problem) = style_problem(&value) {
                        return Err(svg_refused(problem));
                    }
                }
                if matches!(event, Event::Start(_)) {
                    depth += 1;
                    in_style = local == "style";
                }
            }
            Event::End(_) => {
                depth = depth.checked_sub(1).ok_or_else(broken)?;
                in_style = false;
            }
            Event::Text(ref t) if in_style => {
                if let Some(problem) = style_problem(t) {
                    return Err(svg_refused(problem));
                }
            }
            Event::CData(ref t) if in_style => {
                if let Some(problem) = style_problem(t) {
                    return Err(svg_refused(problem));
                }
            }
            // A character or entity reference inside a style could spell what the checks
            // above look for.
            Event::GeneralRef(_) if in_style => return Err(svg_refused("的样式中含有字符引用")),
            Event::DocType(ref d) if d.contains('[') => {
                return Err(svg_refused("含有内部 DTD（实体声明）"));
            }
            Event::PI(_) => return Err(svg_refused("含有处理指令（如外部样式表）")),
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    if !root_seen || depth != 0 {
        return Err(broken());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn svg(text: &str) -> Result<(), String> {
        check_svg(text.as_bytes()).map_err(|e| match e {
            AppError::Validation { fields, .. } => {
                fields.get("file").unwrap_or_default().to_owned()
            }
            other => other.to_string(),
        })
    }

    #[test]
    fn a_plain_svg_passes() {
        svg(r##"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10">
  <defs><linearGradient id="g"><stop offset="0" stop-color="#1a73e8"/></linearGradient></defs>
  <style>.a{fill:url(#g)}</style>
  <rect class="a" width="10" height="10" style="fill: url('#g')"/>
  <use xlink:href="#g"/>
  <image href="data:image/png;base64,iVBORw0KGgo="/>
</svg>"##)
        .unwrap();
    }

    #[test]
    fn script_handlers_and_external_references_are_refused() {
        for (bad, says) in [
            (
                r#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#,
                "script",
            ),
            (
                r#"<svg xmlns="http://www.w3.org/2000/svg"><svg:script xmlns:svg="http://www.w3.org/2000/svg"/></svg>"#,
                "script",
            ),
            (
                r#"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>"#,
                "onload",
            ),
            (
                r#"<svg xmlns="http://www.w3.org/2000/svg"><rect ONCLICK="x()"/></svg>"#,
                "onclick",
            ),
            (
                r#"<svg xmlns="http://www.w3.org/2000/svg"><a href="javascript:alert(1)"><text>x</text></a></svg>"#,
                "href",
            ),
            (
                r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><image xlink:href="https://evil.example/a.png"/></svg>"#,
                "href",
            ),
            (
                r#"<svg xmlns="http://www.w3.org/2000/svg"><use href="other.svg#x"/></svg>"#,
                "href",
            ),
            (
                r#"<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:url(https://evil.example/p)"/></svg>"#,
                "url",
            ),
            (
                r#"<svg xmlns="http://www.w3.org/2000/svg"><style>@import 'https://evil.example/x.css';</style></svg>"#,
                "@import",
            ),
            (
                r#"<svg xmlns="http://www.w3.org/2000/svg"><style>a{background:u&#114;l(//evil.example)}</style></svg>"#,
                "字符引用",
            ),
            (
                r#"<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><iframe src="https://x"/></foreignObject></svg>"#,
                "foreignObject",
            ),
            (
                r#"<?xml-stylesheet href="https://evil.example/x.css"?><svg xmlns="http://www.w3.org/2000/svg"/>"#,
                "处理指令",
            ),
            (
                r#"<!DOCTYPE svg [<!ENTITY x "y">]><svg xmlns="http://www.w3.org/2000/svg">&x;</svg>"#,
                "DTD",
            ),
            (
                r#"<svg xmlns="http://www.w3.org/2000/svg" data-x="a" fill="url( 'http://x/y' )"/>"#,
                "url",
            ),
        ] {
            let message = svg(bad).unwrap_err();
            assert!(message.contains(says), "{bad}: {message}");
            assert!(message.contains("存在安全风险"), "{message}");
        }
    }

    #[test]
    fn what_is_not_an_svg_is_told_apart() {
        assert!(
            svg("<html><body/></html>")
                .unwrap_err()
                .contains("根元素须为 svg")
        );
        assert!(svg("<svg><g></svg>").unwrap_err().contains("格式不正确"));
        assert!(svg("<svg>").unwrap_err().contains("格式不正确"));
    }
}
