//! TODO: importer not yet written (stub).

use super::{Format, Parsed, Table};
use crate::model::Capabilities;

pub struct KeePassXc;

impl Format for KeePassXc {
    fn id(&self) -> &'static str {
        "keepassxc"
    }
    fn name(&self) -> &'static str {
        "KeePassXc"
    }
    fn signature(&self) -> &'static str {
        ""
    }
    fn capabilities(&self) -> Capabilities {
        Capabilities {
            notes: true,
            custom_fields: false,
            totp: false,
            attachments: false,
        }
    }
    fn detect(&self, _table: &Table) -> u8 {
        0
    }
    fn import(&self, _table: &Table, _out: &mut Parsed) {}
}
