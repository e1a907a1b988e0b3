//! A process-wide request to stop, set from a signal handler at the edge (`cli`) and read
//! by every running simulation at its checkpoints, so Ctrl-C stops a run or a whole sweep
//! within milliseconds and lets the output directories clean up after themselves.

use std::sync::atomic::{AtomicBool, Ordering};

static REQUESTED: AtomicBool = AtomicBool::new(false);

/// Asks every run in this process to stop at its next checkpoint.
pub fn request() {
    REQUESTED.store(true, Ordering::SeqCst);
}

/// Whether a stop has been asked for ([`request`]); once set it stays set until
/// [`clear`].
pub fn requested() -> bool {
    REQUESTED.load(Ordering::Relaxed)
}

/// Withdraws a stop request, once the runs it stopped have returned: for a library caller
/// that turns a stop into an error and goes on (the Python binding raises
/// `KeyboardInterrupt` and the interpreter lives on). The command line never clears it.
pub fn clear() {
    REQUESTED.store(false, Ordering::SeqCst);
}
