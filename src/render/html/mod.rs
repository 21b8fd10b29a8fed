//! `--format html`: the health page. One self-contained file (inline CSS and
//! SVG, no script, no external resource, and a CSP that forbids them anyway)
//! to open in a browser, print, or attach to an email; readable on a phone.
//!
//! Top to bottom: what was not checked (banners), a health summary per
//! member (grade, category cards, recovery readiness), charts, the
//! fix-first plan, the details per check, every account, and a small
//! technical footer (verdict and exit code, exports, credits). Every value
//! is HTML-escaped.

mod graph;
mod health;
mod plan;
mod svg;

use std::io::{self, Write};

use self::health::{Coverage, MemberHealth};
use self::svg::{Series, Stacked};
use super::markup::{account, account_name, credits, plural, row_breakdown, verdict};
use super::sanitize::html as esc;
use crate::report::{
    AccountReport, Audit, CheckId, CheckStatus, Finding, FindingKind, MemberReadiness,
    VerdictStatus,
};

const STYLE: &str = include_str!("style.css");

/// Findings of a check shown before the rest are folded.
const FINDINGS_SHOWN: usize = 10;
/// Accounts a finding lists before they are folded.
const ACCOUNTS_SHOWN: usize = 6;
/// A member's account list is folded above this many accounts.
const ACCOUNTS_OPEN: usize = 12;

pub fn render(audit: &Audit, out: &mut dyn Write) -> io::Result<()> {
    let members = health::members(audit);
    head(out)?;
    header(audit, &members, out)?;
    banners(audit, out)?;
    changes(audit, out)?;
    summary(audit, &members, out)?;
    charts(audit, &members, out)?;
    plan::section(audit, &members, out)?;
    drill(audit, out)?;
    details(audit, out)?;
    accounts(audit, &members, out)?;
    footer(audit, out)?;
    writeln!(out, "</body></html>")
}

fn head(out: &mut dyn Write) -> io::Result<()> {
    write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\
<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
<title>Vault health report</title><style>\n{STYLE}</style></head><body>\n"
    )
}

/// The title, what was audited, and the outcome in plain words.
fn header(audit: &Audit, members: &[MemberHealth], out: &mut dyn Write) -> io::Result<()> {
    let s = &audit.summary;
    writeln!(
        out,
        "<header><h1>Vault health report</h1><p class=\"muted\">{} &middot; {} &middot; checked <time datetime=\"{}\">{}</time></p>",
        plural(members.len(), "person", "people"),
        plural(s.accounts, "account", "accounts"),
        esc(&audit.generated_at),
        esc(&readable_time(&audit.generated_at)),
    )?;
    let failing = s.verdict.failing.len();
    let text = match s.verdict.status {
        VerdictStatus::Pass if s.findings == 0 => "Nothing to fix was found.".to_owned(),
        VerdictStatus::Pass => format!(
            "No serious problem found; {} to look at when you have time.",
            plural(s.findings, "smaller point", "smaller points")
        ),
        VerdictStatus::Fail => format!(
            "{} of {} severity or worse need attention.",
            plural(failing, "problem", "problems"),
            s.verdict.fail_on
        ),
        VerdictStatus::Incomplete => {
            "Not everything could be checked: what was not checked is unknown, not safe (see below)."
                .to_owned()
        }
    };
    writeln!(
        out,
        "<p class=\"status {}\">{}{}</p></header>",
        s.verdict.status.as_str(),
        esc(&text),
        if audit.plan.is_empty() {
            ""
        } else {
            " <a href=\"#plan\">Start with the plan</a>."
        }
    )
}

/// `2026-01-01T09:30:00Z` as `2026-01-01 09:30 UTC`; anything else as it is.
fn readable_time(rfc3339: &str) -> String {
    match rfc3339.as_bytes() {
        [date @ .., b'T', h1, h2, b':', m1, m2, b':', _, _, b'Z'] if date.len() == 10 => format!(
            "{} {}{}:{}{} UTC",
            &rfc3339[..10],
            *h1 as char,
            *h2 as char,
            *m1 as char,
            *m2 as char
        ),
        _ => rfc3339.to_owned(),
    }
}

