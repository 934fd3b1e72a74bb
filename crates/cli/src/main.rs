//! `zkinfer`: prove an ML model's inference and verify it on-chain.

mod cmd;
mod opts;
mod output;
mod paths;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let opts = opts::Opts::parse();
    match cmd::run(opts) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
