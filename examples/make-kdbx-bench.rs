//! The KeePass import benchmark's input and its in-process timing
//! (`scripts/kdbx-bench.sh` runs both).
//!
//! ```text
//! cargo run --release --example make-kdbx-bench -- write OUT.kdbx [ENTRIES] [AES_ROUNDS]
//! cargo run --release --example make-kdbx-bench -- time FILE.kdbx [RUNS]
//! ```
//!
//! `write` makes a KDBX 4 database (AES-256, AES-KDF with AES_ROUNDS rounds,
//! default 10,000 entries and 60,000 rounds, password from the environment
//! variable `KDBX_BENCH_PASSWORD`) shaped like a real vault: 40 groups two
//! levels deep, every entry with a user name and URL, one in four with two
//! older versions in its history, one in seven with TOTP (the three
//! conventions in turn), one in three with custom fields, one in eleven with
//! a small attachment, and 2 % in the recycle bin. The content is the same
//! for any round count (fixed seed), so a file with 1 round shows the cost
//! of everything but the KDF.
//!
//! `time` opens FILE RUNS times (default 5) with the `keepass` crate alone
//! (KDF, decryption, XML parsing) and the way `vaultlint audit` does
//! (`load_bytes_with`: the same, then the vault model), and prints the best
//! and median wall time and CPU time of each (CPU time from
//! `/proc/thread-self/schedstat`, meaningful on a loaded machine).

use std::time::Instant;

use keepass::config::KdfConfig;
use keepass::db::{EntryMut, Value, fields};
use keepass::{Database, DatabaseKey};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

fn password() -> String {
    std::env::var("KDBX_BENCH_PASSWORD").unwrap_or_else(|_| "kdbx-bench".to_owned())
}

fn random_password(rng: &mut StdRng) -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789!#%+-";
    (0..16)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect()
}

fn fill(e: &mut EntryMut<'_>, i: usize, rng: &mut StdRng) {
    e.set_unprotected(fields::TITLE, format!("Site {i}"));
    e.set_unprotected(fields::USERNAME, format!("user{i}@example.com"));
    e.set_unprotected(fields::URL, format!("https://login.site{i}.example"));
    e.set_protected(fields::PASSWORD, random_password(rng));
    if i % 5 == 0 {
        e.set_unprotected(fields::NOTES, format!("account number {i}\nopened in 2019"));
    }
    match i % 21 {
        0 => e.set_protected("otp", "otpauth://totp/Site:user?secret=JBSWY3DPEHPK3PXP"),
        7 => {
            e.set_protected("TOTP Seed", "JBSWY3DPEHPK3PXP");
            e.set_unprotected("TOTP Settings", "30;6");
        }
        14 => e.set_protected("TimeOtp-Secret-Base32", "JBSWY3DPEHPK3PXP"),
        _ => {}
    }
    if i % 3 == 0 {
        e.set_protected("PIN", format!("{:04}", i % 10_000));
        e.set_unprotected("Security question", "first pet");
        e.set_unprotected("KP2A_URL_1", format!("https://app.site{i}.example"));
    }
    if i % 11 == 0 {
        e.add_attachment(
            "notes.txt",
            Value::protected(format!("attachment of entry {i}\n").into_bytes()),
        );
    }
    e.tags
        .push(if i % 2 == 0 { "work" } else { "home" }.to_owned());
}

