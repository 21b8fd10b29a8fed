//! How a merged report was made (`vaultlint merge`): the JSON `merged`
//! object. Per-member reports are audited apart, so what needs the exports
//! together (reuse across members) was not checked, and says so.

use serde::{Deserialize, Serialize};

use crate::finding::{CheckId, FindingKind};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Merged {
    /// The reports combined, in command-line order.
    pub reports: Vec<MergedReport>,
    /// Finding kinds that need the exports audited together, so were not
    /// looked for between members of different reports.
    pub not_checked: Vec<FindingKind>,
    /// Checks that ran for some members only.
    pub partial_checks: Vec<PartialCheck>,
}

/// One report of a merge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MergedReport {
    /// The file as given.
    pub path: String,
    /// Its members, as named in the merged report.
    pub members: Vec<String>,
    /// When its audit ran.
    pub generated_at: String,
    /// The vaultlint version that made it.
    pub version: String,
}

/// A check that did not run for every member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartialCheck {
    pub check: CheckId,
    /// Members whose report ran it.
    pub ran_for: Vec<String>,
    /// Members whose report did not: their accounts were not checked.
    pub not_run_for: Vec<String>,
}

impl Merged {
    /// The lines every report of a merge shows (not escaped): where it
    /// came from, what was not checked.
    pub fn lines(&self) -> Vec<String> {
        let members: Vec<&str> = self
            .reports
            .iter()
            .flat_map(|r| r.members.iter().map(String::as_str))
            .collect();
        let mut out = vec![format!(
            "Merged from {} report{} ({}), each audited on its own",
            self.reports.len(),
            if self.reports.len() == 1 { "" } else { "s" },
            members.join(", ")
        )];
        if !self.not_checked.is_empty() {
            // Plain words (the kinds are in the JSON): a family reads this.
            out.push(
                "NOT CHECKED: passwords shared or tweaked between members of different reports: that needs the exports audited together (one vaultlint audit of all of them)"
                    .into(),
            );
        }
        for p in &self.partial_checks {
            out.push(format!(
                "check {} ran for {} only; not for {} (their accounts were not checked)",
                p.check.as_str(),
                p.ran_for.join(", "),
                p.not_run_for.join(", ")
            ));
        }
        out
    }
}
