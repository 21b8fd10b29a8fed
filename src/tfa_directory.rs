//! Which services offer 2FA, and which methods: the data the recovery check
//! receives, read and downloaded here (checks do no I/O).
//!
//! Two sources: a built-in table of major services (`data/2fa-services.toml`,
//! compiled into the binary) and, with `--2fa-directory FILE`, the full
//! [2fa.directory](https://2fa.directory) dataset in its API v3 form: a JSON
//! array of `[name, {domain, tfa: [...], documentation, additional-domains,
//! keywords, ...}]`. `vaultlint 2fa update` downloads that file. The file is
//! asked first; the built-in table answers for services it does not list.
//!
//! Matching is by host, then registrable domain (public suffix list): a login
//! on `signin.aws.amazon.com` finds an entry for `aws.amazon.com` before the
//! one for `amazon.com`; `store.steampowered.com` finds `steampowered.com`.

use rustc_hash::FxHashMap as HashMap;
use std::path::Path;
use std::sync::LazyLock;

use serde::Deserialize;

use crate::error::InputError;
use crate::site;

/// The 2fa.directory API v3 file with every listed service (with and
/// without 2FA), which `vaultlint 2fa update` downloads by default.
pub const DEFAULT_URL: &str = "https://api.2fa.directory/v3/all.json";

/// Keywords (2fa.directory categories) that mark an account holding money.
const MONEY: &[&str] = &[
    "banking",
    "payments",
    "cryptocurrencies",
    "investing",
    "finance",
];

/// Methods stronger than SMS, in the order advice names them.
const STRONGER_THAN_SMS: &[(&str, &str)] = &[
    ("totp", "an authenticator app"),
    ("u2f", "a security key"),
    ("custom-software", "the service's own app"),
    ("custom-hardware", "its hardware token"),
];

/// One service and the 2FA methods it offers.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Service {
    pub name: String,
    pub domains: Vec<String>,
    /// Methods in 2fa.directory's words (`sms`, `call`, `email`, `totp`,
    /// `u2f`, `custom-software`, `custom-hardware`); empty: no 2FA offered.
    pub tfa: Vec<String>,
    #[serde(default)]
    pub documentation: Option<String>,
    #[serde(default)]
    pub keywords: Vec<String>,
}

impl Service {
    /// True when the service offers any second factor.
    pub fn offers(&self) -> bool {
        !self.tfa.is_empty()
    }

    /// True when its 2FA leaves a trace a password manager can export (a TOTP
    /// secret). SMS, calls, the service's own app and security keys do not:
    /// for such a service the export cannot show whether 2FA is on.
    pub fn recordable(&self) -> bool {
        self.tfa.iter().any(|m| m == "totp")
    }

    /// True when the service offers SMS and nothing stronger (no
    /// authenticator app, security key, own app or hardware token).
    pub fn sms_only(&self) -> bool {
        self.tfa.iter().any(|m| m == "sms")
            && !STRONGER_THAN_SMS
                .iter()
                .any(|(m, _)| self.tfa.iter().any(|t| t == m))
    }

    /// Advice on which second factor to pick, naming only what it offers:
    /// SMS can be taken over by SIM swapping (NIST SP 800-63B restricts it),
    /// so a stronger method is suggested where the service has one.
    pub fn advice(&self) -> String {
        if !self.tfa.iter().any(|m| m == "sms") {
            return String::new();
        }
        let stronger: Vec<&str> = STRONGER_THAN_SMS
            .iter()
            .filter(|(m, _)| self.tfa.iter().any(|t| t == m))
            .map(|(_, words)| *words)
            .collect();
        match stronger.as_slice() {
            [] => " (it offers nothing stronger than SMS, whose codes can be taken over by SIM swapping: NIST SP 800-63B restricts SMS. Turn it on anyway, and protect your mobile account with a PIN)".to_owned(),
            [one] => format!(
                " ({one} is stronger than SMS, whose codes can be taken over by SIM swapping: NIST SP 800-63B restricts SMS)"
            ),
            [rest @ .., last] => format!(
                " ({} or {last} is stronger than SMS, whose codes can be taken over by SIM swapping: NIST SP 800-63B restricts SMS)",
                rest.join(", ")
            ),
        }
    }

