//! Bounded optimal-string-alignment distance (Damerau-Levenshtein where no
//! substring is edited twice; what `strsim::osa_distance` computes).
//!
//! [`osa_within`] only answers "is the distance at most `k`?": it fills the
//! diagonal band of width `2k + 1` of the dynamic programme, with values
//! clamped at `k + 1`, and stops as soon as two consecutive rows exceed `k`,
//! so a check costs `O(k · n)` instead of `O(n · m)` and usually ends after a
//! few rows. (`strsim` has no bounded variant; its full distance is the
//! reference the tests compare against.)

/// Reusable row buffers, so the candidate loop does not allocate.
#[derive(Debug, Default)]
pub struct Scratch {
    prev2: Vec<u32>,
    prev: Vec<u32>,
    cur: Vec<u32>,
}

/// The OSA distance between `a` and `b` if it is at most `k`, else `None`.
pub fn osa_within(a: &[char], b: &[char], k: usize, scratch: &mut Scratch) -> Option<usize> {
    let (n, m) = (a.len(), b.len());
    if n.abs_diff(m) > k {
        return None;
    }
    if k == 0 {
        return (a == b).then_some(0);
    }
    if n == 0 || m == 0 {
        return Some(n.max(m));
    }
    let inf = (k + 1) as u32;
    let Scratch { prev2, prev, cur } = scratch;
    for row in [&mut *prev2, &mut *prev, &mut *cur] {
        row.clear();
        row.resize(m + 1, inf);
    }
    for (j, cell) in prev.iter_mut().enumerate().take(k.min(m) + 1) {
        *cell = j as u32;
    }
    let mut prev_min = 0u32;
    for i in 1..=n {
        let lo = if i > k { i - k } else { 1 };
        let hi = m.min(i + k);
        cur[lo - 1] = if lo == 1 { (i as u32).min(inf) } else { inf };
        let mut row_min = cur[lo - 1];
        let ai = a[i - 1];
        for j in lo..=hi {
            let bj = b[j - 1];
            let cost = u32::from(ai != bj);
            let mut v = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && ai == b[j - 2] && a[i - 2] == bj {
                v = v.min(prev2[j - 2] + 1);
            }
            let v = v.min(inf);
            cur[j] = v;
            row_min = row_min.min(v);
        }
        if hi < m {
            cur[hi + 1] = inf;
        }
        // Every later row is at least min(this row, the previous row + 1).
        if row_min > k as u32 && prev_min >= k as u32 {
            return None;
        }
        prev_min = row_min;
        std::mem::swap(prev2, prev);
        std::mem::swap(prev, cur);
    }
    let d = prev[m] as usize;
    (d <= k).then_some(d)
}

/// A string of at most 64 characters prepared for bit-parallel OSA
/// distances against many others (Hyyrö 2003, "A bit-vector algorithm for
/// computing Levenshtein and Damerau edit distances", the variant
/// `rapidfuzz` uses for OSA): one column of the dynamic programme is a few
/// word operations instead of a band of cells. Reused across strings by
/// [`Pattern::set`].
pub struct Pattern {
    len: usize,
    /// Positions of each ASCII character in the pattern, as bits.
    ascii: [u64; 128],
    /// The same for other characters.
    other: Vec<(char, u64)>,
}

impl Default for Pattern {
    fn default() -> Self {
        Pattern {
            len: 0,
            ascii: [0; 128],
            other: Vec::new(),
        }
    }
}

impl Pattern {
    /// Longest pattern [`Pattern::set`] accepts.
    pub const MAX: usize = 64;

    /// Makes `p` the pattern; false (and no pattern) when it is longer than
    /// [`Pattern::MAX`].
    pub fn set(&mut self, p: &[char]) -> bool {
        self.ascii = [0; 128];
        self.other.clear();
        self.len = 0;
        if p.len() > Self::MAX {
            return false;
        }
        for (i, &c) in p.iter().enumerate() {
            let bit = 1u64 << i;
            if c.is_ascii() {
                self.ascii[c as usize] |= bit;
            } else {
                match self.other.iter_mut().find(|e| e.0 == c) {
                    Some(e) => e.1 |= bit,
                    None => self.other.push((c, bit)),
                }
            }
        }
        self.len = p.len();
        true
    }

    fn positions(&self, c: char) -> u64 {
        if c.is_ascii() {
            self.ascii[c as usize]
        } else {
            self.other.iter().find(|e| e.0 == c).map_or(0, |e| e.1)
        }
    }

