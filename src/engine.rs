//! One run: open the target, resolve the policy, take the snapshot, run every rule, apply exemptions
//! and attestations, and build the report. Nothing here prints.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use crate::diag::Diagnostics;
use crate::finding::{
    Finding, Outcome, PolicyInfo, Report, RuleResult, Status, Suppression, Target,
};
use crate::policy::{self, ActiveRule, Plan, Registry, Request, Scope};
use crate::repo::{self, Mode, OpenError, Snapshot};

pub mod baseline;

/// Why a run could not be done (exit code 2).
#[derive(Debug)]
pub enum RunError {
    Input(Diagnostics),
    Open(OpenError),
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunError::Input(d) => write!(f, "{d}"),
            RunError::Open(e) => write!(f, "error: {e}"),
        }
    }
}

impl std::error::Error for RunError {}

impl From<Diagnostics> for RunError {
    fn from(d: Diagnostics) -> Self {
        RunError::Input(d)
    }
}

impl From<OpenError> for RunError {
    fn from(e: OpenError) -> Self {
        RunError::Open(e)
    }
}

/// Which config file to use.
#[derive(Clone, Debug, Default)]
pub enum ConfigChoice {
    /// `.openready.toml` at the repository root, if there is one.
    #[default]
    Discover,
    File(PathBuf),
    None,
}

#[derive(Clone, Debug)]
pub struct Options {
    pub path: PathBuf,
    pub mode: Mode,
    pub config: ConfigChoice,
    pub request: Request,
    /// Scan all of history (`--history`), optionally only after a revision (`--since`).
    pub history: Option<HistoryRange>,
    /// A baseline file to subtract; by default `.openready-baseline.json` at the root, if present.
    pub baseline: Option<PathBuf>,
}

/// What `--history` covers.
#[derive(Clone, Debug, Default)]
pub struct HistoryRange {
    pub since: Option<String>,
}

impl Options {
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Options {
            path: path.into(),
            mode: Mode::Head,
            config: ConfigChoice::Discover,
            request: Request::default(),
            history: None,
            baseline: None,
        }
    }
}

fn read_dir(dir: &Path) -> Result<Vec<(PathBuf, String)>, String> {
    repo::Target::read_rule_dir(dir).map_err(|e| e.0)
}

/// Resolve the policy without opening a repository (for `rules` and `explain`).
pub fn resolve_policy(
    path: Option<&Path>,
    config: &ConfigChoice,
    request: &Request,
) -> Result<(Registry, Plan), RunError> {
    let text = match (config, path) {
        (ConfigChoice::None, _) => None,
        (ConfigChoice::File(p), _) => Some(read_config(p)?),
        (ConfigChoice::Discover, Some(p)) => {
            let file = p.join(repo::CONFIG_FILE);
            if file.is_file() {
                let (real, _, text) = read_config(&file)?;
                let shown = file
                    .strip_prefix(".")
                    .map(Path::to_path_buf)
                    .unwrap_or(file);
                Some((real, shown.display().to_string(), text))
            } else {
                None
            }
        }
        (ConfigChoice::Discover, None) => None,
    };
    Ok(policy::resolve(request, text, &read_dir)?)
}

fn read_config(p: &Path) -> Result<(PathBuf, String, String), RunError> {
    std::fs::read_to_string(p)
        .map(|t| (p.to_path_buf(), p.display().to_string(), t))
        .map_err(|e| {
            RunError::Open(OpenError(format!(
                "cannot read config {}: {e}",
                p.display()
            )))
        })
}

/// With `OPENREADY_TIMINGS` set, phase and rule timings go to stderr (for benchmarks and profiling).
fn timing(what: &str, since: std::time::Instant) {
    if std::env::var_os("OPENREADY_TIMINGS").is_some() {
        eprintln!(
            "timing: {what}: {:.1} ms",
            since.elapsed().as_secs_f64() * 1000.0
        );
    }
}

