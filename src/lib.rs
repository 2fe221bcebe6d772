//! openready: is this repository ready to be opened?
//!
//! A library and a command-line tool that check a local git repository against a declarative
//! open-source policy (by default the NHS one) and report what passes and fails. The flow is
//! `repo` (a snapshot of what would be published) → `policy` (rules as data, validated) → `checks`
//! (one pure function per check kind, content checks through `scan`) → `finding::Report` → `report` (renderers).

pub mod checks;
pub mod cli;
pub mod diag;
pub mod engine;
pub mod finding;
pub mod licence;
pub mod parallel;
pub mod policy;
pub mod repo;
pub mod report;
pub mod scan;

/// Every file under `rules/`, embedded by `build.rs`.
pub(crate) mod builtin {
    include!(concat!(env!("OUT_DIR"), "/builtin.rs"));
}

pub use engine::{check, ConfigChoice, Options, RunError};
pub use finding::{Report, Status};
