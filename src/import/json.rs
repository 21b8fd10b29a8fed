//! What the JSON importers share: telling the JSON exports apart from their
//! top-level keys, and parse errors that never quote the file's text.

use serde::Deserialize;
use serde::de::IgnoredAny;

use crate::error::InputError;

/// The keys that tell JSON exports apart. Values are skipped, never stored
/// (`IgnoredAny`), so probing a file keeps no secret.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Probe {
    encrypted: Option<IgnoredAny>,
    password_protected: Option<IgnoredAny>,
    items: Option<Vec<ItemProbe>>,
    folders: Option<IgnoredAny>,
    collections: Option<IgnoredAny>,
    accounts: Option<Vec<AccountProbe>>,
    vaults: Option<IgnoredAny>,
    user_id: Option<IgnoredAny>,
    #[serde(rename = "AUTHENTIFIANT")]
    authentifiant: Option<IgnoredAny>,
    exporter_rp_id: Option<IgnoredAny>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct ItemProbe {
    login: Option<IgnoredAny>,
    #[serde(rename = "type")]
    kind: Option<IgnoredAny>,
    template_type: Option<IgnoredAny>,
    category: Option<IgnoredAny>,
    credentials: Option<IgnoredAny>,
}

#[derive(Deserialize, Default)]
struct AccountProbe {
    vaults: Option<IgnoredAny>,
    items: Option<IgnoredAny>,
}

/// The JSON export kinds told apart by [`kind`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Bitwarden,
    OnePasswordData,
    ProtonPass,
    Cxf,
    Enpass,
    Dashlane,
}

/// The JSON export `data` is, if it is one vaultlint reads.
pub(crate) fn kind(data: &[u8]) -> Option<Kind> {
    let text = data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data);
    let first = text.iter().find(|b| !b.is_ascii_whitespace())?;
    if *first != b'{' {
        return None;
    }
    let p: Probe = serde_json::from_slice(text).ok()?;
    let first_item = p.items.as_ref().and_then(|i| i.first());
    if p.authentifiant.is_some() {
        return Some(Kind::Dashlane);
    }
    if p.vaults.is_some() && p.user_id.is_some() {
        return Some(Kind::ProtonPass);
    }
    if let Some(accounts) = &p.accounts {
        if accounts.iter().any(|a| a.vaults.is_some()) {
            return Some(Kind::OnePasswordData);
        }
        if p.exporter_rp_id.is_some() || accounts.iter().any(|a| a.items.is_some()) {
            return Some(Kind::Cxf);
        }
    }
    if let Some(item) = first_item {
        if item.credentials.is_some() {
            return Some(Kind::Cxf);
        }
        if item.template_type.is_some() || (item.category.is_some() && item.kind.is_none()) {
            return Some(Kind::Enpass);
        }
        if item.kind.is_some() || item.login.is_some() {
            return Some(Kind::Bitwarden);
        }
    }
    if p.password_protected.is_some()
        || p.encrypted.is_some() && p.items.is_some()
        || p.encrypted.is_some() && (p.folders.is_some() || p.collections.is_some())
    {
        return Some(Kind::Bitwarden);
    }
    // An account-restricted or password-protected Bitwarden export with
    // `encrypted` only, or an empty vault.
    if p.encrypted.is_some() && p.vaults.is_none() {
        return Some(Kind::Bitwarden);
    }
    if p.items.is_some() && (p.folders.is_some() || p.collections.is_some()) {
        return Some(Kind::Bitwarden);
    }
    None
}

/// Parses `data` as `T`. The error names the file, line and column and the
/// kind of problem only: serde's own message can quote a value (a password
/// of the wrong type), so it is never shown.
pub(crate) fn parse<T: serde::de::DeserializeOwned>(
    data: &[u8],
    path: &str,
    what: &str,
) -> Result<T, InputError> {
    let text = data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data);
    serde_json::from_slice(text).map_err(|e| error(e, path, what))
}

/// A serde error as an input error that quotes nothing from the file.
pub(crate) fn error(e: serde_json::Error, path: &str, what: &str) -> InputError {
    use serde_json::error::Category;
    let problem = match e.classify() {
        Category::Eof => "the file ends too early (truncated?)",
        Category::Syntax => "invalid JSON",
        Category::Data => "a value does not have the expected type",
        Category::Io => "cannot read",
    };
    InputError::Malformed {
        path: path.to_owned(),
        line: e.line() as u64,
        message: format!("column {}: {problem} for a {what}", e.column()),
    }
}

/// A JSON scalar (string, number or boolean) read as text into a
/// [`Secret`]; `null`, arrays and objects are empty.
#[derive(Default)]
pub(crate) struct Text(pub crate::model::Secret);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use crate::model::Secret;
        use serde_json::Value;
        Ok(Text(match Value::deserialize(d)? {
            Value::String(s) => Secret::from(s),
            Value::Number(n) => Secret::new(n.to_string()),
            Value::Bool(b) => Secret::new(b.to_string()),
            _ => Secret::default(),
        }))
    }
}

/// An ISO-8601 / RFC 3339 date (or epoch number) as Unix seconds.
pub(crate) fn time(value: Option<&str>) -> Option<i64> {
    value.and_then(super::util::parse_time)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_come_from_the_top_level_keys() {
        let k = |s: &str| kind(s.as_bytes());
        assert_eq!(
            k(r#"{"encrypted":false,"folders":[],"items":[]}"#),
            Some(Kind::Bitwarden)
        );
        assert_eq!(
            k(r#"{"encrypted":true,"passwordProtected":true,"salt":"s","data":"2.x"}"#),
            Some(Kind::Bitwarden)
        );
        assert_eq!(
            k(r#"{"folders":[],"items":[{"type":1,"login":{}}]}"#),
            Some(Kind::Bitwarden)
        );
        assert_eq!(
            k(r#"{"folders":[],"items":[{"category":"login","template_type":"login.default"}]}"#),
            Some(Kind::Enpass)
        );
        assert_eq!(
            k(r#"{"accounts":[{"attrs":{},"vaults":[]}]}"#),
            Some(Kind::OnePasswordData)
        );
        assert_eq!(
            k(r#"{"id":"a","items":[{"credentials":[]}]}"#),
            Some(Kind::Cxf)
        );
        assert_eq!(
            k(r#"{"version":"1","userId":"u","vaults":{}}"#),
            Some(Kind::ProtonPass)
        );
        assert_eq!(k(r#"{"AUTHENTIFIANT":[]}"#), Some(Kind::Dashlane));
        assert_eq!(k(r#"{"a":1}"#), None);
        assert_eq!(k("[1,2]"), None);
        assert_eq!(k("name,url\n"), None);
    }

    #[test]
    fn parse_errors_quote_nothing_from_the_file() {
        #[derive(Deserialize, Debug)]
        #[allow(dead_code)]
        struct T {
            n: u8,
        }
        let err = parse::<T>(b"{\n\"n\": \"hunter2-secret\"}", "x.json", "test").unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with("x.json:2:"), "{msg}");
        assert!(!msg.contains("hunter2"), "{msg}");
        let err = parse::<T>(b"{\"n\": 1", "x.json", "test").unwrap_err();
        assert!(err.to_string().contains("truncated"), "{err}");
    }
}
