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
//! `site` and `where` are required. Lines starting with `#` are comments.
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
    /// Where the codes are kept (free text; never the codes).
    pub location: String,
    /// `YYYY-MM-DD` (or `YYYY-MM`).
    pub date: Option<String>,
}

/// A parsed inventory file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Inventory {
    /// The path as given, for evidence and messages.
    pub path: String,
    pub records: Vec<Record>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlFile {
    #[serde(default)]
    codes: Vec<toml::Spanned<TomlRecord>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlRecord {
    site: Option<String>,
    account: Option<String>,
    member: Option<String>,
    #[serde(rename = "where")]
    location: Option<String>,
    date: Option<toml::Value>,
}

const COLUMNS: &[&str] = &["site", "account", "member", "where", "date"];

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
            _ if text.contains("[[codes]]") => Inventory::parse_toml(text, &display),
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

    fn record(
        path: &str,
        line: u64,
        site: Option<String>,
        account: Option<String>,
        member: Option<String>,
        location: Option<String>,
        date: Option<String>,
    ) -> Result<Record, InputError> {
        let site = site
            .as_deref()
            .and_then(non_empty)
            .ok_or_else(|| Self::error(path, line, "missing 'site' (a domain, URL or title)"))?;
        let location = location
            .as_deref()
            .and_then(non_empty)
            .ok_or_else(|| Self::error(path, line, "missing 'where' (where the codes are kept)"))?;
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
                Self::record(
                    path,
                    line,
                    raw.site,
                    raw.account,
                    raw.member,
                    raw.location,
                    date,
                )
            })
            .collect::<Result<_, _>>()?;
        Ok(Inventory {
            path: path.to_owned(),
            records,
        })
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
        for required in ["site", "where"] {
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
            )?);
        }
        Ok(Inventory {
            path: path.to_owned(),
            records,
        })
    }

    /// The first record naming this account of `member`.
    pub fn find(&self, member: &str, entry: &Entry) -> Option<&Record> {
        self.records.iter().find(|r| r.matches(member, entry))
    }
}

impl Record {
    /// True when this record is about `entry` of `member`: same member (if
    /// given), same username (if given), and `site` is the entry's title, a
    /// domain or URL on the entry's registrable domain, or its brand name.
    pub fn matches(&self, member: &str, entry: &Entry) -> bool {
        if self
            .member
            .as_deref()
            .is_some_and(|m| !m.eq_ignore_ascii_case(member.trim()))
        {
            return false;
        }
        if self
            .account
            .as_deref()
            .is_some_and(|a| !a.eq_ignore_ascii_case(entry.username.trim()))
        {
            return false;
        }
        let site = self.site.trim().to_lowercase();
        if site == entry.title.trim().to_lowercase() {
            return true;
        }
        let domains: Vec<String> = entry.urls.iter().filter_map(|u| site::of_url(u)).collect();
        if site.contains('.') && !site.contains(char::is_whitespace) {
            return site::of_url(&site).is_some_and(|d| domains.contains(&d));
        }
        domains.iter().any(|d| site::brand(d) == site)
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
