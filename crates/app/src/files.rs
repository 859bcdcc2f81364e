//! Where uploaded files live: the local disk by default, S3-compatible object storage with
//! the `s3` cargo feature. Files go in from a local file, streamed in parts, and come out
//! as a stream; neither way holds a whole file in memory.

use std::path::Path;
use std::sync::Arc;

use bytes::Bytes;
use futures::stream::BoxStream;
use futures::{StreamExt, TryStreamExt};
use object_store::path::Path as Key;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload, WriteMultipart};
use tokio::io::AsyncReadExt;

use crate::AppError;
use crate::config::StorageConfig;

/// Files smaller than this are put in one request.
const PART: usize = 5 * 1024 * 1024;

/// The file store.
#[derive(Clone)]
pub struct Files {
    store: Arc<dyn ObjectStore>,
}

impl std::fmt::Debug for Files {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Files({})", self.store)
    }
}

impl Files {
    /// The configured store: `local` (under `uploads` in the data folder) or `s3`.
    pub fn open(config: &StorageConfig, data_dir: &Path) -> Result<Files, AppError> {
        match config.kind.as_str() {
            "local" => {
                let dir = data_dir.join("uploads");
                std::fs::create_dir_all(&dir).map_err(AppError::internal)?;
                let store = object_store::local::LocalFileSystem::new_with_prefix(&dir)
                    .map_err(AppError::internal)?;
                Ok(Files {
                    store: Arc::new(store),
                })
            }
            #[cfg(feature = "s3")]
            "s3" => {
                let store = object_store::aws::AmazonS3Builder::new()
                    .with_bucket_name(&config.s3_bucket)
                    .with_region(&config.s3_region)
                    .with_endpoint(&config.s3_endpoint)
                    .with_access_key_id(&config.s3_access_key_id)
                    .with_secret_access_key(config.s3_secret_access_key.expose())
                    .with_allow_http(config.s3_endpoint.starts_with("http://"))
                    .with_virtual_hosted_style_request(false)
                    .build()
                    .map_err(AppError::internal)?;
                Ok(Files {
                    store: Arc::new(store),
                })
            }
            other => Err(AppError::internal(format!(
                "unknown storage kind {other:?} (local{})",
                if cfg!(feature = "s3") {
                    ", s3"
                } else {
                    "; s3 needs the s3 cargo feature"
                }
            ))),
        }
    }

    /// Stores a local file under `key`, in parts.
    pub async fn put_file(&self, key: &str, path: &Path) -> Result<(), AppError> {
        let key = Key::from(key);
        let mut file = tokio::fs::File::open(path)
            .await
            .map_err(AppError::internal)?;
        let size = file.metadata().await.map_err(AppError::internal)?.len();
        let mut buf = vec![0u8; PART.min(usize::try_from(size).unwrap_or(PART)).max(1)];
        if size <= PART as u64 {
            file.read_exact(&mut buf)
                .await
                .map_err(AppError::internal)?;
            self.store
                .put(&key, PutPayload::from(buf))
                .await
                .map_err(AppError::internal)?;
            return Ok(());
        }
        let upload = self
            .store
            .put_multipart(&key)
            .await
            .map_err(AppError::internal)?;
        let mut writer = WriteMultipart::new_with_chunk_size(upload, PART);
        loop {
            let n = file.read(&mut buf).await.map_err(AppError::internal)?;
            if n == 0 {
                break;
            }
            writer
                .wait_for_capacity(2)
                .await
                .map_err(AppError::internal)?;
            writer.write(buf.get(..n).unwrap_or_default());
        }
        writer.finish().await.map_err(AppError::internal)?;
        Ok(())
    }

    /// The content of `key`, as a stream.
    pub async fn get(
        &self,
        key: &str,
    ) -> Result<BoxStream<'static, std::io::Result<Bytes>>, AppError> {
        let result = self.store.get(&Key::from(key)).await.map_err(|e| match e {
            object_store::Error::NotFound { .. } => AppError::NotFound("未找到该文件".to_owned()),
            other => AppError::internal(other),
        })?;
        Ok(result.into_stream().map_err(std::io::Error::other).boxed())
    }

    /// The bytes `range` of `key`, as a stream (a download's `Range`).
    pub async fn get_range(
        &self,
        key: &str,
        range: std::ops::Range<u64>,
    ) -> Result<BoxStream<'static, std::io::Result<Bytes>>, AppError> {
        let options = object_store::GetOptions {
            range: Some(object_store::GetRange::Bounded(range)),
            ..Default::default()
        };
        let result = self
            .store
            .get_opts(&Key::from(key), options)
            .await
            .map_err(|e| match e {
                object_store::Error::NotFound { .. } => {
                    AppError::NotFound("未找到该文件".to_owned())
                }
                other => AppError::internal(other),
            })?;
        Ok(result.into_stream().map_err(std::io::Error::other).boxed())
    }

    /// Deletes `key`; a key already gone is not an error.
    pub async fn delete(&self, key: &str) -> Result<(), AppError> {
        match self.store.delete(&Key::from(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(other) => Err(AppError::internal(other)),
        }
    }
}
