//! Helpers for the formats recognised by the shape of their rows rather than
//! by a header row (Keeper, Enpass): they must never claim a file whose first
//! row is some other format's header.

use super::{FORMATS, Record, Table, all_formats, header};
use crate::model::Layout;

/// True when `record` reads like a header row rather than data: at least
/// three distinct cells are known column names and no cell holds an e-mail
/// address, a URL or a line break. Column names are the formats'
/// [`crate::model::FormatInfo::header_words`]. Headerless formats (Keeper, Enpass) use it
/// so that they never claim a file whose first row is a header.
pub fn looks_like_header(record: &Record) -> bool {
    let mut known: Vec<String> = Vec::new();
    for cell in record.cells() {
        if cell.contains(['@', '\n', '\r']) || cell.contains("://") {
            return false;
        }
        let name = header::normalize(cell);
        let is_column = all_formats().any(|f| f.header_words.contains(&name.as_str()));
        if is_column && !known.contains(&name) {
            known.push(name);
        }
    }
    known.len() >= 3
}

/// True when a format identified by its header row recognises the first row of `table`, or the first row
/// looks like a header anyway ([`looks_like_header`]).
pub fn first_row_is_header(table: &Table) -> bool {
    let Some(first) = table.first() else {
        return false;
    };
    looks_like_header(first)
        || FORMATS
            .iter()
            .filter(|f| f.info().layout == Layout::HeaderRow)
            .any(|f| f.detect(table) > 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::csv_reader;

    fn first(data: &[u8]) -> Table {
        csv_reader::read(data, Default::default()).unwrap()
    }

    #[test]
    fn known_headers_are_headers() {
        for h in [
            "url,username,password,totp,extra,name,grouping,fav",
            "url,username,password,extra,name,grouping,fav",
            "Name,Url,MatchUrl,Login,Pwd,Note,Folder,RfFieldsV2",
            "\"Group\",\"Title\",\"Username\",\"Password\",\"URL\",\"Notes\",\"TOTP\",\"Icon\",\"Last Modified\",\"Created\"",
            "\"url\",\"username\",\"password\",\"httpRealm\",\"formActionOrigin\",\"guid\",\"timeCreated\",\"timeLastUsed\",\"timePasswordChanged\"",
            "type,name,url,email,username,password,note,totp,createTime,modifyTime,vault",
            "some,new,title,url,username,password,columns",
        ] {
            let t = first(h.as_bytes());
            assert!(looks_like_header(t.first().unwrap()), "{h}");
        }
    }

    #[test]
    fn data_rows_are_not_headers() {
        for row in [
            "\"\",\"login with 2fa\",\"2fa@example.com\",\"pass\",\"https://example.com\",\"\",\"\"",
            "Booking,Username,,E-mail,me@example.org,*Password,pw,Website,https://a.example",
            "\"\",\"address item\",\"\",\"\",\"\",\"\",\"\"",
        ] {
            let t = first(row.as_bytes());
            assert!(!looks_like_header(t.first().unwrap()), "{row}");
        }
    }
}
