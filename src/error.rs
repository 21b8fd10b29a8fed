//! Typed errors of the library. None of them ever holds a cell's text:
//! messages name the file, the line and the problem only.

use thiserror::Error;

/// Bad input: a usage error or an unreadable export (exit code 2).
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum InputError {
    #[error("{path}: cannot read: {message}")]
    Io { path: String, message: String },
    #[error("{path}: the file is empty")]
    Empty { path: String },
    #[error("{path}:{line}: {message}")]
    Malformed {
        path: String,
        line: u64,
        message: String,
    },
    #[error(
        "{path}:1: export format not recognised (first row has {columns} columns); name it with --input-format (see `vaultlint formats`) or map its columns with --columns"
    )]
    Unrecognised { path: String, columns: usize },
    #[error("{path}: {what}")]
    NotCsv { path: String, what: String },
    #[error(
        "{path}: none of the {rows} data row(s) could be imported (line {line}: {reason}); check the format (--input-format) or the --columns mapping"
    )]
    NothingImported {
        path: String,
        rows: usize,
        line: u64,
        reason: String,
    },
    #[error("unknown format '{name}'; `vaultlint formats` lists the supported ones")]
    UnknownFormatName { name: String },
    #[error("wrong password or key file for {path}")]
    WrongPassword { path: String },
    #[error("{path}: {message}")]
    Locked { path: String, message: String },
    #[error("{path}: {message}")]
    Damaged { path: String, message: String },
    #[error("{path}: not a vaultlint JSON report: {why}")]
    NotAReport { path: String, why: String },
    #[error(
        "{path}: a report of JSON schema version {found}; this vaultlint reads version {expected} (audit again with this version)"
    )]
    SchemaVersion {
        path: String,
        found: u64,
        expected: u32,
    },
    #[error("{0}")]
    Usage(String),
}

impl InputError {
    /// Reads a whole file the user named, an unreadable one being
    /// [`InputError::Io`] naming it. Returns the bytes and the path as shown.
    pub fn read_file(path: &std::path::Path) -> Result<(Vec<u8>, String), InputError> {
        let display = path.display().to_string();
        match std::fs::read(path) {
            Ok(data) => Ok((data, display)),
            Err(e) => Err(InputError::Io {
                path: display,
                message: e.to_string(),
            }),
        }
    }
}
