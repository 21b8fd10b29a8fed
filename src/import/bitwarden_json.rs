//! Bitwarden JSON exports: plain (individual, organization with
//! collections, the older shape without `encrypted`) and password-protected
//! (PBKDF2-SHA256 or Argon2id, AES-256-CBC with HMAC-SHA256 under
//! HKDF-expanded keys). `encKeyValidation_DO_NOT_EDIT` is checked first, so a
//! wrong password is told apart from a damaged file; every encrypted string
//! must pass its HMAC before it is decrypted. An account-restricted export
//! (encrypted with the account key, which is not in the file) cannot be read:
//! the message says to export with a file password instead.
//!
//! Read: logins (URIs, username, password, TOTP), custom fields, password
//! history, passkeys (`fido2Credentials`: relying party, user name, created;
//! never the key), `creationDate`/`revisionDate`, `passwordRevisionDate`
//! (when the password changed), `deletedDate` (trash: excluded and counted)
//! and `reprompt` (the tag `reprompt`).

use std::collections::HashMap;

use aes::cipher::{BlockModeDecrypt, BlockModeEncrypt, KeyIvInit, block_padding::Pkcs7};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use hmac::{KeyInit, Mac};
use serde::Deserialize;
use zeroize::Zeroizing;

use super::Parsed;
use super::json;
use super::unlock::{Password, UnlockSettings};
use crate::error::InputError;
use crate::model::{
    Capabilities, Entry, EntryKind, Field, FormatInfo, Layout, OldPassword, Passkey, Secret,
};

type Sha256 = sha2::Sha256;
type HmacSha256 = hmac::Hmac<Sha256>;

pub const ID: &str = "bitwarden-json";
pub const NAME: &str = "Bitwarden JSON (plain or password-protected; individual or organization)";
pub const SIGNATURE: &str = "JSON with \"items\" and \"folders\"/\"collections\", or \"encrypted\": true with \"passwordProtected\", \"salt\" and \"data\"";

pub const CAPABILITIES: Capabilities = Capabilities {
    notes: true,
    custom_fields: true,
    totp: true,
    attachments: false,
    history: true,
    passkeys: true,
};

/// The format's facts (see [`crate::model::FormatInfo`]).
pub const FORMAT: FormatInfo = FormatInfo {
    id: ID,
    aliases: &["bitwarden-encrypted-json"],
    name: NAME,
    signature: SIGNATURE,
    layout: Layout::Structured,
    capabilities: CAPABILITIES,
    ..FormatInfo::BASE
};

/// The file's envelope: a plain export, or the password-protected wrapper.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct Export {
    encrypted: Option<bool>,
    password_protected: Option<bool>,
    salt: Option<String>,
    kdf_type: Option<u8>,
    kdf_iterations: Option<u32>,
    kdf_memory: Option<u32>,
    kdf_parallelism: Option<u32>,
    #[serde(rename = "encKeyValidation_DO_NOT_EDIT")]
    enc_key_validation: Option<String>,
    data: Option<String>,
    folders: Option<Vec<Named>>,
    collections: Option<Vec<Named>>,
    items: Option<Vec<Item>>,
}

