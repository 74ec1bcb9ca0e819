//! The SQLite writer thread, for the hot-path writes (draft saves, submissions).
//!
//! sqlx runs each SQLite connection on a worker thread of its own and hands every statement
//! and its rows across channels: each statement costs thread wake-ups, which on a small
//! machine under a deadline rush cost far more than SQLite's own work. This writer owns a
//! synchronous connection (rusqlite) on one thread and runs a whole queued transaction
//! there, statement after statement, without a hand-off: one hand-off per transaction.
//!
//! It keeps the group commit of `batch`: the jobs queued meanwhile run in one outer
//! transaction, each in its own savepoint (or none, for a single statement), committed with
//! one fsync; each caller is answered after that commit. While a batch runs, the writer
//! holds the SeaORM writer connection (the pool of one that every other write goes
//! through), so the two connections never write at the same time: no SQLITE_BUSY, and one
//! write order. Values are bound exactly as sqlx binds them, so rows written here read back
//! the same through SeaORM.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use futures::future::BoxFuture;
use rusqlite::Connection;
use rusqlite::types::Value as SqlValue;
use sea_orm::{DbBackend, DbErr, Statement, Value};
use tokio::sync::{mpsc, oneshot};
use uuid::Uuid;

use crate::writer::{Row, RowFn, WriteTxn};

use crate::batch::{Done, answer_after_commit, answer_all, queue_and_wait};
/// One queued transaction: runs on the writer thread, returns how to answer.
type Job = Box<dyn FnOnce(&SqliteTxn<'_>) -> Done + Send>;

/// The most transactions one commit carries.
const MAX_BATCH: usize = 256;

#[derive(Clone)]
pub struct SqliteWriter {
    jobs: mpsc::Sender<Job>,
}

/// The writer thread's connection, seen by a job.
pub struct SqliteTxn<'a> {
    conn: &'a Mutex<Connection>,
}

impl SqliteWriter {
    /// Opens the database file at `path` and starts the writer thread. `exclusive` is the
    /// SeaORM writer pool, held during each batch; `epoch` moves after each commit.
    pub fn start(
        path: &Path,
        synchronous: &str,
        exclusive: sea_orm::sqlx::SqlitePool,
        epoch: Arc<AtomicU64>,
    ) -> Result<SqliteWriter, DbErr> {
        let conn = open(path, synchronous).map_err(error)?;
        let (jobs, rx) = mpsc::channel::<Job>(4 * MAX_BATCH);
        let handle = tokio::runtime::Handle::current();
        std::thread::Builder::new()
            .name("kc-sqlite-writer".into())
            .spawn(move || run(Mutex::new(conn), rx, handle, exclusive, epoch))
            .map_err(|e| DbErr::Custom(format!("cannot start the SQLite writer: {e}")))?;
        Ok(SqliteWriter { jobs })
    }

    /// Runs `f` on the writer thread with whatever else is queued, committed together. With
    /// `savepoint`, `f` runs in its own savepoint, so its failure undoes only its own writes;
    /// without, `f` must issue exactly one statement, which SQLite undoes by itself when it
    /// fails. `f`'s future must only wait on the transaction it is given (it is driven to
    /// completion on the writer thread, where every statement finishes at once).
    pub async fn run<T, E, F>(&self, f: F, savepoint: bool) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<DbErr> + Send + 'static,
        F: for<'c> FnOnce(&'c dyn WriteTxn) -> BoxFuture<'c, Result<T, E>> + Send + 'static,
    {
        let (tx, rx) = oneshot::channel::<Result<T, E>>();
        let job: Job = Box::new(move |txn: &SqliteTxn<'_>| {
            let outcome: Result<T, E> = if savepoint {
                match txn.batch("SAVEPOINT job") {
                    Err(e) => Err(e.into()),
                    Ok(()) => match futures::executor::block_on(f(txn)) {
                        Ok(value) => txn.batch("RELEASE job").map(|()| value).map_err(E::from),
                        Err(e) => {
                            let _ = txn.batch("ROLLBACK TO job; RELEASE job");
                            Err(e)
                        }
                    },
                }
            } else {
                futures::executor::block_on(f(txn))
            };
            answer_after_commit(tx, outcome)
        });
        queue_and_wait(&self.jobs, job, rx).await
    }
}

fn open(path: &Path, synchronous: &str) -> rusqlite::Result<Connection> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    let synchronous = if synchronous == "normal" { "NORMAL" } else { "FULL" };
    conn.execute_batch(&format!(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = {synchronous}; PRAGMA foreign_keys = ON;"
    ))?;
    conn.set_prepared_statement_cache_capacity(128);
    Ok(conn)
}

