//! Range bodies: `SUFFIX:COUNT` lines (35 hex characters, a decimal count),
//! CRLF-separated, no trailing newline. Parsing is strict (one bad line
//! rejects the whole body, so a damaged answer is never read as "not
//! found"), tolerant only of LF endings, lowercase hex and one trailing line
//! break. Padding rows (count 0) are dropped. Writing produces exactly the
//! API's format, with optional padding rows for the mirror.
//!
//! This is the one place every source's ranges are validated (online API,
//! mirror, range directory, sorted file, cache). In the real corpus every
//! one of the 1,048,576 prefixes has rows, and a padded answer is never
//! empty; so a range with no row that has a count is an error
//! ([`RangeError::Empty`]), as is a row that is not well-formed or not in
//! strictly increasing order ([`RangeError::Unsorted`]): the lookup is
//! then unknown, never "not found".

use rand::Rng;
use thiserror::Error;

use super::Suffix;

/// Hex digit values, either case; 0xFF for anything else.
pub(crate) static HEX: [u8; 256] = {
    let mut t = [0xFFu8; 256];
    let mut c = 0;
    while c < 256 {
        t[c] = match c as u8 {
            b'0'..=b'9' => c as u8 - b'0',
            b'A'..=b'F' => c as u8 - b'A' + 10,
            b'a'..=b'f' => c as u8 - b'a' + 10,
            _ => 0xFF,
        };
        c += 1;
    }
    t
};

/// Value of a hex digit, either case.
#[inline]
pub fn nibble(c: u8) -> Option<u8> {
    let v = HEX[usize::from(c)];
    (v != 0xFF).then_some(v)
}

/// True when every byte is a hex digit.
#[inline]
pub(crate) fn all_hex(b: &[u8]) -> bool {
    b.iter().fold(0u8, |acc, &c| acc | HEX[usize::from(c)]) & 0xF0 == 0
}

/// Parses a decimal count (1 to 20 digits, fits in a u64).
#[inline]
pub fn parse_count(b: &[u8]) -> Option<u64> {
    if b.is_empty() || b.len() > 20 {
        return None;
    }
    let mut n: u64 = 0;
    for &c in b {
        if !c.is_ascii_digit() {
            return None;
        }
        n = n.checked_mul(10)?.checked_add(u64::from(c - b'0'))?;
    }
    Some(n)
}

/// Appends `n` in decimal.
fn write_count(out: &mut Vec<u8>, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[i..]);
}

/// A body that is not a range. Names the line, never its text.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RangeError {
    #[error("line {line} is not SUFFIX:COUNT (35 hex characters, a colon, a number)")]
    Malformed { line: usize },
    #[error("line {line} has a {len}-character hash suffix: NTLM hashes, not SHA-1")]
    Ntlm { line: usize, len: usize },
    /// No row with a count. Every prefix has rows in Pwned Passwords, so an
    /// empty range (or one of padding only) means the answer or the file
    /// is incomplete.
    #[error(
        "the range has no rows, but every prefix has rows in Pwned Passwords: the answer or file is empty or incomplete"
    )]
    Empty,
    #[error("line {line} is out of order (rows must be sorted by hash, each listed once)")]
    Unsorted { line: usize },
}

/// The rows of one prefix that have a count, sorted by suffix.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Range {
    rows: Vec<(Suffix, u64)>,
    padding: usize,
}

impl Range {
    /// A range from rows in any order; rows with count 0 are dropped as padding.
    pub fn from_rows(mut rows: Vec<(Suffix, u64)>) -> Range {
        let before = rows.len();
        rows.retain(|r| r.1 > 0);
        let padding = before - rows.len();
        if !rows.is_sorted_by(|a, b| a.0 < b.0) {
            rows.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
            // A suffix listed twice keeps its larger count.
            rows.dedup_by(|later, first| later.0 == first.0);
        }
        Range { rows, padding }
    }

    /// A range from rows that must already be sorted and distinct (what a
    /// dataset read in order gives): the same checks as [`Range::parse`].
    /// `line` numbers in errors count from 1 over `rows`.
    pub fn from_sorted(rows: Vec<(Suffix, u64)>) -> Result<Range, RangeError> {
        if let Some(k) = rows.windows(2).position(|w| w[0].0 >= w[1].0) {
            return Err(RangeError::Unsorted { line: k + 2 });
        }
        let range = Range::from_rows(rows);
        if range.is_empty() {
            return Err(RangeError::Empty);
        }
        Ok(range)
    }

