//! LastPass CSV, in its two shapes:
//!
//! - web vault / browser extension: `url,username,password,totp,extra,name,grouping,fav`
//!   (format id `lastpass`);
//! - lastpass-cli (`lpass export`): `url,username,password,extra,name,grouping,fav`, with
//!   no TOTP column (format id `lastpass-cli`, so the report can say that TOTP
//!   is not in the file rather than "not enabled").
//!
//! Columns are mapped by header name, so `lpass export --fields=...` variants
//! and the older `...,fav,totp` order work too.
//!
//! - Secure notes are rows whose url is `http://sn`: they become
//!   [`EntryKind::Note`] with `extra` as the body. Typed notes (`NoteType:Credit
//!   Card`, `NoteType:Wi-Fi Password`, ...) keep their `Key:Value` body in the
//!   notes; a password line inside a typed note does not make it an account.
//! - `http://group` rows define (empty) folders: counted as rows, not entries.
//! - `grouping` is the folder path with `\` separators; `(none)` means none.
//! - The web / extension export HTML-escapes `&`, `<`, `>`, `"` and `'`:
//!   passwords, usernames, names and folders holding `&amp;`, `&lt;`, `&gt;`,
//!   `&quot;` or `&#39;` are decoded, and one warning says how many cells were.
//!   `lpass export` writes raw values: there `&amp;` is literal text, never decoded.
//! - A row with more cells than the header (an unquoted comma in the name or
//!   notes) keeps its certain fields (url, username, password, totp, and the
//!   columns after name/extra counted from the end), with a warning.
//! - `http://group` rows are counted as folders.
//! - Some export paths leave line breaks unquoted, which splits one record over
//!   several physical rows. A row with too few fields is joined onto the
//!   previous one's last field while that does not exceed the header's width;
//!   a record that still has the wrong width is skipped with a reason.
//! - `\r\r\n` line ends are absorbed by the shared reader.

use std::borrow::Cow;

use zeroize::Zeroizing;

use super::{Format, Header, Parsed, Record, Table, data_rows, header_of, util};
use crate::model::{Capabilities, Entry, EntryKind, FormatInfo, Secret};

/// Web vault / browser extension export (with `totp`).
pub struct LastPass;

/// `lpass export` (no `totp` column).
pub struct LastPassCli;

const WEB: &[&str] = &[
    "url", "username", "password", "totp", "extra", "name", "grouping", "fav",
];
const CLI: &[&str] = &[
    "url", "username", "password", "extra", "name", "grouping", "fav",
];
const CORE: &[&str] = &["url", "username", "password", "extra", "name", "grouping"];

/// Score of a header that has this format's distinctive columns plus unknown
/// ones (a newer version): above the 90 that `score_header` gives a header
/// merely containing some common names, below an exact match.
const VARIANT_SCORE: u8 = 95;

/// The URL LastPass gives secure notes.
const NOTE_URL: &str = "http://sn";
/// The URL LastPass gives folder-definition rows.
const GROUP_URL: &str = "http://group";

/// The format's facts (one place: every list of formats derives from it).
pub const LASTPASS: FormatInfo = FormatInfo {
    id: "lastpass",
    name: "LastPass (web vault or browser extension)",
    signature: "url,username,password,totp,extra,name,grouping,fav",
    header_words: &[
        "url", "username", "password", "totp", "extra", "name", "grouping", "fav",
    ],
    capabilities: Capabilities {
        notes: true,
        totp: true,
        ..Capabilities::NONE
    },
    ..FormatInfo::BASE
};

impl Format for LastPass {
    fn info(&self) -> &'static FormatInfo {
        &LASTPASS
    }
    fn detect(&self, table: &Table) -> u8 {
        match header_of(table) {
            Some(h) if h.is_exactly(WEB) => 100,
            Some(h) if h.has_all(CORE) && h.has("totp") => VARIANT_SCORE,
            _ => 0,
        }
    }
    fn import(&self, table: &Table, out: &mut Parsed) {
        import(table, out, true);
    }
}

/// The format's facts (one place: every list of formats derives from it).
pub const LASTPASS_CLI: FormatInfo = FormatInfo {
    id: "lastpass-cli",
    aliases: &["lpass"],
    name: "LastPass (lastpass-cli `lpass export`, no TOTP column)",
    signature: "url,username,password,extra,name,grouping,fav",
    header_words: &[
        "url", "username", "password", "extra", "name", "grouping", "fav",
    ],
    capabilities: Capabilities {
        notes: true,
        ..Capabilities::NONE
    },
    ..FormatInfo::BASE
};

