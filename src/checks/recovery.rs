//! `recovery`: 2FA, backup codes, 2FA availability, recovery hubs (issue 5). Stub.

use serde::Serialize;

use super::{Context, Facts, Outcome};

/// An account's recovery readiness.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Recovery {
    pub two_factor: bool,
}

/// Options of the recovery check.
#[derive(Debug, Clone, Default)]
pub struct RecoverySettings {}

pub fn run(_ctx: &Context, _facts: &mut Facts) -> Outcome {
    Outcome::default()
}
