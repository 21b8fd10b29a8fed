//! `pwned`: Have I Been Pwned lookups by k-anonymity (issue 4). Stub.

use serde::Serialize;

use super::{Context, Facts, Outcome};

/// An account's breach status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PwnedResult {
    pub status: String,
}

pub fn run(_ctx: &Context, _facts: &mut Facts) -> Outcome {
    Outcome::default()
}