/// The plain name of what a check looks at, for banners and headings.
fn topic(check: CheckId) -> &'static str {
    match check {
        CheckId::Reuse => "reused passwords",
        CheckId::Similar => "similar passwords",
        CheckId::Weak => "weak passwords",
        CheckId::Pwned => "breached passwords",
        CheckId::SiteBreach => "breached sites",
        CheckId::InsecureUrl => "insecure http:// sites",
        CheckId::Recovery => "2FA and backup codes",
        CheckId::PasskeyAvailable => "passkeys",
        CheckId::History => "old passwords",
        CheckId::Drill => "the lockout drill",
    }
}

/// What a check looks for, in plain words (not `CheckId::describe`, whose
/// examples are passwords of the sample exports).
fn looks_for(check: CheckId) -> &'static str {
    match check {
        CheckId::Reuse => "the same password on several accounts",
        CheckId::Similar => {
            "passwords one small tweak apart (a year changed, a letter swapped for a digit)"
        }
        CheckId::Weak => "passwords that are quick to guess",
        CheckId::Pwned => {
            "passwords that appear in known breaches (Have I Been Pwned, by a 5-character hash prefix)"
        }
        CheckId::SiteBreach => "accounts on sites breached since their password was set",
        CheckId::InsecureUrl => {
            "logins on plain http:// sites, where the password travels unencrypted"
        }
        CheckId::Recovery => {
            "2FA without saved backup codes, sites offering 2FA that is not on, and mailboxes that can reset other accounts"
        }
        CheckId::PasskeyAvailable => {
            "sites that let you sign in with a passkey instead of a password, where none is stored"
        }
        CheckId::History => {
            "passwords changed only by a small tweak of the old one, and retired passwords still used elsewhere"
        }
        CheckId::Drill => {
            "what each person loses with their phone, their password manager or a mailbox, and what saves the most"
        }
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// A banner for every check that did not run or did not finish (checks with
/// the same status and reason share one), the checks' warnings (inventory
/// lines matching no account, pairs a merged report could not compare...),
/// and a banner for export rows not read.
fn banners(audit: &Audit, out: &mut dyn Write) -> io::Result<()> {
    let mut groups: Vec<(CheckStatus, &str, Vec<String>)> = Vec::new();
    for c in audit
        .checks
        .iter()
        .filter(|c| c.status != CheckStatus::Complete)
    {
        let note = c.note.as_deref().unwrap_or("");
        match groups
            .iter_mut()
            .find(|(s, n, _)| *s == c.status && *n == note)
        {
            Some(g) => g.2.push(topic(c.check).to_owned()),
            None => groups.push((c.status, note, vec![topic(c.check).to_owned()])),
        }
    }
    for (status, note, topics) in &groups {
        let (what, then) = match status {
            CheckStatus::Skipped => (
                "not checked",
                "This page says nothing about them: unknown, not safe.",
            ),
            _ => (
                "only partly checked",
                "The accounts not checked are unknown, not safe.",
            ),
        };
        writeln!(
            out,
            "<p class=\"banner\" role=\"note\"><strong>{} were {what}.</strong> {}{} {then}</p>",
            esc(&capitalise(&crate::text::join_and(topics))),
            esc(&capitalise(note)),
            if note.is_empty() || note.ends_with('.') {
                ""
            } else {
                "."
            },
        )?;
    }
    let warnings: Vec<String> = audit
        .checks
        .iter()
        .flat_map(|c| {
            c.warnings.iter().map(move |w| {
                format!(
                    "<li><b>{}:</b> {}</li>",
                    esc(&capitalise(topic(c.check))),
                    esc(w)
                )
            })
        })
        .collect();
    if !warnings.is_empty() {
        writeln!(
            out,
            "<div class=\"notes\" role=\"note\"><ul>{}</ul></div>",
            warnings.concat()
        )?;
    }
    for src in audit.sources.iter().filter(|s| s.skipped > 0) {
        let lines: Vec<String> = src
            .skipped_rows
            .iter()
            .take(5)
            .map(|k| format!("line {}: {}", k.line, esc(&k.reason)))
            .collect();
        writeln!(
            out,
            "<p class=\"banner\" role=\"note\"><strong>{} of {}&#x27;s export could not be read and {} not checked.</strong> {}{}</p>",
            plural(src.skipped, "row", "rows"),
            esc(&src.member),
            if src.skipped == 1 { "was" } else { "were" },
            lines.join("; "),
            if src.skipped_rows.len() > 5 {
                " (all of them are listed at the end)"
            } else {
                ""
            }
        )?;
    }
    Ok(())
}

/// What changed since the baseline (`--baseline`) and how a merged report
/// was made (`vaultlint merge`), above the summary; nothing otherwise.
fn changes(audit: &Audit, out: &mut dyn Write) -> io::Result<()> {
    let lines: String = super::changes::lines(audit)
        .iter()
        .map(|l| format!("<li>{}</li>", esc(l)))
        .collect();
    if lines.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "<div class=\"notes changes\" role=\"note\"><ul>{lines}</ul></div>"
    )
}

