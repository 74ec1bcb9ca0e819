//! Hot reads answered from memory while nothing has been written since they were read.
//!
//! On SQLite one process owns the database, so [`kc_db::Db::write_epoch`] sees every write:
//! an entry is served only while the epoch it was read under is still current, so it is as
//! fresh as a database read (the epoch moves before the answer to any state-changing request
//! leaves, and when a background job's commit returns the writer). On PostgreSQL (replicas
//! write too) there is no epoch and every read goes to the database. The time limit only
//! bounds memory and covers writes from outside the server process (`kechuang` CLI commands).

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
    /// At most `max_bytes` of values as `size` counts them (the rendered bodies dominate).
    pub fn new(max_bytes: u64, ttl: Duration, size: fn(&V) -> usize) -> Self {
        let entries = Cache::builder()
            .max_capacity(max_bytes)
            .weigher(move |_, (_, v): &(u64, V)| u32::try_from(size(v)).unwrap_or(u32::MAX))
            .time_to_live(ttl)
            .build();
        Self { entries }
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

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use kc_db::{ConnectionTrait, DbOptions};

    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn served_from_memory_until_something_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("c.db").display());
        let db = Db::connect(&DbOptions { url, max_connections: 2, sqlite_synchronous: "full".into() }).await.unwrap();
        db.write().execute_unprepared("CREATE TABLE t (id INTEGER PRIMARY KEY)").await.unwrap();
        // The pool takes the writer back (which moves the epoch) in the background.
        tokio::time::sleep(Duration::from_millis(50)).await;
        let cache: EpochCache<&str, String> = EpochCache::new(1 << 20, Duration::from_secs(60), String::len);
        let loads = AtomicUsize::new(0);
        let load = || async {
            let n = loads.fetch_add(1, Ordering::SeqCst);
            Ok::<_, ()>(format!("read {n}"))
        };

        assert_eq!(cache.get_or_load(&db, "k", load).await.unwrap(), "read 0");
        assert_eq!(cache.get_or_load(&db, "k", load).await.unwrap(), "read 0", "no write: from memory");
        db.note_write();
        assert_eq!(cache.get_or_load(&db, "k", load).await.unwrap(), "read 1", "after a write: read again");
        assert_eq!(cache.get_or_load(&db, "other", load).await.unwrap(), "read 2", "keys are apart");
        // A failed read is not kept.
        let failed: Result<String, ()> = cache.get_or_load(&db, "bad", || async { Err(()) }).await;
        assert!(failed.is_err());
        assert_eq!(cache.get_or_load(&db, "bad", load).await.unwrap(), "read 3");
    }
}
