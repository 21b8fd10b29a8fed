//! The action plan: one item per account that needs work, combining all of
//! its findings into ordered steps, ranked by what is at stake (the JSON
//! `plan`). A view over `findings` and the per-account facts, built once in
//! the assembly step ([`build`]); renderers only show it.
//!
//! Ranking: accounts that reset others (hubs) first, then money, breached,
//! reused (or a variant of another password), lockout risk, weak, the rest;
//! within a stake, the higher severity first, then the account with more
//! findings, then the one that puts more other accounts at stake (sharing
//! its password or a variant, or reset by its mailbox); ties by member,
//! account name and account id. An account is in the plan when a finding of severity `low`
//! or above asks it for a step; `info` findings add steps to an account
//! already in the plan, never an item of their own.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};

use super::shared::SharedText;
use super::{
    AccountId, AccountReport, Finding, FindingId, FindingKind, HubIssue, HubState, Severity,
    account_index,
};

/// What puts an item where it is in the plan, highest stake first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[repr(u8)]
pub enum Stake {
    /// A mailbox that can reset other accounts.
    Hub,
    /// A bank, payment service, exchange or broker.
    Money,
    /// The password is in breaches (Pwned Passwords, or a site breach that leaked passwords).
    Breached,
    /// The password (or a small tweak of it) opens other accounts.
    Reused,
    /// 2FA on without saved backup codes.
    LockoutRisk,
    /// A weak password.
    Weak,
    /// Everything else (2FA not turned on, plain http, ...).
    Other,
}

impl Stake {
    /// Every stake, highest first (their order).
    const ALL: [Stake; 7] = [
        Stake::Hub,
        Stake::Money,
        Stake::Breached,
        Stake::Reused,
        Stake::LockoutRisk,
        Stake::Weak,
        Stake::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Stake::Hub => "hub",
            Stake::Money => "money",
            Stake::Breached => "breached",
            Stake::Reused => "reused",
            Stake::LockoutRisk => "lockout_risk",
            Stake::Weak => "weak",
            Stake::Other => "other",
        }
    }
}

/// What a step asks for. Steps of an item come in this order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[repr(u8)]
pub enum StepKind {
    /// Log in through the https:// address.
    UseHttps,
    /// Replace the password with a new generated one used nowhere else.
    ChangePassword,
    /// A recovery mailbox that is not in the exports: secure it.
    SecureMailbox,
    /// Turn on 2FA (and save the backup codes it gives).
    TurnOnTwoFactor,
    /// The export cannot show 2FA: check in the account that it is on.
    CheckTwoFactor,
    /// 2FA is on, backup codes are missing: save them.
    SaveBackupCodes,
    /// The export cannot show backup codes: check they are saved.
    CheckBackupCodes,
    /// The site leaked data but no passwords: expect phishing.
    WatchForPhishing,
}

impl StepKind {
    /// Every kind of step, in their order.
    const ALL: [StepKind; 8] = [
        StepKind::UseHttps,
        StepKind::ChangePassword,
        StepKind::SecureMailbox,
        StepKind::TurnOnTwoFactor,
        StepKind::CheckTwoFactor,
        StepKind::SaveBackupCodes,
        StepKind::CheckBackupCodes,
        StepKind::WatchForPhishing,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            StepKind::UseHttps => "use_https",
            StepKind::ChangePassword => "change_password",
            StepKind::SecureMailbox => "secure_mailbox",
            StepKind::TurnOnTwoFactor => "turn_on_two_factor",
            StepKind::CheckTwoFactor => "check_two_factor",
            StepKind::SaveBackupCodes => "save_backup_codes",
            StepKind::CheckBackupCodes => "check_backup_codes",
            StepKind::WatchForPhishing => "watch_for_phishing",
        }
    }
}

/// One concrete thing to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanStep {
    pub kind: StepKind,
    /// The step in plain words, with its reasons (not escaped). Shared by
    /// the steps that say the same (900 texts for 75,000 steps at 200,000
    /// accounts).
    pub text: Arc<str>,
    /// The findings this step resolves.
    pub findings: Vec<FindingId>,
}

/// One account that needs work (the JSON `plan[]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanItem {
    /// Position in the whole plan, 1 first. A member's items keep their
    /// order, so "a member's top 10" is their first 10 items.
    pub rank: usize,
    /// Shared by the member's items.
    pub member: Arc<str>,
    /// The account (`A12`); null for a recovery mailbox that is not in the exports.
    pub account: Option<AccountId>,
    /// The account's display name (title, else domain, else row); the
    /// address for a mailbox that is not in the exports.
    pub name: String,
    /// What ranks it: the first of `stakes`.
    pub stake: Stake,
    /// Every stake that applies, highest first.
    pub stakes: Vec<Stake>,
    /// The highest severity among its findings.
    pub severity: Severity,
    /// Why it ranks where it does, in plain words ("can reset 3 other accounts; reused").
    /// Shared by the items that say the same.
    pub why: Arc<str>,
    /// The item in one line: `Outlook: change the password (weak, used on 1
    /// other account), turn on 2FA and save its backup codes; it can reset 3
    /// other accounts`.
    pub summary: String,
    /// What to do, in order.
    pub steps: Vec<PlanStep>,
    /// Every finding of this account the plan covers (ids, report order).
    pub findings: Vec<FindingId>,
}

/// A short human name for an account: its title, else its domain, else its row.
pub fn display_name(a: &AccountReport) -> String {
    if !a.title.trim().is_empty() {
        a.title.trim().to_owned()
    } else if let Some(d) = &a.domain {
        d.clone()
    } else {
        format!("row {}", a.row)
    }
}

/// The sizes of the unions of some findings' account lists, by set of
/// findings (`reused_in`, `variant_in`): how many accounts share the
/// password, and how many more have only a variant of it (see
/// [`PasswordReasons::count`]). Every account of a group has the same
/// findings, so each set is counted once, not once per account (that made
/// a group of k accounts cost k²).
type Unions = FxHashMap<(Vec<usize>, Vec<usize>), (usize, usize)>;

