//! TODO: importer not yet written (stub).

use super::{Format, Parsed, Table};
use crate::model::Capabilities;

pub struct Chrome;

impl Format for Chrome {
    fn id(&self) -> &'static str {
        "chrome"
    }
    fn name(&self) -> &'static str {
        "Chrome"
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
