//! Licences identified from their text, and copyright notices.
//!
//! Identification is askalono's algorithm (the `spdx` crate's copy of it), in two tiers. A small
//! reference (`reference.bin`: the licences NHS repositories use and their near variants, cut from the
//! SPDX list by `examples/licence-reference.rs`) is indexed by wording, so that a text decodes only
//! the few licences whose words it holds (see [`reference`]); it settles texts that match a licence
//! almost word for word, and licences side by side in one file, in milliseconds. Anything less
//! certain is judged against the whole SPDX list, which takes a few hundred milliseconds to load and
//! so is loaded only when needed. Below the confidence threshold a text is "unrecognised": openready
//! names the closest licence but never claims it.

pub mod copyright;
pub mod facts;
pub mod manifest;
pub mod reference;

pub use facts::Facts;

use std::sync::{LazyLock, OnceLock};

use reference::Licences;
use serde::Serialize;
use spdx::detection::{LicenseType, Store, TextData};

/// The licences of the small reference, by SPDX id as the SPDX list names them.
pub const REFERENCE_LICENCES: &[&str] = &[
    "MIT",
    "MIT-0",
    "MIT-Modern-Variant",
    "MIT-advertising",
    "MIT-CMU",
    "MITNFA",
    "HPND-MIT-disclaimer",
    "Apache-1.1",
    "Apache-2.0",
    "GPL-2.0-or-later",
    "GPL-3.0-or-later",
    "GPL-3.0-with-GCC-exception",
    "LGPL-2.1-or-later",
    "LGPL-3.0-or-later",
    "AGPL-3.0-or-later",
    "MPL-2.0",
    "BSD-2-Clause",
    "BSD-3-Clause",
    "BSD-3-Clause-Clear",
    "ISC",
    "0BSD",
    "Unlicense",
    "CC0-1.0",
    "CC-BY-4.0",
    "CC-BY-SA-4.0",
    "OGL-UK-1.0",
    "OGL-UK-2.0",
    "OGL-UK-3.0",
    "EUPL-1.2",
    "BSL-1.0",
    "Zlib",
    "Artistic-2.0",
    "EPL-2.0",
    "WTFPL",
];

/// How similar another SPDX licence must be to a reference licence to be carried in the reference as
/// its neighbour (see `examples/licence-reference.rs`).
pub const NEIGHBOUR: f32 = 0.8;
/// A match against the reference is accepted without the full list: the reference carries every
/// licence that could rival one of its own, so its verdict at the threshold is the full list's.
const FAST_ACCEPT: f32 = THRESHOLD;
/// The least confidence at which a licence is identified at all.
pub const THRESHOLD: f32 = 0.9;

static FULL: OnceLock<Option<Store>> = OnceLock::new();

fn full_store() -> Option<&'static Store> {
    FULL.get_or_init(|| Store::load_inline().ok()).as_ref()
}

/// A licence found in a text.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Identified {
    pub spdx: String,
    pub confidence: f32,
    /// 1-based first and last line of the text the licence occupies.
    pub lines: (usize, usize),
}

/// What a licence file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TextKind {
    /// One or more licence texts, identified.
    Licence,
    /// A licence's standard notice (e.g. Apache's "Licensed under the Apache License…"), not its text.
    Notice,
    /// Only a licence's name (e.g. the single word "MIT").
    NameOnly,
    /// Only a link to a licence.
    LinkOnly,
    /// Nothing.
    Empty,
    /// Licence-like text that is not a known licence (custom, proprietary, modified).
    Unrecognised,
}

/// The verdict on one text.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Identification {
    pub kind: TextKind,
    pub licences: Vec<Identified>,
    /// For an unrecognised text: the closest licence and how close.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closest: Option<(String, f32)>,
    /// For a licence text with words added that restrict it: those words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub modified: Option<String>,
    /// Unrecognised only among the common licences: the whole SPDX list was not consulted.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub pending: bool,
}

