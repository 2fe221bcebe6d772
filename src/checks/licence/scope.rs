//! `licence-scope`: when several licences apply, the README says which covers what.

use std::collections::BTreeSet;

use serde::Deserialize;

use super::family;
use crate::checks::params::Pattern;
use crate::checks::text;
use crate::finding::{Finding, Outcome};
use crate::licence::Facts;
use crate::repo::Snapshot;

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Params {
    #[serde(default)]
    code: Option<Pattern>,
    #[serde(default)]
    docs: Option<Pattern>,
}

pub fn run(p: &Params, snap: &Snapshot) -> Outcome {
    let facts = Facts::of(snap);
    let mut all: BTreeSet<String> = facts
        .identified()
        .iter()
        .map(|i| family(i).to_string())
        .collect();
    if let Some(r) = &facts.readme {
        all.extend(r.named.iter().map(|n| family(n).to_string()));
    }
    if all.len() < 2 {
        return Outcome::not_applicable("fewer than two licences");
    }
    let list = all.iter().cloned().collect::<Vec<_>>().join(", ");
    let Some(readme) = text::find_readme(snap) else {
        return Outcome::fail(
            format!("{list} apply, and there is no README saying which covers what"),
            Vec::new(),
        );
    };
    let t = snap.text(readme).unwrap_or_default();
    let body = facts
        .readme
        .as_ref()
        .map_or(t.as_str(), |r| r.body.as_str());
    let code = p
        .code
        .clone()
        .unwrap_or_else(|| Pattern::new(r"\b(code|codebase|source|software)\b").expect("valid"));
    let docs = p.docs.clone().unwrap_or_else(|| {
        Pattern::new(r"\b(documentation|docs|content|html and markdown)\b").expect("valid")
    });
    match (code.is_match(body), docs.is_match(body)) {
        (true, true) => Outcome::pass(format!(
            "{list}: the README says which covers the code and which the documentation"
        )),
        (c, d) => {
            let missing = match (c, d) {
                (false, false) => "the code or the documentation",
                (false, true) => "the code",
                _ => "the documentation",
            };
            Outcome::fail(
                format!("{list} apply, but the README does not say which covers {missing}"),
                vec![Finding::at(&readme.path, "say e.g. \"the codebase is released under the MIT Licence; the documentation is © Crown copyright under the Open Government Licence v3.0\"")],
            )
        }
    }
}
