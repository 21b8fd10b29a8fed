//! The online range client: `GET {base}/range/{PREFIX}` on Have I Been
//! Pwned or a mirror implementing the same API.
//!
//! One reqwest client (User-Agent naming vaultlint and its version, connect
//! and request timeouts, gzip, no redirects, no cookies) on a
//! tokio runtime of its own; one request per distinct prefix with at most
//! `concurrency` in flight; every request asks for padding (`Add-Padding:
//! true`) and sends nothing else about the user. Timeouts, connection errors,
//! cut-off or unparsable bodies, 429 and 5xx are retried with jittered
//! exponential backoff, honouring `Retry-After`. Anything else than 200 (or
//! 304 to a conditional request from the cache) is an error for that prefix,
//! so its accounts end `unknown`, never `not_found`. Bodies are parsed on
//! rayon, off the network thread.

use std::sync::Arc;
use std::time::Duration;

use rand::Rng;
use reqwest::StatusCode;
use reqwest::header::{ETAG, HeaderMap, IF_NONE_MATCH, RETRY_AFTER};
use url::Url;

use super::cache::Cache;

/// The largest decoded body accepted. A real padded range is under 64 KB;
/// anything past this (a decompression bomb, a runaway proxy) is a failed
/// lookup, read no further.
pub const MAX_BODY: usize = 1 << 20;
use super::range::RangeError;
use super::{
    Batch, BatchResult, LookupError, Prefix, PwnedError, PwnedSettings, Range, USER_AGENT,
};
use crate::progress::Progress;

/// The online client.
#[derive(Debug, Clone)]
pub struct Online {
    client: reqwest::Client,
    base: Url,
    retries: u32,
    backoff: Duration,
    max_wait: Duration,
    concurrency: usize,
    cache: Option<Cache>,
}

/// What one attempt gave.
enum Attempt {
    /// The range, the body it was parsed from, the ETag.
    Done(Range, Vec<u8>, Option<String>),
    NotModified,
    /// Worth another try, after at least the server's `Retry-After`.
    Retry(LookupError, Option<Duration>),
    /// The server could not be reached at all (name not resolved,
    /// connection refused): retried like [`Attempt::Retry`], except by the
    /// probe, which gives up at once.
    Unreachable(LookupError),
    Fatal(LookupError),
}

/// Checks that `base` can carry `/range/{prefix}` (http or https).
pub fn check_base(base: &Url) -> Result<(), String> {
    if !matches!(base.scheme(), "http" | "https") || base.cannot_be_a_base() {
        return Err(format!(
            "'{base}' is not an http:// or https:// URL of a range API"
        ));
    }
    if base.query().is_some() || base.fragment().is_some() {
        return Err(format!("'{base}': give the API's base URL without ? or #"));
    }
    Ok(())
}

impl Online {
    pub fn new(base: Url, settings: &PwnedSettings) -> Result<Online, PwnedError> {
        check_base(&base).map_err(PwnedError::Setup)?;
        let client = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .connect_timeout(settings.connect_timeout)
            .timeout(settings.timeout)
            .gzip(true)
            .redirect(reqwest::redirect::Policy::none())
            .referer(false)
            .pool_max_idle_per_host(settings.concurrency)
            .build()
            .map_err(|e| PwnedError::Setup(format!("cannot set up the HTTP client: {e}")))?;
        let cache = match &settings.cache {
            Some(c) => Some(Cache::open(&c.dir, c.ttl).map_err(|e| {
                PwnedError::Setup(format!("{}: cannot open the cache: {e}", c.dir.display()))
            })?),
            None => None,
        };
        Ok(Online {
            client,
            base,
            retries: settings.retries,
            backoff: settings.backoff,
            max_wait: settings.max_wait,
            concurrency: settings.concurrency.max(1),
            cache,
        })
    }

    /// `{base}/range/{PREFIX}`.
    pub fn url(&self, prefix: Prefix) -> Url {
        let mut url = self.base.clone();
        if let Ok(mut segments) = url.path_segments_mut() {
            segments
                .pop_if_empty()
                .push("range")
                .push(&prefix.to_string());
        }
        url
    }

