//! Git history: every commit reachable from any ref, and every file version (blob) they hold, each
//! attributed to the first commit that has it.
//!
//! Commits are walked oldest first. A tree already seen holds only blobs already seen, so each tree
//! and each blob is visited once however many commits share it: a blob is attributed to the first
//! commit (in topological order) whose tree holds it, at the path where it first appears. Blobs are
//! then read on several threads, each with its own handle on the repository.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;

use super::OpenError;

/// One commit.
#[derive(Clone, Debug)]
pub struct Commit {
    pub sha: String,
    /// Author date, ISO 8601 in UTC.
    pub date: String,
    pub author_name: String,
    pub author_email: String,
    pub committer_email: String,
    pub message: String,
    pub merge: bool,
}

/// A file version and where it first appears.
#[derive(Clone, Debug)]
pub struct BlobRef {
    pub oid: git2::Oid,
    pub path: String,
    /// Index into [`History::commits`] of the first commit holding it.
    pub commit: usize,
    pub size: u64,
}

/// An annotated tag's message.
#[derive(Clone, Debug)]
pub struct TagMessage {
    pub name: String,
    pub message: String,
}

/// The history of a repository, as far as checks need it.
pub struct History {
    git_dir: PathBuf,
    /// Oldest first (parents before children).
    pub commits: Vec<Commit>,
    pub blobs: Vec<BlobRef>,
    pub tags: Vec<TagMessage>,
}

fn err(root: &Path, what: &str, e: git2::Error) -> OpenError {
    OpenError(format!("{}: {what}: {}", root.display(), e.message()))
}

