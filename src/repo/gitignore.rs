//! The repository's own ignore rules, with git's semantics: every `.gitignore` in the tree applies to
//! its directory and below, a deeper file overrides a shallower one, the last matching line wins,
//! `!` re-includes, and a file inside an ignored directory cannot be re-included.
//!
//! Only `.gitignore` files that are part of the snapshot count: what a person cloning the published
//! repository would get. `.git/info/exclude` and a user's global excludes are private to one machine.

use std::collections::HashMap;
use std::sync::Mutex;

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use ignore::Match;

pub struct IgnoreRules {
    /// The rules of each directory that has a .gitignore.
    files: HashMap<String, Gitignore>,
    /// Verdicts on directories already decided (many files share them).
    dirs: Mutex<HashMap<String, bool>>,
}

impl IgnoreRules {
    /// `sources`: (directory of the .gitignore, its text).
    pub fn new(sources: &[(String, String)]) -> Self {
        let files = sources
            .iter()
            .map(|(dir, text)| {
                let mut b = GitignoreBuilder::new(dir);
                for line in text.lines() {
                    // an invalid line is ignored by git too
                    let _ = b.add_line(None, line);
                }
                let gi = b.build().unwrap_or_else(|_| Gitignore::empty());
                (dir.clone(), gi)
            })
            .collect();
        IgnoreRules {
            files,
            dirs: Mutex::new(HashMap::new()),
        }
    }

    /// Is there at least one .gitignore?
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Would git ignore this path (a file, or a directory when `is_dir`) if it were untracked?
    pub fn is_ignored(&self, path: &str, is_dir: bool) -> bool {
        self.ignored_at_kind(path, is_dir).is_some()
    }

    /// When the file at `path` would be ignored: the ignored directory that contains it, or the path
    /// itself.
    pub fn ignored_at<'p>(&self, path: &'p str) -> Option<&'p str> {
        self.ignored_at_kind(path, false)
    }

    fn ignored_at_kind<'p>(&self, path: &'p str, is_dir: bool) -> Option<&'p str> {
        // A file inside an excluded directory is excluded whatever later rules say.
        let mut idx = 0;
        while let Some(pos) = path[idx..].find('/') {
            let dir = &path[..idx + pos];
            let cached = self.dirs.lock().ok().and_then(|m| m.get(dir).copied());
            let ignored = cached.unwrap_or_else(|| {
                let v = self.decide(dir, true);
                if let Ok(mut m) = self.dirs.lock() {
                    m.insert(dir.to_string(), v);
                }
                v
            });
            if ignored {
                return Some(dir);
            }
            idx += pos + 1;
        }
        self.decide(path, is_dir).then_some(path)
    }

    /// The verdict of the deepest .gitignore that has an opinion on `path` itself.
    fn decide(&self, path: &str, is_dir: bool) -> bool {
        let mut end = path.len();
        loop {
            // the directory whose .gitignore to consult: each ancestor of `path`, deepest first
            let dir_end = path[..end].rfind('/');
            let dir = dir_end.map_or("", |i| &path[..i]);
            if let Some(gi) = self.files.get(dir) {
                let rel = if dir.is_empty() {
                    path
                } else {
                    &path[dir.len() + 1..]
                };
                match gi.matched(rel, is_dir) {
                    Match::Ignore(_) => return true,
                    Match::Whitelist(_) => return false,
                    Match::None => {}
                }
            }
            match dir_end {
                Some(i) => end = i,
                None => return false,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(list: &[(&str, &str)]) -> IgnoreRules {
        IgnoreRules::new(
            &list
                .iter()
                .map(|(d, t)| (d.to_string(), t.to_string()))
                .collect::<Vec<_>>(),
        )
    }

    #[test]
    fn root_patterns_apply_everywhere_unless_anchored() {
        let r = rules(&[("", "*.log\n/build/\n.env\n")]);
        assert!(r.is_ignored("x.log", false));
        assert!(r.is_ignored("a/b/x.log", false));
        assert!(r.is_ignored("build/x.o", false));
        assert!(!r.is_ignored("src/build/x.o", false));
        assert!(r.is_ignored(".env", false));
        assert!(!r.is_ignored(".env.example", false));
    }

    #[test]
    fn negation_and_excluded_parents() {
        let r = rules(&[("", "data/\n!data/README.md\n*.csv\n!keep.csv\n")]);
        // a file inside an excluded directory cannot be re-included
        assert!(r.is_ignored("data/README.md", false));
        assert!(r.is_ignored("x.csv", false));
        assert!(!r.is_ignored("keep.csv", false));
    }

    #[test]
    fn deeper_files_override_shallower_ones() {
        let r = rules(&[("", "*.csv\n"), ("fixtures", "!*.csv\n")]);
        assert!(r.is_ignored("a.csv", false));
        assert!(!r.is_ignored("fixtures/a.csv", false));
        assert!(r.is_ignored("fixturesx/a.csv", false));
    }
}
