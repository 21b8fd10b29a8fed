//! `similar` (near reuse): a member's distinct passwords that are one cheap
//! tweak apart, such as `Summer2022!` / `Summer2023!`, `falcon2019` /
//! `Falcon2019` or `P@ssw0rd2024` / `Password2024`.
//!
//! Why it matters: an attacker who holds one leaked password tries its
//! variants first. About half of people reuse or modify passwords, and
//! rule-based guessing from a known password cracks a large share of the
//! modified ones within 100 guesses (Das et al., NDSS 2014; Pal et al.,
//! IEEE S&P 2019).
//!
//! What counts as similar (details in [`engine`]): after ignoring case and
//! look-alike substitutions, a small edit distance for the length (at most 1
//! edit for 4–5 characters, 2 for 6–19, 3 for 20–29, 4 beyond), the same
//! base word (4+ characters from the first to the last letter) with other
//! digits or symbols around it, one
//! password inside another at most twice as long, or one written backwards.
//! Similar passwords are grouped by shared base word, not by unbounded
//! transitive closure ([`graph::Graph::grouped`]): a password without a
//! shared base word joins a similar password's group, two base words are
//! never merged, so no group chains thousands of accounts. A group is one
//! finding naming all its accounts; a similar pair across two groups is in
//! the details of one of them (`related`, naming the other group), so no
//! pair is dropped. Identical passwords are not this check's business (see
//! `reuse`) but all accounts holding a grouped password are named. A password shared by several members is `reuse`'s business too
//! (`reuse_across_members`).
//!
//! Across members (`similar_across_members`, medium): when an audit has
//! several members, the distinct passwords of all of them are compared as
//! well, and a group that spans two or more members (`Summer2022!` for
//! alice, `Summer2023!` for bob) is one more finding naming every account of
//! the group. A family's shared scheme falls with the first breach of any
//! of them, but the attacker has to know who belongs together, hence medium
//! rather than high; a policy can raise it.
//!
//! Each link of a group says what changed, in words that never contain a
//! character of either password ([`tweak`]): not the base word, not the
//! digits, not the years ("same base word, year changed", never "the word
//! 'summer' with 2022 → 2023"). Quoting the base word would be friendlier,
//! but it is part of the password, and the report is often shared or kept:
//! no plaintext in any output wins, since even a fragment
//! shortens an attacker's search. The account names say which passwords to
//! look at.
//!
//! Severity: high when some link is a known guessing rule (case,
//! look-alikes, changed or added digits and symbols, reversal, keyboard
//! typo, swapped characters); medium when the passwords only differ by a
//! few arbitrary characters.
//!
//! Precision: no two of 100,000 random 12–24 character manager-generated
//! passwords are similar (measured, see BENCHMARKS.md; a unit test checks
//! 20,000). Speed: blocking and a bounded distance, in parallel, never all
//! pairs (see [`engine`]).

pub mod distance;
pub mod engine;
pub mod fold;
pub mod graph;
pub mod tweak;

use crate::report::AccountId;
use crate::report::details::{Details, SimilarDetails, SimilarLink};
use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;
use std::collections::BTreeSet;

use super::{Context, Draft, Facts, FindingKind, Outcome};
use crate::report::Severity;
use graph::Graph;

/// Links spelled out in a finding's message (all are in its details).
const LINKS_IN_MESSAGE: usize = 4;
/// Account names listed in a finding's message.
const ACCOUNTS_IN_MESSAGE: usize = 8;
/// Groups whose findings one parallel task builds, at least.
const GROUPS_PER_TASK: usize = 16;

/// Distinct passwords (of one member, or of everyone), each with the
/// accounts holding it.
struct MemberPasswords<'a> {
    /// The member; empty for everyone's passwords together.
    member: &'a str,
    passwords: Vec<&'a str>,
    accounts: Vec<Vec<usize>>,
}

