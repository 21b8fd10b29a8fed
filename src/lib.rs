//! vaultlint: audit password-manager exports.
//!
//! Data flows one way: export files → [`import`] → [`model::Vault`] →
//! [`checks`] → one [`report::Audit`] → [`render`] → [`exit`] code.

pub mod audit;
pub mod breaches;
pub mod checks;
pub mod cli;
pub mod domain;
pub mod download;
pub mod error;
pub mod exit;
pub mod import;
pub mod model;
pub mod policy;
pub mod progress;
pub mod pwned;
pub mod render;
pub mod report;
pub mod settings;
