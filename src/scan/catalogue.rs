//! The detector catalogue: `rules/detectors/*.toml`, embedded in the binary.
//!
//! Each detector is data: an id, a category, the literal keywords that gate it, a pattern, the
//! capture group that holds the secret, an optional entropy floor, an allow-list for placeholders, and
//! examples it must match and must not (checked by `tests/detectors.rs`). Patterns are compiled the
//! first time a file holds one of their keywords, so a run pays only for the detectors it needs.

use std::sync::{LazyLock, OnceLock};

use serde::Deserialize;

use crate::diag::{Diagnostic, SourceFile};

/// What a detector finds; rules choose detectors by category.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    Secret,
    ConnectionString,
    IpAddress,
    InternalReference,
    ProtectiveMarking,
    PersonalData,
    /// Found by code (the modulus-11 check), not by a catalogue pattern.
    NhsNumber,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Secret => "secret",
            Category::ConnectionString => "connection-string",
            Category::IpAddress => "ip-address",
            Category::InternalReference => "internal-reference",
            Category::ProtectiveMarking => "protective-marking",
            Category::PersonalData => "personal-data",
            Category::NhsNumber => "nhs-number",
        }
    }

    /// Findings of these categories are credentials: shown only redacted.
    pub fn is_sensitive(self) -> bool {
        matches!(
            self,
            Category::Secret
                | Category::ConnectionString
                | Category::PersonalData
                | Category::NhsNumber
        )
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Confidence {
    High,
    Medium,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct RawDetector {
    id: String,
    title: String,
    category: Category,
    keywords: Vec<String>,
    pattern: String,
    #[serde(default)]
    secret_group: usize,
    #[serde(default)]
    entropy: Option<f64>,
    #[serde(default)]
    allow: Vec<String>,
    #[serde(default = "high")]
    confidence: Confidence,
    #[serde(rename = "match")]
    matches: Vec<String>,
    no_match: Vec<String>,
}

fn high() -> Confidence {
    Confidence::High
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    detector: Vec<RawDetector>,
}

/// One detector of the catalogue.
#[derive(Debug)]
pub struct Detector {
    pub id: String,
    pub title: String,
    pub category: Category,
    pub keywords: Vec<String>,
    pub pattern: String,
    pub secret_group: usize,
    pub entropy: Option<f64>,
    pub confidence: Confidence,
    /// The file it came from (for error messages).
    pub file: &'static str,
    /// Example templates it must match, and must not.
    pub matches: Vec<String>,
    pub no_match: Vec<String>,
    allow_src: Vec<String>,
    compiled: OnceLock<Option<Compiled>>,
}

#[derive(Debug)]
struct Compiled {
    re: regex::bytes::Regex,
    allow: Vec<regex::Regex>,
}

impl Detector {
    /// The compiled pattern (the catalogue test proves every pattern compiles).
    pub fn regex(&self) -> Option<&regex::bytes::Regex> {
        self.compiled().map(|c| &c.re)
    }

    fn compiled(&self) -> Option<&Compiled> {
        self.compiled
            .get_or_init(|| {
                // ASCII classes: secrets are ASCII, and Unicode-aware classes make the larger
                // patterns take milliseconds each to compile
                let re = build(&self.pattern).ok()?;
                let allow = self
                    .allow_src
                    .iter()
                    .filter_map(|a| regex::Regex::new(a).ok())
                    .collect();
                Some(Compiled { re, allow })
            })
            .as_ref()
    }

    /// Whether `secret` is one of this detector's known placeholders.
    pub fn allows(&self, secret: &str) -> bool {
        self.compiled()
            .is_some_and(|c| c.allow.iter().any(|a| a.is_match(secret)))
    }

    /// Every problem with the detector's definition (patterns that do not compile, keywords that
    /// are not lower case).
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Err(e) = build(&self.pattern) {
            out.push(format!("pattern does not compile: {e}"));
        }
        for a in &self.allow_src {
            if let Err(e) = regex::Regex::new(a) {
                out.push(format!("allow pattern {a:?} does not compile: {e}"));
            }
        }
        if self.keywords.is_empty() {
            out.push("no keywords".into());
        }
        for k in &self.keywords {
            if k.len() < 2 || k.to_lowercase() != *k {
                out.push(format!(
                    "keyword {k:?} must be lower case, two characters or more"
                ));
            }
        }
        out
    }
}

/// Compile a pattern with ASCII classes when it allows (secrets are ASCII, and Unicode-aware
/// classes make the larger patterns take milliseconds each to compile), else as written.
fn build(pattern: &str) -> Result<regex::bytes::Regex, regex::Error> {
    let with = |unicode: bool| {
        regex::bytes::RegexBuilder::new(pattern)
            .unicode(unicode)
            .size_limit(50 << 20)
            .build()
    };
    with(false).or_else(|_| with(true))
}

/// The catalogue, parsed once. A broken catalogue is a build defect caught by the tests; at run time
/// the detectors that parsed are used.
pub static CATALOGUE: LazyLock<Vec<Detector>> = LazyLock::new(|| {
    let (detectors, _) = load();
    detectors
});

/// Parse the embedded catalogue, with every problem found.
pub fn load() -> (Vec<Detector>, Vec<Diagnostic>) {
    let mut out = Vec::new();
    let mut diags = Vec::new();
    for (path, text) in crate::builtin::DETECTOR_FILES {
        match toml::from_str::<RawFile>(text) {
            Ok(raw) => {
                for d in raw.detector {
                    out.push(Detector {
                        id: d.id,
                        title: d.title,
                        category: d.category,
                        keywords: d.keywords,
                        pattern: d.pattern,
                        secret_group: d.secret_group,
                        entropy: d.entropy,
                        confidence: d.confidence,
                        file: path,
                        matches: d.matches,
                        no_match: d.no_match,
                        allow_src: d.allow,
                        compiled: OnceLock::new(),
                    })
                }
            }
            Err(e) => diags.push(Diagnostic::from_toml(&SourceFile::new(*path, *text), &e)),
        }
    }
    out.sort_by(|a, b| a.id.cmp(&b.id));
    (out, diags)
}
