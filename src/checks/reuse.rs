//! `reuse`: accounts whose passwords are identical (after decoding, before
//! any normalisation).
//!
//! One finding per member per reused password (`reuse`), and one per password
//! shared between members (`reuse_across_members`). Rows that are the same
//! credential saved more than once are not reuse: the same username on the
//! same service, such as Chrome's one row per affiliated domain
//! (`amazon.com` / `amazon.co.uk`) or one login saved twice.

use std::collections::{BTreeMap, BTreeSet};

use super::{Context, Draft, Facts, FindingKind, Outcome};
use crate::report::Severity;
use crate::report::details::{Details, ReuseAcrossDetails, ReuseDetails};
use crate::site;

/// Groups of two or more account indices sharing one password, in input order.
pub fn identical_groups(ctx: &Context) -> Vec<Vec<usize>> {
    let mut groups: Vec<Vec<usize>> = ctx
        .same_passwords()
        .runs()
        .filter(|run| run.len() > 1)
        .map(|run| run.iter().map(|&i| i as usize).collect())
        .collect();
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
        .find_map(|u| site::service(u))
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

/// One password used by several members. A login the members share (same
/// username on the same service) is fine on its own; the risk is the same
/// password on any *other* account, which everyone who shares it can open.
fn across_members(
    ctx: &Context,
    group: &[usize],
    by_member: &BTreeMap<&str, Vec<usize>>,
    facts: &mut Facts,
) -> Draft {
    let shared_key = |i: usize| {
        let (_, user, service) = credential(ctx, i);
        (user, service)
    };
    let mut holders: BTreeMap<(String, String), BTreeSet<&str>> = BTreeMap::new();
    for &i in group {
        holders
            .entry(shared_key(i))
            .or_default()
            .insert(ctx.member(i));
    }
    let members: Vec<&str> = by_member.keys().copied().collect();
    let shared: Vec<usize> = group
        .iter()
        .copied()
        .filter(|&i| holders[&shared_key(i)].len() > 1)
        .collect();
    let others: Vec<usize> = group
        .iter()
        .copied()
        .filter(|&i| holders[&shared_key(i)].len() == 1)
        .collect();
    let first_of = |v: &[usize]| {
        let mut seen = BTreeSet::new();
        v.iter()
            .copied()
            .filter(|&i| seen.insert(shared_key(i)))
            .collect::<Vec<_>>()
    };
    let (severity, message) = if others.is_empty() {
        (
            Severity::Info,
            format!(
                "{} share one login ({}): fine for a shared account, as long as its password is used nowhere else.",
                members.join(", "),
                list(ctx, &first_of(&shared))
            ),
        )
    } else if shared.is_empty() {
        (
            Severity::High,
            format!(
                "{} use the same password on different accounts ({}). One breach exposes several people: give every account its own generated password.",
                members.join(", "),
                list(ctx, group)
            ),
        )
    } else {
        let owners: BTreeSet<&str> = others.iter().map(|&i| ctx.member(i)).collect();
        (
            Severity::High,
            format!(
                "The password of the shared login {} ({}) is also used for {} ({}): everyone who shares it can open those. Give them their own passwords.",
                list(ctx, &first_of(&shared)),
                members.join(", "),
                list(ctx, &others),
                owners.into_iter().collect::<Vec<_>>().join(", ")
            ),
        )
    };
    if severity > Severity::Info {
        for &i in group {
            facts.reused[i] = Some(true);
        }
    }
    let mut d = Draft::new(
        FindingKind::ReuseAcrossMembers,
        severity,
        group.to_vec(),
        message,
    );
    d.details = Some(Details::ReuseAcrossMembers(ReuseAcrossDetails {
        members: members.iter().map(|m| (*m).to_owned()).collect(),
        other_accounts: others.len(),
        shared_logins: first_of(&shared).len(),
    }));
    d
}

pub fn run(ctx: &Context, facts: &mut Facts) -> Outcome {
    // Computed for every account: not reused unless a group below says so.
    facts.reused.fill(Some(false));
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
            for &i in accounts {
                facts.reused[i] = Some(true);
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
            d.details = Some(Details::Reuse(ReuseDetails {
                distinct_credentials: credentials.len(),
            }));
            findings.push(d);
        }
        if by_member.len() > 1 {
            findings.push(across_members(ctx, &group, &by_member, facts));
        }
    }
    Outcome {
        findings,
        incomplete: None,
        ..Outcome::default()
    }
}
