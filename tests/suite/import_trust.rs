//! Import side of the trust rules: no row is lost silently, no file is misread
//! silently. Every case builds its input here; the shared reproductions in
//! `../shared/repro/` are run too when that folder exists.

use crate::common;

use std::path::{Path, PathBuf};

use common::{audit, audit_json};

fn write(dir: &tempfile::TempDir, name: &str, data: &[u8]) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, data).unwrap();
    path
}

fn repro(rel: &str) -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/repro")
        .join(rel);
    p.exists().then_some(p)
}

const BITWARDEN: &str = "folder,favorite,type,name,notes,fields,reprompt,login_uri,login_username,login_password,login_totp";

/// Item 5: an unclosed quote no longer swallows the logins after it.
#[test]
fn unclosed_quote_recovers_swallowed_logins() {
    let dir = tempfile::tempdir().unwrap();
    let data = format!(
        "\u{feff}{BITWARDEN}\r\n\
,,login,Gmail,,,0,https://accounts.google.com,me@gmail.com,Correct-Horse-77,\r\n\
,,login,Broken,\"this note never closes,,0,https://broken.example.com,me,pw123,\r\n\
,,login,Amazon,,,0,https://amazon.com,me@gmail.com,Correct-Horse-77,\r\n\
,,login,Netflix,,,0,https://netflix.com,me@gmail.com,Correct-Horse-77,\r\n"
    );
    let path = write(&dir, "broken.csv", data.as_bytes());
    let p = path.to_str().unwrap();
    let (doc, _) = audit_json(&["--allow-incomplete", p]);
    let src = &doc["sources"][0];
    assert_eq!(src["accounts"], 3, "{src}");
    assert_eq!(src["rows"], 4);
    assert_eq!(src["skipped"], 1);
    assert_eq!(src["skipped_rows"][0]["line"], 3);
    let warnings = src["warnings"].to_string();
    assert!(
        warnings.contains("unclosed quote opened at line 3 swallowed lines 4–5"),
        "{warnings}"
    );
    let titles: Vec<&str> = doc["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["Gmail", "Amazon", "Netflix"]);
    if let Some(r) = repro("ux/bom-crlf-broken.csv") {
        let (doc, _) = audit_json(&["--allow-incomplete", r.to_str().unwrap()]);
        assert_eq!(doc["sources"][0]["accounts"], 3);
    }
}

/// Item 7: a `--columns` mapping past every row's width is exit 2.
#[test]
fn columns_mapping_beyond_the_rows_is_an_input_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        &dir,
        "other.csv",
        b"Site,Login,Pass,Address,Memo\nBank,joe,hunter2,https://bank.example.com,\n",
    );
    let out = audit(&[
        path.to_str().unwrap(),
        "--columns",
        "title=1,username=2,password=3,url=9",
    ])
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("url=9") && err.contains("5 column(s)"),
        "{err}"
    );
}

/// Item 7: a file none of whose rows could be imported is exit 2, not a
/// passing audit of 0 accounts.
#[test]
fn zero_accounts_from_rows_that_all_failed_is_an_input_error() {
    let dir = tempfile::tempdir().unwrap();
    let data = format!("{BITWARDEN}\n,,login,A,,,0\n,,login,B\n");
    let path = write(&dir, "cut.csv", data.as_bytes());
    let out = audit(&[path.to_str().unwrap()]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("none of the 2 data row(s)"), "{err}");
}

