//! The organisation registry: applications, duplicates, certification, members, lookup.

use chrono::{DateTime, Utc};
use domain::FieldErrors;
use domain::credit_code::CreditCode;
use domain::org::{self, Decision, OrgKind, OrgLevel, OrgStatus};
use domain::phone::Phone;
use serde::{Deserialize, Serialize};
use store::entities::InArea;
use store::entities::org as entity;
use store::sea_orm::TransactionTrait;

use crate::{Actor, App, AppError};

/// An application to the registry, as sent.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrgInput {
    /// Full name as on the official seal.
    pub name: Option<String>,
    /// Kind (API.md vocabulary).
    pub kind: Option<String>,
    /// Division code.
    pub region_code: Option<String>,
    /// Level; derived from the region when absent.
    pub level: Option<String>,
    /// The organisation it belongs to.
    pub parent_id: Option<i64>,
    /// 统一社会信用代码.
    pub credit_code: Option<String>,
}

/// An organisation as the API shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OrgView {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: String,
    /// Level.
    pub level: String,
    /// Division.
    pub region_code: String,
    /// Parent organisation.
    pub parent_id: Option<i64>,
    /// Credit code.
    pub credit_code: Option<String>,
    /// `pending`, `certified` or `rejected`.
    pub status: String,
    /// The reason given with the last decision.
    pub status_reason: Option<String>,
    /// Whether a national administrator certified it (a national level counts only then).
    pub national_certified: bool,
    /// Applied at.
    pub created_at: DateTime<Utc>,
}

impl From<entity::Model> for OrgView {
    fn from(o: entity::Model) -> Self {
        OrgView {
            id: o.id,
            name: o.name,
            kind: o.kind,
            level: o.level,
            region_code: o.region_code,
            parent_id: o.parent_id,
            credit_code: o.credit_code,
            status: o.status,
            status_reason: o.status_reason,
            national_certified: o.national_certified,
            created_at: o.created_at,
        }
    }
}

/// An autocomplete hit.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OrgHit {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Division.
    pub region_code: String,
    /// Status.
    pub status: String,
}

/// A certification decision as sent.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CertificationInput {
    /// `approve` or `reject`.
    #[schema(value_type = domain::review::Verdict, required = true)]
    pub decision: Option<String>,
    /// Required to reject.
    pub reason: Option<String>,
}

/// Ids in their first order, each once.
fn dedup(ids: impl IntoIterator<Item = i64>) -> Vec<i64> {
    let mut out = Vec::new();
    for id in ids {
        if !out.contains(&id) {
            out.push(id);
        }
    }
    out
}

/// Gives organisations registered before name keys existed (or bulk-loaded) their key.
pub(crate) async fn fill_name_keys(db: &store::Db) -> Result<u64, AppError> {
    let mut filled = 0;
    loop {
        let rows = store::orgs::without_name_key(db, 1000).await?;
        if rows.is_empty() {
            return Ok(filled);
        }
        let txn = db.begin().await?;
        for row in rows {
            store::orgs::set_name_key(&txn, row.id, domain::text::name_key(&row.name)).await?;
            filled += 1;
        }
        txn.commit().await?;
    }
}

