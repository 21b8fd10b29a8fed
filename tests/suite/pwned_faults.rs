//! The online client against a fault-injecting range server on 127.0.0.1:
//! transient faults are retried and end with the right counts; persistent
//! ones end `unknown` with exit 3, never `not_found`; requests carry only
//! `/range/XXXXX` and the padding header; concurrency stays bounded.

use crate::pwned_support;

use std::collections::BTreeSet;
use std::time::Duration;

use pwned_support::*;

/// Fast retries for tests.
const FAST: &[&str] = &[
    "--pwned-backoff",
    "20ms",
    "--pwned-timeout",
    "400ms",
    "--pwned-connect-timeout",
    "400ms",
];

fn prefix(password: &str) -> String {
    sha1_hex(password)[..5].to_owned()
}

fn assert_distinct_prefixes(passwords: &[&str]) {
    let set: BTreeSet<String> = passwords.iter().map(|p| prefix(p)).collect();
    assert_eq!(
        set.len(),
        passwords.len(),
        "test passwords must not share a prefix"
    );
}

/// Every request is a bare `GET /range/XXXXX` with the padding header, our
/// User-Agent, and nothing that could identify the user or the password.
fn assert_requests_reveal_only_prefixes(server: &FaultServer, passwords: &[&str]) {
    let allowed = [
        "host",
        "user-agent",
        "add-padding",
        "accept",
        "accept-encoding",
        "if-none-match",
    ];
    let requests = server.requests();
    assert!(!requests.is_empty());
    for r in &requests {
        assert_eq!(r.method, "GET", "{}", r.raw);
        let p = r
            .prefix()
            .unwrap_or_else(|| panic!("not a range request: {}", r.raw));
        assert!(
            p.len() == 5
                && p.bytes()
                    .all(|c| c.is_ascii_digit() || (b'A'..=b'F').contains(&c)),
            "prefix must be 5 uppercase hex: {}",
            r.raw
        );
        assert_eq!(r.header("add-padding"), Some("true"), "{}", r.raw);
        assert_eq!(
            r.header("user-agent"),
            Some(concat!("vaultlint/", env!("CARGO_PKG_VERSION"))),
        );
        let encodings = r.header("accept-encoding").unwrap_or_default();
        assert!(encodings.contains("gzip"), "{encodings}");
        for (name, _) in &r.headers {
            assert!(allowed.contains(&name.as_str()), "unexpected header {name}");
        }
        for pw in passwords {
            let full = sha1_hex(pw);
            assert!(
                !r.raw.to_uppercase().contains(&full[5..]),
                "a hash suffix was sent"
            );
            assert!(!r.raw.contains(pw), "a password was sent");
        }
        assert!(!r.raw.contains("user1") && !r.raw.contains("example.com"));
    }
}

