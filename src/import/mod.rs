//! Importers: detect an export's format and map its rows into the neutral
//! [`crate::model`]. One module per format; adding a format is one file, one
//! line in [`FORMATS`] and one sample in `sample-exports/`.

pub mod header;
pub mod shape;
pub mod table;
pub mod util;

mod bitwarden;
mod chrome;
mod dashlane;
mod enpass;
mod firefox;
pub mod generic;
mod keepass;
mod keepassxc;
mod keeper;
mod lastpass;
mod nordpass;
mod onepassword;
mod protonpass;
mod roboform;
mod safari;

use std::path::Path;

use crate::error::InputError;
use crate::model::{Capabilities, Entry, Skipped, Source};
pub use header::Header;
pub use table::{Dialect, Record, Table};

/// Helpers for the importers' unit tests.
#[cfg(test)]
pub(crate) mod testing {
    use super::{Format, Parsed, Table, table};
    use crate::model::Entry;

    /// `data` read as CSV with the default dialect.
    pub fn read(data: &[u8]) -> Table {
        table::read(data, Default::default()).unwrap()
    }

    /// `format`'s importer run on `data`.
    pub fn import(format: &dyn Format, data: &[u8]) -> Parsed {
        let mut out = Parsed::default();
        format.import(&read(data), &mut out);
        out
    }

    /// The entry titled `title` (the test fails when there is none).
    pub fn by_title<'a>(out: &'a Parsed, title: &str) -> &'a Entry {
        out.entries.iter().find(|e| e.title == title).unwrap()
    }
}

/// One export format.
pub trait Format: Sync {
    /// Stable id used by `--input-format` and in reports (`bitwarden`).
    fn id(&self) -> &'static str;
    /// Human name (`Bitwarden (individual or organization)`).
    fn name(&self) -> &'static str;
    /// The header (or row shape) that identifies it, shown by `vaultlint formats`.
    fn signature(&self) -> &'static str;
    fn dialect(&self) -> Dialect {
        Dialect::default()
    }
    fn capabilities(&self) -> Capabilities;
    /// How sure we are that `table` is this format: 0 = no, 100 = exact header.
    fn detect(&self, table: &Table) -> u8;
    /// Maps the table's rows into entries, counting what it skips.
    fn import(&self, table: &Table, out: &mut Parsed);
}

/// What an importer produced from one file.
#[derive(Debug, Default)]
pub struct Parsed {
    pub entries: Vec<Entry>,
    /// Data rows read (header excluded).
    pub rows: usize,
    pub skipped: Vec<Skipped>,
    pub warnings: Vec<String>,
}

impl Parsed {
    pub fn skip(&mut self, line: u64, reason: impl Into<String>) {
        self.skipped.push(Skipped {
            line,
            reason: reason.into(),
        });
    }

    pub fn warn(&mut self, message: impl Into<String>) {
        self.warnings.push(message.into());
    }
}

/// Every supported format, in detection-priority order.
pub static FORMATS: &[&dyn Format] = &[
    &bitwarden::Bitwarden,
    &onepassword::OnePassword,
    &lastpass::LastPass,
    &lastpass::LastPassCli,
    &keepassxc::KeePassXc,
    &keepass::KeePass,
    &chrome::Chrome,
    &firefox::Firefox,
    &safari::Safari,
    &dashlane::Dashlane,
    &dashlane::DashlaneNotes,
    &protonpass::ProtonPass,
    &nordpass::NordPass,
    &keeper::Keeper,
    &enpass::Enpass,
    &roboform::RoboForm,
];

/// Looks a format up by id (also accepts a few aliases such as `edge`).
pub fn format_by_id(id: &str) -> Option<&'static dyn Format> {
    let id = id.trim().to_ascii_lowercase();
    let id = match id.as_str() {
        "edge" | "brave" | "chromium" | "opera" | "vivaldi" => "chrome",
        "apple" | "apple-passwords" | "icloud" => "safari",
        "1password8" | "onepassword" => "1password",
        "proton" => "protonpass",
        "lpass" => "lastpass-cli",
        other => other,
    };
    FORMATS.iter().copied().find(|f| f.id() == id)
}

