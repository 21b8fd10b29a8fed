//! Local Pwned Passwords datasets, as the official downloader writes them:
//!
//! - one file of `FULLHASH:COUNT` lines sorted by hash ([`SortedFile`]):
//!   memory-mapped and searched in place (interpolation search over byte
//!   offsets, falling back to bisection), never scanned or loaded. Every line
//!   the search touches is checked for shape and for order against its
//!   neighbours, so a wrong or unsorted file fails with an error instead of
//!   answering "not found";
//! - a directory of 1,048,576 `XXXXX.txt` files, each one range body
//!   ([`RangeDir`]).
//!
//! [`Dataset::open`] tells them apart and refuses the NTLM variants.

use std::fs::File;
use std::path::{Path, PathBuf};

use memmap2::Mmap;
use zeroize::Zeroizing;

use super::range::{HEX, Range, RangeError, nibble, parse_count};
use super::{BatchResult, LookupError, Prefix, PwnedError, RangeSource, Suffix};

/// The longest valid line: 40 hex, a colon, 20 digits, CRLF.
const MAX_LINE: usize = 40 + 1 + 20 + 2;
/// Below this many bytes the search scans lines one by one.
const LINEAR: usize = 1024;
/// A guard probe is placed once the estimate's expected error is this small.
const GUARD_MAX: usize = 4096;
/// Interpolation rounds before the search falls back to bisection.
const INTERPOLATION_ROUNDS: usize = 8;

const CUT_LAST_LINE: &str = "the file does not end with a line break, so its last line may be cut (an interrupted download or copy?) and its prefix cannot be trusted; check the file with `vaultlint pwned verify`";

/// Why a lookup found no rows for its prefix in a dataset.
pub(crate) const NO_ROWS: &str = "the dataset has no rows for this prefix, but the full corpus has rows for every prefix: the dataset is incomplete (cut short?) or a subset; check it with `vaultlint pwned verify`";

const NTLM: &str = "this is the NTLM variant of Pwned Passwords (32-character hashes); vaultlint needs the SHA-1 variant (download it without the NTLM option)";

/// A dataset on disk, in either layout.
pub enum Dataset {
    File(SortedFile),
    Dir(RangeDir),
}

impl Dataset {
    /// Opens `path` as a range directory when it is a directory, else as a
    /// sorted file; checks the layout and refuses NTLM and foreign files.
    pub fn open(path: &Path) -> Result<Dataset, PwnedError> {
        let meta = std::fs::metadata(path).map_err(|e| dataset_error(path, e.to_string()))?;
        if meta.is_dir() {
            RangeDir::open(path).map(Dataset::Dir)
        } else {
            SortedFile::open(path).map(Dataset::File)
        }
    }

    /// "sorted file" or "range directory", for messages.
    pub fn layout(&self) -> &'static str {
        match self {
            Dataset::File(_) => "sorted file",
            Dataset::Dir(_) => "range directory",
        }
    }
}

impl RangeSource for Dataset {
    fn range(&self, prefix: Prefix) -> Result<Range, LookupError> {
        match self {
            Dataset::File(f) => f.range(prefix),
            Dataset::Dir(d) => d.range(prefix),
        }
    }

    fn counts(&self, prefix: Prefix, suffixes: &[Suffix]) -> BatchResult {
        match self {
            Dataset::File(f) => f.counts(prefix, suffixes),
            Dataset::Dir(d) => d.counts(prefix, suffixes),
        }
    }
}

fn dataset_error(path: &Path, message: impl Into<String>) -> PwnedError {
    PwnedError::Dataset {
        path: path.display().to_string(),
        message: message.into(),
    }
}

/// One parsed line of a sorted file. Its key is dataset content (public),
/// so it is not zeroized; the user's own hash, the search target, is.
struct Line {
    key: [u8; 20],
    count: u64,
    /// Offset of the next line (or the end of the data).
    next: usize,
}

/// The search interval: `key(lo) < target <= key(hi)`, where `hi == end`
/// stands for +infinity.
struct Bounds {
    lo: usize,
    /// Start of the line after `lo`.
    lo_next: usize,
    klo: [u8; 20],
    hi: usize,
    khi: Option<[u8; 20]>,
}

/// The first 8 bytes of a key as a number, for interpolation.
fn key64(k: &[u8; 20]) -> u64 {
    u64::from_be_bytes(k[..8].try_into().expect("8 bytes"))
}

/// How much of the dataset may stay resident in the process between two
/// releases of the mapped pages (see [`SortedFile::release_pages`]). A
/// search touches about four pages, so this is a release every 4,096
/// searches; a file no larger than this is never released (it cannot grow
/// the process past the budget). Each release walks the whole mapping (up to
/// tens of milliseconds on a 1 GB file), so releasing often costs more than
/// it saves.
const RESIDENT_BUDGET: usize = 64 << 20;

