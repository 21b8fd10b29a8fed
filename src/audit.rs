//! Runs an audit: files → importers → vault → checks → one [`Audit`].

use std::collections::BTreeMap;

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::checks::{self, CheckId, Context, Draft, Facts, FindingKind};
use crate::error::InputError;
use crate::import;
use crate::model::{EntryKind, Vault};
use crate::progress::Progress;
use crate::report::{
    AccountReport, Audit, CheckRun, CheckStatus, Finding, MemberSummary, SCHEMA_VERSION, Severity,
    SourceReport, Summary, Suppressed, Tool, Verdict, VerdictStatus, account_id,
};
use crate::settings::Settings;
use crate::{exit, site};

/// Imports every input into one vault. The first unreadable file stops the
/// run with an error naming it.
pub fn load(settings: &Settings) -> Result<Vault, InputError> {
    if settings.inputs.is_empty() {
        return Err(InputError::Usage("no export file given".into()));
    }
    let mut vault = Vault::default();
    for input in &settings.inputs {
        let options = import::ReadOptions {
            encoding: settings.encoding,
            unlock: settings.unlock.clone(),
        };
        let (source, mut entries) =
            import::load_file_with(&input.path, &input.member, &settings.format, &options)?;
        let index = vault.sources.len();
        for e in &mut entries {
            e.source = index;
        }
        vault.sources.push(source);
        vault.entries.append(&mut entries);
    }
    Ok(vault)
}

/// What the checks see of `vault` and `settings`: each check only its own
/// settings (benchmarks and tools that run checks alone build it here too).
pub fn context<'a>(
    vault: &'a Vault,
    accounts: &'a [usize],
    settings: &'a Settings,
    progress: &'a dyn Progress,
) -> Context<'a> {
    Context {
        vault,
        accounts,
        selected: &settings.checks,
        pwned: &settings.pwned,
        recovery: &settings.recovery,
        site_breach: &settings.site_breach,
        passkeys: &settings.passkeys,
        progress,
        site_index: Default::default(),
    }
}

/// Runs the selected checks over `vault` and assembles the audit.
pub fn run(vault: &Vault, settings: &Settings, progress: &dyn Progress) -> Audit {
    let mut audit = run_checks(vault, settings, progress);
    finish(&mut audit, settings, progress);
    audit
}

/// [`run`], dropping the vault (every password in it) as soon as the
/// per-account reports hold what they need of it, before the action plan
/// is built: at scale, the vault and the report together set the peak
/// memory (issue 15), and secrets are dropped early (trust rule 5).
pub fn run_owned(vault: Vault, settings: &Settings, progress: &dyn Progress) -> Audit {
    let mut audit = run_checks(&vault, settings, progress);
    progress.phase("drop the vault");
    drop(vault);
    finish(&mut audit, settings, progress);
    audit
}

/// The action plan, then the comparison with `--baseline`.
fn finish(audit: &mut Audit, settings: &Settings, progress: &dyn Progress) {
    progress.phase("plan");
    audit.plan = crate::report::plan::build(&audit.accounts, &audit.findings);
    if let Some(baseline) = &settings.baseline {
        compare_with_baseline(audit, baseline, &settings.policy);
    }
}

