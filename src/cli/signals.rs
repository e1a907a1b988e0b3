//! Ctrl-C and SIGTERM: the first asks every run to stop at its next checkpoint (so output
//! directories remove their partial files and the command says what was kept); a second
//! one exits at once, for a user who will not wait.

use std::sync::atomic::{AtomicI32, Ordering};

static RECEIVED: AtomicI32 = AtomicI32::new(0);

/// Starts listening; without it the default handlers kill the process mid-write. A
/// failure to install (no signal support) leaves the defaults, which is no worse.
pub fn install() {
    #[cfg(unix)]
    {
        use signal_hook::consts::{SIGINT, SIGTERM};
        let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM]) else {
            return;
        };
        std::thread::spawn(move || {
            for signal in signals.forever() {
                if RECEIVED.swap(signal, Ordering::SeqCst) != 0 {
                    std::process::exit(128 + signal);
                }
                ecsim::interrupt::request();
            }
        });
    }
}

/// The signal that asked the process to stop, if any (2 for SIGINT, 15 for SIGTERM).
pub fn received() -> Option<i32> {
    match RECEIVED.load(Ordering::SeqCst) {
        0 => None,
        s => Some(s),
    }
}
