//! `drill`: the lockout drill. For each member, what is still reachable if
//! the phone is lost, if the password manager cannot be unlocked, if a
//! recovery mailbox is gone, and all of them at once; the chain that explains
//! each lockout, and the actions that save the most accounts.
//!
//! The model ([`graph`]): one node for the password manager and one per
//! account. An account's ways in: its password (in the vault) with its second
//! factor (a TOTP seed in the vault; an authenticator app, SMS or a device
//! passkey on the phone; a hardware key; codes by mail), its password with
//! its backup codes (in the vault, or offline / in the recovery inventory),
//! "forgot password" through its recovery mailbox (its email username or the
//! inventory's `recovery_email`), a recovery phone. The vault's ways in: the
//! master password with the vault's own 2FA (its own entry in the export, or
//! the inventory's `[vault] two_factor`), its emergency kit (`[vault]
//! recovery`), its own entry's offline codes or mailbox.
//!
//! What the export cannot tell (a format without 2FA data, a mailbox that is
//! not in the vault) is an unknown requirement: such accounts are counted as
//! "cannot tell", never as reachable.
//!
//! Findings: `recovery_cycle`, `single_point_of_failure`, `codes_with_seed`,
//! `sms_only`. Reads the recovery check's facts (2FA, backup codes, money).

pub mod graph;
mod picture;

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::recovery::hubs::{normalize_address, provider};
use super::recovery::inventory::{AccountKey, AuthMethod, Record, VaultInfo};
use super::{Context, Draft, Facts, FindingKind, Outcome};
use crate::finding::account_id;
use crate::report::drill::{Drill, DrillAction, LockedOut, MemberDrill, ScenarioResult, VaultNode};
use crate::report::{CodeStatus, Place, Recovery, Severity};
use crate::text::join_and;
use graph::{Graph, Loss, Req, State, Way, WayKind};

/// The fewest accounts one lost item must lock out to be a single point of
/// failure.
pub const SPOF_MIN: usize = 3;

/// The fewest accounts per task when a member's accounts are set up in
/// parallel.
const PAR_MIN: usize = 256;

/// How many suggested actions each member gets.
pub const MAX_ACTIONS: usize = 3;

/// Candidate actions tried per member (the nodes most others depend on).
const MAX_CANDIDATES: usize = 32;

/// Beyond this many mailboxes, actions are scored on the lost phone, lost
/// vault and all-at-once scenarios only (each lost-mailbox scenario is a
/// pass over the graph per candidate).
const MAX_MAILBOX_SCENARIOS_FOR_ACTIONS: usize = 10;

/// The scenarios, by their `--drill` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ScenarioKind {
    LostPhone,
    LostVault,
    LostMailbox,
    All,
}

impl ScenarioKind {
    pub const ALL: &[ScenarioKind] = &[
        ScenarioKind::LostPhone,
        ScenarioKind::LostVault,
        ScenarioKind::LostMailbox,
        ScenarioKind::All,
    ];

    /// JSON name (`lost_phone`).
    pub fn as_str(self) -> &'static str {
        match self {
            ScenarioKind::LostPhone => "lost_phone",
            ScenarioKind::LostVault => "lost_vault",
            ScenarioKind::LostMailbox => "lost_mailbox",
            ScenarioKind::All => "all",
        }
    }

    /// Parses `lost-phone`, `lost_phone`, `lost-vault`, `lost-mailbox`, `all`.
    pub fn parse(s: &str) -> Option<ScenarioKind> {
        let s = s.trim().to_ascii_lowercase().replace('-', "_");
        Self::ALL.iter().copied().find(|k| k.as_str() == s)
    }
}

/// What a second factor needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Factor {
    /// A TOTP seed (or passkey) in the vault.
    VaultSeed,
    App,
    Sms,
    DevicePasskey,
    HardwareKey,
    /// Codes to the recovery mailbox.
    Email,
    /// 2FA state unknown (the format cannot carry it).
    Unknown,
}

impl Factor {
    fn words(self) -> &'static str {
        match self {
            Factor::VaultSeed => "TOTP seed in the vault",
            Factor::App => "authenticator app on the phone",
            Factor::Sms => "SMS to the phone",
            Factor::DevicePasskey => "passkey on the phone",
            Factor::HardwareKey => "hardware key",
            Factor::Email => "codes by mail",
            Factor::Unknown => "unknown (the export cannot tell)",
        }
    }
}

/// A node's second factors (a handful at most).
type Factors = smallvec::SmallVec<[Factor; 4]>;

/// What the drill knows about one node.
#[derive(Debug, Clone, Default)]
struct NodeInfo<'a> {
    /// Borrowed from the entry's title when it has one (see [`label`]).
    label: Cow<'a, str>,
    /// Account index (none for the vault node).
    account: Option<usize>,
    /// Inline: no allocation per node.
    factors: Factors,
    codes_offline: bool,
    codes_in_vault: bool,
    codes_unknown: bool,
    mailbox: Option<usize>,
    mailbox_outside: Option<String>,
    recovery_phone: bool,
    kit: bool,
    money: bool,
    /// Other people who can restore access (a trusted contact; the vault's
    /// emergency access): their losses are not this member's, so this way
    /// survives every scenario.
    contacts: Vec<String>,
    /// Backup codes kept in another member's vault (`where = "member:bob"`).
    codes_with_contact: Option<String>,
}

/// One member's graph with what each node is.
#[derive(Debug)]
struct MemberGraph<'a> {
    member: String,
    graph: Graph,
    nodes: Vec<NodeInfo<'a>>,
    /// Node of the vault's own entry, if any.
    vault_entry: Option<usize>,
    /// Mailbox nodes that reset at least one other node.
    hubs: Vec<usize>,
    /// The inventory describes this member's vault (`[vault]`): whether it
    /// has an emergency kit is known.
    vault_known: bool,
    /// The other members a recovery path goes through (their losses are not
    /// this member's: they survive every scenario).
    contacts: Vec<String>,
}

/// The registrable domain of a format's manager, for its own entry.
fn manager_domain(format: &str) -> Option<&'static str> {
    Some(match format {
        f if f.starts_with("bitwarden") => "bitwarden.com",
        f if f.starts_with("1password") => "1password.com",
        f if f.starts_with("lastpass") => "lastpass.com",
        f if f.starts_with("protonpass") => "proton.me",
        f if f.starts_with("dashlane") => "dashlane.com",
        f if f.starts_with("keeper") => "keepersecurity.com",
        f if f.starts_with("nordpass") => "nordpass.com",
        f if f.starts_with("roboform") => "roboform.com",
        _ => return None,
    })
}

