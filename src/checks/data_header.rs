//! `data-header`: data files whose header row has personal-data column names.

use serde::Deserialize;

use super::params::{Globs, Pattern};
use super::xlsx;
use crate::finding::{Finding, Outcome};
use crate::repo::Snapshot;

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Params {
    #[serde(default = "default_files")]
    files: Globs,
    #[serde(default)]
    except: Globs,
    columns: Pattern,
}

fn default_files() -> Globs {
    Globs::new(&["*.csv", "*.tsv", "*.xlsx"]).expect("built-in globs are valid")
}

pub fn run(p: &Params, snap: &Snapshot) -> Outcome {
    let mut findings = Vec::new();
    let mut checked = 0;
    for f in snap.examined() {
        if !p.files.is_match(&f.path) || p.except.is_match(&f.path) || f.symlink {
            continue;
        }
        let Ok(bytes) = snap.content(f) else { continue };
        let header = if f.path.to_ascii_lowercase().ends_with(".xlsx") {
            xlsx::first_row(&bytes)
        } else {
            Some(delimited_header(&bytes))
        };
        let Some(header) = header else { continue };
        checked += 1;
        let hits: Vec<String> = header
            .iter()
            .map(|c| normalise(c))
            .filter(|c| !c.is_empty() && p.columns.is_match(c))
            .collect();
        if !hits.is_empty() {
            findings.push(Finding::at_line(
                &f.path,
                1,
                format!(
                    "personal-data column{}: {}",
                    if hits.len() == 1 { "" } else { "s" },
                    hits.join(", ")
                ),
            ));
        }
    }
    Outcome::from_findings(
        findings,
        format!(
            "{checked} data file header{} checked",
            if checked == 1 { "" } else { "s" }
        ),
        |n| {
            format!(
                "{n} data file{} with personal-data columns",
                if n == 1 { "" } else { "s" }
            )
        },
    )
}

/// The first line of a delimited file, split on its most likely delimiter, honouring quotes.
fn delimited_header(bytes: &[u8]) -> Vec<String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let end = bytes
        .iter()
        .position(|&b| b == b'\n')
        .unwrap_or(bytes.len().min(64 << 10));
    let line = String::from_utf8_lossy(&bytes[..end]);
    let line = line.trim_end_matches('\r');
    let delim = [',', '\t', ';', '|']
        .into_iter()
        .max_by_key(|d| line.matches(*d).count())
        .unwrap_or(',');
    let mut cells = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for ch in line.chars() {
        match ch {
            '"' => quoted = !quoted,
            c if c == delim && !quoted => cells.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    cells.push(cur);
    cells
}

fn normalise(cell: &str) -> String {
    cell.trim()
        .trim_matches(|c| c == '"' || c == '\'')
        .trim()
        .to_lowercase()
        .replace([' ', '-'], "_")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Status;

    fn params() -> Params {
        toml::from_str(r#"columns = '^(nhs_?(no|num(ber)?)|date_?of_?birth|dob|post_?code)$'"#)
            .unwrap()
    }

    #[test]
    fn csv_and_tsv_headers() {
        let snap = Snapshot::from_memory(&[
            (
                "a.csv",
                b"\xEF\xBB\xBFid,\"NHS Number\",Date-of-Birth\r\n1,2,3\n",
            ),
            ("b.tsv", b"code\tcount\n"),
        ]);
        let o = run(&params(), &snap);
        assert_eq!(o.status, Status::Fail);
        assert_eq!(o.findings.len(), 1);
        assert_eq!(
            o.findings[0].message,
            "personal-data columns: nhs_number, date_of_birth"
        );
    }

    #[test]
    fn xlsx_headers() {
        let book = super::super::xlsx::tests::zip(&[(
            "xl/worksheets/sheet1.xml",
            "<worksheet><sheetData><row r=\"1\"><c t=\"inlineStr\"><is><t>Postcode</t></is></c></row></sheetData></worksheet>",
        )]);
        let snap = Snapshot::from_memory(&[("x.xlsx", &book)]);
        assert_eq!(run(&params(), &snap).status, Status::Fail);
    }
}
