//! The vaults of `benches/site-checks.rs` (and `examples/site-checks-profile.rs`):
//! 100,000 Firefox-like logins, 1 in `listed_every` on a big site.

use vaultlint::model::{Capabilities, Entry, EntryKind, Secret, Source, Vault};

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
pub fn vault(logins: usize, listed_every: usize) -> Vault {
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
            e.set_password_changed(Some(1_200_000_000 + (i as i64 * 4_513) % 560_000_000));
            e
        })
        .collect();
    Vault { sources, entries }
}
