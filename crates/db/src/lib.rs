//! Persistence: SeaORM entities, connection setup and repository functions per context.
//! This is the only crate that knows which database backend is in use.

pub mod audit;
pub mod batch;
pub mod entities;
pub mod grants;
pub mod identity;
pub mod inline_read;
pub mod notifications;
pub mod outbox;
pub mod projects;
pub mod review;
pub mod sqlite_writer;
pub mod writer;

use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use futures::FutureExt;
use kc_migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, Database, DatabaseConnection};

pub use inline_read::{FastRead, Finder};
pub use sea_orm::{ConnectionTrait, DatabaseTransaction, DbBackend, DbErr, Statement, TransactionTrait};
pub use writer::{Row, WriteTxn};

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("database error: {0}")]
    Db(#[from] DbErr),
    #[error("unique constraint violated: {0}")]
    Unique(String),
    #[error("not found")]
    NotFound,
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
}

impl DbError {
    /// Classifies a driver error, separating unique violations (a user-facing conflict).
    pub fn classify(err: DbErr) -> DbError {
        let text = err.to_string();
        let lower = text.to_lowercase();
        if lower.contains("unique constraint") || lower.contains("duplicate key") {
            DbError::Unique(text)
        } else {
            DbError::Db(err)
        }
    }
}

pub type DbResult<T> = Result<T, DbError>;

/// Database handles. On SQLite, writes go through a single connection (SQLite allows one
/// writer; a pool of writers would fail with SQLITE_BUSY under load) while reads use a
/// pool. On PostgreSQL both are the same pool.
#[derive(Clone)]
pub struct Db {
    read: DatabaseConnection,
    write: DatabaseConnection,
    /// SQLite only: the group-commit writer for SeaORM transactions (see `batch`).
    batcher: Option<batch::Batcher>,
    /// SQLite only: the writer thread for the hot-path writes (see `sqlite_writer`).
    hot: Option<sqlite_writer::SqliteWriter>,
    /// SQLite only: hot reads on the calling thread (see `inline_read`).
    inline: Option<Arc<inline_read::InlineReader>>,
    /// SQLite only: counts writes (see `write_epoch`).
    epoch: Option<Arc<AtomicU64>>,
}

#[derive(Debug, Clone)]
pub struct DbOptions {
    pub url: String,
    pub max_connections: u32,
    /// SQLite `synchronous`: "full" survives power loss, "normal" survives a process crash.
    pub sqlite_synchronous: String,
}

impl Db {
    pub async fn connect(options: &DbOptions) -> DbResult<Db> {
        if options.url.starts_with("sqlite:") {
            let read = Database::connect(sqlite_options(options, options.max_connections)).await?;
            let epoch = Arc::new(AtomicU64::new(0));
            let mut write_options = sqlite_options(options, 1);
            let released = epoch.clone();
            // The writer connection goes back to its pool after every statement outside a
            // transaction and after every commit or rollback: whatever it wrote is visible now.
            write_options.map_sqlx_sqlite_pool_opts(move |o| {
                let released = released.clone();
                // A local file needs no liveness check; the hot writer takes it per batch.
                o.test_before_acquire(false).after_release(move |_, _| {
                    released.fetch_add(1, Ordering::SeqCst);
                    Box::pin(async { Ok(true) })
                })
            });
            let write = Database::connect(write_options).await?;
            let batcher = Some(batch::Batcher::start(write.clone()));
            let file = sea_orm::sqlx::sqlite::SqliteConnectOptions::from_str(&options.url)
                .map_err(|e| DbErr::Custom(format!("bad SQLite URL: {e}")))?;
            let hot = sqlite_writer::SqliteWriter::start(
                file.get_filename(),
                &options.sqlite_synchronous,
                write.get_sqlite_connection_pool().clone(),
                epoch.clone(),
            )?;
            let inline = Some(Arc::new(inline_read::InlineReader::new(file.get_filename())));
            Ok(Db { read, write, batcher, hot: Some(hot), inline, epoch: Some(epoch) })
        } else {
            let mut opts = ConnectOptions::new(options.url.clone());
            opts.max_connections(options.max_connections)
                .min_connections(1)
                .connect_timeout(Duration::from_secs(10))
                .acquire_timeout(Duration::from_secs(10))
                .sqlx_logging(false);
            let pool = Database::connect(opts).await?;
            Ok(Db { read: pool.clone(), write: pool, batcher: None, hot: None, inline: None, epoch: None })
        }
    }

