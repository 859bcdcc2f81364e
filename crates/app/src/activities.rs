//! Publishing activities: drafts, edits guarded by version, submission, withdrawal, copies,
//! and what each person may see of an activity.

use chrono::{DateTime, FixedOffset, Utc};
use domain::FieldErrors;
use domain::activity::{self, ActivityDraft, ActivityFields};
use domain::campaign::CampaignRules;
use domain::region::RegionPath;
use domain::review::Status;
use serde::Serialize;
use store::entities::InArea;
use store::entities::activity as entity;
use store::sea_orm::{DatabaseTransaction, TransactionTrait};
use utoipa::ToSchema;

use crate::paging::{Page, Paged};
use crate::{Actor, App, AppError};

/// How the caller stands towards an activity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// Its host.
    Owner,
    /// An administrator whose area covers it.
    Admin,
    /// Anyone else (sees it only once approved).
    Public,
}

pub(crate) fn standing(actor: Option<&Actor>, row: &entity::Model) -> Standing {
    match actor {
        Some(a) if a.user_id == row.owner_id => Standing::Owner,
        Some(a) if a.governs(&row.area()) => Standing::Admin,
        _ => Standing::Public,
    }
}

fn status_of(row: &entity::Model) -> Result<Status, AppError> {
    Status::parse(&row.status).map_err(AppError::internal)
}

fn draft_of(row: &entity::Model) -> Result<ActivityDraft, AppError> {
    serde_json::from_str(&row.data).map_err(AppError::internal)
}

fn not_found() -> AppError {
    AppError::NotFound("未找到该活动".to_owned())
}

fn stale() -> AppError {
    AppError::conflict("活动已被修改（版本号不一致），请刷新后再操作")
}

/// Brings text fields to NFC and trims them, and sanitises the details, so that what is
/// stored is what is shown.
fn normalise(mut d: ActivityDraft) -> ActivityDraft {
    let trim = |v: &mut Option<String>| {
        *v = v
            .as_deref()
            .map(domain::text::nfc)
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty());
    };
    for field in [
        &mut d.name,
        &mut d.section,
        &mut d.region_code,
        &mut d.address,
        &mut d.mode,
        &mut d.online_url,
        &mut d.venue_type,
        &mut d.reservation_url,
        &mut d.contact_name,
        &mut d.contact_phone,
    ] {
        trim(field);
    }
    d.details = d
        .details
        .as_deref()
        .map(activity::sanitise_details)
        .filter(|s| !s.trim().is_empty());
    for s in &mut d.sessions {
        trim(&mut s.region_code);
        trim(&mut s.address);
    }
    for s in &mut d.scientists {
        s.name = s.name.trim().to_owned();
        s.title = s.title.trim().to_owned();
        s.unit = s.unit.trim().to_owned();
    }
    d
}

/// What a write does to an activity (see [`App::write_activity`]).
pub(crate) enum Change {
    /// A new draft in a campaign, owned by the writer.
    Create {
        /// Its campaign.
        campaign_id: i64,
        /// Its content, already checked.
        draft: ActivityDraft,
    },
    /// New content, at the version the editor saw.
    Edit {
        /// The content, already checked.
        draft: ActivityDraft,
    },
    /// A move to another state, recorded in its history.
    Move {
        /// The state it moves to (already allowed by the domain's rules).
        to: Status,
        /// The reason given with a decision.
        reason: Option<String>,
        /// Whether the history keeps a snapshot of the content (at submissions).
        snapshot: bool,
    },
    /// The host's 拟推优 mark set or cleared.
    ExcellenceIntent(bool),
}

/// What the audit entry of an activity's write says, where the write's own kind does not
/// say enough (an administrator's decision).
pub(crate) struct Audited {
    /// What was done (`activity.decide`, …).
    pub action: &'static str,
    /// Its details.
    pub detail: serde_json::Value,
}

/// One step of an activity's history: a submission, a decision, a withdrawal.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HistoryEntry {
    /// When.
    pub at: DateTime<Utc>,
    /// Who (none for the system).
    pub actor: Option<String>,
    /// The state before.
    pub from: String,
    /// The state after.
    pub to: String,
    /// The reviewer's reason, where one was given.
    pub reason: Option<String>,
}

/// Writes a command's fields over a draft: typed text read by the domain's parsers (a bad
/// one is a field error, 422), then normalised as stored.
fn fields_into(
    fields: ActivityFields,
    mut draft: ActivityDraft,
) -> Result<ActivityDraft, AppError> {
    fields.apply(&mut draft).into_result()?;
    Ok(normalise(draft))
}

/// What [`App::save_what_reads`] kept: the activity as saved, and the fields that were
/// not saved (left as stored), each with its message.
#[derive(Debug, Clone)]
pub struct Kept {
    /// The activity as saved.
    pub view: ActivityView,
    /// The fields left as they were, by field, with the reason.
    pub not_saved: FieldErrors,
}

