//! Enpass 6 JSON export: `folders` (with `parent_uuid`) and `items`, each
//! with typed `fields` (`username`, `email`, `password`, `url`, `totp`,
//! `section`, `text`...). An empty `totp` field is no 2FA. Trashed items
//! (`trashed: 1`) are excluded and counted; archived ones are kept.

use std::collections::HashMap;

use serde::Deserialize;

use super::json::{self, Text};
use super::{Parsed, util};
use crate::error::InputError;
use crate::model::{Capabilities, Entry, EntryKind, Field, FormatInfo, Layout};

pub const ID: &str = "enpass-json";
pub const NAME: &str = "Enpass JSON";
pub const SIGNATURE: &str =
    "JSON with folders and items whose entries have category, template_type and typed fields";

pub const CAPABILITIES: Capabilities = Capabilities {
    notes: true,
    custom_fields: true,
    totp: true,
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
    #[serde(default)]
    folders: Vec<Folder>,
    #[serde(default)]
    items: Vec<Item>,
}

#[derive(Deserialize, Default)]
struct Folder {
    uuid: Option<String>,
    title: Option<String>,
    parent_uuid: Option<String>,
}

#[derive(Deserialize, Default)]
struct Item {
    title: Option<String>,
    category: Option<String>,
    note: Option<Text>,
    #[serde(default)]
    fields: Vec<ItemField>,
    #[serde(default)]
    folders: Vec<String>,
    trashed: Option<Text>,
    updated_at: Option<i64>,
    #[serde(rename = "createdAt")]
    created_at: Option<i64>,
}

#[derive(Deserialize, Default)]
struct ItemField {
    label: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    #[serde(default)]
    value: Text,
    deleted: Option<Text>,
}

fn truthy(t: &Option<Text>) -> bool {
    t.as_ref().is_some_and(|t| util::parse_bool(t.0.expose()))
}

/// Reads an Enpass JSON export.
pub fn import(data: &[u8], file: &str) -> Result<Parsed, InputError> {
    let export: Export = json::parse(data, file, "Enpass JSON export")?;
    let folders: HashMap<String, (String, Option<String>)> = export
        .folders
        .into_iter()
        .filter_map(|f| {
            Some((
                f.uuid?,
                (
                    f.title.unwrap_or_default(),
                    f.parent_uuid.filter(|p| !p.is_empty()),
                ),
            ))
        })
        .collect();
    let path_of = |uuid: &str| -> Option<String> {
        let mut parts = Vec::new();
        let mut at = Some(uuid.to_owned());
        while let Some(u) = at {
            let (title, parent) = folders.get(&u)?;
            parts.push(title.clone());
            if parts.len() > 32 {
                break;
            }
            at = parent.clone();
        }
        parts.reverse();
        Some(parts.join("/"))
    };
    let mut out = Parsed::default();
    for item in export.items {
        out.rows += 1;
        let row = out.rows as u64;
        let kind = match item.category.as_deref() {
            Some("login" | "password") => EntryKind::Login,
            Some("note") => EntryKind::Note,
            Some("creditcard") => EntryKind::Card,
            Some("identity") => EntryKind::Identity,
            _ => EntryKind::Other,
        };
        let mut e = Entry::new(kind, row);
        e.title = item.title.unwrap_or_default();
        e.notes = item.note.unwrap_or_default().0;
        e.deleted = truthy(&item.trashed);
        e.modified = item.updated_at;
        e.created = item.created_at;
        e.folder = item.folders.first().and_then(|f| path_of(f));
        for f in item.fields {
            if truthy(&f.deleted) {
                continue;
            }
            let value = f.value.0;
            if value.expose().trim().is_empty() {
                continue;
            }
            match f.kind.as_deref() {
                Some("username") if e.username.is_empty() => e.username = value.expose().to_owned(),
                Some("email") if e.username.is_empty() => e.username = value.expose().to_owned(),
                Some("password") if e.password.is_none() => e.password = Some(value),
                Some("url") => e.urls.push(value.expose().trim().to_owned()),
                Some("totp") if e.totp.is_none() => e.totp = Some(value),
                Some("section") => {}
                _ => e.fields.push(Field {
                    name: f.label.unwrap_or_default(),
                    value,
                }),
            }
        }
        out.push(e);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_typed_fields_folders_and_trash_and_empty_totp_is_no_2fa() {
        let data = br#"{"folders": [{"uuid": "f1", "title": "Emails", "parent_uuid": ""},
                                    {"uuid": "f2", "title": "WS", "parent_uuid": "f1"}],
          "items": [
            {"title": "Mail", "category": "login", "template_type": "login.default", "note": "", "folders": ["f2"],
             "updated_at": 1483228800, "fields": [
               {"label": "Username", "type": "username", "value": "ann"},
               {"label": "Password", "type": "password", "value": "pw-1", "sensitive": 1},
               {"label": "Website", "type": "url", "value": "https://mail.example"},
               {"label": "TOTP", "type": "totp", "value": ""},
               {"label": "pin", "type": "text", "value": "1234"}]},
            {"title": "Gone", "category": "login", "template_type": "login.default", "trashed": 1,
             "fields": [{"type": "password", "value": "pw-2"}]}]}"#;
        let out = import(data, "e.json").unwrap();
        assert_eq!(out.rows, 2);
        let m = &out.entries[0];
        assert!(m.is_account() && !m.has_totp());
        assert_eq!(m.folder.as_deref(), Some("Emails/WS"));
        assert_eq!(m.fields.len(), 1);
        assert_eq!(m.modified, Some(1_483_228_800));
        assert!(out.entries[1].deleted);
    }
}
