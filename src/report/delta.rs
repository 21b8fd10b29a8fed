//! What changed since a previous report (`--baseline OLD.json`): the JSON
//! `baseline` object. Findings are matched by fingerprint (stable across
//! runs over the same accounts); a finding whose fingerprint moved because
//! accounts joined or left its group is matched by kind and accounts.
//! Findings of a check that did not run completely in both reports are
//! neither new nor fixed: they are "not compared".

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

use super::{Audit, CheckStatus, Severity};
use crate::finding::FindingKind;

/// The part of a previous report a comparison reads. Check and kind names
/// are strings, so that a report of another vaultlint version (with a check
/// this one does not know) can still be compared.
#[derive(Debug, Clone, Deserialize)]
pub struct Previous {
    /// The file as given (not in the JSON: filled in when read).
    #[serde(skip)]
    pub path: String,
    pub generated_at: String,
    pub checks: Vec<PreviousCheck>,
    pub accounts: Vec<PreviousAccount>,
    pub findings: Vec<PreviousFinding>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct PreviousCheck {
    pub check: String,
    pub status: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct PreviousAccount {
    pub id: String,
    pub member: String,
    pub title: String,
    pub username: String,
    pub domain: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct PreviousFinding {
    pub check: String,
    pub severity: Severity,
    pub accounts: Vec<String>,
    pub message: String,
    pub fingerprint: String,
}

impl Previous {
    /// Reads a baseline report (typed errors naming the file).
    pub fn read(path: &std::path::Path) -> Result<Previous, crate::error::InputError> {
        let mut p: Previous = super::read::report(path)?;
        p.path = path.display().to_string();
        Ok(p)
    }
}

/// The JSON `baseline` object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delta {
    /// The baseline file as given.
    pub path: String,
    /// When the baseline audit ran.
    pub generated_at: String,
    /// Ids of the findings the baseline did not have.
    pub new: Vec<String>,
    /// Findings that got worse: a higher severity, or more accounts.
    pub worse: Vec<Changed>,
    /// Findings that got better: a lower severity, or fewer accounts.
    pub improved: Vec<Changed>,
    /// Ids of the findings found the same in both.
    pub unchanged: Vec<String>,
    /// Baseline findings that are gone.
    pub fixed: Vec<Fixed>,
    /// Fingerprints of baseline findings now accepted as known risks by the
    /// policy (`summary.suppressed`): not fixed, not reported.
    pub accepted: Vec<String>,
    /// Checks whose findings were not compared, and why.
    pub not_compared: Vec<NotCompared>,
    /// Members in only one of the two reports: their findings were not
    /// compared (a member who left is not "fixed", one who joined not "new").
    pub members_not_compared: Vec<MemberNotCompared>,
}

/// A member in only one of the two reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberNotCompared {
    pub member: String,
    /// `not in the baseline` or `not in this report`.
    pub reason: String,
    /// Ids of this report's findings that name only such members.
    pub findings: Vec<String>,
    /// How many baseline findings name only such members.
    pub baseline_findings: usize,
}

/// A finding of this report that was in the baseline in another form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Changed {
    /// Its id in this report.
    pub finding: String,
    /// Its fingerprint in the baseline (the same when only the severity changed).
    pub was_fingerprint: String,
    pub was_severity: Severity,
    /// How many accounts it named in the baseline.
    pub was_accounts: usize,
    /// What changed, in plain words.
    pub why: String,
}

/// A baseline finding that is gone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fixed {
    pub fingerprint: String,
    /// The finding kind.
    pub check: String,
    pub severity: Severity,
    /// `member: title` of each account it named.
    pub accounts: Vec<String>,
    /// Its message in the baseline.
    pub message: String,
}

/// A check whose findings were not compared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotCompared {
    pub check: String,
    pub reason: String,
    /// Ids of this report's findings of that check.
    pub findings: Vec<String>,
    /// How many findings of that check the baseline had.
    pub baseline_findings: usize,
}

