//! One module per subcommand; the pipeline functions here are shared with `demo`.

mod aggregate;
mod calibrate;
mod chess;
mod compile;
mod conformance;
mod create_evm_verifier;
mod demo;
mod demo_batch;
mod deploy;
mod prove;
mod setup;
mod srs;
mod verify;
mod verify_onchain;

use crate::opts::{Command, Opts};
use crate::output::Reporter;

pub(crate) fn run(opts: Opts) -> anyhow::Result<()> {
    let mut rep = Reporter::new(opts.json);
    match opts.command {
        Command::Compile(args) => args.run(&mut rep)?,
        Command::Calibrate(args) => args.run(&mut rep)?,
        Command::Setup(args) => args.run(&mut rep)?,
        Command::Prove(args) => args.run(&mut rep)?,
        Command::Verify(args) => args.run(&mut rep)?,
        Command::CreateEvmVerifier(args) => args.run(&mut rep)?,
        Command::Deploy(args) => args.run(&mut rep)?,
        Command::VerifyOnchain(args) => args.run(&mut rep)?,
        Command::Aggregate(args) => args.run(&mut rep)?,
        Command::Demo(args) => args.run(&mut rep)?,
        Command::Srs(args) => args.run(&mut rep)?,
        Command::Conformance(args) => args.run(&mut rep)?,
        Command::Chess(command) => command.run(&mut rep)?,
    }
    rep.finish();
    Ok(())
}

/// A tokio runtime for the chain steps.
pub(crate) fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?)
}
