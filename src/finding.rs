//! The shared nouns of a run: levels, statuses, findings, rule results and the report.
//!
//! Everything here is plain data that serialises into the stable JSON report
//! (`openready/report/v1`, documented in `docs/report.md`). Checks produce [`Outcome`]s, the engine
//! turns them into [`RuleResult`]s, and the report formats render a [`Report`] without deciding
//! anything themselves. New optional fields may be added to these types; existing ones keep their
//! meaning.

use serde::{Deserialize, Serialize};

/// How much a rule matters. `Error` fails a run by default.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Info,
    Warning,
    Error,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Info => "info",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }
}

impl std::fmt::Display for Level {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What became of one rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// The check ran and found nothing wrong (or every finding is exempted).
    Pass,
    /// The check ran and found something that is not exempted.
    Fail,
    /// The rule does not apply to this target (e.g. it needs git and this is a plain directory).
    NotApplicable,
    /// Only a person can answer this, and nobody has recorded an attestation yet.
    Manual,
    /// The check could not run (e.g. a file could not be read).
    Error,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::NotApplicable => "not-applicable",
            Status::Manual => "manual",
            Status::Error => "error",
        }
    }
}

/// Which threshold makes a run fail (`--fail-on`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum FailOn {
    #[default]
    Error,
    Warning,
    Info,
    Never,
}

impl FailOn {
    /// Does a failed rule at `level` fail the run?
    pub fn fails(self, level: Level) -> bool {
        match self {
            FailOn::Error => level >= Level::Error,
            FailOn::Warning => level >= Level::Warning,
            FailOn::Info => true,
            FailOn::Never => false,
        }
    }
}

/// Why a finding does not count against the run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Suppression {
    /// `exemption` (config, with a reason), `baseline` (in the baseline file) or `inline`
    /// (`openready:allow` on the line).
    pub kind: String,
    pub reason: String,
}

/// One thing a check found, usually at a path and line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub path: Option<String>,
    pub line: Option<u32>,
    pub column: Option<u32>,
    pub message: String,
    /// A level below the rule's, when this finding matters less (e.g. OGL alone for code).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<Level>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppressed: Option<Suppression>,
    /// A stable id of what was found (a secret's fingerprint), for baselines.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<String>,
    /// In history: the commit that introduced it, and how often it recurs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commit: Option<CommitRef>,
    /// The line carries `openready:allow` (empty: for every rule; else the rule ids it names).
    #[serde(skip)]
    pub inline_allow: Option<String>,
}

/// Where in history a finding first appeared.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CommitRef {
    pub sha: String,
    /// The author date, ISO 8601 (UTC).
    pub date: String,
    /// How many file versions (blobs) in history hold the same thing.
    pub occurrences: u32,
}

impl Finding {
    /// A finding about the repository as a whole.
    pub fn general(message: impl Into<String>) -> Self {
        Finding {
            path: None,
            line: None,
            column: None,
            message: message.into(),
            level: None,
            suppressed: None,
            fingerprint: None,
            commit: None,
            inline_allow: None,
        }
    }

    /// A finding about a file.
    pub fn at(path: impl Into<String>, message: impl Into<String>) -> Self {
        Finding {
            path: Some(path.into()),
            ..Finding::general(message)
        }
    }

    /// A finding about a line of a file (lines and columns count from 1).
    pub fn at_line(path: impl Into<String>, line: u32, message: impl Into<String>) -> Self {
        Finding {
            line: Some(line),
            ..Finding::at(path, message)
        }
    }

    pub fn with_column(mut self, column: u32) -> Self {
        self.column = Some(column);
        self
    }

    fn sort_key(&self) -> (Option<&str>, Option<u32>, Option<u32>, &str) {
        (
            self.path.as_deref(),
            self.line,
            self.column,
            self.message.as_str(),
        )
    }
}

/// What a check returns: the engine adds the rule's identity, level and suppressions.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    pub status: Status,
    pub message: String,
    pub findings: Vec<Finding>,
    /// Kind-specific facts worth reporting (e.g. the Git LFS pointers seen).
    pub details: Option<serde_json::Value>,
}

impl Outcome {
    pub fn pass(message: impl Into<String>) -> Self {
        Outcome {
            status: Status::Pass,
            message: message.into(),
            findings: Vec::new(),
            details: None,
        }
    }

    pub fn fail(message: impl Into<String>, findings: Vec<Finding>) -> Self {
        Outcome {
            status: Status::Fail,
            message: message.into(),
            findings,
            details: None,
        }
    }

    pub fn not_applicable(message: impl Into<String>) -> Self {
        Outcome {
            status: Status::NotApplicable,
            ..Outcome::pass(message)
        }
    }

