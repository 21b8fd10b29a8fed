//! The lockout drill's results (the JSON `drill` section): per member, what
//! each scenario (lost phone, lost password manager, lost mailbox, all at
//! once) leaves reachable, what it locks out and why, and the actions that
//! save the most accounts. Built by `checks::drill`.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::AccountId;

/// The whole drill (JSON `drill`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Drill {
    pub members: Vec<MemberDrill>,
}

/// One member's drill.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberDrill {
    pub member: String,
    /// The password manager as a node.
    pub vault: VaultNode,
    pub scenarios: Vec<ScenarioResult>,
    /// The fewest actions that save the most accounts (greedy, best first).
    pub actions: Vec<DrillAction>,
    /// The dependency graph to draw (additive; older reports lack it).
    #[serde(default, skip_serializing_if = "DrillGraph::is_empty")]
    pub graph: DrillGraph,
}

/// What unlocks the password manager.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VaultNode {
    /// The vault's own entry in the export (`A12`), if any.
    pub account: Option<String>,
    /// Its second factor, in plain words (`authenticator app on the phone`,
    /// `none recorded`).
    pub two_factor: String,
    /// An emergency kit or recovery code kept outside the vault (inventory
    /// `[vault] recovery`); false when nothing says so.
    pub emergency_kit: bool,
    /// Another member with emergency access to the vault (inventory
    /// `[vault] emergency_access`): a way in that survives this member's losses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub emergency_access: Option<String>,
    /// The inventory has a `[vault]` table for this member. Without one, the
    /// lost-vault scenario is reported but raises no finding.
    pub described: bool,
}

/// One scenario's outcome for one member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScenarioResult {
    /// `lost_phone`, `lost_vault`, `lost_mailbox` or `all`.
    pub scenario: String,
    /// Plain words: `lost phone`, `lost mailbox alice@gmail.com`.
    pub name: String,
    /// For `lost_mailbox`: the mailbox's account id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mailbox: Option<String>,
    /// Accounts still reachable.
    pub reachable: usize,
    /// Accounts the export cannot tell about (never counted as reachable).
    pub cannot_tell: usize,
    /// Whether the password manager itself is still unlockable.
    pub vault_reachable: bool,
    pub locked_out: Vec<LockedOut>,
}

/// An account a scenario locks out, with the chain that explains it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockedOut {
    /// Written `""` when the node is no account.
    #[serde(with = "id_or_empty")]
    pub account: Option<AccountId>,
    /// Shared by the account's entries in every scenario.
    pub label: Arc<str>,
    /// Steps, first the account's own, then what its recovery depends on.
    /// A step is held once per member however many chains say it (the
    /// steps of a lost mailbox end the chains of every account it resets:
    /// 600,000 steps, 100,000 distinct, at 200,000 accounts).
    pub chain: Vec<Arc<str>>,
}

/// An optional account id written as the id, or `""` for none.
mod id_or_empty {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::AccountId;

    pub fn serialize<S: Serializer>(id: &Option<AccountId>, s: S) -> Result<S::Ok, S::Error> {
        match id {
            Some(id) => id.serialize(s),
            None => s.serialize_str(""),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<AccountId>, D::Error> {
        let text = std::borrow::Cow::<'de, str>::deserialize(d)?;
        if text.is_empty() {
            return Ok(None);
        }
        AccountId::parse(&text)
            .map(Some)
            .ok_or_else(|| serde::de::Error::custom(format!("`{text}` is not an account id")))
    }
}

/// A suggested action and what it saves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrillAction {
    /// Plain words: `save Gmail's backup codes offline`.
    pub action: String,
    /// The account it is about (`A3`), or none for the vault itself.
    pub account: Option<String>,
    /// Accounts no longer locked out in the scenario where it helps most
    /// (after the actions before it). Actions are ranked by the sum over all
    /// the drill's scenarios.
    pub accounts_saved: usize,
    /// That scenario (`lost phone`).
    pub scenario: String,
}

/// One member's recovery dependencies as a picture (drawn as inline SVG by
/// the HTML report): the things a loss takes (phone, password manager,
/// hardware key, paper), the mailboxes that reset other accounts, and the
/// other accounts grouped by what they depend on and what each drawn
/// scenario does to them. Bounded in size whatever the member's size
/// (accounts beyond the drawn groups are counted in `not_drawn`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrillGraph {
    pub nodes: Vec<GraphNode>,
    pub edges: Vec<GraphEdge>,
    /// The scenarios drawn (indices into the member's `scenarios`): lost
    /// phone, lost password manager, all at once and the lost mailboxes that
    /// lock out the most.
    pub scenarios: Vec<usize>,
    /// Accounts in no drawn node (beyond the cap on groups).
    #[serde(default)]
    pub not_drawn: usize,
}

impl DrillGraph {
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }
}

/// What a graph node stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GraphNodeKind {
    /// The password manager.
    Vault,
    Phone,
    HardwareKey,
    /// Codes or an emergency kit kept offline (paper, the inventory).
    Offline,
    /// A mailbox outside the exports, or what the export cannot tell.
    Outside,
    /// Another member (trusted contact, emergency access, codes in their vault).
    Contact,
    /// A mailbox that resets other accounts (one account, or several
    /// mailboxes beyond the cap).
    Mailbox,
    /// One account, or accounts sharing the same dependencies and fate.
    Accounts,
}

/// One node: what it is, its words, its accounts, and the drawn scenarios
/// (indices into the member's `scenarios`) that take it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GraphNode {
    pub kind: GraphNodeKind,
    pub label: String,
    /// How many accounts it stands for (0 for the things: phone, vault...).
    pub count: usize,
    /// Its first accounts' ids (at most a few).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub accounts: Vec<String>,
    /// Scenarios in which it is lost outright (the phone, the master
    /// password, the mailbox of a lost-mailbox scenario).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lost: Vec<usize>,
    /// Scenarios that lock it out (for a node of several accounts: every
    /// one of them; for mailboxes beyond the cap: at least one).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub locked_out: Vec<usize>,
}

/// What an edge says: `from` resets `to`, holds `to`'s second factor, or
/// holds `to`'s backup codes (or emergency kit).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GraphEdgeKind {
    Resets,
    SecondFactor,
    Codes,
}

impl GraphEdgeKind {
    /// Plain words (`resets`, `second factor on`, `codes in`).
    pub fn words(self) -> &'static str {
        match self {
            GraphEdgeKind::Resets => "resets",
            GraphEdgeKind::SecondFactor => "second factor on",
            GraphEdgeKind::Codes => "codes in",
        }
    }
}

/// An edge between two nodes (indices into `nodes`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GraphEdge {
    pub from: usize,
    pub to: usize,
    pub kind: GraphEdgeKind,
}
