//! Check kinds: the code behind rules.
//!
//! A rule file's `[check.<kind>]` table selects one variant of [`Check`] and holds its parameters. This
//! enum and its one `match` are the whole registry: adding a kind is one file here, one variant and
//! one arm, and the compiler points at anything missed. Every kind is a pure function of its
//! parameters and the [`Snapshot`]; it reads the repository only through the snapshot and never prints.

pub mod params;
pub mod text;

mod attestation;
mod commits;
pub mod content;
mod data_header;
mod file_absent;
mod file_contains;
mod file_exists;
mod file_lacks;
mod file_size;
mod gitignore_coverage;
mod licence;
mod notebook;
mod readme;
mod remote;
mod tracked_ignored;
mod versioning;
mod xlsx;

use serde::Deserialize;

use crate::finding::Outcome;
use crate::repo::Snapshot;

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub enum Check {
    FileExists(file_exists::Params),
    FileAbsent(file_absent::Params),
    FileContains(file_contains::Params),
    FileLacks(file_lacks::Params),
    Readme(readme::Params),
    Notebook(notebook::Params),
    FileSize(file_size::Params),
    DataHeader(data_header::Params),
    GitignoreCoverage(gitignore_coverage::Params),
    TrackedIgnored(tracked_ignored::Params),
    Versioning(versioning::Params),
    Remote(remote::Params),
    Attestation(attestation::Params),
    LicenceFile(licence::file::Params),
    LicenceApproved(licence::approved::Params),
    LicenceText(licence::text::Params),
    Copyright(licence::copyright::Params),
    ReadmeLicence(licence::readme::Params),
    LicenceScope(licence::scope::Params),
    ManifestLicence(licence::manifest::Params),
    DependencyLicences(licence::dependencies::Params),
    NoticeFile(licence::notice::Params),
    Content(content::Params),
    CommitMessages(commits::MessagesParams),
    CommitContent(commits::ContentParams),
    CommitIdentities(commits::IdentitiesParams),
}

/// Every kind's name, as written in `[check.<kind>]`.
pub const KINDS: &[&str] = &[
    "file-exists",
    "file-absent",
    "file-contains",
    "file-lacks",
    "readme",
    "notebook",
    "file-size",
    "data-header",
    "gitignore-coverage",
    "tracked-ignored",
    "versioning",
    "remote",
    "attestation",
    "licence-file",
    "licence-approved",
    "licence-text",
    "copyright",
    "readme-licence",
    "licence-scope",
    "manifest-licence",
    "dependency-licences",
    "notice-file",
    "content",
    "commit-messages",
    "commit-content",
    "commit-identities",
];

impl Check {
    pub fn kind(&self) -> &'static str {
        match self {
            Check::FileExists(_) => "file-exists",
            Check::FileAbsent(_) => "file-absent",
            Check::FileContains(_) => "file-contains",
            Check::FileLacks(_) => "file-lacks",
            Check::Readme(_) => "readme",
            Check::Notebook(_) => "notebook",
            Check::FileSize(_) => "file-size",
            Check::DataHeader(_) => "data-header",
            Check::GitignoreCoverage(_) => "gitignore-coverage",
            Check::TrackedIgnored(_) => "tracked-ignored",
            Check::Versioning(_) => "versioning",
            Check::Remote(_) => "remote",
            Check::Attestation(_) => "attestation",
            Check::LicenceFile(_) => "licence-file",
            Check::LicenceApproved(_) => "licence-approved",
            Check::LicenceText(_) => "licence-text",
            Check::Copyright(_) => "copyright",
            Check::ReadmeLicence(_) => "readme-licence",
            Check::LicenceScope(_) => "licence-scope",
            Check::ManifestLicence(_) => "manifest-licence",
            Check::DependencyLicences(_) => "dependency-licences",
            Check::NoticeFile(_) => "notice-file",
            Check::Content(_) => "content",
            Check::CommitMessages(_) => "commit-messages",
            Check::CommitContent(_) => "commit-content",
            Check::CommitIdentities(_) => "commit-identities",
        }
    }

    /// The content categories a content check looks for in files.
    pub fn content_categories(&self) -> Option<&[crate::scan::Category]> {
        match self {
            Check::Content(p) => Some(p.categories()),
            _ => None,
        }
    }

    pub fn run(&self, snap: &Snapshot) -> Outcome {
        match self {
            Check::FileExists(p) => file_exists::run(p, snap),
            Check::FileAbsent(p) => file_absent::run(p, snap),
            Check::FileContains(p) => file_contains::run(p, snap),
            Check::FileLacks(p) => file_lacks::run(p, snap),
            Check::Readme(p) => readme::run(p, snap),
            Check::Notebook(p) => notebook::run(p, snap),
            Check::FileSize(p) => file_size::run(p, snap),
            Check::DataHeader(p) => data_header::run(p, snap),
            Check::GitignoreCoverage(p) => gitignore_coverage::run(p, snap),
            Check::TrackedIgnored(p) => tracked_ignored::run(p, snap),
            Check::Versioning(p) => versioning::run(p, snap),
            Check::Remote(p) => remote::run(p, snap),
            Check::Attestation(p) => attestation::run(p, snap),
            Check::LicenceFile(p) => licence::file::run(p, snap),
            Check::LicenceApproved(p) => licence::approved::run(p, snap),
            Check::LicenceText(p) => licence::text::run(p, snap),
            Check::Copyright(p) => licence::copyright::run(p, snap),
            Check::ReadmeLicence(p) => licence::readme::run(p, snap),
            Check::LicenceScope(p) => licence::scope::run(p, snap),
            Check::ManifestLicence(p) => licence::manifest::run(p, snap),
            Check::DependencyLicences(p) => licence::dependencies::run(p, snap),
            Check::NoticeFile(p) => licence::notice::run(p, snap),
            Check::Content(p) => content::run(p, snap),
            Check::CommitMessages(p) => commits::messages(p, snap),
            Check::CommitContent(p) => commits::content(p, snap),
            Check::CommitIdentities(p) => commits::identities(p, snap),
        }
    }
}

/// 1-based line number of a byte offset in `text`.
pub(crate) fn line_of(text: &str, offset: usize) -> u32 {
    (text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1) as u32
}

/// 1-based column (in characters) of a byte offset in `text`.
pub(crate) fn column_of(text: &str, offset: usize) -> u32 {
    let offset = offset.min(text.len());
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    (text[start..offset].chars().count() + 1) as u32
}

/// Shorten a matched text for a message.
pub(crate) fn clip(s: &str, max: usize) -> String {
    let s = s.trim();
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let cut: String = s.chars().take(max).collect();
        format!("{cut}…")
    }
}
