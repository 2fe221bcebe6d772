//! Licences declared in package manifests and dependency metadata, as SPDX ids.

use std::sync::LazyLock;

use regex_lite::{Regex, RegexBuilder};
use serde_json::Value;

use super::facts::Declared;
use super::named_licences;
use crate::checks::line_of;
use crate::repo::Snapshot;

/// The SPDX ids an expression or a free-text licence name means. Deprecated ids are brought up to
/// date (`GPL-3.0` is `GPL-3.0-only`, `GPL-3.0+` is `GPL-3.0-or-later`); names people write
/// ("Apache License 2.0", "MIT License", "GPL (>= 3)") are understood where they are unambiguous.
pub fn ids_of(declared: &str) -> Vec<String> {
    let cleaned = R_FILE.replace_all(declared.trim(), "");
    let cleaned = cleaned.trim();
    if cleaned.is_empty() {
        return Vec::new();
    }
    if let Some(ids) = r_gpl(cleaned) {
        return ids;
    }
    if let Ok(expr) = spdx::Expression::parse_mode(cleaned, spdx::ParseMode::LAX) {
        let mut out: Vec<String> = expr
            .requirements()
            .filter_map(|r| match &r.req.license {
                spdx::LicenseItem::Spdx { id, or_later } => Some(modern(id.name, *or_later)),
                spdx::LicenseItem::Other(_) => None,
            })
            .collect();
        out.sort();
        out.dedup();
        if !out.is_empty() {
            return out;
        }
    }
    let mut out: Vec<String> = named_licences(cleaned)
        .into_iter()
        .map(str::to_string)
        .collect();
    out.sort();
    out
}

/// `GPL-3.0` (deprecated) means `GPL-3.0-only`; a `+` means `-or-later`.
fn modern(name: &str, or_later: bool) -> String {
    let base = name
        .trim_end_matches('+')
        .trim_end_matches("-only")
        .trim_end_matches("-or-later");
    let gnu = ["GPL-", "LGPL-", "AGPL-", "GFDL-"]
        .iter()
        .any(|p| base.starts_with(p));
    if !gnu {
        return name.to_string();
    }
    if or_later || name.ends_with('+') || name.ends_with("-or-later") {
        format!("{base}-or-later")
    } else {
        format!("{base}-only")
    }
}

/// R's `+ file LICENSE` suffix and similar pointers.
static R_FILE: LazyLock<Regex> = LazyLock::new(|| {
    RegexBuilder::new(r"\+?\s*file\s+LICEN[CS]E\b|\|\s*file\s+LICEN[CS]E\b")
        .case_insensitive(true)
        .build()
        .expect("valid")
});

/// R's `GPL-3`, `GPL (>= 3)`, `GPL-2 | GPL-3`.
fn r_gpl(s: &str) -> Option<Vec<String>> {
    static R: LazyLock<Regex> = LazyLock::new(|| {
        RegexBuilder::new(r"^(A|L)?GPL\s*(-\s*(\d)|\(\s*(>=)?\s*(\d)(\.\d)?\s*\))$")
            .case_insensitive(true)
            .build()
            .expect("valid")
    });
    let c = R.captures(s)?;
    let family = format!("{}GPL", c.get(1).map_or("", |m| m.as_str()).to_uppercase());
    let version = c.get(3).or(c.get(5))?.as_str();
    let later = c.get(4).is_some();
    Some(vec![format!(
        "{family}-{version}.0-{}",
        if later { "or-later" } else { "only" }
    )])
}

/// Classifiers of pyproject.toml and setup.cfg.
fn classifier_ids(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| l.split("License ::").nth(1))
        .flat_map(|c| named_licences(c).into_iter().map(str::to_string))
        .collect()
}

/// Every licence the root manifests declare.
pub fn declared(snap: &Snapshot) -> Vec<Declared> {
    let mut out = Vec::new();
    let mut push = |path: &str, text: &str, value: &str| {
        let at = text.find(value).unwrap_or(0);
        let ids = ids_of(value);
        if !ids.is_empty() || !value.trim().is_empty() {
            out.push(Declared {
                path: path.to_string(),
                line: line_of(text, at),
                declared: value.trim().to_string(),
                ids,
            });
        }
    };
    const MANIFESTS: &[&str] = &[
        "Cargo.toml",
        "package.json",
        "pyproject.toml",
        "setup.cfg",
        "DESCRIPTION",
    ];
    for f in snap.files_in("") {
        if !MANIFESTS.contains(&f.name()) {
            continue;
        }
        let Some(text) = snap.text(f) else { continue };
        match f.name() {
            "Cargo.toml" => {
                let doc = toml_table(&text);
                if let Some(v) = toml_str(&doc, &["package", "license"]) {
                    push(&f.path, &text, &v);
                }
            }
            "package.json" => {
                let Ok(v) = serde_json::from_str::<Value>(&text) else {
                    continue;
                };
                match v.get("license") {
                    Some(Value::String(s)) if !s.starts_with("SEE LICEN") && s != "UNLICENSED" => {
                        push(&f.path, &text, s)
                    }
                    Some(Value::String(s)) if s == "UNLICENSED" => push(&f.path, &text, s),
                    Some(Value::Object(o)) => {
                        if let Some(Value::String(t)) = o.get("type") {
                            push(&f.path, &text, t);
                        }
                    }
                    _ => {}
                }
            }
            "pyproject.toml" => {
                let doc = toml_table(&text);
                let lic = toml_str(&doc, &["project", "license"])
                    .or_else(|| toml_str(&doc, &["project", "license", "text"]))
                    .or_else(|| toml_str(&doc, &["tool", "poetry", "license"]));
                match lic {
                    Some(v) => push(&f.path, &text, &v),
                    None => {
                        let ids = classifier_ids(&text);
                        if let Some(first) = ids.first() {
                            push(&f.path, &text, first);
                        }
                    }
                }
            }
            "setup.cfg" => {
                static LICENSE: LazyLock<Regex> = LazyLock::new(|| {
                    RegexBuilder::new(r"(?m)^licen[cs]e\s*=\s*(\S.*)$")
                        .case_insensitive(true)
                        .build()
                        .expect("valid")
                });
                if let Some(c) = LICENSE.captures(&text) {
                    let v = c[1].trim().to_string();
                    if !v.starts_with("file:") {
                        push(&f.path, &text, &v);
                    }
                }
            }
            "DESCRIPTION" => {
                static LICENSE: LazyLock<Regex> = LazyLock::new(|| {
                    RegexBuilder::new(r"(?m)^License:\s*(\S.*)$")
                        .build()
                        .expect("valid")
                });
                if let Some(c) = LICENSE.captures(&text) {
                    push(&f.path, &text, c[1].trim());
                }
            }
            _ => {}
        }
    }
    out
}

