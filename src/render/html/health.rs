//! The numbers of the health page, per member: accounts per problem category,
//! the score and grade, the strength histogram, findings per check. Computed
//! from the audit only (a renderer never re-runs a check).

use std::collections::HashMap;

use crate::report::{Audit, CheckId, CheckStatus, Finding, FindingKind, Severity};

/// A problem category, as the cards at the top of the page show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Category {
    Reused,
    Similar,
    Weak,
    Breached,
    Lockout,
    NoTwoFactor,
    Insecure,
}

impl Category {
    pub const ALL: [Category; 7] = [
        Category::Breached,
        Category::Reused,
        Category::Similar,
        Category::Weak,
        Category::Lockout,
        Category::NoTwoFactor,
        Category::Insecure,
    ];

    /// The card's label.
    pub fn label(self) -> &'static str {
        match self {
            Category::Reused => "reused",
            Category::Similar => "similar",
            Category::Weak => "weak",
            Category::Breached => "breached",
            Category::Lockout => "lockout risk",
            Category::NoTwoFactor => "2FA missing",
            Category::Insecure => "insecure",
        }
    }

    /// What the card counts, in plain words (its tooltip and legend).
    pub fn explain(self) -> &'static str {
        match self {
            Category::Reused => "accounts sharing their password with another account",
            Category::Similar => "accounts whose password is a small tweak of another",
            Category::Weak => "accounts with a weak password",
            Category::Breached => {
                "accounts whose password was found in breaches, or on a site breached since it was set"
            }
            Category::Lockout => "accounts with 2FA but no saved backup codes",
            Category::NoTwoFactor => "accounts on sites that offer 2FA, with none turned on",
            Category::Insecure => "logins on plain http:// sites",
        }
    }

    /// The finding kinds it counts.
    pub fn kinds(self) -> &'static [FindingKind] {
        match self {
            Category::Reused => &[FindingKind::Reuse, FindingKind::ReuseAcrossMembers],
            Category::Similar => &[FindingKind::Similar, FindingKind::SimilarAcrossMembers],
            Category::Weak => &[FindingKind::Weak],
            Category::Breached => &[FindingKind::Pwned, FindingKind::SiteBreach],
            Category::Lockout => &[FindingKind::LockoutRisk],
            Category::NoTwoFactor => &[FindingKind::TwoFactorAvailable],
            Category::Insecure => &[FindingKind::InsecureUrl],
        }
    }

    /// The checks that find it.
    pub fn checks(self) -> &'static [CheckId] {
        match self {
            Category::Reused => &[CheckId::Reuse],
            Category::Similar => &[CheckId::Similar],
            Category::Weak => &[CheckId::Weak],
            Category::Breached => &[CheckId::Pwned, CheckId::SiteBreach],
            Category::Lockout | Category::NoTwoFactor => &[CheckId::Recovery],
            Category::Insecure => &[CheckId::InsecureUrl],
        }
    }
}

/// How much of a category was checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coverage {
    Checked,
    /// Some of its checks did not run or did not finish: the count is a floor.
    Partial,
    NotChecked,
}

/// The status of `check` in this audit (a check the audit does not list did not run).
pub fn status(audit: &Audit, check: CheckId) -> CheckStatus {
    audit
        .checks
        .iter()
        .find(|c| c.check == check)
        .map_or(CheckStatus::Skipped, |c| c.status)
}

/// How much of `category` the audit checked.
pub fn coverage(audit: &Audit, category: Category) -> Coverage {
    let statuses: Vec<CheckStatus> = category
        .checks()
        .iter()
        .map(|c| status(audit, *c))
        .collect();
    if statuses.iter().all(|s| *s == CheckStatus::Complete) {
        Coverage::Checked
    } else if statuses.iter().all(|s| *s == CheckStatus::Skipped) {
        Coverage::NotChecked
    } else {
        Coverage::Partial
    }
}

