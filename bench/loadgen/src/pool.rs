//! Runs a numbered list of jobs on a fixed number of concurrent workers.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::anyhow;

/// Calls `job(i)` for every `i` in `0..count`, at most `workers` at a time, and returns the
/// results in index order. The first error stops the handing out of further jobs.
pub async fn run<T, F, Fut>(count: usize, workers: usize, job: F) -> anyhow::Result<Vec<T>>
where
    T: Send + 'static,
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = anyhow::Result<T>> + Send,
{
    let next = Arc::new(AtomicUsize::new(0));
    let job = Arc::new(job);
    let mut handles = Vec::new();
    for _ in 0..workers.clamp(1, count.max(1)) {
        let next = next.clone();
        let job = job.clone();
        handles.push(tokio::spawn(async move {
            let mut done = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= count {
                    break;
                }
                match job(i).await {
                    Ok(v) => done.push((i, v)),
                    Err(e) => {
                        next.store(count, Ordering::Relaxed);
                        return Err(e);
                    }
                }
            }
            Ok(done)
        }));
    }
    let mut all = Vec::with_capacity(count);
    let mut first_error = None;
    for h in handles {
        match h.await {
            Ok(Ok(done)) => all.extend(done),
            Ok(Err(e)) => {
                first_error.get_or_insert(e);
            }
            Err(e) => {
                first_error.get_or_insert(anyhow!("a worker panicked: {e}"));
            }
        }
    }
    if let Some(e) = first_error {
        return Err(e);
    }
    all.sort_by_key(|(i, _)| *i);
    Ok(all.into_iter().map(|(_, v)| v).collect())
}
