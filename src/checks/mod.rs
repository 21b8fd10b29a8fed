//! Independent checks. Each reads the [`Context`] and returns an [`Outcome`];
//! none prints. Adding a check = one file + one [`CheckId`] variant (+ its
//! [`FindingKind`]s): the compiler then points at every match to extend.

pub mod drill;
pub mod history;
pub mod insecure_url;
pub mod passkeys;
pub mod pwned;
pub mod recovery;
pub mod reuse;
pub mod similar;
pub mod site_breach;
pub mod weak;

use std::borrow::Cow;

pub use crate::finding::{CheckId, FindingKind};
use crate::model::{Entry, Vault};
use crate::progress::Progress;
use crate::pwned::PwnedSettings;
use crate::report::Severity;
use recovery::RecoverySettings;

/// What a check reads.
pub struct Context<'a> {
    pub vault: &'a Vault,
    /// Entry indices of the audited accounts; account `i` of the report is
    /// `vault.entries[accounts[i]]`.
    pub accounts: &'a [usize],
    /// The checks selected for this run (a later check reads an earlier
    /// one's facts only when it ran).
    pub selected: &'a [CheckId],
    /// The breach check's own settings.
    pub pwned: &'a PwnedSettings,
    /// The recovery check's own settings.
    pub recovery: &'a RecoverySettings,
    /// The site-breach check's own settings.
    pub site_breach: &'a site_breach::SiteBreachSettings,
    /// The passkey check's own settings.
    pub passkeys: &'a passkeys::PasskeySettings,
    pub progress: &'a dyn Progress,
    /// The accounts' sites, built on first use ([`Context::sites`]).
    pub site_index: std::sync::OnceLock<SiteIndex<'a>>,
}

/// The hosts and registrable domains of every account's URLs, computed once
/// per audit for the checks that match sites against public datasets
/// (`site_breach`, `passkey_available`). Hosts and registrable domains are
/// interned: each distinct one is stored once (borrowed from the vault when
/// written there in lowercase) and looked up in the public suffix list once,
/// and each account holds the ids of its hosts, so that a check can decide
/// once per distinct domain (most of a large vault is on sites no table
/// lists) and skip the rest.
#[derive(Debug, Default)]
pub struct SiteIndex<'a> {
    /// Distinct hosts and the id of each one's registrable domain.
    hosts: Vec<(Cow<'a, str>, u32)>,
    /// Distinct registrable domains (ids index it).
    domains: Vec<Cow<'a, str>>,
    /// Account `i`'s host ids are `host_ids[starts[i]..starts[i + 1]]`:
    /// each host once, in URL order.
    starts: Vec<u32>,
    host_ids: Vec<u32>,
}

/// One host of an account: the host, its registrable domain and that
/// domain's id in the [`SiteIndex`].
#[derive(Debug, Clone, Copy)]
pub struct SiteRef<'s> {
    pub host: &'s str,
    pub domain: &'s str,
    pub domain_id: u32,
}

