//! Every object of a repository's pack files, each inflated once.
//!
//! Reading history object by object through libgit2 resolves a delta chain for every object it is
//! asked for; on a large history most of the time goes to inflating the same bases again. Here each
//! pack is read in one go, its entries' headers parsed, and every delta chain walked from its base
//! down: a base is inflated once and each delta applied to its parent's bytes, so a pack costs one
//! inflation of its compressed data. Chains are spread over threads. Objects this reader cannot
//! resolve (loose objects, thin packs, unknown index versions) are left to the caller, who reads
//! them through libgit2.

use std::os::unix::fs::FileExt;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use miniz_oxide::inflate::core::{decompress, inflate_flags, DecompressorOxide};
use miniz_oxide::inflate::TINFLStatus;

/// Object types as pack files number them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Commit = 1,
    Tree = 2,
    Blob = 3,
    Tag = 4,
}

impl Kind {
    fn from(n: u8) -> Option<Kind> {
        Some(match n {
            1 => Kind::Commit,
            2 => Kind::Tree,
            3 => Kind::Blob,
            4 => Kind::Tag,
            _ => return None,
        })
    }
}

#[derive(Clone, Copy)]
enum Base {
    None(Kind),
    /// Index of the base entry in the same pack.
    Entry(u32),
    /// A base outside this pack (a thin pack): not resolvable here.
    Missing,
}

struct Entry {
    oid: [u8; 20],
    /// Where the zlib stream starts and where the next entry begins.
    data: usize,
    end: usize,
    /// Inflated size (for a delta: the size of the delta itself).
    size: usize,
    base: Base,
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// One pack: its bytes and its entries, with the delta children of each.
struct Pack {
    file: std::fs::File,
    entries: Vec<Entry>,
    /// `children[i]`: the entries that are deltas on entry `i`.
    children: Vec<Vec<u32>>,
}

fn open_pack(idx_path: &Path) -> Option<Pack> {
    let idx = std::fs::read(idx_path).ok()?;
    if idx.len() < 8 + 256 * 4 || &idx[..4] != b"\xfftOc" || idx[4..8] != [0, 0, 0, 2] {
        return None;
    }
    let count = be32(&idx, 8 + 255 * 4)? as usize;
    let names = 8 + 256 * 4;
    let offsets = names + count * 24;
    let large = offsets + count * 4;
    if idx.len() < large {
        return None;
    }
    // Entry headers are read from the pack in one pass; the compressed data later, entry by entry,
    // so the pack itself is never held in memory.
    let file = std::fs::File::open(idx_path.with_extension("pack")).ok()?;
    let pack_len = file.metadata().ok()?.len() as usize;
    let mut magic = [0u8; 4];
    file.read_exact_at(&mut magic, 0).ok()?;
    if pack_len < 32 || &magic != b"PACK" {
        return None;
    }
    let mut by_offset: Vec<(usize, usize)> = Vec::with_capacity(count);
    for i in 0..count {
        let off = be32(&idx, offsets + i * 4)?;
        let off = if off & 0x8000_0000 == 0 {
            off as usize
        } else {
            let at = large + (off & 0x7fff_ffff) as usize * 8;
            u64::from_be_bytes(idx.get(at..at + 8)?.try_into().ok()?) as usize
        };
        by_offset.push((off, i));
    }
    by_offset.sort_unstable();
    let position = |off: usize| by_offset.binary_search_by_key(&off, |e| e.0).ok();
    let find_oid = |oid: &[u8]| -> Option<usize> {
        let (mut lo, mut hi) = (0usize, count);
        while lo < hi {
            let mid = (lo + hi) / 2;
            match idx[names + mid * 20..names + mid * 20 + 20].cmp(oid) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(mid),
            }
        }
        None
    };
    // entries in pack order; `by_offset[k].1` is the index-order position
    let mut entries = Vec::with_capacity(count);
    let mut pending_ref: Vec<(usize, usize)> = Vec::new(); // (entry, idx position of the base)
    let mut head = [0u8; 64];
    for (k, &(off, i)) in by_offset.iter().enumerate() {
        let end = by_offset
            .get(k + 1)
            .map_or(pack_len.saturating_sub(20), |n| n.0);
        let n = (end.saturating_sub(off)).min(head.len());
        file.read_exact_at(&mut head[..n], off as u64).ok()?;
        let bytes = &head[..n];
        let mut at = 0;
        let mut b = *bytes.get(at)?;
        at += 1;
        let kind = (b >> 4) & 7;
        let mut size = (b & 15) as usize;
        let mut shift = 4;
        while b & 0x80 != 0 {
            b = *bytes.get(at)?;
            at += 1;
            size |= ((b & 0x7f) as usize) << shift;
            shift += 7;
        }
        let base = match kind {
            6 => {
                let mut c = *bytes.get(at)?;
                at += 1;
                let mut rel = (c & 0x7f) as usize;
                while c & 0x80 != 0 {
                    c = *bytes.get(at)?;
                    at += 1;
                    rel = ((rel + 1) << 7) | (c & 0x7f) as usize;
                }
                match off.checked_sub(rel).and_then(&position) {
                    Some(p) => Base::Entry(p as u32),
                    None => Base::Missing,
                }
            }
            7 => {
                let oid = bytes.get(at..at + 20)?;
                at += 20;
                match find_oid(oid) {
                    Some(pos) => {
                        pending_ref.push((k, pos));
                        Base::Missing
                    }
                    None => Base::Missing,
                }
            }
            n => Base::None(Kind::from(n)?),
        };
        let mut oid = [0u8; 20];
        oid.copy_from_slice(&idx[names + i * 20..names + i * 20 + 20]);
        entries.push(Entry {
            oid,
            data: off + at,
            end,
            size,
            base,
        });
    }
    if !pending_ref.is_empty() {
        // index position → entry (pack order)
        let mut entry_of = vec![0u32; count];
        for (k, &(_, i)) in by_offset.iter().enumerate() {
            entry_of[i] = k as u32;
        }
        for (k, pos) in pending_ref {
            entries[k].base = Base::Entry(entry_of[pos]);
        }
    }
    let mut children = vec![Vec::new(); entries.len()];
    for (k, e) in entries.iter().enumerate() {
        if let Base::Entry(b) = e.base {
            children[b as usize].push(k as u32);
        }
    }
    Some(Pack {
        file,
        entries,
        children,
    })
}

