//! The reports people act on: the action plan in every format, the terminal
//! table's default view and its size, Markdown under GitHub's comment limit,
//! JUnit's one failure per account, and insta snapshots of every renderer on
//! the family samples (the clock fixed with `SOURCE_DATE_EPOCH`).

use crate::common;

use crate::zxcvbn_equivalence::generator;

/// 2026-01-01T00:00:00Z: the audit's clock in the snapshots.
const EPOCH: &str = "1767225600";

fn family(format: &str, extra: &[&str]) -> String {
    let member = |name: &str| format!("{name}=sample-exports/family/{name}.csv");
    let out = common::vaultlint()
        .current_dir(common::root())
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .arg("audit")
        .args([member("alice"), member("bob"), member("carol")])
        .args([
            "--recovery-inventory",
            "sample-exports/family/recovery-inventory.toml",
        ])
        .args(["--pwned", "off", "--format", format])
        .args(extra)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{format}: findings at high");
    assert!(
        out.stderr.is_empty(),
        "{format}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Every renderer on the family samples, byte for byte. Accept a change on
/// purpose with `INSTA_UPDATE=always cargo test --test suite snapshots` (or
/// `cargo insta review`) and review the diff of `tests/suite/snapshots/`.
#[test]
fn family_report_snapshots() {
    for format in ["json", "table", "html", "markdown", "csv", "junit"] {
        let text = family(format, &[]);
        insta::assert_snapshot!(format!("family_{format}"), text);
    }
    insta::assert_snapshot!("family_table_all", family("table", &["--all"]));
}

#[test]
fn the_clock_is_injectable_and_checked() {
    let json: serde_json::Value = serde_json::from_str(&family("json", &[])).unwrap();
    assert_eq!(json["generated_at"], "2026-01-01T00:00:00Z");
    let out = common::audit(&[common::sample("family/alice.csv").to_str().unwrap()])
        .env("SOURCE_DATE_EPOCH", "yesterday")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("SOURCE_DATE_EPOCH"));
}

#[test]
fn the_plan_links_back_to_findings_and_ranks_hubs_and_money_first() {
    let json: serde_json::Value = serde_json::from_str(&family("json", &[])).unwrap();
    let plan = json["plan"].as_array().expect("a plan");
    assert!(!plan.is_empty());
    let ids: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    for (k, item) in plan.iter().enumerate() {
        assert_eq!(item["rank"], k + 1);
        for f in item["findings"].as_array().unwrap() {
            assert!(ids.contains(&f.as_str().unwrap()), "{f} is a finding");
        }
        assert!(!item["steps"].as_array().unwrap().is_empty());
    }
    // Bob's Outlook resets 3 accounts and is weak, reused and similar: first,
    // with one "change the password" step giving every reason.
    let first = &plan[0];
    assert_eq!(first["member"], "bob");
    assert_eq!(first["name"], "Outlook");
    assert_eq!(first["stake"], "hub");
    let change = &first["steps"][0];
    assert_eq!(change["kind"], "change_password");
    let text = change["text"].as_str().unwrap();
    assert!(
        text.contains("weak") && text.contains("used on 1 other account"),
        "{text}"
    );
    let kinds: Vec<&str> = first["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds.iter().filter(|k| **k == "change_password").count(),
        1,
        "said once: {kinds:?}"
    );
    // Stakes never go up the list.
    let order = [
        "hub",
        "money",
        "breached",
        "reused",
        "lockout_risk",
        "weak",
        "other",
    ];
    let pos = |item: &serde_json::Value| {
        order
            .iter()
            .position(|s| *s == item["stake"].as_str().unwrap())
            .unwrap()
    };
    assert!(plan.windows(2).all(|w| pos(&w[0]) <= pos(&w[1])));
    // Alice's PayPal holds money.
    assert!(
        plan.iter()
            .any(|i| i["member"] == "alice" && i["name"] == "PayPal" && i["stake"] == "money")
    );
}

/// The line an 80-column terminal shows, in characters.
fn widest(text: &str) -> usize {
    text.lines().map(|l| l.chars().count()).max().unwrap_or(0)
}

#[test]
fn the_family_table_fits_two_screens_and_starts_with_what_to_fix() {
    let table = family("table", &[]);
    // The report itself; the licence credits of the public datasets it used
    // (one paragraph each, after the "All N findings" line) are not counted.
    let lines = table
        .lines()
        .take_while(|l| !l.starts_with("All ") || !l.contains(" findings: --all"))
        .count()
        + 1;
    assert!(lines <= 100, "{lines} lines:\n{table}");
    assert!(widest(&table) <= 80, "wider than 80 columns:\n{table}");
    assert!(
        table
            .lines()
            .take(3)
            .any(|l| l.starts_with("Fix first: bob: Outlook, carol: iCloud")),
        "starts with what to fix first:\n{table}"
    );
    let plan = table.find("What to fix first").expect("the plan");
    assert!(
        table[plan..].contains("Outlook"),
        "bob's hub mailbox is in his top items"
    );
    assert!(table.contains("--all"), "says how to see everything");
    assert!(!table.contains("(s)"), "plural forms are right");
    assert!(!table.contains("What and why"), "no narrow prose column");
    // The README's excerpt of this output stays true.
    let readme = std::fs::read_to_string(common::root().join("README.md")).unwrap();
    let start = readme
        .find("    What to fix first:")
        .expect("README shows the plan");
    let excerpt: Vec<&str> = readme[start..]
        .lines()
        .take_while(|l| l.starts_with("    "))
        .map(|l| &l[4..])
        .filter(|l| *l != "...")
        .collect();
    assert!(excerpt.len() > 5);
    for line in excerpt {
        assert!(
            table.lines().any(|t| t == line),
            "README line not in the output: {line:?}"
        );
    }
    let all = family("table", &["--all"]);
    assert!(widest(&all) <= 80);
    let json: serde_json::Value = serde_json::from_str(&family("json", &[])).unwrap();
    for f in json["findings"].as_array().unwrap() {
        let id = f["id"].as_str().unwrap();
        assert!(all.contains(&format!(", {id})")), "--all shows {id}");
    }
}

fn generated(entries: usize) -> tempfile::NamedTempFile {
    generated_with(entries, generator::Mix::Realistic)
}

fn generated_with(entries: usize, mix: generator::Mix) -> tempfile::NamedTempFile {
    let vault = generator::generate(entries, 42, mix);
    let file = tempfile::Builder::new().suffix(".csv").tempfile().unwrap();
    generator::write_bitwarden(&vault.rows, std::fs::File::create(file.path()).unwrap()).unwrap();
    file
}

fn report_of(file: &tempfile::NamedTempFile, format: &str) -> String {
    let out = common::audit(&[file.path().to_str().unwrap(), "--format", format])
        .output()
        .unwrap();
    assert!(matches!(out.status.code(), Some(0 | 1)), "{out:?}");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn a_300_account_vault_table_stays_under_200_lines() {
    let file = generated(300);
    let table = report_of(&file, "table");
    let lines = table.lines().count();
    assert!(lines < 200, "{lines} lines");
    assert!(widest(&table) <= 80);
    assert!(table.contains("top 10 shown"), "only the top 10 are shown");
}

/// Dense near reuse (a few hundred shared words): similar groups stay split
/// by shared base, never one finding naming a large share of the vault.
#[test]
fn similar_groups_of_a_dense_300_account_vault_stay_small() {
    let file = generated_with(300, generator::Mix::SharedWords);
    let json: serde_json::Value = serde_json::from_str(&report_of(&file, "json")).unwrap();
    let similar: Vec<usize> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["check"] == "similar")
        .map(|f| f["accounts"].as_array().unwrap().len())
        .collect();
    assert!(similar.len() > 5, "{similar:?}");
    assert!(similar.iter().all(|&n| n <= 30), "{similar:?}");
    let table = report_of(&file, "table");
    assert!(table.lines().count() < 200);
}

/// A 5,000-account vault (about 4 s with a debug build, more under load).
#[test]
#[ignore = "a 5,000-account vault"]
fn markdown_of_a_5000_account_vault_fits_a_github_comment() {
    let file = generated(5_000);
    let md = report_of(&file, "markdown");
    assert!(
        md.chars().count() < 65_536,
        "{} characters",
        md.chars().count()
    );
    assert!(
        md.contains("Left out to fit a GitHub comment"),
        "says what was left out"
    );
    assert!(md.contains("<details>"));
}

#[test]
fn markdown_escapes_every_value_and_folds_details() {
    let md = family("markdown", &[]);
    assert!(md.contains("## What to fix first"));
    assert!(
        md.contains("<details><summary>All 49 findings</summary>")
            || md.contains("<details><summary>All ")
    );
    assert!(md.len() < 65_536);
    let mut f = tempfile::Builder::new().suffix(".csv").tempfile().unwrap();
    use std::io::Write;
    f.write_all(
        b"name,url,username,password\n\
\"<b>bold</b>\",https://a.example,u,password1\n\
\"x\",https://b.example,v,password1\n",
    )
    .unwrap();
    let out = common::audit(&[
        "--columns",
        "title=name,url=url,username=username,password=password",
        f.path().to_str().unwrap(),
        "--format",
        "markdown",
    ])
    .output()
    .unwrap();
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(md.contains("&lt;b&gt;bold&lt;/b&gt;"), "{md}");
    assert!(!md.contains("<b>"));
}

#[test]
fn junit_has_one_case_per_account_and_at_most_one_failure_each() {
    let xml = family("junit", &[]);
    let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
    let json: serde_json::Value = serde_json::from_str(&family("json", &[])).unwrap();
    let accounts = json["accounts"].as_array().unwrap();
    let cases: Vec<_> = doc
        .descendants()
        .filter(|n| {
            n.has_tag_name("testcase") && n.attribute("classname") != Some("vaultlint.checks")
        })
        .collect();
    assert_eq!(cases.len(), accounts.len());
    let failing: Vec<&str> = json["summary"]["verdict"]["failing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    for (case, a) in cases.iter().zip(accounts) {
        let failures = case
            .children()
            .filter(|c| c.has_tag_name("failure"))
            .count();
        assert!(failures <= 1, "{:?}", case.attribute("name"));
        let ids: Vec<&str> = a["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        let fails = ids.iter().any(|id| failing.contains(id));
        assert_eq!(failures == 1, fails, "{:?}", case.attribute("name"));
        let skipped = case.children().any(|c| c.has_tag_name("skipped"));
        assert_eq!(
            skipped,
            !fails && !ids.is_empty(),
            "below --fail-on: skipped"
        );
        let props = case
            .descendants()
            .filter(|c| c.has_tag_name("property"))
            .count();
        assert_eq!(props, ids.len(), "every finding is a property");
    }
    let pwned = doc
        .descendants()
        .find(|n| n.has_tag_name("testcase") && n.attribute("name") == Some("pwned ran"))
        .unwrap();
    assert!(pwned.children().any(|c| c.has_tag_name("skipped")));
}

#[test]
fn writing_to_a_file_says_what_where_and_the_verdict_on_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.html");
    let out = common::audit(&[
        common::sample("family/alice.csv").to_str().unwrap(),
        "--format",
        "html",
        "-o",
        path.to_str().unwrap(),
    ])
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("wrote the html report to"), "{err}");
    assert!(err.contains("report.html"), "{err}");
    assert!(err.contains("11 accounts"), "{err}");
    assert!(err.contains("FAIL"), "{err}");
    assert!(path.exists());
}

/// A recovery mailbox that is not in the exports gets a plan item, but it is
/// not one of the member's accounts: the heading never says "5 of 4".
#[test]
fn a_mailbox_outside_the_exports_is_not_counted_as_an_account() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("dora.csv");
    std::fs::write(
        &csv,
        "name,url,username,password,note\n\
         GitHub,https://github.com,dora@gmail.com,Tr1cky-Walrus-88!,\n\
         Dropbox,https://dropbox.com,dora@gmail.com,Tr1cky-Walrus-88!,\n\
         Amazon,https://amazon.com,dora@gmail.com,Tr1cky-Walrus-89!,\n\
         Etsy,https://etsy.com,dora@gmail.com,password1,\n",
    )
    .unwrap();
    let out = common::vaultlint()
        .args(["audit", "--pwned", "off"])
        .arg(format!("dora={}", csv.display()))
        .output()
        .unwrap();
    // The table wraps at 80 columns: read it as one line of words.
    let text = String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        text.contains("dora: 4 of 4 accounts to fix, and 1 recovery mailbox outside the exports"),
        "{text}"
    );
    assert!(
        text.contains("What to fix first: 4 accounts and 1 recovery mailbox need work"),
        "{text}"
    );
}
