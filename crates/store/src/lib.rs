//! kepu's persistence. One body of query code serves SQLite (the embedded default) and
//! PostgreSQL (production): the backend is picked at run time from the database URL.

pub mod activities;
pub mod audit;
pub mod backup;
pub mod campaigns;
pub mod db;
pub mod entities;
pub mod entries;
pub mod evaluations;
pub mod jobs;
pub mod judging;
pub mod media;
pub mod migrations;
pub mod nominations;
pub mod notifications;
pub mod orgs;
pub mod posts;
pub mod public;
pub mod quotas;
pub mod regions;
pub mod resources;
pub mod review;
pub mod routes;
pub mod testing;
pub mod users;
pub mod votes;

use std::time::Duration;

pub use db::Db;
pub use sea_orm;
use sea_orm::{ConnectOptions, Database, DbErr};

/// Errors of opening or preparing a database.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The URL names neither `sqlite:` nor `postgres:`.
    #[error("unsupported database URL (use sqlite://PATH?mode=rwc or postgres://...)")]
    UnsupportedUrl,
    /// The database refused.
    #[error(transparent)]
    Db(#[from] DbErr),
    /// A file could not be read or written.
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// The shipped regions file is malformed.
    #[error("regions file: {0}")]
    Regions(String),
}

/// Opens the database at `url`: a pool of readers and a pool of writers (see [`Db`]).
/// SQLite gets WAL, `synchronous=NORMAL` (see [`connect_with`] for `FULL`), a busy timeout (for other processes on the same
/// file, such as `kepu` commands beside a server) and foreign keys, one writer connection,
/// and its parent folder created if missing.
pub async fn connect(url: &str) -> Result<Db, StoreError> {
    connect_with(url, Durability::Normal).await
}

/// When a SQLite commit is on disk (PostgreSQL decides by its own `synchronous_commit`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Durability {
    /// `synchronous=NORMAL` under WAL: a commit is durable once the WAL is checkpointed or
    /// synced; a power loss (not a crash of kepu) can take back the last commits, never
    /// corrupt the file.
    #[default]
    Normal,
    /// `synchronous=FULL`: the WAL is synced at every commit; nothing acknowledged is lost
    /// to a power loss, at the cost of an fsync per write.
    Full,
}

/// As [`connect`], with SQLite's durability chosen.
pub async fn connect_with(url: &str, durability: Durability) -> Result<Db, StoreError> {
    if let Some(path) = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
    {
        let file = path.split('?').next().unwrap_or_default();
        if let Some(parent) = std::path::Path::new(file).parent()
            && !parent.as_os_str().is_empty()
        {
            std::fs::create_dir_all(parent)?;
        }
        // The writer first: it creates the file and switches it to WAL before readers open.
        let write = Database::connect(sqlite_options(url, 1, durability)).await?;
        let read = Database::connect(sqlite_options(url, 8, durability)).await?;
        Ok(Db::new(read, write))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let write = Database::connect(pool_options(url, 16)).await?;
        let read = Database::connect(pool_options(url, 16)).await?;
        Ok(Db::new(read, write))
    } else {
        Err(StoreError::UnsupportedUrl)
    }
}

fn pool_options(url: &str, connections: u32) -> ConnectOptions {
    let mut options = ConnectOptions::new(url.to_owned());
    // A write waits its turn for the writer connection: in a burst the queue, not a
    // timeout, decides how long; the timeout is only a guard against a stuck connection.
    options
        .sqlx_logging(false)
        .max_connections(connections)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(60));
    options
}

fn sqlite_options(url: &str, connections: u32, durability: Durability) -> ConnectOptions {
    use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
    let mut options = pool_options(url, connections);
    let synchronous = match durability {
        Durability::Normal => SqliteSynchronous::Normal,
        Durability::Full => SqliteSynchronous::Full,
    };
    options.map_sqlx_sqlite_opts(move |o| {
        o.journal_mode(SqliteJournalMode::Wal)
            .synchronous(synchronous)
            .busy_timeout(Duration::from_secs(30))
            .foreign_keys(true)
    });
    options
}

/// The highest `id` of an append-only table (0 when empty): the position of a log that
/// every change of some kind moves (the search log, the audit trail).
pub(crate) async fn last_id<E: sea_orm::EntityTrait>(
    db: &impl sea_orm::ConnectionTrait,
    id: E::Column,
) -> Result<i64, DbErr> {
    use sea_orm::{QueryOrder, QuerySelect};
    Ok(E::find()
        .select_only()
        .column(id)
        .order_by_desc(id)
        .into_tuple::<i64>()
        .one(db)
        .await?
        .unwrap_or(0))
}

/// The select list of every column of `E` read from the table aliased `alias`, each named
/// `{prefix}{column}`, for a hand-written join whose rows are read back with
/// `FromQueryResult::from_query_result(row, prefix)`.
pub(crate) fn columns_of<E: sea_orm::EntityTrait>(alias: &str, prefix: &str) -> String {
    use sea_orm::{IdenStatic, Iterable};
    E::Column::iter()
        .map(|c| format!("{alias}.\"{0}\" AS \"{prefix}{0}\"", c.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Whether an error is a unique-constraint violation, on either backend; the one place
/// that turns such a violation into a conflict the user can understand.
pub fn is_unique_violation(err: &DbErr) -> bool {
    matches!(
        err.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}
pub mod cache;
pub mod contests;
pub mod search;
pub mod sessions;
pub mod sms;
pub mod stats;
pub mod summaries;
pub mod supplements;
