//! The facts a check sees: which files are in scope, their sizes and contents (read once, on demand),
//! and the repository's remotes and tags.

use std::any::{Any, TypeId};
use std::collections::HashMap;
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
    /// The work-tree copy is byte for byte the blob (see `sizes_from_work_tree`): read it from disk.
    on_disk: std::sync::atomic::AtomicBool,
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
    /// The repository, and its git directory (to open more handles for parallel reads).
    Git(Mutex<git2::Repository>, PathBuf),
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
    derived: Derived,
    /// With `--staged`: the paths the next commit adds or changes.
    changed: Option<std::collections::HashSet<String>>,
    /// The content categories the run's rules look for (all when unset).
    content_categories: OnceLock<Vec<crate::scan::Category>>,
    /// With `--history`: every commit and file version.
    history: OnceLock<super::history::History>,
    history_view: OnceLock<Box<(Snapshot, HashMap<String, usize>)>>,
}

/// Analyses several checks share (e.g. the licence analysis), made once per run.
#[derive(Default)]
struct Derived(Mutex<HashMap<TypeId, Arc<dyn Any + Send + Sync>>>);

/// Contents larger than this are not loaded whole for text checks.
const MAX_TEXT: u64 = 16 << 20;

impl Snapshot {
    /// A snapshot of `files`, with nothing derived yet.
    #[allow(clippy::too_many_arguments)]
    fn assemble(
        root: PathBuf,
        scope: ScopeKind,
        commit: Option<String>,
        note: Option<String>,
        files: Vec<File>,
        source: Source,
        remotes: Vec<Remote>,
        tags: Vec<String>,
        changed: Option<std::collections::HashSet<String>>,
    ) -> Snapshot {
        Snapshot {
            root,
            scope,
            commit,
            note,
            files,
            source,
            remotes,
            tags,
            ignore: OnceLock::new(),
            derived: Derived::default(),
            changed,
            content_categories: OnceLock::new(),
            history: OnceLock::new(),
            history_view: OnceLock::new(),
        }
    }

    pub fn is_git(&self) -> bool {
        matches!(self.source, Source::Git(..)) && self.scope != ScopeKind::Directory
    }

    /// Every file in scope, sorted by path.
    pub fn files(&self) -> &[File] {
        &self.files
    }

