//! 工作总结: each unit, county, city, provincial society and province writes a summary of its
//! scope by the campaign's deadline for its level; the level above sees who has submitted,
//! late or not at all, and can remind those who have not.

use chrono::NaiveDate;
use domain::campaign::{CampaignRules, beijing_date};
use domain::region::{RegionLevel, RegionPath};
use domain::role::Role;
use serde::{Deserialize, Serialize};
use store::entities::InArea;
use store::entities::{summary, summary_file};
use utoipa::ToSchema;

use crate::regions::locate;
use crate::scope::area_condition;
use crate::{Actor, App, AppError};
use store::sea_orm::TransactionTrait;

/// A summary's text, in the sections DESIGN.md §6 lists.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SummaryInput {
    /// 重点活动及成效
    #[serde(default)]
    pub key_activities: String,
    /// 动员企业、园区、高校、学会情况
    #[serde(default)]
    pub mobilisation: String,
    /// 服务科技工作者和重点人群情况
    #[serde(default)]
    pub service: String,
    /// 宣传与打卡创新
    #[serde(default)]
    pub publicity: String,
    /// Links to further material kept elsewhere (http or https); photos, videos and slides
    /// are uploaded as files (`POST /api/v1/summaries/{kind}/{ref}/files`).
    #[serde(default)]
    pub attachments: Vec<String>,
    /// Submit now (otherwise kept as a draft).
    #[serde(default)]
    pub submit: bool,
}

const SECTIONS: [(&str, &str); 4] = [
    ("key_activities", "重点活动及成效"),
    ("mobilisation", "动员企业、园区、高校、学会情况"),
    ("service", "服务科技工作者和重点人群情况"),
    ("publicity", "宣传与打卡创新"),
];

impl SummaryInput {
    fn section(&self, key: &str) -> &str {
        match key {
            "key_activities" => &self.key_activities,
            "mobilisation" => &self.mobilisation,
            "service" => &self.service,
            _ => &self.publicity,
        }
    }

    fn problems(&self) -> domain::FieldErrors {
        let mut errors = domain::FieldErrors::default();
        for (key, label) in SECTIONS {
            let value = self.section(key);
            let n = value.chars().count();
            if n > 5000 {
                errors.add(key, format!("“{label}”不能超过5000字（现为{n}字）"));
            } else if self.submit && value.trim().is_empty() {
                errors.add(key, format!("提交前请填写“{label}”"));
            }
        }
        if self.attachments.len() > 20 {
            errors.add("attachments", "附件链接不能超过20个");
        }
        for link in &self.attachments {
            if !(link.starts_with("https://") || link.starts_with("http://")) {
                errors.add(
                    "attachments",
                    format!("附件链接须以 http:// 或 https:// 开头：{link}"),
                );
            }
        }
        errors
    }
}

/// The summaries a division's administrator follows: its own and those of the divisions and
/// units directly below.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct SummariesBelow {
    /// The division asked about.
    pub region: String,
    /// Its own summary first, then the divisions below, then its units.
    pub items: Vec<SummaryStanding>,
}

/// Where one summary stands.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct SummaryStanding {
    /// `county`, `city`, `province`, `society` or `unit`.
    pub scope_kind: String,
    /// The division code or organisation id.
    pub scope_ref: String,
    /// Whose summary.
    pub name: String,
    /// When it is due.
    pub deadline: Option<NaiveDate>,
    /// When it was submitted.
    pub submitted_at: Option<chrono::DateTime<chrono::Utc>>,
    /// `submitted`, `late`, `draft` or `missing`.
    pub status: &'static str,
}

/// How many people a reminder reached.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Reminded {
    /// Notifications left.
    pub reminded: u64,
}

/// Where a summary's attachment is streamed, and how large it may grow.
#[derive(Debug)]
pub struct SummarySlot {
    /// The summary.
    pub summary_id: i64,
    /// A temporary file to stream into.
    pub temp_path: std::path::PathBuf,
    /// The most bytes accepted.
    pub max_bytes: u64,
    /// Who agreed to be shown, as the uploader said; a photo or video needs it.
    pub consent: Option<domain::consent::Consent>,
}

