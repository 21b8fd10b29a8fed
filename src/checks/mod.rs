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
    pub site_index: std::sync::OnceLock<SiteIndex>,
}

/// The host and registrable domain of every account's URLs, computed once
/// per audit for the checks that match sites against public datasets
/// (`site_breach`, `passkey_available`); each distinct host is looked up in
/// the public suffix list once.
#[derive(Debug, Default)]
pub struct SiteIndex {
    /// Per account: `(host, registrable domain)` of each URL that has a
    /// host, each host once, in URL order.
    pub sites: Vec<Vec<(std::sync::Arc<str>, std::sync::Arc<str>)>>,
}

impl SiteIndex {
    fn build(ctx: &Context) -> SiteIndex {
        use std::sync::Arc;
        let mut known: std::collections::HashMap<String, (Arc<str>, Arc<str>)> =
            std::collections::HashMap::new();
        let sites = (0..ctx.accounts.len())
            .map(|i| {
                let mut out: Vec<(Arc<str>, Arc<str>)> = Vec::new();
                for host in ctx
                    .entry(i)
                    .urls
                    .iter()
                    .filter_map(|u| crate::site::host(u))
                {
                    let pair = match known.get(&host) {
                        Some(pair) => pair.clone(),
                        None => {
                            let reg: Arc<str> = crate::site::registrable(&host).into();
                            let pair = (Arc::<str>::from(host.as_str()), reg);
                            known.insert(host, pair.clone());
                            pair
                        }
                    };
                    if !out.iter().any(|(h, _)| *h == pair.0) {
                        out.push(pair);
                    }
                }
                out
            })
            .collect();
        SiteIndex { sites }
    }
}

impl<'a> Context<'a> {
    /// Whether `check` is selected for this run.
    pub fn runs(&self, check: CheckId) -> bool {
        self.selected.contains(&check)
    }

    /// The accounts' hosts and registrable domains (built on first use).
    pub fn sites(&self) -> &SiteIndex {
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
    pub recovery: Vec<Option<recovery::Recovery>>,
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
