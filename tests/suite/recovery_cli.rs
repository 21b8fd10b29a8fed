//! CLI tests of the recovery check: the real binary on the family samples,
//! the recovery inventory, the 2fa.directory file, and `vaultlint 2fa update`
//! against a real HTTP server on 127.0.0.1. No test needs the internet.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use crate::common::{audit_all_json as audit_json, root, vaultlint};

const ALICE: &str = "alice=sample-exports/family/alice.csv";
const BOB: &str = "bob=sample-exports/family/bob.csv";
const INVENTORY: &str = "sample-exports/family/recovery-inventory.toml";
const DIRECTORY: &str = "tests/fixtures/2fa-directory-v3.json";

/// `member/title` of each account id.
fn names(doc: &Value) -> BTreeMap<String, String> {
    doc["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["id"].as_str().unwrap().to_owned(),
                format!(
                    "{}/{}",
                    a["member"].as_str().unwrap(),
                    a["title"].as_str().unwrap()
                ),
            )
        })
        .collect()
}

fn account<'a>(doc: &'a Value, name: &str) -> &'a Value {
    let (member, title) = name.split_once('/').unwrap();
    doc["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["member"] == member && a["title"] == title)
        .unwrap_or_else(|| panic!("no account {name}"))
}

/// `(status, evidence places)` of an account's backup codes, and whether 2FA is on.
fn recovery(doc: &Value, name: &str) -> (Value, String, Vec<String>) {
    let r = &account(doc, name)["recovery"];
    let places = r["backup_codes"]["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["place"].as_str().unwrap().to_owned())
        .collect();
    (
        r["two_factor"]["enabled"].clone(),
        r["backup_codes"]["status"].as_str().unwrap().to_owned(),
        places,
    )
}

/// Recovery findings as `(check, severity, [member/title...])`, sorted.
fn recovery_findings(doc: &Value) -> Vec<(String, String, Vec<String>)> {
    let names = names(doc);
    let mut out: Vec<(String, String, Vec<String>)> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            [
                "lockout_risk",
                "recovery_unknown",
                "two_factor_available",
                "recovery_hub",
            ]
            .contains(&f["check"].as_str().unwrap())
        })
        .map(|f| {
            let mut accounts: Vec<String> = f["accounts"]
                .as_array()
                .unwrap()
                .iter()
                .map(|id| names[id.as_str().unwrap()].clone())
                .collect();
            accounts.sort();
            (
                f["check"].as_str().unwrap().to_owned(),
                f["severity"].as_str().unwrap().to_owned(),
                accounts,
            )
        })
        .collect();
    out.sort();
    out
}

fn finding(check: &str, severity: &str, accounts: &[&str]) -> (String, String, Vec<String>) {
    let mut a: Vec<String> = accounts.iter().map(|s| s.to_string()).collect();
    a.sort();
    (check.into(), severity.into(), a)
}

