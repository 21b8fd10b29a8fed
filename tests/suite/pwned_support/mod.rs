//! Shared helpers of the pwned integration tests: generated datasets,
//! exports, the real binary, and a fault-injecting range server that
//! records every request it gets.
#![allow(dead_code)]

use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rand::{Rng, SeedableRng};
use sha1::Digest;
use vaultlint::pwned::dataset::Dataset;
use vaultlint::pwned::{Prefix, RangeSource};

/// Uppercase hex SHA-1 of a password.
pub fn sha1_hex(password: &str) -> String {
    hex::encode_upper(sha1::Sha1::digest(password.as_bytes()))
}

/// Writes a sorted `HASH:COUNT` file holding `known` (password, count) and
/// `fillers` random hashes (count 1..1000), CRLF line ends, plus rows of the
/// first and last prefixes (00000, FFFFF) as in the real corpus. Returns
/// its path.
///
/// The real corpus has rows for every prefix, so a prefix without rows is
/// a failed lookup (unknown): passwords expected `not_found` must have their
/// prefix covered with [`cover`].
pub fn sorted_dataset(dir: &Path, known: &[(&str, u64)], fillers: usize) -> PathBuf {
    let mut rows: BTreeMap<String, u64> = known.iter().map(|(p, c)| (sha1_hex(p), *c)).collect();
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    while rows.len() < known.len() + fillers {
        let h: [u8; 20] = rng.r#gen();
        rows.entry(hex::encode_upper(h))
            .or_insert(rng.gen_range(1..1000));
    }
    rows.entry(format!("00000{}", "1".repeat(35))).or_insert(3);
    rows.entry(format!("FFFFF{}", "E".repeat(35))).or_insert(3);
    let path = dir.join("pwned-sha1-ordered-by-hash.txt");
    write_rows(&path, &rows);
    path
}

/// A complete sorted dataset: a filler row for every one of the 1,048,576
/// prefixes (as the real corpus has), plus `known`. LF line ends, ~44 MB.
pub fn full_dataset(dir: &Path, known: &[(&str, u64)]) -> PathBuf {
    let known: BTreeMap<String, u64> = known.iter().map(|(p, c)| (sha1_hex(p), *c)).collect();
    let path = dir.join("pwned-full.txt");
    let mut w = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    let mut extra = known.iter().peekable();
    for p in 0..Prefix::COUNT {
        let filler = format!("{p:05X}{:035X}", u128::from(p) * 7919 + 1);
        let mut rows = vec![(filler, 1 + u64::from(p % 97))];
        while let Some((h, c)) = extra.next_if(|(h, _)| h[..5] == format!("{p:05X}")) {
            rows.push((h.clone(), *c));
        }
        rows.sort();
        rows.dedup_by(|a, b| a.0 == b.0);
        for (h, c) in rows {
            writeln!(w, "{h}:{c}").unwrap();
        }
    }
    w.flush().unwrap();
    path
}

fn write_rows(path: &Path, rows: &BTreeMap<String, u64>) {
    let mut out = String::new();
    for (h, c) in rows {
        out.push_str(&format!("{h}:{c}\r\n"));
    }
    std::fs::write(path, out).unwrap();
}

/// A hash of the same prefix as `password`'s but another suffix.
pub fn neighbour(password: &str) -> String {
    let mut h = sha1_hex(password).into_bytes();
    h[39] = if h[39] == b'0' { b'1' } else { b'0' };
    String::from_utf8(h).unwrap()
}

/// Adds to a sorted dataset a row of each password's prefix (a neighbour,
/// not the password) where the prefix has none, so that a password absent
/// from it reads `not_found`.
pub fn cover(dataset: &Path, passwords: &[&str]) {
    let text = std::fs::read_to_string(dataset).unwrap();
    let mut rows: BTreeMap<String, u64> = text
        .lines()
        .map(|l| {
            let (h, c) = l.split_once(':').unwrap();
            (h.to_owned(), c.parse().unwrap())
        })
        .collect();
    for p in passwords {
        let prefix = &sha1_hex(p)[..5];
        if rows
            .range(prefix.to_owned()..)
            .next()
            .is_none_or(|(h, _)| !h.starts_with(prefix))
        {
            rows.insert(neighbour(p), 2);
        }
    }
    write_rows(dataset, &rows);
}

