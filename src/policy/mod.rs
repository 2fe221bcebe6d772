//! Load → validate → resolve: from rule files, policy files and a config file to the list of rules to
//! run, each with its level and parameters.
//!
//! Every problem in any input is collected (with file, line and column) before anything runs, so a
//! team fixing a config sees all its mistakes at once.

pub mod config;
pub mod rule;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;
use toml::Spanned;

use crate::checks::params::Globs;
use crate::checks::Check;
use crate::diag::{Diagnostic, Diagnostics, SourceFile};
use crate::finding::{Attestation, FailOn, Level};
pub use config::Exemption;
use config::RawOverrides;
pub use rule::{Rule, Scope};

use crate::builtin;

/// The default policy.
pub const DEFAULT_POLICY: &str = "nhs";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    name: Spanned<String>,
    title: String,
    description: String,
    #[serde(default)]
    extends: Option<Spanned<String>>,
    /// Rules to add; `"*"` adds every built-in rule.
    #[serde(default)]
    rules: Vec<Spanned<String>>,
    #[serde(default)]
    remove: Vec<Spanned<String>>,
    #[serde(default)]
    rule: RawOverrides,
}

/// A policy: a named selection of rules with overrides, possibly extending another.
pub struct PolicyDef {
    pub name: String,
    pub title: String,
    pub description: String,
    pub builtin: bool,
    raw: RawPolicy,
    file: SourceFile,
}

/// Every rule and policy known to this run.
pub struct Registry {
    pub rules: BTreeMap<String, Arc<Rule>>,
    pub policies: BTreeMap<String, PolicyDef>,
}

impl Registry {
    /// The built-in rules and policies.
    pub fn builtin() -> Result<Registry, Diagnostics> {
        let mut diags = Vec::new();
        let mut reg = Registry {
            rules: BTreeMap::new(),
            policies: BTreeMap::new(),
        };
        for (path, text) in builtin::RULE_FILES {
            let file = SourceFile::new(format!("{path} (built in)"), *text);
            let stem = Path::new(path)
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or("");
            match rule::parse(file, stem, true) {
                Ok(r) => {
                    reg.rules.insert(r.id.clone(), Arc::new(r));
                }
                Err(d) => diags.extend(d),
            }
        }
        for (path, text) in builtin::POLICY_FILES {
            let file = SourceFile::new(format!("{path} (built in)"), *text);
            match reg.add_policy(file, true) {
                Ok(()) => {}
                Err(d) => diags.push(d),
            }
        }
        if diags.is_empty() {
            Ok(reg)
        } else {
            Err(Diagnostics(diags))
        }
    }

    fn add_policy(&mut self, file: SourceFile, builtin: bool) -> Result<(), Diagnostic> {
        let raw: RawPolicy =
            toml::from_str(&file.text).map_err(|e| Diagnostic::from_toml(&file, &e))?;
        let name = raw.name.get_ref().clone();
        if let Some(existing) = self.policies.get(&name) {
            if existing.builtin && !builtin {
                return Err(Diagnostic::at(&file, raw.name.span(), format!("policy `{name}` is built in; give yours another name and `extends = \"{name}\"`")));
            }
        }
        self.policies.insert(
            name.clone(),
            PolicyDef {
                name,
                title: raw.title.clone(),
                description: raw.description.clone(),
                builtin,
                raw,
                file,
            },
        );
        Ok(())
    }

    /// Add a team's own rule files.
    fn add_user_rules(
        &mut self,
        files: Vec<(PathBuf, String)>,
        diags: &mut Vec<Diagnostic>,
    ) -> Vec<String> {
        let mut added = Vec::new();
        for (path, text) in files {
            let file = SourceFile::new(path.display().to_string(), text);
            let stem = path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or("")
                .to_string();
            match rule::parse(file, &stem, false) {
                Ok(r) => {
                    if let Some(existing) = self.rules.get(&r.id) {
                        diags.push(Diagnostic::in_file(
                            &r.file.name,
                            format!(
                                "rule `{}` is already defined by {}; choose another id",
                                r.id, existing.file.name
                            ),
                        ));
                        continue;
                    }
                    added.push(r.id.clone());
                    self.rules.insert(r.id.clone(), Arc::new(r));
                }
                Err(d) => diags.extend(d),
            }
        }
        added
    }

