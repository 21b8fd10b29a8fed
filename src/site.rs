//! Hosts and registrable domains of the URLs found in exports.

/// The host of a URL-ish string: `https://www.Example.com:8443/x` gives
/// `www.example.com`; bare hosts (`example.com/login`) work too. Android app
/// facets (`android://hash@com.example.app/`) give `None`.
pub fn host(raw: &str) -> Option<String> {
    let raw = raw.trim();
    if raw.is_empty() || raw.starts_with("android://") || raw.starts_with("androidapp://") {
        return None;
    }
    if let Some(h) = plain_host(raw) {
        return Some(h);
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

/// The host of the common case, `http(s)://name.example[:port][/...]` with a
/// host of ASCII letters, digits, hyphens and dots, found without a full
/// parse (audits of 100,000 logins match every URL's site several times).
/// `None` means "not that simple": [`host`] then parses in full with the
/// url crate, which also decides every host this accepts the same way
/// (`plain_host_agrees_with_the_url_crate`). IP addresses, punycode,
/// user info, backslashes and odd ports always take the full parse.
fn plain_host(raw: &str) -> Option<String> {
    let scheme_end = raw.find("://")?;
    let scheme = &raw[..scheme_end];
    if !(scheme.eq_ignore_ascii_case("https") || scheme.eq_ignore_ascii_case("http")) {
        return None;
    }
    let rest = &raw[scheme_end + 3..];
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    let (name, port) = match authority.split_once(':') {
        Some((name, port)) => (name, Some(port)),
        None => (authority, None),
    };
    if let Some(port) = port {
        if !port.is_empty() && port.parse::<u16>().is_err() {
            return None;
        }
    }
    let name = name.strip_suffix('.').unwrap_or(name);
    let simple = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
        && !name.starts_with('.')
        && !name.contains("..")
        && !name
            .as_bytes()
            .windows(4)
            .any(|w| w.eq_ignore_ascii_case(b"xn--"))
        && !rest[end..].contains('\\')
        && name
            .rsplit('.')
            .next()
            .is_some_and(|tld| tld.starts_with(|c: char| c.is_ascii_alphabetic()));
    simple.then(|| name.to_ascii_lowercase())
}

/// The registrable domain (eTLD+1) of a host, using the public suffix list:
/// `accounts.google.co.uk` gives `google.co.uk`. IP addresses and single-label
/// hosts are returned as they are.
pub fn registrable(host: &str) -> String {
    use std::cell::RefCell;
    use std::collections::HashMap;
    // Audits look up the same few thousand hosts again and again (every
    // check that matches sites, per account): remembered per thread, at
    // most `CACHED` hosts (the cache starts over when full).
    const CACHED: usize = 1 << 16;
    thread_local! {
        static KNOWN: RefCell<HashMap<Box<str>, Box<str>>> = RefCell::new(HashMap::new());
    }
    if let Some(hit) = KNOWN.with(|k| k.borrow().get(host).map(|r| r.to_string())) {
        return hit;
    }
    let reg = registrable_uncached(host);
    KNOWN.with(|k| {
        let mut k = k.borrow_mut();
        if k.len() >= CACHED {
            k.clear();
        }
        k.insert(host.into(), reg.as_str().into());
    });
    reg
}

fn registrable_uncached(host: &str) -> String {
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
    fn cached_registrable_domains_equal_the_computed_ones() {
        let hosts = [
            "www.amazon.co.uk",
            "login.live.com",
            "192.168.1.1",
            "::1",
            "localhost",
            "a.b.example.com",
            "github.io",
            "x.github.io",
        ];
        for _ in 0..3 {
            for h in hosts {
                assert_eq!(registrable(h), registrable_uncached(h), "{h}");
            }
        }
        assert_eq!(registrable("www.amazon.co.uk"), "amazon.co.uk");
    }

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
    fn plain_host_agrees_with_the_url_crate() {
        let full = |raw: &str| -> Option<String> {
            let u = url::Url::parse(raw).ok()?;
            let h = u.host_str()?.trim_end_matches('.').to_ascii_lowercase();
            (!h.is_empty()).then_some(h)
        };
        let cases = [
            "https://www.Example.com:8443/x",
            "http://example.com",
            "HTTPS://EXAMPLE.COM/",
            "https://example.com.",
            "https://example.com./login",
            "https://a-b.example.co.uk?x=1",
            "https://example.com#frag",
            "https://example.com:/x",
            "https://example.com:99999/x",
            "https://example.com:80a/x",
            "https://user:pw@example.com/",
            "https://exa\tmple.com/",
            "https://example.com\\evil.com/",
            "https://192.168.1.1/",
            "http://0x7f.1/",
            "https://1.2.3/",
            "https://[::1]/",
            "https://xn--nxasmq6b.com/",
            "https://xn--zz.com/",
            "https://bücher.example/",
            "https://a..b.com/",
            "https://.example.com/",
            "https://ex_ample.com/",
            "https://example.123/",
            "https://-example.com/",
            "https://example-.com/",
            "https://localhost:3000/",
            "https:///nohost",
            "https://",
            "https://%65xample.com/",
        ];
        for raw in cases {
            if let Some(fast) = plain_host(raw) {
                assert_eq!(Some(fast), full(raw), "{raw}");
            }
            assert_eq!(host(raw), full(raw), "{raw}");
        }
        // the common cases take the fast path
        for raw in [
            "https://www.Example.com:8443/x",
            "http://example.com",
            "https://a-b.example.co.uk?x=1",
        ] {
            assert!(plain_host(raw).is_some(), "{raw}");
        }
        for raw in [
            "https://192.168.1.1/",
            "https://xn--nxasmq6b.com/",
            "https://user:pw@example.com/",
            "https://example.com\\evil.com/",
        ] {
            assert!(plain_host(raw).is_none(), "{raw}");
        }
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
