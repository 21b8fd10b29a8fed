//! A profiling driver for `site_breach` and `passkey_available` (not a
//! benchmark: `cargo bench --bench site-checks` is). It builds the bench's
//! "typical" vault and runs the two checks alone on a fresh context, so that
//! `perf record` or `valgrind --tool=callgrind` see only them:
//!
//!     cargo build --profile profiling --example site-checks-profile
//!     valgrind --tool=callgrind target/profiling/examples/site-checks-profile 20000 1
//!
//! Arguments: logins (default 100000), repetitions (default 20), and `all`
//! for the vault where every login is on a listed site.

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
