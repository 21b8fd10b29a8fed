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

use std::sync::{LazyLock, OnceLock};

use regex::Regex;
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
///
/// The third item lists words of which every match of the pattern holds at
/// least one (its *hints*): a text holding none of them cannot match, so its
/// pattern is neither run nor compiled (`labels_match_the_full_set_exactly`
/// checks the hints against the patterns).
const LABELS: &[(&str, &str, &[&str])] = &[
    // English
    (
        r"backup[\s_-]*(?:verification[\s_-]*)?codes?",
        "backup codes",
        &["backup"],
    ),
    (r"recovery[\s_-]*codes?", "recovery codes", &["recovery"]),
    (r"recovery[\s_-]*keys?", "recovery key", &["recovery"]),
    (r"rescue[\s_-]*codes?", "rescue codes", &["rescue"]),
    (r"scratch[\s_-]*codes?", "scratch codes", &["scratch"]),
    (
        r"emergency[\s_-]*(?:access[\s_-]*)?codes?",
        "emergency codes",
        &["emergency"],
    ),
    (
        r"single[\s_-]*use[\s_-]*codes?",
        "single-use codes",
        &["single"],
    ),
    (
        r"one[\s_-]*time[\s_-]*(?:backup[\s_-]*|recovery[\s_-]*)?codes",
        "one-time codes",
        &["time"],
    ),
    (
        r"(?:2fa|mfa|two[\s_-]*factor|2[\s_-]*step|two[\s_-]*step)[\s_-]*codes",
        "2FA codes",
        &["codes"],
    ),
    // German
    (
        r"wiederherstellungs[\s_-]*(?:codes?|schlüssel)",
        "Wiederherstellungscodes",
        &["wiederherstellungs"],
    ),
    (
        r"sicherungs[\s_-]*codes?",
        "Sicherungscodes",
        &["sicherungs"],
    ),
    (r"notfall[\s_-]*codes?", "Notfallcodes", &["notfall"]),
    (r"ersatz[\s_-]*codes?", "Ersatzcodes", &["ersatz"]),
    // French
    (
        r"codes?[\s_-]+de[\s_-]+(?:secours|récupération|recuperation|sauvegarde|restauration)",
        "codes de secours",
        &["code"],
    ),
    (
        r"clés?[\s_-]+de[\s_-]+(?:récupération|secours)",
        "clé de récupération",
        &["clé"],
    ),
    // Spanish / Portuguese
    (
        r"c[óo]digos?[\s_-]+de[\s_-]+(?:recuperaci[óo]n|respaldo|copia[\s_-]+de[\s_-]+seguridad|emergencia|reserva|backup|recupera[çc][ãa]o)",
        "códigos de recuperación",
        &["digo"],
    ),
    (
        r"(?:clave|chave)[\s_-]+de[\s_-]+(?:recuperaci[óo]n|recupera[çc][ãa]o)",
        "clave de recuperación",
        &["recupera"],
    ),
    // Italian
    (
        r"codic[ei][\s_-]+di[\s_-]+(?:backup|recupero|emergenza|riserva)",
        "codici di backup",
        &["codic"],
    ),
    // Dutch
    (
        r"(?:back[\s_-]*up|herstel|reserve)[\s_-]*codes?",
        "herstelcodes",
        &["code"],
    ),
    (r"herstel[\s_-]*sleutel", "herstelsleutel", &["sleutel"]),
    // Nordic
    (
        r"(?:reserv|backup|återställnings|gjenopprettings|gendannelses)[\s_-]*ko(?:der|den|d)\b",
        "reservkoder",
        &["kod"],
    ),
    (
        r"(?:varmistus|palautus|vara)[\s_-]*koodi",
        "varmistuskoodit",
        &["koodi"],
    ),
    // Polish, Czech, Turkish
    (
        r"kod(?:y|ów)?[\s_-]+(?:zapasow\w*|odzyskiwania|awaryjn\w*)",
        "kody zapasowe",
        &["kod"],
    ),
    (
        r"(?:záložní|zalozni)[\s_-]+kódy|kódy[\s_-]+pro[\s_-]+obnovení",
        "záložní kódy",
        &["kódy"],
    ),
    (r"(?:yedek|kurtarma)[\s_-]+kod", "yedek kodlar", &["kod"]),
    // Russian, Ukrainian
    (
        r"резервн\w*[\s_-]+код|код\w*[\s_-]+(?:восстановлени|відновлення)|ключ\w*[\s_-]+восстановлени",
        "резервные коды",
        &["код", "ключ"],
    ),
    // Japanese, Chinese, Korean
    (
        r"バックアップ[\s_-]*コード|リカバリー?[\s_-]*コード|復旧[\s_-]*コード|予備[\s_-]*コード",
        "バックアップコード",
        &["コード"],
    ),
    (
        r"(?:备用|備用|备份|恢复|恢復|救援)[码碼]",
        "备用码",
        &["码", "碼"],
    ),
    (r"(?:백업|복구)[\s_-]*코드", "백업 코드", &["코드"]),
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

/// Words of which every match of [`OFFLINE`] holds at least one.
const OFFLINE_HINTS: &[&str] = &[
    "print",
    "paper",
    "papier",
    "papel",
    "written",
    "wrote",
    "notebook",
    "safe",
    "deposit",
    "drawer",
    "offline",
    "usb",
    "thumb",
    "ausgedruckt",
    "tresor",
    "imprim",
    "impres",
    "coffre",
    "caja",
];

/// Every hint of [`LABELS`] and [`OFFLINE_HINTS`] in one automaton: one pass
/// over a line tells which patterns can match it. Patterns are compiled one
/// by one, the first time a line could match them (most exports never need
/// most of them, and compiling them all cost a short audit most of its
/// start-up: BENCHMARKS.md, "Start-up").
struct Hints {
    automaton: aho_corasick::AhoCorasick,
    /// Per label, the bits of its hints.
    labels: Vec<u64>,
    /// The bits of any label hint.
    any_label: u64,
    /// The bits of [`OFFLINE_HINTS`].
    offline: u64,
}

static HINTS: LazyLock<Hints> = LazyLock::new(|| {
    let mut words: Vec<&str> = Vec::new();
    let mut bits = |hints: &[&'static str]| {
        hints.iter().fold(0u64, |acc, h| {
            let i = words.iter().position(|w| w == h).unwrap_or_else(|| {
                words.push(h);
                words.len() - 1
            });
            assert!(i < 64, "at most 64 distinct hints");
            acc | 1 << i
        })
    };
    let labels: Vec<u64> = LABELS.iter().map(|(_, _, hints)| bits(hints)).collect();
    let offline = bits(OFFLINE_HINTS);
    Hints {
        // A DFA searches a little faster but costs a short audit about
        // 2 M instructions more to build; lines are short.
        automaton: aho_corasick::AhoCorasick::builder()
            .kind(Some(aho_corasick::AhoCorasickKind::ContiguousNFA))
            .build(&words)
            .expect("built-in hints"),
        any_label: labels.iter().fold(0, |a, b| a | b),
        labels,
        offline,
    }
});

impl Hints {
    /// The bits of the hints found in `lower`.
    fn present(&self, lower: &str) -> u64 {
        self.automaton
            .find_overlapping_iter(lower)
            .fold(0, |acc, m| acc | 1 << m.pattern().as_usize())
    }
}

/// A built-in pattern, compiled on first use.
struct Pattern {
    source: &'static str,
    compiled: OnceLock<Regex>,
}

impl Pattern {
    const fn new(source: &'static str) -> Pattern {
        Pattern {
            source,
            compiled: OnceLock::new(),
        }
    }

    fn is_match(&self, text: &str) -> bool {
        self.get().is_match(text)
    }

    fn get(&self) -> &Regex {
        compiled(&self.compiled, self.source)
    }
}

fn compiled<'a>(cell: &'a OnceLock<Regex>, source: &str) -> &'a Regex {
    cell.get_or_init(|| Regex::new(source).expect("built-in pattern"))
}

