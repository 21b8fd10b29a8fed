//! Recovery hubs: mailboxes that can reset other accounts.
//!
//! Accounts are grouped by the email address used as their username (case,
//! `+tags` and Gmail's dots ignored). A group of at least [`MIN_SERVICES`]
//! different services is a hub: whoever controls that mailbox can take them
//! all over with "forgot password". The mailbox's own entry is the login on
//! its provider (gmail.com → google.com, outlook.com/hotmail.com/live.com →
//! Microsoft, icloud.com → Apple, proton.me, yahoo, ...; a custom domain →
//! the same registrable domain) whose username is that address, in any
//! member's export.
//!
//! The hub's state comes from that entry: weak, reused, near-reused or
//! breached (the facts of the earlier checks), no 2FA, 2FA without backup
//! codes, or no entry in the vault at all. A fact whose check did not run is
//! listed as unknown, never as fine.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;

use super::{CodeStatus, Recovery, Service};
use crate::checks::{Context, Facts};
pub use crate::report::{HubIssue, HubState};
use crate::site;

/// The fewest distinct services an address must reset to count as a hub.
pub const MIN_SERVICES: usize = 2;

/// A mailbox and the accounts it can reset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hub {
    /// The address as first written in the exports (lower-cased).
    pub address: String,
    /// Account index of the mailbox's own entry, if it is in the vault.
    pub mailbox: Option<usize>,
    /// Accounts using the address as their username (not the mailbox itself).
    pub dependents: Vec<usize>,
    pub services: usize,
}

/// Normalises an email address: lower case, `+tag` dropped, Gmail's dots
/// dropped. Returns `(address, domain)`, or `None` for anything else.
pub fn normalize_address(raw: &str) -> Option<(String, String)> {
    let s = raw.trim().to_lowercase();
    let (local, dom) = s.rsplit_once('@')?;
    let bad = |p: &str| p.is_empty() || p.contains(|c: char| c.is_whitespace() || c == '@');
    if bad(local) || bad(dom) || !dom.contains('.') || dom.starts_with('.') {
        return None;
    }
    let local = local.split('+').next().unwrap_or(local);
    let (local, dom) = if dom == "gmail.com" || dom == "googlemail.com" {
        (local.replace('.', ""), "gmail.com")
    } else {
        (local.to_owned(), dom)
    };
    (!local.is_empty()).then(|| (format!("{local}@{dom}"), dom.to_owned()))
}

/// The mail provider behind a domain, so a Gmail address finds its Google
/// login. Unknown domains are their own provider (registrable domain).
pub fn provider(host_or_domain: &str) -> String {
    let reg = site::registrable(&host_or_domain.to_ascii_lowercase());
    let fixed = match reg.as_str() {
        "gmail.com" | "googlemail.com" | "google.com" => Some("google"),
        "icloud.com" | "me.com" | "mac.com" | "apple.com" => Some("apple"),
        "proton.me" | "protonmail.com" | "protonmail.ch" | "pm.me" => Some("proton"),
        "tuta.com" | "tutanota.com" | "tutanota.de" | "tuta.io" | "tutamail.com" | "keemail.me" => {
            Some("tuta")
        }
        "fastmail.com" | "fastmail.fm" => Some("fastmail"),
        "ymail.com" | "rocketmail.com" => Some("yahoo"),
        "microsoft.com" | "microsoftonline.com" | "office.com" | "msn.com" => Some("microsoft"),
        _ => None,
    };
    if let Some(p) = fixed {
        return p.to_owned();
    }
    match site::brand(&reg) {
        "outlook" | "hotmail" | "live" | "msn" => "microsoft".to_owned(),
        b @ ("yahoo" | "gmx" | "yandex" | "zoho" | "aol") => b.to_owned(),
        _ => reg,
    }
}

/// The providers of account `i`'s URLs, by host (what [`find`] computes
/// per distinct registrable domain instead; the test checks the two agree).
#[cfg(test)]
fn providers_of(ctx: &Context, i: usize) -> BTreeSet<String> {
    ctx.entry(i)
        .urls
        .iter()
        .filter_map(|u| site::host(u))
        .map(|h| provider(&h))
        .collect()
}

