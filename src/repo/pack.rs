//! Object sizes straight from pack files, several times faster than asking libgit2 for each header.
//!
//! A size is all `no-large-files` needs from every blob, and on a large repository reading thousands
//! of object headers through libgit2 was most of a run. Here the pack indexes (`.idx`, version 2) are
//! read once, an object is found by binary search, and its size is taken from the pack entry's header,
//! or, for a delta, from the start of the delta data (the first few inflated bytes). Anything this
//! reader does not handle (loose objects, alternates, other index versions, SHA-256 repositories)
//! returns `None`, and the caller asks libgit2 instead.

use std::fs::File;
use std::os::unix::fs::FileExt;
use std::path::Path;

use miniz_oxide::inflate::core::{decompress, inflate_flags, DecompressorOxide};
use miniz_oxide::inflate::TINFLStatus;

struct Pack {
    idx: Vec<u8>,
    count: usize,
    data: File,
}

pub struct PackSizes {
    packs: Vec<Pack>,
}

const IDX_MAGIC: &[u8] = b"\xfftOc";

impl PackSizes {
    /// Read the pack indexes of a git directory (`objects/pack/*.idx`).
    pub fn open(git_dir: &Path) -> Option<PackSizes> {
        let dir = git_dir.join("objects").join("pack");
        let mut packs = Vec::new();
        for entry in std::fs::read_dir(&dir).ok()? {
            let path = entry.ok()?.path();
            if path.extension().is_none_or(|e| e != "idx") {
                continue;
            }
            let idx = std::fs::read(&path).ok()?;
            if idx.len() < 8 + 256 * 4 || &idx[..4] != IDX_MAGIC || idx[4..8] != [0, 0, 0, 2] {
                return None; // an index version this reader does not know
            }
            let count = be32(&idx, 8 + 255 * 4)? as usize;
            if idx.len() < 8 + 256 * 4 + count * (20 + 4 + 4) {
                return None;
            }
            let data = File::open(path.with_extension("pack")).ok()?;
            packs.push(Pack { idx, count, data });
        }
        Some(PackSizes { packs })
    }

    /// The size of an object, or `None` when it is not in a pack this reader can read.
    pub fn size(&self, oid: &[u8], inflater: &mut DecompressorOxide) -> Option<u64> {
        if oid.len() != 20 {
            return None;
        }
        self.packs.iter().find_map(|p| p.size(oid, inflater))
    }
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

impl Pack {
    fn offset(&self, oid: &[u8]) -> Option<u64> {
        let fan = 8;
        let first = oid[0] as usize;
        let lo = if first == 0 {
            0
        } else {
            be32(&self.idx, fan + (first - 1) * 4)? as usize
        };
        let hi = be32(&self.idx, fan + first * 4)? as usize;
        let names = fan + 256 * 4;
        let (mut lo, mut hi) = (lo, hi.min(self.count));
        while lo < hi {
            let mid = (lo + hi) / 2;
            let name = self.idx.get(names + mid * 20..names + mid * 20 + 20)?;
            match name.cmp(oid) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => {
                    let offsets = names + self.count * 24;
                    let off = be32(&self.idx, offsets + mid * 4)?;
                    if off & 0x8000_0000 == 0 {
                        return Some(off as u64);
                    }
                    let large = offsets + self.count * 4 + (off & 0x7fff_ffff) as usize * 8;
                    return Some(u64::from_be_bytes(
                        self.idx.get(large..large + 8)?.try_into().ok()?,
                    ));
                }
            }
        }
        None
    }

