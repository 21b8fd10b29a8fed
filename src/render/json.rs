//! `--format json`: the audit model, serialised as is (pretty, one document).
//!
//! The bytes are those of `serde_json::to_writer_pretty(audit)` followed by a
//! newline (`tests`: [`tests::equals_serde_json_pretty`]), but written in
//! parallel and streamed (issue 15): the long arrays (accounts, findings,
//! plan) are rendered in windows of [`WINDOW`] elements, each window's chunks
//! on every core, while the previous window is written out (a write error
//! stops the rendering: the channel closes). A pretty value
//! nested `k` levels deep is its top-level pretty text with `2k` spaces after
//! each newline (JSON strings hold no raw newline), which [`Indented`] adds.

use std::io::{self, Write};

use rayon::prelude::*;
use serde::Serialize;

use crate::report::Audit;

/// Elements of a long array rendered (in parallel) before they are written.
/// Up to three windows are in memory (one rendered, one waiting, one
/// written): 1,024 elements keep that to about 15 MiB of JSON text at
/// 200,000 accounts (4,096 added 60 MiB to the report's peak, issue 15)
/// and still give each core several chunks.
const WINDOW: usize = 1024;
/// Elements one task renders.
const CHUNK: usize = 128;

pub fn render(audit: &Audit, out: &mut dyn Write) -> io::Result<()> {
    // Every field, by name: a field added to `Audit` must be added here
    // (in the struct's order, with its `skip_serializing_if`).
    let Audit {
        schema_version,
        tool,
        generated_at,
        checks,
        sources,
        accounts,
        findings,
        plan,
        drill,
        summary,
        data_sources,
        baseline,
        merged,
    } = audit;
    let mut doc = Object { out, first: true };
    doc.field("schema_version", schema_version)?;
    doc.field("tool", tool)?;
    doc.field("generated_at", generated_at)?;
    doc.field("checks", checks)?;
    doc.field("sources", sources)?;
    doc.array("accounts", accounts)?;
    doc.array("findings", findings)?;
    doc.array("plan", plan)?;
    if let Some(drill) = drill {
        doc.field("drill", drill)?;
    }
    doc.field("summary", summary)?;
    doc.field("data_sources", data_sources)?;
    if let Some(baseline) = baseline {
        doc.field("baseline", baseline)?;
    }
    if let Some(merged) = merged {
        doc.field("merged", merged)?;
    }
    doc.out.write_all(b"\n}\n")
}

/// The top-level object as it is written.
struct Object<'w> {
    out: &'w mut dyn Write,
    first: bool,
}

impl Object<'_> {
    fn key(&mut self, name: &str) -> io::Result<()> {
        let sep: &[u8] = if self.first { b"{\n  " } else { b",\n  " };
        self.first = false;
        self.out.write_all(sep)?;
        serde_json::to_writer(&mut *self.out, name).map_err(io::Error::other)?;
        self.out.write_all(b": ")
    }

    /// A field whose value is written as serde_json writes it, one level in.
    fn field<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) -> io::Result<()> {
        self.key(name)?;
        let mut w = Indented {
            out: &mut *self.out,
            pad: b"  ",
        };
        serde_json::to_writer_pretty(&mut w, value).map_err(io::Error::other)
    }

    /// A long array: its elements rendered in parallel, in order.
    fn array<T: Serialize + Sync>(&mut self, name: &str, items: &[T]) -> io::Result<()> {
        self.key(name)?;
        if items.is_empty() {
            return self.out.write_all(b"[]");
        }
        self.out.write_all(b"[")?;
        let render = |start: usize, window: &[T]| -> io::Result<Vec<Vec<u8>>> {
            window
                .par_chunks(CHUNK)
                .enumerate()
                .map(|(c, chunk)| {
                    let mut buf = Vec::with_capacity(chunk.len() * 512);
                    for (k, item) in chunk.iter().enumerate() {
                        let first = start + c * CHUNK + k == 0;
                        buf.extend_from_slice(if first { b"\n    " } else { b",\n    " });
                        let mut w = Indented {
                            out: &mut buf,
                            pad: b"    ",
                        };
                        serde_json::to_writer_pretty(&mut w, item).map_err(io::Error::other)?;
                    }
                    Ok(buf)
                })
                .collect()
        };
        // One thread renders the windows in order (each on every core) while
        // this one writes the previous: at most two windows wait in memory.
        std::thread::scope(|s| {
            let (tx, rx) = std::sync::mpsc::sync_channel(1);
            s.spawn(move || {
                for (w, window) in items.chunks(WINDOW).enumerate() {
                    let rendered = render(w * WINDOW, window);
                    let failed = rendered.is_err();
                    if tx.send(rendered).is_err() || failed {
                        break;
                    }
                }
            });
            for rendered in rx {
                for b in rendered? {
                    self.out.write_all(&b)?;
                }
            }
            Ok::<(), io::Error>(())
        })?;
        self.out.write_all(b"\n  ]")
    }
}