/// An attachment of a summary (photo, video or slides).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SummaryFile {
    /// 附件 id
    pub id: i64,
    /// `photo`, `video` or `slides`.
    pub kind: String,
    /// The file's name as uploaded (cleaned).
    pub name: String,
    /// Its size.
    pub bytes: i64,
    /// Its media type.
    pub content_type: String,
    /// Where to download it.
    pub url: String,
    /// Who agreed to be shown (photos and videos; none for slides).
    pub consent: Option<domain::consent::Consent>,
}

fn file_view(f: &summary_file::Model) -> SummaryFile {
    SummaryFile {
        id: f.id,
        kind: f.kind.clone(),
        name: f.name.clone(),
        bytes: f.bytes,
        content_type: f.content_type.clone(),
        url: format!("/api/v1/summary-files/{}", f.id),
        consent: f
            .consent
            .as_deref()
            .and_then(|c| domain::consent::Consent::parse(c).ok()),
    }
}

/// 工作总结 of a unit or a division, with its deadline and files.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SummaryView {
    /// `unit`, `county`, `city` or `province`.
    pub scope_kind: String,
    /// The organisation id or division code.
    pub scope_ref: String,
    /// The unit's or division's name.
    pub name: String,
    /// Uploaded attachments.
    pub files: Vec<SummaryFile>,
    /// 重点活动及成效
    pub key_activities: String,
    /// 动员企业、园区、高校、学会情况
    pub mobilisation: String,
    /// 服务科技工作者和重点人群情况
    pub service: String,
    /// 宣传与打卡创新
    pub publicity: String,
    /// Links to further material.
    pub attachments: Vec<String>,
    /// 截止日期
    pub deadline: Option<NaiveDate>,
    /// When it was submitted.
    pub submitted_at: Option<chrono::DateTime<chrono::Utc>>,
    /// `submitted`, `late`, `draft` or `missing`.
    pub status: String,
    /// Whether the caller may write it.
    pub may_edit: bool,
}

/// The scope kinds and the deadline each answers to.
pub(crate) fn deadline(kind: &str, rules: &CampaignRules) -> Option<NaiveDate> {
    let d = &rules.summary_deadlines;
    match kind {
        "unit" => Some(d.unit),
        "county" => Some(d.county),
        "city" | "society" => Some(d.city),
        "province" => Some(d.province),
        _ => None,
    }
}

fn kind_of(level: RegionLevel) -> &'static str {
    match level {
        RegionLevel::Province => "province",
        RegionLevel::City => "city",
        RegionLevel::County => "county",
    }
}

impl App {
    /// Who the scope is and whether the actor writes for it: the administrator of exactly
    /// that division, or a member of that organisation.
    async fn summary_scope(
        &self,
        actor: &Actor,
        kind: &str,
        reference: &str,
    ) -> Result<(String, RegionPath), AppError> {
        let (name, path) = self.summary_subject(kind, reference).await?;
        if !self.writes_summary(actor, kind, reference).await? {
            return Err(AppError::Forbidden(
                if matches!(kind, "unit" | "society") {
                    "只有本单位的成员可以填报本单位的工作总结"
                } else {
                    "只有本级科协管理员可以填报本地区的工作总结"
                }
                .to_owned(),
            ));
        }
        Ok((name, path))
    }

