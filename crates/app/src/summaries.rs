//! 工作总结: each unit, county, city, provincial society and province writes a summary of its
//! scope by the campaign's deadline for its level; the level above sees who has submitted,
//! late or not at all, and can remind those who have not.

use chrono::NaiveDate;
use domain::campaign::{CampaignRules, beijing_date};
use domain::region::{RegionLevel, RegionPath};
use domain::role::Role;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use store::entities::{org, org_member, summary, user_role};
use store::sea_orm::{
    ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    sea_query::OnConflict,
};

use crate::audit::area_condition;
use crate::orgs::path_of as org_path;
use crate::regions::locate;
use crate::{Actor, App, AppError};

/// A summary's text, in the sections DESIGN.md §6 lists.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
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
    /// Photos, videos and slides, as links to where they are kept (http or https).
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

/// The scope kinds and the deadline each answers to.
fn deadline(kind: &str, rules: &CampaignRules) -> Option<NaiveDate> {
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
        match kind {
            "county" | "city" | "province" => {
                let located = locate(&self.db, reference)
                    .await?
                    .filter(|l| l.level.map(kind_of) == Some(kind))
                    .ok_or_else(|| AppError::NotFound("未找到该地区".to_owned()))?;
                let writes = actor.grants.iter().any(|g| {
                    g.region_code == reference
                        && g.role.governs().flatten().map(kind_of) == Some(kind)
                });
                if !writes {
                    return Err(AppError::Forbidden(
                        "只有本级科协管理员可以填报本地区的工作总结".to_owned(),
                    ));
                }
                let name = self.region_name(reference).await?;
                Ok((name, located.path))
            }
            "unit" | "society" => {
                let id: i64 = reference
                    .parse()
                    .map_err(|_| AppError::NotFound("未找到该单位".to_owned()))?;
                let o = org::Entity::find_by_id(id)
                    .one(&self.db)
                    .await?
                    .ok_or_else(|| AppError::NotFound("未找到该单位".to_owned()))?;
                if !self.is_member(actor.user_id, id).await? {
                    return Err(AppError::Forbidden(
                        "只有本单位的成员可以填报本单位的工作总结".to_owned(),
                    ));
                }
                let path = org_path(&o);
                Ok((o.name, path))
            }
            _ => Err(AppError::NotFound(
                "总结范围须为 unit、county、city、society 或 province".to_owned(),
            )),
        }
    }

    /// `PUT /api/v1/summaries/{kind}/{ref}`: saves (and with `submit`, submits) a summary.
    pub async fn put_summary(
        &self,
        actor: &Actor,
        kind: &str,
        reference: &str,
        input: SummaryInput,
    ) -> Result<Value, AppError> {
        let (_, path) = self.summary_scope(actor, kind, reference).await?;
        input.problems().into_result()?;
        let campaign = self.current_campaign().await?;
        let now = self.clock.now();
        let previous = self.find_summary(campaign.id, kind, reference).await?;
        let submitted_at = previous
            .and_then(|p| p.submitted_at)
            .or(input.submit.then_some(now));
        let model = summary::ActiveModel {
            campaign_id: Set(campaign.id),
            scope_kind: Set(kind.to_owned()),
            scope_ref: Set(reference.to_owned()),
            province_code: Set(path.province),
            city_code: Set(path.city),
            county_code: Set(path.county),
            data: Set(serde_json::to_string(&input).map_err(AppError::internal)?),
            author_id: Set(actor.user_id),
            submitted_at: Set(submitted_at),
            updated_at: Set(now),
            ..Default::default()
        };
        summary::Entity::insert(model)
            .on_conflict(
                OnConflict::columns([
                    summary::Column::CampaignId,
                    summary::Column::ScopeKind,
                    summary::Column::ScopeRef,
                ])
                .update_columns([
                    summary::Column::Data,
                    summary::Column::AuthorId,
                    summary::Column::SubmittedAt,
                    summary::Column::UpdatedAt,
                ])
                .to_owned(),
            )
            .exec_without_returning(&self.db)
            .await?;
        self.summary(actor, kind, reference).await
    }

    async fn find_summary(
        &self,
        campaign_id: i64,
        kind: &str,
        reference: &str,
    ) -> Result<Option<summary::Model>, AppError> {
        Ok(summary::Entity::find()
            .filter(summary::Column::CampaignId.eq(campaign_id))
            .filter(summary::Column::ScopeKind.eq(kind))
            .filter(summary::Column::ScopeRef.eq(reference))
            .one(&self.db)
            .await?)
    }

    /// `GET /api/v1/summaries/{kind}/{ref}`: the writer's own summary with its deadline.
    pub async fn summary(
        &self,
        actor: &Actor,
        kind: &str,
        reference: &str,
    ) -> Result<Value, AppError> {
        let (name, _) = self.summary_scope(actor, kind, reference).await?;
        let campaign = self.current_campaign().await?;
        let row = self.find_summary(campaign.id, kind, reference).await?;
        let data: SummaryInput = match &row {
            Some(r) => serde_json::from_str(&r.data).map_err(AppError::internal)?,
            None => SummaryInput::default(),
        };
        let due = deadline(kind, &campaign.rules);
        Ok(json!({
            "scope_kind": kind,
            "scope_ref": reference,
            "name": name,
            "key_activities": data.key_activities,
            "mobilisation": data.mobilisation,
            "service": data.service,
            "publicity": data.publicity,
            "attachments": data.attachments,
            "deadline": due,
            "submitted_at": row.as_ref().and_then(|r| r.submitted_at),
            "status": status(row.as_ref(), due),
        }))
    }

    /// `GET /api/v1/summaries?region=CODE`: the division's own summary and its children's,
    /// each `submitted`, `late`, `draft` or `missing`.
    pub async fn summaries_below(&self, actor: &Actor, code: &str) -> Result<Value, AppError> {
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
        for o in org::Entity::find()
            .filter(org::Column::RegionCode.eq(code))
            .filter(org::Column::Status.ne("rejected"))
            .order_by_asc(org::Column::Id)
            .all(&self.db)
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
            rows.push(json!({
                "scope_kind": kind,
                "scope_ref": reference,
                "name": name,
                "deadline": due,
                "submitted_at": row.as_ref().and_then(|r| r.submitted_at),
                "status": status(row.as_ref(), due),
            }));
        }
        Ok(json!({"region": code, "items": rows}))
    }

    /// `POST /api/v1/summaries/reminders {region}`: notifies the administrators of the
    /// child divisions, and the members of the units, whose summary is not submitted.
    /// Answers how many people were reminded.
    pub async fn remind_summaries(&self, actor: &Actor, code: &str) -> Result<Value, AppError> {
        let listing = self.summaries_below(actor, code).await?;
        let now = self.clock.now();
        let mut reminded = 0_u64;
        for item in listing["items"].as_array().into_iter().flatten() {
            let reference = item["scope_ref"].as_str().unwrap_or_default();
            let waiting = matches!(item["status"].as_str(), Some("missing" | "draft"));
            if reference == code || !waiting {
                continue;
            }
            let people: Vec<i64> = match item["scope_kind"].as_str() {
                Some("unit" | "society") => org_member::Entity::find()
                    .filter(org_member::Column::OrgId.eq(reference.parse::<i64>().unwrap_or(0)))
                    .all(&self.db)
                    .await?
                    .into_iter()
                    .map(|m| m.user_id)
                    .collect(),
                _ => user_role::Entity::find()
                    .filter(user_role::Column::RegionCode.eq(reference))
                    .filter(user_role::Column::Role.is_in([
                        Role::CountyAdmin.as_str(),
                        Role::CityAdmin.as_str(),
                        Role::ProvinceAdmin.as_str(),
                    ]))
                    .all(&self.db)
                    .await?
                    .into_iter()
                    .map(|r| r.user_id)
                    .collect(),
            };
            for user_id in people {
                let text = format!(
                    "请于{}前提交{}的科普日工作总结",
                    item["deadline"].as_str().unwrap_or_default(),
                    item["name"].as_str().unwrap_or_default()
                );
                crate::review::notify(&self.db, now, user_id, "summary.reminder", None, text)
                    .await?;
                reminded += 1;
            }
        }
        Ok(json!({"reminded": reminded}))
    }

    /// Submitted summaries within a division (for the statistics).
    pub(crate) async fn summary_counts(
        &self,
        campaign_id: i64,
        code: &str,
    ) -> Result<Value, AppError> {
        let path = locate(&self.db, code)
            .await?
            .map(|l| l.path)
            .unwrap_or_default();
        let mut query = summary::Entity::find()
            .filter(summary::Column::CampaignId.eq(campaign_id))
            .filter(summary::Column::SubmittedAt.is_not_null());
        query = query.filter(area_condition(
            &path,
            summary::Column::ProvinceCode,
            summary::Column::CityCode,
            summary::Column::CountyCode,
        ));
        Ok(json!({"submitted": query.count(&self.db).await?}))
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
