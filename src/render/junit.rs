//! `--format junit`: JUnit XML for CI dashboards. One test suite per
//! member, one test case per (member, account), with at most one `<failure>`
//! per case: an account fails when it has findings at or above `--fail-on`,
//! and the failure's message names them all. Findings below the threshold are
//! never invisible: an account that has only those is `<skipped>` with them
//! in its message, and every case lists its findings as properties. A
//! `checks` suite has one case per check: a skipped check is skipped, an
//! incomplete one is an error (unknown is not a pass).

use std::collections::{HashMap, HashSet};
use std::io::{self, Write};

use super::markup::{account_name, by_member, plural};
use super::sanitize::terminal;
use crate::report::{AccountReport, Audit, CheckStatus, Finding, FindingId};

/// Escapes XML text and attribute values, after [`terminal`] (which drops
/// every character XML 1.0 forbids: controls, U+FFFE, U+FFFF, and bounds the length).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in terminal(s).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// `weak (high), reuse (high)`: a short list of findings for a message.
fn kinds(findings: &[&Finding]) -> String {
    let parts: Vec<String> = findings
        .iter()
        .map(|f| format!("{} ({})", f.check.as_str().replace('_', " "), f.severity))
        .collect();
    parts.join(", ")
}

/// Scheduled runs (`--baseline`, `vaultlint merge`): a suite of no tests
/// whose properties say what changed and what a merge could not check.
fn scheduled_run(audit: &Audit, out: &mut dyn Write) -> io::Result<()> {
    let mut props: Vec<(String, String)> = Vec::new();
    if let Some(d) = &audit.baseline {
        props.push(("baseline".into(), d.path.clone()));
        props.push(("baseline.new".into(), d.new.join(" ")));
        let worse: Vec<&str> = d.worse.iter().map(|c| c.finding.as_str()).collect();
        props.push(("baseline.worse".into(), worse.join(" ")));
        props.push(("baseline.fixed".into(), d.fixed.len().to_string()));
        props.push(("baseline.summary".into(), d.headline()));
    }
    if let Some(m) = &audit.merged {
        let kinds: Vec<&str> = m.not_checked.iter().map(|k| k.as_str()).collect();
        props.push(("merged.not_checked".into(), kinds.join(" ")));
        props.push(("merged.summary".into(), m.lines().join("; ")));
    }
    if props.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        r#"  <testsuite name="scheduled run" tests="0" failures="0" errors="0" skipped="0">"#
    )?;
    writeln!(out, "    <properties>")?;
    for (name, value) in props {
        writeln!(
            out,
            r#"      <property name="{}" value="{}"/>"#,
            escape(&name),
            escape(&value)
        )?;
    }
    writeln!(out, "    </properties>\n  </testsuite>")
}

fn checks_suite(audit: &Audit, out: &mut dyn Write) -> io::Result<()> {
    let skipped = audit
        .checks
        .iter()
        .filter(|c| c.status == CheckStatus::Skipped)
        .count();
    let errors = audit
        .checks
        .iter()
        .filter(|c| c.status == CheckStatus::Incomplete)
        .count();
    writeln!(
        out,
        r#"  <testsuite name="checks" tests="{}" failures="0" errors="{errors}" skipped="{skipped}">"#,
        audit.checks.len()
    )?;
    for c in &audit.checks {
        let name = c.check.as_str();
        write!(
            out,
            r#"    <testcase name="{name} ran" classname="vaultlint.checks">"#
        )?;
        let note = escape(c.note.as_deref().unwrap_or(""));
        match c.status {
            CheckStatus::Complete => {}
            CheckStatus::Skipped => write!(out, r#"<skipped message="{note}"/>"#)?,
            CheckStatus::Incomplete => write!(
                out,
                r#"<error message="incomplete, results unknown: {note}"/>"#
            )?,
        }
        writeln!(out, "</testcase>")?;
    }
    writeln!(out, "  </testsuite>")
}

/// One account's case: properties for each finding, then one failure (or
/// skipped) naming them.
/// Findings by id, and the ids at or above `--fail-on`.
struct Index<'a> {
    by_id: HashMap<FindingId, &'a Finding>,
    failing: HashSet<FindingId>,
}

