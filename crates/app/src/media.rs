//! Uploaded media: posters, photos, videos and audience evidence. A file is streamed to a
//! temporary file (never held in memory), then checked by decoding it — its type from its
//! content, never its name — and only then stored and recorded. It is attached to nothing
//! until its activity (or supplement) names it.

use std::io::BufReader;
use std::path::{Path, PathBuf};

use image::{ImageFormat, ImageReader, Limits};
use serde::Serialize;
use store::entities::media;

use crate::activities::{Standing, standing};
use crate::{Actor, App, AppError};

/// What an upload is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaKind {
    /// 宣传图: exactly the configured size.
    Poster,
    /// 活动图片.
    Photo,
    /// 活动视频.
    Video,
    /// 参与人数佐证照片.
    Evidence,
}

impl MediaKind {
    /// Parses the multipart `kind` field.
    pub fn parse(raw: &str) -> Result<MediaKind, AppError> {
        match raw.trim() {
            "poster" => Ok(MediaKind::Poster),
            "photo" => Ok(MediaKind::Photo),
            "video" => Ok(MediaKind::Video),
            "evidence" => Ok(MediaKind::Evidence),
            _ => Err(AppError::invalid_field(
                "kind",
                "kind 须为 poster、photo、video 或 evidence",
            )),
        }
    }

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            MediaKind::Poster => "poster",
            MediaKind::Photo => "photo",
            MediaKind::Video => "video",
            MediaKind::Evidence => "evidence",
        }
    }
}

/// An accepted upload, as the API answers it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MediaView {
    /// Id, to name in the activity or supplement.
    pub id: i64,
    /// Kind.
    pub kind: String,
    /// Where it can be fetched.
    pub url: String,
    /// Width in pixels.
    pub width: Option<i32>,
    /// Height in pixels.
    pub height: Option<i32>,
    /// Duration of a video, in seconds.
    pub seconds: Option<f64>,
    /// What the host confirmed about the people shown (photos, videos, evidence).
    pub consent: Option<domain::consent::Consent>,
}

impl From<media::Model> for MediaView {
    fn from(m: media::Model) -> Self {
        MediaView {
            url: format!("/api/v1/media/{}", m.id),
            id: m.id,
            kind: m.kind,
            width: m.width,
            height: m.height,
            seconds: m.seconds,
            consent: m
                .consent
                .as_deref()
                .and_then(|c| domain::consent::Consent::parse(c).ok()),
        }
    }
}

/// The 413 for an upload past its limit.
pub fn too_large(slot: &UploadSlot) -> AppError {
    let label = match slot.kind {
        MediaKind::Poster => "宣传图",
        MediaKind::Photo => "图片",
        MediaKind::Video => "视频",
        MediaKind::Evidence => "佐证照片",
    };
    AppError::TooLarge(format!(
        "{label}不能超过{}MB",
        slot.max_bytes / (1024 * 1024)
    ))
}

/// Where an upload may be streamed, and how large it may grow.
#[derive(Debug)]
pub struct UploadSlot {
    /// The activity.
    pub activity_id: i64,
    /// The kind.
    pub kind: MediaKind,
    /// A temporary file to stream into.
    pub temp_path: PathBuf,
    /// The most bytes accepted.
    pub max_bytes: u64,
    /// The campaign's longest video, in seconds.
    max_video_seconds: u32,
    /// The host's answer on the people shown (none for a poster).
    consent: Option<domain::consent::Consent>,
}

/// What inspecting a file found.
#[derive(Debug)]
pub struct Inspected {
    /// The media type the file was found to be.
    pub content_type: &'static str,
    /// The extension it is stored under.
    pub extension: &'static str,
    /// Width in pixels (images and videos).
    pub width: Option<i32>,
    /// Height in pixels.
    pub height: Option<i32>,
    /// Duration (videos).
    pub seconds: Option<f64>,
    /// What a photo's original EXIF said (read before it was stripped).
    pub photo: domain::evidence::PhotoFacts,
    /// A photo's perceptual hash.
    pub phash: Option<u64>,
}

fn unsupported(message: &str) -> AppError {
    AppError::Unsupported(message.to_owned())
}

