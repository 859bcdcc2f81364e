//! Background jobs in the database: supplement reminders and link checks. A job has a unique
//! key, so scheduling twice is a no-op; a worker claims a due job by a compare-and-set on its
//! lease, so two instances never run it at once; a job is marked done in the same transaction
//! as its effect where the effect is in the database (in-app reminders: exactly once), and
//! right after it otherwise (texts: at least once, once unless the process dies between
//! the provider's answer and the mark).

use chrono::{DateTime, Duration, NaiveTime, Utc};
use domain::campaign::CampaignRules;
use domain::phone::Phone;
use domain::review::Status;
use domain::role::Role;
use domain::supplement;
use serde_json::{Value, json};
use store::entities::{activity, job};
use store::sea_orm::{ConnectionTrait, TransactionTrait};

use crate::{App, AppError};

/// How long a claimed job is another worker's to leave alone.
const LEASE_MINUTES: i64 = 5;
/// Tries before a failing job is given up.
const MAX_ATTEMPTS: i64 = 5;

const REMIND_APP: &str = "reminder.app";
const REMIND_SMS: &str = "reminder.sms";
const LINK_CHECK: &str = "link.check";
const REVIEW_REMIND: &str = "review.remind";
const REVIEW_OVERDUE: &str = "review.overdue";

/// Schedules a job unless one with the same key exists.
async fn schedule(
    db: &impl ConnectionTrait,
    key: String,
    kind: &str,
    run_at: DateTime<Utc>,
    payload: Value,
) -> Result<(), AppError> {
    store::jobs::schedule(db, key, kind, run_at, payload.to_string()).await?;
    Ok(())
}

/// When the reminder `days` before an activity's supplement deadline is due: 09:00 in
/// China on that day.
fn reminder_at(end: DateTime<Utc>, rules: &CampaignRules, days: u32) -> Option<DateTime<Utc>> {
    let day =
        supplement::deadline(end, rules).checked_sub_days(chrono::Days::new(u64::from(days)))?;
    let nine = day.and_time(NaiveTime::from_hms_opt(1, 0, 0)?);
    Some(nine.and_utc())
}

/// In-app reminders for an approved activity, and texts too when its host marked it 拟推优
/// or it has been nominated.
pub(crate) async fn schedule_reminders(
    db: &impl ConnectionTrait,
    row: &activity::Model,
    rules: &CampaignRules,
) -> Result<(), AppError> {
    let nominated = store::nominations::activity_nominated(db, row.id).await?;
    let kinds: &[&str] = if row.excellence_intent || nominated {
        &[REMIND_APP, REMIND_SMS]
    } else {
        &[REMIND_APP]
    };
    let Some(end) = row.end_at else {
        return Ok(());
    };
    for &days in &rules.reminder_days {
        let Some(at) = reminder_at(end, rules, days) else {
            continue;
        };
        for kind in kinds {
            schedule(
                db,
                format!("{kind}:{}:{days}", row.id),
                kind,
                at,
                json!({"activity_id": row.id, "days": days}),
            )
            .await?;
        }
    }
    Ok(())
}

/// The reminder of a review's reviewers the morning before its last day, and the
/// escalation of a province review to the national administrators once it is overdue; each
/// once for this entry into the review (a later entry schedules its own).
pub(crate) async fn schedule_review_jobs(
    db: &impl ConnectionTrait,
    activity_id: i64,
    status: Status,
    entered: DateTime<Utc>,
    due: DateTime<Utc>,
) -> Result<(), AppError> {
    let payload = json!({"activity_id": activity_id, "status": status.as_str(), "due_at": due});
    let entry = entered.timestamp_micros();
    schedule(
        db,
        format!("{REVIEW_REMIND}:{activity_id}:{entry}"),
        REVIEW_REMIND,
        domain::deadline::reminder_at(due).max(entered),
        payload.clone(),
    )
    .await?;
    if status == Status::ProvinceReview {
        schedule(
            db,
            format!("{REVIEW_OVERDUE}:{activity_id}:{entry}"),
            REVIEW_OVERDUE,
            due,
            payload,
        )
        .await?;
    }
    Ok(())
}

