//! kepu's settings: one typed struct. Embedded defaults, then a TOML file, then environment
//! variables (merged by the binary).

use std::path::PathBuf;

use serde::Deserialize;

/// All settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct Config {
    /// Address to listen on (`KEPU_BIND`).
    pub bind: String,
    /// Where the embedded database, uploads, the search index and the SMS outbox live
    /// (`KEPU_DATA_DIR`).
    pub data_dir: PathBuf,
    /// `sqlite://PATH?mode=rwc` or `postgres://…` (`KEPU_DATABASE_URL`); default: `kepu.db`
    /// in the data folder.
    pub database_url: Option<String>,
    /// Mark the session cookie `Secure` (behind HTTPS in production).
    pub cookie_secure: bool,
    /// Login limits and durations.
    pub login: LoginLimits,
    /// Check-in limits (打卡).
    pub checkin: CheckinLimits,
    /// The video contest's limits that are not a contest's own settings (`[contests]`).
    pub contests: ContestLimits,
    /// 千万IP创科普: each platform's hosts and the query parameters that name its content
    /// (`[online_posts.douyin] hosts = [...]`); DESIGN.md §8.2's list when not set.
    pub online_posts: domain::posts::PostRules,
    /// The evidence checks' thresholds on supplements (`[evidence]`).
    pub evidence: domain::evidence::Thresholds,
    /// SMS provider.
    pub sms: SmsConfig,
    /// Upload limits.
    pub media: MediaLimits,
    /// The publicity resource library's limits (`[resources]`).
    pub resources: domain::resources::ResourceLimits,
    /// Where uploads are stored.
    pub storage: StorageConfig,
    /// The science map's tiles.
    pub map: MapConfig,
    /// Seconds between two runs of the background jobs (reminders, link checks).
    pub jobs_every_seconds: u64,
    /// A division with more public activities than this is filtered by a probe per row
    /// rather than by the list of its ids (a query-planning threshold, not a rule).
    pub region_probe_above: u64,
    /// Seconds the public pages' reference data (current campaign, provinces) is kept
    /// before it is read again; changes through the same instance are seen at once.
    pub reference_seconds: u64,
    /// Public list answers kept until the next change to what is public (0: none).
    pub kept_public_answers: usize,
    /// Megabytes of the JSON list's answers kept as sent, in all (0: none): a page holds
    /// up to a hundred activities, so they are kept by size rather than by number.
    pub kept_public_megabytes: usize,
    /// Statistics answers kept until the next audited or public change (0: none).
    pub kept_stats_answers: usize,
    /// The site's public address (`https://kepu.example.cn`), the only source of the absolute
    /// links kepu writes (calendar feeds); never taken from a request's Host header. Empty:
    /// `http://` and the bind address.
    pub base_url: String,
    /// `Strict-Transport-Security` max-age in seconds, behind TLS (0: not sent).
    pub hsts_seconds: u64,
    /// Organisations one account may apply for in 24 hours.
    pub org_applications_per_day: u64,
    /// Whether the check of a media report link may reach private, loopback and other
    /// non-public addresses (an intranet deployment; tests). Off: such a link is refused.
    pub link_checks_reach_private_addresses: bool,
    /// Seconds a request body may pause between two parts before the request is given up.
    pub body_idle_seconds: u64,
    /// Seconds a connection may take to send a request's head, and may stay idle between
    /// two requests, before it is closed.
    pub header_read_seconds: u64,
    /// Proxies (CIDRs such as `10.0.0.0/8`) whose `X-Forwarded-For` or `Forwarded` header
    /// names the client; none by default, so the client is the socket's peer.
    pub trusted_proxies: Vec<String>,
    /// Days the audit trail is kept at least; `kepu audit purge` removes nothing younger.
    /// Never less than 180 (GB/T 22239-2019 §8.1.4.3): a smaller value counts as 180.
    pub audit_retention_days: i64,
    /// Years after its campaign's year that an activity's contact person and phone are kept;
    /// then a daily job removes them (from the activity and from its history's snapshots).
    pub contacts_kept_years: i32,
    /// SQLite only: `normal` (a power loss may take back the last commits) or `full` (an
    /// fsync at every commit; nothing acknowledged is lost). See docs/OPERATIONS.md.
    pub sqlite_synchronous: String,
}

