//! The rule set as a whole: ids, files, fixtures, descriptions, sources and policies stay consistent,
//! and the README's rule table and the rule catalogue stay in step with rules/.

use std::collections::BTreeSet;
use std::path::Path;

use openready::policy::rule::description_problem;
use openready::policy::Registry;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn every_rule_file_loads_and_its_id_is_its_file_name() {
    let reg = Registry::builtin().expect("built-in rules are valid");
    let stems: BTreeSet<String> = std::fs::read_dir(root().join("rules"))
        .unwrap()
        .filter_map(|e| {
            let p = e.unwrap().path();
            (p.extension().is_some_and(|x| x == "toml"))
                .then(|| p.file_stem().unwrap().to_string_lossy().into_owned())
        })
        .collect();
    let ids: BTreeSet<String> = reg.rules.keys().cloned().collect();
    assert_eq!(stems, ids);
}

#[test]
fn every_rule_has_pass_and_fail_fixtures_and_no_fixture_is_orphaned() {
    let reg = Registry::builtin().unwrap();
    let mut problems = Vec::new();
    for id in reg.rules.keys() {
        let dir = root().join("fixtures").join(id);
        let cases: Vec<String> = std::fs::read_dir(&dir)
            .map(|rd| {
                rd.filter_map(|e| e.ok())
                    .filter(|e| e.path().is_dir())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        if !cases.iter().any(|c| c.starts_with("pass")) {
            problems.push(format!("{id}: no fixtures/{id}/pass*/"));
        }
        if !cases.iter().any(|c| c.starts_with("fail")) {
            problems.push(format!("{id}: no fixtures/{id}/fail*/"));
        }
    }
    for e in std::fs::read_dir(root().join("fixtures")).unwrap() {
        let e = e.unwrap();
        if e.path().is_dir() {
            let name = e.file_name().to_string_lossy().into_owned();
            // the licence-identification corpus (tests/licences.rs) is not a rule's fixtures
            if !reg.rules.contains_key(&name) && name != "licence-corpus" {
                problems.push(format!("fixtures/{name}/ belongs to no rule"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn descriptions_sources_and_titles_are_complete() {
    let reg = Registry::builtin().unwrap();
    for (id, r) in &reg.rules {
        assert!(
            description_problem(&r.description).is_none(),
            "{id}: {:?}",
            description_problem(&r.description)
        );
        assert!(!r.sources.is_empty(), "{id}: no [[source]]");
        for s in &r.sources {
            if let Some(u) = &s.url {
                assert!(u.starts_with("https://"), "{id}: source url {u}");
            }
        }
        assert!(r.title.len() <= 100, "{id}: title too long");
        assert!(!r.fix.ends_with(' '), "{id}");
    }
}

#[test]
fn policies_resolve_and_name_only_existing_rules() {
    let reg = Registry::builtin().unwrap();
    for name in ["nhs", "nhse-it", "rap", "gds"] {
        let rules = reg
            .policy_rules(name)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(!rules.is_empty(), "{name}");
    }
    // nhs holds every built-in rule but those it removes on purpose (see rules/policies/nhs.toml)
    let nhs = reg.policy_rules("nhs").unwrap();
    for id in [
        "readme-file",
        "no-large-files",
        "notebook-outputs",
        "attest-code-review",
    ] {
        assert!(nhs.contains(&id.to_string()), "{id}");
    }
    // and each profile resolves with its overrides applied cleanly
    for name in ["nhse-it", "rap", "gds"] {
        let req = openready::policy::Request {
            policy: Some(name.into()),
            ..Default::default()
        };
        let resolved = openready::policy::resolve(&req, None, &|_| Ok(Vec::new()));
        assert!(
            resolved.is_ok(),
            "{name}: {}",
            resolved.err().map(|e| e.to_string()).unwrap_or_default()
        );
    }
}

/// The README's rule table, generated from rules/.
fn rule_table(reg: &Registry) -> String {
    let mut out = String::from("| id | level | what it checks |\n|---|---|---|\n");
    for (id, r) in &reg.rules {
        out.push_str(&format!(
            "| `{id}` | {} | {} |\n",
            r.level,
            r.title.replace('|', "\\|")
        ));
    }
    out
}

#[test]
fn the_readme_rule_table_is_in_step_with_rules() {
    let reg = Registry::builtin().unwrap();
    let path = root().join("README.md");
    let readme = std::fs::read_to_string(&path).expect("README.md");
    let (start, end) = ("<!-- rules:start -->\n", "<!-- rules:end -->");
    let a = readme.find(start).expect("README has <!-- rules:start -->") + start.len();
    let b = readme.find(end).expect("README has <!-- rules:end -->");
    let want = rule_table(&reg);
    if readme[a..b] != want {
        if std::env::var_os("OPENREADY_UPDATE_README").is_some() {
            let updated = format!("{}{}{}", &readme[..a], want, &readme[b..]);
            std::fs::write(&path, updated).unwrap();
        } else {
            panic!("README rule table is out of date; run `OPENREADY_UPDATE_README=1 cargo test --test registry` to refresh it");
        }
    }
}

/// When the rule catalogue is beside this checkout (CI), every rule it lists for a group this
/// project implements must exist with the catalogue's level.
#[test]
fn rules_match_the_catalogue_when_it_is_present() {
    let catalogue = root().join("../shared/policy/RULES.md");
    let Ok(text) = std::fs::read_to_string(&catalogue) else {
        eprintln!("skipped: {} not present", catalogue.display());
        return;
    };
    let reg = Registry::builtin().unwrap();
    let row = regex_lite::Regex::new(r"(?m)^\| `([a-z0-9-]+)` \| (error|warning|info) \|").unwrap();
    let mut checked = 0;
    for c in row.captures_iter(&text) {
        let (id, level) = (&c[1], &c[2]);
        if let Some(r) = reg.rules.get(id) {
            assert_eq!(r.level.as_str(), level, "{id}: level differs from RULES.md");
            checked += 1;
        }
    }
    assert!(checked >= 29, "only {checked} catalogue rules found");
}
