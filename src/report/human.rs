//! The terminal report: failures first (errors, then warnings, then info), then manual items, then a
//! compact list of what passed or did not apply, and a one-line verdict.

use std::fmt::Write;

use anstyle::{AnsiColor, Effects, Style};

use crate::finding::{Level, Report, RuleResult, Status, Verdict};

struct Palette {
    on: bool,
}

impl Palette {
    fn paint(&self, style: Style, text: &str) -> String {
        if self.on {
            format!("{}{text}{}", style.render(), style.render_reset())
        } else {
            text.to_string()
        }
    }
    fn red(&self, t: &str) -> String {
        self.paint(AnsiColor::Red.on_default() | Effects::BOLD, t)
    }
    fn yellow(&self, t: &str) -> String {
        self.paint(AnsiColor::Yellow.on_default() | Effects::BOLD, t)
    }
    fn blue(&self, t: &str) -> String {
        self.paint(AnsiColor::Cyan.on_default(), t)
    }
    fn green(&self, t: &str) -> String {
        self.paint(AnsiColor::Green.on_default(), t)
    }
    fn dim(&self, t: &str) -> String {
        self.paint(Style::new().effects(Effects::DIMMED), t)
    }
    fn bold(&self, t: &str) -> String {
        self.paint(Style::new().effects(Effects::BOLD), t)
    }
}

/// Most findings shown per rule; the JSON report has them all.
const MAX_SHOWN: usize = 20;

pub fn render(report: &Report, color: bool) -> String {
    let p = Palette { on: color };
    let mut out = String::new();
    let t = &report.target;
    let what = match (&t.commit, t.scope.as_str()) {
        (Some(c), "head") => format!("HEAD {}", &c[..c.len().min(12)]),
        (_, "staged") => "the staged changes (index)".into(),
        (_, "worktree") => "the work tree".into(),
        (_, "index") => "the index (no commits yet)".into(),
        _ => "the directory".into(),
    };
    let _ = writeln!(
        out,
        "{} {} · policy {} · {} of {}",
        p.bold("openready"),
        report.tool.version,
        report.policy.name,
        what,
        t.path
    );
    if let Some(note) = &t.note {
        let _ = writeln!(out, "{}", p.dim(&format!("note: {note}")));
    }

    let failed = |level: Level| -> Vec<&RuleResult> {
        report
            .rules
            .iter()
            .filter(|r| matches!(r.status, Status::Fail | Status::Error) && r.level == level)
            .collect()
    };
    for (level, label) in [
        (Level::Error, "Failed: errors"),
        (Level::Warning, "Failed: warnings"),
        (Level::Info, "Failed: info"),
    ] {
        let rules = failed(level);
        if rules.is_empty() {
            continue;
        }
        let head = format!("{label} ({})", rules.len());
        let _ = writeln!(
            out,
            "\n{}",
            match level {
                Level::Error => p.red(&head),
                Level::Warning => p.yellow(&head),
                Level::Info => p.blue(&head),
            }
        );
        for r in rules {
            let mark = match level {
                Level::Error => p.red("✗"),
                Level::Warning => p.yellow("!"),
                Level::Info => p.blue("i"),
            };
            let status = if r.status == Status::Error {
                " (could not run)"
            } else {
                ""
            };
            let _ = writeln!(out, "  {mark} {}  {}{status}", p.bold(&r.id), r.title);
            let active: Vec<_> = r.active_findings().collect();
            // a single finding that says the same as the rule's message stands in for it
            let single = active.len() == 1 && active[0].message == r.message;
            if !single {
                let _ = writeln!(out, "      {}", r.message);
            }
            for f in active.iter().take(MAX_SHOWN) {
                let loc = match (&f.path, f.line) {
                    (Some(path), Some(line)) => format!("{path}:{line}: "),
                    // a message that already opens with its path needs no prefix
                    (Some(path), None) if f.message.starts_with(path.as_str()) => String::new(),
                    (Some(path), None) => format!("{path}: "),
                    _ => String::new(),
                };
                if loc.is_empty() && f.message == r.message && !single {
                    continue;
                }
                let _ = writeln!(out, "      {}{}", p.bold(&loc), f.message);
            }
            if active.len() > MAX_SHOWN {
                let _ = writeln!(
                    out,
                    "      {}",
                    p.dim(&format!(
                        "… and {} more (see --format json)",
                        active.len() - MAX_SHOWN
                    ))
                );
            }
            if r.suppressed > 0 {
                let _ = writeln!(
                    out,
                    "      {}",
                    p.dim(&format!("{} more exempted in the config", r.suppressed))
                );
            }
            let _ = writeln!(out, "      {} {}", p.dim("fix:"), r.fix);
        }
    }

    let exempted: Vec<_> = report
        .rules
        .iter()
        .filter(|r| r.status == Status::Pass && r.suppressed > 0)
        .collect();
    if !exempted.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            p.bold(&format!("Exempted ({})", exempted.len()))
        );
        for r in exempted {
            let reasons: std::collections::BTreeSet<_> = r
                .findings
                .iter()
                .filter_map(|f| f.suppressed.as_ref().map(|s| s.reason.as_str()))
                .collect();
            let _ = writeln!(
                out,
                "  ~ {}  {} finding{}: {}",
                p.bold(&r.id),
                r.suppressed,
                if r.suppressed == 1 { "" } else { "s" },
                reasons.into_iter().collect::<Vec<_>>().join("; ")
            );
        }
    }

    let manual: Vec<_> = report
        .rules
        .iter()
        .filter(|r| r.status == Status::Manual)
        .collect();
    let attested: Vec<_> = report
        .rules
        .iter()
        .filter(|r| r.attestation.is_some())
        .collect();
    if !manual.is_empty() || !attested.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            p.bold(&format!(
                "Manual checks ({} to confirm, {} attested)",
                manual.len(),
                attested.len()
            ))
        );
        for r in manual {
            let _ = writeln!(out, "  ? {}  {}", p.bold(&r.id), r.title);
        }
        for r in attested {
            let a = r.attestation.as_ref().expect("filtered");
            let _ = writeln!(
                out,
                "  {} {}  {} — {}, {}: {}",
                p.green("✓"),
                p.bold(&r.id),
                r.title,
                a.by,
                a.date,
                a.note
            );
        }
    }

    let passed: Vec<_> = report
        .rules
        .iter()
        .filter(|r| r.status == Status::Pass && r.attestation.is_none() && r.suppressed == 0)
        .collect();
    if !passed.is_empty() {
        let _ = writeln!(out, "\n{}", p.bold(&format!("Passed ({})", passed.len())));
        for r in passed {
            let _ = writeln!(out, "  {} {}  {}", p.green("✓"), r.id, p.dim(&r.message));
        }
    }
    let na: Vec<_> = report
        .rules
        .iter()
        .filter(|r| r.status == Status::NotApplicable)
        .collect();
    if !na.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            p.bold(&format!("Not applicable ({})", na.len()))
        );
        for r in na {
            let _ = writeln!(out, "  - {}  {}", r.id, p.dim(&r.message));
        }
    }
    for w in &report.warnings {
        let _ = writeln!(out, "\n{} {w}", p.yellow("warning:"));
    }
    let _ = writeln!(out, "\n{}", summary_line(report, &p));
    out
}

