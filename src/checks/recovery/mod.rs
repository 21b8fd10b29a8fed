//! `recovery`: could each person get back into each account if their second
//! factor broke (a lost phone, a reset authenticator, a service's SMS or TOTP
//! route going down)? Then the only way in is a backup code saved beforehand,
//! or the mailbox that can reset the password.
//!
//! Per account (the JSON `recovery` object):
//! - `two_factor`: is 2FA recorded in the export, and which kind
//!   ([`two_factor`]). `enabled` is null when the format cannot carry 2FA.
//! - `backup_codes`: `saved`, `missing`, `unknown` or `not_applicable`, with
//!   where they were found ([`codes`]): the account's notes or custom fields,
//!   a separate item of the same member's export naming the site ("Dropbox
//!   backup codes"; Dashlane's securenotes.csv counts for its credentials.csv), a statement that they are kept offline, or the recovery
//!   inventory ([`inventory`]). `unknown` when the format drops the custom
//!   fields its manager has (1Password, Proton Pass, KeePass, KeePassXC CSV):
//!   "cannot tell from this export".
//! - `two_factor_available`: what the service offers, from the built-in
//!   table or the 2fa.directory file ([`directory`]).
//! - `hub` (on a mailbox's own entry) and `recovery_mailbox` (on the accounts
//!   it can reset) ([`hubs`]).
//!
//! Findings:
//! - `lockout_risk` (high): 2FA on, backup codes missing.
//! - `recovery_unknown` (info): 2FA on, the export cannot show the codes.
//! - `two_factor_available` (low; medium for a mailbox, high for a mailbox
//!   that resets other accounts and for money): the service offers 2FA and
//!   none is recorded.
//!   For an export that cannot carry 2FA at all (Chrome, Firefox), one info
//!   finding per file lists its accounts on services that offer 2FA.
//! - `recovery_hub` (critical when the mailbox is weak, reused, breached or
//!   has no 2FA; medium otherwise): a mailbox that can reset several accounts.
//!
//! Runs last: the hub state reads the reuse, similar, weak and pwned facts.

pub mod codes;
pub mod directory;
pub mod hubs;
pub mod inventory;
pub mod two_factor;

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::Path;
use std::sync::Arc;

use zeroize::Zeroizing;

use super::{Context, Draft, Facts, FindingKind, Outcome};
use crate::domain;
use crate::error::InputError;
use crate::model::{Entry, Source, Vault};
use crate::report::{AccountReport, Severity};
pub use crate::report::{
    Availability, BackupCodes, CodeStatus, Evidence, MailboxLink, MemberReadiness, Place, Recovery,
    TwoFactor,
};
use crate::sanitize::truncate;
pub use directory::{Directory, DirectorySource, Service};
pub use hubs::{HubIssue, HubState};
pub use inventory::Inventory;
pub use two_factor::Method;

/// Options of the recovery check.
#[derive(Debug, Clone, Default)]
pub struct RecoverySettings {
    /// `--recovery-inventory FILE`.
    pub inventory: Option<Arc<Inventory>>,
    /// `--2fa-directory FILE` (the built-in table is always used too).
    pub directory: Option<Arc<Directory>>,
}

impl RecoverySettings {
    /// Reads the inventory and directory files; errors name the file and line.
    pub fn load(inventory: Option<&Path>, directory: Option<&Path>) -> Result<Self, InputError> {
        Ok(RecoverySettings {
            inventory: inventory.map(Inventory::load).transpose()?.map(Arc::new),
            directory: directory.map(Directory::load).transpose()?.map(Arc::new),
        })
    }
}

// ---- per-account assessment -----------------------------------------------------

/// Words ignored when matching an account's title against a separate item.
const STOPWORDS: &[&str] = &[
    "login", "account", "accounts", "mail", "email", "bank", "banking", "online", "home", "work",
    "personal", "backup", "codes", "code", "recovery", "main", "admin", "user", "site", "shop",
    "store", "family", "shared", "sign", "signin", "www",
];

/// ` word word ` of `text`, lower-cased, for whole-word matching.
fn words(text: &str) -> Zeroizing<String> {
    let mut out = Zeroizing::new(String::from(" "));
    for w in text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        out.push_str(&w.to_lowercase());
        out.push(' ');
    }
    out
}

