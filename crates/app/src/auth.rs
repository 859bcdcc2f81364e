//! Login by phone and SMS code, bearer tokens, browser sessions, and who the caller is.
//!
//! Every limit here is configuration ([`crate::config::LoginLimits`]) and every count is
//! kept in the database, so that a restart or a second instance resets nothing.

use chrono::{DateTime, Duration, Utc};
use domain::phone::Phone;
use domain::region::RegionPath;
use domain::role::Role;
use store::entities::{login_lock, user};
use store::sea_orm::{ConnectionTrait, TransactionTrait};
use store::sms::Sender;
use subtle::ConstantTimeEq;

use crate::{App, AppError, random_hex, sha256_hex};

/// A role held over a division.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Grant {
    /// The role.
    pub role: Role,
    /// The division it governs (`000000`: the whole country); empty for roles without one.
    pub region_code: String,
}

/// The person making a request, with what they may govern.
#[derive(Debug, Clone)]
pub struct Actor {
    /// User id.
    pub user_id: i64,
    /// Name, if given.
    pub name: Option<String>,
    /// Roles.
    pub grants: Vec<Grant>,
    /// Has logged in with an SMS code (may vote), as the account read when the caller was
    /// recognised says.
    pub phone_verified: bool,
}

impl Actor {
    /// Holds the national administrator role.
    pub fn is_national_admin(&self) -> bool {
        self.grants.iter().any(|g| g.role == Role::NationalAdmin)
    }

    /// Holds any administrator role.
    pub fn is_admin(&self) -> bool {
        self.grants.iter().any(|g| g.role.governs().is_some())
    }

    /// Whether one of this person's administrator roles covers the division `code` (at
    /// `path`) from above: its own division is not below it.
    pub fn governs_below(&self, path: &RegionPath, code: &str) -> bool {
        self.grants.iter().any(|g| {
            g.region_code != code
                && g.role
                    .governs()
                    .is_some_and(|level| path.is_within(&g.region_code, level))
        })
    }

    /// Whether one of this person's administrator roles covers a record at `path`.
    pub fn governs(&self, path: &RegionPath) -> bool {
        self.grants.iter().any(|g| {
            g.role
                .governs()
                .is_some_and(|level| path.is_within(&g.region_code, level))
        })
    }

    /// Refuses anyone but a national administrator.
    pub fn require_national_admin(&self) -> Result<(), AppError> {
        if self.is_national_admin() {
            Ok(())
        } else {
            Err(AppError::Forbidden("仅全国管理员可以执行此操作".to_owned()))
        }
    }
}

/// The roles of rows read from `user_roles` (a role no longer known is left out).
fn grants_of(rows: Vec<store::entities::user_role::Model>) -> Vec<Grant> {
    rows.into_iter()
        .filter_map(|r| {
            Role::parse(&r.role).ok().map(|role| Grant {
                role,
                region_code: r.region_code,
            })
        })
        .collect()
}

/// What a successful code check gives.
#[derive(Debug, Clone)]
pub struct LoggedIn {
    /// The user (made now if the phone was new).
    pub user_id: i64,
    /// Whether the user still has to give their name.
    pub needs_name: bool,
}

/// A browser session as read from its cookie.
#[derive(Debug, Clone)]
pub struct WebSession {
    /// Logged-in user, if any.
    pub user_id: Option<i64>,
    /// The CSRF token its forms must carry.
    pub csrf_token: String,
}

/// A token as listed for its owner (never the token itself).
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct TokenInfo {
    /// Id.
    pub id: i64,
    /// Label.
    pub label: String,
    /// Issued.
    pub created_at: DateTime<Utc>,
    /// Expires.
    pub expires_at: Option<DateTime<Utc>>,
    /// Last used.
    pub last_used_at: Option<DateTime<Utc>>,
    /// Revoked.
    pub revoked: bool,
}

fn code_hash(phone: &Phone, code: &str) -> String {
    sha256_hex(&format!("{}:{code}", phone.as_str()))
}

