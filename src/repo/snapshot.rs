//! The facts a check sees: which files are in scope, their sizes and contents (read once, on demand),
//! and the repository's remotes and tags.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use super::gitignore::IgnoreRules;
use super::{Mode, OpenError, ScopeKind};
use crate::checks::params::Globs;

/// One file in the snapshot.
#[derive(Debug)]
pub struct File {
    /// Relative to the repository root, with `/`.
    pub path: String,
    origin: Origin,
    pub symlink: bool,
    size: OnceLock<u64>,
    content: OnceLock<Result<Arc<[u8]>, String>>,
}

#[derive(Debug, Clone, Copy)]
enum Origin {
    Blob(git2::Oid),
    Disk,
}

impl File {
    /// The file's name (last path component).
    pub fn name(&self) -> &str {
        self.path.rsplit('/').next().unwrap_or(&self.path)
    }

    /// The directory part (`""` at the root).
    pub fn dir(&self) -> &str {
        self.path.rfind('/').map_or("", |i| &self.path[..i])
    }
}

enum Source {
    Git(Mutex<git2::Repository>),
    Disk,
}

/// A remote as configured in the repository.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Remote {
    pub name: String,
    pub url: String,
}

pub struct Snapshot {
    pub root: PathBuf,
    pub scope: ScopeKind,
    /// The commit checked (HEAD), when there is one.
    pub commit: Option<String>,
    pub note: Option<String>,
    files: Vec<File>,
    source: Source,
    remotes: Vec<Remote>,
    tags: Vec<String>,
    ignore: OnceLock<IgnoreRules>,
}

/// Contents larger than this are not loaded whole for text checks.
const MAX_TEXT: u64 = 16 << 20;

impl Snapshot {
    pub fn is_git(&self) -> bool {
        matches!(self.source, Source::Git(_)) && self.scope != ScopeKind::Directory
    }

    /// Every file in scope, sorted by path.
    pub fn files(&self) -> &[File] {
        &self.files
    }

    pub fn find(&self, path: &str) -> Option<&File> {
        self.files
            .binary_search_by(|f| f.path.as_str().cmp(path))
            .ok()
            .map(|i| &self.files[i])
    }

    /// Files directly inside `dir` (`""` for the root).
    pub fn files_in<'a>(&'a self, dir: &'a str) -> impl Iterator<Item = &'a File> + 'a {
        let prefix = if dir.is_empty() {
            String::new()
        } else {
            format!("{}/", dir.trim_end_matches('/'))
        };
        let start = self
            .files
            .partition_point(|f| f.path.as_str() < prefix.as_str());
        let len = prefix.len();
        self.files[start..]
            .iter()
            .take_while(move |f| f.path.starts_with(&prefix))
            .filter(move |f| !f.path[len..].contains('/'))
    }

    /// Is there any file under `dir/`?
    pub fn has_dir(&self, dir: &str) -> bool {
        let prefix = format!("{}/", dir.trim_end_matches('/'));
        let i = self
            .files
            .partition_point(|f| f.path.as_str() < prefix.as_str());
        self.files
            .get(i)
            .is_some_and(|f| f.path.starts_with(&prefix))
    }

    pub fn remotes(&self) -> &[Remote] {
        &self.remotes
    }

    pub fn tags(&self) -> &[String] {
        &self.tags
    }

    /// Size in bytes (from the object database or the file system; 0 if unreadable).
    pub fn size(&self, file: &File) -> u64 {
        *file.size.get_or_init(|| match (file.origin, &self.source) {
            (Origin::Blob(oid), Source::Git(repo)) => {
                let repo = repo.lock().unwrap_or_else(|p| p.into_inner());
                repo.odb()
                    .and_then(|odb| odb.read_header(oid))
                    .map(|(len, _)| len as u64)
                    .unwrap_or(0)
            }
            _ => std::fs::symlink_metadata(self.root.join(&file.path))
                .map(|m| m.len())
                .unwrap_or(0),
        })
    }

    /// The file's bytes, read once and cached.
    pub fn content(&self, file: &File) -> Result<Arc<[u8]>, String> {
        file.content
            .get_or_init(|| self.read(file).map(Arc::from))
            .clone()
    }

    fn read(&self, file: &File) -> Result<Vec<u8>, String> {
        match (file.origin, &self.source) {
            (Origin::Blob(oid), Source::Git(repo)) => {
                let repo = repo.lock().unwrap_or_else(|p| p.into_inner());
                repo.find_blob(oid)
                    .map(|b| b.content().to_vec())
                    .map_err(|e| format!("{}: cannot read blob {oid}: {}", file.path, e.message()))
            }
            _ => {
                let path = self.root.join(&file.path);
                if file.symlink {
                    return std::fs::read_link(&path)
                        .map(|t| t.to_string_lossy().into_owned().into_bytes())
                        .map_err(|e| format!("{}: {e}", file.path));
                }
                std::fs::read(&path).map_err(|e| format!("{}: {e}", file.path))
            }
        }
    }

    /// The file as text, or `None` when it is binary, a symlink, unreadable or huge.
    pub fn text(&self, file: &File) -> Option<String> {
        if file.symlink || self.size(file) > MAX_TEXT {
            return None;
        }
        let bytes = self.content(file).ok()?;
        if is_binary(&bytes) {
            return None;
        }
        let s = String::from_utf8_lossy(&bytes);
        Some(s.strip_prefix('\u{feff}').unwrap_or(&s).to_string())
    }

    /// The repository's own ignore rules (from the `.gitignore` files in scope).
    pub fn ignore_rules(&self) -> &IgnoreRules {
        self.ignore.get_or_init(|| {
            let sources: Vec<(String, String)> = self
                .files
                .iter()
                .filter(|f| f.name() == ".gitignore" && !f.symlink)
                .filter_map(|f| self.text(f).map(|t| (f.dir().to_string(), t)))
                .collect();
            IgnoreRules::new(&sources)
        })
    }

    /// A snapshot built from a list of (path, content) pairs, for unit tests of checks.
    #[doc(hidden)]
    pub fn from_memory(files: &[(&str, &[u8])]) -> Snapshot {
        let mut list: Vec<File> = files
            .iter()
            .map(|(p, c)| {
                let f = new_file(p.to_string(), Origin::Disk, false);
                let _ = f.size.set(c.len() as u64);
                let _ = f.content.set(Ok(Arc::from(c.to_vec())));
                f
            })
            .collect();
        list.sort_by(|a, b| a.path.cmp(&b.path));
        Snapshot {
            root: PathBuf::from("."),
            scope: ScopeKind::Directory,
            commit: None,
            note: None,
            files: list,
            source: Source::Disk,
            remotes: Vec::new(),
            tags: Vec::new(),
            ignore: OnceLock::new(),
        }
    }
}

