//! Proton Pass CSV: `type,name,url,email,username,password,note,totp,createTime,modifyTime,vault`,
//! the newest shape with `autofillUrls` after `url`, and the older ones
//! without `email` (and older still without `vault`). Columns are mapped by
//! header name.
//!
//! - `type` is `login`, `alias`, `note`, `creditCard` or `identity`; newer
//!   item types are kept as [`EntryKind::Other`].
//! - `url` holds the URLs joined by `", "` (only those in the default autofill
//!   mode, in the newest exports); `autofillUrls` (newest) is a JSON array of
//!   `{url, mode}` whose `http(s)` URLs are added when not already listed
//!   (regular-expression rules are not addresses and are left out).
//! - For `creditCard` and `identity` the `note` cell is the whole item as a
//!   JSON string (card number, PIN, ...): it is kept whole as a secret note
//!   and never parsed or shown.
//! - `email` and `username` are separate since content format 5; the username
//!   is `username`, else `email` (older exports kept the e-mail in `username`).
//! - Times are Unix seconds; `vault` becomes the folder.
//! - Custom fields (`extraFields`) are not exported to CSV by Proton Pass.

use serde::Deserialize;

use super::{Format, Parsed, Table, data_rows, header_of, util};
use crate::model::{Capabilities, EntryKind, Field, FormatInfo};

pub struct ProtonPass;

/// Columns every known shape has.
const CORE: &[&str] = &[
    "type",
    "name",
    "url",
    "username",
    "password",
    "note",
    "totp",
    "createtime",
    "modifytime",
];

/// Every header Proton Pass has written, newest first.
const HEADERS: &[&[&str]] = &[
    &[
        "type",
        "name",
        "url",
        "autofillUrls",
        "email",
        "username",
        "password",
        "note",
        "totp",
        "createTime",
        "modifyTime",
        "vault",
    ],
    &[
        "type",
        "name",
        "url",
        "email",
        "username",
        "password",
        "note",
        "totp",
        "createTime",
        "modifyTime",
        "vault",
    ],
    &[
        "type",
        "name",
        "url",
        "username",
        "password",
        "note",
        "totp",
        "createTime",
        "modifyTime",
        "vault",
    ],
    &[
        "type",
        "name",
        "url",
        "username",
        "password",
        "note",
        "totp",
        "createTime",
        "modifyTime",
    ],
];

/// Score of a header that has this format's distinctive columns plus unknown
/// ones (a newer version): above the 90 that `score_header` gives a header
/// merely containing some common names, below an exact match.
const VARIANT_SCORE: u8 = 95;

#[derive(Deserialize)]
struct AutofillUrl {
    #[serde(default)]
    url: String,
}

/// The format's facts (one place: every list of formats derives from it).
pub const PROTONPASS: FormatInfo = FormatInfo {
    id: "protonpass",
    aliases: &["proton"],
    name: "Proton Pass",
    signature: "type,name,url,email,username,password,note,totp,createTime,modifyTime,vault  (newer: autofillUrls after url; older: no email, no vault)",
    header_words: &[
        "type",
        "name",
        "url",
        "email",
        "username",
        "password",
        "note",
        "totp",
        "createtime",
        "modifytime",
        "vault",
        "autofillurls",
    ],
    capabilities: Capabilities {
        notes: true,
        totp: true,
        ..Capabilities::NONE
    },
    drops_custom_fields: true,
    ..FormatInfo::BASE
};

impl Format for ProtonPass {
    fn info(&self) -> &'static FormatInfo {
        &PROTONPASS
    }
    fn detect(&self, table: &Table) -> u8 {
        match header_of(table) {
            Some(h) if HEADERS.iter().any(|names| h.is_exactly(names)) => 100,
            Some(h) if h.has_all(CORE) => VARIANT_SCORE,
            _ => 0,
        }
    }
    fn import(&self, table: &Table, out: &mut Parsed) {
        let Some(h) = header_of(table) else { return };
        let mut bad_autofill = 0;
        for rec in data_rows(table) {
            out.rows += 1;
            if rec.len() != h.len() {
                out.skip(
                    rec.line,
                    format!("{} fields where the header has {}", rec.len(), h.len()),
                );
                continue;
            }
            let kind = match h.get(rec, "type").trim() {
                "login" => EntryKind::Login,
                "note" => EntryKind::Note,
                "creditCard" => EntryKind::Card,
                "identity" => EntryKind::Identity,
                _ => EntryKind::Other,
            };
            let email = h.get(rec, "email").trim();
            let username = match h.get(rec, "username").trim() {
                "" => email,
                name => name,
            };
            let mut e = util::login(rec.line, h.get(rec, "name"), "", username, "");
            e.kind = kind;
            if kind != EntryKind::Card && kind != EntryKind::Identity {
                e.password = util::secret(h.get(rec, "password"));
            }
            if !email.is_empty() && email != username {
                e.fields.push(Field::new("email", email));
            }
            e.urls = h
                .get(rec, "url")
                .split(", ")
                .filter_map(util::non_empty)
                .collect();
            let autofill = h.get(rec, "autofillurls").trim();
            if !autofill.is_empty() {
                match serde_json::from_str::<Vec<AutofillUrl>>(autofill) {
                    Ok(list) => {
                        for u in list {
                            if let Some(u) = util::non_empty(&u.url)
                                && is_web_url(&u)
                                && !e.urls.contains(&u)
                            {
                                e.urls.push(u);
                            }
                        }
                    }
                    Err(_) => bad_autofill += 1,
                }
            }
            e.notes = h.get(rec, "note").into();
            e.totp = util::totp(h.get(rec, "totp"));
            e.created = util::parse_epoch(h.get(rec, "createtime"));
            e.modified = util::parse_epoch(h.get(rec, "modifytime"));
            e.folder = util::non_empty(h.get(rec, "vault"));
            out.push(e);
        }
        if bad_autofill > 0 {
            out.warn(format!(
                "{bad_autofill} autofillUrls cell(s) were not the expected JSON list; their URLs were taken from the url column only"
            ));
        }
    }
}

