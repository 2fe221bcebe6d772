//! `licence-file`: a licence file exists (and, optionally, is named as the policy prefers).

use serde::Deserialize;

use crate::checks::params::NameGlobs;
use crate::finding::{Finding, Outcome};
use crate::licence::Facts;
use crate::repo::Snapshot;

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Params {
    #[serde(default)]
    preferred: Option<NameGlobs>,
}

pub fn run(p: &Params, snap: &Snapshot) -> Outcome {
    let facts = Facts::of(snap);
    if facts.files.is_empty() {
        let declared: Vec<String> = facts
            .declared
            .iter()
            .map(|d| format!("{} declares {}", d.path, d.declared))
            .collect();
        let msg = if declared.is_empty() {
            "no licence file (LICENCE, LICENSE, COPYING… or a LICENSES/ folder)".to_string()
        } else {
            format!(
                "no licence file, though {}: the licence text must be in the repository",
                declared.join("; ")
            )
        };
        return Outcome::fail(msg, Vec::new());
    }
    let names: Vec<&str> = facts.files.iter().map(|f| f.path.as_str()).collect();
    if let Some(pref) = &p.preferred {
        let root: Vec<&str> = names.iter().copied().filter(|n| !n.contains('/')).collect();
        if !root.is_empty() && !root.iter().any(|n| pref.is_match(n)) {
            return Outcome::fail(
                format!(
                    "found {}, but this policy names the licence file {}",
                    names.join(", "),
                    pref.sources.join(" or ")
                ),
                root.iter()
                    .map(|n| Finding::at(*n, format!("rename to {}", pref.sources[0])))
                    .collect(),
            );
        }
    }
    Outcome::pass(format!("found {}", names.join(", "))).with_details(super::details(&facts))
}
