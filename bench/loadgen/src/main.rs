//! `kc-loadgen`: data generator and load generator for the Kechuang deadline-rush and
//! application-read benchmarks (see bench/README.md).
//!
//! - `seed`: organisations, registered and approved unit applicants (logged in), started
//!   applications and a number of submitted ones; writes a state file.
//! - `rush`: the deadline rush on that state, beside the bare endpoint, with a count check.

mod api;
mod pool;
mod rush;
mod seed;
mod state;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

#[derive(Parser)]
#[command(name = "kc-loadgen", about = "Kechuang benchmark data and load generator")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create organisations, applicants, sessions and applications; write a state file.
    Seed(SeedArgs),
    /// The deadline rush: save, save, submit by many clients at once, beside GET /ping.
    Rush(RushArgs),
}

#[derive(Args)]
pub struct SeedArgs {
    #[arg(long)]
    pub base_url: String,
    #[arg(long, default_value = "admin")]
    pub admin_login: String,
    #[arg(long, default_value = "Admin#2026kc")]
    pub admin_password: String,
    /// Organisations to create (enterprises; the applicants are spread over them).
    #[arg(long, default_value_t = 10)]
    pub organisations: usize,
    /// Unit applicants to register, approve and log in (one per rush client).
    #[arg(long, default_value_t = 20)]
    pub applicants: usize,
    /// Applications each applicant starts.
    #[arg(long, default_value_t = 10)]
    pub apps_per_applicant: usize,
    /// Applications to complete and submit now (the bureau list's rows).
    #[arg(long = "applications-for-list", default_value_t = 200)]
    pub submitted: usize,
    /// The call the applications are started in (import bench/bench-call.json first).
    #[arg(long, default_value = "bench")]
    pub call: String,
    #[arg(long, default_value = "general")]
    pub category: String,
    #[arg(long, default_value = "standard")]
    pub subtype: String,
    /// Serial numbers of generated organisations and users start here (for seeding twice).
    #[arg(long, default_value_t = 0)]
    pub org_offset: usize,
    #[arg(long, default_value_t = 0)]
    pub user_offset: usize,
    /// Concurrent requests for cheap steps (organisations, approvals, starts).
    #[arg(long, default_value_t = 16)]
    pub concurrency: usize,
    /// Concurrent registrations and log-ins (each costs an argon2 hash on the server).
    #[arg(long, default_value_t = 4)]
    pub hash_concurrency: usize,
    /// Concurrent submissions while seeding.
    #[arg(long, default_value_t = 8)]
    pub submit_concurrency: usize,
    #[arg(long, default_value = "state.json")]
    pub out: PathBuf,
}

#[derive(Args)]
pub struct RushArgs {
    #[arg(long, default_value = "state.json")]
    pub state: PathBuf,
    /// Concurrent clients, each with its own connection; client i acts as applicant i mod M.
    #[arg(long)]
    pub clients: usize,
    /// At most this many applications per client (default: all unsubmitted ones).
    #[arg(long)]
    pub per_client: Option<usize>,
    /// Clients take no new application after this many seconds.
    #[arg(long, default_value_t = 60.0)]
    pub max_seconds: f64,
    /// Unmeasured GET /ping before the measured one (also opens the connections).
    #[arg(long, default_value_t = 2.0)]
    pub warmup_seconds: f64,
    /// Measured GET /ping at the same concurrency.
    #[arg(long, default_value_t = 5.0)]
    pub ping_seconds: f64,
    /// Overrides the server address of the state file.
    #[arg(long)]
    pub base_url: Option<String>,
    /// Writes the report as JSON here.
    #[arg(long)]
    pub out: Option<PathBuf>,
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
    let result = runtime.block_on(async {
        match cli.command {
            Command::Seed(args) => seed::seed(args).await,
            Command::Rush(args) => rush::rush(args).await,
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
