//! The Passkeys Directory of 2factorauth (<https://passkeys.2fa.directory>,
//! data at <https://github.com/2factorauth/passkeys>, CC BY 4.0): which sites
//! accept a passkey to sign in (`passwordless`) and which only as a second
//! factor after the password (`mfa`). The `passkey_available` check reads it.
//!
//! Two sources, like the 2FA directory: a built-in table
//! (`data/passkeys.json`, made by `scripts/passkeys-table.py` from the
//! repository's entries) and, with `--passkeys FILE`, the API v1 `all.json`
//! that `vaultlint passkeys update` downloads. The file is asked first; the
//! built-in table answers for sites it does not list.
//!
//! Both are one JSON object keyed by domain, each value an entry with the
//! optional keys `passwordless` and `mfa` (`allowed` or `required`),
//! `additional-domains`, `documentation` and (built-in table only) `name`.
//! Other keys (`contact`, `notes`, `regions`, `recovery`, ...) are ignored;
//! an entry with neither `passwordless` nor `mfa` is kept, as "no passkey
//! support", so a specific entry is not overruled by its parent domain's.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap as HashMap;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use serde::Deserialize;

use crate::error::InputError;
use crate::site as domain;

/// The API v1 file with every listed site (see the API page,
/// <https://passkeys.2fa.directory/api/>).
pub const DEFAULT_URL: &str = "https://passkeys-api.2fa.directory/v1/all.json";
pub const SOURCE_URL: &str = "https://passkeys.2fa.directory";
pub const LICENCE: &str = "CC BY 4.0";
/// The credit every report that uses the directory shows (CC BY 4.0).
pub const ATTRIBUTION: &str = "Passkey data from 2factorauth's Passkeys Directory (https://passkeys.2fa.directory), licensed under CC BY 4.0";
/// The day the built-in table's entries were read (see data/README.md).
pub const BUILTIN_AS_OF: &str = "2026-11-27";

/// The largest download accepted (the real file is well under 1 MB).
pub const MAX_BYTES: usize = 16 * 1024 * 1024;

/// How a site offers a passkey way in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// It can be turned on (and off).
    Allowed,
    /// Every user has it.
    Required,
}

impl Level {
    fn parse(s: &str) -> Option<Level> {
        match s.trim().to_ascii_lowercase().as_str() {
            "allowed" => Some(Level::Allowed),
            "required" => Some(Level::Required),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Allowed => "allowed",
            Level::Required => "required",
        }
    }
}

/// What a passkey can do on a site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Support {
    /// Sign in with the passkey alone, no password.
    Passwordless,
    /// Only as a second factor, after the password.
    SecondFactor,
}

impl Support {
    pub fn as_str(self) -> &'static str {
        match self {
            Support::Passwordless => "passwordless",
            Support::SecondFactor => "second_factor",
        }
    }
}

/// One site of the directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    /// The entry's name (built-in table), else its domain.
    pub name: String,
    /// The domain the entry is filed under (lowercase, no `www.`).
    pub domain: String,
    pub passwordless: Option<Level>,
    pub mfa: Option<Level>,
    /// An `https://` page explaining how to add a passkey.
    pub documentation: Option<String>,
}

impl Site {
    /// What a passkey can do there, or `None` when the entry lists no
    /// passkey support.
    pub fn support(&self) -> Option<Support> {
        match (self.passwordless, self.mfa) {
            (Some(_), _) => Some(Support::Passwordless),
            (None, Some(_)) => Some(Support::SecondFactor),
            (None, None) => None,
        }
    }
}

/// One entry as the files write it; unknown keys are ignored.
#[derive(Deserialize)]
struct RawSite {
    #[serde(default)]
    name: Option<String>,
    #[serde(default, rename = "additional-domains")]
    additional_domains: Vec<String>,
    #[serde(default)]
    passwordless: Option<String>,
    #[serde(default)]
    mfa: Option<String>,
    #[serde(default)]
    documentation: Option<String>,
}

/// A site as compiled into the binary ([`PasskeyDirectory::builtin`]), with
/// the domains it is filed under, each with its registrable domain.
struct Row {
    name: &'static str,
    domain: &'static str,
    passwordless: Option<Level>,
    mfa: Option<Level>,
    documentation: Option<&'static str>,
    domains: &'static [(&'static str, &'static str)],
}

/// The built-in table, generated from `data/passkeys.json` (see
/// [`PasskeyDirectory::builtin`]).
mod builtin {
    use super::Level::{Allowed, Required};
    use super::Row;
    include!("generated/passkeys.rs");
}

