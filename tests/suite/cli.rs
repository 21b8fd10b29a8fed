//! CLI tests of the foundation: exit codes, input errors, the JSON contract,
//! reuse groups, and that no secret reaches any output.

use crate::common;

use common::{audit, audit_json, sample, vaultlint};
use predicates::prelude::*;
use sha1::{Digest, Sha1};
use std::io::Write;

fn family(name: &str) -> String {
    sample(&format!("family/{name}.csv")).display().to_string()
}

fn temp_csv(content: &[u8]) -> tempfile::NamedTempFile {
    let mut f = tempfile::Builder::new().suffix(".csv").tempfile().unwrap();
    f.write_all(content).unwrap();
    f
}

#[test]
fn help_and_version() {
    vaultlint()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("audit").and(predicate::str::contains("Exit codes")));
    vaultlint()
        .args(["audit", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("--fail-on").and(predicate::str::contains("NAME=PATH")));
    vaultlint()
        .arg("--version")
        .assert()
        .success()
        .stdout(predicate::str::contains(env!("CARGO_PKG_VERSION")));
}

#[test]
fn formats_lists_every_format_with_its_header() {
    let out = vaultlint().arg("formats").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for f in vaultlint::import::FORMATS {
        assert!(text.contains(f.id()), "formats output lacks {}", f.id());
    }
    assert!(text.contains("login_password"));
    assert!(text.contains("generic"));
}

#[test]
fn reuse_groups_and_exit_code_on_the_family() {
    let (doc, code) = audit_json(&[&family("alice"), &family("bob")]);
    assert_eq!(code, 1, "high findings fail by default");
    assert_eq!(doc["summary"]["exit_code"], 1);
    let accounts = doc["accounts"].as_array().unwrap();
    let title_of = |id: &serde_json::Value| {
        let a = accounts.iter().find(|a| a["id"] == *id).unwrap();
        format!(
            "{}/{}",
            a["member"].as_str().unwrap(),
            a["title"].as_str().unwrap()
        )
    };
    let mut groups: Vec<(String, Vec<String>)> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["check"].as_str().unwrap().starts_with("reuse"))
        .map(|f| {
            let mut names: Vec<String> = f["accounts"]
                .as_array()
                .unwrap()
                .iter()
                .map(title_of)
                .collect();
            names.sort();
            (f["check"].as_str().unwrap().to_owned(), names)
        })
        .collect();
    groups.sort();
    assert_eq!(
        groups,
        vec![
            (
                "reuse".into(),
                vec!["alice/Amazon".into(), "alice/Netflix".into()]
            ),
            (
                "reuse".into(),
                vec!["bob/Outlook".into(), "bob/Yahoo Mail".into()]
            ),
            (
                "reuse_across_members".into(),
                vec![
                    "alice/Amazon".into(),
                    "alice/Netflix".into(),
                    "bob/Netflix".into()
                ]
            ),
        ]
    );
}

const COLUMNS: &str = "title=name,url=url,username=username,password=password";

