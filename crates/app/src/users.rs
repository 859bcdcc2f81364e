//! Accounts: who am I, my name, and the administration command that adds users and roles.

use domain::phone::Phone;
use domain::role::Role;
use serde::Serialize;
use store::sea_orm::TransactionTrait;

use crate::{Actor, App, AppError, Grant};

/// `GET /api/v1/me`.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Me {
    /// Id.
    pub id: i64,
    /// Name; null until given.
    pub name: Option<String>,
    /// Phone (the person's own).
    pub phone: String,
    /// Roles.
    pub roles: Vec<Grant>,
    /// Organisations the person may act for.
    pub orgs: Vec<OrgRef>,
    /// Whether the account has logged in with an SMS code (may vote in public votes).
    pub phone_verified: bool,
}

/// An organisation named in a list.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OrgRef {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
}

impl App {
    /// The caller's account.
    pub async fn me(&self, actor: &Actor) -> Result<Me, AppError> {
        let user = store::users::find(&self.db, actor.user_id)
            .await?
            .ok_or_else(AppError::login_required)?;
        let orgs = store::orgs::of_member(&self.db, actor.user_id)
            .await?
            .into_iter()
            .map(|o| OrgRef {
                id: o.id,
                name: o.name,
            })
            .collect();
        Ok(Me {
            id: user.id,
            name: user.name,
            phone: user.phone,
            roles: actor.grants.clone(),
            orgs,
            phone_verified: user.phone_verified,
        })
    }

