//! `--format json`: the audit model, serialised as is (pretty, one document).

use std::io::{self, Write};

use crate::report::Audit;

pub fn render(audit: &Audit, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, audit).map_err(io::Error::other)?;
    out.write_all(b"\n")
}