/// Searches between two releases for a file of `len` bytes (0: never).
fn release_every(len: usize) -> u32 {
    if len <= RESIDENT_BUDGET {
        0
    } else {
        (RESIDENT_BUDGET / (4 * 4096)) as u32
    }
}

/// A single `FULLHASH:COUNT` file sorted by hash, memory-mapped.
pub struct SortedFile {
    map: Mmap,
    /// Searches since the mapped pages were last released.
    searches: std::sync::atomic::AtomicU32,
    /// Searches between two releases (0: never; [`release_every`]).
    release_every: u32,
    /// End of the data, trailing line breaks excluded.
    end: usize,
    path: String,
    /// The prefix of the last line when the file does not end with a line
    /// break: that line may be cut, so lookups of its prefix fail.
    cut_prefix: Option<Prefix>,
}

impl SortedFile {
    pub fn open(path: &Path) -> Result<SortedFile, PwnedError> {
        let file =
            File::open(path).map_err(|e| dataset_error(path, format!("cannot open: {e}")))?;
        let len = file
            .metadata()
            .map_err(|e| dataset_error(path, format!("cannot read: {e}")))?
            .len();
        if len == 0 {
            return Err(dataset_error(path, "the file is empty"));
        }
        // SAFETY: the map is read-only. If another process truncates or
        // rewrites the file while we read it, what we read may be wrong (the
        // checks below then fail) or, for truncation, the process may get
        // SIGBUS: the same contract as every tool that maps its inputs.
        let map = unsafe { Mmap::map(&file) }
            .map_err(|e| dataset_error(path, format!("cannot map: {e}")))?;
        #[cfg(unix)]
        let _ = map.advise(memmap2::Advice::Random);
        let mut end = map.len();
        while end > 0 && matches!(map[end - 1], b'\n' | b'\r') {
            end -= 1;
        }
        if end == 0 {
            return Err(dataset_error(path, "the file is empty"));
        }
        let terminated = map.last() == Some(&b'\n');
        let mut f = SortedFile {
            release_every: release_every(map.len()),
            map,
            searches: std::sync::atomic::AtomicU32::new(0),
            end,
            path: path.display().to_string(),
            cut_prefix: None,
        };
        let last = f.check_ends().map_err(|e| dataset_error(path, e))?;
        if !terminated {
            // The downloader ends every line, the last one too: without a
            // final line break the last line may be what is left of a cut
            // one (a count cut at a digit still parses). Its prefix cannot
            // be trusted; the rest of the file can.
            f.cut_prefix = Some(Suffix::split(&last).0);
        }
        Ok(f)
    }

    /// Checks the first and last lines: SHA-1 (not NTLM, not another file)
    /// and in order. Returns the last line's hash.
    fn check_ends(&self) -> Result<[u8; 20], String> {
        let head = &self.map[..self.end.min(MAX_LINE)];
        let hex = head.iter().take_while(|&&c| nibble(c).is_some()).count();
        if hex == 32 && head.get(32) == Some(&b':') {
            return Err(NTLM.into());
        }
        let first = self.line(0).map_err(|_| {
            "not a Pwned Passwords SHA-1 file: the first line is not HASH:COUNT (40 hex characters, a colon, a number)".to_owned()
        })?;
        let last_start = self.map[self.end.saturating_sub(MAX_LINE)..self.end]
            .iter()
            .rposition(|&c| c == b'\n')
            .map_or(0, |i| self.end.saturating_sub(MAX_LINE) + i + 1);
        let last = self.line(last_start).map_err(|e| {
            format!("{e} (the last line: the file is cut or damaged at its end; download it again, and check it with `vaultlint pwned verify`)")
        })?;
        if last_start > 0 && last.key <= first.key {
            return Err("the file is not sorted by hash (its last line sorts before its first); sort it or download the file ordered by hash".into());
        }
        Ok(last.key)
    }

    /// Every `release_every` searches, drops the mapped pages from the
    /// process (`madvise(MADV_DONTNEED)`): they stay in the page cache and
    /// come back on the next read, but the process's resident memory tracks
    /// its heap, not the dataset (a 20M-line file is about 1 GB, and 200,000
    /// lookups touch most of it). Unmapping is cheaper too.
    fn release_pages(&self) {
        use std::sync::atomic::Ordering;
        let every = self.release_every;
        if every == 0 {
            return;
        }
        let n = self.searches.fetch_add(1, Ordering::Relaxed);
        if n % every == every - 1 {
            // SAFETY: the mapping is shared and read-only: after DONTNEED a
            // read gets the file's bytes again, the same as before (the
            // caveat of `unchecked_advise` is for private mappings, whose
            // written pages would be lost; nothing writes this one).
            #[cfg(unix)]
            let _ = unsafe {
                self.map
                    .unchecked_advise(memmap2::UncheckedAdvice::DontNeed)
            };
        }
    }

