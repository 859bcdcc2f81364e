//! 报名表: entries of the video contest (DESIGN.md §8; API.md "The video contest"). Anyone
//! logged in starts a draft while the contest takes entries; a draft saves anything; its
//! files are checked by parsing and nothing is stored when one is refused; submitting
//! checks every field at once, the file rules again, and that the work is not already
//! entered (the keys it is known by are claimed in the same transaction). Administrators of
//! the contest's area screen, return and disqualify; the entrant may withdraw before
//! judging. Every move is in the entry's history. Who may do what is in each query.

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use domain::contest::{ContestSettings, ContestStatus, FileRules};
use domain::entry::{
    self as rules, EntryEdit, EntryFacts, EntryForm, EntryStatus, MoveRefused, Screening,
};
use domain::region::RegionPath;
use serde::{Deserialize, Serialize};
use store::entities::{InArea, contest, contest_entry as entry, contest_entry_media as media};
use store::sea_orm::{Condition, TransactionTrait};
use utoipa::ToSchema;

use crate::contests::{scope, settings_of, status_of};
use crate::paging::{Page, Paged};
use crate::regions::locate;
use crate::{Actor, App, AppError};

/// An entry's file, as the API answers it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EntryMediaView {
    /// Id, to name in the entry's `video` or `signed_form`.
    pub id: i64,
    /// `video` or `signed_form`.
    pub kind: String,
    /// Size in bytes.
    pub bytes: i64,
    /// SHA-256 of the bytes, lower-case hex.
    pub sha256: String,
    /// Displayed width (after the rotation matrix).
    pub width: Option<i32>,
    /// Displayed height.
    pub height: Option<i32>,
    /// Duration of the video track, in seconds.
    pub seconds: Option<f64>,
    /// The file's own creation time (mvhd), when it gives one.
    pub created_at: Option<DateTime<Utc>>,
    /// When it was uploaded.
    pub uploaded_at: DateTime<Utc>,
    /// Where the entrant and the contest's administrators fetch it.
    pub url: String,
}

fn media_view(m: media::Model) -> EntryMediaView {
    EntryMediaView {
        url: format!(
            "/api/v1/contests/{}/entries/{}/media/{}",
            m.contest_id, m.entry_id, m.id
        ),
        id: m.id,
        kind: m.kind,
        bytes: m.bytes,
        sha256: m.sha256,
        width: m.width,
        height: m.height,
        seconds: m.seconds,
        created_at: m.made_at,
        uploaded_at: m.created_at,
    }
}

/// An entry as its entrant, its unit's members and the contest's administrators see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EntryView {
    /// Id.
    pub id: i64,
    /// The contest.
    pub contest_id: i64,
    /// `draft`, `submitted`, `accepted`, `returned`, `withdrawn` or `disqualified`.
    pub status: EntryStatus,
    /// Version, for `If-Match`.
    pub version: i64,
    /// The form as saved.
    #[serde(flatten)]
    pub form: EntryForm,
    /// The video's measured duration, as submitted.
    pub duration_seconds: Option<f64>,
    /// The video's displayed width, as submitted.
    pub width: Option<i32>,
    /// The video's displayed height, as submitted.
    pub height: Option<i32>,
    /// When it was (last) submitted.
    pub submitted_at: Option<DateTime<Utc>>,
    /// When the entrant made the pledge (at submission).
    pub pledged_at: Option<DateTime<Utc>>,
    /// Who made it.
    pub entrant_user_id: i64,
    /// Whether the caller may change and submit it now.
    pub editable: bool,
    /// The files uploaded for it, newest first.
    pub media: Vec<EntryMediaView>,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

/// An entry as the caller may see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(untagged)]
pub enum EntryAnswer {
    /// Whole: the entrant, the unit's members, the contest's administrators.
    Full(Box<EntryView>),
    /// Blind: a judge it is assigned to.
    Blind(Box<crate::judging::BlindEntryView>),
}

/// A move in an entry's history.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EntryMoveView {
    /// When.
    pub at: DateTime<Utc>,
    /// Who (their name; an account without one shows as 用户 and its id).
    pub actor: String,
    /// From (none when the entry was made).
    pub from: Option<EntryStatus>,
    /// To.
    pub to: EntryStatus,
    /// The reason given.
    pub reason: Option<String>,
}

/// The entry list's filters.
#[derive(Debug, Clone, Default, Deserialize, ToSchema, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct EntryQuery {
    /// Only entries in this status.
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    pub status: Option<String>,
    /// Page (from 1).
    pub page: Option<i64>,
    /// Per page (1–100).
    pub per_page: Option<i64>,
}

