//! Every value from an export (or any other input) is untrusted: strip what
//! could drive a terminal or hide text, drop what XML cannot hold, bound its
//! length, and neutralise what a spreadsheet would run. Every human report
//! (table, HTML, Markdown, CSV, JUnit) and every message on stderr goes
//! through [`terminal`]; JSON keeps values whole.

/// The most characters of one value a human report shows; longer values are
/// cut and end in `…` (JSON keeps them whole). Bounds the report's size and
/// the table layout's work (quadratic in a cell's length).
pub const MAX_SHOWN_CHARS: usize = 2_000;

/// The marker that ends a value cut for display.
pub const CUT_MARKER: char = '…';

/// What [`terminal`] makes of one character: `None` drops it.
///
/// - newlines, tabs and the Unicode line/paragraph separators become spaces;
/// - control characters (C0, DEL, C1: ANSI escapes, OSC, bell, carriage
///   return) are dropped;
/// - invisible format characters that reorder or hide text are dropped: the
///   bidi marks, embeddings, overrides and isolates (U+061C, U+200E/U+200F,
///   U+202A–U+202E, U+2066–U+2069), zero-width characters (U+180E,
///   U+200B–U+200D, U+2060–U+2064, U+FEFF), the deprecated format
///   characters U+206A–U+206F, interlinear annotations U+FFF9–U+FFFB and
///   tag characters U+E0000–U+E007F;
/// - noncharacters (U+FDD0–U+FDEF, U+xFFFE/U+xFFFF) are dropped: XML 1.0
///   forbids U+FFFE/U+FFFF, so the output is always well-formed XML text.
fn clean(c: char) -> Option<char> {
    match c {
        '\n' | '\t' | '\u{2028}' | '\u{2029}' => Some(' '),
        c if c.is_control() => None,
        '\u{061c}'
        | '\u{180e}'
        | '\u{200b}'..='\u{200f}'
        | '\u{202a}'..='\u{202e}'
        | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{206f}'
        | '\u{feff}'
        | '\u{fff9}'..='\u{fffb}'
        | '\u{e0000}'..='\u{e007f}'
        | '\u{fdd0}'..='\u{fdef}' => None,
        c if (c as u32) & 0xfffe == 0xfffe => None,
        c => Some(c),
    }
}

/// Makes `s` safe to show as plain text on one line (see [`clean`]) and at
/// most [`MAX_SHOWN_CHARS`] characters long, ending in `…` when cut. Reads
/// only as much of `s` as it shows.
pub fn terminal(s: &str) -> String {
    let mut out = String::with_capacity(s.len().min(MAX_SHOWN_CHARS * 4));
    for (shown, c) in s.chars().filter_map(clean).enumerate() {
        if shown == MAX_SHOWN_CHARS {
            // One more character: the value is longer than shown.
            out.pop();
            out.push(CUT_MARKER);
            break;
        }
        out.push(c);
    }
    out
}

/// [`terminal`] line by line, for multi-line messages (each line is made
/// safe; the line breaks are kept).
pub fn terminal_lines(s: &str) -> String {
    s.lines().map(terminal).collect::<Vec<_>>().join("\n")
}

/// Prefixes a `'` to cells a spreadsheet would read as a formula
/// (`=`, `+`, `-`, `@`, tab, carriage return), after [`terminal`].
pub fn csv_cell(s: &str) -> String {
    let clean = terminal(s);
    match clean.chars().next() {
        Some('=' | '+' | '-' | '@') => format!("'{clean}"),
        _ => clean,
    }
}

/// Escapes text for HTML element content and attribute values, after [`terminal`].
pub fn html(s: &str) -> String {
    html_escape::encode_quoted_attribute(&terminal(s)).into_owned()
}

/// Shortens `s` to at most `max` characters, ending in `…` when cut.
pub fn truncate(s: &str, max: usize) -> String {
    let mut chars = s.chars();
    let mut out: String = chars.by_ref().take(max).collect();
    if chars.next().is_some() {
        out.pop();
        if max > 0 {
            out.push(CUT_MARKER);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_escapes_and_controls() {
        assert_eq!(terminal("a\u{1b}[31mred\u{7}\r\nb"), "a[31mred b");
        assert_eq!(terminal("x\u{202e}y"), "xy");
        assert_eq!(terminal("a\u{85}b\u{9b}c\u{7f}d"), "abcd", "C1 and DEL");
    }

    #[test]
    fn strips_invisible_and_bidi_characters() {
        for c in [
            '\u{061c}',
            '\u{200b}',
            '\u{200c}',
            '\u{200d}',
            '\u{200e}',
            '\u{200f}',
            '\u{202a}',
            '\u{202b}',
            '\u{202c}',
            '\u{202d}',
            '\u{202e}',
            '\u{2066}',
            '\u{2067}',
            '\u{2068}',
            '\u{2069}',
            '\u{feff}',
            '\u{2060}',
            '\u{e0041}',
        ] {
            assert_eq!(terminal(&format!("a{c}b")), "ab", "U+{:04X}", c as u32);
        }
        assert_eq!(terminal("a\u{2028}b\u{2029}c"), "a b c");
        // Ordinary text of every script stays.
        assert_eq!(terminal("Zoë 東京 مرحبا ✓"), "Zoë 東京 مرحبا ✓");
    }

    /// XML 1.0 `Char`: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
    fn xml_char(c: char) -> bool {
        matches!(c as u32, 0x9 | 0xa | 0xd | 0x20..=0xd7ff | 0xe000..=0xfffd | 0x10000..=0x10ffff)
    }

    #[test]
    fn output_is_always_xml_text() {
        let every: Vec<char> = (0..=0x10ffff).filter_map(char::from_u32).collect();
        for chunk in every.chunks(MAX_SHOWN_CHARS - 1) {
            let s: String = chunk.iter().collect();
            let shown = terminal(&s);
            assert!(shown.chars().all(xml_char), "{:?}", chunk[0]);
        }
        assert_eq!(terminal("a\u{fffe}b\u{ffff}c\u{1fffe}"), "abc");
    }

    #[test]
    fn bounds_long_values_by_characters() {
        let long = "é".repeat(MAX_SHOWN_CHARS * 3);
        let shown = terminal(&long);
        assert_eq!(shown.chars().count(), MAX_SHOWN_CHARS);
        assert!(shown.ends_with(CUT_MARKER));
        let exact = "é".repeat(MAX_SHOWN_CHARS);
        assert_eq!(terminal(&exact), exact, "a value that fits is whole");
        let text = format!("{}{}", "x".repeat(MAX_SHOWN_CHARS), "\u{1b}");
        assert_eq!(
            terminal(&text),
            "x".repeat(MAX_SHOWN_CHARS),
            "dropped chars do not count"
        );
    }

    #[test]
    fn multi_line_messages_keep_their_breaks() {
        assert_eq!(terminal_lines("a\u{1b}]52;c;x\u{7}\nb"), "a]52;c;x\nb");
    }

    #[test]
    fn neutralises_formulas() {
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_cell("plain"), "plain");
    }

    #[test]
    fn html_escapes() {
        assert_eq!(
            html("<b a=\"1\">&'"),
            "&lt;b a=&quot;1&quot;&gt;&amp;&#x27;"
        );
    }

    #[test]
    fn truncates() {
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abc", 4), "abc");
        assert_eq!(truncate("abcd", 4), "abcd");
        assert_eq!(truncate("éééééé", 3), "éé…");
    }
}
