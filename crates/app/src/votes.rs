//! 网络投票: the video contest's public vote (DESIGN.md §8). Only accounts that logged in by
//! SMS, inside the vote window, for accepted entries; at most `per_entry_per_day` votes for
//! one entry and `per_day` in all per person and Asia/Shanghai day, and
//! `votes_per_address_per_hour` from one address; all counted in the database. Every vote
//! keeps its address; administrators void votes by address or time, with a reason, and the
//! results follow.

use chrono::{DateTime, Utc};
use domain::entry::EntryStatus;
use serde::{Deserialize, Serialize};
use store::entities::InArea;
use store::sea_orm::{ConnectionTrait, TransactionTrait};
use utoipa::ToSchema;

use crate::contests::{scope, settings_of};
use crate::{Actor, App, AppError};

/// A vote counted.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VoteView {
    /// The entry.
    pub entry_id: i64,
    /// Votes the voter has left today, in this contest.
    pub votes_left_today: i64,
}

/// An entry on the ballot (网络投票).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BallotEntry {
    /// The entry.
    pub entry_id: i64,
    /// 作品名称
    pub title: Option<String>,
    /// 类别
    pub field: Option<String>,
    /// 内容简介
    pub introduction: Option<String>,
    /// Where to play it.
    pub video_url: Option<String>,
    /// Votes counted so far, where the contest shows them live.
    pub votes: Option<i64>,
}

/// Which votes to void.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VoidInput {
    /// Votes from this address.
    #[serde(default)]
    pub ip: Option<String>,
    /// Cast at or after this time.
    #[serde(default)]
    pub from: Option<DateTime<Utc>>,
    /// Cast at or before this time.
    #[serde(default)]
    pub to: Option<DateTime<Utc>>,
    /// Why (required).
    #[serde(default)]
    pub reason: Option<String>,
}

/// How many were voided.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Voided {
    /// Votes voided.
    pub voided: u64,
}

fn not_votable() -> AppError {
    AppError::NotFound("该作品不在投票中".to_owned())
}

/// Seconds from `now` to the next Asia/Shanghai midnight.
fn until_tomorrow(now: DateTime<Utc>) -> i64 {
    let today = domain::campaign::beijing_date(now);
    let midnight = (today + chrono::Duration::days(1))
        .and_hms_opt(0, 0, 0)
        .and_then(|t| t.and_local_timezone(domain::campaign::BEIJING).single())
        .map(|t| t.with_timezone(&Utc));
    midnight.map_or(3600, |m| (m - now).num_seconds().max(1))
}

/// Whether one more vote stays within every limit.
fn within(t: &store::votes::Tally, b: &store::votes::Ballot<'_>) -> bool {
    t.for_entry < b.per_entry && t.all_day < b.per_day && t.from_address < b.per_address
}

/// Why a vote beyond a limit is refused.
fn refusal(t: &store::votes::Tally, b: &store::votes::Ballot<'_>, now: DateTime<Utc>) -> AppError {
    if t.for_entry >= b.per_entry {
        return AppError::Clash {
            code: "already_voted",
            message: format!(
                "今天已为该作品投过票（每件作品每天最多{}票），明天再来吧",
                b.per_entry
            ),
        };
    }
    if t.all_day >= b.per_day {
        return AppError::Limited {
            code: "vote_limit",
            message: format!("今天的{}票已经投完，明天再来吧", b.per_day),
            retry_after: until_tomorrow(now),
        };
    }
    AppError::Limited {
        code: "vote_limit",
        message: format!("同一网络一小时内最多投{}票，请稍后再试", b.per_address),
        retry_after: 3600,
    }
}

impl App {
    /// The contest's settings when its public vote is open today.
    async fn vote_open(&self, cid: i64) -> Result<Option<domain::contest::PublicVote>, AppError> {
        let Some(contest) = store::contests::find(&self.db, cid).await? else {
            return Ok(None);
        };
        let today = domain::campaign::beijing_date(self.clock.now());
        Ok(settings_of(&contest)?
            .public_vote
            .filter(|v| v.from <= today && today <= v.to))
    }

    /// The accepted entries anyone may vote for now (none outside the vote window).
    pub async fn ballot(&self, cid: i64) -> Result<Vec<BallotEntry>, AppError> {
        let Some(rules) = self.vote_open(cid).await? else {
            return Ok(Vec::new());
        };
        let entries = store::entries::all_of(
            &self.db,
            cid,
            store::entries::in_status(&[EntryStatus::Accepted.as_str()]),
        )
        .await?;
        let live = rules.show_counts == domain::contest::ShowCounts::Live;
        let counts = if live {
            store::votes::counts(&self.db, cid).await?
        } else {
            Default::default()
        };
        entries
            .iter()
            .map(|e| {
                let form: domain::entry::EntryForm =
                    serde_json::from_str(&e.form).map_err(AppError::internal)?;
                Ok(BallotEntry {
                    entry_id: e.id,
                    title: form.title,
                    field: form.field,
                    introduction: form.introduction,
                    video_url: form
                        .video
                        .map(|v| format!("/api/v1/contests/{cid}/entries/{}/media/{v}", e.id)),
                    votes: live.then(|| counts.get(&e.id).copied().unwrap_or(0)),
                })
            })
            .collect()
    }

