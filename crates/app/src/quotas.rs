//! 任务指标: an administrator sets targets of approved activities for the divisions or the
//! organisations of their area; progress is counted live (divisions from the rollups, an
//! organisation from its activities, with its whole system when asked).

use domain::review::Status;
use domain::stats::{QuotaMeasure, completion_percent, dim};
use serde::Deserialize;
use store::entities::InArea;
use store::entities::{online_post, quota};
use store::sea_orm::{ColumnTrait, Condition};

use crate::regions::locate;
use crate::scope::{area_condition, scope_condition};
use crate::{Actor, App, AppError};
use store::sea_orm::TransactionTrait;

/// Whom a target is set for: a division (by code) or an organisation (by id).
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum TargetRef {
    /// An organisation's id.
    Id(i64),
    /// A division's code.
    Code(String),
}

/// `region` or `org` (the schema's vocabulary; any other is refused with its message).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TargetKind {
    /// A division.
    Region,
    /// An organisation.
    Org,
}

/// A target as an administrator sets it.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuotaInput {
    /// `region` or `org`.
    #[schema(value_type = TargetKind)]
    pub target_kind: String,
    /// A division code (`region`), or an organisation id (`org`).
    pub target_ref: TargetRef,
    /// Count only this section.
    #[serde(default)]
    pub section: Option<String>,
    /// What it counts: approved activities (default) or visible 千万IP创科普 posts.
    #[serde(default)]
    #[schema(value_type = Option<QuotaMeasure>)]
    pub measure: Option<String>,
    /// The target count (at least 1).
    pub target: i64,
    /// For an organisation: count its subordinate units' activities too.
    #[serde(default)]
    pub include_system: bool,
}

/// A task target and how far it has come.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct QuotaProgress {
    /// The target's id (to delete it).
    pub id: i64,
    /// How much of it has been passed down to the divisions below.
    pub allocated_to_children: i64,
    /// `region` or `org`.
    pub target_kind: String,
    /// The division code or organisation id.
    pub target_ref: String,
    /// The division's or organisation's name.
    pub name: String,
    /// The section it counts (all sections when none).
    pub section: Option<String>,
    /// What it counts: `activities` or `online_posts`.
    #[schema(value_type = QuotaMeasure)]
    pub measure: String,
    /// The number asked for.
    pub target: i64,
    /// Whether an organisation's whole system counts.
    pub include_system: bool,
    /// Approved activities, or visible posts, counted so far.
    pub count: i64,
    /// `count` as a percentage of `target`.
    pub percent: i64,
    /// Whether the target is met.
    pub met: bool,
}

