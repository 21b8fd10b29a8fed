//! `--pwned-dataset` with no network: both layouts, hashes on the very first
//! and last lines, wrong files (NTLM, unsorted) refused or left unknown and
//! never read as "not found"; `--pwned off` reported as skipped; no hash or
//! password in any output.

use crate::pwned_support;

use pwned_support::*;

/// Passwords whose hashes are the smallest and largest of the export; the
/// dataset puts them on its first and last lines.
fn first_and_last(passwords: &[&'static str]) -> (&'static str, &'static str) {
    let mut by_hash: Vec<(String, &str)> = passwords.iter().map(|p| (sha1_hex(p), *p)).collect();
    by_hash.sort();
    (by_hash[0].1, by_hash[by_hash.len() - 1].1)
}

const PASSWORDS: &[&str] = &[
    "correct horse battery staple",
    "hunter2",
    "letmein",
    "Tr0ub4dor&3",
    "dragon",
    "sunshine",
    "zaq1@WSX",
    "iloveyou",
];

/// A sorted dataset whose first line is `first`, last line `last`, with
/// fillers strictly between them and `middle` somewhere inside.
fn bracketing_dataset(
    dir: &std::path::Path,
    first: &str,
    last: &str,
    middle: &str,
    eol: &str,
) -> std::path::PathBuf {
    let path = sorted_dataset(dir, &[(first, 11), (last, 22), (middle, 33)], 30_000);
    cover(&path, PASSWORDS);
    let text = std::fs::read_to_string(&path).unwrap();
    let (lo, hi) = (sha1_hex(first), sha1_hex(last));
    let kept: Vec<&str> = text
        .lines()
        .filter(|l| {
            let h = &l[..40];
            h >= lo.as_str() && h <= hi.as_str()
        })
        .collect();
    assert!(kept[0].starts_with(&lo) && kept[kept.len() - 1].starts_with(&hi));
    assert!(kept.len() > 1000);
    std::fs::write(&path, kept.join(eol) + eol).unwrap();
    path
}

#[test]
fn sorted_file_finds_first_middle_and_last_lines() {
    let (first, last) = first_and_last(PASSWORDS);
    let middle = PASSWORDS
        .iter()
        .find(|p| **p != first && **p != last)
        .unwrap();
    for eol in ["\r\n", "\n"] {
        let dir = tempfile::tempdir().unwrap();
        let data = bracketing_dataset(dir.path(), first, last, middle, eol);
        let export = bitwarden_export(dir.path(), "m", PASSWORDS);
        let (code, report, stderr) = audit_json(&[
            export.to_str().unwrap(),
            "--pwned-dataset",
            data.to_str().unwrap(),
        ]);
        assert_eq!(code, 1, "{stderr}");
        assert_eq!(pwned_check(&report)["status"], "complete");
        let got = pwned_by_title(&report);
        for (i, p) in PASSWORDS.iter().enumerate() {
            let r = &got[&format!("m/site{}", i + 1)];
            let want = match *p {
                p if p == first => 11,
                p if p == last => 22,
                p if p == *middle => 33,
                _ => 0,
            };
            assert_eq!(r["count"], want, "{p}: {r}");
            assert_eq!(r["status"], if want > 0 { "exposed" } else { "not_found" });
        }
    }
}

#[test]
fn range_directory_layout() {
    let dir = tempfile::tempdir().unwrap();
    let root = range_dir(dir.path(), &[("hunter2", 17_000), ("dragon", 9)]);
    let export = bitwarden_export(dir.path(), "m", &["hunter2", "dragon", "letmein"]);
    // letmein's range file is missing: unknown (an incomplete download), never not_found.
    let (code, report, _) = audit_json(&[
        export.to_str().unwrap(),
        "--pwned-dataset",
        root.to_str().unwrap(),
    ]);
    assert_eq!(code, 3);
    let got = pwned_by_title(&report);
    assert_eq!(got["m/site1"]["count"], 17_000);
    assert_eq!(got["m/site2"]["count"], 9);
    assert_eq!(got["m/site3"]["status"], "unknown");
    assert!(
        got["m/site3"]["reason"]
            .as_str()
            .unwrap()
            .contains("missing")
    );

    // An empty range file: every prefix has rows in the corpus, so this is
    // a damaged download, and the account is unknown, not "not found".
    let letmein = root.join(format!("{}.txt", &sha1_hex("letmein")[..5]));
    std::fs::write(&letmein, "").unwrap();
    let (code, report, _) = audit_json(&[
        export.to_str().unwrap(),
        "--pwned-dataset",
        root.to_str().unwrap(),
    ]);
    assert_eq!(code, 3);
    let r = &pwned_by_title(&report)["m/site3"];
    assert_eq!(r["status"], "unknown", "{r}");
    assert!(r["reason"].as_str().unwrap().contains("no rows"), "{r}");

    // A range file with rows, none of them letmein's: not found.
    std::fs::remove_file(&letmein).unwrap();
    cover_dir(&root, &["letmein"]);
    let (code, report, _) = audit_json(&[
        export.to_str().unwrap(),
        "--pwned-dataset",
        root.to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    assert_eq!(pwned_by_title(&report)["m/site3"]["status"], "not_found");
}

/// `trunc_half_lines.txt`: a sorted file cut at a line boundary. Hashes past
/// the cut have no rows for their prefix: unknown, never `not_found`.
#[test]
fn sorted_file_cut_at_a_line_boundary_is_unknown_past_the_cut() {
    let dir = tempfile::tempdir().unwrap();
    let early = "letmein"; // B7A87...
    let late = "hunter2"; // F3BBB...
    let data = sorted_dataset(dir.path(), &[(early, 5), (late, 591_245)], 4_000);
    let text = std::fs::read_to_string(&data).unwrap();
    let cut_at = &sha1_hex(late)[..3];
    let kept: String = text
        .split_inclusive('\n')
        .take_while(|l| &l[..3] < cut_at)
        .collect();
    std::fs::write(&data, kept).unwrap();
    let export = bitwarden_export(dir.path(), "m", &[early, late]);
    let (code, report, stderr) = audit_json(&[
        export.to_str().unwrap(),
        "--pwned-dataset",
        data.to_str().unwrap(),
    ]);
    assert_eq!(code, 3, "{stderr}");
    let got = pwned_by_title(&report);
    let r = &got["m/site2"];
    assert_eq!(r["status"], "unknown", "{r}");
    assert!(r["reason"].as_str().unwrap().contains("no rows"), "{r}");
    assert!(
        r["reason"].as_str().unwrap().contains("pwned verify"),
        "{r}"
    );

    // Cut inside its last line's hash: refused on open, with the file named.
    let bytes = std::fs::read(&data).unwrap();
    std::fs::write(&data, &bytes[..bytes.len() - 20]).unwrap();
    let out = vaultlint()
        .args(["audit", export.to_str().unwrap(), "--pwned-dataset"])
        .arg(&data)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("cut or damaged at its end"), "{stderr}");
}

/// The reproduction inputs, when ../shared is there.
#[test]
fn shared_repro_datasets_are_unknown_or_refused() {
    let repro = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/repro/trust");
    if !repro.join("fault.csv").exists() {
        return;
    }
    let export = repro.join("fault.csv");
    let full = std::fs::read_to_string(repro.join("ds_utf8.txt")).unwrap();
    let breached: Vec<bool> = csv_passwords(&export)
        .iter()
        .map(|p| full.contains(&sha1_hex(p)))
        .collect();
    for ds in ["trunc_half_lines.txt", "dir_empty_file", "dir_trunc"] {
        let (code, report, stderr) = audit_json(&[
            export.to_str().unwrap(),
            "--pwned-dataset",
            repro.join(ds).to_str().unwrap(),
        ]);
        let accounts = report["accounts"].as_array().unwrap();
        for (a, breached) in accounts.iter().zip(&breached) {
            if *breached {
                assert_ne!(a["pwned"]["status"], "not_found", "{ds}: {a}");
            }
        }
        if ds != "dir_trunc" {
            assert_eq!(code, 3, "{ds}: {stderr}");
        }
    }
}

#[test]
fn ntlm_and_foreign_files_are_refused_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let export = bitwarden_export(dir.path(), "m", &["hunter2"]);
    let ntlm = dir.path().join("pwned-passwords-ntlm-ordered-by-hash.txt");
    std::fs::write(
        &ntlm,
        format!("{}:3\r\n{}:9\r\n", "0".repeat(32), "A".repeat(32)),
    )
    .unwrap();
    let not_a_dataset = dir.path().join("notes.txt");
    std::fs::write(&not_a_dataset, "shopping list\n").unwrap();
    let ntlm_dir = dir.path().join("ntlm-ranges");
    std::fs::create_dir(&ntlm_dir).unwrap();
    std::fs::write(ntlm_dir.join("00000.txt"), format!("{}:4", "B".repeat(27))).unwrap();
    for (path, says) in [
        (&ntlm, "NTLM"),
        (&ntlm_dir, "NTLM"),
        (&not_a_dataset, "not a Pwned Passwords SHA-1 file"),
        (&dir.path().join("absent.txt"), "absent.txt"),
    ] {
        let out = vaultlint()
            .args(["audit", export.to_str().unwrap(), "--pwned-dataset"])
            .arg(path)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{path:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(says), "{path:?}: {stderr}");
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn unsorted_files_are_refused_or_unknown_never_not_found() {
    let dir = tempfile::tempdir().unwrap();
    let target = "letmein";
    let data = sorted_dataset(dir.path(), &[(target, 5)], 20_000);
    cover(&data, &["hunter2"]);
    let export = bitwarden_export(dir.path(), "m", &[target, "hunter2"]);
    let text = std::fs::read_to_string(&data).unwrap();

    // Ends out of order: refused on open.
    let mut lines: Vec<&str> = text.lines().collect();
    let n = lines.len();
    lines.swap(0, n - 1);
    let reversed = dir.path().join("reversed.txt");
    std::fs::write(&reversed, lines.join("\n") + "\n").unwrap();
    let out = vaultlint()
        .args(["audit", export.to_str().unwrap(), "--pwned-dataset"])
        .arg(&reversed)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not sorted"));

    // The target's line moved far away: the lookup finds the disorder and
    // every answer from that file is unknown.
    let mut lines: Vec<&str> = text.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.starts_with(&sha1_hex(target)))
        .unwrap();
    let away = if at > n / 2 { at - n / 3 } else { at + n / 3 };
    lines.swap(at, away);
    let shuffled = dir.path().join("shuffled.txt");
    std::fs::write(&shuffled, lines.join("\n") + "\n").unwrap();
    let (code, report, _) = audit_json(&[
        export.to_str().unwrap(),
        "--pwned-dataset",
        shuffled.to_str().unwrap(),
    ]);
    assert_eq!(code, 3);
    for r in pwned_by_title(&report).values() {
        assert_eq!(r["status"], "unknown", "{r}");
        assert!(r["reason"].as_str().unwrap().contains("not sorted"), "{r}");
    }
    assert!(
        pwned_check(&report)["note"]
            .as_str()
            .unwrap()
            .contains("m: site1, m: site2")
    );
}

#[test]
fn pwned_off_is_skipped_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let export = bitwarden_export(dir.path(), "m", &["hunter2", "dragon"]);
    let (code, report, _) = audit_json(&[
        export.to_str().unwrap(),
        "--only",
        "pwned",
        "--pwned",
        "off",
    ]);
    assert_eq!(code, 0);
    let check = pwned_check(&report);
    assert_eq!(check["status"], "skipped");
    assert!(check["note"].as_str().unwrap().contains("--pwned off"));
    for r in pwned_by_title(&report).values() {
        assert_eq!(r["status"], "skipped");
        assert!(r["count"].is_null());
    }
    let out = vaultlint()
        .args(["audit", export.to_str().unwrap(), "--only", "pwned"])
        .env("VAULTLINT_PWNED", "off")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("check pwned skipped: turned off (--pwned off)"),
        "{text}"
    );

    let out = vaultlint()
        .args([
            "audit",
            export.to_str().unwrap(),
            "--pwned",
            "off",
            "--pwned-dataset",
            "x.txt",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn no_password_or_hash_in_any_output() {
    let dir = tempfile::tempdir().unwrap();
    let data = sorted_dataset(dir.path(), &[("hunter2", 3), ("dragon", 300)], 2_000);
    cover(&data, PASSWORDS);
    let export = bitwarden_export(dir.path(), "m", PASSWORDS);
    for format in ["json", "table"] {
        let out = vaultlint()
            .args([
                "audit",
                export.to_str().unwrap(),
                "--format",
                format,
                "--pwned-dataset",
            ])
            .arg(&data)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        for p in PASSWORDS {
            assert!(!all.contains(p), "{format}: password shown");
            let h = sha1_hex(p);
            assert!(
                !all.to_uppercase().contains(&h[5..]),
                "{format}: hash shown"
            );
            assert!(
                !all.to_uppercase().contains(&h[..12]),
                "{format}: hash shown"
            );
        }
    }
}
