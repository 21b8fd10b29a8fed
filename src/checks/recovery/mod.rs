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

pub mod available;
pub mod codes;
mod evidence;
mod findings;
pub mod hubs;
pub mod inventory;
mod items;
mod readiness;
pub mod two_factor;

use std::sync::Arc;

use rayon::prelude::*;

use super::{Context, Draft, Facts, FindingKind, Outcome};
use crate::model::Source;
pub use crate::report::{
    Availability, BackupCodes, CodeStatus, Evidence, MailboxLink, MemberReadiness, Place, Recovery,
    Shared, TwoFactor,
};
use crate::sanitize::truncate;
use crate::site;
use crate::text::join_and;
pub use crate::tfa_directory::{self as directory, Directory, Service};
pub use available::DirectorySource;
use evidence::own_evidence;
use findings::{account_findings, hub_finding, unknown_two_factor};
pub use hubs::{HubIssue, HubState};
use inventory::AccountKey;
pub use inventory::Inventory;
use items::{CodeItems, names_of};
pub use readiness::readiness;
pub use two_factor::Method;

/// Options of the recovery check, with its files already read (by the
/// settings: the check does no I/O).
#[derive(Debug, Clone, Default)]
pub struct RecoverySettings {
    /// `--recovery-inventory FILE`.
    pub inventory: Option<Arc<Inventory>>,
    /// `--2fa-directory FILE` (the built-in table is always used too).
    pub directory: Option<Arc<Directory>>,
    /// `--drill SCENARIO` (repeatable): the drill's scenarios; empty: all.
    /// The drill reads the inventory too, so its options live here.
    pub drill: Vec<crate::checks::drill::ScenarioKind>,
}

/// True when `src` cannot show backup codes kept where its users keep them:
/// it has no notes, or its manager has custom fields that it drops. Other
/// formats without custom fields (LastPass logins, Apple Passwords, Dashlane,
/// Chrome) belong to managers where codes live in notes or secure notes,
/// which their exports carry.
fn cannot_show_codes(src: &Source) -> bool {
    let caps = src.capabilities;
    !caps.notes || (!caps.custom_fields && src.drops_custom_fields)
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
        src.format_name,
        join_and(&dropped)
    )
}

/// Where account `i`'s backup codes are saved (its own item, a separate
/// item naming it, the recovery inventory), and where a negation ("no
/// backup codes") was seen, if any.
fn find_codes(ctx: &Context, i: usize, items: &CodeItems) -> (Vec<Evidence>, Option<String>) {
    let e = ctx.entry(i);
    let (mut evidence, negated) = own_evidence(e);
    let domains: Vec<String> = e.urls.iter().filter_map(|u| site::of_url(u)).collect();
    let names = names_of(e, &domains);
    for item in items.naming(ctx.member(i), ctx.accounts[i], &names, &domains) {
        evidence.push(item.evidence.clone());
    }
    evidence.extend(inventory_evidence(ctx, i));
    (evidence, negated)
}

/// The recovery inventory's line for account `i`, as evidence.
fn inventory_evidence(ctx: &Context, i: usize) -> Option<Evidence> {
    let inv = ctx.recovery.inventory.as_ref()?;
    let domains: Vec<&str> = ctx.sites().of(i).map(|s| s.domain).collect();
    let account = AccountKey::new(ctx.member(i), ctx.entry(i), domains);
    let r = inv.find_keyed(&account, |r| !r.location.is_empty())?;
    let mut how = if codes::has_code_like(&r.location) {
        "listed (its 'where' is not shown: it looks like codes)".to_owned()
    } else {
        format!("kept: {}", truncate(&r.location, 60))
    };
    if let Some(date) = &r.date {
        how.push_str(&format!("; saved {date}"));
    }
    Some(Evidence {
        place: Place::Inventory,
        location: format!("recovery inventory {} line {}", inv.path, r.line),
        how,
        offline: false,
    })
}

/// The notes `code_status` gives, written once per source: the same for
/// each of its accounts (issue 15).
struct Notes {
    /// The format carries no 2FA secrets.
    no_secrets: Shared,
    /// The format drops where codes are kept ([`cannot_tell`]).
    cannot_tell: Shared,
    /// Codes missing: where they were looked for.
    missing: Shared,
}

