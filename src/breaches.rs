//! Have I Been Pwned's public list of breached *sites* (not passwords): which
//! services were breached, when, and what leaked. The `site_breach` check
//! reads it; a snapshot ships with the binary (`data/hibp-breaches.json`,
//! CC BY 4.0), `vaultlint breaches update` downloads the current list and
//! `--breaches FILE` uses a downloaded one.
//!
//! Entries that can never mean "your account on this site is at risk" are
//! dropped on load: fabricated breaches, spam lists, retired breaches, and
//! entries with no domain.

use rustc_hash::FxHashMap as HashMap;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;

use crate::error::InputError;

/// The breach list API (no key needed; a User-Agent is required).
pub const DEFAULT_URL: &str = "https://haveibeenpwned.com/api/v3/breaches";

/// The credit every report that uses the list must show (CC BY 4.0).
pub const ATTRIBUTION: &str =
    "Breach data from Have I Been Pwned (https://haveibeenpwned.com), licensed under CC BY 4.0";
pub const SOURCE_URL: &str = "https://haveibeenpwned.com";
pub const LICENCE: &str = "CC BY 4.0";

/// The largest download accepted (the real list is about 1 MB).
pub const MAX_BYTES: usize = 32 * 1024 * 1024;

/// One entry as the API writes it (fields vaultlint reads).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawBreach {
    name: String,
    title: String,
    #[serde(default)]
    domain: String,
    breach_date: Option<String>,
    added_date: String,
    #[serde(default)]
    pwn_count: u64,
    #[serde(default)]
    data_classes: Vec<String>,
    #[serde(default)]
    is_verified: bool,
    #[serde(default)]
    is_fabricated: bool,
    #[serde(default)]
    is_retired: bool,
    #[serde(default)]
    is_spam_list: bool,
    #[serde(default)]
    is_malware: bool,
    #[serde(default)]
    is_stealer_log: bool,
}

/// A breach of one site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Breach {
    /// HIBP's stable name (`LinkedIn`).
    pub name: String,
    pub title: String,
    /// Registrable domain, lowercase (`linkedin.com`).
    pub domain: String,
    /// When the breach happened, when known (day precision).
    pub breach_date: Option<NaiveDate>,
    /// When HIBP made it public (Unix seconds).
    pub added: i64,
    pub pwn_count: u64,
    pub data_classes: Vec<String>,
    pub verified: bool,
    /// Credentials taken from infected computers, or malware logs: not a
    /// breach of the site itself.
    pub stealer_log: bool,
    pub malware: bool,
}

impl Breach {
    /// True when passwords (of any form) leaked.
    pub fn exposes_passwords(&self) -> bool {
        self.data_classes
            .iter()
            .any(|c| c.eq_ignore_ascii_case("Passwords"))
    }

    /// The moment after which a password set on the site was not in the
    /// breach: the breach date when known (its start of day), else the day
    /// it was made public, whichever is earlier (Unix seconds).
    pub fn cutoff(&self) -> i64 {
        let happened = self
            .breach_date
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|t| t.and_utc().timestamp());
        happened.map_or(self.added, |h| h.min(self.added))
    }

    /// `2012-05-05`, or the public date's day when the breach date is unknown.
    pub fn date_text(&self) -> String {
        match self.breach_date {
            Some(d) => d.to_string(),
            None => day(self.added),
        }
    }
}

/// `YYYY-MM-DD` of Unix seconds (UTC).
pub fn day(secs: i64) -> String {
    DateTime::<Utc>::from_timestamp(secs, 0)
        .map(|t| t.date_naive().to_string())
        .unwrap_or_else(|| secs.to_string())
}

/// The list, indexed by domain.
#[derive(Debug, Default)]
pub struct BreachList {
    breaches: Vec<Breach>,
    by_domain: HashMap<String, Vec<usize>>,
    /// The latest `AddedDate` (Unix seconds): how current the list is.
    pub as_of: Option<i64>,
    /// Entries in the file, before dropping the ones that never match.
    pub entries: usize,
}

/// A breach as compiled into the binary ([`BreachList::builtin`]).
struct Row {
    name: &'static str,
    title: &'static str,
    domain: &'static str,
    breach_date: Option<(i32, u32, u32)>,
    added: i64,
    pwn_count: u64,
    data_classes: &'static [&'static str],
    verified: bool,
    stealer_log: bool,
    malware: bool,
}

/// The built-in snapshot, generated (see [`BreachList::builtin`]).
mod builtin {
    use super::Row;
    include!("generated/hibp_breaches.rs");
}

impl BreachList {
    /// Adds a breach that can match, indexed under its domain.
    fn push(&mut self, breach: Breach) {
        self.by_domain
            .entry(breach.domain.clone())
            .or_default()
            .push(self.breaches.len());
        self.breaches.push(breach);
    }