/// True when account `i` (whose username is `user`) is the login of mailbox
/// `address`, given that it is on the address's provider: the rule
/// [`Mailboxes`] indexes (its test checks the two agree).
#[cfg(test)]
fn is_mailbox_user(user: &str, address: &str) -> bool {
    let user = user.trim().to_lowercase();
    match normalize_address(&user) {
        Some((a, _)) => a == address,
        None => {
            let local = address.split('@').next().unwrap_or("");
            !user.is_empty() && (user == local || user.replace('.', "") == local)
        }
    }
}

/// What a dependent account is, for counting distinct services: the brand
/// of its first URL's registrable domain (from the audit's [`SiteIndex`],
/// parsed once), else its title in lower case.
///
/// [`SiteIndex`]: crate::checks::SiteIndex
pub fn service_key<'s>(ctx: &'s Context, i: usize) -> Cow<'s, str> {
    match ctx.sites().first_domain(i) {
        Some(domain) => Cow::Borrowed(site::brand(domain)),
        None => Cow::Owned(ctx.entry(i).title.trim().to_lowercase()),
    }
}

/// The logins on the mail providers of the addresses in use, by the
/// mailbox they are the login of ([`is_mailbox_user`]): each address finds
/// its mailbox's entry by key, where a scan of its provider's accounts per
/// address grew with the product of the two (every Gmail address scanning
/// every Google login, issue 15).
struct Mailboxes {
    /// Per provider: a normalised address username, and the first account
    /// (lowest index) holding it.
    address: std::collections::HashMap<u32, std::collections::HashMap<String, usize>>,
    /// Per provider: a username that is not an address, as written (trimmed,
    /// lower case) and without its dots, and the first account holding it.
    local: std::collections::HashMap<u32, std::collections::HashMap<String, usize>>,
}

impl Mailboxes {
    /// The index of the accounts on the providers `owns`.
    fn new(
        ctx: &Context,
        owns: &BTreeSet<u32>,
        by_provider: &std::collections::HashMap<u32, Vec<usize>>,
    ) -> Mailboxes {
        let mut m = Mailboxes {
            address: Default::default(),
            local: Default::default(),
        };
        for &own in owns {
            let (address, local) = (
                m.address.entry(own).or_default(),
                m.local.entry(own).or_default(),
            );
            // In account order, so the first holder of a key is kept.
            for &i in by_provider.get(&own).map_or(&[][..], Vec::as_slice) {
                let user = ctx.entry(i).username.trim().to_lowercase();
                match normalize_address(&user) {
                    Some((a, _)) => {
                        address.entry(a).or_insert(i);
                    }
                    None if !user.is_empty() => {
                        local.entry(user.replace('.', "")).or_insert(i);
                        local.entry(user).or_insert(i);
                    }
                    None => {}
                }
            }
        }
        m
    }

    /// The first account on provider `own` that is the login of mailbox
    /// `address` (normalised), as a scan of the provider's accounts in
    /// order with [`is_mailbox_user`] finds it.
    fn first(&self, own: u32, address: &str) -> Option<usize> {
        let local = address.split('@').next().unwrap_or("");
        let by_address = self.address.get(&own).and_then(|m| m.get(address));
        let by_local = self.local.get(&own).and_then(|m| m.get(local));
        by_address.into_iter().chain(by_local).min().copied()
    }
}

/// Each account's mail providers as numbers, and the number of each
/// provider: computed once per distinct registrable domain (a host's
/// provider is its registrable domain's) from the audit's parsed URLs.
/// (each provider named once, the accounts holding its number: a set of
/// strings per account was about 400 bytes each, issue 15)
fn providers(ctx: &Context) -> (std::collections::HashMap<String, u32>, Vec<Box<[u32]>>) {
    let sites = ctx.sites();
    let mut ids: std::collections::HashMap<String, u32> = Default::default();
    let of_domain: Vec<u32> = sites
        .domains()
        .map(|d| {
            let next = ids.len() as u32;
            *ids.entry(provider(d)).or_insert(next)
        })
        .collect();
    let providers = (0..ctx.accounts.len())
        .into_par_iter()
        .with_min_len(1024)
        .map(|i| {
            let mut ps: Vec<u32> = sites
                .of(i)
                .map(|s| of_domain[s.domain_id as usize])
                .collect();
            ps.sort_unstable();
            ps.dedup();
            ps.into_boxed_slice()
        })
        .collect();
    (ids, providers)
}

