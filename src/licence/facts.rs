//! The licence analysis of a repository, made once per run and shared by every licence rule and by
//! `openready licence`: which licence files there are and what they hold, the copyright notices, the
//! README's licence section, and what package manifests declare.

use std::collections::BTreeSet;
use std::sync::{Arc, LazyLock};

use regex_lite::{Regex, RegexBuilder};
use serde::Serialize;

use super::copyright::{self, Notice};
use super::{identify_at, named_licences, Depth, Identification};
use crate::checks::text;
use crate::repo::Snapshot;

#[derive(Clone, Debug, Serialize)]
pub struct LicenceFile {
    pub path: String,
    #[serde(flatten)]
    pub identification: Identification,
}

/// A licence declared in a package manifest.
#[derive(Clone, Debug, Serialize)]
pub struct Declared {
    pub path: String,
    pub line: u32,
    /// As written.
    pub declared: String,
    /// The SPDX ids it names.
    pub ids: Vec<String>,
}

/// The README's licence section.
#[derive(Clone, Debug, Serialize)]
pub struct ReadmeLicence {
    pub path: String,
    pub heading: String,
    pub line: u32,
    #[serde(skip)]
    pub body: String,
    /// SPDX ids of the licences it names.
    pub named: Vec<&'static str>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Facts {
    pub files: Vec<LicenceFile>,
    pub copyright: Vec<Notice>,
    pub declared: Vec<Declared>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub readme: Option<ReadmeLicence>,
}

static LICENCE_NAME: LazyLock<Regex> = LazyLock::new(|| {
    RegexBuilder::new(r"^((un)?licen[cs]e|copying)([-_][a-z0-9.+-]+)?(\.(md|markdown|txt|rst))?$|^[a-z0-9.+]+[-_]licen[cs]e(\.(md|markdown|txt|rst))?$")
        .case_insensitive(true)
        .build()
        .expect("valid")
});
static LICENCE_HEADING: LazyLock<Regex> = LazyLock::new(|| {
    RegexBuilder::new(r"licen[cs]e|licen[cs]ing|copyright")
        .case_insensitive(true)
        .build()
        .expect("valid")
});

/// Is this root file name a licence file?
pub fn is_licence_name(name: &str) -> bool {
    LICENCE_NAME.is_match(name)
}

impl Facts {
    /// The shared analysis of a snapshot, as checks need it (see [`Depth::Verdict`]).
    pub fn of(snap: &Snapshot) -> Arc<Facts> {
        snap.derived(|s| analyse(s, Depth::Verdict))
    }

    /// Every licence named against the whole SPDX list (for `openready licence`).
    pub fn precise(snap: &Snapshot) -> Facts {
        analyse(snap, Depth::Precise)
    }

    /// Every licence identified from the licence files' texts, in SPDX ids.
    pub fn identified(&self) -> BTreeSet<String> {
        self.files
            .iter()
            .flat_map(|f| f.identification.licences.iter().map(|l| l.spdx.clone()))
            .collect()
    }

    /// What was found, for people and scripts (`openready licence --format json`, and the details of
    /// the licence rules in the check report).
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "licences": self.files.iter().flat_map(|l| l.identification.licences.iter().map(move |i| serde_json::json!({
                "path": l.path,
                "spdx": i.spdx,
                "confidence": (f64::from(i.confidence) * 1000.0).round() / 1000.0,
                "lines": [i.lines.0, i.lines.1],
            }))).collect::<Vec<_>>(),
            "expression": self.expression(),
            "copyright": self.copyright,
            "files": self.files.iter().map(|l| serde_json::json!({
                "path": l.path,
                "kind": l.identification.kind,
                "modified": l.identification.modified,
                "closest": l.identification.closest.as_ref().map(|(n, s)| serde_json::json!({"spdx": n, "confidence": (f64::from(*s) * 1000.0).round() / 1000.0})),
            })).collect::<Vec<_>>(),
            "declared": self.declared,
        })
    }

    /// The licences as one SPDX expression: a manifest's own expression when it names exactly the
    /// licences found, otherwise all of them joined with AND.
    pub fn expression(&self) -> Option<String> {
        let found = self.identified();
        if found.is_empty() {
            return None;
        }
        for d in &self.declared {
            let ids: BTreeSet<String> = d.ids.iter().cloned().collect();
            if ids == found && spdx::Expression::parse(&d.declared).is_ok() {
                return Some(d.declared.clone());
            }
        }
        Some(found.into_iter().collect::<Vec<_>>().join(" AND "))
    }
}

