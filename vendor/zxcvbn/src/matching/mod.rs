mod char_indexing;
/// Defines potential patterns used to match against a password
pub mod patterns;

use self::patterns::*;
use crate::frequency_lists::DictionaryType;
use char_indexing::{CharIndexable, CharIndexableStr};
use itertools::Itertools;
use std::collections::HashMap;

/// A match of a predictable pattern in the password.
#[derive(Debug, Clone, PartialEq, Default)]
#[cfg_attr(feature = "builder", derive(Builder))]
#[cfg_attr(feature = "builder", builder(default))]
#[cfg_attr(feature = "ser", derive(serde::Deserialize, serde::Serialize))]
pub struct Match {
    /// Beginning of the match.
    pub i: usize,
    /// End of the match.
    pub j: usize,
    /// Token that has been matched.
    pub token: String,
    /// Pattern type and details used to detect this match.
    #[cfg_attr(feature = "ser", serde(flatten))]
    pub pattern: MatchPattern,
    /// Estimated number of tries for guessing the match.
    pub guesses: Option<u64>,
}

impl Match {
    /// Get the range of the index of the chars that are included in the match.
    pub fn range_inclusive(&self) -> std::ops::RangeInclusive<usize> {
        self.i..=self.j
    }
}

#[allow(clippy::implicit_hasher)]
pub(crate) fn omnimatch(password: &str, user_inputs: &HashMap<String, usize>) -> Vec<Match> {
    omnimatch_with(password, &UserDictionary::new(user_inputs))
}

/// [`omnimatch`] with the user inputs' dictionary made once (vaultlint
/// change: upstream rebuilt it in every dictionary matcher).
fn omnimatch_with(password: &str, user_inputs: &UserDictionary) -> Vec<Match> {
    // The matchers in upstream's order: dictionary, reversed, l33t, then
    // the others. vaultlint change (issue 15): where the dictionary scan
    // from each start stopped is handed to the l33t matcher.
    let mut stops = Vec::new();
    let mut matches = dictionary_scan(password, user_inputs, None, Some(&mut stops));
    matches.extend((ReverseDictionaryMatch {}).find(password, user_inputs));
    matches.extend(l33t_matches(password, user_inputs, true, Some(&stops)));
    matches.extend(MATCHERS.iter().flat_map(|x| x.find(password, user_inputs)));
    // vaultlint change: a stable sort, as in the JavaScript original, so
    // that of two matches over the same characters with the same guesses
    // the first matcher's wins every time (upstream's unstable sort let it
    // vary with the order the matches came in).
    matches.sort_by(|a, b| {
        let range1 = a.range_inclusive();
        let range2 = b.range_inclusive();
        range1
            .start()
            .cmp(range2.start())
            .then_with(|| range1.end().cmp(range2.end()))
    });
    matches
}

trait Matcher: Send + Sync {
    #[cfg(test)]
    fn get_matches(&self, password: &str, user_inputs: &HashMap<String, usize>) -> Vec<Match> {
        self.find(password, &UserDictionary::new(user_inputs))
    }

    fn find(&self, password: &str, user_inputs: &UserDictionary) -> Vec<Match>;
}

lazy_static! {
    /// The matchers after the dictionary ones (see `omnimatch_with`).
    static ref MATCHERS: [Box<dyn Matcher>; 5] = [
        Box::new(SpatialMatch {}),
        Box::new(RepeatMatch {}),
        Box::new(SequenceMatch {}),
        Box::new(RegexMatch {}),
        Box::new(DateMatch {}),
    ];
}

struct DictionaryMatch {}

impl Matcher for DictionaryMatch {
    fn find(&self, password: &str, user_inputs: &UserDictionary) -> Vec<Match> {
        dictionary_matches(password, user_inputs)
    }
}

/// The user inputs (lowercased) with their ranks: a handful of words,
/// scanned directly rather than hashed.
struct UserDictionary<'a> {
    words: Vec<(&'a str, usize)>,
}

impl<'a> UserDictionary<'a> {
    fn new(user_inputs: &'a HashMap<String, usize>) -> Self {
        let words = user_inputs
            .iter()
            .map(|(word, &rank)| (word.as_str(), rank))
            .collect();
        UserDictionary { words }
    }
}

/// Every substring of `password` (lowercased) that is a word of a ranked
/// dictionary or of the user inputs.
///
/// vaultlint change: upstream looks every substring up in each of the seven
/// dictionaries with SipHash. Here one FxHash lookup per substring answers
/// for all six ranked dictionaries, and a substring that starts no word
/// (no key of the prefix table, no prefix of a user input) ends the scan
/// from that start.
/// The matches are the same; those for one substring come in the order of
/// `DICTIONARIES`, then the user inputs.
fn dictionary_matches(password: &str, user_inputs: &UserDictionary) -> Vec<Match> {
    dictionary_scan(password, user_inputs, None, None)
}

/// [`dictionary_matches`], keeping only the matches over at least one
/// position `x` with `wanted[x]` when `wanted` is given (the l33t matcher's
/// substituted positions: vaultlint change, issue 15). From a start after
/// the last wanted position nothing is looked up. `wanted.1`, when given,
/// is where the scan of the same password's plain letters from each start
/// stopped (`stops`): a start whose scan stopped before its first wanted
/// position is skipped (up to there the letters are the same, and so is the
/// scan). For an ASCII password only, where lowercasing goes character by
/// character. `stops`, when given, receives where the scan from each start
/// stopped (the last position looked at).
///
/// vaultlint change (issue 15): each substring's node in the lexicon is one
/// step from the previous one's, and tokens are slices of the password, not
/// collected characters.
fn dictionary_scan(
    password: &str,
    user_inputs: &UserDictionary,
    wanted: Option<(&[bool], Option<&[usize]>)>,
    mut stops: Option<&mut Vec<usize>>,
) -> Vec<Match> {
    use super::frequency_lists::{Lexicon, DICTIONARIES};
    let password_lower_string = password.to_lowercase();
    // An ASCII password's characters are its bytes, and its lowercase has
    // them at the same places: no index of characters is needed.
    let ascii = password.is_ascii();
    let password_lower = (!ascii).then(|| CharIndexableStr::from(password_lower_string.as_str()));
    let word_at = |i: usize, j: usize| -> &str {
        match &password_lower {
            None => &password_lower_string[i..j + 1],
            Some(lower) => lower.char_index(i..j + 1),
        }
    };
    // where each character of the password starts, and its end
    let starts: Vec<usize> = if ascii {
        Vec::new()
    } else {
        password
            .char_indices()
            .map(|(at, _)| at)
            .chain(std::iter::once(password.len()))
            .collect()
    };
    let len = if ascii {
        password.len()
    } else {
        starts.len() - 1
    };
    let token_at = |i: usize, j: usize| -> &str {
        if ascii {
            &password[i..j + 1]
        } else {
            &password[starts[i]..starts[j + 1]]
        }
    };
    let mut matches = Vec::new();
    let mut push = |word: &str, i: usize, j: usize, rank: usize, dictionary_name| {
        let pattern = MatchPattern::Dictionary(DictionaryPattern {
            matched_word: word.to_string(),
            rank,
            dictionary_name,
            ..DictionaryPattern::default()
        });
        matches.push(Match {
            pattern,
            i,
            j,
            token: token_at(i, j).to_string(),
            ..Match::default()
        });
    };
    // the user inputs the substring from i is still a prefix of
    let mut candidates: Vec<(&str, usize)> = Vec::with_capacity(user_inputs.words.len());
    // the first wanted position at or after i
    let mut first_wanted = 0;
    for i in 0..len {
        if let Some((wanted, plain_stops)) = wanted {
            first_wanted = first_wanted.max(i);
            while first_wanted < len && !wanted[first_wanted] {
                first_wanted += 1;
            }
            if first_wanted == len {
                break;
            }
            if matches!(plain_stops, Some(plain) if plain[i] < first_wanted) {
                continue;
            }
        }
        let mut ranked = true;
        candidates.clear();
        candidates.extend_from_slice(&user_inputs.words);
        // the lexicon's node of the substring so far, and its length in bytes
        let (mut node, mut walked) = (Lexicon::root(), 0usize);
        let mut stop = len;
        for j in i..len {
            let word = word_at(i, j);
            let keep = j >= first_wanted;
            if ranked {
                match node.step(&word.as_bytes()[walked..]) {
                    Some(next) => {
                        node = next;
                        walked = word.len();
                        if keep {
                            if let Some(ranks) = node.ranks() {
                                for (d, &rank) in ranks.iter().enumerate() {
                                    if rank > 0 {
                                        push(word, i, j, rank as usize, DICTIONARIES[d]);
                                    }
                                }
                            }
                        }
                    }
                    None => ranked = false,
                }
            }
            if !candidates.is_empty() {
                candidates.retain(|(input, _)| input.starts_with(word));
                if keep {
                    if let Some(&(_, rank)) = candidates.iter().find(|(input, _)| *input == word) {
                        push(word, i, j, rank, DictionaryType::UserInputs);
                    }
                }
            }
            if !ranked && candidates.is_empty() {
                stop = j;
                break;
            }
        }
        if let Some(stops) = stops.as_deref_mut() {
            stops.push(stop);
        }
    }
    matches
}

struct ReverseDictionaryMatch {}

