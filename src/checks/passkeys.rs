//! `passkey_available`: logins on sites that accept a passkey, with no
//! passkey stored, from the Passkeys Directory of 2factorauth
//! ([`crate::passkeys`]; a built-in table ships with the binary).
//!
//! A site is found by the account's URLs, the same way as in the 2FA table:
//! its host, then its parent domains down to the registrable domain (public
//! suffix list). Per account:
//!
//! | the site accepts | passkey stored (structured export) | finding |
//! |---|---|---|
//! | a passkey instead of the password | no | low: cannot be phished, reused or breached from the site |
//! | a passkey as a second factor only | no | low: a stolen or breached password is no longer enough |
//! | either | yes (on the item, or an item of the same member for that site) | none |
//! | nothing listed, or the site is not in the directory | | none |
//!
//! CSV exports never carry passkeys, so for them the per-account finding is
//! said from the site table alone, and one `info` finding per export says,
//! once, that the export cannot show whether a passkey already exists.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use rayon::prelude::*;

use super::{Context, Draft, FindingKind, Outcome, SiteRef};
use crate::passkeys::{self, Match, PasskeyDirectory, Support};
use crate::report::details::{PasskeyAvailableDetails, PerExportDetails};
use crate::report::{DataSource, Details, Severity};

/// Options of the check: the `--passkeys FILE` directory, asked before the
/// built-in table.
#[derive(Debug, Clone, Default)]
pub struct PasskeySettings {
    pub directory: Option<Arc<PasskeyDirectory>>,
    /// Where `directory` came from, for the report.
    pub origin: Option<String>,
}

/// Which table answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Table {
    File,
    BuiltIn,
}

/// The site of an account's hosts: the file first, then the built-in
/// table; the first URL either knows. A file entry without passkey support
/// is an answer too (it is newer).
/// Returns the match, the table, and the registrable domain of the URL that
/// matched.
fn lookup<'a, 's>(
    file: Option<&'a PasskeyDirectory>,
    builtin: &'a PasskeyDirectory,
    sites: impl Iterator<Item = SiteRef<'s>> + Clone,
) -> Option<(Match<'a>, Table, &'s str)> {
    let find = |dir: &'a PasskeyDirectory| {
        sites
            .clone()
            .find_map(|s| dir.lookup_site(s.host, s.domain).map(|m| (m, s.domain)))
    };
    if let Some((m, reg)) = file.and_then(find) {
        return Some((m, Table::File, reg));
    }
    find(builtin).map(|(m, reg)| (m, Table::BuiltIn, reg))
}

/// The report's credit for the directory (CC BY 4.0 requires it).
fn data_source(settings: &PasskeySettings, builtin: &PasskeyDirectory) -> Vec<DataSource> {
    let source = |as_of: Option<String>, origin: String| DataSource {
        name: "Passkeys Directory (2factorauth)".into(),
        url: passkeys::SOURCE_URL.into(),
        licence: passkeys::LICENCE.into(),
        attribution: passkeys::ATTRIBUTION.into(),
        as_of,
        origin,
    };
    let mut out = Vec::new();
    if let (Some(dir), Some(origin)) = (&settings.directory, &settings.origin) {
        out.push(source(
            None,
            format!(
                "--passkeys {origin} ({} site{})",
                dir.entries,
                if dir.entries == 1 { "" } else { "s" }
            ),
        ));
    }
    out.push(source(
        Some(passkeys::BUILTIN_AS_OF.into()),
        format!("built-in table ({} sites)", builtin.len()),
    ));
    out
}

/// `(member, registrable domain)` of every stored passkey in the vault, so
/// a passkey kept as its own item (KeePassXC does) counts for the login.
fn stored_passkeys(ctx: &Context) -> HashSet<(String, String)> {
    let mut out = HashSet::new();
    for e in ctx.vault.entries.iter().filter(|e| !e.deleted) {
        let member = ctx.vault.member_of(e);
        for p in e.passkeys() {
            if let Some(d) = crate::site::of_url(&p.relying_party) {
                out.insert((member.to_owned(), d));
            }
        }
        if !e.passkeys().is_empty() {
            for d in e.urls.iter().filter_map(|u| crate::site::of_url(u)) {
                out.insert((member.to_owned(), d));
            }
        }
    }
    out
}

