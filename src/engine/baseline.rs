//! Baselines: findings recorded once (`openready baseline`) that later checks do not count, so a
//! team can adopt the tool on an old repository and block only what is new.
//!
//! The file holds, per finding, the rule, a fingerprint and where it was (for people reading it);
//! never the secret itself. A finding is covered when an entry has its rule and fingerprint, so it
//! stays covered when lines move. Entries that no longer match anything are reported, so the file
//! shrinks as problems are fixed.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::finding::{Finding, Report, Status};
use crate::repo::OpenError;

/// The default baseline file, at the repository root.
pub const DEFAULT_FILE: &str = ".openready-baseline.json";

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct File {
    pub version: u32,
    pub findings: Vec<Entry>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub rule: String,
    pub fingerprint: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
}

/// A loaded baseline.
#[derive(Debug)]
pub struct Baseline {
    /// How the file is named in messages.
    pub name: String,
    pub entries: Vec<Entry>,
}

/// The fingerprint of a finding: its own (a secret's) or one made from where it is and what it says.
pub fn fingerprint_of(rule: &str, f: &Finding) -> String {
    match &f.fingerprint {
        Some(fp) => fp.clone(),
        None => crate::scan::fingerprint(
            rule,
            format!("{}\0{}", f.path.as_deref().unwrap_or(""), f.message).as_bytes(),
        ),
    }
}

impl Baseline {
    pub fn covers(&self, rule: &str, f: &Finding) -> bool {
        let fp = fingerprint_of(rule, f);
        self.entries
            .iter()
            .any(|e| e.rule == rule && e.fingerprint == fp)
    }

    /// Entries of rules that ran which matched no finding: fixed since, and can go.
    pub fn stale(&self, report: &Report) -> Vec<String> {
        let mut out = Vec::new();
        for e in &self.entries {
            let Some(r) = report.rules.iter().find(|r| r.id == e.rule) else {
                continue;
            };
            if matches!(r.status, Status::NotApplicable | Status::Error) {
                continue;
            }
            let used = r
                .findings
                .iter()
                .any(|f| fingerprint_of(&r.id, f) == e.fingerprint);
            if !used {
                let at = match (&e.path, e.line) {
                    (Some(p), Some(l)) => format!(" at {p}:{l}"),
                    (Some(p), None) => format!(" at {p}"),
                    _ => String::new(),
                };
                out.push(format!(
                    "the baseline entry for {}{at} ({}) no longer occurs: remove it from {}",
                    e.rule, e.fingerprint, self.name
                ));
            }
        }
        out
    }
}

/// Read the baseline: `explicit` if given (it must exist), else the default file if present.
pub fn load(explicit: Option<&Path>, root: &Path) -> Result<Option<Baseline>, OpenError> {
    let (path, name): (PathBuf, String) = match explicit {
        Some(p) => (p.to_path_buf(), p.display().to_string()),
        None => {
            let p = root.join(DEFAULT_FILE);
            if !p.is_file() {
                return Ok(None);
            }
            (p, DEFAULT_FILE.to_string())
        }
    };
    let text = std::fs::read_to_string(&path)
        .map_err(|e| OpenError(format!("cannot read baseline {name}: {e}")))?;
    let file: File = serde_json::from_str(&text).map_err(|e| {
        OpenError(format!(
            "{name}:{}:{}: not a valid baseline: {e}",
            e.line(),
            e.column()
        ))
    })?;
    if file.version != 1 {
        return Err(OpenError(format!(
            "{name}: baseline version {} is not supported (expected 1)",
            file.version
        )));
    }
    Ok(Some(Baseline {
        name,
        entries: file.findings,
    }))
}

/// The baseline that covers every active finding of a report.
pub fn from_report(report: &Report) -> File {
    let mut findings: Vec<Entry> = Vec::new();
    for r in &report.rules {
        // what is found now, including what an earlier baseline already covers
        let counted = |f: &&Finding| f.suppressed.as_ref().is_none_or(|s| s.kind == "baseline");
        for f in r.findings.iter().filter(counted) {
            let e = Entry {
                rule: r.id.clone(),
                fingerprint: fingerprint_of(&r.id, f),
                path: f.path.clone(),
                line: f.line,
            };
            if !findings
                .iter()
                .any(|x| x.rule == e.rule && x.fingerprint == e.fingerprint)
            {
                findings.push(e);
            }
        }
    }
    File {
        version: 1,
        findings,
    }
}