/// A letter grade and the score it comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grade {
    /// 0 to 100: the mean of the accounts' points.
    pub score: u8,
    pub letter: char,
    /// A critical problem held the letter at D.
    pub capped: bool,
}

/// How the score is computed, said on the page (keep in step with [`grade`]
/// and [`worst_by_account`]).
pub const SCORE_RULE: &str = "How the grade is computed: each account scores 100 when nothing \
needs fixing, 50 when its most serious problem is medium, 0 when it is high or critical (low and info \
cost nothing; a recovery mailbox's problem counts for the mailbox only). The score is the average over \
the member's accounts: A from 90, B from 75, C from 60, D from 40, F below; a critical problem holds \
the grade at D. What was not checked counts as nothing found: the score is then a best case.";

/// Points of one account, from its most serious finding.
fn points(worst: Option<Severity>) -> u32 {
    match worst {
        Some(Severity::Critical | Severity::High) => 0,
        Some(Severity::Medium) => 50,
        _ => 100,
    }
}

/// The grade of accounts whose most serious findings are `worst` (`None`
/// without accounts).
pub fn grade(worst: &[Option<Severity>]) -> Option<Grade> {
    if worst.is_empty() {
        return None;
    }
    let total: u32 = worst.iter().map(|w| points(*w)).sum();
    let score = (f64::from(total) / worst.len() as f64).round() as u8;
    let letter = match score {
        90.. => 'A',
        75.. => 'B',
        60.. => 'C',
        40.. => 'D',
        _ => 'F',
    };
    let critical = worst.contains(&Some(Severity::Critical));
    let capped = critical && letter < 'D';
    Some(Grade {
        score,
        letter: if capped { 'D' } else { letter },
        capped,
    })
}

/// Everything the page shows about one member.
#[derive(Debug, Clone)]
pub struct MemberHealth {
    pub member: String,
    /// Indices (into `audit.accounts`) of the member's accounts.
    pub accounts: Vec<usize>,
    /// Accounts per category, in [`Category::ALL`] order.
    pub counts: Vec<(Category, usize)>,
    pub grade: Option<Grade>,
    /// Accounts whose most serious problem is high or critical / medium.
    pub urgent: usize,
    pub medium: usize,
    /// Accounts per zxcvbn score 0..=4, then accounts not scored.
    pub strength: [usize; 6],
    /// Findings naming the member's accounts, per check in [`CheckId::ALL`] order.
    pub by_check: Vec<(CheckId, usize)>,
    /// Indices (into `audit.plan`) of the member's plan items, in plan order.
    pub plan: Vec<usize>,
}

/// The findings that name each account (by account index).
pub fn findings_by_account(audit: &Audit) -> Vec<Vec<&Finding>> {
    let mut out = vec![Vec::new(); audit.accounts.len()];
    for f in &audit.findings {
        for id in &f.accounts {
            if let Some(list) = out.get_mut(id.index()) {
                list.push(f);
            }
        }
    }
    out
}

/// The members, in the summary's order (then any member only the accounts name).
/// Accounts, findings and plan items are gathered per member in one pass
/// each: a team's report has thousands of members (issue 15).
pub fn members(audit: &Audit) -> Vec<MemberHealth> {
    let mut names: Vec<&str> = Vec::new();
    let mut at: HashMap<&str, usize> = HashMap::new();
    for m in &audit.summary.members {
        at.entry(m.member.as_str()).or_insert_with(|| {
            names.push(&m.member);
            names.len() - 1
        });
    }
    let mut member_of = Vec::with_capacity(audit.accounts.len());
    for a in &audit.accounts {
        let k = *at.entry(&*a.member).or_insert_with(|| {
            names.push(&a.member);
            names.len() - 1
        });
        member_of.push(k);
    }
    let mut accounts: Vec<Vec<usize>> = vec![Vec::new(); names.len()];
    for (i, &k) in member_of.iter().enumerate() {
        accounts[k].push(i);
    }
    let mut by_check = vec![vec![0usize; CheckId::ALL.len()]; names.len()];
    let mut seen: Vec<usize> = Vec::new();
    for f in &audit.findings {
        let Some(c) = CheckId::ALL.iter().position(|&c| c == f.check.check()) else {
            continue;
        };
        seen.clear();
        seen.extend(
            f.accounts
                .iter()
                .map(|id| id.index())
                .filter_map(|i| member_of.get(i).copied()),
        );
        seen.sort_unstable();
        seen.dedup();
        for &k in &seen {
            by_check[k][c] += 1;
        }
    }
    let mut plan: Vec<Vec<usize>> = vec![Vec::new(); names.len()];
    for (p, item) in audit.plan.iter().enumerate() {
        if let Some(&k) = at.get(&*item.member) {
            plan[k].push(p);
        }
    }
    let by_account = findings_by_account(audit);
    let worst = worst_by_account(audit, &by_account);
    names
        .into_iter()
        .zip(accounts)
        .zip(by_check)
        .zip(plan)
        .map(|(((name, accounts), by_check), plan)| {
            member(audit, name, accounts, by_check, plan, &by_account, &worst)
        })
        .collect()
}

