//! Shared pieces of the document renderers (HTML, Markdown, CSV, JUnit):
//! the rows every report shows, computed once from the audit.

use crate::report::{AccountReport, Audit, Finding, Severity, SourceReport, VerdictStatus};

/// A short human name for an account, by the same rule as check messages
/// ([`crate::model::account_label`]).
pub fn account_name(a: &AccountReport) -> String {
    crate::model::account_label(&a.title, a.url.as_deref(), a.row)
}

/// `1 note`, `2 notes`: a count with the right form of its noun (not escaped).
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Where every row of an export went, so that nothing reads as lost:
/// `12 rows: 7 accounts, 1 login without a password, 2 notes/cards/other
/// items, 1 folder, 1 in trash (excluded), 1 skipped (not read or
/// checked)`. The parts add up to the rows (not escaped).
pub fn row_breakdown(src: &SourceReport) -> String {
    let mut parts = vec![plural(src.accounts, "account", "accounts")];
    let rest = [
        (
            src.logins_without_password,
            "login without a password",
            "logins without a password",
        ),
        (
            src.other_items,
            "note/card/other item",
            "notes/cards/other items",
        ),
        (src.folders, "folder", "folders"),
        (src.deleted, "in trash (excluded)", "in trash (excluded)"),
        (
            src.skipped,
            "skipped (not read or checked)",
            "skipped (not read or checked)",
        ),
    ];
    for (n, one, many) in rest {
        if n > 0 {
            parts.push(plural(n, one, many));
        }
    }
    format!("{}: {}", plural(src.rows, "row", "rows"), parts.join(", "))
}

/// The credit of each public dataset the audit used, as its licence asks:
/// `Breach data from Have I Been Pwned (...), licensed under CC BY 4.0;
/// built-in snapshot, as of 2026-02-26` (not escaped).
pub fn credits(audit: &Audit) -> Vec<String> {
    audit
        .data_sources
        .iter()
        .map(|d| match &d.as_of {
            Some(day) => format!("{}; {}, as of {day}", d.attribution, d.origin),
            None => format!("{}; {}", d.attribution, d.origin),
        })
        .collect()
}

/// The account with id `A{n}` (ids are assigned in order).
pub fn account<'a>(audit: &'a Audit, id: &str) -> Option<&'a AccountReport> {
    audit
        .accounts
        .get(crate::report::account_index(id)?)
        .filter(|a| a.id == id)
}

/// `member: name` for each account a finding names.
pub fn finding_accounts(audit: &Audit, f: &Finding) -> Vec<String> {
    f.accounts
        .iter()
        .filter_map(|id| account(audit, id))
        .map(|a| format!("{}: {}", a.member, account_name(a)))
        .collect()
}

/// The one-line verdict every report shows, with the exit code it produced
/// (read from the audit's verdict, never re-derived; not escaped).
pub fn verdict(audit: &Audit) -> String {
    let s = &audit.summary;
    let code = s.exit_code;
    let why = match (s.verdict.status, code) {
        (VerdictStatus::Fail, 0) => ": --exit-zero",
        (VerdictStatus::Incomplete, c) if c != 3 => ": --allow-incomplete",
        _ => "",
    };
    format!("{} (exit {code}{why})", s.verdict.headline())
}

/// `(severity, count)` for the severities that have findings, most severe first.
pub fn severity_counts(audit: &Audit) -> Vec<(Severity, usize)> {
    Severity::ALL
        .iter()
        .map(|s| (*s, audit.summary.by_severity.get(s).copied().unwrap_or(0)))
        .filter(|(_, n)| *n > 0)
        .collect()
}

/// `items` grouped by member in one pass (a team's report has thousands of
/// members): the names of `first` in their order, then any other member in
/// the order it first appears in `items`; each group keeps `items`' order
/// and may be empty.
pub fn by_member<'a, T>(
    first: impl IntoIterator<Item = &'a str>,
    items: &'a [T],
    member: impl Fn(&'a T) -> &'a str,
) -> Vec<(&'a str, Vec<&'a T>)> {
    let mut groups: Vec<(&str, Vec<&T>)> = Vec::new();
    let mut at: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for name in first {
        at.entry(name).or_insert_with(|| {
            groups.push((name, Vec::new()));
            groups.len() - 1
        });
    }
    for item in items {
        let name = member(item);
        let k = *at.entry(name).or_insert_with(|| {
            groups.push((name, Vec::new()));
            groups.len() - 1
        });
        groups[k].1.push(item);
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn by_member_keeps_the_named_order_then_first_appearance() {
        let items = [("bo", 1), ("cy", 2), ("bo", 3), ("al", 4), ("cy", 5)];
        let groups = by_member(["al", "dee"], &items, |i: &(&str, i32)| i.0);
        let got: Vec<(&str, Vec<i32>)> = groups
            .into_iter()
            .map(|(m, g)| (m, g.into_iter().map(|i| i.1).collect()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("al", vec![4]),
                ("dee", vec![]),
                ("bo", vec![1, 3]),
                ("cy", vec![2, 5]),
            ]
        );
    }

    /// Sums the numbers a breakdown names after its row count.
    fn parts_sum(text: &str) -> usize {
        let (_, parts) = text.split_once(": ").unwrap();
        parts
            .split(", ")
            .map(|p| p.split(' ').next().unwrap().parse::<usize>().unwrap())
            .sum()
    }

    #[test]
    fn plurals_agree_with_their_count() {
        assert_eq!(plural(0, "note", "notes"), "0 notes");
        assert_eq!(plural(1, "note", "notes"), "1 note");
        assert_eq!(plural(2, "note", "notes"), "2 notes");
    }

    #[test]
    fn row_breakdown_names_every_row() {
        let src = SourceReport {
            path: "x.csv".into(),
            member: "m".into(),
            format: "lastpass".into(),
            rows: 12,
            accounts: 7,
            skipped: 1,
            skipped_rows: Vec::new(),
            deleted: 1,
            logins_without_password: 1,
            folders: 1,
            encoding: "UTF-8".into(),
            other_items: 1,
            warnings: Vec::new(),
        };
        let text = row_breakdown(&src);
        assert_eq!(
            text,
            "12 rows: 7 accounts, 1 login without a password, 1 note/card/other item, 1 folder, 1 in trash (excluded), 1 skipped (not read or checked)"
        );
        assert_eq!(parts_sum(&text), src.rows);
        let only = SourceReport {
            rows: 1,
            accounts: 0,
            skipped: 0,
            deleted: 0,
            logins_without_password: 0,
            folders: 0,
            other_items: 1,
            ..src
        };
        assert_eq!(
            row_breakdown(&only),
            "1 row: 0 accounts, 1 note/card/other item"
        );
    }
}