/// Git's own heuristic: a NUL byte in the first 8000 bytes means binary.
pub fn is_binary(bytes: &[u8]) -> bool {
    bytes[..bytes.len().min(8000)].contains(&0)
}

fn new_file(path: String, origin: Origin, symlink: bool) -> File {
    File {
        path,
        origin,
        symlink,
        size: OnceLock::new(),
        content: OnceLock::new(),
    }
}

fn git_err(root: &Path, what: &str, e: git2::Error) -> OpenError {
    OpenError(format!("{}: {what}: {}", root.display(), e.message()))
}

pub(super) fn from_git(
    root: PathBuf,
    repo: git2::Repository,
    mode: Mode,
    exclude: &Globs,
) -> Result<Snapshot, OpenError> {
    let head_commit = match repo.head() {
        Ok(h) => Some(
            h.peel_to_commit()
                .map_err(|e| git_err(&root, "HEAD does not point to a commit", e))?,
        ),
        Err(e)
            if e.code() == git2::ErrorCode::UnbornBranch
                || e.code() == git2::ErrorCode::NotFound =>
        {
            None
        }
        Err(e) => return Err(git_err(&root, "cannot read HEAD", e)),
    };
    let commit = head_commit.as_ref().map(|c| c.id().to_string());
    let mut note = None;
    let keep = |p: &str| !exclude.is_match(p);

    let (scope, mut files) = match (mode, &head_commit) {
        (Mode::Head, Some(c)) => {
            let tree = c
                .tree()
                .map_err(|e| git_err(&root, "cannot read HEAD's tree", e))?;
            let mut files = Vec::new();
            tree.walk(git2::TreeWalkMode::PreOrder, |dir, entry| {
                if entry.kind() == Some(git2::ObjectType::Blob) {
                    let path = format!("{dir}{}", String::from_utf8_lossy(entry.name_bytes()));
                    if keep(&path) {
                        let symlink = entry.filemode() == 0o120000;
                        files.push(new_file(path, Origin::Blob(entry.id()), symlink));
                    }
                }
                git2::TreeWalkResult::Ok
            })
            .map_err(|e| git_err(&root, "cannot walk HEAD's tree", e))?;
            (ScopeKind::Head, files)
        }
        (Mode::Head | Mode::Staged, _) => {
            let scope = if head_commit.is_none() {
                note = Some(
                    "the repository has no commits yet: its index (what is staged) was checked"
                        .to_string(),
                );
                ScopeKind::Index
            } else {
                ScopeKind::Staged
            };
            let index = repo
                .index()
                .map_err(|e| git_err(&root, "cannot read the index", e))?;
            let mut files = Vec::new();
            for entry in index.iter() {
                // stage 0 only: during a merge conflict, the other stages are not what will be committed
                if (entry.flags >> 12) & 0x3 != 0 {
                    continue;
                }
                let path = String::from_utf8_lossy(&entry.path).into_owned();
                let ftype = entry.mode & 0o170000;
                if ftype == 0o160000 || !keep(&path) {
                    continue; // submodule
                }
                files.push(new_file(path, Origin::Blob(entry.id), ftype == 0o120000));
            }
            (scope, files)
        }
        (Mode::Worktree, _) => {
            let index = repo
                .index()
                .map_err(|e| git_err(&root, "cannot read the index", e))?;
            let mut files = Vec::new();
            for entry in index.iter() {
                if (entry.flags >> 12) & 0x3 != 0 {
                    continue;
                }
                let path = String::from_utf8_lossy(&entry.path).into_owned();
                if entry.mode & 0o170000 == 0o160000 || !keep(&path) {
                    continue;
                }
                if let Ok(meta) = std::fs::symlink_metadata(root.join(&path)) {
                    files.push(new_file(path, Origin::Disk, meta.file_type().is_symlink()));
                }
            }
            let mut opts = git2::StatusOptions::new();
            opts.include_untracked(true)
                .recurse_untracked_dirs(true)
                .include_ignored(false)
                .exclude_submodules(true);
            let statuses = repo
                .statuses(Some(&mut opts))
                .map_err(|e| git_err(&root, "cannot read the work tree's status", e))?;
            for s in statuses.iter() {
                if s.status().contains(git2::Status::WT_NEW) {
                    if let Ok(path) = s.path() {
                        if keep(path) {
                            let symlink = std::fs::symlink_metadata(root.join(path))
                                .map(|m| m.file_type().is_symlink())
                                .unwrap_or(false);
                            files.push(new_file(path.to_string(), Origin::Disk, symlink));
                        }
                    }
                }
            }
            (ScopeKind::Worktree, files)
        }
    };
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files.dedup_by(|a, b| a.path == b.path);

    let remotes = match repo.remotes() {
        Ok(names) => names
            .iter()
            .flatten()
            .flatten()
            .filter_map(|n| {
                let r = repo.find_remote(n).ok()?;
                Some(Remote {
                    name: n.to_string(),
                    url: r.url().ok()?.to_string(),
                })
            })
            .collect(),
        Err(_) => Vec::new(),
    };
    let mut tags: Vec<String> = repo
        .tag_names(None)
        .map(|t| t.iter().flatten().flatten().map(str::to_string).collect())
        .unwrap_or_default();
    tags.sort();
    drop(head_commit);

    Ok(Snapshot {
        root,
        scope,
        commit,
        note,
        files,
        source: Source::Git(Mutex::new(repo)),
        remotes,
        tags,
        ignore: OnceLock::new(),
    })
}