    /// The division or organisation a summary is about, with its place.
    async fn summary_subject(
        &self,
        kind: &str,
        reference: &str,
    ) -> Result<(String, RegionPath), AppError> {
        match kind {
            "county" | "city" | "province" => {
                let located = locate(&self.db, reference)
                    .await?
                    .filter(|l| l.level.map(kind_of) == Some(kind))
                    .ok_or_else(|| AppError::NotFound("未找到该地区".to_owned()))?;
                let name = self.region_name(reference).await?;
                Ok((name, located.path))
            }
            "unit" | "society" => {
                let id: i64 = reference
                    .parse()
                    .map_err(|_| AppError::NotFound("未找到该单位".to_owned()))?;
                let o = store::orgs::find(&self.db, id)
                    .await?
                    .ok_or_else(|| AppError::NotFound("未找到该单位".to_owned()))?;
                let path = o.area();
                Ok((o.name, path))
            }
            _ => Err(AppError::NotFound(
                "总结范围须为 unit、county、city、society 或 province".to_owned(),
            )),
        }
    }

    /// Whether the actor writes this summary.
    async fn writes_summary(
        &self,
        actor: &Actor,
        kind: &str,
        reference: &str,
    ) -> Result<bool, AppError> {
        Ok(match kind {
            "unit" | "society" => match reference.parse::<i64>() {
                Ok(id) => self.is_member(actor.user_id, id).await?,
                Err(_) => false,
            },
            _ => actor.grants.iter().any(|g| {
                g.region_code == reference && g.role.governs().flatten().map(kind_of) == Some(kind)
            }),
        })
    }

    /// `PUT /api/v1/summaries/{kind}/{ref}`: saves (and with `submit`, submits) a summary.
    pub async fn put_summary(
        &self,
        actor: &Actor,
        kind: &str,
        reference: &str,
        input: SummaryInput,
    ) -> Result<SummaryView, AppError> {
        let (_, path) = self.summary_scope(actor, kind, reference).await?;
        input.problems().into_result()?;
        let campaign = self.current_campaign().await?;
        let now = self.clock.now();
        let previous = self.find_summary(campaign.id, kind, reference).await?;
        let submitted_at = previous
            .and_then(|p| p.submitted_at)
            .or(input.submit.then_some(now));
        let audit_path = path.clone();
        let saved = store::summaries::Saved {
            campaign_id: campaign.id,
            kind,
            reference,
            area: [path.province, path.city, path.county],
            data: serde_json::to_string(&input).map_err(AppError::internal)?,
            author_id: actor.user_id,
            submitted_at,
            updated_at: now,
        };
        let txn = self.db.begin().await?;
        store::summaries::save(&txn, saved).await?;
        crate::audit::record(
            &txn,
            now,
            Some(actor),
            crate::audit::Event::ok(
                if input.submit {
                    "summary.submit"
                } else {
                    "summary.save"
                },
                "summary",
                format!("{kind}/{reference}"),
                &audit_path,
                serde_json::json!({"campaign_id": campaign.id, "submitted_at": submitted_at}),
            ),
        )
        .await?;
        txn.commit().await?;
        self.summary(actor, kind, reference).await
    }

    async fn find_summary(
        &self,
        campaign_id: i64,
        kind: &str,
        reference: &str,
    ) -> Result<Option<summary::Model>, AppError> {
        Ok(store::summaries::find(&self.db, campaign_id, kind, reference).await?)
    }

    /// Checks that the actor writes this summary (making it a draft if it does not exist)
    /// and prepares a temporary file for an attachment; `consent` is the uploader's answer on
    /// who agreed to be shown, which a photo or video needs.
    pub async fn begin_summary_upload(
        &self,
        actor: &Actor,
        kind: &str,
        reference: &str,
        consent: Option<domain::consent::Consent>,
    ) -> Result<SummarySlot, AppError> {
        self.summary_scope(actor, kind, reference).await?;
        let campaign = self.current_campaign().await?;
        let row = match self.find_summary(campaign.id, kind, reference).await? {
            Some(row) => row,
            None => {
                self.put_summary(actor, kind, reference, SummaryInput::default())
                    .await?;
                self.find_summary(campaign.id, kind, reference)
                    .await?
                    .ok_or_else(|| AppError::internal("summary vanished"))?
            }
        };
        let tmp = self.config.data_dir.join("incoming");
        tokio::fs::create_dir_all(&tmp)
            .await
            .map_err(AppError::internal)?;
        Ok(SummarySlot {
            summary_id: row.id,
            temp_path: tmp.join(crate::random_hex(16)?),
            max_bytes: self.config.media.video_max_bytes,
            consent,
        })
    }

