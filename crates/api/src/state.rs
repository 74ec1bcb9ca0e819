use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use kc_db::Db;

use crate::clock::Clock;
use crate::settings::Settings;

/// Everything a handler needs; cheap to clone.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

pub struct Inner {
    pub db: Db,
    pub settings: Settings,
    pub clock: Arc<dyn Clock>,
    /// Per-replica throttle of log-in attempts per client address. Account lockout, which
    /// must hold across replicas, is kept in the database instead.
    pub login_limiter: DefaultKeyedRateLimiter<IpAddr>,
    /// A real argon2 hash to verify against when the account does not exist, so timing
    /// does not tell which log-in names exist.
    pub dummy_hash: String,
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl AppState {
    pub fn new(db: Db, settings: Settings, clock: Arc<dyn Clock>) -> Self {
        let per_minute = NonZeroU32::new(settings.auth.login_rate_per_minute.max(1)).unwrap_or(NonZeroU32::MIN);
        let login_limiter = RateLimiter::keyed(Quota::per_minute(per_minute));
        let dummy_hash = crate::auth::hash_password_blocking("not-a-real-password").unwrap_or_default();
        Self(Arc::new(Inner { db, settings, clock, login_limiter, dummy_hash }))
    }
}