/// How one finding of this report compares with the baseline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    New,
    Worse,
    Improved,
    Unchanged,
    NotCompared,
}

impl Change {
    pub fn as_str(self) -> &'static str {
        match self {
            Change::New => "new",
            Change::Worse => "worse",
            Change::Improved => "improved",
            Change::Unchanged => "unchanged",
            Change::NotCompared => "not compared",
        }
    }
}

impl Delta {
    /// How finding `id` compares with the baseline.
    pub fn change(&self, id: &str) -> Option<Change> {
        let has = |v: &[String]| v.iter().any(|x| x == id);
        let changed = |v: &[Changed]| v.iter().any(|c| c.finding == id);
        if has(&self.new) {
            Some(Change::New)
        } else if changed(&self.worse) {
            Some(Change::Worse)
        } else if changed(&self.improved) {
            Some(Change::Improved)
        } else if has(&self.unchanged) {
            Some(Change::Unchanged)
        } else if self.not_compared.iter().any(|n| has(&n.findings))
            || self.members_not_compared.iter().any(|n| has(&n.findings))
        {
            Some(Change::NotCompared)
        } else {
            None
        }
    }

    /// Ids of the findings new or worse since the baseline (what
    /// `--fail-on-new` judges).
    pub fn new_or_worse(&self) -> Vec<String> {
        let mut ids = self.new.clone();
        ids.extend(self.worse.iter().map(|c| c.finding.clone()));
        ids
    }

    /// The one-line summary every report shows (not escaped): `Since the
    /// baseline old.json (2026-11-20T10:00:00Z): 1 new, 0 worse, 1 fixed,
    /// 0 improved, 12 unchanged; not compared: pwned (did not run now)`.
    pub fn headline(&self) -> String {
        let mut line = format!(
            "Since the baseline {} ({}): {} new, {} worse, {} fixed, {} improved, {} unchanged",
            self.path,
            self.generated_at,
            self.new.len(),
            self.worse.len(),
            self.fixed.len(),
            self.improved.len(),
            self.unchanged.len()
        );
        if !self.accepted.is_empty() {
            line.push_str(&format!(
                ", {} now accepted as known risks",
                self.accepted.len()
            ));
        }
        if !self.not_compared.is_empty() || !self.members_not_compared.is_empty() {
            let parts: Vec<String> = self
                .not_compared
                .iter()
                .map(|n| format!("{} ({})", n.check, n.reason))
                .chain(
                    self.members_not_compared
                        .iter()
                        .map(|n| format!("member {} ({})", n.member, n.reason)),
                )
                .collect();
            line.push_str(&format!("; not compared: {}", parts.join(", ")));
        }
        line
    }
}

/// Identity of an account across reports: member, title, username, domain
/// (what fingerprints are made of; not the id, which moves).
fn key(member: &str, title: &str, username: &str, domain: Option<&str>) -> String {
    format!(
        "{member}\u{1f}{}\u{1f}{}\u{1f}{}",
        title.trim().to_lowercase(),
        username.trim().to_lowercase(),
        domain.unwrap_or_default()
    )
}

/// Why the findings of check `name` cannot be compared, if they cannot.
fn not_comparable(now: Option<CheckStatus>, then: Option<&str>) -> Option<&'static str> {
    match (now, then) {
        (None, _) => Some("not known to this version"),
        (_, None) => Some("not in the baseline"),
        (Some(CheckStatus::Skipped), Some("skipped")) => Some("did not run in either report"),
        (Some(CheckStatus::Skipped), _) => Some("did not run now"),
        (_, Some("skipped")) => Some("did not run in the baseline"),
        (Some(CheckStatus::Incomplete), _) => Some("incomplete now"),
        (_, Some("incomplete")) => Some("incomplete in the baseline"),
        (Some(CheckStatus::Complete), Some("complete")) => None,
        (_, Some(_)) => Some("unknown status in the baseline"),
    }
}