/// Writes what it is given with `pad` after each newline.
struct Indented<'w, W: Write + ?Sized> {
    out: &'w mut W,
    pad: &'static [u8],
}

impl<W: Write + ?Sized> Write for Indented<'_, W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.write_all(buf)?;
        Ok(buf.len())
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        let mut rest = buf;
        while let Some(at) = rest.iter().position(|&b| b == b'\n') {
            self.out.write_all(&rest[..=at])?;
            self.out.write_all(self.pad)?;
            rest = &rest[at + 1..];
        }
        self.out.write_all(rest)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::NoProgress;

    fn family_audit() -> Audit {
        let settings = crate::audit::tests::family();
        let vault = crate::audit::load(&settings).unwrap();
        crate::audit::run(&vault, &settings, &NoProgress)
    }

    fn pretty(audit: &Audit) -> Vec<u8> {
        let mut want = serde_json::to_vec_pretty(audit).unwrap();
        want.push(b'\n');
        want
    }

    fn ours(audit: &Audit) -> Vec<u8> {
        let mut got = Vec::new();
        render(audit, &mut got).unwrap();
        got
    }

    #[test]
    fn equals_serde_json_pretty() {
        let mut audit = family_audit();
        assert!(audit.drill.is_some() && !audit.plan.is_empty() && audit.accounts.len() > 10);
        assert_eq!(
            String::from_utf8(ours(&audit)),
            String::from_utf8(pretty(&audit))
        );
        // optional fields absent, empty arrays
        audit.drill = None;
        audit.plan.clear();
        audit.findings.clear();
        assert_eq!(
            String::from_utf8(ours(&audit)),
            String::from_utf8(pretty(&audit))
        );
        audit.accounts.clear();
        assert_eq!(
            String::from_utf8(ours(&audit)),
            String::from_utf8(pretty(&audit))
        );
    }

    #[test]
    fn long_arrays_span_several_windows_in_order() {
        let mut audit = family_audit();
        let one = audit.accounts.clone();
        while audit.accounts.len() < 2 * WINDOW + 3 * CHUNK + 7 {
            audit.accounts.extend(one.iter().cloned());
        }
        for (n, a) in audit.accounts.iter_mut().enumerate() {
            a.id = format!("A{}", n + 1);
        }
        assert_eq!(ours(&audit), pretty(&audit));
    }

    #[test]
    fn indented_writes_pad_after_each_newline() {
        let mut out = Vec::new();
        let mut w = Indented {
            out: &mut out,
            pad: b"  ",
        };
        w.write_all(b"{\n\"a\": 1,\n\"b\": \"x\\ny\"\n}").unwrap();
        assert_eq!(out, b"{\n  \"a\": 1,\n  \"b\": \"x\\ny\"\n  }");
    }
}
