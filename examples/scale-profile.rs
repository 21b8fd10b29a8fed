//! Where an audit's memory and time go, phase by phase (issue 15). Not a
//! benchmark (`scripts/scale.sh` is): it runs `vaultlint audit ARGS...` as
//! the binary does, with a counting wrapper over the system allocator, and
//! prints the live heap, its peak and the time after each phase. The system
//! allocator (not mimalloc) lets heaptrack see every allocation:
//!
//!     cargo build --profile profiling --example scale-profile
//!     target/profiling/examples/scale-profile audit vault.csv --pwned off --format json -o r.json
//!     heaptrack target/profiling/examples/scale-profile audit vault.csv --pwned off -o r.json

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::Instant;

use clap::Parser;
use vaultlint::cli::{Cli, Command};
use vaultlint::progress::Progress;

struct Counting;
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = LIVE.fetch_add(layout.size(), Relaxed) + layout.size();
            PEAK.fetch_max(now, Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new) };
        if !p.is_null() {
            if new >= layout.size() {
                let now = LIVE.fetch_add(new - layout.size(), Relaxed) + new - layout.size();
                PEAK.fetch_max(now, Relaxed);
            } else {
                LIVE.fetch_sub(layout.size() - new, Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// CPU time (user + system) of the process so far, from /proc (Linux).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |k: usize| fields.get(k).and_then(|v| v.parse::<f64>().ok());
    // utime and stime are fields 14 and 15 of stat(5): 12 and 13 after the name
    ticks(11)
        .zip(ticks(12))
        .map_or(0.0, |(u, s)| (u + s) / 100.0)
}

static CPU_MARK: std::sync::Mutex<f64> = std::sync::Mutex::new(0.0);

fn phase(name: &str, start: &mut Instant) {
    let mib = |b: usize| b as f64 / 1048576.0;
    let cpu = cpu_seconds();
    let mut mark = CPU_MARK.lock().unwrap();
    eprintln!(
        "{name:<28} live {:>8.1} MiB  peak {:>8.1} MiB  wall {:>7.2} s  CPU {:>7.2} s",
        mib(LIVE.load(Relaxed)),
        mib(PEAK.load(Relaxed)),
        start.elapsed().as_secs_f64(),
        cpu - *mark,
    );
    *mark = cpu;
    PEAK.store(LIVE.load(Relaxed), Relaxed);
    *start = Instant::now();
}

/// Prints the live heap and time at each phase the audit announces (each
/// check, the assembly, the plan).
struct Phases {
    last: std::sync::Mutex<(String, Instant)>,
}

impl vaultlint::progress::Progress for Phases {
    fn start(&self, _task: &str, _total: u64) {}
    fn advance(&self, _n: u64) {}
    fn finish(&self) {}
    fn phase(&self, name: &str) {
        let mut last = self.last.lock().unwrap();
        let (prev, start) = &mut *last;
        if !prev.is_empty() {
            let mut t = *start;
            phase(&format!("  {prev}"), &mut t);
        }
        *last = (name.to_owned(), Instant::now());
    }
}

fn main() {
    let Command::Audit(args) = Cli::parse().command else {
        panic!("usage: scale-profile audit ARGS...");
    };
    let settings = args.settings().expect("settings");
    let mut t = Instant::now();
    phase("settings", &mut t);
    let vault = vaultlint::audit::load(&settings).expect("load");
    phase("import (vault held)", &mut t);
    let phases = Phases {
        last: std::sync::Mutex::new((String::new(), Instant::now())),
    };
    let report = vaultlint::audit::run_owned(vault, &settings, &phases);
    phases.phase("");
    phase("checks + report", &mut t);
    let out = args.output.clone().expect("-o FILE");
    let mut w = std::io::BufWriter::new(std::fs::File::create(out).expect("create"));
    vaultlint::render::render(
        args.format,
        &report,
        &mut w,
        vaultlint::render::Style {
            color: false,
            width: Some(100),
            all: false,
        },
    )
    .expect("render");
    w.flush().expect("flush");
    phase("rendered", &mut t);
    let mut report = report;
    drop(std::mem::take(&mut report.accounts));
    phase("report.accounts dropped", &mut t);
    drop(std::mem::take(&mut report.plan));
    phase("report.plan dropped", &mut t);
    drop(std::mem::take(&mut report.findings));
    phase("report.findings dropped", &mut t);
    drop(report.drill.take());
    phase("report.drill dropped", &mut t);
    drop(report);
    phase("report dropped", &mut t);
}