impl Matcher for ReverseDictionaryMatch {
    fn find(&self, password: &str, user_inputs: &UserDictionary) -> Vec<Match> {
        let reversed_password = password.chars().rev().collect::<String>();
        (DictionaryMatch {})
            .find(&reversed_password, user_inputs)
            .into_iter()
            .map(|mut m| {
                // Reverse token back
                m.token = m.token.chars().rev().collect();
                if let MatchPattern::Dictionary(ref mut pattern) = m.pattern {
                    pattern.reversed = true;
                }
                let old_i = m.i;
                m.i = password.chars().count() - 1 - m.j;
                m.j = password.chars().count() - 1 - old_i;
                m
            })
            .collect()
    }
}

#[cfg(test)]
struct L33tMatch {}

/// One l33t substitution: (look-alike character, the letter it stands for).
/// vaultlint change: a short list of pairs, not a `HashMap` (there are at
/// most as many pairs as distinct look-alikes in the password).
type Sub = Vec<(char, char)>;

#[cfg(test)]
impl Matcher for L33tMatch {
    fn find(&self, password: &str, user_inputs: &UserDictionary) -> Vec<Match> {
        l33t_matches(password, user_inputs, true, None)
    }
}

/// The l33t matcher; `fast` allows the short cuts for ASCII passwords,
/// `plain_stops` is where the plain dictionary scan of `password` stopped
/// from each start (see `dictionary_scan`; tests compare all ways).
fn l33t_matches(
    password: &str,
    user_inputs: &UserDictionary,
    fast: bool,
    plain_stops: Option<&[usize]>,
) -> Vec<Match> {
    let mut matches = Vec::new();
    for sub in enumerate_l33t_replacements(&relevant_l33t_subtable(password)) {
        if sub.is_empty() {
            break;
        }
        let subbed_password = translate(password, &sub);
        // vaultlint change (issue 15): a match over no substituted
        // character is dropped below (its token lowercased is its word).
        // For an ASCII password, where lowercasing goes character by
        // character, such matches are not made at all.
        let found = if fast && password.is_ascii() {
            let wanted: Vec<bool> = password
                .chars()
                .map(|c| sub.iter().any(|&(from, _)| from == c))
                .collect();
            dictionary_scan(
                &subbed_password,
                user_inputs,
                Some((&wanted, plain_stops)),
                None,
            )
        } else {
            dictionary_matches(&subbed_password, user_inputs)
        };
        for mut m4tch in found {
            let token = password
                .chars()
                .take(m4tch.j + 1)
                .skip(m4tch.i)
                .collect::<String>();
            {
                let pattern = if let MatchPattern::Dictionary(ref mut pattern) = m4tch.pattern {
                    pattern
                } else {
                    unreachable!()
                };
                if token.to_lowercase() == pattern.matched_word {
                    // Only return the matches that contain an actual substitution
                    continue;
                }
                let match_sub: HashMap<char, char> = sub
                    .iter()
                    .filter(|&&(subbed_chr, _)| token.contains(subbed_chr))
                    .copied()
                    .collect();
                m4tch.token = token;
                pattern.l33t = true;
                // vaultlint change: sorted, not in hash order.
                pattern.sub_display = Some(
                    match_sub
                        .iter()
                        .sorted()
                        .map(|(k, v)| format!("{} -> {}", k, v))
                        .join(", "),
                );
                pattern.sub = Some(match_sub);
            }
            matches.push(m4tch);
        }
    }
    matches
        .into_iter()
        .filter(|x| !x.token.is_empty())
        .collect()
}

fn translate(string: &str, sub: &[(char, char)]) -> String {
    string
        .chars()
        .map(|c| {
            sub.iter()
                .find(|&&(from, _)| from == c)
                .map_or(c, |&(_, to)| to)
        })
        .collect()
}

/// zxcvbn's look-alike table, letters in alphabetical order (the order the
/// JavaScript original enumerates them in).
/// vaultlint change: a constant table, not a `HashMap` made at the first call.
const L33T_LETTERS: [(char, &[char]); 12] = [
    ('a', &['4', '@']),
    ('b', &['8']),
    ('c', &['(', '{', '[', '<']),
    ('e', &['3']),
    ('g', &['6', '9']),
    ('i', &['1', '!', '|']),
    ('l', &['1', '|', '7']),
    ('o', &['0']),
    ('s', &['$', '5']),
    ('t', &['+', '7']),
    ('x', &['%']),
    ('z', &['2']),
];

/// For each letter (alphabetical) with look-alikes in `password`, those
/// look-alikes (in table order).
fn relevant_l33t_subtable(password: &str) -> Vec<(char, Vec<char>)> {
    let mut subtable = Vec::new();
    for &(letter, subs) in &L33T_LETTERS {
        if subs.iter().any(|&x| password.contains(x)) {
            let relevant_subs: Vec<char> = subs
                .iter()
                .filter(|&&x| password.contains(x))
                .copied()
                .collect();
            subtable.push((letter, relevant_subs));
        }
    }
    subtable
}

/// Every substitution table to try, in upstream's order (see the test
/// against `reference::enumerate_l33t_replacements`).
///
/// vaultlint change: upstream made each candidate unique with a hash set
/// (a no-op: a candidate never holds a look-alike twice, as it is checked
/// before adding one) and turned each into a `HashMap`; here candidates are
/// lists of pairs.
fn enumerate_l33t_replacements(table: &[(char, Vec<char>)]) -> Vec<Sub> {
    let mut subs: Vec<Sub> = vec![Vec::new()];
    for (letter, l33t_chrs) in table {
        let mut next_subs: Vec<Sub> = Vec::with_capacity(subs.len() * l33t_chrs.len());
        for &l33t_chr in l33t_chrs {
            for sub in &subs {
                if let Some(idx) = sub.iter().position(|item| item.0 == l33t_chr) {
                    let mut sub_alternative = sub.clone();
                    sub_alternative.remove(idx);
                    sub_alternative.push((l33t_chr, *letter));
                    next_subs.push(sub.clone());
                    next_subs.push(sub_alternative);
                } else {
                    let mut sub_extension = Vec::with_capacity(sub.len() + 1);
                    sub_extension.extend_from_slice(sub);
                    sub_extension.push((l33t_chr, *letter));
                    next_subs.push(sub_extension);
                }
            }
        }
        subs = next_subs;
    }
    subs
}

struct SpatialMatch {}

/// The neighbours of each key of a keyboard graph.
type Adjacency = HashMap<char, Vec<Option<&'static str>>>;

/// A keyboard graph as a table of steps: for each pair of ASCII keys
/// (from, to), 0 when `to` is not next to `from`, else the direction (the
/// index in `from`'s adjacency list) plus 1, with bit 7 set when `to` is the
/// shifted character of its entry (index 1, as `'@'` in `"2@"`).
///
/// vaultlint change (issue 15): upstream hashed every character with
/// SipHash in each of the four graphs, then searched each neighbour's
/// string for the next character. Every key and neighbour is ASCII.
struct SpatialGraph {
    name: &'static str,
    steps: Vec<[u8; 128]>,
}

impl SpatialGraph {
    fn new(name: &'static str, graph: &'static Adjacency) -> Self {
        let mut steps = vec![[0u8; 128]; 128];
        for (&key, adjacents) in graph {
            assert!(key.is_ascii(), "non-ASCII key in the {name} graph");
            let row = &mut steps[key as usize];
            for (direction, adjacent) in adjacents.iter().enumerate() {
                let Some(adjacent) = adjacent else { continue };
                assert!(adjacent.is_ascii() && direction < 127);
                // the first direction holding a character, and its first
                // place in it, as `str::find` in upstream's loop
                for (at, c) in adjacent.bytes().enumerate() {
                    if row[c as usize] == 0 {
                        row[c as usize] = (direction as u8 + 1) | if at == 1 { 0x80 } else { 0 };
                    }
                }
            }
        }
        SpatialGraph { name, steps }
    }

    /// The step from `from` to `to` (see the type).
    fn step(&self, from: char, to: char) -> u8 {
        if from.is_ascii() && to.is_ascii() {
            self.steps[from as usize][to as usize]
        } else {
            0
        }
    }
}

lazy_static! {
    /// The graphs in the JavaScript original's order (vaultlint change:
    /// upstream went in hash order).
    static ref SPATIAL_GRAPHS: [SpatialGraph; 4] = [
        SpatialGraph::new("qwerty", &super::adjacency_graphs::QWERTY),
        SpatialGraph::new("dvorak", &super::adjacency_graphs::DVORAK),
        SpatialGraph::new("keypad", &super::adjacency_graphs::KEYPAD),
        SpatialGraph::new("mac_keypad", &super::adjacency_graphs::MAC_KEYPAD),
    ];
}

impl Matcher for SpatialMatch {
    fn find(&self, password: &str, _user_inputs: &UserDictionary) -> Vec<Match> {
        let chars: Vec<char> = password.chars().collect();
        SPATIAL_GRAPHS
            .iter()
            .flat_map(|graph| spatial_match_helper(&chars, graph))
            .collect()
    }
}