    /// Sets the caller's name (asked at the first login).
    pub async fn set_name(&self, actor: &Actor, raw: &str) -> Result<(), AppError> {
        let name =
            domain::text::person_name(raw).map_err(|m| AppError::invalid_field("name", m))?;
        let found = store::users::find(&self.db, actor.user_id)
            .await?
            .ok_or_else(AppError::login_required)?;
        let txn = self.db.begin().await?;
        let before = found.name.clone();
        let saved = store::users::set_name(&txn, found, name).await?;
        let nowhere = domain::region::RegionPath::default();
        crate::audit::record(
            &txn,
            self.clock.now(),
            Some(actor),
            crate::audit::Event::ok(
                "user.profile",
                "user",
                actor.user_id,
                &nowhere,
                serde_json::json!({"name": {"before": before, "after": saved.name}}),
            ),
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// `kepu user add`: makes (or finds) the user with this phone, sets the name, and
    /// grants a role over a region and membership of an organisation. Answers the user id.
    pub async fn add_user(
        &self,
        phone: &str,
        name: &str,
        role: Option<Role>,
        region: Option<&str>,
        org_id: Option<i64>,
    ) -> Result<i64, AppError> {
        let phone = Phone::parse(phone).map_err(|m| AppError::invalid_field("phone", m))?;
        let name =
            domain::text::person_name(name).map_err(|m| AppError::invalid_field("name", m))?;
        let region_code = match role {
            Some(role) => Some(self.region_for_role(role, region).await?),
            None => None,
        };
        if let Some(org_id) = org_id
            && store::orgs::find(&self.db, org_id).await?.is_none()
        {
            return Err(AppError::invalid_field(
                "org",
                format!("单位 {org_id} 不存在"),
            ));
        }
        let now = self.clock.now();
        let txn = self.db.begin().await?;
        let found = crate::auth::find_or_create_user(&txn, &phone, now).await?;
        let saved = store::users::set_name(&txn, found, name).await?;
        let granted = match (role, region_code) {
            (Some(role), Some(region_code)) => {
                store::users::grant_role(&txn, saved.id, role.as_str(), region_code.clone())
                    .await?;
                Some((role, region_code))
            }
            _ => None,
        };
        if let Some(org_id) = org_id {
            store::orgs::add_member_if_absent(&txn, org_id, saved.id, now).await?;
        }
        let area = match &granted {
            Some((_, code)) if !code.is_empty() => crate::regions::locate(&txn, code)
                .await?
                .map(|l| l.path)
                .unwrap_or_default(),
            _ => domain::region::RegionPath::default(),
        };
        crate::audit::record(
            &txn,
            now,
            None,
            crate::audit::Event::ok(
                if granted.is_some() {
                    "user.grant"
                } else {
                    "user.add"
                },
                "user",
                saved.id,
                &area,
                serde_json::json!({
                    "role": granted.as_ref().map(|(r, _)| r.as_str()),
                    "region": granted.as_ref().map(|(_, c)| c),
                    "org_id": org_id,
                    "via": "command line",
                }),
            ),
        )
        .await?;
        txn.commit().await?;
        Ok(saved.id)
    }

    /// The region a role is bound to: an administrator's must be a division of its level
    /// (`000000` for a national administrator); hosts and experts may name one or none.
    async fn region_for_role(&self, role: Role, region: Option<&str>) -> Result<String, AppError> {
        match (role.governs(), region) {
            (Some(None), None | Some(domain::region::NATIONAL)) => {
                Ok(domain::region::NATIONAL.to_owned())
            }
            (Some(None), Some(_)) => Err(AppError::invalid_field(
                "region",
                "全国管理员的地区应为 000000（全国）",
            )),
            (Some(Some(_)), None) => Err(AppError::invalid_field(
                "region",
                format!("{}须指定所辖地区（--region）", role.label()),
            )),
            (Some(Some(level)), Some(raw)) => {
                let (code, located) = self
                    .locate_for("region", raw)
                    .await
                    .map_err(|m| AppError::invalid_field("region", m))?;
                if located.level == Some(level) {
                    Ok(code)
                } else {
                    Err(AppError::invalid_field(
                        "region",
                        format!(
                            "{}所辖地区须为{}级区划",
                            role.label(),
                            match level {
                                domain::region::RegionLevel::Province => "省",
                                domain::region::RegionLevel::City => "市",
                                domain::region::RegionLevel::County => "县",
                            }
                        ),
                    ))
                }
            }
            (None, None) => Ok(String::new()),
            (None, Some(raw)) => self
                .locate_for("region", raw)
                .await
                .map(|(code, _)| code)
                .map_err(|m| AppError::invalid_field("region", m)),
        }
    }
}

impl App {
    /// The id of the user with this phone, if any (`kepu token issue`).
    pub async fn user_id_by_phone(&self, raw: &str) -> Result<Option<i64>, AppError> {
        let phone = Phone::parse(raw).map_err(|m| AppError::invalid_field("phone", m))?;
        Ok(store::users::find_by_phone(&self.db, phone.as_str())
            .await?
            .map(|u| u.id))
    }
}

/// What an administrator's account action did.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AccountAction {
    /// The account.
    pub user_id: i64,
    /// Whether it is now disabled.
    pub disabled: bool,
    /// Browser sessions and bearer tokens ended by this action.
    pub sessions_ended: u64,
}

impl App {
    /// A national administrator (or, with `actor` none, the command line) ends every
    /// session and token of an account (they take effect at the next request), and
    /// optionally disables it or enables it again. Recorded in the audit log. An
    /// administrator cannot disable their own account.
    pub async fn act_on_account(
        &self,
        actor: Option<&Actor>,
        user_id: i64,
        disable: Option<bool>,
    ) -> Result<AccountAction, AppError> {
        if let Some(actor) = actor {
            actor.require_national_admin()?;
            if disable == Some(true) && user_id == actor.user_id {
                return Err(AppError::conflict("不能停用自己的账号"));
            }
        }
        let now = self.clock.now();
        let txn = self.db.begin().await?;
        let found = store::users::find(&txn, user_id)
            .await?
            .ok_or_else(|| AppError::NotFound("未找到该用户".to_owned()))?;
        let mut disabled = found.disabled_at.is_some();
        if let Some(want) = disable
            && want != disabled
        {
            store::users::set_disabled_at(&txn, found, want.then_some(now)).await?;
            disabled = want;
        }
        let sessions_ended = if disable == Some(false) {
            0
        } else {
            self.end_all_sessions(&txn, user_id).await?
        };
        let action = match disable {
            Some(true) => "user.disable",
            Some(false) => "user.enable",
            None => "user.end_sessions",
        };
        crate::audit::record(
            &txn,
            now,
            actor,
            crate::audit::Event::ok(
                action,
                "user",
                user_id,
                &domain::region::RegionPath::default(),
                serde_json::json!({"sessions_ended": sessions_ended}),
            ),
        )
        .await?;
        txn.commit().await?;
        tracing::info!(user_id, action, sessions_ended, "account action");
        Ok(AccountAction {
            user_id,
            disabled,
            sessions_ended,
        })
    }
}

/// The words a person types to close their account (注销), so that it is never done by a
/// slip of the finger.
pub const CLOSE_ACCOUNT_WORDS: &str = "注销账号";

/// `POST /api/v1/me/closure`: close my account.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"confirm": "注销账号"}))]
pub struct CloseAccount {
    /// Exactly 注销账号.
    pub confirm: String,
}

/// What closing an account did.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(example = json!({"user_id": 42, "sessions_ended": 2}))]
pub struct AccountClosed {
    /// The account, now without phone or name.
    pub user_id: i64,
    /// Browser sessions and bearer tokens ended.
    pub sessions_ended: u64,
}

impl App {
    /// A person closes their own account (PIPL 第四十七条): the phone and name are removed
    /// for good, every session and token ends, roles and memberships end, and the codes and
    /// lock kept for the phone are deleted. The account's id stays on what the person did
    /// (activities, reviews, the audit trail), which the law requires or the organisation
    /// owns; the contact data typed into an activity belongs to the organisation's activity
    /// and stays with it. An administrator's account is closed only once a higher level has
    /// withdrawn the role, so that an area is never left without its reviewer by surprise.
    pub async fn close_account(
        &self,
        actor: &Actor,
        command: CloseAccount,
    ) -> Result<AccountClosed, AppError> {
        if command.confirm.trim() != CLOSE_ACCOUNT_WORDS {
            return Err(AppError::invalid_field(
                "confirm",
                format!("请输入“{CLOSE_ACCOUNT_WORDS}”以确认注销"),
            ));
        }
        if actor.is_admin() {
            return Err(AppError::conflict(
                "管理员账号不能自行注销：请先请上级管理员撤销您的管理员角色",
            ));
        }
        let now = self.clock.now();
        let txn = self.db.begin().await?;
        let found = store::users::find(&txn, actor.user_id)
            .await?
            .ok_or_else(AppError::login_required)?;
        let sessions_ended = self.end_all_sessions(&txn, actor.user_id).await?;
        let nowhere = domain::region::RegionPath::default();
        crate::audit::record(
            &txn,
            now,
            Some(actor),
            crate::audit::Event::ok(
                "user.close",
                "user",
                actor.user_id,
                &nowhere,
                serde_json::json!({"sessions_ended": sessions_ended}),
            ),
        )
        .await?;
        store::users::close(&txn, found, format!("closed:{}", actor.user_id), now).await?;
        txn.commit().await?;
        Ok(AccountClosed {
            user_id: actor.user_id,
            sessions_ended,
        })
    }
}