/// What the inventory says about account `i`: the line on how it is
/// recovered, and the member whose vault keeps its codes (`member:bob`).
/// The entry's domains are computed once for all the lines.
fn inventory_lines<'a>(ctx: &'a Context, i: usize) -> (Option<&'a Record>, Option<String>) {
    let Some(inv) = ctx.recovery.inventory.as_ref() else {
        return (None, None);
    };
    let domains: Vec<&str> = ctx.sites().of(i).map(|s| s.domain).collect();
    let account = AccountKey::new(ctx.member(i), ctx.entry(i), domains);
    // One pass over the lines for both (the first line that says how the
    // account is recovered, the first that says where its codes are).
    let says_ways = |r: &Record| {
        !r.methods.is_empty()
            || r.recovery_email.is_some()
            || r.recovery_phone
            || r.trusted_contact.is_some()
    };
    let (mut ways, mut codes_line): (Option<&Record>, Option<&Record>) = (None, None);
    for (r, key) in inv.keyed() {
        let want_ways = ways.is_none() && says_ways(r);
        let want_codes = codes_line.is_none() && !r.location.is_empty();
        if (want_ways || want_codes) && r.matches_key(key, &account) {
            if want_ways {
                ways = Some(r);
            }
            if want_codes {
                codes_line = Some(r);
            }
            if ways.is_some() && codes_line.is_some() {
                break;
            }
        }
    }
    let codes = codes_line.and_then(|r| r.codes_member()).map(str::to_owned);
    (ways, codes)
}

fn factor_of(m: AuthMethod) -> Factor {
    match m {
        AuthMethod::App => Factor::App,
        AuthMethod::Sms => Factor::Sms,
        AuthMethod::HardwareKey => Factor::HardwareKey,
        AuthMethod::Passkey => Factor::DevicePasskey,
        AuthMethod::Email => Factor::Email,
    }
}

/// Account `i`'s label ([`crate::model::account_label`]), borrowed from its
/// title when it has one: most accounts' labels are never printed.
fn label<'a>(ctx: &Context<'a>, i: usize) -> Cow<'a, str> {
    let e = ctx.entry(i);
    match e.title.trim() {
        "" => Cow::Owned(e.label()),
        title => Cow::Borrowed(title),
    }
}

/// Account `i`'s node facts (mailbox resolved later).
fn account_info<'a>(
    ctx: &Context<'a>,
    i: usize,
    rec: &Recovery,
    inv: Option<&Record>,
    with_member: Option<String>,
) -> NodeInfo<'a> {
    let mut factors: Factors = inv
        .map(|r| r.methods.iter().map(|m| factor_of(*m)).collect())
        .unwrap_or_default();
    let seed = !rec.two_factor.methods.is_empty();
    if seed {
        factors.push(Factor::VaultSeed);
    }
    if factors.is_empty() {
        match rec.two_factor.enabled {
            // 2FA known on (saved codes) with no seed in the vault: an app.
            Some(true) => factors.push(Factor::App),
            Some(false) => {}
            None => factors.push(Factor::Unknown),
        }
    }
    let member = ctx.member(i);
    let myself = |c: &str| c.trim().eq_ignore_ascii_case(member.trim());
    let mut info = NodeInfo {
        label: label(ctx, i),
        account: Some(i),
        factors,
        recovery_phone: inv.is_some_and(|r| r.recovery_phone),
        money: rec.two_factor_available.as_ref().is_some_and(|a| a.money),
        // A member cannot be their own trusted contact: not a way of its own.
        contacts: inv
            .and_then(|r| r.trusted_contact.clone())
            .filter(|c| !myself(c))
            .into_iter()
            .collect(),
        ..NodeInfo::default()
    };
    // Codes the inventory says are in another member's vault (`member:bob`):
    // not lost with this member's vault; in their own vault (`member:` with
    // their own name): in the vault.
    match rec.backup_codes.status {
        CodeStatus::Saved => {
            for e in &rec.backup_codes.evidence {
                match (&with_member, e.place == Place::Inventory) {
                    (Some(c), true) if myself(c) => info.codes_in_vault = true,
                    (Some(c), true) => info.codes_with_contact = Some(c.clone()),
                    _ if e.offline || e.place == Place::Inventory => info.codes_offline = true,
                    _ => info.codes_in_vault = true,
                }
            }
        }
        CodeStatus::Unknown => info.codes_unknown = true,
        CodeStatus::Missing | CodeStatus::NotApplicable => {}
    }
    info
}

/// What resets account `i`, before it is normalised: the inventory's
/// `recovery_email`, else its username.
fn reset_raw<'a>(ctx: &'a Context, i: usize, inv: Option<&'a Record>) -> &'a str {
    inv.and_then(|r| r.recovery_email.as_deref())
        .unwrap_or(&ctx.entry(i).username)
}

/// The member's accounts by the mail providers of their URLs, to find the
/// mailbox of an address without a pass over every account.
struct Mailboxes<'a> {
    accounts: &'a [usize],
    by_provider: HashMap<String, Vec<usize>>,
}

impl<'a> Mailboxes<'a> {
    fn new(ctx: &Context, accounts: &'a [usize]) -> Self {
        // Each distinct host's provider once (accounts share hosts), as a
        // slot of `lists`.
        let mut slot_of_host: FxHashMap<&str, usize> = FxHashMap::default();
        let mut slot_of_provider: HashMap<String, usize> = HashMap::new();
        let mut lists: Vec<Vec<usize>> = Vec::new();
        let mut mine: Vec<usize> = Vec::new();
        for (k, &i) in accounts.iter().enumerate() {
            mine.clear();
            for s in ctx.sites().of(i) {
                let slot = *slot_of_host.entry(s.host).or_insert_with(|| {
                    let next = slot_of_provider.len();
                    let slot = *slot_of_provider.entry(provider(s.host)).or_insert(next);
                    if slot == lists.len() {
                        lists.push(Vec::new());
                    }
                    slot
                });
                mine.push(slot);
            }
            mine.sort_unstable();
            mine.dedup();
            for &p in &mine {
                lists[p].push(k);
            }
        }
        let by_provider = slot_of_provider
            .into_iter()
            .map(|(p, slot)| (p, std::mem::take(&mut lists[slot])))
            .collect();
        Mailboxes {
            accounts,
            by_provider,
        }
    }

    /// The position (in `accounts`) of the first account that is the
    /// mailbox of `address`.
    fn find(&self, ctx: &Context, address: &str) -> Option<usize> {
        let dom = address.split_once('@').map_or("", |(_, d)| d);
        self.by_provider
            .get(&provider(dom))?
            .iter()
            .copied()
            .find(|&k| is_mailbox_user(ctx, self.accounts[k], address))
    }
}

/// Whether account `i` (on the provider of `address`) is its mailbox: its
/// username is the address, or its local part.
fn is_mailbox_user(ctx: &Context, i: usize, address: &str) -> bool {
    let local = address.split_once('@').map_or(address, |(l, _)| l);
    let e = ctx.entry(i);
    let user = e.username.trim().to_lowercase();
    match normalize_address(&user) {
        Some((a, _)) => a == address,
        None => !user.is_empty() && (user == local || user.replace('.', "") == local),
    }
}

