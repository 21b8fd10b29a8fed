//! `site_breach` through the real binary: each date situation (precise,
//! item-level, bulk import, none) from the export formats that carry it,
//! reuse raising an open exposure to critical, `--breaches FILE`, the credit
//! in every report, and `vaultlint breaches update` against a local server.

use crate::common;

use std::net::TcpListener;
use std::path::{Path, PathBuf};

use common::vaultlint;

/// Runs `audit --only site_breach[,reuse] --format json` over `files`.
fn audit(files: &[&Path], extra: &[&str]) -> (i32, serde_json::Value) {
    let out = vaultlint()
        .arg("audit")
        .args(["--format", "json"])
        .args(extra)
        .args(files)
        .output()
        .unwrap();
    let doc = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}", String::from_utf8_lossy(&out.stderr));
    });
    (out.status.code().unwrap(), doc)
}

/// `(severity, date_source, breach)` of every site_breach finding of the
/// account titled `title`.
fn breaches_of(doc: &serde_json::Value, title: &str) -> Vec<(String, String, String)> {
    let ids: Vec<&str> = doc["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["title"] == title || a["domain"] == title)
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert!(!ids.is_empty(), "no account {title}");
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["check"] == "site_breach")
        .filter(|f| ids.contains(&f["accounts"][0].as_str().unwrap()))
        .map(|f| {
            (
                f["severity"].as_str().unwrap().to_owned(),
                f["details"]["date_source"].as_str().unwrap().to_owned(),
                f["details"]["breach"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// Epoch milliseconds of a day, as Firefox writes them.
fn ms(day: &str) -> String {
    let d = chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").unwrap();
    (d.and_hms_opt(12, 0, 0).unwrap().and_utc().timestamp() * 1000).to_string()
}

#[test]
fn each_date_situation_gets_its_severity() {
    let dir = tempfile::tempdir().unwrap();
    // Firefox records when the password changed: LinkedIn's breach of
    // 2012-05-05 leaked passwords.
    let firefox = write(
        dir.path(),
        "firefox.csv",
        &format!(
            "\"url\",\"username\",\"password\",\"httpRealm\",\"formActionOrigin\",\"guid\",\"timeCreated\",\"timeLastUsed\",\"timePasswordChanged\"\r\n\
\"https://www.linkedin.com\",\"old\",\"Quartz-Harbor-81!\",,\"\",\"{{1}}\",\"{a}\",\"{a}\",\"{a}\"\r\n\
\"https://www.dropbox.com\",\"new\",\"Velvet-Comet-27?\",,\"\",\"{{2}}\",\"{a}\",\"{b}\",\"{b}\"",
            a = ms("2011-06-01"),
            b = ms("2020-06-01"),
        ),
    );
    // KeePassXC records only the item's modification; six items sharing one
    // second are a bulk import.
    let mut kx = String::from(
        "\"Group\",\"Title\",\"Username\",\"Password\",\"URL\",\"Notes\",\"TOTP\",\"Icon\",\"Last Modified\",\"Created\"\n\
\"Root\",\"Dropbox old\",\"u\",\"Amber-Falcon-63#\",\"https://www.dropbox.com\",\"\",\"\",\"0\",\"2011-03-04T09:12:44Z\",\"2011-03-04T09:12:44Z\"\n\
\"Root\",\"Adobe later\",\"u\",\"Cobalt-Raven-19%\",\"https://adobe.com\",\"\",\"\",\"0\",\"2019-03-04T09:12:44Z\",\"2019-03-04T09:12:44Z\"\n",
    );
    for n in 0..6 {
        kx.push_str(&format!(
            "\"Root\",\"Imported {n}\",\"u\",\"Imported-Pass-{n}-x9\",\"https://site{n}.example\",\"\",\"\",\"0\",\"2010-01-01T00:00:00Z\",\"2010-01-01T00:00:00Z\"\n"
        ));
    }
    kx.push_str("\"Root\",\"MySpace imported\",\"u\",\"Imported-Pass-x-x9\",\"https://myspace.com\",\"\",\"\",\"0\",\"2010-01-01T00:00:00Z\",\"2010-01-01T00:00:00Z\"\n");
    let keepassxc = write(dir.path(), "keepassxc.csv", &kx);
    // Bitwarden's CSV records no date at all.
    let bitwarden = write(
        dir.path(),
        "bitwarden.csv",
        "folder,favorite,type,name,notes,fields,reprompt,login_uri,login_username,login_password,login_totp\n\
,,login,Yahoo mail,,,0,https://login.yahoo.com,u,Maple-Orbit-44&,\n",
    );
    let (_, doc) = audit(
        &[&firefox, &keepassxc, &bitwarden],
        &["--only", "site_breach"],
    );
    let expect = |title: &str, severity: &str, source: &str, breach: &str| {
        let got = breaches_of(&doc, title);
        assert!(
            got.contains(&(severity.into(), source.into(), breach.into())),
            "{title}: {got:?}"
        );
    };
    expect("linkedin.com", "high", "password_changed", "LinkedIn");
    expect("dropbox.com", "info", "password_changed", "Dropbox");
    expect("Dropbox old", "high", "item_modified", "Dropbox");
    expect("Adobe later", "medium", "item_modified", "Adobe");
    expect("MySpace imported", "medium", "bulk_import", "MySpace");
    expect("Yahoo mail", "medium", "none", "Yahoo");
    // LinkedIn's later scrapes leaked no passwords: info.
    let linkedin = breaches_of(&doc, "linkedin.com");
    assert!(
        linkedin
            .iter()
            .any(|(s, _, b)| s == "info" && b.starts_with("LinkedInScrape")),
        "{linkedin:?}"
    );
    // The credit, with the snapshot's date.
    let ds = &doc["data_sources"][0];
    assert_eq!(ds["licence"], "CC BY 4.0");
    assert_eq!(ds["as_of"], "2026-02-26");
    assert_eq!(ds["origin"], "built-in snapshot");
}

#[test]
fn a_reused_password_on_a_breached_site_is_critical() {
    let dir = tempfile::tempdir().unwrap();
    let export = write(
        dir.path(),
        "bitwarden.csv",
        "folder,favorite,type,name,notes,fields,reprompt,login_uri,login_username,login_password,login_totp\n\
,,login,Dropbox,,,0,https://www.dropbox.com,u,Shared-Secret-Pass-1!,\n\
,,login,Shop,,,0,https://shop.example,u,Shared-Secret-Pass-1!,\n",
    );
    let reused = |doc: &serde_json::Value| -> Vec<serde_json::Value> {
        doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["check"] == "site_breach")
            .map(|f| f["details"]["reused"].clone())
            .collect()
    };
    let (_, doc) = audit(&[&export], &["--only", "site_breach,reuse"]);
    let got = breaches_of(&doc, "Dropbox");
    assert_eq!(got, [("critical".into(), "none".into(), "Dropbox".into())]);
    assert_eq!(reused(&doc), [serde_json::json!(true)]);
    // Without the reuse check, reuse is not known: medium, not critical,
    // and the details say null (unknown), never false.
    let (_, doc) = audit(&[&export], &["--only", "site_breach"]);
    assert_eq!(breaches_of(&doc, "Dropbox")[0].0, "medium");
    assert_eq!(reused(&doc), [serde_json::Value::Null]);
}

#[test]
fn the_credit_is_in_every_report_when_the_check_ran() {
    let sample = common::sample("family/alice.csv");
    for format in ["table", "markdown", "html", "json"] {
        let out = vaultlint()
            .args(["audit", "--format", format])
            .arg(&sample)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("Have I Been Pwned"), "{format}");
        assert!(text.contains("CC BY 4.0"), "{format}");
        assert!(text.contains("https://haveibeenpwned.com"), "{format}");
        let out = vaultlint()
            .args(["audit", "--skip", "site_breach", "--format", format])
            .arg(&sample)
            .output()
            .unwrap();
        // (the passkeys directory, also CC BY 4.0, is credited on its own)
        assert!(
            !String::from_utf8_lossy(&out.stdout).contains("Breach data from Have I Been Pwned"),
            "{format}: credited although the list was not used"
        );
    }
}

/// A breach list in the API's shape, with one made-up breach.
fn list_json() -> String {
    serde_json::json!([{
        "Name": "ExampleCorp", "Title": "Example Corp", "Domain": "example-corp.test",
        "BreachDate": "2024-05-01", "AddedDate": "2024-06-01T00:00:00Z",
        "ModifiedDate": "2024-06-01T00:00:00Z", "PwnCount": 5,
        "DataClasses": ["Email addresses", "Passwords"], "IsVerified": true,
        "IsFabricated": false, "IsSensitive": false, "IsRetired": false,
        "IsSpamList": false, "IsMalware": false, "IsStealerLog": false
    }])
    .to_string()
}

/// Serves `body` at `/api/v3/breaches` on 127.0.0.1 for `count` requests.
fn serve(body: String, count: usize) -> (String, std::thread::JoinHandle<Vec<String>>) {
    common::serve_json(body, "/api/v3/breaches", count)
}

#[test]
fn update_downloads_a_list_that_the_audit_then_uses() {
    let dir = tempfile::tempdir().unwrap();
    let (url, server) = serve(list_json(), 1);
    let output = dir.path().join("breaches.json");
    let out = vaultlint()
        .args(["breaches", "update", "--url", &url, "--output"])
        .arg(&output)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("saved 1 breaches (newest added 2024-06-01)"),
        "{said}"
    );
    let requests = server.join().unwrap();
    assert!(
        requests[0].starts_with("GET /api/v3/breaches "),
        "{requests:?}"
    );
    assert!(
        requests[0]
            .to_ascii_lowercase()
            .contains("user-agent: vaultlint/"),
        "{requests:?}"
    );

    let export = write(
        dir.path(),
        "bitwarden.csv",
        "folder,favorite,type,name,notes,fields,reprompt,login_uri,login_username,login_password,login_totp\n\
,,login,Example,,,0,https://www.example-corp.test/login,u,Maple-Orbit-44&,\n\
,,login,Dropbox,,,0,https://www.dropbox.com,u,Other-Orbit-45&,\n",
    );
    let (_, doc) = audit(
        &[&export],
        &[
            "--only",
            "site_breach",
            "--breaches",
            output.to_str().unwrap(),
        ],
    );
    assert_eq!(breaches_of(&doc, "Example")[0].2, "ExampleCorp");
    assert!(
        breaches_of(&doc, "Dropbox").is_empty(),
        "the file replaces the snapshot"
    );
    let ds = &doc["data_sources"][0];
    assert_eq!(ds["as_of"], "2024-06-01");
    assert!(ds["origin"].as_str().unwrap().contains("breaches.json"));
}

#[test]
fn update_offline_fails_clearly_and_keeps_the_old_file() {
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("breaches.json");
    std::fs::write(&output, list_json()).unwrap();
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let out = vaultlint()
        .args(["breaches", "update", "--url"])
        .arg(format!("http://127.0.0.1:{port}/api/v3/breaches"))
        .arg("--output")
        .arg(&output)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("download failed"), "{stderr}");
    assert!(stderr.contains("built-in snapshot"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&output).unwrap(), list_json());
    // A file that is not a breach list is refused, naming it.
    let bad = write(dir.path(), "bad.json", "{\"not\": \"a list\"}");
    let out = vaultlint()
        .args(["audit", "--breaches"])
        .arg(&bad)
        .arg(common::sample("bitwarden.csv"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bad.json"));
}

/// The family samples, audited as in the README, show each date situation
/// with its severity: dan's Firefox export (a precise password date), erin's
/// KeePassXC CSV (the item's date only) and alice's Bitwarden CSV (no date).
#[test]
fn the_family_samples_show_every_date_situation() {
    let family = |name: &str| format!("{name}=sample-exports/family/{name}.csv");
    let out = vaultlint()
        .current_dir(common::root())
        .arg("audit")
        .args(["alice", "bob", "carol", "dan", "erin"].map(family))
        .args(["--pwned", "off", "--format", "json"])
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let expect = |title: &str, severity: &str, source: &str, breach: &str| {
        let got = breaches_of(&doc, title);
        assert!(
            got.contains(&(severity.into(), source.into(), breach.into())),
            "{title}: {got:?}"
        );
    };
    // precise: set in 2011, before LinkedIn's 2012 breach; changed in 2021,
    // after Canva's 2019 breach
    expect("linkedin.com", "high", "password_changed", "LinkedIn");
    expect("canva.com", "info", "password_changed", "Canva");
    // item-level: last modified 2012, before Adobe's 2013 breach; modified
    // 2020, after Kickstarter's 2014 breach (the password may not have)
    expect("Adobe", "high", "item_modified", "Adobe");
    expect("Kickstarter", "medium", "item_modified", "Kickstarter");
    // none: medium, or critical when the password is reused
    expect("Dropbox", "medium", "none", "Dropbox");
    expect("Yahoo Mail", "critical", "none", "Yahoo");
}
