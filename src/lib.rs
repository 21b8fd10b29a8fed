//! vaultlint: audit password-manager exports.
//!
//! Data flows one way: export files → [`import`] → [`model::Vault`] →
//! [`checks`] → one [`report::Audit`] → [`render`] → [`exit`] code.

pub mod audit;
pub mod breaches;
pub mod checks;
pub mod cli;
pub mod download;
pub mod error;
pub mod exit;
pub mod finding;
pub mod import;
pub mod merge;
pub mod model;
pub mod passkeys;
pub mod policy;
pub mod progress;
pub mod pwned;
pub mod render;
pub mod report;
pub mod sanitize;
pub mod settings;
pub mod site;
pub mod text;
pub mod tfa_directory;

/// The module graph is checked, not hoped for: no top-level module imports a
/// module that imports it back (directly or through others).
#[cfg(test)]
mod layering {
    use std::collections::{BTreeMap, BTreeSet};
    use std::path::Path;

    /// Top-level modules named after `crate::` in `text` (`crate::a::b`,
    /// `crate::{a, b::c}`).
    fn references(text: &str) -> BTreeSet<String> {
        let ident = |s: &str| -> String {
            s.trim_start()
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect()
        };
        let mut out = BTreeSet::new();
        for (at, _) in text.match_indices("crate::") {
            if text[..at].ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == '$') {
                continue; // `vaultlint_crate::` or `$crate::`
            }
            let rest = &text[at + "crate::".len()..];
            if let Some(group) = rest.strip_prefix('{') {
                let mut depth = 0;
                let mut item = String::new();
                for c in group.chars() {
                    match c {
                        '{' => depth += 1,
                        '}' if depth == 0 => break,
                        '}' => depth -= 1,
                        ',' if depth == 0 => {
                            out.insert(ident(&item));
                            item.clear();
                            continue;
                        }
                        _ => {}
                    }
                    item.push(c);
                }
                out.insert(ident(&item));
            } else {
                out.insert(ident(rest));
            }
        }
        out.retain(|m| !m.is_empty() && m != "self");
        out
    }

    fn graph() -> BTreeMap<String, BTreeSet<String>> {
        fn walk(dir: &Path, top: Option<&str>, g: &mut BTreeMap<String, BTreeSet<String>>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                let name = path.file_stem().unwrap().to_str().unwrap().to_owned();
                let module = top.map_or(name.clone(), str::to_owned);
                if path.is_dir() {
                    walk(&path, Some(&module), g);
                } else if path.extension().is_some_and(|e| e == "rs")
                    && !(top.is_none() && (name == "lib" || name == "main"))
                {
                    let text = std::fs::read_to_string(&path).unwrap();
                    let refs = g.entry(module.clone()).or_default();
                    refs.extend(references(&text).into_iter().filter(|r| *r != module));
                }
            }
        }
        let mut g = BTreeMap::new();
        walk(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            None,
            &mut g,
        );
        g
    }

    /// A cycle through `from`, if there is one: `[from, ..., from]`.
    fn cycle(g: &BTreeMap<String, BTreeSet<String>>, from: &str) -> Option<Vec<String>> {
        let mut stack = vec![vec![from.to_owned()]];
        let mut seen = BTreeSet::new();
        while let Some(path) = stack.pop() {
            let last = path.last().unwrap();
            for next in g.get(last).into_iter().flatten() {
                let mut p = path.clone();
                p.push(next.clone());
                if next == from {
                    return Some(p);
                }
                if seen.insert(next.clone()) {
                    stack.push(p);
                }
            }
        }
        None
    }

    #[test]
    fn references_are_read_from_paths_and_groups() {
        let refs = references(
            "use crate::report::Severity;\nuse crate::{domain, exit::{self, X}};\nlet a = $crate::x; crate::checks::run();",
        );
        let want = ["checks", "domain", "exit", "report"];
        assert_eq!(refs, want.iter().map(|s| s.to_string()).collect());
    }

    /// Checks read no file and download nothing: their data arrives loaded
    /// (the pwned check asks the `pwned` client). Test modules may.
    #[test]
    fn checks_do_no_file_or_network_io() {
        fn walk(dir: &Path, found: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    walk(&path, found);
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                let code = text.split("#[cfg(test)]").next().unwrap_or("");
                for needle in [
                    "std::fs",
                    "File::open",
                    "crate::download",
                    "reqwest",
                    "TcpStream",
                ] {
                    if code.contains(needle) {
                        found.push(format!("{}: {needle}", path.display()));
                    }
                }
            }
        }
        let mut found = Vec::new();
        walk(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("src/checks"),
            &mut found,
        );
        assert!(found.is_empty(), "I/O in checks: {found:?}");
    }

    #[test]
    fn no_module_imports_a_module_that_imports_it_back() {
        let g = graph();
        assert!(
            g.contains_key("checks") && g.contains_key("report"),
            "{g:?}"
        );
        assert!(g["audit"].contains("checks"), "the scan sees the imports");
        let cycles: Vec<String> = g
            .keys()
            .filter_map(|m| cycle(&g, m))
            .map(|c| c.join(" -> "))
            .collect();
        assert!(cycles.is_empty(), "module cycles:\n{}", cycles.join("\n"));
    }
}