/// Six digits, uniformly drawn from the OS RNG.
fn new_code() -> Result<String, AppError> {
    loop {
        let mut buf = [0u8; 4];
        getrandom::fill(&mut buf).map_err(|e| AppError::internal(format!("OS RNG: {e}")))?;
        let n = u32::from_le_bytes(buf);
        // 4_294_000_000 is a multiple of 1_000_000: reject the tail to avoid bias.
        if n < 4_294_000_000 {
            return Ok(format!("{:06}", n % 1_000_000));
        }
    }
}

fn seconds_until(at: DateTime<Utc>, now: DateTime<Utc>) -> i64 {
    std::cmp::max((at - now).num_seconds(), 1)
}

/// Serialises transactions that touch the same `keys` (see [`store::db::serialise`]).
pub(crate) async fn serialise(
    txn: &store::sea_orm::DatabaseTransaction,
    keys: &[&str],
) -> Result<(), AppError> {
    Ok(store::db::serialise(txn, keys).await?)
}

fn parse_phone(raw: &str) -> Result<Phone, AppError> {
    Phone::parse(raw).map_err(|m| AppError::invalid_field("phone", m))
}

impl App {
    /// Sends a login code to `phone_raw`, within the per-phone and per-address limits.
    /// Answers how many seconds until another code may be asked for.
    pub async fn request_code(&self, phone_raw: &str, ip: &str) -> Result<i64, AppError> {
        let phone = parse_phone(phone_raw)?;
        let limits = &self.config.login;
        let now = self.clock.now();
        let txn = self.db.begin().await?;
        // The counts and the new code are one step: on SQLite the write transaction is
        // already exclusive; on PostgreSQL a transaction lock on the phone and on the
        // address makes concurrent requests for either wait their turn.
        serialise(
            &txn,
            &[
                &format!("sms-phone:{}", phone.as_str()),
                &format!("sms-ip:{ip}"),
            ],
        )
        .await?;
        refuse_if_locked(&lock_row(&txn, &phone, now).await?, now)?;
        let windows = [
            (
                Sender::Phone(phone.as_str()),
                Duration::seconds(limits.resend_window_secs),
                limits.codes_per_phone_per_window,
                "获取验证码过于频繁，请稍后再试",
            ),
            (
                Sender::Phone(phone.as_str()),
                Duration::days(1),
                limits.codes_per_phone_per_day,
                "该手机号今日获取验证码次数已达上限，请明天再试",
            ),
            (
                Sender::Ip(ip),
                Duration::hours(1),
                limits.codes_per_ip_per_hour,
                "当前网络获取验证码过于频繁，请稍后再试",
            ),
        ];
        for (who, window, limit, message) in windows {
            if store::sms::sent_after(&txn, who, now - window).await? >= limit {
                let oldest = store::sms::oldest_after(&txn, who, now - window)
                    .await?
                    .unwrap_or(now);
                return Err(AppError::TooMany {
                    message: message.to_owned(),
                    retry_after: seconds_until(oldest + window, now),
                });
            }
        }
        let day_start = beijing_day_start(now);
        let sent_today = store::sms::sent_since(&txn, day_start).await?;
        if sent_today >= limits.sms_daily_budget {
            tracing::warn!(
                sent_today,
                budget = limits.sms_daily_budget,
                "SMS daily budget spent"
            );
            return Err(AppError::TooMany {
                message:
                    "今日平台短信发送量已达上限，请明天再试；急需登录请联系所在地区的科协管理员"
                        .to_owned(),
                retry_after: seconds_until(day_start + Duration::days(1), now),
            });
        }
        let code = new_code()?;
        let sent = store::sms::NewCode {
            phone: phone.as_str(),
            code_hash: code_hash(&phone, &code),
            ip,
            created_at: now,
            expires_at: now + Duration::seconds(limits.code_ttl_secs),
        };
        store::sms::add_code(&txn, sent).await?;
        txn.commit().await?;
        if let Err(e) = self.watch_for_pumping(&phone, now).await {
            tracing::warn!(error = %e, "SMS pumping watch");
        }
        if let Err(cause) = self.sms.send_code(&phone, &code).await {
            tracing::error!(phone = %phone, %cause, "SMS not sent");
            return Err(AppError::Unavailable("短信发送失败，请稍后重试".to_owned()));
        }
        tracing::info!(phone = %phone, "login code sent");
        Ok(limits.resend_window_secs)
    }