/// The one-line verdict (also printed when the report goes to a file).
pub fn summary(report: &Report, color: bool) -> String {
    summary_line(report, &Palette { on: color })
}

fn summary_line(report: &Report, p: &Palette) -> String {
    let s = &report.summary;
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let verdict = match report.result {
        Verdict::Pass => p.green(&p.bold("PASS")),
        Verdict::Fail => p.red("FAIL"),
    };
    let mut failed = Vec::new();
    if s.failed_errors > 0 {
        failed.push(plural(s.failed_errors, "error", "errors"));
    }
    if s.failed_warnings > 0 {
        failed.push(plural(s.failed_warnings, "warning", "warnings"));
    }
    if s.failed_info > 0 {
        failed.push(format!("{} info", s.failed_info));
    }
    let failed = if failed.is_empty() {
        "no rule failed".to_string()
    } else {
        format!("rules failed: {}", failed.join(", "))
    };
    let attested = report
        .rules
        .iter()
        .filter(|r| r.attestation.is_some())
        .count();
    let exempted = report
        .rules
        .iter()
        .filter(|r| r.status == crate::finding::Status::Pass && r.suppressed > 0)
        .count();
    let mut extra = Vec::new();
    if attested > 0 {
        extra.push(format!("{attested} attested"));
    }
    if exempted > 0 {
        extra.push(format!("{exempted} by exemption"));
    }
    let passed = if extra.is_empty() {
        format!("{} passed", s.pass)
    } else {
        format!("{} passed ({})", s.pass, extra.join(", "))
    };
    let fail_on = match report.fail_on {
        crate::finding::FailOn::Error => "error",
        crate::finding::FailOn::Warning => "warning",
        crate::finding::FailOn::Info => "info",
        crate::finding::FailOn::Never => "never",
    };
    format!(
        "{verdict} ({failed}; {passed}, {} to confirm by hand, {} not applicable; fails on {fail_on})",
        s.manual, s.not_applicable
    )
}
