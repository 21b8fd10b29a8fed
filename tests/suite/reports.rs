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

/// The family report as HTML (breaches not checked, the recovery inventory given).
fn family_html(extra: &[&str]) -> String {
    family_report("html", extra)
}

/// The family report in `format` (breaches not checked, the recovery inventory given).
fn family_report(format: &str, extra: &[&str]) -> String {
    let family = |name: &str| format!("{name}=sample-exports/family/{name}.csv");
    let out = common::vaultlint()
        .current_dir(common::root())
        .arg("audit")
        .args([family("alice"), family("bob"), family("carol")])
        .args([
            "--recovery-inventory",
            "sample-exports/family/recovery-inventory.toml",
        ])
        .args(["--pwned", "off", "--format", format])
        .args(extra)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    String::from_utf8(out.stdout).unwrap()
}

/// The line of `html` holding the element with `id` (the page writes each
/// finding and each account on one line).
fn element<'a>(html: &'a str, id: &str) -> &'a str {
    html.lines()
        .find(|l| l.contains(&format!(" id=\"{id}\"")))
        .unwrap_or_else(|| panic!("no element with id {id}"))
}

#[test]
fn html_health_page_starts_with_the_summary_and_keeps_jargon_in_the_footer() {
    let html = family_html(&[]);
    let (page, footer) = html.split_once("<footer").expect("a technical footer");
    let pos = |s: &str| page.find(s).unwrap_or_else(|| panic!("no {s}"));
    // Order: banner, summary, charts, details, accounts.
    assert!(pos("class=\"banner\"") < pos("id=\"health\""));
    assert!(pos("id=\"health\"") < pos("id=\"charts\""));
    assert!(pos("id=\"charts\"") < pos("id=\"plan\""));
    assert!(pos("id=\"plan\"") < pos("id=\"details\""));
    assert!(pos("id=\"details\"") < pos("id=\"accounts\""));
    // The banner says, in words, which check did not run.
    assert!(
        page.contains("<strong>Breached passwords were not checked.</strong>"),
        "{page}"
    );
    // Per member: a grade, the seven category cards, recovery readiness.
    assert_eq!(page.matches("<article class=\"member-summary\"").count(), 3);
    assert_eq!(page.matches("<li class=\"card").count(), 21);
    assert_eq!(page.matches("class=\"grade grade-").count(), 3);
    assert!(page.contains("How the grade is computed: each account scores 100"));
    for label in [
        "reused",
        "similar",
        "weak",
        "breached",
        "lockout risk",
        "2FA missing",
        "insecure",
    ] {
        assert!(
            page.contains(&format!("</b>{label}</a>")),
            "no {label} card"
        );
    }
    // Breaches were only partly checked (sites yes, passwords no): a floor, not a zero.
    assert!(
        page.contains("<b>1+</b>breached"),
        "bob's Yahoo breach, partly checked"
    );
    assert!(
        page.contains("with 2FA have saved backup codes"),
        "readiness sentence"
    );
    // Each card links to its member's checklist.
    for (n, member) in ["alice", "bob", "carol"].iter().enumerate() {
        let card = element(page, &format!("m{}", n + 1));
        assert!(card.contains(&format!("<h3>{member}</h3>")), "{card}");
        assert!(
            card.contains(&format!("<a href=\"#plan-m{}\">", n + 1)),
            "{card}"
        );
        assert!(page.contains(&format!("<h3 id=\"plan-m{}\">{member} ", n + 1)));
    }
    // Three charts, each an SVG image with a text alternative and its numbers
    // (and the lockout drill's pictures, one per member and drawn scenario).
    let pictures = page.matches("<summary>Picture: ").count();
    assert!(pictures >= 3, "{pictures} drill pictures");
    assert_eq!(page.matches("<figure class=\"chart\">").count(), 3);
    assert_eq!(page.matches("<svg viewBox=").count(), 3 + pictures);
    assert_eq!(
        page.matches("role=\"img\" aria-label=\"").count(),
        3 + 3 + pictures
    );
    assert_eq!(page.matches("<summary>The numbers</summary>").count(), 3);
    assert!(page.contains("aria-label=\"Strength: alice: "));
    // Every finding is reachable from each of its accounts, and back.
    let findings = page.matches("<article class=\"finding\" id=\"F").count();
    assert!(findings > 20, "{findings} findings");
    for n in 1..=findings {
        let f = element(page, &format!("F{n}"));
        for a in f.split("href=\"#").skip(1) {
            let account = &a[..a.find('"').unwrap()];
            assert!(
                element(page, account).contains(&format!("href=\"#F{n}\"")),
                "F{n} is not linked from {account}"
            );
        }
    }
    // No CI jargon outside the footer; the footer keeps the verdict and credits.
    for jargon in ["exit 1", "exit code", "FAIL", ">F1<", ">A1<", "--fail-on"] {
        assert!(!page.contains(jargon), "{jargon} before the footer");
    }
    assert!(
        footer.contains("Verdict: FAIL: ") && footer.contains(" findings at or above"),
        "{footer}"
    );
    assert!(footer.contains("(exit 1)"));
    assert!(footer.contains("Have I Been Pwned") && footer.contains("CC BY 4.0"));
    assert!(footer.contains("sample-exports/family/bob.csv"));
}

