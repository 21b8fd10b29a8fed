//! What `site_breach` and `passkey_available` add to an audit of 100,000
//! logins, through `audit::run` with only these checks selected, against the
//! same audit with no check selected (import is part of neither), and the
//! two checks alone (no report assembly). Each check matches every account
//! once against its domain index (the breach list's and the passkey
//! table's, both built once per process, when first used).
//!
//! Two vaults: "typical", where 1 login in 8 is on one of the big sites
//! below (breached, passkey-capable or both) and the rest on 20,000 other
//! sites in neither table; and "all listed", where every login is on one of
//! them (the worst case: a finding or two for most accounts).
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

/// `listed_every`: 1 login in this many is on a site of [`SITES`].
fn vault(logins: usize, listed_every: usize) -> Vault {
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
            e.urls = vec![if i % listed_every == 0 {
                let site = SITES[(i / listed_every) % SITES.len()];
                format!("https://{site}/login?i={i}")
            } else {
                let tld = ["com", "org", "net", "co.uk", "de", "com.au"][i % 6];
                format!(
                    "https://www.shop{}.example-{}.{tld}/account/login",
                    i % 20_000,
                    i % 7
                )
            }];
            e.username = format!("person{}@mail.example.com", i % 40);
            e.password = Some(Secret::new(format!("pw-{i}-Correct-Horse")));
            // a spread of password dates (2008..2025), a few shared seconds
            e.password_changed = Some(1_200_000_000 + (i as i64 * 4_513) % 560_000_000);
            e
        })
        .collect();
    Vault { sources, entries }
}

fn bench_vault(c: &mut Criterion, name: &str, vault: &Vault) {
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
    let audit = vaultlint::audit::run(vault, &both, &NoProgress);
    eprintln!("{name}: {} findings", audit.findings.len());
    let mut group = c.benchmark_group(format!("audit of 100k logins, {name}"));
    group.sample_size(10);
    for (check, settings) in [
        ("no check", &none),
        ("site_breach", &breach),
        ("passkey_available", &passkeys),
        ("site_breach + passkey_available", &both),
    ] {
        group.bench_function(check, |b| {
            b.iter(|| vaultlint::audit::run(black_box(vault), settings, &NoProgress))
        });
    }
    group.finish();

    // The checks alone (no report assembly: ids, fingerprints, sorting), on a
    // fresh context each time, so that building the site index is counted.
    let accounts = vault.account_indices();
    let context = || vaultlint::checks::Context {
        vault,
        accounts: &accounts,
        selected: &both.checks,
        pwned: &both.pwned,
        recovery: &both.recovery,
        site_breach: &both.site_breach,
        passkeys: &both.passkeys,
        progress: &NoProgress,
        site_index: Default::default(),
    };
    let mut group = c.benchmark_group(format!("checks alone, 100k logins, {name}"));
    group.sample_size(10);
    for (label, checks) in [
        ("site_breach", &[CheckId::SiteBreach][..]),
        ("passkey_available", &[CheckId::PasskeyAvailable][..]),
        (
            "site_breach + passkey_available",
            &[CheckId::SiteBreach, CheckId::PasskeyAvailable][..],
        ),
    ] {
        group.bench_function(label, |b| {
            b.iter(|| {
                let ctx = context();
                let mut facts = vaultlint::checks::Facts::new(accounts.len());
                checks
                    .iter()
                    .map(|&check| vaultlint::checks::run(check, black_box(&ctx), &mut facts))
                    .count()
            })
        });
    }
    group.finish();
}

fn bench(c: &mut Criterion) {
    bench_vault(c, "typical", &vault(100_000, 8));
    bench_vault(c, "all listed", &vault(100_000, 1));
}

criterion_group!(benches, bench);
criterion_main!(benches);
