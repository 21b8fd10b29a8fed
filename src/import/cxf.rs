//! Credential Exchange Format (CXF, FIDO Alliance) JSON: the exchange
//! header (`accounts` → `items`) or one account object (`items`). Each item
//! holds typed credentials: `basic-auth` (username, password), `totp`,
//! `passkey` (relying party and user name only, never the key), `note`,
//! `custom-fields` (kept as custom fields; an `otpauth://` value is the
//! item's TOTP) and others (cards, identities: kept as non-login items).
//! `creationAt` / `modifiedAt` are item-level dates.

use serde::Deserialize;

use super::json::{self, Text};
use super::{Parsed, util};
use crate::error::InputError;
use crate::model::{Capabilities, Entry, EntryKind, Field, FormatInfo, Layout, Passkey, Secret};

pub const ID: &str = "cxf";
pub const NAME: &str = "Credential Exchange Format (CXF) JSON";
pub const SIGNATURE: &str =
    "JSON with accounts → items (or items) whose entries hold typed \"credentials\"";

pub const CAPABILITIES: Capabilities = Capabilities {
    notes: true,
    custom_fields: true,
    totp: true,
    attachments: false,
    history: false,
    passkeys: true,
};

/// The format's facts (see [`crate::model::FormatInfo`]).
pub const FORMAT: FormatInfo = FormatInfo {
    id: ID,
    aliases: &["cxf-json"],
    name: NAME,
    signature: SIGNATURE,
    layout: Layout::Structured,
    capabilities: CAPABILITIES,
    ..FormatInfo::BASE
};

#[derive(Deserialize, Default)]
struct Header {
    accounts: Option<Vec<Account>>,
    items: Option<Vec<Item>>,
    collections: Option<Vec<Collection>>,
}

#[derive(Deserialize, Default)]
struct Account {
    #[serde(default)]
    items: Vec<Item>,
    #[serde(default)]
    collections: Vec<Collection>,
}

#[derive(Deserialize, Default)]
struct Collection {
    title: Option<String>,
    #[serde(default)]
    items: Vec<LinkedItem>,
}

#[derive(Deserialize, Default)]
struct LinkedItem {
    item: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct Item {
    id: Option<String>,
    creation_at: Option<i64>,
    modified_at: Option<i64>,
    title: Option<String>,
    scope: Option<Scope>,
    #[serde(default)]
    credentials: Vec<Credential>,
    #[serde(default)]
    tags: Vec<String>,
}

#[derive(Deserialize, Default)]
struct Scope {
    #[serde(default)]
    urls: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct Credential {
    #[serde(rename = "type")]
    kind: Option<String>,
    username: Option<Value>,
    password: Option<Value>,
    secret: Option<Text>,
    content: Option<Value>,
    label: Option<String>,
    #[serde(default)]
    fields: Vec<CustomField>,
    rp_id: Option<String>,
    user_name: Option<String>,
}

/// A typed field `{ "value": ..., "fieldType": ... }`, or a bare string
/// (passkey `username`).
#[derive(Default)]
struct Value(Secret);

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Either {
            Typed {
                #[serde(default)]
                value: Text,
            },
            Bare(Text),
        }
        Ok(Value(match Either::deserialize(d)? {
            Either::Typed { value } => value.0,
            Either::Bare(t) => t.0,
        }))
    }
}

#[derive(Deserialize, Default)]
struct CustomField {
    label: Option<String>,
    #[serde(default)]
    value: Text,
}

/// Reads a CXF document.
pub fn import(data: &[u8], file: &str) -> Result<Parsed, InputError> {
    let header: Header = json::parse(data, file, "CXF document")?;
    let mut accounts = header.accounts.unwrap_or_default();
    if let Some(items) = header.items {
        accounts.push(Account {
            items,
            collections: header.collections.unwrap_or_default(),
        });
    }
    let mut out = Parsed::default();
    for account in accounts {
        let folder_of = |id: &Option<String>| {
            let id = id.as_deref()?;
            account
                .collections
                .iter()
                .find(|c| c.items.iter().any(|l| l.item.as_deref() == Some(id)))
                .and_then(|c| c.title.clone())
        };
        let folders: Vec<Option<String>> = account.items.iter().map(|i| folder_of(&i.id)).collect();
        for (item, folder) in account.items.into_iter().zip(folders) {
            out.rows += 1;
            let row = out.rows as u64;
            let mut e = map_item(item, row);
            e.folder = folder;
            out.push(e);
        }
    }
    Ok(out)
}

