//! Writes the project's structured samples that are not plain text:
//! `sample-exports/bitwarden-encrypted.json` (password `vaultlint-sample`,
//! PBKDF2-SHA256 600,000 rounds, encrypted from `bitwarden.json` by
//! vaultlint's own encryptor), `1password.1pux` and `protonpass.zip`
//! (zips of the JSON below; the 1PUX passkey in 1Password's shape: public
//! part in `overview.passkey`, private key in `details.passkey`) and `protonpass-pgp.zip` (the same Proton Pass
//! data as `Proton Pass/data.pgp`, passphrase `vaultlint-sample`). Run: `cargo run --example make-structured-samples`.

use std::io::Write;
use std::path::Path;

use vaultlint::import::bitwarden_json::{Protect, encrypt};
use vaultlint::import::protonpass_export::encrypt_pgp;

/// The sample password of the encrypted exports.
const PASSWORD: &str = "vaultlint-sample";

const ONEPUX_ATTRIBUTES: &str = r#"{
  "version": 3,
  "description": "1Password Unencrypted Export",
  "timestamp": 1717000000
}
"#;

const ONEPUX_DATA: &str = r#"{
  "accounts": [
    {
      "attrs": {"accountName": "Eli", "name": "Eli", "email": "eli@example.org", "uuid": "SAMPLEACCOUNT", "domain": "https://my.1password.com/"},
      "vaults": [
        {
          "attrs": {"uuid": "samplevault1", "desc": "", "avatar": "", "name": "Personal", "type": "P"},
          "items": [
            {
              "uuid": "sampleitem00000000000000001", "favIndex": 0, "createdAt": 1600000000, "updatedAt": 1704067200,
              "state": "active", "categoryUuid": "001",
              "details": {
                "loginFields": [
                  {"value": "eli@example.org", "id": "", "name": "username", "fieldType": "E", "designation": "username"},
                  {"value": "Autumn2024?", "id": "", "name": "password", "fieldType": "P", "designation": "password"}
                ],
                "notesPlain": "",
                "sections": [
                  {"title": "Security", "name": "sec", "fields": [
                    {"title": "one-time password", "id": "TOTP_sample1", "value": {"totp": "otpauth://totp/Dropbox:eli?secret=GEZDGNBVGY3TQOJQ&issuer=Dropbox"}, "indexAtSource": 0, "guarded": false, "multiline": false, "dontGenerate": false},
                    {"title": "recovery code", "id": "rc", "value": {"concealed": "QX7P-2M9K-8RWT-4DZL"}, "indexAtSource": 1, "guarded": false, "multiline": false, "dontGenerate": false}
                  ]}
                ],
                "passwordHistory": [{"value": "Autumn2023?", "time": 1704067200}]
              },
              "overview": {"subtitle": "eli@example.org", "urls": [{"label": "website", "url": "https://www.dropbox.com/login"}], "title": "Dropbox", "url": "https://www.dropbox.com/login", "ps": 60, "pbe": 40.0, "pgrng": false, "tags": ["cloud"]}
            },
            {
              "uuid": "sampleitem00000000000000002", "favIndex": 0, "createdAt": 1650000000, "updatedAt": 1710000000,
              "state": "active", "categoryUuid": "001",
              "details": {
                "loginFields": [
                  {"value": "eli", "id": "", "name": "username", "fieldType": "T", "designation": "username"},
                  {"value": "Gp4!vN8s#Qe2Lr7t", "id": "", "name": "password", "fieldType": "P", "designation": "password"}
                ],
                "notesPlain": "",
                "sections": [],
                "passwordHistory": [],
                "passkey": {"privateKey": "SAMPLE-NOT-A-REAL-PRIVATE-KEY"}
              },
              "overview": {"subtitle": "eli", "urls": [{"label": "website", "url": "https://shop.example"}], "title": "Shop", "url": "https://shop.example",
                "passkey": {"credentialId": "sample-credential-id", "rpId": "shop.example", "userHandle": "c2FtcGxl"}}
            },
            {
              "uuid": "sampleitem00000000000000003", "favIndex": 0, "createdAt": 1500000000, "updatedAt": 1600000000,
              "state": "archived", "categoryUuid": "001",
              "details": {
                "loginFields": [
                  {"value": "eli.old", "id": "", "name": "username", "fieldType": "T", "designation": "username"},
                  {"value": "mR3#kT8w!pZ6", "id": "", "name": "password", "fieldType": "P", "designation": "password"}
                ],
                "notesPlain": "", "sections": [], "passwordHistory": []
              },
              "overview": {"title": "Old Forum", "url": "https://forum.example"}
            },
            {
              "uuid": "sampleitem00000000000000004", "favIndex": 0, "createdAt": 1690000000, "updatedAt": 1690000000,
              "state": "active", "categoryUuid": "005",
              "details": {"loginFields": [], "sections": [], "passwordHistory": [], "password": "wQ9#rT2!zX5v"},
              "overview": {"title": "Router admin"}
            },
            {
              "uuid": "sampleitem00000000000000005", "favIndex": 0, "createdAt": 1690000000, "updatedAt": 1690000000,
              "state": "active", "categoryUuid": "003",
              "details": {"loginFields": [], "notesPlain": "Spare key is with the neighbour.", "sections": [], "passwordHistory": []},
              "overview": {"title": "House notes"}
            }
          ]
        }
      ]
    }
  ]
}
"#;

