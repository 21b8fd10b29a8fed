//! Helpers shared by the CLI tests: run the real binary, read sample exports.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A path under `sample-exports/`.
pub fn sample(name: &str) -> PathBuf {
    root().join("sample-exports").join(name)
}

/// The real binary, with colour off and no network checks (tests never reach
/// the internet: the breach check is skipped unless a test points it at a
/// local server).
pub fn vaultlint() -> Command {
    let mut cmd = Command::cargo_bin("vaultlint").expect("binary built");
    cmd.current_dir(root())
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .env("VAULTLINT_PWNED", "off");
    cmd
}

/// `vaultlint audit --skip pwned <args>`.
pub fn audit(args: &[&str]) -> Command {
    let mut cmd = vaultlint();
    cmd.arg("audit").arg("--skip").arg("pwned").args(args);
    cmd
}

/// Runs an audit with `--format json` and parses the document.
pub fn audit_json(args: &[&str]) -> (serde_json::Value, i32) {
    json_of(audit(args))
}

/// `vaultlint audit <args> --format json` with every check selected (the
/// breach check still off through `VAULTLINT_PWNED`), parsed.
pub fn audit_all_json(args: &[&str]) -> (serde_json::Value, i32) {
    let mut cmd = vaultlint();
    cmd.arg("audit").args(args);
    json_of(cmd)
}

/// Runs `cmd` with `--format json` and parses what it prints.
fn json_of(mut cmd: Command) -> (serde_json::Value, i32) {
    let out = cmd.arg("--format").arg("json").output().expect("runs");
    let code = out.status.code().expect("exit code");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}); stderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (doc, code)
}

/// Every password (and TOTP secret) an export holds, read through the library.
pub fn secrets_of(path: &Path) -> Vec<String> {
    let (_, entries) =
        vaultlint::import::load_file(path, "m", &vaultlint::import::FormatChoice::Auto)
            .expect("sample imports");
    let mut out = Vec::new();
    for e in entries {
        if let Some(p) = e.password() {
            out.push(p.to_owned());
        }
        if let Some(t) = &e.totp {
            out.push(t.expose().to_owned());
        }
    }
    out
}

/// Every `.csv` file under `sample-exports/` (recursively), sorted.
pub fn all_samples() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("readable dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "csv") {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(&root().join("sample-exports"), &mut out);
    out.sort();
    out
}

/// Serves `body` as JSON once per connection on 127.0.0.1, for `count`
/// requests: returns the URL (`http://127.0.0.1:PORT{path}`) and a handle
/// that yields the requests it saw.
pub fn serve_json(
    body: String,
    path: &str,
    count: usize,
) -> (String, std::thread::JoinHandle<Vec<String>>) {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}{path}", listener.local_addr().unwrap());
    let handle = std::thread::spawn(move || {
        let mut seen = Vec::new();
        for stream in listener.incoming().take(count) {
            let mut s = stream.unwrap();
            let mut buf = [0u8; 8192];
            let n = s.read(&mut buf).unwrap();
            seen.push(String::from_utf8_lossy(&buf[..n]).into_owned());
            let head = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                body.len()
            );
            s.write_all(head.as_bytes()).unwrap();
            s.write_all(body.as_bytes()).unwrap();
        }
        seen
    });
    (url, handle)
}

/// Read options that unlock with `password` from a password file, never a
/// prompt; the directory holding the file lives as long as the options.
pub fn with_password(password: &str) -> (tempfile::TempDir, vaultlint::import::ReadOptions) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("pw");
    std::fs::write(&file, format!("{password}\n")).unwrap();
    let options = vaultlint::import::ReadOptions {
        unlock: vaultlint::import::unlock::UnlockSettings {
            password_file: Some(file),
            no_prompt: true,
            ..Default::default()
        },
        ..Default::default()
    };
    (dir, options)
}
