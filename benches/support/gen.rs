//! Seedable generator of realistic password-manager vaults, for the benches
//! (`benches/*.rs` include it as a module) and for the comparison script
//! (through `examples/vaultlint-gen.rs`, which writes a Bitwarden CSV).
//!
//! It lives outside the library on purpose: it is test equipment, not part of
//! what vaultlint ships. It uses only `rand` and `csv`, which are already
//! dependencies. The same seed always gives the same vault.
//!
//! Mix of a realistic vault (per entry):
//! - 55 % manager-generated: 12–24 random characters (full printable ASCII,
//!   letters and digits, or letters, digits and a few symbols), sometimes a
//!   fixed 16, 20 or 32;
//! - 8 % passphrases (3–4 words, a separator, a digit);
//! - 25 % human: a common word (sometimes two), capitalised or not, with a
//!   year or a number, and a symbol, in the usual places;
//! - 9 % a tweak of an earlier human password (case, look-alikes, year or
//!   number changed, digits or a symbol added, keyboard typo, swapped
//!   characters, reversal): these pairs are recorded as planted truth;
//! - 3 % exact reuse of an earlier password.
//!
//! [`Mix::SharedWords`] is the same with what people who reuse do: 35 %
//! manager-generated, 5 % passphrases, 35 % human and 22 % tweaks of an
//! earlier human password, so about 57 % of the passwords are built from the
//! same few hundred words ([`WORDS`]), years and symbols, as when a family
//! makes its passwords from a few shared words. Benches use it so that the
//! numbers are not flattered by random passwords.

#![allow(dead_code)]

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// One generated login.
#[derive(Debug, Clone)]
pub struct Row {
    pub title: String,
    pub url: String,
    pub username: String,
    pub password: String,
}

/// A planted near-reuse pair: row indices (0-based) and the tweak applied.
#[derive(Debug, Clone)]
pub struct Planted {
    pub a: usize,
    pub b: usize,
    pub tweak: &'static str,
}

#[derive(Debug, Default)]
pub struct Generated {
    pub rows: Vec<Row>,
    pub planted: Vec<Planted>,
}

/// What passwords to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mix {
    /// Manager-generated, human, tweaked and reused passwords (see the module doc).
    Realistic,
    /// Only random 12–24 character passwords over printable ASCII (precision runs).
    RandomOnly,
    /// Most passwords built from the shared words, years and symbols (see
    /// the module doc).
    SharedWords,
}

