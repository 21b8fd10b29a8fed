//! Importers: detect an export's format and map its rows into the neutral
//! [`crate::model`]. One module per format; adding a format is one file, one
//! line in [`FORMATS`] and one sample in `sample-exports/`.

pub mod csv_reader;
pub mod decode;
pub mod header;
pub mod shape;
pub mod util;

mod archive;
pub mod bitwarden_json;
mod cxf;
mod dashlane_json;
mod enpass_json;
mod json;
pub mod kdbx;
mod onepux;
pub mod openpgp;
pub mod protonpass_export;
pub mod unlock;

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
use crate::model::{Capabilities, Entry, EntryKind, FormatInfo, Skipped, Source};
pub use csv_reader::{Dialect, Record, Table};
pub use header::Header;

/// Helpers for the importers' unit tests.
#[cfg(test)]
pub(crate) mod testing {
    use super::{Format, Parsed, Table, csv_reader};
    use crate::model::Entry;

    /// `data` read as CSV with the default dialect.
    pub fn read(data: &[u8]) -> Table {
        csv_reader::read(data, Default::default()).unwrap()
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

/// One export format read as a table (CSV). Its facts are one
/// [`FormatInfo`] const beside its importer; the rest is behaviour.
pub trait Format: Sync {
    /// The format's facts: id, name, signature, layout, what it carries.
    fn info(&self) -> &'static FormatInfo;
    /// Stable id used by `--input-format` and in reports (`bitwarden`).
    fn id(&self) -> &'static str {
        self.info().id
    }
    /// Human name (`Bitwarden (individual or organization)`).
    fn name(&self) -> &'static str {
        self.info().name
    }
    /// The header (or row shape) that identifies it, shown by `vaultlint formats`.
    fn signature(&self) -> &'static str {
        self.info().signature
    }
    fn dialect(&self) -> Dialect {
        Dialect::default()
    }
    /// What its export carries (the generic reader's depends on its columns).
    fn capabilities(&self) -> Capabilities {
        self.info().capabilities
    }
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
    /// Rows that define a folder (no item): counted, not imported.
    pub folders: usize,
    /// Custom fields not kept because an item had more than [`MAX_FIELDS`],
    /// with the line of each such item.
    pub fields_dropped: (usize, Vec<u64>),
}

/// Most custom fields kept per item. Real items hold a handful; an item with
/// thousands (a hostile or damaged row) would cost memory out of proportion
/// to its bytes.
pub const MAX_FIELDS: usize = 256;

impl Parsed {
    /// Keeps `entry`, with at most [`MAX_FIELDS`] custom fields (the others
    /// are counted and reported).
    pub fn push(&mut self, mut entry: Entry) {
        if entry.fields.len() > MAX_FIELDS {
            self.fields_dropped.0 += entry.fields.len() - MAX_FIELDS;
            self.fields_dropped.1.push(entry.row);
            entry.fields.truncate(MAX_FIELDS);
            entry.fields.shrink_to_fit();
        }
        self.entries.push(entry);
    }

    pub fn skip(&mut self, line: u64, reason: impl Into<String>) {
        self.skipped.push(Skipped {
            line,
            reason: reason.into(),
        });
    }

    pub fn warn(&mut self, message: impl Into<String>) {
        self.warnings.push(message.into());
    }