/// The tiles under the maps' points. Without a tile URL the points are drawn on a plain
/// ground, which needs no provider.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct MapConfig {
    /// An XYZ (Web Mercator) tile URL with `{z}`, `{x}` and `{y}`, e.g. 天地图's
    /// `https://t0.tianditu.gov.cn/vec_w/wmts?…&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=KEY`.
    pub tile_url: String,
    /// The datum the tiles are drawn in: `wgs84` (天地图, OpenStreetMap) or `gcj02` (高德,
    /// 腾讯). Points, stored as WGS-84, are converted to it before they are drawn.
    pub tile_datum: String,
    /// The provider's notice shown under the map (e.g. its name and 审图号).
    pub attribution: String,
}

impl MapConfig {
    /// The tiles' datum. 百度's tiles are not XYZ Web Mercator tiles and are refused.
    pub fn datum(&self) -> Result<domain::geo::Datum, String> {
        match domain::geo::Datum::parse(&self.tile_datum)? {
            domain::geo::Datum::Bd09 => {
                Err("map.tile_datum：百度瓦片不是标准 XYZ 瓦片，请选用 wgs84 或 gcj02".to_owned())
            }
            datum => Ok(datum),
        }
    }
}

impl Default for MapConfig {
    fn default() -> Self {
        MapConfig {
            tile_url: String::new(),
            tile_datum: "wgs84".to_owned(),
            attribution: String::new(),
        }
    }
}

/// Where uploads are stored: `local` (the data folder) or `s3` (with the `s3` feature).
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct StorageConfig {
    /// `local` or `s3`.
    pub kind: String,
    /// S3 bucket.
    pub s3_bucket: String,
    /// S3 region.
    pub s3_region: String,
    /// S3-compatible endpoint (`https://…`; `http://` allowed for a local server).
    pub s3_endpoint: String,
    /// Access key id.
    pub s3_access_key_id: String,
    /// Secret key; never printed.
    pub s3_secret_access_key: Secret,
}

impl Default for StorageConfig {
    fn default() -> Self {
        StorageConfig {
            kind: "local".to_owned(),
            s3_bucket: String::new(),
            s3_region: "cn-north-1".to_owned(),
            s3_endpoint: String::new(),
            s3_access_key_id: String::new(),
            s3_secret_access_key: Secret::default(),
        }
    }
}

/// Limits of uploads.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct MediaLimits {
    /// Largest poster, in bytes (the filling guide: 2 MB).
    pub poster_max_bytes: u64,
    /// Required poster width (600).
    pub poster_width: u32,
    /// Required poster height (350).
    pub poster_height: u32,
    /// Largest photo, in bytes.
    pub photo_max_bytes: u64,
    /// Largest video, in bytes.
    pub video_max_bytes: u64,
    /// A photo's longest side, read from its header before any decoding.
    pub photo_max_side: u32,
    /// A photo's largest area in megapixels (a phone's full-resolution photo passes).
    pub photo_max_megapixels: u32,
    /// Accepted photos are stored re-encoded with at most this many pixels a side.
    pub stored_max_side: u32,
    /// The most memory one image decode may allocate, in MiB.
    pub decode_max_mib: u64,
    /// Images decoded at the same time in this instance; the others wait their turn.
    pub decodes_at_once: usize,
    /// Files one activity may hold.
    pub activity_max_files: u64,
    /// Bytes one activity's files may take together.
    pub activity_max_bytes: u64,
    /// An upload its activity or supplement does not name this many hours later is deleted.
    pub unattached_upload_hours: i64,
}

