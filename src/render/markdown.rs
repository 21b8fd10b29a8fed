//! `--format markdown`: for a pull-request comment or a wiki page. A summary,
//! the plan (each member's top items open, the rest folded), then every
//! finding folded in `<details>`. The document stays under GitHub's
//! comment limit (65,536 characters) at any size: what does not fit is left
//! out and a line says how much. Every value is escaped so export text cannot
//! add markup.

use std::io::{self, Write};

use super::markup::{by_member, finding_accounts, plural, severity_counts, verdict};
use super::sanitize::{terminal, truncate};
use crate::report::{Audit, CheckStatus, PlanItem, Severity};

/// GitHub's limit on a comment's body.
pub const GITHUB_LIMIT: usize = 65_536;

/// Room kept for the closing lines (what was left out, credits, verdict).
const TAIL_ROOM: usize = 4_000;

/// Longest prose cell, in characters.
const CELL_MAX: usize = 600;

/// Plan items shown open per member; the rest are folded.
const TOP_PER_MEMBER: usize = 10;

/// Lines shown at most for one list of the header (skipped rows, warnings).
const LIST_MAX: usize = 10;

/// Escapes Markdown and inline-HTML metacharacters in a table cell.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in terminal(s).chars() {
        match c {
            '\\' | '|' | '*' | '_' | '`' | '[' | ']' | '#' | '~' | '!' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            c => out.push(c),
        }
    }
    out
}

/// A document that refuses lines past its budget and counts what it refused.
struct Budget {
    doc: String,
    limit: usize,
    /// Plan items and findings left out.
    items_left: usize,
    findings_left: usize,
    lines_left: usize,
}

enum Kind {
    Line,
    Item,
    Finding,
}

impl Budget {
    fn fits(&self, line: &str) -> bool {
        self.doc.len() + line.len() < self.limit
    }

    /// Adds `line` if it fits; otherwise counts it as left out.
    fn push(&mut self, line: &str, kind: Kind) -> bool {
        self.push_within(line, kind, self.limit)
    }

    /// Adds `line` if the document stays under `cap` (at most the limit);
    /// otherwise counts it as left out.
    fn push_within(&mut self, line: &str, kind: Kind, cap: usize) -> bool {
        if self.fits(line) && self.doc.len() + line.len() < cap {
            self.doc.push_str(line);
            self.doc.push('\n');
            return true;
        }
        match kind {
            Kind::Line => self.lines_left += 1,
            Kind::Item => self.items_left += 1,
            Kind::Finding => self.findings_left += 1,
        }
        false
    }

    /// Adds a line that must be there (structure, the closing lines).
    fn always(&mut self, line: &str) {
        self.doc.push_str(line);
        self.doc.push('\n');
    }
}

fn summary(audit: &Audit, b: &mut Budget) {
    let s = &audit.summary;
    b.always("# vaultlint audit\n");
    let counts: Vec<String> = severity_counts(audit)
        .iter()
        .map(|(sev, n)| format!("{n} {sev}"))
        .collect();
    b.always(&format!(
        "{} in {}, {}{}. **{}**.\n",
        plural(s.accounts, "account", "accounts"),
        plural(audit.sources.len(), "export", "exports"),
        plural(s.findings, "finding", "findings"),
        if counts.is_empty() {
            String::new()
        } else {
            format!(": {}", counts.join(", "))
        },
        escape(&verdict(audit)),
    ));
    notes(audit, b);
    members(audit, b);
}

