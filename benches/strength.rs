//! Strength scoring: zxcvbn over generated vaults (in parallel, with each
//! account's context, as the `weak` check does), the slowest crafted inputs
//! one at a time, and the vendored zxcvbn against the crates.io release it
//! came from on the same 20,000 entries, in the same run.
//!
//!     cargo bench --bench strength

/// The allocator of the vaultlint binary (src/main.rs).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "support/gen.rs"]
mod generator;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use generator::Mix;
use rayon::prelude::*;
use vaultlint::checks::weak::{Strength, scored_len, strength, user_inputs};

fn score_all(rows: &[generator::Row]) -> Vec<Strength> {
    rows.par_iter()
        .with_min_len(16)
        .map(|r| {
            let domain = vaultlint::site::of_url(&r.url);
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

/// The vendored zxcvbn (vendor/zxcvbn) and the crates.io release, on the
/// same passwords (the prefix the `weak` check scores) and user inputs.
fn vendored_vs_crates_io(c: &mut Criterion) {
    let vault = generator::generate(20_000, 42, Mix::Realistic);
    let cases: Vec<(String, Vec<String>)> = vault
        .rows
        .iter()
        .map(|r| {
            let domain = vaultlint::site::of_url(&r.url);
            let scored: String = r.password.chars().take(scored_len(&r.password)).collect();
            (
                scored,
                user_inputs(&r.username, &r.title, domain.as_deref()),
            )
        })
        .collect();
    let mut g = c.benchmark_group("zxcvbn-20000");
    g.sample_size(10);
    g.throughput(Throughput::Elements(cases.len() as u64));
    /// The highest guesses over all cases, scored in parallel by `zxcvbn`.
    fn score(cases: &[(String, Vec<String>)], zxcvbn: fn(&str, &[&str]) -> u64) -> Option<u64> {
        cases
            .par_iter()
            .with_min_len(16)
            .map(|(p, inputs)| {
                let inputs: Vec<&str> = inputs.iter().map(String::as_str).collect();
                zxcvbn(p, &inputs)
            })
            .max()
    }
    g.bench_function("vendored", |b| {
        b.iter(|| score(&cases, |p, i| zxcvbn::zxcvbn(p, i).guesses()))
    });
    g.bench_function("crates.io", |b| {
        b.iter(|| score(&cases, |p, i| zxcvbn_upstream::zxcvbn(p, i).guesses()))
    });
    g.finish();
}

criterion_group!(benches, crafted_inputs, vaults, vendored_vs_crates_io);
criterion_main!(benches);