/// A 形式审查 decision.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScreeningInput {
    /// `accept` or `return`.
    pub decision: String,
    /// Why (required to return).
    #[serde(default)]
    pub reason: Option<String>,
}

/// A reason (disqualification).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonInput {
    /// Why.
    #[serde(default)]
    pub reason: Option<String>,
}

/// What an entry's upload is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryFileKind {
    /// 作品视频, checked against the contest's file rules.
    Video,
    /// The signed or sealed 报名表, a PDF.
    SignedForm,
}

impl EntryFileKind {
    /// Parses the multipart `kind` field.
    pub fn parse(raw: &str) -> Result<EntryFileKind, AppError> {
        match raw.trim() {
            "video" => Ok(EntryFileKind::Video),
            "signed_form" => Ok(EntryFileKind::SignedForm),
            _ => Err(AppError::invalid_field(
                "kind",
                "kind 须为 video（作品视频）或 signed_form（签字盖章的报名表）",
            )),
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            EntryFileKind::Video => "video",
            EntryFileKind::SignedForm => "signed_form",
        }
    }
}

/// Where an entry's upload may be streamed, and how large it may grow.
#[derive(Debug)]
pub struct EntryUploadSlot {
    contest_id: i64,
    entry_id: i64,
    kind: EntryFileKind,
    rules: FileRules,
    /// A temporary file to stream into.
    pub temp_path: PathBuf,
    /// The most bytes accepted.
    pub max_bytes: u64,
}

impl EntryUploadSlot {
    /// The refusal of an upload cut off at `max_bytes` (413, `rules: ["size"]`).
    pub fn too_large(&self) -> AppError {
        AppError::file_rules(vec![match self.kind {
            EntryFileKind::Video => domain::contest::size_problem(&self.rules),
            EntryFileKind::SignedForm => (
                "size",
                format!(
                    "报名表 PDF 不能超过 {}",
                    domain::contest::size_text(i64::try_from(self.max_bytes).unwrap_or(i64::MAX))
                ),
            ),
        }])
    }
}

/// How the caller stands to an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Access {
    /// Made it.
    Entrant,
    /// A member of the unit that recommends it.
    UnitMember,
    /// Administers the contest's area.
    Admin,
    /// Judges it (sees it blind).
    Judge,
}

fn not_found() -> AppError {
    AppError::NotFound("未找到该作品".to_owned())
}

fn entry_status(row: &entry::Model) -> Result<EntryStatus, AppError> {
    EntryStatus::parse(&row.status).ok_or_else(|| AppError::internal("entry status"))
}

fn form_of(row: &entry::Model) -> Result<EntryForm, AppError> {
    serde_json::from_str(&row.form).map_err(AppError::internal)
}

fn stale() -> AppError {
    AppError::conflict("报名表已在别处修改，请刷新后重试")
}

fn editable_statuses() -> [&'static str; 2] {
    [EntryStatus::Draft.as_str(), EntryStatus::Returned.as_str()]
}

fn holding_statuses() -> [&'static str; 3] {
    [
        EntryStatus::Submitted.as_str(),
        EntryStatus::Accepted.as_str(),
        EntryStatus::Returned.as_str(),
    ]
}

fn refused(r: MoveRefused) -> AppError {
    match r {
        MoveRefused::Invalid(fields) => AppError::invalid(fields),
        MoveRefused::State(message) => AppError::conflict(message),
    }
}

fn not_taking() -> AppError {
    AppError::conflict("本次征集不在征集期内（或尚未开始、已经截止），不能报名或提交作品")
}

/// Whether a division at `path` lies inside the division `code` (none: anywhere).
async fn inside(
    db: &impl store::sea_orm::ConnectionTrait,
    path: &RegionPath,
    code: Option<&str>,
) -> Result<bool, AppError> {
    let Some(code) = code else {
        return Ok(true);
    };
    Ok(match locate(db, code).await? {
        Some(found) => path.is_within(code, found.level),
        None => false,
    })
}

