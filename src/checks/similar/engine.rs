//! Which distinct passwords are similar, found without comparing all pairs.
//!
//! # The rule
//! Two distinct passwords `a` and `b` (lengths in characters, `m` the
//! shorter) are similar when, after folding both ([`super::fold`]: lower case,
//! look-alikes undone), at least one of these holds:
//!
//! 1. **small edit**: their optimal-string-alignment distance is at most
//!    `k(m)`: 0 for `m` ≤ 3 (so only case and look-alike changes), 1 for
//!    4–5, 2 for 6–19, 3 for 20–29 and 4 from 30 characters (for long
//!    passwords, a normalised similarity of about 0.85 or more);
//! 2. **same base word**: the same base of at least 4 characters
//!    (`Summer2022!` / `summer#99`);
//! 3. **containment**: the shorter, of at least 4 characters, occurs in the
//!    longer, which is at most twice as long (`monkey` / `monkey1!`);
//! 4. **reversal**: at least 4 characters, one is the other backwards.
//!
//! Rule 1 includes every pair within Levenshtein distance 2 of 6+ character
//! passwords: folding and transpositions only lower the distance.
//!
//! # How pairs are found
//! [`similar_graph`] never compares all pairs; every rule has a *complete*
//! blocking scheme, so it finds exactly the pairs [`naive_graph`] (the
//! exhaustive reference) finds:
//!
//! - **small edit** (pigeonhole, after PassJoin): the shorter string `s`,
//!   with `k = k(|s|)`, is cut into `k + 1` parts with one character left out
//!   between neighbouring parts. An edit touches at most one part (a
//!   transposition across a gap touches the gap and one part), so `k` edits
//!   leave one part intact in `t`, shifted by `-⌊(k-Δ)/2⌋` to `+⌊(k+Δ)/2⌋`
//!   positions (`Δ` = length difference: at most that many deletions and
//!   insertions precede it), fewer when only one chosen intact part is
//!   looked for ([`shifts`]: part `i` shifted by at most `i`, and by at
//!   most `k − i` from `Δ`). Parts are indexed by (length, part number,
//!   text); each password probes the index with its substrings at those
//!   positions, for each shorter length within `k`. Candidates whose
//!   character histograms show more than `k` characters one has beyond
//!   the other (a lower bound on the distance, [`Histogram`]) are dropped,
//!   a whole run of one base word's holders or a
//!   block of them at once when the envelope of their histograms is
//!   already too far ([`PartIndex`]); the rest are checked with a
//!   bit-parallel OSA distance ([`super::distance::Pattern`]; a bounded
//!   band for passwords over 64 characters).
//! - **same base word**: passwords are bucketed by base; a bucket is a
//!   clique, handed over whole ([`Graph::cliques`]).
//! - **containment**: the longer password looks each of its substrings of
//!   an admissible length (at least 4 characters and half its own) up in
//!   the index of whole folded passwords by hash, and compares the few it
//!   finds: `O(ℓ²)` lookups for a password of `ℓ` characters, whatever the
//!   other passwords are (an index of shared substrings, such as 4-grams,
//!   has entries held by thousands of passwords in dense data, and takes
//!   ten times the memory).
//! - **reversal**: the folded password reversed is looked up by hash.
//!
//! Hash collisions only add candidates, which are verified, or bring index
//! entries of another length, which are skipped (a similar pair is always
//! found through its own, genuine entries). Probing runs in parallel
//! (rayon), in chunks of passwords; each probe in stages (keys, runs,
//! blocks, holders, candidates) that ask for the next stage's memory
//! together ([`prefetch`]), as an export larger than the caches makes each
//! look-up a trip to memory.

use rayon::prelude::*;

use super::distance::{Pattern, Scratch, osa_within};
use super::fold::{MIN_BASE, Prepared, base, fold_char};
use super::graph::Graph;

/// Largest edit distance of rule 1 for a shorter password of `m` characters.
pub fn max_edits(m: usize) -> usize {
    match m {
        0..=3 => 0,
        4..=5 => 1,
        6..=19 => 2,
        20..=29 => 3,
        _ => 4,
    }
}

/// Largest `k` [`max_edits`] can return.
const MAX_K: usize = 4;

/// Which of the four rules hold for two passwords.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Rules {
    pub small_edit: bool,
    pub same_base: bool,
    pub containment: bool,
    pub reversal: bool,
}

impl Rules {
    pub fn any(self) -> bool {
        self.small_edit || self.same_base || self.containment || self.reversal
    }
}

/// A password as the reference sees it: folded text, length, base word.
struct Plain {
    fold: String,
    len: usize,
    base: Option<zeroize::Zeroizing<Vec<char>>>,
}

impl Plain {
    fn new(p: &str) -> Self {
        let fold: String = p.chars().map(fold_char).collect();
        Plain {
            len: fold.chars().count(),
            fold,
            base: base(p),
        }
    }
}

fn plain_rules(a: &Plain, b: &Plain) -> Rules {
    let k = max_edits(a.len.min(b.len));
    let (short, long) = if a.len <= b.len { (a, b) } else { (b, a) };
    let (ls, ll) = (short.len, long.len);
    Rules {
        // The distance is at least the length difference.
        small_edit: ll - ls <= k && strsim::osa_distance(&a.fold, &b.fold) <= k,
        same_base: a.base.is_some() && a.base == b.base,
        containment: ls >= MIN_BASE
            && ls < ll
            && 2 * ls >= ll
            && long.fold.contains(short.fold.as_str()),
        reversal: a.len >= MIN_BASE && a.fold.chars().eq(b.fold.chars().rev()),
    }
}

/// The rules evaluated directly on two passwords: the reference the fast
/// engine must agree with. Uses `strsim`'s full OSA distance and the standard
/// library's substring search, not the engine's own code.
pub fn rules(a: &str, b: &str) -> Rules {
    if a == b {
        return Rules::default();
    }
    plain_rules(&Plain::new(a), &Plain::new(b))
}

/// True when two passwords are similar (any rule holds).
pub fn is_similar(a: &str, b: &str) -> bool {
    rules(a, b).any()
}

/// Exhaustive reference: [`rules`] on every pair, `O(n²)`. For tests and
/// benchmarks. `passwords` must be distinct.
pub fn naive_graph(passwords: &[&str]) -> Graph {
    let n = passwords.len();
    let plain: Vec<Plain> = passwords.iter().map(|p| Plain::new(p)).collect();
    let plain = &plain;
    let pairs = (0..n)
        .into_par_iter()
        .flat_map_iter(|i| {
            ((i + 1)..n)
                .filter(move |&j| plain_rules(&plain[i], &plain[j]).any())
                .map(move |j| (i as u32, j as u32))
        })
        .collect();
    Graph {
        n,
        pairs,
        cliques: Vec::new(),
    }
}

const HASH_K: u64 = 0x517c_c1b7_2722_0a95;

/// One character into the running state of [`hash_chars`].
fn hash_step(h: u64, c: char) -> u64 {
    (h.rotate_left(5) ^ u64::from(c)).wrapping_mul(HASH_K)
}

/// The hash of a running state of [`hash_chars`].
fn hash_finish(h: u64) -> u64 {
    h ^ (h >> 29)
}

/// FxHash-style mixing of a seed and some characters. Collisions are harmless.
fn hash_chars(seed: u64, chars: &[char]) -> u64 {
    hash_finish(
        chars
            .iter()
            .fold(seed.wrapping_mul(HASH_K), |h, &c| hash_step(h, c)),
    )
}