    /// The rules a policy selects, in id order (after `extends`, `rules` and `remove`).
    pub fn policy_rules(&self, name: &str) -> Result<Vec<String>, Diagnostics> {
        let mut diags = Vec::new();
        let (set, _) = self.expand(name, &mut diags, &mut Vec::new());
        if diags.is_empty() {
            Ok(set.into_iter().collect())
        } else {
            Err(Diagnostics(diags))
        }
    }

    /// Resolve a policy: its rule set and its overrides, parents first.
    fn expand<'a>(
        &'a self,
        name: &str,
        diags: &mut Vec<Diagnostic>,
        chain: &mut Vec<String>,
    ) -> (BTreeSet<String>, Vec<(&'a SourceFile, &'a RawOverrides)>) {
        let Some(p) = self.policies.get(name) else {
            diags.push(Diagnostic::new(format!(
                "unknown policy `{name}` (built in: {})",
                self.builtin_policy_names().join(", ")
            )));
            return (BTreeSet::new(), Vec::new());
        };
        if chain.contains(&p.name) {
            diags.push(Diagnostic::in_file(
                &p.file.name,
                format!(
                    "policies extend each other in a cycle: {} → {}",
                    chain.join(" → "),
                    p.name
                ),
            ));
            return (BTreeSet::new(), Vec::new());
        }
        chain.push(p.name.clone());
        let (mut set, mut overrides) = match &p.raw.extends {
            Some(parent) if !self.policies.contains_key(parent.get_ref()) => {
                diags.push(Diagnostic::at(
                    &p.file,
                    parent.span(),
                    format!("`extends` names unknown policy `{}`", parent.get_ref()),
                ));
                (BTreeSet::new(), Vec::new())
            }
            Some(parent) => self.expand(parent.get_ref(), diags, chain),
            None => (BTreeSet::new(), Vec::new()),
        };
        chain.pop();
        for r in &p.raw.rules {
            if r.get_ref() == "*" {
                set.extend(
                    self.rules
                        .values()
                        .filter(|r| r.builtin)
                        .map(|r| r.id.clone()),
                );
            } else if self.rules.contains_key(r.get_ref()) {
                set.insert(r.get_ref().clone());
            } else {
                diags.push(unknown_rule(&p.file, r, self));
            }
        }
        for r in &p.raw.remove {
            if !self.rules.contains_key(r.get_ref()) {
                diags.push(unknown_rule(&p.file, r, self));
            }
            set.remove(r.get_ref());
        }
        overrides.push((&p.file, &p.raw.rule));
        (set, overrides)
    }

    pub fn builtin_policy_names(&self) -> Vec<String> {
        self.policies
            .values()
            .filter(|p| p.builtin)
            .map(|p| p.name.clone())
            .collect()
    }

    /// Closest known rule id, for "did you mean".
    pub fn suggest(&self, id: &str) -> Option<&str> {
        self.rules
            .keys()
            .map(|k| (strsim(id, k), k))
            .filter(|(d, k)| *d <= 3.max(k.len() / 4))
            .min()
            .map(|(_, k)| k.as_str())
    }
}

fn unknown_rule(file: &SourceFile, id: &Spanned<String>, reg: &Registry) -> Diagnostic {
    let hint = reg
        .suggest(id.get_ref())
        .map(|s| format!("; did you mean `{s}`?"))
        .unwrap_or_default();
    Diagnostic::at(
        file,
        id.span(),
        format!("unknown rule id `{}`{hint}", id.get_ref()),
    )
}