fn map_item(item: Item, row: u64) -> Entry {
    let kinds: Vec<&str> = item
        .credentials
        .iter()
        .filter_map(|c| c.kind.as_deref())
        .collect();
    let has = |k: &str| kinds.contains(&k);
    let kind = if has("basic-auth") || has("passkey") {
        EntryKind::Login
    } else if has("credit-card") {
        EntryKind::Card
    } else if kinds.iter().any(|k| {
        matches!(
            *k,
            "person-name" | "address" | "identity-document" | "passport" | "drivers-license"
        )
    }) {
        EntryKind::Identity
    } else if has("note") {
        EntryKind::Note
    } else {
        EntryKind::Other
    };
    let mut e = Entry::new(kind, row);
    e.title = item.title.unwrap_or_default();
    e.created = item.creation_at;
    e.modified = item.modified_at;
    e.set_tags(item.tags);
    e.urls = item
        .scope
        .map(|s| s.urls.iter().filter_map(|u| util::non_empty(u)).collect())
        .unwrap_or_default();
    let mut notes: Vec<String> = Vec::new();
    for c in item.credentials {
        match c.kind.as_deref() {
            Some("basic-auth") => {
                if let Some(u) = c.username.filter(|u| !u.0.is_empty())
                    && e.username.is_empty()
                {
                    e.username = u.0.expose().to_owned();
                }
                if let Some(p) = c.password.filter(|p| !p.0.is_empty())
                    && e.password.is_none()
                {
                    e.password = Some(p.0);
                }
            }
            Some("totp") => {
                if let Some(s) = c.secret.filter(|s| !s.0.expose().trim().is_empty())
                    && e.totp.is_none()
                {
                    e.totp = Some(s.0);
                }
            }
            Some("passkey") => {
                let created = e.created;
                e.extra_mut().passkeys.push(Passkey {
                    relying_party: c.rp_id.unwrap_or_default(),
                    user_name: c
                        .user_name
                        .or(c.username.map(|u| u.0.expose().to_owned()))
                        .unwrap_or_default(),
                    created,
                })
            }
            Some("note") => {
                if let Some(v) = c.content.filter(|v| !v.0.is_empty()) {
                    notes.push(v.0.expose().to_owned());
                }
            }
            Some("custom-fields") => {
                let section = c.label.filter(|l| !l.trim().is_empty());
                for f in c.fields {
                    let value = f.value.0;
                    if value.expose().trim().is_empty() {
                        continue;
                    }
                    if value.expose().trim_start().starts_with("otpauth://") && e.totp.is_none() {
                        e.totp = Some(value);
                        continue;
                    }
                    let label = f.label.unwrap_or_default();
                    let name = match &section {
                        Some(s) => format!("{s}: {label}"),
                        None => label,
                    };
                    e.fields.push(Field { name, value });
                }
            }
            _ => {}
        }
    }
    e.notes = Secret::new(notes.join("\n"));
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"{"version": {"major": 1, "minor": 0}, "exporterRpId": "example.com", "exporterDisplayName": "X", "timestamp": 1700000000,
 "accounts": [{"id": "a", "username": "ann", "email": "ann@example.org",
  "collections": [{"id": "c", "title": "Work", "items": [{"item": "i1"}]}],
  "items": [
   {"id": "i1", "creationAt": 1600000000, "modifiedAt": 1700000000, "title": "Git", "scope": {"urls": ["https://git.example"]},
    "credentials": [
      {"type": "basic-auth", "username": {"fieldType": "string", "value": "ann"}, "password": {"fieldType": "concealed-string", "value": "pw-git-1"}},
      {"type": "totp", "secret": "JBSWY3DPEHPK3PXP", "period": 30, "digits": 6, "algorithm": "sha1"},
      {"type": "passkey", "credentialId": "x", "rpId": "git.example", "username": "ann", "userHandle": "h", "key": "KEYMATERIAL"},
      {"type": "custom-fields", "label": "Recovery", "fields": [{"label": "codes", "value": "1111-2222", "fieldType": "concealed-string"},
                                                          {"label": "empty", "value": "", "fieldType": "string"}]}]},
   {"id": "i2", "title": "Note", "credentials": [{"type": "note", "content": {"fieldType": "string", "value": "hello"}}]},
   {"id": "i3", "title": "Card", "credentials": [{"type": "credit-card", "number": {"value": "4111"}}]}
 ]}]}"#;

    #[test]
    fn reads_logins_totp_passkeys_notes_and_custom_fields() {
        let out = import(DOC.as_bytes(), "x.json").unwrap();
        assert_eq!(out.rows, 3);
        let g = &out.entries[0];
        assert!(g.is_account());
        assert_eq!(
            (g.username.as_str(), g.password()),
            ("ann", Some("pw-git-1"))
        );
        assert!(g.has_totp());
        assert_eq!(g.passkeys()[0].relying_party, "git.example");
        assert_eq!(g.passkeys()[0].user_name, "ann");
        assert_eq!(g.fields.len(), 1);
        assert_eq!(g.fields[0].name, "Recovery: codes");
        assert_eq!(g.folder.as_deref(), Some("Work"));
        assert_eq!(g.urls, vec!["https://git.example"]);
        assert_eq!(out.entries[1].kind, EntryKind::Note);
        assert_eq!(out.entries[1].notes.expose(), "hello");
        assert_eq!(out.entries[2].kind, EntryKind::Card);
    }

    #[test]
    fn a_single_account_object_is_read_too() {
        let doc = r#"{"id": "a", "username": "u", "items": [{"id": "1", "title": "T", "credentials": [
            {"type": "basic-auth", "password": {"value": "pw"}},
            {"type": "custom-fields", "fields": [{"label": "one-time password", "value": "otpauth://totp/a?secret=ABC"}]}]}]}"#;
        let out = import(doc.as_bytes(), "x.json").unwrap();
        assert!(out.entries[0].is_account() && out.entries[0].has_totp());
        assert!(out.entries[0].fields.is_empty());
    }
}
