//! The content scanner: secrets, connection strings, addresses, markings and personal data in text,
//! found by the detectors of the catalogue, and NHS numbers found by their check digit.
//!
//! The scanner works on bytes and knows nothing of git: the engine hands it the files of a tree, the
//! changed files of the index or the blobs of history. A file is read once for every detector: one
//! Aho-Corasick pass over the lower-cased keywords of all detectors decides which patterns run at all.
//! A secret is redacted as soon as it is found; only its redacted form and a fingerprint leave this
//! module, unless `--show-secrets` asked for the full value on a terminal.

pub mod catalogue;
pub mod fake;
pub mod nhs;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

pub use catalogue::{Category, Confidence, Detector, CATALOGUE};

use crate::finding::Level;

/// Bytes of one file that are scanned; the rest is skipped and the finding says so.
pub const MAX_SCAN: usize = 8 << 20;

static SHOW_SECRETS: AtomicBool = AtomicBool::new(false);

/// Keep the full secret in hits (`--show-secrets`, on a terminal only).
pub fn show_secrets(on: bool) {
    SHOW_SECRETS.store(on, Ordering::Relaxed);
}

/// One thing found in a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hit {
    /// The detector's id (`nhs-number` for NHS numbers).
    pub detector: &'static str,
    pub title: &'static str,
    pub category: Category,
    /// 1-based line and column (in bytes) of the secret.
    pub line: u32,
    pub column: u32,
    /// The secret with all but a recognisable prefix masked.
    pub redacted: String,
    /// A stable hash of the detector and the secret: the same secret has the same fingerprint in
    /// every file, commit and run.
    pub fingerprint: String,
    /// A level below the rule's (a weak or test-range NHS number).
    pub level: Option<Level>,
    /// Why a weak hit was kept, for the message.
    pub note: Option<&'static str>,
    /// The line carries `openready:allow`: `Some("")` for every rule, or the rule ids it names.
    pub allow: Option<String>,
    /// The full secret, only with `--show-secrets`.
    pub full: Option<String>,
    /// Where the secret is in the text (bytes).
    pub offset: usize,
    pub len: usize,
}

/// Whether an inline `openready:allow` directive (as [`Hit::allow`] holds it: empty for every rule,
/// or comma-separated rule ids) covers `rule`.
pub fn allow_covers(directive: &str, rule: &str) -> bool {
    let mut names = directive.split(',').filter(|s| !s.is_empty()).peekable();
    names.peek().is_none() || names.any(|n| n == rule)
}

/// What the scan of one text found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scanned {
    pub hits: Vec<Hit>,
    /// The text was longer than [`MAX_SCAN`]: only its beginning was scanned.
    pub truncated: bool,
    /// The text is binary and was not scanned.
    pub binary: bool,
}

struct Gate {
    ac: AhoCorasick,
    /// For each keyword pattern of `ac`, the detectors it gates.
    gated: Vec<Vec<usize>>,
}

static GATE: LazyLock<Option<Gate>> = LazyLock::new(|| {
    let mut keywords: Vec<String> = Vec::new();
    let mut gated: Vec<Vec<usize>> = Vec::new();
    for (i, d) in CATALOGUE.iter().enumerate() {
        for k in &d.keywords {
            match keywords.iter().position(|x| x == k) {
                Some(p) => gated[p].push(i),
                None => {
                    keywords.push(k.clone());
                    gated.push(vec![i]);
                }
            }
        }
    }
    // a DFA: one table lookup per byte, which keeps the overlapping search (every keyword, even
    // inside another) fast on gigabytes of history
    let ac = AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::Standard)
        .kind(Some(aho_corasick::AhoCorasickKind::DFA))
        .build(&keywords)
        .ok()?;
    Some(Gate { ac, gated })
});