/// A separate item (a note, or a login without password) holding codes.
struct CodeItem {
    member: String,
    /// Index into `vault.entries`.
    entry: usize,
    /// ` words ` of its title and first line.
    words: Zeroizing<String>,
    /// What an account it names gets as evidence.
    evidence: Evidence,
}

/// The separate items of a vault, indexed by the words of their title and
/// first line and by the domains in their URLs and body, so each account
/// only checks the items that can name it. Index keys are hashes, so the
/// index holds no copy of a note's text.
struct CodeItems {
    items: Vec<CodeItem>,
    by_word: HashMap<u64, Vec<usize>>,
    by_domain: HashMap<u64, Vec<usize>>,
}

fn key(s: &str) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    s.hash(&mut h);
    h.finish()
}

impl CodeItem {
    fn location(title: &str, row: u64) -> String {
        if title.is_empty() || codes::has_code_like(title) {
            format!("separate item (line {row})")
        } else {
            format!("separate item '{}' (line {row})", truncate(title, 40))
        }
    }
}

impl CodeItems {
    fn new(vault: &Vault) -> CodeItems {
        let mut index = CodeItems {
            items: Vec::new(),
            by_word: HashMap::new(),
            by_domain: HashMap::new(),
        };
        let candidates = vault
            .entries
            .iter()
            .enumerate()
            .filter(|(_, e)| !e.deleted)
            .filter(|(_, e)| !e.is_account() || codes::label(&e.title).is_some());
        for (entry, e) in candidates {
            let mut text = Zeroizing::new(format!("{}\n{}", e.title, e.notes.expose()));
            for f in &e.fields {
                text.push('\n');
                text.push_str(&f.name);
                text.push_str(": ");
                text.push_str(f.value.expose());
            }
            let Some(found) = codes::scan(&text).filter(|f| f.is_saved()) else {
                continue;
            };
            let notes = e.notes.expose();
            let first_line = notes.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
            let words = words(&Zeroizing::new(format!("{} {first_line}", e.title)));
            let k = index.items.len();
            for w in words.split(' ').filter(|w| !w.is_empty()) {
                index.by_word.entry(key(w)).or_default().push(k);
            }
            let body_domains = notes
                .split(|c: char| c.is_whitespace() || c == ',' || c == ';')
                .filter(|t| t.contains('.'))
                .filter_map(|t| domain::of_url(t.trim_matches(|c: char| "()[]<>\"'".contains(c))));
            for d in e
                .urls
                .iter()
                .filter_map(|u| domain::of_url(u))
                .chain(body_domains)
            {
                let slot = index.by_domain.entry(key(&d)).or_default();
                if slot.last() != Some(&k) {
                    slot.push(k);
                }
            }
            index.items.push(CodeItem {
                member: vault.sources[e.source].member.clone(),
                entry,
                words,
                evidence: Evidence {
                    place: Place::SeparateItem,
                    location: CodeItem::location(e.title.trim(), e.row),
                    how: found.describe(),
                    offline: matches!(found, codes::Found::Offline { .. }),
                },
            });
        }
        index
    }

    /// Items of `member` (other than entry `own`) that name an account known
    /// by `names` (from [`names_of`]) or on one of `domains`, in input order.
    fn naming(
        &self,
        member: &str,
        own: usize,
        names: &[String],
        domains: &[String],
    ) -> Vec<&CodeItem> {
        let mut hits: Vec<usize> = domains
            .iter()
            .filter_map(|d| self.by_domain.get(&key(d)))
            .flatten()
            .copied()
            .collect();
        for n in names {
            let first = n.split(' ').find(|w| !w.is_empty()).unwrap_or("");
            if let Some(ks) = self.by_word.get(&key(first)) {
                hits.extend(
                    ks.iter()
                        .copied()
                        .filter(|&k| self.items[k].words.contains(n.as_str())),
                );
            }
        }
        hits.sort_unstable();
        hits.dedup();
        hits.into_iter()
            .map(|k| &self.items[k])
            .filter(|it| it.member == member && it.entry != own)
            .collect()
    }
}

