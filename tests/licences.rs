//! The licence-identification corpus: every case of `fixtures/licence-corpus/` (real-world-shaped
//! licence files: formatting variants, NHS copyright lines, dual and compound licences, abridged and
//! link-only texts, proprietary and modified texts) with its expected result. The test prints the
//! score and fails on any miss; a wrong "approved" is reported first, as the worst error.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use openready::engine::{self, ConfigChoice, Options};
use openready::licence::TextKind;
use openready::policy::Request;
use openready::repo::Mode;
use openready::Status;

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Expected {
    #[allow(dead_code)] // documentation for people reading the case
    description: String,
    licences: Vec<String>,
    unrecognised: bool,
    approved: bool,
    full_text: bool,
    copyright_year: Option<String>,
    copyright_holder: Option<String>,
    copyright_valid: bool,
}

fn result(dir: &Path, rule: &str) -> (Status, openready::finding::Level) {
    let mut opts = Options::new(dir);
    opts.mode = Mode::Head;
    opts.config = ConfigChoice::None;
    opts.request = Request {
        select: vec![rule.into()],
        ..Request::default()
    };
    let report = engine::check(&opts).expect("check runs");
    let r = report.rule(rule).expect("rule ran");
    (r.status, r.level)
}

fn status(dir: &Path, rule: &str) -> Status {
    result(dir, rule).0
}

#[test]
fn the_licence_corpus_is_identified_correctly() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/licence-corpus");
    let mut cases: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(cases.len() >= 40, "the corpus has {} cases", cases.len());
    let mut wrong_approved = Vec::new();
    let mut misses = Vec::new();
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().to_string();
        let expected: Expected =
            toml::from_str(&std::fs::read_to_string(case.join("expected.toml")).unwrap())
                .unwrap_or_else(|e| panic!("{name}: {e}"));
        let tmp = tempfile::tempdir().unwrap();
        common::copy_tree(case, tmp.path());
        std::fs::remove_file(tmp.path().join("expected.toml")).unwrap();
        common::commit_all(tmp.path());

        let (_snap, facts) = engine::licence(tmp.path(), Mode::Head).unwrap();
        let mut problems = Vec::new();
        let found: BTreeSet<String> = facts.identified();
        let want: BTreeSet<String> = expected.licences.iter().cloned().collect();
        if found != want {
            problems.push(format!("licences {found:?}, expected {want:?}"));
        }
        let unrecognised = facts
            .files
            .iter()
            .any(|f| f.identification.kind == TextKind::Unrecognised);
        if unrecognised != expected.unrecognised {
            problems.push(format!(
                "unrecognised {unrecognised}, expected {}",
                expected.unrecognised
            ));
        }
        // every licence found is on the list: a pass, or (OGL alone for code) a failure at warning level
        let approved = match result(tmp.path(), "licence-approved") {
            (Status::Pass, _) => true,
            (Status::Fail, level) => level < openready::finding::Level::Error,
            _ => false,
        };
        if approved != expected.approved {
            let msg = format!(
                "{name}: approved {approved}, expected {}",
                expected.approved
            );
            if approved {
                wrong_approved.push(msg.clone());
            }
            problems.push(msg);
        }
        let full = status(tmp.path(), "licence-full-text") == Status::Pass;
        if full != expected.full_text {
            problems.push(format!("full text {full}, expected {}", expected.full_text));
        }
        let valid: Vec<_> = facts.copyright.iter().filter(|n| n.is_valid()).collect();
        if valid.is_empty() == expected.copyright_valid {
            problems.push(format!(
                "copyright valid {}, expected {}: {:?}",
                !valid.is_empty(),
                expected.copyright_valid,
                facts.copyright
            ));
        }
        if let (Some(year), Some(holder)) = (&expected.copyright_year, &expected.copyright_holder) {
            let hit = facts
                .copyright
                .iter()
                .any(|n| n.years.as_ref() == Some(year) && n.holder.as_ref() == Some(holder));
            if !hit {
                problems.push(format!(
                    "no notice with {year} / {holder}: {:?}",
                    facts
                        .copyright
                        .iter()
                        .map(|n| (&n.years, &n.holder))
                        .collect::<Vec<_>>()
                ));
            }
        }
        if !problems.is_empty() {
            misses.push(format!("{name}: {}", problems.join("; ")));
        }
    }
    let right = cases.len() - misses.len();
    println!("licence corpus: {right} of {} cases right", cases.len());
    assert!(
        wrong_approved.is_empty(),
        "WRONG APPROVED VERDICTS:\n{}",
        wrong_approved.join("\n")
    );
    assert!(
        misses.is_empty(),
        "{right} of {} right; misses:\n{}",
        cases.len(),
        misses.join("\n")
    );
}
