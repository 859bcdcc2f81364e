//! The video contest's public vote: one row per vote, counted by entry unless voided.
//! Queries only; the limits are the use case's, counted here.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr,
    EntityTrait, FromQueryResult, QueryFilter, QuerySelect,
};

use crate::entities::{contest_vote as vote, user};

#[derive(FromQueryResult)]
struct Count {
    entry_id: i64,
    n: i64,
}

/// Contest `contest_id`'s counted votes, by entry.
pub async fn counts(
    db: &impl ConnectionTrait,
    contest_id: i64,
) -> Result<HashMap<i64, i64>, DbErr> {
    let rows = vote::Entity::find()
        .select_only()
        .column(vote::Column::EntryId)
        .column_as(vote::Column::Id.count(), "n")
        .filter(vote::Column::ContestId.eq(contest_id))
        .filter(vote::Column::Voided.eq(false))
        .group_by(vote::Column::EntryId)
        .into_model::<Count>()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|c| (c.entry_id, c.n)).collect())
}

/// Takes `user_id`'s row lock for the rest of the transaction (PostgreSQL; SQLite has one
/// writer), so that one person's votes are counted one after another.
pub async fn lock_voter(db: &impl ConnectionTrait, user_id: i64) -> Result<(), DbErr> {
    user::Entity::update_many()
        .col_expr(
            user::Column::PhoneVerified,
            Expr::col(user::Column::PhoneVerified),
        )
        .filter(user::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Records a vote.
pub async fn add(
    db: &impl ConnectionTrait,
    contest_id: i64,
    entry_id: i64,
    user_id: i64,
    day: String,
    ip: String,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    vote::ActiveModel {
        contest_id: Set(contest_id),
        entry_id: Set(entry_id),
        user_id: Set(user_id),
        day: Set(day),
        ip: Set(ip),
        at: Set(at),
        voided: Set(false),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The votes to void: from `ip` (when given) within `from`..`to` (each when given).
pub fn matching(
    ip: Option<&str>,
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
) -> Condition {
    let mut c = Condition::all();
    if let Some(ip) = ip {
        c = c.add(vote::Column::Ip.eq(ip));
    }
    if let Some(from) = from {
        c = c.add(vote::Column::At.gte(from));
    }
    if let Some(to) = to {
        c = c.add(vote::Column::At.lte(to));
    }
    c
}

/// Voids contest `contest_id`'s counted votes matching `filter` with `reason`, if the
/// contest matches `scope`; how many.
pub async fn void(
    db: &impl ConnectionTrait,
    contest_id: i64,
    scope: Condition,
    filter: Condition,
    reason: String,
) -> Result<u64, DbErr> {
    let result = vote::Entity::update_many()
        .col_expr(vote::Column::Voided, Expr::val(true))
        .col_expr(vote::Column::VoidReason, Expr::val(reason))
        .filter(vote::Column::ContestId.eq(contest_id))
        .filter(vote::Column::Voided.eq(false))
        .filter(crate::judging::contest_in(vote::Column::ContestId, scope))
        .filter(filter)
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}

/// Marks `user_id` as having logged in with an SMS code.
pub async fn mark_phone_verified(db: &impl ConnectionTrait, user_id: i64) -> Result<(), DbErr> {
    user::Entity::update_many()
        .col_expr(user::Column::PhoneVerified, Expr::val(true))
        .filter(user::Column::Id.eq(user_id))
        .filter(user::Column::PhoneVerified.eq(false))
        .exec(db)
        .await?;
    Ok(())
}

/// One vote as asked for, with the limits it must stay within.
pub struct Ballot<'a> {
    pub contest_id: i64,
    pub entry_id: i64,
    pub user_id: i64,
    /// The Asia/Shanghai day it counts for.
    pub day: &'a str,
    pub ip: &'a str,
    pub at: DateTime<Utc>,
    /// The start of the per-address window.
    pub since: DateTime<Utc>,
    pub per_entry: i64,
    pub per_day: i64,
    pub per_address: i64,
}

/// What a voter and an address have cast already.
#[derive(Debug, Clone, Copy, Default)]
pub struct Tally {
    /// The voter's counted votes for this entry today.
    pub for_entry: i64,
    /// The voter's counted votes today.
    pub all_day: i64,
    /// Votes from the address in the window (counted up to the limit).
    pub from_address: i64,
}

/// The three counts, as scalar subqueries over `$1` contest, `$2` user, `$3` day, `$4` entry,
/// `$5` false, `$6` address, `$7` since, `$8` the per-address limit.
const COUNTS: [&str; 3] = [
    "(SELECT COUNT(*) FROM contest_votes WHERE contest_id = $1 AND user_id = $2 AND day = $3 \
       AND entry_id = $4 AND voided = $5)",
    "(SELECT COUNT(*) FROM contest_votes WHERE contest_id = $1 AND user_id = $2 AND day = $3 \
       AND voided = $5)",
    "(SELECT COUNT(*) FROM (SELECT 1 FROM contest_votes WHERE contest_id = $1 AND ip = $6 \
       AND at >= $7 LIMIT $8) AS recent)",
];

fn ballot_values(b: &Ballot<'_>) -> Vec<sea_orm::Value> {
    vec![
        b.contest_id.into(),
        b.user_id.into(),
        b.day.into(),
        b.entry_id.into(),
        false.into(),
        b.ip.into(),
        b.since.into(),
        b.per_address.into(),
    ]
}

/// What a vote needs to know of its contest and entry, in one statement: the contest's
/// settings (JSON), and whether entry `entry_id` of it is in `status`. `None` without the
/// contest.
pub async fn target(
    db: &impl ConnectionTrait,
    contest_id: i64,
    entry_id: i64,
    status: &str,
) -> Result<Option<(String, bool)>, DbErr> {
    use sea_orm::Statement;
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            "SELECT c.settings AS settings, (SELECT COUNT(*) FROM contest_entries e \
               WHERE e.id = $2 AND e.contest_id = $1 AND e.status = $3) AS on_ballot \
             FROM contests c WHERE c.id = $1",
            [contest_id.into(), entry_id.into(), status.into()],
        ))
        .await?;
    row.map(|r| {
        let on_ballot: i64 = r.try_get("", "on_ballot")?;
        Ok((r.try_get("", "settings")?, on_ballot > 0))
    })
    .transpose()
}

fn tally_sql() -> String {
    format!(
        "SELECT {} AS for_entry, {} AS all_day, {} AS from_address",
        COUNTS[0], COUNTS[1], COUNTS[2]
    )
}

/// What the voter and the address have cast already, in one statement.
pub async fn tally(db: &impl ConnectionTrait, b: &Ballot<'_>) -> Result<Tally, DbErr> {
    use sea_orm::Statement;
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            tally_sql(),
            ballot_values(b),
        ))
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("vote counts".to_owned()))?;
    Ok(Tally {
        for_entry: row.try_get("", "for_entry")?,
        all_day: row.try_get("", "all_day")?,
        from_address: row.try_get("", "from_address")?,
    })
}

