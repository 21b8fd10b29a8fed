//! Enpass CSV. Current exports have **no header row**: each row is the item
//! title followed by `label,value` pairs; when the row length is even the
//! last cell is an unpaired trailing note. A legacy first row
//! `"Title","Field","Value",...,"Note"` is recognised and skipped.
//!
//! - Sensitive labels carry a `*` prefix (`*Password`, `*CVC`,
//!   `*Security answer`); it is removed from the label.
//! - Section headers come as pseudo-pairs with an upper-case label and an
//!   empty value (`ADDITIONAL DETAILS,`) and are ignored.
//! - `Username`/`Login` give the username (else `E-mail`), `Password` the
//!   password, every `Website`/`URL` one more URL (labels repeat), and
//!   `One-time code`/`TOTP` the TOTP. Any other non-empty pair is a custom
//!   field (where a user-added "Recovery codes" field lands).
//! - Kind: a card when it has `Cardholder` or `Number` labels (its login
//!   password, if any, is kept as a field); else a login when it has a
//!   password or username label; else a note.
//!
//! Detection: the legacy header scores 100; otherwise rows whose first label
//! is a known Enpass label score 70 (above Keeper's shape match), and 0 when
//! the first row looks like another format's header.

use super::{Format, Parsed, Record, Table, header::normalize, shape, util};
use crate::model::{Capabilities, Entry, EntryKind, Field, FormatInfo, Layout};

pub struct Enpass;

/// Labels of Enpass's built-in templates (lower-case, without `*`).
const LABELS: &[&str] = &[
    "username",
    "login",
    "e-mail",
    "email",
    "password",
    "login password",
    "website",
    "url",
    "one-time code",
    "totp",
    "phone number",
    "security question",
    "security answer",
    "cardholder",
    "number",
    "type",
    "cvc",
    "expiry date",
    "valid from",
    "pin",
];

/// Score of a label match: above Keeper's shape match, below header matches.
const LABEL_SCORE: u8 = 70;

fn is_legacy_header(rec: &Record) -> bool {
    normalize(rec.get(0)) == "title"
        && normalize(rec.get(1)) == "field"
        && normalize(rec.get(2)) == "value"
}

/// A label without its `*` sensitivity mark, lower-cased.
fn label_key(label: &str) -> String {
    label.trim().trim_start_matches('*').trim().to_lowercase()
}

/// A section pseudo-pair such as `ADDITIONAL DETAILS,`.
fn is_section(label: &str, value: &str) -> bool {
    value.is_empty()
        && label.chars().any(char::is_alphabetic)
        && !label.chars().any(char::is_lowercase)
}

/// The format's facts (one place: every list of formats derives from it).
pub const ENPASS: FormatInfo = FormatInfo {
    id: "enpass",
    name: "Enpass (no header row)",
    signature: "(no header) Title,label,value,label,value,...[,note]  (legacy header \"Title\",\"Field\",\"Value\",...,\"Note\")",
    layout: Layout::Headerless,
    header_words: &["title", "field", "value", "note"],
    capabilities: Capabilities {
        notes: true,
        custom_fields: true,
        totp: true,
        ..Capabilities::NONE
    },
    otp_fields: &["one-time code"],
    ..FormatInfo::BASE
};

impl Format for Enpass {
    fn info(&self) -> &'static FormatInfo {
        &ENPASS
    }
    fn detect(&self, table: &Table) -> u8 {
        let Some(first) = table.first() else { return 0 };
        if is_legacy_header(first) {
            return 100;
        }
        if shape::first_row_is_header(table) {
            return 0;
        }
        let paired: Vec<&Record> = table.records.iter().filter(|r| r.len() >= 3).collect();
        let labelled = paired
            .iter()
            .filter(|r| {
                let label = r.get(1).trim();
                label.starts_with('*') || LABELS.contains(&label_key(label).as_str())
            })
            .count();
        if labelled > 0 && labelled * 2 >= paired.len() {
            LABEL_SCORE
        } else {
            0
        }
    }
    fn import(&self, table: &Table, out: &mut Parsed) {
        let skip_header = table.first().is_some_and(is_legacy_header);
        for rec in &table.records[usize::from(skip_header)..] {
            out.rows += 1;
            if rec.is_empty() {
                out.skip(rec.line, "empty row");
                continue;
            }
            out.push(entry(rec));
        }
    }
}

