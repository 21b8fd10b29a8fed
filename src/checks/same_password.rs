//! The accounts grouped by identical password (after decoding, before any
//! normalisation), computed once per audit for the checks that need it:
//! `reuse` (its groups) and `weak` (one zxcvbn score per distinct
//! password).
//!
//! Built without a map per password (issue 15): each account's password is
//! hashed in parallel into one list of `(hash, account)`, sorted in place,
//! and walked once; accounts whose hashes agree are compared (only those),
//! so a hash collision splits into its passwords. The hashes live in a
//! zeroizing list dropped before the groups are returned: what is kept is
//! account indices only. The maps this replaces (one in each check, keyed
//! by `&str`, one list per password in `reuse`) grew one password at a
//! time, re-hashing every password at each growth; in a profile of the
//! whole audit their serial loops took about 3x the time for 2x the
//! accounts (50,000 -> 100,000).

use std::hash::BuildHasher;

use rayon::prelude::*;
use rustc_hash::FxBuildHasher;
use zeroize::Zeroizing;

use super::Context;

/// The accounts with a password, in runs of one password each: run `k` is
/// `order[ends[k - 1]..ends[k]]` (from 0 for the first), its accounts
/// ascending. Runs come in no meaningful order (sort them where it
/// matters).
#[derive(Debug, Default)]
pub struct SamePasswords {
    order: Vec<u32>,
    ends: Vec<u32>,
}

/// Marks an account without a password in the hashed list (sorts last).
const NONE: u32 = u32::MAX;

impl SamePasswords {
    /// Groups the accounts of `ctx` by password.
    pub fn build(ctx: &Context) -> SamePasswords {
        let n = ctx.accounts.len();
        assert!(n < NONE as usize, "more accounts than a u32 can index");
        let password = |i: u32| ctx.entry(i as usize).password();
        // Filled in place (no intermediate buffers of hashes left unwiped).
        let mut keyed: Zeroizing<Vec<(u64, u32)>> = Zeroizing::new(vec![(0, 0); n]);
        keyed
            .par_iter_mut()
            .with_min_len(1024)
            .enumerate()
            .for_each(|(i, slot)| {
                let i = i as u32;
                *slot = match password(i) {
                    Some(p) => (FxBuildHasher.hash_one(p), i),
                    None => (u64::MAX, NONE),
                };
            });
        keyed.par_sort_unstable();
        // The accounts without a password sort last: `(u64::MAX, NONE)`
        // is above any account's key.
        let with = keyed.partition_point(|&k| k < (u64::MAX, NONE));
        let mut order = Vec::with_capacity(with);
        let mut ends = Vec::new();
        for run in keyed[..with].chunk_by(|a, b| a.0 == b.0) {
            push_runs(run, &password, &mut order, &mut ends);
        }
        SamePasswords { order, ends }
    }

    /// Each password's accounts, ascending.
    pub fn runs(&self) -> impl Iterator<Item = &[u32]> + '_ {
        self.ends.iter().scan(0usize, move |start, &end| {
            let run = &self.order[*start..end as usize];
            *start = end as usize;
            Some(run)
        })
    }

    /// The number of distinct passwords.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether no account has a password.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }
}

/// Appends the accounts of one hash run (not empty, ascending, each with a
/// password) as runs of equal passwords: one run unless hashes collided.
fn push_runs<'a>(
    run: &[(u64, u32)],
    password: &impl Fn(u32) -> Option<&'a str>,
    order: &mut Vec<u32>,
    ends: &mut Vec<u32>,
) {
    let first = password(run[0].1);
    if run[1..].iter().all(|&(_, i)| password(i) == first) {
        order.extend(run.iter().map(|&(_, i)| i));
        ends.push(order.len() as u32);
        return;
    }
    // A collision: by password, then account (stable on the ascending
    // accounts).
    let mut accounts: Vec<u32> = run.iter().map(|&(_, i)| i).collect();
    accounts.sort_by(|&a, &b| password(a).cmp(&password(b)));
    for same in accounts.chunk_by(|&a, &b| password(a) == password(b)) {
        order.extend_from_slice(same);
        ends.push(order.len() as u32);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Entry, EntryKind, Secret, Vault};
    use std::collections::BTreeMap;

    fn vault(passwords: &[Option<&str>]) -> Vault {
        let mut v = Vault::default();
        for (k, p) in passwords.iter().enumerate() {
            let mut e = Entry::new(EntryKind::Login, k as u64 + 2);
            e.title = format!("site {k}");
            e.password = p.map(Secret::new);
            v.entries.push(e);
        }
        v
    }

    /// The groups a map gives, as sorted lists.
    fn by_map(passwords: &[Option<&str>]) -> Vec<Vec<u32>> {
        let mut m: BTreeMap<&str, Vec<u32>> = BTreeMap::new();
        for (i, p) in passwords.iter().enumerate() {
            if let Some(p) = p.filter(|p| !p.is_empty()) {
                m.entry(p).or_default().push(i as u32);
            }
        }
        let mut g: Vec<Vec<u32>> = m.into_values().collect();
        g.sort();
        g
    }

    fn by_runs(passwords: &[Option<&str>]) -> Vec<Vec<u32>> {
        let v = vault(passwords);
        let accounts: Vec<usize> = (0..v.entries.len()).collect();
        let ctx = Context::for_tests(&v, &accounts);
        let same = SamePasswords::build(&ctx);
        let mut g: Vec<Vec<u32>> = same.runs().map(<[u32]>::to_vec).collect();
        assert_eq!(same.len(), g.len());
        for run in &g {
            assert!(run.windows(2).all(|w| w[0] < w[1]), "ascending: {run:?}");
        }
        g.sort();
        g
    }

    #[test]
    fn groups_each_password_once_with_its_accounts() {
        let words: Vec<String> = (0..3000).map(|k| format!("pw{}", k % 1700)).collect();
        let mut passwords: Vec<Option<&str>> = words.iter().map(|w| Some(w.as_str())).collect();
        for k in (0..passwords.len()).step_by(7) {
            passwords[k] = None;
        }
        // look-alike passwords are passwords of their own; an empty one is
        // no password
        passwords.extend([
            Some(""),
            Some("pw1 "),
            Some("PW1"),
            Some("pw1"),
            None,
            Some(""),
        ]);
        let got = by_runs(&passwords);
        assert_eq!(got, by_map(&passwords));
        assert!(got.iter().any(|g| g.len() > 1));
    }

    #[test]
    fn no_password_no_run() {
        assert!(by_runs(&[None, None]).is_empty());
        assert!(by_runs(&[]).is_empty());
        assert_eq!(
            by_runs(&[None, Some("a"), None, Some("a")]),
            vec![vec![1, 3]]
        );
    }

    #[test]
    fn colliding_hashes_are_split_by_password() {
        let (a, b) = ("alpha", "beta");
        let password = |i: u32| Some([a, b, a, b, a][i as usize]);
        let run: Vec<(u64, u32)> = (0..5).map(|i| (7, i)).collect();
        let (mut order, mut ends) = (Vec::new(), Vec::new());
        push_runs(&run, &password, &mut order, &mut ends);
        assert_eq!(order, vec![0, 2, 4, 1, 3]);
        assert_eq!(ends, vec![3, 5]);
    }
}
