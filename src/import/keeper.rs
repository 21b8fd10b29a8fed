//! TODO: importer not yet written (stub).

use super::{Format, Parsed, Table};
use crate::model::Capabilities;

pub struct Keeper;

impl Format for Keeper {
    fn id(&self) -> &'static str {
        "keeper"
    }
    fn name(&self) -> &'static str {
        "Keeper"
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
