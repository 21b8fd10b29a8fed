//! The default terminal report: a per-member summary and a findings table,
//! readable at 80 columns. Every value from the export is sanitised first.

use std::io::{self, Write};

use comfy_table::{
    Attribute, Cell, Color, ContentArrangement, Table, presets::UTF8_FULL_CONDENSED,
};

use super::Style;
use super::sanitize::{terminal, truncate};
use crate::report::{Audit, CheckStatus, Severity};

fn severity_color(s: Severity) -> Color {
    match s {
        Severity::Critical => Color::Magenta,
        Severity::High => Color::Red,
        Severity::Medium => Color::Yellow,
        Severity::Low => Color::Cyan,
        Severity::Info => Color::Grey,
    }
}

fn new_table(style: Style) -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(style.width.unwrap_or(80));
    if style.color {
        t.enforce_styling();
    } else {
        t.force_no_tty();
    }
    t
}

fn header(t: &mut Table, names: &[&str]) {
    t.set_header(
        names
            .iter()
            .map(|n| Cell::new(n).add_attribute(Attribute::Bold)),
    );
}

/// The per-member recovery readiness table (when the recovery check ran).
fn readiness(audit: &Audit, out: &mut dyn Write, style: Style) -> io::Result<()> {
    if audit.summary.readiness.is_empty() {
        return Ok(());
    }
    let mut t = new_table(style);
    header(
        &mut t,
        &[
            "Member",
            "2FA on",
            "Codes saved",
            "Lockout risk",
            "Can't tell",
            "2FA offered",
            "Hubs",
            "Ready",
        ],
    );
    for m in &audit.summary.readiness {
        let mut risk = Cell::new(m.lockout_risk);
        if m.lockout_risk > 0 && style.color {
            risk = risk.fg(severity_color(Severity::High));
        }
        t.add_row(vec![
            Cell::new(terminal(&m.member)),
            Cell::new(m.two_factor),
            Cell::new(m.codes_saved),
            risk,
            Cell::new(m.codes_unknown),
            Cell::new(m.two_factor_available),
            Cell::new(if m.hubs_at_risk > 0 {
                format!("{}, {} at risk", m.hubs, m.hubs_at_risk)
            } else {
                m.hubs.to_string()
            }),
            Cell::new(
                m.readiness_percent
                    .map_or_else(|| "-".to_owned(), |p| format!("{p}%")),
            ),
        ]);
    }
    writeln!(
        out,
        "\nRecovery readiness\n{t}\nReady: share of the accounts with 2FA whose backup codes are saved (can't tell counts as not saved)."
    )
}

pub fn render(audit: &Audit, out: &mut dyn Write, style: Style) -> io::Result<()> {
    let s = &audit.summary;
    let counts: Vec<String> = Severity::ALL
        .iter()
        .filter_map(|sev| {
            let n = s.by_severity.get(sev).copied().unwrap_or(0);
            (n > 0).then(|| format!("{n} {sev}"))
        })
        .collect();
    writeln!(
        out,
        "{} {}: {} export{}, {} accounts, {} finding{}{}",
        audit.tool.name,
        audit.tool.version,
        audit.sources.len(),
        if audit.sources.len() == 1 { "" } else { "s" },
        s.accounts,
        s.findings,
        if s.findings == 1 { "" } else { "s" },
        if counts.is_empty() {
            String::new()
        } else {
            format!(" ({})", counts.join(", "))
        }
    )?;

    for src in &audit.sources {
        writeln!(
            out,
            "  {} [{}] {}: {}",
            terminal(&src.member),
            src.format,
            terminal(&src.path),
            super::markup::row_breakdown(src),
        )?;
        for skip in &src.skipped_rows {
            writeln!(
                out,
                "    skipped line {}: {}",
                skip.line,
                terminal(&skip.reason)
            )?;
        }
        for w in &src.warnings {
            writeln!(out, "    warning: {}", terminal(w))?;
        }
    }
    if !s.suppressed.is_empty() {
        writeln!(
            out,
            "  {} finding(s) accepted as known risks by the policy (listed in JSON)",
            s.suppressed.len()
        )?;
    }
    for w in &s.policy_warnings {
        writeln!(out, "  policy: {}", terminal(w))?;
    }
    for c in &audit.checks {
        for w in &c.warnings {
            writeln!(
                out,
                "  check {}: warning: {}",
                c.check.as_str(),
                terminal(w)
            )?;
        }
        match c.status {
            CheckStatus::Complete => {}
            CheckStatus::Skipped => writeln!(
                out,
                "  check {} skipped: {}",
                c.check.as_str(),
                terminal(c.note.as_deref().unwrap_or(""))
            )?,
            CheckStatus::Incomplete => writeln!(
                out,
                "  check {} INCOMPLETE (results unknown, not safe): {}",
                c.check.as_str(),
                terminal(c.note.as_deref().unwrap_or(""))
            )?,
        }
    }
    for line in super::changes::lines(audit) {
        writeln!(out, "  {}", terminal(&line))?;
    }
    writeln!(out)?;

    let mut members = new_table(style);
    header(
        &mut members,
        &[
            "Member", "Accounts", "Critical", "High", "Medium", "Low", "Info",
        ],
    );
    for m in &s.members {
        let mut row = vec![Cell::new(terminal(&m.member)), Cell::new(m.accounts)];
        for sev in Severity::ALL {
            let n = m.findings.get(&sev).copied().unwrap_or(0);
            let mut cell = Cell::new(n);
            if n > 0 && style.color {
                cell = cell.fg(severity_color(sev));
            }
            row.push(cell);
        }
        members.add_row(row);
    }
    writeln!(out, "{members}")?;
    readiness(audit, out, style)?;

    if audit.findings.is_empty() {
        writeln!(out, "\nNo findings.")?;
    } else {
        let mut t = new_table(style);
        header(&mut t, &["Severity", "Check", "Accounts", "What and why"]);
        for f in &audit.findings {
            let names: Vec<String> = f
                .accounts
                .iter()
                .filter_map(|id| {
                    let a = super::markup::account(audit, id)?;
                    Some(format!(
                        "{}: {}",
                        terminal(&a.member),
                        truncate(&terminal(&super::markup::account_name(a)), 24)
                    ))
                })
                .collect();
            let shown = if names.len() > 6 {
                format!("{}\n… and {} more", names[..6].join("\n"), names.len() - 6)
            } else {
                names.join("\n")
            };
            let mut sev = Cell::new(format!("{}\n{}", f.severity, f.id));
            if style.color {
                sev = sev
                    .fg(severity_color(f.severity))
                    .add_attribute(Attribute::Bold);
            }
            t.add_row(vec![
                sev,
                Cell::new(f.check.as_str().replace('_', " ")),
                Cell::new(shown),
                Cell::new(terminal(&f.message)),
            ]);
        }
        writeln!(out, "\n{t}")?;
    }

    for credit in super::markup::credits(audit) {
        writeln!(out, "\n{}", terminal(&credit))?;
    }
    writeln!(out, "\n{}", terminal(&super::markup::verdict(audit)))
}
