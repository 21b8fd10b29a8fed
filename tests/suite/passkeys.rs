//! `passkey_available` through the real binary: every decision branch
//! (passwordless, second factor only, not listed, passkey stored, CSV that
//! cannot tell), `--passkeys FILE`, the credit in every report, and
//! `vaultlint passkeys update` against a local server and offline.

use crate::common;

use std::net::TcpListener;
use std::path::{Path, PathBuf};

use common::vaultlint;

fn audit(files: &[&Path], extra: &[&str]) -> serde_json::Value {
    let out = vaultlint()
        .arg("audit")
        .args(["--format", "json", "--pwned", "off"])
        .args(extra)
        .args(files)
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}", String::from_utf8_lossy(&out.stderr));
    })
}

/// The passkey_available findings of the account titled `title`.
fn findings_of<'a>(doc: &'a serde_json::Value, title: &str) -> Vec<&'a serde_json::Value> {
    let ids: Vec<&str> = doc["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["title"] == title)
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 1, "account {title}");
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["check"] == "passkey_available" && f["severity"] == "low")
        .filter(|f| f["accounts"][0] == ids[0])
        .collect()
}

fn notes(doc: &serde_json::Value) -> Vec<&serde_json::Value> {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["check"] == "passkey_available" && f["severity"] == "info")
        .collect()
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

const BITWARDEN: &str = "folder,favorite,type,name,notes,fields,reprompt,login_uri,login_username,login_password,login_totp\n\
,,login,GitHub,,,0,https://github.com/login,u,Maple-Orbit-44&,\n\
,,login,PayPal,,,0,https://www.paypal.com/signin,u,Cedar-Orbit-45&,\n\
,,login,Microsoft,,,0,https://account.microsoft.com,u,Birch-Orbit-46&,\n\
,,login,Netflix,,,0,https://www.netflix.com,u,Aspen-Orbit-47&,\n\
,,login,Forum,,,0,https://forum.example-anglers.net,u,Alder-Orbit-48&,\n";

#[test]
fn csv_exports_get_a_finding_per_account_and_one_note_per_export() {
    let dir = tempfile::tempdir().unwrap();
    let export = write(dir.path(), "ann.csv", BITWARDEN);
    let doc = audit(&[&export], &["--only", "passkey_available"]);

    let github = findings_of(&doc, "GitHub");
    assert_eq!(github.len(), 1);
    let d = &github[0]["details"];
    assert_eq!(d["support"], "passwordless");
    assert_eq!(d["site"], "GitHub");
    assert_eq!(d["source"], "built_in");
    assert!(d["passkey_stored"].is_null(), "a CSV cannot tell: {d}");
    let text = github[0]["message"].as_str().unwrap();
    assert!(text.contains("instead of the password"), "{text}");
    assert!(
        text.contains("cannot be phished, reused on another site or leaked in a breach"),
        "{text}"
    );
    assert!(text.contains("How: https://docs.github.com/"), "{text}");
    assert!(!text.contains("stores no passkey"), "{text}");

    let paypal = findings_of(&doc, "PayPal");
    assert_eq!(paypal[0]["details"]["support"], "second_factor");
    let text = paypal[0]["message"].as_str().unwrap();
    assert!(text.contains("as a second factor"), "{text}");

    // No entry of its own: the microsoft.com entries (Azure, Microsoft 365,
    // Visual Studio) agree, and the finding names the domain, not one of them.
    let microsoft = findings_of(&doc, "Microsoft");
    assert_eq!(microsoft[0]["details"]["site"], "microsoft.com");

    assert!(
        findings_of(&doc, "Netflix").is_empty(),
        "no passkey support"
    );
    assert!(
        findings_of(&doc, "Forum").is_empty(),
        "not in the directory"
    );

    // Said once for the export, not per account.
    let notes = notes(&doc);
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert_eq!(notes[0]["accounts"].as_array().unwrap().len(), 3);
    let text = notes[0]["message"].as_str().unwrap();
    assert!(text.starts_with("Bitwarden"), "{text}");
    assert!(text.contains("exports do not carry passkeys"), "{text}");
    assert!(text.contains("ann's 3 accounts"), "{text}");

    let ds: Vec<_> = doc["data_sources"].as_array().unwrap().iter().collect();
    assert_eq!(ds.len(), 1, "{ds:?}");
    assert_eq!(ds[0]["licence"], "CC BY 4.0");
    assert_eq!(ds[0]["url"], "https://passkeys.2fa.directory");
    assert!(
        ds[0]["origin"]
            .as_str()
            .unwrap()
            .starts_with("built-in table")
    );
}

/// An API v1 `all.json` in the real shape (keyed by domain, no names,
/// additional domains expanded), with made-up sites.
fn directory_json() -> String {
    serde_json::json!({
        "example-corp.test": {"passwordless": "allowed", "mfa": "allowed",
            "documentation": "https://example-corp.test/help/passkeys"},
        "shop.example": {"passwordless": "allowed"},
        "mail.google.com": {"mfa": "allowed"},
        "github.com": {"contact": {"twitter": "github"}},
        "bank.example": {"mfa": "required", "notes": "Passkeys only as a second factor."}
    })
    .to_string()
}