/// The compiled [`LABELS`], each on first use.
static LABEL_PATTERNS: [OnceLock<Regex>; LABELS.len()] = [const { OnceLock::new() }; LABELS.len()];
static NEGATION_RE: Pattern = Pattern::new(NEGATION);
static OFFLINE_RE: Pattern = Pattern::new(OFFLINE);
static CODE_WORD_RE: Pattern = Pattern::new(CODE_WORD);
static NOT_CODES_LINE_RE: Pattern = Pattern::new(NOT_CODES_LINE);
static NOT_2FA_RE: Pattern = Pattern::new(NOT_2FA);
const IBAN: &str = r"\b[a-z]{2}\d{2}(?:[ ]?[a-z0-9]{4}){2,7}(?:[ ]?[a-z0-9]{1,3})?\b";
const PHONE: &str = r"(?:\+|\b00|\(|\b0)[\d\s().-]{6,}\d";
const CARD: &str = r"\b\d(?:[ -]?\d){12,18}\b";
static IBAN_RE: Pattern = Pattern::new(IBAN);
static PHONE_RE: Pattern = Pattern::new(PHONE);
static CARD_RE: Pattern = Pattern::new(CARD);

/// The canonical label found in `lower` (already lower-cased), if any:
/// the first of [`LABELS`] that matches. `present`: [`Hints::present`].
fn label_with(lower: &str, present: u64) -> Option<&'static str> {
    let hints = &*HINTS;
    if present & hints.any_label == 0 {
        return None;
    }
    (0..LABELS.len())
        .find(|&i| {
            hints.labels[i] & present != 0
                && compiled(&LABEL_PATTERNS[i], LABELS[i].0).is_match(lower)
        })
        .map(|i| LABELS[i].1)
}