const SHIFTED_CHARS: [char; 49] = [
    '[', '~', '!', '@', '#', '$', '%', '^', '&', '*', '(', ')', '_', '+', 'Q', 'W', 'E', 'R', 'T',
    'Y', 'U', 'I', 'O', 'P', '{', '}', '|', 'A', 'S', 'D', 'F', 'G', 'H', 'J', 'K', 'L', ':', '"',
    'Z', 'X', 'C', 'V', 'B', 'N', 'M', '<', '>', '?', ']',
];

fn spatial_match_helper(chars: &[char], graph: &SpatialGraph) -> Vec<Match> {
    let graph_name = graph.name;
    let mut matches = Vec::new();
    // vaultlint change: the characters once, not `chars().nth()` per step,
    // and the adjacency lists borrowed, not cloned per step.
    let password_len = chars.len();
    if password_len <= 2 {
        return matches;
    }
    let mut i = 0;
    while i < password_len - 1 {
        let mut j = i + 1;
        let mut last_direction = None;
        let mut turns = 0;
        let mut shifted_count =
            if ["qwerty", "dvorak"].contains(&graph_name) && SHIFTED_CHARS.contains(&chars[i]) {
                1
            } else {
                0
            };
        loop {
            let prev_char = chars[j - 1];
            let mut found = false;
            // consider growing pattern by one character if j hasn't gone over the edge.
            if j < password_len {
                let step = graph.step(prev_char, chars[j]);
                if step != 0 {
                    found = true;
                    let found_direction = i32::from(step & 0x7f) - 1;
                    if step & 0x80 != 0 {
                        // index 1 in the adjacency means the key is shifted,
                        // 0 means unshifted: A vs a, % vs 5, etc.
                        // for example, 'q' is adjacent to the entry '2@'.
                        // @ is shifted w/ index 1, 2 is unshifted.
                        shifted_count += 1;
                    }
                    if last_direction != Some(found_direction) {
                        // adding a turn is correct even in the initial case when last_direction is null:
                        // every spatial pattern starts with a turn.
                        turns += 1;
                        last_direction = Some(found_direction);
                    }
                }
            }
            if found {
                // if the current pattern continued, extend j and try to grow again
                j += 1;
            } else {
                // otherwise push the pattern discovered so far, if any...
                if j - i > 2 {
                    // Don't consider length 1 or 2 chains
                    let pattern = MatchPattern::Spatial(SpatialPattern {
                        graph: graph_name.to_string(),
                        turns,
                        shifted_count,
                    });
                    matches.push(Match {
                        pattern,
                        i,
                        j: j - 1,
                        token: chars[i..j].iter().collect(),
                        ..Match::default()
                    });
                }
                i = j;
                break;
            }
        }
    }
    matches
}

struct RepeatMatch {}

impl Matcher for RepeatMatch {
    fn find(&self, password: &str, user_inputs: &UserDictionary) -> Vec<Match> {
        let mut matches = Vec::new();
        let mut last_index = 0;
        let chars: Vec<char> = password.chars().collect();
        let char_count = chars.len();
        while last_index < char_count {
            let token = &chars[last_index..];
            // vaultlint change: `(.+)\1+` can only match where some string
            // is immediately repeated; most passwords have no such square,
            // and finding that out directly is much cheaper.
            if !has_square_chars(token) {
                break;
            }
            // vaultlint change (issue 15): upstream's three backtracking
            // regexes (greedy `(.+)\1+`, lazy `(.+?)\1+`, anchored lazy
            // `^(.+?)\1+$`) are matched by hand (`repeat_at`; the test
            // `test_repeat_at_agrees_with_the_regexes` compares them).
            let Some((start, len, base_len)) = repeat_at(token) else {
                break;
            };
            let (i, j) = (last_index + start, last_index + start + len - 1);
            let base_token: String = chars[i..i + base_len].iter().collect();
            // recursively match and score the base string
            let base_analysis = super::scoring::most_guessable_match_sequence_owned(
                &base_token,
                omnimatch_with(&base_token, user_inputs),
                false,
            );
            let base_matches = base_analysis.sequence;
            let base_guesses = base_analysis.guesses;
            let pattern = MatchPattern::Repeat(RepeatPattern {
                repeat_count: len / base_len,
                base_token,
                base_guesses,
                base_matches,
            });
            matches.push(Match {
                pattern,
                i,
                j,
                token: chars[i..=j].iter().collect(),
                ..Match::default()
            });
            last_index = j + 1;
        }
        matches
    }
}

/// The repeat upstream's regexes find in `chars` (vaultlint change): the
/// leftmost start of `(.+)\1+`, then of the greedy match (`(.+)\1+`) and the
/// lazy one (`(.+?)\1+`) the longer (the lazy one on a tie); returns its
/// start, its length and the length of its base: for the lazy match its
/// group, for the greedy one the shortest string it repeats (`^(.+?)\1+$`
/// on it). All in characters; `.` never matches a newline.
fn repeat_at(chars: &[char]) -> Option<(usize, usize, usize)> {
    let n = chars.len();
    // the length of the repeat of `chars[s..s + l]` from s, when repeated
    let repeat_len = |s: usize, l: usize| -> Option<usize> {
        let base = &chars[s..s + l];
        if chars[s + l..s + 2 * l] != *base {
            return None;
        }
        let mut k = 2;
        while s + (k + 1) * l <= n && chars[s + k * l..s + (k + 1) * l] == *base {
            k += 1;
        }
        Some(k * l)
    };
    for s in 0..n {
        let to_newline = chars[s..].iter().position(|&c| c == '\n').unwrap_or(n - s);
        let max_l = to_newline.min((n - s) / 2);
        let Some((greedy_len, greedy_l)) = (1..=max_l)
            .rev()
            .find_map(|l| repeat_len(s, l).map(|len| (len, l)))
        else {
            continue;
        };
        let (lazy_len, lazy_l) = (1..=max_l)
            .find_map(|l| repeat_len(s, l).map(|len| (len, l)))
            .expect("the greedy match exists");
        if greedy_len > lazy_len {
            // the shortest string the greedy match is a repeat of
            let m = &chars[s..s + greedy_len];
            let base_len = (1..=greedy_len / 2)
                .find(|&l| greedy_len % l == 0 && m.chunks(l).all(|c| c == &m[..l]))
                .unwrap_or(greedy_l);
            return Some((s, greedy_len, base_len));
        }
        return Some((s, lazy_len, lazy_l));
    }
    None
}

/// Whether `s` contains a square: some non-empty string twice in a row.
/// (vaultlint change; a necessary condition for `(.+)\1+` to match.)
#[cfg(test)]
fn has_square(s: &str) -> bool {
    has_square_chars(&s.chars().collect::<Vec<char>>())
}

/// [`has_square`] on characters.
fn has_square_chars(chars: &[char]) -> bool {
    let n = chars.len();
    for period in 1..=n / 2 {
        // length of the current run of positions k with chars[k] == chars[k + period]
        let mut run = 0;
        for k in 0..n - period {
            if chars[k] == chars[k + period] {
                run += 1;
                if run == period {
                    return true;
                }
            } else {
                run = 0;
            }
        }
    }
    false
}

const MAX_DELTA: i32 = 5;

/// Identifies sequences by looking for repeated differences in unicode codepoint.
/// this allows skipping, such as 9753, and also matches some extended unicode sequences
/// such as Greek and Cyrillic alphabets.
///
/// for example, consider the input 'abcdb975zy'
///
/// password: a   b   c   d   b    9   7   5   z   y
/// index:    0   1   2   3   4    5   6   7   8   9
/// delta:        1   1   1  -2  -41  -2  -2  69   1
///
/// expected result:
/// `[(i, j, delta), ...] = [(0, 3, 1), (5, 7, -2), (8, 9, 1)]`
struct SequenceMatch {}

impl Matcher for SequenceMatch {
    fn find(&self, password: &str, _user_inputs: &UserDictionary) -> Vec<Match> {
        fn update(i: usize, j: usize, delta: i32, password: &str, matches: &mut Vec<Match>) {
            let delta_abs = delta.abs();
            if (j - i > 1 || delta_abs == 1) && (0 < delta_abs && delta_abs <= MAX_DELTA) {
                let token = password.chars().take(j + 1).skip(i).collect::<String>();
                let first_chr = token.chars().next().unwrap();
                let (sequence_name, sequence_space) = if first_chr.is_lowercase() {
                    ("lower", 26)
                } else if first_chr.is_uppercase() {
                    ("upper", 26)
                } else if first_chr.is_ascii_digit() {
                    ("digits", 10)
                } else {
                    // conservatively stick with roman alphabet size.
                    // (this could be improved)
                    ("unicode", 26)
                };
                let pattern = MatchPattern::Sequence(SequencePattern {
                    sequence_name: sequence_name.to_owned(),
                    sequence_space,
                    ascending: delta > 0,
                });
                matches.push(Match {
                    pattern,
                    i,
                    j,
                    token,
                    ..Match::default()
                });
            }
        }

        let mut matches = Vec::new();

        let password_len = password.chars().count();
        if password_len <= 1 {
            return matches;
        }

        let mut i = 0;
        let mut j;
        let mut last_delta = 0;

        // vaultlint change (issue 15): the characters once, not
        // `chars().nth()` twice per step.
        let chars: Vec<char> = password.chars().collect();
        for k in 1..password_len {
            let delta = chars[k] as i32 - chars[k - 1] as i32;
            if last_delta == 0 {
                last_delta = delta;
            }
            if last_delta == delta {
                continue;
            }
            j = k - 1;
            update(i, j, last_delta, password, &mut matches);
            i = j;
            last_delta = delta;
        }
        update(i, password_len - 1, last_delta, password, &mut matches);
        matches
    }
}