/// The `k + 1` parts `(offset, length)` of a string of `len` characters,
/// with one character left out between neighbouring parts; longer parts last.
fn parts(len: usize, k: usize) -> impl Iterator<Item = (usize, usize)> {
    let kept = len.saturating_sub(k);
    let count = k + 1;
    let (small, extra) = (kept / count, kept % count);
    let mut offset = 0;
    (0..count).map(move |i| {
        let q = small + usize::from(i >= count - extra);
        let part = (offset, q);
        offset += q + 1;
        part
    })
}

/// Where part `i` (`(off, q)`, of a string `s` cut for `k` edits) may start
/// in a string `t` that is `delta` characters longer (`lt` in all), if it
/// is the part the argument below picks: an inclusive range of start
/// positions, empty when the first is past the last.
///
/// With at most `k` edits, `a` insertions and `d` deletions before the part
/// and the rest after it, its shift `a - d` is between `-⌊(k-Δ)/2⌋` and
/// `⌊(k+Δ)/2⌋` (`Δ` = `delta`). PassJoin's multi-match-aware selection
/// narrows it further. Give each edit of an optimal alignment to one part
/// it touches or borders (a gap's edit to either neighbour): `c_j` edits
/// for part `j`, `Σ c_j ≤ k` over `k + 1` parts, and a part with `c_j = 0`
/// is intact in `t`, with exactly the edits of the parts before it before
/// it. Let `P(i) = Σ_{j≤i} (c_j − 1)`: `P(−1) = 0` and `P(k) < 0`, so
/// there is a first `i` with `P(i) < 0`; there `P(i−1) = 0` and `c_i = 0`.
/// That part is intact with exactly `i` edits before it and at most `k − i`
/// after it, so its shift is at most `i` in size (left of it) and differs
/// from `Δ` by at most `k − i` (right of it). Every similar pair has such a
/// part, so probing only these positions still finds it, with fewer
/// lookups (for two edits at equal lengths: one position for the first and
/// the last part instead of three).
fn shifts(off: usize, q: usize, i: usize, k: usize, delta: usize, lt: usize) -> (usize, usize) {
    let (k, delta, i) = (k as isize, delta as isize, i as isize);
    let lo = (-((k - delta) / 2)).max(delta - (k - i)).max(-i);
    let hi = ((k + delta) / 2).min(delta + (k - i)).min(i);
    let first = (off as isize + lo).max(0) as usize;
    let last = (off as isize + hi).min((lt - q) as isize);
    if last < first as isize {
        (1, 0)
    } else {
        (first, last as usize)
    }
}

fn part_key(len: usize, part: usize, chars: &[char]) -> u64 {
    hash_chars(((len as u64) << 8) | part as u64, chars)
}

/// Key → range of a slice sorted by key: one flat table of [`Slot`]s,
/// open addressing with linear probing, at most half full.
///
/// A general hash map (it was `hashbrown`'s) reads a group of control bytes
/// and then, in another cache line, the entry: two loads, the second
/// waiting for the first, and each a trip to memory once the index outgrows
/// the caches. Here a key's home slot is known from the key alone, so a
/// probe asks for the home slots of all its keys at once ([`Self::prefetch`])
/// before reading any (issue 15: the look-up was about a quarter of a
/// probe's time at 200,000 passwords). At most half full, a look-up reads
/// 1.5 slots on average for a key that is there and 2.5 for one that is not,
/// four slots to a cache line.
struct KeyTable {
    slots: Vec<Slot>,
    /// `64 - log2(slots.len())`: the mixed key's top bits pick the home slot.
    shift: u32,
}

/// A key and its range; `end == 0` marks an empty slot (a range is never
/// empty, so its end is at least 1).
#[derive(Debug, Clone, Copy, Default)]
#[repr(C, align(16))]
struct Slot {
    key: u64,
    start: u32,
    end: u32,
}

impl KeyTable {
    /// An empty table for `keys` keys.
    fn with_keys(keys: usize) -> Self {
        let len = (keys * 2).next_power_of_two().max(16);
        KeyTable {
            slots: vec![Slot::default(); len],
            shift: 64 - len.trailing_zeros(),
        }
    }

    /// Adds `key`, which the table does not hold yet, with its range
    /// `start..end` (not empty). At most as many keys as the table was made
    /// for.
    fn insert(&mut self, key: u64, start: u32, end: u32) {
        debug_assert!(end > start);
        let mask = self.slots.len() - 1;
        let mut i = self.home(key);
        while self.slots[i].end != 0 {
            debug_assert_ne!(self.slots[i].key, key, "keys are distinct");
            i = (i + 1) & mask;
        }
        self.slots[i] = Slot { key, start, end };
    }

    /// The table of a slice sorted by `key`: each key's range.
    fn of_sorted<T>(sorted: &[T], key: impl Fn(&T) -> u64) -> Self {
        let distinct = sorted.chunk_by(|a, b| key(a) == key(b)).count();
        let mut table = KeyTable::with_keys(distinct);
        let mut start = 0;
        for run in sorted.chunk_by(|a, b| key(a) == key(b)) {
            let end = start + run.len();
            table.insert(key(&run[0]), start as u32, end as u32);
            start = end;
        }
        table
    }

    fn home(&self, key: u64) -> usize {
        (key.wrapping_mul(HASH_K) >> self.shift) as usize
    }

    /// Asks for the cache line of `key`'s home slot (see [`prefetch`]).
    fn prefetch(&self, key: u64) {
        prefetch(std::slice::from_ref(&self.slots[self.home(key)]));
    }

    fn get(&self, key: u64) -> Option<(u32, u32)> {
        let mask = self.slots.len() - 1;
        let mut i = self.home(key);
        loop {
            let slot = self.slots[i];
            if slot.end == 0 {
                return None;
            }
            if slot.key == key {
                return Some((slot.start, slot.end));
            }
            i = (i + 1) & mask;
        }
    }

    /// The keys held, in no particular order.
    fn keys(&self) -> Vec<u64> {
        self.slots
            .iter()
            .filter(|s| s.end != 0)
            .map(|s| s.key)
            .collect()
    }
}

/// Values by key.
struct Index<T> {
    values: Vec<T>,
    ranges: KeyTable,
}

impl<T: Copy + Ord + Send> Index<T> {
    fn build(mut entries: Vec<(u64, T)>) -> Self {
        entries.par_sort_unstable();
        Index {
            ranges: KeyTable::of_sorted(&entries, |e| e.0),
            values: entries.into_iter().map(|e| e.1).collect(),
        }
    }

    fn get(&self, key: u64) -> &[T] {
        match self.ranges.get(key) {
            Some((a, b)) => &self.values[a as usize..b as usize],
            None => &[],
        }
    }
}

/// Which hashes an [`Index`] may hold: a blocked Bloom filter, one 64-bit
/// word and two bits per hash, 16 bits per key. Rule 3 looks up every
/// long enough substring of every password (ten million look-ups for
/// 200,000 passwords) and about one in fifty finds anything; this answers
/// most of them from a table an eighth of the index's size, which stays
/// in cache, instead of a random read of the index.
struct HashFilter {
    words: Vec<u64>,
    /// `64 - log2(words.len())`: the hash's top bits pick the word.
    shift: u32,
}

impl HashFilter {
    fn new(keys: &[u64]) -> Self {
        let words = (keys.len() / 4).next_power_of_two().max(64);
        let mut filter = HashFilter {
            words: vec![0; words],
            shift: 64 - words.trailing_zeros(),
        };
        for &key in keys {
            let (w, bits) = filter.slot(key);
            filter.words[w] |= bits;
        }
        filter
    }

    fn slot(&self, key: u64) -> (usize, u64) {
        let h = key.wrapping_mul(HASH_K);
        let bits = (1u64 << (h & 63)) | (1u64 << ((h >> 6) & 63));
        ((h >> self.shift) as usize, bits)
    }

