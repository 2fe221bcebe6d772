//! `tracked-ignored`: tracked files that the repository's .gitignore would ignore (force-added, or
//! committed before the ignore rule), listed for review.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::params::Globs;
use crate::finding::{Finding, Outcome};
use crate::repo::Snapshot;

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Params {
    #[serde(default)]
    except: Globs,
}

pub fn run(p: &Params, snap: &Snapshot) -> Outcome {
    if !snap.is_git() {
        return Outcome::not_applicable("not a git repository: nothing is tracked");
    }
    let rules = snap.ignore_rules();
    if rules.is_empty() {
        return Outcome::pass("no .gitignore");
    }
    let mut findings = Vec::new();
    let mut dirs: BTreeMap<String, usize> = BTreeMap::new();
    for f in snap.examined() {
        if p.except.is_match(&f.path) {
            continue;
        }
        match rules.ignored_at(&f.path) {
            Some(at) if at.len() < f.path.len() => *dirs.entry(at.to_string()).or_default() += 1,
            Some(_) => findings.push(Finding::at(
                &f.path,
                "tracked, but .gitignore ignores it: check it was meant to be published",
            )),
            None => {}
        }
    }
    for (dir, n) in dirs {
        findings.push(Finding::at(
            format!("{dir}/"),
            format!(
                "{n} tracked file{} in a directory .gitignore ignores",
                if n == 1 { "" } else { "s" }
            ),
        ));
    }
    Outcome::from_findings(findings, "no tracked file is ignored", |n| {
        format!(
            "{n} tracked path{} ignored by .gitignore",
            if n == 1 { "" } else { "s" }
        )
    })
}
