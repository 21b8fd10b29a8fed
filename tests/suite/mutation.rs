//! Seeded mutation test of the whole binary: every sample export, damaged in
//! many small ways (bytes flipped, quotes and commas inserted, lines cut,
//! duplicated or swapped, invalid UTF-8, stray BOMs and line ends), must give
//! a clean outcome: no panic, an exit code in {0, 1, 2, 3}, a JSON document
//! on stdout for an audit that ran (0, 1, 3) and an error message on stderr
//! for an input error (2).
//!
//! The seed is fixed, so a failure names the sample and the mutation and is
//! reproduced by running the test again; set `VAULTLINT_MUTATION_SEED` to
//! explore other seeds and `VAULTLINT_MUTATIONS` to change how many mutants
//! each sample gets.

use crate::common;

use std::path::Path;
use std::sync::Mutex;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Mutants per sample in the default run (about 250 runs of the binary).
const DEFAULT_MUTANTS: usize = 11;

/// One way to damage an export. Each returns a short description.
fn mutate(data: &mut Vec<u8>, rng: &mut StdRng) -> String {
    let len = data.len().max(1);
    let at = rng.gen_range(0..len).min(data.len());
    match rng.gen_range(0..12) {
        0 => {
            if let Some(b) = data.get_mut(at) {
                *b ^= 1 << rng.gen_range(0..8);
            }
            format!("bit flipped at byte {at}")
        }
        1 => {
            data.insert(at, b'"');
            format!("quote inserted at byte {at}")
        }
        2 => {
            data.insert(at, b',');
            format!("comma inserted at byte {at}")
        }
        3 => {
            let end = (at + rng.gen_range(1..64)).min(data.len());
            data.drain(at..end);
            format!("bytes {at}..{end} deleted")
        }
        4 => {
            data.truncate(at);
            format!("cut at byte {at}")
        }
        5 => {
            let bad: &[u8] =
                [&b"\xff"[..], b"\xc3", b"\xe2\x82", b"\x00", b"\xef\xbf\xbe"][rng.gen_range(0..5)];
            data.splice(at..at, bad.iter().copied());
            format!("bytes {bad:02x?} inserted at byte {at}")
        }
        6 => {
            let ends: &[u8] = [&b"\r"[..], b"\n", b"\r\r\n", b"\r\n\r\n"][rng.gen_range(0..4)];
            data.splice(at..at, ends.iter().copied());
            format!("line end {ends:?} inserted at byte {at}")
        }
        7 => {
            data.splice(0..0, b"\xEF\xBB\xBF".iter().copied());
            "BOM prepended".to_owned()
        }
        8 => {
            let lines = split_lines(data);
            if lines.len() > 1 {
                let i = rng.gen_range(0..lines.len());
                let line = lines[i].clone();
                let mut out = Vec::new();
                for (k, l) in lines.iter().enumerate() {
                    out.extend_from_slice(l);
                    if k == i {
                        out.extend_from_slice(&line);
                    }
                }
                *data = out;
                return format!("line {} duplicated", i + 1);
            }
            "nothing (one line)".to_owned()
        }
        9 => {
            let mut lines = split_lines(data);
            if lines.len() > 2 {
                let i = rng.gen_range(0..lines.len());
                let j = rng.gen_range(0..lines.len());
                lines.swap(i, j);
                *data = lines.concat();
                return format!("lines {} and {} swapped", i + 1, j + 1);
            }
            "nothing (too few lines)".to_owned()
        }
        10 => {
            let n = rng.gen_range(1..2000);
            let filler = [b'a', b',', b'"', b' '][rng.gen_range(0..4)];
            data.splice(at..at, std::iter::repeat_n(filler, n));
            format!("{n} x {:?} inserted at byte {at}", filler as char)
        }
        _ => {
            let lines = split_lines(data);
            if !lines.is_empty() {
                let keep = rng.gen_range(0..=lines.len());
                *data = lines[..keep].concat();
                return format!("only the first {keep} line(s) kept");
            }
            "nothing (empty)".to_owned()
        }
    }
}

/// Lines with their terminators, so that `concat` gives the input back.
fn split_lines(data: &[u8]) -> Vec<Vec<u8>> {
    data.split_inclusive(|&b| b == b'\n')
        .map(<[u8]>::to_vec)
        .collect()
}

/// Runs the binary on one mutant and checks its outcome; returns a failure
/// description, if any.
fn check(dir: &Path, name: &str, what: &str, data: &[u8]) -> Option<String> {
    let path = dir.join(name);
    std::fs::write(&path, data).expect("write mutant");
    let out = common::audit(&["--format", "json"])
        .arg(&path)
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let fail = |why: &str| Some(format!("{name} ({what}): {why}; stderr: {stderr}"));
    let Some(code) = out.status.code() else {
        return fail("killed by a signal or timed out");
    };
    if stderr.contains("panicked") {
        return fail("panicked");
    }
    match code {
        0 | 1 | 3 => {
            if let Err(e) = serde_json::from_slice::<serde_json::Value>(&out.stdout) {
                return fail(&format!("exit {code} but stdout is not JSON: {e}"));
            }
        }
        2 => {
            if !out.stdout.is_empty() {
                return fail("exit 2 with a report on stdout");
            }
            if !stderr.contains("vaultlint: error:") {
                return fail("exit 2 without an error message");
            }
        }
        other => return fail(&format!("exit code {other}")),
    }
    None
}

#[test]
#[ignore = "slow: run by `cargo test -- --ignored` (CI does)"]
fn mutated_samples_never_panic_and_exit_cleanly() {
    let seed: u64 = std::env::var("VAULTLINT_MUTATION_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5EED_0009);
    let per_sample: usize = std::env::var("VAULTLINT_MUTATIONS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(DEFAULT_MUTANTS);
    let dir = tempfile::tempdir().expect("temp dir");
    let samples = common::all_samples();
    assert!(samples.len() >= 15, "samples found: {}", samples.len());

    // The mutants are made up front from one seeded generator, so the set
    // does not depend on how the threads below interleave.
    let mut rng = StdRng::seed_from_u64(seed);
    let mut jobs = Vec::new();
    for sample in &samples {
        let original = std::fs::read(sample).expect("sample readable");
        let stem = sample.file_stem().unwrap().to_string_lossy().into_owned();
        for k in 0..per_sample {
            let mut data = original.clone();
            let rounds = rng.gen_range(1..=3);
            let what: Vec<String> = (0..rounds).map(|_| mutate(&mut data, &mut rng)).collect();
            jobs.push((format!("{stem}-{k}.csv"), what.join(", "), data));
        }
    }
    let total = jobs.len();
    let jobs = Mutex::new(jobs);
    let failures = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                loop {
                    let Some((name, what, data)) = jobs.lock().unwrap().pop() else {
                        break;
                    };
                    if let Some(f) = check(dir.path(), &name, &what, &data) {
                        failures.lock().unwrap().push(f);
                    }
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap();
    assert!(
        failures.is_empty(),
        "{} of {total} mutants (seed {seed:#x}) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
