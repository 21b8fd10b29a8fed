//! NordPass CSV. Its header has grown over time (19 columns in 2021, then
//! `type`, then `additional_urls` and `custom_fields`, then `pin`, then
//! `shared_folder`: 24 columns), so every column is looked up by name:
//! `name,url,additional_urls,username,password,note,cardholdername,cardnumber,cvc,pin,expirydate,zipcode,folder,shared_folder,full_name,phone_number,email,address1,address2,city,country,state,type,custom_fields`.
//!
//! - `type` is `password` (a login), `note`, `credit_card`, `identity` or
//!   `folder`. Folder rows only name a folder (`a/b`): they are counted as
//!   rows and reported in one warning, but are neither entries nor skipped.
//!   Exports without a `type` column get the kind from the filled cells.
//! - `additional_urls` is a JSON array of strings: extra URLs.
//! - `custom_fields` is a JSON array of `{label, type, value}`: custom fields
//!   (where recovery codes often live).
//! - Card and identity details are not copied into the model: only their
//!   name, note and custom fields are kept.
//! - NordPass exports no TOTP column.
//! - Blank lines occur; the shared reader drops them.

use serde::Deserialize;

use super::{Format, Header, Parsed, Record, Table, data_rows, header_of, util};
use crate::model::{Capabilities, Entry, EntryKind, Field, FormatInfo, Secret};

pub struct NordPass;

/// Every column NordPass has written.
const KNOWN: &[&str] = &[
    "name",
    "url",
    "additional_urls",
    "username",
    "password",
    "note",
    "cardholdername",
    "cardnumber",
    "cvc",
    "pin",
    "expirydate",
    "zipcode",
    "folder",
    "shared_folder",
    "full_name",
    "phone_number",
    "email",
    "address1",
    "address2",
    "city",
    "country",
    "state",
    "type",
    "custom_fields",
];

/// The 2021 columns, present in every version since.
const CORE: &[&str] = &[
    "name",
    "url",
    "username",
    "password",
    "note",
    "cardholdername",
    "cardnumber",
    "cvc",
    "expirydate",
    "zipcode",
    "folder",
    "full_name",
    "phone_number",
    "email",
    "address1",
    "address2",
    "city",
    "country",
    "state",
];

/// Enough to recognise a NordPass header that lost or renamed a column.
const MINIMAL: &[&str] = &[
    "name",
    "url",
    "username",
    "password",
    "note",
    "cardholdername",
    "cardnumber",
    "folder",
];

/// Score of a header that has this format's distinctive columns plus unknown
/// ones (a newer version): above the 90 that `score_header` gives a header
/// merely containing some common names, below an exact match.
const VARIANT_SCORE: u8 = 95;

#[derive(Deserialize)]
struct CustomField {
    #[serde(default)]
    label: String,
    #[serde(default)]
    value: serde_json::Value,
}

#[derive(Default)]
struct Counts {
    folders: usize,
    bad_urls: usize,
    bad_fields: usize,
}

/// The format's facts (one place: every list of formats derives from it).
pub const NORDPASS: FormatInfo = FormatInfo {
    id: "nordpass",
    name: "NordPass",
    signature: "name,url,additional_urls,username,password,note,cardholdername,cardnumber,cvc,pin,expirydate,zipcode,folder,shared_folder,full_name,phone_number,email,address1,address2,city,country,state,type,custom_fields  (any version: columns by name)",
    header_words: &[
        "name",
        "url",
        "additional_urls",
        "username",
        "password",
        "note",
        "folder",
        "type",
        "email",
    ],
    capabilities: Capabilities {
        notes: true,
        custom_fields: true,
        ..Capabilities::NONE
    },
    ..FormatInfo::BASE
};

