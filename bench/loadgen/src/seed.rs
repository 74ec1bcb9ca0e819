//! `seed`: organisations, registered and approved unit applicants with sessions, started
//! applications, and a number of fully submitted ones (the bureau list's rows).

use std::sync::Arc;
use std::time::Instant;

use anyhow::bail;
use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::api::{Api, Session, id_of};
use crate::state::{Applicant, Application, ReadTarget, State};
use crate::{SeedArgs, pool};

/// Every generated applicant's password (meets the default password policy).
pub const APPLICANT_PASSWORD: &str = "Rush#2026kc!";

const DISTRICTS: [&str; 6] = ["510302", "510303", "510304", "510311", "510322", "510371"];
/// GB 32100-2015 alphabet and weights, to give generated organisations valid credit codes.
const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/// A valid credit code for generated organisation `serial` (prefix MA8, unlike the demo's MA6).
pub fn credit_code(serial: usize) -> String {
    let prefix = format!("91510300MA8{:06}", serial % 1_000_000);
    let mut sum = 0u32;
    for (i, ch) in prefix.bytes().enumerate() {
        let value = ALPHABET.iter().position(|&c| c == ch).unwrap_or(0) as u32;
        sum += WEIGHTS[i] * value;
    }
    let check = ALPHABET[((31 - sum % 31) % 31) as usize] as char;
    format!("{prefix}{check}")
}

/// Draft content: the first save fills in part of the form, the second completes it.
pub fn draft_data(n: usize, complete: bool) -> Value {
    if complete {
        json!({
            "project_name": format!("基准项目 {n}"),
            "summary": format!("截止前集中申报基准测试的第 {n} 个项目：摘要在第二次保存时补全。"),
            "requested_fen": 50_000_000,
            "pi": { "name": format!("负责人{n}") },
        })
    } else {
        json!({ "project_name": format!("基准项目 {n}") })
    }
}

/// Saves the draft twice (the second with the version the first returned) and submits it
/// with a fresh `Idempotency-Key`, failing on any non-2xx answer.
async fn complete_and_submit(api: &Api, s: &Session, app: &Application, n: usize) -> anyhow::Result<()> {
    let mut version = app.version;
    for complete in [false, true] {
        let saved = api
            .expect(
                "saving a draft",
                api.request(Method::PUT, &format!("/applications/{}/draft", app.id), Some(s)).json(&json!({
                    "version": version, "title": format!("基准项目 {n}"), "data": draft_data(n, complete),
                })),
            )
            .await?;
        version = saved.get("version").and_then(Value::as_i64).unwrap_or_default() as i32;
    }
    api.expect(
        "submitting",
        api.request(Method::POST, &format!("/applications/{}/submit", app.id), Some(s))
            .header("idempotency-key", Uuid::now_v7().to_string()),
    )
    .await?;
    Ok(())
}

fn phase(name: &str, started: Instant, count: usize) {
    let secs = started.elapsed().as_secs_f64();
    println!("  {name}: {count} in {secs:.1} s ({:.0}/s)", count as f64 / secs.max(1e-9));
}