    /// The files whose contents a file-level rule examines: with `--staged`, only those the next
    /// commit adds or changes (a hook judges the commit, not what was committed before).
    pub fn examined(&self) -> impl Iterator<Item = &File> + '_ {
        self.files
            .iter()
            .filter(|f| self.changed.as_ref().is_none_or(|c| c.contains(&f.path)))
    }

    /// Say which content categories the run needs, before any check scans (the engine does).
    pub fn set_content_categories(&self, categories: Vec<crate::scan::Category>) {
        let _ = self.content_categories.set(categories);
    }

    /// The content categories to scan for.
    pub fn content_categories(&self) -> Vec<crate::scan::Category> {
        self.content_categories
            .get()
            .cloned()
            .unwrap_or_else(|| crate::scan::ALL.to_vec())
    }

    /// Read the history (`--history`): every commit reachable from any ref, or only those after
    /// `since`. Paths `exclude` matches are left out, as in the tree.
    pub fn load_history(&self, since: Option<&str>, exclude: &Globs) -> Result<(), OpenError> {
        let Source::Git(_, git_dir) = &self.source else {
            return Err(OpenError(format!(
                "{}: --history needs a git repository",
                self.root.display()
            )));
        };
        let h = super::history::walk(&self.root, git_dir, since, &|p| !exclude.is_match(p))?;
        let _ = self.history.set(h);
        Ok(())
    }

    /// The history, when it was read.
    pub fn history(&self) -> Option<&super::history::History> {
        self.history.get()
    }

    /// Every path that ever existed in history, each as the file version that introduced it, for
    /// file-level rules to examine when history is scanned; with the index of that version's blob.
    pub fn history_view(&self) -> Option<&(Snapshot, HashMap<String, usize>)> {
        let h = self.history.get()?;
        let Source::Git(_, git_dir) = &self.source else {
            return None;
        };
        Some(self.history_view.get_or_init(|| {
            let mut first: HashMap<String, usize> = HashMap::new();
            for (i, b) in h.blobs.iter().enumerate() {
                first.entry(b.path.clone()).or_insert(i);
            }
            let mut files: Vec<File> = first
                .iter()
                .map(|(p, &i)| {
                    let f = new_file(p.clone(), Origin::Blob(h.blobs[i].oid), false);
                    let _ = f.size.set(h.blobs[i].size);
                    f
                })
                .collect();
            files.sort_by(|a, b| a.path.cmp(&b.path));
            let source = match git2::Repository::open(git_dir) {
                Ok(r) => Source::Git(Mutex::new(r), git_dir.clone()),
                Err(_) => Source::Disk,
            };
            let view = Snapshot::assemble(
                self.root.clone(),
                self.scope,
                self.commit.clone(),
                None,
                files,
                source,
                Vec::new(),
                Vec::new(),
                None,
            );
            Box::new((view, first))
        }))
    }

    /// With `--staged`, how many files the commit adds or changes.
    pub fn changed_count(&self) -> Option<usize> {
        self.changed.as_ref().map(|c| c.len())
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
            (Origin::Blob(oid), Source::Git(repo, _)) => {
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

    /// Read the size of every file at once: from the pack indexes and pack entry headers directly
    /// (see `pack.rs`), and through libgit2 for objects that are loose or elsewhere.
    pub fn prefetch_sizes(&self) {
        let Source::Git(shared, git_dir) = &self.source else {
            return;
        };
        let todo: Vec<&File> = self
            .files
            .iter()
            .filter(|f| f.size.get().is_none() && matches!(f.origin, Origin::Blob(_)))
            .collect();
        if todo.len() < 64 {
            return; // sizes are read on demand
        }
        // First the files the work tree holds unchanged: one stat each. Then straight from the pack
        // files; whatever is left, through libgit2.
        let before = todo.len();
        let t0 = std::time::Instant::now();
        let todo = self.sizes_from_work_tree(shared, todo);
        if std::env::var_os("OPENREADY_TIMINGS").is_some() {
            let ms = t0.elapsed().as_secs_f64() * 1000.0;
            eprintln!(
                "timing: sizes from the work tree: {} of {before} in {ms:.1} ms",
                before - todo.len()
            );
        }
        if todo.is_empty() {
            return;
        }
        let mut rest = Vec::new();
        // reading the pack indexes pays off only for many objects (curl's is 8 MB)
        let packs = if todo.len() >= 1000 {
            super::pack::PackSizes::open(git_dir)
        } else {
            None
        };
        match packs {
            Some(packs) => {
                let mut inflater = miniz_oxide::inflate::core::DecompressorOxide::new();
                for f in todo {
                    let Origin::Blob(oid) = f.origin else {
                        continue;
                    };
                    match packs.size(oid.as_bytes(), &mut inflater) {
                        Some(n) => {
                            let _ = f.size.set(n);
                        }
                        None => rest.push(f),
                    }
                }
            }
            None => rest = todo,
        }
        if rest.is_empty() {
            return;
        }
        let repo = shared.lock().unwrap_or_else(|p| p.into_inner());
        let odb = repo.odb();
        if let Ok(odb) = &odb {
            for f in rest {
                if let Origin::Blob(oid) = f.origin {
                    if let Ok((len, _)) = odb.read_header(oid) {
                        let _ = f.size.set(len as u64);
                    }
                }
            }
        }
        drop(odb);
    }

    /// Sizes of blobs whose work-tree copy is, by git's own test, unchanged: the index entry has the
    /// blob's id and the file's stat data match it (as `git status` decides a file is unmodified), the
    /// entry is not racy, and no conversion (autocrlf, eol, text, filter, ident or encoding attributes)
    /// can make the file's bytes differ from the blob's. Then the file's size is the blob's size.
    /// Returns the files it could not settle.
    fn sizes_from_work_tree<'f>(
        &self,
        shared: &Mutex<git2::Repository>,
        todo: Vec<&'f File>,
    ) -> Vec<&'f File> {
        if !matches!(self.scope, ScopeKind::Head | ScopeKind::Staged) {
            return todo;
        }
        let Some(converted) = self.converted_paths() else {
            return todo;
        };
        let repo = shared.lock().unwrap_or_else(|p| p.into_inner());
        let autocrlf = repo
            .config()
            .ok()
            .and_then(|c| c.get_string("core.autocrlf").ok());
        if autocrlf.is_some_and(|v| !v.eq_ignore_ascii_case("false")) {
            return todo;
        }
        let (Some(workdir), Ok(index)) = (repo.workdir().map(Path::to_path_buf), repo.index())
        else {
            return todo;
        };
        let Some(index_mtime) = std::fs::metadata(repo.path().join("index"))
            .ok()
            .and_then(|m| m.modified().ok())
        else {
            return todo;
        };
        // The index and the snapshot are both sorted by path: walk them together.
        let entries: Vec<(Vec<u8>, git2::Oid, u32, i64, u32, u32)> = index
            .iter()
            .filter(|e| (e.flags >> 12) & 0x3 == 0)
            .map(|e| {
                (
                    e.path,
                    e.id,
                    e.file_size,
                    e.mtime.seconds() as i64,
                    e.mtime.nanoseconds(),
                    e.mode,
                )
            })
            .collect();
        drop(index);
        drop(repo);
        let mut candidates = Vec::new();
        let mut rest = Vec::new();
        let mut k = 0;
        for f in todo {
            while k < entries.len() && entries[k].0.as_slice() < f.path.as_bytes() {
                k += 1;
            }
            match (entries.get(k), f.origin) {
                (Some(e), Origin::Blob(oid))
                    if e.0 == f.path.as_bytes()
                        && e.1 == oid
                        && e.5 & 0o170000 == 0o100000
                        && !converted.is_match(&f.path) =>
                {
                    candidates.push((f, e.2, e.3, e.4));
                }
                _ => rest.push(f),
            }
        }
        // One stat per file, spread over the cores.
        let workers = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .clamp(1, 4);
        let chunk = candidates.len().div_ceil(workers).max(1);
        let unsettled: Vec<&'f File> = std::thread::scope(|scope| {
            let handles: Vec<_> = candidates
                .chunks(chunk)
                .map(|part| {
                    let workdir = &workdir;
                    scope.spawn(move || {
                        let mut left = Vec::new();
                        for &(f, size, secs, nanos) in part {
                            let settled = (|| {
                                let meta = std::fs::symlink_metadata(workdir.join(&f.path)).ok()?;
                                let modified = meta.modified().ok()?;
                                let mtime = modified.duration_since(std::time::UNIX_EPOCH).ok()?;
                                let clean = meta.is_file()
                                    && meta.len() as u32 == size
                                    && mtime.as_secs() as i64 == secs
                                    && mtime.subsec_nanos() == nanos
                                    // racy: written in the same instant as the index, so the stat data prove nothing
                                    && modified < index_mtime;
                                clean.then_some(meta.len())
                            })();
                            match settled {
                                Some(n) => {
                                    let _ = f.size.set(n);
                                    f.on_disk.store(true, std::sync::atomic::Ordering::Relaxed);
                                }
                                None => left.push(f),
                            }
                        }
                        left
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap_or_default())
                .collect()
        });
        rest.extend(unsettled);
        rest
    }

    /// The paths a .gitattributes line could convert (so their work-tree bytes may differ from the
    /// blob), as globs; `None` when anything might be converted.
    fn converted_paths(&self) -> Option<Globs> {
        const CONVERTING: [&str; 6] = [
            "text",
            "eol",
            "filter",
            "ident",
            "working-tree-encoding",
            "crlf",
        ];
        if self.root.join(".git/info/attributes").exists() {
            return None;
        }
        let mut patterns = Vec::new();
        for f in self.files.iter().filter(|f| f.name() == ".gitattributes") {
            let text = self.text(f)?;
            for line in text.lines() {
                let mut words = line.split_whitespace();
                let Some(pattern) = words.next() else {
                    continue;
                };
                if pattern.starts_with('#') {
                    continue;
                }
                let converts = words.any(|a| {
                    let name = a
                        .trim_start_matches(['-', '!'])
                        .split('=')
                        .next()
                        .unwrap_or("");
                    CONVERTING.contains(&name)
                });
                if !converts {
                    continue;
                }
                if pattern.starts_with('"') || pattern.starts_with('[') && pattern.ends_with(']') {
                    return None; // quoted or macro lines: do not guess
                }
                // a pattern applies below the directory of its .gitattributes
                let dir = f.dir();
                let body = pattern.trim_start_matches('/');
                let anchored = pattern.contains('/');
                patterns.push(match (dir.is_empty(), anchored) {
                    (true, true) => format!("/{body}"),
                    (true, false) => body.to_string(),
                    (false, true) => format!("{dir}/{body}"),
                    (false, false) => format!("{dir}/**/{body}"),
                });
            }
        }
        Globs::new(&patterns).ok()
    }

    /// The file's bytes, read once and cached.
    pub fn content(&self, file: &File) -> Result<Arc<[u8]>, String> {
        file.content
            .get_or_init(|| self.read(file).map(Arc::from))
            .clone()
    }

    /// The file's bytes: the cached copy if a check already read it, otherwise read without caching
    /// (for scanning every file once).
    pub fn bytes(&self, file: &File) -> Result<Arc<[u8]>, String> {
        match file.content.get() {
            Some(c) => c.clone(),
            None => self.read(file).map(Arc::from),
        }
    }

    fn read(&self, file: &File) -> Result<Vec<u8>, String> {
        if file.on_disk.load(std::sync::atomic::Ordering::Relaxed) {
            if let Ok(b) = std::fs::read(self.root.join(&file.path)) {
                if file.size.get() == Some(&(b.len() as u64)) {
                    return Ok(b);
                }
            }
        }
        match (file.origin, &self.source) {
            (Origin::Blob(oid), Source::Git(repo, _)) => {
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
        Snapshot::assemble(
            PathBuf::from("."),
            ScopeKind::Directory,
            None,
            None,
            list,
            Source::Disk,
            Vec::new(),
            Vec::new(),
            None,
        )
    }

    /// An analysis shared by several checks, computed by the first that asks (the others wait for it
    /// rather than repeat it). `make` must not ask for another derived analysis.
    pub fn derived<T: Any + Send + Sync>(&self, make: impl FnOnce(&Snapshot) -> T) -> Arc<T> {
        let mut map = self.derived.0.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(v) = map.get(&TypeId::of::<T>()) {
            if let Ok(v) = Arc::clone(v).downcast::<T>() {
                return v;
            }
        }
        let v = Arc::new(make(self));
        map.insert(
            TypeId::of::<T>(),
            Arc::clone(&v) as Arc<dyn Any + Send + Sync>,
        );
        v
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
        on_disk: std::sync::atomic::AtomicBool::new(false),
    }
}

/// The index entries whose blob differs from HEAD's at the same path (or that HEAD lacks). HEAD's
/// tree is walked once; a subtree whose id the index's cache tree already proves unchanged is not
/// needed, but walking all of it is only a few milliseconds even for thousands of files.
fn changed_paths(head: &git2::Commit<'_>, files: &[File]) -> std::collections::HashSet<String> {
    let Ok(tree) = head.tree() else {
        return files.iter().map(|f| f.path.clone()).collect();
    };
    let mut at_head: HashMap<String, git2::Oid> = HashMap::with_capacity(files.len());
    let _ = tree.walk(git2::TreeWalkMode::PreOrder, |dir, entry| {
        if entry.kind() == Some(git2::ObjectType::Blob) {
            at_head.insert(
                format!("{dir}{}", String::from_utf8_lossy(entry.name_bytes())),
                entry.id(),
            );
        }
        git2::TreeWalkResult::Ok
    });
    files
        .iter()
        .filter(|f| match f.origin {
            Origin::Blob(oid) => at_head.get(&f.path) != Some(&oid),
            Origin::Disk => true,
        })
        .map(|f| f.path.clone())
        .collect()
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

    let mut changed = None;
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
            if let Some(c) = &head_commit {
                changed = Some(changed_paths(c, &files));
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
    let git_dir = repo.path().to_path_buf();

    Ok(Snapshot::assemble(
        root,
        scope,
        commit,
        note,
        files,
        Source::Git(Mutex::new(repo), git_dir),
        remotes,
        tags,
        changed,
    ))
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
    Ok(Snapshot::assemble(
        root,
        ScopeKind::Directory,
        None,
        Some("not a git repository: the directory was walked, honouring .gitignore".into()),
        files,
        Source::Disk,
        Vec::new(),
        Vec::new(),
        None,
    ))
}