/// The most serious problem of each account, as the plan has it (the plan
/// gives a recovery mailbox's finding to the mailbox, not to the accounts it
/// can reset); from the findings when there is no plan.
pub fn worst_by_account(audit: &Audit, by_account: &[Vec<&Finding>]) -> Vec<Option<Severity>> {
    if audit.plan.is_empty() {
        return by_account
            .iter()
            .map(|fs| fs.iter().map(|f| f.severity).max())
            .collect();
    }
    let mut worst = vec![None; audit.accounts.len()];
    for item in &audit.plan {
        if let Some(w) = item.account.and_then(|a| worst.get_mut(a.index())) {
            *w = (*w).max(Some(item.severity));
        }
    }
    worst
}

fn member(
    audit: &Audit,
    name: &str,
    accounts: Vec<usize>,
    by_check: Vec<usize>,
    plan: Vec<usize>,
    by_account: &[Vec<&Finding>],
    worst: &[Option<Severity>],
) -> MemberHealth {
    let counts = Category::ALL
        .iter()
        .map(|c| {
            let n = accounts
                .iter()
                .filter(|&&i| by_account[i].iter().any(|f| c.kinds().contains(&f.check)))
                .count();
            (*c, n)
        })
        .collect();
    let worst: Vec<Option<Severity>> = accounts.iter().map(|&i| worst[i]).collect();
    let mut strength = [0; 6];
    for &i in &accounts {
        match &audit.accounts[i].strength {
            Some(s) => strength[usize::from(s.score.min(4))] += 1,
            None => strength[5] += 1,
        }
    }
    let by_check = CheckId::ALL.iter().copied().zip(by_check).collect();
    MemberHealth {
        member: name.to_owned(),
        grade: grade(&worst),
        urgent: worst.iter().filter(|w| **w >= Some(Severity::High)).count(),
        medium: worst
            .iter()
            .filter(|w| **w == Some(Severity::Medium))
            .count(),
        accounts,
        counts,
        strength,
        by_check,
        plan,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::report::{AccountReport, CheckRun, MemberSummary, Strength, Summary, Tool, Verdict};
    use std::collections::BTreeMap;

    pub fn account(i: usize, member: &str, title: &str, score: Option<u8>) -> AccountReport {
        AccountReport {
            id: crate::report::account_id(i),
            member: member.into(),
            source: format!("{member}.csv").into(),
            row: i as u64 + 2,
            title: title.into(),
            url: None,
            domain: None,
            username: format!("user{i}"),
            has_totp: false,
            strength: score.map(|score| {
                std::sync::Arc::new(Strength {
                    score,
                    guesses_log10: 3.0,
                    crack_time: "1 second".into(),
                    crack_time_seconds: 1.0,
                    warning: None,
                    suggestions: std::sync::Arc::from([]),
                    cut_for_scoring: false,
                })
            }),
            similar_group: None,
            pwned: None,
            recovery: None,
            findings: Vec::new(),
            history: None,
        }
    }

    pub fn finding(
        n: usize,
        check: FindingKind,
        severity: Severity,
        accounts: &[usize],
    ) -> Finding {
        Finding {
            id: crate::report::FindingId::of(n - 1),
            check,
            severity,
            accounts: accounts
                .iter()
                .map(|&i| crate::report::AccountId::of(i))
                .collect(),
            message: format!("message of F{n}"),
            fingerprint: format!("fp{n}"),
            details: None,
        }
    }

    /// An audit of `accounts` with `findings`; every check complete except `skipped`.
    pub fn audit(
        mut accounts: Vec<AccountReport>,
        findings: Vec<Finding>,
        skipped: &[CheckId],
    ) -> Audit {
        for f in &findings {
            for id in &f.accounts {
                accounts[id.index()].findings.push(f.id);
            }
        }
        let mut members: Vec<MemberSummary> = Vec::new();
        for a in &accounts {
            match members.iter_mut().find(|m| *m.member == *a.member) {
                Some(m) => m.accounts += 1,
                None => members.push(MemberSummary {
                    member: a.member.to_string(),
                    accounts: 1,
                    findings: BTreeMap::new(),
                }),
            }
        }
        let verdict = Verdict::decide(&findings, Severity::High, Vec::new());
        Audit {
            schema_version: 2,
            tool: Tool {
                name: "vaultlint".into(),
                version: "0.0.0".into(),
            },
            generated_at: "2026-01-02T03:04:05Z".into(),
            checks: CheckId::ALL
                .iter()
                .map(|&check| CheckRun {
                    check,
                    status: if skipped.contains(&check) {
                        CheckStatus::Skipped
                    } else {
                        CheckStatus::Complete
                    },
                    note: skipped.contains(&check).then(|| "turned off".to_owned()),
                    warnings: Vec::new(),
                    rows_not_checked: 0,
                })
                .collect(),
            sources: Vec::new(),
            summary: Summary {
                accounts: accounts.len(),
                findings: findings.len(),
                by_check: BTreeMap::new(),
                by_severity: BTreeMap::new(),
                members,
                suppressed: Vec::new(),
                policy_warnings: Vec::new(),
                fail_on: Severity::High,
                incomplete: false,
                exit_code: if verdict.failing.is_empty() { 0 } else { 1 },
                verdict,
                readiness: Vec::new(),
            },
            accounts,
            findings,
            plan: Vec::new(),
            data_sources: Vec::new(),
            drill: None,
            baseline: None,
            merged: None,
        }
    }

    #[test]
    fn grade_follows_the_rule_on_the_page() {
        use Severity::*;
        assert_eq!(grade(&[]), None);
        let g = grade(&[None, Some(Low), Some(Info), None]).unwrap();
        assert_eq!((g.score, g.letter, g.capped), (100, 'A', false));
        // 100 + 50 + 0 + 100 = 250 / 4 = 62.5 -> 63: C.
        let g = grade(&[None, Some(Medium), Some(High), None]).unwrap();
        assert_eq!((g.score, g.letter), (63, 'C'));
        // A critical problem holds an otherwise good grade at D.
        let mut worst = vec![None; 19];
        worst.push(Some(Critical));
        let g = grade(&worst).unwrap();
        assert_eq!((g.score, g.letter, g.capped), (95, 'D', true));
        // ...but never raises a worse one.
        let g = grade(&[Some(Critical), Some(High)]).unwrap();
        assert_eq!((g.score, g.letter, g.capped), (0, 'F', false));
        assert!(SCORE_RULE.contains("A from 90, B from 75, C from 60, D from 40, F below"));
    }

    #[test]
    fn members_count_accounts_per_category_not_findings() {
        let accounts = vec![
            account(0, "ann", "Mail", Some(1)),
            account(1, "ann", "Shop", Some(4)),
            account(2, "ann", "Bank", None),
            account(3, "bo", "Game", Some(0)),
        ];
        let findings = vec![
            // One reuse finding across members: two of ann's accounts, one of bo's.
            finding(
                1,
                FindingKind::ReuseAcrossMembers,
                Severity::High,
                &[0, 1, 3],
            ),
            finding(2, FindingKind::Weak, Severity::High, &[0]),
            finding(3, FindingKind::Weak, Severity::Medium, &[3]),
            finding(4, FindingKind::TwoFactorAvailable, Severity::Low, &[2]),
        ];
        let audit = audit(accounts, findings, &[CheckId::Pwned]);
        let m = members(&audit);
        assert_eq!(m.len(), 2);
        let ann = &m[0];
        assert_eq!(ann.member, "ann");
        assert_eq!(ann.accounts, [0, 1, 2]);
        let count = |h: &MemberHealth, c| h.counts.iter().find(|(k, _)| *k == c).unwrap().1;
        assert_eq!(count(ann, Category::Reused), 2);
        assert_eq!(count(ann, Category::Weak), 1);
        assert_eq!(count(ann, Category::NoTwoFactor), 1);
        assert_eq!(count(ann, Category::Breached), 0);
        assert_eq!(count(&m[1], Category::Reused), 1);
        // ann: 0 + 0 + 100 (a low finding costs nothing) = 33.
        assert_eq!(ann.grade.unwrap().score, 33);
        assert_eq!((ann.urgent, ann.medium), (2, 0));
        assert_eq!(ann.strength, [0, 1, 0, 0, 1, 1]);
        // One count per check, in run order: reuse 1, weak 1, recovery 1, the rest 0.
        assert_eq!(ann.by_check.len(), CheckId::ALL.len());
        let count_of = |check| ann.by_check.iter().find(|(c, _)| *c == check).unwrap().1;
        assert_eq!(count_of(CheckId::Reuse), 1);
        assert_eq!(count_of(CheckId::Weak), 1);
        assert_eq!(count_of(CheckId::Recovery), 1);
        assert_eq!(ann.by_check.iter().map(|(_, n)| n).sum::<usize>(), 3);
        assert_eq!(coverage(&audit, Category::Breached), Coverage::Partial);
        assert_eq!(coverage(&audit, Category::Weak), Coverage::Checked);
        let none = super::tests::audit(Vec::new(), Vec::new(), &[CheckId::Weak]);
        assert_eq!(coverage(&none, Category::Weak), Coverage::NotChecked);
    }

    #[test]
    fn the_score_follows_the_plan_so_a_mailbox_problem_is_the_mailboxs() {
        use crate::report::{PlanItem, Stake};
        let accounts = vec![
            account(0, "bo", "Mail", Some(4)),
            account(1, "bo", "Shop", Some(4)),
            account(2, "bo", "Game", Some(4)),
        ];
        // The hub finding names the mailbox and the two accounts it can reset.
        let findings = vec![finding(
            1,
            FindingKind::RecoveryHub,
            Severity::Critical,
            &[0, 1, 2],
        )];
        let mut audit = audit(accounts, findings, &[]);
        let from_findings = members(&audit)[0].grade.unwrap();
        assert_eq!(
            from_findings.score, 0,
            "without a plan, every named account counts"
        );
        audit.plan = vec![PlanItem {
            rank: 1,
            member: "bo".into(),
            account: Some("A1".into()),
            name: "Mail".into(),
            stake: Stake::Hub,
            stakes: vec![Stake::Hub],
            severity: Severity::Critical,
            why: "a mailbox that can reset 2 other accounts".into(),
            summary: String::new(),
            steps: Vec::new(),
            findings: vec!["F1".into()],
        }];
        let bo = &members(&audit)[0];
        // 0 + 100 + 100 = 67: C, held at D by the critical mailbox.
        assert_eq!(
            bo.grade,
            Some(Grade {
                score: 67,
                letter: 'D',
                capped: true
            })
        );
        assert_eq!((bo.urgent, bo.medium), (1, 0));
    }
}