fn build<'a>(
    ctx: &Context<'a>,
    member: &str,
    accounts: &[usize],
    recovery: &[Option<Box<Recovery>>],
) -> MemberGraph<'a> {
    // Node 0 is the vault; node k + 1 is accounts[k].
    let mut nodes = vec![NodeInfo {
        label: "the password manager".into(),
        ..NodeInfo::default()
    }];
    // Each account on its own (its inventory lines, its facts): in
    // parallel, in order.
    let lines: Vec<(Option<&Record>, Option<String>)> = accounts
        .par_iter()
        .with_min_len(PAR_MIN)
        .map(|&i| inventory_lines(ctx, i))
        .collect();
    nodes.par_extend(accounts.par_iter().zip(&lines).with_min_len(PAR_MIN).map(
        |(&i, (ways, with))| match &recovery[i] {
            Some(rec) => account_info(ctx, i, rec, *ways, with.clone()),
            None => NodeInfo {
                label: label(ctx, i),
                account: Some(i),
                factors: smallvec::smallvec![Factor::Unknown],
                codes_unknown: true,
                ..NodeInfo::default()
            },
        },
    ));
    // Mailboxes: each reset address to its node, when the member has it.
    let index = Mailboxes::new(ctx, accounts);
    // Each distinct reset address (as written) once: its normalised form
    // and its mailbox node.
    let mut mailbox_of: FxHashMap<&str, Option<(String, Option<usize>)>> = FxHashMap::default();
    for (k, &i) in accounts.iter().enumerate() {
        let raw = reset_raw(ctx, i, lines[k].0);
        let found = mailbox_of.entry(raw).or_insert_with(|| {
            normalize_address(raw).map(|(address, _)| {
                let m = index.find(ctx, &address).map(|p| p + 1);
                (address, m)
            })
        });
        let Some((address, m)) = found else {
            continue;
        };
        match *m {
            Some(m) if m != k + 1 => nodes[k + 1].mailbox = Some(m),
            Some(_) => {}
            None => nodes[k + 1].mailbox_outside = Some(address.clone()),
        }
    }
    // The vault's own entry and the inventory's [vault] table.
    let own = ctx
        .vault
        .sources
        .iter()
        .find(|s| s.member == member)
        .and_then(|s| manager_domain(s.format));
    let vault_entry = own.and_then(|d| {
        accounts
            .iter()
            .position(|&i| ctx.sites().of(i).any(|s| s.domain == d))
    });
    let vault_entry = vault_entry.map(|p| p + 1);
    // The member's own [vault.<member>] table, else the one for everyone.
    let table = ctx.recovery.inventory.as_ref().and_then(|inv| {
        let mine = |t: &&VaultInfo| {
            t.member
                .as_deref()
                .is_some_and(|m| m.eq_ignore_ascii_case(member.trim()))
        };
        inv.vaults
            .iter()
            .find(mine)
            .or_else(|| inv.vaults.iter().find(|t| t.member.is_none()))
            .cloned()
    });
    let mut vault = nodes[0].clone();
    if let Some(v) = vault_entry {
        let e = &nodes[v];
        // A seed kept in the vault cannot open the vault: it is used from
        // the phone.
        vault.factors = e
            .factors
            .iter()
            .map(|f| match f {
                Factor::VaultSeed => Factor::App,
                f => *f,
            })
            .collect();
        vault.factors.dedup();
        vault.codes_offline = e.codes_offline;
        vault.mailbox = e.mailbox;
        vault.mailbox_outside = e.mailbox_outside.clone();
    }
    if let Some(t) = &table {
        if let Some(m) = t.two_factor {
            vault.factors = smallvec::smallvec![factor_of(m)];
        } else if vault_entry.is_none() {
            vault.factors.clear();
        }
        vault.kit = t.recovery.is_some();
        vault.contacts = t
            .emergency_access
            .clone()
            .filter(|c| !c.trim().eq_ignore_ascii_case(member.trim()))
            .into_iter()
            .collect();
        if let Some(address) = t
            .recovery_email
            .as_deref()
            .and_then(|a| normalize_address(a).map(|(a, _)| a))
        {
            match index.find(ctx, &address) {
                Some(p) => {
                    vault.mailbox = Some(p + 1);
                    vault.mailbox_outside = None;
                }
                None => {
                    vault.mailbox = None;
                    vault.mailbox_outside = Some(address);
                }
            }
        }
    }
    nodes[0] = vault;
    let vault_known = table.is_some();

    let mut graph = Graph {
        ways: nodes
            .par_iter()
            .enumerate()
            .with_min_len(PAR_MIN)
            .map(|(n, info)| ways_of(n, info))
            .collect(),
    };
    if let Some(v) = vault_entry {
        // The vault's own account opens with the vault.
        graph.ways[v] = vec![Way::new(WayKind::Login, [Req::Node(0)])];
    }
    let mut contacts: Vec<String> = nodes
        .iter()
        .flat_map(|n| n.contacts.iter().chain(&n.codes_with_contact))
        .cloned()
        .collect();
    contacts.sort_unstable();
    contacts.dedup();
    let mut hubs: Vec<usize> = nodes.iter().filter_map(|n| n.mailbox).collect();
    hubs.sort_unstable();
    hubs.dedup();
    MemberGraph {
        member: member.to_owned(),
        graph,
        nodes,
        vault_entry,
        hubs,
        vault_known,
        contacts,
    }
}

/// What a second factor requires (one thing at most).
fn factor_needs(f: Factor, info: &NodeInfo) -> Option<Req> {
    match f {
        Factor::VaultSeed => Some(Req::Node(0)),
        Factor::App | Factor::Sms | Factor::DevicePasskey => Some(Req::Phone),
        Factor::HardwareKey => None,
        Factor::Email => Some(info.mailbox.map_or(Req::Unknown, Req::Node)),
        Factor::Unknown => Some(Req::Unknown),
    }
}

/// Node `n`'s ways in.
fn ways_of(n: usize, info: &NodeInfo) -> Vec<Way> {
    let password = if n == 0 {
        Req::MasterPassword
    } else {
        Req::Node(0)
    };
    let mut ways = Vec::with_capacity(info.factors.len().max(1) + 2);
    if info.factors.is_empty() {
        ways.push(Way::new(WayKind::Login, [password]));
    }
    for f in &info.factors {
        let needs = factor_needs(*f, info).into_iter().chain([password]);
        ways.push(Way::new(WayKind::Login, needs));
    }
    let two_factor = !info.factors.is_empty();
    if two_factor && info.codes_offline {
        ways.push(Way::new(WayKind::Codes, [password]));
    }
    if two_factor && info.codes_with_contact.is_some() {
        // In another member's vault: their losses are not this member's.
        ways.push(Way::new(WayKind::Codes, [password]));
    }
    if two_factor && info.codes_in_vault {
        ways.push(Way::new(WayKind::Codes, [password, Req::Node(0)]));
    }
    if two_factor && info.codes_unknown {
        ways.push(Way::new(WayKind::Codes, [password, Req::Unknown]));
    }
    let mailbox = info
        .mailbox
        .map(Req::Node)
        .or(info.mailbox_outside.as_ref().map(|_| Req::Unknown));
    if let Some(m) = mailbox {
        if n == 0 {
            // A vault's mail recovery replaces its 2FA, not its password.
            if two_factor {
                ways.push(Way::new(WayKind::Mailbox, [m, Req::MasterPassword]));
            }
        } else {
            ways.push(Way::new(WayKind::Mailbox, [m]));
        }
    }
    if info.recovery_phone {
        ways.push(Way::new(WayKind::RecoveryPhone, [Req::Phone]));
    }
    if info.kit {
        ways.push(Way::new(WayKind::EmergencyKit, []));
    }
    if !info.contacts.is_empty() {
        // A trusted contact (or the vault's emergency access) restores access
        // whatever this member lost.
        ways.push(Way::new(WayKind::Contact, []));
    }
    ways
}

