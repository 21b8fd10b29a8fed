//! Small helpers the format modules share.

use super::{Parsed, Record};
use crate::model::{Entry, EntryKind, Field, Secret};

pub use crate::text::non_empty;

/// A secret from a cell, or `None` when the cell is empty. The password is
/// kept exactly as exported (no trimming: spaces can be part of it).
pub fn secret(s: &str) -> Option<Secret> {
    (!s.is_empty()).then(|| Secret::new(s))
}

/// A TOTP cell: trimmed, `None` when empty.
pub fn totp(s: &str) -> Option<Secret> {
    let t = s.trim();
    (!t.is_empty()).then(|| Secret::new(t))
}

/// Splits a cell holding several URLs joined by `sep` (Bitwarden `,`,
/// Proton Pass `", "`).
pub fn split_urls(cell: &str, sep: char) -> Vec<String> {
    cell.split(sep).filter_map(non_empty).collect()
}

/// Parses Unix seconds or milliseconds (values above 10^11 are taken as ms).
pub fn parse_epoch(cell: &str) -> Option<i64> {
    let v: i64 = cell.trim().parse().ok()?;
    Some(if v.abs() > 100_000_000_000 {
        v / 1000
    } else {
        v
    })
}

/// Parses an ISO-8601 / RFC 3339 timestamp (`2022-12-12T14:01:52Z`) into
/// Unix seconds; epoch numbers are accepted too.
pub fn parse_time(cell: &str) -> Option<i64> {
    let t = cell.trim();
    if t.is_empty() {
        return None;
    }
    if let Some(v) = parse_epoch(t) {
        return Some(v);
    }
    if let Ok(dt) = chrono::DateTime::parse_from_rfc3339(t) {
        return Some(dt.timestamp());
    }
    chrono::NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S")
        .or_else(|_| chrono::NaiveDateTime::parse_from_str(t, "%Y-%m-%d %H:%M:%S"))
        .ok()
        .map(|n| n.and_utc().timestamp())
}

/// Parses `true`/`1`/`yes` as true.
pub fn parse_bool(cell: &str) -> bool {
    matches!(
        cell.trim().to_ascii_lowercase().as_str(),
        "true" | "1" | "yes" | "y"
    )
}

/// Bitwarden-style `name: value` lines into fields (split at the last `": "`).
pub fn parse_name_value_lines(cell: &str) -> Vec<Field> {
    cell.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| match line.rfind(": ") {
            Some(at) => Field::new(line[..at].trim(), &line[at + 2..]),
            None => Field::new("", line),
        })
        .collect()
}

/// A login entry with the common columns filled in.
pub fn login(row: u64, title: &str, url: &str, username: &str, password: &str) -> Entry {
    let mut e = Entry::new(EntryKind::Login, row);
    e.title = title.trim().to_owned();
    e.urls = non_empty(url).into_iter().collect();
    e.username = username.trim().to_owned();
    e.password = secret(password);
    e
}

/// True when a folder / group path names a trash or recycle bin.
pub fn is_trash_path(path: &str) -> bool {
    path.split(['/', '\\']).any(|part| {
        let p = part.trim().to_lowercase();
        p == "recycle bin" || p == "trash" || p == "papierkorb" || p == "corbeille"
    })
}

/// Counts a row that is shorter than the header as skipped (with the reason)
/// and returns true; returns false for a row wide enough to import.
pub fn skip_short(rec: &Record, width: usize, out: &mut Parsed) -> bool {
    if rec.len() >= width {
        return false;
    }
    out.skip(
        rec.line,
        format!("{} fields where the header has {width}", rec.len()),
    );
    true
}

/// `type` cell values that name an item other than a login.
const NON_LOGIN_TYPES: &[&str] = &[
    "note",
    "securenote",
    "secure_note",
    "secure note",
    "card",
    "credit_card",
    "creditcard",
    "identity",
];