/// The health summary: one card per member.
fn summary(audit: &Audit, members: &[MemberHealth], out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "<section id=\"health\" aria-label=\"Health summary\"><div class=\"members\">"
    )?;
    for (n, m) in members.iter().enumerate() {
        member_summary(audit, n, m, out)?;
    }
    writeln!(
        out,
        "</div><p class=\"muted\">{}</p></section>",
        esc(health::SCORE_RULE)
    )
}

fn member_summary(
    audit: &Audit,
    n: usize,
    m: &MemberHealth,
    out: &mut dyn Write,
) -> io::Result<()> {
    let (letter, score) = match m.grade {
        Some(g) => (
            g.letter.to_string(),
            format!(
                "score {} of 100{}",
                g.score,
                if g.capped {
                    " (held at D by a critical problem)"
                } else {
                    ""
                }
            ),
        ),
        None => ("–".to_owned(), "no accounts".to_owned()),
    };
    let todo = match (m.urgent, m.medium) {
        (0, 0) => "nothing urgent".to_owned(),
        (u, 0) => format!("{u} to fix now"),
        (0, s) => format!("{s} to fix soon"),
        (u, s) => format!("{u} to fix now, {s} soon"),
    };
    // Link to the member's checklist (the plan section numbers its headings alike).
    let todo = if !m.plan.is_empty() {
        format!("<a href=\"#plan-m{}\">{todo}</a>", n + 1)
    } else {
        todo
    };
    writeln!(
        out,
        "<article class=\"member-summary\" id=\"m{}\"><div class=\"member-head\"><span class=\"grade grade-{letter}\" aria-label=\"grade {letter}\">{letter}</span>\
<div><h3>{}</h3><p class=\"muted\">{} &middot; {score} &middot; {todo}</p></div></div>",
        n + 1,
        esc(&m.member),
        plural(m.accounts.len(), "account", "accounts"),
    )?;
    write!(out, "<ul class=\"cards\">")?;
    for (category, count) in &m.counts {
        let coverage = health::coverage(audit, *category);
        let (class, number, note) = match (coverage, *count) {
            (Coverage::NotChecked, _) => ("unknown", "?".to_owned(), ": not checked"),
            (Coverage::Partial, 0) => ("unknown", "?".to_owned(), ": only partly checked"),
            (Coverage::Partial, c) => ("unknown", format!("{c}+"), ": only partly checked"),
            (Coverage::Checked, 0) => ("", "0".to_owned(), ""),
            (Coverage::Checked, c) => ("bad", c.to_string(), ""),
        };
        write!(
            out,
            "<li class=\"card {class}\"><a href=\"#check-{}\" title=\"{}{note}\"><b>{number}</b>{}</a></li>",
            category.checks()[0].as_str(),
            esc(&capitalise(category.explain())),
            esc(category.label()),
        )?;
    }
    writeln!(out, "</ul>")?;
    let readiness = audit
        .summary
        .readiness
        .iter()
        .find(|r| r.member == m.member);
    writeln!(
        out,
        "<div class=\"ready\">{}</div></article>",
        readiness_line(audit, readiness)
    )
}

