//! vaultlint addition: scores every line of a file (`password<TAB>input<TAB>...`)
//! and prints each full answer (guesses, log10, score, crack times, feedback,
//! match sequence; not the calculation time), one line each, or with
//! `--quiet` only a count. For instruction counts (callgrind) and for
//! comparing two builds' answers with `cmp`:
//!
//!     cargo build --release -p zxcvbn --example score_lines
//!     target/release/examples/score_lines passwords.tsv > answers.txt
//!     valgrind --tool=callgrind target/release/examples/score_lines --quiet passwords.tsv
//!
//! For generated passwords only: its answers print each match's token, that
//! is pieces of the password, in plain text. Never feed it real passwords
//! (vaultlint's trust rule 1 holds for vaultlint's own output; this is a
//! developer's tool over test data).

use std::io::{BufWriter, Write};

fn main() {
    let mut quiet = false;
    let mut path = None;
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--quiet" => quiet = true,
            _ => path = Some(arg),
        }
    }
    let path = path.expect("usage: score_lines [--quiet] FILE");
    let text = std::fs::read_to_string(&path).expect("readable UTF-8 file");
    let out = std::io::stdout();
    let mut out = BufWriter::new(out.lock());
    let mut n = 0u64;
    let mut total = 0u64;
    for line in text.lines() {
        let mut fields = line.split('\t');
        let password = fields.next().unwrap_or("");
        let inputs: Vec<&str> = fields.collect();
        let e = zxcvbn::zxcvbn(password, &inputs);
        n += 1;
        total = total.wrapping_add(e.guesses());
        if !quiet {
            writeln!(
                out,
                "{} {:?} {} {:?} {:?} {:?}",
                e.guesses(),
                e.guesses_log10(),
                e.score(),
                e.crack_times(),
                e.feedback(),
                printable(e.sequence())
            )
            .unwrap();
        }
    }
    writeln!(out, "{n} passwords, guesses sum {total}").unwrap();
}

/// The sequence, with each l33t match's substitution map left out (a
/// `HashMap`, printed in an order that varies between processes); its
/// sorted `sub_display` stays.
fn printable(sequence: &[zxcvbn::Match]) -> Vec<zxcvbn::Match> {
    sequence
        .iter()
        .map(|m| {
            let mut m = m.clone();
            strip(&mut m);
            m
        })
        .collect()
}

fn strip(m: &mut zxcvbn::Match) {
    use zxcvbn::matching::patterns::MatchPattern;
    match &mut m.pattern {
        MatchPattern::Dictionary(p) => p.sub = None,
        MatchPattern::Repeat(p) => p.base_matches.iter_mut().for_each(strip),
        _ => {}
    }
}
