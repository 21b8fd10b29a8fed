//! The mirror: `vaultlint pwned serve` answers `GET /range/{prefix}` from a
//! local dataset exactly as the public API does (uppercase `SUFFIX:COUNT`
//! lines, CRLF, no trailing newline, `text/plain`, cache headers and a weak
//! ETag), so a family or a team keeps one copy of the dataset and points
//! every audit at it with `--pwned-url`. With `--gzip` it compresses
//! answers for clients that accept it: worth it over a slow link (Wi-Fi, a
//! VPN), wasted CPU on both ends over a fast LAN or loopback, where it
//! costs more than the rest of a lookup.
//!
//! With `--padding`, a request carrying `Add-Padding: true` gets decoy rows
//! with count 0 up to 800–1,000 rows, as the API does. A bad prefix is 400,
//! any other path 404. Lookups run on tokio's blocking pool (the dataset is
//! read with blocking `pread`). Nothing is logged: in particular, never a prefix.
//!
//! Connections are bounded: a client must send a request's headers within
//! the idle timeout (also the longest wait between two requests on a kept-
//! alive connection), there are at most `max_connections` at once and
//! `max_per_client` from one address (over the limit: 503 and close), and
//! on Ctrl-C (and SIGTERM) the server stops accepting, lets requests in
//! flight finish and closes everything after the shutdown deadline, so a
//! client that sent half a request cannot keep it alive.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::Mutex;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{
    ACCEPT_ENCODING, ALLOW, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_TYPE, ETAG, HeaderValue,
    IF_NONE_MATCH, VARY,
};
use hyper::{HeaderMap, Method, Request, Response, StatusCode};
use rand::Rng;
use sha2::{Digest, Sha256};

use super::dataset::Dataset;
use super::{Prefix, PwnedError, Range, RangeSource};

/// What `vaultlint pwned serve` was asked to do.
#[derive(Debug, Clone)]
pub struct ServeSettings {
    pub dataset: PathBuf,
    /// `HOST:PORT` to listen on (port 0: any free port).
    pub listen: String,
    /// Verify the whole dataset before serving (else a quick check).
    pub verify: bool,
    pub options: ServeOptions,
}

/// How the mirror answers.
#[derive(Debug, Clone, Copy)]
pub struct ServeOptions {
    /// Honour `Add-Padding: true` with decoy rows.
    pub padding: bool,
    /// gzip answers for clients that accept it (fastest level).
    pub gzip: bool,
    /// Extra delay before each answer (to benchmark clients against a slow
    /// link; 0 in normal use).
    pub latency: Duration,
    /// Longest wait for a request's headers, on a new connection or
    /// between requests on a kept-alive one; then the connection is closed.
    pub idle_timeout: Duration,
    /// Connections open at once, from everyone.
    pub max_connections: usize,
    /// Connections open at once from one address.
    pub max_per_client: usize,
    /// After Ctrl-C or SIGTERM, how long requests in flight may take
    /// before every connection is closed.
    pub shutdown_deadline: Duration,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            padding: false,
            gzip: false,
            latency: Duration::ZERO,
            idle_timeout: Duration::from_secs(10),
            max_connections: 512,
            max_per_client: 64,
            shutdown_deadline: Duration::from_secs(5),
        }
    }
}

/// The cache lifetime the public API announces (31 days).
pub const CACHE_CONTROL_VALUE: &str = "public, max-age=2678400";

struct AppState {
    source: Arc<dyn RangeSource>,
    options: ServeOptions,
}

/// The mirror's answers over `source` (a plain hyper service).
#[derive(Clone)]
struct Mirror(Arc<AppState>);

/// An answer before it is sent: its body is whole bytes (compressed or not
/// in [`Mirror::finish`]), wrapped as a hyper body only at the end.
type Answer = Response<Bytes>;

/// Answers smaller than this are never compressed (as tower-http did).
const GZIP_MIN_BYTES: usize = 32;

fn answer(status: StatusCode, body: impl Into<Bytes>) -> Answer {
    let mut res = Response::new(body.into());
    *res.status_mut() = status;
    res
}

/// A short plain-text answer (errors, 404).
fn text(status: StatusCode, message: &'static str) -> Answer {
    let mut res = answer(status, message);
    res.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    res
}

impl Mirror {
    fn new(source: Arc<dyn RangeSource>, options: ServeOptions) -> Mirror {
        Mirror(Arc::new(AppState { source, options }))
    }

