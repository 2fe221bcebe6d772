//! Helpers shared by the integration tests: turn a folder or a list of files into a real git
//! repository with a fixed author and date, so that results are reproducible.
#![allow(dead_code)] // each test binary uses a different subset

use std::path::{Path, PathBuf};

pub fn signature() -> git2::Signature<'static> {
    git2::Signature::new(
        "Test Author",
        "test.author@nhs.example",
        &git2::Time::new(1_767_225_600, 0),
    )
    .unwrap()
}

/// Write `files` (path, content) under `dir`.
pub fn write_files(dir: &Path, files: &[(&str, &[u8])]) {
    for (path, content) in files {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, content).unwrap();
    }
}

/// Copy a folder's files (recursively) into `dest`, leaving out the harness file `_fixture.toml`.
pub fn copy_tree(src: &Path, dest: &Path) {
    for entry in walk(src) {
        let rel = entry.strip_prefix(src).unwrap();
        if rel == Path::new("_fixture.toml") {
            continue;
        }
        let to = dest.join(rel);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(&entry, &to).unwrap();
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// `git init` and stage every file, ignored ones included (like `git add -f`).
pub fn init_and_stage(dir: &Path) -> git2::Repository {
    let repo = git2::Repository::init(dir).unwrap();
    {
        let mut index = repo.index().unwrap();
        index
            .add_all(["*"], git2::IndexAddOption::FORCE, None)
            .unwrap();
        index.write().unwrap();
    }
    repo
}

/// Replace `{{fake:DETECTOR}}` in every file under `dir` with a generated fake secret.
pub fn fill_fakes(dir: &Path, rng: &mut openready::scan::fake::Rng) -> Result<(), String> {
    for p in walk(dir) {
        let Ok(text) = std::fs::read_to_string(&p) else {
            continue;
        };
        if text.contains("{{fake:") {
            let filled = openready::scan::fake::fill(&text, rng)
                .map_err(|e| format!("{}: {e}", p.display()))?;
            std::fs::write(&p, filled).unwrap();
        }
    }
    Ok(())
}

/// Commit what is staged, on top of HEAD if there is one.
pub fn commit(repo: &git2::Repository, message: &str) -> git2::Oid {
    commit_as(repo, message, None)
}

/// Commit what is staged as the given author (name, email), or the test author.
pub fn commit_as(
    repo: &git2::Repository,
    message: &str,
    author: Option<(&str, &str)>,
) -> git2::Oid {
    let mut index = repo.index().unwrap();
    let tree_id = index.write_tree().unwrap();
    let tree = repo.find_tree(tree_id).unwrap();
    let sig = match author {
        Some((name, email)) => {
            git2::Signature::new(name, email, &git2::Time::new(1_767_225_600, 0)).unwrap()
        }
        None => signature(),
    };
    let parent = repo.head().ok().and_then(|h| h.peel_to_commit().ok());
    let parents: Vec<&git2::Commit> = parent.iter().collect();
    repo.commit(Some("HEAD"), &sig, &sig, message, &tree, &parents)
        .unwrap()
}

/// A repository holding one commit of everything in `dir`.
pub fn commit_all(dir: &Path) -> git2::Repository {
    let repo = init_and_stage(dir);
    commit(&repo, "Add files");
    repo
}
