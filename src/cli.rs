//! Command-line types (clap derive) and their resolution into [`Settings`].
//! Nothing here does work: `main.rs` parses, resolves, runs and exits.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::error::InputError;
use crate::finding::CheckId;
use crate::import::{FormatChoice, format_by_id, generic::ColumnMap};
use crate::render::ReportFormat;
use crate::report::Severity;
use crate::settings::{Policy, Settings, Terminal, parse_inputs};

const EXIT_CODES: &str = "\
Exit codes:
  0  audit complete, no finding at or above --fail-on
  1  findings at or above --fail-on (default: high)
  2  usage or input error (the message names the file and line)
  3  the audit could not complete: some results are unknown, or rows could not be read
     (see --allow-incomplete)";

/// Audit password-manager exports for reused, tweaked, weak and breached
/// passwords, and for 2FA accounts that could lock you out.
#[derive(Debug, Parser)]
#[command(name = "vaultlint", version, about, after_help = EXIT_CODES)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Audit one or more exports (each file is one member of a family or team).
    #[command(after_help = EXIT_CODES)]
    Audit(Box<AuditArgs>),
    /// List the supported export formats and the header that identifies each.
    Formats,
    /// Combine per-member JSON reports into one family or team report (each
    /// member audits their own export and shares only the report). Reuse
    /// across members needs the exports together: a merged report marks it
    /// as not checked.
    #[command(after_help = EXIT_CODES)]
    Merge(MergeArgs),
    /// Have I Been Pwned tools: verify a local dataset, serve a mirror of the range API.
    Pwned {
        #[command(subcommand)]
        command: PwnedCommand,
    },
    /// 2FA directory tools.
    #[command(name = "2fa")]
    TwoFactor {
        #[command(subcommand)]
        command: TwoFactorCommand,
    },
    /// Have I Been Pwned's list of breached sites (the site_breach check).
    Breaches {
        #[command(subcommand)]
        command: BreachesCommand,
    },
    /// 2factorauth's Passkeys Directory (the passkey_available check).
    Passkeys {
        #[command(subcommand)]
        command: PasskeysCommand,
    },
}

/// `vaultlint passkeys ...`
#[derive(Debug, Subcommand)]
pub enum PasskeysCommand {
    /// Download the full Passkeys Directory (API v1 all.json) to a file for
    /// --passkeys (nothing from your exports is sent).
    Update(PasskeysUpdateArgs),
}

#[derive(Debug, Args)]
pub struct PasskeysUpdateArgs {
    /// Where to write the directory (then audit with --passkeys FILE).
    #[arg(
        long,
        short = 'o',
        value_name = "FILE",
        default_value = "passkeys.json"
    )]
    pub output: PathBuf,

    /// Where to download it from (the Passkeys Directory API v1 `all.json`).
    #[arg(long, value_name = "URL", default_value = crate::passkeys::DEFAULT_URL)]
    pub url: String,
}

/// `vaultlint breaches ...`
#[derive(Debug, Subcommand)]
pub enum BreachesCommand {
    /// Download the current breach list to a file for --breaches (no key
    /// needed; nothing from your exports is sent).
    Update(BreachesUpdateArgs),
}

#[derive(Debug, Args)]
pub struct BreachesUpdateArgs {
    /// Where to write the list (then audit with --breaches FILE).
    #[arg(
        long,
        short = 'o',
        value_name = "FILE",
        default_value = "hibp-breaches.json"
    )]
    pub output: PathBuf,

    /// Where to download it from (Have I Been Pwned's breach list API).
    #[arg(long, value_name = "URL", default_value = crate::breaches::DEFAULT_URL)]
    pub url: String,
}

// ---- pwned -------------------------------------------------------------

/// `vaultlint pwned ...`
#[derive(Debug, Subcommand)]
pub enum PwnedCommand {
    /// Serve GET /range/{prefix} from a local dataset (a mirror for a family or team).
    Serve(PwnedServeArgs),
    /// Check a whole dataset in one pass: every line's format, the order,
    /// that every prefix has rows. Exit 0 when valid, 2 when not (a dataset
    /// failing it must not be trusted).
    Verify(PwnedVerifyArgs),
}