/// Licence names as people write them, with the SPDX id they mean.
const NAMES: &[(&str, &str)] = &[
    (r"\bMIT\b", "MIT"),
    (
        r"\bApache(\s+Licen[cs]e)?,?\s+(v(ersion)?\s*)?2(\.0)?\b|\bAPLv2\b|\bApache-2\.0\b",
        "Apache-2.0",
    ),
    (r"\bGNU\s+Affero\b|\bAGPL", "AGPL-3.0-or-later"),
    (
        r"\bGNU\s+(General\s+Public\s+Licen[cs]e|GPL)\s*(v(ersion)?\s*)?3|\bGPL-?v?3",
        "GPL-3.0-only",
    ),
    (
        r"\bOpen\s+Government\s+(Licen[cs]e|3\.0|v3)|\bOGL",
        "OGL-UK-3.0",
    ),
    (r"\bBSD\b", "BSD-3-Clause"),
    (r"\bMozilla\s+Public\s+Licen[cs]e\b|\bMPL\b", "MPL-2.0"),
    (r"\bCC0\b|\bCreative\s+Commons\s+Zero\b", "CC0-1.0"),
];

static NAME_RES: LazyLock<Vec<(regex_lite::Regex, &'static str)>> = LazyLock::new(|| {
    NAMES
        .iter()
        .map(|(re, id)| {
            (
                regex_lite::RegexBuilder::new(re)
                    .case_insensitive(true)
                    .build()
                    .expect("valid"),
                *id,
            )
        })
        .collect()
});

/// SPDX ids of the licences a text names (not identified from a licence text: just mentioned).
pub fn named_licences(text: &str) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = NAME_RES
        .iter()
        .filter(|(re, _)| re.is_match(text))
        .map(|(_, id)| *id)
        .collect();
    out.dedup();
    out
}

static LATER: LazyLock<regex_lite::Regex> = LazyLock::new(|| {
    regex_lite::RegexBuilder::new(r"(at\s+your\s+option\)?\s+any\s+later\s+version|or[- ]later)")
        .case_insensitive(true)
        .build()
        .expect("valid")
});

/// Does a text (a README) grant "any later version" of a GNU licence?
pub fn says_later(text: &str) -> bool {
    static NOTICE: LazyLock<regex_lite::Regex> = LazyLock::new(|| {
        regex_lite::RegexBuilder::new(r"(at\s+your\s+option\)?\s+any\s+later\s+version|\bGPL-\d\.\d-or-later\b|\bGPL-?v?\d\+)")
            .case_insensitive(true)
            .build()
            .expect("valid")
    });
    NOTICE.is_match(text)
}

/// Markdown and reStructuredText decoration that is not part of a licence's words.
fn undecorate(text: &str) -> String {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let mut l = line.trim_end_matches('\r').trim_start();
        while let Some(rest) = l.strip_prefix('>') {
            l = rest.trim_start();
        }
        let l = l.trim_start_matches('#').trim_start();
        // underlines of setext / rst headings
        if !l.is_empty() && l.chars().all(|c| matches!(c, '=' | '-' | '~' | '^' | '*')) {
            out.push('\n');
            continue;
        }
        out.push_str(&l.replace("**", "").replace("__", "").replace('`', ""));
        out.push('\n');
    }
    out
}

/// How hard to look.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Depth {
    /// Consult the whole SPDX list only when a text comes close to a licence of the small reference
    /// (which holds every approved licence and its near variants), so a verdict never depends on a
    /// guess; a text far from all of them is reported unrecognised with its closest reference
    /// licence. What `check` uses.
    Verdict,
    /// Always name a text against the whole SPDX list when the reference cannot (`openready licence`).
    Precise,
}

/// Start loading the licence reference on another thread, so that it is ready when a licence rule
/// asks for it (a run that will need it calls this first).
pub fn preload() {
    std::thread::spawn(|| {
        // the index, and the text normaliser's patterns (compiled on first use)
        let _ = reference::available();
        let _ = TextData::new("warm");
    });
}

/// Identify the licence(s) in a text.
pub fn identify(text: &str) -> Identification {
    identify_at(text, Depth::Precise)
}

