//! Backup-code detector: does a piece of text (notes, a custom field) hold or
//! point at 2FA backup codes?
//!
//! Three kinds of evidence, strongest first:
//! - a **label** such as "backup codes", "recovery codes", "scratch codes",
//!   "Wiederherstellungscodes", "codes de secours", "códigos de recuperación"
//!   (about fifteen languages);
//! - a statement that the codes are **kept offline** ("codes are on paper in
//!   the safe", "printed, in the fire safe");
//! - an unlabelled **block of code-like tokens**: at least five groups of one
//!   shape, such as Google's `4821 0937`, GitHub's `3f2a1-b9c4d`, Dropbox's
//!   `qf7k 2mzp 9wxr`, or 8–16 digit groups.
//!
//! Strong negatives keep ordinary notes out: phone numbers, IBANs and card
//! numbers are masked before counting; lines labelled as a PIN, phone, address,
//! account number or TOTP secret are skipped; a list of years is not a block;
//! and a single code-like token (a customer number, a licence key) is never
//! enough. A label whose sentence says the codes are *not* saved ("no backup
//! codes yet", "lost the recovery codes") is reported as [`Found::Negated`].
//!
//! The detector only says *that* and *how* codes were found. It never returns
//! their text.

use std::sync::LazyLock;

use regex::{Regex, RegexSet};
use zeroize::Zeroizing;

