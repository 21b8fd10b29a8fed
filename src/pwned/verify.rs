//! `vaultlint pwned verify`: one streaming pass over a dataset that checks
//! everything a lookup cannot: every line's format, the order of all lines
//! (a single line out of place is only caught here), that every one of the
//! 1,048,576 prefixes has rows, and that the file ends with a line break.
//! For a range directory, every `XXXXX.txt` file with the range checks.
//!
//! [`quick_check`] is the cheap version `pwned serve` runs at start-up: the
//! ends of the dataset and a random sample of prefixes.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::time::{Duration, Instant};

use rand::Rng;

use super::dataset::{Dataset, RangeDir};
use super::range::{HEX, parse_count};
use super::{Prefix, PwnedError, RangeSource};

const UNSORTED: &str = "out of order (or listed twice): the file is not sorted by hash";

/// Problems listed one by one; the rest are counted.
const LISTED: usize = 20;

/// What a verification found.
#[derive(Debug, Default)]
pub struct Verified {
    /// Lines read (rows, padding included for a directory).
    pub lines: u64,
    /// Range files read (directory layout).
    pub files: Option<u64>,
    /// `file:line: problem`, the first [`LISTED`] of them.
    pub problems: Vec<String>,
    /// Every problem, listed or not.
    pub problem_count: u64,
    /// Prefixes with no rows (no lines, or no file).
    pub missing_prefixes: u64,
    pub elapsed: Duration,
}

impl Verified {
    pub fn is_valid(&self) -> bool {
        self.problem_count == 0
    }

    fn problem(&mut self, text: String) {
        self.problem_count += 1;
        if self.problems.len() < LISTED {
            self.problems.push(text);
        }
    }

    /// Records prefixes `from..to` as missing.
    fn missing(&mut self, where_: &str, from: u32, to: u32) {
        if to <= from {
            return;
        }
        let n = u64::from(to - from);
        self.missing_prefixes += n;
        let first = Prefix::new(from).map_or_else(String::new, |p| p.to_string());
        let what = if n == 1 {
            format!("{where_}: no rows for prefix {first}")
        } else {
            format!("{where_}: no rows for {n} prefixes from {first}")
        };
        self.problem(format!(
            "{what} (the full corpus has rows for every prefix: incomplete or a subset)"
        ));
    }
}

/// Verifies a sorted file or a range directory in one pass.
pub fn verify(path: &Path) -> Result<Verified, PwnedError> {
    let started = Instant::now();
    let meta = std::fs::metadata(path).map_err(|e| error(path, e.to_string()))?;
    let mut v = if meta.is_dir() {
        verify_dir(path)?
    } else {
        verify_file(path)?
    };
    v.elapsed = started.elapsed();
    Ok(v)
}

fn error(path: &Path, message: impl Into<String>) -> PwnedError {
    PwnedError::Dataset {
        path: path.display().to_string(),
        message: message.into(),
    }
}

/// A `FULLHASH:COUNT` line (no line break): its 20-byte hash.
fn parse_line(line: &[u8]) -> Option<[u8; 20]> {
    if line.len() < 42 || line[40] != b':' {
        return None;
    }
    let mut key = [0u8; 20];
    let mut invalid = 0u8;
    for (k, pair) in line[..40].chunks_exact(2).enumerate() {
        let (a, b) = (HEX[usize::from(pair[0])], HEX[usize::from(pair[1])]);
        invalid |= a | b;
        key[k] = (a << 4) | (b & 0x0F);
    }
    let count = parse_count(&line[41..])?;
    (invalid & 0xF0 == 0 && count > 0).then_some(key)
}

fn prefix_of(key: &[u8; 20]) -> u32 {
    (u32::from(key[0]) << 12) | (u32::from(key[1]) << 4) | u32::from(key[2] >> 4)
}