/// A site of a directory file and the domains it is filed under.
type SiteDomains = (Site, Vec<String>);

/// A site found for an account.
#[derive(Debug, Clone, Copy)]
pub struct Match<'a> {
    pub site: &'a Site,
    /// True when found through the account's host (or a parent domain that
    /// has its own entry); false when only the registrable domain matched
    /// entries of several sub-sites that agree (`accounts.google.com` and
    /// the entries for `mail.google.com`, `drive.google.com`...).
    pub exact: bool,
}

/// The directory, indexed by domain.
#[derive(Debug, Default)]
pub struct PasskeyDirectory {
    sites: Vec<Site>,
    by_domain: HashMap<String, usize>,
    by_registrable: HashMap<String, Vec<usize>>,
    /// Entries in the file (sites, before additional domains).
    pub entries: usize,
}

/// Lower-cased host of a directory domain (`https://www.x.com/` gives `x.com`).
fn clean_domain(raw: &str) -> Option<String> {
    let h = domain::host(raw)?;
    Some(h.strip_prefix("www.").unwrap_or(&h).to_owned())
}

impl PasskeyDirectory {
    /// Parses a directory file (API v1 shape). `origin` names it in errors.
    pub fn parse(data: &[u8], origin: &str) -> Result<PasskeyDirectory, InputError> {
        let (entries, sites) = PasskeyDirectory::parse_sites(data, origin)?;
        let mut dir = PasskeyDirectory {
            entries,
            ..PasskeyDirectory::default()
        };
        for (site, domains) in sites {
            dir.add(
                site,
                domains.iter().map(|d| (d.as_str(), domain::registrable(d))),
            );
        }
        if dir.sites.is_empty() {
            return Err(InputError::Malformed {
                path: origin.to_owned(),
                line: 1,
                message: "the Passkeys Directory file lists no site".into(),
            });
        }
        Ok(dir)
    }

    /// The entries of a directory file (how many), and each site with the
    /// domains it is filed under (its own first, then its additional ones,
    /// cleaned), in the file's order.
    fn parse_sites(data: &[u8], origin: &str) -> Result<(usize, Vec<SiteDomains>), InputError> {
        let raw: BTreeMap<String, RawSite> =
            serde_json::from_slice(data).map_err(|e| InputError::Malformed {
                path: origin.to_owned(),
                line: e.line() as u64,
                message: format!("not a Passkeys Directory file (API v1 all.json): {e}"),
            })?;
        let entries = raw.len();
        let mut sites = Vec::with_capacity(entries);
        for (key, r) in raw {
            let Some(main) = clean_domain(&key) else {
                continue;
            };
            let site = Site {
                name: r
                    .name
                    .filter(|n| !n.trim().is_empty())
                    .unwrap_or_else(|| main.clone()),
                domain: main.clone(),
                passwordless: r.passwordless.as_deref().and_then(Level::parse),
                mfa: r.mfa.as_deref().and_then(Level::parse),
                documentation: r.documentation.filter(|d| d.starts_with("https://")),
            };
            let mut domains = vec![main];
            domains.extend(r.additional_domains.iter().filter_map(|d| clean_domain(d)));
            sites.push((site, domains));
        }
        Ok((entries, sites))
    }

