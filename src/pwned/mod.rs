//! Have I Been Pwned's Pwned Passwords by k-anonymity.
//!
//! A password is hashed with SHA-1 (in zeroizing buffers); only the first 5
//! hex characters of the hash (the [`Prefix`]) ever leave the process. A
//! *range* is the list of `SUFFIX:COUNT` rows that share a prefix; the
//! password was breached when its own suffix is in the range.
//!
//! Ranges come from a [`RangeSource`]:
//! - [`online`]: the range API over HTTPS (Have I Been Pwned, or a mirror);
//! - [`dataset`]: a local download, either one sorted `FULLHASH:COUNT` file
//!   looked up in place, or a directory of `XXXXX.txt` range files;
//!
//! and [`serve`] is the mirror: it serves a dataset over the same API.
//! [`range`] parses and writes range bodies; [`cache`] is the opt-in on-disk
//! cache of the online client.

pub mod cache;
pub mod dataset;
pub mod online;
pub mod range;
pub mod serve;
pub mod verify;

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use sha1::{Digest, Sha1};
use thiserror::Error;
use zeroize::{Zeroize, Zeroizing};

use crate::progress::Progress;
pub use range::Range;

/// The public range API.
pub const DEFAULT_URL: &str = "https://api.pwnedpasswords.com";

/// The User-Agent of every request: the tool and its version.
pub const USER_AGENT: &str = concat!("vaultlint/", env!("CARGO_PKG_VERSION"));

/// Where breach lookups go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceChoice {
    /// The range API at this base URL (`{base}/range/{prefix}`).
    Online { url: url::Url },
    /// A local dataset (sorted file or range directory), detected on open.
    Dataset { path: PathBuf },
    /// No lookups: every account is `skipped` and the check says so.
    Off,
}

/// The opt-in on-disk cache of the online client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheSettings {
    pub dir: PathBuf,
    /// Ranges younger than this are used without asking the server; older
    /// ones are revalidated with their ETag.
    pub ttl: Duration,
}

/// Options of the pwned check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PwnedSettings {
    pub source: SourceChoice,
    /// Requests in flight at once (online).
    pub concurrency: usize,
    /// Whole-request timeout (online).
    pub timeout: Duration,
    pub connect_timeout: Duration,
    /// Retries after the first attempt, on timeouts, connection errors,
    /// unreadable bodies, 429 and 5xx.
    pub retries: u32,
    /// First backoff; doubled at each retry, with jitter.
    pub backoff: Duration,
    /// Longest wait between attempts (backoff and `Retry-After`); a server
    /// asking for longer makes the prefix unknown at once.
    pub max_wait: Duration,
    pub cache: Option<CacheSettings>,
}

impl Default for PwnedSettings {
    fn default() -> Self {
        PwnedSettings {
            source: SourceChoice::Online {
                url: url::Url::parse(DEFAULT_URL).expect("valid default URL"),
            },
            concurrency: 32,
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            retries: 4,
            backoff: Duration::from_millis(500),
            max_wait: Duration::from_secs(60),
            cache: None,
        }
    }
}

impl PwnedSettings {
    pub fn is_off(&self) -> bool {
        self.source == SourceChoice::Off
    }
}

/// The note of a check turned off with `--pwned off`.
pub const OFF_NOTE: &str =
    "turned off (--pwned off): passwords were not checked against Have I Been Pwned";

/// The first 5 hex characters of a SHA-1 (20 bits): what goes over the network.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Prefix(u32);

impl Prefix {
    /// Number of distinct prefixes (16^5).
    pub const COUNT: u32 = 1 << 20;

    /// The prefix with this 20-bit value.
    pub fn new(value: u32) -> Option<Prefix> {
        (value < Self::COUNT).then_some(Prefix(value))
    }

    pub fn value(self) -> u32 {
        self.0
    }

    /// Parses exactly 5 hex characters, either case.
    pub fn parse(s: &str) -> Option<Prefix> {
        let b = s.as_bytes();
        if b.len() != 5 {
            return None;
        }
        let mut v = 0u32;
        for &c in b {
            v = (v << 4) | u32::from(range::nibble(c)?);
        }
        Some(Prefix(v))
    }

