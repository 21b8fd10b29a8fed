//! The fix-first plan as a checklist, per member (from `audit.plan`, built
//! in the assembly step): each item's account, why it ranks there, and its
//! steps in order, each step linked to the findings it resolves.

use std::collections::HashMap;
use std::io::{self, Write};

use super::health::MemberHealth;
use super::{esc, kind_label, plural};
use crate::report::{Audit, Finding, PlanItem};

/// Items of a member shown before the rest are folded.
const ITEMS_SHOWN: usize = 10;

/// The plan section (nothing when the plan is empty).
pub fn section(audit: &Audit, members: &[MemberHealth], out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "<section id=\"plan\"><h2>Fix first</h2>")?;
    if audit.plan.is_empty() {
        return writeln!(out, "<p>Nothing to fix.</p></section>");
    }
    writeln!(
        out,
        "<p class=\"muted\">One item per account that needs work, most at stake first: mailboxes that can reset other accounts and money, then breached, reused, lockout risk, weak, the rest. Tick them off as you go (the ticks are not saved).</p>"
    )?;
    let findings: HashMap<&str, &Finding> =
        audit.findings.iter().map(|f| (f.id.as_str(), f)).collect();
    for (n, m) in members.iter().enumerate() {
        let items: Vec<&PlanItem> = m.plan.iter().map(|&p| &audit.plan[p]).collect();
        if items.is_empty() {
            continue;
        }
        writeln!(
            out,
            "<h3 id=\"plan-m{}\">{} <span class=\"muted\">({})</span></h3><ol class=\"plan\">",
            n + 1,
            esc(&m.member),
            plural(items.len(), "item", "items")
        )?;
        for item in items.iter().take(ITEMS_SHOWN) {
            self::item(item, &findings, out)?;
        }
        writeln!(out, "</ol>")?;
        if items.len() > ITEMS_SHOWN {
            writeln!(
                out,
                "<details><summary>{} for {}</summary><ol class=\"plan\">",
                plural(items.len() - ITEMS_SHOWN, "more item", "more items"),
                esc(&m.member)
            )?;
            for item in &items[ITEMS_SHOWN..] {
                self::item(item, &findings, out)?;
            }
            writeln!(out, "</ol></details>")?;
        }
    }
    writeln!(out, "</section>")
}

/// The anchor of a plan item.
pub fn anchor(item: &PlanItem) -> String {
    format!("plan-{}", item.rank)
}

/// One item: a checkbox with the account's name, why, and the steps.
fn item(
    item: &PlanItem,
    findings: &HashMap<&str, &Finding>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let id = anchor(item);
    let name = match &item.account {
        Some(a) => format!("<a href=\"#{}\">{}</a>", esc(a), esc(&item.name)),
        None => esc(&item.name),
    };
    let steps: String = item
        .steps
        .iter()
        .map(|s| {
            let links: Vec<String> = s
                .findings
                .iter()
                .filter_map(|f| findings.get(f.as_str()))
                .map(|f| format!("<a href=\"#{}\">{}</a>", esc(&f.id), kind_label(f.check)))
                .collect();
            format!(
                "<li>{}{}</li>",
                esc(&s.text),
                if links.is_empty() {
                    String::new()
                } else {
                    format!(" <span class=\"muted\">({})</span>", links.join(", "))
                }
            )
        })
        .collect();
    writeln!(
        out,
        "<li id=\"{id}\"><div class=\"item\"><input type=\"checkbox\" id=\"{id}-done\"><label for=\"{id}-done\"><span class=\"sev {}\">{}</span> <b>{name}</b> <span class=\"muted\">{}</span></label></div><ol>{steps}</ol></li>",
        item.severity,
        item.severity,
        esc(&item.why),
    )
}
