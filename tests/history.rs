//! `check --history`: a secret anywhere in history is found once, naming the commit that introduced
//! it, whether it was deleted later, lives only on a side branch or a tag, came in through a merge,
//! was renamed, or sits in a commit message. Secrets are generated here, never stored.

mod common;

use std::path::Path;

use openready::engine::{self, HistoryRange, Options};
use openready::policy::Request;
use openready::scan::fake::{self, Rng};
use openready::{Report, Status};

fn token(seed: u64) -> String {
    fake::secret_for("github-pat-classic", &mut Rng::new(seed))
        .expect("the github-pat detector exists")
}

fn write(dir: &Path, path: &str, text: &str) {
    common::write_files(dir, &[(path, text.as_bytes())]);
}

fn stage_all(repo: &git2::Repository) {
    let mut index = repo.index().unwrap();
    index
        .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
        .unwrap();
    index.update_all(["*"], None).unwrap();
    index.write().unwrap();
}

fn check(dir: &Path, rules: &[&str], history: bool) -> Report {
    let mut opts = Options::new(dir);
    opts.config = engine::ConfigChoice::None;
    opts.request = Request {
        select: rules.iter().map(|s| s.to_string()).collect(),
        ..Request::default()
    };
    if history {
        opts.history = Some(HistoryRange::default());
    }
    engine::check(&opts).unwrap()
}

/// A repository with a README, then `steps` applied, each followed by a commit.
fn repo_with(dir: &Path) -> git2::Repository {
    write(dir, "README.md", "# Demo\n");
    let repo = common::init_and_stage(dir);
    common::commit(&repo, "Add the README");
    repo
}

fn secret_findings(r: &Report) -> Vec<&openready::finding::Finding> {
    r.rule("no-secrets")
        .unwrap()
        .findings
        .iter()
        .filter(|f| f.message.contains("GitHub"))
        .collect()
}

#[test]
fn a_secret_added_then_deleted_is_found_in_history_with_its_commit() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = repo_with(tmp.path());
    let t = token(1);
    write(tmp.path(), "config.py", &format!("TOKEN = \"{t}\"\n"));
    stage_all(&repo);
    let added = common::commit(&repo, "Add the config");
    std::fs::remove_file(tmp.path().join("config.py")).unwrap();
    stage_all(&repo);
    common::commit(&repo, "Remove the config");

    let tree = check(tmp.path(), &["no-secrets"], false);
    assert_eq!(tree.rule("no-secrets").unwrap().status, Status::Pass);
    let hist = check(tmp.path(), &["no-secrets"], true);
    let found = secret_findings(&hist);
    assert_eq!(found.len(), 1, "{found:?}");
    let f = found[0];
    assert_eq!(f.path.as_deref(), Some("config.py"));
    assert_eq!(f.line, Some(1));
    assert_eq!(f.commit.as_ref().unwrap().sha, added.to_string());
    // redacted in every output
    let json = serde_json::to_string(&hist).unwrap();
    assert!(!json.contains(&t), "the secret leaked into the JSON report");
    assert!(!openready::report::human::render(&hist, false).contains(&t));
}

#[test]
fn secrets_only_on_a_side_branch_or_a_tag_are_found() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = repo_with(tmp.path());
    let main = repo.head().unwrap().peel_to_commit().unwrap();
    // a side branch with a secret, never merged
    let (t1, t2) = (token(2), token(3));
    let sig = common::signature();
    write(tmp.path(), "side.env", &format!("GH={t1}\n"));
    stage_all(&repo);
    let tree = repo
        .find_tree(repo.index().unwrap().write_tree().unwrap())
        .unwrap();
    let side = repo
        .commit(None, &sig, &sig, "Side work", &tree, &[&main])
        .unwrap();
    repo.branch("side", &repo.find_commit(side).unwrap(), false)
        .unwrap();
    // a commit reachable only from a tag
    std::fs::remove_file(tmp.path().join("side.env")).unwrap();
    write(tmp.path(), "tagged.txt", &format!("token {t2}\n"));
    stage_all(&repo);
    let tree = repo
        .find_tree(repo.index().unwrap().write_tree().unwrap())
        .unwrap();
    let tagged = repo
        .commit(None, &sig, &sig, "Tagged work", &tree, &[&main])
        .unwrap();
    repo.tag(
        "v0.1.0",
        &repo.find_object(tagged, None).unwrap(),
        &sig,
        "A release",
        false,
    )
    .unwrap();
    // the work tree and index back to main
    repo.reset(main.as_object(), git2::ResetType::Hard, None)
        .unwrap();

    let hist = check(tmp.path(), &["no-secrets"], true);
    let paths: Vec<_> = secret_findings(&hist)
        .iter()
        .map(|f| f.path.clone().unwrap())
        .collect();
    assert!(paths.contains(&"side.env".to_string()), "{paths:?}");
    assert!(paths.contains(&"tagged.txt".to_string()), "{paths:?}");
}