impl Format for NordPass {
    fn info(&self) -> &'static FormatInfo {
        &NORDPASS
    }
    fn detect(&self, table: &Table) -> u8 {
        match header_of(table) {
            Some(h) if h.has_all(CORE) && h.names().iter().all(|n| KNOWN.contains(&n.as_str())) => {
                100
            }
            Some(h) if h.has_all(CORE) => VARIANT_SCORE,
            Some(h) if h.has_all(MINIMAL) => VARIANT_SCORE - 3,
            _ => 0,
        }
    }
    fn import(&self, table: &Table, out: &mut Parsed) {
        let Some(h) = header_of(table) else { return };
        let mut counts = Counts::default();
        for rec in data_rows(table) {
            out.rows += 1;
            if h.get(rec, "type").trim() == "folder" {
                counts.folders += 1;
                out.folders += 1;
                continue;
            }
            if rec.len() != h.len() {
                out.skip(
                    rec.line,
                    format!("{} fields where the header has {}", rec.len(), h.len()),
                );
                continue;
            }
            let kind = match h.get(rec, "type").trim() {
                "folder" => {
                    counts.folders += 1;
                    out.folders += 1;
                    continue;
                }
                "password" => EntryKind::Login,
                "note" => EntryKind::Note,
                "credit_card" => EntryKind::Card,
                "identity" => EntryKind::Identity,
                "" if !h.has("type") => infer_kind(&h, rec),
                _ => EntryKind::Other,
            };
            out.push(entry(&h, rec, kind, &mut counts));
        }
        if counts.folders > 0 {
            out.warn(format!(
                "{} folder rows (folder definitions, not items)",
                counts.folders
            ));
        }
        if counts.bad_urls > 0 {
            out.warn(format!(
                "{} additional_urls cell(s) were not a JSON list; read as comma-separated URLs",
                counts.bad_urls
            ));
        }
        if counts.bad_fields > 0 {
            out.warn(format!(
                "{} custom_fields cell(s) were not the expected JSON list; each is kept whole as one field",
                counts.bad_fields
            ));
        }
    }
}

/// The kind of a row from an export without a `type` column (2021).
fn infer_kind(h: &Header, rec: &Record) -> EntryKind {
    let filled = |names: &[&str]| names.iter().any(|n| !h.get(rec, n).trim().is_empty());
    if filled(&["cardnumber", "cardholdername", "cvc"]) {
        EntryKind::Card
    } else if filled(&["password", "username", "url"]) {
        EntryKind::Login
    } else if filled(&["full_name", "phone_number", "address1", "city"]) {
        EntryKind::Identity
    } else if filled(&["note"]) {
        EntryKind::Note
    } else {
        EntryKind::Other
    }
}