fn dim(v: u32) -> i32 {
    i32::try_from(v).unwrap_or(i32::MAX)
}

impl App {
    /// Checks that the caller may upload to this activity and prepares a temporary file.
    pub async fn begin_upload(
        &self,
        actor: &Actor,
        activity_id: i64,
        kind: MediaKind,
        consent: Option<domain::consent::Consent>,
    ) -> Result<UploadSlot, AppError> {
        let row = self.find_activity(activity_id).await?;
        match standing(Some(actor), &row) {
            Standing::Owner => {}
            Standing::Admin => {
                return Err(AppError::Forbidden(
                    "只有活动的发布者可以上传图片和视频".to_owned(),
                ));
            }
            Standing::Public => return Err(AppError::NotFound("未找到该活动".to_owned())),
        }
        // A photo, video or evidence photo may show people: the host says who agreed.
        let consent = domain::consent::Consent::kept(kind != MediaKind::Poster, consent)
            .map_err(|m| AppError::invalid_field("consent", m))?;
        let limits = &self.config.media;
        let (files, stored) = store::media::usage(&self.db, activity_id).await?;
        if files >= limits.activity_max_files {
            return Err(AppError::invalid_field(
                "file",
                format!("每个活动最多上传{}个文件", limits.activity_max_files),
            ));
        }
        if stored >= limits.activity_max_bytes {
            return Err(AppError::TooLarge(format!(
                "本活动的文件已达{}MB上限，请删除不用的文件后再上传",
                limits.activity_max_bytes / 1024 / 1024
            )));
        }
        let max_bytes = match kind {
            MediaKind::Poster => limits.poster_max_bytes,
            MediaKind::Photo | MediaKind::Evidence => limits.photo_max_bytes,
            MediaKind::Video => limits.video_max_bytes,
        };
        let tmp = self.config.data_dir.join("incoming");
        tokio::fs::create_dir_all(&tmp)
            .await
            .map_err(AppError::internal)?;
        let max_video_seconds = self
            .campaign(row.campaign_id)
            .await?
            .rules
            .videos
            .max_seconds;
        Ok(UploadSlot {
            activity_id,
            kind,
            temp_path: tmp.join(crate::random_hex(16)?),
            max_bytes,
            max_video_seconds,
            consent,
        })
    }

    /// Checks the streamed file by decoding it, stores it and records it. The temporary
    /// file is removed whatever happens.
    pub async fn finish_upload(
        &self,
        actor: &Actor,
        slot: UploadSlot,
        bytes: u64,
    ) -> Result<MediaView, AppError> {
        let result = self.store_upload(actor, &slot, bytes).await;
        tokio::fs::remove_file(&slot.temp_path).await.ok();
        result
    }

    async fn store_upload(
        &self,
        actor: &Actor,
        slot: &UploadSlot,
        bytes: u64,
    ) -> Result<MediaView, AppError> {
        if bytes == 0 {
            return Err(AppError::invalid_field("file", "请选择要上传的文件"));
        }
        let path = slot.temp_path.clone();
        let (kind, limits, max_seconds) =
            (slot.kind, self.config.media.clone(), slot.max_video_seconds);
        let inspected = {
            // Decodes wait their turn: a burst of large images never multiplies the memory.
            let _turn = self.decodes.acquire().await.map_err(AppError::internal)?;
            tokio::task::spawn_blocking(move || inspect(&path, kind, &limits, max_seconds))
                .await
                .map_err(AppError::internal)??
        };
        // What is stored is the re-encoded file.
        let bytes = tokio::fs::metadata(&slot.temp_path)
            .await
            .map_err(AppError::internal)?
            .len();
        let key = format!(
            "{}/{}.{}",
            slot.activity_id,
            crate::random_hex(16)?,
            inspected.extension
        );
        if matches!(kind, MediaKind::Photo | MediaKind::Evidence) {
            let source = slot.temp_path.clone();
            let thumb = slot.temp_path.with_extension("thumb.jpg");
            let made = thumb.clone();
            let _turn = self.decodes.acquire().await.map_err(AppError::internal)?;
            tokio::task::spawn_blocking(move || make_thumbnail(&source, &made))
                .await
                .map_err(AppError::internal)??;
            let stored = self.files.put_file(&thumbnail_key(&key), &thumb).await;
            tokio::fs::remove_file(&thumb).await.ok();
            stored?;
        }
        self.files.put_file(&key, &slot.temp_path).await?;
        let stored = store::media::Stored {
            activity_id: slot.activity_id,
            owner_id: actor.user_id,
            kind: kind.as_str().to_owned(),
            storage_key: key,
            content_type: inspected.content_type.to_owned(),
            bytes: i64::try_from(bytes).unwrap_or(i64::MAX),
            width: inspected.width,
            height: inspected.height,
            seconds: inspected.seconds,
            created_at: self.clock.now(),
            consent: slot.consent.map(|c| c.as_str().to_owned()),
            taken_at: inspected.photo.taken_at,
            position: inspected.photo.position,
            phash: inspected.phash,
        };
        let row = store::media::add(&self.db, stored).await?;
        tracing::info!(
            media_id = row.id,
            activity_id = slot.activity_id,
            kind = kind.as_str(),
            bytes,
            "media stored"
        );
        Ok(row.into())
    }

