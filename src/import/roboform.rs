//! RoboForm CSV: `Name,Url,MatchUrl,Login,Pwd,Note,Folder,RfFieldsV2` and the
//! older `Name,Url,Login,Pwd,Note,Folder,Rf_fields`. Columns are mapped by
//! header name.
//!
//! - `RfFieldsV2` spills over a variable number of extra columns, each one
//!   cell holding a small CSV record `name,?,?,type,value`. `TOTP KEY$` is the
//!   TOTP; `User ID$` and `Password$` repeat the login (used only when the
//!   `Login`/`Pwd` columns are empty); every other entry is a custom field
//!   (RoboForm's own names end in `$`, which is dropped). The older
//!   `Rf_fields` cells hold `name:type:value` lines.
//! - Values starting with `@` or `'` are written with a `'` formula guard in
//!   front: a leading `'` before `@` or `'` is removed.
//! - `Folder` is `/a/b`: the leading `/` is removed.
//! - Row kinds share the file: a row with a login or password is a login,
//!   a safenote (name and note only) is a note, a bookmark (URL but no login
//!   or password) is other.
//! - Rows may stop before the `RfFieldsV2` column (safenotes, bookmarks);
//!   rows missing earlier columns are skipped.

use super::{Format, Header, Parsed, Record, Table, data_rows, header_of, util};
use crate::model::{Capabilities, Entry, EntryKind, Field, FormatInfo, Secret};

pub struct RoboForm;

const V2: &[&str] = &[
    "name",
    "url",
    "matchurl",
    "login",
    "pwd",
    "note",
    "folder",
    "rffieldsv2",
];
const V1: &[&str] = &["name", "url", "login", "pwd", "note", "folder", "rf_fields"];
const CORE: &[&str] = &["name", "url", "login", "pwd", "note", "folder"];

/// Score of a header that has this format's distinctive columns plus unknown
/// ones (a newer version): above the 90 that `score_header` gives a header
/// merely containing some common names, below an exact match.
const VARIANT_SCORE: u8 = 95;

const TOTP_FIELD: &str = "TOTP KEY$";
const LOGIN_FIELD: &str = "User ID$";
const PASSWORD_FIELD: &str = "Password$";

/// Removes the `'` RoboForm puts before values that start with `@` or `'`.
fn unguard(value: &str) -> &str {
    if value.starts_with("'@") || value.starts_with("''") {
        &value[1..]
    } else {
        value
    }
}

/// One `RfFieldsV2` / `Rf_fields` item: (name, value).
fn parse_item(cell: &str, v2: bool) -> Vec<(String, Secret)> {
    if !v2 {
        return cell
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|line| {
                let mut parts = line.splitn(3, ':');
                let name = parts.next().unwrap_or("").trim().to_owned();
                let _kind = parts.next();
                let value = unguard(parts.next().unwrap_or(""));
                (name, Secret::new(value))
            })
            .collect();
    }
    // The item is itself one CSV record; the shared reader wipes its cells.
    let Ok(inner) = super::csv_reader::read(cell.as_bytes(), Default::default()) else {
        return vec![(String::new(), Secret::new(cell))];
    };
    let Some(record) = inner.first() else {
        return Vec::new();
    };
    let name = record.get(0).trim().to_owned();
    let value = match record.len() {
        0 | 1 => Secret::default(),
        2..=5 => Secret::new(unguard(record.get(record.len() - 1))),
        // An unquoted comma inside the value: keep it whole.
        _ => {
            let joined = Secret::from(record.cells_from(4).collect::<Vec<_>>().join(","));
            Secret::new(unguard(joined.expose()))
        }
    };
    vec![(name, value)]
}

/// The format's facts (one place: every list of formats derives from it).
pub const ROBOFORM: FormatInfo = FormatInfo {
    id: "roboform",
    name: "RoboForm",
    signature: "Name,Url,MatchUrl,Login,Pwd,Note,Folder,RfFieldsV2  (older: Name,Url,Login,Pwd,Note,Folder,Rf_fields)",
    header_words: &[
        "name",
        "url",
        "matchurl",
        "login",
        "pwd",
        "note",
        "folder",
        "rffieldsv2",
        "rf_fields",
    ],
    capabilities: Capabilities {
        notes: true,
        custom_fields: true,
        totp: true,
        ..Capabilities::NONE
    },
    otp_fields: &["totp key"],
    ..FormatInfo::BASE
};

impl Format for RoboForm {
    fn info(&self) -> &'static FormatInfo {
        &ROBOFORM
    }
    fn detect(&self, table: &Table) -> u8 {
        match header_of(table) {
            Some(h) if h.is_exactly(V2) || h.is_exactly(V1) => 100,
            Some(h) if h.has_all(CORE) => VARIANT_SCORE,
            _ => 0,
        }
    }
    fn import(&self, table: &Table, out: &mut Parsed) {
        let Some(h) = header_of(table) else { return };
        let v2 = h.has("rffieldsv2");
        let rf_at = h
            .index("rffieldsv2")
            .or_else(|| h.index("rf_fields"))
            .unwrap_or(h.len());
        for rec in data_rows(table) {
            out.rows += 1;
            if rec.len() < rf_at {
                out.skip(
                    rec.line,
                    format!("{} fields where the header has {}", rec.len(), h.len()),
                );
                continue;
            }
            out.push(entry(&h, rec, rf_at, v2));
        }
    }
}