    /// Entries not audited as accounts and counted in the source: those in
    /// a trash, and logins (not deleted) without a password.
    fn uncounted(&self) -> (usize, usize) {
        let deleted = self.entries.iter().filter(|e| e.deleted).count();
        let no_password = self
            .entries
            .iter()
            .filter(|e| !e.deleted && e.kind == EntryKind::Login && e.password().is_none())
            .count();
        (deleted, no_password)
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

/// Looks a table format up by id or alias (`edge` for `chrome`).
pub fn format_by_id(id: &str) -> Option<&'static dyn Format> {
    FORMATS.iter().copied().find(|f| f.info().is_named(id))
}

/// Formats read from their structure rather than as a table (databases,
/// JSON, archives), detected from their content.
pub static STRUCTURED: &[&FormatInfo] = &[
    &kdbx::KDBX,
    &bitwarden_json::FORMAT,
    &onepux::FORMAT,
    &protonpass_export::FORMAT,
    &cxf::FORMAT,
    &enpass_json::FORMAT,
    &dashlane_json::FORMAT,
];

/// The facts of every format: the table formats in detection order, then
/// the structured ones. Lists about formats derive from it.
pub fn all_formats() -> impl Iterator<Item = &'static FormatInfo> {
    FORMATS
        .iter()
        .map(|f| f.info())
        .chain(STRUCTURED.iter().copied())
}

/// The custom-field names some supported manager uses for a one-time-code
/// secret (normalised, see [`crate::model::normalize_field_name`]).
pub fn otp_field_names() -> impl Iterator<Item = &'static str> {
    all_formats().flat_map(|f| f.otp_fields.iter().copied())
}

/// File stems of the exports made of several fixed-name files (Dashlane's).
pub fn multi_file_stems() -> impl Iterator<Item = &'static str> {
    all_formats().flat_map(|f| f.file_stems.iter().copied())
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

/// How the bytes of an export are read.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// The file's encoding (`--encoding`); detected when `None`.
    pub encoding: Option<&'static encoding_rs::Encoding>,
    /// Where passwords and key files for encrypted exports come from.
    pub unlock: unlock::UnlockSettings,
}

/// The path that means standard input.
pub const STDIN: &str = "-";

/// Reads all of standard input into a zeroizing buffer.
fn read_stdin() -> Result<zeroize::Zeroizing<Vec<u8>>, InputError> {
    use std::io::Read as _;
    let mut data = zeroize::Zeroizing::new(Vec::new());
    std::io::stdin()
        .lock()
        .read_to_end(&mut data)
        .map_err(|e| InputError::Io {
            path: "standard input".into(),
            message: e.to_string(),
        })?;
    Ok(data)
}

/// The structured format `data` is in, by content or by name; `None` for
/// text read as a table.
fn structured_format(data: &[u8], choice: &FormatChoice) -> Option<&'static FormatInfo> {
    match choice {
        FormatChoice::Named(name) => structured_by_id(name),
        FormatChoice::Auto if kdbx::is_kdbx(data) => Some(&kdbx::KDBX),
        FormatChoice::Auto if protonpass_export::is_pgp(data) => Some(&protonpass_export::FORMAT),
        FormatChoice::Auto if archive::is_zip(data) => {
            let names = archive::names(data)?;
            if onepux::is_1pux(&names) {
                Some(&onepux::FORMAT)
            } else {
                protonpass_export::is_proton_zip(&names).then_some(&protonpass_export::FORMAT)
            }
        }
        FormatChoice::Auto => match json::kind(data)? {
            json::Kind::Bitwarden => Some(&bitwarden_json::FORMAT),
            json::Kind::OnePasswordData => Some(&onepux::FORMAT),
            json::Kind::ProtonPass => Some(&protonpass_export::FORMAT),
            json::Kind::Cxf => Some(&cxf::FORMAT),
            json::Kind::Enpass => Some(&enpass_json::FORMAT),
            json::Kind::Dashlane => Some(&dashlane_json::FORMAT),
        },
        _ => None,
    }
}

/// Looks a structured format up by id or alias.
pub fn structured_by_id(name: &str) -> Option<&'static FormatInfo> {
    STRUCTURED.iter().copied().find(|f| f.is_named(name))
}

