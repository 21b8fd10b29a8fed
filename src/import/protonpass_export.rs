//! Proton Pass export zip (`Proton Pass/data.json`), also read as that JSON
//! alone: vaults → items. Logins (username or e-mail, password, URLs),
//! TOTP (`content.totpUri`, else the first extra field of type `totp`),
//! extra fields, passkeys (relying party and user name only), notes, trash
//! (`state: 2`, excluded and counted) and the item's `createTime` /
//! `modifyTime` (item-level dates: `modified`, never `password_changed`).
//!
//! The PGP-encrypted export (`Proton Pass/data.pgp` in the zip, or the
//! armored file alone) is decrypted with its passphrase ([`super::openpgp`]:
//! symmetric OpenPGP, integrity-protected): a wrong passphrase is
//! `wrong password or key file`, a failed integrity check (MDC) is a
//! damaged file; the decrypted JSON stays in a zeroizing buffer.

use serde::Deserialize;

use zeroize::Zeroizing;

use super::unlock::{Password, UnlockSettings};
use super::{Parsed, archive, json, openpgp};
use crate::error::InputError;
use crate::model::{Capabilities, Entry, EntryKind, Field, FormatInfo, Layout, Passkey, Secret};

pub const ID: &str = "protonpass-export";
pub const NAME: &str = "Proton Pass export (zip with data.json or PGP-encrypted data.pgp)";
pub const SIGNATURE: &str = "zip holding Proton Pass/data.json or data.pgp; data.json (JSON with userId, version and vaults); an armored PGP message (data.pgp)";

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
    aliases: &["protonpass-zip", "protonpass-json", "protonpass-pgp"],
    name: NAME,
    signature: SIGNATURE,
    layout: Layout::Structured,
    capabilities: CAPABILITIES,
    ..FormatInfo::BASE
};

/// True for an armored OpenPGP message (Proton Pass `data.pgp`).
pub fn is_pgp(data: &[u8]) -> bool {
    openpgp::is_armored(data)
}

fn pgp_error(file: &str, err: openpgp::Error) -> InputError {
    let message = match err {
        openpgp::Error::Damaged(why) => format!(
            "the PGP-encrypted Proton Pass export is damaged or was altered ({why}); nothing was read from it"
        ),
        openpgp::Error::Unsupported(what) => format!(
            "the PGP-encrypted Proton Pass export uses {what}, which vaultlint does not read; nothing was read from it"
        ),
        openpgp::Error::WrongPassphrase => {
            return InputError::WrongPassword {
                path: file.to_owned(),
            };
        }
    };
    InputError::Damaged {
        path: file.to_owned(),
        message,
    }
}

/// Decrypts a PGP-encrypted export (armored or binary) with its passphrase
/// ([`openpgp`]: SKESK v4 + SEIPD v1, the MDC checked before anything is
/// parsed).
fn decrypt_pgp(
    data: &[u8],
    file: &str,
    member: &str,
    unlock: &UnlockSettings,
) -> Result<Zeroizing<Vec<u8>>, InputError> {
    // Parsed once up front so a damaged or unsupported file is told apart
    // from a wrong passphrase before anyone is asked for one.
    let message = openpgp::Message::parse(data).map_err(|e| pgp_error(file, e))?;
    unlock.unlock(file, member, false, |password: &Password| {
        let Some(password) = password else {
            return Ok(None);
        };
        eprintln!("unlocking {file}…");
        match message.decrypt(password.as_bytes()) {
            Ok(plain) => Ok(Some(plain)),
            Err(openpgp::Error::WrongPassphrase) => Ok(None),
            Err(e) => Err(pgp_error(file, e)),
        }
    })
}

/// Writes `plain` as a passphrase-encrypted, armored OpenPGP message, the
/// way Proton Pass writes `data.pgp` (AES-256, iterated and salted S2K,
/// integrity-protected). `seed` makes it reproducible (the project's
/// sample); used by the tests and `make-structured-samples`.
pub fn encrypt_pgp(plain: &[u8], passphrase: &str, seed: u64) -> String {
    use rand::SeedableRng as _;
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let binary = openpgp::encrypt(
        plain,
        passphrase.as_bytes(),
        &mut rng,
        openpgp::Options::default(),
    );
    openpgp::armor(&binary)
}

/// True for a zip holding a Proton Pass `data.json` (or `data.pgp`).
pub fn is_proton_zip(names: &[String]) -> bool {
    names.iter().any(|n| is_data_json(n) || is_data_pgp(n))
}

fn is_data_json(name: &str) -> bool {
    name == "data.json" || name.ends_with("/data.json")
}

fn is_data_pgp(name: &str) -> bool {
    name == "data.pgp" || name.ends_with("/data.pgp")
}

#[derive(Deserialize, Default)]
struct Export {
    encrypted: Option<bool>,
    #[serde(default)]
    vaults: std::collections::BTreeMap<String, Vault>,
}