pub async fn seed(args: SeedArgs) -> anyhow::Result<()> {
    if args.organisations == 0 {
        bail!("--organisations must be at least 1");
    }
    let api = Api::new(&args.base_url, args.concurrency * 2)?;
    let total = Instant::now();
    let admin = api.login(&args.admin_login, &args.admin_password).await?;
    println!(
        "seeding {} ({} organisations, {} applicants × {} applications, {} submitted)",
        args.base_url, args.organisations, args.applicants, args.apps_per_applicant, args.submitted
    );

    // Organisations: enterprises spread over the districts; the routing rules give each a
    // recommending unit (its district's S&T office).
    let t = Instant::now();
    let organisations = {
        let (api, admin) = (api.clone(), admin.clone());
        let offset = args.org_offset;
        pool::run(args.organisations, args.concurrency, move |i| {
            let (api, admin) = (api.clone(), admin.clone());
            async move {
                let serial = offset + i;
                let body = json!({
                    "name": format!("基准测试第{serial:05}号科技有限公司"),
                    "credit_code": credit_code(serial),
                    "org_type": "enterprise",
                    "district": DISTRICTS[serial % DISTRICTS.len()],
                    "registered_capital_fen": 1_000_000_000i64,
                    "last_year_revenue_fen": 2_000_000_000i64,
                    "in_statistics_scope": true,
                });
                let v = api
                    .expect(
                        "creating an organisation",
                        api.request(Method::POST, "/admin/organisations", Some(&admin)).json(&body),
                    )
                    .await?;
                id_of(&v)
            }
        })
        .await?
    };
    phase("organisations", t, organisations.len());

    // Applicants register (argon2 hash), are approved by the bureau, and log in (argon2
    // verify): the registration path gives them their recommending unit.
    let orgs = Arc::new(organisations.clone());
    let t = Instant::now();
    let registered = {
        let (api, orgs) = (api.clone(), orgs.clone());
        let offset = args.user_offset;
        pool::run(args.applicants, args.hash_concurrency, move |i| {
            let (api, orgs) = (api.clone(), orgs.clone());
            async move {
                let serial = offset + i;
                let username = format!("rush{serial:06}");
                let body = json!({
                    "account_type": "unit_applicant",
                    "username": username,
                    "password": APPLICANT_PASSWORD,
                    "display_name": format!("申报人{serial}"),
                    "email": format!("{username}@bench.example.com"),
                    "phone": format!("139{serial:08}"),
                    "organisation_id": orgs[i % orgs.len()],
                });
                let v =
                    api.expect("registering", api.request(Method::POST, "/registrations", None).json(&body)).await?;
                Ok((username, id_of(&v)?))
            }
        })
        .await?
    };
    phase("registrations", t, registered.len());

    let t = Instant::now();
    {
        let (api, admin) = (api.clone(), admin.clone());
        let ids: Arc<Vec<Uuid>> = Arc::new(registered.iter().map(|(_, id)| *id).collect());
        pool::run(ids.len(), args.concurrency, move |i| {
            let (api, admin, ids) = (api.clone(), admin.clone(), ids.clone());
            async move {
                api.expect(
                    "approving",
                    api.request(Method::POST, &format!("/admin/accounts/{}/approve", ids[i]), Some(&admin))
                        .json(&json!({})),
                )
                .await
            }
        })
        .await?;
    }
    phase("approvals", t, registered.len());

    let t = Instant::now();
    let sessions = {
        let api = api.clone();
        let names: Arc<Vec<String>> = Arc::new(registered.iter().map(|(u, _)| u.clone()).collect());
        pool::run(names.len(), args.hash_concurrency, move |i| {
            let (api, names) = (api.clone(), names.clone());
            async move { api.login(&names[i], APPLICANT_PASSWORD).await }
        })
        .await?
    };
    phase("log-ins", t, sessions.len());

    // Applications: each applicant starts its share.
    let t = Instant::now();
    let per = args.apps_per_applicant;
    let started = {
        let api = api.clone();
        let sessions = Arc::new(sessions.clone());
        let (call, category, subtype) = (args.call.clone(), args.category.clone(), args.subtype.clone());
        pool::run(sessions.len() * per, args.concurrency, move |j| {
            let (api, sessions) = (api.clone(), sessions.clone());
            let body =
                json!({ "call": call, "category": category, "subtype": subtype, "title": format!("基准项目 {j}") });
            async move {
                let v = api
                    .expect(
                        "starting an application",
                        api.request(Method::POST, "/applications", Some(&sessions[j / per])).json(&body),
                    )
                    .await?;
                let version = v.get("version").and_then(Value::as_i64).unwrap_or(1) as i32;
                Ok(Application { id: id_of(&v)?, version, submitted: false })
            }
        })
        .await?
    };
    phase("applications started", t, started.len());

    let mut applicants: Vec<Applicant> = registered
        .into_iter()
        .zip(sessions)
        .enumerate()
        .map(|(i, ((username, id), session))| Applicant {
            username,
            id,
            session,
            applications: started[i * per..(i + 1) * per].to_vec(),
        })
        .collect();

    // Submitted applications for the bureau list: round-robin over the applicants, so the
    // rows belong to as many applicants and organisations as possible.
    let mut picks: Vec<(usize, usize)> = Vec::new();
    'rounds: for round in 0..per {
        for a in 0..applicants.len() {
            if picks.len() >= args.submitted {
                break 'rounds;
            }
            picks.push((a, round));
        }
    }
    if picks.len() < args.submitted {
        bail!("only {} applications to submit, {} asked for", picks.len(), args.submitted);
    }
    let t = Instant::now();
    {
        let api = api.clone();
        let jobs: Arc<Vec<(Session, Application)>> = Arc::new(
            picks
                .iter()
                .map(|&(a, k)| (applicants[a].session.clone(), applicants[a].applications[k].clone()))
                .collect(),
        );
        pool::run(jobs.len(), args.submit_concurrency, move |i| {
            let (api, jobs) = (api.clone(), jobs.clone());
            async move { complete_and_submit(&api, &jobs[i].0, &jobs[i].1, i).await }
        })
        .await?;
    }
    for &(a, k) in &picks {
        let app = &mut applicants[a].applications[k];
        app.submitted = true;
        app.version += 2;
    }
    phase("applications submitted", t, picks.len());

    let read_application = picks
        .first()
        .map(|&(a, k)| ReadTarget { id: applicants[a].applications[k].id, cookie: applicants[a].session.cookie() });
    let state = State {
        base_url: args.base_url.clone(),
        call: args.call.clone(),
        admin,
        organisations,
        applicants,
        read_application,
    };
    state.save(&args.out)?;
    println!("seeded in {:.1} s; state in {}", total.elapsed().as_secs_f64(), args.out.display());
    Ok(())
}
