//! `insecure_url`: a login whose site is plain `http://` (not localhost or a
//! private address). Its password crosses the network readable by anyone on
//! the path.

use super::{Context, Draft, FindingKind, Outcome};
use crate::report::Severity;
use crate::site;

pub fn run(ctx: &Context) -> Outcome {
    let findings = ctx
        .iter()
        .filter(|(_, e)| e.urls.iter().any(|u| site::is_insecure_http(u)))
        .map(|(i, _)| {
            Draft::new(
                FindingKind::InsecureUrl,
                Severity::Medium,
                vec![i],
                format!(
                    "{} is saved with a plain http:// address: the password is sent unencrypted. Use the site's https:// address, and change the password if it was ever sent over http.",
                    ctx.label(i)
                ),
            )
        })
        .collect();
    Outcome {
        findings,
        incomplete: None,
        ..Outcome::default()
    }
}
