//! KeePass databases (`.kdbx` 3.1, 4.0 and 4.1, read with the `keepass`
//! crate): groups, entries, custom string fields, attachment names and
//! sizes, password history with its times, the recycle bin (excluded and
//! counted), expiry, tags, the three TOTP conventions (`otp`,
//! `TOTP Seed`/`TOTP Settings`, `TimeOtp-*`) and KeePassXC passkeys
//! (`KPEX_PASSKEY_*`: who they are for, never the private key).
//!
//! The decrypted database is dropped as soon as the entries are built.

use std::io::Cursor;

use keepass::db::{EntryRef, GroupRef};
use keepass::{Database, DatabaseKey};
use zeroize::Zeroizing;

use super::Parsed;
use super::unlock::{Password, UnlockSettings};
use crate::error::InputError;
use crate::model::{
    Attachment, Capabilities, Entry, EntryKind, Field, FormatInfo, Layout, OldPassword, Passkey,
    Secret,
};

/// The format's facts (one place: every list of formats derives from it).
pub const KDBX: FormatInfo = FormatInfo {
    id: "kdbx",
    aliases: &["keepass-kdbx", "keepassxc-kdbx"],
    name: "KeePass database (KDBX 3.1, 4.0, 4.1)",
    signature: "binary file starting with the KeePass magic bytes 03 D9 A2 9A",
    layout: Layout::Structured,
    // Everything a KeePass database carries.
    capabilities: Capabilities {
        notes: true,
        custom_fields: true,
        totp: true,
        attachments: true,
        history: true,
        passkeys: true,
    },
    otp_fields: &[
        "otp",
        "totp seed",
        "timeotp-secret",
        "timeotp-secret-base32",
        "timeotp-secret-hex",
        "timeotp-secret-base64",
    ],
    ..FormatInfo::BASE
};

/// True for a KeePass database (KDBX, or the old KDB).
pub fn is_kdbx(data: &[u8]) -> bool {
    data.starts_with(b"\x03\xD9\xA2\x9A")
}

/// The standard fields, read into the model's own slots.
const STANDARD: &[&str] = &["Title", "UserName", "Password", "URL", "Notes"];

/// Opens `data` (the bytes of `file`, `member`'s database) and maps its
/// entries.
pub fn import(
    data: &[u8],
    file: &str,
    member: &str,
    unlock: &UnlockSettings,
) -> Result<Parsed, InputError> {
    let keyfile = match &unlock.keyfile {
        Some(path) => Some(Zeroizing::new(std::fs::read(path).map_err(|e| {
            InputError::Io {
                path: path.display().to_string(),
                message: format!("cannot read the key file: {e}"),
            }
        })?)),
        None => None,
    };
    let db = unlock.unlock(file, member, keyfile.is_some(), |password| {
        open(data, file, password, keyfile.as_deref().map(Vec::as_slice))
    })?;
    drop(keyfile);
    let mut out = Parsed::default();
    let recycle_bin = db
        .meta
        .recyclebin_uuid
        .filter(|_| db.meta.recyclebin_enabled != Some(false));
    let is_bin = |g: &GroupRef<'_>| recycle_bin == Some(g.id().uuid());
    let mut path = Vec::new();
    walk(&db.root(), &mut path, false, &is_bin, &mut out, true);
    drop(db);
    Ok(out)
}

