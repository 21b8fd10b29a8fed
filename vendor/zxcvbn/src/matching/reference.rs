//! vaultlint addition (tests only): what the issue 15 rewrite replaced, as
//! it was (commit bf24042), kept as oracles: the look-alike tables and their
//! enumeration, and the repeat matcher's three regexes.

use itertools::Itertools;
use std::collections::HashMap;

lazy_static! {
    static ref L33T_TABLE: HashMap<char, Vec<char>> = {
        let mut table = HashMap::with_capacity(12);
        table.insert('a', vec!['4', '@']);
        table.insert('b', vec!['8']);
        table.insert('c', vec!['(', '{', '[', '<']);
        table.insert('e', vec!['3']);
        table.insert('g', vec!['6', '9']);
        table.insert('i', vec!['1', '!', '|']);
        table.insert('l', vec!['1', '|', '7']);
        table.insert('o', vec!['0']);
        table.insert('s', vec!['$', '5']);
        table.insert('t', vec!['+', '7']);
        table.insert('x', vec!['%']);
        table.insert('z', vec!['2']);
        table
    };
}

pub(crate) fn translate(string: &str, chr_map: &HashMap<char, char>) -> String {
    string
        .chars()
        .map(|c| *chr_map.get(&c).unwrap_or(&c))
        .collect()
}

pub(crate) fn relevant_l33t_subtable(password: &str) -> HashMap<char, Vec<char>> {
    let password_chars: Vec<char> = password.chars().collect();
    let mut subtable: HashMap<char, Vec<char>> = HashMap::new();
    for (letter, subs) in L33T_TABLE.iter() {
        let relevant_subs: Vec<char> = subs
            .iter()
            .filter(|&x| password_chars.contains(x))
            .cloned()
            .collect();
        if !relevant_subs.is_empty() {
            subtable.insert(*letter, relevant_subs);
        }
    }
    subtable
}

pub(crate) fn enumerate_l33t_replacements(
    table: &HashMap<char, Vec<char>>,
) -> Vec<HashMap<char, char>> {
    /// Recursive function that does the work
    fn helper(
        table: &HashMap<char, Vec<char>>,
        subs: Vec<Vec<(char, char)>>,
        remaining_keys: &[char],
    ) -> Vec<Vec<(char, char)>> {
        if remaining_keys.is_empty() {
            return subs;
        }
        let (first_key, rest_keys) = remaining_keys.split_first().unwrap();
        let mut next_subs: Vec<Vec<(char, char)>> = Vec::new();
        for l33t_chr in &table[first_key] {
            for sub in &subs {
                let mut dup_l33t_index = None;
                for (i, item) in sub.iter().enumerate() {
                    if item.0 == *l33t_chr {
                        dup_l33t_index = Some(i);
                        break;
                    }
                }
                if let Some(idx) = dup_l33t_index {
                    let mut sub_alternative = sub.clone();
                    sub_alternative.remove(idx);
                    sub_alternative.push((*l33t_chr, *first_key));
                    next_subs.push(sub.clone());
                    next_subs.push(sub_alternative);
                } else {
                    let mut sub_extension = sub.clone();
                    sub_extension.push((*l33t_chr, *first_key));
                    next_subs.push(sub_extension);
                }
            }
        }
        helper(
            table,
            next_subs
                .into_iter()
                .map(|x| x.iter().unique().cloned().collect())
                .collect(),
            rest_keys,
        )
    }

    // vaultlint change: letters in alphabetical order (the order of the
    // JavaScript original's table), not in hash order, which varies.
    let mut letters: Vec<char> = table.keys().cloned().collect();
    letters.sort_unstable();
    helper(table, vec![vec![]], &letters)
        .into_iter()
        .map(|sub| sub.into_iter().collect::<HashMap<char, char>>())
        .collect()
}

/// What the repeat matcher took from its regexes on `token`: the match's
/// start and length and its base's length, in characters (the shape of
/// `repeat_at`'s answer).
pub(crate) fn repeat_by_regex(token: &str) -> Option<(usize, usize, usize)> {
    use fancy_regex::Regex as FancyRegex;
    lazy_static! {
        static ref GREEDY_REGEX: FancyRegex = FancyRegex::new(r"(.+)\1+").unwrap();
        static ref LAZY_REGEX: FancyRegex = FancyRegex::new(r"(.+?)\1+").unwrap();
        static ref LAZY_ANCHORED_REGEX: FancyRegex = FancyRegex::new(r"^(.+?)\1+$").unwrap();
    }
    let greedy_matches = GREEDY_REGEX.captures(token).unwrap()?;
    let lazy_matches = LAZY_REGEX.captures(token).unwrap().unwrap();
    let m4tch;
    let base_token = if greedy_matches.get(0).unwrap().as_str().chars().count()
        > lazy_matches.get(0).unwrap().as_str().chars().count()
    {
        m4tch = greedy_matches;
        LAZY_ANCHORED_REGEX
            .captures(m4tch.get(0).unwrap().as_str())
            .unwrap()
            .unwrap()
            .get(1)
            .unwrap()
            .as_str()
            .to_string()
    } else {
        m4tch = lazy_matches;
        m4tch.get(1).unwrap().as_str().to_string()
    };
    let m = m4tch.get(0).unwrap();
    Some((
        token[..m.start()].chars().count(),
        m.as_str().chars().count(),
        base_token.chars().count(),
    ))
}

