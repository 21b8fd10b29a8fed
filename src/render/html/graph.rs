//! The lockout drill's dependency graph as inline SVG (no script): one
//! small picture per drawn scenario, the same layout each time, with what
//! the scenario takes (lost: dark; locked out: red) highlighted.
//!
//! Layout (deterministic, integers): the things a loss takes (phone,
//! password manager, hardware key, paper, other members, outside the
//! exports) in a left column, spread over the height; the mailboxes, then
//! the account groups, stacked in a right column. An edge between the
//! columns is a curve across the gap; an edge inside a column (a mailbox
//! resetting an account, the phone holding the vault's second factor) is an
//! arc in that column's outer gutter. The kind of edge is its dash pattern,
//! a dot marks its end (what depends), and it turns red when what it comes
//! from is gone in the scenario.

use std::fmt::Write as _;

use super::esc;
use crate::report::drill::{DrillGraph, GraphEdgeKind, GraphNodeKind, MemberDrill};

/// The drawing's width in SVG units.
pub const WIDTH: i32 = 680;
const LEFT_X: i32 = 30;
const LEFT_W: i32 = 196;
const RIGHT_X: i32 = 328;
const RIGHT_W: i32 = 282;
const BOX_H: i32 = 26;
const PITCH: i32 = 34;
/// Extra space between the mailboxes and the accounts.
const SPLIT: i32 = 14;
/// Characters of a label that fit in a box (12-unit font).
const LEFT_CHARS: usize = 28;
const RIGHT_CHARS: usize = 36;

/// A box: x, y, width, height.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rect {
    pub x: i32,
    pub y: i32,
    pub w: i32,
    pub h: i32,
}

impl Rect {
    fn mid_y(self) -> i32 {
        self.y + self.h / 2
    }
    #[cfg(test)]
    pub fn overlaps(self, o: Rect) -> bool {
        self.x < o.x + o.w && o.x < self.x + self.w && self.y < o.y + o.h && o.y < self.y + self.h
    }
}

/// Where each node goes, and the drawing's height.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    pub boxes: Vec<Rect>,
    pub height: i32,
}

fn is_item(kind: GraphNodeKind) -> bool {
    !matches!(kind, GraphNodeKind::Mailbox | GraphNodeKind::Accounts)
}

pub fn layout(g: &DrillGraph) -> Layout {
    let mut boxes = vec![
        Rect {
            x: 0,
            y: 0,
            w: 0,
            h: 0
        };
        g.nodes.len()
    ];
    // Right column: mailboxes, a gap, then accounts.
    let mut y = 0;
    let mut split = false;
    for (i, n) in g.nodes.iter().enumerate() {
        if is_item(n.kind) {
            continue;
        }
        if n.kind == GraphNodeKind::Accounts && !split {
            split = true;
            if y > 0 {
                y += SPLIT;
            }
        }
        boxes[i] = Rect {
            x: RIGHT_X,
            y,
            w: RIGHT_W,
            h: BOX_H,
        };
        y += PITCH;
    }
    let items: Vec<usize> = (0..g.nodes.len())
        .filter(|&i| is_item(g.nodes[i].kind))
        .collect();
    let left = items.len() as i32 * (PITCH + 10);
    let height = y.max(left).max(PITCH) - (PITCH - BOX_H);
    // Left column: spread over the height.
    let slot = (height + PITCH - BOX_H) / (items.len().max(1) as i32);
    for (k, &i) in items.iter().enumerate() {
        boxes[i] = Rect {
            x: LEFT_X,
            y: k as i32 * slot + (slot - PITCH + (PITCH - BOX_H)) / 2,
            w: LEFT_W,
            h: BOX_H,
        };
    }
    Layout { boxes, height }
}

fn dash(kind: GraphEdgeKind) -> &'static str {
    match kind {
        GraphEdgeKind::SecondFactor => "e2f",
        GraphEdgeKind::Codes => "ecd",
        GraphEdgeKind::Resets => "ers",
    }
}

/// Vertical offset of an edge's ends, so that two edges between the same
/// nodes do not overlap.
fn offset(kind: GraphEdgeKind) -> i32 {
    match kind {
        GraphEdgeKind::SecondFactor => -6,
        GraphEdgeKind::Codes => 0,
        GraphEdgeKind::Resets => 6,
    }
}