/// What the host may do with an activity now, decided by the state machine (never by a
/// page); shown to its host and the administrators of its area, never to the public (so
/// none of it is required in the schema).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HostSide {
    /// 可修改
    #[schema(required = false)]
    pub may_edit: bool,
    /// 可撤回
    #[schema(required = false)]
    pub may_withdraw: bool,
    /// 可填报补充信息（已通过）
    #[schema(required = false)]
    pub may_supplement: bool,
    /// 已申报优秀活动意向
    #[schema(required = false)]
    pub excellence_intent: bool,
    /// The last reviewer's reason (审核意见), if any.
    #[schema(required = false)]
    pub review_reason: Option<String>,
}

/// What the public sees of a supplement: the photos, videos and media reports of the event
/// (never the evidence of turnout, the figures or the summary).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PublicAfter {
    /// 活动照片 (media ids)
    pub photos: Vec<i64>,
    /// 活动视频 (media ids)
    pub videos: Vec<i64>,
    /// 媒体报道链接
    pub media_links: Vec<String>,
}

/// An activity (活动) as its viewer may see it: the public sees no contacts, no review
/// remarks and only the hosts that confirmed; its host and the administrators of its area
/// see everything, with what may be done now ([`HostSide`]).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(examples(ActivityView::example))]
pub struct ActivityView {
    /// 活动 id
    pub id: i64,
    /// 活动季 id
    pub campaign_id: i64,
    /// 审核状态
    pub status: Status,
    /// 审核状态（中文）
    pub status_label: String,
    /// Version, for `If-Match`.
    pub version: i64,
    /// The fields as filled (lon/lat are where the activity is placed on the map).
    #[serde(flatten)]
    pub fields: ActivityDraft,
    /// 预计参与人数达到本届门槛
    pub expected_meets_threshold: bool,
    /// 可申报优秀活动
    pub eligible_for_excellence: bool,
    /// Why not, when it cannot (empty when it can).
    pub eligibility_reasons: Vec<String>,
    /// 创建时间
    pub created_at: DateTime<Utc>,
    /// 修改时间
    pub updated_at: DateTime<Utc>,
    /// 提交时间
    pub submitted_at: Option<DateTime<Utc>>,
    /// Hosts and co-hosts that have not confirmed taking part.
    pub unconfirmed_hosts: Vec<i64>,
    /// What the public sees of the supplement (public view only, when there is any).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<PublicAfter>,
    /// Distance from `near`, in km to 100 m (lists by distance only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub distance_km: Option<f64>,
    /// What may be done now (host and administrators only).
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub host_side: Option<HostSide>,
    /// When the review it waits in is due (administrators in its area, while it waits).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub review_due_at: Option<DateTime<Utc>>,
    /// Whether that review is past its due time (administrators in its area, while it
    /// waits).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub overdue: Option<bool>,
}

impl ActivityView {
    /// The view as a line of an administrator's list: the contact's phone masked
    /// (138****5678); the activity's own page shows it whole to those who may see it.
    pub(crate) fn listed(mut self) -> ActivityView {
        self.fields.contact_phone = self
            .fields
            .contact_phone
            .as_deref()
            .map(domain::phone::mask);
        self
    }

    /// [`ActivityDraft::example`] approved, as its host sees it (the OpenAPI document's
    /// example).
    pub fn example() -> ActivityView {
        let at = |d: u32, h: u32| {
            chrono::NaiveDate::from_ymd_opt(2026, 9, d)
                .and_then(|d| d.and_hms_opt(h, 0, 0))
                .map(|t| t.and_utc())
                .unwrap_or_default()
        };
        ActivityView {
            id: 1024,
            campaign_id: 3,
            status: Status::Approved,
            status_label: Status::Approved.label().to_owned(),
            version: 4,
            fields: ActivityDraft {
                poster: Some(88),
                lon: Some(113.660_617),
                lat: Some(34.800_004),
                ..ActivityDraft::example()
            },
            expected_meets_threshold: true,
            eligible_for_excellence: true,
            eligibility_reasons: Vec::new(),
            created_at: at(1, 2),
            updated_at: at(3, 8),
            submitted_at: Some(at(2, 1)),
            unconfirmed_hosts: Vec::new(),
            after: None,
            distance_km: None,
            host_side: Some(HostSide {
                may_edit: false,
                may_withdraw: true,
                may_supplement: true,
                excellence_intent: false,
                review_reason: None,
            }),
            review_due_at: None,
            overdue: None,
        }
    }

    /// 活动名称, or the draft's placeholder.
    pub fn title(&self) -> &str {
        self.fields.name.as_deref().unwrap_or("（未命名草稿）")
    }
    /// May its host edit it now.
    pub fn may_edit(&self) -> bool {
        self.host_side.as_ref().is_some_and(|h| h.may_edit)
    }
    /// May its host withdraw it now.
    pub fn may_withdraw(&self) -> bool {
        self.host_side.as_ref().is_some_and(|h| h.may_withdraw)
    }
    /// May its host fill the supplement now.
    pub fn may_supplement(&self) -> bool {
        self.host_side.as_ref().is_some_and(|h| h.may_supplement)
    }
    /// Whether its host marked it 拟推优.
    pub fn excellence_intended(&self) -> bool {
        self.host_side.as_ref().is_some_and(|h| h.excellence_intent)
    }
    /// The last reviewer's reason, for its host.
    pub fn review_reason(&self) -> Option<&str> {
        self.host_side
            .as_ref()
            .and_then(|h| h.review_reason.as_deref())
    }
}

