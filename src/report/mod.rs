//! The audit result. This model *is* the JSON contract (schema version 2):
//! renderers only convert it, and nothing in it can hold a password or a
//! password hash. Collections are ordered; no map is iterated into output
//! unsorted.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

pub use crate::finding::{
    AccountId, CheckId, FindingId, FindingKind, Severity, account_id, account_index,
};
use crate::model::Skipped;

pub mod accounts;
pub mod delta;
pub mod details;
pub mod drill;
pub mod merged;
pub mod plan;
pub mod read;
pub mod shared;

pub use accounts::{
    Availability, BackupCodes, CodeStatus, DirectorySource, Evidence, Fixed, HubIssue, HubState,
    MailboxLink, MemberReadiness, Method, Place, PwnedResult, PwnedStatus, Recovery, Shared,
    Strength, TwoFactor,
};
pub use delta::Delta;
pub use details::Details;
pub use merged::Merged;
pub use plan::{PlanItem, PlanStep, Stake, StepKind};
/// Version of the JSON contract. Additive changes keep it; breaking ones bump it.
pub const SCHEMA_VERSION: u32 = 2;

/// The whole audit: the JSON document of `--format json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Audit {
    pub schema_version: u32,
    pub tool: Tool,
    /// RFC 3339 time the audit ran.
    pub generated_at: String,
    /// Every check, and whether it ran.
    pub checks: Vec<CheckRun>,
    pub sources: Vec<SourceReport>,
    pub accounts: Vec<AccountReport>,
    pub findings: Vec<Finding>,
    /// The action plan: one item per account that needs work, ranked (see [`plan`]).
    /// A report written before the plan existed reads back with none.
    #[serde(default)]
    pub plan: Vec<PlanItem>,
    /// The lockout drill (absent when the `drill` check did not run).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drill: Option<drill::Drill>,
    pub summary: Summary,
    /// Public datasets the checks used, with their licence and credit.
    #[serde(default)]
    pub data_sources: Vec<DataSource>,
    /// What changed since a previous report (`--baseline`); absent without one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<Delta>,
    /// How a merged report was made (`vaultlint merge`); absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merged: Option<Merged>,
}

/// A public dataset a check used (the HIBP breach list, ...): reports credit
/// it as its licence asks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataSource {
    pub name: String,
    pub url: String,
    pub licence: String,
    /// The sentence every report shows.
    pub attribution: String,
    /// `YYYY-MM-DD`: the newest entry of the copy used.
    pub as_of: Option<String>,
    /// Which copy: the built-in snapshot or a file.
    pub origin: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

/// Whether a check ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    /// Ran over every account.
    Complete,
    /// Ran, but some accounts could not be checked (their result is `unknown`).
    Incomplete,
    /// Turned off by `--only`/`--skip` or `--pwned off`.
    Skipped,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CheckRun {
    pub check: CheckId,
    pub status: CheckStatus,
    /// Why it was skipped or incomplete, in plain words.
    pub note: Option<String>,
    /// Inputs the check could not use (e.g. inventory lines matching no account).
    pub warnings: Vec<String>,
    /// Export rows that could not be read, so this check never saw them
    /// (their result is unknown; the check is then incomplete).
    #[serde(default)]
    pub rows_not_checked: usize,
}

/// One input file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SourceReport {
    pub path: String,
    pub member: String,
    pub format: String,
    /// Data rows read (header excluded).
    pub rows: usize,
    /// Rows that became audited accounts.
    pub accounts: usize,
    /// Rows not imported (ragged, empty...): count, then each with its line and reason.
    pub skipped: usize,
    pub skipped_rows: Vec<Skipped>,
    /// Entries in a trash / recycle bin, excluded from the audit.
    pub deleted: usize,
    /// Logins without a password (not audited as accounts).
    #[serde(default)]
    pub logins_without_password: usize,
    /// Rows that only define a folder (no item).
    #[serde(default)]
    pub folders: usize,
    /// The encoding the file was read as (`UTF-8`, `windows-1252`...).
    #[serde(default)]
    pub encoding: String,
    /// Notes and cards kept for the recovery checks but not audited as accounts.
    /// In every source, `rows = accounts + logins_without_password +
    /// other_items + folders + deleted + skipped`.
    pub other_items: usize,
    pub warnings: Vec<String>,
}

