//! What changed between two similar passwords, in words that reveal no
//! character of either.
//!
//! The words name *kinds* of change ("capitalisation changed", "same base
//! word, year changed", "a symbol added at the end"), never the characters,
//! the base word, the digits or the years involved: quoting the base word
//! (`summer`) or the years (`2022 → 2023`) would print part of the password,
//! which no output may ever hold. They may say whether one or several
//! characters were added, which tells no more than the length does.

use serde::Serialize;

use super::fold::{core_range, fold_char, fold_eq};

/// Where characters were added.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Place {
    Start,
    End,
    BothEnds,
    Middle,
}

/// What kind of characters were added.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Digit,
    Digits,
    Symbol,
    Symbols,
    Letter,
    Letters,
    DigitsAndSymbols,
    Characters,
}

/// One kind of change between two passwords.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "tweak")]
pub enum Tweak {
    /// Upper / lower case of some letters.
    Case,
    /// Letters swapped for look-alike digits or symbols (`a` ↔ `@`).
    LookAlike,
    /// Same base word, with changed digits or symbols around it.
    SameBase,
    /// A year (1900–2099) replaced by another.
    YearChanged,
    /// A number replaced by the next or previous one.
    NumberIncremented,
    DigitsChanged,
    SymbolsChanged,
    Added {
        kind: Kind,
        place: Place,
    },
    /// One is the other written backwards.
    Reversed,
    /// One character replaced by a neighbouring key (QWERTY).
    KeyboardTypo,
    /// Two neighbouring characters swapped.
    Transposition,
    /// Any other small edit: this many characters differ.
    SmallEdit {
        edits: usize,
    },
}

impl Tweak {
    /// Stable snake_case code for reports.
    pub fn code(self) -> &'static str {
        match self {
            Tweak::Case => "case",
            Tweak::LookAlike => "look_alike",
            Tweak::SameBase => "same_base",
            Tweak::YearChanged => "year_changed",
            Tweak::NumberIncremented => "number_incremented",
            Tweak::DigitsChanged => "digits_changed",
            Tweak::SymbolsChanged => "symbols_changed",
            Tweak::Added { .. } => "added",
            Tweak::Reversed => "reversed",
            Tweak::KeyboardTypo => "keyboard_typo",
            Tweak::Transposition => "transposition",
            Tweak::SmallEdit { .. } => "small_edit",
        }
    }

    /// The tweak as a finding's details write it (same JSON as its
    /// `Serialize`, keys sorted).
    pub fn detail(self) -> crate::report::details::TweakDetail {
        let (edits, kind, place) = match self {
            Tweak::Added { kind, place } => (
                None,
                Some(match kind {
                    Kind::Digit => "digit",
                    Kind::Digits => "digits",
                    Kind::Symbol => "symbol",
                    Kind::Symbols => "symbols",
                    Kind::Letter => "letter",
                    Kind::Letters => "letters",
                    Kind::DigitsAndSymbols => "digits_and_symbols",
                    Kind::Characters => "characters",
                }),
                Some(match place {
                    Place::Start => "start",
                    Place::End => "end",
                    Place::BothEnds => "both_ends",
                    Place::Middle => "middle",
                }),
            ),
            Tweak::SmallEdit { edits } => (Some(edits), None, None),
            _ => (None, None, None),
        };
        crate::report::details::TweakDetail {
            edits,
            kind,
            place,
            tweak: self.code(),
        }
    }

    /// A known guessing rule (everything but [`Tweak::SmallEdit`]).
    pub fn is_known_rule(self) -> bool {
        !matches!(self, Tweak::SmallEdit { .. })
    }

    /// The change in words (no password characters).
    pub fn words(self) -> String {
        match self {
            Tweak::Case => "capitalisation changed".into(),
            Tweak::LookAlike => "letters swapped for look-alike digits or symbols".into(),
            Tweak::SameBase => "same base word".into(),
            Tweak::YearChanged => "year changed".into(),
            Tweak::NumberIncremented => "number changed by one".into(),
            Tweak::DigitsChanged => "digits changed".into(),
            Tweak::SymbolsChanged => "symbols changed".into(),
            Tweak::Added { kind, place } => {
                let what = match kind {
                    Kind::Digit => "a digit",
                    Kind::Digits => "digits",
                    Kind::Symbol => "a symbol",
                    Kind::Symbols => "symbols",
                    Kind::Letter => "a letter",
                    Kind::Letters => "letters",
                    Kind::DigitsAndSymbols => "digits and symbols",
                    Kind::Characters => "characters",
                };
                let place = match place {
                    Place::Start => "at the start",
                    Place::End => "at the end",
                    Place::BothEnds => "at both ends",
                    Place::Middle => "in the middle",
                };
                format!("{what} added {place}")
            }
            Tweak::Reversed => "written backwards".into(),
            Tweak::KeyboardTypo => "one character replaced by a neighbouring key".into(),
            Tweak::Transposition => "two neighbouring characters swapped".into(),
            Tweak::SmallEdit { edits: 1 } => "one character differs".into(),
            Tweak::SmallEdit { edits } => format!("{edits} characters differ"),
        }
    }
}

