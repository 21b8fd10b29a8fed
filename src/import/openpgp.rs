//! A small, fail-closed reader (and writer) for passphrase-encrypted
//! OpenPGP messages, the way Proton Pass writes `data.pgp` and
//! `gpg --symmetric` writes files (RFC 4880 / RFC 9580, v4 packets):
//!
//! * ASCII armor (its CRC-24 checked when present) or binary packets, old
//!   and new packet headers, partial body lengths;
//! * one or more SKESK v4 packets (S2K simple, salted or iterated+salted
//!   over SHA-1 / SHA-224 / SHA-256 / SHA-384 / SHA-512; AES-128/192/256),
//!   with or without an encrypted session key;
//! * one SEIPD v1 packet (AES in OpenPGP CFB, SHA-1 MDC). The MDC is
//!   verified over the whole plaintext before any of it is parsed;
//! * inside: an optional compressed packet (none, ZIP, ZLIB) around one
//!   literal data packet.
//!
//! Everything else (public-key encryption, SEIPD v2 / AEAD, SKESK v5/v6,
//! Argon2 S2K, non-AES ciphers, BZip2, unprotected `SED` packets) is
//! refused with an error saying what it is; nothing here panics on any
//! input (property-tested below). Errors never hold secret or decrypted
//! bytes; the plaintext lives in zeroizing buffers.
//!
//! Why not the `pgp` crate: it pulled 89 crates (RSA, elliptic curves,
//! legacy ciphers) into every build for this one passphrase-only path and
//! was about 15 % of the dependencies' compile time (BENCHMARKS.md, "Build
//! and test time").

use std::io::Read as _;

use aes::cipher::{BlockCipherEncrypt, KeyInit};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use sha1::Sha1;
use sha2::{Digest, Sha224, Sha256, Sha384, Sha512};
use zeroize::{Zeroize as _, Zeroizing};

/// Largest plaintext produced by decompression (a bomb stops here).
const MAX_PLAIN: u64 = 512 * 1024 * 1024;

/// Most passphrase-encrypted session key packets read from one message
/// (gpg writes one per passphrase; Proton Pass one).
const MAX_SKESKS: usize = 16;

/// Why a message could not be read. No variant holds secret bytes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// Not a readable OpenPGP message, or damaged / altered.
    #[error("damaged OpenPGP message: {0}")]
    Damaged(String),
    /// A well-formed message using something this reader refuses.
    #[error("unsupported OpenPGP message: {0}")]
    Unsupported(String),
    /// No passphrase-encrypted session key opened with this passphrase.
    #[error("wrong passphrase")]
    WrongPassphrase,
}

fn damaged(why: impl Into<String>) -> Error {
    Error::Damaged(why.into())
}

fn unsupported(what: impl Into<String>) -> Error {
    Error::Unsupported(what.into())
}

/// True for an ASCII-armored OpenPGP message.
pub fn is_armored(data: &[u8]) -> bool {
    let text = data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data);
    let start = text
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(text.len());
    text[start..].starts_with(b"-----BEGIN PGP MESSAGE-----")
}

fn crc24(data: &[u8]) -> u32 {
    let mut crc: u32 = 0xB7_04CE;
    for &b in data {
        crc ^= u32::from(b) << 16;
        for _ in 0..8 {
            crc <<= 1;
            if crc & 0x100_0000 != 0 {
                crc ^= 0x186_4CFB;
            }
        }
    }
    crc & 0xFF_FFFF
}

/// The binary packets inside an armored message (its checksum verified).
fn dearmor(data: &[u8]) -> Result<Vec<u8>, Error> {
    let text = data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data);
    let text = std::str::from_utf8(text).map_err(|_| damaged("the armor is not text"))?;
    let mut lines = text.lines().map(str::trim);
    if lines.find(|l| !l.is_empty()) != Some("-----BEGIN PGP MESSAGE-----") {
        return Err(damaged("no armor header"));
    }
    let mut body = String::new();
    let mut checksum = None;
    let mut in_headers = true;
    let mut ended = false;
    for line in lines.by_ref() {
        if line == "-----END PGP MESSAGE-----" {
            ended = true;
            break;
        }
        if in_headers {
            if line.is_empty() {
                in_headers = false;
                continue;
            }
            if line.contains(": ") {
                continue;
            }
            in_headers = false;
        }
        if let Some(sum) = line.strip_prefix('=') {
            if checksum.is_some() {
                return Err(damaged("two armor checksums"));
            }
            checksum = Some(sum.to_owned());
        } else if checksum.is_some() {
            return Err(damaged("armor text after its checksum"));
        } else {
            body.push_str(line);
        }
    }
    if !ended {
        return Err(damaged("the armor is truncated (no END line)"));
    }
    let bytes = STANDARD
        .decode(body.as_bytes())
        .map_err(|_| damaged("the armor is not valid base64"))?;
    if let Some(sum) = checksum {
        let sum = STANDARD
            .decode(sum.as_bytes())
            .ok()
            .filter(|s| s.len() == 3)
            .ok_or_else(|| damaged("the armor checksum is malformed"))?;
        let want = u32::from(sum[0]) << 16 | u32::from(sum[1]) << 8 | u32::from(sum[2]);
        if crc24(&bytes) != want {
            return Err(damaged("the armor checksum (CRC-24) does not match"));
        }
    }
    Ok(bytes)
}