impl App {
    /// A campaign's rules, kept in memory once read.
    pub async fn campaign_rules(&self, id: i64) -> Result<CampaignRules, AppError> {
        if let Some(rules) = self
            .rules_cache
            .read()
            .ok()
            .and_then(|c| c.get(&id).cloned())
        {
            return Ok(rules);
        }
        let rules = self.campaign(id).await?.rules;
        if let Ok(mut cache) = self.rules_cache.write() {
            cache.insert(id, rules.clone());
        }
        Ok(rules)
    }

    /// Checks what only the database can tell: the divisions, organisations and poster
    /// named exist, and the poster was uploaded to this activity.
    async fn reference_problems(
        &self,
        d: &ActivityDraft,
        activity_id: Option<i64>,
        owner: i64,
        errors: &mut FieldErrors,
    ) -> Result<(), AppError> {
        if let Some(code) = &d.region_code
            && let Err(m) = self.locate_for("region_code", code).await
        {
            errors.add("region_code", m);
        }
        for (i, s) in d.sessions.iter().enumerate().take(100) {
            if let Some(code) = &s.region_code
                && let Err(m) = self.locate_for("sessions", code).await
            {
                errors.add(&format!("sessions[{i}]"), format!("场次{m}"));
            }
        }
        for (field, ids) in [
            ("org_chain", &d.org_chain),
            ("hosts", &d.hosts),
            ("co_hosts", &d.co_hosts),
        ] {
            // Too many is the format rule's to report; nothing is looked up for it.
            if ids.is_empty() || ids.len() > domain::activity::MAX_ORGS {
                continue;
            }
            let found = store::orgs::find_many(&self.db, ids).await?.len();
            if found != ids.len() {
                errors.add(field, "所选单位不存在，请从单位库中选择或先登记该单位");
            }
        }
        // The first host speaks for the activity (and decides who reviews it): it must be one
        // of the publisher's own organisations.
        if let Some(first) = d.hosts.first()
            && errors.get("hosts").is_none()
            && !store::orgs::is_member(&self.db, *first, owner).await?
        {
            errors.add("hosts", "第一主办单位须为您所在的单位");
        }
        if let Some(poster) = d.poster {
            let owned = match activity_id {
                Some(activity_id) => {
                    store::activities::is_poster_of(&self.db, poster, activity_id).await?
                }
                None => false,
            };
            if !owned {
                errors.add("poster", "宣传图须为上传到本活动的海报图片");
            }
        }
        Ok(())
    }

    /// Where a draft lies: its division's path and point, or its given point.
    async fn placement(
        &self,
        d: &ActivityDraft,
    ) -> Result<(RegionPath, Option<(f64, f64)>), AppError> {
        let Some(code) = &d.region_code else {
            return Ok((RegionPath::default(), d.lon.zip(d.lat)));
        };
        let located = crate::regions::locate(&self.db, code).await?;
        let path = located.as_ref().map(|l| l.path.clone()).unwrap_or_default();
        let point = d.lon.zip(d.lat).or(located.and_then(|l| l.point));
        Ok((path, point))
    }

    /// The columns that follow from a draft, and the divisions it lies in.
    async fn columns(
        &self,
        d: &ActivityDraft,
    ) -> Result<
        (
            store::activities::Columns,
            std::collections::BTreeSet<String>,
        ),
        AppError,
    > {
        let (path, point) = self.placement(d).await?;
        let codes = path.codes().collect();
        let columns = store::activities::Columns {
            data: serde_json::to_string(d).map_err(AppError::internal)?,
            name: d.name.clone().unwrap_or_default(),
            section: d.section.clone(),
            start_at: d.start.map(|t| t.to_utc()),
            end_at: d.end.map(|t| t.to_utc()),
            region_code: d.region_code.clone(),
            province_code: path.province,
            city_code: path.city,
            county_code: path.county,
            mode: d.mode.clone(),
            venue_type: d.venue_type.clone(),
            reservable: d.reservable,
            expected_participants: d.expected_participants,
            audience_mask: activity::audience_mask(&d.audiences),
            first_host_id: d.hosts.first().copied(),
            lon: point.map(|p| p.0),
            lat: point.map(|p| p.1),
        };
        Ok((columns, codes))
    }

    /// Writes a draft's sessions and the divisions the activity is found under (its own
    /// and its sessions').
    async fn store_places(
        &self,
        txn: &DatabaseTransaction,
        id: i64,
        d: &ActivityDraft,
        mut codes: std::collections::BTreeSet<String>,
    ) -> Result<(), AppError> {
        let mut sessions = Vec::with_capacity(d.sessions.len());
        for s in &d.sessions {
            let located = match &s.region_code {
                Some(code) => crate::regions::locate(txn, code).await?,
                None => None,
            };
            let path = located.as_ref().map(|l| l.path.clone()).unwrap_or_default();
            codes.extend(path.codes());
            let point = s.lon.zip(s.lat).or(located.and_then(|l| l.point));
            sessions.push(store::activities::SessionRow {
                start_at: s.start.map(|t| t.to_utc()),
                end_at: s.end.map(|t| t.to_utc()),
                region_code: s.region_code.clone(),
                area: [path.province, path.city, path.county],
                address: s.address.clone(),
                lon: point.map(|p| p.0),
                lat: point.map(|p| p.1),
            });
        }
        Ok(store::activities::replace_places(txn, id, sessions, codes).await?)
    }