#[test]
fn family_recovery_status_of_every_account() {
    let (doc, code) = audit_json(&[
        ALICE,
        BOB,
        "--only",
        "recovery",
        "--recovery-inventory",
        INVENTORY,
    ]);
    assert_eq!(
        code, 1,
        "lockout risk and critical hub fail the default --fail-on high"
    );
    let on = Value::Bool(true);
    let off = Value::Bool(false);
    let expected: &[(&str, &Value, &str, &[&str])] = &[
        ("alice/Gmail", &on, "saved", &["notes"]),
        ("alice/GitHub", &on, "saved", &["custom_field"]),
        ("alice/GitLab", &off, "not_applicable", &[]),
        ("alice/Dropbox", &on, "saved", &["separate_item"]),
        ("alice/Amazon", &off, "not_applicable", &[]),
        ("alice/Netflix", &off, "not_applicable", &[]),
        ("alice/Knitting forum", &off, "not_applicable", &[]),
        ("alice/X (Twitter)", &on, "saved", &["notes"]),
        ("alice/Facebook", &on, "missing", &[]),
        ("alice/Northwind Bank", &on, "saved", &["inventory"]),
        ("alice/PayPal", &off, "not_applicable", &[]),
        ("bob/Outlook", &off, "not_applicable", &[]),
        ("bob/Netflix", &off, "not_applicable", &[]),
        ("bob/Steam", &on, "unknown", &[]),
        ("bob/PayPal", &on, "unknown", &[]),
        ("bob/Reddit", &off, "not_applicable", &[]),
        ("bob/Spotify", &off, "not_applicable", &[]),
        ("bob/Yahoo Mail", &off, "not_applicable", &[]),
        ("bob/Home router", &off, "not_applicable", &[]),
        ("bob/Coinbase", &on, "saved", &["notes"]),
        ("bob/Old photo site", &off, "not_applicable", &[]),
    ];
    assert_eq!(doc["accounts"].as_array().unwrap().len(), expected.len());
    for (name, enabled, status, places) in expected {
        let (e, s, p) = recovery(&doc, name);
        assert_eq!((&e, s.as_str()), (*enabled, *status), "{name}");
        assert_eq!(p, *places, "{name}");
    }

    // where, in plain words
    let dropbox = &account(&doc, "alice/Dropbox")["recovery"]["backup_codes"]["evidence"][0];
    assert_eq!(
        dropbox["where"],
        "separate item 'Dropbox backup codes' (line 17)"
    );
    let github = &account(&doc, "alice/GitHub")["recovery"]["backup_codes"]["evidence"][0];
    assert_eq!(github["where"], "custom field 'Recovery codes'");
    let x = &account(&doc, "alice/X (Twitter)")["recovery"]["backup_codes"]["evidence"][0];
    assert_eq!(x["offline"], true);
    let bank = &account(&doc, "alice/Northwind Bank")["recovery"]["backup_codes"]["evidence"][0];
    assert_eq!(
        bank["where"],
        "recovery inventory sample-exports/family/recovery-inventory.toml line 6"
    );
    assert!(bank["how"].as_str().unwrap().contains("2025-03-14"));
    let coinbase = &account(&doc, "bob/Coinbase")["recovery"]["backup_codes"]["evidence"][0];
    assert_eq!(coinbase["offline"], true);
    let paypal = &account(&doc, "bob/PayPal")["recovery"]["backup_codes"]["note"];
    assert!(
        paypal
            .as_str()
            .unwrap()
            .contains("cannot tell from this export"),
        "{paypal}"
    );
    assert_eq!(
        account(&doc, "bob/Steam")["recovery"]["two_factor"]["methods"],
        serde_json::json!(["steam"])
    );

    // hubs
    let gmail_hub = &account(&doc, "alice/Gmail")["recovery"]["hub"];
    assert_eq!(gmail_hub["address"], "alice.mercer@gmail.com");
    assert_eq!(gmail_hub["accounts"], 4);
    let outlook_hub = &account(&doc, "bob/Outlook")["recovery"]["hub"];
    assert_eq!(outlook_hub["accounts"], 3);
    assert_eq!(
        outlook_hub["problems"],
        serde_json::json!(["no_two_factor"])
    );
    assert!(
        outlook_hub["unknown"]
            .as_array()
            .unwrap()
            .contains(&Value::from("reused")),
        "reuse did not run: unknown, not fine"
    );
    assert_eq!(
        account(&doc, "bob/Coinbase")["recovery"]["recovery_mailbox"],
        serde_json::json!({"address": "bob.tanaka@outlook.com", "at_risk": true})
    );
    assert_eq!(
        account(&doc, "alice/Netflix")["recovery"]["recovery_mailbox"],
        Value::Null,
        "one shared service is not a hub"
    );

    assert_eq!(recovery_findings(&doc), {
        let mut v = vec![
            finding(
                "recovery_hub",
                "critical",
                &["bob/Outlook", "bob/PayPal", "bob/Spotify", "bob/Coinbase"],
            ),
            finding(
                "recovery_hub",
                "medium",
                &[
                    "alice/Gmail",
                    "alice/Dropbox",
                    "alice/Amazon",
                    "alice/Facebook",
                    "alice/PayPal",
                ],
            ),
            finding("lockout_risk", "high", &["alice/Facebook"]),
            finding("two_factor_available", "high", &["alice/PayPal"]),
            finding("two_factor_available", "high", &["bob/Outlook"]),
            finding("two_factor_available", "low", &["alice/GitLab"]),
            finding("two_factor_available", "low", &["alice/Amazon"]),
            finding("two_factor_available", "low", &["bob/Reddit"]),
            finding("two_factor_available", "medium", &["bob/Yahoo Mail"]),
            finding("recovery_unknown", "info", &["bob/Steam"]),
            finding("recovery_unknown", "info", &["bob/PayPal"]),
        ];
        v.sort();
        v
    });

    let readiness = &doc["summary"]["readiness"];
    assert_eq!(readiness[0]["member"], "alice");
    assert_eq!(readiness[0]["two_factor"], 6);
    assert_eq!(readiness[0]["codes_saved"], 5);
    assert_eq!(readiness[0]["lockout_risk"], 1);
    assert_eq!(readiness[0]["hubs"], 1);
    assert_eq!(readiness[0]["readiness_percent"], 83);
    assert_eq!(readiness[1]["member"], "bob");
    assert_eq!(readiness[1]["codes_unknown"], 2);
    assert_eq!(readiness[1]["hubs_at_risk"], 1);
    assert_eq!(readiness[1]["readiness_percent"], 33);
}

