//! `vaultlint merge`: per-member JSON reports combined into one family or
//! team report, so that each member audits their own export on their own
//! machine and shares only the report (which holds no secret).
//!
//! Account, finding and near-reuse group ids are renumbered (fingerprints
//! are kept), members keep their names, and what needs the exports together
//! (reuse across members) is marked as not checked. The verdict is decided
//! again from the findings and the threshold.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use crate::error::InputError;
use crate::exit;
use crate::finding::{AccountId, CheckId, FindingId, FindingKind, account_index};
use crate::report::drill::Drill;
use crate::report::merged::{MergedReport, PartialCheck};
use crate::report::{
    Audit, CheckRun, CheckStatus, Finding, MemberSummary, Merged, SCHEMA_VERSION, Severity,
    Summary, Tool, Verdict, VerdictStatus,
};
use crate::settings::Policy;

/// One report to merge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    pub path: PathBuf,
    /// `NAME=FILE`: the name its (single) member takes.
    pub rename: Option<String>,
}

/// Parses `FILE` or `NAME=FILE` arguments (a path that exists is a path,
/// even with an `=` in it).
pub fn parse_inputs(args: &[String]) -> Vec<Input> {
    args.iter()
        .map(|arg| match arg.split_once('=') {
            Some((name, path))
                if !name.is_empty() && !name.contains(['/', '\\']) && !Path::new(arg).exists() =>
            {
                Input {
                    path: PathBuf::from(path),
                    rename: Some(name.to_owned()),
                }
            }
            _ => Input {
                path: PathBuf::from(arg),
                rename: None,
            },
        })
        .collect()
}

/// Reads every report, then merges them; `now` is the merged report's time.
pub fn run(
    inputs: &[Input],
    policy: &Policy,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Audit, InputError> {
    let mut reports = Vec::new();
    for input in inputs {
        let audit: Audit = crate::report::read::report(&input.path)?;
        reports.push((input.clone(), audit));
    }
    merge(reports, policy, now)
}

/// A report's ids in the merged report.
struct Renumber {
    member: HashMap<String, String>,
    /// Added to account and group numbers.
    accounts: usize,
    groups: usize,
}

impl Renumber {
    fn account(&self, id: &str) -> String {
        account_index(id).map_or_else(
            || id.to_owned(),
            |i| crate::finding::account_id(i + self.accounts),
        )
    }

    /// As [`Renumber::account`], for an id held as its index.
    fn id(&self, id: AccountId) -> AccountId {
        AccountId::of(id.index() + self.accounts)
    }

    fn group(&self, id: &str) -> String {
        match id.strip_prefix('S').and_then(|n| n.parse::<usize>().ok()) {
            Some(n) => format!("S{}", n + self.groups),
            None => id.to_owned(),
        }
    }

    fn member(&self, name: &str) -> String {
        self.member
            .get(name)
            .cloned()
            .unwrap_or_else(|| name.to_owned())
    }

    /// Renames the ids a finding's details hold: account ids under
    /// `between`, group ids under `group`, members under `member(s)`.
    fn details(&self, value: &mut serde_json::Value, under: &str) {
        use serde_json::Value;
        match value {
            Value::Object(map) => {
                for (k, v) in map.iter_mut() {
                    self.details(v, k);
                }
            }
            Value::Array(items) => {
                for v in items {
                    self.details(v, under);
                }
            }
            Value::String(s) => {
                *s = match under {
                    "between" | "mailbox" => self.account(s),
                    "group" => self.group(s),
                    "member" | "members" => self.member(s),
                    _ => return,
                }
            }
            _ => {}
        }
    }
}

/// The members of a report, in order of appearance.
fn members_of(a: &Audit) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let names = a
        .sources
        .iter()
        .map(|s| s.member.as_str())
        .chain(a.accounts.iter().map(|x| &*x.member));
    for m in names {
        if !out.iter().any(|o| o == m) {
            out.push(m.to_owned());
        }
    }
    out
}