    fn size(&self, oid: &[u8], inflater: &mut DecompressorOxide) -> Option<u64> {
        let offset = self.offset(oid)?;
        let mut buf = [0u8; 96];
        let n = read_at_most(&self.data, &mut buf, offset)?;
        let buf = &buf[..n];
        // entry header: type in bits 4-6 of the first byte, size in a little-endian varint
        let mut i = 0;
        let first = *buf.first()?;
        let kind = (first >> 4) & 7;
        let mut size = (first & 0x0f) as u64;
        let mut shift = 4;
        let mut byte = first;
        while byte & 0x80 != 0 {
            i += 1;
            byte = *buf.get(i)?;
            size |= ((byte & 0x7f) as u64) << shift;
            shift += 7;
            if shift > 63 {
                return None;
            }
        }
        i += 1;
        match kind {
            1..=4 => Some(size),
            6 => {
                // OFS_DELTA: a varint offset back to the base, then the delta's zlib stream
                while *buf.get(i)? & 0x80 != 0 {
                    i += 1;
                }
                i += 1;
                delta_result_size(&self.data, offset + i as u64, inflater)
            }
            7 => delta_result_size(&self.data, offset + i as u64 + 20, inflater),
            _ => None,
        }
    }
}

fn read_at_most(file: &File, buf: &mut [u8], offset: u64) -> Option<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match file.read_at(&mut buf[filled..], offset + filled as u64) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(_) => return None,
        }
    }
    (filled > 0).then_some(filled)
}

/// A delta starts with two varints: the base's size and the result's size.
fn delta_result_size(file: &File, at: u64, inflater: &mut DecompressorOxide) -> Option<u64> {
    let mut input = [0u8; 256];
    let n = read_at_most(file, &mut input, at)?;
    let mut out = [0u8; 32];
    inflater.init();
    let flags = inflate_flags::TINFL_FLAG_PARSE_ZLIB_HEADER
        | inflate_flags::TINFL_FLAG_HAS_MORE_INPUT
        | inflate_flags::TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF;
    let (status, _, written) = decompress(inflater, &input[..n], &mut out, 0, flags);
    if !matches!(
        status,
        TINFLStatus::HasMoreOutput | TINFLStatus::Done | TINFLStatus::NeedsMoreInput
    ) {
        return None;
    }
    let out = &out[..written];
    let (_base, at) = super::packwalk::varint(out, 0)?;
    super::packwalk::varint(out, at).map(|(n, _)| n as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every blob's size from the pack reader agrees with libgit2, deltas included. Uses the git
    /// command to pack (and deltify) a repository; skipped where git is not installed.
    #[test]
    fn sizes_agree_with_libgit2_on_a_packed_repository() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let git = |args: &[&str]| {
            std::process::Command::new("git")
                .args(args)
                .current_dir(dir)
                .env("GIT_AUTHOR_NAME", "T")
                .env("GIT_AUTHOR_EMAIL", "t@nhs.example")
                .env("GIT_COMMITTER_NAME", "T")
                .env("GIT_COMMITTER_EMAIL", "t@nhs.example")
                .output()
        };
        if git(&["init", "-q"]).is_err() {
            eprintln!("skipped: git is not installed");
            return;
        }
        let mut text = String::new();
        for round in 0..6 {
            for line in 0..400 {
                text.push_str(&format!(
                    "line {line} of round {round}: the quick brown fox\n"
                ));
            }
            std::fs::write(dir.join("big.txt"), &text).unwrap();
            std::fs::write(dir.join("small.txt"), format!("round {round}\n")).unwrap();
            git(&["add", "-A"]).unwrap();
            git(&["commit", "-qm", &format!("round {round}")]).unwrap();
        }
        git(&["gc", "-q", "--aggressive"]).unwrap();
        let repo = git2::Repository::open(dir).unwrap();
        let packs = PackSizes::open(repo.path()).expect("packs readable");
        let odb = repo.odb().unwrap();
        let mut inflater = DecompressorOxide::new();
        let mut checked = 0;
        let mut deltas = 0;
        odb.foreach(|oid| {
            let (len, kind) = odb.read_header(*oid).unwrap();
            let ours = packs.size(oid.as_bytes(), &mut inflater);
            assert_eq!(ours, Some(len as u64), "{oid} ({kind:?})");
            checked += 1;
            if kind == git2::ObjectType::Blob && len > 10_000 {
                deltas += 1;
            }
            true
        })
        .unwrap();
        assert!(
            checked > 20 && deltas >= 5,
            "{checked} objects, {deltas} large blobs"
        );
        assert_eq!(packs.size(&[0u8; 20], &mut inflater), None);
    }
}