/// One packet: its tag and body (partial bodies joined).
struct Packet {
    tag: u8,
    body: Zeroizing<Vec<u8>>,
}

fn take<'a>(data: &'a [u8], pos: &mut usize, n: usize) -> Result<&'a [u8], Error> {
    let end = pos
        .checked_add(n)
        .filter(|&e| e <= data.len())
        .ok_or_else(|| damaged("a packet is truncated"))?;
    let out = &data[*pos..end];
    *pos = end;
    Ok(out)
}

fn byte(data: &[u8], pos: &mut usize) -> Result<u8, Error> {
    Ok(take(data, pos, 1)?[0])
}

fn be(bytes: &[u8]) -> usize {
    bytes.iter().fold(0usize, |n, &b| (n << 8) | usize::from(b))
}

/// Reads every packet of `data` (a packet sequence, nothing else).
fn packets(data: &[u8]) -> Result<Vec<Packet>, Error> {
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < data.len() {
        let head = byte(data, &mut pos)?;
        if head & 0x80 == 0 {
            return Err(damaged("not an OpenPGP packet"));
        }
        let mut body = Zeroizing::new(Vec::new());
        let tag;
        if head & 0x40 != 0 {
            tag = head & 0x3F;
            loop {
                let o1 = byte(data, &mut pos)?;
                let (len, partial) = match o1 {
                    0..=191 => (usize::from(o1), false),
                    192..=223 => {
                        let o2 = byte(data, &mut pos)?;
                        (
                            ((usize::from(o1) - 192) << 8) + usize::from(o2) + 192,
                            false,
                        )
                    }
                    255 => (be(take(data, &mut pos, 4)?), false),
                    _ => (1usize << (o1 & 0x1F), true),
                };
                body.extend_from_slice(take(data, &mut pos, len)?);
                if !partial {
                    break;
                }
            }
        } else {
            tag = (head >> 2) & 0x0F;
            let len = match head & 3 {
                0 => usize::from(byte(data, &mut pos)?),
                1 => be(take(data, &mut pos, 2)?),
                2 => be(take(data, &mut pos, 4)?),
                _ => data.len() - pos,
            };
            body.extend_from_slice(take(data, &mut pos, len)?);
        }
        out.push(Packet { tag, body });
    }
    Ok(out)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Sym {
    Aes128,
    Aes192,
    Aes256,
}

impl Sym {
    fn from_id(id: u8) -> Option<Sym> {
        match id {
            7 => Some(Sym::Aes128),
            8 => Some(Sym::Aes192),
            9 => Some(Sym::Aes256),
            _ => None,
        }
    }

    fn key_len(self) -> usize {
        match self {
            Sym::Aes128 => 16,
            Sym::Aes192 => 24,
            Sym::Aes256 => 32,
        }
    }
}

fn cipher_name(id: u8) -> String {
    match id {
        1 => "IDEA".into(),
        2 => "TripleDES".into(),
        3 => "CAST5".into(),
        4 => "Blowfish".into(),
        10 => "Twofish".into(),
        11..=13 => "Camellia".into(),
        _ => format!("cipher #{id}"),
    }
}

/// AES with a key of any of its three sizes (block size 16).
enum Cipher {
    A128(aes::Aes128),
    A192(aes::Aes192),
    A256(aes::Aes256),
}

impl Cipher {
    fn new(sym: Sym, key: &[u8]) -> Option<Cipher> {
        Some(match sym {
            Sym::Aes128 => Cipher::A128(aes::Aes128::new_from_slice(key).ok()?),
            Sym::Aes192 => Cipher::A192(aes::Aes192::new_from_slice(key).ok()?),
            Sym::Aes256 => Cipher::A256(aes::Aes256::new_from_slice(key).ok()?),
        })
    }

    fn encrypt(&self, block: &mut [u8; 16]) {
        let b: &mut aes::Block = block.into();
        match self {
            Cipher::A128(c) => c.encrypt_block(b),
            Cipher::A192(c) => c.encrypt_block(b),
            Cipher::A256(c) => c.encrypt_block(b),
        }
    }

    /// CFB with a zero IV, decrypting in place (RFC 4880 13.9's
    /// non-resynchronising mode, as SEIPD v1 and SKESK v4 use it).
    fn cfb_decrypt(&self, data: &mut [u8]) {
        let mut iv = [0u8; 16];
        for chunk in data.chunks_mut(16) {
            let mut ks = iv;
            self.encrypt(&mut ks);
            iv[..chunk.len()].copy_from_slice(chunk);
            for (c, k) in chunk.iter_mut().zip(ks) {
                *c ^= k;
            }
        }
        iv.zeroize();
    }

    fn cfb_encrypt(&self, data: &mut [u8]) {
        let mut iv = [0u8; 16];
        for chunk in data.chunks_mut(16) {
            let mut ks = iv;
            self.encrypt(&mut ks);
            for (c, k) in chunk.iter_mut().zip(ks) {
                *c ^= k;
            }
            iv[..chunk.len()].copy_from_slice(chunk);
        }
    }
}

#[derive(Clone, Copy, Debug)]
enum Hash {
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
}

impl Hash {
    fn from_id(id: u8) -> Result<Hash, Error> {
        match id {
            2 => Ok(Hash::Sha1),
            8 => Ok(Hash::Sha256),
            9 => Ok(Hash::Sha384),
            10 => Ok(Hash::Sha512),
            11 => Ok(Hash::Sha224),
            1 => Err(unsupported("an MD5 string-to-key")),
            3 => Err(unsupported("a RIPEMD-160 string-to-key")),
            _ => Err(unsupported(format!("string-to-key hash #{id}"))),
        }
    }
}

/// String-to-key: how a passphrase becomes a key (RFC 4880 3.7).
#[derive(Debug)]
struct S2k {
    hash: Hash,
    salt: Option<[u8; 8]>,
    /// Bytes hashed per key (iterated mode), else 0.
    count: usize,
}

impl S2k {
    fn parse(data: &[u8], pos: &mut usize) -> Result<S2k, Error> {
        let kind = byte(data, pos)?;
        let hash = byte(data, pos)?;
        match kind {
            0 => Ok(S2k {
                hash: Hash::from_id(hash)?,
                salt: None,
                count: 0,
            }),
            1 | 3 => {
                let hash = Hash::from_id(hash)?;
                let salt: [u8; 8] = take(data, pos, 8)?.try_into().expect("8 bytes");
                let count = if kind == 3 {
                    let c = byte(data, pos)?;
                    (16usize + usize::from(c & 15)) << ((c >> 4) + 6)
                } else {
                    0
                };
                Ok(S2k {
                    hash,
                    salt: Some(salt),
                    count,
                })
            }
            4 => Err(unsupported("an Argon2 string-to-key (RFC 9580)")),
            101 => Err(unsupported("a GnuPG-specific string-to-key")),
            _ => Err(damaged(format!("unknown string-to-key type {kind}"))),
        }
    }

    fn derive(&self, passphrase: &[u8], len: usize) -> Zeroizing<Vec<u8>> {
        match self.hash {
            Hash::Sha1 => self.derive_with::<Sha1>(passphrase, len),
            Hash::Sha224 => self.derive_with::<Sha224>(passphrase, len),
            Hash::Sha256 => self.derive_with::<Sha256>(passphrase, len),
            Hash::Sha384 => self.derive_with::<Sha384>(passphrase, len),
            Hash::Sha512 => self.derive_with::<Sha512>(passphrase, len),
        }
    }

    fn derive_with<D: Digest>(&self, passphrase: &[u8], len: usize) -> Zeroizing<Vec<u8>> {
        let mut unit = Zeroizing::new(Vec::with_capacity(8 + passphrase.len()));
        if let Some(salt) = &self.salt {
            unit.extend_from_slice(salt);
        }
        unit.extend_from_slice(passphrase);
        // Iterated: `count` bytes of salt‖passphrase repeated (at least one
        // whole unit), hashed through a larger buffer for speed.
        let total = self.count.max(unit.len());
        let mut block = Zeroizing::new(Vec::new());
        if self.count > 0 && !unit.is_empty() {
            let reps = (65_536 / unit.len()).max(1);
            block.reserve(reps * unit.len());
            for _ in 0..reps {
                block.extend_from_slice(&unit);
            }
        }
        let mut key = Zeroizing::new(Vec::with_capacity(len + 64));
        let mut round = 0usize;
        while key.len() < len {
            let mut h = D::new();
            h.update(vec![0u8; round]);
            if self.count == 0 || unit.is_empty() {
                h.update(&*unit);
            } else {
                let mut left = total;
                while left >= block.len() {
                    h.update(&*block);
                    left -= block.len();
                }
                h.update(&block[..left]);
            }
            key.extend_from_slice(&h.finalize());
            round += 1;
        }
        key.truncate(len);
        key
    }
}

/// A passphrase-encrypted session key packet (v4).
#[derive(Debug)]
struct Skesk {
    cipher: u8,
    s2k: S2k,
    /// The session key encrypted with the S2K key; none when the S2K key
    /// is the session key.
    esk: Vec<u8>,
}

/// A parsed passphrase-encrypted message, ready to try passphrases on.
pub struct Message {
    skesks: Vec<Skesk>,
    /// The SEIPD v1 body after its version byte.
    encrypted: Vec<u8>,
}

impl Message {
    /// Parses an armored or binary message; refuses what it cannot
    /// decrypt with a passphrase.
    pub fn parse(data: &[u8]) -> Result<Message, Error> {
        let binary;
        let data = if is_armored(data) {
            binary = dearmor(data)?;
            &binary[..]
        } else {
            data
        };
        if data.is_empty() {
            return Err(damaged("empty message"));
        }
        let mut skesks = Vec::new();
        let mut unsupported_skesk = None;
        let mut public_key = false;
        let mut encrypted = None;
        for p in packets(data)? {
            if encrypted.is_some() {
                return Err(damaged("data after the encrypted packet"));
            }
            match p.tag {
                3 => {
                    let body = &p.body[..];
                    let mut pos = 0;
                    let version = byte(body, &mut pos)?;
                    if version != 4 {
                        unsupported_skesk = Some(version);
                        continue;
                    }
                    // Each one may cost up to 65 MB of hashing per
                    // passphrase tried: a file cannot make that unbounded.
                    if skesks.len() == MAX_SKESKS {
                        return Err(damaged(format!(
                            "more than {MAX_SKESKS} passphrase packets"
                        )));
                    }
                    let cipher = byte(body, &mut pos)?;
                    let s2k = S2k::parse(body, &mut pos)?;
                    skesks.push(Skesk {
                        cipher,
                        s2k,
                        esk: body[pos..].to_vec(),
                    });
                }
                1 => public_key = true,
                10 => {} // marker packet
                18 => {
                    let (&version, rest) = p
                        .body
                        .split_first()
                        .ok_or_else(|| damaged("an empty encrypted packet"))?;
                    match version {
                        1 => encrypted = Some(rest.to_vec()),
                        2 => {
                            return Err(unsupported(
                                "SEIPD v2 (AEAD, RFC 9580) encryption; export it again with AES-CFB (SEIPD v1)",
                            ));
                        }
                        v => return Err(damaged(format!("encrypted packet version {v}"))),
                    }
                }
                9 => {
                    return Err(unsupported(
                        "encryption without integrity protection (no MDC): it could have been altered",
                    ));
                }
                20 => return Err(unsupported("OCB/EAX encryption (draft AEAD packets)")),
                8 | 11 => return Err(unsupported("an unencrypted message")),
                t => return Err(damaged(format!("unexpected packet type {t}"))),
            }
        }
        let Some(encrypted) = encrypted else {
            return Err(damaged("no encrypted data"));
        };
        if skesks.is_empty() {
            return Err(match (unsupported_skesk, public_key) {
                (Some(v), _) => unsupported(format!(
                    "a version {v} passphrase packet (RFC 9580); export it again with OpenPGP v4 packets"
                )),
                (None, true) => unsupported("encryption to a public key, not a passphrase"),
                (None, false) => damaged("no passphrase-encrypted session key"),
            });
        }
        if let Some(id) = skesks
            .iter()
            .map(|s| s.cipher)
            .find(|&c| Sym::from_id(c).is_none())
        {
            return Err(unsupported(format!(
                "the {} cipher (only AES is read)",
                cipher_name(id)
            )));
        }
        Ok(Message { skesks, encrypted })
    }

    /// The literal data, decrypted with `passphrase` and its integrity
    /// (MDC) verified before anything in it is parsed.
    pub fn decrypt(&self, passphrase: &[u8]) -> Result<Zeroizing<Vec<u8>>, Error> {
        for skesk in &self.skesks {
            let Some(sym) = Sym::from_id(skesk.cipher) else {
                continue;
            };
            let key = skesk.s2k.derive(passphrase, sym.key_len());
            let Some((sym, key)) = session_key(sym, key, &skesk.esk) else {
                continue;
            };
            match decrypt_seipd(sym, &key, &self.encrypted) {
                Err(Error::WrongPassphrase) => continue,
                other => return other,
            }
        }
        Err(Error::WrongPassphrase)
    }
}

/// The session key an SKESK gives with the S2K-derived key: the key itself,
/// or the encrypted session key it opens (`None`: not this passphrase).
fn session_key(sym: Sym, key: Zeroizing<Vec<u8>>, esk: &[u8]) -> Option<(Sym, Zeroizing<Vec<u8>>)> {
    if esk.is_empty() {
        return Some((sym, key));
    }
    let mut plain = Zeroizing::new(esk.to_vec());
    Cipher::new(sym, &key)?.cfb_decrypt(&mut plain);
    let inner = Sym::from_id(plain[0])?;
    (plain.len() == 1 + inner.key_len()).then(|| (inner, Zeroizing::new(plain[1..].to_vec())))
}

fn decrypt_seipd(sym: Sym, key: &[u8], encrypted: &[u8]) -> Result<Zeroizing<Vec<u8>>, Error> {
    // Prefix (16 + 2) and the MDC packet (2 + 20).
    if encrypted.len() < 18 + 22 {
        return Err(damaged("the encrypted packet is too short"));
    }
    let cipher = Cipher::new(sym, key).ok_or(Error::WrongPassphrase)?;
    let mut plain = Zeroizing::new(encrypted.to_vec());
    cipher.cfb_decrypt(&mut plain);
    // The quick check: the prefix's last two bytes repeated.
    if plain[14..16] != plain[16..18] {
        return Err(Error::WrongPassphrase);
    }
    let (covered, mdc) = plain.split_at(plain.len() - 20);
    let digest = Sha1::digest(covered);
    let same = digest
        .iter()
        .zip(mdc)
        .fold(0u8, |acc, (a, b)| acc | (a ^ b))
        == 0;
    if !same || covered[covered.len() - 2..] != [0xD3, 0x14] {
        return Err(damaged("the integrity check (MDC) fails"));
    }
    literal(&covered[18..covered.len() - 2], 0)
}

/// The literal data of the decrypted packets (maybe compressed once).
fn literal(data: &[u8], depth: u8) -> Result<Zeroizing<Vec<u8>>, Error> {
    let mut found = None;
    for p in packets(data)? {
        match p.tag {
            8 if depth == 0 => {
                let (&algo, rest) = p
                    .body
                    .split_first()
                    .ok_or_else(|| damaged("an empty compressed packet"))?;
                let inner = decompress(algo, rest)?;
                if found.replace(literal(&inner, depth + 1)?).is_some() {
                    return Err(damaged("more than one literal data packet"));
                }
            }
            11 => {
                let body = &p.body[..];
                let mut pos = 0;
                let _format = byte(body, &mut pos)?;
                let name_len = usize::from(byte(body, &mut pos)?);
                take(body, &mut pos, name_len + 4)?;
                if found
                    .replace(Zeroizing::new(body[pos..].to_vec()))
                    .is_some()
                {
                    return Err(damaged("more than one literal data packet"));
                }
            }
            // Marker, one-pass signature and signature packets carry no data.
            2 | 4 | 10 => {}
            t => {
                return Err(damaged(format!(
                    "unexpected packet type {t} inside the encrypted data"
                )));
            }
        }
    }
    found.ok_or_else(|| damaged("no literal data inside the encrypted data"))
}

fn decompress(algo: u8, data: &[u8]) -> Result<Zeroizing<Vec<u8>>, Error> {
    let mut out = Zeroizing::new(Vec::new());
    let read = match algo {
        0 => {
            out.extend_from_slice(data);
            return Ok(out);
        }
        1 => flate2::read::DeflateDecoder::new(data)
            .take(MAX_PLAIN + 1)
            .read_to_end(&mut out),
        2 => flate2::read::ZlibDecoder::new(data)
            .take(MAX_PLAIN + 1)
            .read_to_end(&mut out),
        3 => return Err(unsupported("BZip2 compression")),
        a => return Err(damaged(format!("unknown compression algorithm {a}"))),
    };
    read.map_err(|_| damaged("cannot decompress"))?;
    if out.len() as u64 > MAX_PLAIN {
        return Err(damaged("larger than 512 MiB once decompressed"));
    }
    Ok(out)
}

fn new_packet(out: &mut Vec<u8>, tag: u8, body: &[u8]) {
    out.push(0xC0 | tag);
    out.push(0xFF);
    out.extend_from_slice(&u32::try_from(body.len()).expect("< 4 GiB").to_be_bytes());
    out.extend_from_slice(body);
}

/// How [`encrypt`] writes a message.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// The S2K's coded count (255: 65,011,712 bytes hashed, as Proton and
    /// gpg use; lower is faster, for tests).
    pub s2k_count: u8,
    /// An encrypted session key in the SKESK (Proton Pass writes one).
    pub esk: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            s2k_count: 255,
            esk: false,
        }
    }
}

