//! The gradproof command line: reads files, prints, and chooses exit codes (0 all good, 1 a
//! result or step is false, 2 bad input). The subcommands are in `cli/`; the library does the
//! work.

use std::process::ExitCode;

mod cli;

fn main() -> ExitCode {
    cli::main()
}