/// Recovery readiness as a bar and a sentence ("5 of 6 accounts with 2FA
/// have saved backup codes").
fn readiness_line(audit: &Audit, r: Option<&MemberReadiness>) -> String {
    let Some(r) = r else {
        return if health::status(audit, CheckId::Recovery) == CheckStatus::Skipped {
            "<p>Recovery readiness was not checked.</p>".to_owned()
        } else {
            "<p>No recovery readiness for this member.</p>".to_owned()
        };
    };
    if r.two_factor == 0 {
        let offered = if r.two_factor_available > 0 {
            format!(
                ", though {} offer it",
                plural(r.two_factor_available, "site", "sites")
            )
        } else {
            String::new()
        };
        return format!(
            "<p><b>Recovery:</b> no account has 2FA recorded{}.</p>",
            esc(&offered)
        );
    }
    let missing = r.two_factor.saturating_sub(r.codes_saved + r.codes_unknown);
    let mut text = format!(
        "{} of {} with 2FA {} saved backup codes",
        r.codes_saved,
        plural(r.two_factor, "account", "accounts"),
        if r.two_factor == 1 { "has" } else { "have" },
    );
    if r.codes_unknown > 0 {
        text.push_str(&format!(
            "; {} can't tell (the export does not show them)",
            r.codes_unknown
        ));
    }
    if r.lockout_risk > 0 {
        text.push_str(&format!(
            "; {} could lock you out",
            plural(r.lockout_risk, "account", "accounts")
        ));
    }
    if r.hubs_at_risk > 0 {
        text.push_str(&format!(
            "; {} at risk",
            plural(r.hubs_at_risk, "recovery mailbox", "recovery mailboxes")
        ));
    }
    format!(
        "<p><b>Recovery readiness:</b> {}.</p>{}",
        esc(&text),
        svg::bar(
            &[
                (r.codes_saved, "r-ok"),
                (r.codes_unknown, "r-unk"),
                (missing, "r-bad")
            ],
            &text
        )
    )
}

/// Charts: strength, findings per check, readiness; one bar per member.
fn charts(audit: &Audit, members: &[MemberHealth], out: &mut dyn Write) -> io::Result<()> {
    if members.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "<section id=\"charts\"><h2>At a glance</h2><div class=\"charts\">"
    )?;
    let strength = [
        Series {
            label: "very weak",
            class: "s0",
        },
        Series {
            label: "weak",
            class: "s1",
        },
        Series {
            label: "fair",
            class: "s2",
        },
        Series {
            label: "good",
            class: "s3",
        },
        Series {
            label: "strong",
            class: "s4",
        },
        Series {
            label: "not scored",
            class: "sn",
        },
    ];
    writeln!(
        out,
        "{}",
        svg::stacked(&Stacked {
            title: "Strength",
            caption: "how hard each password is to guess (zxcvbn score 0 to 4)",
            series: &strength,
            rows: members
                .iter()
                .map(|m| (m.member.clone(), m.strength.to_vec()))
                .collect(),
            unit: "accounts",
        })
    )?;
    // One colour per check (they repeat if there are ever more checks than colours).
    const CLASSES: [&str; 9] = ["k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8"];
    let by_check: Vec<Series> = CheckId::ALL
        .iter()
        .enumerate()
        .map(|(i, c)| Series {
            label: topic(*c),
            class: CLASSES[i % CLASSES.len()],
        })
        .collect();
    writeln!(
        out,
        "{}",
        svg::stacked(&Stacked {
            title: "Problems by check",
            caption: "findings that concern each member, by what found them",
            series: &by_check,
            rows: members
                .iter()
                .map(|m| (
                    m.member.clone(),
                    m.by_check.iter().map(|(_, n)| *n).collect()
                ))
                .collect(),
            unit: "findings",
        })
    )?;
    if !audit.summary.readiness.is_empty() {
        let series = [
            Series {
                label: "codes saved",
                class: "r-ok",
            },
            Series {
                label: "can't tell",
                class: "r-unk",
            },
            Series {
                label: "codes missing",
                class: "r-bad",
            },
        ];
        writeln!(
            out,
            "{}",
            svg::stacked(&Stacked {
                title: "Recovery readiness",
                caption: "accounts with 2FA: are their backup codes saved?",
                series: &series,
                rows: audit
                    .summary
                    .readiness
                    .iter()
                    .map(|r| {
                        let missing = r.two_factor.saturating_sub(r.codes_saved + r.codes_unknown);
                        (
                            r.member.clone(),
                            vec![r.codes_saved, r.codes_unknown, missing],
                        )
                    })
                    .collect(),
                unit: "with 2FA",
            })
        )?;
    }
    writeln!(out, "</div></section>")
}

