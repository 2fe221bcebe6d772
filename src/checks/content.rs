//! `content`: what the detector catalogue finds in file contents (secrets, connection strings,
//! addresses, markings, personal data, NHS numbers). Every content rule reads one shared scan of the
//! tree (`ContentScan`), so a file is read and scanned once however many rules look at it.

use serde::Deserialize;

use super::params::Globs;
use crate::finding::{Finding, Outcome};
use crate::repo::Snapshot;
use crate::scan::{self, Category, Hit, Scanned};

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Params {
    categories: Vec<Category>,
    /// Only these detectors (ids), when given.
    #[serde(default)]
    detectors: Vec<String>,
    /// Paths not examined.
    #[serde(default)]
    except: Option<Globs>,
    /// Only these paths are examined.
    #[serde(default)]
    only: Option<Globs>,
}

impl Params {
    pub fn categories(&self) -> &[Category] {
        &self.categories
    }

    /// Whether a hit is this rule's.
    pub fn wants(&self, h: &Hit) -> bool {
        self.categories.contains(&h.category)
            && (self.detectors.is_empty() || self.detectors.iter().any(|d| d == h.detector))
    }

    fn examines(&self, path: &str) -> bool {
        self.except.as_ref().is_none_or(|g| !g.is_match(path))
            && self.only.as_ref().is_none_or(|g| g.is_match(path))
    }
}

/// The scan of every examined file of the snapshot, for the categories the run's rules want.
pub struct ContentScan {
    /// Files with hits, or scanned only in part, with what was found.
    pub files: Vec<(String, Scanned)>,
    pub scanned: usize,
}

impl ContentScan {
    pub fn of(snap: &Snapshot) -> std::sync::Arc<ContentScan> {
        snap.derived(|s| {
            let wanted = s.content_categories();
            scan_files(s, &wanted)
        })
    }
}

fn scan_files(snap: &Snapshot, wanted: &[Category]) -> ContentScan {
    let files: Vec<&crate::repo::File> = snap.examined().filter(|f| !f.symlink).collect();
    if files.len() > 64 {
        // sizes come with knowing which files the work tree holds unchanged: read those from disk
        snap.prefetch_sizes();
    }
    let out = crate::parallel::map(&files, |f| {
        let bytes = snap.bytes(f).ok()?;
        let r = scan::scan_for(&bytes, scan::Origin { path: &f.path }, wanted);
        (!r.hits.is_empty() || r.truncated).then_some(r)
    });
    ContentScan {
        scanned: files.len(),
        files: out
            .into_iter()
            .map(|(i, r)| (files[i].path.clone(), r))
            .collect(),
    }
}

/// The scan of every file version in history: each thing found once, where it first appeared, with
/// how many file versions hold it.
pub struct HistoryScan {
    /// (blob index of the first appearance, the hit there, how many versions hold it)
    pub hits: Vec<(usize, Hit, u32)>,
    /// Paths of blobs scanned only in part.
    pub partial: Vec<usize>,
    pub scanned: usize,
}