    /// True for mail providers (the 2fa.directory category `email`).
    pub fn is_mailbox(&self) -> bool {
        self.keywords.iter().any(|k| k == "email")
    }

    /// True for banks, payment services, brokers and exchanges.
    pub fn is_money(&self) -> bool {
        self.keywords.iter().any(|k| MONEY.contains(&k.as_str()))
    }
}

/// Plain words for a 2fa.directory method name.
pub fn describe_method(method: &str) -> &str {
    match method {
        "totp" => "authenticator app",
        "sms" => "SMS",
        "call" => "phone call",
        "email" => "email",
        "u2f" => "security key",
        "custom-software" => "the service's app",
        "custom-hardware" => "hardware token",
        other => other,
    }
}

/// A lookup table of services by domain.
#[derive(Debug, Default)]
pub struct Directory {
    services: Vec<Service>,
    by_domain: HashMap<String, usize>,
    by_registrable: HashMap<String, Vec<usize>>,
}

/// Lower-cased host of a directory domain (`https://www.x.com/` gives `x.com`).
fn clean_domain(raw: &str) -> Option<String> {
    let h = site::host(raw)?;
    Some(h.strip_prefix("www.").unwrap_or(&h).to_owned())
}

/// A service as compiled into the binary ([`Directory::builtin`]): its
/// domains already cleaned, each with its registrable domain.
struct Row {
    name: &'static str,
    domains: &'static [(&'static str, &'static str)],
    tfa: &'static [&'static str],
    documentation: Option<&'static str>,
    keywords: &'static [&'static str],
}

/// The built-in table, generated from `data/2fa-services.toml` (see
/// [`Directory::builtin`]).
mod builtin {
    use super::Row;
    include!("generated/tfa_services.rs");
}

static BUILTIN: LazyLock<Directory> = LazyLock::new(|| {
    let mut dir = Directory::default();
    let owned = |list: &[&str]| list.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    for r in builtin::SERVICES {
        let service = Service {
            name: r.name.to_owned(),
            domains: r.domains.iter().map(|(d, _)| (*d).to_owned()).collect(),
            tfa: owned(r.tfa),
            documentation: r.documentation.map(str::to_owned),
            keywords: owned(r.keywords),
        };
        dir.add(service, r.domains.iter().map(|(_, reg)| (*reg).to_owned()));
    }
    dir
});

/// One entry of the API v3 file; unknown keys are ignored.
#[derive(Deserialize)]
struct V3Info {
    domain: Option<String>,
    #[serde(default, rename = "additional-domains")]
    additional_domains: Vec<String>,
    #[serde(default)]
    tfa: Vec<String>,
    documentation: Option<String>,
    #[serde(default)]
    keywords: Vec<String>,
    /// The name used in the repository's entry files (renamed `keywords` in v3).
    #[serde(default)]
    categories: Vec<String>,
}