impl MemberPasswords<'_> {
    /// The accounts holding the passwords `ids`, ascending.
    fn accounts_of(&self, ids: &[u32]) -> Vec<usize> {
        let mut accounts: Vec<usize> = ids
            .iter()
            .flat_map(|&id| self.accounts[id as usize].iter().copied())
            .collect();
        accounts.sort_unstable();
        accounts
    }
}

/// The distinct passwords of each key (`key(i)` for account `i`), in
/// first-appearance order: the audit's runs of identical passwords
/// ([`Context::same_passwords`]) split by key.
fn distinct_by<'a>(ctx: &Context<'a>, key: impl Fn(usize) -> &'a str) -> Vec<MemberPasswords<'a>> {
    // Each (key, password)'s accounts, ascending.
    let mut parts: Vec<(&'a str, &'a str, Vec<usize>)> = Vec::new();
    let mut keyed: Vec<(&'a str, usize)> = Vec::new();
    for run in ctx.same_passwords().runs() {
        // (every account of a run has the run's password)
        let Some(password) = run.first().and_then(|&i| ctx.entry(i as usize).password()) else {
            continue;
        };
        if let [i] = run[..] {
            parts.push((key(i as usize), password, vec![i as usize]));
            continue;
        }
        // A run's accounts by key (a stable sort keeps each key's ascending):
        // one password held by every member of a team is one run of all
        // their accounts.
        keyed.clear();
        keyed.extend(run.iter().map(|&i| (key(i as usize), i as usize)));
        keyed.sort_by_key(|&(k, _)| k);
        for same_key in keyed.chunk_by(|a, b| a.0 == b.0) {
            let accounts = same_key.iter().map(|&(_, i)| i).collect();
            parts.push((same_key[0].0, password, accounts));
        }
    }
    // In order of first appearance: a key's set is made at its first
    // account, its passwords added in their first accounts' order.
    parts.sort_unstable_by_key(|(_, _, accounts)| accounts[0]);
    let mut sets: Vec<MemberPasswords<'a>> = Vec::new();
    let mut set_at: HashMap<&str, usize> = HashMap::default();
    for (k, password, accounts) in parts {
        let m = *set_at.entry(k).or_insert_with(|| {
            sets.push(MemberPasswords {
                member: k,
                passwords: Vec::new(),
                accounts: Vec::new(),
            });
            sets.len() - 1
        });
        sets[m].passwords.push(password);
        sets[m].accounts.push(accounts);
    }
    sets
}

/// Up to `max` labels, then "and N more".
fn names(accounts: &[usize], max: usize, label: impl Fn(usize) -> String) -> String {
    let mut labels: Vec<String> = accounts.iter().take(max).map(|&i| label(i)).collect();
    if accounts.len() > max {
        labels.push(format!("and {} more", accounts.len() - max));
    }
    labels.join(", ")
}

/// A group's links, explained: the first [`LINKS_IN_MESSAGE`] in words for
/// the message, all of them as details, and whether any is a known guessing
/// rule. `node` names a password's accounts; `across`, when given, says
/// whether a link joins two members (a detail field).
struct Explained {
    spelled: Vec<String>,
    details: Vec<SimilarLink>,
    known_rule: bool,
}

/// A group's bridges (similar pairs with a password outside the group), as
/// details: one entry per other group (or per ungrouped password), with how
/// many similar pairs join them and the first of those explained (the
/// accounts on each side, the tweaks). Also, for each entry, the other
/// side's first account (its group is filled in once groups are numbered).
/// One entry per related group, not per pair, keeps the report linear in
/// the accounts where many passwords share words.
fn bridges(
    set: &MemberPasswords,
    ids: &[u32],
    bridges: &[(u32, u32)],
    group_of: &HashMap<u32, usize>,
) -> (Vec<SimilarLink>, Vec<usize>, Vec<(u32, u32)>) {
    let side = |id: u32| -> Vec<AccountId> {
        set.accounts[id as usize]
            .iter()
            .map(|&i| AccountId::of(i))
            .collect()
    };
    // Other side (its group, or itself when ungrouped) → (first pair, count).
    type Other = (bool, usize);
    let mut by_other: Vec<(Other, (u32, u32), usize)> = Vec::new();
    let mut at: HashMap<Other, usize> = HashMap::default();
    for &(a, b) in bridges {
        let (inside, outside) = if ids.binary_search(&a).is_ok() {
            (a, b)
        } else {
            (b, a)
        };
        let key = match group_of.get(&outside) {
            Some(&g) => (true, g),
            None => (false, outside as usize),
        };
        match at.get(&key) {
            Some(&k) => by_other[k].2 += 1,
            None => {
                at.insert(key, by_other.len());
                by_other.push((key, (inside, outside), 1));
            }
        }
    }
    let mut details = Vec::new();
    let mut others = Vec::new();
    let mut firsts = Vec::new();
    for (_, (inside, outside), pairs) in by_other {
        let tweaks = tweak::classify(
            set.passwords[inside as usize],
            set.passwords[outside as usize],
        );
        details.push(SimilarLink {
            across_members: None,
            between: [side(inside), side(outside)],
            explanation: tweak::describe(&tweaks).into(),
            group: None,
            similar_pairs: Some(pairs),
            tweaks: tweaks.iter().map(|t| t.detail()).collect(),
        });
        others.push(set.accounts[outside as usize][0]);
        firsts.push((inside, outside));
    }
    (details, others, firsts)
}

/// Group index of each grouped password of a forest.
fn group_index(forest: &graph::Forest) -> HashMap<u32, usize> {
    forest
        .groups
        .iter()
        .enumerate()
        .flat_map(|(g, ids)| ids.iter().map(move |&id| (id, g)))
        .collect()
}

/// The sentence a message gets for a group's bridges.
fn related_sentence(n: usize) -> String {
    match n {
        0 => String::new(),
        1 => " Some are also similar to passwords of another group or account (see the report's details).".into(),
        n => format!(" Some are also similar to passwords of {n} other groups or accounts (see the report's details)."),
    }
}

/// Whether a link `(a, b)` has some property.
type LinkTest<'a> = dyn Fn(&(u32, u32)) -> bool + 'a;

fn explain(
    set: &MemberPasswords,
    links: &[(u32, u32)],
    node: impl Fn(u32) -> String,
    across: Option<&LinkTest>,
) -> Explained {
    let mut out = Explained {
        spelled: Vec::new(),
        details: Vec::new(),
        known_rule: false,
    };
    let side = |id: u32| -> Vec<AccountId> {
        set.accounts[id as usize]
            .iter()
            .map(|&i| AccountId::of(i))
            .collect()
    };
    for link @ &(a, b) in links {
        let tweaks = tweak::classify(set.passwords[a as usize], set.passwords[b as usize]);
        out.known_rule |= tweaks.iter().any(|t| t.is_known_rule());
        let words = tweak::describe(&tweaks);
        if out.spelled.len() < LINKS_IN_MESSAGE {
            out.spelled
                .push(format!("{} and {}: {words}", node(a), node(b)));
        }
        out.details.push(SimilarLink {
            across_members: across.map(|across| across(link)),
            between: [side(a), side(b)],
            explanation: words.into(),
            group: None,
            similar_pairs: None,
            tweaks: tweaks.iter().map(|t| t.detail()).collect(),
        });
    }
    if links.len() > LINKS_IN_MESSAGE {
        out.spelled.push(format!(
            "and {} more (see the report's details)",
            links.len() - LINKS_IN_MESSAGE
        ));
    }
    out
}

/// One finding for one group of a member's similar passwords.
fn finding(
    ctx: &Context,
    m: &MemberPasswords,
    ids: &[u32],
    links: &[(u32, u32)],
    bridged: &[(u32, u32)],
    group_of: &HashMap<u32, usize>,
) -> (Draft, Vec<usize>) {
    let node = |id: u32| -> String {
        let labels: Vec<String> = m.accounts[id as usize]
            .iter()
            .map(|&i| ctx.label(i))
            .collect();
        labels.join(" / ")
    };
    let accounts = m.accounts_of(ids);
    let explained = explain(m, links, node, None);
    let severity = if explained.known_rule {
        Severity::High
    } else {
        Severity::Medium
    };
    let (related, others, _) = bridges(m, ids, bridged, group_of);
    let message = format!(
        "{} uses variations of one password on {} accounts ({}). {}.{} Attackers who learn one of them try such variations first: give each account its own generated password.",
        m.member,
        accounts.len(),
        names(&accounts, ACCOUNTS_IN_MESSAGE, |i| ctx.label(i)),
        explained.spelled.join("; "),
        related_sentence(related.len()),
    );
    let mut d = Draft::new(FindingKind::Similar, severity, accounts, message);
    d.details = Some(Details::Similar(Box::new(SimilarDetails {
        distinct_passwords: ids.len(),
        group: None,
        links: explained.details,
        member: Some(m.member.to_owned()),
        members: None,
        related,
    })));
    (d, others)
}

/// Finds the similarity graph of distinct passwords, reporting progress.
type GraphFn<'a> = &'a (dyn Fn(&[&str], &(dyn Fn(u64) + Sync)) -> Graph + Sync);

/// One finding for a group of similar passwords held by several members.
fn across_members(
    ctx: &Context,
    all: &MemberPasswords,
    ids: &[u32],
    links: &[(u32, u32)],
    bridged: &[(u32, u32)],
    group_of: &HashMap<u32, usize>,
) -> Draft {
    let holders = |id: u32| -> BTreeSet<&str> {
        all.accounts[id as usize]
            .iter()
            .map(|&i| ctx.member(i))
            .collect()
    };
    let label = |i: usize| format!("{}: {}", ctx.member(i), ctx.label(i));
    let node = |id: u32| -> String {
        let labels: Vec<String> = all.accounts[id as usize]
            .iter()
            .map(|&i| label(i))
            .collect();
        labels.join(" / ")
    };
    let accounts = all.accounts_of(ids);
    let members: Vec<&str> = accounts
        .iter()
        .map(|&i| ctx.member(i))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();

    // Links between members first: they are this finding's point.
    let crosses = |&(a, b): &(u32, u32)| {
        let (ha, hb) = (holders(a), holders(b));
        ha.iter().any(|x| hb.iter().any(|y| x != y))
    };
    let mut ordered: Vec<(u32, u32)> = links.iter().copied().filter(crosses).collect();
    ordered.extend(links.iter().copied().filter(|l| !crosses(l)));
    let explained = explain(all, &ordered, node, Some(&crosses));
    let (mut related, _, firsts) = bridges(all, ids, bridged, group_of);
    for (detail, link) in related.iter_mut().zip(&firsts) {
        detail.across_members = Some(crosses(link));
    }

    let message = format!(
        "{} use variations of one password ({}). {}.{} Whoever learns one of these passwords can guess the others: give each account its own generated password.",
        crate::text::join_and(&members),
        names(&accounts, ACCOUNTS_IN_MESSAGE, label),
        explained.spelled.join("; "),
        related_sentence(related.len()),
    );
    let mut d = Draft::new(
        FindingKind::SimilarAcrossMembers,
        Severity::Medium,
        accounts,
        message,
    );
    d.details = Some(Details::Similar(Box::new(SimilarDetails {
        distinct_passwords: ids.len(),
        group: None,
        links: explained.details,
        member: None,
        members: Some(members.iter().map(|m| (*m).to_owned()).collect()),
        related,
    })));
    d
}

/// Runs the check with `graph_of` finding each member's similar pairs (the
/// fast engine, or the exhaustive reference in tests).
fn run_with(ctx: &Context, facts: &mut Facts, graph_of: GraphFn) -> Outcome {
    // Computed for every account: in no group until one is found.
    facts.similar_group.fill(Some(None));
    let members = distinct_by(ctx, |i| ctx.member(i));
    let all = (members.len() > 1).then(|| distinct_by(ctx, |_| "").remove(0));
    let total: usize = members.iter().map(|m| m.passwords.len()).sum::<usize>()
        + all.as_ref().map_or(0, |a| a.passwords.len());
    ctx.progress.start("near reuse", total as u64);
    let advance = |n: u64| ctx.progress.advance(n);
    let grouped =
        |passwords: &[&str]| graph_of(passwords, &advance).grouped(&graph::base_ids(passwords));
    // Members in parallel (a team has thousands, each graph small), their
    // findings in member order; a member's groups in parallel too (one
    // export of 200,000 logins has thousands of groups, their bridges
    // growing faster than the logins where passwords share words).
    let mut findings: Vec<(Draft, Vec<usize>)> = members
        .par_iter()
        .flat_map_iter(|m| {
            let forest = grouped(&m.passwords);
            let group_of = group_index(&forest);
            let groups = forest
                .groups
                .par_iter()
                .zip(&forest.links)
                .zip(&forest.bridges);
            groups
                .with_min_len(GROUPS_PER_TASK)
                .map(|((ids, links), bridged)| finding(ctx, m, ids, links, bridged, &group_of))
                .collect::<Vec<_>>()
        })
        .collect();
    let mut across = Vec::new();
    if let Some(all) = &all {
        let forest = grouped(&all.passwords);
        let group_of = group_index(&forest);
        let member_of = |id: u32| all.accounts[id as usize].iter().map(|&i| ctx.member(i));
        let groups = forest
            .groups
            .par_iter()
            .zip(&forest.links)
            .zip(&forest.bridges);
        across = groups
            .with_min_len(GROUPS_PER_TASK)
            .filter_map(|((ids, links), bridged)| {
                let spans: BTreeSet<&str> = ids.iter().flat_map(|&id| member_of(id)).collect();
                // A bridge to another member's password counts as spanning too.
                let bridges_members = bridged.iter().any(|&(a, b)| {
                    let ha: BTreeSet<&str> = member_of(a).collect();
                    member_of(b).any(|x| ha.iter().any(|y| *y != x))
                });
                (spans.len() > 1 || bridges_members)
                    .then(|| across_members(ctx, all, ids, links, bridged, &group_of))
            })
            .collect();
    }
    ctx.progress.finish();
    findings.sort_by_key(|(d, _)| d.accounts.first().copied());
    for (n, (d, _)) in findings.iter_mut().enumerate() {
        let group = format!("S{}", n + 1);
        for &i in &d.accounts {
            facts.similar_group[i] = Some(Some(group.clone()));
        }
        if let Some(Details::Similar(details)) = d.details.as_mut() {
            details.group = Some(group.clone());
        }
        // No discriminator: groups are disjoint, so the accounts alone make
        // the fingerprint, which must not move when another group's number does.
    }
    // Each bridge names the group on its other side, if any.
    let mut findings: Vec<Draft> = findings
        .into_iter()
        .map(|(mut d, others)| {
            if let Some(Details::Similar(details)) = d.details.as_mut() {
                for (detail, &other) in details.related.iter_mut().zip(&others) {
                    detail.group = Some(facts.similar_group[other].clone().flatten());
                }
            }
            d
        })
        .collect();
    across.sort_by_key(|d| d.accounts.first().copied());
    findings.extend(across);
    Outcome {
        findings,
        ..Outcome::default()
    }
}

pub fn run(ctx: &Context, facts: &mut Facts) -> Outcome {
    run_with(ctx, facts, &engine::similar_graph)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Capabilities, Entry, EntryKind, Source, Vault};
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};
    use serde_json::json;

    fn vault(rows: &[(&str, &str, &str)]) -> Vault {
        let mut v = Vault::default();
        for (member, title, password) in rows {
            let source = match v.sources.iter().position(|s| s.member == *member) {
                Some(s) => s,
                None => {
                    v.sources.push(Source {
                        path: format!("{member}.csv"),
                        member: member.to_string(),
                        format: "bitwarden",
                        format_name: "Bitwarden",
                        capabilities: Capabilities {
                            notes: true,
                            custom_fields: true,
                            totp: true,
                            attachments: false,
                            history: false,
                            passkeys: false,
                        },
                        rows: 0,
                        skipped: vec![],
                        deleted: 0,
                        warnings: vec![],
                        ..Default::default()
                    });
                    v.sources.len() - 1
                }
            };
            let mut e = Entry::new(EntryKind::Login, v.entries.len() as u64 + 2);
            e.source = source;
            e.title = title.to_string();
            e.password = Some((*password).into());
            v.entries.push(e);
        }
        v
    }

    fn check(v: &Vault, reference: bool) -> (Vec<Draft>, Facts) {
        let accounts = v.account_indices();
        let ctx = Context::for_tests(v, &accounts);
        let mut facts = Facts::new(accounts.len());
        let outcome = if reference {
            run_with(&ctx, &mut facts, &|pw, _| engine::naive_graph(pw))
        } else {
            run(&ctx, &mut facts)
        };
        (outcome.findings, facts)
    }

    #[test]
    fn family_tweaks_are_grouped_and_explained() {
        let v = vault(&[
            ("alice", "GitHub", "Summer2022!"),
            ("alice", "GitLab", "Summer2023!"),
            ("alice", "Bank", "n7#Vq2!pLz@9Rw$e"),
            ("bob", "Outlook", "falcon2019"),
            ("bob", "Steam", "Falcon2019"),
            ("bob", "Yahoo Mail", "falcon2019"),
            ("bob", "PayPal", "P@ssw0rd2024"),
            ("bob", "Reddit", "Password2024"),
            ("carol", "Etsy", "Summer2022!"),
        ]);
        let (findings, facts) = check(&v, false);
        let messages: Vec<&str> = findings.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(findings.len(), 4, "{messages:#?}");
        assert_eq!(findings[0].accounts, vec![0, 1]);
        assert!(messages[0].contains("GitHub and GitLab: same base word, year changed"));
        assert_eq!(findings[1].accounts, vec![3, 4, 5]);
        assert!(messages[1].contains("Outlook / Yahoo Mail and Steam: capitalisation changed"));
        assert_eq!(findings[2].accounts, vec![6, 7]);
        assert!(messages[2].contains("letters swapped for look-alike digits or symbols"));
        assert!(findings[..3].iter().all(|d| d.severity == Severity::High));
        // carol's Etsy password is alice's GitHub one (reuse_across_members)
        // and a tweak of alice's GitLab one: that is across members.
        let across = &findings[3];
        assert_eq!(across.kind, FindingKind::SimilarAcrossMembers);
        assert_eq!(across.severity, Severity::Medium);
        assert_eq!(across.accounts, vec![0, 1, 8]);
        assert!(
            messages[3].starts_with("alice and carol use variations of one password"),
            "{}",
            messages[3]
        );
        assert!(
            messages[3].contains(
                "alice: GitHub / carol: Etsy and alice: GitLab: same base word, year changed"
            ),
            "{}",
            messages[3]
        );
        let details = across.details.as_ref().unwrap().to_value();
        assert_eq!(details["members"], json!(["alice", "carol"]));
        assert_eq!(details["links"][0]["across_members"], json!(true));
        let group = |i: usize| facts.similar_group[i].clone().flatten();
        assert_eq!(group(0).as_deref(), Some("S1"));
        assert_eq!(group(5).as_deref(), Some("S2"));
        assert_eq!(group(2), None);
        assert_eq!(group(8), None, "carol's copy is reuse, not her tweak");
        let details = findings[1].details.as_ref().unwrap().to_value();
        assert_eq!(details["group"], "S2");
        assert_eq!(
            details["links"][0]["between"],
            json!([["A4", "A6"], ["A5"]])
        );
        assert_eq!(details["links"][0]["tweaks"], json!([{"tweak": "case"}]));
        for d in &findings {
            let text = format!("{} {}", d.message, d.details.as_ref().unwrap());
            for secret in [
                "Summer", "2022", "2023", "falcon", "2019", "P@ss", "ssw0rd", "2024",
            ] {
                assert!(!text.contains(secret), "{text} leaks {secret}");
            }
        }
    }

    #[test]
    fn across_members_only_when_a_group_spans_members() {
        // The same password for two members is reuse, not near reuse.
        let v = vault(&[
            ("ann", "A", "Tulip-garden-88"),
            ("ben", "B", "Tulip-garden-88"),
        ]);
        assert!(check(&v, false).0.is_empty());
        // One member's tweaks: only the member's own finding.
        let v = vault(&[("ann", "A", "Summer2022!"), ("ann", "B", "Summer2023!")]);
        let (findings, _) = check(&v, false);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].kind, FindingKind::Similar);
        // Two members, one tweak apart: one finding across members, no
        // per-member one, and no similar_group (that is per member).
        let v = vault(&[
            ("ann", "Mail", "Summer2022!"),
            ("ben", "Bank", "summer2023"),
            ("ben", "Shop", "x8#Lq2!vRt@5Wz$k"),
        ]);
        let (findings, facts) = check(&v, false);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].kind, FindingKind::SimilarAcrossMembers);
        assert_eq!(findings[0].accounts, vec![0, 1]);
        assert!(
            findings[0]
                .message
                .starts_with("ann and ben use variations")
        );
        assert!(
            facts
                .similar_group
                .iter()
                .all(|g| g.clone().flatten().is_none())
        );
        let text = format!(
            "{} {}",
            findings[0].message,
            findings[0].details.as_ref().unwrap()
        );
        for secret in ["ummer", "2022", "2023"] {
            assert!(!text.contains(secret), "{text} leaks {secret}");
        }
    }

    /// Passwords made of a few shared words: one group per base word, not
    /// one transitive group, and every similar pair still in the report.
    #[test]
    fn shared_base_words_give_bounded_groups_and_keep_every_pair() {
        let mut rows: Vec<(String, String, String)> = Vec::new();
        let words = ["summer", "dragon", "falcon", "monkey"];
        for (w, word) in words.iter().enumerate() {
            for n in 0..6 {
                rows.push((
                    "x".into(),
                    format!("{word} {n}"),
                    format!("{word}{}", 1990 + n),
                ));
            }
            // Two words joined: similar (containment) to both of its words.
            let next = words[(w + 1) % words.len()];
            rows.push(("x".into(), format!("{word}{next}"), format!("{word}{next}")));
            rows.push(("x".into(), word.to_string(), word.to_string()));
        }
        let refs: Vec<(&str, &str, &str)> = rows
            .iter()
            .map(|(m, t, p)| (m.as_str(), t.as_str(), p.as_str()))
            .collect();
        let v = vault(&refs);
        let (findings, facts) = check(&v, false);
        // Transitive closure makes one group of all 32 accounts.
        let pw: Vec<&str> = rows.iter().map(|r| r.2.as_str()).collect();
        assert_eq!(engine::naive_graph(&pw).forest().groups.len(), 1);
        assert_eq!(findings.len(), words.len(), "one group per base word");
        assert!(
            findings.iter().all(|d| d.accounts.len() <= 9),
            "a base word, its tweaks and two-word passwords"
        );
        // Every similar pair: in one group, or in two groups one of which
        // names the other as related (with how many pairs join them).
        let mut related = BTreeSet::new();
        let mut counted = 0;
        for d in &findings {
            let details = d.details.as_ref().unwrap().to_value();
            let group = details["group"].as_str().unwrap().to_owned();
            for r in details["related"].as_array().into_iter().flatten() {
                let other = r["group"].as_str().unwrap().to_owned();
                assert!(other.starts_with('S') && other != group);
                counted += r["similar_pairs"].as_u64().unwrap();
                related.insert((group.clone(), other.clone()));
                related.insert((other, group.clone()));
            }
        }
        let pairs = engine::naive_graph(&pw).all_pairs();
        assert!(pairs.len() > 60);
        let mut across = 0;
        for (a, b) in pairs {
            let (ga, gb) = (
                &facts.similar_group[a as usize],
                &facts.similar_group[b as usize],
            );
            let (ga, gb) = (ga.clone().flatten().unwrap(), gb.clone().flatten().unwrap());
            if ga != gb {
                across += 1;
                assert!(related.contains(&(ga, gb)), "pair {a}, {b} dropped");
            }
        }
        assert!(across > 0);
        assert_eq!(counted, across, "each pair across groups counted once");
    }

    #[test]
    fn arbitrary_small_edits_are_medium() {
        let v = vault(&[("x", "One", "Kx9#mPq2Lw"), ("x", "Two", "Kx9#mPq2Zz")]);
        let (findings, _) = check(&v, false);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].severity, Severity::Medium);
        assert!(findings[0].message.contains("2 characters differ"));
    }

    /// The fast engine and the exhaustive reference give the same findings
    /// and groups on generated vaults of several members.
    #[test]
    fn findings_equal_the_exhaustive_reference() {
        let words = [
            "summer", "falcon", "Library", "monkey", "sunshine", "qwerty",
        ];
        for seed in 0..3 {
            let mut rng = StdRng::seed_from_u64(seed);
            let mut rows: Vec<(String, String, String)> = Vec::new();
            for i in 0..300 {
                let member = ["ann", "ben", "cy"][rng.gen_range(0..3)];
                let password = match rng.gen_range(0..4) {
                    0 => (0..rng.gen_range(8..20))
                        .map(|_| rng.gen_range(33u8..127) as char)
                        .collect(),
                    1 if !rows.is_empty() => {
                        let mut p: Vec<char> =
                            rows[rng.gen_range(0..rows.len())].2.chars().collect();
                        let at = rng.gen_range(0..p.len());
                        p[at] = ['1', '!', 'x', 'E'][rng.gen_range(0..4)];
                        p.into_iter().collect()
                    }
                    _ => format!(
                        "{}{}{}",
                        words[rng.gen_range(0..words.len())],
                        rng.gen_range(1990..2030),
                        ["", "!", "#"][rng.gen_range(0..3)]
                    ),
                };
                rows.push((member.into(), format!("Site {i}"), password));
            }
            let refs: Vec<(&str, &str, &str)> = rows
                .iter()
                .map(|(m, t, p)| (m.as_str(), t.as_str(), p.as_str()))
                .collect();
            let v = vault(&refs);
            let (fast, fast_facts) = check(&v, false);
            let (naive, naive_facts) = check(&v, true);
            assert!(fast.len() > 5, "seed {seed}: the vault must have groups");
            let key = |d: &Draft| {
                (
                    d.severity,
                    d.accounts.clone(),
                    d.message.clone(),
                    d.details.clone(),
                )
            };
            assert_eq!(
                fast.iter().map(key).collect::<Vec<_>>(),
                naive.iter().map(key).collect::<Vec<_>>(),
                "seed {seed}"
            );
            assert_eq!(fast_facts.similar_group, naive_facts.similar_group);
        }
    }
}
