//! 1Password 8 CSV: `Title,Url,Username,Password,OTPAuth,Favorite,Archived,Tags,Notes`.
//!
//! Only Login and Password items are exported, with one URL and the notes;
//! custom fields, sections and files are not, so backup codes kept there are
//! invisible in this format (the recovery check says "cannot tell").
//! Archived items are kept as accounts (1Password still holds them) and
//! flagged with a warning count.

use super::{Format, Parsed, Table, score_header, util};
use crate::model::{Capabilities, FormatInfo};

pub struct OnePassword;

const HEADER: &[&str] = &[
    "title", "url", "username", "password", "otpauth", "favorite", "archived", "tags", "notes",
];

/// The format's facts (one place: every list of formats derives from it).
pub const ONEPASSWORD: FormatInfo = FormatInfo {
    id: "1password",
    aliases: &["1password8", "onepassword"],
    name: "1Password 8 (CSV)",
    signature: "Title,Url,Username,Password,OTPAuth,Favorite,Archived,Tags,Notes",
    header_words: &[
        "title", "url", "username", "password", "otpauth", "favorite", "archived", "tags", "notes",
    ],
    capabilities: Capabilities {
        notes: true,
        totp: true,
        ..Capabilities::NONE
    },
    drops_custom_fields: true,
    otp_fields: &["one-time password"],
    ..FormatInfo::BASE
};

impl Format for OnePassword {
    fn info(&self) -> &'static FormatInfo {
        &ONEPASSWORD
    }
    fn detect(&self, table: &Table) -> u8 {
        score_header(table, HEADER)
    }
    fn import(&self, table: &Table, out: &mut Parsed) {
        let mut archived = 0;
        util::each_row(table, out, |h, rec, _| {
            let mut e = util::login(
                rec.line,
                h.get(rec, "title"),
                h.get(rec, "url"),
                h.get(rec, "username"),
                h.get(rec, "password"),
            );
            e.totp = util::totp(h.get(rec, "otpauth"));
            e.notes = h.get(rec, "notes").into();
            e.folder = util::non_empty(h.get(rec, "tags"));
            if util::parse_bool(h.get(rec, "archived")) {
                archived += 1;
            }
            if e.password.is_none() && !e.notes.is_empty() && e.username.is_empty() {
                e.kind = crate::model::EntryKind::Note;
            }
            Some(e)
        });
        if archived > 0 {
            out.warn(format!(
                "{archived} archived {} audited as accounts (1Password still holds them)",
                if archived == 1 { "item" } else { "items" }
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::csv_reader;

    #[test]
    fn imports_quoted_rows() {
        let data = b"Title,Url,Username,Password,OTPAuth,Favorite,Archived,Tags,Notes\n\
\"Bank\",\"https://bank.example\",\"bob\",\"pw\",\"otpauth://totp/Bank?secret=AB\",\"false\",\"true\",\"\",\"line1\nline2\"\n";
        let t = csv_reader::read(data, Default::default()).unwrap();
        assert_eq!(OnePassword.detect(&t), 100);
        let mut out = Parsed::default();
        OnePassword.import(&t, &mut out);
        assert_eq!(out.entries.len(), 1);
        assert!(out.entries[0].has_totp());
        assert_eq!(out.entries[0].notes.expose(), "line1\nline2");
        assert_eq!(out.warnings.len(), 1);
    }
}
