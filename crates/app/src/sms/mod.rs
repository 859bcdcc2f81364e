//! Sending login codes. Development sends nowhere but appends `PHONE CODE` lines to
//! `sms-outbox.log` in the data folder; production uses a provider client.

use std::path::PathBuf;

use async_trait::async_trait;
use domain::phone::Phone;
use tokio::io::AsyncWriteExt;

pub mod aliyun;

/// Sends a login code to a phone.
#[async_trait]
pub trait SmsSender: Send + Sync {
    /// Sends `code` to `phone`; an error means the person will not get it.
    async fn send_code(&self, phone: &Phone, code: &str) -> Result<(), String>;
}

/// The development sender: appends `PHONE CODE` to a file.
#[derive(Debug, Clone)]
pub struct OutboxSender {
    path: PathBuf,
    lock: std::sync::Arc<tokio::sync::Mutex<()>>,
}

impl OutboxSender {
    /// A sender writing to `sms-outbox.log` in `data_dir`.
    pub fn new(data_dir: &std::path::Path) -> OutboxSender {
        OutboxSender {
            path: data_dir.join("sms-outbox.log"),
            lock: Default::default(),
        }
    }
}

#[async_trait]
impl SmsSender for OutboxSender {
    async fn send_code(&self, phone: &Phone, code: &str) -> Result<(), String> {
        let _guard = self.lock.lock().await;
        if let Some(dir) = self.path.parent() {
            tokio::fs::create_dir_all(dir)
                .await
                .map_err(|e| e.to_string())?;
        }
        let mut file = tokio::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)
            .await
            .map_err(|e| e.to_string())?;
        file.write_all(format!("{} {code}\n", phone.as_str()).as_bytes())
            .await
            .map_err(|e| e.to_string())?;
        file.flush().await.map_err(|e| e.to_string())
    }
}
