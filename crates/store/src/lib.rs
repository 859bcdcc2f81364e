//! kepu's persistence. One body of query code serves SQLite (the embedded default) and
//! PostgreSQL (production): the backend is picked at run time from the database URL.

pub mod entities;
pub mod migrations;
pub mod regions;
pub mod testing;

use std::time::Duration;

pub use sea_orm;
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr};

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

/// Opens a pool on `url`. SQLite gets WAL, `synchronous=NORMAL`, a busy timeout and
/// foreign keys; its parent folder is created if missing.
pub async fn connect(url: &str) -> Result<DatabaseConnection, StoreError> {
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .sqlx_logging(false)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(30));
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
        use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
        options.max_connections(8).map_sqlx_sqlite_opts(|o| {
            o.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
        });
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        options.max_connections(16);
    } else {
        return Err(StoreError::UnsupportedUrl);
    }
    Ok(Database::connect(options).await?)
}

/// Whether an error is a unique-constraint violation, on either backend; the one place
/// that turns such a violation into a conflict the user can understand.
pub fn is_unique_violation(err: &DbErr) -> bool {
    matches!(
        err.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}
pub mod kept;
pub mod search;
