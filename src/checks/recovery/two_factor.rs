//! Is 2FA recorded for an account, and which kind?
//!
//! Looks, in order, at the TOTP column (a bare base32 secret, an `otpauth://`
//! URI or a `steam://` secret), at custom fields that managers use for it
//! (Keeper's `TFC:Keeper`, Enpass's `One-time code`, RoboForm's `TOTP KEY$`,
//! KeePass's `TimeOtp-Secret-*`/`otp`, or any field holding an `otpauth://` or
//! `steam://` value), and at an `otpauth://` URI pasted into the notes.
//! Returns the methods and where they were seen; never the secret.

use crate::model::{Entry, normalize_field_name};
pub use crate::report::Method;

/// What was found for one entry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Detected {
    /// Distinct methods, sorted.
    pub methods: Vec<Method>,
    /// Where each was seen (`TOTP column`, `custom field 'TFC:Keeper'`, `notes`).
    pub evidence: Vec<String>,
}

impl Detected {
    pub fn is_on(&self) -> bool {
        !self.methods.is_empty()
    }

    fn add(&mut self, method: Method, place: String) {
        if !self.methods.contains(&method) {
            self.methods.push(method);
            self.methods.sort();
        }
        if !self.evidence.contains(&place) {
            self.evidence.push(place);
        }
    }
}

/// Custom-field names that hold a one-time-code secret in any manager
/// (normalised as [`normalize_field_name`]); each format declares its own
/// conventions (Keeper's `TFC:Keeper`...) in its `FormatInfo::otp_fields`.
const OTP_FIELD_NAMES: &[&str] = &[
    "totp",
    "totp secret",
    "otp secret",
    "otp_secret",
    "otpauth",
    "2fa",
    "2fa secret",
    "mfa secret",
    "authenticator key",
];

/// True when `name` is a field managers use for a TOTP secret.
pub fn is_otp_field(name: &str) -> bool {
    let name = normalize_field_name(name);
    OTP_FIELD_NAMES.contains(&name.as_str()) || crate::import::otp_field_names().any(|n| n == name)
}

/// A bare base32 secret (spaces, dashes and `=` padding allowed).
fn is_base32_secret(value: &str) -> bool {
    let s: String = value
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect::<String>()
        .trim_end_matches('=')
        .to_ascii_uppercase();
    s.len() >= 16
        && s.chars()
            .all(|c| c.is_ascii_uppercase() || ('2'..='7').contains(&c))
}

/// The method a URI or secret stands for, if it is recognisably one.
pub fn classify(value: &str) -> Option<Method> {
    let v = value.trim();
    let lower = v.to_ascii_lowercase();
    if lower.starts_with("steam://") {
        return Some(Method::Steam);
    }
    if let Some(rest) = lower.strip_prefix("otpauth://") {
        if lower.contains("encoder=steam") {
            return Some(Method::Steam);
        }
        return Some(if rest.starts_with("totp") {
            Method::Totp
        } else if rest.starts_with("hotp") {
            Method::Hotp
        } else {
            Method::Other
        });
    }
    if lower.starts_with("otpauth-migration://") {
        return Some(Method::Other);
    }
    is_base32_secret(v).then_some(Method::Totp)
}

/// Printable name of a field for evidence: the name itself, unless it looks
/// like it holds a code (then only "a custom field").
pub fn field_label(name: &str) -> String {
    let name = name.trim();
    if name.is_empty() || super::codes::has_code_like(name) {
        "a custom field".to_owned()
    } else {
        format!("custom field '{}'", crate::sanitize::truncate(name, 40))
    }
}

