//! Exports written by the real exporters (the shared fixtures folder, kept
//! outside the repository) are detected and imported with the right counts.
//! One test binary, one module per group of formats.

mod browsers_and_vaults;
mod other_managers;
