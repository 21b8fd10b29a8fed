//! Dashlane CSV export: a ZIP of CSV files, two of which are read here.
//!
//! - `credentials.csv` ([`Dashlane`]):
//!   `username,username2,username3,title,password,note,url,category,otpSecret`
//!   (newer exports: `otpUrl` instead of `otpSecret`). `otpSecret` is a bare
//!   base32 secret, `otpUrl` an `otpauth://` URI; both become the TOTP.
//!   `category` is the folder. `username2` / `username3` (alternative logins)
//!   are kept as custom fields of those names when not empty.
//! - `securenotes.csv` ([`DashlaneNotes`]): `title,note`. Every row is a
//!   secure note ([`EntryKind::Note`], never an account); the recovery check
//!   reads them for backup codes.
//!
//! Rows end in CRLF, cells are quoted only when needed (LF inside quotes),
//! no trailing newline. Attachments are not exported; payments, IDs and
//! personal info live in other files of the ZIP and are not read.

use super::{Format, Parsed, Table, header_of, util};
use crate::model::{Capabilities, Entry, EntryKind, Field, FormatInfo};

pub struct Dashlane;

const CREDENTIALS: &[&str] = &[
    "username",
    "username2",
    "username3",
    "title",
    "password",
    "note",
    "url",
    "category",
];
/// The TOTP column: `otpSecret` (older) or `otpUrl` (newer).
const OTP_COLUMNS: &[&str] = &["otpSecret", "otpUrl"];

/// The files of Dashlane's export ZIP (stems): they belong to the member
/// named by the folder they were unpacked into.
const FILES: &[&str] = &[
    "credentials",
    "securenotes",
    "payments",
    "ids",
    "personalinfo",
];

/// The format's facts (one place: every list of formats derives from it).
pub const DASHLANE: FormatInfo = FormatInfo {
    id: "dashlane",
    name: "Dashlane (credentials.csv)",
    signature: "username,username2,username3,title,password,note,url,category,otpSecret  |  ...,category,otpUrl",
    header_words: &[
        "username",
        "title",
        "password",
        "note",
        "url",
        "category",
        "otpsecret",
        "otpurl",
    ],
    capabilities: Capabilities {
        notes: true,
        totp: true,
        ..Capabilities::NONE
    },
    file_stems: FILES,
    ..FormatInfo::BASE
};

impl Format for Dashlane {
    fn info(&self) -> &'static FormatInfo {
        &DASHLANE
    }
    /// 100 for the exact header (either TOTP column); 90 when Dashlane's
    /// columns are all there with others (`username2` is Dashlane's alone).
    fn detect(&self, table: &Table) -> u8 {
        let Some(h) = header_of(table) else { return 0 };
        let exact = OTP_COLUMNS.iter().any(|otp| {
            let mut names = CREDENTIALS.to_vec();
            names.push(otp);
            h.is_exactly(&names)
        });
        if exact {
            100
        } else if h.has_all(&["username", "username2", "title", "password"]) {
            90
        } else {
            0
        }
    }
    fn import(&self, table: &Table, out: &mut Parsed) {
        util::each_row(table, out, |h, rec, _| {
            let mut e = util::login(
                rec.line,
                h.get(rec, "title"),
                h.get(rec, "url"),
                h.get(rec, "username"),
                h.get(rec, "password"),
            );
            e.notes = h.get(rec, "note").into();
            e.folder = util::non_empty(h.get(rec, "category"));
            e.totp = OTP_COLUMNS.iter().find_map(|c| util::totp(h.get(rec, c)));
            for alt in ["username2", "username3"] {
                if let Some(value) = util::non_empty(h.get(rec, alt)) {
                    e.fields.push(Field::new(alt, value));
                }
            }
            Some(e)
        });
    }
}

pub struct DashlaneNotes;

const NOTES: &[&str] = &["title", "note"];

/// The format's facts (one place: every list of formats derives from it).
pub const DASHLANE_NOTES: FormatInfo = FormatInfo {
    id: "dashlane-notes",
    name: "Dashlane secure notes (securenotes.csv)",
    signature: "title,note",
    header_words: &["title", "note"],
    capabilities: Capabilities {
        notes: true,
        ..Capabilities::NONE
    },
    file_stems: FILES,
    ..FormatInfo::BASE
};

