//! Commit metadata, when history is scanned: uninformative messages (`commit-messages`), secrets
//! and personal data in messages and tag annotations (`commit-content`), and the identities a
//! published history exposes (`commit-identities`). Not applicable without `--history`.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::params::Pattern;
use crate::finding::{CommitRef, Finding, Outcome};
use crate::repo::history::History;
use crate::repo::Snapshot;
use crate::scan::{self, Category};

fn history_or_na(snap: &Snapshot) -> Result<&History, Outcome> {
    snap.history()
        .ok_or_else(|| Outcome::not_applicable("commit metadata is checked with --history"))
}

fn short(sha: &str) -> &str {
    &sha[..sha.len().min(12)]
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct MessagesParams {
    /// Subjects (first lines) that say nothing, as regexes matched case-insensitively.
    uninformative: Vec<Pattern>,
    /// The largest share of uninformative subjects that passes.
    max_share: f64,
    /// Below this many commits the rule does not judge.
    #[serde(default = "ten")]
    min_commits: usize,
}

fn ten() -> usize {
    10
}

pub fn messages(p: &MessagesParams, snap: &Snapshot) -> Outcome {
    let h = match history_or_na(snap) {
        Ok(h) => h,
        Err(o) => return o,
    };
    let commits: Vec<_> = h.commits.iter().filter(|c| !c.merge).collect();
    if commits.len() < p.min_commits {
        return Outcome::not_applicable(format!(
            "{} commits: too few to judge (at least {})",
            commits.len(),
            p.min_commits
        ));
    }
    let mut findings = Vec::new();
    for c in &commits {
        let subject = c.message.lines().next().unwrap_or("").trim();
        let lower = subject.to_lowercase();
        if subject.is_empty() || p.uninformative.iter().any(|re| re.is_match(&lower)) {
            findings.push(Finding::general(format!(
                "{} ({}): \"{}\"",
                short(&c.sha),
                &c.date[..10],
                crate::checks::clip(subject, 60)
            )));
        }
    }
    let share = findings.len() as f64 / commits.len() as f64;
    let summary = format!(
        "{} of {} commit subjects ({:.0}%) say little (at most {:.0}% passes)",
        findings.len(),
        commits.len(),
        share * 100.0,
        p.max_share * 100.0
    );
    if share > p.max_share {
        Outcome::fail(summary, findings)
    } else {
        Outcome::pass(summary)
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ContentParams {
    categories: Vec<Category>,
}

impl ContentParams {
    pub fn categories(&self) -> &[Category] {
        &self.categories
    }
}

pub fn content(p: &ContentParams, snap: &Snapshot) -> Outcome {
    let h = match history_or_na(snap) {
        Ok(h) => h,
        Err(o) => return o,
    };
    let mut findings: Vec<Finding> = Vec::new();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let texts = h
        .commits
        .iter()
        .map(|c| {
            (
                format!("commit {} ({})", short(&c.sha), &c.date[..10]),
                &c.message,
                Some(c),
            )
        })
        .chain(
            h.tags
                .iter()
                .map(|t| (format!("tag {}", t.name), &t.message, None)),
        );
    for (what, message, commit) in texts {
        let r = scan::scan_for(message.as_bytes(), scan::Origin::default(), &p.categories);
        for hit in r.hits {
            // test data (999-range NHS numbers) is not a finding
            if hit.level == Some(crate::finding::Level::Info) {
                continue;
            }
            if let Some(&k) = seen.get(&hit.fingerprint) {
                if let Some(c) = findings[k].commit.as_mut() {
                    c.occurrences += 1;
                }
                continue;
            }
            let shown = hit.full.as_deref().unwrap_or(&hit.redacted);
            let mut f = Finding::general(format!(
                "{what}, message line {}: {}: {shown}",
                hit.line, hit.title
            ));
            f.level = hit.level;
            f.fingerprint = Some(hit.fingerprint.clone());
            f.commit = commit.map(|c| CommitRef {
                sha: c.sha.clone(),
                date: c.date.clone(),
                occurrences: 1,
            });
            seen.insert(hit.fingerprint, findings.len());
            findings.push(f);
        }
    }
    Outcome::from_findings(
        findings,
        format!(
            "nothing found in {} commit messages and {} tag messages",
            h.commits.len(),
            h.tags.len()
        ),
        |n| format!("{n} found in commit or tag messages"),
    )
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct IdentitiesParams {
    /// Email domains of personal webmail.
    webmail: Vec<String>,
}

pub fn identities(p: &IdentitiesParams, snap: &Snapshot) -> Outcome {
    let h = match history_or_na(snap) {
        Ok(h) => h,
        Err(o) => return o,
    };
    let mut emails: BTreeMap<String, usize> = BTreeMap::new();
    for c in &h.commits {
        *emails.entry(c.author_email.to_lowercase()).or_default() += 1;
        if c.committer_email != c.author_email {
            *emails.entry(c.committer_email.to_lowercase()).or_default() += 1;
        }
    }
    let webmail = |e: &str| {
        e.rsplit_once('@')
            .is_some_and(|(_, d)| p.webmail.iter().any(|w| d.eq_ignore_ascii_case(w)))
    };
    let findings: Vec<Finding> = emails
        .iter()
        .filter(|(e, _)| webmail(e))
        .map(|(e, n)| {
            Finding::general(format!(
                "{e} (personal webmail, in {n} commit{})",
                if *n == 1 { "" } else { "s" }
            ))
        })
        .collect();
    let list: Vec<String> = emails.keys().take(10).cloned().collect();
    let more = emails.len().saturating_sub(list.len());
    let details = serde_json::json!({
        "identities": emails.iter().map(|(e, n)| serde_json::json!({"email": e, "commits": n})).collect::<Vec<_>>(),
    });
    let listed = format!(
        "{} identit{} will be published: {}{}",
        emails.len(),
        if emails.len() == 1 { "y" } else { "ies" },
        list.join(", "),
        if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        }
    );
    let outcome = if findings.is_empty() {
        Outcome::pass(listed)
    } else {
        Outcome::fail(format!("{listed}; personal webmail among them"), findings)
    };
    outcome.with_details(details)
}