#[test]
fn transient_faults_are_retried_and_counts_are_right() {
    let dir = tempfile::tempdir().unwrap();
    let cases: &[(&str, u64)] = &[
        ("served-first-time", 5),
        ("fails-500-once", 11),
        ("fails-503-twice", 12),
        ("rate-limited-429", 13),
        ("body-cut-off", 14),
        ("malformed-line", 15),
        ("connection-dropped", 16),
        ("slower-than-timeout", 17),
    ];
    let absent = "never-breached-Qx7!";
    let mut passwords: Vec<&str> = cases.iter().map(|c| c.0).collect();
    passwords.push(absent);
    assert_distinct_prefixes(&passwords);
    let data = sorted_dataset(dir.path(), cases, 3000);
    cover(&data, &[absent]);
    let export = bitwarden_export(dir.path(), "member", &passwords);

    let p = |s: &str| prefix(s);
    let (p500, p503, p429, pcut, pbad, pdrop, pslow) = (
        p("fails-500-once"),
        p("fails-503-twice"),
        p("rate-limited-429"),
        p("body-cut-off"),
        p("malformed-line"),
        p("connection-dropped"),
        p("slower-than-timeout"),
    );
    let server = FaultServer::start(&data, move |prefix, n| match () {
        _ if prefix == p500 && n == 0 => Fault::Status(500, vec![]),
        _ if prefix == p503 && n < 2 => Fault::Status(503, vec![]),
        _ if prefix == p429 && n == 0 => Fault::Status(429, vec![("retry-after", "1".into())]),
        _ if prefix == pcut && n == 0 => Fault::Truncate,
        _ if prefix == pbad && n == 0 => Fault::Malformed,
        _ if prefix == pdrop && n == 0 => Fault::Drop,
        _ if prefix == pslow && n == 0 => Fault::Delay(Duration::from_millis(1500)),
        _ => Fault::Serve,
    });

    let url = server.url();
    let mut args = vec![
        export.to_str().unwrap(),
        "--pwned-url",
        &url,
        "--pwned-retries",
        "3",
    ];
    args.extend_from_slice(FAST);
    let (code, report, stderr) = audit_json(&args);

    let check = pwned_check(&report);
    assert_eq!(check["status"], "complete", "{check} {stderr}");
    assert_eq!(code, 1, "exposed passwords are high findings; {stderr}");
    let got = pwned_by_title(&report);
    for (i, (pw, count)) in cases.iter().enumerate() {
        let r = &got[&format!("member/site{}", i + 1)];
        assert_eq!(r["status"], "exposed", "{pw}: {r}");
        assert_eq!(r["count"], *count, "{pw}: {r}");
    }
    let r = &got[&format!("member/site{}", passwords.len())];
    assert_eq!(
        (r["status"].as_str(), r["count"].as_u64()),
        (Some("not_found"), Some(0))
    );

    let per = server.per_prefix();
    let tries = |pw: &str| per[&prefix(pw)].len();
    assert_eq!(tries("served-first-time"), 1);
    assert_eq!(tries(absent), 1);
    for pw in [
        "fails-500-once",
        "rate-limited-429",
        "body-cut-off",
        "malformed-line",
        "connection-dropped",
        "slower-than-timeout",
    ] {
        assert_eq!(tries(pw), 2, "{pw} is retried once");
    }
    assert_eq!(tries("fails-503-twice"), 3);
    let limited = &per[&prefix("rate-limited-429")];
    let waited = limited[1].at - limited[0].at;
    assert!(
        waited >= Duration::from_millis(950),
        "Retry-After: 1 was not honoured ({waited:?})"
    );
    assert_requests_reveal_only_prefixes(&server, &passwords);
}