/// The accounts some findings name, without copying the longest list: its
/// accounts as they are, the others' accounts that are not in it beside them
/// (sorted, distinct). Lists are sorted and distinct ([`named`]).
struct Union<'a> {
    base: &'a [usize],
    extra: Vec<usize>,
}

impl<'a> Union<'a> {
    fn of(named: &'a [Vec<usize>], fis: &[usize]) -> Union<'a> {
        let longest = fis.iter().copied().max_by_key(|&fi| named[fi].len());
        let base = longest.map_or(&[][..], |fi| named[fi].as_slice());
        let mut extra: Vec<usize> = fis
            .iter()
            .filter(|&&fi| Some(fi) != longest)
            .flat_map(|&fi| named[fi].iter().copied())
            .filter(|i| base.binary_search(i).is_err())
            .collect();
        extra.sort_unstable();
        extra.dedup();
        Union { base, extra }
    }

    fn len(&self) -> usize {
        self.base.len() + self.extra.len()
    }

    fn contains(&self, i: &usize) -> bool {
        self.base.binary_search(i).is_ok() || self.extra.binary_search(i).is_ok()
    }

    /// How many accounts are in both: the smaller looked up in the larger
    /// (a reuse finding of 2 beside a group of k costs 2 look-ups, not k).
    fn common(&self, other: &Union) -> usize {
        let (small, large) = if self.len() <= other.len() {
            (self, other)
        } else {
            (other, self)
        };
        small
            .base
            .iter()
            .chain(&small.extra)
            .filter(|i| large.contains(i))
            .count()
    }
}

/// The accounts in `reused_in`'s findings, and those only in `variant_in`'s.
fn union_sizes(named: &[Vec<usize>], reused_in: &[usize], variant_in: &[usize]) -> (usize, usize) {
    let reused = Union::of(named, reused_in);
    let variants = Union::of(named, variant_in);
    (reused.len(), variants.len() - variants.common(&reused))
}

/// The union sizes of every set of findings the drafts need (in parallel).
fn unions(drafts: &[Draft], named: &[Vec<usize>]) -> Unions {
    let sets: FxHashSet<(Vec<usize>, Vec<usize>)> = drafts
        .iter()
        .filter(|d| d.password.needs_union())
        .map(|d| (d.password.reused_in.clone(), d.password.variant_in.clone()))
        .collect();
    sets.into_par_iter()
        .map(|set| {
            let sizes = union_sizes(named, &set.0, &set.1);
            (set, sizes)
        })
        .collect()
}

/// Why the password must change, gathered from every finding that says so.
#[derive(Default)]
struct PasswordReasons {
    pwned: Option<u64>,
    breaches: BTreeSet<String>,
    weak: bool,
    /// Findings (indices) naming other accounts with the same password.
    reused_in: Vec<usize>,
    /// Findings naming other accounts with a small tweak of it.
    variant_in: Vec<usize>,
    /// How many other accounts share the password (from `reused_in`, by [`Self::count`]).
    reused: usize,
    /// How many more other accounts have a variant of it (from `variant_in`).
    variants: usize,
}

impl PasswordReasons {
    /// More than one finding names other accounts: the count takes a union.
    fn needs_union(&self) -> bool {
        self.reused_in.len() + self.variant_in.len() > 1
    }

    /// Counts the other accounts the findings in `reused_in` and
    /// `variant_in` name (`named[fi]`: the accounts finding `fi` names,
    /// sorted and distinct), each once, `me` excluded; a variant that also
    /// shares the password counts as reused. A big group of similar
    /// passwords puts every member in every other's count: counting from
    /// the findings' account lists, rather than copying them into a set per
    /// account, keeps that from costing a set entry per pair. `unions` holds
    /// the sizes for sets of several findings ([`unions`]; computed here if
    /// missing).
    fn count(&mut self, named: &[Vec<usize>], me: Option<usize>, unions: &Unions) {
        // (a binary search: a linear scan per account made a group of k
        // accounts cost k² here)
        let others = |list: &[usize]| {
            list.len() - usize::from(me.is_some_and(|m| list.binary_search(&m).is_ok()))
        };
        match (self.reused_in.as_slice(), self.variant_in.as_slice()) {
            ([], []) => {}
            ([fi], []) => self.reused = others(&named[*fi]),
            ([], [fi]) => self.variants = others(&named[*fi]),
            (reused_in, variant_in) => {
                // Only the sizes are kept: lists per set cost k² memory
                // when each account of a big group is also in its own reuse
                // finding. The account itself is named by every finding in
                // its lists (they are the findings naming it), so it is in
                // the reused union when `reused_in` has any, else in the
                // variants'.
                let (reused, variants) = unions
                    .get(&(reused_in.to_vec(), variant_in.to_vec()))
                    .copied()
                    .unwrap_or_else(|| union_sizes(named, reused_in, variant_in));
                let me = usize::from(me.is_some());
                if reused_in.is_empty() {
                    self.variants = variants - me;
                } else {
                    self.reused = reused - me;
                    self.variants = variants;
                }
            }
        }
    }

    fn phrases(&self) -> Vec<String> {
        let mut out = Vec::new();
        match self.pwned {
            Some(1) => out.push("found in breaches once".to_owned()),
            Some(n) => out.push(format!("found in breaches {n} times")),
            None => {}
        }
        for b in &self.breaches {
            out.push(format!("leaked in {b}"));
        }
        if self.weak {
            out.push("weak".to_owned());
        }
        let reused = self.reused;
        if reused > 0 {
            out.push(format!("used on {}", plural(reused, "other account")));
        }
        let variants = self.variants;
        if variants > 0 {
            out.push(format!("a variant of {variants} more"));
        }
        out
    }
}

/// `1 other account`, `2 other accounts`.
fn plural(n: usize, one: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {one}s")
    }
}

/// Stakes as bits (bit k: `Stake::ALL[k]`): a draft is made per account
/// that has findings (200,000 at 200,000 accounts).
#[derive(Debug, Default, Clone, Copy)]
struct Stakes(u8);

impl Stakes {
    fn insert(&mut self, s: Stake) {
        self.0 |= 1 << s as u8;
    }

    fn contains(self, s: Stake) -> bool {
        self.0 & (1 << s as u8) != 0
    }

    fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Highest first.
    fn to_vec(self) -> Vec<Stake> {
        Stake::ALL
            .into_iter()
            .filter(|&s| self.contains(s))
            .collect()
    }
}

/// Finding indices, ascending and distinct. A draft receives its findings
/// in report order, so an insert is a push.
#[derive(Debug, Default)]
struct Fis(Vec<usize>);

impl Fis {
    fn insert(&mut self, fi: usize) {
        match self.0.last() {
            Some(&last) if last >= fi => {
                if let Err(at) = self.0.binary_search(&fi) {
                    self.0.insert(at, fi);
                }
            }
            _ => self.0.push(fi),
        }
    }

    fn merge(&mut self, other: Fis) {
        self.0.extend(other.0);
        self.0.sort_unstable();
        self.0.dedup();
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// An item while it is being built.
struct Draft {
    member: Arc<str>,
    account: Option<usize>,
    name: String,
    stakes: Stakes,
    severity: Severity,
    /// Has a step from a finding of severity `low` or above.
    needed: bool,
    findings: Fis,
    /// By [`StepKind`] (`steps[kind as usize]`): the findings asking for it.
    steps: [Fis; StepKind::ALL.len()],
    password: PasswordReasons,
    resets: Option<usize>,
    two_factor_advice: &'static str,
    phishing: BTreeSet<String>,
}

impl Draft {
    fn new(member: Arc<str>, account: Option<usize>, name: String) -> Draft {
        Draft {
            member,
            account,
            name,
            stakes: Stakes::default(),
            severity: Severity::Info,
            needed: false,
            findings: Fis::default(),
            steps: Default::default(),
            password: PasswordReasons::default(),
            resets: None,
            two_factor_advice: "",
            phishing: BTreeSet::new(),
        }
    }

    /// How many other accounts are at stake with it: those sharing its
    /// password or a variant, and those its mailbox can reset.
    /// (After [`PasswordReasons::count`].)
    fn reach(&self) -> usize {
        self.password.reused + self.password.variants + self.resets.unwrap_or(0)
    }

    /// Records that finding `f` (at index `fi`) asks for `step`.
    fn step(&mut self, step: StepKind, fi: usize, f: &Finding) {
        self.steps[step as usize].insert(fi);
        self.findings.insert(fi);
        self.severity = self.severity.max(f.severity);
        if f.severity > Severity::Info {
            self.needed = true;
        }
    }
}

fn detail(f: &Finding, key: &str) -> Option<serde_json::Value> {
    f.details.as_ref()?.get(key)
}

/// `the Yahoo breach of 2012-07-11` from a `site_breach` finding.
fn breach_name(f: &Finding) -> String {
    let title = detail(f, "title");
    let title = title.as_ref().and_then(|v| v.as_str()).unwrap_or("a site");
    let day = detail(f, "breach_date");
    match day.as_ref().and_then(|v| v.as_str()) {
        Some(day) => format!("the {title} breach of {day}"),
        None => format!("the {title} breach"),
    }
}

/// Advice on which second factor to pick, from the methods a service offers.
fn two_factor_advice(f: &Finding) -> &'static str {
    let offered = detail(f, "offered");
    let offered: Vec<&str> = offered
        .as_ref()
        .and_then(|v| v.as_array())
        .map(|a| a.iter().filter_map(|m| m.as_str()).collect())
        .unwrap_or_default();
    let has = |m: &str| offered.contains(&m);
    match (has("totp"), has("u2f")) {
        (true, true) => " with an authenticator app or a security key",
        (true, false) => " with an authenticator app",
        (false, true) => " with a security key",
        (false, false) => "",
    }
}

/// Builds the plan from the findings and the accounts they name.
///
/// Each account's draft is made from the findings that name it, in report
/// order, the accounts in parallel; then the counts of others, the texts
/// and the ranking, in parallel too (issue 15: built in one pass over the
/// findings into ordered maps, the plan took 1.2 s of one core at 200,000
/// accounts and grew 2.5x per doubling).
pub fn build(accounts: &[AccountReport], findings: &[Finding]) -> Vec<PlanItem> {
    let named: Vec<Vec<usize>> = findings.par_iter().map(|f| named(accounts, f)).collect();
    let (routes, outside) = route(accounts, findings, &named);
    let mut drafts: Vec<Draft> = (0..accounts.len())
        .into_par_iter()
        .filter_map(|i| {
            let fis = routes.of(i);
            if fis.is_empty() {
                return None;
            }
            let a = &accounts[i];
            let mut d = Draft::new(a.member.clone(), Some(i), display_name(a));
            for &fi in fis {
                let f = &findings[fi];
                // [`route`] sends a `recovery_hub` finding only to the
                // account that is its mailbox.
                match (f.check, a.recovery.as_ref().and_then(|r| r.hub.as_deref())) {
                    (FindingKind::RecoveryHub, Some(state)) => hub(&mut d, fi, f, state),
                    _ => attach(&mut d, fi, f),
                }
            }
            d.needed.then_some(d)
        })
        .collect();
    drop(routes);
    drafts.extend(outside.into_values().filter(|d| d.needed));
    let unions = unions(&drafts, &named);
    let mut items: Vec<PlanItem> = drafts
        .into_par_iter()
        .map(|mut d| {
            d.password.count(&named, d.account, &unions);
            let reach = d.reach();
            PlanItem {
                // until ranked, what [`rank`] reads of it
                rank: reach,
                ..finish(accounts, findings, d)
            }
        })
        .collect();
    drop((named, unions));
    let mut shared = SharedText::default();
    for item in &mut items {
        item.why = shared.share(&item.why);
        for step in &mut item.steps {
            step.text = shared.share(&step.text);
        }
    }
    rank(items)
}

/// The accounts finding `f` names (indices), sorted and distinct, for the
/// counts of others; none for a passkey suggestion (`attach` adds nothing
/// for it, and large vaults have thousands).
fn named(accounts: &[AccountReport], f: &Finding) -> Vec<usize> {
    if f.check == FindingKind::PasskeyAvailable {
        return Vec::new();
    }
    let mut named: Vec<usize> = f
        .accounts
        .iter()
        .map(|id| id.index())
        .filter(|&i| i < accounts.len())
        .collect();
    named.sort_unstable();
    named.dedup();
    named
}

/// Each account's findings (indices, report order), as one list cut at
/// `starts` (account `i`'s are `fis[starts[i]..starts[i + 1]]`).
struct Routes {
    starts: Vec<usize>,
    fis: Vec<usize>,
}

impl Routes {
    fn of(&self, i: usize) -> &[usize] {
        &self.fis[self.starts[i]..self.starts[i + 1]]
    }
}

/// Sends each finding to the accounts whose drafts it adds to: the accounts
/// it names, except a `recovery_hub` finding, whose steps go to the
/// mailbox's own account, or (returned beside, by address) to an item for
/// a mailbox that is not in the exports, never to the accounts it can
/// reset; and a passkey suggestion, which is not a fix.
fn route(
    accounts: &[AccountReport],
    findings: &[Finding],
    named: &[Vec<usize>],
) -> (Routes, BTreeMap<String, Draft>) {
    let mut outside: BTreeMap<String, Draft> = BTreeMap::new();
    let mailboxes: Vec<Option<usize>> = findings
        .iter()
        .enumerate()
        .map(|(fi, f)| {
            if f.check != FindingKind::RecoveryHub {
                return None;
            }
            let address = hub_address(f);
            let mailbox = f.accounts.iter().map(|id| id.index()).find(|&i| {
                accounts
                    .get(i)
                    .is_some_and(|a| hub_state(a, &address).is_some())
            });
            if mailbox.is_none() {
                outside_hub(&mut outside, accounts, fi, f, address);
            }
            mailbox
        })
        .collect();
    let to = |fi: usize| -> &[usize] {
        match findings[fi].check {
            FindingKind::RecoveryHub => mailboxes[fi].as_slice(),
            _ => &named[fi],
        }
    };
    let mut starts = vec![0usize; accounts.len() + 1];
    for fi in 0..findings.len() {
        for &i in to(fi) {
            starts[i + 1] += 1;
        }
    }
    for i in 0..accounts.len() {
        starts[i + 1] += starts[i];
    }
    let mut next = starts.clone();
    let mut fis = vec![0usize; starts[accounts.len()]];
    for fi in 0..findings.len() {
        for &i in to(fi) {
            fis[next[i]] = fi;
            next[i] += 1;
        }
    }
    (Routes { starts, fis }, outside)
}

/// Adds what finding `f` (at index `fi`) asks of the account of draft `d`.
fn attach(d: &mut Draft, fi: usize, f: &Finding) {
    let me = d.account;
    match f.check {
        FindingKind::Reuse | FindingKind::ReuseAcrossMembers => {
            // Info: a login shared by members, used nowhere else: fine.
            if f.severity > Severity::Info {
                d.password.reused_in.push(fi);
                d.stakes.insert(Stake::Reused);
                d.step(StepKind::ChangePassword, fi, f);
            }
        }
        FindingKind::Similar | FindingKind::SimilarAcrossMembers => {
            d.password.variant_in.push(fi);
            d.stakes.insert(Stake::Reused);
            d.step(StepKind::ChangePassword, fi, f);
        }
        // The password is one tweak of the account's own previous one.
        FindingKind::RotationByTweak => {
            d.stakes.insert(Stake::Reused);
            d.step(StepKind::ChangePassword, fi, f);
        }
        // Only the account holding the retired password now must change it.
        FindingKind::ReuseWithHistory => {
            let current = detail(f, "current");
            let current = current
                .as_ref()
                .and_then(|v| v.as_str())
                .and_then(account_index);
            if current.is_some() && current == me {
                d.password.variant_in.push(fi);
                d.stakes.insert(Stake::Reused);
                d.step(StepKind::ChangePassword, fi, f);
            }
        }
        FindingKind::Weak => {
            d.password.weak = true;
            d.stakes.insert(Stake::Weak);
            d.step(StepKind::ChangePassword, fi, f);
        }
        FindingKind::Pwned => {
            d.password.pwned = detail(f, "count").and_then(|v| v.as_u64());
            d.stakes.insert(Stake::Breached);
            d.step(StepKind::ChangePassword, fi, f);
        }
        FindingKind::SiteBreach => {
            let leaked = detail(f, "passwords_exposed")
                .and_then(|v| v.as_bool())
                .unwrap_or(false);
            if leaked && f.severity > Severity::Info {
                d.password.breaches.insert(breach_name(f));
                d.stakes.insert(Stake::Breached);
                d.step(StepKind::ChangePassword, fi, f);
            } else if !leaked {
                d.phishing.insert(breach_name(f));
                d.step(StepKind::WatchForPhishing, fi, f);
            }
            // Leaked, but the password changed since: fine.
        }
        FindingKind::LockoutRisk => {
            d.stakes.insert(Stake::LockoutRisk);
            d.step(StepKind::SaveBackupCodes, fi, f);
        }
        FindingKind::RecoveryUnknown => d.step(StepKind::CheckBackupCodes, fi, f),
        FindingKind::TwoFactorAvailable => {
            let recordable = detail(f, "recordable")
                .and_then(|v| v.as_bool())
                .unwrap_or(false);
            if recordable {
                d.two_factor_advice = two_factor_advice(f);
                d.step(StepKind::TurnOnTwoFactor, fi, f);
            } else {
                d.step(StepKind::CheckTwoFactor, fi, f);
            }
        }
        FindingKind::InsecureUrl => d.step(StepKind::UseHttps, fi, f),
        FindingKind::RecoveryHub => {}
        // A suggestion, not a fix: the plan lists what needs work.
        FindingKind::PasskeyAvailable => {}
        // The drill's findings come with its own suggested actions.
        FindingKind::RecoveryCycle
        | FindingKind::SinglePointOfFailure
        | FindingKind::CodesWithSeed
        | FindingKind::SmsOnly => {}
    }
}

/// Orders the items and numbers them. Within a stake and severity, the
/// account with more findings, then the one whose password opens (or whose
/// mailbox resets) more others (`rank` holds that count until ranked),
/// comes first; then member, name and id.
fn rank(mut items: Vec<PlanItem>) -> Vec<PlanItem> {
    use std::cmp::Reverse;
    // Each key computed once (the folded name), in parallel, and the items
    // sorted in place: no second copy of 75,000 items (issue 15). Stable.
    items.par_sort_by_cached_key(|item| {
        (
            item.stake,
            Reverse(item.severity),
            Reverse(item.findings.len()),
            Reverse(item.rank),
            item.member.clone(),
            item.name.to_lowercase(),
            item.account.map(AccountId::index),
            item.name.clone(),
        )
    });
    for (k, item) in items.iter_mut().enumerate() {
        item.rank = k + 1;
    }
    items
}

/// The mailbox address of a `recovery_hub` finding.
fn hub_address(f: &Finding) -> String {
    let address = detail(f, "address");
    address
        .as_ref()
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_owned()
}

/// How many accounts the mailbox of a `recovery_hub` finding can reset.
fn hub_resets(f: &Finding) -> Option<usize> {
    detail(f, "accounts")
        .and_then(|v| v.as_u64())
        .map(|n| n as usize)
}

/// Account `a`'s state as the mailbox at `address`, if it is that mailbox.
fn hub_state<'a>(a: &'a AccountReport, address: &str) -> Option<&'a HubState> {
    let state = a.recovery.as_ref()?.hub.as_ref()?;
    (state.address == address).then_some(&**state)
}