    /// Indexes `site` under `domains` (each with its registrable domain).
    fn add<'a>(&mut self, site: Site, domains: impl Iterator<Item = (&'a str, String)>) {
        let index = self.sites.len();
        for (d, reg) in domains {
            // The first entry naming a domain keeps it (files are sorted
            // by key, so this is stable).
            self.by_domain.entry(d.to_owned()).or_insert(index);
            let list = self.by_registrable.entry(reg).or_default();
            if !list.contains(&index) {
                list.push(index);
            }
        }
        self.sites.push(site);
    }

    /// Reads a file written by `vaultlint passkeys update`.
    pub fn load(path: &Path) -> Result<PasskeyDirectory, InputError> {
        let (data, display) = InputError::read_file(path)?;
        PasskeyDirectory::parse(&data, &display)
    }

    /// The table that ships with the binary, built once. It is compiled in
    /// already parsed (`src/generated/passkeys.rs`, written from
    /// `data/passkeys.json` by the same parser; the unit test
    /// `builtin_table_is_the_parsed_file` fails when the two differ), so a
    /// short audit does not parse JSON and URLs at every start.
    pub fn builtin() -> Arc<PasskeyDirectory> {
        static BUILTIN: OnceLock<Arc<PasskeyDirectory>> = OnceLock::new();
        BUILTIN
            .get_or_init(|| {
                let mut dir = PasskeyDirectory {
                    entries: builtin::ENTRIES,
                    ..PasskeyDirectory::default()
                };
                for r in builtin::SITES {
                    let site = Site {
                        name: r.name.to_owned(),
                        domain: r.domain.to_owned(),
                        passwordless: r.passwordless,
                        mfa: r.mfa,
                        documentation: r.documentation.map(str::to_owned),
                    };
                    dir.add(
                        site,
                        r.domains.iter().map(|(d, reg)| (*d, (*reg).to_owned())),
                    );
                }
                Arc::new(dir)
            })
            .clone()
    }

    pub fn sites(&self) -> &[Site] {
        &self.sites
    }

    pub fn len(&self) -> usize {
        self.sites.len()
    }

    pub fn is_empty(&self) -> bool {
        self.sites.is_empty()
    }

    /// Whether any entry is filed under this registrable domain (or has it
    /// as an additional domain's). When not, [`PasskeyDirectory::lookup_site`]
    /// finds nothing for any host under it, whose candidates are all filed
    /// under it too.
    pub fn lists_registrable(&self, reg: &str) -> bool {
        self.by_registrable.contains_key(reg)
    }

    /// The site a host belongs to: the most specific listed domain from the
    /// host down to its registrable domain; else, when every entry under the
    /// registrable domain says the same about passkeys, the first of them.
    pub fn lookup_host(&self, host: &str) -> Option<Match<'_>> {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        let reg = domain::registrable(&host);
        self.lookup_site(&host, &reg)
    }

    /// The first name [`PasskeyDirectory::lookup_site`] asks for a host:
    /// the host without `www.` (the directory files its domains so).
    fn first_candidate(host: &str) -> &str {
        host.strip_prefix("www.").unwrap_or(host)
    }

    /// Whether [`PasskeyDirectory::lookup_site`] asks for a name outside
    /// the host's registrable domain `reg`: only when dropping `www.` leaves
    /// a name shorter than `reg` (`www.com`, whose registrable domain is
    /// itself, is looked up as `com`). When not, and the directory
    /// [lists nothing under `reg`](PasskeyDirectory::lists_registrable),
    /// the lookup finds nothing, so a caller may skip it.
    pub fn looks_beyond_registrable(host: &str, reg: &str) -> bool {
        Self::first_candidate(host).len() < reg.len()
    }

    /// Whether [`PasskeyDirectory::lookup_site`] can find anything for this
    /// host (a cheap test to skip most hosts of a large vault).
    pub fn may_list(&self, host: &str, reg: &str) -> bool {
        self.lists_registrable(reg) || Self::looks_beyond_registrable(host, reg)
    }

    /// [`PasskeyDirectory::lookup_host`] of a lowercase host whose
    /// registrable domain is already known.
    pub fn lookup_site(&self, host: &str, reg: &str) -> Option<Match<'_>> {
        let mut candidate = Self::first_candidate(host);
        loop {
            if let Some(&i) = self.by_domain.get(candidate) {
                return Some(Match {
                    site: &self.sites[i],
                    exact: true,
                });
            }
            if candidate.len() <= reg.len() {
                break;
            }
            match candidate.split_once('.') {
                Some((_, rest)) => candidate = rest,
                None => break,
            }
        }
        let under = self.by_registrable.get(reg)?;
        let first = &self.sites[*under.first()?];
        under
            .iter()
            .all(|&i| self.sites[i].support() == first.support())
            .then_some(Match {
                site: first,
                exact: false,
            })
    }

    /// The site of the first of `urls` that the directory knows.
    pub fn lookup_urls(&self, urls: &[String]) -> Option<Match<'_>> {
        urls.iter()
            .filter_map(|u| domain::host(u))
            .find_map(|h| self.lookup_host(&h))
    }
}

pub use crate::download::UpdateError;

