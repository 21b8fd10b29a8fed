//! KeePass databases read directly: the project's own sample (built by
//! tests/suite/common/kdbx_sample.rs) and, when ../shared/ exists, the public
//! fixtures of ../shared/fixtures/structured/.

use crate::common;
#[path = "common/kdbx_sample.rs"]
mod kdbx_sample;

use std::path::PathBuf;

use predicates::prelude::*;
use vaultlint::import::{FormatChoice, load_bytes_with, load_file_with};

use crate::common::with_password;

#[test]
fn sample_kdbx_reads_history_passkeys_attachments_totp_and_trash() {
    let data = kdbx_sample::build(kdbx_sample::PASSWORD);
    let (_dir, options) = with_password(kdbx_sample::PASSWORD);
    let (source, entries) =
        load_bytes_with(&data, "ann.kdbx", "ann", &FormatChoice::Auto, &options).unwrap();
    assert_eq!(source.format, "kdbx");
    assert!(source.capabilities.history && source.capabilities.passkeys);
    assert_eq!(source.rows, 7);
    assert_eq!(source.deleted, 1);
    assert_eq!(source.no_password, 1);
    let accounts: Vec<_> = entries.iter().filter(|e| e.is_account()).collect();
    assert_eq!(accounts.len(), kdbx_sample::ACCOUNTS);
    let by = |t: &str| entries.iter().find(|e| e.title == t).unwrap();
    // The three TOTP conventions.
    assert!(by("GitHub").has_totp() && by("Mail").has_totp() && by("Bank").has_totp());
    assert!(!by("Forum").has_totp());
    // History: the old password, with a date, and when it changed.
    let gh = by("GitHub");
    assert_eq!(gh.password(), Some("Summer2023!"));
    assert_eq!(gh.history().len(), 1);
    assert_eq!(gh.history()[0].password.expose(), "Summer2022!");
    assert!(gh.history()[0].date.is_some() && gh.password_changed().is_some());
    assert_eq!(gh.folder.as_deref(), Some("Work"));
    assert_eq!(gh.tags(), ["dev".to_owned()]);
    // Attachments: name and size only.
    assert_eq!(gh.attachments().len(), 1);
    assert_eq!(gh.attachments()[0].name, "github-recovery-codes.txt");
    assert_eq!(gh.attachments()[0].size, 20);
    // The custom attribute is a field; TOTP attributes are not.
    let mail = by("Mail");
    assert!(mail.fields.iter().any(|f| f.name == "Backup codes"));
    assert!(mail.fields.iter().all(|f| !f.name.starts_with("TOTP")));
    // The passkey: who it is for, never its key material.
    let shop = by("Shop");
    assert_eq!(shop.passkeys().len(), 1);
    assert_eq!(shop.passkeys()[0].relying_party, "shop.example");
    assert_eq!(shop.passkeys()[0].user_name, "ann@shop");
    assert!(
        shop.fields
            .iter()
            .all(|f| !f.name.starts_with("KPEX") && !f.value.expose().contains("PRIVATE KEY"))
    );
    assert!(by("Old site").deleted);
}

fn sample_file(dir: &tempfile::TempDir) -> PathBuf {
    let path = dir.path().join("alice.kdbx");
    std::fs::write(&path, kdbx_sample::build(kdbx_sample::PASSWORD)).unwrap();
    path
}

#[test]
fn audit_of_a_kdbx_prints_no_password_and_says_unlocking() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_file(&dir);
    let out = common::audit(&["--format", "json", path.to_str().unwrap()])
        .env("VL_TEST_PW", kdbx_sample::PASSWORD)
        .args(["--password-env", "VL_TEST_PW"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("unlocking"), "{stderr}");
    for secret in ["Summer2022!", "Summer2023!", "TESTKEYMATERIAL", "aaaa-bbbb"] {
        assert!(
            !stdout.contains(secret) && !stderr.contains(secret),
            "{secret}"
        );
    }
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(doc["summary"]["accounts"], kdbx_sample::ACCOUNTS);
    assert_eq!(doc["sources"][0]["format"], "kdbx");
    assert_eq!(doc["sources"][0]["deleted"], 1);
}

#[test]
fn wrong_password_exits_2_naming_the_file_after_one_try() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_file(&dir);
    common::audit(&[path.to_str().unwrap(), "--password-env", "VL_TEST_PW"])
        .env("VL_TEST_PW", "not-it")
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("wrong password or key file for")
                .and(predicate::str::contains("alice.kdbx")),
        )
        .stderr(predicate::str::contains("unlocking").count(1));
}