pub(super) fn from_directory(root: PathBuf, exclude: &Globs) -> Result<Snapshot, OpenError> {
    let mut files = Vec::new();
    let walker = ignore::WalkBuilder::new(&root)
        .hidden(false)
        .git_ignore(true)
        .git_global(false)
        .git_exclude(false)
        .require_git(false)
        .parents(false)
        .ignore(false)
        .filter_entry(|e| e.file_name() != ".git")
        .build();
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            // an unreadable sub-directory is skipped, not fatal; the root itself must be readable
            Err(e) if files.is_empty() && e.depth() == Some(0) => {
                return Err(OpenError(format!("{}: {e}", root.display())))
            }
            Err(_) => continue,
        };
        let Some(ft) = entry.file_type() else {
            continue;
        };
        if ft.is_dir() {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(&root) else {
            continue;
        };
        let path = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        if path.is_empty() || exclude.is_match(&path) {
            continue;
        }
        files.push(new_file(path, Origin::Disk, ft.is_symlink()));
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Snapshot {
        root,
        scope: ScopeKind::Directory,
        commit: None,
        note: Some("not a git repository: the directory was walked, honouring .gitignore".into()),
        files,
        source: Source::Disk,
        remotes: Vec::new(),
        tags: Vec::new(),
        ignore: OnceLock::new(),
    })
}
