//! Structured exports read directly (Bitwarden JSON plain and encrypted,
//! 1Password 1PUX, Proton Pass zip/JSON, CXF, Enpass and Dashlane JSON):
//! the project's own samples through the real binary, history-aware reuse,
//! wrong passwords and damaged files, and, when ../shared/ exists, the
//! public fixtures of ../shared/fixtures/structured/ with their counts.

use crate::common;

use predicates::prelude::*;
use vaultlint::import::bitwarden_json::{Protect, encrypt};
use vaultlint::import::{FormatChoice, load_file_with};

const SAMPLE_PASSWORD: &str = "vaultlint-sample";

use crate::common::with_password;

fn findings<'a>(doc: &'a serde_json::Value, check: &str) -> Vec<&'a serde_json::Value> {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["check"] == check)
        .collect()
}

fn account<'a>(doc: &'a serde_json::Value, title: &str) -> &'a serde_json::Value {
    doc["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"] == title)
        .unwrap_or_else(|| panic!("no account {title}"))
}

#[test]
fn bitwarden_json_sample_finds_rotation_by_tweak_and_reuse_with_history() {
    let path = common::sample("bitwarden.json");
    let (doc, code) = common::audit_json(&[path.to_str().unwrap()]);
    assert_eq!(code, 1);
    let src = &doc["sources"][0];
    assert_eq!(src["format"], "bitwarden-json");
    assert_eq!(
        (src["rows"].as_u64(), src["accounts"].as_u64()),
        (Some(6), Some(4))
    );
    assert_eq!(src["deleted"], 1);
    let rot = findings(&doc, "rotation_by_tweak");
    assert_eq!(rot.len(), 1, "{rot:?}");
    let gh = account(&doc, "GitHub");
    assert_eq!(rot[0]["accounts"], serde_json::json!([gh["id"]]));
    assert_eq!(rot[0]["severity"], "high");
    assert!(
        rot[0]["details"]["tweaks"]
            .to_string()
            .contains("year_changed")
    );
    let reuse = findings(&doc, "reuse_with_history");
    assert_eq!(reuse.len(), 1, "{reuse:?}");
    let forum = account(&doc, "Hikers Forum");
    let bank = account(&doc, "Northbank");
    assert_eq!(
        reuse[0]["accounts"],
        serde_json::json!([bank["id"], forum["id"]])
    );
    assert_eq!(reuse[0]["details"]["current"], forum["id"]);
    assert_eq!(reuse[0]["details"]["retired_on"], bank["id"]);
    assert_eq!(reuse[0]["details"]["match"], "tweak");
    // Password age as context, history counted, passkeys named.
    assert_eq!(gh["password_changed"], "2023-03-01T09:00:00Z");
    assert!(gh["password_age_days"].as_i64().unwrap() > 600);
    assert_eq!(gh["history_passwords"], 1);
    assert_eq!(account(&doc, "Google")["passkeys"][0], "google.com");
    // Codes in a custom field are saved.
    assert_eq!(gh["recovery"]["backup_codes"]["status"], "saved");
}

#[test]
fn no_structured_sample_secret_reaches_any_output() {
    let secrets = [
        "Summer2022!",
        "Summer2023!",
        "BlueHarbor#2020",
        "BlueHarbor#2021",
        "SAMPLE-NOT-A-REAL-PRIVATE-KEY",
        "7f3a-91bc",
        "Autumn2023?",
        "Autumn2024?",
        "QX7P-2M9K",
        "t7#Vq2!mLw9Ks4Pz",
        "Z8v!Lq3#Tm6pWx2r",
        "5521-7734",
        "JBSWY3DPEHPK3PXP",
        "Blue-Otter-46!",
        "Blue-Otter-47!",
        "Cobalt-Meadow-Lark-30",
        "Cobalt-Meadow-Lark-31",
    ];
    for name in [
        "bitwarden.json",
        "1password.1pux",
        "protonpass.zip",
        "cxf.json",
        "family/alice.json",
    ] {
        for format in ["json", "table", "html", "markdown", "csv", "junit"] {
            let out = common::audit(&[common::sample(name).to_str().unwrap(), "--format", format])
                .output()
                .unwrap();
            let text = format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            assert!(out.status.code().is_some_and(|c| c <= 1), "{name}: {text}");
            for s in secrets {
                assert!(!text.contains(s), "{name} ({format}) leaked a secret");
            }
        }
    }
}

