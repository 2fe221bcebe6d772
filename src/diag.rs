//! Problems that stop a run before it starts: bad arguments, an unreadable or invalid config or rule
//! file, a path that is not a directory.
//!
//! Like cargo-deny, openready parses and validates every input first and reports *every* problem it
//! finds, each with the file, line and column and the offending line, before checking anything. All of
//! them map to exit code 2.

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

/// A text a diagnostic can point into.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// How to name it to a person: a path, or `rules/x.toml (built in)`.
    pub name: String,
    pub text: Arc<str>,
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<Arc<str>>) -> Self {
        SourceFile {
            name: name.into(),
            text: text.into(),
        }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let before = &self.text[..floor_char_boundary(&self.text, offset)];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let col = before[line_start..].chars().count() + 1;
        (line, col)
    }

    fn line_text(&self, line: usize) -> &str {
        self.text.lines().nth(line - 1).unwrap_or("")
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// One problem with an input, optionally located in a file.
#[derive(Clone, Debug)]
pub struct Diagnostic {
    pub message: String,
    pub location: Option<(SourceFile, Range<usize>)>,
}

impl Diagnostic {
    pub fn new(message: impl Into<String>) -> Self {
        Diagnostic {
            message: message.into(),
            location: None,
        }
    }

    pub fn at(source: &SourceFile, span: Range<usize>, message: impl Into<String>) -> Self {
        Diagnostic {
            message: message.into(),
            location: Some((source.clone(), span)),
        }
    }

    /// A diagnostic for a whole file (no position).
    pub fn in_file(name: &str, message: impl Into<String>) -> Self {
        Diagnostic::new(format!("{name}: {}", message.into()))
    }

    /// From a TOML parse or deserialisation error, which carries its own span.
    pub fn from_toml(source: &SourceFile, err: &toml::de::Error) -> Self {
        let message = err.message().trim().to_string();
        match err.span() {
            Some(span) => Diagnostic::at(source, span, message),
            None => Diagnostic::in_file(&source.name, message),
        }
    }

    /// `file:line:column`, when known.
    pub fn position(&self) -> Option<String> {
        self.location.as_ref().map(|(src, span)| {
            let (l, c) = src.line_col(span.start);
            format!("{}:{l}:{c}", src.name)
        })
    }
}

impl fmt::Display for Diagnostic {
    /// rustc-style: the message, the position, the line, and a caret under the span.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "error: {}", self.message)?;
        if let Some((src, span)) = &self.location {
            let (line, col) = src.line_col(span.start);
            let text = src.line_text(line);
            let gutter = line.to_string().len();
            writeln!(f, "{:gutter$}--> {}:{line}:{col}", "", src.name)?;
            writeln!(f, "{:gutter$} |", "")?;
            writeln!(f, "{line} | {text}")?;
            let (end_line, end_col) = src.line_col(span.end.max(span.start + 1) - 1);
            let width = if end_line == line {
                end_col + 1 - col
            } else {
                text.chars().count().saturating_sub(col - 1).max(1)
            };
            writeln!(
                f,
                "{:gutter$} | {}{}",
                "",
                " ".repeat(col - 1),
                "^".repeat(width.max(1))
            )?;
        }
        Ok(())
    }
}

/// Every problem found in the inputs; the run stops with exit code 2.
#[derive(Debug)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.0 {
            writeln!(f, "{d}")?;
        }
        let n = self.0.len();
        write!(
            f,
            "openready: {n} problem{} in the input; nothing was checked",
            if n == 1 { "" } else { "s" }
        )
    }
}

impl std::error::Error for Diagnostics {}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Diagnostics(vec![d])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_characters_from_one() {
        let src = SourceFile::new("x.toml", "a = 1\nbé = \"x\"\n");
        assert_eq!(src.line_col(0), (1, 1));
        assert_eq!(src.line_col(6), (2, 1));
        // after the two-byte é
        assert_eq!(src.line_col(9), (2, 3));
    }

    #[test]
    fn display_points_at_the_span() {
        let src = SourceFile::new("c.toml", "level = \"loud\"\n");
        let d = Diagnostic::at(&src, 8..14, "unknown level");
        let text = d.to_string();
        assert!(text.contains("--> c.toml:1:9"), "{text}");
        assert!(text.contains("^^^^^^"), "{text}");
    }
}
