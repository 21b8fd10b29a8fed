//! Downloads of public datasets (`vaultlint 2fa update`, `vaultlint breaches
//! update`): one bounded HTTPS GET, then an atomic write, so a failed
//! download never replaces a good file. Nothing from the user's exports is
//! ever sent; checks do no I/O and read what these commands saved.

use std::io::Write;
use std::path::Path;
use std::time::Duration;

/// Why a download failed.
#[derive(Debug, thiserror::Error)]
pub enum DownloadError {
    #[error("{url}: download failed: {message}")]
    Download { url: String, message: String },
    #[error("{url}: the server answered HTTP {status}")]
    Status { url: String, status: u16 },
    #[error("{url}: larger than {limit} bytes; not the expected file")]
    TooLarge { url: String, limit: usize },
    #[error("{path}: cannot write: {message}")]
    Write { path: String, message: String },
}

/// Why an `update` command failed: the download, or a file that is not the
/// dataset it should be.
#[derive(Debug, thiserror::Error)]
pub enum UpdateError {
    #[error(transparent)]
    Download(#[from] DownloadError),
    #[error(transparent)]
    Invalid(#[from] crate::error::InputError),
}

/// The `update` commands: downloads `url` (at most `max_bytes`), parses it
/// with `parse` so a file that is not the dataset is refused, and only then
/// writes it to `output` atomically. Returns what `parse` made.
pub fn update<T>(
    url: &str,
    output: &Path,
    max_bytes: usize,
    parse: impl FnOnce(&[u8], &str) -> Result<T, crate::error::InputError>,
) -> Result<T, UpdateError> {
    let body = fetch(url, max_bytes)?;
    let parsed = parse(&body, url)?;
    write_atomically(output, &body)?;
    Ok(parsed)
}

/// GETs `url` (with vaultlint's User-Agent, which some APIs require) and
/// returns the body, refusing bodies over `max_bytes`.
pub fn fetch(url: &str, max_bytes: usize) -> Result<Vec<u8>, DownloadError> {
    let download = |e: &dyn std::fmt::Display| DownloadError::Download {
        url: url.to_owned(),
        message: e.to_string(),
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| download(&e))?;
    runtime.block_on(async {
        let client = reqwest::Client::builder()
            .user_agent(concat!("vaultlint/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(Duration::from_secs(15))
            .timeout(Duration::from_secs(120))
            .build()
            .map_err(|e| download(&e))?;
        let mut response = client.get(url).send().await.map_err(|e| download(&e))?;
        if !response.status().is_success() {
            return Err(DownloadError::Status {
                url: url.to_owned(),
                status: response.status().as_u16(),
            });
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| download(&e))? {
            body.extend_from_slice(&chunk);
            if body.len() > max_bytes {
                return Err(DownloadError::TooLarge {
                    url: url.to_owned(),
                    limit: max_bytes,
                });
            }
        }
        Ok(body)
    })
}

/// Writes `data` to `output` through a temporary file beside it, renamed
/// into place once complete.
pub fn write_atomically(output: &Path, data: &[u8]) -> Result<(), DownloadError> {
    let write_err = |e: std::io::Error| DownloadError::Write {
        path: output.display().to_string(),
        message: e.to_string(),
    };
    let mut part = output.as_os_str().to_owned();
    part.push(".part");
    let part = std::path::PathBuf::from(part);
    let mut file = std::fs::File::create(&part).map_err(write_err)?;
    file.write_all(data)
        .and_then(|()| file.sync_all())
        .map_err(write_err)?;
    drop(file);
    std::fs::rename(&part, output).map_err(|e| {
        let _ = std::fs::remove_file(&part);
        write_err(e)
    })
}