#[test]
fn encrypted_bitwarden_sample_opens_with_its_password_and_says_unlocking() {
    let path = common::sample("bitwarden-encrypted.json");
    let out = common::audit(&[
        "--format",
        "json",
        path.to_str().unwrap(),
        "--password-env",
        "VL_TEST_PW",
    ])
    .env("VL_TEST_PW", SAMPLE_PASSWORD)
    .output()
    .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("unlocking"), "{stderr}");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["sources"][0]["format"], "bitwarden-json");
    assert_eq!(doc["sources"][0]["accounts"], 4);
    assert_eq!(findings(&doc, "rotation_by_tweak").len(), 1);
}

#[test]
fn wrong_password_tampered_and_truncated_bitwarden_exports_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let plain = std::fs::read(common::sample("bitwarden.json")).unwrap();
    let file = encrypt(&plain, "right", Protect::Pbkdf2 { iterations: 1000 }, 3);
    let path = dir.path().join("bob.json");
    std::fs::write(&path, &file).unwrap();
    common::audit(&[path.to_str().unwrap(), "--password-env", "VL_TEST_PW"])
        .env("VL_TEST_PW", "wrong")
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("wrong password or key file for")
                .and(predicate::str::contains("bob.json")),
        );
    // One flipped base64 character inside the encrypted data.
    let at = file.find("\"data\": \"2.").unwrap() + 60;
    let mut bytes = file.clone().into_bytes();
    bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
    std::fs::write(&path, &bytes).unwrap();
    common::audit(&[path.to_str().unwrap(), "--password-env", "VL_TEST_PW"])
        .env("VL_TEST_PW", "right")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bob.json").and(predicate::str::contains("HMAC")));
    std::fs::write(&path, &file.as_bytes()[..file.len() - 200]).unwrap();
    common::audit(&[path.to_str().unwrap(), "--password-env", "VL_TEST_PW"])
        .env("VL_TEST_PW", "right")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bob.json"));
    // No password at all: says how to give one.
    std::fs::write(&path, &file).unwrap();
    common::audit(&[path.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--password-file"));
}

#[test]
fn bitwarden_json_from_stdin_writes_nothing_to_disk() {
    let data = std::fs::read(common::sample("bitwarden.json")).unwrap();
    let out = common::audit(&["--format", "json", "-"])
        .write_stdin(data)
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["sources"][0]["format"], "bitwarden-json");
    assert_eq!(doc["summary"]["accounts"], 4);
}

#[test]
fn onepux_sample_reads_history_passkeys_and_archived() {
    let (doc, _) = common::audit_json(&[common::sample("1password.1pux").to_str().unwrap()]);
    let src = &doc["sources"][0];
    assert_eq!(src["format"], "1pux");
    assert_eq!(
        (src["rows"].as_u64(), src["accounts"].as_u64()),
        (Some(5), Some(4))
    );
    let rot = findings(&doc, "rotation_by_tweak");
    assert_eq!(rot.len(), 1);
    assert_eq!(
        rot[0]["accounts"][0],
        account(&doc, "Dropbox")["id"],
        "{rot:?}"
    );
    assert_eq!(account(&doc, "Shop")["passkeys"][0], "shop.example");
    assert_eq!(
        account(&doc, "Dropbox")["recovery"]["backup_codes"]["status"],
        "saved"
    );
}