    /// The first 3 bytes of a full hash with this prefix (the low nibble of
    /// the third byte belongs to the suffix).
    fn head(self) -> [u8; 3] {
        [
            (self.0 >> 12) as u8,
            (self.0 >> 4) as u8,
            ((self.0 & 0xF) << 4) as u8,
        ]
    }
}

/// Uppercase hex, as the API wants it.
impl fmt::Display for Prefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:05X}", self.0)
    }
}

impl fmt::Debug for Prefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Prefix({self})")
    }
}

/// The other 35 hex characters of a SHA-1 (140 bits), packed: byte 0 holds
/// the first nibble, bytes 1..18 the rest. Ordered like the hex text.
///
/// A suffix of the user's own password is part of its hash: its `Debug` is
/// redacted and it is kept in zeroizing collections.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Zeroize)]
pub struct Suffix(pub(crate) [u8; 18]);

impl Suffix {
    /// Number of hex characters.
    pub const HEX_LEN: usize = 35;

    /// Parses 35 hex characters, either case.
    pub fn parse_hex(b: &[u8]) -> Option<Suffix> {
        if b.len() != Self::HEX_LEN {
            return None;
        }
        let hex = |c: u8| range::HEX[usize::from(c)];
        let mut s = [0u8; 18];
        let mut invalid = hex(b[0]);
        s[0] = invalid & 0x0F;
        for (k, pair) in b[1..].chunks_exact(2).enumerate() {
            let (hi, lo) = (hex(pair[0]), hex(pair[1]));
            invalid |= hi | lo;
            s[k + 1] = (hi << 4) | (lo & 0x0F);
        }
        (invalid & 0xF0 == 0).then_some(Suffix(s))
    }

    /// Writes the 35 uppercase hex characters.
    pub fn write_hex(&self, out: &mut Vec<u8>) {
        const HEX: &[u8; 16] = b"0123456789ABCDEF";
        out.push(HEX[usize::from(self.0[0] & 0xF)]);
        for &b in &self.0[1..] {
            out.push(HEX[usize::from(b >> 4)]);
            out.push(HEX[usize::from(b & 0xF)]);
        }
    }

    /// The full 20-byte hash of `prefix` followed by this suffix.
    pub fn full_hash(&self, prefix: Prefix) -> [u8; 20] {
        let head = prefix.head();
        let mut h = [0u8; 20];
        h[0] = head[0];
        h[1] = head[1];
        h[2] = head[2] | (self.0[0] & 0xF);
        h[3..].copy_from_slice(&self.0[1..]);
        h
    }

    /// Splits a full 20-byte hash into its prefix and suffix.
    pub fn split(hash: &[u8; 20]) -> (Prefix, Suffix) {
        let prefix =
            (u32::from(hash[0]) << 12) | (u32::from(hash[1]) << 4) | u32::from(hash[2] >> 4);
        let mut s = [0u8; 18];
        s[0] = hash[2] & 0xF;
        s[1..].copy_from_slice(&hash[3..]);
        (Prefix(prefix), Suffix(s))
    }
}

impl fmt::Debug for Suffix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Suffix([redacted])")
    }
}

/// The SHA-1 of a password, in a zeroizing buffer; `Debug` is redacted and
/// there is no `Display`.
pub struct PasswordHash(Zeroizing<[u8; 20]>);

impl PasswordHash {
    /// Hashes `password` (its UTF-8 bytes, as Have I Been Pwned does).
    pub fn of(password: &str) -> PasswordHash {
        let mut out = Zeroizing::new([0u8; 20]);
        let mut h = Sha1::new();
        h.update(password.as_bytes());
        let slot: &mut sha1::digest::Output<Sha1> =
            (&mut out[..]).try_into().expect("a SHA-1 is 20 bytes");
        h.finalize_into(slot);
        PasswordHash(out)
    }

    /// The 20 bytes, for the breach check's grouping only; copy them only
    /// into zeroizing storage.
    pub(crate) fn bytes(&self) -> &[u8; 20] {
        &self.0
    }

