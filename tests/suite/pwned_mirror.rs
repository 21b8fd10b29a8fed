//! The project's own mirror (`vaultlint pwned serve`) on 127.0.0.1: it
//! speaks the range API's format to a plain HTTP client, serves audits run
//! by the real binary on the family samples, stops cleanly on Ctrl-C, and
//! the opt-in cache reuses and revalidates what it fetched.

use crate::pwned_support;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use pwned_support::*;
use vaultlint::pwned::dataset::Dataset;
use vaultlint::pwned::serve::{ServeOptions, Server};

/// Family passwords in the generated dataset, with made-up counts.
const FAMILY_BREACHED: &[(&str, u64)] = &[
    ("Summer2022!", 120),
    ("monkey1", 90_000),
    ("qwerty123", 5_000_000),
    ("falcon2019", 3),
    ("P@ssw0rd2024", 42),
];

fn mirror(dataset: &std::path::Path, padding: bool) -> Server {
    mirror_with(
        dataset,
        ServeOptions {
            padding,
            ..Default::default()
        },
    )
}

fn mirror_with(dataset: &std::path::Path, options: ServeOptions) -> Server {
    let source = Arc::new(Dataset::open(dataset).unwrap());
    Server::start(source, "127.0.0.1:0", options).unwrap()
}

