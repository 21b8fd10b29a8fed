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
//! memory-mapped). Nothing is logged: in particular, never a prefix. The
//! server stops cleanly on Ctrl-C (and SIGTERM).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, ETAG, IF_NONE_MATCH};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
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
#[derive(Debug, Clone, Copy, Default)]
pub struct ServeOptions {
    /// Honour `Add-Padding: true` with decoy rows.
    pub padding: bool,
    /// gzip answers for clients that accept it (fastest level).
    pub gzip: bool,
    /// Extra delay before each answer (to benchmark clients against a slow
    /// link; 0 in normal use).
    pub latency: Duration,
}

/// The cache lifetime the public API announces (31 days).
pub const CACHE_CONTROL_VALUE: &str = "public, max-age=2678400";

struct AppState {
    source: Arc<dyn RangeSource>,
    options: ServeOptions,
}

/// The mirror's routes over `source`.
pub fn router(source: Arc<dyn RangeSource>, options: ServeOptions) -> Router {
    let state = Arc::new(AppState { source, options });
    let router = Router::new()
        .route("/range/{prefix}", get(range))
        .fallback(|| async { (StatusCode::NOT_FOUND, "Not found") })
        .with_state(state);
    if options.gzip {
        // Fastest level: ranges are mostly random hex that compresses to
        // about 60% whatever the effort.
        router.layer(
            tower_http::compression::CompressionLayer::new()
                .quality(tower_http::CompressionLevel::Fastest),
        )
    } else {
        router
    }
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

async fn range(
    State(state): State<Arc<AppState>>,
    Path(prefix): Path<String>,
    headers: HeaderMap,
) -> Response {
    let Some(prefix) = Prefix::parse(&prefix) else {
        return (
            StatusCode::BAD_REQUEST,
            "The hash prefix was not in a valid format",
        )
            .into_response();
    };
    if !state.options.latency.is_zero() {
        tokio::time::sleep(state.options.latency).await;
    }
    let source = state.source.clone();
    let range = match tokio::task::spawn_blocking(move || source.range(prefix)).await {
        Ok(Ok(r)) => r,
        _ => {
            return (
                StatusCode::INTERNAL_SERVER_ERROR,
                "The dataset could not answer this range",
            )
                .into_response();
        }
    };
    let etag = etag_of(&range);
    let etag_value = HeaderValue::from_str(&etag).expect("hex etag");
    let cache = HeaderValue::from_static(CACHE_CONTROL_VALUE);
    if matches_etag(&headers, &etag) {
        return (
            StatusCode::NOT_MODIFIED,
            [(ETAG, etag_value), (CACHE_CONTROL, cache)],
        )
            .into_response();
    }
    let pad = state.options.padding
        && headers
            .get("add-padding")
            .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"true"));
    let pad_to = pad.then(|| rand::thread_rng().gen_range(800..=1000));
    let mut body = Vec::new();
    range.write_body(&mut body, pad_to);
    (
        StatusCode::OK,
        [
            (CONTENT_TYPE, HeaderValue::from_static("text/plain")),
            (CACHE_CONTROL, cache),
            (ETAG, etag_value),
        ],
        Body::from(body),
    )
        .into_response()
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
        axum::serve(listener, router(Arc::new(dataset), settings.options))
            .with_graceful_shutdown(stop_signal())
            .await?;
        Ok(())
    })
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
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(std_listener)?;
                axum::serve(listener, router(source, options))
                    .with_graceful_shutdown(async {
                        let _ = stopped.await;
                    })
                    .await
            })
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
}
