//! `weak`: how guessable each password is, by zxcvbn (Wheeler, USENIX
//! Security 2016): a score from 0 (guessed in under a thousand tries) to 4
//! (over 10¹⁰ guesses), the estimated guesses, the time an offline attacker
//! with a slow hash (10⁴ guesses a second) would need, and zxcvbn's warning
//! and suggestions.
//!
//! The account's own context counts as known to the attacker: its username,
//! the local part of an email address and its words, the site's title, name
//! and domain are given to zxcvbn as user inputs, so `alice2024` scores lower
//! on alice's account.
//!
//! Findings: score 0 or 1 is high, 2 is medium, 3 and 4 are fine.
//!
//! Bounded time: zxcvbn's matching work grows with the square of the length
//! (every substring is looked up) times the number of look-alike tables it
//! tries (the product, over letters, of the look-alike characters present:
//! `4@({[<1!|7$5+` gives 288 tables). With zxcvbn 3.1.1 as published, a
//! crafted 64-character password full of look-alikes took a quarter of a
//! second (the vendored copy is faster, but the tables still multiply). So
//! zxcvbn sees a prefix: the
//! first [`SCORED_CHARS`] characters (zxcvbn alone would take 100), cut
//! further while `length² × tables` exceeds the work of a 64-character
//! password with 8 tables ([`WORK_BUDGET`]), but never below
//! [`MIN_SCORED_CHARS`] characters. A password is at least as hard to guess
//! as its prefix, so the score can only be understated, and `cut_for_scoring`
//! in the report says when it happened (a boolean: the number of characters
//! scored would tell the password's length) (none of 2,000 random 12–32
//! character passwords was cut). User inputs are capped at 64 characters.
//! BENCHMARKS.md has the timings of the worst crafted inputs.
//!
//! zxcvbn is vendored (`vendor/zxcvbn`): the crates.io 3.1.1 release with a
//! faster matcher and scorer and deterministic ties, checked against the
//! release by `tests/suite/zxcvbn_equivalence.rs` (see `vendor/zxcvbn/VAULTLINT.md`).

use crate::report::Fixed;
pub use crate::report::Strength;
use rayon::prelude::*;
use std::borrow::Borrow;
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use super::{Context, Draft, Facts, FindingKind, Outcome};
use crate::report::Severity;
use crate::report::details::{Details, WeakDetails};
use crate::site;

/// Most characters of a password (and of each user input) zxcvbn sees.
pub const SCORED_CHARS: usize = 64;

/// The look-alike prefix cut never goes below this many characters.
pub const MIN_SCORED_CHARS: usize = 12;

/// Matching work allowed per password: `length² × look-alike tables` of a
/// 64-character password with 8 tables.
pub const WORK_BUDGET: u64 = 64 * 64 * 8;

/// zxcvbn's look-alike table (zxcvbn 3.x, `L33T_TABLE`): for each letter,
/// the characters that may stand for it.
const LOOK_ALIKES: [&str; 12] = [
    "4@", "8", "({[<", "3", "69", "1!|", "1|7", "0", "$5", "+7", "%", "2",
];

/// At most this many user inputs per account.
const MAX_USER_INPUTS: usize = 16;

/// The first `max` characters of `s`.
fn prefix(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((at, _)) => &s[..at],
        None => s,
    }
}

/// How many look-alike tables zxcvbn tries on `chars`: the product, over
/// letters, of how many of its look-alike characters occur.
fn look_alike_tables(chars: &[char]) -> u64 {
    LOOK_ALIKES
        .iter()
        .map(|subs| subs.chars().filter(|c| chars.contains(c)).count().max(1) as u64)
        .product()
}

/// How many leading characters of `password` are scored (see the module doc).
pub fn scored_len(password: &str) -> usize {
    let chars: Vec<char> = password.chars().take(SCORED_CHARS).collect();
    let mut n = chars.len();
    while n > MIN_SCORED_CHARS && (n * n) as u64 * look_alike_tables(&chars[..n]) > WORK_BUDGET {
        n -= 1;
    }
    n
}

