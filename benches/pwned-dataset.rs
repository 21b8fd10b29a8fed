//! Criterion: lookups in a local dataset. A generated sorted file of 2
//! million lines (~95 MB, in a temp dir) is searched in place for 5,000
//! hashes (one in ten present), and ranges are read from it as the mirror
//! does; a range directory answers the same lookups.

/// The allocator of the vaultlint binary (src/main.rs).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::io::Write;

use criterion::{Criterion, criterion_group, criterion_main};
use rand::{Rng, SeedableRng};
use vaultlint::progress::NoProgress;
use vaultlint::pwned::dataset::Dataset;
use vaultlint::pwned::{Batch, Prefix, RangeSource, Suffix, lookup_in};
use zeroize::Zeroizing;

const LINES: usize = 2_000_000;
const LOOKUPS: usize = 5_000;

fn setup(dir: &std::path::Path) -> (std::path::PathBuf, Vec<Batch>) {
    let mut rng = rand::rngs::StdRng::seed_from_u64(42);
    let mut keys: Vec<[u8; 20]> = (0..LINES).map(|_| rng.r#gen()).collect();
    keys.sort_unstable();
    let path = dir.join("sorted.txt");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    for k in &keys {
        write!(
            f,
            "{}:{}\r\n",
            hex::encode_upper(k),
            rng.gen_range(1..50_000)
        )
        .unwrap();
    }
    f.flush().unwrap();
    let mut lookups: Vec<[u8; 20]> = (0..LOOKUPS)
        .map(|i| {
            if i % 10 == 0 {
                keys[rng.gen_range(0..LINES)]
            } else {
                rng.r#gen()
            }
        })
        .collect();
    lookups.sort_unstable();
    let mut batches: Vec<Batch> = Vec::new();
    for k in lookups {
        let (p, s) = Suffix::split(&k);
        match batches.last_mut() {
            Some(b) if b.prefix == p => b.suffixes.push(s),
            _ => batches.push(Batch {
                prefix: p,
                suffixes: Zeroizing::new(vec![s]),
            }),
        }
    }
    (path, batches)
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let (path, batches) = setup(dir.path());
    let file = Dataset::open(&path).unwrap();
    let mut g = c.benchmark_group("dataset");
    g.sample_size(20);
    g.bench_function("sorted file: 5,000 lookups in 2M lines", |b| {
        b.iter(|| lookup_in(&file, &batches, &NoProgress))
    });
    g.bench_function("sorted file: open + 5,000 lookups", |b| {
        b.iter(|| lookup_in(&Dataset::open(&path).unwrap(), &batches, &NoProgress))
    });
    let prefixes: Vec<Prefix> = batches.iter().map(|b| b.prefix).take(1000).collect();
    g.bench_function("sorted file: 1,000 ranges (mirror)", |b| {
        b.iter(|| {
            prefixes
                .iter()
                .map(|p| file.range(*p).unwrap().len())
                .sum::<usize>()
        })
    });

    let ranges = dir.path().join("ranges");
    std::fs::create_dir(&ranges).unwrap();
    for b in &batches {
        let mut body = Vec::new();
        file.range(b.prefix).unwrap().write_body(&mut body, None);
        std::fs::write(ranges.join(format!("{}.txt", b.prefix)), body).unwrap();
    }
    std::fs::write(ranges.join("00000.txt"), "").unwrap();
    let tree = Dataset::open(&ranges).unwrap();
    g.bench_function("range directory: 5,000 lookups", |b| {
        b.iter(|| lookup_in(&tree, &batches, &NoProgress))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
