//! Column lookup by header name, shared by every format with a header row.

use super::csv_reader::Record;

/// Normalises a header cell for comparison: trimmed, lower-case, quotes and
/// a BOM removed.
pub fn normalize(cell: &str) -> String {
    cell.trim()
        .trim_start_matches('\u{feff}')
        .trim_matches('"')
        .trim()
        .to_lowercase()
}

/// True when [`normalize`] would return `cell` unchanged, told without
/// allocating (ASCII only; anything else takes the normalising path).
fn is_normal(cell: &str) -> bool {
    // The ASCII characters `str::trim` removes (`u8::is_ascii_whitespace`
    // leaves out the vertical tab, which `trim` removes).
    let space = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r');
    cell.bytes()
        .all(|b| b.is_ascii() && !b.is_ascii_uppercase() && b != b'"')
        && !cell.as_bytes().first().is_some_and(space)
        && !cell.as_bytes().last().is_some_and(space)
}

/// A header row, with columns looked up by (normalised) name.
#[derive(Debug, Clone)]
pub struct Header {
    names: Vec<String>,
}

impl Header {
    pub fn new(record: &Record) -> Self {
        Header {
            names: record.cells().map(normalize).collect(),
        }
    }

    pub fn from_names<S: AsRef<str>>(names: &[S]) -> Self {
        Header {
            names: names.iter().map(|c| normalize(c.as_ref())).collect(),
        }
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Index of the first column with this name (case-insensitive).
    pub fn index(&self, name: &str) -> Option<usize> {
        // The importers ask by names already in normal form, once per row and
        // field: compare those without allocating a normalised copy.
        if is_normal(name) {
            return self.names.iter().position(|n| n == name);
        }
        let name = normalize(name);
        self.names.iter().position(|n| *n == name)
    }

    pub fn has(&self, name: &str) -> bool {
        self.index(name).is_some()
    }

    /// True when every one of `names` is a column.
    pub fn has_all(&self, names: &[&str]) -> bool {
        names.iter().all(|n| self.has(n))
    }

    /// True when the columns are exactly `names`, in order.
    pub fn is_exactly(&self, names: &[&str]) -> bool {
        self.names.len() == names.len()
            && self
                .names
                .iter()
                .zip(names)
                .all(|(a, b)| *a == normalize(b))
    }

    /// The cell of `record` under column `name`, or `""`.
    pub fn get<'r>(&self, record: &'r Record, name: &str) -> &'r str {
        self.index(name).map(|i| record.get(i)).unwrap_or("")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_is_case_and_quote_insensitive() {
        let rec = Record::new(1, ["\u{feff}Title", " URL "]);
        let h = Header::new(&rec);
        assert_eq!(h.index("title"), Some(0));
        assert_eq!(h.index("url"), Some(1));
        assert!(h.is_exactly(&["title", "url"]));
        assert!(!h.has("password"));
    }

    #[test]
    fn the_fast_path_finds_what_normalising_finds() {
        let rec = Record::new(
            1,
            ["\u{feff}Title", " URL ", "\"Login Name\"", "", "Ünïcode"],
        );
        let h = Header::new(&rec);
        for name in [
            "title",
            "Title",
            "url",
            " url",
            "login name",
            "\"LOGIN NAME\"",
            "",
            " ",
            "ünïcode",
            "ÜNÏCODE",
            "password",
            "tit le",
            "\u{b}title",
            "title\u{c}",
            "\ttitle\r\n",
        ] {
            let slow = normalize(name);
            let expected = h.names().iter().position(|n| *n == slow);
            assert_eq!(h.index(name), expected, "{name:?}");
            if is_normal(name) {
                assert_eq!(slow, name, "{name:?} is not in normal form");
            }
        }
        assert_eq!(h.index("login name"), Some(2));
        assert_eq!(h.index(""), Some(3));
    }
}
