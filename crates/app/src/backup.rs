//! `kepu backup` and `kepu restore`: one consistent snapshot of every table and every stored
//! file, as a folder that moves between machines and between backends.
//!
//! The archive: `manifest.json` (format, when, from which backend, the schema version, each
//! table's row count, the SHA-256 of its file and a digest of its rows that does not depend
//! on their order, each file's size and SHA-256), `tables/<name>.jsonl` (one canonical row
//! per line, see `store::backup`) and `files/<storage key>`. The search index and the derived
//! tables ([`DERIVED`]) are not in it; a restore rebuilds them from the rows.
//!
//! The snapshot is one read transaction: on PostgreSQL `REPEATABLE READ, READ ONLY`, on
//! SQLite a read transaction under WAL. Every write acknowledged before the backup began is
//! in it, and the server goes on writing meanwhile. Files are copied after the rows; a file
//! is never changed once stored, so every file a row names is there.

use std::io::Write;
use std::path::{Path, PathBuf};

use futures::StreamExt;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use store::sea_orm::{AccessMode, IsolationLevel, TransactionTrait};

use crate::{App, AppError, Config};

/// The archive's format name.
pub const FORMAT: &str = "kepu-backup/1";

/// Tables the archive leaves out: the statistics rollups and the public listings, which are
/// counted from the activities (`stats::rebuild`) when a restore ends.
pub const DERIVED: [&str; 2] = ["stat_counts", "listings"];

/// Rows read or written at a time.
const BATCH: u64 = 2000;

/// A table in the archive.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct TableEntry {
    /// Its name.
    pub name: String,
    /// Its columns, in the order of each row.
    pub columns: Vec<String>,
    /// Rows.
    pub rows: u64,
    /// SHA-256 of `tables/<name>.jsonl`.
    pub sha256: String,
    /// The rows' digest, independent of their order (`store::backup::RowDigest`).
    pub rows_digest: String,
}

/// A stored file in the archive.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct FileEntry {
    /// Its storage key (and its path under `files/`).
    pub key: String,
    /// Size.
    pub bytes: u64,
    /// SHA-256.
    pub sha256: String,
}

/// `manifest.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    /// [`FORMAT`].
    pub format: String,
    /// When the snapshot was taken.
    pub taken_at: chrono::DateTime<chrono::Utc>,
    /// `sqlite` or `postgres`.
    pub backend: String,
    /// The schema's version (the newest migration applied).
    pub schema_version: i64,
    /// Every table.
    pub tables: Vec<TableEntry>,
    /// Every file a row names.
    pub files: Vec<FileEntry>,
    /// Files a row names that the store did not have when the backup was taken.
    pub missing_files: Vec<String>,
}

fn io(what: &str, path: &Path) -> impl FnOnce(std::io::Error) -> AppError {
    let place = format!("{what} {}", path.display());
    move |e| AppError::internal(format!("{place}: {e}"))
}

/// A storage key as a relative path under `files/`; a key that would leave it is refused.
fn file_path(root: &Path, key: &str) -> Result<PathBuf, AppError> {
    let safe = !key.is_empty()
        && key
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != ".." && !part.contains('\\'));
    if !safe {
        return Err(AppError::internal(format!("unsafe storage key {key:?}")));
    }
    Ok(root.join("files").join(key))
}

fn sha256_file(path: &Path) -> Result<(u64, String), AppError> {
    let mut file = std::fs::File::open(path).map_err(io("open", path))?;
    let mut hasher = Sha256::new();
    let bytes = std::io::copy(&mut file, &mut hasher).map_err(io("read", path))?;
    Ok((bytes, hex::encode(hasher.finalize())))
}

