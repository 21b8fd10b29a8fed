//! The vocabulary every layer shares, at the bottom of the dependency graph:
//! severities, check ids, finding kinds and the report's account ids. It
//! imports nothing from the crate.

use serde::{Deserialize, Serialize};

/// The report id of account `i` (its index among the audited accounts) as
/// text: `A1`, `A2`, ..., as [`AccountId`] writes it.
pub fn account_id(i: usize) -> String {
    AccountId::of(i).to_string()
}

/// The index of the account with report id `id`, if it is one (read as
/// [`AccountId::parse`] reads it).
pub fn account_index(id: &str) -> Option<usize> {
    AccountId::parse(id).map(AccountId::index)
}

/// A report id held as its index (issue 15: 4 bytes, where a `String` held
/// 24 and an allocation): `A12` is account 11 ([`AccountId`]), `F3` finding
/// 2 ([`FindingId`]). It serialises as the same text and reads back only
/// from that text (the letter, then a number from 1 without leading zeros),
/// so a report keeps every byte. Ordered by number (`A2` before `A10`).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Id<const P: char>(u32);

/// An account's report id (`A12`): see [`account_id`].
pub type AccountId = Id<'A'>;
/// A finding's report id (`F3`).
pub type FindingId = Id<'F'>;

impl<const P: char> Id<P> {
    /// The id of the element at `index` (`A1` for 0).
    pub fn of(index: usize) -> Self {
        Id(u32::try_from(index).expect("fewer than 2^32 accounts and findings"))
    }

    /// The index the id stands for (0 for `A1`).
    pub fn index(self) -> usize {
        self.0 as usize
    }

    /// The id written `text`, if it is one of this kind, written as
    /// [`Id`]'s `Display` writes it (so it reads back to the same bytes).
    pub fn parse(text: &str) -> Option<Self> {
        let digits = text.strip_prefix(P)?;
        if digits.is_empty()
            || digits.starts_with('0')
            || !digits.bytes().all(|b| b.is_ascii_digit())
        {
            return None;
        }
        let n: u32 = digits.parse().ok()?;
        Some(Id(n - 1))
    }
}

/// Tests write ids as text: `"A12".into()` (panics on anything else).
#[cfg(test)]
impl<const P: char> From<&str> for Id<P> {
    fn from(text: &str) -> Self {
        Id::parse(text).unwrap_or_else(|| panic!("`{text}` is not a report id"))
    }
}

impl<const P: char> std::fmt::Display for Id<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{P}{}", u64::from(self.0) + 1)
    }
}

impl<const P: char> std::fmt::Debug for Id<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(self, f)
    }
}

impl<const P: char> PartialEq<str> for Id<P> {
    fn eq(&self, other: &str) -> bool {
        Id::parse(other) == Some(*self)
    }
}

impl<const P: char> PartialEq<&str> for Id<P> {
    fn eq(&self, other: &&str) -> bool {
        Id::parse(other) == Some(*self)
    }
}

impl<const P: char> PartialEq<String> for Id<P> {
    fn eq(&self, other: &String) -> bool {
        Id::parse(other) == Some(*self)
    }
}

impl<const P: char> Serialize for Id<P> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de, const P: char> Deserialize<'de> for Id<P> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = std::borrow::Cow::<'de, str>::deserialize(d)?;
        Id::parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "`{text}` is not a report id (`{P}` and a number from 1)"
            ))
        })
    }
}