/// Lock files and other generated files whose hashes look like secrets to generic detectors.
const GENERATED: &[&str] = &[
    "package-lock.json",
    "npm-shrinkwrap.json",
    "yarn.lock",
    "pnpm-lock.yaml",
    "Cargo.lock",
    "poetry.lock",
    "uv.lock",
    "Pipfile.lock",
    "go.sum",
    "composer.lock",
    "Gemfile.lock",
    "packages.lock.json",
    "renv.lock",
];

/// Where a text comes from, as far as the scanner cares.
#[derive(Clone, Copy, Debug, Default)]
pub struct Origin<'a> {
    /// The file's path (for lock files and delimited data files); empty for a commit message.
    pub path: &'a str,
}

/// Every category.
pub const ALL: &[Category] = &[
    Category::Secret,
    Category::ConnectionString,
    Category::IpAddress,
    Category::InternalReference,
    Category::ProtectiveMarking,
    Category::PersonalData,
    Category::NhsNumber,
];

/// Scan one text with every detector, and for NHS numbers.
pub fn scan(bytes: &[u8], origin: Origin<'_>) -> Scanned {
    scan_for(bytes, origin, ALL)
}

/// Scan one text with the detectors of the `wanted` categories.
///
/// A detector's pattern runs only near its keywords: on the line where a keyword occurs and the two
/// lines after it (enough for a private key's header and first line). Windows of one detector that
/// overlap are merged, so a match is never cut in two and never found twice.
pub fn scan_for(bytes: &[u8], origin: Origin<'_>, wanted: &[Category]) -> Scanned {
    scan_regions(bytes, origin, wanted, &[(0, bytes.len())])
}

/// Scan a new version of a text whose previous version (`parent`, its scan) it copies in part:
/// `copies` are (offset here, offset there, length). What the parent held inside a copied range is
/// here too, at the mapped place; only the rest (inserted bytes, with the lines around them) is
/// scanned. History is read this way, so each line of each file is looked at about once.
pub fn scan_delta(
    bytes: &[u8],
    origin: Origin<'_>,
    wanted: &[Category],
    parent: &Scanned,
    copies: &[(usize, usize, usize)],
) -> Scanned {
    if parent.binary || crate::repo::is_binary(bytes) {
        return Scanned {
            binary: true,
            ..Scanned::default()
        };
    }
    let limit = bytes.len().min(MAX_SCAN);
    // the inserted ranges: what the copies leave out
    let mut fresh: Vec<(usize, usize)> = Vec::new();
    let mut at = 0;
    for &(dst, _, len) in copies {
        if dst > at {
            fresh.push((at, dst));
        }
        at = at.max(dst + len);
    }
    if at < bytes.len() {
        fresh.push((at, bytes.len()));
    }
    // each widened to whole lines, one line before and two after (a match may straddle the edge)
    let line_start = |mut i: usize, back: usize| {
        for _ in 0..=back {
            i = bytes[..i.min(bytes.len())]
                .iter()
                .rposition(|b| *b == b'\n')
                .unwrap_or(0);
            if i == 0 {
                return 0;
            }
        }
        i + 1
    };
    let line_end = |mut i: usize, ahead: usize| {
        for _ in 0..=ahead {
            match bytes[i.min(bytes.len())..].iter().position(|b| *b == b'\n') {
                Some(p) => i += p + 1,
                None => return bytes.len(),
            }
        }
        i
    };
    let mut regions: Vec<(usize, usize)> = Vec::new();
    for (a, b) in fresh {
        if a >= limit {
            break;
        }
        let (a, b) = (line_start(a, 1), line_end(b, 2).min(limit));
        match regions.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => regions.push((a, b)),
        }
    }
    let mut out = if regions.is_empty() {
        Scanned::default()
    } else {
        scan_regions(bytes, origin, wanted, &regions)
    };
    out.truncated = bytes.len() > MAX_SCAN;
    // what the parent held where this version copies it
    let mut inherited = Vec::new();
    for h in &parent.hits {
        let Some(c) = copies
            .iter()
            .find(|c| c.1 <= h.offset && h.offset + h.len <= c.1 + c.2)
        else {
            continue;
        };
        let offset = c.0 + (h.offset - c.1);
        if out
            .hits
            .iter()
            .any(|x| x.offset == offset && x.detector == h.detector)
        {
            continue;
        }
        inherited.push(Hit {
            offset,
            ..h.clone()
        });
    }
    if !inherited.is_empty() {
        inherited.sort_by_key(|h| h.offset);
        let mut lines = LineIndex::new(bytes);
        for h in &mut inherited {
            let (line, column, text) = lines.locate(h.offset);
            h.line = line;
            h.column = column;
            h.allow = allow_directive(text);
        }
        out.hits.extend(inherited);
        out.hits.sort_by_key(|h| (h.line, h.column));
    }
    out
}