/// The audit without its plan (see [`finish`]).
fn run_checks(vault: &Vault, settings: &Settings, progress: &dyn Progress) -> Audit {
    let accounts = vault.account_indices();
    let ctx = context(vault, &accounts, settings, progress);
    let mut facts = Facts::new(accounts.len());
    let mut drafts: Vec<Draft> = Vec::new();
    let mut runs = Vec::new();
    // Rows the importers could not read were seen by no check: every check
    // that runs is incomplete for them (unknown, never clean).
    let unread: usize = vault.sources.iter().map(|s| s.skipped.len()).sum();
    let mut reasons = Vec::new();
    let mut data_sources = Vec::new();
    for &check in CheckId::ALL {
        if !settings.runs(check) {
            runs.push(CheckRun {
                check,
                status: CheckStatus::Skipped,
                note: Some("not selected (--only/--skip)".into()),
                warnings: Vec::new(),
                rows_not_checked: 0,
            });
            continue;
        }
        progress.phase(check.as_str());
        let outcome = checks::run(check, &ctx, &mut facts);
        if let Some(why) = outcome.skipped {
            runs.push(CheckRun {
                check,
                status: CheckStatus::Skipped,
                note: Some(why),
                warnings: outcome.warnings,
                rows_not_checked: 0,
            });
            continue;
        }
        if let Some(note) = &outcome.incomplete {
            reasons.push(format!("check {} could not finish: {note}", check.as_str()));
        }
        let unread_note = (unread > 0).then(|| {
            format!(
                "{unread} {} could not be read and {} not checked (see the skipped lines)",
                if unread == 1 { "row" } else { "rows" },
                if unread == 1 { "was" } else { "were" },
            )
        });
        let note = match (outcome.incomplete, unread_note) {
            (Some(own), Some(rows)) => Some(format!("{own}; {rows}")),
            (own, rows) => own.or(rows),
        };
        runs.push(CheckRun {
            check,
            status: if note.is_some() {
                CheckStatus::Incomplete
            } else {
                CheckStatus::Complete
            },
            note,
            warnings: outcome.warnings,
            rows_not_checked: unread,
        });
        data_sources.extend(outcome.data_sources);
        drafts.extend(outcome.findings);
    }
    progress.phase("assembly");
    let mut audit = assemble(&ctx, settings, drafts, runs, facts, reasons);
    audit.data_sources = data_sources;
    audit
}

/// `--baseline`: records what changed since the previous report and, with
/// `--fail-on-new`, decides the verdict (and exit code) on the new or
/// worse findings only (an audit, or a merged report).
pub fn compare_with_baseline(
    audit: &mut Audit,
    baseline: &crate::settings::BaselineSettings,
    policy: &crate::settings::Policy,
) {
    let delta = crate::report::delta::compare(audit, &baseline.previous);
    if baseline.fail_on_new {
        let s = &mut audit.summary;
        s.verdict = Verdict::decide_new(
            &audit.findings,
            s.verdict.fail_on,
            s.verdict.reasons.clone(),
            &delta.new_or_worse(),
        );
        s.exit_code = exit::decide(&s.verdict, policy);
    }
    audit.baseline = Some(delta);
}

fn domain_of(ctx: &Context, i: usize) -> Option<String> {
    ctx.entry(i).urls.iter().find_map(|u| site::of_url(u))
}

/// Identity of an account across runs: member, title, username, domain (not
/// the row, which moves when the export changes; never the password).
fn account_key(ctx: &Context, i: usize, domain: Option<&str>) -> String {
    let e = ctx.entry(i);
    format!(
        "{}\u{1f}{}\u{1f}{}\u{1f}{}",
        ctx.member(i),
        e.title.trim().to_lowercase(),
        e.username.trim().to_lowercase(),
        domain.unwrap_or_default()
    )
}

/// Each account's registrable domain and identity ([`account_key`]),
/// computed once per account (in parallel) rather than once per finding.
struct Identities {
    domains: Vec<Option<String>>,
    keys: Vec<String>,
}

impl Identities {
    fn of(ctx: &Context) -> Identities {
        // the site checks' index, when they built one, already knows each
        // account's domains: the URLs are not parsed twice
        let sites = ctx.site_index.get();
        let (domains, keys) = (0..ctx.accounts.len())
            .into_par_iter()
            .with_min_len(256)
            .map(|i| {
                let domain = match sites {
                    Some(sites) => sites.first_domain(i).map(str::to_owned),
                    None => domain_of(ctx, i),
                };
                let key = account_key(ctx, i, domain.as_deref());
                (domain, key)
            })
            .unzip();
        Identities { domains, keys }
    }
}

fn fingerprint(ids: &Identities, d: &Draft) -> String {
    let mut keys: Vec<&str> = d.accounts.iter().map(|&i| ids.keys[i].as_str()).collect();
    keys.sort_unstable();
    let mut h = Sha256::new();
    h.update(d.kind.as_str());
    h.update([0]);
    h.update(&d.discriminator);
    for k in keys {
        h.update([0]);
        h.update(k);
    }
    hex::encode(&h.finalize()[..8])
}