/// `vaultlint pwned verify`.
#[derive(Debug, Args)]
pub struct PwnedVerifyArgs {
    /// The dataset: the single file ordered by hash or the directory of
    /// XXXXX.txt range files.
    #[arg(value_name = "DATASET")]
    pub dataset: PathBuf,
}

/// `vaultlint pwned serve`.
#[derive(Debug, Args)]
pub struct PwnedServeArgs {
    /// The dataset to serve: the single file ordered by hash or the
    /// directory of XXXXX.txt range files (SHA-1, not NTLM).
    #[arg(long, value_name = "PATH")]
    pub dataset: PathBuf,

    /// Address to listen on. Use 0.0.0.0:8787 to serve other machines.
    #[arg(long, value_name = "HOST:PORT", default_value = "127.0.0.1:8787")]
    pub listen: String,

    /// Answer requests that ask for padding (`Add-Padding: true`) with
    /// 800-1,000 rows, decoys having count 0, as the public API does.
    #[arg(long)]
    pub padding: bool,

    /// Compress answers with gzip for clients that accept it. Worth it over
    /// a slow link (Wi-Fi, VPN); over a fast LAN it costs both ends more CPU
    /// than it saves.
    #[arg(long)]
    pub gzip: bool,

    /// Close a connection that has not sent a request's headers within this
    /// time (new, or idle between two requests).
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = crate::pwned::parse_duration)]
    pub idle_timeout: std::time::Duration,

    /// Connections open at once; more get 503 and are closed.
    #[arg(long, value_name = "N", default_value_t = 512, value_parser = clap::value_parser!(u32).range(1..))]
    pub max_connections: u32,

    /// Connections open at once from one address; more get 503 and are closed.
    #[arg(long, value_name = "N", default_value_t = 64, value_parser = clap::value_parser!(u32).range(1..))]
    pub max_connections_per_client: u32,

    /// On Ctrl-C or SIGTERM, how long requests in flight may take before
    /// every connection is closed and the mirror exits.
    #[arg(long, value_name = "DURATION", default_value = "5s", value_parser = crate::pwned::parse_duration)]
    pub shutdown_timeout: std::time::Duration,

    /// Check the whole dataset before serving (as `vaultlint pwned verify`;
    /// minutes on the full corpus). By default a quick check runs: the
    /// ends of the dataset and a random sample of prefixes.
    #[arg(long)]
    pub verify: bool,

    /// Delay every answer (benchmarks of clients over a slow link).
    #[arg(long, value_name = "DURATION", default_value = "0ms", value_parser = crate::pwned::parse_duration, hide = true)]
    pub latency: std::time::Duration,
}

impl PwnedServeArgs {
    pub fn settings(&self) -> crate::pwned::serve::ServeSettings {
        crate::pwned::serve::ServeSettings {
            dataset: self.dataset.clone(),
            listen: self.listen.clone(),
            verify: self.verify,
            options: crate::pwned::serve::ServeOptions {
                padding: self.padding,
                gzip: self.gzip,
                latency: self.latency,
                idle_timeout: self.idle_timeout,
                max_connections: self.max_connections as usize,
                max_per_client: self.max_connections_per_client as usize,
                shutdown_deadline: self.shutdown_timeout,
            },
        }
    }
}

/// Where `--pwned` sends lookups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PwnedMode {
    /// Ask the range API (Have I Been Pwned, or --pwned-url), or look up
    /// --pwned-dataset when given.
    Online,
    /// Do not check; every report says the check was skipped.
    Off,
}