/// Words of the account's context an attacker would try: username, email
/// local part and its words, title and its words, domain and site name.
pub fn user_inputs(username: &str, title: &str, domain: Option<&str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut add = |s: &str| {
        let s = prefix(s.trim(), SCORED_CHARS).to_lowercase();
        if s.chars().count() >= 3 && !out.contains(&s) && out.len() < MAX_USER_INPUTS {
            out.push(s);
        }
    };
    let words = |s: &str| -> Vec<String> {
        s.split(|c: char| !c.is_alphanumeric())
            .map(str::to_owned)
            .collect()
    };
    let local = username.split('@').next().unwrap_or(username);
    add(username);
    add(local);
    for w in words(local) {
        add(&w);
    }
    add(title);
    for w in words(title) {
        add(&w);
    }
    if let Some(d) = domain {
        add(d);
        add(site::brand(d));
    }
    out
}

/// The one copy of `value` in `set`, made by `make` on first use.
fn interned<T, H>(set: &Mutex<BTreeSet<H>>, value: &T, make: impl FnOnce() -> H) -> H
where
    T: Ord + ?Sized,
    H: Ord + Clone + Borrow<T>,
{
    let mut set = set.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(h) = set.get(value) {
        return h.clone();
    }
    let h = make();
    set.insert(h.clone());
    h
}

/// One of zxcvbn's fixed texts (a warning, a suggestion, a crack time such
/// as "3 hours": a few hundred in all), stored once per process and shared
/// by every account that gets it (issue 15: a copy per account was tens of
/// MiB at 200,000 accounts). The set is bounded by zxcvbn's wording, so what
/// is leaked into it is too.
fn fixed(text: String) -> Fixed {
    static TEXTS: Mutex<BTreeSet<&'static str>> = Mutex::new(BTreeSet::new());
    Fixed::Borrowed(interned(&TEXTS, text.as_str(), || {
        Box::leak(text.clone().into_boxed_str())
    }))
}

/// A list of zxcvbn's suggestions, stored once per process like [`fixed`]
/// (a few dozen combinations in all) and shared by every password that gets
/// it.
fn fixed_list(list: Vec<Fixed>) -> Arc<[Fixed]> {
    static LISTS: Mutex<BTreeSet<Arc<[Fixed]>>> = Mutex::new(BTreeSet::new());
    interned(&LISTS, list.as_slice(), || Arc::from(list.as_slice()))
}

/// Scores `password` with zxcvbn, the account's context as user inputs.
pub fn strength(password: &str, user_inputs: &[String]) -> Strength {
    let scored = prefix(password, scored_len(password));
    let inputs: Vec<&str> = user_inputs.iter().map(String::as_str).collect();
    let entropy = zxcvbn::zxcvbn(scored, &inputs);
    let times = entropy.crack_times();
    let slow = times.offline_slow_hashing_1e4_per_second();
    let seconds = times.guesses() as f64 / 1e4;
    let log10 = entropy.guesses_log10();
    let feedback = entropy.feedback();
    Strength {
        score: u8::from(entropy.score()),
        guesses_log10: if log10.is_finite() {
            (log10 * 100.0).round() / 100.0
        } else {
            0.0
        },
        crack_time: fixed(slow.to_string()),
        crack_time_seconds: seconds,
        warning: feedback
            .and_then(|f| f.warning())
            .map(|w| fixed(w.to_string())),
        suggestions: fixed_list(
            feedback
                .map(|f| {
                    f.suggestions()
                        .iter()
                        .map(|s| fixed(s.to_string()))
                        .collect()
                })
                .unwrap_or_default(),
        ),
        cut_for_scoring: scored.len() < password.len(),
    }
}

/// The severity of a score under the default policy.
pub fn severity(score: u8) -> Option<Severity> {
    match score {
        0 | 1 => Some(Severity::High),
        2 => Some(Severity::Medium),
        _ => None,
    }
}

/// The letters zxcvbn's look-alike table lets each of [`LOOK_ALIKES`] stand for.
const LOOK_ALIKE_LETTERS: [char; 12] = ['a', 'b', 'c', 'e', 'g', 'i', 'l', 'o', 's', 't', 'x', 'z'];

