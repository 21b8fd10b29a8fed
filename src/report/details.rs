//! A finding's `details`: typed for the kinds that dominate large audits
//! (reuse, similar, weak, pwned, the per-account recovery findings,
//! site_breach and passkey_available), with a
//! generic JSON fallback ([`Details::Json`]) for the other kinds and for
//! every report read back from a file.
//!
//! Each typed variant serialises to exactly the JSON object the checks used
//! to build with `serde_json::json!`: same keys, same values, keys in sorted
//! order (serde_json's maps are sorted), so the fields of each struct below
//! are declared in alphabetical order (the unit test
//! `typed_details_serialise_as_the_json_they_replace` holds them to it).
//! docs/json.md is the contract.
//!
//! Why typed: at 200,000 accounts a report holds hundreds of thousands of
//! findings; a `serde_json::Value` object allocates each key as a `String`
//! and a map node per field, for every finding.
//!
//! Reading back: [`Details`] deserialises as [`Details::Json`] whatever the
//! kind, so a report of any version keeps every field it has.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use std::sync::Arc;

use super::shared::SharedText;
use super::{AccountId, Method};

/// A finding's structured details (never secrets).
#[derive(Debug, Clone, PartialEq)]
pub enum Details {
    /// `reuse`: `distinct_credentials`.
    Reuse(ReuseDetails),
    /// `reuse_across_members`.
    ReuseAcrossMembers(ReuseAcrossDetails),
    /// `similar` and `similar_across_members`.
    Similar(Box<SimilarDetails>),
    /// `weak`.
    Weak(WeakDetails),
    /// `pwned`: `count`.
    Pwned(PwnedDetails),
    /// `lockout_risk` and `recovery_unknown` on one account.
    TwoFactorOn(TwoFactorOnDetails),
    /// `two_factor_available` on one account.
    TwoFactorAvailable(Box<TwoFactorAvailableDetails>),
    /// A finding about one export's format (`format`, `accounts`).
    PerExport(PerExportDetails),
    /// `site_breach` on one account.
    SiteBreach(SiteBreachDetails),
    /// `passkey_available` on one account.
    PasskeyAvailable(Box<PasskeyAvailableDetails>),
    /// Any other kind, and every report read back: the JSON object as is.
    Json(serde_json::Value),
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReuseDetails {
    pub distinct_credentials: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReuseAcrossDetails {
    pub members: Vec<String>,
    pub other_accounts: usize,
    pub shared_logins: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WeakDetails {
    pub crack_time: String,
    pub guesses_log10: f64,
    pub score: u8,
    pub warning: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PwnedDetails {
    pub count: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TwoFactorOnDetails {
    pub methods: Vec<Method>,
    /// Present (true) only when a passkey is stored with the account.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub passkey_stored: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TwoFactorAvailableDetails {
    pub hub: bool,
    pub mailbox: bool,
    pub money: bool,
    pub offered: Vec<String>,
    pub recordable: bool,
    pub service: String,
    pub sms_only: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PerExportDetails {
    pub accounts: usize,
    pub format: String,
}

/// `site_breach`: the breach (one [`BreachFacts`] shared by all its
/// findings) and what it means for the account. Serialises as one flat
/// object, keys in alphabetical order.
#[derive(Debug, Clone, PartialEq)]
pub struct SiteBreachDetails {
    pub breach: std::sync::Arc<BreachFacts>,
    /// `password_changed`, `item_modified`, `bulk_import` or `none`.
    pub date_source: &'static str,
    /// `YYYY-MM-DD`, null when the export gives no date.
    pub password_date: Option<String>,
    /// None when the reuse check did not run (written as null).
    pub reused: Option<bool>,
}

/// What a breach is, the same in every `site_breach` finding about it.
#[derive(Debug, Clone, PartialEq)]
pub struct BreachFacts {
    /// `YYYY-MM-DD` it was made public.
    pub added_date: String,
    /// HIBP's name of the breach.
    pub breach: String,
    pub breach_date: Option<String>,
    pub data_classes: Vec<String>,
    pub domain: String,
    pub passwords_exposed: bool,
    pub stealer_log: bool,
    pub title: String,
}

impl Serialize for SiteBreachDetails {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let b = &*self.breach;
        let mut m = s.serialize_struct("SiteBreachDetails", 11)?;
        m.serialize_field("added_date", &b.added_date)?;
        m.serialize_field("breach", &b.breach)?;
        m.serialize_field("breach_date", &b.breach_date)?;
        m.serialize_field("data_classes", &b.data_classes)?;
        m.serialize_field("date_source", self.date_source)?;
        m.serialize_field("domain", &b.domain)?;
        m.serialize_field("password_date", &self.password_date)?;
        m.serialize_field("passwords_exposed", &b.passwords_exposed)?;
        m.serialize_field("reused", &self.reused)?;
        m.serialize_field("stealer_log", &b.stealer_log)?;
        m.serialize_field("title", &b.title)?;
        m.end()
    }
}

/// `passkey_available` on one account.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PasskeyAvailableDetails {
    pub directory_domain: String,
    pub documentation: Option<String>,
    pub mfa: Option<&'static str>,
    /// `false` when the export can tell and holds none; null when it
    /// cannot tell (CSV).
    pub passkey_stored: Option<bool>,
    pub passwordless: Option<&'static str>,
    pub site: String,
    /// `file` or `built_in`.
    pub source: &'static str,
    pub support: &'static str,
}

/// `similar` / `similar_across_members`. Exactly one of `member` (one
/// member's group) and `members` (across members) is set.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SimilarDetails {
    pub distinct_passwords: usize,
    /// The group's id (`S1`...), set once groups are numbered; absent for
    /// `similar_across_members`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    pub links: Vec<SimilarLink>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub member: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub members: Option<Vec<String>>,
    /// Bridges to other groups (absent when none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<SimilarLink>,
}

/// A link of a similar group (`links`), or a bridge to another group or
/// password (`related`, with `similar_pairs` and `group`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SimilarLink {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub across_members: Option<bool>,
    /// Account ids on each side.
    pub between: [Vec<AccountId>; 2],
    /// One of a few hundred phrases: shared once the finding is numbered
    /// ([`Details::share_texts`]).
    pub explanation: Arc<str>,
    /// `related` only: the other side's group id, null when ungrouped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<Option<String>>,
    /// `related` only: how many similar pairs join the two sides.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub similar_pairs: Option<usize>,
    pub tweaks: Vec<TweakDetail>,
}

/// One tweak as the report writes it: `{"tweak": "added", "kind": "digit",
/// "place": "end"}` (keys sorted).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TweakDetail {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub edits: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub place: Option<&'static str>,
    pub tweak: &'static str,
}

impl Serialize for Details {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Details::Reuse(d) => d.serialize(s),
            Details::ReuseAcrossMembers(d) => d.serialize(s),
            Details::Similar(d) => d.serialize(s),
            Details::Weak(d) => d.serialize(s),
            Details::Pwned(d) => d.serialize(s),
            Details::TwoFactorOn(d) => d.serialize(s),
            Details::TwoFactorAvailable(d) => d.serialize(s),
            Details::PerExport(d) => d.serialize(s),
            Details::SiteBreach(d) => d.serialize(s),
            Details::PasskeyAvailable(d) => d.serialize(s),
            Details::Json(v) => v.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for Details {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        serde_json::Value::deserialize(d).map(Details::Json)
    }
}

impl From<serde_json::Value> for Details {
    fn from(v: serde_json::Value) -> Self {
        Details::Json(v)
    }
}

/// Compact JSON, as `serde_json::Value` displays.
impl std::fmt::Display for Details {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = serde_json::to_string(self).map_err(|_| std::fmt::Error)?;
        f.write_str(&text)
    }
}