fn entry(h: &Header, rec: &Record, kind: EntryKind, counts: &mut Counts) -> Entry {
    let mut e = Entry::new(kind, rec.line);
    e.title = h.get(rec, "name").trim().to_owned();
    e.notes = h.get(rec, "note").into();
    e.folder = util::non_empty(h.get(rec, "folder"))
        .or_else(|| util::non_empty(h.get(rec, "shared_folder")));
    if kind == EntryKind::Login {
        e.username = match h.get(rec, "username").trim() {
            "" => h.get(rec, "email").trim().to_owned(),
            name => name.to_owned(),
        };
        e.password = util::secret(h.get(rec, "password"));
        e.urls = util::non_empty(h.get(rec, "url")).into_iter().collect();
        let extra = h.get(rec, "additional_urls").trim();
        if !extra.is_empty() {
            let urls = serde_json::from_str::<Vec<String>>(extra).unwrap_or_else(|_| {
                counts.bad_urls += 1;
                util::split_urls(extra, ',')
            });
            for u in urls.iter().filter_map(|u| util::non_empty(u)) {
                if !e.urls.contains(&u) {
                    e.urls.push(u);
                }
            }
        }
    }
    let custom = h.get(rec, "custom_fields").trim();
    if !custom.is_empty() {
        match serde_json::from_str::<Vec<CustomField>>(custom) {
            Ok(list) => e.fields.extend(list.into_iter().map(|f| Field {
                name: f.label,
                value: match f.value {
                    serde_json::Value::String(s) => Secret::from(s),
                    serde_json::Value::Null => Secret::default(),
                    other => Secret::from(other.to_string()),
                },
            })),
            Err(_) => {
                counts.bad_fields += 1;
                e.fields.push(Field::new("custom_fields", custom));
            }
        }
    }
    e
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::testing::{self, by_title};
    use crate::import::{csv_reader, detect};

    const SAMPLE: &[u8] = include_bytes!("../../sample-exports/nordpass.csv");

    fn run(data: &[u8]) -> Parsed {
        testing::import(&NordPass, data)
    }

    #[test]
    fn auto_detection_picks_nordpass() {
        let t = csv_reader::read(SAMPLE, Default::default()).unwrap();
        assert_eq!(NordPass.detect(&t), 100);
        assert_eq!(detect(&t).unwrap().id(), "nordpass");
        let t = csv_reader::read(CORE.join(",").as_bytes(), Default::default()).unwrap();
        assert_eq!(NordPass.detect(&t), 100, "the 19-column 2021 header");
    }

    #[test]
    fn sample_imports() {
        let out = run(SAMPLE);
        assert!(out.skipped.is_empty(), "{:?}", out.skipped);
        assert_eq!(out.rows, 12, "3 folder rows + 9 items");
        assert_eq!(out.entries.len(), 9);
        assert_eq!(out.entries.iter().filter(|e| e.is_account()).count(), 5);
        assert_eq!(
            out.warnings,
            vec!["3 folder rows (folder definitions, not items)"]
        );

        let gitlab = by_title(&out, "GitLab");
        assert_eq!(
            gitlab.urls,
            vec![
                "https://gitlab.com",
                "https://gitlab.com/users/sign_in",
                "https://git.wojcik-consulting.example"
            ]
        );
        assert_eq!(gitlab.fields.len(), 1);
        assert_eq!(gitlab.fields[0].name, "Recovery codes");
        assert_eq!(gitlab.folder.as_deref(), Some("Work"));

        let bank = by_title(&out, "mBank");
        let names: Vec<&str> = bank.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, vec!["Kody zapasowe", "Data otwarcia"]);
        assert_eq!(bank.fields[0].value.expose(), "4821 9930 1177 6604");

        let jira = by_title(&out, "Jira (Kowalski & Syn)");
        assert_eq!(jira.folder.as_deref(), Some("Work/Clients"));
        let spotify = by_title(&out, "Spotify");
        assert_eq!(spotify.notes.expose(), "family plan, \"duo\" since 2023");

        let card = by_title(&out, "Visa Revolut");
        assert_eq!(card.kind, EntryKind::Card);
        assert!(card.password.is_none() && card.fields.is_empty());
        assert_eq!(by_title(&out, "Tomasz Wójcik").kind, EntryKind::Identity);
        assert_eq!(by_title(&out, "Alarm code").kind, EntryKind::Note);
        assert!(!by_title(&out, "Old photo forum").is_account());
    }

    #[test]
    fn ragged_rows_bad_json_and_no_type_column() {
        let data = b"name,url,username,password,note,cardholdername,cardnumber,cvc,expirydate,zipcode,folder,full_name,phone_number,email,address1,address2,city,country,state,additional_urls,custom_fields\n\
Site,https://a.example,me,pw,,,,,,,,,,,,,,,,\"https://b.example, https://c.example\",not json\n\
Card,,,,,Ann,4111,,,,,,,,,,,,,,\n\
short,row\n";
        let out = run(data);
        assert_eq!(out.rows, 3);
        assert_eq!(out.skipped.len(), 1);
        assert_eq!(out.skipped[0].line, 4);
        let site = &out.entries[0];
        assert_eq!(site.kind, EntryKind::Login);
        assert_eq!(site.urls.len(), 3);
        assert_eq!(site.fields.len(), 1);
        assert_eq!(out.entries[1].kind, EntryKind::Card);
        assert_eq!(out.warnings.len(), 2);
    }
}