/// Identify the licence(s) in a text, looking as hard as `depth` asks.
pub fn identify_at(text: &str, depth: Depth) -> Identification {
    let clean = undecorate(text);
    let words = clean.split_whitespace().count();
    if words == 0 {
        return Identification {
            kind: TextKind::Empty,
            licences: Vec::new(),
            closest: None,
            modified: None,
            pending: false,
        };
    }
    let td = TextData::new(&clean);
    // short texts cannot be a licence: they name or link one
    if words < 40 {
        let named = named_licences(&clean);
        let linked =
            clean.contains("http://") || clean.contains("https://") || clean.contains("www.");
        return if linked && !named.is_empty() {
            // a declaration that points to the licence's canonical text: it declares that licence
            let lines = (1, count_lines(text));
            let licences = named
                .iter()
                .map(|id| Identified {
                    spdx: id.to_string(),
                    confidence: 1.0,
                    lines,
                })
                .collect();
            Identification {
                kind: TextKind::LinkOnly,
                licences,
                closest: None,
                modified: None,
                pending: false,
            }
        } else if linked {
            Identification {
                kind: TextKind::LinkOnly,
                licences: Vec::new(),
                closest: None,
                modified: None,
                pending: false,
            }
        } else if !named.is_empty() {
            // a bare name is not a licence: nothing says which text or version
            Identification {
                kind: TextKind::NameOnly,
                licences: Vec::new(),
                closest: None,
                modified: None,
                pending: false,
            }
        } else {
            Identification {
                kind: TextKind::Unrecognised,
                licences: Vec::new(),
                closest: None,
                modified: None,
                pending: false,
            }
        };
    }
    let total_lines = td.lines().len().max(1);
    // "or any later version" counts only where the text says it more often than the licence itself
    // does (the GPL's own text contains the phrase)
    let later_than = |name: &str, reference: &TextData| {
        name.contains("GPL")
            && LATER.find_iter(&clean).count()
                > LATER.find_iter(&reference.lines().join("\n")).count()
    };
    // (licences, kind, and for a modified text: closest licence, score, the restricting words)
    type Found = (Vec<Identified>, TextKind, Option<(String, f32, String)>);
    // Licences found by a top-down scan, when together they account for the whole text and none of
    // them is itself modified.
    let top_down = |store: &Licences, threshold: f32| -> Option<Found> {
        // licences side by side, found from their wording line by line
        if let Some(regions) = segments(store, &td) {
            if regions.iter().map(|r| r.1 - r.0).sum::<usize>() * 10 >= total_lines * 8 {
                let (mut v, mut notices) = (Vec::new(), true);
                for &(start, end) in &regions {
                    let region = td.with_view(start, end);
                    let Some(best) = store.analyze(&region) else {
                        v.clear();
                        break;
                    };
                    if best.score < threshold
                        || restrictive_addition(
                            region.lines(),
                            &family_lines(store, best.name),
                            best.score,
                        )
                        .is_some()
                    {
                        v.clear();
                        break;
                    }
                    notices &= best.license_type == LicenseType::Header;
                    v.push(Identified {
                        spdx: spdx_id(best.name, later_than(best.name, best.data)),
                        confidence: best.score,
                        lines: (start + 1, end),
                    });
                }
                if !v.is_empty() {
                    let kind = if notices {
                        TextKind::Notice
                    } else {
                        TextKind::Licence
                    };
                    return Some((v, kind, None));
                }
            }
        }
        None
    };

    let found = |store: &Licences, threshold: f32| -> Option<Found> {
        let m = store.analyze(&td)?;
        if m.score >= threshold {
            let later = later_than(m.name, m.data);
            let Some(added) =
                restrictive_addition(td.lines(), &family_lines(store, m.name), m.score)
            else {
                let kind = if m.license_type == LicenseType::Header {
                    TextKind::Notice
                } else {
                    TextKind::Licence
                };
                let whole = Identified {
                    spdx: spdx_id(m.name, later),
                    confidence: m.score,
                    lines: (1, count_lines(text)),
                };
                return Some((vec![whole], kind, None));
            };
            // the "addition" may be a second licence: look for licences line by line
            if let Some(v) = top_down(store, threshold) {
                return Some(v);
            }
            return Some((
                vec![],
                TextKind::Unrecognised,
                Some((spdx_id(m.name, later), m.score, added)),
            ));
        }
        // no one licence for the whole text: licences side by side, with little else?
        top_down(store, threshold)
    };
    if reference::available() {
        let small = &reference::for_text(&td);
        if let Some((v, kind, None)) = found(small, FAST_ACCEPT) {
            return Identification {
                kind,
                licences: v,
                closest: None,
                modified: None,
                pending: false,
            };
        }
        if depth == Depth::Verdict {
            // Not near-verbatim: only the whole SPDX list could name it. Leave that to a rule that
            // needs it (licence-approved does, when the closest licence is one it approves).
            let closest = small
                .analyze(&td)
                .map(|m| (spdx_id(m.name, false), m.score));
            return Identification {
                kind: TextKind::Unrecognised,
                licences: Vec::new(),
                closest,
                modified: None,
                pending: true,
            };
        }
    }
    let Some(full) = full_store().map(Licences::of) else {
        return Identification {
            kind: TextKind::Unrecognised,
            licences: Vec::new(),
            closest: None,
            modified: None,
            pending: false,
        };
    };
    match found(&full, THRESHOLD) {
        Some((_, _, Some((name, score, added)))) => Identification {
            kind: TextKind::Unrecognised,
            licences: Vec::new(),
            closest: Some((name, score)),
            modified: Some(added),
            pending: false,
        },
        Some((v, kind, None)) => Identification {
            kind,
            licences: v,
            closest: None,
            modified: None,
            pending: false,
        },
        None => Identification {
            kind: TextKind::Unrecognised,
            licences: Vec::new(),
            closest: full.analyze(&td).map(|m| (spdx_id(m.name, false), m.score)),
            modified: None,
            pending: false,
        },
    }
}

