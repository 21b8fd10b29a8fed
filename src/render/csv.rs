//! `--format csv`: one row per (finding, account), for spreadsheets. Every
//! cell is stripped of control characters and formula-neutralised.

use std::io::{self, Write};

use super::markup::{account, account_name};
use super::sanitize::csv_cell;
use crate::report::Audit;

pub const HEADER: [&str; 12] = [
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
    // Since the baseline (`--baseline`): new, worse, improved, unchanged,
    // not compared; empty without one.
    "change",
];

pub fn render(audit: &Audit, out: &mut dyn Write) -> io::Result<()> {
    let mut w = csv::WriterBuilder::new().from_writer(out);
    w.write_record(HEADER)?;
    for f in &audit.findings {
        for id in &f.accounts {
            let Some(a) = account(audit, *id) else {
                continue;
            };
            w.write_record([
                f.id.to_string(),
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
                super::changes::change(audit, f.id).to_owned(),
            ])?;
        }
    }
    // A merged report: one row per finding kind it could not look for.
    for kind in audit.merged.iter().flat_map(|m| &m.not_checked) {
        let mut row = vec![String::new(); HEADER.len()];
        row[1] = "not checked".into();
        row[2] = kind.as_str().into();
        row[9] = "not checked between members of different reports: it needs the exports audited together".into();
        row[11] = "not checked".into();
        w.write_record(&row)?;
    }
    w.flush()
}
