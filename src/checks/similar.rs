//! `similar`: distinct passwords one cheap tweak apart (issue 3). Stub.

use super::{Context, Facts, Outcome};

pub fn run(_ctx: &Context, _facts: &mut Facts) -> Outcome {
    Outcome::default()
}