const PROTON_DATA: &str = r#"{
  "version": "1.20.0",
  "userId": "sample-user-id",
  "encrypted": false,
  "vaults": {
    "sample-share-1": {
      "name": "Personal",
      "description": "Personal vault",
      "display": {"color": 0, "icon": 0},
      "items": [
        {
          "itemId": "sample-item-1", "shareId": "sample-share-1",
          "data": {
            "metadata": {"name": "Mastodon", "note": "", "itemUuid": "s1"},
            "extraFields": [{"fieldName": "Backup codes", "type": "hidden", "data": {"content": "81726354 19283746"}}],
            "type": "login",
            "content": {"itemEmail": "fay@example.org", "password": "t7#Vq2!mLw9Ks4Pz", "urls": ["https://mastodon.example"],
                        "totpUri": "otpauth://totp/Mastodon:fay?secret=MFRGGZDFMZTWQ2LK&issuer=Mastodon", "passkeys": [], "itemUsername": ""}
          },
          "state": 1, "aliasEmail": null, "contentFormatVersion": 6, "createTime": 1690000000, "modifyTime": 1700000000,
          "pinned": false, "shareCount": 0, "files": []
        },
        {
          "itemId": "sample-item-2", "shareId": "sample-share-1",
          "data": {
            "metadata": {"name": "Library", "note": "", "itemUuid": "s2"},
            "extraFields": [],
            "type": "login",
            "content": {"itemEmail": "", "password": "r4Lm!8xQ#2pV", "urls": ["https://library.example"],
                        "totpUri": "", "passkeys": [{"keyId": "k", "content": "SAMPLE-NOT-A-KEY", "domain": "library.example", "rpId": "library.example", "rpName": "Library", "userName": "fay", "userDisplayName": "Fay", "userId": "u", "createTime": 1700000000, "note": "", "credentialId": "c", "userHandle": "h"}],
                        "itemUsername": "fay"}
          },
          "state": 1, "aliasEmail": null, "contentFormatVersion": 6, "createTime": 1695000000, "modifyTime": 1700000000,
          "pinned": false, "shareCount": 0, "files": []
        },
        {
          "itemId": "sample-item-3", "shareId": "sample-share-1",
          "data": {
            "metadata": {"name": "Old game", "note": "", "itemUuid": "s3"},
            "extraFields": [], "type": "login",
            "content": {"itemEmail": "", "password": "oldgame-2018", "urls": ["https://game.example"], "totpUri": "", "passkeys": [], "itemUsername": "fay"}
          },
          "state": 2, "aliasEmail": null, "contentFormatVersion": 6, "createTime": 1500000000, "modifyTime": 1710000000,
          "pinned": false, "shareCount": 0, "files": []
        },
        {
          "itemId": "sample-item-4", "shareId": "sample-share-1",
          "data": {"metadata": {"name": "Fay alias", "note": "", "itemUuid": "s4"}, "extraFields": [], "type": "alias", "content": {}},
          "state": 1, "aliasEmail": "fay.x1@alias.example", "contentFormatVersion": 6, "createTime": 1700000000, "modifyTime": 1700000000,
          "pinned": false, "shareCount": 0, "files": []
        }
      ]
    }
  }
}
"#;

fn zip(path: &Path, members: &[(&str, &str)]) {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    // A fixed date keeps the file byte-for-byte reproducible.
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    for (name, data) in members {
        w.start_file(*name, options).expect("zip member");
        w.write_all(data.as_bytes()).expect("zip write");
    }
    let bytes = w.finish().expect("zip").into_inner();
    std::fs::write(path, bytes).expect("writes");
    println!("wrote {}", path.display());
}

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-exports");
    let plain = std::fs::read(dir.join("bitwarden.json")).expect("bitwarden.json");
    let encrypted = encrypt(
        &plain,
        PASSWORD,
        Protect::Pbkdf2 {
            iterations: 600_000,
        },
        2026,
    );
    let path = dir.join("bitwarden-encrypted.json");
    std::fs::write(&path, encrypted).expect("writes");
    println!("wrote {}", path.display());
    zip(
        &dir.join("1password.1pux"),
        &[
            ("export.attributes", ONEPUX_ATTRIBUTES),
            ("export.data", ONEPUX_DATA),
        ],
    );
    zip(
        &dir.join("protonpass.zip"),
        &[("Proton Pass/data.json", PROTON_DATA)],
    );
    let pgp = encrypt_pgp(PROTON_DATA.as_bytes(), PASSWORD, 2026);
    zip(
        &dir.join("protonpass-pgp.zip"),
        &[("Proton Pass/data.pgp", &pgp)],
    );
}