/// One audited account. Never holds its password.
#[derive(Debug, Clone, Deserialize)]
#[serde(from = "AccountWire")]
pub struct AccountReport {
    /// Stable within the document (`A1`, `A2`, ...).
    pub id: String,
    /// Shared by the accounts of a source (as is `source`).
    pub member: Shared,
    /// Path of the export it came from.
    pub source: Shared,
    /// Line of the export where its row starts.
    pub row: u64,
    pub title: String,
    pub url: Option<String>,
    /// Registrable domain of `url` (public-suffix aware).
    pub domain: Option<String>,
    pub username: String,
    pub has_totp: bool,
    /// zxcvbn strength (null when the `weak` check did not run). Shared by
    /// the accounts scored together (one password, no context of their own).
    pub strength: Option<Arc<Strength>>,
    /// Near-reuse group id (`S1`, ...), null when none or not run.
    pub similar_group: Option<String>,
    /// Breach status (null when the `pwned` check did not run). Shared by
    /// the accounts with the same result.
    pub pwned: Option<Arc<PwnedResult>>,
    /// Recovery readiness (null when the `recovery` check did not run).
    /// Shared by the accounts whose readiness is the same (most are: issue 15).
    pub recovery: Option<Arc<Recovery>>,
    /// Finding ids that name this account (report order).
    pub findings: Vec<FindingId>,
    /// What few accounts have (boxed: 8 bytes for the others, issue 15):
    /// the JSON's `password_changed`, `password_age_days`,
    /// `history_passwords` and `passkeys`, each absent when empty.
    pub history: Option<Box<AccountHistory>>,
}

/// An account's password history and passkeys (see [`AccountReport::history`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountHistory {
    /// When the password itself last changed (RFC 3339), where the export
    /// records it (KDBX history, Bitwarden `passwordRevisionDate`, Firefox
    /// `timePasswordChanged`). Context only: no rule forces rotation (NIST
    /// SP 800-63B advises against it).
    pub password_changed: Option<String>,
    /// Whole days since `password_changed`.
    pub password_age_days: Option<i64>,
    /// Earlier passwords the export keeps for this account (counted, never
    /// shown).
    pub history_passwords: usize,
    /// Passkeys stored with this account (relying party only).
    pub passkeys: Vec<String>,
}

impl AccountHistory {
    /// `None` when there is nothing to say.
    pub fn boxed(self) -> Option<Box<AccountHistory>> {
        (self != AccountHistory::default()).then(|| Box::new(self))
    }
}

impl Serialize for AccountReport {
    /// The fields in the order of [`AccountWire`]; the history's absent
    /// when empty.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let h = self.history.as_deref();
        let changed = h.and_then(|h| h.password_changed.as_ref());
        let age = h.and_then(|h| h.password_age_days);
        let history = h.map_or(0, |h| h.history_passwords);
        let passkeys = h.map_or(&[][..], |h| &h.passkeys[..]);
        let mut st = s.serialize_struct("AccountReport", 18)?;
        st.serialize_field("id", &self.id)?;
        st.serialize_field("member", &self.member)?;
        st.serialize_field("source", &self.source)?;
        st.serialize_field("row", &self.row)?;
        st.serialize_field("title", &self.title)?;
        st.serialize_field("url", &self.url)?;
        st.serialize_field("domain", &self.domain)?;
        st.serialize_field("username", &self.username)?;
        st.serialize_field("has_totp", &self.has_totp)?;
        st.serialize_field("strength", &self.strength)?;
        st.serialize_field("similar_group", &self.similar_group)?;
        st.serialize_field("pwned", &self.pwned)?;
        st.serialize_field("recovery", &self.recovery)?;
        st.serialize_field("findings", &self.findings)?;
        match changed {
            Some(c) => st.serialize_field("password_changed", c)?,
            None => st.skip_field("password_changed")?,
        }
        match age {
            Some(a) => st.serialize_field("password_age_days", &a)?,
            None => st.skip_field("password_age_days")?,
        }
        if history == 0 {
            st.skip_field("history_passwords")?;
        } else {
            st.serialize_field("history_passwords", &history)?;
        }
        if passkeys.is_empty() {
            st.skip_field("passkeys")?;
        } else {
            st.serialize_field("passkeys", passkeys)?;
        }
        st.end()
    }
}

