//! The HTML report in a real browser: headless Chromium, driven by
//! `scripts/html-check.py`, opens the family report at 1280 and 390 px and
//! asserts no horizontal overflow, no console error and the health summary on
//! the first screen; and the same checks fail a page that overflows and
//! breaks its CSP. Skipped, with a message, where Chromium or Python is
//! missing (`scripts/html-check.sh`, run by CI, installs Chromium).

use crate::common;

use std::path::Path;
use std::process::{Command, Output};

/// The checker, or why it cannot run here.
fn checker() -> Result<Command, String> {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "chromium".into());
    match Command::new(&chromium).arg("--version").output() {
        Ok(o) if o.status.success() => {}
        _ => {
            return Err(format!(
                "{chromium} is not installed (apt-get install chromium)"
            ));
        }
    }
    if Command::new("python3").arg("--version").output().is_err() {
        return Err("python3 is not installed".into());
    }
    let mut cmd = Command::new("python3");
    cmd.arg(common::root().join("scripts/html-check.py"))
        .env("CHROMIUM", chromium);
    Ok(cmd)
}

fn check(mut cmd: Command, out: &Path, pages: &[&Path], extra: &[&str]) -> (Output, String) {
    let output = cmd
        .arg("--out")
        .arg(out)
        .args(extra)
        .args(pages)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output, text)
}

#[test]
fn family_report_fits_a_desktop_and_a_phone_in_chromium() {
    let cmd = match checker() {
        Ok(cmd) => cmd,
        Err(why) => {
            eprintln!("skipped: {why}");
            return;
        }
    };
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("family.html");
    let family = |name: &str| format!("{name}=sample-exports/family/{name}.csv");
    common::vaultlint()
        .current_dir(common::root())
        .arg("audit")
        .args([family("alice"), family("bob"), family("carol")])
        .args([
            "--recovery-inventory",
            "sample-exports/family/recovery-inventory.toml",
            "--pwned",
            "off",
            "--format",
            "html",
            "-o",
        ])
        .arg(&page)
        .assert()
        .code(1);
    let shots = dir.path().join("shots");
    let (out, text) = check(cmd, &shots, &[&page], &[]);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("2 of 2 page views passed"), "{text}");
    assert!(
        text.contains("family.html @ 390x844: width 390/390 px, 0 console error(s)"),
        "{text}"
    );
    for name in ["family-1280.png", "family-390.png", "family-390-full.png"] {
        let png = std::fs::read(shots.join(name)).unwrap();
        assert!(png.starts_with(b"\x89PNG"), "{name} is not a PNG");
    }
}

#[test]
fn the_browser_check_fails_a_page_that_overflows_or_logs_errors() {
    let cmd = match checker() {
        Ok(cmd) => cmd,
        Err(why) => {
            eprintln!("skipped: {why}");
            return;
        }
    };
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("broken.html");
    std::fs::write(
        &page,
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\">\
<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\
<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"></head><body>\
<p class=\"member-summary\" style=\"margin-top:900px\">summary</p><div style=\"width:1500px\">wide</div>\
<img src=\"http://127.0.0.1:9/blocked.png\" alt=\"\"></body></html>",
    )
    .unwrap();
    let (out, text) = check(cmd, &dir.path().join("shots"), &[&page], &[]);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("0 of 2 page views passed"), "{text}");
    assert!(
        text.contains("horizontal overflow: the page is 1508 px wide in a 390 px viewport"),
        "{text}"
    );
    assert!(
        text.contains("console error: security: Loading the image"),
        "{text}"
    );
    assert!(text.contains("below the first screen"), "{text}");
}
