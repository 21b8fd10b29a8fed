//! Every CSV cell is untrusted: strip what could drive a terminal, and
//! neutralise what a spreadsheet would run.

/// Removes control characters (ANSI escapes, bell, carriage returns, bidi
/// overrides) so a value prints as plain text on one line. Newlines and tabs
/// become spaces.
pub fn terminal(s: &str) -> String {
    s.chars()
        .filter_map(|c| match c {
            '\n' | '\t' => Some(' '),
            c if c.is_control() => None,
            '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => None,
            c => Some(c),
        })
        .collect()
}

/// Prefixes a `'` to cells a spreadsheet would read as a formula
/// (`=`, `+`, `-`, `@`, tab, carriage return), after stripping control characters.
pub fn csv_cell(s: &str) -> String {
    let clean = terminal(s);
    match clean.chars().next() {
        Some('=' | '+' | '-' | '@') => format!("'{clean}"),
        _ => clean,
    }
}

/// Escapes text for HTML element content and attribute values.
pub fn html(s: &str) -> String {
    html_escape::encode_quoted_attribute(&terminal(s)).into_owned()
}

/// Shortens `s` to at most `max` characters, ending in `…` when cut.
pub fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_owned();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_escapes_and_controls() {
        assert_eq!(terminal("a\u{1b}[31mred\u{7}\r\nb"), "a[31mred b");
        assert_eq!(terminal("x\u{202e}y"), "xy");
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
    }
}
