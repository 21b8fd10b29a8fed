//! Recovery check benchmarks: the backup-code detector on typical notes, and
//! the whole check over a synthetic family vault of 10,000 logins (half with
//! TOTP, 500 separate code notes, 40 mailboxes), run through `audit::run`
//! with only the recovery check selected.
//!
//!     cargo bench --bench recovery

/// The allocator of the vaultlint binary (src/main.rs).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

use vaultlint::checks::CheckId;
use vaultlint::checks::recovery::codes;
use vaultlint::model::{Capabilities, Entry, EntryKind, Secret, Source, Vault};
use vaultlint::progress::NoProgress;
use vaultlint::settings::Settings;

const GOOGLE: &str = "Google backup codes (each works once):\n4821 0937\n1174 5520\n6630 2418\n9052 7713\n3368 1045\n7291 8846\n5503 6192\n8814 3307\n2047 9958\n6175 4420";
const PROSE: &str = "Shared family account. Billing day is the 14th; the plan renews every year in March. Ask Bob before changing the profile names or the parental controls.";
const NEGATIVES: &str = "Customer number 00417-2291\nIBAN DE89 3704 0044 0532 0130 00\nCall +44 20 7946 0958\n221B Baker Street, London NW1 6XE\nPIN: 4821";

const SITES: &[&str] = &[
    "github.com",
    "gitlab.com",
    "www.amazon.com",
    "www.paypal.com",
    "www.facebook.com",
    "www.reddit.com",
    "accounts.google.com",
    "login.live.com",
    "www.dropbox.com",
    "discord.com",
    "forum.example.org",
    "shop.example.net",
    "www.netflix.com",
    "app.slack.com",
    "www.etsy.com",
];

fn synthetic_vault(logins: usize) -> Vault {
    let caps = Capabilities {
        notes: true,
        custom_fields: true,
        totp: true,
        attachments: false,
        history: false,
        passkeys: false,
    };
    let sources = (0..4)
        .map(|m| Source {
            path: format!("member{m}.csv"),
            member: format!("member{m}"),
            format: "bitwarden",
            format_name: "Bitwarden",
            capabilities: caps,
            rows: logins / 4,
            skipped: Vec::new(),
            deleted: 0,
            warnings: Vec::new(),
            ..Default::default()
        })
        .collect();
    let mut entries = Vec::with_capacity(logins + logins / 20);
    for i in 0..logins {
        let mut e = Entry::new(EntryKind::Login, i as u64 + 2);
        e.source = i % 4;
        let site = SITES[i % SITES.len()];
        e.title = format!("{} {i}", site.trim_start_matches("www."));
        e.urls = vec![format!("https://{site}/login")];
        e.username = format!("person{}@mail{}.example.com", i % 40, i % 3);
        e.password = Some(Secret::new(format!("pw-{i}-Correct-Horse")));
        if i % 2 == 0 {
            e.totp = Some(Secret::new("JBSWY3DPEHPK3PXP"));
        }
        e.notes = Secret::new(match i % 5 {
            0 => GOOGLE,
            1 => PROSE,
            2 => NEGATIVES,
            _ => "",
        });
        entries.push(e);
    }
    for n in 0..logins / 20 {
        let mut note = Entry::new(EntryKind::Note, (logins + n) as u64 + 2);
        note.source = n % 4;
        note.title = format!("{} {n} backup codes", SITES[n % SITES.len()]);
        note.notes = Secret::new("qf7k 2mzp 9wxr\nb8tn 4hvc 6jsd");
        entries.push(note);
    }
    Vault { sources, entries }
}

fn bench(c: &mut Criterion) {
    c.bench_function("codes::scan google block", |b| {
        b.iter(|| codes::scan(black_box(GOOGLE)))
    });
    c.bench_function("codes::scan prose", |b| {
        b.iter(|| codes::scan(black_box(PROSE)))
    });
    c.bench_function("codes::scan negatives", |b| {
        b.iter(|| codes::scan(black_box(NEGATIVES)))
    });

    let vault = synthetic_vault(10_000);
    let settings = Settings {
        checks: vec![CheckId::Recovery],
        ..Settings::default()
    };
    let mut group = c.benchmark_group("recovery check");
    group.sample_size(10);
    group.bench_function("10k logins, 500 notes", |b| {
        b.iter(|| vaultlint::audit::run(black_box(&vault), &settings, &NoProgress))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