/// Imports a structured export (`format` from [`structured_format`]).
fn load_structured(
    format: &'static FormatInfo,
    data: &[u8],
    path: &str,
    member: &str,
    options: &ReadOptions,
) -> Result<(Source, Vec<Entry>), InputError> {
    let mut parsed = match format.id {
        "kdbx" => kdbx::import(data, path, member, &options.unlock)?,
        bitwarden_json::ID => bitwarden_json::import(data, path, member, &options.unlock)?,
        onepux::ID => onepux::import(data, path)?,
        protonpass_export::ID => protonpass_export::import(data, path, member, &options.unlock)?,
        cxf::ID => cxf::import(data, path)?,
        enpass_json::ID => enpass_json::import(data, path)?,
        dashlane_json::ID => dashlane_json::import(data, path)?,
        other => unreachable!("structured format {other}"),
    };
    let (dropped, lines) = &parsed.fields_dropped;
    if *dropped > 0 {
        parsed.warnings.push(format!(
            "{dropped} custom field(s) beyond {MAX_FIELDS} per item were not kept ({} item(s))",
            lines.len()
        ));
    }
    let (deleted, no_password) = parsed.uncounted();
    let source = Source {
        path: path.to_owned(),
        member: member.to_owned(),
        format: format.id,
        format_name: format.name,
        capabilities: format.capabilities,
        drops_custom_fields: format.drops_custom_fields,
        rows: parsed.rows,
        skipped: parsed.skipped,
        deleted,
        no_password,
        folders: parsed.folders,
        encoding: "UTF-8",
        warnings: parsed.warnings,
    };
    Ok((source, parsed.entries))
}

/// Reads and imports one export file. `member` names whose export it is.
pub fn load_file(
    path: &Path,
    member: &str,
    choice: &FormatChoice,
) -> Result<(Source, Vec<Entry>), InputError> {
    load_file_with(path, member, choice, &ReadOptions::default())
}

/// [`load_file`] with read options.
pub fn load_file_with(
    path: &Path,
    member: &str,
    choice: &FormatChoice,
    options: &ReadOptions,
) -> Result<(Source, Vec<Entry>), InputError> {
    let display = path.display().to_string();
    let data = if path.as_os_str() == STDIN {
        read_stdin()?
    } else {
        zeroize::Zeroizing::new(std::fs::read(path).map_err(|e| InputError::Io {
            path: display.clone(),
            message: e.to_string(),
        })?)
    };
    let display = if path.as_os_str() == STDIN {
        "standard input".to_owned()
    } else {
        display
    };
    if let Some(format) = structured_format(&data, choice) {
        return load_structured(format, &data, &display, member, options);
    }
    let decoded = decode_bytes(&data, &display, options)?;
    // The raw bytes are not needed once decoded: wipe and free them first.
    drop(data);
    load_decoded(decoded, &display, member, choice)
}

/// Imports an export already in memory (`path` is used in messages only).
pub fn load_bytes(
    data: &[u8],
    path: &str,
    member: &str,
    choice: &FormatChoice,
) -> Result<(Source, Vec<Entry>), InputError> {
    load_bytes_with(data, path, member, choice, &ReadOptions::default())
}

/// [`load_bytes`] with read options.
pub fn load_bytes_with(
    data: &[u8],
    path: &str,
    member: &str,
    choice: &FormatChoice,
    options: &ReadOptions,
) -> Result<(Source, Vec<Entry>), InputError> {
    if let Some(format) = structured_format(data, choice) {
        return load_structured(format, data, path, member, options);
    }
    let decoded = decode_bytes(data, path, options)?;
    load_decoded(decoded, path, member, choice)
}

/// Checks that `data` may be CSV and decodes it.
fn decode_bytes(
    data: &[u8],
    path: &str,
    options: &ReadOptions,
) -> Result<decode::Decoded, InputError> {
    if let Some(what) = decode::not_csv(data) {
        return Err(InputError::NotCsv {
            path: path.to_owned(),
            what,
        });
    }
    Ok(decode::decode(data, options.encoding))
}

