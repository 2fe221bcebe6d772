//! The licence check kinds. All of them read one shared analysis of the repository
//! ([`Facts`](crate::licence::Facts)), made by the first that runs.

pub mod approved;
pub mod copyright;
pub mod dependencies;
pub mod file;
pub mod manifest;
pub mod notice;
pub mod readme;
pub mod scope;
pub mod text;

/// Does a list entry (an SPDX id, or a prefix ending in `*`) cover this id?
pub(crate) fn covers(list: &[String], id: &str) -> bool {
    list.iter().any(|e| match e.strip_suffix('*') {
        Some(prefix) => id.starts_with(prefix),
        None => e == id,
    })
}

/// The family of an id, for comparing a declaration with a text: `GPL-3.0-only` and
/// `GPL-3.0-or-later` hold the same text.
pub(crate) fn family(id: &str) -> &str {
    id.trim_end_matches("-only").trim_end_matches("-or-later")
}

/// The analysis as report details.
pub(crate) fn details(f: &crate::licence::Facts) -> serde_json::Value {
    f.to_json()
}
