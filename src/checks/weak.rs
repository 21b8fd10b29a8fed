//! `weak`: zxcvbn strength (issue 3). Stub.

use serde::Serialize;

use super::{Context, Facts, Outcome};

/// A password's strength, as reported per account.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Strength {
    /// zxcvbn score, 0 (weakest) to 4.
    pub score: u8,
}

pub fn run(_ctx: &Context, _facts: &mut Facts) -> Outcome {
    Outcome::default()
}
