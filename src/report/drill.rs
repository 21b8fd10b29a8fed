//! The lockout drill's results (the JSON `drill` section): per member, what
//! each scenario (lost phone, lost password manager, lost mailbox, all at
//! once) leaves reachable, what it locks out and why, and the actions that
//! save the most accounts. Built by `checks::drill`.

use serde::{Deserialize, Serialize};

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
    pub account: String,
    pub label: String,
    /// Steps, first the account's own, then what its recovery depends on.
    pub chain: Vec<String>,
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
