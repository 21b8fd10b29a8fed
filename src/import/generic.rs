//! The generic importer: any CSV, with its columns named by the user:
//! `--columns title=Site,username=Login,password=Pass,url=Address`.
//!
//! A column is named by its header text, or by its 1-based number (`password=3`).
//! When every column is given by number, the file is read as headerless.

use super::{Format, Parsed, Table, header::Header, util};
use crate::model::{Capabilities, EntryKind, FormatInfo};

/// The fields a user can map, in the order they are documented.
pub const TARGETS: &[&str] = &[
    "title", "url", "username", "password", "totp", "notes", "folder",
];

/// Which column holds which field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ColumnMap {
    pairs: Vec<(String, String)>,
}

impl ColumnMap {
    /// Parses `title=Site,password=Pass`. `password` is required.
    pub fn parse(spec: &str) -> Result<Self, String> {
        let mut pairs: Vec<(String, String)> = Vec::new();
        for part in spec.split(',').filter(|p| !p.trim().is_empty()) {
            let (target, column) = part
                .split_once('=')
                .ok_or_else(|| format!("--columns: '{part}' is not FIELD=COLUMN"))?;
            let target = target.trim().to_ascii_lowercase();
            if !TARGETS.contains(&target.as_str()) {
                return Err(format!(
                    "--columns: unknown field '{target}' (expected one of: {})",
                    TARGETS.join(", ")
                ));
            }
            if pairs.iter().any(|(t, _)| *t == target) {
                return Err(format!("--columns: field '{target}' is given twice"));
            }
            pairs.push((target, column.trim().to_owned()));
        }
        if !pairs.iter().any(|(t, _)| t == "password") {
            return Err("--columns: a password=COLUMN mapping is required".into());
        }
        Ok(ColumnMap { pairs })
    }

    fn headerless(&self) -> bool {
        self.pairs.iter().all(|(_, c)| c.parse::<usize>().is_ok())
    }
}

/// The generic importer, built from a [`ColumnMap`].
pub struct Generic {
    map: ColumnMap,
}

impl Generic {
    pub fn new(map: ColumnMap) -> Self {
        Generic { map }
    }

    fn resolve(&self, header: Option<&Header>) -> Result<Vec<(String, usize)>, String> {
        self.map
            .pairs
            .iter()
            .map(|(target, column)| {
                let by_name = header.and_then(|h| h.index(column));
                let by_number = column
                    .parse::<usize>()
                    .ok()
                    .filter(|n| *n >= 1)
                    .map(|n| n - 1);
                by_name
                    .or(by_number)
                    .map(|i| (target.clone(), i))
                    .ok_or_else(|| format!("--columns: no column named '{column}' in the header"))
            })
            .collect()
    }

    /// Checks that every mapped column exists: named in the header, or
    /// given by a number no greater than the widest row.
    pub fn validate(&self, table: &Table) -> Result<(), String> {
        let header = (!self.map.headerless())
            .then(|| super::header_of(table))
            .flatten();
        let columns = self.resolve(header.as_ref())?;
        let widest = table.records.iter().map(|r| r.len()).max().unwrap_or(0);
        for (target, index) in columns {
            if index >= widest {
                return Err(format!(
                    "--columns: {target}={} names column {}, but no row has more than {widest} column(s)",
                    index + 1,
                    index + 1
                ));
            }
        }
        Ok(())
    }
}

/// The format's facts (one place: every list of formats derives from it).
pub const GENERIC: FormatInfo = FormatInfo {
    id: "generic",
    name: "Any CSV, columns named with --columns",
    signature: "--columns title=COL,url=COL,username=COL,password=COL,totp=COL,notes=COL,folder=COL",
    capabilities: Capabilities::NONE,
    ..FormatInfo::BASE
};

