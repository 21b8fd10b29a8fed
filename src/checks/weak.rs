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

pub use crate::report::Strength;
use rayon::prelude::*;

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
        crack_time: slow.to_string(),
        crack_time_seconds: seconds,
        warning: feedback.and_then(|f| f.warning()).map(|w| w.to_string()),
        suggestions: feedback
            .map(|f| f.suggestions().iter().map(|s| s.to_string()).collect())
            .unwrap_or_default(),
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

pub fn run(ctx: &Context, facts: &mut Facts) -> Outcome {
    let n = ctx.accounts.len();
    ctx.progress.start("strength", n as u64);
    let results: Vec<Option<Strength>> = (0..n)
        .into_par_iter()
        .with_min_len(16)
        .map(|i| {
            let e = ctx.entry(i);
            let password = e.password()?;
            let domain = e.urls.iter().find_map(|u| site::of_url(u));
            let inputs = user_inputs(&e.username, &e.title, domain.as_deref());
            let s = strength(password, &inputs);
            ctx.progress.advance(1);
            Some(s)
        })
        .collect();
    ctx.progress.finish();

    let mut findings = Vec::new();
    for (i, s) in results.into_iter().enumerate() {
        let Some(s) = s else { continue };
        if let Some(severity) = severity(s.score) {
            let warning = s
                .warning
                .as_deref()
                .map(|w| format!(" {w}"))
                .unwrap_or_default();
            let time = match s.crack_time.as_str() {
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
                crack_time: s.crack_time.clone(),
                guesses_log10: s.guesses_log10,
                score: s.score,
                warning: s.warning.clone(),
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
            }
        }
    }
}