/// What the detector found in a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    /// A code label (canonical name), optionally followed by code-like groups.
    Label {
        label: &'static str,
        with_codes: bool,
    },
    /// The text says the codes are kept offline (paper, a safe...).
    Offline { label: Option<&'static str> },
    /// An unlabelled block of this many code-like groups.
    Block { groups: usize },
    /// A label in a sentence saying the codes are not saved.
    Negated { label: &'static str },
}

impl Found {
    /// True when the text counts as "codes saved".
    pub fn is_saved(self) -> bool {
        !matches!(self, Found::Negated { .. })
    }

    /// Plain words for the report (never the codes).
    pub fn describe(self) -> String {
        match self {
            Found::Label {
                label,
                with_codes: true,
            } => format!("labelled '{label}', with the codes"),
            Found::Label {
                label,
                with_codes: false,
            } => format!("labelled '{label}'"),
            Found::Offline { label: Some(label) } => {
                format!("'{label}' stated as kept offline")
            }
            Found::Offline { label: None } => "codes stated as kept offline".to_owned(),
            Found::Block { .. } => "a block of code-like groups".to_owned(),
            Found::Negated { label } => format!("says the '{label}' are not saved"),
        }
    }
}

/// Labels, as regexes over lower-cased text, with the canonical name shown in
/// reports. Plural-only where the singular means something else (Enpass's
/// TOTP field is called "One-time code"; "2FA code" is usually the TOTP).
const LABELS: &[(&str, &str)] = &[
    // English
    (
        r"backup[\s_-]*(?:verification[\s_-]*)?codes?",
        "backup codes",
    ),
    (r"recovery[\s_-]*codes?", "recovery codes"),
    (r"recovery[\s_-]*keys?", "recovery key"),
    (r"rescue[\s_-]*codes?", "rescue codes"),
    (r"scratch[\s_-]*codes?", "scratch codes"),
    (
        r"emergency[\s_-]*(?:access[\s_-]*)?codes?",
        "emergency codes",
    ),
    (r"single[\s_-]*use[\s_-]*codes?", "single-use codes"),
    (
        r"one[\s_-]*time[\s_-]*(?:backup[\s_-]*|recovery[\s_-]*)?codes",
        "one-time codes",
    ),
    (
        r"(?:2fa|mfa|two[\s_-]*factor|2[\s_-]*step|two[\s_-]*step)[\s_-]*codes",
        "2FA codes",
    ),
    // German
    (
        r"wiederherstellungs[\s_-]*(?:codes?|schlüssel)",
        "Wiederherstellungscodes",
    ),
    (r"sicherungs[\s_-]*codes?", "Sicherungscodes"),
    (r"notfall[\s_-]*codes?", "Notfallcodes"),
    (r"ersatz[\s_-]*codes?", "Ersatzcodes"),
    // French
    (
        r"codes?[\s_-]+de[\s_-]+(?:secours|récupération|recuperation|sauvegarde|restauration)",
        "codes de secours",
    ),
    (
        r"clés?[\s_-]+de[\s_-]+(?:récupération|secours)",
        "clé de récupération",
    ),
    // Spanish / Portuguese
    (
        r"c[óo]digos?[\s_-]+de[\s_-]+(?:recuperaci[óo]n|respaldo|copia[\s_-]+de[\s_-]+seguridad|emergencia|reserva|backup|recupera[çc][ãa]o)",
        "códigos de recuperación",
    ),
    (
        r"(?:clave|chave)[\s_-]+de[\s_-]+(?:recuperaci[óo]n|recupera[çc][ãa]o)",
        "clave de recuperación",
    ),
    // Italian
    (
        r"codic[ei][\s_-]+di[\s_-]+(?:backup|recupero|emergenza|riserva)",
        "codici di backup",
    ),
    // Dutch
    (
        r"(?:back[\s_-]*up|herstel|reserve)[\s_-]*codes?",
        "herstelcodes",
    ),
    (r"herstel[\s_-]*sleutel", "herstelsleutel"),
    // Nordic
    (
        r"(?:reserv|backup|återställnings|gjenopprettings|gendannelses)[\s_-]*ko(?:der|den|d)\b",
        "reservkoder",
    ),
    (
        r"(?:varmistus|palautus|vara)[\s_-]*koodi",
        "varmistuskoodit",
    ),
    // Polish, Czech, Turkish
    (
        r"kod(?:y|ów)?[\s_-]+(?:zapasow\w*|odzyskiwania|awaryjn\w*)",
        "kody zapasowe",
    ),
    (
        r"(?:záložní|zalozni)[\s_-]+kódy|kódy[\s_-]+pro[\s_-]+obnovení",
        "záložní kódy",
    ),
    (r"(?:yedek|kurtarma)[\s_-]+kod", "yedek kodlar"),
    // Russian, Ukrainian
    (
        r"резервн\w*[\s_-]+код|код\w*[\s_-]+(?:восстановлени|відновлення)|ключ\w*[\s_-]+восстановлени",
        "резервные коды",
    ),
    // Japanese, Chinese, Korean
    (
        r"バックアップ[\s_-]*コード|リカバリー?[\s_-]*コード|復旧[\s_-]*コード|予備[\s_-]*コード",
        "バックアップコード",
    ),
    (r"(?:备用|備用|备份|恢复|恢復|救援)[码碼]", "备用码"),
    (r"(?:백업|복구)[\s_-]*코드", "백업 코드"),
];

/// A sentence saying the codes are not saved.
const NEGATION: &str = r"(?:^|[^\p{L}])(?:no|none|never|lost|missing|todo|to-do|need to|needs to|have not|haven'?t|did not|didn'?t|not (?:yet )?(?:saved|stored|kept|printed|downloaded|generated)|keine?|nicht|pas de|aucun|sin|falta[n]?)(?:$|[^\p{L}])";

/// Where offline codes are kept.
const OFFLINE: &str = r"printed|print[\s-]?out|on paper|paper (?:copy|notebook|list)|written down|wrote (?:them |it )?down|notebook|in (?:the|a|my|our) safe|fire[\s-]?safe|safe[\s-]deposit|deposit box|desk drawer|in (?:the|a|my) drawer|kept offline|stored offline|offline copy|usb (?:stick|drive|key)|thumb[\s-]?drive|ausgedruckt|auf papier|im tresor|imprimés?|sur papier|dans le coffre|impres[oa]s?|en papel|caja fuerte";

/// Words that make a line about codes in general (for offline statements).
const CODE_WORD: &str = r"\b(?:codes|2fa|mfa|two[\s-]factor|backup|recovery)\b";

/// Lines whose numbers are not backup codes.
const NOT_CODES_LINE: &str = r"\b(?:pins?|puk|pin[\s-]?code|phone|tel|telephone|mobile|cell|fax|handy|téléphone|teléfono|iban|bic|swift|sort[\s-]?code|routing|account[\s-]?(?:no|number|#)|acct|card|cvc|cvv|expiry|address|street|zip|postcode|postal|secret|seed|totp|otpauth|setup[\s-]?key|authenticator[\s-]?key|serial|licen[cs]e|product[\s-]?key|order|invoice|tracking|door|alarm|gate|wi-?fi|ssid|customer[\s-]?(?:no|number|id))\b";

/// Lines that mention an alarm/door/wifi code are not about 2FA backup codes.
const NOT_2FA: &str = r"\b(?:pins?|puk|door|alarm|gate|wi-?fi|locker|garage|bike lock)\b";

struct Patterns {
    /// All labels in one pass; a match's index gives its canonical name.
    labels: RegexSet,
    negation: Regex,
    offline: Regex,
    code_word: Regex,
    not_codes_line: Regex,
    not_2fa: Regex,
    iban: Regex,
    phone: Regex,
    card: Regex,
}

static PATTERNS: LazyLock<Patterns> = LazyLock::new(|| {
    let re = |p: &str| Regex::new(p).expect("built-in pattern");
    Patterns {
        labels: RegexSet::new(LABELS.iter().map(|(p, _)| *p)).expect("built-in labels"),
        negation: re(NEGATION),
        offline: re(OFFLINE),
        code_word: re(CODE_WORD),
        not_codes_line: re(NOT_CODES_LINE),
        not_2fa: re(NOT_2FA),
        iban: re(r"\b[a-z]{2}\d{2}(?:[ ]?[a-z0-9]{4}){2,7}(?:[ ]?[a-z0-9]{1,3})?\b"),
        phone: re(r"(?:\+|\b00|\(|\b0)[\d\s().-]{6,}\d"),
        card: re(r"\b\d(?:[ -]?\d){12,18}\b"),
    }
});

/// The canonical label found in `text` (already lower-cased), if any.
fn label_in(lower: &str) -> Option<&'static str> {
    PATTERNS
        .labels
        .matches(lower)
        .iter()
        .next()
        .map(|i| LABELS[i].1)
}