/// Builds the report from the checks' drafts and facts: policy severities
/// and order, fingerprints and accepted risks, ids, per-account and
/// per-source reports, the summary with its verdict (the plan comes after,
/// in [`finish`]).
fn assemble(
    ctx: &Context,
    settings: &Settings,
    drafts: Vec<Draft>,
    checks: Vec<CheckRun>,
    mut facts: Facts,
    check_reasons: Vec<String>,
) -> Audit {
    let drill = facts.drill.take();
    let drafts = apply_policy(settings, drafts);
    let ids = Identities::of(ctx);
    let Triage {
        kept,
        suppressed,
        warnings: policy_warnings,
    } = triage(&ids, settings, drafts);
    // The identity keys were for the fingerprints only.
    let Identities { domains, keys } = ids;
    drop(keys);
    let (mut drafts, fingerprints): (Vec<Draft>, Vec<String>) = kept.into_iter().unzip();
    let findings = number_findings(&mut drafts, fingerprints);
    let accounts = account_reports(ctx, &drafts, &findings, facts, domains, settings.now);
    let sources = source_reports(ctx.vault);
    let finding_members: Vec<Vec<&str>> = drafts
        .iter()
        .map(|d| {
            let mut m: Vec<&str> = d.accounts.iter().map(|&i| ctx.member(i)).collect();
            m.sort_unstable();
            m.dedup();
            m
        })
        .collect();
    let mut summary = summarize(
        &sources,
        &accounts,
        &findings,
        &finding_members,
        check_reasons,
        settings,
    );
    summary.suppressed = suppressed;
    summary.policy_warnings = policy_warnings;
    Audit {
        schema_version: SCHEMA_VERSION,
        tool: Tool {
            name: env!("CARGO_PKG_NAME").into(),
            version: env!("CARGO_PKG_VERSION").into(),
        },
        generated_at: settings
            .now
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        checks,
        sources,
        plan: Vec::new(),
        drill,
        accounts,
        findings,
        summary,
        data_sources: Vec::new(),
        baseline: None,
        merged: None,
    }
}

/// Each draft's accounts sorted and distinct, its severity as the policy
/// file sets for its kind; drafts ordered by severity (highest first),
/// kind and accounts.
fn apply_policy(settings: &Settings, mut drafts: Vec<Draft>) -> Vec<Draft> {
    for d in &mut drafts {
        d.accounts.sort_unstable();
        d.accounts.dedup();
        if let Some(sev) = settings.policy.severity.get(&d.kind) {
            d.severity = *sev;
        }
    }
    drafts.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(a.kind.cmp(&b.kind))
            .then(a.accounts.cmp(&b.accounts))
    });
    drafts
}

/// Drafts sorted into those reported (with their fingerprints) and those
/// the policy accepts as risks, and what the policy's ignore list should say.
struct Triage {
    kept: Vec<(Draft, String)>,
    suppressed: Vec<Suppressed>,
    warnings: Vec<String>,
}

/// Fingerprints each draft and suppresses those an unexpired ignore entry
/// accepts; warns about ignore entries that expired or match nothing.
fn triage(ids: &Identities, settings: &Settings, drafts: Vec<Draft>) -> Triage {
    let ignore = &settings.policy.ignore;
    let today = settings.now.date_naive();
    let mut used = vec![false; ignore.len()];
    let mut out = Triage {
        kept: Vec::new(),
        suppressed: Vec::new(),
        warnings: Vec::new(),
    };
    let fingerprints: Vec<String> = drafts
        .par_iter()
        .with_min_len(64)
        .map(|d| fingerprint(ids, d))
        .collect();
    for (d, fp) in drafts.into_iter().zip(fingerprints) {
        match ignore.iter().position(|ig| ig.fingerprint == fp) {
            Some(k) if ignore[k].expires.is_none_or(|e| e >= today) => {
                used[k] = true;
                out.suppressed.push(Suppressed {
                    fingerprint: fp,
                    check: d.kind,
                    severity: d.severity,
                    accounts: d.accounts.iter().map(|&i| account_id(i)).collect(),
                    reason: ignore[k].reason.clone(),
                    expires: ignore[k].expires.map(|e| e.to_string()),
                });
            }
            _ => out.kept.push((d, fp)),
        }
    }
    for (ig, used) in ignore.iter().zip(used) {
        if let Some(e) = ig.expires.filter(|e| *e < today) {
            out.warnings.push(format!(
                "the accepted risk {} expired on {e}: it is reported again",
                ig.fingerprint
            ));
        } else if !used {
            out.warnings.push(format!(
                "no finding has fingerprint {}: the ignore entry can be removed",
                ig.fingerprint
            ));
        }
    }
    out
}