/// A check of each media report link, once per activity and link.
pub(crate) async fn schedule_link_checks(
    db: &impl ConnectionTrait,
    activity_id: i64,
    links: &[String],
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    for url in links {
        let added = store::supplements::add_link_check(db, activity_id, url).await?;
        if added {
            let digest = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(url.as_bytes()));
            schedule(
                db,
                format!("{LINK_CHECK}:{activity_id}:{digest}"),
                LINK_CHECK,
                now,
                json!({"activity_id": activity_id, "url": url}),
            )
            .await?;
        }
    }
    Ok(())
}

impl App {
    /// Runs the jobs that are due, one claim at a time; answers how many ran.
    pub async fn run_due_jobs(&self) -> Result<usize, AppError> {
        let mut ran = 0;
        loop {
            let now = self.clock.now();
            let due = store::jobs::due(&self.db, now, 20).await?;
            if due.is_empty() {
                return Ok(ran);
            }
            for candidate in due {
                let lease = now + Duration::minutes(LEASE_MINUTES);
                let claimed = store::jobs::claim(&self.db, candidate.id, now, lease).await?;
                if claimed {
                    self.run_job(&candidate, lease).await?;
                    ran += 1;
                }
            }
        }
    }

    async fn run_job(&self, j: &job::Model, lease: DateTime<Utc>) -> Result<(), AppError> {
        let payload: Value = serde_json::from_str(&j.payload).unwrap_or_default();
        let result = match j.kind.as_str() {
            REMIND_APP | REMIND_SMS => self.remind(j, &payload, lease).await,
            LINK_CHECK => self.check_link(&payload).await,
            REVIEW_REMIND | REVIEW_OVERDUE => self.remind_reviewers(j, &payload, lease).await,
            other => Err(format!("unknown job kind {other}")),
        };
        match result {
            Ok(Some(outcome)) => self.finish(&self.db, j.id, lease, &outcome).await.map(drop),
            Ok(None) => Ok(()),
            Err(e) if j.attempts + 1 >= MAX_ATTEMPTS => {
                tracing::warn!(job = j.key, error = e, "job given up");
                self.finish(&self.db, j.id, lease, &format!("failed: {e}"))
                    .await
                    .map(drop)
            }
            Err(e) => {
                tracing::warn!(job = j.key, error = e, "job failed; will retry");
                let retry_at = self.clock.now() + Duration::minutes(5);
                store::jobs::retry(&self.db, j.id, lease, retry_at).await?;
                Ok(())
            }
        }
    }

    /// Marks a job done if this worker still holds it; answers whether it did.
    async fn finish(
        &self,
        db: &impl ConnectionTrait,
        id: i64,
        lease: DateTime<Utc>,
        outcome: &str,
    ) -> Result<bool, AppError> {
        let at = self.clock.now();
        Ok(store::jobs::finish(db, id, lease, at, outcome).await?)
    }