/// A deterministic generator (xorshift64*) for the tests' corpora.
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    pub(crate) fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33) as usize % n
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// Passwords (with user inputs) that exercise every matcher and the
/// scorer's ties: words, look-alikes, case, reversal, repeats, keyboard
/// walks, sequences, years and dates, and awkward Unicode (characters whose
/// lowercase is longer, final sigma, combining marks, emoji, newlines).
pub(crate) fn corpus(n: usize, seed: u64) -> Vec<(String, Vec<String>)> {
    const WORDS: &[&str] = &[
        "password",
        "monkey",
        "dragon",
        "alice",
        "mercer",
        "github",
        "summer",
        "football",
        "iloveyou",
        "qwerty",
        "asdf",
        "letmein",
        "correct",
        "horse",
        "battery",
        "staple",
        "p@ssw0rd",
        "m0th3r",
        "l33t",
        "trustno1",
        "abc",
        "xyz",
        "1234",
        "2024",
        "1991",
        "19/11/1984",
        "12.31.1999",
        "2024-02-29",
        "0101",
        "3110",
        "zxcvbnm",
        "qazwsx",
        "1qaz2wsx",
        "!@#$%^",
        "aaaa",
        "abab",
        "7531",
        "ΣΊΣΥΦΟΣ",
        "İstanbul",
        "straße",
    ];
    const ALPHABETS: &[&str] = &[
        "abcdefghijklmnopqrstuvwxyz",
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
        "0123456789",
        "4@8({[<36910!|7$5+%2",
        "!@#$%^&*()-_=+[]{};:'\",.<>/?\\|`~ ",
        "İIıǅǄΣσςẞßﬃ\u{301}\u{200d}🙂👨ÄÖÜäöüéαβγ\n\t",
        "qwertyuiopasdfghjkl;zxcvbnm,./",
    ];
    let mut rng = Rng(seed.max(1));
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let mut pw = String::new();
        for _ in 0..1 + rng.below(4) {
            match rng.below(6) {
                0 | 1 => {
                    let mut w = rng.pick(WORDS).to_string();
                    if rng.below(2) == 0 {
                        w = w
                            .chars()
                            .map(|c| match (c, rng.below(2)) {
                                ('a', 0) => '4',
                                ('a', _) => '@',
                                ('e', 0) => '3',
                                ('i', 0) => '1',
                                ('i', _) => '!',
                                ('l', 0) => '|',
                                ('o', 0) => '0',
                                ('s', 0) => '$',
                                ('t', 0) => '7',
                                (c, _) => c,
                            })
                            .collect();
                    }
                    match rng.below(4) {
                        0 => w = w.to_uppercase(),
                        1 => w = w.chars().rev().collect(),
                        _ => {}
                    }
                    pw.push_str(&w);
                }
                2 => {
                    let base: String = (0..1 + rng.below(4))
                        .map(|_| {
                            let a: Vec<char> = rng.pick(ALPHABETS).chars().collect();
                            a[rng.below(a.len())]
                        })
                        .collect();
                    for _ in 0..2 + rng.below(5) {
                        pw.push_str(&base);
                    }
                }
                3 => {
                    let row = rng.pick(&[
                        "1234567890",
                        "qwertyuiop",
                        "asdfghjkl;",
                        "7894561230",
                        "abcdefgh",
                        "zyxwvu",
                    ]);
                    let at = rng.below(row.len() - 2);
                    pw.push_str(&row[at..(at + 3 + rng.below(6)).min(row.len())]);
                }
                _ => {
                    let a: Vec<char> = rng.pick(ALPHABETS).chars().collect();
                    for _ in 0..1 + rng.below(12) {
                        pw.push(a[rng.below(a.len())]);
                    }
                }
            }
        }
        let pw: String = pw.chars().take(64).collect();
        let inputs = (0..rng.below(4))
            .map(|_| rng.pick(WORDS).to_lowercase())
            .collect();
        out.push((pw, inputs));
    }
    out
}
