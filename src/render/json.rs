//! `--format json`: the audit model, serialised as is (pretty, one document).
//!
//! The bytes are those of `serde_json::to_writer_pretty(audit)` followed by a
//! newline (`tests`: [`tests::equals_serde_json_pretty`]), but written in
//! parallel and streamed (issue 15): the long arrays (accounts, findings,
//! plan) are rendered in chunks of [`CHUNK`] elements by a worker per core
//! while this thread writes them in order, with at most [`PENDING_BYTES`]
//! of text waiting (see [`Pipe`]; a write error stops the workers). A
//! pretty value
//! nested `k` levels deep is written by [`Nested`], serde_json's pretty
//! formatter starting `k` levels in.

use std::io::{self, Write};

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};

use serde::Serialize;

use crate::report::Audit;

/// Elements one worker renders at a time.
const CHUNK: usize = 16;
/// Rendered text waiting to be written, at most (plus the chunks being
/// rendered): the elements' size is known only once they are rendered.
const PENDING_BYTES: usize = 4 << 20;

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
        write_nested(&mut *self.out, 1, value)
    }

    /// A long array: its elements rendered in parallel, in order.
    fn array<T: Serialize + Sync>(&mut self, name: &str, items: &[T]) -> io::Result<()> {
        self.key(name)?;
        if items.is_empty() {
            return self.out.write_all(b"[]");
        }
        self.out.write_all(b"[")?;
        let chunks = items.len().div_ceil(CHUNK);
        // the size of a chunk rendered before, so that a buffer seldom grows
        let size_hint = AtomicUsize::new(0);
        let render = |k: usize| -> io::Result<Vec<u8>> {
            let start = k * CHUNK;
            let mut buf = Vec::with_capacity(size_hint.load(Ordering::Relaxed));
            for (j, item) in items[start..items.len().min(start + CHUNK)]
                .iter()
                .enumerate()
            {
                buf.extend_from_slice(if start + j == 0 {
                    b"\n    "
                } else {
                    b",\n    "
                });
                write_nested(&mut buf, 2, item)?;
            }
            size_hint.store(buf.len() + buf.len() / 4, Ordering::Relaxed);
            Ok(buf)
        };
        let workers = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(chunks);
        if workers <= 1 {
            for k in 0..chunks {
                self.out.write_all(&render(k)?)?;
            }
            return self.out.write_all(b"\n  ]");
        }
        let pipe = Pipe {
            state: Mutex::new(PipeState::default()),
            changed: Condvar::new(),
            next: AtomicUsize::new(0),
        };
        std::thread::scope(|s| {
            for _ in 0..workers {
                s.spawn(|| pipe.work(chunks, &render));
            }
            let written = (0..chunks).try_for_each(|k| -> io::Result<()> {
                let chunk = pipe.take(k)?;
                self.out.write_all(&chunk)?;
                pipe.written(k, chunk.len());
                Ok(())
            });
            if written.is_err() {
                pipe.stop();
            }
            written
        })?;
        self.out.write_all(b"\n  ]")
    }
}

/// The chunks of a long array between the workers that render them (in
/// any order, several at a time) and the writer (in order). A worker waits
/// before rendering while [`PENDING_BYTES`] of text wait to be written,
/// unless its chunk is the one the writer needs next, so memory stays
/// bounded whatever the size of the elements (issue 15: findings run from
/// 200 bytes to 370 KB, and the big ones come together) and nothing waits
/// forever.
struct Pipe {
    state: Mutex<PipeState>,
    changed: Condvar,
    /// The next chunk to hand to a worker.
    next: AtomicUsize,
}

#[derive(Default)]
struct PipeState {
    /// Rendered chunks not taken by the writer yet.
    done: BTreeMap<usize, io::Result<Vec<u8>>>,
    /// Bytes rendered and not written yet.
    pending: usize,
    /// The chunk the writer needs next.
    wanted: usize,
    /// The writer stopped (a write error): workers stop too.
    stopped: bool,
}