    /// A stored file the caller may see, as a stream with its content type (`thumb` for a
    /// photo's thumbnail).
    pub async fn media_file(
        &self,
        actor: Option<&Actor>,
        id: i64,
        thumb: bool,
    ) -> Result<(MediaStream, String), AppError> {
        let not_found = || AppError::NotFound("未找到该文件".to_owned());
        let row = store::media::by_id(&self.db, id)
            .await?
            .ok_or_else(not_found)?;
        let activity = self.find_activity(row.activity_id).await?;
        // The public sees the poster, photos and videos an approved activity names now,
        // but never the evidence of turnout (a sign-in sheet may carry names and phone
        // numbers), an upload never named, or one the host has taken out.
        let visible = if standing(actor, &activity) == Standing::Public {
            activity.status == domain::review::Status::Approved.as_str()
                && row.kind != "evidence"
                && self.named_by(&activity, &row).await?
        } else {
            true
        };
        if !visible {
            return Err(not_found());
        }
        if thumb && matches!(row.kind.as_str(), "photo" | "evidence") {
            return Ok((
                self.files.get(&thumbnail_key(&row.storage_key)).await?,
                "image/jpeg".to_owned(),
            ));
        }
        Ok((self.files.get(&row.storage_key).await?, row.content_type))
    }
}

impl App {
    /// Deletes uploads that nothing names `unattached_upload_hours` after they were made (a
    /// poster replaced before saving, photos of a supplement never saved), files first and
    /// then rows; an upload found named is marked settled and never looked at again.
    /// Answers how many were deleted. Runs with the background jobs.
    pub async fn sweep_unattached_uploads(&self) -> Result<usize, AppError> {
        let cutoff =
            self.clock.now() - chrono::Duration::hours(self.config.media.unattached_upload_hours);
        let mut deleted = 0;
        loop {
            let batch = store::media::unsettled_before(&self.db, cutoff, 200).await?;
            if batch.is_empty() {
                return Ok(deleted);
            }
            for row in batch {
                if self.media_is_named(&row).await? {
                    store::media::settle(&self.db, row.id).await?;
                    continue;
                }
                self.delete_files_of(&row).await?;
                // A save naming a day-old upload in the instant between the check above and
                // this delete would name a missing file; the window is accepted as negligible.
                store::media::delete_unsettled(&self.db, row.id).await?;
                tracing::info!(media_id = row.id, activity_id = row.activity_id, kind = %row.kind, "unattached upload deleted");
                deleted += 1;
            }
        }
    }

    /// Deletes an upload its own uploader has just made and could not attach (a refused
    /// poster or supplement change), so that a refused request leaves no file behind.
    /// Anything else — someone else's upload, or one already settled — is left alone.
    pub async fn discard_upload(&self, actor: &Actor, media_id: i64) -> Result<(), AppError> {
        let Some(row) = store::media::unsettled_of(&self.db, media_id, actor.user_id).await? else {
            return Ok(());
        };
        if self.media_is_named(&row).await? {
            return Ok(());
        }
        store::media::delete(&self.db, row.id).await?;
        self.delete_files_of(&row).await
    }