    /// Looks every batch up, `concurrency` requests at a time, on a runtime
    /// of its own. One result per batch, in order.
    pub fn lookup_all(&self, batches: &[Batch], progress: &dyn Progress) -> Vec<BatchResult> {
        let runtime = match tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        {
            Ok(rt) => rt,
            Err(e) => {
                let why = LookupError::Network(format!("cannot start the network runtime: {e}"));
                return batches.iter().map(|_| Err(why.clone())).collect();
            }
        };
        let this = Arc::new(self.clone());
        let ranges = runtime.block_on(async {
            let mut out: Vec<Option<Result<Range, LookupError>>> = vec![None; batches.len()];
            // One probe before the fan-out (the first batch's prefix, like
            // any lookup): with no network, fail fast and say what to do
            // rather than retry every prefix for a minute.
            let Some(first) = batches.first() else {
                return out;
            };
            match this.fetch_with(first.prefix, true).await {
                Err(e @ LookupError::Unreachable(_)) => {
                    progress.advance(batches.len() as u64);
                    return out.iter().map(|_| Some(Err(e.clone()))).collect();
                }
                r => out[0] = Some(r),
            }
            progress.advance(1);
            let permits = Arc::new(tokio::sync::Semaphore::new(self.concurrency));
            let mut tasks = tokio::task::JoinSet::new();
            for (i, b) in batches.iter().enumerate().skip(1) {
                let (this, permits, prefix) = (this.clone(), permits.clone(), b.prefix);
                tasks.spawn(async move {
                    let _permit = permits.acquire_owned().await;
                    (i, this.fetch(prefix).await)
                });
            }
            while let Some(done) = tasks.join_next().await {
                if let Ok((i, r)) = done {
                    out[i] = Some(r);
                }
                progress.advance(1);
            }
            out
        });
        ranges
            .into_iter()
            .zip(batches)
            .map(|(r, b)| {
                let range = r.unwrap_or_else(|| {
                    Err(LookupError::Network("the lookup task failed".into()))
                })?;
                Ok(b.suffixes.iter().map(|s| range.count(s)).collect())
            })
            .collect()
    }

    /// The range of `prefix`: from the cache when fresh, else from the
    /// server with retries.
    pub async fn fetch(&self, prefix: Prefix) -> Result<Range, LookupError> {
        self.fetch_with(prefix, false).await
    }

    /// [`Online::fetch`]; with `probe`, a server that cannot be reached at
    /// all (no name, connection refused) fails at once, not after retries.
    async fn fetch_with(&self, prefix: Prefix, probe: bool) -> Result<Range, LookupError> {
        let cached = self.cache.as_ref().and_then(|c| c.get(prefix));
        if let Some(c) = cached.as_ref().filter(|c| c.fresh) {
            return Ok(c.range.clone());
        }
        let url = self.url(prefix);
        let etag = cached.as_ref().and_then(|c| c.etag.as_deref());
        let mut attempt = 0u32;
        loop {
            let (error, asked) = match self.attempt(&url, etag).await {
                Attempt::Done(range, body, etag) => {
                    if let Some(cache) = &self.cache {
                        let _ = cache.put(prefix, &body, etag.as_deref());
                    }
                    return Ok(range);
                }
                Attempt::NotModified => match cached {
                    Some(c) => {
                        if let Some(cache) = &self.cache {
                            let _ = cache.put(prefix, &c.body, c.etag.as_deref());
                        }
                        return Ok(c.range);
                    }
                    None => {
                        return Err(LookupError::Status(
                            "the server answered 304 Not Modified to an unconditional request"
                                .into(),
                        ));
                    }
                },
                Attempt::Fatal(e) => return Err(e),
                Attempt::Unreachable(e) if probe => return Err(unreachable(e, &self.base)),
                Attempt::Unreachable(e) => (e, None),
                Attempt::Retry(e, asked) => (e, asked),
            };
            let tries = attempt + 1;
            if attempt >= self.retries {
                return Err(after(error, tries));
            }
            if let Some(asked) = asked.filter(|a| *a > self.max_wait) {
                return Err(after(error, tries)
                    .with_note(&format!("the server asked to wait {} s", asked.as_secs())));
            }
            tokio::time::sleep(backoff(self.backoff, self.max_wait, attempt, asked)).await;
            attempt += 1;
        }
    }