    /// Checks the streamed attachment by parsing it and stores it; the temporary file is
    /// removed whatever happens.
    pub async fn finish_summary_upload(
        &self,
        actor: &Actor,
        slot: SummarySlot,
        bytes: u64,
        name: &str,
    ) -> Result<SummaryFile, AppError> {
        let result = self.store_summary_file(actor, &slot, bytes, name).await;
        tokio::fs::remove_file(&slot.temp_path).await.ok();
        result
    }

    async fn store_summary_file(
        &self,
        actor: &Actor,
        slot: &SummarySlot,
        bytes: u64,
        name: &str,
    ) -> Result<SummaryFile, AppError> {
        if bytes == 0 {
            return Err(AppError::invalid_field("file", "请选择要上传的文件"));
        }
        let path = slot.temp_path.clone();
        let limits = self.config.media.clone();
        let max_seconds = self.current_campaign().await?.rules.videos.max_seconds;
        let _turn = self.decodes.acquire().await.map_err(AppError::internal)?;
        let inspected = tokio::task::spawn_blocking(move || {
            crate::media::inspect_attachment(&path, &limits, max_seconds)
        })
        .await
        .map_err(AppError::internal)??;
        let kind = match inspected.extension {
            "pdf" | "pptx" => "slides",
            "mp4" => "video",
            _ => "photo",
        };
        // Slides are documents; a photo or a video may show people, and the uploader says
        // who agreed.
        let consent = domain::consent::Consent::kept(kind != "slides", slot.consent)
            .map_err(|m| AppError::invalid_field("consent", m))?;
        if kind == "photo" && bytes > self.config.media.photo_max_bytes {
            return Err(AppError::TooLarge(format!(
                "图片不能超过{}MB",
                self.config.media.photo_max_bytes / (1024 * 1024)
            )));
        }
        let key = format!(
            "summaries/{}/{}.{}",
            slot.summary_id,
            crate::random_hex(16)?,
            inspected.extension
        );
        self.files.put_file(&key, &slot.temp_path).await?;
        let name: String = name
            .trim()
            .chars()
            // No control, bidi-override or zero-width character: a name shows as it is.
            .filter(|c| !c.is_control() && !domain::text::invisible(*c))
            .take(100)
            .collect();
        let file = store::summaries::NewFile {
            summary_id: slot.summary_id,
            owner_id: actor.user_id,
            kind: kind.to_owned(),
            name: if name.is_empty() {
                format!("附件.{}", inspected.extension)
            } else {
                name
            },
            storage_key: key,
            content_type: inspected.content_type.to_owned(),
            bytes: i64::try_from(bytes).unwrap_or(i64::MAX),
            created_at: self.clock.now(),
            consent: consent.map(|c| c.as_str().to_owned()),
        };
        let txn = self.db.begin().await?;
        let row = store::summaries::add_file(&txn, file).await?;
        let s = store::summaries::file_with_summary(&txn, row.id)
            .await?
            .map(|(_, s)| s)
            .ok_or_else(|| AppError::internal("summary vanished"))?;
        crate::audit::record(
            &txn,
            self.clock.now(),
            Some(actor),
            crate::audit::Event::ok(
                "summary.file_add",
                "summary_file",
                row.id,
                &s.area(),
                serde_json::json!({"summary": format!("{}/{}", s.scope_kind, s.scope_ref),
                    "kind": row.kind, "bytes": row.bytes, "consent": row.consent}),
            ),
        )
        .await?;
        txn.commit().await?;
        Ok(file_view(&row))
    }