    /// Deletes an upload's stored file and, for a photo, its thumbnail.
    async fn delete_files_of(&self, row: &media::Model) -> Result<(), AppError> {
        if matches!(row.kind.as_str(), "photo" | "evidence") {
            self.files.delete(&thumbnail_key(&row.storage_key)).await?;
        }
        self.files.delete(&row.storage_key).await
    }

    /// Whether the activity (its poster) or its supplement (photos, videos, evidence) names
    /// this upload.
    async fn media_is_named(&self, row: &media::Model) -> Result<bool, AppError> {
        let Some(activity) = store::activities::by_id(&self.db, row.activity_id).await? else {
            return Ok(false);
        };
        self.named_by(&activity, row).await
    }

    /// Whether the activity's content (its poster) or its supplement (photos, videos,
    /// evidence) names this upload now.
    async fn named_by(
        &self,
        activity: &store::entities::activity::Model,
        row: &media::Model,
    ) -> Result<bool, AppError> {
        let draft: domain::activity::ActivityDraft =
            serde_json::from_str(&activity.data).map_err(AppError::internal)?;
        if draft.poster == Some(row.id) {
            return Ok(true);
        }
        let Some(kept) = store::supplements::find(&self.db, row.activity_id).await? else {
            return Ok(false);
        };
        let s: domain::supplement::Supplement =
            serde_json::from_str(&kept.data).map_err(AppError::internal)?;
        Ok(s.photos.contains(&row.id)
            || s.videos.contains(&row.id)
            || s.evidence_photo == Some(row.id))
    }
}

/// A stored file's bytes.
pub type MediaStream = futures::stream::BoxStream<'static, std::io::Result<bytes::Bytes>>;

fn thumbnail_key(key: &str) -> String {
    format!("{key}.thumb.jpg")
}

/// Decodes or parses the file: images by their magic bytes under decode limits, videos by
/// parsing the MP4 container. Public for the fuzz targets.
pub fn inspect(
    path: &Path,
    kind: MediaKind,
    limits: &crate::config::MediaLimits,
    max_seconds: u32,
) -> Result<Inspected, AppError> {
    if kind == MediaKind::Video {
        return inspect_video(path, max_seconds);
    }
    clean_image(path, kind, limits)
}

fn broken() -> AppError {
    AppError::invalid_field("file", "图片已损坏或无法识别，请重新导出后上传")
}