    /// Parses the API's JSON array. `origin` names it in errors.
    pub fn parse(data: &[u8], origin: &str) -> Result<BreachList, InputError> {
        let raw: Vec<RawBreach> =
            serde_json::from_slice(data).map_err(|e| InputError::Malformed {
                path: origin.to_owned(),
                line: e.line() as u64,
                message: format!("not a Have I Been Pwned breach list: {e}"),
            })?;
        if raw.is_empty() {
            return Err(InputError::Malformed {
                path: origin.to_owned(),
                line: 1,
                message: "the breach list is empty".into(),
            });
        }
        let mut list = BreachList {
            entries: raw.len(),
            ..BreachList::default()
        };
        for (n, r) in raw.into_iter().enumerate() {
            let added = DateTime::parse_from_rfc3339(&r.added_date)
                .map(|t| t.timestamp())
                .map_err(|e| InputError::Malformed {
                    path: origin.to_owned(),
                    line: 1,
                    message: format!("breach {} ({}): AddedDate: {e}", n + 1, r.name),
                })?;
            list.as_of = list.as_of.max(Some(added));
            let domain = r.domain.trim().trim_end_matches('.').to_ascii_lowercase();
            if r.is_fabricated || r.is_spam_list || r.is_retired || domain.is_empty() {
                continue;
            }
            let breach = Breach {
                breach_date: r
                    .breach_date
                    .as_deref()
                    .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()),
                name: r.name,
                title: r.title,
                domain: crate::site::registrable(&domain),
                added,
                pwn_count: r.pwn_count,
                data_classes: r.data_classes,
                verified: r.is_verified,
                stealer_log: r.is_stealer_log,
                malware: r.is_malware,
            };
            list.push(breach);
        }
        Ok(list)
    }

    /// Loads a file written by `vaultlint breaches update`.
    pub fn load(path: &Path) -> Result<BreachList, InputError> {
        let (data, display) = InputError::read_file(path)?;
        BreachList::parse(&data, &display)
    }

    /// The snapshot that ships with the binary, built once. It is compiled in
    /// already parsed (`src/generated/hibp_breaches.rs`, written from
    /// `data/hibp-breaches.json` by [`BreachList::parse`]; the unit test
    /// `builtin_table_is_the_parsed_snapshot` fails when the two differ), so
    /// a short audit does not parse 480 KB of JSON at every start.
    pub fn builtin() -> Arc<BreachList> {
        static BUILTIN: OnceLock<Arc<BreachList>> = OnceLock::new();
        BUILTIN
            .get_or_init(|| {
                Arc::new(BreachList::from_rows(
                    builtin::ENTRIES,
                    builtin::AS_OF,
                    builtin::BREACHES,
                ))
            })
            .clone()
    }

    /// The list of the compiled-in rows (already filtered and normalised).
    fn from_rows(entries: usize, as_of: Option<i64>, rows: &[Row]) -> BreachList {
        let mut list = BreachList {
            entries,
            breaches: Vec::with_capacity(rows.len()),
            by_domain: HashMap::with_capacity_and_hasher(rows.len(), Default::default()),
            as_of,
        };
        for r in rows {
            let breach = Breach {
                name: r.name.to_owned(),
                title: r.title.to_owned(),
                domain: r.domain.to_owned(),
                breach_date: r
                    .breach_date
                    .and_then(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d)),
                added: r.added,
                pwn_count: r.pwn_count,
                data_classes: r.data_classes.iter().map(|c| (*c).to_owned()).collect(),
                verified: r.verified,
                stealer_log: r.stealer_log,
                malware: r.malware,
            };
            list.push(breach);
        }
        list
    }

    /// Breaches of the site with this registrable domain.
    pub fn of_domain(&self, domain: &str) -> impl Iterator<Item = &Breach> {
        self.by_domain
            .get(domain)
            .into_iter()
            .flatten()
            .map(|&i| &self.breaches[i])
    }

    /// Breaches kept (those that can match an account).
    pub fn len(&self) -> usize {
        self.breaches.len()
    }

    pub fn is_empty(&self) -> bool {
        self.breaches.is_empty()
    }
}

pub use crate::download::UpdateError;