/// A `recovery_hub` finding whose mailbox is not in the exports: one item,
/// for the member whose accounts it resets first.
fn outside_hub(
    outside: &mut BTreeMap<String, Draft>,
    accounts: &[AccountReport],
    fi: usize,
    f: &Finding,
    address: String,
) {
    let Some(first) = f.accounts.iter().find_map(|id| accounts.get(id.index())) else {
        return;
    };
    let d = outside
        .entry(address)
        .or_insert_with_key(|address| Draft::new(first.member.clone(), None, address.clone()));
    d.stakes.insert(Stake::Hub);
    d.resets = hub_resets(f);
    d.step(StepKind::SecureMailbox, fi, f);
}

/// A `recovery_hub` finding on the mailbox's own account (`state`): its
/// steps go there, never to the accounts it can reset.
fn hub(d: &mut Draft, fi: usize, f: &Finding, state: &HubState) {
    d.resets = hub_resets(f);
    d.stakes.insert(Stake::Hub);
    d.findings.insert(fi);
    d.severity = d.severity.max(f.severity);
    for p in &state.problems {
        match p {
            HubIssue::Weak | HubIssue::Reused | HubIssue::Similar | HubIssue::Breached => {
                d.step(StepKind::ChangePassword, fi, f)
            }
            HubIssue::NoTwoFactor => d.step(StepKind::TurnOnTwoFactor, fi, f),
            HubIssue::NoBackupCodes => d.step(StepKind::SaveBackupCodes, fi, f),
            HubIssue::NotInVault => {}
        }
    }
    for u in &state.unknown {
        match u {
            HubIssue::NoTwoFactor => d.step(StepKind::CheckTwoFactor, fi, f),
            HubIssue::NoBackupCodes => d.step(StepKind::CheckBackupCodes, fi, f),
            // A check that did not run: nothing the person can do by hand.
            _ => {}
        }
    }
}