/// The lockout drill per member: each scenario's counts, the accounts it
/// locks out with the chain that explains it (folded), and the actions that
/// save the most, and the dependency graph drawn per scenario (`graph.rs`).
fn drill(audit: &Audit, out: &mut dyn Write) -> io::Result<()> {
    let Some(drill) = &audit.drill else {
        return Ok(());
    };
    writeln!(
        out,
        "<section id=\"drill\"><h2>Lockout drill: what a loss would cost</h2>"
    )?;
    for m in &drill.members {
        writeln!(out, "<h3>{}</h3>", esc(&m.member))?;
        writeln!(
            out,
            "<div class=\"scroll\"><table><tr><th>If this is lost</th><th>Locked out</th><th>Still reachable</th><th>Can't tell</th></tr>"
        )?;
        for s in &m.scenarios {
            writeln!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&s.name),
                s.locked_out.len(),
                s.reachable,
                s.cannot_tell
            )?;
        }
        writeln!(out, "</table></div>")?;
        writeln!(out, "{}", graph::member(m))?;
        for s in m.scenarios.iter().filter(|s| !s.locked_out.is_empty()) {
            writeln!(
                out,
                "<details><summary>{}: {} locked out</summary><ul>",
                esc(&capitalise(&s.name)),
                plural(s.locked_out.len(), "account", "accounts")
            )?;
            for l in &s.locked_out {
                writeln!(
                    out,
                    "<li><a href=\"#{}\">{}</a>: {}</li>",
                    esc(&l.account),
                    esc(&l.label),
                    esc(&l.chain.join(" → "))
                )?;
            }
            writeln!(out, "</ul></details>")?;
        }
        if !m.actions.is_empty() {
            writeln!(out, "<p>What saves the most:</p><ol>")?;
            for a in m.actions.iter().take(3) {
                writeln!(
                    out,
                    "<li>{} (saves {} if the {} happens)</li>",
                    esc(&capitalise(&a.action)),
                    plural(a.accounts_saved, "account", "accounts"),
                    esc(&a.scenario)
                )?;
            }
            writeln!(out, "</ol>")?;
        }
    }
    writeln!(out, "</section>")
}

/// A finding kind in plain words (the label of links to it).
fn kind_label(kind: FindingKind) -> &'static str {
    match kind {
        FindingKind::Reuse => "same password",
        FindingKind::ReuseAcrossMembers => "same password across members",
        FindingKind::Similar => "similar passwords",
        FindingKind::SimilarAcrossMembers => "similar across members",
        FindingKind::Weak => "weak password",
        FindingKind::Pwned => "breached password",
        FindingKind::LockoutRisk => "lockout risk",
        FindingKind::RecoveryUnknown => "backup codes unknown",
        FindingKind::TwoFactorAvailable => "2FA not turned on",
        FindingKind::RecoveryHub => "recovery mailbox",
        FindingKind::InsecureUrl => "http:// site",
        FindingKind::SiteBreach => "site breached",
        FindingKind::PasskeyAvailable => "passkey available",
        FindingKind::RotationByTweak => "changed by a small tweak",
        FindingKind::ReuseWithHistory => "old password reused",
        FindingKind::RecoveryCycle => "recovery depends on itself",
        FindingKind::SinglePointOfFailure => "one loss locks out many",
        FindingKind::CodesWithSeed => "codes kept with the 2FA seed",
        FindingKind::SmsOnly => "SMS is the only second factor",
    }
}

/// `member: account` (just `account` when the audit has one member), linked
/// to the account.
fn account_link(a: &AccountReport, one_member: bool) -> String {
    let member = if one_member {
        String::new()
    } else {
        format!("{}: ", esc(&a.member))
    };
    format!(
        "<a href=\"#{}\">{member}{}</a>",
        esc(&a.id),
        esc(&account_name(a))
    )
}