/// The edge's path and its end point.
fn path(a: Rect, b: Rect, kind: GraphEdgeKind) -> (String, i32, i32) {
    let o = offset(kind);
    let (y1, y2) = (a.mid_y() + o, b.mid_y() + o);
    let span = (y2 - y1).abs();
    match (a.x == LEFT_X, b.x == LEFT_X) {
        (true, false) => {
            let (x1, x2) = (a.x + a.w, b.x);
            (
                format!("M{x1} {y1}C{} {y1} {} {y2} {x2} {y2}", x1 + 70, x2 - 70),
                x2,
                y2,
            )
        }
        (false, true) => {
            let (x1, x2) = (a.x, b.x + b.w);
            (
                format!("M{x1} {y1}C{} {y1} {} {y2} {x2} {y2}", x1 - 70, x2 + 70),
                x2,
                y2,
            )
        }
        (false, false) => {
            let x = a.x + a.w;
            let d = 14 + (span / 8).min(56);
            (
                format!("M{x} {y1}C{} {y1} {} {y2} {x} {y2}", x + d, x + d),
                x,
                y2,
            )
        }
        (true, true) => {
            let x = a.x;
            let d = 12 + (span / 8).min(24);
            (
                format!("M{x} {y1}C{} {y1} {} {y2} {x} {y2}", x - d, x - d),
                x,
                y2,
            )
        }
    }
}

/// One scenario's picture (`scenario`: an index into the member's scenarios).
pub fn svg(g: &DrillGraph, lay: &Layout, scenario: usize, name: &str) -> String {
    let gone = |i: usize| {
        let n = &g.nodes[i];
        n.lost.contains(&scenario) || n.locked_out.contains(&scenario)
    };
    let mut body = String::new();
    for e in &g.edges {
        let (Some(&a), Some(&b)) = (lay.boxes.get(e.from), lay.boxes.get(e.to)) else {
            continue;
        };
        let (d, x, y) = path(a, b, e.kind);
        let class = format!(
            "{}{}",
            dash(e.kind),
            if gone(e.from) { " gone" } else { "" }
        );
        let title = match e.kind {
            GraphEdgeKind::Resets => {
                format!("{} resets {}", g.nodes[e.from].label, g.nodes[e.to].label)
            }
            k => format!(
                "{}: {} {}",
                g.nodes[e.to].label,
                k.words(),
                g.nodes[e.from].label
            ),
        };
        let _ = write!(
            body,
            "<g class=\"{class}\"><title>{}</title><path d=\"{d}\"/><circle cx=\"{x}\" cy=\"{y}\" r=\"3\"/></g>",
            esc(&title)
        );
    }
    let mut locked_names = Vec::new();
    for (i, n) in g.nodes.iter().enumerate() {
        let r = lay.boxes[i];
        let lost = n.lost.contains(&scenario);
        let locked = !lost && n.locked_out.contains(&scenario);
        if locked && n.count > 0 {
            locked_names.push(n.label.clone());
        }
        let state = if lost {
            " lost"
        } else if locked {
            " locked"
        } else {
            ""
        };
        let kind = if is_item(n.kind) {
            "item"
        } else if n.kind == GraphNodeKind::Mailbox {
            "mbox"
        } else {
            "acct"
        };
        let max = if is_item(n.kind) {
            LEFT_CHARS
        } else {
            RIGHT_CHARS
        };
        let mut label = n.label.clone();
        if n.kind == GraphNodeKind::Mailbox {
            label = format!("✉ {label}");
        }
        let tag = if lost {
            "lost"
        } else if locked {
            "locked out"
        } else {
            ""
        };
        let room = if tag.is_empty() {
            max
        } else {
            max - tag.len() + 1
        };
        let shown = crate::sanitize::truncate(&label, room);
        let _ = write!(
            body,
            "<g class=\"node {kind}{state}\"><title>{}{}</title><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"{}\"/><text x=\"{}\" y=\"{}\">{}</text>",
            esc(&label),
            if tag.is_empty() {
                String::new()
            } else {
                format!(": {tag}")
            },
            r.x,
            r.y,
            r.w,
            r.h,
            if kind == "item" { 13 } else { 4 },
            r.x + 8,
            r.y + 17,
            esc(&shown)
        );
        if !tag.is_empty() {
            let _ = write!(
                body,
                "<text x=\"{}\" y=\"{}\" class=\"tag\">{tag}</text>",
                r.x + r.w - 7,
                r.y + 17
            );
        }
        body.push_str("</g>");
    }
    let alt = if locked_names.is_empty() {
        format!("{name}: nothing locked out")
    } else {
        format!("{name}: locked out: {}", locked_names.join("; "))
    };
    format!(
        "<svg viewBox=\"0 -4 {WIDTH} {}\" role=\"img\" aria-label=\"{}\" xmlns=\"http://www.w3.org/2000/svg\">{body}</svg>",
        lay.height + 8,
        esc(&alt)
    )
}