/// Item 8: a Windows-1252 export is decoded, said once, and `--encoding`
/// overrides the guess.
#[test]
fn cp1252_export_is_decoded_with_one_warning() {
    let dir = tempfile::tempdir().unwrap();
    let mut data = format!("{BITWARDEN}\r\n").into_bytes();
    for k in 0..50 {
        data.extend_from_slice(
            format!(",,login,Caf\u{e9} {k},,,0,https://s{k}.example,u{k},pw-\u{f1}-{k},\r\n")
                .chars()
                .map(|c| u8::try_from(u32::from(c)).unwrap())
                .collect::<Vec<u8>>()
                .as_slice(),
        );
    }
    let path = write(&dir, "dana.csv", &data);
    let p = path.to_str().unwrap();
    let (doc, code) = audit_json(&[p]);
    assert_ne!(code, 2);
    let src = &doc["sources"][0];
    assert_eq!(src["encoding"], "windows-1252");
    assert_eq!(src["warnings"].as_array().unwrap().len(), 1, "{src}");
    assert!(
        src["warnings"][0]
            .as_str()
            .unwrap()
            .contains("decoded as windows-1252")
    );
    assert_eq!(doc["accounts"][0]["title"], "Café 0");
    let (doc, _) = audit_json(&["--allow-incomplete", "--encoding", "iso-8859-5", p]);
    assert_eq!(doc["sources"][0]["encoding"], "ISO-8859-5");
    assert_ne!(doc["accounts"][0]["title"], "Café 0");
    let out = audit(&["--encoding", "klingon", p]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    if let Some(r) = repro("ux/dana-cp1252.csv") {
        let (doc, _) = audit_json(&["--allow-incomplete", r.to_str().unwrap()]);
        assert_eq!(doc["sources"][0]["warnings"].as_array().unwrap().len(), 1);
    }
}

/// Item 8: files that are not CSV say what they are (exit 2).
#[test]
fn non_csv_files_say_what_they_are() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, &[u8], &str); 3] = [
        (
            "other.json",
            br#"{"entries":[{"name":"x","login":{"username":"a","password":"b"}}]}"#,
            "JSON",
        ),
        (
            "export.xlsx",
            b"PK\x03\x04\x14\0\0\0\0\0[Content_Types].xml....xl/workbook.xml",
            "XLSX spreadsheet",
        ),
        (
            "blob.csv",
            b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0",
            "binary file",
        ),
    ];
    for (name, data, says) in cases {
        let path = write(&dir, name, data);
        let out = audit(&[path.to_str().unwrap()]).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{name}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{name}: {err}");
        assert!(!err.contains("password\":\"b"), "{err}");
    }
    if let Some(r) = repro("ux/export.xlsx") {
        let out = audit(&[r.to_str().unwrap()]).output().unwrap();
        assert_eq!(out.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&out.stderr).contains("this is a"));
    }
    // Bitwarden JSON is read directly now (issue 12), never refused.
    if let Some(r) = repro("ux/bitwarden.json") {
        let out = audit(&[r.to_str().unwrap(), "--format", "json"])
            .output()
            .unwrap();
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(doc["sources"][0]["format"], "bitwarden-json");
        assert_eq!(doc["sources"][0]["rows"], 1);
    }
}

/// Item 13: an absurd row is a clear exit-2 error naming its line.
#[test]
fn absurd_row_is_rejected_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut data = format!("{BITWARDEN}\n,,login,A,,,0,https://a.example,u,pw,\n").into_bytes();
    data.extend(std::iter::repeat_n(b',', 200_000));
    data.push(b'\n');
    let path = write(&dir, "commas.csv", &data);
    let out = audit(&[path.to_str().unwrap()]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("commas.csv:3:") && err.contains("10000 cells"),
        "{err}"
    );
}

/// Item 10: the JSON report accounts for every row of every sample.
#[test]
fn json_rows_add_up_for_every_sample() {
    let root = common::root().join("sample-exports");
    let mut files = Vec::new();
    for dir in [root.clone(), root.join("family")] {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "csv") {
                files.push(p);
            }
        }
    }
    for path in files {
        let (doc, _) = audit_json(&["--only", "reuse", path.to_str().unwrap()]);
        let s = &doc["sources"][0];
        let n = |k: &str| s[k].as_u64().unwrap_or_else(|| panic!("{k} in {s}"));
        assert_eq!(
            n("rows"),
            n("accounts")
                + n("logins_without_password")
                + n("other_items")
                + n("folders")
                + n("deleted")
                + n("skipped"),
            "{}: {s}",
            path.display()
        );
    }
}
