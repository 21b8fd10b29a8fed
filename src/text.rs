//! Plain-words helpers shared by the checks, the importers and the reports.

/// Joins `["a", "b", "c"]` as `a, b and c`.
pub fn join_and<S: AsRef<str>>(items: &[S]) -> String {
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_owned(),
        [rest @ .., last] => {
            let rest: Vec<&str> = rest.iter().map(AsRef::as_ref).collect();
            format!("{} and {}", rest.join(", "), last.as_ref())
        }
    }
}

/// `s` trimmed, or `None` when nothing is left.
pub fn non_empty(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_lists_in_plain_words() {
        assert_eq!(join_and::<&str>(&[]), "");
        assert_eq!(join_and(&["a"]), "a");
        assert_eq!(join_and(&["a", "b"]), "a and b");
        assert_eq!(join_and(&["a", "b", "c"]), "a, b and c");
        assert_eq!(join_and(&[String::from("x"), String::from("y")]), "x and y");
    }

    #[test]
    fn non_empty_trims() {
        assert_eq!(non_empty("  a b "), Some("a b".to_owned()));
        assert_eq!(non_empty(" \t"), None);
    }
}
