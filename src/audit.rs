//! Runs an audit: files → importers → vault → checks → one [`Audit`].

use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::checks::{self, CheckId, Context, Draft, Facts, FindingKind, Outcome};
use crate::error::InputError;
use crate::import;
use crate::model::{Entry, EntryKind, Vault};
use crate::progress::Progress;
use crate::report::{AccountId, FindingId};
use crate::report::{
    AccountReport, Audit, CheckRun, CheckStatus, Finding, MemberSummary, SCHEMA_VERSION, Severity,
    SourceReport, Summary, Suppressed, Tool, Verdict, VerdictStatus, account_id,
};
use crate::settings::Settings;
use crate::{exit, site};

/// Imports every input into one vault. The first unreadable file stops the
/// run with an error naming it.
pub fn load(settings: &Settings) -> Result<Vault, InputError> {
    let no_input = || InputError::Usage("no export file given".into());
    if settings.inputs.is_empty() {
        return Err(no_input());
    }
    let mut parts = Vec::with_capacity(settings.inputs.len());
    for input in &settings.inputs {
        let options = import::ReadOptions {
            encoding: settings.encoding,
            unlock: settings.unlock.clone(),
        };
        parts.push(import::load_file_with(
            &input.path,
            &input.member,
            &settings.format,
            &options,
        )?);
    }
    // Entries at their exact count: appended one export at a time, a team's
    // thousands of exports left the list up to twice its size (issue 15).
    // The first export's list is kept (one export: no copy at all) and
    // grown once to hold the others.
    let total: usize = parts.iter().map(|(_, entries)| entries.len()).sum();
    let mut parts = parts.into_iter();
    let Some((first, mut entries)) = parts.next() else {
        return Err(no_input());
    };
    entries.reserve_exact(total - entries.len());
    // Importers leave every entry's source at 0 (`Entry::new`): the first
    // export's are right as they are, with no pass over them.
    debug_assert!(entries.iter().all(|e| e.source == 0));
    let mut vault = Vault {
        sources: Vec::with_capacity(settings.inputs.len()),
        entries,
    };
    vault.sources.push(first);
    for (index, (source, entries)) in parts.enumerate() {
        vault.sources.push(source);
        vault.entries.extend(entries.into_iter().map(|mut e| {
            e.source = index + 1;
            e
        }));
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
        same_password: Default::default(),
    }
}

/// Runs the selected checks over `vault` and assembles the audit.
pub fn run(vault: &Vault, settings: &Settings, progress: &dyn Progress) -> Audit {
    let checked = run_checks(vault, settings, progress);
    let kept = Kept::cloned(vault, &checked.accounts);
    let mut audit = assemble(checked, kept, settings);
    finish(&mut audit, settings, progress);
    audit
}