fn entry(h: &Header, rec: &Record, rf_at: usize, v2: bool) -> Entry {
    let cell = |name: &str| unguard(h.get(rec, name));
    let mut e = util::login(
        rec.line,
        cell("name"),
        cell("url"),
        cell("login"),
        cell("pwd"),
    );
    if let Some(m) = util::non_empty(cell("matchurl"))
        && !e.urls.contains(&m)
    {
        e.urls.push(m);
    }
    e.notes = cell("note").into();
    e.folder = util::non_empty(cell("folder").trim().trim_start_matches('/'));
    for item in rec.cells_from(rf_at).filter(|c| !c.trim().is_empty()) {
        for (name, value) in parse_item(item, v2) {
            match name.as_str() {
                TOTP_FIELD if e.totp.is_none() => e.totp = util::totp(value.expose()),
                LOGIN_FIELD if e.username.is_empty() => {
                    e.username = value.expose().trim().to_owned();
                }
                PASSWORD_FIELD if e.password.is_none() && !value.is_empty() => {
                    e.password = Some(value);
                }
                // The login itself, already read from Login/Pwd.
                LOGIN_FIELD | PASSWORD_FIELD => {}
                _ if !value.is_empty() => e.fields.push(Field {
                    name: name.trim_end_matches('$').to_owned(),
                    value,
                }),
                _ => {}
            }
        }
    }
    e.kind = if !e.username.is_empty() || e.password.is_some() {
        EntryKind::Login
    } else if !e.urls.is_empty() {
        EntryKind::Other
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
    use crate::import::testing::{self, by_title};
    use crate::import::{csv_reader, detect};

    const SAMPLE: &[u8] = include_bytes!("../../sample-exports/roboform.csv");

    fn run(data: &[u8]) -> Parsed {
        testing::import(&RoboForm, data)
    }

    #[test]
    fn auto_detection_picks_roboform() {
        let t = csv_reader::read(SAMPLE, Default::default()).unwrap();
        assert_eq!(RoboForm.detect(&t), 100);
        assert_eq!(detect(&t).unwrap().id(), "roboform");
        let t = csv_reader::read(
            b"Name,Url,Login,Pwd,Note,Folder,Rf_fields\n",
            Default::default(),
        )
        .unwrap();
        assert_eq!(detect(&t).unwrap().id(), "roboform");
    }

    #[test]
    fn formula_guard_is_removed() {
        assert_eq!(unguard("'@nobody"), "@nobody");
        assert_eq!(unguard("''password"), "'password");
        assert_eq!(unguard("'plain"), "'plain");
        assert_eq!(unguard("@x"), "@x");
    }

    #[test]
    fn sample_imports() {
        let out = run(SAMPLE);
        assert!(out.skipped.is_empty(), "{:?}", out.skipped);
        assert_eq!(out.rows, 9);
        assert_eq!(out.entries.iter().filter(|e| e.is_account()).count(), 6);

        let rakuten = by_title(&out, "Rakuten");
        assert_eq!(rakuten.folder.as_deref(), Some("Shopping"));
        assert_eq!(rakuten.urls.len(), 2, "Url and MatchUrl");
        assert!(
            rakuten.fields.is_empty(),
            "User ID$/Password$ are the login"
        );

        let dropbox = by_title(&out, "Dropbox");
        assert!(dropbox.has_totp());
        assert_eq!(dropbox.folder.as_deref(), Some("Work/Cloud"));

        let x = by_title(&out, "X");
        assert_eq!(x.username, "@hanasato_jp");
        assert_eq!(x.password(), Some("'quote-first-99"));

        let bank = by_title(&out, "MUFG");
        assert_eq!(bank.password(), Some("@Fuji2020!"));
        let fields: Vec<(&str, &str)> = bank
            .fields
            .iter()
            .map(|f| (f.name.as_str(), f.value.expose()))
            .collect();
        assert_eq!(
            fields,
            vec![
                ("Branch code", "045"),
                ("Security answer", "Tama, Osaka"),
                ("Backup codes", "2841-0093 7716-5520 3390-1184"),
            ]
        );

        let amazon = by_title(&out, "Amazon JP");
        assert!(amazon.is_account());
        assert!(amazon.fields.is_empty());

        let passport = by_title(&out, "Passport");
        assert_eq!(passport.kind, EntryKind::Note);
        let wifi = by_title(&out, "Home Wi-Fi");
        assert_eq!(
            wifi.kind,
            EntryKind::Note,
            "LastPass typed note after migration"
        );
        assert!(!wifi.is_account());
        assert_eq!(by_title(&out, "Japan Post tracking").kind, EntryKind::Other);
        let gh = by_title(&out, "GitHub");
        assert!(gh.has_totp());
        assert_eq!(gh.notes.expose().lines().count(), 3);
    }

    #[test]
    fn login_from_fields_old_format_and_short_rows() {
        let data = b"Name,Url,MatchUrl,Login,Pwd,Note,Folder,RfFieldsV2\n\
Only fields,https://a.example,https://a.example,,,,,\"User ID$,,,txt,'@ann\",\"Password$,Password,,pwd,pw-a\"\n\
Short,https://b.example\n";
        let out = run(data);
        assert_eq!(out.rows, 2);
        assert_eq!(out.skipped.len(), 1);
        let e = &out.entries[0];
        assert_eq!(e.username, "@ann");
        assert_eq!(e.password(), Some("pw-a"));
        assert!(e.is_account());

        let old = b"Name,Url,Login,Pwd,Note,Folder,Rf_fields\n\
Old,https://c.example,cy,pw-c,,/Legacy,\"PIN:txt:1234\nTOTP KEY$:txt:JBSWY3DPEHPK3PXP\"\n";
        let out = run(old);
        let e = &out.entries[0];
        assert_eq!(e.folder.as_deref(), Some("Legacy"));
        assert!(e.has_totp());
        assert_eq!(e.fields.len(), 1);
        assert_eq!(e.fields[0].value.expose(), "1234");
    }
}
