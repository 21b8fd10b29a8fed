//! Near-reuse engine: the blocking engine on generated vaults of 1k to 100k
//! entries, the exhaustive reference at 1k for scale, and the precision
//! check on 100,000 random passwords (printed once, then timed).
//!
//!     cargo bench --bench similar

/// The allocator of the vaultlint binary (src/main.rs).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "support/gen.rs"]
mod generator;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use generator::Mix;
use vaultlint::checks::similar::engine::{naive_graph, similar_graph};
use vaultlint::checks::similar::graph::base_ids;

fn engine(c: &mut Criterion) {
    let mut g = c.benchmark_group("similar");
    g.sample_size(10);
    for n in [1_000, 10_000, 20_000, 100_000] {
        let vault = generator::generate(n, 42, Mix::Realistic);
        let pw = generator::distinct_passwords(&vault.rows);
        let graph = similar_graph(&pw, &|_| {});
        eprintln!(
            "similar: {n} entries, {} distinct passwords: {} pairs + {} base-word groups, {} groups",
            pw.len(),
            graph.pairs.len(),
            graph.cliques.len(),
            graph.forest().groups.len()
        );
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::new("engine", n), &pw, |b, pw| {
            b.iter(|| similar_graph(pw, &|_| {}))
        });
    }
    // Dense: most passwords built from shared words (many near pairs).
    for n in [20_000, 100_000] {
        let vault = generator::generate(n, 42, Mix::SharedWords);
        let pw = generator::distinct_passwords(&vault.rows);
        let graph = similar_graph(&pw, &|_| {});
        let forest = graph.grouped(&base_ids(&pw));
        eprintln!(
            "similar shared-words: {n} entries, {} distinct: {} pairs + {} base-word groups; {} groups, largest {} (transitive closure: largest {})",
            pw.len(),
            graph.pairs.len(),
            graph.cliques.len(),
            forest.groups.len(),
            forest.groups.iter().map(Vec::len).max().unwrap_or(0),
            graph
                .forest()
                .groups
                .iter()
                .map(Vec::len)
                .max()
                .unwrap_or(0),
        );
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::new("engine-shared-words", n), &pw, |b, pw| {
            b.iter(|| similar_graph(pw, &|_| {}))
        });
    }

    let vault = generator::generate(1_000, 42, Mix::Realistic);
    let pw = generator::distinct_passwords(&vault.rows);
    g.throughput(Throughput::Elements(1_000));
    g.bench_with_input(BenchmarkId::new("exhaustive", 1_000), &pw, |b, pw| {
        b.iter(|| naive_graph(pw))
    });

    let random = generator::generate(100_000, 7, Mix::RandomOnly);
    let pw = generator::distinct_passwords(&random.rows);
    let graph = similar_graph(&pw, &|_| {});
    eprintln!(
        "precision: {} similar pairs and {} base-word groups among {} random 12-24 character passwords",
        graph.pairs.len(),
        graph.cliques.len(),
        pw.len()
    );
    g.throughput(Throughput::Elements(100_000));
    g.bench_with_input(BenchmarkId::new("engine-random", 100_000), &pw, |b, pw| {
        b.iter(|| similar_graph(pw, &|_| {}))
    });
    g.finish();
}

criterion_group!(benches, engine);
criterion_main!(benches);