impl App {
    /// `kepu backup --out DIR`: writes the archive into `out`, which must be missing or
    /// empty. `progress` hears a line per table and per hundred files.
    pub async fn backup(
        &self,
        out: &Path,
        progress: &(dyn Fn(&str) + Sync),
    ) -> Result<Manifest, AppError> {
        if out.exists()
            && std::fs::read_dir(out)
                .map_err(io("read", out))?
                .next()
                .is_some()
        {
            return Err(AppError::invalid_field(
                "out",
                format!("备份目录 {} 不是空的：请指定一个新目录", out.display()),
            ));
        }
        std::fs::create_dir_all(out.join("tables")).map_err(io("create", out))?;
        let reader = self.db.reader();
        let postgres = reader.get_database_backend() == store::sea_orm::DbBackend::Postgres;
        let txn = if postgres {
            reader
                .begin_with_config(
                    Some(IsolationLevel::RepeatableRead),
                    Some(AccessMode::ReadOnly),
                )
                .await?
        } else {
            reader.begin().await?
        };
        let taken_at = self.clock.now();
        let schema_version = store::backup::schema_version(&txn).await?;
        let mut tables = Vec::new();
        let mut keys = Vec::new();
        for table in store::backup::tables(&txn).await? {
            if DERIVED.contains(&table.name.as_str()) {
                continue;
            }
            let path = out.join("tables").join(format!("{}.jsonl", table.name));
            let file = std::fs::File::create(&path).map_err(io("create", &path))?;
            let mut writer = std::io::BufWriter::new(file);
            let mut digest = store::backup::RowDigest::default();
            let key_at = table.columns.iter().position(|c| c.name == "storage_key");
            let (mut after, mut offset, mut rows) = (i64::MIN, 0_u64, 0_u64);
            loop {
                let (batch, last) =
                    store::backup::read_rows(&txn, &table, after, offset, BATCH).await?;
                if batch.is_empty() {
                    break;
                }
                for row in &batch {
                    let line = row.to_string();
                    digest.add(&line);
                    writer
                        .write_all(line.as_bytes())
                        .and_then(|()| writer.write_all(b"\n"))
                        .map_err(io("write", &path))?;
                    if let Some(i) = key_at
                        && let Some(key) = row[i].as_str()
                    {
                        keys.push(key.to_owned());
                    }
                }
                rows += batch.len() as u64;
                offset += batch.len() as u64;
                after = last;
            }
            writer.flush().map_err(io("write", &path))?;
            drop(writer);
            let (_, sha256) = sha256_file(&path)?;
            progress(&format!("表 {}：{rows} 行", table.name));
            tables.push(TableEntry {
                name: table.name.clone(),
                columns: table.columns.iter().map(|c| c.name.clone()).collect(),
                rows,
                sha256,
                rows_digest: digest.finish(),
            });
        }
        txn.commit().await?;
        keys.sort();
        keys.dedup();
        let mut files = Vec::new();
        let mut missing_files = Vec::new();
        for (n, key) in keys.iter().enumerate() {
            let path = file_path(out, key)?;
            match self.files.get(key).await {
                Ok(mut stream) => {
                    if let Some(dir) = path.parent() {
                        std::fs::create_dir_all(dir).map_err(io("create", dir))?;
                    }
                    let mut file = std::fs::File::create(&path).map_err(io("create", &path))?;
                    let mut hasher = Sha256::new();
                    let mut bytes = 0_u64;
                    while let Some(chunk) = stream.next().await {
                        let chunk = chunk.map_err(AppError::internal)?;
                        hasher.update(&chunk);
                        bytes += chunk.len() as u64;
                        file.write_all(&chunk).map_err(io("write", &path))?;
                    }
                    file.sync_all().map_err(io("sync", &path))?;
                    files.push(FileEntry {
                        key: key.clone(),
                        bytes,
                        sha256: hex::encode(hasher.finalize()),
                    });
                }
                Err(AppError::NotFound(_)) => missing_files.push(key.clone()),
                Err(e) => return Err(e),
            }
            if (n + 1).is_multiple_of(100) {
                progress(&format!("文件：{} / {}", n + 1, keys.len()));
            }
        }
        let manifest = Manifest {
            format: FORMAT.to_owned(),
            taken_at,
            backend: if postgres { "postgres" } else { "sqlite" }.to_owned(),
            schema_version,
            tables,
            files,
            missing_files,
        };
        let path = out.join("manifest.json");
        let text = serde_json::to_string_pretty(&manifest).map_err(AppError::internal)?;
        std::fs::write(&path, text).map_err(io("write", &path))?;
        Ok(manifest)
    }
}