fn build(entries: usize, rounds: u64) -> Vec<u8> {
    let mut rng = StdRng::seed_from_u64(12);
    let mut db = Database::new();
    db.config.kdf_config = KdfConfig::Aes { rounds };
    let trash = entries / 50;
    let live = entries - trash;
    let mut root = db.root_mut();
    let mut i = 0;
    for g in 0..8 {
        let mut group = root.add_group();
        group.name = format!("Group {g}");
        for s in 0..5 {
            let mut sub = group.add_group();
            sub.name = format!("Sub {g}.{s}");
            let share = live / 40 + usize::from(g * 5 + s < live % 40);
            for _ in 0..share {
                let mut entry = sub.add_entry();
                entry.edit(|e: &mut EntryMut<'_>| fill(e, i, &mut rng));
                if i % 4 == 0 {
                    // Two older versions: the history holds both.
                    for _ in 0..2 {
                        let p = random_password(&mut rng);
                        entry.edit_tracking(|e| e.set_protected(fields::PASSWORD, p));
                    }
                }
                i += 1;
            }
        }
    }
    let mut bin = root.add_group();
    bin.name = "Recycle Bin".into();
    let bin_id = bin.id().uuid();
    for _ in 0..trash {
        bin.add_entry()
            .edit(|e: &mut EntryMut<'_>| fill(e, i, &mut rng));
        i += 1;
    }
    db.meta.recyclebin_enabled = Some(true);
    db.meta.recyclebin_uuid = Some(bin_id);
    let mut out = Vec::new();
    db.save(&mut out, DatabaseKey::new().with_password(&password()))
        .expect("saves the database");
    out
}

/// CPU time of the calling thread so far (Linux `schedstat`), so the
/// numbers mean something on a loaded machine; `None` elsewhere.
fn thread_cpu() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: f64 = text.split_whitespace().next()?.parse().ok()?;
    Some(ns / 1e9)
}

/// Wall and thread-CPU seconds of `f`.
fn measure<T>(f: impl FnOnce() -> T) -> (T, f64, f64) {
    let (c0, t) = (thread_cpu(), Instant::now());
    let v = f();
    let wall = t.elapsed().as_secs_f64();
    let cpu = match (c0, thread_cpu()) {
        (Some(a), Some(b)) => b - a,
        _ => f64::NAN,
    };
    (v, wall, cpu)
}

fn best_median(mut v: Vec<f64>) -> String {
    v.sort_by(f64::total_cmp);
    format!("best {:.3} s, median {:.3} s", v[0], v[v.len() / 2])
}

fn time(file: &str, runs: usize) {
    use vaultlint::import::{FormatChoice, ReadOptions, load_bytes_with, unlock::UnlockSettings};
    let data = std::fs::read(file).expect("reads the database");
    let dir = std::env::temp_dir().join(format!("kdbx-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let pw = dir.join("pw");
    std::fs::write(&pw, password()).unwrap();
    let options = ReadOptions {
        unlock: UnlockSettings {
            password_file: Some(pw),
            no_prompt: true,
            ..Default::default()
        },
        ..Default::default()
    };
    let (mut open_wall, mut open_cpu, mut all_wall, mut all_cpu) = (vec![], vec![], vec![], vec![]);
    let mut entries = 0;
    for _ in 0..runs {
        // The keepass crate alone: key derivation, decryption, XML parsing.
        let (db, wall, cpu) = measure(|| {
            Database::open(
                &mut std::io::Cursor::new(&data),
                DatabaseKey::new().with_password(&password()),
            )
            .expect("opens the database")
        });
        drop(db);
        open_wall.push(wall);
        open_cpu.push(cpu);
        // What `vaultlint audit` does: the same, then the vault model.
        let (e, wall, cpu) = measure(|| {
            load_bytes_with(&data, file, "m", &FormatChoice::Auto, &options)
                .expect("opens the database")
                .1
        });
        entries = e.len();
        all_wall.push(wall);
        all_cpu.push(cpu);
    }
    std::fs::remove_dir_all(&dir).ok();
    println!("{file}: {entries} entries, {runs} runs in process");
    println!(
        "  keepass crate open (KDF + decrypt + XML parse): wall {}; CPU {}",
        best_median(open_wall),
        best_median(open_cpu)
    );
    println!(
        "  vaultlint import (the same + vault model):     wall {}; CPU {}",
        best_median(all_wall),
        best_median(all_cpu)
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage =
        "usage: make-kdbx-bench write OUT.kdbx [ENTRIES] [AES_ROUNDS] | time FILE.kdbx [RUNS]";
    match args.first().map(String::as_str) {
        Some("write") if args.len() >= 2 => {
            let entries = args.get(2).map_or(10_000, |n| n.parse().expect(usage));
            let rounds = args.get(3).map_or(60_000, |n| n.parse().expect(usage));
            std::fs::write(&args[1], build(entries, rounds)).expect("writes");
            println!(
                "wrote {} ({entries} entries, KDBX 4, AES-KDF {rounds} rounds)",
                args[1]
            );
        }
        Some("time") if args.len() >= 2 => {
            time(&args[1], args.get(2).map_or(5, |n| n.parse().expect(usage)))
        }
        _ => {
            eprintln!("{usage}");
            std::process::exit(2);
        }
    }
}