#[derive(Deserialize, Default)]
struct Named {
    id: Option<String>,
    name: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct Item {
    folder_id: Option<String>,
    collection_ids: Option<Vec<Option<String>>>,
    #[serde(rename = "type")]
    kind: Option<u8>,
    reprompt: Option<u8>,
    name: Option<String>,
    notes: Option<Secret>,
    fields: Option<Vec<CustomField>>,
    login: Option<Login>,
    password_history: Option<Vec<History>>,
    creation_date: Option<String>,
    revision_date: Option<String>,
    deleted_date: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct Login {
    uris: Option<Vec<Uri>>,
    username: Option<String>,
    password: Option<Secret>,
    totp: Option<Secret>,
    fido2_credentials: Option<Vec<Fido2>>,
    password_revision_date: Option<String>,
}

#[derive(Deserialize, Default)]
struct Uri {
    uri: Option<String>,
}

/// Who a passkey is for. Its key, credential id and user handle are not
/// fields here, so they are never read into memory kept by the model.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct Fido2 {
    rp_id: Option<String>,
    user_name: Option<String>,
    creation_date: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct History {
    last_used_date: Option<String>,
    password: Option<Secret>,
}

#[derive(Deserialize, Default)]
struct CustomField {
    name: Option<String>,
    value: Option<Secret>,
}

/// Reads `data` (the bytes of `file`, `member`'s export).
pub fn import(
    data: &[u8],
    file: &str,
    member: &str,
    unlock: &UnlockSettings,
) -> Result<Parsed, InputError> {
    let export: Export = json::parse(data, file, "Bitwarden JSON export")?;
    if export.encrypted != Some(true) {
        return Ok(map(export));
    }
    if export.password_protected != Some(true) || export.salt.is_none() {
        return Err(InputError::Locked {
            path: file.to_owned(),
            message: "this Bitwarden export is account restricted: it is encrypted with the account's key, which is not in the file, so it cannot be read: export with a file password instead (Export vault → .json (Encrypted) → Password protected)".into(),
        });
    }
    let kdf = Kdf::of(&export, file)?;
    let salt = export.salt.as_deref().unwrap_or_default();
    let validation = EncString::parse(
        export.enc_key_validation.as_deref().unwrap_or_default(),
        file,
    )?;
    let payload = EncString::parse(export.data.as_deref().unwrap_or_default(), file)?;
    let keys = unlock.unlock(file, member, false, |password: &Password| {
        let Some(password) = password else {
            return Ok(None);
        };
        eprintln!("unlocking {file}…");
        let keys = kdf.derive(password.as_bytes(), salt, file)?;
        // A wrong password fails the validation string's MAC.
        Ok(validation.decrypt(&keys).is_some().then_some(keys))
    })?;
    let plain = payload.decrypt(&keys).ok_or_else(|| InputError::Damaged {
        path: file.to_owned(),
        message: "the encrypted Bitwarden data fails its integrity check (HMAC): the file is damaged or was altered; nothing was read from it".into(),
    })?;
    drop(keys);
    let inner: Export = json::parse(&plain, file, "decrypted Bitwarden export")?;
    drop(plain);
    if inner.encrypted == Some(true) {
        return Err(InputError::Damaged {
            path: file.to_owned(),
            message: "the decrypted Bitwarden data is itself encrypted; nothing was read".into(),
        });
    }
    Ok(map(inner))
}

/// The key derivation of a password-protected export, with bounds: a file
/// asking for more work or memory than Bitwarden allows is refused rather
/// than run.
enum Kdf {
    Pbkdf2 {
        iterations: u32,
    },
    Argon2id {
        iterations: u32,
        memory_mib: u32,
        parallelism: u32,
    },
}

impl Kdf {
    fn of(export: &Export, file: &str) -> Result<Kdf, InputError> {
        let bad = |what: &str| InputError::Damaged {
            path: file.to_owned(),
            message: format!("unsupported key derivation settings ({what}); nothing was read"),
        };
        let iterations = export
            .kdf_iterations
            .ok_or_else(|| bad("no kdfIterations"))?;
        match export.kdf_type.unwrap_or(0) {
            0 if (1..=10_000_000).contains(&iterations) => Ok(Kdf::Pbkdf2 { iterations }),
            0 => Err(bad("PBKDF2 iterations outside 1 to 10,000,000")),
            1 => {
                let memory_mib = export.kdf_memory.unwrap_or(64);
                let parallelism = export.kdf_parallelism.unwrap_or(4);
                if !(1..=100).contains(&iterations)
                    || !(1..=4096).contains(&memory_mib)
                    || !(1..=64).contains(&parallelism)
                {
                    return Err(bad("Argon2id settings outside Bitwarden's limits"));
                }
                Ok(Kdf::Argon2id {
                    iterations,
                    memory_mib,
                    parallelism,
                })
            }
            _ => Err(bad("unknown kdfType")),
        }
    }

    /// The stretched encryption and MAC keys for `password`.
    fn derive(&self, password: &[u8], salt: &str, file: &str) -> Result<Keys, InputError> {
        let mut master = Zeroizing::new([0u8; 32]);
        match *self {
            Kdf::Pbkdf2 { iterations } => {
                pbkdf2::pbkdf2_hmac::<Sha256>(password, salt.as_bytes(), iterations, &mut *master)
            }
            Kdf::Argon2id {
                iterations,
                memory_mib,
                parallelism,
            } => {
                use sha2::Digest as _;
                let salt = Sha256::digest(salt.as_bytes());
                let params =
                    argon2::Params::new(memory_mib * 1024, iterations, parallelism, Some(32))
                        .map_err(|e| InputError::Damaged {
                            path: file.to_owned(),
                            message: format!("unsupported Argon2id settings ({e})"),
                        })?;
                argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params)
                    .hash_password_into(password, &salt, &mut *master)
                    .map_err(|e| InputError::Damaged {
                        path: file.to_owned(),
                        message: format!("Argon2id failed ({e})"),
                    })?;
            }
        }
        Ok(Keys::stretch(&master))
    }
}

/// The encryption key and the MAC key.
struct Keys {
    enc: Zeroizing<[u8; 32]>,
    mac: Zeroizing<[u8; 32]>,
}

impl Keys {
    /// HKDF-Expand-SHA256 of the master key with `enc` and `mac`.
    fn stretch(master: &[u8; 32]) -> Keys {
        let hk = hkdf::Hkdf::<Sha256>::from_prk(master).expect("32-byte PRK");
        let mut enc = Zeroizing::new([0u8; 32]);
        let mut mac = Zeroizing::new([0u8; 32]);
        hk.expand(b"enc", &mut *enc).expect("32 bytes");
        hk.expand(b"mac", &mut *mac).expect("32 bytes");
        Keys { enc, mac }
    }
}

/// A Bitwarden encrypted string `2.iv|ciphertext|mac` (AES-256-CBC,
/// HMAC-SHA256 over iv ‖ ciphertext).
struct EncString {
    iv: [u8; 16],
    ct: Vec<u8>,
    mac: Vec<u8>,
}

impl EncString {
    fn parse(s: &str, file: &str) -> Result<EncString, InputError> {
        let bad = |why: &str| InputError::Damaged {
            path: file.to_owned(),
            message: format!("an encrypted value is malformed ({why}); nothing was read"),
        };
        let Some(body) = s.strip_prefix("2.") else {
            return Err(bad(
                "not the type-2 AES-256-CBC-HMAC-SHA256 encryption a password-protected export uses",
            ));
        };
        let mut parts = body.split('|');
        let mut part = || -> Result<Vec<u8>, InputError> {
            let p = parts.next().ok_or_else(|| bad("missing part"))?;
            B64.decode(p.trim()).map_err(|_| bad("invalid base64"))
        };
        let iv = part()?;
        let ct = part()?;
        let mac = part()?;
        let iv: [u8; 16] = iv.try_into().map_err(|_| bad("IV is not 16 bytes"))?;
        if ct.is_empty() || ct.len() % 16 != 0 {
            return Err(bad("ciphertext is not whole AES blocks (truncated?)"));
        }
        Ok(EncString { iv, ct, mac })
    }

