//! What every renderer shows of scheduled runs: the changes since a
//! baseline (`--baseline`) and how a merged report was made (`vaultlint
//! merge`). Plain text, not escaped: each renderer escapes it its own way.

use super::markup::finding_accounts;
use crate::report::Audit;

/// Items listed per kind of change; the rest are counted.
const SHOWN: usize = 10;
/// Accounts named per item.
const NAMES: usize = 3;

fn names(mut list: Vec<String>) -> String {
    let more = list.len().saturating_sub(NAMES);
    list.truncate(NAMES);
    let mut text = list.join(", ");
    if more > 0 {
        text.push_str(&format!(" and {more} more"));
    }
    text
}

/// The lines to show near the summary: empty for an ordinary audit.
pub fn lines(audit: &Audit) -> Vec<String> {
    let mut out = summary_lines(audit);
    out.extend(item_lines(audit));
    out
}

/// How a merge was made and what it could not check, and the one-line
/// summary of the changes since the baseline: never to be left out.
pub fn summary_lines(audit: &Audit) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(m) = &audit.merged {
        out.extend(m.lines());
    }
    if let Some(d) = &audit.baseline {
        out.push(d.headline());
    }
    out
}

/// The new, worse and fixed findings since the baseline, at most
/// [`SHOWN`] of each.
pub fn item_lines(audit: &Audit) -> Vec<String> {
    let mut out = Vec::new();
    let Some(d) = &audit.baseline else {
        return out;
    };
    let finding = |id: &str| audit.findings.iter().find(|f| f.id == id);
    let mut items: Vec<String> = Vec::new();
    for id in &d.new {
        if let Some(f) = finding(id) {
            items.push(format!(
                "new: {} {} {}: {}",
                f.id,
                f.severity,
                f.check.as_str(),
                names(finding_accounts(audit, f))
            ));
        }
    }
    push_limited(&mut out, items, "new");
    let mut items = Vec::new();
    for c in &d.worse {
        if let Some(f) = finding(&c.finding) {
            items.push(format!(
                "worse: {} {} {} ({}): {}",
                f.id,
                f.severity,
                f.check.as_str(),
                c.why,
                names(finding_accounts(audit, f))
            ));
        }
    }
    push_limited(&mut out, items, "worse");
    let items = d
        .fixed
        .iter()
        .map(|x| {
            format!(
                "fixed: {} {}: {}",
                x.severity,
                x.check,
                names(x.accounts.clone())
            )
        })
        .collect();
    push_limited(&mut out, items, "fixed");
    out
}

fn push_limited(out: &mut Vec<String>, items: Vec<String>, what: &str) {
    let more = items.len().saturating_sub(SHOWN);
    out.extend(items.into_iter().take(SHOWN));
    if more > 0 {
        out.push(format!("{what}: {more} more (listed in the JSON report)"));
    }
}

/// How finding `id` compares with the baseline (`new`, `worse`,
/// `improved`, `unchanged`, `not compared`); empty without a baseline.
pub fn change(audit: &Audit, id: crate::report::FindingId) -> &'static str {
    audit
        .baseline
        .as_ref()
        .and_then(|d| d.change(&id.to_string()))
        .map_or("", |c| c.as_str())
}
