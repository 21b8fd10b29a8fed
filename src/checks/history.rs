//! `history` (history-aware reuse), for exports that keep earlier passwords
//! (KeePass history, Bitwarden `passwordHistory`, 1PUX `passwordHistory`):
//!
//! - `rotation_by_tweak`: an account's current password is one cheap tweak
//!   of its own previous one (`Summer2022!` → `Summer2023!`). Whoever holds
//!   the old password (a breach of that site, an old phishing) gets the new
//!   one within a few guesses: the change protected nothing.
//! - `reuse_with_history`: an account's current password equals, or is a
//!   tweak of, a retired password of another account (the same member's or
//!   another member's). It was in the vault, it was used on that other site,
//!   and it may have been exposed there.
//!
//! Similarity is the near-reuse engine's ([`super::similar::engine`]), and
//! the words that say what changed are its [`super::similar::tweak`] words,
//! which never contain a character of either password. Old passwords are
//! compared, never reported: the findings count and date them only.

use rustc_hash::{FxHashMap as HashMap, FxHashSet};

use serde_json::json;

use super::similar::{engine, tweak};
use super::{Context, Draft, Facts, FindingKind, Outcome};
use crate::report::Severity;

/// Days between two Unix times, if both are known.
fn days(from: Option<i64>, to: i64) -> Option<i64> {
    from.map(|f| (to - f).div_euclid(86_400))
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

pub fn run(ctx: &Context, _facts: &mut Facts) -> Outcome {
    let mut out = Outcome::default();
    // An export that keeps no history (every CSV) cannot show either
    // problem: say so (once) rather than let silence read as "none".
    // One short line: it is shown in every report of a CSV audit.
    // The sources with an audited account, in one pass over the accounts
    // (a scan of them per source was quadratic for a team: 2,000 exports
    // of 500 logins each, issue 15).
    let mut audited = vec![false; ctx.vault.sources.len()];
    for (_, e) in ctx.iter() {
        audited[e.source] = true;
    }
    let without = ctx
        .vault
        .sources
        .iter()
        .zip(&audited)
        .filter(|(src, audited)| !src.capabilities.history && **audited)
        .count();
    if without > 0 {
        out.warnings.push(if without == 1 {
            "1 export keeps no password history: not checked".to_owned()
        } else {
            format!("{without} exports keep no password history: not checked")
        });
    }
    let now = now();
    rotation_by_tweak(ctx, now, &mut out);
    reuse_with_history(ctx, now, &mut out);
    out
}

fn rotation_by_tweak(ctx: &Context, now: i64, out: &mut Outcome) {
    for (i, e) in ctx.iter() {
        let (Some(current), Some(previous)) = (e.password(), e.history().last()) else {
            continue;
        };
        let old = previous.password.expose();
        if old.is_empty() || old == current || !engine::is_similar(old, current) {
            continue;
        }
        let tweaks = tweak::classify(old, current);
        let known = tweaks.iter().any(|t| t.is_known_rule());
        let severity = if known {
            Severity::High
        } else {
            Severity::Medium
        };
        let words = tweak::describe(&tweaks);
        let mut draft = Draft::new(
            FindingKind::RotationByTweak,
            severity,
            vec![i],
            format!(
                "{}: the password was changed to a small tweak of the previous one ({words}). Anyone holding the old password (from a breach of this site or an old phishing) tries such variants first, so the change did not protect the account: change it to a new random password.",
                ctx.label(i)
            ),
        );
        draft.details = Some(
            json!({
                "tweaks": tweaks.iter().map(|t| t.code()).collect::<Vec<_>>(),
                "known_rule": known,
                "history_passwords": e.history().len(),
                "changed_days_ago": days(e.password_changed(), now),
            })
            .into(),
        );
        out.findings.push(draft);
    }
}

/// One retired password of account `owner` (its index in the history).
struct Retired {
    owner: usize,
    date: Option<i64>,
}

fn reuse_with_history(ctx: &Context, now: i64, out: &mut Outcome) {
    // Distinct passwords: every current one and every retired one.
    let mut any_history = false;
    let mut ids: HashMap<&str, u32> = HashMap::default();
    let mut passwords: Vec<&str> = Vec::new();
    let mut current_of: Vec<Vec<usize>> = Vec::new();
    let mut retired_of: Vec<Vec<Retired>> = Vec::new();
    for (i, e) in ctx.iter() {
        if let Some(p) = e.password() {
            let k = intern_into(
                p,
                &mut ids,
                &mut passwords,
                &mut current_of,
                &mut retired_of,
            );
            current_of[k as usize].push(i);
        }
        for h in e.history() {
            let p = h.password.expose();
            if p.is_empty() {
                continue;
            }
            any_history = true;
            let k = intern_into(
                p,
                &mut ids,
                &mut passwords,
                &mut current_of,
                &mut retired_of,
            );
            retired_of[k as usize].push(Retired {
                owner: i,
                date: h.date,
            });
        }
    }
    if !any_history {
        return;
    }
    // Pairs (current account, other account, how): equal, or similar with
    // its tweaks. Each pair of accounts is reported once.
    let mut seen: FxHashSet<(usize, usize)> = FxHashSet::default();
    let mut report = |cur: usize, ret: &Retired, tweaks: Option<Vec<tweak::Tweak>>| {
        if cur == ret.owner || !seen.insert((cur, ret.owner)) {
            return;
        }
        let (severity, how, codes, known) = match &tweaks {
            None => (
                Severity::High,
                "is the same as".to_owned(),
                vec!["identical"],
                true,
            ),
            Some(t) => {
                let known = t.iter().any(|t| t.is_known_rule());
                (
                    if known {
                        Severity::High
                    } else {
                        Severity::Medium
                    },
                    format!("is a small tweak ({}) of", tweak::describe(t)),
                    t.iter().map(|t| t.code()).collect(),
                    known,
                )
            }
        };
        let across = ctx.member(cur) != ctx.member(ret.owner);
        let other = if across {
            format!("{}'s {}", ctx.member(ret.owner), ctx.label(ret.owner))
        } else {
            ctx.label(ret.owner)
        };
        let mut draft = Draft::new(
            FindingKind::ReuseWithHistory,
            severity,
            vec![cur, ret.owner],
            format!(
                "{}: the current password {how} a password {other} used before. It was used on that other site and may have been exposed with it: change {} to a new random password.",
                ctx.label(cur),
                ctx.label(cur)
            ),
        );
        draft.discriminator = format!("{cur}>{}", ret.owner);
        draft.details = Some(
            json!({
                "current": crate::report::account_id(cur),
                "retired_on": crate::report::account_id(ret.owner),
                "match": if tweaks.is_none() { "identical" } else { "tweak" },
                "tweaks": codes,
                "known_rule": known,
                "across_members": across,
                "retired_days_ago": days(ret.date, now),
            })
            .into(),
        );
        out.findings.push(draft);
    };
    // Identical: a password that is current somewhere and retired elsewhere.
    for (k, accounts) in current_of.iter().enumerate() {
        for &cur in accounts {
            for ret in &retired_of[k] {
                report(cur, ret, None);
            }
        }
    }
    // Similar: the engine's pairs between a current and a retired password.
    let graph = engine::similar_graph(&passwords, &|_| {});
    for (a, b) in graph.all_pairs() {
        for (x, y) in [(a, b), (b, a)] {
            let (x, y) = (x as usize, y as usize);
            if current_of[x].is_empty() || retired_of[y].is_empty() {
                continue;
            }
            let tweaks = tweak::classify(passwords[y], passwords[x]);
            for &cur in &current_of[x] {
                for ret in &retired_of[y] {
                    report(cur, ret, Some(tweaks.clone()));
                }
            }
        }
    }
}

fn intern_into<'a>(
    p: &'a str,
    ids: &mut HashMap<&'a str, u32>,
    passwords: &mut Vec<&'a str>,
    current_of: &mut Vec<Vec<usize>>,
    retired_of: &mut Vec<Vec<Retired>>,
) -> u32 {
    *ids.entry(p).or_insert_with(|| {
        passwords.push(p);
        current_of.push(Vec::new());
        retired_of.push(Vec::new());
        (passwords.len() - 1) as u32
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Entry, EntryKind, OldPassword, Secret, Source, Vault};

    fn login(source: usize, title: &str, password: &str, history: &[&str]) -> Entry {
        let mut e = Entry::new(EntryKind::Login, 1);
        e.source = source;
        e.title = title.into();
        e.password = Some(Secret::new(password));
        e.extra_mut().history = history
            .iter()
            .map(|p| OldPassword {
                password: Secret::new(*p),
                date: Some(1_600_000_000),
            })
            .collect();
        e
    }

    fn run_on(entries: Vec<Entry>) -> Vec<Draft> {
        let source = |m: &str| Source {
            member: m.into(),
            ..Default::default()
        };
        let vault = Vault {
            sources: vec![source("ann"), source("bob")],
            entries,
        };
        let accounts = vault.account_indices();
        let ctx = Context::for_tests(&vault, &accounts);
        let mut facts = Facts::new(accounts.len());
        run(&ctx, &mut facts).findings
    }

    #[test]
    fn a_tweak_of_the_previous_password_is_rotation_by_tweak() {
        let found = run_on(vec![
            login(0, "GitHub", "Summer2023!", &["Winter2019?", "Summer2022!"]),
            login(0, "Mail", "k8#Qz2!mWp5Lx9Rt", &["a7$Lw3@nXq8Vr2Ty"]),
        ]);
        assert_eq!(found.len(), 1, "{found:?}");
        let f = &found[0];
        assert_eq!(f.kind, FindingKind::RotationByTweak);
        assert_eq!((f.severity, f.accounts.clone()), (Severity::High, vec![0]));
        assert!(f.message.contains("year changed"), "{}", f.message);
        for secret in ["Summer", "2022", "2023"] {
            assert!(
                !f.message.contains(secret)
                    && !f.details.as_ref().unwrap().to_string().contains(secret)
            );
        }
    }

    #[test]
    fn a_retired_password_of_another_account_is_reuse_with_history() {
        let found = run_on(vec![
            login(0, "Bank", "h8Kd-27qp-Zm4x-Tw9e", &["BlueHarbor#2020"]),
            login(0, "Forum", "BlueHarbor#2020", &[]),
            login(1, "Shop", "BlueHarbor#2021", &[]),
            login(1, "Other", "x9!Tq4#Lm2@Wz7Rv", &[]),
        ]);
        let kinds: Vec<_> = found.iter().map(|f| (f.kind, f.accounts.clone())).collect();
        assert_eq!(
            kinds,
            vec![
                (FindingKind::ReuseWithHistory, vec![1, 0]),
                (FindingKind::ReuseWithHistory, vec![2, 0]),
            ]
        );
        let d0 = found[0].details.as_ref().unwrap().to_value();
        assert_eq!(d0["match"], "identical");
        assert_eq!(d0["across_members"], false);
        let d1 = found[1].details.as_ref().unwrap().to_value();
        assert_eq!(d1["match"], "tweak");
        assert_eq!(d1["across_members"], true);
        assert!(
            found[1].message.contains("ann's Bank"),
            "{}",
            found[1].message
        );
        assert!(!found[1].message.contains("BlueHarbor"));
    }

    /// The warning counts the exports without history that hold an
    /// audited account, once each, and no others.
    #[test]
    fn exports_without_history_are_counted_once_each() {
        let warnings = |sources: Vec<Source>, entries: Vec<Entry>| {
            let vault = Vault { sources, entries };
            let accounts = vault.account_indices();
            let ctx = Context::for_tests(&vault, &accounts);
            run(&ctx, &mut Facts::new(accounts.len())).warnings
        };
        let csv = |m: &str| Source {
            member: m.into(),
            ..Default::default()
        };
        let kdbx = |m: &str| {
            let mut s = csv(m);
            s.capabilities.history = true;
            s
        };
        let two = warnings(
            vec![csv("ann"), csv("bob"), csv("cy"), kdbx("dee")],
            vec![
                login(0, "A", "x", &[]),
                login(0, "B", "y", &[]),
                login(2, "C", "z", &[]),
                login(3, "D", "w", &[]),
            ],
        );
        assert_eq!(two, ["2 exports keep no password history: not checked"]);
        let one = warnings(
            vec![csv("ann"), kdbx("bob")],
            vec![login(1, "A", "x", &[]), login(0, "B", "y", &[])],
        );
        assert_eq!(one, ["1 export keeps no password history: not checked"]);
        let none = warnings(vec![csv("ann"), kdbx("bob")], vec![login(1, "A", "x", &[])]);
        assert!(none.is_empty(), "{none:?}");
    }

    #[test]
    fn no_history_no_findings() {
        assert!(
            run_on(vec![
                login(0, "A", "Summer2023!", &[]),
                login(0, "B", "Summer2022!", &[])
            ])
            .is_empty()
        );
    }
}
