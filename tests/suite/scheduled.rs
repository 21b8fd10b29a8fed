//! Scheduled runs: `--baseline` (new, worse, fixed), `--fail-on-new`, and
//! `vaultlint merge` of per-member reports, on the family samples.

use crate::common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use common::{audit, audit_json, sample, vaultlint};
use serde_json::Value;

/// A working copy of alice's export, and the place for reports.
struct Dir {
    dir: tempfile::TempDir,
}

impl Dir {
    fn new() -> Dir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::copy(sample("family/alice.csv"), dir.path().join("alice.csv")).unwrap();
        Dir { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn arg(&self, name: &str) -> String {
        self.path(name).display().to_string()
    }

    /// Audits `alice.csv` as JSON into `name`.
    fn report(&self, name: &str) {
        let out = audit(&[
            &format!("alice={}", self.arg("alice.csv")),
            "--format",
            "json",
            "-o",
            &self.arg(name),
        ])
        .output()
        .unwrap();
        assert!(out.status.code().unwrap() <= 1, "{out:?}");
    }

    /// Fixes the knitting forum's weak password and adds an account with a
    /// weak one.
    fn change_alice(&self) {
        let path = self.path("alice.csv");
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(",alice_knits,monkey1,"));
        let mut text = text.replace(
            ",alice_knits,monkey1,",
            ",alice_knits,Purl-Skein-Wool-Cable-83,",
        );
        text.push_str(
            "\r\nHobbies,,login,Garden club,,,0,https://www.gardenclub.example.org,alice_gardens,tulip12,",
        );
        std::fs::write(&path, text).unwrap();
    }

    /// Audits the changed export against the baseline.
    fn against_baseline(&self, extra: &[&str]) -> (Value, i32) {
        let alice = format!("alice={}", self.arg("alice.csv"));
        let baseline = self.arg("old.json");
        let mut args = vec![alice.as_str(), "--baseline", baseline.as_str()];
        args.extend_from_slice(extra);
        audit_json(&args)
    }
}

fn finding<'a>(doc: &'a Value, id: &str) -> &'a Value {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == id)
        .unwrap_or_else(|| panic!("no finding {id}"))
}

fn account_title<'a>(doc: &'a Value, id: &str) -> &'a str {
    doc["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == id)
        .and_then(|a| a["title"].as_str())
        .unwrap_or_else(|| panic!("no account {id}"))
}

#[test]
fn baseline_reports_exactly_one_new_and_one_fixed() {
    let d = Dir::new();
    d.report("old.json");
    d.change_alice();
    let (doc, code) = d.against_baseline(&[]);
    assert_eq!(
        code, 1,
        "without --fail-on-new the known high findings fail"
    );
    let b = &doc["baseline"];
    assert_eq!(b["path"], d.arg("old.json"));
    let new = b["new"].as_array().unwrap();
    assert_eq!(new.len(), 1, "{b:#}");
    let f = finding(&doc, new[0].as_str().unwrap());
    assert_eq!(f["check"], "weak");
    assert_eq!(
        account_title(&doc, f["accounts"][0].as_str().unwrap()),
        "Garden club"
    );
    let fixed = b["fixed"].as_array().unwrap();
    assert_eq!(fixed.len(), 1, "{b:#}");
    assert_eq!(fixed[0]["check"], "weak");
    assert_eq!(
        fixed[0]["accounts"],
        serde_json::json!(["alice: Knitting forum"])
    );
    assert_eq!(b["worse"], serde_json::json!([]));
    assert_eq!(b["improved"], serde_json::json!([]));
    assert_eq!(
        b["unchanged"].as_array().unwrap().len() + 1,
        doc["findings"].as_array().unwrap().len() - count_not_compared(b),
        "every other finding is unchanged"
    );
    // The pwned check ran in neither report: not compared.
    assert!(
        b["not_compared"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["check"] == "pwned" && n["reason"] == "did not run in either report"),
        "{b:#}"
    );
}

/// The words of a report, one space apart (the table wraps its lines).
fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn count_not_compared(b: &Value) -> usize {
    b["not_compared"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["findings"].as_array().unwrap().len())
        .sum()
}