    /// False when no key has hash `key`; true when some may.
    fn may_hold(&self, key: u64) -> bool {
        let (w, bits) = self.slot(key);
        self.words[w] & bits == bits
    }
}

/// A password in the small-edit index: its id, length and histogram, so
/// that most candidates are dismissed without touching the password.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Holder {
    /// Shared base word ([`NO_BASE`] if none): holders of one key are
    /// sorted by it, so a password skips those of its own base word at once.
    base: u32,
    /// Second in the order: within a base word, similar histograms are
    /// neighbours, so the envelopes of [`Block`]s stay tight.
    histogram: Histogram,
    id: u32,
    len: u32,
}

/// Base id of a password whose base word no other password has.
const NO_BASE: u32 = u32::MAX;

/// Character counts of a folded password, 32 of them, four bits each
/// (saturating at 15), two to a byte: a letter has a count of its own, and
/// so do the digits that folding keeps (`2`, `6`, `8`, `9`: years and
/// numbers); every other character shares the last two. Letters and those
/// digits are nearly all of a human password once folded, so two
/// histograms differ about as much as the texts' multisets, in the 16 bytes
/// that 16 hashed byte counts took (with half their L1 distance as the
/// bound, those let four times as many candidates through on the
/// shared-words generator).
///
/// The bound ([`histogram_bound`]): with `P` the counts `a` has beyond `b`
/// and `N` those `b` has beyond `a`, an edit moves at most one of each (a
/// substitution one of both, an insertion or a deletion one, a
/// transposition none), so the edit distance is at least `max(P, N)`.
/// Shared buckets and saturation only lower `P` and `N`.
type Histogram = [u8; 16];

/// Largest count a [`Histogram`] holds.
const COUNT_MAX: u8 = 15;

/// A character's count in a [`Histogram`]: 26 letters, 4 digits, 2 for
/// the rest.
fn bucket(c: char) -> usize {
    match c {
        'a'..='z' => c as usize - 'a' as usize,
        '2' => 26,
        '6' => 27,
        '8' => 28,
        '9' => 29,
        _ => 30 + (u32::from(c).wrapping_mul(0x9E37_79B9) >> 31) as usize,
    }
}

fn histogram(chars: &[char]) -> Histogram {
    let mut counts = [0u8; 32];
    for &c in chars {
        let b = bucket(c);
        counts[b] = (counts[b] + 1).min(COUNT_MAX);
    }
    std::array::from_fn(|i| counts[2 * i] | (counts[2 * i + 1] << 4))
}

/// The two counts of a byte of a [`Histogram`].
fn counts(x: u8) -> (u8, u8) {
    (x & 0x0f, x >> 4)
}

/// `max(P, N)` (see [`Histogram`]): a lower bound on the edit distance of
/// the two passwords. An envelope of one is exact ([`Envelope::bound`]).
fn histogram_bound(a: &Histogram, b: &Histogram) -> usize {
    Envelope::of(b).bound(a)
}

/// Countwise lower and upper bounds of the histograms of a run of holders:
/// their *envelope*.
#[derive(Debug, Clone, Copy)]
struct Envelope {
    lo: Histogram,
    hi: Histogram,
}

impl Envelope {
    fn of(h: &Histogram) -> Self {
        Envelope { lo: *h, hi: *h }
    }

    fn widen(&mut self, h: &Histogram) {
        for ((lo, hi), &x) in self.lo.iter_mut().zip(self.hi.iter_mut()).zip(h) {
            let ((l0, l1), (h0, h1), (x0, x1)) = (counts(*lo), counts(*hi), counts(x));
            *lo = l0.min(x0) | (l1.min(x1) << 4);
            *hi = h0.max(x0) | (h1.max(x1) << 4);
        }
    }

    /// A lower bound on [`histogram_bound`] between `t` and any histogram
    /// inside the envelope: each count `h[b]` of such a histogram lies in
    /// `lo[b]..=hi[b]`, so `t[b]` exceeds it by at least `t[b] - hi[b]` and
    /// falls short of it by at least `lo[b] - t[b]`. Exact for an envelope
    /// of one.
    fn bound(&self, t: &Histogram) -> usize {
        #[cfg(target_arch = "x86_64")]
        return self.bound_sse2(t);
        #[cfg(not(target_arch = "x86_64"))]
        self.bound_scalar(t)
    }

    /// [`Self::bound`] in one SSE2 pass over the 32 counts (saturating
    /// differences, summed by `psadbw`) rather than the lane-by-lane loop of
    /// [`Self::bound_scalar`]: a probe's filters call it for every run, block
    /// and holder they meet (issue 15: the engine 4-14 % faster at 200,000
    /// and 400,000 passwords, BENCHMARKS.md).
    #[cfg(target_arch = "x86_64")]
    fn bound_sse2(&self, t: &Histogram) -> usize {
        use std::arch::x86_64::*;
        // SAFETY: SSE2 is part of every x86_64 CPU; the loads read the 16
        // bytes of each histogram (unaligned loads).
        unsafe {
            let nibble = _mm_set1_epi8(0x0f);
            let load = |h: &Histogram| _mm_loadu_si128(h.as_ptr().cast());
            let split = |v: __m128i| {
                (
                    _mm_and_si128(v, nibble),
                    _mm_and_si128(_mm_srli_epi16::<4>(v), nibble),
                )
            };
            let ((x0, x1), (l0, l1), (h0, h1)) =
                (split(load(t)), split(load(&self.lo)), split(load(&self.hi)));
            // Each lane at most 2 * 15: no overflow.
            let p = _mm_add_epi8(_mm_subs_epu8(x0, h0), _mm_subs_epu8(x1, h1));
            let n = _mm_add_epi8(_mm_subs_epu8(l0, x0), _mm_subs_epu8(l1, x1));
            let zero = _mm_setzero_si128();
            let sum = |v: __m128i| {
                let s = _mm_sad_epu8(v, zero);
                (_mm_cvtsi128_si32(s) + _mm_cvtsi128_si32(_mm_srli_si128::<8>(s))) as usize
            };
            sum(p).max(sum(n))
        }
    }

    #[cfg(any(test, not(target_arch = "x86_64")))]
    fn bound_scalar(&self, t: &Histogram) -> usize {
        let (mut p, mut n) = (0u32, 0u32);
        for ((&lo, &hi), &x) in self.lo.iter().zip(&self.hi).zip(t) {
            let ((l0, l1), (h0, h1), (x0, x1)) = (counts(lo), counts(hi), counts(x));
            p += u32::from(x0.saturating_sub(h0) + x1.saturating_sub(h1));
            n += u32::from(l0.saturating_sub(x0) + l1.saturating_sub(x1));
        }
        p.max(n) as usize
    }
}

/// A run of holders of one key: those of one shared base word (at least
/// [`MIN_RUN`]), or the *loose* run of the others (of smaller base words or
/// none), with the envelope of their histograms, cut into
/// [`Block`]s.
#[derive(Debug, Clone, Copy)]
struct Run {
    envelope: Envelope,
    /// The run's base word; [`NO_BASE`] for the loose run.
    base: u32,
    /// Range of `PartIndex::blocks`; for a run of one block (at most
    /// [`BLOCK`] holders), [`DIRECT`] and the range of `PartIndex::holders`.
    blocks: (u32, u32),
}

/// Marks a [`Run`] that holds its holders' range rather than blocks.
const DIRECT: u32 = 1 << 31;