/// The canonical label found in `text`, if any (for titles and field names).
pub fn label(text: &str) -> Option<&'static str> {
    label_in(&text.to_lowercase())
}

/// True when `text` says the codes are not saved (`none`, `no`, `lost`...).
pub fn is_negation(text: &str) -> bool {
    let t = text.trim().to_lowercase();
    t == "-" || t == "n/a" || t == "na" || PATTERNS.negation.is_match(&t)
}

/// Scans `text` for backup codes. `None` when it holds nothing of the kind.
pub fn scan(text: &str) -> Option<Found> {
    if text.trim().is_empty() {
        return None;
    }
    let lower = Zeroizing::new(text.to_lowercase());
    let p = &*PATTERNS;
    let groups = longest_block(&lower);

    let mut label = None;
    let mut negated = false;
    let mut offline_label = None;
    let mut offline_plain = false;
    for line in lower.lines() {
        let line_label = label_in(line);
        let line_negated = p.negation.is_match(line);
        if let Some(l) = line_label {
            label.get_or_insert(l);
            negated |= line_negated;
        }
        if !line_negated && p.offline.is_match(line) && !p.not_2fa.is_match(line) {
            match line_label {
                Some(l) => {
                    offline_label.get_or_insert(l);
                }
                None if p.code_word.is_match(line) => offline_plain = true,
                None => {}
            }
        }
    }

    if let Some(l) = offline_label {
        return Some(Found::Offline { label: Some(l) });
    }
    if let Some(l) = label {
        // Codes next to the label win over a stray "no"/"not" in its sentence.
        if groups >= 3 {
            return Some(Found::Label {
                label: l,
                with_codes: true,
            });
        }
        if offline_plain {
            return Some(Found::Offline { label: Some(l) });
        }
        if negated {
            return Some(Found::Negated { label: l });
        }
        return Some(Found::Label {
            label: l,
            with_codes: false,
        });
    }
    if offline_plain {
        return Some(Found::Offline { label: None });
    }
    (groups >= MIN_BLOCK).then_some(Found::Block { groups })
}