/// Breach-check options of `vaultlint audit`.
#[derive(Debug, Args)]
#[command(next_help_heading = "Breach lookups (pwned)")]
pub struct PwnedArgs {
    /// Check passwords against Have I Been Pwned. Only the first 5
    /// characters of each password's SHA-1 are sent, with padding;
    /// `off` skips the check.
    #[arg(long = "pwned", value_enum, value_name = "MODE", default_value_t = PwnedMode::Online, env = "VAULTLINT_PWNED")]
    pub mode: PwnedMode,

    /// Base URL of a server implementing the range API, such as a mirror
    /// run with `vaultlint pwned serve` [default: https://api.pwnedpasswords.com].
    #[arg(long, value_name = "URL")]
    pub pwned_url: Option<String>,

    /// Look passwords up in a downloaded dataset instead, with no network:
    /// the single file ordered by hash, or the directory of XXXXX.txt
    /// range files (SHA-1 variant).
    #[arg(long, value_name = "PATH", conflicts_with = "pwned_url")]
    pub pwned_dataset: Option<PathBuf>,

    /// Requests in flight at once.
    #[arg(long, value_name = "N", default_value_t = 32, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub pwned_concurrency: u16,

    /// Timeout of one request (e.g. 30s, 1500ms).
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = crate::pwned::parse_duration)]
    pub pwned_timeout: std::time::Duration,

    /// Timeout to connect to the server.
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = crate::pwned::parse_duration)]
    pub pwned_connect_timeout: std::time::Duration,

    /// Retries of a failed request (timeouts, connection errors, cut-off
    /// answers, 429, 5xx) before its accounts are reported unknown.
    #[arg(long, value_name = "N", default_value_t = 4)]
    pub pwned_retries: u32,

    /// First wait between retries; doubled each time, with jitter, and never
    /// shorter than the server's Retry-After.
    #[arg(long, value_name = "DURATION", default_value = "500ms", value_parser = crate::pwned::parse_duration)]
    pub pwned_backoff: std::time::Duration,

    /// Longest wait between retries; a server asking for longer
    /// (Retry-After) makes its accounts unknown at once.
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = crate::pwned::parse_duration)]
    pub pwned_max_wait: std::time::Duration,

    /// Keep fetched ranges in DIR (files 0600) and reuse them. Off by
    /// default: the prefixes in a cache narrow down the passwords they came
    /// from, so keep DIR as private as the exports themselves.
    #[arg(long, value_name = "DIR")]
    pub pwned_cache: Option<PathBuf>,

    /// How long a cached range is used without asking the server (then it
    /// is revalidated).
    #[arg(long, value_name = "DURATION", default_value = "7d", value_parser = crate::pwned::parse_duration)]
    pub pwned_cache_ttl: std::time::Duration,
}

impl PwnedArgs {
    /// Resolves the options; a dataset is opened once here so that a wrong
    /// file (NTLM, unsorted ends, not a dataset) is a usage error (exit 2).
    pub fn settings(&self) -> Result<crate::pwned::PwnedSettings, InputError> {
        use crate::pwned::{CacheSettings, PwnedSettings, SourceChoice};
        let source = match (self.mode, &self.pwned_dataset, &self.pwned_url) {
            (PwnedMode::Off, None, _) => SourceChoice::Off,
            (PwnedMode::Off, Some(_), _) => {
                return Err(InputError::Usage(
                    "--pwned off and --pwned-dataset contradict each other".into(),
                ));
            }
            (PwnedMode::Online, Some(path), _) => {
                crate::pwned::dataset::Dataset::open(path)
                    .map_err(|e| InputError::Usage(format!("--pwned-dataset {e}")))?;
                SourceChoice::Dataset { path: path.clone() }
            }
            (PwnedMode::Online, None, url) => {
                let text = url.as_deref().unwrap_or(crate::pwned::DEFAULT_URL);
                let url = url::Url::parse(text)
                    .map_err(|e| InputError::Usage(format!("--pwned-url '{text}': {e}")))?;
                crate::pwned::online::check_base(&url)
                    .map_err(|e| InputError::Usage(format!("--pwned-url {e}")))?;
                SourceChoice::Online { url }
            }
        };
        Ok(PwnedSettings {
            source,
            concurrency: usize::from(self.pwned_concurrency),
            timeout: self.pwned_timeout,
            connect_timeout: self.pwned_connect_timeout,
            retries: self.pwned_retries,
            backoff: self.pwned_backoff,
            max_wait: self.pwned_max_wait,
            cache: self.pwned_cache.as_ref().map(|dir| CacheSettings {
                dir: dir.clone(),
                ttl: self.pwned_cache_ttl,
            }),
        })
    }
}

