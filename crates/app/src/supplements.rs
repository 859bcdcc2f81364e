//! 活动补充信息: saved as often as needed by the host of an approved activity; complete when
//! nothing is missing; on time when complete within the campaign's days after the end.

use chrono::{DateTime, NaiveDate, Utc};
use domain::supplement::{self, MediaFact, Supplement, SupplementFields};
use serde::Serialize;
use store::entities::supplement as entity;
use store::sea_orm::TransactionTrait;
use utoipa::ToSchema;

use crate::activities::{Standing, standing};
use crate::regions::locate;
use crate::{Actor, App, AppError};

/// Whether a media report link answered when checked.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LinkCheck {
    /// The link.
    pub url: String,
    /// Whether it answered; none until checked.
    pub reachable: Option<bool>,
    /// When it was checked.
    pub checked_at: Option<DateTime<Utc>>,
    /// Why it did not answer.
    pub detail: Option<String>,
}

/// 活动补充信息 with what is still missing and its deadline.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SupplementView {
    /// 活动 id
    pub activity_id: i64,
    /// The supplement as saved.
    #[serde(flatten)]
    pub supplement: Supplement,
    /// 已完整
    pub complete: bool,
    /// What is still missing, in Chinese.
    pub missing: Vec<String>,
    /// When it first became complete.
    pub completed_at: Option<DateTime<Utc>>,
    /// 媒体报道链接的检查结果
    pub link_checks: Vec<LinkCheck>,
    /// 截止日期 (Beijing calendar day); none until the activity has an end.
    pub deadline: Option<NaiveDate>,
    /// Evidence flags for the reviewing administrator (the owner sees them too; never
    /// public): photos taken at another time or place, reused from another activity, dead
    /// media links, turnout far above the expected.
    pub flags: Vec<domain::evidence::Flag>,
}

impl SupplementView {
    /// Days from `today` to the deadline (negative once past).
    pub fn days_left(&self, today: NaiveDate) -> Option<i64> {
        self.deadline.map(|d| (d - today).num_days())
    }
}

impl App {
    /// The stored supplement of an activity, if any.
    pub(crate) async fn find_supplement(
        &self,
        activity_id: i64,
    ) -> Result<Option<entity::Model>, AppError> {
        Ok(store::supplements::find(&self.db, activity_id).await?)
    }

    /// `PUT /api/v1/activities/{id}/supplement`: replaces the supplement.
    pub async fn put_supplement(
        &self,
        actor: &Actor,
        id: i64,
        fields: SupplementFields,
    ) -> Result<SupplementView, AppError> {
        let input = fields.read()?;
        self.save_supplement(actor, id, move |_| input).await
    }

    /// Adds an uploaded photo or video to the supplement's list, or sets the evidence photo,
    /// leaving everything else as it is at that moment (never as it was when the upload
    /// began): two tabs, or an edit and an upload, do not overwrite each other.
    pub async fn add_supplement_media(
        &self,
        actor: &Actor,
        id: i64,
        media_id: i64,
        kind: crate::media::MediaKind,
    ) -> Result<SupplementView, AppError> {
        use crate::media::MediaKind;
        if kind == MediaKind::Poster {
            return Err(AppError::invalid_field(
                "kind",
                "补充信息只能上传活动照片、活动视频或参与人数佐证照片",
            ));
        }
        self.save_supplement(actor, id, move |mut s| {
            match kind {
                MediaKind::Photo if !s.photos.contains(&media_id) => s.photos.push(media_id),
                MediaKind::Video if !s.videos.contains(&media_id) => s.videos.push(media_id),
                MediaKind::Evidence => s.evidence_photo = Some(media_id),
                _ => {}
            }
            s
        })
        .await
    }