/// Up to [`BLOCK`] consecutive holders of a run (sorted by histogram), with
/// the envelope of their histograms.
#[derive(Debug, Clone, Copy)]
struct Block {
    envelope: Envelope,
    /// Range of `PartIndex::holders`.
    start: u32,
    end: u32,
}

/// Holders per [`Block`].
const BLOCK: usize = 8;

/// Fewest holders of one base word under a key that make a run of their
/// own; fewer join the key's loose run. On the shared-words generator at
/// 200k, 9 of the 12 million runs a probe visited held one or two holders:
/// each cost an envelope test for one or two candidates, where the loose
/// run's blocks dismiss eight at a time.
const MIN_RUN: usize = 4;

/// The small-edit index: holders by part key; within a key, in runs of
/// one base word and a loose run of the rest; within a run, in blocks of
/// similar histograms.
///
/// Why runs and blocks: the generators (and people) build passwords from a
/// bounded vocabulary, so a key made of a short part (a year's last digits
/// and a symbol, a word's first letters) is held by more and more tweaks of
/// the same words as an export grows. Scanning every holder made each
/// probe's work grow with the export; one envelope test dismisses a whole
/// run (another word's letters), a second a block (other digits). The
/// candidates are exactly those of a scan of every holder: a run or block
/// is skipped only when its envelope's bound, a lower bound on each of
/// its holders' histogram bound ([`Envelope::bound`]), already
/// exceeds the filter's bound, or when the run is the probing password's
/// own base word (rule 2 has those pairs).
struct PartIndex {
    holders: Vec<Holder>,
    blocks: Vec<Block>,
    runs: Vec<Run>,
    /// Key → range of `runs`.
    ranges: KeyTable,
}

impl PartIndex {
    fn build(mut entries: Vec<(u64, Holder)>) -> Self {
        // By key, then base word, then histogram (a holder's field order).
        entries.par_sort_unstable();
        // Keys and holders apart before the runs are made, so the sorted
        // entries are not held beside them.
        let (keys, mut holders): (Vec<u64>, Vec<Holder>) = entries.into_iter().unzip();
        // A key's holders of base words with fewer than `MIN_RUN` holders
        // under it, and those without a shared base word, move to the end
        // of the key's holders, sorted by histogram: the key's loose run.
        let mut loose = vec![false; holders.len()];
        let mut scratch: Vec<Holder> = Vec::new();
        let mut start = 0;
        while start < holders.len() {
            let key_end = start + keys[start..].partition_point(|&k| k == keys[start]);
            let held = &mut holders[start..key_end];
            scratch.clear();
            let (mut kept, mut i) = (0, 0);
            while i < held.len() {
                let base = held[i].base;
                let end = i + held[i..].partition_point(|h| h.base == base);
                if base == NO_BASE || end - i < MIN_RUN {
                    scratch.extend_from_slice(&held[i..end]);
                } else {
                    held.copy_within(i..end, kept);
                    kept += end - i;
                }
                i = end;
            }
            scratch.sort_unstable_by_key(|h| (h.histogram, h.id));
            held[kept..].copy_from_slice(&scratch);
            loose[start + kept..key_end].fill(true);
            start = key_end;
        }
        drop(scratch);
        // Each run's end: a base word's run lasts while the key and base
        // word stay, the loose run to the key's end.
        let run_end = |start: usize| -> usize {
            let (key, base, l) = (keys[start], holders[start].base, loose[start]);
            let mut end = start + 1;
            while end < holders.len()
                && keys[end] == key
                && loose[end] == l
                && (l || holders[end].base == base)
            {
                end += 1;
            }
            end
        };
        // Counted first, so that every table is allocated once at its size
        // (grown by doubling, they held up to twice their size).
        let (mut n_runs, mut n_blocks, mut n_keys) = (0, 0, 0);
        let mut start = 0;
        while start < holders.len() {
            let end = run_end(start);
            n_runs += 1;
            if end - start > BLOCK {
                n_blocks += (end - start).div_ceil(BLOCK);
            }
            if start == 0 || keys[start - 1] != keys[start] {
                n_keys += 1;
            }
            start = end;
        }
        let mut runs: Vec<Run> = Vec::with_capacity(n_runs);
        let mut blocks: Vec<Block> = Vec::with_capacity(n_blocks);
        let mut ranges = KeyTable::with_keys(n_keys);
        // The key whose runs are being made, and the first of them.
        let mut current: Option<(u64, u32)> = None;
        let mut start = 0;
        while start < holders.len() {
            let key = keys[start];
            let end = run_end(start);
            let mut envelope = Envelope::of(&holders[start].histogram);
            for h in &holders[start..end] {
                envelope.widen(&h.histogram);
            }
            // A run of one block holds its holders' range directly: its
            // envelope is the block's.
            let range = if end - start <= BLOCK {
                (DIRECT | start as u32, end as u32)
            } else {
                let block_start = blocks.len() as u32;
                for b in (start..end).step_by(BLOCK) {
                    let b_end = (b + BLOCK).min(end);
                    let mut block = Envelope::of(&holders[b].histogram);
                    for h in &holders[b..b_end] {
                        block.widen(&h.histogram);
                    }
                    blocks.push(Block {
                        envelope: block,
                        start: b as u32,
                        end: b_end as u32,
                    });
                }
                (block_start, blocks.len() as u32)
            };
            let at = runs.len() as u32;
            runs.push(Run {
                envelope,
                base: if loose[start] {
                    NO_BASE
                } else {
                    holders[start].base
                },
                blocks: range,
            });
            // A key's runs are consecutive: its range is complete when the
            // next key starts.
            match current {
                Some((k, _)) if k == key => {}
                Some((k, first)) => {
                    ranges.insert(k, first, at);
                    current = Some((key, at));
                }
                None => current = Some((key, at)),
            }
            start = end;
        }
        if let Some((k, first)) = current {
            ranges.insert(k, first, runs.len() as u32);
        }
        drop((keys, loose));
        PartIndex {
            holders,
            blocks,
            runs,
            ranges,
        }
    }

    /// A run's holders: one block made from its direct range, or its
    /// blocks (a run has one or the other).
    fn blocks_of(&self, run: &Run) -> (Option<Block>, &[Block]) {
        let (a, b) = run.blocks;
        if a & DIRECT != 0 {
            let block = Block {
                envelope: run.envelope,
                start: a & !DIRECT,
                end: b,
            };
            (Some(block), &[])
        } else {
            (None, &self.blocks[a as usize..b as usize])
        }
    }
}

struct Engine<'a> {
    p: &'a [Prepared],
    /// Shared base word of each password ([`NO_BASE`] if none).
    base: &'a [u32],
    histograms: Vec<Histogram>,
    parts: PartIndex,
    /// Every password by the hash of its folded text (rules 3 and 4).
    folds: Index<u32>,
    /// The hashes `folds` holds, for rule 3's look-ups.
    fold_filter: HashFilter,
}

#[derive(Default)]
struct Probe {
    scratch: Scratch,
    pattern: Pattern,
    candidates: Vec<u32>,
    rev: Vec<char>,
    /// Rule 1's work between its stages ([`Engine::probe`]): the part keys
    /// to look up (with the shorter length and its edits), ranges of runs
    /// (per key found), of blocks (per run of several blocks that passed),
    /// of holders (per block that passed).
    keys: Vec<(u64, u32, u32)>,
    runs: Vec<Span>,
    blocks: Vec<Span>,
    holders: Vec<Span>,
}

/// A range of `PartIndex::runs`, `blocks` or `holders` met by a probe, with
/// the shorter length and the edits of the key it came from.
#[derive(Debug, Clone, Copy)]
struct Span {
    start: u32,
    end: u32,
    ls: u32,
    k: u32,
}

