//! Have I Been Pwned's Pwned Passwords by k-anonymity: range sources
//! (online, dataset, mirror) and the mirror server (issue 4). Stub.

/// Options of the pwned check.
#[derive(Debug, Clone, Default)]
pub struct PwnedSettings {}