#[test]
fn baseline_shows_in_every_format() {
    let d = Dir::new();
    d.report("old.json");
    d.change_alice();
    let alice = format!("alice={}", d.arg("alice.csv"));
    let base = d.arg("old.json");
    let run = |format: &str| {
        let out = audit(&[&alice, "--baseline", &base, "--format", format])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{format}");
        String::from_utf8(out.stdout).unwrap()
    };
    let summary = "1 new, 0 worse, 1 fixed, 0 improved";
    for format in ["table", "markdown", "html"] {
        // The table wraps at 80 columns.
        let text = words(&run(format));
        assert!(text.contains(summary), "{format}:\n{text}");
        assert!(text.contains("Garden club"), "{format} names the new one");
        assert!(
            text.contains("Knitting forum"),
            "{format} names the fixed one"
        );
    }
    let csv = run("csv");
    let mut rdr = csv::Reader::from_reader(csv.as_bytes());
    let change = rdr.headers().unwrap().iter().position(|h| h == "change");
    let change = change.expect("a change column");
    let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    let new: Vec<&csv::StringRecord> = rows.iter().filter(|r| &r[change] == "new").collect();
    assert_eq!(new.len(), 1);
    assert_eq!(&new[0][5], "Garden club");
    assert!(rows.iter().all(|r| !r[change].is_empty()));
    let xml = run("junit");
    let doc = roxmltree::Document::parse(&xml).expect("well-formed");
    let prop = |name: &str| {
        doc.descendants()
            .find(|n| n.has_tag_name("property") && n.attribute("name") == Some(name))
            .and_then(|n| n.attribute("value"))
            .map(str::to_owned)
    };
    assert_eq!(prop("baseline.fixed").as_deref(), Some("1"));
    assert!(prop("baseline.summary").unwrap().contains(summary));
    assert_eq!(prop("baseline.new").unwrap().split(' ').count(), 1);
}

