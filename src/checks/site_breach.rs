//! `site_breach`: accounts on sites that were breached while they may have
//! held the same password, from Have I Been Pwned's public breach list
//! ([`crate::breaches`]; a snapshot ships with the binary).
//!
//! An account matches a breach when one of its URLs has the breach's
//! registrable domain. What the breach means for it depends on when its
//! password was set, and the finding says where that date came from:
//!
//! | date the export gives | before the breach | after the breach |
//! |---|---|---|
//! | password change (Firefox `timePasswordChanged`) | high: change it | info: changed since, fine |
//! | item modification only (KeePassXC, Proton Pass) | high: change it (the item's date) | medium: the item changed, the password may not have |
//! | none, or a bulk-import time | medium: change it unless you did since the breach | |
//!
//! "Before the breach" means before the breach happened (`BreachDate`), or
//! before it was made public when that is earlier. Breaches that leaked no
//! passwords are `info` (expect phishing at that address). A password that
//! may still be the breached one and is also used on other accounts is
//! `critical`: attackers replay breached passwords everywhere. Unknown is
//! never read as fine.

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use super::{Context, Draft, Facts, FindingKind, Outcome};
use crate::breaches::{self, Breach, BreachList};
use crate::report::details::{BreachFacts, SiteBreachDetails};
use crate::report::{DataSource, Details, Severity};

/// Entries of one export sharing one timestamp second, from which the
/// timestamp is taken as the time of a bulk import, not of a password change.
pub const BULK_IMPORT: usize = 5;

/// Where an account's password date came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DateSource {
    /// A precise password-change time.
    PasswordChanged(i64),
    /// Only the item's last modification.
    ItemModified(i64),
    /// A time many items share: the import, not the password.
    BulkImport(i64),
    None,
}

impl DateSource {
    fn name(self) -> &'static str {
        match self {
            DateSource::PasswordChanged(_) => "password_changed",
            DateSource::ItemModified(_) => "item_modified",
            DateSource::BulkImport(_) => "bulk_import",
            DateSource::None => "none",
        }
    }

    fn date(self) -> Option<i64> {
        match self {
            DateSource::PasswordChanged(t)
            | DateSource::ItemModified(t)
            | DateSource::BulkImport(t) => Some(t),
            DateSource::None => None,
        }
    }
}

/// Options of the check: the breach list (the built-in snapshot when `None`).
#[derive(Debug, Clone, Default)]
pub struct SiteBreachSettings {
    pub list: Option<std::sync::Arc<BreachList>>,
    /// Where `list` came from, for the report (`--breaches FILE`).
    pub origin: Option<String>,
}

/// The report's credit for the list (CC BY 4.0 requires it).
fn data_source(list: &BreachList, origin: Option<&str>) -> DataSource {
    DataSource {
        name: "Have I Been Pwned breach list".into(),
        url: breaches::SOURCE_URL.into(),
        licence: breaches::LICENCE.into(),
        attribution: breaches::ATTRIBUTION.into(),
        as_of: list.as_of.map(breaches::day),
        origin: origin.map_or_else(
            || "built-in snapshot".to_owned(),
            |o| format!("--breaches {o}"),
        ),
    }
}

/// How many entries of each export share each of the `wanted` timestamps,
/// per field: `(source, field, second) -> entries`. Only the timestamps of
/// accounts on breached sites are counted.
fn shared_times(
    ctx: &Context,
    wanted: &FxHashSet<(usize, u8, i64)>,
) -> FxHashMap<(usize, u8, i64), usize> {
    if wanted.is_empty() {
        return FxHashMap::default();
    }
    // (in parallel over the entries: counts, whatever the order)
    ctx.vault
        .entries
        .par_iter()
        .with_min_len(4096)
        .fold(FxHashMap::default, |mut seen, e| {
            for (field, t) in [(0u8, e.password_changed()), (1, e.modified)] {
                if let Some(t) = t {
                    let key = (e.source, field, t);
                    if wanted.contains(&key) {
                        *seen.entry(key).or_insert(0) += 1;
                    }
                }
            }
            seen
        })
        .reduce(FxHashMap::default, |mut a, b| {
            for (key, n) in b {
                *a.entry(key).or_insert(0) += n;
            }
            a
        })
}