/// The passwords of a CSV export (its `password` or `login_password` column).
pub fn csv_passwords(path: &Path) -> Vec<String> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let col = r
        .headers()
        .unwrap()
        .iter()
        .position(|h| {
            let h = h.to_ascii_lowercase();
            h == "password" || h == "login_password"
        })
        .expect("a password column");
    r.records()
        .filter_map(|rec| rec.ok()?.get(col).map(str::to_owned))
        .filter(|p| !p.is_empty())
        .collect()
}

/// [`cover`] for every password of these exports.
pub fn cover_exports(dataset: &Path, exports: &[&Path]) {
    let all: Vec<String> = exports.iter().flat_map(|e| csv_passwords(e)).collect();
    let refs: Vec<&str> = all.iter().map(String::as_str).collect();
    cover(dataset, &refs);
}

/// Writes a directory of `XXXXX.txt` range files (one per prefix present,
/// plus 00000.txt) from the same inputs as [`sorted_dataset`].
pub fn range_dir(dir: &Path, known: &[(&str, u64)]) -> PathBuf {
    let root = dir.join("ranges");
    std::fs::create_dir_all(&root).unwrap();
    let mut by_prefix: BTreeMap<String, Vec<String>> = BTreeMap::new();
    by_prefix
        .entry("00000".into())
        .or_default()
        .push(format!("{}:3", "1".repeat(35)));
    for (p, c) in known {
        let h = sha1_hex(p);
        by_prefix
            .entry(h[..5].to_owned())
            .or_default()
            .push(format!("{}:{c}", &h[5..]));
    }
    for (prefix, mut lines) in by_prefix {
        lines.sort();
        std::fs::write(root.join(format!("{prefix}.txt")), lines.join("\r\n")).unwrap();
    }
    root
}

/// Adds to a range directory a file for each password's prefix that has
/// none, holding a neighbour row (not the password).
pub fn cover_dir(root: &Path, passwords: &[&str]) {
    for p in passwords {
        let f = root.join(format!("{}.txt", &sha1_hex(p)[..5]));
        if !f.exists() {
            std::fs::write(f, format!("{}:2", &neighbour(p)[5..])).unwrap();
        }
    }
}

/// A Bitwarden CSV export with one login per password (`site1`, `site2`...).
pub fn bitwarden_export(dir: &Path, name: &str, passwords: &[&str]) -> PathBuf {
    let mut out = String::from(
        "folder,favorite,type,name,notes,fields,reprompt,login_uri,login_username,login_password,login_totp\n",
    );
    for (i, p) in passwords.iter().enumerate() {
        let n = i + 1;
        out.push_str(&format!(
            ",,login,site{n},,,0,https://site{n}.example.com,user{n}@example.com,{p},\n"
        ));
    }
    let path = dir.join(format!("{name}.csv"));
    std::fs::write(&path, out).unwrap();
    path
}

/// The family samples shipped with the repository.
pub fn family(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("sample-exports/family")
        .join(format!("{name}.csv"))
}

/// The real binary.
pub fn vaultlint() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("vaultlint").unwrap();
    cmd.env_remove("VAULTLINT_PWNED");
    cmd
}

/// Runs an audit with `--format json` and returns (exit code, report, stderr).
pub fn audit_json(args: &[&str]) -> (i32, serde_json::Value, String) {
    let out = vaultlint()
        .arg("audit")
        .args(args)
        .args(["--format", "json"])
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let report = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}); stderr: {stderr}"));
    (out.status.code().unwrap_or(-1), report, stderr)
}

/// `title -> pwned object` of every account in a report.
pub fn pwned_by_title(report: &serde_json::Value) -> BTreeMap<String, serde_json::Value> {
    report["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                format!(
                    "{}/{}",
                    a["member"].as_str().unwrap(),
                    a["title"].as_str().unwrap()
                ),
                a["pwned"].clone(),
            )
        })
        .collect()
}

/// The `checks` entry of `pwned` in a report.
pub fn pwned_check(report: &serde_json::Value) -> serde_json::Value {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["check"] == "pwned")
        .unwrap()
        .clone()
}

