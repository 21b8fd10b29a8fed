//! The neutral vault model every importer maps into and every check reads.

mod format;
mod secret;

pub use format::{FormatInfo, Layout, normalize_field_name};
pub use secret::Secret;

use serde::Serialize;

/// What an exported item is. Only `Login` entries are audited as accounts;
/// notes and cards are kept because later checks read them (backup codes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    Login,
    Note,
    Card,
    Identity,
    Other,
}

/// One custom field (`name: value`). The value may be secret.
#[derive(Debug, Clone, Default)]
pub struct Field {
    pub name: String,
    pub value: Secret,
}

impl Field {
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Self {
        Field {
            name: name.into(),
            value: Secret::new(value),
        }
    }
}

/// A password the item held before its current one (password history).
/// Never printed: checks compare it, reports only count it.
#[derive(Debug, Clone, Default)]
pub struct OldPassword {
    pub password: Secret,
    /// Unix seconds: when the vault recorded it (the date the format gives
    /// for that history version), if known.
    pub date: Option<i64>,
}

/// A passkey (WebAuthn credential) stored with the item. Only who it is for:
/// its key material is never read into the model.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Passkey {
    pub relying_party: String,
    pub user_name: String,
    /// Unix seconds.
    pub created: Option<i64>,
}

/// A file attached to the item: its name and size only, never its contents.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Attachment {
    pub name: String,
    pub size: u64,
}

/// One row of an export, in the neutral shape.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Index of the source in [`Vault::sources`].
    pub source: usize,
    /// 1-based line number where the record starts in its file.
    pub row: u64,
    pub kind: EntryKind,
    pub title: String,
    pub urls: Vec<String>,
    pub username: String,
    pub password: Option<Secret>,
    /// TOTP secret, `otpauth://` or `steam://` URI, as stored.
    pub totp: Option<Secret>,
    pub notes: Secret,
    pub fields: Vec<Field>,
    pub folder: Option<String>,
    /// Unix seconds.
    pub created: Option<i64>,
    /// Unix seconds: when the item last changed (any field).
    pub modified: Option<i64>,
    /// Unix seconds: when the password itself last changed, where the format
    /// records it precisely (Firefox `timePasswordChanged`, a KeePass
    /// history), distinct from `modified`.
    pub password_changed: Option<i64>,
    /// Unix seconds: when the item expires, if the vault sets an expiry.
    pub expires: Option<i64>,
    /// Earlier passwords of this item, oldest first, each distinct from the
    /// one after it.
    pub history: Vec<OldPassword>,
    pub passkeys: Vec<Passkey>,
    pub attachments: Vec<Attachment>,
    pub tags: Vec<String>,
    /// In a trash / recycle bin: excluded from the audit (and counted).
    pub deleted: bool,
    /// Set when the password could not be decoded exactly from the export
    /// (bytes invalid in its encoding were replaced): checks that need the
    /// exact password (breach lookups) say `unknown` with this reason and
    /// never look the replaced text up.
    pub password_inexact: Option<String>,
}

impl Entry {
    pub fn new(kind: EntryKind, row: u64) -> Self {
        Entry {
            source: 0,
            row,
            kind,
            title: String::new(),
            urls: Vec::new(),
            username: String::new(),
            password: None,
            totp: None,
            notes: Secret::default(),
            fields: Vec::new(),
            folder: None,
            created: None,
            modified: None,
            password_changed: None,
            expires: None,
            history: Vec::new(),
            passkeys: Vec::new(),
            attachments: Vec::new(),
            tags: Vec::new(),
            deleted: false,
            password_inexact: None,
        }
    }

    /// The password, if present and non-empty.
    pub fn password(&self) -> Option<&str> {
        self.password
            .as_ref()
            .map(Secret::expose)
            .filter(|p| !p.is_empty())
    }

    /// First URL, if any.
    pub fn url(&self) -> Option<&str> {
        self.urls.first().map(String::as_str)
    }

    /// True for an entry that is audited as an account: a non-deleted login
    /// with a password.
    pub fn is_account(&self) -> bool {
        self.kind == EntryKind::Login && !self.deleted && self.password().is_some()
    }

    /// A short, printable name: see [`account_label`].
    pub fn label(&self) -> String {
        account_label(&self.title, self.url(), self.row)
    }

    pub fn has_totp(&self) -> bool {
        self.totp
            .as_ref()
            .is_some_and(|t| !t.expose().trim().is_empty())
    }
}

/// A short, printable name for an account: its title, else the host of its
/// first URL, else its row. The one naming rule of check messages and
/// reports.
pub fn account_label(title: &str, url: Option<&str>, row: u64) -> String {
    let title = title.trim();
    if !title.is_empty() {
        return title.to_owned();
    }
    url.and_then(crate::site::host)
        .unwrap_or_else(|| format!("row {row}"))
}

/// What an export format can carry: later checks use it to say "cannot tell
/// from this export" instead of accusing the user.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Capabilities {
    pub notes: bool,
    pub custom_fields: bool,
    pub totp: bool,
    pub attachments: bool,
    /// Earlier passwords of each item.
    pub history: bool,
    /// Passkeys stored with items.
    pub passkeys: bool,
}

impl Capabilities {
    /// Carries nothing beyond the login itself.
    pub const NONE: Capabilities = Capabilities {
        notes: false,
        custom_fields: false,
        totp: false,
        attachments: false,
        history: false,
        passkeys: false,
    };
}

/// A row that was not imported, with why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Skipped {
    pub line: u64,
    pub reason: String,
}

/// One input file.
#[derive(Debug, Clone, Default)]
pub struct Source {
    pub path: String,
    pub member: String,
    /// Format id (see `vaultlint formats`).
    pub format: &'static str,
    /// The format's display name, for messages.
    pub format_name: &'static str,
    pub capabilities: Capabilities,
    /// Its manager has custom fields this export drops (see
    /// [`FormatInfo::drops_custom_fields`]).
    pub drops_custom_fields: bool,
    /// Data records read (header excluded).
    pub rows: usize,
    pub skipped: Vec<Skipped>,
    /// Entries found in a trash / recycle bin and excluded.
    pub deleted: usize,
    /// Logins (not deleted) without a password: not audited as accounts.
    pub no_password: usize,
    /// Rows that only define a folder (LastPass `http://group`, NordPass
    /// `folder` rows): no item.
    pub folders: usize,
    /// The encoding the file was read as (`UTF-8`, `windows-1252`...).
    pub encoding: &'static str,
    pub warnings: Vec<String>,
}

/// Everything imported from the files of one run.
#[derive(Debug, Default)]
pub struct Vault {
    pub sources: Vec<Source>,
    pub entries: Vec<Entry>,
}

impl Vault {
    /// Indices of entries audited as accounts, in input order.
    pub fn account_indices(&self) -> Vec<usize> {
        self.entries
            .iter()
            .enumerate()
            .filter(|(_, e)| e.is_account())
            .map(|(i, _)| i)
            .collect()
    }

    pub fn member_of(&self, entry: &Entry) -> &str {
        &self.sources[entry.source].member
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_label_rule_title_then_host_then_row() {
        assert_eq!(
            account_label("  Bank ", Some("https://b.example"), 3),
            "Bank"
        );
        assert_eq!(
            account_label(" ", Some("https://www.Example.co.uk/login"), 3),
            "www.example.co.uk"
        );
        assert_eq!(account_label("", None, 7), "row 7");
        let mut e = Entry::new(EntryKind::Login, 9);
        e.urls = vec!["android://h@com.example.app/".into()];
        assert_eq!(e.label(), "row 9", "an app facet has no host");
    }
}
