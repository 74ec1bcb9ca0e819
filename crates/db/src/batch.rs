//! Group commit for SQLite. Every commit of the single SQLite writer waits for an fsync
//! (`synchronous=full`), which capped write transactions at the disk's fsync rate. SeaORM
//! transactions (`Db::transact`) are instead queued to one writer task that runs every
//! queued transaction inside its own savepoint of one outer transaction and commits that once:
//! one fsync for the whole batch. Each caller is answered only after the outer commit, so
//! "acknowledged" still means "on disk"; a failing transaction rolls back only its savepoint.

use futures::FutureExt;
use futures::future::BoxFuture;
use sea_orm::{DatabaseConnection, DatabaseTransaction, DbErr, TransactionTrait};
use tokio::sync::{mpsc, oneshot};

/// Tells a caller how the outer commit went.
pub(crate) type Done = Box<dyn FnOnce(Result<(), String>) + Send>;
/// One queued transaction: runs inside the batch's transaction, returns how to answer.
type Job = Box<dyn for<'c> FnOnce(&'c DatabaseTransaction) -> BoxFuture<'c, Done> + Send>;

/// The most transactions one commit carries.
const MAX_BATCH: usize = 128;

#[derive(Clone)]
pub struct Batcher {
    jobs: mpsc::Sender<Job>,
}

impl Batcher {
    /// Starts the writer task on `write` (the single writer connection).
    pub fn start(write: DatabaseConnection) -> Batcher {
        let (jobs, rx) = mpsc::channel::<Job>(4 * MAX_BATCH);
        tokio::spawn(run(write, rx));
        Batcher { jobs }
    }

    /// Runs `f` with whatever else is queued, committed together, in its own savepoint, so
    /// its failure undoes only its own writes.
    pub async fn enqueue<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<DbErr> + Send + 'static,
        F: for<'c> FnOnce(&'c DatabaseTransaction) -> BoxFuture<'c, Result<T, E>> + Send + 'static,
    {
        let (tx, rx) = oneshot::channel::<Result<T, E>>();
        let job: Job = Box::new(move |outer| {
            async move {
                let outcome: Result<T, E> = match outer.begin().await {
                    Err(e) => Err(e.into()),
                    Ok(savepoint) => match f(&savepoint).await {
                        Ok(value) => savepoint.commit().await.map(|()| value).map_err(E::from),
                        Err(e) => {
                            let _ = savepoint.rollback().await;
                            Err(e)
                        }
                    },
                };
                answer_after_commit(tx, outcome)
            }
            .boxed()
        });
        queue_and_wait(&self.jobs, job, rx).await
    }
}

/// How to answer a job once its batch is committed: a failed job is answered at once (its
/// savepoint is undone); a successful one gets its value only if the commit succeeds.
pub(crate) fn answer_after_commit<T, E>(tx: oneshot::Sender<Result<T, E>>, outcome: Result<T, E>) -> Done
where
    T: Send + 'static,
    E: From<DbErr> + Send + 'static,
{
    match outcome {
        Ok(value) => Box::new(move |committed: Result<(), String>| {
            let _ = tx.send(committed.map(|()| value).map_err(|e| E::from(DbErr::Custom(e))));
        }),
        Err(e) => {
            let _ = tx.send(Err(e));
            Box::new(|_| {})
        }
    }
}

/// Queues `job` for a writer and waits for its answer on `answer`.
pub(crate) async fn queue_and_wait<J, T, E: From<DbErr>>(
    jobs: &mpsc::Sender<J>,
    job: J,
    answer: oneshot::Receiver<Result<T, E>>,
) -> Result<T, E> {
    jobs.send(job).await.map_err(|_| E::from(DbErr::Custom("the database writer has stopped".into())))?;
    // A dropped job (the batch could not start) drops its sender: an error, not a hang.
    answer.await.map_err(|_| E::from(DbErr::Custom("the write was not carried out".into())))?
}

/// `first` and whatever else is queued, up to `max`. No waiting for company: whatever queued
/// up during the previous commit joins the next one.
pub(crate) fn with_queued<J>(first: J, rx: &mut mpsc::Receiver<J>, max: usize) -> Vec<J> {
    let mut jobs = vec![first];
    while jobs.len() < max {
        match rx.try_recv() {
            Ok(job) => jobs.push(job),
            Err(_) => break,
        }
    }
    jobs
}

