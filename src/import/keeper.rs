//! Keeper CSV (web vault export). It has **no header row**: every row is
//! `Folder,Title,Login,Password,Website Address,Notes,Shared Folder` followed by
//! custom-field `name,value` pairs, so rows have 7, 9, 11, ... cells.
//!
//! - The TOTP is the pair named `TFC:Keeper` (an `otpauth://` URI).
//! - Extra URLs arrive as pairs named `Website Address` (or a label starting
//!   with it); every other pair is a custom field (typed-record fields come
//!   flattened as `a | b | c`).
//! - Subfolders use `\`; the shared folder is the folder when `Folder` is empty.
//! - Keeper has no item type in the CSV: a row with a login, password or URL
//!   is a login, a row with only notes is a note, anything else is other.
//! - A row whose first cells are Keeper's own import header
//!   (`Folder,Title,Login,Password,...`) is skipped as a header.
//!
//! Detection is by shape (every row has 7 + 2n cells) and scores below every
//! header match; it is 0 when the first row looks like a header.

use super::{Format, Header, Parsed, Record, Table, shape, util};
use crate::model::{Capabilities, Entry, EntryKind, Field, FormatInfo, Layout};

pub struct Keeper;

/// The column names of Keeper's import documentation.
const DOC_HEADER: &[&str] = &[
    "folder",
    "title",
    "login",
    "password",
    "website address",
    "notes",
    "shared folder",
];

/// Fixed columns before the name/value pairs.
const FIXED: usize = 7;

/// The pair name holding the TOTP URI.
const TOTP_PAIR: &str = "TFC:Keeper";

/// Score of a shape match: below every header match (90 and up).
const SHAPE_SCORE: u8 = 60;

fn is_doc_header(rec: &Record) -> bool {
    let h = Header::new(rec);
    h.len() >= FIXED
        && h.names()[..FIXED]
            .iter()
            .zip(DOC_HEADER)
            .all(|(a, b)| a == b)
}

fn well_formed(rec: &Record) -> bool {
    rec.len() >= FIXED && (rec.len() - FIXED) % 2 == 0
}

/// The format's facts (one place: every list of formats derives from it).
pub const KEEPER: FormatInfo = FormatInfo {
    id: "keeper",
    name: "Keeper (no header row)",
    signature: "(no header) Folder,Title,Login,Password,Website Address,Notes,Shared Folder[,name,value]...  TOTP in the TFC:Keeper pair",
    layout: Layout::Headerless,
    header_words: &["folder", "title", "login", "password", "website", "notes"],
    capabilities: Capabilities {
        notes: true,
        custom_fields: true,
        totp: true,
        ..Capabilities::NONE
    },
    otp_fields: &["tfc:keeper"],
    ..FormatInfo::BASE
};

impl Format for Keeper {
    fn info(&self) -> &'static FormatInfo {
        &KEEPER
    }
    fn detect(&self, table: &Table) -> u8 {
        let Some(first) = table.first() else { return 0 };
        if is_doc_header(first) {
            return 100;
        }
        if shape::first_row_is_header(table) {
            return 0;
        }
        if table.records.iter().all(well_formed) {
            SHAPE_SCORE
        } else {
            0
        }
    }
    fn import(&self, table: &Table, out: &mut Parsed) {
        let skip_header = table.first().is_some_and(is_doc_header);
        for rec in &table.records[usize::from(skip_header)..] {
            out.rows += 1;
            if !well_formed(rec) {
                out.skip(
                    rec.line,
                    format!(
                        "{} fields: Keeper rows have {FIXED} columns then name,value pairs",
                        rec.len()
                    ),
                );
                continue;
            }
            out.push(entry(rec));
        }
    }
}

