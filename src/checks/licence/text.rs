//! `licence-text`: licence files hold full licence texts, not just a name, a link or a notice.

use serde::Deserialize;

use crate::finding::{Finding, Outcome};
use crate::licence::{Facts, TextKind};
use crate::repo::Snapshot;

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Params {}

pub fn run(_: &Params, snap: &Snapshot) -> Outcome {
    let facts = Facts::of(snap);
    if facts.files.is_empty() {
        return Outcome::fail("no licence file", Vec::new());
    }
    let findings: Vec<Finding> = facts
        .files
        .iter()
        .filter_map(|f| {
            let why = match f.identification.kind {
                TextKind::Licence | TextKind::Unrecognised => return None,
                TextKind::Notice => "holds a licence's short notice, not its full text",
                TextKind::NameOnly => "names a licence but does not hold its text",
                TextKind::LinkOnly => "links to a licence but does not hold its text",
                TextKind::Empty => "is empty",
            };
            Some(Finding::at(&f.path, why))
        })
        .collect();
    let n = facts.files.len();
    Outcome::from_findings(
        findings,
        format!(
            "{n} licence file{} with full text",
            if n == 1 { "" } else { "s" }
        ),
        |k| {
            format!(
                "{k} licence file{} without a full licence text",
                if k == 1 { "" } else { "s" }
            )
        },
    )
    .with_details(super::details(&facts))
}
