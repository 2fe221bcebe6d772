//! Regenerates `src/licence/reference.bin`, the small licence reference openready loads first: the
//! licences NHS repositories use and their near variants, cut from the SPDX list that the `spdx`
//! crate carries. Run after changing `REFERENCE_LICENCES` or upgrading `spdx`:
//!
//!     cargo run --release --example licence-reference
use spdx::detection::{LicenseEntry, Store};

fn main() {
    let full = Store::load_inline().expect("the spdx crate's licence cache loads");
    let refs = openready::licence::REFERENCE_LICENCES;
    // Every licence that resembles one of the reference's (its neighbours) comes along, so that a
    // text matching a reference licence at the normal threshold has no closer rival outside it.
    let neighbours: std::collections::BTreeSet<&String> = full
        .iter()
        .filter(|(name, entry)| {
            !refs.contains(&name.as_str())
                && refs.iter().any(|r| {
                    full.get_original(r).is_some_and(|t| {
                        t.match_score(&entry.original) >= openready::licence::NEIGHBOUR
                    })
                })
        })
        .map(|(name, _)| name)
        .collect();
    let mut small = Store::new();
    for (name, entry) in full.iter() {
        if refs.contains(&name.as_str()) || neighbours.contains(name) {
            let mut copy = LicenseEntry {
                original: entry.original.clone(),
                aliases: entry.aliases.clone(),
                headers: entry.headers.clone(),
                alternates: entry.alternates.clone(),
            };
            // SPDX's LGPL-3.0 text carries the GPL-3.0 it incorporates; the file projects ship
            // (the FSF's lgpl-3.0.txt, often COPYING.LESSER) holds only the LGPL part
            if name.starts_with("LGPL-3.0") {
                let lines = entry.original.lines();
                if let Some(gpl) = lines
                    .iter()
                    .skip(10)
                    .position(|l| l.trim().eq_ignore_ascii_case("gnu general public license"))
                {
                    let lesser = lines[..gpl + 10].join("\n");
                    copy.alternates
                        .push(spdx::detection::TextData::new(&lesser));
                }
            }
            small.insert_entry(name.clone(), copy);
        }
    }
    let missing: Vec<_> = openready::licence::REFERENCE_LICENCES
        .iter()
        .filter(|n| small.get_original(n).is_none())
        .collect();
    assert!(missing.is_empty(), "not in the SPDX list: {missing:?}");
    println!(
        "{} licences and {} neighbours",
        refs.len(),
        neighbours.len()
    );
    // one cache per licence, indexed by the words of its texts
    let mut entries = Vec::new();
    for (name, entry) in small.iter() {
        let texts = std::iter::once(&entry.original)
            .chain(&entry.alternates)
            .chain(&entry.headers);
        let words: Vec<String> = texts
            .map(|t| {
                openready::licence::reference::word_counts(t.lines())
                    .iter()
                    .map(|(w, n)| format!("{w} {n}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        let mut one = Store::new();
        one.insert_entry(
            name.clone(),
            openready::licence::reference::clone_entry(entry),
        );
        let mut cache = Vec::new();
        one.to_cache(&mut cache).expect("serialised");
        entries.push((name.clone(), words.join("\n"), cache));
    }
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/licence/reference.bin");
    std::fs::write(path, openready::licence::reference::write(&entries)).expect("writable");
    println!("{} licences written to {path}", entries.len());
}