/// Scan the given byte ranges of a text (which start at line starts) with the detectors of the
/// `wanted` categories.
pub fn scan_regions(
    bytes: &[u8],
    origin: Origin<'_>,
    wanted: &[Category],
    regions: &[(usize, usize)],
) -> Scanned {
    if crate::repo::is_binary(bytes) {
        return Scanned {
            binary: true,
            ..Scanned::default()
        };
    }
    let truncated = bytes.len() > MAX_SCAN;
    let text = if truncated { &bytes[..MAX_SCAN] } else { bytes };
    let name = origin.path.rsplit('/').next().unwrap_or(origin.path);
    let generated = GENERATED.contains(&name);
    let mut raw: Vec<(usize, usize, usize)> = Vec::new();
    if let Some(gate) = GATE.as_ref() {
        let runs = |d: &Detector| {
            wanted.contains(&d.category) && !(generated && d.confidence == Confidence::Medium)
        };
        // per detector, the windows to search
        let mut windows: Vec<Vec<(usize, usize)>> = Vec::new();
        let matches = regions.iter().flat_map(|&(a, b)| {
            let (a, b) = (a.min(text.len()), b.min(text.len()));
            gate.ac
                .find_overlapping_iter(&text[a..b])
                .map(move |m| (m.pattern().as_usize(), a + m.start(), a + m.end()))
        });
        for (pattern, m_start, m_end) in matches {
            let gated = &gate.gated[pattern];
            if !gated.iter().any(|&d| runs(&CATALOGUE[d])) {
                continue;
            }
            let start = text[..m_start]
                .iter()
                .rposition(|b| *b == b'\n')
                .map_or(0, |p| p + 1);
            let mut end = m_end;
            for _ in 0..3 {
                match text[end..].iter().position(|b| *b == b'\n') {
                    Some(p) => end += p + 1,
                    None => {
                        end = text.len();
                        break;
                    }
                }
                if end >= text.len() {
                    break;
                }
            }
            if windows.is_empty() {
                windows = vec![Vec::new(); CATALOGUE.len()];
            }
            for &d in gated {
                if !runs(&CATALOGUE[d]) {
                    continue;
                }
                let w = &mut windows[d];
                match w.last_mut() {
                    Some(last) if start <= last.1 => last.1 = last.1.max(end),
                    _ => w.push((start, end)),
                }
            }
        }
        for (i, ws) in windows.iter().enumerate() {
            let d = &CATALOGUE[i];
            let Some(re) = (!ws.is_empty()).then(|| d.regex()).flatten() else {
                continue;
            };
            for &(a, b) in ws {
                for caps in re.captures_iter(&text[a..b]) {
                    let Some(m) = caps.get(d.secret_group).or_else(|| caps.get(0)) else {
                        continue;
                    };
                    if accept(d, m.as_bytes()) {
                        raw.push((i, a + m.start(), a + m.end()));
                    }
                }
            }
        }
    }
    if !wanted.contains(&Category::NhsNumber) && raw.is_empty() {
        return Scanned {
            truncated,
            ..Scanned::default()
        };
    }
    let lower = name.to_ascii_lowercase();
    let delimited = lower.ends_with(".csv") || lower.ends_with(".tsv") || lower.ends_with(".txt");
    let header = delimited
        .then(|| text.split(|b| *b == b'\n').next())
        .flatten();
    let numbers = if wanted.contains(&Category::NhsNumber) {
        let mut v = Vec::new();
        for &(a, b) in regions {
            let (a, b) = (a.min(text.len()), b.min(text.len()));
            v.extend(nhs::find(&text[a..b], header).into_iter().map(|mut c| {
                c.start += a;
                c.end += a;
                c
            }));
        }
        v
    } else {
        Vec::new()
    };
    if raw.is_empty() && numbers.is_empty() {
        return Scanned {
            truncated,
            ..Scanned::default()
        };
    }
    // Two matches of one category where one lies inside the other are the same thing found twice:
    // the specific detector's (high confidence) is kept over a generic one's, else the longer.
    let rank =
        |r: &(usize, usize, usize)| (CATALOGUE[r.0].confidence == Confidence::High, r.2 - r.1);
    raw.sort_by(|a, b| rank(b).cmp(&rank(a)).then(a.1.cmp(&b.1)));
    let mut kept: Vec<(usize, usize, usize)> = Vec::new();
    for r in raw {
        let same = kept.iter().any(|k| {
            CATALOGUE[k.0].category == CATALOGUE[r.0].category
                && ((k.1 <= r.1 && r.2 <= k.2) || (r.1 <= k.1 && k.2 <= r.2))
        });
        if !same {
            kept.push(r);
        }
    }
    let mut lines = LineIndex::new(text);
    let mut hits = Vec::with_capacity(kept.len() + numbers.len());
    for (i, start, end) in kept {
        let d = &CATALOGUE[i];
        hits.push(make_hit(
            text, &mut lines, start, end, &d.id, &d.title, d.category, None, None,
        ));
    }
    for c in numbers {
        hits.push(make_hit(
            text,
            &mut lines,
            c.start,
            c.end,
            "nhs-number",
            "NHS number",
            Category::NhsNumber,
            c.level,
            Some(c.why),
        ));
    }
    hits.sort_by_key(|h| (h.line, h.column));
    Scanned {
        hits,
        truncated,
        binary: false,
    }
}