    /// The one write path of a supplement: who may write, the activity's state, the
    /// change applied to the supplement as stored inside the transaction (serialised per
    /// activity), the rules, the rollups and the link checks — all in one transaction.
    async fn save_supplement(
        &self,
        actor: &Actor,
        id: i64,
        change: impl FnOnce(Supplement) -> Supplement,
    ) -> Result<SupplementView, AppError> {
        let row = self.find_activity(id).await?;
        may_write(actor, &row)?;
        let rules = self.campaign(row.campaign_id).await?.rules;
        let now = self.clock.now();
        let txn = self.db.begin().await?;
        crate::auth::serialise(&txn, &[&format!("supplement:{id}")]).await?;
        let previous = store::supplements::find(&txn, id).await?;
        let stored: Supplement = match &previous {
            Some(p) => serde_json::from_str(&p.data).map_err(AppError::internal)?,
            None => Supplement::default(),
        };
        let input = change(stored);
        let facts: Vec<MediaFact> = store::supplements::media_of(&txn, id)
            .await?
            .into_iter()
            .map(|m| MediaFact {
                id: m.id,
                kind: m.kind,
                seconds: m.seconds,
            })
            .collect();
        supplement::problems(&input, &rules, &facts).into_result()?;
        let complete = supplement::missing(&input, &rules).is_empty();
        let completed_at = match (complete, previous.and_then(|p| p.completed_at)) {
            (false, _) => None,
            (true, Some(first)) => Some(first),
            (true, None) => Some(now),
        };
        let saved = store::supplements::Saved {
            activity_id: id,
            data: serde_json::to_string(&input).map_err(AppError::internal)?,
            participants: input.participants,
            completed_at,
            on_time: match (completed_at, row.end_at) {
                (Some(done), Some(end)) => {
                    supplement::completed_on_time(done, end, rules.supplement_days)
                }
                _ => false,
            },
            updated_at: now,
        };
        let before = crate::stats::facts(&txn, &row).await?;
        store::supplements::save(&txn, saved).await?;
        let after = crate::stats::facts(&txn, &row).await?;
        crate::stats::shift(&txn, &row, Some(&before), Some(&after)).await?;
        crate::jobs::schedule_link_checks(&txn, id, &input.media_links, now).await?;
        // Its photos, videos and links are public: kept public answers are renewed.
        store::search::log::append(&txn, id, now).await?;
        txn.commit().await?;
        self.supplement(Some(actor), id).await
    }

    /// The supplement as its form shows it, for the one person who may fill it in, once
    /// the activity is approved (the same refusals as saving it).
    pub async fn supplement_to_fill(
        &self,
        actor: &Actor,
        id: i64,
    ) -> Result<SupplementView, AppError> {
        may_write(actor, &self.find_activity(id).await?)?;
        self.supplement(Some(actor), id).await
    }

    /// Whether each media report link answered when checked (`reachable` null: not yet).
    async fn link_checks(&self, activity_id: i64) -> Result<Vec<LinkCheck>, AppError> {
        Ok(store::supplements::link_checks(&self.db, activity_id)
            .await?
            .into_iter()
            .map(|c| LinkCheck {
                url: c.url,
                reachable: c.reachable,
                checked_at: c.checked_at,
                detail: c.detail,
            })
            .collect())
    }

    /// The supplement with what is missing and its deadline.
    pub async fn supplement(
        &self,
        actor: Option<&Actor>,
        id: i64,
    ) -> Result<SupplementView, AppError> {
        let row = self.find_activity(id).await?;
        if standing(actor, &row) == Standing::Public {
            return Err(AppError::NotFound("未找到该活动".to_owned()));
        }
        let rules = self.campaign(row.campaign_id).await?.rules;
        let stored = self.find_supplement(id).await?;
        let data: Supplement = match &stored {
            Some(s) => serde_json::from_str(&s.data).map_err(AppError::internal)?,
            None => Supplement::default(),
        };
        let missing = supplement::missing(&data, &rules);
        let flags = self.evidence_flags(&row, &data).await?;
        Ok(SupplementView {
            activity_id: id,
            supplement: data,
            complete: missing.is_empty(),
            missing,
            completed_at: stored.as_ref().and_then(|s| s.completed_at),
            link_checks: self.link_checks(id).await?,
            deadline: row.end_at.map(|end| supplement::deadline(end, &rules)),
            flags,
        })
    }