fn run(
    conn: Mutex<Connection>,
    mut rx: mpsc::Receiver<Job>,
    handle: tokio::runtime::Handle,
    exclusive: sea_orm::sqlx::SqlitePool,
    epoch: Arc<AtomicU64>,
) {
    // Dropping the held pool connection returns it through the runtime.
    let _runtime = handle.enter();
    let txn = SqliteTxn { conn: &conn };
    while let Some(first) = rx.blocking_recv() {
        let jobs = crate::batch::with_queued(first, &mut rx, MAX_BATCH);
        let held = match handle.block_on(exclusive.acquire()) {
            Ok(held) => held,
            Err(e) => {
                tracing::error!(error = %e, "cannot hold the SeaORM writer for a write batch");
                continue;
            }
        };
        if let Err(e) = txn.batch("BEGIN IMMEDIATE") {
            tracing::error!(error = %e, "cannot start a write batch");
            continue;
        }
        // A job that panics rolls the whole batch back: every answer is dropped, which each
        // caller sees as an error ("not carried out"), and the later jobs do not run.
        let answers: Option<Vec<Done>> = jobs
            .into_iter()
            .map(|job| std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| job(&txn))).ok())
            .collect();
        let (answers, result) = match answers {
            Some(answers) => (answers, txn.batch("COMMIT").map_err(|e| e.to_string())),
            None => {
                tracing::error!("a batched write panicked; the batch is rolled back");
                (Vec::new(), Err("the write batch was rolled back".to_string()))
            }
        };
        if result.is_err() {
            // A failed COMMIT leaves the transaction open; end it before the next batch.
            let _ = txn.batch("ROLLBACK");
        }
        epoch.fetch_add(1, Ordering::SeqCst);
        drop(held);
        answer_all(answers, &result);
    }
}

fn error(e: rusqlite::Error) -> DbErr {
    DbErr::Custom(e.to_string())
}

impl SqliteTxn<'_> {
    fn lock(&self) -> std::sync::MutexGuard<'_, Connection> {
        // Only the writer thread locks it; a poisoned lock means a job panicked mid-statement,
        // after which the batch is rolled back anyway.
        self.conn.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn batch(&self, sql: &str) -> Result<(), DbErr> {
        self.lock().execute_batch(sql).map_err(error)
    }
}

#[async_trait::async_trait]
impl WriteTxn for SqliteTxn<'_> {
    fn backend(&self) -> DbBackend {
        DbBackend::Sqlite
    }

    async fn execute(&self, statement: Statement) -> Result<u64, DbErr> {
        let values = bound(&statement)?;
        let conn = self.lock();
        let mut prepared = conn.prepare_cached(&statement.sql).map_err(error)?;
        let changed = prepared.execute(rusqlite::params_from_iter(values.iter())).map_err(error)?;
        Ok(changed as u64)
    }

    async fn query(&self, statement: Statement, each: &mut RowFn<'_>) -> Result<(), DbErr> {
        let values = bound(&statement)?;
        let conn = self.lock();
        let mut prepared = conn.prepare_cached(&statement.sql).map_err(error)?;
        let mut rows = prepared.query(rusqlite::params_from_iter(values.iter())).map_err(error)?;
        while let Some(row) = rows.next().map_err(error)? {
            each(&SqliteRow(row))?;
        }
        Ok(())
    }
}

struct SqliteRow<'r, 's>(&'r rusqlite::Row<'s>);

impl Row for SqliteRow<'_, '_> {
    fn int(&self, column: &str) -> Result<i64, DbErr> {
        self.0.get(column).map_err(error)
    }

    fn text(&self, column: &str) -> Result<Option<String>, DbErr> {
        self.0.get(column).map_err(error)
    }

    fn uuid(&self, column: &str) -> Result<Uuid, DbErr> {
        let bytes: Vec<u8> = self.0.get(column).map_err(error)?;
        Uuid::from_slice(&bytes).map_err(|e| DbErr::Custom(format!("{column}: {e}")))
    }
}

pub(crate) fn bound(statement: &Statement) -> Result<Vec<SqlValue>, DbErr> {
    statement.values.as_ref().map_or(Ok(Vec::new()), |values| values.0.iter().map(sql_value).collect())
}