#[test]
fn fail_on_new_fails_only_on_new_findings_at_the_threshold() {
    let d = Dir::new();
    d.report("old.json");
    // Nothing changed: the known high findings do not fail.
    let (doc, code) = d.against_baseline(&["--fail-on-new"]);
    assert_eq!(code, 0, "{:#}", doc["summary"]["verdict"]);
    let v = &doc["summary"]["verdict"];
    assert_eq!(v["status"], "pass");
    assert_eq!(v["new_only"], true);
    assert_eq!(doc["baseline"]["new"], serde_json::json!([]));
    // The new weak password is high: it fails at the default threshold,
    // alone (the known high findings do not).
    d.change_alice();
    let (doc, code) = d.against_baseline(&["--fail-on-new"]);
    assert_eq!(code, 1);
    let v = &doc["summary"]["verdict"];
    assert_eq!(v["status"], "fail");
    assert_eq!(v["failing"], doc["baseline"]["new"]);
    assert_eq!(v["failing"].as_array().unwrap().len(), 1);
    let known_high = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "high")
        .count();
    assert!(known_high > 1, "known high findings do not fail");
    // Below the threshold a new finding does not fail.
    let (doc, code) = d.against_baseline(&["--fail-on-new", "--fail-on", "critical"]);
    assert_eq!(code, 0);
    assert_eq!(doc["summary"]["verdict"]["failing"], serde_json::json!([]));
    assert_eq!(doc["baseline"]["new"].as_array().unwrap().len(), 1);
    // The verdict says so in the human reports.
    let out = audit(&[
        &format!("alice={}", d.arg("alice.csv")),
        "--baseline",
        &d.arg("old.json"),
        "--fail-on-new",
    ])
    .output()
    .unwrap();
    let text = words(&String::from_utf8(out.stdout).unwrap());
    assert!(
        text.contains("FAIL: 1 new or worse finding at or above 'high' since the baseline"),
        "{text}"
    );
    // Without a baseline the flag is a usage error.
    let out = audit(&[&d.arg("alice.csv"), "--fail-on-new"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn malformed_baselines_exit_2_naming_the_file() {
    let d = Dir::new();
    let bad = [
        ("missing.json", None),
        ("empty.json", Some("")),
        (
            "export.json",
            Some("name,url,username,password\nA,https://a.example,u,p\n"),
        ),
        (
            "other.json",
            Some(r#"{"schema_version": 2, "tool": {"name": "other"}, "findings": []}"#),
        ),
        (
            "v1.json",
            Some(r#"{"schema_version": 1, "tool": {"name": "vaultlint"}, "findings": []}"#),
        ),
        (
            "partial.json",
            Some(r#"{"schema_version": 2, "tool": {"name": "vaultlint"}, "findings": []}"#),
        ),
    ];
    for (name, text) in bad {
        if let Some(text) = text {
            std::fs::write(d.path(name), text).unwrap();
        }
        let out = audit(&[&d.arg("alice.csv"), "--baseline", &d.arg(name)])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {err}");
        assert!(out.stdout.is_empty(), "{name}: no report");
        assert!(err.contains(&d.arg(name)), "{name}: {err}");
    }
    let err = |name: &str| {
        let out = audit(&[&d.arg("alice.csv"), "--baseline", &d.arg(name)])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    assert!(err("export.json").contains("not JSON"));
    assert!(err("other.json").contains("not a vaultlint JSON report"));
    assert!(err("v1.json").contains("schema version 1"));
    assert!(err("partial.json").contains("generated_at"));
}

/// Audits one family member on their own, as JSON, into `dir`.
fn member_report(dir: &Path, name: &str) -> PathBuf {
    let out_path = dir.join(format!("{name}.json"));
    let out = audit(&[
        &sample(&format!("family/{name}.csv")).display().to_string(),
        "--recovery-inventory",
        &sample("family/recovery-inventory.toml")
            .display()
            .to_string(),
        "--format",
        "json",
        "-o",
        &out_path.display().to_string(),
    ])
    .output()
    .unwrap();
    assert!(out.status.code().unwrap() <= 1, "{out:?}");
    out_path
}

fn merge(args: &[&str]) -> std::process::Output {
    vaultlint().arg("merge").args(args).output().unwrap()
}

fn read(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn fingerprints(doc: &Value) -> Vec<String> {
    let mut v: Vec<String> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["fingerprint"].as_str().unwrap().to_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn merge_of_three_member_reports_is_their_findings_with_cross_member_reuse_not_checked() {
    let dir = tempfile::tempdir().unwrap();
    let members = ["alice", "bob", "carol"];
    let paths: Vec<PathBuf> = members
        .iter()
        .map(|m| member_report(dir.path(), m))
        .collect();
    let args: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    let mut json_args: Vec<&str> = args.iter().map(String::as_str).collect();
    json_args.extend(["--format", "json"]);
    let out = merge(&json_args);
    let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let reports: Vec<Value> = paths.iter().map(|p| read(p)).collect();

    // The same findings (by fingerprint), accounts and members.
    let mut want: Vec<String> = reports.iter().flat_map(fingerprints).collect();
    want.sort();
    assert_eq!(fingerprints(&doc), want);
    let accounts = doc["accounts"].as_array().unwrap();
    let total: usize = reports
        .iter()
        .map(|r| r["accounts"].as_array().unwrap().len())
        .sum();
    assert_eq!(accounts.len(), total);
    // Ids renumbered without collisions, and every reference resolves to
    // an account of the right member.
    for (n, a) in accounts.iter().enumerate() {
        assert_eq!(a["id"], format!("A{}", n + 1));
    }
    let findings = doc["findings"].as_array().unwrap();
    for (n, f) in findings.iter().enumerate() {
        assert_eq!(f["id"], format!("F{}", n + 1));
        for id in f["accounts"].as_array().unwrap() {
            let a = accounts.iter().find(|a| a["id"] == *id).unwrap();
            assert!(
                a["findings"].as_array().unwrap().contains(&f["id"]),
                "{} lists {}",
                a["id"],
                f["id"]
            );
        }
    }
    // Each member's findings are theirs, as in their own report.
    for (m, r) in members.iter().zip(&reports) {
        let mine: BTreeSet<String> = findings
            .iter()
            .filter(|f| {
                let id = &f["accounts"][0];
                accounts.iter().find(|a| a["id"] == *id).unwrap()["member"] == *m
            })
            .map(|f| format!("{} {}", f["fingerprint"], f["message"]))
            .collect();
        let theirs: BTreeSet<String> = r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| format!("{} {}", f["fingerprint"], f["message"]))
            .collect();
        assert_eq!(mine, theirs, "{m}");
    }
    // The plan is made again over the renumbered ids: the members' items.
    let plan = doc["plan"].as_array().unwrap();
    let items: usize = reports
        .iter()
        .map(|r| r["plan"].as_array().unwrap().len())
        .sum();
    assert_eq!(plan.len(), items);
    for item in plan {
        let a = accounts
            .iter()
            .find(|a| a["id"] == item["account"])
            .unwrap();
        assert_eq!(a["member"], item["member"]);
        for step in item["steps"].as_array().unwrap() {
            for id in step["findings"].as_array().unwrap() {
                let f = findings.iter().find(|f| f["id"] == *id).unwrap();
                assert!(f["accounts"].as_array().unwrap().contains(&item["account"]));
            }
        }
    }
    let groups: BTreeSet<&str> = accounts
        .iter()
        .filter_map(|a| a["similar_group"].as_str())
        .collect();
    let per_member: usize = reports
        .iter()
        .map(|r| {
            r["accounts"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|a| a["similar_group"].as_str())
                .collect::<BTreeSet<_>>()
                .len()
        })
        .sum();
    assert_eq!(groups.len(), per_member, "near-reuse groups do not collide");

    // The family audited together finds the same, plus reuse across members.
    let family: Vec<String> = members
        .iter()
        .map(|m| sample(&format!("family/{m}.csv")).display().to_string())
        .collect();
    let mut fargs: Vec<&str> = family.iter().map(String::as_str).collect();
    let inv = sample("family/recovery-inventory.toml")
        .display()
        .to_string();
    fargs.extend(["--recovery-inventory", &inv]);
    let (together, _) = audit_json(&fargs);
    let across =
        |f: &&Value| f["check"] == "reuse_across_members" || f["check"] == "similar_across_members";
    let together_across = together["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(across)
        .count();
    assert!(together_across > 0, "the family shares passwords");
    let mut apart: Vec<String> = together["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| !across(f))
        .map(|f| format!("{} {}", f["fingerprint"], f["severity"]))
        .collect();
    apart.sort();
    let mut merged: Vec<String> = findings
        .iter()
        .map(|f| format!("{} {}", f["fingerprint"], f["severity"]))
        .collect();
    merged.sort();
    assert_eq!(
        merged, apart,
        "the same findings as together, but reuse across members"
    );
    assert_eq!(findings.iter().filter(across).count(), 0);
    assert_eq!(
        doc["merged"]["not_checked"],
        serde_json::json!(["reuse_across_members", "similar_across_members"])
    );
    assert_eq!(doc["merged"]["reports"].as_array().unwrap().len(), 3);
    let reuse = doc["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["check"] == "reuse")
        .unwrap();
    assert!(
        reuse["warnings"][0]
            .as_str()
            .unwrap()
            .contains("reuse_across_members was not checked"),
        "{reuse}"
    );
    // The verdict is decided again: three failing members fail together,
    // and a higher threshold passes.
    assert_eq!(doc["summary"]["verdict"]["status"], "fail");
    assert_eq!(out.status.code(), Some(1));
    let mut crit = json_args.clone();
    crit.extend(["--fail-on", "critical"]);
    let out = merge(&crit);
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let criticals = findings
        .iter()
        .filter(|f| f["severity"] == "critical")
        .count();
    assert_eq!(
        doc["summary"]["verdict"]["failing"]
            .as_array()
            .unwrap()
            .len(),
        criticals
    );
    assert_eq!(out.status.code(), Some(if criticals > 0 { 1 } else { 0 }));

    // Every format says that reuse across members was not checked.
    for format in ["table", "markdown", "html", "csv", "junit"] {
        let mut a: Vec<&str> = args.iter().map(String::as_str).collect();
        a.extend(["--format", format]);
        let out = merge(&a);
        let text = words(&String::from_utf8(out.stdout).unwrap());
        assert!(
            text.to_lowercase().contains("not checked"),
            "{format}:\n{text}"
        );
        if format == "html" {
            // The family page says it in plain words.
            assert!(text.contains("NOT CHECKED: passwords shared or tweaked between members"));
            continue;
        }
        let kind = if format == "markdown" {
            "reuse\\_across\\_members"
        } else {
            "reuse_across_members"
        };
        assert!(text.contains(kind), "{format}:\n{text}");
    }
}

#[test]
fn merge_refuses_two_reports_of_one_member_unless_renamed() {
    let dir = tempfile::tempdir().unwrap();
    let alice = member_report(dir.path(), "alice").display().to_string();
    let out = merge(&[&alice, &alice, "--format", "json"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("member 'alice'") && err.contains("NAME=FILE"),
        "{err}"
    );
    let renamed = format!("mum={alice}");
    let out = merge(&[&alice, &renamed, "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let members: BTreeSet<&str> = doc["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["member"].as_str().unwrap())
        .collect();
    assert_eq!(members, BTreeSet::from(["alice", "mum"]));
    // A bad report is an input error naming it.
    let bogus = dir.path().join("bogus.json");
    std::fs::write(&bogus, "{}").unwrap();
    let out = merge(&[&alice, &bogus.display().to_string()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bogus.json"));
}

#[test]
fn merge_drops_an_account_link_to_no_finding_and_refuses_one_that_is_not_an_id() {
    let dir = tempfile::tempdir().unwrap();
    let alice = member_report(dir.path(), "alice");
    let bob = member_report(dir.path(), "bob").display().to_string();
    let mut doc = read(&alice);
    let listed = doc["accounts"][0]["findings"].clone();
    // A hand-edited report: its first account names a finding it does not have.
    doc["accounts"][0]["findings"]
        .as_array_mut()
        .unwrap()
        .push(Value::from("F999"));
    let edited = dir.path().join("edited.json");
    std::fs::write(&edited, serde_json::to_vec(&doc).unwrap()).unwrap();
    let out = merge(&[&edited.display().to_string(), &bob, "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let merged: Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings = merged["findings"].as_array().unwrap();
    let first = merged["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["member"] == "alice" && a["row"] == doc["accounts"][0]["row"])
        .unwrap();
    // Its real findings, renumbered; every id it lists is a finding naming it.
    assert_eq!(
        first["findings"].as_array().unwrap().len(),
        listed.as_array().unwrap().len()
    );
    for id in first["findings"].as_array().unwrap() {
        let f = findings.iter().find(|f| f["id"] == *id).unwrap();
        assert!(f["accounts"].as_array().unwrap().contains(&first["id"]));
    }
    // Something that is not a finding id is an input error naming the file.
    doc["accounts"][0]["findings"] = serde_json::json!(["X1"]);
    std::fs::write(&edited, serde_json::to_vec(&doc).unwrap()).unwrap();
    let out = merge(&[&edited.display().to_string(), &bob, "--format", "json"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("edited.json"), "{err}");
}

#[test]
fn a_merged_report_compares_with_a_baseline() {
    let d = Dir::new();
    d.report("alice.json");
    let bob = member_report(d.dir.path(), "bob").display().to_string();
    let family = d.arg("family.json");
    let out = merge(&[
        &d.arg("alice.json"),
        &bob,
        "--format",
        "json",
        "-o",
        &family,
    ]);
    assert_eq!(out.status.code(), Some(1));
    d.change_alice();
    d.report("alice.json");
    let out = merge(&[
        &d.arg("alice.json"),
        &bob,
        "--format",
        "json",
        "--baseline",
        &family,
        "--fail-on-new",
    ]);
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let b = &doc["baseline"];
    assert_eq!(b["new"].as_array().unwrap().len(), 1, "{b:#}");
    assert_eq!(b["fixed"].as_array().unwrap().len(), 1, "{b:#}");
    assert_eq!(doc["summary"]["verdict"]["failing"], b["new"]);
    assert_eq!(out.status.code(), Some(1), "the new weak password is high");
}

#[test]
fn a_check_run_for_some_members_only_is_marked_in_a_merge() {
    let dir = tempfile::tempdir().unwrap();
    let bob = member_report(dir.path(), "bob").display().to_string();
    let alice = dir.path().join("alice.json").display().to_string();
    let out = audit(&[
        &sample("family/alice.csv").display().to_string(),
        "--skip",
        "similar",
        "--format",
        "json",
        "-o",
        &alice,
    ])
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let out = merge(&[&alice, &bob, "--format", "json"]);
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        doc["merged"]["partial_checks"],
        serde_json::json!([{"check": "similar", "ran_for": ["bob"], "not_run_for": ["alice"]}])
    );
    let similar = doc["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["check"] == "similar")
        .unwrap();
    assert!(
        similar["note"]
            .as_str()
            .unwrap()
            .starts_with("not run for alice (their accounts were not checked)"),
        "{similar}"
    );
    let out = merge(&[&alice, &bob]);
    let text = words(&String::from_utf8(out.stdout).unwrap());
    assert!(
        text.contains("check similar ran for bob only; not for alice"),
        "{text}"
    );
}

#[test]
fn what_a_baseline_says_is_escaped_in_every_report() {
    let d = Dir::new();
    d.report("old.json");
    // A baseline is input: its titles reach the reports (of fixed findings).
    let path = d.path("old.json");
    let mut doc = read(&path);
    for a in doc["accounts"].as_array_mut().unwrap() {
        if a["title"] == "Knitting forum" {
            a["title"] = "<script>alert(1)</script>\u{1b}[31m|x|".into();
        }
    }
    std::fs::write(&path, serde_json::to_vec(&doc).unwrap()).unwrap();
    d.change_alice();
    let alice = format!("alice={}", d.arg("alice.csv"));
    let base = d.arg("old.json");
    for format in ["table", "markdown", "html", "junit"] {
        let out = audit(&[&alice, "--baseline", &base, "--format", format])
            .output()
            .unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        if format == "junit" {
            roxmltree::Document::parse(&text).expect("well-formed XML");
        } else {
            assert!(
                text.contains("alert(1)"),
                "{format} shows the fixed finding"
            );
        }
        if format != "table" {
            assert!(!text.contains("<script>"), "{format}:\n{text}");
        }
        assert!(!text.contains('\u{1b}'), "{format}");
    }
}
