//! Chrome / Edge / Brave / Opera / Vivaldi (Chromium) password CSV:
//! `name,url,username,password,note`, and the 4-column
//! `name,url,username,password` written before notes arrived (~2023, and by
//! Edge in 2018).
//!
//! Chromium writes one row per affiliated domain, so one credential can
//! appear several times (`amazon.com`, `amazon.co.uk`, ...). Every row is
//! kept here; the reuse check knows that the same username on the same
//! service is one credential, not reuse. Android app logins have the url
//! `android://<cert-hash>@<package>/` and a name that is the package or
//! empty; an empty name is replaced by the package. No TOTP, folders or dates.

use super::{Format, Parsed, Table, header_of, util};
use crate::model::{Capabilities, FormatInfo};

pub struct Chrome;

/// Columns every Chromium export has.
const REQUIRED: &[&str] = &["name", "url", "username", "password"];
/// Every column a Chromium export can have.
const KNOWN: &[&str] = &["name", "url", "username", "password", "note"];

/// The format's facts (one place: every list of formats derives from it).
pub const CHROME: FormatInfo = FormatInfo {
    id: "chrome",
    aliases: &["edge", "brave", "chromium", "opera", "vivaldi"],
    name: "Chrome / Edge / Brave / Opera / Vivaldi (Chromium)",
    signature: "name,url,username,password,note  |  name,url,username,password",
    header_words: &["name", "url", "username", "password", "note"],
    capabilities: Capabilities {
        notes: true,
        ..Capabilities::NONE
    },
    ..FormatInfo::BASE
};

impl Format for Chrome {
    fn info(&self) -> &'static FormatInfo {
        &CHROME
    }
    /// 100 when the columns are Chromium's and nothing else. A superset
    /// scores 0: LastPass, Proton Pass and NordPass all have these columns
    /// among others.
    fn detect(&self, table: &Table) -> u8 {
        match header_of(table) {
            Some(h) if h.has_all(REQUIRED) && h.names().iter().all(|n| KNOWN.contains(&&**n)) => {
                100
            }
            _ => 0,
        }
    }
    fn import(&self, table: &Table, out: &mut Parsed) {
        util::each_row(table, out, |h, rec, _| {
            let url = h.get(rec, "url");
            let mut e = util::login(
                rec.line,
                h.get(rec, "name"),
                url,
                h.get(rec, "username"),
                h.get(rec, "password"),
            );
            if e.title.is_empty()
                && let Some(pkg) = util::android_package(url)
            {
                e.title = pkg.to_owned();
            }
            e.notes = h.get(rec, "note").into();
            Some(e)
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{Parsed, csv_reader, load_bytes};
    use crate::model::EntryKind;

    const SAMPLE: &[u8] = include_bytes!("../../sample-exports/chrome.csv");
    const LEGACY: &[u8] = include_bytes!("../../sample-exports/chrome-legacy.csv");

    fn parse(data: &[u8]) -> Parsed {
        let t = csv_reader::read(data, Default::default()).unwrap();
        assert_eq!(Chrome.detect(&t), 100);
        let mut out = Parsed::default();
        Chrome.import(&t, &mut out);
        out
    }

    #[test]
    fn sample_keeps_every_row_including_affiliated_duplicates() {
        let out = parse(SAMPLE);
        assert_eq!(out.rows, 10);
        assert!(out.skipped.is_empty());
        assert_eq!(out.entries.iter().filter(|e| e.is_account()).count(), 10);
        let amazon: Vec<_> = out
            .entries
            .iter()
            .filter(|e| e.title.starts_with("amazon."))
            .collect();
        assert_eq!(amazon.len(), 3, "one row per affiliated domain, all kept");
        assert!(amazon.iter().all(|e| e.password() == amazon[0].password()));
        assert!(amazon.iter().all(|e| e.username == amazon[0].username));
    }

    #[test]
    fn sample_android_rows_get_the_package_as_title() {
        let out = parse(SAMPLE);
        let android: Vec<_> = out
            .entries
            .iter()
            .filter(|e| e.url().is_some_and(|u| u.starts_with("android://")))
            .collect();
        assert_eq!(android.len(), 2);
        assert_eq!(android[0].title, "org.example.transitpay", "empty name");
        assert_eq!(android[1].title, "com.spotify.music");
        assert_eq!(android[1].password(), Some("lemon,tree,42"));
    }

    #[test]
    fn sample_quoting_and_multiline_note() {
        let out = parse(SAMPLE);
        let gh = out
            .entries
            .iter()
            .find(|e| e.title == "github.com")
            .unwrap();
        assert_eq!(gh.password(), Some("Gh!7\"quote\"Tx"));
        assert_eq!(gh.notes.expose().lines().count(), 4);
        assert_eq!(gh.row, 10);
        assert!(out.entries.iter().all(|e| e.kind == EntryKind::Login));
    }

    #[test]
    fn legacy_four_columns_with_crlf() {
        assert!(LEGACY.windows(2).any(|w| w == b"\r\n"));
        let out = parse(LEGACY);
        assert_eq!(out.rows, 7);
        assert_eq!(out.entries.iter().filter(|e| e.is_account()).count(), 7);
        assert!(out.entries.iter().all(|e| e.notes.is_empty()));
        let ebay = out
            .entries
            .iter()
            .filter(|e| e.title.starts_with("ebay."))
            .count();
        assert_eq!(ebay, 2);
    }

    #[test]
    fn ragged_row_is_skipped_not_fatal() {
        let out = parse(b"name,url,username,password,note\nshort.example,https://short.example\nok.example,https://ok.example,me,pw,\n");
        assert_eq!(out.rows, 2);
        assert_eq!(out.skipped.len(), 1);
        assert_eq!(out.skipped[0].line, 2);
        assert_eq!(out.entries.len(), 1);
    }

    #[test]
    fn supersets_of_the_header_are_not_chrome() {
        for header in [
            "url,username,password,totp,extra,name,grouping,fav",
            "type,name,url,email,username,password,note,totp,createTime,modifyTime,vault",
            "name,url,additional_urls,username,password,note,folder,type",
        ] {
            let t = csv_reader::read(header.as_bytes(), Default::default()).unwrap();
            assert_eq!(Chrome.detect(&t), 0, "{header}");
        }
    }

    #[test]
    fn auto_detects_the_sample() {
        let (source, entries) = load_bytes(SAMPLE, "chrome.csv", "m", &Default::default()).unwrap();
        assert_eq!(source.format, "chrome");
        assert_eq!(entries.len(), 10);
    }
}