impl<'a> SiteIndex<'a> {
    /// Built in three passes: every account's hosts (in parallel), the
    /// distinct hosts interned in account order (so ids do not depend on
    /// the threads), then each distinct host's registrable domain (in
    /// parallel: the public suffix list is asked once per distinct host)
    /// interned in host order.
    fn build(ctx: &Context<'a>) -> SiteIndex<'a> {
        use rayon::prelude::*;
        use rustc_hash::FxHashMap;
        use std::collections::hash_map::Entry;
        const CHUNK: usize = 4096;
        let n = ctx.accounts.len();
        // 1. each chunk of accounts: its hosts, flat, and how many per account
        let parsed: Vec<(Vec<Cow<'a, str>>, Vec<u32>)> = (0..n.div_ceil(CHUNK))
            .into_par_iter()
            .map(|c| {
                let accounts = c * CHUNK..((c + 1) * CHUNK).min(n);
                let mut hosts = Vec::with_capacity(accounts.len());
                let mut counts = Vec::with_capacity(accounts.len());
                for i in accounts {
                    let before = hosts.len();
                    hosts.extend(
                        ctx.entry(i)
                            .urls
                            .iter()
                            .filter_map(|u| crate::site::host_ref(u)),
                    );
                    counts.push((hosts.len() - before) as u32);
                }
                (hosts, counts)
            })
            .collect();
        // 2. distinct hosts, in order of first appearance
        let total: usize = parsed.iter().map(|(h, _)| h.len()).sum();
        let mut index = SiteIndex {
            starts: Vec::with_capacity(n + 1),
            host_ids: Vec::with_capacity(total),
            hosts: Vec::new(),
            domains: Vec::new(),
        };
        let mut names: Vec<Cow<'a, str>> = Vec::with_capacity(total);
        let mut host_ids: FxHashMap<Cow<'a, str>, u32> =
            FxHashMap::with_capacity_and_hasher(total, Default::default());
        index.starts.push(0);
        for (hosts, counts) in parsed {
            let mut hosts = hosts.into_iter();
            for count in counts {
                let start = index.host_ids.len();
                for host in hosts.by_ref().take(count as usize) {
                    // (one hash per host; a borrowed host clones as a pointer)
                    let id = match host_ids.entry(host) {
                        Entry::Occupied(o) => *o.get(),
                        Entry::Vacant(v) => {
                            let id = names.len() as u32;
                            names.push(v.key().clone());
                            *v.insert(id)
                        }
                    };
                    if !index.host_ids[start..].contains(&id) {
                        index.host_ids.push(id);
                    }
                }
                index.starts.push(index.host_ids.len() as u32);
            }
        }
        drop(host_ids);
        // 3. each distinct host's registrable domain, interned
        let registrable: Vec<Cow<'a, str>> = names
            .par_iter()
            .with_min_len(1024)
            .map(|host| match host {
                Cow::Borrowed(h) => Cow::Borrowed(crate::site::registrable_ref(h)),
                Cow::Owned(h) => Cow::Owned(crate::site::registrable(h)),
            })
            .collect();
        let mut domain_ids: FxHashMap<&str, u32> = FxHashMap::default();
        let mut domain_of = Vec::with_capacity(names.len());
        for domain in &registrable {
            let next = domain_ids.len() as u32;
            let id = *domain_ids.entry(&**domain).or_insert(next);
            if id == next {
                index.domains.push(domain.clone());
            }
            domain_of.push(id);
        }
        drop(domain_ids);
        index.hosts = names.into_iter().zip(domain_of).collect();
        index
    }

    /// Account `i`'s hosts, each once, in URL order.
    pub fn of(&self, i: usize) -> impl Iterator<Item = SiteRef<'_>> + Clone + '_ {
        let ids = &self.host_ids[self.starts[i] as usize..self.starts[i + 1] as usize];
        ids.iter().map(move |&h| {
            let (host, domain_id) = &self.hosts[h as usize];
            SiteRef {
                host,
                domain: &self.domains[*domain_id as usize],
                domain_id: *domain_id,
            }
        })
    }

    /// The registrable domain of account `i`'s first URL with a host (what
    /// `site::of_url` gives for the first URL that has one).
    pub fn first_domain(&self, i: usize) -> Option<&str> {
        self.of(i).next().map(|s| s.domain)
    }

    /// The distinct registrable domains; a [`SiteRef::domain_id`] indexes it.
    pub fn domains(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        self.domains.iter().map(|d| &**d)
    }
}

impl<'a> Context<'a> {
    /// Whether `check` is selected for this run.
    pub fn runs(&self, check: CheckId) -> bool {
        self.selected.contains(&check)
    }

    /// The accounts' hosts and registrable domains (built on first use).
    pub fn sites(&self) -> &SiteIndex<'a> {
        self.site_index.get_or_init(|| SiteIndex::build(self))
    }

    /// The entry of account `i`.
    pub fn entry(&self, i: usize) -> &'a Entry {
        &self.vault.entries[self.accounts[i]]
    }

    pub fn member(&self, i: usize) -> &'a str {
        self.vault.member_of(self.entry(i))
    }

    /// Iterates `(account index, entry)`.
    pub fn iter(&self) -> impl Iterator<Item = (usize, &'a Entry)> + '_ {
        (0..self.accounts.len()).map(move |i| (i, self.entry(i)))
    }

    /// A short, printable name for account `i` ([`Entry::label`]).
    pub fn label(&self, i: usize) -> String {
        self.entry(i).label()
    }
}

/// A finding before ids and fingerprints are assigned.
#[derive(Debug, Clone)]
pub struct Draft {
    pub kind: FindingKind,
    pub severity: Severity,
    /// Account indices (into [`Context::accounts`]).
    pub accounts: Vec<usize>,
    pub message: String,
    /// Extra text mixed into the fingerprint when one kind can flag the same
    /// accounts twice for different reasons (never a secret).
    pub discriminator: String,
    pub details: Option<crate::report::Details>,
}

impl Draft {
    pub fn new(
        kind: FindingKind,
        severity: Severity,
        accounts: Vec<usize>,
        message: String,
    ) -> Self {
        Draft {
            kind,
            severity,
            accounts,
            message,
            discriminator: String::new(),
            details: None,
        }
    }
}

/// What a check returns.
#[derive(Debug, Default)]
pub struct Outcome {
    pub findings: Vec<Draft>,
    /// Set when some accounts could not be checked: why, in plain words.
    pub incomplete: Option<String>,
    /// Things the user gave that the check could not use (never secrets).
    pub warnings: Vec<String>,
    /// Public datasets the check used, credited in every report.
    pub data_sources: Vec<crate::report::DataSource>,
    /// Set when the check did not run as configured (`--pwned off`): why. A
    /// skipped check has no findings and is neither complete nor incomplete.
    pub skipped: Option<String>,
}