    /// Checks a code. A phone seen for the first time gets an account. Five wrong codes
    /// (configurable) lock the phone for fifteen minutes.
    pub async fn verify_code(&self, phone_raw: &str, code: &str) -> Result<LoggedIn, AppError> {
        let phone = parse_phone(phone_raw)?;
        let limits = &self.config.login;
        let now = self.clock.now();
        let txn = self.db.begin().await?;
        refuse_if_locked(&lock_row(&txn, &phone, now).await?, now)?;
        let latest = store::sms::latest_usable(&txn, phone.as_str(), now).await?;
        let candidate = code_hash(&phone, code.trim());
        let matched =
            latest.filter(|row| bool::from(row.code_hash.as_bytes().ct_eq(candidate.as_bytes())));
        let Some(row) = matched else {
            store::sms::count_failure(&txn, phone.as_str(), now).await?;
            let failures = lock_row(&txn, &phone, now).await?.failures;
            let locked = failures >= limits.max_failures;
            let nowhere = RegionPath::default();
            let failed = crate::audit::Event {
                action: "auth.login",
                target_kind: "phone",
                target_id: phone.masked(),
                area: &nowhere,
                outcome: crate::audit::Outcome::Denied,
                detail: serde_json::json!({"reason": "wrong_code", "failures": failures, "locked": locked}),
            };
            crate::audit::record(&txn, now, None, failed).await?;
            if locked {
                let until = now + Duration::seconds(limits.lock_secs);
                store::sms::lock(&txn, phone.as_str(), until).await?;
                store::sms::void_codes(&txn, phone.as_str(), now).await?;
                txn.commit().await?;
                tracing::warn!(phone = %phone, "phone locked after wrong codes");
                return Err(AppError::TooMany {
                    message: format!(
                        "验证码错误次数过多，手机号已锁定{}分钟",
                        (limits.lock_secs + 59) / 60
                    ),
                    retry_after: seconds_until(until, now),
                });
            }
            txn.commit().await?;
            return Err(AppError::Unauthenticated("验证码错误或已过期".to_owned()));
        };
        let user = find_or_create_user(&txn, &phone, now).await?;
        let nowhere = RegionPath::default();
        if user.disabled_at.is_some() {
            // Dropped uncommitted: the code stays unused; only the attempt is recorded.
            drop(txn);
            let refused = crate::audit::Event {
                action: "auth.login",
                target_kind: "user",
                target_id: user.id.to_string(),
                area: &nowhere,
                outcome: crate::audit::Outcome::Denied,
                detail: serde_json::json!({"reason": "disabled"}),
            };
            self.record_alone(None, refused).await?;
            return Err(AppError::Forbidden(
                "该账号已停用，如有疑问请联系所在地区的科协管理员".to_owned(),
            ));
        }
        store::sms::code_used(&txn, row.id, now).await?;
        store::sms::clear_failures(&txn, phone.as_str()).await?;
        store::votes::mark_phone_verified(&txn, user.id).await?;
        let grants = grants_of(store::users::roles_of(&txn, user.id).await?);
        let who = Actor {
            user_id: user.id,
            name: user.name.clone(),
            grants,
            phone_verified: true,
        };
        crate::audit::record(
            &txn,
            now,
            Some(&who),
            crate::audit::Event::ok(
                "auth.login",
                "user",
                user.id,
                &nowhere,
                serde_json::json!({}),
            ),
        )
        .await?;
        txn.commit().await?;
        Ok(LoggedIn {
            user_id: user.id,
            needs_name: user.name.is_none(),
        })
    }

