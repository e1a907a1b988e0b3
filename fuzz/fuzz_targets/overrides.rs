//! Any bytes as a scenario file plus `--set` assignments (each line starting `--set `
//! is one, the rest is the file): applying them, then parsing and validation, must return
//! a located error or a config, never panic. No run: `scenario` covers that.

#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (sets, file): (Vec<&str>, Vec<&str>) =
        text.lines().partition(|l| l.starts_with("--set "));
    let sets: Vec<String> = sets.iter().map(|l| l["--set ".len()..].to_string()).collect();
    let _ = ecsim::scenario::load_str(&file.join("\n"), Path::new("fuzz.toml"), &sets);
});
