//! The small licence reference, indexed by wording.
//!
//! `reference.bin` (written by `examples/licence-reference.rs`) holds, for each licence, the words
//! of each of its texts with their counts, and the licence itself as a one-entry `spdx` cache. A
//! text is matched only against the licences whose words it mostly contains: a licence that matches
//! a text (or part of it) closely shares its bigrams, so nearly every word it uses occurs in the
//! text. Loading a handful of licences instead of all of them keeps a run's licence analysis within
//! a few milliseconds.
//!
//! Layout (little-endian): the magic `openready-licences-1\n`, a `u16` entry count, then per entry a
//! `u16`-prefixed name, a `u32`-prefixed word index (texts separated by `\n`, each `word count`
//! pairs separated by spaces) and a `u32`-prefixed cache.

use std::collections::{HashMap, HashSet};
use std::sync::{LazyLock, OnceLock};

use spdx::detection::{LicenseEntry, LicenseType, Store, TextData};

const MAGIC: &[u8] = b"openready-licences-1\n";
static BYTES: &[u8] = include_bytes!("reference.bin");

/// The share of a licence's words (counted with repeats) a text must hold for the licence to be
/// considered. A licence matching at the threshold shares about nine in ten of its bigrams with the
/// text, and so nearly all its words; its look-alikes (similarity 0.8) still share most of them.
pub const COVERAGE: f32 = 0.7;

struct Entry {
    name: &'static str,
    /// Per text of the licence: its words and their counts.
    texts: Vec<Vec<(&'static str, u32)>>,
    cache: &'static [u8],
    decoded: OnceLock<Option<Store>>,
}

impl Entry {
    fn licence(&'static self) -> Option<(&'static str, &'static LicenseEntry)> {
        let store = self
            .decoded
            .get_or_init(|| Store::from_cache(self.cache).ok())
            .as_ref()?;
        store.iter().next().map(|(n, e)| (n.as_str(), e))
    }
}

static INDEX: LazyLock<Vec<Entry>> = LazyLock::new(|| parse(BYTES).unwrap_or_default());

fn parse(mut b: &'static [u8]) -> Option<Vec<Entry>> {
    fn take<'a>(b: &mut &'a [u8], n: usize) -> Option<&'a [u8]> {
        if b.len() < n {
            return None;
        }
        let (head, tail) = b.split_at(n);
        *b = tail;
        Some(head)
    }
    fn len(b: &mut &[u8], width: usize) -> Option<usize> {
        let raw = take(b, width)?;
        Some(raw.iter().rev().fold(0usize, |n, &x| n << 8 | x as usize))
    }
    if take(&mut b, MAGIC.len())? != MAGIC {
        return None;
    }
    let count = len(&mut b, 2)?;
    let mut out = Vec::with_capacity(count);
    for _ in 0..count {
        let n = len(&mut b, 2)?;
        let name = std::str::from_utf8(take(&mut b, n)?).ok()?;
        let n = len(&mut b, 4)?;
        let words = std::str::from_utf8(take(&mut b, n)?).ok()?;
        let texts = words
            .split('\n')
            .map(|text| {
                let mut it = text.split(' ');
                std::iter::from_fn(|| Some((it.next()?, it.next()?.parse().unwrap_or(1)))).collect()
            })
            .collect();
        let n = len(&mut b, 4)?;
        let cache = take(&mut b, n)?;
        out.push(Entry {
            name,
            texts,
            cache,
            decoded: OnceLock::new(),
        });
    }
    Some(out)
}

/// Write a reference in the layout above (used by the generator).
pub fn write(entries: &[(String, String, Vec<u8>)]) -> Vec<u8> {
    let mut out = MAGIC.to_vec();
    out.extend((entries.len() as u16).to_le_bytes());
    for (name, words, cache) in entries {
        out.extend((name.len() as u16).to_le_bytes());
        out.extend(name.as_bytes());
        out.extend((words.len() as u32).to_le_bytes());
        out.extend(words.as_bytes());
        out.extend((cache.len() as u32).to_le_bytes());
        out.extend(cache);
    }
    out
}

/// The words of a normalised text, lower-cased, with their counts, as the index stores them.
pub fn word_counts(lines: &[String]) -> Vec<(String, u32)> {
    let mut counts: HashMap<String, u32> = HashMap::new();
    for w in words(lines) {
        *counts.entry(w).or_default() += 1;
    }
    let mut v: Vec<_> = counts.into_iter().collect();
    v.sort();
    v
}

