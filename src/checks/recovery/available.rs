//! What 2FA an account's service offers: the `--2fa-directory` file first,
//! then the built-in table (both loaded by [`crate::tfa_directory`]).

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
}