impl App {
    /// The entry `eid` of contest `cid` as `actor` reaches it, and how; 404 when they
    /// cannot see it at all. The query itself holds the reach.
    async fn reach_entry(
        &self,
        actor: &Actor,
        cid: i64,
        eid: i64,
    ) -> Result<(entry::Model, Access), AppError> {
        let reach = Condition::any()
            .add(store::entries::reachable_by(actor.user_id))
            .add(store::entries::in_contests(scope(actor)));
        let Some(row) = store::entries::find_within(&self.db, cid, eid, reach).await? else {
            if self.judged_by(actor, cid, eid).await?.is_some()
                && let Some(row) =
                    store::entries::find_within(&self.db, cid, eid, Condition::all()).await?
            {
                return Ok((row, Access::Judge));
            }
            return Err(not_found());
        };
        let access = if row.entrant_user_id == actor.user_id {
            Access::Entrant
        } else if store::entries::find_within(
            &self.db,
            cid,
            eid,
            store::entries::in_contests(scope(actor)),
        )
        .await?
        .is_some()
        {
            Access::Admin
        } else {
            Access::UnitMember
        };
        Ok((row, access))
    }

    /// The entry, when `actor` made it: 403 to the others who see it, 404 to the rest.
    async fn own_entry(&self, actor: &Actor, cid: i64, eid: i64) -> Result<entry::Model, AppError> {
        let (row, access) = self.reach_entry(actor, cid, eid).await?;
        if access != Access::Entrant {
            return Err(AppError::Forbidden(
                "只有填写报名表的人可以修改、上传、提交或撤回".to_owned(),
            ));
        }
        Ok(row)
    }

    async fn contest_row(&self, cid: i64) -> Result<contest::Model, AppError> {
        store::contests::find(&self.db, cid)
            .await?
            .ok_or_else(|| AppError::NotFound("未找到该比赛".to_owned()))
    }

