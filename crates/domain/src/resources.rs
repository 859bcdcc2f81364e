//! The publicity resource library (宣传资源库, DESIGN.md §8.1): posters, logos, videos,
//! images, templates and documents a campaign offers its units to download. Which formats
//! each kind takes is fixed here; how large a file may be is configuration
//! (`ResourceLimits`). The rules and their Chinese messages live here once.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::FieldErrors;
use crate::text::{bounded, invisible, nfc};

vocabulary!(
    /// What a resource is.
    ResourceKind {
        /// 海报
        Poster = "poster" / "海报",
        /// 标识
        Logo = "logo" / "标识",
        /// 宣传片
        Video = "video" / "宣传片",
        /// 图片
        Image = "image" / "图片",
        /// 模板
        Template = "template" / "模板",
        /// 文档
        Document = "document" / "文档",
    }
);

vocabulary!(
    /// Whether the public sees a resource.
    ResourceStatus {
        /// 草稿
        Draft = "draft" / "草稿",
        /// 已发布
        Published = "published" / "已发布",
    }
);

vocabulary!(
    /// A file's format, as found from its content.
    FileFormat {
        /// PNG 图片
        Png = "png" / "PNG 图片",
        /// JPEG 图片
        Jpeg = "jpeg" / "JPEG 图片",
        /// PDF 文档
        Pdf = "pdf" / "PDF 文档",
        /// SVG 矢量图
        Svg = "svg" / "SVG 矢量图",
        /// MP4 视频
        Mp4 = "mp4" / "MP4 视频",
        /// Word 文档
        Docx = "docx" / "Word 文档",
        /// PowerPoint 演示文稿
        Pptx = "pptx" / "PowerPoint 演示文稿",
        /// Excel 表格
        Xlsx = "xlsx" / "Excel 表格",
    }
);

impl FileFormat {
    /// The media type it is served as.
    pub fn content_type(self) -> &'static str {
        match self {
            FileFormat::Png => "image/png",
            FileFormat::Jpeg => "image/jpeg",
            FileFormat::Pdf => "application/pdf",
            FileFormat::Svg => "image/svg+xml",
            FileFormat::Mp4 => "video/mp4",
            FileFormat::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            FileFormat::Pptx => {
                "application/vnd.openxmlformats-officedocument.presentationml.presentation"
            }
            FileFormat::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }

    /// The file-name extensions it goes by; the first is given to a name without one.
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            FileFormat::Png => &["png"],
            FileFormat::Jpeg => &["jpg", "jpeg"],
            FileFormat::Pdf => &["pdf"],
            FileFormat::Svg => &["svg"],
            FileFormat::Mp4 => &["mp4"],
            FileFormat::Docx => &["docx"],
            FileFormat::Pptx => &["pptx"],
            FileFormat::Xlsx => &["xlsx"],
        }
    }
}

impl ResourceKind {
    /// The formats this kind takes (DESIGN.md §8.1).
    pub fn formats(self) -> &'static [FileFormat] {
        use FileFormat::*;
        match self {
            ResourceKind::Poster | ResourceKind::Image => &[Png, Jpeg, Pdf],
            ResourceKind::Logo => &[Png, Svg, Pdf],
            ResourceKind::Video => &[Mp4],
            ResourceKind::Template | ResourceKind::Document => &[Pdf, Docx, Pptx, Xlsx],
        }
    }

    /// Whether this kind takes `format`.
    pub fn takes(self, format: FileFormat) -> bool {
        self.formats().contains(&format)
    }

    /// The 415 message for a file of another format: what this kind takes.
    pub fn formats_message(self) -> String {
        let names: Vec<&str> = self.formats().iter().map(|f| f.label()).collect();
        format!("{}仅接受{}", self.label(), names.join("、"))
    }
}

/// The largest file each kind takes, in bytes (configuration `[resources]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ResourceLimits {
    /// Posters and images (DESIGN.md: 20 MB).
    pub image_max_bytes: u64,
    /// Logos (5 MB).
    pub logo_max_bytes: u64,
    /// Videos (500 MB).
    pub video_max_bytes: u64,
    /// Templates and documents (50 MB).
    pub document_max_bytes: u64,
    /// Files one resource may hold.
    pub max_files: u64,
}

impl Default for ResourceLimits {
    fn default() -> Self {
        const MB: u64 = 1024 * 1024;
        ResourceLimits {
            image_max_bytes: 20 * MB,
            logo_max_bytes: 5 * MB,
            video_max_bytes: 500 * MB,
            document_max_bytes: 50 * MB,
            max_files: 20,
        }
    }
}

impl ResourceLimits {
    /// The largest file `kind` takes.
    pub fn max_bytes(&self, kind: ResourceKind) -> u64 {
        match kind {
            ResourceKind::Poster | ResourceKind::Image => self.image_max_bytes,
            ResourceKind::Logo => self.logo_max_bytes,
            ResourceKind::Video => self.video_max_bytes,
            ResourceKind::Template | ResourceKind::Document => self.document_max_bytes,
        }
    }