impl Format for LastPassCli {
    fn info(&self) -> &'static FormatInfo {
        &LASTPASS_CLI
    }
    fn detect(&self, table: &Table) -> u8 {
        match header_of(table) {
            Some(h) if h.is_exactly(CLI) => 100,
            Some(h) if h.has_all(CORE) && !h.has("totp") => VARIANT_SCORE,
            _ => 0,
        }
    }
    fn import(&self, table: &Table, out: &mut Parsed) {
        import(table, out, false);
    }
}

/// A logical record being rebuilt from physical rows.
struct Pending {
    line: u64,
    cells: Vec<Zeroizing<String>>,
    /// Last physical line the record covers so far.
    end_line: u64,
    /// How many physical rows were joined into it.
    pieces: usize,
}

/// Last physical line of `rec` (each line break inside a cell is one more).
fn end_line(rec: &Record) -> u64 {
    let breaks: usize = rec.cells().map(|f| f.matches('\n').count()).sum();
    rec.line + breaks as u64
}

/// `entities`: decode the HTML entities the web / extension export writes
/// (`lpass export` writes raw values, where `&amp;` is literal text).
fn import(table: &Table, out: &mut Parsed, entities: bool) {
    let Some(h) = header_of(table) else { return };
    let width = h.len();
    let mut state = State {
        entities,
        ..State::default()
    };
    let mut pending: Option<Pending> = None;
    for rec in data_rows(table) {
        if let Some(p) = pending.as_mut()
            && rec.len() < width
            && (p.cells.len() + rec.len()).saturating_sub(1) <= width
        {
            // An unquoted line break split the record: the first cell of this
            // row continues the previous row's last cell.
            let gap = rec.line.saturating_sub(p.end_line + 1);
            let joint = "\n".repeat(gap as usize + 1);
            let mut cells = rec.cells();
            if let (Some(last), Some(first)) = (p.cells.last_mut(), cells.next()) {
                let mut joined = Zeroizing::new(String::with_capacity(
                    last.len() + joint.len() + first.len(),
                ));
                joined.push_str(last);
                joined.push_str(&joint);
                joined.push_str(first);
                *last = joined;
            }
            p.cells.extend(cells.map(|c| Zeroizing::new(c.to_owned())));
            p.end_line = end_line(rec);
            p.pieces += 1;
            if p.cells.len() == width
                && let Some(done) = pending.take()
            {
                let record = Record::new(done.line, done.cells.iter().map(|c| c.as_str()));
                state.emit(&h, &record, out);
                state.repaired += 1;
            }
            continue;
        }
        if let Some(p) = pending.take() {
            out.rows += 1;
            out.skip(
                p.line,
                format!(
                    "{} fields where the header has {width} (a cell with an unquoted line break or comma; {} line(s) could not be rejoined)",
                    p.cells.len(),
                    p.pieces
                ),
            );
        }
        if rec.len() == width {
            state.emit(&h, rec, out);
        } else if rec.len() < width {
            pending = Some(Pending {
                line: rec.line,
                cells: rec.cells().map(|c| Zeroizing::new(c.to_owned())).collect(),
                end_line: end_line(rec),
                pieces: 1,
            });
        } else if let Some(record) = salvage(&h, rec, &mut state) {
            state.emit(&h, &record, out);
        } else {
            out.rows += 1;
            out.skip(
                rec.line,
                format!(
                    "{} fields where the header has {width} (a cell with an unquoted comma)",
                    rec.len()
                ),
            );
        }
    }
    if let Some(p) = pending.take() {
        out.rows += 1;
        out.skip(
            p.line,
            format!(
                "{} fields where the header has {width} (the file ends inside a record)",
                p.cells.len()
            ),
        );
    }
    state.finish(out);
}

