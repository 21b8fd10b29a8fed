//! `pwned`: passwords found in Have I Been Pwned's Pwned Passwords, checked
//! by k-anonymity (see [`crate::pwned`]).
//!
//! Each password is hashed with SHA-1 (in zeroizing buffers, on rayon); only
//! the 5-character prefix of the hash is sent, one request per distinct
//! prefix. `--pwned-dataset` looks the hashes up in a local copy instead,
//! with no network at all; `--pwned off` skips the check and says so.
//!
//! Per account, the report's `pwned` object says `exposed` (with the number
//! of times the password was seen in breaches), `not_found`, `unknown` (the
//! lookup failed: never read as safe; the audit then exits 3 unless
//! `--allow-incomplete`) or `skipped`. Each exposed account is a finding:
//! `high`, or `critical` once the password was seen
//! [`CRITICAL_COUNT`] times or more, since it is then in the wordlists
//! attackers try first.

use std::collections::BTreeMap;

use rayon::prelude::*;
use zeroize::Zeroizing;

use super::{Context, Draft, Facts, FindingKind, Outcome};
use crate::pwned::{self, Batch, PasswordHash, Suffix};
use crate::report::Severity;
use crate::report::details::{Details, PwnedDetails};
pub use crate::report::{PwnedResult, PwnedStatus};

/// Sightings from which an exposure is `critical` rather than `high`.
pub const CRITICAL_COUNT: u64 = 100;

/// Records every account as skipped (`--pwned off`); the check's outcome is
/// skipped with [`pwned::OFF_NOTE`]. (The per-account `skipped` status is
/// part of the JSON contract, docs/json.md.)
fn mark_skipped(ctx: &Context, facts: &mut Facts) {
    for slot in facts.pwned.iter_mut().take(ctx.accounts.len()) {
        *slot = Some(PwnedResult::new(
            PwnedStatus::Skipped,
            None,
            Some("--pwned off".into()),
        ));
    }
}

/// Distinct hashes grouped by prefix: one batch per prefix (in prefix
/// order, each with its suffixes in order), and the accounts that use each
/// password. A password that could not be decoded exactly
/// (`password_inexact`) is never hashed: its hash would be of other bytes
/// than the real password's.
///
/// The hashes are sorted in one flat zeroizing list (not a map of maps with
/// a node per password), and every list that holds a suffix is sized once,
/// so no copy of a hash is left in freed memory unwiped.
fn group(ctx: &Context) -> (Vec<Batch>, Owners) {
    // Hashed in place (no intermediate buffers left unwiped); slots of
    // accounts without a password to look up keep `usize::MAX` and are
    // dropped before sorting.
    let mut hashed: Zeroizing<Vec<([u8; 20], usize)>> =
        Zeroizing::new(vec![([0; 20], usize::MAX); ctx.accounts.len()]);
    hashed.par_iter_mut().enumerate().for_each(|(i, slot)| {
        let e = ctx.entry(i);
        if let (None, Some(p)) = (e.password_inexact(), e.password()) {
            *slot = (*PasswordHash::of(p).bytes(), i);
        }
    });
    hashed.retain(|&(_, i)| i != usize::MAX);
    // The byte order of a hash is the order of its (prefix, suffix).
    hashed.par_sort_unstable();
    let mut batches: Vec<Batch> = Vec::new();
    let mut owners = Owners {
        accounts: Vec::with_capacity(hashed.len()),
        ends: Vec::new(),
    };
    let prefix_of = |h: &[u8; 20]| Suffix::split(h).0;
    // One batch per run of equal prefixes.
    for run in hashed.chunk_by(|a, b| prefix_of(&a.0) == prefix_of(&b.0)) {
        let prefix = prefix_of(&run[0].0);
        // One password per run of equal hashes. Sized exactly: a list grown
        // by pushes would leave copies of the suffixes in the buffers it
        // outgrew, freed without being wiped.
        let same = |a: &([u8; 20], usize), b: &([u8; 20], usize)| a.0 == b.0;
        let mut suffixes = Zeroizing::new(Vec::with_capacity(run.chunk_by(same).count()));
        for password in run.chunk_by(same) {
            suffixes.push(Suffix::split(&password[0].0).1);
            owners.accounts.extend(password.iter().map(|(_, i)| *i));
            owners.ends.push(owners.accounts.len());
        }
        batches.push(Batch { prefix, suffixes });
    }
    (batches, owners)
}

/// Who uses each distinct password [`group`] found: the accounts of the
/// `k`-th suffix over all batches (in order) are
/// `accounts[ends[k - 1]..ends[k]]`, in account order.
struct Owners {
    accounts: Vec<usize>,
    ends: Vec<usize>,
}

