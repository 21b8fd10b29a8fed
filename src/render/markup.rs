//! Shared pieces of the document renderers (HTML, Markdown, CSV, JUnit):
//! the rows every report shows, computed once from the audit.

use crate::report::{AccountReport, Audit, Finding, Severity, VerdictStatus};

/// A short human name for an account: its title, else its domain, else its row.
pub fn account_name(a: &AccountReport) -> String {
    if !a.title.trim().is_empty() {
        a.title.trim().to_owned()
    } else if let Some(d) = &a.domain {
        d.clone()
    } else {
        format!("row {}", a.row)
    }
}

/// The account with id `A{n}` (ids are assigned in order).
pub fn account<'a>(audit: &'a Audit, id: &str) -> Option<&'a AccountReport> {
    audit
        .accounts
        .get(crate::report::account_index(id)?)
        .filter(|a| a.id == id)
}

/// `member: name` for each account a finding names.
pub fn finding_accounts(audit: &Audit, f: &Finding) -> Vec<String> {
    f.accounts
        .iter()
        .filter_map(|id| account(audit, id))
        .map(|a| format!("{}: {}", a.member, account_name(a)))
        .collect()
}

/// The one-line verdict every report shows, with the exit code it produced
/// (read from the audit's verdict, never re-derived; not escaped).
pub fn verdict(audit: &Audit) -> String {
    let s = &audit.summary;
    let code = s.exit_code;
    let why = match (s.verdict.status, code) {
        (VerdictStatus::Fail, 0) => ": --exit-zero",
        (VerdictStatus::Incomplete, c) if c != 3 => ": --allow-incomplete",
        _ => "",
    };
    format!("{} (exit {code}{why})", s.verdict.headline())
}

/// `(severity, count)` for the severities that have findings, most severe first.
pub fn severity_counts(audit: &Audit) -> Vec<(Severity, usize)> {
    Severity::ALL
        .iter()
        .map(|s| (*s, audit.summary.by_severity.get(s).copied().unwrap_or(0)))
        .filter(|(_, n)| *n > 0)
        .collect()
}