    /// The largest file any kind takes (what a request body may carry).
    pub fn largest(&self) -> u64 {
        ResourceKind::ALL
            .iter()
            .map(|k| self.max_bytes(*k))
            .max()
            .unwrap_or(0)
    }

    /// The 413 message for a file past `kind`'s limit.
    pub fn too_large_message(&self, kind: ResourceKind) -> String {
        let max = self.max_bytes(kind);
        let size = if max >= 1024 * 1024 && max.is_multiple_of(1024 * 1024) {
            format!("{}MB", max / (1024 * 1024))
        } else {
            format!("{}KB", max.div_ceil(1024))
        };
        format!("{}的文件不能超过{size}", kind.label())
    }
}

/// A resource as an administrator creates it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(examples(ResourceInput::example))]
pub struct ResourceInput {
    /// 所属活动季（默认：全国管理员为全国的当前活动季，省级管理员为本省的当前活动季）
    pub campaign_id: Option<i64>,
    /// 类别
    #[schema(value_type = Option<ResourceKind>)]
    pub kind: Option<String>,
    /// 标题（2–100字）
    pub title: Option<String>,
    /// 说明（不超过1000字）
    pub description: Option<String>,
    /// 使用规范（不超过1000字）
    pub usage_note: Option<String>,
    /// 标签（至多10个，每个不超过20字）
    pub tags: Option<Vec<String>>,
}

/// A resource's fields, every one checked.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceSettings {
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
}

/// Most tags a resource carries.
pub const MAX_TAGS: usize = 10;

impl ResourceInput {
    /// An example for the API document.
    pub fn example() -> ResourceInput {
        ResourceInput {
            campaign_id: None,
            kind: Some("logo".to_owned()),
            title: Some("全国科普日标识".to_owned()),
            description: Some("横版、竖版标识，矢量与位图各一份".to_owned()),
            usage_note: Some("请勿改变标识的比例和颜色".to_owned()),
            tags: Some(vec!["标识".to_owned(), "2026".to_owned()]),
        }
    }

    /// Checks every field, adding each problem to `errors` under its field's name.
    pub fn apply(self, errors: &mut FieldErrors) -> Option<ResourceSettings> {
        let kind = match self.kind.as_deref().map(str::trim) {
            Some(raw) if !raw.is_empty() => ResourceKind::parse(raw).or_else(|| {
                errors.add(
                    "kind",
                    "类别须为 poster（海报）、logo（标识）、video（宣传片）、image（图片）、template（模板）或 document（文档）",
                );
                None
            }),
            _ => errors.take("kind", Err("请选择资源类别".to_owned())),
        };
        let title = match self.title {
            Some(raw) => errors.take("title", bounded(&raw, "标题", 2, 100)),
            None => errors.take("title", Err("请填写标题".to_owned())),
        };
        let description = errors.take(
            "description",
            long_text(self.description.as_deref(), "说明", 1000),
        );
        let usage_note = errors.take(
            "usage_note",
            long_text(self.usage_note.as_deref(), "使用规范", 1000),
        );
        let tags = errors.take("tags", tags(self.tags.unwrap_or_default()));
        Some(ResourceSettings {
            kind: kind?,
            title: title?,
            description: description?,
            usage_note: usage_note?,
            tags: tags?,
        })
    }
}

/// Several lines of text, up to `max` characters (blank is empty).
fn long_text(raw: Option<&str>, label: &str, max: usize) -> Result<String, String> {
    let value = nfc(raw.unwrap_or_default());
    let value = value.trim();
    if value.chars().count() > max {
        return Err(format!("{label}不能超过{max}个字"));
    }
    if value.chars().any(crate::text::forbidden_control) {
        return Err(format!("{label}含有不可见的控制字符"));
    }
    Ok(value.to_owned())
}

fn tags(raw: Vec<String>) -> Result<Vec<String>, String> {
    let mut out: Vec<String> = Vec::new();
    for tag in raw {
        let tag = bounded(&tag, "标签", 1, 20)?;
        if !out.contains(&tag) {
            out.push(tag);
        }
    }
    if out.len() > MAX_TAGS {
        return Err(format!("标签至多{MAX_TAGS}个"));
    }
    Ok(out)
}