#[test]
fn a_secret_in_a_merge_and_a_rename_is_one_finding_with_its_first_commit() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = repo_with(tmp.path());
    let base = repo.head().unwrap().peel_to_commit().unwrap();
    let t = token(4);
    let sig = common::signature();
    // feature branch adds the secret
    write(
        tmp.path(),
        "app/settings.py",
        &format!("GITHUB_TOKEN = '{t}'\n"),
    );
    stage_all(&repo);
    let tree = repo
        .find_tree(repo.index().unwrap().write_tree().unwrap())
        .unwrap();
    let feature = repo
        .commit(None, &sig, &sig, "Add settings", &tree, &[&base])
        .unwrap();
    // merged into main with a merge commit
    let merge = repo
        .commit(
            Some("HEAD"),
            &sig,
            &sig,
            "Merge feature",
            &tree,
            &[&base, &repo.find_commit(feature).unwrap()],
        )
        .unwrap();
    // then renamed
    std::fs::create_dir_all(tmp.path().join("config")).unwrap();
    std::fs::rename(
        tmp.path().join("app/settings.py"),
        tmp.path().join("config/settings.py"),
    )
    .unwrap();
    stage_all(&repo);
    common::commit(&repo, "Move settings");
    let _ = merge;

    let hist = check(tmp.path(), &["no-secrets"], true);
    let found = secret_findings(&hist);
    assert_eq!(found.len(), 1, "one secret, one finding: {found:?}");
    let c = found[0].commit.as_ref().unwrap();
    assert_eq!(
        c.sha,
        feature.to_string(),
        "first appeared in the feature commit"
    );
    assert_eq!(found[0].path.as_deref(), Some("app/settings.py"));
    // the tree check finds it too, at its new path
    let tree = check(tmp.path(), &["no-secrets"], false);
    assert_eq!(
        secret_findings(&tree)[0].path.as_deref(),
        Some("config/settings.py")
    );
}

#[test]
fn a_secret_in_a_commit_message_is_found() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = repo_with(tmp.path());
    let t = token(5);
    write(tmp.path(), "notes.md", "Notes\n");
    stage_all(&repo);
    common::commit(&repo, &format!("Add notes\n\nused token {t} to test\n"));
    let hist = check(tmp.path(), &["commit-message-content"], true);
    let r = hist.rule("commit-message-content").unwrap();
    assert_eq!(r.status, Status::Fail, "{}", r.message);
    assert!(r.findings[0].message.contains("GitHub"), "{:?}", r.findings);
    assert!(!r.findings[0].message.contains(&t));
    // without --history the commit rules do not apply
    let tree = check(tmp.path(), &["commit-message-content"], false);
    assert_eq!(
        tree.rule("commit-message-content").unwrap().status,
        Status::NotApplicable
    );
}

#[test]
fn since_limits_history_to_later_commits() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = repo_with(tmp.path());
    write(tmp.path(), "old.py", &format!("TOKEN = \"{}\"\n", token(6)));
    stage_all(&repo);
    let old = common::commit(&repo, "Old secret");
    write(tmp.path(), "new.py", &format!("TOKEN = \"{}\"\n", token(7)));
    stage_all(&repo);
    common::commit(&repo, "New secret");
    let mut opts = Options::new(tmp.path());
    opts.config = engine::ConfigChoice::None;
    opts.request = Request {
        select: vec!["no-secrets".into()],
        ..Request::default()
    };
    opts.history = Some(HistoryRange {
        since: Some(old.to_string()),
    });
    let r = engine::check(&opts).unwrap();
    let paths: Vec<_> = secret_findings(&r)
        .iter()
        .map(|f| f.path.clone().unwrap())
        .collect();
    assert_eq!(paths, ["new.py"]);
}