fn date_source(ctx: &Context, i: usize, shared: &FxHashMap<(usize, u8, i64), usize>) -> DateSource {
    let e = ctx.entry(i);
    let bulk =
        |field: u8, t: i64| shared.get(&(e.source, field, t)).copied().unwrap_or(0) >= BULK_IMPORT;
    match (e.password_changed(), e.modified) {
        (Some(t), _) if !bulk(0, t) => DateSource::PasswordChanged(t),
        (Some(t), _) => DateSource::BulkImport(t),
        (None, Some(t)) if !bulk(1, t) => DateSource::ItemModified(t),
        (None, Some(t)) => DateSource::BulkImport(t),
        (None, None) => DateSource::None,
    }
}

/// A breach as its findings say it, computed once per breach rather than
/// once per account (a big site's breach names thousands of accounts).
struct Said<'l> {
    breach: &'l Breach,
    /// `2012-05-05`: when it happened (or was made public).
    when: String,
    cutoff: i64,
    leaked: bool,
    /// What the details say of it, shared by all its findings.
    facts: std::sync::Arc<BreachFacts>,
}

impl<'l> Said<'l> {
    fn new(breach: &'l Breach) -> Said<'l> {
        let leaked = breach.exposes_passwords();
        Said {
            breach,
            when: breach.date_text(),
            cutoff: breach.cutoff(),
            leaked,
            facts: std::sync::Arc::new(BreachFacts {
                added_date: breaches::day(breach.added),
                breach: breach.name.clone(),
                breach_date: breach.breach_date.map(|d| d.to_string()),
                data_classes: breach.data_classes.clone(),
                domain: breach.domain.clone(),
                passwords_exposed: leaked,
                stealer_log: breach.stealer_log,
                title: breach.title.clone(),
            }),
        }
    }

    /// Where the credentials came from, when not from the site.
    fn origin(&self) -> &'static str {
        if self.breach.stealer_log {
            " (a stealer-log collection: credentials taken from infected computers, not a breach of the site itself)"
        } else if self.breach.malware {
            " (collected by malware, not a breach of the site itself)"
        } else {
            ""
        }
    }
}

/// What one breach means for one account: severity and the sentence.
#[cfg(test)]
fn decide(breach: &Breach, date: DateSource, reused: bool) -> (Severity, String) {
    let mut text = String::new();
    let day = date.date().map(breaches::day).unwrap_or_default();
    let severity = decide_into(&Said::new(breach), date, &day, reused, &mut text);
    (severity, text)
}

/// [`decide`] for a breach said once, its sentence appended to `out`;
/// `day` is the date's day (`YYYY-MM-DD`, made once per account).
fn decide_into(b: &Said, date: DateSource, day: &str, reused: bool, out: &mut String) -> Severity {
    use std::fmt::Write;
    let (when, title) = (&b.when, &b.breach.title);
    // (writing to a String cannot fail)
    if !b.leaked {
        let _ = write!(
            out,
            "its data ({}) was in the {title} breach of {when}, but no passwords: expect phishing at this address.",
            b.breach.data_classes.join(", "),
        );
        return Severity::Info;
    }
    let severity = match date {
        DateSource::PasswordChanged(t) if t < b.cutoff => {
            let _ = write!(
                out,
                "the password was set on {}, before the {title} breach of {when}, which leaked passwords: change it.",
                day,
            );
            Severity::High
        }
        DateSource::PasswordChanged(_) => {
            let _ = write!(
                out,
                "the password was changed on {}, after the {title} breach of {when}: fine.",
                day,
            );
            return Severity::Info;
        }
        DateSource::ItemModified(t) if t < b.cutoff => {
            let _ = write!(
                out,
                "the item was last changed on {} (the item's date: the export records no password date), before the {title} breach of {when}, which leaked passwords: change it.",
                day,
            );
            Severity::High
        }
        DateSource::ItemModified(_) => {
            let _ = write!(
                out,
                "the {title} breach of {when} leaked passwords; the item changed on {} but the export does not say whether its password did: if you have not changed it since the breach, change it.",
                day
            );
            Severity::Medium
        }
        DateSource::BulkImport(_) => {
            let _ = write!(
                out,
                "the {title} breach of {when} leaked passwords; the export's date ({}) is shared by many items, so it is when they were imported, not when this password was set: if you have not changed it since the breach, change it.",
                day
            );
            Severity::Medium
        }
        DateSource::None => {
            let _ = write!(
                out,
                "the {title} breach of {when} leaked passwords, and this export records no date for the password: if you have not changed it since the breach, change it.",
            );
            Severity::Medium
        }
    };
    if reused {
        out.push_str(
            " The same password is used on other accounts (see the reuse finding): change it there too, attackers replay breached passwords everywhere.",
        );
        return Severity::Critical;
    }
    severity
}