/// The check name of a finding kind (`reuse_across_members` → `reuse`).
fn check_of(kind: &str) -> Option<&'static str> {
    FindingKind::parse(kind).map(|k| k.check().as_str())
}

/// Compares `now` with the baseline `then`.
pub fn compare(now: &Audit, then: &Previous) -> Delta {
    // Why each check is not compared (checks of either report).
    let status_now: HashMap<&str, CheckStatus> = now
        .checks
        .iter()
        .map(|c| (c.check.as_str(), c.status))
        .collect();
    let status_then: HashMap<&str, &str> = then
        .checks
        .iter()
        .map(|c| (c.check.as_str(), c.status.as_str()))
        .collect();
    let names: BTreeSet<&str> = status_now
        .keys()
        .chain(status_then.keys())
        .copied()
        .collect();
    let mut skipped: BTreeMap<String, NotCompared> = names
        .into_iter()
        .filter_map(|name| {
            let reason = not_comparable(
                status_now.get(name).copied(),
                status_then.get(name).copied(),
            )?;
            Some((
                name.to_owned(),
                NotCompared {
                    check: name.to_owned(),
                    reason: reason.to_owned(),
                    findings: Vec::new(),
                    baseline_findings: 0,
                },
            ))
        })
        .collect();
    // A kind this version does not know is compared under its own name,
    // which no check of this version has: not compared.
    let uncompared = |kind: &str, skipped: &BTreeMap<String, NotCompared>| -> Option<String> {
        let check = check_of(kind).map_or_else(|| kind.to_owned(), str::to_owned);
        (check_of(kind).is_none() || skipped.contains_key(&check)).then_some(check)
    };

    let key_now: HashMap<&str, String> = now
        .accounts
        .iter()
        .map(|a| {
            let k = key(&a.member, &a.title, &a.username, a.domain.as_deref());
            (a.id.as_str(), k)
        })
        .collect();
    let then_accounts: HashMap<&str, &PreviousAccount> =
        then.accounts.iter().map(|a| (a.id.as_str(), a)).collect();
    let key_then = |id: &str| {
        then_accounts.get(id).map_or_else(
            || format!("?{id}"),
            |a| key(&a.member, &a.title, &a.username, a.domain.as_deref()),
        )
    };
    let keys_now = |ids: &[String]| -> BTreeSet<String> {
        ids.iter()
            .map(|id| key_now.get(id.as_str()).cloned().unwrap_or_default())
            .collect()
    };
    let keys_then: Vec<BTreeSet<String>> = then
        .findings
        .iter()
        .map(|f| f.accounts.iter().map(|id| key_then(id)).collect())
        .collect();

    let mut delta = Delta {
        path: then.path.clone(),
        generated_at: then.generated_at.clone(),
        new: Vec::new(),
        worse: Vec::new(),
        improved: Vec::new(),
        unchanged: Vec::new(),
        fixed: Vec::new(),
        accepted: Vec::new(),
        not_compared: Vec::new(),
        members_not_compared: Vec::new(),
    };
    // Members in only one report: their findings are not compared.
    let members_now: BTreeSet<&str> = now.accounts.iter().map(|a| &*a.member).collect();
    let members_then: BTreeSet<&str> = then.accounts.iter().map(|a| &*a.member).collect();
    let mut lone: BTreeMap<&str, MemberNotCompared> = BTreeMap::new();
    for (set, other, reason) in [
        (&members_now, &members_then, "not in the baseline"),
        (&members_then, &members_now, "not in this report"),
    ] {
        for m in set.difference(other) {
            lone.insert(
                m,
                MemberNotCompared {
                    member: (*m).to_owned(),
                    reason: reason.into(),
                    findings: Vec::new(),
                    baseline_findings: 0,
                },
            );
        }
    }
    let lone_names: BTreeSet<String> = lone.keys().map(|m| (*m).to_owned()).collect();
    let member_now: HashMap<&str, &str> = now
        .accounts
        .iter()
        .map(|a| (a.id.as_str(), &*a.member))
        .collect();
    // The member a finding belongs to when all its accounts are lone
    // members' (the first of them), else None.
    let lone_member = |ids: &[String], member_of: &dyn Fn(&str) -> Option<String>| {
        let members: Vec<String> = ids.iter().filter_map(|id| member_of(id)).collect();
        let first = members.first()?.clone();
        members
            .iter()
            .all(|m| lone_names.contains(m))
            .then_some(first)
    };
    let of_now = |id: &str| member_now.get(id).map(|m| (*m).to_owned());
    let of_then = |id: &str| then_accounts.get(id).map(|a| a.member.clone());
    let mut matched = vec![false; then.findings.len()];
    let by_fingerprint: HashMap<&str, usize> = then
        .findings
        .iter()
        .enumerate()
        .map(|(j, f)| (f.fingerprint.as_str(), j))
        .collect();
    // This report's account ids as the baseline's are read (text).
    let texts =
        |ids: &[super::AccountId]| -> Vec<String> { ids.iter().map(ToString::to_string).collect() };
    // Pass 1: the same fingerprint.
    let mut left = Vec::new();
    for f in &now.findings {
        if let Some(check) = uncompared(f.check.as_str(), &skipped) {
            if let Some(n) = skipped.get_mut(&check) {
                n.findings.push(f.id.to_string());
            }
            continue;
        }
        if let Some(m) = lone_member(&texts(&f.accounts), &of_now) {
            if let Some(n) = lone.get_mut(m.as_str()) {
                n.findings.push(f.id.to_string());
            }
            continue;
        }
        match by_fingerprint.get(f.fingerprint.as_str()) {
            Some(&j) if !matched[j] => {
                matched[j] = true;
                let was = &then.findings[j];
                let changed = |why: String| Changed {
                    finding: f.id.to_string(),
                    was_fingerprint: was.fingerprint.clone(),
                    was_severity: was.severity,
                    was_accounts: was.accounts.len(),
                    why,
                };
                if f.severity > was.severity {
                    delta
                        .worse
                        .push(changed(format!("now {}, was {}", f.severity, was.severity)));
                } else if f.severity < was.severity {
                    delta
                        .improved
                        .push(changed(format!("now {}, was {}", f.severity, was.severity)));
                } else {
                    delta.unchanged.push(f.id.to_string());
                }
            }
            _ => left.push(f),
        }
    }
    // Pass 2: the same kind over more (worse) or fewer (improved) of the
    // same accounts; anything else is new.
    // Only baseline findings sharing an account can match: indexed by
    // account, so that this stays linear in the findings.
    let mut by_account: HashMap<&str, Vec<usize>> = HashMap::new();
    for (j, keys) in keys_then.iter().enumerate() {
        for k in keys {
            by_account.entry(k.as_str()).or_default().push(j);
        }
    }
    for f in left {
        let mine = keys_now(&texts(&f.accounts));
        let mut candidates: Vec<usize> = mine
            .iter()
            .filter_map(|k| by_account.get(k.as_str()))
            .flatten()
            .copied()
            .collect();
        candidates.sort_unstable();
        candidates.dedup();
        let found = candidates.into_iter().find_map(|j| {
            let was = &then.findings[j];
            if matched[j] || was.check != f.check.as_str() {
                return None;
            }
            let theirs = &keys_then[j];
            if theirs.is_subset(&mine) && theirs.len() < mine.len() {
                Some((j, true))
            } else if mine.is_subset(theirs) && mine.len() < theirs.len() {
                Some((j, false))
            } else {
                None
            }
        });
        let Some((j, grew)) = found else {
            delta.new.push(f.id.to_string());
            continue;
        };
        matched[j] = true;
        let was = &then.findings[j];
        let mut why = format!(
            "on {} accounts, was {}",
            f.accounts.len(),
            was.accounts.len()
        );
        if f.severity != was.severity {
            why.push_str(&format!("; now {}, was {}", f.severity, was.severity));
        }
        let c = Changed {
            finding: f.id.to_string(),
            was_fingerprint: was.fingerprint.clone(),
            was_severity: was.severity,
            was_accounts: was.accounts.len(),
            why,
        };
        // Fewer accounts but a higher severity (a policy change) is worse.
        if grew || f.severity > was.severity {
            delta.worse.push(c);
        } else {
            delta.improved.push(c);
        }
    }
    // What is left of the baseline is fixed, unless not compared.
    for (j, was) in then.findings.iter().enumerate() {
        if matched[j] {
            continue;
        }
        if now
            .summary
            .suppressed
            .iter()
            .any(|s| s.fingerprint == was.fingerprint)
        {
            delta.accepted.push(was.fingerprint.clone());
            continue;
        }
        if let Some(m) = lone_member(&was.accounts, &of_then) {
            if let Some(n) = lone.get_mut(m.as_str()) {
                n.baseline_findings += 1;
            }
            continue;
        }
        if let Some(check) = uncompared(&was.check, &skipped) {
            skipped
                .entry(check.clone())
                .or_insert_with(|| NotCompared {
                    check,
                    reason: "not known to this version".into(),
                    findings: Vec::new(),
                    baseline_findings: 0,
                })
                .baseline_findings += 1;
            continue;
        }
        delta.fixed.push(Fixed {
            fingerprint: was.fingerprint.clone(),
            check: was.check.clone(),
            severity: was.severity,
            accounts: was
                .accounts
                .iter()
                .map(|id| {
                    then_accounts.get(id.as_str()).map_or_else(
                        || id.clone(),
                        |a| format!("{}: {}", a.member, display_name(a)),
                    )
                })
                .collect(),
            message: was.message.clone(),
        });
    }
    delta.not_compared = skipped.into_values().collect();
    delta.members_not_compared = lone.into_values().collect();
    delta
}

