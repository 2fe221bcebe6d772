//! `file-exists`: a file is present in one of several places (or a README section stands in for it).

use serde::Deserialize;

use super::params::{Globs, NameGlobs, Pattern};
use super::text;
use crate::finding::{Finding, Outcome};
use crate::repo::{File, Snapshot};

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Params {
    #[serde(default)]
    names: Option<NameGlobs>,
    #[serde(default = "root_only")]
    dirs: Vec<String>,
    #[serde(default)]
    globs: Option<Globs>,
    #[serde(default)]
    fuzzy: bool,
    #[serde(default)]
    readme_headings: Vec<Pattern>,
    #[serde(default)]
    must_contain: Option<Pattern>,
    #[serde(default)]
    must_contain_message: Option<String>,
}

fn root_only() -> Vec<String> {
    vec![String::new()]
}

/// Something that can satisfy the rule.
enum Candidate<'a> {
    File(&'a File, bool),
    Section {
        readme: &'a File,
        heading: String,
        line: u32,
        body: String,
    },
}

pub fn run(p: &Params, snap: &Snapshot) -> Outcome {
    let mut found: Vec<Candidate> = Vec::new();
    if let Some(names) = &p.names {
        for dir in &p.dirs {
            let dir = dir.trim_matches('/');
            for f in snap.files_in(dir) {
                if names.is_match(f.name()) {
                    found.push(Candidate::File(f, false));
                } else if p.fuzzy && near_miss(f.name(), &names.sources) {
                    found.push(Candidate::File(f, true));
                }
            }
        }
    }
    // Without a content requirement the first match settles it; with one, every candidate may count.
    let enough = |found: &Vec<Candidate>| p.must_contain.is_none() && !found.is_empty();
    if let Some(globs) = &p.globs {
        if !enough(&found) {
            let seen: std::collections::HashSet<&str> = found
                .iter()
                .filter_map(|c| match c {
                    Candidate::File(f, _) => Some(f.path.as_str()),
                    Candidate::Section { .. } => None,
                })
                .collect();
            let mut extra = Vec::new();
            for f in snap.files() {
                if globs.is_match(&f.path) && !seen.contains(f.path.as_str()) {
                    extra.push(Candidate::File(f, false));
                    if p.must_contain.is_none() {
                        break;
                    }
                }
            }
            found.extend(extra);
        }
    }
    if !p.readme_headings.is_empty() && !enough(&found) {
        if let Some(readme) = text::find_readme(snap) {
            if let Some(t) = snap.text(readme) {
                let doc = text::parse(&t, readme.name().to_ascii_lowercase().ends_with(".adoc"));
                for s in doc.sections {
                    if p.readme_headings.iter().any(|h| h.is_match(&s.heading)) {
                        found.push(Candidate::Section {
                            readme,
                            heading: s.heading,
                            line: s.line,
                            body: s.body,
                        });
                    }
                }
            }
        }
    }

    if found.is_empty() {
        let mut places: Vec<String> = Vec::new();
        if let Some(n) = &p.names {
            let dirs: Vec<String> = p
                .dirs
                .iter()
                .map(|d| {
                    if d.is_empty() {
                        "the root".into()
                    } else {
                        format!("{d}/")
                    }
                })
                .collect();
            places.push(format!("{} in {}", short_list(&n.sources), dirs.join(", ")));
        }
        if let Some(g) = &p.globs {
            places.push(short_list(&g.sources));
        }
        if !p.readme_headings.is_empty() {
            places.push("a README section".into());
        }
        return Outcome::fail(
            format!("none found (looked for {})", places.join("; or ")),
            Vec::new(),
        );
    }

    let Some(must) = &p.must_contain else {
        return Outcome::pass(format!("found {}", describe(&found[0])));
    };
    let mut lacking = Vec::new();
    for c in &found {
        let ok = match c {
            Candidate::File(f, _) => snap.text(f).is_some_and(|t| must.is_match(&t)),
            Candidate::Section { body, .. } => must.is_match(body),
        };
        if ok {
            return Outcome::pass(format!("found {}", describe(c)));
        }
        lacking.push(match c {
            Candidate::File(f, _) => Finding::at(
                &f.path,
                p.must_contain_message
                    .clone()
                    .unwrap_or_else(|| format!("does not match `{}`", must.source)),
            ),
            Candidate::Section {
                readme,
                line,
                heading,
                ..
            } => Finding::at_line(
                &readme.path,
                *line,
                format!(
                    "section \"{heading}\": {}",
                    p.must_contain_message
                        .clone()
                        .unwrap_or_else(|| format!("does not match `{}`", must.source))
                ),
            ),
        });
    }
    Outcome::fail(
        p.must_contain_message
            .clone()
            .unwrap_or_else(|| "found, but without the required content".into()),
        lacking,
    )
}