    /// The evidence flags of an activity's supplement, computed from what each photo said
    /// of itself at upload, the link checks and the turnout.
    pub(crate) async fn evidence_flags(
        &self,
        row: &store::entities::activity::Model,
        data: &Supplement,
    ) -> Result<Vec<domain::evidence::Flag>, AppError> {
        use domain::evidence::{Flag, FlagKind, distance, place_flag, time_flag, turnout_flag};
        let t = self.config.evidence;
        let draft: domain::activity::ActivityDraft =
            serde_json::from_str(&row.data).map_err(AppError::internal)?;
        // When and where it was held: itself and its sessions.
        let mut from = row.start_at;
        let mut to = row.end_at;
        let mut places: Vec<(f64, f64)> = Vec::new();
        if let (Some(lon), Some(lat)) = (row.lon, row.lat) {
            places.push((lat, lon));
        }
        for s in &draft.sessions {
            if let Some(start) = s.start.map(|d| d.to_utc()) {
                from = Some(from.map_or(start, |f| f.min(start)));
            }
            if let Some(end) = s.end.map(|d| d.to_utc()) {
                to = Some(to.map_or(end, |e| e.max(end)));
            }
            match (s.lat, s.lon, &s.region_code) {
                (Some(lat), Some(lon), _) => places.push((lat, lon)),
                (_, _, Some(code)) => {
                    if let Some((lon, lat)) = locate(&self.db, code).await?.and_then(|l| l.point) {
                        places.push((lat, lon));
                    }
                }
                _ => {}
            }
        }
        if places.is_empty()
            && let Some(code) = &draft.region_code
            && let Some((lon, lat)) = locate(&self.db, code).await?.and_then(|l| l.point)
        {
            places.push((lat, lon));
        }
        let mut flags = Vec::new();
        let photos: Vec<i64> = data
            .photos
            .iter()
            .copied()
            .chain(data.evidence_photo)
            .collect();
        for m in store::media::by_ids(&self.db, &photos).await? {
            if m.activity_id != row.id {
                continue;
            }
            if let (Some(taken), Some(f), Some(e)) = (m.taken_at, from, to)
                && let Some(flag) = time_flag(m.id, taken, f, e, &t)
            {
                flags.push(flag);
            }
            if let (Some(lat), Some(lon)) = (m.gps_lat, m.gps_lon)
                && let Some(flag) = place_flag(m.id, (lat, lon), &places, &t)
            {
                flags.push(flag);
            }
            if let Some(hash) = m.phash.map(|h| h as u64) {
                let mut seen = std::collections::BTreeSet::new();
                for other in store::media::sharing_hash_part(&self.db, row.id, hash).await? {
                    let close = other
                        .phash
                        .is_some_and(|h| distance(h as u64, hash) <= t.reuse_bits);
                    if !close || !seen.insert(other.activity_id) {
                        continue;
                    }
                    let name = store::activities::by_id(&self.db, other.activity_id)
                        .await?
                        .map(|a| a.name)
                        .unwrap_or_default();
                    flags.push(Flag {
                        kind: FlagKind::PhotoReused,
                        media_id: Some(m.id),
                        detail: format!(
                            "与活动“{name}”（编号{}）的照片相同或相近",
                            other.activity_id
                        ),
                    });
                }
            }
        }
        for c in self.link_checks(row.id).await? {
            if c.reachable == Some(false) && data.media_links.contains(&c.url) {
                flags.push(Flag {
                    kind: FlagKind::LinkDead,
                    media_id: None,
                    detail: format!(
                        "媒体报道链接无法访问：{}{}",
                        c.url,
                        c.detail.map(|d| format!("（{d}）")).unwrap_or_default()
                    ),
                });
            }
        }
        if let Some(real) = data.participants
            && let Some(flag) = turnout_flag(real, row.expected_participants, &t)
        {
            flags.push(flag);
        }
        Ok(flags)
    }
}

/// Only the publisher fills in a supplement, and only once the activity is approved.
fn may_write(actor: &Actor, row: &store::entities::activity::Model) -> Result<(), AppError> {
    match standing(Some(actor), row) {
        Standing::Owner => {}
        Standing::Admin => {
            return Err(AppError::Forbidden(
                "只有活动的发布者可以填报补充信息".to_owned(),
            ));
        }
        Standing::Public => return Err(AppError::NotFound("未找到该活动".to_owned())),
    }
    if row.status != domain::review::Status::Approved.as_str() {
        return Err(AppError::conflict("活动通过审核后才能填报补充信息"));
    }
    Ok(())
}
