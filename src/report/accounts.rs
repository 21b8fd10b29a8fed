//! Per-account and per-member results the checks compute and the report
//! carries (the JSON `strength`, `pwned`, `recovery` and `readiness` objects).
//! They live with the report so that the report never imports the checks.

use std::borrow::Cow;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

/// A text many accounts share (a source's path, a fixed note, a mailbox
/// address): one allocation, counted references (issue 15: at 200,000
/// accounts a copy each was tens of MiB). Serialized as a plain string.
pub type Shared = Arc<str>;

/// A text that is one of a few fixed ones (zxcvbn's feedback, `--pwned off`)
/// or, when read back from a report, owned.
pub type Fixed = Cow<'static, str>;

/// A password's strength, as reported per account (never the password).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Strength {
    /// zxcvbn score, 0 (weakest) to 4.
    pub score: u8,
    /// log10 of the estimated guesses, rounded to 2 decimals.
    pub guesses_log10: f64,
    /// Offline attack on a slow hash (10⁴ guesses/s), in words ("3 hours").
    pub crack_time: Fixed,
    /// The same, in seconds.
    pub crack_time_seconds: f64,
    /// What is wrong, when zxcvbn says.
    pub warning: Option<Fixed>,
    /// How to do better.
    pub suggestions: std::sync::Arc<[Fixed]>,
    /// True when only a prefix of the password was scored (see the module
    /// doc). Deliberately not a count: that would disclose the length.
    pub cut_for_scoring: bool,
}

impl Strength {
    /// Weak enough to be a finding (zxcvbn score 2 or less).
    pub fn is_weak(&self) -> bool {
        self.score <= 2
    }
}

/// An account's breach status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PwnedStatus {
    /// The password is in Pwned Passwords.
    Exposed,
    /// It is not (as of the dataset or API asked).
    NotFound,
    /// The lookup failed: not known to be safe.
    Unknown,
    /// The lookup was turned off (`--pwned off`).
    Skipped,
}

/// The per-account JSON `pwned` object. Accounts with equal results share
/// one in the report (`AccountReport::pwned`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PwnedResult {
    pub status: PwnedStatus,
    /// Times the password was seen in breaches: a number when `exposed`, 0
    /// when `not_found`, null otherwise.
    pub count: Option<u64>,
    /// Why the status is `unknown` or `skipped`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<Fixed>,
}

impl PwnedResult {
    /// `Some(true)` when found in breaches, `Some(false)` when looked up and
    /// not found, `None` when unknown or skipped (never read as safe).
    pub fn exposed(&self) -> Option<bool> {
        match self.status {
            PwnedStatus::Exposed => Some(true),
            PwnedStatus::NotFound => Some(false),
            PwnedStatus::Unknown | PwnedStatus::Skipped => None,
        }
    }

    pub(crate) fn new(status: PwnedStatus, count: Option<u64>, reason: Option<Fixed>) -> Self {
        PwnedResult {
            status,
            count,
            reason,
        }
    }
}

/// Whether backup codes are saved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CodeStatus {
    /// Found in the export, stated as kept offline, or in the inventory.
    Saved,
    /// 2FA is on, and the export would show the codes but does not.
    Missing,
    /// The export cannot show them (or cannot show whether 2FA is on).
    Unknown,
    /// No 2FA recorded: no codes needed.
    NotApplicable,
}

/// Where backup-code evidence was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Place {
    Notes,
    CustomField,
    /// A file attached to the item (KeePass, 1Password): its name says it
    /// holds the codes; its contents are never read.
    Attachment,
    SeparateItem,
    Inventory,
}

/// One piece of evidence that codes are saved. Never the codes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Evidence {
    pub place: Place,
    /// Where, in plain words: `notes`, `custom field 'Recovery codes'`,
    /// `separate item 'Dropbox backup codes' (line 17)`, `recovery inventory FILE line 3`.
    #[serde(rename = "where")]
    pub location: String,
    /// How it was recognised (`labelled 'backup codes'`, `stated as kept offline`, ...).
    pub how: String,
    /// The codes are said to be kept offline (paper, a safe...).
    pub offline: bool,
}

/// 2FA as recorded in the export.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TwoFactor {
    /// True: 2FA recorded (a TOTP secret, or saved backup codes). False: none
    /// recorded. Null: the export format cannot carry 2FA secrets.
    pub enabled: Option<bool>,
    pub methods: Vec<Method>,
    /// Where it was seen (`TOTP column`, `custom field 'TFC:Keeper'`, ...).
    pub evidence: Vec<String>,
}

/// Backup codes of one account.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct BackupCodes {
    pub status: CodeStatus,
    pub evidence: Vec<Evidence>,
    /// Why the status is missing or unknown, in plain words (shared by the
    /// accounts of a source).
    pub note: Option<Shared>,
}

/// What the service offers, per the 2FA directory.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Availability {
    pub service: String,
    /// 2fa.directory method names; empty: the service offers no 2FA.
    pub methods: Vec<String>,
    pub documentation: Option<String>,
    pub source: DirectorySource,
    /// The service holds money (a bank, payments, an exchange, a broker).
    #[serde(default)]
    pub money: bool,
    /// The service is a mailbox (its address can reset other accounts).
    #[serde(default)]
    pub mailbox: bool,
}