// ---- recovery ----------------------------------------------------------

/// `vaultlint 2fa ...`
#[derive(Debug, Subcommand)]
pub enum TwoFactorCommand {
    /// Download the 2fa.directory dataset to a file for --2fa-directory.
    Update(TwoFactorUpdateArgs),
}

#[derive(Debug, Args)]
pub struct TwoFactorUpdateArgs {
    /// Where to write the dataset (then audit with --2fa-directory FILE).
    #[arg(
        long,
        short = 'o',
        value_name = "FILE",
        default_value = "2fa-directory.json"
    )]
    pub output: PathBuf,

    /// Where to download it from (the 2fa.directory API v3 `all.json`).
    #[arg(long, value_name = "URL", default_value = crate::tfa_directory::DEFAULT_URL)]
    pub url: String,
}

/// Recovery-check options of `vaultlint audit`.
#[derive(Debug, Args)]
pub struct RecoveryArgs {
    /// A TOML or CSV file listing where backup codes are kept outside the
    /// vault (site, where, date; see docs/recovery.md).
    #[arg(long, value_name = "FILE")]
    pub recovery_inventory: Option<PathBuf>,

    /// The 2fa.directory dataset (API v3 JSON, from `vaultlint 2fa update`),
    /// asked before the built-in table of 2FA services.
    #[arg(long = "2fa-directory", value_name = "FILE")]
    pub two_factor_directory: Option<PathBuf>,

    /// Have I Been Pwned's breach list (from `vaultlint breaches update`),
    /// instead of the built-in snapshot, for the site_breach check.
    #[arg(long, value_name = "FILE")]
    pub breaches: Option<PathBuf>,

    /// 2factorauth's Passkeys Directory (API v1 JSON, from `vaultlint
    /// passkeys update`), asked before the built-in table, for the
    /// passkey_available check.
    #[arg(long, value_name = "FILE")]
    pub passkeys: Option<PathBuf>,
}

impl RecoveryArgs {
    /// The breach list of `--breaches FILE` (loaded now, so a bad file is an
    /// input error before any check runs), else the built-in snapshot.
    pub fn site_breach(
        &self,
    ) -> Result<crate::checks::site_breach::SiteBreachSettings, InputError> {
        let Some(path) = &self.breaches else {
            return Ok(Default::default());
        };
        let list = crate::breaches::BreachList::load(path)?;
        Ok(crate::checks::site_breach::SiteBreachSettings {
            list: Some(std::sync::Arc::new(list)),
            origin: Some(path.display().to_string()),
        })
    }

    /// The directory of `--passkeys FILE` (loaded now, so a bad file is an
    /// input error before any check runs).
    pub fn passkeys(&self) -> Result<crate::checks::passkeys::PasskeySettings, InputError> {
        let Some(path) = &self.passkeys else {
            return Ok(Default::default());
        };
        let dir = crate::passkeys::PasskeyDirectory::load(path)?;
        Ok(crate::checks::passkeys::PasskeySettings {
            directory: Some(std::sync::Arc::new(dir)),
            origin: Some(path.display().to_string()),
        })
    }

