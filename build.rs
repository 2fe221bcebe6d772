//! Embeds every file under rules/ in the binary, so the built-in policies need nothing on disk.
use std::fmt::Write;
use std::path::Path;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    println!("cargo:rerun-if-changed=rules");
    let mut out = String::new();
    for (name, dir) in [
        ("RULE_FILES", "rules"),
        ("POLICY_FILES", "rules/policies"),
        ("DETECTOR_FILES", "rules/detectors"),
    ] {
        let mut files: Vec<_> = std::fs::read_dir(root.join(dir))
            .map(|rd| rd.filter_map(Result::ok).map(|e| e.path()).collect())
            .unwrap_or_default();
        files.retain(|p| p.extension().is_some_and(|e| e == "toml"));
        files.sort();
        writeln!(out, "pub static {name}: &[(&str, &str)] = &[").unwrap();
        for p in files {
            println!("cargo:rerun-if-changed={}", p.display());
            let rel = p
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            writeln!(
                out,
                "    ({rel:?}, include_str!({:?})),",
                p.display().to_string()
            )
            .unwrap();
        }
        writeln!(out, "];").unwrap();
    }
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("builtin.rs");
    std::fs::write(dest, out).unwrap();
}
