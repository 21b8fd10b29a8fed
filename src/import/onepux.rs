//! 1Password 1PUX: a zip holding `export.data` (JSON: accounts → vaults →
//! items), also read as that JSON alone. Logins (username and password
//! from `loginFields`), Password items (`details.password`), sections with
//! their custom fields, TOTP fields (`value.totp`), passkeys (see below),
//! password history,
//! documents (file name and size), archived items (kept as accounts, as in
//! the CSV, with a warning) and trashed ones (excluded and counted),
//! `createdAt`/`updatedAt`.
//!
//! Passkeys: 1Password keeps a passkey's public part in
//! `overview.passkey` (`credentialId`, `rpId`, `userHandle`) and its private
//! key in `details.passkey.privateKey`. vaultlint reads the relying party
//! and only whether a private key is there (never the key: it is skipped
//! unread). A passkey whose private key is gone (an "orphaned" passkey,
//! which 1Password items edited as JSON can end up with) cannot sign in: it
//! is not counted, and a warning says how many there were.

use serde::Deserialize;
use serde_json::Value;

use super::{Parsed, archive, json};
use crate::error::InputError;
use crate::model::{
    Attachment, Capabilities, Entry, EntryKind, Field, FormatInfo, Layout, OldPassword, Passkey,
    Secret,
};

pub const ID: &str = "1pux";
pub const NAME: &str = "1Password 1PUX export (zip with export.data)";
pub const SIGNATURE: &str = "zip holding export.data (JSON with accounts → vaults → items)";

pub const CAPABILITIES: Capabilities = Capabilities {
    notes: true,
    custom_fields: true,
    totp: true,
    attachments: true,
    history: true,
    passkeys: true,
};

/// The format's facts (see [`crate::model::FormatInfo`]).
pub const FORMAT: FormatInfo = FormatInfo {
    id: ID,
    aliases: &["1password-1pux"],
    name: NAME,
    signature: SIGNATURE,
    layout: Layout::Structured,
    capabilities: CAPABILITIES,
    ..FormatInfo::BASE
};

/// True for a zip holding `export.data`.
pub fn is_1pux(names: &[String]) -> bool {
    names.iter().any(|n| n == "export.data")
}

#[derive(Deserialize, Default)]
struct ExportData {
    #[serde(default)]
    accounts: Vec<Account>,
}

#[derive(Deserialize, Default)]
struct Account {
    #[serde(default)]
    vaults: Vec<Vault>,
}

#[derive(Deserialize, Default)]
struct Vault {
    attrs: Option<VaultAttrs>,
    #[serde(default)]
    items: Vec<Item>,
}

#[derive(Deserialize, Default)]
struct VaultAttrs {
    name: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct Item {
    created_at: Option<i64>,
    updated_at: Option<i64>,
    state: Option<String>,
    trashed: Option<bool>,
    category_uuid: Option<String>,
    #[serde(default)]
    details: Details,
    #[serde(default)]
    overview: Overview,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct Details {
    #[serde(default)]
    login_fields: Vec<LoginField>,
    notes_plain: Option<Secret>,
    #[serde(default)]
    sections: Vec<Section>,
    #[serde(default)]
    password_history: Vec<HistoryEntry>,
    password: Option<Secret>,
    document_attributes: Option<Document>,
    passkey: Option<PasskeyKey>,
}

#[derive(Deserialize, Default)]
struct LoginField {
    value: Option<Secret>,
    name: Option<String>,
    designation: Option<String>,
}

#[derive(Deserialize, Default)]
struct Section {
    title: Option<String>,
    #[serde(default)]
    fields: Vec<SectionField>,
}

#[derive(Deserialize, Default)]
struct SectionField {
    title: Option<String>,
    /// `{ "<kind>": value }`: `concealed`, `string`, `totp`, `email`...
    value: Option<SectionValue>,
}

/// A section field's value: its kind and text. Read as a map of one key;
/// the text is held as a [`Secret`] (concealed fields are passwords).
struct SectionValue {
    kind: String,
    text: Secret,
}

impl<'de> Deserialize<'de> for SectionValue {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let map: std::collections::BTreeMap<String, Value> =
            std::collections::BTreeMap::deserialize(d)?;
        let (kind, value) = map.into_iter().next().unwrap_or_default();
        let text = match value {
            Value::String(s) => Secret::from(s),
            Value::Number(n) => Secret::new(n.to_string()),
            Value::Bool(b) => Secret::new(b.to_string()),
            // `email` is `{ "email_address": ... }`; other objects (an
            // address) are not kept as text.
            Value::Object(o) => match o.get("email_address") {
                Some(Value::String(s)) => Secret::new(s.as_str()),
                _ => Secret::default(),
            },
            _ => Secret::default(),
        };
        Ok(SectionValue { kind, text })
    }
}

#[derive(Deserialize, Default)]
struct HistoryEntry {
    value: Option<Secret>,
    time: Option<i64>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct Document {
    file_name: Option<String>,
    decrypted_size: Option<u64>,
}

/// A passkey's public part (`overview.passkey`): who it is for. The
/// credential id and user handle are not read.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct PasskeyMeta {
    rp_id: Option<String>,
    user_name: Option<String>,
    created_at: Option<i64>,
}

/// A passkey's private part (`details.passkey`): only whether the private
/// key is there; the key itself is skipped unread. Some writers also put
/// the public fields here, so they are read as a fallback.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct PasskeyKey {
    private_key: Option<serde::de::IgnoredAny>,
    rp_id: Option<String>,
    user_name: Option<String>,
    created_at: Option<i64>,
}

