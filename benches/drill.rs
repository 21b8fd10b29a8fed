//! Lockout drill benchmark (issue 14): "the drill over a 100,000-entry audit
//! with 200 mailboxes adds under 200 ms".
//!
//!     cargo bench --bench drill
//!
//! The vault: one member (the worst case: the drill is per member) with
//! 100,000 logins. 200 of them are mailboxes (on 4 providers), each with its
//! 2FA in the authenticator app on the phone (recovery inventory `methods =
//! ["app"]`), a third of them with backup codes saved in the vault. The other
//! 99,800 accounts reset through those mailboxes (their username is a
//! mailbox address, 499 accounts per mailbox); a quarter have a TOTP seed in
//! the vault, a tenth are SMS only (inventory), a tenth have codes saved in
//! their notes. So every scenario spreads: lost phone (through the
//! mailboxes), lost password manager, each of the 200 lost mailboxes, all at
//! once: 203 scenarios, with chains for every locked-out account, the
//! actions and the picture.
//!
//! It prints first, per variant, the median of 5 runs of `audit::run` in
//! wall-clock and CPU time (this process's user + system time, from
//! /proc/self/stat) with the load average before and after, then the added
//! time of the drill (recovery + drill minus recovery alone: the drill needs
//! the recovery check's facts, so it never runs without it). Criterion then
//! times the same variants.

/// The allocator of the vaultlint binary (src/main.rs).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};

use vaultlint::checks::CheckId;
use vaultlint::checks::drill::ScenarioKind;
use vaultlint::model::Vault;
use vaultlint::progress::NoProgress;
use vaultlint::settings::Settings;

#[path = "support/drill.rs"]
mod support;
use support::{ENTRIES, MAILBOXES, settings, vault};

/// This process's CPU time (user + system), from /proc/self/stat.
fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    // Fields 14 and 15 of stat(5), counted from field 3 here.
    let ticks: u64 = f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10)) // USER_HZ is 100 on Linux
}

fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "n/a".into())
}

/// Median wall and CPU time of 5 runs.
fn measure(vault: &Vault, s: &Settings) -> (Duration, Option<Duration>) {
    let mut walls = Vec::new();
    let mut cpus = Vec::new();
    for _ in 0..5 {
        let c0 = cpu_time();
        let t0 = Instant::now();
        let audit = vaultlint::audit::run(vault, s, &NoProgress);
        walls.push(t0.elapsed());
        if let (Some(a), Some(b)) = (c0, cpu_time()) {
            cpus.push(b - a);
        }
        black_box(audit);
    }
    walls.sort();
    cpus.sort();
    (walls[2], cpus.get(cpus.len() / 2).copied())
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn bench(c: &mut Criterion) {
    let vault = vault();
    let recovery = settings(&[CheckId::Recovery], &[]);
    let with_drill = settings(&[CheckId::Recovery, CheckId::Drill], &[]);
    let phone_only = settings(
        &[CheckId::Recovery, CheckId::Drill],
        &[ScenarioKind::LostPhone],
    );

    // What the drill found, so the numbers are about real work.
    let audit = vaultlint::audit::run(&vault, &with_drill, &NoProgress);
    let drill = audit.drill.as_ref().expect("the drill ran");
    let m = &drill.members[0];
    let locked: usize = m.scenarios.iter().map(|s| s.locked_out.len()).sum();
    println!(
        "drill bench: {ENTRIES} logins, {MAILBOXES} mailboxes, 1 member; {} scenarios, {locked} lockouts (with chains) in all, {} actions, {} picture nodes",
        m.scenarios.len(),
        m.actions.len(),
        m.graph.nodes.len()
    );
    println!("median of 5 runs of audit::run (wall / CPU), load average before -> after:");
    let mut base = None;
    for (name, s) in [
        ("recovery check alone", &recovery),
        ("recovery + drill (every scenario)", &with_drill),
        ("recovery + drill (--drill lost-phone)", &phone_only),
    ] {
        let before = load();
        let (wall, cpu) = measure(&vault, s);
        let cpu_s = cpu.map_or("n/a".into(), ms);
        println!(
            "  {name:<40} {:>10} / {:>10}   load {before} -> {}",
            ms(wall),
            cpu_s,
            load()
        );
        match base {
            None => base = Some((wall, cpu)),
            Some((bw, bc)) => println!(
                "  {:<40} {:>10} / {:>10}   <- the drill's added time (target: under 200 ms)",
                "  added by the drill",
                ms(wall.saturating_sub(bw)),
                match (cpu, bc) {
                    (Some(c), Some(b)) => ms(c.saturating_sub(b)),
                    _ => "n/a".into(),
                }
            ),
        }
    }

    let mut group = c.benchmark_group("drill 100k logins 200 mailboxes");
    group.sample_size(10);
    group.bench_function("audit::run recovery alone", |b| {
        b.iter(|| vaultlint::audit::run(black_box(&vault), &recovery, &NoProgress))
    });
    group.bench_function("audit::run recovery + drill", |b| {
        b.iter(|| vaultlint::audit::run(black_box(&vault), &with_drill, &NoProgress))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
