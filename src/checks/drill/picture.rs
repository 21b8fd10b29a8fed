//! The member's dependency graph as a picture (`MemberDrill.graph`, drawn by
//! the HTML report): the things a loss takes (phone, password manager,
//! hardware key, paper, mailboxes outside the exports), the mailboxes that
//! reset other accounts, and the other accounts grouped by what they depend
//! on and what the drawn scenarios do to them. Capped, so a member with
//! thousands of accounts still gets a small picture: at most
//! [`MAX_MAILBOXES`] mailboxes (the rest in one "more mailboxes" node) and
//! [`MAX_GROUPS`] groups (the rest counted in `not_drawn`).

use rustc_hash::FxHashMap as HashMap;

use super::{Factor, MemberGraph, Scenario, ScenarioKind};
use crate::finding::account_id;
use crate::report::drill::{DrillGraph, GraphEdge, GraphEdgeKind, GraphNode, GraphNodeKind};

/// Mailboxes drawn one by one (those resetting the most accounts first).
pub const MAX_MAILBOXES: usize = 8;
/// Account groups drawn.
pub const MAX_GROUPS: usize = 14;
/// Lost-mailbox scenarios drawn (those locking out the most first).
pub const MAX_MAILBOX_SCENARIOS: usize = 3;
/// Account ids kept per node.
const IDS_KEPT: usize = 5;

/// What an edge comes from, before the picture's nodes are numbered.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum From {
    Item(Item),
    /// A drill node (a mailbox).
    Node(usize),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Item {
    Phone,
    Vault,
    HardwareKey,
    Offline,
    Outside,
    Contact(usize),
}

impl Item {
    fn kind(self) -> GraphNodeKind {
        match self {
            Item::Phone => GraphNodeKind::Phone,
            Item::Vault => GraphNodeKind::Vault,
            Item::HardwareKey => GraphNodeKind::HardwareKey,
            Item::Offline => GraphNodeKind::Offline,
            Item::Outside => GraphNodeKind::Outside,
            Item::Contact(_) => GraphNodeKind::Contact,
        }
    }
}

/// Drill node `n`'s incoming edges (what it depends on), into `out`
/// (cleared first, so that one buffer serves every node).
fn needs_into(g: &MemberGraph, n: usize, out: &mut Vec<(From, GraphEdgeKind)>) {
    out.clear();
    let info = &g.nodes[n];
    for f in &info.factors {
        let from = match f {
            Factor::VaultSeed => From::Item(Item::Vault),
            Factor::App | Factor::Sms | Factor::DevicePasskey => From::Item(Item::Phone),
            Factor::HardwareKey => From::Item(Item::HardwareKey),
            Factor::Email => info.mailbox.map_or(From::Item(Item::Outside), From::Node),
            Factor::Unknown => From::Item(Item::Outside),
        };
        out.push((from, GraphEdgeKind::SecondFactor));
    }
    if info.codes_in_vault && n != 0 {
        out.push((From::Item(Item::Vault), GraphEdgeKind::Codes));
    }
    if info.codes_offline || info.kit {
        out.push((From::Item(Item::Offline), GraphEdgeKind::Codes));
    }
    let contact = |c: &String| g.contacts.iter().position(|x| x == c).map(Item::Contact);
    for c in info.contacts.iter().filter_map(contact) {
        out.push((From::Item(c), GraphEdgeKind::Resets));
    }
    if let Some(c) = info.codes_with_contact.as_ref().and_then(contact) {
        out.push((From::Item(c), GraphEdgeKind::Codes));
    }
    if let Some(m) = info.mailbox {
        out.push((From::Node(m), GraphEdgeKind::Resets));
    } else if info.mailbox_outside.is_some() {
        out.push((From::Item(Item::Outside), GraphEdgeKind::Resets));
    }
    if info.recovery_phone {
        out.push((From::Item(Item::Phone), GraphEdgeKind::Resets));
    }
    out.sort();
    out.dedup();
}

/// The scenarios to draw: lost phone, lost password manager, the lost
/// mailboxes that lock out the most, all at once (in the drill's order).
fn drawn(scens: &[Scenario], locked: &[Vec<usize>]) -> Vec<usize> {
    let mut mailboxes: Vec<(usize, usize)> = scens
        .iter()
        .enumerate()
        .filter(|(_, s)| s.kind == ScenarioKind::LostMailbox)
        .map(|(k, _)| (locked[k].len(), k))
        .collect();
    mailboxes.sort_by_key(|&(c, k)| (std::cmp::Reverse(c), k));
    let mut out: Vec<usize> = scens
        .iter()
        .enumerate()
        .filter(|(_, s)| s.kind != ScenarioKind::LostMailbox)
        .map(|(k, _)| k)
        .chain(
            mailboxes
                .into_iter()
                .take(MAX_MAILBOX_SCENARIOS)
                .map(|(_, k)| k),
        )
        .collect();
    out.sort_unstable();
    out
}

