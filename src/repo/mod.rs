//! The only module that reads the repository being checked: git objects, the index, the work tree,
//! remotes and tags, or the files of a plain directory.
//!
//! [`open`] finds out what the path is (a work tree, a bare repository, a repository with no commits,
//! a plain directory), reads the config file that belongs to it, and builds a [`Snapshot`]: the list of
//! files in the scope being checked, with their contents loaded on demand and cached. Checks see only
//! the snapshot, so they cannot tell (and need not care) whether a file came from a commit, the index
//! or the disk. Keeping git behind this one module is what lets the backend change later.

mod gitignore;
pub mod history;
mod pack;
mod packwalk;
mod snapshot;

pub use gitignore::IgnoreRules;
pub use snapshot::{is_binary, File, Snapshot};

use std::path::{Path, PathBuf};

use crate::checks::params::Globs;

/// What the user asked to check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// The tree of the HEAD commit: what would be published.
    Head,
    /// The index: what the next commit will contain.
    Staged,
    /// Tracked and untracked-but-not-ignored files, as they are on disk.
    Worktree,
}

/// What was actually checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScopeKind {
    Head,
    Staged,
    Worktree,
    /// The index of a repository that has no commits yet.
    Index,
    /// A plain directory, walked honouring .gitignore.
    Directory,
}

impl ScopeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ScopeKind::Head => "head",
            ScopeKind::Staged => "staged",
            ScopeKind::Worktree => "worktree",
            ScopeKind::Index => "index",
            ScopeKind::Directory => "directory",
        }
    }
}

/// Why a target could not be opened (exit code 2).
#[derive(Debug)]
pub struct OpenError(pub String);

impl std::fmt::Display for OpenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for OpenError {}

/// An opened target, before the snapshot is taken.
pub struct Target {
    pub root: PathBuf,
    inner: TargetKind,
    mode: Mode,
    /// Said in the report when the target is not exactly the path given.
    note: Option<String>,
}

enum TargetKind {
    Git(git2::Repository),
    Directory,
}

/// Name of the config file discovered at the repository root.
pub const CONFIG_FILE: &str = ".openready.toml";

/// Open the repository (or plain directory) at `path`.
pub fn open(path: &Path, mode: Mode) -> Result<Target, OpenError> {
    let meta =
        std::fs::metadata(path).map_err(|e| OpenError(format!("{}: {e}", path.display())))?;
    if !meta.is_dir() {
        return Err(OpenError(format!("{}: not a directory", path.display())));
    }
    let root = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    // Only the path itself: a folder inside some other repository is checked as that folder.
    let flags = git2::RepositoryOpenFlags::NO_SEARCH;
    match git2::Repository::open_ext(&root, flags, std::iter::empty::<&std::ffi::OsStr>()) {
        Ok(repo) => {
            if repo.is_bare() && mode != Mode::Head {
                let what = if mode == Mode::Staged {
                    "--staged"
                } else {
                    "--worktree"
                };
                return Err(OpenError(format!(
                    "{}: a bare repository has no index or work tree, so {what} cannot be checked",
                    root.display()
                )));
            }
            Ok(Target {
                root,
                inner: TargetKind::Git(repo),
                mode,
                note: None,
            })
        }
        Err(e) if e.code() == git2::ErrorCode::NotFound => {
            // a folder inside a work tree: check that repository, and say so
            if let Ok(repo) = git2::Repository::discover(&root) {
                if let Some(top) = repo.workdir().and_then(|w| w.canonicalize().ok()) {
                    if root.starts_with(&top) && top != root {
                        let note = Some(format!(
                            "{} is inside a repository: the repository at {} was checked",
                            path.display(),
                            top.display()
                        ));
                        return Ok(Target {
                            root: top,
                            inner: TargetKind::Git(repo),
                            mode,
                            note,
                        });
                    }
                }
            }
            if mode != Mode::Head {
                let flag = if mode == Mode::Staged {
                    "--staged"
                } else {
                    "--worktree"
                };
                return Err(OpenError(format!(
                    "{}: not a git repository, so {flag} does not apply",
                    root.display()
                )));
            }
            Ok(Target {
                root,
                inner: TargetKind::Directory,
                mode,
                note: None,
            })
        }
        Err(e) => Err(OpenError(format!(
            "{}: cannot open the git repository: {}",
            root.display(),
            e.message()
        ))),
    }
}

impl Target {
    pub fn is_git(&self) -> bool {
        matches!(self.inner, TargetKind::Git(_))
    }

    /// The repository's own config file: from disk where there is a work tree, from HEAD in a bare
    /// repository. `Ok(None)` when there is none.
    pub fn config_file(&self) -> Result<Option<(PathBuf, String)>, OpenError> {
        match &self.inner {
            TargetKind::Git(repo) if repo.is_bare() => {
                let Ok(tree) = repo.head().and_then(|h| h.peel_to_tree()) else {
                    return Ok(None);
                };
                let Ok(entry) = tree.get_path(Path::new(CONFIG_FILE)) else {
                    return Ok(None);
                };
                let blob = repo
                    .find_blob(entry.id())
                    .map_err(|e| OpenError(format!("{CONFIG_FILE} in HEAD: {}", e.message())))?;
                let text = String::from_utf8(blob.content().to_vec())
                    .map_err(|_| OpenError(format!("{CONFIG_FILE} in HEAD is not UTF-8")))?;
                Ok(Some((PathBuf::from(CONFIG_FILE), text)))
            }
            _ => {
                let path = self.root.join(CONFIG_FILE);
                match std::fs::read(&path) {
                    Ok(bytes) => String::from_utf8(bytes)
                        .map(|t| Some((path.clone(), t)))
                        .map_err(|_| OpenError(format!("{}: not UTF-8", path.display()))),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                    Err(e) => Err(OpenError(format!("{}: {e}", path.display()))),
                }
            }
        }
    }

    /// Read a rule directory named by the config or `--rules` (always from disk).
    pub fn read_rule_dir(dir: &Path) -> Result<Vec<(PathBuf, String)>, OpenError> {
        let entries =
            std::fs::read_dir(dir).map_err(|e| OpenError(format!("{}: {e}", dir.display())))?;
        let mut out = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| OpenError(format!("{}: {e}", dir.display())))?;
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "toml") && path.is_file() {
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| OpenError(format!("{}: {e}", path.display())))?;
                out.push((path, text));
            }
        }
        out.sort();
        Ok(out)
    }

    /// Take the snapshot of the requested scope, leaving out `exclude`d paths.
    pub fn snapshot(self, exclude: &Globs) -> Result<Snapshot, OpenError> {
        let mut snap = match self.inner {
            TargetKind::Git(repo) => snapshot::from_git(self.root, repo, self.mode, exclude)?,
            TargetKind::Directory => snapshot::from_directory(self.root, exclude)?,
        };
        if let Some(n) = self.note {
            snap.note = Some(match snap.note.take() {
                Some(other) => format!("{n}; {other}"),
                None => n,
            });
        }
        Ok(snap)
    }
}
