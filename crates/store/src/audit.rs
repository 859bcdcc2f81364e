//! The audit trail's rows (操作记录): written in the transaction of the action they record,
//! never changed afterwards.
//!
//! Each row carries the SHA-256 of the row before it (`prev_hash`) and its own (`hash`, over
//! `prev_hash` and every other field), so that a changed, removed or inserted row breaks the
//! chain at that row: [`verify`] finds the first break. Triggers refuse UPDATE and DELETE on
//! both backends; [`purge`] removes the oldest rows with a permit that lives only inside its
//! own transaction, and the purge's own row names the hash of the last row it removed, so
//! that the shortened chain still verifies from its new first row.
//!
//! Rows are appended one at a time: on PostgreSQL a transaction-scoped advisory lock orders
//! them (held from the append to the commit), on SQLite the single writer does.

use chrono::{DateTime, SubsecRound, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait,
    DatabaseTransaction, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
    Statement,
};
use sha2::{Digest, Sha256};

use crate::entities::audit::{ActiveModel, Column, Entity, Model};

/// The `prev_hash` of the first row ever written.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The action a purge records itself under.
pub const PURGE_ACTION: &str = "audit.purge";

/// One action to record.
#[derive(Debug, Clone, Default)]
pub struct Entry {
    /// When.
    pub at: DateTime<Utc>,
    /// Who (none for the system).
    pub actor_id: Option<i64>,
    /// Their roles, comma-separated.
    pub actor_role: Option<String>,
    /// The divisions they govern, comma-separated.
    pub actor_region: Option<String>,
    /// What, e.g. `activity.decide`.
    pub action: String,
    /// The kind of record acted on.
    pub target_kind: String,
    /// Its id.
    pub target_id: String,
    /// Where it lies: province, city and county codes.
    pub area: [Option<String>; 3],
    /// The client's address.
    pub ip: Option<String>,
    /// The client's user agent.
    pub user_agent: Option<String>,
    /// The request id.
    pub request_id: Option<String>,
    /// Method and path template.
    pub route: Option<String>,
    /// `ok`, `denied` or `invalid`.
    pub outcome: String,
    /// What changed, as JSON text.
    pub detail: String,
}

/// The hash of a row: SHA-256 over its `prev_hash` and every field but `id` and `hash`, as
/// one JSON array (so that no field can run into the next). `at` is written to the
/// microsecond, which both backends keep.
pub fn digest(row: &Model) -> String {
    let fields = serde_json::json!([
        row.prev_hash,
        row.at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        row.actor_id,
        row.actor_role,
        row.actor_region,
        row.action,
        row.target_kind,
        row.target_id,
        row.province_code,
        row.city_code,
        row.county_code,
        row.ip,
        row.user_agent,
        row.request_id,
        row.route,
        row.outcome,
        row.detail,
    ]);
    hex::encode(Sha256::digest(fields.to_string().as_bytes()))
}

/// Takes the chain's turn: on PostgreSQL an advisory lock held to the end of `txn`.
async fn take_turn(txn: &DatabaseTransaction) -> Result<(), DbErr> {
    crate::db::serialise(txn, &["audit_events"]).await
}

async fn last_hash(txn: &DatabaseTransaction) -> Result<String, DbErr> {
    Ok(Entity::find()
        .order_by_desc(Column::Id)
        .one(txn)
        .await?
        .map_or_else(|| GENESIS.to_owned(), |r| r.hash))
}

/// Appends an entry to the chain, inside `txn` (the transaction of the action it records).
pub async fn append(txn: &DatabaseTransaction, e: Entry) -> Result<Model, DbErr> {
    take_turn(txn).await?;
    let prev_hash = last_hash(txn).await?;
    let [province, city, county] = e.area;
    let mut row = Model {
        id: 0,
        at: e.at.trunc_subsecs(6),
        actor_id: e.actor_id,
        actor_role: e.actor_role,
        actor_region: e.actor_region,
        action: e.action,
        target_kind: e.target_kind,
        target_id: e.target_id,
        province_code: province,
        city_code: city,
        county_code: county,
        ip: e.ip,
        user_agent: e.user_agent.map(|ua| ua.chars().take(256).collect()),
        request_id: e.request_id,
        route: e.route,
        outcome: e.outcome,
        detail: e.detail,
        prev_hash,
        hash: String::new(),
    };
    row.hash = digest(&row);
    let mut active: ActiveModel = row.into();
    active.id = sea_orm::ActiveValue::NotSet;
    active.insert(txn).await
}

/// Chains rows copied in without a hash (the migration from `audit_log`), in id order.
pub async fn seal_copied(txn: &DatabaseTransaction) -> Result<(), DbErr> {
    let rows = Entity::find()
        .filter(Column::Hash.eq(""))
        .order_by_asc(Column::Id)
        .all(txn)
        .await?;
    let mut prev = GENESIS.to_owned();
    for mut row in rows {
        row.at = row.at.trunc_subsecs(6);
        row.prev_hash = prev;
        row.hash = digest(&row);
        prev = row.hash.clone();
        let mut active: ActiveModel = row.clone().into();
        active.at = Set(row.at);
        active.prev_hash = Set(row.prev_hash);
        active.hash = Set(row.hash);
        active.update(txn).await?;
    }
    Ok(())
}

/// Where `verify` found the chain broken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Break {
    /// The first row that does not hold.
    pub id: i64,
    /// Why, in Chinese.
    pub why: String,
}

/// What `verify` read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// Rows read.
    pub rows: u64,
    /// The first break, if any.
    pub broken: Option<Break>,
}