#[test]
fn protonpass_and_cxf_samples_read_totp_trash_and_passkeys() {
    let (doc, _) = common::audit_json(&[common::sample("protonpass.zip").to_str().unwrap()]);
    let src = &doc["sources"][0];
    assert_eq!(src["format"], "protonpass-export");
    assert_eq!(
        (
            src["rows"].as_u64(),
            src["accounts"].as_u64(),
            src["deleted"].as_u64()
        ),
        (Some(4), Some(2), Some(1))
    );
    let m = account(&doc, "Mastodon");
    assert_eq!(m["has_totp"], true);
    assert!(
        m.get("password_changed").is_none(),
        "modifyTime is item-level"
    );
    assert_eq!(account(&doc, "Library")["passkeys"][0], "library.example");
    let (doc, _) = common::audit_json(&[common::sample("cxf.json").to_str().unwrap()]);
    let src = &doc["sources"][0];
    assert_eq!(src["format"], "cxf");
    assert_eq!(
        (src["rows"].as_u64(), src["accounts"].as_u64()),
        (Some(4), Some(2))
    );
    let jira = account(&doc, "Jira");
    assert_eq!(jira["has_totp"], true);
    assert_eq!(jira["recovery"]["backup_codes"]["status"], "saved");
    assert_eq!(
        account(&doc, "Travel site")["passkeys"][0],
        "travel.example"
    );
}

/// A stored passkey lowers the lockout risk of an account with 2FA and no
/// saved codes, and the finding says so.
#[test]
fn a_stored_passkey_lowers_lockout_risk() {
    let data = |passkey: &str| {
        format!(
            r#"{{"encrypted": false, "items": [{{"type": 1, "name": "GitHub",
              "login": {{"uris": [{{"uri": "https://github.com"}}], "username": "a", "password": "k8#Qz2!mWp5Lx9Rt",
                         "totp": "JBSWY3DPEHPK3PXP", "fido2Credentials": [{passkey}]}}}}]}}"#
        )
    };
    let dir = tempfile::tempdir().unwrap();
    let run = |name: &str, body: String| {
        let path = dir.path().join(name);
        std::fs::write(&path, body).unwrap();
        let (doc, _) = common::audit_json(&[path.to_str().unwrap(), "--only", "recovery"]);
        findings(&doc, "lockout_risk")
            .first()
            .map(|f| (*f).clone())
            .expect("lockout_risk finding")
    };
    let without = run("a.json", data(""));
    assert_eq!(without["severity"], "high");
    let with = run(
        "b.json",
        data(r#"{"rpId": "github.com", "userName": "a", "keyValue": "K"}"#),
    );
    assert_eq!(with["severity"], "medium");
    assert!(
        with["message"].as_str().unwrap().contains("passkey"),
        "{with}"
    );
    assert_eq!(with["details"]["passkey_stored"], true);
}