    /// `POST /api/v1/activities`: a draft from any subset of the fields.
    pub async fn create_activity(
        &self,
        actor: &Actor,
        mut fields: ActivityFields,
    ) -> Result<ActivityView, AppError> {
        let campaign_id = match fields.campaign_id.take().flatten() {
            None => self.current_campaign().await?.id,
            Some(id) => {
                self.campaign(id)
                    .await
                    .map_err(|_| AppError::invalid_field("campaign_id", "所选活动季不存在"))?
                    .id
            }
        };
        let draft = fields_into(fields, ActivityDraft::default())?;
        let rules = self.campaign_rules(campaign_id).await?;
        let mut errors = activity::format_problems(&draft, &rules);
        self.reference_problems(&draft, None, actor.user_id, &mut errors)
            .await?;
        errors.into_result()?;
        let txn = self.db.begin().await?;
        let made = self
            .write_activity(
                &txn,
                actor,
                None,
                Change::Create { campaign_id, draft },
                None,
            )
            .await?;
        txn.commit().await?;
        tracing::info!(
            activity_id = made.id,
            user_id = actor.user_id,
            "draft created"
        );
        self.activity(Some(actor), made.id).await
    }

    pub(crate) async fn find_activity(&self, id: i64) -> Result<entity::Model, AppError> {
        store::activities::by_id(&self.db, id)
            .await?
            .ok_or_else(not_found)
    }

    /// The activity as the caller may see it: approved ones by anyone; others by their
    /// host and the administrators of their area; 404 for everyone else.
    pub async fn activity(&self, actor: Option<&Actor>, id: i64) -> Result<ActivityView, AppError> {
        // The activity and its supplement in one read.
        let (row, stored) = store::activities::with_supplement(&self.db, id)
            .await?
            .ok_or_else(not_found)?;
        let standing = standing(actor, &row);
        let status = status_of(&row)?;
        if standing == Standing::Public && status != Status::Approved {
            return Err(not_found());
        }
        self.view_given(&row, standing, stored.as_ref()).await
    }

    /// The activity as its public page shows it: what the public sees, whoever looks (its
    /// host and the administrators of its area may look before approval, but even they see
    /// no contacts and no review remarks there).
    pub async fn activity_page(
        &self,
        actor: Option<&Actor>,
        id: i64,
    ) -> Result<ActivityView, AppError> {
        let row = self.find_activity(id).await?;
        if standing(actor, &row) == Standing::Public && status_of(&row)? != Status::Approved {
            return Err(not_found());
        }
        let stored = self.find_supplement(id).await?;
        self.view_given(&row, Standing::Public, stored.as_ref())
            .await
    }

    /// Why the activity cannot be put forward as excellent; empty when it can.
    pub(crate) async fn eligibility(
        &self,
        row: &entity::Model,
        rules: &CampaignRules,
    ) -> Result<Vec<String>, AppError> {
        let stored = self.find_supplement(row.id).await?;
        eligibility_given(row, stored.as_ref(), rules)
    }

    /// An activity as a caller with this standing sees it.
    async fn view(
        &self,
        row: &entity::Model,
        standing: Standing,
    ) -> Result<ActivityView, AppError> {
        let stored = self.find_supplement(row.id).await?;
        self.view_given(row, standing, stored.as_ref()).await
    }

    /// An activity whose supplement has been read already (lists read them for a whole
    /// page at once), as a caller with this standing sees it.
    pub(crate) async fn view_given(
        &self,
        row: &entity::Model,
        standing: Standing,
        stored: Option<&store::entities::supplement::Model>,
    ) -> Result<ActivityView, AppError> {
        let mut fields = draft_of(row)?;
        let status = status_of(row)?;
        let rules = self.campaign_rules(row.campaign_id).await?;
        let reasons = eligibility_given(row, stored, &rules)?;
        let meets = fields
            .expected_participants
            .zip(fields.mode.as_deref())
            .is_some_and(|(n, mode)| activity::meets_threshold(n, mode, &rules.thresholds));
        let unconfirmed_hosts = self.unconfirmed_hosts(row, &fields).await?;
        // Where it is placed on the map (the division's centre when no point was given).
        fields.lon = row.lon;
        fields.lat = row.lat;
        let (after, host_side) = if standing == Standing::Public {
            // The public sees only the hosts that have taken part by their own word, and
            // never a person's data (DESIGN.md §3): not whom to call, not the science
            // workers named as taking part (their number stays).
            fields.hosts.retain(|id| !unconfirmed_hosts.contains(id));
            fields.co_hosts.retain(|id| !unconfirmed_hosts.contains(id));
            fields.contact_name = None;
            fields.contact_phone = None;
            fields.scientists.clear();
            (public_after(stored)?, None)
        } else {
            let side = HostSide {
                may_edit: status.editable(),
                may_withdraw: status.withdraw().is_ok(),
                may_supplement: status == Status::Approved,
                excellence_intent: row.excellence_intent,
                review_reason: self.last_reason(row.id).await?,
            };
            (None, Some(side))
        };
        Ok(ActivityView {
            id: row.id,
            campaign_id: row.campaign_id,
            status,
            status_label: status.label().to_owned(),
            version: row.version,
            fields,
            expected_meets_threshold: meets,
            eligible_for_excellence: reasons.is_empty(),
            eligibility_reasons: reasons,
            created_at: row.created_at,
            updated_at: row.updated_at,
            submitted_at: row.submitted_at,
            unconfirmed_hosts,
            after,
            distance_km: None,
            host_side,
            review_due_at: row.review_due_at.filter(|_| standing == Standing::Admin),
            overdue: row
                .review_due_at
                .filter(|_| standing == Standing::Admin)
                .map(|due| domain::deadline::overdue(due, self.clock.now())),
        })
    }