/// Asks the CPU to start loading the cache lines of `items` (at most
/// [`PREFETCH_LINES`]), so that loads a probe will make soon travel from
/// memory together rather than one after another. Only a hint: it reads
/// nothing and changes nothing the program sees.
#[inline(always)]
fn prefetch<T>(items: &[T]) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        let bytes = std::mem::size_of_val(items).min(PREFETCH_LINES * 64);
        let start = items.as_ptr().cast::<i8>();
        for offset in (0..bytes).step_by(64) {
            // SAFETY: `prefetch` does not dereference its address and cannot
            // fault; the address is inside `items` (newer compilers declare
            // the intrinsic safe, the oldest this crate supports do not).
            #[allow(unused_unsafe)]
            unsafe {
                _mm_prefetch::<_MM_HINT_T0>(start.wrapping_add(offset))
            };
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = items;
}

/// Most cache lines [`prefetch`] asks for at once.
const PREFETCH_LINES: usize = 4;

impl Engine<'_> {
    fn new<'a>(p: &'a [Prepared], base: &'a [u32]) -> Engine<'a> {
        let histograms: Vec<Histogram> = p.par_iter().map(|x| histogram(&x.fold)).collect();
        let parts = (0..p.len())
            .into_par_iter()
            .flat_map_iter(|id| {
                let f = &p[id].fold;
                let len = f.len();
                let holder = Holder {
                    base: base[id],
                    id: id as u32,
                    len: len as u32,
                    histogram: histograms[id],
                };
                parts(len, max_edits(len))
                    .enumerate()
                    .map(move |(i, (off, q))| (part_key(len, i, &f[off..off + q]), holder))
            })
            .collect();
        let folds = Index::build(
            (0..p.len())
                .into_par_iter()
                .map(|id| (hash_chars(0, &p[id].fold), id as u32))
                .collect(),
        );
        Engine {
            p,
            base,
            histograms,
            parts: PartIndex::build(parts),
            fold_filter: HashFilter::new(&folds.ranges.keys()),
            folds,
        }
    }

    /// Pairs found for password `t`: rule 1 with every shorter (or
    /// equal-length, smaller-id) password, rule 3 with `t` as the longer
    /// one, rule 4. Passwords of `t`'s own shared base word are skipped:
    /// rule 2 has them all ([`Graph::cliques`]), so in dense data (many
    /// tweaks of one word) a password does no work per tweak of its word.
    fn probe(&self, t: usize, st: &mut Probe, out: &mut Vec<(u32, u32)>) {
        let ft = &self.p[t].fold;
        let lt = ft.len();
        let pair = |a: usize, b: usize| (a.min(b) as u32, a.max(b) as u32);
        let own = self.base[t];
        let same_base = |id: u32| own != NO_BASE && self.base[id as usize] == own;

        // Rule 1: small edit. Candidates are filtered on what the index
        // holds (length, order, histogram) before the bounded distance, in
        // stages: each stage's loads (a key's slot, its runs, a run's blocks,
        // a block's holders, a candidate's text) are asked for together at
        // the end of the stage before, so that in an export larger than
        // the caches they come from memory in parallel, not one after
        // another (issue 15: the probe's time per password grew with the
        // export, its work per password much less).
        let ht = &self.histograms[t];
        st.keys.clear();
        for ls in lt.saturating_sub(MAX_K).max(1)..=lt {
            let k = max_edits(ls);
            let delta = lt - ls;
            if delta > k {
                continue;
            }
            for (i, (off, q)) in parts(ls, k).enumerate() {
                let (first, last) = shifts(off, q, i, k, lt - ls, lt);
                for start in first..=last {
                    let key = part_key(ls, i, &ft[start..start + q]);
                    self.parts.ranges.prefetch(key);
                    st.keys.push((key, ls as u32, k as u32));
                }
            }
        }
        // Keys: each one's runs, if the index holds it.
        st.runs.clear();
        for &(key, ls, k) in &st.keys {
            if let Some((a, b)) = self.parts.ranges.get(key) {
                prefetch(&self.parts.runs[a as usize..b as usize]);
                st.runs.push(Span {
                    start: a,
                    end: b,
                    ls,
                    k,
                });
            }
        }
        // Runs: `t`'s own base word is skipped (rule 2 has those pairs), and
        // so is a run whose envelope is already too far.
        st.blocks.clear();
        st.holders.clear();
        for sp in &st.runs {
            let k = sp.k as usize;
            for run in &self.parts.runs[sp.start as usize..sp.end as usize] {
                if (own != NO_BASE && run.base == own) || run.envelope.bound(ht) > k {
                    continue;
                }
                match self.parts.blocks_of(run) {
                    // A run of one block: its envelope was the block's.
                    (Some(block), _) => {
                        prefetch(&self.parts.holders[block.start as usize..block.end as usize]);
                        st.holders.push(Span {
                            start: block.start,
                            end: block.end,
                            ..*sp
                        });
                    }
                    (None, blocks) => {
                        prefetch(blocks);
                        st.blocks.push(Span {
                            start: run.blocks.0,
                            end: run.blocks.1,
                            ..*sp
                        });
                    }
                }
            }
        }
        // Blocks of the runs of several.
        for sp in &st.blocks {
            let k = sp.k as usize;
            for block in &self.parts.blocks[sp.start as usize..sp.end as usize] {
                if block.envelope.bound(ht) > k {
                    continue;
                }
                prefetch(&self.parts.holders[block.start as usize..block.end as usize]);
                st.holders.push(Span {
                    start: block.start,
                    end: block.end,
                    ..*sp
                });
            }
        }
        // Holders.
        st.candidates.clear();
        for sp in &st.holders {
            let (ls, k) = (sp.ls as usize, sp.k as usize);
            let single = sp.end - sp.start == 1;
            for h in &self.parts.holders[sp.start as usize..sp.end as usize] {
                // Each pair once: from its longer password, or from the
                // larger id when both are as long. A different length is a
                // hash collision: that pair, if similar, is found through its
                // own parts. A block of one was filtered exactly. A loose run
                // may hold `t`'s own base word.
                if h.len as usize == ls
                    && (ls < lt || (h.id as usize) < t)
                    && (own == NO_BASE || h.base != own)
                    && (single || histogram_bound(&h.histogram, ht) <= k)
                {
                    prefetch(std::slice::from_ref(&self.p[h.id as usize]));
                    st.candidates.push(h.id);
                }
            }
        }
        st.candidates.sort_unstable();
        st.candidates.dedup();
        for &s in &st.candidates {
            prefetch(&self.p[s as usize].fold);
        }
        // The bit-parallel distance when `t` fits in a word, else the band.
        let bits = !st.candidates.is_empty() && st.pattern.set(ft);
        for &s in &st.candidates {
            let fs = &self.p[s as usize].fold;
            let k = max_edits(fs.len());
            let near = if bits {
                st.pattern.within(fs, k)
            } else {
                osa_within(fs, ft, k, &mut st.scratch)
            };
            if near.is_some() {
                out.push(pair(s as usize, t));
            }
        }

        // Rule 3: a shorter password contained in `t`, of at least half
        // its length: each substring of `t` of such a length is looked up
        // among the whole folded passwords (several positions may find the
        // same one: pairs are deduplicated at the end). Passwords of `t`'s
        // own base word are skipped (rule 2 has them).
        let lo = MIN_BASE.max(lt.div_ceil(2));
        if lt > lo {
            for start in 0..=lt - lo {
                let mut h = 0;
                for end in start..lt.min(start + lt - 1) {
                    h = hash_step(h, ft[end]);
                    let len = end + 1 - start;
                    if len < lo {
                        continue;
                    }
                    let (sub, key) = (&ft[start..=end], hash_finish(h));
                    if !self.fold_filter.may_hold(key) {
                        continue;
                    }
                    for &id in self.folds.get(key) {
                        if !same_base(id) && self.p[id as usize].fold == sub {
                            out.push(pair(id as usize, t));
                        }
                    }
                }
            }
        }

        // Rule 4: reversal.
        if lt >= MIN_BASE {
            st.rev.clear();
            st.rev.extend(ft.iter().rev());
            for &id in self.folds.get(hash_chars(0, &st.rev)) {
                if id as usize != t && !same_base(id) && self.p[id as usize].fold == st.rev {
                    out.push(pair(id as usize, t));
                }
            }
        }
    }
}