/// True for an `http(s)` URL with a host: autofill rules written as regular
/// expressions are not addresses and are left out.
fn is_web_url(s: &str) -> bool {
    url::Url::parse(s)
        .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::testing::{self, by_title};
    use crate::import::{csv_reader, detect};

    const SAMPLE: &[u8] = include_bytes!("../../sample-exports/protonpass.csv");

    fn run(data: &[u8]) -> Parsed {
        testing::import(&ProtonPass, data)
    }

    #[test]
    fn auto_detection_picks_proton_pass() {
        let t = csv_reader::read(SAMPLE, Default::default()).unwrap();
        assert_eq!(ProtonPass.detect(&t), 100);
        assert_eq!(detect(&t).unwrap().id(), "protonpass");
        for h in HEADERS {
            let t = csv_reader::read(h.join(",").as_bytes(), Default::default()).unwrap();
            assert_eq!(ProtonPass.detect(&t), 100);
        }
        let newer =
            b"type,name,url,email,username,password,note,totp,createTime,modifyTime,vault,folder";
        let t = csv_reader::read(newer, Default::default()).unwrap();
        assert_eq!(ProtonPass.detect(&t), VARIANT_SCORE, "beats a generic 90");
    }

    #[test]
    fn sample_imports() {
        let out = run(SAMPLE);
        assert!(out.skipped.is_empty(), "{:?}", out.skipped);
        assert!(out.warnings.is_empty(), "{:?}", out.warnings);
        assert_eq!(out.rows, 10);
        assert_eq!(out.entries.iter().filter(|e| e.is_account()).count(), 5);

        let gh = by_title(&out, "GitHub");
        assert_eq!(gh.username, "noor-haddad");
        assert_eq!(gh.fields.len(), 1, "the e-mail is kept beside the username");
        assert!(gh.has_totp());
        assert_eq!(gh.created, Some(1_709_301_420));
        assert_eq!(gh.folder.as_deref(), Some("Personal"));

        let google = by_title(&out, "Google");
        assert_eq!(
            google.urls,
            vec![
                "https://accounts.google.com/",
                "https://mail.google.com/",
                "https://myaccount.google.com/"
            ],
            "url column plus the non-default autofill URL"
        );
        assert_eq!(google.username, "noor.haddad@gmail.com");

        let card = by_title(&out, "Visa Debit");
        assert_eq!(card.kind, EntryKind::Card);
        assert!(!card.is_account());
        assert!(card.notes.expose().starts_with("{\"cardholderName\""));
        assert!(card.fields.is_empty());
        assert_eq!(by_title(&out, "Noor Haddad").kind, EntryKind::Identity);
        assert_eq!(by_title(&out, "Shopping alias").kind, EntryKind::Other);
        let wifi = by_title(&out, "Office Wi-Fi");
        assert_eq!(wifi.kind, EntryKind::Other, "unknown newer type");
        assert!(!wifi.is_account());
        let note = by_title(&out, "Backup codes: GitHub");
        assert_eq!(note.kind, EntryKind::Note);
        assert_eq!(note.notes.expose().lines().count(), 6);
        assert_eq!(by_title(&out, "Slack").folder.as_deref(), Some("Work"));
    }

    #[test]
    fn older_shapes_and_ragged_rows() {
        let data = b"type,name,url,username,password,note,totp,createTime,modifyTime\r\n\
login,Old,\"https://a.example, https://b.example\",me@example.org,pw,,,1600000000,1600000001\r\n\
login,Short,https://c.example\r\n\
mystery,Future thing,,,pw2,,,1,2";
        let out = run(data);
        assert_eq!(out.rows, 3);
        assert_eq!(out.skipped.len(), 1);
        assert_eq!(out.skipped[0].line, 3);
        let old = &out.entries[0];
        assert_eq!(old.urls, vec!["https://a.example", "https://b.example"]);
        assert_eq!(old.username, "me@example.org");
        assert!(old.is_account());
        assert_eq!(out.entries[1].kind, EntryKind::Other);
        assert!(!out.entries[1].is_account());
    }

    #[test]
    fn broken_autofill_json_is_a_warning() {
        let data = b"type,name,url,autofillUrls,email,username,password,note,totp,createTime,modifyTime,vault\n\
login,X,https://x.example,[not json,,x,pw,,,1,2,V\n";
        let out = run(data);
        assert_eq!(out.entries[0].urls, vec!["https://x.example"]);
        assert_eq!(out.warnings.len(), 1);
    }
}