    /// Routes: `GET`/`HEAD /range/{prefix}`; another method there is 405,
    /// any other path 404.
    async fn handle(&self, req: Request<hyper::body::Incoming>) -> Answer {
        let segment = req
            .uri()
            .path()
            .strip_prefix("/range/")
            .filter(|s| !s.is_empty() && !s.contains('/'));
        let Some(segment) = segment else {
            return self.finish(req.headers(), text(StatusCode::NOT_FOUND, "Not found"));
        };
        if req.method() != Method::GET && req.method() != Method::HEAD {
            let mut res = answer(StatusCode::METHOD_NOT_ALLOWED, Bytes::new());
            res.headers_mut()
                .insert(ALLOW, HeaderValue::from_static("GET,HEAD"));
            return res;
        }
        let res = self.range(segment, req.headers()).await;
        self.finish(req.headers(), res)
    }

    /// gzip (fastest level) for clients that accept it, with `--gzip`:
    /// ranges are mostly random hex that compresses to about 60% whatever
    /// the effort. Small answers are sent as they are.
    fn finish(&self, headers: &HeaderMap, res: Answer) -> Answer {
        if !self.0.options.gzip || res.headers().contains_key(CONTENT_ENCODING) {
            return res;
        }
        if res.body().len() < GZIP_MIN_BYTES || !accepts_gzip(headers) {
            return res;
        }
        let (mut parts, plain) = res.into_parts();
        use std::io::Write as _;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        let zipped = gz.write_all(&plain).and_then(|()| gz.finish());
        let Ok(zipped) = zipped else {
            return text(StatusCode::INTERNAL_SERVER_ERROR, "Compression failed");
        };
        parts
            .headers
            .insert(CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        parts
            .headers
            .append(VARY, HeaderValue::from_static("accept-encoding"));
        Response::from_parts(parts, Bytes::from(zipped))
    }

    async fn range(&self, segment: &str, headers: &HeaderMap) -> Answer {
        let state = &self.0;
        let decoded = percent_decode(segment);
        let Some(prefix) = decoded.as_deref().and_then(Prefix::parse) else {
            return text(
                StatusCode::BAD_REQUEST,
                "The hash prefix was not in a valid format",
            );
        };
        if !state.options.latency.is_zero() {
            tokio::time::sleep(state.options.latency).await;
        }
        let source = state.source.clone();
        let range = match tokio::task::spawn_blocking(move || source.range(prefix)).await {
            Ok(Ok(r)) => r,
            _ => {
                return text(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "The dataset could not answer this range",
                );
            }
        };
        let etag = etag_of(&range);
        let etag_value = HeaderValue::from_str(&etag).expect("hex etag");
        let cache = HeaderValue::from_static(CACHE_CONTROL_VALUE);
        if matches_etag(headers, &etag) {
            let mut res = answer(StatusCode::NOT_MODIFIED, Bytes::new());
            res.headers_mut().insert(ETAG, etag_value);
            res.headers_mut().insert(CACHE_CONTROL, cache);
            return res;
        }
        let pad = state.options.padding
            && headers
                .get("add-padding")
                .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"true"));
        let pad_to = pad.then(|| rand::thread_rng().gen_range(800..=1000));
        let mut body = Vec::new();
        range.write_body(&mut body, pad_to);
        let mut res = answer(StatusCode::OK, body);
        let h = res.headers_mut();
        h.insert(CONTENT_TYPE, HeaderValue::from_static("text/plain"));
        h.insert(CACHE_CONTROL, cache);
        h.insert(ETAG, etag_value);
        res
    }
}

/// A path segment percent-decoded (as axum's router did), `None` if it is
/// not UTF-8 once decoded.
fn percent_decode(segment: &str) -> Option<String> {
    percent_encoding::percent_decode_str(segment)
        .decode_utf8()
        .ok()
        .map(std::borrow::Cow::into_owned)
}

/// `Accept-Encoding` lists gzip (or x-gzip) with a q-value above 0 and not
/// below identity's (tower-http's rule).
fn accepts_gzip(headers: &HeaderMap) -> bool {
    let mut gzip = None::<u16>;
    let mut identity = 0u16;
    for token in headers
        .get_all(ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
    {
        let mut parts = token.splitn(2, ';');
        let name = parts.next().unwrap_or_default().trim();
        let Some(q) = parts.next().map_or(Some(1000), |q| qvalue(q.trim())) else {
            continue;
        };
        if name.eq_ignore_ascii_case("gzip") || name.eq_ignore_ascii_case("x-gzip") {
            gzip = Some(gzip.map_or(q, |g| g.max(q)));
        } else if name.eq_ignore_ascii_case("identity") {
            identity = identity.max(q);
        }
    }
    gzip.is_some_and(|g| g > 0 && g >= identity)
}

/// An RFC 7231 q-value (`q=0.5`) in thousandths.
fn qvalue(s: &str) -> Option<u16> {
    let v = s.strip_prefix("q=").or_else(|| s.strip_prefix("Q="))?;
    let (int, frac) = v.split_once('.').unwrap_or((v, ""));
    let int = match int {
        "0" => 0,
        "1" => 1000,
        _ => return None,
    };
    if frac.len() > 3 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let frac = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<3}").parse::<u16>().ok()?
    };
    (int + frac <= 1000).then_some(int + frac)
}

