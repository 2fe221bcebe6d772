//! `attestation`: something only a person can confirm. The engine turns `manual` into a pass when the
//! config records an attestation for the rule.

use serde::Deserialize;

use crate::finding::Outcome;
use crate::repo::Snapshot;

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Params {}

pub fn run(_: &Params, _: &Snapshot) -> Outcome {
    Outcome::manual(
        "needs a person's confirmation: record it as an [[attestation]] in .openready.toml",
    )
}
