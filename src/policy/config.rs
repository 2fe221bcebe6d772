//! `.openready.toml`: a team's adjustments to the policy, and the overrides tables that policy files
//! share with it.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use crate::checks::params::Globs;
use crate::diag::{Diagnostic, SourceFile};
use crate::finding::FailOn;

/// `[rule.<id>]` tables: `level` plus check parameters.
pub type RawOverrides = BTreeMap<Spanned<String>, BTreeMap<Spanned<String>, Spanned<toml::Value>>>;

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawConfig {
    /// The policy to use (a built-in name or a path relative to the config file).
    #[serde(default)]
    pub policy: Option<Spanned<String>>,
    /// Folders of the team's own rule files, relative to the config file.
    #[serde(default)]
    pub rules: Vec<Spanned<String>>,
    /// Paths no rule looks at.
    #[serde(default)]
    pub exclude: Globs,
    #[serde(default)]
    pub fail_on: Option<FailOn>,
    #[serde(default)]
    pub rule: RawOverrides,
    #[serde(default)]
    pub exemption: Vec<RawExemption>,
    #[serde(default)]
    pub attestation: Vec<RawAttestation>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawExemption {
    #[serde(default)]
    pub rule: Option<Spanned<String>>,
    #[serde(default)]
    pub rules: Vec<Spanned<String>>,
    /// Empty: the whole rule is exempted.
    #[serde(default)]
    pub paths: Globs,
    pub reason: Spanned<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAttestation {
    pub rule: Spanned<String>,
    pub by: Spanned<String>,
    pub date: Spanned<toml::Value>,
    pub note: Spanned<String>,
}

pub fn parse(file: &SourceFile) -> Result<RawConfig, Diagnostic> {
    toml::from_str(&file.text).map_err(|e| Diagnostic::from_toml(file, &e))
}

/// A validated exemption.
#[derive(Clone, Debug)]
pub struct Exemption {
    /// Rule ids, or `*` for every rule.
    pub rules: Vec<String>,
    pub paths: Globs,
    pub reason: String,
}

impl Exemption {
    pub fn covers_rule(&self, id: &str) -> bool {
        self.rules.iter().any(|r| r == "*" || r == id)
    }

    /// Does it cover a finding at `path` (`None`: a finding about the repository as a whole)?
    pub fn covers_path(&self, path: Option<&str>) -> bool {
        if self.paths.is_empty() {
            return true;
        }
        match path {
            None => false,
            Some(p) => {
                let bare = p.trim_end_matches('/');
                self.paths.is_match(bare)
                    || (p.ends_with('/') && self.paths.is_match(&format!("{bare}/_")))
            }
        }
    }
}

/// `YYYY-MM-DD`, from a TOML date or a string.
pub fn attestation_date(v: &toml::Value) -> Option<String> {
    let s = match v {
        toml::Value::String(s) => s.clone(),
        toml::Value::Datetime(d) => d.to_string(),
        _ => return None,
    };
    let ok = s.len() == 10
        && s.as_bytes().iter().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                *b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    ok.then_some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_are_errors_with_positions() {
        let f = SourceFile::new(
            ".openready.toml",
            "policy = \"nhs\"\nfail_on = \"warning\"\n",
        );
        let d = parse(&f).unwrap_err();
        assert_eq!(d.position().unwrap(), ".openready.toml:2:1");
        assert!(d.message.contains("fail_on"), "{}", d.message);
    }

    #[test]
    fn exemptions_need_a_reason() {
        let f = SourceFile::new(
            "c.toml",
            "[[exemption]]\nrule = \"no-data-files\"\npaths = [\"data/\"]\n",
        );
        let d = parse(&f).unwrap_err();
        assert!(d.message.contains("reason"), "{}", d.message);
        let f = SourceFile::new(
            "c.toml",
            "[[exemption]]\nrule = \"x\"\npaths = [\"data/\"]\nreason = \"synthetic\"\n",
        );
        let c = parse(&f).unwrap();
        let e = Exemption {
            rules: vec!["x".into()],
            paths: c.exemption[0].paths.clone(),
            reason: "r".into(),
        };
        assert!(e.covers_path(Some("data/a.csv")));
        assert!(e.covers_path(Some("data/")));
        assert!(!e.covers_path(Some("src/a.csv")));
        assert!(!e.covers_path(None));
    }

    #[test]
    fn spanned_override_keys() {
        let f = SourceFile::new(
            "c.toml",
            "[rule.no-large-files]\nlevel = \"error\"\nmax-size = \"10 MiB\"\n",
        );
        let c = parse(&f).unwrap();
        let (id, table) = c.rule.iter().next().unwrap();
        assert_eq!(id.get_ref(), "no-large-files");
        assert_eq!(f.line_col(id.span().start).0, 1);
        let (k, _) = table.iter().nth(1).unwrap();
        assert_eq!(k.get_ref(), "max-size");
        assert_eq!(f.line_col(k.span().start), (3, 1));
    }

    #[test]
    fn dates() {
        assert_eq!(
            attestation_date(&toml::Value::String("2026-11-02".into())).as_deref(),
            Some("2026-11-02")
        );
        assert!(attestation_date(&toml::Value::String("2 Nov".into())).is_none());
        let doc: toml::Table = toml::from_str("d = 2026-11-02").unwrap();
        assert_eq!(attestation_date(&doc["d"]).as_deref(), Some("2026-11-02"));
    }
}