/// How the format of a file is chosen.
#[derive(Debug, Clone, Default)]
pub enum FormatChoice {
    #[default]
    Auto,
    Named(String),
    /// `--columns title=Site,password=Pass,...`
    Columns(generic::ColumnMap),
}

/// Picks the format whose detector is most sure; ties go to the earlier one.
pub fn detect(table: &Table) -> Option<&'static dyn Format> {
    let mut best: Option<(&'static dyn Format, u8)> = None;
    for f in FORMATS.iter().copied() {
        let score = f.detect(table);
        if score > 0 && best.is_none_or(|(_, s)| score > s) {
            best = Some((f, score));
        }
    }
    best.map(|(f, _)| f)
}

/// Reads and imports one export file. `member` names whose export it is.
pub fn load_file(
    path: &Path,
    member: &str,
    choice: &FormatChoice,
) -> Result<(Source, Vec<Entry>), InputError> {
    let display = path.display().to_string();
    let data = zeroize::Zeroizing::new(std::fs::read(path).map_err(|e| InputError::Io {
        path: display.clone(),
        message: e.to_string(),
    })?);
    load_bytes(&data, &display, member, choice)
}

/// Imports an export already in memory (`path` is used in messages only).
pub fn load_bytes(
    data: &[u8],
    path: &str,
    member: &str,
    choice: &FormatChoice,
) -> Result<(Source, Vec<Entry>), InputError> {
    let malformed = |e: table::ReadError| InputError::Malformed {
        path: path.to_owned(),
        line: e.line,
        message: e.message,
    };
    let table = table::read(data, Dialect::default()).map_err(malformed)?;
    if table.records.is_empty() {
        return Err(InputError::Empty {
            path: path.to_owned(),
        });
    }
    let (format, table): (&dyn Format, Table) = match choice {
        FormatChoice::Columns(map) => {
            let generic = generic::Generic::new(map.clone());
            let mut parsed = Parsed::default();
            generic
                .validate(&table)
                .map_err(|message| InputError::Malformed {
                    path: path.to_owned(),
                    line: 1,
                    message,
                })?;
            generic.import(&table, &mut parsed);
            return Ok(finish(path, member, &generic, table, parsed));
        }
        FormatChoice::Named(name) => {
            let f = format_by_id(name)
                .ok_or_else(|| InputError::UnknownFormatName { name: name.clone() })?;
            (f, table)
        }
        FormatChoice::Auto => {
            let f = detect(&table).ok_or_else(|| InputError::Unrecognised {
                path: path.to_owned(),
                columns: table.records[0].len(),
            })?;
            (f, table)
        }
    };
    let table = if format.dialect() == Dialect::default() {
        table
    } else {
        table::read(data, format.dialect()).map_err(malformed)?
    };
    let mut parsed = Parsed::default();
    format.import(&table, &mut parsed);
    Ok(finish(path, member, format, table, parsed))
}

fn finish(
    path: &str,
    member: &str,
    format: &dyn Format,
    table: Table,
    mut parsed: Parsed,
) -> (Source, Vec<Entry>) {
    let mut warnings = table.warnings;
    warnings.append(&mut parsed.warnings);
    let deleted = parsed.entries.iter().filter(|e| e.deleted).count();
    let source = Source {
        path: path.to_owned(),
        member: member.to_owned(),
        format: format.id(),
        capabilities: format.capabilities(),
        rows: parsed.rows,
        skipped: parsed.skipped,
        deleted,
        warnings,
    };
    (source, parsed.entries)
}

/// Records after the header row, for formats that have one.
pub fn data_rows(table: &Table) -> &[Record] {
    table.records.get(1..).unwrap_or(&[])
}

/// Header of a table (its first record).
pub fn header_of(table: &Table) -> Option<Header> {
    table.first().map(Header::new)
}

