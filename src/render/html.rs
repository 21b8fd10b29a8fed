//! `--format html`: one self-contained page (inline CSS, no scripts, no
//! external resources) to open in a browser or attach to an email. Every
//! value is HTML-escaped; a restrictive CSP forbids scripts even so.

use std::io::{self, Write};

use super::markup::{account_name, finding_accounts, severity_counts, verdict};
use super::sanitize::html as esc;
use crate::report::{Audit, CheckStatus, Severity};

const STYLE: &str = "
body{font:15px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1d2330}
h1{font-size:1.5rem;margin-bottom:.2rem}h2{font-size:1.15rem;margin-top:2rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border-bottom:1px solid #dde2ea;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f5f8;font-weight:600}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.sev{display:inline-block;border-radius:.25rem;padding:0 .4rem;font-size:.8rem;font-weight:600;color:#fff}
.critical{background:#7b1fa2}.high{background:#c62828}.medium{background:#ef8f00}.low{background:#0277bd}.info{background:#78909c}
.verdict{font-weight:600;padding:.5rem .75rem;border-radius:.3rem;background:#f3f5f8}
.pass{border-left:4px solid #2e7d32}.fail{border-left:4px solid #c62828}.incomplete{border-left:4px solid #ef8f00}
.muted{color:#5d6778;font-size:.9rem}ul{margin:.3rem 0}
";

pub fn render(audit: &Audit, out: &mut dyn Write) -> io::Result<()> {
    let s = &audit.summary;
    let verdict_class = s.verdict.status.as_str();
    write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\
<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
<title>vaultlint audit</title><style>{STYLE}</style></head><body>\n"
    )?;
    writeln!(
        out,
        "<h1>vaultlint audit</h1><p class=\"muted\">{} {} &middot; {} &middot; {} export(s), {} accounts, {} finding(s)</p>",
        esc(&audit.tool.name),
        esc(&audit.tool.version),
        esc(&audit.generated_at),
        audit.sources.len(),
        s.accounts,
        s.findings
    )?;
    let counts: Vec<String> = severity_counts(audit)
        .iter()
        .map(|(sev, n)| format!("<span class=\"sev {sev}\">{n} {sev}</span>"))
        .collect();
    writeln!(
        out,
        "<p class=\"verdict {verdict_class}\">{} {}</p>",
        esc(&verdict(audit)),
        counts.join(" ")
    )?;
    let changes: String = super::changes::lines(audit)
        .iter()
        .map(|l| format!("<li>{}</li>", esc(l)))
        .collect();
    if !changes.is_empty() {
        writeln!(out, "<ul class=\"changes\">{changes}</ul>")?;
    }

    let notes: Vec<String> = audit
        .checks
        .iter()
        .filter(|c| c.status != CheckStatus::Complete)
        .map(|c| {
            format!(
                "<li>check <code>{}</code> {}: {}</li>",
                c.check.as_str(),
                if c.status == CheckStatus::Skipped {
                    "skipped"
                } else {
                    "<strong>incomplete</strong> (results unknown, not safe)"
                },
                esc(c.note.as_deref().unwrap_or(""))
            )
        })
        .collect();
    let mut notes = notes;
    for c in &audit.checks {
        for w in &c.warnings {
            notes.push(format!(
                "<li>check <code>{}</code>: {}</li>",
                c.check.as_str(),
                esc(w)
            ));
        }
    }
    if !notes.is_empty() {
        writeln!(out, "<ul>{}</ul>", notes.concat())?;
    }

    writeln!(
        out,
        "<h2>Exports</h2><table><tr><th>Member</th><th>File</th><th>Format</th><th class=\"n\">Rows</th><th class=\"n\">Accounts</th><th class=\"n\">Skipped</th><th class=\"n\">In trash</th><th>Notes</th></tr>"
    )?;
    for src in &audit.sources {
        let mut notes = vec![esc(&super::markup::row_breakdown(src))];
        notes.extend(
            src.skipped_rows
                .iter()
                .map(|k| format!("line {}: {}", k.line, esc(&k.reason))),
        );
        notes.extend(src.warnings.iter().map(|w| esc(w)));
        writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
            esc(&src.member),
            esc(&src.path),
            esc(&src.format),
            src.rows,
            src.accounts,
            src.skipped,
            src.deleted,
            notes.join("<br>")
        )?;
    }
    writeln!(out, "</table>")?;

    writeln!(
        out,
        "<h2>Members</h2><table><tr><th>Member</th><th class=\"n\">Accounts</th>"
    )?;
    for sev in Severity::ALL {
        write!(out, "<th class=\"n\">{sev}</th>")?;
    }
    writeln!(out, "</tr>")?;
    for m in &s.members {
        write!(
            out,
            "<tr><td>{}</td><td class=\"n\">{}</td>",
            esc(&m.member),
            m.accounts
        )?;
        for sev in Severity::ALL {
            write!(
                out,
                "<td class=\"n\">{}</td>",
                m.findings.get(&sev).copied().unwrap_or(0)
            )?;
        }
        writeln!(out, "</tr>")?;
    }
    writeln!(out, "</table>")?;

    writeln!(out, "<h2>Findings</h2>")?;
    if audit.findings.is_empty() {
        writeln!(out, "<p>No findings.</p>")?;
    } else {
        writeln!(
            out,
            "<table><tr><th>ID</th><th>Severity</th><th>Check</th><th>Accounts</th><th>What and why</th></tr>"
        )?;
        for f in &audit.findings {
            let accounts: Vec<String> = finding_accounts(audit, f).iter().map(|a| esc(a)).collect();
            writeln!(
                out,
                "<tr id=\"{}\"><td>{}</td><td><span class=\"sev {}\">{}</span></td><td>{}</td><td>{}</td><td>{}</td></tr>",
                f.id,
                f.id,
                f.severity,
                f.severity,
                f.check.as_str().replace('_', " "),
                accounts.join("<br>"),
                esc(&f.message)
            )?;
        }
        writeln!(out, "</table>")?;
    }

    writeln!(
        out,
        "<h2>Accounts</h2><table><tr><th>ID</th><th>Member</th><th>Account</th><th>Domain</th><th>Username</th><th>2FA</th><th>Findings</th></tr>"
    )?;
    for a in &audit.accounts {
        let links: Vec<String> = a
            .findings
            .iter()
            .map(|id| format!("<a href=\"#{id}\">{id}</a>"))
            .collect();
        writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            a.id,
            esc(&a.member),
            esc(&account_name(a)),
            esc(a.domain.as_deref().unwrap_or("")),
            esc(&a.username),
            if a.has_totp { "yes" } else { "" },
            links.join(" ")
        )?;
    }
    writeln!(out, "</table>")?;
    for (credit, d) in super::markup::credits(audit)
        .iter()
        .zip(&audit.data_sources)
    {
        writeln!(
            out,
            "<footer class=\"muted\"><p>{} &middot; <a href=\"{}\">{}</a></p></footer>",
            esc(credit),
            esc(&d.url),
            esc(&d.url)
        )?;
    }
    writeln!(out, "</body></html>")
}