impl Details {
    /// The details as a JSON value (what the report holds).
    pub fn to_value(&self) -> serde_json::Value {
        match self {
            Details::Json(v) => v.clone(),
            typed => serde_json::to_value(typed).unwrap_or(serde_json::Value::Null),
        }
    }

    /// The field `key`, as JSON (None when absent).
    pub fn get(&self, key: &str) -> Option<serde_json::Value> {
        use serde_json::Value;
        match (self, key) {
            (Details::Json(v), _) => v.get(key).cloned(),
            (Details::Pwned(d), "count") => Some(Value::from(d.count)),
            (Details::TwoFactorAvailable(d), "recordable") => Some(Value::Bool(d.recordable)),
            (Details::TwoFactorAvailable(d), "offered") => Some(Value::from(d.offered.clone())),
            (Details::SiteBreach(d), "passwords_exposed") => {
                Some(Value::Bool(d.breach.passwords_exposed))
            }
            (Details::SiteBreach(d), "title") => Some(Value::from(d.breach.title.as_str())),
            (Details::SiteBreach(d), "breach_date") => Some(
                d.breach
                    .breach_date
                    .as_deref()
                    .map_or(Value::Null, Value::from),
            ),
            (typed, _) => typed.to_value().get(key).cloned(),
        }
    }

