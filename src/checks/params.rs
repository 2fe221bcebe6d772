//! Parameter types shared by check kinds: regexes, gitignore-style globs and sizes.
//!
//! Each one validates itself while it is deserialised, so an invalid regex or glob in a rule or config
//! file is reported by the TOML deserialiser with the file, line and column of the offending value.

use std::sync::OnceLock;

use globset::{Glob, GlobBuilder, GlobSet, GlobSetBuilder};
use serde::{Deserialize, Deserializer};

/// A regex, case-insensitive unless it says `(?-i)`.
///
/// Policy patterns look at small texts (READMEs, headings, licence files, header rows), so they use
/// `regex-lite`: it compiles in microseconds where the full engine spends milliseconds optimising a
/// pattern it will run over a few kilobytes. Its classes (`\w`, `\s`, `\b`) and case folding are
/// ASCII; non-ASCII literals (`©`, `–`) match as written. The syntax is checked when the rule loads;
/// the pattern is compiled the first time it is used.
#[derive(Clone, Debug)]
pub struct Pattern {
    pub source: String,
    compiled: OnceLock<regex_lite::Regex>,
}

/// A match of a [`Pattern`] in a text.
#[derive(Clone, Copy, Debug)]
pub struct Found<'t> {
    pub start: usize,
    pub end: usize,
    text: &'t str,
}

impl<'t> Found<'t> {
    pub fn as_str(&self) -> &'t str {
        &self.text[self.start..self.end]
    }
}

impl Pattern {
    pub fn new(source: &str) -> Result<Self, String> {
        let compiled = OnceLock::new();
        let _ = compiled.set(build(source).map_err(|e| {
            format!(
                "invalid regex `{source}`: {}",
                compact_error(&e.to_string())
            )
        })?);
        Ok(Pattern {
            source: source.to_string(),
            compiled,
        })
    }

    fn re(&self) -> &regex_lite::Regex {
        self.compiled.get_or_init(|| {
            // the pattern compiled when it was loaded; a clone of a Pattern recompiles on first use
            build(&self.source)
                .unwrap_or_else(|e| panic!("regex `{}` cannot be compiled: {e}", self.source))
        })
    }

    pub fn is_match(&self, text: &str) -> bool {
        self.re().is_match(text)
    }

    pub fn find<'t>(&self, text: &'t str) -> Option<Found<'t>> {
        self.re().find(text).map(|m| Found {
            start: m.start(),
            end: m.end(),
            text,
        })
    }

    pub fn find_iter<'r, 't>(&'r self, text: &'t str) -> impl Iterator<Item = Found<'t>> + 'r
    where
        't: 'r,
    {
        self.re().find_iter(text).map(move |m| Found {
            start: m.start(),
            end: m.end(),
            text,
        })
    }
}

fn build(source: &str) -> Result<regex_lite::Regex, regex_lite::Error> {
    regex_lite::RegexBuilder::new(source)
        .case_insensitive(true)
        .multi_line(true)
        .size_limit(1 << 24)
        .build()
}

fn compact_error(s: &str) -> String {
    // regex's messages span several lines with a caret diagram; keep the last, explanatory line.
    let s = s.to_string();
    s.lines()
        .rev()
        .find(|l| l.starts_with("error:"))
        .map(|l| l.trim_start_matches("error:").trim().to_string())
        .unwrap_or(s)
}

impl<'de> Deserialize<'de> for Pattern {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Pattern::new(&s).map_err(serde::de::Error::custom)
    }
}

/// A list of gitignore-style globs (see docs/rules.md), matched case-insensitively against paths
/// relative to the repository root.
#[derive(Clone, Debug, Default)]
pub struct Globs {
    pub sources: Vec<String>,
    globs: Vec<Glob>,
    set: OnceLock<GlobSet>,
    /// For each glob: the directory pattern it was written as, if it names a directory.
    dir_patterns: Vec<Option<String>>,
}

impl Globs {
    pub fn new<S: AsRef<str>>(patterns: &[S]) -> Result<Self, String> {
        let mut globs = Vec::new();
        let mut dir_patterns = Vec::new();
        for p in patterns {
            let p = p.as_ref();
            let (glob, dir) = translate(p)?;
            globs.push(build_glob(&glob).map_err(|e| format!("invalid glob `{p}`: {}", e.kind()))?);
            dir_patterns.push(dir);
        }
        Ok(Globs {
            sources: patterns.iter().map(|p| p.as_ref().to_string()).collect(),
            globs,
            set: OnceLock::new(),
            dir_patterns,
        })
    }

