//! The vocabulary every layer shares, at the bottom of the dependency graph:
//! severities, check ids, finding kinds and the report's account ids. It
//! imports nothing from the crate.

use serde::{Deserialize, Serialize};

/// The report id of account `i` (its index among the audited accounts):
/// `A1`, `A2`, ... The one place ids are made; [`account_index`] reads them.
pub fn account_id(i: usize) -> String {
    format!("A{}", i + 1)
}

/// The index of the account with report id `id`, if it is one.
pub fn account_index(id: &str) -> Option<usize> {
    id.strip_prefix('A')?.parse::<usize>().ok()?.checked_sub(1)
}

/// How serious a finding is. Ordered: `info < low < medium < high < critical`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        Severity::ALL
            .into_iter()
            .find(|v| v.as_str() == s.trim().to_ascii_lowercase())
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A check that can be selected with `--only` / `--skip`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
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
