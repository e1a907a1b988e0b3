//! Any bytes as a trace CSV (ecsim's format) of a small scenario: reading, expanding and
//! validating must return a located error or a config, never panic; a config runs (two
//! simulated hours at most) without panicking. Seeds: `fuzz/seeds/trace/`.

#![no_main]

mod trace_replay;

use libfuzzer_sys::fuzz_target;
use std::path::PathBuf;
use std::sync::OnceLock;

/// One directory per fuzzing process, made once.
fn dir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("ecsim-fuzz-trace-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a scratch directory");
        dir
    })
}

fuzz_target!(|data: &[u8]| {
    let _ = trace_replay::replay(dir(), data);
});
