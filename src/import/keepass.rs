//! KeePass 2.x CSV ("KeePass CSV (1.x)" export):
//! `"Account","Login Name","Password","Web Site","Comments"`.
//!
//! Every field is quoted, rows end in CRLF, UTF-8 without BOM, and escaping
//! is **not** RFC 4180: `\` is written `\\` and `"` is written `\"`, so this
//! format reads with its own [`Dialect`] (backslash escape, no `""`). A
//! standard reader would split a password holding `\",` in two.
//!
//! There is no group column: entries of the Recycle Bin are exported like
//! any other and cannot be told apart (a warning says so). No TOTP (KeePass'
//! `TimeOtp-*` strings are custom strings, which are not exported), no
//! custom fields, no dates.

use super::{Dialect, Format, Parsed, Table, header_of, util};
use crate::model::{Capabilities, FormatInfo};

pub struct KeePass;

const HEADER: &[&str] = &["Account", "Login Name", "Password", "Web Site", "Comments"];

/// The format's facts (one place: every list of formats derives from it).
pub const KEEPASS: FormatInfo = FormatInfo {
    id: "keepass",
    name: "KeePass 2.x (KeePass CSV 1.x export)",
    signature: "\"Account\",\"Login Name\",\"Password\",\"Web Site\",\"Comments\"  (backslash-escaped quotes)",
    header_words: &["account", "login name", "password", "web site", "comments"],
    capabilities: Capabilities {
        notes: true,
        ..Capabilities::NONE
    },
    drops_custom_fields: true,
    ..FormatInfo::BASE
};

impl Format for KeePass {
    fn info(&self) -> &'static FormatInfo {
        &KEEPASS
    }
    fn dialect(&self) -> Dialect {
        Dialect {
            escape: Some(b'\\'),
            ..Dialect::default()
        }
    }
    /// 100 for exactly KeePass' five columns; 60 when they are all there
    /// with more (KeePass 1.x can add optional columns after them). Headers
    /// that only look alike (`Login` for `Login Name`, `Website` for
    /// `Web Site`, `Notes` for `Comments`) score 0.
    fn detect(&self, table: &Table) -> u8 {
        match header_of(table) {
            Some(h) if h.is_exactly(HEADER) => 100,
            Some(h) if h.has_all(HEADER) => 60,
            _ => 0,
        }
    }
    fn import(&self, table: &Table, out: &mut Parsed) {
        util::each_row(table, out, |h, rec, _| {
            let mut e = util::login(
                rec.line,
                h.get(rec, "Account"),
                h.get(rec, "Web Site"),
                h.get(rec, "Login Name"),
                h.get(rec, "Password"),
            );
            e.notes = h.get(rec, "Comments").into();
            Some(e)
        });
        if out.rows > 0 {
            out.warn(
                "KeePass CSV has no group column: entries in the Recycle Bin cannot be told apart and are audited; empty the Recycle Bin before exporting to exclude them",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{FormatChoice, csv_reader, load_bytes};

    const SAMPLE: &[u8] = include_bytes!("../../sample-exports/keepass.csv");

    fn parse(data: &[u8]) -> Parsed {
        let t = csv_reader::read(data, KeePass.dialect()).unwrap();
        assert_eq!(KeePass.detect(&t), 100);
        let mut out = Parsed::default();
        KeePass.import(&t, &mut out);
        out
    }

    fn password_of<'a>(out: &'a Parsed, title: &str) -> &'a str {
        out.entries
            .iter()
            .find(|e| e.title == title)
            .and_then(|e| e.password())
            .unwrap()
    }

    #[test]
    fn sample_is_written_like_keepass() {
        assert!(SAMPLE.starts_with(b"\"Account\",\"Login Name\""));
        assert!(SAMPLE.ends_with(b"\"\r\n"));
        assert!(!SAMPLE.starts_with(b"\xEF\xBB\xBF"));
    }

    #[test]
    fn sample_backslash_escapes_are_decoded() {
        let out = parse(SAMPLE);
        assert_eq!(out.rows, 9);
        assert!(out.skipped.is_empty());
        assert_eq!(out.entries.iter().filter(|e| e.is_account()).count(), 9);
        assert_eq!(password_of(&out, "Fastmail"), "Tr0ut\"Stream\"9");
        assert_eq!(password_of(&out, "Office NAS"), "Slash-at-end\\");
        assert_eq!(password_of(&out, "Guest Wi-Fi"), "ab\",cd-Guest");
        let nas = out
            .entries
            .iter()
            .find(|e| e.title == "Office NAS")
            .unwrap();
        assert_eq!(nas.url(), Some("\\\\fileserver\\finance"));
        assert_eq!(
            nas.notes.expose(),
            "Mapped as drive F:\r\nFrom home use the CORP\\ prefix"
        );
        let win = out
            .entries
            .iter()
            .find(|e| e.title == "Windows login")
            .unwrap();
        assert_eq!(win.username, "CORP\\mhalvorsen");
        assert_eq!(out.warnings.len(), 1);
    }

    #[test]
    fn a_standard_reader_would_mis_split_the_sample() {
        let t = csv_reader::read(SAMPLE, Dialect::default()).unwrap();
        assert!(t.records.iter().any(|r| r.len() != 5));
    }

    #[test]
    fn load_rereads_with_the_backslash_dialect() {
        for choice in [FormatChoice::Auto, FormatChoice::Named("keepass".into())] {
            let (source, entries) = load_bytes(SAMPLE, "keepass.csv", "m", &choice).unwrap();
            assert_eq!(source.format, "keepass");
            assert!(source.skipped.is_empty());
            let guest = entries.iter().find(|e| e.title == "Guest Wi-Fi").unwrap();
            assert_eq!(guest.password(), Some("ab\",cd-Guest"));
        }
    }

    #[test]
    fn similar_headers_are_told_apart() {
        let score = |header: &str| {
            let t = csv_reader::read(header.as_bytes(), Dialect::default()).unwrap();
            KeePass.detect(&t)
        };
        assert_eq!(
            score("\"Account\",\"Login Name\",\"Password\",\"Web Site\",\"Comments\""),
            100
        );
        assert_eq!(score("Account,Login Name,Password,Web Site,Comments"), 100);
        assert_eq!(
            score(
                "\"Account\",\"Login Name\",\"Password\",\"Web Site\",\"Comments\",\"UUID\",\"Icon\""
            ),
            60
        );
        assert_eq!(
            score("\"Account\",\"Login\",\"Password\",\"Web Site\",\"Comments\""),
            0
        );
        assert_eq!(
            score("\"Account\",\"Login Name\",\"Password\",\"Website\",\"Notes\""),
            0
        );
        assert_eq!(
            score("\"Group\",\"Title\",\"Username\",\"Password\",\"URL\",\"Notes\""),
            0
        );
    }

    #[test]
    fn ragged_row_is_skipped() {
        let out = parse(
            b"\"Account\",\"Login Name\",\"Password\",\"Web Site\",\"Comments\"\r\n\"a\",\"b\"\r\n",
        );
        assert_eq!(out.rows, 1);
        assert_eq!(out.skipped.len(), 1);
        assert!(out.entries.is_empty());
    }
}
