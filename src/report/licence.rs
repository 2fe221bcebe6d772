//! `openready licence`: the licence analysis, for people.

use std::fmt::Write;

use crate::licence::{Facts, TextKind};

pub fn render(facts: &Facts, target: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Licences in {target}");
    if facts.files.is_empty() {
        let _ = writeln!(
            out,
            "  no licence file (LICENCE, LICENSE, COPYING… or LICENSES/)"
        );
    }
    for f in &facts.files {
        let id = &f.identification;
        match id.kind {
            TextKind::Licence | TextKind::Notice | TextKind::LinkOnly
                if !id.licences.is_empty() =>
            {
                for l in &id.licences {
                    let what = match id.kind {
                        TextKind::Notice => " (its standard notice, not the full text)",
                        TextKind::LinkOnly => " (a link, not the text)",
                        _ => "",
                    };
                    let _ = writeln!(
                        out,
                        "  {}:{}-{}  {}  {:.1}%{what}",
                        f.path,
                        l.lines.0,
                        l.lines.1,
                        l.spdx,
                        l.confidence * 100.0
                    );
                }
            }
            TextKind::Unrecognised => {
                let mut closest = id
                    .closest
                    .as_ref()
                    .map(|(n, s)| format!(" (closest: {n}, {:.0}%)", s * 100.0))
                    .unwrap_or_default();
                if let Some(m) = &id.modified {
                    closest.push_str(&format!("; it adds \"{m}\""));
                }
                let _ = writeln!(out, "  {}  unrecognised{closest}", f.path);
            }
            TextKind::NameOnly => {
                let _ = writeln!(out, "  {}  only a licence name, no text", f.path);
            }
            TextKind::Empty => {
                let _ = writeln!(out, "  {}  empty", f.path);
            }
            _ => {
                let _ = writeln!(out, "  {}  a link, no text", f.path);
            }
        }
    }
    let _ = writeln!(
        out,
        "Expression: {}",
        facts.expression().unwrap_or_else(|| "none".into())
    );
    let _ = writeln!(out, "Copyright:");
    if facts.copyright.is_empty() {
        let _ = writeln!(out, "  none found");
    }
    for n in &facts.copyright {
        let verdict = match (&n.problem, &n.years, &n.holder) {
            (Some(p), _, _) => format!("  ({p})"),
            (None, Some(y), Some(h)) => format!("  ({y}; {h})"),
            _ => String::new(),
        };
        let _ = writeln!(out, "  {}:{}  {}{verdict}", n.path, n.line, n.text);
    }
    if !facts.declared.is_empty() {
        let _ = writeln!(out, "Declared in manifests:");
        for d in &facts.declared {
            let _ = writeln!(out, "  {}:{}  {}", d.path, d.line, d.declared);
        }
    }
    out
}