/// [`AccountReport`] as the JSON has it (how reports are read back).
#[derive(Deserialize)]
struct AccountWire {
    id: String,
    member: Shared,
    source: Shared,
    row: u64,
    title: String,
    url: Option<String>,
    domain: Option<String>,
    username: String,
    has_totp: bool,
    strength: Option<Arc<Strength>>,
    similar_group: Option<String>,
    pwned: Option<Arc<PwnedResult>>,
    recovery: Option<Arc<Recovery>>,
    findings: Vec<FindingId>,
    password_changed: Option<String>,
    password_age_days: Option<i64>,
    #[serde(default)]
    history_passwords: usize,
    #[serde(default)]
    passkeys: Vec<String>,
}

impl From<AccountWire> for AccountReport {
    fn from(w: AccountWire) -> Self {
        AccountReport {
            id: w.id,
            member: w.member,
            source: w.source,
            row: w.row,
            title: w.title,
            url: w.url,
            domain: w.domain,
            username: w.username,
            has_totp: w.has_totp,
            strength: w.strength,
            similar_group: w.similar_group,
            pwned: w.pwned,
            recovery: w.recovery,
            findings: w.findings,
            history: AccountHistory {
                password_changed: w.password_changed,
                password_age_days: w.password_age_days,
                history_passwords: w.history_passwords,
                passkeys: w.passkeys,
            }
            .boxed(),
        }
    }
}

/// One problem, naming the accounts it concerns.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Finding {
    /// `F1`, `F2`, ... in report order.
    pub id: FindingId,
    /// The finding kind (`reuse`, `reuse_across_members`, ...).
    pub check: FindingKind,
    pub severity: Severity,
    /// Account ids.
    pub accounts: Vec<AccountId>,
    /// Plain-words explanation and what to do.
    pub message: String,
    /// Stable across runs over the same accounts; derived from the kind and
    /// the accounts' identities, never from a password.
    pub fingerprint: String,
    /// Check-specific structured detail (never secrets).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<details::Details>,
}

/// A finding the policy accepted as a known risk.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Suppressed {
    pub fingerprint: String,
    pub check: FindingKind,
    pub severity: Severity,
    pub accounts: Vec<String>,
    pub reason: String,
    /// `YYYY-MM-DD`, when the acceptance ends.
    pub expires: Option<String>,
}

/// Per-member totals.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MemberSummary {
    pub member: String,
    pub accounts: usize,
    pub findings: BTreeMap<Severity, usize>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Summary {
    pub accounts: usize,
    pub findings: usize,
    pub by_check: BTreeMap<FindingKind, usize>,
    pub by_severity: BTreeMap<Severity, usize>,
    pub members: Vec<MemberSummary>,
    /// Findings left out as accepted risks by the policy file's `[[ignore]]`.
    pub suppressed: Vec<Suppressed>,
    /// Problems with the policy itself (expired or unused ignore entries).
    pub policy_warnings: Vec<String>,
    /// The failure threshold in force (`--fail-on`).
    pub fail_on: Severity,
    /// True when some check could not complete.
    pub incomplete: bool,
    /// Pass, fail or incomplete, decided once from the findings, the
    /// completeness and `fail_on`; every report reads it.
    pub verdict: Verdict,
    /// The process exit code this audit produces (see README, "Exit codes"):
    /// derived from `verdict` and `--exit-zero`/`--allow-incomplete`.
    pub exit_code: i32,
    /// Per-member recovery readiness (empty when the recovery check did not run).
    pub readiness: Vec<MemberReadiness>,
}

/// The outcome of an audit, whatever the exit code (`--exit-zero` and
/// `--allow-incomplete` change the exit code, never the verdict).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VerdictStatus {
    /// Complete, and no finding at or above `fail_on`.
    Pass,
    /// Complete, with findings at or above `fail_on`.
    Fail,
    /// Something could not be checked: unknown, never safe (whatever was found).
    Incomplete,
}