/// Names an account is known by, as ` words ` patterns: its domains'
/// brands, its title, and the distinctive words of its title.
fn names_of(e: &Entry, domains: &[String]) -> Vec<String> {
    let mut names: Vec<String> = domains
        .iter()
        .map(|d| domain::brand(d))
        .filter(|b| b.len() >= 3)
        .map(|b| words(b).to_string())
        .collect();
    let title = words(&e.title);
    let phrase = title.trim();
    if phrase.chars().count() >= 3 {
        names.push(format!(" {phrase} "));
    }
    names.extend(
        phrase
            .split(' ')
            .filter(|w| w.chars().count() >= 4 && !STOPWORDS.contains(w))
            .map(|w| format!(" {w} ")),
    );
    names.sort();
    names.dedup();
    names
}

/// Evidence in the account's own notes and custom fields, and where a
/// negation ("no backup codes") was seen, if any.
fn own_evidence(e: &Entry) -> (Vec<Evidence>, Option<String>) {
    let mut evidence = Vec::new();
    let mut negated = None;
    let offline = |f: codes::Found| matches!(f, codes::Found::Offline { .. });
    match codes::scan(e.notes.expose()) {
        Some(found) if found.is_saved() => evidence.push(Evidence {
            place: Place::Notes,
            location: "notes".into(),
            how: found.describe(),
            offline: offline(found),
        }),
        Some(_) => negated = Some("its notes".to_owned()),
        None => {}
    }
    for a in &e.attachments {
        // `github-recovery-codes.txt` reads as "github recovery codes txt".
        let words = a.name.replace(['-', '_', '.'], " ");
        if let Some(label) = codes::label(&words) {
            evidence.push(Evidence {
                place: Place::Attachment,
                location: format!("attachment '{}'", a.name),
                how: format!("a file named '{label}' is attached"),
                offline: false,
            });
        }
    }
    for field in &e.fields {
        let value = field.value.expose().trim();
        if value.is_empty() || two_factor::is_otp_field(&field.name) {
            continue;
        }
        let found = codes::scan(value);
        let location = two_factor::field_label(&field.name);
        match (codes::label(&field.name), found) {
            (Some(label), found) => {
                let with_codes = matches!(
                    found,
                    Some(
                        codes::Found::Block { .. }
                            | codes::Found::Label {
                                with_codes: true,
                                ..
                            }
                    )
                );
                let is_offline = found.is_some_and(offline);
                if !with_codes && !is_offline && codes::is_negation(value) {
                    negated = Some(location);
                } else {
                    evidence.push(Evidence {
                        place: Place::CustomField,
                        location,
                        how: match found {
                            Some(f) if f.is_saved() && !matches!(f, codes::Found::Label { .. }) => {
                                format!("labelled '{label}'; {}", f.describe())
                            }
                            _ => format!("labelled '{label}'"),
                        },
                        offline: is_offline,
                    });
                }
            }
            (None, Some(found)) if found.is_saved() => evidence.push(Evidence {
                place: Place::CustomField,
                location,
                how: found.describe(),
                offline: offline(found),
            }),
            (None, Some(_)) => negated = Some(location),
            (None, None) => {}
        }
    }
    (evidence, negated)
}

/// The display name of a source's format.
fn format_name(src: &Source) -> &'static str {
    src.format_name
}

/// Joins `["a", "b", "c"]` as `a, b and c`.
fn join_and<S: AsRef<str>>(items: &[S]) -> String {
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_owned(),
        [rest @ .., last] => format!(
            "{} and {}",
            rest.iter()
                .map(|s| s.as_ref())
                .collect::<Vec<_>>()
                .join(", "),
            last.as_ref()
        ),
    }
}

/// Formats whose manager has custom fields that its CSV export drops
/// (README, "Supported formats"): codes kept in such a field are invisible, so a
/// missing code there is "cannot tell", not "missing". Other formats without
/// custom fields (LastPass logins, Apple Passwords, Dashlane, Chrome) belong to
/// managers where codes live in notes or secure notes, which their exports carry.
const DROPS_CUSTOM_FIELDS: &[&str] = &["1password", "protonpass", "keepass", "keepassxc"];

/// True when `src` cannot show backup codes kept where its users keep them.
fn cannot_show_codes(src: &Source) -> bool {
    let caps = src.capabilities;
    !caps.notes || (!caps.custom_fields && DROPS_CUSTOM_FIELDS.contains(&src.format))
}