/// Rebuilds a row with more cells than the header: unquoted commas in the
/// name or the notes (`extra`), the two free-text columns. The columns
/// before both (url, username, password, totp in LastPass' order) are
/// certain, and so are those after both, counted from the end. When the
/// notes cell is empty the extra cells belong to the name; otherwise the
/// name and the notes cannot be told apart, and both go into the notes
/// (kept secret) with no title. `None` when the header lacks either column.
fn salvage(h: &Header, rec: &Record, state: &mut State) -> Option<Record> {
    let (name, extra) = (h.index("name")?, h.index("extra")?);
    let (lo, hi) = (name.min(extra), name.max(extra));
    if hi != lo + 1 {
        return None;
    }
    let over = rec.len() - h.len();
    let span: Vec<&str> = (lo..=hi + over).map(|i| rec.get(i)).collect();
    let join = |cells: &[&str]| Zeroizing::new(cells.join(","));
    let (name_text, extra_text) = if extra == lo && span[0].is_empty() {
        (join(&span[1..]), Zeroizing::new(String::new()))
    } else if extra == hi && span[span.len() - 1].is_empty() {
        (join(&span[..span.len() - 1]), Zeroizing::new(String::new()))
    } else {
        state.untitled += 1;
        (Zeroizing::new(String::new()), join(&span))
    };
    let cells = (0..h.len()).map(|i| match i {
        i if i < lo => rec.get(i),
        i if i == name => name_text.as_str(),
        i if i == extra => extra_text.as_str(),
        i => rec.get(i + over),
    });
    state.salvaged.push(rec.line);
    Some(Record::new(rec.line, cells))
}

#[derive(Default)]
struct State {
    /// Decode HTML entities (the web / extension export).
    entities: bool,
    /// Lines of rows with unquoted commas rebuilt by [`salvage`].
    salvaged: Vec<u64>,
    /// Of those, rows whose name and notes could not be told apart.
    untitled: usize,
    /// Cells whose HTML entities were decoded.
    decoded: usize,
    /// Records rebuilt from several physical rows.
    repaired: usize,
    /// `http://group` folder-definition rows.
    groups: usize,
}

impl State {
    fn emit(&mut self, h: &Header, rec: &Record, out: &mut Parsed) {
        out.rows += 1;
        let url = h.get(rec, "url").trim();
        if url.eq_ignore_ascii_case(GROUP_URL) {
            self.groups += 1;
            out.folders += 1;
            return;
        }
        let kind = if url.eq_ignore_ascii_case(NOTE_URL) {
            EntryKind::Note
        } else {
            EntryKind::Login
        };
        let mut e = Entry::new(kind, rec.line);
        e.title = self.unescape(h.get(rec, "name")).trim().to_owned();
        e.notes = h.get(rec, "extra").into();
        let folder = self.unescape(h.get(rec, "grouping"));
        e.folder = util::non_empty(&folder).filter(|f| f != "(none)");
        if kind == EntryKind::Login {
            if !url.is_empty() && url != "http://" {
                e.urls.push(url.to_owned());
            }
            e.username = self.unescape(h.get(rec, "username")).trim().to_owned();
            let password = h.get(rec, "password");
            if !password.is_empty() {
                e.password = Some(match self.unescape(password) {
                    Cow::Borrowed(p) => Secret::new(p),
                    Cow::Owned(p) => Secret::from(p),
                });
            }
            e.totp = util::totp(h.get(rec, "totp"));
        }
        out.push(e);
    }