/// Words that make an addition to a licence a restriction (or a condition) rather than a remark.
const RESTRICTIVE: &[&str] = &[
    "not",
    "no",
    "never",
    "nor",
    "prohibited",
    "prohibits",
    "forbidden",
    "restricted",
    "restriction",
    "restrictions",
    "commercial",
    "commercially",
    "except",
    "excluding",
    "exclusively",
    "solely",
    "only",
    "must",
    "shall",
    "revoke",
    "revoked",
    "terminate",
    "terminated",
    "fee",
    "fees",
    "royalty",
    "royalties",
    "pay",
    "payment",
    "permission",
    "approval",
    "consent",
    "military",
    "patent",
    "patents",
    "noncommercial",
    "non",
];

/// Words added to a licence text that restrict it: runs of four or more words that the reference
/// text does not have, containing a restrictive word. A near-verbatim text (score ≥ 0.995) is not
/// examined; a remark such as "see the README" is not a restriction.
fn restrictive_addition(text: &[String], reference: &[String], score: f32) -> Option<String> {
    if score >= 0.995 || reference.is_empty() {
        return None;
    }
    let words = |lines: &[String]| -> Vec<String> {
        lines
            .iter()
            .flat_map(|l| {
                l.split(|c: char| !c.is_alphanumeric())
                    .filter(|w| !w.is_empty())
                    .map(str::to_lowercase)
                    .collect::<Vec<_>>()
            })
            .collect()
    };
    let reference = words(reference);
    let trigrams: std::collections::HashSet<(&str, &str, &str)> = reference
        .windows(3)
        .map(|w| (w[0].as_str(), w[1].as_str(), w[2].as_str()))
        .collect();
    // what follows "END OF TERMS AND CONDITIONS" (GNU and Apache texts) is guidance on applying
    // the licence, which the SPDX reference leaves out as optional
    let end = text
        .iter()
        .position(|l| l.to_lowercase().contains("end of terms and conditions"))
        .map_or(text.len(), |i| i + 1);
    let text = words(&text[..end]);
    let mut covered = vec![false; text.len()];
    for (i, w) in text.windows(3).enumerate() {
        if trigrams.contains(&(w[0].as_str(), w[1].as_str(), w[2].as_str())) {
            covered[i] = true;
            covered[i + 1] = true;
            covered[i + 2] = true;
        }
    }
    let mut i = 0;
    while i < text.len() {
        if covered[i] {
            i += 1;
            continue;
        }
        let start = i;
        while i < text.len() && !covered[i] {
            i += 1;
        }
        let run = &text[start..i];
        if run.len() >= 4 && run.iter().any(|w| RESTRICTIVE.contains(&w.as_str())) {
            return Some(run.join(" "));
        }
    }
    None
}

/// The reference lines of a licence and of every entry of its family (`GPL-2.0+`,
/// `GPL-2.0-or-later`…), which differ in their appendices: an addition counts only if none has it.
fn family_lines(store: &Licences, name: &str) -> Vec<String> {
    let base = family_base(name);
    store
        .iter()
        .filter(|(n, _)| family_base(n) == base)
        .flat_map(|(_, e)| {
            e.original
                .lines()
                .iter()
                .cloned()
                .chain(e.alternates.iter().flat_map(|a| a.lines().iter().cloned()))
        })
        .collect()
}