/// The fewest code-like groups of one shape that make an unlabelled block.
pub const MIN_BLOCK: usize = 5;

/// The shape of a code-like token: groups of one shape form a block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// Digits, or letters and digits mixed, of this length (`4821`, `qf7k`).
    Group(usize),
    /// Hyphen-joined parts of these lengths (`3f2a1-b9c4d`: 5, 5).
    Hyphenated(usize, usize, usize),
}

fn is_code_char(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit()
}

/// The shape of `token` (lower-cased), or `None` for a word or anything else.
fn shape(token: &str) -> Option<Shape> {
    if token.contains('-') {
        let parts: Vec<&str> = token.split('-').collect();
        let ok = (2..=4).contains(&parts.len())
            && parts
                .iter()
                .all(|p| (3..=8).contains(&p.len()) && p.chars().all(is_code_char));
        if !ok {
            return None;
        }
        let has_digit = token.chars().any(|c| c.is_ascii_digit());
        let same_len = parts.iter().all(|p| p.len() == parts[0].len());
        return (has_digit || same_len).then_some(Shape::Hyphenated(
            parts.len(),
            parts[0].len(),
            parts[parts.len() - 1].len(),
        ));
    }
    if !token.chars().all(is_code_char) {
        return None;
    }
    let digits = token.chars().filter(|c| c.is_ascii_digit()).count();
    let len = token.len();
    if digits == len {
        return (4..=16).contains(&len).then_some(Shape::Group(len));
    }
    (digits > 0 && (4..=16).contains(&len)).then_some(Shape::Group(len))
}

/// Digit count of a match, for phone numbers.
fn digit_count(s: &str) -> usize {
    s.chars().filter(|c| c.is_ascii_digit()).count()
}

/// Luhn checksum (payment card numbers).
fn luhn(digits: &str) -> bool {
    let ds: Vec<u32> = digits.chars().filter_map(|c| c.to_digit(10)).collect();
    if ds.len() < 13 {
        return false;
    }
    let sum: u32 = ds
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            if i % 2 == 1 {
                let x = d * 2;
                if x > 9 { x - 9 } else { x }
            } else {
                d
            }
        })
        .sum();
    sum % 10 == 0
}

