//! Reading a JSON report back (`--baseline`, `vaultlint merge`). A file that
//! is missing, not JSON, not a vaultlint report or of another schema version
//! is an [`InputError`] naming it (exit 2).

use std::path::Path;

use serde::de::DeserializeOwned;

use super::SCHEMA_VERSION;
use crate::error::InputError;

/// Reads the vaultlint JSON report at `path` as `T` (the whole [`super::Audit`],
/// or a narrower view of it).
pub fn report<T: DeserializeOwned>(path: &Path) -> Result<T, InputError> {
    let (data, shown) = InputError::read_file(path)?;
    parse(&data, &shown)
}

/// Parses `data`, read from the file shown as `path`.
pub fn parse<T: DeserializeOwned>(data: &[u8], path: &str) -> Result<T, InputError> {
    let not_report = |why: String| InputError::NotAReport {
        path: path.to_owned(),
        why,
    };
    if data.iter().all(u8::is_ascii_whitespace) {
        return Err(InputError::Empty {
            path: path.to_owned(),
        });
    }
    let value: serde_json::Value =
        serde_json::from_slice(data).map_err(|e| InputError::Malformed {
            path: path.to_owned(),
            line: e.line() as u64,
            message: format!(
                "not JSON ({e}); expected a report of `vaultlint audit --format json`"
            ),
        })?;
    let tool = value
        .get("tool")
        .and_then(|t| t.get("name"))
        .and_then(|n| n.as_str());
    if tool != Some("vaultlint") {
        return Err(not_report(
            "it has no `tool.name` \"vaultlint\"; expected a report of `vaultlint audit --format json`"
                .into(),
        ));
    }
    match value.get("schema_version").and_then(|v| v.as_u64()) {
        Some(v) if v == u64::from(SCHEMA_VERSION) => {}
        Some(v) => {
            return Err(InputError::SchemaVersion {
                path: path.to_owned(),
                found: v,
                expected: SCHEMA_VERSION,
            });
        }
        None => return Err(not_report("it has no numeric `schema_version`".into())),
    }
    serde_json::from_value(value).map_err(|e| not_report(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    struct View {
        generated_at: String,
    }

    fn err(text: &str) -> InputError {
        parse::<View>(text.as_bytes(), "old.json").unwrap_err()
    }

    #[test]
    fn each_bad_file_is_a_typed_error_naming_it() {
        assert!(matches!(err(""), InputError::Empty { .. }));
        let e = err("name,url\n");
        assert!(matches!(e, InputError::Malformed { line: 1, .. }), "{e:?}");
        assert!(e.to_string().starts_with("old.json:1: not JSON"), "{e}");
        let e = err(r#"{"schema_version": 2, "tool": {"name": "other"}}"#);
        assert!(matches!(e, InputError::NotAReport { .. }), "{e:?}");
        let e = err(r#"{"schema_version": 1, "tool": {"name": "vaultlint"}}"#);
        assert_eq!(
            e,
            InputError::SchemaVersion {
                path: "old.json".into(),
                found: 1,
                expected: 2
            }
        );
        assert!(e.to_string().contains("schema version 1"), "{e}");
        let e = err(r#"{"schema_version": 2, "tool": {"name": "vaultlint"}}"#);
        assert!(e.to_string().contains("generated_at"), "{e}");
        let ok: View = parse(
            br#"{"schema_version": 2, "tool": {"name": "vaultlint"}, "generated_at": "t"}"#,
            "old.json",
        )
        .unwrap();
        assert_eq!(ok.generated_at, "t");
    }

    #[test]
    fn a_missing_file_is_an_io_error() {
        let e = report::<View>(Path::new("/nonexistent/old.json")).unwrap_err();
        assert!(matches!(e, InputError::Io { .. }), "{e:?}");
        assert!(e.to_string().starts_with("/nonexistent/old.json"), "{e}");
    }
}