impl App {
    /// `PUT /api/v1/quotas`: sets (or replaces) a target in the actor's area.
    pub async fn set_quota(
        &self,
        actor: &Actor,
        input: QuotaInput,
    ) -> Result<QuotaProgress, AppError> {
        let campaign = self.current_campaign().await?;
        if input.target < 1 || input.target > 1_000_000 {
            return Err(AppError::invalid_field(
                "target",
                "指标须为1至1000000之间的整数",
            ));
        }
        let measure = match input.measure.as_deref() {
            None | Some("") => QuotaMeasure::Activities,
            Some(raw) => QuotaMeasure::parse(raw).ok_or_else(|| {
                AppError::invalid_field(
                    "measure",
                    "指标类型须为活动（activities）或网络作品（online_posts）",
                )
            })?,
        };
        let section = input.section.unwrap_or_default();
        if !section.is_empty() && measure == QuotaMeasure::OnlinePosts {
            return Err(AppError::invalid_field(
                "section",
                "网络作品指标不分板块，请不要选择板块",
            ));
        }
        if !section.is_empty() && campaign.rules.section(&section).is_none() {
            return Err(AppError::invalid_field("section", "所选板块不存在"));
        }
        let (target_ref, path) = match input.target_kind.as_str() {
            "region" => {
                let TargetRef::Code(code) = &input.target_ref else {
                    return Err(AppError::invalid_field("target_ref", "请选择地区"));
                };
                let located = locate(&self.db, code)
                    .await?
                    .ok_or_else(|| AppError::invalid_field("target_ref", "所选地区不存在"))?;
                (code.to_owned(), located.path)
            }
            "org" => {
                let TargetRef::Id(id) = input.target_ref else {
                    return Err(AppError::invalid_field("target_ref", "请选择单位"));
                };
                let o = store::orgs::find(&self.db, id)
                    .await?
                    .ok_or_else(|| AppError::invalid_field("target_ref", "所选单位不存在"))?;
                (id.to_string(), o.area())
            }
            _ => {
                return Err(AppError::invalid_field(
                    "target_kind",
                    "指标对象须为地区（region）或单位（org）",
                ));
            }
        };
        // An association sets targets for the areas and organisations below it, never for
        // its own division (that target is set by the level above).
        let allowed = match input.target_kind.as_str() {
            "region" => actor.governs_below(&path, &target_ref),
            _ => actor.governs(&path),
        };
        if !allowed {
            return Err(AppError::Forbidden(
                "只能为本辖区内的下级地区或单位设置任务指标".to_owned(),
            ));
        }
        let include_system = input.include_system && input.target_kind == "org";
        let txn = self.db.begin().await?;
        let audit_path = path.clone();
        let row = store::quotas::set(
            &txn,
            store::quotas::NewQuota {
                campaign_id: campaign.id,
                target_kind: input.target_kind,
                target_ref,
                section,
                measure: measure.as_str().to_owned(),
                target: input.target,
                include_system,
                province_code: path.province,
                city_code: path.city,
                county_code: path.county,
                set_by: actor.user_id,
                updated_at: self.clock.now(),
            },
        )
        .await?
        .ok_or_else(|| AppError::internal("quota vanished"))?;
        crate::audit::record(
            &txn,
            self.clock.now(),
            Some(actor),
            crate::audit::Event::ok(
                "quota.set",
                "quota",
                row.id,
                &audit_path,
                serde_json::json!({
                    "target_kind": row.target_kind, "target_ref": row.target_ref,
                    "section": row.section, "measure": row.measure, "target": row.target,
                    "include_system": row.include_system,
                }),
            ),
        )
        .await?;
        txn.commit().await?;
        self.progress(&row).await
    }

