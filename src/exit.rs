//! The exit code, derived in one place from the audit's [`Verdict`] and the
//! policy's overrides (never the other way round: reports read the verdict).

use crate::report::{Verdict, VerdictStatus};
use crate::settings::Policy;

/// Audit complete, nothing at or above the failure threshold.
pub const OK: i32 = 0;
/// Findings at or above `--fail-on`.
pub const FINDINGS: i32 = 1;
/// Usage or input error.
pub const INPUT: i32 = 2;
/// The audit could not complete (a check stayed unknown, a row could not be read).
pub const INCOMPLETE: i32 = 3;

/// The exit code of a finished audit. An incomplete audit exits 3 unless
/// `--allow-incomplete`, whatever it found: unknown is never reported as safe.
/// `--exit-zero` turns a failing verdict into exit 0 (the verdict stays FAIL).
pub fn decide(verdict: &Verdict, policy: &Policy) -> i32 {
    if verdict.status == VerdictStatus::Incomplete && !policy.allow_incomplete {
        return INCOMPLETE;
    }
    if !verdict.failing.is_empty() && !policy.exit_zero {
        return FINDINGS;
    }
    OK
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::FindingKind;
    use crate::report::{Finding, Severity};

    fn verdict(severity: Severity, incomplete: bool, fail_on: Severity) -> Verdict {
        let f = Finding {
            id: "F1".into(),
            check: FindingKind::Reuse,
            severity,
            accounts: vec![],
            message: String::new(),
            fingerprint: String::new(),
            details: None,
        };
        let reasons = if incomplete {
            vec!["a check could not finish".into()]
        } else {
            vec![]
        };
        Verdict::decide(&[f], fail_on, reasons)
    }

    #[test]
    fn thresholds_and_overrides() {
        let p = Policy::default();
        let high = Severity::High;
        assert_eq!(decide(&verdict(Severity::Medium, false, high), &p), OK);
        assert_eq!(decide(&verdict(Severity::High, false, high), &p), FINDINGS);
        assert_eq!(decide(&verdict(Severity::High, true, high), &p), INCOMPLETE);
        let lenient = Policy {
            exit_zero: true,
            allow_incomplete: true,
            ..p.clone()
        };
        assert_eq!(
            decide(&verdict(Severity::Critical, true, high), &lenient),
            OK
        );
        let allow = Policy {
            allow_incomplete: true,
            ..p.clone()
        };
        assert_eq!(
            decide(&verdict(Severity::Critical, true, high), &allow),
            FINDINGS
        );
        assert_eq!(
            decide(&verdict(Severity::Info, false, Severity::Info), &p),
            FINDINGS
        );
    }

    #[test]
    fn exit_zero_changes_the_code_not_the_verdict() {
        let zero = Policy {
            exit_zero: true,
            ..Policy::default()
        };
        let v = verdict(Severity::Critical, false, Severity::High);
        assert_eq!(decide(&v, &zero), OK);
        assert_eq!(v.status, VerdictStatus::Fail);
    }
}
