//! `gitignore-coverage`: the repository's .gitignore files keep sensitive paths out, by git's rules.

use serde::Deserialize;

use crate::finding::{Finding, Outcome};
use crate::repo::Snapshot;

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Params {
    probes: Vec<String>,
}

pub fn run(p: &Params, snap: &Snapshot) -> Outcome {
    let rules = snap.ignore_rules();
    if rules.is_empty() {
        return Outcome::fail(
            "there is no .gitignore",
            vec![Finding::general(
                "add a .gitignore that covers data, secrets, logs and build output",
            )],
        );
    }
    let at = if snap.find(".gitignore").is_some() {
        Some(".gitignore")
    } else {
        None
    };
    let findings: Vec<Finding> = p
        .probes
        .iter()
        .filter(|probe| !rules.is_ignored(probe.trim_end_matches('/'), probe.ends_with('/')))
        .map(|probe| {
            let msg = format!("`{probe}` would not be ignored");
            match at {
                Some(path) => Finding::at(path, msg),
                None => Finding::general(msg),
            }
        })
        .collect();
    let total = p.probes.len();
    Outcome::from_findings(findings, format!("all {total} probes are ignored"), |n| {
        format!("{n} of {total} probes would not be ignored")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Status;

    #[test]
    fn probes_use_gitignore_semantics() {
        let p: Params = toml::from_str("probes = ['.env', 'data/x.csv', 'x.log']").unwrap();
        let snap = Snapshot::from_memory(&[(".gitignore", b".env\ndata/\n")]);
        let o = run(&p, &snap);
        assert_eq!(o.status, Status::Fail);
        assert_eq!(o.findings.len(), 1);
        assert!(o.findings[0].message.contains("x.log"));
        let snap = Snapshot::from_memory(&[("README", b"x")]);
        assert_eq!(run(&p, &snap).status, Status::Fail);
    }
}
