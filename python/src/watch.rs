//! Simulating without the GIL, interruptible by Ctrl-C.
//!
//! Python runs signal handlers only on its main thread and only while that thread holds
//! the GIL; a simulation holding neither would leave Ctrl-C unanswered until it ended. So
//! the work runs on its own thread (a sweep's and a comparison's on their rayon pool below
//! it) while the calling thread waits without the GIL and, every 50 ms, takes it to ask
//! Python whether a signal came. If one did, every run in the process is asked to stop at
//! its next checkpoint (`ecsim::interrupt`, the command line's mechanism), the work is
//! waited for, the request withdrawn, and Python's exception (`KeyboardInterrupt`) raised.

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

/// The main thread's stack on Linux: a run gets the room it has under `ecsim run`.
const STACK: usize = 8 << 20;

/// Runs `work` on a thread of its own while this one answers signals; see the module doc.
pub fn interruptible<T: Send>(py: Python<'_>, work: impl FnOnce() -> T + Send) -> PyResult<T> {
    let (done, finished) = mpsc::channel::<()>();
    std::thread::scope(|scope| {
        let handle = std::thread::Builder::new()
            .name("ecsim".into())
            .stack_size(STACK)
            .spawn_scoped(scope, move || {
                let result = work();
                let _ = done.send(());
                result
            })
            .map_err(|e| {
                PyRuntimeError::new_err(format!("cannot start a simulation thread: {e}"))
            })?;
        let mut signal = None;
        let mut finished = finished;
        loop {
            let (rx, status) = py.detach(move || {
                let status = finished.recv_timeout(Duration::from_millis(50));
                (finished, status)
            });
            finished = rx;
            match status {
                Ok(()) | Err(RecvTimeoutError::Disconnected) => break,
                Err(RecvTimeoutError::Timeout) => {
                    if signal.is_none()
                        && let Err(e) = py.check_signals()
                    {
                        ecsim::interrupt::request();
                        signal = Some(e);
                    }
                }
            }
        }
        let joined = py.detach(move || handle.join());
        if let Some(e) = signal {
            ecsim::interrupt::clear();
            return Err(e);
        }
        joined.map_err(|_| {
            PyRuntimeError::new_err(
                "the simulation stopped on an internal error; this is a bug in ecsim (please report it with the scenario)",
            )
        })
    })
}