/// What a restore did.
#[derive(Debug, Clone)]
pub struct Restored {
    /// The archive's manifest.
    pub manifest: Manifest,
    /// Rows written.
    pub rows: u64,
    /// Files written.
    pub files: u64,
}

/// Reads and checks an archive: its manifest, then every table file's and every stored
/// file's SHA-256. Nothing is written before all of them hold.
pub fn check_archive(from: &Path) -> Result<Manifest, AppError> {
    let path = from.join("manifest.json");
    let text = std::fs::read_to_string(&path).map_err(|_| {
        AppError::invalid_field(
            "from",
            format!("{} 不是 kepu 备份：缺少 manifest.json", from.display()),
        )
    })?;
    let manifest: Manifest = serde_json::from_str(&text)
        .map_err(|e| AppError::invalid_field("from", format!("manifest.json 无法读取：{e}")))?;
    if manifest.format != FORMAT {
        return Err(AppError::invalid_field(
            "from",
            format!("不支持的备份格式“{}”", manifest.format),
        ));
    }
    for t in &manifest.tables {
        let file = from.join("tables").join(format!("{}.jsonl", t.name));
        let (_, sha) = sha256_file(&file).map_err(|_| {
            AppError::invalid_field("from", format!("缺少表文件 {}", file.display()))
        })?;
        if sha != t.sha256 {
            return Err(AppError::invalid_field(
                "from",
                format!("表 {} 的文件校验和不符：备份已损坏", t.name),
            ));
        }
    }
    for f in &manifest.files {
        let file = file_path(from, &f.key)?;
        let (bytes, sha) = sha256_file(&file)
            .map_err(|_| AppError::invalid_field("from", format!("缺少文件 {}", f.key)))?;
        if bytes != f.bytes || sha != f.sha256 {
            return Err(AppError::invalid_field(
                "from",
                format!("文件 {} 的校验和不符：备份已损坏", f.key),
            ));
        }
    }
    Ok(manifest)
}