    /// The hosts and co-hosts after the first that the publisher is not a member of and that
    /// none of their members has confirmed. Most activities have one host: no query then.
    async fn unconfirmed_hosts(
        &self,
        row: &entity::Model,
        draft: &ActivityDraft,
    ) -> Result<Vec<i64>, AppError> {
        let named: Vec<i64> = draft
            .hosts
            .iter()
            .skip(1)
            .chain(&draft.co_hosts)
            .copied()
            .filter(|id| draft.hosts.first() != Some(id))
            .collect();
        if named.is_empty() {
            return Ok(named);
        }
        let own: std::collections::HashSet<i64> = store::orgs::of_member(&self.db, row.owner_id)
            .await?
            .into_iter()
            .map(|o| o.id)
            .collect();
        let confirmed: std::collections::HashSet<i64> =
            store::activities::confirmed_hosts(&self.db, row.id)
                .await?
                .into_iter()
                .collect();
        let mut out = Vec::new();
        for id in named {
            if !own.contains(&id) && !confirmed.contains(&id) && !out.contains(&id) {
                out.push(id);
            }
        }
        Ok(out)
    }

    /// `POST /api/v1/activities/{id}/hosts/{org_id}/confirmation`: a member of an
    /// organisation named as host or co-host confirms that it takes part.
    pub async fn confirm_host(
        &self,
        actor: &Actor,
        id: i64,
        org_id: i64,
    ) -> Result<ActivityView, AppError> {
        let row = self.find_activity(id).await?;
        let draft = draft_of(&row)?;
        let named = draft.hosts.contains(&org_id) || draft.co_hosts.contains(&org_id);
        let member = store::orgs::is_member(&self.db, org_id, actor.user_id).await?;
        if !named {
            // Nothing to confirm here; nobody learns more than that.
            return Err(not_found());
        }
        if !member {
            return Err(AppError::Forbidden(
                "只有该单位的成员可以确认本单位参与主办或承办".to_owned(),
            ));
        }
        let txn = self.db.begin().await?;
        store::activities::confirm_host(&txn, id, org_id, actor.user_id, self.clock.now()).await?;
        // The public now sees this host: kept public answers are renewed.
        store::search::log::append(&txn, id, self.clock.now()).await?;
        crate::audit::record(
            &txn,
            self.clock.now(),
            Some(actor),
            crate::audit::Event::ok(
                "activity.host_confirm",
                "activity",
                id,
                &RegionPath {
                    province: row.province_code.clone(),
                    city: row.city_code.clone(),
                    county: row.county_code.clone(),
                },
                serde_json::json!({"org_id": org_id}),
            ),
        )
        .await?;
        txn.commit().await?;
        // The confirming member sees what the public sees, with the hosts still unconfirmed.
        self.view(&row, standing(Some(actor), &row)).await
    }

    async fn last_reason(&self, id: i64) -> Result<Option<String>, AppError> {
        Ok(store::review::last_reason(&self.db, id).await?)
    }

    /// Loads an activity for a write by its host: 404 when the caller may not see it, 403
    /// when they see it but are not its host, 409 when the version is stale.
    async fn owned(
        &self,
        actor: &Actor,
        id: i64,
        if_match: Option<i64>,
    ) -> Result<entity::Model, AppError> {
        let row = self.find_activity(id).await?;
        match standing(Some(actor), &row) {
            Standing::Owner => {}
            Standing::Admin => {
                return Err(AppError::Forbidden(
                    "只有活动的发布者可以修改、提交或撤回活动".to_owned(),
                ));
            }
            Standing::Public => return Err(not_found()),
        }
        if if_match.is_some_and(|v| v != row.version) {
            return Err(stale());
        }
        Ok(row)
    }

