//! `--recovery-inventory FILE`: where backup codes are kept outside the vault.
//!
//! Many people rightly keep backup codes on paper or in another place than
//! their password manager. This file tells vaultlint so, without holding the
//! codes. Two spellings, chosen by the file extension (`.toml` or `.csv`;
//! anything else is read as TOML when its first line starts with `[` or `#`
//! followed by a `[[codes]]` table, else as CSV):
//!
//! ```toml
//! [[codes]]
//! site = "northwind-bank.example"   # a domain, URL or the entry's title
//! account = "amercer"               # optional: the username, when a site has several
//! member = "alice"                  # optional: whose export it is
//! where = "printed, in the fire safe"
//! date = 2025-03-14                 # optional: when they were saved (YYYY-MM-DD)
//! ```
//!
//! ```csv
//! site,account,member,where,date
//! northwind-bank.example,amercer,alice,"printed, in the fire safe",2025-03-14
//! ```
//!
//! For the lockout drill a line may also say how the account is recovered,
//! and then `where` may be left out (no codes):
//!
//! ```toml
//! [[codes]]
//! site = "twitter.com"
//! methods = ["sms"]                  # app, sms, hardware_key, passkey, email
//! recovery_email = "alice@gmail.com" # when not the username
//! recovery_phone = true
//! trusted_contact = "bob"            # someone who can restore access (a recovery contact)
//!
//! [vault]                            # the password manager itself ([vault.bob]: bob's)
//! member = "alice"                   # optional: whose vault (default: everyone's)
//! recovery = "emergency kit printed"
//! two_factor = "app"                 # or none
//! recovery_email = "alice@gmail.com" # where its account recovery goes
//! emergency_access = "bob"           # another member with emergency access to the vault
//! ```
//!
//! (CSV: columns `methods` separated by `;`, `recovery_email`, `recovery_phone`,
//! `trusted_contact`.) `where = "member:bob"`: the codes are kept in bob's vault.
//!
//! `site` is required, and `where` unless the line gives `methods`,
//! `recovery_email` or `recovery_phone`. Lines starting with `#` are comments.
//! Every error names the file and the line.

use std::path::Path;

use serde::Deserialize;

use crate::error::InputError;
use crate::model::Entry;
use crate::site;
use crate::text::non_empty;

/// One line of the inventory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// 1-based line where the record starts.
    pub line: u64,
    pub site: String,
    pub account: Option<String>,
    pub member: Option<String>,
    /// Where the codes are kept (free text; never the codes); empty when
    /// the line only says how the account is recovered (`methods`, ...).
    pub location: String,
    /// `YYYY-MM-DD` (or `YYYY-MM`).
    pub date: Option<String>,
    /// The account's second factors (`methods`), for the lockout drill.
    pub methods: Vec<AuthMethod>,
    /// The mailbox that resets it, when not its username.
    pub recovery_email: Option<String>,
    /// A recovery phone number is set (its number is never needed).
    pub recovery_phone: bool,
    /// `trusted_contact = "bob"`: another person who can restore access
    /// (a recovery contact, trusted contacts), for the lockout drill.
    pub trusted_contact: Option<String>,
}

impl Record {
    /// `where = "member:bob"`: the codes are kept in another member's vault.
    pub fn codes_member(&self) -> Option<&str> {
        let l = self.location.trim();
        let (head, rest) = l.split_at_checked(MEMBER_PREFIX.len())?;
        head.eq_ignore_ascii_case(MEMBER_PREFIX)
            .then(|| rest.trim())
            .filter(|r| !r.is_empty())
    }
}

/// The prefix of a `where` naming another member's vault (`member:bob`).
pub const MEMBER_PREFIX: &str = "member:";

/// A second factor named in the inventory's `methods`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AuthMethod {
    /// An authenticator app on the phone.
    App,
    Sms,
    HardwareKey,
    /// A passkey on a device (the phone).
    Passkey,
    /// Codes sent to the recovery mailbox.
    Email,
}

impl AuthMethod {
    pub const NAMES: &[(&str, AuthMethod)] = &[
        ("app", AuthMethod::App),
        ("sms", AuthMethod::Sms),
        ("hardware_key", AuthMethod::HardwareKey),
        ("passkey", AuthMethod::Passkey),
        ("email", AuthMethod::Email),
    ];