fn toml_table(text: &str) -> Option<toml::Table> {
    toml::from_str(text).ok()
}

fn toml_str(doc: &Option<toml::Table>, path: &[&str]) -> Option<String> {
    let mut v = doc.as_ref()?.get(path[0])?;
    for k in &path[1..] {
        v = v.get(k)?;
    }
    v.as_str().map(str::to_string)
}

/// A dependency and the licence its metadata declares.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dependency {
    pub file: String,
    pub name: String,
    /// `None` when the metadata declares no licence (or NOASSERTION / NONE).
    pub licence: Option<String>,
}

/// Dependencies from `package-lock.json`, SPDX JSON and CycloneDX JSON files; `None` when the
/// repository has none of those files.
pub fn dependencies(snap: &Snapshot) -> Option<Vec<Dependency>> {
    let mut found_file = false;
    let mut out = Vec::new();
    for f in snap.files() {
        let lower = f.name().to_ascii_lowercase();
        let kind = if lower == "package-lock.json" || lower == "npm-shrinkwrap.json" {
            "npm"
        } else if lower.ends_with(".spdx.json") {
            "spdx"
        } else if lower.ends_with(".cdx.json")
            || lower == "bom.json"
            || (lower.contains("cyclonedx") && lower.ends_with(".json"))
        {
            "cdx"
        } else {
            continue;
        };
        let Some(text) = snap.text(f) else { continue };
        let Ok(v) = serde_json::from_str::<Value>(&text) else {
            continue;
        };
        found_file = true;
        let lic = |s: Option<&Value>| -> Option<String> {
            let s = s?.as_str()?.trim();
            (!s.is_empty() && s != "NOASSERTION" && s != "NONE").then(|| s.to_string())
        };
        match kind {
            "npm" => {
                if let Some(Value::Object(pkgs)) = v.get("packages") {
                    for (key, p) in pkgs {
                        if key.is_empty() || p.get("link").is_some_and(|l| l == true) {
                            continue; // the root project itself, or a workspace link
                        }
                        let name = key
                            .rsplit("node_modules/")
                            .next()
                            .unwrap_or(key)
                            .to_string();
                        out.push(Dependency {
                            file: f.path.clone(),
                            name,
                            licence: lic(p.get("license")),
                        });
                    }
                }
            }
            "spdx" => {
                for p in v
                    .get("packages")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    let name = p
                        .get("name")
                        .and_then(Value::as_str)
                        .unwrap_or("?")
                        .to_string();
                    let licence =
                        lic(p.get("licenseConcluded")).or_else(|| lic(p.get("licenseDeclared")));
                    out.push(Dependency {
                        file: f.path.clone(),
                        name,
                        licence,
                    });
                }
            }
            _ => {
                for c in v
                    .get("components")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    let name = c
                        .get("name")
                        .and_then(Value::as_str)
                        .unwrap_or("?")
                        .to_string();
                    let licence = c.get("licenses").and_then(Value::as_array).and_then(|ls| {
                        let parts: Vec<String> = ls
                            .iter()
                            .filter_map(|l| {
                                lic(l.get("expression")).or_else(|| {
                                    let inner = l.get("license")?;
                                    lic(inner.get("id")).or_else(|| lic(inner.get("name")))
                                })
                            })
                            .collect();
                        (!parts.is_empty()).then(|| parts.join(" OR "))
                    });
                    out.push(Dependency {
                        file: f.path.clone(),
                        name,
                        licence,
                    });
                }
            }
        }
    }
    found_file.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_licences_become_spdx_ids() {
        assert_eq!(ids_of("MIT"), vec!["MIT"]);
        assert_eq!(ids_of("MIT OR Apache-2.0"), vec!["Apache-2.0", "MIT"]);
        assert_eq!(ids_of("GPL-3.0"), vec!["GPL-3.0-only"]);
        assert_eq!(ids_of("GPL-3.0+"), vec!["GPL-3.0-or-later"]);
        assert_eq!(ids_of("GPL-3.0-or-later"), vec!["GPL-3.0-or-later"]);
        assert_eq!(ids_of("MIT + file LICENSE"), vec!["MIT"]);
        assert_eq!(ids_of("GPL (>= 3)"), vec!["GPL-3.0-or-later"]);
        assert_eq!(ids_of("GPL-3"), vec!["GPL-3.0-only"]);
        assert_eq!(ids_of("Apache License 2.0"), vec!["Apache-2.0"]);
        assert_eq!(ids_of("MIT AND OGL-UK-3.0"), vec!["MIT", "OGL-UK-3.0"]);
    }
}
