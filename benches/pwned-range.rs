//! Criterion: parsing and writing range bodies (the online client parses
//! one per distinct prefix; the mirror writes one per request).

/// The allocator of the vaultlint binary (src/main.rs).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rand::{Rng, SeedableRng};
use vaultlint::pwned::{Range, Suffix};

/// A range like the API's: ~900 rows, half of them padding.
fn sample() -> (Vec<u8>, Vec<u8>) {
    let mut rng = rand::rngs::StdRng::seed_from_u64(1);
    let mut hex = Vec::new();
    let rows: Vec<(Suffix, u64)> = (0..450)
        .map(|_| {
            hex.clear();
            for _ in 0..35 {
                hex.push(b"0123456789ABCDEF"[rng.gen_range(0..16)]);
            }
            (Suffix::parse_hex(&hex).unwrap(), rng.gen_range(1..100_000))
        })
        .collect();
    let range = Range::from_rows(rows);
    let mut padded = Vec::new();
    range.write_body(&mut padded, Some(900));
    let mut plain = Vec::new();
    range.write_body(&mut plain, None);
    (padded, plain)
}

fn bench(c: &mut Criterion) {
    let (padded, plain) = sample();
    let mut g = c.benchmark_group("range");
    g.throughput(Throughput::Bytes(padded.len() as u64));
    g.bench_function("parse 900 rows (padded)", |b| {
        b.iter(|| Range::parse(std::hint::black_box(&padded)).unwrap())
    });
    let range = Range::parse(&plain).unwrap();
    g.bench_function("write 450 rows padded to 900", |b| {
        b.iter(|| {
            let mut out = Vec::with_capacity(40_000);
            range.write_body(&mut out, Some(900));
            out
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
