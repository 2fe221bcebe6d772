//! The command line end to end: exit codes, the scopes (HEAD, staged, work tree, no commits yet,
//! plain directory, bare repository), config errors with positions, and snapshots of the reports.

mod common;

use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;

fn openready(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("openready").unwrap();
    c.current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("OPENREADY_POLICY");
    c
}

const README: &[u8] = b"# Demo\n\nDemo is a small tool that helps NHS analysts tidy spreadsheets of synthetic data before they share\nthem with colleagues, and shows how we publish code in the open.\n\n## Contact\n\nEmail demo-team@nhs.example.uk\n";

fn repo_with(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    common::write_files(tmp.path(), files);
    common::commit_all(tmp.path());
    tmp
}

#[test]
fn exit_codes_pass_fail_and_cannot_check() {
    let ok = repo_with(&[("README.md", README)]);
    openready(ok.path())
        .args(["check", "--select", "readme-file,readme-purpose"])
        .assert()
        .code(0);
    let bad = repo_with(&[("notes.txt", b"x")]);
    openready(bad.path())
        .args(["check", "--select", "readme-file"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("readme-file"));
    // a warning fails only with --fail-on warning
    openready(bad.path())
        .args(["check", "--select", "gitignore"])
        .assert()
        .code(0);
    openready(bad.path())
        .args(["check", "--select", "gitignore", "--fail-on", "warning"])
        .assert()
        .code(1);
    openready(bad.path())
        .args(["check", "--select", "readme-file", "--fail-on", "never"])
        .assert()
        .code(0);
    // cannot check: not a directory, bad arguments, unknown rule or policy
    openready(bad.path())
        .args(["check", "notes.txt"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a directory"));
    openready(bad.path())
        .args(["check", "--frobnicate"])
        .assert()
        .code(2);
    openready(bad.path())
        .args(["check", "--select", "readme-fil"])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("unknown rule id `readme-fil`")
                .and(predicate::str::contains("did you mean `readme-file`")),
        );
    openready(bad.path())
        .args(["check", "--policy", "nope"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown policy"));
}

#[test]
fn head_staged_and_worktree_see_different_trees() {
    let tmp = repo_with(&[("notes.txt", b"x")]);
    // an uncommitted, untracked log file counts only in the work tree
    std::fs::write(tmp.path().join("app.log"), "started\n").unwrap();
    let sel = [
        "check",
        "--select",
        "no-log-files",
        "--fail-on",
        "warning",
        "--format",
        "json",
    ];
    openready(tmp.path())
        .args(sel)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("\"scope\": \"head\""));
    openready(tmp.path())
        .args(sel)
        .arg("--staged")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("\"scope\": \"staged\""));
    openready(tmp.path())
        .args(sel)
        .arg("--worktree")
        .assert()
        .code(1)
        .stdout(predicate::str::contains("\"scope\": \"worktree\""));
    // once staged, the index has it but HEAD still does not
    let repo = git2::Repository::open(tmp.path()).unwrap();
    let mut index = repo.index().unwrap();
    index.add_path(Path::new("app.log")).unwrap();
    index.write().unwrap();
    openready(tmp.path())
        .args(sel)
        .arg("--staged")
        .assert()
        .code(1);
    openready(tmp.path()).args(sel).assert().code(0);
    // --staged judges the commit: a repository-wide rule does not apply to it
    openready(tmp.path())
        .args([
            "check",
            "--select",
            "readme-file",
            "--staged",
            "--format",
            "json",
        ])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("\"status\": \"not-applicable\""));
    std::fs::remove_file(tmp.path().join("app.log")).unwrap();
    let mut index = repo.index().unwrap();
    index.remove_path(Path::new("app.log")).unwrap();
    index.write().unwrap();
    // a file deleted from the work tree is gone from --worktree but not from HEAD
    std::fs::remove_file(tmp.path().join("notes.txt")).unwrap();
    let out = openready(tmp.path())
        .args([
            "check",
            "--select",
            "no-log-files",
            "--worktree",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
}

#[test]
fn ignored_untracked_files_are_not_in_the_worktree_scope() {
    let tmp = repo_with(&[(".gitignore", b"*.log\n"), ("README.md", README)]);
    std::fs::write(tmp.path().join("debug.log"), "x").unwrap();
    std::fs::write(tmp.path().join("new.log.txt"), "x").unwrap();
    openready(tmp.path())
        .args(["check", "--select", "no-log-files", "--worktree"])
        .assert()
        .code(0);
}

#[test]
fn a_repository_with_no_commits_is_checked_on_its_index() {
    let tmp = tempfile::tempdir().unwrap();
    common::write_files(tmp.path(), &[("README.md", README)]);
    common::init_and_stage(tmp.path());
    openready(tmp.path())
        .args(["check", "--select", "readme-file", "--format", "json"])
        .assert()
        .code(0)
        .stdout(
            predicate::str::contains("\"scope\": \"index\"")
                .and(predicate::str::contains("no commits yet")),
        );
    openready(tmp.path())
        .args(["check", "--select", "readme-file"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("no commits yet"));
}

#[test]
fn a_plain_directory_is_walked_honouring_gitignore() {
    let tmp = tempfile::tempdir().unwrap();
    common::write_files(
        tmp.path(),
        &[
            (".gitignore", b"*.log\n"),
            ("README.md", README),
            ("app.log", b"x"),
            ("sub/keep.log.txt", b"x"),
        ],
    );
    openready(tmp.path())
        .args([
            "check",
            "--select",
            "no-log-files,tracked-but-ignored,remote-org-hosted,readme-file",
            "--format",
            "json",
        ])
        .assert()
        .code(0)
        .stdout(
            predicate::str::contains("\"scope\": \"directory\"")
                .and(predicate::str::contains("\"not-applicable\": 2")),
        );
    std::fs::write(tmp.path().join(".gitignore"), "").unwrap();
    openready(tmp.path())
        .args(["check", "--select", "no-log-files", "--fail-on", "warning"])
        .assert()
        .code(1);
}

#[test]
fn a_bare_repository_is_checked_on_head() {
    let src = repo_with(&[("README.md", README)]);
    let bare = tempfile::tempdir().unwrap();
    git2::build::RepoBuilder::new()
        .bare(true)
        .clone(src.path().to_str().unwrap(), &bare.path().join("b.git"))
        .unwrap();
    let b = bare.path().join("b.git");
    openready(&b)
        .args(["check", "--select", "readme-file", "--format", "json"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("\"scope\": \"head\""));
    openready(&b)
        .args(["check", "--staged"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bare repository"));
}

#[test]
fn config_problems_are_all_reported_with_positions() {
    let tmp = repo_with(&[("README.md", README)]);
    std::fs::write(
        tmp.path().join(".openready.toml"),
        "[rule.no-large-files]\nmax-sise = \"1 MiB\"\n\n[rule.no-such-rule]\nlevel = \"error\"\n\n[rule.gitignore]\nlevel = \"loud\"\n\n[[exemption]]\nrule = \"no-data-files\"\nreason = \"\"\n",
    )
    .unwrap();
    let assert = openready(tmp.path()).arg("check").assert().code(2);
    let err = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    for want in [
        ".openready.toml:2:1",
        "max-sise",
        ".openready.toml:4:7",
        "unknown rule id `no-such-rule`",
        ".openready.toml:8:9",
        ".openready.toml:12:10",
        "4 problems",
    ] {
        assert!(err.contains(want), "missing {want:?} in:\n{err}");
    }
    // a syntax error names its line too
    std::fs::write(
        tmp.path().join(".openready.toml"),
        "policy = \"nhs\"\nexclude = [\"a\"\n",
    )
    .unwrap();
    openready(tmp.path())
        .arg("check")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(".openready.toml:2:"));
    // --no-config ignores it
    openready(tmp.path())
        .args(["check", "--no-config", "--select", "readme-file"])
        .assert()
        .code(0);
}

#[test]
fn own_rule_files_are_validated_like_built_in_ones() {
    let tmp = repo_with(&[("README.md", README)]);
    let rules = tmp.path().join("policy");
    std::fs::create_dir(&rules).unwrap();
    let good = "id = \"no-todo\"\ntitle = \"No TODO file\"\nlevel = \"error\"\nfix = \"Remove it.\"\ndescription = \"\"\"\n## What it checks\nx\n## Why it matters\ny\n## How to fix\nz\n\"\"\"\n[check.file-absent]\nglobs = [\"TODO\"]\n";
    std::fs::write(rules.join("no-todo.toml"), good).unwrap();
    std::fs::write(tmp.path().join(".openready.toml"), "rules = [\"policy\"]\n").unwrap();
    openready(tmp.path())
        .args(["check", "--select", "no-todo"])
        .assert()
        .code(0);
    std::fs::write(tmp.path().join("TODO"), "x").unwrap();
    openready(tmp.path())
        .args(["check", "--select", "no-todo", "--worktree"])
        .assert()
        .code(1);
    // an invalid regex is reported at its line and column
    std::fs::write(
        rules.join("no-todo.toml"),
        good.replace(
            "[check.file-absent]\nglobs = [\"TODO\"]",
            "[check.file-lacks]\npatterns = [{ pattern = '(TODO' }]",
        ),
    )
    .unwrap();
    openready(tmp.path())
        .args(["check"])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("no-todo.toml:14:")
                .and(predicate::str::contains("invalid regex")),
        );
}

#[test]
fn exemptions_and_attestations_show_in_the_report() {
    let tmp = repo_with(&[("README.md", README), ("data/patients.csv", &[b'x'; 2048])]);
    openready(tmp.path())
        .args(["check", "--select", "no-data-files", "--fail-on", "warning"])
        .assert()
        .code(1);
    std::fs::write(
        tmp.path().join(".openready.toml"),
        "[[exemption]]\nrule = \"no-data-files\"\npaths = [\"data/\"]\nreason = \"synthetic rows made by make_data.py\"\n\n[[attestation]]\nrule = \"attest-code-review\"\nby = \"A. Reviewer\"\ndate = 2026-11-02\nnote = \"PR 12\"\n",
    )
    .unwrap();
    openready(tmp.path())
        .args([
            "check",
            "--select",
            "no-data-files,attest-code-review,attest-category",
            "--fail-on",
            "warning",
        ])
        .assert()
        .code(0)
        .stdout(
            predicate::str::contains("Exempted (1)")
                .and(predicate::str::contains(
                    "synthetic rows made by make_data.py",
                ))
                .and(predicate::str::contains("A. Reviewer, 2026-11-02: PR 12"))
                .and(predicate::str::contains("? attest-category")),
        );
}

#[test]
fn output_file_gets_the_report_and_the_terminal_a_summary() {
    let tmp = repo_with(&[("README.md", README)]);
    let out = tmp.path().join("report.json");
    openready(tmp.path())
        .args([
            "check",
            "--select",
            "readme-file",
            "--format",
            "json",
            "--output",
        ])
        .arg(&out)
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with("PASS").and(predicate::str::contains("report.json")));
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(v["schema"], "openready/report/v1");
    assert_eq!(v["result"], "pass");
}

#[test]
fn rules_explain_and_policies() {
    let tmp = tempfile::tempdir().unwrap();
    openready(tmp.path())
        .arg("rules")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("readme-contact").and(predicate::str::contains("error")));
    openready(tmp.path())
        .args(["explain", "security-policy"])
        .assert()
        .code(0)
        .stdout(
            predicate::str::contains("## What it checks")
                .and(predicate::str::contains("Sources:"))
                .and(predicate::str::contains("https://")),
        );
    openready(tmp.path())
        .args(["explain", "nope"])
        .assert()
        .code(2);
    openready(tmp.path())
        .arg("policies")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("nhs (default)").and(predicate::str::contains("rap")));
    openready(tmp.path())
        .args(["rules", "--policy", "rap"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "no-data-files                      error",
        ));
}

/// A repository that exercises every report section: failures at each level, a pass, a manual item,
/// an attestation, an exemption and a not-applicable rule.
fn sample_repo() -> tempfile::TempDir {
    repo_with(&[
        ("README.md", b"# Sample\n\nNo longer maintained.\n"),
        ("app.log", b"started\n"),
        ("data/big.csv", &[b'x'; 2048]),
        ("analysis.ipynb", br#"{"cells":[{"cell_type":"code","execution_count":2,"metadata":{},"outputs":[{"output_type":"stream","name":"stdout","text":["4"]}],"source":["2+2"]}],"metadata":{},"nbformat":4,"nbformat_minor":5}"#),
        (
            ".openready.toml",
            b"[[exemption]]\nrule = \"no-data-files\"\npaths = [\"data/\"]\nreason = \"synthetic\"\n\n[[attestation]]\nrule = \"attest-code-review\"\nby = \"A. Reviewer\"\ndate = \"2026-11-02\"\nnote = \"PR 12\"\n",
        ),
    ])
}

const SAMPLE_RULES: &str = "readme-file,readme-status,readme-contact,no-log-files,no-data-files,notebook-outputs,attest-code-review,attest-category,remote-org-hosted,changelog";

#[test]
fn json_report_snapshot() {
    let tmp = sample_repo();
    let out = openready(tmp.path())
        .args(["check", "--select", SAMPLE_RULES, "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    let version = env!("CARGO_PKG_VERSION");
    insta::assert_snapshot!(text.replace(version, "[VERSION]"));
}

#[test]
fn human_report_snapshot() {
    let tmp = sample_repo();
    let out = openready(tmp.path())
        .args(["check", "--select", SAMPLE_RULES])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    insta::assert_snapshot!(text.replace(env!("CARGO_PKG_VERSION"), "[VERSION]"));
}

#[test]
fn a_folder_inside_a_repository_checks_the_repository_and_says_so() {
    let tmp = repo_with(&[("README.md", README), ("src/lib.rs", b"")]);
    openready(&tmp.path().join("src"))
        .args(["check", "--select", "readme-file", "--format", "json"])
        .assert()
        .code(0)
        .stdout(
            predicate::str::contains("\"scope\": \"head\"")
                .and(predicate::str::contains("is inside a repository")),
        );
    let plain = tempfile::tempdir().unwrap();
    openready(plain.path())
        .args(["check", "--staged"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a git repository"));
}

#[test]
fn overrides_of_rules_that_do_not_run_are_still_validated() {
    let tmp = repo_with(&[("README.md", README)]);
    std::fs::write(
        tmp.path().join(".openready.toml"),
        "[rule.no-large-files]\nlevel = \"off\"\nmax-sise = 1\n",
    )
    .unwrap();
    openready(tmp.path())
        .args(["check", "--select", "readme-file"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(".openready.toml:3:1"));
}

#[test]
fn an_exemption_that_matches_nothing_is_reported() {
    let tmp = repo_with(&[("README.md", README)]);
    std::fs::write(tmp.path().join(".openready.toml"), "[[exemption]]\nrule = \"no-log-files\"\npaths = [\"logs/\"]\nreason = \"old sample logs\"\n").unwrap();
    openready(tmp.path())
        .args(["check", "--select", "no-log-files"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("warning: the exemption of no-log-files for logs/ (\"old sample logs\") matched nothing"));
}

#[test]
fn a_policy_file_extends_a_built_in_policy() {
    let tmp = repo_with(&[("README.md", README)]);
    std::fs::write(
        tmp.path().join("team-policy.toml"),
        "name = \"team\"\ntitle = \"Our team\"\ndescription = \"nhs, stricter on changelogs\"\nextends = \"nhs\"\nremove = [\"remote-org-hosted\"]\n\n[rule.changelog]\nlevel = \"error\"\n",
    )
    .unwrap();
    openready(tmp.path())
        .args([
            "check",
            "--policy",
            "team-policy.toml",
            "--select",
            "changelog",
            "--format",
            "json",
        ])
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains("\"name\": \"team\"")
                .and(predicate::str::contains("\"level\": \"error\"")),
        );
    openready(tmp.path())
        .args(["rules", "--policy", "team-policy.toml"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("remote-org-hosted").not());
}

/// Sizes come from the work tree only when git itself would call the file unmodified; otherwise the
/// committed blob's size is what counts (enough files to take the fast path).
#[test]
fn large_file_sizes_are_those_of_the_commit_not_the_disk() {
    let mut files: Vec<(String, Vec<u8>)> = (0..80)
        .map(|i| (format!("src/f{i}.txt"), b"x".to_vec()))
        .collect();
    files.push(("big.bin".into(), vec![b'x'; 3000]));
    files.push(("grows.bin".into(), b"small".to_vec()));
    files.push((
        ".openready.toml".into(),
        b"[rule.no-large-files]\nmax-size = \"2 KiB\"\n".to_vec(),
    ));
    let refs: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(p, c)| (p.as_str(), c.as_slice()))
        .collect();
    let tmp = repo_with(&refs);
    let run = || {
        let out = openready(tmp.path())
            .args(["check", "--select", "no-large-files", "--format", "json"])
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    let first = run();
    assert!(
        first.contains("\"path\": \"big.bin\"") && !first.contains("grows.bin"),
        "{first}"
    );
    // shrink the committed big file and grow the small one on disk, without committing
    std::fs::write(tmp.path().join("big.bin"), "now small").unwrap();
    std::fs::write(tmp.path().join("grows.bin"), vec![b'y'; 5000]).unwrap();
    let second = run();
    assert!(
        second.contains("\"path\": \"big.bin\"") && !second.contains("grows.bin"),
        "{second}"
    );
    // the work tree scope sees the disk
    let out = openready(tmp.path())
        .args([
            "check",
            "--worktree",
            "--select",
            "no-large-files",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let wt = String::from_utf8(out.stdout).unwrap();
    assert!(
        wt.contains("\"path\": \"grows.bin\"") && !wt.contains("\"path\": \"big.bin\""),
        "{wt}"
    );
}

#[test]
fn a_baseline_accepts_known_findings_and_reports_what_is_new_or_gone() {
    let mut rng = openready::scan::fake::Rng::new(11);
    let token = openready::scan::fake::secret_for("github-pat-classic", &mut rng).unwrap();
    let settings = format!("TOKEN = \"{token}\"\n");
    let tmp = repo_with(&[("settings.py", settings.as_bytes())]);
    let sel = ["check", "--select", "no-secrets", "--format", "json"];
    openready(tmp.path()).args(sel).assert().code(1);
    openready(tmp.path())
        .args(["baseline", "--select", "no-secrets"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("1 finding recorded"));
    let baseline = std::fs::read_to_string(tmp.path().join(".openready-baseline.json")).unwrap();
    assert!(
        !baseline.contains(&token),
        "the baseline never holds the secret"
    );
    openready(tmp.path())
        .args(sel)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("\"kind\": \"baseline\""));
    // an invalid baseline is bad input: exit 2, naming the file and the place
    std::fs::write(
        tmp.path().join("bad.json"),
        "{\"version\": 1, \"findings\": [{\"rule\": 3}]}",
    )
    .unwrap();
    openready(tmp.path())
        .args(sel)
        .args(["--baseline", "bad.json"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad.json:1:"));
}
