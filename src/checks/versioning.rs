//! `versioning`: version tags and the version fields of manifests are SemVer 2.0.

use std::sync::LazyLock;

use regex_lite::Regex;
use serde::Deserialize;

use super::line_of;
use crate::finding::{Finding, Outcome};
use crate::repo::Snapshot;

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Params {
    #[serde(default = "yes")]
    allow_four_part: bool,
}

fn yes() -> bool {
    true
}

static SEMVER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$").unwrap()
});
static FOUR_PART: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)\.\d+$").unwrap());
static VERSION_TAG: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[vV]?\d").unwrap());

/// A version found somewhere, with where it was found.
struct Found {
    version: String,
    path: Option<String>,
    line: Option<u32>,
    what: String,
}

pub fn run(p: &Params, snap: &Snapshot) -> Outcome {
    let mut found = Vec::new();
    for tag in snap.tags() {
        // tags like `release-2024` or `prod` are not versions; `v1.2` and `2.0` are meant to be
        if VERSION_TAG.is_match(tag) {
            found.push(Found {
                version: tag.trim_start_matches(['v', 'V']).to_string(),
                path: None,
                line: None,
                what: format!("tag {tag}"),
            });
        }
    }
    for (name, extract) in MANIFESTS {
        if let Some(f) = snap.find(name) {
            if let Some(text) = snap.text(f) {
                if let Some((version, offset)) = extract(&text) {
                    found.push(Found {
                        version,
                        path: Some(f.path.clone()),
                        line: Some(line_of(&text, offset)),
                        what: format!("{name} version"),
                    });
                }
            }
        }
    }
    if found.is_empty() {
        return Outcome::not_applicable("no version tags or version fields found");
    }
    let bad: Vec<Finding> = found
        .iter()
        .filter(|f| {
            !(SEMVER.is_match(&f.version) || (p.allow_four_part && FOUR_PART.is_match(&f.version)))
        })
        .map(|f| {
            let msg = format!(
                "{} `{}` is not SemVer (MAJOR.MINOR.PATCH)",
                f.what, f.version
            );
            match (&f.path, f.line) {
                (Some(path), Some(line)) => Finding::at_line(path, line, msg),
                _ => Finding::general(msg),
            }
        })
        .collect();
    let n = found.len();
    Outcome::from_findings(
        bad,
        format!(
            "{n} version{} checked, all SemVer",
            if n == 1 { "" } else { "s" }
        ),
        |b| format!("{b} of {n} versions are not SemVer"),
    )
}

type Extract = fn(&str) -> Option<(String, usize)>;

const MANIFESTS: &[(&str, Extract)] = &[
    ("VERSION", |t| {
        let v = t.trim();
        (!v.is_empty() && !v.contains('\n')).then(|| (v.to_string(), t.find(v).unwrap_or(0)))
    }),
    ("Cargo.toml", |t| toml_version(t, &["package"])),
    ("pyproject.toml", |t| {
        toml_version(t, &["project"]).or_else(|| toml_version(t, &["tool", "poetry"]))
    }),
    ("package.json", |t| {
        let v: serde_json::Value = serde_json::from_str(t).ok()?;
        let s = v.get("version")?.as_str()?.to_string();
        let at = t.find("\"version\"").unwrap_or(0);
        Some((s, at))
    }),
    ("setup.cfg", |t| {
        key_line(t, r"(?m)^version\s*=\s*(\S+)\s*$")
    }),
    ("DESCRIPTION", |t| key_line(t, r"(?m)^Version:\s*(\S+)\s*$")),
];

fn toml_version(text: &str, table: &[&str]) -> Option<(String, usize)> {
    let doc: toml::Table = toml::from_str(text).ok()?;
    let mut v = doc.get(table[0])?;
    for k in &table[1..] {
        v = v.get(k)?;
    }
    // `version.workspace = true` or a dynamic version has no literal to check
    let s = v.get("version")?.as_str()?.to_string();
    let at = text.find(&format!("\"{s}\"")).unwrap_or(0);
    Some((s, at))
}

fn key_line(text: &str, re: &str) -> Option<(String, usize)> {
    let re = Regex::new(re).ok()?;
    let c = re.captures(text)?;
    let m = c.get(1)?;
    // setup.cfg's `version = attr: pkg.__version__` and `file:` refer elsewhere
    if m.as_str().ends_with(':')
        || m.as_str().starts_with("attr:")
        || m.as_str().starts_with("file:")
    {
        return None;
    }
    Some((m.as_str().to_string(), m.start()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Status;

    #[test]
    fn manifests_are_read_and_judged() {
        let p: Params = toml::from_str("").unwrap();
        let snap = Snapshot::from_memory(&[
            (
                "Cargo.toml",
                b"[package]\nname = \"x\"\nversion = \"1.2.3\"\n",
            ),
            ("package.json", b"{\n  \"version\": \"1.2\"\n}"),
        ]);
        let o = run(&p, &snap);
        assert_eq!(o.status, Status::Fail);
        assert_eq!(o.findings.len(), 1);
        assert_eq!(o.findings[0].path.as_deref(), Some("package.json"));
        assert_eq!(o.findings[0].line, Some(2));
        let snap = Snapshot::from_memory(&[("DESCRIPTION", b"Package: x\nVersion: 0.1.0.9000\n")]);
        assert_eq!(run(&p, &snap).status, Status::Pass);
        let snap = Snapshot::from_memory(&[("README", b"x")]);
        assert_eq!(run(&p, &snap).status, Status::NotApplicable);
    }

    #[test]
    fn semver_edge_cases() {
        for ok in ["0.1.0", "1.0.0-alpha.1", "2.3.4+build.5", "10.20.30"] {
            assert!(SEMVER.is_match(ok), "{ok}");
        }
        for bad in ["1.2", "01.2.3", "1.2.3.4", "v1.2.3", "1.2.3-"] {
            assert!(!SEMVER.is_match(bad), "{bad}");
        }
    }
}