#[test]
fn encrypted_input_without_a_password_says_how_to_give_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_file(&dir);
    common::audit(&[path.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--password-file"));
}

#[test]
fn tampered_and_truncated_kdbx_exit_2_and_never_read_as_empty() {
    let data = kdbx_sample::build(kdbx_sample::PASSWORD);
    let (_dir, options) = with_password(kdbx_sample::PASSWORD);
    // A flipped byte in the encrypted payload fails the block HMAC.
    let mut flipped = data.clone();
    let k = flipped.len() - 40;
    flipped[k] ^= 0x01;
    let err = load_bytes_with(&flipped, "t.kdbx", "m", &FormatChoice::Auto, &options).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("t.kdbx") && (msg.contains("damaged") || msg.contains("wrong")),
        "{msg}"
    );
    let truncated = &data[..data.len() / 2];
    let err = load_bytes_with(truncated, "t.kdbx", "m", &FormatChoice::Auto, &options).unwrap_err();
    assert!(err.to_string().contains("t.kdbx"), "{err}");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.kdbx");
    std::fs::write(&path, &flipped).unwrap();
    common::audit(&[path.to_str().unwrap(), "--password-env", "VL_TEST_PW"])
        .env("VL_TEST_PW", kdbx_sample::PASSWORD)
        .assert()
        .code(2);
}

#[test]
fn stdin_dash_reads_a_kdbx_and_a_csv() {
    let data = kdbx_sample::build(kdbx_sample::PASSWORD);
    let out = common::audit(&["--format", "json", "ann=-", "--password-env", "VL_TEST_PW"])
        .env("VL_TEST_PW", kdbx_sample::PASSWORD)
        .write_stdin(data)
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["summary"]["accounts"], kdbx_sample::ACCOUNTS);
    assert_eq!(doc["sources"][0]["member"], "ann");
    let csv = std::fs::read(common::sample("chrome.csv")).unwrap();
    let out = common::audit(&["--format", "json", "-"])
        .write_stdin(csv)
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["sources"][0]["format"], "chrome");
    assert_eq!(doc["sources"][0]["member"], "stdin");
}

#[test]
fn committed_sample_kdbx_opens() {
    let (_dir, options) = with_password(kdbx_sample::PASSWORD);
    let (source, entries) = load_file_with(
        &common::sample("keepass.kdbx"),
        "m",
        &FormatChoice::Auto,
        &options,
    )
    .unwrap();
    assert_eq!(source.format, "kdbx");
    assert_eq!(
        entries.iter().filter(|e| e.is_account()).count(),
        kdbx_sample::ACCOUNTS
    );
}

/// Every KDBX fixture of ../shared/fixtures/structured with its password
/// (or key file), and what it holds: entries, accounts, TOTP, trash, history
/// versions, history passwords and passkeys. Skipped when ../shared/ is absent.
///
/// The expected counts were read independently of vaultlint, from
/// `keepassxc-cli export -f xml` (KeePassXC 2.7.4) of each file: entries
/// outside `<History>`; `<History>` versions (all of them, as the fixtures'
/// README counts them); and, for live entries (outside the recycle bin),
/// the distinct non-empty passwords of their history versions that differ
/// from the current one (what vaultlint audits as retired passwords).
/// The history versions are also counted here with the `keepass` crate
/// straight from each file, so a reader that drops versions fails too.
#[test]
fn shared_kdbx_fixtures_read_with_the_right_counts() {
    let dir = common::root().join("../shared/fixtures/structured");
    if !dir.is_dir() {
        eprintln!("skipped: {} absent", dir.display());
        return;
    }
    // file, password, key file,
    // [rows, accounts, with TOTP, deleted, history versions, history passwords, passkeys]
    // (no public KDBX carries KeePassXC passkeys: 0 everywhere, so custom
    // attributes are never mistaken for one; the project's sample has one)
    type Case<'a> = (&'a str, Option<&'a str>, Option<&'a str>, [usize; 7]);
    let cases: &[Case] = &[
        (
            "pass-import-kdbx31-three-totp-conventions-attachments.kdbx",
            Some("correct horse battery staple"),
            None,
            [18, 15, 4, 0, 2, 1, 0],
        ),
        (
            "keepass-rs-kdbx40-argon2id-chacha20.kdbx",
            Some("demopass"),
            None,
            [1, 1, 0, 0, 0, 0, 0],
        ),
        (
            "keepass-rs-kdbx40-otp-attribute-history.kdbx",
            Some("test"),
            None,
            [1, 0, 1, 0, 2, 0, 0],
        ),
        (
            "keepass-rs-kdbx40-recyclebin-deleted-entry.kdbx",
            Some("demopass"),
            None,
            [3, 1, 0, 1, 0, 0, 0],
        ),
        (
            "keepass-rs-kdbx41-aeskdf-tags-customdata.kdbx",
            Some("demopass"),
            None,
            [4, 4, 0, 0, 4, 0, 0],
        ),
        (
            "keepassxc-kdbx31-history-attachment-legacytotp.kdbx",
            Some("a"),
            None,
            [2, 2, 1, 0, 8, 0, 0],
        ),
        (
            "keepassxc-kdbx40-argon2d-chacha20-attachment.kdbx",
            Some("t"),
            None,
            [1, 1, 0, 0, 0, 0, 0],
        ),
        (
            "keepassxc-kdbx31-recyclebin-with-data.kdbx",
            Some("123"),
            None,
            [11, 5, 0, 6, 8, 0, 0],
        ),
        (
            "keepassxc-kdbx40-password-plus-keyfile.kdbx",
            Some("a"),
            Some("keepassxc-kdbx40-password-plus-keyfile.key"),
            [2, 2, 0, 0, 0, 0, 0],
        ),
        (
            "keepassxc-kdbx31-nonascii-password.kdbx",
            Some("Δöض"),
            None,
            [1, 1, 0, 0, 0, 0, 0],
        ),
        (
            "keepass-rs-kdbx31-keyfile-only-xml.kdbx",
            None,
            Some("keepass-rs-kdbx31-keyfile-only-xml.key"),
            [6, 6, 0, 0, 2, 1, 0],
        ),
    ];
    let mut errors = Vec::new();
    for (file, password, key, expected) in cases {
        let (_d, mut options) = with_password(password.unwrap_or(""));
        if password.is_none() {
            options.unlock.password_file = None;
        }
        options.unlock.keyfile = key.map(|k| dir.join(k));
        let got = load_file_with(&dir.join(file), "m", &FormatChoice::Auto, &options);
        let (source, entries) = match got {
            Ok(v) => v,
            Err(e) => {
                errors.push(format!("{file}: {e}"));
                continue;
            }
        };
        let live = || entries.iter().filter(|e| !e.deleted);
        let got = [
            source.rows,
            entries.iter().filter(|e| e.is_account()).count(),
            live().filter(|e| e.has_totp()).count(),
            source.deleted,
            history_versions(&dir, file, *password, *key),
            live().map(|e| e.history().len()).sum(),
            live().map(|e| e.passkeys().len()).sum(),
        ];
        if got != *expected {
            errors.push(format!(
                "{file}: [rows, accounts, totp, deleted, history versions, history passwords, passkeys] = {got:?}, expected {expected:?}"
            ));
        }
    }
    assert!(errors.is_empty(), "{errors:#?}");
}

