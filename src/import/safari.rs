//! Apple Passwords / Safari CSV: `Title,URL,Username,Password,Notes,OTPAuth`
//! (Safari 15+, the Passwords app), and `Title,Url,Username,Password`
//! written by Safari 14 and earlier.
//!
//! Columns are mapped by name and only `Title`, `Username` and `Password`
//! are required (`URL`, `Notes`, `OTPAuth` are read when present). The
//! default title is `host (username)`. `OTPAuth` holds an `otpauth://` URI.
//! No folders, custom fields or dates; passkeys are not exported.

use super::{Format, Parsed, Table, header_of, util};
use crate::model::{Capabilities, FormatInfo};

pub struct Safari;

const CURRENT: &[&str] = &["title", "url", "username", "password", "notes", "otpauth"];
const LEGACY: &[&str] = &["title", "url", "username", "password"];
const REQUIRED: &[&str] = &["title", "username", "password"];

/// The format's facts (one place: every list of formats derives from it).
pub const SAFARI: FormatInfo = FormatInfo {
    id: "safari",
    aliases: &["apple", "apple-passwords", "icloud"],
    name: "Apple Passwords / Safari",
    signature: "Title,URL,Username,Password,Notes,OTPAuth  |  Title,Url,Username,Password",
    header_words: &["title", "url", "username", "password", "notes", "otpauth"],
    capabilities: Capabilities {
        notes: true,
        totp: true,
        ..Capabilities::NONE
    },
    ..FormatInfo::BASE
};

impl Format for Safari {
    fn info(&self) -> &'static FormatInfo {
        &SAFARI
    }
    /// 100 for either known header; 90 for another subset of Safari's columns
    /// that holds the required ones. A header with any other column scores 0:
    /// 1Password (`Favorite`, `Archived`, `Tags`), KeePassXC (`Group`) and
    /// Dashlane (`username2`) have Safari's columns among theirs.
    fn detect(&self, table: &Table) -> u8 {
        let Some(h) = header_of(table) else { return 0 };
        if h.is_exactly(CURRENT) || h.is_exactly(LEGACY) {
            100
        } else if h.has_all(REQUIRED) && h.names().iter().all(|n| CURRENT.contains(&&**n)) {
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
            e.notes = h.get(rec, "notes").into();
            e.totp = util::totp(h.get(rec, "otpauth"));
            Some(e)
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{csv_reader, load_bytes};

    const SAMPLE: &[u8] = include_bytes!("../../sample-exports/safari.csv");

    fn parse(data: &[u8]) -> Parsed {
        let t = csv_reader::read(data, Default::default()).unwrap();
        assert!(Safari.detect(&t) >= 90);
        let mut out = Parsed::default();
        Safari.import(&t, &mut out);
        out
    }

    #[test]
    fn sample_accounts_totp_and_notes() {
        let out = parse(SAMPLE);
        assert_eq!(out.rows, 8);
        assert!(out.skipped.is_empty());
        assert_eq!(out.entries.iter().filter(|e| e.is_account()).count(), 8);
        assert_eq!(out.entries.iter().filter(|e| e.has_totp()).count(), 3);
        let gh = out
            .entries
            .iter()
            .find(|e| e.title == "github.com (tlindqvist)")
            .unwrap();
        assert!(
            gh.totp
                .as_ref()
                .unwrap()
                .expose()
                .starts_with("otpauth://totp/")
        );
        assert_eq!(gh.notes.expose().lines().count(), 5);
        let discord = out
            .entries
            .iter()
            .find(|e| e.title.starts_with("discord.com"))
            .unwrap();
        assert_eq!(discord.password(), Some("Mossy\"Gate\"41"));
        let router = out
            .entries
            .iter()
            .find(|e| e.title == "Hallway router")
            .unwrap();
        assert_eq!(router.url(), Some("http://192.168.1.254"));
    }

    #[test]
    fn legacy_four_columns() {
        let out =
            parse(b"Title,Url,Username,Password\nexample.com (me),https://example.com,me,pw\n");
        assert_eq!(out.entries.len(), 1);
        assert_eq!(out.entries[0].url(), Some("https://example.com"));
        assert!(out.entries[0].notes.is_empty());
    }

    #[test]
    fn only_title_username_password_are_required() {
        let t = csv_reader::read(b"Title,Username,Password\nx,u,p\n", Default::default()).unwrap();
        assert_eq!(Safari.detect(&t), 90);
        let t = csv_reader::read(b"Title,URL,Password\nx,u,p\n", Default::default()).unwrap();
        assert_eq!(Safari.detect(&t), 0);
    }

    #[test]
    fn other_managers_headers_are_not_safari() {
        for header in [
            "Title,Url,Username,Password,OTPAuth,Favorite,Archived,Tags,Notes",
            "\"Group\",\"Title\",\"Username\",\"Password\",\"URL\",\"Notes\"",
            "username,username2,username3,title,password,note,url,category,otpSecret",
        ] {
            let t = csv_reader::read(header.as_bytes(), Default::default()).unwrap();
            assert_eq!(Safari.detect(&t), 0, "{header}");
        }
    }

    #[test]
    fn ragged_row_is_skipped() {
        let out = parse(b"Title,URL,Username,Password,Notes,OTPAuth\na,b\n");
        assert_eq!(out.skipped.len(), 1);
        assert!(out.entries.is_empty());
    }

    #[test]
    fn auto_detects_the_sample() {
        let (source, _) = load_bytes(SAMPLE, "safari.csv", "m", &Default::default()).unwrap();
        assert_eq!(source.format, "safari");
    }
}