/// Records the vote if it stays within every limit, checked in the same statement (on
/// PostgreSQL after taking the voter's row lock, so that one person's votes are counted one
/// after another; SQLite has one writer); whether it did.
pub async fn cast(db: &impl ConnectionTrait, b: &Ballot<'_>) -> Result<bool, DbErr> {
    use sea_orm::{DbBackend, Statement};
    let backend = db.get_database_backend();
    if backend == DbBackend::Postgres {
        lock_voter(db, b.user_id).await?;
    }
    let sql = format!(
        "INSERT INTO contest_votes (contest_id, entry_id, user_id, day, ip, at, voided) \
         SELECT $1, $4, $2, $3, $6, $9, $5 \
         WHERE {} < $10 AND {} < $11 AND {} < $8",
        COUNTS[0], COUNTS[1], COUNTS[2]
    );
    let mut values = ballot_values(b);
    values.extend([b.at.into(), b.per_entry.into(), b.per_day.into()]);
    let done = db
        .execute_raw(Statement::from_sql_and_values(backend, sql, values))
        .await?;
    Ok(done.rows_affected() > 0)
}

#[cfg(test)]
mod tests {
    use sea_orm::{ConnectionTrait, Statement};

    /// SQLite's own plan for a vote's counts (PostgreSQL plans by its statistics, so the
    /// question is SQLite's): each count of the voter's votes searches the index on the
    /// voter's day, contest, entry and voided by every column it names, and the address's
    /// count its own index, so that no count walks the entry's or contest's votes.
    #[tokio::test]
    async fn the_counts_of_a_vote_use_the_voters_index_on_sqlite() {
        let t = crate::testing::TestDb::new(crate::testing::Backend::Sqlite).await;
        let db = crate::connect(&t.url).await.unwrap();
        crate::migrations::migrate(db.writer()).await.unwrap();
        let rows = db
            .query_all_raw(Statement::from_string(
                db.get_database_backend(),
                format!(
                    "EXPLAIN QUERY PLAN {}",
                    super::tally_sql()
                        .replace("$1", "1")
                        .replace("$2", "2")
                        .replace("$3", "'2026-09-20'")
                        .replace("$4", "4")
                        .replace("$5", "0")
                        .replace("$6", "'10.0.0.1'")
                        .replace("$7", "'2026-09-20T00:00:00Z'")
                        .replace("$8", "60")
                ),
            ))
            .await
            .unwrap();
        let plan: Vec<String> = rows
            .iter()
            .map(|r| r.try_get::<String>("", "detail").unwrap())
            .collect();
        let voter = "USING COVERING INDEX ix_contest_votes_user_id_day_contest_id_entry_id_voided";
        let searches: Vec<&String> = plan.iter().filter(|d| d.starts_with("SEARCH")).collect();
        assert_eq!(searches.len(), 3, "{plan:#?}");
        assert!(
            searches[0].contains(voter)
                && searches[0]
                    .contains("user_id=? AND day=? AND contest_id=? AND entry_id=? AND voided=?"),
            "{plan:#?}"
        );
        assert!(searches[1].contains(voter), "{plan:#?}");
        assert!(
            searches[2].contains("ix_contest_votes_contest_id_ip_at"),
            "{plan:#?}"
        );
        assert!(
            !plan.iter().any(|d| d.starts_with("SCAN contest_votes")),
            "{plan:#?}"
        );
    }
}