#[derive(Deserialize, Default)]
struct Vault {
    name: Option<String>,
    #[serde(default)]
    items: Vec<Item>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct Item {
    #[serde(default)]
    data: ItemData,
    state: Option<u8>,
    alias_email: Option<String>,
    create_time: Option<i64>,
    modify_time: Option<i64>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct ItemData {
    #[serde(default)]
    metadata: Metadata,
    #[serde(default)]
    extra_fields: Vec<ExtraField>,
    #[serde(rename = "type")]
    kind: Option<String>,
    #[serde(default)]
    content: Content,
}

#[derive(Deserialize, Default)]
struct Metadata {
    name: Option<String>,
    note: Option<Secret>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct ExtraField {
    field_name: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    #[serde(default)]
    data: ExtraData,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct ExtraData {
    content: Option<Secret>,
    totp_uri: Option<Secret>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct Content {
    item_email: Option<String>,
    item_username: Option<String>,
    /// Older exports: `username` only.
    username: Option<String>,
    password: Option<Secret>,
    #[serde(default)]
    urls: Vec<String>,
    totp_uri: Option<Secret>,
    #[serde(default)]
    passkeys: Vec<ProtonPasskey>,
}

/// Who a passkey is for (its key is not a field here).
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct ProtonPasskey {
    rp_id: Option<String>,
    domain: Option<String>,
    user_name: Option<String>,
    create_time: Option<i64>,
}

/// Reads a Proton Pass export zip, its `data.json` given alone, or its
/// PGP-encrypted `data.pgp` (in the zip or alone).
pub fn import(
    data: &[u8],
    file: &str,
    member: &str,
    unlock: &UnlockSettings,
) -> Result<Parsed, InputError> {
    if archive::is_zip(data) {
        if let Some((name, member_data)) = archive::read_member(data, file, is_data_json)? {
            return import_json(&member_data, &format!("{file}: {name}"));
        }
        if let Some((_, pgp)) = archive::read_member(data, file, is_data_pgp)? {
            let plain = decrypt_pgp(&pgp, file, member, unlock)?;
            drop(pgp);
            return import_json(&plain, file);
        }
        return Err(InputError::Damaged {
            path: file.to_owned(),
            message: "this zip has no Proton Pass data.json".into(),
        });
    }
    if is_pgp(data) {
        let plain = decrypt_pgp(data, file, member, unlock)?;
        return import_json(&plain, file);
    }
    import_json(data, file)
}

fn import_json(data: &[u8], file: &str) -> Result<Parsed, InputError> {
    let export: Export = json::parse(data, file, "Proton Pass export")?;
    if export.encrypted == Some(true) {
        return Err(InputError::Locked {
            path: file.to_owned(),
            message: "this Proton Pass export is encrypted; export it unencrypted".into(),
        });
    }
    let mut out = Parsed::default();
    for vault in export.vaults.into_values() {
        for item in vault.items {
            out.rows += 1;
            let row = out.rows as u64;
            out.push(map_item(item, row, vault.name.as_deref()));
        }
    }
    Ok(out)
}

fn map_item(item: Item, row: u64, vault: Option<&str>) -> Entry {
    let ItemData {
        metadata,
        extra_fields,
        kind,
        content,
    } = item.data;
    let kind = match kind.as_deref() {
        Some("login") => EntryKind::Login,
        Some("note") => EntryKind::Note,
        Some("creditCard") => EntryKind::Card,
        Some("identity") => EntryKind::Identity,
        _ => EntryKind::Other,
    };
    let mut e = Entry::new(kind, row);
    e.title = metadata.name.unwrap_or_default();
    e.notes = metadata.note.unwrap_or_default();
    e.folder = vault.map(str::to_owned);
    e.deleted = item.state == Some(2);
    e.created = item.create_time;
    e.modified = item.modify_time;
    let username = content
        .item_username
        .filter(|u| !u.is_empty())
        .or(content.username.filter(|u| !u.is_empty()));
    let email = content.item_email.filter(|u| !u.is_empty());
    e.username = username
        .clone()
        .or(email.clone())
        .or(item.alias_email)
        .unwrap_or_default();
    if let (Some(_), Some(email)) = (&username, email) {
        e.fields.push(Field::new("email", email));
    }
    e.password = content.password.filter(|p| !p.is_empty());
    e.urls = content
        .urls
        .iter()
        .filter_map(|u| super::util::non_empty(u))
        .collect();
    e.totp = content.totp_uri.filter(|t| !t.expose().trim().is_empty());
    for f in extra_fields {
        let name = f.field_name.unwrap_or_default();
        if f.kind.as_deref() == Some("totp") {
            let Some(uri) = f.data.totp_uri.filter(|t| !t.expose().trim().is_empty()) else {
                continue;
            };
            if e.totp.is_none() {
                e.totp = Some(uri);
            } else {
                e.fields.push(Field { name, value: uri });
            }
            continue;
        }
        if let Some(value) = f.data.content.filter(|v| !v.is_empty()) {
            e.fields.push(Field { name, value });
        }
    }
    e.set_passkeys(
        content
            .passkeys
            .into_iter()
            .map(|p| Passkey {
                relying_party: p.rp_id.or(p.domain).unwrap_or_default(),
                user_name: p.user_name.unwrap_or_default(),
                created: p.create_time,
            })
            .collect(),
    );
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    const DATA: &str = r#"{"version": "1.2.3", "userId": "u", "encrypted": false, "vaults": {"s1": {"name": "Personal", "items": [
  {"data": {"metadata": {"name": "Mail", "note": "", "itemUuid": "1"},
            "extraFields": [{"fieldName": "TOTP 2", "type": "totp", "data": {"totpUri": "otpauth://totp/b?secret=DEF"}},
                            {"fieldName": "Backup codes", "type": "hidden", "data": {"content": "1111 2222"}}],
            "type": "login",
            "content": {"itemEmail": "ann@example.org", "password": "pw-mail-1", "urls": ["https://mail.example"],
                        "totpUri": "", "passkeys": [{"keyId": "k", "content": "KEYMATERIAL", "domain": "mail.example",
                        "rpId": "mail.example", "userName": "ann", "createTime": 1700000000}], "itemUsername": ""}},
   "state": 1, "createTime": 1600000000, "modifyTime": 1700000000},
  {"data": {"metadata": {"name": "Gone"}, "type": "login", "content": {"password": "pw-gone"}}, "state": 2},
  {"data": {"metadata": {"name": "Alias"}, "type": "alias", "content": {}}, "state": 1, "aliasEmail": "x@alias.example"}
]}}}"#;

    #[test]
    fn data_json_reads_logins_totp_fields_passkeys_trash_and_item_dates() {
        let out = import(DATA.as_bytes(), "data.json", "m", &no_unlock()).unwrap();
        assert_eq!(out.rows, 3);
        let m = &out.entries[0];
        assert!(m.is_account());
        assert_eq!(m.username, "ann@example.org");
        assert!(m.has_totp(), "the totp extra field stands in for totpUri");
        assert_eq!(m.fields.len(), 1);
        assert_eq!(m.passkeys()[0].relying_party, "mail.example");
        assert_eq!(m.modified, Some(1_700_000_000));
        assert_eq!(m.password_changed(), None, "modifyTime is item-level");
        assert!(out.entries[1].deleted);
        assert_eq!(out.entries[2].kind, EntryKind::Other);
    }

    fn no_unlock() -> UnlockSettings {
        UnlockSettings {
            no_prompt: true,
            ..Default::default()
        }
    }

    #[test]
    fn the_export_zip_is_read() {
        let zip = archive::testing::zip(&[("Proton Pass/data.json", DATA.as_bytes())]);
        assert!(is_proton_zip(&archive::names(&zip).unwrap()));
        assert_eq!(import(&zip, "p.zip", "m", &no_unlock()).unwrap().rows, 3);
    }

    #[test]
    fn the_pgp_export_opens_with_its_passphrase_and_fails_clearly_otherwise() {
        let armored = encrypt_pgp(DATA.as_bytes(), "open sesame", 5);
        assert!(is_pgp(armored.as_bytes()) && !armored.contains("pw-mail-1"));
        let dir = tempfile::tempdir().unwrap();
        let pw = |p: &str| {
            let path = dir.path().join(p.replace(' ', "_"));
            std::fs::write(&path, p).unwrap();
            UnlockSettings {
                password_file: Some(path),
                no_prompt: true,
                ..Default::default()
            }
        };
        let out = import(armored.as_bytes(), "data.pgp", "m", &pw("open sesame")).unwrap();
        assert_eq!(out.rows, 3);
        assert_eq!(out.entries[0].password(), Some("pw-mail-1"));
        // In the zip, as Proton Pass writes it.
        let zip = archive::testing::zip(&[("Proton Pass/data.pgp", armored.as_bytes())]);
        assert_eq!(
            import(&zip, "p.zip", "m", &pw("open sesame")).unwrap().rows,
            3
        );
        let err = import(armored.as_bytes(), "data.pgp", "m", &pw("wrong")).unwrap_err();
        assert_eq!(err.to_string(), "wrong password or key file for data.pgp");
        let err = import(armored.as_bytes(), "data.pgp", "m", &no_unlock()).unwrap_err();
        assert!(err.to_string().contains("--password-file"), "{err}");
        // A flipped character inside the armored payload is an error naming
        // the file (damaged, or indistinguishable from a wrong passphrase),
        // never garbage read as data.
        let mut flipped = armored.clone().into_bytes();
        let at = armored.len() / 2;
        flipped[at] = if flipped[at] == b'A' { b'B' } else { b'A' };
        let err = import(&flipped, "data.pgp", "m", &pw("open sesame")).unwrap_err();
        assert!(err.to_string().contains("data.pgp"), "{err}");
        let cut = &armored.as_bytes()[..armored.len() / 2];
        let err = import(cut, "data.pgp", "m", &pw("open sesame")).unwrap_err();
        assert!(err.to_string().starts_with("data.pgp"), "{err}");
    }
}