pub fn run(ctx: &Context, facts: &Facts) -> Outcome {
    let settings = ctx.site_breach;
    let list = settings.list.clone().unwrap_or_else(BreachList::builtin);
    // Accounts on breached sites, then the dates their verdict needs. The
    // list is asked once per distinct registrable domain, and each breach
    // found is said once ([`Said`]); an account's domains are taken in
    // alphabetical order, each once.
    let index = ctx.sites();
    let mut said: Vec<Said> = Vec::new();
    // per domain id: its breaches, as a range of `said`
    let breached: Vec<(u32, u32)> = index
        .domains()
        .map(|d| {
            let start = said.len() as u32;
            said.extend(list.of_domain(d).map(Said::new));
            (start, said.len() as u32)
        })
        .collect();
    // (in parallel over the accounts, in their order)
    let matched: Vec<(usize, Vec<u32>)> = (0..ctx.accounts.len())
        .into_par_iter()
        .with_min_len(1024)
        .map_init(Vec::new, |mine: &mut Vec<(&str, u32)>, i| {
            mine.clear();
            mine.extend(
                index
                    .of(i)
                    .filter(|s| {
                        let (a, b) = breached[s.domain_id as usize];
                        a < b
                    })
                    .map(|s| (s.domain, s.domain_id)),
            );
            if mine.is_empty() {
                return None;
            }
            mine.sort_unstable();
            mine.dedup();
            let found: Vec<u32> = mine
                .iter()
                .flat_map(|&(_, d)| {
                    let (a, b) = breached[d as usize];
                    a..b
                })
                .collect();
            Some((i, found))
        })
        .flatten()
        .collect();
    let wanted: FxHashSet<(usize, u8, i64)> = matched
        .iter()
        .flat_map(|&(i, _)| {
            let e = ctx.entry(i);
            [
                e.password_changed().map(|t| (e.source, 0u8, t)),
                e.modified.map(|t| (e.source, 1u8, t)),
            ]
        })
        .flatten()
        .collect();
    let shared = shared_times(ctx, &wanted);
    // Each account's findings, in parallel, kept in account order. A
    // message is written in a reused buffer and then copied at its size.
    let findings: Vec<Draft> = matched
        .par_iter()
        .with_min_len(256)
        .map_init(String::new, |text, (i, found)| {
            let i = *i;
            let date = date_source(ctx, i, &shared);
            let password_date = date.date().map(breaches::day);
            // None when the reuse check did not run: said as null, never "not reused".
            let reused = facts.reused.get(i).copied().flatten();
            let day = password_date.as_deref().unwrap_or_default();
            let label = ctx.label(i);
            found
                .iter()
                .map(|&b| {
                    let b = &said[b as usize];
                    text.clear();
                    text.push_str(&label);
                    text.push_str(": ");
                    text.push_str(&b.breach.domain);
                    text.push_str(" was breached");
                    text.push_str(b.origin());
                    text.push_str(": ");
                    let severity = decide_into(b, date, day, reused == Some(true), text);
                    let mut d = Draft::new(
                        FindingKind::SiteBreach,
                        severity,
                        vec![i],
                        text.as_str().into(),
                    );
                    d.discriminator = b.breach.name.clone();
                    d.details = Some(Details::SiteBreach(SiteBreachDetails {
                        breach: b.facts.clone(),
                        date_source: date.name(),
                        password_date: password_date.clone(),
                        reused,
                    }));
                    d
                })
                .collect::<Vec<Draft>>()
        })
        .flatten_iter()
        .collect();
    Outcome {
        findings,
        data_sources: vec![data_source(&list, settings.origin.as_deref())],
        ..Outcome::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn breach(classes: &[&str]) -> Breach {
        Breach {
            name: "Ex".into(),
            title: "Example".into(),
            domain: "example.com".into(),
            breach_date: chrono::NaiveDate::from_ymd_opt(2020, 1, 2),
            added: 1_583_298_367, // 2020-03-04
            pwn_count: 1,
            data_classes: classes.iter().map(|c| c.to_string()).collect(),
            verified: true,
            stealer_log: false,
            malware: false,
        }
    }

    const BEFORE: i64 = 1_546_300_800; // 2019-01-01
    const AFTER: i64 = 1_609_459_200; // 2021-01-01
    const BETWEEN: i64 = 1_580_515_200; // 2020-02-01: after the breach, before it was public

    #[test]
    fn every_date_situation_has_its_severity() {
        let b = breach(&["Email addresses", "Passwords"]);
        let cases = [
            (
                DateSource::PasswordChanged(BEFORE),
                Severity::High,
                "set on 2019-01-01",
            ),
            (DateSource::PasswordChanged(AFTER), Severity::Info, "fine"),
            (DateSource::PasswordChanged(BETWEEN), Severity::Info, "fine"),
            (
                DateSource::ItemModified(BEFORE),
                Severity::High,
                "the item's date",
            ),
            (
                DateSource::ItemModified(AFTER),
                Severity::Medium,
                "does not say",
            ),
            (DateSource::BulkImport(BEFORE), Severity::Medium, "imported"),
            (DateSource::None, Severity::Medium, "records no date"),
        ];
        for (date, severity, says) in cases {
            let (got, text) = decide(&b, date, false);
            assert_eq!(got, severity, "{date:?}: {text}");
            assert!(text.contains(says), "{date:?}: {text}");
        }
    }

    #[test]
    fn reuse_makes_an_open_exposure_critical_but_not_a_changed_password() {
        let b = breach(&["Passwords"]);
        for date in [
            DateSource::PasswordChanged(BEFORE),
            DateSource::ItemModified(AFTER),
            DateSource::None,
        ] {
            let (s, text) = decide(&b, date, true);
            assert_eq!(s, Severity::Critical, "{date:?}");
            assert!(text.contains("other accounts"), "{text}");
        }
        assert_eq!(
            decide(&b, DateSource::PasswordChanged(AFTER), true).0,
            Severity::Info
        );
    }

    #[test]
    fn breaches_without_passwords_are_info_at_most() {
        let b = breach(&["Email addresses", "Phone numbers"]);
        for date in [DateSource::None, DateSource::PasswordChanged(BEFORE)] {
            let (s, text) = decide(&b, date, true);
            assert_eq!(s, Severity::Info);
            assert!(text.contains("no passwords"), "{text}");
        }
    }

    /// A breach list in the API's shape: `(name, domain, classes, flags)`
    /// with flags `f`abricated, `s`pam list, `r`etired, stealer `l`og,
    /// `m`alware.
    fn list(entries: &[(&str, &str, &[&str], &str)]) -> BreachList {
        let raw: Vec<serde_json::Value> = entries
            .iter()
            .map(|(name, domain, classes, flags)| {
                serde_json::json!({
                    "Name": name, "Title": name, "Domain": domain,
                    "BreachDate": "2020-01-02", "AddedDate": "2020-03-04T05:06:07Z",
                    "DataClasses": classes, "IsVerified": true,
                    "IsFabricated": flags.contains('f'), "IsSpamList": flags.contains('s'),
                    "IsRetired": flags.contains('r'), "IsStealerLog": flags.contains('l'),
                    "IsMalware": flags.contains('m'),
                })
            })
            .collect();
        BreachList::parse(&serde_json::to_vec(&raw).unwrap(), "t.json").unwrap()
    }

    fn login(title: &str, urls: &[&str], changed: Option<i64>) -> crate::model::Entry {
        let mut e = crate::model::Entry::new(crate::model::EntryKind::Login, 2);
        e.title = title.into();
        e.urls = urls.iter().map(|u| u.to_string()).collect();
        e.password = Some(crate::model::Secret::new(format!("{title}-Orbit-44&")));
        e.set_password_changed(changed);
        e
    }

    /// `(title, breach, severity, message)` of every finding.
    fn run_on(
        entries: Vec<crate::model::Entry>,
        list: BreachList,
    ) -> Vec<(String, String, Severity, String, serde_json::Value)> {
        let mut v = crate::model::Vault::default();
        v.sources.push(crate::model::Source {
            path: "ann.csv".into(),
            member: "ann".into(),
            format: "firefox",
            format_name: "Firefox",
            ..Default::default()
        });
        v.entries = entries;
        let accounts = v.account_indices();
        let settings = SiteBreachSettings {
            list: Some(std::sync::Arc::new(list)),
            origin: Some("t.json".into()),
        };
        let ctx = Context {
            site_breach: &settings,
            ..Context::for_tests(&v, &accounts)
        };
        let facts = Facts::new(accounts.len());
        run(&ctx, &facts)
            .findings
            .into_iter()
            .map(|d| {
                let details = d.details.unwrap().to_value();
                (
                    v.entries[accounts[d.accounts[0]]].title.clone(),
                    details["breach"].as_str().unwrap().to_owned(),
                    d.severity,
                    d.message,
                    details,
                )
            })
            .collect()
    }

    #[test]
    fn any_url_of_the_account_matches_by_registrable_domain() {
        let found = run_on(
            vec![
                // the breached site is the second URL, on a subdomain
                login(
                    "Shop",
                    &["http://intranet", "https://login.Example.co.uk/x"],
                    None,
                ),
                // same name under another registrable domain: no match
                login("Other", &["https://example.co.uk.evil.test/"], None),
                // an app facet has no host
                login("App", &["android://h@uk.co.example/"], None),
            ],
            list(&[("Ex", "www.example.co.uk", &["Passwords"], "")]),
        );
        let titles: Vec<&str> = found.iter().map(|f| f.0.as_str()).collect();
        assert_eq!(titles, ["Shop"], "{found:?}");
        assert_eq!(found[0].4["domain"], "example.co.uk");
    }

    #[test]
    fn fabricated_spam_and_retired_breaches_never_match_an_account() {
        let found = run_on(
            vec![login("Site", &["https://example.com"], None)],
            list(&[
                ("Fake", "example.com", &["Passwords"], "f"),
                ("Spam", "example.com", &["Passwords"], "s"),
                ("Old", "example.com", &["Passwords"], "r"),
                ("Real", "example.com", &["Passwords"], ""),
            ]),
        );
        let names: Vec<&str> = found.iter().map(|f| f.1.as_str()).collect();
        assert_eq!(names, ["Real"]);
    }

    #[test]
    fn stealer_logs_and_malware_are_said_as_such() {
        let found = run_on(
            vec![login("Site", &["https://example.com"], None)],
            list(&[
                ("Logs", "example.com", &["Passwords"], "l"),
                ("Bot", "example.com", &["Passwords"], "m"),
                ("Plain", "example.com", &["Passwords"], ""),
            ]),
        );
        let said = |name: &str| {
            let f = found.iter().find(|f| f.1 == name).unwrap();
            (f.3.clone(), f.4["stealer_log"].clone())
        };
        let (logs, flag) = said("Logs");
        assert!(logs.contains("a stealer-log collection"), "{logs}");
        assert!(logs.contains("not a breach of the site itself"), "{logs}");
        assert_eq!(flag, true);
        let (bot, _) = said("Bot");
        assert!(bot.contains("collected by malware"), "{bot}");
        let (plain, flag) = said("Plain");
        assert!(
            !plain.contains("not a breach of the site itself"),
            "{plain}"
        );
        assert_eq!(flag, false);
    }

    #[test]
    fn a_time_shared_by_bulk_import_many_items_is_not_a_password_date() {
        const SECOND: i64 = 1_500_000_000; // 2017-07-14, before the breach
        let breached = list(&[("Ex", "example.com", &["Passwords"], "")]);
        // BULK_IMPORT items share the second: an import
        let mut entries: Vec<_> = (0..BULK_IMPORT)
            .map(|n| login(&format!("Other {n}"), &["https://other.test"], Some(SECOND)))
            .collect();
        entries[0] = login("Site", &["https://example.com"], Some(SECOND));
        let found = run_on(entries.clone(), breached);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].4["date_source"], "bulk_import");
        assert_eq!(found[0].2, Severity::Medium);
        assert!(
            found[0].3.contains("when they were imported"),
            "{}",
            found[0].3
        );
        // one fewer: a real password date (high, set before the breach)
        entries.pop();
        let found = run_on(entries, list(&[("Ex", "example.com", &["Passwords"], "")]));
        assert_eq!(found[0].4["date_source"], "password_changed");
        assert_eq!(found[0].2, Severity::High);
    }
}