    pub fn read(&self) -> &DatabaseConnection {
        &self.read
    }

    /// For short reads by key on a hot path: on SQLite run on the calling thread, without
    /// the hand-off to sqlx's connection thread (see `inline_read`); elsewhere the read pool.
    pub fn fast(&self) -> FastRead<'_> {
        match &self.inline {
            Some(reader) => FastRead::Inline(reader),
            None => FastRead::Pool(&self.read),
        }
    }

    pub fn write(&self) -> &DatabaseConnection {
        self.bump();
        &self.write
    }

    /// SQLite only: a number that changes whenever this process writes to the database, or
    /// `None` on PostgreSQL (other replicas write too). A result read from the database
    /// after taking the epoch is current for as long as the epoch stays the same, which lets
    /// a hot read be answered from memory without a stale answer after a write. It moves
    /// when a writer is handed out, after every transaction through `transact`, whenever
    /// the writer connection goes back to its pool (after each commit) and on `note_write`.
    pub fn write_epoch(&self) -> Option<u64> {
        self.epoch.as_ref().map(|e| e.load(Ordering::SeqCst))
    }

    /// Moves the write epoch: the HTTP layer calls it when a state-changing request is done,
    /// before its answer leaves, because the writer connection is returned to its pool (the
    /// other place it moves) in the background, a moment after the commit.
    pub fn note_write(&self) {
        self.bump();
    }

    fn bump(&self) {
        if let Some(e) = &self.epoch {
            e.fetch_add(1, Ordering::SeqCst);
        }
    }

    /// Runs `f` in a write transaction and commits it. On SQLite, concurrent callers share
    /// one commit (group commit, see `batch`), each in its own savepoint; on PostgreSQL each
    /// has its own transaction.
    pub async fn transact<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<DbErr> + Send + 'static,
        F: for<'c> FnOnce(&'c DatabaseTransaction) -> futures::future::BoxFuture<'c, Result<T, E>> + Send + 'static,
    {
        match &self.batcher {
            Some(b) => self.queued(b.enqueue(f)).await,
            None => {
                let txn = self.write.begin().await?;
                let value = f(&txn).await?;
                txn.commit().await?;
                Ok(value)
            }
        }
    }

    /// Executes one statement (atomic by itself) and returns the rows it affected: on SQLite
    /// queued with the other writes and committed with them, without a savepoint of its own;
    /// on PostgreSQL straight on the pool, without BEGIN and COMMIT.
    pub async fn write_statement(&self, statement: sea_orm::Statement) -> DbResult<u64> {
        match &self.hot {
            Some(w) => {
                let run = w.run(move |txn| async move { Ok(txn.execute(statement).await?) }.boxed(), false);
                self.queued(run).await
            }
            None => Ok(self.write.execute_raw(statement).await?.rows_affected()),
        }
    }

    /// Runs `f` in a write transaction and commits it, like `transact`, but `f` writes
    /// through `WriteTxn` (built statements), which on SQLite runs it on the writer thread
    /// without a thread hand-off per statement (see `sqlite_writer`). For the hot paths.
    pub async fn write_txn<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<DbErr> + Send + 'static,
        F: for<'c> FnOnce(&'c dyn WriteTxn) -> futures::future::BoxFuture<'c, Result<T, E>> + Send + 'static,
    {
        match &self.hot {
            Some(w) => self.queued(w.run(f, true)).await,
            None => {
                let txn = self.write.begin().await?;
                let value = f(&txn).await?;
                txn.commit().await?;
                Ok(value)
            }
        }
    }

    /// A write through the group-commit writer, with the write epoch moved before and after.
    async fn queued<T>(&self, write: impl std::future::Future<Output = T>) -> T {
        self.bump();
        let result = write.await;
        self.bump();
        result
    }

    pub fn backend(&self) -> DbBackend {
        self.write.get_database_backend()
    }

    pub fn is_sqlite(&self) -> bool {
        self.write.get_database_backend() == DbBackend::Sqlite
    }

    pub async fn migrate(&self) -> DbResult<()> {
        Migrator::up(&self.write, None).await?;
        Ok(())
    }

    /// For readiness probes.
    pub async fn ping(&self) -> DbResult<()> {
        self.read.ping().await?;
        Ok(())
    }

    pub async fn close(self) {
        let _ = self.read.close().await;
        let _ = self.write.close().await;
    }
}

