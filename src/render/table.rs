//! The default terminal report, readable at 80 columns: a summary, the
//! per-member and recovery-readiness tables, then what to fix first (the top
//! plan items per member). `--all` shows the whole plan and every finding.
//! Prose is never squeezed into table columns: an item or a finding is a
//! one-line header and a full-width wrapped paragraph under it, as rustc and
//! cargo-audit print diagnostics. Every value from the export is sanitised.

use std::io::{self, Write};

use comfy_table::{
    Attribute, Cell, Color, ContentArrangement, Table, presets::UTF8_FULL_CONDENSED,
};

use super::Style;
use super::markup::{account, account_name, plural};
use super::sanitize::{terminal, truncate};
use crate::report::{Audit, CheckStatus, Finding, PlanItem, Severity};

/// Plan items shown per member by default.
pub const TOP_PER_MEMBER: usize = 10;

/// Where prose paragraphs start.
const INDENT: &str = "    ";

fn severity_color(s: Severity) -> Color {
    match s {
        Severity::Critical => Color::Magenta,
        Severity::High => Color::Red,
        Severity::Medium => Color::Yellow,
        Severity::Low => Color::Cyan,
        Severity::Info => Color::Grey,
    }
}

/// Colours the first occurrence of the severity's name in `line` (the
/// header is cut to the width first, so colour codes never count as columns).
fn paint(line: String, sev: Severity, style: Style) -> String {
    let name = sev.as_str();
    let Some(k) = line.find(name).filter(|_| style.color) else {
        return line;
    };
    let code = match sev {
        Severity::Critical => "1;35",
        Severity::High => "1;31",
        Severity::Medium => "1;33",
        Severity::Low => "1;36",
        Severity::Info => "1;37",
    };
    format!(
        "{}\x1b[{code}m{name}\x1b[0m{}",
        &line[..k],
        &line[k + name.len()..]
    )
}

