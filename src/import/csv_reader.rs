//! The one CSV reader every importer uses: CRLF/LF/CRCRLF, quoted multi-line
//! cells, ragged rows, backslash escaping, unclosed quotes, bounded memory.
//!
//! It reads decoded text ([`super::decode`] turns the file's bytes into
//! UTF-8 first); [`read`] is the shortcut for bytes that should be UTF-8.

use zeroize::Zeroizing;

use crate::model::Skipped;

/// How a format writes its CSV.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dialect {
    pub delimiter: u8,
    /// `Some(b'\\')` for KeePass 2.x (`\"` instead of `""`).
    pub escape: Option<u8>,
}

impl Default for Dialect {
    fn default() -> Self {
        Dialect {
            delimiter: b',',
            escape: None,
        }
    }
}

/// Longest cell accepted (bytes). No password manager writes more; a longer
/// cell is a damaged or hostile file.
pub const MAX_CELL_BYTES: usize = 1 << 20;
/// Most cells accepted in one row.
pub const MAX_ROW_CELLS: usize = 10_000;
/// Most unclosed quotes recovered from in one file; more is a damaged file.
pub const MAX_UNCLOSED_QUOTES: usize = 64;

/// One CSV record, stored compactly: the text of its non-empty cells in one
/// buffer (wiped from memory when the record is dropped) and, per non-empty
/// cell, its column and where it ends. Empty cells cost nothing, so a row of
/// commas takes no more memory than its own bytes.
#[derive(Clone, Default)]
pub struct Record {
    /// 1-based line on which the record starts.
    pub line: u64,
    /// Number of cells, empty ones included.
    len: u32,
    text: Zeroizing<String>,
    /// `(column, end of its text in `text`)` of each non-empty cell, by column.
    cells: Vec<(u32, u32)>,
}

impl Record {
    /// A record of `cells` starting at `line`.
    pub fn new<S: AsRef<str>>(line: u64, cells: impl IntoIterator<Item = S>) -> Self {
        let cells: Vec<S> = cells.into_iter().collect();
        let mut b = RecordBuilder::new(
            line,
            cells.iter().map(|c| c.as_ref().len()).sum(),
            cells.len(),
        );
        for c in &cells {
            b.push(c.as_ref());
        }
        b.finish()
    }

    /// The cell at `index`, or `""` when the row is too short.
    pub fn get(&self, index: usize) -> &str {
        let Ok(col) = u32::try_from(index) else {
            return "";
        };
        match self.cells.binary_search_by_key(&col, |&(c, _)| c) {
            Ok(k) => {
                let start = if k == 0 { 0 } else { self.cells[k - 1].1 };
                &self.text[start as usize..self.cells[k].1 as usize]
            }
            Err(_) => "",
        }
    }

    /// Number of cells (empty ones included).
    pub fn len(&self) -> usize {
        self.len as usize
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Every cell, in order (`""` for empty ones).
    pub fn cells(&self) -> impl Iterator<Item = &str> + '_ {
        (0..self.len()).map(|i| self.get(i))
    }

    /// The cells from `from` on.
    pub fn cells_from(&self, from: usize) -> impl Iterator<Item = &str> + '_ {
        (from..self.len()).map(|i| self.get(i))
    }

    /// True when every cell is empty or whitespace.
    pub fn is_blank(&self) -> bool {
        self.text.trim().is_empty()
    }
}

/// Builds a [`Record`] with its buffer sized once (no copy of a cell is left
/// behind by a reallocation).
struct RecordBuilder {
    record: Record,
}

impl RecordBuilder {
    fn new(line: u64, text_bytes: usize, cells: usize) -> Self {
        RecordBuilder {
            record: Record {
                line,
                len: 0,
                text: Zeroizing::new(String::with_capacity(text_bytes)),
                cells: Vec::with_capacity(cells.min(64)),
            },
        }
    }

    fn push(&mut self, cell: &str) {
        let r = &mut self.record;
        if !cell.is_empty() {
            r.text.push_str(cell);
            r.cells.push((r.len, r.text.len() as u32));
        }
        r.len += 1;
    }

