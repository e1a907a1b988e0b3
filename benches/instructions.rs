//! Runs one of the M/M/10 models once, for an instruction count that a noisy machine does
//! not move: `benches/scripts/instructions_per_event.sh` runs this under callgrind once per
//! model and once with `none`, and divides each difference by the model's events.
//!
//!   instructions MODEL    (MODEL: none, bare, kernel, simcore, ecsim)
//!
//! Every model is checked against Erlang C before its events are printed, so a count is
//! never of a model that does not run an M/M/10.

use ecsim::metrics::NullRecorder;
use std::hint::black_box;
use std::process::ExitCode;

mod m_m_10;

const MODELS: &str = "none, bare, kernel, simcore, ecsim";

fn main() -> ExitCode {
    // The config is loaded whatever the model, so `none` takes its cost out of every count
    // along with the process's start and exit.
    let config = black_box(m_m_10::mmc_config());
    let args: Vec<String> = std::env::args().skip(1).collect();
    // `cargo bench [FILTER]` runs every bench target with `--bench` last, and `cargo test
    // --benches` with no argument at all: neither should fail for a target that is not timed.
    if args.is_empty() || args.iter().any(|arg| arg == "--bench") {
        println!("instructions: not a timed bench; run benches/scripts/instructions_per_event.sh");
        return ExitCode::SUCCESS;
    }
    let model = &args[0];
    let events = match model.as_str() {
        "none" => 0,
        "bare" => {
            let (events, wait_ms) = black_box(m_m_10::bare_mmc(10, 926));
            m_m_10::check_m_m_10("the bare loop", events, wait_ms / 60_000.0);
            events
        }
        "kernel" => {
            let (events, wait_ms) = black_box(m_m_10::kernel_mmc::run(10, 926));
            m_m_10::check_m_m_10("ecsim's kernel", events, wait_ms / 60_000.0);
            events
        }
        "simcore" => {
            let (events, wait_min) = black_box(m_m_10::simcore_mmc::run(10, 926));
            m_m_10::check_m_m_10("simcore", events, wait_min);
            events
        }
        "ecsim" => {
            let summary = black_box(ecsim::sim::run(&config, &mut NullRecorder));
            let wait_min = summary.pending_time_s.started.mean / 60.0;
            m_m_10::check_m_m_10("ecsim", summary.events_processed, wait_min);
            summary.events_processed
        }
        other => {
            eprintln!("instructions: no model '{other}'; the models are {MODELS}");
            return ExitCode::from(2);
        }
    };
    println!("{events}");
    ExitCode::SUCCESS
}