/// Checks an image by its header, decodes it strictly under a memory limit, applies its
/// EXIF orientation and writes it back re-encoded, in place: the stored file carries no
/// EXIF (no GPS), no text chunks and nothing appended after the image. Photos larger than
/// `stored_max_side` are scaled down.
fn clean_image(
    path: &Path,
    kind: MediaKind,
    limits: &crate::config::MediaLimits,
) -> Result<Inspected, AppError> {
    use image::ImageDecoder;
    let open = || -> Result<ImageReader<BufReader<std::fs::File>>, AppError> {
        ImageReader::open(path)
            .map_err(AppError::internal)?
            .with_guessed_format()
            .map_err(AppError::internal)
    };
    let format = open()?.format();
    // What the original says of itself, before re-encoding strips it.
    let photo = if format == Some(ImageFormat::Jpeg) && kind != MediaKind::Poster {
        use std::io::Read;
        let mut head = Vec::with_capacity(256 * 1024);
        std::fs::File::open(path)
            .map_err(AppError::internal)?
            .take(256 * 1024)
            .read_to_end(&mut head)
            .map_err(AppError::internal)?;
        domain::evidence::read_jpeg_exif(&head)
    } else {
        domain::evidence::PhotoFacts::default()
    };
    let (content_type, extension) = match format {
        Some(ImageFormat::Jpeg) => ("image/jpeg", "jpg"),
        Some(ImageFormat::Png) => ("image/png", "png"),
        _ => return Err(unsupported("仅支持 jpg、jpeg、png 格式的图片")),
    };
    // The size from the header alone, before a single pixel is decoded.
    let (width, height) = open()?.into_dimensions().map_err(|_| broken())?;
    let field = if kind == MediaKind::Poster {
        "poster"
    } else {
        "file"
    };
    let poster = (limits.poster_width, limits.poster_height);
    if kind == MediaKind::Poster && (width, height) != poster && (height, width) != poster {
        return Err(AppError::invalid_field(
            "poster",
            format!(
                "海报尺寸须为{}×{}像素（当前为{width}×{height}像素）",
                limits.poster_width, limits.poster_height
            ),
        ));
    }
    let area = u64::from(width) * u64::from(height);
    if width.max(height) > limits.photo_max_side
        || area > u64::from(limits.photo_max_megapixels) * 1_000_000
    {
        return Err(AppError::invalid_field(
            field,
            format!(
                "图片过大：{width}×{height}像素；每边不超过{}像素、总像素不超过{}万",
                limits.photo_max_side,
                limits.photo_max_megapixels * 100
            ),
        ));
    }
    if format == Some(ImageFormat::Jpeg) && !ends_with_eoi(path)? {
        return Err(AppError::invalid_field(
            field,
            "图片不完整（缺少结束标记），请重新导出后上传",
        ));
    }
    let mut reader = open()?;
    let mut decode_limits = Limits::default();
    decode_limits.max_image_width = Some(limits.photo_max_side);
    decode_limits.max_image_height = Some(limits.photo_max_side);
    decode_limits.max_alloc = Some(limits.decode_max_mib * 1024 * 1024);
    reader.limits(decode_limits);
    let mut decoder = reader.into_decoder().map_err(|_| broken())?;
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut image = image::DynamicImage::from_decoder(decoder).map_err(|_| broken())?;
    image.apply_orientation(orientation);
    let (width, height) = (image.width(), image.height());
    if kind == MediaKind::Poster && (width, height) != poster {
        return Err(AppError::invalid_field(
            "poster",
            format!(
                "海报尺寸须为{}×{}像素（当前为{width}×{height}像素）",
                limits.poster_width, limits.poster_height
            ),
        ));
    }
    if kind != MediaKind::Poster && width.max(height) > limits.stored_max_side {
        image = image.resize(
            limits.stored_max_side,
            limits.stored_max_side,
            image::imageops::FilterType::Triangle,
        );
    }
    let clean = path.with_extension("clean");
    let written = (|| -> Result<(), AppError> {
        let file = std::fs::File::create(&clean).map_err(AppError::internal)?;
        let mut out = std::io::BufWriter::new(file);
        if format == Some(ImageFormat::Jpeg) {
            image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
                .encode_image(&image.to_rgb8())
                .map_err(AppError::internal)?;
        } else {
            image
                .write_to(&mut out, ImageFormat::Png)
                .map_err(AppError::internal)?;
        }
        use std::io::Write;
        out.flush().map_err(AppError::internal)?;
        drop(out);
        std::fs::rename(&clean, path).map_err(AppError::internal)
    })();
    if written.is_err() {
        std::fs::remove_file(&clean).ok();
    }
    written?;
    let phash = (kind != MediaKind::Poster).then(|| difference_hash(&image));
    Ok(Inspected {
        content_type,
        extension,
        width: Some(dim(image.width())),
        height: Some(dim(image.height())),
        seconds: None,
        photo,
        phash,
    })
}

/// The 64-bit difference hash of an image: grayscale, 9×8, each pixel against its right
/// neighbour.
pub fn difference_hash(image: &image::DynamicImage) -> u64 {
    let small = image
        .grayscale()
        .resize_exact(9, 8, image::imageops::FilterType::Triangle)
        .to_luma8();
    let mut cells = [0_u8; 72];
    for (i, p) in small.pixels().enumerate().take(72) {
        cells[i] = p.0[0];
    }
    domain::evidence::dhash(&cells)
}

/// Whether a JPEG file ends with its end-of-image marker (zero padding after it allowed):
/// a file cut short does not, however much of it a lenient decoder would show.
pub(crate) fn ends_with_eoi(path: &Path) -> Result<bool, AppError> {
    use std::io::{Read, Seek, SeekFrom};
    let mut file = std::fs::File::open(path).map_err(AppError::internal)?;
    let len = file.seek(SeekFrom::End(0)).map_err(AppError::internal)?;
    file.seek(SeekFrom::Start(len.saturating_sub(4096)))
        .map_err(AppError::internal)?;
    let mut tail = Vec::new();
    file.read_to_end(&mut tail).map_err(AppError::internal)?;
    while tail.last() == Some(&0) {
        tail.pop();
    }
    Ok(tail.ends_with(&[0xFF, 0xD9]))
}

