//! vaultlint change: builds the dictionary lexicon (every word and prefix of
//! the six ranked dictionaries in `src/frequency_lists.rs`, with each word's
//! ranks) at compile time, as an open-addressing hash table of plain bytes
//! that the binary maps read-only. Upstream built its tables at the first
//! call (about 40 ms and 25 MiB per process); with this table a process only
//! touches the pages its lookups need. `src/frequency_lists.rs` reads the
//! files written here (see `lexicon_get` there, which hashes as
//! [`hash`] does).

use std::collections::HashMap;
use std::env;
use std::fs;
use std::path::Path;

/// The lists, in the order of `DICTIONARIES` in `src/frequency_lists.rs`.
const LISTS: [&str; 6] = [
    "PASSWORDS",
    "ENGLISH_WIKI",
    "FEMALE_NAMES",
    "MALE_NAMES",
    "SURNAMES",
    "US_TV_AND_FILM",
];

/// log2 of the number of slots of the table.
const SLOT_BITS: u32 = 19;

/// Must equal `hash` in `src/frequency_lists.rs`.
fn hash(key: &[u8]) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let mut h: u64 = 0;
    for &b in key {
        h = (h.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
    }
    h
}

/// The text of a Rust string literal without its quotes (the lists only
/// escape quotes and backslashes).
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some(e @ ('\'' | '"' | '\\')) => out.push(e),
                other => panic!("unexpected escape \\{other:?} in the word lists"),
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn main() {
    println!("cargo:rerun-if-changed=src/frequency_lists.rs");
    println!("cargo:rerun-if-changed=build.rs");
    let src = fs::read_to_string("src/frequency_lists.rs").expect("src/frequency_lists.rs");
    let mut lists: Vec<Option<String>> = vec![None; LISTS.len()];
    for line in src.lines() {
        let Some(rest) = line.strip_prefix("const ") else {
            continue;
        };
        let Some((name, body)) = rest.split_once(": &str = \"") else {
            continue;
        };
        if let Some(d) = LISTS.iter().position(|n| *n == name) {
            let body = body.strip_suffix("\";").expect("a list is one line");
            lists[d] = Some(unescape(body));
        }
    }

    // Same order and rules as upstream's table: prefixes first, the word's
    // rank set last (a later duplicate overwrites an earlier rank).
    let mut keys: Vec<String> = Vec::new();
    let mut ranks: Vec<[u32; 6]> = Vec::new();
    let mut at: HashMap<String, usize> = HashMap::new();
    let mut entry = |key: &str, keys: &mut Vec<String>, ranks: &mut Vec<[u32; 6]>| -> usize {
        *at.entry(key.to_owned()).or_insert_with(|| {
            keys.push(key.to_owned());
            ranks.push([0; 6]);
            keys.len() - 1
        })
    };
    for (d, list) in lists.iter().enumerate() {
        let list = list
            .as_deref()
            .unwrap_or_else(|| panic!("list {} not found", LISTS[d]));
        for (rank, word) in list.split(',').enumerate() {
            for (i, _) in word.char_indices().skip(1) {
                entry(&word[..i], &mut keys, &mut ranks);
            }
            let e = entry(word, &mut keys, &mut ranks);
            ranks[e][d] = rank as u32 + 1;
        }
    }
    assert!(keys.len() < (1 << SLOT_BITS) / 2, "table too full");

    // Files: the keys' bytes one after another; per entry (offset u32,
    // length u8 | rank row << 8); rank rows (6 × u32, row 0 all zero);
    // slots (entry + 1, 0 = empty), little-endian.
    let mut blob = Vec::new();
    let mut entries = Vec::new();
    let mut rows: Vec<u8> = vec![0; 24];
    for (key, r) in keys.iter().zip(&ranks) {
        assert!(key.len() < 256);
        let row = if r.iter().all(|&x| x == 0) {
            0
        } else {
            for x in r {
                rows.extend_from_slice(&x.to_le_bytes());
            }
            rows.len() / 24 - 1
        };
        entries.extend_from_slice(&(blob.len() as u32).to_le_bytes());
        entries.extend_from_slice(&((key.len() as u32) | ((row as u32) << 8)).to_le_bytes());
        blob.extend_from_slice(key.as_bytes());
    }
    let mask = (1usize << SLOT_BITS) - 1;
    let mut slots = vec![0u32; 1 << SLOT_BITS];
    for (e, key) in keys.iter().enumerate() {
        let mut s = (hash(key.as_bytes()) >> (64 - SLOT_BITS)) as usize;
        while slots[s] != 0 {
            s = (s + 1) & mask;
        }
        slots[s] = e as u32 + 1;
    }
    let slot_bytes: Vec<u8> = slots.iter().flat_map(|s| s.to_le_bytes()).collect();

    let out = env::var("OUT_DIR").unwrap();
    let out = Path::new(&out);
    fs::write(out.join("lexicon_keys.bin"), blob).unwrap();
    fs::write(out.join("lexicon_entries.bin"), entries).unwrap();
    fs::write(out.join("lexicon_ranks.bin"), rows).unwrap();
    fs::write(out.join("lexicon_slots.bin"), slot_bytes).unwrap();
    fs::write(
        out.join("lexicon.rs"),
        format!("/// log2 of the lexicon's slots.\nconst SLOT_BITS: u32 = {SLOT_BITS};\n"),
    )
    .unwrap();
}
