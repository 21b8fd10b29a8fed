//! `vaultlint pwned verify` and the start-up checks of `pwned serve`: a
//! complete dataset passes; a line out of order (only a full pass sees
//! it), a cut file, an empty or damaged range file fail with exit 2 and the
//! file and line.

use crate::pwned_support;

use std::time::Duration;

use pwned_support::*;

fn verify(path: &std::path::Path) -> (i32, String, String) {
    let out = vaultlint()
        .args(["pwned", "verify"])
        .arg(path)
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
#[ignore = "slow: run by `cargo test -- --ignored` (CI does)"]
fn complete_file_is_valid_and_one_moved_line_is_caught() {
    let dir = tempfile::tempdir().unwrap();
    let data = full_dataset(dir.path(), &[("password", 9)]);
    let (code, stdout, stderr) = verify(&data);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("valid: 1048577 lines"), "{stdout}");
    assert!(stdout.contains(" s)"), "the time is shown: {stdout}");

    // One line moved: lookups may never pass it; verify names its line.
    let text = std::fs::read_to_string(&data).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    let moved = lines.remove(800_000);
    lines.insert(200_000, moved);
    let one_moved = dir.path().join("one_moved.txt");
    std::fs::write(&one_moved, lines.join("\n") + "\n").unwrap();
    let (code, _, stderr) = verify(&one_moved);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("one_moved.txt:200001: out of order"),
        "{stderr}"
    );
    assert!(
        stderr.contains("NOT VALID") && stderr.contains("Do not trust"),
        "{stderr}"
    );

    // Served with --verify: refused; served without: the quick check passes.
    let out = vaultlint()
        .args([
            "pwned",
            "serve",
            "--verify",
            "--listen",
            "127.0.0.1:0",
            "--dataset",
        ])
        .arg(&one_moved)
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("out of order"));
}

#[test]
fn cut_and_subset_files_are_not_valid_and_not_served() {
    let dir = tempfile::tempdir().unwrap();
    let data = sorted_dataset(dir.path(), &[("hunter2", 3)], 3_000);
    let (code, _, stderr) = verify(&data);
    assert_eq!(code, 2);
    assert!(stderr.contains("prefixes without rows"), "{stderr}");
    // Cut inside the last line's count.
    let bytes = std::fs::read(&data).unwrap();
    std::fs::write(&data, &bytes[..bytes.len() - 3]).unwrap();
    let (code, _, stderr) = verify(&data);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("does not end with a line break"),
        "{stderr}"
    );
    // The quick start-up check of the mirror refuses both.
    for ds in [&data, &sorted_dataset(dir.path(), &[], 3_000)] {
        let out = vaultlint()
            .args(["pwned", "serve", "--listen", "127.0.0.1:0", "--dataset"])
            .arg(ds)
            .timeout(Duration::from_secs(30))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("pwned verify"), "{stderr}");
    }
}

#[test]
#[ignore = "slow: run by `cargo test -- --ignored` (CI does)"]
fn range_directory_problems_name_the_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let root = range_dir(dir.path(), &[("hunter2", 3), ("letmein", 5)]);
    let s = |c: char| c.to_string().repeat(35);
    std::fs::write(root.join("00001.txt"), "").unwrap();
    std::fs::write(
        root.join("00002.txt"),
        format!("{}:1\r\n{}:2", s('9'), s('1')),
    )
    .unwrap();
    let (code, _, stderr) = verify(&root);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("00001.txt: the range has no rows"),
        "{stderr}"
    );
    assert!(
        stderr.contains("00002.txt: line 2 is out of order"),
        "{stderr}"
    );
    assert!(stderr.contains("in 5 range files"), "{stderr}");
}

/// The reproduction inputs, when ../shared is there.
#[test]
#[ignore = "slow: run by `cargo test -- --ignored` (CI does)"]
fn shared_repro_datasets_fail_verification() {
    let repro = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/repro/trust");
    if !repro.exists() {
        return;
    }
    for ds in ["one_moved.txt", "trunc_half_lines.txt", "dir_empty_file"] {
        let (code, _, stderr) = verify(&repro.join(ds));
        assert_eq!(code, 2, "{ds}: {stderr}");
    }
}