impl Pipe {
    fn lock(&self) -> std::sync::MutexGuard<'_, PipeState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn work(&self, chunks: usize, render: &(dyn Fn(usize) -> io::Result<Vec<u8>> + Sync)) {
        loop {
            let k = self.next.fetch_add(1, Ordering::Relaxed);
            if k >= chunks {
                return;
            }
            let mut st = self.lock();
            while !st.stopped && k != st.wanted && st.pending >= PENDING_BYTES {
                st = self.changed.wait(st).unwrap_or_else(|e| e.into_inner());
            }
            if st.stopped {
                return;
            }
            drop(st);
            // A panic while rendering reaches the writer as an error (it
            // would otherwise wait for this chunk forever).
            let rendered = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| render(k)))
                .unwrap_or_else(|_| Err(io::Error::other("rendering the JSON report panicked")));
            let mut st = self.lock();
            st.pending += rendered.as_ref().map_or(0, Vec::len);
            st.done.insert(k, rendered);
            self.changed.notify_all();
        }
    }

    /// Chunk `k` once rendered.
    fn take(&self, k: usize) -> io::Result<Vec<u8>> {
        let mut st = self.lock();
        loop {
            if let Some(chunk) = st.done.remove(&k) {
                return chunk;
            }
            st = self.changed.wait(st).unwrap_or_else(|e| e.into_inner());
        }
    }

    /// Chunk `k`, of `bytes`, is written.
    fn written(&self, k: usize, bytes: usize) {
        let mut st = self.lock();
        st.pending -= bytes;
        st.wanted = k + 1;
        self.changed.notify_all();
    }

    fn stop(&self) {
        self.lock().stopped = true;
        self.changed.notify_all();
    }
}

/// Writes `value` as `serde_json::to_writer_pretty` does, for a value
/// nested `levels` deep: each line after the first indented `levels` more.
fn write_nested<W: Write + ?Sized, T: Serialize + ?Sized>(
    out: &mut W,
    levels: usize,
    value: &T,
) -> io::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(
        out,
        Nested {
            levels,
            has_value: false,
        },
    );
    value.serialize(&mut ser).map_err(io::Error::other)
}

/// A comma, a newline and spaces: every line break of the output is a slice
/// of it.
const BREAK: [u8; 2 + 256] = {
    let mut line = [b' '; 2 + 256];
    line[0] = b',';
    line[1] = b'\n';
    line
};

/// serde_json's `PrettyFormatter` (two spaces per level) starting `levels`
/// deep, writing each line break and its indentation at once: the
/// `PrettyFormatter` writes an indentation a level at a time, and a pass that
/// indents its output looks at every write (issue 15: together a fifth of
/// the instructions of a 100k-entry audit).
struct Nested {
    /// Current depth, from the value's own.
    levels: usize,
    has_value: bool,
}

impl Nested {
    /// An array or object begins: one level deeper, nothing in it yet.
    fn open<W: Write + ?Sized>(&mut self, out: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.levels += 1;
        self.has_value = false;
        out.write_all(bracket)
    }

    /// It ends: on a line of its own unless it was empty.
    fn close<W: Write + ?Sized>(&mut self, out: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.levels -= 1;
        if self.has_value {
            self.line_break(out, false)?;
        }
        out.write_all(bracket)
    }

    fn line_break<W: Write + ?Sized>(&self, out: &mut W, comma: bool) -> io::Result<()> {
        let from = usize::from(!comma);
        let mut spaces = 2 * self.levels;
        let now = spaces.min(BREAK.len() - 2);
        out.write_all(&BREAK[from..2 + now])?;
        spaces -= now;
        while spaces > 0 {
            let now = spaces.min(BREAK.len() - 2);
            out.write_all(&BREAK[2..2 + now])?;
            spaces -= now;
        }
        Ok(())
    }
}

impl serde_json::ser::Formatter for Nested {
    fn begin_array<W: Write + ?Sized>(&mut self, out: &mut W) -> io::Result<()> {
        self.open(out, b"[")
    }

    fn end_array<W: Write + ?Sized>(&mut self, out: &mut W) -> io::Result<()> {
        self.close(out, b"]")
    }