/// Checks that did not run or finish, their warnings, and each export's rows.
fn notes(audit: &Audit, b: &mut Budget) {
    for c in audit
        .checks
        .iter()
        .filter(|c| c.status != CheckStatus::Complete)
    {
        b.always(&format!(
            "- check `{}` {}: {}",
            c.check.as_str(),
            if c.status == CheckStatus::Skipped {
                "skipped"
            } else {
                "INCOMPLETE (unknown, not safe)"
            },
            escape(&truncate(c.note.as_deref().unwrap_or(""), CELL_MAX))
        ));
    }
    for c in &audit.checks {
        for w in c.warnings.iter().take(LIST_MAX) {
            b.push(
                &format!("- check `{}`: {}", c.check.as_str(), escape(w)),
                Kind::Line,
            );
        }
        b.lines_left += c.warnings.len().saturating_sub(LIST_MAX);
    }
    for src in &audit.sources {
        b.push(
            &format!(
                "- {}: {}",
                escape(&src.path),
                escape(&super::markup::row_breakdown(src))
            ),
            Kind::Line,
        );
        for k in src.skipped_rows.iter().take(LIST_MAX) {
            b.push(
                &format!(
                    "- {}: skipped line {} (not read, not checked): {}",
                    escape(&src.path),
                    k.line,
                    escape(&k.reason)
                ),
                Kind::Line,
            );
        }
        b.lines_left += src.skipped_rows.len().saturating_sub(LIST_MAX);
    }
    // Scheduled runs: the merge and baseline summaries always, the changed
    // findings within the budget.
    for line in super::changes::summary_lines(audit) {
        b.always(&format!("- {}", escape(&truncate(&line, CELL_MAX))));
    }
    for line in super::changes::item_lines(audit) {
        b.push(
            &format!("- {}", escape(&truncate(&line, CELL_MAX))),
            Kind::Line,
        );
    }
}

/// Findings by severity, per member.
fn members(audit: &Audit, b: &mut Budget) {
    b.always("\n| Member | Accounts | Critical | High | Medium | Low | Info |");
    b.always("|---|---:|---:|---:|---:|---:|---:|");
    for m in &audit.summary.members {
        let n = |sev: Severity| m.findings.get(&sev).copied().unwrap_or(0);
        b.push(
            &format!(
                "| {} | {} | {} | {} | {} | {} | {} |",
                escape(&m.member),
                m.accounts,
                n(Severity::Critical),
                n(Severity::High),
                n(Severity::Medium),
                n(Severity::Low),
                n(Severity::Info)
            ),
            Kind::Line,
        );
    }
}

/// `1. **Outlook** (critical; hub, reused, weak): Change the password …`
fn plan_line(n: usize, item: &PlanItem) -> String {
    let stakes: Vec<&str> = item.stakes.iter().map(|s| s.as_str()).collect();
    let steps: Vec<String> = item
        .steps
        .iter()
        .map(|s| escape(&truncate(&s.text, CELL_MAX)))
        .collect();
    format!(
        "{n}. **{}** ({}; {}): {}",
        escape(&item.name),
        item.severity,
        stakes.join(", ").replace('_', " "),
        steps.join(" ")
    )
}

fn plan(audit: &Audit, b: &mut Budget) {
    if audit.plan.is_empty() {
        b.always("\nNothing to fix: no account needs work.");
        return;
    }
    b.always(&format!(
        "\n## What to fix first\n\n{}, most at stake first.",
        plural(audit.plan.len(), "account needs work", "accounts need work")
    ));
    let members = by_member(
        audit.summary.members.iter().map(|m| m.member.as_str()),
        &audit.plan,
        |i: &PlanItem| i.member.as_str(),
    );
    for (member, items) in members {
        if items.is_empty() {
            continue;
        }
        b.always(&format!(
            "\n### {} ({})\n",
            escape(member),
            plural(items.len(), "account", "accounts")
        ));
        for (k, item) in items.iter().enumerate().take(TOP_PER_MEMBER) {
            b.push(&plan_line(k + 1, item), Kind::Item);
        }
        if items.len() > TOP_PER_MEMBER {
            let rest = items.len() - TOP_PER_MEMBER;
            b.always(&format!(
                "\n<details><summary>{} more for {}</summary>\n",
                rest,
                escape(member)
            ));
            // The rest of the plan leaves room for the findings.
            let cap = b.limit / 2;
            for (k, item) in items.iter().enumerate().skip(TOP_PER_MEMBER) {
                b.push_within(&plan_line(k + 1, item), Kind::Item, cap);
            }
            b.always("\n</details>");
        }
    }
}