impl Default for MediaLimits {
    fn default() -> Self {
        MediaLimits {
            poster_max_bytes: 2 * 1024 * 1024,
            poster_width: 600,
            poster_height: 350,
            photo_max_bytes: 10 * 1024 * 1024,
            video_max_bytes: 300 * 1024 * 1024,
            photo_max_side: 12_000,
            photo_max_megapixels: 50,
            stored_max_side: 4096,
            decode_max_mib: 192,
            decodes_at_once: 2,
            activity_max_files: 200,
            activity_max_bytes: 2 * 1024 * 1024 * 1024,
            unattached_upload_hours: 24,
        }
    }
}

/// Every limit and duration of login, each configurable.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct LoginLimits {
    /// A code works this many seconds.
    pub code_ttl_secs: i64,
    /// Codes per phone in any window of `resend_window_secs`.
    pub codes_per_phone_per_window: u64,
    /// The resend window (one code a minute).
    pub resend_window_secs: i64,
    /// Codes per phone in 24 hours.
    pub codes_per_phone_per_day: u64,
    /// Codes per client address in an hour.
    pub codes_per_ip_per_hour: u64,
    /// Wrong codes before the phone is locked.
    pub max_failures: i32,
    /// How long a lock lasts.
    pub lock_secs: i64,
    /// A browser session ends after this many minutes without a request.
    pub session_idle_minutes: i64,
    /// A browser session ends this many hours after login, however busy.
    pub session_max_hours: i64,
    /// How long a bearer token lasts (from the API, the web UI or the command line).
    pub token_ttl_days: i64,
    /// Codes the whole platform sends in one day (Beijing time); then none until midnight.
    pub sms_daily_budget: u64,
    /// The pumping watch looks at the last hour only once this many codes were sent in it.
    pub alarm_min_codes: u64,
    /// Alarm when logins completed fall under this percentage of codes sent in an hour.
    pub alarm_completion_percent: u64,
    /// Digits of a number that make its prefix (号段 and area block).
    pub alarm_prefix_digits: usize,
    /// Alarm when one prefix asks for more than this many codes in an hour.
    pub alarm_prefix_codes_per_hour: u64,
}

impl Default for LoginLimits {
    fn default() -> Self {
        LoginLimits {
            code_ttl_secs: 300,
            codes_per_phone_per_window: 1,
            resend_window_secs: 60,
            codes_per_phone_per_day: 10,
            codes_per_ip_per_hour: 20,
            max_failures: 5,
            lock_secs: 900,
            session_idle_minutes: 30,
            session_max_hours: 12,
            token_ttl_days: 90,
            sms_daily_budget: 200_000,
            alarm_min_codes: 50,
            alarm_completion_percent: 20,
            alarm_prefix_digits: 7,
            alarm_prefix_codes_per_hour: 20,
        }
    }
}

/// The limits of check-ins (the daily cap and the travel speed are each route's own).
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct CheckinLimits {
    /// Wrong or expired codes a visitor may type in `refused_window_secs`; then 429.
    pub refused_codes: usize,
    /// The window of `refused_codes`.
    pub refused_window_secs: i64,
    /// Days the log of check-in attempts (address, user agent, position) is kept; older
    /// entries are deleted by the background jobs.
    pub attempts_kept_days: i64,
    /// The largest stamp image (印章图片) a venue may upload, in bytes.
    pub stamp_image_max_bytes: u64,
    /// A stamp image's smallest side, in pixels.
    pub stamp_image_min_px: u32,
    /// A stamp image's largest side, in pixels.
    pub stamp_image_max_px: u32,
}

impl Default for CheckinLimits {
    fn default() -> Self {
        CheckinLimits {
            refused_codes: 10,
            refused_window_secs: 3600,
            attempts_kept_days: 183,
            stamp_image_max_bytes: 200 * 1024,
            stamp_image_min_px: 64,
            stamp_image_max_px: 2048,
        }
    }
}

/// The video contest's limits that are not a contest's own settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct ContestLimits {
    /// The largest signed or sealed 报名表 PDF, in bytes.
    pub signed_form_max_bytes: u64,
    /// Public votes one address may cast in an hour, in one contest.
    pub votes_per_address_per_hour: u64,
}