    fn parse(s: &str) -> Option<AuthMethod> {
        let s = s.trim().to_ascii_lowercase().replace('-', "_");
        Self::NAMES.iter().find(|(n, _)| *n == s).map(|(_, m)| *m)
    }
}

/// The inventory's `[vault]` table: what unlocks the password manager.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VaultInfo {
    pub line: u64,
    /// `recovery = "emergency kit printed"`: a way back kept outside the vault.
    pub recovery: Option<String>,
    /// `two_factor = "app"` (a [`AuthMethod`] name, or `none`).
    pub two_factor: Option<AuthMethod>,
    /// `recovery_email`: the mailbox its account recovery goes to.
    pub recovery_email: Option<String>,
    /// `member`: whose vault (none: every member's).
    pub member: Option<String>,
    /// `emergency_access = "bob"`: another member who can get into the vault
    /// (the manager's emergency access), independent of this member's losses.
    pub emergency_access: Option<String>,
}

/// A parsed inventory file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Inventory {
    /// The path as given, for evidence and messages.
    pub path: String,
    pub records: Vec<Record>,
    /// The `[vault]` table and its `[vault.<member>]` tables (TOML only).
    pub vaults: Vec<VaultInfo>,
    /// Each record's site normalised, made with the records by the parsers
    /// ([`Inventory::keyed`]).
    keys: Vec<SiteKey>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlFile {
    #[serde(default)]
    codes: Vec<toml::Spanned<TomlRecord>>,
    vault: Option<toml::Table>,
}