/// Reads decoded text as CSV and imports it. The text is dropped (wiped) as
/// soon as the table is read.
fn load_decoded(
    decoded: decode::Decoded,
    path: &str,
    member: &str,
    choice: &FormatChoice,
) -> Result<(Source, Vec<Entry>), InputError> {
    let malformed = |e: csv_reader::ReadError| InputError::Malformed {
        path: path.to_owned(),
        line: e.line,
        message: e.message,
    };
    let read = |dialect| csv_reader::read_text(&decoded.text, &decoded.lossy, dialect);
    let mut table = read(Dialect::default()).map_err(malformed)?;
    if table.records.is_empty() {
        return Err(InputError::Empty {
            path: path.to_owned(),
        });
    }
    let read_as = Read {
        path,
        member,
        note: decoded.note.clone(),
        encoding: decoded.encoding,
        guessed: decoded.guessed,
    };
    if let FormatChoice::Columns(map) = choice {
        drop(decoded);
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
        return read_as.finish(&generic, table, parsed);
    }
    let format: &dyn Format = match choice {
        FormatChoice::Named(name) => format_by_id(name)
            .ok_or_else(|| InputError::UnknownFormatName { name: name.clone() })?,
        _ => detect(&table).ok_or_else(|| InputError::Unrecognised {
            path: path.to_owned(),
            columns: table.records[0].len(),
        })?,
    };
    if format.dialect() != Dialect::default() {
        table = read(format.dialect()).map_err(malformed)?;
    }
    drop(decoded);
    let mut parsed = Parsed::default();
    format.import(&table, &mut parsed);
    read_as.finish(format, table, parsed)
}

/// One file being read.
struct Read<'a> {
    path: &'a str,
    member: &'a str,
    /// The decoder's note (the encoding detected), if any.
    note: Option<String>,
    encoding: &'static encoding_rs::Encoding,
    /// The encoding was guessed (see [`decode::Decoded::guessed`]).
    guessed: bool,
}

impl Read<'_> {
    /// Gathers what the reader and the importer found into the file's
    /// [`Source`]: rows the reader could not read count as rows skipped,
    /// passwords from undecodable bytes are marked inexact, and a file none
    /// of whose data rows could be imported is an input error.
    fn finish(
        &self,
        format: &dyn Format,
        table: Table,
        mut parsed: Parsed,
    ) -> Result<(Source, Vec<Entry>), InputError> {
        let Table {
            records: _,
            warnings: table_warnings,
            skipped: table_skipped,
            lossy_lines,
        } = table;
        let mut warnings: Vec<String> = self.note.iter().cloned().collect();
        warnings.extend(table_warnings);
        warnings.append(&mut parsed.warnings);
        let (dropped, lines) = &parsed.fields_dropped;
        if *dropped > 0 {
            let shown: Vec<String> = lines.iter().take(5).map(u64::to_string).collect();
            let more = if lines.len() > 5 { ", ..." } else { "" };
            warnings.push(format!(
                "{dropped} custom field(s) beyond {MAX_FIELDS} per item were not kept ({} item(s), line {}{more})",
                lines.len(),
                shown.join(", ")
            ));
        }
        parsed.rows += table_skipped.len();
        let mut skipped = table_skipped;
        skipped.append(&mut parsed.skipped);
        skipped.sort_by_key(|s| s.line);
        if parsed.rows > 0 && skipped.len() == parsed.rows {
            let first = &skipped[0];
            return Err(InputError::NothingImported {
                path: self.path.to_owned(),
                rows: parsed.rows,
                line: first.line,
                reason: first.reason.clone(),
            });
        }
        if !lossy_lines.is_empty() {
            mark_inexact(&mut parsed.entries, &lossy_lines, self.encoding);
        }
        if self.guessed {
            mark_guessed(&mut parsed.entries, self.encoding);
        }
        let (deleted, no_password) = parsed.uncounted();
        let source = Source {
            path: self.path.to_owned(),
            member: self.member.to_owned(),
            format: format.id(),
            format_name: format.name(),
            capabilities: format.capabilities(),
            drops_custom_fields: format.info().drops_custom_fields,
            rows: parsed.rows,
            skipped,
            deleted,
            no_password,
            folders: parsed.folders,
            encoding: self.encoding.name(),
            warnings,
        };
        Ok((source, parsed.entries))
    }
}