#[derive(Deserialize, Default)]
struct Overview {
    title: Option<String>,
    passkey: Option<PasskeyMeta>,
    url: Option<String>,
    #[serde(default)]
    urls: Vec<Url>,
    #[serde(default)]
    tags: Vec<String>,
}

#[derive(Deserialize, Default)]
struct Url {
    url: Option<String>,
}

/// Reads a 1PUX zip, or its `export.data` JSON given alone.
pub fn import(data: &[u8], file: &str) -> Result<Parsed, InputError> {
    if archive::is_zip(data) {
        let (_, member) =
            archive::read_member(data, file, |n| n == "export.data")?.ok_or_else(|| {
                InputError::Damaged {
                    path: file.to_owned(),
                    message: "this zip has no export.data: it is not a 1PUX export".into(),
                }
            })?;
        return import_data(&member, &format!("{file}: export.data"));
    }
    import_data(data, file)
}

fn import_data(data: &[u8], file: &str) -> Result<Parsed, InputError> {
    let export: ExportData = json::parse(data, file, "1PUX export.data")?;
    let mut out = Parsed::default();
    let mut archived = 0;
    let mut orphaned = 0;
    for account in export.accounts {
        for vault in account.vaults {
            let vault_name = vault.attrs.and_then(|a| a.name);
            for item in vault.items {
                out.rows += 1;
                let row = out.rows as u64;
                let e = map_item(item, row, vault_name.as_deref(), &mut orphaned);
                if e.kind == EntryKind::Login
                    && !e.deleted
                    && e.tags().iter().any(|t| t == "archived")
                {
                    archived += 1;
                }
                out.push(e);
            }
        }
    }
    if archived > 0 {
        out.warn(format!(
            "{archived} archived item(s) audited as accounts (1Password still holds them)"
        ));
    }
    if orphaned > 0 {
        out.warn(format!(
            "{orphaned} passkey(s) without their private key not counted (1Password keeps only their public part: they cannot sign in)"
        ));
    }
    Ok(out)
}

/// The item's passkey, if it can sign in: its public part (or the private
/// part's copy of it) with a private key present. `orphaned` counts those
/// whose private key is missing.
fn passkey(
    meta: Option<PasskeyMeta>,
    key: Option<PasskeyKey>,
    username: &str,
    url: Option<&str>,
    orphaned: &mut usize,
) -> Option<Passkey> {
    if meta.is_none() && key.is_none() {
        return None;
    }
    let key = key.unwrap_or_default();
    if key.private_key.is_none() {
        *orphaned += 1;
        return None;
    }
    let meta = meta.unwrap_or_default();
    let named = |r: &String| !r.trim().is_empty();
    let relying_party = meta
        .rp_id
        .filter(named)
        .or(key.rp_id.filter(named))
        .or_else(|| url.and_then(crate::site::host))
        .unwrap_or_default();
    Some(Passkey {
        relying_party,
        user_name: meta
            .user_name
            .or(key.user_name)
            .unwrap_or_else(|| username.to_owned()),
        created: meta.created_at.or(key.created_at),
    })
}

