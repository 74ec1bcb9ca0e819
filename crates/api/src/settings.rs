//! Settings from `kechuang.toml` and `KC_*` variables; every default runs.

use std::path::PathBuf;

use kc_core::password::PasswordPolicy;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Address to listen on.
    pub listen: String,
    /// Where the SQLite file and uploaded files live.
    pub data_dir: PathBuf,
    /// `postgres://…` for PostgreSQL; unset means SQLite in `data_dir`.
    pub database_url: Option<String>,
    pub database_max_connections: u32,
    /// SQLite `synchronous`: "full" (default) or "normal".
    pub sqlite_synchronous: String,
    /// Load demo data at start-up.
    pub demo: bool,
    /// "text" or "json".
    pub log_format: String,
    /// The address users reach the site at, used in mailed links (default: the listen address).
    pub public_url: Option<String>,
    /// Take the client address from `X-Forwarded-For` (only behind a trusted proxy).
    pub trust_forwarded_for: bool,
    /// Experts with reviews still to hand in are reminded this many hours before a round's
    /// deadline (again at most daily); 0 turns the automatic reminder off.
    pub review_reminder_hours: i64,
    pub auth: AuthSettings,
    pub mail: MailSettings,
    pub storage: StorageSettings,
}

/// Where uploaded files go: `data_dir/files` unless an S3-compatible bucket is named
/// (replicas behind a load balancer must share one).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct StorageSettings {
    pub s3_bucket: Option<String>,
    pub s3_region: Option<String>,
    pub s3_endpoint: Option<String>,
    pub s3_access_key_id: Option<String>,
    pub s3_secret_access_key: Option<String>,
    pub s3_allow_http: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct AuthSettings {
    /// A session ends after this many minutes without use.
    pub session_idle_minutes: i64,
    /// Mark cookies `Secure` (set when served over HTTPS).
    pub cookie_secure: bool,
    /// Failed log-ins in a row that lock an account.
    pub lockout_threshold: i32,
    pub lockout_minutes: i64,
    /// Log-in attempts allowed per client address per minute (per replica).
    pub login_rate_per_minute: u32,
    pub reset_token_minutes: i64,
    /// Seconds a replica may reuse a session it read from the database (0: never). A
    /// revocation made on another replica takes effect within this time.
    pub session_cache_seconds: u64,
    pub password: PasswordPolicy,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct MailSettings {
    /// e.g. `smtps://user:pass@smtp.example.com:465`; unset keeps mail in the outbox.
    pub smtp_url: Option<String>,
    pub from: String,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            listen: "127.0.0.1:8080".into(),
            data_dir: PathBuf::from("./data"),
            database_url: None,
            database_max_connections: 16,
            sqlite_synchronous: "full".into(),
            demo: false,
            log_format: "text".into(),
            public_url: None,
            trust_forwarded_for: false,
            review_reminder_hours: 48,
            auth: AuthSettings::default(),
            mail: MailSettings::default(),
            storage: StorageSettings::default(),
        }
    }
}

impl Default for AuthSettings {
    fn default() -> Self {
        Self {
            session_idle_minutes: 8 * 60,
            cookie_secure: false,
            lockout_threshold: 5,
            lockout_minutes: 15,
            login_rate_per_minute: 30,
            reset_token_minutes: 60,
            session_cache_seconds: 2,
            password: PasswordPolicy::default(),
        }
    }
}

impl Default for MailSettings {
    fn default() -> Self {
        Self { smtp_url: None, from: "科创平台 <noreply@kechuang.local>".into() }
    }
}

impl Settings {
    /// The base of links in mails, without a trailing slash.
    pub fn public_url(&self) -> String {
        match &self.public_url {
            Some(url) if !url.trim().is_empty() => url.trim().trim_end_matches('/').to_string(),
            _ => format!("http://{}", self.listen),
        }
    }

    /// The database URL in effect: the configured one, or SQLite under `data_dir`.
    pub fn effective_database_url(&self) -> String {
        match &self.database_url {
            Some(url) if !url.trim().is_empty() => url.clone(),
            _ => format!("sqlite://{}?mode=rwc", self.data_dir.join("kechuang.db").display()),
        }
    }
}
