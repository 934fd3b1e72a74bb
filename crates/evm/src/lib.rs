#![doc = include_str!("../README.md")]

mod calldata;
mod error;
mod evm_check;
mod solc;
mod universal;
mod verifier;

pub use calldata::encode_calldata;
pub use error::{Error, Result};
pub use evm_check::{evm_verify, EvmCheck};
pub use solc::{CompiledContract, Solc};
pub use universal::{
    data_contract, g2_words, op, reference_verify, Inputs, Program, QuerySet, Rejection, VkData, HEADER,
    HEADER_WORDS, VK_VERSION,
};
pub use verifier::{
    aggregation_verifier_solidity, compile_verifier, verifier_solidity, VerifierArtifact, EIP170_LIMIT,
};