fn ids(findings: &[Finding], set: &Fis) -> Vec<FindingId> {
    set.0.iter().map(|&fi| findings[fi].id).collect()
}

/// Turns a draft into its item: texts, stakes, links. Its texts are its
/// own: [`build`] shares them afterwards.
fn finish(accounts: &[AccountReport], findings: &[Finding], mut d: Draft) -> PlanItem {
    if let Some(a) = d.account.map(|i| &accounts[i]) {
        let availability = a
            .recovery
            .as_ref()
            .and_then(|r| r.two_factor_available.as_ref());
        if availability.is_some_and(|s| s.money) {
            d.stakes.insert(Stake::Money);
        }
    }
    // Turning 2FA on covers checking it.
    let (on, check) = (
        StepKind::TurnOnTwoFactor as usize,
        StepKind::CheckTwoFactor as usize,
    );
    if !d.steps[on].is_empty() {
        let check = std::mem::take(&mut d.steps[check]);
        d.steps[on].merge(check);
    }
    if d.stakes.is_empty() {
        d.stakes.insert(Stake::Other);
    }
    let stakes = d.stakes.to_vec();
    let mut steps = Vec::new();
    let mut short = Vec::new();
    for kind in StepKind::ALL {
        let fs = &d.steps[kind as usize];
        if fs.is_empty() {
            continue;
        }
        let (text, phrase) = step_text(kind, &d);
        steps.push(PlanStep {
            kind,
            text: Arc::from(text),
            findings: ids(findings, fs),
        });
        short.push(phrase);
    }
    let why = why(&d, &stakes);
    let tail = match (d.resets, d.stakes.contains(Stake::Money)) {
        (Some(n), _) => format!("; it can reset {}", plural(n, "other account")),
        (None, true) => "; it holds money".to_owned(),
        (None, false) => String::new(),
    };
    let mut summary = format!("{}: {}{tail}", d.name, short.join(", "));
    summary.shrink_to_fit();
    PlanItem {
        rank: 0,
        findings: ids(findings, &d.findings),
        summary,
        member: d.member,
        account: d.account.map(AccountId::of),
        name: d.name,
        stake: stakes[0],
        stakes,
        severity: d.severity,
        why: Arc::from(why),
        steps,
    }
}