/// Check one target.
pub fn check(opts: &Options) -> Result<Report, RunError> {
    let t = std::time::Instant::now();
    let target = repo::open(&opts.path, opts.mode)?;
    timing("open", t);
    let config = match &opts.config {
        ConfigChoice::Discover => target.config_file()?.map(|(real, text)| {
            // name it as the user would: relative to the path they gave
            let shown = opts.path.join(repo::CONFIG_FILE);
            let shown = shown
                .strip_prefix(".")
                .map(Path::to_path_buf)
                .unwrap_or(shown);
            let name = if real.is_absolute() {
                shown.display().to_string()
            } else {
                format!("HEAD:{}", real.display())
            };
            (real, name, text)
        }),
        ConfigChoice::File(p) => Some(read_config(p)?),
        ConfigChoice::None => None,
    };
    // The snapshot needs only the config's `exclude`; loading the policy is independent of it, so
    // the two run side by side. A config that does not parse leaves `resolve` to report why.
    let exclude = config
        .as_ref()
        .and_then(|(_, name, text)| {
            policy::config::parse(&crate::diag::SourceFile::new(name.as_str(), text.as_str())).ok()
        })
        .map(|c| c.exclude)
        .unwrap_or_default();
    let (resolved, snap) = std::thread::scope(|scope| {
        let policy = scope.spawn(|| {
            let r = policy::resolve(&opts.request, config, &read_dir);
            timing("policy", t);
            r
        });
        let snap = target.snapshot(&exclude);
        timing("snapshot", t);
        (policy.join(), snap)
    });
    let (_registry, plan) = resolved.map_err(|_| {
        RunError::Open(OpenError("internal error while loading the policy".into()))
    })??;
    let snap = snap?;
    snap.set_content_categories(content_categories(&plan));
    if let Some(h) = &opts.history {
        snap.load_history(h.since.as_deref(), &exclude)?;
        timing("history", t);
    }
    let baseline = baseline::load(opts.baseline.as_deref(), &snap.root)?;
    if plan.rules.iter().any(|r| {
        r.rule.kind().starts_with("licence")
            || matches!(
                r.rule.kind(),
                "copyright" | "readme-licence" | "manifest-licence" | "notice-file"
            )
    }) {
        crate::licence::preload();
    }
    let mut report = evaluate_with(&plan, &snap, &opts.path, baseline.as_ref());
    // stale entries only mean something when everything was looked at, not a commit's changes
    if let Some(b) = baseline.as_ref().filter(|_| snap.changed_count().is_none()) {
        report.warnings.extend(b.stale(&report));
    }
    timing("rules", t);
    Ok(report)
}

/// The content categories the plan's content rules look for, so that one scan serves them all.
fn content_categories(plan: &Plan) -> Vec<crate::scan::Category> {
    let mut out = Vec::new();
    for r in &plan.rules {
        if let Some(cats) = r.check.content_categories() {
            for c in cats {
                if !out.contains(c) {
                    out.push(*c);
                }
            }
        }
    }
    out
}

/// The licence analysis of a target (for `openready licence`), with the snapshot it describes.
pub fn licence(
    path: &Path,
    mode: Mode,
) -> Result<(Snapshot, std::sync::Arc<crate::licence::Facts>), RunError> {
    let snap = repo::open(path, mode)?.snapshot(&crate::checks::params::Globs::default())?;
    let facts = std::sync::Arc::new(crate::licence::Facts::precise(&snap));
    Ok((snap, facts))
}

/// Run a resolved plan on a snapshot.
pub fn evaluate(plan: &Plan, snap: &Snapshot, shown_path: &Path) -> Report {
    evaluate_with(plan, snap, shown_path, None)
}

fn evaluate_with(
    plan: &Plan,
    snap: &Snapshot,
    shown_path: &Path,
    baseline: Option<&baseline::Baseline>,
) -> Report {
    let results = run_all(plan, snap, baseline);
    let warnings = stale_exemptions(plan, &results);
    let target = Target {
        path: shown_path.display().to_string(),
        scope: snap.scope.as_str().to_string(),
        commit: snap.commit.clone(),
        note: snap.note.clone(),
    };
    let policy = PolicyInfo {
        name: plan.policy_name.clone(),
        title: plan.policy_title.clone(),
        config: plan.config_path.clone(),
    };
    let mut report = Report::new(target, policy, plan.fail_on, results);
    report.warnings = warnings;
    report
}