#[test]
fn family_audit_against_the_mirror() {
    let dir = tempfile::tempdir().unwrap();
    let data = sorted_dataset(dir.path(), FAMILY_BREACHED, 20_000);
    let alice = family("alice");
    let bob = family("bob");
    cover_exports(&data, &[&alice, &bob]);
    let server = mirror(&data, true);
    let url = server.url();
    let (code, report, stderr) = audit_json(&[
        alice.to_str().unwrap(),
        bob.to_str().unwrap(),
        "--pwned-url",
        &url,
    ]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(pwned_check(&report)["status"], "complete");
    let got = pwned_by_title(&report);
    let exposed: Vec<(String, u64)> = got
        .iter()
        .filter(|(_, r)| r["status"] == "exposed")
        .map(|(k, r)| (k.clone(), r["count"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        exposed,
        vec![
            ("alice/GitHub".to_owned(), 120),
            ("alice/Knitting forum".to_owned(), 90_000),
            ("bob/Outlook".to_owned(), 3),
            ("bob/PayPal".to_owned(), 42),
            ("bob/Spotify".to_owned(), 5_000_000),
            ("bob/Yahoo Mail".to_owned(), 3),
        ]
    );
    // Padding rows (count 0) decoy every range: none may count as a hit.
    for (k, r) in &got {
        if r["status"] != "exposed" {
            assert_eq!(r["status"], "not_found", "{k}: {r}");
            assert_eq!(r["count"], 0, "{k}");
        }
    }
    let findings: Vec<(&str, &str)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["check"] == "pwned")
        .map(|f| {
            (
                f["severity"].as_str().unwrap(),
                f["accounts"][0].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(findings.len(), 6);
    assert_eq!(
        findings.iter().filter(|f| f.0 == "critical").count(),
        3,
        "100 sightings or more are critical: {findings:?}"
    );
    assert!(findings.iter().all(|f| f.0 == "critical" || f.0 == "high"));
}

#[test]
fn mirror_speaks_the_api_format() {
    let dir = tempfile::tempdir().unwrap();
    let data = sorted_dataset(dir.path(), &[("password", 9_545_824)], 20_000);
    let server = mirror(&data, true);
    let url = server.url();

    // Unpadded: exactly the dataset's rows for 5BAA6, in the API's shape.
    let (status, headers, body) = http_get(&url, "/range/5BAA6", &[]);
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "text/plain");
    assert_eq!(headers["cache-control"], "public, max-age=2678400");
    let etag = headers["etag"].clone();
    let text = String::from_utf8(body).unwrap();
    assert!(!text.ends_with('\n') && !text.contains("\n\n"));
    let lines: Vec<&str> = text.split("\r\n").collect();
    assert!(
        lines.contains(&"1E4C9B93F3F0682250B6CF8331B7EE68FD8:9545824"),
        "{text}"
    );
    let expected = std::fs::read_to_string(&data)
        .unwrap()
        .lines()
        .filter(|l| l.starts_with("5BAA6"))
        .count();
    assert_eq!(lines.len(), expected);
    for l in &lines {
        let (suffix, count) = l.split_once(':').unwrap();
        assert_eq!(suffix.len(), 35);
        assert!(
            suffix
                .bytes()
                .all(|c| c.is_ascii_digit() || (b'A'..=b'F').contains(&c))
        );
        assert!(count.parse::<u64>().unwrap() > 0);
    }

    // Padded on request: 800-1,000 rows, decoys with count 0.
    let (_, _, padded) = http_get(&url, "/range/5baa6", &[("Add-Padding", "true")]);
    let padded = String::from_utf8(padded).unwrap();
    let rows: Vec<&str> = padded.split("\r\n").collect();
    assert!((800..=1000).contains(&rows.len()), "{}", rows.len());
    assert_eq!(rows.iter().filter(|r| !r.ends_with(":0")).count(), expected);
    assert!(rows.contains(&"1E4C9B93F3F0682250B6CF8331B7EE68FD8:9545824"));

    // Conditional requests and compression.
    let (status, _, body) = http_get(&url, "/range/5BAA6", &[("If-None-Match", &etag)]);
    assert_eq!((status, body.len()), (304, 0));
    let (_, headers, body) = http_get(&url, "/range/5BAA6", &[("Accept-Encoding", "gzip")]);
    assert_eq!(
        headers.get("content-encoding"),
        None,
        "gzip only with --gzip"
    );
    assert_eq!(String::from_utf8(body).unwrap(), text);
    let gzipped = mirror_with(
        &data,
        ServeOptions {
            gzip: true,
            ..Default::default()
        },
    );
    let padded_gzip = [("Accept-Encoding", "gzip"), ("Add-Padding", "true")];
    let (status, headers, body) = http_get(&gzipped.url(), "/range/5BAA6", &padded_gzip);
    assert_eq!(status, 200);
    assert_eq!(
        headers.get("content-encoding").map(String::as_str),
        Some("gzip")
    );
    assert_eq!(&body[..2], &[0x1f, 0x8b], "a gzip stream");

    // Bad prefixes are 400, other paths 404.
    for bad in [
        "/range/5BAA",
        "/range/5BAA61",
        "/range/5BAAG",
        "/range/%20BAA6",
    ] {
        assert_eq!(http_get(&url, bad, &[]).0, 400, "{bad}");
    }
    for other in [
        "/",
        "/range",
        "/range/",
        "/range/5BAA6/x",
        "/pwnedpassword/abc",
    ] {
        assert_eq!(http_get(&url, other, &[]).0, 404, "{other}");
    }
}

#[test]
fn mirror_serves_a_range_directory_and_audits_use_it() {
    let dir = tempfile::tempdir().unwrap();
    let root = range_dir(dir.path(), FAMILY_BREACHED);
    // Every range the family needs exists in a real download, with rows.
    let alice = family("alice");
    let passwords = csv_passwords(&alice);
    cover_dir(
        &root,
        &passwords.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    let server = mirror(&root, false);
    let url = server.url();
    let (code, report, stderr) = audit_json(&[alice.to_str().unwrap(), "--pwned-url", &url]);
    assert_eq!(code, 1, "{stderr}");
    let got = pwned_by_title(&report);
    assert_eq!(got["alice/GitHub"]["count"], 120);
    assert_eq!(got["alice/Knitting forum"]["count"], 90_000);
    assert_eq!(got["alice/Gmail"]["status"], "not_found");

    // A range file missing from the directory is a server error, so the
    // account is unknown, not safe.
    std::fs::remove_file(root.join(format!("{}.txt", &sha1_hex("Summer2023!")[..5]))).unwrap();
    let (code, report, _) = audit_json(&[
        alice.to_str().unwrap(),
        "--pwned-url",
        &url,
        "--pwned-retries",
        "0",
    ]);
    assert_eq!(code, 3);
    let r = &pwned_by_title(&report)["alice/GitLab"];
    assert_eq!(r["status"], "unknown");
    assert!(r["reason"].as_str().unwrap().contains("HTTP 500"), "{r}");
}

#[test]
fn serve_binary_answers_and_stops_on_ctrl_c() {
    let dir = tempfile::tempdir().unwrap();
    let data = full_dataset(dir.path(), &[("password", 7)]);
    let bin = assert_cmd::cargo::cargo_bin("vaultlint");
    let mut child = Command::new(bin)
        .args(["pwned", "serve", "--dataset"])
        .arg(&data)
        .args(["--listen", "127.0.0.1:0", "--padding"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    stderr.read_line(&mut line).unwrap();
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .and_then(|w| w.strip_suffix("/range/{prefix}"))
        .unwrap_or_else(|| panic!("no address in: {line}"))
        .to_owned();

    let (status, _, body) = http_get(&url, "/range/5BAA6", &[("Add-Padding", "true")]);
    assert_eq!(status, 200);
    assert!(
        String::from_utf8(body)
            .unwrap()
            .contains("1E4C9B93F3F0682250B6CF8331B7EE68FD8:7")
    );
    let export = bitwarden_export(dir.path(), "m", &["password", "not-in-the-set-9"]);
    let (code, report, _) = audit_json(&[export.to_str().unwrap(), "--pwned-url", &url]);
    assert_eq!(code, 1);
    assert_eq!(pwned_by_title(&report)["m/site1"]["count"], 7);

    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(
            Instant::now() < deadline,
            "the mirror did not stop on SIGINT"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "{status:?}");
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut rest).unwrap();
    assert!(
        !rest.contains("5BAA6") && !line.contains("5BAA6"),
        "prefixes are never logged: {rest}"
    );
}

#[test]
fn serve_refuses_wrong_datasets() {
    let dir = tempfile::tempdir().unwrap();
    let ntlm = dir.path().join("pwned-ntlm.txt");
    std::fs::write(
        &ntlm,
        format!("{}:12\r\n{}:3\r\n", "0".repeat(32), "F".repeat(32)),
    )
    .unwrap();
    let out = vaultlint()
        .args(["pwned", "serve", "--listen", "127.0.0.1:0", "--dataset"])
        .arg(&ntlm)
        .timeout(Duration::from_secs(20))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("NTLM"));
    let out = vaultlint()
        .args(["pwned", "serve", "--listen", "127.0.0.1:0", "--dataset"])
        .arg(dir.path().join("missing.txt"))
        .timeout(Duration::from_secs(20))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn cache_is_opt_in_private_and_revalidated() {
    let dir = tempfile::tempdir().unwrap();
    let data = sorted_dataset(dir.path(), &[("cached-pw-1", 4), ("cached-pw-2", 8)], 500);
    cover(&data, &["cached-pw-3"]);
    let export = bitwarden_export(
        dir.path(),
        "m",
        &["cached-pw-1", "cached-pw-2", "cached-pw-3"],
    );
    let server = FaultServer::start(&data, |_, _| Fault::Serve);
    let url = server.url();
    let cache = dir.path().join("cache");
    let cache_arg = cache.to_str().unwrap();
    let run = |extra: &[&str]| {
        let mut args = vec![export.to_str().unwrap(), "--pwned-url", &url];
        args.extend_from_slice(extra);
        let (code, report, stderr) = audit_json(&args);
        assert_eq!(code, 1, "{stderr}");
        let got = pwned_by_title(&report);
        assert_eq!(got["m/site1"]["count"], 4);
        assert_eq!(got["m/site2"]["count"], 8);
        assert_eq!(got["m/site3"]["status"], "not_found");
    };

    run(&[]);
    assert!(!cache.exists(), "no cache unless asked");
    assert_eq!(server.requests().len(), 3);

    run(&["--pwned-cache", cache_arg]);
    assert_eq!(server.requests().len(), 6);
    let files: Vec<_> = std::fs::read_dir(&cache)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 3);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&cache).unwrap().permissions().mode() & 0o777,
            0o700
        );
        for f in &files {
            assert_eq!(
                std::fs::metadata(f).unwrap().permissions().mode() & 0o777,
                0o600
            );
            assert_cache_holds_only_the_public_range(f, &data, "cached-pw-3");
        }
    }

    // Fresh: no request at all.
    run(&["--pwned-cache", cache_arg]);
    assert_eq!(server.requests().len(), 6);

    // Stale: revalidated with the ETag; the server's 304 keeps the ranges.
    run(&["--pwned-cache", cache_arg, "--pwned-cache-ttl", "0s"]);
    let requests = server.requests();
    assert_eq!(requests.len(), 9);
    assert!(
        requests[6..]
            .iter()
            .all(|r| r.header("if-none-match") == Some(ETAG))
    );
}

/// A sorted file cut at a line boundary, served: a prefix past the cut is
/// an error status, never an empty 200, so the audit says unknown.
#[test]
fn mirror_of_a_cut_file_answers_an_error_past_the_cut() {
    let dir = tempfile::tempdir().unwrap();
    let (early, late) = ("letmein", "hunter2"); // B7A87..., F3BBB...
    let data = sorted_dataset(dir.path(), &[(early, 5), (late, 17)], 3_000);
    let text = std::fs::read_to_string(&data).unwrap();
    let kept: String = text
        .split_inclusive('\n')
        .take_while(|l| l[..3] < sha1_hex(late)[..3])
        .collect();
    std::fs::write(&data, kept).unwrap();
    let server = mirror(&data, true);
    let (status, _, body) = http_get(
        &server.url(),
        &format!("/range/{}", &sha1_hex(late)[..5]),
        &[("Add-Padding", "true")],
    );
    assert!(
        status >= 500,
        "{status}: {}",
        String::from_utf8_lossy(&body)
    );
    let (status, _, _) = http_get(
        &server.url(),
        &format!("/range/{}", &sha1_hex(early)[..5]),
        &[],
    );
    assert_eq!(status, 200);

    let export = bitwarden_export(dir.path(), "m", &[early, late]);
    let (code, report, stderr) = audit_json(&[
        export.to_str().unwrap(),
        "--pwned-url",
        &server.url(),
        "--pwned-retries",
        "0",
    ]);
    assert_eq!(code, 3, "{stderr}");
    let got = pwned_by_title(&report);
    assert_eq!(got["m/site1"]["count"], 5);
    assert_eq!(got["m/site2"]["status"], "unknown", "{}", got["m/site2"]);
}

/// A cache file holds the server's answer as sent: the prefix's public
/// rows (all of them, as the dataset has them) mixed with the padding the
/// server sent, and nothing derived from the lookup: not which suffix
/// matched, and never the suffix of a password absent from the range.
fn assert_cache_holds_only_the_public_range(
    file: &std::path::Path,
    data: &std::path::Path,
    absent: &str,
) {
    let text = std::fs::read_to_string(file).unwrap();
    let prefix = file.file_stem().unwrap().to_str().unwrap();
    let (head, body) = text.split_once("\n\n").unwrap();
    assert!(head.starts_with("vaultlint-pwned-cache"), "{head}");
    assert!(!head.to_uppercase().contains(prefix), "{head}");
    let rows: Vec<&str> = body.split("\r\n").collect();
    assert!(
        rows.len() >= 850,
        "the whole padded answer is kept: {}",
        rows.len()
    );
    let counted: Vec<String> = rows
        .iter()
        .filter(|r| !r.ends_with(":0"))
        .map(|r| format!("{prefix}{r}"))
        .collect();
    let public: Vec<String> = std::fs::read_to_string(data)
        .unwrap()
        .lines()
        .filter(|l| l.starts_with(prefix))
        .map(str::to_owned)
        .collect();
    assert_eq!(counted, public, "{file:?}");
    assert!(!text.to_uppercase().contains(&sha1_hex(absent)[5..]));
}

/// Reads from `s` until EOF or `limit`; true when the server closed it.
fn closed_within(s: &mut std::net::TcpStream, limit: Duration) -> (bool, Vec<u8>) {
    use std::io::Read;
    s.set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    let deadline = Instant::now() + limit;
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    while Instant::now() < deadline {
        match s.read(&mut buf) {
            Ok(0) => return (true, got),
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(_) => return (true, got),
        }
    }
    (false, got)
}

/// `vaultlint pwned serve` on a free port, at most 4 connections per client,
/// closing idle connections after `idle`: the child and its `host:port`.
fn limited_mirror(data: &std::path::Path, idle: &str) -> (std::process::Child, String) {
    let bin = assert_cmd::cargo::cargo_bin("vaultlint");
    let mut child = Command::new(bin)
        .args(["pwned", "serve", "--dataset"])
        .arg(data)
        .args(["--listen", "127.0.0.1:0", "--idle-timeout", idle])
        .args([
            "--max-connections-per-client",
            "4",
            "--shutdown-timeout",
            "1s",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    stderr.read_line(&mut line).unwrap();
    let addr = line
        .split_whitespace()
        .find_map(|w| w.strip_prefix("http://"))
        .and_then(|w| w.strip_suffix("/range/{prefix}"))
        .unwrap_or_else(|| panic!("no address in: {line}"))
        .to_owned();
    (child, addr)
}

/// The running mirror closes idle and half-sent connections, caps the
/// connections of one client with a 503, and exits on SIGTERM within its
/// deadline although a client sent half a request.
#[test]
fn serve_bounds_connections_and_stops_despite_half_requests() {
    use std::io::Write;
    use std::net::TcpStream;
    let dir = tempfile::tempdir().unwrap();
    let data = full_dataset(dir.path(), &[("password", 7)]);

    // Idle, and half a request: both closed after the idle timeout.
    let (mut child, addr) = limited_mirror(&data, "1s");
    let mut idle = TcpStream::connect(&addr).unwrap();
    let mut half = TcpStream::connect(&addr).unwrap();
    half.write_all(b"GET /range/5BAA6 HTTP/1.1\r\nhost: x\r\n")
        .unwrap();
    let started = Instant::now();
    assert!(
        closed_within(&mut idle, Duration::from_secs(5)).0,
        "idle connection kept open"
    );
    assert!(
        closed_within(&mut half, Duration::from_secs(5)).0,
        "half request kept open"
    );
    assert!(started.elapsed() < Duration::from_secs(5));

    // Four connections from one client at most: the next gets a 503. On a
    // mirror whose idle timeout cannot close the held ones meanwhile. The
    // server counts a connection once it has accepted it, which a loaded
    // machine may do late: a connection still open after a moment was within
    // the limit, so it is held too and the next one tried.
    let (mut limited, laddr) = limited_mirror(&data, "60s");
    let mut held: Vec<TcpStream> = (0..4)
        .map(|_| TcpStream::connect(&laddr).unwrap())
        .collect();
    let answer = loop {
        let mut next = TcpStream::connect(&laddr).unwrap();
        let (closed, answer) = closed_within(&mut next, Duration::from_secs(1));
        if closed {
            break answer;
        }
        assert!(
            held.len() < 8,
            "{} connections open, none refused",
            held.len() + 1
        );
        held.push(next);
    };
    assert!(
        String::from_utf8_lossy(&answer).starts_with("HTTP/1.1 503"),
        "{answer:?}"
    );
    drop(held);
    // The server notices the closed connections asynchronously: poll (a
    // loaded machine may take longer than a fixed sleep).
    let deadline = Instant::now() + Duration::from_secs(5);
    let status = loop {
        let (status, _, _) = http_get(&laddr, "/range/5BAA6", &[]);
        if status == 200 || Instant::now() > deadline {
            break status;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let _ = limited.kill();
    let _ = limited.wait();
    assert_eq!(status, 200, "slots are given back");

    // SIGTERM while a client holds half a request: the mirror still exits.
    let mut stuck = TcpStream::connect(&addr).unwrap();
    stuck
        .write_all(b"GET /range/5BAA6 HTTP/1.1\r\nhost:")
        .unwrap();
    std::thread::sleep(Duration::from_millis(100));
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let deadline = Instant::now() + Duration::from_secs(6);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the mirror did not stop on SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "{status:?}");
    drop(stuck);
}