/// The details: every finding, grouped by the check that found it.
fn details(audit: &Audit, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "<section id=\"details\"><h2>Details by check</h2>")?;
    for &check in CheckId::ALL {
        let found: Vec<&Finding> = audit
            .findings
            .iter()
            .filter(|f| f.check.check() == check)
            .collect();
        writeln!(
            out,
            "<section id=\"check-{}\"><h3>{} <span class=\"muted\">({})</span></h3><p class=\"muted\">Looks for {}.</p>",
            check.as_str(),
            esc(&capitalise(topic(check))),
            plural(found.len(), "finding", "findings"),
            looks_for(check),
        )?;
        let status = health::status(audit, check);
        if found.is_empty() {
            writeln!(
                out,
                "<p>{}</p>",
                match status {
                    CheckStatus::Complete => "Nothing found.",
                    CheckStatus::Incomplete => "Nothing found in what could be checked.",
                    CheckStatus::Skipped => "Not checked.",
                }
            )?;
        }
        for f in found.iter().take(FINDINGS_SHOWN) {
            finding(audit, f, out)?;
        }
        if found.len() > FINDINGS_SHOWN {
            writeln!(
                out,
                "<details><summary>{}</summary>",
                plural(
                    found.len() - FINDINGS_SHOWN,
                    "more finding",
                    "more findings"
                )
            )?;
            for f in &found[FINDINGS_SHOWN..] {
                finding(audit, f, out)?;
            }
            writeln!(out, "</details>")?;
        }
        writeln!(out, "</section>")?;
    }
    writeln!(out, "</section>")
}

fn finding(audit: &Audit, f: &Finding, out: &mut dyn Write) -> io::Result<()> {
    let links: Vec<String> = f
        .accounts
        .iter()
        .filter_map(|id| account(audit, id))
        .map(|a| account_link(a, audit.summary.members.len() == 1))
        .collect();
    let who = if links.len() > ACCOUNTS_SHOWN {
        format!(
            "<details><summary>{}</summary>{}</details>",
            plural(links.len(), "account", "accounts"),
            links.join(", ")
        )
    } else {
        links.join(", ")
    };
    writeln!(
        out,
        "<article class=\"finding\" id=\"{}\"><p><span class=\"sev {}\">{}</span> <b>{}</b> &middot; {who}</p><p>{}</p></article>",
        esc(&f.id),
        f.severity,
        f.severity,
        kind_label(f.check),
        esc(&f.message)
    )
}

/// Every account, per member, each linking to its findings.
fn accounts(audit: &Audit, members: &[MemberHealth], out: &mut dyn Write) -> io::Result<()> {
    let by_account = health::findings_by_account(audit);
    let planned: std::collections::HashMap<&str, &crate::report::PlanItem> = audit
        .plan
        .iter()
        .filter_map(|p| Some((p.account.as_deref()?, p)))
        .collect();
    writeln!(out, "<section id=\"accounts\"><h2>All accounts</h2>")?;
    for m in members {
        let with = m
            .accounts
            .iter()
            .filter(|&&i| !by_account[i].is_empty())
            .count();
        writeln!(
            out,
            "<details{}><summary>{}: {}, {} with something to look at</summary><ul class=\"accounts\">",
            if m.accounts.len() <= ACCOUNTS_OPEN {
                " open"
            } else {
                ""
            },
            esc(&m.member),
            plural(m.accounts.len(), "account", "accounts"),
            with
        )?;
        for &i in &m.accounts {
            let a = &audit.accounts[i];
            let mut facts: Vec<String> = Vec::new();
            if let Some(d) = &a.domain {
                facts.push(esc(d));
            }
            if !a.username.is_empty() {
                facts.push(esc(&a.username));
            }
            if let Some(s) = &a.strength {
                facts.push(format!("strength {} of 4", s.score));
            }
            if a.has_totp {
                facts.push("2FA on".to_owned());
            }
            let mut tags: Vec<String> = planned
                .get(a.id.as_str())
                .map(|p| {
                    format!(
                        "<a href=\"#{}\">fix-first item {}</a>",
                        plan::anchor(p),
                        p.rank
                    )
                })
                .into_iter()
                .collect();
            tags.extend(by_account[i].iter().map(|f| {
                format!(
                    "<a href=\"#{}\"><span class=\"sev {}\">{}</span> {}</a>",
                    esc(&f.id),
                    f.severity,
                    f.severity,
                    kind_label(f.check)
                )
            }));
            writeln!(
                out,
                "<li id=\"{}\"><b>{}</b> <span class=\"muted\">{}</span><div class=\"tags\">{}</div></li>",
                esc(&a.id),
                esc(&account_name(a)),
                facts.join(" &middot; "),
                if tags.is_empty() {
                    "<span class=\"muted\">nothing found</span>".to_owned()
                } else {
                    tags.concat()
                }
            )?;
        }
        writeln!(out, "</ul></details>")?;
    }
    writeln!(out, "</section>")
}

