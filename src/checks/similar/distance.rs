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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

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

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        /// Same answer as strsim's full OSA distance, over a small alphabet so
        /// that distances near the bound are common.
        #[test]
        fn agrees_with_strsim(a in "[abc1!]{0,14}", b in "[abc1!]{0,14}", k in 0usize..5) {
            let full = strsim::osa_distance(&a, &b);
            let expected = (full <= k).then_some(full);
            prop_assert_eq!(within(&a, &b, k), expected);
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
        }
    }
}