/// "cannot tell" wording for a format that drops where codes are kept.
fn cannot_tell(src: &Source) -> String {
    let caps = src.capabilities;
    let mut dropped = Vec::new();
    if !caps.notes {
        dropped.push("notes");
    }
    if !caps.custom_fields {
        dropped.push("custom fields");
    }
    if !caps.attachments {
        dropped.push("attachments");
    }
    format!(
        "{} exports drop {}: cannot tell from this export whether backup codes are saved",
        format_name(src),
        join_and(&dropped)
    )
}

/// Assesses account `i`: its recovery object and its directory entry.
fn assess(ctx: &Context, i: usize, items: &CodeItems) -> (Recovery, Option<Service>) {
    let settings = ctx.recovery;
    let e = ctx.entry(i);
    let src = &ctx.vault.sources[e.source];
    let caps = src.capabilities;
    let detected = two_factor::detect(e);
    let (mut evidence, negated) = own_evidence(e);

    let domains: Vec<String> = e.urls.iter().filter_map(|u| domain::of_url(u)).collect();
    let names = names_of(e, &domains);
    for item in items.naming(ctx.member(i), ctx.accounts[i], &names, &domains) {
        evidence.push(item.evidence.clone());
    }
    if let Some(inv) = &settings.inventory {
        if let Some(r) = inv.find(ctx.member(i), e) {
            let mut how = if codes::has_code_like(&r.location) {
                "listed (its 'where' is not shown: it looks like codes)".to_owned()
            } else {
                format!("kept: {}", truncate(&r.location, 60))
            };
            if let Some(date) = &r.date {
                how.push_str(&format!("; saved {date}"));
            }
            evidence.push(Evidence {
                place: Place::Inventory,
                location: format!("recovery inventory {} line {}", inv.path, r.line),
                how,
                offline: false,
            });
        }
    }

    let mut two_factor = TwoFactor {
        enabled: None,
        methods: detected.methods.clone(),
        evidence: detected.evidence.clone(),
    };
    let saved = !evidence.is_empty();
    let (status, note) = if detected.is_on() || saved {
        two_factor.enabled = Some(true);
        if !detected.is_on() {
            two_factor.evidence.push(
                "backup codes are saved, so 2FA is on (its method is not in this export)".into(),
            );
        }
        if saved {
            (CodeStatus::Saved, None)
        } else if let Some(place) = &negated {
            (
                CodeStatus::Missing,
                Some(format!("{place} says the backup codes are not saved")),
            )
        } else if cannot_show_codes(src) {
            (CodeStatus::Unknown, Some(cannot_tell(src)))
        } else {
            let own = if caps.custom_fields {
                "its notes or custom fields"
            } else {
                "its notes"
            };
            let inventory = if settings.inventory.is_some() {
                ", nor in the recovery inventory"
            } else {
                ""
            };
            (
                CodeStatus::Missing,
                Some(format!(
                    "not in {own}, nor in a separate note of this export{inventory}; CSV exports never carry attached files"
                )),
            )
        }
    } else if !caps.totp {
        (
            CodeStatus::Unknown,
            Some(format!(
                "{} exports carry no 2FA secrets: cannot tell whether 2FA is on",
                format_name(src)
            )),
        )
    } else {
        two_factor.enabled = Some(false);
        (CodeStatus::NotApplicable, None)
    };

    let found = directory::lookup(settings.directory.as_deref(), &e.urls);
    let availability = found.as_ref().map(|(s, source)| Availability {
        service: s.name.clone(),
        methods: s.tfa.clone(),
        documentation: s.documentation.clone(),
        source: *source,
        money: s.is_money(),
        mailbox: s.is_mailbox(),
    });
    let recovery = Recovery {
        two_factor,
        backup_codes: BackupCodes {
            status,
            evidence,
            note,
        },
        two_factor_available: availability,
        hub: None,
        recovery_mailbox: None,
    };
    (recovery, found.map(|(s, _)| s))
}

// ---- findings -------------------------------------------------------------------

fn methods_text(methods: &[Method]) -> String {
    let words: Vec<&str> = methods.iter().map(|m| m.describe()).collect();
    if words.is_empty() {
        "method not in the export".to_owned()
    } else {
        join_and(&words)
    }
}

fn offered_text(tfa: &[String]) -> String {
    let words: Vec<&str> = tfa.iter().map(|m| directory::describe_method(m)).collect();
    join_and(&words)
}