/// The text of a step and its short phrase for the one-line summary.
fn step_text(kind: StepKind, d: &Draft) -> (String, String) {
    match kind {
        StepKind::UseHttps => (
            "Log in through the site's https:// address (it is saved with plain http://, which sends the password unencrypted), and update the saved address.".into(),
            "use https".into(),
        ),
        StepKind::ChangePassword => {
            let reasons = d.password.phrases();
            let why = if reasons.is_empty() {
                String::new()
            } else {
                format!(" ({})", reasons.join(", "))
            };
            let then = if d.resets.is_some() {
                " This mailbox comes first: whoever gets into it can reset the others."
            } else {
                ""
            };
            (
                format!("Change the password{why}: give it a new generated password used nowhere else.{then}"),
                format!("change the password{why}"),
            )
        }
        StepKind::SecureMailbox => (
            "This recovery mailbox is not in these exports, so it was not checked: make sure it has a long unique password, 2FA and saved backup codes.".into(),
            "secure this mailbox (not in the exports)".into(),
        ),
        StepKind::TurnOnTwoFactor => (
            format!("Turn on 2FA{} and save the backup codes it gives you, with a copy offline.", d.two_factor_advice),
            "turn on 2FA and save its backup codes".into(),
        ),
        StepKind::CheckTwoFactor => (
            "Check in the account's security settings that 2FA is on (the export cannot show it); turn it on if not, and save its backup codes.".into(),
            "check that 2FA is on".into(),
        ),
        StepKind::SaveBackupCodes => (
            format!("Save the backup codes from its security settings and keep a copy offline, then record where they are (a note titled '{} backup codes', or a recovery inventory): without them a lost phone locks you out.", d.name),
            "save its backup codes".into(),
        ),
        StepKind::CheckBackupCodes => (
            "Check that its backup codes are saved (the export cannot show them); list them in a recovery inventory (--recovery-inventory) so the next audit sees them.".into(),
            "check its backup codes are saved".into(),
        ),
        StepKind::WatchForPhishing => {
            let list: Vec<&str> = d.phishing.iter().map(String::as_str).collect();
            (
                format!("Expect phishing at this address: its data (no passwords) was in {}.", list.join(" and ")),
                "expect phishing".into(),
            )
        }
    }
}

