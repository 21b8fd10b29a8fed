//! From a file's bytes to text: what kind of file it is (a CSV export or a
//! spreadsheet, JSON export, archive... that vaultlint cannot read), and
//! which encoding its text is in (detected with `chardetng`, decoded with
//! `encoding_rs`, or named with `--encoding`).
//!
//! Decoded text stays in a zeroizing buffer; bytes that are not valid in the
//! encoding are replaced with U+FFFD and their offsets kept, so that the
//! passwords they touch are reported as not exactly known.

use encoding_rs::{DecoderResult, Encoding, UTF_8};
use zeroize::Zeroizing;

/// A file's text.
pub struct Decoded {
    pub text: Zeroizing<String>,
    /// The encoding it was read as.
    pub encoding: &'static Encoding,
    /// How the encoding was chosen, for a warning; `None` for plain UTF-8
    /// (or UTF-8 with a few invalid bytes, which [`Decoded::lossy`] reports).
    pub note: Option<String>,
    /// Byte offsets in `text` of each U+FFFD that replaced undecodable bytes.
    pub lossy: Vec<usize>,
    /// True when the encoding is a guess (a legacy single- or multi-byte
    /// encoding picked by `chardetng`): non-ASCII text may then be decoded
    /// wrong without any replacement character to show it.
    pub guessed: bool,
}

/// Decodes `data`. With `forced`, the bytes are read in that encoding (a
/// byte-order mark of that encoding is dropped). Without it:
///
/// - a UTF-8 or UTF-16 byte-order mark decides;
/// - valid UTF-8 is UTF-8;
/// - text with valid UTF-8 sequences and fewer invalid bytes than those is
///   UTF-8 with a few damaged bytes (exported as UTF-8, then damaged): they
///   are replaced, and reported;
/// - anything else is in a legacy encoding, which `chardetng` guesses
///   (windows-1252 for most Western exports).
pub fn decode(data: &[u8], forced: Option<&'static Encoding>) -> Decoded {
    if let Some(enc) = forced {
        let data = match Encoding::for_bom(data) {
            Some((bom, len)) if bom == enc => &data[len..],
            _ => data,
        };
        let (text, lossy) = decode_with(enc, data);
        let note = (enc != UTF_8).then(|| format!("decoded as {} (--encoding)", enc.name()));
        return Decoded {
            text,
            encoding: enc,
            note,
            lossy,
            guessed: false,
        };
    }
    if let Some((enc, len)) = Encoding::for_bom(data) {
        let (text, lossy) = decode_with(enc, &data[len..]);
        let note = (enc != UTF_8).then(|| format!("decoded as {} (byte-order mark)", enc.name()));
        return Decoded {
            text,
            encoding: enc,
            note,
            lossy,
            guessed: false,
        };
    }
    if let Some(enc) = utf16_without_bom(data) {
        let (text, lossy) = decode_with(enc, data);
        return Decoded {
            text,
            encoding: enc,
            note: Some(format!("decoded as {} (detected)", enc.name())),
            lossy,
            guessed: false,
        };
    }
    let (mut valid, mut invalid) = (0usize, 0usize);
    for chunk in data.utf8_chunks() {
        valid += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        invalid += chunk.invalid().len();
    }
    if invalid == 0 {
        // Valid UTF-8: one exact copy, no decoder worst-case buffer.
        let mut text = Zeroizing::new(String::with_capacity(data.len()));
        text.push_str(std::str::from_utf8(data).unwrap_or_default());
        return Decoded {
            text,
            encoding: UTF_8,
            note: None,
            lossy: Vec::new(),
            guessed: false,
        };
    }
    if valid > 0 && valid >= invalid {
        let (text, lossy) = decode_with(UTF_8, data);
        return Decoded {
            text,
            encoding: UTF_8,
            note: None,
            lossy,
            guessed: false,
        };
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(data, true);
    let enc = detector.guess(None, chardetng::Utf8Detection::Deny);
    let (text, lossy) = decode_with(enc, data);
    Decoded {
        text,
        encoding: enc,
        note: Some(format!(
            "the file is not UTF-8: decoded as {} (detected); if names or passwords with accents look wrong, name the encoding with --encoding",
            enc.name()
        )),
        lossy,
        guessed: true,
    }
}

/// UTF-16 without a byte-order mark: most of the first bytes' odd (LE) or
/// even (BE) positions are NUL.
fn utf16_without_bom(data: &[u8]) -> Option<&'static Encoding> {
    let head = &data[..data.len().min(4096) & !1];
    if head.len() < 4 {
        return None;
    }
    let pairs = head.len() / 2;
    let even = head.iter().step_by(2).filter(|&&b| b == 0).count();
    let odd = head.iter().skip(1).step_by(2).filter(|&&b| b == 0).count();
    if odd * 10 >= pairs * 9 && even * 10 < pairs {
        Some(encoding_rs::UTF_16LE)
    } else if even * 10 >= pairs * 9 && odd * 10 < pairs {
        Some(encoding_rs::UTF_16BE)
    } else {
        None
    }
}

