//! Secrets that unlock an encrypted export (a KeePass database, a
//! password-protected Bitwarden export): from a no-echo terminal prompt that
//! names the member and the file, or from `--password-file PATH` /
//! `--password-env NAME` for scheduled runs. Never from an argument.
//!
//! The secret lives in a zeroizing buffer and is dropped as soon as the file
//! is unlocked.

use std::io::IsTerminal;
use std::path::PathBuf;

use zeroize::Zeroizing;

use crate::error::InputError;

/// Where passwords and key files for encrypted exports come from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UnlockSettings {
    /// `--password-file PATH`: the file's first line is the password.
    pub password_file: Option<PathBuf>,
    /// `--password-env NAME`: the environment variable holding the password.
    pub password_env: Option<String>,
    /// `--keyfile PATH`: a KeePass key file.
    pub keyfile: Option<PathBuf>,
    /// Never prompt (tests, scheduled runs): a missing or wrong password is
    /// an error after one try. Prompting also needs a terminal.
    pub no_prompt: bool,
}

/// Tries offered to a person at the terminal before giving up.
const PROMPT_TRIES: usize = 3;

/// One password candidate, or `None` for "no password" (a KeePass database
/// opened with its key file only).
pub type Password = Option<Zeroizing<String>>;

impl UnlockSettings {
    /// True when a password comes from a file or the environment.
    fn has_stored_password(&self) -> bool {
        self.password_file.is_some() || self.password_env.is_some()
    }

    /// The stored password (`--password-file` / `--password-env`), if any.
    fn stored_password(&self) -> Result<Option<Zeroizing<String>>, InputError> {
        if let Some(path) = &self.password_file {
            let data = Zeroizing::new(std::fs::read(path).map_err(|e| InputError::Io {
                path: path.display().to_string(),
                message: format!("cannot read the password file: {e}"),
            })?);
            let text = std::str::from_utf8(&data).map_err(|_| {
                InputError::Usage(format!(
                    "--password-file {}: the password file is not UTF-8 text",
                    path.display()
                ))
            })?;
            // The first line, without its line break.
            let line = text.split(['\n', '\r']).next().unwrap_or("");
            return Ok(Some(Zeroizing::new(line.to_owned())));
        }
        if let Some(name) = &self.password_env {
            let value = std::env::var(name).map_err(|_| {
                InputError::Usage(format!(
                    "--password-env {name}: the environment variable is not set (or not UTF-8)"
                ))
            })?;
            return Ok(Some(Zeroizing::new(value)));
        }
        Ok(None)
    }

    fn can_prompt(&self) -> bool {
        !self.no_prompt && std::io::stderr().is_terminal()
    }

    /// Unlocks `file` (a display name) of `member` with `open`, which
    /// returns `Ok(None)` for a wrong password or key file. A stored password
    /// is tried once; at a terminal the person is asked (up to three times).
    /// `password_optional`: the file may open with no password (a KeePass
    /// key file alone).
    pub fn unlock<T>(
        &self,
        file: &str,
        member: &str,
        password_optional: bool,
        mut open: impl FnMut(&Password) -> Result<Option<T>, InputError>,
    ) -> Result<T, InputError> {
        let wrong = || InputError::WrongPassword {
            path: file.to_owned(),
        };
        if self.has_stored_password() {
            let password = self.stored_password()?;
            return open(&password)?.ok_or_else(wrong);
        }
        if !self.can_prompt() {
            if password_optional {
                return open(&None)?.ok_or_else(wrong);
            }
            return Err(InputError::Locked {
                path: file.to_owned(),
                message: "it is encrypted: give its password with --password-file PATH or --password-env NAME (or run at a terminal to be asked)".into(),
            });
        }
        for _ in 0..PROMPT_TRIES {
            let hint = if password_optional {
                " (empty for key file only)"
            } else {
                ""
            };
            let prompt = format!("password for {member}'s {file}{hint}: ");
            let typed =
                Zeroizing::new(
                    rpassword::prompt_password(prompt).map_err(|e| InputError::Io {
                        path: file.to_owned(),
                        message: format!("cannot read the password from the terminal: {e}"),
                    })?,
                );
            let password = if typed.is_empty() && password_optional {
                None
            } else {
                Some(typed)
            };
            if let Some(v) = open(&password)? {
                return Ok(v);
            }
            eprintln!("vaultlint: wrong password or key file for {file}");
        }
        Err(wrong())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_file_gives_its_first_line_and_is_tried_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pw");
        std::fs::write(&path, "s3cret\r\nignored\n").unwrap();
        let settings = UnlockSettings {
            password_file: Some(path),
            ..Default::default()
        };
        let mut tries = 0;
        let got = settings.unlock("a.kdbx", "alice", false, |p| {
            tries += 1;
            Ok((p.as_deref().map(String::as_str) == Some("s3cret")).then_some(7))
        });
        assert_eq!(got, Ok(7));
        let err = settings
            .unlock("a.kdbx", "alice", false, |_| {
                tries += 1;
                Ok(None::<u8>)
            })
            .unwrap_err();
        assert_eq!(tries, 2, "one try each");
        assert_eq!(err.to_string(), "wrong password or key file for a.kdbx");
    }

    #[test]
    fn without_a_password_and_no_prompt_says_how_to_give_one() {
        let settings = UnlockSettings {
            no_prompt: true,
            ..Default::default()
        };
        let err = settings
            .unlock("a.kdbx", "alice", false, |_| Ok(Some(1)))
            .unwrap_err();
        assert!(err.to_string().contains("--password-file"), "{err}");
        // A key file alone is tried with no password.
        let got = settings.unlock("a.kdbx", "alice", true, |p| Ok(p.is_none().then_some(1)));
        assert_eq!(got, Ok(1));
    }

    #[test]
    fn password_env_names_a_variable() {
        let settings = UnlockSettings {
            password_env: Some("VAULTLINT_TEST_SURELY_UNSET_VAR".into()),
            ..Default::default()
        };
        let err = settings
            .unlock("a.kdbx", "alice", false, |_| Ok(Some(1)))
            .unwrap_err();
        assert!(err.to_string().contains("not set"), "{err}");
    }
}
