//! `reuse`: accounts whose passwords are identical (after decoding, before
//! any normalisation).
//!
//! One finding per member per reused password (`reuse`), and one per password
//! shared between members (`reuse_across_members`). Rows that are the same
//! credential saved more than once are not reuse: the same username on the
//! same service, such as Chrome's one row per affiliated domain
//! (`amazon.com` / `amazon.co.uk`) or one login saved twice.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::{Context, Draft, FindingKind, Outcome};
use crate::domain;
use crate::report::Severity;

/// Groups of two or more account indices sharing one password, in input order.
pub fn identical_groups(ctx: &Context) -> Vec<Vec<usize>> {
    let mut by_password: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, e) in ctx.iter() {
        if let Some(p) = e.password() {
            by_password.entry(p).or_default().push(i);
        }
    }
    let mut groups: Vec<Vec<usize>> = by_password.into_values().filter(|g| g.len() > 1).collect();
    groups.sort();
    groups
}

/// Identity of a credential: who, which login name, which service. Rows with
/// the same identity are one credential saved several times.
fn credential(ctx: &Context, i: usize) -> (String, String, String) {
    let e = ctx.entry(i);
    let service = e
        .urls
        .iter()
        .find_map(|u| domain::of_url(u))
        .map(|d| domain::brand(&d).to_owned())
        .unwrap_or_else(|| e.title.trim().to_lowercase());
    (
        ctx.member(i).to_owned(),
        e.username.trim().to_lowercase(),
        service,
    )
}

fn list(ctx: &Context, accounts: &[usize]) -> String {
    let labels: Vec<String> = accounts.iter().map(|&i| ctx.label(i)).collect();
    labels.join(", ")
}

pub fn run(ctx: &Context) -> Outcome {
    let mut findings = Vec::new();
    for group in identical_groups(ctx) {
        let mut by_member: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for &i in &group {
            by_member.entry(ctx.member(i)).or_default().push(i);
        }
        for (member, accounts) in &by_member {
            let credentials: BTreeSet<_> = accounts.iter().map(|&i| credential(ctx, i)).collect();
            if credentials.len() < 2 {
                continue;
            }
            let severity = if credentials.len() >= 5 {
                Severity::Critical
            } else {
                Severity::High
            };
            let mut d = Draft::new(
                FindingKind::Reuse,
                severity,
                accounts.clone(),
                format!(
                    "{member} uses the same password on {} accounts ({}). A breach of any one of them opens the others: give each its own generated password.",
                    credentials.len(),
                    list(ctx, accounts)
                ),
            );
            d.details = Some(serde_json::json!({ "distinct_credentials": credentials.len() }));
            findings.push(d);
        }
        if by_member.len() > 1 {
            let services: BTreeSet<String> = group.iter().map(|&i| credential(ctx, i).2).collect();
            let members: Vec<&str> = by_member.keys().copied().collect();
            let (severity, message) = if services.len() == 1 {
                (
                    Severity::Info,
                    format!(
                        "{} share one password for {}: fine if this is one shared account, otherwise give each person their own.",
                        members.join(", "),
                        list(ctx, &group[..1])
                    ),
                )
            } else {
                (
                    Severity::High,
                    format!(
                        "The same password is used by {} on different services ({}). One breach exposes several people: give every account its own generated password.",
                        members.join(", "),
                        list(ctx, &group)
                    ),
                )
            };
            let mut d = Draft::new(
                FindingKind::ReuseAcrossMembers,
                severity,
                group.clone(),
                message,
            );
            d.details = Some(serde_json::json!({ "members": members, "services": services.len() }));
            findings.push(d);
        }
    }
    Outcome {
        findings,
        incomplete: None,
    }
}