/// Downloads the breach list from `url`, checks that it parses, and writes it
/// to `output` atomically. Returns the list (for its size and date).
pub fn update(url: &str, output: &Path) -> Result<BreachList, UpdateError> {
    crate::download::update(url, output, MAX_BYTES, BreachList::parse)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(name: &str, domain: &str, classes: &[&str], flags: &str) -> serde_json::Value {
        serde_json::json!({
            "Name": name, "Title": name, "Domain": domain,
            "BreachDate": "2020-01-02", "AddedDate": "2020-03-04T05:06:07Z",
            "ModifiedDate": "2020-03-04T05:06:07Z", "PwnCount": 10,
            "DataClasses": classes, "IsVerified": true,
            "IsFabricated": flags.contains('f'), "IsSensitive": false,
            "IsRetired": flags.contains('r'), "IsSpamList": flags.contains('s'),
            "IsMalware": false, "IsStealerLog": flags.contains('l'),
        })
    }

    /// The Rust source of `src/generated/hibp_breaches.rs` for `list`.
    fn generated_source(list: &BreachList) -> String {
        use chrono::Datelike;
        use std::fmt::Write;
        let mut out = String::from(
            "// @generated from data/hibp-breaches.json by BreachList::parse: do not edit. Rewrite it with\n\
             // VAULTLINT_BLESS=1 cargo test --release --lib breaches::tests::builtin_table_is_the_parsed_snapshot\n\n",
        );
        writeln!(out, "pub(super) const ENTRIES: usize = {};", list.entries).unwrap();
        writeln!(
            out,
            "pub(super) const AS_OF: Option<i64> = {:?};",
            list.as_of
        )
        .unwrap();
        out.push_str("pub(super) const BREACHES: &[Row] = &[\n");
        for b in &list.breaches {
            let date = b.breach_date.map(|d| (d.year(), d.month(), d.day()));
            writeln!(
                out,
                "    Row {{ name: {:?}, title: {:?}, domain: {:?}, breach_date: {date:?}, added: {}, pwn_count: {}, data_classes: &{:?}, verified: {}, stealer_log: {}, malware: {} }},",
                b.name, b.title, b.domain, b.added, b.pwn_count, b.data_classes, b.verified, b.stealer_log, b.malware
            )
            .unwrap();
        }
        out.push_str("];\n");
        out
    }

    #[test]
    fn builtin_table_is_the_parsed_snapshot() {
        let parsed = BreachList::parse(
            include_bytes!("../data/hibp-breaches.json"),
            "built-in breach list",
        )
        .unwrap();
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/src/generated/hibp_breaches.rs"
        );
        let source = generated_source(&parsed);
        crate::assert_generated(
            path,
            &source,
            "data/hibp-breaches.json",
            "breaches::tests::builtin_table_is_the_parsed_snapshot",
        );
        let builtin = BreachList::builtin();
        assert!(
            builtin.breaches == parsed.breaches,
            "the built-in breaches differ from the parsed file"
        );
        assert!(
            builtin.by_domain == parsed.by_domain,
            "the built-in by_domain differ from the parsed file"
        );
        assert!(
            builtin.as_of == parsed.as_of,
            "the built-in as_of differ from the parsed file"
        );
        assert!(
            builtin.entries == parsed.entries,
            "the built-in entries differ from the parsed file"
        );
    }

    #[test]
    fn the_snapshot_loads_and_is_current_to_its_stated_date() {
        let list = BreachList::builtin();
        assert_eq!(list.entries, 955);
        assert_eq!(day(list.as_of.unwrap()), "2026-02-26");
        let linkedin: Vec<_> = list.of_domain("linkedin.com").collect();
        assert!(
            linkedin
                .iter()
                .any(|b| b.name == "LinkedIn" && b.exposes_passwords())
        );
        assert!(list.len() < list.entries, "unmatchable entries are dropped");
    }

    #[test]
    fn fabricated_spam_retired_and_domainless_entries_never_match() {
        let data = serde_json::to_vec(&serde_json::json!([
            entry("Real", "www.Example.co.uk", &["Passwords"], ""),
            entry("Fake", "example.co.uk", &["Passwords"], "f"),
            entry("Spam", "example.co.uk", &["Email addresses"], "s"),
            entry("Old", "example.co.uk", &["Passwords"], "r"),
            entry("NoDomain", "", &["Passwords"], ""),
            entry("Stealer", "example.co.uk", &["Passwords"], "l"),
        ]))
        .unwrap();
        let list = BreachList::parse(&data, "t.json").unwrap();
        let names: Vec<_> = list
            .of_domain("example.co.uk")
            .map(|b| b.name.as_str())
            .collect();
        assert_eq!(names, ["Real", "Stealer"]);
        assert!(list.of_domain("example.co.uk").nth(1).unwrap().stealer_log);
        assert_eq!(list.entries, 6);
    }

    #[test]
    fn cutoff_is_the_earlier_of_breach_and_public_dates() {
        let data = serde_json::to_vec(&serde_json::json!([entry(
            "Real",
            "example.com",
            &["Passwords"],
            ""
        )]))
        .unwrap();
        let list = BreachList::parse(&data, "t.json").unwrap();
        let b = list.of_domain("example.com").next().unwrap();
        assert_eq!(day(b.cutoff()), "2020-01-02");
        assert_eq!(b.date_text(), "2020-01-02");
    }

    #[test]
    fn bad_files_are_input_errors_naming_the_file() {
        for data in [&b"{}"[..], b"[]", b"not json", br#"[{"Name":"x"}]"#] {
            let err = BreachList::parse(data, "list.json").unwrap_err();
            assert!(err.to_string().starts_with("list.json"), "{err}");
        }
    }
}
