//! Local Pwned Passwords datasets, as the official downloader writes them:
//!
//! - one file of `FULLHASH:COUNT` lines sorted by hash ([`SortedFile`]):
//!   searched in place with positioned reads into a small buffer
//!   (interpolation search over byte offsets, falling back to bisection),
//!   never mapped, scanned or loaded. Every line
//!   the search touches is checked for shape and for order against its
//!   neighbours, so a wrong or unsorted file fails with an error instead of
//!   answering "not found";
//! - a directory of 1,048,576 `XXXXX.txt` files, each one range body
//!   ([`RangeDir`]).
//!
//! [`Dataset::open`] tells them apart and refuses the NTLM variants.

use std::fs::File;
use std::path::{Path, PathBuf};

use super::range::{HEX, Range, RangeError, nibble, parse_count};
use super::{Batch, BatchResult, LookupError, Prefix, PwnedError, RangeSource, Suffix};
use crate::progress::Progress;

/// The longest valid line: 40 hex, a colon, 20 digits, CRLF.
const MAX_LINE: usize = 40 + 1 + 20 + 2;
/// Below this many bytes the search scans lines one by one.
const LINEAR: usize = 1024;
/// A guard probe is placed once the estimate's expected error is this small.
const GUARD_MAX: usize = 4096;
/// With [`Reader::frugal`], the guard probe only once the estimate's expected
/// error is this small (or the guard is in the window already): a farther
/// guard would cost a page of its own, where the next estimate, a few lines
/// from the target, costs none or one.
const GUARD_NEAR: usize = 1024;
/// The page size reads are aligned to: reading a whole page costs about as
/// much as a part of it, and what costs is each page touched (see
/// [`Reader::fill`]).
const PAGE: usize = 4096;
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

    fn counts_all(&self, batches: &[Batch], progress: &dyn Progress) -> Vec<BatchResult> {
        match self {
            Dataset::File(f) => f.counts_all(batches, progress),
            Dataset::Dir(_) => super::counts_each(self, batches, progress),
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
#[derive(Clone, Copy)]
struct Bounds {
    lo: usize,
    /// Start of the line after `lo`.
    lo_next: usize,
    klo: [u8; 20],
    hi: usize,
    khi: Option<[u8; 20]>,
}

/// A line already checked in place, below every later target of a run of
/// sorted lookups: the next search starts there instead of at line 0.
/// With `khi`, a line at `hi` already checked too, at or above the target
/// (a sample of the file): the search starts between the two. The same
/// fields as the search's [`Bounds`], which a hint becomes.
type Hint = Bounds;

/// Where interpolation between the bounds expects `target`: the offset of
/// the estimate and its standard deviation in bytes (hashes are uniform: the lines below the
/// target between the bounds are binomial).
fn estimate(b: &Bounds, target: &[u8; 20], line_len: f64) -> (usize, f64) {
    let span = b.hi - b.lo;
    let (a, z) = (key64(&b.klo), b.khi.as_ref().map_or(u64::MAX, key64));
    let t = key64(target);
    let f = if z <= a || t < a {
        0.5
    } else {
        (t - a) as f64 / (z - a) as f64
    };
    let guess = b.lo + (f * span as f64) as usize;
    let lines = span as f64 / line_len;
    (guess, (lines * f * (1.0 - f)).sqrt() * line_len)
}

/// The first 8 bytes of a key as a number, for interpolation.
fn key64(k: &[u8; 20]) -> u64 {
    u64::from_be_bytes(k[..8].try_into().expect("8 bytes"))
}

/// The smallest read of the file: a probe and its two neighbours fit.
const MIN_WINDOW: usize = 1024;
/// The largest read: an estimate expected this close is read whole, so
/// the probes that follow and the final scan need no other read.
const MAX_WINDOW: usize = 16 << 10;
/// Lookups per run of sorted lookups that share a window and hints.
const RUN: usize = 64;
/// The least distance between two samples of the file.
const MIN_SPACING: usize = 16 << 10;
/// Below this many samples, lookups search without them.
const MIN_SAMPLES: usize = 16;
/// The widest window a lookup reads ahead of its search.
const MAX_AHEAD: usize = 64 << 10;
/// Threads reading the windows the page cache does not hold: the reads
/// wait, not compute, so more of them than cores overlap their waits.
const READERS: usize = 16;

/// Reads `buf.len()` bytes at `at`, or fails (`UnexpectedEof` when the file
/// is shorter now).
fn read_exact_at(file: &File, mut buf: &mut [u8], mut at: u64) -> std::io::Result<()> {
    while !buf.is_empty() {
        #[cfg(unix)]
        let n = std::os::unix::fs::FileExt::read_at(file, buf, at);
        #[cfg(windows)]
        let n = std::os::windows::fs::FileExt::seek_read(file, buf, at);
        match n {
            Ok(0) => return Err(std::io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => {
                buf = &mut buf[n..];
                at += n as u64;
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// What identifies the file's version: its length and modification time.
fn stamp(meta: &std::fs::Metadata) -> (u64, Option<std::time::SystemTime>) {
    (meta.len(), meta.modified().ok())
}

/// A single `FULLHASH:COUNT` file sorted by hash, read in place with
/// positioned reads (`pread`) into a small buffer per lookup: never mapped,
/// scanned or loaded, so the process's memory is its heap, whatever the
/// file's size, and a page not in the cache costs one read, not a fault.
pub struct SortedFile {
    file: File,
    /// Length and modification time at open: a file that changes while it
    /// is read fails every lookup.
    stamp: (u64, Option<std::time::SystemTime>),
    /// End of the data, trailing line breaks excluded.
    end: usize,
    /// The first line's key and the offset of the second line.
    first: ([u8; 20], usize),
    path: String,
    /// The prefix of the last line when the file does not end with a line
    /// break: that line may be cut, so lookups of its prefix fail.
    cut_prefix: Option<Prefix>,
    /// Positioned reads so far (tests count them).
    reads: std::sync::atomic::AtomicUsize,
    /// Pages those reads spanned (tests count them).
    pages: std::sync::atomic::AtomicUsize,
}

/// A window of the file held in memory: the lines a lookup reads come
/// from here, and a line outside it costs one positioned read of a window
/// sized by how far the search expects the target to be.
struct Reader<'a> {
    f: &'a SortedFile,
    buf: Vec<u8>,
    /// File offset of `buf[0]`.
    start: usize,
    /// Bytes the next read takes (set by the search).
    window: usize,
    /// Reads so far.
    reads: usize,
    /// Spend pages rather than reads: each estimate far from its target is
    /// checked with one probe (a page), and the next estimate, a few lines
    /// off, is read with the target's rows; no guard probe a page away.
    /// For lookups planned from samples, where the reads' latency overlaps
    /// and what costs is the pages touched.
    frugal: bool,
}

impl SortedFile {
    pub fn open(path: &Path) -> Result<SortedFile, PwnedError> {
        let file =
            File::open(path).map_err(|e| dataset_error(path, format!("cannot open: {e}")))?;
        // Lookups read a page or two at scattered offsets: without this,
        // each page the cache lacks brings its neighbours from the disk
        // too (readahead), which no later lookup reads. Only a hint: the
        // reads and their answers are the same either way.
        #[cfg(target_os = "linux")]
        let _ = rustix::fs::fadvise(&file, 0, None, rustix::fs::Advice::Random);
        let meta = file
            .metadata()
            .map_err(|e| dataset_error(path, format!("cannot read: {e}")))?;
        let len = usize::try_from(meta.len())
            .map_err(|_| dataset_error(path, "the file is too large for this machine"))?;
        if len == 0 {
            return Err(dataset_error(path, "the file is empty"));
        }
        let read = |at: usize, n: usize| {
            let mut buf = vec![0; n];
            read_exact_at(&file, &mut buf, at as u64)
                .map(|()| buf)
                .map_err(|e| dataset_error(path, format!("cannot read: {e}")))
        };
        // The end of the data: trailing line breaks excluded.
        let mut end = len;
        let mut terminated = None;
        while end > 0 {
            let from = end.saturating_sub(4096);
            let tail = read(from, end - from)?;
            terminated.get_or_insert(tail.last() == Some(&b'\n'));
            match tail.iter().rposition(|c| !matches!(c, b'\n' | b'\r')) {
                Some(i) => {
                    end = from + i + 1;
                    break;
                }
                None => end = from,
            }
        }
        if end == 0 {
            return Err(dataset_error(path, "the file is empty"));
        }
        let mut f = SortedFile {
            file,
            stamp: stamp(&meta),
            end,
            first: ([0; 20], 0),
            path: path.display().to_string(),
            cut_prefix: None,
            reads: Default::default(),
            pages: Default::default(),
        };
        let last = f.check_ends().map_err(|e| dataset_error(path, e))?;
        if terminated == Some(false) {
            // The downloader ends every line, the last one too: without a
            // final line break the last line may be what is left of a cut
            // one (a count cut at a digit still parses). Its prefix cannot
            // be trusted; the rest of the file can.
            f.cut_prefix = Some(Suffix::split(&last).0);
        }
        Ok(f)
    }

    fn reader(&self) -> Reader<'_> {
        Reader {
            f: self,
            buf: Vec::with_capacity(MAX_WINDOW),
            start: 0,
            window: MIN_WINDOW,
            reads: 0,
            frugal: false,
        }
    }

    /// A reader for lookups planned from samples ([`Reader::frugal`]).
    fn frugal_reader(&self) -> Reader<'_> {
        Reader {
            frugal: true,
            ..self.reader()
        }
    }

    /// Counts a read of `[from, to)`.
    fn count_read(&self, from: usize, to: usize) {
        use std::sync::atomic::Ordering::Relaxed;
        self.reads.fetch_add(1, Relaxed);
        self.pages
            .fetch_add(to.div_ceil(PAGE) - from / PAGE, Relaxed);
    }

    /// Checks the first and last lines: SHA-1 (not NTLM, not another file)
    /// and in order; remembers the first. Returns the last line's hash.
    fn check_ends(&mut self) -> Result<[u8; 20], String> {
        let mut r = self.reader();
        let head = r.get(0, MAX_LINE).map_err(|e| e.to_string())?;
        let hex = head.iter().take_while(|&&c| nibble(c).is_some()).count();
        if hex == 32 && head.get(32) == Some(&b':') {
            return Err(NTLM.into());
        }
        let first = r.line(0).map_err(|e| match e {
            LookupError::Corrupt(_) => "not a Pwned Passwords SHA-1 file: the first line is not HASH:COUNT (40 hex characters, a colon, a number)".to_owned(),
            e => e.to_string(),
        })?;
        let from = self.end.saturating_sub(MAX_LINE);
        let last_start = r
            .get(from, self.end - from)
            .map_err(|e| e.to_string())?
            .iter()
            .rposition(|&c| c == b'\n')
            .map_or(0, |i| from + i + 1);
        let last = r.line(last_start).map_err(|e| {
            format!("{e} (the last line: the file is cut or damaged at its end; download it again, and check it with `vaultlint pwned verify`)")
        })?;
        if last_start > 0 && last.key <= first.key {
            return Err("the file is not sorted by hash (its last line sorts before its first); sort it or download the file ordered by hash".into());
        }
        self.first = (first.key, first.next);
        Ok(last.key)
    }

    fn corrupt(&self, at: usize, what: &str) -> LookupError {
        LookupError::Corrupt(format!("{}: byte {at}: {what}", self.path))
    }

    fn unsorted(&self, at: usize) -> LookupError {
        self.corrupt(
            at,
            "the file is not sorted by hash; sort it or download the file ordered by hash",
        )
    }

    fn changed(&self) -> LookupError {
        LookupError::Corrupt(format!(
            "{}: the file changed while it was read (its size or modification time is not what it was when opened); run the audit again once nothing writes to it",
            self.path
        ))
    }

    /// Fails when the file is not the one opened (length or modification
    /// time changed).
    fn check_unchanged(&self) -> Result<(), LookupError> {
        match self.file.metadata() {
            Ok(meta) if stamp(&meta) == self.stamp => Ok(()),
            Ok(_) => Err(self.changed()),
            Err(e) => Err(LookupError::Unavailable(format!(
                "{}: cannot read: {e}",
                self.path
            ))),
        }
    }

    /// The count of one full hash (0 when absent).
    pub fn count(&self, hash: &[u8; 20]) -> Result<u64, LookupError> {
        let mut r = self.reader();
        let at = r.lower_bound(hash, None)?;
        if at >= self.end {
            return Ok(0);
        }
        // The answer's line and the next one must be in order: a line out
        // of place right here would otherwise read as "not found".
        let l = r.line(at)?;
        if l.next < self.end && r.line(l.next)?.key <= l.key {
            return Err(self.unsorted(l.next));
        }
        Ok(if l.key == *hash { l.count } else { 0 })
    }

    /// Every row of `prefix`, checked for shape and order.
    pub fn range(&self, prefix: Prefix) -> Result<Range, LookupError> {
        self.reader().range(prefix, &mut None)
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

    /// The counts of `suffixes` under `prefix`, from the prefix's rows
    /// (every one checked for shape and order); a prefix without any line
    /// is a failed lookup, never "not found" (every prefix has rows in the
    /// corpus: the file was cut or is a subset).
    pub fn counts(&self, prefix: Prefix, suffixes: &[Suffix]) -> BatchResult {
        let r = self.reader().counts(prefix, suffixes, &mut None);
        self.check_unchanged()?;
        r
    }

    /// Every batch's counts, in order. With enough batches, the file is
    /// sampled first and every lookup then reads one window planned from
    /// the samples around it, the reads of windows not in the page cache
    /// issued together ([`SortedFile::sampled`]); else runs of [`RUN`]
    /// sorted batches with one reader each ([`SortedFile::counts_in_runs`]).
    /// The file must be unchanged at the end, or every result is an error.
    pub fn counts_all(&self, batches: &[Batch], progress: &dyn Progress) -> Vec<BatchResult> {
        let results = self
            .sampled(batches, progress)
            .unwrap_or_else(|| self.counts_in_runs(batches, progress));
        match self.check_unchanged() {
            Ok(()) => results,
            Err(e) => batches.iter().map(|_| Err(e.clone())).collect(),
        }
    }

    /// Runs of [`RUN`] batches on rayon, each run with one reader whose
    /// searches start from where the previous one ended when the batches
    /// are sorted (as the pwned check sorts them).
    fn counts_in_runs(&self, batches: &[Batch], progress: &dyn Progress) -> Vec<BatchResult> {
        use rayon::prelude::*;
        let runs: Vec<Vec<BatchResult>> = batches
            .par_chunks(RUN)
            .map(|run| {
                let mut r = self.reader();
                let mut hint = None;
                run.iter()
                    .map(|b| {
                        let res = r.counts(b.prefix, &b.suffixes, &mut hint);
                        progress.advance(1);
                        res
                    })
                    .collect()
            })
            .collect();
        runs.into_iter().flatten().collect()
    }

    /// The lookups of many batches in rounds of reads, each round's
    /// reads independent of one another, so a file the page cache no
    /// longer holds costs a few read latencies, not a few per lookup:
    ///
    /// 1. one line at each of `n` even offsets (a quarter as many as
    ///    batches), each checked like a search probe (shape, order against
    ///    its neighbours) and against the sample before it;
    /// 2. per batch, the page where interpolation between the two samples
    ///    around its prefix expects the prefix's rows, searched like any
    ///    lookup with the samples as its bounds ([`Reader::frugal`]): every
    ///    line it touches is checked as before; the probe there leaves the
    ///    next estimate a few lines from the target, read with the rows
    ///    after it (usually the same page or the next).
    ///
    /// What a lookup costs in a file the page cache holds is the pages it
    /// touches, not the bytes or the reads: on the 2-core VM of
    /// BENCHMARKS.md a page not touched for a second costs 10-50 us, one
    /// touched just before about 2. So one page at the estimate and one
    /// for the rows, not the 4-5 pages of a window wide enough for the
    /// first estimate's error (three standard deviations, 12 KiB at 20
    /// million lines).
    ///
    /// `None` (nothing looked up) when there are too few batches or the
    /// file is too small for samples to pay, or when a sample fails: the
    /// lookups then search from the first line and report what they find.
    fn sampled(&self, batches: &[Batch], progress: &dyn Progress) -> Option<Vec<BatchResult>> {
        let n = (batches.len() / 4).min(self.end / MIN_SPACING);
        if n < MIN_SAMPLES {
            return None;
        }
        let samples = self.samples(n)?;
        let plans: Vec<(Hint, Option<(usize, usize)>)> = batches
            .iter()
            .map(|b| self.plan(&samples, b.prefix))
            .collect();
        let windows: Vec<Option<(usize, usize)>> = plans.iter().map(|p| p.1).collect();
        Some(self.each_window(&windows, |r, i| {
            let b = &batches[i];
            let res = r.counts(b.prefix, &b.suffixes, &mut Some(plans[i].0));
            progress.advance(1);
            res
        }))
    }

    /// `n` lines at even offsets, checked (see [`SortedFile::sampled`]),
    /// in order; `None` when one fails.
    fn samples(&self, n: usize) -> Option<Vec<Hint>> {
        let spacing = self.end / (n + 1);
        let at = |i: usize| (i + 1) * spacing;
        let windows: Vec<Option<(usize, usize)>> = (0..n)
            .map(|i| {
                let at = at(i);
                Some((
                    at.saturating_sub(MAX_LINE + 1),
                    (at + 3 * MAX_LINE + 2).min(self.end),
                ))
            })
            .collect();
        let found = self.each_window(&windows, |r, i| {
            let s = r.next_start(at(i))?;
            if s >= self.end {
                return Ok(None);
            }
            r.probe(s).map(|l| Some((s, l)))
        });
        let mut samples: Vec<Hint> = Vec::with_capacity(n);
        let (mut prev_at, mut prev_key) = (0, self.first.0);
        for s in found {
            let Some((at, l)) = s.ok()? else { continue };
            if at <= prev_at || l.key <= prev_key {
                return None;
            }
            (prev_at, prev_key) = (at, l.key);
            samples.push(Hint {
                lo: at,
                lo_next: l.next,
                klo: l.key,
                hi: self.end,
                khi: None,
            });
        }
        Some(samples)
    }

    /// The bounds of `prefix`'s search among the samples, and the window
    /// its lookup is expected to read (`None` when that is too wide to
    /// read ahead: the search then reads as it goes).
    fn plan(&self, samples: &[Hint], prefix: Prefix) -> (Hint, Option<(usize, usize)>) {
        let target = Suffix::default().full_hash(prefix);
        let i = samples.partition_point(|s| s.klo < target);
        let (first_key, first_next) = self.first;
        let mut h = match i {
            0 => Hint {
                lo: 0,
                lo_next: first_next,
                klo: first_key,
                hi: self.end,
                khi: None,
            },
            _ => samples[i - 1],
        };
        if let Some(s) = samples.get(i) {
            (h.hi, h.khi) = (s.lo, Some(s.klo));
        }
        let b = h;
        let (from, to) = if b.hi - b.lo <= LINEAR {
            (b.lo.saturating_sub(MAX_LINE + 1), b.hi + 3 * MAX_LINE)
        } else {
            self.frugal_step(&b, &target).2
        };
        let (from, to) = self.pages_around(from, to.min(self.end));
        let window = (to - from <= MAX_AHEAD).then_some((from, to));
        (h, window)
    }

    /// The mean length in bytes of a prefix's rows, twice over, and a line.
    fn rows_bytes(&self) -> usize {
        2 * self.end / (1 << 20) + MAX_LINE
    }

    /// `[from, to)` widened to whole pages, inside the data.
    fn pages_around(&self, from: usize, to: usize) -> (usize, usize) {
        (
            from / PAGE * PAGE,
            to.div_ceil(PAGE).saturating_mul(PAGE).min(self.end),
        )
    }

    /// A frugal search's next step between `b` (wider than [`LINEAR`]):
    /// the estimate of `target`, its guard distance (two standard
    /// deviations and a line), and what to read for it: the estimate's
    /// line and its neighbours when the guard is farther than
    /// [`GUARD_NEAR`], else the estimate give or take the guard and the
    /// rows after it, so that the guard probe and the scan of the prefix's
    /// rows need no other read.
    fn frugal_step(&self, b: &Bounds, target: &[u8; 20]) -> (usize, usize, (usize, usize)) {
        let line_len = self.first.1.max(42);
        let (guess, sd) = estimate(b, target, line_len as f64);
        let guard = (2.0 * sd) as usize + line_len;
        let (below, above) = if guard <= GUARD_NEAR {
            (guard + line_len, guard + self.rows_bytes())
        } else {
            (0, 0)
        };
        let from = guess
            .saturating_sub(below + MAX_LINE + 1)
            .max(b.lo.saturating_sub(MAX_LINE + 1));
        let to = (guess + above + 3 * MAX_LINE).min(b.hi + 3 * MAX_LINE);
        (guess, guard, (from, to))
    }

    /// `f(reader, i)` for every `i`, the reader holding `windows[i]`
    /// (when given) as it starts. First on rayon, for the windows the page
    /// cache holds (read without waiting: [`Reader::try_cached`]); then the
    /// others on up to [`READERS`] threads, so that their reads, which
    /// wait for the disk (or the host of a virtual machine), overlap
    /// instead of following one another.
    fn each_window<T: Send>(
        &self,
        windows: &[Option<(usize, usize)>],
        f: impl Fn(&mut Reader<'_>, usize) -> T + Sync,
    ) -> Vec<T> {
        use rayon::prelude::*;
        let mut done: Vec<Option<T>> = (0..windows.len())
            .into_par_iter()
            .map_init(
                || self.frugal_reader(),
                |r, i| match windows[i] {
                    Some((from, to)) if r.try_cached(from, to) => Some(f(r, i)),
                    _ => None,
                },
            )
            .collect();
        let left: Vec<usize> = (0..done.len()).filter(|&i| done[i].is_none()).collect();
        let threads = left.len().div_ceil(8).min(READERS);
        let next = std::sync::atomic::AtomicUsize::new(0);
        let later: Vec<Vec<(usize, T)>> = std::thread::scope(|scope| {
            let work = || {
                let mut r = self.frugal_reader();
                let mut out = Vec::new();
                loop {
                    let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(&i) = left.get(k) else { break out };
                    if let Some((from, to)) = windows[i] {
                        // A failed read is retried, and reported, by `f`.
                        let _ = r.need(from, to);
                    }
                    out.push((i, f(&mut r, i)));
                }
            };
            let handles: Vec<_> = (1..threads)
                .map(|_| {
                    std::thread::Builder::new()
                        .stack_size(256 << 10)
                        .spawn_scoped(scope, work)
                })
                .collect();
            // This thread works too (and alone when no thread could start).
            let mut all = vec![work()];
            for h in handles.into_iter().flatten() {
                all.push(h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)));
            }
            all
        });
        for (i, t) in later.into_iter().flatten() {
            done[i] = Some(t);
        }
        done.into_iter()
            .map(|t| t.expect("every window was looked up"))
            .collect()
    }
}

impl Reader<'_> {
    /// The data bytes `[at, at + n)` (fewer at the end of the data), read
    /// into the window when they are not there.
    fn get(&mut self, at: usize, n: usize) -> Result<&[u8], LookupError> {
        let to = self.f.end.min(at + n);
        let from = at.min(to);
        if from < self.start || to > self.start + self.buf.len() {
            self.fill(from, to)?;
        }
        Ok(&self.buf[from - self.start..to - self.start])
    }

    /// Reads a window of [`Reader::window`] bytes (at least `to - from`)
    /// centred on `[from, to)`, widened to whole pages, inside the data.
    fn fill(&mut self, from: usize, to: usize) -> Result<(), LookupError> {
        let want = self.window.max(to - from);
        let lo = from.saturating_sub((want - (to - from)) / 2);
        let hi = (lo + want).min(self.f.end);
        let lo = hi.saturating_sub(want).min(from);
        let (lo, hi) = self.f.pages_around(lo, hi);
        self.buf.clear();
        self.buf.resize(hi - lo, 0);
        self.start = lo;
        self.reads += 1;
        self.f.count_read(lo, hi);
        read_exact_at(&self.f.file, &mut self.buf, lo as u64).map_err(|e| {
            self.buf.clear();
            match e.kind() {
                std::io::ErrorKind::UnexpectedEof => self.f.changed(),
                _ => LookupError::Unavailable(format!("{}: cannot read: {e}", self.f.path)),
            }
        })
    }

    /// Makes sure `[from, to)` is in the window with one read.
    fn need(&mut self, from: usize, to: usize) -> Result<(), LookupError> {
        self.get(from, to.saturating_sub(from)).map(|_| ())
    }

    /// Reads `[from, to)` into the window if the page cache holds all of
    /// it (`preadv2` with `RWF_NOWAIT`, which never waits for the disk);
    /// false, the window left empty, otherwise.
    #[cfg(target_os = "linux")]
    fn try_cached(&mut self, from: usize, to: usize) -> bool {
        use rustix::io::{ReadWriteFlags, preadv2};
        self.buf.clear();
        self.buf.resize(to - from, 0);
        let n = preadv2(
            &self.f.file,
            &mut [std::io::IoSliceMut::new(&mut self.buf)],
            from as u64,
            ReadWriteFlags::NOWAIT,
        );
        self.f.count_read(from, to);
        if n.is_ok_and(|n| n == to - from) {
            self.start = from;
            self.reads += 1;
            true
        } else {
            self.buf.clear();
            false
        }
    }

    #[cfg(not(target_os = "linux"))]
    fn try_cached(&mut self, _from: usize, _to: usize) -> bool {
        false
    }

    /// Parses the line starting at `start`.
    fn line(&mut self, start: usize) -> Result<Line, LookupError> {
        let end = self.f.end;
        let f = self.f;
        let window = self.get(start, MAX_LINE)?;
        let (content, next) = match window.iter().position(|&c| c == b'\n') {
            Some(i) => (&window[..i], start + i + 1),
            None if start + window.len() == end => (window, end),
            None => return Err(f.corrupt(start, "line too long: not a HASH:COUNT file")),
        };
        let content = content.strip_suffix(b"\r").unwrap_or(content);
        let bad = || {
            f.corrupt(
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
        let count = parse_count(&content[41..]).ok_or_else(bad)?;
        Ok(Line { key, count, next })
    }

    /// Offset of the first line that starts after byte `at` (or the end).
    fn next_start(&mut self, at: usize) -> Result<usize, LookupError> {
        let (end, f) = (self.f.end, self.f);
        let window = self.get(at, MAX_LINE)?;
        match window.iter().position(|&c| c == b'\n') {
            Some(i) => Ok(at + i + 1),
            None if at + window.len() == end => Ok(end),
            None => Err(f.corrupt(at, "line too long: not a HASH:COUNT file")),
        }
    }

    /// Offset where the line ending just before `at` starts.
    fn prev_start(&mut self, at: usize) -> Result<usize, LookupError> {
        let from = at.saturating_sub(MAX_LINE + 1);
        let f = self.f;
        let window = self.get(from, at - 1 - from)?;
        match window.iter().rposition(|&c| c == b'\n') {
            Some(i) => Ok(from + i + 1),
            None if from == 0 => Ok(0),
            None => Err(f.corrupt(from, "line too long: not a HASH:COUNT file")),
        }
    }

    /// Reads the line at `at` as a search probe: it must sort between the
    /// lines right before and after it, so one line out of place where the
    /// search looks is caught rather than steering it wrong.
    fn probe(&mut self, at: usize) -> Result<Line, LookupError> {
        self.need(at.saturating_sub(MAX_LINE + 1), at + 2 * MAX_LINE)?;
        let l = self.line(at)?;
        if at > 0 {
            let prev = self.prev_start(at)?;
            if self.line(prev)?.key >= l.key {
                return Err(self.f.unsorted(at));
            }
        }
        if l.next < self.f.end && self.line(l.next)?.key <= l.key {
            return Err(self.f.unsorted(l.next));
        }
        Ok(l)
    }

    /// Offset of the first line whose hash is `>= target` (the end if none),
    /// starting from `hint` when it lies below the target.
    ///
    /// Interpolation search over byte offsets. Hashes are uniform, so each
    /// estimate from the keys at the bounds lands about √d lines from the
    /// target when it was d lines away: about 105 KB, then 2 KB, then a few
    /// hundred bytes on a 20-million-line file from its first line; from a
    /// hint (the previous lookup of a sorted run, a few thousand lines
    /// back), a few KB at once. Each estimate's expected error sizes the
    /// read of the file around it ([`MIN_WINDOW`]..[`MAX_WINDOW`]), so once
    /// it is close the probes that follow and the final scan are in memory:
    /// one or two reads per lookup. Once the expected error is small, a
    /// guard probe just past it brackets the target and the rest is
    /// scanned. A [`Reader::frugal`] search reads pages, not windows: the
    /// estimate's own line while its error is wide, then the estimate give
    /// or take its guard and the rows after it ([`SortedFile::frugal_step`]).
    /// After [`INTERPOLATION_ROUNDS`] rounds (skewed data) the
    /// search bisects, so the worst case stays logarithmic. Every line read
    /// is checked against the bounds and its neighbours, so a disorder on
    /// the search path is an error, not a wrong answer.
    fn lower_bound(&mut self, target: &[u8; 20], hint: Option<Hint>) -> Result<usize, LookupError> {
        let (first_key, first_next) = self.f.first;
        let line_len = first_next.max(42) as f64;
        let start = match hint {
            Some(h) if h.klo < *target && h.khi.is_none_or(|k| k >= *target) => h,
            _ => {
                if first_key >= *target {
                    return Ok(0);
                }
                Hint {
                    lo: 0,
                    lo_next: first_next,
                    klo: first_key,
                    hi: self.f.end,
                    khi: None,
                }
            }
        };
        let mut b = start;
        for round in 0.. {
            let span = b.hi - b.lo;
            if span <= LINEAR {
                break;
            }
            let mid = b.lo + span / 2;
            if round >= INTERPOLATION_ROUNDS {
                self.window = MIN_WINDOW;
                if self.narrow(&mut b, mid, target)?.is_none() {
                    break;
                }
                continue;
            }
            // The estimate, its guard distance, and whether the guard is
            // near enough to probe once the estimate is probed.
            let (guess, guard, near) = if self.frugal {
                let (guess, guard, (from, to)) = self.f.frugal_step(&b, target);
                self.window = MIN_WINDOW;
                self.need(from, to)?;
                (guess, guard, guard <= GUARD_NEAR)
            } else {
                let (guess, sd) = estimate(&b, target, line_len);
                // Two standard deviations of the estimate, plus a line.
                let guard = 2.0 * sd + line_len;
                let around = 2.0 * guard + 4.0 * MAX_LINE as f64;
                self.window = if around <= MAX_WINDOW as f64 {
                    (around as usize).max(MIN_WINDOW)
                } else {
                    MIN_WINDOW
                };
                (guess, guard as usize, guard <= GUARD_MAX as f64)
            };
            let raised = match self.narrow(&mut b, guess, target)? {
                Some(raised) => raised,
                None => match self.narrow(&mut b, mid, target)? {
                    Some(raised) => raised,
                    None => break,
                },
            };
            let at = if raised {
                (b.lo + guard < b.hi).then_some(b.lo + guard)
            } else {
                b.hi.checked_sub(guard).filter(|&at| at > b.lo)
            };
            // A frugal search also probes a far guard it has read already.
            let held = |at: usize| {
                self.frugal
                    && at > self.start + MAX_LINE
                    && at + 3 * MAX_LINE <= self.start + self.buf.len()
            };
            if let Some(at) = at.filter(|&at| near || held(at)) {
                self.narrow(&mut b, at, target)?;
            }
        }
        self.scan(&b, target)
    }

    /// Probes the first line starting after byte `at` (kept inside the
    /// bounds) and moves the bound it falls on. `Some(true)`: the low bound
    /// rose; `Some(false)`: the high one fell; `None`: no line starts there.
    fn narrow(
        &mut self,
        b: &mut Bounds,
        at: usize,
        target: &[u8; 20],
    ) -> Result<Option<bool>, LookupError> {
        let at = at.clamp(b.lo + 1, b.hi - 1);
        // The line after `at`, and its neighbours, in one read.
        self.need(at.saturating_sub(MAX_LINE + 1), at + 3 * MAX_LINE)?;
        let mut s = self.next_start(at)?;
        if s >= b.hi {
            // `at` is inside the line just below `hi`: probe that line (an
            // estimate landing just short of a bound would otherwise find
            // nothing, and the search would bisect).
            s = self.prev_start(b.hi)?;
            if s <= b.lo {
                return Ok(None);
            }
        }
        let l = self.probe(s)?;
        if l.key <= b.klo || b.khi.as_ref().is_some_and(|k| l.key > *k) {
            return Err(self.f.unsorted(s));
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
    fn scan(&mut self, b: &Bounds, target: &[u8; 20]) -> Result<usize, LookupError> {
        self.need(b.lo_next, (b.hi + MAX_LINE).min(b.lo_next + MAX_WINDOW))?;
        let mut prev = b.klo;
        let mut from = b.lo_next;
        while from < b.hi {
            let l = self.line(from)?;
            if l.key <= prev || b.khi.as_ref().is_some_and(|k| l.key > *k) {
                return Err(self.f.unsorted(from));
            }
            if l.key >= *target {
                return Ok(from);
            }
            prev = l.key;
            from = l.next;
        }
        Ok(b.hi)
    }

    /// Every row of `prefix`, checked for shape and order. `hint` (a line
    /// below the prefix) starts the search and is moved to the prefix's
    /// last line, below every later prefix.
    fn range(&mut self, prefix: Prefix, hint: &mut Option<Hint>) -> Result<Range, LookupError> {
        let f = self.f;
        f.check_not_cut(prefix)?;
        let start = Suffix::default().full_hash(prefix);
        let found = self.lower_bound(&start, *hint);
        let mut at = found.inspect_err(|_| *hint = None)?;
        let mut rows = Vec::new();
        let mut prev: Option<Line> = None;
        let result = loop {
            if at >= f.end {
                break Ok(());
            }
            let l = match self.line(at) {
                Ok(l) => l,
                Err(e) => break Err(e),
            };
            if prev.as_ref().is_some_and(|p| l.key <= p.key) {
                break Err(f.unsorted(at));
            }
            let (p, s) = Suffix::split(&l.key);
            if p != prefix {
                break Ok(());
            }
            rows.push((s, l.count));
            let next = l.next;
            prev = Some(Line { next: at, ..l });
            at = next;
        };
        // The next search starts at this prefix's last line (its offset is
        // kept in `next` above), or where this search ended below it.
        *hint = match (&result, prev) {
            (Err(_), _) => None,
            (Ok(()), Some(p)) => Some(Hint {
                lo: p.next,
                lo_next: at,
                klo: p.key,
                hi: f.end,
                khi: None,
            }),
            (Ok(()), None) => hint.filter(|h| h.klo < start),
        };
        result?;
        Range::from_sorted(rows).map_err(|e| match e {
            RangeError::Empty => f.no_rows(),
            e => LookupError::Corrupt(format!("{}: {e}", f.path)),
        })
    }

    /// The counts of `suffixes` under `prefix` (see [`SortedFile::counts`]).
    fn counts(
        &mut self,
        prefix: Prefix,
        suffixes: &[Suffix],
        hint: &mut Option<Hint>,
    ) -> BatchResult {
        let r = self.range(prefix, hint)?;
        Ok(suffixes.iter().map(|s| r.count(s)).collect())
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

    /// Sorted lookups in a large file cost about one read each, none of
    /// the file stays in the process (the window is all it holds), and the
    /// answers are the same as one lookup at a time.
    #[test]
    #[ignore = "slow: run by `cargo test -- --ignored` (CI does)"]
    fn sorted_lookups_read_about_once_each() {
        use sha1::Digest;
        let (f, keys) = sorted_file(400_000, &[], true);
        let sf = SortedFile::open(f.path()).unwrap();
        let mut hashes: Vec<[u8; 20]> = (0..2000)
            .map(|i| sha1::Sha1::digest(format!("probe {i}")).into())
            .chain(keys.iter().step_by(797).copied())
            .collect();
        hashes.sort();
        let mut r = sf.reader();
        let mut hint = None;
        for h in &hashes {
            let (prefix, suffix) = Suffix::split(h);
            let want = keys.binary_search(h).map_or(0, |i| i as u64 + 1);
            match r.counts(prefix, &[suffix], &mut hint) {
                Ok(n) => assert_eq!(n, vec![want]),
                // 400,000 lines leave most of the 1,048,576 prefixes empty.
                Err(LookupError::Unavailable(m)) => {
                    assert!(m.contains("no rows"), "{m}");
                    assert_eq!(want, 0);
                }
                Err(e) => panic!("{e}"),
            }
            assert!(r.buf.capacity() <= 2 * MAX_WINDOW);
        }
        let per_lookup = r.reads as f64 / hashes.len() as f64;
        assert!(per_lookup < 1.5, "{per_lookup} reads per lookup");
        // Unsorted, each lookup from the first line: more reads, same answers.
        let mut r = sf.reader();
        for h in hashes.iter().rev().take(200) {
            let (prefix, suffix) = Suffix::split(h);
            let sorted = sf.reader().counts(prefix, &[suffix], &mut None);
            assert_eq!(r.counts(prefix, &[suffix], &mut None), sorted);
        }
        assert!(r.reads as f64 / 200.0 > per_lookup);
    }

    /// Batches of the prefixes of every `step`-th key (with an absent
    /// suffix each) plus `others` prefixes of other hashes, sorted.
    fn batches_of(keys: &[[u8; 20]], step: usize, others: usize) -> Vec<Batch> {
        use sha1::Digest;
        let mut prefixes: Vec<Prefix> = keys
            .iter()
            .step_by(step)
            .map(|k| Suffix::split(k).0)
            .chain((0..others).map(|i| {
                let h: [u8; 20] = sha1::Sha1::digest(format!("other {i}")).into();
                Suffix::split(&h).0
            }))
            .collect();
        prefixes.sort();
        prefixes.dedup();
        prefixes
            .iter()
            .map(|&p| {
                let mut suffixes: Vec<Suffix> = keys
                    .iter()
                    .map(Suffix::split)
                    .filter(|(q, _)| *q == p)
                    .map(|(_, s)| s)
                    .collect();
                suffixes.push(Suffix::default());
                Batch {
                    prefix: p,
                    suffixes: zeroize::Zeroizing::new(suffixes),
                }
            })
            .collect()
    }

    fn reads(sf: &SortedFile) -> usize {
        sf.reads.load(std::sync::atomic::Ordering::Relaxed)
    }

    fn pages(sf: &SortedFile) -> usize {
        sf.pages.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Many batches in a file of a few MB take the sampled path: one read
    /// per sample and about one per lookup, and the same answers as runs
    /// of searches from the first line.
    #[test]
    fn sampled_lookups_read_about_once_each_and_answer_like_runs() {
        let (f, keys) = sorted_file(60_000, &["password"], true);
        let sf = SortedFile::open(f.path()).unwrap();
        let batches = batches_of(&keys, 97, 300);
        assert!(batches.len() > 800, "{}", batches.len());
        let progress = crate::progress::NoProgress;
        let (before, pages_before) = (reads(&sf), pages(&sf));
        let sampled = sf.sampled(&batches, &progress).expect("sampled path");
        let (used, paged) = (reads(&sf) - before, pages(&sf) - pages_before);
        let n = (batches.len() / 4).min(sf.end / MIN_SPACING);
        // A sample is a page or two; a lookup a page at its estimate and
        // one for its rows, sometimes a third.
        assert!(
            used <= n + batches.len() * 5 / 2 && paged <= 2 * (n + batches.len()),
            "{used} reads and {paged} pages for {n} samples and {} lookups",
            batches.len()
        );
        let runs = sf.counts_in_runs(&batches, &progress);
        assert_eq!(sampled, runs);
        // The other prefixes mostly have no rows in so small a file.
        let found: usize = sampled
            .iter()
            .filter_map(|r| r.as_ref().ok())
            .map(|counts| counts.iter().filter(|&&c| c > 0).count())
            .sum();
        assert!(found >= keys.len() / 97);
        // Few batches, or a small file: no samples.
        assert!(sf.sampled(&batches[..20], &progress).is_none());
        let (small, small_keys) = sorted_file(3000, &[], false);
        let small = SortedFile::open(small.path()).unwrap();
        assert!(
            small
                .sampled(&batches_of(&small_keys, 3, 0), &progress)
                .is_none()
        );
    }

    /// Where samples are far apart (few lookups in a large file: here 25
    /// samples 16,000 lines apart, the first estimate's error about 2 KiB),
    /// a lookup still touches about one page at its estimate and one for
    /// its rows, not a window wide enough for the first estimate's error.
    #[test]
    #[ignore = "slow: run by `cargo test -- --ignored` (CI does)"]
    fn sampled_lookups_touch_few_pages_when_samples_are_far_apart() {
        let (f, keys) = sorted_file(400_000, &[], true);
        let sf = SortedFile::open(f.path()).unwrap();
        let batches = batches_of(&keys, 4001, 0);
        assert!((100..=120).contains(&batches.len()), "{}", batches.len());
        let progress = crate::progress::NoProgress;
        let n = (batches.len() / 4).min(sf.end / MIN_SPACING);
        let sampled = sf.sampled(&batches, &progress).expect("sampled path");
        let lookups = pages(&sf) - 2 * n;
        let per_lookup = lookups as f64 / batches.len() as f64;
        // 1.88 here; 2.19 when the search reads a guard a page away, 4-5
        // with a window of three standard deviations.
        assert!(per_lookup <= 2.0, "{per_lookup} pages per lookup");
        assert_eq!(sampled, sf.counts_in_runs(&batches, &progress));
        assert!(
            sampled
                .iter()
                .all(|r| r.as_ref().is_ok_and(|c| c.iter().any(|&x| x > 0)))
        );
    }

    /// Damage anywhere in a sampled file never reads as "not found": lines
    /// out of order fail the lookups that meet them (or the samples, and
    /// then every lookup searches from the first line), a cut file leaves
    /// the prefixes past the cut unknown.
    #[test]
    fn sampled_lookups_of_damaged_files_are_never_clean() {
        let (f, keys) = sorted_file(40_000, &[], false);
        let text = std::fs::read_to_string(f.path()).unwrap();
        let batches = batches_of(&keys, 1, 0);
        let progress = crate::progress::NoProgress;
        let lines: Vec<&str> = text.lines().collect();
        let check = |sf: &SortedFile| {
            let mut errors = 0;
            for (b, r) in batches.iter().zip(sf.counts_all(&batches, &progress)) {
                match r {
                    Ok(counts) => {
                        for (s, c) in b.suffixes.iter().zip(counts) {
                            let present = *s != Suffix::default();
                            assert_eq!(c > 0, present, "{}", b.prefix);
                        }
                    }
                    Err(_) => errors += 1,
                }
            }
            errors
        };
        let sf = SortedFile::open(f.path()).unwrap();
        assert!(sf.sampled(&batches, &progress).is_some());
        assert_eq!(check(&sf), 0);
        for (a, b) in [(5000, 5001), (100, 30_000), (20_000, 20_050)] {
            let mut l = lines.clone();
            l.swap(a, b);
            let mut g = tempfile::NamedTempFile::new().unwrap();
            g.write_all((l.join("\n") + "\n").as_bytes()).unwrap();
            let sf = SortedFile::open(g.path()).unwrap();
            assert!(check(&sf) > 0, "swap {a}/{b}");
        }
        // Cut between two prefixes (a cut inside one cannot be told).
        let cut = (25_000..)
            .find(|&i| Suffix::split(&keys[i - 1]).0 != Suffix::split(&keys[i]).0)
            .unwrap();
        let mut g = tempfile::NamedTempFile::new().unwrap();
        g.write_all((lines[..cut].join("\n") + "\n").as_bytes())
            .unwrap();
        let sf = SortedFile::open(g.path()).unwrap();
        assert!(check(&sf) > 0);
    }

    /// The batches of a whole run, sorted (searches start from the last
    /// one's line) or not, answer like one lookup at a time.
    #[test]
    fn counts_all_answers_like_one_lookup_at_a_time() {
        let (f, keys) = sorted_file(3000, &["password"], false);
        let sf = SortedFile::open(f.path()).unwrap();
        let sorted = batches_of(&keys, 7, 300);
        let prefixes: Vec<Prefix> = sorted.iter().map(|b| b.prefix).collect();
        let shuffled: Vec<Batch> = batches_of(&keys, 7, 300).into_iter().rev().collect();
        let progress = crate::progress::NoProgress;
        for batches in [sorted, shuffled] {
            let all = sf.counts_all(&batches, &progress);
            assert_eq!(all.len(), batches.len());
            let mut found = 0;
            for (b, r) in batches.iter().zip(all) {
                assert_eq!(r, sf.counts(b.prefix, &b.suffixes));
                if let Ok(counts) = r {
                    assert_eq!(*counts.last().unwrap(), 0);
                    found += counts.iter().filter(|&&c| c > 0).count();
                }
            }
            let want = keys
                .iter()
                .filter(|k| prefixes.binary_search(&Suffix::split(k).0).is_ok())
                .count();
            assert!(want > 400);
            assert_eq!(found, want);
        }
    }

    /// A file cut or rewritten while it is read answers nothing: every
    /// lookup fails, none reads as "not found".
    #[test]
    fn a_file_that_changes_while_read_is_never_clean() {
        let (f, keys) = sorted_file(3000, &[], false);
        let text = std::fs::read(f.path()).unwrap();
        let (prefix, suffix) = Suffix::split(&keys[2900]);
        let batches = [Batch {
            prefix,
            suffixes: zeroize::Zeroizing::new(vec![suffix]),
        }];
        let progress = crate::progress::NoProgress;
        // Cut to half: the lookup reads past the new end.
        let sf = SortedFile::open(f.path()).unwrap();
        std::fs::OpenOptions::new()
            .write(true)
            .open(f.path())
            .unwrap()
            .set_len(text.len() as u64 / 2)
            .unwrap();
        for r in [
            sf.counts(prefix, &[suffix]),
            sf.counts_all(&batches, &progress).remove(0),
        ] {
            assert!(
                matches!(&r, Err(LookupError::Corrupt(m)) if m.contains("changed while it was read")),
                "{r:?}"
            );
        }
        // Grown: what was read may be fine, but the file is not the one opened.
        std::fs::write(f.path(), &text).unwrap();
        let sf = SortedFile::open(f.path()).unwrap();
        assert_eq!(sf.counts(prefix, &[suffix]).unwrap(), vec![2901]);
        let mut g = std::fs::OpenOptions::new()
            .append(true)
            .open(f.path())
            .unwrap();
        g.write_all(b"FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF:1\n")
            .unwrap();
        let r = sf.counts_all(&batches, &progress).remove(0);
        assert!(matches!(&r, Err(LookupError::Corrupt(_))), "{r:?}");
        assert!(sf.counts(prefix, &[suffix]).is_err());
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