fn iso_date(t: git2::Time) -> String {
    // days since 1970-01-01 to a civil date (Howard Hinnant's algorithm)
    let secs = t.seconds();
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// A commit as read from its raw bytes.
struct RawCommit {
    tree: [u8; 20],
    parents: Vec<[u8; 20]>,
    time: i64,
    commit: Commit,
}

fn hex_oid(h: &[u8]) -> Option<[u8; 20]> {
    if h.len() < 40 {
        return None;
    }
    let mut out = [0u8; 20];
    for (i, o) in out.iter_mut().enumerate() {
        let s = std::str::from_utf8(&h[i * 2..i * 2 + 2]).ok()?;
        *o = u8::from_str_radix(s, 16).ok()?;
    }
    Some(out)
}

/// `Name <email> 1700000000 +0000` → (name, email, seconds)
fn person(line: &[u8]) -> (String, String, i64) {
    let text = String::from_utf8_lossy(line);
    let (name, rest) = text.split_once('<').unwrap_or((&text, ""));
    let (email, rest) = rest.split_once('>').unwrap_or((rest, ""));
    let secs = rest
        .split_whitespace()
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (name.trim().to_string(), email.trim().to_string(), secs)
}

fn parse_commit(oid: &[u8; 20], data: &[u8]) -> Option<RawCommit> {
    let split = data
        .windows(2)
        .position(|w| w == b"\n\n")
        .unwrap_or(data.len());
    let (head, message) = (&data[..split], data.get(split + 2..).unwrap_or_default());
    let mut tree = None;
    let mut parents = Vec::new();
    let (mut author, mut committer_email, mut time) =
        ((String::new(), String::new()), String::new(), 0);
    for line in head.split(|b| *b == b'\n') {
        if let Some(h) = line.strip_prefix(b"tree ") {
            tree = hex_oid(h);
        } else if let Some(h) = line.strip_prefix(b"parent ") {
            parents.extend(hex_oid(h));
        } else if let Some(p) = line.strip_prefix(b"author ") {
            let (n, e, t) = person(p);
            author = (n, e);
            time = t;
        } else if let Some(p) = line.strip_prefix(b"committer ") {
            committer_email = person(p).1;
        }
    }
    Some(RawCommit {
        tree: tree?,
        commit: Commit {
            sha: oid.iter().map(|b| format!("{b:02x}")).collect(),
            date: iso_date(git2::Time::new(time, 0)),
            author_name: author.0,
            author_email: author.1,
            committer_email,
            message: String::from_utf8_lossy(message).into_owned(),
            merge: parents.len() > 1,
        },
        parents,
        time,
    })
}

/// A tree's entries, compactly: the name id with the kind in its top two bits, and the object id.
type TreeEntries = Vec<(u32, u32)>;

const KIND_SHIFT: u32 = 30;

fn pack_entry(name: u32, kind: EntryKind) -> u32 {
    name | (kind as u32) << KIND_SHIFT
}

fn unpack_entry(packed: u32) -> (u32, EntryKind) {
    let kind = match packed >> KIND_SHIFT {
        0 => EntryKind::Tree,
        1 => EntryKind::Blob,
        _ => EntryKind::Other,
    };
    (packed & ((1 << KIND_SHIFT) - 1), kind)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum EntryKind {
    Tree = 0,
    Blob = 1,
    Other = 2,
}

/// Names and object ids, each stored once.
#[derive(Default)]
struct Interner {
    names: Vec<Box<str>>,
    name_ids: HashMap<Box<str>, u32>,
    oids: Vec<[u8; 20]>,
    oid_ids: HashMap<[u8; 20], u32>,
}

impl Interner {
    fn name(&mut self, n: &[u8]) -> u32 {
        let n = String::from_utf8_lossy(n);
        if let Some(&i) = self.name_ids.get(n.as_ref()) {
            return i;
        }
        let i = self.names.len() as u32;
        self.names.push(n.clone().into());
        self.name_ids.insert(n.into(), i);
        i
    }

    fn oid(&mut self, o: &[u8; 20]) -> u32 {
        if let Some(&i) = self.oid_ids.get(o) {
            return i;
        }
        let i = self.oids.len() as u32;
        self.oids.push(*o);
        self.oid_ids.insert(*o, i);
        i
    }
}

/// Parse a raw tree: `<mode> <name>\0<20-byte id>` entries.
fn parse_tree(data: &[u8], interner: &mut Interner) -> TreeEntries {
    let mut out = Vec::new();
    let mut at = 0;
    while at < data.len() {
        let Some(sp) = data[at..].iter().position(|b| *b == b' ') else {
            break;
        };
        let mode = &data[at..at + sp];
        let name_start = at + sp + 1;
        let Some(nul) = data[name_start..].iter().position(|b| *b == 0) else {
            break;
        };
        let name = &data[name_start..name_start + nul];
        let id_at = name_start + nul + 1;
        let Some(id) = data.get(id_at..id_at + 20) else {
            break;
        };
        let mut oid = [0u8; 20];
        oid.copy_from_slice(id);
        let kind = match mode {
            b"40000" | b"040000" => EntryKind::Tree,
            b"100644" | b"100755" | b"100664" => EntryKind::Blob,
            _ => EntryKind::Other, // symlinks, submodules
        };
        out.push((pack_entry(interner.name(name), kind), interner.oid(&oid)));
        at = id_at + 20;
    }
    out
}

/// Commits and trees of the whole repository: from the packs in one pass, and from libgit2 for
/// whatever is loose.
struct Objects {
    commits: HashMap<[u8; 20], RawCommit>,
    trees: HashMap<u32, TreeEntries>,
    interner: Interner,
}

fn load_objects(git_dir: &Path) -> Objects {
    let commits = std::sync::Mutex::new(HashMap::new());
    let trees = std::sync::Mutex::new((HashMap::new(), Interner::default()));
    let workers = crate::parallel::workers(usize::MAX);
    super::packwalk::for_each(
        git_dir,
        super::packwalk::Kind::Commit,
        workers,
        &|oid, data| {
            if let Some(c) = parse_commit(oid, data) {
                commits
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .insert(*oid, c);
            }
        },
    );
    super::packwalk::for_each(
        git_dir,
        super::packwalk::Kind::Tree,
        workers,
        &|oid, data| {
            let mut guard = trees.lock().unwrap_or_else(|p| p.into_inner());
            let (map, interner) = &mut *guard;
            let id = interner.oid(oid);
            let entries = parse_tree(data, interner);
            map.insert(id, entries);
        },
    );
    let (trees, interner) = trees.into_inner().unwrap_or_else(|p| p.into_inner());
    Objects {
        commits: commits.into_inner().unwrap_or_else(|p| p.into_inner()),
        trees,
        interner,
    }
}

impl Objects {
    fn commit(&mut self, odb: &git2::Odb<'_>, oid: &[u8; 20]) -> Option<&RawCommit> {
        if !self.commits.contains_key(oid) {
            let obj = odb.read(git2::Oid::from_bytes(oid).ok()?).ok()?;
            let c = parse_commit(oid, obj.data())?;
            self.commits.insert(*oid, c);
        }
        self.commits.get(oid)
    }

    fn tree(&mut self, odb: &git2::Odb<'_>, id: u32) -> Option<&TreeEntries> {
        if !self.trees.contains_key(&id) {
            let oid = self.interner.oids[id as usize];
            let obj = odb.read(git2::Oid::from_bytes(&oid).ok()?).ok()?;
            let entries = parse_tree(obj.data(), &mut self.interner);
            self.trees.insert(id, entries);
        }
        self.trees.get(&id)
    }
}

/// Walk the history of the repository at `git_dir` (every ref, or only what `since` does not
/// reach). `keep` decides which paths count (the config's `exclude`).
pub fn walk(
    root: &Path,
    git_dir: &Path,
    since: Option<&str>,
    keep: &dyn Fn(&str) -> bool,
) -> Result<History, OpenError> {
    let repo = git2::Repository::open(git_dir).map_err(|e| err(root, "cannot open", e))?;
    let odb = repo
        .odb()
        .map_err(|e| err(root, "cannot read objects", e))?;
    // the tips: every ref and HEAD, as commits
    let mut tips: Vec<[u8; 20]> = Vec::new();
    let mut add_tip = |oid: git2::Oid| {
        let mut o = [0u8; 20];
        o.copy_from_slice(oid.as_bytes());
        if !tips.contains(&o) {
            tips.push(o);
        }
    };
    if let Ok(h) = repo.head().and_then(|h| h.peel_to_commit()) {
        add_tip(h.id());
    }
    for r in repo
        .references()
        .map_err(|e| err(root, "cannot read the refs", e))?
        .flatten()
    {
        if let Ok(c) = r.peel_to_commit() {
            add_tip(c.id());
        }
    }
    let hidden: Option<git2::Oid> = match since {
        Some(rev) => Some(
            repo.revparse_single(rev)
                .and_then(|o| o.peel_to_commit())
                .map(|c| c.id())
                .map_err(|e| err(root, &format!("--since {rev}"), e))?,
        ),
        None => None,
    };
    let mut objects = load_objects(git_dir);
    // every commit reachable from the tips, minus those reachable from `since`
    let mut excluded: HashSet<[u8; 20]> = HashSet::new();
    if let Some(h) = hidden {
        let mut o = [0u8; 20];
        o.copy_from_slice(h.as_bytes());
        let mut stack = vec![o];
        while let Some(c) = stack.pop() {
            if !excluded.insert(c) {
                continue;
            }
            if let Some(rc) = objects.commit(&odb, &c) {
                stack.extend(rc.parents.iter().copied());
            }
        }
    }
    let mut reachable: Vec<[u8; 20]> = Vec::new();
    let mut seen: HashSet<[u8; 20]> = HashSet::new();
    let mut stack = tips.clone();
    while let Some(c) = stack.pop() {
        if excluded.contains(&c) || !seen.insert(c) {
            continue;
        }
        if let Some(rc) = objects.commit(&odb, &c) {
            stack.extend(rc.parents.iter().copied());
            reachable.push(c);
        }
    }
    // oldest first: a commit after all its parents; among those ready, the earliest author date
    let index: HashMap<[u8; 20], usize> =
        reachable.iter().enumerate().map(|(i, c)| (*c, i)).collect();
    let mut waiting = vec![0usize; reachable.len()];
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); reachable.len()];
    for (i, c) in reachable.iter().enumerate() {
        for p in &objects.commits[c].parents {
            if let Some(&pi) = index.get(p) {
                waiting[i] += 1;
                children[pi].push(i);
            }
        }
    }
    let mut ready: std::collections::BinaryHeap<std::cmp::Reverse<(i64, usize)>> = (0..reachable
        .len())
        .filter(|&i| waiting[i] == 0)
        .map(|i| std::cmp::Reverse((objects.commits[&reachable[i]].time, i)))
        .collect();
    let mut order = Vec::with_capacity(reachable.len());
    while let Some(std::cmp::Reverse((_, i))) = ready.pop() {
        order.push(i);
        for &ch in &children[i] {
            waiting[ch] -= 1;
            if waiting[ch] == 0 {
                ready.push(std::cmp::Reverse((
                    objects.commits[&reachable[ch]].time,
                    ch,
                )));
            }
        }
    }
    // trees and blobs `since` already had are not new
    let mut seen_trees: HashSet<u32> = HashSet::new();
    let mut seen_blobs: HashSet<u32> = HashSet::new();
    if let Some(h) = hidden {
        let mut o = [0u8; 20];
        o.copy_from_slice(h.as_bytes());
        if let Some(t) = objects.commit(&odb, &o).map(|c| c.tree) {
            let id = objects.interner.oid(&t);
            let mut stack = vec![id];
            while let Some(t) = stack.pop() {
                if !seen_trees.insert(t) {
                    continue;
                }
                let entries = objects.tree(&odb, t).cloned().unwrap_or_default();
                for (packed, id) in entries {
                    let (_, kind) = unpack_entry(packed);
                    match kind {
                        EntryKind::Tree => stack.push(id),
                        EntryKind::Blob => {
                            seen_blobs.insert(id);
                        }
                        EntryKind::Other => {}
                    }
                }
            }
        }
    }
    let mut commits = Vec::with_capacity(order.len());
    let mut blobs = Vec::new();
    for i in order {
        let oid = reachable[i];
        let Some(rc) = objects.commits.remove(&oid) else {
            continue;
        };
        let ci = commits.len();
        commits.push(rc.commit);
        let root_id = objects.interner.oid(&rc.tree);
        let mut stack: Vec<(u32, String)> = Vec::new();
        if seen_trees.insert(root_id) {
            stack.push((root_id, String::new()));
        }
        while let Some((t, prefix)) = stack.pop() {
            let Some(entries) = objects.tree(&odb, t).cloned() else {
                continue;
            };
            for (packed, id) in entries {
                let (name, kind) = unpack_entry(packed);
                match kind {
                    EntryKind::Tree => {
                        if seen_trees.insert(id) {
                            let n = &objects.interner.names[name as usize];
                            stack.push((id, format!("{prefix}{n}/")));
                        }
                    }
                    EntryKind::Blob => {
                        if !seen_blobs.insert(id) {
                            continue;
                        }
                        let path = format!("{prefix}{}", objects.interner.names[name as usize]);
                        if !keep(&path) {
                            continue;
                        }
                        let oid = git2::Oid::from_bytes(&objects.interner.oids[id as usize])
                            .unwrap_or(git2::Oid::ZERO_SHA1);
                        blobs.push(BlobRef {
                            oid,
                            path,
                            commit: ci,
                            size: 0,
                        });
                    }
                    EntryKind::Other => {}
                }
            }
            // a tree is read once: drop it
            objects.trees.remove(&t);
        }
    }
    drop(objects);
    drop(odb);
    let mut tags = Vec::new();
    let _ = repo.tag_foreach(|oid, name| {
        if let Ok(tag) = repo.find_tag(oid) {
            tags.push(TagMessage {
                name: String::from_utf8_lossy(name)
                    .trim_start_matches("refs/tags/")
                    .to_string(),
                message: String::from_utf8_lossy(tag.message_bytes().unwrap_or_default())
                    .into_owned(),
            });
        }
        true
    });
    Ok(History {
        git_dir: git_dir.to_path_buf(),
        commits,
        blobs,
        tags,
    })
}