/// Edit distance, for suggestions.
fn strsim(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// A rule as it will run.
#[derive(Clone, Debug)]
pub struct ActiveRule {
    pub rule: Arc<Rule>,
    pub level: Level,
    pub check: Check,
}

/// Everything resolved: what to run and how to judge it.
pub struct Plan {
    pub policy_name: String,
    pub policy_title: String,
    pub rules: Vec<ActiveRule>,
    pub exclude: Globs,
    pub exemptions: Vec<Exemption>,
    pub attestations: BTreeMap<String, Attestation>,
    pub fail_on: FailOn,
    pub config_path: Option<String>,
}

/// What the command line asks of the policy.
#[derive(Clone, Debug, Default)]
pub struct Request {
    /// A built-in policy name or a policy file.
    pub policy: Option<String>,
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    pub fail_on: Option<FailOn>,
    /// Extra rule folders (`--rules`).
    pub rule_dirs: Vec<PathBuf>,
}

/// The config file, if any: its path (for relative paths), the name to show, and its text.
pub type ConfigText = Option<(PathBuf, String, String)>;

/// Reads a folder of rule files: (path, text) of each `.toml`.
pub type ReadDir<'a> = &'a dyn Fn(&Path) -> Result<Vec<(PathBuf, String)>, String>;

/// A parameter override: key, value, and where it was written.
type ParamOverride = (String, toml::Value, SourceFile, std::ops::Range<usize>);

/// Resolve the policy for a run. `read_dir` reads a folder of rule files.
pub fn resolve(
    req: &Request,
    config: ConfigText,
    read_dir: ReadDir,
) -> Result<(Registry, Plan), Diagnostics> {
    let mut reg = Registry::builtin()?;
    let mut diags: Vec<Diagnostic> = Vec::new();

    let (cfg_file, cfg) = match &config {
        Some((_, name, text)) => {
            let file = SourceFile::new(name.clone(), text.as_str());
            match config::parse(&file) {
                Ok(c) => (Some(file), c),
                Err(d) => return Err(d.into()),
            }
        }
        None => (None, config::RawConfig::default()),
    };
    let cfg_dir = config
        .as_ref()
        .and_then(|(p, _, _)| p.parent().map(Path::to_path_buf))
        .unwrap_or_default();

    // The team's own rules: from the config's `rules` folders and from --rules.
    let mut dirs: Vec<(PathBuf, Option<std::ops::Range<usize>>)> = cfg
        .rules
        .iter()
        .map(|d| (cfg_dir.join(d.get_ref()), Some(d.span())))
        .collect();
    dirs.extend(req.rule_dirs.iter().map(|d| (d.clone(), None)));
    let mut user_rules = Vec::new();
    for (dir, span) in dirs {
        match read_dir(&dir) {
            Ok(files) => user_rules.extend(reg.add_user_rules(files, &mut diags)),
            Err(e) => diags.push(match (&cfg_file, span) {
                (Some(f), Some(s)) => Diagnostic::at(f, s, format!("cannot read rule folder: {e}")),
                _ => Diagnostic::new(format!("cannot read rule folder: {e}")),
            }),
        }
    }

    // The policy: command line, then config, then the default. A path loads a policy file.
    let policy_arg = req
        .policy
        .clone()
        .or_else(|| cfg.policy.as_ref().map(|p| p.get_ref().clone()));
    let mut policy_name = policy_arg
        .clone()
        .unwrap_or_else(|| DEFAULT_POLICY.to_string());
    if policy_arg
        .as_ref()
        .is_some_and(|p| p.ends_with(".toml") || p.contains('/'))
    {
        let path = if req.policy.is_some() {
            PathBuf::from(&policy_name)
        } else {
            cfg_dir.join(&policy_name)
        };
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                let file = SourceFile::new(path.display().to_string(), text);
                if let Ok(raw) = toml::from_str::<RawPolicy>(&file.text) {
                    policy_name = raw.name.get_ref().clone();
                }
                if let Err(d) = reg.add_policy(file, false) {
                    diags.push(d);
                }
            }
            Err(e) => diags.push(Diagnostic::new(format!(
                "cannot read policy file {}: {e}",
                path.display()
            ))),
        }
    } else if !reg.policies.contains_key(&policy_name) {
        let msg = format!(
            "unknown policy `{policy_name}` (built in: {})",
            reg.builtin_policy_names().join(", ")
        );
        diags.push(match (&cfg_file, &cfg.policy, &req.policy) {
            (Some(f), Some(p), None) => Diagnostic::at(f, p.span(), msg),
            _ => Diagnostic::new(msg),
        });
        return Err(Diagnostics(diags));
    }

    let (mut selected, overrides) = {
        let mut chain = Vec::new();
        let (s, o) = reg.expand(&policy_name, &mut diags, &mut chain);
        (
            s,
            o.into_iter()
                .map(|(f, r)| (f.clone(), r))
                .collect::<Vec<_>>(),
        )
    };
    selected.extend(user_rules);

    // Levels and parameters: policy overrides (parents first), then the config.
    let mut levels: BTreeMap<String, Option<Level>> = BTreeMap::new();
    let mut params: BTreeMap<String, Vec<ParamOverride>> = BTreeMap::new();
    let mut all_overrides: Vec<(SourceFile, &RawOverrides)> = overrides;
    if let Some(f) = &cfg_file {
        all_overrides.push((f.clone(), &cfg.rule));
    }
    for (file, table) in &all_overrides {
        for (id, entries) in table.iter() {
            if !reg.rules.contains_key(id.get_ref()) {
                diags.push(unknown_rule(file, id, &reg));
                continue;
            }
            for (key, value) in entries {
                if key.get_ref() == "level" {
                    match value.get_ref().as_str() {
                        Some("off") => {
                            levels.insert(id.get_ref().clone(), None);
                        }
                        Some(l @ ("error" | "warning" | "info")) => {
                            let level = match l {
                                "error" => Level::Error,
                                "warning" => Level::Warning,
                                _ => Level::Info,
                            };
                            levels.insert(id.get_ref().clone(), Some(level));
                        }
                        _ => diags.push(Diagnostic::at(
                            file,
                            value.span(),
                            "`level` must be \"error\", \"warning\", \"info\" or \"off\"",
                        )),
                    }
                } else {
                    params.entry(id.get_ref().clone()).or_default().push((
                        key.get_ref().clone(),
                        value.get_ref().clone(),
                        file.clone(),
                        key.span(),
                    ));
                }
            }
        }
    }

    // Parameter overrides are validated for every rule they name, even one that will not run.
    let mut checks: BTreeMap<String, Check> = BTreeMap::new();
    for (id, list) in &params {
        let Some(rule) = reg.rules.get(id) else {
            continue;
        };
        let kv: Vec<(String, toml::Value)> = list
            .iter()
            .map(|(k, v, _, _)| (k.clone(), v.clone()))
            .collect();
        match rule.check_with(&kv) {
            Ok(c) => {
                checks.insert(id.clone(), c);
            }
            Err((i, msg)) => {
                let (_, _, file, span) = &list[i];
                diags.push(Diagnostic::at(
                    file,
                    span.clone(),
                    format!("rule `{id}`: {msg}"),
                ));
            }
        }
    }

    // --select / --ignore name rules that must exist.
    for id in req.select.iter().chain(&req.ignore) {
        if id != "*" && !reg.rules.contains_key(id) {
            let hint = reg
                .suggest(id)
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_default();
            diags.push(Diagnostic::new(format!(
                "unknown rule id `{id}`{hint} (see `openready rules`)"
            )));
        }
    }

    let mut rules = Vec::new();
    let ids: BTreeSet<String> = if req.select.is_empty() || req.select.iter().any(|s| s == "*") {
        selected.clone()
    } else {
        req.select
            .iter()
            .filter(|s| reg.rules.contains_key(*s))
            .cloned()
            .collect()
    };
    for id in ids {
        if req.ignore.contains(&id) {
            continue;
        }
        let Some(rule) = reg.rules.get(&id) else {
            continue;
        };
        let level = match levels.get(&id) {
            Some(None) if req.select.is_empty() => continue, // turned off
            Some(None) => rule.level, // explicitly selected: run at its own level
            Some(Some(l)) => *l,
            None => rule.level,
        };
        let Some(check) = checks
            .get(&id)
            .cloned()
            .or_else(|| (!params.contains_key(&id)).then(|| rule.check.clone()))
        else {
            continue; // its override was invalid and is already reported
        };
        rules.push(ActiveRule {
            rule: Arc::clone(rule),
            level,
            check,
        });
    }

    // Exemptions and attestations.
    let mut exemptions = Vec::new();
    let mut attestations = BTreeMap::new();
    if let Some(file) = &cfg_file {
        for ex in &cfg.exemption {
            let mut ids: Vec<&Spanned<String>> = ex.rules.iter().collect();
            ids.extend(ex.rule.iter());
            if ids.is_empty() {
                diags.push(Diagnostic::at(
                    file,
                    ex.reason.span(),
                    "an exemption needs `rule = \"id\"` or `rules = [..]`",
                ));
            }
            for id in &ids {
                if id.get_ref() != "*" && !reg.rules.contains_key(id.get_ref()) {
                    diags.push(unknown_rule(file, id, &reg));
                }
            }
            if ex.reason.get_ref().trim().len() < 3 {
                diags.push(Diagnostic::at(
                    file,
                    ex.reason.span(),
                    "an exemption needs a reason a reviewer can judge",
                ));
            }
            exemptions.push(Exemption {
                rules: ids.iter().map(|s| s.get_ref().clone()).collect(),
                paths: ex.paths.clone(),
                reason: ex.reason.get_ref().trim().to_string(),
            });
        }
        for at in &cfg.attestation {
            let id = at.rule.get_ref();
            match reg.rules.get(id) {
                None => diags.push(unknown_rule(file, &at.rule, &reg)),
                Some(r) if r.kind() != "attestation" => diags.push(Diagnostic::at(
                    file,
                    at.rule.span(),
                    format!("`{id}` is checked automatically; only manual items (kind `attestation`) take an attestation"),
                )),
                Some(_) => {}
            }
            let date = match config::attestation_date(at.date.get_ref()) {
                Some(d) => d,
                None => {
                    diags.push(Diagnostic::at(
                        file,
                        at.date.span(),
                        "`date` must be a date such as 2026-11-02",
                    ));
                    continue;
                }
            };
            for (field, value) in [("by", &at.by), ("note", &at.note)] {
                if value.get_ref().trim().is_empty() {
                    diags.push(Diagnostic::at(
                        file,
                        value.span(),
                        format!("an attestation needs `{field}`"),
                    ));
                }
            }
            if attestations.contains_key(id) {
                diags.push(Diagnostic::at(
                    file,
                    at.rule.span(),
                    format!("`{id}` is attested twice"),
                ));
            }
            attestations.insert(
                id.clone(),
                Attestation {
                    by: at.by.get_ref().trim().to_string(),
                    date,
                    note: at.note.get_ref().trim().to_string(),
                },
            );
        }
    }

    if !diags.is_empty() {
        diags.sort_by_key(|d| {
            d.location
                .as_ref()
                .map(|(f, span)| (f.name.clone(), span.start))
        });
        return Err(Diagnostics(diags));
    }
    let policy = &reg.policies[&policy_name];
    let plan = Plan {
        policy_name: policy.name.clone(),
        policy_title: policy.title.clone(),
        rules,
        exclude: cfg.exclude.clone(),
        exemptions,
        attestations,
        fail_on: req.fail_on.or(cfg.fail_on).unwrap_or_default(),
        config_path: cfg_file.as_ref().map(|f| f.name.clone()),
    };
    Ok((reg, plan))
}