/// `kepu restore --from DIR`: fills an empty database and an empty file store from an
/// archive (of either backend), checks every row against the archive's digests, then
/// starts the application on it and rebuilds the search index and the rollups. Refuses a
/// database or file store that holds anything.
pub async fn restore(
    config: Config,
    from: &Path,
    progress: &(dyn Fn(&str) + Sync),
) -> Result<(App, Restored), AppError> {
    let manifest = check_archive(from)?;
    progress(&format!(
        "备份校验通过：{} 张表，{} 个文件（{} 于 {}）",
        manifest.tables.len(),
        manifest.files.len(),
        manifest.backend,
        manifest.taken_at
    ));
    let durability = config.durability().map_err(AppError::Malformed)?;
    let db = store::connect_with(&config.database_url(), durability)
        .await
        .map_err(AppError::internal)?;
    store::migrations::migrate(db.writer()).await?;
    let writer = db.writer();
    let version = store::backup::schema_version(writer).await?;
    if version != manifest.schema_version {
        return Err(AppError::invalid_field(
            "from",
            format!(
                "备份的数据库结构版本为 {}，本程序为 {version}：请用相同版本的 kepu 恢复",
                manifest.schema_version
            ),
        ));
    }
    let tables = store::backup::tables(writer).await?;
    for t in &tables {
        if store::backup::count(writer, &t.name).await? > 0 {
            return Err(AppError::conflict(format!(
                "目标数据库不是空的（表 {} 已有数据）：恢复只写入空数据库",
                t.name
            )));
        }
    }
    let uploads = config.data_dir.join("uploads");
    if config.storage.kind == "local"
        && uploads.exists()
        && walk(&uploads)?.into_iter().next().is_some()
    {
        return Err(AppError::conflict(format!(
            "目标数据目录 {} 已有上传文件：恢复只写入空的数据目录",
            uploads.display()
        )));
    }
    let mut rows_written = 0_u64;
    let txn = writer.begin().await?;
    for entry in &manifest.tables {
        let Some(table) = tables.iter().find(|t| t.name == entry.name) else {
            return Err(AppError::invalid_field(
                "from",
                format!("备份中的表 {} 在本程序的数据库结构中不存在", entry.name),
            ));
        };
        let names: Vec<&str> = table.columns.iter().map(|c| c.name.as_str()).collect();
        if names != entry.columns.iter().map(String::as_str).collect::<Vec<_>>() {
            return Err(AppError::invalid_field(
                "from",
                format!("表 {} 的列与本程序的数据库结构不符", entry.name),
            ));
        }
        let path = from.join("tables").join(format!("{}.jsonl", entry.name));
        let file = std::fs::File::open(&path).map_err(io("open", &path))?;
        let mut batch = Vec::with_capacity(BATCH as usize);
        for line in std::io::BufRead::lines(std::io::BufReader::new(file)) {
            let line = line.map_err(io("read", &path))?;
            batch.push(serde_json::from_str(&line).map_err(AppError::internal)?);
            if batch.len() as u64 == BATCH {
                store::backup::write_rows(&txn, table, &batch)
                    .await
                    .map_err(AppError::internal)?;
                batch.clear();
            }
        }
        store::backup::write_rows(&txn, table, &batch)
            .await
            .map_err(AppError::internal)?;
        store::backup::follow_ids(&txn, table).await?;
        rows_written += entry.rows;
        progress(&format!("表 {}：{} 行", entry.name, entry.rows));
    }
    // Every row as the archive has it, read back before anything is committed.
    for entry in &manifest.tables {
        let Some(table) = tables.iter().find(|t| t.name == entry.name) else {
            continue;
        };
        let mut digest = store::backup::RowDigest::default();
        let (mut after, mut offset) = (i64::MIN, 0_u64);
        loop {
            let (batch, last) = store::backup::read_rows(&txn, table, after, offset, BATCH).await?;
            if batch.is_empty() {
                break;
            }
            for row in &batch {
                digest.add(&row.to_string());
            }
            offset += batch.len() as u64;
            after = last;
        }
        if digest.finish() != entry.rows_digest {
            return Err(AppError::internal(format!(
                "restored rows of {} differ from the archive",
                entry.name
            )));
        }
    }
    txn.commit().await?;
    // Codes are never sent while restoring; the outbox stands in for the configured sender.
    let outbox = std::sync::Arc::new(crate::sms::OutboxSender::new(&config.data_dir));
    let app = App::start(config, std::sync::Arc::new(crate::SystemClock), outbox).await?;
    let mut files_written = 0_u64;
    for f in &manifest.files {
        app.files
            .put_file(&f.key, &file_path(from, &f.key)?)
            .await?;
        files_written += 1;
        if files_written.is_multiple_of(100) {
            progress(&format!("文件：{files_written} / {}", manifest.files.len()));
        }
    }
    let indexed = app.reindex().await?;
    crate::stats::rebuild(&app.db).await?;
    progress(&format!("已重建搜索索引（{indexed} 个活动）与统计"));
    Ok((
        app,
        Restored {
            manifest,
            rows: rows_written,
            files: files_written,
        },
    ))
}

/// Every file under `dir`.
fn walk(dir: &Path) -> Result<Vec<PathBuf>, AppError> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in std::fs::read_dir(&d).map_err(io("read", &d))? {
            let path = entry.map_err(io("read", &d))?.path();
            if path.is_dir() {
                todo.push(path);
            } else {
                out.push(path);
            }
        }
    }
    Ok(out)
}