    /// Parses a range body. Every line must be well-formed, the rows with
    /// a count strictly increasing, and at least one row must have a count.
    pub fn parse(body: &[u8]) -> Result<Range, RangeError> {
        let body = body.strip_suffix(b"\n").unwrap_or(body);
        let body = body.strip_suffix(b"\r").unwrap_or(body);
        if body.is_empty() {
            return Err(RangeError::Empty);
        }
        let mut rows: Vec<(Suffix, u64)> = Vec::with_capacity(body.len() / 40 + 1);
        let mut padding = 0;
        for (k, line) in body.split(|&c| c == b'\n').enumerate() {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            let bad = || RangeError::Malformed { line: k + 1 };
            if line.get(Suffix::HEX_LEN) != Some(&b':') {
                let colon = line.iter().position(|&c| c == b':').ok_or_else(bad)?;
                if colon == 27 && all_hex(&line[..colon]) {
                    return Err(RangeError::Ntlm {
                        line: k + 1,
                        len: colon,
                    });
                }
                return Err(bad());
            }
            let (hex, count) = (&line[..Suffix::HEX_LEN], &line[Suffix::HEX_LEN + 1..]);
            let count = parse_count(count).ok_or_else(bad)?;
            if count == 0 {
                // Padding: checked for shape, not kept.
                if !all_hex(hex) {
                    return Err(bad());
                }
                padding += 1;
                continue;
            }
            let suffix = Suffix::parse_hex(hex).ok_or_else(bad)?;
            if rows.last().is_some_and(|(prev, _)| *prev >= suffix) {
                return Err(RangeError::Unsorted { line: k + 1 });
            }
            rows.push((suffix, count));
        }
        if rows.is_empty() {
            return Err(RangeError::Empty);
        }
        Ok(Range { rows, padding })
    }

    /// The count of `suffix`, 0 when it is not in the range.
    pub fn count(&self, suffix: &Suffix) -> u64 {
        self.rows
            .binary_search_by(|r| r.0.cmp(suffix))
            .map_or(0, |i| self.rows[i].1)
    }

