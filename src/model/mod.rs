//! The neutral vault model every importer maps into and every check reads.

mod format;
mod secret;

pub use format::{FormatInfo, Layout, normalize_field_name};
pub use secret::Secret;

use serde::Serialize;
use thin_vec::ThinVec;

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

/// The rarely set parts of an [`Entry`] (see [`Entry::extra_mut`]).
#[derive(Debug, Clone, Default)]
pub struct EntryExtra {
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
    /// Set when the password could not be decoded exactly from the export
    /// (bytes invalid in its encoding were replaced): checks that need the
    /// exact password (breach lookups) say `unknown` with this reason and
    /// never look the replaced text up.
    pub password_inexact: Option<String>,
}

impl EntryExtra {
    fn is_empty(&self) -> bool {
        self.password_changed.is_none()
            && self.expires.is_none()
            && self.history.is_empty()
            && self.passkeys.is_empty()
            && self.attachments.is_empty()
            && self.tags.is_empty()
            && self.password_inexact.is_none()
    }
}

/// One row of an export, in the neutral shape.
///
/// Held for every row from import through the checks, so kept small (a
/// unit test bounds its size): the fields most exports leave empty live in
/// [`EntryExtra`], behind one pointer.
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
    /// Custom fields: a `ThinVec` (8 bytes inline, no allocation when
    /// empty, as in most exports).
    pub fields: ThinVec<Field>,
    pub folder: Option<String>,
    /// Unix seconds.
    pub created: Option<i64>,
    /// Unix seconds: when the item last changed (any field).
    pub modified: Option<i64>,
    /// Earlier passwords, passkeys, attachments, tags, expiry, the precise
    /// password date and the inexact-password note: rare in an export, so
    /// held apart and allocated only when one is set (`None` when all are
    /// empty). Read through [`Entry::history`] and the other accessors, set
    /// through [`Entry::extra_mut`] or the `set_*` methods.
    extra: Option<Box<EntryExtra>>,
    /// In a trash / recycle bin: excluded from the audit (and counted).
    pub deleted: bool,
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
            fields: ThinVec::new(),
            folder: None,
            created: None,
            modified: None,
            extra: None,
            deleted: false,
        }
    }

    /// The rare fields, for setting: allocated on first use. Prefer the
    /// `set_*` methods, which allocate nothing for an empty value.
    pub fn extra_mut(&mut self) -> &mut EntryExtra {
        self.extra.get_or_insert_with(Box::default)
    }

    /// Drops the rare fields' allocation if they are all empty again.
    pub fn shrink_extra(&mut self) {
        if self.extra.as_deref().is_some_and(EntryExtra::is_empty) {
            self.extra = None;
        }
    }

    /// Earlier passwords, oldest first.
    pub fn history(&self) -> &[OldPassword] {
        self.extra.as_deref().map_or(&[], |x| &x.history)
    }

    pub fn passkeys(&self) -> &[Passkey] {
        self.extra.as_deref().map_or(&[], |x| &x.passkeys)
    }

    pub fn attachments(&self) -> &[Attachment] {
        self.extra.as_deref().map_or(&[], |x| &x.attachments)
    }

    pub fn tags(&self) -> &[String] {
        self.extra.as_deref().map_or(&[], |x| &x.tags)
    }

    /// Unix seconds: when the password itself last changed, if the format
    /// records it precisely.
    pub fn password_changed(&self) -> Option<i64> {
        self.extra.as_deref().and_then(|x| x.password_changed)
    }

    /// Unix seconds: when the item expires, if set.
    pub fn expires(&self) -> Option<i64> {
        self.extra.as_deref().and_then(|x| x.expires)
    }

    /// Why the password is not exact, if it is not (see
    /// [`EntryExtra::password_inexact`]).
    pub fn password_inexact(&self) -> Option<&str> {
        self.extra
            .as_deref()
            .and_then(|x| x.password_inexact.as_deref())
    }

    /// Sets one rare field: the extras are allocated only for a value that
    /// is not `empty` (or when they already are).
    fn set_rare<T>(&mut self, value: T, empty: bool, field: fn(&mut EntryExtra) -> &mut T) {
        if !empty || self.extra.is_some() {
            *field(self.extra_mut()) = value;
        }
    }

    pub fn set_history(&mut self, history: Vec<OldPassword>) {
        let empty = history.is_empty();
        self.set_rare(history, empty, |x| &mut x.history);
    }

    pub fn set_passkeys(&mut self, passkeys: Vec<Passkey>) {
        let empty = passkeys.is_empty();
        self.set_rare(passkeys, empty, |x| &mut x.passkeys);
    }

    pub fn set_attachments(&mut self, attachments: Vec<Attachment>) {
        let empty = attachments.is_empty();
        self.set_rare(attachments, empty, |x| &mut x.attachments);
    }

    pub fn set_tags(&mut self, tags: Vec<String>) {
        let empty = tags.is_empty();
        self.set_rare(tags, empty, |x| &mut x.tags);
    }

    pub fn set_password_changed(&mut self, at: Option<i64>) {
        self.set_rare(at, at.is_none(), |x| &mut x.password_changed);
    }

    pub fn set_expires(&mut self, at: Option<i64>) {
        self.set_rare(at, at.is_none(), |x| &mut x.expires);
    }

    pub fn set_password_inexact(&mut self, why: Option<String>) {
        let empty = why.is_none();
        self.set_rare(why, empty, |x| &mut x.password_inexact);
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

    /// Every row is held from import through the checks (200,000 at the
    /// scale target): the rare fields stay behind one pointer (issue 15).
    #[test]
    fn entry_stays_small() {
        let size = std::mem::size_of::<Entry>();
        assert!(size <= 256, "Entry is {size} bytes");
    }

    #[test]
    fn rare_fields_allocate_only_when_set() {
        let mut e = Entry::new(EntryKind::Login, 1);
        e.set_tags(Vec::new());
        e.set_history(Vec::new());
        e.set_passkeys(Vec::new());
        e.set_attachments(Vec::new());
        e.set_password_changed(None);
        e.set_expires(None);
        e.set_password_inexact(None);
        assert!(e.extra.is_none(), "empty values allocate nothing");
        assert!(e.tags().is_empty() && e.history().is_empty());
        assert_eq!((e.password_changed(), e.expires()), (None, None));

        e.set_tags(vec!["dev".into()]);
        e.set_expires(Some(7));
        e.extra_mut().history.push(OldPassword::default());
        assert_eq!(e.tags(), ["dev"]);
        assert_eq!(e.expires(), Some(7));
        assert_eq!(e.history().len(), 1);
        assert_eq!(e.password_inexact(), None);

        e.set_tags(Vec::new());
        e.set_expires(None);
        e.extra_mut().history.clear();
        assert!(e.extra.is_some());
        e.shrink_extra();
        assert!(e.extra.is_none(), "all empty again: freed");
    }
}