/// IBAN checksum (ISO 13616 mod 97).
fn iban_valid(candidate: &str) -> bool {
    let s: String = candidate
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase();
    if s.len() < 15 || s.len() > 34 {
        return false;
    }
    let rearranged = format!("{}{}", &s[4..], &s[..4]);
    let mut rem: u64 = 0;
    for c in rearranged.chars() {
        let v = match c {
            '0'..='9' => c as u64 - '0' as u64,
            'A'..='Z' => c as u64 - 'A' as u64 + 10,
            _ => return false,
        };
        rem = if v >= 10 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    rem == 1
}

/// A phone number: 9–15 digits, starting with `+`, `(` or `00`, or with
/// groups of different lengths (`0151 496 0123`). Runs of equal 4-digit
/// groups are left alone: that is how Google prints its codes.
fn phone_like(m: &str) -> bool {
    if !(9..=15).contains(&digit_count(m)) {
        return false;
    }
    let t = m.trim_start();
    if t.starts_with(['+', '(']) || t.starts_with("00") {
        return true;
    }
    let lens: Vec<usize> = m
        .split(|c: char| !c.is_ascii_digit())
        .filter(|g| !g.is_empty())
        .map(str::len)
        .collect();
    !lens.iter().all(|&l| l == lens[0])
}

/// True when the match at `start..end` of `line` is not part of a longer
/// run of digits (so a card-number-shaped slice of a code block stays).
fn isolated(line: &str, start: usize, end: usize) -> bool {
    let before = line[..start].trim_end().chars().next_back();
    let after = line[end..].trim_start().chars().next();
    !before.is_some_and(|c| c.is_ascii_digit()) && !after.is_some_and(|c| c.is_ascii_digit())
}

/// Replaces IBANs, payment card numbers and phone numbers in `line` with a
/// separator that breaks any run.
fn mask(line: &str) -> Zeroizing<String> {
    let p = &*PATTERNS;
    type Keep = fn(&str) -> bool;
    let checks: [(&Regex, Keep); 3] = [
        (&p.iban, iban_valid),
        (&p.card, luhn),
        (&p.phone, phone_like),
    ];
    let mut out = Zeroizing::new(line.to_owned());
    for (re, keep) in checks {
        let ranges: Vec<(usize, usize)> = re
            .find_iter(&out)
            .filter(|m| keep(m.as_str()) && isolated(&out, m.start(), m.end()))
            .map(|m| (m.start(), m.end()))
            .collect();
        for (start, end) in ranges.into_iter().rev() {
            out.replace_range(start..end, " \u{1} ");
        }
    }
    out
}

/// True for list markers and punctuation that neither extend nor break a run
/// (`1.`, `2)`, `-`, `•`, `:`).
fn is_neutral(token: &str) -> bool {
    if token.is_empty() || token.chars().all(|c| "-*•·:–—#".contains(c)) {
        return true;
    }
    let Some(number) = token.strip_suffix(['.', ')']) else {
        return false;
    };
    (1..=2).contains(&number.len()) && number.chars().all(|c| c.is_ascii_digit())
}

/// A year-like group (1900–2099): a run of nothing but years is a list of dates.
fn is_year(token: &str) -> bool {
    token.len() == 4
        && token.chars().all(|c| c.is_ascii_digit())
        && (token.starts_with("19") || token.starts_with("20"))
}

/// The longest run of same-shaped code-like groups in `lower` (across lines;
/// lines about PINs, phones, accounts or TOTP secrets break runs).
fn longest_block(lower: &str) -> usize {
    let p = &*PATTERNS;
    let mut best = 0;
    let mut run: Vec<&str> = Vec::new();
    let mut run_shape: Option<Shape> = None;
    let mut masked_lines = Vec::new();
    for line in lower.lines() {
        let skip = p.not_codes_line.is_match(line) && label_in(line).is_none();
        masked_lines.push((skip, mask(line)));
    }
    let finish = |run: &mut Vec<&str>, best: &mut usize| {
        if !run.iter().all(|t| is_year(t)) {
            *best = (*best).max(run.len());
        }
        run.clear();
    };
    for (skip, line) in &masked_lines {
        if *skip {
            finish(&mut run, &mut best);
            run_shape = None;
            continue;
        }
        for raw in line.split(|c: char| c.is_whitespace() || ",;|/".contains(c)) {
            let token = raw.trim_matches(|c: char| "()[]{}<>\"'`.:!?".contains(c));
            if is_neutral(raw) || token.is_empty() {
                continue;
            }
            match shape(token) {
                Some(s) if Some(s) == run_shape => run.push(token),
                Some(s) => {
                    finish(&mut run, &mut best);
                    run_shape = Some(s);
                    run.push(token);
                }
                None => {
                    finish(&mut run, &mut best);
                    run_shape = None;
                }
            }
        }
    }
    finish(&mut run, &mut best);
    best
}

/// True when `text` holds anything code-like (a run of two or more groups, or
/// one long group): used to avoid echoing user text that may be a secret.
pub fn has_code_like(text: &str) -> bool {
    let lower = Zeroizing::new(text.to_lowercase());
    longest_block(&lower) >= 2
        || lower
            .split(|c: char| c.is_whitespace() || ",;|".contains(c))
            .filter_map(shape)
            .any(|s| match s {
                Shape::Group(n) => n >= 6,
                Shape::Hyphenated(..) => true,
            })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn saved(text: &str) -> bool {
        scan(text).is_some_and(Found::is_saved)
    }

    // ---- positives ------------------------------------------------------------

    #[test]
    fn google_eight_digit_groups_with_label() {
        let t = "Google backup codes (each works once):\n4821 0937\n1174 5520\n6630 2418\n9052 7713\n3368 1045";
        assert_eq!(
            scan(t),
            Some(Found::Label {
                label: "backup codes",
                with_codes: true
            })
        );
    }

    #[test]
    fn google_groups_without_label_are_a_block() {
        let t = "4821 0937\n1174 5520\n6630 2418\n9052 7713\n3368 1045";
        assert_eq!(scan(t), Some(Found::Block { groups: 10 }));
        assert_eq!(
            scan("48210937 11745520 66302418 90527713 33681045"),
            Some(Found::Block { groups: 5 })
        );
    }

    #[test]
    fn github_hyphenated_codes() {
        let t = "3f2a1-b9c4d 7e6f0-a1b2c 55d1e-0c9fa 8b3c2-d4e5f 1a2b3-c4d5e";
        assert_eq!(scan(t), Some(Found::Block { groups: 5 }));
        let labelled = format!("Recovery codes: {t}\nSSH key name: laptop-2024");
        assert_eq!(
            scan(&labelled),
            Some(Found::Label {
                label: "recovery codes",
                with_codes: true
            })
        );
    }

    #[test]
    fn letter_digit_groups_and_letter_pairs() {
        assert!(saved("qf7k 2mzp 9wxr\nb8tn 4hvc 6jsd"));
        assert_eq!(
            scan("abcd-efgh ijkl-mnop qrst-uvwx yzab-cdef ghij-klmn"),
            Some(Found::Block { groups: 5 })
        );
    }

    #[test]
    fn numbered_list_of_codes() {
        let t = "1. 7d2k-9fq1\n2. 3mzp-8wx4\n3. b6tn-2hvc\n4. 5jsd-x3ly\n5. 7pqe-1rgu";
        assert_eq!(scan(t), Some(Found::Block { groups: 5 }));
    }

    #[test]
    fn labels_in_several_languages() {
        for (text, label) in [
            (
                "Wiederherstellungscodes: 1043 8827 5519 2260 9934",
                "Wiederherstellungscodes",
            ),
            (
                "Codes de secours : 1043 8827 5519 2260 9934 7781 3306 6652",
                "codes de secours",
            ),
            (
                "Códigos de recuperación:\n1043-8827\n5519-2260",
                "códigos de recuperación",
            ),
            ("Codici di backup: vedi sotto", "codici di backup"),
            ("Резервные коды: в сейфе", "резервные коды"),
            ("バックアップコード 12345678", "バックアップコード"),
            ("备用码 8827 5519", "备用码"),
            ("Herstelcodes bewaard", "herstelcodes"),
            ("Scratch codes", "scratch codes"),
            ("Single-use codes", "single-use codes"),
        ] {
            match scan(text) {
                Some(Found::Label { label: l, .. }) | Some(Found::Offline { label: Some(l) }) => {
                    assert_eq!(l, label, "{text}")
                }
                other => panic!("{text}: {other:?}"),
            }
        }
    }

    #[test]
    fn stated_offline() {
        assert_eq!(
            scan("2FA backup code printed and kept in the fire safe at home."),
            Some(Found::Offline {
                label: Some("backup codes")
            })
        );
        assert_eq!(
            scan("Recovery codes are in the paper notebook in the desk drawer."),
            Some(Found::Offline {
                label: Some("recovery codes")
            })
        );
        assert_eq!(
            scan("codes are on paper in the safe"),
            Some(Found::Offline { label: None })
        );
    }

    #[test]
    fn negated_labels() {
        assert_eq!(
            scan("No backup codes saved yet"),
            Some(Found::Negated {
                label: "backup codes"
            })
        );
        assert_eq!(
            scan("TODO: download the recovery codes"),
            Some(Found::Negated {
                label: "recovery codes"
            })
        );
        // codes right next to the label win over a stray "not"
        assert!(saved(
            "Backup codes (not used yet): 4821 0937 1174 5520 6630 2418"
        ));
        assert!(is_negation("none"));
        assert!(is_negation(" n/a "));
        assert!(!is_negation("3f2a1-b9c4d"));
    }

    // ---- negatives ------------------------------------------------------------

    #[test]
    fn phone_numbers_are_not_codes() {
        assert_eq!(scan("Call +44 20 7946 0958 or 0151 4960 1234"), None);
        assert_eq!(scan("Mum 0151 4960 1234\nDad 0151 4960 5678"), None);
        assert_eq!(scan("Phone: 555 0134 2231 8876 9912"), None);
    }

    #[test]
    fn addresses_are_not_codes() {
        assert_eq!(
            scan("221B Baker Street\nLondon NW1 6XE\nUnited Kingdom"),
            None
        );
        assert_eq!(scan("Flat 4B, 1200 Queen St, 4000 Brisbane QLD 4001"), None);
    }

    #[test]
    fn pins_are_not_codes() {
        assert_eq!(scan("PIN: 4821"), None);
        assert_eq!(scan("PINs: 1234 5678 9012 3456 7890"), None);
        assert_eq!(scan("Door code 4821, alarm 0937"), None);
    }

    #[test]
    fn dates_are_not_codes() {
        assert_eq!(scan("Opened 2019-03-14, renewed 2024-05-01"), None);
        assert_eq!(scan("Tax returns filed 2019 2020 2021 2022 2023"), None);
        assert_eq!(scan("Member since January,31,2001"), None);
        assert_eq!(scan("14.03.2019 01/05/2024 2024-05-01"), None);
    }

    #[test]
    fn a_single_code_is_not_backup_codes() {
        assert_eq!(scan("Customer number 00417-2291"), None);
        assert_eq!(scan("ABCD-EFGH-IJKL-MNOP"), None);
        assert_eq!(scan("Membership 48210937"), None);
        assert_eq!(scan("4821 0937 1174 5520"), None);
    }

    #[test]
    fn ibans_and_cards_are_not_codes() {
        assert_eq!(scan("DE89 3704 0044 0532 0130 00"), None);
        assert_eq!(scan("FR76 3000 6000 0112 3456 7890 189"), None);
        assert_eq!(scan("GB82WEST12345698765432"), None);
        assert_eq!(scan("4111 1111 1111 1111\n5500 0000 0000 0004"), None);
    }

    #[test]
    fn totp_secrets_and_prose_are_not_codes() {
        assert_eq!(
            scan("TOTP secret: jbsw y3dp ehpk 3pxp krsx g5ct mvrx ezlu"),
            None
        );
        assert_eq!(
            scan("otpauth://totp/X:me?secret=GEZDGNBVGY3TQOJQ&issuer=X"),
            None
        );
        assert_eq!(
            scan("Shared family account, the long-term plan is well-known"),
            None
        );
        assert_eq!(scan(""), None);
        assert_eq!(scan("PIN code kept on paper in the safe"), None);
    }

    #[test]
    fn code_like_text_is_recognised() {
        assert!(has_code_like("3f2a1-b9c4d"));
        assert!(has_code_like("4821 0937"));
        assert!(!has_code_like("printed, in the fire safe"));
        assert!(!has_code_like("bank safe deposit box, 2024"));
    }

    #[test]
    fn checksums() {
        assert!(iban_valid("DE89 3704 0044 0532 0130 00"));
        assert!(!iban_valid("DE88 3704 0044 0532 0130 00"));
        assert!(luhn("4111111111111111"));
        assert!(!luhn("4111111111111112"));
    }
}
