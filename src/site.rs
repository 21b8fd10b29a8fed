//! Hosts and registrable domains of the URLs found in exports.

use std::borrow::Cow;

/// The host of a URL-ish string: `https://www.Example.com:8443/x` gives
/// `www.example.com`; bare hosts (`example.com/login`) work too. Android app
/// facets (`android://hash@com.example.app/`) give `None`.
pub fn host(raw: &str) -> Option<String> {
    host_ref(raw).map(Cow::into_owned)
}

/// [`host`], borrowed from `raw` when the host is written there as it is
/// returned (lowercase, the common case), so that matching every URL of a
/// large vault allocates only for the hosts that need it.
pub fn host_ref(raw: &str) -> Option<Cow<'_, str>> {
    let raw = raw.trim();
    if raw.is_empty() || raw.starts_with("android://") || raw.starts_with("androidapp://") {
        return None;
    }
    if let Some((h, upper)) = plain_host(raw) {
        return Some(if upper {
            Cow::Owned(h.to_ascii_lowercase())
        } else {
            Cow::Borrowed(h)
        });
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
    (!host.is_empty()).then_some(Cow::Owned(host))
}

/// The host of the common case, `http(s)://name.example[:port][/...]` with a
/// host of ASCII letters, digits, hyphens and dots, found without a full
/// parse (audits of 100,000 logins match every URL's site several times).
/// `None` means "not that simple": [`host`] then parses in full with the
/// url crate, which also decides every host this accepts the same way
/// (`plain_host_agrees_with_the_url_crate`). IP addresses, punycode,
/// user info, backslashes and odd ports always take the full parse.
///
/// One pass over the bytes (this runs once per URL of the vault): the host
/// and whether it has uppercase letters.
fn plain_host(raw: &str) -> Option<(&str, bool)> {
    let b = raw.as_bytes();
    let rest = if b.len() >= 8 && b[..8].eq_ignore_ascii_case(b"https://") {
        &b[8..]
    } else if b.len() >= 7 && b[..7].eq_ignore_ascii_case(b"http://") {
        &b[7..]
    } else {
        return None;
    };
    // The name: letters, digits, hyphens and dots, no empty label, no
    // punycode (`xn--` anywhere), up to the port or path. One table lookup
    // per byte ([`CLASS`]).
    let mut after_dot = true;
    // where the last label starts, and the one before it (for a
    // trailing dot, which is dropped)
    let (mut label, mut previous) = (0, 0);
    let mut upper = false;
    let mut k = 0;
    while let Some(&c) = rest.get(k) {
        match CLASS[c as usize] {
            NAME => after_dot = false,
            UPPER => {
                upper = true;
                after_dot = false;
            }
            X => {
                if rest.len() - k >= 4 && rest[k..k + 4].eq_ignore_ascii_case(b"xn--") {
                    return None;
                }
                upper |= c == b'X';
                after_dot = false;
            }
            DOT => {
                if after_dot {
                    return None;
                }
                after_dot = true;
                previous = label;
                label = k + 1;
            }
            END => break,
            _ => return None,
        }
        k += 1;
    }
    let mut name = &rest[..k];
    if name.last() == Some(&b'.') {
        name = &name[..k - 1];
        label = previous;
    }
    // the port, when there is one: empty, or a number that fits
    let end = k + rest[k..]
        .iter()
        .position(|&c| matches!(c, b'/' | b'?' | b'#'))
        .unwrap_or(rest.len() - k);
    if rest.get(k) == Some(&b':') {
        let port = &rest[k + 1..end];
        // (digits only, as the url crate reads a port: not `str::parse`,
        // which takes a leading `+`)
        let fits = port.iter().all(u8::is_ascii_digit)
            && port
                .iter()
                .fold(0u32, |n, &d| (n * 10 + u32::from(d - b'0')).min(1 << 17))
                <= 65_535;
        if !port.is_empty() && !fits {
            return None;
        }
    }
    let simple = !name.is_empty()
        && name.get(label).is_some_and(|c| c.is_ascii_alphabetic())
        && !rest[end..].contains(&b'\\');
    // (the name is ASCII, so this is a char boundary)
    simple.then(|| (&raw[raw.len() - rest.len()..][..name.len()], upper))
}

/// What a byte can be in the name of [`plain_host`].
const NAME: u8 = 0; // a-z (but x), 0-9, -
const UPPER: u8 = 1; // A-Z (but X)
const X: u8 = 2; // x or X: maybe `xn--`
const DOT: u8 = 3;
const END: u8 = 4; // : / ? #: the name ends
const OTHER: u8 = 5; // anything else: not a plain host
static CLASS: [u8; 256] = {
    let mut t = [OTHER; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = match b {
            b'x' | b'X' => X,
            b'a'..=b'z' | b'0'..=b'9' | b'-' => NAME,
            b'A'..=b'Z' => UPPER,
            b'.' => DOT,
            b':' | b'/' | b'?' | b'#' => END,
            _ => OTHER,
        };
        c += 1;
    }
    t
};