/// The tweaks, as one phrase: "same base word, year changed".
pub fn describe(tweaks: &[Tweak]) -> String {
    let words: Vec<String> = tweaks.iter().map(|t| t.words()).collect();
    words.join(", ")
}

/// What changed between two distinct passwords the engine found similar.
pub fn classify(a: &str, b: &str) -> Vec<Tweak> {
    let ca: Vec<char> = a.chars().collect();
    let cb: Vec<char> = b.chars().collect();
    let mut out = classify_chars(&ca, &cb);
    out.dedup();
    out
}

fn classify_chars(a: &[char], b: &[char]) -> Vec<Tweak> {
    // Same text after folding: only case and look-alikes.
    if fold_eq(a, b) {
        return case_and_look_alikes(a, b);
    }
    // Same base word (folded core), different digits or symbols around it.
    let (ra, rb) = (core_range(a), core_range(b));
    if !ra.is_empty() && fold_eq(&a[ra.clone()], &b[rb.clone()]) {
        let mut affix = affix_change(&a[..ra.start], &b[..rb.start], Place::Start);
        affix.extend(affix_change(&a[ra.end..], &b[rb.end..], Place::End));
        let mut out = Vec::new();
        if affix.iter().any(|t| {
            matches!(
                t,
                Tweak::YearChanged
                    | Tweak::NumberIncremented
                    | Tweak::DigitsChanged
                    | Tweak::SymbolsChanged
            )
        }) {
            out.push(Tweak::SameBase);
        }
        out.extend(case_and_look_alikes(&a[ra], &b[rb]));
        out.extend(affix);
        return out;
    }
    if let Some(t) = digit_runs(a, b) {
        return t;
    }
    if a.len() == b.len()
        && a.iter()
            .zip(b.iter().rev())
            .all(|(&x, &y)| fold_char(x) == fold_char(y))
    {
        return vec![Tweak::Reversed];
    }
    if let Some(t) = containment(a, b) {
        return t;
    }
    small_edit(a, b)
}

/// Case and look-alike differences of two same-length, fold-equal texts.
fn case_and_look_alikes(a: &[char], b: &[char]) -> Vec<Tweak> {
    let (mut case, mut look) = (false, false);
    for (&x, &y) in a.iter().zip(b) {
        if x == y {
            continue;
        }
        if x.to_lowercase().eq(y.to_lowercase()) {
            case = true;
        } else {
            look = true;
        }
    }
    let mut out = Vec::new();
    if case {
        out.push(Tweak::Case);
    }
    if look {
        out.push(Tweak::LookAlike);
    }
    out
}

fn kind_of(chars: &[char]) -> Kind {
    let digits = chars.iter().filter(|c| c.is_numeric()).count();
    let letters = chars.iter().filter(|c| c.is_alphabetic()).count();
    let symbols = chars.len() - digits - letters;
    match (digits, symbols, letters) {
        (1, 0, 0) => Kind::Digit,
        (_, 0, 0) => Kind::Digits,
        (0, 1, 0) => Kind::Symbol,
        (0, _, 0) => Kind::Symbols,
        (0, 0, 1) => Kind::Letter,
        (0, 0, _) => Kind::Letters,
        (_, _, 0) => Kind::DigitsAndSymbols,
        _ => Kind::Characters,
    }
}