/// Decodes `data` as `enc` into a buffer sized once, recording where
/// replacement characters went.
fn decode_with(enc: &'static Encoding, data: &[u8]) -> (Zeroizing<String>, Vec<usize>) {
    let mut decoder = enc.new_decoder_without_bom_handling();
    let capacity = decoder
        .max_utf8_buffer_length(data.len())
        .unwrap_or(data.len().saturating_mul(3));
    let mut text = Zeroizing::new(String::with_capacity(capacity));
    let mut lossy = Vec::new();
    let mut rest = data;
    loop {
        let (result, read) = decoder.decode_to_string_without_replacement(rest, &mut text, true);
        rest = &rest[read..];
        match result {
            DecoderResult::InputEmpty => break,
            DecoderResult::Malformed(_, _) => {
                lossy.push(text.len());
                text.push('\u{FFFD}');
            }
            // The buffer was sized for the worst case; never happens.
            DecoderResult::OutputFull => text.reserve(rest.len() * 3 + 4),
        }
    }
    (text, lossy)
}

/// What a file that is not a CSV export is, and what to export instead;
/// `None` for text that may be CSV.
pub fn not_csv(data: &[u8]) -> Option<String> {
    const CSV: &str = "vaultlint reads CSV exports: export your vault as .csv";
    let contains = |needle: &[u8]| data.windows(needle.len()).any(|w| w == needle);
    if data.starts_with(b"PK\x03\x04") || data.starts_with(b"PK\x05\x06") {
        let what = if contains(b"xl/workbook") || contains(b"xl/_rels") {
            "this is an XLSX spreadsheet (Excel), not CSV: save or export it as CSV (comma-separated) and audit that file".to_owned()
        } else if contains(b".ods") || contains(b"opendocument.spreadsheet") {
            "this is an OpenDocument spreadsheet, not CSV: save it as CSV and audit that file"
                .to_owned()
        } else if contains(b"export.data") && contains(b"export.attributes") {
            format!(
                "this is a 1Password .1pux export, not CSV: {CSV} (1Password 8: File > Export > CSV)"
            )
        } else if contains(b"credentials.csv") {
            "this is a ZIP archive (a Dashlane export): unzip it and audit credentials.csv (and securenotes.csv)".to_owned()
        } else {
            "this is a ZIP archive, not CSV: unzip it and audit the CSV export inside".to_owned()
        };
        return Some(what);
    }
    let magic: &[(&[u8], &str)] = &[
        (b"\x1f\x8b", "a gzip-compressed file: decompress it first"),
        (b"%PDF", "a PDF document"),
        (
            b"\xD0\xCF\x11\xE0",
            "an old Excel (.xls) or Office file: save it as CSV",
        ),
        (b"SQLite format 3\0", "an SQLite database"),
        (
            b"\x03\xD9\xA2\x9A",
            "a KeePass database (.kdbx): export it from KeePass or KeePassXC as CSV (KeePassXC: Database > Export > CSV File)",
        ),
        (b"\x89PNG", "a PNG image"),
        (b"\xFF\xD8\xFF", "a JPEG image"),
        (
            b"-----BEGIN PGP",
            "a PGP-encrypted or signed file: decrypt it first",
        ),
    ];
    for (prefix, what) in magic {
        if data.starts_with(prefix) {
            return Some(format!("this is {what}, not a CSV export; {CSV}"));
        }
    }
    let text = super::csv_reader::strip_bom(data);
    let start = text
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(text.len());
    let text = &text[start..];
    if matches!(text.first(), Some(b'{' | b'['))
        && serde_json::from_slice::<serde::de::IgnoredAny>(text).is_ok()
    {
        let what =
            if contains(b"\"items\"") && (contains(b"\"encrypted\"") || contains(b"\"folders\"")) {
                "this is a Bitwarden JSON export"
            } else if contains(b"\"accounts\"") && contains(b"\"vaults\"") {
                "this is a 1Password JSON export"
            } else if contains(b"\"vaults\"") && contains(b"\"items\"") {
                "this is a JSON export (Proton Pass or similar)"
            } else {
                "this is a JSON file"
            };
        return Some(format!(
            "{what}: vaultlint reads CSV exports for now: export .csv instead"
        ));
    }
    if text.starts_with(b"<?xml") || text.starts_with(b"<") {
        let lower: Vec<u8> = text[..text.len().min(4096)].to_ascii_lowercase();
        let has = |n: &[u8]| lower.windows(n.len()).any(|w| w == n);
        if has(b"<keepassfile") {
            return Some(format!(
                "this is a KeePass XML export: {CSV} (KeePass: File > Export > KeePass CSV)"
            ));
        }
        if has(b"<html") || has(b"<!doctype html") {
            return Some(format!("this is an HTML page, not a CSV export; {CSV}"));
        }
        if text.starts_with(b"<?xml") {
            return Some(format!("this is an XML file, not a CSV export; {CSV}"));
        }
    }
    let head = &data[..data.len().min(8192)];
    if utf16_without_bom(data).is_none() && Encoding::for_bom(data).is_none() && head.contains(&0) {
        return Some(format!("this is a binary file, not a CSV export; {CSV}"));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_is_exact() {
        let d = decode("Café,é\n".as_bytes(), None);
        assert_eq!(d.encoding, UTF_8);
        assert!(d.note.is_none() && d.lossy.is_empty());
        assert_eq!(d.text.as_str(), "Café,é\n");
    }

    #[test]
    fn latin1_is_detected_and_decoded_exactly() {
        let d = decode(b"name,password\nS0,contrase\xf1a\nCaf\xe9,pass\xe9\n", None);
        assert_eq!(d.encoding.name(), "windows-1252");
        assert!(d.lossy.is_empty());
        assert!(d.text.contains("contraseña") && d.text.contains("passé"));
        assert!(d.note.unwrap().contains("windows-1252"));
    }

    #[test]
    fn utf8_with_a_stray_byte_is_lossy() {
        let d = decode("Café,Crème,pass\u{e9}\n".as_bytes(), None);
        assert!(d.lossy.is_empty());
        let mut bytes = "Café,Crème,x".as_bytes().to_vec();
        bytes.push(0xff);
        bytes.extend_from_slice(b"y\n");
        let d = decode(&bytes, None);
        assert_eq!(d.encoding, UTF_8);
        assert_eq!(d.lossy.len(), 1);
        assert_eq!(&d.text[d.lossy[0]..], "\u{FFFD}y\n");
    }

    #[test]
    fn forced_and_bom_encodings() {
        let d = decode(b"caf\xe9", Some(encoding_rs::WINDOWS_1252));
        assert_eq!(d.text.as_str(), "café");
        let d = decode(b"\xff\xfea\0,\0b\0", None);
        assert_eq!(d.text.as_str(), "a,b");
        let d = decode(b"a\0,\0b\0\n\0c\0,\0d\0", None);
        assert_eq!(d.text.as_str(), "a,b\nc,d");
    }

    #[test]
    fn other_files_say_what_they_are() {
        assert!(
            not_csv(b"PK\x03\x04....xl/workbook.xml")
                .unwrap()
                .contains("XLSX")
        );
        let bw = br#"{"encrypted":false,"items":[{"name":"x"}]}"#;
        assert!(not_csv(bw).unwrap().contains("Bitwarden JSON"));
        assert!(not_csv(b"[1,2]").unwrap().contains("JSON"));
        assert!(
            not_csv(b"\x00\x01\x02\x03binary\x00")
                .unwrap()
                .contains("binary")
        );
        assert!(
            not_csv(b"<?xml version=\"1.0\"?><KeePassFile>")
                .unwrap()
                .contains("KeePass XML")
        );
        assert!(not_csv(b"url,username,password\n").is_none());
        assert!(not_csv(b"{not json,a,b\n").is_none());
    }
}