/// Maps each data row of a table with a header row to at most one entry:
/// counts the row, skips (and counts) rows shorter than the header, and
/// keeps the entry `map` returns. The loop every header-based format shares.
///
/// A short row whose `type` cell is present and makes it something other
/// than a login (a note, a card...) is imported as that item, not skipped:
/// a skip means a login may have been lost.
pub fn each_row(
    table: &super::Table,
    out: &mut Parsed,
    mut map: impl FnMut(&super::Header, &Record, &mut Parsed) -> Option<crate::model::Entry>,
) {
    let Some(h) = super::header_of(table) else {
        return;
    };
    let type_column = h.index("type");
    let mut short_items = 0usize;
    for rec in super::data_rows(table) {
        out.rows += 1;
        if rec.len() < h.len() {
            let typed = type_column.is_some_and(|i| {
                let t = rec.get(i).trim().to_ascii_lowercase();
                i < rec.len() && NON_LOGIN_TYPES.contains(&t.as_str())
            });
            if typed {
                let mut scratch = Parsed::default();
                if let Some(e) = map(&h, rec, &mut scratch).filter(|e| e.kind != EntryKind::Login) {
                    out.push(e);
                    short_items += 1;
                    continue;
                }
            }
            skip_short(rec, h.len(), out);
            continue;
        }
        if let Some(e) = map(&h, rec, out) {
            out.push(e);
        }
    }
    if short_items > 0 {
        out.warn(format!(
            "{short_items} row(s) shorter than the header were kept as the non-login items their type names (notes, cards...)"
        ));
    }
}

/// The package name of an Android app facet URL
/// (`android://<cert-hash>@com.example.app/` gives `com.example.app`).
pub fn android_package(url: &str) -> Option<&str> {
    let rest = url.trim().strip_prefix("android://")?;
    let after_at = rest.rsplit_once('@').map_or(rest, |(_, pkg)| pkg);
    let pkg = after_at.split(['/', '?', '#']).next().unwrap_or("");
    (!pkg.is_empty()).then_some(pkg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epochs_and_iso_times() {
        assert_eq!(parse_time("1700000000"), Some(1_700_000_000));
        assert_eq!(parse_time("1700000000123"), Some(1_700_000_000));
        assert_eq!(parse_time("2022-12-12T14:01:52Z"), Some(1_670_853_712));
        assert_eq!(parse_time("nonsense"), None);
    }

    #[test]
    fn name_value_lines_split_at_last_separator() {
        let f = parse_name_value_lines("Recovery: a: b\nPIN: 1234\n");
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].name, "Recovery: a");
        assert_eq!(f[0].value.expose(), "b");
        assert_eq!(f[1].value.expose(), "1234");
    }

    #[test]
    fn trash_paths() {
        assert!(is_trash_path("Root/Recycle Bin/old"));
        assert!(!is_trash_path("Root/Recycling"));
    }

    #[test]
    fn android_packages() {
        assert_eq!(
            android_package("android://aGFzaA==@com.example.app/"),
            Some("com.example.app")
        );
        assert_eq!(
            android_package("android://com.example.app"),
            Some("com.example.app")
        );
        assert_eq!(android_package("android://hash@/"), None);
        assert_eq!(android_package("https://example.com"), None);
    }

    #[test]
    fn short_typed_non_login_rows_are_items_not_skips() {
        let t = crate::import::testing::read(
            b"folder,favorite,type,name,notes,fields,reprompt,login_uri,login_username,login_password,login_totp\n\
,,note,Wi-Fi,the body\n\
,,login,Short login,,\n\
,,garbage,X\n",
        );
        let mut out = Parsed::default();
        each_row(&t, &mut out, |h, rec, _| {
            let mut e = login(
                rec.line,
                h.get(rec, "name"),
                "",
                "",
                h.get(rec, "login_password"),
            );
            if h.get(rec, "type") == "note" {
                e.kind = EntryKind::Note;
            }
            Some(e)
        });
        assert_eq!(out.rows, 3);
        assert_eq!(out.entries.len(), 1);
        assert_eq!(out.entries[0].kind, EntryKind::Note);
        let skipped: Vec<u64> = out.skipped.iter().map(|s| s.line).collect();
        assert_eq!(
            skipped,
            vec![3, 4],
            "a short login and an unknown type are skips"
        );
        assert_eq!(out.warnings.len(), 1);
    }

    #[test]
    fn short_rows_are_skipped_and_counted() {
        let mut out = Parsed::default();
        let rec = Record::new(7, ["a", "b"]);
        assert!(skip_short(&rec, 3, &mut out));
        assert!(!skip_short(&rec, 2, &mut out));
        assert_eq!(out.skipped.len(), 1);
        assert_eq!(out.skipped[0].line, 7);
    }
}
