//! Every rule × every fixture: each `fixtures/<rule>/<case>/` folder becomes a real git repository, the
//! rule alone is run on it, and its status must be the one the folder's name promises (`pass*`,
//! `fail*`, `not-applicable*`, or `status` in the case's `_fixture.toml`).

mod common;

use std::path::Path;

use openready::engine::{self, ConfigChoice, Options};
use openready::policy::{Registry, Request};
use openready::repo::Mode;
use openready::Status;

#[derive(serde::Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Harness {
    remote: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
    status: Option<String>,
    scope: Option<String>,
}

fn parse_status(s: &str) -> Status {
    match s {
        "pass" => Status::Pass,
        "fail" => Status::Fail,
        "not-applicable" => Status::NotApplicable,
        "manual" => Status::Manual,
        other => panic!("unknown status {other}"),
    }
}

fn run_case(rule: &str, kind: &str, case_dir: &Path) -> Result<(), String> {
    let case = case_dir.file_name().unwrap().to_string_lossy().to_string();
    let harness: Harness = match std::fs::read_to_string(case_dir.join("_fixture.toml")) {
        Ok(t) => toml::from_str(&t).map_err(|e| format!("_fixture.toml: {e}"))?,
        Err(_) => Harness::default(),
    };
    let expected = match (&harness.status, case.as_str()) {
        (Some(s), _) => parse_status(s),
        (None, c) if c.starts_with("pass") => Status::Pass,
        (None, c) if c.starts_with("fail") && kind == "attestation" => Status::Manual,
        (None, c) if c.starts_with("fail") => Status::Fail,
        (None, c) if c.starts_with("not-applicable") => Status::NotApplicable,
        (None, c) => {
            return Err(format!(
                "case `{c}` must start with pass, fail or not-applicable"
            ))
        }
    };
    let tmp = tempfile::tempdir().unwrap();
    common::copy_tree(case_dir, tmp.path());
    if harness.scope.as_deref() != Some("plain") {
        let repo = common::commit_all(tmp.path());
        if let Some(url) = &harness.remote {
            repo.remote("origin", url).unwrap();
        }
        let head = repo.head().unwrap().peel_to_commit().unwrap();
        for t in &harness.tags {
            repo.tag_lightweight(t, head.as_object(), false).unwrap();
        }
    }
    let mut opts = Options::new(tmp.path());
    opts.mode = Mode::Head;
    opts.config = ConfigChoice::Discover;
    opts.request = Request {
        select: vec![rule.to_string()],
        ..Request::default()
    };
    let report = engine::check(&opts).map_err(|e| format!("could not run: {e}"))?;
    let r = report.rule(rule).ok_or("rule missing from the report")?;
    if r.status != expected {
        let findings: Vec<String> = r
            .findings
            .iter()
            .map(|f| format!("{:?}:{:?} {}", f.path, f.line, f.message))
            .collect();
        return Err(format!(
            "expected {expected:?}, got {:?}: {} {findings:?}",
            r.status, r.message
        ));
    }
    Ok(())
}

#[test]
fn every_fixture_gives_the_status_its_name_promises() {
    let reg = Registry::builtin().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut all = Vec::new();
    for (id, rule) in &reg.rules {
        let Ok(entries) = std::fs::read_dir(root.join(id)) else {
            continue;
        };
        let mut entries: Vec<_> = entries
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_dir())
            .collect();
        entries.sort();
        all.extend(
            entries
                .into_iter()
                .map(|case| (id.clone(), rule.kind(), case)),
        );
    }
    let cases = all.len();
    // the cases are independent: spread them over the machine's cores
    let workers = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .min(8);
    let chunk = cases.div_ceil(workers).max(1);
    let mut failures: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = all
            .chunks(chunk)
            .map(|part| {
                s.spawn(move || {
                    part.iter()
                        .filter_map(|(id, kind, case)| {
                            run_case(id, kind, case).err().map(|e| {
                                format!("{id}/{}: {e}", case.file_name().unwrap().to_string_lossy())
                            })
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    failures.sort();
    println!("{cases} fixture cases run, {} failed", failures.len());
    assert!(
        failures.is_empty(),
        "{} of {cases} fixture cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(cases > 0);
}