    /// Issues a bearer token for a user; only its hash is kept. Without `ttl` it lasts
    /// `token_ttl_days`: no token lasts for ever.
    pub async fn issue_token(
        &self,
        user_id: i64,
        label: &str,
        ttl: Option<Duration>,
    ) -> Result<String, AppError> {
        let token = format!("kp_{}", random_hex(32)?);
        let now = self.clock.now();
        let issued = store::sessions::NewToken {
            user_id,
            token_hash: sha256_hex(&token),
            label,
            created_at: now,
            expires_at: now
                + ttl.unwrap_or_else(|| Duration::days(self.config.login.token_ttl_days)),
        };
        store::sessions::add_token(&self.db, issued).await?;
        Ok(token)
    }

    /// `POST /api/v1/auth/sessions`: a code for a bearer token.
    pub async fn log_in_for_token(&self, phone_raw: &str, code: &str) -> Result<String, AppError> {
        let logged_in = self.verify_code(phone_raw, code).await?;
        self.issue_token(logged_in.user_id, "登录", None).await
    }

    /// The person a bearer token belongs to; `None` for an unknown, expired or revoked token.
    pub async fn actor_for_token(&self, token: &str) -> Result<Option<Actor>, AppError> {
        let now = self.clock.now();
        let Some((row, user, roles)) =
            store::users::token_holder(&self.db, sha256_hex(token)).await?
        else {
            return Ok(None);
        };
        if row.revoked_at.is_some() || row.expires_at.is_some_and(|at| at <= now) {
            return Ok(None);
        }
        // Recorded at most every ten minutes, so that reads do not all become writes.
        if row
            .last_used_at
            .is_none_or(|at| now - at > Duration::minutes(10))
        {
            store::sessions::token_used(&self.db, row.id, now).await?;
        }
        Ok(Some(self.actor_of(user, roles)))
    }

    /// The tokens a user holds, newest first.
    pub async fn list_tokens(&self, actor: &Actor) -> Result<Vec<TokenInfo>, AppError> {
        let rows = store::sessions::tokens_of(&self.db, actor.user_id).await?;
        Ok(rows
            .into_iter()
            .map(|t| TokenInfo {
                id: t.id,
                label: t.label,
                created_at: t.created_at,
                expires_at: t.expires_at,
                last_used_at: t.last_used_at,
                revoked: t.revoked_at.is_some(),
            })
            .collect())
    }

    /// Revokes one of the actor's own tokens.
    pub async fn revoke_token(&self, actor: &Actor, token_id: i64) -> Result<(), AppError> {
        let revoked =
            store::sessions::revoke_token(&self.db, token_id, actor.user_id, self.clock.now())
                .await?;
        if !revoked {
            return Err(AppError::NotFound("未找到该令牌".to_owned()));
        }
        Ok(())
    }

    /// Loads a user's name and roles; `None` for an unknown or disabled account, so that
    /// disabling one ends its sessions and tokens at their next request.
    pub async fn actor(&self, user_id: i64) -> Result<Option<Actor>, AppError> {
        let Some((user, roles)) = store::users::active_with_roles(&self.db, user_id).await? else {
            return Ok(None);
        };
        Ok(Some(self.actor_of(user, roles)))
    }

    /// The caller an account and its roles make (noted for the audit trail).
    fn actor_of(
        &self,
        user: store::entities::user::Model,
        roles: Vec<store::entities::user_role::Model>,
    ) -> Actor {
        let actor = Actor {
            user_id: user.id,
            name: user.name,
            grants: grants_of(roles),
            phone_verified: user.phone_verified,
        };
        crate::audit::note_caller(&actor);
        actor
    }

    /// Starts a browser session (for a visitor, or for a user who just logged in: a new id
    /// every time, so that logging in rotates it). Answers the cookie value and CSRF token.
    pub async fn start_session(&self, user_id: Option<i64>) -> Result<(String, String), AppError> {
        let now = self.clock.now();
        let cookie = random_hex(32)?;
        let csrf = random_hex(16)?;
        let session = store::sessions::NewSession {
            id_hash: sha256_hex(&cookie),
            user_id,
            csrf_token: csrf.clone(),
            created_at: now,
            expires_at: now + Duration::hours(self.config.login.session_max_hours),
        };
        store::sessions::begin(&self.db, session).await?;
        Ok((cookie, csrf))
    }