/// The finding's sentence for a site without a passkey stored, appended to
/// `out`, ending with where the site says how to add one.
fn message_into(
    out: &mut String,
    label: &str,
    site: &str,
    support: Support,
    can_tell: bool,
    documentation: Option<&str>,
) {
    let stored = if can_tell {
        ", and this vault stores no passkey for it"
    } else {
        ""
    };
    out.push_str(label);
    out.push_str(": ");
    out.push_str(site);
    match support {
        Support::Passwordless => {
            out.push_str(" accepts a passkey instead of the password");
            out.push_str(stored);
            out.push_str(". A passkey cannot be phished, reused on another site or leaked in a breach of the site: add one in the account's security settings.");
        }
        Support::SecondFactor => {
            out.push_str(
                " accepts a passkey as a second factor (after the password, not instead of it)",
            );
            out.push_str(stored);
            out.push_str(". Unlike SMS or app codes it cannot be phished, so a stolen, reused or breached password is no longer enough to get in: add one in the account's security settings.");
        }
    }
    if let Some(d) = documentation {
        out.push_str(" How: ");
        out.push_str(d);
    }
}

pub fn run(ctx: &Context) -> Outcome {
    let settings = ctx.passkeys;
    let builtin = PasskeyDirectory::builtin();
    let stored = stored_passkeys(ctx);
    let index = ctx.sites();
    // Which registrable domains either table lists anything under: the
    // accounts on no such domain (most of a large vault) are skipped.
    let listed: Vec<bool> = index
        .domains()
        .map(|d| {
            builtin.lists_registrable(d)
                || settings
                    .directory
                    .as_deref()
                    .is_some_and(|f| f.lists_registrable(d))
        })
        .collect();
    // Each account's finding, in parallel, kept in account order, with the
    // export it came from when that export cannot carry passkeys. A message
    // is written in a reused buffer and then copied at its size.
    let found: Vec<(Draft, Option<usize>)> = (0..ctx.accounts.len())
        .into_par_iter()
        .with_min_len(1024)
        .map_init(String::new, |text, i| {
            let sites = index.of(i);
            if !sites.clone().any(|s| {
                listed[s.domain_id as usize]
                    || PasskeyDirectory::looks_beyond_registrable(s.host, s.domain)
            }) {
                return None;
            }
            let (m, table, reg) = lookup(settings.directory.as_deref(), &builtin, sites.clone())?;
            let support = m.site.support()?;
            let e = ctx.entry(i);
            let can_tell = ctx.vault.sources[e.source].capabilities.passkeys;
            let member = ctx.member(i);
            let has_passkey = !e.passkeys().is_empty()
                || !stored.is_empty()
                    && sites
                        .clone()
                        .any(|s| stored.contains(&(member.to_owned(), s.domain.to_owned())));
            if has_passkey {
                return None;
            }
            let site = if m.exact {
                m.site.name.clone()
            } else {
                reg.to_owned()
            };
            text.clear();
            message_into(
                text,
                &ctx.label(i),
                &site,
                support,
                can_tell,
                m.site.documentation.as_deref(),
            );
            let mut d = Draft::new(
                FindingKind::PasskeyAvailable,
                Severity::Low,
                vec![i],
                text.as_str().into(),
            );
            d.details = Some(Details::PasskeyAvailable(Box::new(
                PasskeyAvailableDetails {
                    directory_domain: m.site.domain.clone(),
                    documentation: m.site.documentation.clone(),
                    mfa: m.site.mfa.map(|l| l.as_str()),
                    passkey_stored: if can_tell { Some(false) } else { None },
                    passwordless: m.site.passwordless.map(|l| l.as_str()),
                    site,
                    source: match table {
                        Table::File => "file",
                        Table::BuiltIn => "built_in",
                    },
                    support: support.as_str(),
                },
            )));
            Some((d, (!can_tell).then_some(e.source)))
        })
        .flatten()
        .collect();
    // Per export that cannot carry passkeys: its accounts on passkey sites.
    let mut blind: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    let mut findings = Vec::with_capacity(found.len() + ctx.vault.sources.len());
    for (d, source) in found {
        if let Some(source) = source {
            blind.entry(source).or_default().push(d.accounts[0]);
        }
        findings.push(d);
    }
    for (source, accounts) in blind {
        let src = &ctx.vault.sources[source];
        let n = accounts.len();
        let mut d = Draft::new(
            FindingKind::PasskeyAvailable,
            Severity::Info,
            accounts,
            format!(
                "{} exports do not carry passkeys, so vaultlint cannot tell whether {}'s {n} account{} on sites that accept passkeys already {} one: the passkey_available findings for {} come from the site table alone. A KeePass database (.kdbx) keeps passkeys, so an audit of it can tell.",
                src.format_name,
                src.member,
                if n == 1 { "" } else { "s" },
                if n == 1 { "has" } else { "have" },
                if n == 1 { "it" } else { "them" },
            ),
        );
        d.discriminator = format!("cannot-show-passkeys:{}", src.format);
        d.details = Some(Details::PerExport(PerExportDetails {
            accounts: n,
            format: src.format.to_owned(),
        }));
        findings.push(d);
    }
    Outcome {
        findings,
        data_sources: data_source(settings, &builtin),
        ..Outcome::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Capabilities, Entry, EntryKind, Passkey, Secret, Source, Vault};

    fn source(member: &str, passkeys: bool) -> Source {
        Source {
            path: format!("{member}.kdbx"),
            member: member.into(),
            format: if passkeys { "kdbx" } else { "chrome" },
            format_name: if passkeys { "KeePass" } else { "Chrome" },
            capabilities: Capabilities {
                passkeys,
                ..Capabilities::default()
            },
            ..Default::default()
        }
    }

    fn login(source: usize, title: &str, url: &str) -> Entry {
        let mut e = Entry::new(EntryKind::Login, 2);
        e.source = source;
        e.title = title.into();
        e.urls = vec![url.into()];
        e.password = Some(Secret::new(format!("{title}-Orbit-44&")));
        e
    }

    fn passkey(rp: &str) -> Passkey {
        Passkey {
            relying_party: rp.into(),
            user_name: "ann".into(),
            created: None,
        }
    }

    fn run_on(v: &Vault, settings: &PasskeySettings) -> Outcome {
        let accounts = v.account_indices();
        let ctx = Context {
            passkeys: settings,
            ..Context::for_tests(v, &accounts)
        };
        run(&ctx)
    }

    /// `(title, severity, passkey_stored)` of the per-account findings.
    fn flagged(v: &Vault, out: &Outcome) -> Vec<(String, Severity, serde_json::Value)> {
        let accounts = v.account_indices();
        out.findings
            .iter()
            .filter(|d| d.severity == Severity::Low)
            .map(|d| {
                (
                    v.entries[accounts[d.accounts[0]]].title.clone(),
                    d.severity,
                    d.details.as_ref().unwrap().to_value()["passkey_stored"].clone(),
                )
            })
            .collect()
    }

    #[test]
    fn a_stored_passkey_counts_on_the_item_or_a_separate_item_of_the_same_member() {
        let mut v = Vault::default();
        v.sources.push(source("ann", true));
        v.sources.push(source("ben", true));
        // on the item itself
        let mut gh = login(0, "GitHub", "https://github.com");
        gh.extra_mut().passkeys.push(passkey("github.com"));
        v.entries.push(gh);
        // a separate passkey item (no password: not an account) for Amazon
        let mut pk = Entry::new(EntryKind::Login, 3);
        pk.source = 0;
        pk.title = "Amazon passkey".into();
        pk.extra_mut().passkeys.push(passkey("www.amazon.com"));
        v.entries.push(pk);
        v.entries
            .push(login(0, "Amazon", "https://www.amazon.co.uk"));
        v.entries
            .push(login(0, "Amazon US", "https://www.amazon.com/ap/signin"));
        // ann's Dropbox passkey does not cover ben's Dropbox login
        let mut db = Entry::new(EntryKind::Login, 4);
        db.source = 0;
        db.extra_mut().passkeys.push(passkey("dropbox.com"));
        v.entries.push(db);
        v.entries
            .push(login(1, "Dropbox", "https://www.dropbox.com"));
        // a structured export without any passkey for PayPal
        v.entries.push(login(0, "PayPal", "https://www.paypal.com"));
        let out = run_on(&v, &PasskeySettings::default());
        let got = flagged(&v, &out);
        let titles: Vec<&str> = got.iter().map(|(t, _, _)| t.as_str()).collect();
        // amazon.co.uk is another registrable domain than the passkey's amazon.com
        assert_eq!(titles, ["Amazon", "Dropbox", "PayPal"], "{got:?}");
        assert!(got.iter().all(|(_, _, stored)| stored == false));
        assert!(
            out.findings.iter().all(|d| d.severity != Severity::Info),
            "structured exports need no note"
        );
    }

    #[test]
    fn an_export_that_cannot_carry_passkeys_gets_one_note() {
        let mut v = Vault::default();
        v.sources.push(source("ann", false));
        v.sources.push(source("ben", false));
        for (s, t, u) in [
            (0, "GitHub", "https://github.com"),
            (0, "PayPal", "https://www.paypal.com"),
            (0, "Netflix", "https://www.netflix.com"),
            (1, "Gmail", "https://mail.google.com"),
        ] {
            v.entries.push(login(s, t, u));
        }
        let out = run_on(&v, &PasskeySettings::default());
        let got = flagged(&v, &out);
        assert_eq!(got.len(), 3);
        assert!(got.iter().all(|(_, _, stored)| stored.is_null()));
        let notes: Vec<&Draft> = out
            .findings
            .iter()
            .filter(|d| d.severity == Severity::Info)
            .collect();
        assert_eq!(notes.len(), 2, "one per export");
        assert_eq!(notes[0].accounts.len(), 2);
        assert!(
            notes[0].message.contains("ann's 2 accounts"),
            "{}",
            notes[0].message
        );
        assert!(
            notes[1].message.contains("ben's 1 account on"),
            "{}",
            notes[1].message
        );
        assert_ne!(notes[0].accounts, notes[1].accounts);
    }

    #[test]
    fn messages_say_what_a_passkey_buys() {
        let message = |label: &str, site: &str, support, can_tell, documentation| {
            let mut out = String::new();
            message_into(&mut out, label, site, support, can_tell, documentation);
            out
        };
        let p = message("GitHub", "GitHub", Support::Passwordless, true, Some("x"));
        assert!(p.contains("instead of the password, and this vault stores no passkey"));
        assert!(p.contains("cannot be phished, reused on another site or leaked in a breach"));
        assert!(p.ends_with(" How: x"));
        let s = message("PayPal", "PayPal", Support::SecondFactor, false, None);
        assert!(s.contains("as a second factor"));
        assert!(s.contains("no longer enough"));
        assert!(!s.contains("stores no passkey"));
    }

    #[test]
    fn credit_names_the_file_and_the_builtin_table() {
        let builtin = PasskeyDirectory::builtin();
        let only = data_source(&PasskeySettings::default(), &builtin);
        assert_eq!(only.len(), 1);
        assert_eq!(only[0].licence, "CC BY 4.0");
        assert!(only[0].attribution.contains("2factorauth"));
        assert_eq!(only[0].as_of.as_deref(), Some(passkeys::BUILTIN_AS_OF));
        let file = PasskeyDirectory::parse(br#"{"a.test": {"mfa": "allowed"}}"#, "f").unwrap();
        let both = data_source(
            &PasskeySettings {
                directory: Some(Arc::new(file)),
                origin: Some("pk.json".into()),
            },
            &builtin,
        );
        assert_eq!(both.len(), 2);
        assert_eq!(both[0].origin, "--passkeys pk.json (1 site)");
    }
}
