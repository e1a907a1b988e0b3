//! Figures quoted in the docs and scenario comments are pinned: each sits under a marker
//! naming the `ecsim` command that produces it, and this test reruns every command and
//! compares the text exactly. When behaviour changes on purpose, regenerate them all with
//!
//! ```sh
//! ECSIM_BLESS=1 cargo test --profile ci --test it pinned
//! ```
//!
//! and review the diff. Two marker forms:
//!
//! - Markdown: a line `<!-- pinned: ARGS -->` right before a fenced block; the block is the
//!   command's printed output (without the "results in" line). Filters after `|`:
//!   `head N` keeps the first N lines, `without 'PREFIX'` drops lines starting with PREFIX,
//!   `from 'PREFIX'` drops the lines before the first one starting with PREFIX.
//! - TOML comments: a line `# pinned: run ARGS => TEMPLATE`; the next line is `# ` and the
//!   template with `{dotted.summary.key:.N}` filled from the run's summary.json.

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Splits on whitespace, keeping single-quoted stretches whole (quotes removed).
fn split_args(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    let mut any = false;
    for c in text.chars() {
        match c {
            '\'' => {
                quoted = !quoted;
                any = true;
            }
            c if c.is_whitespace() && !quoted => {
                if any {
                    out.push(std::mem::take(&mut current));
                    any = false;
                }
            }
            c => {
                current.push(c);
                any = true;
            }
        }
    }
    if any {
        out.push(current);
    }
    out
}

/// Runs `ecsim ARGS --out TMP` from the repository root: (stdout, summary.json if written).
fn ecsim(args: &[String]) -> (String, Option<serde_json::Value>) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let o = Command::new(env!("CARGO_BIN_EXE_ecsim"))
        .current_dir(repo())
        .args(args)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "ecsim {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let summary = std::fs::read_to_string(out.join("summary.json"))
        .ok()
        .map(|t| serde_json::from_str(&t).unwrap());
    let stdout = String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with("  results in "))
        .map(|l| format!("{l}\n"))
        .collect();
    (stdout, summary)
}

/// The printed output of `spec` (`ARGS | filter | filter`), filtered.
fn block_output(spec: &str) -> String {
    let mut parts = spec.split(" | ");
    let (text, _) = ecsim(&split_args(parts.next().unwrap()));
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    for filter in parts {
        let words = split_args(filter);
        match words.first().map(String::as_str) {
            Some("head") => lines.truncate(words[1].parse().unwrap()),
            Some("without") => lines.retain(|l| !l.starts_with(words[1].as_str())),
            Some("from") => {
                let start = lines.iter().position(|l| l.starts_with(words[1].as_str()));
                lines.drain(..start.unwrap_or(lines.len()));
            }
            other => panic!("unknown pin filter {other:?} in `{spec}`"),
        }
    }
    lines.iter().map(|l| format!("{l}\n")).collect()
}

/// `template` with each `{key}` or `{key:.N}` replaced by the summary's value.
fn fill(template: &str, summary: &serde_json::Value) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = rest[open..].find('}').expect("closing brace") + open;
        let field = &rest[open + 1..close];
        let (key, decimals) = match field.split_once(":.") {
            Some((k, d)) => (k, Some(d.parse::<usize>().unwrap())),
            None => (field, None),
        };
        let pointer = format!("/{}", key.replace('.', "/"));
        let value = summary
            .pointer(&pointer)
            .unwrap_or_else(|| panic!("no `{key}` in summary.json"));
        match (value.as_f64(), decimals) {
            (Some(x), Some(d)) => out.push_str(&format!("{x:.d$}")),
            _ => out.push_str(&value.to_string()),
        }
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

/// The file with every pin regenerated.
fn regenerate(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        out.push(line.to_string());
        i += 1;
        if let Some(spec) = line
            .strip_prefix("<!-- pinned: ")
            .and_then(|s| s.strip_suffix(" -->"))
        {
            assert!(
                lines.get(i).is_some_and(|l| l.starts_with("```")),
                "a pin must be followed by a fenced block: {line}"
            );
            out.push(lines[i].to_string());
            i += 1;
            while i < lines.len() && !lines[i].starts_with("```") {
                i += 1;
            }
            out.extend(block_output(spec).lines().map(String::from));
        } else if let Some(spec) = line.strip_prefix("# pinned: ") {
            let (command, template) = spec.split_once(" => ").expect("`=> TEMPLATE`");
            let (_, summary) = ecsim(&split_args(command));
            let summary = summary.expect("a pinned figure comes from a run's summary.json");
            out.push(format!("# {}", fill(template, &summary)));
            i += 1;
        }
    }
    let mut joined = out.join("\n");
    if text.ends_with('\n') {
        joined.push('\n');
    }
    joined
}

fn pinned_files() -> Vec<PathBuf> {
    let mut files = vec![repo().join("README.md")];
    for (dir, ext) in [("docs", "md"), ("scenarios", "toml"), ("scenarios", "md")] {
        let mut found: Vec<PathBuf> = std::fs::read_dir(repo().join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == ext))
            .collect();
        found.sort();
        files.extend(found);
    }
    files
}

#[test]
fn pinned_figures_match_what_the_commands_print() {
    let bless = std::env::var_os("ECSIM_BLESS").is_some();
    let mut stale = Vec::new();
    let mut pins = 0;
    for file in pinned_files() {
        let text = std::fs::read_to_string(&file).unwrap();
        pins += text
            .lines()
            .filter(|l| l.starts_with("<!-- pinned: ") || l.starts_with("# pinned: "))
            .count();
        let fresh = regenerate(&text);
        if fresh != text {
            if bless {
                std::fs::write(&file, &fresh).unwrap();
            } else {
                let diff: Vec<String> = text
                    .lines()
                    .zip(fresh.lines())
                    .filter(|(a, b)| a != b)
                    .take(6)
                    .map(|(a, b)| format!("    was: {a}\n    now: {b}"))
                    .collect();
                stale.push(format!("{}\n{}", file.display(), diff.join("\n")));
            }
        }
    }
    assert!(pins >= 4, "the pinned figures went missing ({pins} pins)");
    assert!(
        stale.is_empty(),
        "pinned figures are stale; regenerate with `ECSIM_BLESS=1 cargo test --profile ci --test it pinned` and review the diff:\n{}",
        stale.join("\n")
    );
}

#[test]
fn a_stale_figure_is_caught() {
    // The mechanism itself: a block that no longer matches its command is rewritten.
    let text = "intro\n<!-- pinned: run scenarios/quickstart.toml | head 1 -->\n```\nscenario stale\n```\nend\n";
    let fresh = regenerate(text);
    assert_ne!(fresh, text);
    assert!(fresh.contains("scenario quickstart  seed 42"), "{fresh}");
    assert!(fresh.ends_with("```\nend\n"), "{fresh}");
    assert_eq!(
        regenerate(&fresh),
        fresh,
        "regenerating twice changes nothing"
    );
    assert_eq!(
        split_args("run x.toml --set 'a=[{t=\"b c\"}]'"),
        ["run", "x.toml", "--set", "a=[{t=\"b c\"}]"]
    );
    let summary = serde_json::json!({"a": {"b": 0.123456, "n": 20}});
    assert_eq!(fill("n {a.n}, b {a.b:.3};", &summary), "n 20, b 0.123;");
}
