//! Rule files: parse, validate, and keep the raw check table so that policies and configs can override
//! parameters.

use std::sync::LazyLock;

use regex_lite::Regex;
use serde::Deserialize;
use toml::Spanned;

use crate::checks::Check;
use crate::diag::{Diagnostic, SourceFile};
use crate::finding::{Level, Source};

/// Where a rule looks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// The tree being checked (HEAD, the index or the work tree).
    Tree,
    /// Every commit reachable from any ref, when history is scanned.
    History,
    /// The files a commit adds or changes, with `--staged` (the pre-commit hook).
    Staged,
    /// Commit metadata, when history is scanned.
    Commits,
    /// Repository configuration (remotes) and things outside the tree.
    Repository,
}

/// The three headings every description has, in order.
pub const DESCRIPTION_HEADINGS: [&str; 3] =
    ["## What it checks", "## Why it matters", "## How to fix"];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: Spanned<String>,
    title: String,
    level: Level,
    #[serde(default)]
    scope: Option<Vec<Scope>>,
    fix: String,
    description: Spanned<String>,
    #[serde(default, rename = "source")]
    sources: Vec<Source>,
    check: Check,
}

/// A rule as declared in its file.
#[derive(Clone, Debug)]
pub struct Rule {
    pub id: String,
    pub title: String,
    pub level: Level,
    pub scope: Vec<Scope>,
    pub fix: String,
    pub description: String,
    pub sources: Vec<Source>,
    /// The check as declared.
    pub check: Check,
    pub file: SourceFile,
    pub builtin: bool,
}

static ID: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[a-z0-9]+(-[a-z0-9]+)*$").unwrap());

pub fn is_valid_id(id: &str) -> bool {
    ID.is_match(id)
}

/// Parse one rule file; `stem` is its file name without `.toml`.
pub fn parse(file: SourceFile, stem: &str, builtin: bool) -> Result<Rule, Vec<Diagnostic>> {
    let raw: RawRule =
        toml::from_str(&file.text).map_err(|e| vec![Diagnostic::from_toml(&file, &e)])?;
    let mut diags = Vec::new();
    let id_span = raw.id.span();
    let id = raw.id.into_inner();
    if !is_valid_id(&id) {
        diags.push(Diagnostic::at(
            &file,
            id_span.clone(),
            format!("rule id `{id}` must be lowercase kebab-case"),
        ));
    }
    if id != stem {
        diags.push(Diagnostic::at(
            &file,
            id_span,
            format!("rule id `{id}` must equal the file name `{stem}.toml`"),
        ));
    }
    let desc_span = raw.description.span();
    let description = raw.description.into_inner();
    if let Some(problem) = description_problem(&description) {
        diags.push(Diagnostic::at(&file, desc_span, problem));
    }
    if raw.title.trim().is_empty() || raw.title.contains('\n') {
        diags.push(Diagnostic::in_file(
            &file.name,
            "`title` must be one non-empty line",
        ));
    }
    if raw.fix.trim().is_empty() || raw.fix.contains('\n') {
        diags.push(Diagnostic::in_file(
            &file.name,
            "`fix` must be one non-empty line",
        ));
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    Ok(Rule {
        id,
        title: raw.title,
        level: raw.level,
        scope: raw.scope.unwrap_or_else(|| vec![Scope::Tree]),
        fix: raw.fix,
        description,
        sources: raw.sources,
        check: raw.check,
        file,
        builtin,
    })
}

/// What is wrong with a description's headings, if anything.
pub fn description_problem(description: &str) -> Option<String> {
    let mut at = 0;
    for h in DESCRIPTION_HEADINGS {
        match description[at..].find(h) {
            Some(i) => at += i + h.len(),
            None => {
                return Some(format!(
                    "the description needs the headings {} in that order; `{h}` is missing or out of order",
                    DESCRIPTION_HEADINGS.map(|h| format!("`{h}`")).join(", ")
                ))
            }
        }
    }
    None
}

impl Rule {
    pub fn kind(&self) -> &'static str {
        self.check.kind()
    }

    /// Rebuild the check with parameter overrides; the error names the parameter that failed.
    pub fn check_with(
        &self,
        overrides: &[(String, toml::Value)],
    ) -> Result<Check, (usize, String)> {
        let kind = self.kind();
        // the `[check.<kind>]` table as written (parsed only when an override needs it)
        let mut table: toml::Table = toml::from_str::<toml::Table>(&self.file.text)
            .ok()
            .and_then(|doc| doc.get("check").and_then(|c| c.as_table()).cloned())
            .unwrap_or_default();
        let inner = table
            .entry(kind.to_string())
            .or_insert_with(|| toml::Value::Table(toml::Table::new()));
        let toml::Value::Table(inner) = inner else {
            return Err((0, "the rule's check table is malformed".into()));
        };
        // Validate one key at a time so an error can point at the key that caused it.
        let base = inner.clone();
        for (i, (k, v)) in overrides.iter().enumerate() {
            let mut t = base.clone();
            t.insert(k.clone(), v.clone());
            let mut probe = toml::Table::new();
            probe.insert(kind.to_string(), toml::Value::Table(t));
            if let Err(e) = toml::Value::Table(probe).try_into::<Check>() {
                return Err((i, clean_message(&e.to_string(), kind)));
            }
        }
        for (k, v) in overrides {
            inner.insert(k.clone(), v.clone());
        }
        toml::Value::Table(table)
            .try_into::<Check>()
            .map_err(|e| (0, clean_message(&e.to_string(), kind)))
    }
}

fn clean_message(msg: &str, kind: &str) -> String {
    let m = msg.trim().replace('\n', " ");
    let m = m.replace(&format!(" for key `{kind}`"), "");
    format!("{m} (check kind `{kind}`, see docs/rules.md)")
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULE: &str = r#"id = "demo"
title = "A demo"
level = "warning"
fix = "Do the thing."
description = """
## What it checks
x
## Why it matters
y
## How to fix
z
"""
[check.file-size]
max-size = "1 MiB"
"#;

    #[test]
    fn parses_and_overrides_parameters() {
        let r = parse(SourceFile::new("demo.toml", RULE), "demo", false).unwrap();
        assert_eq!(r.kind(), "file-size");
        assert!(r
            .check_with(&[("max-size".into(), toml::Value::String("2 MiB".into()))])
            .is_ok());
        let (i, msg) = r
            .check_with(&[
                ("max-size".into(), toml::Value::String("2 MiB".into())),
                ("max-sise".into(), toml::Value::Integer(3)),
            ])
            .unwrap_err();
        assert_eq!(i, 1);
        assert!(msg.contains("max-sise"), "{msg}");
    }

    #[test]
    fn reports_problems_with_positions() {
        let bad = RULE.replace("id = \"demo\"", "id = \"Demo\"");
        let errs = parse(SourceFile::new("demo.toml", bad), "demo", false).unwrap_err();
        assert_eq!(errs.len(), 2);
        assert_eq!(errs[0].position().unwrap(), "demo.toml:1:6");

        let bad = RULE.replace("max-size", "max-sise");
        let errs = parse(SourceFile::new("demo.toml", bad), "demo", false).unwrap_err();
        assert!(errs[0].message.contains("max-sise"), "{}", errs[0].message);
        assert!(
            errs[0].position().unwrap().starts_with("demo.toml:1"),
            "{:?}",
            errs[0].position()
        );

        let bad = RULE.replace("## Why it matters", "## Why");
        let errs = parse(SourceFile::new("demo.toml", bad), "demo", false).unwrap_err();
        assert!(errs[0].message.contains("Why it matters"));
    }
}
