//! The opt-in range cache of the online client (`--pwned-cache DIR`).
//!
//! Off by default: the set of prefixes in a cache narrows down the
//! passwords it was made from, so it is only kept when asked for. One file
//! per prefix, readable by the owner only (0600, in a 0700 directory),
//! holding the server's answer exactly as it was sent (the whole public
//! range, padding included: nothing derived from the lookup, in particular
//! never which suffix matched), the server's ETag and when it was fetched. A range younger than the TTL is used as is; an older one
//! is revalidated with `If-None-Match`. A damaged cache file is a miss.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::{Prefix, Range};

const MAGIC: &str = "vaultlint-pwned-cache 1";

/// A cached range.
#[derive(Debug)]
pub struct Cached {
    pub range: Range,
    /// The answer as the server sent it.
    pub body: Vec<u8>,
    pub etag: Option<String>,
    /// Younger than the TTL: use without asking the server.
    pub fresh: bool,
}

/// A cache directory.
#[derive(Debug, Clone)]
pub struct Cache {
    dir: PathBuf,
    ttl: Duration,
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl Cache {
    /// Opens (creating, owner-only) the cache directory.
    pub fn open(dir: &Path, ttl: Duration) -> std::io::Result<Cache> {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(dir)?;
        Ok(Cache {
            dir: dir.to_owned(),
            ttl,
        })
    }

    fn path(&self, prefix: Prefix) -> PathBuf {
        self.dir.join(format!("{prefix}.range"))
    }

    /// The cached range of `prefix`, if any and readable.
    pub fn get(&self, prefix: Prefix) -> Option<Cached> {
        let text = std::fs::read(self.path(prefix)).ok()?;
        let split = text.windows(2).position(|w| w == b"\n\n")?;
        let head = std::str::from_utf8(&text[..split]).ok()?;
        let mut lines = head.lines();
        if lines.next()? != MAGIC {
            return None;
        }
        let fetched: u64 = lines.next()?.strip_prefix("fetched ")?.parse().ok()?;
        let etag = match lines.next()?.strip_prefix("etag ")? {
            "-" => None,
            e => Some(e.to_owned()),
        };
        let body = text[split + 2..].to_vec();
        let range = Range::parse(&body).ok()?;
        let age = now().saturating_sub(fetched);
        Some(Cached {
            range,
            body,
            etag,
            fresh: age < self.ttl.as_secs(),
        })
    }

    /// Stores `body`, the server's answer for `prefix` exactly as sent, as
    /// fetched now. Written to a temporary file then renamed, so a reader
    /// never sees half a file.
    pub fn put(&self, prefix: Prefix, body: &[u8], etag: Option<&str>) -> std::io::Result<()> {
        let etag = etag
            .filter(|e| !e.is_empty() && e.bytes().all(|b| (0x21..0x7f).contains(&b)))
            .unwrap_or("-");
        let mut out = format!("{MAGIC}\nfetched {}\netag {etag}\n\n", now()).into_bytes();
        out.extend_from_slice(body);
        let tmp = self
            .dir
            .join(format!(".{prefix}.{}.tmp", std::process::id()));
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut f = options.open(&tmp)?;
        f.write_all(&out)?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, self.path(prefix))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pwned::PasswordHash;

    #[test]
    fn round_trip_freshness_and_permissions() {
        let dir = tempfile::tempdir().unwrap();
        let cache_dir = dir.path().join("c");
        let cache = Cache::open(&cache_dir, Duration::from_secs(3600)).unwrap();
        let h = PasswordHash::of("password");
        assert!(cache.get(h.prefix()).is_none());
        let mut body = Vec::new();
        Range::from_rows(vec![(h.suffix(), 7)]).write_body(&mut body, Some(20));
        cache.put(h.prefix(), &body, Some("W/\"abc\"")).unwrap();
        let got = cache.get(h.prefix()).unwrap();
        assert!(got.fresh);
        assert_eq!(got.range.count(&h.suffix()), 7);
        assert_eq!(got.body, body, "the answer as sent");
        assert_eq!(got.etag.as_deref(), Some("W/\"abc\""));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&cache_dir), 0o700);
            assert_eq!(mode(&cache.path(h.prefix())), 0o600);
        }
        let stale = Cache::open(&cache_dir, Duration::ZERO).unwrap();
        assert!(!stale.get(h.prefix()).unwrap().fresh);
    }

    #[test]
    fn damaged_files_are_misses() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(dir.path(), Duration::from_secs(60)).unwrap();
        let p = Prefix::new(5).unwrap();
        std::fs::write(
            cache.path(p),
            "vaultlint-pwned-cache 1\nfetched 1\netag -\n\nnot a range",
        )
        .unwrap();
        assert!(cache.get(p).is_none());
        std::fs::write(cache.path(p), "something else").unwrap();
        assert!(cache.get(p).is_none());
    }
}
