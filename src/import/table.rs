//! The one CSV reader every importer uses: BOM, CRLF/LF/CRCRLF, quoted
//! multi-line cells, ragged rows, backslash escaping, lossy UTF-8.

use zeroize::Zeroize;

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

/// One CSV record. Its cells are wiped from memory when it is dropped.
#[derive(Clone, Default)]
pub struct Record {
    /// 1-based line on which the record starts.
    pub line: u64,
    pub fields: Vec<String>,
}

impl Record {
    /// The cell at `index`, or `""` when the row is too short.
    pub fn get(&self, index: usize) -> &str {
        self.fields.get(index).map(String::as_str).unwrap_or("")
    }

    pub fn len(&self) -> usize {
        self.fields.len()
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// True when every cell is empty or whitespace.
    pub fn is_blank(&self) -> bool {
        self.fields.iter().all(|f| f.trim().is_empty())
    }
}

impl std::fmt::Debug for Record {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Record(line {}, {} cells)", self.line, self.fields.len())
    }
}

impl Drop for Record {
    fn drop(&mut self) {
        for cell in &mut self.fields {
            cell.zeroize();
        }
    }
}

/// All records of one file, header row included (formats decide).
#[derive(Debug, Default)]
pub struct Table {
    pub records: Vec<Record>,
    /// Problems found while reading (invalid UTF-8, ...), each naming a line.
    pub warnings: Vec<String>,
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

/// Reads `data` as CSV. Rows of any length are accepted (ragged rows are the
/// importers' to count); fully blank lines are dropped.
///
/// Invalid UTF-8 is replaced with U+FFFD and reported as a warning naming the
/// line: the audit goes on, and the user is told which rows may be affected.
pub fn read(data: &[u8], dialect: Dialect) -> Result<Table, ReadError> {
    let data = strip_bom(data);
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
                let line = lines.line_at(raw.position().map_or(0, |p| p.byte()));
                let mut lossy = false;
                let fields = raw
                    .iter()
                    .map(|cell| match std::str::from_utf8(cell) {
                        Ok(s) => s.to_owned(),
                        Err(_) => {
                            lossy = true;
                            String::from_utf8_lossy(cell).into_owned()
                        }
                    })
                    .collect();
                if lossy {
                    table.warnings.push(format!(
                        "line {line}: invalid UTF-8 replaced with U+FFFD; re-save the export as UTF-8 for exact results"
                    ));
                }
                let record = Record { line, fields };
                if !record.is_blank() {
                    table.records.push(record);
                }
            }
            Err(err) => {
                let line = lines.line_at(err.position().map_or(0, |p| p.byte()));
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
        t.records
            .iter()
            .map(|r| r.fields.iter().map(String::as_str).collect())
            .collect()
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
        assert!(t.warnings[0].starts_with("line 2:"));
    }
}