/// Why an item ranks where it does, in plain words.
fn why(d: &Draft, stakes: &[Stake]) -> String {
    let parts: Vec<String> = stakes
        .iter()
        .map(|s| match s {
            Stake::Hub => match d.resets {
                Some(n) => format!("a mailbox that can reset {}", plural(n, "other account")),
                None => "a mailbox that can reset other accounts".to_owned(),
            },
            Stake::Money => "it holds money".to_owned(),
            Stake::Breached => "its password is known from breaches".to_owned(),
            Stake::Reused => "its password (or a variant) opens other accounts".to_owned(),
            Stake::LockoutRisk => "2FA without saved backup codes".to_owned(),
            Stake::Weak => "a weak password".to_owned(),
            Stake::Other => "lower stakes".to_owned(),
        })
        .collect();
    parts.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{
        Availability, BackupCodes, CodeStatus, DirectorySource, HubState, Recovery, TwoFactor,
    };
    use serde_json::json;

    fn account(n: usize, member: &str, title: &str) -> AccountReport {
        AccountReport {
            id: format!("A{n}"),
            member: member.into(),
            source: format!("{member}.csv").into(),
            row: n as u64 + 1,
            title: title.into(),
            url: None,
            domain: None,
            username: String::new(),
            has_totp: false,
            strength: None,
            similar_group: None,
            pwned: None,
            recovery: None,
            findings: vec![],
            history: None,
        }
    }

    fn recovery(money: bool, hub: Option<HubState>) -> std::sync::Arc<Recovery> {
        std::sync::Arc::new(Recovery {
            two_factor: TwoFactor {
                enabled: Some(false),
                methods: vec![],
                evidence: vec![],
            },
            backup_codes: BackupCodes {
                status: CodeStatus::NotApplicable,
                evidence: vec![],
                note: None,
            },
            two_factor_available: Some(std::sync::Arc::new(Availability {
                service: "S".into(),
                methods: vec!["totp".into()],
                documentation: None,
                source: DirectorySource::BuiltIn,
                money,
                mailbox: hub.is_some(),
            })),
            hub: hub.map(Box::new),
            recovery_mailbox: None,
        })
    }

    fn finding(
        n: usize,
        check: FindingKind,
        severity: Severity,
        accounts: &[usize],
        details: serde_json::Value,
    ) -> Finding {
        Finding {
            id: FindingId::of(n - 1),
            check,
            severity,
            accounts: accounts.iter().map(|&a| AccountId::of(a - 1)).collect(),
            message: String::new(),
            fingerprint: String::new(),
            details: (!details.is_null()).then_some(details.into()),
        }
    }

    /// A family in miniature: bob's Outlook resets his PayPal and is weak,
    /// reused with Yahoo and a variant of Steam; alice's bank lacks 2FA;
    /// alice's forum is only weak; carol's site only offers 2FA (info).
    fn sample() -> (Vec<AccountReport>, Vec<Finding>) {
        let mut accounts = vec![
            account(1, "bob", "Outlook"),
            account(2, "bob", "Yahoo"),
            account(3, "bob", "Steam"),
            account(4, "bob", "PayPal"),
            account(5, "alice", "Bank"),
            account(6, "alice", "Forum"),
            account(7, "carol", "Blog"),
        ];
        accounts[0].recovery = Some(recovery(
            false,
            Some(HubState {
                address: "bob@outlook.com".into(),
                accounts: 1,
                rows: 1,
                problems: vec![HubIssue::Weak, HubIssue::Reused, HubIssue::NoTwoFactor],
                unknown: vec![HubIssue::Breached],
            }),
        ));
        accounts[4].recovery = Some(recovery(true, None));
        let findings = vec![
            finding(
                1,
                FindingKind::RecoveryHub,
                Severity::Critical,
                &[1, 4],
                json!({"address": "bob@outlook.com", "accounts": 1}),
            ),
            finding(2, FindingKind::Reuse, Severity::High, &[1, 2], json!(null)),
            finding(
                3,
                FindingKind::Similar,
                Severity::High,
                &[1, 2, 3],
                json!(null),
            ),
            finding(4, FindingKind::Weak, Severity::High, &[1], json!(null)),
            finding(5, FindingKind::Weak, Severity::High, &[6], json!(null)),
            finding(
                6,
                FindingKind::TwoFactorAvailable,
                Severity::High,
                &[5],
                json!({"recordable": true, "offered": ["sms", "totp"]}),
            ),
            finding(
                7,
                FindingKind::TwoFactorAvailable,
                Severity::High,
                &[1],
                json!({"recordable": true, "offered": ["totp", "u2f"]}),
            ),
            finding(
                8,
                FindingKind::TwoFactorAvailable,
                Severity::Info,
                &[7],
                json!({"recordable": false}),
            ),
        ];
        (accounts, findings)
    }

    /// Sorted and distinct, as [`named`] makes them.
    fn lists(named: Vec<Vec<usize>>) -> Vec<Vec<usize>> {
        named
            .into_iter()
            .map(|mut l| {
                l.sort_unstable();
                l.dedup();
                l
            })
            .collect()
    }

    #[test]
    fn others_are_counted_once_across_findings_without_the_account_itself() {
        // Finding 0: reuse of 1, 2, 3; 1: variants 3, 4, 1, 4 (unsorted, a
        // duplicate); 2: variants 5, 1, 6; 3: one variant list, sorted.
        let named = lists(vec![
            vec![1, 2, 3],
            vec![3, 4, 1, 4],
            vec![5, 1, 6],
            vec![1, 7, 8],
        ]);
        let count = |reused_in: Vec<usize>, variant_in: Vec<usize>| {
            let mut p = PasswordReasons {
                reused_in,
                variant_in,
                ..PasswordReasons::default()
            };
            p.count(&named, Some(1), &Unions::default());
            (p.reused, p.variants)
        };
        // others: reused {2, 3}; variants {3, 4, 5, 6} less the reused: {4, 5, 6}
        assert_eq!(count(vec![0], vec![1, 2]), (2, 3));
        assert_eq!(count(vec![0], vec![]), (2, 0));
        assert_eq!(count(vec![], vec![1]), (0, 2));
        assert_eq!(count(vec![], vec![3]), (0, 2));
        assert_eq!(count(vec![], vec![]), (0, 0));
        // Two reuse findings and two variant lists: reused {1, 2, 3, 4}
        // less me; variants {1, 3, 4, 5, 6, 7, 8} less the reused: {5, 6, 7, 8}.
        assert_eq!(count(vec![0, 1], vec![2, 3]), (3, 4));
        // The counts are shared by the accounts with the same findings,
        // each leaving itself out (an account is named by each finding in
        // its lists): 10 and 11 share password 4 and the variants 5;
        // 12 only has the variants (5 is unsorted, with a duplicate).
        let named = lists(vec![
            vec![],
            vec![],
            vec![],
            vec![],
            vec![10, 11],
            vec![13, 10, 12, 11, 12],
        ]);
        let draft = |reused_in: Vec<usize>, variant_in: Vec<usize>, me: Option<usize>| {
            let mut d = Draft::new("m".into(), me, String::new());
            d.password.reused_in = reused_in;
            d.password.variant_in = variant_in;
            d
        };
        let mut drafts = vec![
            draft(vec![4], vec![5], Some(10)),
            draft(vec![4], vec![5], Some(11)),
            draft(vec![], vec![5], Some(12)),
            // A mailbox outside the exports leaves no account out.
            draft(vec![4], vec![5], None),
            draft(vec![4, 5], vec![], Some(13)),
        ];
        let unions = unions(&drafts, &named);
        assert_eq!(unions.len(), 2, "one count per set of findings: {unions:?}");
        let counts: Vec<(usize, usize)> = drafts
            .iter_mut()
            .map(|d| {
                d.password.count(&named, d.account, &unions);
                (d.password.reused, d.password.variants)
            })
            .collect();
        assert_eq!(counts, [(1, 2), (1, 2), (0, 3), (2, 2), (3, 0)]);
        // The sizes come from the table when a set is in it.
        let mut wrong = unions.clone();
        wrong.insert((vec![4], vec![5]), (7, 7));
        let mut d = draft(vec![4], vec![5], Some(10));
        d.password.count(&named, d.account, &wrong);
        assert_eq!((d.password.reused, d.password.variants), (6, 7));
        let (accounts, findings) = sample();
        let plan = build(&accounts, &findings);
        let reach: Vec<(&str, String)> = plan
            .iter()
            .map(|i| (i.name.as_str(), i.steps[0].text.to_string()))
            .collect();
        assert!(
            reach[2]
                .1
                .contains("used on 1 other account, a variant of 1 more"),
            "{reach:?}"
        );
    }

    #[test]
    fn finding_lists_stay_sorted_and_stakes_keep_their_order() {
        let mut fis = Fis::default();
        for fi in [2, 5, 5, 9, 3, 2, 7] {
            fis.insert(fi);
        }
        assert_eq!(fis.0, [2, 3, 5, 7, 9]);
        fis.merge(Fis(vec![1, 5, 10]));
        assert_eq!(fis.0, [1, 2, 3, 5, 7, 9, 10]);
        let mut stakes = Stakes::default();
        assert!(stakes.is_empty());
        for s in [Stake::Weak, Stake::Hub, Stake::Reused, Stake::Weak] {
            stakes.insert(s);
        }
        assert!(stakes.contains(Stake::Reused) && !stakes.contains(Stake::Money));
        assert_eq!(stakes.to_vec(), [Stake::Hub, Stake::Reused, Stake::Weak]);
        // The tables follow the enums' order (and `as usize` indexes them).
        assert!(Stake::ALL.windows(2).all(|w| w[0] < w[1]));
        assert!(StepKind::ALL.windows(2).all(|w| w[0] < w[1]));
        assert!(
            StepKind::ALL
                .iter()
                .enumerate()
                .all(|(k, s)| *s as usize == k)
        );
        assert!(Stake::ALL.iter().enumerate().all(|(k, s)| *s as usize == k));
    }

    #[test]
    fn passkey_suggestions_before_other_findings_change_no_count() {
        // Findings are ordered by severity, which a policy can change: a
        // skipped kind first must not shift the other findings' account lists.
        let (accounts, findings) = sample();
        let texts = |findings: &[Finding]| -> Vec<(String, String)> {
            build(&accounts, findings)
                .iter()
                .map(|i| (i.name.clone(), i.steps[0].text.to_string()))
                .collect()
        };
        let before = texts(&findings);
        let mut with_passkeys = vec![
            finding(
                90,
                FindingKind::PasskeyAvailable,
                Severity::Low,
                &[1, 2, 3, 4, 5, 6],
                json!(null),
            ),
            finding(
                91,
                FindingKind::PasskeyAvailable,
                Severity::Low,
                &[1],
                json!(null),
            ),
        ];
        with_passkeys.extend(findings);
        assert_eq!(texts(&with_passkeys), before);
    }

    #[test]
    fn one_item_per_account_ranked_by_stake() {
        let (accounts, findings) = sample();
        let plan = build(&accounts, &findings);
        let order: Vec<(&str, Stake)> = plan.iter().map(|i| (i.name.as_str(), i.stake)).collect();
        assert_eq!(
            order,
            [
                ("Outlook", Stake::Hub),
                ("Bank", Stake::Money),
                // Yahoo has two findings (reuse, similar), Steam one.
                ("Yahoo", Stake::Reused),
                ("Steam", Stake::Reused),
                ("Forum", Stake::Weak),
            ]
        );
        assert_eq!(
            plan.iter().map(|i| i.rank).collect::<Vec<_>>(),
            [1, 2, 3, 4, 5]
        );
        // Carol's only finding is info: no item; PayPal is only reset by the hub.
        assert!(plan.iter().all(|i| i.name != "Blog" && i.name != "PayPal"));
    }

    #[test]
    fn a_weak_reused_password_is_one_step_with_every_reason() {
        let (accounts, findings) = sample();
        let plan = build(&accounts, &findings);
        let outlook = &plan[0];
        assert_eq!(outlook.account, Some("A1".into()));
        assert_eq!(&*outlook.member, "bob");
        assert_eq!(outlook.severity, Severity::Critical);
        assert_eq!(
            outlook.stakes,
            [Stake::Hub, Stake::Reused, Stake::Weak],
            "{outlook:?}"
        );
        let kinds: Vec<StepKind> = outlook.steps.iter().map(|s| s.kind).collect();
        assert_eq!(kinds, [StepKind::ChangePassword, StepKind::TurnOnTwoFactor]);
        let change = &outlook.steps[0];
        assert!(
            change.text.starts_with(
                "Change the password (weak, used on 1 other account, a variant of 1 more)"
            ),
            "{}",
            change.text
        );
        assert_eq!(change.findings, ["F1", "F2", "F3", "F4"]);
        assert_eq!(outlook.steps[1].findings, ["F1", "F7"]);
        assert!(
            outlook.steps[1]
                .text
                .contains("authenticator app or a security key")
        );
        assert_eq!(outlook.findings, ["F1", "F2", "F3", "F4", "F7"]);
        assert_eq!(
            outlook.summary,
            "Outlook: change the password (weak, used on 1 other account, a variant of 1 more), turn on 2FA and save its backup codes; it can reset 1 other account"
        );
        assert!(
            outlook
                .why
                .starts_with("a mailbox that can reset 1 other account")
        );
    }

    #[test]
    fn info_findings_join_an_item_but_never_make_one() {
        let (accounts, mut findings) = sample();
        findings.push(finding(
            9,
            FindingKind::SiteBreach,
            Severity::Info,
            &[6],
            json!({"title": "Forum", "breach_date": "2020-01-02", "passwords_exposed": false}),
        ));
        findings.push(finding(
            10,
            FindingKind::RecoveryUnknown,
            Severity::Info,
            &[7],
            json!(null),
        ));
        let plan = build(&accounts, &findings);
        let forum = plan.iter().find(|i| i.name == "Forum").unwrap();
        assert_eq!(forum.findings, ["F5", "F9"]);
        let last = forum.steps.last().unwrap();
        assert_eq!(last.kind, StepKind::WatchForPhishing);
        assert!(
            last.text.contains("the Forum breach of 2020-01-02"),
            "{}",
            last.text
        );
        assert!(plan.iter().all(|i| i.name != "Blog"));
    }

    #[test]
    fn a_mailbox_outside_the_exports_gets_its_own_item() {
        let accounts = vec![account(1, "dan", "Shop"), account(2, "dan", "Games")];
        let findings = vec![
            finding(
                1,
                FindingKind::RecoveryHub,
                Severity::Medium,
                &[1, 2],
                json!({"address": "dan@mail.example", "accounts": 2}),
            ),
            finding(
                2,
                FindingKind::InsecureUrl,
                Severity::Medium,
                &[2],
                json!(null),
            ),
        ];
        let plan = build(&accounts, &findings);
        assert_eq!(plan.len(), 2, "{plan:?}");
        assert_eq!(plan[0].account, None);
        assert_eq!(plan[0].name, "dan@mail.example");
        assert_eq!(&*plan[0].member, "dan");
        assert_eq!(plan[0].steps[0].kind, StepKind::SecureMailbox);
        assert_eq!(plan[1].name, "Games");
        assert_eq!(plan[1].stake, Stake::Other);
        assert_eq!(plan[1].steps[0].kind, StepKind::UseHttps);
    }

    #[test]
    fn ties_are_broken_by_member_name_and_id_whatever_the_input_order() {
        let accounts = vec![
            account(1, "bob", "b"),
            account(2, "alice", "Z"),
            account(3, "alice", "a"),
            account(4, "alice", "a"),
        ];
        let findings: Vec<Finding> = [4, 1, 3, 2]
            .iter()
            .enumerate()
            .map(|(k, &a)| finding(k + 1, FindingKind::Weak, Severity::High, &[a], json!(null)))
            .collect();
        let plan = build(&accounts, &findings);
        let ids: Vec<String> = plan
            .iter()
            .map(|i| i.account.unwrap().to_string())
            .collect();
        assert_eq!(ids, ["A3", "A4", "A2", "A1"]);
        let json = serde_json::to_value(&plan[0]).unwrap();
        assert_eq!(json["stake"], "weak");
        assert_eq!(json["steps"][0]["kind"], "change_password");
    }

    #[test]
    fn the_plan_reads_back_from_its_json() {
        let (accounts, findings) = sample();
        let plan = build(&accounts, &findings);
        let text = serde_json::to_string(&plan).unwrap();
        let back: Vec<PlanItem> = serde_json::from_str(&text).unwrap();
        assert_eq!(back, plan);
    }
}