    fn begin_array_value<W: Write + ?Sized>(&mut self, out: &mut W, first: bool) -> io::Result<()> {
        self.line_break(out, !first)
    }

    fn end_array_value<W: Write + ?Sized>(&mut self, _out: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: Write + ?Sized>(&mut self, out: &mut W) -> io::Result<()> {
        self.open(out, b"{")
    }

    fn end_object<W: Write + ?Sized>(&mut self, out: &mut W) -> io::Result<()> {
        self.close(out, b"}")
    }

    fn begin_object_key<W: Write + ?Sized>(&mut self, out: &mut W, first: bool) -> io::Result<()> {
        self.line_break(out, !first)
    }

    fn begin_object_value<W: Write + ?Sized>(&mut self, out: &mut W) -> io::Result<()> {
        out.write_all(b": ")
    }

    fn end_object_value<W: Write + ?Sized>(&mut self, _out: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
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
    fn long_arrays_span_many_chunks_in_order() {
        let mut audit = family_audit();
        let one = audit.accounts.clone();
        while audit.accounts.len() < 3 * CHUNK * 8 + 7 {
            audit.accounts.extend(one.iter().cloned());
        }
        for (n, a) in audit.accounts.iter_mut().enumerate() {
            a.id = format!("A{}", n + 1);
        }
        assert_eq!(ours(&audit), pretty(&audit));
    }

    #[test]
    fn big_elements_wait_for_the_writer_and_come_out_in_order() {
        // Elements of 64 KB: the workers outrun the writer by more than
        // PENDING_BYTES and must wait (the chunk the writer needs never does).
        let items: Vec<String> = (0..200)
            .map(|n| format!("{n:05}").repeat(64 * 1024 / 5))
            .collect();
        let mut got = Vec::new();
        let mut doc = Object {
            out: &mut got,
            first: true,
        };
        doc.array("big", &items).unwrap();
        doc.out.write_all(b"\n}\n").unwrap();
        let mut want = serde_json::to_vec_pretty(&serde_json::json!({ "big": items })).unwrap();
        want.extend_from_slice(b"\n");
        assert_eq!(got.len(), want.len());
        assert!(got == want);
    }

    /// A writer that fails after `left` bytes.
    struct Failing {
        left: usize,
    }

    impl Write for Failing {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if buf.len() > self.left {
                return Err(io::Error::other("disk full"));
            }
            self.left -= buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_write_error_stops_the_workers_and_is_returned() {
        let items: Vec<String> = (0..500).map(|n| format!("{n}").repeat(10_000)).collect();
        for left in [0, 10, 100_000, 3_000_000] {
            let mut out = Failing { left };
            let mut doc = Object {
                out: &mut out,
                first: true,
            };
            let err = doc.array("big", &items).unwrap_err();
            assert_eq!(err.to_string(), "disk full");
        }
    }

    /// A value nested `k` deep is its pretty text with `2k` more spaces
    /// after each newline (JSON strings hold no raw newline), however deep.
    #[test]
    fn nested_values_are_pretty_text_indented() {
        let mut deep = serde_json::json!({"leaf": [1, "x\ny", {}, []]});
        for n in 0..300 {
            deep = if n % 2 == 0 {
                serde_json::json!([deep, n, {"k": null}])
            } else {
                serde_json::json!({"a": deep, "b": [], "c": {"d": true}})
            };
        }
        let values = [
            serde_json::json!(null),
            serde_json::json!([]),
            serde_json::json!({}),
            serde_json::json!([[], {}, [[1]], {"a": {"b": [true, "\"q\""]}}]),
            deep,
        ];
        for value in &values {
            for levels in [0, 1, 2, 7, 129] {
                let mut got = Vec::new();
                write_nested(&mut got, levels, value).unwrap();
                let pad = format!("\n{}", " ".repeat(2 * levels));
                let want = serde_json::to_string_pretty(value)
                    .unwrap()
                    .replace('\n', &pad);
                assert_eq!(String::from_utf8(got).unwrap(), want, "levels {levels}");
            }
        }
    }
}