    /// Rows with a count, sorted.
    pub fn rows(&self) -> &[(Suffix, u64)] {
        &self.rows
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Padding rows (count 0) that parsing dropped.
    pub fn padding_rows(&self) -> usize {
        self.padding
    }

    /// Writes the body in the API's format: uppercase, CRLF between lines,
    /// no trailing newline. With `pad_to`, random decoy rows with count 0 are
    /// mixed in (in order) until the body has that many rows.
    pub fn write_body(&self, out: &mut Vec<u8>, pad_to: Option<usize>) {
        let decoys = pad_to
            .map(|n| self.decoys(n.saturating_sub(self.rows.len())))
            .unwrap_or_default();
        out.reserve((self.rows.len() + decoys.len()) * 44);
        let mut rows = self.rows.iter().peekable();
        let mut decoys = decoys.iter().peekable();
        let mut first = true;
        loop {
            let (suffix, count) = match (rows.peek(), decoys.peek()) {
                (None, None) => break,
                (Some(&&(s, c)), Some(&&d)) if s < d => {
                    rows.next();
                    (s, c)
                }
                (_, Some(&&d)) => {
                    decoys.next();
                    (d, 0)
                }
                (Some(&&(s, c)), None) => {
                    rows.next();
                    (s, c)
                }
            };
            if !first {
                out.extend_from_slice(b"\r\n");
            }
            first = false;
            suffix.write_hex(out);
            out.push(b':');
            write_count(out, count);
        }
    }

    /// `n` random suffixes not in the range, sorted.
    fn decoys(&self, n: usize) -> Vec<Suffix> {
        let mut rng = rand::thread_rng();
        let mut out: Vec<Suffix> = Vec::with_capacity(n);
        while out.len() < n {
            let mut s = [0u8; 18];
            rng.fill(&mut s[..]);
            s[0] &= 0x0F;
            let s = Suffix(s);
            if self.count(&s) == 0 {
                out.push(s);
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sfx(c: char) -> String {
        std::iter::repeat_n(c, 35).collect()
    }

    #[test]
    fn parses_crlf_and_drops_padding() {
        let body = format!("{}:3\r\n{}:0\r\n{}:12", sfx('0'), sfx('A'), sfx('f'));
        let r = Range::parse(body.as_bytes()).unwrap();
        assert_eq!(r.len(), 2);
        assert_eq!(r.padding_rows(), 1);
        assert_eq!(
            r.count(&Suffix::parse_hex(sfx('F').as_bytes()).unwrap()),
            12
        );
        assert_eq!(r.count(&Suffix::parse_hex(sfx('0').as_bytes()).unwrap()), 3);
        assert_eq!(r.count(&Suffix::parse_hex(sfx('A').as_bytes()).unwrap()), 0);
    }

    #[test]
    fn tolerates_lf_and_one_trailing_newline() {
        let body = format!("{}:1\n{}:2\n", sfx('1'), sfx('2'));
        assert_eq!(Range::parse(body.as_bytes()).unwrap().len(), 2);
    }

    #[test]
    fn empty_and_padding_only_ranges_are_errors() {
        // Every prefix has rows in the corpus: an empty answer is a failed
        // lookup, never "not found".
        for body in [
            String::new(),
            "\r\n".to_owned(),
            "\n".to_owned(),
            format!("{}:0\r\n{}:0", sfx('1'), sfx('2')),
        ] {
            assert_eq!(
                Range::parse(body.as_bytes()),
                Err(RangeError::Empty),
                "{body:?}"
            );
        }
        assert_eq!(Range::from_sorted(vec![]), Err(RangeError::Empty));
        let pad = |c| (Suffix::parse_hex(sfx(c).as_bytes()).unwrap(), 0);
        assert_eq!(Range::from_sorted(vec![pad('1')]), Err(RangeError::Empty));
    }

    #[test]
    fn rejects_damaged_bodies() {
        let ok = format!("{}:1", sfx('1'));
        let cases = [
            format!("{ok}\r\n{}:", sfx('2')),       // truncated count
            format!("{ok}\r\n{}", &sfx('2')[..20]), // truncated line
            format!("{ok}\r\n\r\n{ok}"),            // blank line inside
            format!("{ok}\r\n{}:1", sfx('G')),      // not hex
            format!("{ok}\r\n{}:1x", sfx('2')),     // count not a number
            format!("{ok}\r\n{}0:1", sfx('2')),     // 36 characters
            format!("{ok}\r\n{}:99999999999999999999", sfx('2')), // overflow
            "<html>rate limited</html>".to_owned(),
        ];
        for body in cases {
            let err = Range::parse(body.as_bytes()).unwrap_err();
            assert!(matches!(err, RangeError::Malformed { .. }), "{err}");
        }
        let ntlm = format!("{}:5", "A".repeat(27));
        assert!(matches!(
            Range::parse(ntlm.as_bytes()),
            Err(RangeError::Ntlm { line: 1, len: 27 })
        ));
    }

    #[test]
    fn errors_never_echo_the_line() {
        let body = format!("{}Z:1", sfx('7'));
        let msg = Range::parse(body.as_bytes()).unwrap_err().to_string();
        assert!(!msg.contains("777"), "{msg}");
    }

    #[test]
    fn writes_the_api_format_and_round_trips_with_padding() {
        let body = format!("{}:12\r\n{}:3", sfx('3'), sfx('b'));
        let r = Range::parse(body.as_bytes()).unwrap();
        let mut out = Vec::new();
        r.write_body(&mut out, None);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            format!("{}:12\r\n{}:3", sfx('3'), sfx('B'))
        );
        let mut padded = Vec::new();
        r.write_body(&mut padded, Some(900));
        let text = String::from_utf8(padded.clone()).unwrap();
        assert!(!text.ends_with('\n'));
        assert_eq!(text.split("\r\n").count(), 900);
        assert!(
            text.split("\r\n")
                .all(|l| l.len() >= 37 && l.to_uppercase() == l)
        );
        let back = Range::parse(&padded).unwrap();
        assert_eq!(back, Range { padding: 898, ..r });
        let lines: Vec<&str> = text.split("\r\n").collect();
        assert!(lines.is_sorted(), "padding rows are mixed in order");
    }

    #[test]
    fn counts_are_written_in_decimal() {
        for n in [0u64, 7, 10, 9_545_824, u64::MAX] {
            let mut out = Vec::new();
            write_count(&mut out, n);
            assert_eq!(out, n.to_string().into_bytes());
        }
    }

    #[test]
    fn unsorted_and_duplicate_rows_are_errors() {
        let unsorted = format!("{}:1\r\n{}:2\r\n{}:5", sfx('1'), sfx('9'), sfx('3'));
        assert_eq!(
            Range::parse(unsorted.as_bytes()),
            Err(RangeError::Unsorted { line: 3 })
        );
        let twice = format!("{}:1\r\n{}:2", sfx('4'), sfx('4'));
        assert_eq!(
            Range::parse(twice.as_bytes()),
            Err(RangeError::Unsorted { line: 2 })
        );
        // Padding rows are checked for shape only.
        let padded = format!("{}:0\r\n{}:2\r\n{}:0", sfx('9'), sfx('4'), sfx('1'));
        assert_eq!(Range::parse(padded.as_bytes()).unwrap().len(), 1);
        let s = |c| Suffix::parse_hex(sfx(c).as_bytes()).unwrap();
        assert_eq!(
            Range::from_sorted(vec![(s('2'), 1), (s('1'), 1)]),
            Err(RangeError::Unsorted { line: 2 })
        );
        assert_eq!(
            Range::from_sorted(vec![(s('1'), 1), (s('2'), 3)])
                .unwrap()
                .len(),
            2
        );
    }
}
