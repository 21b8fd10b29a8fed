//! KeePassXC CSV (≥ 2.6.2, also `keepassxc-cli export -f csv`):
//! `"Group","Title","Username","Password","URL","Notes","TOTP","Icon",
//! "Last Modified","Created"`, and the 6-column
//! `"Group","Title","Username","Password","URL","Notes"` of KeePassX and
//! KeePassXC ≤ 2.6.1.
//!
//! Every cell is quoted with `""` escaping, rows end in LF, no BOM. `Group`
//! is the full path joined by `/` and starts with the root group's name
//! (`Root/Email`); it becomes the folder as written. The Recycle Bin is a
//! child of the root and is exported like any other group: its entries are
//! marked deleted (excluded from the audit and counted). `TOTP` is always an
//! `otpauth://` URI; times are ISO-8601 UTC. Custom attributes, attachments
//! and history are not exported.

use super::{Format, Parsed, Table, header_of, util};
use crate::model::{Capabilities, FormatInfo};

pub struct KeePassXc;

const CURRENT: &[&str] = &[
    "Group",
    "Title",
    "Username",
    "Password",
    "URL",
    "Notes",
    "TOTP",
    "Icon",
    "Last Modified",
    "Created",
];
const LEGACY: &[&str] = &["Group", "Title", "Username", "Password", "URL", "Notes"];

/// The format's facts (one place: every list of formats derives from it).
pub const KEEPASSXC: FormatInfo = FormatInfo {
    id: "keepassxc",
    name: "KeePassXC (and KeePassX)",
    signature: "\"Group\",\"Title\",\"Username\",\"Password\",\"URL\",\"Notes\",\"TOTP\",\"Icon\",\"Last Modified\",\"Created\"  |  \"Group\",\"Title\",\"Username\",\"Password\",\"URL\",\"Notes\"",
    header_words: &[
        "group",
        "title",
        "username",
        "password",
        "url",
        "notes",
        "totp",
        "icon",
        "last modified",
        "created",
    ],
    capabilities: Capabilities {
        notes: true,
        totp: true,
        ..Capabilities::NONE
    },
    drops_custom_fields: true,
    ..FormatInfo::BASE
};

impl Format for KeePassXc {
    fn info(&self) -> &'static FormatInfo {
        &KEEPASSXC
    }
    fn detect(&self, table: &Table) -> u8 {
        match header_of(table) {
            Some(h) if h.is_exactly(CURRENT) || h.is_exactly(LEGACY) => 100,
            Some(h) if h.has_all(LEGACY) => 90,
            _ => 0,
        }
    }
    fn import(&self, table: &Table, out: &mut Parsed) {
        util::each_row(table, out, |h, rec, _| {
            let mut e = util::login(
                rec.line,
                h.get(rec, "Title"),
                h.get(rec, "URL"),
                h.get(rec, "Username"),
                h.get(rec, "Password"),
            );
            let group = h.get(rec, "Group");
            e.deleted = in_recycle_bin(group);
            e.folder = util::non_empty(group);
            e.notes = h.get(rec, "Notes").into();
            e.totp = util::totp(h.get(rec, "TOTP"));
            e.modified = util::parse_time(h.get(rec, "Last Modified"));
            e.created = util::parse_time(h.get(rec, "Created"));
            Some(e)
        });
    }
}