    /// The plaintext, or `None` when the MAC does not match (wrong key or
    /// altered data): nothing is decrypted before the MAC passes.
    fn decrypt(&self, keys: &Keys) -> Option<Zeroizing<Vec<u8>>> {
        let mut mac = <HmacSha256 as KeyInit>::new_from_slice(&*keys.mac).ok()?;
        mac.update(&self.iv);
        mac.update(&self.ct);
        mac.verify_slice(&self.mac).ok()?;
        let mut buf = Zeroizing::new(self.ct.clone());
        let len = cbc::Decryptor::<aes::Aes256>::new((&*keys.enc).into(), (&self.iv).into())
            .decrypt_padded::<Pkcs7>(&mut buf)
            .ok()?
            .len();
        buf.truncate(len);
        Some(buf)
    }

    fn encrypt(plain: &[u8], keys: &Keys, iv: [u8; 16]) -> String {
        let mut buf = vec![0u8; plain.len() + 16];
        buf[..plain.len()].copy_from_slice(plain);
        let ct = cbc::Encryptor::<aes::Aes256>::new((&*keys.enc).into(), (&iv).into())
            .encrypt_padded::<Pkcs7>(&mut buf, plain.len())
            .expect("room for padding")
            .to_vec();
        let mut mac = <HmacSha256 as KeyInit>::new_from_slice(&*keys.mac).expect("any key");
        mac.update(&iv);
        mac.update(&ct);
        let tag = mac.finalize().into_bytes();
        format!(
            "2.{}|{}|{}",
            B64.encode(iv),
            B64.encode(&ct),
            B64.encode(tag)
        )
    }
}

/// How [`encrypt`] derives its key.
#[derive(Debug, Clone, Copy)]
pub enum Protect {
    Pbkdf2 {
        iterations: u32,
    },
    Argon2id {
        iterations: u32,
        memory_mib: u32,
        parallelism: u32,
    },
}

/// Writes a password-protected Bitwarden export of `plain` (a plain JSON
/// export), as Bitwarden does. `seed` makes the salt and IVs (so the
/// project's sample is reproducible); real exports use random ones. Used by
/// the tests and by `cargo run --example make-structured-samples`.
pub fn encrypt(plain: &[u8], password: &str, protect: Protect, seed: u64) -> String {
    use rand::{Rng as _, SeedableRng as _};
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let salt = B64.encode(rng.r#gen::<[u8; 16]>());
    let (kdf, settings) = match protect {
        Protect::Pbkdf2 { iterations } => (
            Kdf::Pbkdf2 { iterations },
            format!("\"kdfType\": 0,\n  \"kdfIterations\": {iterations},"),
        ),
        Protect::Argon2id {
            iterations,
            memory_mib,
            parallelism,
        } => (
            Kdf::Argon2id {
                iterations,
                memory_mib,
                parallelism,
            },
            format!(
                "\"kdfType\": 1,\n  \"kdfIterations\": {iterations},\n  \"kdfMemory\": {memory_mib},\n  \"kdfParallelism\": {parallelism},"
            ),
        ),
    };
    let keys = kdf
        .derive(password.as_bytes(), &salt, "")
        .expect("valid KDF");
    let validation = EncString::encrypt(
        uuid_like(&mut rng).as_bytes(),
        &keys,
        rng.r#gen::<[u8; 16]>(),
    );
    let data = EncString::encrypt(plain, &keys, rng.r#gen::<[u8; 16]>());
    format!(
        "{{\n  \"encrypted\": true,\n  \"passwordProtected\": true,\n  \"salt\": \"{salt}\",\n  {settings}\n  \"encKeyValidation_DO_NOT_EDIT\": \"{validation}\",\n  \"data\": \"{data}\"\n}}\n"
    )
}

fn uuid_like(rng: &mut impl rand::Rng) -> String {
    let b: [u8; 16] = rng.r#gen();
    let h = hex::encode(b);
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

/// Maps a plain export's items.
fn map(export: Export) -> Parsed {
    let mut out = Parsed::default();
    let names = |list: &Option<Vec<Named>>| -> HashMap<String, String> {
        list.iter()
            .flatten()
            .filter_map(|n| Some((n.id.clone()?, n.name.clone()?)))
            .collect()
    };
    let folders = names(&export.folders);
    let collections = names(&export.collections);
    for item in export.items.unwrap_or_default() {
        out.rows += 1;
        let row = out.rows as u64;
        out.push(map_item(item, row, &folders, &collections));
    }
    out
}

fn map_item(
    item: Item,
    row: u64,
    folders: &HashMap<String, String>,
    collections: &HashMap<String, String>,
) -> Entry {
    let kind = match item.kind {
        Some(1) => EntryKind::Login,
        // No type at all (hand-made or damaged): a login if it has one.
        None if item.login.is_some() => EntryKind::Login,
        Some(2) => EntryKind::Note,
        Some(3) => EntryKind::Card,
        Some(4) => EntryKind::Identity,
        _ => EntryKind::Other,
    };
    let mut e = Entry::new(kind, row);
    e.title = item.name.unwrap_or_default();
    e.notes = item.notes.unwrap_or_default();
    e.created = json::time(item.creation_date.as_deref());
    e.modified = json::time(item.revision_date.as_deref());
    e.deleted = item.deleted_date.is_some_and(|d| !d.trim().is_empty());
    if item.reprompt.unwrap_or(0) != 0 {
        e.extra_mut().tags.push("reprompt".into());
    }
    e.folder = item
        .folder_id
        .as_ref()
        .and_then(|id| folders.get(id).cloned())
        .or_else(|| {
            let names: Vec<&str> = item
                .collection_ids
                .iter()
                .flatten()
                .flatten()
                .filter_map(|id| collections.get(id).map(String::as_str))
                .collect();
            (!names.is_empty()).then(|| names.join(", "))
        });
    for f in item.fields.unwrap_or_default() {
        // A linked field (type 3) has no value of its own.
        let Some(value) = f.value else { continue };
        e.fields.push(Field {
            name: f.name.unwrap_or_default(),
            value,
        });
    }
    if let Some(login) = item.login {
        e.username = login.username.unwrap_or_default();
        e.password = login.password.filter(|p| !p.is_empty());
        e.totp = login.totp.filter(|t| !t.expose().trim().is_empty());
        e.urls = login
            .uris
            .iter()
            .flatten()
            .filter_map(|u| u.uri.as_deref().and_then(super::util::non_empty))
            .collect();
        e.set_password_changed(json::time(login.password_revision_date.as_deref()));
        e.set_passkeys(
            login
                .fido2_credentials
                .unwrap_or_default()
                .into_iter()
                .map(|c| Passkey {
                    relying_party: c.rp_id.unwrap_or_default(),
                    user_name: c.user_name.unwrap_or_default(),
                    created: json::time(c.creation_date.as_deref()),
                })
                .collect(),
        );
    }
    let mut history: Vec<OldPassword> = item
        .password_history
        .unwrap_or_default()
        .into_iter()
        .filter_map(|h| {
            Some(OldPassword {
                date: json::time(h.last_used_date.as_deref()),
                password: h.password.filter(|p| !p.is_empty())?,
            })
        })
        .collect();
    set_history(&mut e, &mut history);
    e
}

/// Keeps `history` in the model's order (oldest first), without the
/// current password and without repeats.
pub(crate) fn set_history(e: &mut Entry, history: &mut Vec<OldPassword>) {
    history.sort_by_key(|h| h.date);
    let current = e.password().unwrap_or_default().to_owned();
    let current = Zeroizing::new(current);
    for h in history.drain(..) {
        let p = h.password.expose();
        if p == current.as_str() || e.history().iter().any(|o| o.password.expose() == p) {
            continue;
        }
        e.extra_mut().history.push(h);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLAIN: &str = r#"{"encrypted": false,
 "folders": [{"id": "f1", "name": "Work"}],
 "items": [
  {"id": "1", "folderId": "f1", "type": 1, "reprompt": 1, "name": "GitHub", "notes": null,
   "fields": [{"name": "Recovery codes", "value": "aaaa-bbbb", "type": 1, "linkedId": null},
              {"name": "Linked", "value": null, "type": 3, "linkedId": 101}],
   "login": {"uris": [{"match": null, "uri": "https://github.com"}], "username": "ann",
             "password": "Summer2023!", "totp": "otpauth://totp/x?secret=ABC",
             "passwordRevisionDate": "2023-06-01T10:00:00.000Z",
             "fido2Credentials": [{"credentialId": "c", "keyValue": "KEYMATERIAL", "rpId": "github.com",
                                   "userName": "ann", "creationDate": "2023-07-01T00:00:00.000Z"}]},
   "passwordHistory": [{"lastUsedDate": "2023-06-01T10:00:00.000Z", "password": "Summer2022!"},
                       {"lastUsedDate": "2022-01-01T10:00:00.000Z", "password": "Spring2021!"}],
   "revisionDate": "2023-07-01T00:00:00.000Z", "creationDate": "2021-01-01T00:00:00.000Z",
   "deletedDate": null},
  {"id": "2", "type": 1, "name": "Old", "login": {"username": "x", "password": "gone-pw"},
   "deletedDate": "2024-01-01T00:00:00.000Z"},
  {"id": "3", "type": 2, "name": "Note", "notes": "text", "secureNote": {"type": 0}}
 ]}"#;

    fn no_unlock() -> UnlockSettings {
        UnlockSettings {
            no_prompt: true,
            ..Default::default()
        }
    }

    /// Unlock settings reading `password` from a file (kept alive by the
    /// returned directory).
    fn with_password(password: &str) -> (tempfile::TempDir, UnlockSettings) {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("pw");
        std::fs::write(&file, password).unwrap();
        let settings = UnlockSettings {
            password_file: Some(file),
            no_prompt: true,
            ..Default::default()
        };
        (dir, settings)
    }

    #[test]
    fn plain_export_reads_history_passkeys_fields_dates_and_trash() {
        let out = import(PLAIN.as_bytes(), "b.json", "m", &no_unlock()).unwrap();
        assert_eq!(out.rows, 3);
        let gh = &out.entries[0];
        assert!(gh.is_account());
        assert_eq!(gh.folder.as_deref(), Some("Work"));
        assert_eq!(gh.urls, vec!["https://github.com"]);
        assert!(gh.has_totp());
        assert_eq!(gh.tags(), ["reprompt"]);
        assert_eq!(gh.fields.len(), 1, "the linked field has no value");
        assert_eq!(gh.fields[0].name, "Recovery codes");
        let olds: Vec<&str> = gh.history().iter().map(|h| h.password.expose()).collect();
        assert_eq!(olds, vec!["Spring2021!", "Summer2022!"], "oldest first");
        assert_eq!(gh.password_changed(), Some(1_685_613_600));
        assert_eq!(gh.modified, Some(1_688_169_600));
        assert_eq!(gh.passkeys().len(), 1);
        assert_eq!(gh.passkeys()[0].relying_party, "github.com");
        assert_eq!(gh.passkeys()[0].created, Some(1_688_169_600));
        assert!(out.entries[1].deleted);
        assert_eq!(out.entries[2].kind, EntryKind::Note);
    }

    #[test]
    fn organization_export_names_the_collections() {
        let data = br#"{"encrypted": false,
          "collections": [{"id": "c1", "organizationId": "o", "name": "Finance"},
                          {"id": "c2", "organizationId": "o", "name": "Family"}],
          "items": [{"type": 1, "name": "Bank", "organizationId": "o", "collectionIds": ["c1", "c2", null],
                     "login": {"username": "u", "password": "pw-bank"}}]}"#;
        let out = import(data, "org.json", "m", &no_unlock()).unwrap();
        assert_eq!(out.entries[0].folder.as_deref(), Some("Finance, Family"));
        assert!(out.entries[0].is_account());
    }

    #[test]
    fn password_protected_export_round_trips_with_both_kdfs() {
        for protect in [
            Protect::Pbkdf2 { iterations: 1000 },
            Protect::Argon2id {
                iterations: 2,
                memory_mib: 1,
                parallelism: 1,
            },
        ] {
            let file = encrypt(PLAIN.as_bytes(), "correct horse", protect, 7);
            assert!(!file.contains("Summer2023"));
            let (_d, right) = with_password("correct horse");
            let out = import(file.as_bytes(), "e.json", "m", &right).unwrap();
            assert_eq!(out.rows, 3, "{protect:?}");
            assert_eq!(out.entries[0].password(), Some("Summer2023!"));
            let (_d, wrong) = with_password("wrong");
            let err = import(file.as_bytes(), "e.json", "m", &wrong).unwrap_err();
            assert_eq!(err.to_string(), "wrong password or key file for e.json");
        }
    }

    #[test]
    fn a_flipped_byte_fails_the_hmac_and_truncation_is_an_error() {
        let file = encrypt(
            PLAIN.as_bytes(),
            "pw",
            Protect::Pbkdf2 { iterations: 1000 },
            1,
        );
        let (_d, pw) = with_password("pw");
        // Flip one bit inside the data's ciphertext (base64 stays valid).
        let at = file.find("\"data\": \"2.").unwrap() + 40;
        let mut bytes = file.clone().into_bytes();
        bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
        let err = import(&bytes, "t.json", "m", &pw).unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with("t.json:") && msg.contains("HMAC"), "{msg}");
        let cut = &file.as_bytes()[..file.len() / 2];
        let err = import(cut, "t.json", "m", &pw).unwrap_err();
        assert!(err.to_string().contains("t.json"), "{err}");
    }

    #[test]
    fn account_restricted_export_says_to_use_a_file_password() {
        let data = br#"{"encrypted": true, "encKeyValidation_DO_NOT_EDIT": "2.a|b|c", "folders": [], "items": []}"#;
        let err = import(data, "a.json", "m", &no_unlock()).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("account restricted"), "{msg}");
        assert!(msg.contains("export with a file password instead"), "{msg}");
    }

    #[test]
    fn hostile_kdf_settings_are_refused_before_any_work() {
        let data = br#"{"encrypted": true, "passwordProtected": true, "salt": "s", "kdfType": 1,
            "kdfIterations": 3, "kdfMemory": 1000000, "kdfParallelism": 4,
            "encKeyValidation_DO_NOT_EDIT": "2.AAAAAAAAAAAAAAAAAAAAAA==|AAAAAAAAAAAAAAAAAAAAAA==|AA==",
            "data": "2.AAAAAAAAAAAAAAAAAAAAAA==|AAAAAAAAAAAAAAAAAAAAAA==|AA=="}"#;
        let (_d, pw) = with_password("pw");
        let err = import(data, "h.json", "m", &pw).unwrap_err();
        assert!(err.to_string().contains("limits"), "{err}");
    }
}
