//! A profiling driver for the lockout drill (not a benchmark: `cargo bench
//! --bench drill` is). It builds the bench's vault (one member, 100,000
//! logins, 200 mailboxes), runs the recovery check once, then the drill
//! alone `reps` times on the same facts, so that `perf record` or
//! `valgrind --tool=callgrind` see the drill only:
//!
//!     cargo build --profile profiling --example drill-profile
//!     valgrind --tool=callgrind --toggle-collect='vaultlint::checks::drill::run*' \
//!         target/profiling/examples/drill-profile 1
//!
//! Arguments: repetitions (default 5); `audit` to time the whole
//! `audit::run` (recovery + drill, so the report assembly of the drill's
//! findings counts too) instead, and `audit recovery` the recovery check
//! alone (the drill's added cost is the difference); `dump=FILE` to write the drill's JSON and
//! findings to FILE (to compare two versions' output).

use std::time::Instant;

use vaultlint::checks::{CheckId, Facts};
use vaultlint::progress::NoProgress;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "../benches/support/drill.rs"]
mod support;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let reps: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(5);
    let vault = support::vault();
    let settings = support::settings(&[CheckId::Recovery, CheckId::Drill], &[]);
    if args.iter().any(|a| a == "audit") {
        let settings = if args.iter().any(|a| a == "recovery") {
            support::settings(&[CheckId::Recovery], &[])
        } else {
            settings
        };
        let start = Instant::now();
        let mut findings = 0;
        for _ in 0..reps {
            findings = vaultlint::audit::run(&vault, &settings, &NoProgress)
                .findings
                .len();
        }
        eprintln!(
            "audit::run ({:?}): {findings} findings, {:.1} ms per run (mean of {reps})",
            settings.checks,
            start.elapsed().as_secs_f64() * 1000.0 / reps as f64
        );
        return;
    }
    let accounts = vault.account_indices();
    let ctx = vaultlint::audit::context(&vault, &accounts, &settings, &NoProgress);
    let mut facts = Facts::new(accounts.len());
    vaultlint::checks::run(CheckId::Recovery, &ctx, &mut facts);
    let start = Instant::now();
    let mut findings = 0;
    for _ in 0..reps {
        facts.drill = None;
        findings = vaultlint::checks::run(CheckId::Drill, &ctx, &mut facts)
            .findings
            .len();
    }
    if let Some(path) = args.iter().find_map(|a| a.strip_prefix("dump=")) {
        facts.drill = None;
        let out = vaultlint::checks::run(CheckId::Drill, &ctx, &mut facts);
        let json = serde_json::to_string_pretty(&facts.drill).expect("the drill serialises");
        std::fs::write(path, format!("{json}\n{:#?}\n", out.findings)).expect("dump written");
    }
    let d = facts.drill.as_ref().expect("the drill ran");
    let locked: usize = d.members[0]
        .scenarios
        .iter()
        .map(|s| s.locked_out.len())
        .sum();
    eprintln!(
        "drill alone: {findings} findings, {locked} lockouts, {:.1} ms per run (mean of {reps})",
        start.elapsed().as_secs_f64() * 1000.0 / reps as f64
    );
}