fn entry(rec: &Record) -> Entry {
    let cells: Vec<&str> = rec.cells().collect();
    let (pairs, note) = if rec.len() % 2 == 0 {
        (&cells[1..rec.len() - 1], cells.last())
    } else {
        (&cells[1..], None)
    };
    let mut e = Entry::new(EntryKind::Note, rec.line);
    e.title = rec.get(0).trim().to_owned();
    if let Some(note) = note {
        e.notes = (*note).into();
    }
    let (mut login_label, mut card_label) = (false, false);
    let mut email = String::new();
    let mut passwords: Vec<(&str, &str)> = Vec::new();
    for pair in pairs.chunks_exact(2) {
        let (label, value) = (pair[0].trim(), pair[1]);
        if is_section(label, value) {
            continue;
        }
        let key = label_key(label);
        let name = label.trim_start_matches('*').trim();
        match key.as_str() {
            "username" | "login" => {
                login_label = true;
                if e.username.is_empty() {
                    e.username = value.trim().to_owned();
                } else if !value.is_empty() {
                    e.fields.push(Field::new(name, value));
                }
            }
            "e-mail" | "email" if email.is_empty() => email = value.trim().to_owned(),
            "password" | "login password" => {
                login_label = true;
                passwords.push((name, value));
            }
            "website" | "url" => {
                if let Some(url) = util::non_empty(value)
                    && !e.urls.contains(&url)
                {
                    e.urls.push(url);
                }
            }
            "one-time code" | "totp" if e.totp.is_none() => e.totp = util::totp(value),
            "cardholder" | "number" => {
                card_label = true;
                if !value.is_empty() {
                    e.fields.push(Field::new(name, value));
                }
            }
            _ if !value.is_empty() => e.fields.push(Field::new(name, value)),
            _ => {}
        }
    }
    e.kind = if card_label {
        EntryKind::Card
    } else if login_label {
        EntryKind::Login
    } else {
        EntryKind::Note
    };
    for (name, value) in passwords {
        if e.kind == EntryKind::Login && e.password.is_none() {
            e.password = util::secret(value);
        } else if !value.is_empty() {
            e.fields.push(Field::new(name, value));
        }
    }
    if e.username.is_empty() {
        e.username = email;
    } else if !email.is_empty() && email != e.username {
        e.fields.push(Field::new("E-mail", email));
    }
    e
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::detect;
    use crate::import::testing::{self, by_title, read};

    const SAMPLE: &[u8] = include_bytes!("../../sample-exports/enpass.csv");

    fn run(data: &[u8]) -> Parsed {
        testing::import(&Enpass, data)
    }

    #[test]
    fn auto_detection_picks_enpass() {
        let t = read(SAMPLE);
        assert_eq!(Enpass.detect(&t), LABEL_SCORE);
        assert_eq!(detect(&t).unwrap().id(), "enpass");
        let legacy = b"\"Title\",\"Field\",\"Value\",\"Field\",\"Value\",\"Note\"\n\"A\",\"Username\",\"u\",\"*Password\",\"p\",\"n\"\n";
        assert_eq!(detect(&read(legacy)).unwrap().id(), "enpass");
        assert_eq!(
            Enpass.detect(&read(b"url,username,password,extra,name,grouping,fav\n")),
            0
        );
        assert_eq!(Enpass.detect(&read(b"x,y,z\n1,2,3\n")), 0);
    }

    #[test]
    fn sample_imports() {
        let out = run(SAMPLE);
        assert!(out.skipped.is_empty());
        assert_eq!(out.rows, 9);
        assert_eq!(out.entries.iter().filter(|e| e.is_account()).count(), 5);

        let amazon = by_title(&out, "Amazon");
        assert_eq!(amazon.username, "lukas.berger");
        assert_eq!(amazon.password(), Some("Tannen-Zapfen-37"));
        assert!(amazon.has_totp());
        let names: Vec<&str> = amazon.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, vec!["E-mail"], "empty pairs and sections dropped");

        let gh = by_title(&out, "GitHub");
        assert_eq!(
            gh.urls,
            vec![
                "https://github.com/login",
                "https://github.com/sessions/two-factor"
            ]
        );
        assert!(gh.has_totp());
        assert!(gh.fields.iter().any(|f| f.name == "Recovery codes"));

        let bank = by_title(&out, "Sparkasse");
        assert_eq!(bank.notes.expose(), "PIN letter in the blue folder");
        assert!(bank.is_account());
        assert_eq!(
            by_title(&out, "Deutsche Bahn").username,
            "lukas.berger@posteo.de"
        );

        let card = by_title(&out, "Girocard Sparkasse");
        assert_eq!(card.kind, EntryKind::Card);
        assert!(card.password.is_none());
        assert!(card.fields.iter().any(|f| f.name == "Login password"));
        let wifi = by_title(&out, "WLAN zuhause");
        assert_eq!(wifi.kind, EntryKind::Note);
        assert!(wifi.notes.expose().contains("Kaffee"));
        assert!(!by_title(&out, "Old forum").is_account());
    }

    #[test]
    fn odd_shapes_never_panic() {
        let out = run(b"OnlyTitle\nTitle2,a note\nT3,Username,u,*Password\n");
        assert_eq!(out.rows, 3);
        assert_eq!(out.entries[0].kind, EntryKind::Note);
        assert_eq!(out.entries[1].notes.expose(), "a note");
        let t3 = &out.entries[2];
        assert_eq!(t3.kind, EntryKind::Login);
        assert_eq!(
            t3.notes.expose(),
            "*Password",
            "even row: last cell is the note"
        );
    }
}
