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
    // whose codes are only in the vault: a cycle that takes everything but
    // Facebook, which bob (her trusted contact) can restore.
    let alice = member(&doc, "alice");
    let phone = scenario(alice, "lost_phone");
    assert_eq!(phone["vault_reachable"], false);
    assert_eq!(locked(phone).len(), 9);
    assert!(!locked(phone).contains(&"Facebook"));
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
    // alice has no emergency kit: losing the vault loses everything but
    // Facebook (her trusted contact, bob, is not lost with it); bob and carol
    // have one.
    assert_eq!(
        locked(scenario(member(&doc, "alice"), "lost_vault")).len(),
        9
    );
    assert!(!locked(scenario(member(&doc, "alice"), "all")).contains(&"Facebook"));
    assert!(locked(scenario(member(&doc, "bob"), "lost_vault")).is_empty());
    assert_eq!(member(&doc, "bob")["vault"]["emergency_kit"], true);
    // carol's Etsy and Slack get their sign-in codes by mail: losing iCloud
    // locks Etsy out with it; Slack's backup codes are in alice's vault,
    // which none of carol's losses takes.
    let carol = member(&doc, "carol");
    let icloud = scenario(carol, "lost_mailbox");
    assert_eq!(locked(icloud), ["iCloud", "Etsy"]);
    assert_eq!(locked(scenario(carol, "all")), ["iCloud", "Etsy"]);
    // carol's vault: a recovery code and alice's emergency access.
    assert_eq!(carol["vault"]["emergency_access"], "alice");
    let nodes = carol["graph"]["nodes"].as_array().unwrap();
    assert!(
        nodes
            .iter()
            .any(|n| n["kind"] == "contact" && n["label"] == "contact: alice")
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

#[test]
fn the_graph_of_each_member_marks_every_locked_out_account() {
    let doc = family(&[]);
    for m in doc["drill"]["members"].as_array().unwrap() {
        let g = &m["graph"];
        let nodes = g["nodes"].as_array().unwrap();
        assert!(nodes.iter().any(|n| n["kind"] == "vault"), "{m}");
        assert_eq!(g["not_drawn"], 0, "the family is small: all drawn");
        for s in g["scenarios"].as_array().unwrap() {
            let k = s.as_u64().unwrap();
            let scen = &m["scenarios"][k as usize];
            // Every account the scenario locks out (a lost mailbox aside) is in
            // a node the picture marks locked out in it.
            for l in scen["locked_out"].as_array().unwrap() {
                let id = &l["account"];
                let node = nodes
                    .iter()
                    .find(|n| n["accounts"].as_array().is_some_and(|a| a.contains(id)))
                    .unwrap_or_else(|| panic!("{id} not drawn for {}", m["member"]));
                let marked = |f: &str| {
                    node[f]
                        .as_array()
                        .is_some_and(|v| v.iter().any(|x| x.as_u64() == Some(k)))
                };
                assert!(marked("locked_out") || marked("lost"), "{id} in {scen}");
            }
        }
    }
    // bob's lost phone: the phone is lost; Outlook, and Spotify that it
    // resets, are locked out.
    let bob = member(&doc, "bob");
    let nodes = bob["graph"]["nodes"].as_array().unwrap();
    let phone = nodes.iter().find(|n| n["kind"] == "phone").unwrap();
    assert_eq!(phone["lost"][0], 0);
    let outlook = nodes.iter().position(|n| n["label"] == "Outlook").unwrap();
    let spotify = nodes.iter().position(|n| n["label"] == "Spotify").unwrap();
    assert!(
        bob["graph"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| { e["from"] == outlook && e["to"] == spotify && e["kind"] == "resets" })
    );
}

#[test]
fn the_html_draws_the_graph_per_scenario_without_scripts() {
    let mut args: Vec<String> = ["alice", "bob", "carol"]
        .iter()
        .map(|m| format!("{m}=sample-exports/family/{m}.csv"))
        .collect();
    args.extend(["--recovery-inventory", INVENTORY, "--format", "html"].map(String::from));
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = common::audit(&refs).output().unwrap();
    let html = String::from_utf8(out.stdout).unwrap();
    assert!(!html.contains("<script"));
    let drill = &html[html.find("<section id=\"drill\"").unwrap()..];
    // Three members, one picture per scenario: 4 + 5 + 4.
    assert_eq!(drill.matches("class=\"drill-graph\"").count(), 3);
    assert_eq!(drill.matches("<summary>Picture: ").count(), 13);
    // bob's lost phone (his first picture): the phone lost, Outlook and
    // Spotify locked out, nothing else.
    let bob = &drill[drill.find("<h3>bob</h3>").unwrap()..];
    let first = &bob[bob.find("<svg viewBox").unwrap()..bob.find("</svg>").unwrap()];
    assert_eq!(first.matches("class=\"node item lost\"").count(), 1);
    assert!(
        first.contains("<title>✉ Outlook: locked out</title>"),
        "{first}"
    );
    assert!(
        first.contains("<title>Spotify: locked out</title>"),
        "{first}"
    );
    assert_eq!(first.matches(" locked\"><title>").count(), 2, "{first}");
    assert!(first.contains("aria-label=\"lost phone: locked out: Outlook; Spotify\""));
}