/// Exemptions that covered nothing, among those whose rules all ran: probably left behind after a fix.
fn stale_exemptions(plan: &Plan, results: &[RuleResult]) -> Vec<String> {
    let mut out = Vec::new();
    for e in &plan.exemptions {
        let all_ran = e
            .rules
            .iter()
            .all(|id| id == "*" || results.iter().any(|r| &r.id == id));
        if !all_ran {
            continue;
        }
        let used = results.iter().filter(|r| e.covers_rule(&r.id)).any(|r| {
            r.findings.iter().any(|f| {
                f.suppressed
                    .as_ref()
                    .is_some_and(|s| s.kind == "exemption" && s.reason == e.reason)
            })
        });
        if !used {
            let paths = if e.paths.is_empty() {
                String::new()
            } else {
                format!(" for {}", e.paths.sources.join(", "))
            };
            out.push(format!("the exemption of {}{paths} (\"{}\") matched nothing: remove it if it is no longer needed", e.rules.join(", "), e.reason));
        }
    }
    out
}

/// Run the rules on as many threads as there are cores: they are independent, and the snapshot
/// caches what one reads for the others.
fn run_all(plan: &Plan, snap: &Snapshot, baseline: Option<&baseline::Baseline>) -> Vec<RuleResult> {
    crate::parallel::map(&plan.rules, |r| Some(run_rule(plan, r, snap, baseline)))
        .into_iter()
        .map(|(_, r)| r)
        .collect()
}

/// With `--history`, a file-level rule also looks at every path that ever existed: what it finds
/// there and not in the tree is added, naming the commit that introduced it. (Content rules read
/// history themselves; commit rules read only metadata.)
fn with_history(
    rule: &policy::Rule,
    active: &ActiveRule,
    snap: &Snapshot,
    outcome: Outcome,
) -> Outcome {
    let file_level = !matches!(
        rule.kind(),
        "content" | "commit-messages" | "commit-content" | "commit-identities"
    );
    if !file_level
        || !rule.scope.contains(&Scope::History)
        || matches!(outcome.status, Status::NotApplicable | Status::Error)
    {
        return outcome;
    }
    let (Some(h), Some((view, first))) = (snap.history(), snap.history_view()) else {
        return outcome;
    };
    let past = match catch_unwind(AssertUnwindSafe(|| active.check.run(view))) {
        Ok(o) => o,
        Err(_) => return outcome,
    };
    let mut outcome = outcome;
    let mut added = 0;
    for mut f in past.findings {
        let Some(path) = f.path.clone() else { continue };
        if outcome
            .findings
            .iter()
            .any(|g| g.path.as_deref() == Some(&path))
        {
            continue;
        }
        // a directory finding (`logs/`) names the first file under it
        let blob = first.get(&path).or_else(|| {
            first
                .iter()
                .filter(|(p, _)| p.starts_with(&path))
                .map(|(_, i)| i)
                .min()
        });
        if let Some(&i) = blob {
            let c = &h.commits[h.blobs[i].commit];
            f.message.push_str(&format!(
                " (in history: added in {} on {})",
                &c.sha[..c.sha.len().min(12)],
                &c.date[..10]
            ));
            f.commit = Some(crate::finding::CommitRef {
                sha: c.sha.clone(),
                date: c.date.clone(),
                occurrences: 1,
            });
        }
        outcome.findings.push(f);
        added += 1;
    }
    if added > 0 {
        if outcome.status == Status::Pass {
            outcome.status = Status::Fail;
            outcome.message = format!("{added} found in history only");
        } else {
            outcome.message = format!("{}; {added} more in history only", outcome.message);
        }
    }
    outcome
}

/// Why a rule does not run on this snapshot, if it does not.
fn not_applicable(rule: &policy::Rule, snap: &Snapshot) -> Option<&'static str> {
    let has = |s: Scope| rule.scope.contains(&s);
    if snap.changed_count().is_some() {
        // --staged judges the commit being made: only rules about the files it changes
        return (!has(Scope::Staged)).then_some(
            "judges the whole repository, not a commit: run `openready check` without --staged",
        );
    }
    if snap.history().is_some() {
        return (!(has(Scope::Tree)
            || has(Scope::Repository)
            || has(Scope::History)
            || has(Scope::Commits)))
        .then_some("does not apply to this scope");
    }
    (!(has(Scope::Tree) || has(Scope::Repository)))
        .then_some("runs only when history is scanned (--history)")
}