const VAULT_KEYS: &[&str] = &[
    "member",
    "recovery",
    "two_factor",
    "recovery_email",
    "emergency_access",
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlRecord {
    site: Option<String>,
    account: Option<String>,
    member: Option<String>,
    #[serde(rename = "where")]
    location: Option<String>,
    date: Option<toml::Value>,
    methods: Option<Vec<String>>,
    recovery_email: Option<String>,
    recovery_phone: Option<toml::Value>,
    trusted_contact: Option<String>,
}

const COLUMNS: &[&str] = &[
    "site",
    "account",
    "member",
    "where",
    "date",
    "methods",
    "recovery_email",
    "recovery_phone",
    "trusted_contact",
];

/// How an account is recovered, besides its codes (the drill's extension).
#[derive(Default)]
struct Ways {
    methods: Vec<String>,
    recovery_email: Option<String>,
    recovery_phone: Option<String>,
    trusted_contact: Option<String>,
}

fn truncate_key(k: &str) -> String {
    crate::sanitize::truncate(&crate::sanitize::terminal(k), 30)
}

fn line_of(text: &str, offset: usize) -> u64 {
    text[..offset.min(text.len())].matches('\n').count() as u64 + 1
}

/// Checks a date: `YYYY-MM-DD` or `YYYY-MM`.
fn parse_date(raw: &str) -> Option<String> {
    let t = raw.trim();
    if chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d").is_ok()
        || chrono::NaiveDate::parse_from_str(&format!("{t}-01"), "%Y-%m-%d").is_ok()
    {
        Some(t.to_owned())
    } else {
        None
    }
}

impl Inventory {
    /// Parses the text of an inventory file (read by the settings: the
    /// check does no I/O), TOML or CSV by `path`'s extension, else by content.
    pub fn parse(text: &str, path: &Path) -> Result<Inventory, InputError> {
        let display = path.display().to_string();
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase());
        match ext.as_deref() {
            Some("toml") => Inventory::parse_toml(text, &display),
            Some("csv") => Inventory::parse_csv(text, &display),
            _ if text.contains("[[codes]]") || text.contains("[vault]") => {
                Inventory::parse_toml(text, &display)
            }
            _ => Inventory::parse_csv(text, &display),
        }
    }

    fn error(path: &str, line: u64, message: impl Into<String>) -> InputError {
        InputError::Malformed {
            path: path.to_owned(),
            line,
            message: message.into(),
        }
    }

    #[allow(clippy::too_many_arguments)] // one per column
    fn record(
        path: &str,
        line: u64,
        site: Option<String>,
        account: Option<String>,
        member: Option<String>,
        location: Option<String>,
        date: Option<String>,
        ways: Ways,
    ) -> Result<Record, InputError> {
        let site = site
            .as_deref()
            .and_then(non_empty)
            .ok_or_else(|| Self::error(path, line, "missing 'site' (a domain, URL or title)"))?;
        let mut methods = Vec::new();
        for m in &ways.methods {
            let m = AuthMethod::parse(m).ok_or_else(|| {
                Self::error(
                    path,
                    line,
                    format!(
                        "unknown method '{}' (expected {})",
                        crate::sanitize::truncate(&crate::sanitize::terminal(m), 30),
                        AuthMethod::NAMES
                            .iter()
                            .map(|(n, _)| *n)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
            })?;
            if !methods.contains(&m) {
                methods.push(m);
            }
        }
        let recovery_email = ways.recovery_email.as_deref().and_then(non_empty);
        let recovery_phone = match ways.recovery_phone.as_deref().and_then(non_empty) {
            None => false,
            Some(v) => !matches!(v.to_ascii_lowercase().as_str(), "false" | "no" | "none"),
        };
        let trusted_contact = ways.trusted_contact.as_deref().and_then(non_empty);
        let says_ways = !methods.is_empty()
            || recovery_email.is_some()
            || recovery_phone
            || trusted_contact.is_some();
        let location = match location.as_deref().and_then(non_empty) {
            Some(l) => l,
            None if says_ways => String::new(),
            None => {
                return Err(Self::error(
                    path,
                    line,
                    "missing 'where' (where the codes are kept)",
                ));
            }
        };
        if location
            .get(..MEMBER_PREFIX.len())
            .is_some_and(|h| h.eq_ignore_ascii_case(MEMBER_PREFIX))
            && location[MEMBER_PREFIX.len()..].trim().is_empty()
        {
            return Err(Self::error(
                path,
                line,
                "'where = \"member:\"' needs the member's name (member:bob)",
            ));
        }
        let date = match date.as_deref().and_then(non_empty) {
            Some(d) => Some(parse_date(&d).ok_or_else(|| {
                Self::error(path, line, "'date' must be YYYY-MM-DD (or YYYY-MM)")
            })?),
            None => None,
        };
        Ok(Record {
            line,
            site,
            account: account.as_deref().and_then(non_empty),
            member: member.as_deref().and_then(non_empty),
            location,
            date,
            methods,
            recovery_email,
            recovery_phone,
            trusted_contact,
        })
    }

    /// Parses the TOML spelling (`[[codes]]` tables).
    pub fn parse_toml(text: &str, path: &str) -> Result<Inventory, InputError> {
        let file: TomlFile = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| line_of(text, s.start)).unwrap_or(1);
            Self::error(path, line, e.message().to_owned())
        })?;
        let records = file
            .codes
            .into_iter()
            .map(|spanned| {
                let line = line_of(text, spanned.span().start);
                let raw = spanned.into_inner();
                let date = match raw.date {
                    None => None,
                    Some(toml::Value::String(s)) => Some(s),
                    Some(toml::Value::Datetime(d)) if d.time.is_none() && d.date.is_some() => {
                        Some(d.to_string())
                    }
                    Some(_) => {
                        return Err(Self::error(
                            path,
                            line,
                            "'date' must be YYYY-MM-DD (or YYYY-MM)",
                        ));
                    }
                };
                let recovery_phone = match raw.recovery_phone {
                    None => None,
                    Some(toml::Value::String(s)) => Some(s),
                    Some(toml::Value::Boolean(b)) => Some(b.to_string()),
                    Some(_) => {
                        return Err(Self::error(
                            path,
                            line,
                            "'recovery_phone' must be true, false or a description",
                        ));
                    }
                };
                Self::record(
                    path,
                    line,
                    raw.site,
                    raw.account,
                    raw.member,
                    raw.location,
                    date,
                    Ways {
                        methods: raw.methods.unwrap_or_default(),
                        recovery_email: raw.recovery_email,
                        recovery_phone,
                        trusted_contact: raw.trusted_contact,
                    },
                )
            })
            .collect::<Result<_, _>>()?;
        let vaults = match file.vault {
            None => Vec::new(),
            Some(table) => {
                // Where the first `[vault` table starts (toml gives no span
                // for a table made only of `[vault.<member>]` tables).
                let at = text
                    .lines()
                    .scan(0usize, |off, l| {
                        let o = *off;
                        *off += l.len() + 1;
                        Some((o, l))
                    })
                    .find(|(_, l)| l.trim_start().starts_with("[vault"))
                    .map_or(0, |(o, _)| o);
                Self::vault_tables(text, path, at, table)?
            }
        };
        Ok(Inventory::new(path, records, vaults))
    }

    /// The `[vault]` table (for everyone, or `member = ...`) and its
    /// `[vault.<member>]` tables. `at`: where `[vault]` starts in `text`.
    fn vault_tables(
        text: &str,
        path: &str,
        at: usize,
        table: toml::Table,
    ) -> Result<Vec<VaultInfo>, InputError> {
        // The line of `key` in the vault tables (toml gives no nested spans).
        let line_of_key = |key: &str| {
            let rest = &text[at.min(text.len())..];
            let found = rest.lines().scan(0usize, |off, l| {
                let o = *off;
                *off += l.len() + 1;
                Some((o, l))
            });
            for (o, l) in found {
                let l = l.trim_start();
                if l.starts_with(key) || l.contains(&format!(".{key}]")) {
                    return line_of(text, at + o);
                }
            }
            line_of(text, at)
        };
        let field = |t: &toml::Table, key: &str| -> Result<Option<String>, InputError> {
            match t.get(key) {
                None => Ok(None),
                Some(toml::Value::String(s)) => Ok(non_empty(s)),
                Some(_) => Err(Self::error(
                    path,
                    line_of_key(key),
                    format!("[vault] {key} must be a string"),
                )),
            }
        };
        let info = |t: &toml::Table, member: Option<String>| -> Result<VaultInfo, InputError> {
            let line = member
                .as_deref()
                .map(&line_of_key)
                .unwrap_or_else(|| line_of(text, at));
            let two_factor = match field(t, "two_factor")?.as_deref().map(str::trim) {
                None | Some("none") => None,
                Some(m) => Some(AuthMethod::parse(m).ok_or_else(|| {
                    Self::error(
                        path,
                        line_of_key("two_factor"),
                        "[vault] two_factor must be app, sms, hardware_key, passkey, email or none",
                    )
                })?),
            };
            Ok(VaultInfo {
                line,
                recovery: field(t, "recovery")?,
                two_factor,
                recovery_email: field(t, "recovery_email")?,
                member: member.or(field(t, "member")?),
                emergency_access: field(t, "emergency_access")?,
            })
        };
        let mut out = Vec::new();
        let mut top = toml::Table::new();
        for (key, value) in &table {
            match value {
                toml::Value::Table(sub) => {
                    for k in sub.keys() {
                        if !VAULT_KEYS.contains(&k.as_str()) || k == "member" {
                            return Err(Self::error(
                                path,
                                line_of_key(k),
                                format!("unknown key '{}' in [vault.{key}]", truncate_key(k)),
                            ));
                        }
                    }
                    out.push(info(sub, Some(key.clone()))?);
                }
                _ if VAULT_KEYS.contains(&key.as_str()) => {
                    top.insert(key.clone(), value.clone());
                }
                _ => {
                    return Err(Self::error(
                        path,
                        line_of_key(key),
                        format!(
                            "unknown key '{}' in [vault] (expected {}, or a [vault.<member>] table)",
                            truncate_key(key),
                            VAULT_KEYS.join(", ")
                        ),
                    ));
                }
            }
        }
        if !top.is_empty() {
            out.insert(0, info(&top, None)?);
        }
        Ok(out)
    }

    /// Parses the CSV spelling (header `site,account,member,where,date`).
    pub fn parse_csv(text: &str, path: &str) -> Result<Inventory, InputError> {
        let mut reader = csv::ReaderBuilder::new()
            .comment(Some(b'#'))
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        // The csv crate's line counter skips blank lines, and a record's byte
        // offset can point at the blank or comment lines before it.
        let line_at = |p: &csv::Position| {
            let mut at = (p.byte() as usize).min(text.len());
            loop {
                let rest = &text[at..];
                if rest.starts_with(['\r', '\n']) {
                    at += 1;
                } else if rest.starts_with('#') {
                    at += rest.find('\n').map_or(rest.len(), |n| n + 1);
                } else {
                    break;
                }
            }
            line_of(text, at)
        };
        let csv_error = |e: csv::Error| {
            let line = e.position().map(line_at).unwrap_or(1);
            Self::error(path, line, "unreadable CSV row")
        };
        let header_line = text
            .lines()
            .position(|l| !l.trim_start().starts_with('#') && !l.trim().is_empty())
            .map(|n| n as u64 + 1)
            .unwrap_or(1);
        let headers: Vec<String> = reader
            .headers()
            .map_err(csv_error)?
            .iter()
            .map(|h| h.trim().trim_start_matches('\u{feff}').to_ascii_lowercase())
            .collect();
        for h in &headers {
            if !COLUMNS.contains(&h.as_str()) {
                return Err(Self::error(
                    path,
                    header_line,
                    format!(
                        "unknown column '{}' (expected {})",
                        crate::sanitize::truncate(&crate::sanitize::terminal(h), 30),
                        COLUMNS.join(", ")
                    ),
                ));
            }
        }
        for required in ["site"] {
            if !headers.iter().any(|h| h == required) {
                return Err(Self::error(
                    path,
                    header_line,
                    format!(
                        "the header needs a '{required}' column (columns: {})",
                        COLUMNS.join(", ")
                    ),
                ));
            }
        }
        let col = |name: &str| headers.iter().position(|h| h == name);
        let mut records = Vec::new();
        for row in reader.records() {
            let row = row.map_err(csv_error)?;
            if row.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            let line = row.position().map(line_at).unwrap_or(0);
            if row.len() > headers.len() {
                return Err(Self::error(
                    path,
                    line,
                    format!(
                        "{} fields where the header has {} (quote a 'where' that contains commas)",
                        row.len(),
                        headers.len()
                    ),
                ));
            }
            let get = |name: &str| col(name).and_then(|i| row.get(i)).map(str::to_owned);
            records.push(Self::record(
                path,
                line,
                get("site"),
                get("account"),
                get("member"),
                get("where"),
                get("date"),
                Ways {
                    methods: get("methods")
                        .map(|m| {
                            m.split([';', ' ', '|'])
                                .filter(|s| !s.trim().is_empty())
                                .map(str::to_owned)
                                .collect()
                        })
                        .unwrap_or_default(),
                    recovery_email: get("recovery_email"),
                    recovery_phone: get("recovery_phone"),
                    trusted_contact: get("trusted_contact"),
                },
            )?);
        }
        Ok(Inventory::new(path, records, Vec::new()))
    }

    /// The first record naming this account of `member`.
    pub fn find(&self, member: &str, entry: &Entry) -> Option<&Record> {
        self.records.iter().find(|r| r.matches(member, entry))
    }

    fn new(path: &str, records: Vec<Record>, vaults: Vec<VaultInfo>) -> Inventory {
        let keys = records.iter().map(Record::site_key).collect();
        Inventory {
            path: path.to_owned(),
            records,
            vaults,
            keys,
        }
    }

    /// The records with their sites normalised (once per inventory), for
    /// matching many accounts ([`Record::matches_key`]).
    pub fn keyed(&self) -> impl Iterator<Item = (&Record, &SiteKey)> + Clone {
        self.records.iter().zip(&self.keys)
    }

    /// The first record about `account` that satisfies `wanted`.
    pub fn find_keyed(
        &self,
        account: &AccountKey,
        wanted: impl Fn(&Record) -> bool,
    ) -> Option<&Record> {
        self.keyed()
            .find(|(r, key)| wanted(r) && r.matches_key(key, account))
            .map(|(r, _)| r)
    }
}

