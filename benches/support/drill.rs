//! The vault, inventory and settings of `benches/drill.rs` (and
//! `examples/drill-profile.rs`): one member with 100,000 logins, 200 of them
//! mailboxes (see the bench's header).

use std::sync::Arc;

use vaultlint::checks::CheckId;
use vaultlint::checks::drill::ScenarioKind;
use vaultlint::checks::recovery::inventory::Inventory;
use vaultlint::model::{Capabilities, Entry, EntryKind, Secret, Source, Vault};
use vaultlint::settings::Settings;

pub const ENTRIES: usize = 100_000;
pub const MAILBOXES: usize = 200;
const PROVIDERS: usize = 4;
const CODES: &str =
    "Backup codes (each works once):\n4821 0937\n1174 5520\n6630 2418\n9052 7713\n3368 1045";

fn address(k: usize) -> String {
    format!("user{k}@mailprov{}.example", k % PROVIDERS)
}

pub fn vault() -> Vault {
    let caps = Capabilities {
        notes: true,
        custom_fields: true,
        totp: true,
        attachments: false,
        history: false,
        passkeys: false,
    };
    let sources = vec![Source {
        path: "family.csv".into(),
        member: "family".into(),
        format: "bitwarden",
        format_name: "Bitwarden",
        capabilities: caps,
        rows: ENTRIES,
        ..Default::default()
    }];
    let mut entries = Vec::with_capacity(ENTRIES);
    for k in 0..MAILBOXES {
        let mut e = Entry::new(EntryKind::Login, k as u64 + 2);
        e.title = format!("Mail {k}");
        e.urls = vec![format!("https://mailprov{}.example/", k % PROVIDERS)];
        e.username = address(k);
        e.password = Some(Secret::new(format!("pw-mail-{k}-Correct-Horse")));
        if k % 3 == 0 {
            e.notes = Secret::new(CODES);
        }
        entries.push(e);
    }
    for i in MAILBOXES..ENTRIES {
        let mut e = Entry::new(EntryKind::Login, i as u64 + 2);
        let sms = i % 10 == 1;
        e.title = format!("Site {i}");
        e.urls = vec![if sms {
            "https://sms-shop.example/login".to_owned()
        } else {
            format!("https://site{}.example/login", i % 5000)
        }];
        e.username = address(i % MAILBOXES);
        e.password = Some(Secret::new(format!("pw-{i}-Correct-Horse")));
        if i % 4 == 0 {
            e.totp = Some(Secret::new("JBSWY3DPEHPK3PXP"));
        }
        if i % 10 == 2 {
            e.totp = Some(Secret::new("JBSWY3DPEHPK3PXP"));
            e.notes = Secret::new(CODES);
        }
        entries.push(e);
    }
    Vault { sources, entries }
}

pub fn inventory() -> Inventory {
    let mut toml = String::new();
    for p in 0..PROVIDERS {
        toml.push_str(&format!(
            "[[codes]]\nsite = \"mailprov{p}.example\"\nmethods = [\"app\"]\n\n"
        ));
    }
    toml.push_str("[[codes]]\nsite = \"sms-shop.example\"\nmethods = [\"sms\"]\n\n");
    toml.push_str("[vault]\ntwo_factor = \"app\"\nrecovery = \"emergency kit printed\"\n");
    Inventory::parse_toml(&toml, "bench-inventory.toml").expect("the bench inventory parses")
}

pub fn settings(checks: &[CheckId], drill: &[ScenarioKind]) -> Settings {
    let mut s = Settings {
        checks: checks.to_vec(),
        ..Settings::default()
    };
    s.recovery.inventory = Some(Arc::new(inventory()));
    s.recovery.drill = drill.to_vec();
    s
}