fn findings(audit: &Audit, b: &mut Budget) {
    if audit.findings.is_empty() {
        b.always("\nNo findings.");
        return;
    }
    b.always(&format!(
        "\n<details><summary>All {}</summary>\n",
        plural(audit.findings.len(), "finding", "findings")
    ));
    b.always("| ID | Severity | Check | Accounts | What and why |");
    b.always("|---|---|---|---|---|");
    for f in &audit.findings {
        let names = finding_accounts(audit, f);
        let mut shown: Vec<String> = names.iter().take(10).map(|a| escape(a)).collect();
        if names.len() > 10 {
            shown.push(format!("and {} more", names.len() - 10));
        }
        let line = format!(
            "| {} | {} | {} | {} | {} |",
            f.id,
            f.severity,
            f.check.as_str().replace('_', " "),
            shown.join("<br>"),
            escape(&truncate(&f.message, CELL_MAX))
        );
        b.push(&line, Kind::Finding);
    }
    b.always("\n</details>");
}

/// The lockout drill: one row per member and scenario, and each member's
/// first action (the chains are in the JSON report).
fn drill(audit: &Audit, b: &mut Budget) {
    let Some(drill) = &audit.drill else {
        return;
    };
    b.always("\n### Lockout drill\n");
    b.always("| Member | Scenario | Locked out | Reachable | Can't tell |");
    b.always("|---|---|---:|---:|---:|");
    for m in &drill.members {
        for s in &m.scenarios {
            b.push(
                &format!(
                    "| {} | {} | {} | {} | {} |",
                    escape(&m.member),
                    escape(&s.name),
                    s.locked_out.len(),
                    s.reachable,
                    s.cannot_tell
                ),
                Kind::Line,
            );
        }
    }
    for m in &drill.members {
        if let Some(a) = m.actions.first() {
            b.push(
                &format!(
                    "\n{} first: {} (saves {}, {})",
                    escape(&m.member),
                    escape(&truncate(&a.action, CELL_MAX)),
                    plural(a.accounts_saved, "account", "accounts"),
                    escape(&a.scenario)
                ),
                Kind::Line,
            );
        }
    }
}

/// Renders the whole document into a string of at most [`GITHUB_LIMIT`] bytes.
pub fn document(audit: &Audit) -> String {
    let mut b = Budget {
        doc: String::new(),
        limit: GITHUB_LIMIT - TAIL_ROOM,
        items_left: 0,
        findings_left: 0,
        lines_left: 0,
    };
    summary(audit, &mut b);
    plan(audit, &mut b);
    drill(audit, &mut b);
    findings(audit, &mut b);
    let mut left = Vec::new();
    if b.items_left > 0 {
        left.push(plural(b.items_left, "plan item", "plan items"));
    }
    if b.findings_left > 0 {
        left.push(plural(b.findings_left, "finding", "findings"));
    }
    if b.lines_left > 0 {
        left.push(plural(b.lines_left, "line of notes", "lines of notes"));
    }
    if !left.is_empty() {
        b.always(&format!(
            "\n**Left out to fit a GitHub comment: {}.** The JSON or HTML report (`--format json`, `--format html`) has everything.",
            left.join(", ")
        ));
    }
    for credit in super::markup::credits(audit) {
        b.always(&format!("\n_{}_", escape(&truncate(&credit, CELL_MAX))));
    }
    b.doc
}

pub fn render(audit: &Audit, out: &mut dyn Write) -> io::Result<()> {
    out.write_all(document(audit).as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(escape("a|b"), "a\\|b");
        assert_eq!(escape("<img src=x>"), "&lt;img src=x&gt;");
        assert_eq!(escape("<b>bold</b>"), "&lt;b&gt;bold&lt;/b&gt;");
        assert_eq!(escape("[x](javascript:y)"), "\\[x\\](javascript:y)");
        assert_eq!(escape("line\nbreak"), "line break");
    }

    #[test]
    fn the_budget_refuses_and_counts_what_does_not_fit() {
        let mut b = Budget {
            doc: String::new(),
            limit: 30,
            items_left: 0,
            findings_left: 0,
            lines_left: 0,
        };
        assert!(b.push("0123456789", Kind::Item));
        assert!(!b.push_within("0123456789", Kind::Item, 15), "over the cap");
        assert!(b.push("0123456789", Kind::Finding));
        assert!(!b.push("0123456789", Kind::Finding), "over the limit");
        b.always("closing");
        assert_eq!((b.items_left, b.findings_left, b.lines_left), (1, 1, 0));
        assert_eq!(b.doc, "0123456789\n0123456789\nclosing\n");
    }
}
