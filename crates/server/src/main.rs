//! The `kechuang` binary: one process serving the API and the web app.

mod config;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use clap::{Parser, Subcommand};
use kc_api::clock::SystemClock;
use kc_api::settings::Settings;
use kc_db::audit::VerifyOutcome;
use tokio::sync::watch;

// glibc's allocator spent a tenth of the server's time under a deadline rush (arena locks
// and consolidation across the worker threads); mimalloc is made for many small,
// short-lived allocations on several threads.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "kechuang", version, about = "科创 — S&T innovation service platform")]
struct Cli {
    /// Settings file (default: ./kechuang.toml when present).
    #[arg(long, global = true, env = "KC_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API and the web app (the default).
    Serve {
        /// Address to listen on (KC_LISTEN).
        #[arg(long)]
        listen: Option<String>,
        /// Directory for the SQLite database and files (KC_DATA_DIR).
        #[arg(long)]
        data_dir: Option<PathBuf>,
        /// Load demo data (KC_DEMO=true).
        #[arg(long)]
        demo: bool,
    },
    /// Bring the database schema up to date and exit.
    Migrate,
    /// Audit log tools.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Print the OpenAPI document.
    Openapi,
    /// Calls for proposals as files.
    Call {
        #[command(subcommand)]
        command: CallCommand,
    },
    /// Create a bureau administrator (first start of a real deployment).
    CreateAdmin {
        #[arg(long)]
        username: String,
        #[arg(long, env = "KC_ADMIN_PASSWORD")]
        password: String,
        #[arg(long, default_value = "系统管理员")]
        display_name: String,
    },
}

