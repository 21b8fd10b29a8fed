//! `--format markdown`: a summary and a findings table, for a PR comment or
//! a wiki page. Every cell is escaped so export text cannot add markup.

use std::io::{self, Write};

use super::markup::{finding_accounts, severity_counts, verdict};
use super::sanitize::terminal;
use crate::report::{Audit, CheckStatus, Severity};

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

pub fn render(audit: &Audit, out: &mut dyn Write) -> io::Result<()> {
    let s = &audit.summary;
    writeln!(out, "# vaultlint audit\n")?;
    let counts: Vec<String> = severity_counts(audit)
        .iter()
        .map(|(sev, n)| format!("{n} {sev}"))
        .collect();
    writeln!(
        out,
        "{} accounts in {} export(s), {} finding(s){}. **{}**.\n",
        s.accounts,
        audit.sources.len(),
        s.findings,
        if counts.is_empty() {
            String::new()
        } else {
            format!(": {}", counts.join(", "))
        },
        escape(&verdict(audit)),
    )?;
    for c in audit
        .checks
        .iter()
        .filter(|c| c.status != CheckStatus::Complete)
    {
        writeln!(
            out,
            "- check `{}` {}: {}",
            c.check.as_str(),
            if c.status == CheckStatus::Skipped {
                "skipped"
            } else {
                "INCOMPLETE (unknown, not safe)"
            },
            escape(c.note.as_deref().unwrap_or(""))
        )?;
    }
    for c in &audit.checks {
        for w in &c.warnings {
            writeln!(out, "- check `{}`: {}", c.check.as_str(), escape(w))?;
        }
    }
    for src in &audit.sources {
        writeln!(
            out,
            "- {}: {}",
            escape(&src.path),
            escape(&super::markup::row_breakdown(src))
        )?;
        for k in &src.skipped_rows {
            writeln!(
                out,
                "- {}: skipped line {} (not read, not checked): {}",
                escape(&src.path),
                k.line,
                escape(&k.reason)
            )?;
        }
    }
    for line in super::changes::lines(audit) {
        writeln!(out, "- {}", escape(&line))?;
    }
    writeln!(
        out,
        "\n| Member | Accounts | Critical | High | Medium | Low | Info |"
    )?;
    writeln!(out, "|---|---:|---:|---:|---:|---:|---:|")?;
    for m in &s.members {
        let n = |sev: Severity| m.findings.get(&sev).copied().unwrap_or(0);
        writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} |",
            escape(&m.member),
            m.accounts,
            n(Severity::Critical),
            n(Severity::High),
            n(Severity::Medium),
            n(Severity::Low),
            n(Severity::Info)
        )?;
    }
    if audit.findings.is_empty() {
        return writeln!(out, "\nNo findings.");
    }
    writeln!(out, "\n## Findings\n")?;
    writeln!(out, "| ID | Severity | Check | Accounts | What and why |")?;
    writeln!(out, "|---|---|---|---|---|")?;
    for f in &audit.findings {
        let accounts: Vec<String> = finding_accounts(audit, f)
            .iter()
            .map(|a| escape(a))
            .collect();
        writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            f.id,
            f.severity,
            f.check.as_str().replace('_', " "),
            accounts.join("<br>"),
            escape(&f.message)
        )?;
    }
    for credit in super::markup::credits(audit) {
        writeln!(out, "\n_{}_", escape(&credit))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(escape("a|b"), "a\\|b");
        assert_eq!(escape("<img src=x>"), "&lt;img src=x&gt;");
        assert_eq!(escape("[x](javascript:y)"), "\\[x\\](javascript:y)");
        assert_eq!(escape("line\nbreak"), "line break");
    }
}
