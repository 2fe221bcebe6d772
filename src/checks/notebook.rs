//! `notebook`: Jupyter notebooks carry no outputs, execution counts or widget state.

use serde::Deserialize;
use serde_json::Value;

use super::line_of;
use crate::finding::{Finding, Outcome};
use crate::repo::Snapshot;

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Params {
    #[serde(default)]
    forbid: bool,
    #[serde(default = "yes")]
    widgets: bool,
}

fn yes() -> bool {
    true
}

pub fn run(p: &Params, snap: &Snapshot) -> Outcome {
    let mut findings = Vec::new();
    let mut seen = 0;
    for f in snap.examined() {
        let lower = f.path.to_ascii_lowercase();
        if lower.ends_with(".nb.html") {
            seen += 1;
            findings.push(Finding::at(
                &f.path,
                "an R notebook (.nb.html) embeds its outputs; publish the .Rmd instead",
            ));
            continue;
        }
        if !lower.ends_with(".ipynb") || f.symlink {
            continue;
        }
        seen += 1;
        if p.forbid {
            findings.push(Finding::at(
                &f.path,
                "notebooks are not published under this policy; convert it to a script",
            ));
            continue;
        }
        let Some(text) = snap.text(f) else {
            findings.push(Finding::at(&f.path, "cannot be read as text"));
            continue;
        };
        match inspect(&text, p.widgets) {
            Ok(None) => {}
            Ok(Some((msg, offset))) => findings.push(Finding::at_line(
                &f.path,
                offset.map_or(1, |o| line_of(&text, o)),
                msg,
            )),
            Err(e) => findings.push(Finding::at(
                &f.path,
                format!("not a valid notebook ({e}), so its outputs cannot be checked"),
            )),
        }
    }
    if seen == 0 {
        return Outcome::pass("no notebooks");
    }
    Outcome::from_findings(
        findings,
        format!(
            "{seen} notebook{} checked, none with outputs",
            if seen == 1 { "" } else { "s" }
        ),
        |n| format!("{n} notebook{} to clear", if n == 1 { "" } else { "s" }),
    )
}

/// `Ok(Some((message, offset of the first offending cell)))` when the notebook has outputs.
fn inspect(text: &str, widgets: bool) -> Result<Option<(String, Option<usize>)>, String> {
    let nb: Value = serde_json::from_str(text)
        .map_err(|e| format!("line {}: {}", e.line(), strip_pos(&e.to_string())))?;
    // nbformat 4 has top-level cells; nbformat 3 has worksheets[].cells
    let cells: Vec<&Value> = match nb.get("cells").and_then(Value::as_array) {
        Some(c) => c.iter().collect(),
        None => nb
            .get("worksheets")
            .and_then(Value::as_array)
            .map(|ws| {
                ws.iter()
                    .filter_map(|w| w.get("cells").and_then(Value::as_array))
                    .flatten()
                    .collect()
            })
            .ok_or("no cells")?,
    };
    let mut with_outputs = 0;
    let mut with_counts = 0;
    for c in &cells {
        if c.get("outputs")
            .and_then(Value::as_array)
            .is_some_and(|o| !o.is_empty())
        {
            with_outputs += 1;
        }
        let count = c.get("execution_count").or_else(|| c.get("prompt_number"));
        if count.is_some_and(|v| !v.is_null()) {
            with_counts += 1;
        }
    }
    let widget_state = widgets
        && nb
            .get("metadata")
            .and_then(|m| m.get("widgets"))
            .is_some_and(|w| w.as_object().is_some_and(|o| !o.is_empty()));
    if with_outputs == 0 && with_counts == 0 && !widget_state {
        return Ok(None);
    }
    let mut parts = Vec::new();
    if with_outputs > 0 {
        parts.push(format!(
            "{with_outputs} cell{} with outputs",
            if with_outputs == 1 { "" } else { "s" }
        ));
    }
    if with_counts > 0 {
        parts.push(format!("{with_counts} with execution counts",));
    }
    if widget_state {
        parts.push("saved widget state".into());
    }
    let offset = first_offence(text);
    Ok(Some((
        format!(
            "{}; clear them (e.g. nbstripout) before publishing",
            parts.join(", ")
        ),
        offset,
    )))
}

/// Where the first non-empty `outputs` or non-null `execution_count` appears in the text.
fn first_offence(text: &str) -> Option<usize> {
    static RE: std::sync::LazyLock<regex_lite::Regex> = std::sync::LazyLock::new(|| {
        regex_lite::Regex::new(r#""(outputs"\s*:\s*\[\s*[^\]\s]|execution_count"\s*:\s*\d|prompt_number"\s*:\s*\d|widgets"\s*:\s*\{\s*")"#).unwrap()
    });
    RE.find(text).map(|m| m.start())
}

fn strip_pos(s: &str) -> String {
    match s.find(" at line ") {
        Some(i) => s[..i].to_string(),
        None => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Status;

    const CLEAN: &str = r#"{"cells":[{"cell_type":"code","execution_count":null,"metadata":{},"outputs":[],"source":["1+1"]}],"metadata":{},"nbformat":4,"nbformat_minor":5}"#;
    const DIRTY: &str = "{\n \"cells\": [\n  {\n   \"cell_type\": \"code\",\n   \"execution_count\": 3,\n   \"metadata\": {},\n   \"outputs\": [{\"output_type\": \"stream\", \"text\": [\"2\"]}],\n   \"source\": [\"1+1\"]\n  }\n ],\n \"metadata\": {},\n \"nbformat\": 4,\n \"nbformat_minor\": 5\n}\n";

    fn params(s: &str) -> Params {
        toml::from_str(s).unwrap()
    }

    #[test]
    fn outputs_and_counts_fail_with_a_line() {
        let snap =
            Snapshot::from_memory(&[("a.ipynb", CLEAN.as_bytes()), ("b.ipynb", DIRTY.as_bytes())]);
        let o = run(&params(""), &snap);
        assert_eq!(o.status, Status::Fail);
        assert_eq!(o.findings.len(), 1);
        assert_eq!(o.findings[0].path.as_deref(), Some("b.ipynb"));
        assert_eq!(o.findings[0].line, Some(5));
        assert!(o.findings[0].message.contains("1 cell with outputs"));
    }

    #[test]
    fn forbid_and_broken_notebooks() {
        let snap = Snapshot::from_memory(&[("a.ipynb", CLEAN.as_bytes())]);
        assert_eq!(run(&params(""), &snap).status, Status::Pass);
        assert_eq!(run(&params("forbid = true"), &snap).status, Status::Fail);
        let snap = Snapshot::from_memory(&[("a.ipynb", b"{not json")]);
        assert_eq!(run(&params(""), &snap).status, Status::Fail);
    }
}
