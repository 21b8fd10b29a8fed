//! Thin entry point: parse, resolve, run, render, exit.

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;
use vaultlint::cli::{
    AuditArgs, BreachesCommand, BreachesUpdateArgs, Cli, Command, MergeArgs, PasskeysCommand,
    PasskeysUpdateArgs, PwnedCommand, PwnedServeArgs, PwnedVerifyArgs, TwoFactorCommand,
    TwoFactorUpdateArgs,
};
use vaultlint::progress::{Bar, NoProgress, Progress};
use vaultlint::render::{self, ReportFormat, Style};
use vaultlint::sanitize::{terminal, terminal_lines};
use vaultlint::{audit, exit, import};

/// mimalloc rather than the system allocator: zxcvbn and the report make
/// many small short-lived strings, and with mimalloc the `weak` check uses
/// 15-20 % less CPU (BENCHMARKS.md). The benches use it too.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `purge_delay` option (`mi_option_purge_delay` in its
/// `mimalloc.h`; `libmimalloc-sys` names no constant for it). The test
/// below checks it is the option whose default is 1,000 ms.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// How long freed memory stays resident before mimalloc returns it to the
/// system. Its default, 1,000 ms, kept the pages of whole finished stages
/// (a check's scratch tables) in the peak RSS. At 200,000 shared-words
/// accounts (3 runs each, BENCHMARKS.md, issue 15): 1,000 ms 496-502 MiB
/// max RSS, 100 ms 468-474, 50 ms 460-472, 25 ms 458-460 with a few per
/// cent more CPU; `MIMALLOC_PURGE_DELAY` still overrides it.
const PURGE_DELAY_MS: std::ffi::c_long = 50;

/// mimalloc's `allow_thp` option (`mi_option_allow_thp` in the v3
/// `mimalloc.h` that `libmimalloc-sys` builds; checked below like the purge
/// delay: its default is 1).
const MI_OPTION_ALLOW_THP: libmimalloc_sys::mi_option_t = 43;

/// Sets mimalloc's purge delay, and turns its transparent huge pages off,
/// unless `MIMALLOC_PURGE_DELAY` or `MIMALLOC_ALLOW_THP` say otherwise.
///
/// Huge pages: mimalloc asks for them on its whole arena, so each thread's
/// first allocation in a fresh 2 MiB region has the kernel zero all of it.
/// A small audit touches a little of many such regions: with them, a
/// 5,000-password offline lookup run had 55 MiB max RSS and spent about
/// 30 % of its time in the kernel zeroing pages, against 23 MiB without;
/// a 200,000-entry audit spends as much wall time either way, 6 % less
/// RSS without (BENCHMARKS.md, issue 15).
///
/// mimalloc reserves its first arena before `main`, with huge pages asked
/// for, so the option alone comes too late: the process also sets the
/// kernel's `PR_SET_THP_DISABLE` flag, as mimalloc itself does at start
/// when `MIMALLOC_ALLOW_THP=0` is set. The option still keeps later arenas
/// from asking, should the kernel refuse the flag (a seccomp filter).
fn tune_allocator() {
    // SAFETY: plain setters of integer options in mimalloc's option
    // table; they take no pointers and may be called at any time.
    unsafe { libmimalloc_sys::mi_option_set_default(MI_OPTION_PURGE_DELAY, PURGE_DELAY_MS) };
    if std::env::var_os("MIMALLOC_ALLOW_THP").is_none() {
        // SAFETY: as above.
        unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_ALLOW_THP, 0) };
        // Only memory use and speed depend on it: a kernel without the
        // flag runs the audit the same.
        #[cfg(target_os = "linux")]
        let _ = rustix::thread::disable_transparent_huge_pages(true);
    }
}

fn main() -> ExitCode {
    tune_allocator();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // --help and --version go to stdout as clap writes them.
        Err(e) if !e.use_stderr() => e.exit(),
        // Usage errors quote what was typed: made safe like every other
        // value that reaches stderr.
        Err(e) => {
            eprint!("{}", terminal_lines(&e.render().to_string()));
            eprintln!();
            return ExitCode::from(e.exit_code() as u8);
        }
    };
    let code = match cli.command {
        Command::Audit(args) => run_audit(&args),
        Command::Formats => print_formats(),
        Command::Merge(args) => run_merge(&args),
        Command::Pwned {
            command: PwnedCommand::Serve(args),
        } => run_pwned_serve(&args),
        Command::Pwned {
            command: PwnedCommand::Verify(args),
        } => run_pwned_verify(&args),
        Command::TwoFactor {
            command: TwoFactorCommand::Update(args),
        } => update_2fa_directory(&args),
        Command::Breaches {
            command: BreachesCommand::Update(args),
        } => update_breaches(&args),
        Command::Passkeys {
            command: PasskeysCommand::Update(args),
        } => update_passkeys(&args),
    };
    ExitCode::from(code as u8)
}