/// One try at opening the database: `Ok(None)` for a wrong password or key
/// file, an error for a damaged or unsupported file.
fn open(
    data: &[u8],
    file: &str,
    password: &Password,
    keyfile: Option<&[u8]>,
) -> Result<Option<Database>, InputError> {
    let mut key = DatabaseKey::new();
    if let Some(p) = password {
        key = key.with_password(p);
    }
    if let Some(k) = keyfile {
        key = key
            .with_keyfile(&mut Cursor::new(k))
            .map_err(|e| InputError::Io {
                path: file.to_owned(),
                message: format!("cannot read the key file: {e}"),
            })?;
    }
    if key.is_empty() {
        return Ok(None);
    }
    eprintln!("unlocking {file}…");
    use keepass::error::DatabaseOpenError as E;
    match Database::open(&mut Cursor::new(data), key) {
        Ok(db) => Ok(Some(db)),
        Err(E::Key(_)) => Ok(None),
        // KDBX 3.1 decrypts the whole payload before any check: a wrong key
        // shows as bad padding.
        Err(E::Cryptography(keepass::error::CryptographyError::InvalidPadding(_))) => Ok(None),
        Err(E::UnexpectedEof) => Err(damaged(file, "the file is truncated")),
        Err(E::Io(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
            Err(damaged(file, "the file is truncated"))
        }
        Err(E::UnsupportedVersion) | Err(E::VersionParse(_)) => Err(InputError::Damaged {
            path: file.to_owned(),
            message: "this KeePass database version is not supported (KDBX 3.1, 4.0 and 4.1 are)"
                .into(),
        }),
        Err(e) => Err(damaged(file, &e.to_string())),
    }
}

fn damaged(file: &str, why: &str) -> InputError {
    InputError::Damaged {
        path: file.to_owned(),
        message: format!(
            "the KeePass database is damaged or was altered ({why}); nothing was read from it"
        ),
    }
}

fn seconds(t: Option<chrono::NaiveDateTime>) -> Option<i64> {
    t.map(|t| t.and_utc().timestamp())
}

/// Maps the entries of `group` and its subgroups, depth first. `path` is
/// the group names below the root.
fn walk(
    group: &GroupRef<'_>,
    path: &mut Vec<String>,
    in_bin: bool,
    bin: &dyn Fn(&GroupRef<'_>) -> bool,
    out: &mut Parsed,
    is_root: bool,
) {
    let in_bin = in_bin || bin(group);
    if !is_root {
        path.push(group.name.clone());
    }
    for entry in group.entries() {
        out.rows += 1;
        let row = out.rows as u64;
        let mut e = map_entry(&entry, row);
        e.deleted = in_bin;
        e.folder = (!path.is_empty()).then(|| path.join("/"));
        out.push(e);
    }
    for sub in group.groups() {
        walk(&sub, path, in_bin, bin, out, false);
    }
    if !is_root {
        path.pop();
    }
}

fn map_entry(entry: &EntryRef<'_>, row: u64) -> Entry {
    let mut e = Entry::new(EntryKind::Login, row);
    let get = |k: &str| entry.get(k).unwrap_or_default();
    e.title = get("Title").to_owned();
    e.username = get("UserName").to_owned();
    let password = get("Password");
    if !password.is_empty() {
        e.password = Some(Secret::new(password));
    }
    let url = get("URL");
    if !url.trim().is_empty() {
        e.urls.push(url.trim().to_owned());
    }
    e.notes = Secret::new(get("Notes"));
    e.totp = totp(entry).map(Secret::new);
    e.set_tags(entry.tags.clone());
    e.created = seconds(entry.times.creation);
    e.modified = seconds(entry.times.last_modification);
    if entry.times.expires == Some(true) {
        e.set_expires(seconds(entry.times.expiry));
    }
    // Custom fields, sorted by name (the crate keeps them in a hash map).
    let mut names: Vec<&String> = entry.fields.keys().collect();
    names.sort();
    let mut passkey = Passkey::default();
    let mut has_passkey = false;
    for name in names {
        let value = get(name);
        if STANDARD.contains(&name.as_str()) || is_totp_field(name) {
            continue;
        }
        if name.starts_with("KPEX_PASSKEY") || name.starts_with("KPXC_PASSKEY") {
            has_passkey = true;
            match name.as_str() {
                "KPEX_PASSKEY_RELYING_PARTY" => passkey.relying_party = value.to_owned(),
                "KPEX_PASSKEY_USERNAME" | "KPXC_PASSKEY_USERNAME" => {
                    passkey.user_name = value.to_owned()
                }
                // The private key, credential id and user handle are never
                // read into the model.
                _ => {}
            }
            continue;
        }
        if name == "KP2A_URL" || name.starts_with("KP2A_URL_") {
            if !value.trim().is_empty() {
                e.urls.push(value.trim().to_owned());
            }
            continue;
        }
        e.fields.push(Field::new(name.clone(), value));
    }
    if has_passkey {
        passkey.created = e.created;
        e.extra_mut().passkeys.push(passkey);
    }
    let mut attachments: Vec<Attachment> = entry
        .attachments_named()
        .map(|(name, a)| Attachment {
            name: name.to_owned(),
            size: a.data.get().len() as u64,
        })
        .collect();
    attachments.sort_by(|a, b| a.name.cmp(&b.name));
    e.set_attachments(attachments);
    history(entry, &mut e);
    e
}

/// Fills `e.history` and `e.password_changed` from the entry's history
/// versions: each earlier password (distinct from the current one and from
/// the others) with the time the version that replaced it was saved; the
/// password changed when the first version holding the current password was
/// saved, if the history shows a version with another password before it.
fn history(entry: &EntryRef<'_>, e: &mut Entry) {
    let Some(h) = &entry.history else { return };
    let mut versions: Vec<(Option<i64>, &str)> = h
        .get_entries()
        .iter()
        .map(|v| {
            (
                seconds(v.times.last_modification),
                v.get("Password").unwrap_or_default(),
            )
        })
        .collect();
    versions.sort_by_key(|(t, _)| *t);
    let current = e.password().unwrap_or_default().to_owned();
    versions.push((e.modified, current.as_str()));
    for pair in versions.windows(2) {
        let ((_, old), (next_time, new)) = (pair[0], pair[1]);
        if old == new {
            continue;
        }
        e.set_password_changed(next_time);
        if old.is_empty()
            || old == current
            || e.history().iter().any(|o| o.password.expose() == old)
        {
            continue;
        }
        e.extra_mut().history.push(OldPassword {
            password: Secret::new(old),
            date: next_time,
        });
    }
}

fn is_totp_field(name: &str) -> bool {
    matches!(name, "otp" | "TOTP Seed" | "TOTP Settings") || name.starts_with("TimeOtp-")
}

/// The entry's TOTP secret or URI in any of the three conventions:
/// `TOTP Seed` (+ `TOTP Settings`) wins, then `otp`, then
/// `TimeOtp-Secret*` (KeePass 2.47+).
fn totp(entry: &EntryRef<'_>) -> Option<String> {
    let non_empty = |k: &str| entry.get(k).filter(|v| !v.trim().is_empty());
    non_empty("TOTP Seed")
        .or_else(|| non_empty("otp"))
        .or_else(|| {
            [
                "TimeOtp-Secret-Base32",
                "TimeOtp-Secret",
                "TimeOtp-Secret-Hex",
                "TimeOtp-Secret-Base64",
            ]
            .into_iter()
            .find_map(non_empty)
        })
        .map(str::to_owned)
}
