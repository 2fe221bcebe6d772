//! `readme-licence`: the README has a Licence section that names the licences.

use serde::Deserialize;

use super::family;
use crate::checks::params::Pattern;
use crate::checks::text;
use crate::finding::{Finding, Outcome};
use crate::licence::{named_licences, Facts};
use crate::repo::Snapshot;

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Params {
    #[serde(default)]
    headings: Vec<Pattern>,
}

pub fn run(p: &Params, snap: &Snapshot) -> Outcome {
    let Some(readme) = text::find_readme(snap) else {
        return Outcome::fail("there is no README", Vec::new());
    };
    let Some(t) = snap.text(readme) else {
        return Outcome::fail("the README is not readable text", Vec::new());
    };
    let doc = text::parse(&t, readme.name().to_ascii_lowercase().ends_with(".adoc"));
    let default = Pattern::new(r"licen[cs]e|licen[cs]ing|copyright").expect("valid");
    let headings: Vec<&Pattern> = if p.headings.is_empty() {
        vec![&default]
    } else {
        p.headings.iter().collect()
    };
    let Some(section) = doc
        .sections
        .iter()
        .find(|s| headings.iter().any(|h| h.is_match(&s.heading)))
    else {
        return Outcome::fail(
            "the README has no Licence section",
            vec![Finding::at(
                &readme.path,
                "add a Licence section naming the licence(s)",
            )],
        );
    };
    let named = named_licences(&format!("{}\n{}", section.heading, section.body));
    if named.is_empty() {
        return Outcome::fail(
            format!(
                "the README's \"{}\" section names no licence",
                section.heading
            ),
            vec![Finding::at_line(
                &readme.path,
                section.line,
                "name the licence, e.g. \"released under the MIT Licence\"",
            )],
        );
    }
    let facts = Facts::of(snap);
    let missing: Vec<String> = facts
        .identified()
        .into_iter()
        .filter(|id| !named.iter().any(|n| family(n) == family(id)))
        .collect();
    if missing.is_empty() {
        Outcome::pass(format!(
            "section \"{}\" at {}:{} names {}",
            section.heading,
            readme.path,
            section.line,
            named.join(", ")
        ))
    } else {
        Outcome::fail(
            format!(
                "the README's licence section does not name {}",
                missing.join(", ")
            ),
            vec![Finding::at_line(
                &readme.path,
                section.line,
                format!(
                    "names {} but the licence files hold {}",
                    named.join(", "),
                    facts
                        .identified()
                        .into_iter()
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )],
        )
    }
}
