//! CLI tests of near reuse (`similar`) and strength (`weak`) on the family
//! samples: the tweaked pairs with their explanations, `--only` / `--skip`,
//! the per-account JSON, and that no password reaches any output.

use serde_json::Value;

use crate::common::{self, audit_all_json as audit_json, vaultlint};

fn sample(name: &str) -> String {
    common::sample("family").join(name).display().to_string()
}

fn alice_bob() -> Vec<String> {
    vec![
        format!("alice={}", sample("alice.csv")),
        format!("bob={}", sample("bob.csv")),
    ]
}

fn refs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// Every password of a sample file (column `column` of its CSV).
fn passwords(file: &str, column: &str) -> Vec<String> {
    let mut r = csv::Reader::from_path(sample(file)).unwrap();
    let at = r
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == column)
        .unwrap();
    r.records()
        .map(|rec| rec.unwrap()[at].to_owned())
        .filter(|p| !p.is_empty())
        .collect()
}

fn title(doc: &Value, id: &Value) -> String {
    let a = doc["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == *id)
        .unwrap();
    format!(
        "{}:{}",
        a["member"].as_str().unwrap(),
        a["title"].as_str().unwrap()
    )
}

fn similar_findings(doc: &Value) -> Vec<(Vec<String>, &Value)> {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["check"] == "similar")
        .map(|f| {
            let titles = f["accounts"]
                .as_array()
                .unwrap()
                .iter()
                .map(|id| title(doc, id))
                .collect();
            (titles, f)
        })
        .collect()
}

#[test]
fn family_tweaks_are_found_and_explained() {
    let (doc, code) = audit_json(&refs(&alice_bob()));
    assert_eq!(code, 1);
    let found = similar_findings(&doc);
    let groups: Vec<&Vec<String>> = found.iter().map(|(t, _)| t).collect();
    assert_eq!(
        groups,
        [
            ["alice:GitHub", "alice:GitLab"].as_slice(),
            &["bob:Outlook", "bob:Steam", "bob:Yahoo Mail"],
            &["bob:PayPal", "bob:Reddit"],
        ]
    );
    let explanation = |i: usize| found[i].1["details"]["links"][0]["explanation"].clone();
    assert_eq!(explanation(0), "same base word, year changed");
    assert_eq!(explanation(1), "capitalisation changed");
    assert_eq!(
        explanation(2),
        "letters swapped for look-alike digits or symbols"
    );
    for (_, f) in &found {
        assert_eq!(f["severity"], "high");
        let message = f["message"].as_str().unwrap();
        let link = f["details"]["links"][0]["explanation"].as_str().unwrap();
        assert!(message.contains(link), "{message}");
    }
    assert!(
        found[1].1["message"]
            .as_str()
            .unwrap()
            .contains("Outlook / Yahoo Mail and Steam: capitalisation changed")
    );

    // Per account: the group id, and a strength object.
    let accounts = doc["accounts"].as_array().unwrap();
    let by_title = |t: &str| accounts.iter().find(|a| a["title"] == t).unwrap();
    assert_eq!(by_title("GitHub")["similar_group"], "S1");
    assert_eq!(by_title("GitLab")["similar_group"], "S1");
    assert_eq!(
        by_title("Steam")["similar_group"],
        by_title("Outlook")["similar_group"]
    );
    assert_eq!(by_title("Dropbox")["similar_group"], Value::Null);
    let strength = &by_title("Knitting forum")["strength"];
    assert!(strength["score"].as_u64().unwrap() <= 1, "{strength}");
    for key in ["guesses_log10", "crack_time", "warning", "suggestions"] {
        assert!(
            strength.get(key).is_some(),
            "strength lacks {key}: {strength}"
        );
    }
    assert_eq!(by_title("Northwind Bank")["strength"]["score"], 4);
}