/// Every structured fixture of ../shared/fixtures/structured with a known
/// password: rows, accounts, TOTP, history passwords, passkeys, trash.
/// Skipped when ../shared/ is absent.
#[test]
fn shared_structured_fixtures_read_with_the_right_counts() {
    let dir = common::root().join("../shared/fixtures/structured");
    if !dir.is_dir() {
        eprintln!("skipped: {} absent", dir.display());
        return;
    }
    // file, password, format, rows, accounts, with TOTP, history passwords, passkeys, deleted
    type Case<'a> = (&'a str, Option<&'a str>, &'a str, [usize; 6]);
    let cases: &[Case] = &[
        (
            "bitwarden-unencrypted-sdk.json",
            None,
            "bitwarden-json",
            [5, 1, 1, 0, 0, 0],
        ),
        (
            "bitwarden-unencrypted-legacy-keepassxc.json",
            None,
            "bitwarden-json",
            [4, 1, 1, 0, 0, 0],
        ),
        (
            "bitwarden-unencrypted-org-collections.json",
            None,
            "bitwarden-json",
            [1, 0, 0, 0, 0, 0],
        ),
        (
            "bitwarden-encrypted-argon2id.json",
            Some("a"),
            "bitwarden-json",
            [1, 1, 1, 0, 0, 0],
        ),
        (
            "1password-1pux-v3-keepassxc.1pux",
            None,
            "1pux",
            [9, 3, 1, 0, 0, 0],
        ),
        (
            "1password-1pux-export-data-sanitized-jslib.json",
            None,
            "1pux",
            [28, 5, 1, 3, 0, 1],
        ),
        (
            "protonpass-export-zip-totp-trash.zip",
            None,
            "protonpass-export",
            [9, 3, 4, 0, 0, 1],
        ),
        (
            "protonpass-export-data.json",
            None,
            "protonpass-export",
            [9, 3, 4, 0, 0, 1],
        ),
        (
            "protonpass-pgp-encrypted-data.pgp",
            Some("test"),
            "protonpass-export",
            [1, 0, 0, 0, 0, 0],
        ),
        ("1password-cxf-sdk.json", None, "cxf", [10, 1, 1, 0, 0, 0]),
        ("dashlane-cxf-sdk.json", None, "cxf", [12, 1, 1, 0, 0, 0]),
        (
            "enpass-json-pass-import.json",
            None,
            "enpass-json",
            [14, 11, 0, 0, 0, 0],
        ),
        (
            "dashlane-json-legacy-pass-import.json",
            None,
            "dashlane-json",
            [15, 11, 0, 0, 0, 0],
        ),
    ];
    let mut errors = Vec::new();
    for (file, password, format, expected) in cases {
        let (_d, options) = with_password(password.unwrap_or("unused"));
        let got = load_file_with(&dir.join(file), "m", &FormatChoice::Auto, &options);
        let (source, entries) = match got {
            Ok(v) => v,
            Err(e) => {
                errors.push(format!("{file}: {e}"));
                continue;
            }
        };
        if source.format != *format {
            errors.push(format!("{file}: format {}", source.format));
        }
        let live = || entries.iter().filter(|e| !e.deleted);
        let got = [
            source.rows,
            entries.iter().filter(|e| e.is_account()).count(),
            live().filter(|e| e.has_totp()).count(),
            live().map(|e| e.history().len()).sum(),
            live().map(|e| e.passkeys().len()).sum(),
            source.deleted,
        ];
        if got != *expected {
            errors.push(format!(
                "{file}: [rows, accounts, totp, history, passkeys, deleted] = {got:?}, expected {expected:?}"
            ));
        }
    }
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn shared_encrypted_fixtures_fail_clearly() {
    let dir = common::root().join("../shared/fixtures/structured");
    if !dir.is_dir() {
        eprintln!("skipped: {} absent", dir.display());
        return;
    }
    let path = dir.join("bitwarden-encrypted-pbkdf2-password-unknown.json");
    common::audit(&[path.to_str().unwrap(), "--password-env", "VL_TEST_PW"])
        .env("VL_TEST_PW", "a")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("wrong password or key file for"));
    // Proton Pass PGP: a wrong passphrase says so, naming the file.
    let path = dir.join("protonpass-pgp-encrypted-data.pgp");
    common::audit(&[path.to_str().unwrap(), "--password-env", "VL_TEST_PW"])
        .env("VL_TEST_PW", "not-test")
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("wrong password or key file for").and(
                predicate::str::contains("protonpass-pgp-encrypted-data.pgp"),
            ),
        );
    let path = dir.join("bitwarden-account-encrypted-v1.json");
    common::audit(&[path.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "export with a file password instead",
        ));
}

/// Truncated and altered structured files never panic: each is read, or is
/// an input error naming the file (nothing is read as empty by accident).
#[test]
fn truncated_or_altered_structured_samples_never_panic() {
    use vaultlint::import::load_bytes_with;
    let (_d, options) = with_password(SAMPLE_PASSWORD);
    for name in [
        "bitwarden.json",
        "cxf.json",
        "1password.1pux",
        "protonpass.zip",
    ] {
        let data = std::fs::read(common::sample(name)).unwrap();
        let step = (data.len() / 97).max(1);
        let mut cuts: Vec<usize> = (1..data.len()).step_by(step).collect();
        cuts.push(data.len() - 1);
        for cut in cuts {
            if let Err(e) = load_bytes_with(&data[..cut], name, "m", &FormatChoice::Auto, &options)
            {
                assert!(e.to_string().contains(name), "{name} cut at {cut}: {e}");
            }
        }
        for at in (0..data.len()).step_by(step) {
            let mut altered = data.clone();
            altered[at] ^= 0x20;
            if let Err(e) = load_bytes_with(&altered, name, "m", &FormatChoice::Auto, &options) {
                let msg = e.to_string();
                assert!(
                    msg.contains(name) || msg.contains("format"),
                    "{name} altered at {at}: {msg}"
                );
            }
        }
    }
}