    /// Reads the inventory and directory files now, so a bad file is an
    /// input error (naming the file and line) before any check runs.
    pub fn settings(&self) -> Result<crate::checks::recovery::RecoverySettings, InputError> {
        use crate::checks::recovery::{Inventory, RecoverySettings};
        use std::sync::Arc;
        let inventory = self.recovery_inventory.as_deref().map(|path| {
            let text = std::fs::read_to_string(path).map_err(|e| InputError::Io {
                path: path.display().to_string(),
                message: e.to_string(),
            })?;
            Inventory::parse(&text, path)
        });
        let directory = self
            .two_factor_directory
            .as_deref()
            .map(crate::tfa_directory::Directory::load);
        Ok(RecoverySettings {
            inventory: inventory.transpose()?.map(Arc::new),
            directory: directory.transpose()?.map(Arc::new),
        })
    }
}

// ---- audit -----------------------------------------------------------------

/// When to colour terminal output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when stdout is a terminal and NO_COLOR is not set.
    Auto,
    Always,
    Never,
}

#[derive(Debug, Args)]
pub struct UnlockArgs {
    /// Read the password of encrypted exports (KeePass .kdbx) from the first
    /// line of FILE instead of asking at the terminal.
    #[arg(long, value_name = "FILE", conflicts_with = "password_env")]
    pub password_file: Option<PathBuf>,

    /// Read the password of encrypted exports from the environment variable
    /// NAME instead of asking at the terminal.
    #[arg(long, value_name = "NAME")]
    pub password_env: Option<String>,

    /// KeePass key file (XML v1/v2, 32/64-byte or hashed) for .kdbx inputs.
    #[arg(long, value_name = "FILE")]
    pub keyfile: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Export files to audit, as PATH or NAME=PATH. NAME is the member the
    /// file belongs to (default: the file name without extension). Reuse
    /// across members is reported separately.
    #[arg(value_name = "EXPORT", required = true)]
    pub exports: Vec<String>,

    /// Read every file as this format instead of detecting it from the
    /// header (see `vaultlint formats`).
    #[arg(long, value_name = "NAME")]
    pub input_format: Option<String>,

    /// Read an export of any other tool by naming its columns, e.g.
    /// `title=Site,username=Login,password=Pass,url=Address`. Fields: title,
    /// url, username, password (required), totp, notes, folder. A column is
    /// a header name or a 1-based number (all numbers: no header row).
    #[arg(long, value_name = "MAPPING", conflicts_with = "input_format")]
    pub columns: Option<String>,

    /// Read the exports as this encoding (e.g. windows-1252, iso-8859-15,
    /// utf-8, utf-16le, shift_jis) instead of detecting it.
    #[arg(long, value_name = "NAME")]
    pub encoding: Option<String>,

    #[command(flatten)]
    pub unlock: Box<UnlockArgs>,

    /// Report format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
    pub format: ReportFormat,

    /// Write the report to FILE instead of stdout (created 0600: readable
    /// by you only).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Exit 1 when a finding is at or above this severity [default: high].
    #[arg(long, value_name = "SEVERITY", value_parser = parse_severity)]
    pub fail_on: Option<Severity>,

    /// Read rules from a TOML policy file (fail_on, only/skip, severity per
    /// finding kind, accepted risks by fingerprint); flags override it. See
    /// docs/policy.md.
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,

    /// Write the report and exit 0 even when findings reach --fail-on (the
    /// verdict still says FAIL).
    #[arg(long)]
    pub exit_zero: bool,

    /// Exit normally (not 3) when a check could not complete or export rows
    /// could not be read; the report still marks them unknown and the
    /// verdict still says INCOMPLETE.
    #[arg(long)]
    pub allow_incomplete: bool,

    /// Run only these checks (comma-separated; the list is generated from the
    /// check registry).
    #[arg(long, value_name = "CHECKS", value_delimiter = ',', help = only_help())]
    pub only: Vec<String>,

    /// Skip these checks (comma-separated).
    #[arg(long, value_name = "CHECKS", value_delimiter = ',')]
    pub skip: Vec<String>,

    /// Terminal table: show the whole plan and every finding, not only each
    /// member's top 10 accounts to fix.
    #[arg(long)]
    pub all: bool,

    /// When to use colour in the terminal table.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    #[command(flatten)]
    pub pwned: Box<PwnedArgs>,