    fn set(&self) -> &GlobSet {
        self.set.get_or_init(|| {
            let mut b = GlobSetBuilder::new();
            for g in &self.globs {
                b.add(g.clone());
            }
            b.build()
                .unwrap_or_else(|e| panic!("glob set cannot be compiled: {e}"))
        })
    }

    pub fn is_empty(&self) -> bool {
        self.sources.is_empty()
    }

    pub fn is_match(&self, path: &str) -> bool {
        self.set().is_match(path)
    }

    /// When `path` matches because a directory pattern matched one of its ancestors, the shallowest
    /// such directory (e.g. `web/node_modules` for `web/node_modules/a/b.js`).
    pub fn matched_dir(&self, path: &str) -> Option<String> {
        let hits = self.set().matches(path);
        let mut best: Option<String> = None;
        for i in hits {
            let Some(Some(_)) = self.dir_patterns.get(i) else {
                continue;
            };
            // find the shallowest ancestor directory that the same glob matches as `dir/x`
            let mut prefix_end = 0;
            for (idx, ch) in path.char_indices() {
                if ch == '/' {
                    let dir = &path[..idx];
                    let probe = format!("{dir}/_");
                    if self.set().matches(&probe).contains(&i) {
                        prefix_end = idx;
                        break;
                    }
                }
            }
            if prefix_end > 0 {
                let dir = path[..prefix_end].to_string();
                if best.as_ref().is_none_or(|b| dir.len() < b.len()) {
                    best = Some(dir);
                }
            }
        }
        best
    }
}

impl<'de> Deserialize<'de> for Globs {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = Vec::<String>::deserialize(d)?;
        Globs::new(&v).map_err(serde::de::Error::custom)
    }
}

fn build_glob(glob: &str) -> Result<globset::Glob, globset::Error> {
    GlobBuilder::new(glob)
        .case_insensitive(true)
        .literal_separator(true)
        .backslash_escape(true)
        .build()
}

/// Turn a gitignore-style pattern into a globset glob; the second value is `Some(dir)` when the
/// pattern names a directory.
fn translate(p: &str) -> Result<(String, Option<String>), String> {
    let trimmed = p.trim();
    if trimmed.is_empty() || trimmed == "/" {
        return Err(format!("invalid glob `{p}`: empty pattern"));
    }
    let is_dir = trimmed.ends_with('/');
    let body = trimmed.trim_end_matches('/');
    let anchored = body.starts_with('/') || body.contains('/');
    let body = body.trim_start_matches('/');
    let base = if anchored {
        body.to_string()
    } else {
        format!("**/{body}")
    };
    if is_dir {
        Ok((format!("{base}/**"), Some(body.to_string())))
    } else {
        Ok((base, None))
    }
}

/// A case-insensitive glob matched against a file *name* (no directories).
#[derive(Clone, Debug)]
pub struct NameGlobs {
    pub sources: Vec<String>,
    globs: Vec<Glob>,
    set: OnceLock<GlobSet>,
}

impl NameGlobs {
    pub fn new<S: AsRef<str>>(patterns: &[S]) -> Result<Self, String> {
        let mut globs = Vec::new();
        for p in patterns {
            let p = p.as_ref();
            if p.contains('/') {
                return Err(format!(
                    "`{p}` is a path; `names` takes file names (use `dirs` or `globs` for places)"
                ));
            }
            globs.push(build_glob(p).map_err(|e| format!("invalid glob `{p}`: {}", e.kind()))?);
        }
        Ok(NameGlobs {
            sources: patterns.iter().map(|p| p.as_ref().to_string()).collect(),
            globs,
            set: OnceLock::new(),
        })
    }

    pub fn is_match(&self, name: &str) -> bool {
        self.set
            .get_or_init(|| {
                let mut b = GlobSetBuilder::new();
                for g in &self.globs {
                    b.add(g.clone());
                }
                b.build()
                    .unwrap_or_else(|e| panic!("glob set cannot be compiled: {e}"))
            })
            .is_match(name)
    }
}

impl<'de> Deserialize<'de> for NameGlobs {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = Vec::<String>::deserialize(d)?;
        NameGlobs::new(&v).map_err(serde::de::Error::custom)
    }
}

/// A size in bytes, written as a number or as `"5 MiB"`, `"512 KiB"`, `"100 kB"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ByteSize(pub u64);