#[test]
fn family_carol_lastpass() {
    let carol = "carol=sample-exports/family/carol.csv";
    let (doc, _) = audit_json(&[ALICE, BOB, carol, "--only", "recovery"]);
    let on = Value::Bool(true);
    let off = Value::Bool(false);
    let expected: &[(&str, &Value, &str, &[&str])] = &[
        ("carol/iCloud", &off, "not_applicable", &[]),
        ("carol/Evernote", &on, "saved", &["separate_item"]),
        ("carol/Instagram", &on, "saved", &["notes"]),
        // LastPass carries notes and secure notes, where its users keep codes
        ("carol/LinkedIn", &on, "missing", &[]),
        ("carol/Etsy", &off, "not_applicable", &[]),
        ("carol/Discord", &off, "not_applicable", &[]),
        ("carol/City library", &off, "not_applicable", &[]),
        ("carol/Wikipedia", &off, "not_applicable", &[]),
        ("carol/Slack (studio)", &off, "not_applicable", &[]),
    ];
    let carols = doc["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["member"] == "carol")
        .count();
    assert_eq!(
        carols,
        expected.len(),
        "the Wi-Fi secure note is not an account"
    );
    for (name, enabled, status, places) in expected {
        let (e, s, p) = recovery(&doc, name);
        assert_eq!((&e, s.as_str()), (*enabled, *status), "{name}");
        assert_eq!(p, *places, "{name}");
    }
    let evernote = &account(&doc, "carol/Evernote")["recovery"]["backup_codes"]["evidence"][0];
    assert_eq!(
        evernote["where"],
        "separate item 'Evernote Single-Use Codes' (line 4)"
    );
    let instagram = &account(&doc, "carol/Instagram")["recovery"]["backup_codes"]["evidence"][0];
    assert_eq!(
        instagram["how"],
        "labelled 'codes de secours', with the codes"
    );

    let carol_findings: Vec<_> = recovery_findings(&doc)
        .into_iter()
        .filter(|f| f.2.iter().any(|a| a.starts_with("carol/")))
        .collect();
    let mut expected = vec![
        finding(
            "recovery_hub",
            "medium",
            &[
                "carol/iCloud",
                "carol/Evernote",
                "carol/LinkedIn",
                "carol/Etsy",
                "carol/Slack (studio)",
            ],
        ),
        finding("lockout_risk", "high", &["carol/LinkedIn"]),
        finding("two_factor_available", "low", &["carol/Etsy"]),
        finding("two_factor_available", "low", &["carol/Discord"]),
        finding("two_factor_available", "low", &["carol/Wikipedia"]),
        finding("two_factor_available", "low", &["carol/Slack (studio)"]),
        // Apple's 2FA leaves no trace in an export: info, and unknown in the hub
        finding("two_factor_available", "info", &["carol/iCloud"]),
    ];
    expected.sort();
    assert_eq!(carol_findings, expected);
    let hub = &account(&doc, "carol/iCloud")["recovery"]["hub"];
    assert_eq!(hub["problems"], serde_json::json!([]));
    assert!(
        hub["unknown"]
            .as_array()
            .unwrap()
            .contains(&Value::from("no_two_factor")),
        "{hub}"
    );
    let readiness = &doc["summary"]["readiness"][2];
    assert_eq!(readiness["member"], "carol");
    assert_eq!(readiness["two_factor"], 3);
    assert_eq!(readiness["codes_saved"], 2);
    assert_eq!(readiness["lockout_risk"], 1);
    assert_eq!(readiness["readiness_percent"], 67);
}

#[test]
fn without_the_inventory_the_bank_is_a_lockout_risk() {
    let (doc, _) = audit_json(&[ALICE, "--only", "recovery"]);
    let (enabled, status, places) = recovery(&doc, "alice/Northwind Bank");
    assert_eq!((enabled, status.as_str()), (Value::Bool(true), "missing"));
    assert!(places.is_empty());
    let lockouts: Vec<_> = recovery_findings(&doc)
        .into_iter()
        .filter(|f| f.0 == "lockout_risk")
        .collect();
    assert_eq!(
        lockouts,
        vec![
            finding("lockout_risk", "high", &["alice/Facebook"]),
            finding("lockout_risk", "high", &["alice/Northwind Bank"]),
        ]
    );
    // its customer number is not taken for backup codes
    let msg = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| {
            f["check"] == "lockout_risk" && f["message"].as_str().unwrap().contains("Northwind")
        })
        .unwrap()["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(msg.contains("save the backup codes"), "{msg}");
    assert!(msg.contains("keep a copy offline"), "{msg}");
}

#[test]
fn hub_state_reads_the_reuse_check() {
    let (doc, _) = audit_json(&[ALICE, BOB, "--skip", "pwned"]);
    let hub = &account(&doc, "bob/Outlook")["recovery"]["hub"];
    let problems = hub["problems"].as_array().unwrap();
    let unknown = hub["unknown"].as_array().unwrap();
    assert!(problems.contains(&Value::from("reused")), "{hub}");
    assert!(problems.contains(&Value::from("no_two_factor")), "{hub}");
    assert!(
        unknown.contains(&Value::from("breached")),
        "pwned skipped: breaches unknown, not fine ({hub})"
    );
    // weak is a problem once the weak check lands, unknown until then; never fine
    assert!(
        problems.contains(&Value::from("weak")) || unknown.contains(&Value::from("weak")),
        "{hub}"
    );
}

#[test]
fn codes_and_secrets_never_reach_the_output() {
    let secrets = [
        "4821 0937",
        "3f2a1-b9c4d",
        "qf7k",
        "2mzp",
        "JBSWY3DPEHPK3PXP",
        "KRSXG5CTMVRXEZLU",
        "Tr0ub4dor",
        "Summer2022!",
        "7d2k-9fq1",
        "1043 8827",
        "KRUGS4ZANFZSA5DI",
    ];
    for format in ["table", "json"] {
        let out = vaultlint()
            .args([
                "audit",
                ALICE,
                BOB,
                "carol=sample-exports/family/carol.csv",
                "--recovery-inventory",
                INVENTORY,
                "--skip",
                "pwned",
                "--format",
                format,
            ])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("Dropbox"), "{format}: report was written");
        for s in secrets {
            assert!(!text.contains(s), "{format} output contains {s}");
        }
    }
}