    #[command(flatten)]
    pub recovery: RecoveryArgs,

    #[command(flatten)]
    pub baseline: Box<BaselineArgs>,
}

/// Comparison with a previous report (scheduled runs).
#[derive(Debug, Args)]
#[command(next_help_heading = "Scheduled runs")]
pub struct BaselineArgs {
    /// Compare with a previous JSON report (`--format json`) and report what
    /// is new, worse and fixed since then, in every format.
    #[arg(long, value_name = "OLD.json")]
    pub baseline: Option<PathBuf>,

    /// With --baseline: fail (exit 1) only on findings new or worse since the
    /// baseline at or above --fail-on.
    #[arg(long, requires = "baseline")]
    pub fail_on_new: bool,
}

impl BaselineArgs {
    /// Reads the baseline now, so that a bad file is an input error (exit 2)
    /// before any check runs.
    pub fn settings(&self) -> Result<Option<crate::settings::BaselineSettings>, InputError> {
        let Some(path) = &self.baseline else {
            return Ok(None);
        };
        Ok(Some(crate::settings::BaselineSettings {
            previous: crate::report::delta::Previous::read(path)?,
            fail_on_new: self.fail_on_new,
        }))
    }
}

/// `vaultlint merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// JSON reports of `vaultlint audit --format json`, as FILE or NAME=FILE
    /// (NAME renames the member of a one-member report: two reports may not
    /// have the same member).
    #[arg(value_name = "REPORT", required = true)]
    pub reports: Vec<String>,

    /// Report format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
    pub format: ReportFormat,

    /// Write the report to FILE instead of stdout (created 0600: readable
    /// by you only).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Exit 1 when a finding is at or above this severity [default: high].
    #[arg(long, value_name = "SEVERITY", value_parser = parse_severity)]
    pub fail_on: Option<Severity>,

    /// Exit 0 even when findings reach --fail-on (the verdict still says FAIL).
    #[arg(long)]
    pub exit_zero: bool,

    /// Exit normally (not 3) when a member's report was incomplete (the
    /// verdict still says INCOMPLETE).
    #[arg(long)]
    pub allow_incomplete: bool,

    /// Terminal table: show the whole plan and every finding, not only each
    /// member's top 10 accounts to fix.
    #[arg(long)]
    pub all: bool,

    /// When to use colour in the terminal table.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    #[command(flatten)]
    pub baseline: BaselineArgs,
}

impl MergeArgs {
    /// Colour and width of the terminal report.
    pub fn terminal(&self) -> crate::settings::Terminal {
        let color = match self.color {
            ColorChoice::Always => Some(true),
            ColorChoice::Never => Some(false),
            ColorChoice::Auto => None,
        };
        crate::settings::Terminal::resolve(color, self.output.is_none())
    }

    pub fn policy(&self) -> Policy {
        Policy {
            fail_on: self.fail_on.unwrap_or(Severity::High),
            exit_zero: self.exit_zero,
            allow_incomplete: self.allow_incomplete,
            ..Policy::default()
        }
    }
}

/// `--only`'s help: every check's name, from the registry.
fn only_help() -> String {
    format!(
        "Run only these checks (comma-separated): {}",
        CheckId::names()
    )
}

fn parse_severity(s: &str) -> Result<Severity, String> {
    Severity::parse(s)
        .ok_or_else(|| format!("'{s}' is not one of info, low, medium, high, critical"))
}

fn parse_checks(names: &[String], flag: &str) -> Result<Vec<CheckId>, InputError> {
    names
        .iter()
        .filter(|n| !n.trim().is_empty())
        .map(|n| {
            CheckId::parse(n).ok_or_else(|| {
                InputError::Usage(format!(
                    "{flag}: unknown check '{n}' (known: {})",
                    CheckId::names()
                ))
            })
        })
        .collect()
}