#[test]
fn a_structured_export_tells_a_stored_passkey_apart() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "passkeys.json", &directory_json());
    let out = vaultlint()
        .args(["audit", "--format", "json", "--pwned", "off"])
        .args(["--only", "passkey_available", "--passkeys"])
        .arg(&file)
        .arg(common::sample("keepass.kdbx"))
        .env("VL_TEST_PW", "vaultlint-sample")
        .args(["--password-env", "VL_TEST_PW"])
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}", String::from_utf8_lossy(&out.stderr));
    });
    // Shop has a passkey stored with it: nothing to say.
    assert!(findings_of(&doc, "Shop").is_empty());
    // The bank accepts a passkey only as a second factor; the vault can tell
    // that none is stored.
    let bank = findings_of(&doc, "Bank");
    assert_eq!(bank.len(), 1);
    assert_eq!(bank[0]["details"]["support"], "second_factor");
    assert_eq!(bank[0]["details"]["passkey_stored"], false);
    assert_eq!(bank[0]["details"]["source"], "file");
    let text = bank[0]["message"].as_str().unwrap();
    assert!(text.contains("this vault stores no passkey"), "{text}");
    // The file answers first: its entry for mail.google.com says second factor.
    assert_eq!(
        findings_of(&doc, "Mail")[0]["details"]["support"],
        "second_factor"
    );
    // ... and GitHub, listed in the file without passkeys, is not flagged
    // although the built-in table lists it.
    assert!(findings_of(&doc, "GitHub").is_empty());
    assert!(notes(&doc).is_empty(), "a KDBX file can show passkeys");
    let origins: Vec<&str> = doc["data_sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["origin"].as_str().unwrap())
        .collect();
    assert!(
        origins[0].contains("passkeys.json (5 sites)"),
        "{origins:?}"
    );
}

#[test]
fn the_credit_is_in_every_report_when_the_check_ran() {
    let sample = common::sample("family/alice.csv");
    for format in ["table", "markdown", "html", "json"] {
        let out = vaultlint()
            .args(["audit", "--pwned", "off", "--format", format])
            .arg(&sample)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("Passkeys Directory"), "{format}");
        // (the table wraps long lines, even inside a URL)
        assert!(text.contains("passkeys.2fa.directory"), "{format}");
        let out = vaultlint()
            .args(["audit", "--pwned", "off", "--skip", "passkey_available"])
            .args(["--format", format])
            .arg(&sample)
            .output()
            .unwrap();
        assert!(
            !String::from_utf8_lossy(&out.stdout).contains("Passkeys Directory"),
            "{format}: credited although the directory was not used"
        );
    }
}

/// Serves `body` at `/v1/all.json` on 127.0.0.1 for `count` requests.
fn serve(body: String, count: usize) -> (String, std::thread::JoinHandle<Vec<String>>) {
    common::serve_json(body, "/v1/all.json", count)
}

#[test]
fn update_downloads_a_directory_that_the_audit_then_uses() {
    let dir = tempfile::tempdir().unwrap();
    let (url, server) = serve(directory_json(), 1);
    let output = dir.path().join("passkeys.json");
    let out = vaultlint()
        .args(["passkeys", "update", "--url", &url, "--output"])
        .arg(&output)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("saved 5 sites (4 accept passkeys)"), "{said}");
    let requests = server.join().unwrap();
    assert!(requests[0].starts_with("GET /v1/all.json "), "{requests:?}");
    assert!(
        requests[0]
            .to_ascii_lowercase()
            .contains("user-agent: vaultlint/"),
        "{requests:?}"
    );
    assert_eq!(std::fs::read_to_string(&output).unwrap(), directory_json());

    let export = write(
        dir.path(),
        "ann.csv",
        "folder,favorite,type,name,notes,fields,reprompt,login_uri,login_username,login_password,login_totp\n\
,,login,Example,,,0,https://www.example-corp.test/login,u,Maple-Orbit-44&,\n\
,,login,PayPal,,,0,https://www.paypal.com,u,Cedar-Orbit-45&,\n",
    );
    let doc = audit(
        &[&export],
        &[
            "--only",
            "passkey_available",
            "--passkeys",
            output.to_str().unwrap(),
        ],
    );
    let example = findings_of(&doc, "Example");
    assert_eq!(example[0]["details"]["source"], "file");
    assert!(
        example[0]["message"]
            .as_str()
            .unwrap()
            .contains("How: https://example-corp.test/help/passkeys")
    );
    // Not in the file: the built-in table still answers.
    assert_eq!(
        findings_of(&doc, "PayPal")[0]["details"]["source"],
        "built_in"
    );
}

#[test]
fn update_offline_fails_clearly_and_the_builtin_table_is_still_used() {
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("passkeys.json");
    std::fs::write(&output, directory_json()).unwrap();
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let out = vaultlint()
        .args(["passkeys", "update", "--url"])
        .arg(format!("http://127.0.0.1:{port}/v1/all.json"))
        .arg("--output")
        .arg(&output)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("download failed"), "{stderr}");
    assert!(stderr.contains("built-in table"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(&output).unwrap(),
        directory_json(),
        "a failed download keeps the old file"
    );
    // Without a file the built-in table answers.
    let export = write(dir.path(), "ann.csv", BITWARDEN);
    let doc = audit(&[&export], &["--only", "passkey_available"]);
    assert_eq!(
        findings_of(&doc, "GitHub")[0]["details"]["source"],
        "built_in"
    );
    // A file that is not a directory is refused, naming it.
    let bad = write(dir.path(), "bad.json", "[\"not\", \"a directory\"]");
    let out = vaultlint()
        .args(["audit", "--passkeys"])
        .arg(&bad)
        .arg(&export)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bad.json"));
}
