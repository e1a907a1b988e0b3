//! Any bytes as the inputs of `ecsim import` and `ecsim import cloudwatch` (a line
//! `--- NAME` starts each file; see `ecsim::import::bundle`): each import must return the
//! scenario or demand CSV, or an error in the user's words, never panic.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = ecsim::import::bundle::import_all(text);
});
