//! The policy file (`--policy FILE`, TOML): how a family or a team pins the
//! audit's rules for scheduled runs. Flags on the command line override it.
//!
//! ```toml
//! fail_on = "high"              # info | low | medium | high | critical
//! exit_zero = false
//! allow_incomplete = false
//! only = ["reuse", "weak"]      # or skip = [...]
//!
//! [severity]                    # per finding kind
//! insecure_url = "low"
//!
//! [[ignore]]                    # accepted risks, by finding fingerprint
//! fingerprint = "557670ee14ab47ca"
//! reason = "shared family streaming login"
//! expires = "2027-06-30"        # optional; after it the finding returns
//! ```
//!
//! Errors name the file and line.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use crate::error::InputError;
use crate::finding::{CheckId, FindingKind};
use crate::report::Severity;

/// An accepted risk: findings with this fingerprint are left out of the
/// findings and listed as suppressed, until `expires`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ignore {
    pub fingerprint: String,
    pub reason: String,
    pub expires: Option<chrono::NaiveDate>,
}

/// What a policy file says; every field optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PolicyFile {
    pub fail_on: Option<Severity>,
    pub exit_zero: Option<bool>,
    pub allow_incomplete: Option<bool>,
    pub only: Vec<CheckId>,
    pub skip: Vec<CheckId>,
    pub severity: BTreeMap<FindingKind, Severity>,
    pub ignore: Vec<Ignore>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    fail_on: Option<Spanned<String>>,
    exit_zero: Option<bool>,
    allow_incomplete: Option<bool>,
    #[serde(default)]
    only: Vec<Spanned<String>>,
    #[serde(default)]
    skip: Vec<Spanned<String>>,
    #[serde(default)]
    severity: BTreeMap<Spanned<String>, Spanned<String>>,
    #[serde(default)]
    ignore: Vec<RawIgnore>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIgnore {
    fingerprint: Spanned<String>,
    reason: String,
    expires: Option<Spanned<String>>,
}

/// Reads and validates a policy file.
pub fn load(path: &Path) -> Result<PolicyFile, InputError> {
    let display = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| InputError::Io {
        path: display.clone(),
        message: e.to_string(),
    })?;
    parse(&text, &display)
}

/// Parses policy text; `path` is used in messages.
pub fn parse(text: &str, path: &str) -> Result<PolicyFile, InputError> {
    let at = |offset: usize, message: String| {
        let line = text[..offset.min(text.len())].matches('\n').count() as u64 + 1;
        InputError::Malformed {
            path: path.to_owned(),
            line,
            message,
        }
    };
    let raw: Raw = toml::from_str(text).map_err(|e| {
        let offset = e.span().map_or(0, |s| s.start);
        at(offset, e.message().trim().to_owned())
    })?;
    let severity = |s: &Spanned<String>| {
        Severity::parse(s.get_ref()).ok_or_else(|| {
            at(
                s.span().start,
                format!(
                    "'{}' is not a severity (info, low, medium, high, critical)",
                    s.get_ref()
                ),
            )
        })
    };
    let check = |s: &Spanned<String>| {
        CheckId::parse(s.get_ref())
            .ok_or_else(|| at(s.span().start, format!("unknown check '{}'", s.get_ref())))
    };
    let mut out = PolicyFile {
        fail_on: raw.fail_on.as_ref().map(severity).transpose()?,
        exit_zero: raw.exit_zero,
        allow_incomplete: raw.allow_incomplete,
        only: raw.only.iter().map(check).collect::<Result<_, _>>()?,
        skip: raw.skip.iter().map(check).collect::<Result<_, _>>()?,
        ..PolicyFile::default()
    };
    for (kind, sev) in &raw.severity {
        let k = FindingKind::parse(kind.get_ref()).ok_or_else(|| {
            at(
                kind.span().start,
                format!("unknown finding kind '{}'", kind.get_ref()),
            )
        })?;
        out.severity.insert(k, severity(sev)?);
    }
    for ig in raw.ignore {
        let fp = ig.fingerprint.get_ref().trim().to_ascii_lowercase();
        if fp.len() != 16 || !fp.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(at(
                ig.fingerprint.span().start,
                "a fingerprint is the 16 hex digits of a finding's `fingerprint`".into(),
            ));
        }
        let expires = ig
            .expires
            .as_ref()
            .map(|e| {
                chrono::NaiveDate::parse_from_str(e.get_ref(), "%Y-%m-%d").map_err(|_| {
                    at(
                        e.span().start,
                        format!("'{}' is not a YYYY-MM-DD date", e.get_ref()),
                    )
                })
            })
            .transpose()?;
        out.ignore.push(Ignore {
            fingerprint: fp,
            reason: ig.reason,
            expires,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_full_policy() {
        let p = parse(
            "fail_on = \"medium\"\nskip = [\"pwned\"]\n[severity]\ninsecure_url = \"low\"\n[[ignore]]\nfingerprint = \"557670EE14AB47CA\"\nreason = \"shared\"\nexpires = \"2027-06-30\"\n",
            "p.toml",
        )
        .unwrap();
        assert_eq!(p.fail_on, Some(Severity::Medium));
        assert_eq!(p.skip, vec![CheckId::Pwned]);
        assert_eq!(p.severity[&FindingKind::InsecureUrl], Severity::Low);
        assert_eq!(p.ignore[0].fingerprint, "557670ee14ab47ca");
        assert!(p.ignore[0].expires.is_some());
    }

    #[test]
    fn errors_name_the_line() {
        let e = parse("fail_on = \"high\"\n\nfail_on2 = 1\n", "p.toml").unwrap_err();
        assert!(e.to_string().starts_with("p.toml:3:"), "{e}");
        let e = parse("[severity]\nweak = \"severe\"\n", "p.toml").unwrap_err();
        assert!(e.to_string().starts_with("p.toml:2:"), "{e}");
        let e = parse("only = [\"reuse\",\n \"bogus\"]\n", "p.toml").unwrap_err();
        assert!(e.to_string().starts_with("p.toml:2:"), "{e}");
        let e = parse(
            "[[ignore]]\nfingerprint = \"xyz\"\nreason = \"r\"\n",
            "p.toml",
        )
        .unwrap_err();
        assert!(e.to_string().starts_with("p.toml:2:"), "{e}");
        assert!(parse("fail_on = \n", "p.toml").is_err());
    }
}
