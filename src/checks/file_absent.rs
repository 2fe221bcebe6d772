//! `file-absent`: files that should not be published (build output, logs, data, credentials…).

use std::collections::BTreeMap;

use serde::Deserialize;

use super::params::{ByteSize, Globs, Pattern};
use crate::finding::{Finding, Outcome};
use crate::repo::Snapshot;

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Params {
    globs: Globs,
    #[serde(default)]
    except: Globs,
    #[serde(default)]
    min_size: Option<ByteSize>,
    /// Report a file only when its text matches this…
    #[serde(default)]
    contains: Option<Pattern>,
    /// …and only for files matching these globs, when given (others are reported by name alone).
    #[serde(default)]
    contains_only: Option<Globs>,
    #[serde(default)]
    message: Option<String>,
}

pub fn run(p: &Params, snap: &Snapshot) -> Outcome {
    // the finding carries the path, so a template that opens with it says the rest
    let template = p.message.as_deref().unwrap_or("should not be published");
    let template = template
        .strip_prefix("{path}")
        .map(str::trim_start)
        .unwrap_or(template);
    let mut findings = Vec::new();
    let mut dirs: BTreeMap<String, usize> = BTreeMap::new();
    for f in snap.examined() {
        if !p.globs.is_match(&f.path) || p.except.is_match(&f.path) {
            continue;
        }
        if let Some(min) = p.min_size {
            if snap.size(f) < min.0 {
                continue;
            }
        }
        let content_decides = p.contains_only.as_ref().is_none_or(|g| g.is_match(&f.path));
        if let (Some(re), true) = (&p.contains, content_decides) {
            if !snap.text(f).is_some_and(|t| re.is_match(&t)) {
                continue;
            }
        }
        match p.globs.matched_dir(&f.path) {
            Some(dir) => *dirs.entry(dir).or_default() += 1,
            None => findings.push(Finding::at(&f.path, template.replace("{path}", &f.path))),
        }
    }
    for (dir, n) in dirs {
        let shown = format!("{dir}/");
        let msg = template.replace("{path}", &shown);
        findings.push(Finding::at(
            shown,
            format!("{msg} ({n} file{})", if n == 1 { "" } else { "s" }),
        ));
    }
    Outcome::from_findings(findings, "none found", |n| format!("{n} found"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Status;

    #[test]
    fn directories_are_reported_once_with_a_count() {
        let p: Params =
            toml::from_str("globs = ['node_modules/', '*.log']\nexcept = ['fixtures/']").unwrap();
        let snap = Snapshot::from_memory(&[
            ("web/node_modules/a.js", b"x"),
            ("web/node_modules/b/c.js", b"x"),
            ("app.log", b"x"),
            ("fixtures/x.log", b"x"),
        ]);
        let o = run(&p, &snap);
        assert_eq!(o.status, Status::Fail);
        let paths: Vec<_> = o.findings.iter().map(|f| f.path.clone().unwrap()).collect();
        assert_eq!(paths, vec!["app.log", "web/node_modules/"]);
        assert!(o.findings[1].message.contains("2 files"));
    }

    #[test]
    fn size_and_content_conditions() {
        let p: Params = toml::from_str("globs = ['.npmrc']\ncontains = '_authToken'").unwrap();
        let snap = Snapshot::from_memory(&[(".npmrc", b"registry=https://r.example/\n")]);
        assert_eq!(run(&p, &snap).status, Status::Pass);
        let p: Params = toml::from_str("globs = ['*.csv']\nmin-size = '1 KiB'").unwrap();
        let snap = Snapshot::from_memory(&[("a.csv", b"a,b\n1,2\n")]);
        assert_eq!(run(&p, &snap).status, Status::Pass);
    }
}