/// The mailbox that can reset an account, when it is a hub.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct MailboxLink {
    /// Shared by every account the hub can reset.
    pub address: Shared,
    /// The hub is critical (weak, reused, breached or without 2FA).
    pub at_risk: bool,
}

/// An account's recovery readiness (the JSON `recovery` object). Accounts
/// whose objects are equal share one in the report (`AccountReport::recovery`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Recovery {
    pub two_factor: TwoFactor,
    pub backup_codes: BackupCodes,
    /// Null when the service is in neither directory. Shared by every
    /// account of the service.
    pub two_factor_available: Option<Arc<Availability>>,
    /// Set on a mailbox's own entry when it can reset other accounts (rare:
    /// boxed).
    pub hub: Option<Box<HubState>>,
    /// The hub mailbox that can reset this account.
    pub recovery_mailbox: Option<MailboxLink>,
}

/// Per-member recovery totals (the JSON `summary.readiness`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberReadiness {
    pub member: String,
    pub accounts: usize,
    /// Accounts with 2FA recorded.
    pub two_factor: usize,
    /// Accounts whose backup codes are saved.
    pub codes_saved: usize,
    /// 2FA on, codes missing.
    pub lockout_risk: usize,
    /// 2FA on, the export cannot show the codes.
    pub codes_unknown: usize,
    /// The service offers 2FA, none recorded.
    pub two_factor_available: usize,
    /// Hub mailboxes this member's accounts reset through (or that they own).
    pub hubs: usize,
    /// Of those, hubs that are critical.
    pub hubs_at_risk: usize,
    /// Share of the accounts with 2FA whose backup codes are saved (unknown
    /// counts as not saved); null when no account has 2FA.
    pub readiness_percent: Option<u8>,
}

/// A 2FA method seen in the export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Time-based one-time codes (RFC 6238): an authenticator app.
    Totp,
    /// Counter-based one-time codes (RFC 4226).
    Hotp,
    /// Steam Guard codes (`steam://` or `encoder=steam`).
    Steam,
    /// Some other one-time-code scheme (`otpauth://yaotp/...`, a migration URI).
    Other,
}

impl Method {
    /// Plain words for messages.
    pub fn describe(self) -> &'static str {
        match self {
            Method::Totp => "authenticator app",
            Method::Hotp => "counter-based codes",
            Method::Steam => "Steam Guard",
            Method::Other => "one-time codes",
        }
    }
}

/// Which table answered a lookup.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DirectorySource {
    /// vaultlint's built-in table.
    BuiltIn,
    /// The file given with `--2fa-directory`.
    File,
}

/// Something wrong (or unknown) about a hub's own entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HubIssue {
    /// The mailbox has no entry in any of the exports.
    NotInVault,
    Weak,
    Reused,
    /// Its password is a small tweak of another one.
    Similar,
    Breached,
    NoTwoFactor,
    /// 2FA on, backup codes not saved.
    NoBackupCodes,
}

impl HubIssue {
    /// Issues that make a hub critical.
    pub fn is_critical(self) -> bool {
        matches!(
            self,
            HubIssue::Weak
                | HubIssue::Reused
                | HubIssue::Similar
                | HubIssue::Breached
                | HubIssue::NoTwoFactor
        )
    }

    /// Plain words for a problem.
    pub fn describe(self) -> &'static str {
        match self {
            HubIssue::NotInVault => "not in these exports",
            HubIssue::Weak => "a weak password",
            HubIssue::Reused => "a password used on other accounts",
            HubIssue::Similar => "a password one small tweak from another",
            HubIssue::Breached => "a password found in breaches",
            HubIssue::NoTwoFactor => "no 2FA recorded",
            HubIssue::NoBackupCodes => "2FA without saved backup codes",
        }
    }

    /// Plain words for "not checked".
    pub fn describe_unknown(self) -> &'static str {
        match self {
            HubIssue::NotInVault => "whether it is in the vault",
            HubIssue::Weak => "strength (the weak check did not run)",
            HubIssue::Reused => "reuse (the reuse check did not run)",
            HubIssue::Similar => "near-reuse (the similar check did not run)",
            HubIssue::Breached => "breaches (the pwned check did not run)",
            HubIssue::NoTwoFactor => "2FA (this export cannot show it)",
            HubIssue::NoBackupCodes => "backup codes (this export cannot show them)",
        }
    }
}

/// A hub's state, as reported on its mailbox entry and in its finding.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct HubState {
    /// The mailbox address.
    pub address: String,
    /// Accounts it can reset (its own entry not counted; one credential
    /// saved under several domains counts once).
    pub accounts: usize,
    /// Rows of the exports that use the address (its own entry not counted).
    pub rows: usize,
    /// Problems of the mailbox's own entry.
    pub problems: Vec<HubIssue>,
    /// What could not be checked (a check did not run, or the export cannot tell).
    pub unknown: Vec<HubIssue>,
}

impl HubState {
    pub fn is_critical(&self) -> bool {
        self.problems.iter().any(|p| p.is_critical())
    }
}