fn number_change(x: &[char], y: &[char]) -> Tweak {
    let year = |d: &[char]| {
        let s: String = d.iter().collect();
        d.len() == 4 && s.parse::<u32>().is_ok_and(|v| (1900..=2099).contains(&v))
    };
    if year(x) && year(y) {
        return Tweak::YearChanged;
    }
    let value = |d: &[char]| {
        let s: String = d.iter().collect();
        (d.len() <= 18).then(|| s.parse::<u64>().ok()).flatten()
    };
    match (value(x), value(y)) {
        (Some(p), Some(q)) if p.abs_diff(q) == 1 => Tweak::NumberIncremented,
        _ => Tweak::DigitsChanged,
    }
}

/// Change between two affixes (the non-letters before or after the core).
fn affix_change(x: &[char], y: &[char], place: Place) -> Vec<Tweak> {
    if x == y {
        return Vec::new();
    }
    if fold_eq(x, y) {
        return case_and_look_alikes(x, y);
    }
    if x.is_empty() || y.is_empty() {
        let added = if x.is_empty() { y } else { x };
        return vec![Tweak::Added {
            kind: kind_of(added),
            place,
        }];
    }
    let digits =
        |s: &[char]| -> Vec<char> { s.iter().copied().filter(|c| c.is_numeric()).collect() };
    let symbols =
        |s: &[char]| -> Vec<char> { s.iter().copied().filter(|c| !c.is_numeric()).collect() };
    let (dx, dy, sx, sy) = (digits(x), digits(y), symbols(x), symbols(y));
    let mut out = Vec::new();
    if dx != dy {
        if dx.is_empty() || dy.is_empty() {
            let added = if dx.is_empty() { &dy } else { &dx };
            out.push(Tweak::Added {
                kind: kind_of(added),
                place,
            });
        } else {
            out.push(number_change(&dx, &dy));
        }
    }
    if sx != sy {
        if sx.is_empty() || sy.is_empty() {
            let added = if sx.is_empty() { &sy } else { &sx };
            out.push(Tweak::Added {
                kind: kind_of(added),
                place,
            });
        } else {
            out.push(Tweak::SymbolsChanged);
        }
    }
    match out[..] {
        // Digits on one side, symbols on the other: the ending was replaced.
        [Tweak::Added { .. }, Tweak::Added { .. }] => {
            vec![Tweak::DigitsChanged, Tweak::SymbolsChanged]
        }
        // Same digits and symbols in another order.
        [] => vec![Tweak::SymbolsChanged],
        _ => out,
    }
}

/// Texts that are the same apart from their runs of digits ("Sum2019mer" /
/// "Sum2020mer"): one tweak per changed run.
fn digit_runs(a: &[char], b: &[char]) -> Option<Vec<Tweak>> {
    fn split(s: &[char]) -> (Vec<char>, Vec<&[char]>) {
        let mut text = Vec::new();
        let mut runs = Vec::new();
        let mut i = 0;
        while i < s.len() {
            if s[i].is_ascii_digit() {
                let start = i;
                while i < s.len() && s[i].is_ascii_digit() {
                    i += 1;
                }
                runs.push(&s[start..i]);
                text.push('\u{0}');
            } else {
                text.push(s[i]);
                i += 1;
            }
        }
        (text, runs)
    }
    let (ta, runs_a) = split(a);
    let (tb, runs_b) = split(b);
    if runs_a.is_empty() || !fold_eq(&ta, &tb) {
        return None;
    }
    let mut out = case_and_look_alikes(&ta, &tb);
    for (x, y) in runs_a.iter().zip(&runs_b) {
        if x != y {
            out.push(number_change(x, y));
        }
    }
    Some(out)
}

/// The shorter (folded) inside the longer.
fn containment(a: &[char], b: &[char]) -> Option<Vec<Tweak>> {
    let (s, t) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if s.is_empty() || s.len() == t.len() {
        return None;
    }
    let at = t.windows(s.len()).position(|w| fold_eq(w, s))?;
    let (before, after) = (&t[..at], &t[at + s.len()..]);
    let (place, added) = match (before.is_empty(), after.is_empty()) {
        (true, _) => (Place::End, after.to_vec()),
        (_, true) => (Place::Start, before.to_vec()),
        _ => (Place::BothEnds, [before, after].concat()),
    };
    let mut out = case_and_look_alikes(s, &t[at..at + s.len()]);
    out.push(Tweak::Added {
        kind: kind_of(&added),
        place,
    });
    Some(out)
}

