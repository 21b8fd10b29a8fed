//! Separate items that hold backup codes ("Dropbox backup codes" notes),
//! indexed so each account only checks the items that can name it.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use zeroize::Zeroizing;

use super::{Evidence, Place, codes};
use crate::model::{Entry, Vault};
use crate::sanitize::truncate;
use crate::site;

/// Words ignored when matching an account's title against a separate item.
const STOPWORDS: &[&str] = &[
    "login", "account", "accounts", "mail", "email", "bank", "banking", "online", "home", "work",
    "personal", "backup", "codes", "code", "recovery", "main", "admin", "user", "site", "shop",
    "store", "family", "shared", "sign", "signin", "www",
];

/// ` word word ` of `text`, lower-cased, for whole-word matching.
fn words(text: &str) -> Zeroizing<String> {
    let mut out = Zeroizing::new(String::from(" "));
    for w in text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        out.push_str(&w.to_lowercase());
        out.push(' ');
    }
    out
}

/// A separate item (a note, or a login without password) holding codes.
pub(super) struct CodeItem {
    member: String,
    /// Index into `vault.entries`.
    entry: usize,
    /// ` words ` of its title and first line.
    words: Zeroizing<String>,
    /// What an account it names gets as evidence.
    pub(super) evidence: Evidence,
}

/// The separate items of a vault, indexed by the words of their title and
/// first line and by the domains in their URLs and body, so each account
/// only checks the items that can name it. Index keys are hashes, so the
/// index holds no copy of a note's text.
pub(super) struct CodeItems {
    items: Vec<CodeItem>,
    by_word: HashMap<u64, Vec<usize>>,
    by_domain: HashMap<u64, Vec<usize>>,
}

fn key(s: &str) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    s.hash(&mut h);
    h.finish()
}

impl CodeItem {
    fn location(title: &str, row: u64) -> String {
        if title.is_empty() || codes::has_code_like(title) {
            format!("separate item (line {row})")
        } else {
            format!("separate item '{}' (line {row})", truncate(title, 40))
        }
    }
}

impl CodeItems {
    pub(super) fn new(vault: &Vault) -> CodeItems {
        let mut index = CodeItems {
            items: Vec::new(),
            by_word: HashMap::new(),
            by_domain: HashMap::new(),
        };
        let candidates = vault
            .entries
            .iter()
            .enumerate()
            .filter(|(_, e)| !e.deleted)
            .filter(|(_, e)| !e.is_account() || codes::label(&e.title).is_some());
        for (entry, e) in candidates {
            let mut text = Zeroizing::new(format!("{}\n{}", e.title, e.notes.expose()));
            for f in &e.fields {
                text.push('\n');
                text.push_str(&f.name);
                text.push_str(": ");
                text.push_str(f.value.expose());
            }
            let Some(found) = codes::scan(&text).filter(|f| f.is_saved()) else {
                continue;
            };
            let notes = e.notes.expose();
            let first_line = notes.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
            let words = words(&Zeroizing::new(format!("{} {first_line}", e.title)));
            let k = index.items.len();
            for w in words.split(' ').filter(|w| !w.is_empty()) {
                index.by_word.entry(key(w)).or_default().push(k);
            }
            let body_domains = notes
                .split(|c: char| c.is_whitespace() || c == ',' || c == ';')
                .filter(|t| t.contains('.'))
                .filter_map(|t| site::of_url(t.trim_matches(|c: char| "()[]<>\"'".contains(c))));
            for d in e
                .urls
                .iter()
                .filter_map(|u| site::of_url(u))
                .chain(body_domains)
            {
                let slot = index.by_domain.entry(key(&d)).or_default();
                if slot.last() != Some(&k) {
                    slot.push(k);
                }
            }
            index.items.push(CodeItem {
                member: vault.sources[e.source].member.clone(),
                entry,
                words,
                evidence: Evidence {
                    place: Place::SeparateItem,
                    location: CodeItem::location(e.title.trim(), e.row),
                    how: found.describe(),
                    offline: matches!(found, codes::Found::Offline { .. }),
                },
            });
        }
        index
    }

    /// Items of `member` (other than entry `own`) that name an account known
    /// by `names` (from [`names_of`]) or on one of `domains`, in input order.
    pub(super) fn naming(
        &self,
        member: &str,
        own: usize,
        names: &[String],
        domains: &[String],
    ) -> Vec<&CodeItem> {
        let mut hits: Vec<usize> = domains
            .iter()
            .filter_map(|d| self.by_domain.get(&key(d)))
            .flatten()
            .copied()
            .collect();
        for n in names {
            let first = n.split(' ').find(|w| !w.is_empty()).unwrap_or("");
            if let Some(ks) = self.by_word.get(&key(first)) {
                hits.extend(
                    ks.iter()
                        .copied()
                        .filter(|&k| self.items[k].words.contains(n.as_str())),
                );
            }
        }
        hits.sort_unstable();
        hits.dedup();
        hits.into_iter()
            .map(|k| &self.items[k])
            .filter(|it| it.member == member && it.entry != own)
            .collect()
    }
}

/// Names an account is known by, as ` words ` patterns: its domains'
/// brands, its title, and the distinctive words of its title.
pub(super) fn names_of(e: &Entry, domains: &[String]) -> Vec<String> {
    let mut names: Vec<String> = domains
        .iter()
        .map(|d| site::brand(d))
        .filter(|b| b.len() >= 3)
        .map(|b| words(b).to_string())
        .collect();
    let title = words(&e.title);
    let phrase = title.trim();
    if phrase.chars().count() >= 3 {
        names.push(format!(" {phrase} "));
    }
    names.extend(
        phrase
            .split(' ')
            .filter(|w| w.chars().count() >= 4 && !STOPWORDS.contains(w))
            .map(|w| format!(" {w} ")),
    );
    names.sort();
    names.dedup();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_names_for_matching_separate_items() {
        let mut e = Entry::new(crate::model::EntryKind::Login, 2);
        e.title = "X (Twitter)".into();
        let names = names_of(&e, &["x.com".into()]);
        assert!(names.contains(&" twitter ".to_owned()));
        assert!(!names.contains(&" x ".to_owned()));
        e.title = "Northwind Bank".into();
        let names = names_of(&e, &["northwind-bank.example".into()]);
        assert!(names.contains(&" northwind bank ".to_owned()));
        assert!(names.contains(&" northwind ".to_owned()));
        assert!(!names.contains(&" bank ".to_owned()));
    }
}