#[derive(Subcommand)]
enum CallCommand {
    /// Check a call file and save it (replacing the call with the same code).
    Import { file: PathBuf },
    /// Write a call as a file (to standard output without --out).
    Export {
        code: String,
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check the hash chain of the whole audit log; exit status 1 when broken.
    Verify,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("错误 / error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    // sqlx and object_store bring different rustls providers; choose one explicitly.
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let mut settings = config::load(cli.config.as_deref())?;
    match cli.command.unwrap_or(Command::Serve { listen: None, data_dir: None, demo: false }) {
        Command::Serve { listen, data_dir, demo } => {
            if let Some(l) = listen {
                settings.listen = l;
            }
            if let Some(d) = data_dir {
                settings.data_dir = d;
            }
            settings.demo |= demo;
            config::init_logging(&settings);
            serve(settings).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Migrate => {
            kc_api::connect(&settings).await.context("migrating the database")?;
            println!("数据库已是最新结构 / database schema is up to date");
            Ok(ExitCode::SUCCESS)
        }
        Command::Audit { command: AuditCommand::Verify } => {
            let db = kc_api::connect(&settings).await?;
            let outcome = kc_db::audit::verify(db.read()).await?;
            db.close().await;
            match outcome {
                VerifyOutcome::Intact { entries } => {
                    println!("审计日志完整：{entries} 条 / audit log intact: {entries} entries");
                    Ok(ExitCode::SUCCESS)
                }
                VerifyOutcome::Broken(b) => {
                    println!("审计日志已被篡改 / audit log is BROKEN: {b:?}");
                    Ok(ExitCode::from(1))
                }
                VerifyOutcome::HeadMismatch { head_seq, last_seq } => {
                    println!(
                        "审计日志末尾缺失 / audit log is BROKEN: head says {head_seq} entries, log ends at {last_seq}"
                    );
                    Ok(ExitCode::from(1))
                }
            }
        }
        Command::Call { command: CallCommand::Import { file } } => {
            let text = std::fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?;
            let call = match kc_api::grants::parse_call(&text) {
                Ok(c) => c,
                Err(e) => {
                    eprintln!("未导入 / not imported: {e}");
                    return Ok(ExitCode::from(1));
                }
            };
            let db = kc_api::connect(&settings).await?;
            kc_api::grants::save_call(&db, &call, chrono::Utc::now()).await?;
            println!("已导入申报批次 {} / call {} imported", call.code, call.code);
            Ok(ExitCode::SUCCESS)
        }
        Command::Call { command: CallCommand::Export { code, out } } => {
            let db = kc_api::connect(&settings).await?;
            let Some(call) = kc_api::grants::load_call(&db, &code).await? else {
                eprintln!("没有申报批次 {code} / no call {code}");
                return Ok(ExitCode::from(1));
            };
            let text = kc_api::grants::call_text(&call);
            match out {
                Some(path) => std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?,
                None => print!("{text}"),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Openapi => {
            println!("{}", kc_api::openapi().to_pretty_json()?);
            Ok(ExitCode::SUCCESS)
        }
        Command::CreateAdmin { username, password, display_name } => {
            let db = kc_api::connect(&settings).await?;
            let problems = kc_core::password::check(&settings.auth.password, &username, &password);
            if let Some(p) = problems.first() {
                anyhow::bail!("{} / {}", p.message_zh(), p.message_en());
            }
            kc_api::demo::create_admin(&db, &username, &password, &display_name).await.map_err(anyhow::Error::msg)?;
            println!("已创建管理员 {username} / administrator {username} created");
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Reminds experts of reviews due soon, every ten minutes, until shutdown.
async fn review_reminders(state: kc_api::AppState, lead: chrono::Duration, mut shutdown: watch::Receiver<bool>) {
    loop {
        match kc_api::grants::rounds::remind_before_deadlines(&state, lead).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(experts = n, "review reminders sent"),
            Err(e) => tracing::warn!(error = ?e, "review reminder pass failed"),
        }
        tokio::select! {
            _ = tokio::time::sleep(std::time::Duration::from_secs(600)) => {}
            _ = shutdown.changed() => break,
        }
    }
}

async fn serve(settings: Settings) -> anyhow::Result<()> {
    let db = kc_api::connect(&settings).await.context("opening the database")?;
    if settings.demo {
        let (orgs, users) = kc_api::demo::load(&db).await.context("loading demo data")?;
        tracing::info!(orgs, users, "demo data loaded");
        if kc_api::showcase::load(&db).await.context("loading the review and project showcase")? {
            tracing::info!(call = kc_api::showcase::SHOWCASE_CALL, "review and project showcase loaded");
        }
    }
    let (shutdown_tx, shutdown_rx) = watch::channel(false);
    let mut jobs = Vec::new();
    if let Some(url) = settings.mail.smtp_url.as_deref().filter(|u| !u.is_empty()) {
        let sender = kc_jobs::MailSender::new(db.clone(), url, &settings.mail.from)?;
        jobs.push(tokio::spawn(sender.run(shutdown_rx.clone())));
    } else {
        tracing::info!("no SMTP configured: mail stays in the outbox (管理端“邮件发件箱”)");
    }

    let storage = match settings.storage.s3_bucket.clone().filter(|b| !b.is_empty()) {
        Some(bucket) => {
            let s = &settings.storage;
            kc_storage::Storage::s3(&kc_storage::S3Options {
                bucket,
                region: s.s3_region.clone(),
                endpoint: s.s3_endpoint.clone(),
                access_key_id: s.s3_access_key_id.clone(),
                secret_access_key: s.s3_secret_access_key.clone(),
                allow_http: s.s3_allow_http,
            })
            .context("configuring the S3 file store")?
        }
        None => kc_storage::Storage::local(&settings.data_dir.join("files")).context("opening the file store")?,
    };
    let state = kc_api::AppState::new(db.clone(), settings.clone(), Arc::new(SystemClock), storage);
    if settings.review_reminder_hours > 0 {
        let lead = chrono::Duration::hours(settings.review_reminder_hours);
        jobs.push(tokio::spawn(review_reminders(state.clone(), lead, shutdown_rx.clone())));
    }
    let app = kc_api::app(state);
    let listener = tokio::net::TcpListener::bind(&settings.listen)
        .await
        .with_context(|| format!("cannot listen on {}", settings.listen))?;
    let addr = listener.local_addr()?;
    print_banner(&settings, addr);
    axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    let _ = shutdown_tx.send(true);
    for job in jobs {
        let _ = job.await;
    }
    db.close().await;
    tracing::info!("stopped");
    Ok(())
}

fn print_banner(settings: &Settings, addr: SocketAddr) {
    println!("科创平台已启动 / Kechuang is running: http://{addr}");
    println!("  API 文档 / API docs: http://{addr}/api/v1/docs");
    let postgres = settings.effective_database_url().starts_with("postgres");
    println!("  数据库 / database: {}", if postgres { "PostgreSQL" } else { "SQLite" });
    if settings.demo {
        println!("  演示账号 / demo log-ins:");
        for l in kc_api::demo::logins() {
            println!("    {:<12} {:<14} {}", l.username, l.password, l.role_zh);
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