    /// The OSA distance between the pattern and `text` if it is at most
    /// `k`, else `None`: the same answer as [`osa_within`].
    pub fn within(&self, text: &[char], k: usize) -> Option<usize> {
        let m = self.len;
        if m.abs_diff(text.len()) > k {
            return None;
        }
        if m == 0 {
            return Some(text.len());
        }
        let last = 1u64 << (m - 1);
        let (mut vp, mut vn, mut d0, mut pm_old) = (!0u64, 0u64, 0u64, 0u64);
        let mut dist = m;
        // Characters of `text` still to read: the distance moves by at most
        // one per character, so once it exceeds `k` by more than what is
        // left it cannot come back within `k`.
        let mut left = text.len();
        for &c in text {
            left -= 1;
            let pm = self.positions(c);
            let tr = ((!d0 & pm) << 1) & pm_old;
            d0 = ((((pm & vp).wrapping_add(vp)) ^ vp) | pm | vn) | tr;
            let hp = vn | !(d0 | vp);
            let hn = d0 & vp;
            if hp & last != 0 {
                dist += 1;
            }
            if hn & last != 0 {
                dist -= 1;
            }
            let hp = (hp << 1) | 1;
            let hn = hn << 1;
            vp = hn | !(d0 | hp);
            vn = hp & d0;
            pm_old = pm;
            if dist > k + left {
                return None;
            }
        }
        (dist <= k).then_some(dist)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn bits(a: &str, b: &str, k: usize) -> Option<usize> {
        let a: Vec<char> = a.chars().collect();
        let b: Vec<char> = b.chars().collect();
        let mut p = Pattern::default();
        assert!(p.set(&a));
        p.within(&b, k)
    }

    fn within(a: &str, b: &str, k: usize) -> Option<usize> {
        let a: Vec<char> = a.chars().collect();
        let b: Vec<char> = b.chars().collect();
        osa_within(&a, &b, k, &mut Scratch::default())
    }

    #[test]
    fn examples() {
        assert_eq!(within("summer2022", "summer2023", 2), Some(1));
        assert_eq!(within("password", "pasword", 1), Some(1));
        assert_eq!(within("password", "paswsord", 1), Some(1));
        assert_eq!(within("ca", "abc", 3), Some(3));
        assert_eq!(within("abcdef", "ghijkl", 2), None);
        assert_eq!(within("", "ab", 2), Some(2));
        assert_eq!(within("", "abc", 2), None);
        assert_eq!(within("abc", "abc", 0), Some(0));
        assert_eq!(within("abc", "abd", 0), None);
        assert_eq!(within("monkey", "monkey1!", 2), Some(2));
    }

    #[test]
    fn bit_parallel_examples() {
        assert_eq!(bits("summer2022", "summer2023", 2), Some(1));
        assert_eq!(bits("password", "paswsord", 1), Some(1));
        assert_eq!(bits("ca", "abc", 3), Some(3));
        assert_eq!(bits("abcdef", "ghijkl", 2), None);
        assert_eq!(bits("", "ab", 2), Some(2));
        assert_eq!(bits("ab", "", 2), Some(2));
        assert_eq!(bits("é日x", "日éx", 1), Some(1));
        let long: String = "ab".repeat(32);
        assert_eq!(bits(&long, &long[1..], 1), Some(1));
        let mut p = Pattern::default();
        assert!(!p.set(&['a'; 65]));
        // A pattern set after another keeps none of the first's characters.
        assert!(p.set(&['x', 'y']));
        assert_eq!(p.within(&['a', 'a'], 4), Some(2));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        /// Same answer as strsim's full OSA distance, over a small alphabet so
        /// that distances near the bound are common.
        #[test]
        fn agrees_with_strsim(a in "[abc1!]{0,14}", b in "[abc1!]{0,14}", k in 0usize..5) {
            let full = strsim::osa_distance(&a, &b);
            let expected = (full <= k).then_some(full);
            prop_assert_eq!(within(&a, &b, k), expected);
            prop_assert_eq!(bits(&a, &b, k), expected);
        }

        /// The bit-parallel distance on patterns up to 64 characters, with
        /// non-ASCII characters, against strsim.
        #[test]
        fn bit_parallel_agrees_with_strsim(a in "[ab1é日]{0,64}", b in "[ab1é日]{0,70}", k in 0usize..70) {
            let full = strsim::osa_distance(&a, &b);
            prop_assert_eq!(bits(&a, &b, k), (full <= k).then_some(full));
        }

        #[test]
        fn agrees_on_mutations(a in "[a-e]{1,20}", edits in proptest::collection::vec((0usize..4, 0usize..20, 0u8..5), 0..4), k in 1usize..5) {
            let mut b: Vec<char> = a.chars().collect();
            for (op, pos, c) in edits {
                let c = (b'a' + c) as char;
                let p = pos % (b.len() + 1);
                match op {
                    0 => b.insert(p, c),
                    1 if p < b.len() => { b.remove(p); }
                    2 if p < b.len() => b[p] = c,
                    3 if p + 1 < b.len() => b.swap(p, p + 1),
                    _ => {}
                }
            }
            let b: String = b.into_iter().collect();
            let full = strsim::osa_distance(&a, &b);
            prop_assert_eq!(within(&a, &b, k), (full <= k).then_some(full));
            prop_assert_eq!(bits(&a, &b, k), (full <= k).then_some(full));
        }
    }
}
