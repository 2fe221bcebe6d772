//! Parse the command line, run, and map the outcome to an exit code: 0 pass, 1 the policy failed,
//! 2 the tool could not do its job. A closed pipe is not an error.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;

use openready::cli::{Cli, ColorChoice, Command, PolicyArgs};
use openready::engine::{self, ConfigChoice, Options};
use openready::finding::Verdict;
use openready::policy::{self, Request};
use openready::repo::Mode;
use openready::report::{self, human};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("openready: {e}");
            ExitCode::from(2)
        }
    }
}

fn use_color(choice: ColorChoice, stream_is_tty: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            stream_is_tty
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::env::var("TERM").map_or(true, |t| t != "dumb")
        }
    }
}

/// Which tree to check: HEAD unless --staged or --worktree.
fn scope(staged: bool, worktree: bool) -> Mode {
    match (staged, worktree) {
        (true, _) => Mode::Staged,
        (_, true) => Mode::Worktree,
        _ => Mode::Head,
    }
}

fn config_choice(file: Option<std::path::PathBuf>, none: bool) -> ConfigChoice {
    match (file, none) {
        (_, true) => ConfigChoice::None,
        (Some(p), _) => ConfigChoice::File(p),
        (None, false) => ConfigChoice::Discover,
    }
}

fn fail(e: impl std::fmt::Display) -> std::io::Result<ExitCode> {
    eprintln!("{e}");
    Ok(ExitCode::from(2))
}

