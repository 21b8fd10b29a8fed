//! Exports written by the real exporters (the shared fixtures folder, kept
//! outside the repository) are detected and imported with the right counts.
//! One test binary, one module per group of formats.

#[path = "real_exports/browsers_and_vaults.rs"]
mod browsers_and_vaults;
#[path = "real_exports/other_managers.rs"]
mod other_managers;