async fn run(write: DatabaseConnection, mut rx: mpsc::Receiver<Job>) {
    while let Some(first) = rx.recv().await {
        let jobs = with_queued(first, &mut rx, MAX_BATCH);
        let outer = match write.begin().await {
            Ok(t) => t,
            Err(e) => {
                tracing::error!(error = %e, "cannot start a write batch");
                continue;
            }
        };
        let mut answers = Vec::with_capacity(jobs.len());
        let mut panicked = false;
        for job in jobs {
            match std::panic::AssertUnwindSafe(job(&outer)).catch_unwind().await {
                Ok(done) => answers.push(done),
                Err(_) => {
                    tracing::error!("a batched write panicked; the batch is rolled back");
                    panicked = true;
                    break;
                }
            }
        }
        let result = if panicked {
            let _ = outer.rollback().await;
            Err("the write batch was rolled back".to_string())
        } else {
            outer.commit().await.map_err(|e| e.to_string())
        };
        answer_all(answers, &result);
    }
}

/// Tells every caller of a batch how its commit went (and logs a failure once).
pub(crate) fn answer_all(answers: Vec<Done>, result: &Result<(), String>) {
    if let Err(e) = result {
        tracing::error!(error = %e, "a write batch failed");
    }
    for done in answers {
        done(result.clone());
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use futures::FutureExt;
    use sea_orm::{ConnectionTrait, Statement};

    use crate::{Db, DbOptions};

    async fn count(db: &Db) -> i64 {
        let row = db
            .read()
            .query_one_raw(Statement::from_string(db.read().get_database_backend(), "SELECT COUNT(*) AS n FROM t"))
            .await
            .unwrap()
            .unwrap();
        row.try_get("", "n").unwrap()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_transactions_share_commits_and_fail_alone() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display());
        let db = Db::connect(&DbOptions { url, max_connections: 4, sqlite_synchronous: "full".into() }).await.unwrap();
        db.write().execute_unprepared("CREATE TABLE t (id INTEGER PRIMARY KEY)").await.unwrap();

        let tasks: Vec<_> = (0..60)
            .map(|i: i64| {
                let db = db.clone();
                tokio::spawn(async move {
                    db.transact(move |txn| {
                        async move {
                            txn.execute_unprepared(&format!("INSERT INTO t (id) VALUES ({i})")).await?;
                            // Every fifth fails after writing: only its own row may vanish.
                            if i % 5 == 0 { Err(sea_orm::DbErr::Custom("refused".into())) } else { Ok(i) }
                        }
                        .boxed()
                    })
                    .await
                })
            })
            .collect();
        let mut acknowledged = 0;
        for t in tasks {
            if t.await.unwrap().is_ok() {
                acknowledged += 1;
            }
        }
        assert_eq!(acknowledged, 48);
        assert_eq!(count(&db).await, 48, "every acknowledged write is there, no refused one");
        let refused = db
            .read()
            .query_one_raw(Statement::from_string(
                db.read().get_database_backend(),
                "SELECT COUNT(*) AS n FROM t WHERE id % 5 = 0",
            ))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(refused.try_get::<i64>("", "n").unwrap(), 0);

        // A duplicate key fails that transaction only; the next one still commits.
        let dup = db
            .transact(|txn| txn.execute_unprepared("INSERT INTO t (id) VALUES (1)").map(|r| r.map(|_| ())).boxed())
            .await;
        assert!(dup.is_err());
        let ok: Result<(), sea_orm::DbErr> = db
            .transact(|txn| txn.execute_unprepared("INSERT INTO t (id) VALUES (1000)").map(|r| r.map(|_| ())).boxed())
            .await;
        assert!(ok.is_ok());
        assert_eq!(count(&db).await, 49);

        // Single statements without a savepoint: a failing one, queued among others, is
        // undone by SQLite alone; the others commit.
        let tasks: Vec<_> = (0..20)
            .map(|i: i64| {
                let db = db.clone();
                // Every fourth repeats a key that exists.
                let id = if i % 4 == 0 { 1 } else { 2000 + i };
                tokio::spawn(async move {
                    db.write_statement(Statement::from_string(
                        sea_orm::DbBackend::Sqlite,
                        format!("INSERT INTO t (id) VALUES ({id})"),
                    ))
                    .await
                })
            })
            .collect();
        let mut refused = 0;
        for t in tasks {
            match t.await.unwrap() {
                Ok(rows) => assert_eq!(rows, 1),
                Err(_) => refused += 1,
            }
        }
        assert_eq!(refused, 5);
        assert_eq!(count(&db).await, 49 + 15);
    }
}