/// QWERTY rows, unshifted and shifted, aligned by column.
const ROWS: [&str; 4] = [
    "`1234567890-=",
    "qwertyuiop[]\\",
    "asdfghjkl;'",
    "zxcvbnm,./",
];
const SHIFTED: [&str; 4] = [
    "~!@#$%^&*()_+",
    "QWERTYUIOP{}|",
    "ASDFGHJKL:\"",
    "ZXCVBNM<>?",
];

fn key_of(c: char) -> Option<(i32, i32)> {
    for (r, (plain, shifted)) in ROWS.iter().zip(SHIFTED).enumerate() {
        if let Some(col) = plain.chars().position(|k| k == c) {
            return Some((r as i32, col as i32));
        }
        if let Some(col) = shifted.chars().position(|k| k == c) {
            return Some((r as i32, col as i32));
        }
    }
    None
}

/// True when `x` and `y` are different keys that touch on a QWERTY keyboard
/// (each row is offset half a key to the right of the one above).
pub fn keyboard_adjacent(x: char, y: char) -> bool {
    match (key_of(x), key_of(y)) {
        (Some((r1, c1)), Some((r2, c2))) => match r2 - r1 {
            0 => (c1 - c2).abs() == 1,
            1 => c2 == c1 || c2 == c1 - 1,
            -1 => c2 == c1 || c2 == c1 + 1,
            _ => false,
        },
        _ => false,
    }
}

