//! Near reuse's engine on generated exports, outside the audit (issue 15):
//! how many distinct passwords, the engine's time (best of three), the
//! similar pairs and shared base words it finds, and the time to group them
//! by base word. BENCHMARKS.md ("Interleaved scaling run") quotes it.
//!
//!     cargo build --release --example similar-stats --example vaultlint-gen
//!     target/release/examples/vaultlint-gen --entries 200000 --seed 42 --shared-words --out sw.csv
//!     target/release/examples/similar-stats sw.csv
//!
//! Reads Bitwarden CSV (the generator's format): the `login_password` column.
//! Prints no password.

use std::collections::HashSet;
use std::time::Instant;

use vaultlint::checks::similar::engine::similar_graph;
use vaultlint::checks::similar::graph::base_ids;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    for path in std::env::args().skip(1) {
        let mut reader = csv::Reader::from_path(&path)?;
        let column = reader
            .headers()?
            .iter()
            .position(|h| h == "login_password")
            .ok_or_else(|| format!("{path}: no login_password column"))?;
        let mut seen = HashSet::new();
        let mut passwords: Vec<zeroize::Zeroizing<String>> = Vec::new();
        for record in reader.records() {
            let record = record?;
            let p = &record[column];
            if !p.is_empty() && seen.insert(p.to_owned()) {
                passwords.push(zeroize::Zeroizing::new(p.to_owned()));
            }
        }
        drop(seen);
        let refs: Vec<&str> = passwords.iter().map(|s| s.as_str()).collect();
        let mut best = f64::MAX;
        let mut graph = None;
        for _ in 0..3 {
            let t = Instant::now();
            let g = similar_graph(&refs, &|_| {});
            best = best.min(t.elapsed().as_secs_f64());
            graph = Some(g);
        }
        let graph = graph.expect("three runs");
        let t = Instant::now();
        let base = base_ids(&refs);
        let base_time = t.elapsed().as_secs_f64();
        let forest = graph.grouped(&base);
        let grouped_time = t.elapsed().as_secs_f64();
        let bridges: usize = forest.bridges.iter().map(Vec::len).sum();
        let in_cliques: usize = graph.cliques.iter().map(Vec::len).sum();
        println!(
            "{path}: {} distinct, engine {best:.3} s (best of 3), {} pairs, {} shared base words ({in_cliques} passwords), base_ids {base_time:.3} s, grouped {grouped_time:.3} s (with base_ids), {} groups, {bridges} bridges",
            refs.len(),
            graph.pairs.len(),
            graph.cliques.len(),
            forest.groups.len(),
        );
    }
    Ok(())
}