#[test]
fn persistent_faults_end_unknown_and_exit_3() {
    let dir = tempfile::tempdir().unwrap();
    let cases: &[(&str, u64)] = &[
        ("always-500", 3),
        ("always-malformed", 4),
        ("always-dropped", 5),
        ("always-cut-off", 6),
        ("answered-404", 7),
        ("wait-an-hour", 8),
        ("fine-password-X", 9),
    ];
    let passwords: Vec<&str> = cases.iter().map(|c| c.0).collect();
    assert_distinct_prefixes(&passwords);
    let data = sorted_dataset(dir.path(), cases, 1000);
    let export = bitwarden_export(dir.path(), "member", &passwords);
    let (p500, pbad, pdrop, pcut, p404, phour) = (
        prefix("always-500"),
        prefix("always-malformed"),
        prefix("always-dropped"),
        prefix("always-cut-off"),
        prefix("answered-404"),
        prefix("wait-an-hour"),
    );
    let server = FaultServer::start(&data, move |prefix, _| match () {
        _ if prefix == p500 => Fault::Status(500, vec![]),
        _ if prefix == pbad => Fault::Malformed,
        _ if prefix == pdrop => Fault::Drop,
        _ if prefix == pcut => Fault::Truncate,
        _ if prefix == p404 => Fault::Status(404, vec![]),
        _ if prefix == phour => Fault::Status(429, vec![("retry-after", "3600".into())]),
        _ => Fault::Serve,
    });
    let url = server.url();
    let mut args = vec![
        export.to_str().unwrap(),
        "--pwned-url",
        &url,
        "--pwned-retries",
        "2",
    ];
    args.extend_from_slice(FAST);

    let (code, report, stderr) = audit_json(&args);
    assert_eq!(code, 3, "{stderr}");
    assert_eq!(report["summary"]["incomplete"], true);
    let check = pwned_check(&report);
    assert_eq!(check["status"], "incomplete");
    let note = check["note"].as_str().unwrap();
    assert!(
        note.starts_with("6 of 7 account(s) could not be checked"),
        "{note}"
    );
    for i in 1..=6 {
        let label = format!("member: site{i}");
        assert!(note.contains(&label), "{note}");
    }
    let got = pwned_by_title(&report);
    for i in 1..=6 {
        let r = &got[&format!("member/site{i}")];
        assert_eq!(r["status"], "unknown", "{r}");
        assert!(r["count"].is_null(), "{r}");
        assert!(!r["reason"].as_str().unwrap().is_empty(), "{r}");
    }
    let reason = |i: usize| {
        got[&format!("member/site{i}")]["reason"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert!(
        reason(1).contains("HTTP 500") && reason(1).contains("3 attempts"),
        "{}",
        reason(1)
    );
    assert!(reason(2).contains("not a range"), "{}", reason(2));
    assert!(
        reason(5).contains("HTTP 404") && !reason(5).contains("attempt"),
        "{}",
        reason(5)
    );
    assert!(reason(6).contains("asked to wait 3600 s"), "{}", reason(6));
    assert_eq!(got["member/site7"]["status"], "exposed");

    let per = server.per_prefix();
    for pw in [
        "always-500",
        "always-malformed",
        "always-dropped",
        "always-cut-off",
    ] {
        assert_eq!(per[&prefix(pw)].len(), 3, "{pw}: 1 + 2 retries");
    }
    assert_eq!(per[&prefix("answered-404")].len(), 1, "404 is not retried");
    assert_eq!(
        per[&prefix("wait-an-hour")].len(),
        1,
        "too long a Retry-After is not waited"
    );
    assert_requests_reveal_only_prefixes(&server, &passwords);

    // --allow-incomplete: the exit code then follows the findings, and the
    // report still says unknown.
    let mut lenient = args.clone();
    lenient.push("--allow-incomplete");
    let (code, report, _) = audit_json(&lenient);
    assert_eq!(code, 1);
    assert_eq!(pwned_by_title(&report)["member/site1"]["status"], "unknown");

    // The terminal report says so too.
    let out = vaultlint().arg("audit").args(&args).output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("check pwned INCOMPLETE"), "{text}");
    assert!(
        text.contains("INCOMPLETE: some checks could not finish"),
        "{text}"
    );
}

#[test]
fn unreachable_server_is_unknown_not_safe() {
    let dir = tempfile::tempdir().unwrap();
    let export = bitwarden_export(dir.path(), "member", &["hunter2"]);
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let mut args = vec![
        export.to_str().unwrap(),
        "--pwned-url",
        &url,
        "--pwned-retries",
        "1",
    ];
    args.extend_from_slice(FAST);
    let (code, report, _) = audit_json(&args);
    assert_eq!(code, 3);
    let r = &pwned_by_title(&report)["member/site1"];
    assert_eq!(r["status"], "unknown");
    assert!(
        r["reason"].as_str().unwrap().contains("could not connect"),
        "{r}"
    );
}

#[test]
fn one_request_per_prefix_and_bounded_concurrency() {
    let dir = tempfile::tempdir().unwrap();
    let distinct: Vec<String> = (0..10).map(|i| format!("distinct-pw-{i}")).collect();
    let mut passwords: Vec<&str> = distinct.iter().map(String::as_str).collect();
    passwords.extend(["distinct-pw-1", "distinct-pw-2", "distinct-pw-1"]);
    let prefixes: BTreeSet<String> = passwords.iter().map(|p| prefix(p)).collect();
    let data = sorted_dataset(dir.path(), &[("distinct-pw-1", 3)], 500);
    cover(&data, &passwords);
    let export = bitwarden_export(dir.path(), "member", &passwords);
    let server = FaultServer::start(&data, |_, _| Fault::Delay(Duration::from_millis(120)));
    let url = server.url();
    let (code, report, stderr) = audit_json(&[
        export.to_str().unwrap(),
        "--pwned-url",
        &url,
        "--pwned-concurrency",
        "3",
        "--pwned-timeout",
        "5s",
    ]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        server.requests().len(),
        prefixes.len(),
        "one request per distinct prefix"
    );
    let max = server
        .max_in_flight
        .load(std::sync::atomic::Ordering::SeqCst);
    assert!((2..=3).contains(&max), "in flight at once: {max}");
    let got = pwned_by_title(&report);
    let exposed = got.values().filter(|r| r["status"] == "exposed").count();
    assert_eq!(exposed, 3, "distinct-pw-1 is used by three accounts");
}

/// A 200 with an empty body although padding was asked for (a captive
/// portal, a proxy): unknown, never "no breach".
#[test]
fn empty_answer_is_unknown_not_safe() {
    let dir = tempfile::tempdir().unwrap();
    let data = sorted_dataset(dir.path(), &[("hunter2", 7)], 200);
    cover(&data, &["never-breached-Qx7!"]);
    let export = bitwarden_export(dir.path(), "member", &["hunter2", "never-breached-Qx7!"]);
    let server = FaultServer::start(&data, |_, _| Fault::Empty);
    let url = server.url();
    let mut args = vec![
        export.to_str().unwrap(),
        "--pwned-url",
        &url,
        "--pwned-retries",
        "1",
    ];
    args.extend_from_slice(FAST);
    let (code, report, stderr) = audit_json(&args);
    assert_eq!(code, 3, "{stderr}");
    for (k, r) in pwned_by_title(&report) {
        assert_eq!(r["status"], "unknown", "{k}: {r}");
        assert!(
            r["reason"].as_str().unwrap().contains("no rows"),
            "{k}: {r}"
        );
    }
}

/// A gzip bomb (64 MiB once inflated, for every prefix at once): the
/// client stops reading past its cap and says unknown, without retrying.
#[test]
fn gzip_bomb_is_cut_short_and_unknown() {
    let dir = tempfile::tempdir().unwrap();
    let data = sorted_dataset(dir.path(), &[("hunter2", 7)], 200);
    let export = bitwarden_export(dir.path(), "member", &["hunter2"]);
    let server = FaultServer::start(&data, |_, _| Fault::GzipBomb(64));
    let url = server.url();
    // A generous timeout: on a loaded machine the bomb may take longer than
    // FAST's 400 ms to arrive, and a timeout is rightly retried.
    let args = vec![
        export.to_str().unwrap(),
        "--pwned-url",
        &url,
        "--pwned-retries",
        "2",
        "--pwned-backoff",
        "20ms",
        "--pwned-timeout",
        "30s",
    ];
    let (code, report, stderr) = audit_json(&args);
    assert_eq!(code, 3, "{stderr}");
    let r = &pwned_by_title(&report)["member/site1"];
    assert_eq!(r["status"], "unknown", "{r}");
    assert!(r["reason"].as_str().unwrap().contains("larger than"), "{r}");
    assert_eq!(server.requests().len(), 1, "a bomb is not asked for again");
}

/// No network (connection refused): one probe, then every account unknown
/// at once with what to do, instead of a minute of retries; accounts are
/// named as the table names them.
#[test]
fn refused_connection_fails_fast_and_says_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let passwords: Vec<String> = (0..40).map(|i| format!("offline-pw-{i}")).collect();
    let refs: Vec<&str> = passwords.iter().map(String::as_str).collect();
    let export = bitwarden_export(dir.path(), "member", &refs);
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let started = std::time::Instant::now();
    // Default retries (4) and backoff (500ms): retrying would take seconds.
    let (code, report, stderr) = audit_json(&[export.to_str().unwrap(), "--pwned-url", &url]);
    let took = started.elapsed();
    assert_eq!(code, 3, "{stderr}");
    assert!(took < Duration::from_secs(3), "took {took:?}");
    for r in pwned_by_title(&report).values() {
        assert_eq!(r["status"], "unknown", "{r}");
    }
    let note = pwned_check(&report)["note"].as_str().unwrap().to_owned();
    for says in [
        "--pwned off",
        "VAULTLINT_PWNED=off",
        "--pwned-dataset",
        "member: site1",
    ] {
        assert!(note.contains(says), "{says}: {note}");
    }
    assert!(
        !note.contains("A1,"),
        "accounts are named, not numbered: {note}"
    );
}