    /// `PATCH /api/v1/activities/{id}`: the fields sent replace those stored (null clears);
    /// only in an editable state, only at the version the editor saw.
    pub async fn update_activity(
        &self,
        actor: &Actor,
        id: i64,
        if_match: i64,
        fields: ActivityFields,
    ) -> Result<ActivityView, AppError> {
        let row = self.owned(actor, id, Some(if_match)).await?;
        let status = status_of(&row)?;
        if !status.editable() {
            return Err(AppError::conflict(format!(
                "活动当前为“{}”，不能修改；请先撤回",
                status.label()
            )));
        }
        if fields.campaign_id.is_some() {
            return Err(AppError::invalid_field(
                "campaign_id",
                "活动所属的活动季创建后不能更改",
            ));
        }
        let draft = fields_into(fields, draft_of(&row)?)?;
        let rules = self.campaign_rules(row.campaign_id).await?;
        let mut errors = activity::format_problems(&draft, &rules);
        self.reference_problems(&draft, Some(id), row.owner_id, &mut errors)
            .await?;
        errors.into_result()?;
        let txn = self.db.begin().await?;
        self.write_activity(&txn, actor, Some(&row), Change::Edit { draft }, None)
            .await?;
        txn.commit().await?;
        self.activity(Some(actor), id).await
    }

    /// The form's 保存草稿: saves every field that reads and leaves each field with a
    /// problem as it was stored, so that nothing typed elsewhere is lost for one bad date;
    /// answers the activity as saved and the fields that were not, with their messages.
    /// `pending` are problems the caller found first (names it could not look up). The
    /// API's PATCH stays all-or-nothing; this is the same command, with the same rules and
    /// messages, saved around its problems.
    pub async fn save_what_reads(
        &self,
        actor: &Actor,
        id: i64,
        if_match: i64,
        mut fields: ActivityFields,
        pending: FieldErrors,
    ) -> Result<Kept, AppError> {
        let mut not_saved = pending;
        for (key, message) in fields.typed_text_problems().iter() {
            not_saved.add(key, message);
        }
        // Each round drops the fields named so far; a round can only name more (a field
        // kept from the last round may meet a rule only a whole draft shows), so a few do.
        for _ in 0..4 {
            let unknown = not_saved.iter().any(|(key, _)| !fields.forget(key));
            if unknown {
                return Err(not_saved.into());
            }
            match self
                .update_activity(actor, id, if_match, fields.clone())
                .await
            {
                Ok(view) => return Ok(Kept { view, not_saved }),
                Err(AppError::Validation { fields: more, .. }) => {
                    let known = not_saved.iter().count();
                    for (key, message) in more.iter() {
                        not_saved.add(key, message);
                    }
                    if not_saved.iter().count() == known {
                        return Err(not_saved.into());
                    }
                }
                Err(other) => return Err(other),
            }
        }
        Err(not_saved.into())
    }

    /// The one write path of an activity. Every change to an activity row goes through here,
    /// in the caller's transaction, and keeps every invariant together: the row at the
    /// version read (a stale one is refused), its places, the history row of a move (with a
    /// snapshot at submissions), the rollups and listings, the search log (the index follows
    /// every write), the reminders a change schedules, and the audit entry of an admin's
    /// action. Answers the row as written.
    pub(crate) async fn write_activity(
        &self,
        txn: &DatabaseTransaction,
        actor: &Actor,
        before: Option<&entity::Model>,
        change: Change,
        audited: Option<Audited>,
    ) -> Result<entity::Model, AppError> {
        let now = self.clock.now();
        let facts_before = match before {
            Some(row) => Some(crate::stats::facts(txn, row).await?),
            None => None,
        };
        let mut approved = false;
        let mut put_forward = false;
        // What the audit entry says, unless the caller said it.
        let action = match &change {
            Change::Create { .. } => "activity.create",
            Change::Edit { .. } => "activity.edit",
            Change::Move { .. } => "activity.move",
            Change::ExcellenceIntent(_) => "activity.excellence_intent",
        };
        let id = match (change, before) {
            (Change::Create { campaign_id, draft }, None) => {
                let (columns, codes) = self.columns(&draft).await?;
                let made = store::activities::insert(
                    txn,
                    campaign_id,
                    actor.user_id,
                    Status::Draft.as_str(),
                    now,
                    columns,
                )
                .await?;
                self.store_places(txn, made.id, &draft, codes).await?;
                made.id
            }
            (Change::Edit { draft }, Some(row)) => {
                let (columns, codes) = self.columns(&draft).await?;
                self.store_places(txn, row.id, &draft, codes).await?;
                if !store::activities::update_at_version(txn, row.id, row.version, now, columns)
                    .await?
                {
                    return Err(stale());
                }
                row.id
            }
            (
                Change::Move {
                    to,
                    reason,
                    snapshot,
                },
                Some(row),
            ) => {
                let stamp = match to {
                    Status::ProvinceReview | Status::NationalReview if snapshot => {
                        store::activities::Stamp::Submitted
                    }
                    Status::Draft => store::activities::Stamp::None,
                    _ => store::activities::Stamp::Decided,
                };
                // Entering a review: when it is due, in the campaign's working days.
                let review = match to.reviewer() {
                    Some(level) => {
                        let rules = self.campaign_rules(row.campaign_id).await?;
                        let days = rules.review_days.of(level);
                        Some((
                            now,
                            domain::deadline::review_due(now, days, rules.calendar()),
                        ))
                    }
                    None => None,
                };
                if !store::activities::move_to(
                    txn,
                    row.id,
                    row.version,
                    to.as_str(),
                    now,
                    stamp,
                    review,
                )
                .await?
                {
                    return Err(stale());
                }
                // Leaving a review by a decision (not a withdrawal): the time it took.
                let from = Status::parse(&row.status).ok().and_then(Status::reviewer);
                if let (Some(level), Some(entered)) = (from, row.review_entered_at)
                    && to != Status::Draft
                {
                    store::review::count_decision(
                        txn,
                        row.campaign_id,
                        row.province_code
                            .as_deref()
                            .unwrap_or(domain::region::NATIONAL),
                        level.as_str(),
                        domain::deadline::hours_taken(entered, now),
                    )
                    .await?;
                }
                if let Some((entered, due)) = review {
                    crate::jobs::schedule_review_jobs(txn, row.id, to, entered, due).await?;
                }
                let record = store::review::Transition {
                    activity_id: row.id,
                    at: now,
                    actor_id: Some(actor.user_id),
                    from_status: row.status.clone(),
                    to_status: to.as_str().to_owned(),
                    reason,
                    snapshot: snapshot.then(|| row.data.clone()),
                };
                store::review::record(txn, record).await?;
                approved = to == Status::Approved;
                row.id
            }
            (Change::ExcellenceIntent(intended), Some(row)) => {
                store::activities::set_excellence_intent(txn, row.id, intended).await?;
                put_forward = intended;
                row.id
            }
            (Change::Create { .. }, Some(_)) | (_, None) => {
                return Err(AppError::internal(
                    "an activity is created from nothing and changed from its row",
                ));
            }
        };
        let after = store::activities::by_id(txn, id)
            .await?
            .ok_or_else(not_found)?;
        let facts_after = crate::stats::facts(txn, &after).await?;
        crate::stats::shift(
            txn,
            before.unwrap_or(&after),
            facts_before.as_ref(),
            Some(&facts_after),
        )
        .await?;
        if approved {
            crate::jobs::schedule_reminders(
                txn,
                &after,
                &self.campaign_rules(after.campaign_id).await?,
            )
            .await?;
        }
        if put_forward {
            self.schedule_texts(txn, &after).await?;
        }
        // The search index follows this log: what is public may have changed.
        store::search::log::append(txn, id, now).await?;
        let Audited { action, detail } = audited.unwrap_or_else(|| Audited {
            action,
            detail: serde_json::json!({
                "from": before.map(|b| (b.status.as_str(), b.version)),
                "to": (after.status.as_str(), after.version),
            }),
        });
        crate::audit::record(
            txn,
            now,
            Some(actor),
            crate::audit::Event::ok(action, "activity", id, &after.area(), detail),
        )
        .await?;
        Ok(after)
    }