/// The reported findings, numbered `F1`, `F2`... in order (their
/// messages and details moved out of the drafts).
fn number_findings(drafts: &mut [Draft], fingerprints: Vec<String>) -> Vec<Finding> {
    drafts
        .iter_mut()
        .zip(fingerprints)
        .enumerate()
        .map(|(n, (d, fingerprint))| Finding {
            id: format!("F{}", n + 1),
            check: d.kind,
            severity: d.severity,
            accounts: d.accounts.iter().map(|&i| account_id(i)).collect(),
            message: std::mem::take(&mut d.message),
            fingerprint,
            details: d.details.take(),
        })
        .collect()
}

/// One report per audited account: what it is, the facts the checks
/// recorded, the ids of its findings.
fn account_reports(
    ctx: &Context,
    drafts: &[Draft],
    findings: &[Finding],
    mut facts: Facts,
    mut domains: Vec<Option<String>>,
    now: chrono::DateTime<chrono::Utc>,
) -> Vec<AccountReport> {
    let mut per_account: Vec<Vec<String>> = vec![Vec::new(); ctx.accounts.len()];
    for (f, d) in findings.iter().zip(drafts) {
        for &i in &d.accounts {
            per_account[i].push(f.id.clone());
        }
    }
    (0..ctx.accounts.len())
        .map(|i| {
            let e = ctx.entry(i);
            AccountReport {
                id: account_id(i),
                member: ctx.member(i).to_owned(),
                source: ctx.vault.sources[e.source].path.clone(),
                row: e.row,
                title: e.title.clone(),
                url: e.url().map(str::to_owned),
                domain: domains[i].take(),
                username: e.username.clone(),
                has_totp: e.has_totp(),
                strength: facts.strength[i].take(),
                similar_group: facts.similar_group[i].take().flatten(),
                pwned: facts.pwned[i].take(),
                recovery: facts.recovery[i].take(),
                findings: std::mem::take(&mut per_account[i]),
                password_changed: e.password_changed.and_then(|t| {
                    chrono::DateTime::from_timestamp(t, 0)
                        .map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
                }),
                password_age_days: e
                    .password_changed
                    .map(|t| (now.timestamp() - t).div_euclid(86_400)),
                history_passwords: e.history.len(),
                passkeys: e.passkeys.iter().map(|p| p.relying_party.clone()).collect(),
            }
        })
        .collect()
}

/// One report per input file: its rows and what became of them.
fn source_reports(vault: &Vault) -> Vec<SourceReport> {
    vault
        .sources
        .iter()
        .enumerate()
        .map(|(s, src)| {
            let of_source = vault.entries.iter().filter(|e| e.source == s);
            SourceReport {
                path: src.path.clone(),
                member: src.member.clone(),
                format: src.format.to_owned(),
                rows: src.rows,
                accounts: of_source.clone().filter(|e| e.is_account()).count(),
                skipped: src.skipped.len(),
                skipped_rows: src.skipped.clone(),
                deleted: src.deleted,
                logins_without_password: src.no_password,
                folders: src.folders,
                encoding: src.encoding.to_owned(),
                other_items: of_source
                    .filter(|e| !e.deleted && !e.is_account() && e.kind != EntryKind::Login)
                    .count(),
                warnings: src.warnings.clone(),
            }
        })
        .collect()
}