    /// The live session a cookie names, if any: one seen within `session_idle_minutes` and
    /// begun within `session_max_hours` (both read now, so a changed setting applies to
    /// sessions already open). Being read counts as being seen.
    pub async fn session(&self, cookie: &str) -> Result<Option<WebSession>, AppError> {
        let now = self.clock.now();
        let limits = &self.config.login;
        let idle = Duration::minutes(limits.session_idle_minutes);
        let row = store::sessions::live(
            &self.db,
            sha256_hex(cookie),
            now - Duration::hours(limits.session_max_hours),
            now - idle,
        )
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        // Written at most once a minute, so that reads do not all become writes.
        if row
            .last_seen_at
            .is_none_or(|at| now - at > Duration::minutes(1))
        {
            store::sessions::seen(&self.db, row.id_hash.clone(), now).await?;
        }
        Ok(Some(WebSession {
            user_id: row.user_id,
            csrf_token: row.csrf_token,
        }))
    }

    /// Ends a session (logout, or the visitor's session replaced at login).
    pub async fn end_session(&self, cookie: &str) -> Result<(), AppError> {
        Ok(store::sessions::end(&self.db, sha256_hex(cookie)).await?)
    }

    /// Ends every browser session and revokes every bearer token a user holds; answers how
    /// many were ended. Used at logout everywhere, when an account is disabled, and by a
    /// national administrator's "end this user's sessions".
    pub(crate) async fn end_all_sessions(
        &self,
        db: &impl ConnectionTrait,
        user_id: i64,
    ) -> Result<u64, AppError> {
        Ok(store::sessions::end_all_of(db, user_id, self.clock.now()).await?)
    }
}

/// Midnight in Beijing that begins `now`'s day, as an instant.
fn beijing_day_start(now: DateTime<Utc>) -> DateTime<Utc> {
    let day = domain::campaign::beijing_date(now);
    day.and_time(chrono::NaiveTime::MIN).and_utc() - Duration::hours(8)
}

/// An SMS alarm as the admin page shows it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct SmsAlarm {
    /// `low_completion` or `prefix_burst`.
    pub kind: String,
    /// `all`, or the number prefix.
    pub subject: String,
    /// What was measured.
    pub detail: String,
    /// When.
    pub raised_at: DateTime<Utc>,
}

/// The SMS watch: today's codes against the budget, the last hour, and the alarms.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct SmsWatch {
    /// Codes sent since midnight, Beijing time.
    pub sent_today: u64,
    /// The daily budget.
    pub daily_budget: u64,
    /// Codes sent in the last hour.
    pub sent_last_hour: u64,
    /// Logins completed with a code in the last hour.
    pub logins_last_hour: u64,
    /// Alarms, newest first (at most 200).
    pub alarms: Vec<SmsAlarm>,
}

impl App {
    /// After a code is sent: raises an alarm (a WARN log event and a row for the admin
    /// page) when logins completed in the last hour fall under `alarm_completion_percent`
    /// of codes sent, or one number prefix asked for more than `alarm_prefix_codes_per_hour`.
    /// One alarm per kind and subject an hour.
    async fn watch_for_pumping(&self, phone: &Phone, now: DateTime<Utc>) -> Result<(), AppError> {
        let limits = &self.config.login;
        let hour_ago = now - Duration::hours(1);
        let sent = self.codes_sent_since(hour_ago).await?;
        if sent >= limits.alarm_min_codes {
            let completed = self.logins_since(hour_ago).await?;
            if completed * 100 < sent * limits.alarm_completion_percent {
                let detail = format!(
                    "最近一小时发送验证码{sent}条，完成登录{completed}次（{}%），低于{}%",
                    completed * 100 / std::cmp::Ord::max(sent, 1),
                    limits.alarm_completion_percent
                );
                self.raise_sms_alarm("low_completion", "all", &detail, now)
                    .await?;
            }
        }
        let digits = limits.alarm_prefix_digits.clamp(3, 11);
        let prefix: String = phone.as_str().chars().take(digits).collect();
        let to_prefix =
            store::sms::sent_to_range(&self.db, &prefix, &format!("{prefix}:"), hour_ago).await?;
        if to_prefix > limits.alarm_prefix_codes_per_hour {
            let detail = format!(
                "号段 {prefix} 最近一小时获取验证码{to_prefix}条，超过{}条",
                limits.alarm_prefix_codes_per_hour
            );
            self.raise_sms_alarm("prefix_burst", &prefix, &detail, now)
                .await?;
        }
        Ok(())
    }