    /// `POST /api/v1/activities/{id}/submit`: every problem listed at once, or into review
    /// (national review directly when the first host is a certified national organisation).
    pub async fn submit_activity(
        &self,
        actor: &Actor,
        id: i64,
        if_match: Option<i64>,
    ) -> Result<ActivityView, AppError> {
        let row = self.owned(actor, id, if_match).await?;
        let status = status_of(&row)?;
        let draft = draft_of(&row)?;
        let rules = self.campaign_rules(row.campaign_id).await?;
        if !status.editable() {
            return Err(AppError::conflict(format!(
                "活动当前为“{}”，不能重复提交",
                status.label()
            )));
        }
        let mut errors = activity::submit_problems(&draft, &rules);
        self.reference_problems(&draft, Some(id), row.owner_id, &mut errors)
            .await?;
        errors.into_result()?;
        let national_direct = match draft.hosts.first() {
            Some(host) => store::orgs::find(&self.db, *host).await?.is_some_and(|o| {
                o.level == domain::org::OrgLevel::National.as_str()
                    && o.national_certified
                    && o.status == domain::org::OrgStatus::Certified.as_str()
            }),
            None => false,
        };
        let to = status.submit(national_direct).map_err(AppError::conflict)?;
        let txn = self.db.begin().await?;
        let change = Change::Move {
            to,
            reason: None,
            snapshot: true,
        };
        self.write_activity(&txn, actor, Some(&row), change, None)
            .await?;
        txn.commit().await?;
        self.activity(Some(actor), id).await
    }

    /// `POST /api/v1/activities/{id}/withdraw`: back to draft, from review or approved.
    pub async fn withdraw_activity(
        &self,
        actor: &Actor,
        id: i64,
        if_match: Option<i64>,
    ) -> Result<ActivityView, AppError> {
        let row = self.owned(actor, id, if_match).await?;
        let to = status_of(&row)?.withdraw().map_err(AppError::conflict)?;
        let txn = self.db.begin().await?;
        let change = Change::Move {
            to,
            reason: None,
            snapshot: false,
        };
        self.write_activity(&txn, actor, Some(&row), change, None)
            .await?;
        txn.commit().await?;
        self.activity(Some(actor), id).await
    }

