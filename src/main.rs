//! The `ferry` binary: the command line (`ferry ls|get|put URL`); with no arguments, usage.

use std::process::ExitCode;

use clap::{CommandFactory, Parser};
use ferry::cli::{Cli, run};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let Some(command) = cli.command else {
        let _ = Cli::command().print_help();
        return ExitCode::from(2);
    };
    match run(command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("ferry: {error:#}");
            ExitCode::FAILURE
        }
    }
}
