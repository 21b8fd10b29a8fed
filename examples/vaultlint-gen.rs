//! Writes a generated vault as a Bitwarden CSV export, for the benchmark
//! scripts (see `benches/support/gen.rs` for what it contains, and
//! BENCHMARKS.md). An example rather than a binary so that it is never
//! installed with vaultlint.
//!
//!     cargo run --release --example vaultlint-gen -- --entries 20000 --seed 42 \
//!         --out target/bench/vault.csv --truth target/bench/truth.csv

#[path = "../benches/support/gen.rs"]
mod generator;

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

use clap::Parser;

/// Generate a realistic (or random-only) password-manager export.
#[derive(Parser)]
struct Args {
    /// Number of logins.
    #[arg(long, default_value_t = 20_000)]
    entries: usize,
    /// Random seed: the same seed gives the same file.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Only random 12–24 character passwords (precision measurement).
    #[arg(long, conflicts_with = "shared_words")]
    random_only: bool,
    /// Most passwords built from a few hundred shared words, years and
    /// symbols, with many tweaks (dense near reuse; see benches/support/gen.rs).
    #[arg(long)]
    shared_words: bool,
    /// Output CSV (Bitwarden format).
    #[arg(long)]
    out: PathBuf,
    /// Also write the planted tweak pairs as CSV: line_a,line_b,tweak (CSV
    /// line numbers of the two rows, header = line 1).
    #[arg(long)]
    truth: Option<PathBuf>,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let mix = if args.random_only {
        generator::Mix::RandomOnly
    } else if args.shared_words {
        generator::Mix::SharedWords
    } else {
        generator::Mix::Realistic
    };
    let vault = generator::generate(args.entries, args.seed, mix);
    generator::write_bitwarden(&vault.rows, BufWriter::new(File::create(&args.out)?))?;
    if let Some(path) = &args.truth {
        let mut w = BufWriter::new(File::create(path)?);
        writeln!(w, "line_a,line_b,tweak")?;
        for p in &vault.planted {
            writeln!(w, "{},{},{}", p.a + 2, p.b + 2, p.tweak)?;
        }
        w.flush()?;
    }
    eprintln!(
        "wrote {} logins ({} distinct passwords, {} planted tweaks) to {}",
        vault.rows.len(),
        generator::distinct_passwords(&vault.rows).len(),
        vault.planted.len(),
        args.out.display()
    );
    Ok(())
}