fn width(style: Style) -> usize {
    usize::from(style.width.unwrap_or(80)).max(40)
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

/// `text` (already sanitised) wrapped to the width: the first line starts
/// with `first`, the next ones with `rest`. Words are never split at hyphens
/// (dates stay whole); a word longer than a line is cut.
fn wrapped(text: &str, first: &str, rest: &str, style: Style) -> Vec<String> {
    let options = textwrap::Options::new(width(style))
        .initial_indent(first)
        .subsequent_indent(rest)
        .word_splitter(textwrap::WordSplitter::NoHyphenation);
    textwrap::wrap(text, options)
        .into_iter()
        .map(|l| l.into_owned())
        .collect()
}

fn write_wrapped(
    out: &mut dyn Write,
    text: &str,
    first: &str,
    rest: &str,
    style: Style,
) -> io::Result<()> {
    for line in wrapped(text, first, rest, style) {
        writeln!(out, "{line}")?;
    }
    Ok(())
}

/// Writes `text` (already sanitised) as a paragraph indented under its
/// header line.
fn paragraph(out: &mut dyn Write, text: &str, style: Style) -> io::Result<()> {
    write_wrapped(out, text, INDENT, INDENT, style)
}

/// The first line: tool, exports, accounts, findings by severity.
fn headline(audit: &Audit, out: &mut dyn Write, style: Style) -> io::Result<()> {
    let s = &audit.summary;
    let counts: Vec<String> = super::markup::severity_counts(audit)
        .iter()
        .map(|(sev, n)| format!("{n} {sev}"))
        .collect();
    let text = format!(
        "{} {}: {}, {}, {}{}",
        audit.tool.name,
        audit.tool.version,
        plural(audit.sources.len(), "export", "exports"),
        plural(s.accounts, "account", "accounts"),
        plural(s.findings, "finding", "findings"),
        if counts.is_empty() {
            String::new()
        } else {
            format!(" ({})", counts.join(", "))
        }
    );
    write_wrapped(out, &text, "", "  ", style)
}

/// The plan's first three items, so that the report starts with what to
/// fix first: `Fix first: bob: Outlook, carol: iCloud, bob: PayPal (the plan
/// is below)`.
fn fix_first(audit: &Audit, out: &mut dyn Write, style: Style) -> io::Result<()> {
    if audit.plan.is_empty() {
        return Ok(());
    }
    let top: Vec<String> = audit
        .plan
        .iter()
        .take(3)
        .map(|i| format!("{}: {}", terminal(&i.member), terminal(&i.name)))
        .collect();
    let text = format!("Fix first: {} (the plan is below)", top.join(", "));
    write_wrapped(out, &text, "", "  ", style)
}

/// Each export, what became of its rows, and its warnings.
fn sources(audit: &Audit, out: &mut dyn Write, style: Style) -> io::Result<()> {
    for src in &audit.sources {
        let text = format!(
            "{} [{}] {}: {}",
            terminal(&src.member),
            src.format,
            terminal(&src.path),
            super::markup::row_breakdown(src),
        );
        write_wrapped(out, &text, "  ", INDENT, style)?;
        for skip in &src.skipped_rows {
            let text = format!("skipped line {}: {}", skip.line, terminal(&skip.reason));
            write_wrapped(out, &text, INDENT, "      ", style)?;
        }
        for w in &src.warnings {
            write_wrapped(
                out,
                &format!("warning: {}", terminal(w)),
                INDENT,
                "      ",
                style,
            )?;
        }
    }
    Ok(())
}

/// Accepted risks, policy problems, and checks that did not run or finish.
fn notes(audit: &Audit, out: &mut dyn Write, style: Style) -> io::Result<()> {
    let s = &audit.summary;
    let mut lines = Vec::new();
    if !s.suppressed.is_empty() {
        lines.push(format!(
            "{} by the policy (listed in JSON)",
            plural(
                s.suppressed.len(),
                "finding accepted as a known risk",
                "findings accepted as known risks"
            )
        ));
    }
    for w in &s.policy_warnings {
        lines.push(format!("policy: {}", terminal(w)));
    }
    for c in &audit.checks {
        for w in &c.warnings {
            lines.push(format!(
                "check {}: warning: {}",
                c.check.as_str(),
                terminal(w)
            ));
        }
        let note = terminal(c.note.as_deref().unwrap_or(""));
        match c.status {
            CheckStatus::Complete => {}
            CheckStatus::Skipped => {
                lines.push(format!("check {} skipped: {note}", c.check.as_str()))
            }
            CheckStatus::Incomplete => lines.push(format!(
                "check {} INCOMPLETE (results unknown, not safe): {note}",
                c.check.as_str(),
            )),
        }
    }
    // Scheduled runs: how a merge was made, what changed since the baseline.
    lines.extend(super::changes::lines(audit).iter().map(|l| terminal(l)));
    for line in lines {
        write_wrapped(out, &line, "  ", INDENT, style)?;
    }
    Ok(())
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
        "Recovery readiness\n{t}\nReady: share of 2FA accounts whose backup codes are saved (can't tell: not)."
    )
}

/// Each member (in report order) with their plan items, in plan order.
fn plan_by_member(audit: &Audit) -> Vec<(&str, Vec<&PlanItem>)> {
    let mut members: Vec<(&str, Vec<&PlanItem>)> = audit
        .summary
        .members
        .iter()
        .map(|m| (m.member.as_str(), Vec::new()))
        .collect();
    for item in &audit.plan {
        match members.iter_mut().find(|(m, _)| **m == *item.member) {
            Some((_, items)) => items.push(item),
            None => members.push((&item.member, vec![item])),
        }
    }
    members
}