impl App {
    /// `POST /api/v1/orgs`: applies for a registry entry; the caller becomes its first member.
    pub async fn apply_org(&self, actor: &Actor, input: OrgInput) -> Result<OrgView, AppError> {
        let mut errors = FieldErrors::new();
        let name = errors.take(
            "name",
            org::parse_name(input.name.as_deref().unwrap_or_default()),
        );
        let kind = errors.take(
            "kind",
            OrgKind::parse(input.kind.as_deref().unwrap_or_default()),
        );
        let region = match input.region_code.as_deref() {
            None => {
                errors.add("region_code", "请选择所在地区");
                None
            }
            Some(raw) => errors.take("region_code", self.locate_for("region_code", raw).await),
        };
        let level = match (input.level.as_deref(), &region) {
            (Some(raw), _) => errors.take("level", OrgLevel::parse(raw)),
            (None, Some((_, located))) => Some(OrgLevel::derived_from(located.level)),
            (None, None) => None,
        };
        let credit_code = match input
            .credit_code
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
        {
            None => None,
            Some(raw) => errors
                .take("credit_code", CreditCode::parse(raw))
                .map(|c| c.as_str().to_owned()),
        };
        if let Some(parent_id) = input.parent_id
            && store::orgs::find(&self.db, parent_id).await?.is_none()
        {
            errors.add("parent_id", "所选上级单位不存在");
        }
        errors.into_result()?;
        let (Some(name), Some(kind), Some((region_code, located)), Some(level)) =
            (name, kind, region, level)
        else {
            return Err(AppError::internal("validated input incomplete"));
        };
        if let Some(code) = &credit_code
            && let Some(same) = store::orgs::find_by_credit_code(&self.db, code).await?
        {
            return Err(AppError::Conflict {
                message: format!(
                    "该统一社会信用代码已由“{}”登记（单位编号 {}）",
                    same.name, same.id
                ),
                existing_id: Some(same.id),
            });
        }
        let now = self.clock.now();
        let key = domain::text::name_key(&name);
        let txn = self.db.begin().await?;
        crate::auth::serialise(
            &txn,
            &[
                &format!("org-apply:{}", actor.user_id),
                &format!("org-name:{key}"),
            ],
        )
        .await?;
        let today =
            store::orgs::count_created_since(&txn, actor.user_id, now - chrono::Duration::days(1))
                .await?;
        if today >= self.config.org_applications_per_day {
            return Err(AppError::TooMany {
                message: "今日登记单位的次数已达上限，请明天再试".to_owned(),
                retry_after: 3600,
            });
        }
        // Twins (a zero-width space, full-width letters, an ideographic space) are the same name.
        if let Some(same) = store::orgs::find_by_name_key_in(&txn, &key, &region_code).await? {
            return Err(AppError::Conflict {
                message: format!(
                    "“{}”已在该地区登记（单位编号 {}），请联系该单位管理员将您加为成员",
                    same.name, same.id
                ),
                existing_id: Some(same.id),
            });
        }
        let made = store::orgs::add(
            &txn,
            store::orgs::NewOrg {
                name_key: key,
                name,
                kind: kind.as_str().to_owned(),
                level: level.as_str().to_owned(),
                region_code,
                province_code: located.path.province.clone(),
                city_code: located.path.city.clone(),
                county_code: located.path.county.clone(),
                parent_id: input.parent_id,
                credit_code,
                status: OrgStatus::Pending.as_str().to_owned(),
                created_by: Some(actor.user_id),
                created_at: now,
            },
        )
        .await
        .map_err(AppError::conflict_if_unique(
            "该单位已登记（名称与地区相同，或统一社会信用代码相同）",
        ))?;
        store::orgs::add_member(&txn, made.id, actor.user_id, now).await?;
        crate::audit::record(
            &txn,
            now,
            Some(actor),
            crate::audit::Event::ok(
                "org.apply",
                "org",
                made.id,
                &located.path,
                serde_json::json!({"name": made.name}),
            ),
        )
        .await?;
        txn.commit().await?;
        Ok(made.into())
    }

    /// One organisation.
    pub async fn org(&self, id: i64) -> Result<OrgView, AppError> {
        Ok(self.find_org(id).await?.into())
    }

    async fn find_org(&self, id: i64) -> Result<entity::Model, AppError> {
        store::orgs::find(&self.db, id)
            .await?
            .ok_or_else(|| AppError::NotFound("未找到该单位".to_owned()))
    }

    /// Autocomplete: names containing `q`, certified first, rejected never.
    pub async fn search_orgs(&self, q: &str, limit: u64) -> Result<Vec<OrgHit>, AppError> {
        let q = q.trim();
        if q.is_empty() {
            return Ok(Vec::new());
        }
        let rows = store::orgs::search_by_name(
            &self.db,
            q,
            OrgStatus::Rejected.as_str(),
            OrgStatus::Certified.as_str(),
            limit,
        )
        .await?;
        Ok(rows
            .into_iter()
            .map(|o| OrgHit {
                id: o.id,
                name: o.name,
                region_code: o.region_code,
                status: o.status,
            })
            .collect())
    }

    /// `POST /api/v1/orgs/{id}/certification`: an administrator whose area covers the
    /// organisation approves or rejects it.
    pub async fn certify_org(
        &self,
        actor: &Actor,
        id: i64,
        input: CertificationInput,
    ) -> Result<OrgView, AppError> {
        if !actor.is_admin() {
            return Err(AppError::Forbidden("只有管理员可以认证单位".to_owned()));
        }
        let found = self.find_org(id).await?;
        if !actor.governs(&found.area()) {
            return Err(AppError::Forbidden("该单位不在您的管辖范围内".to_owned()));
        }
        let decision = match input.decision.as_deref() {
            Some("approve") => Decision::Approve,
            Some("reject") => Decision::Reject,
            _ => {
                return Err(AppError::invalid_field(
                    "decision",
                    "请选择“通过”（approve）或“不通过”（reject）",
                ));
            }
        };
        let reason = org::parse_reason(decision, input.reason.as_deref())
            .map_err(|m| AppError::invalid_field("reason", m))?;
        let status = match decision {
            Decision::Approve => OrgStatus::Certified,
            Decision::Reject => OrgStatus::Rejected,
        };
        let now = self.clock.now();
        let txn = self.db.begin().await?;
        let path = found.area();
        let updated = store::orgs::decide(
            &txn,
            found,
            store::orgs::Decided {
                status: status.as_str().to_owned(),
                reason: reason.clone(),
                national_certified: decision == Decision::Approve && actor.is_national_admin(),
                by: actor.user_id,
                at: now,
            },
        )
        .await?;
        crate::audit::record(
            &txn,
            now,
            Some(actor),
            crate::audit::Event::ok(
                "org.certify",
                "org",
                id,
                &path,
                serde_json::json!({"status": status.as_str(), "reason": reason}),
            ),
        )
        .await?;
        txn.commit().await?;
        Ok(updated.into())
    }

