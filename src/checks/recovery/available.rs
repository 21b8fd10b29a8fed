//! What 2FA an account's service offers: the `--2fa-directory` file first,
//! then the built-in table (both loaded by [`crate::tfa_directory`]).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::report::Availability;
pub use crate::report::DirectorySource;
use crate::tfa_directory::{Directory, Service};

/// Looks services up in the `--2fa-directory` file first, then the built-in
/// table. A file entry without categories borrows the built-in ones, so a
/// bank stays a bank.
pub fn lookup(file: Option<&Directory>, urls: &[String]) -> Option<(Service, DirectorySource)> {
    let builtin = Directory::builtin().lookup_urls(urls);
    if let Some(found) = file.and_then(|f| f.lookup_urls(urls)) {
        let mut service = found.clone();
        if service.keywords.is_empty() {
            if let Some(b) = builtin {
                service.keywords = b.keywords.clone();
            }
        }
        return Some((service, DirectorySource::File));
    }
    builtin.map(|s| (s.clone(), DirectorySource::BuiltIn))
}

/// A service found for an account, shared by every account of the service:
/// the directory entry the findings read and the report's `two_factor_available`.
#[derive(Debug, Clone)]
pub struct Found {
    pub service: Arc<Service>,
    pub availability: Arc<Availability>,
}

/// [`lookup`] for many accounts at once (from several threads): each
/// service is copied out of the directories once, not once per account
/// (issue 15: at 200,000 accounts the copies were 80 MiB).
#[derive(Debug, Default)]
pub struct Lookups {
    /// Keyed by the entries matched: the file's and the built-in table's
    /// (their addresses: both tables outlive the check).
    found: Mutex<HashMap<(usize, usize), Found>>,
}

impl Lookups {
    /// As [`lookup`], shared.
    pub fn lookup(&self, file: Option<&Directory>, urls: &[String]) -> Option<Found> {
        let builtin = Directory::builtin().lookup_urls(urls);
        let in_file = file.and_then(|f| f.lookup_urls(urls));
        if builtin.is_none() && in_file.is_none() {
            return None;
        }
        let addr = |s: Option<&Service>| s.map_or(0, |s| s as *const Service as usize);
        let key = (addr(in_file), addr(builtin));
        let mut found = self.found.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(f) = found.get(&key) {
            return Some(f.clone());
        }
        let (service, source) = lookup(file, urls)?;
        let availability = Arc::new(Availability {
            service: service.name.clone(),
            methods: service.tfa.clone(),
            documentation: service.documentation.clone(),
            source,
            money: service.is_money(),
            mailbox: service.is_mailbox(),
        });
        let f = Found {
            service: Arc::new(service),
            availability,
        };
        found.insert(key, f.clone());
        Some(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file that lists a bank the built-in table does not know.
    const FIXTURE: &str = r#"[
  ["Northwind Bank", {"domain": "northwind-bank.example", "tfa": ["sms", "custom-software"], "categories": ["banking"]}]
]"#;

    #[test]
    fn file_first_then_builtin() {
        let file = Directory::parse_v3(FIXTURE.as_bytes(), "fixture.json").unwrap();
        let urls = |u: &str| vec![u.to_owned()];
        let (s, src) = lookup(Some(&file), &urls("https://secure.northwind-bank.example")).unwrap();
        assert_eq!(
            (s.name.as_str(), src),
            ("Northwind Bank", DirectorySource::File)
        );
        let (s, src) = lookup(Some(&file), &urls("https://github.com/login")).unwrap();
        assert_eq!((s.name.as_str(), src), ("GitHub", DirectorySource::BuiltIn));
        let (s, _) = lookup(None, &urls("https://www.paypal.com")).unwrap();
        assert!(s.is_money());
        assert!(lookup(Some(&file), &urls("http://192.168.1.1")).is_none());
    }

    #[test]
    fn shared_lookups_are_the_lookup_once_per_service() {
        let file = Directory::parse_v3(FIXTURE.as_bytes(), "fixture.json").unwrap();
        let urls = |u: &str| vec![u.to_owned()];
        let shared = Lookups::default();
        for (url, dir) in [
            ("https://secure.northwind-bank.example", Some(&file)),
            ("https://github.com/login", Some(&file)),
            ("https://www.paypal.com", None),
        ] {
            let (s, source) = lookup(dir, &urls(url)).unwrap();
            let a = shared.lookup(dir, &urls(url)).unwrap();
            assert_eq!(*a.service, s);
            assert_eq!(a.availability.service, s.name);
            assert_eq!(a.availability.methods, s.tfa);
            assert_eq!(a.availability.source, source);
            assert_eq!(a.availability.money, s.is_money());
            let again = shared.lookup(dir, &urls(url)).unwrap();
            assert!(Arc::ptr_eq(&a.service, &again.service), "{url}");
            assert!(Arc::ptr_eq(&a.availability, &again.availability));
        }
        // github.com and www.github.com: one service, one copy
        let a = shared.lookup(None, &urls("https://github.com")).unwrap();
        let b = shared
            .lookup(None, &urls("https://www.github.com"))
            .unwrap();
        assert!(Arc::ptr_eq(&a.availability, &b.availability));
        assert!(
            shared
                .lookup(Some(&file), &urls("http://192.168.1.1"))
                .is_none()
        );
    }
}