    /// A review's reminder (to its reviewers) or escalation (to the national
    /// administrators), in-app, in the same transaction as marking the job done: exactly
    /// once across instances. Moot once the activity left that review.
    async fn remind_reviewers(
        &self,
        j: &job::Model,
        payload: &Value,
        lease: DateTime<Utc>,
    ) -> Result<Option<String>, String> {
        let e = |e: &dyn std::fmt::Display| e.to_string();
        let id = payload["activity_id"].as_i64().unwrap_or_default();
        let Some(row) = store::activities::by_id(&self.db, id)
            .await
            .map_err(|x| e(&x))?
        else {
            return Ok(Some("skipped: no such activity".to_owned()));
        };
        let due: Option<DateTime<Utc>> = serde_json::from_value(payload["due_at"].clone()).ok();
        if Some(row.status.as_str()) != payload["status"].as_str() || row.review_due_at != due {
            return Ok(Some("skipped: decided or moved on".to_owned()));
        }
        let Some(due) = due else {
            return Ok(Some("skipped: no due time".to_owned()));
        };
        let due_text = domain::deadline::due_text(due);
        let (recipients, kind, text) = if j.kind == REVIEW_OVERDUE {
            let national = store::users::holding(&self.db, Role::NationalAdmin.as_str(), None)
                .await
                .map_err(|x| e(&x))?;
            let province = match &row.province_code {
                Some(code) => self.region_name(code).await.map_err(|x| e(&x))?,
                None => String::new(),
            };
            (
                national,
                "review.overdue",
                format!(
                    "{province}的活动“{}”省级审核已超时（应于{due_text}前审核），可由全国管理员直接审核或催办",
                    row.name
                ),
            )
        } else {
            let admins = match row.status.as_str() {
                s if s == Status::ProvinceReview.as_str() => match &row.province_code {
                    Some(code) => {
                        store::users::holding(&self.db, Role::ProvinceAdmin.as_str(), Some(code))
                            .await
                            .map_err(|x| e(&x))?
                    }
                    None => Vec::new(),
                },
                _ => store::users::holding(&self.db, Role::NationalAdmin.as_str(), None)
                    .await
                    .map_err(|x| e(&x))?,
            };
            (
                admins,
                "review.reminder",
                format!("活动“{}”的审核将于{due_text}到期，请及时审核", row.name),
            )
        };
        let txn = self.db.begin().await.map_err(|x| e(&x))?;
        for user in &recipients {
            crate::notifications::notify(
                &txn,
                self.clock.now(),
                *user,
                kind,
                Some(id),
                text.clone(),
            )
            .await
            .map_err(|x| e(&x))?;
        }
        let outcome = format!("sent to {}", recipients.len());
        if self
            .finish(&txn, j.id, lease, &outcome)
            .await
            .map_err(|x| e(&x))?
        {
            txn.commit().await.map_err(|x| e(&x))?;
        }
        Ok(None)
    }

    /// A reminder, unless it no longer applies. `Ok(None)`: done and marked here.
    async fn remind(
        &self,
        j: &job::Model,
        payload: &Value,
        lease: DateTime<Utc>,
    ) -> Result<Option<String>, String> {
        let id = payload["activity_id"].as_i64().unwrap_or_default();
        let days = payload["days"]
            .as_u64()
            .and_then(|d| u32::try_from(d).ok())
            .unwrap_or_default();
        let Some(row) = store::activities::by_id(&self.db, id)
            .await
            .map_err(|e| e.to_string())?
        else {
            return Ok(Some("skipped: no such activity".to_owned()));
        };
        let rules = self
            .campaign_rules(row.campaign_id)
            .await
            .map_err(|e| e.to_string())?;
        if let Some(why) = self
            .reminder_moot(&row, &rules, days)
            .await
            .map_err(|e| e.to_string())?
        {
            return Ok(Some(format!("skipped: {why}")));
        }
        let text = format!(
            "您的活动“{}”的补充信息还有{days}天截止（{}），请尽快填报",
            row.name,
            row.end_at
                .map(|end| supplement::deadline(end, &rules).to_string())
                .unwrap_or_default()
        );
        if j.kind == REMIND_APP {
            let txn = self.db.begin().await.map_err(|e| e.to_string())?;
            crate::notifications::notify(
                &txn,
                self.clock.now(),
                row.owner_id,
                "supplement.reminder",
                Some(id),
                text,
            )
            .await
            .map_err(|e| e.to_string())?;
            if self
                .finish(&txn, j.id, lease, "sent")
                .await
                .map_err(|e| e.to_string())?
            {
                txn.commit().await.map_err(|e| e.to_string())?;
            }
            return Ok(None);
        }
        if !(row.excellence_intent || self.is_nominated(id).await.map_err(|e| e.to_string())?) {
            return Ok(Some("skipped: not put forward".to_owned()));
        }
        let owner = store::users::find(&self.db, row.owner_id)
            .await
            .map_err(|e| e.to_string())?
            .ok_or("no owner")?;
        if owner.disabled_at.is_some() {
            // A disabled or closed account is sent nothing (a closed one has no phone).
            return Ok(Some(
                "skipped: the owner's account is disabled or closed".to_owned(),
            ));
        }
        let phone = Phone::parse(&owner.phone)?;
        self.sms.send_reminder(&phone, &row.name, days).await?;
        Ok(Some("sent".to_owned()))
    }