/// Detection score for formats known by their header: 100 for exactly
/// `names`, 90 when all `names` are present (extra columns), else 0.
pub fn score_header(table: &Table, names: &[&str]) -> u8 {
    match header_of(table) {
        Some(h) if h.is_exactly(names) => 100,
        Some(h) if h.has_all(names) => 90,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every sample of `sample-exports/` whose format is listed here, with
    /// the format auto-detection must pick and the accounts it holds
    /// (counted by hand from the file).
    const SAMPLES: &[(&str, &[u8], &str, usize)] = &[
        (
            "chrome.csv",
            include_bytes!("../../sample-exports/chrome.csv"),
            "chrome",
            10,
        ),
        (
            "chrome-legacy.csv",
            include_bytes!("../../sample-exports/chrome-legacy.csv"),
            "chrome",
            7,
        ),
        (
            "firefox.csv",
            include_bytes!("../../sample-exports/firefox.csv"),
            "firefox",
            8,
        ),
        (
            "safari.csv",
            include_bytes!("../../sample-exports/safari.csv"),
            "safari",
            8,
        ),
        (
            "keepassxc.csv",
            include_bytes!("../../sample-exports/keepassxc.csv"),
            "keepassxc",
            7,
        ),
        (
            "keepass.csv",
            include_bytes!("../../sample-exports/keepass.csv"),
            "keepass",
            9,
        ),
        (
            "dashlane-credentials.csv",
            include_bytes!("../../sample-exports/dashlane-credentials.csv"),
            "dashlane",
            8,
        ),
        (
            "dashlane-securenotes.csv",
            include_bytes!("../../sample-exports/dashlane-securenotes.csv"),
            "dashlane-notes",
            0,
        ),
        (
            "bitwarden.csv",
            include_bytes!("../../sample-exports/bitwarden.csv"),
            "bitwarden",
            7,
        ),
        (
            "bitwarden-org.csv",
            include_bytes!("../../sample-exports/bitwarden-org.csv"),
            "bitwarden",
            6,
        ),
        (
            "bitwarden-legacy.csv",
            include_bytes!("../../sample-exports/bitwarden-legacy.csv"),
            "bitwarden",
            6,
        ),
        (
            "1password.csv",
            include_bytes!("../../sample-exports/1password.csv"),
            "1password",
            8,
        ),
    ];

    #[test]
    fn every_sample_is_detected_unambiguously() {
        for (name, data, expected, _) in SAMPLES {
            let table = table::read(data, Dialect::default()).unwrap();
            let winner = detect(&table).map(|f| f.id());
            assert_eq!(winner, Some(*expected), "{name}");
            let best = FORMATS
                .iter()
                .find(|f| f.id() == *expected)
                .unwrap()
                .detect(&table);
            for f in FORMATS.iter().filter(|f| f.id() != *expected) {
                assert!(
                    f.detect(&table) < best,
                    "{name}: {} scores as high as {expected}",
                    f.id()
                );
            }
        }
    }

    #[test]
    fn every_sample_imports_with_its_account_count() {
        for (name, data, expected, accounts) in SAMPLES {
            let (source, entries) = load_bytes(data, name, "m", &FormatChoice::Auto).unwrap();
            assert_eq!(source.format, *expected, "{name}");
            assert!(source.skipped.is_empty(), "{name}: {:?}", source.skipped);
            let n = entries.iter().filter(|e| e.is_account()).count();
            assert_eq!(n, *accounts, "{name}");
        }
    }

    #[test]
    fn every_format_has_a_signature() {
        for f in FORMATS.iter().filter(|f| {
            matches!(
                f.id(),
                "chrome"
                    | "firefox"
                    | "safari"
                    | "keepassxc"
                    | "keepass"
                    | "dashlane"
                    | "dashlane-notes"
            )
        }) {
            assert!(!f.signature().is_empty(), "{}", f.id());
        }
    }
}