/// A baseline account's name: its title, else its domain, else its id.
fn display_name(a: &PreviousAccount) -> String {
    if !a.title.trim().is_empty() {
        a.title.trim().to_owned()
    } else {
        a.domain.clone().unwrap_or_else(|| a.id.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::CheckId;
    use crate::report::{AccountReport, CheckRun, Finding, Summary, Tool, Verdict};

    fn account(n: usize, title: &str) -> AccountReport {
        AccountReport {
            id: format!("A{n}"),
            member: "alice".into(),
            source: "alice.csv".into(),
            row: n as u64 + 1,
            title: title.into(),
            url: None,
            domain: Some(format!("{}.example", title.to_lowercase())),
            username: "alice".into(),
            has_totp: false,
            strength: None,
            similar_group: None,
            pwned: None,
            recovery: None,
            findings: Vec::new(),
            history: None,
        }
    }

    fn finding(id: &str, kind: FindingKind, sev: Severity, accounts: &[&str], fp: &str) -> Finding {
        Finding {
            id: id.into(),
            check: kind,
            severity: sev,
            accounts: accounts.iter().map(|&a| a.into()).collect(),
            message: format!("{id} message"),
            fingerprint: fp.into(),
            details: None,
        }
    }

    fn audit(accounts: Vec<AccountReport>, findings: Vec<Finding>, skip: &[CheckId]) -> Audit {
        let verdict = Verdict::decide(&findings, Severity::High, vec![]);
        Audit {
            schema_version: 2,
            tool: Tool {
                name: "vaultlint".into(),
                version: "0".into(),
            },
            generated_at: "2026-01-01T00:00:00Z".into(),
            checks: CheckId::ALL
                .iter()
                .map(|&check| CheckRun {
                    check,
                    status: if skip.contains(&check) {
                        CheckStatus::Skipped
                    } else {
                        CheckStatus::Complete
                    },
                    note: None,
                    warnings: Vec::new(),
                    rows_not_checked: 0,
                })
                .collect(),
            sources: Vec::new(),
            summary: Summary {
                accounts: accounts.len(),
                findings: findings.len(),
                by_check: Default::default(),
                by_severity: Default::default(),
                members: Vec::new(),
                suppressed: Vec::new(),
                policy_warnings: Vec::new(),
                fail_on: Severity::High,
                incomplete: false,
                verdict,
                exit_code: 0,
                readiness: Vec::new(),
            },
            plan: Vec::new(),
            accounts,
            findings,
            data_sources: Vec::new(),
            drill: None,
            baseline: None,
            merged: None,
        }
    }

    /// The baseline as `--baseline` reads it: through its JSON.
    fn previous(a: &Audit) -> Previous {
        let mut p: Previous = serde_json::from_value(serde_json::to_value(a).unwrap()).unwrap();
        p.path = "old.json".into();
        p
    }

    #[test]
    fn new_fixed_worse_improved_and_unchanged() {
        use FindingKind::*;
        use Severity::*;
        let accounts = || {
            ["Amazon", "Netflix", "Forum", "Bank", "Shop", "Mail"]
                .iter()
                .enumerate()
                .map(|(n, t)| account(n + 1, t))
                .collect::<Vec<_>>()
        };
        let old = audit(
            accounts(),
            vec![
                finding("F1", Reuse, High, &["A1", "A2"], "r12"),
                finding("F2", Weak, Medium, &["A3"], "w3"),
                finding("F3", Weak, Medium, &["A4"], "w4"),
                finding("F4", InsecureUrl, Low, &["A3"], "i3"),
                finding("F5", Reuse, High, &["A5", "A6", "A4"], "r456"),
            ],
            &[],
        );
        // Ids move between runs: the same accounts, another order.
        let mut moved = accounts();
        moved.reverse();
        for (n, a) in moved.iter_mut().enumerate() {
            a.id = format!("A{}", n + 1);
        }
        // Amazon A6, Netflix A5, Forum A4, Bank A3, Shop A2, Mail A1.
        let new = audit(
            moved,
            vec![
                // Reuse grew to the bank: another fingerprint, worse.
                finding("F1", Reuse, Critical, &["A6", "A5", "A3"], "r123"),
                // Same fingerprint, higher severity: worse.
                finding("F2", Weak, High, &["A4"], "w3"),
                // Same fingerprint, same severity: unchanged.
                finding("F3", InsecureUrl, Low, &["A4"], "i3"),
                // Shop and Mail still share a password, the bank left: improved.
                finding("F4", Reuse, High, &["A2", "A1"], "r56"),
                // The shop is weak now: new.
                finding("F5", Weak, Medium, &["A2"], "w5"),
            ],
            &[],
        );
        let mut old = old;
        old.findings
            .push(finding("F6", Weak, Medium, &["A6"], "w6"));
        let mut new = new;
        new.summary.suppressed.push(crate::report::Suppressed {
            fingerprint: "w6".into(),
            check: Weak,
            severity: Medium,
            accounts: vec!["A1".into()],
            reason: "the mail provider forces it".into(),
            expires: None,
        });
        let d = compare(&new, &previous(&old));
        assert_eq!(d.accepted, ["w6"], "accepted by the policy: not fixed");
        assert_eq!(d.new, ["F5"]);
        assert_eq!(
            d.worse
                .iter()
                .map(|c| c.finding.as_str())
                .collect::<Vec<_>>(),
            ["F2", "F1"]
        );
        assert_eq!(d.worse[0].why, "now high, was medium");
        assert_eq!(
            d.worse[1].why,
            "on 3 accounts, was 2; now critical, was high"
        );
        assert_eq!(d.improved.len(), 1);
        assert_eq!(d.improved[0].finding, "F4");
        assert_eq!(d.improved[0].was_accounts, 3);
        assert_eq!(d.unchanged, ["F3"]);
        // The bank's weak password is gone.
        assert_eq!(d.fixed.len(), 1);
        assert_eq!(d.fixed[0].fingerprint, "w4");
        assert_eq!(d.fixed[0].accounts, ["alice: Bank"]);
        assert!(d.not_compared.is_empty());
        assert_eq!(d.change("F5"), Some(Change::New));
        assert_eq!(d.change("F3"), Some(Change::Unchanged));
        assert_eq!(d.new_or_worse(), ["F5", "F2", "F1"]);
        assert!(
            d.headline()
                .starts_with("Since the baseline old.json (2026-01-01T00:00:00Z): 1 new, 2 worse, 1 fixed, 1 improved, 1 unchanged, 1 now accepted as known risks"),
            "{}",
            d.headline()
        );
    }

    #[test]
    fn a_check_that_ran_in_one_report_only_is_not_compared() {
        use FindingKind::*;
        use Severity::*;
        let accounts = || vec![account(1, "Amazon"), account(2, "Forum")];
        let old = audit(
            accounts(),
            vec![
                finding("F1", Weak, Medium, &["A1"], "w1"),
                finding("F2", InsecureUrl, Low, &["A2"], "i2"),
            ],
            &[CheckId::Reuse],
        );
        let new = audit(
            accounts(),
            vec![
                finding("F1", Reuse, High, &["A1", "A2"], "r12"),
                finding("F2", Weak, Medium, &["A2"], "w2"),
            ],
            &[CheckId::InsecureUrl],
        );
        let d = compare(&new, &previous(&old));
        // Reuse did not run before, insecure_url does not run now.
        assert_eq!(d.new, ["F2"]);
        assert_eq!(d.fixed.len(), 1, "the weak Amazon is fixed");
        let nc: Vec<(&str, &str, usize, usize)> = d
            .not_compared
            .iter()
            .map(|n| {
                (
                    n.check.as_str(),
                    n.reason.as_str(),
                    n.findings.len(),
                    n.baseline_findings,
                )
            })
            .collect();
        assert_eq!(
            nc,
            [
                ("insecure_url", "did not run now", 0, 1),
                ("reuse", "did not run in the baseline", 1, 0)
            ]
        );
        assert_eq!(d.change("F1"), Some(Change::NotCompared));
        assert!(d.headline().contains(
            "not compared: insecure_url (did not run now), reuse (did not run in the baseline)"
        ));
    }
    #[test]
    fn members_in_one_report_only_are_not_compared() {
        use FindingKind::*;
        use Severity::*;
        let member = |mut a: AccountReport, m: &str| {
            a.member = m.into();
            a
        };
        // Carol left, dan joined: neither is "fixed" nor "new".
        let old = audit(
            vec![account(1, "Amazon"), member(account(2, "Slack"), "carol")],
            vec![
                finding("F1", Weak, High, &["A1"], "w1"),
                finding("F2", Weak, High, &["A2"], "w2"),
            ],
            &[],
        );
        let new = audit(
            vec![account(1, "Amazon"), member(account(2, "Steam"), "dan")],
            vec![finding("F1", Weak, High, &["A2"], "w9")],
            &[],
        );
        let d = compare(&new, &previous(&old));
        assert!(d.new.is_empty(), "{d:?}");
        assert_eq!(d.fixed.len(), 1, "alice's Amazon is fixed");
        assert_eq!(d.fixed[0].fingerprint, "w1");
        let lone: Vec<(&str, &str, usize, usize)> = d
            .members_not_compared
            .iter()
            .map(|n| {
                (
                    n.member.as_str(),
                    n.reason.as_str(),
                    n.findings.len(),
                    n.baseline_findings,
                )
            })
            .collect();
        assert_eq!(
            lone,
            [
                ("carol", "not in this report", 0, 1),
                ("dan", "not in the baseline", 1, 0)
            ]
        );
        assert_eq!(d.change("F1"), Some(Change::NotCompared));
        assert!(d.headline().ends_with(
            "not compared: member carol (not in this report), member dan (not in the baseline)"
        ));
    }
}
