//! `--format csv`: one row per (finding, account), for spreadsheets. Every
//! cell is stripped of control characters and formula-neutralised.

use std::io::{self, Write};

use super::markup::{account, account_name};
use super::sanitize::csv_cell;
use crate::report::Audit;

pub const HEADER: [&str; 11] = [
    "finding",
    "severity",
    "check",
    "member",
    "account",
    "title",
    "username",
    "domain",
    "row",
    "message",
    "fingerprint",
];

pub fn render(audit: &Audit, out: &mut dyn Write) -> io::Result<()> {
    let mut w = csv::WriterBuilder::new().from_writer(out);
    w.write_record(HEADER)?;
    for f in &audit.findings {
        for id in &f.accounts {
            let Some(a) = account(audit, id) else {
                continue;
            };
            w.write_record([
                f.id.clone(),
                f.severity.to_string(),
                f.check.as_str().to_owned(),
                csv_cell(&a.member),
                a.id.clone(),
                csv_cell(&account_name(a)),
                csv_cell(&a.username),
                csv_cell(a.domain.as_deref().unwrap_or("")),
                a.row.to_string(),
                csv_cell(&f.message),
                f.fingerprint.clone(),
            ])?;
        }
    }
    w.flush()
}