/// One scenario: its kind, name, mailbox and what it takes.
struct Scenario {
    kind: ScenarioKind,
    name: String,
    mailbox: Option<usize>,
    loss: Loss,
}

fn scenarios(g: &MemberGraph, wanted: &[ScenarioKind]) -> Vec<Scenario> {
    let mut out = Vec::new();
    let on = |k| wanted.is_empty() || wanted.contains(&k);
    if on(ScenarioKind::LostPhone) {
        out.push(Scenario {
            kind: ScenarioKind::LostPhone,
            name: "lost phone".into(),
            mailbox: None,
            loss: Loss {
                phone: true,
                ..Loss::default()
            },
        });
    }
    if on(ScenarioKind::LostVault) {
        out.push(Scenario {
            kind: ScenarioKind::LostVault,
            name: "lost password manager".into(),
            mailbox: None,
            loss: Loss {
                master_password: true,
                ..Loss::default()
            },
        });
    }
    if on(ScenarioKind::LostMailbox) {
        for &m in &g.hubs {
            out.push(Scenario {
                kind: ScenarioKind::LostMailbox,
                name: format!("lost mailbox {}", g.nodes[m].label),
                mailbox: Some(m),
                loss: Loss {
                    nodes: vec![m],
                    ..Loss::default()
                },
            });
        }
    }
    if on(ScenarioKind::All) {
        out.push(Scenario {
            kind: ScenarioKind::All,
            name: "all at once".into(),
            mailbox: None,
            loss: Loss {
                phone: true,
                master_password: true,
                nodes: g.hubs.clone(),
            },
        });
    }
    out
}

/// One scenario's sub-chains: the chain of a node that locked-out nodes
/// depend on (a mailbox), explained once on its own, with the nodes it
/// visited. The 499 accounts behind one lost mailbox repeat the same
/// sub-chain: it is written once per scenario and copied.
type SubChains = FxHashMap<usize, (Vec<String>, Vec<usize>)>;

/// The chain that explains why node `n` is locked out. `subs`: this
/// scenario's sub-chains so far (empty for a new scenario).
fn chain(
    g: &MemberGraph,
    n: usize,
    loss: &Loss,
    reached: &[bool],
    subs: &mut SubChains,
) -> Vec<String> {
    let mut steps = Vec::new();
    // a chain visits a handful of nodes: a `Vec` (no allocation per node)
    let mut seen = Vec::new();
    explain(g, n, loss, reached, &mut steps, &mut seen, Some(subs));
    steps
}

/// Explains node `n` into `steps` (a step already there is not repeated;
/// `seen`: the nodes explained above it). With `subs`, the nodes it follows
/// are explained from their sub-chains when that gives exactly what
/// explaining them here would: none of the nodes the sub-chain visited is
/// in `seen` (so no "already above" differs) and none of its steps is in
/// `steps` already (so none would have been left out).
fn explain(
    g: &MemberGraph,
    n: usize,
    loss: &Loss,
    reached: &[bool],
    steps: &mut Vec<String>,
    seen: &mut Vec<usize>,
    mut subs: Option<&mut SubChains>,
) {
    if seen.contains(&n) {
        steps.push(format!("{}: (already above: a cycle)", g.nodes[n].label));
        return;
    }
    seen.push(n);
    let info = &g.nodes[n];
    let who = &info.label;
    if loss.nodes.contains(&n) {
        steps.push(format!("{who}: the mailbox itself is lost"));
        return;
    }
    let mut follow = Vec::new();
    let blockers = g.graph.blockers(n, loss, reached);
    for (kind, req) in &blockers {
        let step = match (kind, req) {
            (WayKind::Login, Req::Phone) => {
                let on_phone: Vec<&str> = info
                    .factors
                    .iter()
                    .filter(|f| matches!(f, Factor::App | Factor::Sms | Factor::DevicePasskey))
                    .map(|f| f.words())
                    .collect();
                format!("{who}: 2FA ({}) is on the lost phone", join_and(&on_phone))
            }
            (WayKind::Login, Req::MasterPassword) | (_, Req::MasterPassword) => {
                format!("{who}: the master password is lost")
            }
            (WayKind::Login, Req::Node(0)) if n != 0 => {
                follow.push(0);
                format!("{who}: password only in the password manager")
            }
            (WayKind::Codes, Req::Node(0)) if info.codes_in_vault && !info.codes_offline => {
                follow.push(0);
                format!("{who}: backup codes only in the password manager")
            }
            // Offline codes still need the password, said above.
            (WayKind::Codes, Req::Node(0)) => continue,
            (WayKind::Login, Req::Node(m)) | (WayKind::Mailbox, Req::Node(m)) => {
                follow.push(*m);
                format!("{who}: reset mail goes to {}", g.nodes[*m].label)
            }
            (WayKind::RecoveryPhone, Req::Phone) => {
                format!("{who}: the recovery phone is the lost phone")
            }
            (WayKind::EmergencyKit | WayKind::Contact, _) => continue,
            (_, Req::Unknown) => format!("{who}: the export cannot tell"),
            (_, req) => format!("{who}: needs {req:?}"),
        };
        if !steps.contains(&step) {
            steps.push(step);
        }
    }
    if !info.factors.is_empty()
        && !info.codes_offline
        && !info.codes_in_vault
        && !info.codes_unknown
        && info.codes_with_contact.is_none()
    {
        steps.push(format!("{who}: no backup codes saved"));
    }
    if n == 0 && !info.kit {
        steps.push("the password manager: no emergency kit recorded".to_owned());
    }
    follow.sort_unstable();
    follow.dedup();
    for m in follow {
        if seen.contains(&m) {
            continue;
        }
        if let Some(subs) = subs.as_deref_mut() {
            let (sub, visited) = subs.entry(m).or_insert_with(|| {
                let (mut sub, mut visited) = (Vec::new(), Vec::new());
                explain(g, m, loss, reached, &mut sub, &mut visited, None);
                (sub, visited)
            });
            if visited.iter().all(|v| !seen.contains(v)) && sub.iter().all(|x| !steps.contains(x)) {
                steps.extend(sub.iter().cloned());
                seen.extend_from_slice(visited);
                continue;
            }
        }
        explain(g, m, loss, reached, steps, seen, None);
    }
}