    pub fn prefix(&self) -> Prefix {
        Suffix::split(&self.0).0
    }

    pub fn suffix(&self) -> Suffix {
        Suffix::split(&self.0).1
    }
}

impl fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PasswordHash([redacted])")
    }
}

/// Why one prefix could not be looked up. The accounts under it are
/// `unknown`, never `not_found`. Messages never hold a hash or a password.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum LookupError {
    /// The server could not be reached or did not answer in time, after retries.
    #[error("{0}")]
    Network(String),
    /// The server answered with another status than 200.
    #[error("{0}")]
    Status(String),
    /// The answer's body was not a range.
    #[error("{0}")]
    Malformed(String),
    /// The dataset is wrong (bad line, unsorted): nothing it says can be trusted.
    #[error("{0}")]
    Corrupt(String),
    /// The dataset has no answer for this prefix (a range file is missing or unreadable).
    #[error("{0}")]
    Unavailable(String),
    /// The server cannot be reached at all (no name, connection refused):
    /// found by the probe before the fan-out, so no lookup was tried.
    #[error("{0}")]
    Unreachable(String),
}

/// Why a source could not be opened or the mirror could not run.
#[derive(Debug, Error)]
pub enum PwnedError {
    #[error("{path}: {message}")]
    Dataset { path: String, message: String },
    #[error("{0}")]
    Setup(String),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// One prefix and the distinct suffixes to look up under it.
#[derive(Debug)]
pub struct Batch {
    pub prefix: Prefix,
    pub suffixes: Zeroizing<Vec<Suffix>>,
}

/// Counts of a batch's suffixes, in order (0 = not in the range).
pub type BatchResult = Result<Vec<u64>, LookupError>;

/// A source of ranges that answers synchronously (the local datasets). The
/// online client is asynchronous and batched; see [`lookup`].
pub trait RangeSource: Send + Sync {
    /// Every row of `prefix`'s range (what the mirror serves).
    fn range(&self, prefix: Prefix) -> Result<Range, LookupError>;

    /// The counts of `suffixes` under `prefix` (0 when absent). The default
    /// reads the whole range; a sorted file finds each hash directly.
    fn counts(&self, prefix: Prefix, suffixes: &[Suffix]) -> BatchResult {
        let r = self.range(prefix)?;
        Ok(suffixes.iter().map(|s| r.count(s)).collect())
    }