/// How serious a finding is. Ordered: `info < low < medium < high < critical`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        Severity::ALL
            .into_iter()
            .find(|v| v.as_str() == s.trim().to_ascii_lowercase())
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Declares the checks: each one's id, name, description, finding kinds and
/// the checks whose facts it reads, in one place. From it come [`CheckId`],
/// [`CheckInfo`] for each, and the run order [`CheckId::ALL`].
macro_rules! checks {
    ($(
        $(#[$doc:meta])*
        $id:ident {
            name: $name:literal,
            description: $description:literal,
            kinds: [$($kind:ident),* $(,)?],
            reads: [$($reads:ident),* $(,)?] $(,)?
        }
    ),* $(,)?) => {
        /// A check that can be selected with `--only` / `--skip`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum CheckId {
            $($(#[$doc])* $id,)*
        }

        /// Every check's facts, in declaration order (`CheckId as usize`).
        pub const CHECKS: &[CheckInfo] = &[$(
            CheckInfo {
                id: CheckId::$id,
                name: $name,
                description: $description,
                kinds: &[$(FindingKind::$kind),*],
                reads: &[$(CheckId::$reads),*],
            },
        )*];
    };
}

/// What a check is: declared once in [`checks!`].
#[derive(Debug, Clone, Copy)]
pub struct CheckInfo {
    pub id: CheckId,
    /// Its `--only`/`--skip` name and JSON `check` value (`insecure_url`).
    pub name: &'static str,
    /// One line for `--help` and the docs.
    pub description: &'static str,
    /// The finding kinds it produces.
    pub kinds: &'static [FindingKind],
    /// Checks whose per-account facts it reads: it runs after them.
    pub reads: &'static [CheckId],
}

checks! {
    /// Identical passwords, within a member and across members.
    Reuse {
        name: "reuse",
        description: "identical passwords on several accounts",
        kinds: [Reuse, ReuseAcrossMembers],
        reads: [],
    },
    /// Distinct passwords one cheap tweak apart (near reuse).
    Similar {
        name: "similar",
        description: "passwords one small tweak apart (Summer2022! / Summer2023!)",
        kinds: [Similar, SimilarAcrossMembers],
        reads: [],
    },
    /// Current passwords that are (tweaks of) earlier passwords in the
    /// vault's password history.
    History {
        name: "history",
        description: "passwords that are (tweaks of) earlier passwords in the vault's history: rotation by tweak, reuse of a retired password",
        kinds: [RotationByTweak, ReuseWithHistory],
        reads: [],
    },
    /// Weak passwords (zxcvbn).
    Weak {
        name: "weak",
        description: "weak passwords (zxcvbn score)",
        kinds: [Weak],
        reads: [],
    },
    /// Passwords in Have I Been Pwned's Pwned Passwords (k-anonymity).
    Pwned {
        name: "pwned",
        description: "passwords found in Have I Been Pwned (k-anonymity)",
        kinds: [Pwned],
        reads: [],
    },
    /// Accounts on sites breached since their password was set (HIBP's breach list).
    SiteBreach {
        name: "site_breach",
        description: "accounts on sites breached since the password was set (Have I Been Pwned's breach list)",
        kinds: [SiteBreach],
        reads: [Reuse],
    },
    /// Logins on plain `http://`.
    InsecureUrl {
        name: "insecure_url",
        description: "logins on plain http:// sites",
        kinds: [InsecureUrl],
        reads: [],
    },
    /// Logins on sites that accept a passkey, with none stored (Passkeys Directory).
    PasskeyAvailable {
        name: "passkey_available",
        description: "logins on sites that accept a passkey, with none stored (2factorauth's Passkeys Directory)",
        kinds: [PasskeyAvailable],
        reads: [],
    },
    /// 2FA and backup codes, available 2FA, recovery mailboxes.
    Recovery {
        name: "recovery",
        description: "2FA without saved backup codes, missing 2FA, recovery mailboxes",
        kinds: [LockoutRisk, RecoveryUnknown, TwoFactorAvailable, RecoveryHub],
        reads: [Reuse, Similar, Weak, Pwned],
    },
    /// The lockout drill: lost phone, lost password manager, lost mailbox.
    Drill {
        name: "drill",
        description: "lockout drill: what a lost phone, password manager or mailbox locks out",
        kinds: [RecoveryCycle, SinglePointOfFailure, CodesWithSeed, SmsOnly],
        reads: [Recovery],
    },
}

/// The run order: declaration order, except that a check runs after the
/// checks it reads (a stable topological sort, done by the compiler; a
/// cycle fails the build).
const RUN_ORDER: [CheckId; CHECKS.len()] = {
    let n = CHECKS.len();
    let mut order = [CheckId::Reuse; CHECKS.len()];
    let mut placed = [false; CHECKS.len()];
    let mut k = 0;
    while k < n {
        let mut c = 0;
        let mut found = false;
        while c < n && !found {
            if !placed[c] {
                let reads = CHECKS[c].reads;
                let mut ready = true;
                let mut r = 0;
                while r < reads.len() {
                    if !placed[reads[r] as usize] {
                        ready = false;
                    }
                    r += 1;
                }
                if ready {
                    found = true;
                    placed[c] = true;
                    order[k] = CHECKS[c].id;
                }
            }
            if !found {
                c += 1;
            }
        }
        assert!(found, "the checks' `reads` form a cycle");
        k += 1;
    }
    // Each entry's id is its own variant, so `info()` can index.
    let mut c = 0;
    while c < n {
        assert!(CHECKS[c].id as usize == c);
        c += 1;
    }
    order
};

impl CheckId {
    /// Every check, in the order they run (derived from what each reads).
    pub const ALL: &[CheckId] = &RUN_ORDER;

    /// The check's declared facts.
    pub const fn info(self) -> &'static CheckInfo {
        &CHECKS[self as usize]
    }

    pub fn as_str(self) -> &'static str {
        self.info().name
    }

    pub fn parse(s: &str) -> Option<CheckId> {
        let s = s.trim().to_ascii_lowercase().replace('-', "_");
        CheckId::ALL.iter().copied().find(|c| c.as_str() == s)
    }

    /// One-line description for `--help` and the docs.
    pub fn describe(self) -> &'static str {
        self.info().description
    }

    /// `reuse, similar, ...`: the names, in run order, for help texts.
    pub fn names() -> String {
        let names: Vec<&str> = CheckId::ALL.iter().map(|c| c.as_str()).collect();
        names.join(", ")
    }
}