impl VerdictStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            VerdictStatus::Pass => "pass",
            VerdictStatus::Fail => "fail",
            VerdictStatus::Incomplete => "incomplete",
        }
    }
}

/// The verdict of an audit, computed once ([`Verdict::decide`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    pub status: VerdictStatus,
    /// The threshold the findings were judged against (`--fail-on`).
    pub fail_on: Severity,
    /// Ids of the findings at or above `fail_on`.
    pub failing: Vec<String>,
    /// Why the audit is incomplete, in plain words (empty when complete).
    pub reasons: Vec<String>,
    /// `--fail-on-new`: only findings new (or worse) since the baseline
    /// count in `failing`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub new_only: bool,
}

impl Verdict {
    /// Judges `findings` against `fail_on`; any reason makes it incomplete.
    pub fn decide(findings: &[Finding], fail_on: Severity, reasons: Vec<String>) -> Verdict {
        let failing: Vec<String> = findings
            .iter()
            .filter(|f| f.severity >= fail_on)
            .map(|f| f.id.to_string())
            .collect();
        let status = if !reasons.is_empty() {
            VerdictStatus::Incomplete
        } else if !failing.is_empty() {
            VerdictStatus::Fail
        } else {
            VerdictStatus::Pass
        };
        Verdict {
            status,
            fail_on,
            failing,
            reasons,
            new_only: false,
        }
    }

    /// As [`Verdict::decide`], judging only the findings whose ids are in
    /// `changed` (new or worse since the baseline: `--fail-on-new`).
    pub fn decide_new(
        findings: &[Finding],
        fail_on: Severity,
        reasons: Vec<String>,
        changed: &[String],
    ) -> Verdict {
        let judged: Vec<Finding> = findings
            .iter()
            .filter(|f| changed.iter().any(|c| f.id == *c))
            .cloned()
            .collect();
        Verdict {
            new_only: true,
            ..Verdict::decide(&judged, fail_on, reasons)
        }
    }

    /// Whether finding `id` is at or above the threshold.
    pub fn fails(&self, id: &str) -> bool {
        self.failing.iter().any(|f| f == id)
    }