fn account_findings(
    ctx: &Context,
    i: usize,
    r: &Recovery,
    service: Option<&Service>,
    hub_accounts: Option<usize>,
) -> Option<Draft> {
    let label = ctx.label(i);
    let service_name = service
        .map(|s| s.name.clone())
        .unwrap_or_else(|| label.clone());
    let methods = methods_text(&r.two_factor.methods);
    let note = r.backup_codes.note.as_deref().unwrap_or("");
    let details = serde_json::json!({ "methods": r.two_factor.methods });
    if r.two_factor.enabled == Some(true) {
        let (kind, severity, message) = match r.backup_codes.status {
            CodeStatus::Missing => {
                let factor = if r.two_factor.methods == [Method::Steam] {
                    "phone with Steam Guard"
                } else {
                    "authenticator app or phone"
                };
                (
                    FindingKind::LockoutRisk,
                    Severity::High,
                    format!(
                        "{label}: 2FA is on ({methods}) but no backup codes were found ({note}). If the {factor} is lost or reset, you could be locked out: save the backup codes from {service_name}'s security settings and keep a copy offline, then record where they are (a note titled '{service_name} backup codes', or a recovery inventory)."
                    ),
                )
            }
            CodeStatus::Unknown => (
                FindingKind::RecoveryUnknown,
                Severity::Info,
                format!(
                    "{label}: 2FA is on ({methods}); {note}. If the codes are kept elsewhere, list them in a recovery inventory (--recovery-inventory); if they were never saved, save them from {service_name}'s security settings."
                ),
            ),
            CodeStatus::Saved | CodeStatus::NotApplicable => return None,
        };
        let mut d = Draft::new(kind, severity, vec![i], message);
        d.details = Some(details);
        return Some(d);
    }
    let service = service.filter(|s| s.offers())?;
    let offered = offered_text(&service.tfa);
    let who = if label.eq_ignore_ascii_case(&service.name) {
        label.clone()
    } else {
        format!("{label}: {}", service.name)
    };
    let how = service
        .documentation
        .as_deref()
        .map(|d| format!(" How: {d}"))
        .unwrap_or_default();
    // An export that cannot carry 2FA gets one summary finding per file
    // (see `unknown_two_factor`), not one per account.
    r.two_factor.enabled?;
    let advice = service.advice();
    let (severity, message) = if !service.recordable() {
        (
            Severity::Info,
            format!(
                "{who} offers two-factor authentication ({offered}). These methods leave no trace in a password-manager export, so vaultlint cannot tell whether it is on: check the account's security settings, turn it on if it is off{advice}, and save any recovery key or backup codes it gives you.{how}"
            ),
        )
    } else {
        let mut why = String::new();
        // Low for an ordinary site; a mailbox (it can reset others) medium;
        // a hub and money high.
        let mut severity = if service.is_mailbox() {
            Severity::Medium
        } else {
            Severity::Low
        };
        if let Some(n) = hub_accounts {
            severity = Severity::High;
            why.push_str(&format!(
                " This mailbox can reset {n} other account{}.",
                if n == 1 { "" } else { "s" }
            ));
        }
        if service.is_money() {
            severity = Severity::High;
            why.push_str(" It holds money.");
        }
        (
            severity,
            format!(
                "{who} offers two-factor authentication ({offered}), but none is recorded for this login.{why} Turn it on{advice} and save the backup codes it gives you.{how}"
            ),
        )
    };
    let mut d = Draft::new(FindingKind::TwoFactorAvailable, severity, vec![i], message);
    d.details = Some(serde_json::json!({
        "service": service.name,
        "offered": service.tfa,
        "money": service.is_money(),
        "hub": hub_accounts.is_some(),
        "mailbox": service.is_mailbox(),
        "recordable": service.recordable(),
    }));
    Some(d)
}