/// What [`History::map_blobs`] calls for each file version: its path, its bytes, and, when it is
/// stored as a delta, its base's result with the (here, there, length) ranges it copies from it.
pub type BlobVisitor<'a, R> =
    dyn Fn(&str, &[u8], Option<(&R, &[(usize, usize, usize)])>) -> R + Sync + 'a;

impl History {
    /// Apply `f` to the contents of every blob `want` selects, on several threads; returns the
    /// results with the blob's index, in blob order.
    pub fn map_blobs<R: Send + Sync + Default + Clone>(
        &self,
        want: &(dyn Fn(&BlobRef) -> bool + Sync),
        f: &BlobVisitor<R>,
        keep: &(dyn Fn(&R) -> bool + Sync),
    ) -> Vec<(usize, R)> {
        let wanted: HashMap<[u8; 20], usize> = (0..self.blobs.len())
            .filter(|&i| want(&self.blobs[i]))
            .map(|i| {
                let mut o = [0u8; 20];
                o.copy_from_slice(self.blobs[i].oid.as_bytes());
                (o, i)
            })
            .collect();
        let done: Vec<std::sync::atomic::AtomicBool> = (0..self.blobs.len())
            .map(|_| std::sync::atomic::AtomicBool::new(false))
            .collect();
        let results = std::sync::Mutex::new(Vec::new());
        let workers = crate::parallel::workers(usize::MAX);
        // every packed blob, each inflated once; a delta is looked at only where it differs from
        // its base (see `packwalk`), which is what makes all of history cheap to read
        super::packwalk::for_each_with::<R>(
            &self.git_dir,
            super::packwalk::Kind::Blob,
            workers,
            &|oid, data, parent| {
                let i = wanted.get(oid).copied();
                let path = i.map_or("", |i| self.blobs[i].path.as_str());
                let copies: Vec<(usize, usize, usize)>;
                let parent = match parent {
                    Some((r, c)) => {
                        copies = c.iter().map(|c| (c.dst, c.src, c.len)).collect();
                        Some((r, copies.as_slice()))
                    }
                    None => None,
                };
                let r = f(path, data, parent);
                if let Some(i) = i {
                    if !done[i].swap(true, Ordering::Relaxed) && keep(&r) {
                        results
                            .lock()
                            .unwrap_or_else(|p| p.into_inner())
                            .push((i, r.clone()));
                    }
                }
                r
            },
        );
        // the rest (loose objects, packs this reader cannot read) through libgit2
        let rest: Vec<usize> = wanted
            .values()
            .copied()
            .filter(|&i| !done[i].load(Ordering::Relaxed))
            .collect();
        // each thread with its own handle on the repository
        let open = || git2::Repository::open(&self.git_dir).ok();
        let fallback = crate::parallel::map_with(&rest, open, |repo, &i| {
            let b = &self.blobs[i];
            let odb = repo.odb().ok()?;
            let obj = odb.read(b.oid).ok()?;
            let r = f(&b.path, obj.data(), None);
            keep(&r).then_some((i, r))
        });
        results
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .extend(fallback.into_iter().map(|(_, r)| r));
        let mut out = results.into_inner().unwrap_or_else(|p| p.into_inner());
        out.sort_by_key(|(i, _)| *i);
        out
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn dates_are_iso_utc() {
        assert_eq!(
            super::iso_date(git2::Time::new(0, 0)),
            "1970-01-01T00:00:00Z"
        );
        assert_eq!(
            super::iso_date(git2::Time::new(1_700_000_000, 60)),
            "2023-11-14T22:13:20Z"
        );
        assert_eq!(
            super::iso_date(git2::Time::new(951_782_400, 0)),
            "2000-02-29T00:00:00Z"
        );
    }
}