fn sqlite_options(options: &DbOptions, max: u32) -> ConnectOptions {
    use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
    let synchronous = match options.sqlite_synchronous.as_str() {
        "normal" => SqliteSynchronous::Normal,
        _ => SqliteSynchronous::Full,
    };
    let mut opts = ConnectOptions::new(options.url.clone());
    opts.max_connections(max).min_connections(1).sqlx_logging(false).map_sqlx_sqlite_opts(move |o| {
        o.create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(synchronous)
            .busy_timeout(Duration::from_secs(10))
            .foreign_keys(true)
    });
    opts
}

/// Lower-cases and trims identifiers used for log-in (username, e-mail).
pub fn normalise_login(text: &str) -> String {
    text.trim().to_lowercase()
}

/// Escapes `%` and `_` for a LIKE pattern and wraps it for a contains-search.
pub fn like_pattern(q: &str) -> String {
    let escaped = q.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}

/// A page of results and the total count.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: u64,
}

/// 1-based page and size, clamped to sane bounds.
#[derive(Debug, Clone, Copy)]
pub struct PageRequest {
    pub page: u64,
    pub per_page: u64,
}

impl PageRequest {
    pub fn new(page: Option<u64>, per_page: Option<u64>) -> Self {
        Self { page: page.unwrap_or(1).max(1), per_page: per_page.unwrap_or(20).clamp(1, 200) }
    }

    pub fn offset(&self) -> u64 {
        (self.page - 1) * self.per_page
    }
}

/// Every row of a paged query, fetched 200 at a time (for exports).
pub async fn all_pages<T, F, Fut>(mut fetch: F) -> DbResult<Vec<T>>
where
    F: FnMut(PageRequest) -> Fut,
    Fut: std::future::Future<Output = DbResult<Page<T>>>,
{
    let mut rows = Vec::new();
    let mut page = PageRequest { page: 1, per_page: 200 };
    loop {
        let chunk = fetch(page).await?;
        let n = chunk.items.len() as u64;
        rows.extend(chunk.items);
        if n < page.per_page {
            return Ok(rows);
        }
        page.page += 1;
    }
}

/// Inserts one row of any entity (the demo loaders write rows the way a finished workflow
/// would have left them).
pub async fn insert_model<M, A>(conn: &impl ConnectionTrait, model: M) -> DbResult<()>
where
    M: sea_orm::IntoActiveModel<A>,
    A: sea_orm::ActiveModelTrait + Send,
{
    use sea_orm::EntityTrait;
    <A::Entity as EntityTrait>::insert(model.into_active_model())
        .exec_without_returning(conn)
        .await
        .map_err(DbError::classify)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use futures::FutureExt;

    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_write_epoch_moves_after_every_write_on_sqlite() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("e.db").display());
        let db = Db::connect(&DbOptions { url, max_connections: 2, sqlite_synchronous: "full".into() }).await.unwrap();
        db.write().execute_unprepared("CREATE TABLE t (id INTEGER PRIMARY KEY)").await.unwrap();
        // The pool takes the writer back (which moves the epoch) in the background.
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;

        let before = db.write_epoch().unwrap();
        db.read().execute_unprepared("SELECT COUNT(*) FROM t").await.unwrap();
        assert_eq!(db.write_epoch(), Some(before), "reads leave it alone");

        // A writer handed out before the epoch was taken: its commit still moves it, so a
        // read taken under `taken` is not mistaken for current after the write lands.
        let writer = db.write().clone();
        let taken = db.write_epoch().unwrap();
        writer.execute_unprepared("INSERT INTO t (id) VALUES (1)").await.unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        assert_ne!(db.write_epoch(), Some(taken));

        let taken = db.write_epoch().unwrap();
        db.transact(|txn| txn.execute_unprepared("INSERT INTO t (id) VALUES (2)").map(|r| r.map(|_| ())).boxed())
            .await
            .unwrap();
        assert_ne!(db.write_epoch(), Some(taken));
    }
}