/// One plan item: `1. critical  Outlook  [hub, reused, weak]`, then what to
/// do as a paragraph.
fn plan_item(
    out: &mut dyn Write,
    n: usize,
    item: &PlanItem,
    style: Style,
    with_ids: bool,
) -> io::Result<()> {
    let stakes: Vec<String> = item
        .stakes
        .iter()
        .map(|s| s.as_str().replace('_', " "))
        .collect();
    let head = format!(
        "{n:>2}. {:<8}  {}  [{}]",
        item.severity.as_str(),
        terminal(&item.name),
        stakes.join(", ")
    );
    let head = paint(truncate(&head, width(style)), item.severity, style);
    writeln!(out, "{head}")?;
    let what = item
        .summary
        .strip_prefix(&format!("{}: ", item.name))
        .unwrap_or(&item.summary);
    let mut text = terminal(&capitalize(what));
    text.push('.');
    if with_ids {
        let ids: Vec<String> = item.findings.iter().map(ToString::to_string).collect();
        text.push_str(&format!(" ({})", ids.join(", ")));
    }
    paragraph(out, &text, style)
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `alice: 8 of 11 accounts to fix (top 8; findings: 7 high, 2 low)`.
/// An item for a recovery mailbox that is not in the exports is not one of
/// the member's accounts: it is counted apart.
fn member_heading(audit: &Audit, member: &str, items: &[&PlanItem], shown: usize) -> String {
    let outside = items.iter().filter(|i| i.account.is_none()).count();
    let in_exports = items.len() - outside;
    let shown = shown.min(items.len());
    let items = in_exports;
    let summary = audit.summary.members.iter().find(|m| m.member == member);
    let accounts = summary.map_or(items, |m| m.accounts);
    let counts: Vec<String> = summary
        .map(|m| {
            Severity::ALL
                .iter()
                .filter_map(|sev| {
                    let n = m.findings.get(sev).copied().unwrap_or(0);
                    (n > 0).then(|| format!("{n} {sev}"))
                })
                .collect()
        })
        .unwrap_or_default();
    let findings = if counts.is_empty() {
        "no findings".to_owned()
    } else {
        format!("findings: {}", counts.join(", "))
    };
    let mut fix = if items == 0 {
        format!(
            "nothing to fix in {}",
            plural(accounts, "account", "accounts")
        )
    } else {
        format!(
            "{items} of {} to fix",
            plural(accounts, "account", "accounts")
        )
    };
    if outside > 0 {
        fix.push_str(&format!(
            ", and {} outside the exports",
            plural(outside, "recovery mailbox", "recovery mailboxes")
        ));
    }
    let top = if shown < items + outside {
        format!("top {shown} shown; ")
    } else {
        String::new()
    };
    format!("{}: {fix} ({top}{findings})", terminal(member))
}

/// What to fix first: each member's top items (all of them with `--all`).
fn plan(audit: &Audit, out: &mut dyn Write, style: Style) -> io::Result<()> {
    if audit.plan.is_empty() {
        writeln!(out, "\nNothing to fix: no account needs work.")?;
    } else {
        let outside = audit.plan.iter().filter(|i| i.account.is_none()).count();
        let accounts = audit.plan.len() - outside;
        let what = match (accounts, outside) {
            (_, 0) => plural(accounts, "account needs work", "accounts need work"),
            (0, _) => plural(
                outside,
                "recovery mailbox needs work",
                "recovery mailboxes need work",
            ),
            _ => format!(
                "{} and {} need work",
                plural(accounts, "account", "accounts"),
                plural(outside, "recovery mailbox", "recovery mailboxes")
            ),
        };
        writeln!(out, "\nWhat to fix first: {what}, most at stake first")?;
    }
    for (member, items) in plan_by_member(audit) {
        let shown = if style.all {
            items.len()
        } else {
            items.len().min(TOP_PER_MEMBER)
        };
        writeln!(out)?;
        let heading = member_heading(audit, member, &items, shown);
        write_wrapped(out, &heading, "", "  ", style)?;
        for (k, item) in items.iter().take(shown).enumerate() {
            plan_item(out, k + 1, item, style, style.all)?;
        }
    }
    Ok(())
}

/// `bob: Outlook and 3 more`: the accounts a finding names, for its header.
fn finding_subject(audit: &Audit, f: &Finding) -> String {
    let names: Vec<String> = f
        .accounts
        .iter()
        .filter_map(|&id| account(audit, id))
        .map(|a| format!("{}: {}", a.member, account_name(a)))
        .collect();
    match names.len() {
        0 => String::new(),
        1 => names[0].clone(),
        n => format!("{} and {} more", names[0], n - 1),
    }
}

/// Every finding: a header (severity, member: account, check, id) and its
/// message as a paragraph.
fn findings(audit: &Audit, out: &mut dyn Write, style: Style) -> io::Result<()> {
    if audit.findings.is_empty() {
        return writeln!(out, "\nNo findings.");
    }
    writeln!(
        out,
        "\nAll {}",
        plural(audit.findings.len(), "finding", "findings")
    )?;
    for f in &audit.findings {
        writeln!(out)?;
        let head = format!(
            "{} {} ({}, {})",
            f.severity.as_str(),
            terminal(&finding_subject(audit, f)),
            f.check.as_str().replace('_', " "),
            f.id
        );
        let head = paint(truncate(&head, width(style)), f.severity, style);
        writeln!(out, "{head}")?;
        paragraph(out, &terminal(&f.message), style)?;
    }
    Ok(())
}

/// The lockout drill (with `--all`): per member, one row per scenario,
/// then the top actions. The default view stays two screens long.
fn drill(audit: &Audit, out: &mut dyn Write, style: Style) -> io::Result<()> {
    let Some(drill) = &audit.drill else {
        return Ok(());
    };
    writeln!(
        out,
        "\nLockout drill: what each loss locks out (chains: --format json)"
    )?;
    for m in &drill.members {
        let mut t = new_table(style);
        header(
            &mut t,
            &[
                &format!("{}: scenario", terminal(&m.member)),
                "Locked out",
                "Reachable",
                "Can't tell",
            ],
        );
        for s in &m.scenarios {
            t.add_row(vec![
                Cell::new(terminal(&s.name)),
                Cell::new(s.locked_out.len()),
                Cell::new(s.reachable),
                Cell::new(s.cannot_tell),
            ]);
        }
        writeln!(out, "{t}")?;
        for (k, a) in m.actions.iter().enumerate() {
            let text = format!(
                "{}. {}: saves {} ({})",
                k + 1,
                terminal(&a.action),
                plural(a.accounts_saved, "account", "accounts"),
                terminal(&a.scenario)
            );
            write_wrapped(out, &text, INDENT, INDENT, style)?;
        }
    }
    Ok(())
}

/// How to see what the default view leaves out.
fn more(audit: &Audit, out: &mut dyn Write, style: Style) -> io::Result<()> {
    if style.all || audit.findings.is_empty() {
        return Ok(());
    }
    let hidden: usize = plan_by_member(audit)
        .iter()
        .map(|(_, items)| items.len().saturating_sub(TOP_PER_MEMBER))
        .sum();
    let also = if hidden > 0 {
        format!(
            " and the other {}",
            plural(hidden, "account to fix", "accounts to fix")
        )
    } else {
        String::new()
    };
    let text = format!(
        "All {}{also}: --all, or --format html -o report.html (or json).",
        plural(audit.findings.len(), "finding", "findings"),
    );
    writeln!(out)?;
    write_wrapped(out, &text, "", "", style)
}

pub fn render(audit: &Audit, out: &mut dyn Write, style: Style) -> io::Result<()> {
    headline(audit, out, style)?;
    fix_first(audit, out, style)?;
    sources(audit, out, style)?;
    notes(audit, out, style)?;
    writeln!(out)?;
    readiness(audit, out, style)?;
    plan(audit, out, style)?;
    if style.all {
        drill(audit, out, style)?;
        findings(audit, out, style)?;
    }
    more(audit, out, style)?;
    for credit in super::markup::credits(audit) {
        writeln!(out)?;
        write_wrapped(out, &terminal(&credit), "", "", style)?;
    }
    writeln!(out)?;
    write_wrapped(
        out,
        &terminal(&super::markup::verdict(audit)),
        "",
        "",
        style,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn style(color: bool) -> Style {
        Style {
            color,
            width: Some(40),
            all: false,
        }
    }

    #[test]
    fn paragraphs_wrap_to_the_width_without_splitting_dates() {
        let text = "Change the password (leaked in the Facebook Marketplace breach of 2023-10-01), then more.";
        let lines = wrapped(text, INDENT, INDENT, style(false));
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|l| l.chars().count() <= 40), "{lines:?}");
        assert!(lines.iter().all(|l| l.starts_with(INDENT)));
        assert!(lines.iter().any(|l| l.contains("2023-10-01")), "{lines:?}");
    }

    #[test]
    fn only_the_severity_is_coloured_and_only_when_asked() {
        let line = " 1. high      PayPal  [money]".to_owned();
        assert_eq!(paint(line.clone(), Severity::High, style(false)), line);
        let painted = paint(line, Severity::High, style(true));
        assert_eq!(painted, " 1. \x1b[1;31mhigh\x1b[0m      PayPal  [money]");
    }
}