#[test]
fn html_escapes_member_names_and_titles_everywhere() {
    let f = hostile();
    let path = f.path().display().to_string();
    let out = audit(&[
        "--columns",
        "title=name,url=url,username=username,password=password",
        &format!("<b>m&m={path}"),
        "--format",
        "html",
    ])
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let html = String::from_utf8(out.stdout).unwrap();
    assert!(!html.contains("<b>m&m"));
    assert!(!html.contains("<script>"));
    assert!(!html.contains("<x a="));
    // The summary card, the charts (text and alternative), the accounts.
    assert!(html.contains("<h3>&lt;b&gt;m&amp;m</h3>"), "{html}");
    assert!(html.contains("class=\"lbl\">&lt;b&gt;m&amp;m</text>"));
    assert!(html.contains("aria-label=\"Strength: &lt;b&gt;m&amp;m: "));
    assert!(html.contains("<b>&lt;script&gt;alert(1)&lt;/script&gt;</b>"));
    assert!(html.contains("&lt;/failure&gt;&lt;x a=&#x27;1&#x27;&gt;"));
    assert!(html.contains("img-src data:"), "strict CSP");
}

#[test]
fn html_plan_is_a_checklist_per_member_in_the_plans_order_linked_to_findings() {
    let html = family_html(&[]);
    let doc: serde_json::Value = serde_json::from_str(&family_report("json", &[])).unwrap();
    let plan = doc["plan"].as_array().unwrap();
    assert!(!plan.is_empty());
    let section = &html[html.find("<section id=\"plan\">").unwrap()
        ..html.find("<section id=\"details\">").unwrap()];
    assert_eq!(
        section.matches("<input type=\"checkbox\"").count(),
        plan.len()
    );
    for (n, member) in ["alice", "bob", "carol"].into_iter().enumerate() {
        // The member's items, in the plan's order.
        let items: Vec<u64> = plan
            .iter()
            .filter(|p| p["member"] == member)
            .map(|p| p["rank"].as_u64().unwrap())
            .collect();
        let at: Vec<usize> = items
            .iter()
            .map(|r| {
                section
                    .find(&format!("<li id=\"plan-{r}\">"))
                    .unwrap_or_else(|| panic!("no item {r}"))
            })
            .collect();
        assert!(at.windows(2).all(|w| w[0] < w[1]), "{member}: out of order");
        assert!(
            section.contains(&format!("<h3 id=\"plan-m{}\">{member} ", n + 1)),
            "a heading for {member}"
        );
    }
    for p in plan {
        let line = element(section, &format!("plan-{}", p["rank"]));
        assert!(
            line.contains(&format!(
                "<b><a href=\"#{}\">",
                p["account"].as_str().unwrap()
            )),
            "{line}"
        );
        for f in p["findings"].as_array().unwrap() {
            assert!(
                line.contains(&format!("href=\"#{}\"", f.as_str().unwrap())),
                "{line} lacks {f}"
            );
        }
        // The account links back to its item.
        let account = element(&html, p["account"].as_str().unwrap());
        assert!(
            account.contains(&format!("href=\"#plan-{}\"", p["rank"])),
            "{account}"
        );
    }
}

#[test]
fn html_shows_check_warnings_above_the_summary_in_words() {
    let dir = tempfile::tempdir().unwrap();
    let inventory = dir.path().join("inventory.toml");
    std::fs::write(
        &inventory,
        "[[codes]]\nsite = \"nowhere.example\"\nwhere = \"<b>drawer</b>\"\n",
    )
    .unwrap();
    let alice = sample("family/alice.csv").display().to_string();
    let out = audit(&[
        &alice,
        "--recovery-inventory",
        &inventory.display().to_string(),
        "--format",
        "html",
    ])
    .output()
    .unwrap();
    let html = String::from_utf8(out.stdout).unwrap();
    let box_at = html
        .find("<div class=\"notes\" role=\"note\"><ul>")
        .expect("a notes box");
    let notes = html
        .find("<li><b>2FA and backup codes:</b> recovery inventory ")
        .expect("the warning, named by what the check looks at");
    assert!(box_at < notes, "in the notes box");
    assert!(
        notes < html.find("id=\"health\"").unwrap(),
        "above the summary"
    );
    assert!(html[notes..].contains("&#x27;nowhere.example&#x27; matches no audited account"));
    assert!(!html.contains("check recovery:"), "no internal check name");
}

/// A 300-account vault: the page folds what is long (the account list, the
/// findings of a check after the first ten, a member's plan after ten
/// items) and still shows every finding and every account.
#[test]
fn html_of_a_300_account_vault_folds_long_lists() {
    use crate::zxcvbn_equivalence::generator;
    let vault = generator::generate(300, 42, generator::Mix::Realistic);
    let file = tempfile::Builder::new().suffix(".csv").tempfile().unwrap();
    generator::write_bitwarden(&vault.rows, std::fs::File::create(file.path()).unwrap()).unwrap();
    let path = file.path().display().to_string();
    let html = |format: &str| {
        let out = audit(&[&format!("family={path}"), "--format", format])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        String::from_utf8(out.stdout).unwrap()
    };
    let doc: serde_json::Value = serde_json::from_str(&html("json")).unwrap();
    let page = html("html");
    let findings = doc["findings"].as_array().unwrap().len();
    let plan = doc["plan"].as_array().unwrap().len();
    assert!(
        findings > 30 && plan > 10,
        "{findings} findings, {plan} items"
    );
    assert_eq!(
        page.matches("<article class=\"finding\" id=\"F").count(),
        findings
    );
    assert_eq!(page.matches("<li id=\"A").count(), 300);
    assert_eq!(page.matches("<input type=\"checkbox\"").count(), plan);
    // Folded: the 300 accounts, a member's plan after 10 items, a check's findings after 10.
    assert!(
        page.contains("<details><summary>family: 300 accounts, "),
        "account list open"
    );
    assert!(page.contains(&format!(
        "<details><summary>{} more items for family</summary>",
        plan - 10
    )));
    assert!(page.contains(" more findings</summary>") || page.contains("1 more finding</summary>"));
    assert!(page.len() < 600_000, "{} bytes", page.len());
}
