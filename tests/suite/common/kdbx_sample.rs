//! Builds the project's own KeePass sample (KDBX 4, AES-KDF with few rounds
//! so it opens fast) with the `keepass` crate. Used by the tests and by
//! `cargo run --example make-kdbx-sample`, which writes
//! `sample-exports/keepass.kdbx` (password [`PASSWORD`]).
#![allow(dead_code)]

use keepass::config::KdfConfig;
use keepass::db::{EntryMut, Value, fields};
use keepass::{Database, DatabaseKey};

pub const PASSWORD: &str = "vaultlint-sample";

/// The sample's accounts (live logins with a password): GitHub, Mail,
/// Bank, Shop, Forum.
pub const ACCOUNTS: usize = 5;

/// The database's bytes, encrypted with `password`.
pub fn build(password: &str) -> Vec<u8> {
    let mut db = Database::new();
    db.config.kdf_config = KdfConfig::Aes { rounds: 1000 };
    let mut root = db.root_mut();
    let mut work = root.add_group();
    work.name = "Work".into();
    // 2FA with the recovery codes in an attachment, and a password history
    // whose last change is one tweak.
    work.add_entry()
        .edit(|e: &mut EntryMut<'_>| {
            e.set_unprotected(fields::TITLE, "GitHub");
            e.set_unprotected(fields::USERNAME, "ann");
            e.set_unprotected(fields::URL, "https://github.com");
            e.set_protected(fields::PASSWORD, "Summer2022!");
            e.set_protected("otp", "otpauth://totp/GitHub:ann?secret=JBSWY3DPEHPK3PXP");
            e.tags.push("dev".into());
        })
        .edit_tracking(|e| e.set_protected(fields::PASSWORD, "Summer2023!"))
        .edit(|e: &mut EntryMut<'_>| {
            e.add_attachment(
                "github-recovery-codes.txt",
                Value::protected(b"aaaa-bbbb\ncccc-dddd\n".to_vec()),
            );
        });
    // 2FA (legacy TOTP Seed) with the codes in a custom attribute.
    work.add_entry().edit(|e: &mut EntryMut<'_>| {
        e.set_unprotected(fields::TITLE, "Mail");
        e.set_unprotected(fields::USERNAME, "ann@example.com");
        e.set_unprotected(fields::URL, "https://mail.google.com");
        e.set_protected(fields::PASSWORD, "k9#Vq2!mZr7$Lw");
        e.set_protected("TOTP Seed", "JBSWY3DPEHPK3PXP");
        e.set_unprotected("TOTP Settings", "30;6");
        e.set_protected("Backup codes", "1234 5678 9012 3456");
    });
    let mut root = db.root_mut();
    root.add_entry().edit(|e: &mut EntryMut<'_>| {
        e.set_unprotected(fields::TITLE, "Bank");
        e.set_unprotected(fields::USERNAME, "ann");
        e.set_unprotected(fields::URL, "https://bank.example");
        e.set_protected(fields::PASSWORD, "Tr0ub4dor&3-bank");
        e.set_protected("TimeOtp-Secret-Base32", "JBSWY3DPEHPK3PXP");
    });
    // A passkey (KeePassXC attributes); the private key is never read.
    root.add_entry().edit(|e: &mut EntryMut<'_>| {
        e.set_unprotected(fields::TITLE, "Shop");
        e.set_unprotected(fields::USERNAME, "ann");
        e.set_unprotected(fields::URL, "https://shop.example");
        e.set_protected(fields::PASSWORD, "Summer2023!");
        e.set_unprotected("KPEX_PASSKEY_RELYING_PARTY", "shop.example");
        e.set_unprotected("KPEX_PASSKEY_USERNAME", "ann@shop");
        e.set_protected(
            "KPEX_PASSKEY_PRIVATE_KEY_PEM",
            "-----BEGIN PRIVATE KEY-----\nTESTKEYMATERIAL\n-----END PRIVATE KEY-----",
        );
    });
    root.add_entry().edit(|e: &mut EntryMut<'_>| {
        e.set_unprotected(fields::TITLE, "Forum");
        e.set_unprotected(fields::USERNAME, "ann");
        e.set_unprotected(fields::URL, "https://forum.example");
        e.set_protected(fields::PASSWORD, "password1");
    });
    root.add_entry().edit(|e: &mut EntryMut<'_>| {
        e.set_unprotected(fields::TITLE, "No password");
        e.set_unprotected(fields::USERNAME, "ann");
    });
    let mut bin = root.add_group();
    bin.name = "Recycle Bin".into();
    let bin_id = bin.id().uuid();
    bin.add_entry().edit(|e: &mut EntryMut<'_>| {
        e.set_unprotected(fields::TITLE, "Old site");
        e.set_protected(fields::PASSWORD, "deleted-pw-1");
    });
    db.meta.recyclebin_enabled = Some(true);
    db.meta.recyclebin_uuid = Some(bin_id);
    let mut out = Vec::new();
    db.save(&mut out, DatabaseKey::new().with_password(password))
        .expect("saves");
    out
}