    fn corrupt(&self, at: usize, what: &str) -> LookupError {
        LookupError::Corrupt(format!("{}: byte {at}: {what}", self.path))
    }

    /// Parses the line starting at `start`.
    fn line(&self, start: usize) -> Result<Line, LookupError> {
        let data = &self.map[..self.end];
        let window = &data[start..data.len().min(start + MAX_LINE)];
        let (content, next) = match window.iter().position(|&c| c == b'\n') {
            Some(i) => (&window[..i], start + i + 1),
            None if start + window.len() == data.len() => (window, data.len()),
            None => return Err(self.corrupt(start, "line too long: not a HASH:COUNT file")),
        };
        let content = content.strip_suffix(b"\r").unwrap_or(content);
        let bad = || {
            self.corrupt(
                start,
                "not a HASH:COUNT line (40 hex characters, a colon, a number)",
            )
        };
        if content.len() < 42 || content[40] != b':' {
            return Err(bad());
        }
        let mut key = [0u8; 20];
        let mut invalid = 0u8;
        for (k, pair) in content[..40].chunks_exact(2).enumerate() {
            let (a, b) = (HEX[usize::from(pair[0])], HEX[usize::from(pair[1])]);
            invalid |= a | b;
            key[k] = (a << 4) | (b & 0x0F);
        }
        if invalid & 0xF0 != 0 {
            return Err(bad());
        }
        let mut line = Line {
            key,
            count: 0,
            next,
        };
        line.count = parse_count(&content[41..]).ok_or_else(bad)?;
        Ok(line)
    }

    /// Offset of the first line that starts after byte `at` (or the end).
    fn next_start(&self, at: usize) -> Result<usize, LookupError> {
        let data = &self.map[..self.end];
        let window = &data[at..data.len().min(at + MAX_LINE)];
        match window.iter().position(|&c| c == b'\n') {
            Some(i) => Ok(at + i + 1),
            None if at + window.len() == data.len() => Ok(data.len()),
            None => Err(self.corrupt(at, "line too long: not a HASH:COUNT file")),
        }
    }

    fn unsorted(&self, at: usize) -> LookupError {
        self.corrupt(
            at,
            "the file is not sorted by hash; sort it or download the file ordered by hash",
        )
    }

    /// Offset where the line ending just before `at` starts.
    fn prev_start(&self, at: usize) -> Result<usize, LookupError> {
        let from = at.saturating_sub(MAX_LINE + 1);
        match self.map[from..at - 1].iter().rposition(|&c| c == b'\n') {
            Some(i) => Ok(from + i + 1),
            None if from == 0 => Ok(0),
            None => Err(self.corrupt(from, "line too long: not a HASH:COUNT file")),
        }
    }

    /// Reads the line at `at` as a search probe: it must sort between the
    /// lines right before and after it, so one line out of place where the
    /// search looks is caught rather than steering it wrong.
    fn probe(&self, at: usize) -> Result<Line, LookupError> {
        let l = self.line(at)?;
        if at > 0 && self.line(self.prev_start(at)?)?.key >= l.key {
            return Err(self.unsorted(at));
        }
        if l.next < self.end && self.line(l.next)?.key <= l.key {
            return Err(self.unsorted(l.next));
        }
        Ok(l)
    }

