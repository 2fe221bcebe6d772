//! The detector catalogue (`rules/detectors/*.toml`): every detector parses, its pattern compiles,
//! its keywords gate it, and it finds each of its `match` examples and none of its `no-match` ones.
//! Examples are templates expanded here with several seeds, so no secret is ever stored in this
//! repository.

use std::collections::HashSet;

use openready::scan::{self, catalogue, fake, Origin};

#[test]
fn the_catalogue_loads_and_every_detector_is_well_formed() {
    let (detectors, diags) = catalogue::load();
    assert!(diags.is_empty(), "{diags:?}");
    assert!(detectors.len() >= 30, "only {} detectors", detectors.len());
    let mut ids = HashSet::new();
    let mut problems = Vec::new();
    for d in &detectors {
        if !ids.insert(d.id.clone()) {
            problems.push(format!("{}: id used twice", d.id));
        }
        for p in d.problems() {
            problems.push(format!("{} ({}): {p}", d.id, d.file));
        }
        if d.matches.len() < 2 || d.no_match.len() < 2 {
            problems.push(format!(
                "{}: needs at least 2 match and 2 no-match examples",
                d.id
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_detector_finds_its_examples_and_not_its_decoys() {
    let mut failures = Vec::new();
    for d in catalogue::CATALOGUE.iter() {
        for seed in 1..=5u64 {
            let mut rng = fake::Rng::new(seed * 31 + d.id.len() as u64);
            for t in &d.matches {
                let text = fake::expand(t, &mut rng);
                let lower = text.to_ascii_lowercase();
                if !d.keywords.iter().any(|k| lower.contains(k.as_str())) {
                    failures.push(format!("{}: no keyword in match example {t:?}", d.id));
                    continue;
                }
                let found =
                    scan::scan_for(text.as_bytes(), Origin { path: "x.txt" }, &[d.category]);
                let Some(hit) = found.hits.iter().find(|h| h.detector == d.id) else {
                    failures.push(format!("{}: did not match {text:?} (template {t:?})", d.id));
                    continue;
                };
                if d.category.is_sensitive() && hit.redacted.len() > 4 {
                    let visible = hit.redacted.trim_end_matches('*');
                    if visible.len() > 12 {
                        failures.push(format!(
                            "{}: redaction shows too much: {}",
                            d.id, hit.redacted
                        ));
                    }
                }
            }
            for t in &d.no_match {
                let text = fake::expand(t, &mut rng);
                let found =
                    scan::scan_for(text.as_bytes(), Origin { path: "x.txt" }, &[d.category]);
                if found.hits.iter().any(|h| h.detector == d.id) {
                    failures.push(format!("{}: matched decoy {text:?} (template {t:?})", d.id));
                }
            }
        }
    }
    failures.dedup();
    assert!(
        failures.is_empty(),
        "{} problems:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn the_issue_decoys_never_fail_a_run() {
    let mut rng = fake::Rng::new(99);
    let decoys = [
        "aws_access_key_id = AKIAIOSFODNN7EXAMPLE",
        "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "password = \"changeme\"",
        "token: ${{ secrets.GITHUB_TOKEN }}",
        "api_key = os.environ[\"API_KEY\"]",
        "const token = process.env.TOKEN;",
        "id = \"123e4567-e89b-12d3-a456-426614174000\"",
        "commit = \"da39a3ee5e6b4b0d3255bfef95601890afd80709\"",
        "created_at = 1700000000",
        "version = \"1.2.3.4\"",
    ];
    for d in decoys {
        let found = scan::scan_for(
            d.as_bytes(),
            Origin { path: "app.py" },
            &[scan::Category::Secret],
        );
        assert!(found.hits.is_empty(), "{d}: {:?}", found.hits);
    }
    let integrity = fake::expand(
        "\"integrity\": \"sha512-{b64:86}==\",\n\"resolved\": \"https://registry.npmjs.org/x/-/x-1.0.0.tgz\"",
        &mut rng,
    );
    for path in ["package-lock.json", "app.js"] {
        let found = scan::scan_for(
            integrity.as_bytes(),
            Origin { path },
            &[scan::Category::Secret],
        );
        assert!(found.hits.is_empty(), "{path}: {:?}", found.hits);
    }
    let image = fake::expand("<img src=\"data:image/png;base64,{b64:400}\">", &mut rng);
    let found = scan::scan_for(image.as_bytes(), Origin { path: "index.html" }, scan::ALL);
    assert!(found.hits.is_empty(), "{:?}", found.hits);
}