impl Owners {
    /// The accounts of each suffix of the next batch of `n` suffixes,
    /// starting at the `k`-th suffix overall; moves `k` past them.
    fn next_batch(&self, k: &mut usize, n: usize) -> impl Iterator<Item = &[usize]> {
        let first = *k;
        *k += n;
        (first..first + n).map(move |j| {
            let start = if j == 0 { 0 } else { self.ends[j - 1] };
            &self.accounts[start..self.ends[j]]
        })
    }
}

fn finding(ctx: &Context, i: usize, count: u64) -> Draft {
    let severity = if count >= CRITICAL_COUNT {
        Severity::Critical
    } else {
        Severity::High
    };
    let times = if count == 1 {
        "once".to_owned()
    } else {
        format!("{count} times")
    };
    let mut d = Draft::new(
        FindingKind::Pwned,
        severity,
        vec![i],
        format!(
            "{}: this password appears {times} in known data breaches (Have I Been Pwned). Attackers try breached passwords first: change it to a new, unique one.",
            ctx.label(i)
        ),
    );
    d.details = Some(Details::Pwned(PwnedDetails { count }));
    d
}

/// Longest account label in the note, in characters.
const LABEL_MAX: usize = 40;

/// An account as the table names it: `member: title`, sanitised for the
/// terminal and truncated.
fn note_label(ctx: &Context, i: usize) -> String {
    let text = crate::sanitize::terminal(&format!("{}: {}", ctx.member(i), ctx.label(i)));
    if text.chars().count() > LABEL_MAX {
        let cut: String = text.chars().take(LABEL_MAX - 1).collect();
        format!("{cut}…")
    } else {
        text
    }
}

/// Names the unknown accounts as the table does (`member: title`) and why,
/// grouped by reason.
fn incomplete_note(ctx: &Context, unknown: &BTreeMap<String, Vec<usize>>, total: usize) -> String {
    let n: usize = unknown.values().map(Vec::len).sum();
    let parts: Vec<String> = unknown
        .iter()
        .map(|(why, accounts)| {
            let mut ids: Vec<String> = accounts
                .iter()
                .take(20)
                .map(|&i| note_label(ctx, i))
                .collect();
            if accounts.len() > 20 {
                ids.push(format!("and {} more", accounts.len() - 20));
            }
            format!("{} ({why})", ids.join(", "))
        })
        .collect();
    format!(
        "{n} of {total} account(s) could not be checked and are unknown, not safe: {}",
        parts.join("; ")
    )
}