    /// Offset of the first line whose hash is `>= target` (the end if none).
    ///
    /// Interpolation search over byte offsets. Hashes are uniform, so each
    /// estimate from the keys at the bounds lands about √d lines from the
    /// target when it was d lines away: about 105 KB, then 2 KB, then a few
    /// hundred bytes on a 20-million-line file. Once the expected error fits
    /// in a page, a guard probe just past it brackets the target and the
    /// rest is scanned: three or four pages per lookup, which is what costs
    /// on a mapped file. After [`INTERPOLATION_ROUNDS`] rounds (skewed data)
    /// the search bisects, so the worst case stays logarithmic. Every line
    /// read is checked against the bounds and its neighbours, so a disorder
    /// on the search path is an error, not a wrong answer.
    fn lower_bound(&self, target: &[u8; 20]) -> Result<usize, LookupError> {
        self.release_pages();
        let first = self.line(0)?;
        if first.key >= *target {
            return Ok(0);
        }
        let line_len = first.next.max(42) as f64;
        let mut b = Bounds {
            lo: 0,
            lo_next: first.next,
            klo: first.key,
            hi: self.end,
            khi: None,
        };
        let t = key64(target);
        for round in 0.. {
            let span = b.hi - b.lo;
            if span <= LINEAR {
                break;
            }
            let mid = b.lo + span / 2;
            if round >= INTERPOLATION_ROUNDS {
                if self.narrow(&mut b, mid, target)?.is_none() {
                    break;
                }
                continue;
            }
            let (a, z) = (key64(&b.klo), b.khi.as_ref().map_or(u64::MAX, key64));
            let f = if z <= a || t < a {
                0.5
            } else {
                (t - a) as f64 / (z - a) as f64
            };
            let guess = b.lo + (f * span as f64) as usize;
            let raised = match self.narrow(&mut b, guess, target)? {
                Some(raised) => raised,
                None => match self.narrow(&mut b, mid, target)? {
                    Some(raised) => raised,
                    None => break,
                },
            };
            // Two standard deviations of the estimate, plus a line.
            let lines = span as f64 / line_len;
            let guard = (2.0 * (lines * f * (1.0 - f)).sqrt() + 1.0) * line_len;
            if guard <= GUARD_MAX as f64 {
                let (lo, hi, guard) = (b.lo, b.hi, guard as usize);
                if raised && lo + guard < hi {
                    self.narrow(&mut b, lo + guard, target)?;
                } else if !raised && hi.saturating_sub(guard) > lo {
                    self.narrow(&mut b, hi - guard, target)?;
                }
            }
        }
        self.scan(&b, target)
    }

    /// Probes the first line starting after byte `at` (kept inside the
    /// bounds) and moves the bound it falls on. `Some(true)`: the low bound
    /// rose; `Some(false)`: the high one fell; `None`: no line starts there.
    fn narrow(
        &self,
        b: &mut Bounds,
        at: usize,
        target: &[u8; 20],
    ) -> Result<Option<bool>, LookupError> {
        let s = self.next_start(at.clamp(b.lo + 1, b.hi - 1))?;
        if s >= b.hi {
            return Ok(None);
        }
        let l = self.probe(s)?;
        if l.key <= b.klo || b.khi.as_ref().is_some_and(|k| l.key > *k) {
            return Err(self.unsorted(s));
        }
        if l.key < *target {
            b.lo = s;
            b.lo_next = l.next;
            b.klo = l.key;
            Ok(Some(true))
        } else {
            b.hi = s;
            b.khi = Some(l.key);
            Ok(Some(false))
        }
    }

    /// Scans the lines between the bounds for the first `>= target`.
    fn scan(&self, b: &Bounds, target: &[u8; 20]) -> Result<usize, LookupError> {
        let mut prev = b.klo;
        let mut from = b.lo_next;
        while from < b.hi {
            let l = self.line(from)?;
            if l.key <= prev || b.khi.as_ref().is_some_and(|k| l.key > *k) {
                return Err(self.unsorted(from));
            }
            if l.key >= *target {
                return Ok(from);
            }
            prev = l.key;
            from = l.next;
        }
        Ok(b.hi)
    }

    /// The count of one full hash (0 when absent).
    pub fn count(&self, hash: &[u8; 20]) -> Result<u64, LookupError> {
        let at = self.lower_bound(hash)?;
        if at >= self.end {
            return Ok(0);
        }
        // The answer's line and the next one must be in order: a line out
        // of place right here would otherwise read as "not found".
        let l = self.line(at)?;
        if l.next < self.end && self.line(l.next)?.key <= l.key {
            return Err(self.unsorted(l.next));
        }
        Ok(if l.key == *hash { l.count } else { 0 })
    }

    /// Every row of `prefix`, checked for shape and order.
    pub fn range(&self, prefix: Prefix) -> Result<Range, LookupError> {
        self.check_not_cut(prefix)?;
        let start = Suffix::default().full_hash(prefix);
        let mut at = self.lower_bound(&start)?;
        let mut rows = Vec::new();
        let mut prev: Option<[u8; 20]> = None;
        while at < self.end {
            let l = self.line(at)?;
            if prev.as_ref().is_some_and(|p| l.key <= *p) {
                return Err(self.unsorted(at));
            }
            let (p, s) = Suffix::split(&l.key);
            if p != prefix {
                break;
            }
            rows.push((s, l.count));
            prev = Some(l.key);
            at = l.next;
        }
        Range::from_sorted(rows).map_err(|e| match e {
            RangeError::Empty => self.no_rows(),
            e => LookupError::Corrupt(format!("{}: {e}", self.path)),
        })
    }

    fn check_not_cut(&self, prefix: Prefix) -> Result<(), LookupError> {
        if self.cut_prefix == Some(prefix) {
            return Err(LookupError::Unavailable(format!(
                "{}: {CUT_LAST_LINE}",
                self.path
            )));
        }
        Ok(())
    }

