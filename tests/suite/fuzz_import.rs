//! Importers never panic: random bytes and random CSV built on every known
//! header go through detection and every importer, and only ever produce
//! entries or a typed error.

use proptest::prelude::*;
use vaultlint::import::{FORMATS, FormatChoice, load_bytes};

/// Header lines of every format (the detectable ones), to build plausible CSV.
fn headers() -> Vec<String> {
    let mut v = vec![
        "folder,favorite,type,name,notes,fields,reprompt,login_uri,login_username,login_password,login_totp".to_owned(),
        "Title,Url,Username,Password,OTPAuth,Favorite,Archived,Tags,Notes".to_owned(),
        "url,username,password,totp,extra,name,grouping,fav".to_owned(),
        "\"Group\",\"Title\",\"Username\",\"Password\",\"URL\",\"Notes\",\"TOTP\",\"Icon\",\"Last Modified\",\"Created\"".to_owned(),
        "\"Account\",\"Login Name\",\"Password\",\"Web Site\",\"Comments\"".to_owned(),
        "name,url,username,password,note".to_owned(),
        "\"url\",\"username\",\"password\",\"httpRealm\",\"formActionOrigin\",\"guid\",\"timeCreated\",\"timeLastUsed\",\"timePasswordChanged\"".to_owned(),
        "Title,URL,Username,Password,Notes,OTPAuth".to_owned(),
        "username,username2,username3,title,password,note,url,category,otpSecret".to_owned(),
        "title,note".to_owned(),
        "type,name,url,email,username,password,note,totp,createTime,modifyTime,vault".to_owned(),
        "name,url,additional_urls,username,password,note,cardholdername,cardnumber,cvc,expirydate,zipcode,folder,full_name,phone_number,email,address1,address2,city,country,state,type,custom_fields".to_owned(),
        "Name,Url,MatchUrl,Login,Pwd,Note,Folder,RfFieldsV2".to_owned(),
    ];
    v.push(String::new()); // headerless (Keeper, Enpass)
    v
}

fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9 @:/._-]{0,12}",
        Just(String::new()),
        Just("\"".to_owned()),
        Just("\"\"".to_owned()),
        Just("\\\"".to_owned()),
        Just("\r\n".to_owned()),
        Just("\r\r\n".to_owned()),
        Just("http://sn".to_owned()),
        Just("Recycle Bin".to_owned()),
        Just("TFC:Keeper".to_owned()),
        Just("[{\"label\":\"x\",\"value\":".to_owned()),
        Just("otpauth://totp/x?secret=ABC".to_owned()),
        Just("&amp;&lt;&#".to_owned()),
        Just("'@x".to_owned()),
        Just("login".to_owned()),
        Just("folder".to_owned()),
        "\\PC{0,6}",
    ]
}

fn csv_text() -> impl Strategy<Value = Vec<u8>> {
    let rows = prop::collection::vec(prop::collection::vec(cell(), 0..14), 0..8);
    (0..headers().len(), rows, any::<bool>(), any::<bool>()).prop_map(|(h, rows, crlf, quote)| {
        let eol = if crlf { "\r\n" } else { "\n" };
        let mut out = headers()[h].clone();
        if !out.is_empty() {
            out.push_str(eol);
        }
        for row in rows {
            let cells: Vec<String> = row
                .into_iter()
                .map(|c| {
                    if quote {
                        format!("\"{}\"", c.replace('"', "\"\""))
                    } else {
                        c
                    }
                })
                .collect();
            out.push_str(&cells.join(","));
            out.push_str(eol);
        }
        out.into_bytes()
    })
}

fn exercise(data: &[u8]) {
    let _ = load_bytes(data, "fuzz.csv", "m", &FormatChoice::Auto);
    for f in FORMATS {
        let _ = load_bytes(
            data,
            "fuzz.csv",
            "m",
            &FormatChoice::Named(f.id().to_owned()),
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(data in prop::collection::vec(any::<u8>(), 0..600)) {
        exercise(&data);
    }

    #[test]
    fn random_csv_never_panics(data in csv_text()) {
        exercise(&data);
    }

    #[test]
    fn row_counts_add_up(data in csv_text()) {
        // Nothing is lost silently: every data row read becomes an entry or a
        // counted skip, unless the importer says in a warning what it did
        // with the others (merged continuation rows, folder definitions...).
        if let Ok((source, entries)) = load_bytes(&data, "fuzz.csv", "m", &FormatChoice::Auto) {
            let accounted = entries.len() + source.skipped.len();
            prop_assert!(accounted <= source.rows, "{accounted} entries+skips from {} rows", source.rows);
            prop_assert!(accounted == source.rows || !source.warnings.is_empty(),
                "{} entries + {} skipped from {} rows, and no warning says why",
                entries.len(), source.skipped.len(), source.rows);
        }
    }
}

#[test]
fn errors_never_quote_cell_text() {
    let data = b"alpha,beta,Sup3r-S3cret-Cell\n1,2,3\n";
    let err = load_bytes(data, "x.csv", "m", &FormatChoice::Auto).unwrap_err();
    assert!(!err.to_string().contains("Sup3r"), "{err}");
}

mod named_importers;