/// What the fault server does with one request.
#[derive(Debug, Clone)]
pub enum Fault {
    /// Serve the range (padded when asked).
    Serve,
    /// Answer this status with these headers and a short body.
    Status(u16, Vec<(&'static str, String)>),
    /// Announce the full length, send half the body, close.
    Truncate,
    /// A 200 whose body has one broken line.
    Malformed,
    /// Close the connection without answering.
    Drop,
    /// Wait, then serve (the client has usually timed out by then).
    Delay(Duration),
    /// A 200 with an empty body (a captive portal, a broken proxy).
    Empty,
    /// A 200 whose gzip body inflates to this many MiB of valid-looking rows.
    GzipBomb(usize),
}

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub target: String,
    /// Lowercased names, in order.
    pub headers: Vec<(String, String)>,
    pub raw: String,
    pub at: Instant,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The prefix of a `/range/XXXXX` request.
    pub fn prefix(&self) -> Option<&str> {
        self.target.strip_prefix("/range/")
    }
}

type Plan = dyn Fn(&str, usize) -> Fault + Send + Sync;

/// A range server over a dataset that injects faults by plan: `plan(prefix,
/// n)` decides the answer to the n-th (0-based) request for `prefix`.
/// Records every request and the most requests handled at once.
pub struct FaultServer {
    addr: SocketAddr,
    pub seen: Arc<Mutex<Vec<Seen>>>,
    in_flight: Arc<AtomicUsize>,
    pub max_in_flight: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
}

impl FaultServer {
    pub fn start(
        dataset: &Path,
        plan: impl Fn(&str, usize) -> Fault + Send + Sync + 'static,
    ) -> FaultServer {
        let source: Arc<dyn RangeSource> = Arc::new(Dataset::open(dataset).unwrap());
        let plan: Arc<Plan> = Arc::new(plan);
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let server = FaultServer {
            addr,
            seen: Arc::default(),
            in_flight: Arc::default(),
            max_in_flight: Arc::default(),
            stop: Arc::default(),
        };
        let counts: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
        let (seen, in_flight, max, stop) = (
            server.seen.clone(),
            server.in_flight.clone(),
            server.max_in_flight.clone(),
            server.stop.clone(),
        );
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(conn) = conn else { continue };
                let (source, plan, counts, seen, in_flight, max) = (
                    source.clone(),
                    plan.clone(),
                    counts.clone(),
                    seen.clone(),
                    in_flight.clone(),
                    max.clone(),
                );
                std::thread::spawn(move || {
                    serve_connection(conn, &*source, &*plan, &counts, &seen, &in_flight, &max)
                });
            }
        });
        server
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn requests(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    /// Requests per prefix.
    pub fn per_prefix(&self) -> BTreeMap<String, Vec<Seen>> {
        let mut m: BTreeMap<String, Vec<Seen>> = BTreeMap::new();
        for s in self.requests() {
            m.entry(s.prefix().unwrap_or("").to_owned())
                .or_default()
                .push(s);
        }
        m
    }
}

impl Drop for FaultServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr);
    }
}

