//! The exit code, decided in one place from the audit and the policy.

use crate::report::Finding;
use crate::settings::Policy;

/// Audit complete, nothing at or above the failure threshold.
pub const OK: i32 = 0;
/// Findings at or above `--fail-on`.
pub const FINDINGS: i32 = 1;
/// Usage or input error.
pub const INPUT: i32 = 2;
/// The audit could not complete (a check stayed unknown).
pub const INCOMPLETE: i32 = 3;

/// The exit code of a finished audit. An incomplete audit exits 3 unless
/// `--allow-incomplete`, whatever it found: unknown is never reported as safe.
pub fn decide(findings: &[Finding], incomplete: bool, policy: &Policy) -> i32 {
    if incomplete && !policy.allow_incomplete {
        return INCOMPLETE;
    }
    if !policy.exit_zero && findings.iter().any(|f| f.severity >= policy.fail_on) {
        return FINDINGS;
    }
    OK
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::FindingKind;
    use crate::report::Severity;

    fn finding(severity: Severity) -> Finding {
        Finding {
            id: "F1".into(),
            check: FindingKind::Reuse,
            severity,
            accounts: vec![],
            message: String::new(),
            fingerprint: String::new(),
            details: None,
        }
    }

    #[test]
    fn thresholds_and_overrides() {
        let p = Policy::default();
        assert_eq!(decide(&[finding(Severity::Medium)], false, &p), OK);
        assert_eq!(decide(&[finding(Severity::High)], false, &p), FINDINGS);
        assert_eq!(decide(&[finding(Severity::High)], true, &p), INCOMPLETE);
        let lenient = Policy {
            exit_zero: true,
            allow_incomplete: true,
            ..p.clone()
        };
        assert_eq!(decide(&[finding(Severity::Critical)], true, &lenient), OK);
        let strict = Policy {
            fail_on: Severity::Info,
            ..p
        };
        assert_eq!(decide(&[finding(Severity::Info)], false, &strict), FINDINGS);
    }
}