/// A SeaORM value as sqlx binds it on SQLite (sea-query-sqlx and sqlx-sqlite's encoders):
/// times as RFC 3339 text, UUIDs as 16-byte blobs, JSON as text, booleans as integers.
fn sql_value(value: &Value) -> Result<SqlValue, DbErr> {
    use chrono::SecondsFormat::AutoSi;
    fn or_null<T>(v: &Option<T>, f: impl FnOnce(&T) -> SqlValue) -> SqlValue {
        v.as_ref().map_or(SqlValue::Null, f)
    }
    Ok(match value {
        Value::Bool(v) => or_null(v, |b| SqlValue::Integer(i64::from(*b))),
        Value::TinyInt(v) => or_null(v, |i| SqlValue::Integer(i64::from(*i))),
        Value::SmallInt(v) => or_null(v, |i| SqlValue::Integer(i64::from(*i))),
        Value::Int(v) => or_null(v, |i| SqlValue::Integer(i64::from(*i))),
        Value::BigInt(v) => or_null(v, |i| SqlValue::Integer(*i)),
        Value::TinyUnsigned(v) => or_null(v, |i| SqlValue::Integer(i64::from(*i))),
        Value::SmallUnsigned(v) => or_null(v, |i| SqlValue::Integer(i64::from(*i))),
        Value::Unsigned(v) => or_null(v, |i| SqlValue::Integer(i64::from(*i))),
        Value::BigUnsigned(Some(i)) => {
            SqlValue::Integer(i64::try_from(*i).map_err(|_| DbErr::Custom(format!("{i} is out of range")))?)
        }
        Value::BigUnsigned(None) => SqlValue::Null,
        Value::Float(v) => or_null(v, |f| SqlValue::Real(f64::from(*f))),
        Value::Double(v) => or_null(v, |f| SqlValue::Real(*f)),
        Value::String(v) => or_null(v, |s| SqlValue::Text(s.clone())),
        Value::Char(v) => or_null(v, |c| SqlValue::Text(c.to_string())),
        Value::Bytes(v) => or_null(v, |b| SqlValue::Blob(b.clone())),
        Value::Json(v) => or_null(v, |j| SqlValue::Text(j.to_string())),
        Value::ChronoDate(v) => or_null(v, |d| SqlValue::Text(d.format("%F").to_string())),
        Value::ChronoTime(v) => or_null(v, |t| SqlValue::Text(t.format("%T%.f").to_string())),
        Value::ChronoDateTime(v) => or_null(v, |t| SqlValue::Text(t.format("%F %T%.f").to_string())),
        Value::ChronoDateTimeUtc(v) => or_null(v, |t| SqlValue::Text(t.to_rfc3339_opts(AutoSi, false))),
        Value::ChronoDateTimeLocal(v) => or_null(v, |t| SqlValue::Text(t.to_rfc3339_opts(AutoSi, false))),
        Value::ChronoDateTimeWithTimeZone(v) => or_null(v, |t| SqlValue::Text(t.to_rfc3339_opts(AutoSi, false))),
        Value::Uuid(v) => or_null(v, |u| SqlValue::Blob(u.as_bytes().to_vec())),
        other => return Err(DbErr::Custom(format!("the SQLite writer cannot bind {other:?}"))),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use futures::FutureExt;
    use sea_orm::sea_query::{Alias, Query};
    use sea_orm::{ConnectionTrait, DbBackend, Statement};

    use crate::{Db, DbOptions, WriteTxn};

    async fn db(name: &str) -> (tempfile::TempDir, Db) {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}?mode=rwc", dir.path().join(name).display());
        let db = Db::connect(&DbOptions { url, max_connections: 4, sqlite_synchronous: "full".into() }).await.unwrap();
        (dir, db)
    }

    async fn stored(db: &Db, id: i64) -> Vec<String> {
        let row = db
            .read()
            .query_one_raw(Statement::from_string(
                DbBackend::Sqlite,
                format!(
                    "SELECT typeof(u) || ':' || quote(u) AS u, typeof(t) || ':' || quote(t) AS t, \
                     typeof(j) || ':' || quote(j) AS j, typeof(b) || ':' || quote(b) AS b, \
                     typeof(f) || ':' || quote(f) AS f, typeof(d) || ':' || quote(d) AS d, \
                     typeof(n) || ':' || quote(n) AS n, typeof(s) || ':' || quote(s) AS s FROM v WHERE id = {id}"
                ),
            ))
            .await
            .unwrap()
            .unwrap();
        ["u", "t", "j", "b", "f", "d", "n", "s"].iter().map(|c| row.try_get::<String>("", c).unwrap()).collect()
    }

    /// Rows written by the writer thread must be byte-for-byte what SeaORM (sqlx) writes,
    /// or comparisons and ordering in SQL would differ between rows written either way.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn values_are_stored_as_sqlx_stores_them() {
        let (_dir, db) = db("v.db").await;
        db.write().execute_unprepared("CREATE TABLE v (id INTEGER PRIMARY KEY, u, t, j, b, f, d, n, s)").await.unwrap();
        let at = chrono::DateTime::parse_from_rfc3339("2026-12-08T09:30:01.250+08:00").unwrap().to_utc();
        let insert = |id: i64| {
            DbBackend::Sqlite.build(
                &Query::insert()
                    .into_table(Alias::new("v"))
                    .columns(["id", "u", "t", "j", "b", "f", "d", "n", "s"].map(Alias::new))
                    .values_panic([
                        id.into(),
                        uuid::Uuid::parse_str("0193a6f0-1c2d-7e3f-8a4b-5c6d7e8f9a0b").unwrap().into(),
                        at.into(),
                        serde_json::json!({"题目": "自贡", "n": 1.5}).into(),
                        true.into(),
                        2.5f64.into(),
                        chrono::NaiveDate::from_ymd_opt(2026, 12, 8).unwrap().into(),
                        Option::<String>::None.into(),
                        "申报书 ' 引号".into(),
                    ])
                    .to_owned(),
            )
        };
        db.write().execute_raw(insert(1)).await.unwrap();
        db.write_statement(insert(2)).await.unwrap();
        assert_eq!(stored(&db, 2).await, stored(&db, 1).await);
        assert!(stored(&db, 1).await[0].starts_with("blob:"), "UUIDs are blobs");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn hot_and_seaorm_writes_mix_without_loss_and_fail_alone() {
        let (_dir, db) = db("m.db").await;
        db.write().execute_unprepared("CREATE TABLE t (id INTEGER PRIMARY KEY)").await.unwrap();
        let insert = |id: i64| Statement::from_string(DbBackend::Sqlite, format!("INSERT INTO t (id) VALUES ({id})"));
        let tasks: Vec<_> = (0..90)
            .map(|i: i64| {
                let db = db.clone();
                tokio::spawn(async move {
                    match i % 3 {
                        // Through the writer thread, two statements; every ninth fails after
                        // writing both, and only its own rows may vanish.
                        0 => db
                            .write_txn(move |txn: &dyn WriteTxn| {
                                async move {
                                    txn.execute(insert(i)).await?;
                                    txn.execute(insert(1000 + i)).await?;
                                    if i % 9 == 0 { Err(sea_orm::DbErr::Custom("refused".into())) } else { Ok(()) }
                                }
                                .boxed()
                            })
                            .await
                            .is_ok(),
                        // One statement through the writer thread.
                        1 => db.write_statement(insert(i)).await.is_ok(),
                        // A SeaORM transaction through the other connection.
                        _ => db
                            .transact(move |txn| txn.execute_raw(insert(i)).map(|r| r.map(|_| ())).boxed())
                            .await
                            .is_ok(),
                    }
                })
            })
            .collect();
        let mut acknowledged = 0;
        for t in tasks {
            if t.await.unwrap() {
                acknowledged += 1;
            }
        }
        assert_eq!(acknowledged, 90 - 10);
        let count = |sql: &'static str| {
            let db = db.clone();
            async move {
                let row =
                    db.read().query_one_raw(Statement::from_string(DbBackend::Sqlite, sql)).await.unwrap().unwrap();
                row.try_get::<i64>("", "n").unwrap()
            }
        };
        // 20 of the 30 two-row jobs, and all 60 single rows.
        assert_eq!(count("SELECT COUNT(*) AS n FROM t").await, 20 * 2 + 60);
        assert_eq!(count("SELECT COUNT(*) AS n FROM t WHERE id % 9 = 0 AND id < 1000").await, 0);

        // A failing single statement is undone alone; a query reads what the job wrote.
        assert!(db.write_statement(insert(1)).await.is_err());
        let seen = db
            .write_txn(move |txn: &dyn WriteTxn| {
                async move {
                    txn.execute(insert(5000)).await?;
                    let mut ids = Vec::new();
                    txn.query(
                        Statement::from_string(DbBackend::Sqlite, "SELECT id FROM t WHERE id >= 5000"),
                        &mut |row| {
                            ids.push(row.int("id")?);
                            Ok(())
                        },
                    )
                    .await?;
                    Ok::<_, sea_orm::DbErr>(ids)
                }
                .boxed()
            })
            .await
            .unwrap();
        assert_eq!(seen, vec![5000]);

        // A job that panics is refused, rolls its batch back, and the writer goes on.
        let panicked = db
            .write_txn(move |txn: &dyn WriteTxn| {
                async move {
                    txn.execute(insert(6000)).await?;
                    if txn.backend() == DbBackend::Sqlite {
                        panic!("a bug in a job");
                    }
                    Ok::<_, sea_orm::DbErr>(())
                }
                .boxed()
            })
            .await;
        assert!(panicked.is_err());
        assert_eq!(count("SELECT COUNT(*) AS n FROM t WHERE id = 6000").await, 0);
        assert_eq!(db.write_statement(insert(6001)).await.unwrap(), 1);
        assert_eq!(count("SELECT COUNT(*) AS n FROM t WHERE id = 6001").await, 1);
    }
}