    /// `DELETE /api/v1/quotas/{id}`: only within the actor's area.
    pub async fn delete_quota(&self, actor: &Actor, id: i64) -> Result<(), AppError> {
        let scope = scope_condition(
            actor,
            quota::Column::ProvinceCode,
            quota::Column::CityCode,
            quota::Column::CountyCode,
        );
        let txn = self.db.begin().await?;
        let Some(row) = store::quotas::delete_within(&txn, id, scope).await? else {
            return Err(AppError::NotFound("未找到该任务指标".to_owned()));
        };
        let path = domain::region::RegionPath {
            province: row.province_code.clone(),
            city: row.city_code.clone(),
            county: row.county_code.clone(),
        };
        crate::audit::record(
            &txn,
            self.clock.now(),
            Some(actor),
            crate::audit::Event::ok(
                "quota.delete",
                "quota",
                row.id,
                &path,
                serde_json::json!({
                    "target_kind": row.target_kind, "target_ref": row.target_ref,
                    "section": row.section, "target": row.target,
                }),
            ),
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// The quotas of the targets within `code` that the actor may see, with live progress.
    pub(crate) async fn quota_progress(
        &self,
        actor: &Actor,
        campaign_id: i64,
        code: &str,
    ) -> Result<Vec<QuotaProgress>, AppError> {
        let path = locate(&self.db, code)
            .await?
            .map(|l| l.path)
            .unwrap_or_default();
        let scope = scope_condition(
            actor,
            quota::Column::ProvinceCode,
            quota::Column::CityCode,
            quota::Column::CountyCode,
        );
        let area = area_condition(
            &path,
            quota::Column::ProvinceCode,
            quota::Column::CityCode,
            quota::Column::CountyCode,
        );
        let rows = store::quotas::within(&self.db, campaign_id, scope, area).await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            out.push(self.progress(row).await?);
        }
        Ok(out)
    }

    async fn progress(&self, row: &quota::Model) -> Result<QuotaProgress, AppError> {
        let posts = row.measure == QuotaMeasure::OnlinePosts.as_str();
        let (name, count) = match row.target_kind.as_str() {
            "region" if posts => {
                let name = self.region_name(&row.target_ref).await?;
                let path = locate(&self.db, &row.target_ref)
                    .await?
                    .map(|l| l.path)
                    .unwrap_or_default();
                let area = area_condition(
                    &path,
                    online_post::Column::ProvinceCode,
                    online_post::Column::CityCode,
                    online_post::Column::CountyCode,
                );
                let n = store::posts::count_visible(&self.db, row.campaign_id, area).await?;
                (name, i64::try_from(n).unwrap_or(i64::MAX))
            }
            "region" => {
                let name = self.region_name(&row.target_ref).await?;
                let (d, key) = if row.section.is_empty() {
                    (dim::STATUS, Status::Approved.as_str().to_owned())
                } else {
                    (dim::SECTION, row.section.clone())
                };
                let n = store::quotas::rollup(&self.db, row.campaign_id, &row.target_ref, d, &key)
                    .await?
                    .unwrap_or(0);
                (name, n)
            }
            _ => {
                let id: i64 = row.target_ref.parse().map_err(AppError::internal)?;
                let name = store::orgs::find(&self.db, id)
                    .await?
                    .map_or_else(String::new, |o| o.name);
                let orgs = if row.include_system {
                    self.org_system(id).await?
                } else {
                    vec![id]
                };
                let section = (!row.section.is_empty()).then_some(row.section.as_str());
                let n = if posts {
                    store::posts::count_visible(
                        &self.db,
                        row.campaign_id,
                        Condition::all().add(online_post::Column::OrgId.is_in(orgs)),
                    )
                    .await?
                } else {
                    store::quotas::count_hosted(
                        &self.db,
                        row.campaign_id,
                        Status::Approved.as_str(),
                        orgs,
                        section,
                    )
                    .await?
                };
                (name, i64::try_from(n).unwrap_or(i64::MAX))
            }
        };
        let allocated = if row.target_kind == "region" {
            let children: Vec<String> = self
                .regions_under(Some(&row.target_ref))
                .await?
                .into_iter()
                .map(|r| r.code)
                .collect();
            store::quotas::for_refs(
                &self.db,
                row.campaign_id,
                "region",
                &row.section,
                &row.measure,
                children,
            )
            .await?
            .iter()
            .map(|q| q.target)
            .sum::<i64>()
        } else {
            0
        };
        Ok(QuotaProgress {
            id: row.id,
            allocated_to_children: allocated,
            target_kind: row.target_kind.clone(),
            target_ref: row.target_ref.clone(),
            name,
            section: (!row.section.is_empty()).then(|| row.section.clone()),
            measure: row.measure.clone(),
            target: row.target,
            include_system: row.include_system,
            count,
            percent: completion_percent(count, row.target),
            met: count >= row.target,
        })
    }

    /// An organisation and every organisation below it (系统), breadth first.
    async fn org_system(&self, id: i64) -> Result<Vec<i64>, AppError> {
        let mut all = vec![id];
        let mut frontier = vec![id];
        // Registries are a few levels deep; the bound guards against a cycle.
        for _ in 0..8 {
            if frontier.is_empty() {
                break;
            }
            let children: Vec<i64> = store::orgs::children_of(&self.db, frontier)
                .await?
                .into_iter()
                .map(|o| o.id)
                .filter(|c| !all.contains(c))
                .collect();
            all.extend(&children);
            frontier = children;
        }
        Ok(all)
    }
}
