//! The policy file: severity overrides, accepted risks by fingerprint,
//! flags over the file, and errors that name the line.

use crate::common;

use common::{audit, audit_json, sample};
use predicates::prelude::*;
use std::io::Write;

fn alice() -> String {
    sample("family/alice.csv").display().to_string()
}

fn policy(text: &str) -> tempfile::NamedTempFile {
    let mut f = tempfile::Builder::new().suffix(".toml").tempfile().unwrap();
    f.write_all(text.as_bytes()).unwrap();
    f
}

fn reuse_fingerprints(doc: &serde_json::Value) -> Vec<String> {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["check"] == "reuse")
        .map(|f| f["fingerprint"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn accepted_risks_are_suppressed_and_listed() {
    let (before, _) = audit_json(&[&alice(), "--only", "reuse"]);
    let fps = reuse_fingerprints(&before);
    assert_eq!(fps.len(), 1);
    let p = policy(&format!(
        "[[ignore]]\nfingerprint = \"{}\"\nreason = \"shared family login\"\n",
        fps[0]
    ));
    let path = p.path().display().to_string();
    let (after, code) = audit_json(&[&alice(), "--only", "reuse", "--policy", &path]);
    assert_eq!(code, 0, "the only high finding was accepted");
    assert!(reuse_fingerprints(&after).is_empty());
    let suppressed = after["summary"]["suppressed"].as_array().unwrap();
    assert_eq!(suppressed.len(), 1);
    assert_eq!(suppressed[0]["reason"], "shared family login");
    assert_eq!(suppressed[0]["fingerprint"], fps[0].as_str());
    audit(&[&alice(), "--only", "reuse", "--policy", &path])
        .assert()
        .stdout(predicate::str::contains(
            "1 finding accepted as a known risk",
        ));
}

#[test]
fn expired_and_unused_ignores_are_reported() {
    let (before, _) = audit_json(&[&alice(), "--only", "reuse"]);
    let fp = reuse_fingerprints(&before).remove(0);
    let p = policy(&format!(
        "[[ignore]]\nfingerprint = \"{fp}\"\nreason = \"r\"\nexpires = \"2001-01-01\"\n\
[[ignore]]\nfingerprint = \"0000000000000000\"\nreason = \"gone\"\n"
    ));
    let path = p.path().display().to_string();
    let (doc, code) = audit_json(&[&alice(), "--only", "reuse", "--policy", &path]);
    assert_eq!(code, 1, "an expired acceptance no longer hides the finding");
    assert_eq!(reuse_fingerprints(&doc), vec![fp]);
    let warnings = doc["summary"]["policy_warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 2);
    assert!(warnings[0].as_str().unwrap().contains("expired"));
    assert!(warnings[1].as_str().unwrap().contains("can be removed"));
}

#[test]
fn severity_overrides_and_flags_over_file() {
    let p = policy("fail_on = \"medium\"\n[severity]\nreuse = \"low\"\n");
    let path = p.path().display().to_string();
    let (doc, code) = audit_json(&[&alice(), "--only", "reuse,insecure_url", "--policy", &path]);
    assert_eq!(
        code, 1,
        "insecure_url is medium and the file fails on medium"
    );
    assert_eq!(doc["summary"]["fail_on"], "medium");
    for f in doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["check"] == "reuse")
    {
        assert_eq!(f["severity"], "low");
    }
    let (doc, code) = audit_json(&[
        &alice(),
        "--only",
        "reuse,insecure_url",
        "--policy",
        &path,
        "--fail-on",
        "high",
    ]);
    assert_eq!(code, 0, "--fail-on overrides the file");
    assert_eq!(doc["summary"]["fail_on"], "high");
}

#[test]
fn policy_errors_name_file_and_line() {
    let p = policy("fail_on = \"high\"\n[severity]\nweak = \"loud\"\n");
    let path = p.path().display().to_string();
    audit(&[&alice(), "--policy", &path])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains(format!("{path}:3:")).and(predicate::str::contains("loud")),
        );
    audit(&[&alice(), "--policy", "/nonexistent/policy.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("/nonexistent/policy.toml"));
}
