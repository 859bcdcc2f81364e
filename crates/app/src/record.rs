//! A host's track record (the issue "Evaluation and oversight"): what an organisation
//! submitted, had approved and rejected (with the reasons), how often its supplements came
//! on time, its nominations and awards, over every campaign. Read from the rollups kept
//! under the organisation's own scope (`org:ID`), never by scanning its activities; for the
//! administrators whose area holds it, and its members.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use domain::review::Status;
use domain::stats::{dim, org_scope};
use serde::Serialize;
use store::entities::{InArea, activity};
use store::evaluations::GroupBy;
use store::sea_orm::{ColumnTrait, Condition};
use utoipa::ToSchema;

use crate::{Actor, App, AppError};

/// One campaign of the record.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CampaignRecord {
    /// The campaign.
    pub campaign_id: i64,
    /// Its year.
    pub year: i32,
    /// Submitted (in any state but draft).
    pub submitted: i64,
    /// Approved.
    pub approved: i64,
    /// Rejected (at either level), as they stand.
    pub rejected: i64,
}

/// A rejection and its reason.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RejectionView {
    /// The activity.
    pub activity_id: i64,
    /// Its name.
    pub name: String,
    /// The campaign.
    pub campaign_id: i64,
    /// `province_rejected` or `national_rejected`.
    pub status: String,
    /// The reviewer's reason.
    pub reason: Option<String>,
    /// When.
    pub at: DateTime<Utc>,
}

/// `GET /api/v1/orgs/{id}/record`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TrackRecord {
    /// The organisation.
    pub org_id: i64,
    /// Its name.
    pub name: String,
    /// Submitted, over every campaign.
    pub submitted: i64,
    /// Approved.
    pub approved: i64,
    /// Rejected, as they stand.
    pub rejected: i64,
    /// The share (0–1) of approved activities whose supplement was complete on time; none
    /// without an approved activity.
    pub supplement_on_time_rate: Option<f64>,
    /// Evidence flags on its supplements.
    pub flags: i64,
    /// Activities nominated (not stopped).
    pub nominated: i64,
    /// Activities awarded (in the national final list).
    pub awarded: i64,
    /// Each campaign it took part in, newest first.
    pub campaigns: Vec<CampaignRecord>,
    /// The latest rejections with their reasons (at most 20), newest first.
    pub rejections: Vec<RejectionView>,
}

const REJECTED: [Status; 2] = [Status::ProvinceRejected, Status::NationalRejected];

impl App {
    /// `GET /api/v1/orgs/{id}/record`.
    pub async fn track_record(&self, actor: &Actor, org_id: i64) -> Result<TrackRecord, AppError> {
        let org = store::orgs::find(&self.db, org_id)
            .await?
            .ok_or_else(|| AppError::NotFound("未找到该单位".to_owned()))?;
        if !actor.governs(&org.area()) && !self.is_member(actor.user_id, org_id).await? {
            // Outside one's area, an organisation's record is not there to see.
            return Err(AppError::NotFound("未找到该单位".to_owned()));
        }
        let scope = org_scope(org_id);
        let cells =
            store::stats::cells_across_campaigns(&self.db, &scope, &[dim::STATUS, dim::SUM])
                .await?;
        let mut by_campaign: BTreeMap<i64, CampaignRecord> = BTreeMap::new();
        let mut on_time = 0;
        for c in &cells {
            let entry = by_campaign
                .entry(c.campaign_id)
                .or_insert_with(|| CampaignRecord {
                    campaign_id: c.campaign_id,
                    year: 0,
                    submitted: 0,
                    approved: 0,
                    rejected: 0,
                });
            match (c.dim.as_str(), Status::parse(&c.key).ok()) {
                (dim::STATUS, Some(Status::Draft)) => {}
                (dim::STATUS, Some(s)) => {
                    entry.submitted += c.n;
                    if s == Status::Approved {
                        entry.approved += c.n;
                    }
                    if REJECTED.contains(&s) {
                        entry.rejected += c.n;
                    }
                }
                (dim::SUM, _) if c.key == "supplement_on_time" => on_time += c.n,
                _ => {}
            }
        }
        by_campaign.retain(|_, r| r.submitted > 0);
        let (mut nominated, mut awarded) = (0, 0);
        let mine = Condition::all().add(activity::Column::FirstHostId.eq(org_id));
        for campaign_id in by_campaign.keys() {
            for (_, state, n) in store::evaluations::nominations_by(
                &self.db,
                *campaign_id,
                GroupBy::Org,
                mine.clone(),
            )
            .await?
            {
                if state != domain::nomination::State::Stopped.as_str() {
                    nominated += n;
                }
                if state == domain::nomination::State::Final.as_str() {
                    awarded += n;
                }
            }
        }
        let mut campaigns: Vec<CampaignRecord> = Vec::with_capacity(by_campaign.len());
        for (id, mut r) in by_campaign {
            r.year = self.campaign_rules(id).await?.year;
            campaigns.push(r);
        }
        campaigns.sort_by(|a, b| b.year.cmp(&a.year).then(b.campaign_id.cmp(&a.campaign_id)));
        let submitted = campaigns.iter().map(|c| c.submitted).sum();
        let approved: i64 = campaigns.iter().map(|c| c.approved).sum();
        let rejected = campaigns.iter().map(|c| c.rejected).sum();
        // Evidence flags on its approved activities' supplements (a host holds few).
        let mut flags = 0_i64;
        for row in store::evaluations::approved_of_org(&self.db, org_id, 500).await? {
            if let Some(stored) = self.find_supplement(row.id).await? {
                let data: domain::supplement::Supplement =
                    serde_json::from_str(&stored.data).map_err(AppError::internal)?;
                flags += i64::try_from(self.evidence_flags(&row, &data).await?.len()).unwrap_or(0);
            }
        }
        let rejected_states: Vec<&str> = REJECTED.iter().map(|s| s.as_str()).collect();
        let rejections = store::review::rejections_of(&self.db, org_id, &rejected_states, 20)
            .await?
            .into_iter()
            .map(|r| RejectionView {
                activity_id: r.activity_id,
                name: r.name,
                campaign_id: r.campaign_id,
                status: r.to_status,
                reason: r.reason,
                at: r.at,
            })
            .collect();
        Ok(TrackRecord {
            org_id,
            name: org.name,
            submitted,
            approved,
            rejected,
            supplement_on_time_rate: (approved > 0).then(|| on_time as f64 / approved as f64),
            flags,
            nominated,
            awarded,
            campaigns,
            rejections,
        })
    }
}