/// Whether a match of `d` is a real finding: not a placeholder, not below the entropy floor.
fn accept(d: &Detector, secret: &[u8]) -> bool {
    let Ok(s) = std::str::from_utf8(secret) else {
        return false;
    };
    if d.allows(s) {
        return false;
    }
    if let Some(floor) = d.entropy {
        if entropy(secret) < floor {
            return false;
        }
    }
    !(d.category == Category::Secret && placeholder(s))
}

/// Values that stand for a secret rather than being one.
pub fn placeholder(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    const WORDS: &[&str] = &[
        "example",
        "changeme",
        "change_me",
        "change-me",
        "placeholder",
        "dummy",
        "redacted",
        "xxxxxxxx",
        "********",
        "your_",
        "your-",
        "<",
        "${",
        "{{",
        "%(",
        "os.environ",
        "process.env",
        "getenv",
    ];
    if WORDS.iter().any(|w| lower.contains(w)) {
        return true;
    }
    let bytes = s.as_bytes();
    // one repeated character, or a UUID (an id, not a credential). A hex string assigned to a
    // secret's name is not excused: Flask and Django keys and many API tokens are hex.
    if bytes.iter().all(|b| *b == bytes[0]) {
        return true;
    }
    bytes.len() == 36
        && bytes.iter().enumerate().all(|(i, b)| {
            if [8, 13, 18, 23].contains(&i) {
                *b == b'-'
            } else {
                b.is_ascii_hexdigit()
            }
        })
}

/// Shannon entropy in bits per byte.
pub fn entropy(s: &[u8]) -> f64 {
    if s.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for b in s {
        counts[*b as usize] += 1;
    }
    let n = s.len() as f64;
    counts
        .iter()
        .filter(|c| **c > 0)
        .map(|c| {
            let p = f64::from(*c) / n;
            -p * p.log2()
        })
        .sum()
}