    async fn attempt(&self, url: &Url, etag: Option<&str>) -> Attempt {
        let mut request = self.client.get(url.clone()).header("Add-Padding", "true");
        if let Some(etag) = etag {
            request = request.header(IF_NONE_MATCH, etag);
        }
        let response = match request.send().await {
            Ok(r) => r,
            Err(e) if e.is_connect() && !e.is_timeout() => {
                return Attempt::Unreachable(LookupError::Network(describe(&e)));
            }
            Err(e) => return Attempt::Retry(LookupError::Network(describe(&e)), None),
        };
        let status = response.status();
        match status {
            StatusCode::OK => {
                let etag = response
                    .headers()
                    .get(ETAG)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned);
                let body = match read_bounded(response, MAX_BODY).await {
                    Ok(b) => b,
                    Err(Bounded::Read(e)) => {
                        return Attempt::Retry(LookupError::Network(describe(&e)), None);
                    }
                    Err(Bounded::TooLarge) => {
                        return Attempt::Fatal(LookupError::Malformed(format!(
                            "the answer is larger than {} KiB once decoded, far more than any range: not read",
                            MAX_BODY / 1024
                        )));
                    }
                };
                match parse_on_rayon(body).await {
                    Ok((range, body)) => Attempt::Done(range, body, etag),
                    Err(e) => Attempt::Retry(
                        LookupError::Malformed(format!("the answer is not a range: {e}")),
                        None,
                    ),
                }
            }
            StatusCode::NOT_MODIFIED if etag.is_some() => Attempt::NotModified,
            s if s == StatusCode::TOO_MANY_REQUESTS || s.is_server_error() => Attempt::Retry(
                LookupError::Status(format!("the server answered HTTP {}", s.as_u16())),
                retry_after(response.headers()),
            ),
            s => Attempt::Fatal(LookupError::Status(format!(
                "the server answered HTTP {}",
                s.as_u16()
            ))),
        }
    }
}

impl LookupError {
    fn with_note(self, note: &str) -> LookupError {
        let add = |m: String| format!("{m}; {note}");
        match self {
            LookupError::Network(m) => LookupError::Network(add(m)),
            LookupError::Status(m) => LookupError::Status(add(m)),
            LookupError::Malformed(m) => LookupError::Malformed(add(m)),
            LookupError::Corrupt(m) => LookupError::Corrupt(add(m)),
            LookupError::Unavailable(m) => LookupError::Unavailable(add(m)),
            LookupError::Unreachable(m) => LookupError::Unreachable(add(m)),
        }
    }
}

/// The probe's error when the server cannot be reached: what happened and,
/// in the same line, what to do.
fn unreachable(e: LookupError, base: &Url) -> LookupError {
    let host = base.host_str().unwrap_or("the server");
    LookupError::Unreachable(format!(
        "cannot reach {host}: {e}; breach lookups need the network: to audit offline use --pwned off (or VAULTLINT_PWNED=off), or a local copy with --pwned-dataset PATH"
    ))
}

fn after(e: LookupError, tries: u32) -> LookupError {
    e.with_note(&format!(
        "gave up after {tries} attempt{}",
        if tries == 1 { "" } else { "s" }
    ))
}

/// The wait before retry number `attempt + 1`: `base * 2^attempt`, capped
/// at `max`, with jitter (between half and all of it), and never less than
/// what the server asked for.
pub fn backoff(base: Duration, max: Duration, attempt: u32, asked: Option<Duration>) -> Duration {
    let exp = base
        .checked_mul(1u32.checked_shl(attempt.min(30)).unwrap_or(u32::MAX))
        .unwrap_or(max)
        .min(max);
    let half = exp / 2;
    let jittered = half + half.mul_f64(rand::thread_rng().r#gen::<f64>());
    jittered.max(asked.unwrap_or(Duration::ZERO))
}

/// `Retry-After` as seconds or an HTTP date.
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let v = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = chrono::DateTime::parse_from_rfc2822(v).ok()?;
    let secs = (when.timestamp() - chrono::Utc::now().timestamp()).max(0);
    Some(Duration::from_secs(secs as u64))
}