/// `alice.csv: 2 row(s) could not be read (lines 3, 7)`, naming at most 5 lines.
fn unread_reason(src: &SourceReport) -> String {
    const SHOWN: usize = 5;
    let lines: Vec<String> = src
        .skipped_rows
        .iter()
        .take(SHOWN)
        .map(|k| k.line.to_string())
        .collect();
    let more = src.skipped_rows.len().saturating_sub(SHOWN);
    format!(
        "{}: {} {} could not be read (line{} {}{})",
        src.path,
        src.skipped_rows.len(),
        if src.skipped_rows.len() == 1 {
            "row"
        } else {
            "rows"
        },
        if src.skipped_rows.len() == 1 { "" } else { "s" },
        lines.join(", "),
        if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        }
    )
}

fn summarize(
    sources: &[SourceReport],
    accounts: &[AccountReport],
    findings: &[Finding],
    finding_members: &[Vec<&str>],
    check_reasons: Vec<String>,
    settings: &Settings,
) -> Summary {
    let mut by_check: BTreeMap<FindingKind, usize> = BTreeMap::new();
    let mut by_severity: BTreeMap<Severity, usize> =
        Severity::ALL.iter().map(|s| (*s, 0)).collect();
    for f in findings {
        *by_check.entry(f.check).or_default() += 1;
        *by_severity.entry(f.severity).or_default() += 1;
    }
    let mut members: Vec<MemberSummary> = Vec::new();
    for src in sources {
        if !members.iter().any(|m| m.member == src.member) {
            members.push(MemberSummary {
                member: src.member.clone(),
                accounts: 0,
                findings: Severity::ALL.iter().map(|s| (*s, 0)).collect(),
            });
        }
    }
    for m in members.iter_mut() {
        m.accounts = accounts.iter().filter(|a| a.member == m.member).count();
    }
    for (f, seen) in findings.iter().zip(finding_members) {
        for m in members
            .iter_mut()
            .filter(|m| seen.contains(&m.member.as_str()))
        {
            *m.findings.entry(f.severity).or_default() += 1;
        }
    }
    // Why the audit is incomplete: rows no check saw, then checks that
    // could not finish for their own reasons.
    let mut reasons: Vec<String> = sources
        .iter()
        .filter(|src| !src.skipped_rows.is_empty())
        .map(unread_reason)
        .collect();
    reasons.extend(check_reasons);
    let verdict = Verdict::decide(findings, settings.policy.fail_on, reasons);
    let incomplete = verdict.status == VerdictStatus::Incomplete;
    let member_names: Vec<String> = members.iter().map(|m| m.member.clone()).collect();
    let readiness = checks::recovery::readiness(accounts, &member_names);
    Summary {
        accounts: accounts.len(),
        findings: findings.len(),
        by_check,
        by_severity,
        members,
        suppressed: Vec::new(),
        policy_warnings: Vec::new(),
        fail_on: settings.policy.fail_on,
        incomplete,
        exit_code: exit::decide(&verdict, &settings.policy),
        verdict,
        readiness,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::progress::NoProgress;
    use crate::settings::Input;

    /// The family, every check, lookups off, a fixed clock.
    pub(crate) fn family() -> Settings {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-exports/family");
        let mut settings = Settings {
            inputs: ["alice", "bob", "carol", "dan", "erin"]
                .iter()
                .map(|m| Input {
                    path: dir.join(format!("{m}.csv")),
                    member: (*m).to_owned(),
                })
                .collect(),
            now: chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap(),
            ..Settings::default()
        };
        settings.pwned.source = crate::pwned::SourceChoice::Off;
        settings
    }

    #[test]
    fn the_owned_run_drops_the_vault_and_reports_the_same() {
        let settings = family();
        let borrowed = run(&load(&settings).unwrap(), &settings, &NoProgress);
        let owned = run_owned(load(&settings).unwrap(), &settings, &NoProgress);
        assert!(!owned.plan.is_empty() && owned.accounts.len() > 10);
        assert_eq!(
            serde_json::to_string(&owned).unwrap(),
            serde_json::to_string(&borrowed).unwrap()
        );
    }
}