/// Mask a secret: a recognisable prefix is kept (a vendor prefix such as `ghp_`, or the first few
/// characters), everything else becomes `*`, and the length is not revealed beyond a bound.
pub fn redact(secret: &str, category: Category) -> String {
    let chars: Vec<char> = secret.chars().collect();
    let keep = match category {
        // ten digits: show the first three so the reader can tell test numbers apart
        Category::NhsNumber => 3,
        _ => {
            // up to and including a vendor prefix's separator, within the first 10 characters
            let sep = chars
                .iter()
                .take(11)
                .position(|c| matches!(c, '_' | '-' | '.' | ':' | '/' | '@' | '='));
            let base = (chars.len() / 4).clamp(1, 4);
            match sep {
                Some(p) if p + 1 < chars.len() / 2 => (p + 1 + 2).min(chars.len() / 2),
                _ => base,
            }
        }
    };
    let keep = keep.min(10).min(chars.len().saturating_sub(1));
    let masked = (chars.len() - keep).clamp(4, 12);
    let mut out: String = chars[..keep].iter().collect();
    out.extend(std::iter::repeat_n('*', masked));
    out
}

/// A stable fingerprint of a secret found by a detector (FNV-1a, 64 bits, hex).
pub fn fingerprint(detector: &str, secret: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in detector.as_bytes().iter().chain([0u8].iter()).chain(secret) {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

#[allow(clippy::too_many_arguments)]
fn make_hit(
    text: &[u8],
    lines: &mut LineIndex,
    start: usize,
    end: usize,
    id: &'static str,
    title: &'static str,
    category: Category,
    level: Option<Level>,
    note: Option<&'static str>,
) -> Hit {
    let secret = String::from_utf8_lossy(&text[start..end]);
    let (line, column, line_text) = lines.locate(start);
    let allow = allow_directive(line_text);
    Hit {
        detector: id,
        title,
        category,
        line,
        column,
        redacted: if category.is_sensitive() {
            redact(&secret, category)
        } else {
            secret.chars().take(120).collect()
        },
        fingerprint: fingerprint(id, &text[start..end]),
        level,
        note,
        allow,
        full: SHOW_SECRETS
            .load(Ordering::Relaxed)
            .then(|| secret.into_owned()),
        offset: start,
        len: end - start,
    }
}

/// `openready:allow` on a line, with the rule ids that follow it (if any): written in parentheses,
/// after `=` or `:`, or as words; ids are separated by commas or spaces, and the list ends at the
/// first word that is not a rule id (rule ids hold a hyphen: `no-secrets`), so a reason may follow.
fn allow_directive(line: &[u8]) -> Option<String> {
    const MARK: &[u8] = b"openready:allow";
    let at = line.windows(MARK.len()).position(|w| w == MARK)?;
    let rest = String::from_utf8_lossy(&line[at + MARK.len()..]);
    let rest = rest.trim_start_matches(['(', '=', ':', ' ']);
    let names: Vec<&str> = rest
        .split([',', ' ', ')'])
        .filter(|s| !s.is_empty())
        .take_while(|s| {
            s.contains('-')
                && s.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        })
        .collect();
    Some(names.join(","))
}

/// Offsets to line and column, for offsets asked in increasing order (or not: it restarts).
struct LineIndex<'a> {
    text: &'a [u8],
    pos: usize,
    line: u32,
    line_start: usize,
}

impl<'a> LineIndex<'a> {
    fn new(text: &'a [u8]) -> Self {
        LineIndex {
            text,
            pos: 0,
            line: 1,
            line_start: 0,
        }
    }

    fn locate(&mut self, offset: usize) -> (u32, u32, &'a [u8]) {
        if offset < self.pos {
            *self = LineIndex::new(self.text);
        }
        for (i, b) in self.text[self.pos..offset].iter().enumerate() {
            if *b == b'\n' {
                self.line += 1;
                self.line_start = self.pos + i + 1;
            }
        }
        self.pos = offset;
        let end = self.text[offset..]
            .iter()
            .position(|b| *b == b'\n')
            .map_or(self.text.len(), |e| offset + e);
        (
            self.line,
            (offset - self.line_start + 1) as u32,
            &self.text[self.line_start..end],
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_keeps_a_prefix_and_never_the_whole() {
        let token = format!("ghp_{}", "abcdefghijklmnopqrstuvwxyz0123456789");
        let r = redact(&token, Category::Secret);
        assert!(r.starts_with("ghp_ab") && r.ends_with('*'), "{r}");
        assert!(!r.contains("mnop"));
        let r = redact("s3cr3tP4ss", Category::Secret);
        assert!(
            r.len() < 20 && r.starts_with("s3") && !r.contains("P4ss"),
            "{r}"
        );
        let number = fake::nhs_number(&mut fake::Rng::new(1), "");
        let r = redact(&number, Category::NhsNumber);
        assert_eq!(&r[..3], &number[..3]);
        assert_eq!(&r[3..], "*******");
        assert_eq!(redact("ab", Category::Secret), "a****");
    }

    #[test]
    fn fingerprints_are_stable_and_depend_on_the_detector() {
        assert_eq!(fingerprint("x", b"abc"), fingerprint("x", b"abc"));
        assert_ne!(fingerprint("x", b"abc"), fingerprint("y", b"abc"));
        assert_eq!(fingerprint("x", b"abc").len(), 16);
    }

    #[test]
    fn placeholders_are_not_secrets() {
        for p in [
            "changeme",
            "${DB_PASSWORD}",
            "<your-token>",
            "xxxxxxxxxxxx",
            "123e4567-e89b-12d3-a456-426614174000",
        ] {
            assert!(placeholder(p), "{p}");
        }
        assert!(!placeholder("Zq8vR2mK9tLw4xNc"));
    }

    #[test]
    fn inline_allow_names_rules_or_covers_all() {
        assert_eq!(
            allow_directive(b"x = 1 # openready:allow").as_deref(),
            Some("")
        );
        assert_eq!(
            allow_directive(b"x = 1 # openready:allow no-secrets").as_deref(),
            Some("no-secrets")
        );
        assert_eq!(
            allow_directive(b"x // openready:allow(no-secrets,no-ip-addresses)").as_deref(),
            Some("no-secrets,no-ip-addresses")
        );
        assert_eq!(
            allow_directive(b"x # openready:allow no-secrets, no-ip-addresses test data")
                .as_deref(),
            Some("no-secrets,no-ip-addresses")
        );
        assert_eq!(
            allow_directive(b"x # openready:allow because it is a test key").as_deref(),
            Some("")
        );
        assert_eq!(allow_directive(b"x = 1"), None);
        assert!(allow_covers("", "no-secrets"));
        assert!(allow_covers("no-ip-addresses,no-secrets", "no-secrets"));
        assert!(!allow_covers("no-ip-addresses", "no-secrets"));
    }

    #[test]
    fn nhs_numbers_are_found_with_their_line_and_redacted() {
        let s = scan(
            format!(
                "a\npatient nhs number: {}\n",
                fake::nhs_number(&mut fake::Rng::new(2), " ")
            )
            .as_bytes(),
            Origin { path: "notes.md" },
        );
        assert_eq!(s.hits.len(), 1);
        let h = &s.hits[0];
        assert_eq!((h.line, h.column), (2, 21));
        assert!(h.redacted.ends_with("*********"), "{}", h.redacted);
        assert!(h.full.is_none());
    }

    #[test]
    fn binary_texts_are_skipped() {
        let number = fake::nhs_number(&mut fake::Rng::new(3), "");
        let s = scan(format!("\0\x01 nhs {number}").as_bytes(), Origin::default());
        assert!(s.binary && s.hits.is_empty());
    }
}