impl Format for Generic {
    fn info(&self) -> &'static FormatInfo {
        &GENERIC
    }
    fn capabilities(&self) -> Capabilities {
        Capabilities {
            notes: self.map.pairs.iter().any(|(t, _)| t == "notes"),
            custom_fields: false,
            totp: self.map.pairs.iter().any(|(t, _)| t == "totp"),
            attachments: false,
            history: false,
            passkeys: false,
        }
    }
    fn detect(&self, _table: &Table) -> u8 {
        0
    }
    fn import(&self, table: &Table, out: &mut Parsed) {
        let headerless = self.map.headerless();
        let header = (!headerless).then(|| super::header_of(table)).flatten();
        let Ok(columns) = self.resolve(header.as_ref()) else {
            return;
        };
        let rows = if headerless {
            &table.records[..]
        } else {
            super::data_rows(table)
        };
        let needed = columns.iter().map(|(_, i)| *i).max().unwrap_or(0) + 1;
        for rec in rows {
            out.rows += 1;
            if rec.len() < needed {
                out.skip(
                    rec.line,
                    format!("{} fields, the mapped columns need {needed}", rec.len()),
                );
                continue;
            }
            let cell = |t: &str| {
                columns
                    .iter()
                    .find(|(name, _)| name == t)
                    .map(|(_, i)| rec.get(*i))
                    .unwrap_or("")
            };
            let mut e = util::login(
                rec.line,
                cell("title"),
                cell("url"),
                cell("username"),
                cell("password"),
            );
            e.totp = util::totp(cell("totp"));
            e.notes = cell("notes").into();
            e.folder = util::non_empty(cell("folder"));
            e.deleted = e.folder.as_deref().is_some_and(util::is_trash_path);
            if e.password.is_none() && !e.notes.is_empty() {
                e.kind = EntryKind::Note;
            }
            out.push(e);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::csv_reader;

    #[test]
    fn parse_rejects_bad_specs() {
        assert!(ColumnMap::parse("title=Site").is_err());
        assert!(ColumnMap::parse("password=P,colour=x").is_err());
        assert!(ColumnMap::parse("password=P,password=Q").is_err());
        assert!(ColumnMap::parse("password").is_err());
    }

    #[test]
    fn maps_by_name_and_by_number() {
        let data = b"Site,Login,Pass\nexample.org,ann,s3cret!\n";
        let t = csv_reader::read(data, Default::default()).unwrap();
        let g = Generic::new(ColumnMap::parse("title=Site,username=Login,password=Pass").unwrap());
        let mut out = Parsed::default();
        g.import(&t, &mut out);
        assert_eq!(out.entries.len(), 1);
        assert_eq!(out.entries[0].username, "ann");
        assert_eq!(out.entries[0].password(), Some("s3cret!"));

        let g = Generic::new(ColumnMap::parse("title=1,password=3").unwrap());
        let mut out = Parsed::default();
        g.import(&t, &mut out);
        assert_eq!(out.entries.len(), 2, "headerless: the first row is data");
    }

    #[test]
    fn unknown_column_is_an_error() {
        let t = csv_reader::read(b"A,B\n1,2\n", Default::default()).unwrap();
        let g = Generic::new(ColumnMap::parse("password=Pass").unwrap());
        assert!(g.validate(&t).unwrap_err().contains("'Pass'"));
    }

    #[test]
    fn column_number_beyond_every_row_is_an_error() {
        let t = csv_reader::read(
            b"Site,Login,Pass\nBank,joe,pw\nMail,ann,pw2,extra\n",
            Default::default(),
        )
        .unwrap();
        let g = Generic::new(ColumnMap::parse("title=1,password=3,url=9").unwrap());
        let err = g.validate(&t).unwrap_err();
        assert!(
            err.contains("url=9") && err.contains("more than 4 column(s)"),
            "{err}"
        );
        let g = Generic::new(ColumnMap::parse("title=1,password=3,url=4").unwrap());
        assert!(g.validate(&t).is_ok());
    }
}
