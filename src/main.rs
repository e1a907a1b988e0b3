//! The `ecsim` command. Its front end (`cli`: clap types, one function per subcommand)
//! belongs to the binary alone; everything it runs is the library's public API.

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    match cli::run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}