/// [`run`], dropping the vault (every password in it) as soon as the
/// checks are done: what the report keeps of each account (title,
/// username, first URL, ...) is moved out of it, not copied, and the rest
/// is dropped before the per-account reports are built: at scale, the vault
/// and the report together set the peak memory (issue 15), and secrets are
/// dropped early (trust rule 5).
pub fn run_owned(vault: Vault, settings: &Settings, progress: &dyn Progress) -> Audit {
    let checked = run_checks(&vault, settings, progress);
    progress.phase("drop the vault");
    let kept = Kept::taken(vault, &checked.accounts);
    progress.phase("accounts");
    let mut audit = assemble(checked, kept, settings);
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

/// What the checks leave for the report, holding nothing of the vault:
/// the findings numbered and fingerprinted, the facts, each account's domain.
struct Checked {
    /// Entry indices of the audited accounts.
    accounts: Vec<usize>,
    runs: Vec<CheckRun>,
    reasons: Vec<String>,
    data_sources: Vec<crate::report::DataSource>,
    /// The reported findings' drafts (their accounts as indices).
    drafts: Vec<Draft>,
    findings: Vec<Finding>,
    suppressed: Vec<Suppressed>,
    policy_warnings: Vec<String>,
    facts: Facts,
    domains: Vec<Option<String>>,
}

/// The checks, then the findings' policy, fingerprints and ids (see
/// [`Checked`]).
fn run_checks(vault: &Vault, settings: &Settings, progress: &dyn Progress) -> Checked {
    let accounts = vault.account_indices();
    let mut facts = Facts::new(accounts.len());
    // The lane's context: its site index serves every check that matches
    // sites, and the assembly.
    let mut ctx = context(vault, &accounts, settings, progress);
    let mut outcomes = overlapped(&mut ctx, settings, progress, &mut facts);
    let mut drafts: Vec<Draft> = Vec::new();
    let mut runs = Vec::new();
    // Rows the importers could not read were seen by no check: every check
    // that runs is incomplete for them (unknown, never clean).
    let unread: usize = vault.sources.iter().map(|s| s.skipped.len()).sum();
    let mut reasons = Vec::new();
    let mut data_sources = Vec::new();
    // Folded in the run order, whatever order they finished in.
    for &check in CheckId::ALL {
        let Some(outcome) = outcomes[check as usize].take() else {
            runs.push(CheckRun {
                check,
                status: CheckStatus::Skipped,
                note: Some("not selected (--only/--skip)".into()),
                warnings: Vec::new(),
                rows_not_checked: 0,
            });
            continue;
        };
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
    let drafts = apply_policy(settings, drafts);
    let ids = Identities::of(&ctx);
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
    drop(ctx);
    Checked {
        accounts,
        runs,
        reasons,
        data_sources,
        drafts,
        findings,
        suppressed,
        policy_warnings,
        facts,
        domains,
    }
}

/// The checks that run beside the others, each on every core: the two
/// that take most of an audit's time (issue 15).
const BESIDE: [CheckId; 2] = [CheckId::Similar, CheckId::Weak];

/// Runs the selected checks, overlapping them (issue 15): `similar` and
/// `weak` (parallel inside) each beside a lane that runs the others one
/// after the other in the run order (`similar` beside the first ones, then
/// `weak` beside [`LATE`]), so that the lane's serial parts fill the cores
/// the big two leave idle. No check of the lane reads what the big
/// two compute (a unit test says so), except `recovery`: its assessment
/// ([`checks::recovery::prepare`]) and the `drill` (which reads only that
/// part of the recovery facts) run in the lane, and only the hubs' states,
/// which read the weak, similar, reuse and pwned facts, wait for everything
/// ([`checks::recovery::complete`]). Each check writes only its own facts:
/// `similar` and `weak` get their slots moved out of `facts` and back.
/// Outcomes are indexed by check (`None`: not selected); the report folds
/// them in the run order, so it does not depend on which finished first.
///
/// The progress bar shows one check per stage: `similar`, or the lane when
/// it looks passwords up (the `pwned` check's online or dataset lookups can
/// take longest), then `weak`; the lane when its companion does not run.
fn overlapped<'a>(
    ctx: &mut Context<'a>,
    settings: &Settings,
    progress: &'a dyn Progress,
    facts: &mut Facts,
) -> Vec<Option<Outcome>> {
    let mut outcomes: Vec<Option<Outcome>> = CheckId::ALL.iter().map(|_| None).collect();
    let runs = |c: CheckId| settings.runs(c);
    let quiet: &'a dyn Progress = &crate::progress::NoProgress;
    let lookups = runs(CheckId::Pwned) && settings.pwned.source != crate::pwned::SourceChoice::Off;
    let similar_shown = runs(CheckId::Similar) && !lookups;
    // (neither `similar` nor `weak` reads the sites)
    let beside_ctx = |shown: bool| {
        context(
            ctx.vault,
            ctx.accounts,
            settings,
            if shown { progress } else { quiet },
        )
    };
    let similar_ctx = beside_ctx(similar_shown);
    let weak_ctx = beside_ctx(true);
    // `similar` and `weak` with their own slots of the facts
    let mut similar = Facts {
        similar_group: std::mem::take(&mut facts.similar_group),
        ..Facts::default()
    };
    let mut weak = Facts {
        strength: std::mem::take(&mut facts.strength),
        ..Facts::default()
    };
    // Two stages, so that what the late checks hold is not added to
    // `similar`'s working set (the peak of the checks, issue 15): `similar`
    // beside the lane's first checks, then `weak` (whose working set is
    // small) beside the late ones.
    let early = |c: CheckId| !LATE.contains(&c);
    let late = |c: CheckId| LATE.contains(&c);
    progress.phase(&stage_name(CheckId::Similar, settings, early));
    ctx.progress = if similar_shown { quiet } else { progress };
    let lane_ctx = &*ctx;
    let (similar_out, (first, _)) = rayon::join(
        || {
            runs(CheckId::Similar)
                .then(|| checks::run(CheckId::Similar, &similar_ctx, &mut similar))
        },
        || lane(lane_ctx, settings, facts, early),
    );
    progress.phase(&stage_name(CheckId::Weak, settings, late));
    ctx.progress = if runs(CheckId::Weak) { quiet } else { progress };
    let lane_ctx = &*ctx;
    let (weak_out, (second, prepared)) = rayon::join(
        || runs(CheckId::Weak).then(|| checks::run(CheckId::Weak, &weak_ctx, &mut weak)),
        || lane(lane_ctx, settings, facts, late),
    );
    ctx.progress = quiet;
    facts.similar_group = similar.similar_group;
    facts.strength = weak.strength;
    outcomes[CheckId::Similar as usize] = similar_out;
    outcomes[CheckId::Weak as usize] = weak_out;
    for (check, outcome) in first.into_iter().chain(second) {
        outcomes[check as usize] = Some(outcome);
    }
    if let Some(prepared) = prepared {
        progress.phase("recovery hubs");
        outcomes[CheckId::Recovery as usize] =
            Some(checks::recovery::complete(ctx, facts, prepared));
    }
    outcomes
}

/// The lane's checks that run beside `weak` rather than `similar` (see
/// [`overlapped`]): they hold the most memory.
const LATE: [CheckId; 2] = [CheckId::Recovery, CheckId::Drill];

/// A stage's name for the profile (`Progress::phase`): `similar beside
/// reuse, history, ...`.
fn stage_name(beside: CheckId, settings: &Settings, part: impl Fn(CheckId) -> bool) -> String {
    let lane: Vec<&str> = CheckId::ALL
        .iter()
        .filter(|&&c| !BESIDE.contains(&c) && part(c) && settings.runs(c))
        .map(|c| c.as_str())
        .collect();
    match (settings.runs(beside), lane.is_empty()) {
        (true, false) => format!("{} beside {}", beside.as_str(), lane.join(", ")),
        (true, true) => beside.as_str().to_owned(),
        (false, _) => lane.join(", "),
    }
}

/// The checks other than [`BESIDE`] for which `part` is true, one after
/// the other in the run order (`recovery` only prepared: see
/// [`overlapped`]).
fn lane(
    ctx: &Context,
    settings: &Settings,
    facts: &mut Facts,
    part: impl Fn(CheckId) -> bool,
) -> (Vec<(CheckId, Outcome)>, Option<checks::recovery::Prepared>) {
    let mut out = Vec::new();
    let mut prepared = None;
    for &check in CheckId::ALL {
        if BESIDE.contains(&check) || !part(check) || !settings.runs(check) {
            continue;
        }
        let outcome = match check {
            CheckId::Recovery => {
                prepared = Some(checks::recovery::prepare(ctx));
                continue;
            }
            CheckId::Drill => {
                // the drill reads the assessed recovery objects only
                let mut assessed = Facts {
                    recovery: prepared
                        .as_mut()
                        .map(|p: &mut checks::recovery::Prepared| std::mem::take(&mut p.recoveries))
                        .unwrap_or_default(),
                    ..Facts::default()
                };
                let outcome = checks::run(check, ctx, &mut assessed);
                if let Some(p) = prepared.as_mut() {
                    p.recoveries = std::mem::take(&mut assessed.recovery);
                }
                facts.drill = assessed.drill.take();
                outcome
            }
            _ => checks::run(check, ctx, facts),
        };
        out.push((check, outcome));
    }
    (out, prepared)
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

/// What the report keeps of the vault: the sources' reports and, per
/// audited account, what its report shows. Never a secret.
struct Kept {
    sources: Vec<SourceReport>,
    accounts: Vec<KeptAccount>,
}

struct KeptAccount {
    source: usize,
    row: u64,
    title: String,
    url: Option<String>,
    username: String,
    has_totp: bool,
    password_changed: Option<i64>,
    history_passwords: usize,
    passkeys: Vec<String>,
}

impl KeptAccount {
    fn of(e: &Entry, title: String, url: Option<String>, username: String) -> KeptAccount {
        KeptAccount {
            source: e.source,
            row: e.row,
            title,
            url,
            username,
            has_totp: e.has_totp(),
            password_changed: e.password_changed(),
            history_passwords: e.history().len(),
            passkeys: e
                .passkeys()
                .iter()
                .map(|p| p.relying_party.clone())
                .collect(),
        }
    }
}

impl Kept {
    /// Copied from a vault the caller keeps.
    fn cloned(vault: &Vault, accounts: &[usize]) -> Kept {
        Kept {
            sources: source_reports(vault),
            accounts: accounts
                .iter()
                .map(|&k| {
                    let e = &vault.entries[k];
                    KeptAccount::of(
                        e,
                        e.title.clone(),
                        e.url().map(str::to_owned),
                        e.username.clone(),
                    )
                })
                .collect(),
        }
    }

    /// Moved out of `vault`, which is dropped (its secrets zeroized) entry
    /// by entry.
    fn taken(vault: Vault, accounts: &[usize]) -> Kept {
        let sources = source_reports(&vault);
        let mut kept = Vec::with_capacity(accounts.len());
        let mut next = accounts.iter().copied().peekable();
        for (k, mut e) in vault.entries.into_iter().enumerate() {
            if next.next_if_eq(&k).is_some() {
                let title = std::mem::take(&mut e.title);
                let url = e.urls.first_mut().map(std::mem::take);
                let username = std::mem::take(&mut e.username);
                kept.push(KeptAccount::of(&e, title, url, username));
            }
        }
        assert!(next.next().is_none(), "account indices are in entry order");
        Kept {
            sources,
            accounts: kept,
        }
    }
}

/// Builds the report from what the checks left and what it keeps of the
/// vault: per-account and per-source reports, the summary with its verdict
/// (the plan comes after, in [`finish`]).
fn assemble(checked: Checked, kept: Kept, settings: &Settings) -> Audit {
    let Checked {
        accounts: _,
        runs,
        reasons,
        data_sources,
        drafts,
        findings,
        suppressed,
        policy_warnings,
        mut facts,
        domains,
    } = checked;
    let drill = facts.drill.take();
    let Kept { sources, accounts } = kept;
    let accounts = account_reports(
        accounts,
        &sources,
        &drafts,
        &findings,
        facts,
        domains,
        settings.now,
    );
    let finding_members: Vec<Vec<&str>> = drafts
        .iter()
        .map(|d| {
            let mut m: Vec<&str> = d.accounts.iter().map(|&i| &*accounts[i].member).collect();
            m.sort_unstable();
            m.dedup();
            m
        })
        .collect();
    drop(drafts);
    let mut summary = summarize(
        &sources,
        &accounts,
        &findings,
        &finding_members,
        reasons,
        settings,
    );
    drop(finding_members);
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
        checks: runs,
        sources,
        plan: Vec::new(),
        drill,
        accounts,
        findings,
        summary,
        data_sources,
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
    let mut shared = crate::report::shared::SharedText::default();
    drafts
        .iter_mut()
        .zip(fingerprints)
        .enumerate()
        .map(|(n, (d, fingerprint))| Finding {
            id: FindingId::of(n),
            check: d.kind,
            severity: d.severity,
            accounts: d.accounts.iter().map(|&i| AccountId::of(i)).collect(),
            // (its exact size: 58,000 messages at 200,000 accounts)
            message: {
                let mut m = std::mem::take(&mut d.message);
                m.shrink_to_fit();
                m
            },
            fingerprint,
            details: d.details.take().map(|mut details| {
                details.share_texts(&mut shared);
                details
            }),
        })
        .collect()
}

/// One report per audited account: what it is, the facts the checks
/// recorded, the ids of its findings.
fn account_reports(
    kept: Vec<KeptAccount>,
    sources: &[SourceReport],
    drafts: &[Draft],
    findings: &[Finding],
    facts: Facts,
    domains: Vec<Option<String>>,
    now: chrono::DateTime<chrono::Utc>,
) -> Vec<AccountReport> {
    // each account's list at its exact size (200,000 lists at scale)
    let mut counts = vec![0usize; kept.len()];
    for d in drafts {
        for &i in &d.accounts {
            counts[i] += 1;
        }
    }
    let mut per_account: Vec<Vec<FindingId>> = counts.into_iter().map(Vec::with_capacity).collect();
    for (f, d) in findings.iter().zip(drafts) {
        for &i in &d.accounts {
            per_account[i].push(f.id);
        }
    }
    let Facts {
        strength,
        similar_group,
        pwned,
        recovery,
        ..
    } = facts;
    let mut strength = strength.into_iter();
    let mut similar_group = similar_group.into_iter();
    // equal recovery and pwned objects shared (most accounts have one of a
    // few: issue 15)
    let mut recoveries = Interned::default();
    let mut recovery = recovery
        .into_iter()
        .map(move |r| r.map(|r| recoveries.intern(r)));
    let mut pwneds = Interned::default();
    let mut pwned = pwned.into_iter().map(move |p| p.map(|p| pwneds.intern(p)));
    // one copy of each source's member and path, shared by its accounts
    let shared: Vec<(crate::report::Shared, crate::report::Shared)> = sources
        .iter()
        .map(|s| (s.member.as_str().into(), s.path.as_str().into()))
        .collect();
    kept.into_iter()
        .zip(domains)
        .zip(per_account)
        .enumerate()
        .map(|(i, ((e, domain), findings))| {
            let (member, source) = &shared[e.source];
            AccountReport {
                id: account_id(i),
                member: member.clone(),
                source: source.clone(),
                row: e.row,
                title: e.title,
                url: e.url,
                domain,
                username: e.username,
                has_totp: e.has_totp,
                strength: strength.next().flatten(),
                similar_group: similar_group.next().flatten().flatten(),
                pwned: pwned.next().flatten(),
                recovery: recovery.next().flatten(),
                findings,
                history: crate::report::AccountHistory {
                    password_changed: e.password_changed.and_then(|t| {
                        chrono::DateTime::from_timestamp(t, 0)
                            .map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
                    }),
                    password_age_days: e
                        .password_changed
                        .map(|t| (now.timestamp() - t).div_euclid(86_400)),
                    history_passwords: e.history_passwords,
                    passkeys: e.passkeys,
                }
                .boxed(),
            }
        })
        .collect()
}

/// One shared copy of each distinct value (what many accounts have in
/// common: a recovery object, a pwned result).
struct Interned<T>(std::collections::HashSet<std::sync::Arc<T>>);

impl<T> Default for Interned<T> {
    fn default() -> Self {
        Interned(Default::default())
    }
}

impl<T: Eq + std::hash::Hash> Interned<T> {
    /// The shared copy of `value`, made from it the first time.
    fn intern<B: std::borrow::Borrow<T> + Into<std::sync::Arc<T>>>(
        &mut self,
        value: B,
    ) -> std::sync::Arc<T> {
        if let Some(shared) = self.0.get(value.borrow()) {
            return shared.clone();
        }
        let shared: std::sync::Arc<T> = value.into();
        self.0.insert(shared.clone());
        shared
    }
}

/// One report per input file: its rows and what became of them.
fn source_reports(vault: &Vault) -> Vec<SourceReport> {
    // One pass over the entries, not one per source: a team's audit has
    // thousands of sources (issue 15).
    let mut accounts = vec![0usize; vault.sources.len()];
    let mut other_items = vec![0usize; vault.sources.len()];
    for e in &vault.entries {
        if e.is_account() {
            accounts[e.source] += 1;
        } else if !e.deleted && e.kind != EntryKind::Login {
            other_items[e.source] += 1;
        }
    }
    vault
        .sources
        .iter()
        .enumerate()
        .map(|(s, src)| SourceReport {
            path: src.path.clone(),
            member: src.member.clone(),
            format: src.format.to_owned(),
            rows: src.rows,
            accounts: accounts[s],
            skipped: src.skipped.len(),
            skipped_rows: src.skipped.clone(),
            deleted: src.deleted,
            logins_without_password: src.no_password,
            folders: src.folders,
            encoding: src.encoding.to_owned(),
            other_items: other_items[s],
            warnings: src.warnings.clone(),
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
    // Members in the order of their first source, each counted in one pass
    // over the accounts and one over the findings: a team's audit has
    // thousands of members and a million accounts (issue 15).
    let mut members: Vec<MemberSummary> = Vec::new();
    let mut member_at: HashMap<&str, usize> = HashMap::new();
    for src in sources {
        member_at.entry(src.member.as_str()).or_insert_with(|| {
            members.push(MemberSummary {
                member: src.member.clone(),
                accounts: 0,
                findings: Severity::ALL.iter().map(|s| (*s, 0)).collect(),
            });
            members.len() - 1
        });
    }
    for a in accounts {
        if let Some(&m) = member_at.get(&*a.member) {
            members[m].accounts += 1;
        }
    }
    for (f, seen) in findings.iter().zip(finding_members) {
        // `seen` is sorted and distinct: each member counts a finding once.
        for name in seen {
            if let Some(&m) = member_at.get(name) {
                *members[m].findings.entry(f.severity).or_default() += 1;
            }
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

    /// Each export's entries, in order, name their own export (the first
    /// export's list is the vault's own, the others appended to it), and
    /// no export at all is a usage error.
    #[test]
    fn load_keeps_every_export_in_order_with_its_source() {
        let settings = family();
        let vault = load(&settings).unwrap();
        assert_eq!(vault.sources.len(), 5);
        let mut want = Vec::new();
        for (index, input) in settings.inputs.iter().enumerate() {
            assert_eq!(vault.sources[index].member, input.member);
            let one = Settings {
                inputs: vec![input.clone()],
                ..family()
            };
            let alone = load(&one).unwrap();
            assert!(!alone.entries.is_empty(), "{}", input.member);
            want.extend(
                alone
                    .entries
                    .iter()
                    .map(|e| (index, e.row, e.title.clone())),
            );
        }
        let got: Vec<_> = vault
            .entries
            .iter()
            .map(|e| (e.source, e.row, e.title.clone()))
            .collect();
        assert_eq!(got, want);
        let none = Settings {
            inputs: Vec::new(),
            ..family()
        };
        assert!(matches!(load(&none), Err(InputError::Usage(_))));
    }

    /// What `run_checks` did before the checks overlapped: each selected
    /// check in the run order, on one set of facts.
    fn one_by_one(ctx: &Context, settings: &Settings, facts: &mut Facts) -> Vec<Option<Outcome>> {
        let mut outcomes: Vec<Option<Outcome>> = CheckId::ALL.iter().map(|_| None).collect();
        for &check in CheckId::ALL {
            if settings.runs(check) {
                outcomes[check as usize] = Some(checks::run(check, ctx, facts));
            }
        }
        outcomes
    }

    fn outcome_text(o: &Option<Outcome>) -> String {
        o.as_ref().map_or_else(
            || "not selected".into(),
            |o| {
                format!(
                    "{:?} {:?} {:?} {:?} {}",
                    o.findings,
                    o.incomplete,
                    o.warnings,
                    o.skipped,
                    serde_json::to_string(&o.data_sources).unwrap()
                )
            },
        )
    }

    /// The overlapped checks give each check the outcome and facts it gives
    /// when the checks run one by one: every check, some skipped, and the
    /// drill without recovery.
    #[test]
    fn overlapped_checks_give_what_one_by_one_gives() {
        let full = family();
        let mut no_weak = family();
        no_weak
            .checks
            .retain(|&c| c != CheckId::Weak && c != CheckId::Similar);
        let mut no_recovery = family();
        no_recovery.checks.retain(|&c| c != CheckId::Recovery);
        let mut only_recovery = family();
        only_recovery.checks = vec![CheckId::Recovery, CheckId::Drill];
        for settings in [full, no_weak, no_recovery, only_recovery] {
            let vault = load(&settings).unwrap();
            let accounts = vault.account_indices();
            let ctx = context(&vault, &accounts, &settings, &NoProgress);
            let mut serial = Facts::new(accounts.len());
            let expected = one_by_one(&ctx, &settings, &mut serial);
            let mut ctx = context(&vault, &accounts, &settings, &NoProgress);
            let mut facts = Facts::new(accounts.len());
            let got = overlapped(&mut ctx, &settings, &NoProgress, &mut facts);
            for &c in CheckId::ALL {
                assert_eq!(
                    outcome_text(&got[c as usize]),
                    outcome_text(&expected[c as usize]),
                    "{} of {:?}",
                    c.as_str(),
                    settings.checks
                );
            }
            assert_eq!(format!("{facts:?}"), format!("{serial:?}"));
            let hubs = facts.recovery.iter().flatten().filter(|r| r.hub.is_some());
            if settings.runs(CheckId::Recovery) {
                assert!(hubs.count() > 0, "the family has recovery hubs");
            }
        }
    }

    /// The lane's checks read nothing the checks beside it compute, except
    /// what `overlapped` waits for: the recovery hubs, and the drill, which
    /// reads the recovery assessment.
    #[test]
    fn the_lane_reads_nothing_computed_beside_it() {
        for &c in CheckId::ALL {
            if BESIDE.contains(&c) || c == CheckId::Recovery {
                continue;
            }
            for r in c.info().reads {
                assert!(!BESIDE.contains(r), "{} reads {}", c.as_str(), r.as_str());
                assert!(
                    *r != CheckId::Recovery || c == CheckId::Drill,
                    "{} reads recovery",
                    c.as_str()
                );
            }
        }
        for c in BESIDE {
            assert!(c.info().reads.is_empty(), "{} reads", c.as_str());
        }
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

    /// What many accounts have in common is held once (issue 15): a
    /// source's member and path, equal recovery objects and pwned results,
    /// a score shared by the accounts scored together; and the JSON is what
    /// unshared copies give (read back, every value equal).
    #[test]
    fn account_reports_share_what_is_equal() {
        use crate::report::Recovery;
        use std::sync::Arc;
        let settings = family();
        let audit = run_owned(load(&settings).unwrap(), &settings, &NoProgress);
        let accounts = &audit.accounts;
        let (mut pairs, mut pwned) = (0, 0);
        for (i, a) in accounts.iter().enumerate() {
            for b in &accounts[i + 1..] {
                if a.source == b.source {
                    assert!(Arc::ptr_eq(&a.source, &b.source), "{} {}", a.id, b.id);
                    assert!(Arc::ptr_eq(&a.member, &b.member));
                    pairs += 1;
                }
                let (Some(ra), Some(rb)) = (&a.recovery, &b.recovery) else {
                    panic!("the recovery check ran on {} and {}", a.id, b.id);
                };
                assert_eq!(ra == rb, Arc::ptr_eq(ra, rb), "{} {}", a.id, b.id);
                if let (Some(pa), Some(pb)) = (&a.pwned, &b.pwned) {
                    assert_eq!(pa == pb, Arc::ptr_eq(pa, pb), "{} {}", a.id, b.id);
                    pwned += 1;
                }
            }
        }
        assert!(pairs > 0 && pwned > 0);
        let distinct = |ptrs: Vec<*const Recovery>| {
            ptrs.into_iter()
                .collect::<std::collections::HashSet<_>>()
                .len()
        };
        let shared = distinct(
            accounts
                .iter()
                .filter_map(|a| a.recovery.as_deref().map(|r| r as *const Recovery))
                .collect(),
        );
        assert!(shared < accounts.len(), "{shared} of {}", accounts.len());
        // Read back, the report is the same values, unshared.
        let json = serde_json::to_string(&audit).unwrap();
        let back: Audit = serde_json::from_str(&json).unwrap();
        assert_eq!(serde_json::to_string(&back).unwrap(), json);
        for (a, b) in accounts.iter().zip(&back.accounts) {
            assert_eq!(a.member, b.member);
            assert_eq!(a.recovery, b.recovery);
            assert_eq!(a.pwned, b.pwned);
            assert_eq!(a.strength, b.strength);
        }
    }
}
