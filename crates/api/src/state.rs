use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;

use std::time::Duration;

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use kc_db::Db;
use kc_db::entities::{session, user};
use moka::sync::Cache;
use uuid::Uuid;

use crate::clock::Clock;
use crate::read_cache::EpochCache;
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
    /// Sessions recently read from the database, by hashed id, for a few seconds
    /// (`auth.session_cache_seconds`): every authenticated request needs one, and the
    /// database round trip dominated them. Changes made on this replica evict at once;
    /// other replicas see a revocation within the cache time. `None` when disabled.
    pub sessions: Option<Cache<String, (session::Model, user::Model)>>,
    /// Organisation names for account views (names change rarely; one minute).
    pub org_names: Cache<Uuid, String>,
    /// Uploaded files.
    pub storage: kc_storage::Storage,
    /// Parsed call documents by id, for five seconds: every application read and submit
    /// needs its call, and the document (≈100 KB for Zigong) dominated those requests.
    /// A save on this replica evicts at once; other replicas follow within five seconds.
    pub calls: Cache<Uuid, Arc<crate::grants::StoredCall>>,
    /// Applications with their JSON view, while nothing has been written since (SQLite).
    pub applications: EpochCache<Uuid, Arc<crate::grants::CachedApplication>>,
    /// Rendered application lists (bureau, recommending unit) by scope and query, likewise.
    pub lists: EpochCache<String, axum::body::Bytes>,
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl AppState {
    pub fn new(db: Db, settings: Settings, clock: Arc<dyn Clock>, storage: kc_storage::Storage) -> Self {
        let per_minute = NonZeroU32::new(settings.auth.login_rate_per_minute.max(1)).unwrap_or(NonZeroU32::MIN);
        let login_limiter = RateLimiter::keyed(Quota::per_minute(per_minute));
        let dummy_hash = crate::auth::hash_password_blocking("not-a-real-password").unwrap_or_default();
        let ttl = settings.auth.session_cache_seconds;
        let sessions = (ttl > 0).then(|| {
            Cache::builder()
                .max_capacity(100_000)
                .time_to_live(Duration::from_secs(ttl))
                .support_invalidation_closures()
                .build()
        });
        let org_names = Cache::builder().max_capacity(50_000).time_to_live(Duration::from_secs(60)).build();
        let calls = Cache::builder().max_capacity(1_000).time_to_live(Duration::from_secs(5)).build();
        // 64 MiB each: a few thousand applications, a few hundred rendered lists.
        let applications =
            EpochCache::new(64 << 20, Duration::from_secs(60), |a: &Arc<crate::grants::CachedApplication>| {
                a.body.len() + a.model.data.len() + 512
            });
        let lists = EpochCache::new(64 << 20, Duration::from_secs(60), |b: &axum::body::Bytes| b.len() + 64);
        Self(Arc::new(Inner {
            db,
            settings,
            clock,
            login_limiter,
            dummy_hash,
            sessions,
            org_names,
            storage,
            calls,
            applications,
            lists,
        }))
    }

    /// Evicts one cached session (after log-out).
    pub fn forget_session(&self, id_hash: &str) {
        if let Some(c) = &self.sessions {
            c.invalidate(id_hash);
        }
    }

    /// Evicts every cached session of a user (log out everywhere, password or status change).
    pub fn forget_sessions_of(&self, user_id: Uuid) {
        if let Some(c) = &self.sessions {
            // Only fails when closures are not enabled, which the builder above does.
            let _ = c.invalidate_entries_if(move |_, (_, u)| u.id == user_id);
        }
    }
}