impl Record {
    /// True when this record is about `entry` of `member`: same member (if
    /// given), same username (if given), and `site` is the entry's title, a
    /// domain or URL on the entry's registrable domain, or its brand name.
    pub fn matches(&self, member: &str, entry: &Entry) -> bool {
        let domains: Vec<String> = entry.urls.iter().filter_map(|u| site::of_url(u)).collect();
        let domains: Vec<&str> = domains.iter().map(String::as_str).collect();
        self.matches_key(&self.site_key(), &AccountKey::new(member, entry, domains))
    }

    /// This record's `site`, normalised once (see [`Inventory::keyed`]).
    pub fn site_key(&self) -> SiteKey {
        let lower = self.site.trim().to_lowercase();
        let names_domain = lower.contains('.') && !lower.contains(char::is_whitespace);
        let domain = names_domain.then(|| site::of_url(&lower)).flatten();
        SiteKey {
            lower,
            domain,
            names_domain,
        }
    }

    /// [`Record::matches`] with the record's site and the account already
    /// normalised (once each, when many records meet many accounts).
    pub fn matches_key(&self, key: &SiteKey, account: &AccountKey) -> bool {
        if self
            .member
            .as_deref()
            .is_some_and(|m| !m.eq_ignore_ascii_case(account.member.trim()))
        {
            return false;
        }
        if self
            .account
            .as_deref()
            .is_some_and(|a| !a.eq_ignore_ascii_case(account.username.trim()))
        {
            return false;
        }
        if key.lower == account.title {
            return true;
        }
        if key.names_domain {
            return key
                .domain
                .as_deref()
                .is_some_and(|d| account.domains.contains(&d));
        }
        account.domains.iter().any(|d| site::brand(d) == key.lower)
    }
}