/// Candidate actions on node `n`: (words, the way it adds).
fn candidates(g: &MemberGraph, n: usize) -> Vec<(String, Way)> {
    let info = &g.nodes[n];
    let mut out = Vec::new();
    let name = if n == 0 {
        "the password manager".to_owned()
    } else {
        info.label.to_string()
    };
    if n == 0 {
        if !info.kit {
            out.push((
                "print the password manager's emergency kit and keep it offline".to_owned(),
                Way::new(WayKind::EmergencyKit, []),
            ));
        }
        return out;
    }
    if !info.factors.is_empty() && !info.codes_offline && info.codes_with_contact.is_none() {
        out.push((
            format!("save {name}'s backup codes offline"),
            Way::new(WayKind::Codes, [Req::Node(0)]),
        ));
    }
    if !info.recovery_phone && g.hubs.contains(&n) {
        out.push((
            format!("add a recovery phone to {name}"),
            Way::new(WayKind::RecoveryPhone, [Req::Phone]),
        ));
    }
    out
}

/// Greedy: the action that saves the most accounts over `scens`, then the
/// next one given the first, up to [`MAX_ACTIONS`]. `known[k]`: what
/// scenario `k` leaves reachable (unknowns fine), when the drill has it.
/// The chosen actions are an overlay on the graph (their ways, with what
/// each opened added to what is reachable), never a copy of it.
fn actions(
    g: &MemberGraph,
    all: &[Scenario],
    rev: &graph::Reverse,
    known: Vec<Option<Vec<bool>>>,
) -> Vec<DrillAction> {
    let mailboxes = all
        .iter()
        .filter(|s| s.kind == ScenarioKind::LostMailbox)
        .count();
    let keep = |s: &Scenario| {
        s.kind != ScenarioKind::LostMailbox || mailboxes <= MAX_MAILBOX_SCENARIOS_FOR_ACTIONS
    };
    let mut scens: Vec<&Scenario> = Vec::new();
    let mut reached: Vec<Vec<bool>> = Vec::new();
    for (s, r) in all.iter().zip(known) {
        if keep(s) {
            scens.push(s);
            reached.push(r.unwrap_or_else(|| g.graph.reachable_prepared(rev, &s.loss, true)));
        }
    }
    // Nodes most others depend on first; ties by node order.
    let mut dependents = vec![0usize; g.nodes.len()];
    let mut needs: Vec<usize> = Vec::new();
    for ways in &g.graph.ways {
        needs.clear();
        for w in ways {
            for r in &w.needs {
                if let Req::Node(j) = r {
                    needs.push(*j);
                }
            }
        }
        needs.sort_unstable();
        needs.dedup();
        for &j in &needs {
            dependents[j] += 1;
        }
    }
    let count = |r: &Vec<bool>| r.iter().skip(1).filter(|x| !**x).count();
    let base: Vec<usize> = reached.iter().map(count).collect();
    if base.iter().all(|b| *b == 0) {
        return Vec::new();
    }
    let mut order: Vec<usize> = (0..g.nodes.len()).collect();
    order.sort_by_key(|&n| (std::cmp::Reverse(dependents[n]), n));
    let mut cands: Vec<(usize, String, Way)> = Vec::new();
    for n in order {
        for (words, way) in candidates(g, n) {
            cands.push((n, words, way));
        }
        if cands.len() >= MAX_CANDIDATES {
            break;
        }
    }
    // The ways of the actions chosen so far.
    let mut extra: Vec<(usize, Way)> = Vec::new();
    let mut current = base;
    let mut out = Vec::new();
    while out.len() < MAX_ACTIONS {
        let mut best: Option<(usize, usize, Vec<usize>)> = None;
        for (c, (n, _, way)) in cands.iter().enumerate() {
            // What the way would open, followed from its node alone.
            let after: Vec<usize> = scens
                .iter()
                .zip(&reached)
                .zip(&current)
                .map(|((s, r), cur)| cur - g.graph.gain(rev, &extra, &s.loss, r, *n, way))
                .collect();
            let saved: usize = current
                .iter()
                .zip(&after)
                .map(|(b, a)| b.saturating_sub(*a))
                .sum();
            // Ties: the earlier candidate (more dependents) wins.
            if saved > 0 && best.as_ref().is_none_or(|(s, _, _)| saved > *s) {
                best = Some((saved, c, after));
            }
        }
        let Some((saved, c, after)) = best else {
            break;
        };
        let (n, words, way) = cands.remove(c);
        // What it opens is now reachable: the fixed point of the graph with
        // its way added (property-tested against re-running).
        for (s, r) in scens.iter().zip(reached.iter_mut()) {
            for i in g.graph.opened(rev, &extra, &s.loss, r, n, &way) {
                r[i] = true;
            }
        }
        extra.push((n, way));
        // The scenario where it saves the most (the first, on a tie).
        let (most, at) = current
            .iter()
            .zip(&after)
            .enumerate()
            .map(|(k, (b, a))| (b.saturating_sub(*a), k))
            .max_by_key(|&(d, k)| (d, std::cmp::Reverse(k)))
            .unwrap_or((saved, 0));
        current = after;
        out.push(DrillAction {
            action: words,
            account: g.nodes[n].account.map(account_id),
            accounts_saved: most,
            scenario: scens.get(at).map(|s| s.name.clone()).unwrap_or_default(),
        });
    }
    out
}

/// Node states (node 0, the vault, first) as the locked-out nodes (the
/// vault included, sorted) and the accounts reachable and "cannot tell".
fn tally(states: impl Iterator<Item = State>) -> (Vec<usize>, usize, usize) {
    let mut locked = Vec::new();
    let (mut reachable, mut cannot_tell) = (0, 0);
    for (n, st) in states.enumerate() {
        match st {
            State::LockedOut => locked.push(n),
            State::Reachable if n > 0 => reachable += 1,
            State::CannotTell if n > 0 => cannot_tell += 1,
            _ => {}
        }
    }
    (locked, reachable, cannot_tell)
}

