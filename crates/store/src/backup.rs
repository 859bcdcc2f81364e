//! Every table, read and written in a form that does not depend on the backend: a row is a
//! JSON array of its values in the table's column order, each value canonical (integers and
//! floats as JSON numbers, booleans as `true`/`false`, times as RFC 3339 UTC to the
//! microsecond, text as strings). A row read from SQLite and the same row read from
//! PostgreSQL are the same line, so that a backup moves between backends and a restore can
//! be checked row by row against the archive.
//!
//! The schema itself is not carried: the restoring side migrates its empty database to the
//! same version, then loads the rows.

use chrono::{DateTime, SecondsFormat, Utc};
use sea_orm::sea_query::{Alias, Query, Value};
use sea_orm::{ConnectionTrait, DbBackend, DbErr, QueryResult, Statement};
use serde_json::Value as Json;
use sha2::{Digest, Sha256};

/// How a column's values are read and written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// 16-bit integer (PostgreSQL `smallint`).
    Small,
    /// 32-bit integer (PostgreSQL `integer`).
    Int,
    /// 64-bit integer (every SQLite integer).
    Big,
    /// Floating point.
    Float,
    /// Boolean.
    Bool,
    /// Time with zone.
    Time,
    /// Text.
    Text,
}

/// A column.
#[derive(Debug, Clone)]
pub struct Column {
    /// Its name.
    pub name: String,
    /// Its kind.
    pub kind: Kind,
}

/// A table and its columns, in order.
#[derive(Debug, Clone)]
pub struct Table {
    /// Its name.
    pub name: String,
    /// Its columns.
    pub columns: Vec<Column>,
}

impl Table {
    /// Whether rows are read by `id` (keyset) rather than by position.
    fn has_id(&self) -> bool {
        self.columns.iter().any(|c| c.name == "id")
    }
}

fn kind_of(declared: &str) -> Kind {
    let t = declared.to_ascii_lowercase();
    if t == "smallint" {
        Kind::Small
    } else if t == "integer" || t == "int4" {
        Kind::Int
    } else if t.contains("int") {
        Kind::Big
    } else if t.contains("bool") {
        Kind::Bool
    } else if t.contains("timestamp") || t.contains("date") {
        Kind::Time
    } else if t.contains("double") || t.contains("real") || t.contains("float") {
        Kind::Float
    } else {
        Kind::Text
    }
}

fn stmt(backend: DbBackend, sql: impl Into<String>) -> Statement {
    Statement::from_string(backend, sql.into())
}

/// Every table of the schema but the migrations' own, by name.
pub async fn tables(db: &impl ConnectionTrait) -> Result<Vec<Table>, DbErr> {
    let backend = db.get_database_backend();
    let names_sql = match backend {
        DbBackend::Postgres => {
            "SELECT CAST(table_name AS TEXT) AS name FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1"
        }
        _ => {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        }
    };
    let mut out = Vec::new();
    for row in db.query_all_raw(stmt(backend, names_sql)).await? {
        let name: String = row.try_get("", "name")?;
        if name == "schema_migrations" {
            continue;
        }
        let columns_sql = match backend {
            DbBackend::Postgres => format!(
                "SELECT CAST(column_name AS TEXT) AS name, CAST(data_type AS TEXT) AS type \
                 FROM information_schema.columns WHERE table_schema = current_schema() \
                 AND table_name = '{name}' ORDER BY ordinal_position"
            ),
            _ => format!("SELECT name, type FROM pragma_table_info('{name}') ORDER BY cid"),
        };
        let columns = db
            .query_all_raw(stmt(backend, columns_sql))
            .await?
            .into_iter()
            .map(|c| {
                Ok(Column {
                    name: c.try_get("", "name")?,
                    kind: kind_of(&c.try_get::<String>("", "type")?),
                })
            })
            .collect::<Result<Vec<_>, DbErr>>()?;
        out.push(Table { name, columns });
    }
    Ok(out)
}

fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The canonical time text.
pub fn time_text(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

fn value_at(row: &QueryResult, i: usize, kind: Kind) -> Result<Json, DbErr> {
    Ok(match kind {
        Kind::Small => row
            .try_get_by_index::<Option<i16>>(i)?
            .map_or(Json::Null, Json::from),
        Kind::Int => row
            .try_get_by_index::<Option<i32>>(i)?
            .map_or(Json::Null, Json::from),
        Kind::Big => row
            .try_get_by_index::<Option<i64>>(i)?
            .map_or(Json::Null, Json::from),
        Kind::Float => row
            .try_get_by_index::<Option<f64>>(i)?
            .map_or(Json::Null, Json::from),
        Kind::Bool => row
            .try_get_by_index::<Option<bool>>(i)?
            .map_or(Json::Null, Json::from),
        Kind::Time => row
            .try_get_by_index::<Option<DateTime<Utc>>>(i)?
            .map_or(Json::Null, |t| Json::from(time_text(&t))),
        Kind::Text => row
            .try_get_by_index::<Option<String>>(i)?
            .map_or(Json::Null, Json::from),
    })
}

/// The next `limit` rows of `table` as canonical JSON arrays: after id `after` for a table
/// with an `id` (keyset), else from position `offset`. Answers the rows and the last id.
pub async fn read_rows(
    db: &impl ConnectionTrait,
    table: &Table,
    after: i64,
    offset: u64,
    limit: u64,
) -> Result<(Vec<Json>, i64), DbErr> {
    let backend = db.get_database_backend();
    let columns: Vec<String> = table.columns.iter().map(|c| quoted(&c.name)).collect();
    let sql = if table.has_id() {
        format!(
            "SELECT {} FROM {} WHERE \"id\" > {after} ORDER BY \"id\" LIMIT {limit}",
            columns.join(", "),
            quoted(&table.name)
        )
    } else {
        let order: Vec<String> = (1..=columns.len()).map(|i| i.to_string()).collect();
        format!(
            "SELECT {} FROM {} ORDER BY {} LIMIT {limit} OFFSET {offset}",
            columns.join(", "),
            quoted(&table.name),
            order.join(", ")
        )
    };
    let id_at = table.columns.iter().position(|c| c.name == "id");
    let mut last = after;
    let mut rows = Vec::new();
    for row in db.query_all_raw(stmt(backend, sql)).await? {
        let mut values = Vec::with_capacity(table.columns.len());
        for (i, c) in table.columns.iter().enumerate() {
            values.push(value_at(&row, i, c.kind)?);
        }
        if let Some(i) = id_at {
            last = values[i].as_i64().unwrap_or(last);
        }
        rows.push(Json::Array(values));
    }
    Ok((rows, last))
}

fn null_of(kind: Kind) -> Value {
    match kind {
        Kind::Small => Option::<i16>::None.into(),
        Kind::Int => Option::<i32>::None.into(),
        Kind::Big => Option::<i64>::None.into(),
        Kind::Float => Option::<f64>::None.into(),
        Kind::Bool => Option::<bool>::None.into(),
        Kind::Time => Option::<DateTime<Utc>>::None.into(),
        Kind::Text => Option::<String>::None.into(),
    }
}

fn to_value(v: &Json, kind: Kind) -> Result<Value, String> {
    let bad = || format!("值 {v} 与列的类型不符");
    if v.is_null() {
        return Ok(null_of(kind));
    }
    Ok(match kind {
        Kind::Small => Value::from(
            v.as_i64()
                .and_then(|n| i16::try_from(n).ok())
                .ok_or_else(bad)?,
        ),
        Kind::Int => Value::from(
            v.as_i64()
                .and_then(|n| i32::try_from(n).ok())
                .ok_or_else(bad)?,
        ),
        Kind::Big => Value::from(v.as_i64().ok_or_else(bad)?),
        Kind::Float => Value::from(v.as_f64().ok_or_else(bad)?),
        Kind::Bool => Value::from(v.as_bool().ok_or_else(bad)?),
        Kind::Time => Value::from(
            DateTime::parse_from_rfc3339(v.as_str().ok_or_else(bad)?)
                .map_err(|_| bad())?
                .to_utc(),
        ),
        Kind::Text => Value::from(v.as_str().ok_or_else(bad)?.to_owned()),
    })
}

/// Inserts canonical rows into `table`, as many to a statement as the backends' limit on
/// bound values allows. A row that does not fit the table's columns is refused with why.
pub async fn write_rows(
    db: &impl ConnectionTrait,
    table: &Table,
    rows: &[Json],
) -> Result<(), String> {
    let per_statement = (30_000 / table.columns.len().max(1)).max(1);
    for chunk in rows.chunks(per_statement) {
        let mut insert = Query::insert();
        insert
            .into_table(Alias::new(&table.name))
            .columns(table.columns.iter().map(|c| Alias::new(&c.name)));
        for row in chunk {
            let values = row
                .as_array()
                .filter(|a| a.len() == table.columns.len())
                .ok_or_else(|| format!("表 {} 的一行列数不符", table.name))?;
            let bound = values
                .iter()
                .zip(&table.columns)
                .map(|(v, c)| to_value(v, c.kind).map(Into::into))
                .collect::<Result<Vec<_>, String>>()
                .map_err(|e| format!("表 {}：{e}", table.name))?;
            insert.values(bound).map_err(|e| e.to_string())?;
        }
        db.execute(&insert).await.map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// After rows were written with their ids, PostgreSQL's sequence for `id` continues after
/// the largest (SQLite's AUTOINCREMENT follows inserted ids by itself).
pub async fn follow_ids(db: &impl ConnectionTrait, table: &Table) -> Result<(), DbErr> {
    if db.get_database_backend() != DbBackend::Postgres || !table.has_id() {
        return Ok(());
    }
    let t = quoted(&table.name);
    let name = table.name.replace('\'', "''");
    db.execute_raw(stmt(
        DbBackend::Postgres,
        format!(
            "SELECT setval(pg_get_serial_sequence('{name}', 'id'), \
             (SELECT COALESCE(MAX(\"id\"), 0) + 1 FROM {t}), false) \
             WHERE pg_get_serial_sequence('{name}', 'id') IS NOT NULL"
        ),
    ))
    .await?;
    Ok(())
}

/// How many rows `table` holds.
pub async fn count(db: &impl ConnectionTrait, table: &str) -> Result<i64, DbErr> {
    let backend = db.get_database_backend();
    let row = db
        .query_one_raw(stmt(
            backend,
            format!("SELECT COUNT(*) AS n FROM {}", quoted(table)),
        ))
        .await?
        .ok_or_else(|| DbErr::Custom("no count".to_owned()))?;
    row.try_get::<i64>("", "n")
}

/// A digest of a set of rows that does not depend on their order: SHA-256 over the sorted
/// SHA-256 of each row's canonical line.
#[derive(Debug, Default, Clone)]
pub struct RowDigest {
    hashes: Vec<[u8; 32]>,
}

impl RowDigest {
    /// Adds a row.
    pub fn add(&mut self, line: &str) {
        self.hashes.push(Sha256::digest(line.as_bytes()).into());
    }

    /// The digest, hex.
    pub fn finish(mut self) -> String {
        self.hashes.sort_unstable();
        let mut all = Sha256::new();
        for h in &self.hashes {
            all.update(h);
        }
        hex::encode(all.finalize())
    }
}

/// The schema's version: the newest migration applied.
pub async fn schema_version(db: &impl ConnectionTrait) -> Result<i64, DbErr> {
    let row = db
        .query_one_raw(stmt(
            db.get_database_backend(),
            "SELECT MAX(version) AS v FROM schema_migrations",
        ))
        .await?
        .ok_or_else(|| DbErr::Custom("no schema version".to_owned()))?;
    Ok(row.try_get::<Option<i64>>("", "v")?.unwrap_or(0))
}