/// Inflate a zlib stream whose inflated size is known.
fn inflate(input: &[u8], size: usize, d: &mut DecompressorOxide) -> Option<Vec<u8>> {
    let mut out = vec![0u8; size];
    d.init();
    let flags = inflate_flags::TINFL_FLAG_PARSE_ZLIB_HEADER
        | inflate_flags::TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF;
    let (status, _, written) = decompress(d, input, &mut out, 0, flags);
    (matches!(status, TINFLStatus::Done) && written == size).then_some(out)
}

/// A delta header's size: little-endian base-128. Returns the value and where the next begins.
pub(super) fn varint(b: &[u8], mut at: usize) -> Option<(usize, usize)> {
    let mut n = 0usize;
    let mut shift = 0;
    loop {
        let c = *b.get(at)?;
        at += 1;
        n |= ((c & 0x7f) as usize) << shift;
        shift += 7;
        if c & 0x80 == 0 {
            return Some((n, at));
        }
        if shift > 63 {
            return None;
        }
    }
}

/// A copy instruction of a delta: `len` bytes from `src` in the base to `dst` in the result. The
/// result's other bytes are new (inserted by the delta).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Copy {
    pub dst: usize,
    pub src: usize,
    pub len: usize,
}

/// Apply a git delta to its base.
#[cfg(test)]
pub fn apply_delta(base: &[u8], delta: &[u8]) -> Option<Vec<u8>> {
    apply_delta_with(base, delta, &mut Vec::new())
}

/// Apply a git delta to its base, recording its copy instructions in `copies`.
pub fn apply_delta_with(base: &[u8], delta: &[u8], copies: &mut Vec<Copy>) -> Option<Vec<u8>> {
    copies.clear();
    let (src, at) = varint(delta, 0)?;
    if src != base.len() {
        return None;
    }
    let (dst, mut i) = varint(delta, at)?;
    let mut out = Vec::with_capacity(dst);
    while i < delta.len() {
        let op = delta[i];
        i += 1;
        if op & 0x80 != 0 {
            let mut off = 0usize;
            let mut size = 0usize;
            for k in 0..4 {
                if op & (1 << k) != 0 {
                    off |= (*delta.get(i)? as usize) << (8 * k);
                    i += 1;
                }
            }
            for k in 0..3 {
                if op & (0x10 << k) != 0 {
                    size |= (*delta.get(i)? as usize) << (8 * k);
                    i += 1;
                }
            }
            if size == 0 {
                size = 0x10000;
            }
            copies.push(Copy {
                dst: out.len(),
                src: off,
                len: size,
            });
            out.extend_from_slice(base.get(off..off.checked_add(size)?)?);
        } else if op != 0 {
            let n = op as usize;
            out.extend_from_slice(delta.get(i..i + n)?);
            i += n;
        } else {
            return None;
        }
    }
    (out.len() == dst).then_some(out)
}