    /// Replaces the texts many findings repeat by their shared copy (the
    /// similar links' explanations: 352 phrases for 60,000 links at 200,000
    /// accounts).
    pub fn share_texts(&mut self, shared: &mut SharedText) {
        if let Details::Similar(d) = self {
            for link in d.links.iter_mut().chain(&mut d.related) {
                link.explanation = shared.get(&link.explanation);
            }
        }
    }

    /// The details as a mutable JSON value (a typed variant becomes
    /// [`Details::Json`] first): for rewriting ids in merged reports.
    pub fn value_mut(&mut self) -> &mut serde_json::Value {
        if !matches!(self, Details::Json(_)) {
            *self = Details::Json(self.to_value());
        }
        match self {
            Details::Json(v) => v,
            _ => unreachable!("made JSON above"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn same(typed: Details, expected: serde_json::Value) {
        // Byte-identical, pretty and compact: key order included.
        assert_eq!(
            serde_json::to_string_pretty(&typed).unwrap(),
            serde_json::to_string_pretty(&expected).unwrap()
        );
        assert_eq!(
            serde_json::to_string(&typed).unwrap(),
            serde_json::to_string(&expected).unwrap()
        );
        assert_eq!(typed.to_value(), expected);
        // Read back: generic, equal value.
        let back: Details = serde_json::from_str(&serde_json::to_string(&typed).unwrap()).unwrap();
        assert_eq!(back, Details::Json(expected));
    }

    #[test]
    fn typed_details_serialise_as_the_json_they_replace() {
        same(
            Details::Reuse(ReuseDetails {
                distinct_credentials: 3,
            }),
            json!({"distinct_credentials": 3}),
        );
        same(
            Details::ReuseAcrossMembers(ReuseAcrossDetails {
                members: vec!["alice".into(), "bob".into()],
                other_accounts: 2,
                shared_logins: 1,
            }),
            json!({"members": ["alice", "bob"], "shared_logins": 1, "other_accounts": 2}),
        );
        same(
            Details::Weak(WeakDetails {
                crack_time: "3 hours".into(),
                guesses_log10: 4.25,
                score: 1,
                warning: None,
            }),
            json!({"score": 1, "guesses_log10": 4.25, "crack_time": "3 hours", "warning": null}),
        );
        same(
            Details::Pwned(PwnedDetails { count: 12 }),
            json!({"count": 12}),
        );
        same(
            Details::TwoFactorOn(TwoFactorOnDetails {
                methods: vec![Method::Totp],
                passkey_stored: false,
            }),
            json!({"methods": ["totp"]}),
        );
        same(
            Details::TwoFactorOn(TwoFactorOnDetails {
                methods: vec![],
                passkey_stored: true,
            }),
            json!({"methods": [], "passkey_stored": true}),
        );
        same(
            Details::TwoFactorAvailable(Box::new(TwoFactorAvailableDetails {
                hub: false,
                mailbox: true,
                money: false,
                offered: vec!["sms".into(), "totp".into()],
                recordable: true,
                service: "Example".into(),
                sms_only: false,
            })),
            json!({"service": "Example", "offered": ["sms", "totp"], "money": false, "hub": false,
                   "mailbox": true, "recordable": true, "sms_only": false}),
        );
        same(
            Details::PerExport(PerExportDetails {
                accounts: 4,
                format: "chrome".into(),
            }),
            json!({"format": "chrome", "accounts": 4}),
        );
        let breach = std::sync::Arc::new(BreachFacts {
            added_date: "2016-05-21".into(),
            breach: "LinkedIn".into(),
            breach_date: Some("2012-05-05".into()),
            data_classes: vec!["Email addresses".into(), "Passwords".into()],
            domain: "linkedin.com".into(),
            passwords_exposed: true,
            stealer_log: false,
            title: "LinkedIn".into(),
        });
        same(
            Details::SiteBreach(SiteBreachDetails {
                breach: breach.clone(),
                date_source: "password_changed",
                password_date: Some("2011-01-02".into()),
                reused: Some(true),
            }),
            json!({"breach": "LinkedIn", "title": "LinkedIn", "domain": "linkedin.com",
                   "breach_date": "2012-05-05", "added_date": "2016-05-21",
                   "data_classes": ["Email addresses", "Passwords"], "passwords_exposed": true,
                   "stealer_log": false, "date_source": "password_changed",
                   "password_date": "2011-01-02", "reused": true}),
        );
        same(
            Details::SiteBreach(SiteBreachDetails {
                breach: std::sync::Arc::new(BreachFacts {
                    breach_date: None,
                    ..(*breach).clone()
                }),
                date_source: "none",
                password_date: None,
                reused: Some(false),
            }),
            json!({"breach": "LinkedIn", "title": "LinkedIn", "domain": "linkedin.com",
                   "breach_date": null, "added_date": "2016-05-21",
                   "data_classes": ["Email addresses", "Passwords"], "passwords_exposed": true,
                   "stealer_log": false, "date_source": "none",
                   "password_date": null, "reused": false}),
        );
        same(
            Details::PasskeyAvailable(Box::new(PasskeyAvailableDetails {
                directory_domain: "github.com".into(),
                documentation: Some("https://docs.github.com/x".into()),
                mfa: Some("allowed"),
                passkey_stored: None,
                passwordless: None,
                site: "GitHub".into(),
                source: "built_in",
                support: "second_factor",
            })),
            json!({"site": "GitHub", "directory_domain": "github.com", "support": "second_factor",
                   "passwordless": null, "mfa": "allowed", "passkey_stored": null,
                   "documentation": "https://docs.github.com/x", "source": "built_in"}),
        );
        let tweak = TweakDetail {
            edits: None,
            kind: Some("digit"),
            place: Some("end"),
            tweak: "added",
        };
        let small = TweakDetail {
            edits: Some(2),
            kind: None,
            place: None,
            tweak: "small_edit",
        };
        same(
            Details::Similar(Box::new(SimilarDetails {
                distinct_passwords: 2,
                group: Some("S1".into()),
                links: vec![SimilarLink {
                    across_members: None,
                    between: [
                        vec![AccountId::of(0)],
                        vec![AccountId::of(1), AccountId::of(2)],
                    ],
                    explanation: "a digit added".into(),
                    group: None,
                    similar_pairs: None,
                    tweaks: vec![tweak, small],
                }],
                member: Some("alice".into()),
                members: None,
                related: vec![SimilarLink {
                    across_members: Some(false),
                    between: [vec![AccountId::of(0)], vec![AccountId::of(8)]],
                    explanation: "x".into(),
                    group: Some(None),
                    similar_pairs: Some(3),
                    tweaks: vec![],
                }],
            })),
            json!({
                "member": "alice", "distinct_passwords": 2, "group": "S1",
                "links": [{"between": [["A1"], ["A2", "A3"]],
                           "tweaks": [{"tweak": "added", "kind": "digit", "place": "end"},
                                      {"tweak": "small_edit", "edits": 2}],
                           "explanation": "a digit added"}],
                "related": [{"similar_pairs": 3, "between": [["A1"], ["A9"]], "tweaks": [],
                             "explanation": "x", "group": null, "across_members": false}],
            }),
        );
    }

    #[test]
    fn get_and_value_mut_read_typed_and_generic_details_alike() {
        let typed = Details::Pwned(PwnedDetails { count: 7 });
        assert_eq!(typed.get("count"), Some(json!(7)));
        assert_eq!(typed.get("nope"), None);
        let breach = Details::SiteBreach(SiteBreachDetails {
            breach: std::sync::Arc::new(BreachFacts {
                added_date: "2016-05-21".into(),
                breach: "Forum".into(),
                breach_date: None,
                data_classes: vec![],
                domain: "forum.test".into(),
                passwords_exposed: false,
                stealer_log: false,
                title: "Forum".into(),
            }),
            date_source: "none",
            password_date: None,
            reused: None,
        });
        for key in ["passwords_exposed", "title", "breach_date", "domain"] {
            assert_eq!(
                breach.get(key),
                breach.to_value().get(key).cloned(),
                "{key}"
            );
        }
        let two_factor = Details::TwoFactorAvailable(Box::new(TwoFactorAvailableDetails {
            hub: false,
            mailbox: false,
            money: true,
            offered: vec!["totp".into(), "u2f".into()],
            recordable: true,
            service: "Bank".into(),
            sms_only: false,
        }));
        for key in ["offered", "recordable", "service"] {
            assert_eq!(
                two_factor.get(key),
                two_factor.to_value().get(key).cloned(),
                "{key}"
            );
        }
        let generic = Details::Json(json!({"count": 7}));
        assert_eq!(generic.get("count"), Some(json!(7)));
        let mut d = Details::Reuse(ReuseDetails {
            distinct_credentials: 2,
        });
        d.value_mut()["distinct_credentials"] = json!(5);
        assert_eq!(d, Details::Json(json!({"distinct_credentials": 5})));
    }
}