/// Finds the hubs among the audited accounts, in order of first use.
pub fn find(ctx: &Context) -> Vec<Hub> {
    let (ids, providers) = providers(ctx);
    let mut by_provider: std::collections::HashMap<u32, Vec<usize>> = Default::default();
    for (i, ps) in providers.iter().enumerate() {
        for &p in ps {
            by_provider.entry(p).or_default().push(i);
        }
    }
    struct Group {
        first: usize,
        /// The address's mail provider, when an account is on it.
        own: Option<u32>,
        display: String,
        users: Vec<usize>,
    }
    let mut groups: BTreeMap<String, Group> = BTreeMap::new();
    for (i, e) in ctx.iter() {
        if let Some((address, dom)) = normalize_address(&e.username) {
            groups
                .entry(address)
                .or_insert_with(|| Group {
                    first: i,
                    own: ids.get(provider(&dom).as_str()).copied(),
                    display: e.username.trim().to_lowercase(),
                    users: Vec::new(),
                })
                .users
                .push(i);
        }
    }
    let owns: BTreeSet<u32> = groups.values().filter_map(|g| g.own).collect();
    let mailboxes = Mailboxes::new(ctx, &owns, &by_provider);
    let mut hubs: Vec<(usize, Hub)> = groups
        .into_iter()
        .filter_map(|(address, group)| {
            let Group {
                first,
                own,
                display,
                users,
            } = group;
            let mailbox = own.and_then(|own| mailboxes.first(own, &address));
            let dependents: Vec<usize> = users
                .into_iter()
                .filter(|&i| {
                    Some(i) != mailbox && own.is_none_or(|own| !providers[i].contains(&own))
                })
                .collect();
            let services: rustc_hash::FxHashSet<Cow<str>> =
                dependents.iter().map(|&i| service_key(ctx, i)).collect();
            (services.len() >= MIN_SERVICES).then_some({
                (
                    first,
                    Hub {
                        address: display,
                        mailbox,
                        dependents,
                        services: services.len(),
                    },
                )
            })
        })
        .collect();
    hubs.sort_by_key(|(first, _)| *first);
    hubs.into_iter().map(|(_, h)| h).collect()
}