/// The drill of one member, and its findings.
fn drill_member(
    g: &MemberGraph,
    wanted: &[ScenarioKind],
    findings: &mut Vec<Draft>,
) -> MemberDrill {
    let scens = scenarios(g, wanted);
    // The reverse edges once; a lost mailbox recomputed inside its cone only.
    let rev = g.graph.prepare();
    let base = scens
        .iter()
        .any(|s| !s.loss.phone && !s.loss.master_password)
        .then(|| g.graph.baseline(&rev));
    let mut results = Vec::new();
    let mut cycle: BTreeSet<usize> = BTreeSet::new();
    let mut cycle_in = Vec::new();
    // Per scenario, the locked-out nodes (sorted).
    let mut locked_nodes: Vec<Vec<usize>> = Vec::with_capacity(scens.len());
    // Per scenario computed over the whole graph, what it leaves reachable
    // (unknowns fine), for the actions.
    let mut whole: Vec<Option<Vec<bool>>> = Vec::with_capacity(scens.len());
    // With a baseline, a lost mailbox changes its cone only: its counts and
    // locked-out list are the baseline's, changed there.
    let mut scratch = base.as_ref().map(graph::Baseline::scratch);
    let base_view = base
        .as_ref()
        .map(|b| tally((0..b.len()).map(|n| b.state(n))));
    let mut subs = SubChains::default();
    // One copy of each chain step and label, however many chains say it.
    let mut shared = crate::report::shared::SharedText::default();
    let mut labels: Vec<Option<std::sync::Arc<str>>> = vec![None; g.nodes.len()];
    for s in &scens {
        let local = !s.loss.phone && !s.loss.master_password;
        let mut full_reached = Vec::new();
        let mut delta = None;
        // Every locked-out node (the vault, node 0, included), sorted.
        let (all_locked, reachable, cannot_tell, cyc, vault_state) =
            match (&base, &mut scratch, &base_view) {
                (Some(b), Some(sc), Some((base_locked, base_reachable, base_cannot))) if local => {
                    let mut d = g.graph.outcome_delta(&rev, &s.loss, b, sc);
                    let (mut reachable, mut cannot_tell) = (*base_reachable, *base_cannot);
                    let mut locked: Vec<usize> = base_locked
                        .iter()
                        .copied()
                        .filter(|n| d.cone.binary_search(n).is_err())
                        .collect();
                    for (&n, &st) in d.cone.iter().zip(&d.states) {
                        if st == State::LockedOut {
                            locked.push(n);
                        }
                        if n == 0 {
                            continue;
                        }
                        match b.state(n) {
                            State::Reachable => reachable -= 1,
                            State::CannotTell => cannot_tell -= 1,
                            State::LockedOut => {}
                        }
                        match st {
                            State::Reachable => reachable += 1,
                            State::CannotTell => cannot_tell += 1,
                            State::LockedOut => {}
                        }
                    }
                    locked.sort_unstable();
                    let vault_state = match d.cone.binary_search(&0) {
                        Ok(k) => d.states[k],
                        Err(_) => b.state(0),
                    };
                    let cyc = std::mem::take(&mut d.cycles);
                    delta = Some(d);
                    (locked, reachable, cannot_tell, cyc, vault_state)
                }
                _ => {
                    let (states, reached, cyc) = g.graph.outcome_with(&rev, &s.loss);
                    full_reached = reached;
                    let (locked, reachable, cannot_tell) = tally(states.iter().copied());
                    (locked, reachable, cannot_tell, cyc, states[0])
                }
            };
        let reached: &[bool] = match (&delta, &scratch) {
            (Some(_), Some(sc)) => sc.maybe(),
            _ => &full_reached,
        };
        let locked_out: Vec<usize> = all_locked.iter().copied().filter(|&n| n > 0).collect();
        locked_nodes.push(all_locked);
        if !cyc.is_empty() {
            cycle.extend(cyc);
            cycle_in.push(s.name.clone());
        }
        // What one lost item takes with it (a lost mailbox itself aside).
        let spread: Vec<usize> = locked_out
            .iter()
            .copied()
            .filter(|&n| Some(n) != s.mailbox)
            .collect();
        // Without a [vault] table, whether the vault has an emergency kit is
        // unknown: the scenario is reported, but not as a finding (every
        // audit would have one).
        let known = s.kind != ScenarioKind::LostVault || g.vault_known;
        if s.kind != ScenarioKind::All && known && spread.len() >= SPOF_MIN {
            let critical = spread
                .iter()
                .any(|&n| g.hubs.contains(&n) || g.nodes[n].money);
            let names: Vec<&str> = spread.iter().map(|&n| &*g.nodes[n].label).collect();
            let mut d = Draft::new(
                FindingKind::SinglePointOfFailure,
                if critical {
                    Severity::Critical
                } else {
                    Severity::High
                },
                spread.iter().filter_map(|&n| g.nodes[n].account).collect(),
                format!(
                    "{} ({}): one loss locks out {} accounts: {}",
                    s.name,
                    g.member,
                    spread.len(),
                    crate::sanitize::truncate(&join_and(&names), 160)
                ),
            );
            d.discriminator = format!("{}|{}", g.member, s.name);
            d.details = Some(
                serde_json::json!({
                    "member": g.member,
                    "scenario": s.kind.as_str(),
                    "mailbox": s.mailbox.and_then(|m| g.nodes[m].account).map(account_id),
                    "locked_out": spread.len(),
                })
                .into(),
            );
            findings.push(d);
        }
        subs.clear();
        results.push(ScenarioResult {
            scenario: s.kind.as_str().to_owned(),
            name: s.name.clone(),
            mailbox: s.mailbox.and_then(|m| g.nodes[m].account).map(account_id),
            reachable,
            cannot_tell,
            vault_reachable: vault_state == State::Reachable,
            locked_out: locked_out
                .iter()
                .map(|&n| LockedOut {
                    account: g.nodes[n].account.map(crate::finding::AccountId::of),
                    label: labels[n]
                        .get_or_insert_with(|| shared.get(&g.nodes[n].label))
                        .clone(),
                    chain: chain(g, n, &s.loss, reached, &mut subs)
                        .iter()
                        .map(|step| shared.get(step))
                        .collect(),
                })
                .collect(),
        });
        if let (Some(d), Some(sc), Some(b)) = (&delta, &mut scratch, &base) {
            sc.restore(b, d);
        }
        whole.push(delta.is_none().then_some(full_reached));
    }
    if !cycle.is_empty() {
        let names: Vec<&str> = cycle.iter().map(|&n| &*g.nodes[n].label).collect();
        let mut accounts: Vec<usize> = cycle.iter().filter_map(|&n| g.nodes[n].account).collect();
        if cycle.contains(&0) {
            accounts.extend(g.vault_entry.and_then(|v| g.nodes[v].account));
        }
        let mut d = Draft::new(
            FindingKind::RecoveryCycle,
            Severity::High,
            accounts,
            format!(
                "{}: the recovery of {} depends on itself ({}): losing one loses all; keep one of their backup codes outside the cycle (offline)",
                g.member,
                join_and(&names),
                join_and(&cycle_in)
            ),
        );
        d.discriminator = g.member.clone();
        findings.push(d);
    }
    // Codes kept with the seed, and SMS as the only second factor.
    for info in g.nodes.iter().skip(1) {
        let Some(i) = info.account else { continue };
        if info.factors.contains(&Factor::VaultSeed)
            && info.codes_in_vault
            && !info.codes_offline
            && info.codes_with_contact.is_none()
        {
            findings.push(Draft::new(
                FindingKind::CodesWithSeed,
                Severity::Medium,
                vec![i],
                format!(
                    "{}: backup codes are kept in the password manager with the TOTP seed, so losing the vault loses both; still far better than no codes, but keep a copy offline",
                    info.label
                ),
            ));
        }
        if info.factors[..] == [Factor::Sms] {
            findings.push(Draft::new(
                FindingKind::SmsOnly,
                Severity::Medium,
                vec![i],
                format!(
                    "{}: the only second factor is SMS, which a SIM swap takes over; add an authenticator app, a passkey or a hardware key",
                    info.label
                ),
            ));
        }
    }
    let vault = &g.nodes[0];
    MemberDrill {
        member: g.member.clone(),
        vault: VaultNode {
            account: g
                .vault_entry
                .and_then(|v| g.nodes[v].account)
                .map(account_id),
            two_factor: if vault.factors.is_empty() {
                "none recorded".to_owned()
            } else {
                join_and(&vault.factors.iter().map(|f| f.words()).collect::<Vec<_>>())
            },
            emergency_kit: vault.kit,
            emergency_access: vault.contacts.first().cloned(),
            described: g.vault_known,
        },
        actions: actions(g, &scens, &rev, whole),
        graph: picture::build(g, &scens, &locked_nodes),
        scenarios: results,
    }
}