/// The similarity graph of distinct `passwords` (see the module doc).
/// `advance` is called with the number of passwords done, from any thread.
pub fn similar_graph(passwords: &[&str], advance: &(dyn Fn(u64) + Sync)) -> Graph {
    let prepared: Vec<Prepared> = passwords.par_iter().map(|p| Prepared::new(p)).collect();
    graph_of(&prepared, advance)
}

/// Rule 2: the passwords of each shared base word (a clique), and each
/// password's clique ([`NO_BASE`] if none).
fn cliques(p: &[Prepared]) -> (Vec<Vec<u32>>, Vec<u32>) {
    let mut by_base: rustc_hash::FxHashMap<&[char], Vec<u32>> = Default::default();
    for (id, pw) in p.iter().enumerate() {
        if let Some(b) = pw.base() {
            by_base.entry(b).or_default().push(id as u32);
        }
    }
    let mut cliques: Vec<Vec<u32>> = by_base.into_values().filter(|c| c.len() > 1).collect();
    cliques.sort_unstable();
    let mut base = vec![NO_BASE; p.len()];
    for (b, clique) in cliques.iter().enumerate() {
        for &id in clique {
            base[id as usize] = b as u32;
        }
    }
    (cliques, base)
}

fn graph_of(p: &[Prepared], advance: &(dyn Fn(u64) + Sync)) -> Graph {
    let n = p.len();
    let (cliques, base) = cliques(p);
    let engine = Engine::new(p, &base);
    const CHUNK: usize = 256;
    let mut pairs: Vec<(u32, u32)> = (0..n)
        .collect::<Vec<_>>()
        .par_chunks(CHUNK)
        .map_init(Probe::default, |st, chunk| {
            let mut out = Vec::new();
            for &t in chunk {
                engine.probe(t, st, &mut out);
            }
            advance(chunk.len() as u64);
            out
        })
        .flatten_iter()
        .collect();
    pairs.par_sort_unstable();
    pairs.dedup();
    Graph { n, pairs, cliques }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};

    fn fast(pw: &[&str]) -> Graph {
        similar_graph(pw, &|_| {})
    }

    #[test]
    fn histogram_bound_is_at_most_the_edit_distance() {
        let h = |s: &str| histogram(&s.chars().collect::<Vec<_>>());
        for (a, b) in [
            ("summer2019", "summer1987"),
            ("abc", "abd"),
            ("", "xyz"),
            ("ab", "ba"),
        ] {
            let d = strsim::osa_distance(a, b);
            assert!(histogram_bound(&h(a), &h(b)) <= d, "{a} / {b}");
        }
        assert_eq!(histogram_bound(&h("ab"), &h("ba")), 0);
        // One substitution and one insertion: both directions count.
        assert_eq!(histogram_bound(&h("abc"), &h("xbcd")), 2);
        // What 16 hashed buckets let through (folded texts of the
        // shared-words generator): other letters, other digits.
        assert!(histogram_bound(&h("summer2o19"), &h("dragon2o19")) > 2);
        assert!(histogram_bound(&h("winter2oi8"), &h("tiger2oia")) > 2);
        assert!(histogram_bound(&h("coffeeviolin"), &h("coffee2oioa")) > 2);
        // Random texts over letters, kept digits and symbols (and a
        // character past the u8 saturation): never above the distance.
        let mut rng = StdRng::seed_from_u64(9);
        let alphabet: Vec<char> = "aeiorstz2689#?_-é".chars().collect();
        let text = |rng: &mut StdRng| -> String {
            let len = rng.gen_range(0..16);
            (0..len)
                .map(|_| alphabet[rng.gen_range(0..alphabet.len())])
                .collect()
        };
        for _ in 0..20_000 {
            let (a, b) = (text(&mut rng), text(&mut rng));
            let d = strsim::osa_distance(&a, &b);
            assert!(histogram_bound(&h(&a), &h(&b)) <= d, "{a} / {b}");
        }
        // Saturated counts: 20 and 17 letters look alike, 16 and 12 not.
        let d = strsim::osa_distance(&"a".repeat(20), &"a".repeat(17));
        assert_eq!(d, 3);
        assert_eq!(histogram_bound(&h(&"a".repeat(20)), &h(&"a".repeat(17))), 0);
        assert_eq!(histogram_bound(&h(&"a".repeat(16)), &h(&"a".repeat(12))), 3);
    }

    #[test]
    fn key_table_finds_every_key_with_its_range_and_no_other() {
        let mut rng = StdRng::seed_from_u64(11);
        // Random keys, the part keys of real-looking passwords, and keys
        // that differ in their low bits only (clustered).
        let words: Vec<String> = near_miss_set(3, 2_000);
        let part_keys: Vec<u64> = words
            .iter()
            .flat_map(|w| {
                let f: Vec<char> = w.chars().collect();
                let k = max_edits(f.len());
                parts(f.len(), k)
                    .enumerate()
                    .map(|(i, (off, q))| part_key(f.len(), i, &f[off..off + q]))
                    .collect::<Vec<_>>()
            })
            .collect();
        let sets: [Vec<u64>; 4] = [
            Vec::new(),
            (0..10_000).map(|_| rng.r#gen()).collect(),
            part_keys,
            (0..10_000u64).collect(),
        ];
        for (n, keys) in sets.into_iter().enumerate() {
            let mut keys = keys;
            keys.sort_unstable();
            keys.dedup();
            // Key i holds the range i*3 .. i*3 + 1 + i % 5.
            let range = |i: usize| ((i * 3) as u32, (i * 3 + 1 + i % 5) as u32);
            let mut table = KeyTable::with_keys(keys.len());
            for (i, &key) in keys.iter().enumerate() {
                let (a, b) = range(i);
                table.insert(key, a, b);
            }
            assert!(
                table.slots.len() >= 2 * keys.len(),
                "set {n}: at most half full"
            );
            for (i, &key) in keys.iter().enumerate() {
                assert_eq!(table.get(key), Some(range(i)), "set {n}: key {i}");
            }
            let mut held = table.keys();
            held.sort_unstable();
            assert_eq!(held, keys, "set {n}");
            let absent = (0..10_000)
                .map(|_| rng.r#gen::<u64>())
                .filter(|k| keys.binary_search(k).is_err());
            for key in absent {
                assert_eq!(table.get(key), None, "set {n}: {key:#x} is not held");
            }
        }
        // Built from a sorted slice: each key's range of it.
        let sorted = [
            (1u64, 'a'),
            (1, 'b'),
            (7, 'c'),
            (9, 'd'),
            (9, 'e'),
            (9, 'f'),
        ];
        let table = KeyTable::of_sorted(&sorted, |e| e.0);
        assert_eq!(table.get(1), Some((0, 2)));
        assert_eq!(table.get(7), Some((2, 3)));
        assert_eq!(table.get(9), Some((3, 6)));
        assert_eq!(table.get(8), None);
    }

    #[test]
    fn hash_filter_holds_every_key_and_few_others() {
        let mut rng = StdRng::seed_from_u64(5);
        for n in [0, 1, 100, 50_000] {
            let keys: Vec<u64> = (0..n).map(|_| rng.r#gen()).collect();
            let filter = HashFilter::new(&keys);
            assert!(keys.iter().all(|&k| filter.may_hold(k)), "{n} keys");
            let others = (0..100_000)
                .filter(|_| filter.may_hold(rng.r#gen()))
                .count();
            // Two bits of 16 per key: about 1.4 % of other hashes pass.
            assert!(others < 3_000, "{n} keys: {others} of 100,000 others pass");
        }
    }

    #[test]
    fn chosen_part_positions_stay_within_the_plain_bound() {
        // Two edits, equal lengths: one position for the first and the
        // last part instead of three.
        let positions = |ls: usize, lt: usize| -> Vec<usize> {
            let k = max_edits(ls);
            parts(ls, k)
                .enumerate()
                .map(|(i, (off, q))| {
                    let (first, last) = shifts(off, q, i, k, lt - ls, lt);
                    // Never outside the bound of any intact part.
                    let (back, fwd) = ((k - (lt - ls)) / 2, (k + (lt - ls)) / 2);
                    if first <= last {
                        assert!(first >= off.saturating_sub(back) && last <= off + fwd);
                    }
                    (first..=last).count()
                })
                .collect()
        };
        assert_eq!(positions(10, 10), vec![1, 3, 1]);
        assert_eq!(positions(10, 12), vec![1, 1, 1]);
        assert_eq!(positions(5, 5), vec![1, 1]);
        assert_eq!(positions(20, 21), vec![1, 3, 3, 1]);
    }

    #[test]
    fn envelope_bound_equals_the_lane_by_lane_one() {
        // Random envelopes of 1 to 8 histograms (every count 0..=15, so
        // saturated ones too) against random targets.
        let mut rng = StdRng::seed_from_u64(11);
        let random = |rng: &mut StdRng| -> Histogram { std::array::from_fn(|_| rng.r#gen()) };
        for _ in 0..50_000 {
            let mut e = Envelope::of(&random(&mut rng));
            for _ in 0..rng.gen_range(0..8) {
                e.widen(&random(&mut rng));
            }
            let t = random(&mut rng);
            assert_eq!(e.bound(&t), e.bound_scalar(&t), "{e:?} / {t:?}");
        }
        // The largest bound: 32 counts of 15 against an empty envelope.
        let full = Envelope::of(&[0xff; 16]);
        assert_eq!(full.bound(&[0; 16]), 32 * 15);
        assert_eq!(Envelope::of(&[0; 16]).bound(&[0xff; 16]), 32 * 15);
        assert_eq!(full.bound(&[0xff; 16]), 0);
    }

    #[test]
    fn envelopes_bound_every_member_and_keep_every_candidate() {
        let mut rng = StdRng::seed_from_u64(3);
        let alphabet: Vec<char> = "abcdeio1!0@$SAE5".chars().collect();
        let word = |rng: &mut StdRng| -> Vec<char> {
            let len = rng.gen_range(0..14);
            (0..len)
                .map(|_| alphabet[rng.gen_range(0..alphabet.len())])
                .collect()
        };
        for _ in 0..300 {
            let members: Vec<Histogram> = (0..rng.gen_range(1..20))
                .map(|_| histogram(&word(&mut rng)))
                .collect();
            let mut env = Envelope::of(&members[0]);
            for h in &members {
                env.widen(h);
            }
            for _ in 0..20 {
                let t = histogram(&word(&mut rng));
                let lower = env.bound(&t);
                for h in &members {
                    assert!(lower <= histogram_bound(h, &t));
                }
            }
            assert_eq!(
                Envelope::of(&members[0]).bound(&members[0]),
                0,
                "an envelope of one is exact"
            );
        }
        // Runs and blocks: a key's holders, scanned through them, give the
        // candidates a scan of every holder gives.
        let mut set = near_miss_set(11, 600);
        // Forty tweaks of one word with one length: a run of several blocks.
        set.extend((1980..2020).map(|y| format!("Summer{y}!")));
        let prepared: Vec<Prepared> = set.iter().map(|p| Prepared::new(p)).collect();
        let mut ids: std::collections::HashMap<&[char], u32> = Default::default();
        let base: Vec<u32> = prepared
            .iter()
            .map(|p| match p.base() {
                Some(b) => {
                    let next = ids.len() as u32;
                    *ids.entry(b).or_insert(next)
                }
                None => NO_BASE,
            })
            .collect();
        let engine = Engine::new(&prepared, &base);
        let index = &engine.parts;
        assert!(
            index
                .runs
                .iter()
                .any(|r| r.blocks.0 & DIRECT == 0 && r.blocks.1 - r.blocks.0 > 1),
            "some run must span several blocks"
        );
        assert!(
            index.runs.iter().any(|r| r.blocks.0 & DIRECT != 0),
            "some run must hold its holders directly"
        );
        // Every holder is in exactly one run, in order, and the tables are
        // allocated at their size.
        let mut next = 0;
        for run in &index.runs {
            let (direct, blocks) = index.blocks_of(run);
            for b in direct.iter().chain(blocks) {
                assert_eq!(b.start as usize, next);
                next = b.end as usize;
            }
        }
        assert_eq!(next, index.holders.len());
        assert_eq!(index.runs.capacity(), index.runs.len());
        assert_eq!(index.blocks.capacity(), index.blocks.len());
        for (t, p) in prepared.iter().enumerate() {
            let ht = &engine.histograms[t];
            for k in 0..=MAX_K {
                for run in &index.runs {
                    let (direct, blocks) = index.blocks_of(run);
                    let blocks: Vec<Block> = direct.iter().chain(blocks).copied().collect();
                    let all = &index.holders
                        [blocks[0].start as usize..blocks[blocks.len() - 1].end as usize];
                    let passing = all
                        .iter()
                        .filter(|h| histogram_bound(&h.histogram, ht) <= k)
                        .count();
                    if passing > 0 {
                        assert!(run.envelope.bound(ht) <= k, "{}", p.fold.len());
                        let through: usize = blocks
                            .iter()
                            .filter(|b| b.envelope.bound(ht) <= k)
                            .map(|b| {
                                index.holders[b.start as usize..b.end as usize]
                                    .iter()
                                    .filter(|h| histogram_bound(&h.histogram, ht) <= k)
                                    .count()
                            })
                            .sum();
                        assert_eq!(through, passing);
                    }
                }
            }
        }
    }

    #[test]
    fn parts_cover_all_but_the_gaps() {
        for len in 1..40 {
            let k = max_edits(len);
            let ps: Vec<_> = parts(len, k).collect();
            assert_eq!(ps.len(), k + 1);
            let kept: usize = ps.iter().map(|p| p.1).sum();
            assert_eq!(kept, len - k, "len {len}");
            let (off, q) = ps[k];
            assert_eq!(off + q, len, "last part ends the string (len {len})");
            assert!(ps.iter().all(|p| p.1 > 0), "no empty part (len {len})");
        }
    }

    #[test]
    fn the_rules() {
        assert!(is_similar("Summer2022!", "Summer2023!"));
        assert!(is_similar("falcon2019", "Falcon2019"));
        assert!(is_similar("P@ssw0rd2024", "Password2024"));
        assert!(is_similar("Library#2021", "Library#2022"));
        assert!(is_similar("monkey", "monkey1!"));
        assert!(is_similar("dragon", "dragon2019!!"));
        assert!(is_similar("Summer2022!", "summer#99"));
        assert!(is_similar("drowssap", "password"));
        assert!(is_similar("abc", "ABC"));
        assert!(!is_similar("abc", "abd"));
        assert!(!is_similar("same", "same"));
        assert!(!is_similar("1234", "Summer1234!"));
        assert!(!is_similar(
            "x7Kp#2mQ9zL!aB4c",
            "x7Kp#2mQ9zL!aB4cd-extra-long-tail"
        ));
        assert!(!is_similar(
            "Tr0ub4dor&3-Lantern-Fig",
            "quiet-Harbor-lamp-73"
        ));
    }

    /// Passwords built to sit near every rule's threshold: a few base words,
    /// random edits (some within `k`, some just beyond), case and look-alike
    /// changes, affixes, containment, reversal, and random strings.
    fn near_miss_set(seed: u64, n: usize) -> Vec<String> {
        let mut rng = StdRng::seed_from_u64(seed);
        let alphabet: Vec<char> = "abcdeio1!0@$SAE5".chars().collect();
        let words = [
            "summer",
            "monkey",
            "dragon",
            "letmein",
            "abc",
            "qwertyuiop",
            "sunshine22",
        ];
        let mut out: Vec<String> = Vec::new();
        while out.len() < n {
            let r = rng.gen_range(0..10);
            let s: String = if r < 3 || out.is_empty() {
                let len = rng.gen_range(1..34);
                (0..len)
                    .map(|_| alphabet[rng.gen_range(0..alphabet.len())])
                    .collect()
            } else if r < 5 {
                let w = words[rng.gen_range(0..words.len())];
                let digits = rng.gen_range(0..10000);
                match rng.gen_range(0..4) {
                    0 => format!("{w}{digits}"),
                    1 => format!("{}{w}!", digits % 10),
                    2 => w.chars().rev().collect(),
                    _ => w.to_uppercase(),
                }
            } else {
                let base: Vec<char> = out[rng.gen_range(0..out.len())].chars().collect();
                let mut v = base.clone();
                for _ in 0..rng.gen_range(1..6) {
                    let c = alphabet[rng.gen_range(0..alphabet.len())];
                    let p = rng.gen_range(0..=v.len());
                    match rng.gen_range(0..6) {
                        0 => v.insert(p, c),
                        1 if p < v.len() => {
                            v.remove(p);
                        }
                        2 if p < v.len() => v[p] = c,
                        3 if p + 1 < v.len() => v.swap(p, p + 1),
                        4 => v.extend(base.iter().take(rng.gen_range(0..4))),
                        _ if p < v.len() => v[p] = v[p].to_ascii_uppercase(),
                        _ => {}
                    }
                }
                v.into_iter().collect()
            };
            if !s.is_empty() && !out.contains(&s) {
                out.push(s);
            }
        }
        out
    }

    #[test]
    fn fast_path_finds_exactly_the_exhaustive_pairs() {
        // Pairs that only one rule finds, per rule: each must be exercised.
        let mut only = [0usize; 4];
        for seed in 0..4 {
            let set = near_miss_set(seed, 400);
            let pw: Vec<&str> = set.iter().map(String::as_str).collect();
            let reference = naive_graph(&pw);
            let fast = fast(&pw);
            assert_eq!(fast.all_pairs(), reference.all_pairs(), "seed {seed}");
            assert_eq!(fast.forest(), reference.forest(), "seed {seed}");
            assert!(
                reference.pairs.len() > 50,
                "the set must exercise the rules (seed {seed}: {} pairs)",
                reference.pairs.len()
            );
            for &(a, b) in &reference.pairs {
                let r = rules(&set[a as usize], &set[b as usize]);
                let hits = [r.small_edit, r.same_base, r.containment, r.reversal];
                if hits.iter().filter(|&&h| h).count() == 1 {
                    only[hits.iter().position(|&h| h).unwrap()] += 1;
                }
            }
        }
        eprintln!("only-one-rule pairs: {only:?}");
        assert!(
            only.iter().all(|&n| n > 0),
            "pairs found by one rule only: {only:?}"
        );
    }

    /// A probe's stages (keys to runs, runs to blocks, blocks to holders,
    /// holders to candidates) on a set where each has work: tweaks of a few
    /// words (runs of one base word, of several blocks), a one-letter
    /// variant of each tweak (found through those runs), and many variants
    /// of one word seen once each, with the same year and symbol (loose runs
    /// of several blocks), beside near misses. Exactly the exhaustive pairs.
    #[test]
    fn staged_probes_find_exactly_the_exhaustive_pairs() {
        let mut rng = StdRng::seed_from_u64(12);
        let letters: Vec<char> = "abcdefghijklmnopqrstuvwxyz".chars().collect();
        // `word` with one letter changed: most such words are seen once.
        let mut mutant = |word: &str| -> String {
            let mut w: Vec<char> = word.chars().collect();
            let at = rng.gen_range(1..w.len());
            w[at] = letters[rng.gen_range(0..letters.len())];
            w.into_iter().collect()
        };
        let mut set = near_miss_set(12, 500);
        for w in ["Summer", "Dragon", "Monkey"] {
            for y in 1970..2020 {
                set.push(format!("{w}{y}!"));
                // Similar to the tweak, of another base word: found
                // through the tweaks' run.
                set.push(format!("{}{y}!", mutant(w)));
            }
        }
        // Words seen once, similar to each other: loose runs.
        for _ in 0..150 {
            set.push(format!("{}2019!", mutant("garden")));
        }
        set.sort();
        set.dedup();
        let pw: Vec<&str> = set.iter().map(String::as_str).collect();
        let prepared: Vec<Prepared> = pw.iter().map(|p| Prepared::new(p)).collect();
        let (_, base) = cliques(&prepared);
        let engine = Engine::new(&prepared, &base);
        let several = |loose: bool| {
            engine.parts.runs.iter().any(|r| {
                r.blocks.0 & DIRECT == 0
                    && r.blocks.1 - r.blocks.0 > 1
                    && (r.base == NO_BASE) == loose
            })
        };
        assert!(several(false), "a base word's run of several blocks");
        assert!(several(true), "a loose run of several blocks");
        let reference = naive_graph(&pw);
        assert!(reference.pairs.len() > 1_000, "{}", reference.pairs.len());
        assert_eq!(fast(&pw).all_pairs(), reference.all_pairs());
    }

    /// The same over many more seeds and larger sets (slow).
    #[test]
    #[ignore = "slow: run by `cargo test -- --ignored` (CI does)"]
    fn fast_path_finds_exactly_the_exhaustive_pairs_on_many_seeds() {
        for seed in 100..130 {
            let set = near_miss_set(seed, 1_000);
            let pw: Vec<&str> = set.iter().map(String::as_str).collect();
            assert_eq!(
                fast(&pw).all_pairs(),
                naive_graph(&pw).all_pairs(),
                "seed {seed}"
            );
        }
    }

    /// Manager-generated passwords: 20,000 random 12–24 character strings
    /// over the 94 printable ASCII characters give no pair at all (the bench
    /// script measures 100,000).
    #[test]
    #[ignore = "slow: run by `cargo test -- --ignored` (CI does)"]
    fn random_passwords_give_no_pairs() {
        let mut rng = StdRng::seed_from_u64(7);
        let set: Vec<String> = (0..20_000)
            .map(|_| {
                let len = rng.gen_range(12..=24);
                (0..len).map(|_| rng.gen_range(33u8..127) as char).collect()
            })
            .collect();
        let pw: Vec<&str> = set.iter().map(String::as_str).collect();
        let g = fast(&pw);
        assert_eq!(g.pairs.len() + g.cliques.len(), 0);
    }
}
