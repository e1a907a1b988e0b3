//! ARCHITECTURE.md's layer table, checked: a module may name (`crate::x`) only modules of its
//! own layer or the layers below it. A new import that climbs a layer fails here, naming
//! the file and the import, before it can turn into a cycle.

use std::path::{Path, PathBuf};

/// Lowest first, as in ARCHITECTURE.md.
const LAYERS: [(&str, &[&str]); 8] = [
    (
        "foundations",
        &[
            "time",
            "calendar",
            "rng",
            "stats",
            "query",
            "catalog",
            "workload",
            "interrupt",
        ],
    ),
    ("kernel", &["engine"]),
    ("policy rules", &["scaling"]),
    ("domain", &["model"]),
    ("placement", &["placement"]),
    ("metrics", &["metrics"]),
    ("simulation", &["sim"]),
    (
        "edges",
        &[
            "scenario",
            "import",
            "report",
            "compare",
            "sweep",
            "outputs",
            "charts",
            "report_html",
            "cli",
        ],
    ),
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|(_, mods)| mods.contains(&module))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// Every `crate::NAME` in code (comments skipped), with its line number.
fn crate_references(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            let after = &rest[at + "crate::".len()..];
            let name: String = after
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                out.push((n + 1, name));
            }
            rest = after;
        }
    }
    out
}

#[test]
fn no_module_imports_a_higher_layer() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut climbs = Vec::new();
    let mut unplaced = Vec::new();
    for file in &files {
        let rel = file.strip_prefix(&src).unwrap();
        let top = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy();
        let module = top.trim_end_matches(".rs").to_string();
        if matches!(module.as_str(), "lib" | "main") {
            continue;
        }
        let Some(own) = layer_of(&module) else {
            unplaced.push(module);
            continue;
        };
        let text = std::fs::read_to_string(file).unwrap();
        for (line, name) in crate_references(&text) {
            if let Some(used) = layer_of(&name).filter(|used| *used > own) {
                climbs.push(format!(
                    "src/{}:{line}: {module} ({}) uses crate::{name} ({})",
                    rel.display(),
                    LAYERS[own].0,
                    LAYERS[used].0
                ));
            }
        }
    }
    unplaced.dedup();
    assert!(
        unplaced.is_empty(),
        "modules missing from the layer table (add them here and to ARCHITECTURE.md): {unplaced:?}"
    );
    assert!(
        climbs.is_empty(),
        "imports that climb a layer:\n{}",
        climbs.join("\n")
    );
}

#[test]
fn the_scanner_sees_an_import_and_skips_comments() {
    let text = "use crate::sim::run;\n// crate::cli is only mentioned\nlet x = crate::model::Cluster::new();";
    let found: Vec<String> = crate_references(text).into_iter().map(|(_, n)| n).collect();
    assert_eq!(found, vec!["sim".to_string(), "model".to_string()]);
}