/// Whether any of `inputs` could be matched in `password` by zxcvbn.
/// zxcvbn matches a user input only as a whole (lowercased) word equal to a
/// substring of the password lowercased, reversed, or with look-alikes
/// replaced by letters: every character of such an input is a character of
/// the password, of its lowercase or a letter a look-alike in it stands
/// for. When no input passes that test, zxcvbn's result is the one without
/// user inputs (`tests::inputs_that_cannot_match_change_nothing`), which
/// accounts with the same password can then share.
fn inputs_may_match(password: &str, inputs: &[String]) -> bool {
    if inputs.is_empty() {
        return false;
    }
    let mut chars: Vec<char> = Vec::with_capacity(2 * password.len());
    for c in password.chars() {
        chars.push(c);
        chars.extend(c.to_lowercase());
        if c == 'Σ' {
            // the lowercase of a final sigma depends on what follows it
            chars.extend(['σ', 'ς']);
        }
        for (subs, &letter) in LOOK_ALIKES.iter().zip(&LOOK_ALIKE_LETTERS) {
            if subs.contains(c) {
                chars.push(letter);
            }
        }
    }
    chars.sort_unstable();
    chars.dedup();
    inputs
        .iter()
        .any(|input| input.chars().all(|c| chars.binary_search(&c).is_ok()))
}

/// An account's password, and its user inputs when they may change its score.
type Wanted<'a> = (&'a str, Option<Vec<String>>);