/// Declares the finding kinds with their JSON names; [`FindingKind::ALL`]
/// comes from the same list.
macro_rules! finding_kinds {
    ($($kind:ident = $name:literal),* $(,)?) => {
        /// The kind of a finding (the JSON `check` field).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum FindingKind {
            $($kind,)*
        }

        impl FindingKind {
            pub const ALL: &[FindingKind] = &[$(FindingKind::$kind),*];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(FindingKind::$kind => $name,)*
                }
            }
        }
    };
}

finding_kinds! {
    Reuse = "reuse",
    ReuseAcrossMembers = "reuse_across_members",
    Similar = "similar",
    SimilarAcrossMembers = "similar_across_members",
    RotationByTweak = "rotation_by_tweak",
    ReuseWithHistory = "reuse_with_history",
    Weak = "weak",
    Pwned = "pwned",
    LockoutRisk = "lockout_risk",
    RecoveryUnknown = "recovery_unknown",
    TwoFactorAvailable = "two_factor_available",
    RecoveryHub = "recovery_hub",
    InsecureUrl = "insecure_url",
    SiteBreach = "site_breach",
    RecoveryCycle = "recovery_cycle",
    SinglePointOfFailure = "single_point_of_failure",
    CodesWithSeed = "codes_with_seed",
    SmsOnly = "sms_only",
    PasskeyAvailable = "passkey_available",
}

/// Each kind is produced by exactly one check (checked by the compiler).
const KIND_OWNER: [CheckId; FindingKind::ALL.len()] = {
    let mut owner = [CheckId::Reuse; FindingKind::ALL.len()];
    let mut owned = [0usize; FindingKind::ALL.len()];
    let mut c = 0;
    while c < CHECKS.len() {
        let kinds = CHECKS[c].kinds;
        let mut k = 0;
        while k < kinds.len() {
            owner[kinds[k] as usize] = CHECKS[c].id;
            owned[kinds[k] as usize] += 1;
            k += 1;
        }
        c += 1;
    }
    let mut k = 0;
    while k < owned.len() {
        assert!(
            owned[k] == 1,
            "a finding kind belongs to no check, or to two"
        );
        k += 1;
    }
    owner
};

impl FindingKind {
    pub fn parse(s: &str) -> Option<FindingKind> {
        let s = s.trim().to_ascii_lowercase().replace('-', "_");
        FindingKind::ALL.iter().copied().find(|k| k.as_str() == s)
    }

    /// The check that produces this kind.
    pub fn check(self) -> CheckId {
        KIND_OWNER[self as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_serialise_and_read_back_as_the_same_text() {
        let a = AccountId::of(11);
        assert_eq!(a.to_string(), "A12");
        assert_eq!(a.index(), 11);
        assert_eq!(serde_json::to_string(&a).unwrap(), "\"A12\"");
        assert_eq!(serde_json::from_str::<AccountId>("\"A12\"").unwrap(), a);
        assert_eq!(FindingId::of(0).to_string(), "F1");
        assert_eq!(
            serde_json::to_string(&vec![FindingId::of(2), FindingId::of(9)]).unwrap(),
            r#"["F3","F10"]"#
        );
        assert_eq!(a, "A12");
        assert_ne!(a, "A13");
        assert_eq!(account_index("A12"), Some(a.index()));
        // Ordered by number, not as text.
        assert!(AccountId::of(1) < AccountId::of(9));
        // Only the text `Display` writes reads back (so every byte stays).
        for bad in [
            "",
            "A",
            "A0",
            "A012",
            "A+1",
            "a1",
            "F1",
            "A1 ",
            "A99999999999",
        ] {
            assert_eq!(AccountId::parse(bad), None, "{bad}");
        }
        assert_eq!(FindingId::parse("A1"), None);
        let err = serde_json::from_str::<FindingId>("\"A1\"").unwrap_err();
        assert!(err.to_string().contains("`A1` is not a report id"), "{err}");
        assert_eq!(std::mem::size_of::<Option<AccountId>>(), 8);
    }

    #[test]
    fn checks_run_after_the_checks_they_read() {
        for (at, c) in CheckId::ALL.iter().enumerate() {
            for r in c.info().reads {
                let before = CheckId::ALL.iter().position(|x| x == r).unwrap();
                assert!(before < at, "{} reads {}", c.as_str(), r.as_str());
            }
        }
        assert_eq!(CheckId::ALL.len(), CHECKS.len());
        assert_eq!(CheckId::ALL.last(), Some(&CheckId::Drill));
    }

    #[test]
    fn names_parse_back_and_kinds_know_their_check() {
        for c in CheckId::ALL {
            assert_eq!(CheckId::parse(c.as_str()), Some(*c));
            for k in c.info().kinds {
                assert_eq!(k.check(), *c);
            }
        }
        assert_eq!(CheckId::parse("insecure-url"), Some(CheckId::InsecureUrl));
        assert_eq!(
            FindingKind::parse("Recovery-Hub"),
            Some(FindingKind::RecoveryHub)
        );
        assert_eq!(FindingKind::LockoutRisk.check(), CheckId::Recovery);
        assert!(CheckId::names().starts_with("reuse, similar, history, weak, pwned"));
    }
}