    /// Whether a user may act for an organisation.
    pub async fn is_member(&self, user_id: i64, org_id: i64) -> Result<bool, AppError> {
        Ok(store::orgs::is_member(&self.db, org_id, user_id).await?)
    }

    /// A member adds a colleague by phone number (an account is made if the phone is new).
    pub async fn add_member(
        &self,
        actor: &Actor,
        org_id: i64,
        phone_raw: &str,
    ) -> Result<(), AppError> {
        let found = self.find_org(org_id).await?;
        if !self.is_member(actor.user_id, org_id).await? && !actor.governs(&found.area()) {
            return Err(AppError::Forbidden("只有本单位成员可以添加成员".to_owned()));
        }
        let phone = Phone::parse(phone_raw).map_err(|m| AppError::invalid_field("phone", m))?;
        let now = self.clock.now();
        let txn = self.db.begin().await?;
        let user = crate::auth::find_or_create_user(&txn, &phone, now).await?;
        let added = store::orgs::add_member_if_absent(&txn, org_id, user.id, now).await?;
        if added == 0 {
            return Err(AppError::conflict("该手机号已是本单位成员"));
        }
        crate::audit::record(
            &txn,
            now,
            Some(actor),
            crate::audit::Event::ok(
                "org.add_member",
                "org",
                org_id,
                &found.area(),
                serde_json::json!({"user_id": user.id}),
            ),
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }
}

impl App {
    /// Names of organisations by id, in order (unknown ids are left out).
    pub async fn org_names(&self, ids: &[i64]) -> Result<Vec<(i64, String)>, AppError> {
        let rows = store::orgs::find_many(&self.db, ids).await?;
        Ok(ids
            .iter()
            .filter_map(|id| {
                rows.iter()
                    .find(|o| o.id == *id)
                    .map(|o| (o.id, o.name.clone()))
            })
            .collect())
    }

    /// Organisation ids for names typed in the activity form, by their name key (twins find
    /// the same organisation). A name the registry does not know is refused, unless the
    /// person asked for new names to be registered (`register`): then it is applied for in
    /// the form's division, as `POST /api/v1/orgs` would, within the daily limit.
    pub async fn resolve_org_names(
        &self,
        actor: &Actor,
        names: &[String],
        region_code: Option<&str>,
        register: bool,
    ) -> Result<Vec<i64>, String> {
        // In the order typed: the first host stays first whether found or registered.
        let mut slots: Vec<Result<i64, String>> = Vec::with_capacity(names.len());
        for name in names {
            let name = org::parse_name(name)?;
            let found = store::orgs::find_by_name_key(
                &self.db,
                &domain::text::name_key(&name),
                OrgStatus::Rejected.as_str(),
                OrgStatus::Certified.as_str(),
            )
            .await
            .map_err(|e| e.to_string())?;
            slots.push(found.map(|o| o.id).ok_or(name));
        }
        let Some(first) = slots.iter().find_map(|s| s.as_ref().err()) else {
            return Ok(dedup(slots.into_iter().flatten()));
        };
        if !register {
            return Err(format!(
                "单位库中没有“{first}”；请核对名称、从单位库中选择，或勾选“登记为新单位”后保存"
            ));
        }
        let Some(region) = region_code else {
            return Err(format!(
                "单位库中没有“{first}”；请先选择所在地区，系统将以该地区登记此单位"
            ));
        };
        let mut ids = Vec::with_capacity(slots.len());
        for slot in slots {
            let name = match slot {
                Ok(id) => {
                    ids.push(id);
                    continue;
                }
                Err(name) => name,
            };
            let input = OrgInput {
                name: Some(name.clone()),
                kind: Some("other".to_owned()),
                region_code: Some(region.to_owned()),
                ..Default::default()
            };
            let id = match self.apply_org(actor, input).await {
                Ok(o) => o.id,
                Err(AppError::Conflict {
                    existing_id: Some(id),
                    ..
                }) => id,
                Err(e) => return Err(format!("无法登记“{name}”：{e}")),
            };
            ids.push(id);
        }
        Ok(dedup(ids))
    }
}