/// Writes `plain` as a passphrase-encrypted binary OpenPGP message: SKESK
/// v4 (iterated and salted SHA-256 S2K, AES-256), SEIPD v1 with MDC, one
/// literal data packet. `rng` gives the salt, session key and prefix.
pub fn encrypt(
    plain: &[u8],
    passphrase: &[u8],
    rng: &mut impl rand::RngCore,
    opts: Options,
) -> Vec<u8> {
    let mut salt = [0u8; 8];
    rng.fill_bytes(&mut salt);
    let s2k = S2k {
        hash: Hash::Sha256,
        salt: Some(salt),
        count: (16usize + usize::from(opts.s2k_count & 15)) << ((opts.s2k_count >> 4) + 6),
    };
    let kek = s2k.derive(passphrase, 32);
    let mut skesk = vec![4, 9, 3, 8];
    skesk.extend_from_slice(&salt);
    skesk.push(opts.s2k_count);
    let session = if opts.esk {
        let mut session = Zeroizing::new(vec![0u8; 33]);
        session[0] = 9;
        rng.fill_bytes(&mut session[1..]);
        let mut esk = session.to_vec();
        Cipher::new(Sym::Aes256, &kek)
            .expect("32-byte key")
            .cfb_encrypt(&mut esk);
        skesk.extend_from_slice(&esk);
        Zeroizing::new(session[1..].to_vec())
    } else {
        kek
    };
    let mut lit = Zeroizing::new(vec![b'b', 0, 0, 0, 0, 0]);
    lit.extend_from_slice(plain);
    let mut inner = Zeroizing::new(vec![0u8; 18]);
    rng.fill_bytes(&mut inner[..16]);
    let (a, b) = (inner[14], inner[15]);
    inner[16] = a;
    inner[17] = b;
    new_packet(&mut inner, 11, &lit);
    inner.extend_from_slice(&[0xD3, 0x14]);
    let mdc = Sha1::digest(&inner[..]);
    inner.extend_from_slice(&mdc);
    Cipher::new(Sym::Aes256, &session)
        .expect("32-byte key")
        .cfb_encrypt(&mut inner);
    let mut seipd = vec![1u8];
    seipd.extend_from_slice(&inner);
    let mut out = Vec::new();
    new_packet(&mut out, 3, &skesk);
    new_packet(&mut out, 18, &seipd);
    out
}