#[test]
fn table_prints_the_readiness_summary() {
    let out = vaultlint()
        .args([
            "audit", ALICE, BOB, "--only", "recovery", "--color", "never",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Recovery readiness"), "{text}");
    assert!(
        text.contains("67%"),
        "alice: 4 of 6 without the inventory\n{text}"
    );
    assert!(text.contains("33%"), "bob: 1 of 3\n{text}");
    assert!(text.contains("lockout risk"), "{text}");
}

#[test]
fn csv_inventory_records_codes() {
    let dir = tempfile::tempdir().unwrap();
    let inv = dir.path().join("codes.csv");
    std::fs::write(
        &inv,
        "# alice's codes kept outside Bitwarden\nsite,account,where,date\nNorthwind Bank,amercer,\"paper, in the safe\",2025-03-14\n",
    )
    .unwrap();
    let (doc, _) = audit_json(&[
        ALICE,
        "--only",
        "recovery",
        "--recovery-inventory",
        inv.to_str().unwrap(),
    ]);
    let (_, status, places) = recovery(&doc, "alice/Northwind Bank");
    assert_eq!(
        (status.as_str(), places),
        ("saved", vec!["inventory".to_owned()])
    );
    let ev = &account(&doc, "alice/Northwind Bank")["recovery"]["backup_codes"]["evidence"][0];
    assert!(
        ev["where"].as_str().unwrap().ends_with("codes.csv line 3"),
        "{ev}"
    );
    assert_eq!(ev["how"], "kept: paper, in the safe; saved 2025-03-14");
}

#[test]
fn inventory_lines_matching_no_account_are_said() {
    let dir = tempfile::tempdir().unwrap();
    let inv = dir.path().join("codes.csv");
    std::fs::write(
        &inv,
        "site,account,where\nNorthwind Bank,amercer,safe\nNorthwnd-typo.example,,drawer\n",
    )
    .unwrap();
    let (doc, _) = audit_json(&[
        ALICE,
        "--only",
        "recovery",
        "--recovery-inventory",
        inv.to_str().unwrap(),
    ]);
    let check = doc["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["check"] == "recovery")
        .unwrap();
    let warnings = check["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    let w = warnings[0].as_str().unwrap();
    assert!(
        w.ends_with("codes.csv line 3: 'Northwnd-typo.example' matches no audited account"),
        "{w}"
    );
    let table = vaultlint()
        .args(["audit", ALICE, "--only", "recovery", "--recovery-inventory"])
        .arg(&inv)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&table.stdout).contains("matches no audited account"));
}

fn expect_input_error(args: &[&str], needle: &str) {
    let out = vaultlint().arg("audit").args(args).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "exit 2 for {args:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(needle), "stderr should name {needle}: {err}");
    assert!(out.stdout.is_empty(), "no report on an input error");
}

#[test]
fn inventory_errors_name_file_and_line_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let toml = dir.path().join("inv.toml");
    std::fs::write(
        &toml,
        "[[codes]]\nsite = \"github.com\"\nwhere = \"safe\"\n\n[[codes]]\nsite = \"gitlab.com\"\n",
    )
    .unwrap();
    expect_input_error(
        &[ALICE, "--recovery-inventory", toml.to_str().unwrap()],
        "inv.toml:5: missing 'where'",
    );
    let csv = dir.path().join("inv.csv");
    std::fs::write(&csv, "site,where,date\ngithub.com,safe,yesterday\n").unwrap();
    expect_input_error(
        &[ALICE, "--recovery-inventory", csv.to_str().unwrap()],
        "inv.csv:2: 'date' must be",
    );
    expect_input_error(
        &[ALICE, "--recovery-inventory", "no/such/inventory.toml"],
        "no/such/inventory.toml: cannot read",
    );
}

#[test]
fn a_2fa_directory_file_adds_services() {
    // Without the file, the knitting forum is unknown to the built-in table.
    let (doc, _) = audit_json(&[ALICE, "--only", "recovery"]);
    assert_eq!(
        account(&doc, "alice/Knitting forum")["recovery"]["two_factor_available"],
        Value::Null
    );
    let (doc, _) = audit_json(&[ALICE, "--only", "recovery", "--2fa-directory", DIRECTORY]);
    let knit = &account(&doc, "alice/Knitting forum")["recovery"]["two_factor_available"];
    assert_eq!(knit["service"], "Knitting Circle");
    assert_eq!(knit["source"], "file");
    assert!(recovery_findings(&doc).contains(&finding(
        "two_factor_available",
        "low",
        &["alice/Knitting forum"]
    )));
    let how = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["message"].as_str().unwrap().starts_with("Knitting forum"))
        .unwrap();
    assert!(
        how["message"]
            .as_str()
            .unwrap()
            .contains("https://knitting-circle.example.org/help/two-factor")
    );
    // the file answers first; the built-in table still answers the rest
    let paypal = &account(&doc, "alice/PayPal")["recovery"]["two_factor_available"];
    assert_eq!(paypal["source"], "file");
    let github = &account(&doc, "alice/GitHub")["recovery"]["two_factor_available"];
    assert_eq!(
        (github["service"].clone(), github["source"].clone()),
        ("GitHub".into(), "built_in".into())
    );
    let bank = &account(&doc, "alice/Northwind Bank")["recovery"]["two_factor_available"];
    assert_eq!(
        bank["methods"],
        serde_json::json!(["sms", "custom-software"])
    );
}