/// The canonical label found in `text` (already lower-cased), if any.
fn label_in(lower: &str) -> Option<&'static str> {
    label_with(lower, HINTS.present(lower))
}

/// The canonical label found in `text`, if any (for titles and field names).
pub fn label(text: &str) -> Option<&'static str> {
    label_in(&text.to_lowercase())
}

/// True when `text` says the codes are not saved (`none`, `no`, `lost`...).
pub fn is_negation(text: &str) -> bool {
    let t = text.trim().to_lowercase();
    t == "-" || t == "n/a" || t == "na" || NEGATION_RE.is_match(&t)
}

/// Scans `text` for backup codes. `None` when it holds nothing of the kind.
pub fn scan(text: &str) -> Option<Found> {
    if text.trim().is_empty() {
        return None;
    }
    let lower = Zeroizing::new(text.to_lowercase());
    let groups = longest_block(&lower);

    let mut label = None;
    let mut negated = false;
    let mut offline_label = None;
    let mut offline_plain = false;
    for line in lower.lines() {
        let present = HINTS.present(line);
        let line_label = label_with(line, present);
        let offline = present & HINTS.offline != 0 && OFFLINE_RE.is_match(line);
        if line_label.is_none() && !offline {
            continue;
        }
        let line_negated = NEGATION_RE.is_match(line);
        if let Some(l) = line_label {
            label.get_or_insert(l);
            negated |= line_negated;
        }
        if !line_negated && offline && !NOT_2FA_RE.is_match(line) {
            match line_label {
                Some(l) => {
                    offline_label.get_or_insert(l);
                }
                None if CODE_WORD_RE.is_match(line) => offline_plain = true,
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
///
/// A pattern runs only on a line that has what its check needs (each one
/// counts ASCII digits: an IBAN has two and 15 or more letters and digits in
/// all, a card number 13 digits, a phone number 9), so most lines compile
/// and run none of them.
fn mask(line: &str) -> Zeroizing<String> {
    type Keep = fn(&str) -> bool;
    // Pattern, check, fewest ASCII digits and fewest ASCII letters and
    // digits a match that passes the check holds.
    let checks: [(&Pattern, Keep, usize, usize); 3] = [
        (&IBAN_RE, iban_valid, 2, 15),
        (&CARD_RE, luhn, 13, 13),
        (&PHONE_RE, phone_like, 9, 9),
    ];
    let mut out = Zeroizing::new(line.to_owned());
    for (re, keep, digits, alphanumerics) in checks {
        if out.bytes().filter(u8::is_ascii_digit).count() < digits
            || out.bytes().filter(u8::is_ascii_alphanumeric).count() < alphanumerics
        {
            continue;
        }
        let ranges: Vec<(usize, usize)> = re
            .get()
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

/// The tokens of a (masked) line that extend or break a run: list markers
/// and punctuation are dropped.
fn tokens(line: &str) -> impl Iterator<Item = &str> {
    line.split(|c: char| c.is_whitespace() || ",;|/".contains(c))
        .filter_map(|raw| {
            let token = raw.trim_matches(|c: char| "()[]{}<>\"'`.:!?".contains(c));
            (!is_neutral(raw) && !token.is_empty()).then_some(token)
        })
}

/// False when skipping the line would change nothing: it has tokens and none
/// is code-like, so it breaks any run either way.
fn skip_matters(masked: &str) -> bool {
    let mut any = false;
    for token in tokens(masked) {
        if shape(token).is_some() {
            return true;
        }
        any = true;
    }
    !any
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
    let mut best = 0;
    let mut run: Vec<&str> = Vec::new();
    let mut run_shape: Option<Shape> = None;
    let mut masked_lines = Vec::new();
    for line in lower.lines() {
        let masked = mask(line);
        let skip =
            skip_matters(&masked) && NOT_CODES_LINE_RE.is_match(line) && label_in(line).is_none();
        masked_lines.push((skip, masked));
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
        for token in tokens(line) {
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

    /// The detector as it was before its patterns were compiled one by one
    /// behind hints and digit counts: every pattern on every line. The
    /// detector must give the same answers on any text.
    mod reference {
        use super::super::*;
        use regex::RegexSet;

        struct Patterns {
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
            let re = |p: &str| Regex::new(p).unwrap();
            Patterns {
                labels: RegexSet::new(LABELS.iter().map(|(p, _, _)| *p)).unwrap(),
                negation: re(NEGATION),
                offline: re(OFFLINE),
                code_word: re(CODE_WORD),
                not_codes_line: re(NOT_CODES_LINE),
                not_2fa: re(NOT_2FA),
                iban: re(IBAN),
                phone: re(PHONE),
                card: re(CARD),
            }
        });

        fn label_in(lower: &str) -> Option<&'static str> {
            PATTERNS
                .labels
                .matches(lower)
                .iter()
                .next()
                .map(|i| LABELS[i].1)
        }

        pub fn label(text: &str) -> Option<&'static str> {
            label_in(&text.to_lowercase())
        }

        pub fn is_negation(text: &str) -> bool {
            let t = text.trim().to_lowercase();
            t == "-" || t == "n/a" || t == "na" || PATTERNS.negation.is_match(&t)
        }

        pub fn scan(text: &str) -> Option<Found> {
            if text.trim().is_empty() {
                return None;
            }
            let lower = text.to_lowercase();
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

        fn mask(line: &str) -> String {
            let p = &*PATTERNS;
            type Keep = fn(&str) -> bool;
            let checks: [(&Regex, Keep); 3] = [
                (&p.iban, iban_valid),
                (&p.card, luhn),
                (&p.phone, phone_like),
            ];
            let mut out = line.to_owned();
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

        pub fn longest_block(lower: &str) -> usize {
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

        pub fn has_code_like(text: &str) -> bool {
            let lower = text.to_lowercase();
            longest_block(&lower) >= 2
                || lower
                    .split(|c: char| c.is_whitespace() || ",;|".contains(c))
                    .filter_map(shape)
                    .any(|s| match s {
                        Shape::Group(n) => n >= 6,
                        Shape::Hyphenated(..) => true,
                    })
        }
    }

    /// Pieces of notes: every label's words, offline and negation words,
    /// code groups, phone, IBAN and card numbers, line labels, non-ASCII
    /// digits and letters, separators.
    const PIECES: &[&str] = &[
        "backup",
        "Back up",
        "recovery",
        "rescue",
        "scratch",
        "emergency",
        "access",
        "single",
        "use",
        "one",
        "time",
        "2FA",
        "mfa",
        "two factor",
        "2-step",
        "verification",
        "code",
        "codes",
        "key",
        "keys",
        "wiederherstellungs",
        "schlüssel",
        "Sicherungs",
        "notfall",
        "ersatz",
        "de",
        "secours",
        "récupération",
        "clé",
        "clés",
        "Códigos",
        "codigo",
        "recuperación",
        "recuperação",
        "clave",
        "chave",
        "codici",
        "di",
        "recupero",
        "herstel",
        "reserve",
        "sleutel",
        "reserv",
        "koder",
        "kod",
        "koodi",
        "varmistus",
        "kody",
        "zapasowe",
        "odzyskiwania",
        "záložní",
        "kódy",
        "pro",
        "obnovení",
        "yedek",
        "Резервные",
        "код",
        "коды",
        "восстановления",
        "ключ",
        "バックアップ",
        "コード",
        "备用",
        "码",
        "碼",
        "백업",
        "코드",
        "printed",
        "print out",
        "on paper",
        "written down",
        "notebook",
        "in the safe",
        "fire-safe",
        "safe deposit",
        "desk drawer",
        "kept offline",
        "usb stick",
        "ausgedruckt",
        "im tresor",
        "imprimés",
        "caja fuerte",
        "no",
        "not",
        "none",
        "lost",
        "todo",
        "not yet saved",
        "keine",
        "nicht",
        "sin",
        "n/a",
        "4821",
        "0937",
        "4821 0937",
        "1174 5520",
        "3f2a1-b9c4d",
        "7e6f0-a1b2c",
        "qf7k",
        "2mzp",
        "abcd-efgh",
        "48210937",
        "2019",
        "2024",
        "+44 20 7946 0958",
        "0151 4960 1234",
        "(030) 1234 5678",
        "DE89 3704 0044 0532 0130 00",
        "gb82west12345698765432",
        "4111 1111 1111 1111",
        "5500000000000004",
        "٣٤٥٦",
        "١٢٣٤ ٥٦٧٨",
        "1.",
        "2)",
        "•",
        "PIN",
        "phone",
        "iban",
        "totp",
        "secret",
        "card",
        "door",
        "alarm",
        "wifi",
        " ",
        " ",
        " ",
        " ",
        "\n",
        "\n",
        "-",
        "_",
        ":",
        ",",
        ".",
        "(",
        ")",
        "\t",
        "/",
        "é",
        "ü",
    ];

    fn agree(text: &str) {
        assert_eq!(scan(text), reference::scan(text), "scan {text:?}");
        assert_eq!(label(text), reference::label(text), "label {text:?}");
        assert_eq!(
            has_code_like(text),
            reference::has_code_like(text),
            "has_code_like {text:?}"
        );
        assert_eq!(
            is_negation(text),
            reference::is_negation(text),
            "is_negation {text:?}"
        );
    }

    #[test]
    fn labels_match_the_full_set_exactly() {
        // Every piece alone, every pair, and the texts of the tests above.
        for a in PIECES {
            agree(a);
            for b in PIECES {
                agree(&format!("{a}{b}"));
                agree(&format!("{a} {b}"));
            }
        }
        for text in [
            "Google backup codes (each works once):\n4821 0937\n1174 5520\n6630 2418\n9052 7713\n3368 1045",
            "Recovery codes: 3f2a1-b9c4d 7e6f0-a1b2c 55d1e-0c9fa 8b3c2-d4e5f 1a2b3-c4d5e\nSSH key name: laptop-2024",
            "1. 7d2k-9fq1\n2. 3mzp-8wx4\n3. b6tn-2hvc\n4. 5jsd-x3ly\n5. 7pqe-1rgu",
            "2FA backup code printed and kept in the fire safe at home.",
            "Mum 0151 4960 1234\nDad 0151 4960 5678",
            "PINs: 1234 5678 9012 3456 7890",
            "Flat 4B, 1200 Queen St, 4000 Brisbane QLD 4001",
            "FR76 3000 6000 0112 3456 7890 189",
            "TOTP secret: jbsw y3dp ehpk 3pxp krsx g5ct mvrx ezlu",
            "Резервные коды: в сейфе",
            "PIN code kept on paper in the safe",
        ] {
            agree(text);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
        #[test]
        fn detector_agrees_with_the_eager_reference(
            parts in proptest::collection::vec(proptest::sample::select(PIECES), 0..24)
        ) {
            agree(&parts.concat());
            agree(&parts.join(" "));
        }
    }

    #[test]
    fn checksums() {
        assert!(iban_valid("DE89 3704 0044 0532 0130 00"));
        assert!(!iban_valid("DE88 3704 0044 0532 0130 00"));
        assert!(luhn("4111111111111111"));
        assert!(!luhn("4111111111111112"));
    }
}
