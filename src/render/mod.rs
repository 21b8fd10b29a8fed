//! Renderers: each turns the [`Audit`] into bytes, one file per format.
//! They never decide the exit code and never see a password.

pub mod changes;
pub mod csv;
pub mod html;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod markup;
// The sanitiser lives below both the checks and the renderers; kept here by its old path.
pub use crate::sanitize;
pub mod table;

use std::io::{self, Write};

use crate::report::Audit;

/// Output formats of `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    /// Tables for a terminal (default).
    Table,
    /// The versioned JSON document (schema in docs/json.md).
    Json,
    /// One self-contained HTML page.
    Html,
    /// One row per (finding, account), formula-safe for spreadsheets.
    Csv,
    /// Markdown tables, for a PR comment or a wiki.
    Markdown,
    /// JUnit XML for CI dashboards (a suite per check, a case per account).
    Junit,
}

/// Presentation options for renderers that care.
#[derive(Debug, Clone, Copy, Default)]
pub struct Style {
    /// Use ANSI colour.
    pub color: bool,
    /// Terminal width to fit, if known.
    pub width: Option<u16>,
    /// Show everything (`--all`): the whole plan and every finding, not
    /// only each member's top plan items.
    pub all: bool,
}

/// Writes `audit` as `format`.
pub fn render(
    format: ReportFormat,
    audit: &Audit,
    out: &mut dyn Write,
    style: Style,
) -> io::Result<()> {
    match format {
        ReportFormat::Table => table::render(audit, out, style),
        ReportFormat::Json => json::render(audit, out),
        ReportFormat::Html => html::render(audit, out),
        ReportFormat::Csv => csv::render(audit, out),
        ReportFormat::Markdown => markdown::render(audit, out),
        ReportFormat::Junit => junit::render(audit, out),
    }
}

impl ReportFormat {
    /// The name users type (`--format NAME`).
    pub fn name(self) -> &'static str {
        match self {
            ReportFormat::Table => "table",
            ReportFormat::Json => "json",
            ReportFormat::Html => "html",
            ReportFormat::Csv => "csv",
            ReportFormat::Markdown => "markdown",
            ReportFormat::Junit => "junit",
        }
    }
}

/// The one line said on stderr after `-o FILE`: what was written where, the
/// counts and the verdict (not escaped).
pub fn written_line(format: ReportFormat, path: &std::path::Path, audit: &Audit) -> String {
    use markup::plural;
    let s = &audit.summary;
    let counts: Vec<String> = markup::severity_counts(audit)
        .iter()
        .map(|(sev, n)| format!("{n} {sev}"))
        .collect();
    format!(
        "wrote the {} report to {}: {}, {}{}, {}. {}",
        format.name(),
        path.display(),
        plural(s.accounts, "account", "accounts"),
        plural(s.findings, "finding", "findings"),
        if counts.is_empty() {
            String::new()
        } else {
            format!(" ({})", counts.join(", "))
        },
        plural(audit.plan.len(), "account to fix", "accounts to fix"),
        markup::verdict(audit)
    )
}
