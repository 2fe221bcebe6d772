//! `file-size`: no large files. Git LFS pointers are listed in the details, not failed.

use serde::Deserialize;

use super::params::{ByteSize, Globs};
use crate::finding::{Finding, Outcome};
use crate::repo::Snapshot;

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Params {
    #[serde(default = "default_max")]
    max_size: ByteSize,
    #[serde(default)]
    except: Globs,
}

fn default_max() -> ByteSize {
    ByteSize(5 << 20)
}

const LFS_PREFIX: &[u8] = b"version https://git-lfs.github.com/spec/v1";

pub fn run(p: &Params, snap: &Snapshot) -> Outcome {
    snap.prefetch_sizes();
    let mut findings = Vec::new();
    let mut lfs = Vec::new();
    for f in snap.examined() {
        let size = snap.size(f);
        // an LFS pointer is 126 to 145 bytes (more with rare extension lines); read only those
        if (120..=200).contains(&size)
            && !f.symlink
            && snap.content(f).is_ok_and(|c| c.starts_with(LFS_PREFIX))
        {
            lfs.push(f.path.clone());
            continue;
        }
        if size > p.max_size.0 && !p.except.is_match(&f.path) {
            findings.push(Finding::at(
                &f.path,
                format!(
                    "{} (limit {})",
                    ByteSize::human(size),
                    ByteSize::human(p.max_size.0)
                ),
            ));
        }
    }
    let limit = ByteSize::human(p.max_size.0);
    let mut o = Outcome::from_findings(findings, format!("no file over {limit}"), |n| {
        format!("{n} file{} over {limit}", if n == 1 { "" } else { "s" })
    });
    if !lfs.is_empty() {
        o.message.push_str(&format!(
            "; {} Git LFS pointer{} listed",
            lfs.len(),
            if lfs.len() == 1 { "" } else { "s" }
        ));
        o = o.with_details(serde_json::json!({ "lfs-pointers": lfs }));
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Status;

    #[test]
    fn limit_and_lfs_pointers() {
        let p: Params = toml::from_str("max-size = 10").unwrap();
        let pointer = b"version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n";
        let snap = Snapshot::from_memory(&[
            ("big.bin", b"01234567890"),
            ("data.csv", pointer),
            ("ok.txt", b"small"),
        ]);
        let o = run(&p, &snap);
        assert_eq!(o.status, Status::Fail);
        assert_eq!(o.findings.len(), 1);
        assert_eq!(o.findings[0].path.as_deref(), Some("big.bin"));
        assert_eq!(o.details.unwrap()["lfs-pointers"][0], "data.csv");
    }
}