/// The member's pictures: one per drawn scenario (the first open, the
/// others folded), a legend, and what was left out.
pub fn member(m: &MemberDrill) -> String {
    let g = &m.graph;
    if g.is_empty() {
        return String::new();
    }
    let lay = layout(g);
    let mut out = String::from("<div class=\"drill-graph\">");
    for (k, &s) in g.scenarios.iter().enumerate() {
        let Some(scen) = m.scenarios.get(s) else {
            continue;
        };
        let _ = write!(
            out,
            "<details{}><summary>Picture: {} ({} locked out)</summary><figure>{}</figure></details>",
            if k == 0 { " open" } else { "" },
            esc(&scen.name),
            scen.locked_out.len(),
            svg(g, &lay, s, &scen.name)
        );
    }
    let line = |class: &str| {
        format!(
            "<svg class=\"key\" viewBox=\"0 0 34 10\" aria-hidden=\"true\" xmlns=\"http://www.w3.org/2000/svg\"><g class=\"{class}\"><path d=\"M1 5H30\"/><circle cx=\"30\" cy=\"5\" r=\"3\"/></g></svg>"
        )
    };
    let _ = write!(
        out,
        "<ul class=\"legend\"><li>{}resets</li><li>{}second factor on</li><li>{}codes in</li><li>{}from something gone</li>\
<li><i class=\"sw lost\"></i>lost</li><li><i class=\"sw locked\"></i>locked out</li></ul>\
<p class=\"muted\">A dot marks what depends on the other end. Every password is in the password manager (not drawn). \
Accounts with the same dependencies and the same fate share a box.",
        line("ers"),
        line("e2f"),
        line("ecd"),
        line("e2f gone"),
    );
    if g.not_drawn > 0 {
        let _ = write!(
            out,
            " And {} more accounts, not drawn (the table above counts them).",
            g.not_drawn
        );
    }
    let hidden = m.scenarios.len().saturating_sub(g.scenarios.len());
    if hidden > 0 {
        let _ = write!(
            out,
            " {hidden} more lost-mailbox scenarios are in the table above, not drawn."
        );
    }
    out.push_str("</p></div>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::drill::{GraphEdge, GraphNode, ScenarioResult, VaultNode};

    fn node(kind: GraphNodeKind, label: &str, count: usize) -> GraphNode {
        GraphNode {
            kind,
            label: label.into(),
            count,
            accounts: vec![],
            lost: vec![],
            locked_out: vec![],
        }
    }

    /// Phone, vault, paper; a mailbox; `groups` account groups, the first
    /// two locked out in scenario 0, and the phone lost in it.
    fn graph(groups: usize) -> DrillGraph {
        let mut nodes = vec![
            node(GraphNodeKind::Phone, "phone", 0),
            node(GraphNodeKind::Vault, "password manager", 0),
            node(GraphNodeKind::Offline, "offline (paper)", 0),
            node(GraphNodeKind::Mailbox, "Gmail", 1),
        ];
        nodes[0].lost = vec![0];
        nodes[3].locked_out = vec![0];
        let mut edges = vec![
            GraphEdge {
                from: 0,
                to: 3,
                kind: GraphEdgeKind::SecondFactor,
            },
            GraphEdge {
                from: 0,
                to: 1,
                kind: GraphEdgeKind::SecondFactor,
            },
            GraphEdge {
                from: 3,
                to: 1,
                kind: GraphEdgeKind::Resets,
            },
        ];
        for k in 0..groups {
            let mut n = node(GraphNodeKind::Accounts, &format!("Site {k} <b>&"), k + 1);
            if k < 2 {
                n.locked_out = vec![0];
            }
            edges.push(GraphEdge {
                from: 3,
                to: nodes.len(),
                kind: GraphEdgeKind::Resets,
            });
            nodes.push(n);
        }
        DrillGraph {
            nodes,
            edges,
            scenarios: vec![0],
            not_drawn: 0,
        }
    }

    #[test]
    fn no_two_boxes_overlap_and_all_fit_the_width() {
        for groups in [0, 1, 3, 14] {
            let g = graph(groups);
            let lay = layout(&g);
            assert_eq!(lay.boxes.len(), g.nodes.len());
            for (i, a) in lay.boxes.iter().enumerate() {
                assert!(a.x >= 0 && a.x + a.w <= WIDTH, "{a:?}");
                assert!(
                    a.y >= 0 && a.y + a.h <= lay.height,
                    "{a:?} in {}",
                    lay.height
                );
                for b in &lay.boxes[i + 1..] {
                    assert!(!a.overlaps(*b), "{groups} groups: {a:?} overlaps {b:?}");
                }
            }
            // The same graph, the same layout.
            assert_eq!(layout(&g), lay);
        }
    }

    #[test]
    fn every_locked_out_node_is_highlighted_and_labels_are_escaped() {
        let g = graph(4);
        let lay = layout(&g);
        let s = svg(&g, &lay, 0, "lost <phone>");
        assert!(!s.contains("<b>"), "{s}");
        assert!(s.contains("Site 0 &lt;b&gt;&amp;"), "{s}");
        assert!(s.contains("aria-label=\"lost &lt;phone&gt;: locked out: "));
        // Gmail and the first two groups locked out, the phone lost, the rest not.
        assert_eq!(s.matches("class=\"node mbox locked\"").count(), 1);
        assert_eq!(s.matches("class=\"node acct locked\"").count(), 2);
        assert_eq!(s.matches("class=\"node item lost\"").count(), 1);
        assert_eq!(s.matches("class=\"node acct\"").count(), 2);
        // Edges from what is gone turn red.
        assert_eq!(s.matches(" gone\"").count(), 2 + 4 + 1, "{s}");
        // Another scenario highlights nothing.
        let other = svg(&g, &lay, 1, "lost vault");
        assert!(!other.contains("locked\""));
        assert!(!other.contains(" gone\""));
    }

    #[test]
    fn long_labels_are_cut_to_their_box() {
        let mut g = graph(1);
        g.nodes[4].label = "x".repeat(300);
        let lay = layout(&g);
        let s = svg(&g, &lay, 0, "s");
        let shown = format!(">{}…<", "x".repeat(RIGHT_CHARS - "locked out".len()));
        assert!(s.contains(&shown), "{s}");
    }

    #[test]
    fn a_member_gets_one_picture_per_drawn_scenario_and_says_what_is_left_out() {
        let mut g = graph(2);
        g.not_drawn = 7;
        let scen = |name: &str| ScenarioResult {
            scenario: "lost_phone".into(),
            name: name.into(),
            mailbox: None,
            reachable: 0,
            cannot_tell: 0,
            vault_reachable: true,
            locked_out: vec![],
        };
        let m = MemberDrill {
            member: "alice".into(),
            vault: VaultNode {
                account: None,
                two_factor: String::new(),
                emergency_kit: false,
                emergency_access: None,
                described: false,
            },
            scenarios: vec![scen("lost phone"), scen("lost mailbox X")],
            actions: vec![],
            graph: g,
        };
        let html = member(&m);
        assert_eq!(html.matches("<svg viewBox=\"0 -4").count(), 1);
        assert!(html.contains("<details open><summary>Picture: lost phone"));
        assert!(html.contains("And 7 more accounts, not drawn"));
        assert!(html.contains("1 more lost-mailbox scenarios"));
        assert!(!html.contains("<script"));
    }
}