    /// Codes sent since `at` (all numbers).
    async fn codes_sent_since(&self, at: DateTime<Utc>) -> Result<u64, AppError> {
        Ok(store::sms::sent_since(&self.db, at).await?)
    }

    /// Logins completed with a code since `at`.
    async fn logins_since(&self, at: DateTime<Utc>) -> Result<u64, AppError> {
        Ok(store::sms::verified_after(&self.db, at).await?)
    }

    async fn raise_sms_alarm(
        &self,
        kind: &str,
        subject: &str,
        detail: &str,
        now: DateTime<Utc>,
    ) -> Result<(), AppError> {
        let recent =
            store::sms::alarms_after(&self.db, kind, subject, now - Duration::hours(1)).await?;
        if recent > 0 {
            return Ok(());
        }
        tracing::warn!(alarm = kind, subject, detail, "SMS pumping alarm");
        Ok(store::sms::raise_alarm(&self.db, kind, subject, detail, now).await?)
    }

    /// `GET /api/v1/sms/watch`: the national administrator's view of SMS sending.
    pub async fn sms_watch(&self, actor: &Actor) -> Result<SmsWatch, AppError> {
        actor.require_national_admin()?;
        let now = self.clock.now();
        let hour_ago = now - Duration::hours(1);
        let sent_today = self.codes_sent_since(beijing_day_start(now)).await?;
        let sent_last_hour = self.codes_sent_since(hour_ago).await?;
        let logins_last_hour = self.logins_since(hour_ago).await?;
        let alarms = store::sms::latest_alarms(&self.db, 200)
            .await?
            .into_iter()
            .map(|a| SmsAlarm {
                kind: a.kind,
                subject: a.subject,
                detail: a.detail,
                raised_at: a.raised_at,
            })
            .collect();
        Ok(SmsWatch {
            sent_today,
            daily_budget: self.config.login.sms_daily_budget,
            sent_last_hour,
            logins_last_hour,
            alarms,
        })
    }
}

/// A locked phone is refused (429) until its lock ends.
fn refuse_if_locked(lock: &login_lock::Model, now: DateTime<Utc>) -> Result<(), AppError> {
    match lock.locked_until.filter(|until| *until > now) {
        Some(until) => Err(AppError::TooMany {
            message: "验证码错误次数过多，手机号已暂时锁定，请稍后再试".to_owned(),
            retry_after: seconds_until(until, now),
        }),
        None => Ok(()),
    }
}

/// The phone's lock row, made if missing. On PostgreSQL the update takes the row lock, so
/// that concurrent requests for one phone are counted one after another.
async fn lock_row(
    db: &impl ConnectionTrait,
    phone: &Phone,
    now: DateTime<Utc>,
) -> Result<login_lock::Model, AppError> {
    store::sms::lock_row(db, phone.as_str(), now)
        .await?
        .ok_or_else(|| AppError::internal("login lock row vanished"))
}

/// The user with this phone, made if new.
pub(crate) async fn find_or_create_user(
    db: &impl ConnectionTrait,
    phone: &Phone,
    now: DateTime<Utc>,
) -> Result<user::Model, AppError> {
    if let Some(user) = store::users::find_by_phone(db, phone.as_str()).await? {
        return Ok(user);
    }
    let made = store::users::add(db, phone.as_str(), now).await?;
    tracing::info!(user_id = made.id, phone = %phone, "account created");
    Ok(made)
}