    fn no_rows(&self) -> LookupError {
        LookupError::Unavailable(format!("{}: {NO_ROWS}", self.path))
    }

    /// True when the file has at least one line of `prefix`.
    fn has_prefix(&self, prefix: Prefix) -> Result<bool, LookupError> {
        let at = self.lower_bound(&Suffix::default().full_hash(prefix))?;
        Ok(at < self.end && Suffix::split(&self.line(at)?.key).0 == prefix)
    }

    /// The counts of `suffixes` under `prefix`; a prefix without any line
    /// is a failed lookup, never "not found" (every prefix has rows in the
    /// corpus: the file was cut or is a subset).
    pub fn counts(&self, prefix: Prefix, suffixes: &[Suffix]) -> BatchResult {
        self.check_not_cut(prefix)?;
        if !self.has_prefix(prefix)? {
            return Err(self.no_rows());
        }
        suffixes
            .iter()
            .map(|s| self.count(&Zeroizing::new(s.full_hash(prefix))))
            .collect()
    }
}

/// A directory of `XXXXX.txt` range files.
pub struct RangeDir {
    dir: PathBuf,
    /// The sample file ended with a line break: then every file must, and
    /// one that does not has its last row cut. (The official downloader
    /// writes the API's bodies, which end without one: there a count cut
    /// at a digit cannot be told from a whole one.)
    terminated: bool,
}

impl RangeDir {
    pub fn open(dir: &Path) -> Result<RangeDir, PwnedError> {
        let sample = Self::sample_file(dir)?;
        let body = std::fs::read(&sample)
            .map_err(|e| dataset_error(&sample, format!("cannot read: {e}")))?;
        match Range::parse(&body) {
            Ok(_) => Ok(RangeDir {
                dir: dir.to_owned(),
                terminated: body.ends_with(b"\n"),
            }),
            Err(RangeError::Ntlm { .. }) => Err(dataset_error(dir, NTLM)),
            Err(e) => Err(dataset_error(
                &sample,
                format!("not a Pwned Passwords range file: {e}"),
            )),
        }
    }

    /// `00000.txt`, else the first `XXXXX.txt` in the directory.
    fn sample_file(dir: &Path) -> Result<PathBuf, PwnedError> {
        let first = dir.join("00000.txt");
        if first.is_file() {
            return Ok(first);
        }
        let entries =
            std::fs::read_dir(dir).map_err(|e| dataset_error(dir, format!("cannot list: {e}")))?;
        entries
            .filter_map(Result::ok)
            .find(|e| {
                let name = e.file_name();
                let name = name.to_string_lossy();
                name.strip_suffix(".txt")
                    .is_some_and(|stem| Prefix::parse(stem).is_some())
            })
            .map(|e| e.path())
            .ok_or_else(|| {
                dataset_error(
                    dir,
                    "not a Pwned Passwords range directory: no XXXXX.txt range files in it",
                )
            })
    }

    pub fn range(&self, prefix: Prefix) -> Result<Range, LookupError> {
        let path = self.dir.join(format!("{prefix}.txt"));
        let body = std::fs::read(&path).map_err(|e| {
            LookupError::Unavailable(match e.kind() {
                std::io::ErrorKind::NotFound => format!(
                    "{}: a range file is missing (incomplete download?)",
                    self.dir.display()
                ),
                _ => format!("{}: cannot read a range file: {e}", self.dir.display()),
            })
        })?;
        self.check_body(&body).map_err(|e| {
            LookupError::Unavailable(format!(
                "{}: a range file is damaged: {e}",
                self.dir.display()
            ))
        })
    }

    /// Parses one range file: the shared range checks, plus the
    /// directory's line-ending convention for its last row.
    pub(crate) fn check_body(&self, body: &[u8]) -> Result<Range, String> {
        let range = Range::parse(body).map_err(|e| e.to_string())?;
        if self.terminated && !body.ends_with(b"\n") {
            return Err("its last row is cut: the file does not end with a line break like the directory's other files".into());
        }
        Ok(range)
    }