impl AuditArgs {
    /// Resolves what the user typed into [`Settings`].
    pub fn settings(&self) -> Result<Settings, InputError> {
        let format = match (&self.input_format, &self.columns) {
            (Some(name), _) => {
                if crate::import::structured_by_id(name).is_none() {
                    format_by_id(name)
                        .ok_or_else(|| InputError::UnknownFormatName { name: name.clone() })?;
                }
                FormatChoice::Named(name.clone())
            }
            (None, Some(spec)) => {
                FormatChoice::Columns(ColumnMap::parse(spec).map_err(InputError::Usage)?)
            }
            (None, None) => FormatChoice::Auto,
        };
        let file = match &self.policy {
            Some(path) => crate::policy::load(path)?,
            None => crate::policy::PolicyFile::default(),
        };
        let mut only = parse_checks(&self.only, "--only")?;
        if only.is_empty() {
            only = file.only.clone();
        }
        let mut skip = parse_checks(&self.skip, "--skip")?;
        if skip.is_empty() {
            skip = file.skip.clone();
        }
        let checks = CheckId::ALL
            .iter()
            .copied()
            .filter(|c| only.is_empty() || only.contains(c))
            .filter(|c| !skip.contains(c))
            .collect();
        let encoding = match &self.encoding {
            Some(name) => Some(
                encoding_rs::Encoding::for_label(name.trim().as_bytes()).ok_or_else(|| {
                    InputError::Usage(format!(
                        "--encoding: unknown encoding '{name}' (e.g. utf-8, windows-1252, iso-8859-15, utf-16le, shift_jis)"
                    ))
                })?,
            ),
            None => None,
        };
        Ok(Settings {
            inputs: parse_inputs(&self.exports),
            format,
            encoding,
            checks,
            unlock: crate::import::unlock::UnlockSettings {
                password_file: self.unlock.password_file.clone(),
                password_env: self.unlock.password_env.clone(),
                keyfile: self.unlock.keyfile.clone(),
                no_prompt: false,
            },
            policy: Policy {
                fail_on: self.fail_on.or(file.fail_on).unwrap_or(Severity::High),
                exit_zero: self.exit_zero || file.exit_zero.unwrap_or(false),
                allow_incomplete: self.allow_incomplete || file.allow_incomplete.unwrap_or(false),
                severity: file.severity,
                ignore: file.ignore,
            },
            pwned: self.pwned.settings()?,
            recovery: self.recovery.settings()?,
            site_breach: self.recovery.site_breach()?,
            baseline: self.baseline.settings()?,
            passkeys: self.recovery.passkeys()?,
            terminal: Terminal::resolve(
                match self.color {
                    ColorChoice::Always => Some(true),
                    ColorChoice::Never => Some(false),
                    ColorChoice::Auto => None,
                },
                self.output.is_none(),
            ),
            now: crate::settings::now_from_env()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(v: &[&str]) -> AuditArgs {
        let mut all = vec!["vaultlint", "audit"];
        all.extend_from_slice(v);
        match Cli::try_parse_from(all).unwrap().command {
            Command::Audit(a) => *a,
            _ => unreachable!(),
        }
    }

    #[test]
    fn only_and_skip_select_checks() {
        let s = args(&[
            "x.csv",
            "--only",
            "reuse,insecure_url",
            "--skip",
            "insecure_url",
        ])
        .settings()
        .unwrap();
        assert_eq!(s.checks, vec![CheckId::Reuse]);
        assert!(args(&["x.csv", "--only", "nope"]).settings().is_err());
    }

    #[test]
    fn unknown_format_name_is_a_usage_error() {
        assert!(
            args(&["x.csv", "--input-format", "nope"])
                .settings()
                .is_err()
        );
        assert!(
            args(&["x.csv", "--input-format", "edge"])
                .settings()
                .is_ok()
        );
    }

    #[test]
    fn fail_on_parses() {
        assert_eq!(
            args(&["x.csv", "--fail-on", "medium"]).fail_on,
            Some(Severity::Medium)
        );
        assert!(Cli::try_parse_from(["vaultlint", "audit", "x.csv", "--fail-on", "bad"]).is_err());
    }
}
