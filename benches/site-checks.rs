//! What `site_breach` and `passkey_available` add to an audit of 100,000
//! logins, through `audit::run` with only these checks selected, against the
//! same audit with no check selected (import is part of neither), and the
//! two checks alone (no report assembly). Each check matches every account
//! once against its domain index (the breach list's and the passkey
//! table's, both built once per process, when first used).
//!
//! Two vaults: "typical", where 1 login in 8 is on one of the big sites
//! below (breached, passkey-capable or both) and the rest on sites in
//! neither table (87,500 distinct hosts under 42 registrable domains); and "all listed", where every login is on one of
//! them (the worst case: a finding or two for most accounts).
//!
//!     cargo bench --bench site-checks
//!
//! The target of issue 13 is the line it prints last for each vault:
//! "TARGET ... add N ms to audit::run" (the median, over alternating runs,
//! of `audit::run` with both checks minus `audit::run` with none; target
//! under 50 ms for the typical vault). The criterion groups before it show
//! each check apart and the checks alone.

/// The allocator of the vaultlint binary (src/main.rs).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

use vaultlint::checks::CheckId;
use vaultlint::model::Vault;
use vaultlint::progress::NoProgress;
use vaultlint::settings::Settings;

#[path = "support/sites.rs"]
mod sites;
use sites::vault;

fn bench_vault(c: &mut Criterion, name: &str, vault: &Vault) {
    let run = |checks: Vec<CheckId>| Settings {
        checks,
        ..Settings::default()
    };
    let none = run(Vec::new());
    let breach = run(vec![CheckId::SiteBreach]);
    let passkeys = run(vec![CheckId::PasskeyAvailable]);
    let both = run(vec![CheckId::SiteBreach, CheckId::PasskeyAvailable]);
    // Build the built-in tables once, outside the timings (as in a real
    // run, where it happens once per process).
    let audit = vaultlint::audit::run(vault, &both, &NoProgress);
    println!("{name}: {} findings", audit.findings.len());
    let mut group = c.benchmark_group(format!("audit of 100k logins, {name}"));
    group.sample_size(10);
    for (check, settings) in [
        ("no check", &none),
        ("site_breach", &breach),
        ("passkey_available", &passkeys),
        ("site_breach + passkey_available", &both),
    ] {
        group.bench_function(check, |b| {
            b.iter(|| vaultlint::audit::run(black_box(vault), settings, &NoProgress))
        });
    }
    group.finish();

    // The checks alone (no report assembly: ids, fingerprints, sorting), on a
    // fresh context each time, so that building the site index is counted.
    let accounts = vault.account_indices();
    let context = || vaultlint::audit::context(vault, &accounts, &both, &NoProgress);
    let mut group = c.benchmark_group(format!("checks alone, 100k logins, {name}"));
    group.sample_size(10);
    for (label, checks) in [
        ("site_breach", &[CheckId::SiteBreach][..]),
        ("passkey_available", &[CheckId::PasskeyAvailable][..]),
        (
            "site_breach + passkey_available",
            &[CheckId::SiteBreach, CheckId::PasskeyAvailable][..],
        ),
    ] {
        group.bench_function(label, |b| {
            b.iter(|| {
                let ctx = context();
                let mut facts = vaultlint::checks::Facts::new(accounts.len());
                checks
                    .iter()
                    .map(|&check| vaultlint::checks::run(check, black_box(&ctx), &mut facts))
                    .count()
            })
        });
    }
    group.finish();
    adds(name, vault, &none, &both);
}

/// The median of `rounds` timings (ms) of `audit::run` with both checks
/// and with none, run alternately so that a change of machine load hits both;
/// also the smallest difference and the quartiles, to show the noise.
fn adds(name: &str, vault: &Vault, none: &Settings, both: &Settings) {
    let time = |s: &Settings| {
        let start = std::time::Instant::now();
        black_box(vaultlint::audit::run(black_box(vault), s, &NoProgress));
        start.elapsed().as_secs_f64() * 1000.0
    };
    let sorted = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v
    };
    let rounds = 31;
    let (mut with, mut without, mut diff) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..rounds {
        let a = time(none);
        let b = time(both);
        without.push(a);
        with.push(b);
        diff.push(b - a);
    }
    let (diff, with, without) = (sorted(diff), sorted(with), sorted(without));
    let median = |v: &[f64]| v[v.len() / 2];
    println!(
        "  {name}: the {rounds} differences (ms): min {:.1}, lower quartile {:.1}, median {:.1}, \
         upper quartile {:.1}, max {:.1}",
        diff[0],
        diff[rounds / 4],
        median(&diff),
        diff[rounds * 3 / 4],
        diff[rounds - 1],
    );
    println!(
        "TARGET {name}: site_breach + passkey_available add {:.1} ms to audit::run of {} logins \
         (median of {rounds} alternating pairs; audit::run with both {:.1} ms, with no check {:.1} ms; \
         target: under 50 ms for the typical vault)",
        median(&diff),
        vault.entries.len(),
        median(&with),
        median(&without),
    );
}

fn bench(c: &mut Criterion) {
    bench_vault(c, "typical", &vault(100_000, 8));
    bench_vault(c, "all listed", &vault(100_000, 1));
}

criterion_group!(benches, bench);
criterion_main!(benches);