    /// The counts of every batch, in order. The default looks the batches
    /// up one by one in parallel ([`counts_each`]); a sorted file runs
    /// through sorted batches with one reader per run.
    fn counts_all(&self, batches: &[Batch], progress: &dyn Progress) -> Vec<BatchResult> {
        counts_each(self, batches, progress)
    }
}

/// Looks up each batch with [`RangeSource::counts`], in parallel on rayon.
pub fn counts_each<S: RangeSource + ?Sized>(
    source: &S,
    batches: &[Batch],
    progress: &dyn Progress,
) -> Vec<BatchResult> {
    use rayon::prelude::*;
    batches
        .par_iter()
        .map(|b| {
            let r = source.counts(b.prefix, &b.suffixes);
            progress.advance(1);
            r
        })
        .collect()
}

/// Looks up every batch from the source `settings` choose: one result per
/// batch, in order. Datasets run on rayon; the online client on a tokio
/// runtime of its own. An error opening the source is returned whole.
///
/// A dataset found corrupt on any lookup makes *every* result an error: a
/// file that was misread once cannot vouch for the rest.
pub fn lookup(
    settings: &PwnedSettings,
    batches: &[Batch],
    progress: &dyn Progress,
) -> Result<Vec<BatchResult>, PwnedError> {
    match &settings.source {
        SourceChoice::Off => Err(PwnedError::Setup(OFF_NOTE.into())),
        SourceChoice::Online { url } => {
            let client = online::Online::new(url.clone(), settings)?;
            Ok(client.lookup_all(batches, progress))
        }
        SourceChoice::Dataset { path } => {
            let source = dataset::Dataset::open(path)?;
            Ok(lookup_in(&source, batches, progress))
        }
    }
}

/// Looks up every batch in a synchronous source, in parallel on rayon.
pub fn lookup_in(
    source: &dyn RangeSource,
    batches: &[Batch],
    progress: &dyn Progress,
) -> Vec<BatchResult> {
    let results = source.counts_all(batches, progress);
    if let Some(LookupError::Corrupt(why)) = results.iter().find_map(|r| {
        r.as_ref()
            .err()
            .filter(|e| matches!(e, LookupError::Corrupt(_)))
    }) {
        let why = why.clone();
        return results
            .into_iter()
            .map(|_| Err(LookupError::Corrupt(why.clone())))
            .collect();
    }
    results
}

/// Parses a duration: `250ms`, `2s`, `5m`, `12h`, `7d`, or a bare number of seconds.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let n: u64 = num
        .parse()
        .map_err(|_| format!("'{s}' is not a duration (examples: 500ms, 10s, 5m, 12h, 7d)"))?;
    let ms = match unit.trim() {
        "ms" => Some(n),
        "" | "s" => n.checked_mul(1000),
        "m" => n.checked_mul(60_000),
        "h" => n.checked_mul(3_600_000),
        "d" => n.checked_mul(86_400_000),
        _ => None,
    }
    .ok_or_else(|| format!("'{s}' is not a duration (examples: 500ms, 10s, 5m, 12h, 7d)"))?;
    Ok(Duration::from_millis(ms))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_splits_into_uppercase_prefix_and_suffix() {
        // SHA-1("password") = 5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8
        let h = PasswordHash::of("password");
        assert_eq!(h.prefix().to_string(), "5BAA6");
        let mut hex = Vec::new();
        h.suffix().write_hex(&mut hex);
        assert_eq!(hex, b"1E4C9B93F3F0682250B6CF8331B7EE68FD8");
        assert_eq!(
            Suffix::parse_hex(b"1e4c9b93f3f0682250b6cf8331b7ee68fd8"),
            Some(h.suffix())
        );
        let full = h.suffix().full_hash(h.prefix());
        assert_eq!(
            hex::encode_upper(full),
            "5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8"
        );
        assert_eq!(Suffix::split(&full), (h.prefix(), h.suffix()));
    }

    #[test]
    fn debug_never_shows_the_hash() {
        let h = PasswordHash::of("password");
        let shown = format!("{h:?} {:?}", h.suffix());
        assert!(!shown.to_uppercase().contains("1E4C9B"), "{shown}");
        assert_eq!(format!("{:?}", h.prefix()), "Prefix(5BAA6)");
    }

    #[test]
    fn prefixes_parse_strictly() {
        assert_eq!(
            Prefix::parse("0000a").map(|p| p.to_string()),
            Some("0000A".into())
        );
        assert_eq!(Prefix::parse("FFFFF").map(Prefix::value), Some(0xFFFFF));
        for bad in ["", "ABCD", "ABCDEF", "ABCDG", "+ABCD", " ABCD"] {
            assert_eq!(Prefix::parse(bad), None, "{bad}");
        }
        assert_eq!(Prefix::new(Prefix::COUNT), None);
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("3"), Ok(Duration::from_secs(3)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("7d"), Ok(Duration::from_secs(7 * 86400)));
        assert!(parse_duration("fast").is_err());
        assert!(parse_duration("5y").is_err());
        assert!(parse_duration("-1s").is_err());
    }

    struct Failing;
    impl RangeSource for Failing {
        fn range(&self, prefix: Prefix) -> Result<Range, LookupError> {
            if prefix.value() == 1 {
                Err(LookupError::Corrupt("not sorted".into()))
            } else {
                Ok(Range::default())
            }
        }
    }

    #[test]
    fn one_corrupt_lookup_poisons_all() {
        let batches: Vec<Batch> = (0..4)
            .map(|v| Batch {
                prefix: Prefix::new(v).unwrap(),
                suffixes: Zeroizing::new(vec![Suffix::default()]),
            })
            .collect();
        let r = lookup_in(&Failing, &batches, &crate::progress::NoProgress);
        assert_eq!(r.len(), 4);
        assert!(r.iter().all(|r| matches!(r, Err(LookupError::Corrupt(_)))));
    }
}
