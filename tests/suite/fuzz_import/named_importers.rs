//! Random bytes and random CSV-like text through the LastPass, Proton Pass,
//! NordPass, Keeper, Enpass and RoboForm importers: they may reject input with
//! an error, never panic.

use proptest::prelude::*;
use vaultlint::import::{FormatChoice, load_bytes};

const FORMATS: &[&str] = &[
    "lastpass",
    "lastpass-cli",
    "protonpass",
    "nordpass",
    "keeper",
    "enpass",
    "roboform",
];

const HEADERS: &[&str] = &[
    "url,username,password,totp,extra,name,grouping,fav\n",
    "url,username,password,extra,name,grouping,fav\r\n",
    "type,name,url,autofillUrls,email,username,password,note,totp,createTime,modifyTime,vault\r\n",
    "name,url,additional_urls,username,password,note,cardholdername,cardnumber,cvc,pin,expirydate,zipcode,folder,shared_folder,full_name,phone_number,email,address1,address2,city,country,state,type,custom_fields\n",
    "Name,Url,MatchUrl,Login,Pwd,Note,Folder,RfFieldsV2\n",
    "\"Title\",\"Field\",\"Value\",\"Note\"\n",
    "",
];

fn import_all(data: &[u8]) {
    let _ = load_bytes(data, "fuzz.csv", "m", &FormatChoice::Auto);
    for f in FORMATS {
        let _ = load_bytes(data, "fuzz.csv", "m", &FormatChoice::Named((*f).into()));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn random_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..400)) {
        import_all(&data);
    }

    #[test]
    fn random_csv_under_known_headers_never_panics(
        header in 0..HEADERS.len(),
        body in "([a-zA-Z0-9 '@*$/\\\\&;:#\\[\\]{}]{0,6}(,|\"|\r|\n|\r\r\n|&amp;|http://sn|folder|TFC:Keeper|TOTP KEY\\$)?){0,60}",
    ) {
        let data = format!("{}{}", HEADERS[header], body);
        import_all(data.as_bytes());
    }
}