pub fn run(ctx: &Context, facts: &mut Facts) -> Outcome {
    let n = ctx.accounts.len();
    // Each account's password and, when one of them could matter, its
    // user inputs (in parallel).
    let wanted: Vec<Option<Wanted>> = (0..n)
        .into_par_iter()
        .with_min_len(64)
        .map(|i| {
            let e = ctx.entry(i);
            let password = e.password()?;
            let domain = e.urls.iter().find_map(|u| site::of_url(u));
            let inputs = user_inputs(&e.username, &e.title, domain.as_deref());
            let scored = prefix(password, scored_len(password));
            Some((
                password,
                inputs_may_match(scored, &inputs).then_some(inputs),
            ))
        })
        .collect();
    // zxcvbn runs once per password whose account context cannot change
    // its score, and once per account whose context may (issue 15).
    // Jobs in account order (zxcvbn then reads the passwords in the order
    // they were imported), each shared password's job made at its first
    // account: no map of the passwords. (An account is in a run exactly
    // when it has a password, as it has a `wanted` entry: both ask
    // `Entry::password`.)
    let same = ctx.same_passwords();
    let mut run_of = vec![0u32; n];
    for (k, run) in same.runs().enumerate() {
        for &i in run {
            run_of[i as usize] = k as u32;
        }
    }
    let mut job_of_run: Vec<Option<usize>> = vec![None; same.len()];
    let mut jobs: Vec<(&str, &[String])> = Vec::with_capacity(same.len());
    let job_of: Vec<Option<usize>> = wanted
        .iter()
        .zip(&run_of)
        .map(|(w, &k)| {
            let (password, inputs) = w.as_ref()?;
            Some(match inputs {
                Some(inputs) => {
                    jobs.push((password, inputs));
                    jobs.len() - 1
                }
                None => *job_of_run[k as usize].get_or_insert_with(|| {
                    jobs.push((password, &[]));
                    jobs.len() - 1
                }),
            })
        })
        .collect();
    drop((run_of, job_of_run));
    ctx.progress.start("strength", jobs.len() as u64);
    // one score per job, shared by the accounts of the job
    let scored: Vec<Arc<Strength>> = jobs
        .par_iter()
        .with_min_len(16)
        .map(|(password, inputs)| {
            let s = Arc::new(strength(password, inputs));
            ctx.progress.advance(1);
            s
        })
        .collect();
    ctx.progress.finish();
    drop(jobs);
    let results = job_of.into_iter().map(|k| k.map(|k| scored[k].clone()));

    let mut findings = Vec::new();
    for (i, s) in results.enumerate() {
        let Some(s) = s else { continue };
        if let Some(severity) = severity(s.score) {
            let warning = s
                .warning
                .as_deref()
                .map(|w| format!(" {w}"))
                .unwrap_or_default();
            let time = match &*s.crack_time {
                t @ ("less than a second" | "centuries") => t.to_owned(),
                t => format!("about {t}"),
            };
            let mut d = Draft::new(
                FindingKind::Weak,
                severity,
                vec![i],
                format!(
                    "{}: weak password (strength {} of 4; an offline attacker needs {time}).{warning} Replace it with a generated password.",
                    ctx.label(i),
                    s.score,
                ),
            );
            d.details = Some(Details::Weak(WeakDetails {
                crack_time: s.crack_time.to_string(),
                guesses_log10: s.guesses_log10,
                score: s.score,
                warning: s.warning.as_deref().map(str::to_owned),
            }));
            findings.push(d);
        }
        facts.strength[i] = Some(s);
    }
    Outcome {
        findings,
        incomplete: None,
        ..Outcome::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_and_feedback() {
        let weak = strength("monkey1", &[]);
        assert!(weak.score <= 1, "{weak:?}");
        assert!(weak.warning.is_some() || !weak.suggestions.is_empty());
        assert_eq!(severity(weak.score), Some(Severity::High));
        let strong = strength("n7#Vq2!pLz@9Rw$e", &[]);
        assert_eq!(strong.score, 4);
        assert!(strong.guesses_log10 > 10.0);
        assert_eq!(severity(strong.score), None);
        assert!(!strong.cut_for_scoring);
        assert!(!strong.crack_time.is_empty());
    }

    #[test]
    fn the_accounts_context_lowers_the_score() {
        let inputs = user_inputs("alice.mercer@gmail.com", "GitHub", Some("github.com"));
        assert!(inputs.contains(&"alice".to_owned()), "{inputs:?}");
        assert!(inputs.contains(&"github".to_owned()), "{inputs:?}");
        let alone = strength("alice2024mercer", &[]);
        let in_context = strength("alice2024mercer", &inputs);
        assert!(
            in_context.guesses_log10 < alone.guesses_log10,
            "{in_context:?} vs {alone:?}"
        );
    }

    #[test]
    fn user_inputs_are_bounded() {
        let long = "x".repeat(500);
        let many: String = (0..100).map(|i| format!("word{i:03} ")).collect();
        let inputs = user_inputs(&long, &many, Some("example.com"));
        assert!(inputs.len() <= MAX_USER_INPUTS);
        assert!(inputs.iter().all(|s| s.chars().count() <= SCORED_CHARS));
    }

    /// Crafted inputs are scored on a prefix whose matching work is within
    /// the budget, and get exactly the result of that prefix (the time bound
    /// follows; BENCHMARKS.md has the timings).
    #[test]
    fn crafted_inputs_are_scored_on_a_bounded_prefix() {
        let crafted = [
            // (password, characters scored)
            ("a".repeat(300), 64),
            ("P@ssw0rd".repeat(30), 64),
            ("1!|".repeat(60), 64),           // 6 tables: i (1 ! |) × l (1 |)
            ("4@3$5071!|".repeat(20), 30),    // 36 tables: 30² × 36 ≤ budget
            ("4@({[<1!|7$5+".repeat(20), 12), // 288 tables: the floor
            ("4@8({[<36910!|7$5+%2".repeat(10), 15), // 144 tables in 15
        ];
        for (pw, chars) in &crafted {
            let n = scored_len(pw);
            assert_eq!(n, *chars, "{pw}");
            let s = strength(pw, &[]);
            assert!(s.cut_for_scoring, "{pw}");
            let all: Vec<char> = pw.chars().collect();
            let work = |n: usize| (n * n) as u64 * look_alike_tables(&all[..n]);
            assert!(n == MIN_SCORED_CHARS || work(n) <= WORK_BUDGET, "{pw}");
            assert!(
                n == SCORED_CHARS || work(n + 1) > WORK_BUDGET,
                "{pw}: longest"
            );
            let direct = strength(&all[..n].iter().collect::<String>(), &[]);
            assert!(!direct.cut_for_scoring);
            assert_eq!(
                Strength {
                    cut_for_scoring: true,
                    ..direct
                },
                s
            );
        }
        // Manager-generated passwords are scored whole.
        assert_eq!(scored_len("wrRAyma!@Qb^Y4S%jSAgQDrtmlA$*sSR"), 32);
        let short = strength("Summer2022!", &[]);
        assert!(!short.cut_for_scoring);
        assert_eq!(scored_len("Summer2022!"), 11);
        assert_eq!(prefix("héllo", 2), "hé");
        assert_eq!(prefix("hé", 5), "hé");
    }

    #[test]
    fn inputs_that_could_match_are_seen() {
        let alice = user_inputs("alice.mercer@gmail.com", "GitHub", Some("github.com"));
        assert!(inputs_may_match("alice2024mercer", &alice));
        assert!(inputs_may_match("ALICE!", &alice), "uppercase");
        assert!(inputs_may_match("ecila99", &alice), "reversed");
        assert!(inputs_may_match("4l1c3#", &alice), "look-alikes");
        assert!(inputs_may_match("G1tHub", &alice));
        assert!(!inputs_may_match("VLndyk1sxynJQpQc", &alice));
        assert!(!inputs_may_match("banana869", &alice));
        assert!(!inputs_may_match("banana869", &[]));
    }

    /// The premise of sharing a score between accounts with the same
    /// password: when no user input can match, they change nothing. The
    /// passwords mix the accounts' own words, look-alikes, case changes
    /// and reversals with other words, so that both sides of the test occur.
    #[test]
    fn inputs_that_cannot_match_change_nothing() {
        let contexts = [
            ("alice.mercer@gmail.com", "GitHub", Some("github.com")),
            ("piano868", "Video 0", Some("video0.example.com")),
            ("bob", "Σίσυφος Bank", Some("bank.example")),
            ("İstanbul", "DİŞ", None),
        ];
        let passwords = [
            "alice2024mercer",
            "4l1c3Mercer!",
            "recremecila",
            "VLndyl1sxynJcpQc",
            "banana869",
            "piano868",
            "0nai9",
            "Summer2022!",
            "g1thub",
            "ΣΊΣΥΦΟΣ",
            "σίσυφος1",
            "istanbul",
            "İSTANBUL",
            "dİş2024",
            "P@ssw0rd",
            "correcthorsebatterystaple",
            "vid3o0",
            "mercer",
        ];
        let (mut same, mut different) = (0, 0);
        for (username, title, domain) in contexts {
            let inputs = user_inputs(username, title, domain);
            for password in passwords {
                let alone = strength(password, &[]);
                let in_context = strength(password, &inputs);
                if !inputs_may_match(password, &inputs) {
                    assert_eq!(alone, in_context, "{password} / {inputs:?}");
                    same += 1;
                } else if alone != in_context {
                    different += 1;
                }
            }
        }
        assert!(same > 20 && different > 5, "{same} {different}");
    }

    /// The check scores each account as `strength(password, its inputs)`
    /// would, sharing scores between accounts with the same password.
    #[test]
    fn the_check_gives_each_account_its_own_score() {
        use crate::model::{Entry, EntryKind, Secret, Source, Vault};
        let rows = [
            ("alice", "GitHub", "https://github.com", "alice2024"),
            ("bob", "GitHub", "https://github.com", "alice2024"),
            ("bob", "Mail", "https://mail.example", "alice2024"),
            ("carol", "Shop", "https://shop.example", "banana869"),
            ("dan", "Bank", "https://bank.example", "banana869"),
            ("banana", "Bank", "https://bank.example", "banana869"),
            ("erin", "Forum", "https://forum.example", "VLndyl1sxynJcpQc"),
            ("frank", "Forum", "https://forum.example", ""),
        ];
        let entries: Vec<Entry> = rows
            .iter()
            .map(|(user, title, url, password)| {
                let mut e = Entry::new(EntryKind::Login, 1);
                e.username = (*user).into();
                e.title = (*title).into();
                e.urls = vec![(*url).into()];
                e.password = Some(Secret::new(*password));
                e
            })
            .collect();
        let vault = Vault {
            sources: vec![Source::default()],
            entries,
        };
        let accounts = vault.account_indices();
        let ctx = Context::for_tests(&vault, &accounts);
        let mut facts = Facts::new(accounts.len());
        run(&ctx, &mut facts);
        for (i, e) in ctx.iter() {
            let want = e.password().map(|p| {
                let domain = e.urls.iter().find_map(|u| site::of_url(u));
                strength(p, &user_inputs(&e.username, &e.title, domain.as_deref()))
            });
            assert_eq!(facts.strength[i].as_deref(), want.as_ref(), "account {i}");
        }
        // alice's and banana's own names lower their scores
        assert!(facts.strength[0] != facts.strength[1]);
        assert!(facts.strength[5] != facts.strength[3]);
    }

    mod any_text {
        use super::*;
        use proptest::prelude::*;

        /// Characters that change length or shape when lowercased, combining
        /// marks, wide characters, controls and look-alikes: what could trip
        /// zxcvbn's character indexing.
        fn awkward_chars() -> impl Strategy<Value = char> {
            prop_oneof![
                3 => any::<char>(),
                3 => prop::sample::select("İIıǅǄΣσςẞßﬃ\u{301}\u{200d}🙂👨\u{0}\n\t\r".chars().collect::<Vec<_>>()),
                4 => prop::sample::select("4@8({[<3691!|7$5+%2aeiosPASSWORD1990/.-".chars().collect::<Vec<_>>()),
            ]
        }

        fn text(max: usize) -> impl Strategy<Value = String> {
            prop::collection::vec(awkward_chars(), 0..max).prop_map(|v| v.into_iter().collect())
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(3_000))]

            /// No password and no user input, however odd, makes scoring
            /// panic, and the scored prefix is a prefix of the password.
            #[test]
            #[ignore = "slow: run by `cargo test -- --ignored` (CI does)"]
            fn any_text_is_scored_without_panicking(password in text(90), username in text(20)) {
                let inputs = user_inputs(&username, &password, Some("example.com"));
                let s = strength(&password, &inputs);
                prop_assert!(s.score <= 4);
                prop_assert_eq!(s.cut_for_scoring, scored_len(&password) < password.chars().count());
                prop_assert!(s.guesses_log10.is_finite() || password.is_empty());
                // inputs that cannot match change nothing (scores are shared on it)
                if !inputs_may_match(prefix(&password, scored_len(&password)), &inputs) {
                    prop_assert_eq!(s, strength(&password, &[]));
                }
            }
        }
    }

    /// zxcvbn's fixed texts are held once, whichever account they are for.
    #[test]
    fn feedback_texts_are_shared() {
        let a = strength("password1", &[]);
        let b = strength("password1", &["alice".to_owned()]);
        assert_eq!(a, b);
        let (Some(Fixed::Borrowed(wa)), Some(Fixed::Borrowed(wb))) = (&a.warning, &b.warning)
        else {
            panic!("a common password has a warning: {a:?}");
        };
        assert_eq!(wa.as_ptr(), wb.as_ptr());
        assert!(!a.suggestions.is_empty());
        for (x, y) in a.suggestions.iter().zip(b.suggestions.iter()) {
            assert!(
                matches!((x, y), (Fixed::Borrowed(x), Fixed::Borrowed(y)) if x.as_ptr() == y.as_ptr())
            );
        }
        // The list itself is one, too.
        assert!(Arc::ptr_eq(&a.suggestions, &b.suggestions));
        assert!(matches!(
            (&a.crack_time, &b.crack_time),
            (Fixed::Borrowed(x), Fixed::Borrowed(y)) if x.as_ptr() == y.as_ptr()
        ));
        assert_eq!(fixed("3 hours".to_owned()), "3 hours");
        assert_eq!(
            fixed("3 hours".to_owned()).as_ptr(),
            fixed(String::from("3 hours")).as_ptr()
        );
    }
}
