//! Zip exports (1Password 1PUX, Proton Pass): which one a zip is, and one
//! member read into a zeroizing buffer, bounded in size.

use std::io::{Cursor, Read};

use zeroize::Zeroizing;

use crate::error::InputError;

/// Largest member read (a zip bomb stops here, with an error).
const MAX_MEMBER: u64 = 512 * 1024 * 1024;

/// True for a zip archive.
pub(crate) fn is_zip(data: &[u8]) -> bool {
    data.starts_with(b"PK\x03\x04") || data.starts_with(b"PK\x05\x06")
}

/// The names of the zip's members, or `None` when it is not a readable zip.
pub(crate) fn names(data: &[u8]) -> Option<Vec<String>> {
    let zip = zip::ZipArchive::new(Cursor::new(data)).ok()?;
    Some(zip.file_names().map(str::to_owned).collect())
}

fn damaged(path: &str, why: String) -> InputError {
    InputError::Damaged {
        path: path.to_owned(),
        message: format!("the zip archive is damaged or truncated ({why}); nothing was read"),
    }
}

/// A zip member: its name and bytes.
pub(crate) type Member = (String, Zeroizing<Vec<u8>>);

/// The first member whose name `wanted` accepts, read whole: its name and
/// bytes. `None` when no member matches.
pub(crate) fn read_member(
    data: &[u8],
    path: &str,
    wanted: impl Fn(&str) -> bool,
) -> Result<Option<Member>, InputError> {
    let mut zip =
        zip::ZipArchive::new(Cursor::new(data)).map_err(|e| damaged(path, e.to_string()))?;
    let Some(name) = zip.file_names().find(|n| wanted(n)).map(str::to_owned) else {
        return Ok(None);
    };
    let member = zip
        .by_name(&name)
        .map_err(|e| damaged(path, e.to_string()))?;
    let mut out = Zeroizing::new(Vec::new());
    member
        .take(MAX_MEMBER + 1)
        .read_to_end(&mut out)
        .map_err(|e| damaged(path, format!("{name}: {e}")))?;
    if out.len() as u64 > MAX_MEMBER {
        return Err(InputError::Damaged {
            path: path.to_owned(),
            message: format!("{name} is larger than 512 MiB once unpacked; nothing was read"),
        });
    }
    Ok(Some((name, out)))
}

#[cfg(test)]
pub(crate) mod testing {
    use std::io::Write;

    /// A zip holding `members` (name, bytes), deflated.
    pub fn zip(members: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, data) in members {
            w.start_file(*name, options).unwrap();
            w.write_all(data).unwrap();
        }
        w.finish().unwrap().into_inner()
    }
}