/// The number of history versions in a KeePass file, counted with the
/// `keepass` crate directly (not through vaultlint's importer).
fn history_versions(
    dir: &std::path::Path,
    file: &str,
    password: Option<&str>,
    key: Option<&str>,
) -> usize {
    let mut db_key = keepass::DatabaseKey::new();
    if let Some(p) = password {
        db_key = db_key.with_password(p);
    }
    if let Some(k) = key {
        let mut f = std::fs::File::open(dir.join(k)).unwrap();
        db_key = db_key.with_keyfile(&mut f).unwrap();
    }
    let mut f = std::fs::File::open(dir.join(file)).unwrap();
    let db = keepass::Database::open(&mut f, db_key).unwrap();
    db.iter_all_entries()
        .map(|e| e.history.as_ref().map_or(0, |h| h.get_entries().len()))
        .sum()
}

/// A KDBX account with 2FA whose codes sit in an attachment (GitHub) or a
/// custom attribute (Mail) has its codes `saved`; the same accounts from a
/// KeePassXC CSV (no attributes, no attachments) are not.
#[test]
fn codes_in_an_attachment_or_attribute_are_saved() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_file(&dir);
    let out = common::audit(&["--format", "json", path.to_str().unwrap()])
        .env("VL_TEST_PW", kdbx_sample::PASSWORD)
        .args(["--password-env", "VL_TEST_PW"])
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let status = |title: &str| {
        let a = doc["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["title"] == title)
            .unwrap();
        a["recovery"]["backup_codes"].clone()
    };
    let gh = status("GitHub");
    assert_eq!(gh["status"], "saved", "{gh}");
    assert_eq!(gh["evidence"][0]["place"], "attachment");
    assert_eq!(status("Mail")["status"], "saved");
    assert_ne!(status("Bank")["status"], "saved");
    // The same GitHub account as KeePassXC CSV: no attachment, no codes.
    let csv = "\"Group\",\"Title\",\"Username\",\"Password\",\"URL\",\"Notes\",\"TOTP\",\"Icon\",\"Last Modified\",\"Created\"\n\
\"Root/Work\",\"GitHub\",\"ann\",\"Summer2023!\",\"https://github.com\",\"\",\"otpauth://totp/GitHub:ann?secret=JBSWY3DPEHPK3PXP\",\"0\",\"2024-01-01T00:00:00Z\",\"2024-01-01T00:00:00Z\"\n";
    let csv_path = dir.path().join("alice.csv");
    std::fs::write(&csv_path, csv).unwrap();
    let (doc, _) = common::audit_json(&[csv_path.to_str().unwrap()]);
    let a = &doc["accounts"][0];
    assert_ne!(a["recovery"]["backup_codes"]["status"], "saved", "{a}");
}
