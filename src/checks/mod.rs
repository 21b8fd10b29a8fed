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
pub mod same_password;
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
    /// The accounts by identical password, built on first use
    /// ([`Context::same_passwords`]).
    pub same_password: std::sync::OnceLock<same_password::SamePasswords>,
}

/// Default settings of every check, for the checks' unit tests.
#[cfg(test)]
static TEST_SETTINGS: std::sync::LazyLock<(
    PwnedSettings,
    RecoverySettings,
    site_breach::SiteBreachSettings,
    passkeys::PasskeySettings,
)> = std::sync::LazyLock::new(Default::default);

#[cfg(test)]
impl<'a> Context<'a> {
    /// The context of a check's unit test: every check selected, default
    /// settings, no progress bar. A test that needs other settings replaces
    /// the field: `Context { pwned: &settings, ..Context::for_tests(v, a) }`.
    pub(crate) fn for_tests(vault: &'a Vault, accounts: &'a [usize]) -> Self {
        let (pwned, recovery, site_breach, passkeys) = &*TEST_SETTINGS;
        Context {
            vault,
            accounts,
            selected: CheckId::ALL,
            pwned,
            recovery,
            site_breach,
            passkeys,
            progress: &crate::progress::NoProgress,
            site_index: Default::default(),
            same_password: Default::default(),
        }
    }
}

/// The hosts and registrable domains of every account's URLs, computed once
/// per audit for the checks that match sites against public datasets
/// (`site_breach`, `passkey_available`, and `recovery` and `drill` for the
/// accounts' domains; the report assembly takes each account's domain from
/// it too). Registrable domains are interned: each distinct one is stored
/// once (borrowed from the vault when written there in lowercase) with an
/// id, so that a check can decide once per distinct domain (most of a large
/// vault is on sites no table lists) and skip the rest.
///
/// Built in parallel, one block of accounts at a time ([`SiteIndex::build`]):
/// the accounts' hosts and their registrable domains, then the blocks'
/// domains interned in account order, so that ids do not depend on the
/// threads. Nothing is shared between the blocks while they are built: a
/// host is asked of the public suffix list unless the block met it
/// recently (a small cache; interning every host first cost more than it
/// saved, most hosts of a vault being distinct, and could not run in
/// parallel).
#[derive(Debug, Default)]
pub struct SiteIndex<'a> {
    /// Account `i`'s hosts are in block `i / BLOCK`.
    blocks: Vec<SiteBlock<'a>>,
    /// Distinct registrable domains (ids index it).
    domains: Vec<Cow<'a, str>>,
}

