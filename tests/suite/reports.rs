//! Every report format escapes what it prints: hostile export cells cannot
//! inject markup, formulas or terminal escapes, and no secret appears.

use crate::common;

use common::{audit, sample};
use std::io::Write;

/// An export whose titles and usernames are attacks on each report format.
fn hostile() -> tempfile::NamedTempFile {
    let mut f = tempfile::Builder::new().suffix(".csv").tempfile().unwrap();
    f.write_all(
        b"name,url,username,password\n\
\"<script>alert(1)</script>\",https://a.example,\"=HYPERLINK(\"\"http://evil\"\")\",Hostile-Pass-1\n\
\"a|b **bold** [x](javascript:y)\",https://b.example,\"@SUM(A1)\",Hostile-Pass-1\n\
\"</failure><x a='1'>\x1b[31m\",http://c.example,\"+cmd|' /C calc'!A0\",Hostile-Pass-1\n",
    )
    .unwrap();
    f
}

fn report(format: &str, file: &tempfile::NamedTempFile) -> String {
    let path = file.path().display().to_string();
    let out = audit(&[
        "--columns",
        "title=name,url=url,username=username,password=password",
        &path,
        "--format",
        format,
    ])
    .output()
    .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{format}: high reuse finding fails the run"
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        !text.contains("Hostile-Pass-1"),
        "{format}: password leaked"
    );
    assert!(
        !text.contains('\u{1b}'),
        "{format}: escape sequence passed through"
    );
    text
}

