#![doc = include_str!("../README.md")]

mod calldata;
mod error;
mod evm_check;
mod solc;
mod verifier;

pub use calldata::encode_calldata;
pub use error::{Error, Result};
pub use evm_check::{evm_verify, EvmCheck};
pub use solc::{CompiledContract, Solc};
pub use verifier::{
    aggregation_verifier_solidity, compile_verifier, verifier_solidity, VerifierArtifact, EIP170_LIMIT,
};
