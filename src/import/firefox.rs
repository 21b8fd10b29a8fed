//! Firefox (about:logins) CSV: `"url","username","password","httpRealm",
//! "formActionOrigin","guid","timeCreated","timeLastUsed","timePasswordChanged"`.
//!
//! Every non-null value is quoted and null is an empty unquoted cell; CRLF
//! with no trailing newline. `url` is the origin only and there is no title
//! (left empty). Times are epoch milliseconds: `timeCreated` becomes
//! `created`, `timePasswordChanged` becomes `password_changed` (and `modified`). No notes, custom
//! fields or TOTP.
//!
//! Older versions export the Firefox Accounts (Sync) login as a row with url
//! `chrome://FirefoxAccounts` whose "password" is a JSON blob of session
//! tokens: it is Firefox's own state, not a website login, so it is kept as
//! an `Other` entry (counted in `rows`, never an account) without its blob.

use super::{Format, Parsed, Table, score_header, util};
use crate::model::{Capabilities, EntryKind, FormatInfo};

pub struct Firefox;

const HEADER: &[&str] = &[
    "url",
    "username",
    "password",
    "httpRealm",
    "formActionOrigin",
    "guid",
    "timeCreated",
    "timeLastUsed",
    "timePasswordChanged",
];

/// Columns no other format has: enough to recognise a future variant.
const DISTINCT: &[&str] = &[
    "url",
    "username",
    "password",
    "httpRealm",
    "formActionOrigin",
];

/// The format's facts (one place: every list of formats derives from it).
pub const FIREFOX: FormatInfo = FormatInfo {
    id: "firefox",
    name: "Firefox (about:logins)",
    signature: "\"url\",\"username\",\"password\",\"httpRealm\",\"formActionOrigin\",\"guid\",\"timeCreated\",\"timeLastUsed\",\"timePasswordChanged\"",
    header_words: &[
        "url",
        "username",
        "password",
        "httprealm",
        "formactionorigin",
        "guid",
        "timecreated",
    ],
    capabilities: Capabilities {
        ..Capabilities::NONE
    },
    ..FormatInfo::BASE
};

impl Format for Firefox {
    fn info(&self) -> &'static FormatInfo {
        &FIREFOX
    }
    fn detect(&self, table: &Table) -> u8 {
        match score_header(table, HEADER) {
            0 => score_header(table, DISTINCT).min(90),
            s => s,
        }
    }
    fn import(&self, table: &Table, out: &mut Parsed) {
        util::each_row(table, out, |h, rec, _| {
            let url = h.get(rec, "url");
            let mut e = if is_internal(url) {
                let mut e = util::login(rec.line, "", url, h.get(rec, "username"), "");
                e.kind = EntryKind::Other;
                e
            } else {
                util::login(
                    rec.line,
                    "",
                    url,
                    h.get(rec, "username"),
                    h.get(rec, "password"),
                )
            };
            e.created = util::parse_epoch(h.get(rec, "timeCreated"));
            e.set_password_changed(util::parse_epoch(h.get(rec, "timePasswordChanged")));
            e.modified = e.password_changed().or(e.created);
            Some(e)
        });
    }
}

/// Firefox's own credentials (`chrome://FirefoxAccounts`), not a website's.
fn is_internal(url: &str) -> bool {
    url.trim().to_ascii_lowercase().starts_with("chrome://")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{csv_reader, load_bytes};

    const SAMPLE: &[u8] = include_bytes!("../../sample-exports/firefox.csv");

    fn parse(data: &[u8]) -> Parsed {
        let t = csv_reader::read(data, Default::default()).unwrap();
        assert_eq!(Firefox.detect(&t), 100);
        let mut out = Parsed::default();
        Firefox.import(&t, &mut out);
        out
    }

    #[test]
    fn sample_is_written_like_firefox() {
        assert!(SAMPLE.starts_with(b"\"url\",\"username\""));
        assert!(!SAMPLE.ends_with(b"\n"), "no trailing newline");
        assert!(SAMPLE.windows(2).any(|w| w == b"\r\n"));
    }

    #[test]
    fn sample_accounts_times_and_the_accounts_row() {
        let out = parse(SAMPLE);
        assert_eq!(out.rows, 9);
        assert!(out.skipped.is_empty());
        assert_eq!(out.entries.len(), 9);
        assert_eq!(out.entries.iter().filter(|e| e.is_account()).count(), 8);
        assert!(out.entries.iter().all(|e| e.title.is_empty()));

        let fxa: Vec<_> = out
            .entries
            .iter()
            .filter(|e| e.kind == EntryKind::Other)
            .collect();
        assert_eq!(fxa.len(), 1);
        assert_eq!(fxa[0].url(), Some("chrome://FirefoxAccounts"));
        assert!(fxa[0].password.is_none(), "the token blob is not kept");

        let reddit = &out.entries[0];
        assert_eq!(reddit.url(), Some("https://www.reddit.com"));
        assert_eq!(reddit.created, Some(1_614_962_711));
        assert_eq!(reddit.modified, Some(1_662_119_845));
        assert_eq!(reddit.password_changed(), Some(1_662_119_845));
    }

    #[test]
    fn sample_quotes_empty_username_and_http_auth() {
        let out = parse(SAMPLE);
        let gh = out
            .entries
            .iter()
            .find(|e| e.url() == Some("https://github.com"))
            .unwrap();
        assert_eq!(gh.password(), Some("Oak\"Leaf\",Path-17"));
        let nas = out
            .entries
            .iter()
            .find(|e| e.url() == Some("http://192.168.0.20:5000"))
            .unwrap();
        assert_eq!(nas.username, "admin");
        let no_user = out.entries.iter().filter(|e| e.username.is_empty()).count();
        assert_eq!(no_user, 1);
    }

    #[test]
    fn epoch_milliseconds_and_ragged_rows() {
        let data = b"\"url\",\"username\",\"password\",\"httpRealm\",\"formActionOrigin\",\"guid\",\"timeCreated\",\"timeLastUsed\",\"timePasswordChanged\"\r\n\
\"https://a.example\",\"u\",\"p\",,\"\",\"{x}\",\"1600000000000\",\"1600000000000\",\"\"\r\n\
\"https://b.example\",\"u\"";
        let out = parse(data);
        assert_eq!(out.rows, 2);
        assert_eq!(out.skipped.len(), 1);
        assert_eq!(out.skipped[0].line, 3);
        assert_eq!(out.entries[0].created, Some(1_600_000_000));
        assert_eq!(out.entries[0].modified, Some(1_600_000_000));
    }

    #[test]
    fn auto_detects_the_sample() {
        let (source, entries) =
            load_bytes(SAMPLE, "firefox.csv", "m", &Default::default()).unwrap();
        assert_eq!(source.format, "firefox");
        assert_eq!(entries.iter().filter(|e| e.is_account()).count(), 8);
    }
}