pub fn run(ctx: &Context, facts: &mut Facts) -> Outcome {
    let settings = ctx.pwned;
    if settings.is_off() {
        mark_skipped(ctx, facts);
        return Outcome::skipped(crate::pwned::OFF_NOTE);
    }
    let (batches, owners) = group(ctx);
    ctx.progress.start("pwned", batches.len() as u64);
    let results = pwned::lookup(settings, &batches, ctx.progress);
    ctx.progress.finish();
    let results = match results {
        Ok(r) => r,
        Err(e) => {
            let why = e.to_string();
            batches
                .iter()
                .map(|_| Err(pwned::LookupError::Unavailable(why.clone())))
                .collect()
        }
    };

    let mut findings = Vec::new();
    let mut unknown: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for i in 0..ctx.accounts.len() {
        let e = ctx.entry(i);
        if let (Some(why), Some(_)) = (e.password_inexact(), e.password()) {
            let why = format!("not looked up: {why}");
            facts.pwned[i] = Some(PwnedResult::new(
                PwnedStatus::Unknown,
                None,
                Some(why.clone().into()),
            ));
            unknown.entry(why).or_default().push(i);
        }
    }
    let mut k = 0;
    for (result, batch) in results.into_iter().zip(&batches) {
        let who = owners.next_batch(&mut k, batch.suffixes.len());
        match result {
            Ok(counts) => {
                for (count, accounts) in counts.into_iter().zip(who) {
                    for &i in accounts {
                        if count > 0 {
                            facts.pwned[i] =
                                Some(PwnedResult::new(PwnedStatus::Exposed, Some(count), None));
                            findings.push(finding(ctx, i, count));
                        } else {
                            facts.pwned[i] =
                                Some(PwnedResult::new(PwnedStatus::NotFound, Some(0), None));
                        }
                    }
                }
            }
            Err(e) => {
                let why = e.to_string();
                for &i in who.flatten() {
                    facts.pwned[i] = Some(PwnedResult::new(
                        PwnedStatus::Unknown,
                        None,
                        Some(why.clone().into()),
                    ));
                    unknown.entry(why.clone()).or_default().push(i);
                }
            }
        }
    }
    for list in unknown.values_mut() {
        list.sort_unstable();
    }
    Outcome {
        findings,
        incomplete: (!unknown.is_empty())
            .then(|| incomplete_note(ctx, &unknown, ctx.accounts.len())),
        ..Outcome::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_lookups_that_completed_read_as_exposed_or_not() {
        let r = |status| PwnedResult::new(status, None, None);
        assert_eq!(r(PwnedStatus::Exposed).exposed(), Some(true));
        assert_eq!(r(PwnedStatus::NotFound).exposed(), Some(false));
        assert_eq!(
            r(PwnedStatus::Unknown).exposed(),
            None,
            "unknown is never safe"
        );
        assert_eq!(r(PwnedStatus::Skipped).exposed(), None);
    }
    use crate::model::{Entry, EntryKind, Secret, Source, Vault};
    use crate::pwned::PwnedSettings;
    use crate::pwned::{Range, SourceChoice};
    use std::io::Write;

    fn vault(passwords: &[&str]) -> Vault {
        let mut v = Vault::default();
        v.sources.push(Source {
            path: "x.csv".into(),
            member: "x".into(),
            format: "generic",
            format_name: "generic",
            capabilities: crate::model::Capabilities {
                notes: false,
                custom_fields: false,
                totp: false,
                attachments: false,
                history: false,
                passkeys: false,
            },
            rows: passwords.len(),
            skipped: vec![],
            deleted: 0,
            warnings: vec![],
            ..Default::default()
        });
        for (k, p) in passwords.iter().enumerate() {
            let mut e = Entry::new(EntryKind::Login, k as u64 + 2);
            e.title = format!("site{k}");
            e.password = Some(Secret::new(*p));
            v.entries.push(e);
        }
        v
    }

    fn run_with(v: &Vault, settings: &PwnedSettings) -> (Outcome, Facts) {
        let accounts = v.account_indices();
        let ctx = Context {
            pwned: settings,
            ..Context::for_tests(v, &accounts)
        };
        let mut facts = Facts::new(accounts.len());
        let out = run(&ctx, &mut facts);
        (out, facts)
    }

    #[test]
    fn group_orders_batches_and_gives_each_password_its_accounts() {
        // 6,000 passwords, some used twice or three times; with 2^20
        // prefixes, several prefixes hold more than one password.
        let passwords: Vec<String> = (0..6000)
            .map(|k: usize| format!("pw-{}", k.wrapping_mul(7919) % 5200))
            .collect();
        let refs: Vec<&str> = passwords.iter().map(String::as_str).collect();
        let v = vault(&refs);
        let accounts = v.account_indices();
        let ctx = Context::for_tests(&v, &accounts);
        let (batches, owners) = group(&ctx);

        let mut want: BTreeMap<[u8; 20], Vec<usize>> = BTreeMap::new();
        for (i, p) in passwords.iter().enumerate() {
            want.entry(*PasswordHash::of(p).bytes())
                .or_default()
                .push(i);
        }
        let mut got: Vec<([u8; 20], Vec<usize>)> = Vec::new();
        let mut k = 0;
        for b in &batches {
            for (s, who) in b
                .suffixes
                .iter()
                .zip(owners.next_batch(&mut k, b.suffixes.len()))
            {
                got.push((s.full_hash(b.prefix), who.to_vec()));
            }
        }
        assert_eq!(k, owners.ends.len());
        assert_eq!(got, want.into_iter().collect::<Vec<_>>());
        assert!(batches.windows(2).all(|w| w[0].prefix < w[1].prefix));
        // Never grown: no outgrown buffer held a suffix.
        assert!(
            batches
                .iter()
                .all(|b| b.suffixes.capacity() == b.suffixes.len())
        );
        assert!(
            batches.iter().any(|b| b.suffixes.len() > 1),
            "some prefix should hold two passwords"
        );
    }

    #[test]
    fn dataset_lookups_set_status_count_and_severity() {
        let dir = tempfile::tempdir().unwrap();
        let rows = [("password", 9_000_000u64), ("hunter2", 12)];
        for (p, n) in rows {
            let h = PasswordHash::of(p);
            let mut body = Vec::new();
            Range::from_rows(vec![(h.suffix(), n)]).write_body(&mut body, Some(30));
            std::fs::write(dir.path().join(format!("{}.txt", h.prefix())), body).unwrap();
        }
        // The absent password's prefix has rows (every prefix does), not its suffix.
        let absent = PasswordHash::of("correct horse battery staple");
        let mut other = absent.suffix();
        other.0[17] ^= 1;
        let mut body = Vec::new();
        Range::from_rows(vec![(other, 5)]).write_body(&mut body, Some(30));
        std::fs::write(dir.path().join(format!("{}.txt", absent.prefix())), body).unwrap();
        let settings = PwnedSettings {
            source: SourceChoice::Dataset {
                path: dir.path().to_owned(),
            },
            ..Default::default()
        };
        let v = vault(&[
            "password",
            "hunter2",
            "correct horse battery staple",
            "password",
            "no file",
        ]);
        let (out, facts) = run_with(&v, &settings);
        let status: Vec<_> = facts
            .pwned
            .iter()
            .map(|r| r.as_ref().unwrap().status)
            .collect();
        assert_eq!(
            status,
            [
                PwnedStatus::Exposed,
                PwnedStatus::Exposed,
                PwnedStatus::NotFound,
                PwnedStatus::Exposed,
                PwnedStatus::Unknown
            ]
        );
        assert_eq!(facts.pwned[0].as_ref().unwrap().count, Some(9_000_000));
        assert_eq!(facts.pwned[2].as_ref().unwrap().count, Some(0));
        let mut sev: Vec<_> = out
            .findings
            .iter()
            .map(|f| (f.accounts[0], f.severity))
            .collect();
        sev.sort();
        assert_eq!(
            sev,
            [
                (0, Severity::Critical),
                (1, Severity::High),
                (3, Severity::Critical)
            ]
        );
        let note = out.incomplete.unwrap();
        assert!(
            note.starts_with("1 of 5 account(s)") && note.contains("x: site4 ("),
            "{note}"
        );
        let json = serde_json::to_string(&facts.pwned).unwrap().to_uppercase();
        let full = sha1_hex("password");
        assert!(!json.contains(&full[5..20]), "{json}");
    }

    #[test]
    fn an_inexact_password_is_never_looked_up() {
        // The dataset has the replaced text as breached: looking it up would
        // answer for other bytes than the real password's.
        let dir = tempfile::tempdir().unwrap();
        let replaced = "contras\u{FFFD}a";
        let h = PasswordHash::of(replaced);
        let mut body = Vec::new();
        Range::from_rows(vec![(h.suffix(), 77)]).write_body(&mut body, None);
        std::fs::write(dir.path().join(format!("{}.txt", h.prefix())), body).unwrap();
        let settings = PwnedSettings {
            source: SourceChoice::Dataset {
                path: dir.path().to_owned(),
            },
            ..Default::default()
        };
        let mut v = vault(&[replaced, replaced]);
        v.entries[0].set_password_inexact(Some("bytes invalid in UTF-8 were replaced".into()));
        v.entries[0].title = format!("\x1b]52;c;x\x07{}", "long title ".repeat(10));
        let (out, facts) = run_with(&v, &settings);
        let r = facts.pwned[0].as_ref().unwrap();
        assert_eq!(r.status, PwnedStatus::Unknown);
        assert!(
            r.reason.as_deref().unwrap().contains("were replaced"),
            "{r:?}"
        );
        assert_eq!(facts.pwned[1].as_ref().unwrap().count, Some(77));
        assert_eq!(
            out.findings.len(),
            1,
            "only the exact password is a finding"
        );
        let note = out.incomplete.unwrap();
        assert!(note.starts_with("1 of 2 account(s)"), "{note}");
        assert!(note.contains("x: ") && note.contains('…'), "{note}");
        assert!(!note.contains('\x1b') && !note.contains('\x07'), "{note}");
    }

    #[test]
    fn off_marks_every_account_skipped() {
        let settings = PwnedSettings {
            source: SourceChoice::Off,
            ..Default::default()
        };
        let (out, facts) = run_with(&vault(&["a", "b"]), &settings);
        assert!(out.findings.is_empty() && out.incomplete.is_none());
        assert!(
            facts
                .pwned
                .iter()
                .all(|r| r.as_ref().unwrap().status == PwnedStatus::Skipped)
        );
    }

    #[test]
    fn an_unreadable_source_leaves_everything_unknown() {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        writeln!(f, "{}:1", "A".repeat(32)).unwrap();
        let settings = PwnedSettings {
            source: SourceChoice::Dataset {
                path: f.path().to_owned(),
            },
            ..Default::default()
        };
        let (out, facts) = run_with(&vault(&["a", "b"]), &settings);
        assert!(
            facts
                .pwned
                .iter()
                .all(|r| r.as_ref().unwrap().status == PwnedStatus::Unknown)
        );
        assert!(out.incomplete.unwrap().contains("NTLM"));
    }

    fn sha1_hex(p: &str) -> String {
        use sha1::Digest;
        hex::encode_upper(sha1::Sha1::digest(p.as_bytes()))
    }
}
