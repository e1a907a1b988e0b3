//! ARCHITECTURE.md's layer table, checked: a module may name (`crate::x`) only modules of its
//! own layer or the layers below it. A new import that climbs a layer fails here, naming
//! the file and the import, before it can turn into a cycle.

use std::path::{Path, PathBuf};

/// Lowest first, as in ARCHITECTURE.md. Within a layer modules may use each other, but
/// never in a cycle (`no_modules_depend_on_each_other_in_a_cycle`).
const LAYERS: [(&str, &[&str]); 14] = [
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
    ("scenario input", &["scenario"]),
    ("ECS import", &["import"]),
    ("result files", &["report", "outputs"]),
    ("charts", &["charts"]),
    ("pages", &["report_html"]),
    ("runs", &["run_dir", "compare", "sweep"]),
    ("command line", &["cli"]),
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

/// A module path under `src/`: `["sim", "lifecycle"]` for `src/sim/lifecycle.rs`, `["sim"]`
/// for `src/sim/mod.rs`, `[]` for `lib.rs`.
type ModPath = Vec<String>;

fn module_of(rel: &Path) -> ModPath {
    let mut parts: ModPath = rel
        .with_extension("")
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|l| l == "mod" || l == "lib") {
        parts.pop();
    }
    parts
}

/// Every `crate::a::b` and `super::a` path in `text`'s code (comments and a trailing
/// `#[cfg(test)] mod` skipped: a test module's `super` is the file itself), each as the
/// names after its root, with the root resolved against `module`; grouped paths
/// (`crate::a::{b, c::d}`) give one path per item.
fn module_paths(module: &[String], text: &str) -> Vec<(usize, ModPath)> {
    let code: Vec<&str> = text
        .lines()
        .map(|line| line.split("//").next().unwrap_or(""))
        .collect();
    let mut joined = code.join("\n");
    if let Some(tests) = joined.find("#[cfg(test)]\nmod ") {
        joined.truncate(tests);
    }
    let line_at = |offset: usize| joined[..offset].matches('\n').count() + 1;
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(found) = joined[from..].find(['c', 's']) {
        let at = from + found;
        from = at + 1;
        if at > 0 && joined[..at].ends_with(|c: char| ident(c) || c == ':') {
            continue;
        }
        let mut rest = &joined[at..];
        let mut base: ModPath = if let Some(r) = rest.strip_prefix("crate::") {
            rest = r;
            Vec::new()
        } else if rest.starts_with("super::") {
            let mut base = module.to_vec();
            while let Some(r) = rest.strip_prefix("super::") {
                base.pop();
                rest = r;
            }
            base
        } else {
            continue;
        };
        // The plain path, then an optional group of paths.
        loop {
            let name: String = rest.chars().take_while(|c| ident(*c)).collect();
            if name.is_empty() {
                break;
            }
            base.push(name.clone());
            rest = &rest[name.len()..];
            match rest.strip_prefix("::") {
                Some(r) => rest = r,
                None => break,
            }
        }
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 1;
            let mut item_start = 0;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' | ',' if depth == 1 => {
                        let item: ModPath = group[item_start..i]
                            .split("::")
                            .map(|s| s.trim().chars().take_while(|c| ident(*c)).collect())
                            .take_while(|s: &String| !s.is_empty())
                            .collect();
                        let mut path = base.clone();
                        path.extend(item);
                        out.push((line_at(at), path));
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
            out.push((line_at(at), base));
        }
    }
    out
}

/// One use of a module by another: `from` names `to` at `file:line`.
struct Use {
    from: ModPath,
    to: ModPath,
    at: String,
}