fn small_edit(a: &[char], b: &[char]) -> Vec<Tweak> {
    if a.len() == b.len() {
        let diff: Vec<usize> = (0..a.len())
            .filter(|&i| fold_char(a[i]) != fold_char(b[i]))
            .collect();
        if let [i] = diff[..] {
            let (x, y) = (a[i], b[i]);
            let lower = |c: char| c.to_lowercase().next().unwrap_or(c);
            if keyboard_adjacent(lower(x), lower(y)) || keyboard_adjacent(x, y) {
                return vec![Tweak::KeyboardTypo];
            }
        }
        if let [i, j] = diff[..] {
            let swapped = fold_char(a[i]) == fold_char(b[j]) && fold_char(a[j]) == fold_char(b[i]);
            if j == i + 1 && swapped {
                return vec![Tweak::Transposition];
            }
        }
    }
    let fa: String = a.iter().map(|&c| fold_char(c)).collect();
    let fb: String = b.iter().map(|&c| fold_char(c)).collect();
    let edits = strsim::osa_distance(&fa, &fb);
    if edits == 1 && a.len() != b.len() {
        let (s, t) = if a.len() < b.len() { (a, b) } else { (b, a) };
        let at = (0..s.len())
            .find(|&i| fold_char(s[i]) != fold_char(t[i]))
            .unwrap_or(s.len());
        return vec![Tweak::Added {
            kind: kind_of(&t[at..=at]),
            place: if at == 0 {
                Place::Start
            } else if at == s.len() {
                Place::End
            } else {
                Place::Middle
            },
        }];
    }
    vec![Tweak::SmallEdit { edits }]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn says(a: &str, b: &str) -> String {
        let forward = describe(&classify(a, b));
        assert_eq!(forward, describe(&classify(b, a)), "{a} / {b} is symmetric");
        forward
    }

    #[test]
    fn detail_writes_the_json_of_the_tweak() {
        let mut all = vec![
            Tweak::Case,
            Tweak::LookAlike,
            Tweak::SameBase,
            Tweak::YearChanged,
            Tweak::NumberIncremented,
            Tweak::DigitsChanged,
            Tweak::SymbolsChanged,
            Tweak::Reversed,
            Tweak::KeyboardTypo,
            Tweak::Transposition,
            Tweak::SmallEdit { edits: 3 },
        ];
        let kinds = [
            Kind::Digit,
            Kind::Digits,
            Kind::Symbol,
            Kind::Symbols,
            Kind::Letter,
            Kind::Letters,
            Kind::DigitsAndSymbols,
            Kind::Characters,
        ];
        let places = [Place::Start, Place::End, Place::BothEnds, Place::Middle];
        for kind in kinds {
            for place in places {
                all.push(Tweak::Added { kind, place });
            }
        }
        for t in all {
            // Through a JSON value (keys sorted), as the report used to hold it.
            let expected = serde_json::to_string(&serde_json::to_value(t).unwrap()).unwrap();
            assert_eq!(serde_json::to_string(&t.detail()).unwrap(), expected);
        }
    }

    #[test]
    fn family_samples() {
        assert_eq!(
            says("Summer2022!", "Summer2023!"),
            "same base word, year changed"
        );
        assert_eq!(says("falcon2019", "Falcon2019"), "capitalisation changed");
        assert_eq!(
            says("P@ssw0rd2024", "Password2024"),
            "letters swapped for look-alike digits or symbols"
        );
        assert_eq!(
            says("Library#2021", "Library#2022"),
            "same base word, year changed"
        );
    }

    #[test]
    fn affixes() {
        assert_eq!(
            says("monkey", "monkey1!"),
            "digits and symbols added at the end"
        );
        assert_eq!(says("monkey1", "monkey1!"), "a symbol added at the end");
        assert_eq!(says("dragon", "99dragon"), "digits added at the start");
        assert_eq!(says("pass99", "pass150"), "same base word, digits changed");
        assert_eq!(
            says("pass99", "pass100"),
            "same base word, number changed by one"
        );
        assert_eq!(
            says("pass99", "pass98"),
            "same base word, number changed by one"
        );
        assert_eq!(
            says("Summer2022!", "summer2022#"),
            "same base word, capitalisation changed, symbols changed"
        );
        assert_eq!(
            says("Sunshine", "sunshine2024!"),
            "capitalisation changed, digits and symbols added at the end"
        );
        assert_eq!(
            says("Hockey220", "Hockey!"),
            "same base word, digits changed, symbols changed"
        );
        assert_eq!(says("Hockey220", "Hockey220!"), "a symbol added at the end");
        assert_eq!(
            says("MyDragonfly", "dragonfly"),
            "capitalisation changed, letters added at the start"
        );
    }

    #[test]
    fn other_tweaks() {
        assert_eq!(says("Sum2019mer", "Sum2020mer"), "year changed");
        assert_eq!(says("drowssap", "password"), "written backwards");
        assert_eq!(
            says("dragonfly", "mydragonfly"),
            "letters added at the start"
        );
        assert_eq!(
            says("sunflower", "sunflowet"),
            "one character replaced by a neighbouring key"
        );
        assert_eq!(
            says("sunflower", "sunflwoer"),
            "two neighbouring characters swapped"
        );
        assert_eq!(
            says("sunflower", "sunfl#ower"),
            "a symbol added in the middle"
        );
        assert_eq!(says("sunflower", "sunxlowpr"), "2 characters differ");
        assert!(keyboard_adjacent('q', 'w'));
        assert!(keyboard_adjacent('s', 'w'));
        assert!(keyboard_adjacent('s', 'e'));
        assert!(keyboard_adjacent('s', 'x'));
        assert!(!keyboard_adjacent('s', 'c'));
        assert!(!keyboard_adjacent('s', 's'));
        assert!(keyboard_adjacent('1', '2'));
    }

    /// The words never contain a character run of either password (beyond
    /// what the generic words themselves spell).
    #[test]
    fn words_reveal_no_password_text() {
        let pairs = [
            ("Summer2022!", "Summer2023!"),
            ("kiwi#7", "kiwi#8"),
            ("zebra1990", "Zebra1991"),
            ("qz$9x", "qz$9xq"),
        ];
        for (a, b) in pairs {
            let text = describe(&classify(a, b)).to_lowercase();
            for p in [a, b] {
                let chars: Vec<char> = p.to_lowercase().chars().collect();
                for w in chars.windows(3) {
                    let w: String = w.iter().collect();
                    assert!(!text.contains(&w), "{text:?} contains {w:?}");
                }
            }
            assert!(!text.chars().any(|c| c.is_ascii_digit()), "{text:?}");
        }
    }
}