#[test]
fn a_login_shared_between_members_alone_is_info() {
    let a = temp_csv(b"name,url,username,password\nNetflix,https://www.netflix.com/login,fam@example.org,Shared-Secret-9\n");
    let b = temp_csv(b"name,url,username,password\nnetflix,https://netflix.com/,FAM@example.org,Shared-Secret-9\n");
    let a_arg = format!("ann={}", a.path().display());
    let b_arg = format!("ben={}", b.path().display());
    let (doc, code) = audit_json(&["--columns", COLUMNS, &a_arg, &b_arg]);
    assert_eq!(code, 0);
    let findings = doc["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0]["check"], "reuse_across_members");
    assert_eq!(findings[0]["severity"], "info");
    assert_eq!(doc["summary"]["members"].as_array().unwrap().len(), 2);
}

#[test]
fn affiliated_duplicate_rows_are_not_reuse() {
    // Chrome writes one row per affiliated domain of one credential.
    let f = temp_csv(
        b"name,url,username,password\n\
amazon.com,https://www.amazon.com/ap/signin,ann@example.org,Same-Cred-77\n\
amazon.co.uk,https://www.amazon.co.uk/ap/signin,ann@example.org,Same-Cred-77\n\
ebay.com,https://signin.ebay.com/,ann@example.org,Other-Cred-88\n",
    );
    let path = f.path().display().to_string();
    // Only reuse: the recovery check rightly reports ann@example.org as a hub.
    let (doc, code) = audit_json(&["--columns", COLUMNS, &path, "--only", "reuse"]);
    assert_eq!(code, 0);
    assert_eq!(doc["findings"].as_array().unwrap().len(), 0);
    assert_eq!(
        doc["summary"]["accounts"], 3,
        "every row is still an account"
    );
}

#[test]
fn fail_on_and_exit_zero() {
    let alice = family("alice");
    // Medium findings exist (insecure http://), high ones too.
    audit(&[&alice, "--fail-on", "critical"]).assert().code(0);
    audit(&[&alice, "--fail-on", "medium"]).assert().code(1);
    audit(&[&alice, "--exit-zero"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("reuse"));
    audit(&[&alice, "--fail-on", "severe"]).assert().code(2);
}

#[test]
fn input_errors_exit_2_naming_the_file_and_line() {
    audit(&["/nonexistent/export.csv"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("/nonexistent/export.csv"));
    let empty = temp_csv(b"");
    audit(&[&empty.path().display().to_string()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("empty"));
    let unknown = temp_csv(b"alpha,beta,gamma\n1,2,3\n");
    audit(&[&unknown.path().display().to_string()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(":1:").and(predicate::str::contains("--input-format")));
    let unclosed = temp_csv(b"name,url,username,password\nx,https://x.example,u,\"open\n");
    let path = unclosed.path().display().to_string();
    let out = audit(&["--columns", COLUMNS, &path]).output().unwrap();
    assert!(
        matches!(out.status.code(), Some(0..=2)),
        "no crash on an unclosed quote"
    );
    audit(&["x.csv", "--only", "nonsense"]).assert().code(2);
    audit(&["x.csv", "--input-format", "nonsense"])
        .assert()
        .code(2);
    audit(&["x.csv", "--columns", "title=A"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("password"));
    vaultlint().arg("audit").assert().code(2);
}

#[test]
fn header_only_and_ragged_rows_are_counted_not_fatal() {
    let header_only = temp_csv(b"folder,favorite,type,name,notes,fields,reprompt,login_uri,login_username,login_password,login_totp\r\n");
    let path = header_only.path().display().to_string();
    let (doc, code) = audit_json(&[&path]);
    assert_eq!(code, 0);
    assert_eq!(doc["sources"][0]["format"], "bitwarden");
    assert_eq!(doc["sources"][0]["rows"], 0);
    assert_eq!(doc["summary"]["accounts"], 0);

    let ragged = temp_csv(
        b"folder,favorite,type,name,notes,fields,reprompt,login_uri,login_username,login_password,login_totp\r\n\
,,login,Good,,,0,https://a.example,u,Pw-Good-1,\r\n\
,,login,Short\r\n",
    );
    let path = ragged.path().display().to_string();
    let (doc, code) = audit_json(&[&path]);
    assert_eq!(code, 3, "the unread row leaves the audit incomplete");
    assert_eq!(doc["sources"][0]["rows"], 2);
    assert_eq!(doc["sources"][0]["skipped"], 1);
    assert_eq!(doc["sources"][0]["skipped_rows"][0]["line"], 3);
    audit(&[&path])
        .assert()
        .stdout(predicate::str::contains("skipped line 3"));
    audit(&[&path, "--format", "json"])
        .assert()
        .stderr(predicate::str::contains("1 row skipped"));
}

#[test]
fn json_contract_has_the_documented_shape() {
    let (doc, _) = audit_json(&[&format!("alice={}", family("alice"))]);
    assert_eq!(doc["schema_version"], 2);
    assert_eq!(doc["tool"]["name"], "vaultlint");
    assert_eq!(doc["tool"]["version"], env!("CARGO_PKG_VERSION"));
    let src = &doc["sources"][0];
    for key in [
        "path", "member", "format", "rows", "accounts", "skipped", "warnings",
    ] {
        assert!(!src[key].is_null(), "sources[].{key} missing");
    }
    assert_eq!(src["member"], "alice");
    let account = &doc["accounts"][0];
    for key in [
        "id", "member", "source", "row", "title", "url", "domain", "username", "has_totp",
    ] {
        assert!(account.get(key).is_some(), "accounts[].{key} missing");
    }
    assert_eq!(account["domain"], "google.com");
    assert_eq!(account["has_totp"], true);
    let ids: Vec<&str> = doc["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    let mut unique = ids.clone();
    unique.dedup();
    assert_eq!(ids.len(), unique.len(), "account ids are unique");
    for f in doc["findings"].as_array().unwrap() {
        for key in [
            "id",
            "check",
            "severity",
            "accounts",
            "message",
            "fingerprint",
        ] {
            assert!(!f[key].is_null(), "findings[].{key} missing");
        }
        for a in f["accounts"].as_array().unwrap() {
            assert!(
                ids.contains(&a.as_str().unwrap()),
                "finding names an unknown account"
            );
        }
    }
    let summary = &doc["summary"];
    assert!(summary["by_check"].is_object());
    assert!(summary["by_severity"]["high"].as_u64().unwrap() >= 1);
    assert_eq!(summary["fail_on"], "high");
}

#[test]
fn fingerprints_are_stable_across_runs_and_row_moves() {
    let (first, _) = audit_json(&[&family("alice")]);
    let (second, _) = audit_json(&[&family("alice")]);
    let prints = |d: &serde_json::Value| {
        let mut v: Vec<String> = d["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["fingerprint"].as_str().unwrap().to_owned())
            .collect();
        v.sort();
        v
    };
    assert_eq!(prints(&first), prints(&second));

    // Reversing the data rows keeps every finding's fingerprint.
    let text = std::fs::read_to_string(family("alice")).unwrap();
    let mut lines = text.split("\r\n");
    let header = lines.next().unwrap().to_owned();
    let rows: Vec<String> = {
        // Records may span lines (quoted notes): re-split with the csv crate.
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(text.as_bytes());
        rdr.records()
            .map(|r| {
                let mut w = csv::WriterBuilder::new()
                    .terminator(csv::Terminator::CRLF)
                    .from_writer(vec![]);
                w.write_record(&r.unwrap()).unwrap();
                String::from_utf8(w.into_inner().unwrap()).unwrap()
            })
            .collect()
    };
    let reversed: String = std::iter::once(format!("{header}\r\n"))
        .chain(rows.into_iter().rev())
        .collect();
    let moved = temp_csv(reversed.as_bytes());
    let moved_arg = format!("alice={}", moved.path().display());
    let (third, _) = audit_json(&[&moved_arg]);
    assert_eq!(prints(&first), prints(&third));
}

#[test]
fn output_file_and_colour_rules() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.json");
    audit(&[
        &family("alice"),
        "--format",
        "json",
        "-o",
        &out.display().to_string(),
    ])
    .assert()
    .code(1)
    .stdout(predicate::str::is_empty());
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(doc["schema_version"], 2);
    // Not a terminal, NO_COLOR set: no escape sequences.
    audit(&[&family("alice")])
        .assert()
        .stdout(predicate::str::contains("\u{1b}[").not());
    audit(&[&family("alice"), "--color", "always"])
        .assert()
        .stdout(predicate::str::contains("\u{1b}["));
}

#[test]
fn hostile_cells_cannot_drive_the_terminal() {
    let f = temp_csv(
        b"name,url,username,password\n\"Evil\x1b]0;pwned\x07\x1b[2J\",https://e.example,\"u\x1b[31m\",Secret-Value-1\nDup,https://f.example,u2,Secret-Value-1\n",
    );
    let path = f.path().display().to_string();
    let out = audit(&["--columns", COLUMNS, &path]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Evil"));
    assert!(!text.contains('\u{1b}'), "escape sequences stripped");
    assert!(!text.contains('\u{7}'));
}

#[test]
fn no_secret_reaches_any_output() {
    let files = [family("alice"), family("bob")];
    let mut secrets: Vec<String> = Vec::new();
    for f in &files {
        secrets.extend(common::secrets_of(std::path::Path::new(f)));
    }
    assert!(secrets.len() > 15);
    let mut outputs = Vec::new();
    for format in ["table", "json"] {
        let out = audit(&[&files[0], &files[1], "--format", format])
            .output()
            .unwrap();
        outputs.push(String::from_utf8_lossy(&out.stdout).into_owned());
        outputs.push(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    for secret in secrets.iter().filter(|s| s.chars().count() >= 6) {
        let sha = hex::encode(Sha1::digest(secret.as_bytes()));
        for text in &outputs {
            assert!(
                !text.contains(secret.as_str()),
                "a password or TOTP secret leaked"
            );
            assert!(!text.to_lowercase().contains(&sha), "a full SHA-1 leaked");
        }
    }
}

#[test]
fn unreadable_rows_make_every_check_incomplete() {
    let ragged = temp_csv(
        b"folder,favorite,type,name,notes,fields,reprompt,login_uri,login_username,login_password,login_totp\r\n\
,,login,Good,,,0,https://a.example,u,Pw-Good-1-xyzzy-Long,\r\n\
,,login,Short\r\n\
,,login,Other,,,0,https://b.example,v,Pw-Other-2-plugh-Long,\r\n",
    );
    let path = ragged.path().display().to_string();
    let (doc, code) = audit_json(&[&path]);
    assert_eq!(
        code, 3,
        "a row that could not be read leaves the audit incomplete"
    );
    assert_eq!(doc["summary"]["incomplete"], true);
    let verdict = &doc["summary"]["verdict"];
    assert_eq!(verdict["status"], "incomplete");
    let reason = verdict["reasons"][0].as_str().unwrap();
    assert!(
        reason.contains("1 row could not be read (line 3)"),
        "{reason}"
    );
    for run in doc["checks"].as_array().unwrap() {
        if run["status"] == "skipped" {
            assert_eq!(run["rows_not_checked"], 0, "{run}");
            continue;
        }
        assert_eq!(run["status"], "incomplete", "{run}");
        assert_eq!(run["rows_not_checked"], 1, "{run}");
        let note = run["note"].as_str().unwrap();
        assert!(
            note.contains("1 row could not be read and was not checked"),
            "{note}"
        );
    }
    // --allow-incomplete: the exit code follows the findings (none here),
    // the verdict still says incomplete.
    let (doc, code) = audit_json(&[&path, "--allow-incomplete"]);
    assert_eq!(code, 0);
    assert_eq!(doc["summary"]["verdict"]["status"], "incomplete");
    for format in ["table", "markdown", "html"] {
        let out = audit(&[&path, "--format", format]).output().unwrap();
        assert_eq!(out.status.code(), Some(3), "{format}");
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains("INCOMPLETE"), "{format}: {text}");
        assert!(
            text.contains("line 3"),
            "{format} lists the skipped line: {text}"
        );
    }
    let out = audit(&[&path, "--format", "junit"]).output().unwrap();
    let xml = String::from_utf8(out.stdout).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let reuse = doc
        .descendants()
        .find(|n| n.has_tag_name("testcase") && n.attribute("name") == Some("reuse ran"))
        .unwrap();
    assert!(
        reuse.children().any(|c| c.has_tag_name("error")),
        "unknown is not a pass"
    );
}

/// Nothing that drives a terminal or hides text: escapes, bell, bidi
/// controls, zero-width and line-separator characters.
fn assert_inert(text: &str) {
    for c in [
        '\u{1b}', '\u{7}', '\u{9b}', '\u{202e}', '\u{2066}', '\u{061c}', '\u{200b}', '\u{200d}',
        '\u{2028}', '\u{2029}', '\u{feff}',
    ] {
        assert!(
            !text.contains(c),
            "U+{:04X} reached stderr: {text:?}",
            c as u32
        );
    }
}

#[test]
fn input_quoted_on_stderr_is_sanitised() {
    // A recovery inventory whose header holds OSC 52 (clipboard write), BEL
    // and a screen clear.
    let dir = tempfile::tempdir().unwrap();
    let inv = dir.path().join("inv.csv");
    std::fs::write(
        &inv,
        "site,\u{1b}]52;c;cHduZWQ=\u{7}\u{1b}[2J\u{202e}where\u{200b}\r\ngithub,safe\r\n",
    )
    .unwrap();
    let out = audit(&[
        &family("alice"),
        "--recovery-inventory",
        &inv.display().to_string(),
    ])
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("inv.csv:1: unknown column"), "{err}");
    assert_inert(&err);
    // A file name is input too.
    let hostile = dir
        .path()
        .join("ex\u{1b}]0;title\u{7}\u{2028}\u{feff}\u{2029}\u{061c}port.csv");
    let out = audit(&[&hostile.display().to_string()]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("cannot read"), "{err}");
    assert_inert(&err);
}

#[test]
fn strength_does_not_disclose_the_password_length() {
    let (doc, _) = audit_json(&[&family("alice")]);
    let mut seen = 0;
    for a in doc["accounts"].as_array().unwrap() {
        let Some(strength) = a["strength"].as_object() else {
            continue;
        };
        seen += 1;
        let mut keys: Vec<&str> = strength.keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "crack_time",
                "crack_time_seconds",
                "cut_for_scoring",
                "guesses_log10",
                "score",
                "suggestions",
                "warning"
            ],
            "no count of scored characters (it equals the length)"
        );
        assert!(strength["cut_for_scoring"].is_boolean());
    }
    assert!(seen > 5);
}

#[cfg(unix)]
#[test]
fn report_files_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    for format in ["json", "table", "html"] {
        let out = dir.path().join(format!("report.{format}"));
        audit(&[
            &family("alice"),
            "--format",
            format,
            "-o",
            &out.display().to_string(),
        ])
        .assert()
        .code(1);
        let mode = std::fs::metadata(&out).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{format}: mode {mode:o}");
    }
    // A report written over an existing, readable file is made private too.
    let existing = dir.path().join("old.json");
    std::fs::write(&existing, "old").unwrap();
    std::fs::set_permissions(&existing, std::fs::Permissions::from_mode(0o644)).unwrap();
    audit(&[
        &family("alice"),
        "--format",
        "json",
        "-o",
        &existing.display().to_string(),
    ])
    .assert()
    .code(1);
    let mode = std::fs::metadata(&existing).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "mode {mode:o}");
    let doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&existing).unwrap()).unwrap();
    assert_eq!(doc["schema_version"], 2, "the old content is replaced");
}
