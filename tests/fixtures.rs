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
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Harness {
    remote: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
    status: Option<String>,
    scope: Option<String>,
    /// Run with --history.
    #[serde(default)]
    history: bool,
    /// The first commit's message.
    first_message: Option<String>,
    /// Commits made after the first, in order.
    #[serde(default)]
    commits: Vec<ExtraCommit>,
    /// Files deleted in a last commit (their content then lives only in history).
    #[serde(default)]
    delete: Vec<String>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ExtraCommit {
    message: String,
    /// `Name <email>`
    author: Option<String>,
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
    // `{{fake:DETECTOR}}` placeholders become fake secrets now, so none is ever committed here
    let mut rng = openready::scan::fake::Rng::new(case.len() as u64 * 7919);
    common::fill_fakes(tmp.path(), &mut rng)?;
    if harness.scope.as_deref() != Some("plain") {
        let repo = common::init_and_stage(tmp.path());
        let first = harness
            .first_message
            .as_deref()
            .unwrap_or("Add the fixture");
        common::commit(&repo, &openready::scan::fake::fill(first, &mut rng)?);
        for (i, c) in harness.commits.iter().enumerate() {
            let message = openready::scan::fake::fill(&c.message, &mut rng)?;
            let file = tmp.path().join(".fixture-log");
            let old = std::fs::read_to_string(&file).unwrap_or_default();
            std::fs::write(&file, format!("{old}{i}\n")).unwrap();
            let mut index = repo.index().unwrap();
            index.add_path(Path::new(".fixture-log")).unwrap();
            index.write().unwrap();
            let author = c.author.as_deref().map(|a| {
                let (name, email) = a.split_once('<').unwrap_or((a, "fixture@example.nhs.uk>"));
                (
                    name.trim().to_string(),
                    email.trim_end_matches('>').to_string(),
                )
            });
            common::commit_as(
                &repo,
                &message,
                author.as_ref().map(|(n, e)| (n.as_str(), e.as_str())),
            );
        }
        if !harness.delete.is_empty() {
            let mut index = repo.index().unwrap();
            for d in &harness.delete {
                index.remove_path(Path::new(d)).unwrap();
                let _ = std::fs::remove_file(tmp.path().join(d));
            }
            index.write().unwrap();
            common::commit(&repo, "Remove files");
        }
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
    if harness.history {
        opts.history = Some(engine::HistoryRange::default());
    }
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