/// A weak validator of the range's rows (padding varies between answers).
fn etag_of(range: &Range) -> String {
    let mut body = Vec::new();
    range.write_body(&mut body, None);
    let digest = Sha256::digest(&body);
    format!("W/\"{}\"", hex::encode(&digest[..12]))
}

/// `If-None-Match` lists `etag` (weak comparison) or is `*`.
fn matches_etag(headers: &HeaderMap, etag: &str) -> bool {
    let strip = |t: &str| t.trim().trim_start_matches("W/").to_owned();
    headers
        .get_all(IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|t| t.trim() == "*" || strip(t) == strip(etag))
}

fn listen_error(listen: &str, e: std::io::Error) -> PwnedError {
    PwnedError::Setup(format!("cannot listen on {listen}: {e}"))
}

/// Serves until Ctrl-C or SIGTERM. `on_ready` is called with the bound
/// address and the dataset's layout once requests are accepted.
pub fn run_until_signal(
    settings: &ServeSettings,
    on_ready: impl FnOnce(SocketAddr, &str),
) -> Result<(), PwnedError> {
    let dataset = Dataset::open(&settings.dataset)?;
    if settings.verify {
        let v = super::verify::verify(&settings.dataset)?;
        if !v.is_valid() {
            let mut message = super::verify::summary(&settings.dataset, &v);
            for p in v.problems.iter().take(5) {
                message.push_str("\n  ");
                message.push_str(p);
            }
            return Err(PwnedError::Setup(message));
        }
    } else {
        super::verify::quick_check(&settings.dataset, &dataset)?;
    }
    let layout = dataset.layout();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(&settings.listen)
            .await
            .map_err(|e| listen_error(&settings.listen, e))?;
        on_ready(listener.local_addr()?, layout);
        serve_bounded(
            listener,
            Mirror::new(Arc::new(dataset), settings.options),
            settings.options,
            stop_signal(),
        )
        .await;
        Ok::<(), PwnedError>(())
    })?;
    // Blocking lookups still running are not waited for.
    runtime.shutdown_timeout(Duration::from_millis(100));
    Ok(())
}

/// Counts connections per client address; a slot is given back on drop.
struct ClientSlot {
    ip: IpAddr,
    open: Arc<Mutex<HashMap<IpAddr, usize>>>,
}

impl ClientSlot {
    fn take(open: &Arc<Mutex<HashMap<IpAddr, usize>>>, ip: IpAddr, max: usize) -> Option<Self> {
        let mut map = open.lock().unwrap_or_else(|e| e.into_inner());
        let n = map.entry(ip).or_default();
        if *n >= max {
            return None;
        }
        *n += 1;
        Some(ClientSlot {
            ip,
            open: open.clone(),
        })
    }
}

impl Drop for ClientSlot {
    fn drop(&mut self) {
        let mut map = self.open.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = map.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                map.remove(&self.ip);
            }
        }
    }
}

/// Over a connection limit: a short 503, then close. The request the client
/// may already have sent is read and dropped for a moment before closing:
/// closing a socket with unread input sends a reset, which makes most
/// clients lose the 503 and report a broken connection instead.
fn refuse(mut stream: tokio::net::TcpStream) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    tokio::spawn(async move {
        let answer = async {
            stream
                .write_all(b"HTTP/1.1 503 Service Unavailable\r\nretry-after: 1\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
                .await?;
            stream.shutdown().await?;
            let mut sink = [0u8; 4096];
            let mut left = 64 * 1024;
            while left > 0 {
                match stream.read(&mut sink).await? {
                    0 => break,
                    n => left -= n.min(left),
                }
            }
            std::io::Result::Ok(())
        };
        let _ = tokio::time::timeout(Duration::from_millis(500), answer).await;
    });
}