/// Marks the entries whose password holds a character that replaced
/// undecodable bytes: the password is not known exactly, so checks that need
/// it exactly (breach lookups) must say unknown. The rule is the same for
/// every format: the file had undecodable bytes (`lossy_lines`, the lines of
/// their records) and the password holds U+FFFD.
fn mark_inexact(
    entries: &mut [Entry],
    lossy_lines: &[u64],
    encoding: &'static encoding_rs::Encoding,
) {
    for e in entries {
        if e.password().is_some_and(|p| p.contains('\u{FFFD}')) {
            let on_row = if lossy_lines.contains(&e.row) {
                format!("line {}", e.row)
            } else {
                format!("the record starting at line {}", e.row)
            };
            e.set_password_inexact(Some(format!(
                "{on_row} holds bytes that are not valid {}: the password was read with a replacement character (U+FFFD), so it is not exactly known",
                encoding.name()
            )));
        }
    }
}

/// Marks the entries whose password holds a non-ASCII character when the
/// file's encoding was guessed: one file can even mix encodings (a Latin-1
/// password beside a Cyrillic windows-1251 one), and a wrongly decoded
/// password would be looked up as another password and read as "not found".
/// Naming the encoding with `--encoding` makes them exact.
fn mark_guessed(entries: &mut [Entry], encoding: &'static encoding_rs::Encoding) {
    for e in entries
        .iter_mut()
        .filter(|e| e.password_inexact().is_none())
    {
        if e.password().is_some_and(|p| !p.is_ascii()) {
            e.set_password_inexact(Some(format!(
                "the file is not UTF-8 and its encoding was guessed ({}): a password with non-ASCII characters may have been decoded wrong, so it is not exactly known; re-export as UTF-8 or name the encoding with --encoding",
                encoding.name()
            )));
        }
    }
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
            let table = csv_reader::read(data, Dialect::default()).unwrap();
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

    /// `rows = accounts + logins without password + other items + folders
    /// + deleted + skipped`, computed as the JSON report does.
    fn rows_add_up(source: &Source, entries: &[Entry]) -> Result<(), String> {
        let accounts = entries.iter().filter(|e| e.is_account()).count();
        let other = entries
            .iter()
            .filter(|e| !e.deleted && e.kind != EntryKind::Login)
            .count();
        let sum = accounts
            + source.no_password
            + other
            + source.folders
            + source.deleted
            + source.skipped.len();
        if sum == source.rows {
            Ok(())
        } else {
            Err(format!(
                "{}: rows {} != {accounts} accounts + {} without password + {other} other + {} folders + {} deleted + {} skipped",
                source.path,
                source.rows,
                source.no_password,
                source.folders,
                source.deleted,
                source.skipped.len()
            ))
        }
    }

    #[test]
    fn every_sample_accounts_for_every_row() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-exports");
        let mut files: Vec<std::path::PathBuf> = Vec::new();
        for dir in [root.clone(), root.join("family")] {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.extension().is_some_and(|x| x == "csv") {
                    files.push(path);
                }
            }
        }
        assert!(files.len() >= 20, "{files:?}");
        let mut errors = Vec::new();
        for path in &files {
            let (source, entries) = load_file(path, "m", &FormatChoice::Auto).unwrap();
            assert!(source.rows > 0, "{}", path.display());
            if let Err(e) = rows_add_up(&source, &entries) {
                errors.push(e);
            }
        }
        assert!(errors.is_empty(), "{errors:#?}");
    }

    #[test]
    fn rows_add_up_with_skips_folders_and_logins_without_password() {
        let data = b"url,username,password,totp,extra,name,grouping,fav\n\
http://group,,,,,F,F,0\n\
https://a.example,ann,,,,No password,,0\n\
http://sn,,,,body,Note,,0\n\
https://b.example,bob,pw,,,B,,0\n\
https://c.example,cy,\"pw-c,,,C,,0\n\
https://d.example,dee,pw-d,,,D,,0\n";
        let (source, entries) = load_bytes(data, "lp.csv", "m", &FormatChoice::Auto).unwrap();
        assert_eq!(source.rows, 6);
        assert_eq!(
            (source.folders, source.no_password, source.skipped.len()),
            (1, 1, 1)
        );
        rows_add_up(&source, &entries).unwrap();
    }

    #[test]
    fn undecodable_password_bytes_make_the_password_inexact() {
        // UTF-8 (the title has an accent) with one stray byte in a password.
        let mut data = "name,url,username,password\nCafé,https://a.example,ann,ok-pw\nB,https://b.example,bob,zq"
            .as_bytes()
            .to_vec();
        data.extend_from_slice(b"\xffzq\n");
        let (source, entries) = load_bytes(
            &data,
            "x.csv",
            "m",
            &FormatChoice::Columns(
                generic::ColumnMap::parse("title=name,url=url,username=username,password=password")
                    .unwrap(),
            ),
        )
        .unwrap();
        assert_eq!(source.encoding, "UTF-8");
        let b = entries.iter().find(|e| e.title == "B").unwrap();
        let reason = b.password_inexact().expect("inexact");
        assert!(reason.contains("line 3"), "{reason}");
        assert!(
            !reason.contains("zq"),
            "the reason never quotes the password"
        );
        let cafe = entries.iter().find(|e| e.title == "Café").unwrap();
        assert_eq!(cafe.password_inexact(), None);
    }

    #[test]
    fn guessed_encoding_makes_non_ascii_passwords_inexact_until_named() {
        // Latin-1 and windows-1251 in one file (as in a real damaged
        // export): whatever single encoding is guessed, one of the two
        // passwords is decoded wrong, so neither may be looked up as exact.
        let data = b"folder,favorite,type,name,notes,fields,reprompt,login_uri,login_username,login_password,login_totp\r\n\
,,login,S0,,,0,https://s0.example,u0,contrase\xf1a,\r\n\
,,login,Caf\xe9,,,0,https://s1.example,u1,passw\xf6rd1,\r\n\
,,login,S2,,,0,https://s2.example,u2,\xcf\xf0\xe8\xe2\xe5\xf2123,\r\n\
,,login,S3,,,0,https://s3.example,u3,plain-ascii-1,\r\n";
        let (source, entries) = load_bytes(data, "l1.csv", "m", &FormatChoice::Auto).unwrap();
        assert_eq!(source.encoding, "windows-1252");
        let decoded: Vec<_> = source
            .warnings
            .iter()
            .filter(|w| w.contains("decoded as windows-1252"))
            .collect();
        assert_eq!(decoded.len(), 1, "{:?}", source.warnings);
        assert_eq!(entries[0].password(), Some("contraseña"));
        assert_eq!(entries[1].title, "Café");
        for e in &entries[..3] {
            let why = e.password_inexact().expect("guessed: inexact");
            assert!(why.contains("--encoding"), "{why}");
        }
        assert_eq!(entries[3].password_inexact(), None, "ASCII is exact");
        // Naming the encoding makes the passwords exact (the user vouches
        // for it); naming UTF-8 makes the invalid bytes inexact instead.
        let named = |enc| {
            let options = ReadOptions {
                encoding: Some(enc),
                ..Default::default()
            };
            load_bytes_with(data, "l1.csv", "m", &FormatChoice::Auto, &options)
                .unwrap()
                .1
        };
        let entries = named(encoding_rs::WINDOWS_1251);
        assert_eq!(entries[2].password(), Some("Привет123"));
        assert!(entries.iter().all(|e| e.password_inexact().is_none()));
        let entries = named(encoding_rs::UTF_8);
        assert!(entries[0].password_inexact().is_some());
        assert_eq!(entries[3].password_inexact(), None);
    }

    #[test]
    fn files_that_are_not_csv_say_what_they_are() {
        // A Bitwarden JSON export is read (structured); other JSON is named.
        let (source, _) = load_bytes(
            br#"{"encrypted":false,"items":[]}"#,
            "b.json",
            "m",
            &FormatChoice::Auto,
        )
        .unwrap();
        assert_eq!(source.format, "bitwarden-json");
        let err =
            load_bytes(br#"{"some": "json"}"#, "b.json", "m", &FormatChoice::Auto).unwrap_err();
        assert!(err.to_string().contains("JSON"), "{err}");
        let err = load_bytes(
            b"PK\x03\x04\x14\0xl/workbook.xml",
            "e.xlsx",
            "m",
            &FormatChoice::Auto,
        )
        .unwrap_err();
        assert!(err.to_string().contains("XLSX"), "{err}");
    }

    #[test]
    fn a_file_whose_rows_all_fail_is_an_input_error() {
        let map = generic::ColumnMap::parse("title=Site,password=Pass,url=Memo").unwrap();
        let data = b"Site,Pass,Memo\nBank,pw\nMail,pw2\n";
        let err = load_bytes(data, "o.csv", "m", &FormatChoice::Columns(map)).unwrap_err();
        assert!(
            matches!(
                err,
                InputError::NothingImported {
                    rows: 2,
                    line: 2,
                    ..
                }
            ),
            "{err}"
        );
        // A file of notes only has no account, and that is fine.
        let notes = include_bytes!("../../sample-exports/dashlane-securenotes.csv");
        let (source, entries) = load_bytes(notes, "n.csv", "m", &FormatChoice::Auto).unwrap();
        assert!(source.rows > 0 && !entries.is_empty());
        assert!(entries.iter().all(|e| !e.is_account()));
    }

    #[test]
    fn items_keep_a_bounded_number_of_custom_fields() {
        // Keeper: 7 fixed columns, then name,value pairs.
        let mut row = String::from("Folder,Site,user,pw,https://a.example,notes,");
        for k in 0..300 {
            row.push_str(&format!(",f{k},v{k}"));
        }
        row.push('\n');
        let (source, entries) = load_bytes(
            row.as_bytes(),
            "k.csv",
            "m",
            &FormatChoice::Named("keeper".into()),
        )
        .unwrap();
        assert_eq!(entries[0].fields.len(), MAX_FIELDS);
        assert_eq!(entries[0].password(), Some("pw"));
        assert!(
            source
                .warnings
                .iter()
                .any(|w| w.starts_with("44 custom field(s) beyond 256") && w.contains("line 1")),
            "{:?}",
            source.warnings
        );
    }

    #[test]
    fn every_format_declares_its_facts() {
        let mut ids: Vec<&str> = all_formats().map(|f| f.id).collect();
        assert_eq!(ids.len(), FORMATS.len() + STRUCTURED.len());
        for f in all_formats() {
            assert!(!f.name.is_empty() && !f.signature.is_empty(), "{}", f.id);
            assert_eq!(
                f.layout == crate::model::Layout::Structured,
                STRUCTURED.iter().any(|s| s.id == f.id),
                "{}: structured formats are listed in STRUCTURED, the others in FORMATS",
                f.id
            );
            if f.layout == crate::model::Layout::HeaderRow {
                assert!(!f.header_words.is_empty(), "{}: header words", f.id);
            }
            for w in f.header_words.iter().chain(f.otp_fields) {
                assert_eq!(*w, w.to_lowercase(), "{}: {w} is not normalised", f.id);
            }
        }
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(
            ids.len(),
            FORMATS.len() + STRUCTURED.len(),
            "ids are unique"
        );
        for (alias, id) in [
            ("edge", "chrome"),
            ("LPASS", "lastpass-cli"),
            ("proton", "protonpass"),
        ] {
            assert_eq!(format_by_id(alias).map(|f| f.id()), Some(id));
        }
        assert_eq!(
            structured_by_id("keepassxc-kdbx").map(|f| f.id),
            Some("kdbx")
        );
    }
}
