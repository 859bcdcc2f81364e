//! kepu's use cases: one function for each thing a user does. Authorisation by role and by
//! area is decided here, once, and applied in the queries themselves.

pub mod activities;
pub mod audit;
pub mod auth;
pub mod backup;
pub mod bench;
pub mod campaigns;
pub mod clock;
pub mod config;
pub mod contests;
pub mod demo;
pub mod entries;
pub mod error;
pub mod evaluations;
pub mod exports;
pub mod files;
pub mod fixtures;
pub mod ical;
pub mod jobs;
pub mod judging;
pub mod media;
pub mod net;
pub mod nominations;
pub mod notifications;
pub mod orgs;
pub mod paging;
pub mod portal_context;
pub mod posts;
pub mod public;
pub mod quotas;
pub mod record;
pub mod regions;
pub mod resources;
pub mod results;
pub mod review;
pub mod routes;
pub mod scope;
pub mod search;
pub mod sms;
pub mod stats;
pub mod summaries;
pub mod supplements;
pub mod users;
pub mod votes;

use std::sync::Arc;

pub use auth::{Actor, Grant};
pub use clock::{Clock, SystemClock, TestClock};
pub use config::Config;
pub use error::AppError;

/// Everything a use case needs: the database, the clock, the SMS sender and the settings.
/// Cheap to clone; holds no per-user state (sessions, limits and locks are in the database).
#[derive(Clone)]
pub struct App {
    /// The database: readers and the writer (see `store::Db`).
    pub db: store::Db,
    /// The source of time.
    pub clock: Arc<dyn Clock>,
    /// Where login codes go.
    pub sms: Arc<dyn sms::SmsSender>,
    /// Settings.
    pub config: Arc<Config>,
    /// Uploaded files.
    pub files: files::Files,
    /// This instance's search index.
    pub search: Arc<store::search::SearchIndex>,
    /// One catch-up of the index at a time in this instance.
    search_turn: Arc<tokio::sync::Mutex<()>>,
    /// The log position this instance's index is known to have reached.
    search_position: Arc<std::sync::atomic::AtomicI64>,
    /// Campaign rules by id: a campaign's rules never change once made.
    rules_cache:
        Arc<std::sync::RwLock<std::collections::HashMap<i64, domain::campaign::CampaignRules>>>,
    /// The public pages' reference data, as last read.
    reference: Arc<portal_context::Kept>,
    /// Public list answers, kept until the search log moves.
    public_answers: Arc<store::cache::Cache<String, public::Listed>>,
    /// The JSON list's answers as sent, kept like `public_answers`.
    public_json: Arc<store::cache::Cache<String, bytes::Bytes>>,
    /// Statistics answers, kept until the audit trail or the search log moves.
    stats_answers: Arc<store::cache::Cache<String, stats::StatsView>>,
    /// Image decodes allowed at once in this instance.
    decodes: Arc<tokio::sync::Semaphore>,
    /// Proxies whose forwarding headers name the client.
    pub trusted_proxies: Arc<net::TrustedProxies>,
}

impl App {
    /// Connects to the configured database, applies migrations, loads the shipped divisions
    /// and makes the current national campaign if there is none.
    pub async fn start(
        config: Config,
        clock: Arc<dyn Clock>,
        sms: Arc<dyn sms::SmsSender>,
    ) -> Result<App, AppError> {
        let durability = config.durability().map_err(AppError::Malformed)?;
        let db = store::connect_with(&config.database_url(), durability)
            .await
            .map_err(AppError::internal)?;
        store::migrations::migrate(db.writer()).await?;
        store::regions::load_if_empty(db.writer())
            .await
            .map_err(AppError::internal)?;
        let files = files::Files::open(&config.storage, &config.data_dir)?;
        let search = store::search::SearchIndex::open(&config.data_dir.join("search"))
            .map_err(AppError::internal)?;
        let public_answers = Arc::new(store::cache::Cache::new(config.kept_public_answers));
        let public_json = Arc::new(store::cache::Cache::weighed(
            config.kept_public_megabytes.saturating_mul(1 << 20),
            bytes::Bytes::len,
        ));
        let stats_answers = Arc::new(store::cache::Cache::new(config.kept_stats_answers));
        let decodes = Arc::new(tokio::sync::Semaphore::new(
            config.media.decodes_at_once.max(1),
        ));
        let trusted_proxies = Arc::new(net::TrustedProxies::parse(&config.trusted_proxies)?);
        let app = App {
            trusted_proxies,
            decodes,
            db,
            clock,
            sms,
            config: Arc::new(config),
            files,
            search: Arc::new(search),
            search_turn: Arc::default(),
            search_position: Arc::default(),
            rules_cache: Arc::default(),
            reference: Arc::default(),
            public_answers,
            public_json,
            stats_answers,
        };
        app.ensure_current_campaign().await?;
        stats::rebuild_if_missing(&app.db).await?;
        orgs::fill_name_keys(&app.db).await?;
        Ok(app)
    }
}

/// Hex SHA-256, used for everything kepu stores only as a hash (tokens, codes, session ids).
pub fn sha256_hex(input: &str) -> String {
    sha256_of_bytes(input.as_bytes())
}

/// The SHA-256 of a file's bytes, lower-case hex, read in a stream (blocking: run it on
/// a blocking thread).
pub fn sha256_of_file(path: &std::path::Path) -> Result<String, AppError> {
    use sha2::Digest;
    let mut file = std::fs::File::open(path).map_err(AppError::internal)?;
    let mut hasher = sha2::Sha256::new();
    std::io::copy(&mut file, &mut hasher).map_err(AppError::internal)?;
    Ok(hex::encode(hasher.finalize()))
}

/// The SHA-256 of some bytes, lower-case hex.
pub fn sha256_of_bytes(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

/// Random bytes from the operating system, hex-encoded.
pub fn random_hex(bytes: usize) -> Result<String, AppError> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).map_err(|e| AppError::internal(format!("OS RNG: {e}")))?;
    Ok(hex::encode(buf))
}

/// Compares two secrets in constant time; an empty one never matches.
pub fn same_secret(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    !a.is_empty() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

impl App {
    /// Whether the database answers (for `/healthz`).
    pub async fn ping(&self) -> Result<(), AppError> {
        Ok(self.db.ping().await?)
    }
}
