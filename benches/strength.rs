//! Strength scoring: zxcvbn over generated vaults (in parallel, with each
//! account's context, as the `weak` check does), and the slowest crafted
//! inputs one at a time.
//!
//!     cargo bench --bench strength

#[path = "support/gen.rs"]
mod generator;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use generator::Mix;
use rayon::prelude::*;
use vaultlint::checks::weak::{Strength, strength, user_inputs};

fn score_all(rows: &[generator::Row]) -> Vec<Strength> {
    rows.par_iter()
        .with_min_len(16)
        .map(|r| {
            let domain = vaultlint::domain::of_url(&r.url);
            strength(
                &r.password,
                &user_inputs(&r.username, &r.title, domain.as_deref()),
            )
        })
        .collect()
}

fn vaults(c: &mut Criterion) {
    let mut g = c.benchmark_group("strength");
    g.sample_size(10);
    for n in [1_000, 10_000, 20_000, 100_000] {
        let vault = generator::generate(n, 42, Mix::Realistic);
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::new("vault", n), &vault.rows, |b, rows| {
            b.iter(|| score_all(rows))
        });
    }
    g.finish();
}

/// Inputs that make zxcvbn's matchers work hardest: every look-alike
/// character (each tried as every letter it may stand for), repeats,
/// keyboard walks, sequences, dates, dictionary words, and mixtures, all
/// far longer than the 64 characters that are scored.
pub fn crafted() -> Vec<(&'static str, String)> {
    let rep = |s: &str| s.repeat(200 / s.len() + 1);
    vec![
        ("leet-all", rep("4@8({[<36910!|7$5+%2")),
        ("leet-1!|", rep("1!|")),
        ("leet-mixed", rep("4@3$5071!|")),
        ("leet-words", rep("p@$$w0rd1!")),
        ("repeat-a", rep("a")),
        ("keyboard", rep("qwertyuiop")),
        ("sequence", rep("abcdefghijklmnopqrstuvwxyz0123456789")),
        ("dates", rep("1/1/1919")),
        ("words", rep("passwordmonkeydragon")),
        ("digits", rep("1234567890")),
    ]
}

fn crafted_inputs(c: &mut Criterion) {
    let mut g = c.benchmark_group("strength-crafted");
    g.sample_size(20);
    for (name, pw) in crafted() {
        g.bench_with_input(BenchmarkId::new("worst", name), &pw, |b, pw| {
            b.iter(|| strength(pw, &[]))
        });
    }
    g.finish();
}

criterion_group!(benches, crafted_inputs, vaults);
criterion_main!(benches);
