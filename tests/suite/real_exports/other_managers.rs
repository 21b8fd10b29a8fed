//! Imports the reference exports written by real exporters (the shared
//! fixtures folder, outside the repository) for the LastPass, Proton Pass,
//! NordPass, Keeper, Enpass and RoboForm importers, and checks the detected
//! format and the number of accounts, counted by hand from each file.
//!
//! The folder is looked up at `../shared/fixtures/exports` (CI: the repository
//! cloned next to `shared/`) and `../../shared/fixtures/exports` (a worktree);
//! when neither exists the test says so and passes.

use std::path::PathBuf;

use vaultlint::import::{FormatChoice, load_file};

fn fixtures() -> Option<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    [
        "../shared/fixtures/exports",
        "../../shared/fixtures/exports",
    ]
    .iter()
    .map(|rel| root.join(rel))
    .find(|dir| dir.is_dir())
}

/// (file, format id, data rows, accounts), counted by reading each file.
const EXPECTED: &[(&str, &str, usize, usize)] = &[
    // 4 logins with a password; 1 login without one (broken url); 7 secure
    // notes (http://sn), 6 of them typed (bank, address, card, SSH, custom, Wi-Fi).
    ("lastpass.csv", "lastpass", 12, 4),
    // note, login, alias, creditCard, identity: one login.
    ("protonpass.csv", "protonpass", 5, 1),
    // 3 folder rows and 3 password rows, each with a password; one blank line.
    ("nordpass.csv", "nordpass", 6, 3),
    // 15 rows; 7 carry a password (2fa, broken url, commas/quotes, custom
    // fields, multi-line notes, payment card with a password, SSH key).
    ("keeper.csv", "keeper", 15, 7),
    // 2 logins (Booking, Consumerreports).
    ("enpass.csv", "enpass", 2, 2),
    // 8 logins; 4 safenotes (one plain, three LastPass typed notes); 2 bookmarks.
    ("roboform.csv", "roboform", 14, 8),
];

#[test]
fn real_exports_are_detected_and_counted() {
    let Some(dir) = fixtures() else {
        eprintln!("shared fixtures folder not found: skipping the real-export checks");
        return;
    };
    for &(file, format, rows, accounts) in EXPECTED {
        let path = dir.join(file);
        if !path.is_file() {
            eprintln!("{} missing: skipped", path.display());
            continue;
        }
        let (source, entries) =
            load_file(&path, "m", &FormatChoice::Auto).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(source.format, format, "{file}: detected format");
        assert_eq!(source.rows, rows, "{file}: data rows");
        assert!(source.skipped.is_empty(), "{file}: {:?}", source.skipped);
        let found = entries.iter().filter(|e| e.is_account()).count();
        assert_eq!(found, accounts, "{file}: accounts");
    }
}

#[test]
fn real_exports_import_the_same_when_named() {
    let Some(dir) = fixtures() else {
        eprintln!("shared fixtures folder not found: skipping the real-export checks");
        return;
    };
    for &(file, format, _, accounts) in EXPECTED {
        let path = dir.join(file);
        if !path.is_file() {
            continue;
        }
        let (source, entries) = load_file(&path, "m", &FormatChoice::Named(format.into()))
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(source.format, format);
        assert_eq!(entries.iter().filter(|e| e.is_account()).count(), accounts);
    }
}

/// The formats this file covers: none of them may claim another format's file.
const MINE: &[&str] = &[
    "lastpass",
    "lastpass-cli",
    "protonpass",
    "nordpass",
    "keeper",
    "enpass",
    "roboform",
];

#[test]
fn other_real_exports_are_not_claimed() {
    let Some(dir) = fixtures() else {
        eprintln!("shared fixtures folder not found: skipping the real-export checks");
        return;
    };
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !name.ends_with(".csv") || EXPECTED.iter().any(|(f, ..)| *f == name) {
            continue;
        }
        seen += 1;
        if let Ok((source, _)) = load_file(&path, "m", &FormatChoice::Auto) {
            assert!(
                !MINE.contains(&source.format),
                "{name} was taken for {}",
                source.format
            );
        }
    }
    assert!(seen > 0, "the folder holds other formats' exports");
}

#[test]
fn family_and_samples_of_other_formats_are_not_claimed() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("sample-exports/family");
    for (file, owner) in [("alice.csv", "bitwarden"), ("bob.csv", "1password")] {
        let (source, _) = load_file(&root.join(file), "m", &FormatChoice::Auto).unwrap();
        assert_eq!(source.format, owner, "{file}");
    }
}