/// A reqwest error in plain words, without its URL.
fn describe(e: &reqwest::Error) -> String {
    let what = if e.is_timeout() {
        "the request timed out"
    } else if e.is_connect() {
        "could not connect to the server"
    } else if e.is_body() || e.is_decode() {
        "the answer was cut off or could not be read"
    } else {
        "the request failed"
    };
    let mut root: &dyn std::error::Error = e;
    while let Some(next) = root.source() {
        root = next;
    }
    let cause = root.to_string();
    if std::ptr::addr_eq(root, e as &dyn std::error::Error) || cause.contains("://") {
        what.to_owned()
    } else {
        format!("{what} ({cause})")
    }
}

enum Bounded {
    Read(reqwest::Error),
    TooLarge,
}

/// The decoded body, read chunk by chunk and given up past `max` bytes.
async fn read_bounded(mut response: reqwest::Response, max: usize) -> Result<Vec<u8>, Bounded> {
    if response
        .content_length()
        .is_some_and(|n| n > max as u64 && response.headers().get("content-encoding").is_none())
    {
        return Err(Bounded::TooLarge);
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(Bounded::Read)? {
        if body.len() + chunk.len() > max {
            return Err(Bounded::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Parses on rayon; gives the body back with the range (for the cache).
async fn parse_on_rayon(body: Vec<u8>) -> Result<(Range, Vec<u8>), String> {
    let (tx, rx) = tokio::sync::oneshot::channel::<Result<(Range, Vec<u8>), RangeError>>();
    rayon::spawn(move || {
        let _ = tx.send(Range::parse(&body).map(|r| (r, body)));
    });
    match rx.await {
        Ok(r) => r.map_err(|e| e.to_string()),
        Err(_) => Err("the parser failed".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn backoff_grows_with_jitter_and_respects_retry_after() {
        let base = Duration::from_millis(100);
        let max = Duration::from_secs(1);
        for attempt in 0..6 {
            let want = (base * 2u32.pow(attempt)).min(max);
            for _ in 0..50 {
                let d = backoff(base, max, attempt, None);
                assert!(d >= want / 2 && d <= want, "{attempt}: {d:?}");
            }
        }
        assert_eq!(
            backoff(base, max, 0, Some(Duration::from_secs(3))),
            Duration::from_secs(3)
        );
        assert!(backoff(base, max, 200, None) <= max);
    }

    #[test]
    fn retry_after_seconds_and_dates() {
        let mut h = HeaderMap::new();
        assert_eq!(retry_after(&h), None);
        h.insert(RETRY_AFTER, HeaderValue::from_static("7"));
        assert_eq!(retry_after(&h), Some(Duration::from_secs(7)));
        h.insert(
            RETRY_AFTER,
            HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        assert_eq!(retry_after(&h), Some(Duration::ZERO));
        let later = (chrono::Utc::now() + chrono::Duration::seconds(100)).to_rfc2822();
        h.insert(RETRY_AFTER, HeaderValue::from_str(&later).unwrap());
        let d = retry_after(&h).unwrap();
        assert!(
            d >= Duration::from_secs(98) && d <= Duration::from_secs(100),
            "{d:?}"
        );
        h.insert(RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&h), None);
    }

    #[test]
    fn urls_carry_only_the_prefix() {
        let settings = PwnedSettings::default();
        let p = Prefix::parse("5baa6").unwrap();
        for (base, want) in [
            (
                "https://api.pwnedpasswords.com",
                "https://api.pwnedpasswords.com/range/5BAA6",
            ),
            (
                "http://127.0.0.1:8787/",
                "http://127.0.0.1:8787/range/5BAA6",
            ),
            (
                "http://mirror.lan/hibp",
                "http://mirror.lan/hibp/range/5BAA6",
            ),
        ] {
            let client = Online::new(Url::parse(base).unwrap(), &settings).unwrap();
            assert_eq!(client.url(p).as_str(), want);
        }
        for bad in ["ftp://x", "mailto:a@b", "http://x/?q=1"] {
            assert!(check_base(&Url::parse(bad).unwrap()).is_err(), "{bad}");
        }
    }
}