    /// The one-line verdict every human report shows (not escaped).
    pub fn headline(&self) -> String {
        let (what, since) = if self.new_only {
            ("new or worse finding", " since the baseline")
        } else {
            ("finding", "")
        };
        let failing = match self.failing.len() {
            0 => format!("no {what} at or above '{}'{since}", self.fail_on),
            1 => format!("1 {what} at or above '{}'{since}", self.fail_on),
            n => format!("{n} {what}s at or above '{}'{since}", self.fail_on),
        };
        match self.status {
            VerdictStatus::Pass => format!("PASS: {failing}"),
            VerdictStatus::Fail => format!("FAIL: {failing}"),
            VerdictStatus::Incomplete => format!(
                "INCOMPLETE: some checks could not finish; their accounts are unknown, not safe ({}){}",
                self.reasons.join("; "),
                if self.failing.is_empty() {
                    String::new()
                } else {
                    format!(" (and {failing})")
                }
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(id: &str, severity: Severity) -> Finding {
        Finding {
            id: FindingId::parse(id).unwrap(),
            check: FindingKind::Reuse,
            severity,
            accounts: vec![],
            message: String::new(),
            fingerprint: String::new(),
            details: None,
        }
    }

    #[test]
    fn verdict_is_judged_from_findings_threshold_and_completeness() {
        let findings = [
            finding("F1", Severity::Critical),
            finding("F2", Severity::Medium),
        ];
        let v = Verdict::decide(&findings, Severity::High, vec![]);
        assert_eq!(v.status, VerdictStatus::Fail);
        assert_eq!(v.failing, ["F1"]);
        assert!(
            v.headline()
                .starts_with("FAIL: 1 finding at or above 'high'")
        );
        let v = Verdict::decide(&findings, Severity::Critical, vec![]);
        assert_eq!(v.status, VerdictStatus::Fail);
        let v = Verdict::decide(&findings[1..], Severity::High, vec![]);
        assert_eq!(v.status, VerdictStatus::Pass);
        assert!(v.failing.is_empty());
        let v = Verdict::decide(
            &findings,
            Severity::High,
            vec!["2 rows could not be read".into()],
        );
        assert_eq!(v.status, VerdictStatus::Incomplete);
        let line = v.headline();
        assert!(
            line.starts_with("INCOMPLETE: some checks could not finish"),
            "{line}"
        );
        assert!(line.contains("(2 rows could not be read)"), "{line}");
        assert!(line.contains("1 finding at or above 'high'"), "{line}");
        assert_eq!(
            serde_json::to_value(&v).unwrap()["status"],
            serde_json::json!("incomplete")
        );
    }

    #[test]
    fn fail_on_new_judges_only_the_new_or_worse_findings() {
        let findings = [
            finding("F1", Severity::Critical),
            finding("F2", Severity::High),
            finding("F3", Severity::Low),
        ];
        let v = Verdict::decide_new(&findings, Severity::High, vec![], &["F2".into()]);
        assert_eq!(v.status, VerdictStatus::Fail);
        assert_eq!(v.failing, ["F2"], "the known critical F1 does not fail");
        assert!(v.new_only);
        assert!(
            v.headline()
                .starts_with("FAIL: 1 new or worse finding at or above 'high' since the baseline"),
            "{}",
            v.headline()
        );
        let v = Verdict::decide_new(&findings, Severity::High, vec![], &["F3".into()]);
        assert_eq!(v.status, VerdictStatus::Pass);
        assert_eq!(
            v.headline(),
            "PASS: no new or worse finding at or above 'high' since the baseline"
        );
        // Unknown is never safe: incompleteness stays.
        let v = Verdict::decide_new(&findings, Severity::High, vec!["x".into()], &[]);
        assert_eq!(v.status, VerdictStatus::Incomplete);
        assert_eq!(serde_json::to_value(&v).unwrap()["new_only"], true);
        let plain = Verdict::decide(&findings, Severity::High, vec![]);
        assert!(
            serde_json::to_value(&plain)
                .unwrap()
                .get("new_only")
                .is_none()
        );
    }

    /// What each of 200,000 accounts costs inline (issue 15: 456 and 312
    /// bytes before the shared parts).
    #[test]
    fn account_reports_stay_small() {
        assert!(std::mem::size_of::<AccountReport>() <= 248);
        assert!(std::mem::size_of::<Recovery>() <= 144);
    }

    #[test]
    fn an_account_history_is_where_it_was_in_the_json() {
        let json = r#"{"id":"A1","member":"m","source":"m.csv","row":2,"title":"t","url":null,"domain":null,"username":"u","has_totp":false,"strength":null,"similar_group":null,"pwned":null,"recovery":null,"findings":["F1"],"password_changed":"2023-03-01T09:00:00Z","password_age_days":3,"history_passwords":1,"passkeys":["example.com"]}"#;
        let a: AccountReport = serde_json::from_str(json).unwrap();
        let h = a.history.as_deref().unwrap();
        assert_eq!(h.history_passwords, 1);
        assert_eq!(h.passkeys, ["example.com"]);
        assert_eq!(serde_json::to_string(&a).unwrap(), json);
        // none of them: absent, and nothing boxed
        let bare = json
            .split(r#","password_changed""#)
            .next()
            .unwrap()
            .to_owned()
            + "}";
        let a: AccountReport = serde_json::from_str(&bare).unwrap();
        assert!(a.history.is_none());
        assert_eq!(serde_json::to_string(&a).unwrap(), bare);
        // one of them alone
        let one = bare.trim_end_matches('}').to_owned() + r#","history_passwords":2}"#;
        let a: AccountReport = serde_json::from_str(&one).unwrap();
        assert_eq!(serde_json::to_string(&a).unwrap(), one);
    }

    #[test]
    fn severity_order_and_names() {
        assert!(Severity::Info < Severity::Critical);
        assert_eq!(Severity::parse("HIGH"), Some(Severity::High));
        assert_eq!(Severity::parse("nope"), None);
        assert_eq!(
            serde_json::to_string(&Severity::Medium).unwrap(),
            "\"medium\""
        );
    }
}
