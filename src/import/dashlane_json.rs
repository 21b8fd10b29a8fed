//! Dashlane's legacy JSON export: `AUTHENTIFIANT` (credentials: `title`,
//! `domain`, `login`, `email`, `secondaryLogin`, `password`, `note`) and
//! other categories (`EMAIL`, cards, identities...), read as non-login
//! items so every row is counted.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde::de::IgnoredAny;

use super::json::{self, Text};
use super::{Parsed, util};
use crate::error::InputError;
use crate::model::{Capabilities, Entry, EntryKind, Field, FormatInfo, Layout};

pub const ID: &str = "dashlane-json";
pub const NAME: &str = "Dashlane JSON (legacy)";
pub const SIGNATURE: &str = "JSON with an AUTHENTIFIANT array";

pub const CAPABILITIES: Capabilities = Capabilities {
    notes: true,
    custom_fields: false,
    totp: false,
    attachments: false,
    history: false,
    passkeys: false,
};

/// The format's facts (see [`crate::model::FormatInfo`]).
pub const FORMAT: FormatInfo = FormatInfo {
    id: ID,
    aliases: &[],
    name: NAME,
    signature: SIGNATURE,
    layout: Layout::Structured,
    capabilities: CAPABILITIES,
    ..FormatInfo::BASE
};

#[derive(Deserialize, Default)]
struct Export {
    #[serde(rename = "AUTHENTIFIANT", default)]
    credentials: Vec<Credential>,
    #[serde(flatten)]
    other: BTreeMap<String, Vec<IgnoredAny>>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct Credential {
    title: Option<String>,
    domain: Option<String>,
    login: Option<String>,
    email: Option<String>,
    secondary_login: Option<String>,
    password: Option<Text>,
    note: Option<Text>,
}

/// Reads a Dashlane legacy JSON export.
pub fn import(data: &[u8], file: &str) -> Result<Parsed, InputError> {
    let export: Export = json::parse(data, file, "Dashlane JSON export")?;
    let mut out = Parsed::default();
    for c in export.credentials {
        out.rows += 1;
        let mut e = Entry::new(EntryKind::Login, out.rows as u64);
        e.title = c.title.unwrap_or_default();
        e.urls = c
            .domain
            .as_deref()
            .and_then(util::non_empty)
            .into_iter()
            .collect();
        let login = c.login.filter(|l| !l.trim().is_empty());
        let email = c.email.filter(|l| !l.trim().is_empty());
        e.username = login.clone().or(email.clone()).unwrap_or_default();
        if let (Some(_), Some(email)) = (&login, email) {
            e.fields.push(Field::new("email", email));
        }
        if let Some(s) = c.secondary_login.filter(|l| !l.trim().is_empty()) {
            e.fields.push(Field::new("secondaryLogin", s));
        }
        e.password = c.password.map(|p| p.0).filter(|p| !p.is_empty());
        e.notes = c.note.unwrap_or_default().0;
        if e.password.is_none() && e.username.is_empty() && e.urls.is_empty() && !e.notes.is_empty()
        {
            e.kind = EntryKind::Note;
        }
        out.push(e);
    }
    for (category, items) in export.other {
        for _ in items {
            out.rows += 1;
            let mut e = Entry::new(EntryKind::Other, out.rows as u64);
            e.title = category.clone();
            out.push(e);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_credentials_and_counts_other_categories() {
        let data = br#"{"AUTHENTIFIANT": [
            {"domain": "https://a.example", "email": "", "login": "ann", "note": "", "password": "pw-a", "secondaryLogin": "", "title": "A"},
            {"domain": "", "email": "", "login": "", "note": "just a note", "password": "", "secondaryLogin": "", "title": "N"}],
          "EMAIL": [{"email": "ann@example.org", "type": "PERSO"}]}"#;
        let out = import(data, "d.json").unwrap();
        assert_eq!(out.rows, 3);
        assert!(out.entries[0].is_account());
        assert_eq!(out.entries[1].kind, EntryKind::Note);
        assert_eq!(out.entries[2].kind, EntryKind::Other);
    }
}