/// The hosts of [`SiteIndex::BLOCK`] consecutive accounts.
#[derive(Debug, Default)]
struct SiteBlock<'a> {
    /// Each account's hosts, each once, in URL order, with the id of its
    /// registrable domain (the block's own ids until interned).
    hosts: Vec<(Cow<'a, str>, u32)>,
    /// Account `first + j`'s hosts are `hosts[starts[j]..starts[j + 1]]`.
    starts: Vec<u32>,
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
    /// Accounts per block (built by one thread).
    const BLOCK: usize = 4096;

    /// Each block of accounts in parallel: its hosts, their registrable
    /// domains and the block's distinct domains; then the
    /// blocks' domains interned in block order (each domain's id is the
    /// order of its first account) and the blocks' ids rewritten to them.
    fn build(ctx: &Context<'a>) -> SiteIndex<'a> {
        use rayon::prelude::*;
        use rustc_hash::{FxBuildHasher, FxHashMap};
        use std::hash::BuildHasher;
        /// Slots of the per-block cache of recent hosts (most vaults have
        /// many accounts on a few big sites).
        const RECENT: usize = 64;
        let n = ctx.accounts.len();
        let mut parts: Vec<(SiteBlock<'a>, Vec<Cow<'a, str>>)> = (0..n.div_ceil(Self::BLOCK))
            .into_par_iter()
            .map(|b| {
                let accounts = b * Self::BLOCK..((b + 1) * Self::BLOCK).min(n);
                let mut block = SiteBlock {
                    hosts: Vec::with_capacity(accounts.len()),
                    starts: Vec::with_capacity(accounts.len() + 1),
                };
                block.starts.push(0);
                // the block's distinct domains, and where in `hosts` the
                // last host of each hash slot is (`u32::MAX`: none yet)
                let mut recent = [u32::MAX; RECENT];
                let mut domains: Vec<Cow<'a, str>> = Vec::new();
                let mut domain_ids: FxHashMap<Cow<'a, str>, u32> = FxHashMap::default();
                for i in accounts {
                    let start = block.hosts.len();
                    for host in ctx
                        .entry(i)
                        .urls
                        .iter()
                        .filter_map(|u| crate::site::host_ref(u))
                    {
                        if block.hosts[start..].iter().any(|(h, _)| *h == host) {
                            continue;
                        }
                        // a host met recently in the block (the same site
                        // again) has its domain id there
                        let slot = FxBuildHasher.hash_one(&*host) as usize % RECENT;
                        let id = match block.hosts.get(recent[slot] as usize) {
                            Some((h, id)) if *h == host => *id,
                            _ => {
                                let domain = match &host {
                                    Cow::Borrowed(h) => {
                                        Cow::Borrowed(crate::site::registrable_ref(h))
                                    }
                                    Cow::Owned(h) => Cow::Owned(crate::site::registrable(h)),
                                };
                                // (a borrowed name clones as a pointer)
                                let id = match domain_ids.get(&*domain) {
                                    Some(&id) => id,
                                    None => {
                                        let id = domains.len() as u32;
                                        domain_ids.insert(domain.clone(), id);
                                        domains.push(domain);
                                        id
                                    }
                                };
                                recent[slot] = block.hosts.len() as u32;
                                id
                            }
                        };
                        block.hosts.push((host, id));
                    }
                    block.starts.push(block.hosts.len() as u32);
                }
                (block, domains)
            })
            .collect();
        // the blocks' domains, interned in block order
        let mut index = SiteIndex::default();
        let mut ids: FxHashMap<Cow<'a, str>, u32> = FxHashMap::default();
        let remaps: Vec<Vec<u32>> = parts
            .iter_mut()
            .map(|(_, domains)| {
                domains
                    .drain(..)
                    .map(|d| {
                        let next = index.domains.len() as u32;
                        *ids.entry(d).or_insert_with_key(|d| {
                            index.domains.push(d.clone());
                            next
                        })
                    })
                    .collect()
            })
            .collect();
        drop(ids);
        index.blocks = parts
            .into_par_iter()
            .zip(remaps)
            .map(|((mut block, _), remap)| {
                for (_, id) in &mut block.hosts {
                    *id = remap[*id as usize];
                }
                block
            })
            .collect();
        index
    }

    /// Account `i`'s hosts, each once, in URL order.
    #[inline]
    pub fn of(&self, i: usize) -> impl Iterator<Item = SiteRef<'_>> + Clone + '_ {
        let block = &self.blocks[i / Self::BLOCK];
        let j = i % Self::BLOCK;
        block.hosts[block.starts[j] as usize..block.starts[j + 1] as usize]
            .iter()
            .map(move |(host, domain_id)| SiteRef {
                host,
                domain: &self.domains[*domain_id as usize],
                domain_id: *domain_id,
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

    /// The accounts grouped by identical password (built on first use).
    pub fn same_passwords(&self) -> &same_password::SamePasswords {
        self.same_password
            .get_or_init(|| same_password::SamePasswords::build(self))
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
    /// (Shared by the accounts scored together.)
    pub strength: Vec<Option<std::sync::Arc<weak::Strength>>>,
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
        let ctx = Context::for_tests(&vault, &accounts);
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

    /// Over several blocks of accounts (built in parallel): the same hosts
    /// and domains as `site::host` and `site::registrable`, one id per
    /// distinct domain, numbered in the order of their first account.
    #[test]
    fn the_site_index_over_several_blocks_interns_domains_in_account_order() {
        let n = SiteIndex::BLOCK * 2 + 123;
        let mut vault = Vault::default();
        vault.sources.push(Source::default());
        for k in 0..n {
            let mut e = Entry::new(EntryKind::Login, k as u64 + 2);
            e.password = Some(crate::model::Secret::new(format!("pw{k}-x")));
            // a new domain every 1,000 accounts (some first seen in a
            // later block), one shared by all, an uppercase host, an IP
            e.urls = vec![
                format!("https://www.site{}.example.co.uk/login", k / 1000),
                "https://Login.Shared.example.com/".to_owned(),
            ];
            if k % 7 == 0 {
                e.urls.insert(0, "https://10.0.0.1/".to_owned());
            }
            vault.entries.push(e);
        }
        let accounts = vault.account_indices();
        assert_eq!(accounts.len(), n);
        let ctx = Context::for_tests(&vault, &accounts);
        let index = ctx.sites();
        let domains: Vec<&str> = index.domains().collect();
        let mut first_seen: Vec<String> = Vec::new();
        for i in 0..n {
            let expected: Vec<(String, String)> = ctx
                .entry(i)
                .urls
                .iter()
                .filter_map(|u| crate::site::host(u))
                .map(|h| {
                    let d = crate::site::registrable(&h);
                    (h, d)
                })
                .collect();
            let got: Vec<(String, String)> = index
                .of(i)
                .map(|s| {
                    assert_eq!(domains[s.domain_id as usize], s.domain);
                    (s.host.to_owned(), s.domain.to_owned())
                })
                .collect();
            assert_eq!(got, expected, "account {i}");
            for (_, d) in expected {
                if !first_seen.contains(&d) {
                    first_seen.push(d);
                }
            }
        }
        assert_eq!(domains, first_seen);
    }
}