/// The technical footer: verdict and exit code, threshold, tool, exports,
/// notes, credits.
fn footer(audit: &Audit, out: &mut dyn Write) -> io::Result<()> {
    let s = &audit.summary;
    writeln!(
        out,
        "<footer class=\"tech\"><h2>Technical details</h2><p class=\"verdict {}\">Verdict: {}; threshold --fail-on {}.</p>\
<p>{} {} &middot; generated {} &middot; the ids (F1&hellip;, A1&hellip;) are those of the JSON report.</p>",
        s.verdict.status.as_str(),
        esc(&verdict(audit)),
        s.fail_on,
        esc(&audit.tool.name),
        esc(&audit.tool.version),
        esc(&audit.generated_at),
    )?;
    writeln!(out, "<h3>Exports</h3><ul>")?;
    for src in &audit.sources {
        let mut notes = vec![esc(&row_breakdown(src))];
        notes.extend(
            src.skipped_rows
                .iter()
                .map(|k| format!("line {}: {}", k.line, esc(&k.reason))),
        );
        notes.extend(src.warnings.iter().map(|w| esc(w)));
        writeln!(
            out,
            "<li>{}: {} ({}, {}): {}</li>",
            esc(&src.member),
            esc(&src.path),
            esc(&src.format),
            esc(&src.encoding),
            notes.join("; ")
        )?;
    }
    writeln!(out, "</ul>")?;
    let mut notes: Vec<String> = Vec::new();
    for c in &audit.checks {
        if c.status != CheckStatus::Complete {
            notes.push(format!(
                "check {}: {}: {}",
                c.check.as_str(),
                if c.status == CheckStatus::Skipped {
                    "skipped"
                } else {
                    "incomplete"
                },
                esc(c.note.as_deref().unwrap_or(""))
            ));
        }
    }
    notes.extend(
        s.policy_warnings
            .iter()
            .map(|w| format!("policy: {}", esc(w))),
    );
    if !s.suppressed.is_empty() {
        notes.push(format!(
            "{} accepted as known risks by the policy file and not shown",
            plural(s.suppressed.len(), "finding", "findings")
        ));
    }
    if !notes.is_empty() {
        writeln!(
            out,
            "<h3>Notes</h3><ul><li>{}</li></ul>",
            notes.join("</li><li>")
        )?;
    }
    for (credit, d) in credits(audit).iter().zip(&audit.data_sources) {
        writeln!(
            out,
            "<p>{} &middot; <a href=\"{}\">{}</a></p>",
            esc(credit),
            esc(&d.url),
            esc(&d.url)
        )?;
    }
    writeln!(out, "</footer>")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_read_as_date_and_minute_in_utc() {
        assert_eq!(
            readable_time("2026-01-01T09:30:59Z"),
            "2026-01-01 09:30 UTC"
        );
        assert_eq!(
            readable_time("2026-01-01T09:30:59+02:00"),
            "2026-01-01T09:30:59+02:00"
        );
        assert_eq!(readable_time("é"), "é");
    }

    #[test]
    fn capitalise_handles_non_ascii() {
        assert_eq!(capitalise("éa"), "Éa");
        assert_eq!(capitalise(""), "");
    }
}
