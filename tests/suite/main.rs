//! Every integration test in one binary: the crate is linked once instead of
//! once per file. Each module is a former `tests/<name>.rs`; run one with
//! `cargo test --test suite <module>::`. Slow cases are `#[ignore]`d and run
//! by `cargo test --test suite -- --ignored` (CI runs both).

mod common;
mod pwned_support;

mod cli;
mod drill_cli;
mod fuzz_import;
mod html_browser;
mod import_trust;
mod kdbx;
mod mutation;
mod passkeys;
mod plan_reports;
mod policy;
mod pwned_dataset;
mod pwned_faults;
mod pwned_mirror;
mod pwned_verify;
mod real_exports;
mod recovery_cli;
mod reports;
mod repro;
mod samples;
mod scheduled;
mod similar_cli;
mod site_breach;
mod structured;
mod zxcvbn_equivalence;