/// Prints an error on stderr and returns exit code 2. Messages quote paths,
/// header names and other input, so the whole line goes through the
/// terminal sanitiser (no escape sequences, bidi controls, ...).
fn fail(message: impl std::fmt::Display) -> i32 {
    eprintln!("vaultlint: error: {}", terminal(&message.to_string()));
    exit::INPUT
}

fn run_audit(args: &AuditArgs) -> i32 {
    let settings = match args.settings() {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let vault = match audit::load(&settings) {
        Ok(v) => v,
        Err(e) => return fail(e),
    };
    let bar;
    let progress: &dyn Progress = if io::stderr().is_terminal() {
        bar = Bar::stderr();
        &bar
    } else {
        &NoProgress
    };
    // The vault (every password) is dropped inside, before the plan is built.
    // The report holds no secret (trust rule 5 is about the vault, dropped
    // above): it is not freed at exit, which at 200,000 accounts would cost
    // half a second of freeing millions of small allocations (issue 15).
    let report = std::mem::ManuallyDrop::new(audit::run_owned(vault, &settings, progress));
    for src in &report.sources {
        if src.skipped > 0 && args.format != ReportFormat::Table {
            eprintln!(
                "vaultlint: {}: {}: {} not be read and {} not checked, so the audit is incomplete (listed in the report)",
                terminal(&src.path),
                render::markup::plural(src.skipped, "row skipped", "rows skipped"),
                if src.skipped == 1 {
                    "it could"
                } else {
                    "they could"
                },
                if src.skipped == 1 { "was" } else { "were" },
            );
        }
    }
    write_report(
        args.format,
        &report,
        args.output.as_deref(),
        settings.terminal,
        args.all,
    )
}

fn run_merge(args: &MergeArgs) -> i32 {
    let inputs = vaultlint::merge::parse_inputs(&args.reports);
    let policy = args.policy();
    let merged = args.baseline.settings().and_then(|baseline| {
        let mut report =
            vaultlint::merge::run(&inputs, &policy, vaultlint::settings::now_from_env()?)?;
        if let Some(baseline) = &baseline {
            audit::compare_with_baseline(&mut report, baseline, &policy);
        }
        Ok(report)
    });
    match merged {
        Ok(report) => write_report(
            args.format,
            &report,
            args.output.as_deref(),
            args.terminal(),
            args.all,
        ),
        Err(e) => fail(e),
    }
}

/// Renders `report` to `output` (or stdout) and returns the exit code.
fn write_report(
    format: ReportFormat,
    report: &vaultlint::report::Audit,
    output: Option<&std::path::Path>,
    screen: vaultlint::settings::Terminal,
    all: bool,
) -> i32 {
    let style = Style {
        color: screen.color,
        width: screen.width,
        all,
    };
    let result = match output {
        Some(path) => create_private(path).and_then(|f| {
            let mut w = io::BufWriter::new(f);
            render::render(format, report, &mut w, style)?;
            w.flush()
        }),
        None => {
            let mut w = io::BufWriter::new(io::stdout().lock());
            render::render(format, report, &mut w, style).and_then(|()| w.flush())
        }
    };
    match result {
        Ok(()) => {
            if let Some(path) = output {
                eprintln!(
                    "vaultlint: {}",
                    terminal(&render::written_line(format, path, report))
                );
            }
            report.summary.exit_code
        }
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => report.summary.exit_code,
        Err(e) => fail(format!("cannot write the report: {e}")),
    }
}

/// Creates (or truncates) a report file readable by its owner only (0600
/// on unix, like the breach cache): a report names every account. A regular
/// file that already existed with wider permissions is narrowed.
fn create_private(path: &std::path::Path) -> io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        options.mode(0o600);
        let file = options.open(path)?;
        let meta = file.metadata()?;
        if meta.is_file() && meta.permissions().mode() & 0o077 != 0 {
            file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        }
        Ok(file)
    }
    #[cfg(not(unix))]
    options.open(path)
}

