//! One typed `Settings`, resolved from what the user typed, so the clap
//! types never travel into the library.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::checks::recovery::RecoverySettings;
use crate::finding::{CheckId, FindingKind};
use crate::import::FormatChoice;
use crate::policy::Ignore;
use crate::pwned::PwnedSettings;
use crate::report::Severity;

/// One export to audit and whose it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    pub path: PathBuf,
    pub member: String,
}

/// The exit policy and the finding rules of a policy file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// Findings at or above this severity fail the run (exit 1).
    pub fail_on: Severity,
    /// Exit 0 even when findings reach `fail_on`.
    pub exit_zero: bool,
    /// Exit normally when a check stayed incomplete (instead of 3).
    pub allow_incomplete: bool,
    /// Severity overrides per finding kind.
    pub severity: BTreeMap<FindingKind, Severity>,
    /// Accepted risks, by finding fingerprint.
    pub ignore: Vec<Ignore>,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            fail_on: Severity::High,
            exit_zero: false,
            allow_incomplete: false,
            severity: BTreeMap::new(),
            ignore: Vec::new(),
        }
    }
}

/// How the terminal report looks, resolved once with the other settings.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Terminal {
    /// Use ANSI colour.
    pub color: bool,
    /// Terminal width to fit, if known.
    pub width: Option<u16>,
}

impl Terminal {
    /// Colour as asked (`Some`), else only on a terminal with `NO_COLOR`
    /// unset; the width only when the report goes to a terminal.
    pub fn resolve(color: Option<bool>, to_stdout: bool) -> Terminal {
        use std::io::IsTerminal;
        let on_terminal = to_stdout && std::io::stdout().is_terminal();
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Terminal {
            color: color.unwrap_or(on_terminal && !no_color),
            width: if on_terminal {
                comfy_table::Table::new().width()
            } else {
                None
            },
        }
    }
}

/// Everything an audit run needs to know.
#[derive(Debug, Clone)]
pub struct Settings {
    pub inputs: Vec<Input>,
    pub format: FormatChoice,
    /// The exports' encoding (`--encoding`); detected per file when `None`.
    pub encoding: Option<&'static encoding_rs::Encoding>,
    /// Checks to run, in order.
    pub checks: Vec<CheckId>,
    /// Passwords and key files for encrypted exports.
    pub unlock: crate::import::unlock::UnlockSettings,
    pub policy: Policy,
    pub pwned: PwnedSettings,
    pub recovery: RecoverySettings,
    pub site_breach: crate::checks::site_breach::SiteBreachSettings,
    pub passkeys: crate::checks::passkeys::PasskeySettings,
    /// Colour and width of the terminal report.
    pub terminal: Terminal,
    /// The time of the audit (`generated_at`, policy expiry dates): now, or
    /// `SOURCE_DATE_EPOCH` when set, so that reports are byte-stable.
    pub now: chrono::DateTime<chrono::Utc>,
    /// `--baseline`: the previous report to compare with.
    pub baseline: Option<BaselineSettings>,
}

/// `--baseline OLD.json` and `--fail-on-new`.
#[derive(Debug, Clone)]
pub struct BaselineSettings {
    pub previous: crate::report::delta::Previous,
    /// Judge only the findings new or worse since the baseline.
    pub fail_on_new: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            inputs: Vec::new(),
            format: FormatChoice::Auto,
            encoding: None,
            checks: CheckId::ALL.to_vec(),
            unlock: Default::default(),
            policy: Policy::default(),
            pwned: PwnedSettings::default(),
            recovery: RecoverySettings::default(),
            site_breach: Default::default(),
            baseline: None,
            passkeys: Default::default(),
            terminal: Terminal::default(),
            now: chrono::Utc::now(),
        }
    }
}

/// The environment variable that fixes the audit's clock (seconds since
/// 1970, as in reproducible builds).
pub const CLOCK_ENV: &str = "SOURCE_DATE_EPOCH";

/// The audit's time: `SOURCE_DATE_EPOCH` when set (a usage error when it is
/// not a number of seconds), else now.
pub fn now_from_env() -> Result<chrono::DateTime<chrono::Utc>, crate::error::InputError> {
    match std::env::var(CLOCK_ENV) {
        Ok(v) if !v.trim().is_empty() => v
            .trim()
            .parse::<i64>()
            .ok()
            .and_then(|secs| chrono::DateTime::from_timestamp(secs, 0))
            .ok_or_else(|| {
                crate::error::InputError::Usage(format!(
                    "{CLOCK_ENV}: '{v}' is not a time in seconds since 1970"
                ))
            }),
        _ => Ok(chrono::Utc::now()),
    }
}

impl Settings {
    pub fn runs(&self, check: CheckId) -> bool {
        self.checks.contains(&check)
    }
}

/// Parses `NAME=PATH` or `PATH` arguments into inputs. The member defaults to
/// the file stem; when two files share a stem, the parent folder is prefixed.
pub fn parse_inputs(args: &[String]) -> Vec<Input> {
    let mut inputs: Vec<(Option<String>, PathBuf)> = args
        .iter()
        .map(|arg| match arg.split_once('=') {
            Some((name, path))
                if !name.is_empty()
                    && !name.contains(['/', '\\'])
                    && !std::path::Path::new(arg).exists() =>
            {
                (Some(name.to_owned()), PathBuf::from(path))
            }
            _ => (None, PathBuf::from(arg)),
        })
        .collect();
    let stem = |p: &PathBuf| {
        if p.as_os_str() == crate::import::STDIN {
            return "stdin".to_owned();
        }
        p.file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| p.display().to_string())
    };
    // An export made of fixed file names (Dashlane's ZIP): its files belong to
    // the member named by the folder they were unpacked into.
    let stems: Vec<String> = inputs
        .iter()
        .map(|(_, p)| {
            let s = stem(p);
            let fixed_name =
                crate::import::multi_file_stems().any(|stem| stem.eq_ignore_ascii_case(&s));
            match p.parent().and_then(|d| d.file_name()) {
                Some(dir) if fixed_name => dir.to_string_lossy().into_owned(),
                _ => s,
            }
        })
        .collect();
    inputs
        .drain(..)
        .enumerate()
        .map(|(k, (name, path))| {
            let member = name.unwrap_or_else(|| {
                let s = &stems[k];
                let clash = stems.iter().filter(|t| *t == s).count() > 1;
                match path.parent().and_then(|p| p.file_name()) {
                    Some(parent) if clash && parent.to_string_lossy() != *s => {
                        format!("{}/{s}", parent.to_string_lossy())
                    }
                    _ => s.clone(),
                }
            });
            Input { path, member }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_stems() {
        let inputs = parse_inputs(&[
            "alice=exports/a.csv".into(),
            "x/export.csv".into(),
            "y/export.csv".into(),
            "bob.csv".into(),
        ]);
        let members: Vec<&str> = inputs.iter().map(|i| i.member.as_str()).collect();
        assert_eq!(members, vec!["alice", "x/export", "y/export", "bob"]);
        assert_eq!(inputs[0].path, PathBuf::from("exports/a.csv"));
        let dashlane = parse_inputs(&[
            "dl-ann/credentials.csv".into(),
            "dl-ann/securenotes.csv".into(),
        ]);
        assert!(
            dashlane.iter().all(|i| i.member == "dl-ann"),
            "{dashlane:?}"
        );
    }
}
