//! What `site_breach` and `passkey_available` add to an audit: 100,000
//! logins on a mix of breached sites, passkey sites and unknown ones,
//! through `audit::run` with only these checks selected, against the same
//! audit with no check selected (import is not part of either). Each check
//! matches every account once against its domain index (the breach list's
//! and the passkey table's, both built once, when first used).
//!
//!     cargo bench --bench site-checks

/// The allocator of the vaultlint binary (src/main.rs).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

use vaultlint::checks::CheckId;
use vaultlint::model::{Capabilities, Entry, EntryKind, Secret, Source, Vault};
use vaultlint::progress::NoProgress;
use vaultlint::settings::Settings;

/// Breached (LinkedIn, Dropbox, Adobe, Yahoo, Canva...), passkey sites
/// (GitHub, Amazon, PayPal, Google...), both, and sites in neither table.
const SITES: &[&str] = &[
    "www.linkedin.com",
    "www.dropbox.com",
    "account.adobe.com",
    "login.yahoo.com",
    "www.canva.com",
    "github.com",
    "www.amazon.de",
    "www.paypal.com",
    "accounts.google.com",
    "www.reddit.com",
    "forum.example.org",
    "shop.example.net",
    "www.netflix.com",
    "intranet.corp.example",
    "mail.example.co.uk",
    "www.kickstarter.com",
];

fn vault(logins: usize) -> Vault {
    let sources = (0..4)
        .map(|m| Source {
            path: format!("member{m}.csv"),
            member: format!("member{m}"),
            format: "firefox",
            format_name: "Firefox",
            capabilities: Capabilities::default(),
            rows: logins / 4,
            ..Default::default()
        })
        .collect();
    let entries = (0..logins)
        .map(|i| {
            let mut e = Entry::new(EntryKind::Login, i as u64 + 2);
            e.source = i % 4;
            let site = SITES[i % SITES.len()];
            e.urls = vec![format!("https://{site}/login?i={i}")];
            e.username = format!("person{}@mail.example.com", i % 40);
            e.password = Some(Secret::new(format!("pw-{i}-Correct-Horse")));
            // a spread of password dates (2008..2025), a few shared seconds
            e.password_changed = Some(1_200_000_000 + (i as i64 * 4_513) % 560_000_000);
            e
        })
        .collect();
    Vault { sources, entries }
}

fn bench(c: &mut Criterion) {
    let vault = vault(100_000);
    let run = |checks: Vec<CheckId>| Settings {
        checks,
        ..Settings::default()
    };
    let none = run(Vec::new());
    let breach = run(vec![CheckId::SiteBreach]);
    let passkeys = run(vec![CheckId::PasskeyAvailable]);
    let both = run(vec![CheckId::SiteBreach, CheckId::PasskeyAvailable]);
    // Build the built-in tables once, outside the timings (as in a real
    // run, where it happens once per process).
    vaultlint::audit::run(&vault, &both, &NoProgress);
    let mut group = c.benchmark_group("site checks, 100k logins");
    group.sample_size(10);
    for (name, settings) in [
        ("no check", &none),
        ("site_breach", &breach),
        ("passkey_available", &passkeys),
        ("site_breach + passkey_available", &both),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| vaultlint::audit::run(black_box(&vault), settings, &NoProgress))
        });
    }
    group.finish();

    // The checks alone (no report assembly: ids, fingerprints, sorting).
    let accounts = vault.account_indices();
    let ctx = vaultlint::checks::Context {
        vault: &vault,
        accounts: &accounts,
        selected: &both.checks,
        pwned: &both.pwned,
        recovery: &both.recovery,
        site_breach: &both.site_breach,
        passkeys: &both.passkeys,
        progress: &NoProgress,
    };
    let mut group = c.benchmark_group("checks alone, 100k logins");
    group.sample_size(10);
    for check in [CheckId::SiteBreach, CheckId::PasskeyAvailable] {
        group.bench_function(check.as_str(), |b| {
            b.iter(|| {
                let mut facts = vaultlint::checks::Facts::new(accounts.len());
                vaultlint::checks::run(check, black_box(&ctx), &mut facts)
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
