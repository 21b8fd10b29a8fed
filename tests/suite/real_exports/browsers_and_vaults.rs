//! Exports written by the real exporters (`shared/fixtures/exports/`, kept
//! outside the repository) are auto-detected and imported with the right
//! account count. The counts were made by reading each file by hand: a row
//! is an account when it is a login with a non-empty password.
//!
//! The folder is looked up next to the repository (CI) and two levels up (a
//! git worktree); when neither exists the test says so and passes.

use std::path::{Path, PathBuf};

use vaultlint::import::{FormatChoice, load_file};

/// (file, detected format, data rows, accounts)
const EXPECTED: &[(&str, &str, usize, usize)] = &[
    // proton.me and "missing url" have passwords; "missing password" and
    // "broken url" have none.
    ("chrome.csv", "chrome", 4, 2),
    // 8 rows: "login with commas", "login with quotes" and "login with all
    // preferences checked" have no password.
    ("dashlane-credentials.csv", "dashlane", 8, 5),
    // 14 rows: "empty entry", "empty password" and "note" have no password.
    ("firefox.csv", "firefox", 14, 11),
    // One entry in group Root with a multi-line note.
    ("keepassxc-cli.csv", "keepassxc", 1, 1),
    // One login with an OTPAuth URI.
    ("safari.csv", "safari", 1, 1),
    // 14 rows: two notes ("empty entry", "note") and "empty password".
    ("bitwarden-legacy.csv", "bitwarden", 14, 11),
    // 14 rows: "empty password", "empty entry" and "note" have no password.
    ("1password8.csv", "1password", 14, 11),
];

fn fixtures_dir() -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    [
        root.join("../shared/fixtures/exports"),
        root.join("../../shared/fixtures/exports"),
    ]
    .into_iter()
    .find(|p| p.is_dir())
}

#[test]
fn real_exports_are_detected_and_counted() {
    let Some(dir) = fixtures_dir() else {
        eprintln!("shared/fixtures/exports not found next to the repository: skipped");
        return;
    };
    let mut checked = 0;
    for (file, format, rows, accounts) in EXPECTED {
        let path = dir.join(file);
        if !path.exists() {
            eprintln!("{}: not present, skipped", path.display());
            continue;
        }
        let (source, entries) = load_file(&path, "fixture", &FormatChoice::Auto)
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(source.format, *format, "{file}: detected format");
        assert_eq!(source.rows, *rows, "{file}: data rows");
        assert!(source.skipped.is_empty(), "{file}: {:?}", source.skipped);
        let n = entries.iter().filter(|e| e.is_account()).count();
        assert_eq!(n, *accounts, "{file}: accounts");
        checked += 1;
    }
    eprintln!("{checked} real exports checked in {}", dir.display());
}

#[test]
fn real_exports_keep_their_quirks() {
    let Some(dir) = fixtures_dir() else {
        eprintln!("shared/fixtures/exports not found next to the repository: skipped");
        return;
    };
    let path = dir.join("keepassxc-cli.csv");
    if path.exists() {
        let (_, entries) = load_file(&path, "fixture", &FormatChoice::Auto).unwrap();
        let e = &entries[0];
        assert_eq!(e.folder.as_deref(), Some("Root"));
        assert_eq!(e.password().map(|p| p.contains('"')), Some(true));
        assert_eq!(e.modified, Some(1_670_853_712)); // 2022-12-12T14:01:52Z
        assert!(e.notes.expose().lines().count() >= 3);
    }
    let path = dir.join("firefox.csv");
    if path.exists() {
        let (_, entries) = load_file(&path, "fixture", &FormatChoice::Auto).unwrap();
        assert!(entries.iter().all(|e| e.title.is_empty()));
        assert!(entries.iter().all(|e| e.created == Some(1_600_000_000)));
    }
    let path = dir.join("dashlane-credentials.csv");
    if path.exists() {
        let (_, entries) = load_file(&path, "fixture", &FormatChoice::Auto).unwrap();
        assert_eq!(entries.iter().filter(|e| e.has_totp()).count(), 2);
        assert_eq!(entries[0].fields.len(), 1, "username2 kept as a field");
    }
}

/// Exports of the formats another importer owns must not be claimed by these
/// ones, whatever that importer's own score.
#[test]
fn other_formats_real_exports_are_not_claimed() {
    use vaultlint::import::{FORMATS, csv_reader};
    let Some(dir) = fixtures_dir() else {
        eprintln!("shared/fixtures/exports not found next to the repository: skipped");
        return;
    };
    let mine = [
        "chrome",
        "firefox",
        "safari",
        "keepassxc",
        "keepass",
        "dashlane",
        "dashlane-notes",
    ];
    for file in [
        "lastpass.csv",
        "protonpass.csv",
        "nordpass.csv",
        "keeper.csv",
        "enpass.csv",
        "roboform.csv",
    ] {
        let path = dir.join(file);
        let Ok(data) = std::fs::read(&path) else {
            eprintln!("{}: not present, skipped", path.display());
            continue;
        };
        let t = csv_reader::read(&data, Default::default()).unwrap();
        for f in FORMATS.iter().filter(|f| mine.contains(&f.id())) {
            assert_eq!(f.detect(&t), 0, "{file} claimed by {}", f.id());
        }
    }
}
