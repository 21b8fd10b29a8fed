//! Writes `sample-exports/keepass.kdbx` (password `vaultlint-sample`), the
//! project's own KeePass sample, with the same code the tests use.

#[path = "../tests/suite/common/kdbx_sample.rs"]
mod kdbx_sample;

fn main() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-exports/keepass.kdbx");
    std::fs::write(&path, kdbx_sample::build(kdbx_sample::PASSWORD)).expect("writes");
    println!("wrote {}", path.display());
}
