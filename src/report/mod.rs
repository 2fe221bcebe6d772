//! Report formats. Each renders a finished [`Report`](crate::finding::Report) and decides nothing.

pub mod human;
pub mod json;
pub mod licence;

use clap::ValueEnum;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// For people at a terminal.
    Human,
    /// The stable `openready/report/v1` schema (docs/report.md).
    Json,
}

/// Render a report in a format. `color` applies to human output only.
pub fn render(report: &crate::finding::Report, format: Format, color: bool) -> String {
    match format {
        Format::Human => human::render(report, color),
        Format::Json => json::render(report),
    }
}
