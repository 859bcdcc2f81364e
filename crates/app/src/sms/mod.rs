//! Sending login codes. Development sends nowhere but appends `PHONE CODE` lines to
//! `sms-outbox.log` in the data folder; production uses a provider client.

use std::path::PathBuf;

use async_trait::async_trait;
use domain::phone::Phone;
use tokio::io::AsyncWriteExt;

pub mod aliyun;

/// Sends texts to phones: login codes, and supplement reminders for activities put forward
/// as excellent.
#[async_trait]
pub trait SmsSender: Send + Sync {
    /// Sends `code` to `phone`; an error means the person will not get it.
    async fn send_code(&self, phone: &Phone, code: &str) -> Result<(), String>;

    /// Reminds `phone` that the supplement of activity `name` is due in `days` days.
    async fn send_reminder(&self, phone: &Phone, name: &str, days: u32) -> Result<(), String>;
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
        self.append(phone, code).await
    }

    async fn send_reminder(&self, phone: &Phone, name: &str, days: u32) -> Result<(), String> {
        self.append(
            phone,
            &format!("【全国科普日】您的活动“{name}”的补充信息还有{days}天截止，请尽快填报"),
        )
        .await
    }
}

impl OutboxSender {
    async fn append(&self, phone: &Phone, text: &str) -> Result<(), String> {
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
        file.write_all(format!("{} {text}\n", phone.as_str()).as_bytes())
            .await
            .map_err(|e| e.to_string())?;
        file.flush().await.map_err(|e| e.to_string())
    }
}