    pub fn manual(message: impl Into<String>) -> Self {
        Outcome {
            status: Status::Manual,
            ..Outcome::pass(message)
        }
    }

    pub fn error(message: impl Into<String>) -> Self {
        Outcome {
            status: Status::Error,
            ..Outcome::pass(message)
        }
    }

    /// Pass when there are no findings, fail otherwise.
    pub fn from_findings(
        findings: Vec<Finding>,
        pass: impl Into<String>,
        fail: impl FnOnce(usize) -> String,
    ) -> Self {
        if findings.is_empty() {
            Outcome::pass(pass)
        } else {
            let n = findings.len();
            Outcome::fail(fail(n), findings)
        }
    }

    pub fn with_details(mut self, details: serde_json::Value) -> Self {
        self.details = Some(details);
        self
    }
}

/// A source a rule comes from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name)?;
        if let Some(s) = &self.section {
            write!(f, " {s}")?;
        }
        if let Some(u) = &self.url {
            write!(f, " <{u}>")?;
        }
        Ok(())
    }
}

/// A person's confirmation of a manual item, recorded in the config.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Attestation {
    pub by: String,
    pub date: String,
    pub note: String,
}

/// The result of one rule.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RuleResult {
    pub id: String,
    pub title: String,
    pub level: Level,
    pub status: Status,
    pub message: String,
    /// One line on how to fix it.
    pub fix: String,
    pub findings: Vec<Finding>,
    /// How many findings are suppressed (they stay in `findings`, marked).
    pub suppressed: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attestation: Option<Attestation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<serde_json::Value>,
}

impl RuleResult {
    pub fn sort_findings(&mut self) {
        self.findings
            .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    }

    /// Findings that count against the run.
    pub fn active_findings(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.suppressed.is_none())
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Target {
    pub path: String,
    /// `head`, `staged`, `worktree`, `index` (a repository with no commits yet) or `directory`.
    pub scope: String,
    pub commit: Option<String>,
    /// Anything the reader should know about what was checked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PolicyInfo {
    pub name: String,
    pub title: String,
    /// The config file that adjusted the policy, if any.
    pub config: Option<String>,
}

/// Counts of rules by status, plus how many failures fail the run.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Summary {
    pub pass: usize,
    pub fail: usize,
    pub not_applicable: usize,
    pub manual: usize,
    pub error: usize,
    /// Failed rules by level.
    pub failed_errors: usize,
    pub failed_warnings: usize,
    pub failed_info: usize,
    /// Findings suppressed by exemptions.
    pub suppressed: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Pass,
    Fail,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    pub schema: &'static str,
    pub tool: Tool,
    pub target: Target,
    pub policy: PolicyInfo,
    #[serde(rename = "fail-on")]
    pub fail_on: FailOn,
    pub result: Verdict,
    pub summary: Summary,
    pub rules: Vec<RuleResult>,
    /// Remarks about the run itself (e.g. an exemption that matched nothing).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

pub const REPORT_SCHEMA: &str = "openready/report/v1";

impl Report {
    /// Sort rules by id and findings by path, line; count; and decide the verdict.
    pub fn new(
        target: Target,
        policy: PolicyInfo,
        fail_on: FailOn,
        mut rules: Vec<RuleResult>,
    ) -> Self {
        rules.sort_by(|a, b| a.id.cmp(&b.id));
        let mut summary = Summary::default();
        let mut failed = false;
        for r in &mut rules {
            r.sort_findings();
            summary.suppressed += r.suppressed;
            match r.status {
                Status::Pass => summary.pass += 1,
                Status::NotApplicable => summary.not_applicable += 1,
                Status::Manual => summary.manual += 1,
                Status::Fail | Status::Error => {
                    if r.status == Status::Fail {
                        summary.fail += 1;
                    } else {
                        summary.error += 1;
                    }
                    match r.level {
                        Level::Error => summary.failed_errors += 1,
                        Level::Warning => summary.failed_warnings += 1,
                        Level::Info => summary.failed_info += 1,
                    }
                    failed |= fail_on.fails(r.level);
                }
            }
        }
        Report {
            schema: REPORT_SCHEMA,
            tool: Tool {
                name: env!("CARGO_PKG_NAME").to_string(),
                version: env!("CARGO_PKG_VERSION").to_string(),
            },
            target,
            policy,
            fail_on,
            result: if failed { Verdict::Fail } else { Verdict::Pass },
            summary,
            rules,
            warnings: Vec::new(),
        }
    }

    pub fn rule(&self, id: &str) -> Option<&RuleResult> {
        self.rules.iter().find(|r| r.id == id)
    }
}