    /// `POST /api/v1/activities/{id}/copy`: a new draft with this activity's content, in the
    /// current campaign (last year's activity for this year); dates and poster left to fill.
    pub async fn copy_activity(&self, actor: &Actor, id: i64) -> Result<ActivityView, AppError> {
        let row = self.find_activity(id).await?;
        if standing(Some(actor), &row) != Standing::Owner {
            return Err(not_found());
        }
        let mut draft = draft_of(&row)?;
        draft.start = None;
        draft.end = None;
        draft.poster = None;
        for s in &mut draft.sessions {
            s.start = None;
            s.end = None;
        }
        let mut fields = ActivityFields::from(draft);
        let section_known = {
            let rules = self.current_campaign().await?.rules;
            row.section
                .as_deref()
                .is_some_and(|s| rules.section(s).is_some())
        };
        if !section_known {
            fields.section = Some(None);
        }
        self.create_activity(actor, fields).await
    }

    /// `GET /api/v1/activities/{id}/history`: every transition, oldest first.
    pub async fn activity_history(
        &self,
        actor: &Actor,
        id: i64,
    ) -> Result<Vec<HistoryEntry>, AppError> {
        let row = self.find_activity(id).await?;
        if standing(Some(actor), &row) == Standing::Public {
            return Err(not_found());
        }
        let rows = store::review::history(&self.db, id).await?;
        let mut names = std::collections::HashMap::new();
        let mut out = Vec::with_capacity(rows.len());
        for t in rows {
            let name = match t.actor_id {
                Some(uid) => match names.get(&uid) {
                    Some(n) => Some(n),
                    None => {
                        let n = self
                            .actor(uid)
                            .await?
                            .and_then(|a| a.name)
                            .unwrap_or_else(|| "未命名用户".to_owned());
                        Some(&*names.entry(uid).or_insert(n))
                    }
                },
                None => None,
            };
            out.push(HistoryEntry {
                at: t.at,
                actor: name.cloned(),
                from: t.from_status,
                to: t.to_status,
                reason: t.reason,
            });
        }
        Ok(out)
    }

    /// The caller's own activities, newest first.
    pub async fn my_activities(
        &self,
        actor: &Actor,
        page: Page,
    ) -> Result<Paged<ActivityView>, AppError> {
        let (rows, total) =
            store::activities::page_of_owner(&self.db, actor.user_id, page.offset(), page.per_page)
                .await?;
        let mut items = Vec::with_capacity(rows.len());
        for row in &rows {
            items.push(self.view(row, Standing::Owner).await?);
        }
        Ok(Paged {
            items,
            total,
            page: page.page,
            per_page: page.per_page,
        })
    }

    pub(crate) async fn view_for(
        &self,
        actor: &Actor,
        row: &entity::Model,
    ) -> Result<ActivityView, AppError> {
        self.view(row, standing(Some(actor), row)).await
    }
}

/// The public part of a stored supplement; none when it shows nothing.
fn public_after(
    stored: Option<&store::entities::supplement::Model>,
) -> Result<Option<PublicAfter>, AppError> {
    let Some(stored) = stored else {
        return Ok(None);
    };
    let s: domain::supplement::Supplement =
        serde_json::from_str(&stored.data).map_err(AppError::internal)?;
    if s.photos.is_empty() && s.videos.is_empty() && s.media_links.is_empty() {
        return Ok(None);
    }
    Ok(Some(PublicAfter {
        photos: s.photos,
        videos: s.videos,
        media_links: s.media_links,
    }))
}

/// Why an activity with this stored supplement cannot be put forward as excellent.
fn eligibility_given(
    row: &entity::Model,
    stored: Option<&store::entities::supplement::Model>,
    rules: &CampaignRules,
) -> Result<Vec<String>, AppError> {
    Ok(domain::supplement::eligibility_reasons(
        status_of(row)?,
        row.mode.as_deref(),
        row.end_at,
        stored.and_then(|s| s.completed_at),
        stored.and_then(|s| s.participants),
        rules,
    ))
}

/// A filter's start (inclusive) and end (exclusive), each optional.
pub type TimeBounds = (Option<DateTime<Utc>>, Option<DateTime<Utc>>);

/// The bounds of a `from`/`to` filter: `from` as given, `to` exclusive — a day (`2026-09-16`,
/// Beijing) counts whole, so its end is the next day's start. A date that is not one
/// (2024-02-30) is refused, never ignored.
pub fn time_bounds(from: Option<&str>, to: Option<&str>) -> Result<TimeBounds, AppError> {
    let read = |raw: Option<&str>| {
        raw.map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| parse_time(s).map(|t| (t, s.len() == 10)))
            .transpose()
    };
    let from = read(from)?.map(|(t, _)| t);
    let to = read(to)?.map(|(t, whole_day)| {
        if whole_day {
            t + chrono::Duration::days(1)
        } else {
            t
        }
    });
    Ok((from, to))
}

/// Reads an RFC 3339 time, for query parameters.
pub fn parse_time(raw: &str) -> Result<DateTime<Utc>, AppError> {
    DateTime::<FixedOffset>::parse_from_rfc3339(raw)
        .map(|t| t.to_utc())
        .or_else(|_| {
            chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d").map(|d| {
                d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc() - chrono::Duration::hours(8)
            })
        })
        .map_err(|_| {
            AppError::Malformed(format!(
                "时间“{raw}”格式不正确，应为 YYYY-MM-DD 或 RFC 3339"
            ))
        })
}