    fn finish(mut self) -> Record {
        self.record.cells.shrink_to_fit();
        self.record
    }
}

impl std::fmt::Debug for Record {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Record(line {}, {} cells)", self.line, self.len)
    }
}

/// All records of one file, header row included (formats decide).
#[derive(Debug, Default)]
pub struct Table {
    pub records: Vec<Record>,
    /// Problems found while reading, each naming a line.
    pub warnings: Vec<String>,
    /// Rows the reader itself could not read (an unclosed quote), with why.
    pub skipped: Vec<Skipped>,
    /// Lines of the records holding text that could not be decoded exactly
    /// (replaced with U+FFFD).
    pub lossy_lines: Vec<u64>,
}

impl Table {
    /// The first record, if any (the header row for formats that have one).
    pub fn first(&self) -> Option<&Record> {
        self.records.first()
    }
}

/// Strips a UTF-8 byte-order mark.
pub fn strip_bom(data: &[u8]) -> &[u8] {
    data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data)
}

/// Reads `data`, expected to be UTF-8, as CSV: invalid bytes are replaced
/// with U+FFFD and their records listed in [`Table::lossy_lines`]. Importers
/// reading real files go through [`super::decode`] and [`read_text`].
pub fn read(data: &[u8], dialect: Dialect) -> Result<Table, ReadError> {
    let decoded = super::decode::decode(strip_bom(data), Some(encoding_rs::UTF_8));
    read_text(&decoded.text, &decoded.lossy, dialect)
}

/// Reads decoded `text` as CSV. `lossy` holds the byte offsets in `text` of
/// characters that replaced undecodable bytes (ascending). Rows of any length
/// are accepted (ragged rows are the importers' to count); fully blank lines
/// are dropped. A cell over [`MAX_CELL_BYTES`] or a row over
/// [`MAX_ROW_CELLS`] is an error naming its line.
///
/// A quote that is never closed would swallow every row after it. When the
/// lines after the one that opened it read as rows as wide as the header,
/// they are read again as rows and only the opening row is skipped;
/// otherwise the whole swallowed part is skipped, naming its lines.
pub fn read_text(text: &str, lossy: &[usize], dialect: Dialect) -> Result<Table, ReadError> {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    let bom = text.len() - body.len();
    let mut table = read_part(body.as_bytes(), bom, lossy, 0, dialect, None, 0)?;
    let lines = table.lossy_lines.len();
    if lines > 0 {
        let shown: Vec<String> = table
            .lossy_lines
            .iter()
            .take(5)
            .map(u64::to_string)
            .collect();
        let more = if lines > 5 { ", ..." } else { "" };
        table.warnings.insert(
            0,
            format!(
                "{lines} row(s) hold bytes that are not valid in the file's encoding (line {}{more}): they were replaced with U+FFFD, and passwords holding one are reported unknown by the breach check; re-save the export as UTF-8 or name its encoding with --encoding",
                shown.join(", ")
            ),
        );
    }
    Ok(table)
}

