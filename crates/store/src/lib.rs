//! kepu's persistence. One body of query code serves SQLite (the embedded default) and
//! PostgreSQL (production): the backend is picked at run time from the database URL.

pub mod activities;
pub mod audit;
pub mod campaigns;
pub mod db;
pub mod entities;
pub mod jobs;
pub mod media;
pub mod migrations;
pub mod nominations;
pub mod notifications;
pub mod orgs;
pub mod public;
pub mod quotas;
pub mod regions;
pub mod review;
pub mod testing;
pub mod users;

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
/// SQLite gets WAL, `synchronous=NORMAL`, a busy timeout (for other processes on the same
/// file, such as `kepu` commands beside a server) and foreign keys, one writer connection,
/// and its parent folder created if missing.
pub async fn connect(url: &str) -> Result<Db, StoreError> {
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
        let write = Database::connect(sqlite_options(url, 1)).await?;
        let read = Database::connect(sqlite_options(url, 8)).await?;
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

fn sqlite_options(url: &str, connections: u32) -> ConnectOptions {
    use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
    let mut options = pool_options(url, connections);
    options.map_sqlx_sqlite_opts(|o| {
        o.journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(30))
            .foreign_keys(true)
    });
    options
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
pub mod search;
pub mod sessions;
pub mod sms;
pub mod stats;
pub mod summaries;
pub mod supplements;