/// A PDF (its header already read) must end with its end-of-file marker: one cut short does
/// not.
pub(crate) fn check_pdf_end(file: &mut std::fs::File) -> Result<(), AppError> {
    use std::io::{Read, Seek, SeekFrom};
    let len = file.seek(SeekFrom::End(0)).map_err(AppError::internal)?;
    file.seek(SeekFrom::Start(len.saturating_sub(1024)))
        .map_err(AppError::internal)?;
    let mut tail = Vec::new();
    file.read_to_end(&mut tail).map_err(AppError::internal)?;
    if !tail.windows(5).any(|w| w == b"%%EOF") {
        return Err(AppError::invalid_field(
            "file",
            "PDF 文件不完整，请重新导出后上传",
        ));
    }
    Ok(())
}

/// A summary's attachment: slides (PDF, or PPTX read as the zip it is), an MP4 video, or a
/// JPEG/PNG photo, each checked by parsing it. Public for the fuzz targets.
pub fn inspect_attachment(
    path: &Path,
    limits: &crate::config::MediaLimits,
    max_seconds: u32,
) -> Result<Inspected, AppError> {
    use std::io::Read;
    let mut file = std::fs::File::open(path).map_err(AppError::internal)?;
    let mut head = [0u8; 8];
    let n = file.read(&mut head).map_err(AppError::internal)?;
    let head = head.get(..n).unwrap_or_default();
    let slides = |content_type, extension| Inspected {
        content_type,
        extension,
        width: None,
        height: None,
        seconds: None,
        photo: domain::evidence::PhotoFacts::default(),
        phash: None,
    };
    if head.starts_with(b"%PDF-") {
        check_pdf_end(&mut file)?;
        return Ok(slides("application/pdf", "pdf"));
    }
    if head.starts_with(b"PK\x03\x04") {
        let archive = zip::ZipArchive::new(std::fs::File::open(path).map_err(AppError::internal)?)
            .map_err(|_| AppError::invalid_field("file", "文件已损坏或无法识别"))?;
        if archive
            .file_names()
            .any(|name| name == "ppt/presentation.xml")
        {
            return Ok(slides(
                "application/vnd.openxmlformats-officedocument.presentationml.presentation",
                "pptx",
            ));
        }
        return Err(unsupported(
            "附件仅支持 jpg、png 图片，mp4 视频，pdf、pptx 演示文稿",
        ));
    }
    if head.get(4..8) == Some(b"ftyp".as_slice()) {
        return inspect_video(path, max_seconds);
    }
    inspect(path, MediaKind::Photo, limits, max_seconds).map_err(|e| match e {
        AppError::Unsupported(_) => {
            unsupported("附件仅支持 jpg、png 图片，mp4 视频，pdf、pptx 演示文稿")
        }
        other => other,
    })
}

pub(crate) fn inspect_video(path: &Path, max_seconds: u32) -> Result<Inspected, AppError> {
    let file = std::fs::File::open(path).map_err(AppError::internal)?;
    let mut head = [0u8; 8];
    {
        use std::io::Read;
        let mut probe = std::fs::File::open(path).map_err(AppError::internal)?;
        probe
            .read_exact(&mut head)
            .map_err(|_| unsupported("仅支持 MP4 格式的视频"))?;
    }
    if head.get(4..8) != Some(b"ftyp".as_slice()) {
        return Err(unsupported("仅支持 MP4 格式的视频"));
    }
    let mut reader = BufReader::with_capacity(256 * 1024, file);
    let context = mp4parse::read_mp4(&mut reader)
        .map_err(|_| AppError::invalid_field("file", "视频文件已损坏或无法识别"))?;
    let track = context
        .tracks
        .iter()
        .find(|t| t.track_type == mp4parse::TrackType::Video)
        .ok_or_else(|| AppError::invalid_field("file", "视频文件中没有视频轨道"))?;
    let (seconds, width, height) = track_facts(track);
    let seconds = seconds.ok_or_else(|| AppError::invalid_field("file", "无法读取视频时长"))?;
    if seconds > f64::from(max_seconds) {
        return Err(AppError::invalid_field(
            "file",
            format!(
                "每段视频不超过{}秒（当前约{}秒）",
                max_seconds,
                seconds.round()
            ),
        ));
    }
    Ok(Inspected {
        content_type: "video/mp4",
        extension: "mp4",
        width: Some(dim(width)),
        height: Some(dim(height)),
        seconds: Some(seconds),
        photo: domain::evidence::PhotoFacts::default(),
        phash: None,
    })
}