/// At most six names, then a count.
fn short_list(items: &[String]) -> String {
    if items.len() <= 6 {
        items.join(", ")
    } else {
        format!("{}, and {} more", items[..5].join(", "), items.len() - 5)
    }
}

fn describe(c: &Candidate) -> String {
    match c {
        Candidate::File(f, false) => f.path.clone(),
        Candidate::File(f, true) => {
            format!("{} (a near-miss spelling; consider renaming it)", f.path)
        }
        Candidate::Section {
            readme,
            heading,
            line,
            ..
        } => format!("section \"{heading}\" in {}:{line}", readme.path),
    }
}

/// Is `name` within two typing mistakes of one of the plain names (e.g. CODE_OF_CODUCT.md)?
fn near_miss(name: &str, patterns: &[String]) -> bool {
    let stem = normalise(name.split('.').next().unwrap_or(name));
    if stem.len() < 6 {
        return false;
    }
    patterns.iter().any(|p| {
        let base = p.split('.').next().unwrap_or(p);
        if base.contains(['*', '?', '[']) {
            return false;
        }
        let base = normalise(base);
        base.len() >= 6 && distance(&stem, &base) <= 2
    })
}

fn normalise(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Levenshtein distance (short strings only).
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(toml_src: &str) -> Params {
        toml::from_str(toml_src).unwrap()
    }

    #[test]
    fn finds_names_in_any_listed_dir() {
        let p =
            params("names = ['contributing', 'contributing.*']\ndirs = ['', '.github', 'docs']");
        let snap = Snapshot::from_memory(&[(".github/CONTRIBUTING.md", b"hi")]);
        let o = run(&p, &snap);
        assert_eq!(o.status, crate::finding::Status::Pass, "{o:?}");
        assert!(o.message.contains(".github/CONTRIBUTING.md"));
        let snap = Snapshot::from_memory(&[("src/CONTRIBUTING.md", b"hi")]);
        assert_eq!(run(&p, &snap).status, crate::finding::Status::Fail);
    }

    #[test]
    fn near_miss_spellings_pass_when_fuzzy() {
        let p = params(
            "names = ['code_of_conduct', 'code_of_conduct.*']\ndirs = ['docs']\nfuzzy = true",
        );
        let snap = Snapshot::from_memory(&[("docs/CODE_OF_CODUCT.md", b"be kind")]);
        let o = run(&p, &snap);
        assert_eq!(o.status, crate::finding::Status::Pass);
        assert!(o.message.contains("near-miss"));
        assert!(!near_miss("README.md", &["code_of_conduct.*".into()]));
    }

    #[test]
    fn must_contain_is_checked_on_files_and_sections() {
        let p = params("names = ['security.md']\nreadme-headings = ['^security']\nmust-contain = '@|advisories/new'");
        let snap = Snapshot::from_memory(&[("SECURITY.md", b"Open a GitHub issue.")]);
        assert_eq!(run(&p, &snap).status, crate::finding::Status::Fail);
        let snap = Snapshot::from_memory(&[(
            "README.md",
            b"# X\n## Security\nEmail security@nhs.example\n",
        )]);
        assert_eq!(run(&p, &snap).status, crate::finding::Status::Pass);
    }
}