/// The name a file downloads under, from what the administrator typed (`given`, checked:
/// a problem is the `name` field's) or else from the uploaded file's name (`uploaded`,
/// cleaned: only its last path part, without control or invisible characters). The name
/// ends with the extension of the format found in the file.
pub fn download_name(
    given: Option<&str>,
    uploaded: Option<&str>,
    format: FileFormat,
) -> Result<String, String> {
    let base = match given.map(str::trim).filter(|g| !g.is_empty()) {
        Some(given) => {
            if given.contains(['/', '\\']) {
                return Err("文件名不能含有 / 或 \\".to_owned());
            }
            bounded(given, "文件名", 1, 100)?
        }
        None => {
            let raw = uploaded.unwrap_or_default();
            let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
            let clean: String = nfc(last)
                .chars()
                .filter(|c| !c.is_control() && !invisible(*c))
                .take(100)
                .collect();
            let clean = clean.trim().trim_start_matches('.').to_owned();
            if clean.is_empty() {
                "宣传资源".to_owned()
            } else {
                clean
            }
        }
    };
    let has_extension = base.rsplit_once('.').is_some_and(|(stem, ext)| {
        !stem.is_empty()
            && format
                .extensions()
                .iter()
                .any(|e| e.eq_ignore_ascii_case(ext))
    });
    if has_extension {
        Ok(base)
    } else {
        Ok(format!(
            "{base}.{}",
            format.extensions().first().copied().unwrap_or("bin")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(input: ResourceInput) -> Result<ResourceSettings, FieldErrors> {
        let mut errors = FieldErrors::new();
        input
            .apply(&mut errors)
            .filter(|_| errors.is_empty())
            .ok_or(errors)
    }

    #[test]
    fn the_example_is_a_valid_resource() {
        let s = apply(ResourceInput::example()).unwrap();
        assert_eq!(s.kind, ResourceKind::Logo);
        assert_eq!(s.tags, vec!["标识", "2026"]);
    }

    #[test]
    fn each_field_rule_names_its_field() {
        let e = apply(ResourceInput {
            kind: Some("flyer".into()),
            title: Some("海".into()),
            description: Some("说".repeat(1001)),
            usage_note: Some("a\u{7}b".into()),
            tags: Some((0..11).map(|i| format!("标签{i}")).collect()),
            ..ResourceInput::default()
        })
        .unwrap_err();
        assert!(e.get("kind").unwrap().contains("poster（海报）"));
        assert_eq!(e.get("title"), Some("标题至少2个字"));
        assert_eq!(e.get("description"), Some("说明不能超过1000个字"));
        assert_eq!(e.get("usage_note"), Some("使用规范含有不可见的控制字符"));
        assert_eq!(e.get("tags"), Some("标签至多10个"));
        let e = apply(ResourceInput::default()).unwrap_err();
        assert_eq!(e.get("kind"), Some("请选择资源类别"));
        assert_eq!(e.get("title"), Some("请填写标题"));
    }

    #[test]
    fn each_kind_takes_its_formats() {
        assert!(ResourceKind::Logo.takes(FileFormat::Svg));
        assert!(!ResourceKind::Poster.takes(FileFormat::Svg));
        assert!(!ResourceKind::Video.takes(FileFormat::Png));
        assert!(ResourceKind::Template.takes(FileFormat::Xlsx));
        assert_eq!(
            ResourceKind::Logo.formats_message(),
            "标识仅接受PNG 图片、SVG 矢量图、PDF 文档"
        );
        let limits = ResourceLimits::default();
        assert_eq!(limits.max_bytes(ResourceKind::Video), 500 * 1024 * 1024);
        assert_eq!(limits.largest(), 500 * 1024 * 1024);
        assert_eq!(
            limits.too_large_message(ResourceKind::Logo),
            "标识的文件不能超过5MB"
        );
    }

    #[test]
    fn a_download_name_keeps_its_chinese_and_gains_the_found_extension() {
        let name =
            |given: Option<&str>, uploaded: Option<&str>, f| download_name(given, uploaded, f);
        assert_eq!(
            name(
                None,
                Some("C:\\Users\\x\\全国科普日标识.PNG"),
                FileFormat::Png
            )
            .unwrap(),
            "全国科普日标识.PNG"
        );
        assert_eq!(
            name(Some("科普日海报"), Some("a.jpg"), FileFormat::Jpeg).unwrap(),
            "科普日海报.jpg"
        );
        // A PDF uploaded as .png is named for what it is.
        assert_eq!(
            name(None, Some("poster.png"), FileFormat::Pdf).unwrap(),
            "poster.png.pdf"
        );
        assert_eq!(
            name(None, Some("../../.bashrc\u{202E}"), FileFormat::Pdf).unwrap(),
            "bashrc.pdf"
        );
        assert_eq!(name(None, None, FileFormat::Mp4).unwrap(), "宣传资源.mp4");
        assert_eq!(
            name(Some("../x"), None, FileFormat::Pdf).unwrap_err(),
            "文件名不能含有 / 或 \\"
        );
        assert_eq!(
            name(Some(&"名".repeat(101)), None, FileFormat::Pdf).unwrap_err(),
            "文件名不能超过100个字"
        );
    }
}