/// A video track's duration (mdhd duration / timescale, when readable) and displayed size:
/// a phone video filmed upright carries a 90° (or 270°) matrix, which turns the coded frame.
fn track_facts(track: &mp4parse::Track) -> (Option<f64>, u32, u32) {
    let seconds = match (track.duration, track.timescale) {
        (Some(duration), Some(scale)) if scale.0 > 0 => Some(duration.0 as f64 / scale.0 as f64),
        _ => None,
    };
    let (mut width, mut height) = track
        .tkhd
        .as_ref()
        .map_or((0, 0), |t| (t.width >> 16, t.height >> 16));
    if let Some(tkhd) = &track.tkhd
        && tkhd.matrix.a == 0
        && tkhd.matrix.d == 0
    {
        std::mem::swap(&mut width, &mut height);
    }
    (seconds, width, height)
}

fn make_thumbnail(source: &Path, target: &Path) -> Result<(), AppError> {
    let image = ImageReader::open(source)
        .map_err(AppError::internal)?
        .with_guessed_format()
        .map_err(AppError::internal)?
        .decode()
        .map_err(AppError::internal)?;
    let thumb = image.thumbnail(480, 480).into_rgb8();
    thumb
        .save_with_format(target, ImageFormat::Jpeg)
        .map_err(AppError::internal)
}

/// The largest `moov` box read whole for its creation time (a real one is a few megabytes
/// even for a long video).
const MOOV_MAX_BYTES: u64 = 64 * 1024 * 1024;

/// The payload of the top-level `moov` box of an ISO BMFF file whose first box is `ftyp`;
/// `None` when the file is not one (the contest's `container` rule).
fn moov_payload(path: &Path) -> Result<Option<Vec<u8>>, AppError> {
    use std::io::{Read, Seek, SeekFrom};
    let mut file = std::fs::File::open(path).map_err(AppError::internal)?;
    let len = file.metadata().map_err(AppError::internal)?.len();
    let mut at = 0u64;
    let mut first = true;
    while at + 8 <= len {
        file.seek(SeekFrom::Start(at)).map_err(AppError::internal)?;
        let mut head = [0u8; 16];
        let n = file.read(&mut head).map_err(AppError::internal)?;
        if n < 8 {
            return Ok(None);
        }
        let kind = head.get(4..8).unwrap_or_default();
        if first && kind != b"ftyp" {
            return Ok(None);
        }
        first = false;
        let small = u64::from(u32::from_be_bytes([head[0], head[1], head[2], head[3]]));
        let (size, header) = match small {
            1 if n >= 16 => (
                u64::from_be_bytes([
                    head[8], head[9], head[10], head[11], head[12], head[13], head[14], head[15],
                ]),
                16,
            ),
            0 => (len - at, 8),
            s => (s, 8),
        };
        if size < header || at.saturating_add(size) > len {
            return Ok(None);
        }
        if kind == b"moov" {
            let body = size - header;
            if body > MOOV_MAX_BYTES {
                return Ok(None);
            }
            file.seek(SeekFrom::Start(at + header))
                .map_err(AppError::internal)?;
            let mut payload = vec![0u8; usize::try_from(body).unwrap_or(0)];
            file.read_exact(&mut payload).map_err(AppError::internal)?;
            return Ok(Some(payload));
        }
        at += size;
    }
    Ok(None)
}