fn run(cli: Cli) -> std::io::Result<ExitCode> {
    let mut stdout = std::io::stdout().lock();
    let color_out = use_color(cli.color, std::io::stdout().is_terminal());
    match cli.command {
        Command::Check(args) => {
            let mode = scope(args.staged, args.worktree);
            let opts = Options {
                path: args.path.clone(),
                mode,
                config: config_choice(args.policy.config.clone(), args.policy.no_config),
                request: Request {
                    policy: args.policy.policy.clone(),
                    select: args.select.clone(),
                    ignore: args.ignore.clone(),
                    fail_on: args.fail_on.map(Into::into),
                    rule_dirs: args.policy.rule_dirs.clone(),
                },
                history: args.scan.history.then(|| engine::HistoryRange {
                    since: args.scan.since.clone(),
                }),
                baseline: args.scan.baseline.clone(),
            };
            if args.scan.show_secrets {
                // a secret in full only ever goes to a person's terminal, never to a file or a pipe
                if std::io::stdout().is_terminal()
                    && args.output.is_none()
                    && args.format == report::Format::Human
                {
                    openready::scan::show_secrets(true);
                } else {
                    eprintln!(
                        "openready: --show-secrets applies only to the human report on a terminal; secrets stay redacted"
                    );
                }
            }
            let report = match engine::check(&opts) {
                Ok(r) => r,
                Err(e) => return fail(e),
            };
            match &args.output {
                Some(path) => {
                    let text = report::render(&report, args.format, false);
                    if let Err(e) = std::fs::write(path, text) {
                        return fail(format!("openready: cannot write {}: {e}", path.display()));
                    }
                    writeln!(
                        stdout,
                        "{} (report: {})",
                        human::summary(&report, color_out),
                        path.display()
                    )?;
                }
                None => {
                    let color = color_out && args.format == report::Format::Human;
                    stdout.write_all(report::render(&report, args.format, color).as_bytes())?;
                }
            }
            stdout.flush()?;
            Ok(match report.result {
                Verdict::Pass => ExitCode::SUCCESS,
                Verdict::Fail => ExitCode::from(1),
            })
        }
        Command::Baseline(args) => {
            let opts = Options {
                path: args.path.clone(),
                mode: Mode::Head,
                config: config_choice(args.policy.config.clone(), args.policy.no_config),
                request: Request {
                    policy: args.policy.policy.clone(),
                    select: args.select.clone(),
                    ignore: Vec::new(),
                    fail_on: None,
                    rule_dirs: args.policy.rule_dirs.clone(),
                },
                history: args.history.then(engine::HistoryRange::default),
                baseline: None,
            };
            let report = match engine::check(&opts) {
                Ok(r) => r,
                Err(e) => return fail(e),
            };
            let file = engine::baseline::from_report(&report);
            let out = args
                .output
                .clone()
                .unwrap_or_else(|| args.path.join(engine::baseline::DEFAULT_FILE));
            let text = serde_json::to_string_pretty(&file).unwrap_or_default() + "\n";
            if let Err(e) = std::fs::write(&out, text) {
                return fail(format!("openready: cannot write {}: {e}", out.display()));
            }
            writeln!(
                stdout,
                "{} finding{} recorded in {}; later checks report only new ones",
                file.findings.len(),
                if file.findings.len() == 1 { "" } else { "s" },
                out.display()
            )?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Rules(p) => {
            let (reg, plan) = match resolve(&p) {
                Ok(x) => x,
                Err(e) => return fail(e),
            };
            let _ = reg;
            writeln!(
                stdout,
                "policy {}: {} ({} rules)",
                plan.policy_name,
                plan.policy_title,
                plan.rules.len()
            )?;
            let w = plan
                .rules
                .iter()
                .map(|r| r.rule.id.len())
                .max()
                .unwrap_or(10);
            for r in &plan.rules {
                writeln!(
                    stdout,
                    "{:<w$}  {:<7}  {}",
                    r.rule.id,
                    r.level.as_str(),
                    r.rule.title
                )?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Explain { id, policy } => {
            let (reg, plan) = match resolve(&policy) {
                Ok(x) => x,
                Err(e) => return fail(e),
            };
            let Some(rule) = reg.rules.get(&id) else {
                let hint = reg
                    .suggest(&id)
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_default();
                return fail(format!("openready: unknown rule id `{id}`{hint}"));
            };
            let level = plan
                .rules
                .iter()
                .find(|r| r.rule.id == id)
                .map(|r| r.level.as_str().to_string());
            writeln!(stdout, "{}: {}", rule.id, rule.title)?;
            writeln!(
                stdout,
                "level: {} (default {}) · policy {} · check kind: {} · scope: {}",
                level.as_deref().unwrap_or("not in this policy"),
                rule.level,
                plan.policy_name,
                rule.kind(),
                rule.scope
                    .iter()
                    .map(|s| format!("{s:?}").to_lowercase())
                    .collect::<Vec<_>>()
                    .join(", ")
            )?;
            writeln!(stdout, "\n{}", rule.description.trim())?;
            writeln!(stdout, "\nIn short: {}", rule.fix)?;
            if !rule.sources.is_empty() {
                writeln!(stdout, "\nSources:")?;
                for s in &rule.sources {
                    writeln!(stdout, "  - {s}")?;
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Licence(args) => {
            let mode = scope(args.staged, args.worktree);
            let (_snap, facts) = match engine::licence(&args.path, mode) {
                Ok(x) => x,
                Err(e) => return fail(e),
            };
            match args.format {
                report::Format::Json => {
                    let mut s = serde_json::to_string_pretty(&facts.to_json()).unwrap_or_default();
                    s.push('\n');
                    stdout.write_all(s.as_bytes())?;
                }
                report::Format::Human => {
                    stdout.write_all(
                        report::licence::render(&facts, &args.path.display().to_string())
                            .as_bytes(),
                    )?;
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Policies => {
            let reg = match policy::Registry::builtin() {
                Ok(r) => r,
                Err(e) => return fail(e),
            };
            for p in reg.policies.values() {
                let n = reg.policy_rules(&p.name).map(|r| r.len()).unwrap_or(0);
                let default = if p.name == policy::DEFAULT_POLICY {
                    " (default)"
                } else {
                    ""
                };
                writeln!(stdout, "{}{default}: {} — {n} rules", p.name, p.title)?;
                for line in textwrap(&p.description, 96) {
                    writeln!(stdout, "    {line}")?;
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn resolve(p: &PolicyArgs) -> Result<(policy::Registry, policy::Plan), engine::RunError> {
    let request = Request {
        policy: p.opts.policy.clone(),
        rule_dirs: p.opts.rule_dirs.clone(),
        ..Request::default()
    };
    engine::resolve_policy(
        Some(&p.path),
        &config_choice(p.opts.config.clone(), p.opts.no_config),
        &request,
    )
}

fn textwrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut cur = String::new();
    for word in text.split_whitespace() {
        if !cur.is_empty() && cur.len() + 1 + word.len() > width {
            lines.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(word);
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    lines
}