    /// Whether entry `eid` is on contest `cid`'s ballot now (anyone may play its video).
    pub(crate) async fn on_ballot(&self, cid: i64, eid: i64) -> Result<bool, AppError> {
        if self.vote_open(cid).await?.is_none() {
            return Ok(false);
        }
        Ok(store::entries::find_within(
            &self.db,
            cid,
            eid,
            store::entries::in_status(&[EntryStatus::Accepted.as_str()]),
        )
        .await?
        .is_some())
    }

    /// `POST /api/v1/contests/{id}/entries/{eid}/votes`.
    pub async fn vote(&self, actor: &Actor, cid: i64, eid: i64) -> Result<VoteView, AppError> {
        if !actor.phone_verified {
            return Err(AppError::Barred {
                code: "not_sms_verified",
                message: "投票前请先用手机短信验证码登录一次".to_owned(),
            });
        }
        // The contest's settings and whether the entry is on the ballot, in one read.
        let (settings, on_ballot) =
            store::votes::target(&self.db, cid, eid, EntryStatus::Accepted.as_str())
                .await?
                .ok_or_else(not_votable)?;
        let settings: domain::contest::ContestSettings =
            serde_json::from_str(&settings).map_err(AppError::internal)?;
        let now = self.clock.now();
        let today = domain::campaign::beijing_date(now);
        let Some(rules) = settings
            .public_vote
            .filter(|v| v.from <= today && today <= v.to)
        else {
            return Err(not_votable());
        };
        if !on_ballot {
            return Err(not_votable());
        }
        let ip = crate::audit::origin().ip.unwrap_or_default();
        let day = today.to_string();
        let per_address = self.config.contests.votes_per_address_per_hour;
        let ballot = store::votes::Ballot {
            contest_id: cid,
            entry_id: eid,
            user_id: actor.user_id,
            day: &day,
            ip: &ip,
            at: now,
            since: now - chrono::Duration::hours(1),
            per_entry: rules.per_entry_per_day,
            per_day: rules.per_day,
            per_address: i64::try_from(per_address).unwrap_or(i64::MAX),
        };
        let mut tally = store::votes::tally(&self.db, &ballot).await?;
        let mut counted = false;
        if within(&tally, &ballot) {
            // The limits are checked again in the insert itself: two votes at once cannot
            // both pass. On SQLite the one statement is its own transaction (one writer);
            // PostgreSQL takes the voter's row lock first, in a transaction.
            counted = if self.db.get_database_backend() == store::sea_orm::DbBackend::Sqlite {
                store::votes::cast(&self.db, &ballot).await?
            } else {
                let txn = self.db.begin().await?;
                let counted = store::votes::cast(&txn, &ballot).await?;
                txn.commit().await?;
                counted
            };
            if !counted {
                tally = store::votes::tally(&self.db, &ballot).await?;
            }
        }
        if !counted {
            return Err(refusal(&tally, &ballot, now));
        }
        let all = tally.all_day;
        Ok(VoteView {
            entry_id: eid,
            votes_left_today: (rules.per_day - all - 1).max(0),
        })
    }

    /// `POST /api/v1/contests/{id}/votes/void`: an administrator voids votes by address and
    /// time, with a reason; published results are recomputed.
    pub async fn void_votes(
        &self,
        actor: &Actor,
        cid: i64,
        input: VoidInput,
    ) -> Result<Voided, AppError> {
        let contest = self
            .contest_in_scope(actor, cid, "只能管理本辖区举办的比赛")
            .await?;
        let reason = domain::entry::reason_given(input.reason.as_deref(), "请写明作废的理由")
            .map_err(AppError::invalid)?;
        let ip = input.ip.as_deref().map(str::trim).filter(|i| !i.is_empty());
        if ip.is_none() && input.from.is_none() && input.to.is_none() {
            return Err(AppError::invalid_field(
                "ip",
                "请至少指定一个地址或一段时间，以免作废全部投票",
            ));
        }
        if let Some(ip) = ip
            && ip.parse::<std::net::IpAddr>().is_err()
        {
            return Err(AppError::invalid_field("ip", "地址格式不正确"));
        }
        if let (Some(from), Some(to)) = (input.from, input.to)
            && from > to
        {
            return Err(AppError::invalid_field("to", "结束时间不能早于开始时间"));
        }
        let now = self.clock.now();
        let txn = self.db.begin().await?;
        let voided = store::votes::void(
            &txn,
            cid,
            scope(actor),
            store::votes::matching(ip, input.from, input.to),
            reason.clone(),
        )
        .await?;
        crate::audit::record(
            &txn,
            now,
            Some(actor),
            crate::audit::Event::ok(
                "contest.votes.void",
                "contest",
                cid,
                &contest.area(),
                serde_json::json!({"ip": ip, "from": input.from, "to": input.to, "reason": reason, "voided": voided}),
            ),
        )
        .await?;
        txn.commit().await?;
        self.refresh_results(cid).await?;
        Ok(Voided { voided })
    }
}
