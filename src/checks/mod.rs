//! Independent checks. Each reads the [`Context`] and returns an [`Outcome`];
//! none prints. Adding a check = one file + one [`CheckId`] variant (+ its
//! [`FindingKind`]s): the compiler then points at every match to extend.

pub mod insecure_url;
pub mod pwned;
pub mod recovery;
pub mod reuse;
pub mod similar;
pub mod site_breach;
pub mod weak;

use serde::Serialize;

use crate::model::{Entry, Vault};
use crate::progress::Progress;
use crate::report::Severity;
use crate::settings::Settings;

/// A check that can be selected with `--only` / `--skip`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckId {
    /// Identical passwords, within a member and across members.
    Reuse,
    /// Distinct passwords one cheap tweak apart (near reuse).
    Similar,
    /// Weak passwords (zxcvbn).
    Weak,
    /// Passwords in Have I Been Pwned's Pwned Passwords (k-anonymity).
    Pwned,
    /// 2FA and backup codes, available 2FA, recovery mailboxes.
    Recovery,
    /// Logins on plain `http://`.
    InsecureUrl,
    /// Accounts on sites breached since their password was set (HIBP's breach list).
    SiteBreach,
}

impl CheckId {
    /// Every check, in the order they run (recovery reads the earlier ones' facts).
    pub const ALL: &[CheckId] = &[
        CheckId::Reuse,
        CheckId::Similar,
        CheckId::Weak,
        CheckId::Pwned,
        CheckId::SiteBreach,
        CheckId::InsecureUrl,
        CheckId::Recovery,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CheckId::Reuse => "reuse",
            CheckId::Similar => "similar",
            CheckId::Weak => "weak",
            CheckId::Pwned => "pwned",
            CheckId::Recovery => "recovery",
            CheckId::InsecureUrl => "insecure_url",
            CheckId::SiteBreach => "site_breach",
        }
    }

    pub fn parse(s: &str) -> Option<CheckId> {
        let s = s.trim().to_ascii_lowercase().replace('-', "_");
        CheckId::ALL.iter().copied().find(|c| c.as_str() == s)
    }

    /// One-line description for `--help` and the docs.
    pub fn describe(self) -> &'static str {
        match self {
            CheckId::Reuse => "identical passwords on several accounts",
            CheckId::Similar => "passwords one small tweak apart (Summer2022! / Summer2023!)",
            CheckId::Weak => "weak passwords (zxcvbn score)",
            CheckId::Pwned => "passwords found in Have I Been Pwned (k-anonymity)",
            CheckId::Recovery => "2FA without saved backup codes, missing 2FA, recovery mailboxes",
            CheckId::InsecureUrl => "logins on plain http:// sites",
            CheckId::SiteBreach => {
                "accounts on sites breached since the password was set (Have I Been Pwned's breach list)"
            }
        }
    }
}

/// The kind of a finding (the JSON `check` field).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    Reuse,
    ReuseAcrossMembers,
    Similar,
    SimilarAcrossMembers,
    Weak,
    Pwned,
    LockoutRisk,
    RecoveryUnknown,
    TwoFactorAvailable,
    RecoveryHub,
    InsecureUrl,
    SiteBreach,
}

impl FindingKind {
    pub const ALL: &[FindingKind] = &[
        FindingKind::Reuse,
        FindingKind::ReuseAcrossMembers,
        FindingKind::Similar,
        FindingKind::SimilarAcrossMembers,
        FindingKind::Weak,
        FindingKind::Pwned,
        FindingKind::LockoutRisk,
        FindingKind::RecoveryUnknown,
        FindingKind::TwoFactorAvailable,
        FindingKind::RecoveryHub,
        FindingKind::InsecureUrl,
        FindingKind::SiteBreach,
    ];