/// The state of `hub`, from its mailbox entry's facts and recovery result.
///
/// "No 2FA" is only a problem when the mailbox's provider offers 2FA an
/// export can show (TOTP); for one that does not (Apple's trusted devices),
/// it is unknown.
pub fn state(
    facts: &Facts,
    hub: &Hub,
    recovery: &[&Recovery],
    services: &[Option<std::sync::Arc<Service>>],
) -> HubState {
    let mut problems = Vec::new();
    let mut unknown = Vec::new();
    let mut note = |issue: HubIssue, value: Option<bool>| match value {
        Some(true) => problems.push(issue),
        Some(false) => {}
        None => unknown.push(issue),
    };
    match hub.mailbox {
        None => note(HubIssue::NotInVault, Some(true)),
        Some(i) => {
            note(
                HubIssue::Weak,
                facts.strength[i].as_ref().map(|st| st.is_weak()),
            );
            note(HubIssue::Reused, facts.reused[i]);
            note(
                HubIssue::Similar,
                facts.similar_group[i].as_ref().map(Option::is_some),
            );
            note(
                HubIssue::Breached,
                facts.pwned[i].as_ref().and_then(|p| p.exposed()),
            );
            let r = &recovery[i];
            let visible = services[i].as_ref().is_none_or(|s| s.recordable());
            note(
                HubIssue::NoTwoFactor,
                r.two_factor
                    .enabled
                    .map(|on| !on)
                    .filter(|&off| !off || visible),
            );
            if r.two_factor.enabled == Some(true) {
                note(
                    HubIssue::NoBackupCodes,
                    match r.backup_codes.status {
                        CodeStatus::Missing => Some(true),
                        CodeStatus::Unknown => None,
                        CodeStatus::Saved | CodeStatus::NotApplicable => Some(false),
                    },
                );
            }
        }
    }
    HubState {
        address: hub.address.clone(),
        accounts: hub.services,
        rows: hub.dependents.len(),
        problems,
        unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_normalise() {
        assert_eq!(
            normalize_address(" Alice.Mercer+shop@GMail.com "),
            Some(("alicemercer@gmail.com".into(), "gmail.com".into()))
        );
        assert_eq!(
            normalize_address("bob.tanaka@outlook.com"),
            Some(("bob.tanaka@outlook.com".into(), "outlook.com".into()))
        );
        assert_eq!(normalize_address("alicem"), None);
        assert_eq!(normalize_address("carolreyes#2231"), None);
        assert_eq!(normalize_address("a@b"), None);
        assert_eq!(normalize_address("@example.com"), None);
    }

    /// A vault of one export holding `entries`.
    fn one_export(entries: Vec<crate::model::Entry>) -> crate::model::Vault {
        crate::model::Vault {
            sources: vec![Default::default()],
            entries,
        }
    }

    /// Providers computed per registrable domain from the audit's parsed
    /// URLs are those computed per host, for every account; so are the
    /// service keys (brand of the first URL's registrable domain, else the
    /// title). Fails when a host's provider differs from its domain's.
    #[test]
    fn providers_and_service_keys_by_domain_are_those_by_host() {
        use crate::model::{Entry, EntryKind};
        let urls: &[&[&str]] = &[
            &["https://mail.google.com/", "https://accounts.google.com/x"],
            &["https://WWW.GMail.com", "gmail.com"],
            &[
                "https://login.live.com",
                "https://outlook.office.com",
                "hotmail.com",
            ],
            &["https://www.amazon.co.uk/", "https://amazon.com"],
            &["http://192.168.1.1:8080/admin"],
            &["localhost:3000"],
            &["https://co.uk/"],
            &["android://h@com.example.app/", "not a url at all"],
            &[
                "https://mail.proton.me",
                "https://account.proton.me",
                "https://pm.me",
            ],
            &["https://bücher.example.de/"],
            &[
                "icloud.com",
                "https://appleid.apple.com",
                "mail.yahoo.co.jp",
            ],
            &[],
        ];
        let entries: Vec<Entry> = urls
            .iter()
            .enumerate()
            .map(|(k, us)| {
                let mut e = Entry::new(EntryKind::Login, k as u64 + 2);
                e.title = format!("  Site {k} ");
                e.urls = us.iter().map(|u| u.to_string()).collect();
                e.password = Some(crate::model::Secret::new("pw"));
                e
            })
            .collect();
        let vault = one_export(entries);
        let accounts = vault.account_indices();
        let ctx = Context::for_tests(&vault, &accounts);
        let (ids, providers) = super::providers(&ctx);
        let name: std::collections::HashMap<u32, &str> =
            ids.iter().map(|(p, &id)| (id, p.as_str())).collect();
        for i in 0..accounts.len() {
            let by_domain: BTreeSet<String> =
                providers[i].iter().map(|id| name[id].to_owned()).collect();
            assert_eq!(
                by_domain,
                providers_of(&ctx, i),
                "account {i}: {:?}",
                urls[i]
            );
            let e = ctx.entry(i);
            let by_host = e
                .urls
                .iter()
                .find_map(|u| site::of_url(u))
                .map(|d| site::brand(&d).to_owned())
                .unwrap_or_else(|| e.title.trim().to_lowercase());
            assert_eq!(service_key(&ctx, i), by_host, "account {i}");
        }
        assert_eq!(service_key(&ctx, 11), "site 11");
        assert_eq!(service_key(&ctx, 3), "amazon");
    }

    /// The index finds the first account a scan of the provider's accounts
    /// in order finds, for every address: usernames that are addresses (with
    /// dots, case, tags, spaces), plain names with and without dots, empty.
    #[test]
    fn mailboxes_find_what_a_scan_finds() {
        use crate::model::{Entry, EntryKind};
        use rand::rngs::StdRng;
        use rand::{Rng, SeedableRng};
        let mut rng = StdRng::seed_from_u64(15);
        let locals = ["jo", "j.o", "ann", "a.n.n", "bob"];
        let domains = [
            "gmail.com",
            "GoogleMail.com",
            "outlook.com",
            "mercer.family",
        ];
        let username = |rng: &mut StdRng| -> String {
            let local = locals[rng.gen_range(0..locals.len())];
            match rng.gen_range(0..6) {
                0 => String::new(),
                1 => format!(" {} ", local.to_uppercase()),
                2 => local.to_owned(),
                3 => format!("{local}+x@{}", domains[rng.gen_range(0..domains.len())]),
                _ => format!("{local}@{}", domains[rng.gen_range(0..domains.len())]),
            }
        };
        for round in 0..50 {
            let n = rng.gen_range(1..40);
            let entries: Vec<Entry> = (0..n)
                .map(|_| {
                    let mut e = Entry::new(EntryKind::Login, 1);
                    e.username = username(&mut rng);
                    e.password = Some(crate::model::Secret::new("pw"));
                    e
                })
                .collect();
            let vault = one_export(entries);
            let accounts = vault.account_indices();
            assert_eq!(accounts.len(), n);
            let ctx = Context::for_tests(&vault, &accounts);
            // Two providers: the even accounts on 0, every third on 1.
            let by_provider: std::collections::HashMap<u32, Vec<usize>> = [
                (0, (0..accounts.len()).step_by(2).collect()),
                (1, (0..accounts.len()).step_by(3).collect()),
            ]
            .into();
            let mailboxes = Mailboxes::new(&ctx, &[0, 1].into(), &by_provider);
            for local in locals {
                for domain in domains {
                    let Some((address, _)) = normalize_address(&format!("{local}@{domain}")) else {
                        continue;
                    };
                    for own in [0, 1] {
                        let scan = by_provider[&own]
                            .iter()
                            .copied()
                            .find(|&i| is_mailbox_user(&ctx.entry(i).username, &address));
                        assert_eq!(
                            mailboxes.first(own, &address),
                            scan,
                            "round {round}: {address}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn providers() {
        assert_eq!(provider("gmail.com"), provider("accounts.google.com"));
        assert_eq!(provider("outlook.com"), provider("login.live.com"));
        assert_eq!(provider("hotmail.co.uk"), "microsoft");
        assert_eq!(provider("icloud.com"), provider("www.apple.com"));
        assert_eq!(provider("yahoo.co.uk"), provider("login.yahoo.com"));
        assert_eq!(provider("pm.me"), provider("account.proton.me"));
        assert_eq!(provider("mail.mercer.family"), "mercer.family");
        assert_ne!(provider("gmail.com"), provider("outlook.com"));
    }

    #[test]
    fn a_fact_not_computed_is_unknown_never_fine() {
        use crate::report::{BackupCodes, TwoFactor};
        let hub = Hub {
            address: "a@b.example".into(),
            mailbox: Some(0),
            dependents: vec![1, 2],
            services: 2,
        };
        let assessed = Recovery {
            two_factor: TwoFactor {
                enabled: Some(false),
                methods: Vec::new(),
                evidence: Vec::new(),
            },
            backup_codes: BackupCodes {
                status: CodeStatus::NotApplicable,
                evidence: Vec::new(),
                note: None,
            },
            two_factor_available: None,
            hub: None,
            recovery_mailbox: None,
        };
        let recovery = [&assessed];
        let mut facts = Facts::new(3);
        let before = state(&facts, &hub, &recovery, &[None]);
        assert!(before.unknown.contains(&HubIssue::Similar), "{before:?}");
        assert!(before.unknown.contains(&HubIssue::Reused));
        facts.similar_group[0] = Some(None);
        facts.reused[0] = Some(false);
        let computed = state(&facts, &hub, &recovery, &[None]);
        assert!(!computed.unknown.contains(&HubIssue::Similar));
        assert!(!computed.problems.contains(&HubIssue::Similar));
        facts.similar_group[0] = Some(Some("S1".into()));
        let grouped = state(&facts, &hub, &recovery, &[None]);
        assert!(grouped.problems.contains(&HubIssue::Similar));
    }

    #[test]
    fn critical_issues() {
        let s = HubState {
            address: "a@b.c".into(),
            accounts: 3,
            rows: 3,
            problems: vec![HubIssue::NoBackupCodes],
            unknown: vec![HubIssue::Weak],
        };
        assert!(!s.is_critical());
        let s = HubState {
            problems: vec![HubIssue::NoTwoFactor],
            ..s
        };
        assert!(s.is_critical());
        assert!(!HubIssue::NotInVault.is_critical());
    }
}