/// Finds the 2FA methods recorded for `entry`.
pub fn detect(entry: &Entry) -> Detected {
    let mut found = Detected::default();
    if let Some(totp) = &entry.totp {
        let v = totp.expose().trim();
        if !v.is_empty() {
            found.add(
                classify(v).unwrap_or(Method::Totp),
                "TOTP column".to_owned(),
            );
        }
    }
    for field in &entry.fields {
        let value = field.value.expose().trim();
        if value.is_empty() {
            continue;
        }
        let method = if is_otp_field(&field.name) {
            Some(classify(value).unwrap_or(Method::Totp))
        } else {
            let lower = value.to_ascii_lowercase();
            (lower.starts_with("otpauth://") || lower.starts_with("steam://"))
                .then(|| classify(value))
                .flatten()
        };
        if let Some(m) = method {
            found.add(m, field_label(&field.name));
        }
    }
    let notes = entry.notes.expose();
    if let Some(at) = notes.find("otpauth://") {
        let uri = notes[at..]
            .split(|c: char| c.is_whitespace() || c == '"' || c == '\'')
            .next()
            .unwrap_or("");
        if let Some(m) = classify(uri) {
            found.add(m, "notes (an otpauth:// URI)".to_owned());
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{EntryKind, Field, Secret};

    fn entry() -> Entry {
        Entry::new(EntryKind::Login, 2)
    }

    #[test]
    fn classifies_uris_and_secrets() {
        assert_eq!(
            classify("otpauth://totp/GitHub:me?secret=KRSXG5CTMVRXEZLU"),
            Some(Method::Totp)
        );
        assert_eq!(
            classify("otpauth://hotp/x?secret=AB&counter=1"),
            Some(Method::Hotp)
        );
        assert_eq!(
            classify("otpauth://totp/Steam:me?secret=AB&encoder=steam"),
            Some(Method::Steam)
        );
        assert_eq!(classify("steam://JBSWY3DPEHPK3PXP"), Some(Method::Steam));
        assert_eq!(classify("JBSW Y3DP EHPK 3PXP"), Some(Method::Totp));
        assert_eq!(classify("hello"), None);
        assert_eq!(classify("12345678"), None);
    }

    #[test]
    fn totp_column() {
        let mut e = entry();
        e.totp = Some(Secret::new("JBSWY3DPEHPK3PXQ"));
        let d = detect(&e);
        assert_eq!(d.methods, vec![Method::Totp]);
        assert_eq!(d.evidence, vec!["TOTP column"]);
        e.totp = Some(Secret::new("steam://JBSWY3DPEHPK3PXP"));
        assert_eq!(detect(&e).methods, vec![Method::Steam]);
        e.totp = Some(Secret::new("  "));
        assert!(!detect(&e).is_on());
    }

    #[test]
    fn manager_specific_fields() {
        for name in ["TFC:Keeper", "One-time code", "TOTP KEY$", "*TOTP", "otp"] {
            let mut e = entry();
            e.fields = thin_vec::thin_vec![Field::new(name, "fdkjjkdsf")];
            let d = detect(&e);
            assert_eq!(d.methods, vec![Method::Totp], "{name}");
            assert_eq!(d.evidence, vec![format!("custom field '{name}'")], "{name}");
        }
        // an empty Enpass "One-time code" is not 2FA
        let mut e = entry();
        e.fields = thin_vec::thin_vec![Field::new("One-time code", "")];
        assert!(!detect(&e).is_on());
    }

    #[test]
    fn any_field_with_a_uri_and_notes_with_a_uri() {
        let mut e = entry();
        e.fields = thin_vec::thin_vec![
            Field::new("Login 2", "otpauth://totp/A?secret=ABC"),
            Field::new("PIN", "1234"),
        ];
        assert_eq!(detect(&e).methods, vec![Method::Totp]);
        let mut e = entry();
        e.notes = Secret::new("seed: otpauth://totp/Bank:me?secret=NBSWY3DPFQQFO33S\nthanks");
        let d = detect(&e);
        assert_eq!(d.methods, vec![Method::Totp]);
        assert_eq!(d.evidence, vec!["notes (an otpauth:// URI)"]);
    }

    #[test]
    fn nothing_recorded() {
        let mut e = entry();
        e.notes = Secret::new("Customer number 00417-2291");
        e.fields = thin_vec::thin_vec![Field::new("Security question", "Blue")];
        assert_eq!(detect(&e), Detected::default());
    }

    #[test]
    fn field_labels_never_echo_codes() {
        assert_eq!(
            field_label("Recovery codes"),
            "custom field 'Recovery codes'"
        );
        assert_eq!(field_label("3f2a1-b9c4d"), "a custom field");
        assert_eq!(field_label(""), "a custom field");
    }
}
