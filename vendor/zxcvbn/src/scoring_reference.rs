//! vaultlint addition (tests only): the scorer as it was before the
//! issue 15 rewrite (commit bf24042), kept as the oracle the new one must
//! equal on every input (`scoring::tests::the_scorer_equals_the_previous_one`).

use super::MIN_GUESSES_BEFORE_GROWING_SEQUENCE;
use super::{bruteforce_guesses, estimate_guesses, factorial, GuessCalculation};
use crate::matching::patterns::*;
use crate::matching::Match;

type Best = Vec<(usize, u64, u64, Match)>;

pub fn most_guessable_match_sequence(
    password: &str,
    matches: &[crate::matching::Match],
    exclude_additive: bool,
) -> GuessCalculation {
    let n = password.chars().count();

    // partition matches into sublists according to ending index j, and
    // estimate each match's guesses once (vaultlint change: upstream
    // re-estimates a fresh clone for each sequence length).
    let mut matches_by_j: Vec<Vec<Match>> = vec![Vec::new(); n];
    for m in matches {
        let mut m = m.clone();
        estimate_guesses(&mut m, password);
        matches_by_j[m.j].push(m);
    }
    // small detail: for deterministic output, sort each sublist by i.
    for lst in &mut matches_by_j {
        lst.sort_by_key(|m| m.i);
    }

    let mut optimal: Vec<Best> = vec![Vec::new(); n];

    /// helper: considers whether a length-l sequence ending at match m is better (fewer guesses)
    /// than previously encountered sequences, updating state if so.
    ///
    /// vaultlint change: the match is given by its span and guesses, and is
    /// only made (`make`) when it is kept, so the bruteforce candidates,
    /// most of which lose, no longer build their token each.
    fn update(
        (i, k, guesses_m): (usize, usize, u64),
        make: impl FnOnce() -> Match,
        len: usize,
        optimal: &mut [Best],
        exclude_additive: bool,
    ) {
        let mut pi = guesses_m;
        if len > 1 {
            // we're considering a length-l sequence ending with match m:
            // obtain the product term in the minimization function by multiplying m's guesses
            // by the product of the length-(l-1) sequence ending just before m, at m.i - 1.
            let before = optimal[i - 1]
                .iter()
                .find(|b| b.0 == len - 1)
                .expect("a sequence of this length ends before m");
            pi = pi.saturating_mul(before.2);
        }
        // calculate the minimization func
        let mut guesses = (factorial(len) as u64).saturating_mul(pi);
        if !exclude_additive {
            let additive = if len == 1 {
                1
            } else {
                (2..len).fold(MIN_GUESSES_BEFORE_GROWING_SEQUENCE, |acc, _| {
                    acc.saturating_mul(MIN_GUESSES_BEFORE_GROWING_SEQUENCE)
                })
            };
            guesses = guesses.saturating_add(additive);
        }
        // update state if new best.
        // first see if any competing sequences covering this prefix, with l or fewer matches,
        // fare better than this sequence. if so, skip it and return.
        let best = &mut optimal[k];
        if best
            .iter()
            .any(|&(competing_l, competing_g, _, _)| competing_l <= len && competing_g <= guesses)
        {
            return;
        }
        // this sequence might be part of the final optimal sequence.
        let entry = (len, guesses, pi, make());
        match best.binary_search_by_key(&len, |b| b.0) {
            Ok(at) => best[at] = entry,
            Err(at) => best.insert(at, entry),
        }
    }

    /// helper: evaluate bruteforce matches ending at k.
    fn bruteforce_update(k: usize, password: &str, optimal: &mut [Best], exclude_additive: bool) {
        // see if a single bruteforce match spanning the k-prefix is optimal.
        let n = optimal.len();
        update(
            (0, k, bruteforce_guesses(k + 1, n)),
            || make_bruteforce_match(0, k, password),
            1,
            optimal,
            exclude_additive,
        );
        for i in 1..=k {
            // generate k bruteforce matches, spanning from (i=1, j=k) up to (i=k, j=k).
            // see if adding these new matches to any of the sequences in optimal[i-1]
            // leads to new bests.
            // corner: an optimal sequence will never have two adjacent bruteforce matches.
            // it is strictly better to have a single bruteforce match spanning the same region:
            // same contribution to the guess product with a lower length.
            // --> safe to skip those cases.
            let lengths: Vec<usize> = optimal[i - 1]
                .iter()
                .filter(|b| b.3.pattern != MatchPattern::BruteForce)
                .map(|b| b.0)
                .collect();
            if lengths.is_empty() {
                continue;
            }
            let span = (i, k, bruteforce_guesses(k + 1 - i, n));
            for l in lengths {
                // try adding m to this length-l sequence.
                let make = || make_bruteforce_match(i, k, password);
                update(span, make, l + 1, optimal, exclude_additive);
            }
        }
    }

    /// helper: make bruteforce match objects spanning i to j, inclusive.
    fn make_bruteforce_match(i: usize, j: usize, password: &str) -> Match {
        let mut m = Match {
            pattern: MatchPattern::BruteForce,
            token: password.chars().take(j + 1).skip(i).collect(),
            i,
            j,
            ..Match::default()
        };
        estimate_guesses(&mut m, password);
        m
    }

    /// helper: step backwards through optimal.m starting at the end,
    /// constructing the final optimal match sequence.
    #[allow(clippy::many_single_char_names)]
    fn unwind(n: usize, optimal: &[Best]) -> (Vec<Match>, u64) {
        let mut optimal_match_sequence = Vec::new();
        let mut k = n - 1;
        // find the final best sequence length and score: the shortest of the
        // cheapest, as the JavaScript original does.
        let mut l = None;
        let mut g = None;
        for &(candidate_l, candidate_g, _, _) in &optimal[k] {
            if g.is_none() || candidate_g < g.unwrap() {
                l = Some(candidate_l);
                g = Some(candidate_g);
            }
        }
        let (mut l, g) = (l.unwrap(), g.unwrap());

        loop {
            let m = &optimal[k]
                .iter()
                .find(|b| b.0 == l)
                .expect("the sequence continues")
                .3;
            optimal_match_sequence.push(m.clone());
            if m.i == 0 {
                optimal_match_sequence.reverse();
                return (optimal_match_sequence, g);
            }
            k = m.i - 1;
            l -= 1;
        }
    }

    for (k, match_by_j) in matches_by_j.iter().enumerate() {
        for m in match_by_j {
            if m.i > 0 {
                let lengths: Vec<usize> = optimal[m.i - 1].iter().map(|b| b.0).collect();
                for l in lengths {
                    let span = (m.i, m.j, m.guesses.expect("estimated above"));
                    update(span, || m.clone(), l + 1, &mut optimal, exclude_additive);
                }
            } else {
                let span = (m.i, m.j, m.guesses.expect("estimated above"));
                update(span, || m.clone(), 1, &mut optimal, exclude_additive);
            }
        }
        bruteforce_update(k, password, &mut optimal, exclude_additive);
    }

    // corner: empty password
    if password.is_empty() {
        return GuessCalculation {
            guesses: 1,
            guesses_log10: 0.0,
            sequence: Vec::new(),
        };
    }
    let (sequence, guesses) = unwind(n, &optimal);

    GuessCalculation {
        guesses,
        guesses_log10: (guesses as f64).log10(),
        sequence,
    }
}