fn words(lines: &[String]) -> impl Iterator<Item = String> + '_ {
    lines.iter().flat_map(|l| {
        l.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(|w| w.to_lowercase())
    })
}

/// The names of every licence the reference holds.
pub fn names() -> impl Iterator<Item = &'static str> {
    INDEX.iter().map(|e| e.name)
}

/// Whether the reference data is present and readable.
pub fn available() -> bool {
    !INDEX.is_empty()
}

/// The reference licences `text` could hold, with their whole families.
pub fn for_text(text: &TextData) -> Licences {
    let present: HashSet<String> = words(text.lines()).collect();
    let mut chosen: Vec<&'static Entry> = INDEX
        .iter()
        .filter(|e| coverage(&e.texts, &present) >= COVERAGE)
        .collect();
    let bases: Vec<&str> = chosen.iter().map(|e| super::family_base(e.name)).collect();
    for e in INDEX.iter() {
        if bases.contains(&super::family_base(e.name))
            && !chosen.iter().any(|c| std::ptr::eq(*c, e))
        {
            chosen.push(e);
        }
    }
    load(&chosen)
}

/// The whole reference.
pub fn all() -> Licences {
    load(&INDEX.iter().collect::<Vec<_>>())
}

/// The best share, over a licence's texts, of its words (with repeats) that `present` holds.
fn coverage(texts: &[Vec<(&str, u32)>], present: &HashSet<String>) -> f32 {
    texts
        .iter()
        .map(|words| {
            let (mut held, mut all) = (0u32, 0u32);
            for &(w, _) in words {
                all += 1;
                if present.contains(w) {
                    held += 1;
                }
            }
            if all == 0 {
                0.0
            } else {
                held as f32 / all as f32
            }
        })
        .fold(0.0, f32::max)
}

/// The chosen licences, decoded (each once per process, on two threads when there are several).
fn load(chosen: &[&'static Entry]) -> Licences {
    let pending: Vec<&'static Entry> = chosen
        .iter()
        .copied()
        .filter(|e| e.decoded.get().is_none())
        .collect();
    if pending.len() >= 4 {
        let (a, b) = pending.split_at(pending.len() / 2);
        std::thread::scope(|s| {
            s.spawn(|| {
                b.iter().for_each(|e| {
                    let _ = e.licence();
                })
            });
            a.iter().for_each(|e| {
                let _ = e.licence();
            });
        });
    }
    Licences {
        entries: chosen.iter().filter_map(|e| e.licence()).collect(),
    }
}

/// A set of licences to match texts against: some of the reference, or the whole SPDX list.
pub struct Licences {
    entries: Vec<(&'static str, &'static LicenseEntry)>,
}

/// The licence that matches a text best.
pub struct Best {
    pub name: &'static str,
    pub score: f32,
    pub license_type: LicenseType,
    pub data: &'static TextData,
}

impl Licences {
    /// Every licence of a store.
    pub fn of(store: &'static Store) -> Licences {
        Licences {
            entries: store.iter().map(|(n, e)| (n.as_str(), e)).collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &'static LicenseEntry)> + '_ {
        self.entries.iter().copied()
    }

    pub fn get_original(&self, name: &str) -> Option<&'static TextData> {
        self.entries
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, e)| &e.original)
    }

    /// The best match for `text` among every text (original, alternates, standard headers) of every
    /// licence; ties go to the first name in order, so the verdict never depends on hashing.
    pub fn analyze(&self, text: &TextData) -> Option<Best> {
        let mut best: Option<Best> = None;
        for &(name, e) in &self.entries {
            let texts = std::iter::once((&e.original, LicenseType::Original))
                .chain(e.alternates.iter().map(|t| (t, LicenseType::Alternate)))
                .chain(e.headers.iter().map(|t| (t, LicenseType::Header)));
            for (data, license_type) in texts {
                let score = data.match_score(text);
                let better = best
                    .as_ref()
                    .is_none_or(|b| score > b.score || (score == b.score && name < b.name));
                if better {
                    best = Some(Best {
                        name,
                        score,
                        license_type,
                        data,
                    });
                }
            }
        }
        best
    }
}

pub fn clone_entry(e: &LicenseEntry) -> LicenseEntry {
    LicenseEntry {
        original: e.original.clone(),
        aliases: e.aliases.clone(),
        headers: e.headers.clone(),
        alternates: e.alternates.clone(),
    }
}
