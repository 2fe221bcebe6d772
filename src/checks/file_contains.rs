//! `file-contains`: some file says something (a contact address, a scanner configured…).

use serde::Deserialize;

use super::params::{Globs, Pattern};
use super::{clip, line_of};
use crate::finding::Outcome;
use crate::repo::Snapshot;

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Params {
    any: Vec<Alternative>,
    #[serde(default)]
    message: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Alternative {
    files: Globs,
    #[serde(default)]
    pattern: Option<Pattern>,
    #[serde(default)]
    exclude: Option<Pattern>,
}

pub fn run(p: &Params, snap: &Snapshot) -> Outcome {
    for alt in &p.any {
        for f in snap.files().iter().filter(|f| alt.files.is_match(&f.path)) {
            let Some(pattern) = &alt.pattern else {
                return Outcome::pass(format!("found {}", f.path));
            };
            let Some(text) = snap.text(f) else { continue };
            for m in pattern.find_iter(&text) {
                if alt.exclude.as_ref().is_some_and(|x| x.is_match(m.as_str())) {
                    continue;
                }
                return Outcome::pass(format!(
                    "found in {}:{}: {}",
                    f.path,
                    line_of(&text, m.start),
                    clip(m.as_str(), 60)
                ));
            }
        }
    }
    Outcome::fail(
        p.message.clone().unwrap_or_else(|| "nothing found".into()),
        Vec::new(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Status;

    #[test]
    fn excluded_matches_do_not_count() {
        let p: Params = toml::from_str(
            r#"any = [{ files = ["README*"], pattern = '[\w.+-]+@[\w-]+(\.[\w-]+)+', exclude = '@example\.(com|org)$' }]"#,
        )
        .unwrap();
        let snap = Snapshot::from_memory(&[("README.md", b"Contact someone@example.com")]);
        assert_eq!(run(&p, &snap).status, Status::Fail);
        let snap = Snapshot::from_memory(&[("README.md", b"x\nContact team@nhs.example.uk\n")]);
        let o = run(&p, &snap);
        assert_eq!(o.status, Status::Pass);
        assert!(o.message.contains("README.md:2"), "{}", o.message);
    }
}