fn entry(rec: &Record) -> Entry {
    let mut e = util::login(rec.line, rec.get(1), rec.get(4), rec.get(2), rec.get(3));
    e.notes = rec.get(5).into();
    e.folder = util::non_empty(rec.get(0)).or_else(|| util::non_empty(rec.get(6)));
    let cells: Vec<&str> = rec.cells_from(FIXED).collect();
    for pair in cells.chunks_exact(2) {
        let (name, value) = (pair[0].trim(), pair[1]);
        if name == TOTP_PAIR {
            if e.totp.is_none() {
                e.totp = util::totp(value);
            }
        } else if name.starts_with("Website Address") {
            if let Some(url) = util::non_empty(value)
                && !e.urls.contains(&url)
            {
                e.urls.push(url);
            }
        } else if !value.is_empty() {
            e.fields.push(Field::new(name, value));
        }
    }
    e.kind = if !e.username.is_empty() || e.password.is_some() || !e.urls.is_empty() {
        EntryKind::Login
    } else if !e.notes.expose().trim().is_empty() {
        EntryKind::Note
    } else {
        EntryKind::Other
    };
    e
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::detect;
    use crate::import::testing::{self, by_title, read};

    const SAMPLE: &[u8] = include_bytes!("../../sample-exports/keeper.csv");

    fn run(data: &[u8]) -> Parsed {
        testing::import(&Keeper, data)
    }

    #[test]
    fn auto_detection_picks_keeper() {
        let t = read(SAMPLE);
        assert_eq!(Keeper.detect(&t), SHAPE_SCORE);
        assert_eq!(detect(&t).unwrap().id(), "keeper");
    }

    #[test]
    fn shape_detection_never_claims_a_header_file() {
        for header in [
            "url,username,password,extra,name,grouping,fav\r\nhttps://a.example,ann,pw,,A,,0\r\n",
            "\"Group\",\"Title\",\"Username\",\"Password\",\"URL\",\"Notes\",\"TOTP\",\"Icon\",\"Last Modified\",\"Created\",\"X\"\n",
            "\"url\",\"username\",\"password\",\"httpRealm\",\"formActionOrigin\",\"guid\",\"timeCreated\",\"timeLastUsed\",\"timePasswordChanged\"\r\n",
            "type,name,url,email,username,password,note,totp,createTime,modifyTime,vault\r\n",
            "some,brand,new,title,url,username,password\n",
        ] {
            assert_eq!(Keeper.detect(&read(header.as_bytes())), 0, "{header}");
        }
        let ragged = "\"\",\"a\",\"u\",\"p\",\"\",\"\",\"\"\n\"\",\"b\",\"u\",\"p\",\"\",\"\",\"\",\"lonely\"\n";
        assert_eq!(Keeper.detect(&read(ragged.as_bytes())), 0);
        assert_eq!(Keeper.detect(&read(b"a,b,c\n")), 0);
    }

    #[test]
    fn sample_imports() {
        let out = run(SAMPLE);
        assert!(out.skipped.is_empty(), "{:?}", out.skipped);
        assert_eq!(out.rows, 10);
        assert_eq!(out.entries.iter().filter(|e| e.is_account()).count(), 7);

        let gmail = by_title(&out, "Gmail");
        assert!(gmail.has_totp());
        assert_eq!(gmail.fields.len(), 1);
        assert_eq!(gmail.fields[0].name, "Backup codes");
        assert_eq!(gmail.folder.as_deref(), Some("Email"));

        let bank = by_title(&out, "GTBank");
        assert_eq!(bank.folder.as_deref(), Some("Finance\\Banking"));
        assert_eq!(
            bank.urls,
            vec![
                "https://ibank.gtbank.example",
                "https://gtbank.example/internet-banking"
            ]
        );

        let aws = by_title(&out, "AWS console (team)");
        assert_eq!(
            aws.folder.as_deref(),
            Some("Brightline IT"),
            "shared folder"
        );
        assert_eq!(aws.notes.expose().lines().count(), 2);
        assert_eq!(
            by_title(&out, "Bookshop").password(),
            Some("Read \"more\", sleep less")
        );
        assert_eq!(by_title(&out, "Passport").kind, EntryKind::Note);
        assert_eq!(by_title(&out, "Dr. Eze (GP)").kind, EntryKind::Other);
        let yahoo = by_title(&out, "Yahoo");
        assert_eq!(yahoo.kind, EntryKind::Login);
        assert!(!yahoo.is_account());
    }

    #[test]
    fn doc_header_and_ragged_rows() {
        let data = b"Folder,Title,Login,Password,Website Address,Notes,Shared Folder\n\
Work,Site,me,pw,https://a.example,,\n\
Work,Broken,me,pw,https://b.example,,,orphan\n\
Work\n";
        assert_eq!(Keeper.detect(&read(data)), 100);
        let out = run(data);
        assert_eq!(out.rows, 3);
        assert_eq!(out.entries.len(), 1);
        let lines: Vec<u64> = out.skipped.iter().map(|s| s.line).collect();
        assert_eq!(lines, vec![3, 4]);
    }
}