fn analyse(snap: &Snapshot, depth: Depth) -> Facts {
    let candidates: Vec<(&str, String)> = snap
        .files()
        .iter()
        .filter(|f| {
            let in_licenses_dir =
                f.path.starts_with("LICENSES/") && !f.path["LICENSES/".len()..].contains('/');
            let at_root = !f.path.contains('/') && is_licence_name(f.name());
            (in_licenses_dir || at_root) && !f.symlink
        })
        .map(|f| (f.path.as_str(), snap.text(f).unwrap_or_default()))
        .collect();
    let settle = |text: &str| {
        let mut identification = identify_at(text, depth);
        // close to a licence NHS policies name (MIT, Apache, the GNU family, OGL): settle it against
        // the whole SPDX list, since the verdict and the README rules depend on which it is
        let policy_family = |n: &str| {
            ["MIT", "Apache-", "GPL-", "LGPL-", "AGPL-", "OGL-"]
                .iter()
                .any(|p| n.starts_with(p))
        };
        if identification.pending
            && identification
                .closest
                .as_ref()
                .is_some_and(|(n, _)| policy_family(n))
        {
            identification = super::identify(text);
        }
        identification
    };
    // a repository may hold several licence files (a REUSE LICENSES/ folder): settle them side by side
    let identifications: Vec<Identification> = if candidates.len() > 1 {
        std::thread::scope(|s| {
            let (first, rest) = candidates.split_at(candidates.len().div_ceil(2));
            let other = s.spawn(|| rest.iter().map(|(_, t)| settle(t)).collect::<Vec<_>>());
            let mut v: Vec<Identification> = first.iter().map(|(_, t)| settle(t)).collect();
            v.extend(other.join().unwrap_or_default());
            v
        })
    } else {
        candidates.iter().map(|(_, t)| settle(t)).collect()
    };
    let mut files: Vec<LicenceFile> = candidates
        .iter()
        .zip(identifications)
        .map(|((path, _), identification)| LicenceFile {
            path: path.to_string(),
            identification,
        })
        .collect();

    // a GNU licence text alone grants its own version; the README's notice can say "or any later version"
    let readme_later = text::find_readme(snap)
        .and_then(|r| snap.text(r))
        .is_some_and(|t| super::says_later(&t));
    if readme_later {
        for f in &mut files {
            for l in &mut f.identification.licences {
                if let Some(base) = l.spdx.strip_suffix("-only") {
                    l.spdx = format!("{base}-or-later");
                }
            }
        }
    }
    let year = copyright::this_year();
    let mut notices = Vec::new();
    let readme = text::find_readme(snap);
    let notice_files = snap
        .files_in("")
        .filter(|f| f.name().to_ascii_lowercase().starts_with("notice"));
    for f in files
        .iter()
        .filter_map(|l| snap.find(&l.path))
        .chain(readme)
        .chain(notice_files)
    {
        if let Some(t) = snap.text(f) {
            notices.extend(copyright::find(&f.path, &t, year));
        }
    }

    let readme_licence = readme.and_then(|r| {
        let t = snap.text(r)?;
        let doc = text::parse(&t, r.name().to_ascii_lowercase().ends_with(".adoc"));
        let s = doc
            .sections
            .into_iter()
            .find(|s| LICENCE_HEADING.is_match(&s.heading))?;
        Some(ReadmeLicence {
            path: r.path.clone(),
            named: named_licences(&format!("{}\n{}", s.heading, s.body)),
            heading: s.heading,
            line: s.line,
            body: s.body,
        })
    });

    let declared = super::manifest::declared(snap);
    Facts {
        files,
        copyright: notices,
        declared,
        readme: readme_licence,
    }
}