/// Reads `data`, the part of the text starting at byte `base` and after line
/// `line0`. `header_width` is the width of the file's header row when `data`
/// is not the start of the file; `depth` counts the unclosed quotes already
/// met (each one re-reads the rest of the file, so they are bounded).
fn read_part(
    data: &[u8],
    base: usize,
    lossy: &[usize],
    line0: u64,
    dialect: Dialect,
    header_width: Option<usize>,
    depth: usize,
) -> Result<Table, ReadError> {
    let scanned = scan(data, dialect).map_err(|(line, message)| ReadError {
        line: line0 + line,
        message,
    })?;
    let swallowing = scanned.unclosed.filter(|u| u.swallows);
    let body = swallowing
        .as_ref()
        .map_or(data, |u| &data[..u.record_start]);
    let mut table = parse(body, base, lossy, line0, dialect)?;
    if let Some(u) = &scanned.unclosed
        && swallowing.is_none()
    {
        table.warnings.push(format!(
            "line {}: a quote opened there is never closed (the file may be cut short)",
            line0 + u.quote_line
        ));
    }
    let Some(u) = swallowing else {
        return Ok(table);
    };
    let open = line0 + u.quote_line;
    let last = line0 + u.last_line;
    let row = line0 + u.record_line;
    let swallowed = if last > open + 1 {
        format!("lines {}–{last}", open + 1)
    } else {
        format!("line {last}")
    };
    let Some(width) = header_width.or_else(|| table.first().map(Record::len)) else {
        return Err(ReadError {
            line: open,
            message: format!(
                "unclosed quote opened at line {open} swallowed {swallowed}: the file cannot be read"
            ),
        });
    };
    if depth >= MAX_UNCLOSED_QUOTES {
        return Err(ReadError {
            line: open,
            message: format!(
                "more than {MAX_UNCLOSED_QUOTES} unclosed quotes: the file is damaged (re-export it)"
            ),
        });
    }
    let rest_start = u.opening_line_end;
    let rest = read_part(
        &data[rest_start..],
        base + rest_start,
        lossy,
        line0 + u.quote_line,
        dialect,
        Some(width),
        depth + 1,
    )?;
    let recovered = rest.records.iter().filter(|r| r.len() == width).count();
    if recovered > 0 {
        table.warnings.push(format!(
            "unclosed quote opened at line {open} swallowed {swallowed}: they were read again as rows ({recovered} recovered); {}",
            if open > row {
                format!("lines {row}–{open} could not be read")
            } else {
                format!("the row at line {row} could not be read")
            }
        ));
        let lost = if open > row {
            format!("lines {row}–{open} could not be read")
        } else {
            "the row could not be read".to_owned()
        };
        table.skipped.push(Skipped {
            line: row,
            reason: format!("unclosed quote opened at line {open}: {lost}"),
        });
        let Table {
            records,
            warnings,
            skipped,
            lossy_lines,
        } = rest;
        table.records.extend(records);
        table.warnings.extend(warnings);
        table.skipped.extend(skipped);
        table.lossy_lines.extend(lossy_lines);
    } else {
        let lines = if last > row {
            format!("lines {row}–{last}")
        } else {
            format!("line {row}")
        };
        table.warnings.push(format!(
            "unclosed quote opened at line {open} swallowed {swallowed}, which do not read as rows: {lines} could not be read"
        ));
        table.skipped.push(Skipped {
            line: row,
            reason: format!(
                "unclosed quote opened at line {open} swallowed {swallowed}: {lines} could not be read"
            ),
        });
    }
    Ok(table)
}

/// Parses `data` (no unclosed quote swallowing rows) into records.
fn parse(
    data: &[u8],
    base: usize,
    lossy: &[usize],
    line0: u64,
    dialect: Dialect,
) -> Result<Table, ReadError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(dialect.delimiter)
        .escape(dialect.escape)
        .double_quote(dialect.escape.is_none())
        .from_reader(data);
    let mut table = Table::default();
    let mut raw = csv::ByteRecord::new();
    let mut lines = LineCounter::new(data);
    loop {
        match reader.read_byte_record(&mut raw) {
            Ok(false) => break,
            Ok(true) => {
                let start = raw.position().map_or(0, |p| p.byte()) as usize;
                let end = reader.position().byte() as usize;
                let line = line0 + lines.line_at(start as u64);
                let mut b = RecordBuilder::new(line, raw.as_slice().len(), raw.len());
                for cell in raw.iter() {
                    match std::str::from_utf8(cell) {
                        Ok(s) => b.push(s),
                        Err(_) => {
                            b.push(&Zeroizing::new(String::from_utf8_lossy(cell).into_owned()))
                        }
                    }
                }
                let record = b.finish();
                if record.is_blank() {
                    continue;
                }
                let first = lossy.partition_point(|&o| o < base + start);
                if lossy.get(first).is_some_and(|&o| o < base + end) {
                    table.lossy_lines.push(line);
                }
                table.records.push(record);
            }
            Err(err) => {
                let line = line0 + lines.line_at(err.position().map_or(0, |p| p.byte()));
                return Err(ReadError {
                    line,
                    message: csv_error_message(&err),
                });
            }
        }
    }
    wipe(&mut raw);
    Ok(table)
}

