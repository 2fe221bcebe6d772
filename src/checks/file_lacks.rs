//! `file-lacks`: text that must not appear (template placeholders, markings…), reported by line.

use serde::Deserialize;

use super::params::{Globs, Pattern};
use super::{clip, column_of, line_of};
use crate::finding::{Finding, Outcome};
use crate::repo::Snapshot;

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Params {
    #[serde(default)]
    files: Option<Globs>,
    #[serde(default)]
    except: Globs,
    patterns: Vec<Forbidden>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Forbidden {
    pattern: Pattern,
    #[serde(default)]
    message: Option<String>,
}

pub fn run(p: &Params, snap: &Snapshot) -> Outcome {
    let mut findings = Vec::new();
    for f in snap.files() {
        if p.files.as_ref().is_some_and(|g| !g.is_match(&f.path)) || p.except.is_match(&f.path) {
            continue;
        }
        let Some(text) = snap.text(f) else { continue };
        for forbidden in &p.patterns {
            let mut last_line = 0;
            for m in forbidden.pattern.find_iter(&text) {
                let line = line_of(&text, m.start);
                if line == last_line {
                    continue; // one finding per line and pattern
                }
                last_line = line;
                let shown = clip(m.as_str(), 60);
                let msg = match &forbidden.message {
                    Some(t) => t.replace("{match}", &shown),
                    None => format!("`{shown}`"),
                };
                findings.push(
                    Finding::at_line(&f.path, line, msg).with_column(column_of(&text, m.start)),
                );
            }
        }
    }
    Outcome::from_findings(findings, "none found", |n| format!("{n} found"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Status;

    #[test]
    fn reports_each_line_with_its_column() {
        let p: Params = toml::from_str(
            r#"files = ["README*"]
patterns = [{ pattern = '\{[A-Z][A-Z _]+\}', message = "placeholder {match}" }]"#,
        )
        .unwrap();
        let snap = Snapshot::from_memory(&[(
            "README.md",
            "# {PROJECT NAME}\nok\nBy {AUTHOR}\n".as_bytes(),
        )]);
        let o = run(&p, &snap);
        assert_eq!(o.status, Status::Fail);
        assert_eq!(o.findings.len(), 2);
        assert_eq!(
            (o.findings[0].line, o.findings[0].column),
            (Some(1), Some(3))
        );
        assert_eq!(o.findings[1].message, "placeholder {AUTHOR}");
    }
}
