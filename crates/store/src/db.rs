//! The database handle the use cases hold: a pool for reads and a pool for writes.
//!
//! On SQLite the write pool has one connection and every transaction starts with
//! `BEGIN IMMEDIATE`, so writers queue for that connection in the process (an async wait,
//! never `SQLITE_BUSY`, never a read transaction that cannot be upgraded), while readers use
//! their own connections and, under WAL, never wait for a writer. A read made through the
//! handle while a transaction is open (a region lookup in the middle of a write) takes a
//! reader, never a second writer, so a transaction can never wait for a connection that it
//! holds itself. On PostgreSQL the two pools are alike; they are kept apart for the same
//! reason: reads inside a write never compete with the writes for connections.
//!
//! A statement is routed by its first keyword: `SELECT` goes to the readers, everything else
//! (inserts, updates, deletes, DDL, `INSERT … RETURNING`) to the writers.

use std::future::Future;
use std::pin::Pin;

use sea_orm::{
    AccessMode, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr,
    ExecResult, IsolationLevel, QueryResult, SqliteTransactionMode, Statement, TransactionError,
    TransactionOptions, TransactionTrait,
};

/// Reads and writes, each through its own pool.
#[derive(Clone, Debug)]
pub struct Db {
    read: DatabaseConnection,
    write: DatabaseConnection,
}

impl Db {
    /// Whether the database answers (a trivial read).
    pub async fn ping(&self) -> Result<(), sea_orm::DbErr> {
        use sea_orm::ConnectionTrait;
        self.read.execute_unprepared("SELECT 1").await.map(|_| ())
    }

    /// A handle over a reader pool and a writer pool on the same database.
    pub fn new(read: DatabaseConnection, write: DatabaseConnection) -> Db {
        Db { read, write }
    }

    /// The readers' pool.
    pub fn reader(&self) -> &DatabaseConnection {
        &self.read
    }

    /// The writers' pool (on SQLite, one connection).
    pub fn writer(&self) -> &DatabaseConnection {
        &self.write
    }

    fn route(&self, sql: &str) -> &DatabaseConnection {
        if is_read(sql) {
            &self.read
        } else {
            &self.write
        }
    }

    fn options(&self, mut options: TransactionOptions) -> TransactionOptions {
        if self.write.get_database_backend() == DbBackend::Sqlite {
            options.sqlite_transaction_mode = Some(SqliteTransactionMode::Immediate);
        }
        options
    }
}

/// Whether a statement only reads: it starts with `SELECT`.
fn is_read(sql: &str) -> bool {
    sql.trim_start()
        .get(..6)
        .is_some_and(|word| word.eq_ignore_ascii_case("select"))
}

#[async_trait::async_trait]
impl ConnectionTrait for Db {
    fn get_database_backend(&self) -> DbBackend {
        self.write.get_database_backend()
    }

    async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        self.route(&stmt.sql).execute_raw(stmt).await
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        self.route(sql).execute_unprepared(sql).await
    }

    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        self.route(&stmt.sql).query_one_raw(stmt).await
    }

    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        self.route(&stmt.sql).query_all_raw(stmt).await
    }
}

#[async_trait::async_trait]
impl TransactionTrait for Db {
    type Transaction = DatabaseTransaction;

    async fn begin(&self) -> Result<DatabaseTransaction, DbErr> {
        self.write
            .begin_with_options(self.options(TransactionOptions::default()))
            .await
    }

    async fn begin_with_config(
        &self,
        isolation_level: Option<IsolationLevel>,
        access_mode: Option<AccessMode>,
    ) -> Result<DatabaseTransaction, DbErr> {
        self.write
            .begin_with_options(self.options(TransactionOptions {
                isolation_level,
                access_mode,
                sqlite_transaction_mode: None,
            }))
            .await
    }

    async fn begin_with_options(
        &self,
        options: TransactionOptions,
    ) -> Result<DatabaseTransaction, DbErr> {
        self.write.begin_with_options(self.options(options)).await
    }

    async fn transaction<F, T, E>(&self, callback: F) -> Result<T, TransactionError<E>>
    where
        F: for<'c> FnOnce(
                &'c DatabaseTransaction,
            ) -> Pin<Box<dyn Future<Output = Result<T, E>> + Send + 'c>>
            + Send,
        T: Send,
        E: std::fmt::Display + std::fmt::Debug + Send,
    {
        self.transaction_with_config(callback, None, None).await
    }

    async fn transaction_with_config<F, T, E>(
        &self,
        callback: F,
        isolation_level: Option<IsolationLevel>,
        access_mode: Option<AccessMode>,
    ) -> Result<T, TransactionError<E>>
    where
        F: for<'c> FnOnce(
                &'c DatabaseTransaction,
            ) -> Pin<Box<dyn Future<Output = Result<T, E>> + Send + 'c>>
            + Send,
        T: Send,
        E: std::fmt::Display + std::fmt::Debug + Send,
    {
        let txn = self
            .begin_with_config(isolation_level, access_mode)
            .await
            .map_err(TransactionError::Connection)?;
        match callback(&txn).await {
            Ok(value) => {
                txn.commit().await.map_err(TransactionError::Connection)?;
                Ok(value)
            }
            Err(e) => {
                txn.rollback().await.map_err(TransactionError::Connection)?;
                Err(TransactionError::Transaction(e))
            }
        }
    }
}

/// Takes PostgreSQL transaction-scoped advisory locks on `keys` (in a fixed order, so two
/// transactions never wait on each other crosswise); released at commit or rollback. On
/// SQLite a write transaction holds the database alone already.
pub async fn serialise(
    txn: &sea_orm::DatabaseTransaction,
    keys: &[&str],
) -> Result<(), sea_orm::DbErr> {
    use sea_orm::{ConnectionTrait, DbBackend, Statement};
    if txn.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    let mut keys = keys.to_vec();
    keys.sort_unstable();
    for key in keys {
        txn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
            [key.into()],
        ))
        .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::is_read;

    #[test]
    fn only_selects_go_to_the_readers() {
        assert!(is_read("SELECT 1"));
        assert!(is_read("  select \"id\" FROM x"));
        assert!(!is_read("INSERT INTO x VALUES (1) RETURNING id"));
        assert!(!is_read("UPDATE x SET a = 1"));
        assert!(!is_read("DELETE FROM x"));
        assert!(!is_read("sel"));
        assert!(!is_read(""));
    }
}