/// Every module-to-module use in `files` (module path, display name, text), each path
/// cut to the longest module it names.
fn module_uses(files: &[(ModPath, String, String)]) -> Vec<Use> {
    let known: std::collections::BTreeSet<&ModPath> = files.iter().map(|f| &f.0).collect();
    let mut uses = Vec::new();
    for (module, name, text) in files {
        for (line, path) in module_paths(module, text) {
            let Some(to) = (0..=path.len())
                .rev()
                .map(|k| path[..k].to_vec())
                .find(|p| known.contains(p))
            else {
                continue;
            };
            if &to != module {
                uses.push(Use {
                    from: module.clone(),
                    to,
                    at: format!("{name}:{line}"),
                });
            }
        }
    }
    uses
}

/// The cycles among the children of each module (siblings in one folder, or the crate's
/// top-level modules), as strongly connected components of more than one child, each
/// described with one use per edge inside it.
fn cycles(uses: &[Use]) -> Vec<String> {
    use std::collections::{BTreeMap, BTreeSet};
    let mut parents: BTreeSet<ModPath> = BTreeSet::new();
    for u in uses {
        for m in [&u.from, &u.to] {
            for k in 0..m.len() {
                parents.insert(m[..k].to_vec());
            }
        }
    }
    let mut found = Vec::new();
    for parent in parents {
        let child = |m: &ModPath| -> Option<ModPath> {
            (m.len() > parent.len() && m.starts_with(&parent)).then(|| m[..=parent.len()].to_vec())
        };
        // Edges between distinct children of `parent`, with the first use that made each.
        let mut graph: BTreeMap<ModPath, BTreeMap<ModPath, &str>> = BTreeMap::new();
        for u in uses {
            if let (Some(a), Some(b)) = (child(&u.from), child(&u.to))
                && a != b
            {
                graph.entry(a).or_default().entry(b).or_insert(&u.at);
            }
        }
        for component in strongly_connected(&graph) {
            let name = |m: &ModPath| m.join("::");
            let mut edges = Vec::new();
            for a in &component {
                for (b, at) in &graph[a] {
                    if component.contains(b) {
                        edges.push(format!("{} -> {} ({at})", name(a), name(b)));
                    }
                }
            }
            found.push(format!(
                "cycle among {}: {}",
                component.iter().map(name).collect::<Vec<_>>().join(", "),
                edges.join("; ")
            ));
        }
    }
    found
}