/// The family demo with alice's vault as Bitwarden JSON: history-aware
/// reuse within and across members, and a passkey lowering a lockout risk.
#[test]
fn family_with_a_structured_vault_sees_history_and_passkeys() {
    let f = |n: &str| common::sample(&format!("family/{n}")).display().to_string();
    let (alice, bob, carol, inventory) = (
        format!("alice={}", f("alice.json")),
        format!("bob={}", f("bob.csv")),
        format!("carol={}", f("carol.csv")),
        f("recovery-inventory.toml"),
    );
    let (doc, code) =
        common::audit_json(&[&alice, &bob, &carol, "--recovery-inventory", &inventory]);
    assert_eq!(code, 1);
    let title = |id: &serde_json::Value| {
        let a = doc["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| &a["id"] == id)
            .unwrap();
        format!(
            "{}/{}",
            a["member"].as_str().unwrap(),
            a["title"].as_str().unwrap()
        )
    };
    let rot: Vec<String> = findings(&doc, "rotation_by_tweak")
        .iter()
        .map(|f| title(&f["accounts"][0]))
        .collect();
    assert_eq!(rot, vec!["alice/PayPal"]);
    let mut reuse: Vec<(String, bool)> = findings(&doc, "reuse_with_history")
        .iter()
        .map(|f| {
            (
                title(&f["details"]["current"]),
                f["details"]["across_members"].as_bool().unwrap(),
            )
        })
        .collect();
    reuse.sort();
    assert_eq!(
        reuse,
        vec![
            ("alice/Amazon".to_owned(), false),
            ("alice/Netflix".to_owned(), false),
            ("bob/Netflix".to_owned(), true),
        ]
    );
    let facebook = findings(&doc, "lockout_risk")
        .into_iter()
        .find(|f| title(&f["accounts"][0]) == "alice/Facebook")
        .unwrap();
    assert_eq!(facebook["severity"], "medium");
}

/// Files `gpg --symmetric` made (tests/fixtures/openpgp/README.md) read as
/// Proton Pass exports through the real binary; what the reader refuses
/// fails with exit 2 and a message naming the file and what it is.
#[test]
fn gpg_encrypted_exports_are_read_and_unsupported_ones_named() {
    let dir = common::root().join("tests/fixtures/openpgp");
    let file = "gpg-default.asc";
    let path = dir.join(file);
    let out = common::audit(&[
        path.to_str().unwrap(),
        "--input-format",
        "protonpass-pgp",
        "--password-env",
        "VL_TEST_PW",
        "--format",
        "json",
    ])
    .env("VL_TEST_PW", "vaultlint-gpg-fixture")
    .output()
    .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        !stdout.contains("fixture-pw-1"),
        "{file}: a password in the report"
    );
    let doc: serde_json::Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("{file}: {e}: {}", String::from_utf8_lossy(&out.stderr)));
    assert_eq!(doc["sources"][0]["format"], "protonpass-export", "{file}");
    assert_eq!(doc["sources"][0]["rows"], 1, "{file}");
    assert_eq!(doc["sources"][0]["accounts"], 1, "{file}");
    // Armored here (as Proton Pass writes data.pgp), from gpg's binary files.
    let tmp = tempfile::tempdir().unwrap();
    for (file, what) in [("gpg-bzip2.gpg", "BZip2"), ("gpg-cast5.gpg", "CAST5")] {
        let path = tmp.path().join(format!("{file}.asc"));
        let binary = std::fs::read(dir.join(file)).unwrap();
        std::fs::write(&path, vaultlint::import::openpgp::armor(&binary)).unwrap();
        common::audit(&[path.to_str().unwrap(), "--password-env", "VL_TEST_PW"])
            .env("VL_TEST_PW", "vaultlint-gpg-fixture")
            .assert()
            .code(2)
            .stderr(predicate::str::contains(file).and(predicate::str::contains(what)));
    }
}