    pub fn counts(&self, prefix: Prefix, suffixes: &[Suffix]) -> BatchResult {
        let r = self.range(prefix)?;
        Ok(suffixes.iter().map(|s| r.count(s)).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pwned::PasswordHash;
    use std::io::Write;

    /// A sorted file of `n` pseudo-random hashes plus the given passwords,
    /// with `count = position + 1`.
    fn sorted_file(
        n: usize,
        passwords: &[&str],
        crlf: bool,
    ) -> (tempfile::NamedTempFile, Vec<[u8; 20]>) {
        use sha1::Digest;
        let mut keys: Vec<[u8; 20]> = (0..n)
            .map(|i| sha1::Sha1::digest(format!("filler {i}")).into())
            .collect();
        for p in passwords {
            keys.push(sha1::Sha1::digest(p.as_bytes()).into());
        }
        keys.sort();
        let mut f = tempfile::NamedTempFile::new().unwrap();
        let eol = if crlf { "\r\n" } else { "\n" };
        for (i, k) in keys.iter().enumerate() {
            write!(f, "{}:{}{eol}", hex::encode_upper(k), i + 1).unwrap();
        }
        f.flush().unwrap();
        (f, keys)
    }

    #[test]
    fn finds_every_line_and_nothing_else() {
        for crlf in [false, true] {
            let (f, keys) = sorted_file(3000, &["password"], crlf);
            let sf = SortedFile::open(f.path()).unwrap();
            for (i, k) in keys.iter().enumerate() {
                assert_eq!(sf.count(k).unwrap(), i as u64 + 1, "line {i}");
                let mut other = *k;
                other[19] ^= 1;
                if keys.binary_search(&other).is_err() {
                    assert_eq!(sf.count(&other).unwrap(), 0);
                }
            }
            assert_eq!(sf.count(&[0; 20]).unwrap(), 0);
            assert_eq!(sf.count(&[0xFF; 20]).unwrap(), 0);
            let h = PasswordHash::of("password");
            assert!(sf.counts(h.prefix(), &[h.suffix()]).unwrap()[0] > 0);
        }
    }

    /// Resident pages of the mapping that starts at `addr` (Linux).
    #[cfg(target_os = "linux")]
    fn resident_kib(addr: usize) -> usize {
        let smaps = std::fs::read_to_string("/proc/self/smaps").unwrap();
        let mut inside = false;
        for line in smaps.lines() {
            if let Some((range, _)) = line.split_once(' ')
                && let Some((start, _)) = range.split_once('-')
                && let Ok(start) = usize::from_str_radix(start, 16)
            {
                inside = start == addr;
                continue;
            }
            if inside && let Some(kib) = line.strip_prefix("Rss:") {
                return kib.trim().trim_end_matches(" kB").trim().parse().unwrap();
            }
        }
        panic!("mapping not found");
    }

    /// Lookups all over a file leave only a few of its pages resident.
    #[cfg(target_os = "linux")]
    #[test]
    #[ignore = "slow: run by `cargo test -- --ignored` (CI does)"]
    fn lookups_do_not_keep_the_file_resident() {
        use sha1::Digest;
        let (f, keys) = sorted_file(200_000, &[], false);
        let mut sf = SortedFile::open(f.path()).unwrap();
        let file_kib = sf.map.len() / 1024;
        // A 9 MB file fits the budget and is never released...
        assert_eq!(sf.release_every, 0);
        assert_eq!(release_every(1 << 30), 4096);
        // ...so release as if it were a large one.
        sf.release_every = 256;
        for i in 0..20_000 {
            let probe: [u8; 20] = sha1::Sha1::digest(format!("probe {i}")).into();
            sf.count(&probe).unwrap();
        }
        assert_eq!(sf.count(&keys[77]).unwrap(), 78);
        let rss = resident_kib(sf.map.as_ptr() as usize);
        assert!(
            rss < file_kib / 2,
            "{rss} KiB of a {file_kib} KiB file resident after 20,000 lookups"
        );
    }

    #[test]
    fn ranges_match_a_filter_of_the_file() {
        let (f, keys) = sorted_file(5000, &[], false);
        let sf = SortedFile::open(f.path()).unwrap();
        for k in keys
            .iter()
            .step_by(97)
            .chain([keys.first().unwrap(), keys.last().unwrap()])
        {
            let (prefix, _) = Suffix::split(k);
            let want: Vec<(Suffix, u64)> = keys
                .iter()
                .enumerate()
                .filter(|(_, k)| Suffix::split(k).0 == prefix)
                .map(|(i, k)| (Suffix::split(k).1, i as u64 + 1))
                .collect();
            assert_eq!(sf.range(prefix).unwrap().rows(), &want[..]);
        }
    }

    #[test]
    fn detects_unsorted_files_on_the_search_path() {
        let (f, keys) = sorted_file(2000, &[], false);
        let text = std::fs::read_to_string(f.path()).unwrap();
        for (a, b) in [(700, 1300), (1000, 1001), (3, 1700), (1, 1998), (999, 1000)] {
            let mut lines: Vec<&str> = text.lines().collect();
            lines.swap(a, b);
            let mut g = tempfile::NamedTempFile::new().unwrap();
            g.write_all((lines.join("\n") + "\n").as_bytes()).unwrap();
            let sf = SortedFile::open(g.path()).unwrap();
            let mut errors = 0;
            // Lookups whose search passes the swapped lines fail; none may
            // silently answer 0 for a hash that is in the file.
            for (i, k) in keys.iter().enumerate() {
                match sf.count(k) {
                    Ok(n) => assert!(n > 0, "swap {a}/{b}: line {i} answered not found"),
                    Err(LookupError::Corrupt(m)) => {
                        assert!(m.contains("not sorted"), "{m}");
                        errors += 1;
                    }
                    Err(e) => panic!("{e}"),
                }
            }
            assert!(errors >= 2, "swap {a}/{b}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(24))]
        /// Any sorted file, however small or skewed (clustered keys mislead
        /// interpolation), answers like a map of its lines.
        #[test]
        #[ignore = "slow: run by `cargo test -- --ignored` (CI does)"]
        fn search_agrees_with_a_map(
            seeds in proptest::collection::vec(proptest::prelude::any::<[u8; 20]>(), 1..400),
            cluster in proptest::prelude::any::<bool>(),
            crlf in proptest::prelude::any::<bool>(),
            probes in proptest::collection::vec(proptest::prelude::any::<[u8; 20]>(), 20),
        ) {
            let mut keys: Vec<[u8; 20]> = seeds
                .iter()
                .map(|k| {
                    let mut k = *k;
                    if cluster {
                        // Most keys share 10 bytes; a few sit far away.
                        if k[19] % 8 != 0 {
                            k[..10].copy_from_slice(&[0x7A; 10]);
                        }
                    }
                    k
                })
                .collect();
            keys.sort();
            keys.dedup();
            let mut f = tempfile::NamedTempFile::new().unwrap();
            let eol = if crlf { "\r\n" } else { "\n" };
            let mut text = String::new();
            for (i, k) in keys.iter().enumerate() {
                text.push_str(&format!("{}:{}{eol}", hex::encode_upper(k), i + 1));
            }
            f.write_all(text.as_bytes()).unwrap();
            let sf = SortedFile::open(f.path()).unwrap();
            for (i, k) in keys.iter().enumerate() {
                proptest::prop_assert_eq!(sf.count(k).unwrap(), i as u64 + 1);
            }
            for p in probes.iter().chain(keys.iter().map(|k| {
                let mut k = *k;
                k[19] = k[19].wrapping_add(1);
                k
            }).collect::<Vec<_>>().iter()) {
                let want = keys.binary_search(p).map_or(0, |i| i as u64 + 1);
                proptest::prop_assert_eq!(sf.count(p).unwrap(), want);
                let (prefix, _) = Suffix::split(p);
                let want = keys.iter().filter(|k| Suffix::split(k).0 == prefix).count();
                match sf.range(prefix) {
                    Ok(r) => proptest::prop_assert_eq!(r.len(), want),
                    Err(e) => {
                        proptest::prop_assert_eq!(want, 0);
                        proptest::prop_assert!(matches!(e, LookupError::Unavailable(_)));
                    }
                }
            }
        }
    }

    #[test]
    fn refuses_ntlm_and_foreign_files() {
        let mut ntlm = tempfile::NamedTempFile::new().unwrap();
        writeln!(ntlm, "{}:12", "A".repeat(32)).unwrap();
        let err = Dataset::open(ntlm.path()).err().unwrap().to_string();
        assert!(err.contains("NTLM"), "{err}");
        let mut csv = tempfile::NamedTempFile::new().unwrap();
        writeln!(csv, "name,url,password").unwrap();
        let err = Dataset::open(csv.path()).err().unwrap().to_string();
        assert!(err.contains("not a Pwned Passwords"), "{err}");
        let empty = tempfile::NamedTempFile::new().unwrap();
        assert!(Dataset::open(empty.path()).is_err());
        let mut reversed = tempfile::NamedTempFile::new().unwrap();
        write!(reversed, "{}:1\n{}:2\n", "F".repeat(40), "0".repeat(40)).unwrap();
        let err = Dataset::open(reversed.path()).err().unwrap().to_string();
        assert!(err.contains("not sorted"), "{err}");
    }

    #[test]
    fn a_file_cut_mid_line_is_refused_or_its_last_prefix_unknown() {
        let (f, keys) = sorted_file(200, &[], false);
        let text = std::fs::read(f.path()).unwrap();
        let last = *keys.last().unwrap();
        let (prefix, suffix) = Suffix::split(&last);
        // Cut inside the count (or just the line break): the last line
        // still parses, but may be cut: its prefix is unknown.
        for cut in [text.len() - 1, text.len() - 2] {
            let mut g = tempfile::NamedTempFile::new().unwrap();
            g.write_all(&text[..cut]).unwrap();
            let sf = SortedFile::open(g.path()).unwrap();
            let r = sf.counts(prefix, &[suffix]);
            assert!(
                matches!(&r, Err(LookupError::Unavailable(m)) if m.contains("may be cut")),
                "{cut}: {r:?}"
            );
            assert!(sf.range(prefix).is_err());
            let (p0, s0) = Suffix::split(&keys[0]);
            assert_eq!(sf.counts(p0, &[s0]).unwrap(), vec![1]);
        }
        // Cut inside the hash: refused on open.
        let mut g = tempfile::NamedTempFile::new().unwrap();
        g.write_all(&text[..text.len() - 20]).unwrap();
        let err = SortedFile::open(g.path()).err().unwrap().to_string();
        assert!(err.contains("cut or damaged at its end"), "{err}");
    }

    #[test]
    fn a_prefix_without_rows_is_unknown_not_absent() {
        // A file cut at a line boundary: every hash past the cut belongs to
        // a prefix with no rows, which must not read as "not found".
        let (f, keys) = sorted_file(3000, &[], true);
        let text = std::fs::read_to_string(f.path()).unwrap();
        let half: String = text.split_inclusive('\n').take(1500).collect();
        let mut g = tempfile::NamedTempFile::new().unwrap();
        g.write_all(half.as_bytes()).unwrap();
        let sf = SortedFile::open(g.path()).unwrap();
        let past = keys[2500];
        let (prefix, suffix) = Suffix::split(&past);
        let r = sf.counts(prefix, &[suffix]);
        assert!(
            matches!(&r, Err(LookupError::Unavailable(m)) if m.contains("no rows")),
            "{r:?}"
        );
        assert!(matches!(sf.range(prefix), Err(LookupError::Unavailable(_))));
        // A hash before the cut, absent but of a prefix with rows: not found.
        let (prefix, mut suffix) = Suffix::split(&keys[10]);
        suffix.0[17] ^= 1;
        assert_eq!(sf.counts(prefix, &[suffix]).unwrap(), vec![0]);
    }

    #[test]
    fn range_files_keep_the_directory_line_ending_convention() {
        let dir = tempfile::tempdir().unwrap();
        let s = |c: char| std::iter::repeat_n(c, 35).collect::<String>();
        std::fs::write(
            dir.path().join("00000.txt"),
            format!("{}:3\n{}:4\n", s('1'), s('2')),
        )
        .unwrap();
        std::fs::write(
            dir.path().join("00001.txt"),
            format!("{}:3\n{}:25283", s('1'), s('2')),
        )
        .unwrap();
        let ds = RangeDir::open(dir.path()).unwrap();
        assert!(ds.range(Prefix::new(0).unwrap()).is_ok());
        let cut = ds.range(Prefix::new(1).unwrap());
        assert!(
            matches!(&cut, Err(LookupError::Unavailable(m)) if m.contains("last row is cut")),
            "{cut:?}"
        );
    }

    #[test]
    fn directory_layout() {
        let dir = tempfile::tempdir().unwrap();
        let h = PasswordHash::of("password");
        let mut body = Vec::new();
        Range::from_rows(vec![(h.suffix(), 42)]).write_body(&mut body, Some(10));
        std::fs::write(dir.path().join(format!("{}.txt", h.prefix())), &body).unwrap();
        let ds = Dataset::open(dir.path()).unwrap();
        assert_eq!(ds.layout(), "range directory");
        assert_eq!(
            ds.counts(h.prefix(), &[h.suffix(), Suffix::default()])
                .unwrap(),
            vec![42, 0]
        );
        let missing = ds.counts(Prefix::new(0).unwrap(), &[h.suffix()]);
        assert!(
            matches!(missing, Err(LookupError::Unavailable(_))),
            "{missing:?}"
        );
        std::fs::write(dir.path().join("00001.txt"), b"garbage").unwrap();
        assert!(matches!(
            ds.range(Prefix::new(1).unwrap()),
            Err(LookupError::Unavailable(_))
        ));
        // An empty range file is a failed lookup, never "no rows".
        std::fs::write(dir.path().join("00002.txt"), b"").unwrap();
        let empty = ds.counts(Prefix::new(2).unwrap(), &[h.suffix()]);
        assert!(
            matches!(&empty, Err(LookupError::Unavailable(m)) if m.contains("no rows")),
            "{empty:?}"
        );

        let ntlm = tempfile::tempdir().unwrap();
        std::fs::write(
            ntlm.path().join("00000.txt"),
            format!("{}:3", "B".repeat(27)),
        )
        .unwrap();
        let err = Dataset::open(ntlm.path()).err().unwrap().to_string();
        assert!(err.contains("NTLM"), "{err}");
        let empty = tempfile::tempdir().unwrap();
        assert!(Dataset::open(empty.path()).is_err());
    }
}