/// Each finding of a case as a property: `F3` = `high reuse FINGERPRINT`.
fn properties(out: &mut dyn Write, findings: &[&Finding]) -> io::Result<()> {
    if findings.is_empty() {
        return Ok(());
    }
    write!(out, "<properties>")?;
    for f in findings {
        write!(
            out,
            r#"<property name="{}" value="{} {} {}"/>"#,
            f.id,
            f.severity,
            f.check.as_str(),
            f.fingerprint
        )?;
    }
    write!(out, "</properties>")
}

/// The findings, one per line: `F3 high reuse: message` (escaped).
fn body(findings: &[&Finding]) -> String {
    findings
        .iter()
        .map(|f| {
            format!(
                "{} {} {}: {}",
                f.id,
                f.severity,
                f.check.as_str(),
                escape(&f.message)
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn account_case(
    audit: &Audit,
    index: &Index,
    a: &AccountReport,
    out: &mut dyn Write,
) -> io::Result<()> {
    let verdict = &audit.summary.verdict;
    let mine: Vec<&Finding> = a
        .findings
        .iter()
        .filter_map(|id| index.by_id.get(id).copied())
        .collect();
    let (failing, below): (Vec<&Finding>, Vec<&Finding>) =
        mine.iter().partition(|f| index.failing.contains(&f.id));
    write!(
        out,
        r#"    <testcase name="{} ({})" classname="vaultlint.{}">"#,
        escape(&account_name(a)),
        a.id,
        escape(&a.member)
    )?;
    properties(out, &mine)?;
    if !failing.is_empty() {
        let mut message = format!(
            "{} at or above {}: {}",
            plural(failing.len(), "finding", "findings"),
            verdict.fail_on,
            kinds(&failing)
        );
        if !below.is_empty() {
            message.push_str(&format!("; below: {}", kinds(&below)));
        }
        write!(
            out,
            r#"<failure type="vaultlint" message="{}">{}</failure>"#,
            escape(&message),
            body(&mine)
        )?;
    } else if !below.is_empty() {
        let message = format!(
            "{} below --fail-on {}: {}",
            plural(below.len(), "finding", "findings"),
            verdict.fail_on,
            kinds(&below)
        );
        write!(
            out,
            r#"<skipped message="{}"/><system-out>{}</system-out>"#,
            escape(&message),
            body(&below)
        )?;
    }
    writeln!(out, "</testcase>")
}

pub fn render(audit: &Audit, out: &mut dyn Write) -> io::Result<()> {
    let verdict = &audit.summary.verdict;
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(out, r#"<testsuites name="vaultlint">"#)?;
    scheduled_run(audit, out)?;
    checks_suite(audit, out)?;
    let index = Index {
        by_id: audit.findings.iter().map(|f| (f.id, f)).collect(),
        failing: verdict
            .failing
            .iter()
            .filter_map(|id| FindingId::parse(id))
            .collect(),
    };
    let fails = |a: &AccountReport| a.findings.iter().any(|id| index.failing.contains(id));
    let members = by_member([], &audit.accounts, |a: &AccountReport| &*a.member);
    for (member, accounts) in members {
        let failures = accounts.iter().filter(|a| fails(a)).count();
        let skipped = accounts
            .iter()
            .filter(|a| !a.findings.is_empty() && !fails(a))
            .count();
        writeln!(
            out,
            r#"  <testsuite name="{}" tests="{}" failures="{failures}" errors="0" skipped="{skipped}">"#,
            escape(member),
            accounts.len()
        )?;
        for a in accounts {
            account_case(audit, &index, a, out)?;
        }
        writeln!(out, "  </testsuite>")?;
    }
    writeln!(out, "</testsuites>")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_xml() {
        assert_eq!(
            escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&apos;"
        );
        assert_eq!(escape("a\u{0}b\u{1b}c"), "abc");
    }
}