impl Notes {
    fn of(ctx: &Context, src: &Source) -> Notes {
        let own = if src.capabilities.custom_fields {
            "its notes or custom fields"
        } else {
            "its notes"
        };
        let inventory = if ctx.recovery.inventory.is_some() {
            ", nor in the recovery inventory"
        } else {
            ""
        };
        Notes {
            no_secrets: format!(
                "{} exports carry no 2FA secrets: cannot tell whether 2FA is on",
                src.format_name
            )
            .into(),
            cannot_tell: cannot_tell(src).into(),
            missing: format!(
                "not in {own}, nor in a separate note of this export{inventory}; CSV exports never carry attached files"
            )
            .into(),
        }
    }
}

/// Whether 2FA is on (`two_factor.enabled`, set here) and the status of the
/// backup codes, with a note saying why when they are not saved.
fn code_status(
    src: &Source,
    notes: &Notes,
    two_factor: &mut TwoFactor,
    detected_on: bool,
    saved: bool,
    negated: Option<String>,
) -> (CodeStatus, Option<Shared>) {
    let caps = src.capabilities;
    if !detected_on && !saved {
        if !caps.totp {
            return (CodeStatus::Unknown, Some(notes.no_secrets.clone()));
        }
        two_factor.enabled = Some(false);
        return (CodeStatus::NotApplicable, None);
    }
    two_factor.enabled = Some(true);
    if !detected_on {
        two_factor
            .evidence
            .push("backup codes are saved, so 2FA is on (its method is not in this export)".into());
    }
    if saved {
        (CodeStatus::Saved, None)
    } else if let Some(place) = negated {
        let note = format!("{place} says the backup codes are not saved");
        (CodeStatus::Missing, Some(note.into()))
    } else if cannot_show_codes(src) {
        (CodeStatus::Unknown, Some(notes.cannot_tell.clone()))
    } else {
        (CodeStatus::Missing, Some(notes.missing.clone()))
    }
}

/// Assesses account `i`: its recovery object and its directory entry.
fn assess(
    ctx: &Context,
    i: usize,
    items: &CodeItems,
    notes: &[Notes],
    lookups: &available::Lookups,
) -> (Recovery, Option<Arc<Service>>) {
    let e = ctx.entry(i);
    let src = &ctx.vault.sources[e.source];
    let detected = two_factor::detect(e);
    let on = detected.is_on();
    let (evidence, negated) = find_codes(ctx, i, items);
    let mut two_factor = TwoFactor {
        enabled: None,
        methods: detected.methods,
        evidence: detected.evidence,
    };
    let saved = !evidence.is_empty();
    let (status, note) = code_status(src, &notes[e.source], &mut two_factor, on, saved, negated);
    let found = lookups.lookup(ctx.recovery.directory.as_deref(), &e.urls);
    let recovery = Recovery {
        two_factor,
        backup_codes: BackupCodes {
            status,
            evidence,
            note,
        },
        two_factor_available: found.as_ref().map(|f| f.availability.clone()),
        hub: None,
        recovery_mailbox: None,
    };
    (recovery, found.map(|f| f.service))
}

/// Runs the recovery check over every account: [`prepare`], then
/// [`complete`].
pub fn run(ctx: &Context, facts: &mut Facts) -> Outcome {
    let prepared = prepare(ctx);
    complete(ctx, facts, prepared)
}

/// What the recovery check finds without the other checks' facts: each
/// account's assessment (its `hub` and `recovery_mailbox` not yet set), the
/// hubs, and every finding but the hubs'. It can run while the checks it
/// reads still run (issue 15); the `drill` reads only these parts of the
/// accounts' recovery objects, so it can run on [`Prepared::recoveries`].
pub struct Prepared {
    /// One per account, always `Some` (the shape of [`Facts::recovery`]).
    pub recoveries: Vec<Option<Box<Recovery>>>,
    /// Shared by the accounts of a service.
    services: Vec<Option<Arc<Service>>>,
    hubs: Vec<hubs::Hub>,
    /// Per-account findings, then the per-file "cannot carry 2FA" ones.
    findings: Vec<Draft>,
    warnings: Vec<String>,
}

