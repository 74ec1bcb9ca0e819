//! Hot reads answered from memory while nothing has been written since they were read.
//!
//! On SQLite one process owns the database, so [`kc_db::Db::write_epoch`] sees every write:
//! an entry is served only while the epoch it was read under is still current, so it is as
//! fresh as a database read (the epoch moves before the answer to any state-changing request
//! leaves, and when a background job's commit returns the writer). On PostgreSQL (replicas write too) there is no
//! epoch and every read goes to the database. The time limit only bounds memory and covers
//! writes from outside the server process (`kechuang` CLI commands).

use std::future::Future;
use std::hash::Hash;
use std::time::Duration;

use kc_db::Db;
use moka::sync::Cache;

pub struct EpochCache<K, V> {
    entries: Cache<K, (u64, V)>,
}

impl<K, V> EpochCache<K, V>
where
    K: Hash + Eq + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    pub fn new(capacity: u64, ttl: Duration) -> Self {
        Self { entries: Cache::builder().max_capacity(capacity).time_to_live(ttl).build() }
    }

    /// The cached value if nothing was written since it was read, else `load()`'s (kept
    /// for the next caller when the database has an epoch).
    pub async fn get_or_load<E, F, Fut>(&self, db: &Db, key: K, load: F) -> Result<V, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<V, E>>,
    {
        // Taken before reading, so a write that lands during the read invalidates the entry.
        let Some(epoch) = db.write_epoch() else {
            return load().await;
        };
        if let Some((at, value)) = self.entries.get(&key)
            && at == epoch
        {
            return Ok(value);
        }
        let value = load().await?;
        self.entries.insert(key, (epoch, value.clone()));
        Ok(value)
    }
}
