//! Bitwarden CSV: individual vault (`folder,favorite,type,...`, with or
//! without `reprompt`) and organization vault (`collections,type,...`).
//!
//! `fields` holds `name: value` lines; `login_uri` holds several URIs joined
//! by commas; `type` is `login` or `note`.

use super::{Format, Parsed, Table, header_of, util};
use crate::model::{Capabilities, EntryKind, FormatInfo};

pub struct Bitwarden;

const CORE: &[&str] = &[
    "type",
    "name",
    "notes",
    "fields",
    "login_uri",
    "login_username",
    "login_password",
    "login_totp",
];

/// The format's facts (one place: every list of formats derives from it).
pub const BITWARDEN: FormatInfo = FormatInfo {
    id: "bitwarden",
    name: "Bitwarden (individual or organization vault)",
    signature: "folder,favorite,type,name,notes,fields,reprompt,login_uri,login_username,login_password,login_totp  |  collections,type,name,notes,fields,reprompt,login_uri,...",
    header_words: &[
        "folder",
        "favorite",
        "type",
        "name",
        "notes",
        "fields",
        "reprompt",
        "login_uri",
        "login_username",
        "login_password",
        "login_totp",
        "collections",
    ],
    capabilities: Capabilities {
        notes: true,
        custom_fields: true,
        totp: true,
        ..Capabilities::NONE
    },
    ..FormatInfo::BASE
};

impl Format for Bitwarden {
    fn info(&self) -> &'static FormatInfo {
        &BITWARDEN
    }
    fn detect(&self, table: &Table) -> u8 {
        match header_of(table) {
            Some(h) if h.has_all(CORE) && (h.has("folder") || h.has("collections")) => 100,
            Some(h) if h.has_all(CORE) => 80,
            _ => 0,
        }
    }
    fn import(&self, table: &Table, out: &mut Parsed) {
        util::each_row(table, out, |h, rec, _| {
            let kind = match h.get(rec, "type").trim().to_ascii_lowercase().as_str() {
                "login" => EntryKind::Login,
                "note" => EntryKind::Note,
                "card" => EntryKind::Card,
                "identity" => EntryKind::Identity,
                _ => EntryKind::Other,
            };
            let mut e = util::login(
                rec.line,
                h.get(rec, "name"),
                "",
                h.get(rec, "login_username"),
                h.get(rec, "login_password"),
            );
            e.kind = kind;
            e.urls = util::split_urls(h.get(rec, "login_uri"), ',');
            e.totp = util::totp(h.get(rec, "login_totp"));
            e.notes = h.get(rec, "notes").into();
            e.fields = util::parse_name_value_lines(h.get(rec, "fields")).into();
            e.folder = util::non_empty(h.get(rec, "folder"))
                .or_else(|| util::non_empty(h.get(rec, "collections")));
            Some(e)
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::csv_reader;

    const SAMPLE: &[u8] = b"folder,favorite,type,name,notes,fields,reprompt,login_uri,login_username,login_password,login_totp\r\n\
Social,1,login,Mastodon,,\"Recovery: 1111 2222\nPIN: 42\",0,\"https://a.example,https://b.example\",ann@example.org,pw-one,otpauth://totp/x?secret=ABC\r\n\
,,note,Wifi,the note,,0,,,,";

    #[test]
    fn detects_and_imports() {
        let t = csv_reader::read(SAMPLE, Default::default()).unwrap();
        assert_eq!(Bitwarden.detect(&t), 100);
        let mut out = Parsed::default();
        Bitwarden.import(&t, &mut out);
        assert_eq!(out.rows, 2);
        assert_eq!(out.entries.len(), 2);
        let e = &out.entries[0];
        assert_eq!(e.kind, EntryKind::Login);
        assert_eq!(e.urls, vec!["https://a.example", "https://b.example"]);
        assert_eq!(e.fields.len(), 2);
        assert!(e.has_totp());
        assert_eq!(e.folder.as_deref(), Some("Social"));
        assert_eq!(out.entries[1].kind, EntryKind::Note);
    }
}
