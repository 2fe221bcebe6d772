//! Which of gitleaks' findings openready reports too: `bench/gitleaks-coverage.sh` runs both on a
//! repository's history and passes their JSON reports here. A gitleaks finding is covered when the
//! text gitleaks matched, scanned by openready's detectors, gives a fingerprint that openready's
//! report holds. Secrets are never printed: only rule ids, paths and redacted values.
//!
//!     cargo run --release --example gitleaks-coverage -- GITLEAKS.json OPENREADY.json
use std::collections::{BTreeMap, HashSet};

use openready::scan::{self, Category, Origin};

fn main() {
    let mut args = std::env::args().skip(1);
    let gl: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(args.next().expect("gitleaks report")).expect("readable"),
    )
    .expect("gitleaks JSON");
    let or: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(args.next().expect("openready report")).expect("readable"),
    )
    .expect("openready JSON");
    let ours: HashSet<String> = or["rules"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|r| r["findings"].as_array().into_iter().flatten())
        .filter_map(|f| f["fingerprint"].as_str().map(str::to_string))
        .collect();
    let mut by_rule: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut missed: BTreeMap<String, (String, String)> = BTreeMap::new();
    let mut seen = HashSet::new();
    for f in gl.as_array().into_iter().flatten() {
        let rule = f["RuleID"].as_str().unwrap_or("?").to_string();
        let secret = f["Secret"].as_str().unwrap_or("");
        let line = f["Line"]
            .as_str()
            .filter(|l| !l.is_empty())
            .or(f["Match"].as_str())
            .unwrap_or("");
        let file = f["File"].as_str().unwrap_or("");
        if !seen.insert((rule.clone(), secret.to_string())) {
            continue; // the same secret in another commit: one finding, as openready counts it
        }
        let hits = scan::scan_for(line.as_bytes(), Origin { path: file }, &[Category::Secret]).hits;
        let covered = hits.iter().any(|h| ours.contains(&h.fingerprint));
        let e = by_rule.entry(rule.clone()).or_default();
        e.0 += 1;
        if covered {
            e.1 += 1;
        } else {
            missed.insert(
                format!("{rule} {file}:{}", f["StartLine"]),
                (
                    scan::redact(secret, Category::Secret),
                    hits.first()
                        .map_or("no openready detector matches".into(), |h| {
                            format!("openready sees {} but not in its report", h.detector)
                        }),
                ),
            );
        }
    }
    let total: usize = by_rule.values().map(|v| v.0).sum();
    let covered: usize = by_rule.values().map(|v| v.1).sum();
    println!("gitleaks: {total} distinct secrets; openready reports {covered} of them");
    for (rule, (n, c)) in &by_rule {
        println!("  {rule:<40} {c}/{n}");
    }
    for (k, (red, why)) in &missed {
        println!("  not reported: {k} {red} ({why})");
    }
}
