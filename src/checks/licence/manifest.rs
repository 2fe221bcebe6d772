//! `manifest-licence`: licences declared in package manifests agree with the licence files.

use std::collections::BTreeSet;

use serde::Deserialize;

use super::family;
use crate::finding::{Finding, Outcome};
use crate::licence::Facts;
use crate::repo::Snapshot;

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Params {}

pub fn run(_: &Params, snap: &Snapshot) -> Outcome {
    let facts = Facts::of(snap);
    if facts.declared.is_empty() {
        return Outcome::not_applicable("no manifest declares a licence");
    }
    let files: BTreeSet<String> = facts
        .identified()
        .iter()
        .map(|i| family(i).to_string())
        .collect();
    let mut findings = Vec::new();
    for d in &facts.declared {
        let declared: BTreeSet<String> = d.ids.iter().map(|i| family(i).to_string()).collect();
        if declared.is_empty() {
            findings.push(Finding::at_line(
                &d.path,
                d.line,
                format!(
                    "declares \"{}\", which is not a licence openready recognises",
                    d.declared
                ),
            ));
            continue;
        }
        let extra: Vec<_> = declared.difference(&files).cloned().collect();
        if !extra.is_empty() {
            findings.push(Finding::at_line(
                &d.path,
                d.line,
                format!(
                    "declares {} but no licence file holds {}",
                    d.declared,
                    extra.join(", ")
                ),
            ));
        }
        // documentation licences are not expected in a package's licence field
        let missing: Vec<_> = files
            .difference(&declared)
            .filter(|f| !f.starts_with("OGL") && !f.starts_with("CC-BY"))
            .cloned()
            .collect();
        if !missing.is_empty() {
            findings.push(Finding::at_line(
                &d.path,
                d.line,
                format!(
                    "declares {} but the licence files also hold {}",
                    d.declared,
                    missing.join(", ")
                ),
            ));
        }
    }
    let n = facts.declared.len();
    Outcome::from_findings(
        findings,
        format!(
            "{n} manifest declaration{} with the licence files",
            if n == 1 { " agrees" } else { "s agree" }
        ),
        |k| {
            format!(
                "{k} disagreement{} between manifests and licence files",
                if k == 1 { "" } else { "s" }
            )
        },
    )
}
