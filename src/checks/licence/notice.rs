//! `notice-file`: an Apache-2.0 project with regulatory wording keeps a NOTICE file.

use serde::Deserialize;

use crate::checks::params::Pattern;
use crate::checks::text;
use crate::finding::Outcome;
use crate::licence::Facts;
use crate::repo::Snapshot;

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Params {
    when: Pattern,
}

pub fn run(p: &Params, snap: &Snapshot) -> Outcome {
    let facts = Facts::of(snap);
    if !facts.identified().contains("Apache-2.0") {
        return Outcome::not_applicable("not under Apache-2.0");
    }
    let mentions = text::find_readme(snap)
        .and_then(|r| snap.text(r))
        .is_some_and(|t| p.when.is_match(&t));
    if !mentions {
        return Outcome::not_applicable("the README has no regulatory wording");
    }
    match snap.files_in("").find(|f| f.name().to_ascii_lowercase().starts_with("notice")) {
        Some(f) => Outcome::pass(format!("found {}", f.path)),
        None => Outcome::fail("an Apache-2.0 project with regulatory obligations needs a NOTICE file, so that copies keep the legal notices", Vec::new()),
    }
}