/// Merges loaded reports (in command-line order).
pub fn merge(
    reports: Vec<(Input, Audit)>,
    policy: &Policy,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Audit, InputError> {
    if reports.is_empty() {
        return Err(InputError::Usage("no report given".into()));
    }
    // Members and their new names; a name may be in one report only.
    let mut owner: BTreeMap<String, String> = BTreeMap::new();
    let mut plans = Vec::new();
    let (mut accounts_seen, mut groups_seen) = (0, 0);
    for (input, audit) in &reports {
        let path = input.path.display().to_string();
        let members = members_of(audit);
        let mut rename = HashMap::new();
        if let Some(name) = &input.rename {
            if members.len() > 1 {
                return Err(InputError::Usage(format!(
                    "{path}: NAME=FILE renames the member of a one-member report, and this one has {} ({})",
                    members.len(),
                    members.join(", ")
                )));
            }
            for m in &members {
                rename.insert(m.clone(), name.clone());
            }
        }
        for m in &members {
            let name = rename.get(m).unwrap_or(m);
            if let Some(other) = owner.insert(name.clone(), path.clone()) {
                return Err(InputError::Usage(format!(
                    "member '{name}' is in both {other} and {path}: rename one with NAME=FILE (e.g. {name}2={path})"
                )));
            }
        }
        let groups = audit
            .accounts
            .iter()
            .filter_map(|a| a.similar_group.as_deref()?.strip_prefix('S')?.parse().ok())
            .max()
            .unwrap_or(0);
        plans.push(Renumber {
            member: rename,
            accounts: accounts_seen,
            groups: groups_seen,
        });
        accounts_seen += audit.accounts.len();
        groups_seen += groups;
    }

    // Findings, renumbered and ordered as an audit orders them.
    let mut findings: Vec<(usize, Finding)> = Vec::new();
    for (k, (_, audit)) in reports.iter().enumerate() {
        let r = &plans[k];
        for f in &audit.findings {
            let mut f = f.clone();
            f.accounts = f.accounts.iter().map(|&a| r.id(a)).collect();
            if let Some(d) = f.details.as_mut() {
                r.details(d.value_mut(), "");
            }
            findings.push((k, f));
        }
    }
    let order = |f: &Finding| -> Vec<usize> { f.accounts.iter().map(|a| a.index()).collect() };
    findings.sort_by(|(_, a), (_, b)| {
        b.severity
            .cmp(&a.severity)
            .then(a.check.cmp(&b.check))
            .then_with(|| order(a).cmp(&order(b)))
    });
    let mut finding_id: HashMap<(usize, FindingId), FindingId> = HashMap::new();
    let findings: Vec<Finding> = findings
        .into_iter()
        .enumerate()
        .map(|(n, (k, mut f))| {
            let id = FindingId::of(n);
            finding_id.insert((k, std::mem::replace(&mut f.id, id)), id);
            f
        })
        .collect();

    let mut accounts = Vec::new();
    let mut sources = Vec::new();
    let mut members = Vec::new();
    let mut readiness = Vec::new();
    let mut suppressed = Vec::new();
    let mut policy_warnings = Vec::new();
    let mut reasons = Vec::new();
    let mut data_sources = Vec::new();
    let mut merged_reports = Vec::new();
    for (k, (input, audit)) in reports.iter().enumerate() {
        let r = &plans[k];
        let path = input.path.display().to_string();
        for a in &audit.accounts {
            let mut a = a.clone();
            a.id = r.account(&a.id);
            a.member = r.member(&a.member).into();
            a.similar_group = a.similar_group.as_deref().map(|g| r.group(g));
            // (an id naming no finding of its report is dropped: it could
            // only name another report's finding once renumbered)
            let mut ids: Vec<FindingId> = a
                .findings
                .iter()
                .filter_map(|f| finding_id.get(&(k, *f)).copied())
                .collect();
            ids.sort_unstable();
            a.findings = ids;
            accounts.push(a);
        }
        for s in &audit.sources {
            let mut s = s.clone();
            s.member = r.member(&s.member);
            sources.push(s);
        }
        for m in &audit.summary.members {
            members.push(MemberSummary {
                member: r.member(&m.member),
                ..m.clone()
            });
        }
        for m in &audit.summary.readiness {
            let mut m = m.clone();
            m.member = r.member(&m.member);
            readiness.push(m);
        }
        for s in &audit.summary.suppressed {
            let mut s = s.clone();
            s.accounts = s.accounts.iter().map(|a| r.account(a)).collect();
            suppressed.push(s);
        }
        policy_warnings.extend(
            audit
                .summary
                .policy_warnings
                .iter()
                .map(|w| format!("{path}: {w}")),
        );
        reasons.extend(
            audit
                .summary
                .verdict
                .reasons
                .iter()
                .map(|w| format!("{path}: {w}")),
        );
        for d in &audit.data_sources {
            if !data_sources.contains(d) {
                data_sources.push(d.clone());
            }
        }
        let mut names: Vec<String> = members_of(audit).iter().map(|m| r.member(m)).collect();
        match &audit.merged {
            // A merged report merged again: keep where it came from.
            Some(inner) => merged_reports.extend(inner.reports.iter().map(|x| MergedReport {
                members: x.members.iter().map(|m| r.member(m)).collect(),
                ..x.clone()
            })),
            None => merged_reports.push(MergedReport {
                path: path.clone(),
                members: std::mem::take(&mut names),
                generated_at: audit.generated_at.clone(),
                version: audit.tool.version.clone(),
            }),
        }
    }

    let (checks, partial_checks) = merge_checks(&reports, &plans);
    let not_checked: Vec<FindingKind> = if merged_reports.len() > 1 {
        vec![
            FindingKind::ReuseAcrossMembers,
            FindingKind::SimilarAcrossMembers,
        ]
    } else {
        Vec::new()
    };
    let mut checks = checks;
    for c in checks.iter_mut() {
        for kind in not_checked.iter().filter(|k| k.check() == c.check) {
            c.warnings.push(format!(
                "{} was not checked between members of different reports: it needs the exports audited together",
                kind.as_str()
            ));
        }
    }

    let mut by_check: BTreeMap<FindingKind, usize> = BTreeMap::new();
    let mut by_severity: BTreeMap<Severity, usize> =
        Severity::ALL.iter().map(|s| (*s, 0)).collect();
    for f in &findings {
        *by_check.entry(f.check).or_default() += 1;
        *by_severity.entry(f.severity).or_default() += 1;
    }
    let verdict = Verdict::decide(&findings, policy.fail_on, reasons);
    let summary = Summary {
        accounts: accounts.len(),
        findings: findings.len(),
        by_check,
        by_severity,
        members,
        suppressed,
        policy_warnings,
        fail_on: policy.fail_on,
        incomplete: verdict.status == VerdictStatus::Incomplete,
        exit_code: exit::decide(&verdict, policy),
        verdict,
        readiness,
    };
    Ok(Audit {
        schema_version: SCHEMA_VERSION,
        tool: Tool {
            name: env!("CARGO_PKG_NAME").into(),
            version: env!("CARGO_PKG_VERSION").into(),
        },
        generated_at: now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        checks,
        sources,
        // The plan is a view over the findings: made again with the new ids.
        plan: crate::report::plan::build(&accounts, &findings),
        accounts,
        findings,
        summary,
        data_sources,
        drill: merge_drills(&reports, &plans),
        baseline: None,
        merged: Some(Merged {
            reports: merged_reports,
            not_checked,
            partial_checks,
        }),
    })
}

/// Each member's lockout drill, with its ids and member name as merged
/// (a drill is per member, so nothing is recomputed); none when no report
/// has one.
fn merge_drills(reports: &[(Input, Audit)], plans: &[Renumber]) -> Option<Drill> {
    let mut members = Vec::new();
    for ((_, audit), r) in reports.iter().zip(plans) {
        for m in audit.drill.iter().flat_map(|d| &d.members) {
            let mut m = m.clone();
            m.member = r.member(&m.member);
            m.vault.account = m.vault.account.map(|a| r.account(&a));
            for s in &mut m.scenarios {
                s.mailbox = s.mailbox.take().map(|a| r.account(&a));
                for l in &mut s.locked_out {
                    l.account = l.account.map(|a| r.id(a));
                }
            }
            for a in &mut m.actions {
                a.account = a.account.take().map(|id| r.account(&id));
            }
            for n in &mut m.graph.nodes {
                for a in &mut n.accounts {
                    *a = r.account(a);
                }
            }
            members.push(m);
        }
    }
    (!members.is_empty()).then_some(Drill { members })
}

/// One entry per check: complete when it ran completely for every member
/// whose report ran it, incomplete when it was incomplete in one, skipped
/// when no report ran it; checks run for some members only are listed.
fn merge_checks(
    reports: &[(Input, Audit)],
    plans: &[Renumber],
) -> (Vec<CheckRun>, Vec<PartialCheck>) {
    let mut checks = Vec::new();
    let mut partial = Vec::new();
    for &check in CheckId::ALL {
        let mut ran_for = Vec::new();
        let mut not_run_for = Vec::new();
        let mut status = CheckStatus::Skipped;
        let mut notes = Vec::new();
        // (report, note): one note when every report said the same.
        let mut said: Vec<(String, String)> = Vec::new();
        let mut warnings = Vec::new();
        let mut rows = 0;
        for ((input, audit), r) in reports.iter().zip(plans) {
            let names: Vec<String> = members_of(audit).iter().map(|m| r.member(m)).collect();
            let path = input.path.display().to_string();
            let Some(run) = audit.checks.iter().find(|c| c.check == check) else {
                not_run_for.extend(names);
                notes.push(format!("{path}: not in the report"));
                continue;
            };
            if run.status == CheckStatus::Skipped {
                not_run_for.extend(names);
            } else {
                ran_for.extend(names);
                if status != CheckStatus::Incomplete {
                    status = run.status;
                }
            }
            if let Some(n) = &run.note {
                said.push((path.clone(), n.clone()));
            }
            warnings.extend(run.warnings.iter().map(|w| format!("{path}: {w}")));
            rows += run.rows_not_checked;
        }
        match said.first() {
            Some((_, first))
                if said.len() == reports.len() && said.iter().all(|(_, n)| n == first) =>
            {
                notes.push(first.clone())
            }
            _ => notes.extend(said.into_iter().map(|(path, n)| format!("{path}: {n}"))),
        }
        if !ran_for.is_empty() && !not_run_for.is_empty() {
            notes.insert(
                0,
                format!(
                    "not run for {} (their accounts were not checked)",
                    not_run_for.join(", ")
                ),
            );
            partial.push(PartialCheck {
                check,
                ran_for,
                not_run_for,
            });
        }
        checks.push(CheckRun {
            check,
            status,
            note: (!notes.is_empty()).then(|| notes.join("; ")),
            warnings,
            rows_not_checked: rows,
        });
    }
    (checks, partial)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_take_an_optional_name() {
        let inputs = parse_inputs(&["a.json".into(), "bob=reports/b.json".into()]);
        assert_eq!(inputs[0].rename, None);
        assert_eq!(inputs[1].rename.as_deref(), Some("bob"));
        assert_eq!(inputs[1].path, PathBuf::from("reports/b.json"));
    }

    #[test]
    fn ids_in_details_are_renumbered() {
        let r = Renumber {
            member: HashMap::from([("m".to_owned(), "mia".to_owned())]),
            accounts: 10,
            groups: 2,
        };
        let mut d = serde_json::json!({
            "group": "S1",
            "member": "m",
            "links": [{"between": [["A1", "A2"], ["A3"]], "explanation": "A1"}],
            "related": [{"group": null}],
        });
        r.details(&mut d, "");
        assert_eq!(
            d,
            serde_json::json!({
                "group": "S3",
                "member": "mia",
                "links": [{"between": [["A11", "A12"], ["A13"]], "explanation": "A1"}],
                "related": [{"group": null}],
            })
        );
    }
}