impl Format for DashlaneNotes {
    fn info(&self) -> &'static FormatInfo {
        &DASHLANE_NOTES
    }
    /// Only the exact two columns: `title` and `note` are common words and
    /// other formats carry them among more columns.
    fn detect(&self, table: &Table) -> u8 {
        match header_of(table) {
            Some(h) if h.is_exactly(NOTES) => 100,
            _ => 0,
        }
    }
    fn import(&self, table: &Table, out: &mut Parsed) {
        util::each_row(table, out, |h, rec, _| {
            let mut e = Entry::new(EntryKind::Note, rec.line);
            e.title = h.get(rec, "title").trim().to_owned();
            e.notes = h.get(rec, "note").into();
            Some(e)
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{csv_reader, load_bytes};

    const CREDS: &[u8] = include_bytes!("../../sample-exports/dashlane-credentials.csv");
    const NOTES_SAMPLE: &[u8] = include_bytes!("../../sample-exports/dashlane-securenotes.csv");

    fn parse(format: &dyn Format, data: &[u8]) -> Parsed {
        let t = csv_reader::read(data, Default::default()).unwrap();
        assert_eq!(format.detect(&t), 100);
        let mut out = Parsed::default();
        format.import(&t, &mut out);
        out
    }

    #[test]
    fn samples_are_written_like_dashlane() {
        for data in [CREDS, NOTES_SAMPLE] {
            assert!(data.windows(2).any(|w| w == b"\r\n"));
            assert!(!data.ends_with(b"\n"), "no trailing newline");
        }
    }

    #[test]
    fn credentials_sample() {
        let out = parse(&Dashlane, CREDS);
        assert_eq!(out.rows, 8);
        assert!(out.skipped.is_empty());
        assert_eq!(out.entries.iter().filter(|e| e.is_account()).count(), 8);
        assert_eq!(out.entries.iter().filter(|e| e.has_totp()).count(), 2);

        let airbnb = out.entries.iter().find(|e| e.title == "Airbnb").unwrap();
        assert_eq!(airbnb.fields.len(), 1);
        assert_eq!(airbnb.fields[0].name, "username2");
        assert_eq!(airbnb.fields[0].value.expose(), "imoreau");
        assert_eq!(airbnb.folder.as_deref(), Some("Travel"));

        let ameli = out.entries.iter().find(|e| e.title == "Ameli").unwrap();
        let names: Vec<&str> = ameli.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, vec!["username2", "username3"]);

        let sncf = out
            .entries
            .iter()
            .find(|e| e.title == "SNCF Connect")
            .unwrap();
        assert_eq!(sncf.password(), Some("Rail,\"Quai\"-56"));

        let doctolib = out.entries.iter().find(|e| e.title == "Doctolib").unwrap();
        assert_eq!(doctolib.notes.expose().lines().count(), 4);
        assert!(doctolib.notes.expose().contains('\n'));
        assert!(!doctolib.notes.expose().contains('\r'), "LF inside quotes");
    }

    #[test]
    fn otp_secret_column_and_username2_as_field() {
        let data = b"username,username2,username3,title,password,note,url,category,otpSecret\r\n\
john,john2,,Mail,pw,,https://mail.example,,RL3FRZ5V3EBM7T4Z\r\n\
,,,Wifi,,,,,";
        let out = parse(&Dashlane, data);
        assert_eq!(out.entries.len(), 2);
        assert!(out.entries[0].has_totp());
        assert_eq!(out.entries[0].fields.len(), 1);
        assert!(out.entries[1].fields.is_empty());
        assert!(!out.entries[1].is_account());
    }

    #[test]
    fn secure_notes_are_never_accounts() {
        let out = parse(&DashlaneNotes, NOTES_SAMPLE);
        assert_eq!(out.rows, 6);
        assert_eq!(out.entries.len(), 6);
        assert!(out.entries.iter().all(|e| e.kind == EntryKind::Note));
        assert!(out.entries.iter().all(|e| !e.is_account()));
        let codes = out
            .entries
            .iter()
            .find(|e| e.title == "Doctolib backup codes")
            .unwrap();
        assert!(codes.notes.expose().contains("Q7DM-2KXP"));
    }

    #[test]
    fn notes_detection_is_exact() {
        let score = |header: &str| {
            let t = csv_reader::read(header.as_bytes(), Default::default()).unwrap();
            DashlaneNotes.detect(&t)
        };
        assert_eq!(score("title,note"), 100);
        assert_eq!(score("title,note,url"), 0);
        assert_eq!(
            score("username,username2,username3,title,password,note,url,category,otpUrl"),
            0
        );
    }

    #[test]
    fn ragged_rows_are_skipped() {
        let out = parse(&DashlaneNotes, b"title,note\r\nonly a title\r\nok,body");
        assert_eq!(out.rows, 2);
        assert_eq!(out.skipped.len(), 1);
        assert_eq!(out.entries.len(), 1);
    }

    #[test]
    fn auto_detects_both_files() {
        let (s, _) = load_bytes(CREDS, "credentials.csv", "m", &Default::default()).unwrap();
        assert_eq!(s.format, "dashlane");
        let (s, e) = load_bytes(NOTES_SAMPLE, "securenotes.csv", "m", &Default::default()).unwrap();
        assert_eq!(s.format, "dashlane-notes");
        assert_eq!(e.iter().filter(|e| e.is_account()).count(), 0);
    }
}