impl Directory {
    /// The built-in table. It is compiled in already parsed and cleaned
    /// (`src/generated/tfa_services.rs`, written from `data/2fa-services.toml`
    /// by [`Directory::from_services`]; the unit test
    /// `builtin_table_is_the_parsed_file` fails when the two differ), so a
    /// short audit does not parse TOML and URLs at every start.
    pub fn builtin() -> &'static Directory {
        &BUILTIN
    }

    pub fn from_services(services: Vec<Service>) -> Directory {
        let mut dir = Directory::default();
        for mut service in services {
            service.domains = service
                .domains
                .iter()
                .filter_map(|d| clean_domain(d))
                .collect();
            if service.domains.is_empty() {
                continue;
            }
            let registrables: Vec<String> = service
                .domains
                .iter()
                .map(|d| site::registrable(d))
                .collect();
            dir.add(service, registrables.into_iter());
        }
        dir
    }

    /// Indexes `service` under its (cleaned) domains, whose registrable
    /// domains are `registrables`, in order.
    fn add(&mut self, service: Service, registrables: impl Iterator<Item = String>) {
        let index = self.services.len();
        for (d, reg) in service.domains.iter().zip(registrables) {
            self.by_domain.entry(d.clone()).or_insert(index);
            let list = self.by_registrable.entry(reg).or_default();
            if !list.contains(&index) {
                list.push(index);
            }
        }
        self.services.push(service);
    }

    /// Parses a 2fa.directory API v3 file. `path` names it in errors.
    pub fn parse_v3(data: &[u8], path: &str) -> Result<Directory, InputError> {
        let entries: Vec<(String, V3Info)> =
            serde_json::from_slice(data).map_err(|e| InputError::Malformed {
                path: path.to_owned(),
                line: e.line() as u64,
                message: format!(
                    "not a 2fa.directory API v3 file ({})",
                    match e.classify() {
                        serde_json::error::Category::Syntax => "invalid JSON",
                        serde_json::error::Category::Eof => "the file ends too early",
                        serde_json::error::Category::Data => "unexpected structure",
                        serde_json::error::Category::Io => "read error",
                    }
                ),
            })?;
        let services: Vec<Service> = entries
            .into_iter()
            .map(|(name, info)| {
                let mut domains: Vec<String> = info.domain.into_iter().collect();
                domains.extend(info.additional_domains);
                let mut keywords = info.keywords;
                keywords.extend(info.categories);
                Service {
                    name,
                    domains,
                    tfa: info.tfa,
                    documentation: info.documentation.filter(|d| d.starts_with("https://")),
                    keywords,
                }
            })
            .collect();
        let dir = Directory::from_services(services);
        if dir.is_empty() {
            return Err(InputError::Malformed {
                path: path.to_owned(),
                line: 1,
                message: "the 2fa.directory file lists no service with a domain".into(),
            });
        }
        Ok(dir)
    }

    /// Reads a 2fa.directory API v3 file.
    pub fn load(path: &Path) -> Result<Directory, InputError> {
        let (data, display) = InputError::read_file(path)?;
        Directory::parse_v3(&data, &display)
    }

    pub fn len(&self) -> usize {
        self.services.len()
    }

    pub fn is_empty(&self) -> bool {
        self.services.is_empty()
    }

    pub fn services(&self) -> &[Service] {
        &self.services
    }

    /// The service a host belongs to: the most specific listed domain from
    /// the host down to its registrable domain, else the only service under
    /// that registrable domain.
    pub fn lookup_host(&self, host: &str) -> Option<&Service> {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        let reg = site::registrable(&host);
        let mut candidate = host.as_str();
        loop {
            if let Some(&i) = self.by_domain.get(candidate) {
                return Some(&self.services[i]);
            }
            if candidate.len() <= reg.len() {
                break;
            }
            match candidate.split_once('.') {
                Some((_, rest)) => candidate = rest,
                None => break,
            }
        }
        match self.by_registrable.get(&reg).map(Vec::as_slice) {
            Some([only]) => Some(&self.services[*only]),
            _ => None,
        }
    }

    /// The service of the first of `urls` that the directory knows.
    pub fn lookup_urls(&self, urls: &[String]) -> Option<&Service> {
        urls.iter()
            .filter_map(|u| site::host(u))
            .find_map(|h| self.lookup_host(&h))
    }
}

pub use crate::download::UpdateError;

/// The largest download accepted (the real file is a few MB).
const MAX_BYTES: usize = 64 * 1024 * 1024;