/// Tarjan's algorithm; components of one node are left out.
fn strongly_connected<V: Ord + Clone, E>(
    graph: &std::collections::BTreeMap<V, std::collections::BTreeMap<V, E>>,
) -> Vec<Vec<V>> {
    use std::collections::BTreeMap;
    struct State<V> {
        index: BTreeMap<V, usize>,
        low: BTreeMap<V, usize>,
        stack: Vec<V>,
        out: Vec<Vec<V>>,
    }
    fn visit<V: Ord + Clone, E>(v: &V, g: &BTreeMap<V, BTreeMap<V, E>>, s: &mut State<V>) {
        let i = s.index.len();
        s.index.insert(v.clone(), i);
        s.low.insert(v.clone(), i);
        s.stack.push(v.clone());
        for w in g.get(v).into_iter().flat_map(|e| e.keys()) {
            if !s.index.contains_key(w) {
                visit(w, g, s);
                let lw = s.low[w];
                let lv = s.low.get_mut(v).unwrap();
                *lv = (*lv).min(lw);
            } else if s.stack.contains(w) {
                let iw = s.index[w];
                let lv = s.low.get_mut(v).unwrap();
                *lv = (*lv).min(iw);
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = Vec::new();
            loop {
                let w = s.stack.pop().unwrap();
                let done = &w == v;
                component.push(w);
                if done {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                s.out.push(component);
            }
        }
    }
    let mut s = State {
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        out: Vec::new(),
    };
    for v in graph.keys() {
        if !s.index.contains_key(v) {
            visit(v, graph, &mut s);
        }
    }
    s.out
}

fn source_modules() -> Vec<(ModPath, String, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    files
        .iter()
        .map(|f| {
            let rel = f.strip_prefix(&src).unwrap();
            (
                module_of(rel),
                format!("src/{}", rel.display()),
                std::fs::read_to_string(f).unwrap(),
            )
        })
        .filter(|(m, _, _)| m.first().is_none_or(|top| top != "main" && top != "cli"))
        .collect()
}

#[test]
fn no_modules_depend_on_each_other_in_a_cycle() {
    let found = cycles(&module_uses(&source_modules()));
    assert!(
        found.is_empty(),
        "modules that depend on each other (break each cycle: move the shared piece down, or \
         pass what the lower module needs as a value):\n{}",
        found.join("\n")
    );
}

#[test]
fn the_cycle_check_names_a_cycle_inside_a_folder_and_between_top_level_modules() {
    let file = |m: &str, text: &str| {
        (
            m.split("::").map(String::from).collect::<ModPath>(),
            format!("{m}.rs"),
            text.to_string(),
        )
    };
    let files = vec![
        file("a", ""),
        file("a::x", "use super::y::Thing;\n"),
        file("a::y", "fn f() { crate::a::x::g(); }\n"),
        file(
            "a::z",
            "use super::x;\n#[cfg(test)]\nmod tests { use super::super::y; }\n",
        ),
        file("b", "use crate::{c::Deep, a};\n"),
        file("c", "use crate::b::{self};\n"),
        file("d", "use crate::c; // crate::d is only mentioned\n"),
    ];
    let found = cycles(&module_uses(&files));
    assert_eq!(
        found,
        vec![
            "cycle among b, c: b -> c (b.rs:1); c -> b (c.rs:1)".to_string(),
            "cycle among a::x, a::y: a::x -> a::y (a::x.rs:1); a::y -> a::x (a::y.rs:1)"
                .to_string(),
        ]
    );
}

/// ARCHITECTURE.md's "sim does no I/O; nothing below `scenario` touches a file", and
/// loading's read phase: every file a scenario names is read in `scenario/inputs.rs` (or
/// parsing and trace streaming), never while resolving.
const NO_IO: [&str; 13] = [
    "engine",
    "model",
    "placement",
    "scaling",
    "metrics",
    "sim",
    "stats",
    "workload",
    "catalog",
    "query",
    "time.rs",
    "rng.rs",
    "scenario/resolve",
];

/// What reaching a file or a terminal looks like in code.
const IO_CALLS: [&str; 9] = [
    "std::fs",
    "fs::read",
    "fs::write",
    "File::open",
    "File::create",
    "OpenOptions",
    "println!",
    "stdout()",
    "stderr()",
];

fn io_calls(text: &str) -> Vec<(usize, &'static str)> {
    text.lines()
        .enumerate()
        .flat_map(|(i, line)| {
            let code = line.split("//").next().unwrap_or("");
            IO_CALLS
                .iter()
                .filter(move |call| code.contains(*call))
                .map(move |call| (i + 1, *call))
        })
        .collect()
}

#[test]
fn nothing_below_the_scenario_reader_touches_a_file_or_terminal() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found = Vec::new();
    for area in NO_IO {
        let mut files = Vec::new();
        let path = src.join(area);
        if path.is_dir() {
            rust_files(&path, &mut files);
        } else {
            files.push(path);
        }
        for f in files {
            let text = std::fs::read_to_string(&f).unwrap();
            for (line, call) in io_calls(&text) {
                found.push(format!("{}:{line}: {call}", f.display()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "I/O below the scenario reader (read files in scenario/inputs.rs, write them through \
         report::OutputDir):\n{}",
        found.join("\n")
    );
}

#[test]
fn the_io_scanner_sees_a_file_read_and_skips_comments() {
    let text = "let t = std::fs::read_to_string(p);\n// File::open(p) once\nprintln!(\"x\");\n";
    assert_eq!(
        io_calls(text),
        vec![(1, "std::fs"), (1, "fs::read"), (3, "println!")]
    );
}
