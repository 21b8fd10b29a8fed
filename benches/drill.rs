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
//! It prints first, per variant, the minimum, median and maximum of 11
//! rounds (`DRILL_BENCH_ROUNDS`) of `audit::run`, the three variants
//! alternating within each round, in wall-clock and CPU time (this
//! process's user + system time, from /proc/self/stat) with the load
//! average before and after; then the added time of the drill (recovery +
//! drill minus recovery alone: the drill needs the recovery check's facts,
//! so it never runs without it) as the difference of the minimums, of the
//! medians, and the spread of the per-round differences. Criterion then
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

/// One `audit::run`: wall and CPU time.
fn once(vault: &Vault, s: &Settings) -> (Duration, Option<Duration>) {
    let c0 = cpu_time();
    let t0 = Instant::now();
    let audit = vaultlint::audit::run(vault, s, &NoProgress);
    let wall = t0.elapsed();
    let cpu = c0.zip(cpu_time()).map(|(a, b)| b.saturating_sub(a));
    // Dropped after the clocks stop, as before.
    black_box(audit);
    (wall, cpu)
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// Signed milliseconds.
fn diff_ms(a: Duration, b: Duration) -> String {
    format!("{:+.1} ms", (a.as_secs_f64() - b.as_secs_f64()) * 1000.0)
}

fn sorted(mut v: Vec<Duration>) -> Vec<Duration> {
    v.sort();
    v
}

/// Rounds of the alternating runs (`DRILL_BENCH_ROUNDS`, default 11).
fn rounds() -> usize {
    std::env::var("DRILL_BENCH_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .filter(|r| *r > 0)
        .unwrap_or(11)
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
    drop(audit);

    // The three variants alternate, round after round, so that a change of
    // load or of the allocator's state hits each alike; each run allocates
    // and frees about 100 MB, which makes single differences noisy: the
    // minimum is the run least disturbed, the median the typical one, and
    // the paired differences (the drill's run minus the recovery run of the
    // same round) show the spread.
    let variants: [(&str, &Settings); 3] = [
        ("recovery check alone", &recovery),
        ("recovery + drill (every scenario)", &with_drill),
        ("recovery + drill (--drill lost-phone)", &phone_only),
    ];
    let n = rounds();
    let before = load();
    let mut walls: Vec<Vec<Duration>> = vec![Vec::new(); 3];
    let mut cpus: Vec<Vec<Duration>> = vec![Vec::new(); 3];
    for _ in 0..n {
        for (k, (_, s)) in variants.iter().enumerate() {
            let (wall, cpu) = once(&vault, s);
            walls[k].push(wall);
            cpus[k].extend(cpu);
        }
    }
    println!(
        "{n} rounds of audit::run, the variants alternating; load average {before} -> {}",
        load()
    );
    println!(
        "  {:<40} {:>10} {:>10} {:>10}   {:>10} {:>10}",
        "wall (CPU: user + system, 10 ms ticks)", "min", "median", "max", "CPU min", "CPU median"
    );
    let stats = |v: &[Duration]| {
        let v = sorted(v.to_vec());
        (v[0], v[v.len() / 2], v[v.len() - 1])
    };
    for (k, (name, _)) in variants.iter().enumerate() {
        let (lo, med, hi) = stats(&walls[k]);
        let (clo, cmed) = if cpus[k].is_empty() {
            ("n/a".to_owned(), "n/a".to_owned())
        } else {
            let (a, b, _) = stats(&cpus[k]);
            (ms(a), ms(b))
        };
        println!(
            "  {name:<40} {:>10} {:>10} {:>10}   {:>10} {:>10}",
            ms(lo),
            ms(med),
            ms(hi),
            clo,
            cmed
        );
    }
    for (k, name) in [(1, "every scenario"), (2, "--drill lost-phone")] {
        let (base_lo, base_med, _) = stats(&walls[0]);
        let (lo, med, _) = stats(&walls[k]);
        // Paired: this round's drill run minus this round's recovery run.
        let paired: Vec<f64> = walls[k]
            .iter()
            .zip(&walls[0])
            .map(|(a, b)| (a.as_secs_f64() - b.as_secs_f64()) * 1000.0)
            .collect();
        let mut p = paired;
        p.sort_by(f64::total_cmp);
        let cpu = if cpus[k].len() == n && cpus[0].len() == n {
            let (base_lo, base_med, _) = stats(&cpus[0]);
            let (lo, med, _) = stats(&cpus[k]);
            format!(
                "; CPU min {}, median {}",
                diff_ms(lo, base_lo),
                diff_ms(med, base_med)
            )
        } else {
            String::new()
        };
        println!(
            "  added by the drill ({name}): min {}, median {} (wall{cpu}); paired per round: min {:+.1}, median {:+.1}, max {:+.1} ms  <- target: under 200 ms",
            diff_ms(lo, base_lo),
            diff_ms(med, base_med),
            p[0],
            p[p.len() / 2],
            p[p.len() - 1],
        );
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