/// Downloads the 2fa.directory API v3 file from `url`, checks that it parses,
/// and writes it to `output` (via a temporary file, so a failed download
/// never replaces a good file). Returns the number of services.
pub fn update(url: &str, output: &Path) -> Result<usize, UpdateError> {
    crate::download::update(url, output, MAX_BYTES, |body, url| {
        Directory::parse_v3(body, url).map(|d| d.len())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small API v3 fixture: additional domains, a subdomain entry, an entry
    /// without 2FA, `categories` instead of `keywords`, one without a domain.
    const FIXTURE: &str = r#"[
  ["Amazon", {"domain": "amazon.com", "additional-domains": ["amazon.co.uk", "amazon.de"], "tfa": ["sms", "totp"], "documentation": "https://www.amazon.com/gp/help/customer/display.html?nodeId=G3PWZPU52FKN7PW4", "keywords": ["retail"]}],
  ["Amazon Web Services", {"domain": "aws.amazon.com", "tfa": ["totp", "u2f", "custom-hardware"], "keywords": ["cloud"], "img": "aws.svg"}],
  ["Northwind Bank", {"domain": "northwind-bank.example", "tfa": ["sms", "custom-software"], "custom-software": ["Northwind app"], "categories": ["banking"], "regions": ["us"]}],
  ["Netflix", {"domain": "netflix.com", "keywords": ["entertainment"], "contact": {"twitter": "Netflixhelps"}}],
  ["Steam", {"domain": "store.steampowered.com", "tfa": ["email", "custom-software"]}],
  ["Nameless", {"tfa": ["totp"]}]
]"#;

    /// The Rust source of `src/generated/tfa_services.rs` for `dir`.
    fn generated_source(dir: &Directory) -> String {
        use std::fmt::Write;
        let mut out = String::from(
            "// @generated from data/2fa-services.toml by Directory::from_services: do not edit. Rewrite it with\n\
             // VAULTLINT_BLESS=1 cargo test --release --lib tfa_directory::tests::builtin_table_is_the_parsed_file\n\n\
             pub(super) const SERVICES: &[Row] = &[\n",
        );
        for s in dir.services() {
            let domains: Vec<(&str, String)> = s
                .domains
                .iter()
                .map(|d| (d.as_str(), site::registrable(d)))
                .collect();
            writeln!(
                out,
                "    Row {{ name: {:?}, domains: &{domains:?}, tfa: &{:?}, documentation: {:?}, keywords: &{:?} }},",
                s.name, s.tfa, s.documentation, s.keywords
            )
            .unwrap();
        }
        out.push_str("];\n");
        out
    }

    #[test]
    fn builtin_table_is_the_parsed_file() {
        #[derive(Deserialize)]
        struct File {
            service: Vec<Service>,
        }
        let file: File = toml::from_str(include_str!("../data/2fa-services.toml")).unwrap();
        let parsed = Directory::from_services(file.service);
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/generated/tfa_services.rs");
        let source = generated_source(&parsed);
        crate::assert_generated(
            path,
            &source,
            "data/2fa-services.toml",
            "tfa_directory::tests::builtin_table_is_the_parsed_file",
        );
        let builtin = Directory::builtin();
        assert!(
            builtin.services == parsed.services,
            "the built-in services differ from the parsed file"
        );
        assert!(
            builtin.by_domain == parsed.by_domain,
            "the built-in by_domain differ from the parsed file"
        );
        assert!(
            builtin.by_registrable == parsed.by_registrable,
            "the built-in by_registrable differ from the parsed file"
        );
    }

    #[test]
    fn builtin_table_loads_and_is_large_enough() {
        let dir = Directory::builtin();
        let offering = dir.services().iter().filter(|s| s.offers()).count();
        assert!(offering >= 150, "only {offering} services offer 2FA");
        let known = [
            "totp",
            "sms",
            "call",
            "email",
            "u2f",
            "custom-software",
            "custom-hardware",
        ];
        for s in dir.services() {
            for m in &s.tfa {
                assert!(
                    known.contains(&m.as_str()),
                    "{}: unknown method {m}",
                    s.name
                );
            }
        }
        let names: Vec<&str> = dir.services().iter().map(|s| s.name.as_str()).collect();
        let mut dedup = names.clone();
        dedup.sort_unstable();
        dedup.dedup();
        assert_eq!(names.len(), dedup.len(), "duplicate service names");
    }

    #[test]
    fn builtin_lookups_by_host_and_registrable_domain() {
        let dir = Directory::builtin();
        let name = |h: &str| dir.lookup_host(h).map(|s| s.name.as_str());
        assert_eq!(name("accounts.google.com"), Some("Google"));
        assert_eq!(name("login.live.com"), Some("Microsoft"));
        assert_eq!(name("www.amazon.co.uk"), Some("Amazon"));
        assert_eq!(name("signin.aws.amazon.com"), Some("Amazon Web Services"));
        assert_eq!(name("store.steampowered.com"), Some("Steam"));
        assert_eq!(name("forum.knitting-circle.example.org"), None);
        let paypal = dir.lookup_host("www.paypal.com").unwrap();
        assert!(paypal.offers() && paypal.is_money());
        assert!(!dir.lookup_host("www.netflix.com").unwrap().offers());
    }

    #[test]
    fn recordable_methods_and_advice() {
        let dir = Directory::builtin();
        let get = |h: &str| dir.lookup_host(h).unwrap();
        assert!(get("github.com").recordable());
        assert!(!get("www.icloud.com").recordable(), "Apple has no TOTP");
        assert!(!get("www.chase.com").recordable());
        assert!(
            get("discord.com")
                .advice()
                .starts_with(" (an authenticator app or a security key is stronger than SMS, whose codes can be taken over by SIM swapping: NIST SP 800-63B"),
            "{}",
            get("discord.com").advice()
        );
        assert!(
            get("slack.com")
                .advice()
                .starts_with(" (an authenticator app is stronger than SMS"),
        );
        assert_eq!(get("gitlab.com").advice(), "", "no SMS: nothing to say");
        // SMS (and email) only: SIM swapping, nothing stronger to suggest.
        let venmo = get("venmo.com");
        assert!(venmo.sms_only());
        assert!(venmo.advice().contains("nothing stronger than SMS"));
        assert!(venmo.advice().contains("NIST SP 800-63B"));
        let target = get("www.target.com");
        assert_eq!(target.tfa, vec!["sms", "email"]);
        assert!(target.sms_only(), "email is not stronger than SMS");
        // the service's own app counts as stronger
        let chase = get("www.chase.com");
        assert!(!chase.sms_only());
        assert!(
            chase
                .advice()
                .starts_with(" (the service's own app is stronger than SMS")
        );
        assert!(!get("github.com").sms_only());
    }

    #[test]
    fn loads_a_v3_file() {
        let dir = Directory::parse_v3(FIXTURE.as_bytes(), "fixture.json").unwrap();
        assert_eq!(dir.len(), 5, "the entry without a domain is skipped");
        let amazon = dir.lookup_host("www.amazon.de").unwrap();
        assert_eq!(amazon.name, "Amazon");
        assert_eq!(amazon.tfa, vec!["sms", "totp"]);
        assert!(amazon.documentation.is_some());
        assert_eq!(
            dir.lookup_host("console.aws.amazon.com").unwrap().name,
            "Amazon Web Services"
        );
        let bank = dir.lookup_host("secure.northwind-bank.example").unwrap();
        assert!(bank.is_money(), "categories count as keywords");
        assert!(!dir.lookup_host("netflix.com").unwrap().offers());
        // only store.steampowered.com is listed: the registrable domain falls back
        assert_eq!(
            dir.lookup_host("help.steampowered.com").unwrap().name,
            "Steam"
        );
    }

    #[test]
    fn bad_files_name_file_and_line() {
        let err = Directory::parse_v3(b"[\n  [\"A\", {\"domain\": 3}]\n]", "d.json").unwrap_err();
        match err {
            InputError::Malformed { path, line, .. } => {
                assert_eq!(path, "d.json");
                assert_eq!(line, 2);
            }
            other => panic!("{other:?}"),
        }
        assert!(Directory::parse_v3(b"{\"not\": \"a list\"}", "d.json").is_err());
        assert!(Directory::parse_v3(b"[]", "d.json").is_err());
    }
}
