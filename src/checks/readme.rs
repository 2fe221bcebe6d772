//! `readme`: the README says something (its purpose, status, how to install, what data it uses…).

use std::sync::LazyLock;

use regex_lite::Regex;
use serde::Deserialize;

use super::params::Pattern;
use super::text::{self, prose_words};
use super::{clip, line_of};
use crate::finding::{Finding, Outcome};
use crate::repo::Snapshot;

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Params {
    #[serde(default)]
    headings: Vec<Pattern>,
    #[serde(default)]
    patterns: Vec<Pattern>,
    #[serde(default)]
    min_prose_words: Option<usize>,
    #[serde(default)]
    when: Option<Pattern>,
    #[serde(default)]
    needs_date: Option<Pattern>,
    #[serde(default)]
    message: Option<String>,
}

/// A year, or a month name ("May" only capitalised: "may be removed" is not a date).
static DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(19|20)\d{2}\b|(?i:\b(jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|june?|july?|aug(ust)?|sep(t(ember)?)?|oct(ober)?|nov(ember)?|dec(ember)?)\b)|\bMay\b").unwrap()
});

pub fn run(p: &Params, snap: &Snapshot) -> Outcome {
    let Some(readme) = text::find_readme(snap) else {
        return if p.when.is_some() {
            Outcome::not_applicable("no README")
        } else {
            Outcome::fail("there is no README to check", Vec::new())
        };
    };
    let Some(source) = snap.text(readme) else {
        return Outcome::fail(
            format!("{} is not readable text", readme.path),
            vec![Finding::at(&readme.path, "not readable text")],
        );
    };
    let doc = text::parse(
        &source,
        readme.name().to_ascii_lowercase().ends_with(".adoc"),
    );

    if let Some(when) = &p.when {
        if !when.is_match(&doc.text) {
            return Outcome::not_applicable(format!("{} does not mention it", readme.path));
        }
    }

    // A stale-status statement without a date fails even if other wording would pass.
    if let Some(stale) = &p.needs_date {
        for para in paragraphs(&doc.text) {
            if let Some(m) = stale.find(para.1) {
                if !DATE.is_match(para.1) {
                    let line = doc.source_line(para.0 + line_of(para.1, m.start) as usize - 1);
                    return Outcome::fail(
                        format!(
                            "{} says \"{}\" but gives no date",
                            readme.path,
                            clip(m.as_str(), 40)
                        ),
                        vec![Finding::at_line(
                            &readme.path,
                            line,
                            format!(
                                "\"{}\" with no date: say when maintenance stopped or will stop",
                                clip(m.as_str(), 40)
                            ),
                        )],
                    );
                }
            }
        }
    }

    for s in &doc.sections {
        if p.headings.iter().any(|h| h.is_match(&s.heading))
            && prose_words(&s.body) + s.body.trim().len().min(1) > 0
        {
            return Outcome::pass(format!(
                "section \"{}\" at {}:{}",
                s.heading, readme.path, s.line
            ));
        }
    }
    for pat in &p.patterns {
        if let Some(m) = pat.find(&doc.text) {
            let line = doc.source_line(line_of(&doc.text, m.start) as usize - 1);
            return Outcome::pass(format!(
                "{}:{}: \"{}\"",
                readme.path,
                line,
                clip(m.as_str(), 60)
            ));
        }
    }
    if let Some(min) = p.min_prose_words {
        let words = prose_words(&doc.intro());
        if words >= min {
            return Outcome::pass(format!("{} opens with {words} words of prose", readme.path));
        }
    }
    let msg = p
        .message
        .clone()
        .unwrap_or_else(|| "not found in the README".into());
    Outcome::fail(msg.clone(), vec![Finding::at(&readme.path, msg)])
}

/// (0-based first line, text) of each blank-line-separated paragraph.
fn paragraphs(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start_line = 0;
    let mut start = 0;
    let mut offset = 0;
    for (line, l) in text.split_inclusive('\n').enumerate() {
        if l.trim().is_empty() {
            if offset > start {
                out.push((start_line, &text[start..offset]));
            }
            start = offset + l.len();
            start_line = line + 1;
        }
        offset += l.len();
    }
    if offset > start {
        out.push((start_line, &text[start..offset]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Status;

    fn run_on(params: &str, readme: &str) -> Outcome {
        let p: Params = toml::from_str(params).unwrap();
        run(
            &p,
            &Snapshot::from_memory(&[("README.md", readme.as_bytes())]),
        )
    }

    #[test]
    fn headings_patterns_and_prose() {
        assert_eq!(
            run_on("headings = ['^usage$']", "# X\n## Usage\nrun it\n").status,
            Status::Pass
        );
        assert_eq!(
            run_on("headings = ['^usage$']", "# X\n## Usage\n## Next\n").status,
            Status::Fail
        );
        assert_eq!(
            run_on(
                "patterns = ['synthetic data']",
                "# X\nUses synthetic data only.\n"
            )
            .status,
            Status::Pass
        );
        let long = "# X\nThis tool checks that a repository is ready to publish, for NHS teams who want to share code safely and with confidence today.\n## Install\n";
        assert_eq!(run_on("min-prose-words = 20", long).status, Status::Pass);
        assert_eq!(
            run_on(
                "min-prose-words = 20",
                "# X\n[![b](https://x)](https://y)\n"
            )
            .status,
            Status::Fail
        );
    }

    #[test]
    fn stale_status_needs_a_date() {
        let p = "patterns = ['maintained']\nneeds-date = 'no longer maintained'";
        let o = run_on(p, "# X\nThis project is no longer maintained.\n");
        assert_eq!(o.status, Status::Fail);
        assert_eq!(o.findings[0].line, Some(2));
        assert_eq!(
            run_on(
                p,
                "# X\nThis project is no longer maintained since March 2024.\n"
            )
            .status,
            Status::Pass
        );
        assert_eq!(
            run_on(
                p,
                "# X\nThis project is no longer maintained and may be removed.\n"
            )
            .status,
            Status::Fail
        );
        assert_eq!(
            run_on(p, "# X\nThis project is no longer maintained since May.\n").status,
            Status::Pass
        );
    }

    #[test]
    fn when_makes_the_rule_conditional() {
        let p = "when = 'medical device'\nheadings = ['disclaimer']";
        assert_eq!(
            run_on(p, "# X\nA build tool.\n").status,
            Status::NotApplicable
        );
        assert_eq!(
            run_on(p, "# X\nNot a medical device.\n").status,
            Status::Fail
        );
        assert_eq!(
            run_on(
                p,
                "# X\nmedical device\n## Disclaimer\nNot for clinical use.\n"
            )
            .status,
            Status::Pass
        );
        let none: Params = toml::from_str(p).unwrap();
        assert_eq!(
            run(&none, &Snapshot::from_memory(&[("a.txt", b"x")])).status,
            Status::NotApplicable
        );
    }
}