/// One `two_factor_available` (info) finding per export whose format cannot
/// carry 2FA secrets, naming its accounts on services that offer 2FA.
fn unknown_two_factor(
    ctx: &Context,
    recoveries: &[Recovery],
    services: &[Option<Service>],
) -> Vec<Draft> {
    let mut by_source: std::collections::BTreeMap<usize, Vec<usize>> = Default::default();
    for (i, r) in recoveries.iter().enumerate() {
        if r.two_factor.enabled.is_none() && services[i].as_ref().is_some_and(|s| s.offers()) {
            by_source.entry(ctx.entry(i).source).or_default().push(i);
        }
    }
    by_source
        .into_iter()
        .map(|(source, accounts)| {
            let src = &ctx.vault.sources[source];
            let labels: Vec<String> = accounts.iter().take(5).map(|&i| ctx.label(i)).collect();
            let more = accounts.len().saturating_sub(labels.len());
            let shown = if more > 0 {
                format!("{} and {more} more", labels.join(", "))
            } else {
                join_and(&labels)
            };
            let n = accounts.len();
            let message = format!(
                "{} exports cannot show whether 2FA is on. {n} of {}'s accounts {} on services that offer it ({shown}): check that each has 2FA turned on and its backup codes saved, and record them in a recovery inventory (--recovery-inventory) so the next audit can see them.",
                format_name(src),
                src.member,
                if n == 1 { "is" } else { "are" },
            );
            let mut d = Draft::new(FindingKind::TwoFactorAvailable, Severity::Info, accounts, message);
            d.discriminator = format!("cannot-show-2fa:{}", src.format);
            d.details = Some(serde_json::json!({ "format": src.format, "accounts": n }));
            d
        })
        .collect()
}

fn hub_finding(ctx: &Context, hub: &hubs::Hub, state: &HubState) -> Draft {
    let n = hub.services;
    let mut seen = std::collections::BTreeSet::new();
    let labels: Vec<String> = hub
        .dependents
        .iter()
        .filter(|&&i| seen.insert(hubs::service_key(ctx, i)))
        .map(|&i| ctx.label(i))
        .collect();
    let shown = if labels.len() > 5 {
        format!("{} and {} more", labels[..5].join(", "), labels.len() - 5)
    } else {
        join_and(&labels)
    };
    let mut message = format!(
        "{} can reset {n} other account{} ({shown}) with \"forgot password\": whoever gets into this mailbox gets into them.",
        hub.address,
        if n == 1 { "" } else { "s" }
    );
    match hub.mailbox {
        None => message.push_str(
            " Its own login is not in these exports, so vaultlint cannot check it: make sure it has a long unique password, 2FA and saved backup codes.",
        ),
        Some(m) => {
            let problems: Vec<&str> = state.problems.iter().map(|p| p.describe()).collect();
            let label = ctx.label(m);
            if state.is_critical() {
                message.push_str(&format!(
                    " Its own login ({label}) has {}: secure it first with a long unique password, 2FA and backup codes kept offline.",
                    join_and(&problems)
                ));
            } else if !problems.is_empty() {
                message.push_str(&format!(
                    " Its own login ({label}) has {}: save its backup codes and keep a copy offline.",
                    join_and(&problems)
                ));
            } else {
                message.push_str(&format!(" No problem found with its own login ({label})."));
            }
        }
    }
    if !state.unknown.is_empty() {
        let unknown: Vec<&str> = state.unknown.iter().map(|u| u.describe_unknown()).collect();
        message.push_str(&format!(" Not checked: {}.", join_and(&unknown)));
    }
    let severity = if state.is_critical() {
        Severity::Critical
    } else {
        Severity::Medium
    };
    let mut accounts: Vec<usize> = hub.mailbox.into_iter().collect();
    accounts.extend(&hub.dependents);
    let mut d = Draft::new(FindingKind::RecoveryHub, severity, accounts, message);
    d.discriminator = hub.address.clone();
    d.details = serde_json::to_value(state).ok();
    d
}