/// A record's `site` in the form accounts are matched against: lowercase,
/// and its registrable domain when it names a domain or URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteKey {
    lower: String,
    domain: Option<String>,
    /// `lower` names a domain or URL (decided once, not per account).
    names_domain: bool,
}

/// An account as inventory lines are matched against it.
#[derive(Debug, Clone)]
pub struct AccountKey<'a> {
    member: &'a str,
    username: &'a str,
    /// The title, trimmed and lowercase.
    title: String,
    /// The registrable domains of its URLs.
    domains: Vec<&'a str>,
}

impl<'a> AccountKey<'a> {
    pub fn new(member: &'a str, entry: &'a Entry, domains: Vec<&'a str>) -> Self {
        AccountKey {
            member,
            username: &entry.username,
            title: entry.title.trim().to_lowercase(),
            domains,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::EntryKind;

    const TOML: &str = r#"# where alice keeps codes outside Bitwarden
[[codes]]
site = "northwind-bank.example"
account = "amercer"
where = "printed, in the fire safe"
date = 2025-03-14

[[codes]]
site = "Old Forum"
member = "bob"
where = "paper notebook"
date = "2024-11"
"#;

    fn entry(title: &str, url: &str, user: &str) -> Entry {
        let mut e = Entry::new(EntryKind::Login, 2);
        e.title = title.into();
        e.urls = vec![url.into()];
        e.username = user.into();
        e
    }

    #[test]
    fn parses_toml_with_lines() {
        let inv = Inventory::parse_toml(TOML, "inv.toml").unwrap();
        assert_eq!(inv.records.len(), 2);
        assert_eq!(inv.records[0].line, 2);
        assert_eq!(inv.records[0].date.as_deref(), Some("2025-03-14"));
        assert_eq!(inv.records[1].line, 8);
        assert_eq!(inv.records[1].member.as_deref(), Some("bob"));
        assert_eq!(inv.records[1].date.as_deref(), Some("2024-11"));
    }

    #[test]
    fn parses_csv_with_lines() {
        let csv = "# comment\nsite,account,where,date\nnorthwind-bank.example,amercer,\"printed, in the safe\",2025-03-14\n\nOld Forum,,notebook,\n";
        let inv = Inventory::parse_csv(csv, "inv.csv").unwrap();
        assert_eq!(inv.records.len(), 2);
        assert_eq!(inv.records[0].line, 3);
        assert_eq!(inv.records[0].location, "printed, in the safe");
        assert_eq!(inv.records[1].line, 5);
        assert_eq!(inv.records[1].account, None);
    }

    fn error_line(r: Result<Inventory, InputError>) -> (String, u64, String) {
        match r.unwrap_err() {
            InputError::Malformed {
                path,
                line,
                message,
            } => (path, line, message),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn toml_errors_name_file_and_line() {
        let (path, line, msg) = error_line(Inventory::parse_toml(
            "[[codes]]\nsite = \"a.com\"\nwhere = \"safe\"\n\n[[codes]]\nsite = \"b.com\"\n",
            "inv.toml",
        ));
        assert_eq!((path.as_str(), line), ("inv.toml", 5));
        assert!(msg.contains("where"), "{msg}");
        let (_, line, msg) = error_line(Inventory::parse_toml(
            "[[codes]]\nsite = \"a.com\"\nwher = \"safe\"\n",
            "inv.toml",
        ));
        assert_eq!(line, 3, "{msg}");
        let (_, line, _) = error_line(Inventory::parse_toml(
            "[[codes]]\nsite = \"a.com\"\nwhere = \"safe\"\ndate = \"last year\"\n",
            "inv.toml",
        ));
        assert_eq!(line, 1);
        let (_, line, _) = error_line(Inventory::parse_toml("[[codes]\nsite = 1\n", "inv.toml"));
        assert_eq!(line, 1);
    }

    #[test]
    fn the_drill_extension_parses_in_toml_and_csv() {
        let inv = Inventory::parse_toml(
            "[[codes]]\nsite = \"twitter.com\"\nmethods = [\"sms\", \"hardware-key\"]\nrecovery_email = \"a@gmail.com\"\nrecovery_phone = true\n\n[vault]\nrecovery = \"emergency kit printed\"\ntwo_factor = \"app\"\n",
            "inv.toml",
        )
        .unwrap();
        let r = &inv.records[0];
        assert_eq!(r.methods, [AuthMethod::Sms, AuthMethod::HardwareKey]);
        assert_eq!(r.recovery_email.as_deref(), Some("a@gmail.com"));
        assert!(r.recovery_phone);
        assert!(r.location.is_empty(), "no codes: no 'where' needed");
        let v = &inv.vaults[0];
        assert_eq!(v.line, 7);
        assert_eq!(v.two_factor, Some(AuthMethod::App));
        assert_eq!(v.recovery.as_deref(), Some("emergency kit printed"));
        let inv = Inventory::parse_csv(
            "site,where,methods,recovery_email,recovery_phone\nbank.com,,sms,,yes\nshop.com,paper,app;passkey,,no\n",
            "inv.csv",
        )
        .unwrap();
        assert_eq!(inv.records[0].methods, [AuthMethod::Sms]);
        assert!(inv.records[0].recovery_phone);
        assert_eq!(
            inv.records[1].methods,
            [AuthMethod::App, AuthMethod::Passkey]
        );
        assert!(!inv.records[1].recovery_phone);
        assert_eq!(inv.records[1].location, "paper");
    }

    #[test]
    fn paths_through_another_member_parse_in_toml_and_csv() {
        let inv = Inventory::parse_toml(
            "[[codes]]\nsite = \"facebook.com\"\ntrusted_contact = \"bob\"\n\n[[codes]]\nsite = \"slack.com\"\nwhere = \"Member: bob \"\n\n[vault.carol]\nemergency_access = \"alice\"\n",
            "inv.toml",
        )
        .unwrap();
        assert_eq!(inv.records[0].trusted_contact.as_deref(), Some("bob"));
        assert!(
            inv.records[0].location.is_empty(),
            "a contact alone needs no 'where'"
        );
        assert_eq!(inv.records[0].codes_member(), None);
        assert_eq!(inv.records[1].codes_member(), Some("bob"));
        assert_eq!(inv.vaults[0].emergency_access.as_deref(), Some("alice"));
        let csv = "site,where,trusted_contact\nfacebook.com,,bob\nslack.com,member:carol,\n";
        let inv = Inventory::parse_csv(csv, "inv.csv").unwrap();
        assert_eq!(inv.records[0].trusted_contact.as_deref(), Some("bob"));
        assert_eq!(inv.records[1].codes_member(), Some("carol"));
        // Errors name the line: a member without a name, a misspelt key.
        let (_, line, msg) = error_line(Inventory::parse_toml(
            "[[codes]]\nsite = \"a.com\"\nwhere = \"safe\"\n\n[[codes]]\nsite = \"b.com\"\nwhere = \"member:\"\n",
            "inv.toml",
        ));
        assert_eq!(line, 5, "{msg}");
        assert!(msg.contains("member:bob"), "{msg}");
        let (_, line, msg) = error_line(Inventory::parse_toml(
            "[[codes]]\nsite = \"a.com\"\ntrusted_contacts = \"bob\"\n",
            "inv.toml",
        ));
        assert_eq!(line, 3, "{msg}");
        let (_, line, msg) = error_line(Inventory::parse_toml(
            "[[codes]]\nsite = \"a.com\"\nwhere = \"safe\"\n[vault.bob]\nemergency = \"carol\"\n",
            "inv.toml",
        ));
        assert_eq!(line, 5, "{msg}");
        assert!(msg.contains("emergency"), "{msg}");
    }

    #[test]
    fn the_drill_extension_errors_name_the_line() {
        let (_, line, msg) = error_line(Inventory::parse_toml(
            "[[codes]]\nsite = \"a.com\"\nwhere = \"safe\"\n\n[[codes]]\nsite = \"b.com\"\nmethods = [\"carrier pigeon\"]\n",
            "inv.toml",
        ));
        assert_eq!(line, 5);
        assert!(msg.contains("unknown method"), "{msg}");
        let (_, line, msg) = error_line(Inventory::parse_toml(
            "[[codes]]\nsite = \"a.com\"\nwhere = \"safe\"\n\n[vault]\nrecovery = \"kit\"\nbackup = \"x\"\n",
            "inv.toml",
        ));
        assert_eq!(line, 7, "{msg}");
        assert!(msg.contains("backup"), "{msg}");
        let inv = Inventory::parse_toml(
            "[vault]\ntwo_factor = \"app\"\n\n[vault.bob]\nrecovery = \"emergency kit printed\"\n",
            "inv.toml",
        )
        .unwrap();
        assert_eq!(inv.vaults.len(), 2);
        assert_eq!(inv.vaults[0].member, None);
        assert_eq!(inv.vaults[1].member.as_deref(), Some("bob"));
        assert_eq!(inv.vaults[1].line, 4);
        assert!(inv.vaults[1].recovery.is_some());
        let (_, line, msg) = error_line(Inventory::parse_toml(
            "[vault.bob]\nrecovery = \"kit\"\nkit = \"x\"\n",
            "inv.toml",
        ));
        assert_eq!(line, 3, "{msg}");
        let (_, line, msg) = error_line(Inventory::parse_csv(
            "site,methods\na.com,app\nb.com,\n",
            "inv.csv",
        ));
        assert_eq!(line, 3);
        assert!(msg.contains("where"), "{msg}");
    }

    #[test]
    fn csv_errors_name_file_and_line() {
        let (path, line, msg) = error_line(Inventory::parse_csv(
            "site,where\na.com,safe\nb.com,\n",
            "inv.csv",
        ));
        assert_eq!((path.as_str(), line), ("inv.csv", 3));
        assert!(msg.contains("where"));
        let (_, line, msg) = error_line(Inventory::parse_csv(
            "# c\nsite,kept\na.com,safe\n",
            "inv.csv",
        ));
        assert_eq!(line, 2);
        assert!(msg.contains("kept"));
        let (_, line, _) = error_line(Inventory::parse_csv(
            "site,where,date\na.com,safe,14/03/2025\n",
            "inv.csv",
        ));
        assert_eq!(line, 2);
        let (_, line, _) = error_line(Inventory::parse_csv(
            "site,where\na.com,in the safe, at home\n",
            "inv.csv",
        ));
        assert_eq!(line, 2);
    }

    #[test]
    fn matching_by_domain_title_brand_account_member() {
        let inv = Inventory::parse_toml(TOML, "inv.toml").unwrap();
        let bank = entry(
            "Northwind Bank",
            "https://secure.northwind-bank.example",
            "amercer",
        );
        assert_eq!(inv.find("alice", &bank).map(|r| r.line), Some(2));
        let other_user = entry(
            "Northwind Bank",
            "https://secure.northwind-bank.example",
            "bob",
        );
        assert_eq!(inv.find("alice", &other_user), None);
        let forum = entry("Old Forum", "https://forum.example.net", "x");
        assert_eq!(inv.find("bob", &forum).map(|r| r.line), Some(8));
        assert_eq!(inv.find("alice", &forum), None);
        let r = Record {
            line: 1,
            site: "paypal".into(),
            account: None,
            member: None,
            location: "safe".into(),
            date: None,
            methods: Vec::new(),
            recovery_email: None,
            recovery_phone: false,
            trusted_contact: None,
        };
        assert!(r.matches("x", &entry("Pay", "https://www.paypal.com", "u")));
        let r = Record {
            site: "https://www.paypal.com/signin".into(),
            ..r
        };
        assert!(r.matches("x", &entry("Pay", "https://paypal.com", "u")));
        assert!(!r.matches("x", &entry("Pay", "https://paypal.example", "u")));
    }
}