#[test]
fn a_bad_2fa_directory_file_is_an_input_error() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("dir.json");
    std::fs::write(&bad, "[\n  [\"A\", {\"domain\": 3}]\n]\n").unwrap();
    expect_input_error(
        &[ALICE, "--2fa-directory", bad.to_str().unwrap()],
        "dir.json:2: not a 2fa.directory API v3 file",
    );
}

// ---- `vaultlint 2fa update` against a local server -----------------------------

/// A real HTTP server on 127.0.0.1 for one test (plain std sockets, one
/// request per connection); stops when dropped.
struct Server {
    base: String,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// Path → (status line, body).
type Routes = Vec<(&'static str, &'static str, String)>;

impl Server {
    fn start(routes: Routes) -> Server {
        use std::io::{BufRead as _, BufReader, Write as _};
        use std::sync::atomic::Ordering;
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let stopping = stop.clone();
        let thread = std::thread::spawn(move || {
            while !stopping.load(Ordering::Relaxed) {
                let Ok((conn, _)) = listener.accept() else {
                    std::thread::sleep(std::time::Duration::from_millis(5));
                    continue;
                };
                conn.set_nonblocking(false).unwrap();
                let mut reader = BufReader::new(conn.try_clone().unwrap());
                let mut request = String::new();
                let _ = reader.read_line(&mut request);
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                    line.clear();
                }
                let path = request.split_whitespace().nth(1).unwrap_or("/");
                let (status, body) = routes
                    .iter()
                    .find(|(p, _, _)| *p == path)
                    .map_or(("404 Not Found", ""), |(_, s, b)| (*s, b.as_str()));
                let mut conn = conn;
                let _ = write!(
                    conn,
                    "HTTP/1.1 {status}\r\ncontent-type: text/plain\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
            }
        });
        Server {
            base,
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn fixture() -> String {
    std::fs::read_to_string(root().join(DIRECTORY)).unwrap()
}

fn app() -> Routes {
    vec![
        ("/v3/all.json", "200 OK", fixture()),
        ("/broken.json", "200 OK", "<html>maintenance</html>".into()),
        ("/down.json", "503 Service Unavailable", "try later".into()),
    ]
}

fn update(server: &Server, path: &str, output: &Path) -> std::process::Output {
    vaultlint()
        .args(["2fa", "update", "--url"])
        .arg(format!("{}{path}", server.base))
        .arg("--output")
        .arg(output)
        .output()
        .unwrap()
}

#[test]
fn update_downloads_the_directory_and_audit_uses_it() {
    let server = Server::start(app());
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("2fa.json");
    let out = update(&server, "/v3/all.json", &output);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("saved 4 services"));
    assert_eq!(std::fs::read_to_string(&output).unwrap(), fixture());
    let (doc, _) = audit_json(&[
        ALICE,
        "--only",
        "recovery",
        "--2fa-directory",
        output.to_str().unwrap(),
    ]);
    assert_eq!(
        account(&doc, "alice/Knitting forum")["recovery"]["two_factor_available"]["source"],
        "file"
    );
}

#[test]
fn a_failed_update_keeps_the_old_file() {
    let server = Server::start(app());
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("2fa.json");
    std::fs::write(&output, fixture()).unwrap();
    for (path, needle) in [
        ("/down.json", "HTTP 503"),
        ("/broken.json", "not a 2fa.directory API v3 file"),
        ("/missing.json", "HTTP 404"),
    ] {
        let out = update(&server, path, &output);
        assert_eq!(out.status.code(), Some(2), "{path}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(needle), "{path}: {err}");
        assert_eq!(
            std::fs::read_to_string(&output).unwrap(),
            fixture(),
            "{path}"
        );
    }
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "no temporary file left behind");
}