pub const WORDS: &[&str] = &[
    "summer",
    "winter",
    "autumn",
    "spring",
    "monkey",
    "dragon",
    "falcon",
    "tiger",
    "eagle",
    "shadow",
    "master",
    "sunshine",
    "princess",
    "football",
    "baseball",
    "soccer",
    "hockey",
    "jordan",
    "michael",
    "jennifer",
    "jessica",
    "ashley",
    "thomas",
    "charlie",
    "daniel",
    "matthew",
    "andrew",
    "joshua",
    "robert",
    "william",
    "george",
    "harley",
    "hunter",
    "ranger",
    "buster",
    "ginger",
    "pepper",
    "cookie",
    "cheese",
    "banana",
    "orange",
    "purple",
    "yellow",
    "silver",
    "golden",
    "diamond",
    "crystal",
    "rainbow",
    "flower",
    "garden",
    "forest",
    "river",
    "ocean",
    "island",
    "mountain",
    "valley",
    "desert",
    "thunder",
    "lightning",
    "storm",
    "blizzard",
    "phoenix",
    "wizard",
    "knight",
    "castle",
    "kingdom",
    "legend",
    "mystery",
    "secret",
    "freedom",
    "liberty",
    "justice",
    "victory",
    "warrior",
    "soldier",
    "captain",
    "pirate",
    "ninja",
    "samurai",
    "viking",
    "spartan",
    "trojan",
    "galaxy",
    "planet",
    "rocket",
    "comet",
    "meteor",
    "nebula",
    "cosmos",
    "matrix",
    "cyber",
    "pixel",
    "gamer",
    "player",
    "winner",
    "champion",
    "trophy",
    "ferrari",
    "porsche",
    "mustang",
    "camaro",
    "corvette",
    "harvest",
    "library",
    "pumpkin",
    "chocolate",
    "vanilla",
    "coffee",
    "whiskey",
    "guitar",
    "piano",
    "violin",
    "trumpet",
    "music",
    "dancer",
    "singer",
    "artist",
    "painter",
    "writer",
    "reader",
    "teacher",
    "doctor",
    "nurse",
    "angel",
    "heaven",
    "paradise",
    "welcome",
    "hello",
    "letmein",
    "password",
    "qwerty",
    "trustno",
    "iloveyou",
    "babygirl",
    "lovely",
    "sweetie",
    "honey",
    "sugar",
    "butterfly",
    "ladybug",
    "kitten",
    "puppy",
    "doggie",
    "bunny",
    "turtle",
    "dolphin",
    "penguin",
    "panther",
    "jaguar",
    "leopard",
    "cheetah",
    "gorilla",
    "raccoon",
    "squirrel",
    "rabbit",
    "hamster",
    "parrot",
    "canary",
    "sparrow",
    "robin",
    "raven",
    "falcons",
    "lakers",
    "yankees",
    "cowboys",
    "steelers",
    "packers",
    "broncos",
    "chelsea",
    "arsenal",
    "liverpool",
    "barcelona",
    "madrid",
    "london",
    "paris",
    "berlin",
    "tokyo",
    "sydney",
    "toronto",
    "chicago",
    "boston",
    "dallas",
    "denver",
    "austin",
    "phoenixaz",
    "seattle",
    "portland",
    "atlanta",
    "miami",
    "orlando",
    "vegas",
    "hawaii",
    "alaska",
    "texas",
    "florida",
    "georgia",
    "carolina",
    "virginia",
    "montana",
    "dakota",
    "nevada",
    "arizona",
    "oregon",
];

const SYMBOLS: &[char] = &['!', '@', '#', '$', '%', '&', '*', '?', '.', '_'];

fn random_password(rng: &mut StdRng) -> String {
    let len = match rng.gen_range(0..10) {
        0 => 16,
        1 => 20,
        2 => 32,
        _ => rng.gen_range(12..=24),
    };
    let charset = rng.gen_range(0..3);
    random_chars(rng, len, charset)
}

/// `len` random characters: 0 = printable ASCII, 1 = letters and digits,
/// 2 = letters, digits and a few symbols.
fn random_chars(rng: &mut StdRng, len: usize, charset: u8) -> String {
    const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    const SOME: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!@#$%^&*";
    (0..len)
        .map(|_| match charset {
            0 => rng.gen_range(33u8..127) as char,
            1 => ALNUM[rng.gen_range(0..ALNUM.len())] as char,
            _ => SOME[rng.gen_range(0..SOME.len())] as char,
        })
        .collect()
}

fn capitalise(w: &str) -> String {
    let mut c = w.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn word(rng: &mut StdRng) -> &'static str {
    WORDS[rng.gen_range(0..WORDS.len())]
}

fn passphrase(rng: &mut StdRng) -> String {
    let sep = ["-", ".", "_", " "][rng.gen_range(0..4)];
    let n = rng.gen_range(3..=4);
    let mut words: Vec<String> = (0..n)
        .map(|_| {
            let w = word(rng);
            if rng.gen_bool(0.4) {
                capitalise(w)
            } else {
                w.to_owned()
            }
        })
        .collect();
    words.push(rng.gen_range(0..100).to_string());
    words.join(sep)
}

