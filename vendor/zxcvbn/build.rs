//! vaultlint change: builds the dictionary lexicon (every word and prefix of
//! the six ranked dictionaries in `src/frequency_lists.rs`, with each word's
//! ranks) at compile time, as a trie of plain bytes that the binary maps
//! read-only. Upstream built its tables at the first call (about 40 ms and
//! 25 MiB per process); with this table a process only touches the pages
//! its lookups need. `src/frequency_lists.rs` reads the files written here
//! (see `Lexicon` there, which reads the records as `main` writes them).

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

/// Bits of a trie node's first-child index and of its rank row in a node
/// record (see `main`); `src/frequency_lists.rs` reads the same layout.
const NODE_BITS: u32 = 20;

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

    // A trie over the words' bytes (every prefix of a word is a node),
    // each word's node holding its rank in each dictionary (as upstream's
    // tables: a later duplicate in a list overwrites an earlier rank). It is
    // laid out breadth first so that the children of a node are one run of
    // records sorted by label: a step from a node reads one run, and the
    // top levels, which every scan goes through, stay in cache. (This
    // replaced an open-addressing hash table of the words and prefixes,
    // which read a slot, an entry and a key at random places per look-up.)
    let mut children: Vec<Vec<(u8, usize)>> = vec![Vec::new()];
    let mut ranks: Vec<[u32; 6]> = vec![[0; 6]];
    for (d, list) in lists.iter().enumerate() {
        let list = list
            .as_deref()
            .unwrap_or_else(|| panic!("list {} not found", LISTS[d]));
        for (rank, word) in list.split(',').enumerate() {
            let mut node = 0;
            for &b in word.as_bytes() {
                node = match children[node].iter().find(|&&(l, _)| l == b) {
                    Some(&(_, child)) => child,
                    None => {
                        children.push(Vec::new());
                        ranks.push([0; 6]);
                        let child = children.len() - 1;
                        children[node].push((b, child));
                        child
                    }
                };
            }
            ranks[node][d] = rank as u32 + 1;
        }
    }
    // rank rows (6 × u32 each; row 0 all zero: not a word), by node
    let mut rows: Vec<u8> = vec![0; 24];
    let row_of: Vec<u32> = ranks
        .iter()
        .map(|r| {
            if r.iter().all(|&x| x == 0) {
                return 0;
            }
            for x in r {
                rows.extend_from_slice(&x.to_le_bytes());
            }
            (rows.len() / 24 - 1) as u32
        })
        .collect();
    for c in &mut children {
        c.sort_unstable();
    }
    // breadth-first order: `order[k]` is the node written at record k
    let mut order = vec![0usize];
    let mut labels = vec![0u8];
    let mut k = 0;
    while k < order.len() {
        for &(label, child) in &children[order[k]] {
            order.push(child);
            labels.push(label);
        }
        k += 1;
    }
    let mut first_child = vec![0usize; order.len()];
    let mut next = 1;
    for (k, &node) in order.iter().enumerate() {
        first_child[k] = next;
        next += children[node].len();
    }
    assert!(order.len() < 1 << NODE_BITS, "too many trie nodes");
    assert!(rows.len() / 24 < 1 << NODE_BITS, "too many rank rows");
    // A record, little-endian u64: label (8 bits, the byte that leads to the
    // node), number of children (9 bits), index of the first child's record
    // (NODE_BITS), rank row (NODE_BITS; row 0 is all zero: not a word).
    let mut nodes = Vec::with_capacity(8 * order.len());
    for (k, &node) in order.iter().enumerate() {
        let count = children[node].len() as u64;
        assert!(count <= 256);
        let record = u64::from(labels[k])
            | count << 8
            | (first_child[k] as u64) << 17
            | u64::from(row_of[node]) << (17 + NODE_BITS);
        nodes.extend_from_slice(&record.to_le_bytes());
    }

    let out = env::var("OUT_DIR").unwrap();
    let out = Path::new(&out);
    // The root's children by label (0: none), so that the first step of
    // every scan is one read.
    let mut root = vec![0u8; 8 * 256];
    for k in 1..=children[0].len() {
        let label = usize::from(labels[k]);
        root[8 * label..8 * label + 8].copy_from_slice(&nodes[8 * k..8 * k + 8]);
    }
    fs::write(out.join("lexicon_nodes.bin"), nodes).unwrap();
    fs::write(out.join("lexicon_root.bin"), root).unwrap();
    fs::write(out.join("lexicon_ranks.bin"), rows).unwrap();
    fs::write(
        out.join("lexicon.rs"),
        format!("/// Bits of a node's first child and of its rank row.\nconst NODE_BITS: u32 = {NODE_BITS};\n"),
    )
    .unwrap();
}