impl Outcome {
    /// The outcome of a check that was configured not to run.
    pub fn skipped(why: impl Into<String>) -> Outcome {
        Outcome {
            skipped: Some(why.into()),
            ..Outcome::default()
        }
    }
}

/// Per-account results that checks record for the report (and for later
/// checks: recovery reads whether a mailbox is weak, reused or breached).
/// Each vector has one slot per account, `None` where the check did not run.
#[derive(Debug, Default)]
pub struct Facts {
    /// Set by `reuse`: the account's password is used elsewhere (`None`:
    /// not computed).
    pub reused: Vec<Option<bool>>,
    /// Set by `similar`: the account's near-reuse group id (`S1`, ...), or
    /// `Some(None)` when it is in no group (`None`: not computed).
    pub similar_group: Vec<Option<Option<String>>>,
    /// Set by `weak`.
    pub strength: Vec<Option<weak::Strength>>,
    /// Set by `pwned`.
    pub pwned: Vec<Option<pwned::PwnedResult>>,
    /// Set by `recovery`.
    pub recovery: Vec<Option<Box<recovery::Recovery>>>,
    /// Set by `drill` (per member, not per account).
    pub drill: Option<crate::report::drill::Drill>,
}

impl Facts {
    pub fn new(accounts: usize) -> Self {
        Facts {
            reused: vec![None; accounts],
            similar_group: vec![None; accounts],
            strength: vec![None; accounts],
            pwned: vec![None; accounts],
            recovery: vec![None; accounts],
            drill: None,
        }
    }
}

/// Runs one check. Checks run in [`CheckId::ALL`] order, which puts a check
/// after those it declares it reads ([`crate::finding::CheckInfo::reads`]).
pub fn run(check: CheckId, ctx: &Context, facts: &mut Facts) -> Outcome {
    match check {
        CheckId::Reuse => reuse::run(ctx, facts),
        CheckId::Similar => similar::run(ctx, facts),
        CheckId::History => history::run(ctx, facts),
        CheckId::Weak => weak::run(ctx, facts),
        CheckId::Pwned => pwned::run(ctx, facts),
        CheckId::Recovery => recovery::run(ctx, facts),
        CheckId::InsecureUrl => insecure_url::run(ctx),
        CheckId::SiteBreach => site_breach::run(ctx, facts),
        CheckId::Drill => drill::run(ctx, facts),
        CheckId::PasskeyAvailable => passkeys::run(ctx),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Entry, EntryKind, Source};

    #[test]
    fn the_site_index_knows_each_accounts_hosts_and_first_domain() {
        let urls: &[&[&str]] = &[
            &["https://Login.Example.co.uk/x", "https://example.co.uk/y"],
            &["android://h@com.example.app/", "shop.example.com/login"],
            &[],
            &["", "https://192.168.1.1:8443/", "https://www.example.com"],
            &["HTTPS://MAIL.EXAMPLE.COM.", "https://mail.example.com/"],
            &["https://bücher.example/", "https://xn--bcher-kva.example/"],
        ];
        let mut vault = Vault::default();
        vault.sources.push(Source::default());
        for (n, list) in urls.iter().enumerate() {
            let mut e = Entry::new(EntryKind::Login, n as u64 + 2);
            e.password = Some(crate::model::Secret::new(format!("pw{n}-x")));
            e.urls = list.iter().map(|u| u.to_string()).collect();
            vault.entries.push(e);
        }
        let accounts = vault.account_indices();
        assert_eq!(accounts.len(), urls.len());
        let ctx = Context {
            vault: &vault,
            accounts: &accounts,
            selected: CheckId::ALL,
            pwned: &Default::default(),
            recovery: &Default::default(),
            site_breach: &Default::default(),
            passkeys: &Default::default(),
            progress: &crate::progress::NoProgress,
            site_index: Default::default(),
        };
        let index = ctx.sites();
        for i in 0..accounts.len() {
            let urls = &ctx.entry(i).urls;
            // the hosts of the URLs, each once, in order, with their domains
            let mut expected: Vec<(String, String)> = Vec::new();
            for h in urls.iter().filter_map(|u| crate::site::host(u)) {
                if !expected.iter().any(|(e, _)| *e == h) {
                    let d = crate::site::registrable(&h);
                    expected.push((h, d));
                }
            }
            let got: Vec<(String, String)> = index
                .of(i)
                .map(|s| (s.host.to_owned(), s.domain.to_owned()))
                .collect();
            assert_eq!(got, expected, "{urls:?}");
            assert_eq!(
                index.first_domain(i).map(str::to_owned),
                urls.iter().find_map(|u| crate::site::of_url(u)),
                "{urls:?}"
            );
        }
        assert_eq!(index.first_domain(0), Some("example.co.uk"));
        assert_eq!(index.of(4).count(), 1);
        // one id per distinct registrable domain
        let domains: Vec<&str> = index.domains().collect();
        let mut distinct = domains.clone();
        distinct.sort_unstable();
        distinct.dedup();
        assert_eq!(domains.len(), distinct.len(), "{domains:?}");
    }
}