/// The registrable domain (eTLD+1) of a host, using the public suffix list:
/// `accounts.google.co.uk` gives `google.co.uk`. IP addresses and single-label
/// hosts are returned as they are.
pub fn registrable(host: &str) -> String {
    registrable_ref(host).to_owned()
}

/// [`registrable`] as the suffix of `host` it is.
pub fn registrable_ref(host: &str) -> &str {
    // (an IP address with a dot ends in a digit: IPv4, or IPv6 ending in
    // IPv4; a host ending in a letter is not parsed as one)
    let maybe_ip = host
        .as_bytes()
        .last()
        .is_some_and(|c| !c.is_ascii_alphabetic());
    if !host.contains('.') || maybe_ip && host.parse::<std::net::IpAddr>().is_ok() {
        return host;
    }
    psl::domain_str(host).unwrap_or(host)
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
            "https://example.com:+80/x",
            "https://example.com:+/x",
            "https://example.com:-80/x",
            "https://example.com:0080/x",
            "https://example.com:65535/",
            "https://example.com:65536/",
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
            "HTTP://Example.COM",
            "http://a",
            "https://a.xN--b.com/",
            "https://axn--b.com/",
            "https://x.com/",
            "https://example.com./",
            "https://example.com../",
            "https://example.c0m/",
            "https://example.1com/",
            "ftp://example.com/",
            "httpss://example.com/",
            "https://例え.jp/",
        ];
        for raw in cases {
            if let Some((fast, _)) = plain_host(raw) {
                assert_eq!(Some(fast.to_ascii_lowercase()), full(raw), "{raw}");
            }
            assert_eq!(host_ref(raw).map(Cow::into_owned), full(raw), "{raw}");
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

    /// The substring-search version `plain_host` replaced (commit 1c599f1).
    fn plain_host_before(raw: &str) -> Option<&str> {
        let head = raw.as_bytes().get(..8).unwrap_or(raw.as_bytes());
        let rest = if head.len() >= 8 && head.eq_ignore_ascii_case(b"https://") {
            &raw[8..]
        } else if head.len() >= 7 && head[..7].eq_ignore_ascii_case(b"http://") {
            &raw[7..]
        } else {
            return None;
        };
        let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let authority = &rest[..end];
        let (name, port) = match authority.split_once(':') {
            Some((name, port)) => (name, Some(port)),
            None => (authority, None),
        };
        // (since then a port is digits only, as the url crate reads it:
        // `:+80` takes the full parse, which rejects it)
        if let Some(port) = port {
            if !port.is_empty() && (port.starts_with('+') || port.parse::<u16>().is_err()) {
                return None;
            }
        }
        let name = name.strip_suffix('.').unwrap_or(name);
        let b = name.as_bytes();
        let mut after_dot = true;
        let mut label = 0;
        for (k, &c) in b.iter().enumerate() {
            if c == b'.' {
                if after_dot {
                    return None;
                }
                after_dot = true;
                label = k + 1;
            } else if c.is_ascii_alphanumeric() || c == b'-' {
                if (c | 0x20) == b'x'
                    && b.len() - k >= 4
                    && b[k..k + 4].eq_ignore_ascii_case(b"xn--")
                {
                    return None;
                }
                after_dot = false;
            } else {
                return None;
            }
        }
        let simple = !b.is_empty()
            && b.get(label).is_some_and(|c| c.is_ascii_alphabetic())
            && !rest[end..].contains('\\');
        simple.then_some(name)
    }

    fn same_as_before(raw: &str) {
        let now = plain_host(raw);
        assert_eq!(now.map(|(h, _)| h), plain_host_before(raw), "{raw:?}");
        if let Some((h, upper)) = now {
            assert_eq!(upper, h.bytes().any(|c| c.is_ascii_uppercase()), "{raw:?}");
        }
    }

    #[test]
    fn one_pass_plain_host_decides_as_before() {
        for raw in [
            "https://example.com:+80/",
            "https://example.com:+/",
            "https://example.com:0080/",
            "https://example.com:65535/",
            "https://example.com:65536/",
            "https://example.com:99999999999999999999/",
            "https://a./",
            "https://a.:8/",
            "https://a../",
            "https://./",
            "https://xn--",
            "https://axn-",
            "https://ex.com:80:90/",
            "https://ex.com:80?q=\\",
            "https://ex.com/a\\b",
            "https://Ex.COM.",
        ] {
            same_as_before(raw);
        }
    }

    proptest::proptest! {
        #[test]
        fn one_pass_plain_host_decides_as_before_on_any_url(
            raw in "(?i)(https?://)?[a-z0-9xn\\-.:/?#@+\\\\é]{0,24}"
        ) {
            same_as_before(&raw);
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
