//! Near reuse's engine on generated exports, outside the audit (issue 15):
//! how many distinct passwords, the engine's time (best of three), the
//! similar pairs and shared base words it finds, and the time to group them
//! by base word. BENCHMARKS.md ("Interleaved scaling run") quotes it. The
//! logins are those `vaultlint-gen --entries N --seed 42 [--shared-words]`
//! writes (`benches/support/gen.rs`), made in memory: no password file.
//!
//!     cargo run --release --example similar-stats -- --shared-words 50000 100000 200000

#[path = "../benches/support/gen.rs"]
mod generator;

use std::time::Instant;

use clap::Parser;
use generator::Mix;
use vaultlint::checks::similar::engine::similar_graph;
use vaultlint::checks::similar::graph::base_ids;

#[derive(Parser)]
struct Args {
    /// Numbers of logins, one run each.
    #[arg(required = true)]
    entries: Vec<usize>,
    /// The shared-words mix (dense near reuse) instead of the realistic one.
    #[arg(long)]
    shared_words: bool,
}

fn main() {
    let args = Args::parse();
    let mix = if args.shared_words {
        Mix::SharedWords
    } else {
        Mix::Realistic
    };
    for n in args.entries {
        let vault = generator::generate(n, 42, mix);
        let pw = generator::distinct_passwords(&vault.rows);
        let mut best = f64::MAX;
        let mut graph = similar_graph(&pw, &|_| {});
        for _ in 0..3 {
            let t = Instant::now();
            graph = similar_graph(&pw, &|_| {});
            best = best.min(t.elapsed().as_secs_f64());
        }
        let t = Instant::now();
        let base = base_ids(&pw);
        let base_time = t.elapsed().as_secs_f64();
        let forest = graph.grouped(&base);
        let grouped_time = t.elapsed().as_secs_f64();
        println!(
            "{n} entries ({}): {} distinct, engine {best:.3} s (best of 3 after a warm-up), {} pairs, {} shared base words ({} passwords), base_ids {base_time:.3} s, grouped {grouped_time:.3} s (with base_ids), {} groups, {} bridges",
            if args.shared_words {
                "shared-words"
            } else {
                "realistic"
            },
            pw.len(),
            graph.pairs.len(),
            graph.cliques.len(),
            graph.cliques.iter().map(Vec::len).sum::<usize>(),
            forest.groups.len(),
            forest.bridges.iter().map(Vec::len).sum::<usize>(),
        );
    }
}
