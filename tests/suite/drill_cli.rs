//! The lockout drill on the family samples: the lost-phone chains, the
//! first suggested action, the drill's findings, `--drill` and the
//! inventory's drill fields (errors name the line).

use crate::common;

const INVENTORY: &str = "sample-exports/family/recovery-inventory.toml";

fn family(extra: &[&str]) -> serde_json::Value {
    let mut args: Vec<String> = ["alice", "bob", "carol"]
        .iter()
        .map(|m| format!("{m}=sample-exports/family/{m}.csv"))
        .collect();
    args.push("--recovery-inventory".into());
    args.push(INVENTORY.into());
    args.extend(extra.iter().map(|s| s.to_string()));
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let (doc, code) = common::audit_json(&refs);
    assert_eq!(code, 1, "findings at high");
    doc
}

fn member<'a>(doc: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    doc["drill"]["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["member"] == name)
        .unwrap_or_else(|| panic!("no drill for {name}"))
}

fn scenario<'a>(m: &'a serde_json::Value, kind: &str) -> &'a serde_json::Value {
    m["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["scenario"] == kind)
        .unwrap_or_else(|| panic!("no {kind}"))
}

fn locked(s: &serde_json::Value) -> Vec<&str> {
    s["locked_out"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["label"].as_str().unwrap())
        .collect()
}

#[test]
fn lost_phone_names_every_account_whose_only_way_back_is_the_phone() {
    let doc = family(&["--drill", "lost-phone"]);
    let bob = member(&doc, "bob");
    // Only the scenario asked for.
    assert_eq!(bob["scenarios"].as_array().unwrap().len(), 1);
    let phone = scenario(bob, "lost_phone");
    // Outlook's 2FA is only on the phone (inventory: app, no codes); Spotify
    // resets through Outlook. Reddit is SMS only but the inventory gives it
    // a recovery mailbox (Yahoo) that needs no phone: rescued.
    assert_eq!(locked(phone), ["Outlook", "Spotify"]);
    assert_eq!(phone["reachable"], 8);
    let spotify = &phone["locked_out"][1]["chain"];
    let chain: Vec<&str> = spotify
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    assert_eq!(
        chain,
        [
            "Spotify: 2FA (authenticator app on the phone) is on the lost phone",
            "Spotify: reset mail goes to Outlook",
            "Spotify: no backup codes saved",
            "Outlook: 2FA (authenticator app on the phone) is on the lost phone",
            "Outlook: no backup codes saved",
        ]
    );
    // The first action is the one that saves the most: Outlook's codes.
    let first = &bob["actions"][0];
    assert_eq!(first["action"], "save Outlook's backup codes offline");
    assert_eq!(first["accounts_saved"], 2);
    // alice's vault 2FA is on the phone and its recovery goes to Gmail,
    // whose codes are only in the vault: a cycle that takes everything.
    let alice = member(&doc, "alice");
    let phone = scenario(alice, "lost_phone");
    assert_eq!(phone["vault_reachable"], false);
    assert_eq!(locked(phone).len(), 10);
    assert!(
        alice["actions"][0]["action"]
            .as_str()
            .unwrap()
            .contains("emergency kit")
    );
    assert_eq!(
        locked(scenario(member(&doc, "carol"), "lost_phone")).len(),
        0
    );
}

#[test]
fn every_scenario_and_the_kit_and_the_mailbox() {
    let doc = family(&[]);
    // alice has no emergency kit: losing the vault loses everything; bob and
    // carol have one.
    assert_eq!(
        locked(scenario(member(&doc, "alice"), "lost_vault")).len(),
        10
    );
    assert!(locked(scenario(member(&doc, "bob"), "lost_vault")).is_empty());
    assert_eq!(member(&doc, "bob")["vault"]["emergency_kit"], true);
    // carol's Etsy and Slack get their sign-in codes by mail: losing iCloud
    // locks them out with it.
    let carol = member(&doc, "carol");
    let icloud = scenario(carol, "lost_mailbox");
    assert_eq!(locked(icloud), ["iCloud", "Etsy", "Slack (studio)"]);
    assert_eq!(
        scenario(carol, "all")["locked_out"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
}

#[test]
fn the_drill_findings() {
    let doc = family(&[]);
    let findings = doc["findings"].as_array().unwrap();
    let of = |kind: &str| -> Vec<&serde_json::Value> {
        findings.iter().filter(|f| f["check"] == kind).collect()
    };
    let cycle = of("recovery_cycle");
    assert_eq!(cycle.len(), 1);
    assert!(cycle[0]["message"].as_str().unwrap().contains("Gmail"));
    assert_eq!(cycle[0]["severity"], "high");
    let spof = of("single_point_of_failure");
    assert!(
        spof.iter().any(|f| f["details"]["member"] == "alice"
            && f["details"]["scenario"] == "lost_phone"
            && f["severity"] == "critical"),
        "{spof:?}"
    );
    let sms = of("sms_only");
    assert_eq!(sms.len(), 1);
    assert!(sms[0]["message"].as_str().unwrap().starts_with("Reddit"));
    let seed = of("codes_with_seed");
    assert!(seed.iter().all(|f| f["severity"] == "medium"));
    assert!(seed.iter().all(|f| {
        f["message"]
            .as_str()
            .unwrap()
            .contains("far better than no codes")
    }));
    assert!(
        seed.iter()
            .any(|f| f["message"].as_str().unwrap().starts_with("Gmail"))
    );
}

#[test]
fn a_bad_scenario_or_inventory_key_is_an_input_error() {
    let out = common::audit(&["sample-exports/family/bob.csv", "--drill", "lost-keys"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("lost-phone"));
    let dir = tempfile::tempdir().unwrap();
    let inv = dir.path().join("inv.toml");
    std::fs::write(&inv, "[vault]\nrecovery = \"kit\"\nkits = 2\n").unwrap();
    let out = common::audit(&[
        "sample-exports/family/bob.csv",
        "--recovery-inventory",
        inv.to_str().unwrap(),
    ])
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("inv.toml") && err.contains('3'), "{err}");
    assert!(err.contains("kits"), "{err}");
}