fn serve_connection(
    conn: TcpStream,
    source: &dyn RangeSource,
    plan: &Plan,
    counts: &Mutex<HashMap<String, usize>>,
    seen: &Mutex<Vec<Seen>>,
    in_flight: &AtomicUsize,
    max: &AtomicUsize,
) {
    let mut reader = BufReader::new(conn.try_clone().unwrap());
    let mut conn = conn;
    loop {
        let mut raw = String::new();
        loop {
            let mut line = String::new();
            match reader.read_line(&mut line) {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            raw.push_str(&line);
            if line == "\r\n" || line == "\n" {
                break;
            }
        }
        let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        max.fetch_max(now, Ordering::SeqCst);
        let mut lines = raw.lines();
        let mut first = lines.next().unwrap_or("").split(' ');
        let method = first.next().unwrap_or("").to_owned();
        let target = first.next().unwrap_or("").to_owned();
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
            .collect();
        let request = Seen {
            method,
            target,
            headers,
            raw: raw.clone(),
            at: Instant::now(),
        };
        seen.lock().unwrap().push(request.clone());
        let prefix = request.prefix().unwrap_or("").to_owned();
        let n = {
            let mut c = counts.lock().unwrap();
            let e = c.entry(prefix.clone()).or_default();
            *e += 1;
            *e - 1
        };
        let keep = answer(&mut conn, &request, &prefix, plan(&prefix, n), source);
        in_flight.fetch_sub(1, Ordering::SeqCst);
        if !keep {
            return;
        }
    }
}

fn body_of(request: &Seen, prefix: &str, source: &dyn RangeSource) -> Option<Vec<u8>> {
    let range = source.range(Prefix::parse(prefix)?).ok()?;
    let pad = request.header("add-padding") == Some("true");
    let mut body = Vec::new();
    range.write_body(&mut body, pad.then_some(850));
    Some(body)
}

/// The fault server's ETag for every range (it answers 304 to it).
pub const ETAG: &str = "W/\"fault-server\"";

/// Writes the answer; false when the connection must close.
fn answer(
    conn: &mut TcpStream,
    request: &Seen,
    prefix: &str,
    fault: Fault,
    source: &dyn RangeSource,
) -> bool {
    let head = |status: &str, len: usize, extra: &str| {
        format!(
            "HTTP/1.1 {status}\r\ncontent-type: text/plain\r\ncontent-length: {len}\r\n{extra}\r\n"
        )
    };
    match fault {
        Fault::Serve | Fault::Delay(_) => {
            if let Fault::Delay(d) = fault {
                std::thread::sleep(d);
            }
            if request.header("if-none-match") == Some(ETAG) {
                let extra = format!("etag: {ETAG}\r\n");
                return conn
                    .write_all(head("304 Not Modified", 0, &extra).as_bytes())
                    .is_ok();
            }
            let Some(body) = body_of(request, prefix, source) else {
                let _ = conn.write_all(head("400 Bad Request", 0, "").as_bytes());
                return true;
            };
            let extra = format!("etag: {ETAG}\r\n");
            conn.write_all(head("200 OK", body.len(), &extra).as_bytes())
                .is_ok()
                && conn.write_all(&body).is_ok()
        }
        Fault::Status(code, headers) => {
            let extra: String = headers
                .iter()
                .map(|(n, v)| format!("{n}: {v}\r\n"))
                .collect();
            let body = b"fault";
            let _ = conn.write_all(head(&format!("{code} Fault"), body.len(), &extra).as_bytes());
            let _ = conn.write_all(body);
            true
        }
        Fault::Truncate => {
            let body = body_of(request, prefix, source).unwrap_or_default();
            let _ = conn.write_all(head("200 OK", body.len(), "").as_bytes());
            let _ = conn.write_all(&body[..body.len() / 2]);
            let _ = conn.flush();
            let _ = conn.shutdown(std::net::Shutdown::Both);
            false
        }
        Fault::Malformed => {
            let mut body = body_of(request, prefix, source).unwrap_or_default();
            body.extend_from_slice(b"\r\nNOT-A-HASH:oops");
            let _ = conn.write_all(head("200 OK", body.len(), "").as_bytes());
            let _ = conn.write_all(&body);
            true
        }
        Fault::Drop => {
            let _ = conn.shutdown(std::net::Shutdown::Both);
            false
        }
        Fault::Empty => conn.write_all(head("200 OK", 0, "").as_bytes()).is_ok(),
        Fault::GzipBomb(mib) => {
            let body = gzip_bomb(mib);
            conn.write_all(head("200 OK", body.len(), "content-encoding: gzip\r\n").as_bytes())
                .is_ok()
                && conn.write_all(&body).is_ok()
        }
    }
}

/// A gzip stream inflating to `mib` MiB of `000...0:1` rows.
pub fn gzip_bomb(mib: usize) -> Vec<u8> {
    use flate2::{Compression, write::GzEncoder};
    let row = format!("{}:1\r\n", "0".repeat(35));
    let block = row.repeat((1 << 20) / row.len());
    let mut gz = GzEncoder::new(Vec::new(), Compression::best());
    for _ in 0..mib {
        gz.write_all(block.as_bytes()).unwrap();
    }
    gz.finish().unwrap()
}

/// A plain HTTP/1.1 GET over a socket, as any client would send it.
/// Returns (status, lowercased headers, body).
pub fn http_get(
    addr: &str,
    target: &str,
    extra: &[(&str, &str)],
) -> (u16, BTreeMap<String, String>, Vec<u8>) {
    let addr = addr.trim_start_matches("http://");
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut req = format!("GET {target} HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\n");
    for (n, v) in extra {
        req.push_str(&format!("{n}: {v}\r\n"));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes()).unwrap();
    let mut all = Vec::new();
    s.read_to_end(&mut all).unwrap();
    let split = all.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&all[..split]).into_owned();
    let mut lines = head.lines();
    let status: u16 = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect::<BTreeMap<_, _>>();
    let mut body = all[split + 4..].to_vec();
    if headers
        .get("transfer-encoding")
        .is_some_and(|v| v == "chunked")
    {
        body = dechunk(&body);
    }
    (status, headers, body)
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let nl = b.windows(2).position(|w| w == b"\r\n").unwrap();
        let size =
            usize::from_str_radix(std::str::from_utf8(&b[..nl]).unwrap().trim(), 16).unwrap();
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&b[nl + 2..nl + 2 + size]);
        b = &b[nl + 2 + size + 2..];
    }
}