#[test]
fn weak_passwords_by_score() {
    let (doc, _) = audit_json(&[&alice_bob()[0], "--only", "weak"]);
    let weak: Vec<(String, String)> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            assert_eq!(f["check"], "weak");
            (
                title(&doc, &f["accounts"][0]),
                f["severity"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert!(
        weak.contains(&("alice:Knitting forum".into(), "high".into())),
        "{weak:?}"
    );
    assert!(
        weak.iter().all(|(t, _)| !t.contains("Northwind")),
        "{weak:?}"
    );
    for f in doc["findings"].as_array().unwrap() {
        let score = f["details"]["score"].as_u64().unwrap();
        let expected = if score <= 1 { "high" } else { "medium" };
        assert!(score <= 2);
        assert_eq!(f["severity"], expected);
    }
}

#[test]
fn only_and_skip_select_the_checks() {
    let (doc, _) = audit_json(&[&alice_bob()[1], "--only", "similar"]);
    let status = |doc: &Value, check: &str| {
        doc["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["check"] == check)
            .unwrap()["status"]
            .clone()
    };
    assert_eq!(status(&doc, "similar"), "complete");
    assert_eq!(status(&doc, "weak"), "skipped");
    assert_eq!(status(&doc, "reuse"), "skipped");
    let findings = doc["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 2);
    assert!(findings.iter().all(|f| f["check"] == "similar"));
    assert!(
        doc["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["strength"].is_null())
    );

    let (doc, _) = audit_json(&[&alice_bob()[1], "--skip", "similar,weak"]);
    assert_eq!(status(&doc, "similar"), "skipped");
    assert_eq!(status(&doc, "weak"), "skipped");
    assert_eq!(status(&doc, "reuse"), "complete");
    let accounts = doc["accounts"].as_array().unwrap();
    assert!(accounts.iter().all(|a| a["similar_group"].is_null()));
    assert!(
        doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["check"] != "similar" && f["check"] != "weak")
    );

    vaultlint()
        .args(["audit", &alice_bob()[1], "--only", "similarity"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("unknown check 'similarity'"));
}

/// No password, and no telling fragment of the tweaked ones, in the table,
/// the JSON or stderr.
#[test]
fn no_password_in_any_output() {
    let mut secrets = passwords("alice.csv", "login_password");
    secrets.extend(passwords("bob.csv", "Password"));
    // Fragments a careless explanation would quote (base words, years).
    let fragments = [
        "Summer", "summer", "falcon", "Falcon", "P@ss", "ssw0rd", "2022", "2023",
    ];
    for format in ["table", "json"] {
        let out = vaultlint()
            .arg("audit")
            .args(alice_bob())
            .args(["--format", format])
            // The table shows every finding's explanation with --all.
            .args(if format == "table" {
                &["--all"][..]
            } else {
                &[]
            })
            .output()
            .unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(text.contains("year changed"), "{format}: {text}");
        for s in &secrets {
            assert!(
                !text.contains(s.as_str()),
                "{format} output contains a password"
            );
        }
        // Breach dates (site_breach) legitimately hold years: the fragment
        // check reads the output without that check.
        let out = vaultlint()
            .arg("audit")
            .args(alice_bob())
            .args(["--format", format, "--skip", "site_breach"])
            .output()
            .unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        for s in fragments {
            assert!(!text.contains(s), "{format} output contains {s:?}");
        }
    }
}

/// carol.csv is a LastPass export: the incremented year, with the later
/// password also used on Slack.
#[test]
fn carol_incremented_year() {
    let (doc, _) = audit_json(&[
        &format!("carol={}", sample("carol.csv")),
        "--only",
        "similar",
    ]);
    assert_eq!(doc["sources"][0]["format"], "lastpass");
    let found = similar_findings(&doc);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        found[0].0,
        vec![
            "carol:City library",
            "carol:Wikipedia",
            "carol:Slack (studio)"
        ]
    );
    assert_eq!(
        found[0].1["details"]["links"][0]["explanation"],
        "same base word, year changed"
    );
    let text = doc.to_string();
    for s in passwords("carol.csv", "password") {
        assert!(!text.contains(s.as_str()), "report contains a password");
    }
}

/// A group's fingerprint depends on its accounts only, not on its number
/// (alice's group is S1 alone and S3 after bob's two).
#[test]
fn fingerprints_do_not_depend_on_group_numbers() {
    let alice = format!("alice={}", sample("alice.csv"));
    let bob = format!("bob={}", sample("bob.csv"));
    let fingerprint = |args: &[&str]| {
        let (doc, _) = audit_json(args);
        let (titles, f) = similar_findings(&doc)
            .into_iter()
            .find(|(t, _)| t[0] == "alice:GitHub")
            .unwrap();
        assert_eq!(titles, ["alice:GitHub", "alice:GitLab"]);
        (
            f["fingerprint"].as_str().unwrap().to_owned(),
            f["details"]["group"].as_str().unwrap().to_owned(),
        )
    };
    let (alone, group_alone) = fingerprint(&[&alice, "--only", "similar"]);
    let (after_bob, group_after_bob) = fingerprint(&[&bob, &alice, "--only", "similar"]);
    assert_eq!(
        (group_alone.as_str(), group_after_bob.as_str()),
        ("S1", "S3")
    );
    assert_eq!(alone, after_bob);
}

/// Across members: carol's Etsy password is alice's GitHub one (reuse
/// across members) and a tweak of alice's GitLab one. The whole family
/// gives one `similar_across_members` finding naming the three accounts,
/// which quotes no password in any report format.
#[test]
fn a_tweak_of_another_members_password_is_reported() {
    let family: Vec<String> = ["alice", "bob", "carol"]
        .iter()
        .map(|m| format!("{m}={}", sample(&format!("{m}.csv"))))
        .collect();
    let mut args = refs(&family);
    args.extend(["--only", "similar"]);
    let (doc, _) = audit_json(&args);
    let across: Vec<&Value> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["check"] == "similar_across_members")
        .collect();
    assert_eq!(across.len(), 1, "{across:?}");
    let f = across[0];
    let titles: Vec<String> = f["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|id| title(&doc, id))
        .collect();
    assert_eq!(titles, ["alice:GitHub", "alice:GitLab", "carol:Etsy"]);
    assert_eq!(f["severity"], "medium");
    assert_eq!(
        f["details"]["members"],
        serde_json::json!(["alice", "carol"])
    );
    let link = &f["details"]["links"][0];
    assert_eq!(link["across_members"], true);
    assert_eq!(link["explanation"], "same base word, year changed");
    let message = f["message"].as_str().unwrap();
    assert!(
        message.starts_with("alice and carol use variations of one password"),
        "{message}"
    );
    // alice and bob alone share no scheme.
    let two = alice_bob();
    let mut args = refs(&two);
    args.extend(["--only", "similar"]);
    let (doc, _) = audit_json(&args);
    assert!(
        !doc.to_string().contains("similar_across_members"),
        "alice and bob have no tweak in common"
    );

    let mut secrets = passwords("alice.csv", "login_password");
    secrets.extend(passwords("bob.csv", "Password"));
    secrets.extend(passwords("carol.csv", "password"));
    for format in ["table", "json", "csv", "markdown", "html", "junit"] {
        let out = vaultlint()
            .arg("audit")
            .args(&family)
            .args(["--only", "similar", "--format", format])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        // (The table wraps the kind's name; JUnit lists only failures at or
        // above --fail-on, high by default, and this finding is medium.)
        if !["table", "junit"].contains(&format) {
            assert!(
                text.contains("similar_across_members") || text.contains("similar across members"),
                "{format}: no cross-member finding"
            );
            assert!(
                text.contains("alice and carol use variations"),
                "{format}: no message"
            );
        }
        for s in &secrets {
            assert!(
                !text.contains(s.as_str()),
                "{format} output contains a password"
            );
        }
    }
}
