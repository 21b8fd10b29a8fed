//! TODO: importer not yet written (stub).

use super::{Format, Parsed, Table};
use crate::model::Capabilities;

pub struct Dashlane;

impl Format for Dashlane {
    fn id(&self) -> &'static str {
        "dashlane"
    }
    fn name(&self) -> &'static str {
        "Dashlane"
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

pub struct DashlaneNotes;

impl Format for DashlaneNotes {
    fn id(&self) -> &'static str {
        "dashlane-notes"
    }
    fn name(&self) -> &'static str {
        "DashlaneNotes"
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
