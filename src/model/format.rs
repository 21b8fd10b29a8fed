//! What an export format is and what it can carry, declared once per format
//! (`import/<format>.rs`) and read by everything that used to keep its own
//! list: detection of header rows, the recovery check, `vaultlint formats`,
//! the README table test.

use super::Capabilities;

/// How a format's files are recognised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// A CSV whose first row names the columns.
    HeaderRow,
    /// A CSV without a header row, recognised by the shape of its rows: it
    /// must never claim a file whose first row is some other format's header.
    Headerless,
    /// Read from its structure rather than as a table (a database, JSON, an
    /// archive), recognised by its content.
    Structured,
}

/// One export format's facts.
#[derive(Debug, Clone, Copy)]
pub struct FormatInfo {
    /// Stable id used by `--input-format` and in reports (`bitwarden`).
    pub id: &'static str,
    /// Other names `--input-format` accepts (`edge` for `chrome`).
    pub aliases: &'static [&'static str],
    /// Human name (`Bitwarden (individual or organization vault)`).
    pub name: &'static str,
    /// The header (or row shape) that identifies it, shown by `vaultlint formats`.
    pub signature: &'static str,
    pub layout: Layout,
    /// Its column names, normalised (lower-case): a first row holding three
    /// of the supported formats' column names is a header, never data.
    pub header_words: &'static [&'static str],
    /// What its export carries.
    pub capabilities: Capabilities,
    /// Its manager has custom fields that this export drops: codes kept in
    /// such a field are invisible, so "not found" means "cannot tell".
    pub drops_custom_fields: bool,
    /// Names (normalised as [`normalize_field_name`]) of the custom fields its
    /// manager uses for a one-time-code secret.
    pub otp_fields: &'static [&'static str],
    /// File stems of an export made of several fixed-name files (Dashlane's
    /// ZIP): such files belong to the member named by their folder.
    pub file_stems: &'static [&'static str],
}

impl FormatInfo {
    /// No facts: the base each format's `const` completes with `..FormatInfo::BASE`.
    pub const BASE: FormatInfo = FormatInfo {
        id: "",
        aliases: &[],
        name: "",
        signature: "",
        layout: Layout::HeaderRow,
        header_words: &[],
        capabilities: Capabilities::NONE,
        drops_custom_fields: false,
        otp_fields: &[],
        file_stems: &[],
    };

    /// True when `id` is this format's id or one of its aliases (any case).
    pub fn is_named(&self, id: &str) -> bool {
        let id = id.trim().to_ascii_lowercase();
        self.id == id || self.aliases.contains(&id.as_str())
    }
}

/// A custom field's name as compared with [`FormatInfo::otp_fields`]: trimmed,
/// lower-cased, without Enpass's leading `*` and RoboForm's trailing `$`.
pub fn normalize_field_name(name: &str) -> String {
    name.trim()
        .trim_start_matches('*')
        .trim_end_matches('$')
        .trim()
        .to_lowercase()
}