/// The README's tables and the `--only` help are checked against the
/// registries they describe: adding a format or a check without its docs
/// fails here.
#[cfg(test)]
mod docs_drift {
    /// The `|`-rows of the first table after `heading` in the README.
    fn table(heading: &str) -> Vec<&'static str> {
        let readme = include_str!("../README.md");
        let at = readme.find(heading).expect("heading in README");
        readme[at..]
            .lines()
            .skip_while(|l| !l.starts_with('|'))
            .take_while(|l| l.starts_with('|'))
            .skip(2)
            .collect()
    }

    /// The backticked words of a row's first cell.
    fn first_cell(row: &str) -> Vec<&str> {
        let cell = row.split('|').nth(1).unwrap_or("");
        cell.split('`').skip(1).step_by(2).collect()
    }

    #[test]
    fn readme_formats_table_is_the_format_registry() {
        let mut documented: Vec<&str> = table("## Supported formats")
            .into_iter()
            .flat_map(first_cell)
            .collect();
        let mut registered: Vec<&str> = crate::import::all_formats().map(|f| f.id).collect();
        // `--columns` maps any other CSV; it is not detected, so not registered.
        registered.push("generic");
        documented.sort_unstable();
        registered.sort_unstable();
        assert!(!registered.is_empty());
        assert_eq!(
            documented, registered,
            "README 'Supported formats' vs import::FORMATS"
        );
    }

    #[test]
    fn readme_checks_table_is_the_check_registry() {
        let rows = table("## Checks");
        let documented: Vec<&str> = rows.iter().copied().flat_map(first_cell).collect();
        let registered: Vec<&str> = crate::finding::CheckId::ALL
            .iter()
            .map(|c| c.as_str())
            .collect();
        let mut sorted = (documented.clone(), registered.clone());
        sorted.0.sort_unstable();
        sorted.1.sort_unstable();
        assert_eq!(sorted.0, sorted.1, "README 'Checks' vs CheckId::ALL");
        let kinds = rows.join("\n");
        for kind in crate::finding::FindingKind::ALL {
            assert!(
                kinds.contains(&format!("`{}`", kind.as_str())),
                "README 'Checks' does not list finding kind {}",
                kind.as_str()
            );
        }
    }

    #[test]
    fn only_help_lists_every_check() {
        use clap::CommandFactory;
        let mut cmd = crate::cli::Cli::command();
        let audit = cmd.find_subcommand_mut("audit").expect("audit subcommand");
        let only = audit
            .get_arguments()
            .find(|a| a.get_id() == "only")
            .expect("--only");
        let help = only.get_help().expect("help").to_string();
        for check in crate::finding::CheckId::ALL {
            assert!(
                help.contains(check.as_str()),
                "--only help lacks {}: {help}",
                check.as_str()
            );
        }
    }
}

/// Test helper for the tables compiled in already parsed (`src/generated/`):
/// with `VAULTLINT_BLESS` set, writes `source` to `path`; then fails unless
/// the file holds exactly `source`, naming the test that rewrites it.
#[cfg(test)]
pub(crate) fn assert_generated(path: &str, source: &str, data: &str, test: &str) {
    if std::env::var_os("VAULTLINT_BLESS").is_some() {
        std::fs::write(path, source).unwrap();
    }
    assert!(
        std::fs::read_to_string(path).unwrap() == source,
        "{path} is not {data}: rewrite it with VAULTLINT_BLESS=1 cargo test --release --lib {test}"
    );
}
