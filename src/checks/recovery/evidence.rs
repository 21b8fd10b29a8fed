//! Backup codes saved in the account's own item: its notes, custom fields
//! and attachment names.

use super::{Evidence, Place, codes, two_factor};
use crate::model::Entry;

/// Evidence in the account's own notes and custom fields, and where a
/// negation ("no backup codes") was seen, if any.
pub(super) fn own_evidence(e: &Entry) -> (Vec<Evidence>, Option<String>) {
    let mut evidence = Vec::new();
    let mut negated = None;
    let offline = |f: codes::Found| matches!(f, codes::Found::Offline { .. });
    match codes::scan(e.notes.expose()) {
        Some(found) if found.is_saved() => evidence.push(Evidence {
            place: Place::Notes,
            location: "notes".into(),
            how: found.describe(),
            offline: offline(found),
        }),
        Some(_) => negated = Some("its notes".to_owned()),
        None => {}
    }
    for a in e.attachments() {
        // `github-recovery-codes.txt` reads as "github recovery codes txt".
        let words = a.name.replace(['-', '_', '.'], " ");
        if let Some(label) = codes::label(&words) {
            evidence.push(Evidence {
                place: Place::Attachment,
                location: format!("attachment '{}'", a.name),
                how: format!("a file named '{label}' is attached"),
                offline: false,
            });
        }
    }
    for field in &e.fields {
        let value = field.value.expose().trim();
        if value.is_empty() || two_factor::is_otp_field(&field.name) {
            continue;
        }
        let found = codes::scan(value);
        let location = two_factor::field_label(&field.name);
        match (codes::label(&field.name), found) {
            (Some(label), found) => {
                let with_codes = matches!(
                    found,
                    Some(
                        codes::Found::Block { .. }
                            | codes::Found::Label {
                                with_codes: true,
                                ..
                            }
                    )
                );
                let is_offline = found.is_some_and(offline);
                if !with_codes && !is_offline && codes::is_negation(value) {
                    negated = Some(location);
                } else {
                    evidence.push(Evidence {
                        place: Place::CustomField,
                        location,
                        how: match found {
                            Some(f) if f.is_saved() && !matches!(f, codes::Found::Label { .. }) => {
                                format!("labelled '{label}'; {}", f.describe())
                            }
                            _ => format!("labelled '{label}'"),
                        },
                        offline: is_offline,
                    });
                }
            }
            (None, Some(found)) if found.is_saved() => evidence.push(Evidence {
                place: Place::CustomField,
                location,
                how: found.describe(),
                offline: offline(found),
            }),
            (None, Some(_)) => negated = Some(location),
            (None, None) => {}
        }
    }
    (evidence, negated)
}