struct RegexMatch {}

impl Matcher for RegexMatch {
    fn find(&self, password: &str, _user_inputs: &UserDictionary) -> Vec<Match> {
        let mut matches = Vec::new();
        // vaultlint change: the only regex, "recent_year" (`19[0-9]{2}|20[0-9]{2}`,
        // leftmost, non-overlapping), is matched by hand: compiling it cost a
        // short audit more than scoring its passwords.
        for (start, end) in recent_years(password) {
            let token = &password[start..end];
            let pattern = MatchPattern::Regex(RegexPattern {
                regex_name: "recent_year".to_owned(),
                regex_match: vec![token.to_string()],
            });
            let (i, j) = (
                password[..start].chars().count(),
                password[..end].chars().count() - 1,
            );
            matches.push(Match {
                pattern,
                token: token.to_string(),
                i,
                j,
                ..Match::default()
            });
        }
        matches
    }
}

/// vaultlint change: the byte ranges the regex `19[0-9]{2}|20[0-9]{2}` finds
/// in `password` (leftmost first, not overlapping).
fn recent_years(password: &str) -> Vec<(usize, usize)> {
    let b = password.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i + 4 <= b.len() {
        if matches!(&b[i..i + 2], b"19" | b"20")
            && b[i + 2].is_ascii_digit()
            && b[i + 3].is_ascii_digit()
        {
            found.push((i, i + 4));
            i += 4;
        } else {
            i += 1;
        }
    }
    found
}

/// vaultlint change: `^[0-9]{4,8}$`, by hand.
fn maybe_date_no_separator(token: &str) -> bool {
    (4..=8).contains(&token.len()) && token.bytes().all(|c| c.is_ascii_digit())
}

/// vaultlint change: the captures of
/// `^([0-9]{1,4})([\s/\\_.-])([0-9]{1,2})([\s/\\_.-])([0-9]{1,4})$`, by hand
/// (digits and separators are disjoint, so the split is unique):
/// the three numbers and the two separators.
fn maybe_date_with_separator(token: &str) -> Option<[&str; 5]> {
    fn digits(s: &str, max: usize) -> Option<(&str, &str)> {
        let n = s.bytes().take_while(u8::is_ascii_digit).count();
        (1..=max).contains(&n).then(|| s.split_at(n))
    }
    fn separator(s: &str) -> Option<(&str, &str)> {
        let c = s.chars().next()?;
        (c.is_whitespace() || "/\\_.-".contains(c)).then(|| s.split_at(c.len_utf8()))
    }
    let (a, rest) = digits(token, 4)?;
    let (s1, rest) = separator(rest)?;
    let (b, rest) = digits(rest, 2)?;
    let (s2, rest) = separator(rest)?;
    let (c, rest) = digits(rest, 4)?;
    rest.is_empty().then_some([a, s1, b, s2, c])
}

/// a "date" is recognized as:
///   any 3-tuple that starts or ends with a 2- or 4-digit year,
///   with 2 or 0 separator chars (1.1.91 or 1191),
///   maybe zero-padded (01-01-91 vs 1-1-91),
///   a month between 1 and 12,
///   a day between 1 and 31.
///
/// note: this isn't true date parsing in that "feb 31st" is allowed,
/// this doesn't check for leap years, etc.
///
/// recipe:
/// start with regex to find maybe-dates, then attempt to map the integers
/// onto month-day-year to filter the maybe-dates into dates.
/// finally, remove matches that are substrings of other matches to reduce noise.
///
/// note: instead of using a lazy or greedy regex to find many dates over the full string,
/// this uses a ^...$ regex against every substring of the password -- less performant but leads
/// to every possible date match.
struct DateMatch {}

impl Matcher for DateMatch {
    fn find(&self, password: &str, _user_inputs: &UserDictionary) -> Vec<Match> {
        let mut matches = Vec::new();
        let char_indexable = CharIndexableStr::from(password);

        let password_len = password.chars().count();
        // dates without separators are between length 4 '1191' and 8 '11111991'
        if password_len < 4 {
            return matches;
        }
        // vaultlint change (issue 15): every date has at least three
        // digits (four without separators, one per number with them).
        if password.bytes().filter(u8::is_ascii_digit).count() < 3 {
            return matches;
        }
        for i in 0..(password_len - 3) {
            for j in (i + 3)..(i + 8) {
                if j >= password_len {
                    break;
                }
                let token_str = char_indexable.char_index(i..j + 1);
                if !maybe_date_no_separator(token_str) {
                    continue;
                }
                let token = CharIndexableStr::from(token_str);
                let mut candidates = Vec::new();
                for &(k, l) in &DATE_SPLITS[&token.char_count()] {
                    let ymd = map_ints_to_ymd(
                        token.char_index(0..k).parse().unwrap(),
                        token.char_index(k..l).parse().unwrap(),
                        token.char_index(l..j + 1).parse().unwrap(),
                    );
                    if let Some(ymd) = ymd {
                        candidates.push(ymd);
                    }
                }
                if candidates.is_empty() {
                    continue;
                }
                // at this point: different possible ymd mappings for the same i,j substring.
                // match the candidate date that likely takes the fewest guesses: a year closest to 2000.
                // (scoring.REFERENCE_YEAR).
                //
                // ie, considering '111504', prefer 11-15-04 to 1-1-1504
                // (interpreting '04' as 2004)
                let metric = |candidate: &(i32, i8, i8)| {
                    (candidate.0 - *super::scoring::REFERENCE_YEAR).abs()
                };
                let best_candidate = candidates.iter().min_by_key(|&c| metric(c)).unwrap();
                let pattern = MatchPattern::Date(DatePattern {
                    separator: String::new(),
                    year: best_candidate.0,
                    month: best_candidate.1,
                    day: best_candidate.2,
                });
                matches.push(Match {
                    pattern,
                    token: token_str.to_string(),
                    i,
                    j,
                    ..Match::default()
                });
            }
        }

        // dates with separators are between length 6 '1/1/91' and 10 '11/11/1991'
        if password_len >= 6 {
            for i in 0..(password_len - 5) {
                for j in (i + 5)..(i + 10) {
                    if j >= password_len {
                        break;
                    }
                    let token = char_indexable.char_index(i..j + 1);
                    let (ymd, separator) = {
                        let Some(captures) = maybe_date_with_separator(token) else {
                            continue;
                        };
                        if captures[1] != captures[3] {
                            // Original code uses regex backreferences, Rust doesn't support these.
                            // Need to manually test that group 2 and 4 are the same
                            continue;
                        }
                        (
                            map_ints_to_ymd(
                                captures[0].parse().unwrap(),
                                captures[2].parse().unwrap(),
                                captures[4].parse().unwrap(),
                            ),
                            captures[1].to_string(),
                        )
                    };
                    if let Some(ymd) = ymd {
                        let pattern = MatchPattern::Date(DatePattern {
                            separator,
                            year: ymd.0,
                            month: ymd.1,
                            day: ymd.2,
                        });
                        matches.push(Match {
                            pattern,
                            token: token.to_string(),
                            i,
                            j,
                            ..Match::default()
                        });
                    }
                }
            }
        }

        matches
            .iter()
            .filter(|&x| !matches.iter().any(|y| *x != *y && y.i <= x.i && y.j >= x.j))
            .cloned()
            .collect()
    }
}

/// Takes three ints and returns them in a (y, m, d) tuple
fn map_ints_to_ymd(first: u16, second: u16, third: u16) -> Option<(i32, i8, i8)> {
    // given a 3-tuple, discard if:
    //   middle int is over 31 (for all ymd formats, years are never allowed in the middle)
    //   middle int is zero
    //   any int is over the max allowable year
    //   any int is over two digits but under the min allowable year
    //   2 ints are over 31, the max allowable day
    //   2 ints are zero
    //   all ints are over 12, the max allowable month
    if second > 31 || second == 0 {
        return None;
    }
    let mut over_12 = 0;
    let mut over_31 = 0;
    let mut zero = 0;
    for &i in &[first, second, third] {
        if 99 < i && i < DATE_MIN_YEAR || i > DATE_MAX_YEAR {
            return None;
        }
        if i > 31 {
            over_31 += 1;
        }
        if i > 12 {
            over_12 += 1;
        }
        if i == 0 {
            zero += 1;
        }
    }
    if over_31 >= 2 || over_12 == 3 || zero >= 2 {
        return None;
    }

    // first look for a four digit year: yyyy + daymonth or daymonth + yyyy
    let possible_year_splits = &[(third, first, second), (first, second, third)];
    for &(year, second, third) in possible_year_splits {
        if (DATE_MIN_YEAR..=DATE_MAX_YEAR).contains(&year) {
            let dm = map_ints_to_md(second, third);
            if let Some(dm) = dm {
                return Some((i32::from(year), dm.0, dm.1));
            } else {
                // for a candidate that includes a four-digit year,
                // when the remaining ints don't match to a day and month,
                // it is not a date.
                return None;
            }
        }
    }

    // given no four-digit year, two digit years are the most flexible int to match, so
    // try to parse a day-month out of (first, second) or (second, first)
    for &(year, second, third) in possible_year_splits {
        let dm = map_ints_to_md(second, third);
        if let Some(dm) = dm {
            let year = two_to_four_digit_year(year);
            return Some((i32::from(year), dm.0, dm.1));
        }
    }

    None
}