/// Runs the drill.
pub fn run(ctx: &Context, facts: &mut Facts) -> Outcome {
    if !ctx.runs(super::CheckId::Recovery) {
        return Outcome::skipped("the drill needs the recovery check (--only/--skip)");
    }
    let wanted: Vec<ScenarioKind> = ctx.recovery.drill.clone();
    let mut by_member: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, _) in ctx.iter() {
        by_member.entry(ctx.member(i)).or_default().push(i);
    }
    let mut findings = Vec::new();
    let mut members = Vec::new();
    for (member, accounts) in by_member {
        let g = build(ctx, member, &accounts, &facts.recovery);
        let m = drill_member(&g, &wanted, &mut findings);
        members.push(m);
    }
    facts.drill = Some(Drill { members });
    // "Cannot tell" accounts are counted per scenario in the drill section
    // (never as reachable); the drill itself completes.
    Outcome {
        findings,
        ..Outcome::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(label: &'static str, factors: Vec<Factor>) -> NodeInfo<'static> {
        let factors = factors.into();
        NodeInfo {
            label: label.into(),
            account: Some(0),
            factors,
            ..NodeInfo::default()
        }
    }

    /// Vault (no 2FA), Gmail (app, codes in the vault), Twitter and Shop
    /// (app, no codes, reset to Gmail), Bank (SMS only, codes offline).
    fn family() -> MemberGraph<'static> {
        let mut nodes = vec![NodeInfo {
            label: "the password manager".into(),
            ..NodeInfo::default()
        }];
        let mut gmail = info("Gmail", vec![Factor::App]);
        gmail.codes_in_vault = true;
        nodes.push(gmail);
        for l in ["Twitter", "Shop"] {
            let mut n = info(l, vec![Factor::App]);
            n.mailbox = Some(1);
            nodes.push(n);
        }
        let mut bank = info("Bank", vec![Factor::Sms]);
        bank.codes_offline = true;
        nodes.push(bank);
        let graph = Graph {
            ways: nodes
                .iter()
                .enumerate()
                .map(|(n, i)| ways_of(n, i))
                .collect(),
        };
        MemberGraph {
            member: "alice".into(),
            graph,
            nodes,
            vault_entry: None,
            hubs: vec![1],
            vault_known: true,
            contacts: Vec::new(),
        }
    }

    #[test]
    fn lost_phone_keeps_what_the_vault_codes_and_mailbox_save() {
        let g = family();
        let mut findings = Vec::new();
        let d = drill_member(&g, &[ScenarioKind::LostPhone], &mut findings);
        let s = &d.scenarios[0];
        // Gmail via its codes in the vault, Twitter and Shop via Gmail, Bank
        // via its offline codes.
        assert!(s.locked_out.is_empty(), "{:?}", s.locked_out);
        assert_eq!(s.reachable, 4);
        assert!(findings.iter().any(|f| f.kind == FindingKind::SmsOnly));
    }

    #[test]
    fn all_at_once_names_the_chain_and_the_best_action() {
        let mut g = family();
        // Gmail's codes are not saved at all now.
        g.nodes[1].codes_in_vault = false;
        g.graph.ways[1] = ways_of(1, &g.nodes[1]);
        let mut findings = Vec::new();
        let d = drill_member(&g, &[ScenarioKind::LostPhone], &mut findings);
        let s = &d.scenarios[0];
        let names: Vec<&str> = s.locked_out.iter().map(|l| &*l.label).collect();
        assert_eq!(names, ["Gmail", "Twitter", "Shop"]);
        let twitter = &s.locked_out[1].chain;
        assert_eq!(
            &*twitter[0],
            "Twitter: 2FA (authenticator app on the phone) is on the lost phone"
        );
        assert!(twitter.contains(&"Twitter: reset mail goes to Gmail".into()));
        assert!(twitter.contains(&"Gmail: no backup codes saved".into()));
        // Saving Gmail's codes offline saves all three.
        assert_eq!(d.actions[0].action, "save Gmail's backup codes offline");
        assert_eq!(d.actions[0].accounts_saved, 3);
        assert_eq!(d.actions[0].scenario, "lost phone");
        // Three locked out by one loss, one of them a hub: critical.
        let spof: Vec<&Draft> = findings
            .iter()
            .filter(|f| f.kind == FindingKind::SinglePointOfFailure)
            .collect();
        assert_eq!(spof.len(), 1);
        assert_eq!(spof[0].severity, Severity::Critical);
    }

    #[test]
    fn codes_with_seed_and_a_vault_cycle() {
        let mut nodes = vec![NodeInfo {
            label: "the password manager".into(),
            factors: smallvec::smallvec![Factor::App],
            mailbox: Some(1),
            ..NodeInfo::default()
        }];
        let mut gmail = info("Gmail", vec![Factor::VaultSeed]);
        gmail.codes_in_vault = true;
        nodes.push(gmail);
        let graph = Graph {
            ways: nodes
                .iter()
                .enumerate()
                .map(|(n, i)| ways_of(n, i))
                .collect(),
        };
        let g = MemberGraph {
            member: "bob".into(),
            graph,
            nodes,
            vault_entry: None,
            hubs: vec![1],
            vault_known: true,
            contacts: Vec::new(),
        };
        let mut findings = Vec::new();
        let d = drill_member(&g, &[], &mut findings);
        let kinds: Vec<FindingKind> = findings.iter().map(|f| f.kind).collect();
        assert!(kinds.contains(&FindingKind::CodesWithSeed), "{kinds:?}");
        // Lost phone: the vault needs Gmail, Gmail needs the vault.
        assert!(kinds.contains(&FindingKind::RecoveryCycle), "{kinds:?}");
        let phone = &d.scenarios[0];
        assert!(!phone.vault_reachable);
        assert_eq!(phone.locked_out.len(), 1);
        // The kit is the best action.
        assert!(d.actions[0].action.contains("emergency kit"));
    }

    #[test]
    fn paths_through_another_member_survive_this_members_losses() {
        // Gmail without codes: lost phone locks out Gmail, Twitter and Shop.
        let mut g = family();
        g.nodes[1].codes_in_vault = false;
        // The vault without a kit: losing it loses everything.
        g.graph.ways = g
            .nodes
            .iter()
            .enumerate()
            .map(|(n, i)| ways_of(n, i))
            .collect();
        let all = [ScenarioKind::LostVault, ScenarioKind::All];
        let before = drill_member(&g, &all, &mut Vec::new());
        assert_eq!(before.scenarios[0].locked_out.len(), 4);
        assert_eq!(before.scenarios[1].locked_out.len(), 4);
        // bob has emergency access to the vault, Gmail's codes are in bob's
        // vault: all at once (phone, vault, Gmail's mailbox role) still
        // leaves the vault and what its passwords open.
        g.nodes[0].contacts = vec!["bob".into()];
        g.nodes[1].codes_with_contact = Some("bob".into());
        g.contacts = vec!["bob".into()];
        g.graph.ways = g
            .nodes
            .iter()
            .enumerate()
            .map(|(n, i)| ways_of(n, i))
            .collect();
        let mut findings = Vec::new();
        let after = drill_member(&g, &all, &mut findings);
        assert!(
            after.scenarios[0].locked_out.is_empty(),
            "{:?}",
            after.scenarios[0]
        );
        assert!(after.scenarios[0].vault_reachable);
        // All at once: Gmail is lost outright as a mailbox; Twitter and Shop
        // (2FA on the lost phone, reset through Gmail) go with it; the Bank's
        // offline codes and the vault's emergency access save the rest.
        let names: Vec<&str> = after.scenarios[1]
            .locked_out
            .iter()
            .map(|l| &*l.label)
            .collect();
        assert_eq!(names, ["Gmail", "Twitter", "Shop"]);
        assert!(after.scenarios[1].vault_reachable);
        // Codes in another member's vault are not "codes with the seed", and
        // no action asks to save them again.
        assert!(
            findings
                .iter()
                .all(|f| f.kind != FindingKind::CodesWithSeed)
        );
        assert!(
            after
                .actions
                .iter()
                .all(|a| a.action != "save Gmail's backup codes offline")
        );
        // The picture draws bob.
        assert!(after.graph.nodes.iter().any(|n| n.label == "contact: bob"));
    }

    /// A random member: up to 9 accounts with random second factors,
    /// codes, mailboxes (any node, so chains of mailboxes and cycles) and
    /// labels from three names (so that two nodes' steps can read the same).
    fn members() -> impl proptest::strategy::Strategy<Value = MemberGraph<'static>> {
        use proptest::prelude::*;
        let factor = prop_oneof![
            Just(Factor::VaultSeed),
            Just(Factor::App),
            Just(Factor::Sms),
            Just(Factor::Email),
            Just(Factor::Unknown),
            Just(Factor::HardwareKey),
        ];
        let node = (
            proptest::collection::vec(factor, 0..3),
            any::<[bool; 4]>(),
            proptest::option::of(0usize..10),
            0usize..3,
        );
        (1usize..10, proptest::collection::vec(node, 10)).prop_map(|(n, raw)| {
            let mut nodes = vec![NodeInfo {
                label: "the password manager".into(),
                ..NodeInfo::default()
            }];
            for (factors, [offline, in_vault, unknown, phone], _, name) in raw.iter().take(n) {
                let mut info = info(["Mail", "Shop", "Bank"][*name], factors.clone());
                info.factors.dedup();
                info.codes_offline = *offline;
                info.codes_in_vault = *in_vault;
                info.codes_unknown = *unknown;
                info.recovery_phone = *phone;
                nodes.push(info);
            }
            let count = nodes.len();
            for (k, (_, _, mailbox, _)) in raw.iter().take(count).enumerate() {
                nodes[k].mailbox = mailbox.map(|m| m % count).filter(|&m| m != k && m != 0);
            }
            let graph = Graph {
                ways: nodes
                    .iter()
                    .enumerate()
                    .map(|(k, i)| ways_of(k, i))
                    .collect(),
            };
            let mut hubs: Vec<usize> = nodes.iter().filter_map(|i| i.mailbox).collect();
            hubs.sort_unstable();
            hubs.dedup();
            MemberGraph {
                member: "alice".into(),
                graph,
                nodes,
                vault_entry: None,
                hubs,
                vault_known: true,
                contacts: Vec::new(),
            }
        })
    }

    proptest::proptest! {
        /// The chains written from a scenario's shared sub-chains are the
        /// chains explained node by node.
        #[test]
        fn shared_sub_chains_write_the_same_chains(g in members()) {
            for s in scenarios(&g, &[]) {
                let reached = g.graph.reachable(&s.loss, true);
                let states = g.graph.states(&s.loss);
                let mut subs = SubChains::default();
                for (n, st) in states.iter().enumerate().skip(1) {
                    if *st != State::LockedOut {
                        continue;
                    }
                    let shared = chain(&g, n, &s.loss, &reached, &mut subs);
                    let (mut alone, mut seen) = (Vec::new(), Vec::new());
                    explain(&g, n, &s.loss, &reached, &mut alone, &mut seen, None);
                    proptest::prop_assert_eq!(shared, alone);
                }
            }
        }
    }

    #[test]
    fn a_sub_chain_that_would_read_differently_is_explained_again() {
        // Two nodes named Mail: the account's own step "Mail: no backup
        // codes saved" is already there when its mailbox's sub-chain would
        // add it again, so the sub-chain cannot be copied as it is.
        let mut g = family();
        g.nodes[1].codes_in_vault = false;
        g.nodes[2].label = "Gmail".into();
        g.graph.ways[1] = ways_of(1, &g.nodes[1]);
        let loss = Loss {
            phone: true,
            ..Loss::default()
        };
        let reached = g.graph.reachable(&loss, true);
        let mut subs = SubChains::default();
        let shop = chain(&g, 3, &loss, &reached, &mut subs);
        assert_eq!(shop.len(), 5, "{shop:?}");
        assert_eq!(shop[3..], subs[&1].0);
        let twitter = chain(&g, 2, &loss, &reached, &mut subs);
        let own = [
            "Gmail: 2FA (authenticator app on the phone) is on the lost phone",
            "Gmail: reset mail goes to Gmail",
            "Gmail: no backup codes saved",
        ];
        assert_eq!(twitter[..3], own);
        // Copied whole, the sub-chain would repeat its first step.
        assert_eq!(subs[&1].0[0], own[0]);
        let (mut alone, mut seen) = (Vec::new(), Vec::new());
        explain(&g, 2, &loss, &reached, &mut alone, &mut seen, None);
        assert_eq!(twitter, alone);
        assert_eq!(twitter.iter().filter(|s| **s == own[0]).count(), 1);
    }

    #[test]
    fn scenario_names_parse() {
        assert_eq!(
            ScenarioKind::parse("lost-phone"),
            Some(ScenarioKind::LostPhone)
        );
        assert_eq!(ScenarioKind::parse("ALL"), Some(ScenarioKind::All));
        assert_eq!(ScenarioKind::parse("lost-keys"), None);
    }
}