#[test]
fn html_is_escaped_and_self_contained() {
    let f = hostile();
    let html = report("html", &f);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(!html.contains("<script>"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("default-src 'none'"), "a CSP forbids scripts");
    assert!(!html.contains("src=\"http"), "no external resources");
    assert!(html.contains("class=\"sev high\""));
}

#[test]
fn csv_neutralises_formulas() {
    let f = hostile();
    let text = report("csv", &f);
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let headers = rdr.headers().unwrap().clone();
    let user = headers.iter().position(|h| h == "username").unwrap();
    let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    assert!(rows.len() >= 3, "one row per (finding, account)");
    for row in &rows {
        for cell in row.iter() {
            assert!(
                !matches!(cell.chars().next(), Some('=' | '+' | '-' | '@')),
                "cell starts a formula: {cell}"
            );
        }
    }
    assert!(rows.iter().any(|r| r[user].starts_with("'=HYPERLINK")));
}

#[test]
fn markdown_escapes_table_syntax() {
    let f = hostile();
    let md = report("markdown", &f);
    assert!(md.contains("a\\|b \\*\\*bold\\*\\* \\[x\\](javascript:y)"));
    assert!(!md.contains("<script>"));
    for line in md.lines().filter(|l| l.starts_with("| F")) {
        // Five columns: the title's pipe did not add a sixth.
        assert_eq!(line.matches(" | ").count(), 4, "{line}");
    }
}

#[test]
fn junit_is_well_formed_and_fails_the_right_cases() {
    let f = hostile();
    let xml = report("junit", &f);
    let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
    let member = doc
        .descendants()
        .find(|n| n.has_tag_name("testsuite") && n.attribute("name") != Some("checks"))
        .expect("a suite for the member");
    assert_eq!(member.attribute("failures"), Some("3"), "one per account");
    let pwned = doc
        .descendants()
        .find(|n| n.has_tag_name("testcase") && n.attribute("name") == Some("pwned ran"))
        .expect("a case for the pwned check");
    assert!(
        pwned.children().any(|c| c.has_tag_name("skipped")),
        "the skipped check is skipped, not passed"
    );
}

#[test]
fn every_format_renders_the_family() {
    let alice = sample("family/alice.csv").display().to_string();
    for format in ["table", "json", "html", "csv", "markdown", "junit"] {
        let out = audit(&[&alice, "--format", format]).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{format}");
        assert!(!out.stdout.is_empty(), "{format} wrote nothing");
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(
            text.contains("Amazon"),
            "{format} lacks the reuse finding's account"
        );
    }
}

/// Five accounts with one password: a critical reuse finding.
fn critical() -> tempfile::NamedTempFile {
    let mut f = tempfile::Builder::new().suffix(".csv").tempfile().unwrap();
    let mut text = String::from("name,url,username,password\n");
    for n in 1..=5 {
        text.push_str(&format!(
            "Site{n},https://s{n}.example,user{n},Same-Pass-77\n"
        ));
    }
    f.write_all(text.as_bytes()).unwrap();
    f
}

#[test]
fn exit_zero_keeps_the_fail_verdict_in_every_report() {
    let f = critical();
    let path = f.path().display().to_string();
    let run = |format: &str, extra: &[&str]| {
        let mut args = vec![
            "--columns",
            "title=name,url=url,username=username,password=password",
            path.as_str(),
            "--format",
            format,
        ];
        args.extend_from_slice(extra);
        let out = audit(&args).output().unwrap();
        // HTML escapes the quotes around the threshold.
        let text = String::from_utf8(out.stdout).unwrap();
        (out.status.code(), text.replace("&#x27;", "'"))
    };
    for format in ["table", "html", "markdown"] {
        let (code, text) = run(format, &["--exit-zero"]);
        assert_eq!(code, Some(0), "{format}: --exit-zero exits 0");
        assert!(!text.contains("PASS"), "{format} says PASS:\n{text}");
        assert!(
            text.contains("FAIL: 1 finding at or above 'high'"),
            "{format} lacks the FAIL verdict:\n{text}"
        );
        assert!(text.contains("exit 0: --exit-zero"), "{format}");
        let (code, text) = run(format, &[]);
        assert_eq!(code, Some(1), "{format}");
        assert!(text.contains("FAIL: 1 finding"), "{format}");
        let (code, text) = run(format, &["--fail-on", "critical", "--exit-zero"]);
        assert_eq!(code, Some(0), "{format}");
        assert!(
            text.contains("FAIL: 1 finding at or above 'critical'"),
            "{format}"
        );
    }
    let (code, text) = run("json", &["--exit-zero"]);
    assert_eq!(code, Some(0));
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let verdict = &doc["summary"]["verdict"];
    assert_eq!(verdict["status"], "fail");
    assert_eq!(verdict["fail_on"], "high");
    assert_eq!(verdict["failing"], serde_json::json!(["F1"]));
    assert_eq!(doc["findings"][0]["severity"], "critical");
    assert_eq!(doc["summary"]["exit_code"], 0);
    // JUnit reads the verdict's failing findings, whatever the exit code.
    let (code, xml) = run("junit", &["--exit-zero"]);
    assert_eq!(code, Some(0));
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let member = doc
        .descendants()
        .find(|n| n.has_tag_name("testsuite") && n.attribute("name") != Some("checks"))
        .unwrap();
    assert_eq!(member.attribute("failures"), Some("5"), "one per account");
    // Below the threshold the verdict passes.
    let (code, text) = run("table", &["--only", "insecure_url"]);
    assert_eq!(code, Some(0));
    assert!(
        text.contains("PASS: no finding at or above 'high' (exit 0)"),
        "{text}"
    );
}

/// XML 1.0 `Char`: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
fn xml_char(c: char) -> bool {
    matches!(c as u32, 0x9 | 0xa | 0xd | 0x20..=0xd7ff | 0xe000..=0xfffd | 0x10000..=0x10ffff)
}

/// Runs `--format format` over `export` (columns name,url,username,password).
fn render(format: &str, export: &std::path::Path) -> (Option<i32>, String) {
    let path = export.display().to_string();
    let out = audit(&[
        "--columns",
        "title=name,url=url,username=username,password=password",
        &path,
        "--format",
        format,
    ])
    .timeout(std::time::Duration::from_secs(120))
    .output()
    .unwrap();
    (
        out.status.code(),
        String::from_utf8(out.stdout).expect("UTF-8 report"),
    )
}

#[test]
fn xml_invalid_characters_never_reach_junit_or_html() {
    let mut f = tempfile::Builder::new().suffix(".csv").tempfile().unwrap();
    f.write_all(
        "name,url,username,password\n\
Bad\u{fffe}Title\u{ffff}End\u{1}\u{1fffe},https://a.example,user\u{fffe},Shared-Pass-9\n\
Other\u{ffff},https://b.example,u2,Shared-Pass-9\n"
            .as_bytes(),
    )
    .unwrap();
    let (code, xml) = render("junit", f.path());
    assert_eq!(code, Some(1));
    let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
    let names: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .filter_map(|n| n.attribute("name"))
        .collect();
    assert!(names.iter().any(|n| n.contains("BadTitleEnd")), "{names:?}");
    for format in ["html", "markdown", "csv", "table"] {
        let (code, text) = render(format, f.path());
        assert_eq!(code, Some(1), "{format}");
        assert!(text.contains("BadTitleEnd"), "{format}: {text}");
        let bad: Vec<char> = text.chars().filter(|c| !xml_char(*c)).collect();
        assert!(bad.is_empty(), "{format} holds {bad:?}");
    }
}

#[test]
#[ignore = "slow: run by `cargo test -- --ignored` (CI does)"]
fn a_one_megabyte_title_is_cut_for_display_in_every_human_format() {
    // Characters of two bytes: cut by characters, never inside one.
    let title = "é".repeat(499_000);
    let mut f = tempfile::Builder::new().suffix(".csv").tempfile().unwrap();
    f.write_all(
        format!(
            "name,url,username,password\n\"{title}\",https://a.example,u1,Long-Title-Pass-3\n\
Short,https://b.example,u2,Long-Title-Pass-3\n"
        )
        .as_bytes(),
    )
    .unwrap();
    for format in ["table", "html", "markdown", "csv", "junit"] {
        let (code, text) = render(format, f.path());
        assert_eq!(code, Some(1), "{format}");
        assert!(
            text.len() < 200_000,
            "{format}: {} bytes for a 1 MB title",
            text.len()
        );
        assert!(text.contains("éé…"), "{format} lacks the cut marker");
        assert!(!text.contains(&title[..20_000]), "{format} shows it whole");
    }
    let (code, json) = render("json", f.path());
    assert_eq!(code, Some(1));
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    let titles: Vec<&str> = doc["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert!(
        titles.contains(&title.as_str()),
        "JSON keeps the title whole"
    );
}
