//! `dependency-licences`: every dependency's licence is known and allowed.

use serde::Deserialize;

use super::covers;
use crate::finding::{Finding, Outcome};
use crate::licence::manifest;
use crate::repo::Snapshot;

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Params {
    allowed: Vec<String>,
}

pub fn run(p: &Params, snap: &Snapshot) -> Outcome {
    let Some(deps) = manifest::dependencies(snap) else {
        return Outcome::not_applicable("no package-lock.json or SBOM with licence metadata");
    };
    let mut findings = Vec::new();
    for d in &deps {
        let Some(lic) = &d.licence else {
            findings.push(Finding::at(
                &d.file,
                format!("{}: no licence declared", d.name),
            ));
            continue;
        };
        let ok = match spdx::Expression::parse_mode(lic, spdx::ParseMode::LAX) {
            Ok(expr) => expr.evaluate(|req| match &req.license {
                spdx::LicenseItem::Spdx { id, or_later } => {
                    let ids = manifest::ids_of(&format!(
                        "{}{}",
                        id.name,
                        if *or_later { "+" } else { "" }
                    ));
                    ids.iter().all(|i| covers(&p.allowed, i)) && !ids.is_empty()
                }
                spdx::LicenseItem::Other(_) => false,
            }),
            Err(_) => false,
        };
        if !ok {
            findings.push(Finding::at(
                &d.file,
                format!("{}: {lic} is not on the allowed list", d.name),
            ));
        }
    }
    let n = deps.len();
    Outcome::from_findings(
        findings,
        format!(
            "{n} dependenc{} with allowed licences",
            if n == 1 { "y" } else { "ies" }
        ),
        |k| format!("{k} of {n} dependencies with a missing or disallowed licence"),
    )
}