fn map_item(item: Item, row: u64, vault: Option<&str>, orphaned: &mut usize) -> Entry {
    let category = item.category_uuid.as_deref().unwrap_or("");
    let kind = match category {
        "001" | "005" => EntryKind::Login,
        "002" => EntryKind::Card,
        "003" => EntryKind::Note,
        "004" => EntryKind::Identity,
        _ => EntryKind::Other,
    };
    let mut e = Entry::new(kind, row);
    let Details {
        login_fields,
        notes_plain,
        sections,
        password_history,
        password,
        document_attributes,
        passkey,
    } = item.details;
    let passkey_meta = item.overview.passkey;
    e.title = item.overview.title.unwrap_or_default();
    e.folder = vault.map(str::to_owned);
    e.set_tags(item.overview.tags);
    let state = item.state.as_deref().unwrap_or("active");
    e.deleted = item.trashed == Some(true) || matches!(state, "trashed" | "deleted");
    if state == "archived" {
        e.extra_mut().tags.push("archived".into());
    }
    e.created = item.created_at;
    e.modified = item.updated_at;
    e.notes = notes_plain.unwrap_or_default();
    e.urls = item
        .overview
        .urls
        .into_iter()
        .filter_map(|u| u.url.as_deref().and_then(super::util::non_empty))
        .collect();
    if e.urls.is_empty()
        && let Some(u) = item
            .overview
            .url
            .as_deref()
            .and_then(super::util::non_empty)
    {
        e.urls.push(u);
    }
    for f in login_fields {
        let value = f.value.unwrap_or_default();
        match f.designation.as_deref() {
            Some("username") => e.username = value.expose().to_owned(),
            Some("password") if e.password.is_none() => {
                e.password = Some(value).filter(|p| !p.is_empty())
            }
            _ if !value.is_empty() => e.fields.push(Field {
                name: f.name.unwrap_or_default(),
                value,
            }),
            _ => {}
        }
    }
    if e.password.is_none() {
        e.password = password.filter(|p| !p.is_empty());
    }
    for section in sections {
        let prefix = section.title.filter(|t| !t.trim().is_empty());
        for f in section.fields {
            let Some(v) = f.value else { continue };
            if v.text.expose().trim().is_empty() {
                continue;
            }
            if v.kind == "totp" && e.totp.is_none() {
                e.totp = Some(v.text);
                continue;
            }
            let title = f.title.unwrap_or_default();
            let name = match &prefix {
                Some(p) => format!("{p}: {title}"),
                None => title,
            };
            e.fields.push(Field {
                name,
                value: v.text,
            });
        }
    }
    if let Some(doc) = document_attributes
        && let Some(name) = doc.file_name
    {
        e.extra_mut().attachments.push(Attachment {
            name,
            size: doc.decrypted_size.unwrap_or(0),
        });
    }
    if let Some(p) = self::passkey(
        passkey_meta,
        passkey,
        &e.username,
        e.urls.first().map(String::as_str),
        orphaned,
    ) {
        e.extra_mut().passkeys.push(p);
    }
    let mut history: Vec<OldPassword> = password_history
        .into_iter()
        .filter_map(|h| {
            Some(OldPassword {
                password: h.value.filter(|v| !v.is_empty())?,
                date: h.time,
            })
        })
        .collect();
    super::bitwarden_json::set_history(&mut e, &mut history);
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) const DATA: &str = r#"{"accounts": [{"attrs": {"name": "Ann"}, "vaults": [
 {"attrs": {"name": "Personal"}, "items": [
  {"uuid": "a", "createdAt": 1600000000, "updatedAt": 1700000000, "state": "active", "categoryUuid": "001",
   "details": {"loginFields": [
       {"value": "ann@example.org", "name": "username", "fieldType": "T", "designation": "username"},
       {"value": "Winter2024!", "name": "password", "fieldType": "P", "designation": "password"}],
     "notesPlain": "", "passkey": {"privateKey": "KEYMATERIAL"},
     "sections": [{"title": "Security", "fields": [
       {"title": "one-time password", "id": "TOTP_1", "value": {"totp": "otpauth://totp/a?secret=ABC"}},
       {"title": "recovery codes", "id": "r", "value": {"concealed": "1111-2222"}},
       {"title": "email", "id": "e", "value": {"email": {"email_address": "ann@example.org", "provider": null}}},
       {"title": "empty", "id": "z", "value": {"string": ""}}]}],
     "passwordHistory": [{"value": "Winter2023!", "time": 1690000000}]},
   "overview": {"title": "Example", "url": "https://example.org", "urls": [{"label": "website", "url": "https://example.org"}], "tags": ["t1"],
     "passkey": {"credentialId": "x", "rpId": "example.org", "userHandle": "h"}}},
  {"uuid": "b", "state": "archived", "categoryUuid": "001",
   "details": {"loginFields": [{"value": "pw-archived", "designation": "password"}]},
   "overview": {"title": "Archived"}},
  {"uuid": "c", "categoryUuid": "005", "details": {"password": "only-a-password"}, "overview": {"title": "Pw"}},
  {"uuid": "d", "trashed": true, "categoryUuid": "006",
   "details": {"documentAttributes": {"fileName": "codes.pdf", "decryptedSize": 1234}}, "overview": {"title": "Doc"}}
 ]}]}]}"#;

    #[test]
    fn export_data_reads_logins_sections_totp_passkeys_history_and_state() {
        let out = import(DATA.as_bytes(), "e.data").unwrap();
        assert_eq!(out.rows, 4);
        let a = &out.entries[0];
        assert!(a.is_account());
        assert_eq!(a.username, "ann@example.org");
        assert_eq!(a.password(), Some("Winter2024!"));
        assert!(a.has_totp());
        let names: Vec<&str> = a.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, vec!["Security: recovery codes", "Security: email"]);
        assert_eq!(a.history().len(), 1);
        assert_eq!(a.history()[0].date, Some(1_690_000_000));
        assert_eq!(a.passkeys()[0].relying_party, "example.org");
        assert_eq!(a.passkeys()[0].user_name, "ann@example.org");
        assert_eq!(
            (a.created, a.modified),
            (Some(1_600_000_000), Some(1_700_000_000))
        );
        assert_eq!(a.folder.as_deref(), Some("Personal"));
        assert!(out.entries[1].is_account(), "archived is still held");
        assert!(out.warnings.iter().any(|w| w.contains("1 archived")));
        assert!(out.entries[2].is_account(), "a Password item");
        let doc = &out.entries[3];
        assert!(doc.deleted);
        assert_eq!(doc.attachments()[0].name, "codes.pdf");
    }

    /// 1Password's passkey shape: the public part in `overview.passkey`,
    /// the private key in `details.passkey`. Without its private key a
    /// passkey cannot sign in: not counted, and said.
    #[test]
    fn passkeys_need_their_private_key_and_never_keep_it() {
        let item = |overview_pk: &str, details_pk: &str| {
            format!(
                r#"{{"uuid": "p", "state": "active", "categoryUuid": "001",
                  "details": {{"loginFields": [{{"value": "ann", "designation": "username"}},
                      {{"value": "k8#Qz2!mWp5Lx9Rt", "designation": "password"}}]{details_pk}}},
                  "overview": {{"title": "Shop", "url": "https://www.shop.example/login"{overview_pk}}}}}"#
            )
        };
        let data = format!(
            r#"{{"accounts": [{{"vaults": [{{"items": [{}, {}, {}, {}, {}]}}]}}]}}"#,
            item(
                r#", "passkey": {"credentialId": "c", "rpId": "shop.example", "userHandle": "h"}"#,
                r#", "passkey": {"privateKey": "PRIVATE-KEY-MATERIAL"}"#
            ),
            // Orphaned: the public part only.
            item(
                r#", "passkey": {"credentialId": "c", "rpId": "shop.example", "userHandle": "h"}"#,
                ""
            ),
            // A private key with no public part: the item's site.
            item(
                "",
                r#", "passkey": {"privateKey": {"kty": "EC", "d": "PRIVATE-KEY-MATERIAL"}}"#
            ),
            item("", ""),
            // A blank rpId in the overview does not hide the one beside the key.
            item(
                r#", "passkey": {"credentialId": "c", "rpId": " ", "userHandle": "h"}"#,
                r#", "passkey": {"privateKey": "PRIVATE-KEY-MATERIAL", "rpId": "pay.example"}"#
            ),
        );
        let out = import(data.as_bytes(), "e.data").unwrap();
        let relying: Vec<Vec<&str>> = out
            .entries
            .iter()
            .map(|e| {
                e.passkeys()
                    .iter()
                    .map(|p| p.relying_party.as_str())
                    .collect()
            })
            .collect();
        assert_eq!(
            relying,
            vec![
                vec!["shop.example"],
                vec![],
                vec!["www.shop.example"],
                vec![],
                vec!["pay.example"]
            ]
        );
        assert_eq!(out.entries[0].passkeys()[0].user_name, "ann");
        assert!(
            out.warnings
                .iter()
                .any(|w| w.starts_with("1 passkey(s) without their private key")),
            "{:?}",
            out.warnings
        );
        for e in &out.entries {
            assert!(
                e.fields
                    .iter()
                    .all(|f| !f.value.expose().contains("PRIVATE-KEY")),
                "the private key is never read into a field"
            );
        }
    }

    #[test]
    fn a_1pux_zip_is_read_and_one_without_export_data_is_an_error() {
        let zip = archive::testing::zip(&[
            ("export.attributes", b"{\"version\": 3}"),
            ("export.data", DATA.as_bytes()),
        ]);
        assert!(is_1pux(&archive::names(&zip).unwrap()));
        let out = import(&zip, "a.1pux").unwrap();
        assert_eq!(out.rows, 4);
        let other = archive::testing::zip(&[("x.txt", b"x")]);
        let err = import(&other, "b.1pux").unwrap_err();
        assert!(err.to_string().contains("no export.data"), "{err}");
        let err = import(&zip[..zip.len() / 2], "c.1pux").unwrap_err();
        assert!(err.to_string().starts_with("c.1pux"), "{err}");
    }
}