    pub fn parse(s: &str) -> Option<FindingKind> {
        let s = s.trim().to_ascii_lowercase().replace('-', "_");
        FindingKind::ALL.iter().copied().find(|k| k.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            FindingKind::Reuse => "reuse",
            FindingKind::ReuseAcrossMembers => "reuse_across_members",
            FindingKind::Similar => "similar",
            FindingKind::SimilarAcrossMembers => "similar_across_members",
            FindingKind::Weak => "weak",
            FindingKind::Pwned => "pwned",
            FindingKind::LockoutRisk => "lockout_risk",
            FindingKind::RecoveryUnknown => "recovery_unknown",
            FindingKind::TwoFactorAvailable => "two_factor_available",
            FindingKind::RecoveryHub => "recovery_hub",
            FindingKind::InsecureUrl => "insecure_url",
            FindingKind::SiteBreach => "site_breach",
        }
    }

    /// The check that produces this kind.
    pub fn check(self) -> CheckId {
        match self {
            FindingKind::Reuse | FindingKind::ReuseAcrossMembers => CheckId::Reuse,
            FindingKind::Similar | FindingKind::SimilarAcrossMembers => CheckId::Similar,
            FindingKind::Weak => CheckId::Weak,
            FindingKind::Pwned => CheckId::Pwned,
            FindingKind::LockoutRisk
            | FindingKind::RecoveryUnknown
            | FindingKind::TwoFactorAvailable
            | FindingKind::RecoveryHub => CheckId::Recovery,
            FindingKind::InsecureUrl => CheckId::InsecureUrl,
            FindingKind::SiteBreach => CheckId::SiteBreach,
        }
    }
}

/// What a check reads.
pub struct Context<'a> {
    pub vault: &'a Vault,
    /// Entry indices of the audited accounts; account `i` of the report is
    /// `vault.entries[accounts[i]]`.
    pub accounts: &'a [usize],
    pub settings: &'a Settings,
    pub progress: &'a dyn Progress,
}

impl<'a> Context<'a> {
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

    /// A short, printable name for account `i`: its title, else its domain.
    pub fn label(&self, i: usize) -> String {
        let e = self.entry(i);
        if !e.title.trim().is_empty() {
            e.title.trim().to_owned()
        } else {
            e.url()
                .and_then(crate::domain::host)
                .unwrap_or_else(|| format!("row {}", e.row))
        }
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
    pub details: Option<serde_json::Value>,
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
}

/// Per-account results that checks record for the report (and for later
/// checks: recovery reads whether a mailbox is weak, reused or breached).
/// Each vector has one slot per account, `None` where the check did not run.
#[derive(Debug, Default)]
pub struct Facts {
    /// Set by `reuse`: the account's password is used elsewhere.
    pub reused: Vec<bool>,
    /// Set by `similar`: the near-reuse group id (`S1`, ...).
    pub similar_group: Vec<Option<String>>,
    /// Set by `weak`.
    pub strength: Vec<Option<weak::Strength>>,
    /// Set by `pwned`.
    pub pwned: Vec<Option<pwned::PwnedResult>>,
    /// Set by `recovery`.
    pub recovery: Vec<Option<recovery::Recovery>>,
}

impl Facts {
    pub fn new(accounts: usize) -> Self {
        Facts {
            reused: vec![false; accounts],
            similar_group: vec![None; accounts],
            strength: vec![None; accounts],
            pwned: vec![None; accounts],
            recovery: vec![None; accounts],
        }
    }
}

/// Runs one check. Checks run in [`CheckId::ALL`] order, so a check may read
/// the facts of those before it.
pub fn run(check: CheckId, ctx: &Context, facts: &mut Facts) -> Outcome {
    match check {
        CheckId::Reuse => reuse::run(ctx, facts),
        CheckId::Similar => similar::run(ctx, facts),
        CheckId::Weak => weak::run(ctx, facts),
        CheckId::Pwned => pwned::run(ctx, facts),
        CheckId::Recovery => recovery::run(ctx, facts),
        CheckId::InsecureUrl => insecure_url::run(ctx),
        CheckId::SiteBreach => site_breach::run(ctx, facts),
    }
}