/// Takes two ints and returns them in a (m, d) tuple
fn map_ints_to_md(first: u16, second: u16) -> Option<(i8, i8)> {
    for &(d, m) in &[(first, second), (second, first)] {
        if (1..=31).contains(&d) && (1..=12).contains(&m) {
            return Some((m as i8, d as i8));
        }
    }
    None
}

fn two_to_four_digit_year(year: u16) -> u16 {
    if year > 99 {
        year
    } else if year > 50 {
        // 87 -> 1987
        year + 1900
    } else {
        // 15 -> 2015
        year + 2000
    }
}

const DATE_MIN_YEAR: u16 = 1000;
const DATE_MAX_YEAR: u16 = 2050;
lazy_static! {
    static ref DATE_SPLITS: HashMap<usize, Vec<(usize, usize)>> = {
        let mut table = HashMap::with_capacity(5);
        // for length-4 strings, eg 1191 or 9111, two ways to split:
        // 1 1 91 (2nd split starts at index 1, 3rd at index 2)
        // 91 1 1
        table.insert(4, vec![(1, 2), (2, 3)]);
        // 1 11 91
        // 11 1 91
        table.insert(5, vec![(1, 3), (2, 3)]);
        // 1 1 1991
        // 11 11 91
        // 1991 1 1
        table.insert(6, vec![(1, 2), (2, 4), (4, 5)]);
        // 1 11 1991
        // 11 1 1991
        // 1991 1 11
        // 1991 11 1
        table.insert(7, vec![(1, 3), (2, 3), (4, 5), (4, 6)]);
        // 11 11 1991
        // 1991 11 11
        table.insert(8, vec![(2, 4), (4, 6)]);
        table
    };
}

#[cfg(test)]
pub(crate) mod reference;

#[cfg(test)]
mod tests {
    use crate::matching;
    use crate::matching::patterns::*;
    use crate::matching::Matcher;
    use std::collections::HashMap;

    #[test]
    fn test_has_square_agrees_with_the_repeat_regex() {
        // vaultlint change: has_square must be true wherever `(.+)\1+`
        // matches (it may be true where the regex does not match, when the
        // repeat contains a newline).
        let regex = fancy_regex::Regex::new(r"(.+)\1+").unwrap();
        let alphabet = ['a', 'b', 'c', '1'];
        let mut strings = vec![String::new()];
        for _ in 0..8 {
            let next: Vec<String> = strings
                .iter()
                .flat_map(|s| alphabet.iter().map(move |c| format!("{}{}", s, c)))
                .collect();
            for s in &next {
                let square = matching::has_square(s);
                let matched = regex.is_match(s).unwrap();
                assert_eq!(square, matched, "{:?}", s);
            }
            strings = next;
        }
        assert!(matching::has_square("x\nx\n"));
        assert!(!regex.is_match("x\nx\n").unwrap());
        assert!(!matching::has_square("abcabdabc"));
        assert!(matching::has_square("zabcabcz"));
    }

