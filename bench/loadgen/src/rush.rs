//! `rush`: the deadline rush. C clients, each one applicant, start together; every client
//! takes its applicant's unsubmitted applications one after the other: save the draft, save
//! it again with the returned version, submit with a fresh `Idempotency-Key`. Beforehand the
//! same clients measure the bare endpoint (`GET /api/v1/ping`); afterwards the bureau list
//! is checked for every acknowledged submission.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use hdrhistogram::Histogram;
use reqwest::Method;
use serde::Serialize;
use serde_json::{Value, json};
use tokio::sync::Barrier;
use uuid::Uuid;

use crate::RushArgs;
use crate::api::{Api, Session};
use crate::seed::draft_data;
use crate::state::{Application, State};

/// Latencies in microseconds, up to two minutes, three significant digits.
fn histogram() -> anyhow::Result<Histogram<u64>> {
    Histogram::new_with_bounds(1, 120_000_000, 3).context("creating a histogram")
}

fn record(h: &mut Histogram<u64>, d: Duration) {
    h.saturating_record(u64::try_from(d.as_micros()).unwrap_or(u64::MAX).max(1));
}

#[derive(Debug, Serialize)]
struct Latency {
    count: u64,
    p50_ms: f64,
    p90_ms: f64,
    p99_ms: f64,
    max_ms: f64,
}

fn latency(h: &Histogram<u64>) -> Latency {
    let ms = |q: f64| h.value_at_quantile(q) as f64 / 1000.0;
    Latency { count: h.len(), p50_ms: ms(0.5), p90_ms: ms(0.9), p99_ms: ms(0.99), max_ms: h.max() as f64 / 1000.0 }
}

#[derive(Debug, Serialize)]
struct PingReport {
    clients: usize,
    seconds: f64,
    requests: u64,
    requests_per_s: f64,
    latency: Latency,
    errors: BTreeMap<String, u64>,
}

#[derive(Debug, Serialize)]
struct RushReport {
    clients: usize,
    applications_planned: usize,
    submitted_in_call_before: usize,
    /// From the common start to the last acknowledged submit.
    seconds: f64,
    acknowledged: usize,
    submits_per_s: f64,
    /// All requests of the rush (drafts and submits, errors included) per second.
    requests_per_s: f64,
    submit: Latency,
    draft_first: Latency,
    draft_second: Latency,
    /// Save, save, submit: what one applicant waits for in total.
    flow: Latency,
    errors: BTreeMap<String, u64>,
    error_count: u64,
    stopped_by_time_limit: bool,
    /// Acknowledged submits in each second after the start (how the rate develops as the
    /// call fills up).
    per_second: Vec<u64>,
}

#[derive(Debug, Serialize)]
struct CountCheck {
    acknowledged: usize,
    submitted_in_call_after: usize,
    /// Acknowledged but not in the bureau list as submitted: must be 0.
    missing: usize,
    /// Submitted in the list beyond the ones before the rush and those acknowledged.
    unacknowledged_extra: i64,
}

#[derive(Debug, Serialize)]
struct Report {
    base_url: String,
    ping: PingReport,
    rush: RushReport,
    count_check: CountCheck,
}

/// Ids of the call's applications the bureau list shows as submitted.
async fn submitted_in_call(api: &Api, admin: &Session, call: &str) -> anyhow::Result<HashSet<Uuid>> {
    let v = api
        .expect(
            "listing submitted applications",
            api.request(Method::GET, &format!("/admin/applications?call={call}&status=submitted"), Some(admin)),
        )
        .await?;
    let rows = v.as_array().context("the bureau list is not an array")?;
    Ok(rows
        .iter()
        .filter(|r| r.get("status").and_then(Value::as_str) == Some("submitted"))
        .filter_map(|r| r.get("id").and_then(Value::as_str).and_then(|s| s.parse().ok()))
        .collect())
}

async fn ping(api: &Api, clients: usize, duration: Duration) -> anyhow::Result<PingReport> {
    let barrier = Arc::new(Barrier::new(clients));
    let mut tasks = Vec::with_capacity(clients);
    for _ in 0..clients {
        let (api, barrier) = (api.clone(), barrier.clone());
        tasks.push(tokio::spawn(async move {
            let mut h = histogram()?;
            let mut errors: BTreeMap<String, u64> = BTreeMap::new();
            barrier.wait().await;
            let start = Instant::now();
            while start.elapsed() < duration {
                let t = Instant::now();
                let o = api.send(api.request(Method::GET, "/ping", None)).await;
                record(&mut h, t.elapsed());
                if !o.ok() {
                    *errors.entry(format!("ping {}", o.describe())).or_default() += 1;
                }
            }
            anyhow::Ok((h, errors, start.elapsed()))
        }));
    }
    let mut all = histogram()?;
    let mut errors: BTreeMap<String, u64> = BTreeMap::new();
    let mut longest = Duration::ZERO;
    for t in tasks {
        let (h, e, took) = t.await.context("a ping client panicked")??;
        all.add(&h).context("merging histograms")?;
        for (k, n) in e {
            *errors.entry(k).or_default() += n;
        }
        longest = longest.max(took);
    }
    let seconds = longest.as_secs_f64();
    Ok(PingReport {
        clients,
        seconds,
        requests: all.len(),
        requests_per_s: all.len() as f64 / seconds.max(1e-9),
        latency: latency(&all),
        errors,
    })
}