fn update_2fa_directory(args: &TwoFactorUpdateArgs) -> i32 {
    match vaultlint::tfa_directory::update(&args.url, &args.output) {
        Ok(services) => {
            println!(
                "vaultlint: saved {services} services to {path}; audit with --2fa-directory {path}",
                path = terminal(&args.output.display().to_string()),
            );
            exit::OK
        }
        Err(e) => fail(e),
    }
}

fn update_breaches(args: &BreachesUpdateArgs) -> i32 {
    match vaultlint::breaches::update(&args.url, &args.output) {
        Ok(list) => {
            println!(
                "vaultlint: saved {} breaches (newest added {}) to {}; audit with --breaches {}",
                list.entries,
                list.as_of
                    .map_or_else(|| "?".into(), vaultlint::breaches::day),
                args.output.display(),
                args.output.display()
            );
            exit::OK
        }
        Err(e) => fail(format!(
            "{e}; the audit keeps using the built-in snapshot (or the last file you saved)"
        )),
    }
}

fn update_passkeys(args: &PasskeysUpdateArgs) -> i32 {
    match vaultlint::passkeys::update(&args.url, &args.output) {
        Ok(dir) => {
            let with = dir.sites().iter().filter(|s| s.support().is_some()).count();
            println!(
                "vaultlint: saved {} sites ({with} accept passkeys) to {path}; audit with --passkeys {path}",
                dir.entries,
                path = terminal(&args.output.display().to_string()),
            );
            exit::OK
        }
        Err(e) => fail(format!(
            "{e}; the audit keeps using the built-in table (or the last file you saved)"
        )),
    }
}

fn run_pwned_serve(args: &PwnedServeArgs) -> i32 {
    let served = vaultlint::pwned::serve::run_until_signal(&args.settings(), |addr, layout| {
        eprintln!(
            "vaultlint: serving the {layout} at http://{addr}/range/{{prefix}} (Ctrl-C stops)"
        )
    });
    match served {
        Ok(()) => exit::OK,
        Err(e) => fail(e),
    }
}

fn run_pwned_verify(args: &PwnedVerifyArgs) -> i32 {
    match vaultlint::pwned::verify::verify(&args.dataset) {
        Ok(v) => {
            let summary = vaultlint::pwned::verify::summary(&args.dataset, &v);
            if v.is_valid() {
                println!("vaultlint: {summary}");
                exit::OK
            } else {
                for p in &v.problems {
                    eprintln!("vaultlint: {}", vaultlint::sanitize::terminal(p));
                }
                eprintln!("vaultlint: error: {summary}");
                exit::INPUT
            }
        }
        Err(e) => fail(e),
    }
}

fn print_formats() -> i32 {
    let mut out = io::stdout().lock();
    let mut write = || -> io::Result<()> {
        for f in import::all_formats() {
            writeln!(out, "{:<16} {}\n{:<16} {}", f.id, f.name, "", f.signature)?;
        }
        writeln!(
            out,
            "{:<16} Any other CSV: audit --columns title=COL,username=COL,password=COL,url=COL,...",
            "generic"
        )
    };
    match write() {
        Ok(()) => exit::OK,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => exit::OK,
        Err(e) => fail(e),
    }
}

#[cfg(test)]
mod allocator_tests {
    use super::*;

    /// The option indexes are mimalloc's `purge_delay` and `allow_thp`:
    /// their documented defaults are 1,000 ms and 1 (on) in this version (a
    /// later version that moves an option fails here rather than tuning
    /// another one). One test, as both read the options `tune_allocator`
    /// sets.
    #[test]
    fn the_options_tuned_are_purge_delay_and_allow_thp() {
        let get = |o| {
            // SAFETY: reads an integer option.
            unsafe { libmimalloc_sys::mi_option_get(o) }
        };
        let purge_set = std::env::var_os("MIMALLOC_PURGE_DELAY").is_some();
        let thp_set = std::env::var_os("MIMALLOC_ALLOW_THP").is_some();
        if !purge_set {
            assert_eq!(get(MI_OPTION_PURGE_DELAY), 1000);
        }
        if !thp_set {
            assert_eq!(get(MI_OPTION_ALLOW_THP), 1);
        }
        tune_allocator();
        if !purge_set {
            assert_eq!(get(MI_OPTION_PURGE_DELAY), PURGE_DELAY_MS);
        }
        if !thp_set {
            assert_eq!(get(MI_OPTION_ALLOW_THP), 0);
            #[cfg(target_os = "linux")]
            assert_eq!(
                rustix::thread::transparent_huge_pages_are_disabled().ok(),
                Some(true)
            );
        }
    }
}