impl ByteSize {
    pub fn parse(s: &str) -> Result<Self, String> {
        let t = s.trim();
        let split = t
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(t.len());
        let (num, unit) = t.split_at(split);
        let n: f64 = num
            .parse()
            .map_err(|_| format!("invalid size `{s}`: expected e.g. 5242880, \"5 MiB\""))?;
        let mult: u64 = match unit.trim().to_ascii_lowercase().as_str() {
            "" | "b" => 1,
            "kb" | "k" => 1000,
            "kib" => 1 << 10,
            "mb" | "m" => 1_000_000,
            "mib" => 1 << 20,
            "gb" | "g" => 1_000_000_000,
            "gib" => 1 << 30,
            other => {
                return Err(format!(
                    "invalid size `{s}`: unknown unit `{other}` (use B, kB, KiB, MB, MiB, GB, GiB)"
                ))
            }
        };
        Ok(ByteSize((n * mult as f64).round() as u64))
    }

    /// Human form, e.g. `5.0 MiB`.
    pub fn human(n: u64) -> String {
        const UNITS: [&str; 4] = ["B", "KiB", "MiB", "GiB"];
        let mut v = n as f64;
        let mut u = 0;
        while v >= 1024.0 && u < UNITS.len() - 1 {
            v /= 1024.0;
            u += 1;
        }
        if u == 0 {
            format!("{n} B")
        } else {
            format!("{v:.1} {}", UNITS[u])
        }
    }
}

impl<'de> Deserialize<'de> for ByteSize {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            N(u64),
            S(String),
        }
        match Raw::deserialize(d).map_err(|_| {
            serde::de::Error::custom(
                "expected a size: a number of bytes or a string such as \"5 MiB\"",
            )
        })? {
            Raw::N(n) => Ok(ByteSize(n)),
            Raw::S(s) => ByteSize::parse(&s).map_err(serde::de::Error::custom),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_follow_gitignore_conventions() {
        let g = Globs::new(&["*.log", "node_modules/", "/build/", "docs/*.md"]).unwrap();
        assert!(g.is_match("app.log"));
        assert!(g.is_match("a/b/APP.LOG"));
        assert!(g.is_match("web/node_modules/x/y.js"));
        assert!(g.is_match("build/out.o"));
        assert!(!g.is_match("src/build/mod.rs"));
        assert!(g.is_match("docs/a.md"));
        assert!(!g.is_match("docs/sub/a.md"));
        assert!(!g.is_match("x/docs/a.md"));
    }

    #[test]
    fn matched_dir_names_the_shallowest_directory() {
        let g = Globs::new(&["node_modules/"]).unwrap();
        assert_eq!(
            g.matched_dir("web/node_modules/a/node_modules/b.js")
                .as_deref(),
            Some("web/node_modules")
        );
        assert_eq!(Globs::new(&["*.log"]).unwrap().matched_dir("a.log"), None);
    }

    #[test]
    fn sizes_parse_with_units() {
        assert_eq!(ByteSize::parse("5 MiB").unwrap(), ByteSize(5 << 20));
        assert_eq!(ByteSize::parse("1KiB").unwrap(), ByteSize(1024));
        assert_eq!(ByteSize::parse("100 kB").unwrap(), ByteSize(100_000));
        assert_eq!(ByteSize::parse("12").unwrap(), ByteSize(12));
        assert!(ByteSize::parse("5 parsecs").is_err());
        assert!(ByteSize::parse("lots").is_err());
    }

    #[test]
    fn patterns_match_ascii_classes_and_non_ascii_literals() {
        let p = Pattern::new(r"copyright\s*(\(c\)|©)\s*\d{4}").unwrap();
        assert!(p.is_match("Copyright © 2024 Crown"));
        assert!(p.is_match("COPYRIGHT (c) 2024"));
        let dot = Pattern::new("é.").unwrap();
        assert_eq!(dot.find("café€").unwrap().as_str(), "é€");
        // classes are ASCII
        assert!(!Pattern::new(r"^\w+$").unwrap().is_match("ßé"));
    }

    #[test]
    fn patterns_are_case_insensitive_and_report_errors() {
        assert!(Pattern::new("readme").unwrap().is_match("README"));
        assert!(!Pattern::new("(?-i)readme").unwrap().is_match("README"));
        let e = Pattern::new("(unclosed").unwrap_err();
        assert!(Globs::new(&["a[b"]).is_err());
        assert!(e.contains("invalid regex"), "{e}");
        assert!(!e.contains('\n'), "{e}");
    }
}