    /// Why a reminder no longer applies: not approved, supplement complete, deadline gone,
    /// or a later reminder already due.
    async fn reminder_moot(
        &self,
        row: &activity::Model,
        rules: &CampaignRules,
        days: u32,
    ) -> Result<Option<&'static str>, AppError> {
        if row.status != Status::Approved.as_str() {
            return Ok(Some("not approved"));
        }
        let Some(end) = row.end_at else {
            return Ok(Some("no end"));
        };
        let now = self.clock.now();
        if domain::campaign::beijing_date(now) > supplement::deadline(end, rules) {
            return Ok(Some("deadline passed"));
        }
        let superseded = rules
            .reminder_days
            .iter()
            .filter(|d| **d < days)
            .any(|d| reminder_at(end, rules, *d).is_some_and(|at| at <= now));
        if superseded {
            return Ok(Some("superseded by a later reminder"));
        }
        let complete = self
            .find_supplement(row.id)
            .await?
            .is_some_and(|s| s.completed_at.is_some());
        Ok(complete.then_some("supplement complete"))
    }

    pub(crate) async fn is_nominated(&self, activity_id: i64) -> Result<bool, AppError> {
        Ok(store::nominations::activity_nominated(&self.db, activity_id).await?)
    }

    /// Asks a media report link once; stores whether it answered with a success status.
    async fn check_link(&self, payload: &Value) -> Result<Option<String>, String> {
        let id = payload["activity_id"].as_i64().unwrap_or_default();
        let url = payload["url"].as_str().unwrap_or_default().to_owned();
        // A link a host typed is fetched only at a public address, after every redirect
        // (otherwise a host could make kepu probe its own network and read the answer).
        let inside = self.config.link_checks_reach_private_addresses;
        let mut client = reqwest::Client::builder().timeout(std::time::Duration::from_secs(10));
        client = if inside {
            client.redirect(reqwest::redirect::Policy::limited(5))
        } else {
            client
                .no_proxy()
                .dns_resolver(std::sync::Arc::new(crate::net::PublicOnly))
                .redirect(reqwest::redirect::Policy::custom(|attempt| {
                    if attempt.previous().len() >= 5 {
                        attempt.error("too many redirects")
                    } else if crate::net::names_public_host(attempt.url()) {
                        attempt.follow()
                    } else {
                        let host = attempt.url().host_str().unwrap_or_default().to_owned();
                        attempt.error(crate::net::NotPublic(host))
                    }
                }))
        };
        let client = client.build().map_err(|e| e.to_string())?;
        let not_public = || (false, "链接指向内部网络地址，不予访问".to_owned());
        let parsed = reqwest::Url::parse(&url).ok();
        let (reachable, detail) =
            if !inside && !parsed.as_ref().is_some_and(crate::net::names_public_host) {
                not_public()
            } else {
                match client.get(&url).send().await {
                    Err(e) if crate::net::refused_as_not_public(&e) => not_public(),
                    Ok(r) => (r.status().is_success(), r.status().as_u16().to_string()),
                    Err(e) if e.is_timeout() => (false, "超时".to_owned()),
                    Err(e) if e.is_connect() => (false, "无法连接".to_owned()),
                    Err(_) => (false, "无法访问".to_owned()),
                }
            };
        store::supplements::checked_link(
            &self.db,
            id,
            &url,
            self.clock.now(),
            reachable,
            detail.clone(),
        )
        .await
        .map_err(|e| e.to_string())?;
        Ok(Some(format!("checked: {detail}")))
    }

    /// Schedules texts for an activity put forward (marked 拟推优 or nominated), through
    /// the caller's transaction, so that the reminders commit with what put it forward.
    pub(crate) async fn schedule_texts(
        &self,
        db: &impl ConnectionTrait,
        row: &activity::Model,
    ) -> Result<(), AppError> {
        if row.status == Status::Approved.as_str() {
            let rules = self.campaign_rules(row.campaign_id).await?;
            let mut marked = row.clone();
            marked.excellence_intent = true;
            schedule_reminders(db, &marked, &rules).await?;
        }
        Ok(())
    }

    /// Runs due jobs every `every` (first after one period) until the process ends; errors
    /// are logged and retried.
    pub fn spawn_job_worker(&self, every: std::time::Duration) {
        let app = self.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            // The daily work runs at the first tick of each day (Beijing), in each instance:
            // it is idempotent, so two instances doing it cost a second scan, nothing more.
            let mut last_day = None;
            loop {
                tick.tick().await;
                let today = domain::campaign::beijing_date(app.clock.now());
                if last_day != Some(today) {
                    match app.anonymise_old_contacts().await {
                        Ok(_) => last_day = Some(today),
                        Err(e) => tracing::warn!(error = %e, "anonymising old contacts"),
                    }
                    if let Err(e) = app.purge_download_records().await {
                        tracing::warn!(error = %e, "purging download records");
                    }
                    if let Err(e) = app.purge_checkin_attempts().await {
                        tracing::warn!(error = %e, "purging check-in attempts");
                    }
                }
                if let Err(e) = app.run_due_jobs().await {
                    tracing::warn!(error = %e, "job worker");
                }
                if let Err(e) = app.sweep_unattached_uploads().await {
                    tracing::warn!(error = %e, "sweeping unattached uploads");
                }
            }
        });
    }

    /// Removes the contact person and phone of every activity whose campaign ended more than
    /// `contacts_kept_years` years ago (by the campaign's year), from the activity and from
    /// the snapshots its history keeps; answers how many activities were changed. Recorded in
    /// the audit trail when it changes any.
    pub async fn anonymise_old_contacts(&self) -> Result<u64, AppError> {
        use chrono::Datelike;
        let years = self.config.contacts_kept_years.max(1);
        let now = self.clock.now();
        let this_year = domain::campaign::beijing_date(now).year();
        let campaigns = store::campaigns::ids_up_to_year(&self.db, this_year - years - 1).await?;
        if campaigns.is_empty() {
            return Ok(0);
        }
        let clear = |text: &str| -> Result<String, AppError> {
            let mut v: Value = serde_json::from_str(text).map_err(AppError::internal)?;
            if let Some(o) = v.as_object_mut() {
                o.remove("contact_name");
                o.remove("contact_phone");
            }
            Ok(v.to_string())
        };
        let (mut after, mut changed) = (0_i64, 0_u64);
        loop {
            let rows =
                store::activities::with_contacts(&self.db, campaigns.clone(), after, 200).await?;
            let Some(last) = rows.last() else { break };
            after = last.id;
            let txn = self.db.begin().await?;
            for row in &rows {
                store::activities::set_data(&txn, row.id, clear(&row.data)?).await?;
                for t in store::review::snapshots_of(&txn, row.id).await? {
                    if let Some(snapshot) = &t.snapshot {
                        store::review::set_snapshot(&txn, t.id, clear(snapshot)?).await?;
                    }
                }
            }
            changed += rows.len() as u64;
            txn.commit().await?;
        }
        if changed > 0 {
            let nowhere = domain::region::RegionPath::default();
            self.record_alone(
                None,
                crate::audit::Event::ok(
                    "activity.contacts_anonymised",
                    "campaign",
                    this_year - years - 1,
                    &nowhere,
                    serde_json::json!({"activities": changed, "kept_years": years,
                        "campaigns": campaigns}),
                ),
            )
            .await?;
            tracing::info!(changed, years, "old contacts anonymised");
        }
        Ok(changed)
    }
}
