//! A profiling driver for `site_breach` and `passkey_available` (not a
//! benchmark: `cargo bench --bench site-checks` is). It builds the bench's
//! "typical" vault and runs the two checks alone on a fresh context, so that
//! `perf record` or `valgrind --tool=callgrind` see only them:
//!
//!     cargo build --profile profiling --example site-checks-profile
//!     valgrind --tool=callgrind target/profiling/examples/site-checks-profile 20000 1
//!
//! Arguments: logins (default 100000), repetitions (default 20), `all`
//! for the vault where every login is on a listed site, and `audit` (the
//! whole `audit::run` with both checks) or `none` (`audit::run` with no
//! check) instead of the checks alone: the instructions of `audit` minus
//! those of `none` are what the checks add to an audit (callgrind counts
//! them exactly, whatever the machine's load).

use std::time::Instant;

use vaultlint::checks::{CheckId, Facts};
use vaultlint::model::Vault;
use vaultlint::progress::NoProgress;
use vaultlint::settings::Settings;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "../benches/support/sites.rs"]
mod sites;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let logins: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let reps: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(20);
    let every = if args.iter().any(|a| a == "all") {
        1
    } else {
        8
    };
    let vault: Vault = sites::vault(logins, every);
    let settings = Settings {
        checks: vec![CheckId::SiteBreach, CheckId::PasskeyAvailable],
        ..Settings::default()
    };
    // the built-in tables, once per process
    vaultlint::breaches::BreachList::builtin();
    vaultlint::passkeys::PasskeyDirectory::builtin();
    let accounts = vault.account_indices();
    let whole = |s: &Settings| {
        let start = Instant::now();
        let mut findings = 0;
        for _ in 0..reps {
            findings = vaultlint::audit::run(&vault, s, &NoProgress).findings.len();
        }
        eprintln!(
            "{logins} logins, audit::run, {findings} findings: {:.1} ms per run (mean of {reps})",
            start.elapsed().as_secs_f64() * 1000.0 / reps as f64
        );
    };
    if args.iter().any(|a| a == "audit") {
        return whole(&settings);
    }
    if args.iter().any(|a| a == "none") {
        return whole(&Settings {
            checks: Vec::new(),
            ..Settings::default()
        });
    }
    let start = Instant::now();
    let mut findings = 0;
    for _ in 0..reps {
        let ctx = vaultlint::audit::context(&vault, &accounts, &settings, &NoProgress);
        let mut facts = Facts::new(accounts.len());
        findings = settings
            .checks
            .iter()
            .map(|&c| vaultlint::checks::run(c, &ctx, &mut facts).findings.len())
            .sum::<usize>();
    }
    eprintln!(
        "{logins} logins, {findings} findings: {:.1} ms per run (mean of {reps})",
        start.elapsed().as_secs_f64() * 1000.0 / reps as f64
    );
}