/// ASCII armor for a binary message (with its CRC-24).
pub fn armor(binary: &[u8]) -> String {
    let mut out = String::from("-----BEGIN PGP MESSAGE-----\n\n");
    let b64 = STANDARD.encode(binary);
    for line in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(line).expect("base64 is ASCII"));
        out.push('\n');
    }
    let crc = crc24(binary).to_be_bytes();
    out.push('=');
    out.push_str(&STANDARD.encode(&crc[1..]));
    out.push_str("\n-----END PGP MESSAGE-----\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng as _;

    fn fixture(name: &str) -> Vec<u8> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/openpgp")
            .join(name);
        std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    /// The plaintext every gpg fixture encrypts (tests/fixtures/openpgp/README.md).
    fn fixture_plain() -> Vec<u8> {
        fixture("plain.json")
    }

    const GPG_PASS: &[u8] = b"vaultlint-gpg-fixture";

    fn quick() -> Options {
        Options {
            s2k_count: 0x60,
            esk: false,
        }
    }

    #[test]
    fn crc24_matches_the_rfc_reference() {
        // RFC 4880 6.1's CRC-24 of "123456789" (the standard check value).
        assert_eq!(crc24(b"123456789"), 0x21CF02);
    }

    #[test]
    fn s2k_longer_key_than_hash_uses_preloaded_rounds() {
        // 32 bytes from SHA-1: the second 20 come from a hash preloaded
        // with one zero byte (RFC 4880 3.7.1.1).
        let s2k = S2k {
            hash: Hash::Sha1,
            salt: None,
            count: 0,
        };
        let key = s2k.derive(b"pw", 32);
        assert_eq!(&key[..20], &Sha1::digest(b"pw")[..]);
        assert_eq!(&key[20..], &Sha1::digest(b"\0pw")[..12]);
    }

    #[test]
    fn iterated_s2k_hashes_count_bytes() {
        let s2k = S2k {
            hash: Hash::Sha256,
            salt: Some(*b"saltsalt"),
            count: 1024 + 5,
        };
        let unit = b"saltsaltpw".repeat(200);
        assert_eq!(
            &s2k.derive(b"pw", 32)[..],
            &Sha256::digest(&unit[..1029])[..]
        );
    }

    #[test]
    fn round_trip_with_and_without_session_key() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(1);
        for esk in [false, true] {
            let opts = Options { esk, ..quick() };
            let bin = encrypt(b"{\"a\":1}", b"pw", &mut rng, opts);
            let m = Message::parse(&bin).unwrap();
            assert_eq!(&m.decrypt(b"pw").unwrap()[..], b"{\"a\":1}");
            assert_eq!(m.decrypt(b"wrong").unwrap_err(), Error::WrongPassphrase);
            let armored = armor(&bin);
            assert!(is_armored(armored.as_bytes()));
            let m = Message::parse(armored.as_bytes()).unwrap();
            assert_eq!(&m.decrypt(b"pw").unwrap()[..], b"{\"a\":1}");
        }
    }

    #[test]
    fn gpg_made_files_decrypt() {
        let plain = fixture_plain();
        for name in [
            "gpg-default.asc",
            "gpg-default.gpg",
            "gpg-zlib-sha512-aes128.gpg",
            "gpg-uncompressed-salted-aes192.gpg",
            "gpg-stdin-partial.gpg",
        ] {
            let m = Message::parse(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(
                &m.decrypt(GPG_PASS)
                    .unwrap_or_else(|e| panic!("{name}: {e}"))[..],
                &plain[..],
                "{name}"
            );
            assert_eq!(
                m.decrypt(b"not it").unwrap_err(),
                Error::WrongPassphrase,
                "{name}"
            );
        }
    }

    #[test]
    fn what_is_not_read_is_refused_by_name() {
        let cases = [
            ("gpg-bzip2.gpg", "BZip2"),
            ("gpg-cast5.gpg", "CAST5"),
            ("gpg-public-key.gpg", "public key"),
        ];
        for (name, what) in cases {
            let err = Message::parse(&fixture(name))
                .and_then(|m| m.decrypt(GPG_PASS))
                .unwrap_err();
            assert!(
                matches!(&err, Error::Unsupported(m) if m.contains(what)),
                "{name}: {err}"
            );
        }
        // SEIPD v2 and an SED packet, written by hand.
        let mut v2 = Vec::new();
        new_packet(&mut v2, 3, &[4, 9, 3, 8, 1, 2, 3, 4, 5, 6, 7, 8, 0x60]);
        new_packet(&mut v2, 18, &[2, 9, 2, 16, 0, 0, 0]);
        let err = Message::parse(&v2).err().unwrap();
        assert!(matches!(&err, Error::Unsupported(m) if m.contains("SEIPD v2")));
        let mut sed = Vec::new();
        new_packet(&mut sed, 3, &[4, 9, 3, 8, 1, 2, 3, 4, 5, 6, 7, 8, 0x60]);
        new_packet(&mut sed, 9, &[0; 40]);
        let err = Message::parse(&sed).err().unwrap();
        assert!(matches!(&err, Error::Unsupported(m) if m.contains("integrity")));
    }

    #[test]
    fn a_message_cannot_ask_for_unbounded_key_derivations() {
        // Iterated S2K at the largest count (0xFF: 65 MB hashed per try).
        let skesk = [4, 9, 3, 8, 1, 2, 3, 4, 5, 6, 7, 8, 0xFF];
        let message = |n: usize| {
            let mut m = Vec::new();
            for _ in 0..n {
                new_packet(&mut m, 3, &skesk);
            }
            new_packet(&mut m, 18, &[1; 41]);
            m
        };
        assert_eq!(
            Message::parse(&message(MAX_SKESKS)).unwrap().skesks.len(),
            MAX_SKESKS
        );
        let err = Message::parse(&message(MAX_SKESKS + 1)).err().unwrap();
        assert!(
            matches!(&err, Error::Damaged(m) if m.contains("passphrase packets")),
            "{err}"
        );
    }

    #[test]
    fn a_flipped_ciphertext_bit_fails_the_mdc_not_the_quick_check() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(2);
        let mut bin = encrypt(b"{\"secret\":\"pw-x\"}", b"pw", &mut rng, quick());
        let last = bin.len() - 25;
        bin[last] ^= 1;
        let err = Message::parse(&bin).unwrap().decrypt(b"pw").unwrap_err();
        assert_eq!(err, damaged("the integrity check (MDC) fails"));
        assert!(!err.to_string().contains("pw-x"));
    }

    #[test]
    fn a_corrupt_armor_checksum_is_damage() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(3);
        let armored = armor(&encrypt(b"{}", b"pw", &mut rng, quick()));
        let bad = armored.replace("\n=", "\n=AAA");
        assert!(matches!(
            Message::parse(bad.as_bytes()),
            Err(Error::Damaged(_))
        ));
        let cut = &armored[..armored.len() - 10];
        assert!(matches!(
            Message::parse(cut.as_bytes()),
            Err(Error::Damaged(_))
        ));
    }

    #[test]
    fn the_real_proton_export_decrypts_when_the_shared_fixtures_exist() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/fixtures/structured/protonpass-pgp-encrypted-data.pgp");
        let Ok(data) = std::fs::read(&path) else {
            eprintln!("skipped: {} is absent", path.display());
            return;
        };
        let m = Message::parse(&data).unwrap();
        assert!(
            m.skesks.iter().all(|s| !s.esk.is_empty()),
            "Proton writes an ESK"
        );
        let plain = m.decrypt(b"test").unwrap();
        assert!(plain.starts_with(b"{"));
        assert!(
            std::str::from_utf8(&plain)
                .unwrap()
                .contains("1.31.0-alpha2")
        );
        assert_eq!(m.decrypt(b"tesT").unwrap_err(), Error::WrongPassphrase);
    }

    mod prop {
        use super::*;
        use proptest::prelude::*;

        const PLAIN: &[u8] = b"{\"vaults\":{\"pw\":\"hunter2-secret\"}}";

        fn sample() -> (Vec<u8>, String) {
            let mut rng = rand::rngs::StdRng::seed_from_u64(9);
            let bin = encrypt(
                PLAIN,
                b"pw",
                &mut rng,
                Options {
                    s2k_count: 0x10,
                    esk: true,
                },
            );
            let armored = armor(&bin);
            (bin, armored)
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(256))]

            /// Truncated or bit-flipped messages never panic, and never
            /// yield plaintext unless they are the original.
            #[test]
            fn damaged_messages_never_panic_nor_yield_plaintext(
                cut in 0usize..400, flip in 0usize..400, bit in 0u8..8, armored in any::<bool>()
            ) {
                let (bin, arm) = sample();
                let mut data = if armored { arm.into_bytes() } else { bin };
                let at = flip % data.len();
                data[at] ^= 1 << bit;
                let cut = cut % (data.len() + 1);
                data.truncate(cut);
                // Some flips are harmless (armor whitespace, a trailing
                // newline cut): those must give the original, nothing else.
                if let Ok(m) = Message::parse(&data) {
                    match m.decrypt(b"pw") {
                        Ok(p) => prop_assert_eq!(&p[..], PLAIN),
                        Err(e) => prop_assert!(!e.to_string().contains("hunter2")),
                    }
                }
            }

            #[test]
            fn arbitrary_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..300)) {
                if let Ok(m) = Message::parse(&data) {
                    let _ = m.decrypt(b"pw");
                }
            }
        }
    }
}
