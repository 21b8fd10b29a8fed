//! Per-member readiness: how many 2FA accounts have their codes saved.

use super::CodeStatus;
use crate::report::{AccountReport, MemberReadiness};

/// Per-member readiness from the accounts' recovery objects, in `members`
/// order. Empty when the recovery check did not run.
pub fn readiness(accounts: &[AccountReport], members: &[String]) -> Vec<MemberReadiness> {
    if accounts.iter().all(|a| a.recovery.is_none()) {
        return Vec::new();
    }
    // Each member's accounts, gathered in one pass (a team's audit has
    // thousands of members and a million accounts: issue 15).
    let member_at: std::collections::HashMap<&str, usize> = members
        .iter()
        .enumerate()
        .map(|(k, m)| (m.as_str(), k))
        .collect();
    let mut of_member: Vec<Vec<&AccountReport>> = vec![Vec::new(); members.len()];
    for a in accounts {
        if let Some(&k) = member_at.get(&*a.member) {
            of_member[k].push(a);
        }
    }
    members
        .iter()
        .zip(of_member)
        .map(|(member, of_member)| {
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
            for a in of_member {
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
