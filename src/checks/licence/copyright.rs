//! `copyright`: a copyright notice with a year and a holder (and, optionally, the expected holder).

use serde::Deserialize;

use crate::checks::params::Pattern;
use crate::finding::{Finding, Outcome};
use crate::licence::Facts;
use crate::repo::Snapshot;

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Params {
    #[serde(default)]
    holder: Option<Pattern>,
    #[serde(default)]
    holder_message: Option<String>,
}

pub fn run(p: &Params, snap: &Snapshot) -> Outcome {
    let facts = Facts::of(snap);
    let valid: Vec<_> = facts.copyright.iter().filter(|n| n.is_valid()).collect();
    let Some(holder) = &p.holder else {
        if let Some(n) = valid.first() {
            return Outcome::pass(format!("{}:{}: {}", n.path, n.line, n.text))
                .with_details(super::details(&facts));
        }
        let findings: Vec<Finding> = facts
            .copyright
            .iter()
            .map(|n| {
                Finding::at_line(
                    &n.path,
                    n.line,
                    format!("{}: {}", n.problem.as_deref().unwrap_or("unusable"), n.text),
                )
            })
            .collect();
        let msg = if findings.is_empty() {
            "no copyright notice (e.g. \"Copyright (c) 2026 Crown Copyright\") in the licence file, README or NOTICE".to_string()
        } else {
            "no usable copyright notice".to_string()
        };
        return Outcome::fail(msg, findings);
    };
    if valid.is_empty() {
        return Outcome::not_applicable(
            "no valid copyright notice to judge (see copyright-notice)",
        );
    }
    if let Some(n) = valid
        .iter()
        .find(|n| n.holder.as_deref().is_some_and(|h| holder.is_match(h)))
    {
        return Outcome::pass(format!("{}:{}: {}", n.path, n.line, n.text));
    }
    let msg = p
        .holder_message
        .clone()
        .unwrap_or_else(|| format!("no notice names the expected holder (`{}`)", holder.source));
    let findings = valid
        .iter()
        .map(|n| {
            Finding::at_line(
                &n.path,
                n.line,
                format!("holder is \"{}\"", n.holder.as_deref().unwrap_or("?")),
            )
        })
        .collect();
    Outcome::fail(msg, findings)
}
