//! Copyright notices: the line, its year (or range) and holder, and what is wrong with it.
//!
//! A notice is a line that starts with `Copyright`, `(c)` or `©` (after comment or Markdown markers),
//! or that says `© Crown copyright`. Lines of licence texts that merely mention copyright ("The above
//! copyright notice…") do not start that way; the GPL's own `Copyright (C) 2007 Free Software
//! Foundation` line is the licence's, not the project's, and is skipped.

use std::sync::LazyLock;

use regex_lite::{Regex, RegexBuilder};
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Notice {
    pub path: String,
    pub line: u32,
    pub text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub years: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub holder: Option<String>,
    /// What makes it unusable, if anything.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
}

impl Notice {
    pub fn is_valid(&self) -> bool {
        self.problem.is_none()
    }
}

fn re(s: &str) -> Regex {
    RegexBuilder::new(s)
        .case_insensitive(true)
        .build()
        .expect("valid regex")
}

static START: LazyLock<Regex> = LazyLock::new(|| {
    re(r"^[\s#*/>;!\-|]*(\*\*)?\s*(copyright\b|©|\(c\)\s*(19|20)\d\d)|©\s*crown\s+copyright")
});
static PLACEHOLDER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"<\s*(year|yyyy|copyright\s+holders?|owner|name[^>]*|author[^>]*)\s*>|\[\s*(year|yyyy|fullname|full\s+name|name[^\]]*|owner[^\]]*)\s*\]|\{\s*(year|yyyy|author|holder|owner)\s*\}",
    )
});
static YEARS: LazyLock<Regex> = LazyLock::new(|| {
    re(r"\b((19|20)\d\d)(\s*(-|–|to)\s*((19|20)\d\d|present|now))?((\s*,\s*(19|20)\d\d)+)?\b")
});
static LEAD: LazyLock<Regex> =
    LazyLock::new(|| re(r"^[\s#*/>;!\-|]*(\*\*)?\s*(copyright\s*)?(©|\(c\))?\s*(copyright\s*)?"));
static TAIL: LazyLock<Regex> =
    LazyLock::new(|| re(r"[\s.,;:*]*(all\s+rights\s+reserved\.?)?[\s.,;:*]*$"));
static LICENCE_OWN: LazyLock<Regex> =
    LazyLock::new(|| re(r"free\s+software\s+foundation|creative\s+commons\s+corporation"));

/// Every copyright notice in a text. `this_year` decides what is in the future.
pub fn find(path: &str, text: &str, this_year: i32) -> Vec<Notice> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim_end_matches('\r');
        if !START.is_match(line) || LICENCE_OWN.is_match(line) {
            continue;
        }
        // "Copyright" alone as a heading, or prose such as "Copyright and licence"
        let shown = line
            .trim()
            .trim_start_matches(['#', '>', '*', ' '])
            .to_string();
        // "The documentation is © Crown copyright" states a licence, it is not a notice: a notice has
        // a year (or a placeholder for one)
        if !YEARS.is_match(line) && !PLACEHOLDER.is_match(line) {
            continue;
        }
        let mut n = Notice {
            path: path.to_string(),
            line: (i + 1) as u32,
            text: shown,
            years: None,
            holder: None,
            problem: None,
        };
        if PLACEHOLDER.is_match(line) {
            n.problem = Some("a template placeholder, not a real notice".into());
            out.push(n);
            continue;
        }
        let body = LEAD.replace(line, "").to_string();
        match YEARS.find(&body) {
            Some(m) => {
                let years = m.as_str().to_string();
                let before = body[..m.start()].trim();
                let after = body[m.end()..].trim();
                let holder = if after
                    .trim_matches(|c: char| !c.is_alphanumeric())
                    .is_empty()
                {
                    before
                } else {
                    after
                };
                let holder = TAIL
                    .replace(holder.trim_start_matches([',', ' ']), "")
                    .trim()
                    .trim_start_matches("by ")
                    .to_string();
                let future = years
                    .split(|c: char| !c.is_ascii_digit())
                    .filter_map(|y| y.parse::<i32>().ok())
                    .find(|y| *y > this_year);
                n.years = Some(years);
                if holder.chars().any(char::is_alphabetic) {
                    n.holder = Some(holder);
                } else {
                    n.problem = Some("no copyright holder".into());
                }
                if let Some(y) = future {
                    n.problem = Some(format!("the year {y} is in the future"));
                }
            }
            None => {
                let holder = TAIL.replace(body.trim(), "").trim().to_string();
                if !holder.is_empty() {
                    n.holder = Some(holder);
                }
                n.problem = Some("no year".into());
            }
        }
        out.push(n);
    }
    out
}

/// The current year, from the system clock (UTC).
pub fn this_year() -> i32 {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    // days since 1970-01-01 to a civil year (Howard Hinnant's algorithm)
    let z = (secs / 86_400) as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(month <= 2)) as i32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(line: &str) -> Notice {
        let v = find("LICENCE", line, 2026);
        assert_eq!(v.len(), 1, "{line}: {v:?}");
        v.into_iter().next().unwrap()
    }

    #[test]
    fn nhs_notices_parse() {
        let n = one("Copyright (c) 2023 Crown Copyright NHS England.");
        assert_eq!(
            (n.years.as_deref(), n.holder.as_deref()),
            (Some("2023"), Some("Crown Copyright NHS England"))
        );
        let n = one("Copyright (c) 2018 Crown Copyright (Government Digital Service)");
        assert_eq!(
            n.holder.as_deref(),
            Some("Crown Copyright (Government Digital Service)")
        );
        let n = one("© Crown copyright 2022");
        assert_eq!(
            (n.years.as_deref(), n.holder.as_deref()),
            (Some("2022"), Some("Crown copyright"))
        );
        let n = one("Copyright 2019-2024 NHS England. All rights reserved.");
        assert_eq!(
            (n.years.as_deref(), n.holder.as_deref()),
            (Some("2019-2024"), Some("NHS England"))
        );
        assert!(n.is_valid());
    }

    #[test]
    fn placeholders_future_years_and_licence_lines() {
        assert!(!one("Copyright (c) <YEAR> <COPYRIGHT HOLDER>").is_valid());
        assert!(!one("Copyright (c) [year] [fullname]").is_valid());
        let n = one("Copyright (c) 2031 Crown Copyright");
        assert!(n.problem.unwrap().contains("2031"));
        assert!(find(
            "COPYING",
            "Copyright (C) 2007 Free Software Foundation, Inc. <https://fsf.org/>",
            2026
        )
        .is_empty());
        assert!(find(
            "LICENSE",
            "The above copyright notice and this permission notice shall be included",
            2026
        )
        .is_empty());
        assert!(find("README.md", "## Copyright and licence", 2026).is_empty());
    }

    #[test]
    fn the_year_is_plausible() {
        let y = this_year();
        assert!((2024..2100).contains(&y), "{y}");
    }
}
