//! A process-wide request to stop, set from a signal handler at the edge (`cli`) and read
//! by every running simulation at its checkpoints, so Ctrl-C stops a run or a whole sweep
//! within milliseconds and lets the output directories clean up after themselves.

use std::sync::atomic::{AtomicBool, Ordering};

static REQUESTED: AtomicBool = AtomicBool::new(false);

/// Asks every run in this process to stop at its next checkpoint.
pub fn request() {
    REQUESTED.store(true, Ordering::SeqCst);
}

/// Whether a stop has been asked for ([`request`]); once set it stays set for the
/// life of the process.
pub fn requested() -> bool {
    REQUESTED.load(Ordering::Relaxed)
}