fn run_rule(
    plan: &Plan,
    active: &ActiveRule,
    snap: &Snapshot,
    baseline: Option<&baseline::Baseline>,
) -> RuleResult {
    let rule = &active.rule;
    let started = std::time::Instant::now();
    let outcome = if let Some(why) = not_applicable(rule, snap) {
        Outcome::not_applicable(why)
    } else {
        match catch_unwind(AssertUnwindSafe(|| active.check.run(snap))) {
            Ok(o) => o,
            Err(p) => {
                let what = p
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| p.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "unknown".into());
                Outcome::error(format!(
                    "internal error in check `{}`: {what} (please report it)",
                    rule.kind()
                ))
            }
        }
    };
    let outcome = with_history(rule, active, snap, outcome);
    timing(&format!("rule {}", rule.id), started);
    let mut result = RuleResult {
        id: rule.id.clone(),
        title: rule.title.clone(),
        level: active.level,
        status: outcome.status,
        message: outcome.message,
        fix: rule.fix.clone(),
        findings: outcome.findings,
        suppressed: 0,
        attestation: None,
        details: outcome.details,
    };
    if result.status == Status::Manual {
        if let Some(a) = plan.attestations.get(&rule.id) {
            result.status = Status::Pass;
            result.message = format!("attested by {} on {}", a.by, a.date);
            result.attestation = Some(a.clone());
        }
    }
    if result.status == Status::Fail {
        apply_suppressions(plan, &mut result, baseline);
    }
    // a failure made only of findings that matter less fails at their level
    if result.status == Status::Fail {
        if let Some(level) = result
            .active_findings()
            .map(|f| f.level.map_or(result.level, |l| l.min(result.level)))
            .max()
        {
            result.level = level;
        }
    }
    result
}

/// Findings that do not count: an inline `openready:allow` on the line, a config exemption (with its
/// reason), or an entry of the baseline. They stay in the report, marked as suppressed.
fn apply_suppressions(plan: &Plan, result: &mut RuleResult, baseline: Option<&baseline::Baseline>) {
    let exemptions: Vec<_> = plan
        .exemptions
        .iter()
        .filter(|e| e.covers_rule(&result.id))
        .collect();
    for f in &mut result.findings {
        let inline = f
            .inline_allow
            .as_deref()
            .is_some_and(|a| crate::scan::allow_covers(a, &result.id));
        if inline {
            f.suppressed = Some(Suppression {
                kind: "inline".into(),
                reason: "openready:allow on the line".into(),
            });
        } else if let Some(b) = baseline.filter(|b| b.covers(&result.id, f)) {
            f.suppressed = Some(Suppression {
                kind: "baseline".into(),
                reason: format!("recorded in the baseline {}", b.name),
            });
        }
    }
    if result.findings.is_empty() && !exemptions.is_empty() {
        // a failure about the repository as a whole: only a whole-rule exemption covers it
        if let Some(e) = exemptions.iter().find(|e| e.paths.is_empty()) {
            let mut f = Finding::general(result.message.clone());
            f.suppressed = Some(Suppression {
                kind: "exemption".into(),
                reason: e.reason.clone(),
            });
            result.findings.push(f);
        }
    } else {
        for f in result
            .findings
            .iter_mut()
            .filter(|f| f.suppressed.is_none())
        {
            if let Some(e) = exemptions.iter().find(|e| e.covers_path(f.path.as_deref())) {
                f.suppressed = Some(Suppression {
                    kind: "exemption".into(),
                    reason: e.reason.clone(),
                });
            }
        }
    }
    result.suppressed = result
        .findings
        .iter()
        .filter(|f| f.suppressed.is_some())
        .count();
    if result.suppressed > 0 && result.active_findings().next().is_none() {
        result.status = Status::Pass;
        let first = result.findings.iter().find_map(|f| f.suppressed.clone());
        result.message = match first {
            Some(s) if s.kind == "exemption" => {
                format!("{} (exempted: {})", result.message, s.reason)
            }
            Some(s) => format!("{} (suppressed: {})", result.message, s.reason),
            None => result.message.clone(),
        };
    }
}