/// Regions of a text (0-based line ranges, end exclusive) that each read as one licence of `store`,
/// found from word pairs alone: each line is labelled with the licences holding most of its word
/// pairs, and a region runs while some licence can account for all its lines. `None` unless there
/// are at least two regions.
fn segments(store: &Licences, text: &TextData) -> Option<Vec<(usize, usize)>> {
    // word pairs, hashed (FNV-1a over the lower-cased words)
    fn pairs(line: &str) -> Vec<u64> {
        let words: Vec<u64> = line
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(|w| {
                w.chars()
                    .flat_map(char::to_lowercase)
                    .fold(0xcbf2_9ce4_8422_2325u64, |h, c| {
                        (h ^ c as u64).wrapping_mul(0x0100_0000_01b3)
                    })
            })
            .collect();
        words
            .windows(2)
            .map(|w| w[0].rotate_left(21) ^ w[1])
            .collect()
    }
    let known: Vec<std::collections::HashSet<u64>> = store
        .iter()
        .map(|(_, e)| {
            std::iter::once(&e.original)
                .chain(&e.alternates)
                .flat_map(|t| t.lines().iter().flat_map(|l| pairs(l)))
                .collect()
        })
        .collect();
    let mut regions: Vec<(usize, usize)> = Vec::new();
    // the open region: first and last labelled line, and the licences that fit it all
    let mut open: Option<(usize, usize, Vec<usize>)> = None;
    for (i, line) in text.lines().iter().enumerate() {
        let p = pairs(line);
        if p.len() < 3 {
            continue; // too short to say: titles, blank lines, list markers
        }
        let fits: Vec<usize> = (0..known.len())
            .filter(|&k| p.iter().filter(|x| known[k].contains(*x)).count() * 10 >= p.len() * 7)
            .collect();
        if fits.is_empty() {
            continue; // a copyright line, a remark: belongs to no licence
        }
        open = match open.take() {
            Some((start, _, prev)) if prev.iter().any(|k| fits.contains(k)) => {
                let both = prev.into_iter().filter(|k| fits.contains(k)).collect();
                Some((start, i, both))
            }
            Some((start, last, _)) => {
                regions.push((start, last + 1));
                Some((i, i, fits))
            }
            None => Some((i, i, fits)),
        };
    }
    if let Some((start, last, _)) = open {
        regions.push((start, last + 1));
    }
    // a stray line that fits some other licence is not a licence
    regions.retain(|r| r.1 - r.0 >= 3);
    (!regions.is_empty()).then_some(regions)
}

fn family_base(name: &str) -> &str {
    name.trim_end_matches('+')
        .trim_end_matches("-only")
        .trim_end_matches("-or-later")
}

fn count_lines(text: &str) -> usize {
    text.lines().count().max(1)
}

