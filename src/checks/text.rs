//! Just enough document structure for README checks: headings (Markdown ATX and setext,
//! reStructuredText underlines, AsciiDoc, HTML `<hN>`), the sections under them, and prose with code
//! blocks, tables, badges and markup taken out.

use regex_lite::Regex;
use std::sync::LazyLock;

use crate::repo::{File, Snapshot};

/// README file names in order of preference.
const README_EXTS: &[&str] = &[
    "md", "markdown", "", "rst", "txt", "adoc", "asciidoc", "org", "rmd", "qmd",
];

/// The root README, preferring Markdown.
pub fn find_readme(snap: &Snapshot) -> Option<&File> {
    let mut best: Option<(usize, &File)> = None;
    for f in snap.files_in("") {
        let lower = f.name().to_ascii_lowercase();
        let Some(rest) = lower.strip_prefix("readme") else {
            continue;
        };
        let ext = rest.strip_prefix('.').unwrap_or(rest);
        if !rest.is_empty() && !rest.starts_with('.') {
            continue;
        }
        if let Some(rank) = README_EXTS.iter().position(|e| *e == ext) {
            if best.is_none_or(|(r, _)| rank < r) {
                best = Some((rank, f));
            }
        }
    }
    best.map(|(_, f)| f)
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    pub heading: String,
    pub level: u8,
    /// 1-based line of the heading.
    pub line: u32,
    /// The text under the heading up to the next heading of any level, code blocks removed.
    pub body: String,
}

#[derive(Clone, Debug, Default)]
pub struct Doc {
    pub sections: Vec<Section>,
    /// Text before the first heading.
    pub preamble: String,
    /// Everything outside code blocks, one string (for pattern checks), with original line breaks.
    pub text: String,
    /// Offsets: for each line of `text`, the 1-based line it came from.
    pub line_map: Vec<u32>,
}

static ATX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^ {0,3}(#{1,6})[ \t]+(.*?)[ \t#]*$").unwrap());
static HTML_H: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^\s*<h([1-6])[^>]*>(.*?)</h[1-6]>").unwrap());
static ADOC: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^(={1,6})[ \t]+(\S.*)$").unwrap());
static TAGS: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"<[^>]+>").unwrap());

fn underline_level(line: &str, text: &str) -> Option<u8> {
    let t = line.trim_end();
    let first = t.chars().next()?;
    if t.len() < 3 || !t.chars().all(|c| c == first) {
        return None;
    }
    let title = text.trim();
    if title.is_empty()
        || title.starts_with(['-', '*', '|', '>', '`', '<', '!', '[']) && first == '-'
    {
        return None;
    }
    match first {
        '=' => Some(1),
        '-' => Some(2),
        '~' | '^' | '"' | '\'' | '*' | '+' | '#' => {
            // reStructuredText adornments need to be at least as long as the title
            if t.chars().count() >= title.chars().count() {
                Some(3)
            } else {
                None
            }
        }
        _ => None,
    }
}

pub fn parse(source: &str, adoc: bool) -> Doc {
    let lines: Vec<&str> = source.lines().collect();
    let mut doc = Doc::default();
    let mut current: Option<Section> = None;
    let mut fence: Option<String> = None;
    let mut i = 0;
    let push_text = |doc: &mut Doc, cur: &mut Option<Section>, line: &str, n: u32| {
        doc.text.push_str(line);
        doc.text.push('\n');
        doc.line_map.push(n);
        match cur {
            Some(s) => {
                s.body.push_str(line);
                s.body.push('\n');
            }
            None => {
                doc.preamble.push_str(line);
                doc.preamble.push('\n');
            }
        }
    };
    while i < lines.len() {
        let line = lines[i];
        let n = (i + 1) as u32;
        let trimmed = line.trim_start();
        if let Some(f) = &fence {
            if trimmed.starts_with(f.as_str()) {
                fence = None;
            }
            i += 1;
            continue;
        }
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            fence = Some(trimmed[..3].to_string());
            i += 1;
            continue;
        }
        if adoc && trimmed.starts_with("----") {
            fence = Some("----".into());
            i += 1;
            continue;
        }
        let mut heading: Option<(u8, String, usize)> = None;
        if let Some(c) = ATX.captures(line) {
            heading = Some((c[1].len() as u8, c[2].to_string(), 1));
        } else if let Some(c) = HTML_H.captures(line) {
            let lvl = c[1].parse().unwrap_or(1);
            heading = Some((lvl, TAGS.replace_all(&c[2], "").to_string(), 1));
        } else if adoc {
            if let Some(c) = ADOC.captures(line) {
                heading = Some((c[1].len() as u8, c[2].to_string(), 1));
            }
        }
        if heading.is_none() && !line.trim().is_empty() {
            if let Some(next) = lines.get(i + 1) {
                if let Some(lvl) = underline_level(next, line) {
                    heading = Some((lvl, line.trim().to_string(), 2));
                }
            }
        }
        // reStructuredText over-and-underlined titles
        if heading.is_none() && i + 2 < lines.len() && underline_level(line, lines[i + 1]).is_some()
        {
            if let Some(lvl) = underline_level(lines[i + 2], lines[i + 1]) {
                if lines[i + 2].trim() == line.trim() {
                    heading = Some((lvl, lines[i + 1].trim().to_string(), 3));
                }
            }
        }
        match heading {
            Some((level, text, consumed)) => {
                if let Some(s) = current.take() {
                    doc.sections.push(s);
                }
                let line_no = if consumed == 3 { n + 1 } else { n };
                current = Some(Section {
                    heading: text.trim().to_string(),
                    level,
                    line: line_no,
                    body: String::new(),
                });
                i += consumed;
            }
            None => {
                push_text(&mut doc, &mut current, line, n);
                i += 1;
            }
        }
    }
    if let Some(s) = current.take() {
        doc.sections.push(s);
    }
    doc
}