/// Runs the recovery check over every account.
pub fn run(ctx: &Context, facts: &mut Facts) -> Outcome {
    let n = ctx.accounts.len();
    ctx.progress.start("recovery", n as u64);
    let items = CodeItems::new(ctx.vault);
    let mut services = Vec::with_capacity(n);
    let mut recoveries = Vec::with_capacity(n);
    for i in 0..n {
        let (r, s) = assess(ctx, i, &items);
        recoveries.push(r);
        services.push(s);
        ctx.progress.advance(1);
    }
    drop(items);

    let mut findings = Vec::new();
    let mut hub_accounts: Vec<Option<usize>> = vec![None; n];
    for hub in hubs::find(ctx) {
        let state = hubs::state(ctx, facts, &hub, &recoveries, &services);
        for &d in &hub.dependents {
            recoveries[d].recovery_mailbox = Some(MailboxLink {
                address: hub.address.clone(),
                at_risk: state.is_critical(),
            });
        }
        if let Some(m) = hub.mailbox {
            recoveries[m].hub = Some(state.clone());
            hub_accounts[m] = Some(hub.services);
        }
        findings.push(hub_finding(ctx, &hub, &state));
    }
    for i in 0..n {
        findings.extend(account_findings(
            ctx,
            i,
            &recoveries[i],
            services[i].as_ref(),
            hub_accounts[i],
        ));
    }
    findings.extend(unknown_two_factor(ctx, &recoveries, &services));
    for (slot, r) in facts.recovery.iter_mut().zip(recoveries) {
        *slot = Some(r);
    }
    ctx.progress.finish();
    Outcome {
        findings,
        warnings: unmatched_inventory(ctx),
        ..Outcome::default()
    }
}

/// Inventory lines that name no audited account: said, not silently dropped
/// (a typo in a site name would otherwise hide a lockout risk).
fn unmatched_inventory(ctx: &Context) -> Vec<String> {
    let Some(inv) = &ctx.recovery.inventory else {
        return Vec::new();
    };
    inv.records
        .iter()
        .filter(|r| !ctx.iter().any(|(i, e)| r.matches(ctx.member(i), e)))
        .map(|r| {
            format!(
                "recovery inventory {} line {}: '{}' matches no audited account",
                inv.path,
                r.line,
                truncate(&r.site, 60)
            )
        })
        .collect()
}

// ---- readiness summary -------------------------------------------------------------