impl Default for ContestLimits {
    fn default() -> Self {
        ContestLimits {
            signed_form_max_bytes: 10 * 1024 * 1024,
            votes_per_address_per_hour: 60,
        }
    }
}

/// Which SMS provider sends login codes.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct SmsConfig {
    /// `outbox` (development: lines appended to `sms-outbox.log`) or `aliyun`.
    pub provider: String,
    /// Aliyun AccessKey id.
    pub aliyun_access_key_id: String,
    /// Aliyun AccessKey secret; never printed.
    pub aliyun_access_key_secret: Secret,
    /// Registered signature (签名).
    pub aliyun_sign_name: String,
    /// Template with a `${code}` parameter.
    pub aliyun_template_code: String,
    /// Template with `${name}` and `${days}` parameters, for supplement reminders.
    pub aliyun_reminder_template_code: String,
    /// API endpoint.
    pub aliyun_endpoint: String,
}

impl Default for SmsConfig {
    fn default() -> Self {
        SmsConfig {
            provider: "outbox".to_owned(),
            aliyun_access_key_id: String::new(),
            aliyun_access_key_secret: Secret::default(),
            aliyun_sign_name: String::new(),
            aliyun_template_code: String::new(),
            aliyun_reminder_template_code: String::new(),
            aliyun_endpoint: "https://dysmsapi.aliyuncs.com/".to_owned(),
        }
    }
}

/// A secret value that never prints.
#[derive(Clone, Default, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// The value, for the one place that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[secret]")
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            bind: "127.0.0.1:8080".to_owned(),
            data_dir: PathBuf::from("./data"),
            database_url: None,
            cookie_secure: false,
            login: LoginLimits::default(),
            checkin: CheckinLimits::default(),
            contests: ContestLimits::default(),
            online_posts: domain::posts::default_rules(),
            evidence: domain::evidence::Thresholds::default(),
            sms: SmsConfig::default(),
            media: MediaLimits::default(),
            resources: domain::resources::ResourceLimits::default(),
            storage: StorageConfig::default(),
            map: MapConfig::default(),
            jobs_every_seconds: 30,
            region_probe_above: 5000,
            reference_seconds: 5,
            kept_public_answers: 1024,
            kept_public_megabytes: 32,
            kept_stats_answers: 256,
            base_url: String::new(),
            hsts_seconds: 0,
            org_applications_per_day: 10,
            link_checks_reach_private_addresses: false,
            body_idle_seconds: 30,
            trusted_proxies: Vec::new(),
            header_read_seconds: 15,
            audit_retention_days: 180,
            contacts_kept_years: 3,
            sqlite_synchronous: "normal".to_owned(),
        }
    }
}

impl Config {
    /// The site's public address, without a trailing slash.
    pub fn site_url(&self) -> String {
        let url = self.base_url.trim().trim_end_matches('/');
        if url.is_empty() {
            format!("http://{}", self.bind)
        } else {
            url.to_owned()
        }
    }

    /// SQLite's durability, from `sqlite_synchronous`.
    pub fn durability(&self) -> Result<store::Durability, String> {
        match self.sqlite_synchronous.trim().to_ascii_lowercase().as_str() {
            "normal" => Ok(store::Durability::Normal),
            "full" => Ok(store::Durability::Full),
            other => Err(format!(
                "sqlite_synchronous 须为 normal 或 full，收到“{other}”"
            )),
        }
    }

    /// The database URL, defaulting to `kepu.db` in the data folder.
    pub fn database_url(&self) -> String {
        self.database_url.clone().unwrap_or_else(|| {
            format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("kepu.db").display()
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_do_not_print() {
        let mut config = Config::default();
        config.sms.aliyun_access_key_secret = Secret("hunter2".to_owned());
        assert!(!format!("{config:?}").contains("hunter2"));
    }

    #[test]
    fn the_default_database_is_sqlite_in_the_data_folder() {
        assert_eq!(
            Config::default().database_url(),
            "sqlite://./data/kepu.db?mode=rwc"
        );
    }
}