/// Walks the chain in id order, `batch` rows a read, and names the first row whose hash does
/// not match its fields or whose `prev_hash` is not the hash of the row before it. The first
/// row may follow a purge: its `prev_hash` must then be the anchor a purge row recorded.
pub async fn verify(db: &impl ConnectionTrait, batch: u64) -> Result<Verified, DbErr> {
    let mut rows = 0u64;
    let mut prev: Option<String> = None;
    let mut after = 0i64;
    loop {
        let page = Entity::find()
            .filter(Column::Id.gt(after))
            .order_by_asc(Column::Id)
            .limit(batch.max(1))
            .all(db)
            .await?;
        let Some(last) = page.last() else { break };
        after = last.id;
        for row in page {
            rows += 1;
            let expected = match &prev {
                Some(p) => p.clone(),
                None if row.prev_hash == GENESIS => GENESIS.to_owned(),
                None => {
                    if anchored(db, &row.prev_hash).await? {
                        row.prev_hash.clone()
                    } else {
                        return Ok(Verified {
                            rows,
                            broken: Some(Break {
                                id: row.id,
                                why: "首行之前的记录不见了，且没有清理记录说明".to_owned(),
                            }),
                        });
                    }
                }
            };
            if row.prev_hash != expected {
                return Ok(Verified {
                    rows,
                    broken: Some(Break {
                        id: row.id,
                        why: "与上一条记录的链接断开（上一条被改动、删除，或本条是插入的）"
                            .to_owned(),
                    }),
                });
            }
            if digest(&row) != row.hash {
                return Ok(Verified {
                    rows,
                    broken: Some(Break {
                        id: row.id,
                        why: "记录内容与其哈希不符（记录被改动）".to_owned(),
                    }),
                });
            }
            prev = Some(row.hash);
        }
    }
    Ok(Verified { rows, broken: None })
}

/// Whether a purge row names `hash` as the last row it removed.
async fn anchored(db: &impl ConnectionTrait, hash: &str) -> Result<bool, DbErr> {
    let purges = Entity::find()
        .filter(Column::Action.eq(PURGE_ACTION))
        .all(db)
        .await?;
    Ok(purges.iter().any(|p| {
        serde_json::from_str::<serde_json::Value>(&p.detail)
            .ok()
            .and_then(|d| d["anchor"].as_str().map(|a| a == hash))
            .unwrap_or(false)
    }))
}

/// What a purge removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Purged {
    /// Rows removed.
    pub removed: u64,
    /// The hash of the last removed row, if any.
    pub anchor: Option<String>,
}

/// Removes every row older than `before` (rows are chained in time order, so these are a
/// prefix of the chain), inside `txn`, holding a permit the delete trigger accepts only
/// while `txn` lasts. The caller records the purge in the same transaction, with the anchor.
pub async fn purge(txn: &DatabaseTransaction, before: DateTime<Utc>) -> Result<Purged, DbErr> {
    take_turn(txn).await?;
    // The prefix ends at the last row before the first row that is young enough.
    let first_kept = Entity::find()
        .filter(Column::At.gte(before))
        .order_by_asc(Column::Id)
        .one(txn)
        .await?;
    let mut older = Entity::find().order_by_desc(Column::Id);
    if let Some(kept) = &first_kept {
        older = older.filter(Column::Id.lt(kept.id));
    }
    let Some(last_removed) = older.one(txn).await? else {
        return Ok(Purged {
            removed: 0,
            anchor: None,
        });
    };
    let through = last_removed.id;
    let removed = Entity::find()
        .filter(Column::Id.lte(through))
        .count(txn)
        .await?;
    let backend = txn.get_database_backend();
    let sql = |s: &str| Statement::from_sql_and_values(backend, s, [through.into()]);
    let (insert, delete) = match backend {
        sea_orm::DbBackend::Postgres => (
            "INSERT INTO audit_purge_permits (through_id) VALUES ($1)",
            "DELETE FROM audit_events WHERE id <= $1",
        ),
        _ => (
            "INSERT INTO audit_purge_permits (through_id) VALUES (?)",
            "DELETE FROM audit_events WHERE id <= ?",
        ),
    };
    txn.execute_raw(sql(insert)).await?;
    txn.execute_raw(sql(delete)).await?;
    txn.execute_unprepared("DELETE FROM audit_purge_permits")
        .await?;
    Ok(Purged {
        removed,
        anchor: Some(last_removed.hash),
    })
}

/// A page of entries within `filter`, newest first.
pub async fn page(
    db: &impl ConnectionTrait,
    filter: Condition,
    offset: u64,
    limit: u64,
) -> Result<(Vec<Model>, u64), DbErr> {
    let total = Entity::find().filter(filter.clone()).count(db).await?;
    let rows = Entity::find()
        .filter(filter)
        .order_by_desc(Column::Id)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await?;
    Ok((rows, total))
}

/// Up to `limit` entries within `filter` with ids above `after`, oldest first: an export's
/// next batch.
pub async fn batch_after(
    db: &impl ConnectionTrait,
    filter: Condition,
    after: i64,
    limit: u64,
) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .filter(filter)
        .filter(Column::Id.gt(after))
        .order_by_asc(Column::Id)
        .limit(limit)
        .all(db)
        .await
}

/// The newest entry's id (0 when empty): every audited write moves it.
pub async fn position(db: &impl ConnectionTrait) -> Result<i64, DbErr> {
    crate::last_id::<Entity>(db, Column::Id).await
}

/// The newest entry's id and hash, for tests and the verify command's report.
pub async fn head(db: &impl ConnectionTrait) -> Result<Option<Model>, DbErr> {
    Entity::find().order_by_desc(Column::Id).one(db).await
}