/// Downloads the directory from `url`, checks that it parses, and writes it
/// to `output` atomically. Returns it (for its size).
pub fn update(url: &str, output: &Path) -> Result<PasskeyDirectory, UpdateError> {
    crate::download::update(url, output, MAX_BYTES, PasskeyDirectory::parse)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// API v1 shape: no names, additional domains already expanded into keys,
    /// a site without passkeys (contact only), an unknown level.
    const API: &str = r#"{
  "example.com": {"passwordless": "allowed", "mfa": "allowed", "documentation": "https://example.com/passkeys"},
  "example.co.uk": {"passwordless": "allowed"},
  "mfa-only.test": {"mfa": "required", "documentation": "http://insecure.test/doc"},
  "nopasskeys.test": {"contact": {"twitter": "nope"}},
  "login.parent.test": {"contact": {"email": "a@parent.test"}},
  "parent.test": {"passwordless": "allowed"},
  "odd.test": {"passwordless": "someday"}
}"#;

    #[test]
    fn parses_the_api_shape() {
        let dir = PasskeyDirectory::parse(API.as_bytes(), "all.json").unwrap();
        assert_eq!(dir.entries, 7);
        let get = |h: &str| dir.lookup_host(h).map(|m| m.site);
        let ex = get("www.example.com").unwrap();
        assert_eq!(ex.name, "example.com", "no name: the domain");
        assert_eq!(ex.support(), Some(Support::Passwordless));
        assert_eq!(
            ex.documentation.as_deref(),
            Some("https://example.com/passkeys")
        );
        let mfa = get("mfa-only.test").unwrap();
        assert_eq!(mfa.support(), Some(Support::SecondFactor));
        assert_eq!(mfa.mfa, Some(Level::Required));
        assert_eq!(mfa.documentation, None, "only https links are kept");
        assert_eq!(get("nopasskeys.test").unwrap().support(), None);
        assert_eq!(get("odd.test").unwrap().support(), None, "unknown level");
        // the more specific entry wins over its parent's
        assert_eq!(get("login.parent.test").unwrap().support(), None);
        assert_eq!(
            get("www.parent.test").unwrap().support(),
            Some(Support::Passwordless)
        );
        assert!(get("unknown.test").is_none());
    }

    #[test]
    fn registrable_fallback_only_when_the_sub_sites_agree() {
        let data = r#"{
  "mail.agree.test": {"name": "Mail", "passwordless": "allowed"},
  "drive.agree.test": {"name": "Drive", "passwordless": "allowed", "mfa": "allowed"},
  "a.split.test": {"passwordless": "allowed"},
  "b.split.test": {"mfa": "allowed"}
}"#;
        let dir = PasskeyDirectory::parse(data.as_bytes(), "t.json").unwrap();
        let m = dir.lookup_host("accounts.agree.test").unwrap();
        assert!(!m.exact);
        assert_eq!(m.site.support(), Some(Support::Passwordless));
        assert!(dir.lookup_host("mail.agree.test").unwrap().exact);
        assert!(dir.lookup_host("login.split.test").is_none());
        assert!(dir.lookup_host("a.split.test").is_some());
    }

    #[test]
    fn additional_domains_of_the_repository_shape() {
        let data = r#"{"amazon.com": {"name": "Amazon", "additional-domains": ["amazon.co.uk", "https://www.amazon.de/"], "passwordless": "allowed"}}"#;
        let dir = PasskeyDirectory::parse(data.as_bytes(), "t.json").unwrap();
        for h in ["www.amazon.co.uk", "amazon.de", "smile.amazon.com"] {
            assert_eq!(dir.lookup_host(h).unwrap().site.name, "Amazon", "{h}");
        }
        let urls = vec![
            "android://x@com.amazon/".to_owned(),
            "https://amazon.de".to_owned(),
        ];
        assert_eq!(dir.lookup_urls(&urls).unwrap().site.name, "Amazon");
    }

    #[test]
    fn builtin_table_is_the_parsed_file() {
        use std::fmt::Write;
        let data = include_bytes!("../data/passkeys.json");
        let (entries, sites) =
            PasskeyDirectory::parse_sites(data, "built-in passkeys table").unwrap();
        let mut source = String::from(
            "// @generated from data/passkeys.json by PasskeyDirectory::parse: do not edit. Rewrite it with\n\
             // VAULTLINT_BLESS=1 cargo test --release --lib passkeys::tests::builtin_table_is_the_parsed_file\n\n",
        );
        writeln!(source, "pub(super) const ENTRIES: usize = {entries};").unwrap();
        source.push_str("pub(super) const SITES: &[Row] = &[\n");
        for (s, domains) in &sites {
            let domains: Vec<(&str, String)> = domains
                .iter()
                .map(|d| (d.as_str(), domain::registrable(d)))
                .collect();
            writeln!(
                source,
                "    Row {{ name: {:?}, domain: {:?}, passwordless: {:?}, mfa: {:?}, documentation: {:?}, domains: &{domains:?} }},",
                s.name, s.domain, s.passwordless, s.mfa, s.documentation
            )
            .unwrap();
        }
        source.push_str("];\n");
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/generated/passkeys.rs");
        crate::assert_generated(
            path,
            &source,
            "data/passkeys.json",
            "passkeys::tests::builtin_table_is_the_parsed_file",
        );
        let parsed = PasskeyDirectory::parse(data, "built-in passkeys table").unwrap();
        let builtin = PasskeyDirectory::builtin();
        assert!(
            builtin.sites == parsed.sites,
            "the built-in sites differ from the parsed file"
        );
        assert!(
            builtin.by_domain == parsed.by_domain,
            "the built-in by_domain differ from the parsed file"
        );
        assert!(
            builtin.by_registrable == parsed.by_registrable,
            "the built-in by_registrable differ from the parsed file"
        );
        assert!(
            builtin.entries == parsed.entries,
            "the built-in entries differ from the parsed file"
        );
    }

    #[test]
    fn builtin_table_loads_and_knows_the_big_sites() {
        let dir = PasskeyDirectory::builtin();
        // every entry of the repository as read (data/README.md)
        assert_eq!(dir.len(), 287);
        assert_eq!(dir.entries, 287);
        let support = |h: &str| dir.lookup_host(h).and_then(|m| m.site.support());
        assert_eq!(support("github.com"), Some(Support::Passwordless));
        assert_eq!(support("www.amazon.co.uk"), Some(Support::Passwordless));
        assert_eq!(support("www.paypal.com"), Some(Support::SecondFactor));
        assert_eq!(support("gitlab.com"), Some(Support::SecondFactor));
        // accounts.google.com: no entry of its own, and the google.com entries
        // disagree (Google Nest, nest.google.com, takes a passkey as a second
        // factor only), so no fallback to the registrable domain
        assert_eq!(support("accounts.google.com"), None);
        assert_eq!(support("mail.google.com"), Some(Support::Passwordless));
        assert_eq!(support("nest.google.com"), Some(Support::SecondFactor));
        assert_eq!(support("www.netflix.com"), None);
        // entries beyond the big consumer sites, and their additional domains
        assert_eq!(support("www.bigpond.com"), Some(Support::Passwordless));
        assert_eq!(support("battle.net"), Some(Support::Passwordless));
        assert_eq!(support("mastodon.social"), Some(Support::SecondFactor));
        assert_eq!(support("login.stanford.edu"), Some(Support::SecondFactor));
        assert_eq!(support("www.rewe.de"), None, "listed without passkeys");
        assert_eq!(
            dir.lookup_host("www.bigpond.com").unwrap().site.name,
            "Telstra"
        );
        for s in dir.sites() {
            assert!(!s.name.is_empty());
            if let Some(d) = &s.documentation {
                assert!(d.starts_with("https://"), "{}: {d}", s.name);
            }
        }
    }

    /// The cheap test callers use to skip a lookup never skips one that
    /// finds a site: `www.com` is looked up as `com`, outside its
    /// registrable domain (itself), which the directory does not list.
    #[test]
    fn may_list_never_skips_a_host_the_lookup_finds() {
        let data = r#"{"com": {"passwordless": "allowed"}, "example.com": {"mfa": "allowed"},
            "mail.agree.test": {"passwordless": "allowed"}}"#;
        let dir = PasskeyDirectory::parse(data.as_bytes(), "t.json").unwrap();
        let hosts = [
            "www.com",
            "com",
            "www.example.com",
            "login.example.com",
            "example.com",
            "www.co.uk",
            "accounts.agree.test",
            "www.unlisted.test",
            "unlisted.test",
            "www.www.com",
        ];
        for host in hosts {
            let reg = domain::registrable(host);
            let found = dir.lookup_site(host, &reg).is_some();
            assert!(!found || dir.may_list(host, &reg), "{host} under {reg}");
        }
        assert!(!dir.lists_registrable("www.com"));
        assert!(dir.lookup_site("www.com", "www.com").is_some());
        assert!(PasskeyDirectory::looks_beyond_registrable(
            "www.com", "www.com"
        ));
        assert!(!PasskeyDirectory::looks_beyond_registrable(
            "www.unlisted.test",
            "unlisted.test"
        ));
        assert!(!dir.may_list("www.unlisted.test", "unlisted.test"));
        assert!(
            dir.lookup_site("www.unlisted.test", "unlisted.test")
                .is_none()
        );
    }

    #[test]
    fn bad_files_are_input_errors_naming_the_file() {
        for data in [
            &b"[]"[..],
            b"{}",
            b"not json",
            br#"{"x.com": {"passwordless": 3}}"#,
        ] {
            let err = PasskeyDirectory::parse(data, "pk.json").unwrap_err();
            assert!(err.to_string().starts_with("pk.json"), "{err}");
        }
    }
}