    #[test]
    fn test_hand_matchers_agree_with_the_regexes() {
        // vaultlint change: the regexes these functions replace.
        let year = regex::Regex::new(r"19[0-9]{2}|20[0-9]{2}").unwrap();
        let no_separator = regex::Regex::new(r"^[0-9]{4,8}$").unwrap();
        let with_separator =
            regex::Regex::new(r"^([0-9]{1,4})([\s/\\_.-])([0-9]{1,2})([\s/\\_.-])([0-9]{1,4})$")
                .unwrap();
        let alphabet = [
            '1', '9', '2', '0', '5', '/', '\\', '_', '.', '-', ' ', '\u{3000}', '\t', 'a',
            '\u{663}', '\u{e9}',
        ];
        let mut state: u64 = 42;
        let mut next = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) as usize
        };
        let mut dates = 0;
        for _ in 0..300_000 {
            let len = next() % 13;
            let s: String = (0..len)
                .map(|_| alphabet[next() % alphabet.len()])
                .collect();
            let found: Vec<(usize, usize)> =
                year.find_iter(&s).map(|m| (m.start(), m.end())).collect();
            assert_eq!(matching::recent_years(&s), found, "{:?}", s);
            assert_eq!(
                matching::maybe_date_no_separator(&s),
                no_separator.is_match(&s),
                "{:?}",
                s
            );
            let captures = with_separator.captures(&s).map(|c| {
                [
                    c.get(1).unwrap().as_str(),
                    c.get(2).unwrap().as_str(),
                    c.get(3).unwrap().as_str(),
                    c.get(4).unwrap().as_str(),
                    c.get(5).unwrap().as_str(),
                ]
            });
            dates += usize::from(captures.is_some());
            assert_eq!(matching::maybe_date_with_separator(&s), captures, "{:?}", s);
        }
        assert!(
            dates > 100,
            "only {} dates with separators generated",
            dates
        );
    }

    /// vaultlint (issue 15): the hand-written repeat matcher finds what
    /// upstream's three regexes found, on every string of up to 8
    /// characters over a 4-character alphabet with a newline, and on
    /// generated passwords.
    #[test]
    fn test_repeat_at_agrees_with_the_regexes() {
        let alphabet = ['a', 'b', '1', '\n'];
        let mut strings = vec![String::new()];
        let mut checked = 0;
        for _ in 0..8 {
            strings = strings
                .iter()
                .flat_map(|s| alphabet.iter().map(move |c| format!("{}{}", s, c)))
                .collect();
            for s in &strings {
                let chars: Vec<char> = s.chars().collect();
                assert_eq!(
                    matching::repeat_at(&chars),
                    super::reference::repeat_by_regex(s),
                    "{:?}",
                    s
                );
                checked += 1;
            }
        }
        let mut found = 0;
        for (s, _) in super::reference::corpus(20_000, 11) {
            let chars: Vec<char> = s.chars().collect();
            let by_hand = matching::repeat_at(&chars);
            assert_eq!(by_hand, super::reference::repeat_by_regex(&s), "{:?}", s);
            found += usize::from(by_hand.is_some());
        }
        assert!(checked > 80_000 && found > 5_000, "{} {}", checked, found);
    }

    /// vaultlint (issue 15): the look-alike tables, their enumeration and
    /// the translation equal upstream's (its `HashMap`s), in the same order,
    /// for every set of up to 3 look-alikes and for 3,000 larger ones.
    #[test]
    fn test_l33t_tables_equal_the_previous_ones() {
        let look_alikes: Vec<char> = "4@8({[<3691!|70$5+%2".chars().collect();
        let mut sets: Vec<Vec<char>> = vec![vec![]];
        for a in 0..look_alikes.len() {
            sets.push(vec![look_alikes[a]]);
            for b in a + 1..look_alikes.len() {
                sets.push(vec![look_alikes[a], look_alikes[b]]);
                for c in b + 1..look_alikes.len() {
                    sets.push(vec![look_alikes[a], look_alikes[b], look_alikes[c]]);
                }
            }
        }
        let mut rng = super::reference::Rng(3);
        for _ in 0..3_000 {
            let set = look_alikes
                .iter()
                .filter(|_| rng.below(3) == 0)
                .copied()
                .collect();
            sets.push(set);
        }
        for set in sets {
            let password: String = set.iter().chain(['a', 'x'].iter()).collect();
            let new = matching::relevant_l33t_subtable(&password);
            let old = super::reference::relevant_l33t_subtable(&password);
            assert_eq!(new.iter().cloned().collect::<HashMap<_, _>>(), old);
            let subs = matching::enumerate_l33t_replacements(&new);
            let old_subs = super::reference::enumerate_l33t_replacements(&old);
            let as_maps: Vec<HashMap<char, char>> = subs
                .iter()
                .map(|sub| {
                    let map: HashMap<char, char> = sub.iter().copied().collect();
                    assert_eq!(map.len(), sub.len(), "a look-alike twice in {:?}", sub);
                    map
                })
                .collect();
            assert_eq!(as_maps, old_subs, "{:?}", password);
            for (sub, map) in subs.iter().zip(&old_subs) {
                assert_eq!(
                    matching::translate(&password, sub),
                    super::reference::translate(&password, map)
                );
            }
        }
    }

    /// vaultlint (issue 15): the l33t matcher's short cut for ASCII
    /// passwords (no match made over no substituted character) gives what
    /// the general way gives.
    #[test]
    fn test_l33t_short_cut_equals_the_general_way() {
        let mut with_matches = 0;
        for (password, inputs) in super::reference::corpus(6_000, 5) {
            let inputs: HashMap<String, usize> = inputs
                .into_iter()
                .enumerate()
                .map(|(i, w)| (w, i + 1))
                .collect();
            let user_inputs = matching::UserDictionary::new(&inputs);
            let general = matching::l33t_matches(&password, &user_inputs, false, None);
            let fast = matching::l33t_matches(&password, &user_inputs, true, None);
            assert_eq!(fast, general, "{:?}", password);
            let mut stops = Vec::new();
            matching::dictionary_scan(&password, &user_inputs, None, Some(&mut stops));
            assert_eq!(stops.len(), password.chars().count());
            let fastest = matching::l33t_matches(&password, &user_inputs, true, Some(&stops));
            assert_eq!(fastest, general, "{:?}", password);
            with_matches += usize::from(!fast.is_empty());
        }
        assert!(with_matches > 1_000, "{}", with_matches);
    }

    /// vaultlint (issue 15): the spatial matcher's step tables say what
    /// upstream's search of the adjacency lists found, for every pair of
    /// ASCII characters (and a few others) in each graph.
    #[test]
    fn test_spatial_steps_equal_the_adjacency_lists() {
        use crate::adjacency_graphs::{DVORAK, KEYPAD, MAC_KEYPAD, QWERTY};
        let graphs: [(&str, &matching::Adjacency); 4] = [
            ("qwerty", &QWERTY),
            ("dvorak", &DVORAK),
            ("keypad", &KEYPAD),
            ("mac_keypad", &MAC_KEYPAD),
        ];
        let mut chars: Vec<char> = (0u8..128).map(char::from).collect();
        chars.extend(['é', 'İ', '🙂', '\u{301}']);
        let mut adjacent = 0;
        for (k, (name, graph)) in graphs.iter().enumerate() {
            let table = &matching::SPATIAL_GRAPHS[k];
            assert_eq!(table.name, *name);
            for &from in &chars {
                for &to in &chars {
                    let mut want = 0u8;
                    if let Some(adjacents) = graph.get(&from) {
                        for (direction, adj) in adjacents.iter().enumerate() {
                            if let Some(at) = adj.and_then(|a| a.find(to)) {
                                want = (direction as u8 + 1) | if at == 1 { 0x80 } else { 0 };
                                break;
                            }
                        }
                    }
                    assert_eq!(table.step(from, to), want, "{} {:?} {:?}", name, from, to);
                    adjacent += usize::from(want != 0);
                }
            }
        }
        assert!(adjacent > 1_000, "{}", adjacent);
    }

    #[test]
    fn test_translate() {
        let chr_map = vec![('a', 'A'), ('b', 'B')];
        let test_data = [
            ("a", chr_map.clone(), "A"),
            ("c", chr_map.clone(), "c"),
            ("ab", chr_map.clone(), "AB"),
            ("abc", chr_map.clone(), "ABc"),
            ("aa", chr_map.clone(), "AA"),
            ("abab", chr_map.clone(), "ABAB"),
            ("", chr_map, ""),
            ("", Vec::new(), ""),
            ("abc", Vec::new(), "abc"),
        ];
        for &(string, ref map, result) in &test_data {
            assert_eq!(matching::translate(string, map), result);
        }
    }

    #[test]
    fn test_dictionary_matches_words_that_contain_other_words() {
        let matches = (matching::DictionaryMatch {}).get_matches("motherboard", &HashMap::new());
        let patterns = ["mother", "motherboard", "board"];
        let ijs = [(0, 5), (0, 10), (6, 10)];
        for (k, &pattern) in patterns.iter().enumerate() {
            let m = matches.iter().find(|m| m.token == *pattern).unwrap();
            let (i, j) = ijs[k];
            assert_eq!(m.i, i);
            assert_eq!(m.j, j);
            if let MatchPattern::Dictionary(ref p) = m.pattern {
                p
            } else {
                panic!("Wrong match pattern")
            };
        }
    }

    #[test]
    fn test_dictionary_matches_multiple_words_when_they_overlap() {
        let matches = (matching::DictionaryMatch {}).get_matches("1abcdef12", &HashMap::new());
        let patterns = ["1abcdef", "abcdef12"];
        let ijs = [(0, 6), (1, 8)];
        for (k, &pattern) in patterns.iter().enumerate() {
            let m = matches.iter().find(|m| m.token == *pattern).unwrap();
            let (i, j) = ijs[k];
            assert_eq!(m.i, i);
            assert_eq!(m.j, j);
            if let MatchPattern::Dictionary(ref p) = m.pattern {
                p
            } else {
                panic!("Wrong match pattern")
            };
        }
    }

    #[test]
    fn test_dictionary_ignores_uppercasing() {
        let matches = (matching::DictionaryMatch {}).get_matches("BoaRdZ", &HashMap::new());
        let patterns = ["BoaRd"];
        let ijs = [(0, 4)];
        for (k, &pattern) in patterns.iter().enumerate() {
            let m = matches.iter().find(|m| m.token == *pattern).unwrap();
            let (i, j) = ijs[k];
            assert_eq!(m.i, i);
            assert_eq!(m.j, j);
            if let MatchPattern::Dictionary(ref p) = m.pattern {
                p
            } else {
                panic!("Wrong match pattern")
            };
        }
    }

    #[test]
    fn test_dictionary_identifies_words_surrounded_by_non_words() {
        let matches = (matching::DictionaryMatch {}).get_matches("asdf1234&*", &HashMap::new());
        let patterns = ["asdf", "asdf1234"];
        let ijs = [(0, 3), (0, 7)];
        for (k, &pattern) in patterns.iter().enumerate() {
            let m = matches.iter().find(|m| m.token == *pattern).unwrap();
            let (i, j) = ijs[k];
            assert_eq!(m.i, i);
            assert_eq!(m.j, j);
            if let MatchPattern::Dictionary(ref p) = m.pattern {
                p
            } else {
                panic!("Wrong match pattern")
            };
        }
    }

    #[test]
    fn test_dictionary_matches_user_inputs() {
        use crate::frequency_lists::DictionaryType;
        let user_inputs = [("bejeebus".to_string(), 1)]
            .iter()
            .cloned()
            .collect::<HashMap<String, usize>>();
        let matches = (matching::DictionaryMatch {}).get_matches("bejeebus", &user_inputs);
        let patterns = ["bejeebus"];
        let ijs = [(0, 7)];
        for (k, &pattern) in patterns.iter().enumerate() {
            let m = matches.iter().find(|m| m.token == *pattern).unwrap();
            let (i, j) = ijs[k];
            assert_eq!(m.i, i);
            assert_eq!(m.j, j);
            let p = if let MatchPattern::Dictionary(ref p) = m.pattern {
                p
            } else {
                panic!("Wrong match pattern")
            };
            assert_eq!(p.dictionary_name, DictionaryType::UserInputs);
        }
    }

    #[test]
    fn test_dictionary_matches_against_reversed_words() {
        let matches = (matching::ReverseDictionaryMatch {}).get_matches("rehtom", &HashMap::new());
        let patterns = ["rehtom"];
        let ijs = [(0, 5)];
        for (k, &pattern) in patterns.iter().enumerate() {
            let m = matches.iter().find(|m| m.token == *pattern).unwrap();
            let (i, j) = ijs[k];
            assert_eq!(m.i, i);
            assert_eq!(m.j, j);
            let p = if let MatchPattern::Dictionary(ref p) = m.pattern {
                p
            } else {
                panic!("Wrong match pattern")
            };
            assert!(p.reversed);
        }
    }

    #[test]
    fn test_reduces_l33t_table_to_only_relevant_substitutions() {
        let test_data = vec![
            ("", Vec::new()),
            ("a", Vec::new()),
            ("4", vec![('a', vec!['4'])]),
            ("4@", vec![('a', vec!['4', '@'])]),
            (
                "4({60",
                vec![
                    ('a', vec!['4']),
                    ('c', vec!['(', '{']),
                    ('g', vec!['6']),
                    ('o', vec!['0']),
                ],
            ),
        ];
        for (pw, expected) in test_data {
            assert_eq!(matching::relevant_l33t_subtable(pw), expected);
        }
    }

    #[test]
    fn test_enumerates_sets_of_l33t_subs_a_password_might_be_using() {
        let test_data = vec![
            (Vec::new(), vec![Vec::new()]),
            (vec![('a', vec!['@'])], vec![vec![('@', 'a')]]),
            (
                vec![('a', vec!['@', '4'])],
                vec![vec![('@', 'a')], vec![('4', 'a')]],
            ),
            (
                vec![('a', vec!['@', '4']), ('c', vec!['('])],
                vec![vec![('@', 'a'), ('(', 'c')], vec![('4', 'a'), ('(', 'c')]],
            ),
        ];
        for (table, subs) in test_data {
            assert_eq!(matching::enumerate_l33t_replacements(&table), subs);
        }
    }

    #[test]
    fn test_dictionary_matches_against_l33t_words() {
        let matches = (matching::L33tMatch {}).get_matches("m0th3r", &HashMap::new());
        let patterns = ["m0th3r"];
        let ijs = [(0, 5)];
        for (k, &pattern) in patterns.iter().enumerate() {
            let m = matches.iter().find(|m| m.token == *pattern).unwrap();
            let (i, j) = ijs[k];
            assert_eq!(m.i, i);
            assert_eq!(m.j, j);
            let p = if let MatchPattern::Dictionary(ref p) = m.pattern {
                p
            } else {
                panic!("Wrong match pattern")
            };
            assert!(p.l33t);
        }
    }

    #[test]
    fn test_dictionary_matches_overlapping_l33ted_words() {
        let matches = (matching::L33tMatch {}).get_matches("p@ssw0rd", &HashMap::new());
        let patterns = ["p@ss", "@ssw0rd"];
        let ijs = [(0, 3), (1, 7)];
        for (k, &pattern) in patterns.iter().enumerate() {
            let m = matches.iter().find(|m| m.token == *pattern).unwrap();
            let (i, j) = ijs[k];
            assert_eq!(m.i, i);
            assert_eq!(m.j, j);
            let p = if let MatchPattern::Dictionary(ref p) = m.pattern {
                p
            } else {
                panic!("Wrong match pattern")
            };
            assert!(p.l33t);
        }
    }

    #[test]
    fn test_doesnt_match_when_multiple_l33t_subs_needed_for_same_letter() {
        let matches = (matching::L33tMatch {}).get_matches("p4@ssword", &HashMap::new());
        assert!(!matches.iter().any(|m| &m.token == "p4@ssword"));
    }

    #[test]
    fn test_doesnt_match_single_character_l33ted_words() {
        let matches = (matching::L33tMatch {}).get_matches("4 ( @", &HashMap::new());
        assert!(matches.is_empty());
    }

    #[test]
    fn test_doesnt_match_1_and_2_char_spatial_patterns() {
        for password in &["", "/", "qw", "*/"] {
            let result = (matching::SpatialMatch {}).get_matches(password, &HashMap::new());
            assert!(!result.into_iter().any(|m| m.token == *password));
        }
    }

    #[test]
    fn test_matches_spatial_patterns_surrounded_by_non_spatial_patterns() {
        let password = "6tfGHJ";
        let m = (matching::SpatialMatch {})
            .get_matches(password, &HashMap::new())
            .into_iter()
            .find(|m| m.token == *password)
            .unwrap();
        let p = if let MatchPattern::Spatial(ref p) = m.pattern {
            p
        } else {
            panic!("Wrong match pattern")
        };
        assert_eq!(p.graph, "qwerty".to_string());
        assert_eq!(p.turns, 2);
        assert_eq!(p.shifted_count, 3);
    }

    #[test]
    fn test_matches_pattern_as_a_keyboard_pattern() {
        let test_data = vec![
            ("12345", "qwerty", 1, 0),
            ("@WSX", "qwerty", 1, 4),
            ("6tfGHJ", "qwerty", 2, 3),
            ("hGFd", "qwerty", 1, 2),
            ("/;p09876yhn", "qwerty", 3, 0),
            ("Xdr%", "qwerty", 1, 2),
            ("159-", "keypad", 1, 0),
            ("*84", "keypad", 1, 0),
            ("/8520", "keypad", 1, 0),
            ("369", "keypad", 1, 0),
            ("/963.", "mac_keypad", 1, 0),
            ("*-632.0214", "mac_keypad", 9, 0),
            ("aoEP%yIxkjq:", "dvorak", 4, 5),
            (";qoaOQ:Aoq;a", "dvorak", 11, 4),
        ];
        for (password, keyboard, turns, shifts) in test_data {
            let matches = (matching::SpatialMatch {}).get_matches(password, &HashMap::new());
            let m = matches
                .into_iter()
                .find(|m| {
                    if let MatchPattern::Spatial(ref p) = m.pattern {
                        if m.token == *password && p.graph == keyboard {
                            return true;
                        }
                    };
                    false
                })
                .unwrap();
            let p = if let MatchPattern::Spatial(ref p) = m.pattern {
                p
            } else {
                panic!("Wrong match pattern")
            };
            assert_eq!(p.turns, turns);
            assert_eq!(p.shifted_count, shifts);
        }
    }

    #[test]
    fn test_doesnt_match_len_1_sequences() {
        for &password in &["", "a", "1"] {
            assert_eq!(
                (matching::SequenceMatch {}).get_matches(password, &HashMap::new()),
                Vec::new()
            );
        }
    }

    #[test]
    fn test_matches_overlapping_sequences() {
        let password = "abcbabc";
        let matches = (matching::SequenceMatch {}).get_matches(password, &HashMap::new());
        for &(pattern, i, j, ascending) in &[
            ("abc", 0, 2, true),
            ("cba", 2, 4, false),
            ("abc", 4, 6, true),
        ] {
            let m = matches
                .iter()
                .find(|m| m.token == *pattern && m.i == i && m.j == j)
                .unwrap();
            let p = if let MatchPattern::Sequence(ref p) = m.pattern {
                p
            } else {
                panic!("Wrong match pattern")
            };
            assert_eq!(p.ascending, ascending);
        }
    }

    #[test]
    fn test_matches_embedded_sequence_patterns() {
        let password = "!jihg22";
        let matches = (matching::SequenceMatch {}).get_matches(password, &HashMap::new());
        let m = matches.iter().find(|m| &m.token == "jihg").unwrap();
        let p = if let MatchPattern::Sequence(ref p) = m.pattern {
            p
        } else {
            panic!("Wrong match pattern")
        };
        assert_eq!(p.sequence_name, "lower");
        assert!(!p.ascending);
    }

    #[test]
    fn test_matches_pattern_as_sequence() {
        let test_data = [
            ("ABC", "upper", true),
            ("CBA", "upper", false),
            ("PQR", "upper", true),
            ("RQP", "upper", false),
            ("XYZ", "upper", true),
            ("ZYX", "upper", false),
            ("abcd", "lower", true),
            ("dcba", "lower", false),
            ("jihg", "lower", false),
            ("wxyz", "lower", true),
            ("zxvt", "lower", false),
            ("0369", "digits", true),
            ("97531", "digits", false),
        ];
        for &(pattern, name, is_ascending) in &test_data {
            let matches = (matching::SequenceMatch {}).get_matches(pattern, &HashMap::new());
            let m = matches.iter().find(|m| m.token == *pattern).unwrap();
            assert_eq!(m.i, 0);
            assert_eq!(m.j, pattern.len() - 1);
            let p = if let MatchPattern::Sequence(ref p) = m.pattern {
                p
            } else {
                panic!("Wrong match pattern")
            };
            assert_eq!(p.sequence_name, name);
            assert_eq!(p.ascending, is_ascending);
        }
    }

    #[test]
    fn test_doesnt_match_len_1_repeat_patterns() {
        for &password in &["", "#"] {
            assert_eq!(
                (matching::RepeatMatch {}).get_matches(password, &HashMap::new()),
                Vec::new()
            );
        }
    }

    #[test]
    fn test_matches_embedded_repeat_patterns() {
        let password = "y4@&&&&&u%7";
        let (i, j) = (3, 7);
        let matches = (matching::RepeatMatch {}).get_matches(password, &HashMap::new());
        let m = matches.iter().find(|m| &m.token == "&&&&&").unwrap();
        assert_eq!(m.i, i);
        assert_eq!(m.j, j);
        let p = if let MatchPattern::Repeat(ref p) = m.pattern {
            p
        } else {
            panic!("Wrong match pattern")
        };
        assert_eq!(p.base_token, "&".to_string());
    }

    #[test]
    fn test_repeats_with_base_character() {
        for len in 3..13 {
            for &chr in &['a', 'Z', '4', '&'] {
                let password = (0..len).map(|_| chr).collect::<String>();
                let matches = (matching::RepeatMatch {}).get_matches(&password, &HashMap::new());
                let m = matches
                    .iter()
                    .find(|m| {
                        if let MatchPattern::Repeat(ref p) = m.pattern {
                            if p.base_token == format!("{}", chr) {
                                return true;
                            }
                        };
                        false
                    })
                    .unwrap();
                assert_eq!(m.i, 0);
                assert_eq!(m.j, len - 1);
            }
        }
    }

    #[test]
    fn test_multiple_adjacent_repeats() {
        let password = "BBB1111aaaaa@@@@@@";
        let matches = (matching::RepeatMatch {}).get_matches(password, &HashMap::new());
        let test_data = [
            ("BBB", 0, 2),
            ("1111", 3, 6),
            ("aaaaa", 7, 11),
            ("@@@@@@", 12, 17),
        ];
        for &(pattern, i, j) in &test_data {
            let m = matches.iter().find(|m| m.token == pattern).unwrap();
            assert_eq!(m.i, i);
            assert_eq!(m.j, j);
            let p = if let MatchPattern::Repeat(ref p) = m.pattern {
                p
            } else {
                panic!("Wrong match pattern")
            };
            assert_eq!(p.base_token, pattern[0..1].to_string());
        }
    }

    #[test]
    fn test_multiple_non_adjacent_repeats() {
        let password = "2818BBBbzsdf1111@*&@!aaaaaEUDA@@@@@@1729";
        let matches = (matching::RepeatMatch {}).get_matches(password, &HashMap::new());
        let test_data = [
            ("BBB", 4, 6),
            ("1111", 12, 15),
            ("aaaaa", 21, 25),
            ("@@@@@@", 30, 35),
        ];
        for &(pattern, i, j) in &test_data {
            let m = matches.iter().find(|m| m.token == pattern).unwrap();
            assert_eq!(m.i, i);
            assert_eq!(m.j, j);
            let p = if let MatchPattern::Repeat(ref p) = m.pattern {
                p
            } else {
                panic!("Wrong match pattern")
            };
            assert_eq!(p.base_token, pattern[0..1].to_string());
        }
    }

    #[test]
    fn test_multiple_character_repeats() {
        let password = "abab";
        let (i, j) = (0, 3);
        let matches = (matching::RepeatMatch {}).get_matches(password, &HashMap::new());
        let m = matches.iter().find(|m| m.token == *password).unwrap();
        assert_eq!(m.i, i);
        assert_eq!(m.j, j);
        let p = if let MatchPattern::Repeat(ref p) = m.pattern {
            p
        } else {
            panic!("Wrong match pattern")
        };
        assert_eq!(p.base_token, "ab".to_string());
    }

    #[test]
    fn test_matches_longest_repeat() {
        let password = "aabaab";
        let (i, j) = (0, 5);
        let matches = (matching::RepeatMatch {}).get_matches(password, &HashMap::new());
        let m = matches.iter().find(|m| m.token == *password).unwrap();
        assert_eq!(m.i, i);
        assert_eq!(m.j, j);
        let p = if let MatchPattern::Repeat(ref p) = m.pattern {
            p
        } else {
            panic!("Wrong match pattern")
        };
        assert_eq!(p.base_token, "aab".to_string());
    }

    #[test]
    fn test_identifies_simplest_repeat() {
        let password = "abababab";
        let (i, j) = (0, 7);
        let matches = (matching::RepeatMatch {}).get_matches(password, &HashMap::new());
        let m = matches.iter().find(|m| m.token == *password).unwrap();
        assert_eq!(m.i, i);
        assert_eq!(m.j, j);
        let p = if let MatchPattern::Repeat(ref p) = m.pattern {
            p
        } else {
            panic!("Wrong match pattern")
        };
        assert_eq!(p.base_token, "ab".to_string());
    }

    #[test]
    fn test_identifies_repeat_with_multibyte_utf8() {
        let password = "x\u{1F431}\u{1F436}\u{1F431}\u{1F436}";
        let (i, j) = (1, 4);
        let matches = (matching::RepeatMatch {}).get_matches(password, &HashMap::new());
        let m = matches.iter().find(|m| m.token == password[1..]).unwrap();
        assert_eq!(m.i, i);
        assert_eq!(m.j, j);
        let p = if let MatchPattern::Repeat(ref p) = m.pattern {
            p
        } else {
            panic!("Wrong match pattern")
        };
        assert_eq!(p.base_token, "\u{1F431}\u{1F436}".to_string());
    }

    #[test]
    fn test_regex_matching() {
        let test_data = [("1922", "recent_year"), ("2017", "recent_year")];
        for &(pattern, name) in &test_data {
            let matches = (matching::RegexMatch {}).get_matches(pattern, &HashMap::new());
            let m = matches.iter().find(|m| m.token == *pattern).unwrap();
            assert_eq!(m.i, 0);
            assert_eq!(m.j, pattern.len() - 1);
            let p = if let MatchPattern::Regex(ref p) = m.pattern {
                p
            } else {
                panic!("Wrong match pattern")
            };
            assert_eq!(p.regex_name, name);
        }
    }

    #[test]
    fn test_date_matching_with_various_separators() {
        let separators = ["", " ", "-", "/", "\\", "_", "."];
        for sep in &separators {
            let password = format!("13{}2{}1921", sep, sep);
            let matches = (matching::DateMatch {}).get_matches(&password, &HashMap::new());
            let m = matches.iter().find(|m| m.token == password).unwrap();
            assert_eq!(m.i, 0);
            assert_eq!(m.j, password.len() - 1);
            let p = if let MatchPattern::Date(ref p) = m.pattern {
                p
            } else {
                panic!("Wrong match pattern")
            };
            assert_eq!(p.year, 1921);
            assert_eq!(p.month, 2);
            assert_eq!(p.day, 13);
            assert_eq!(p.separator, sep.to_string());
        }
    }

    #[test]
    fn test_date_matches_year_closest_to_reference_year() {
        let now = time::OffsetDateTime::now_utc();
        let password = format!("1115{}", now.year() % 100);
        let matches = (matching::DateMatch {}).get_matches(&password, &HashMap::new());
        let m = matches.iter().find(|m| m.token == password).unwrap();
        assert_eq!(m.i, 0);
        assert_eq!(m.j, password.len() - 1);
        let p = if let MatchPattern::Date(ref p) = m.pattern {
            p
        } else {
            panic!("Wrong match pattern")
        };
        assert_eq!(p.year, now.year());
        assert_eq!(p.month, 11);
        assert_eq!(p.day, 15);
        assert_eq!(p.separator, "".to_string());
    }

    #[test]
    fn test_date_matches() {
        let test_data = [(1, 1, 1999), (11, 8, 2000), (9, 12, 2005), (22, 11, 1551)];
        for &(day, month, year) in &test_data {
            let password = format!("{}{}{}", year, month, day);
            let matches = (matching::DateMatch {}).get_matches(&password, &HashMap::new());
            let m = matches.iter().find(|m| m.token == password).unwrap();
            assert_eq!(m.i, 0);
            assert_eq!(m.j, password.len() - 1);
            let p = if let MatchPattern::Date(ref p) = m.pattern {
                p
            } else {
                panic!("Wrong match pattern")
            };
            assert_eq!(p.year, year);
            assert_eq!(p.separator, "".to_string());
        }
        for &(day, month, year) in &test_data {
            let password = format!("{}.{}.{}", year, month, day);
            let matches = (matching::DateMatch {}).get_matches(&password, &HashMap::new());
            let m = matches.iter().find(|m| m.token == password).unwrap();
            assert_eq!(m.i, 0);
            assert_eq!(m.j, password.len() - 1);
            let p = if let MatchPattern::Date(ref p) = m.pattern {
                p
            } else {
                panic!("Wrong match pattern")
            };
            assert_eq!(p.year, year);
            assert_eq!(p.separator, ".".to_string());
        }
    }

    #[test]
    fn test_matching_zero_padded_dates() {
        let password = "02/02/02";
        let matches = (matching::DateMatch {}).get_matches(password, &HashMap::new());
        let m = matches.iter().find(|m| m.token == password).unwrap();
        assert_eq!(m.i, 0);
        assert_eq!(m.j, password.len() - 1);
        let p = if let MatchPattern::Date(ref p) = m.pattern {
            p
        } else {
            panic!("Wrong match pattern")
        };
        assert_eq!(p.year, 2002);
        assert_eq!(p.month, 2);
        assert_eq!(p.day, 2);
        assert_eq!(p.separator, "/".to_string());
    }

    #[test]
    fn test_matching_embedded_dates() {
        let password = "a1/1/91!";
        let matches = (matching::DateMatch {}).get_matches(password, &HashMap::new());
        let m = matches.iter().find(|m| &m.token == "1/1/91").unwrap();
        assert_eq!(m.i, 1);
        assert_eq!(m.j, password.len() - 2);
        let p = if let MatchPattern::Date(ref p) = m.pattern {
            p
        } else {
            panic!("Wrong match pattern")
        };
        assert_eq!(p.year, 1991);
        assert_eq!(p.month, 1);
        assert_eq!(p.day, 1);
        assert_eq!(p.separator, "/".to_string());
    }

    #[test]
    fn test_matching_overlapping_dates() {
        let password = "12/20/1991.12.20";
        let matches = (matching::DateMatch {}).get_matches(password, &HashMap::new());
        let m = matches.iter().find(|m| &m.token == "12/20/1991").unwrap();
        assert_eq!(m.i, 0);
        assert_eq!(m.j, 9);
        let p = if let MatchPattern::Date(ref p) = m.pattern {
            p
        } else {
            panic!("Wrong match pattern")
        };
        assert_eq!(p.year, 1991);
        assert_eq!(p.month, 12);
        assert_eq!(p.day, 20);
        assert_eq!(p.separator, "/".to_string());
        let m = matches.iter().find(|m| &m.token == "1991.12.20").unwrap();
        assert_eq!(m.i, 6);
        assert_eq!(m.j, password.len() - 1);
        let p = if let MatchPattern::Date(ref p) = m.pattern {
            p
        } else {
            panic!("Wrong match pattern")
        };
        assert_eq!(p.year, 1991);
        assert_eq!(p.month, 12);
        assert_eq!(p.day, 20);
        assert_eq!(p.separator, ".".to_string());
    }

    #[test]
    fn test_matches_dates_padded_by_non_ambiguous_digits() {
        let password = "912/20/919";
        let matches = (matching::DateMatch {}).get_matches(password, &HashMap::new());
        let m = matches.iter().find(|m| &m.token == "12/20/91").unwrap();
        assert_eq!(m.i, 1);
        assert_eq!(m.j, password.len() - 2);
        let p = if let MatchPattern::Date(ref p) = m.pattern {
            p
        } else {
            panic!("Wrong match pattern")
        };
        assert_eq!(p.year, 1991);
        assert_eq!(p.month, 12);
        assert_eq!(p.day, 20);
        assert_eq!(p.separator, "/".to_string());
    }

    #[test]
    fn test_omnimatch() {
        assert_eq!(matching::omnimatch("", &HashMap::new()), Vec::new());
        let password = "r0sebudmaelstrom11/20/91aaaa";
        let expected = [
            ("dictionary", 0, 6),
            ("dictionary", 7, 15),
            ("date", 16, 23),
            ("repeat", 24, 27),
        ];
        let matches = matching::omnimatch(password, &HashMap::new());
        for &(pattern_name, i, j) in &expected {
            assert!(matches
                .iter()
                .any(|m| m.pattern.variant() == pattern_name && m.i == i && m.j == j));
        }
    }
}