/// The part of the check that reads no other check's facts (see [`Prepared`]).
pub fn prepare(ctx: &Context) -> Prepared {
    let n = ctx.accounts.len();
    ctx.progress.start("recovery", n as u64);
    let items = CodeItems::new(ctx.vault);
    let notes: Vec<Notes> = ctx
        .vault
        .sources
        .iter()
        .map(|s| Notes::of(ctx, s))
        .collect();
    let lookups = available::Lookups::default();
    // Each account on its own (in parallel: issue 15).
    // (boxed at once, as `Facts` holds them: no second copy of them all)
    let (recoveries, services): (Vec<Box<Recovery>>, Vec<Option<Arc<Service>>>) = (0..n)
        .into_par_iter()
        .with_min_len(64)
        .map(|i| {
            let (recovery, service) = assess(ctx, i, &items, &notes, &lookups);
            ctx.progress.advance(1);
            (Box::new(recovery), service)
        })
        .unzip();
    drop(items);
    let hubs = hubs::find(ctx);
    let mut hub_accounts: Vec<Option<usize>> = vec![None; n];
    for hub in &hubs {
        if let Some(m) = hub.mailbox {
            hub_accounts[m] = Some(hub.services);
        }
    }
    let mut findings: Vec<Draft> = (0..n)
        .into_par_iter()
        .with_min_len(64)
        .filter_map(|i| {
            account_findings(
                ctx,
                i,
                &recoveries[i],
                services[i].as_deref(),
                hub_accounts[i],
            )
        })
        .collect();
    findings.extend(unknown_two_factor(ctx, &recoveries, &services));
    let recoveries = recoveries.into_iter().map(Some).collect();
    ctx.progress.finish();
    Prepared {
        recoveries,
        services,
        hubs,
        findings,
        warnings: unmatched_inventory(ctx),
    }
}

/// The hubs' states (which read the reuse, similar, weak and pwned facts)
/// and findings; the accounts' recovery objects into `facts`.
pub fn complete(ctx: &Context, facts: &mut Facts, prepared: Prepared) -> Outcome {
    let Prepared {
        mut recoveries,
        services,
        hubs,
        findings: own,
        warnings,
    } = prepared;
    let mut findings = Vec::with_capacity(hubs.len() + own.len());
    {
        let assessed: Vec<&Recovery> = recoveries
            .iter()
            .map(|r| r.as_deref().expect("every account is assessed"))
            .collect();
        let states: Vec<HubState> = hubs
            .iter()
            .map(|hub| hubs::state(facts, hub, &assessed, &services))
            .collect();
        drop(assessed);
        for (hub, state) in hubs.iter().zip(states) {
            let address: Shared = hub.address.as_str().into();
            for &d in &hub.dependents {
                if let Some(r) = recoveries[d].as_deref_mut() {
                    r.recovery_mailbox = Some(MailboxLink {
                        address: address.clone(),
                        at_risk: state.is_critical(),
                    });
                }
            }
            findings.push(hub_finding(ctx, hub, &state));
            if let Some(r) = hub.mailbox.and_then(|m| recoveries[m].as_deref_mut()) {
                r.hub = Some(Box::new(state));
            }
        }
    }
    findings.extend(own);
    for (slot, r) in facts.recovery.iter_mut().zip(recoveries) {
        *slot = r;
    }
    Outcome {
        findings,
        warnings,
        ..Outcome::default()
    }
}

/// Inventory lines that name no audited account: said, not silently dropped
/// (a typo in a site name would otherwise hide a lockout risk).
fn unmatched_inventory(ctx: &Context) -> Vec<String> {
    let Some(inv) = &ctx.recovery.inventory else {
        return Vec::new();
    };
    let mut matched = vec![false; inv.records.len()];
    for (i, e) in ctx.iter() {
        let domains: Vec<&str> = ctx.sites().of(i).map(|s| s.domain).collect();
        let account = AccountKey::new(ctx.member(i), e, domains);
        for (k, (r, key)) in inv.keyed().enumerate() {
            matched[k] = matched[k] || r.matches_key(key, &account);
        }
    }
    inv.records
        .iter()
        .zip(matched)
        .filter(|(_, m)| !m)
        .map(|(r, _)| {
            format!(
                "recovery inventory {} line {}: '{}' matches no audited account",
                inv.path,
                r.line,
                truncate(&r.site, 60)
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::model::{Capabilities, Entry, EntryKind, Field, Secret, Vault};

    fn source(member: &str, format: &'static str, custom_fields: bool) -> Source {
        Source {
            path: format!("{member}-{format}.csv"),
            member: member.into(),
            format,
            format_name: crate::import::format_by_id(format).map_or(format, |f| f.name()),
            drops_custom_fields: crate::import::format_by_id(format)
                .is_some_and(|f| f.info().drops_custom_fields),
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
        let ctx = Context::for_tests(vault, &accounts);
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
        field.fields = thin_vec::thin_vec![Field::new("Scratch codes", "printed, in the drawer")];
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
}
