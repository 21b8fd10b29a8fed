//! `--format junit`: JUnit XML for CI dashboards. One test suite per check,
//! one test case per account; a case fails when the account has a finding of
//! that check at or above `--fail-on`. Skipped checks are skipped cases;
//! incomplete ones are errors (unknown is not a pass).

use std::io::{self, Write};

use super::markup::account_name;
use super::sanitize::terminal;
use crate::finding::CheckId;
use crate::report::{Audit, CheckStatus, Finding};

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

pub fn render(audit: &Audit, out: &mut dyn Write) -> io::Result<()> {
    let verdict = &audit.summary.verdict;
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(out, r#"<testsuites name="vaultlint">"#)?;
    properties(audit, out)?;
    for run in &audit.checks {
        let check = run.check;
        let of_check: Vec<&Finding> = audit
            .findings
            .iter()
            .filter(|f| f.check.check() == check)
            .collect();
        let failing = |id: &str| {
            of_check
                .iter()
                .filter(|f| verdict.fails(&f.id) && f.accounts.iter().any(|a| a == id))
                .copied()
                .collect::<Vec<_>>()
        };
        let failures = audit
            .accounts
            .iter()
            .filter(|a| !failing(&a.id).is_empty())
            .count();
        let (skipped, errors) = match run.status {
            CheckStatus::Skipped => (audit.accounts.len(), 0),
            CheckStatus::Incomplete => (0, 1),
            CheckStatus::Complete => (0, 0),
        };
        writeln!(
            out,
            r#"  <testsuite name="{}" tests="{}" failures="{}" errors="{}" skipped="{}">"#,
            check_name(check),
            audit.accounts.len() + errors,
            if run.status == CheckStatus::Skipped {
                0
            } else {
                failures
            },
            errors,
            skipped
        )?;
        if run.status == CheckStatus::Incomplete {
            writeln!(
                out,
                r#"    <testcase name="{} completed" classname="vaultlint.{}"><error message="{}"/></testcase>"#,
                check_name(check),
                check_name(check),
                escape(run.note.as_deref().unwrap_or("incomplete: results unknown"))
            )?;
        }
        for a in &audit.accounts {
            write!(
                out,
                r#"    <testcase name="{}: {} ({})" classname="vaultlint.{}.{}">"#,
                escape(&a.member),
                escape(&account_name(a)),
                a.id,
                check_name(check),
                escape(&a.member)
            )?;
            if run.status == CheckStatus::Skipped {
                write!(out, r#"<skipped message="check not run"/>"#)?;
            } else {
                for f in failing(&a.id) {
                    write!(
                        out,
                        r#"<failure type="{}" message="{} ({})">{}</failure>"#,
                        f.check.as_str(),
                        escape(&f.message),
                        f.severity,
                        f.fingerprint
                    )?;
                }
            }
            writeln!(out, "</testcase>")?;
        }
        writeln!(out, "  </testsuite>")?;
    }
    writeln!(out, "</testsuites>")
}

/// Scheduled runs (`--baseline`, `vaultlint merge`): a suite of no tests
/// whose properties say what changed and what a merge could not check.
fn properties(audit: &Audit, out: &mut dyn Write) -> io::Result<()> {
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
    writeln!(
        out,
        "    </properties>
  </testsuite>"
    )
}

fn check_name(c: CheckId) -> &'static str {
    c.as_str()
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
