//! Canonical forms the similarity rules compare: every character folded to
//! lower case with common look-alike substitutions undone (`P@ssw0rd` and
//! `password` fold to the same text), and the *base word* of a password (its
//! folded middle, from the first to the last letter: `Summer2022!` → `summer`).
//!
//! Folding is one character to one character, so a folded password has as
//! many characters as the password, and the edit distance of two folded
//! passwords is never larger than that of the passwords themselves.

use zeroize::Zeroizing;

/// Shortest base word (in characters) that the "same base word" rule and the
/// containment rule accept: shorter cores (`ab12` / `ab99`) are too common to
/// say the two passwords are related.
pub const MIN_BASE: usize = 4;

/// Folds one character: lower case, then the look-alike digits and symbols
/// people substitute for letters (`@`/`4` → a, `3` → e, `1`/`!`/`|` → i,
/// `0` → o, `$`/`5` → s, `7`/`+` → t). A character with no single-character
/// lower case is kept as it is.
pub fn fold_char(c: char) -> char {
    let lower = if c.is_ascii() {
        c.to_ascii_lowercase()
    } else {
        let mut l = c.to_lowercase();
        match (l.next(), l.next()) {
            (Some(one), None) => one,
            _ => c,
        }
    };
    match lower {
        '@' | '4' => 'a',
        '3' => 'e',
        '1' | '!' | '|' => 'i',
        '0' => 'o',
        '$' | '5' => 's',
        '7' | '+' => 't',
        other => other,
    }
}

/// The folded characters of `s`.
pub fn fold(s: &str) -> Vec<char> {
    s.chars().map(fold_char).collect()
}

/// True when `a` and `b` have the same length and fold to the same text.
pub fn fold_eq(a: &[char], b: &[char]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(&x, &y)| fold_char(x) == fold_char(y))
}

/// Character range of the core of `chars`: from its first to its last
/// alphabetic character (empty when it has none).
pub fn core_range(chars: &[char]) -> std::ops::Range<usize> {
    match chars.iter().position(|c| c.is_alphabetic()) {
        None => 0..0,
        Some(first) => {
            let last = chars
                .iter()
                .rposition(|c| c.is_alphabetic())
                .unwrap_or(first);
            first..last + 1
        }
    }
}

/// The base word of a password: its folded core, when it has at least
/// [`MIN_BASE`] characters. Both the characters read and the base are
/// wiped on drop (trust rule 5).
pub fn base(s: &str) -> Option<Zeroizing<Vec<char>>> {
    let chars: Zeroizing<Vec<char>> = Zeroizing::new(s.chars().collect());
    let core = core_range(&chars);
    (core.len() >= MIN_BASE)
        .then(|| Zeroizing::new(chars[core].iter().map(|&c| fold_char(c)).collect()))
}

/// A password prepared for comparison: its folded characters and the range
/// of its base word. Holds no plaintext beyond what folding keeps, and is
/// wiped on drop like the passwords it comes from.
pub struct Prepared {
    pub fold: Vec<char>,
    /// Range of the core in `fold` (see [`core_range`]).
    pub core: std::ops::Range<usize>,
}

impl Prepared {
    pub fn new(password: &str) -> Self {
        let chars: Vec<char> = password.chars().collect();
        let core = core_range(&chars);
        let fold = chars.iter().map(|&c| fold_char(c)).collect();
        let mut chars = chars;
        zeroize::Zeroize::zeroize(&mut chars);
        Prepared { fold, core }
    }

    /// Length in characters.
    pub fn len(&self) -> usize {
        self.fold.len()
    }

    pub fn is_empty(&self) -> bool {
        self.fold.is_empty()
    }

    /// The folded base word, if long enough to compare.
    pub fn base(&self) -> Option<&[char]> {
        (self.core.len() >= MIN_BASE).then(|| &self.fold[self.core.clone()])
    }
}

impl Drop for Prepared {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.fold);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[char]) -> String {
        v.iter().collect()
    }

    #[test]
    fn folds_case_and_look_alikes() {
        assert_eq!(s(&fold("P@ssw0rd")), "password");
        assert_eq!(fold("P@ssw0rd2024"), fold("Password2024"));
        assert_eq!(fold("falcon2019"), fold("Falcon2019"));
        assert_ne!(fold("Summer2022!"), fold("Summer2023!"));
        assert_eq!(fold_char('É'), 'é');
        // A character whose lower case is two characters stays as it is.
        assert_eq!(fold_char('İ'), 'İ');
        assert_eq!(fold("naïve").len(), 5);
    }

    #[test]
    fn base_words() {
        assert_eq!(
            base("Summer2022!").map(|b| s(&b)).as_deref(),
            Some("summer")
        );
        assert_eq!(base("P@ssw0rd2024"), base("Password2024"));
        assert_eq!(base("#Library#2021"), base("Library#2022"));
        assert_eq!(base("123456"), None);
        assert_eq!(base("ab12"), None);
        assert_eq!(
            base("xy-z1w"),
            Some(Zeroizing::new("xy-z1w".chars().map(fold_char).collect()))
        );
        let p = Prepared::new("!!Monkey99");
        assert_eq!(p.base().map(s).as_deref(), Some("monkey"));
        assert_eq!(p.len(), 10);
    }

    #[test]
    fn fold_eq_needs_same_length() {
        let a: Vec<char> = "Ab1".chars().collect();
        let b: Vec<char> = "aBi".chars().collect();
        assert!(fold_eq(&a, &b));
        assert!(!fold_eq(&a, &b[..2]));
    }
}