struct ClientResult {
    draft_first: Histogram<u64>,
    draft_second: Histogram<u64>,
    submit: Histogram<u64>,
    flow: Histogram<u64>,
    acknowledged: Vec<Uuid>,
    errors: BTreeMap<String, u64>,
    requests: u64,
    last_ack: Option<Instant>,
    /// When each acknowledgement arrived, after the client's start.
    ack_times: Vec<Duration>,
    stopped: bool,
}

async fn client(
    api: Api,
    session: Session,
    apps: Vec<Application>,
    barrier: Arc<Barrier>,
    limit: Duration,
    serial: usize,
) -> anyhow::Result<(ClientResult, Instant)> {
    let mut r = ClientResult {
        draft_first: histogram()?,
        draft_second: histogram()?,
        submit: histogram()?,
        flow: histogram()?,
        acknowledged: Vec::new(),
        errors: BTreeMap::new(),
        requests: 0,
        last_ack: None,
        ack_times: Vec::new(),
        stopped: false,
    };
    barrier.wait().await;
    let start = Instant::now();
    'apps: for (k, app) in apps.into_iter().enumerate() {
        if start.elapsed() >= limit {
            r.stopped = true;
            break;
        }
        let n = serial * 1000 + k;
        let flow = Instant::now();
        let mut version = app.version;
        for (step, complete) in [(1, false), (2, true)] {
            let t = Instant::now();
            let o = api
                .send(api.request(Method::PUT, &format!("/applications/{}/draft", app.id), Some(&session)).json(
                    &json!({
                        "version": version, "title": format!("基准项目 {n}"), "data": draft_data(n, complete),
                    }),
                ))
                .await;
            record(if step == 1 { &mut r.draft_first } else { &mut r.draft_second }, t.elapsed());
            r.requests += 1;
            if !o.ok() {
                *r.errors.entry(format!("draft {}", o.describe())).or_default() += 1;
                continue 'apps;
            }
            version = o.body.get("version").and_then(Value::as_i64).unwrap_or_default() as i32;
        }
        let t = Instant::now();
        let o = api
            .send(
                api.request(Method::POST, &format!("/applications/{}/submit", app.id), Some(&session))
                    .header("idempotency-key", Uuid::now_v7().to_string()),
            )
            .await;
        record(&mut r.submit, t.elapsed());
        r.requests += 1;
        let acked = o.ok() && o.body.get("status").and_then(Value::as_str) == Some("submitted");
        if acked {
            r.acknowledged.push(app.id);
            r.last_ack = Some(Instant::now());
            r.ack_times.push(start.elapsed());
            record(&mut r.flow, flow.elapsed());
        } else {
            *r.errors.entry(format!("submit {}", o.describe())).or_default() += 1;
        }
    }
    Ok((r, start))
}