/// Visit every object of kind `kind` in the packs of `git_dir`, on `workers` threads: `f` gets the
/// object id and its bytes. Returns `false` when the packs could not be read (the caller then reads
/// everything another way); objects that could not be resolved are simply not visited.
pub fn for_each(
    git_dir: &Path,
    kind: Kind,
    workers: usize,
    f: &(dyn Fn(&[u8; 20], &[u8]) + Sync),
) -> bool {
    for_each_with::<()>(git_dir, kind, workers, &|oid, data, _| f(oid, data))
}

/// What [`for_each_with`] calls for each object: its id, its bytes, and for a delta the result of
/// its base with the delta's copy instructions.
pub type Visitor<'a, R> = dyn Fn(&[u8; 20], &[u8], Option<(&R, &[Copy])>) -> R + Sync + 'a;

/// Like [`for_each`], and each object's result is handed to the objects that are deltas on it,
/// with the delta's copy instructions: what a base held at the copied places, its delta holds too,
/// so only the bytes the delta inserts need a new look.
pub fn for_each_with<R: Send + Sync>(
    git_dir: &Path,
    kind: Kind,
    workers: usize,
    f: &Visitor<R>,
) -> bool {
    let dir = git_dir.join("objects").join("pack");
    let Ok(rd) = std::fs::read_dir(&dir) else {
        return true; // no packs: nothing here, all loose
    };
    let mut idx_files: Vec<_> = rd
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "idx"))
        .collect();
    idx_files.sort();
    for idx in idx_files {
        let Some(pack) = open_pack(&idx) else {
            return false;
        };
        walk_pack(&pack, kind, workers, f);
    }
    true
}

fn walk_pack<R: Send + Sync>(pack: &Pack, kind: Kind, workers: usize, f: &Visitor<R>) {
    let roots: Vec<u32> = (0..pack.entries.len())
        .filter(|&k| matches!(pack.entries[k].base, Base::None(t) if t == kind))
        .map(|k| k as u32)
        .collect();
    let next = AtomicUsize::new(0);
    let run = || {
        let mut d = DecompressorOxide::new();
        let mut buf = Vec::new();
        let mut read = |e: &Entry, d: &mut DecompressorOxide| -> Option<Vec<u8>> {
            buf.resize(e.end.saturating_sub(e.data), 0);
            pack.file.read_exact_at(&mut buf, e.data as u64).ok()?;
            inflate(&buf, e.size, d)
        };
        let mut copies = Vec::new();
        type Parent<R> = std::sync::Arc<(Vec<u8>, R)>;
        let mut stack: Vec<(u32, Parent<R>)> = Vec::new();
        loop {
            let r = next.fetch_add(1, Ordering::Relaxed);
            let Some(&root) = roots.get(r) else { break };
            let e = &pack.entries[root as usize];
            let Some(data) = read(e, &mut d) else {
                continue;
            };
            let result = f(&e.oid, &data, None);
            let kids = &pack.children[root as usize];
            if !kids.is_empty() {
                let parent = std::sync::Arc::new((data, result));
                for &c in kids {
                    stack.push((c, parent.clone()));
                }
            }
            while let Some((k, parent)) = stack.pop() {
                let e = &pack.entries[k as usize];
                let Some(delta) = read(e, &mut d) else {
                    continue;
                };
                let Some(out) = apply_delta_with(&parent.0, &delta, &mut copies) else {
                    continue;
                };
                let result = f(&e.oid, &out, Some((&parent.1, &copies)));
                let kids = &pack.children[k as usize];
                if !kids.is_empty() {
                    let me = std::sync::Arc::new((out, result));
                    for &c in kids {
                        stack.push((c, me.clone()));
                    }
                }
            }
        }
    };
    if workers <= 1 {
        run();
    } else {
        std::thread::scope(|s| {
            for _ in 1..workers {
                s.spawn(run);
            }
            run();
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deltas_copy_and_insert() {
        let base = b"hello world";
        // src 11, dst 11; copy 0..6 ("hello "), insert "there"
        let delta = [11u8, 11, 0x80 | 0x10, 6, 5, b't', b'h', b'e', b'r', b'e'];
        assert_eq!(apply_delta(base, &delta).unwrap(), b"hello there");
        // a wrong source size is refused
        assert!(apply_delta(b"short", &delta).is_none());
    }
}