    async fn entry_view(&self, row: &entry::Model, access: Access) -> Result<EntryView, AppError> {
        let status = entry_status(row)?;
        let media = store::entries::media_for(&self.db, row.id)
            .await?
            .into_iter()
            .map(media_view)
            .collect();
        Ok(EntryView {
            id: row.id,
            contest_id: row.contest_id,
            status,
            version: row.version,
            form: form_of(row)?,
            duration_seconds: row.duration_seconds,
            width: row.width,
            height: row.height,
            submitted_at: row.submitted_at,
            pledged_at: row.pledged_at,
            entrant_user_id: row.entrant_user_id,
            editable: access == Access::Entrant && status.editable(),
            media,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }

    /// `POST /api/v1/contests/{id}/entries`: a draft, while the contest takes entries.
    pub async fn create_entry(
        &self,
        actor: &Actor,
        cid: i64,
        edit: EntryEdit,
    ) -> Result<EntryView, AppError> {
        let contest = self.contest_row(cid).await?;
        let status = status_of(&contest)?;
        if status == ContestStatus::Draft && !actor.governs(&contest.area()) {
            return Err(AppError::NotFound("未找到该比赛".to_owned()));
        }
        let settings = settings_of(&contest)?;
        let now = self.clock.now();
        if !domain::contest::takes_entries(status, &settings, domain::campaign::beijing_date(now)) {
            return Err(not_taking());
        }
        let form = EntryForm::default().with(edit).map_err(AppError::invalid)?;
        let txn = self.db.begin().await?;
        let row = store::entries::insert(
            &txn,
            cid,
            actor.user_id,
            serde_json::to_string(&form).map_err(AppError::internal)?,
            now,
        )
        .await?;
        store::entries::record(
            &txn,
            row.id,
            now,
            actor.user_id,
            None,
            EntryStatus::Draft.as_str(),
            None,
        )
        .await?;
        crate::audit::record(
            &txn,
            now,
            Some(actor),
            crate::audit::Event::ok(
                "entry.create",
                "contest_entry",
                row.id,
                &contest.area(),
                serde_json::json!({"contest_id": cid, "title": form.title}),
            ),
        )
        .await?;
        txn.commit().await?;
        self.entry_view(&row, Access::Entrant).await
    }

    /// `GET /api/v1/contests/{id}/entries/{eid}`: whole to its entrant, its unit's members
    /// and the contest's administrators; blind to a judge it is assigned to.
    pub async fn entry(&self, actor: &Actor, cid: i64, eid: i64) -> Result<EntryAnswer, AppError> {
        let (row, access) = self.reach_entry(actor, cid, eid).await?;
        if access == Access::Judge {
            let mine = self.judged_by(actor, cid, eid).await?;
            let blind = crate::judging::blind_view(&row, &form_of(&row)?, mine.as_ref())?;
            return Ok(EntryAnswer::Blind(Box::new(blind)));
        }
        Ok(EntryAnswer::Full(Box::new(
            self.entry_view(&row, access).await?,
        )))
    }

    /// The entry whole, to those who may see it so (after a change of theirs).
    async fn full_entry(&self, actor: &Actor, cid: i64, eid: i64) -> Result<EntryView, AppError> {
        let (row, access) = self.reach_entry(actor, cid, eid).await?;
        if access == Access::Judge {
            return Err(not_found());
        }
        self.entry_view(&row, access).await
    }

    /// `GET /api/v1/contests/{id}/entries`: every entry to the contest's administrators;
    /// to anyone else the entries they made or their unit recommends.
    pub async fn entries(
        &self,
        actor: &Actor,
        cid: i64,
        query: EntryQuery,
    ) -> Result<Paged<EntryView>, AppError> {
        let page = Page::parse(query.page, query.per_page)?;
        let contest = self.contest_row(cid).await?;
        let admin = actor.governs(&contest.area());
        let mut filter = Condition::all().add(if admin {
            store::entries::in_contests(scope(actor))
        } else {
            store::entries::reachable_by(actor.user_id)
        });
        if let Some(raw) = query.status.as_deref() {
            let Some(status) = EntryStatus::parse(raw.trim()) else {
                return Err(AppError::Malformed(
                    "status 须为 draft、submitted、accepted、returned、withdrawn 或 disqualified"
                        .to_owned(),
                ));
            };
            filter = filter.add(store::entries::in_status(&[status.as_str()]));
        }
        let (rows, total) =
            store::entries::page(&self.db, cid, filter, page.offset(), page.per_page).await?;
        let mut items = Vec::with_capacity(rows.len());
        for row in &rows {
            let access = if row.entrant_user_id == actor.user_id {
                Access::Entrant
            } else if admin {
                Access::Admin
            } else {
                Access::UnitMember
            };
            items.push(self.entry_view(row, access).await?);
        }
        Ok(Paged {
            items,
            total,
            page: page.page,
            per_page: page.per_page,
        })
    }

    /// `PATCH /api/v1/contests/{id}/entries/{eid}`: the entrant changes a draft or a
    /// returned entry; a draft saves anything within its bounds.
    pub async fn update_entry(
        &self,
        actor: &Actor,
        cid: i64,
        eid: i64,
        version: i64,
        edit: EntryEdit,
    ) -> Result<EntryView, AppError> {
        let row = self.own_entry(actor, cid, eid).await?;
        let status = entry_status(&row)?;
        if !status.editable() {
            return Err(AppError::conflict(format!(
                "此作品的状态为“{}”，报名表不能再修改",
                status.label()
            )));
        }
        if row.version != version {
            return Err(stale());
        }
        let form = form_of(&row)?.with(edit).map_err(AppError::invalid)?;
        let now = self.clock.now();
        let filter = Condition::all()
            .add(store::entries::made_by(actor.user_id))
            .add(store::entries::in_status(&editable_statuses()));
        if !store::entries::save_form(
            &self.db,
            eid,
            version,
            filter,
            serde_json::to_string(&form).map_err(AppError::internal)?,
            now,
        )
        .await?
        {
            return Err(stale());
        }
        self.full_entry(actor, cid, eid).await
    }

    /// Checks that `actor` may upload to their entry, and prepares a temporary file.
    pub async fn begin_entry_upload(
        &self,
        actor: &Actor,
        cid: i64,
        eid: i64,
        kind: EntryFileKind,
    ) -> Result<EntryUploadSlot, AppError> {
        let row = self.own_entry(actor, cid, eid).await?;
        let status = entry_status(&row)?;
        if !status.editable() {
            return Err(AppError::conflict(format!(
                "此作品的状态为“{}”，不能再上传文件",
                status.label()
            )));
        }
        let settings = settings_of(&self.contest_row(cid).await?)?;
        let max_bytes = match kind {
            EntryFileKind::Video => u64::try_from(settings.file_rules.max_bytes).unwrap_or(0),
            EntryFileKind::SignedForm => self.config.contests.signed_form_max_bytes,
        };
        let tmp = self.config.data_dir.join("incoming");
        tokio::fs::create_dir_all(&tmp)
            .await
            .map_err(AppError::internal)?;
        Ok(EntryUploadSlot {
            contest_id: cid,
            entry_id: eid,
            kind,
            rules: settings.file_rules,
            temp_path: tmp.join(crate::random_hex(16)?),
            max_bytes,
        })
    }

    /// Checks the streamed file by parsing it, against every file rule at once; stores and
    /// records it only when it passes. The temporary file is removed whatever happens.
    pub async fn finish_entry_upload(
        &self,
        actor: &Actor,
        slot: EntryUploadSlot,
    ) -> Result<EntryMediaView, AppError> {
        let result = self.store_entry_file(actor, &slot).await;
        tokio::fs::remove_file(&slot.temp_path).await.ok();
        result
    }

    async fn store_entry_file(
        &self,
        actor: &Actor,
        slot: &EntryUploadSlot,
    ) -> Result<EntryMediaView, AppError> {
        let bytes = tokio::fs::metadata(&slot.temp_path)
            .await
            .map_err(AppError::internal)?
            .len();
        if bytes == 0 {
            return Err(AppError::invalid_field("file", "请选择要上传的文件"));
        }
        let path = slot.temp_path.clone();
        let (content_type, extension, facts) = match slot.kind {
            EntryFileKind::Video => {
                let facts = {
                    let _turn = self.decodes.acquire().await.map_err(AppError::internal)?;
                    tokio::task::spawn_blocking(move || crate::media::inspect_contest_video(&path))
                        .await
                        .map_err(AppError::internal)??
                };
                let Some(facts) = facts else {
                    return Err(AppError::file_rules(vec![(
                        "container",
                        "文件不是 MP4 视频（按文件内容识别，与文件名无关）".to_owned(),
                    )]));
                };
                let problems = domain::contest::file_rule_problems(&slot.rules, &facts);
                if !problems.is_empty() {
                    return Err(AppError::file_rules(problems));
                }
                ("video/mp4", "mp4", Some(facts))
            }
            EntryFileKind::SignedForm => {
                let head = tokio::task::spawn_blocking(move || {
                    use std::io::Read;
                    let mut head = [0u8; 5];
                    let mut file = std::fs::File::open(&path)?;
                    file.read_exact(&mut head).map(|()| head)
                })
                .await
                .map_err(AppError::internal)?;
                if !matches!(head, Ok(h) if &h == b"%PDF-") {
                    return Err(AppError::file_rules(vec![(
                        "container",
                        "报名表须为 PDF 文件（按文件内容识别，与文件名无关）".to_owned(),
                    )]));
                }
                ("application/pdf", "pdf", None)
            }
        };
        let path = slot.temp_path.clone();
        let sha256 = tokio::task::spawn_blocking(move || crate::sha256_of_file(&path))
            .await
            .map_err(AppError::internal)??;
        let key = format!(
            "contests/{}/{}/{}.{extension}",
            slot.contest_id,
            slot.entry_id,
            crate::random_hex(16)?
        );
        self.files.put_file(&key, &slot.temp_path).await?;
        let dim = |v: u32| i32::try_from(v).unwrap_or(i32::MAX);
        let added = store::entries::add_media(
            &self.db,
            store::entries::NewMedia {
                contest_id: slot.contest_id,
                entry_id: slot.entry_id,
                owner_id: actor.user_id,
                kind: slot.kind.as_str().to_owned(),
                storage_key: key.clone(),
                content_type: content_type.to_owned(),
                bytes: i64::try_from(bytes).unwrap_or(i64::MAX),
                sha256,
                width: facts.as_ref().map(|f| dim(f.width)),
                height: facts.as_ref().map(|f| dim(f.height)),
                seconds: facts.as_ref().map(|f| f.seconds),
                made_at: facts.as_ref().and_then(|f| f.created),
                created_at: self.clock.now(),
            },
        )
        .await;
        match added {
            Ok(row) => Ok(media_view(row)),
            Err(e) => {
                // The file was stored first: a row that could not be written leaves no file.
                self.files.delete(&key).await.ok();
                Err(e.into())
            }
        }
    }

    /// An entry's file (its record), to the entrant, its unit's members and the contest's
    /// administrators; its video to an assigned judge, and to anyone once it is awarded.
    pub async fn entry_file(
        &self,
        caller: Option<&Actor>,
        cid: i64,
        eid: i64,
        mid: i64,
    ) -> Result<media::Model, AppError> {
        let missing = || AppError::NotFound("未找到该文件".to_owned());
        let reached = match caller {
            Some(actor) => match self.reach_entry(actor, cid, eid).await {
                Ok(found) => Some(found),
                Err(AppError::NotFound(_)) => None,
                Err(e) => return Err(e),
            },
            None => None,
        };
        // Anyone plays an awarded entry's video once the results are published, and an
        // accepted entry's while the public vote is open.
        let (row, access) = match reached {
            Some(found) => found,
            None if self.is_awarded(cid, eid).await? || self.on_ballot(cid, eid).await? => {
                let row = store::entries::find_within(&self.db, cid, eid, Condition::all())
                    .await?
                    .ok_or_else(missing)?;
                (row, Access::Judge)
            }
            None => return Err(missing()),
        };
        // A judge (and the public, for a winner) plays the video the entry names, never its
        // signed form.
        if access == Access::Judge && form_of(&row)?.video != Some(mid) {
            return Err(missing());
        }
        store::entries::media_of(&self.db, row.id, mid)
            .await?
            .ok_or_else(missing)
    }

    /// What only storage knows about `form` for its submission check (`unit_entries` is
    /// counted by the caller, inside its transaction).
    async fn entry_facts(
        &self,
        actor: &Actor,
        row: &entry::Model,
        form: &EntryForm,
        settings: &ContestSettings,
    ) -> Result<
        (
            EntryFacts,
            Option<media::Model>,
            Vec<(&'static str, String)>,
        ),
        AppError,
    > {
        let mut facts = EntryFacts::default();
        let entrants = settings.entrant_region.as_deref();
        match form.mode() {
            Some(domain::contest::EntryMode::Unit) => {
                if let Some(unit) = form.unit_id {
                    facts.member_of_unit =
                        store::orgs::is_member(&self.db, unit, actor.user_id).await?;
                    if let Some(org) = store::orgs::find(&self.db, unit).await? {
                        facts.inside_entrant_region =
                            inside(&self.db, &org.area(), entrants).await?;
                    }
                }
            }
            Some(domain::contest::EntryMode::OwnNomination) => {
                if let Some(code) = form.region_code.as_deref() {
                    let found = match domain::region::parse_code(code) {
                        Ok(code) => locate(&self.db, &code).await?,
                        Err(_) => None,
                    };
                    facts.region_exists = found.is_some();
                    if let Some(found) = found {
                        facts.inside_entrant_region =
                            inside(&self.db, &found.path, entrants).await?;
                    }
                }
            }
            None => {}
        }
        if let Some(units) = &form.producing_units {
            let mut ids = units.clone();
            ids.sort_unstable();
            ids.dedup();
            facts.producing_units_exist = ids.len() == units.len()
                && store::orgs::find_many(&self.db, &ids).await?.len() == ids.len();
        }
        let mut video_rules = Vec::new();
        let mut video = None;
        if let Some(id) = form.video {
            video = store::entries::media_of(&self.db, row.id, id)
                .await?
                .filter(|m| m.kind == EntryFileKind::Video.as_str());
            if let Some(m) = &video {
                facts.video_uploaded = true;
                // The file rules again: they may have been set after the upload.
                let stored = domain::contest::VideoFacts {
                    bytes: u64::try_from(m.bytes).unwrap_or(0),
                    video_track: true,
                    width: u32::try_from(m.width.unwrap_or(0)).unwrap_or(0),
                    height: u32::try_from(m.height.unwrap_or(0)).unwrap_or(0),
                    seconds: m.seconds.unwrap_or(0.0),
                    created: m.made_at,
                };
                video_rules = domain::contest::file_rule_problems(&settings.file_rules, &stored);
            }
        }
        if let Some(id) = form.signed_form {
            facts.signed_form_uploaded = store::entries::media_of(&self.db, row.id, id)
                .await?
                .is_some_and(|m| m.kind == EntryFileKind::SignedForm.as_str());
        }
        Ok((facts, video, video_rules))
    }

    /// `POST /api/v1/contests/{id}/entries/{eid}/submit`: every problem at once (422), the
    /// work not already entered (409 `duplicate_work`, naming nothing of the other entry),
    /// the contest taking entries (409). Records the pledge with the account, time and
    /// address, and freezes the contest's file rules, criteria, modes and vote weight.
    pub async fn submit_entry(
        &self,
        actor: &Actor,
        cid: i64,
        eid: i64,
    ) -> Result<EntryView, AppError> {
        let row = self.own_entry(actor, cid, eid).await?;
        let status = entry_status(&row)?;
        if !status.editable() {
            return Err(AppError::conflict(format!(
                "此作品的状态为“{}”，不能再提交",
                status.label()
            )));
        }
        let contest = self.contest_row(cid).await?;
        let settings = settings_of(&contest)?;
        let now = self.clock.now();
        let today = domain::campaign::beijing_date(now);
        if !domain::contest::takes_entries(status_of(&contest)?, &settings, today) {
            return Err(not_taking());
        }
        let form = form_of(&row)?;
        let (mut facts, video, video_rules) =
            self.entry_facts(actor, &row, &form, &settings).await?;
        let txn = self.db.begin().await?;
        // Submissions to one contest take turns from here (the contest's row is locked on
        // PostgreSQL; SQLite has one writer): a unit's count is read after the last write.
        store::entries::freeze_contest(&txn, cid).await?;
        if let Some(unit) = form.unit_id {
            facts.unit_entries = i64::try_from(
                store::entries::unit_entries(&txn, cid, unit, &holding_statuses(), eid).await?,
            )
            .unwrap_or(i64::MAX);
        }
        let mut problems = rules::submit_problems(&form, &settings, &facts, today);
        if !video_rules.is_empty() {
            let joined = video_rules
                .into_iter()
                .map(|(_, m)| m)
                .collect::<Vec<_>>()
                .join("；");
            problems.add("video", format!("作品视频不符合要求：{joined}"));
        }
        if !problems.is_empty() {
            return Err(AppError::invalid(problems));
        }
        let measured = video
            .as_ref()
            .map(|v| (v.seconds, v.width, v.height))
            .unwrap_or_default();
        let (url, title) = rules::work_keys(&form);
        let keys: Vec<(&str, String)> = [
            video.map(|v| ("sha256", v.sha256)),
            url.map(|u| ("url", u)),
            title.map(|t| ("title", t)),
        ]
        .into_iter()
        .flatten()
        .collect();
        store::entries::claim(&txn, cid, eid, &keys)
            .await
            .map_err(|e| {
                if store::is_unique_violation(&e) {
                    AppError::Clash {
                        code: "duplicate_work",
                        message: "该作品已报送本次征集（同一视频文件、同一播出网址，或作品名称与第一作者相同），不能重复报送".to_owned(),
                    }
                } else {
                    e.into()
                }
            })?;
        let submitted = store::entries::mark_submitted(
            &txn,
            eid,
            row.version,
            Condition::all()
                .add(store::entries::made_by(actor.user_id))
                .add(store::entries::in_status(&editable_statuses())),
            store::entries::Submission {
                unit_id: form
                    .unit_id
                    .filter(|_| form.mode() == Some(domain::contest::EntryMode::Unit)),
                duration_seconds: measured.0,
                width: measured.1,
                height: measured.2,
                pledge_ip: crate::audit::origin().ip,
                at: now,
            },
        )
        .await?;
        if !submitted {
            return Err(stale());
        }
        store::entries::record(
            &txn,
            eid,
            now,
            actor.user_id,
            Some(status.as_str()),
            EntryStatus::Submitted.as_str(),
            None,
        )
        .await?;
        crate::audit::record(
            &txn,
            now,
            Some(actor),
            crate::audit::Event::ok(
                "entry.submit",
                "contest_entry",
                eid,
                &contest.area(),
                serde_json::json!({"contest_id": cid, "title": form.title}),
            ),
        )
        .await?;
        txn.commit().await?;
        self.full_entry(actor, cid, eid).await
    }
}

impl App {
    /// `POST /api/v1/contests/{id}/entries/{eid}/withdraw`: the entrant, before judging.
    pub async fn withdraw_entry(
        &self,
        actor: &Actor,
        cid: i64,
        eid: i64,
    ) -> Result<EntryView, AppError> {
        let row = self.own_entry(actor, cid, eid).await?;
        let status = entry_status(&row)?;
        let contest = self.contest_row(cid).await?;
        rules::may_withdraw(status, status_of(&contest)?).map_err(AppError::conflict)?;
        self.move_entry(
            actor,
            &contest,
            eid,
            status,
            EntryStatus::Withdrawn,
            None,
            store::entries::made_by(actor.user_id),
        )
        .await?;
        self.full_entry(actor, cid, eid).await
    }

    /// The entry as the contest's administrators reach it (403 to others who can see the
    /// contest's entries at all; 404 otherwise).
    async fn administered_entry(
        &self,
        actor: &Actor,
        cid: i64,
        eid: i64,
    ) -> Result<(contest::Model, entry::Model), AppError> {
        let (row, access) = self.reach_entry(actor, cid, eid).await?;
        if access != Access::Admin {
            return Err(AppError::Forbidden(
                "只有举办地区的管理员可以审查作品".to_owned(),
            ));
        }
        Ok((self.contest_row(cid).await?, row))
    }

    /// `POST /api/v1/contests/{id}/entries/{eid}/screening`: 形式审查, accept or return
    /// with a reason.
    pub async fn screen_entry(
        &self,
        actor: &Actor,
        cid: i64,
        eid: i64,
        input: ScreeningInput,
    ) -> Result<EntryView, AppError> {
        let Some(decision) = Screening::parse(input.decision.trim()) else {
            return Err(AppError::invalid_field(
                "decision",
                "decision 须为 accept（通过）或 return（退回修改）",
            ));
        };
        let (contest, row) = self.administered_entry(actor, cid, eid).await?;
        let status = entry_status(&row)?;
        let settings = settings_of(&contest)?;
        let taking = domain::contest::takes_entries(
            status_of(&contest)?,
            &settings,
            domain::campaign::beijing_date(self.clock.now()),
        );
        let (to, reason) =
            rules::screen(status, taking, decision, input.reason.as_deref()).map_err(refused)?;
        self.move_entry(
            actor,
            &contest,
            eid,
            status,
            to,
            reason,
            store::entries::in_contests(scope(actor)),
        )
        .await?;
        self.full_entry(actor, cid, eid).await
    }

    /// `POST /api/v1/contests/{id}/entries/{eid}/disqualify`: at any time, with a reason.
    pub async fn disqualify_entry(
        &self,
        actor: &Actor,
        cid: i64,
        eid: i64,
        input: ReasonInput,
    ) -> Result<EntryView, AppError> {
        let (contest, row) = self.administered_entry(actor, cid, eid).await?;
        let status = entry_status(&row)?;
        let reason = rules::disqualify(status, input.reason.as_deref()).map_err(refused)?;
        self.move_entry(
            actor,
            &contest,
            eid,
            status,
            EntryStatus::Disqualified,
            Some(reason),
            store::entries::in_contests(scope(actor)),
        )
        .await?;
        // A disqualification during 公示 moves the awards.
        self.refresh_results(cid).await?;
        self.full_entry(actor, cid, eid).await
    }

    /// Moves entry `eid` from `from` to `to` where `filter` (who may) holds, in one
    /// transaction with its history, its claims (released when it no longer holds the
    /// work) and the audit trail.
    #[allow(clippy::too_many_arguments)]
    async fn move_entry(
        &self,
        actor: &Actor,
        contest: &contest::Model,
        eid: i64,
        from: EntryStatus,
        to: EntryStatus,
        reason: Option<String>,
        filter: Condition,
    ) -> Result<(), AppError> {
        let now = self.clock.now();
        let txn = self.db.begin().await?;
        if !store::entries::move_status(&txn, eid, filter, &[from.as_str()], to.as_str(), now)
            .await?
        {
            return Err(AppError::conflict("作品的状态已被他人修改，请刷新后重试"));
        }
        if !to.holds_the_work() {
            store::entries::release(&txn, eid).await?;
        }
        store::entries::record(
            &txn,
            eid,
            now,
            actor.user_id,
            Some(from.as_str()),
            to.as_str(),
            reason.clone(),
        )
        .await?;
        crate::audit::record(
            &txn,
            now,
            Some(actor),
            crate::audit::Event::ok(
                "entry.status",
                "contest_entry",
                eid,
                &contest.area(),
                serde_json::json!({"from": from.as_str(), "to": to.as_str(), "reason": reason}),
            ),
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// `GET /api/v1/contests/{id}/entries/{eid}/history`: to the entrant, the unit's
    /// members and the contest's administrators.
    pub async fn entry_history(
        &self,
        actor: &Actor,
        cid: i64,
        eid: i64,
    ) -> Result<Vec<EntryMoveView>, AppError> {
        let (row, access) = self.reach_entry(actor, cid, eid).await?;
        if access == Access::Judge {
            return Err(not_found());
        }
        let moves = store::entries::history(&self.db, row.id).await?;
        let mut ids: Vec<i64> = moves.iter().map(|m| m.actor_id).collect();
        ids.sort_unstable();
        ids.dedup();
        let names = store::users::names_of(&self.db, &ids).await?;
        moves
            .into_iter()
            .map(|m| {
                let parse = |s: &str| {
                    EntryStatus::parse(s).ok_or_else(|| AppError::internal("entry status"))
                };
                Ok(EntryMoveView {
                    at: m.at,
                    actor: names
                        .get(&m.actor_id)
                        .cloned()
                        .flatten()
                        .unwrap_or_else(|| format!("用户{}", m.actor_id)),
                    from: m.from_status.as_deref().map(parse).transpose()?,
                    to: parse(&m.to_status)?,
                    reason: m.reason,
                })
            })
            .collect()
    }
}