impl HistoryScan {
    pub fn of(snap: &Snapshot) -> Option<std::sync::Arc<HistoryScan>> {
        let history = snap.history()?;
        Some(snap.derived(|s| {
            let wanted = s.content_categories();
            let found = history.map_blobs(
                &|_| true,
                &|path, bytes, parent| {
                    let origin = scan::Origin { path };
                    match parent {
                        Some((p, copies)) => scan::scan_delta(bytes, origin, &wanted, p, copies),
                        None => scan::scan_for(bytes, origin, &wanted),
                    }
                },
                &|r: &Scanned| !r.hits.is_empty() || r.truncated,
            );
            let mut first: std::collections::HashMap<(&'static str, String), usize> =
                std::collections::HashMap::new();
            let mut hits: Vec<(usize, Hit, u32)> = Vec::new();
            let mut partial = Vec::new();
            for (i, r) in found {
                if r.truncated {
                    partial.push(i);
                }
                for h in r.hits {
                    match first.get(&(h.detector, h.fingerprint.clone())) {
                        Some(&k) => hits[k].2 += 1,
                        None => {
                            first.insert((h.detector, h.fingerprint.clone()), hits.len());
                            hits.push((i, h, 1));
                        }
                    }
                }
            }
            HistoryScan {
                hits,
                partial,
                scanned: history.blobs.len(),
            }
        }))
    }
}

/// A finding for a hit, with its secret already redacted.
pub fn finding(path: &str, h: &Hit) -> Finding {
    let shown = h.full.as_deref().unwrap_or(&h.redacted);
    let mut message = format!("{}: {shown}", h.title);
    if let Some(note) = h.note {
        message.push_str(&format!(" ({note})"));
    }
    Finding {
        level: h.level,
        fingerprint: Some(h.fingerprint.clone()),
        inline_allow: h.allow.clone(),
        ..Finding::at_line(path, h.line, message).with_column(h.column)
    }
}

fn run_history(p: &Params, snap: &Snapshot, scan: &HistoryScan) -> Outcome {
    let Some(history) = snap.history() else {
        return Outcome::error("history was not read");
    };
    let mut findings = Vec::new();
    let mut noted = Vec::new();
    for (i, h, n) in &scan.hits {
        let b = &history.blobs[*i];
        if !p.wants(h) || !p.examines(&b.path) {
            continue;
        }
        if h.level == Some(crate::finding::Level::Info) {
            noted.push(format!("{}:{}", b.path, h.line));
            continue;
        }
        let c = &history.commits[b.commit];
        let mut f = finding(&b.path, h);
        f.message.push_str(&format!(
            " (first in {} on {}{})",
            &c.sha[..c.sha.len().min(12)],
            &c.date[..10],
            if *n > 1 {
                format!("; in {n} file versions")
            } else {
                String::new()
            }
        ));
        f.commit = Some(crate::finding::CommitRef {
            sha: c.sha.clone(),
            date: c.date.clone(),
            occurrences: *n,
        });
        findings.push(f);
    }
    let what = describe(&p.categories);
    let mut outcome = Outcome::from_findings(
        findings,
        format!(
            "no {what} found in {} file versions of {} commits",
            scan.scanned,
            history.commits.len()
        ),
        |n| format!("{n} found in history"),
    );
    note_test_values(&mut outcome, &noted);
    if !scan.partial.is_empty() {
        outcome.message.push_str(&format!(
            "; {} file versions scanned only in their first {} MiB",
            scan.partial.len(),
            scan::MAX_SCAN >> 20
        ));
    }
    outcome
}

/// Values found that are known test data (NHS numbers in the 999 range) are not failures: the
/// message says where they are.
fn note_test_values(outcome: &mut Outcome, noted: &[String]) {
    if noted.is_empty() {
        return;
    }
    let shown: Vec<&str> = noted.iter().take(5).map(String::as_str).collect();
    outcome.message.push_str(&format!(
        "; {} test value{} (999-range NHS numbers, not patients'): {}{}",
        noted.len(),
        if noted.len() == 1 { "" } else { "s" },
        shown.join(", "),
        if noted.len() > shown.len() {
            ", …"
        } else {
            ""
        }
    ));
}

fn describe(categories: &[Category]) -> String {
    categories
        .iter()
        .map(|c| c.as_str().replace('-', " "))
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn run(p: &Params, snap: &Snapshot) -> Outcome {
    if let Some(h) = HistoryScan::of(snap) {
        return run_history(p, snap, &h);
    }
    let scan = ContentScan::of(snap);
    let mut findings = Vec::new();
    let mut partial = Vec::new();
    let mut noted = Vec::new();
    for (path, r) in &scan.files {
        if !p.examines(path) {
            continue;
        }
        for h in r.hits.iter().filter(|h| p.wants(h)) {
            if h.level == Some(crate::finding::Level::Info) {
                noted.push(format!("{path}:{}", h.line));
            } else {
                findings.push(finding(path, h));
            }
        }
        if r.truncated {
            partial.push(path.as_str());
        }
    }
    let what = describe(&p.categories);
    let mut outcome = Outcome::from_findings(
        findings,
        format!("no {what} found in {} files", scan.scanned),
        |n| format!("{n} found"),
    );
    note_test_values(&mut outcome, &noted);
    if !partial.is_empty() {
        outcome.message.push_str(&format!(
            "; {} file{} scanned only in their first {} MiB: {}",
            partial.len(),
            if partial.len() == 1 { "" } else { "s" },
            scan::MAX_SCAN >> 20,
            partial.join(", ")
        ));
    }
    outcome
}