    /// Decodes the HTML entities the extension export writes, counting cells.
    fn unescape<'a>(&mut self, cell: &'a str) -> Cow<'a, str> {
        const ENTITIES: &[&str] = &["&amp;", "&lt;", "&gt;", "&quot;", "&#39;", "&#039;"];
        if self.entities && ENTITIES.iter().any(|e| cell.contains(e)) {
            self.decoded += 1;
            html_escape::decode_html_entities(cell)
        } else {
            Cow::Borrowed(cell)
        }
    }

    fn finish(&self, out: &mut Parsed) {
        if !self.salvaged.is_empty() {
            let lines: Vec<String> = self.salvaged.iter().map(u64::to_string).collect();
            let untitled = if self.untitled > 0 {
                format!(
                    "; in {} of them the name could not be told apart from the notes, so the title is empty and both are kept in the notes",
                    self.untitled
                )
            } else {
                String::new()
            };
            out.warn(format!(
                "{} row(s) with an unquoted comma in the name or notes (line {}): url, username and password were kept{untitled}",
                self.salvaged.len(),
                lines.join(", ")
            ));
        }
        if self.decoded > 0 {
            out.warn(format!(
                "decoded HTML entities (&amp; &lt; &gt; &quot; &#39;) in {} {}: this export was written by the LastPass browser extension, which escapes them",
                self.decoded,
                if self.decoded == 1 { "cell" } else { "cells" }
            ));
        }
        if self.repaired > 0 {
            out.warn(format!(
                "{} record(s) split over several lines by unquoted line breaks were rejoined",
                self.repaired
            ));
        }
        if self.groups > 0 {
            out.warn(format!(
                "{} http://group row(s) (folder definitions, not items)",
                self.groups
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::testing::{self, by_title};
    use crate::import::{csv_reader, detect};

    const SAMPLE: &[u8] = include_bytes!("../../sample-exports/lastpass.csv");
    const CLI_SAMPLE: &[u8] = include_bytes!("../../sample-exports/lastpass-cli.csv");
    const CAROL: &[u8] = include_bytes!("../../sample-exports/family/carol.csv");

    fn run(data: &[u8]) -> Parsed {
        testing::import(&LastPass, data)
    }

    fn accounts(out: &Parsed) -> Vec<&Entry> {
        out.entries.iter().filter(|e| e.is_account()).collect()
    }

    #[test]
    fn auto_detection_picks_each_shape() {
        let t = csv_reader::read(SAMPLE, Default::default()).unwrap();
        assert_eq!(detect(&t).unwrap().id(), "lastpass");
        let t = csv_reader::read(CLI_SAMPLE, Default::default()).unwrap();
        assert_eq!(detect(&t).unwrap().id(), "lastpass-cli");
        let t = csv_reader::read(CAROL, Default::default()).unwrap();
        assert_eq!(detect(&t).unwrap().id(), "lastpass");
        let t = csv_reader::read(
            b"url,username,password,extra,name,grouping,fav,totp\n",
            Default::default(),
        )
        .unwrap();
        assert_eq!(LastPass.detect(&t), VARIANT_SCORE);
        assert_eq!(LastPassCli.detect(&t), 0);
    }

    #[test]
    fn sample_imports_with_its_quirks() {
        let out = run(SAMPLE);
        assert!(out.skipped.is_empty(), "{:?}", out.skipped);
        assert_eq!(out.rows, 11);
        assert_eq!(out.entries.len(), 11);
        assert_eq!(accounts(&out).len(), 7);
        let notes = out.entries.iter().filter(|e| e.kind == EntryKind::Note);
        assert_eq!(notes.count(), 3);

        let amazon = by_title(&out, "Amazon");
        assert_eq!(amazon.password(), Some("Tom&Jerry<3"));
        let bank = by_title(&out, "Harbor & Pine Credit Union");
        assert_eq!(bank.password(), Some("Rainy\"Day\"Fund-19"));
        assert_eq!(
            by_title(&out, "Dropbox").password(),
            Some("Dana's-Box-2020")
        );
        assert_eq!(
            by_title(&out, "Dropbox").folder,
            None,
            "(none) is no folder"
        );
        let netflix = by_title(&out, "Netflix");
        assert_eq!(netflix.password(), Some("P>pcorn-Night-5"));
        assert_eq!(netflix.folder.as_deref(), Some("Shared-Family\\Streaming"));
        assert_eq!(bank.folder.as_deref(), Some("Finance & Bills"));
        assert!(
            out.warnings
                .iter()
                .any(|w| w.contains("HTML entities") && w.contains(" 7 cells")),
            "{:?}",
            out.warnings
        );

        let reddit = by_title(&out, "Reddit");
        assert!(reddit.is_account());
        assert_eq!(
            reddit.notes.expose(),
            "Old account from college\nkarma farming days"
        );
        assert!(out.warnings.iter().any(|w| w.contains("1 record(s) split")));

        let github = by_title(&out, "GitHub");
        assert!(github.has_totp());
        assert_eq!(github.folder.as_deref(), Some("Work\\Dev"));
        let wifi = by_title(&out, "Home Wi-Fi");
        assert_eq!(wifi.kind, EntryKind::Note);
        assert!(!wifi.is_account());
        assert!(wifi.notes.expose().starts_with("NoteType:Wi-Fi Password\n"));
        assert!(wifi.notes.expose().contains("Password:orchard-Lamp-92"));
        assert!(!by_title(&out, "Hacker News").is_account());
    }

    #[test]
    fn cli_sample_imports_crlf_and_no_totp() {
        let t = csv_reader::read(CLI_SAMPLE, Default::default()).unwrap();
        let mut out = Parsed::default();
        LastPassCli.import(&t, &mut out);
        assert!(out.skipped.is_empty(), "{:?}", out.skipped);
        assert!(out.warnings.is_empty(), "{:?}", out.warnings);
        assert_eq!(out.rows, 8);
        assert_eq!(accounts(&out).len(), 6);
        assert!(out.entries.iter().all(|e| !e.has_totp()));
        let codes = by_title(&out, "Proton Mail recovery");
        assert_eq!(codes.kind, EntryKind::Note);
        assert_eq!(codes.notes.expose().lines().count(), 3);
        assert_eq!(codes.folder.as_deref(), Some("Email"));
        assert_eq!(by_title(&out, "Home router").folder, None);
        let quoted = by_title(&out, "Bandcamp");
        assert_eq!(quoted.password(), Some("say \"cheese\", please"));
        assert!(!LastPassCli.capabilities().totp);
    }

    #[test]
    fn family_carol_imports() {
        let out = run(CAROL);
        assert!(out.skipped.is_empty());
        assert_eq!(out.rows, 11);
        assert_eq!(accounts(&out).len(), 9);
        let notes: Vec<&str> = out
            .entries
            .iter()
            .filter(|e| e.kind == EntryKind::Note)
            .map(|e| e.title.as_str())
            .collect();
        assert_eq!(notes, vec!["Evernote Single-Use Codes", "Home Wi-Fi"]);
        assert_eq!(
            by_title(&out, "Instagram").password(),
            Some("Ink&Brush&2021")
        );
        assert!(by_title(&out, "Evernote").has_totp());
        assert_eq!(out.warnings.len(), 1);
        assert!(out.warnings[0].contains(" 1 cell:"));
    }

    #[test]
    fn corrupted_rows_are_rejoined_or_skipped() {
        let data = b"url,username,password,totp,extra,name,grouping,fav\n\
https://a.example,ann,pw-a,,,A,,0\n\
,,pw-b,,first line\nsecond line,B multi,,0\n\
,,pw-c,,test\"\n\ntest\",C blank line inside,,0\n\
,,pw-d,,1 line\n2 line\n3 line\n4 line,D four lines,,0\n\
https://e.example,eve,pw-e,,note, with a comma,E,,0\n\
https://f.example,fay,pw-f,,,F,,0\n\
,,pw-g,,dangling\n\
https://h.example,hal,pw-h,,,H,,0\n\
,,pw-i,,end of file\n";
        let out = run(data);
        let titles: Vec<&str> = out.entries.iter().map(|e| e.title.as_str()).collect();
        assert_eq!(
            titles,
            vec![
                "A",
                "B multi",
                "C blank line inside",
                "D four lines",
                "",
                "F",
                "H"
            ]
        );
        // E: a comma in non-empty notes: the name cannot be told apart, the
        // certain fields are kept and both texts go to the notes.
        let e = &out.entries[4];
        assert_eq!(
            (e.row, e.password(), e.username.as_str()),
            (12, Some("pw-e"), "eve")
        );
        assert_eq!(e.notes.expose(), "note, with a comma,E");
        assert_eq!(out.entries[1].notes.expose(), "first line\nsecond line");
        assert_eq!(out.entries[1].row, 3);
        assert_eq!(out.entries[2].notes.expose(), "test\"\n\ntest\"");
        assert_eq!(
            out.entries[3].notes.expose(),
            "1 line\n2 line\n3 line\n4 line"
        );
        assert_eq!(out.entries[3].password(), Some("pw-d"));
        let skipped: Vec<u64> = out.skipped.iter().map(|s| s.line).collect();
        assert_eq!(skipped, vec![14, 16]);
        assert!(out.skipped[0].reason.contains("5 fields"));
        assert!(out.skipped[1].reason.contains("ends inside a record"));
        assert_eq!(out.rows, 9);
        assert!(out.warnings.iter().any(|w| w.contains("3 record(s) split")));
    }

    #[test]
    fn crcrlf_line_ends_read_cleanly() {
        let data = b"url,username,password,totp,extra,name,grouping,fav\r\r\n\
https://a.example,ann,pw-a,,,A,Mail,0\r\r\n\
http://sn,,,,\"line 1\r\r\nline 2\",Note,,0\r\r\n\
https://b.example,bob,pw-b,JBSWY3DPEHPK3PXP,,B,,1\r\r\n";
        let t = csv_reader::read(data, Default::default()).unwrap();
        assert_eq!(t.records.len(), 4, "no blank rows from \\r\\r\\n");
        assert_eq!(LastPass.detect(&t), 100);
        let out = run(data);
        assert!(out.skipped.is_empty());
        assert_eq!(out.rows, 3);
        assert_eq!(accounts(&out).len(), 2);
        assert_eq!(out.entries[0].folder.as_deref(), Some("Mail"));
        assert_eq!(out.entries[1].kind, EntryKind::Note);
        assert_eq!(out.entries[2].row, 5);
        assert!(out.entries[2].has_totp());
    }

    #[test]
    fn entities_only_decoded_where_present_and_group_rows_counted() {
        let data = b"url,username,password,totp,extra,name,grouping,fav\n\
http://group,,,,,Empty folder,Empty folder,0\n\
https://a.example,ann,a&b&c,,&amp; stays in notes,A &lt;test&gt;,Work &amp; Play,0\n";
        let out = run(data);
        assert_eq!(out.rows, 2);
        assert_eq!(out.entries.len(), 1);
        let e = &out.entries[0];
        assert_eq!(e.password(), Some("a&b&c"));
        assert_eq!(e.title, "A <test>");
        assert_eq!(e.folder.as_deref(), Some("Work & Play"));
        assert_eq!(e.notes.expose(), "&amp; stays in notes");
        assert!(out.warnings.iter().any(|w| w.contains(" 2 cells")));
        assert!(out.warnings.iter().any(|w| w.contains("1 http://group")));
    }

    #[test]
    fn unquoted_comma_in_a_name_keeps_the_login() {
        let data = b"url,username,password,totp,extra,name,grouping,fav\n\
https://a.example,ann,pw-a,,,A,,0\n\
https://shop.example,bob,Sh0p-pw,JBSWY3DPEHPK3PXP,,Shop, Inc, EU,Work,1\n";
        let out = run(data);
        assert!(out.skipped.is_empty(), "{:?}", out.skipped);
        assert_eq!(out.rows, 2);
        let shop = by_title(&out, "Shop, Inc, EU");
        assert!(shop.is_account());
        assert_eq!(shop.password(), Some("Sh0p-pw"));
        assert_eq!(shop.username, "bob");
        assert_eq!(shop.url(), Some("https://shop.example"));
        assert_eq!(shop.folder.as_deref(), Some("Work"));
        assert!(shop.has_totp());
        assert!(shop.notes.is_empty());
        assert!(
            out.warnings
                .iter()
                .any(|w| w.contains("unquoted comma") && w.contains("line 3")),
            "{:?}",
            out.warnings
        );
    }

    #[test]
    fn lpass_export_values_are_raw_not_entity_decoded() {
        let data = b"url,username,password,extra,name,grouping,fav\r\n\
https://a.example,ann,Tom&amp;Jerry,,A &lt;1&gt;,Work &amp; Play,0\r\n\
https://b.example,bob,Tom&Jerry,,B,,0\r\n";
        let out = testing::import(&LastPassCli, data);
        let a = by_title(&out, "A &lt;1&gt;");
        assert_eq!(a.password(), Some("Tom&amp;Jerry"));
        assert_eq!(a.folder.as_deref(), Some("Work &amp; Play"));
        assert_ne!(
            a.password(),
            by_title(&out, "B").password(),
            "no false reuse"
        );
        assert!(out.warnings.iter().all(|w| !w.contains("HTML entities")));
        // The same rows from the web export are decoded.
        let web = run(b"url,username,password,totp,extra,name,grouping,fav\n\
https://a.example,ann,Tom&amp;Jerry,,,A,,0\n");
        assert_eq!(web.entries[0].password(), Some("Tom&Jerry"));
    }

    #[test]
    fn group_rows_are_folders() {
        let out = run(b"url,username,password,totp,extra,name,grouping,fav\n\
http://group,,,,,Empty folder,Empty folder,0\n\
https://a.example,ann,pw,,,A,,0\n");
        assert_eq!((out.rows, out.folders, out.entries.len()), (2, 1, 1));
    }

    #[test]
    fn header_only_and_garbage_never_panic() {
        let out = run(b"url,username,password,totp,extra,name,grouping,fav\n");
        assert_eq!(out.rows, 0);
        let out =
            run(b"url,username,password,totp,extra,name,grouping,fav\n,,,,,,,,,,,,\nx\ny\nz\n");
        assert_eq!(out.entries.len(), 0);
        assert!(!out.skipped.is_empty());
    }
}