/// Per-member readiness from the accounts' recovery objects, in `members`
/// order. Empty when the recovery check did not run.
pub fn readiness(accounts: &[AccountReport], members: &[String]) -> Vec<MemberReadiness> {
    if accounts.iter().all(|a| a.recovery.is_none()) {
        return Vec::new();
    }
    members
        .iter()
        .map(|member| {
            let mut m = MemberReadiness {
                member: member.clone(),
                accounts: 0,
                two_factor: 0,
                codes_saved: 0,
                lockout_risk: 0,
                codes_unknown: 0,
                two_factor_available: 0,
                hubs: 0,
                hubs_at_risk: 0,
                readiness_percent: None,
            };
            let mut hubs: std::collections::BTreeMap<&str, bool> = Default::default();
            for a in accounts.iter().filter(|a| &a.member == member) {
                m.accounts += 1;
                let Some(r) = &a.recovery else { continue };
                let on = r.two_factor.enabled == Some(true);
                m.two_factor += usize::from(on);
                match r.backup_codes.status {
                    CodeStatus::Saved => m.codes_saved += 1,
                    CodeStatus::Missing if on => m.lockout_risk += 1,
                    CodeStatus::Unknown if on => m.codes_unknown += 1,
                    _ => {}
                }
                if !on
                    && r.two_factor_available
                        .as_ref()
                        .is_some_and(|av| !av.methods.is_empty())
                {
                    m.two_factor_available += 1;
                }
                if let Some(link) = &r.recovery_mailbox {
                    *hubs.entry(&link.address).or_default() |= link.at_risk;
                }
                if let Some(h) = &r.hub {
                    *hubs.entry(&h.address).or_default() |= h.is_critical();
                }
            }
            m.hubs = hubs.len();
            m.hubs_at_risk = hubs.values().filter(|&&risk| risk).count();
            m.readiness_percent = (m.two_factor > 0)
                .then(|| ((m.codes_saved * 100 + m.two_factor / 2) / m.two_factor).min(100) as u8);
            m
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_lists_in_plain_words() {
        assert_eq!(join_and::<&str>(&[]), "");
        assert_eq!(join_and(&["a"]), "a");
        assert_eq!(join_and(&["a", "b", "c"]), "a, b and c");
    }

    use crate::model::{Capabilities, EntryKind, Field, Secret};
    use crate::progress::NoProgress;

    fn source(member: &str, format: &'static str, custom_fields: bool) -> Source {
        Source {
            path: format!("{member}-{format}.csv"),
            member: member.into(),
            format,
            format_name: crate::import::format_by_id(format).map_or(format, |f| f.name()),
            capabilities: Capabilities {
                notes: true,
                custom_fields,
                totp: true,
                attachments: false,
                history: false,
                passkeys: false,
            },
            rows: 0,
            skipped: Vec::new(),
            deleted: 0,
            warnings: Vec::new(),
            ..Default::default()
        }
    }

    fn login(source: usize, row: u64, title: &str, url: &str, totp: bool) -> Entry {
        let mut e = Entry::new(EntryKind::Login, row);
        e.source = source;
        e.title = title.into();
        e.urls = vec![url.into()];
        e.username = "dan@example.net".into();
        e.password = Some(Secret::new(format!("pw-{title}-{row}")));
        if totp {
            e.totp = Some(Secret::new("JBSWY3DPEHPK3PXP"));
        }
        e
    }

    fn statuses(vault: &Vault) -> Vec<(String, CodeStatus, Vec<Place>)> {
        let accounts = vault.account_indices();
        let ctx = Context {
            vault,
            accounts: &accounts,
            selected: crate::checks::CheckId::ALL,
            pwned: &Default::default(),
            recovery: &Default::default(),
            site_breach: &Default::default(),
            progress: &NoProgress,
        };
        let mut facts = Facts::new(accounts.len());
        run(&ctx, &mut facts);
        facts
            .recovery
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let r = r.as_ref().unwrap();
                (
                    format!("{}/{}", ctx.member(i), ctx.entry(i).title),
                    r.backup_codes.status,
                    r.backup_codes.evidence.iter().map(|e| e.place).collect(),
                )
            })
            .collect()
    }

    #[test]
    fn status_rules_per_format_and_member() {
        let mut note = Entry::new(EntryKind::Note, 2);
        note.source = 1;
        note.title = "GitHub recovery codes".into();
        note.notes = Secret::new("3f2a1-b9c4d 7e6f0-a1b2c 55d1e-0c9fa 8b3c2-d4e5f 1a2b3-c4d5e");
        let mut negated = login(0, 4, "Reddit", "https://www.reddit.com", true);
        negated.notes = Secret::new("No backup codes saved yet");
        let mut field = login(2, 3, "Mastodon", "https://mastodon.social", true);
        field.fields = vec![Field::new("Scratch codes", "printed, in the drawer")];
        let vault = Vault {
            sources: vec![
                source("dan", "dashlane", false),
                source("dan", "dashlane-notes", false),
                source("eve", "1password", false),
                source("eve", "bitwarden", true),
            ],
            entries: vec![
                login(0, 2, "GitHub", "https://github.com/login", true),
                login(0, 3, "Facebook", "https://www.facebook.com", true),
                negated,
                note,
                login(2, 2, "GitHub", "https://github.com", true),
                field,
                login(3, 2, "GitLab", "https://gitlab.com", false),
            ],
        };
        assert_eq!(
            statuses(&vault),
            vec![
                // Dashlane's securenotes.csv counts for its credentials.csv
                (
                    "dan/GitHub".into(),
                    CodeStatus::Saved,
                    vec![Place::SeparateItem]
                ),
                // Dashlane has no custom fields to drop: missing, not unknown
                ("dan/Facebook".into(), CodeStatus::Missing, vec![]),
                ("dan/Reddit".into(), CodeStatus::Missing, vec![]),
                // another member's note does not count; 1Password CSV cannot tell
                ("eve/GitHub".into(), CodeStatus::Unknown, vec![]),
                (
                    "eve/Mastodon".into(),
                    CodeStatus::Saved,
                    vec![Place::CustomField]
                ),
                ("eve/GitLab".into(), CodeStatus::NotApplicable, vec![]),
            ]
        );
    }

    #[test]
    fn account_names_for_matching_separate_items() {
        let mut e = Entry::new(crate::model::EntryKind::Login, 2);
        e.title = "X (Twitter)".into();
        let names = names_of(&e, &["x.com".into()]);
        assert!(names.contains(&" twitter ".to_owned()));
        assert!(!names.contains(&" x ".to_owned()));
        e.title = "Northwind Bank".into();
        let names = names_of(&e, &["northwind-bank.example".into()]);
        assert!(names.contains(&" northwind bank ".to_owned()));
        assert!(names.contains(&" northwind ".to_owned()));
        assert!(!names.contains(&" bank ".to_owned()));
    }
}