fn human(rng: &mut StdRng) -> String {
    let mut base = word(rng).to_owned();
    if rng.gen_bool(0.2) {
        base.push_str(&capitalise(word(rng)));
    }
    match rng.gen_range(0..10) {
        0..=4 => base = capitalise(&base),
        5 => base = base.to_uppercase(),
        _ => {}
    }
    let number = match rng.gen_range(0..10) {
        0..=3 => rng.gen_range(1970..=2026).to_string(),
        4..=6 => rng.gen_range(0..1000).to_string(),
        7 => format!("{:02}", rng.gen_range(0..100)),
        _ => String::new(),
    };
    let symbol = if rng.gen_bool(0.45) {
        SYMBOLS[rng.gen_range(0..SYMBOLS.len())].to_string()
    } else {
        String::new()
    };
    match rng.gen_range(0..10) {
        0 => format!("{symbol}{base}{number}"),
        1 => format!("{number}{base}{symbol}"),
        _ => format!("{base}{number}{symbol}"),
    }
}

fn leet(c: char) -> Option<char> {
    Some(match c.to_ascii_lowercase() {
        'a' => '@',
        'e' => '3',
        'i' => '1',
        'o' => '0',
        's' => '$',
        't' => '7',
        _ => return None,
    })
}

const KEY_ROWS: [&str; 3] = ["qwertyuiop", "asdfghjkl", "zxcvbnm"];

fn neighbour_key(rng: &mut StdRng, c: char) -> Option<char> {
    let lower = c.to_ascii_lowercase();
    for row in KEY_ROWS {
        if let Some(i) = row.find(lower) {
            let row: Vec<char> = row.chars().collect();
            let j = if i == 0 || (i + 1 < row.len() && rng.gen_bool(0.5)) {
                i + 1
            } else {
                i - 1
            };
            return Some(row[j]);
        }
    }
    None
}

/// A cheap tweak of `p`, and its name; `None` when the tweak does not apply.
fn tweak(rng: &mut StdRng, p: &str) -> Option<(String, &'static str)> {
    let chars: Vec<char> = p.chars().collect();
    let digits_at = |chars: &[char]| -> Option<(usize, usize)> {
        let end = chars.iter().rposition(|c| c.is_ascii_digit())? + 1;
        let start = chars[..end]
            .iter()
            .rposition(|c| !c.is_ascii_digit())
            .map_or(0, |i| i + 1);
        Some((start, end))
    };
    let out = match rng.gen_range(0..9) {
        0 => {
            let i = chars.iter().position(|c| c.is_alphabetic())?;
            let mut v = chars.clone();
            v[i] = if v[i].is_uppercase() {
                v[i].to_ascii_lowercase()
            } else {
                v[i].to_ascii_uppercase()
            };
            (v.into_iter().collect(), "case")
        }
        1 => {
            let mut v = chars.clone();
            let mut changed = false;
            for c in v.iter_mut() {
                match leet(*c) {
                    Some(l) if rng.gen_bool(0.6) => {
                        *c = l;
                        changed = true;
                    }
                    _ => {}
                }
            }
            if !changed {
                return None;
            }
            (v.into_iter().collect(), "look_alike")
        }
        2 => {
            let (s, e) = digits_at(&chars)?;
            let n: u64 = chars[s..e].iter().collect::<String>().parse().ok()?;
            let next = (n + rng.gen_range(1..=3)).to_string();
            let mut v: Vec<char> = chars[..s].to_vec();
            v.extend(next.chars());
            v.extend(&chars[e..]);
            (v.into_iter().collect(), "number_changed")
        }
        3 => (format!("{p}{}", rng.gen_range(0..10)), "digit_added"),
        4 => (
            format!("{p}{}", SYMBOLS[rng.gen_range(0..SYMBOLS.len())]),
            "symbol_added",
        ),
        5 => {
            let i = rng.gen_range(0..chars.len());
            let k = neighbour_key(rng, chars[i])?;
            let mut v = chars.clone();
            v[i] = k;
            (v.into_iter().collect(), "keyboard_typo")
        }
        6 => {
            if chars.len() < 3 {
                return None;
            }
            let i = rng.gen_range(0..chars.len() - 1);
            let mut v = chars.clone();
            v.swap(i, i + 1);
            (v.into_iter().collect(), "transposition")
        }
        7 => (chars.iter().rev().collect(), "reversed"),
        _ => (format!("{}{p}", rng.gen_range(0..100)), "digits_prefixed"),
    };
    (out.0 != p).then_some(out)
}