/// What a contest video is, by parsing it (DESIGN.md §8, "File checks"): `Ok(None)` when it
/// is not an ISO BMFF file with `ftyp` first and a `moov` (the `container` rule, 415), else
/// its facts for `domain::contest::file_rule_problems`.
pub fn inspect_contest_video(path: &Path) -> Result<Option<domain::contest::VideoFacts>, AppError> {
    let Some(moov) = moov_payload(path)? else {
        return Ok(None);
    };
    let bytes = std::fs::metadata(path).map_err(AppError::internal)?.len();
    let file = std::fs::File::open(path).map_err(AppError::internal)?;
    let mut reader = BufReader::with_capacity(256 * 1024, file);
    let Ok(context) = mp4parse::read_mp4(&mut reader) else {
        return Ok(None);
    };
    let created = domain::contest::mvhd_created(&moov);
    let Some(track) = context
        .tracks
        .iter()
        .find(|t| t.track_type == mp4parse::TrackType::Video)
    else {
        return Ok(Some(domain::contest::VideoFacts {
            bytes,
            created,
            ..Default::default()
        }));
    };
    let (seconds, width, height) = track_facts(track);
    let seconds = seconds.unwrap_or(0.0);
    Ok(Some(domain::contest::VideoFacts {
        bytes,
        video_track: true,
        width,
        height,
        seconds,
        created,
    }))
}

#[cfg(test)]
mod contest_video_tests {
    use super::inspect_contest_video;
    use crate::fixtures::{mp4, write_large_mp4};

    fn facts_of(bytes: &[u8]) -> Option<domain::contest::VideoFacts> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v.mp4");
        std::fs::write(&path, bytes).unwrap();
        inspect_contest_video(&path).unwrap()
    }

    #[test]
    fn a_video_is_read_by_its_boxes() {
        let v = facts_of(&mp4(200, 1920, 1080, false, 1000)).unwrap();
        assert!(v.video_track);
        assert_eq!((v.width, v.height), (1920, 1080));
        assert!((v.seconds - 200.0).abs() < 1e-9);
        assert_eq!(v.created, None, "a zero creation time is unknown");
        // A phone's upright video: the matrix turns 1920×1080 into 1080×1920.
        let v = facts_of(&mp4(200, 1920, 1080, true, 1000)).unwrap();
        assert_eq!((v.width, v.height), (1080, 1920));
    }

    #[test]
    fn the_creation_time_comes_from_mvhd() {
        let mut bytes = mp4(200, 1920, 1080, false, 1000);
        // 2022-07-01T00:00:00Z.
        crate::fixtures::set_created(&mut bytes, 1_656_633_600);
        let v = facts_of(&bytes).unwrap();
        assert_eq!(v.created.map(|t| t.timestamp()), Some(1_656_633_600));
        let rules = domain::contest::template().unwrap().file_rules;
        let keys: Vec<&str> = domain::contest::file_rule_problems(&rules, &v)
            .iter()
            .map(|(k, _)| *k)
            .collect();
        assert_eq!(keys, ["made_after"]);
    }

    #[test]
    fn moov_at_the_end_is_found() {
        let mut bytes = Vec::new();
        write_large_mp4(&mut bytes, 240, 64 * 1024).unwrap();
        let v = facts_of(&bytes).unwrap();
        assert!((v.seconds - 240.0).abs() < 1e-9);
    }

    #[test]
    fn what_is_not_iso_bmff_fails_the_container_rule() {
        assert_eq!(facts_of(b"not a video at all, just text"), None);
        let mut moov_first = mp4(200, 1920, 1080, false, 100);
        // Drop the ftyp box: the file starts with moov.
        let ftyp_len =
            usize::try_from(u32::from_be_bytes(moov_first[..4].try_into().unwrap())).unwrap();
        moov_first.drain(..ftyp_len);
        assert_eq!(facts_of(&moov_first), None);
        let mut no_moov = mp4(200, 1920, 1080, false, 100);
        let at = no_moov.windows(4).position(|w| w == b"moov").unwrap();
        no_moov[at..at + 4].copy_from_slice(b"free");
        assert_eq!(facts_of(&no_moov), None);
        let truncated = &mp4(200, 1920, 1080, false, 100)[..40];
        assert_eq!(facts_of(truncated), None);
    }
}