fn verify_file(path: &Path) -> Result<Verified, PwnedError> {
    let file = std::fs::File::open(path).map_err(|e| error(path, format!("cannot open: {e}")))?;
    let mut reader = BufReader::with_capacity(1 << 20, file);
    let name = path.display().to_string();
    let mut v = Verified::default();
    let mut line = Vec::with_capacity(128);
    let mut prev: Option<[u8; 20]> = None;
    let mut prev2: Option<[u8; 20]> = None;
    let mut seen = vec![0u64; (Prefix::COUNT / 64) as usize];
    loop {
        line.clear();
        let n = reader
            .read_until(b'\n', &mut line)
            .map_err(|e| error(path, format!("cannot read: {e}")))?;
        if n == 0 {
            break;
        }
        v.lines += 1;
        let at = |line: u64| format!("{name}:{line}");
        let terminated = line.last() == Some(&b'\n');
        let content = line.strip_suffix(b"\n").unwrap_or(&line);
        let content = content.strip_suffix(b"\r").unwrap_or(content);
        if !terminated {
            v.problem(format!(
                "{}: the file does not end with a line break: its last line may be cut",
                at(v.lines)
            ));
        }
        let Some(key) = parse_line(content) else {
            let ntlm = content.get(32) == Some(&b':')
                && content[..32].iter().all(|&c| HEX[usize::from(c)] != 0xFF);
            v.problem(format!(
                "{}: {}",
                at(v.lines),
                if ntlm {
                    "an NTLM line (32 hex characters): vaultlint needs the SHA-1 dataset"
                } else {
                    "not a HASH:COUNT line (40 hex characters, a colon, a count of 1 or more)"
                }
            ));
            continue;
        };
        let prefix = prefix_of(&key);
        seen[(prefix / 64) as usize] |= 1 << (prefix % 64);
        match prev {
            Some(p) if key <= p => {
                // Which of the two is out of place: the line before when
                // this one still sorts after the line before that.
                if prev2.is_none_or(|p2| key > p2) {
                    v.problem(format!("{}: {UNSORTED}", at(v.lines - 1)));
                    prev = Some(key);
                } else {
                    v.problem(format!("{}: {UNSORTED}", at(v.lines)));
                }
            }
            _ => {
                prev2 = prev;
                prev = Some(key);
            }
        }
    }
    if v.lines == 0 {
        v.problem(format!("{name}: the file is empty"));
    }
    let mut value = 0;
    while value < Prefix::COUNT {
        let has = |p: u32| seen[(p / 64) as usize] & (1 << (p % 64)) != 0;
        if has(value) {
            value += 1;
            continue;
        }
        let from = value;
        while value < Prefix::COUNT && !has(value) {
            value += 1;
        }
        v.missing(&name, from, value);
    }
    Ok(v)
}

fn verify_dir(dir: &Path) -> Result<Verified, PwnedError> {
    let rd = RangeDir::open(dir)?;
    let mut v = Verified {
        files: Some(0),
        ..Verified::default()
    };
    let mut missing_from: Option<u32> = None;
    for value in 0..Prefix::COUNT {
        let prefix = Prefix::new(value).expect("in range");
        let path = dir.join(format!("{prefix}.txt"));
        let body = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                missing_from.get_or_insert(value);
                continue;
            }
            Err(e) => {
                v.problem(format!("{}: cannot read: {e}", path.display()));
                continue;
            }
        };
        if let Some(from) = missing_from.take() {
            v.missing(&dir.display().to_string(), from, value);
        }
        *v.files.as_mut().expect("set") += 1;
        v.lines += body
            .split(|&c| c == b'\n')
            .filter(|l| !l.is_empty())
            .count() as u64;
        if let Err(e) = rd.check_body(&body) {
            v.problem(format!("{}: {e}", path.display()));
        }
    }
    if let Some(from) = missing_from {
        v.missing(&dir.display().to_string(), from, Prefix::COUNT);
    }
    Ok(v)
}

/// One line on what a verification found: valid or not, lines and files
/// read, how long it took.
pub fn summary(path: &Path, v: &Verified) -> String {
    let files = v
        .files
        .map(|f| format!(" in {f} range files"))
        .unwrap_or_default();
    let took = format!("{:.1} s", v.elapsed.as_secs_f64());
    if v.is_valid() {
        format!(
            "{}: valid: {} lines{files}, every prefix has rows ({took})",
            path.display(),
            v.lines
        )
    } else {
        let unlisted = v.problem_count - v.problems.len() as u64;
        let more = if unlisted > 0 {
            format!(", {unlisted} more not listed")
        } else {
            String::new()
        };
        format!(
            "{}: NOT VALID: {} problem(s){more}; {} prefixes without rows; {} lines{files} read ({took}). Do not trust this dataset: download it again",
            path.display(),
            v.problem_count,
            v.missing_prefixes,
            v.lines
        )
    }
}