/// A quote that is still open at the end of the text.
#[derive(Debug, Clone, Copy)]
struct Unclosed {
    /// Byte and line where the record holding it starts.
    record_start: usize,
    record_line: u64,
    /// Line of the opening quote.
    quote_line: u64,
    /// Byte just after the line break that ends the opening quote's line
    /// (the text's length when there is none).
    opening_line_end: usize,
    /// True when lines that hold anything follow the opening quote's line.
    swallows: bool,
    /// Last line that holds anything.
    last_line: u64,
}

#[derive(Debug, Default)]
struct Scan {
    unclosed: Option<Unclosed>,
}

/// One pass over the raw text, following quotes as the CSV reader does,
/// that finds an unclosed quote and enforces the cell and row limits before
/// anything is allocated. Errors are `(line, message)`.
fn scan(data: &[u8], dialect: Dialect) -> Result<Scan, (u64, String)> {
    let mut line: u64 = 1;
    let mut record_start = 0usize;
    let mut record_line: u64 = 1;
    let mut cells = 1usize;
    let mut cell = 0usize;
    let mut field_start = true;
    let mut quoted_at: Option<(usize, u64)> = None;
    let cell_error = |line: u64| {
        Err((
            line,
            format!(
                "a cell longer than {} MiB: this is not a password-manager export (or it is damaged)",
                MAX_CELL_BYTES >> 20
            ),
        ))
    };
    let mut i = 0;
    while i < data.len() {
        let b = data[i];
        if quoted_at.is_some() {
            if Some(b) == dialect.escape {
                i += 2;
                cell += 1;
            } else if b == b'"' {
                if dialect.escape.is_none() && data.get(i + 1) == Some(&b'"') {
                    i += 2;
                    cell += 1;
                } else {
                    quoted_at = None;
                    i += 1;
                }
                continue;
            } else {
                if b == b'\n' {
                    line += 1;
                }
                cell += 1;
                i += 1;
            }
            if cell > MAX_CELL_BYTES {
                return cell_error(line);
            }
            continue;
        }
        match b {
            b'"' if field_start => {
                quoted_at = Some((i, line));
                field_start = false;
            }
            b'\n' | b'\r' => {
                if b == b'\n' {
                    line += 1;
                }
                cells = 1;
                cell = 0;
                field_start = true;
                record_start = i + 1;
                record_line = line;
            }
            d if d == dialect.delimiter => {
                cells += 1;
                cell = 0;
                field_start = true;
                if cells > MAX_ROW_CELLS {
                    return Err((
                        record_line,
                        format!(
                            "a row of more than {MAX_ROW_CELLS} cells: this is not a password-manager export (or it is damaged)"
                        ),
                    ));
                }
            }
            _ => {
                field_start = false;
                cell += 1;
                if cell > MAX_CELL_BYTES {
                    return cell_error(line);
                }
            }
        }
        i += 1;
    }
    let unclosed = quoted_at.map(|(at, quote_line)| {
        let opening_line_end = data[at..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(data.len(), |p| at + p + 1);
        let content = data
            .iter()
            .rposition(|b| !matches!(b, b'\r' | b'\n'))
            .map_or(0, |p| p + 1);
        let last_line = 1 + data[..content].iter().filter(|&&b| b == b'\n').count() as u64;
        Unclosed {
            record_start,
            record_line,
            quote_line,
            opening_line_end,
            swallows: opening_line_end < content,
            last_line,
        }
    });
    Ok(Scan { unclosed })
}

/// Turns byte offsets into 1-based line numbers. csv's own line count lags
/// by one after a CRLF (the LF is consumed with the next record), so we count
/// ourselves, skipping leftover terminator bytes at the record start.
struct LineCounter<'a> {
    data: &'a [u8],
    offset: usize,
    newlines: u64,
}

impl<'a> LineCounter<'a> {
    fn new(data: &'a [u8]) -> Self {
        LineCounter {
            data,
            offset: 0,
            newlines: 0,
        }
    }