/// True for a group path inside the recycle bin: the bin is a direct child
/// of the root (`Root/Recycle Bin/...`). The first segment is checked too,
/// for exports that leave out the root. A deeper group named `Trash` is the
/// user's own folder and is not treated as deleted.
fn in_recycle_bin(group: &str) -> bool {
    group.split('/').take(2).any(util::is_trash_path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{csv_reader, load_bytes};

    const SAMPLE: &[u8] = include_bytes!("../../sample-exports/keepassxc.csv");

    fn parse(data: &[u8]) -> Parsed {
        let t = csv_reader::read(data, Default::default()).unwrap();
        assert_eq!(KeePassXc.detect(&t), 100);
        let mut out = Parsed::default();
        KeePassXc.import(&t, &mut out);
        out
    }

    #[test]
    fn sample_is_written_like_keepassxc() {
        assert!(SAMPLE.starts_with(b"\"Group\",\"Title\""));
        assert!(!SAMPLE.contains(&b'\r'));
        assert!(SAMPLE.ends_with(b"\"\n"));
    }

    #[test]
    fn sample_recycle_bin_entries_are_deleted() {
        let out = parse(SAMPLE);
        assert_eq!(out.rows, 9);
        assert!(out.skipped.is_empty());
        let deleted: Vec<&str> = out
            .entries
            .iter()
            .filter(|e| e.deleted)
            .map(|e| e.title.as_str())
            .collect();
        assert_eq!(deleted, vec!["Twitter (old)", "Origin"]);
        assert_eq!(out.entries.iter().filter(|e| e.is_account()).count(), 7);
        let trash_folder = out.entries.iter().find(|e| e.title == "Skip hire").unwrap();
        assert!(
            !trash_folder.deleted,
            "Root/Home/Trash is the user's folder"
        );
    }

    #[test]
    fn sample_fields_totp_and_times() {
        let out = parse(SAMPLE);
        let wifi = &out.entries[0];
        assert_eq!(wifi.folder.as_deref(), Some("Root"));
        assert!(wifi.username.is_empty());
        let fm = out.entries.iter().find(|e| e.title == "Fastmail").unwrap();
        assert_eq!(fm.folder.as_deref(), Some("Root/Email"));
        assert!(fm.has_totp());
        assert_eq!(fm.modified, Some(1_709_543_564)); // 2024-03-04T09:12:44Z
        assert_eq!(fm.created, Some(1_668_967_502)); // 2022-11-20T18:05:02Z
        let bank = out
            .entries
            .iter()
            .find(|e| e.title == "Nordbank Online")
            .unwrap();
        assert_eq!(bank.password(), Some("Lynx\"Ferry\"2208"));
        let gmail = out.entries.iter().find(|e| e.title == "Gmail").unwrap();
        assert!(gmail.notes.expose().contains("\n\n"), "blank line kept");
        let steam = out.entries.iter().find(|e| e.title == "Steam").unwrap();
        assert!(
            steam
                .totp
                .as_ref()
                .unwrap()
                .expose()
                .contains("encoder=steam")
        );
    }

    #[test]
    fn legacy_six_columns() {
        let data = b"\"Group\",\"Title\",\"Username\",\"Password\",\"URL\",\"Notes\"\n\
\"Root/Internet\",\"Forum\",\"me\",\"pw\",\"https://forum.example\",\"\"\n\
\"Root/Recycle Bin\",\"Gone\",\"me\",\"pw2\",\"\",\"\"\n";
        let out = parse(data);
        assert_eq!(out.entries.len(), 2);
        assert!(!out.entries[0].deleted);
        assert!(out.entries[1].deleted);
        assert!(out.entries[0].totp.is_none());
    }

    #[test]
    fn recycle_bin_is_a_child_of_the_root() {
        assert!(in_recycle_bin("Root/Recycle Bin"));
        assert!(in_recycle_bin("Passwords/Recycle Bin/Old/Deeper"));
        assert!(in_recycle_bin("Recycle Bin"));
        assert!(in_recycle_bin("Datenbank/Papierkorb"));
        assert!(!in_recycle_bin("Root/Clients/Recycle Bin Co"));
        assert!(!in_recycle_bin("Root/Home/Trash"));
    }

    #[test]
    fn ragged_row_is_skipped() {
        let data =
            b"\"Group\",\"Title\",\"Username\",\"Password\",\"URL\",\"Notes\"\n\"Root\",\"x\"\n";
        let out = parse(data);
        assert_eq!(out.rows, 1);
        assert_eq!(out.skipped.len(), 1);
    }

    #[test]
    fn auto_detects_the_sample_and_counts_deleted() {
        let (source, _) = load_bytes(SAMPLE, "keepassxc.csv", "m", &Default::default()).unwrap();
        assert_eq!(source.format, "keepassxc");
        assert_eq!(source.deleted, 2);
    }
}
