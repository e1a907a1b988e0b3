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

/// Every `crate::NAME` in code (comments skipped), with its line number; a grouped
/// `crate::{a::b, c}` (on one line or several) names each of its top-level modules.
fn crate_references(text: &str) -> Vec<(usize, String)> {
    let code: Vec<&str> = text
        .lines()
        .map(|line| line.split("//").next().unwrap_or(""))
        .collect();
    let joined = code.join("\n");
    let line_at = |offset: usize| joined[..offset].matches('\n').count() + 1;
    let leading_name = |s: &str| -> String {
        s.trim_start()
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(found) = joined[from..].find("crate::") {
        let at = from + found;
        let after = &joined[at + "crate::".len()..];
        if let Some(group) = after.strip_prefix('{') {
            let mut depth = 1;
            let mut item_start = 0;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' | ',' if depth == 1 => {
                        let name = leading_name(&group[item_start..i]);
                        if !name.is_empty() {
                            out.push((line_at(at), name));
                        }
                        item_start = i + 1;
                        if c == '}' {
                            break;
                        }
                    }
                    '}' => depth -= 1,
                    _ => {}
                }
            }
        } else {
            let name = leading_name(after);
            if !name.is_empty() {
                out.push((line_at(at), name));
            }
        }
        from = at + "crate::".len();
    }
    out
}

#[test]
fn grouped_imports_name_every_module() {
    let text = "use crate::model::Cluster;\nuse crate::{sim, report::OutputDir}; // crate::cli\nuse crate::{\n    engine::{self, EventQueue},\n    metrics,\n};\n";
    let names: Vec<(usize, String)> = crate_references(text);
    let expected = [
        (1, "model"),
        (2, "sim"),
        (2, "report"),
        (3, "engine"),
        (3, "metrics"),
    ];
    assert_eq!(
        names,
        expected.map(|(l, n)| (l, n.to_string())).to_vec(),
        "comments are skipped, groups split at their top level"
    );
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