    /// Line of the record starting at `byte` (offsets must not decrease).
    fn line_at(&mut self, byte: u64) -> u64 {
        let mut start = (byte as usize).min(self.data.len()).max(self.offset);
        while start < self.data.len() && matches!(self.data[start], b'\r' | b'\n') {
            start += 1;
        }
        self.newlines += self.data[self.offset..start]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64;
        self.offset = start;
        self.newlines + 1
    }
}

fn wipe(raw: &mut csv::ByteRecord) {
    // ByteRecord offers no access to its buffer; clearing is the best we can do.
    raw.clear();
}

/// A CSV-level error, with the line it happened on. Never holds cell text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    pub line: u64,
    pub message: String,
}

fn csv_error_message(err: &csv::Error) -> String {
    match err.kind() {
        csv::ErrorKind::Io(e) => format!("read error: {e}"),
        csv::ErrorKind::Utf8 { .. } => "invalid UTF-8".to_owned(),
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => {
            format!("{len} fields where {expected_len} were expected")
        }
        _ => "malformed CSV".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(t: &Table) -> Vec<Vec<&str>> {
        t.records.iter().map(|r| r.cells().collect()).collect()
    }

    #[test]
    fn bom_crlf_and_multiline() {
        let data = b"\xEF\xBB\xBFa,b\r\n\"x\r\ny\",z\r\n";
        let t = read(data, Dialect::default()).unwrap();
        assert_eq!(cells(&t), vec![vec!["a", "b"], vec!["x\r\ny", "z"]]);
        assert_eq!(t.records[1].line, 2);
    }

    #[test]
    fn line_numbers_follow_the_file() {
        let t = read(b"a,b\r\n\"x\r\ny\",z\r\n\r\nq,r\n", Dialect::default()).unwrap();
        let lines: Vec<u64> = t.records.iter().map(|r| r.line).collect();
        assert_eq!(lines, vec![1, 2, 5]);
        let t = read(b"a\nb\n\nc", Dialect::default()).unwrap();
        let lines: Vec<u64> = t.records.iter().map(|r| r.line).collect();
        assert_eq!(lines, vec![1, 2, 4]);
    }

    #[test]
    fn crcrlf_line_ends_make_no_blank_rows() {
        let t = read(b"a,b\r\r\nc,d\r\r\n", Dialect::default()).unwrap();
        assert_eq!(cells(&t), vec![vec!["a", "b"], vec!["c", "d"]]);
    }

    #[test]
    fn ragged_rows_are_kept() {
        let t = read(b"a,b,c\n1\n1,2,3,4\n", Dialect::default()).unwrap();
        assert_eq!(t.records[1].len(), 1);
        assert_eq!(t.records[2].len(), 4);
        assert_eq!(t.records[1].get(5), "");
    }

    #[test]
    fn backslash_escape_dialect() {
        let d = Dialect {
            escape: Some(b'\\'),
            ..Dialect::default()
        };
        let t = read(b"\"a\\\"b\",\"c\\\\d\"\r\n", d).unwrap();
        assert_eq!(cells(&t), vec![vec!["a\"b", "c\\d"]]);
    }

    #[test]
    fn invalid_utf8_is_lossy_with_a_warning() {
        let t = read(b"a,b\nx\xff,y\n", Dialect::default()).unwrap();
        assert_eq!(t.records[1].get(0), "x\u{FFFD}");
        assert_eq!(t.warnings.len(), 1);
        assert!(t.warnings[0].contains("(line 2)"), "{:?}", t.warnings);
        assert_eq!(t.lossy_lines, vec![2]);
    }

    #[test]
    fn many_lossy_rows_make_one_warning() {
        let mut data = b"a,b\n".to_vec();
        for _ in 0..300 {
            data.extend_from_slice(b"x\xff,y\n");
        }
        let t = read(&data, Dialect::default()).unwrap();
        assert_eq!(t.warnings.len(), 1, "{:?}", &t.warnings[..2]);
        assert!(t.warnings[0].starts_with("300 row(s)"));
        assert_eq!(t.lossy_lines.len(), 300);
    }

    #[test]
    fn unclosed_quote_swallowing_rows_is_recovered() {
        let data = b"\xEF\xBB\xBFa,b,c\r\n1,2,3\r\n4,\"never closed,6\r\n7,8,9\r\n10,11,12\r\n";
        let t = read(data, Dialect::default()).unwrap();
        assert_eq!(
            cells(&t),
            vec![
                vec!["a", "b", "c"],
                vec!["1", "2", "3"],
                vec!["7", "8", "9"],
                vec!["10", "11", "12"]
            ]
        );
        let lines: Vec<u64> = t.records.iter().map(|r| r.line).collect();
        assert_eq!(lines, vec![1, 2, 4, 5]);
        assert_eq!(t.skipped.len(), 1);
        assert_eq!(t.skipped[0].line, 3);
        assert!(
            t.warnings
                .iter()
                .any(|w| w.contains("unclosed quote opened at line 3 swallowed lines 4–5")),
            "{:?}",
            t.warnings
        );
    }

    #[test]
    fn unclosed_quote_over_lines_that_are_no_rows_is_skipped_whole() {
        let data = b"a,b,c\n1,2,3\n4,5,\"note\nmore note\nend\n";
        let t = read(data, Dialect::default()).unwrap();
        assert_eq!(t.records.len(), 2);
        assert_eq!(t.skipped.len(), 1);
        assert_eq!(t.skipped[0].line, 3);
        assert!(t.skipped[0].reason.contains("lines 3–5 could not be read"));
    }

    #[test]
    fn unclosed_quote_in_the_header_is_an_error() {
        let err = read(b"a,\"b,c\n1,2,3\n", Dialect::default()).unwrap_err();
        assert_eq!(err.line, 1);
        assert!(err.message.contains("unclosed quote opened at line 1"));
    }

    #[test]
    fn unclosed_quotes_re_read_a_bounded_number_of_times() {
        // Each unclosed quote re-reads the rest of the file; past the bound
        // the file is refused rather than read again and again.
        let data = b"1,\"x,3\n4,5,6\n";
        let ok = read_part(data, 0, &[], 0, Dialect::default(), Some(3), 0).unwrap();
        assert_eq!(ok.records.len(), 1);
        let err = read_part(
            data,
            0,
            &[],
            9,
            Dialect::default(),
            Some(3),
            MAX_UNCLOSED_QUOTES,
        )
        .unwrap_err();
        assert_eq!(err.line, 10);
        assert!(err.message.contains("unclosed quotes"), "{}", err.message);
    }

    #[test]
    fn quote_left_open_on_the_last_line_keeps_the_row() {
        let t = read(b"a,b\n1,\"2\n", Dialect::default()).unwrap();
        assert_eq!(cells(&t), vec![vec!["a", "b"], vec!["1", "2\n"]]);
        assert!(t.skipped.is_empty());
        assert!(t.warnings[0].contains("never closed"));
    }

    #[test]
    fn absurd_rows_and_cells_are_errors_naming_the_line() {
        let mut data = b"a,b\nx,y\n".to_vec();
        data.extend(std::iter::repeat_n(b',', MAX_ROW_CELLS + 5));
        let err = read(&data, Dialect::default()).unwrap_err();
        assert_eq!(err.line, 3);
        assert!(err.message.contains("10000 cells"), "{}", err.message);

        let mut data = b"a,b\n\"".to_vec();
        data.extend(std::iter::repeat_n(b'x', MAX_CELL_BYTES + 1));
        let err = read(&data, Dialect::default()).unwrap_err();
        assert_eq!(err.line, 2);
        assert!(err.message.contains("1 MiB"));
    }

    #[test]
    fn empty_cells_are_stored_as_nothing() {
        let mut data = b"a".to_vec();
        data.extend(std::iter::repeat_n(b',', 5000));
        data.extend_from_slice(b"z\n");
        let t = read(&data, Dialect::default()).unwrap();
        let r = &t.records[0];
        assert_eq!(r.len(), 5001);
        assert_eq!(r.get(0), "a");
        assert_eq!(r.get(1), "");
        assert_eq!(r.get(5000), "z");
        assert_eq!(r.get(9999), "");
        assert_eq!(r.cells.len(), 2, "only non-empty cells take room");
        assert_eq!(r.cells().filter(|c| c.is_empty()).count(), 4999);
    }
}