/// Prefixes sampled by [`quick_check`] besides the first and the last.
const SAMPLE: usize = 64;

/// The quick start-up check of `pwned serve`: the dataset opens (format,
/// ends in order, a sorted file ends with a line break), the first and
/// last prefixes and a random sample of others have rows that read back
/// without error. A dataset failing it is refused; a full check is
/// [`verify`].
pub fn quick_check(path: &Path, dataset: &Dataset) -> Result<(), PwnedError> {
    if let Dataset::File(_) = dataset {
        if !ends_with_line_break(path)? {
            return Err(error(
                path,
                "the file does not end with a line break: its last line may be cut; check it with `vaultlint pwned verify`",
            ));
        }
    }
    let mut rng = rand::thread_rng();
    let sample = [0, Prefix::COUNT - 1]
        .into_iter()
        .chain((0..SAMPLE).map(|_| rng.gen_range(0..Prefix::COUNT)));
    for value in sample {
        let prefix = Prefix::new(value).expect("in range");
        if let Err(e) = dataset.range(prefix) {
            return Err(error(
                path,
                format!(
                    "prefix {prefix}: {e} (a quick check of a sample of prefixes; `vaultlint pwned verify` checks them all)"
                ),
            ));
        }
    }
    Ok(())
}

fn ends_with_line_break(path: &Path) -> Result<bool, PwnedError> {
    use std::io::{Read, Seek, SeekFrom};
    let mut f = std::fs::File::open(path).map_err(|e| error(path, format!("cannot open: {e}")))?;
    let len = f.metadata().map_err(|e| error(path, e.to_string()))?.len();
    if len == 0 {
        return Ok(false);
    }
    let mut last = [0u8; 1];
    f.seek(SeekFrom::Start(len - 1))
        .and_then(|_| f.read_exact(&mut last))
        .map_err(|e| error(path, format!("cannot read: {e}")))?;
    Ok(last[0] == b'\n')
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// One line per prefix (the smallest complete dataset).
    fn complete(eol: &str) -> Vec<String> {
        (0..Prefix::COUNT)
            .map(|p| format!("{p:05X}{:035X}:{}{eol}", u128::from(p) * 7919, p % 97 + 1))
            .collect()
    }

    fn write(lines: &[String]) -> tempfile::NamedTempFile {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        let mut w = std::io::BufWriter::new(f.as_file_mut());
        for l in lines {
            w.write_all(l.as_bytes()).unwrap();
        }
        w.flush().unwrap();
        drop(w);
        f
    }

    #[test]
    #[ignore = "slow: run by `cargo test -- --ignored` (CI does)"]
    fn a_complete_sorted_file_is_valid_and_damage_is_named() {
        let lines = complete("\n");
        let f = write(&lines);
        let v = verify(f.path()).unwrap();
        assert!(v.is_valid(), "{:?}", v.problems);
        assert_eq!(v.lines, u64::from(Prefix::COUNT));

        // One line moved: only a full pass sees it.
        let mut moved = lines.clone();
        let l = moved.remove(700_000);
        moved.insert(300_000, l);
        let v = verify(write(&moved).path()).unwrap();
        assert!(!v.is_valid());
        assert!(
            v.problem_count == 1 && v.problems[0].contains(":300001: out of order"),
            "{:?}",
            v.problems
        );

        // Cut at a line boundary; cut inside the last line.
        let half = write(&lines[..500_000]);
        let v = verify(half.path()).unwrap();
        assert_eq!(v.missing_prefixes, u64::from(Prefix::COUNT) - 500_000);
        assert!(
            v.problems.iter().any(|p| p.contains("prefixes from 7A120")),
            "{:?}",
            v.problems
        );
        let mut cut = lines[..10].to_vec();
        let keep = cut[9].len() - 3;
        cut[9].truncate(keep);
        let v = verify(write(&cut).path()).unwrap();
        assert!(
            v.problems
                .iter()
                .any(|p| p.contains(":10: the file does not end with a line break")),
            "{:?}",
            v.problems
        );

        // A bad line, named by its number.
        let mut bad = lines.clone();
        bad[41] = "XYZ\n".into();
        let v = verify(write(&bad).path()).unwrap();
        assert!(
            v.problems[0].contains(":42: not a HASH:COUNT line"),
            "{:?}",
            v.problems
        );
    }
}
