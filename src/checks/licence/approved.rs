//! `licence-approved`: every licence identified from the text is on the policy's list.

use serde::Deserialize;

use super::covers;
use crate::finding::{Finding, Level, Outcome};
use std::borrow::Cow;

use crate::licence::{Facts, Identification, TextKind};
use crate::repo::Snapshot;

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Params {
    approved: Vec<String>,
    #[serde(default)]
    documentation: Vec<String>,
    #[serde(default)]
    required: Vec<String>,
    #[serde(default)]
    forbidden: Vec<String>,
}

pub fn run(p: &Params, snap: &Snapshot) -> Outcome {
    let facts = Facts::of(snap);
    let mut findings = Vec::new();
    let mut code = 0;
    let mut docs = 0;
    // A text the common licences could not settle, close to one this policy approves: only the
    // whole SPDX list can say whether it is that licence or a variant of it. Settled once, here.
    let settled: Vec<(&str, Cow<Identification>)> = facts
        .files
        .iter()
        .map(|f| {
            let id = &f.identification;
            let near_approved = id
                .closest
                .as_ref()
                .is_some_and(|(n, _)| covers(&p.approved, n) || covers(&p.documentation, n));
            let text = (id.pending && near_approved)
                .then(|| snap.find(&f.path).and_then(|file| snap.text(file)))
                .flatten();
            let id = match text {
                Some(t) => Cow::Owned(crate::licence::identify(&t)),
                None => Cow::Borrowed(id),
            };
            (f.path.as_str(), id)
        })
        .collect();
    for (path, id) in &settled {
        if id.kind == TextKind::Unrecognised {
            let closest = id
                .closest
                .as_ref()
                .map(|(n, s)| format!(" (closest: {n}, {:.0}% similar)", s * 100.0))
                .unwrap_or_default();
            let added = id
                .modified
                .as_ref()
                .map(|m| format!("; it adds \"{m}\""))
                .unwrap_or_default();
            findings.push(Finding::at(
                *path,
                format!("not an approved licence: unrecognised{closest}{added}; `openready licence` names it against the whole SPDX list"),
            ));
        }
        for l in &id.licences {
            let at = Finding::at_line(*path, l.lines.0 as u32, String::new());
            if covers(&p.forbidden, &l.spdx) {
                findings.push(Finding {
                    message: format!("{} is not allowed under this policy", l.spdx),
                    ..at
                });
            } else if covers(&p.approved, &l.spdx) {
                code += 1;
            } else if covers(&p.documentation, &l.spdx) {
                docs += 1;
            } else {
                findings.push(Finding {
                    message: format!(
                        "{} is not on the approved list ({})",
                        l.spdx,
                        p.approved.join(", ")
                    ),
                    ..at
                });
            }
        }
    }
    let found: std::collections::BTreeSet<String> = settled
        .iter()
        .flat_map(|(_, id)| id.licences.iter().map(|l| l.spdx.clone()))
        .collect();
    for r in &p.required {
        if !found.iter().any(|id| covers(std::slice::from_ref(r), id)) {
            findings.push(Finding::general(format!(
                "{r} is required by this policy and was not found"
            )));
        }
    }
    if found.is_empty() && findings.is_empty() {
        return Outcome::fail("no licence text found to judge", Vec::new())
            .with_details(super::details(&facts));
    }
    if findings.is_empty() && code == 0 && docs > 0 {
        let mut f = Finding::general(format!(
            "only a documentation licence ({}) was found: code needs one of {}",
            found.iter().cloned().collect::<Vec<_>>().join(", "),
            p.approved.join(", ")
        ));
        f.level = Some(Level::Warning);
        return Outcome::fail(f.message.clone(), vec![f]).with_details(super::details(&facts));
    }
    let list = found.into_iter().collect::<Vec<_>>().join(", ");
    Outcome::from_findings(findings, format!("approved: {list}"), |n| {
        format!("{n} licence problem{}", if n == 1 { "" } else { "s" })
    })
    .with_details(super::details(&facts))
}
