//! The recovery check's findings: lockout risks, unknown codes, 2FA the
//! service offers, recovery hubs.

use super::{
    CodeStatus, Context, Draft, FindingKind, HubState, Method, Recovery, Service, directory, hubs,
};
use crate::report::Severity;
use crate::report::details::{
    Details, PerExportDetails, TwoFactorAvailableDetails, TwoFactorOnDetails,
};
use crate::text::join_and;

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

/// Account `i`'s own finding, if any: a lockout risk or unknown codes when
/// 2FA is on, else 2FA its service offers.
pub(super) fn account_findings(
    ctx: &Context,
    i: usize,
    r: &Recovery,
    service: Option<&Service>,
    hub_accounts: Option<usize>,
) -> Option<Draft> {
    match r.two_factor.enabled {
        Some(true) => codes_finding(ctx, i, r, service),
        // An export that cannot carry 2FA gets one summary finding per file
        // (see `unknown_two_factor`), not one per account.
        None => None,
        Some(false) => {
            let service = service.filter(|s| s.offers())?;
            Some(available_finding(ctx, i, service, hub_accounts))
        }
    }
}

/// 2FA is on: a lockout risk when the backup codes are missing, info when
/// the export cannot show them.
fn codes_finding(
    ctx: &Context,
    i: usize,
    r: &Recovery,
    service: Option<&Service>,
) -> Option<Draft> {
    let label = ctx.label(i);
    let service_name = service.map_or_else(|| label.clone(), |s| s.name.clone());
    let methods = methods_text(&r.two_factor.methods);
    let note = r.backup_codes.note.as_deref().unwrap_or("");
    let (kind, severity, message) = match r.backup_codes.status {
        CodeStatus::Missing => {
            let factor = if r.two_factor.methods == [Method::Steam] {
                "phone with Steam Guard"
            } else {
                "authenticator app or phone"
            };
            if ctx.entry(i).passkeys().is_empty() {
                (
                    FindingKind::LockoutRisk,
                    Severity::High,
                    format!(
                        "{label}: 2FA is on ({methods}) but no backup codes were found ({note}). If the {factor} is lost or reset, you could be locked out: save the backup codes from {service_name}'s security settings and keep a copy offline, then record where they are (a note titled '{service_name} backup codes', or a recovery inventory)."
                    ),
                )
            } else {
                // A passkey kept in the vault signs in without the second
                // factor's device: losing the phone alone does not lock the
                // account out.
                (
                    FindingKind::LockoutRisk,
                    Severity::Medium,
                    format!(
                        "{label}: 2FA is on ({methods}) and no backup codes were found ({note}), but a passkey for it is stored in the vault, so a lost or reset {factor} alone does not lock you out (lower risk). The passkey lives in the password manager: save the backup codes from {service_name}'s security settings too, in case the vault itself is lost."
                    ),
                )
            }
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
    d.details = Some(Details::TwoFactorOn(TwoFactorOnDetails {
        methods: r.two_factor.methods.clone(),
        passkey_stored: !ctx.entry(i).passkeys().is_empty(),
    }));
    Some(d)
}

/// 2FA is off and `service` offers it: low, medium for a mailbox, high for
/// a mailbox that resets `hub_accounts` others or for money; info when its
/// methods leave no trace in an export.
fn available_finding(
    ctx: &Context,
    i: usize,
    service: &Service,
    hub_accounts: Option<usize>,
) -> Draft {
    let label = ctx.label(i);
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
    d.details = Some(Details::TwoFactorAvailable(Box::new(
        TwoFactorAvailableDetails {
            hub: hub_accounts.is_some(),
            mailbox: service.is_mailbox(),
            money: service.is_money(),
            offered: service.tfa.clone(),
            recordable: service.recordable(),
            service: service.name.clone(),
            sms_only: service.sms_only(),
        },
    )));
    d
}

/// One `two_factor_available` (info) finding per export whose format cannot
/// carry 2FA secrets, naming its accounts on services that offer 2FA.
pub(super) fn unknown_two_factor(
    ctx: &Context,
    recoveries: &[Box<Recovery>],
    services: &[Option<std::sync::Arc<Service>>],
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
                src.format_name,
                src.member,
                if n == 1 { "is" } else { "are" },
            );
            let mut d = Draft::new(FindingKind::TwoFactorAvailable, Severity::Info, accounts, message);
            d.discriminator = format!("cannot-show-2fa:{}", src.format);
            d.details = Some(Details::PerExport(PerExportDetails {
                accounts: n,
                format: src.format.to_string(),
            }));
            d
        })
        .collect()
}

pub(super) fn hub_finding(ctx: &Context, hub: &hubs::Hub, state: &HubState) -> Draft {
    let n = hub.services;
    let mut seen = rustc_hash::FxHashSet::default();
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
    d.details = serde_json::to_value(state).ok().map(Details::Json);
    d
}