pub async fn rush(args: RushArgs) -> anyhow::Result<()> {
    let mut state = State::load(&args.state)?;
    let base = args.base_url.clone().unwrap_or_else(|| state.base_url.clone());
    if args.clients == 0 || state.applicants.is_empty() {
        bail!("--clients must be at least 1, and the state needs applicants");
    }
    let api = Api::new(&base, args.clients + 8)?;
    let admin = state.admin.clone();

    // Plan: client i is applicant i mod M (M applicants in the state); when there are more
    // clients than applicants, an applicant's clients (its browser tabs, so to speak) split
    // its unsubmitted applications between them. Each client takes its share in order.
    let m = state.applicants.len().min(args.clients);
    let sharers = args.clients.div_ceil(m);
    let plans: Vec<(Session, Vec<Application>)> = (0..args.clients)
        .map(|i| {
            let a = &state.applicants[i % m];
            let slot = i / m;
            let apps: Vec<Application> = a
                .applications
                .iter()
                .filter(|x| !x.submitted)
                .enumerate()
                .filter(|(k, _)| k % sharers == slot)
                .map(|(_, x)| x.clone())
                .collect();
            let apps = match args.per_client {
                Some(n) => apps.into_iter().take(n).collect(),
                None => apps,
            };
            (a.session.clone(), apps)
        })
        .collect();
    let planned: usize = plans.iter().map(|(_, a)| a.len()).sum();
    if planned == 0 {
        bail!("no unsubmitted applications left for {} clients; seed again", args.clients);
    }
    let before = submitted_in_call(&api, &admin, &state.call).await?;
    println!(
        "rush against {base}: {} clients as {m} applicants, {planned} applications ({} submitted in call {} before)",
        args.clients,
        before.len(),
        state.call
    );

    // The bare endpoint, by the same clients over the same connection pool (which it also
    // warms up: the rush then starts on open connections).
    ping(&api, args.clients, Duration::from_secs_f64(args.warmup_seconds)).await?;
    let ping_report = ping(&api, args.clients, Duration::from_secs_f64(args.ping_seconds)).await?;
    println!(
        "  ping: {:.0} req/s, p50 {:.2} ms, p99 {:.2} ms, errors {}",
        ping_report.requests_per_s,
        ping_report.latency.p50_ms,
        ping_report.latency.p99_ms,
        ping_report.errors.values().sum::<u64>()
    );

    let barrier = Arc::new(Barrier::new(args.clients));
    let limit = Duration::from_secs_f64(args.max_seconds);
    let mut tasks = Vec::with_capacity(args.clients);
    for (i, (session, apps)) in plans.into_iter().enumerate() {
        tasks.push(tokio::spawn(client(api.clone(), session, apps, barrier.clone(), limit, i)));
    }
    let mut results = Vec::with_capacity(tasks.len());
    let mut start: Option<Instant> = None;
    for t in tasks {
        let (r, s) = t.await.context("a rush client panicked")??;
        start = Some(start.map_or(s, |x| x.min(s)));
        results.push(r);
    }
    let start = start.context("no clients ran")?;
    let end = results.iter().filter_map(|r| r.last_ack).max().unwrap_or(start);

    let (mut d1, mut d2, mut sub, mut flow) = (histogram()?, histogram()?, histogram()?, histogram()?);
    let mut errors: BTreeMap<String, u64> = BTreeMap::new();
    let mut acknowledged: Vec<Uuid> = Vec::new();
    let mut requests = 0u64;
    let mut stopped = false;
    let mut per_second: Vec<u64> = Vec::new();
    for r in &results {
        for t in &r.ack_times {
            let slot = t.as_secs() as usize;
            if per_second.len() <= slot {
                per_second.resize(slot + 1, 0);
            }
            per_second[slot] += 1;
        }
        d1.add(&r.draft_first).context("merging histograms")?;
        d2.add(&r.draft_second).context("merging histograms")?;
        sub.add(&r.submit).context("merging histograms")?;
        flow.add(&r.flow).context("merging histograms")?;
        for (k, n) in &r.errors {
            *errors.entry(k.clone()).or_default() += n;
        }
        acknowledged.extend(&r.acknowledged);
        requests += r.requests;
        stopped |= r.stopped;
    }
    let seconds = (end - start).as_secs_f64();
    let error_count: u64 = errors.values().sum();
    let rush_report = RushReport {
        clients: args.clients,
        applications_planned: planned,
        submitted_in_call_before: before.len(),
        seconds,
        acknowledged: acknowledged.len(),
        submits_per_s: acknowledged.len() as f64 / seconds.max(1e-9),
        requests_per_s: requests as f64 / seconds.max(1e-9),
        submit: latency(&sub),
        draft_first: latency(&d1),
        draft_second: latency(&d2),
        flow: latency(&flow),
        errors,
        error_count,
        stopped_by_time_limit: stopped,
        per_second,
    };
    println!(
        "  rush: {} acknowledged submits in {:.2} s = {:.0}/s; submit p50 {:.2} ms p99 {:.2} ms; draft p50 {:.2} ms p99 {:.2} ms; errors {}{}",
        rush_report.acknowledged,
        seconds,
        rush_report.submits_per_s,
        rush_report.submit.p50_ms,
        rush_report.submit.p99_ms,
        rush_report.draft_second.p50_ms,
        rush_report.draft_second.p99_ms,
        error_count,
        if stopped { " (stopped by --max-seconds)" } else { "" }
    );
    for (k, n) in &rush_report.errors {
        println!("    {n} × {k}");
    }
    println!("  acknowledged per second: {:?}", rush_report.per_second);

    // Count check: every acknowledged submission must be in the bureau list as submitted.
    let after = submitted_in_call(&api, &admin, &state.call).await?;
    let missing = acknowledged.iter().filter(|id| !after.contains(id)).count();
    let extra = after.len() as i64 - before.len() as i64 - acknowledged.len() as i64;
    println!(
        "  count check: {} acknowledged, {} submitted in the list ({} before), missing {missing}, unacknowledged extra {extra}",
        acknowledged.len(),
        after.len(),
        before.len()
    );
    let report = Report {
        base_url: base,
        ping: ping_report,
        rush: rush_report,
        count_check: CountCheck {
            acknowledged: acknowledged.len(),
            submitted_in_call_after: after.len(),
            missing,
            unacknowledged_extra: extra,
        },
    };

    // Remember what is submitted now, so a later rush on the same state takes fresh ones.
    let done: HashSet<Uuid> = after;
    for a in &mut state.applicants {
        for app in &mut a.applications {
            if done.contains(&app.id) {
                app.submitted = true;
            }
        }
    }
    state.save(&args.state)?;
    if let Some(out) = &args.out {
        std::fs::write(out, serde_json::to_string_pretty(&report)? + "\n")
            .with_context(|| format!("writing {}", out.display()))?;
    }
    if missing > 0 {
        bail!("{missing} acknowledged submissions are missing from the bureau list");
    }
    Ok(())
}