const BRANDS: &[&str] = &[
    "mail",
    "shop",
    "bank",
    "forum",
    "cloud",
    "games",
    "news",
    "social",
    "photos",
    "music",
    "video",
    "travel",
    "books",
    "health",
    "jobs",
    "school",
    "energy",
    "phone",
    "insurance",
];

/// Generates `n` logins from `seed`.
pub fn generate(n: usize, seed: u64, mix: Mix) -> Generated {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut out = Generated::default();
    let mut humans: Vec<usize> = Vec::new();
    for i in 0..n {
        let brand = BRANDS[rng.gen_range(0..BRANDS.len())];
        let host = format!("{brand}{i}.example.com");
        let user = format!("{}{}", word(&mut rng), rng.gen_range(1..1000));
        let username = if rng.gen_bool(0.5) {
            format!("{user}@example.org")
        } else {
            user
        };
        let roll = rng.gen_range(0..100);
        // Where the shared-words mix falls in the realistic mix's ranges.
        let roll = match (mix, roll) {
            (Mix::SharedWords, 0..=34) => 0,
            (Mix::SharedWords, 35..=39) => 55,
            (Mix::SharedWords, 40..=74) => 63,
            (Mix::SharedWords, 75..=96) => 88,
            (Mix::SharedWords, _) => 97,
            (_, r) => r,
        };
        let password = match (mix, roll) {
            (Mix::RandomOnly, _) => {
                let len = rng.gen_range(12..=24);
                random_chars(&mut rng, len, 0)
            }
            (_, 0..=54) => random_password(&mut rng),
            (_, 55..=62) => passphrase(&mut rng),
            (_, 63..=87) => {
                humans.push(i);
                human(&mut rng)
            }
            (_, 88..=96) if !humans.is_empty() => {
                let from = humans[rng.gen_range(0..humans.len())];
                match tweak(&mut rng, &out.rows[from].password) {
                    Some((p, name)) => {
                        out.planted.push(Planted {
                            a: from,
                            b: i,
                            tweak: name,
                        });
                        humans.push(i);
                        p
                    }
                    None => human(&mut rng),
                }
            }
            _ if i > 0 => out.rows[rng.gen_range(0..i)].password.clone(),
            _ => random_password(&mut rng),
        };
        out.rows.push(Row {
            title: format!("{} {i}", capitalise(brand)),
            url: format!("https://{host}/login"),
            username,
            password,
        });
    }
    out
}

/// The distinct passwords of `rows`, in first-appearance order.
pub fn distinct_passwords(rows: &[Row]) -> Vec<&str> {
    let mut seen = std::collections::HashSet::new();
    rows.iter()
        .map(|r| r.password.as_str())
        .filter(|p| seen.insert(*p))
        .collect()
}

/// Writes `rows` as a Bitwarden CSV export (one line per row).
pub fn write_bitwarden(rows: &[Row], out: impl std::io::Write) -> csv::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "folder",
        "favorite",
        "type",
        "name",
        "notes",
        "fields",
        "reprompt",
        "login_uri",
        "login_username",
        "login_password",
        "login_totp",
    ])?;
    for r in rows {
        w.write_record([
            "",
            "",
            "login",
            &r.title,
            "",
            "",
            "0",
            &r.url,
            &r.username,
            &r.password,
            "",
        ])?;
    }
    w.flush()?;
    Ok(())
}