    /// A summary's attachment, for its writers and the administrators of its area.
    pub async fn summary_file(
        &self,
        actor: &Actor,
        id: i64,
    ) -> Result<(crate::media::MediaStream, String), AppError> {
        let not_found = || AppError::NotFound("未找到该文件".to_owned());
        let (f, s) = store::summaries::file_with_summary(&self.db, id)
            .await?
            .ok_or_else(not_found)?;
        let path = RegionPath {
            province: s.province_code.clone(),
            city: s.city_code.clone(),
            county: s.county_code.clone(),
        };
        let writes = self
            .summary_scope(actor, &s.scope_kind, &s.scope_ref)
            .await
            .is_ok();
        if !writes && !actor.governs(&path) {
            return Err(not_found());
        }
        Ok((self.files.get(&f.storage_key).await?, f.content_type))
    }

    /// Removes an attachment; only the summary's writers may.
    pub async fn delete_summary_file(&self, actor: &Actor, id: i64) -> Result<(), AppError> {
        let not_found = || AppError::NotFound("未找到该文件".to_owned());
        let (f, s) = store::summaries::file_with_summary(&self.db, id)
            .await?
            .ok_or_else(not_found)?;
        self.summary_scope(actor, &s.scope_kind, &s.scope_ref)
            .await
            .map_err(|_| not_found())?;
        let txn = self.db.begin().await?;
        store::summaries::delete_file(&txn, id).await?;
        crate::audit::record(
            &txn,
            self.clock.now(),
            Some(actor),
            crate::audit::Event::ok(
                "summary.file_delete",
                "summary_file",
                id,
                &s.area(),
                serde_json::json!({"summary": format!("{}/{}", s.scope_kind, s.scope_ref),
                    "name": f.name}),
            ),
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// `GET /api/v1/summaries/{kind}/{ref}`: a summary with its deadline, for its writers
    /// and, to read, the administrators whose area holds it; to anyone else it does not
    /// exist (404). `may_edit` says which.
    pub async fn summary(
        &self,
        actor: &Actor,
        kind: &str,
        reference: &str,
    ) -> Result<SummaryView, AppError> {
        let (name, path) = self.summary_subject(kind, reference).await?;
        let may_edit = self.writes_summary(actor, kind, reference).await?;
        if !may_edit && !actor.governs(&path) {
            return Err(AppError::NotFound("未找到该总结".to_owned()));
        }
        let campaign = self.current_campaign().await?;
        let row = self.find_summary(campaign.id, kind, reference).await?;
        let data: SummaryInput = match &row {
            Some(r) => serde_json::from_str(&r.data).map_err(AppError::internal)?,
            None => SummaryInput::default(),
        };
        let due = deadline(kind, &campaign.rules);
        let files: Vec<SummaryFile> = match &row {
            Some(r) => store::summaries::files_of(&self.db, r.id)
                .await?
                .iter()
                .map(file_view)
                .collect(),
            None => Vec::new(),
        };
        Ok(SummaryView {
            scope_kind: kind.to_owned(),
            scope_ref: reference.to_owned(),
            name,
            files,
            key_activities: data.key_activities,
            mobilisation: data.mobilisation,
            service: data.service,
            publicity: data.publicity,
            attachments: data.attachments,
            deadline: due,
            submitted_at: row.as_ref().and_then(|r| r.submitted_at),
            status: status(row.as_ref(), due).to_owned(),
            may_edit,
        })
    }

    /// `GET /api/v1/summaries?region=CODE`: the division's own summary and its children's,
    /// each `submitted`, `late`, `draft` or `missing`.
    pub async fn summaries_below(
        &self,
        actor: &Actor,
        code: &str,
    ) -> Result<SummariesBelow, AppError> {
        let located = self.govern_region(actor, code).await?;
        let campaign = self.current_campaign().await?;
        let mut scopes: Vec<(String, String, String)> = Vec::new();
        if let Some(level) = located.level {
            let name = self.region_name(code).await?;
            scopes.push((kind_of(level).to_owned(), code.to_owned(), name));
        }
        for child in self.regions_under(Some(code)).await? {
            let kind = RegionLevel::parse(&child.level).map_err(AppError::internal)?;
            scopes.push((kind_of(kind).to_owned(), child.code, child.name));
        }
        // The units registered in exactly this division (provincial societies at a province).
        for o in
            store::summaries::units_in(&self.db, code, domain::org::OrgStatus::Rejected.as_str())
                .await?
        {
            let kind = if o.kind == "society" && o.level == "province" {
                "society"
            } else {
                "unit"
            };
            scopes.push((kind.to_owned(), o.id.to_string(), o.name));
        }
        let mut rows = Vec::with_capacity(scopes.len());
        for (kind, reference, name) in scopes {
            let row = self.find_summary(campaign.id, &kind, &reference).await?;
            let due = deadline(&kind, &campaign.rules);
            rows.push(SummaryStanding {
                status: status(row.as_ref(), due),
                submitted_at: row.as_ref().and_then(|r| r.submitted_at),
                scope_kind: kind,
                scope_ref: reference,
                name,
                deadline: due,
            });
        }
        Ok(SummariesBelow {
            region: code.to_owned(),
            items: rows,
        })
    }

    /// `POST /api/v1/summaries/reminders {region}`: notifies the administrators of the
    /// child divisions, and the members of the units, whose summary is not submitted.
    /// Answers how many people were reminded.
    pub async fn remind_summaries(&self, actor: &Actor, code: &str) -> Result<Reminded, AppError> {
        let listing = self.summaries_below(actor, code).await?;
        let now = self.clock.now();
        let txn = self.db.begin().await?;
        let mut reminded = 0_u64;
        for item in &listing.items {
            let reference = item.scope_ref.as_str();
            let waiting = matches!(item.status, "missing" | "draft");
            if reference == code || !waiting {
                continue;
            }
            let people: Vec<i64> = match item.scope_kind.as_str() {
                "unit" | "society" => {
                    store::summaries::members_of(&self.db, reference.parse::<i64>().unwrap_or(0))
                        .await?
                }
                _ => {
                    let admins = [
                        Role::CountyAdmin.as_str(),
                        Role::CityAdmin.as_str(),
                        Role::ProvinceAdmin.as_str(),
                    ];
                    store::summaries::holders_of(&self.db, reference, &admins).await?
                }
            };
            for user_id in people {
                let text = format!(
                    "请于{}前提交{}的科普日工作总结",
                    item.deadline.map(|d| d.to_string()).unwrap_or_default(),
                    item.name
                );
                crate::notifications::notify(&txn, now, user_id, "summary.reminder", None, text)
                    .await?;
                reminded += 1;
            }
        }
        let path = locate(&self.db, code)
            .await?
            .map(|l| l.path)
            .unwrap_or_default();
        crate::audit::record(
            &txn,
            now,
            Some(actor),
            crate::audit::Event::ok(
                "summary.remind",
                "region",
                code,
                &path,
                serde_json::json!({"reminded": reminded}),
            ),
        )
        .await?;
        txn.commit().await?;
        Ok(Reminded { reminded })
    }

    /// Submitted summaries within a division (for the statistics).
    pub(crate) async fn summary_counts(
        &self,
        campaign_id: i64,
        code: &str,
    ) -> Result<u64, AppError> {
        let path = locate(&self.db, code)
            .await?
            .map(|l| l.path)
            .unwrap_or_default();
        let area = area_condition(
            &path,
            summary::Column::ProvinceCode,
            summary::Column::CityCode,
            summary::Column::CountyCode,
        );
        Ok(store::summaries::submitted_within(&self.db, campaign_id, area).await?)
    }
}

fn status(row: Option<&summary::Model>, due: Option<NaiveDate>) -> &'static str {
    match row.map(|r| r.submitted_at) {
        None => "missing",
        Some(None) => "draft",
        Some(Some(at)) if due.is_some_and(|d| beijing_date(at) > d) => "late",
        Some(Some(_)) => "submitted",
    }
}
