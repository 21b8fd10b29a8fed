//! Hosts and registrable domains of the URLs found in exports.

/// The host of a URL-ish string: `https://www.Example.com:8443/x` gives
/// `www.example.com`; bare hosts (`example.com/login`) work too. Android app
/// facets (`android://hash@com.example.app/`) give `None`.
pub fn host(raw: &str) -> Option<String> {
    let raw = raw.trim();
    if raw.is_empty() || raw.starts_with("android://") || raw.starts_with("androidapp://") {
        return None;
    }
    let with_scheme = if raw.contains("://") {
        raw.to_owned()
    } else {
        format!("http://{raw}")
    };
    let parsed = url::Url::parse(&with_scheme).ok()?;
    let host = parsed
        .host_str()?
        .trim_end_matches('.')
        .to_ascii_lowercase();
    (!host.is_empty()).then_some(host)
}

/// The registrable domain (eTLD+1) of a host, using the public suffix list:
/// `accounts.google.co.uk` gives `google.co.uk`. IP addresses and single-label
/// hosts are returned as they are.
pub fn registrable(host: &str) -> String {
    if host.parse::<std::net::IpAddr>().is_ok() || !host.contains('.') {
        return host.to_owned();
    }
    psl::domain_str(host).unwrap_or(host).to_owned()
}

/// The registrable domain of a URL, if it has a host.
pub fn of_url(raw: &str) -> Option<String> {
    host(raw).map(|h| registrable(&h))
}

/// The name part of a registrable domain (`amazon.co.uk` gives `amazon`), used to
/// recognise the same service under several country domains.
pub fn brand(registrable: &str) -> &str {
    match psl::suffix_str(registrable) {
        Some(suffix) if registrable.len() > suffix.len() + 1 => {
            &registrable[..registrable.len() - suffix.len() - 1]
        }
        _ => registrable,
    }
}

/// The service name of a URL for telling credentials apart: the brand of its
/// registrable domain (`www.amazon.co.uk` gives `amazon`), or for an Android
/// app facet the brand in its package name (`android://h@com.amazon.mShop.android/`
/// gives `amazon`), so an app row and a web row of one login match.
pub fn service(raw: &str) -> Option<String> {
    if let Some(rest) = raw.trim().strip_prefix("android://") {
        let pkg = rest.rsplit_once('@').map_or(rest, |(_, p)| p);
        let pkg = pkg.split(['/', '?', '#']).next().unwrap_or("");
        let mut parts = pkg.split('.').filter(|p| !p.is_empty());
        let first = parts.next()?;
        let name = parts.next().unwrap_or(first);
        return Some(name.to_ascii_lowercase());
    }
    of_url(raw).map(|d| brand(&d).to_owned())
}

/// True for plain `http://` URLs that leave the machine (not localhost,
/// loopback or a private address).
pub fn is_insecure_http(raw: &str) -> bool {
    let raw = raw.trim();
    if !raw.to_ascii_lowercase().starts_with("http://") {
        return false;
    }
    let Some(h) = host(raw) else { return false };
    if h == "localhost" || h.ends_with(".localhost") || h.ends_with(".local") {
        return false;
    }
    match h.trim_matches(['[', ']']).parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V4(ip)) => {
            !(ip.is_loopback() || ip.is_private() || ip.is_link_local())
        }
        Ok(std::net::IpAddr::V6(ip)) => !ip.is_loopback(),
        Err(_) => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts() {
        assert_eq!(
            host("https://www.Example.com:8443/x").as_deref(),
            Some("www.example.com")
        );
        assert_eq!(host("example.com/login").as_deref(), Some("example.com"));
        assert_eq!(host("android://abc@com.example.app/"), None);
        assert_eq!(host(""), None);
    }

    #[test]
    fn registrable_domains() {
        assert_eq!(registrable("accounts.google.co.uk"), "google.co.uk");
        assert_eq!(registrable("192.168.1.1"), "192.168.1.1");
        assert_eq!(registrable("router"), "router");
        assert_eq!(brand("amazon.co.uk"), "amazon");
        assert_eq!(brand("amazon.com"), "amazon");
    }

    #[test]
    fn services() {
        assert_eq!(
            service("https://www.amazon.co.uk/ap").as_deref(),
            Some("amazon")
        );
        assert_eq!(
            service("android://abc==@com.amazon.mShop.android.shopping/").as_deref(),
            Some("amazon")
        );
        assert_eq!(
            service("android://x@org.mozilla.firefox").as_deref(),
            Some("mozilla")
        );
        assert_eq!(service(""), None);
    }

    #[test]
    fn insecure_http() {
        assert!(is_insecure_http("http://forum.example.org/login"));
        assert!(!is_insecure_http("https://example.org"));
        assert!(!is_insecure_http("http://localhost:8080"));
        assert!(!is_insecure_http("http://192.168.1.1"));
        assert!(!is_insecure_http("http://127.0.0.1"));
    }
}