/// The SPDX list stores the GPL family's text as `-or-later` (the texts are identical); a text alone
/// grants only its own version, so it is reported as `-only` unless the file says "or any later
/// version".
fn spdx_id(name: &str, later: bool) -> String {
    let plus = name.strip_suffix('+').map(|b| format!("{b}-or-later"));
    let name = plus.as_deref().unwrap_or(name);
    match name.strip_suffix("-or-later") {
        Some(base)
            if !later
                && (base.starts_with("GPL-")
                    || base.starts_with("LGPL-")
                    || base.starts_with("AGPL-")) =>
        {
            format!("{base}-only")
        }
        _ => name.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIT: &str = "MIT License\n\nCopyright (c) 2023 Crown Copyright NHS England\n\nPermission is hereby granted, free of charge, to any person obtaining a copy\nof this software and associated documentation files (the \"Software\"), to deal\nin the Software without restriction, including without limitation the rights\nto use, copy, modify, merge, publish, distribute, sublicense, and/or sell\ncopies of the Software, and to permit persons to whom the Software is\nfurnished to do so, subject to the following conditions:\n\nThe above copyright notice and this permission notice shall be included in all\ncopies or substantial portions of the Software.\n\nTHE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR\nIMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,\nFITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE\nAUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER\nLIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,\nOUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE\nSOFTWARE.\n";

    #[test]
    fn the_reference_loads_and_holds_every_listed_licence() {
        let small = reference::all();
        for name in REFERENCE_LICENCES {
            assert!(
                small.get_original(name).is_some(),
                "{name} missing: run `cargo run --release --example licence-reference`"
            );
        }
        assert!(
            small.len() > REFERENCE_LICENCES.len(),
            "neighbours are carried too"
        );
    }

    #[test]
    fn mit_is_identified_in_plain_markdown_and_crlf_forms() {
        for text in [
            MIT.to_string(),
            format!("# {}", MIT.replace("MIT License", "MIT Licence")),
            MIT.replace('\n', "\r\n"),
            format!("\u{feff}{MIT}"),
        ] {
            let id = identify(&text);
            assert_eq!(id.kind, TextKind::Licence, "{text:?}");
            assert_eq!(id.licences.len(), 1);
            assert_eq!(id.licences[0].spdx, "MIT");
            assert!(id.licences[0].confidence >= 0.9);
        }
    }

    #[test]
    fn a_modified_text_is_unrecognised_never_guessed() {
        let cut = MIT.split("THE SOFTWARE IS PROVIDED").next().unwrap();
        let id = identify(cut);
        assert_ne!(
            id.licences
                .iter()
                .map(|l| l.spdx.as_str())
                .collect::<Vec<_>>(),
            vec!["MIT"],
            "{id:?}"
        );
    }

    #[test]
    fn an_added_restriction_makes_a_text_unrecognised_but_a_remark_does_not() {
        let restricted = MIT.replace(
            "furnished to do so, subject to the following conditions:",
            "furnished to do so, subject to the following conditions:\n\nThe Software may not be used for commercial purposes.",
        );
        let id = identify(&restricted);
        assert_eq!(id.kind, TextKind::Unrecognised, "{id:?}");
        assert!(
            id.modified.as_deref().unwrap_or("").contains("commercial"),
            "{id:?}"
        );
        let remark = format!("{MIT}\nFor further information about this project, see the README file in the root of this repository.\n");
        let id = identify(&remark);
        assert_eq!(
            id.licences.first().map(|l| l.spdx.as_str()),
            Some("MIT"),
            "{id:?}"
        );
    }

    #[test]
    fn short_texts_name_or_link_a_licence() {
        assert_eq!(identify("MIT").kind, TextKind::NameOnly);
        let link = identify("Licensed under the OGL v3: https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/");
        assert_eq!(link.kind, TextKind::LinkOnly);
        assert_eq!(link.licences[0].spdx, "OGL-UK-3.0");
        assert_eq!(identify("  \n").kind, TextKind::Empty);
    }

    #[test]
    fn licences_side_by_side_in_one_file_are_each_found_with_their_lines() {
        let corpus = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/licence-corpus");
        let read = |p: &str| std::fs::read_to_string(format!("{corpus}/{p}")).expect("corpus file");
        let apache = read("21-apache-full-text-no-notice/LICENSE");
        let bsd = read("37-bsd-3-clause/LICENSE");
        let text = format!("{apache}\n\n---\n\n{bsd}\n\n{MIT}");
        let id = identify_at(&text, Depth::Verdict);
        let names: Vec<&str> = id.licences.iter().map(|l| l.spdx.as_str()).collect();
        assert_eq!(names, ["Apache-2.0", "BSD-3-Clause", "MIT"], "{id:?}");
        let ends: Vec<(usize, usize)> = id.licences.iter().map(|l| l.lines).collect();
        assert!(
            ends.windows(2).all(|w| w[0].1 < w[1].0),
            "regions do not overlap: {ends:?}"
        );
        // a licence followed by prose that is no licence is not two licences
        let tail = "This project also ships a tutorial written by the team, which explains how \
                    the pipeline reads its inputs and where the outputs go, with worked examples.\n"
            .repeat(8);
        let id = identify_at(&format!("{MIT}\n{tail}"), Depth::Verdict);
        assert_ne!(id.kind, TextKind::Licence, "{id:?}");
    }

    #[test]
    fn gpl_texts_are_only_unless_they_say_later() {
        assert_eq!(spdx_id("GPL-3.0-or-later", false), "GPL-3.0-only");
        assert_eq!(spdx_id("GPL-3.0-or-later", true), "GPL-3.0-or-later");
        assert_eq!(spdx_id("MIT", false), "MIT");
        assert_eq!(spdx_id("GPL-2.0+", false), "GPL-2.0-only");
    }
}
