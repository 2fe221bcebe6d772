//! `file-contains`: some file says something (a contact address, a scanner configured…).

use serde::Deserialize;

use super::params::{Globs, Pattern};
use super::{clip, line_of};
use crate::finding::Outcome;
use crate::repo::Snapshot;

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Params {
    #[serde(default)]
    any: Vec<Alternative>,
    #[serde(default)]
    all: Vec<Alternative>,
    /// The rule applies only when some file matches.
    #[serde(default)]
    when: Option<Globs>,
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
    if let Some(when) = &p.when {
        if !snap.files().iter().any(|f| when.is_match(&f.path)) {
            return Outcome::not_applicable(format!("no file matches {}", when.sources.join(", ")));
        }
    }
    let fail = || {
        Outcome::fail(
            p.message.clone().unwrap_or_else(|| "nothing found".into()),
            Vec::new(),
        )
    };
    let mut found = Vec::new();
    if !p.any.is_empty() {
        match p.any.iter().find_map(|alt| met(alt, snap)) {
            Some(m) => found.push(m),
            None => return fail(),
        }
    }
    for alt in &p.all {
        match met(alt, snap) {
            Some(m) => found.push(m),
            None => return fail(),
        }
    }
    if found.is_empty() {
        return fail();
    }
    Outcome::pass(found.join("; "))
}

/// Where an alternative is met, if it is.
fn met(alt: &Alternative, snap: &Snapshot) -> Option<String> {
    for f in snap.files().iter().filter(|f| alt.files.is_match(&f.path)) {
        let Some(pattern) = &alt.pattern else {
            return Some(format!("found {}", f.path));
        };
        let Some(text) = snap.text(f) else { continue };
        for m in pattern.find_iter(&text) {
            if alt.exclude.as_ref().is_some_and(|x| x.is_match(m.as_str())) {
                continue;
            }
            return Some(format!(
                "found in {}:{}: {}",
                f.path,
                line_of(&text, m.start),
                clip(m.as_str(), 60)
            ));
        }
    }
    None
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