/// Accepts connections until `shutdown`, with the limits of `options`
/// (see the module documentation), then closes them within the deadline.
async fn serve_bounded(
    listener: tokio::net::TcpListener,
    app: Mirror,
    options: ServeOptions,
    shutdown: impl std::future::Future<Output = ()>,
) {
    let total = Arc::new(tokio::sync::Semaphore::new(options.max_connections.max(1)));
    let per_client: Arc<Mutex<HashMap<IpAddr, usize>>> = Arc::default();
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let mut tasks = tokio::task::JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            _ = &mut shutdown => break,
            Some(_) = tasks.join_next(), if !tasks.is_empty() => {}
            accepted = listener.accept() => {
                let Ok((stream, peer)) = accepted else {
                    // Out of descriptors and the like: wait a little.
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                };
                let Ok(permit) = total.clone().try_acquire_owned() else {
                    refuse(stream);
                    continue;
                };
                let Some(slot) = ClientSlot::take(&per_client, peer.ip(), options.max_per_client.max(1)) else {
                    refuse(stream);
                    continue;
                };
                let (app, mut stop) = (app.clone(), stop_rx.clone());
                let service = hyper::service::service_fn(move |req| {
                    let app = app.clone();
                    async move {
                        let res = app.handle(req).await;
                        Ok::<_, std::convert::Infallible>(res.map(Full::new))
                    }
                });
                tasks.spawn(async move {
                    let _held = (permit, slot);
                    let conn = hyper::server::conn::http1::Builder::new()
                        .timer(hyper_util::rt::TokioTimer::new())
                        .header_read_timeout(options.idle_timeout)
                        .keep_alive(true)
                        .serve_connection(
                            hyper_util::rt::TokioIo::new(stream),
                            service,
                        );
                    tokio::pin!(conn);
                    tokio::select! {
                        _ = conn.as_mut() => return,
                        _ = stop.changed() => {}
                    }
                    conn.as_mut().graceful_shutdown();
                    let _ = conn.await;
                });
            }
        }
    }
    drop(listener);
    let _ = stop_tx.send(true);
    let drained = async { while tasks.join_next().await.is_some() {} };
    let _ = tokio::time::timeout(options.shutdown_deadline, drained).await;
    tasks.abort_all();
}

async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// A mirror running on a background thread (tests, benchmarks, embedding).
/// Stops when dropped.
pub struct Server {
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<std::io::Result<()>>>,
}

impl Server {
    /// Starts serving `source` on `listen` (`127.0.0.1:0` picks a free port).
    pub fn start(
        source: Arc<dyn RangeSource>,
        listen: &str,
        options: ServeOptions,
    ) -> Result<Server, PwnedError> {
        let std_listener =
            std::net::TcpListener::bind(listen).map_err(|e| listen_error(listen, e))?;
        std_listener.set_nonblocking(true)?;
        let addr = std_listener.local_addr()?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()?;
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let served = runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(std_listener)?;
                serve_bounded(listener, Mirror::new(source, options), options, async {
                    let _ = stopped.await;
                })
                .await;
                Ok(())
            });
            runtime.shutdown_timeout(Duration::from_millis(100));
            served
        });
        Ok(Server {
            addr,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://ADDR`, the value for `--pwned-url`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn etags_match_weakly_and_by_list() {
        let r = Range::default();
        let e = etag_of(&r);
        let mut h = HeaderMap::new();
        assert!(!matches_etag(&h, &e));
        h.insert(
            IF_NONE_MATCH,
            HeaderValue::from_str(&format!("\"x\", {e}")).unwrap(),
        );
        assert!(matches_etag(&h, &e));
        h.insert(
            IF_NONE_MATCH,
            HeaderValue::from_str(e.trim_start_matches("W/")).unwrap(),
        );
        assert!(matches_etag(&h, &e));
        h.insert(IF_NONE_MATCH, HeaderValue::from_static("\"other\""));
        assert!(!matches_etag(&h, &e));
    }

    #[test]
    fn gzip_is_chosen_as_tower_http_chose_it() {
        let accepts = |values: &[&str]| {
            let mut h = HeaderMap::new();
            for v in values {
                h.append(ACCEPT_ENCODING, HeaderValue::from_str(v).unwrap());
            }
            accepts_gzip(&h)
        };
        assert!(accepts(&["gzip"]));
        assert!(accepts(&["br, GZIP;q=0.5"]));
        assert!(accepts(&["deflate", "x-gzip"]));
        assert!(!accepts(&[]));
        assert!(!accepts(&["br, deflate"]));
        assert!(!accepts(&["gzip;q=0"]));
        assert!(!accepts(&["gzip;q=0.000"]));
        assert!(!accepts(&["gzip;q=0.5, identity;q=1"]));
        assert!(!accepts(&["gzip;q=2"]), "an invalid q-value is ignored");
        assert_eq!(qvalue("q=0.25"), Some(250));
        assert_eq!(qvalue("Q=1.000"), Some(1000));
        assert_eq!(qvalue("q=1.001"), None);
        assert_eq!(qvalue("q=0.1234"), None);
    }

    #[test]
    fn path_segments_are_percent_decoded() {
        assert_eq!(percent_decode("5BAA6").as_deref(), Some("5BAA6"));
        assert_eq!(percent_decode("%35BAA6").as_deref(), Some("5BAA6"));
        assert_eq!(percent_decode("%20BAA6").as_deref(), Some(" BAA6"));
        assert_eq!(percent_decode("%zz%4").as_deref(), Some("%zz%4"));
        assert_eq!(percent_decode("%FF"), None);
    }
}