fn label_of(labels: &[&str], count: usize) -> String {
    match labels {
        [] => String::new(),
        [one] if count == 1 => (*one).to_owned(),
        [a, b] if count == 2 => format!("{a} and {b}"),
        [a, b, ..] => format!("{a}, {b} and {} more", count - 2),
        [a] => format!("{a} and {} more", count - 1),
    }
}

/// The picture of member `g` after scenarios `scens`; `locked_nodes[k]`: the
/// nodes locked out in scenario `k`.
pub fn build(g: &MemberGraph, scens: &[Scenario], locked_nodes: &[Vec<usize>]) -> DrillGraph {
    let draw = drawn(scens, locked_nodes);
    // Only the drawn scenarios as flags per node.
    let mut locked: Vec<Vec<bool>> = vec![Vec::new(); scens.len()];
    for &k in &draw {
        let mut v = vec![false; g.nodes.len()];
        for &n in &locked_nodes[k] {
            v[n] = true;
        }
        locked[k] = v;
    }

    let lost_in = |n: usize| -> Vec<usize> {
        draw.iter()
            .copied()
            .filter(|&k| scens[k].loss.nodes.contains(&n))
            .collect()
    };
    let mut nodes: Vec<GraphNode> = Vec::new();
    let mut edges: Vec<GraphEdge> = Vec::new();
    // One pass over the nodes' needs (into one buffer, not a `Vec` per
    // node): which items are used (by a node other than the vault's own
    // entry) and how many nodes each mailbox resets.
    let mut need: Vec<(From, GraphEdgeKind)> = Vec::new();
    let mut items_used: Vec<Item> = Vec::new();
    let mut resets = vec![0usize; g.nodes.len()];
    for n in 0..g.nodes.len() {
        needs_into(g, n, &mut need);
        for (f, _) in &need {
            match f {
                From::Node(m) => resets[*m] += 1,
                From::Item(item) => {
                    if Some(n) != g.vault_entry && !items_used.contains(item) {
                        items_used.push(*item);
                    }
                }
            }
        }
    }
    // Items first, in a fixed order, then mailboxes, then groups.
    let mut items: Vec<Item> = vec![Item::Phone, Item::Vault, Item::HardwareKey, Item::Offline];
    items.extend((0..g.contacts.len()).map(Item::Contact));
    items.push(Item::Outside);
    let mut index: HashMap<From, usize> = HashMap::default();
    for item in items {
        let is_used = items_used.contains(&item);
        if item != Item::Vault && !is_used {
            continue;
        }
        let (label, lost): (String, Vec<usize>) = match item {
            Item::Phone => (
                "phone".into(),
                draw.iter()
                    .copied()
                    .filter(|&k| scens[k].loss.phone)
                    .collect(),
            ),
            Item::Vault => (
                "password manager".into(),
                draw.iter()
                    .copied()
                    .filter(|&k| scens[k].loss.master_password)
                    .collect(),
            ),
            Item::HardwareKey => ("hardware key".into(), vec![]),
            Item::Offline => ("offline (paper)".into(), vec![]),
            Item::Outside => ("outside the exports".into(), vec![]),
            Item::Contact(c) => (format!("contact: {}", g.contacts[c]), vec![]),
        };
        let locked_out = if item == Item::Vault {
            draw.iter().copied().filter(|&k| locked[k][0]).collect()
        } else {
            vec![]
        };
        index.insert(From::Item(item), nodes.len());
        nodes.push(GraphNode {
            kind: item.kind(),
            label,
            count: 0,
            accounts: vec![],
            lost,
            locked_out,
        });
    }
    // Mailboxes: those resetting the most first.
    let mut hubs: Vec<usize> = g
        .hubs
        .iter()
        .copied()
        .filter(|&m| Some(m) != g.vault_entry)
        .collect();
    hubs.sort_by_key(|&m| (std::cmp::Reverse(resets[m]), m));
    let rest = hubs.split_off(hubs.len().min(MAX_MAILBOXES));
    let mut member_of: Vec<Option<usize>> = vec![None; g.nodes.len()];
    for &m in &hubs {
        member_of[m] = Some(nodes.len());
        index.insert(From::Node(m), nodes.len());
        nodes.push(GraphNode {
            kind: GraphNodeKind::Mailbox,
            label: g.nodes[m].label.to_string(),
            count: 1,
            accounts: g.nodes[m].account.map(account_id).into_iter().collect(),
            lost: lost_in(m),
            locked_out: draw.iter().copied().filter(|&k| locked[k][m]).collect(),
        });
    }
    if !rest.is_empty() {
        let p = nodes.len();
        let mut lost: Vec<usize> = rest.iter().flat_map(|&m| lost_in(m)).collect();
        lost.sort_unstable();
        lost.dedup();
        nodes.push(GraphNode {
            kind: GraphNodeKind::Mailbox,
            label: format!("{} more mailboxes", rest.len()),
            count: rest.len(),
            accounts: rest
                .iter()
                .filter_map(|&m| g.nodes[m].account.map(account_id))
                .take(IDS_KEPT)
                .collect(),
            lost,
            locked_out: draw
                .iter()
                .copied()
                .filter(|&k| rest.iter().any(|&m| locked[k][m]))
                .collect(),
        });
        for &m in &rest {
            member_of[m] = Some(p);
            index.insert(From::Node(m), p);
        }
    }
    // The other accounts, grouped by (dependencies, fate). Each account's
    // key is written into reused buffers, encoded as `u64`s for the lookup;
    // only a new group allocates its key.
    type Key = (Vec<(usize, GraphEdgeKind)>, Vec<bool>);
    let mut groups: Vec<(Key, Vec<usize>)> = Vec::new();
    let mut group_of: HashMap<Box<[u64]>, usize> = HashMap::default();
    let resolve_into = |u: &[(From, GraphEdgeKind)], v: &mut Vec<(usize, GraphEdgeKind)>| {
        v.clear();
        v.extend(u.iter().filter_map(|(f, k)| index.get(f).map(|&p| (p, *k))));
        v.sort_unstable();
        v.dedup();
    };
    let resolve = |u: &[(From, GraphEdgeKind)]| -> Vec<(usize, GraphEdgeKind)> {
        let mut v = Vec::new();
        resolve_into(u, &mut v);
        v
    };
    let mut deps: Vec<(usize, GraphEdgeKind)> = Vec::new();
    let mut code: Vec<u64> = Vec::new();
    for n in 1..g.nodes.len() {
        if member_of[n].is_some() || Some(n) == g.vault_entry || g.nodes[n].account.is_none() {
            continue;
        }
        needs_into(g, n, &mut need);
        resolve_into(&need, &mut deps);
        code.clear();
        code.extend(deps.iter().map(|&(p, k)| ((p as u64) << 2) | k as u64));
        // the fate after a separator no dependency encodes to
        code.push(u64::MAX);
        code.extend(draw.iter().map(|&k| u64::from(locked[k][n])));
        match group_of.get(code.as_slice()) {
            Some(&k) => groups[k].1.push(n),
            None => {
                group_of.insert(code.as_slice().into(), groups.len());
                let fate = draw.iter().map(|&k| locked[k][n]).collect();
                groups.push(((deps.clone(), fate), vec![n]));
            }
        }
    }
    // Those locked out most often first, then the biggest, then by order.
    groups.sort_by_key(|((_, f), members)| {
        (
            std::cmp::Reverse(f.iter().filter(|l| **l).count()),
            std::cmp::Reverse(members.len()),
            members[0],
        )
    });
    let not_drawn: usize = groups.iter().skip(MAX_GROUPS).map(|(_, m)| m.len()).sum();
    groups.truncate(MAX_GROUPS);
    // Edges into the vault and the mailboxes.
    let add = |edges: &mut Vec<GraphEdge>, to: usize, deps: Vec<(usize, GraphEdgeKind)>| {
        for (from, kind) in deps {
            if from != to {
                edges.push(GraphEdge { from, to, kind });
            }
        }
    };
    if let Some(&v) = index.get(&From::Item(Item::Vault)) {
        needs_into(g, 0, &mut need);
        add(&mut edges, v, resolve(&need));
    }
    for (n, p) in member_of.iter().enumerate() {
        if let Some(p) = *p {
            needs_into(g, n, &mut need);
            add(&mut edges, p, resolve(&need));
        }
    }
    for ((deps, f), members) in groups {
        let p = nodes.len();
        let labels: Vec<&str> = members
            .iter()
            .take(2)
            .map(|&n| &*g.nodes[n].label)
            .collect();
        nodes.push(GraphNode {
            kind: GraphNodeKind::Accounts,
            label: label_of(&labels, members.len()),
            count: members.len(),
            accounts: members
                .iter()
                .filter_map(|&n| g.nodes[n].account.map(account_id))
                .take(IDS_KEPT)
                .collect(),
            lost: vec![],
            locked_out: draw
                .iter()
                .zip(&f)
                .filter(|(_, l)| **l)
                .map(|(&k, _)| k)
                .collect(),
        });
        add(&mut edges, p, deps);
    }
    edges.sort_by_key(|e| (e.to, e.from, e.kind));
    edges.dedup();
    DrillGraph {
        nodes,
        edges,
        scenarios: draw,
        not_drawn,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_labels_say_how_many() {
        assert_eq!(label_of(&["A"], 1), "A");
        assert_eq!(label_of(&["A", "B"], 2), "A and B");
        assert_eq!(label_of(&["A", "B"], 5), "A, B and 3 more");
    }
}