static IMAGE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"!\[[^\]]*\]\([^)]*\)").unwrap());
static LINK: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\[([^\]]*)\]\([^)]*\)").unwrap());
static REF_LINK_DEF: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*\[[^\]]+\]:\s*\S+").unwrap());
static URL: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"https?://\S+").unwrap());
static RST_DIRECTIVE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\s*\.\. ").unwrap());

/// Words of prose in a block of text: tables, badges, images, link targets, URLs, HTML tags and
/// directives removed; only words that contain a letter count.
pub fn prose_words(text: &str) -> usize {
    let mut n = 0;
    for line in text.lines() {
        let t = line.trim();
        if t.starts_with('|')
            || t.starts_with("[![")
            || REF_LINK_DEF.is_match(t)
            || RST_DIRECTIVE.is_match(t)
            || t.starts_with(":target:")
            || t.starts_with(":alt:")
            || t.starts_with(":width:")
        {
            continue;
        }
        let s = IMAGE.replace_all(t, " ");
        let s = LINK.replace_all(&s, "$1");
        let s = TAGS.replace_all(&s, " ");
        let s = URL.replace_all(&s, " ");
        n += s
            .split_whitespace()
            .filter(|w| w.chars().any(char::is_alphabetic))
            .count();
    }
    n
}

impl Doc {
    /// The opening of the document: text before the second heading (the first is usually the title),
    /// or before the first heading when the document starts with a second-level heading.
    pub fn intro(&self) -> String {
        let mut s = self.preamble.clone();
        if let Some(first) = self.sections.first() {
            let is_title = first.level == 1 || self.preamble.trim().is_empty();
            if is_title {
                s.push_str(&first.body);
            }
        }
        s
    }

    /// Map a line of `text` (0-based) back to the source line.
    pub fn source_line(&self, text_line: usize) -> u32 {
        self.line_map.get(text_line).copied().unwrap_or(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_atx_setext_and_html_headings_outside_code() {
        let d = parse(
            "# Title\nintro text\n\nUsage\n-----\nrun it\n```\n# not a heading\n```\n<h2 align=\"center\">Licence</h2>\nMIT\n",
            false,
        );
        let heads: Vec<_> = d
            .sections
            .iter()
            .map(|s| (s.level, s.heading.as_str()))
            .collect();
        assert_eq!(heads, vec![(1, "Title"), (2, "Usage"), (2, "Licence")]);
        assert_eq!(d.sections[1].line, 4);
        assert!(d.sections[1].body.contains("run it"));
        assert!(!d.text.contains("not a heading"));
    }

    #[test]
    fn finds_rst_headings() {
        let d = parse(
            "=======\nProject\n=======\n\nSome text.\n\nInstall\n-------\npip install x\n",
            false,
        );
        let heads: Vec<_> = d.sections.iter().map(|s| s.heading.as_str()).collect();
        assert_eq!(heads, vec!["Project", "Install"]);
    }

    #[test]
    fn a_thematic_break_after_a_list_is_not_a_heading() {
        let d = parse("# T\n\n- item\n---\n", false);
        assert_eq!(d.sections.len(), 1);
    }

    #[test]
    fn prose_ignores_badges_and_links() {
        assert_eq!(
            prose_words("[![build](https://x/y.svg)](https://x)\n| a | b |\n"),
            0
        );
        assert_eq!(prose_words("A tool for [NHS](https://nhs.uk) teams."), 5);
    }

    #[test]
    fn intro_is_text_before_the_second_heading() {
        let d = parse("# Name\nIt does things.\n## Install\nsteps\n", false);
        assert_eq!(d.intro().trim(), "It does things.");
    }
}
